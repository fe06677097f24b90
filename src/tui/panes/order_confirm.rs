//! The order confirm dialog: exactly what will be sent (venue, account, symbol, side,
//! quantity, type, prices, notional), the preflight result and the time left before the
//! intent expires. Only its confirm key approves; Esc or n cancels; a blocked intent shows
//! why and its confirm key sends nothing.

use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use ratatui::Frame;

use super::centered;
use crate::tui::corridors::{blocked, OrderDialog};
use crate::tui::theme::Theme;

pub fn draw(f: &mut Frame, area: Rect, d: &OrderDialog, now_ms: i64, t: &Theme) {
    let i = &d.pending.intent;
    let mark = d
        .pending
        .preflight
        .as_ref()
        .and_then(|p| p.context.as_ref())
        .and_then(|c| c.marks.get(&i.symbol))
        .map(|m| m.price);
    let px = i.limit_price.or(mark);
    let notional =
        px.map(|p| (p * i.quantity).round_dp(2).to_string()).unwrap_or_else(|| "unknown (no mark)".into());
    let left = (i.expires_ms - now_ms).max(0) / 1000;
    let mut lines = vec![
        Line::styled(
            format!("{}  account {}", d.corridor.venue.name().to_uppercase(), d.corridor.account),
            t.header,
        ),
        Line::raw(""),
        Line::raw(format!(
            "{} {} {}  {}",
            i.side.name().to_uppercase(),
            i.quantity,
            i.symbol,
            i.order_type.name()
        )),
        Line::raw(format!(
            "limit {}   trigger {}   tif {:?}{}",
            i.limit_price.map_or("-".into(), |p| p.to_string()),
            i.trigger_price.map_or("-".into(), |p| p.to_string()),
            i.time_in_force,
            if i.reduce_only { "   reduce-only" } else { "" }
        )),
        Line::raw(format!("notional {notional}   client id {}", i.client_order_id)),
        Line::raw(""),
    ];
    match &d.pending.preflight {
        Some(pf) if pf.passed() => {
            lines.push(Line::styled(format!("preflight: all {} rules pass", pf.checks.len()), t.ok))
        }
        Some(pf) => lines.push(Line::styled(format!("preflight FAILED: {}", pf.reasons()), t.critical)),
        None => lines.push(Line::styled("preflight: not run", t.warning)),
    }
    lines.push(Line::styled(format!("expires in {left} s"), if left < 10 { t.warning } else { t.dim }));
    lines.push(Line::raw(""));
    let style = match blocked(d, now_ms) {
        Some(why) => {
            lines.push(Line::styled(format!("cannot be approved: {why}"), t.critical));
            lines.push(Line::raw("n / Esc  close"));
            t.warning
        }
        None => {
            lines.push(Line::styled("y  APPROVE AND SEND      n / Esc  cancel", t.critical));
            t.critical
        }
    };
    let r = centered(area, 72, lines.len() as u16 + 2);
    f.render_widget(Clear, r);
    let block = Block::bordered().title(Line::styled(" Send this order? ", style)).border_style(style);
    f.render_widget(Paragraph::new(lines).style(t.base).wrap(Wrap { trim: true }).block(block), r);
}
