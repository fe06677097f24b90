//! `quantlab demo --reset`: the demo's own workspace is removed and built again from scratch;
//! a directory the demo did not build on its own is refused with nothing removed.

use crate::common::Ws;

#[test]
fn reset_rebuilds_the_demos_own_workspace_and_refuses_anything_else() {
    let ws = Ws::new();
    let root = ws.path().join("demo");
    let demo = |extra: &[&str]| {
        let out = assert_cmd::Command::cargo_bin("quantlab")
            .unwrap()
            .arg("--workspace")
            .arg(&root)
            .args(["--json", "demo", "--no-console"])
            .args(extra)
            .env_remove("QUANTLAB_WORKSPACE")
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        (out.status.code(), v)
    };
    let (code, first) = demo(&[]);
    assert_eq!(code, Some(0), "{first}");
    assert_eq!(first["result"]["manifest"]["dedicated"], true, "built in a new directory");
    std::fs::write(root.join("left_over.txt"), "made after the demo").unwrap();
    let (code, again) = demo(&["--reset"]);
    assert_eq!(code, Some(0), "{again}");
    assert_eq!(again["result"]["reset"]["removed"], true);
    assert_eq!(again["result"]["existing"], false, "built again");
    assert!(!root.join("left_over.txt").exists());
    assert_ne!(again["result"]["manifest"]["created_at"], first["result"]["manifest"]["created_at"]);

    // A workspace of the operator's own, which the demo never built: refused, untouched.
    let mine = Ws::new();
    std::fs::write(mine.path().join("research.txt"), "mine").unwrap();
    let (code, v) = mine.json(&["demo", "--no-console", "--reset"]);
    assert_eq!(code, 2, "{v}");
    assert!(mine.path().join("research.txt").exists());
    assert!(!mine.path().join("demo.json").exists(), "nothing built either");
}
