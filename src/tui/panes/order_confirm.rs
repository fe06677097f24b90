//! The order confirm dialog, drawn: exactly what will be sent (venue, account, symbol, side,
//! quantity, type, prices, notional, attached exits), the preflight result and the time left
//! before the intent expires. The keys it names are the keymap's. Its state and key handler,
//! the gate between a keypress and a live order, are the engine's ([`OrderGate`]): the console
//! only maps a key through its keymap ([`gate_action`]) and draws.

use std::time::Instant;

use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use ratatui::Frame;

use super::centered;
use crate::engine::gate::{GateAction, TerminalKey};
pub use crate::engine::gate::{GateOutcome, OrderGate as OrderDialog, DWELL};
use crate::tui::keymap::{Action, Context, KeyChord, Keymap};
use crate::tui::theme::Theme;

/// What the keymap makes of `key` in the dialog.
pub fn gate_action(keymap: &Keymap, key: &TerminalKey) -> Option<GateAction> {
    match keymap.action(Context::Confirm, key.event()) {
        Some(Action::Confirm) => Some(GateAction::Confirm),
        Some(Action::Deny | Action::Back | Action::Cancel) => Some(GateAction::Deny),
        _ => None,
    }
}

/// The dialog's key: mapped through the keymap, judged by the gate.
pub fn key(
    d: &mut OrderDialog,
    key: &TerminalKey,
    keymap: &Keymap,
    now: Instant,
    now_ms: i64,
    operator: &str,
) -> GateOutcome {
    d.key(key, gate_action(keymap, key), now, now_ms, operator)
}

/// "n / Esc / ^c": the keys the keymap gives `action` in a confirm dialog.
fn keys(keymap: &Keymap, action: Action) -> String {
    let k: Vec<String> = keymap.keys_for(Context::Confirm, action).iter().map(KeyChord::label).collect();
    k.join(" / ")
}

pub fn draw(f: &mut Frame, area: Rect, d: &OrderDialog, now_ms: i64, keymap: &Keymap, t: &Theme) {
    let i = d.pending().intent();
    let mark = d
        .pending()
        .preflight()
        .and_then(|p| p.context.as_ref())
        .and_then(|c| c.marks.get(&i.symbol))
        .map(|m| m.price);
    let px = i.limit_price.or(mark);
    let notional =
        px.map(|p| (p * i.quantity).round_dp(2).to_string()).unwrap_or_else(|| "unknown (no mark)".into());
    let left = (i.expires_ms - now_ms).max(0) / 1000;
    let mut lines = vec![
        Line::styled(
            format!("{}  account {}", d.corridor().venue.name().to_uppercase(), d.corridor().account),
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
    // A live session's intent says which strategy, which bar and why.
    if let Some(o) = crate::engine::live::IntentOrigin::of(i.note.as_deref()) {
        lines.push(Line::styled(o.line(), t.accent));
    }
    // Attached exits are sent in the same request: the operator approves them here too.
    if let Some(x) = &i.exits {
        let legs: Vec<String> =
            x.legs().map(|(l, p)| format!("{} {p}", crate::engine::execution::leg_name(l))).collect();
        lines.push(Line::styled(format!("exits {}, sent with it", legs.join(", ")), t.warning));
    }
    lines.push(Line::raw(""));
    match d.pending().preflight() {
        Some(pf) if pf.passed() => {
            lines.push(Line::styled(format!("preflight: all {} rules pass", pf.checks.len()), t.ok))
        }
        Some(pf) => lines.push(Line::styled(format!("preflight FAILED: {}", pf.reasons()), t.critical)),
        None => lines.push(Line::styled("preflight: not run", t.warning)),
    }
    lines.push(Line::styled(format!("expires in {left} s"), if left < 10 { t.warning } else { t.dim }));
    lines.push(Line::raw(""));
    let deny = keys(keymap, Action::Deny);
    let style = match d.blocked(now_ms) {
        Some(why) => {
            lines.push(Line::styled(format!("cannot be approved: {why}"), t.critical));
            lines.push(Line::raw(format!("{deny}  close")));
            t.warning
        }
        None => {
            let confirm = keys(keymap, Action::Confirm);
            lines.push(Line::styled(format!("{confirm}  APPROVE AND SEND      {deny}  cancel"), t.critical));
            lines.push(Line::styled(
                format!("keys typed in its first {} ms are ignored", DWELL.as_millis()),
                t.dim,
            ));
            t.critical
        }
    };
    // Tall enough for every line as wrapped (a live session's origin line often takes two or
    // three), so the approve line at the bottom is never cut off.
    let inner = usize::from(area.width.min(72).saturating_sub(2)).max(1);
    let rows: usize = lines.iter().map(|l| wrapped_rows(&l.to_string(), inner)).sum();
    let r = centered(area, 72, rows as u16 + 2);
    f.render_widget(Clear, r);
    let block = Block::bordered().title(Line::styled(" Send this order? ", style)).border_style(style);
    f.render_widget(Paragraph::new(lines).style(t.base).wrap(Wrap { trim: true }).block(block), r);
}

/// Rows `text` takes wrapped at word boundaries into `width` columns (a word longer than a
/// row is cut), as the dialog's paragraph wraps it; at least one.
fn wrapped_rows(text: &str, width: usize) -> usize {
    let (mut rows, mut used) = (1usize, 0usize);
    for word in text.split_whitespace().map(|w| w.chars().count()) {
        if used > 0 && used + 1 + word <= width {
            used += 1 + word;
            continue;
        }
        if used > 0 {
            rows += 1;
        }
        used = word;
        while used > width {
            rows += 1;
            used -= width;
        }
    }
    rows
}

/// Who is at the keyboard, for the approval record.
pub fn operator() -> String {
    std::env::var("QUANTLAB_OPERATOR")
        .or_else(|_| std::env::var("USER"))
        .unwrap_or_else(|_| "operator".into())
}

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyCode, KeyEventState, KeyModifiers};
    use ratatui::backend::TestBackend;
    use ratatui::Terminal;

    use super::*;
    use crate::engine::execution::ArmState;
    use crate::engine::execution::AttachedExits;
    use crate::engine::execution::CorridorId;
    use crate::engine::execution::IntentSpec;
    use crate::engine::execution::{IntentSource, OrderType, Side, TimeInForce, Venue};
    use crate::engine::gate::PendingIntent;
    use crossterm::event::{KeyEvent, KeyEventKind};
    use std::time::Duration;

    #[test]
    fn rows_count_lines_as_they_wrap() {
        assert_eq!(wrapped_rows("", 10), 1);
        assert_eq!(wrapped_rows("abc def", 10), 1);
        assert_eq!(wrapped_rows("abcde fghij", 10), 2, "the space does not fit");
        assert_eq!(wrapped_rows("abcdefghijklmnopqrstuv", 10), 3, "a long word is cut");
        let origin = "from live session live_donchian_breakout_xbtusd_20261206T052730, bar \
                      2026-12-06T05:27:36Z: donchian_breakout 3: target 0 -> 1 at 2026-12-06T05:27:36Z";
        assert_eq!(wrapped_rows(origin, 70), 3);
    }

    fn dialog(exits: Option<AttachedExits>) -> OrderDialog {
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
            exits,
        }
        .build(1_000)
        .unwrap();
        OrderDialog::open(
            CorridorId::new(Venue::Hyperliquid, "main").unwrap(),
            ArmState::Armed,
            PendingIntent::for_tests(intent, "digest", None),
        )
    }

    fn screen(d: &OrderDialog, keymap: &Keymap) -> String {
        let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
        let theme = Theme::builtin("default").unwrap();
        term.draw(|f| draw(f, f.area(), d, 2_000, keymap, &theme)).unwrap();
        term.backend().buffer().content().iter().map(|c| c.symbol()).collect()
    }

    fn y(kind: KeyEventKind) -> TerminalKey {
        TerminalKey::synthetic(KeyEvent::new_with_kind_and_state(
            KeyCode::Char('y'),
            KeyModifiers::NONE,
            kind,
            KeyEventState::NONE,
        ))
    }

    #[test]
    fn the_dialog_shows_the_exits_sent_with_the_entry() {
        let d = dialog(Some(AttachedExits {
            take_profit: Some("63000".parse().unwrap()),
            stop_loss: Some("58500".parse().unwrap()),
        }));
        let text = screen(&d, &Keymap::defaults());
        assert!(text.contains("exits take-profit 63000, stop-loss 58500, sent with it"), "{text}");
        assert!(text.contains("y  APPROVE AND SEND      n / Esc / ^c  cancel"), "{text}");
        assert!(text.contains("keys typed in its first 250 ms are ignored"), "{text}");
    }

    /// Nothing confirms before the dialog was drawn, within the dwell after, or on a repeat;
    /// the confirm key's press after the dwell does, once; the witness carries what was shown.
    #[test]
    fn only_a_press_after_the_dwell_confirms_and_only_once() {
        let km = Keymap::defaults();
        let mut d = dialog(None);
        let t0 = Instant::now();
        let press = y(KeyEventKind::Press);
        assert!(
            matches!(key(&mut d, &press, &km, t0 + DWELL * 4, 2_000, "op"), GateOutcome::Ignored),
            "not drawn yet"
        );
        d.shown(t0);
        d.shown(t0 + DWELL); // later frames do not restart the dwell
        for at in [t0, t0 + DWELL / 2, t0 + DWELL - Duration::from_millis(1)] {
            assert!(
                matches!(key(&mut d, &press, &km, at, 2_000, "op"), GateOutcome::Ignored),
                "inside the dwell"
            );
        }
        let esc = TerminalKey::synthetic(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
        assert!(
            matches!(key(&mut d, &esc, &km, t0, 2_000, "op"), GateOutcome::Ignored),
            "every key waits the dwell"
        );
        let after = t0 + DWELL;
        for kind in [KeyEventKind::Repeat, KeyEventKind::Release] {
            assert!(
                matches!(key(&mut d, &y(kind), &km, after, 2_000, "op"), GateOutcome::Ignored),
                "{kind:?}"
            );
        }
        match key(&mut d, &press, &km, after, 2_000, "op") {
            GateOutcome::Confirmed(c) => {
                assert_eq!(c.intent_id(), d.pending().intent().id);
                assert_eq!(c.corridor(), d.corridor());
                assert_eq!(
                    c.origin(),
                    crate::engine::gate::Origin::Synthetic,
                    "a key no terminal delivered is marked so"
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(key(&mut d, &press, &km, after, 2_000, "op"), GateOutcome::Ignored), "one approval");
    }

    /// A dialog drawn at `t0`, and the confirm key pressed on it at `at` (wall time `now_ms`):
    /// why it was refused.
    fn refused_at(d: &mut OrderDialog, t0: Instant, at: Instant, now_ms: i64) -> String {
        d.shown(t0);
        match key(d, &y(KeyEventKind::Press), &Keymap::defaults(), at, now_ms, "op") {
            GateOutcome::Refused(why) => why,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_confirm_key_on_an_expired_intent_is_refused() {
        let mut d = dialog(None);
        let t0 = Instant::now();
        let expired = d.pending().intent().expires_ms;
        let why = refused_at(&mut d, t0, t0 + DWELL, expired);
        assert!(why.contains("expired"), "{why}");
    }

    /// Attack: an intent that left the corridor while its dialog was open (superseded by a
    /// live session's next one, cancelled elsewhere) is shown as such and its confirm key
    /// refused, however long the dialog has been up.
    #[test]
    fn a_withdrawn_intent_is_shown_and_its_confirm_key_refused() {
        let mut d = dialog(None);
        d.withdraw("no longer waiting on hyperliquid/main");
        d.withdraw("a later reason does not replace the first");
        let text = screen(&d, &Keymap::defaults());
        assert!(text.contains("cannot be approved: no longer waiting on hyperliquid/main"), "{text}");
        assert!(!text.contains("APPROVE AND SEND"), "{text}");
        let t0 = Instant::now();
        let why = refused_at(&mut d, t0, t0 + DWELL * 4, 2_000);
        assert!(why.contains("no longer waiting"), "{why}");
    }
}
