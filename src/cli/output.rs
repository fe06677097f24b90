//! What a command prints: one JSON document on stdout with --json, text otherwise. Errors go
//! to stderr as text, or into the JSON document, and always set the exit code.

use serde::Serialize;
use serde_json::json;

use crate::engine::error::Error;

/// The outcome of one command, ready to print.
pub struct Outcome {
    pub command: &'static str,
    pub json: serde_json::Value,
    pub text: String,
    pub exit_code: i32,
}

impl Outcome {
    pub fn ok<T: Serialize>(command: &'static str, result: &T, text: String) -> Outcome {
        Outcome {
            command,
            json: serde_json::to_value(result).unwrap_or(serde_json::Value::Null),
            text,
            exit_code: 0,
        }
    }

    /// A result that is also a failure (a failed check, a failed run): printed in full, with
    /// a non-zero exit code.
    pub fn with_exit(mut self, code: i32) -> Outcome {
        self.exit_code = code;
        self
    }
}

pub fn print(o: &Outcome, as_json: bool) {
    if as_json {
        let doc = json!({ "ok": o.exit_code == 0, "command": o.command, "result": o.json });
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
    } else if !o.text.is_empty() {
        print!("{}", o.text);
        if !o.text.ends_with('\n') {
            println!();
        }
    }
}

pub fn print_error(command: &'static str, e: &Error, as_json: bool) {
    if as_json {
        let doc = json!({
            "ok": false,
            "command": command,
            "error": { "code": e.kind.code(), "exit_code": e.kind.exit_code(), "message": e.message },
        });
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
    } else {
        eprintln!("error: {}", e.message);
    }
}
