//! `<workspace>/quantlab.toml`: operator defaults. Every key is optional.

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
        toml::from_str(&text).map_err(|e| Error::bad_input(format!("{}: {e}", path.display())))
    }
}
