//! The JSONL log of every request the simulator accepted or refused, for tests and for the
//! operator. It names the caller by API key id or address, never by a secret or a signature.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;

use serde::Serialize;

use crate::engine::error::{Error, Result};

#[derive(Debug, Clone, Serialize)]
pub struct Entry<'a> {
    pub at_ms: i64,
    pub venue: &'a str,
    pub endpoint: &'a str,
    /// Kraken API key or Hyperliquid signer/account; None for public calls.
    pub caller: Option<&'a str>,
    pub accepted: bool,
    /// The venue's error text when refused.
    pub error: Option<&'a str>,
    /// What was done: an order id, a cancel count.
    pub detail: Option<serde_json::Value>,
}

pub struct RequestLog {
    file: File,
}

impl RequestLog {
    pub fn open(path: &Path) -> Result<RequestLog> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| Error::io("cannot create", dir, e))?;
        }
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| Error::io("cannot open", path, e))?;
        Ok(RequestLog { file })
    }

    /// One line per request; a line is written whole or not at all (one write call).
    pub fn write(&mut self, e: &Entry<'_>) {
        let mut line = serde_json::to_vec(e).unwrap_or_default();
        line.push(b'\n');
        if let Err(err) = self.file.write_all(&line) {
            tracing::warn!("simulator request log write failed: {err}");
        }
    }
}
