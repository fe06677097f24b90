//! Where grants are kept: `automation/grants/<id>.json`, one file per grant, written once when
//! it is made (the operator's signature covers it; the corridor's journal holds its sha256).
//! What became of a grant is never written here: it is read from the corridor's journal.

use std::path::PathBuf;

use super::error::AutomationError;
use super::grant::Grant;
use crate::engine::error::Result;
use crate::engine::workspace::{write_atomic, Workspace};

pub fn dir(ws: &Workspace) -> PathBuf {
    ws.root().join("automation").join("grants")
}

pub fn path(ws: &Workspace, id: &str) -> PathBuf {
    dir(ws).join(format!("{id}.json"))
}

/// A grant as read: the record, and the sha256 of its file's bytes.
#[derive(Debug, Clone)]
pub struct Stored {
    pub grant: Grant,
    pub sha256: String,
    pub file: PathBuf,
}

/// The bytes a grant is written as (and hashed from).
pub fn bytes(g: &Grant) -> Result<Vec<u8>> {
    let mut b = serde_json::to_vec_pretty(g)?;
    b.push(b'\n');
    Ok(b)
}

/// Write a new grant's file; refused if one of that id exists (a grant is written once).
pub fn write_new(ws: &Workspace, g: &Grant) -> Result<String> {
    let p = path(ws, &g.id);
    if p.exists() {
        return Err(AutomationError::Unreadable { file: p.display().to_string(), why: "exists already".into() }.into());
    }
    let b = bytes(g)?;
    write_atomic(&p, &b)?;
    Ok(crate::engine::research::artifacts::sha256_hex(&b))
}

/// One grant by id; `NoGrant` when there is no file, `Unreadable` naming the file when it does
/// not read as a grant.
pub fn read(ws: &Workspace, id: &str) -> Result<Stored> {
    let p = path(ws, id);
    if !valid_id(id) || !p.exists() {
        return Err(AutomationError::NoGrant(id.into()).into());
    }
    read_file(p)
}

fn read_file(p: PathBuf) -> Result<Stored> {
    let b = std::fs::read(&p).map_err(|e| crate::engine::error::Error::io("read", &p, e))?;
    let grant: Grant = serde_json::from_slice(&b)
        .map_err(|e| AutomationError::Unreadable { file: p.display().to_string(), why: e.to_string() })?;
    Ok(Stored { grant, sha256: crate::engine::research::artifacts::sha256_hex(&b), file: p })
}

/// Every grant file, oldest id first. A file that does not read is an error naming it: a grant
/// that cannot be read must not silently drop out of the list.
pub fn all(ws: &Workspace) -> Result<Vec<Stored>> {
    let d = dir(ws);
    let Ok(rd) = std::fs::read_dir(&d) else { return Ok(Vec::new()) };
    let mut paths: Vec<PathBuf> =
        rd.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "json")).collect();
    paths.sort();
    paths.into_iter().map(read_file).collect()
}

/// A grant id names a file: letters, digits and `_` only.
fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 80 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}
