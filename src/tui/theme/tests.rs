use super::*;
use std::collections::HashMap;

fn env_of(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    move |k: &str| map.get(k).cloned()
}

const TRUECOLOR: &[(&str, &str)] = &[("TERM", "xterm-256color"), ("COLORTERM", "truecolor")];

fn colors(theme: &Theme) -> Vec<(String, Color)> {
    let mut t = theme.clone();
    let mut out: Vec<(String, Color)> = Vec::new();
    for (key, style) in t.styles_mut() {
        out.extend(style.fg.map(|c| (format!("{key}.fg"), c)));
        out.extend(style.bg.map(|c| (format!("{key}.bg"), c)));
    }
    out.extend([("heat_low".into(), theme.heat_low), ("heat_mid".into(), theme.heat_mid)]);
    out.push(("heat_high".into(), theme.heat_high));
    out
}

fn default_text() -> &'static str {
    include_str!("../../../themes/default.toml")
}

#[test]
fn all_builtins_load_with_their_names() {
    assert_eq!(Theme::names(), &["default", "light", "high-contrast", "mono"]);
    for name in Theme::names() {
        let theme = Theme::builtin(name).unwrap_or_else(|| panic!("{name} missing"));
        assert_eq!(&theme.name, name);
        assert_ne!(theme.selected, theme.base, "{name}: selection must differ from base");
        assert_ne!(theme.critical, theme.info, "{name}: severities must differ");
        assert_ne!(theme.warning, theme.info, "{name}: severities must differ");
        assert_ne!(theme.positive, theme.negative, "{name}: gains and losses must differ");
    }
    assert!(Theme::builtin("nope").is_none());
}

#[test]
fn mono_uses_no_colour_and_keeps_severity_readable() {
    let mono = Theme::builtin("mono").unwrap();
    for (key, c) in colors(&mono) {
        assert_eq!(c, Color::Reset, "mono sets colour {key}");
    }
    let sev = [mono.ok, mono.info, mono.warning, mono.critical];
    for (i, a) in sev.iter().enumerate() {
        for b in &sev[i + 1..] {
            assert_ne!(a, b, "two severities look the same in mono");
        }
    }
    assert!(mono.critical.add_modifier.contains(Modifier::REVERSED | Modifier::BOLD));
}

#[test]
fn resolve_picks_mono_for_no_color_and_default_otherwise() {
    let pick = |name: Option<&str>, vars: &[(&str, &str)]| Theme::resolve(name, &env_of(vars)).unwrap().name;
    let with = |extra: (&'static str, &'static str)| [TRUECOLOR, &[extra]].concat();
    assert_eq!(pick(None, &with(("NO_COLOR", "1"))), "mono");
    assert_eq!(pick(None, &with(("NO_COLOR", ""))), "default", "an empty NO_COLOR is unset");
    assert_eq!(pick(None, TRUECOLOR), "default");
    assert_eq!(pick(Some("light"), &with(("NO_COLOR", "1"))), "light", "an explicit theme wins");
    assert_eq!(Theme::resolve(None, &env_of(TRUECOLOR)).unwrap(), Theme::builtin("default").unwrap());
}

#[test]
fn unknown_theme_lists_the_builtin_names() {
    let err = Theme::resolve(Some("solarized"), &env_of(TRUECOLOR)).unwrap_err();
    assert!(err.contains("\"solarized\""), "{err}");
    for name in Theme::names() {
        assert!(err.contains(name), "{err}");
    }
    let err = Theme::resolve(Some("/nonexistent/x.toml"), &env_of(TRUECOLOR)).unwrap_err();
    assert!(err.contains("/nonexistent/x.toml"), "{err}");
}

#[test]
fn a_file_path_theme_loads() {
    let dir = std::env::temp_dir().join(format!("quantlab-theme-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("mine.toml");
    std::fs::write(&path, default_text().replace("#e06c6c", "@196")).unwrap();
    let theme = Theme::resolve(Some(path.to_str().unwrap()), &env_of(TRUECOLOR)).unwrap();
    assert_eq!(theme.name, "mine");
    assert_eq!(theme.critical.bg, Some(Color::Indexed(196)));
    std::fs::write(&path, default_text().replace("critical ", "critcal ")).unwrap();
    let err = Theme::resolve(Some(path.to_str().unwrap()), &env_of(TRUECOLOR)).unwrap_err();
    assert!(err.contains("mine.toml") && err.contains("\"critical\""), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_theme_files_name_the_key() {
    let err = |text: String| Theme::from_toml("t", &text).unwrap_err();
    let e = err(default_text().replace("ok             = { fg = \"#8fbf7f\" }\n", ""));
    assert!(e.contains("missing style \"ok\""), "{e}");
    let e = err(default_text().replace("\n[heat]\n", "\n[styles.extra]\nbold = true\n[heat]\n"));
    assert!(e.contains("unknown style \"extra\"") && e.contains("chart_drawdown"), "{e}");
    let e = err(default_text().replace("#d77a7a", "#d77a7"));
    assert!(e.contains("styles.negative.fg") && e.contains("#d77a7"), "{e}");
    let e = err(default_text().replace("\"#9aa5b8\", bold", "\"#9aa5b8\", blod"));
    assert!(e.contains("styles.header") && e.contains("blod"), "{e}");
    let e = err(default_text().replace("high = \"#e0c26a\"", "high = \"purplish\""));
    assert!(e.contains("heat.high") && e.contains("purplish"), "{e}");
    let e = err(default_text().replace("mid  = \"#5fa89b\"\n", ""));
    assert!(e.contains("mid"), "{e}");
}

#[test]
fn parse_color_forms() {
    assert_eq!(parse_color("#0a0B0c"), Ok(Color::Rgb(10, 11, 12)));
    assert_eq!(parse_color("@123"), Ok(Color::Indexed(123)));
    assert_eq!(parse_color("LightRed"), Ok(Color::LightRed));
    assert_eq!(parse_color("dark-gray"), Ok(Color::DarkGray));
    assert_eq!(parse_color("reset"), Ok(Color::Reset));
    assert!(parse_color("@256").is_err());
    assert!(parse_color("#12345g").is_err());
    assert!(parse_color("chartreuse").unwrap_err().contains("chartreuse"));
}

#[test]
fn to_ansi16_leaves_only_the_16_colours_and_keeps_meaning() {
    use Color::*;
    for name in Theme::names() {
        let theme = Theme::builtin(name).unwrap().to_ansi16();
        for (key, c) in colors(&theme) {
            assert!(!matches!(c, Rgb(..) | Indexed(_)), "{name}: {key} is still {c:?}");
        }
        if *name == "mono" {
            continue;
        }
        let fg = |s: Style| s.fg.unwrap();
        assert!(matches!(fg(theme.positive), Green | LightGreen), "{name}: positive {:?}", theme.positive);
        assert!(matches!(fg(theme.negative), Red | LightRed), "{name}: negative {:?}", theme.negative);
        assert!(matches!(fg(theme.warning), Yellow | LightYellow), "{name}: warning {:?}", theme.warning);
        assert!(matches!(theme.critical.bg.or(theme.critical.fg), Some(Red | LightRed)), "{name}: critical");
        assert_ne!(theme.selected.bg, theme.base.bg, "{name}: selection invisible in 16 colours");
        assert_ne!(theme.base.fg, theme.base.bg, "{name}: text invisible in 16 colours");
        assert_ne!(theme.border.fg, theme.base.bg, "{name}: borders invisible in 16 colours");
        assert_ne!(theme.dim.fg, theme.base.bg, "{name}: dim text invisible in 16 colours");
    }
}

#[test]
fn to_ansi256_leaves_no_rgb() {
    for name in Theme::names() {
        let theme = Theme::builtin(name).unwrap().to_ansi256();
        for (key, c) in colors(&theme) {
            assert!(!matches!(c, Color::Rgb(..)), "{name}: {key} is still {c:?}");
        }
    }
    assert_eq!(ansi256(Color::Rgb(0, 0, 0)), Color::Indexed(16));
    assert_eq!(ansi256(Color::Rgb(255, 0, 0)), Color::Indexed(196));
    assert_eq!(ansi256(Color::Rgb(128, 128, 128)), Color::Indexed(244));
}

#[test]
fn resolve_downgrades_to_what_the_terminal_shows() {
    let is_rgb = |t: &Theme| colors(t).iter().any(|(_, c)| matches!(c, Color::Rgb(..)));
    let is_indexed = |t: &Theme| colors(t).iter().any(|(_, c)| matches!(c, Color::Indexed(_)));
    let plain = Theme::resolve(None, &env_of(&[("TERM", "xterm")])).unwrap();
    assert!(!is_rgb(&plain) && !is_indexed(&plain));
    let pal = Theme::resolve(None, &env_of(&[("TERM", "screen-256color")])).unwrap();
    assert!(!is_rgb(&pal) && is_indexed(&pal));
    let full = Theme::resolve(None, &env_of(TRUECOLOR)).unwrap();
    assert!(is_rgb(&full));
}

#[test]
fn supports_256_cases() {
    let s = |vars: &[(&str, &str)]| supports_256(&env_of(vars));
    assert!(s(&[("TERM", "xterm-256color")]));
    assert!(s(&[("TERM", "tmux-256color")]));
    assert!(s(&[("TERM", "xterm-direct")]));
    assert!(s(&[("TERM", "xterm"), ("COLORTERM", "truecolor")]));
    assert!(s(&[("TERM", "screen"), ("COLORTERM", "24bit")]));
    assert!(s(&[("TERM", "xterm-kitty")]));
    for term in ["linux", "vt100", "xterm", "screen", "dumb"] {
        assert!(!s(&[("TERM", term)]), "{term}");
    }
    assert!(!s(&[]), "unset TERM");
    assert!(!s(&[("TERM", "xterm"), ("COLORTERM", "yes")]));
    assert!(!supports_truecolor(&env_of(&[("TERM", "xterm-256color")])), "SSH without COLORTERM");
}

#[test]
fn heat_endpoints_and_interpolation() {
    let theme = Theme::builtin("default").unwrap();
    assert_eq!(theme.heat(0.0), theme.heat_low);
    assert_eq!(theme.heat(0.5), theme.heat_mid);
    assert_eq!(theme.heat(1.0), theme.heat_high);
    assert_eq!(theme.heat(-3.0), theme.heat_low);
    assert_eq!(theme.heat(7.0), theme.heat_high);
    assert_eq!(theme.heat(f64::NAN), theme.heat_low);
    let between = theme.heat(0.25);
    assert!(matches!(between, Color::Rgb(..)) && ![theme.heat_low, theme.heat_mid].contains(&between));

    let ansi = theme.clone().to_ansi16();
    assert_eq!(ansi.heat(0.0), ansi.heat_low);
    assert_eq!(ansi.heat(0.2), ansi.heat_low);
    assert_eq!(ansi.heat(0.5), ansi.heat_mid);
    assert_eq!(ansi.heat(0.8), ansi.heat_high);
    assert_eq!(ansi.heat(1.0), ansi.heat_high);

    let pal = theme.to_ansi256();
    assert_eq!(pal.heat(0.0), pal.heat_low);
    assert_eq!(pal.heat(1.0), pal.heat_high);
    assert!(matches!(pal.heat(0.3), Color::Indexed(i) if i >= 16));

    let mono = Theme::builtin("mono").unwrap();
    assert_eq!(mono.heat(0.9), Color::Reset);
}
