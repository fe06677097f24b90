//! The order confirm dialog: exactly what will be sent (venue, account, symbol, side,
//! quantity, type, prices, notional, attached exits), the preflight result and the time left
//! before the intent expires. Only its confirm key approves; Esc or n cancels; a blocked
//! intent shows why and its confirm key sends nothing.

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
    ];
    // Attached exits are sent in the same request: the operator approves them here too.
    if let Some(x) = &i.exits {
        let legs: Vec<String> =
            x.legs().map(|(l, p)| format!("{} {p}", crate::engine::execution::exits::leg_name(l))).collect();
        lines.push(Line::styled(format!("exits {}, sent with it", legs.join(", ")), t.warning));
    }
    lines.push(Line::raw(""));
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

#[cfg(test)]
mod tests {
    use ratatui::backend::TestBackend;
    use ratatui::Terminal;

    use super::*;
    use crate::engine::corridor_api::PendingIntent;
    use crate::engine::execution::corridor::arming::ArmState;
    use crate::engine::execution::exits::AttachedExits;
    use crate::engine::execution::intent::IntentSpec;
    use crate::engine::execution::{CorridorId, IntentSource, OrderType, Side, TimeInForce, Venue};

    #[test]
    fn the_dialog_shows_the_exits_sent_with_the_entry() {
        let intent = IntentSpec {
            source: IntentSource::Operator,
            venue: Venue::Hyperliquid,
            account: "main".into(),
            symbol: "BTC".into(),
            side: Side::Buy,
            quantity: "0.01".parse().unwrap(),
            order_type: OrderType::Limit,
            limit_price: Some("60000".parse().unwrap()),
            trigger_price: None,
            time_in_force: TimeInForce::Gtc,
            reduce_only: false,
            ttl_ms: None,
            note: None,
            exits: Some(AttachedExits {
                take_profit: Some("63000".parse().unwrap()),
                stop_loss: Some("58500".parse().unwrap()),
            }),
        }
        .build(1_000)
        .unwrap();
        let d = OrderDialog {
            corridor: CorridorId::new(Venue::Hyperliquid, "main").unwrap(),
            state: ArmState::Armed,
            pending: PendingIntent { intent, digest: String::new(), preflight: None, blocked: None },
        };
        let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
        let theme = Theme::builtin("default").unwrap();
        term.draw(|f| draw(f, f.area(), &d, 2_000, &theme)).unwrap();
        let text: String = term.backend().buffer().content().iter().map(|c| c.symbol()).collect();
        assert!(text.contains("exits take-profit 63000, stop-loss 58500, sent with it"), "{text}");
        assert!(text.contains("APPROVE AND SEND"), "{text}");
    }
}
