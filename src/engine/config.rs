//! `<workspace>/quantlab.toml`: operator defaults. Every key is optional.

use std::path::Path;

use serde::Deserialize;

use crate::engine::error::{Error, Result};
use crate::engine::workspace::Workspace;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub research: ResearchDefaults,
}

/// Defaults for `quantlab run` flags the operator did not give.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResearchDefaults {
    pub cash: Option<f64>,
    pub fee_bps: Option<f64>,
    pub slippage_bps: Option<f64>,
    pub fill: Option<String>,
    pub sizing: Option<String>,
}

impl Config {
    /// The workspace config, or defaults when the file does not exist.
    pub fn load(ws: &Workspace) -> Result<Config> {
        let path = ws.config_path();
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(e) => return Err(Error::io("cannot read", &path, e)),
        };
        toml::from_str(&text).map_err(|e| Error::bad_input(toml_error(&path, &text, &e)))
    }
}

/// A TOML error in our words: the file, the line and the dotted key it is about
/// (`corridor.max_open_orders`), then what is wrong. toml's own message names neither when a
/// value has the wrong type (`invalid type: string "4", expected usize`). The offending line is
/// not quoted, and the value not shown where the key names a secret.
pub fn toml_error(path: &Path, text: &str, e: &toml::de::Error) -> String {
    let msg = e.message().trim_end();
    let Some(start) = e.span().map(|s| s.start.min(text.len())) else {
        return format!("{}: {msg}", path.display());
    };
    let lines: Vec<&str> = text.lines().collect();
    let line_no = text.as_bytes()[..start].iter().filter(|&&b| b == b'\n').count() + 1;
    let header = |l: &str| {
        let t = l.trim();
        t.starts_with('[').then(|| t.trim_matches(|c| c == '[' || c == ']').trim().to_string())
    };
    // The key on the error's line, or on the nearest line above that has one (a multi-line array).
    let here = lines[..line_no.min(lines.len())].iter().rev().find_map(|l| {
        header(l)
            .map(|h| (h, true))
            .or_else(|| l.split_once('=').map(|(k, _)| (k.trim().trim_matches('"').to_string(), false)))
    });
    let key = match here {
        Some((h, true)) => h,
        Some((k, false)) => {
            let table = lines[..line_no.min(lines.len())].iter().rev().find_map(|l| header(l));
            table.map_or(k.clone(), |t| format!("{t}.{k}"))
        }
        None => String::new(),
    };
    let last = key.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    let msg = if ["secret", "private", "password", "token"].iter().any(|s| last.contains(s)) {
        "invalid value (not shown: the key holds a secret)"
    } else {
        msg
    };
    if key.is_empty() {
        format!("{}: line {line_no}: {msg}", path.display())
    } else {
        format!("{}: line {line_no}, key '{key}': {msg}", path.display())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err<T: serde::de::DeserializeOwned + std::fmt::Debug>(text: &str) -> String {
        let e = toml::from_str::<T>(text).unwrap_err();
        toml_error(Path::new("p.toml"), text, &e)
    }

    #[test]
    fn toml_errors_name_the_line_and_the_key() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Inner {
            n: usize,
            api_secret: Option<String>,
        }
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Doc {
            a: Option<u32>,
            inner: Vec<Inner>,
        }
        let m = err::<Doc>("a = 1\n\n[[inner]]\nn = \"4\"\n");
        assert!(m.starts_with("p.toml: line 4, key 'inner.n': invalid type: string \"4\""), "{m}");
        let m = err::<Doc>("[[inner]]\nn = 4\napi_secret = 12345\n");
        assert!(m.contains("line 3, key 'inner.api_secret'") && !m.contains("12345"), "{m}");
        let m = err::<Doc>("a = \"x\"\n");
        assert!(m.contains("line 1, key 'a'"), "{m}");
    }
}
