//! `engine.pretrade()`: plans (sized and checked against the policy), and the venue facts
//! they are sized from.

use crate::engine::execution::broker::BrokerAdapter;
use crate::engine::execution::intent::IntentSpec;
use crate::engine::execution::model::AttachedExits;
use crate::engine::execution::model::ExecutionIntent;
use crate::engine::execution::{paths, CorridorId, IntentSource, OrderType, TimeInForce, Venue};
use crate::engine::pretrade::venue_facts::{self, VenueFacts};
use crate::engine::pretrade::{self, EntryKind, Plan, PlanInput};
use crate::engine::venues::fake::FakeVenue;
use crate::engine::{Engine, Result};

/// Pre-trade plans: size, check and draft an intent from them.
#[derive(Clone, Copy)]
pub struct Pretrade<'e> {
    pub(super) engine: &'e Engine,
}

impl Engine {
    /// Pre-trade plans: size, check and draft an intent from them.
    pub fn pretrade(&self) -> Pretrade<'_> {
        Pretrade { engine: self }
    }
}

impl Pretrade<'_> {
    /// Compute a plan without writing it.
    pub fn evaluate(&self, input: PlanInput) -> Result<Plan> {
        let policy = crate::engine::execution::policy::load(self.engine.workspace())?;
        pretrade::evaluate(input, policy.as_ref())
    }

    /// Compute and write a plan (valid or rejected).
    pub fn plan(&self, input: PlanInput) -> Result<Plan> {
        pretrade::save(self.engine.workspace(), input)
    }

    pub fn plans(&self) -> Result<Vec<Plan>> {
        pretrade::list(self.engine.workspace())
    }

    pub fn show(&self, id: &str) -> Result<Plan> {
        pretrade::show(self.engine.workspace(), id)
    }

    /// What the corridor `venue`/`account` says of `symbol` now: the instrument's rules, the
    /// account's equity and the gross exposure held, each known or why not. Read through the
    /// corridor's adapter (a live venue's needs its `venues.toml` entry and credential); the
    /// fake venue's from its state, which the read never writes. Nothing is sent.
    pub fn venue_facts(&self, venue: Venue, account: &str, symbol: &str) -> Result<VenueFacts> {
        let id = CorridorId::new(venue, account)?;
        let ws = self.engine.workspace();
        let adapter: std::sync::Arc<dyn BrokerAdapter> = match venue {
            Venue::Fake => match FakeVenue::snapshot(&paths::fake_venue(ws, account)) {
                Ok(v) => std::sync::Arc::new(v),
                Err(e) => return Ok(VenueFacts::unreachable(id, symbol, &e)),
            },
            _ => match self.engine.adapters().connect(ws, &id, self.engine.credentials()) {
                Ok(c) => c.adapter,
                Err(e) => return Ok(VenueFacts::unreachable(id, symbol, &e)),
            },
        };
        self.engine.block_on(venue_facts::read(adapter.as_ref(), &id, symbol))
    }

    /// A draft intent from a valid plan: journaled as pending in its corridor, never sent until
    /// approved there.
    pub fn to_intent(&self, plan_id: &str) -> Result<ExecutionIntent> {
        let p = self.show(plan_id)?;
        if !p.valid() {
            let failed: Vec<String> = p.checks.iter().filter(|c| !c.passed).map(|c| c.rule.clone()).collect();
            return Err(pretrade::PretradeError::Rejected { id: p.id, failed }.into());
        }
        if p.sizing.size.is_zero() {
            return Err(pretrade::PretradeError::SizesToZero(p.id).into());
        }
        let i = &p.input;
        let targets: Vec<String> =
            i.targets.iter().map(|t| format!("{}:{}%", t.price, t.share_pct)).collect();
        self.engine.execution().intent_new(IntentSpec {
            source: IntentSource::Plan,
            venue: i.venue,
            account: i.account.clone(),
            symbol: i.symbol.clone(),
            side: i.side,
            quantity: p.sizing.size,
            order_type: match i.entry_kind {
                EntryKind::Limit => OrderType::Limit,
                EntryKind::Market => OrderType::Market,
            },
            limit_price: (i.entry_kind == EntryKind::Limit).then_some(i.entry),
            trigger_price: None,
            time_in_force: TimeInForce::Gtc,
            reduce_only: false,
            ttl_ms: None,
            note: Some(format!(
                "from plan {}: stop {}, targets {}",
                p.id,
                i.stop,
                if targets.is_empty() { "none".into() } else { targets.join(" ") }
            )),
            // The stop is the plan's risk: it rides with the entry. Targets split the position
            // (shares of it), which one attached take-profit cannot say; they stay in the note.
            exits: Some(AttachedExits { take_profit: None, stop_loss: Some(i.stop) }),
        })
    }
}
