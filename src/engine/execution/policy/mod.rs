//! ExecutionPolicy: the operator's limits, one TOML file in the workspace
//! (`execution_policy.toml`), one `[[corridor]]` table per venue and account. No corridor may
//! submit without one. docs/execution-policy.md documents every field.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::model::{CorridorId, OrderType, Venue};
use super::policy_error::{PolicyError, PolicyProblem};
use crate::engine::error::Result;

mod load;

pub use load::{load, parse, path, LoadedPolicy, EXAMPLE};

pub const POLICY_FILE: &str = "execution_policy.toml";

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExecutionPolicy {
    #[serde(default = "one")]
    pub schema_version: u32,
    #[serde(default, rename = "corridor")]
    pub corridors: Vec<CorridorPolicy>,
    /// Limits across every live strategy session of the workspace (`[portfolio]`, optional:
    /// absent, no portfolio limit applies).
    #[serde(default)]
    pub portfolio: Option<PortfolioPolicy>,
}

/// `[portfolio]`: capital controls over all live strategy sessions together, whatever their
/// corridor (docs/live-sessions.md). Each limit is optional; an absent one does not apply.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortfolioPolicy {
    /// Sum over the sessions of |position| x mark, quote currency, across venues: an intent
    /// that would raise it past this is blocked before it is journaled.
    #[serde(default)]
    pub max_gross_exposure: Option<Decimal>,
    /// Live sessions (created, running or paused) at once: `live start` and the resume of an
    /// aborted one beyond it are refused.
    #[serde(default)]
    pub max_live_sessions: Option<usize>,
    /// Loss (a positive number) of all sessions together since 00:00 UTC, realized and
    /// unrealized, at which every session pauses until the next UTC day.
    #[serde(default)]
    pub daily_loss_limit: Option<Decimal>,
}

impl PortfolioPolicy {
    fn validate(&self, at: &str) -> Result<()> {
        let bad = |field, problem| Err(PolicyError::Field { at: at.into(), field, problem }.into());
        for (field, v) in [
            ("max_gross_exposure", self.max_gross_exposure),
            ("daily_loss_limit", self.daily_loss_limit),
        ] {
            if let Some(v) = v.filter(|v| *v <= Decimal::ZERO) {
                return bad(field, PolicyProblem::NotPositive(v));
            }
        }
        if self.max_live_sessions == Some(0) {
            return bad("max_live_sessions", PolicyProblem::BelowOne);
        }
        Ok(())
    }
}

fn one() -> u32 {
    1
}

/// How far a corridor is trusted. `Micro` applies the micro-live limits on top of the others;
/// `Full` needs a passed promotion report for the current policy before it can be armed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    #[default]
    Micro,
    Full,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorridorPolicy {
    pub venue: Venue,
    pub account: String,
    #[serde(default)]
    pub stage: Stage,
    /// Symbols that may be traded, exactly as the venue spells them.
    pub symbols: Vec<String>,
    pub order_types: Vec<OrderType>,
    /// Quote currency, e.g. "500" = 500 USD per order.
    pub max_order_notional: Decimal,
    pub max_position_notional: Decimal,
    /// Sum of |position notional| over every symbol after the order.
    pub max_gross_exposure: Decimal,
    pub max_open_orders: usize,
    /// Realized loss (positive number) after which submits stop for the UTC day.
    pub daily_loss_limit: Decimal,
    /// The same for the session (since the corridor was last armed).
    pub session_loss_limit: Decimal,
    pub orders_per_minute: usize,
    /// A limit or trigger price further than this from the mark is refused.
    pub price_collar_bps: Decimal,
    /// Seconds an approval stays valid after the confirm key.
    pub approval_ttl_secs: u64,
    /// Longest life an intent may be given (`intent new --expires`), in seconds; default one
    /// day, at most [`MAX_INTENT_TTL_SECS_LIMIT`].
    #[serde(default = "default_max_intent_ttl")]
    pub max_intent_ttl_secs: u64,
    /// The venue's cancel-all timer while armed: the console refreshes it; if it stops (the
    /// console or its SSH session died), the venue cancels the open orders by itself.
    #[serde(default = "default_dead_man")]
    pub dead_man_secs: u32,
    /// Largest risk of one planned trade (loss at its stop, fees included), percent of equity;
    /// checked by the pre-trade workbench.
    #[serde(default)]
    pub max_risk_per_trade_pct: Option<Decimal>,
    /// Largest leverage a plan may use (spot plans never exceed 1).
    #[serde(default)]
    pub max_leverage: Option<Decimal>,
    #[serde(default = "default_skew")]
    pub max_clock_skew_ms: i64,
    /// A mark older than this is stale: no order is priced against it.
    #[serde(default = "default_mark_age")]
    pub max_mark_age_ms: i64,
    pub breaker: Breaker,
    pub micro_live: Option<MicroLive>,
    #[serde(default)]
    pub promotion: Promotion,
    /// How far a live strategy session may drift from its shadow paper session before
    /// LIVE_DRIFT is raised (`[corridor.live]`; defaults when absent).
    #[serde(default)]
    pub live: LiveLimits,
    /// Whether grants of automation may be made on this corridor, and the anomaly checks that
    /// pause a session under one (`[corridor.automation]`; absent: no grant can be made).
    #[serde(default)]
    pub automation: Option<AutomationPolicy>,
}

/// The longest a grant may last: one week.
pub const MAX_GRANT_HOURS_LIMIT: u64 = 168;

/// `[corridor.automation]` (docs/automation.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutomationPolicy {
    /// The longest a grant may last, hours (1 to [`MAX_GRANT_HOURS_LIMIT`]).
    pub max_grant_hours: u64,
    /// Rejected orders among a session's last `reject_window` automated orders, percent, beyond
    /// which the session pauses.
    #[serde(default = "reject_rate")]
    pub max_reject_rate_pct: Decimal,
    #[serde(default = "six")]
    pub reject_window: usize,
    /// A feed silent for more than this many bar lengths is stale: the session pauses.
    #[serde(default = "three_u32")]
    pub max_feed_gap_bars: u32,
    /// A venue's rejection of an automated order pauses the session at once (the default:
    /// every failure pauses). `false` leaves rejections, where nothing was placed, to the
    /// reject rate.
    #[serde(default = "yes")]
    pub pause_on_reject: bool,
}

fn yes() -> bool {
    true
}

fn reject_rate() -> Decimal {
    Decimal::from(34)
}

fn six() -> usize {
    6
}

fn three_u32() -> u32 {
    3
}

/// `max_intent_ttl_secs` when the policy does not say (and for a corridor with no policy).
pub const DEFAULT_MAX_INTENT_TTL_SECS: u64 = 86_400;
/// The highest `max_intent_ttl_secs` a policy may set: seven days.
pub const MAX_INTENT_TTL_SECS_LIMIT: u64 = 7 * 86_400;

fn default_max_intent_ttl() -> u64 {
    DEFAULT_MAX_INTENT_TTL_SECS
}

fn default_dead_man() -> u32 {
    60
}

fn default_skew() -> i64 {
    2_000
}

fn default_mark_age() -> i64 {
    10_000
}

/// N rejects or venue errors within M minutes halt the corridor.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Breaker {
    pub max_failures: usize,
    pub window_minutes: u64,
}

/// Limits for the first live stage; each applies on top of the corridor's own.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MicroLive {
    pub max_order_notional: Decimal,
    pub max_position_notional: Decimal,
    pub max_gross_exposure: Decimal,
    pub daily_loss_limit: Decimal,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Promotion {
    /// Reconciliations in a row, the most recent ones, that must have been clean.
    #[serde(default = "three")]
    pub clean_reconciliations: usize,
}

fn three() -> usize {
    3
}

/// A live session against its shadow (docs/live-sessions.md): beyond any of these, LIVE_DRIFT.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LiveLimits {
    /// Intents that lapsed without the keypress.
    #[serde(default = "three")]
    pub max_missed_approvals: usize,
    /// A fill's price worse than the shadow's, in basis points.
    #[serde(default = "fifty")]
    pub max_slippage_bps: Decimal,
    /// Live PnL below the shadow's by more than this percent of the equity at the start.
    #[serde(default = "two")]
    pub max_pnl_drift_pct: Decimal,
    /// Bars in a row on which the venue's position differs from the shadow's.
    #[serde(default = "three")]
    pub max_position_drift_bars: usize,
}

fn fifty() -> Decimal {
    Decimal::from(50)
}

fn two() -> Decimal {
    Decimal::from(2)
}

impl Default for LiveLimits {
    fn default() -> Self {
        LiveLimits {
            max_missed_approvals: 3,
            max_slippage_bps: fifty(),
            max_pnl_drift_pct: two(),
            max_position_drift_bars: 3,
        }
    }
}

impl Default for Promotion {
    fn default() -> Self {
        Promotion { clean_reconciliations: 3 }
    }
}

/// The limits preflight applies: the corridor's, tightened by micro-live in the micro stage.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    pub max_order_notional: Decimal,
    pub max_position_notional: Decimal,
    pub max_gross_exposure: Decimal,
    pub daily_loss_limit: Decimal,
}

impl CorridorPolicy {
    pub fn id(&self) -> CorridorId {
        CorridorId { venue: self.venue, account: self.account.clone() }
    }

    pub fn limits(&self) -> Limits {
        let full = Limits {
            max_order_notional: self.max_order_notional,
            max_position_notional: self.max_position_notional,
            max_gross_exposure: self.max_gross_exposure,
            daily_loss_limit: self.daily_loss_limit,
        };
        match (&self.stage, &self.micro_live) {
            (Stage::Micro, Some(m)) => Limits {
                max_order_notional: full.max_order_notional.min(m.max_order_notional),
                max_position_notional: full.max_position_notional.min(m.max_position_notional),
                max_gross_exposure: full.max_gross_exposure.min(m.max_gross_exposure),
                daily_loss_limit: full.daily_loss_limit.min(m.daily_loss_limit),
            },
            _ => full,
        }
    }

    /// True when the effective limits go beyond micro-live: arming needs a promotion report.
    pub fn above_micro_live(&self) -> bool {
        let Some(m) = &self.micro_live else { return true };
        let l = self.limits();
        l.max_order_notional > m.max_order_notional
            || l.max_position_notional > m.max_position_notional
            || l.max_gross_exposure > m.max_gross_exposure
            || l.daily_loss_limit > m.daily_loss_limit
    }

    fn validate(&self, at: &str) -> Result<()> {
        CorridorId::new(self.venue, &self.account)
            .map_err(|source| PolicyError::Corridor { at: at.into(), source })?;
        let bad = |field, problem| Err(PolicyError::Field { at: at.into(), field, problem }.into());
        if self.symbols.is_empty() {
            return bad("symbols", PolicyProblem::NoSymbols);
        }
        if self.order_types.is_empty() {
            return bad("order_types", PolicyProblem::NoOrderTypes);
        }
        let mut amounts = vec![
            ("max_order_notional", self.max_order_notional),
            ("max_position_notional", self.max_position_notional),
            ("max_gross_exposure", self.max_gross_exposure),
            ("daily_loss_limit", self.daily_loss_limit),
            ("session_loss_limit", self.session_loss_limit),
            ("price_collar_bps", self.price_collar_bps),
        ];
        for (field, v) in
            [("max_risk_per_trade_pct", self.max_risk_per_trade_pct), ("max_leverage", self.max_leverage)]
        {
            if let Some(v) = v {
                amounts.push((field, v));
            }
        }
        if let Some(m) = &self.micro_live {
            amounts.extend([
                ("micro_live.max_order_notional", m.max_order_notional),
                ("micro_live.max_position_notional", m.max_position_notional),
                ("micro_live.max_gross_exposure", m.max_gross_exposure),
                ("micro_live.daily_loss_limit", m.daily_loss_limit),
            ]);
        }
        amounts.extend([
            ("live.max_slippage_bps", self.live.max_slippage_bps),
            ("live.max_pnl_drift_pct", self.live.max_pnl_drift_pct),
        ]);
        if self.live.max_position_drift_bars == 0 {
            return bad("live.max_position_drift_bars", PolicyProblem::BelowOne);
        }
        for (field, v) in amounts {
            if v <= Decimal::ZERO {
                return bad(field, PolicyProblem::NotPositive(v));
            }
        }
        if self.orders_per_minute == 0 {
            return bad("orders_per_minute", PolicyProblem::BelowOne);
        }
        if self.approval_ttl_secs == 0 || self.approval_ttl_secs > 600 {
            return bad("approval_ttl_secs", PolicyProblem::ApprovalTtl);
        }
        if !(1..=MAX_INTENT_TTL_SECS_LIMIT).contains(&self.max_intent_ttl_secs) {
            return bad("max_intent_ttl_secs", PolicyProblem::IntentTtl);
        }
        // The console renews the timer every 10 s: 30 s leaves two renewals of margin.
        if !(30..=3_600).contains(&self.dead_man_secs) {
            return bad("dead_man_secs", PolicyProblem::DeadMan);
        }
        if self.breaker.max_failures == 0 || self.breaker.window_minutes == 0 {
            return bad("breaker", PolicyProblem::Breaker);
        }
        if self.max_clock_skew_ms <= 0 || self.max_mark_age_ms <= 0 {
            return bad("max_clock_skew_ms", PolicyProblem::Staleness);
        }
        if let Some(a) = &self.automation {
            if !(1..=MAX_GRANT_HOURS_LIMIT).contains(&a.max_grant_hours) {
                return bad("automation.max_grant_hours", PolicyProblem::GrantHours);
            }
            if a.max_reject_rate_pct <= Decimal::ZERO || a.max_reject_rate_pct > Decimal::from(100) {
                return bad("automation.max_reject_rate_pct", PolicyProblem::Percent(a.max_reject_rate_pct));
            }
            if a.reject_window == 0 {
                return bad("automation.reject_window", PolicyProblem::BelowOne);
            }
            if a.max_feed_gap_bars == 0 {
                return bad("automation.max_feed_gap_bars", PolicyProblem::BelowOne);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn the_example_parses_and_micro_tightens() {
        let p = parse(EXAMPLE.as_bytes(), Path::new("p.toml")).unwrap();
        let c = &p.policy.corridors[0];
        assert_eq!(c.limits().max_order_notional, Decimal::from(600));
        assert!(!c.above_micro_live());
        let full = CorridorPolicy { stage: Stage::Full, ..c.clone() };
        assert!(full.above_micro_live());
        assert_eq!(p.fingerprint.len(), 64);
        let portfolio = p.policy.portfolio.clone().expect("the example sets [portfolio]");
        assert_eq!(portfolio.max_live_sessions, Some(2));
    }

    /// `[portfolio]` is optional; present, each field is checked and named in the error
    /// (`portfolio.FIELD`), and its bytes are part of the fingerprint like any other.
    #[test]
    fn the_portfolio_section_is_optional_and_checked_by_field() {
        let start = EXAMPLE.find("# Across every").unwrap();
        let end = EXAMPLE.find("[[corridor]]").unwrap();
        let without = format!("{}{}", &EXAMPLE[..start], &EXAMPLE[end..]);
        let p = parse(without.as_bytes(), Path::new("p.toml")).unwrap();
        assert_eq!(p.policy.portfolio, None);
        let with = parse(EXAMPLE.as_bytes(), Path::new("p.toml")).unwrap();
        assert_ne!(p.fingerprint, with.fingerprint);
        let only = without.replace("schema_version = 1", "schema_version = 1\n[portfolio]\nmax_live_sessions = 1");
        let p = parse(only.as_bytes(), Path::new("p.toml")).unwrap();
        assert_eq!(
            p.policy.portfolio,
            Some(PortfolioPolicy { max_live_sessions: Some(1), ..PortfolioPolicy::default() })
        );
        for (from, to, field) in [
            ("max_gross_exposure = \"5000\"", "max_gross_exposure = \"0\"", "max_gross_exposure"),
            ("daily_loss_limit = \"300\"", "daily_loss_limit = \"-5\"", "daily_loss_limit"),
            ("max_live_sessions = 2", "max_live_sessions = 0", "max_live_sessions"),
        ] {
            let e = parse(EXAMPLE.replace(from, to).as_bytes(), Path::new("p.toml")).unwrap_err();
            let Some(PolicyError::Field { field: named, at, .. }) = e.domain::<PolicyError>() else {
                panic!("{e:?}")
            };
            assert_eq!((*named, at.ends_with("portfolio")), (field, true), "{e}");
            assert!(e.to_string().contains(&format!("portfolio.{field}")), "{e}");
        }
        let e = parse(EXAMPLE.replace("max_live_sessions = 2", "max_sessions = 2").as_bytes(), Path::new("p.toml"))
            .unwrap_err();
        assert!(e.to_string().contains("max_sessions"), "unknown keys are refused by name: {e}");
    }

    #[test]
    fn take_profit_order_types_are_accepted() {
        let with_tp = EXAMPLE.replace(
            r#"order_types = ["market", "limit", "stop-market", "stop-limit"]"#,
            r#"order_types = ["limit", "take-profit-market", "take-profit-limit"]"#,
        );
        let p = parse(with_tp.as_bytes(), Path::new("p.toml")).unwrap();
        assert_eq!(
            p.policy.corridors[0].order_types,
            vec![OrderType::Limit, OrderType::TakeProfitMarket, OrderType::TakeProfitLimit]
        );
        let bad = EXAMPLE.replace(r#""stop-limit"]"#, r#""take-profit"]"#);
        assert!(parse(bad.as_bytes(), Path::new("p.toml")).is_err());
    }

    #[test]
    fn errors_name_the_field() {
        let bad = EXAMPLE.replace("max_open_orders = 4", "max_open_orders = 4\nmax_leverage = 3");
        let e = parse(bad.as_bytes(), Path::new("p.toml")).unwrap_err().to_string();
        assert!(e.contains("max_leverage"), "{e}");
        let bad = EXAMPLE.replace("max_order_notional = \"1000\"", "max_order_notional = \"-1\"");
        let e = parse(bad.as_bytes(), Path::new("p.toml")).unwrap_err().to_string();
        assert!(e.contains("max_order_notional") && e.contains("positive"), "{e}");
        let bad = EXAMPLE.replace("approval_ttl_secs = 30", "approval_ttl_secs = 0");
        assert!(parse(bad.as_bytes(), Path::new("p.toml"))
            .unwrap_err()
            .to_string()
            .contains("approval_ttl_secs"));
        // A dead-man timer the console's 10 s renewal could miss is refused, naming the field.
        for (secs, ok) in [(29, false), (30, true), (3_600, true), (3_601, false)] {
            let text = EXAMPLE.replace(
                "approval_ttl_secs = 30",
                &format!("approval_ttl_secs = 30\ndead_man_secs = {secs}"),
            );
            let r = parse(text.as_bytes(), Path::new("p.toml"));
            assert_eq!(r.is_ok(), ok, "{secs}");
            if let Err(e) = r {
                assert!(e.to_string().contains("dead_man_secs"), "{e}");
            }
        }
        // [corridor.automation]: each value out of its bounds is refused, naming it.
        for (line, field) in [
            ("max_grant_hours = 0", "automation.max_grant_hours"),
            ("max_grant_hours = 169", "automation.max_grant_hours"),
            ("max_grant_hours = 8\nmax_reject_rate_pct = \"0\"", "automation.max_reject_rate_pct"),
            ("max_grant_hours = 8\nreject_window = 0", "automation.reject_window"),
            ("max_grant_hours = 8\nmax_feed_gap_bars = 0", "automation.max_feed_gap_bars"),
        ] {
            let text = format!("{EXAMPLE}\n[corridor.automation]\n{line}\n");
            let e = parse(text.as_bytes(), Path::new("p.toml")).unwrap_err().to_string();
            assert!(e.contains(field), "{line}: {e}");
        }
        let ok = format!("{EXAMPLE}\n[corridor.automation]\nmax_grant_hours = 8\n");
        assert_eq!(parse(ok.as_bytes(), Path::new("p.toml")).unwrap().policy.corridors[0].automation.as_ref().unwrap().reject_window, 6);
    }
}
