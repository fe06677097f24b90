//! `--json-request`: a JSON document names a command and its parameters; the response is one
//! JSON document. Requests become ordinary command lines, so every command the CLI has is
//! reachable, with the same validation and the same results.

use std::io::Read;
use std::path::Path;

use clap::error::{ContextKind, ContextValue};
use clap::{CommandFactory, Parser};
use serde_json::{json, Map, Value};

use super::{execute, Cli};
use crate::engine::contract::{CONTRACT_VERSION, RESPONSE_SCHEMA};
use crate::engine::Error;

mod strict;

/// Top-level fields a request may carry.
const REQUEST_FIELDS: [&str; 4] = ["request_id", "command", "params", "workspace"];

/// A refusal of the request itself, with the field it is about.
struct Refusal {
    message: String,
    field: Option<String>,
}

fn refuse(field: Option<&str>, message: impl Into<String>) -> Refusal {
    Refusal { message: message.into(), field: field.map(String::from) }
}

/// A clap usage error as our error, naming the argument when clap knows it.
pub fn usage_error(e: &clap::Error) -> Error {
    Error::bad_input(e.render().to_string().trim().replace("\n\nFor more information, try '--help'.", ""))
}

fn clap_field(e: &clap::Error) -> Option<String> {
    match e.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(s)) => {
            let name = s.trim_start_matches('-').split([' ', '=', '<']).next().unwrap_or("");
            Some(name.replace('-', "_")).filter(|n| !n.is_empty())
        }
        _ => None,
    }
}

fn read_source(source: &str) -> Result<String, Refusal> {
    if source == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| refuse(None, format!("cannot read the request from stdin: {e}")))?;
        Ok(s)
    } else {
        std::fs::read_to_string(source)
            .map_err(|e| refuse(None, format!("cannot read the request {source}: {e}")))
    }
}

/// Turn a request into the argv the CLI would have been given.
fn to_argv(doc: &Map<String, Value>, workspace: Option<&Path>) -> Result<(String, Vec<String>), Refusal> {
    for k in doc.keys() {
        if !REQUEST_FIELDS.contains(&k.as_str()) {
            return Err(refuse(
                Some(k),
                format!("unknown request field '{k}'; fields: {}", REQUEST_FIELDS.join(", ")),
            ));
        }
    }
    if doc.get("command").is_some_and(|c| !c.is_string()) {
        return Err(refuse(Some("command"), "'command' must be a string such as \"run\" or \"data import\""));
    }
    let command = doc
        .get("command")
        .and_then(Value::as_str)
        .filter(|c| !c.trim().is_empty())
        .ok_or_else(|| {
            refuse(Some("command"), "'command' must be a non-empty string such as \"run\" or \"data import\"")
        })?
        .to_string();
    let mut root = Cli::command();
    root.build();
    let mut argv = vec!["quantlab".to_string(), "--json".to_string()];
    let ws = match doc.get("workspace") {
        None | Some(Value::Null) => workspace.map(|p| p.display().to_string()),
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.clone()),
        Some(_) => {
            return Err(refuse(Some("workspace"), "'workspace' must be a non-empty string (a directory)"))
        }
    };
    if let Some(ws) = ws {
        argv.extend(["--workspace".to_string(), ws]);
    }
    let mut cmd = &root;
    for tok in command.split([' ', '.']).filter(|t| !t.is_empty()) {
        cmd = cmd.find_subcommand(tok).ok_or_else(|| {
            let valid: Vec<&str> =
                cmd.get_subcommands().map(|c| c.get_name()).filter(|n| *n != "help").collect();
            refuse(
                Some("command"),
                format!("unknown command '{command}': '{tok}' is not one of {}", valid.join(", ")),
            )
        })?;
        argv.push(tok.to_string());
    }
    if cmd.has_subcommands() && cmd.get_arguments().all(|a| a.is_global_set() || a.get_id() == "help") {
        let valid: Vec<&str> = cmd.get_subcommands().map(|c| c.get_name()).filter(|n| *n != "help").collect();
        return Err(refuse(Some("command"), format!("'{command}' needs a subcommand: {}", valid.join(", "))));
    }
    let empty = Map::new();
    let params = match doc.get("params") {
        None | Some(Value::Null) => &empty,
        Some(Value::Object(m)) => m,
        Some(_) => return Err(refuse(Some("params"), "'params' must be an object")),
    };
    let mut positionals: Vec<(usize, Vec<String>)> = Vec::new();
    for (key, value) in params {
        let arg = cmd
            .get_arguments()
            .filter(|a| {
                !matches!(a.get_id().as_str(), "help" | "json_request" | "json" | "workspace" | "signal_file")
            })
            .find(|a| a.get_id() == key.as_str() || a.get_long().is_some_and(|l| l == key.replace('_', "-")))
            .ok_or_else(|| {
                let valid: Vec<String> = cmd
                    .get_arguments()
                    .filter(|a| {
                        !matches!(
                            a.get_id().as_str(),
                            "help" | "json_request" | "json" | "workspace" | "verbose" | "signal_file"
                        )
                    })
                    .map(|a| {
                        a.get_long().map(|l| l.replace('-', "_")).unwrap_or_else(|| a.get_id().to_string())
                    })
                    .collect();
                refuse(
                    Some(key),
                    format!("unknown field '{key}' for command '{command}'; fields: {}", valid.join(", ")),
                )
            })?;
        let scalar = |v: &Value| -> Result<String, Refusal> {
            match v {
                Value::String(s) => Ok(s.clone()),
                Value::Number(n) => Ok(n.to_string()),
                Value::Bool(b) => Ok(b.to_string()),
                _ => Err(refuse(Some(key), format!("'{key}' must be a string, number or boolean here"))),
            }
        };
        let values: Vec<String> = match value {
            Value::Null => continue,
            Value::Array(items) => items.iter().map(scalar).collect::<Result<_, _>>()?,
            // {"fast": 20} for repeatable k=v flags such as --param.
            Value::Object(_) if !arg.get_action().takes_values() || arg.is_positional() => {
                return Err(refuse(Some(key), format!("'{key}' must be a string, number or boolean here")))
            }
            Value::Object(m) => {
                m.iter().map(|(k, v)| scalar(v).map(|s| format!("{k}={s}"))).collect::<Result<_, _>>()?
            }
            v => vec![scalar(v)?],
        };
        if arg.is_positional() {
            positionals.push((arg.get_index().unwrap_or(0), values));
            continue;
        }
        let long = format!("--{}", arg.get_long().unwrap_or(arg.get_id().as_str()));
        if !arg.get_action().takes_values() {
            match value {
                Value::Bool(true) => argv.push(long),
                Value::Bool(false) => {}
                _ => return Err(refuse(Some(key), format!("'{key}' is a switch: use true or false"))),
            }
            continue;
        }
        for v in values {
            argv.push(format!("{long}={v}"));
        }
    }
    positionals.sort_by_key(|(i, _)| *i);
    if !positionals.is_empty() {
        argv.push("--".into());
        argv.extend(positionals.into_iter().flat_map(|(_, v)| v));
    }
    Ok((command, argv))
}

/// A request checked and turned into the command line it stands for; nothing has run yet.
pub struct Prepared {
    pub request_id: String,
    pub command: String,
    pub cli: Cli,
}

/// Parse a request document into the command it asks for. A refusal is the response document
/// to print (exit code 2); no workspace has been touched either way.
pub fn prepare(text: &str, workspace: Option<&Path>, verbose: u8) -> Result<Prepared, Value> {
    let refused = |id: Option<&str>, command: Option<&str>, r: Refusal| {
        response(id, command, Err((2, "bad_input", r, None)))
    };
    let doc =
        strict::parse(text).map_err(|(field, message)| refused(None, None, Refusal { message, field }))?;
    let Some(obj) = doc.as_object() else {
        return Err(refused(None, None, refuse(None, "the request must be a JSON object")));
    };
    let Some(request_id) = obj.get("request_id").and_then(Value::as_str).filter(|s| !s.trim().is_empty())
    else {
        return Err(refused(
            None,
            None,
            refuse(Some("request_id"), "'request_id' must be a non-empty string"),
        ));
    };
    let named = obj.get("command").and_then(Value::as_str);
    let (command, mut argv) = to_argv(obj, workspace).map_err(|r| refused(Some(request_id), named, r))?;
    argv.extend(std::iter::repeat_n("-v".to_string(), verbose as usize));
    let cli = Cli::try_parse_from(&argv).map_err(|e| {
        let r = Refusal { message: usage_error(&e).message, field: clap_field(&e) };
        refused(Some(request_id), Some(&command), r)
    })?;
    Ok(Prepared { request_id: request_id.to_string(), command, cli })
}

/// Run a request; returns the exit code and the response document.
pub fn handle(source: &str, workspace: Option<&Path>, verbose: u8) -> (i32, Value) {
    let text = match read_source(source) {
        Ok(t) => t,
        Err(r) => return (2, response(None, None, Err((2, "bad_input", r, None)))),
    };
    let Prepared { request_id, command, cli } = match prepare(&text, workspace, verbose) {
        Ok(p) => p,
        Err(doc) => return (2, doc),
    };
    let (code, out) = execute(&cli, false);
    let body = if let Some(err) = out.get("error") {
        let r = Refusal {
            message: err["message"].as_str().unwrap_or_default().to_string(),
            field: err["field"].as_str().map(String::from),
        };
        Err((code, err["code"].as_str().unwrap_or("runtime_error"), r, out.get("machine_contract").cloned()))
    } else {
        Ok((code, out.get("result").cloned().unwrap_or(Value::Null)))
    };
    (code, response(Some(&request_id), Some(&command), body))
}

/// A result, or an error with the machine_contract of what it left behind (a failed run).
type Body<'a> = Result<(i32, Value), (i32, &'a str, Refusal, Option<Value>)>;

fn response(request_id: Option<&str>, command: Option<&str>, body: Body) -> Value {
    match body {
        Ok((code, result)) => {
            let mc = result
                .get("machine_contract")
                .or_else(|| result.get("report").and_then(|r| r.get("machine_contract")))
                .cloned()
                .unwrap_or(Value::Null);
            json!({
                "schema": RESPONSE_SCHEMA, "schema_version": CONTRACT_VERSION, "contract_version": CONTRACT_VERSION,
                "request_id": request_id, "command": command,
                "status": if code == 0 { "ok" } else { "failed" }, "exit_code": code,
                "machine_contract": mc, "result": result, "error": null,
            })
        }
        Err((code, kind, r, mc)) => json!({
            "schema": RESPONSE_SCHEMA, "schema_version": CONTRACT_VERSION, "contract_version": CONTRACT_VERSION,
            "request_id": request_id, "command": command,
            "status": "error", "exit_code": code,
            "machine_contract": mc, "result": null,
            "error": { "code": kind, "message": r.message, "field": r.field },
        }),
    }
}
