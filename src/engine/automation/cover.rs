//! Does a live grant cover this intent? The one maker of a [`GrantCover`]: the proof, checked
//! against every limit of the grant, that an intent may be approved without a keypress, with
//! the grant's automation key to sign it. Its fields are private to this module and there is no
//! other constructor, so nothing else can ask for an automated approval
//! (`Confirmation::automated` takes one). Anything short of a cover is a [`NotCovered`] naming
//! the limit, and the intent waits for the keypress as before.

use rust_decimal::Decimal;

use super::grant::Grant;
use super::key::AutomationKey;
use super::status::{self, GrantState, Now};
use super::store;
use crate::engine::execution::model::{CorridorId, Entry, ExecutionIntent, OrderType};
use crate::engine::execution::intent::intent_digest;
use crate::engine::secrets::CredentialStore;
use crate::engine::workspace::Workspace;

/// Proof that a live grant covers one intent, and the key to sign its approval with.
#[derive(Debug)]
pub struct GrantCover {
    grant_id: String,
    corridor: CorridorId,
    intent_id: String,
    intent_digest: String,
    policy_fingerprint: String,
    notional: Decimal,
    key: AutomationKey,
}

impl GrantCover {
    pub fn grant_id(&self) -> &str {
        &self.grant_id
    }
    pub fn corridor(&self) -> &CorridorId {
        &self.corridor
    }
    pub fn intent_id(&self) -> &str {
        &self.intent_id
    }
    pub fn intent_digest(&self) -> &str {
        &self.intent_digest
    }
    pub fn policy_fingerprint(&self) -> &str {
        &self.policy_fingerprint
    }
    pub fn notional(&self) -> Decimal {
        self.notional
    }
    pub fn key(&self) -> &AutomationKey {
        &self.key
    }
}

/// Why an intent waits for the keypress: the grant considered (if any), the limit, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotCovered {
    pub grant: Option<String>,
    /// A stable name: `grant`, `candidate`, `symbols`, `order_types`, `max_order_notional`,
    /// `max_orders_per_day`, `daily_loss_limit`, `max_drawdown`, `automation_key`.
    pub limit: String,
    pub why: String,
}

fn no(grant: Option<&str>, limit: &str, why: String) -> NotCovered {
    NotCovered { grant: grant.map(String::from), limit: limit.into(), why }
}

/// What the intent's maker knows that the journal does not.
#[derive(Debug, Clone, Default)]
pub struct Ask {
    /// The candidate whose live session made it (`None`: not a session's intent).
    pub candidate: Option<String>,
    /// The price its notional is counted at, for an order without a limit price (the mark).
    pub mark: Option<Decimal>,
    /// The session's PnL today and its fall from its best PnL; `None` when unknown.
    pub pnl_today: Option<Decimal>,
    pub drawdown: Option<Decimal>,
}

/// The intent's notional at its limit price, or at `mark` for a market order.
fn notional(intent: &ExecutionIntent, mark: Option<Decimal>) -> Option<Decimal> {
    let price = match intent.order_type {
        OrderType::Market | OrderType::StopMarket | OrderType::TakeProfitMarket => mark,
        _ => intent.limit_price.or(mark),
    }?;
    Some((intent.quantity * price).abs())
}

/// The live grant on `corridor` for `ask.candidate` that covers `intent` (journaled in
/// `entries`) against `now`, with its key from `store`; or why none does.
pub fn cover(
    ws: &Workspace,
    store: &dyn CredentialStore,
    corridor: &CorridorId,
    entries: &[Entry],
    intent: &ExecutionIntent,
    ask: &Ask,
    now: &Now,
) -> Result<GrantCover, NotCovered> {
    let grants = store::all(ws).map_err(|e| no(None, "grant", e.message))?;
    let mine: Vec<&store::Stored> = grants.iter().filter(|s| s.grant.corridor == *corridor).collect();
    if mine.is_empty() {
        return Err(no(None, "grant", format!("no grant of automation on {corridor}")));
    }
    let Some(candidate) = ask.candidate.as_deref() else {
        return Err(no(None, "candidate", "not made by a live session: a grant covers only its candidate's sessions".into()));
    };
    let mut last_state = None;
    let mut live: Option<&Grant> = None;
    for s in mine.iter().filter(|s| s.grant.candidate == candidate) {
        let st = status::state(s, entries, now);
        if st == GrantState::Live {
            // The newest live grant (ids sort by time).
            live = Some(&s.grant);
        } else {
            last_state = Some((s.grant.id.clone(), st));
        }
    }
    let Some(g) = live else {
        return Err(match last_state {
            Some((id, st)) => {
                let why = match &st {
                    GrantState::Revoked { reason, .. } => format!("{id} is revoked: {reason}"),
                    GrantState::Untrusted { why } => format!("{id} is not to be trusted: {why}"),
                    other => format!("{id} is {}", other.name()),
                };
                no(Some(&id), "grant", why)
            }
            None => no(None, "grant", format!("no grant on {corridor} covers {candidate}")),
        });
    };
    let id = Some(g.id.as_str());
    let l = &g.limits;
    if !l.symbols.contains(&intent.symbol) {
        return Err(no(id, "symbols", format!("{} is not among {}", intent.symbol, l.symbols.join(", "))));
    }
    if !l.order_types.contains(&intent.order_type) {
        return Err(no(id, "order_types", format!("a {} order is not among those granted", intent.order_type.name())));
    }
    let Some(n) = notional(intent, ask.mark) else {
        return Err(no(id, "max_order_notional", "the order's notional is unknown (no price to count it at)".into()));
    };
    if n > l.max_order_notional {
        return Err(no(id, "max_order_notional", format!("{} > {} per order", n.round_dp(2), l.max_order_notional)));
    }
    let used = status::orders_on_day(&g.id, entries, now.at_ms);
    if used >= l.max_orders_per_day {
        return Err(no(id, "max_orders_per_day", format!("{used} automated orders today, the grant allows {}", l.max_orders_per_day)));
    }
    match ask.pnl_today {
        None => return Err(no(id, "daily_loss_limit", "the session's PnL today is unknown".into())),
        Some(p) if -p >= l.daily_loss_limit => {
            return Err(no(id, "daily_loss_limit", format!("lost {} today, the grant stops at {}", (-p).round_dp(2), l.daily_loss_limit)))
        }
        Some(_) => {}
    }
    match ask.drawdown {
        None => return Err(no(id, "max_drawdown", "the session's drawdown is unknown".into())),
        Some(d) if d >= l.max_drawdown => {
            return Err(no(id, "max_drawdown", format!("{} below its best, the grant stops at {}", d.round_dp(2), l.max_drawdown)))
        }
        Some(_) => {}
    }
    let key = match AutomationKey::load(store, &g.id) {
        Ok(Some(k)) => k,
        Ok(None) => {
            return Err(no(id, "automation_key", format!("{} holds no key for {}: make a new grant", store.name(), g.id)))
        }
        Err(e) => return Err(no(id, "automation_key", e.message)),
    };
    Ok(GrantCover {
        grant_id: g.id.clone(),
        corridor: corridor.clone(),
        intent_id: intent.id.clone(),
        intent_digest: intent_digest(intent),
        policy_fingerprint: g.policy_fingerprint.clone(),
        notional: n,
        key,
    })
}
