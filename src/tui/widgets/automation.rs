//! The status bar's automation segment: every live grant's corridor, today's orders left and the
//! time to its expiry, e.g. `AUTO kraken/main 2/3 left, 1h12m`, so an operator on any tab sees
//! where orders may go out without a keypress. A fixed part of the bar like the counts (never
//! cut for a message); nothing when no grant is live, `AUTO unknown` when the grants could not
//! be read. Drawn from the poll's cache and the app's clock: no file is read per frame.

use ratatui::text::Span;

use crate::tui::jobs::LiveGrant;
use crate::tui::theme::Theme;

/// The segment's spans for `automation` as last polled, counted down from `now_ms`.
pub fn spans(automation: &Result<Vec<LiveGrant>, String>, now_ms: i64, t: &Theme) -> Vec<Span<'static>> {
    let grants = match automation {
        Ok(g) if g.is_empty() => return Vec::new(),
        Ok(g) => g,
        // Whether anything runs under automation is not known: say so, never nothing.
        Err(_) => return vec![Span::styled(" AUTO unknown ", t.warning)],
    };
    // One entry a grant: two live grants on one corridor each have their own budget and expiry.
    let each: Vec<String> = grants
        .iter()
        .map(|g| {
            format!(
                "{} {}/{} left, {}",
                g.corridor,
                g.orders_left_today,
                g.max_orders_per_day,
                left(g.expires_ms - now_ms)
            )
        })
        .collect();
    vec![Span::styled(format!(" AUTO {} ", each.join(" · ")), t.accent)]
}

/// Time left, coarse enough to stay put between polls: `7h59m`, `42m`, `<1m`, `expired` (a
/// grant the last poll found live that has run out since: the next poll drops it).
pub fn left(ms: i64) -> String {
    let minutes = ms / 60_000;
    match ms {
        ..=0 => "expired".to_string(),
        _ if minutes == 0 => "<1m".to_string(),
        _ if minutes < 60 => format!("{minutes}m"),
        _ => format!("{}h{:02}m", minutes / 60, minutes % 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::execution::{CorridorId, Venue};

    fn grant(left_today: u32, expires_ms: i64) -> LiveGrant {
        LiveGrant {
            corridor: CorridorId::new(Venue::Kraken, "main").unwrap(),
            orders_left_today: left_today,
            max_orders_per_day: 3,
            expires_ms,
        }
    }

    fn text(spans: &[Span]) -> String {
        spans.iter().map(|s| s.content.to_string()).collect()
    }

    #[test]
    fn each_live_grant_with_its_budget_and_time_left_and_nothing_when_none() {
        let t = Theme::builtin("default").unwrap();
        let hour = 3_600_000;
        assert!(spans(&Ok(Vec::new()), 0, &t).is_empty());
        assert_eq!(
            text(&spans(&Ok(vec![grant(2, hour + 12 * 60_000)]), 0, &t)),
            " AUTO kraken/main 2/3 left, 1h12m "
        );
        let two = spans(&Ok(vec![grant(2, hour), grant(0, 30_000)]), 0, &t);
        assert_eq!(text(&two), " AUTO kraken/main 2/3 left, 1h00m · kraken/main 0/3 left, <1m ");
        assert_eq!(text(&spans(&Err("busy".into()), 0, &t)), " AUTO unknown ");
        assert_eq!(
            (left(59 * 60_000 + 59_999), left(0), left(-5)),
            ("59m".into(), "expired".into(), "expired".into())
        );
    }
}
