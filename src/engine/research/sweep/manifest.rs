//! `sweeps/<sweep_id>/shard_manifest.json`: what a shard wrote, by content hash. Written
//! atomically and last, so its presence says the shard finished; its hashes say the files are
//! still the ones it wrote. A rerun of the shard skips the work when they are (see `resume`),
//! and `sweep merge` refuses a shard when they are not.

use std::io::Read;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::error::ManifestProblem;
use super::types::{Shard, SweepConfig, SweepReport};
use crate::engine::contract::{CONTRACT_VERSION, SHARD_MANIFEST_SCHEMA};
use crate::engine::error::Result;
use crate::engine::research::artifacts::sha256_hex;
use crate::engine::time::{fmt_ms, now_ms};
use crate::engine::workspace::{write_json, Workspace};

/// The manifest's name in a shard's sweep folder.
pub const MANIFEST_FILE: &str = "shard_manifest.json";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShardManifest {
    pub schema: String,
    pub schema_version: u32,
    pub sweep_id: String,
    /// sha256 (hex) of what every shard of one sweep must agree on: see [`spec_fingerprint`].
    pub spec_fingerprint: String,
    pub shard: Shard,
    pub created_at: String,
    /// Every file the shard wrote into its folder, sweep.json included.
    pub files: Vec<ManifestFile>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestFile {
    /// A name in the shard's folder (no path: the folder can be moved or copied whole).
    pub name: String,
    pub bytes: u64,
    /// sha256 of the file's bytes, hex.
    pub sha256: String,
}

/// sha256 of the sweep's spec: the config (without `save_top`, which shards need not share),
/// the data's fingerprint and the grid's size. Two shards with the same fingerprint are shards
/// of one sweep, which is what `merge` checks field by field.
pub fn spec_fingerprint(config: &SweepConfig, data_fingerprint: &str, total: usize) -> String {
    let spec = serde_json::json!({
        "config": SweepConfig { save_top: None, ..config.clone() },
        "data_fingerprint": data_fingerprint,
        "total_combinations": total,
    });
    sha256_hex(spec.to_string().as_bytes())
}

/// The fingerprint of a stored sweep's spec.
pub fn fingerprint_of(r: &SweepReport) -> String {
    spec_fingerprint(&r.config, &r.data.fingerprint, r.total_combinations)
}

/// The files of a sweep folder, by name, as its sweep.json lists them (sweep.json first).
fn artifact_names(r: &SweepReport) -> Vec<String> {
    let a = &r.artifacts;
    [&a.sweep_json, &a.results_csv, &a.results_parquet]
        .into_iter()
        .chain(&a.heatmaps)
        .map(|rel| rel.rsplit('/').next().unwrap_or(rel).to_string())
        .collect()
}

/// Hash every file `r` wrote into its folder and write the manifest, atomically: the shard's
/// last write. Returns the manifest's path relative to the workspace.
pub fn write(ws: &Workspace, r: &SweepReport, shard: &Shard) -> Result<String> {
    let dir = ws.root().join("sweeps").join(&r.sweep_id);
    let files = artifact_names(r)
        .into_iter()
        .map(|name| {
            let path = dir.join(&name);
            let (bytes, sha256) = hash_file(&path)
                .map_err(|e| crate::engine::error::Error::io("cannot hash", &path, e))?;
            Ok(ManifestFile { name, bytes, sha256 })
        })
        .collect::<Result<Vec<_>>>()?;
    let manifest = ShardManifest {
        schema: SHARD_MANIFEST_SCHEMA.into(),
        schema_version: CONTRACT_VERSION,
        sweep_id: r.sweep_id.clone(),
        spec_fingerprint: fingerprint_of(r),
        shard: shard.clone(),
        created_at: fmt_ms(now_ms()),
        files,
    };
    write_json(&dir.join(MANIFEST_FILE), &manifest)?;
    Ok(format!("sweeps/{}/{MANIFEST_FILE}", r.sweep_id))
}

/// A shard folder whose every file matches its manifest.
#[derive(Debug)]
pub struct Verified {
    pub manifest: ShardManifest,
    /// sweep.json, parsed from the very bytes that were hashed.
    pub report: SweepReport,
}

/// The manifest of `dir`, without checking the files (to tell whose attempt a folder is).
pub fn read(dir: &Path) -> std::result::Result<ShardManifest, ManifestProblem> {
    let bytes = match std::fs::read(dir.join(MANIFEST_FILE)) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(ManifestProblem::NoManifest),
        Err(e) => return Err(ManifestProblem::Unreadable(e)),
    };
    let m: ShardManifest =
        serde_json::from_slice(&bytes).map_err(|e| ManifestProblem::NotAManifest(e.to_string()))?;
    if m.schema != SHARD_MANIFEST_SCHEMA {
        return Err(ManifestProblem::NotAManifest(format!("schema '{}'", m.schema)));
    }
    // A name with a path in it would make verification read outside the shard's folder.
    if let Some(f) = m.files.iter().find(|f| !is_plain_name(&f.name)) {
        return Err(ManifestProblem::NotAManifest(format!("'{}' is not a file name", f.name)));
    }
    Ok(m)
}

fn is_plain_name(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\\'])
}

/// Check every file of `dir` against its manifest, and the manifest against the sweep.json it
/// hashes: the same sweep, spec and shard, and every artifact sweep.json names covered.
pub fn verify(dir: &Path) -> std::result::Result<Verified, ManifestProblem> {
    let manifest = read(dir)?;
    let mut report = None;
    for f in &manifest.files {
        let path = dir.join(&f.name);
        let found = if f.name == "sweep.json" {
            // Read once: the bytes parsed are the bytes hashed.
            let bytes = read_listed(&path, &f.name)?;
            let found = (bytes.len() as u64, sha256_hex(&bytes));
            if found == (f.bytes, f.sha256.clone()) {
                report = Some(serde_json::from_slice::<SweepReport>(&bytes).map_err(|e| {
                    ManifestProblem::NotAManifest(format!("the sweep.json it hashes does not parse: {e}"))
                })?);
            }
            found
        } else {
            hash_file(&path).map_err(|source| listed_error(&f.name, source))?
        };
        if found != (f.bytes, f.sha256.clone()) {
            return Err(ManifestProblem::FileChanged {
                file: f.name.clone(),
                bytes: f.bytes,
                sha256: f.sha256.clone(),
                found_bytes: found.0,
                found: found.1,
            });
        }
    }
    let report = report.ok_or_else(|| ManifestProblem::NotCovered { file: "sweep.json".into() })?;
    if let Some(file) =
        artifact_names(&report).into_iter().find(|n| !manifest.files.iter().any(|f| &f.name == n))
    {
        return Err(ManifestProblem::NotCovered { file });
    }
    let says = |id: &str, shard: Option<&Shard>, fp: &str| {
        let shard = shard.map_or("no shard".into(), |s| format!("shard {}/{}", s.index, s.count));
        format!("{id} ({shard}, spec {})", fp.chars().take(12).collect::<String>())
    };
    let sweep_fp = fingerprint_of(&report);
    if report.sweep_id != manifest.sweep_id
        || report.shard.as_ref() != Some(&manifest.shard)
        || sweep_fp != manifest.spec_fingerprint
    {
        return Err(ManifestProblem::Disagrees {
            manifest: says(&manifest.sweep_id, Some(&manifest.shard), &manifest.spec_fingerprint),
            sweep: says(&report.sweep_id, report.shard.as_ref(), &sweep_fp),
        });
    }
    Ok(Verified { manifest, report })
}

fn read_listed(path: &Path, name: &str) -> std::result::Result<Vec<u8>, ManifestProblem> {
    std::fs::read(path).map_err(|source| listed_error(name, source))
}

fn listed_error(name: &str, source: std::io::Error) -> ManifestProblem {
    if source.kind() == std::io::ErrorKind::NotFound {
        ManifestProblem::FileMissing { file: name.into() }
    } else {
        ManifestProblem::FileUnreadable { file: name.into(), source }
    }
}

/// (length, sha256 hex) of a file, streamed: results.parquet of a large grid is not read whole.
fn hash_file(path: &Path) -> std::io::Result<(u64, String)> {
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut n = 0u64;
    loop {
        let k = f.read(&mut buf)?;
        if k == 0 {
            break;
        }
        h.update(&buf[..k]);
        n += k as u64;
    }
    Ok((n, hex::encode(h.finalize())))
}
