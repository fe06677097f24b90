//! Key bindings as data (after yazi): one table drives dispatch, the footer and the help overlay,
//! so what the screen says a key does is always what it does.
//!
//! Operators may override bindings with a TOML file (see `docs/keymap.md`):
//!
//! ```toml
//! [[bind]]
//! context = "runs"        # global, runs, run_detail, compare, sweeps, sweep_detail, alerts,
//!                         # pretrade, pretrade_form, paper, paper_detail, signals,
//!                         # signal_detail, corridors, live, promotion, incidents,
//!                         # incident, form, filter, confirm, help
//! keys = ["o", "enter"]   # see KeyChord::parse; [] unbinds the action in that context
//! action = "open"         # snake_case Action name
//! desc = "open run"       # optional; defaults to the built-in description
//! ```
//!
//! An entry replaces every default binding of the same context and action; its keys are taken
//! away from any other default binding of that context, so no key is ever bound twice.

use std::collections::HashSet;
use std::path::Path;

use crossterm::event::{KeyCode, KeyEvent};
use serde::de::value::{Error as ValueError, StrDeserializer};
use serde::Deserialize;

/// Where a key is interpreted. The first matching binding in the most specific context wins;
/// Global applies everywhere except Form, Filter and Confirm (which capture text / y-n).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[rustfmt::skip]
pub enum Context {
    Global, Runs, RunDetail, Compare, Sweeps, SweepDetail, Alerts, Pretrade, PretradeForm, Paper,
    PaperDetail, Signals, SignalDetail, Corridors, Live, Promotion, Incidents, Incident, Form,
    Filter, Confirm, Help,
}

impl Context {
    /// Every context, in help-overlay order.
    #[rustfmt::skip]
    pub const ALL: [Context; 22] = [
        Context::Global, Context::Runs, Context::RunDetail, Context::Compare, Context::Sweeps,
        Context::SweepDetail, Context::Alerts, Context::Pretrade, Context::PretradeForm, Context::Paper,
        Context::PaperDetail, Context::Signals, Context::SignalDetail, Context::Corridors, Context::Live,
        Context::Promotion, Context::Incidents, Context::Incident, Context::Form, Context::Filter,
        Context::Confirm, Context::Help,
    ];

    /// Config-file spelling, e.g. `run_detail`.
    pub fn name(self) -> String {
        serde_name(self)
    }

    /// Heading in the help overlay.
    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Global",
            Context::Runs => "Runs",
            Context::RunDetail => "Run detail",
            Context::Compare => "Compare",
            Context::Sweeps => "Sweeps",
            Context::SweepDetail => "Sweep detail",
            Context::Alerts => "Alerts",
            Context::Pretrade => "Pre-trade",
            Context::PretradeForm => "Pre-trade form",
            Context::Paper => "Paper",
            Context::PaperDetail => "Paper session",
            Context::Signals => "Signals",
            Context::SignalDetail => "Signal",
            Context::Corridors => "Corridors",
            Context::Live => "Live",
            Context::Promotion => "Promotion",
            Context::Incidents => "Incidents",
            Context::Incident => "Incident",
            Context::Form => "Form",
            Context::Filter => "Filter input",
            Context::Confirm => "Confirm dialog",
            Context::Help => "Help",
        }
    }

    /// Text-capturing contexts must not lose letters to global shortcuts.
    pub fn inherits_global(self) -> bool {
        !matches!(self, Context::Form | Context::PretradeForm | Context::Filter | Context::Confirm)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[rustfmt::skip]
pub enum Action {
    Quit, Help, NextTab, PrevTab, Tab1, Tab2, Tab3, Tab4, Tab5, Tab6, Tab7, Tab8, Tab9, Tab10,
    Up, Down, PageUp, PageDown, Top, Bottom, Left, Right, Open, Back,
    SortNext, SortPrev, SortReverse, Filter, ClearFilter, Mark, Compare, NewRun, Refresh,
    Ack, AckAll, KillSwitch, Edit, SavePlan, ToIntent, Pause, Resume, Stop, Research, Triage, Arm,
    Disarm, Promote, Incidents, CloseIncident, Grant, RevokeGrant,
    NextField, PrevField, Submit, Cancel, // form
    Confirm, Deny,                        // confirm dialog
}

impl Action {
    /// Every action, in declaration order (used to list valid names in errors).
    #[rustfmt::skip]
    pub const ALL: [Action; 57] = [
        Action::Quit, Action::Help, Action::NextTab, Action::PrevTab, Action::Tab1, Action::Tab2,
        Action::Tab3, Action::Tab4, Action::Tab5, Action::Tab6, Action::Tab7, Action::Tab8, Action::Tab9, Action::Tab10,
        Action::Up, Action::Down, Action::PageUp, Action::PageDown, Action::Top, Action::Bottom,
        Action::Left, Action::Right, Action::Open, Action::Back, Action::SortNext, Action::SortPrev, Action::SortReverse,
        Action::Filter, Action::ClearFilter, Action::Mark, Action::Compare, Action::NewRun,
        Action::Refresh, Action::Ack, Action::AckAll, Action::KillSwitch, Action::Edit,
        Action::SavePlan, Action::ToIntent, Action::Pause, Action::Resume, Action::Stop,
        Action::Research, Action::Triage, Action::Arm, Action::Disarm, Action::Promote, Action::Incidents,
        Action::CloseIncident, Action::Grant, Action::RevokeGrant, Action::NextField, Action::PrevField, Action::Submit,
        Action::Cancel, Action::Confirm, Action::Deny,
    ];

    /// Config-file spelling, e.g. `ack_all`.
    pub fn name(self) -> String {
        serde_name(self)
    }
}

/// The serde spelling is the one source of truth for names, so config and code cannot drift.
fn serde_name<T: serde::Serialize>(v: T) -> String {
    match toml::Value::try_from(v) {
        Ok(toml::Value::String(s)) => s,
        _ => unreachable!("unit enum variants serialize to strings"),
    }
}

fn parse_name<'de, T: Deserialize<'de>>(s: &'de str) -> Option<T> {
    T::deserialize(StrDeserializer::<ValueError>::new(s)).ok()
}

mod chord;
pub use chord::KeyChord;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub context: Context,
    pub keys: Vec<KeyChord>,
    pub action: Action,
    pub desc: String,
}

use Action as A;
use Context as C;

/// The defaults; docs/keymap.md mirrors this table. Order is footer/help order within a context.
#[rustfmt::skip]
const DEFAULTS: &[(Context, &[&str], Action, &str)] = &[
    (C::Global, &["?", "f1"], A::Help, "help"),
    (C::Global, &["q", "ctrl+c"], A::Quit, "quit"),
    (C::Global, &["enter"], A::Open, "open"),
    (C::Global, &["esc"], A::Back, "back"),
    (C::Global, &["tab", "]"], A::NextTab, "next tab"),
    (C::Global, &["backtab", "["], A::PrevTab, "previous tab"),
    (C::Global, &["1"], A::Tab1, "go to tab"),
    (C::Global, &["2"], A::Tab2, "go to tab"),
    (C::Global, &["3"], A::Tab3, "go to tab"),
    (C::Global, &["4"], A::Tab4, "go to tab"),
    (C::Global, &["5"], A::Tab5, "go to tab"),
    (C::Global, &["6"], A::Tab6, "go to tab"),
    (C::Global, &["7"], A::Tab7, "go to tab"),
    (C::Global, &["8"], A::Tab8, "go to tab"),
    (C::Global, &["9"], A::Tab9, "go to tab"),
    // The tenth tab (About) on the key after 9 on the keyboard's row, as terminals and
    // browsers number a tenth tab.
    (C::Global, &["0"], A::Tab10, "go to tab"),
    (C::Global, &["up", "k"], A::Up, "up"),
    (C::Global, &["down", "j"], A::Down, "down"),
    (C::Global, &["pgup", "ctrl+u"], A::PageUp, "page up"),
    (C::Global, &["pgdn", "ctrl+d"], A::PageDown, "page down"),
    (C::Global, &["g", "home"], A::Top, "top"),
    (C::Global, &["G", "end"], A::Bottom, "bottom"),
    (C::Global, &["left", "h"], A::Left, "left"),
    (C::Global, &["right", "l"], A::Right, "right"),
    (C::Global, &["R", "f5"], A::Refresh, "refresh"),
    (C::Global, &["K"], A::KillSwitch, "kill switch (asks first)"),
    (C::Runs, &["s"], A::SortNext, "sort by next column"),
    (C::Runs, &["S"], A::SortPrev, "sort by previous column"),
    (C::Runs, &["r"], A::SortReverse, "reverse sort"),
    (C::Runs, &["/"], A::Filter, "filter"),
    (C::Runs, &["x"], A::ClearFilter, "clear filter"),
    (C::Runs, &["space"], A::Mark, "mark for compare"),
    (C::Runs, &["c"], A::Compare, "compare marked"),
    (C::Runs, &["n"], A::NewRun, "new run"),
    (C::Alerts, &["a"], A::Ack, "acknowledge"),
    (C::Alerts, &["A"], A::AckAll, "acknowledge all"),
    (C::Alerts, &["i"], A::Incidents, "incidents"),
    (C::Incidents, &["i"], A::Incidents, "back to the alerts"),
    (C::Incident, &["c"], A::CloseIncident, "close with a note (journaled)"),
    (C::Pretrade, &["e"], A::Edit, "edit the plan"),
    (C::Pretrade, &["s"], A::SavePlan, "save the plan"),
    (C::Pretrade, &["i"], A::ToIntent, "draft intent from the selected saved plan"),
    (C::PretradeForm, &["tab", "down"], A::NextField, "next field"),
    (C::PretradeForm, &["backtab", "up"], A::PrevField, "previous field"),
    (C::PretradeForm, &["left"], A::Left, "previous choice"),
    (C::PretradeForm, &["right"], A::Right, "next choice"),
    (C::PretradeForm, &["esc", "enter"], A::Back, "done editing"),
    (C::Paper, &["n"], A::NewRun, "start a session"),
    (C::Paper, &["p"], A::Pause, "pause"),
    (C::Paper, &["r"], A::Resume, "resume"),
    (C::Paper, &["x"], A::Stop, "stop (asks first)"),
    (C::PaperDetail, &["p"], A::Pause, "pause"),
    (C::PaperDetail, &["r"], A::Resume, "resume"),
    (C::PaperDetail, &["x"], A::Stop, "stop (asks first)"),
    (C::Signals, &["r"], A::Research, "research (in the background)"),
    (C::Signals, &["t"], A::Triage, "triage again"),
    (C::SignalDetail, &["r"], A::Research, "research (in the background)"),
    (C::SignalDetail, &["t"], A::Triage, "triage again"),
    (C::Corridors, &["a"], A::Arm, "arm"),
    (C::Corridors, &["d"], A::Disarm, "disarm (asks first)"),
    // Not `g`: that is the global `top`, and no tab shadows a global key.
    (C::Corridors, &["A"], A::Grant, "grant automation"),
    (C::Corridors, &["x"], A::RevokeGrant, "revoke automation (asks first)"),
    (C::Live, &["p"], A::Pause, "pause"),
    (C::Live, &["r"], A::Resume, "resume"),
    (C::Live, &["x"], A::Stop, "stop (asks first)"),
    (C::Promotion, &["P"], A::Promote, "promote (type its id)"),
    (C::Form, &["tab"], A::NextField, "next field"),
    (C::Form, &["backtab"], A::PrevField, "previous field"),
    (C::Form, &["enter"], A::Submit, "submit"),
    (C::Form, &["esc", "ctrl+c"], A::Cancel, "cancel"),
    (C::Filter, &["enter"], A::Submit, "apply filter"),
    (C::Filter, &["esc", "ctrl+c"], A::Cancel, "cancel"),
    (C::Confirm, &["y"], A::Confirm, "yes, confirm"),
    (C::Confirm, &["n", "esc", "ctrl+c"], A::Deny, "no, cancel"),
    (C::Help, &["esc", "q", "?"], A::Back, "close help"),
];

/// Without these an operator could be stuck in a dialog, so a keymap lacking one is refused.
const ESSENTIAL: [(Context, Action); 8] = [
    (C::PretradeForm, A::Back),
    (C::Global, A::Quit),
    (C::Form, A::Submit),
    (C::Form, A::Cancel),
    (C::Filter, A::Submit),
    (C::Filter, A::Cancel),
    (C::Confirm, A::Confirm),
    (C::Confirm, A::Deny),
];

/// Actions an operator's fingers make by reflex, moving about or leaving: their keys (in any
/// context, as the defaults have them or as a keymap rebinds them) never approve an order.
#[rustfmt::skip]
const NAVIGATION: [Action; 28] = [
    A::Quit, A::Help, A::NextTab, A::PrevTab, A::Tab1, A::Tab2, A::Tab3, A::Tab4, A::Tab5, A::Tab6,
    A::Tab7, A::Tab8, A::Tab9, A::Tab10, A::Up, A::Down, A::PageUp, A::PageDown, A::Top, A::Bottom, A::Left,
    A::Right, A::Open, A::Back, A::NextField, A::PrevField, A::Submit, A::Cancel,
];

/// Keys that move, open, close or edit wherever they are typed: never a confirm key, with or
/// without modifiers.
#[rustfmt::skip]
const NEVER_CONFIRM: [KeyCode; 16] = [
    KeyCode::Enter, KeyCode::Esc, KeyCode::Tab, KeyCode::BackTab, KeyCode::Up, KeyCode::Down,
    KeyCode::Left, KeyCode::Right, KeyCode::PageUp, KeyCode::PageDown, KeyCode::Home, KeyCode::End,
    KeyCode::Backspace, KeyCode::Delete, KeyCode::Insert, KeyCode::Char(' '),
];

/// Where a keymap file bound one key: `[[bind]] entry N (line L)`.
struct Origin {
    ctx: Context,
    action: Action,
    key: KeyChord,
    at: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KeymapFile {
    #[serde(default)]
    bind: Vec<BindEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BindEntry {
    context: toml::Spanned<String>,
    keys: Vec<toml::Spanned<String>>,
    action: toml::Spanned<String>,
    desc: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    bindings: Vec<Binding>,
}

impl Default for Keymap {
    fn default() -> Self {
        Keymap::defaults()
    }
}

impl Keymap {
    pub fn defaults() -> Keymap {
        let bindings = DEFAULTS
            .iter()
            .map(|&(context, keys, action, desc)| Binding {
                context,
                keys: keys.iter().map(|k| KeyChord::parse(k).expect("default keys parse (tested)")).collect(),
                action,
                desc: desc.to_string(),
            })
            .collect();
        Keymap { bindings }
    }

    /// Defaults overridden by a TOML file; a missing file is fine, a bad file is an Err naming the
    /// line/key.
    pub fn load(path: Option<&Path>) -> Result<Keymap, String> {
        let Some(path) = path else { return Ok(Keymap::defaults()) };
        match std::fs::read_to_string(path) {
            Ok(text) => Keymap::from_toml(&text).map_err(|e| format!("keymap {}: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Keymap::defaults()),
            Err(e) => Err(format!("keymap {}: {e}", path.display())),
        }
    }

    /// Overrides on top of the defaults (format in the module docs).
    pub fn from_toml(text: &str) -> Result<Keymap, String> {
        let file: KeymapFile = toml::from_str(text).map_err(|e| e.to_string().trim_end().to_string())?;
        let line =
            |span: std::ops::Range<usize>| text[..span.start.min(text.len())].matches('\n').count() + 1;
        let mut km = Keymap::defaults();
        let mut replaced: HashSet<(Context, Action)> = HashSet::new();
        // (context, key) -> entry number, to refuse two user entries claiming one key.
        let mut claimed: Vec<(Context, KeyChord, usize)> = Vec::new();
        // Where each key the file binds was written, to name it in an error.
        let mut origin: Vec<Origin> = Vec::new();
        for (i, entry) in file.bind.into_iter().enumerate() {
            let n = i + 1;
            let at = |span| format!("[[bind]] entry {n} (line {})", line(span));
            let ctx: Context = parse_name(entry.context.get_ref()).ok_or_else(|| {
                let all: Vec<String> = Context::ALL.iter().map(|c| c.name()).collect();
                let (bad, span) = (entry.context.get_ref(), entry.context.span());
                format!("{}: unknown context \"{bad}\"; expected one of: {}", at(span), all.join(", "))
            })?;
            let action: Action = parse_name(entry.action.get_ref()).ok_or_else(|| {
                let all: Vec<String> = Action::ALL.iter().map(|a| a.name()).collect();
                let (bad, span) = (entry.action.get_ref(), entry.action.span());
                format!("{}: unknown action \"{bad}\"; expected one of: {}", at(span), all.join(", "))
            })?;
            let mut keys: Vec<KeyChord> = Vec::new();
            for k in &entry.keys {
                let chord = KeyChord::parse(k.get_ref()).map_err(|e| format!("{}: {e}", at(k.span())))?;
                if let Some(&(_, _, m)) = claimed.iter().find(|(c, ch, _)| *c == ctx && *ch == chord) {
                    let key = k.get_ref();
                    return Err(format!(
                        "{}: key \"{key}\" is already bound in {} by entry {m}",
                        at(k.span()),
                        ctx.name()
                    ));
                }
                if !keys.contains(&chord) {
                    keys.push(chord);
                    claimed.push((ctx, chord, n));
                    origin.push(Origin { ctx, action, key: chord, at: at(k.span()) });
                }
            }
            km.apply(ctx, action, keys, entry.desc, replaced.insert((ctx, action)));
        }
        for (ctx, action) in ESSENTIAL {
            if km.keys_for(ctx, action).is_empty() {
                let (c, a) = (ctx.name(), action.name());
                return Err(format!(
                    "no key left for \"{a}\" in \"{c}\"; it is required so an operator is never stuck"
                ));
            }
        }
        km.check_confirm_keys(&origin)?;
        Ok(km)
    }

    /// Installs one user binding. `first` is true for the first entry of this (ctx, action),
    /// which replaces the defaults; later entries for the same pair add keys beside it.
    fn apply(
        &mut self,
        ctx: Context,
        action: Action,
        keys: Vec<KeyChord>,
        desc: Option<String>,
        first: bool,
    ) {
        let same = |b: &Binding| b.context == ctx && b.action == action;
        let default_desc = self.bindings.iter().find(|b| same(b)).map(|b| b.desc.clone());
        // Take the keys away from the context's other bindings so lookup never depends on order.
        for b in self.bindings.iter_mut().filter(|b| b.context == ctx && b.action != action) {
            b.keys.retain(|k| !keys.contains(k));
        }
        self.bindings.retain(|b| !b.keys.is_empty());
        let pos = if first {
            let p = self.bindings.iter().position(same);
            self.bindings.retain(|b| !same(b));
            p
        } else {
            self.bindings.iter().rposition(same).map(|p| p + 1)
        };
        if keys.is_empty() {
            return; // `keys = []` unbinds
        }
        let desc = desc.or(default_desc).unwrap_or_else(|| action.name().replace('_', " "));
        let pos = pos
            .or_else(|| self.bindings.iter().rposition(|b| b.context == ctx).map(|p| p + 1))
            .unwrap_or(self.bindings.len());
        self.bindings.insert(pos, Binding { context: ctx, keys, action, desc });
    }

    /// The confirm dialog's confirm key approves live orders, so it must be a key no other
    /// action of the dialog and no navigation uses, as the defaults have them or as this keymap
    /// does (Esc, Enter, j, Tab ... can never approve). The error names the entry that broke it.
    fn check_confirm_keys(&self, origin: &[Origin]) -> Result<(), String> {
        let defaults = Keymap::defaults();
        let from = |ctx: Context, action: Action, key: KeyChord| {
            origin
                .iter()
                .rev()
                .find(|o| o.ctx == ctx && o.action == action && o.key == key)
                .map(|o| o.at.clone())
        };
        let clashes = |b: &Binding| {
            NAVIGATION.contains(&b.action) || (b.context == C::Confirm && b.action != A::Confirm)
        };
        for key in self.keys_for(C::Confirm, A::Confirm) {
            let mine = from(C::Confirm, A::Confirm, key);
            let (reason, theirs) = if NEVER_CONFIRM.contains(&key.code) {
                (format!("{} moves, opens or closes wherever it is typed", key.label()), None)
            } else if let Some((b, default)) = self
                .bindings
                .iter()
                .map(|b| (b, false))
                .chain(defaults.bindings.iter().map(|b| (b, true)))
                .find(|(b, _)| clashes(b) && b.keys.contains(&key))
            {
                // A binding the file did not write is a default one.
                let theirs = if default { None } else { from(b.context, b.action, key) };
                let whose = theirs.as_ref().map_or(" by default".to_string(), |at| format!(" by {at}"));
                (format!("it is also \"{}\" in {}{whose}", b.action.name(), b.context.name()), theirs)
            } else {
                continue;
            };
            let site = mine.or(theirs).unwrap_or_else(|| "the keymap".into());
            return Err(format!(
                "{site}: key \"{key}\" cannot be the confirm key of the order dialog ({reason}); \
                 choose a key that no navigation and no other action of the confirm dialog uses"
            ));
        }
        Ok(())
    }

    pub fn bindings(&self) -> &[Binding] {
        &self.bindings
    }

    /// Action for a key event in `ctx` (Global bindings apply after ctx-specific ones, except in
    /// Form/Filter/Confirm).
    pub fn action(&self, ctx: Context, ev: &KeyEvent) -> Option<Action> {
        self.layers(ctx).find(|b| b.keys.iter().any(|k| k.matches(ev))).map(|b| b.action)
    }

    /// Bindings consulted in `ctx`, most specific first.
    fn layers(&self, ctx: Context) -> impl Iterator<Item = &Binding> {
        let global = ctx != C::Global && ctx.inherits_global();
        let own = self.bindings.iter().filter(move |b| b.context == ctx);
        own.chain(self.bindings.iter().filter(move |b| global && b.context == C::Global))
    }

    /// Each binding reachable in `ctx` with only the keys that actually reach it (a key already
    /// taken by a more specific or earlier binding is dropped).
    fn effective(&self, ctx: Context) -> Vec<(&Binding, Vec<KeyChord>)> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for b in self.layers(ctx) {
            let keys: Vec<KeyChord> = b.keys.iter().copied().filter(|k| seen.insert(*k)).collect();
            if !keys.is_empty() {
                out.push((b, keys));
            }
        }
        out
    }

    /// Keys that trigger `action` in `ctx`, e.g. for a "press ? for help" hint.
    pub fn keys_for(&self, ctx: Context, action: Action) -> Vec<KeyChord> {
        self.effective(ctx).into_iter().filter(|(b, _)| b.action == action).flat_map(|(_, k)| k).collect()
    }

    /// (keys label, description) of the bindings that work in `ctx`, ctx-specific first then global,
    /// for the footer; deduplicated, in a stable order. Bindings sharing a description are merged
    /// ("1-5 go to tab"); global keys shadowed by the context are left out.
    pub fn footer(&self, ctx: Context) -> Vec<(String, &str)> {
        merge(self.effective(ctx).into_iter().map(|(b, k)| (k, b.desc.as_str())))
            .into_iter()
            .map(|(k, d)| (keys_label(&k), d))
            .collect()
    }

    /// Every binding grouped by context for the help overlay: Vec<(context title, Vec<(keys, desc)>)>.
    pub fn help(&self) -> Vec<(String, Vec<(String, String)>)> {
        let mut out = Vec::new();
        for ctx in Context::ALL {
            let own = self.bindings.iter().filter(|b| b.context == ctx);
            let rows = merge(own.map(|b| (b.keys.clone(), b.desc.as_str())));
            if !rows.is_empty() {
                let rows = rows.into_iter().map(|(k, d)| (keys_label(&k), d.to_string())).collect();
                out.push((ctx.title().to_string(), rows));
            }
        }
        out
    }
}

/// Joins rows with the same description, keeping first-seen order.
fn merge<'a>(rows: impl Iterator<Item = (Vec<KeyChord>, &'a str)>) -> Vec<(Vec<KeyChord>, &'a str)> {
    let mut out: Vec<(Vec<KeyChord>, &'a str)> = Vec::new();
    for (keys, desc) in rows {
        match out.iter_mut().find(|(_, d)| *d == desc) {
            Some((k, _)) => k.extend(keys),
            None => out.push((keys, desc)),
        }
    }
    out
}

/// "↑/k"; a run of three or more consecutive digits reads better as "1-5". `0` counts as the
/// one after `9` (the tenth tab's key), so the tab keys read "1-9/0".
pub fn keys_label(keys: &[KeyChord]) -> String {
    let digits: Vec<u32> = keys
        .iter()
        .filter_map(|k| match k.code {
            KeyCode::Char('0') if k.mods.is_empty() => Some(10),
            KeyCode::Char(c) if k.mods.is_empty() => c.to_digit(10),
            _ => None,
        })
        .collect();
    if keys.len() >= 3 && digits.len() == keys.len() && digits.windows(2).all(|w| w[1] == w[0] + 1) {
        return match digits[digits.len() - 1] {
            10 => format!("{}-9/0", digits[0]),
            last => format!("{}-{last}", digits[0]),
        };
    }
    keys.iter().map(KeyChord::label).collect::<Vec<_>>().join("/")
}

#[cfg(test)]
mod tests;
