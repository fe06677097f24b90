//! The test rig shared by the boundary tests: a workspace with a policy, one fake venue, the
//! corridor `fake/main`, and the steps every test repeats.

use std::sync::{Arc, OnceLock};

use quantlab::engine::execution::intent::IntentSpec;
use quantlab::engine::execution::operators::{self, Origin};
use quantlab::engine::execution::policy::EXAMPLE;
use quantlab::engine::execution::{Corridor, CorridorId, OperatorKey, OrderType, Side, Venue};
use quantlab::engine::secrets::MemoryStore;
use quantlab::engine::venues::fake::FakeVenue;
use quantlab::engine::workspace::Workspace;
use quantlab::engine::ErrorKind;
use rust_decimal::Decimal;

pub fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// The operator key the boundary tests sign approvals with: made once per test process, and
/// trusted by each rig's workspace as by the workspace that created it.
pub fn key() -> &'static OperatorKey {
    static KEY: OnceLock<OperatorKey> = OnceLock::new();
    KEY.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        OperatorKey::load_or_create_as(&MemoryStore::default(), &Workspace::at(dir.path()), "tester").unwrap()
    })
}

/// Make `ws` trust [`key`].
pub fn trust(ws: &Workspace) {
    operators::ensure(ws, key().operator(), &key().public_key(), Origin::Created).unwrap();
}

pub struct Rig {
    pub _dir: tempfile::TempDir,
    pub ws: Workspace,
    pub venue: Arc<FakeVenue>,
    pub id: CorridorId,
}

impl Rig {
    pub fn new() -> Rig {
        Rig::with_policy(Some(EXAMPLE.to_string()))
    }

    pub fn with_policy(policy: Option<String>) -> Rig {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::at(dir.path());
        trust(&ws);
        if let Some(p) = policy {
            std::fs::write(dir.path().join("execution_policy.toml"), p).unwrap();
        }
        Rig {
            _dir: dir,
            ws,
            venue: Arc::new(FakeVenue::new()),
            id: CorridorId::new(Venue::Fake, "main").unwrap(),
        }
    }

    /// A fresh process: the journal replayed, the same venue.
    pub fn open(&self) -> Corridor {
        Corridor::open(&self.ws, &self.id, self.venue.clone()).unwrap()
    }
}

pub fn spec() -> IntentSpec {
    crate::common::intents::limit_buy(Venue::Fake, "BTC/USD")
}

pub fn market(side: Side, qty: &str) -> IntentSpec {
    IntentSpec { side, quantity: d(qty), order_type: OrderType::Market, limit_price: None, ..spec() }
}

/// Create, approve and submit; the submit's result.
pub async fn send(
    c: &mut Corridor,
    s: IntentSpec,
) -> quantlab::engine::Result<quantlab::engine::execution::SubmitOutcome> {
    let i = c.create_intent(s)?;
    c.rehearse(&i.id, key())?;
    c.submit(&i.id, false).await
}

/// The preflight of `s` in corridor `c` fails on `rule`, and a submit is refused with exit 3
/// naming it.
pub async fn refused_by(c: &mut Corridor, s: IntentSpec, rule: &str) {
    let i = c.create_intent(s).unwrap();
    let pf = c.preflight(&i.id).await.unwrap();
    let failed: Vec<&str> = pf.failed().iter().map(|c| c.rule.as_str()).collect();
    assert!(failed.contains(&rule), "expected {rule} to fail; failed: {failed:?}");
    // Approval itself is refused where nothing can be approved (no policy for the corridor).
    if let Err(e) = c.rehearse(&i.id, key()) {
        assert_eq!(e.kind, ErrorKind::Refused, "{}", e.message);
        assert!(e.message.contains(rule), "{}", e.message);
        return;
    }
    let e = c.submit(&i.id, false).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Refused, "{}", e.message);
    assert!(e.message.contains(rule), "{}", e.message);
}

/// The actual value preflight shows for `rule` on `s`.
pub async fn actual(c: &mut Corridor, s: IntentSpec, rule: &str) -> (bool, String) {
    let i = c.create_intent(s).unwrap();
    let pf = c.preflight(&i.id).await.unwrap();
    let check = pf.checks.iter().find(|c| c.rule == rule).unwrap_or_else(|| panic!("no {rule} line"));
    (check.passed, check.actual.clone())
}
