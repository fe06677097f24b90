//! `quantlab demo --reset`: remove the demo's workspace so that it is built again from scratch.
//! Only a workspace the demo built on its own is removed: its `demo.json` says the directory
//! was missing or empty when the demo was built there, or it is the demo's default workspace
//! (`outputs/demo`). Anything else is refused with nothing removed, and so is a workspace
//! whose live sessions still run.

use super::error::DemoError;
use super::DemoManifest;
use crate::engine::error::Result;
use crate::engine::workspace::{read_json, Workspace};

/// Remove `ws` if it is the demo's own; `default` when it is the demo's default workspace.
/// Whether anything was removed (a missing or empty directory has nothing to remove).
pub fn reset(ws: &Workspace, default: bool) -> Result<bool> {
    let root = ws.root();
    let empty = match std::fs::read_dir(root) {
        Ok(mut d) => d.next().is_none(),
        Err(_) => return Ok(false),
    };
    if empty {
        return Ok(false);
    }
    let not_its_own = |why| DemoError::NotItsOwn { path: root.to_path_buf(), why };
    let m: DemoManifest =
        read_json(&root.join("demo.json")).map_err(|_| not_its_own("holds no demo.json"))?;
    if !default && m.dedicated != Some(true) {
        return Err(not_its_own("held other things when the demo was built in it").into());
    }
    let running: Vec<String> =
        crate::engine::live::list(ws)?.into_iter().filter(|s| s.status.is_live()).map(|s| s.id).collect();
    if !running.is_empty() {
        return Err(DemoError::SessionsRunning { path: root.to_path_buf(), sessions: running }.into());
    }
    std::fs::remove_dir_all(root).map_err(|source| DemoError::Remove { path: root.to_path_buf(), source })?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_workspace_the_demo_built_alone_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("ws");
        let ws = Workspace::at(&root);
        assert!(!reset(&ws, false).unwrap(), "nothing to remove");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(root.join("mine.txt"), "research").unwrap();
        let e = reset(&ws, true).unwrap_err();
        assert!(matches!(e.domain(), Some(DemoError::NotItsOwn { .. })), "{e}");
        let manifest = |dedicated: Option<bool>| {
            serde_json::json!({"schema": "quantlab.demo", "schema_version": 1, "created_at": "t", "datasets": [],
                "runs": [], "sweep": "s", "walkforward": "w", "portfolio": "p", "dedicated": dedicated})
        };
        std::fs::write(root.join("demo.json"), manifest(None).to_string()).unwrap();
        let e = reset(&ws, false).unwrap_err();
        assert!(matches!(e.domain(), Some(DemoError::NotItsOwn { .. })), "{e}");
        std::fs::write(root.join("demo.json"), manifest(Some(false)).to_string()).unwrap();
        assert!(reset(&ws, false).is_err());
        assert!(root.join("mine.txt").exists(), "nothing was removed");
        std::fs::write(root.join("demo.json"), manifest(Some(true)).to_string()).unwrap();
        assert!(reset(&ws, false).unwrap());
        assert!(!root.exists());
    }
}
