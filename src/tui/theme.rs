//! Colour themes as data. Four are built in (`themes/*.toml`); a user theme is a file of the same
//! shape:
//!
//! ```toml
//! [styles]   # every key below is required, so a user theme cannot half-work
//! base = { fg = "#c8ccd4", bg = "#1b1e24" }
//! title = { fg = "#e5e9f0", bold = true }
//! # ... dim, header, border, border_focus, selected, marked, tab, tab_active, positive, negative,
//! # accent, info, warning, critical, ok, status_bar, footer_key, footer_desc, chart_line,
//! # chart_alt, chart_drawdown
//!
//! [heat]     # sweep heatmap scale, meant as the foreground of block glyphs on `base`
//! low = "#4c6a9a"
//! mid = "#5fa89b"
//! high = "#e0c26a"
//! ```
//!
//! Colours: `"#rrggbb"`, an indexed colour `"@0"`..`"@255"`, or an ANSI name (`black`, `red`,
//! `green`, `yellow`, `blue`, `magenta`, `cyan`, `gray`, `darkgray`, `lightred`, `lightgreen`,
//! `lightyellow`, `lightblue`, `lightmagenta`, `lightcyan`, `white`, `reset`). Modifiers: `bold`,
//! `dim`, `italic`, `underline`, `reversed` (booleans).

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub name: String,
    pub base: Style,
    pub dim: Style,
    pub title: Style,
    pub header: Style,
    pub border: Style,
    pub border_focus: Style,
    pub selected: Style,
    pub marked: Style,
    pub tab: Style,
    pub tab_active: Style,
    pub positive: Style,
    pub negative: Style,
    pub accent: Style,
    pub info: Style,
    pub warning: Style,
    pub critical: Style,
    pub ok: Style,
    pub status_bar: Style,
    pub footer_key: Style,
    pub footer_desc: Style,
    pub chart_line: Style,
    pub chart_alt: Style,
    pub chart_drawdown: Style,
    pub heat_low: Color,
    pub heat_mid: Color,
    pub heat_high: Color,
}

const NAMES: [&str; 4] = ["default", "light", "high-contrast", "mono"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    styles: toml::Table,
    heat: HeatSpec,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HeatSpec {
    low: String,
    mid: String,
    high: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StyleSpec {
    fg: Option<String>,
    bg: Option<String>,
    #[serde(default)]
    bold: bool,
    #[serde(default)]
    dim: bool,
    #[serde(default)]
    italic: bool,
    #[serde(default)]
    underline: bool,
    #[serde(default)]
    reversed: bool,
}

impl StyleSpec {
    fn to_style(&self, key: &str) -> Result<Style, String> {
        let mut style = Style::new();
        if let Some(fg) = &self.fg {
            style = style.fg(parse_color(fg).map_err(|e| format!("styles.{key}.fg: {e}"))?);
        }
        if let Some(bg) = &self.bg {
            style = style.bg(parse_color(bg).map_err(|e| format!("styles.{key}.bg: {e}"))?);
        }
        let mods = [
            (self.bold, Modifier::BOLD),
            (self.dim, Modifier::DIM),
            (self.italic, Modifier::ITALIC),
            (self.underline, Modifier::UNDERLINED),
            (self.reversed, Modifier::REVERSED),
        ];
        for (on, m) in mods {
            if on {
                style = style.add_modifier(m);
            }
        }
        Ok(style)
    }
}

/// Parses `#rrggbb`, `@N` or an ANSI colour name (case, `-`, `_` and spaces ignored).
pub fn parse_color(s: &str) -> Result<Color, String> {
    if let Some(hex) = s.strip_prefix('#') {
        if hex.len() == 6 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0);
            return Ok(Color::Rgb(byte(0), byte(2), byte(4)));
        }
        return Err(format!("bad colour \"{s}\"; hex colours are written #rrggbb"));
    }
    if let Some(n) = s.strip_prefix('@') {
        return n
            .parse::<u8>()
            .map(Color::Indexed)
            .map_err(|_| format!("bad colour \"{s}\"; use @0 to @255"));
    }
    let name: String =
        s.chars().filter(|c| !matches!(c, '-' | '_' | ' ')).collect::<String>().to_ascii_lowercase();
    let color = match name.as_str() {
        "reset" | "default" => Color::Reset,
        "black" => Color::Black,
        "red" => Color::Red,
        "green" => Color::Green,
        "yellow" => Color::Yellow,
        "blue" => Color::Blue,
        "magenta" => Color::Magenta,
        "cyan" => Color::Cyan,
        "gray" | "grey" => Color::Gray,
        "darkgray" | "darkgrey" => Color::DarkGray,
        "lightred" => Color::LightRed,
        "lightgreen" => Color::LightGreen,
        "lightyellow" => Color::LightYellow,
        "lightblue" => Color::LightBlue,
        "lightmagenta" => Color::LightMagenta,
        "lightcyan" => Color::LightCyan,
        "white" => Color::White,
        _ => {
            return Err(format!(
                "unknown colour \"{s}\"; use #rrggbb, @0 to @255, or an ANSI name such as red, \
                 lightred, gray, darkgray, white, reset"
            ))
        }
    };
    Ok(color)
}

impl Theme {
    /// The built-in themes, embedded so the binary needs no files at run time.
    pub fn builtin(name: &str) -> Option<Theme> {
        let text = match name {
            "default" => include_str!("../../themes/default.toml"),
            "light" => include_str!("../../themes/light.toml"),
            "high-contrast" => include_str!("../../themes/high-contrast.toml"),
            "mono" => include_str!("../../themes/mono.toml"),
            _ => return None,
        };
        Some(Theme::from_toml(name, text).expect("built-in themes are valid (tested)"))
    }

    pub fn names() -> &'static [&'static str] {
        &NAMES
    }

    pub fn from_toml(name: &str, text: &str) -> Result<Theme, String> {
        let err = |e: String| format!("theme \"{name}\": {e}");
        let file: ThemeFile = toml::from_str(text).map_err(|e| err(e.to_string().trim_end().to_string()))?;
        let mut styles = file.styles;
        let mut theme = Theme::blank(name);
        for (key, slot) in theme.styles_mut() {
            let value =
                styles.remove(key).ok_or_else(|| err(format!("missing style \"{key}\" in [styles]")))?;
            let spec: StyleSpec = value
                .try_into()
                .map_err(|e: toml::de::Error| err(format!("styles.{key}: {}", e.message().trim_end())))?;
            *slot = spec.to_style(key).map_err(err)?;
        }
        if let Some(key) = styles.keys().next() {
            let known: Vec<&str> = Theme::blank("").styles_mut().iter().map(|(k, _)| *k).collect();
            return Err(err(format!("unknown style \"{key}\" in [styles]; known: {}", known.join(", "))));
        }
        let heat = |field: &str, v: &str| parse_color(v).map_err(|e| err(format!("heat.{field}: {e}")));
        theme.heat_low = heat("low", &file.heat.low)?;
        theme.heat_mid = heat("mid", &file.heat.mid)?;
        theme.heat_high = heat("high", &file.heat.high)?;
        Ok(theme)
    }

    /// Choose: explicit --theme name (builtin, or a file path ending .toml), NO_COLOR set and
    /// non-empty -> "mono", otherwise "default"; then downgrade colours to what the terminal shows
    /// (16 ANSI colours without 256-colour support, the 256 palette without truecolor).
    pub fn resolve(name: Option<&str>, env: &dyn Fn(&str) -> Option<String>) -> Result<Theme, String> {
        let no_color = env("NO_COLOR").is_some_and(|v| !v.is_empty());
        let theme = match name {
            // An explicit choice beats NO_COLOR, as no-color.org asks.
            Some(name) => match Theme::builtin(name) {
                Some(theme) => theme,
                None if name.ends_with(".toml") => {
                    let path = std::path::Path::new(name);
                    let text =
                        std::fs::read_to_string(path).map_err(|e| format!("theme file {name}: {e}"))?;
                    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
                    Theme::from_toml(&stem, &text).map_err(|e| format!("theme file {name}: {e}"))?
                }
                None => {
                    return Err(format!(
                        "unknown theme \"{name}\"; built-in themes: {} (or a path to a .toml file)",
                        NAMES.join(", ")
                    ))
                }
            },
            None if no_color => Theme::builtin("mono").expect("mono is built in"),
            None => Theme::builtin("default").expect("default is built in"),
        };
        Ok(if !supports_256(env) {
            theme.to_ansi16()
        } else if !supports_truecolor(env) {
            theme.to_ansi256()
        } else {
            theme
        })
    }

    /// Maps every Rgb/Indexed colour to one of the 16 ANSI colours by hue and lightness rather
    /// than RGB distance, so a muted green stays green (positive) instead of drifting to yellow.
    pub fn to_ansi16(self) -> Theme {
        self.map_colors(ansi16)
    }

    /// Maps Rgb colours onto the xterm 256 palette, for terminals that lack truecolor (common over
    /// SSH, which does not forward COLORTERM).
    pub fn to_ansi256(self) -> Theme {
        self.map_colors(ansi256)
    }

    /// t in [0,1] -> low..mid..high: interpolated when the scale is Rgb (or all from the 256
    /// palette), otherwise the nearest of the three. NaN counts as 0.
    pub fn heat(&self, t: f64) -> Color {
        let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
        let (lo, mid, hi) = (self.heat_low, self.heat_mid, self.heat_high);
        let (a, b, f) = if t <= 0.5 { (lo, mid, t * 2.0) } else { (mid, hi, t * 2.0 - 1.0) };
        let lerp = || {
            let (x, y) = (rgb_of(a), rgb_of(b));
            let ch = |p: u8, q: u8| (f64::from(p) + (f64::from(q) - f64::from(p)) * f).round() as u8;
            Color::Rgb(ch(x.0, y.0), ch(x.1, y.1), ch(x.2, y.2))
        };
        if [lo, mid, hi].iter().all(|c| matches!(c, Color::Rgb(..))) {
            lerp()
        } else if [lo, mid, hi].iter().all(|c| matches!(c, Color::Indexed(i) if *i >= 16)) {
            ansi256(lerp())
        } else if t < 1.0 / 3.0 {
            lo
        } else if t < 2.0 / 3.0 {
            mid
        } else {
            hi
        }
    }

    fn blank(name: &str) -> Theme {
        let s = Style::new();
        #[rustfmt::skip]
        let theme = Theme {
            name: name.to_string(),
            base: s, dim: s, title: s, header: s, border: s, border_focus: s, selected: s, marked: s,
            tab: s, tab_active: s, positive: s, negative: s, accent: s, info: s, warning: s,
            critical: s, ok: s, status_bar: s, footer_key: s, footer_desc: s, chart_line: s,
            chart_alt: s, chart_drawdown: s,
            heat_low: Color::Reset, heat_mid: Color::Reset, heat_high: Color::Reset,
        };
        theme
    }

    /// The one list of style keys: parsing, validation and colour mapping all walk it.
    fn styles_mut(&mut self) -> [(&'static str, &mut Style); 23] {
        [
            ("base", &mut self.base),
            ("dim", &mut self.dim),
            ("title", &mut self.title),
            ("header", &mut self.header),
            ("border", &mut self.border),
            ("border_focus", &mut self.border_focus),
            ("selected", &mut self.selected),
            ("marked", &mut self.marked),
            ("tab", &mut self.tab),
            ("tab_active", &mut self.tab_active),
            ("positive", &mut self.positive),
            ("negative", &mut self.negative),
            ("accent", &mut self.accent),
            ("info", &mut self.info),
            ("warning", &mut self.warning),
            ("critical", &mut self.critical),
            ("ok", &mut self.ok),
            ("status_bar", &mut self.status_bar),
            ("footer_key", &mut self.footer_key),
            ("footer_desc", &mut self.footer_desc),
            ("chart_line", &mut self.chart_line),
            ("chart_alt", &mut self.chart_alt),
            ("chart_drawdown", &mut self.chart_drawdown),
        ]
    }

    fn map_colors(mut self, f: fn(Color) -> Color) -> Theme {
        for (_, style) in self.styles_mut() {
            style.fg = style.fg.map(f);
            style.bg = style.bg.map(f);
        }
        self.heat_low = f(self.heat_low);
        self.heat_mid = f(self.heat_mid);
        self.heat_high = f(self.heat_high);
        self
    }
}

/// Whether the terminal shows the 256-colour palette. COLORTERM truecolor/24bit or TERM containing
/// 256color/direct -> true; plain "linux", "vt100", "xterm", "screen" or an unset TERM -> false.
pub fn supports_256(env: &dyn Fn(&str) -> Option<String>) -> bool {
    supports_truecolor(env) || env("TERM").is_some_and(|t| t.contains("256color"))
}

/// Whether 24-bit colour is safe. Terminals known to support it are trusted by TERM alone because
/// SSH drops COLORTERM.
pub fn supports_truecolor(env: &dyn Fn(&str) -> Option<String>) -> bool {
    const TRUECOLOR_TERMS: [&str; 7] =
        ["direct", "kitty", "alacritty", "wezterm", "foot", "ghostty", "contour"];
    let colorterm = env("COLORTERM").unwrap_or_default().to_ascii_lowercase();
    let term = env("TERM").unwrap_or_default();
    matches!(colorterm.as_str(), "truecolor" | "24bit") || TRUECOLOR_TERMS.iter().any(|t| term.contains(t))
}

#[rustfmt::skip]
const ANSI16: [Color; 16] = [
    Color::Black, Color::Red, Color::Green, Color::Yellow, Color::Blue, Color::Magenta, Color::Cyan,
    Color::Gray, Color::DarkGray, Color::LightRed, Color::LightGreen, Color::LightYellow,
    Color::LightBlue, Color::LightMagenta, Color::LightCyan, Color::White,
];

/// RGB of a palette index (xterm defaults for 0-15; the 6x6x6 cube and gray ramp above).
fn indexed_rgb(i: u8) -> (u8, u8, u8) {
    #[rustfmt::skip]
    const LOW: [(u8, u8, u8); 16] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205),
        (229, 229, 229), (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255),
        (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ];
    const LEVELS: [u8; 6] = [0, 95, 135, 175, 215, 255];
    match i {
        0..=15 => LOW[i as usize],
        16..=231 => {
            let n = i - 16;
            (LEVELS[(n / 36) as usize], LEVELS[(n / 6 % 6) as usize], LEVELS[(n % 6) as usize])
        }
        _ => {
            let v = 8 + 10 * (i - 232);
            (v, v, v)
        }
    }
}

fn rgb_of(c: Color) -> (u8, u8, u8) {
    match c {
        Color::Rgb(r, g, b) => (r, g, b),
        Color::Indexed(i) => indexed_rgb(i),
        _ => (0, 0, 0),
    }
}

fn ansi16(c: Color) -> Color {
    let (r, g, b) = match c {
        Color::Indexed(i) if i < 16 => return ANSI16[i as usize],
        Color::Indexed(i) => indexed_rgb(i),
        Color::Rgb(r, g, b) => (r, g, b),
        other => return other,
    };
    let (r, g, b) = (f64::from(r) / 255.0, f64::from(g) / 255.0, f64::from(b) / 255.0);
    let (max, min) = (r.max(g).max(b), r.min(g).min(b));
    let (chroma, light) = (max - min, (max + min) / 2.0);
    let sat = if chroma == 0.0 { 0.0 } else { chroma / (1.0 - (2.0 * light - 1.0).abs()) };
    if chroma < 0.12 || sat < 0.25 {
        return match light {
            l if l < 0.2 => Color::Black,
            l if l < 0.55 => Color::DarkGray,
            l if l < 0.85 => Color::Gray,
            _ => Color::White,
        };
    }
    let hue = if max == r {
        60.0 * ((g - b) / chroma).rem_euclid(6.0)
    } else if max == g {
        60.0 * ((b - r) / chroma + 2.0)
    } else {
        60.0 * ((r - g) / chroma + 4.0)
    };
    // Orange counts as yellow (warning); yellow-greens count as green (positive).
    let base = match hue {
        h if !(20.0..330.0).contains(&h) => 1,
        h if h < 70.0 => 3,
        h if h < 165.0 => 2,
        h if h < 200.0 => 6,
        h if h < 260.0 => 4,
        _ => 5,
    };
    let bright = light > 0.6 || max > 0.95;
    ANSI16[base + if bright { 8 } else { 0 }]
}

fn ansi256(c: Color) -> Color {
    let Color::Rgb(r, g, b) = c else { return c };
    let dist = |(x, y, z): (u8, u8, u8)| {
        let d = |p: u8, q: u8| (i32::from(p) - i32::from(q)).pow(2);
        d(x, r) + d(y, g) + d(z, b)
    };
    let best = (16..=255u8).min_by_key(|&i| dist(indexed_rgb(i))).unwrap_or(16);
    Color::Indexed(best)
}

#[cfg(test)]
mod tests;
