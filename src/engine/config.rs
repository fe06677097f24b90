//! `<workspace>/quantlab.toml`: operator defaults. Every key is optional.

use std::path::{Path, PathBuf};

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
        Ok(toml::from_str(&text).map_err(|e| toml_error(&path, &text, e))?)
    }
}

/// A TOML file that does not parse, in our words: the file, the line and the dotted key it is
/// about (`corridor.max_open_orders`), then what is wrong. toml's own message names neither
/// when a value has the wrong type (`invalid type: string "4", expected usize`). The offending
/// line is not quoted, and the value not shown where the key names a secret. toml's error is
/// the source, except for a secret's key: its text quotes the line, value and all.
#[derive(Debug, thiserror::Error)]
#[error("{}: {}{problem}", path.display(), place(*line, key.as_deref()))]
pub struct TomlError {
    pub path: PathBuf,
    /// 1-based; None when toml gave no position.
    pub line: Option<usize>,
    /// The dotted key on that line, or the table it is in; None when there is none.
    pub key: Option<String>,
    pub problem: String,
    #[source]
    pub toml: Option<toml::de::Error>,
}

fn place(line: Option<usize>, key: Option<&str>) -> String {
    match (line, key) {
        (None, _) => String::new(),
        (Some(n), None) => format!("line {n}: "),
        (Some(n), Some(k)) => format!("line {n}, key '{k}': "),
    }
}

/// Read `e` (from parsing `text`, the file `path`) as a [`TomlError`].
pub fn toml_error(path: &Path, text: &str, e: toml::de::Error) -> TomlError {
    let msg = e.message().trim_end().to_string();
    let Some(start) = e.span().map(|s| s.start.min(text.len())) else {
        return TomlError { path: path.into(), line: None, key: None, problem: msg, toml: Some(e) };
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
    let (problem, toml) = if ["secret", "private", "password", "token"].iter().any(|s| last.contains(s)) {
        ("invalid value (not shown: the key holds a secret)".to_string(), None)
    } else {
        (msg, Some(e))
    };
    let key = (!key.is_empty()).then_some(key);
    TomlError { path: path.into(), line: Some(line_no), key, problem, toml }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err<T: serde::de::DeserializeOwned + std::fmt::Debug>(text: &str) -> TomlError {
        let e = toml::from_str::<T>(text).unwrap_err();
        toml_error(Path::new("p.toml"), text, e)
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
        let e = err::<Doc>("a = 1\n\n[[inner]]\nn = \"4\"\n");
        assert_eq!((e.line, e.key.as_deref()), (Some(4), Some("inner.n")), "{e}");
        assert!(e.problem.starts_with("invalid type: string \"4\""), "{e}");
        // The rendering the operator reads: file, line, key, problem.
        assert!(e.to_string().starts_with("p.toml: line 4, key 'inner.n': invalid type"), "{e}");
        let e = err::<Doc>("[[inner]]\nn = 4\napi_secret = 12345\n");
        assert_eq!((e.line, e.key.as_deref()), (Some(3), Some("inner.api_secret")), "{e}");
        assert!(!e.to_string().contains("12345") && e.toml.is_none(), "{e}");
        let e = err::<Doc>("a = \"x\"\n");
        assert_eq!((e.line, e.key.as_deref()), (Some(1), Some("a")), "{e}");
    }
}
