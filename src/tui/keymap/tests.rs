use super::*;
use crossterm::event::{KeyEventKind, KeyEventState, KeyModifiers, KeyModifiers as M};

fn press(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, mods)
}

fn ch(c: char) -> KeyEvent {
    press(KeyCode::Char(c), M::NONE)
}

#[test]
fn parse_display_and_label_round_trip() {
    let cases = [
        ("q", "q"),
        ("Q", "Q"),
        ("ctrl+c", "^c"),
        ("alt+x", "M-x"),
        ("enter", "Enter"),
        ("esc", "Esc"),
        ("tab", "Tab"),
        ("backtab", "S-Tab"),
        ("up", "↑"),
        ("down", "↓"),
        ("left", "←"),
        ("right", "→"),
        ("pgup", "PgUp"),
        ("pgdn", "PgDn"),
        ("home", "Home"),
        ("end", "End"),
        ("space", "Space"),
        ("?", "?"),
        ("/", "/"),
        ("+", "+"),
        ("^", "^"),
        ("1", "1"),
        ("g", "g"),
        ("G", "G"),
        ("f5", "F5"),
        ("backspace", "Bksp"),
        ("shift+up", "S-↑"),
        ("ctrl+alt+delete", "^M-Del"),
    ];
    for (text, label) in cases {
        let k = KeyChord::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(k.label(), label, "label of {text}");
        assert_eq!(k.to_string(), text, "display of {text}");
        assert_eq!(KeyChord::parse(&k.to_string()), Ok(k), "display round trip of {text}");
        assert_eq!(KeyChord::parse(&k.label()), Ok(k), "label round trip of {text}");
    }
}

#[test]
fn parse_normalises_aliases() {
    let p = |s: &str| KeyChord::parse(s).unwrap();
    assert_eq!(p("shift+tab"), p("backtab"));
    assert_eq!(p("shift+g"), p("G"));
    assert_eq!(p("shift+?"), p("?"));
    assert_eq!(p("Enter"), p("return"));
    assert_eq!(p("PageDown"), p("pgdn"));
    assert_eq!(p("ctrl++"), KeyChord::new(KeyCode::Char('+'), M::CONTROL));
    assert_eq!(p("C-d"), p("ctrl+d"));
    assert!(KeyChord::parse("").is_err());
    assert!(KeyChord::parse("ctrl+").unwrap_err().contains("ctrl+"));
    assert!(KeyChord::parse("enterr").unwrap_err().contains("enterr"));
    assert!(KeyChord::parse("f13").is_err());
}

#[test]
fn matches_uppercase_with_or_without_shift_and_ignores_release() {
    let g = KeyChord::parse("G").unwrap();
    assert!(g.matches(&ch('G')));
    assert!(g.matches(&press(KeyCode::Char('G'), M::SHIFT)));
    assert!(g.matches(&press(KeyCode::Char('g'), M::SHIFT)));
    assert!(!g.matches(&ch('g')));
    let q = KeyChord::parse("?").unwrap();
    assert!(q.matches(&press(KeyCode::Char('?'), M::SHIFT)));
    let bt = KeyChord::parse("backtab").unwrap();
    assert!(bt.matches(&press(KeyCode::BackTab, M::SHIFT)));
    assert!(bt.matches(&press(KeyCode::Tab, M::SHIFT)));
    let cc = KeyChord::parse("ctrl+c").unwrap();
    assert!(cc.matches(&press(KeyCode::Char('c'), M::CONTROL)));
    assert!(!cc.matches(&ch('c')));
    let release = KeyEvent::new_with_kind_and_state(
        KeyCode::Char('q'),
        M::NONE,
        KeyEventKind::Release,
        KeyEventState::NONE,
    );
    assert!(!KeyChord::parse("q").unwrap().matches(&release));
}

#[test]
fn defaults_parse_and_bind_no_key_twice_per_context() {
    let km = Keymap::defaults();
    assert_eq!(km.bindings().len(), DEFAULTS.len());
    for ctx in Context::ALL {
        let mut seen = HashSet::new();
        for b in km.bindings().iter().filter(|b| b.context == ctx) {
            for k in &b.keys {
                assert!(seen.insert(*k), "{k} bound twice in {ctx:?}");
            }
        }
    }
    // Only Help deliberately shadows global keys (q and ? close it instead).
    let global: HashSet<KeyChord> =
        km.bindings().iter().filter(|b| b.context == C::Global).flat_map(|b| b.keys.clone()).collect();
    for b in km.bindings().iter().filter(|b| b.context.inherits_global() && b.context != C::Help) {
        if b.context != C::Global {
            assert!(b.keys.iter().all(|k| !global.contains(k)), "{:?} shadows a global key", b.action);
        }
    }
}

#[test]
fn vim_and_arrow_keys_move() {
    let km = Keymap::defaults();
    for ctx in [
        C::Runs,
        C::RunDetail,
        C::Compare,
        C::Sweeps,
        C::SweepDetail,
        C::Alerts,
        C::Signals,
        C::SignalDetail,
        C::Help,
    ] {
        assert_eq!(km.action(ctx, &ch('j')), Some(A::Down));
        assert_eq!(km.action(ctx, &press(KeyCode::Down, M::NONE)), Some(A::Down));
        assert_eq!(km.action(ctx, &ch('k')), Some(A::Up));
        assert_eq!(km.action(ctx, &press(KeyCode::Up, M::NONE)), Some(A::Up));
        assert_eq!(km.action(ctx, &ch('g')), Some(A::Top));
        assert_eq!(km.action(ctx, &ch('G')), Some(A::Bottom));
        assert_eq!(km.action(ctx, &press(KeyCode::Char('d'), M::CONTROL)), Some(A::PageDown));
        assert_eq!(km.action(ctx, &press(KeyCode::PageUp, M::NONE)), Some(A::PageUp));
    }
}

#[test]
fn global_applies_in_runs_but_not_in_text_contexts() {
    let km = Keymap::defaults();
    assert_eq!(km.action(C::Runs, &ch('q')), Some(A::Quit));
    assert_eq!(km.action(C::Runs, &ch('3')), Some(A::Tab3));
    assert_eq!(km.action(C::Runs, &ch('s')), Some(A::SortNext));
    assert_eq!(km.action(C::Form, &ch('q')), None);
    assert_eq!(km.action(C::Form, &ch('j')), None);
    assert_eq!(km.action(C::Form, &press(KeyCode::Tab, M::NONE)), Some(A::NextField));
    assert_eq!(km.action(C::Form, &press(KeyCode::BackTab, M::SHIFT)), Some(A::PrevField));
    assert_eq!(km.action(C::Form, &press(KeyCode::Enter, M::NONE)), Some(A::Submit));
    assert_eq!(km.action(C::Filter, &ch('q')), None);
    assert_eq!(km.action(C::Filter, &press(KeyCode::Esc, M::NONE)), Some(A::Cancel));
    assert_eq!(km.action(C::Confirm, &ch('y')), Some(A::Confirm));
    assert_eq!(km.action(C::Confirm, &ch('Y')), None, "only a deliberate lowercase y confirms");
    assert_eq!(km.action(C::Confirm, &ch('q')), None);
    assert_eq!(km.action(C::Confirm, &press(KeyCode::Esc, M::NONE)), Some(A::Deny));
    assert_eq!(km.action(C::Help, &ch('q')), Some(A::Back), "q closes help rather than quitting");
    assert_eq!(km.action(C::Help, &press(KeyCode::Char('c'), M::CONTROL)), Some(A::Quit));
}

#[test]
fn override_replaces_default_and_steals_its_key() {
    let km = Keymap::from_toml(
        r#"
[[bind]]
context = "runs"
keys = ["o"]
action = "open"
desc = "open run"

[[bind]]
context = "runs"
keys = ["s"]
action = "compare"
"#,
    )
    .unwrap();
    assert_eq!(km.action(C::Runs, &ch('o')), Some(A::Open));
    // Global Enter still opens: the override is in Runs only.
    assert_eq!(km.action(C::Runs, &press(KeyCode::Enter, M::NONE)), Some(A::Open));
    // `c` no longer compares (replaced); `s` compares and no longer sorts (stolen).
    assert_eq!(km.action(C::Runs, &ch('c')), None);
    assert_eq!(km.action(C::Runs, &ch('s')), Some(A::Compare));
    assert!(km.bindings().iter().all(|b| !(b.context == C::Runs && b.action == A::SortNext)));
    let footer = km.footer(C::Runs);
    assert!(footer.contains(&("o".to_string(), "open run")));
    assert!(footer.contains(&("s".to_string(), "compare marked")), "default desc is kept: {footer:?}");
}

#[test]
fn override_in_global_and_unbind() {
    let km = Keymap::from_toml(
        "[[bind]]\ncontext = \"global\"\nkeys = [\"ctrl+q\"]\naction = \"quit\"\n\n\
         [[bind]]\ncontext = \"alerts\"\nkeys = []\naction = \"ack_all\"\n",
    )
    .unwrap();
    assert_eq!(km.action(C::Runs, &ch('q')), None);
    assert_eq!(km.action(C::Runs, &press(KeyCode::Char('q'), M::CONTROL)), Some(A::Quit));
    assert_eq!(km.action(C::Alerts, &ch('A')), None);
    assert_eq!(km.keys_for(C::Alerts, A::AckAll), vec![]);
}

#[test]
fn entries_for_the_same_action_add_up() {
    let entry = |k: &str| format!("[[bind]]\ncontext = \"runs\"\nkeys = [\"{k}\"]\naction = \"open\"\n");
    let km = Keymap::from_toml(&(entry("o") + &entry("p"))).unwrap();
    assert_eq!(km.action(C::Runs, &ch('o')), Some(A::Open));
    assert_eq!(km.action(C::Runs, &ch('p')), Some(A::Open));
    assert_eq!(km.footer(C::Runs)[8], ("o/p/Enter".to_string(), "open"), "global Enter merges in");
}

#[test]
fn bad_toml_gives_clear_errors() {
    let err = |t: &str| Keymap::from_toml(t).unwrap_err();
    let e = err("[[bind]]\ncontext = \"runs\"\nkeys = [\"o\"]\naction = \"opne\"\n");
    assert!(
        e.contains("entry 1") && e.contains("line 4") && e.contains("\"opne\"") && e.contains("open"),
        "{e}"
    );
    const OPEN_O: &str = "[[bind]]\ncontext = \"runs\"\nkeys = [\"o\"]\naction = \"open\"\n";
    let e = err(&format!("{OPEN_O}[[bind]]\ncontext = \"run\"\nkeys = [\"p\"]\naction = \"open\"\n"));
    assert!(
        e.contains("entry 2") && e.contains("line 6") && e.contains("\"run\"") && e.contains("run_detail"),
        "{e}"
    );
    let e = err("[[bind]]\ncontext = \"runs\"\nkeys = [\"o\", \"ctl+x\"]\naction = \"open\"\n");
    assert!(e.contains("entry 1") && e.contains("line 3") && e.contains("ctl+x"), "{e}");
    let e = err("[[bind]]\ncontext = \"runs\"\nkeys = [\"o\"]\naction = \"open\"\nkey = \"p\"\n");
    assert!(e.contains("key") && e.contains("line 5"), "{e}");
    let e = err("[[bind]]\ncontext = \"runs\"\nkeys = \"o\"\naction = \"open\"\n");
    assert!(e.contains("line 3"), "{e}");
    let e = err("[[bind]\n");
    assert!(e.contains("line 1"), "{e}");
    let e = err(&format!("{OPEN_O}[[bind]]\ncontext = \"runs\"\nkeys = [\"o\"]\naction = \"mark\"\n"));
    assert!(e.contains("entry 2") && e.contains("already bound") && e.contains("entry 1"), "{e}");
    let e = err("[[bind]]\ncontext = \"confirm\"\nkeys = []\naction = \"deny\"\n");
    assert!(e.contains("deny") && e.contains("confirm"), "{e}");
}

#[test]
fn load_missing_file_is_defaults_and_bad_file_names_the_path() {
    let dir = std::env::temp_dir().join(format!("quantlab-keymap-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    assert_eq!(Keymap::load(None).unwrap(), Keymap::defaults());
    assert_eq!(Keymap::load(Some(&dir.join("absent.toml"))).unwrap(), Keymap::defaults());
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "[[bind]]\ncontext = \"nowhere\"\nkeys = [\"o\"]\naction = \"open\"\n").unwrap();
    let e = Keymap::load(Some(&bad)).unwrap_err();
    assert!(e.contains("bad.toml") && e.contains("nowhere"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn footer_for_runs_lists_context_keys_first_then_global() {
    let km = Keymap::defaults();
    let footer = km.footer(C::Runs);
    let keys: Vec<&str> = footer.iter().map(|(k, _)| k.as_str()).collect();
    for want in ["s", "S", "r", "/", "x", "Space", "c", "n", "?/F1", "q/^c", "1-9/0"] {
        assert!(keys.contains(&want), "{want} missing from {footer:?}");
    }
    assert_eq!(footer[0], ("s".to_string(), "sort by next column"));
    let pos = |k: &str| keys.iter().position(|x| *x == k).unwrap();
    assert!(pos("n") < pos("?/F1"), "context keys come before global ones");
    assert_eq!(footer.len(), footer.iter().map(|(_, d)| d).collect::<HashSet<_>>().len(), "deduplicated");
}

#[test]
fn footer_hides_shadowed_global_keys() {
    let km = Keymap::defaults();
    let footer = km.footer(C::Help);
    assert!(footer.contains(&("Esc/q/?".to_string(), "close help")));
    assert!(footer.contains(&("^c".to_string(), "quit")), "{footer:?}");
    assert!(footer.contains(&("F1".to_string(), "help")), "{footer:?}");
    assert!(!footer.iter().any(|(_, d)| *d == "back"));
    let form = km.footer(C::Form);
    assert_eq!(form.len(), 4, "no global keys in a form: {form:?}");
}

#[test]
fn help_groups_every_binding_by_context() {
    let km = Keymap::defaults();
    let help = km.help();
    let titles: Vec<&str> = help.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(titles[0], "Global");
    assert!(titles.contains(&"Runs") && titles.contains(&"Confirm dialog"));
    assert!(!titles.contains(&"Run detail"), "contexts without own bindings are skipped");
    let global = &help[0].1;
    assert!(global.contains(&("1-9/0".to_string(), "go to tab".to_string())));
    assert!(global.contains(&("↓/j".to_string(), "down".to_string())));
    let total: usize = help.iter().map(|(_, rows)| rows.len()).sum();
    assert_eq!(total, DEFAULTS.len() - 9, "only the ten tab bindings merge");
    assert!(titles.contains(&"Live"), "{titles:?}");
}

#[test]
fn names_match_serde_and_keys_for_hint() {
    assert_eq!(A::AckAll.name(), "ack_all");
    assert_eq!(C::RunDetail.name(), "run_detail");
    assert_eq!(A::Tab1.name(), "tab1");
    for a in Action::ALL {
        assert_eq!(parse_name::<Action>(&a.name()), Some(a));
    }
    for c in Context::ALL {
        assert_eq!(parse_name::<Context>(&c.name()), Some(c));
    }
    let km = Keymap::defaults();
    assert_eq!(keys_label(&km.keys_for(C::Runs, A::Help)), "?/F1");
    assert_eq!(keys_label(&km.keys_for(C::Help, A::Quit)), "^c");
}

/// `0` goes to the tenth tab (About) wherever the global keys apply, and is typed text in the
/// contexts that capture text or a yes/no answer; `0` after `9` reads as the tab run's end.
#[test]
fn zero_is_the_tenth_tab_outside_text_and_dialogs() {
    let km = Keymap::defaults();
    for ctx in [C::Global, C::Runs, C::Alerts, C::Corridors, C::Promotion, C::Help] {
        assert_eq!(km.action(ctx, &ch('0')), Some(A::Tab10), "{ctx:?}");
    }
    for ctx in [C::Form, C::PretradeForm, C::Filter, C::Confirm] {
        assert_eq!(km.action(ctx, &ch('0')), None, "{ctx:?} takes 0 as text (or ignores it)");
    }
    let keys = |ks: &[&str]| ks.iter().map(|k| KeyChord::parse(k).unwrap()).collect::<Vec<_>>();
    assert_eq!(keys_label(&keys(&["1", "2", "3"])), "1-3");
    assert_eq!(keys_label(&keys(&["7", "8", "9", "0"])), "7-9/0");
    assert_eq!(keys_label(&keys(&["0", "1", "2"])), "0/1/2", "0 first is not a run");
    assert_eq!(keys_label(&km.keys_for(C::Runs, A::Tab10)), "0");
}

/// Attack: a keymap makes the order dialog's confirm key one the operator presses by reflex
/// (Esc, Enter, a navigation key, the dialog's own deny key). Refused at load, naming the
/// entry's line and the reason.
#[test]
fn a_confirm_key_that_navigates_or_denies_is_refused_with_its_line() {
    let bind = |key: &str| {
        format!("# operator overrides\n\n[[bind]]\ncontext = \"confirm\"\nkeys = [\"{key}\"]\naction = \"confirm\"\n")
    };
    for key in [
        "esc",
        "enter",
        "j",
        "k",
        "up",
        "down",
        "left",
        "right",
        "tab",
        "backtab",
        "h",
        "l",
        "g",
        "G",
        "q",
        "?",
        "1",
        "7",
        "0",
        "]",
        "[",
        "space",
        "pgdn",
        "ctrl+d",
        "home",
        "n",
        "ctrl+c",
        "ctrl+enter",
    ] {
        let e = Keymap::from_toml(&bind(key)).unwrap_err();
        assert!(e.contains("[[bind]] entry 1 (line 5)"), "{key}: {e}");
        assert!(e.contains("cannot be the confirm key of the order dialog"), "{key}: {e}");
    }
    let e = Keymap::from_toml(&bind("j")).unwrap_err();
    assert!(e.contains("it is also \"down\" in global by default"), "{e}");
    let e = Keymap::from_toml(&bind("n")).unwrap_err();
    assert!(e.contains("it is also \"deny\" in confirm by default"), "{e}");
    let e = Keymap::from_toml(&bind("esc")).unwrap_err();
    assert!(e.contains("Esc moves, opens or closes wherever it is typed"), "{e}");
}

/// Attack from the other side: the confirm key stays `y`, but a keymap makes `y` a navigation
/// key (or a second key of the dialog). Refused, naming that entry.
#[test]
fn a_navigation_binding_on_the_confirm_key_is_refused() {
    for (ctx, action) in [("global", "down"), ("runs", "open"), ("form", "next_field"), ("help", "back")] {
        let text = format!("[[bind]]\ncontext = \"{ctx}\"\nkeys = [\"y\"]\naction = \"{action}\"\n");
        let e = Keymap::from_toml(&text).unwrap_err();
        assert!(e.contains("entry 1 (line 3)") && e.contains(&format!("\"{action}\" in {ctx}")), "{e}");
    }
    // A key moved off navigation keeps its default meaning for this check: j never confirms.
    let moved = "[[bind]]\ncontext = \"global\"\nkeys = [\"down\"]\naction = \"down\"\n\n[[bind]]\ncontext = \"confirm\"\nkeys = [\"j\"]\naction = \"confirm\"\n";
    let e = Keymap::from_toml(moved).unwrap_err();
    assert!(e.contains("entry 2 (line 8)"), "{e}");
}

#[test]
fn a_confirm_key_nothing_else_uses_is_accepted_and_named_by_load_errors_with_the_file() {
    let km =
        Keymap::from_toml("[[bind]]\ncontext = \"confirm\"\nkeys = [\"ctrl+y\"]\naction = \"confirm\"\n")
            .unwrap();
    assert_eq!(km.keys_for(C::Confirm, A::Confirm), vec![KeyChord::parse("ctrl+y").unwrap()]);
    assert_eq!(km.action(C::Confirm, &ch('y')), None, "the default y no longer confirms");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keymap.toml");
    std::fs::write(&path, "[[bind]]\ncontext = \"confirm\"\nkeys = [\"enter\"]\naction = \"confirm\"\n")
        .unwrap();
    let e = Keymap::load(Some(&path)).unwrap_err();
    assert!(e.starts_with(&format!("keymap {}: [[bind]] entry 1 (line 3)", path.display())), "{e}");
}
