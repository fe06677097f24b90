//! Reading the policy file: parsed, every table validated, and fingerprinted, so promotion
//! reports and kill switch drills name the exact policy they were made under.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::super::model::CorridorId;
use super::super::policy_error::PolicyError;
use super::{CorridorPolicy, ExecutionPolicy, POLICY_FILE};
use crate::engine::error::{Error, Result};
use crate::engine::workspace::Workspace;

/// The policy as loaded, with the sha256 of the file's bytes: promotion reports and kill
/// switch drills are tied to the exact policy they were made under.
#[derive(Debug, Clone)]
pub struct LoadedPolicy {
    pub policy: ExecutionPolicy,
    pub fingerprint: String,
    pub path: PathBuf,
}

impl LoadedPolicy {
    pub fn corridor(&self, id: &CorridorId) -> Option<&CorridorPolicy> {
        self.policy.corridors.iter().find(|c| c.venue == id.venue && c.account == id.account)
    }
}

pub fn path(ws: &Workspace) -> PathBuf {
    ws.root().join(POLICY_FILE)
}

/// Load and validate the workspace's policy. `Ok(None)` when there is no file.
pub fn load(ws: &Workspace) -> Result<Option<LoadedPolicy>> {
    let p = path(ws);
    match std::fs::read(&p) {
        Ok(bytes) => parse(&bytes, &p).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io("read the execution policy", &p, e)),
    }
}

pub fn parse(bytes: &[u8], at: &Path) -> Result<LoadedPolicy> {
    let text = std::str::from_utf8(bytes).map_err(|_| PolicyError::NotUtf8(at.into()))?;
    let policy: ExecutionPolicy =
        toml::from_str(text).map_err(|e| crate::engine::config::toml_error(at, text, e))?;
    if policy.schema_version != 1 {
        return Err(PolicyError::Schema { path: at.into(), version: policy.schema_version }.into());
    }
    if let Some(p) = &policy.portfolio {
        p.validate(&format!("{}: portfolio", at.display()))?;
    }
    for (i, c) in policy.corridors.iter().enumerate() {
        c.validate(&format!("{}: corridor[{i}] ({}/{})", at.display(), c.venue, c.account))?;
        if policy.corridors[..i].iter().any(|d| d.venue == c.venue && d.account == c.account) {
            let (venue, account) = (c.venue.to_string(), c.account.clone());
            return Err(PolicyError::Twice { path: at.into(), venue, account }.into());
        }
    }
    Ok(LoadedPolicy { policy, fingerprint: hex::encode(Sha256::digest(bytes)), path: at.to_path_buf() })
}

/// A starting policy for the fake venue: written by `quantlab policy init`, and by tests.
pub const EXAMPLE: &str = r#"# QuantLab execution policy: every order is checked against these limits before any venue
# is involved. See docs/execution-policy.md. Amounts are in the quote currency.
schema_version = 1

# Across every live strategy session, whatever its corridor (optional).
[portfolio]
max_gross_exposure = "5000"
max_live_sessions = 2
daily_loss_limit = "300"

[[corridor]]
venue = "fake"
account = "main"
stage = "micro"
symbols = ["BTC/USD", "ETH/USD"]
order_types = ["market", "limit", "stop-market", "stop-limit"]
max_order_notional = "1000"
max_position_notional = "2000"
max_gross_exposure = "3000"
max_open_orders = 4
daily_loss_limit = "200"
session_loss_limit = "100"
orders_per_minute = 6
price_collar_bps = "200"
approval_ttl_secs = 30
max_clock_skew_ms = 2000
max_mark_age_ms = 10000
max_risk_per_trade_pct = "2"
max_leverage = "3"

[corridor.breaker]
max_failures = 3
window_minutes = 10

[corridor.micro_live]
max_order_notional = "600"
max_position_notional = "1500"
max_gross_exposure = "2500"
daily_loss_limit = "150"

[corridor.promotion]
clean_reconciliations = 3
"#;

