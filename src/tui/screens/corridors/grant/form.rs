//! The grant form: the console's one [`Form`] with the grant's candidate and limits, prefilled
//! from the [`GrantSeed`] where the corridor says what they are (the candidate promoted there,
//! its allowlist, market orders), and drawn over the Corridors tab with what the policy allows
//! beside it. Submitting turns it into a [`GrantTarget`]; a value that is not a number or a list
//! is refused here, naming its field, and everything else is the engine's to judge (the dialog
//! shows its problems).

use std::str::FromStr;

use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::Frame;
use rust_decimal::Decimal;

use super::seed::GrantSeed;
use crate::engine::automation::{GrantLimits, GrantTarget};
use crate::engine::execution::OrderType;
use crate::tui::panes::popup;
use crate::tui::theme::Theme;
use crate::tui::widgets::form::{Field, Form, Look};

#[derive(Debug, Clone)]
pub struct GrantForm {
    pub seed: GrantSeed,
    pub form: Form,
    /// Why the last submit, or the engine at the key, made no grant.
    pub refused: Option<String>,
}

impl GrantForm {
    pub fn new(seed: GrantSeed) -> GrantForm {
        let fields = vec![
            Field::text("candidate", "candidate", seed.candidate.as_deref().unwrap_or("")),
            Field::text("symbols", "symbols", &seed.symbols.join(",")),
            Field::text("order_types", "order types", OrderType::Market.name()),
            // The limits are left blank: each is the operator's own choice, typed.
            Field::text("max_order_notional", "max notional/order", ""),
            Field::text("max_orders_per_day", "orders per day", ""),
            Field::text("daily_loss_limit", "daily loss limit", ""),
            Field::text("max_drawdown", "max drawdown", ""),
            Field::text("hours", "hours", ""),
        ];
        GrantForm { seed, form: Form::new(fields, Form::any), refused: None }
    }

    /// The grant the form asks for, or why it cannot say (the first field that does not read).
    pub fn target(&self) -> Result<GrantTarget, String> {
        let f = &self.form;
        let candidate = f.get("candidate");
        if candidate.is_empty() {
            return Err("candidate: type the candidate to automate".into());
        }
        let list = |key: &str| -> Vec<String> {
            f.get(key).split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect()
        };
        let order_types = list("order_types")
            .iter()
            .map(|t| OrderType::parse(t).map_err(|_| format!("order types: '{t}' is not an order type")))
            .collect::<Result<Vec<_>, _>>()?;
        let decimal = |key: &str, label: &str| {
            Decimal::from_str(f.get(key))
                .map_err(|_| format!("{label}: a number is needed, got '{}'", f.get(key)))
        };
        let whole = |key: &str, label: &str| {
            f.get(key)
                .parse::<u64>()
                .map_err(|_| format!("{label}: a whole number is needed, got '{}'", f.get(key)))
        };
        let per_day = whole("max_orders_per_day", "orders per day")?;
        Ok(GrantTarget {
            corridor: self.seed.corridor.clone(),
            candidate: candidate.to_string(),
            limits: GrantLimits {
                symbols: list("symbols"),
                order_types,
                max_order_notional: decimal("max_order_notional", "max notional/order")?,
                max_orders_per_day: u32::try_from(per_day)
                    .map_err(|_| "orders per day: too many".to_string())?,
                daily_loss_limit: decimal("daily_loss_limit", "daily loss limit")?,
                max_drawdown: decimal("max_drawdown", "max drawdown")?,
            },
            hours: whole("hours", "hours")?,
        })
    }
}

/// What the corridor's policy allows a grant, in one line (or why that is unknown).
fn ceiling_line(seed: &GrantSeed, t: &Theme) -> Line<'static> {
    match &seed.ceiling {
        Err(why) => Line::styled(format!("policy unknown: {why}"), t.critical),
        Ok(c) => match c.max_grant_hours {
            None => Line::styled(
                format!("{}'s policy allows no automation (no [corridor.automation])", seed.corridor),
                t.critical,
            ),
            Some(h) => Line::styled(
                format!(
                    "the policy allows at most {} per order, a daily loss of {}, {h} hours; symbols {}",
                    c.max_order_notional,
                    c.daily_loss_limit,
                    if seed.symbols.is_empty() { "none".to_string() } else { seed.symbols.join(",") },
                ),
                t.dim,
            ),
        },
    }
}

pub fn draw(f: &mut Frame, area: Rect, g: &GrantForm, t: &Theme) {
    let look = Look { marker: "▸ ", label_width: 20 };
    let mut lines = g.form.lines(true, 0, g.form.fields.len(), look, &|_| None, t);
    lines.push(Line::raw(""));
    lines.push(Line::styled(format!("candidate: {}", g.seed.candidate_note), t.dim));
    lines.push(ceiling_line(&g.seed, t));
    if let Some(why) = &g.refused {
        lines.push(Line::styled(format!("no grant: {why}"), t.critical));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("Enter  review in the dialog      Tab/↑/↓  field      Esc  cancel", t.dim));
    let title = Line::styled(format!(" Grant automation on {} ", g.seed.corridor), t.title);
    popup::draw(f, area, lines, title, t.border_focus, 100, t);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::execution::{CorridorId, Venue};

    fn seed() -> GrantSeed {
        GrantSeed {
            corridor: CorridorId::new(Venue::Fake, "main").unwrap(),
            candidate: Some("cand_a".into()),
            candidate_note: String::new(),
            symbols: vec!["BTC/USD".into(), "ETH/USD".into()],
            ceiling: Err("not read".into()),
        }
    }

    #[test]
    fn prefilled_then_read_into_a_target_or_refused_naming_the_field() {
        let mut g = GrantForm::new(seed());
        assert_eq!((g.form.get("symbols"), g.form.get("order_types")), ("BTC/USD,ETH/USD", "market"));
        let e = g.target().unwrap_err();
        assert!(e.starts_with("orders per day"), "{e}");
        for (k, v) in [
            ("max_order_notional", "500"),
            ("max_orders_per_day", "3"),
            ("daily_loss_limit", "100"),
            ("max_drawdown", "200.5"),
            ("hours", "8"),
            ("symbols", " BTC/USD , "),
        ] {
            g.form.set(k, v.into());
        }
        let t = g.target().unwrap();
        assert_eq!((t.candidate.as_str(), t.hours, t.limits.max_orders_per_day), ("cand_a", 8, 3));
        assert_eq!(
            (t.limits.symbols.clone(), t.limits.order_types.clone()),
            (vec!["BTC/USD".to_string()], vec![OrderType::Market])
        );
        assert_eq!(t.limits.max_drawdown, Decimal::from_str("200.5").unwrap());
        g.form.set("order_types", "market,iceberg".into());
        assert!(g.target().unwrap_err().contains("'iceberg'"));
        g.form.set("order_types", "market".into());
        g.form.set("max_order_notional", "lots".into());
        assert!(g.target().unwrap_err().starts_with("max notional/order"));
        g.form.set("candidate", " ".into());
        assert!(g.target().unwrap_err().starts_with("candidate"));
    }
}
