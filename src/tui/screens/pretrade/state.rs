//! The Pre-trade tab's state: a form whose plan is recomputed on every key (pure arithmetic on
//! the UI thread; no I/O), the saved plans, and the policy they are checked against.

use crossterm::event::KeyEvent;

use crate::engine::execution::parse_decimal;
use crate::engine::execution::LoadedPolicy;
use crate::engine::execution::{Side, Venue};
use crate::engine::pretrade::{self, EntryKind, Market, Plan, PlanInput, Risk, Rules, Target, VenueFacts};
use crate::tui::jobs::Cmd;
use crate::tui::keymap::Action;
use crate::tui::widgets::form::{Edit, Field, Form};
use crate::tui::widgets::list_cursor::ListCursor;

use super::venue::{Subject, VenueSide, FILLED};

pub struct PretradeScreen {
    pub form: Form,
    pub editing: bool,
    /// The plan on screen, or why the form does not make one.
    pub result: Result<Plan, String>,
    pub plans: Vec<Plan>,
    pub sel: ListCursor,
    pub policy: Option<LoadedPolicy>,
    /// Why the policy could not be read, if it could not.
    pub policy_error: Option<String>,
    /// A plan to select once the list is reloaded (the one just saved).
    pub pending_select: Option<String>,
    /// What the corridor's venue said, and which fields the operator typed over it.
    pub venue: VenueSide,
}

fn text(key: &str, label: &str, value: &str) -> Field {
    Field::text(key, label, value)
}

fn choice(key: &str, label: &str, options: &[&str]) -> Field {
    Field::choice(key, label, options.iter().map(|s| s.to_string()).collect())
}

impl Default for PretradeScreen {
    fn default() -> Self {
        PretradeScreen::new()
    }
}

impl PretradeScreen {
    pub fn new() -> PretradeScreen {
        let fields = vec![
            choice("venue", "venue", &["fake", "kraken", "hyperliquid"]),
            text("account", "account", "main"),
            text("symbol", "symbol", "BTC/USD"),
            choice("side", "side", &["buy", "sell"]),
            choice("market", "market", &["spot", "perp"]),
            choice("entry_kind", "entry type", &["limit", "market"]),
            text("entry", "entry", "50000"),
            text("stop", "stop", "49500"),
            text("t1", "target 1", "51000:50"),
            text("t2", "target 2", "52000:50"),
            text("t3", "target 3", ""),
            text("equity", "equity", "1000"),
            // Cash: the same risk whatever the venue reports as equity (the demo's plan stays
            // inside its micro-live notional).
            text("risk", "risk (% or cash)", "5"),
            text("exposure", "exposure now", "0"),
            text("fee_bps", "fee bps", "10"),
            text("leverage", "leverage (perp)", ""),
            text("mmr", "maint. margin", "0.005"),
            text("tick", "tick size", "0.1"),
            text("lot", "lot size", "0.00001"),
            text("min_size", "min size", "0.00001"),
            text("min_notional", "min notional", "5"),
        ];
        let mut s = PretradeScreen {
            form: Form::new(fields, Form::any),
            editing: false,
            result: Err(String::new()),
            plans: Vec::new(),
            sel: ListCursor::default(),
            policy: None,
            policy_error: None,
            pending_select: None,
            venue: VenueSide::default(),
        };
        s.recompute();
        s
    }

    fn get(&self, key: &str) -> &str {
        self.form.get(key)
    }

    /// The venue, account and symbol on the form, when the venue is one.
    pub fn subject(&self) -> Option<Subject> {
        let venue = Venue::parse(self.get("venue")).ok()?;
        Some((venue, self.get("account").to_string(), self.get("symbol").to_string()))
    }

    /// A read of the venue's facts when the form names another instrument or account than the
    /// last read (at startup, and when editing ends).
    pub fn venue_read(&mut self) -> Option<Cmd> {
        let now = self.subject()?;
        if let Some(old) = &self.venue.asked {
            if *old == now {
                return None;
            }
            let old = old.clone();
            self.venue.subject_changed(&old, &now);
        }
        self.venue.asked = Some(now.clone());
        Some(Cmd::ReadVenueFacts(now.0, now.1, now.2))
    }

    /// The venue's answer: into the fields the operator has not typed, if it is still about
    /// the form's instrument and account.
    pub fn facts_loaded(&mut self, facts: VenueFacts) {
        let about = (facts.corridor.venue, facts.corridor.account.clone(), facts.symbol.clone());
        if self.subject().as_ref() != Some(&about) {
            return;
        }
        self.venue.asked = Some(about);
        for (key, v) in self.venue.fill(facts) {
            self.form.set(key, v.unwrap_or_default());
        }
        self.recompute();
    }

    /// The form as a plan input; errors name the field as the form labels it.
    pub fn input(&self) -> Result<PlanInput, String> {
        let dec = |key: &str, label: &str| {
            if self.get(key).is_empty() {
                if let Some(why) = self.venue.unknown(key) {
                    return Err(format!("{label}: unknown from the venue ({why}); type it"));
                }
            }
            parse_decimal(label, self.get(key)).map_err(|e| e.message)
        };
        let mut targets = Vec::new();
        for (k, label) in [("t1", "target 1"), ("t2", "target 2"), ("t3", "target 3")] {
            let v = self.get(k);
            if v.is_empty() {
                continue;
            }
            let (p, share) = v.split_once(':').ok_or(format!("{label}: '{v}' is not PRICE:SHARE_PCT"))?;
            targets.push(Target {
                price: parse_decimal(label, p).map_err(|e| e.message)?,
                share_pct: parse_decimal(label, share).map_err(|e| e.message)?,
            });
        }
        let risk_text = self.get("risk");
        let risk = match risk_text.strip_suffix('%') {
            Some(p) => Risk::Pct(parse_decimal("risk", p).map_err(|e| e.message)?),
            None => Risk::Cash(parse_decimal("risk", risk_text).map_err(|e| e.message)?),
        };
        let market = if self.get("market") == "perp" { Market::Perp } else { Market::Spot };
        let leverage = match self.get("leverage") {
            "" => None,
            l => Some(parse_decimal("leverage", l).map_err(|e| e.message)?),
        };
        Ok(PlanInput {
            venue: Venue::parse(self.get("venue")).map_err(|e| e.message)?,
            account: self.get("account").to_string(),
            symbol: self.get("symbol").to_string(),
            side: Side::parse(self.get("side")).map_err(|e| e.message)?,
            market,
            entry_kind: if self.get("entry_kind") == "market" { EntryKind::Market } else { EntryKind::Limit },
            entry: dec("entry", "entry")?,
            stop: dec("stop", "stop")?,
            targets,
            equity: dec("equity", "equity")?,
            risk,
            fee_bps: dec("fee_bps", "fee bps")?,
            leverage,
            maintenance_margin_rate: dec("mmr", "maint. margin")?,
            current_exposure: dec("exposure", "exposure now")?,
            rules: Rules {
                tick_size: dec("tick", "tick size")?,
                lot_size: dec("lot", "lot size")?,
                min_size: dec("min_size", "min size")?,
                min_notional: dec("min_notional", "min notional")?,
                max_price_sig_figs: self.venue.max_price_sig_figs(),
            },
            from_venue: self.venue.record(),
        })
    }

    pub fn recompute(&mut self) {
        self.result = self.input().and_then(|i| {
            pretrade::evaluate(i, self.policy.as_ref())
                .map_err(|e| e.message.trim_start_matches("--").to_string())
        });
    }

    pub fn loaded(&mut self, plans: Vec<Plan>, policy: Result<Option<LoadedPolicy>, String>) {
        self.plans = plans;
        let found = self.pending_select.take().and_then(|id| self.plans.iter().position(|p| p.id == id));
        self.sel.follow(found, self.plans.len());
        match policy {
            Ok(p) => {
                self.policy = p;
                self.policy_error = None;
            }
            Err(e) => {
                self.policy = None;
                self.policy_error = Some(e);
            }
        }
        self.recompute();
    }

    pub fn selected(&self) -> Option<&Plan> {
        self.sel.get(&self.plans)
    }

    /// Put a saved plan back in the form.
    pub fn reopen_selected(&mut self) {
        let Some(p) = self.selected().cloned() else { return };
        let i = &p.input;
        let t = |n: usize| i.targets.get(n).map_or(String::new(), |t| format!("{}:{}", t.price, t.share_pct));
        let values = [
            ("venue", i.venue.name().to_string()),
            ("account", i.account.clone()),
            ("symbol", i.symbol.clone()),
            ("side", i.side.name().to_string()),
            ("market", if i.market == Market::Perp { "perp" } else { "spot" }.to_string()),
            ("entry_kind", if i.entry_kind == EntryKind::Market { "market" } else { "limit" }.to_string()),
            ("entry", i.entry.to_string()),
            ("stop", i.stop.to_string()),
            ("t1", t(0)),
            ("t2", t(1)),
            ("t3", t(2)),
            ("equity", i.equity.to_string()),
            (
                "risk",
                match i.risk {
                    Risk::Pct(p) => format!("{p}%"),
                    Risk::Cash(c) => c.to_string(),
                },
            ),
            ("fee_bps", i.fee_bps.to_string()),
            ("leverage", i.leverage.map_or(String::new(), |l| l.to_string())),
            ("mmr", i.maintenance_margin_rate.to_string()),
            ("tick", i.rules.tick_size.to_string()),
            ("lot", i.rules.lot_size.to_string()),
            ("min_size", i.rules.min_size.to_string()),
            ("min_notional", i.rules.min_notional.to_string()),
        ];
        for (k, v) in values {
            self.form.set(k, v);
        }
        // The saved plan's values are the operator's now: no venue read overwrites them.
        self.venue.typed.extend(FILLED.iter().map(|(k, _)| *k));
        self.recompute();
    }

    /// Keys while editing: move between fields, cycle choices, type; recompute after each. A
    /// field the venue fills that the operator changes is theirs from then on. When editing
    /// ends, the venue is read again if the form names another instrument or account.
    pub fn form_key(&mut self, action: Option<Action>, ev: &KeyEvent) -> Option<Cmd> {
        let edit = self.form.key(action, ev);
        if let Edit::Changed(key) = &edit {
            if let Some((k, _)) = FILLED.iter().find(|(k, _)| k == key) {
                self.venue.typed.insert(k);
            }
        }
        self.recompute();
        if let Edit::Action(Action::Back) = edit {
            self.editing = false;
            return self.venue_read();
        }
        None
    }
}
