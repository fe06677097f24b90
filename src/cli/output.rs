//! What a command prints: one JSON document on stdout with --json, text otherwise. Errors go
//! to stderr as text, or into the JSON document, and always set the exit code.

use serde::Serialize;
use serde_json::{json, Value};

use crate::engine::error::Error;

/// The outcome of one command, ready to print.
pub struct Outcome {
    pub command: &'static str,
    pub json: Value,
    pub text: String,
    pub exit_code: i32,
}

impl Outcome {
    pub fn ok<T: Serialize>(command: &'static str, result: &T, text: String) -> Outcome {
        Outcome { command, json: serde_json::to_value(result).unwrap_or(Value::Null), text, exit_code: 0 }
    }

    /// A result that is also a failure (a failed check): printed in full, non-zero exit code.
    pub fn with_exit(mut self, code: i32) -> Outcome {
        self.exit_code = code;
        self
    }

    pub fn doc(&self) -> Value {
        json!({ "ok": self.exit_code == 0, "command": self.command, "exit_code": self.exit_code, "result": self.json })
    }
}

/// The field an error is about: the one it names, or the flag its message starts with
/// (`--grid: ...`).
pub fn error_field(e: &Error) -> Option<String> {
    if e.field.is_some() {
        return e.field.clone();
    }
    let m = e.message.strip_prefix("--")?;
    let end = m.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))?;
    Some(m[..end].replace('-', "_"))
}

pub fn error_doc(command: &str, e: &Error) -> Value {
    let mut doc = json!({
        "ok": false,
        "command": command,
        "exit_code": e.kind.exit_code(),
        "error": { "code": e.kind.code(), "message": e.message, "field": error_field(e) },
    });
    // A failure that left a record (a failed run's report.json) points scripts at it.
    if let Some(mc) = &e.machine_contract {
        doc["machine_contract"] = (**mc).clone();
    }
    doc
}

/// Write to stdout, ignoring a reader that went away (`| head`): the command has done its work
/// and its exit code still says how it went; `println!` would panic on the broken pipe.
pub fn out(text: &str) {
    use std::io::Write;
    let mut o = std::io::stdout().lock();
    let _ = o.write_all(text.as_bytes()).and_then(|()| o.flush());
}

/// [`out`] for stderr.
pub fn err(text: &str) {
    use std::io::Write;
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// A JSON document on stdout, one per command.
pub fn out_json(doc: &Value) {
    out(&format!("{}\n", serde_json::to_string_pretty(doc).unwrap_or_default()));
}

pub fn print(o: &Outcome, as_json: bool) {
    if as_json {
        out_json(&o.doc());
    } else if !o.text.is_empty() {
        out(&o.text);
        if !o.text.ends_with('\n') {
            out("\n");
        }
    }
}

pub fn print_error(command: &str, e: &Error, as_json: bool) {
    if as_json {
        out_json(&error_doc(command, e));
    } else {
        err(&format!("error: {}\n", e.message));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_come_from_flag_prefixes() {
        assert_eq!(error_field(&Error::bad_input("--fee-bps must be in [0, 1000)")), Some("fee_bps".into()));
        assert_eq!(error_field(&Error::bad_input("--grid: no valid combination")), Some("grid".into()));
        assert_eq!(error_field(&Error::bad_input("f.csv: row 3")), None);
    }
}
