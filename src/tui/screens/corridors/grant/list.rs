//! The selected corridor's grants, as the Corridors tab draws them under its venue view: each
//! with its state (live, expired, revoked and why, untrusted and why), its limits, today's
//! automated orders against the day's budget and its expiry. Live ones first, then the most
//! recent others; grants that could not be read are unknown, never none.

use ratatui::text::{Line, Span};

use crate::engine::automation::{GrantState, GrantView};
use crate::engine::execution::CorridorId;
use crate::engine::time::fmt_ms;
use crate::tui::theme::Theme;
use crate::tui::widgets::automation::left;

/// Grants no longer live still shown, so a revocation's reason stays in sight.
const ENDED_SHOWN: usize = 2;

/// The corridor's grants: live first, then the ended ones, newest first.
pub fn of<'a>(all: &'a [GrantView], corridor: &CorridorId) -> Vec<&'a GrantView> {
    let mut mine: Vec<&GrantView> = all.iter().filter(|v| v.grant.corridor == *corridor).collect();
    mine.sort_by_key(|v| (v.state != GrantState::Live, std::cmp::Reverse(v.grant.created_ms)));
    mine
}

/// The section's lines. `grants`: as last read (None: not read yet); `now_ms`: the app's clock.
pub fn lines(
    grants: Option<&Result<Vec<GrantView>, String>>,
    corridor: &CorridorId,
    now_ms: i64,
    t: &Theme,
) -> Vec<Line<'static>> {
    let all = match grants {
        None => return vec![Line::styled("automation: reading the grants…", t.dim)],
        Some(Err(why)) => return vec![Line::styled(format!("automation unknown: {why}"), t.critical)],
        Some(Ok(all)) => all,
    };
    let mine = of(all, corridor);
    let live = mine.iter().filter(|v| v.state == GrantState::Live).count();
    let keys = if live > 0 { "A grant · x revoke" } else { "A grant" };
    let mut out = vec![Line::styled(format!("automation ({live} live)  {keys}"), t.header)];
    let ended = mine.iter().filter(|v| v.state != GrantState::Live).take(ENDED_SHOWN).count();
    for v in mine.iter().take(live + ended) {
        out.extend(grant(v, now_ms, t));
    }
    out
}

fn grant(v: &GrantView, now_ms: i64, t: &Theme) -> Vec<Line<'static>> {
    let g = &v.grant;
    let (mark, style, why) = match &v.state {
        GrantState::Live => ("● LIVE", t.accent, None),
        GrantState::Expired => ("○ expired", t.dim, None),
        GrantState::Revoked { reason, .. } => ("○ revoked", t.dim, Some(reason.clone())),
        GrantState::Untrusted { why } => ("✖ UNTRUSTED", t.critical, Some(why.clone())),
    };
    let when = match v.state {
        GrantState::Live => {
            format!("expires {} ({} left)", fmt_ms(g.expires_ms), left(g.expires_ms - now_ms))
        }
        _ => format!("expiry was {}", fmt_ms(g.expires_ms)),
    };
    let mut out = vec![
        Line::from(vec![
            Span::styled(format!("  {mark} "), style),
            Span::styled(format!("{} ", g.id), t.base),
            Span::styled(format!("{} ", g.candidate), t.dim),
        ]),
        Line::styled(
            format!("      orders today {}/{}  {when}", v.orders_today, g.limits.max_orders_per_day),
            t.base,
        ),
        Line::styled(format!("      {}", g.limits_line()), t.dim),
    ];
    if let Some(why) = why {
        out.push(Line::styled(format!("      {why}"), style));
    }
    out
}
