//! `quantlab pretrade plan|list|show|to-intent`

use rust_decimal::Decimal;
use serde_json::json;

use super::args::{PlanArgs, PretradeCmd};
use super::output::Outcome;
use crate::engine::execution::parse_decimal;
use crate::engine::execution::{Side, Venue};
use crate::engine::pretrade::{
    EntryKind, Fact, FromVenue, Market, Plan, PlanInput, PlanProblem as P, PretradeError, Risk, Rules,
    Target, VenueFacts,
};
use crate::engine::{Engine, Error, ErrorKind, Result};

/// A plan input that was not given and cannot be looked up: `what` to give.
fn missing(field: &'static str, what: &'static str) -> Error {
    PretradeError::field(field, P::Give(what)).into()
}

fn input(engine: &Engine, a: &PlanArgs) -> Result<PlanInput> {
    let venue = Venue::parse(&a.venue)?;
    let (entry_kind, entry) = match (&a.entry, &a.market_ref) {
        (Some(e), _) => (EntryKind::Limit, parse_decimal("--entry", e)?),
        (None, Some(m)) => (EntryKind::Market, parse_decimal("--market-ref", m)?),
        (None, None) => return Err(missing("entry", "a limit entry, or --market-ref for a market entry")),
    };
    let targets = a
        .target
        .iter()
        .map(|t| {
            let (p, share) =
                t.split_once(':').ok_or_else(|| PretradeError::field("target", P::TargetForm(t.clone())))?;
            Ok(Target { price: parse_decimal("--target", p)?, share_pct: parse_decimal("--target", share)? })
        })
        .collect::<Result<Vec<_>>>()?;
    let risk = match (&a.risk_pct, &a.risk_cash) {
        (Some(p), _) => Risk::Pct(parse_decimal("--risk-pct", p)?),
        (None, Some(c)) => Risk::Cash(parse_decimal("--risk-cash", c)?),
        (None, None) => return Err(missing("risk-pct", "--risk-pct or --risk-cash")),
    };
    let mut venue_said =
        Lookup { engine, venue, account: &a.account, symbol: &a.symbol, facts: None, used: vec![] };
    let lot = match (&a.lot, a.size_decimals) {
        (Some(l), _) => Some(parse_decimal("--lot", l)?),
        (None, Some(d)) if d <= 18 => Some(Decimal::new(1, d)),
        (None, Some(d)) => return Err(PretradeError::field("size-decimals", P::SizeDecimals(d)).into()),
        (None, None) => None,
    };
    let tick = a.tick.as_deref().map(|t| parse_decimal("--tick", t)).transpose()?;
    // Rules given whole (tick and lot) are the operator's: the venue is not asked for them, and
    // the minimums default to one lot and no notional, as before the venue could be read.
    let rules = match (tick, lot) {
        (Some(tick), Some(lot)) => Rules {
            tick_size: tick,
            lot_size: lot,
            min_size: lot,
            min_notional: Decimal::ZERO,
            max_price_sig_figs: None,
        },
        (tick, lot) => {
            let field = if lot.is_none() { "lot" } else { "tick" };
            let mut r = venue_said.rules(field)?;
            match tick {
                // The operator's tick is the whole price rule: the venue's figures rule goes too.
                Some(t) => {
                    r.tick_size = t;
                    r.max_price_sig_figs = None;
                }
                None => venue_said.used.push("tick"),
            }
            match lot {
                Some(l) => r.lot_size = l,
                None => venue_said.used.push("lot"),
            }
            venue_said.used.extend(["min-size", "min-notional"]);
            r
        }
    };
    let rules = Rules {
        min_size: match &a.min_size {
            Some(m) => {
                venue_said.used.retain(|f| *f != "min-size");
                parse_decimal("--min-size", m)?
            }
            None => rules.min_size,
        },
        min_notional: match &a.min_notional {
            Some(m) => {
                venue_said.used.retain(|f| *f != "min-notional");
                parse_decimal("--min-notional", m)?
            }
            None => rules.min_notional,
        },
        ..rules
    };
    let equity = match &a.equity {
        Some(e) => parse_decimal("--equity", e)?,
        None => venue_said.equity()?,
    };
    let current_exposure = match &a.exposure {
        Some(e) => parse_decimal("--exposure", e)?,
        None => venue_said.exposure()?,
    };
    Ok(PlanInput {
        venue,
        account: a.account.clone(),
        symbol: a.symbol.clone(),
        side: Side::parse(&a.side)?,
        market: if a.perp { Market::Perp } else { Market::Spot },
        entry_kind,
        entry,
        stop: parse_decimal("--stop", &a.stop)?,
        targets,
        equity,
        risk,
        fee_bps: parse_decimal("--fee-bps", &a.fee_bps)?,
        leverage: a.leverage.as_deref().map(|l| parse_decimal("--leverage", l)).transpose()?,
        maintenance_margin_rate: parse_decimal("--mmr", &a.mmr)?,
        current_exposure,
        rules,
        from_venue: venue_said.record(),
    })
}

/// The corridor's venue, asked once and only for what the operator did not give; `used`
/// names the inputs it gave, for the plan's record.
struct Lookup<'a> {
    engine: &'a Engine,
    venue: Venue,
    account: &'a str,
    symbol: &'a str,
    facts: Option<VenueFacts>,
    used: Vec<&'static str>,
}

impl Lookup<'_> {
    fn facts(&mut self) -> Result<&VenueFacts> {
        if self.facts.is_none() {
            self.facts = Some(self.engine.pretrade().venue_facts(self.venue, self.account, self.symbol)?);
        }
        Ok(self.facts.as_ref().expect("just read"))
    }

    fn take<T: Clone>(
        &mut self,
        field: &'static str,
        what: &'static str,
        pick: impl Fn(&VenueFacts) -> &Fact<T>,
    ) -> Result<T> {
        let f = self.facts()?;
        match pick(f) {
            Fact::Known(v) => Ok(v.clone()),
            Fact::Unknown { unknown, kind } => Err(PretradeError::Unread {
                field,
                what,
                corridor: f.corridor.to_string(),
                why: unknown.clone(),
                kind: *kind,
            }
            .into()),
        }
    }

    fn rules(&mut self, field: &'static str) -> Result<Rules> {
        self.take(field, "the instrument's rules", |f| &f.rules)
    }

    fn equity(&mut self) -> Result<Decimal> {
        let v = self.take("equity", "the account's equity", |f| &f.equity)?;
        self.used.push("equity");
        Ok(v)
    }

    fn exposure(&mut self) -> Result<Decimal> {
        let v = self.take("exposure", "the gross exposure held", |f| &f.exposure)?;
        self.used.push("exposure");
        Ok(v)
    }

    fn record(&self) -> Option<FromVenue> {
        let f = self.facts.as_ref().filter(|_| !self.used.is_empty())?;
        Some(FromVenue {
            corridor: f.corridor.to_string(),
            as_of: f.as_of.clone(),
            fields: self.used.iter().map(|s| s.to_string()).collect(),
        })
    }
}

pub fn text(p: &Plan) -> String {
    let s = &p.sizing;
    let i = &p.input;
    let mut t = format!(
        "{}  {} {} {} {} -> {}\n",
        p.id,
        i.side.name(),
        s.size,
        i.symbol,
        match i.entry_kind {
            EntryKind::Limit => format!("limit {}", i.entry),
            EntryKind::Market => format!("market (ref {})", i.entry),
        },
        p.verdict.to_uppercase()
    );
    t.push_str(&format!(
        "  stop {}  risk {} ({}% of equity)  notional {}  leverage {}  reward/risk {}\n",
        i.stop,
        s.loss_at_stop,
        s.loss_at_stop_pct,
        s.notional,
        s.leverage_needed,
        s.reward_risk.map_or("-".into(), |x| x.to_string())
    ));
    if let Some(l) = s.liquidation_price {
        t.push_str(&format!("  estimated liquidation {l}\n"));
    }
    for x in &s.targets {
        t.push_str(&format!(
            "  target {} ({}%): {} units, PnL {}, {}R\n",
            x.price, x.share_pct, x.quantity, x.pnl, x.r_multiple
        ));
    }
    for c in &p.checks {
        t.push_str(&format!(
            "  {:<4} {:<20} {:<24} limit {}\n",
            if c.passed { "ok" } else { "FAIL" },
            c.rule,
            c.actual,
            c.limit
        ));
    }
    for w in &p.warnings {
        t.push_str(&format!("  warning: {w}\n"));
    }
    t
}

pub fn dispatch(engine: &Engine, cmd: &PretradeCmd) -> (&'static str, Result<Outcome>) {
    match cmd {
        PretradeCmd::Plan(a) => (
            "pretrade plan",
            (|| {
                let p = engine.pretrade().plan(input(engine, a)?)?;
                let code = if p.valid() { 0 } else { ErrorKind::Refused.exit_code() };
                Ok(Outcome::ok("pretrade plan", &p, text(&p)).with_exit(code))
            })(),
        ),
        PretradeCmd::List => (
            "pretrade list",
            (|| {
                let plans = engine.pretrade().plans()?;
                let mut t = String::new();
                for p in &plans {
                    t.push_str(&format!(
                        "{}  {:<8} {} {} {} stop {} size {}\n",
                        p.id,
                        p.verdict,
                        p.input.side.name(),
                        p.input.symbol,
                        p.input.entry,
                        p.input.stop,
                        p.sizing.size
                    ));
                }
                if plans.is_empty() {
                    t.push_str("no plans\n");
                }
                Ok(Outcome::ok("pretrade list", &json!({ "count": plans.len(), "plans": plans }), t))
            })(),
        ),
        PretradeCmd::Show { id } => (
            "pretrade show",
            (|| {
                let p = engine.pretrade().show(id)?;
                Ok(Outcome::ok("pretrade show", &p, text(&p)))
            })(),
        ),
        PretradeCmd::ToIntent { id } => (
            "pretrade to-intent",
            (|| {
                let i = engine.pretrade().to_intent(id)?;
                let t = format!("{}  {} (pending: approve it in its corridor to send)\n", i.id, i.describe());
                Ok(Outcome::ok("pretrade to-intent", &i, t))
            })(),
        ),
    }
}
