//! What the live runner measures on each bar besides its decision: the session against its
//! shadow (drift) and its share of the portfolio (book, exposure, the daily loss limit). Apart
//! from the loop in `runner.rs`, which calls these once per bar.

use rust_decimal::Decimal;

use super::super::book::{self, Book};
use super::super::drift::{self, LiveFill};
use super::super::portfolio::{self, LossHit, Portfolio};
use super::super::session::{PausedBy, Status};
use super::super::sizing;
use super::{is_ours, Run};
use crate::engine::alerts::{self, codes};
use crate::engine::error::Result;
use crate::engine::execution::{Corridor, Side};
use crate::engine::paper::control::{self, Desired};
use crate::engine::time::{fmt_ms, now_ms};

impl Run<'_> {
    /// The session's share of the portfolio from this read of the venue: the mark, its PnL
    /// and today's part of it, and its alive intent's unfilled quantity.
    pub(super) fn update_book(&mut self, c: &Corridor, held: Decimal, mark: Option<Decimal>, alive: Option<&str>) -> Result<()> {
        let ours = c
            .state()
            .intents
            .values()
            .filter(|r| r.intent.parent.is_none() && is_ours(r.intent.note.as_deref(), &self.s.id));
        let fills: Vec<book::Fill> = ours
            .map(|r| book::Fill {
                buy: r.intent.side == Side::Buy,
                filled: r.filled_quantity,
                average_price: r.average_price,
                fees: r.fees,
            })
            .collect();
        let pnl = book::pnl(&fills, held, mark);
        let now = now_ms();
        let day = book::utc_day(now);
        let previous = self.s.book.as_ref().map(|b| b.pnl.as_deref().and_then(|p| p.parse().ok()));
        let (start, today) = book::today(self.state.day_start.as_ref(), previous, &day, pnl);
        self.state.day_start = Some(start);
        let pending = alive
            .and_then(|id| c.state().intents.get(id))
            .map(|r| {
                let left = (r.intent.quantity - r.filled_quantity).max(Decimal::ZERO);
                if r.intent.side == Side::Buy { left } else { -left }
            })
            .unwrap_or_default();
        let before = self.s.book.as_ref().map(|b| b.peak_pnl.as_deref().and_then(|p| p.parse().ok()));
        let peak = book::peak(before.flatten(), pnl, before.is_none());
        self.s.book = Some(Book {
            as_of: fmt_ms(now),
            mark: mark.map(|m| m.to_string()),
            pending: pending.to_string(),
            pnl: pnl.map(|p| p.to_string()),
            day,
            pnl_today: today.map(|p| p.to_string()),
            peak_pnl: peak.map(|p| p.to_string()),
        });
        Ok(())
    }

    /// The portfolio with this session's fresh share, written to `live_sessions/portfolio.json`;
    /// and the policy's daily loss limit checked on it. `true`: the limit is hit (today, by
    /// this runner or another): every live session is paused, this one too.
    pub(super) fn portfolio_step(&mut self) -> Result<(Portfolio, bool)> {
        let ws = self.parts.ws;
        let mut p = portfolio::snapshot(ws, Some(&self.s))?;
        let limit = p.limits.as_ref().and_then(|l| l.daily_loss_limit);
        let Some(limit) = limit else {
            portfolio::write(ws, &p)?;
            return Ok((p, false));
        };
        let hit = match (&p.loss_hit, portfolio::loss_reached(&p, limit)) {
            (Some(hit), _) => hit.clone(),
            (None, Some(lost)) => {
                let mut hit = LossHit {
                    day: p.day.clone(),
                    at: fmt_ms(now_ms()),
                    session: self.s.id.clone(),
                    pnl_today: lost.normalize().to_string(),
                    limit: limit.to_string(),
                    unknown: p.sessions.iter().filter(|s| s.pnl_today.is_none()).map(|s| s.id.clone()).collect(),
                    sessions_paused: Vec::new(),
                };
                if portfolio::record_loss(ws, &mut hit, &self.s.id)? {
                    let msg = portfolio::loss_message(&hit);
                    alerts::raise_with_copy(ws, codes::LIVE_PORTFOLIO_LOSS, "portfolio", &msg, &self.dir.join("alerts.jsonl"));
                }
                // Another runner may have recorded it first: the record is what holds.
                portfolio::loss_hit(ws, &p.day)?.unwrap_or(hit)
            }
            (None, None) => {
                portfolio::write(ws, &p)?;
                return Ok((p, false));
            }
        };
        p.loss_hit = Some(hit.clone());
        portfolio::write(ws, &p)?;
        if !(self.s.status == Status::Paused && self.s.paused_by == Some(PausedBy::Portfolio)) {
            control::set_in(&self.dir, Desired::Paused)?;
            self.set_status(Status::Paused, Some(portfolio::loss_message(&hit)), Some(PausedBy::Portfolio))?;
        }
        Ok((p, true))
    }

    /// The session against its shadow at this bar (before the shadow trades it): LIVE_DRIFT
    /// once per kind of breach of the policy's `[corridor.live]` limits.
    pub(super) fn measure_drift(&mut self, c: &Corridor, held: Decimal, close: f64, lot: Option<Decimal>) -> Result<()> {
        let Some(shadow) = &self.state.shadow else { return Ok(()) };
        let fills: Vec<LiveFill> = c
            .state()
            .intents
            .values()
            .filter(|r| r.intent.parent.is_none() && is_ours(r.intent.note.as_deref(), &self.s.id))
            .map(|r| LiveFill {
                buy: r.intent.side == Side::Buy,
                filled: r.filled_quantity,
                average_price: r.average_price,
                fees: r.fees,
                reference: self.state.reference.get(&r.intent.id).copied(),
            })
            .collect();
        let limits = c.policy().map(|p| p.live.clone()).unwrap_or_default();
        let inputs = drift::Inputs {
            fills: &fills,
            held: Some(held),
            close,
            shadow_units: shadow.units,
            // Marked at this close, before the shadow trades on it.
            shadow_pnl: shadow.stepper.book.cash + shadow.units * close - shadow.cash,
            missed: self.s.intents.missed,
            drift_bars: self.state.drift_bars,
            equity_at_start: self.s.equity_at_start.as_deref().and_then(|e| e.parse().ok()),
            lot: lot.map_or(0.0, sizing::as_f64),
        };
        let d = drift::measure(&inputs, &limits);
        self.state.drift_bars = d.position_drift_bars;
        let mut raised = false;
        for b in &d.breaches {
            let kind = b.split_whitespace().next().unwrap_or("drift").to_string();
            if self.state.drift_raised.insert(kind) {
                self.alert(codes::LIVE_DRIFT, &format!("live session {} drifted from its shadow: {b}", self.s.id));
                raised = true;
            }
        }
        self.demote_due |= raised;
        self.s.drift = Some(d);
        Ok(())
    }
}
