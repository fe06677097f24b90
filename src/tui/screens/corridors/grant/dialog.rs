//! The grant dialog, drawn: every limit of the grant the form asked for, when it would expire,
//! what the engine found wrong with it, and the corridor's name as typed so far. Its state and
//! key handler, the gate between keys and a grant, are the engine's ([`GrantGate`]): the console
//! says which keys are Enter, Escape and Backspace (the Promotion dialog's, `promotion_action`)
//! and draws, as it does for the Promotion dialog.

use std::time::Instant;

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use crate::engine::gate::{GrantGate, GrantOutcome, TerminalKey, DWELL};
use crate::engine::time::fmt_ms;
use crate::tui::panes::popup;
use crate::tui::panes::promotion_confirm::promotion_action;
use crate::tui::theme::Theme;

/// The dialog's key: its action said, judged by the gate.
pub fn key(g: &mut GrantGate, key: &TerminalKey, now: Instant, operator: &str) -> GrantOutcome {
    g.key(key, promotion_action(key), now, operator)
}

fn row<'a>(label: &str, value: String, t: &Theme) -> Line<'a> {
    Line::from(vec![Span::styled(format!("{label:<24}"), t.dim), Span::styled(value, t.base)])
}

/// `refused`: why the last Enter made no grant, if it did not. `now_ms`: the app's clock, for
/// the expiry the grant would have if made now.
pub fn draw(f: &mut Frame, area: Rect, g: &GrantGate, refused: Option<&str>, now_ms: i64, t: &Theme) {
    let target = g.target();
    let l = &target.limits;
    let types: Vec<&str> = l.order_types.iter().map(|t| t.name()).collect();
    let expires =
        now_ms.saturating_add(i64::try_from(target.hours).unwrap_or(i64::MAX / 4).saturating_mul(3_600_000));
    let mut lines = vec![
        Line::styled(format!("{} on {}", target.candidate, target.corridor), t.header),
        Line::raw(""),
        row("symbols", l.symbols.join(", "), t),
        row("order types", types.join(", "), t),
        row("max notional per order", l.max_order_notional.to_string(), t),
        row("orders per day", l.max_orders_per_day.to_string(), t),
        row("daily loss limit", l.daily_loss_limit.to_string(), t),
        row("max drawdown", l.max_drawdown.to_string(), t),
        row("expires", format!("{} hours after it is made, about {}", target.hours, fmt_ms(expires)), t),
        Line::raw(""),
        Line::styled(
            "Inside every limit, its live sessions' intents are approved without a keypress, each \
             signed by the grant's own key and journaled; outside any, they wait for the keypress. \
             A kill, a halt, a mismatch, a failed audit, a demotion or another policy revokes it.",
            t.base,
        ),
        Line::raw(""),
    ];
    let blocked = !g.problems().is_empty();
    for p in g.problems() {
        lines.push(Line::styled(format!("✖ {p}"), t.critical));
    }
    if blocked {
        lines.push(Line::styled("cannot be granted: Enter refuses with the first problem", t.critical));
    }
    lines.push(Line::from(vec![
        Span::styled(format!("type the corridor's name, {}: ", target.corridor), t.base),
        Span::styled(format!("{}_", g.typed()), t.accent),
    ]));
    if let Some(why) = refused {
        lines.push(Line::styled(format!("no grant: {why}"), t.critical));
    }
    lines.push(Line::styled("Enter  GRANT (signed and journaled)      Esc  cancel", t.critical));
    lines.push(Line::styled(
        format!("keys typed in its first {} ms and pastes are ignored", DWELL.as_millis()),
        t.dim,
    ));
    let style = if blocked { t.warning } else { t.critical };
    popup::draw(f, area, lines, Line::styled(" Grant automation? ", style), style, 100, t);
}
