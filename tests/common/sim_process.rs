//! A real `quantlab sim` process for end-to-end tests. Its config, state and request log live in
//! a directory of its own, so a test's workspace holds only what the CLI or console wrote.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use serde_json::Value;

pub struct SimProcess {
    child: Child,
    pub url: String,
    dir: tempfile::TempDir,
}

impl Drop for SimProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl SimProcess {
    /// Start the simulator on a free loopback port with `config` (its `[market]`, accounts,
    /// ...; the state and request-log paths are added here).
    pub fn start(config: &str) -> SimProcess {
        let dir = tempfile::tempdir().unwrap();
        let p = |f: &str| format!("{:?}", dir.path().join(f).display().to_string());
        let cfg = dir.path().join("sim.toml");
        let text =
            format!("state = {}\nrequest_log = {}\n{config}", p("sim.state.json"), p("sim.requests.jsonl"));
        std::fs::write(&cfg, text).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_quantlab"))
            .arg("--workspace")
            .arg(dir.path())
            .args(["--json", "sim", "--config", cfg.to_str().unwrap(), "--listen", "127.0.0.1:0"])
            .env_remove("QUANTLAB_WORKSPACE")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let v: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
        let url = v["url"].as_str().unwrap().to_string();
        SimProcess { child, url, dir }
    }

    /// Every request the simulator accepted or refused, in order.
    pub fn log(&self) -> Vec<Value> {
        let text = std::fs::read_to_string(self.dir.path().join("sim.requests.jsonl")).unwrap_or_default();
        text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
    }

    /// Order placements the simulator saw (Kraken AddOrder, Hyperliquid `order`), any outcome.
    pub fn orders(&self) -> Vec<Value> {
        self.log().into_iter().filter(|e| e["endpoint"] == "AddOrder" || e["endpoint"] == "order").collect()
    }

    /// Kraken AddOrders accepted and placed (validate-only ones carry no txid).
    pub fn placed_kraken_orders(&self) -> Vec<Value> {
        self.log()
            .into_iter()
            .filter(|e| e["endpoint"] == "AddOrder" && e["accepted"] == true && !e["detail"].is_null())
            .collect()
    }

    /// Set a fault at run time through `quantlab sim fault`.
    pub fn fault(&self, kind: &str, value: &[&str]) {
        let out = Command::new(env!("CARGO_BIN_EXE_quantlab"))
            .arg("--workspace")
            .arg(self.dir.path())
            .args(["--json", "sim", "fault", "--url", &self.url, kind])
            .args(value)
            .env_remove("QUANTLAB_WORKSPACE")
            .output()
            .unwrap();
        assert!(out.status.success(), "sim fault {kind}: {}", String::from_utf8_lossy(&out.stdout));
    }
}
