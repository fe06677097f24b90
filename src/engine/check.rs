//! `quantlab check`: is this machine and workspace ready? One line per check.

use serde::Serialize;

use crate::engine::config::Config;
use crate::engine::data::catalog;
use crate::engine::secrets;
use crate::engine::workspace::{stale_temporaries_under, write_atomic, Workspace};

#[derive(Debug, Clone, Serialize)]
pub struct CheckLine {
    pub name: &'static str,
    pub ok: bool,
    pub detail: String,
    /// How to fix it, when it failed.
    pub hint: Option<String>,
}

pub fn run_checks(ws: &Workspace) -> Vec<CheckLine> {
    vec![
        workspace_writable(ws),
        data_readable(ws),
        config_parses(ws),
        policy_parses(ws),
        journals_verify(ws),
        runs_indexable(ws),
        temporaries(ws),
        keyring_reachable(),
    ]
}

/// Run folders `runs rebuild-index` would skip (a run killed before its report.json, a
/// corrupt report): the workspace is not ok while they are there.
fn runs_indexable(ws: &Workspace) -> CheckLine {
    let r = match crate::engine::research::index::unindexable(ws) {
        Ok(skipped) if skipped.is_empty() => Ok("every run folder has a readable report.json".to_string()),
        Ok(skipped) => {
            let list: Vec<String> = skipped.iter().map(|s| format!("{} ({})", s.folder, s.reason)).collect();
            Err((
                format!("{} run folder(s) cannot be indexed: {}", skipped.len(), list.join("; ")),
                "a run killed before its report.json is incomplete: remove its folder under runs/".into(),
            ))
        }
        Err(e) => Err((e.message, "check the permissions of the runs/ folder".into())),
    };
    line("runs", r)
}

/// Temporaries of atomic writes whose writer is gone (a killed process).
fn temporaries(ws: &Workspace) -> CheckLine {
    let stale = stale_temporaries_under(ws.root());
    let r = if stale.is_empty() {
        Ok("no temporaries left by killed processes".to_string())
    } else {
        let bytes: u64 = stale.iter().filter_map(|p| std::fs::metadata(p).ok()).map(|m| m.len()).sum();
        let list: Vec<String> =
            stale.iter().map(|p| p.strip_prefix(ws.root()).unwrap_or(p).display().to_string()).collect();
        Err((
            format!(
                "{} temporar{} left by killed processes ({bytes} bytes): {}",
                stale.len(),
                if stale.len() == 1 { "y" } else { "ies" },
                list.join(", ")
            ),
            "`quantlab runs rebuild-index` removes them".into(),
        ))
    };
    line("tempfiles", r)
}

fn policy_parses(ws: &Workspace) -> CheckLine {
    let path = crate::engine::execution::policy::path(ws);
    let r = match crate::engine::execution::policy::load(ws) {
        Ok(Some(p)) => Ok(format!("{} parses: {} corridor(s)", path.display(), p.policy.corridors.len())),
        Ok(None) => Ok(format!("no {} (nothing can be sent; research needs none)", path.display())),
        Err(e) => Err((e.message, "fix the file; docs/execution-policy.md lists every field".into())),
    };
    line("policy", r)
}

fn journals_verify(ws: &Workspace) -> CheckLine {
    use crate::engine::execution as ex;
    let r = (|| {
        let ids = ex::corridors(ws).map_err(|e| e.message)?;
        let mut n = 0;
        for id in &ids {
            let v = ex::journal::verify(&ex::paths::journal(ws, id)).map_err(|e| e.message)?;
            if let Some((line, why)) = v.problem {
                return Err(format!("corridor {id}: journal line {line}: {why}"));
            }
            n += v.entries;
        }
        Ok(format!("{} corridor journal(s), {n} entries, hash chains intact", ids.len()))
    })()
    .map_err(|d| (d, "a changed journal halts its corridor: restore it from backup and reconcile".into()));
    line("journals", r)
}

fn line(name: &'static str, r: Result<String, (String, String)>) -> CheckLine {
    match r {
        Ok(detail) => CheckLine { name, ok: true, detail, hint: None },
        Err((detail, hint)) => CheckLine { name, ok: false, detail, hint: Some(hint) },
    }
}

fn workspace_writable(ws: &Workspace) -> CheckLine {
    let r = ws
        .ensure()
        .and_then(|_| {
            let probe = ws.root().join(".check-probe");
            write_atomic(&probe, b"ok")?;
            std::fs::remove_file(&probe)
                .map_err(|e| crate::engine::error::Error::io("cannot remove", &probe, e))
        })
        .map(|_| format!("{} is writable", ws.root().display()))
        .map_err(|e| {
            (e.message, "choose a writable workspace with --workspace DIR or QUANTLAB_WORKSPACE".into())
        });
    line("workspace", r)
}

fn data_readable(ws: &Workspace) -> CheckLine {
    let r = (|| {
        let sets = catalog::list(ws).map_err(|e| e.message)?;
        for m in &sets {
            let p = ws.root().join(&m.path);
            std::fs::File::open(&p)
                .map_err(|e| format!("dataset {}: cannot read {}: {e}", m.id, p.display()))?;
        }
        Ok(format!("{} dataset(s) readable", sets.len()))
    })()
    .map_err(|d: String| (d, "re-import the dataset with `quantlab data import`".into()));
    line("data", r)
}

fn config_parses(ws: &Workspace) -> CheckLine {
    let path = ws.config_path();
    let r = match Config::load(ws) {
        Ok(_) if path.exists() => Ok(format!("{} parses", path.display())),
        Ok(_) => Ok(format!("no {} (defaults in use)", path.display())),
        Err(e) => Err((e.message, "fix the file; docs/configuration.md lists every key".into())),
    };
    line("config", r)
}

fn keyring_reachable() -> CheckLine {
    line(
        "keyring",
        secrets::probe()
            .map(|_| "OS keyring stores and returns entries".to_string())
            .map_err(|e| (e.to_string(), secrets::KEYRING_HELP.into())),
    )
}
