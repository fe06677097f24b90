//! The persistent status bar: what is halted, what awaits approval, which corridors run under
//! automation, the most severe unacknowledged alert, counts by severity, jobs in progress, the
//! last message. Severity is a symbol and a word as well as a colour.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::engine::alerts::{summary, Severity};
use crate::tui::app::App;
use crate::tui::theme::Theme;
use crate::tui::widgets::fit;

pub fn symbol(s: Severity) -> &'static str {
    match s {
        Severity::Info => "·",
        Severity::Warning => "▲",
        Severity::Critical => "✖",
    }
}

pub fn style(t: &Theme, s: Severity) -> ratatui::style::Style {
    match s {
        Severity::Info => t.info,
        Severity::Warning => t.warning,
        Severity::Critical => t.critical,
    }
}

/// Braille spinner frame from the clock's second hand would redraw every second; a static
/// marker keeps an idle console silent on the wire.
const BUSY: &str = "◐";

pub fn draw(f: &mut Frame, area: Rect, app: &App, t: &Theme) {
    let (counts_by, worst) = summary(&app.shared.alerts);
    let mut spans = Vec::new();
    // A halt outranks any alert: nothing can be sent until it is lifted, so it leads.
    if let Some(h) = &app.shared.execution.halted {
        spans.push(Span::styled(" ■ HALTED ", t.critical));
        spans.push(Span::styled(format!(" {h} "), t.status_bar));
    }
    // Orders waiting for a keypress are the operator's next job: always in sight.
    if app.shared.execution.awaiting_approval > 0 {
        spans.push(Span::styled(
            format!(" ⧗ {} awaiting approval ", app.shared.execution.awaiting_approval),
            t.warning,
        ));
    }
    // Where orders may go out without a keypress: always in sight, on every tab.
    spans.extend(super::automation::spans(&app.shared.execution.automation, app.now_ms, t));
    // One message at a time: the operator's last action's outcome while it is fresh, else the
    // worst alert's text. Both are cut to the room left, with an ellipsis, never run into the
    // counts on the right.
    let mut message = None;
    match worst {
        Some(a) => {
            let s = a.alert.severity;
            spans.push(Span::styled(format!(" {} {} ", symbol(s), s.word()), style(t, s)));
            spans.push(Span::styled(format!(" {} ", a.alert.code), t.status_bar));
            message = Some((a.alert.message.clone(), t.status_bar));
        }
        None => spans.push(Span::styled(" ✔ no unacknowledged alerts ", t.ok)),
    }
    if let Some((is_err, m)) = &app.message {
        message = Some((m.clone(), if *is_err { t.negative } else { t.positive }));
    }
    let mut counts = vec![];
    for s in [Severity::Critical, Severity::Warning, Severity::Info] {
        let n = counts_by.get(&s).copied().unwrap_or(0);
        let st = if n > 0 { style(t, s) } else { t.dim };
        counts.push(Span::styled(format!(" {} {} {n} ", symbol(s), s.word()), st));
    }
    let counts = Line::from(counts);
    // The job in progress before the counts: its bar while it reports progress, else how long
    // it has run. It may take all but a few cells of the left's: it is what is happening now.
    let counts_w = (counts.width() as u16).min(area.width);
    let busy = busy(app, area.width.saturating_sub(counts_w + LEFT_KEPT), t);
    let busy_w = busy.as_ref().map_or(0, |b| b.cells).min(area.width - counts_w);
    let [left_area, busy_area, counts_area] = ratatui::layout::Layout::horizontal([
        ratatui::layout::Constraint::Min(0),
        ratatui::layout::Constraint::Length(busy_w),
        ratatui::layout::Constraint::Length(counts_w),
    ])
    .areas(area);
    if let Some((text, style)) = message {
        let used: usize = spans.iter().map(|s| s.width()).sum();
        let room = (left_area.width as usize).saturating_sub(used + 2);
        if room > 1 {
            spans.push(Span::styled(format!("{} ", cut(&text, room)), style));
        }
    }
    f.render_widget(Paragraph::new("").style(t.status_bar), area);
    f.render_widget(Paragraph::new(Line::from(spans)).style(t.status_bar), left_area);
    if let Some(b) = busy {
        let [head, bar] = ratatui::layout::Layout::horizontal([
            ratatui::layout::Constraint::Length(b.head.width() as u16),
            ratatui::layout::Constraint::Min(0),
        ])
        .areas(busy_area);
        f.render_widget(Paragraph::new(b.head), head);
        if let Some(p) = b.progress {
            super::progress::draw(f, bar, p, t);
        }
    }
    f.render_widget(Paragraph::new(counts.right_aligned()).style(t.status_bar), counts_area);
}

/// Cells the status bar keeps left of the job in progress, however long the job's text: the
/// worst alert's symbol, word and code, or ` ✔ no unacknowledged alerts ` whole.
const LEFT_KEPT: u16 = 28;

/// The bar of a job that reports progress takes this many cells, fewer on a narrow terminal.
const BAR: u16 = 12;
const BAR_MIN: u16 = 4;

/// The job in progress as the status bar shows it.
struct Busy<'a> {
    /// ` ◐ label` (and ` · Ns` when it reports no progress), in the accent style.
    head: Span<'static>,
    progress: Option<&'a crate::tui::jobs::Progress>,
    cells: u16,
}

/// The oldest announced job in at most `room` cells: what runs (the job, then its stage, cut at
/// a word), then the bar, its percentage and time left when it reports progress; how long it
/// has run when it does not.
fn busy<'a>(app: &'a App, room: u16, t: &Theme) -> Option<Busy<'a>> {
    let (_, label, progress) = app.jobs.first_announced()?;
    let more = if app.jobs.labels().len() > 1 { " …" } else { "" };
    let Some(p) = progress else {
        let secs = if app.busy_secs > 0 { format!(" · {}s", app.busy_secs) } else { String::new() };
        let text = fit::fit(&format!("{label}{more}{secs}"), (room as usize).saturating_sub(4));
        let head = Span::styled(format!(" {BUSY} {text} "), t.accent);
        let cells = head.width() as u16;
        return Some(Busy { head, progress: None, cells });
    };
    // The bar, its percentage and the time left come first: the bar takes what is left of the
    // room after them (a space before), from BAR_MIN to BAR cells.
    let fixed = super::progress::cells(p, 0) + 1;
    let bar = room.saturating_sub(fixed).clamp(BAR_MIN, BAR);
    let line = super::progress::cells(p, bar);
    // Then what runs, in ` ◐ TEXT `: the job and its stage, else the stage, cut between words,
    // or nothing (a narrow terminal: the bar says enough).
    let text_room = room.saturating_sub(line + 4) as usize;
    let what = &p.view.what;
    let cut = fit::fit(what, text_room);
    let text = [format!("{label}{more}: {what}"), format!("{what}{more}")]
        .into_iter()
        .find(|s| fit::width(s) <= text_room)
        .or_else(|| cut.ends_with(" …").then_some(cut));
    let head = match text {
        Some(text) => Span::styled(format!(" {BUSY} {text} "), t.accent),
        None => Span::raw(" "),
    };
    let cells = head.width() as u16 + line;
    Some(Busy { head, progress: Some(p), cells })
}

/// `text` in at most `room` columns: whole when it fits, else cut at the last space that leaves
/// something (or mid-word when there is none) and ended with an ellipsis.
fn cut(text: &str, room: usize) -> String {
    let width = |s: &str| Span::raw(s).width();
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if width(&text) <= room {
        return text;
    }
    // Width added a character at a time: the bar is drawn every frame.
    let (mut out, mut used) = (String::new(), 0);
    for c in text.chars() {
        let w = width(c.encode_utf8(&mut [0; 4]));
        if used + w + 1 > room {
            break;
        }
        out.push(c);
        used += w;
    }
    if let Some(i) = out.rfind(' ').filter(|&i| i >= room / 2) {
        out.truncate(i);
    }
    format!("{}…", out.trim_end())
}

#[cfg(test)]
mod tests {
    use super::cut;

    #[test]
    fn a_long_message_is_cut_at_a_word_with_an_ellipsis() {
        assert_eq!(cut("filled: signed order out", 40), "filled: signed order out");
        assert_eq!(
            cut("STALE_STREAM no message from ws://127.0.0.1:8790 for 12 s", 30),
            "STALE_STREAM no message from…"
        );
        assert_eq!(cut("ws://127.0.0.1:8790/averyverylongpath", 12), "ws://127.0.…");
        assert!(cut("x y z ".repeat(40).as_str(), 20).chars().count() <= 20);
    }
}
