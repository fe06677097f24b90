//! The demo's credentials for its loopback simulator, kept in the demo's memory and given only
//! for an account whose every URL in `venues.toml` reaches this machine, checked at each read,
//! exactly as the environment's loopback credential is: a real venue is never given one, and
//! still reads only the OS keyring.
//!
//! - The venue credentials are the simulator's published throwaway accounts (the ones in
//!   `examples/sim.toml`): the demo writes them into its simulator's config, which holds them
//!   in the clear anyway, as every simulator config does.
//! - The operator's signing key is drawn at random when the demo starts, held in memory only,
//!   and trusted in the workspace as a loopback key (`loopback_environment`), so it signs for
//!   no corridor but the simulator's; no keyring entry is made and no environment is read.

use std::sync::Arc;

use crate::engine::error::Result;
use crate::engine::execution::approval_sign::OperatorKey;
use crate::engine::execution::{CorridorId, Venue};
use crate::engine::loopback::NotLoopback;
use crate::engine::secrets::{CredentialKey, CredentialStore, Secret, LOOPBACK_ENV};
use crate::engine::venues::connect::corridor_loopback;
use crate::engine::workspace::Workspace;

/// The operator the demo's approvals and promotion are signed as.
pub const OPERATOR: &str = "demo";
/// The simulator's throwaway Kraken account (never a real key).
pub(crate) const KRAKEN_KEY: &str = "sim-demo-key";
pub(crate) const KRAKEN_SECRET: &str = "c2ltLWRlbW8tc2VjcmV0LW5vdC1hLXJlYWwta2V5";
/// The simulator's throwaway Hyperliquid agent key (32 bytes of 0x01) and account.
pub(crate) const HL_AGENT_KEY: &str = "0x0101010101010101010101010101010101010101010101010101010101010101";
pub(crate) const HL_ACCOUNT: &str = "0x00000000000000000000000000000000000000d1";

/// The demo's loopback credentials. Made only by the demo, from nothing a caller gives: no
/// credential can be slipped in through it.
pub struct DemoLoopback {
    seed: [u8; 32],
}

impl std::fmt::Debug for DemoLoopback {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DemoLoopback(***)")
    }
}

impl Default for DemoLoopback {
    fn default() -> Self {
        DemoLoopback::new()
    }
}

impl DemoLoopback {
    /// A new operator key for this run of the demo, from the OS random source.
    pub fn new() -> DemoLoopback {
        let mut seed = [0u8; 32];
        rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut seed);
        DemoLoopback { seed }
    }

    /// The simulator account's credential for `key`, if it is one of the demo's accounts.
    fn venue_secret(key: &CredentialKey) -> Option<Secret> {
        match key {
            CredentialKey::Venue { venue: Venue::Kraken, account } if account == "main" => {
                Some(Secret::new(format!("{KRAKEN_KEY}:{KRAKEN_SECRET}")))
            }
            CredentialKey::Venue { venue: Venue::Hyperliquid, account } if account == "main" => {
                Some(Secret::new(HL_AGENT_KEY))
            }
            _ => None,
        }
    }

    /// The demo's operator key, for a corridor `loopback` says is the simulator's; refused
    /// otherwise ([`OperatorKeyError::DemoOffLoopback`](crate::engine::execution::operator_key_error::OperatorKeyError)).
    pub(crate) fn operator_key(
        &self,
        ws: &Workspace,
        loopback: impl FnOnce() -> std::result::Result<(), NotLoopback>,
    ) -> Result<(OperatorKey, String)> {
        OperatorKey::for_demo(ws, OPERATOR, &self.seed, loopback)
    }

    /// What a demo session's runner process needs to reach `corridor` on the simulator: the
    /// loopback credential variable, which that process reads only for a loopback endpoint
    /// (and only when its keyring has none). `None` off the simulator.
    pub(crate) fn runner_env(ws: &Workspace, corridor: &CorridorId) -> Option<(&'static str, Secret)> {
        let secret = Self::venue_secret(&CredentialKey::new(corridor.venue, &corridor.account))?;
        corridor_loopback(ws, corridor).ok()?;
        Some((LOOPBACK_ENV, secret))
    }
}

/// A credential store for the demo's engine: the demo's simulator accounts while their
/// endpoints are loopback, else `inner` (the OS keyring) for everything.
pub(crate) struct DemoStore {
    pub(crate) inner: Arc<dyn CredentialStore>,
    pub(crate) ws: Workspace,
}

impl CredentialStore for DemoStore {
    fn name(&self) -> &'static str {
        "the demo's loopback credentials"
    }

    fn set(&self, key: &CredentialKey, secret: &Secret) -> Result<()> {
        self.inner.set(key, secret)
    }

    fn get(&self, key: &CredentialKey) -> Result<Option<Secret>> {
        if let (Some(secret), CredentialKey::Venue { venue, account }) =
            (DemoLoopback::venue_secret(key), key)
        {
            let corridor = CorridorId::new(*venue, account)?;
            match corridor_loopback(&self.ws, &corridor) {
                Ok(()) => return Ok(Some(secret)),
                Err(why) => tracing::warn!("the demo's credential for {corridor} is not used: {why}"),
            }
        }
        self.inner.get(key)
    }

    fn delete(&self, key: &CredentialKey) -> Result<bool> {
        self.inner.delete(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::secrets::MemoryStore;

    fn store(venues: &str) -> (tempfile::TempDir, DemoStore) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("venues.toml"), venues).unwrap();
        let ws = Workspace::at(dir.path());
        (dir, DemoStore { inner: Arc::new(MemoryStore::default()), ws })
    }

    #[test]
    fn the_demo_credential_reaches_the_simulator_only() {
        let kraken = CredentialKey::new(Venue::Kraken, "main");
        let (_d, s) = store("[kraken.main]\nbase_url = \"http://127.0.0.1:9\"\n");
        assert_eq!(s.get(&kraken).unwrap().unwrap().expose(), format!("{KRAKEN_KEY}:{KRAKEN_SECRET}"));
        // The same account pointed at a host beyond this machine: the keyring's (none here).
        let (_d, s) = store("[kraken.main]\nbase_url = \"http://10.1.2.3:9\"\n");
        assert_eq!(s.get(&kraken).unwrap(), None);
        let (dir, s) = store("[kraken.main]\nbase_url = \"https://api.kraken.com\"\n");
        assert_eq!(s.get(&kraken).unwrap(), None);
        assert!(DemoLoopback::runner_env(
            &Workspace::at(dir.path()),
            &CorridorId::new(Venue::Kraken, "main").unwrap()
        )
        .is_none());
        // An account the demo does not have is the keyring's, wherever it points.
        let (_d, s) = store("[kraken.other]\nbase_url = \"http://127.0.0.1:9\"\n");
        assert_eq!(s.get(&CredentialKey::new(Venue::Kraken, "other")).unwrap(), None);
        assert_eq!(s.get(&CredentialKey::operator(OPERATOR)).unwrap(), None, "no operator key is stored");
    }

    #[test]
    fn the_demo_key_signs_for_loopback_only_and_is_trusted_as_such() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::at(dir.path());
        let demo = DemoLoopback::new();
        let why = NotLoopback::Unknown;
        let e = demo.operator_key(&ws, || Err(why)).unwrap_err();
        use crate::engine::execution::operator_key_error::OperatorKeyError;
        assert!(matches!(e.domain(), Some(OperatorKeyError::DemoOffLoopback { .. })), "{e}");
        assert!(
            crate::engine::execution::operators::load(&ws).unwrap().operators.is_empty(),
            "nothing trusted"
        );
        let (k, _) = demo.operator_key(&ws, || Ok(())).unwrap();
        let trusted = crate::engine::execution::operators::load(&ws).unwrap();
        assert!(trusted.trusts(OPERATOR, &k.public_key()) && trusted.is_from_environment(&k.public_key()));
        assert!(!format!("{demo:?}").contains(&hex::encode(demo.seed)));
    }
}
