//! The dialogs drawn over every screen (a question, the order confirm, the Promotion dialog),
//! the frame they share ([`popup`]), and the formatting helpers the screens share.

pub mod confirm;
pub mod order_confirm;
pub mod popup;
pub mod promotion_confirm;

use ratatui::layout::Rect;

/// `pct(0.1234)` -> `12.34%`; missing -> `-`.
pub fn pct(v: Option<f64>) -> String {
    v.map_or("-".into(), |x| format!("{:.2}%", x * 100.0))
}

pub fn num(v: Option<f64>, decimals: usize) -> String {
    v.map_or("-".into(), |x| format!("{x:.decimals$}"))
}

/// A rectangle of `w` x `h` centred in `r` (clamped to it).
pub fn centered(r: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(r.width);
    let h = h.min(r.height);
    Rect { x: r.x + (r.width - w) / 2, y: r.y + (r.height - h) / 2, width: w, height: h }
}
