//! `<workspace>/notify.toml`: the channels, the routing rules and the delivery settings
//! (docs/notifications.md explains every key). Read again by the dispatcher whenever the file
//! changes, so an edit applies without a restart. Errors name the file, the line and the dotted
//! key: toml's own for syntax and types ([`TomlError`]), [`NotifyError::Field`] for a value
//! that parses but cannot work. No key of this file holds a secret: tokens and passwords live in
//! the keyring (`quantlab notify secret set CHANNEL`).
//!
//! [`TomlError`]: crate::engine::config::TomlError

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::error::NotifyError;
use crate::engine::alerts::Severity;
use crate::engine::error::{Error, Result};
use crate::engine::workspace::Workspace;

/// Relative to the workspace root.
pub const NOTIFY_FILE: &str = "notify.toml";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChannelKind {
    Webhook,
    Ntfy,
    Telegram,
    Email,
}

impl ChannelKind {
    pub fn name(self) -> &'static str {
        match self {
            ChannelKind::Webhook => "webhook",
            ChannelKind::Ntfy => "ntfy",
            ChannelKind::Telegram => "telegram",
            ChannelKind::Email => "email",
        }
    }
}

/// How a webhook or ntfy request proves who sends it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Auth {
    None,
    /// `Authorization: Bearer <the channel's secret from the keyring>`.
    Bearer,
}

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// TLS from the first byte (port 465).
    Tls,
    /// Plain, then STARTTLS, required (port 587).
    Starttls,
    /// No TLS: only to a relay on this machine, or without a login.
    None,
}

/// A Telegram chat id, written as a number or a string (`@channelname`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
enum ChatId {
    Number(i64),
    Text(String),
}

/// One `[channels.NAME]` table as written: every kind's keys, checked per kind below.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChannel {
    kind: ChannelKind,
    url: Option<String>,
    server: Option<String>,
    topic: Option<String>,
    api_base: Option<String>,
    chat_id: Option<ChatId>,
    host: Option<String>,
    port: Option<u16>,
    tls: Option<SmtpTls>,
    username: Option<String>,
    from: Option<String>,
    to: Option<Vec<String>>,
    auth: Option<Auth>,
    max_per_hour: Option<u32>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRoute {
    #[serde(default = "info")]
    min_severity: Severity,
    #[serde(default)]
    codes: Vec<String>,
    #[serde(default)]
    except_codes: Vec<String>,
    channels: Vec<String>,
}

fn info() -> Severity {
    Severity::Info
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDedup {
    window_minutes: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuiet {
    start: String,
    end: String,
    channels: Option<Vec<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEscalation {
    after_minutes: u32,
    chain: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeartbeat {
    every_minutes: u32,
    channels: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSummary {
    at: String,
    channels: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDelivery {
    max_attempts: Option<u32>,
    backoff_initial_seconds: Option<u32>,
    backoff_max_seconds: Option<u32>,
    timeout_seconds: Option<u32>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    schema_version: u32,
    utc_offset: Option<String>,
    #[serde(default)]
    channels: BTreeMap<String, RawChannel>,
    #[serde(default)]
    route: Vec<RawRoute>,
    dedup: Option<RawDedup>,
    quiet_hours: Option<RawQuiet>,
    escalation: Option<RawEscalation>,
    heartbeat: Option<RawHeartbeat>,
    daily_summary: Option<RawSummary>,
    delivery: Option<RawDelivery>,
}

/// Where and how one channel delivers.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Webhook { url: String, bearer: bool },
    Ntfy { server: String, topic: String, bearer: bool },
    Telegram { api_base: String, chat_id: String },
    Email { host: String, port: u16, tls: SmtpTls, username: Option<String>, from: String, to: Vec<String> },
}

impl Target {
    /// Whether the channel's secret (keyring `notify/<channel>`) is needed to deliver.
    pub fn needs_secret(&self) -> bool {
        match self {
            Target::Webhook { bearer, .. } | Target::Ntfy { bearer, .. } => *bearer,
            Target::Telegram { .. } => true,
            Target::Email { username, .. } => username.is_some(),
        }
    }

    pub fn kind(&self) -> ChannelKind {
        match self {
            Target::Webhook { .. } => ChannelKind::Webhook,
            Target::Ntfy { .. } => ChannelKind::Ntfy,
            Target::Telegram { .. } => ChannelKind::Telegram,
            Target::Email { .. } => ChannelKind::Email,
        }
    }

    /// Where it delivers, for `notify status`: never the secret (a Telegram token is in the
    /// request's path, not here).
    pub fn describe(&self) -> String {
        match self {
            Target::Webhook { url, .. } => url.clone(),
            Target::Ntfy { server, topic, .. } => format!("{}/{topic}", server.trim_end_matches('/')),
            Target::Telegram { api_base, chat_id } => format!("{api_base} chat {chat_id}"),
            Target::Email { host, port, to, .. } => format!("smtp {host}:{port} to {}", to.join(", ")),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Channel {
    pub name: String,
    pub target: Target,
    /// Messages a rolling hour may carry; `None`: no limit. Critical alerts always go.
    pub max_per_hour: Option<u32>,
}

/// One `[[route]]`: alerts at or above `min_severity` whose code matches go to `channels`.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    pub min_severity: Severity,
    /// Exact codes, or prefixes ending in `*`; empty: every code.
    pub codes: Vec<String>,
    pub except_codes: Vec<String>,
    pub channels: Vec<String>,
}

/// Minutes after local midnight, in the file's `utc_offset`.
pub type Minute = u32;

#[derive(Debug, Clone, PartialEq)]
pub struct Quiet {
    pub start: Minute,
    pub end: Minute,
    /// The channels kept quiet; every channel when the file names none.
    pub channels: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Escalation {
    pub after_minutes: u32,
    pub chain: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Heartbeat {
    pub every_minutes: u32,
    pub channels: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DailySummary {
    pub at: Minute,
    pub channels: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    pub max_attempts: u32,
    pub backoff_initial_seconds: u32,
    pub backoff_max_seconds: u32,
    pub timeout_seconds: u32,
}

impl Default for Delivery {
    fn default() -> Delivery {
        Delivery { max_attempts: 8, backoff_initial_seconds: 5, backoff_max_seconds: 900, timeout_seconds: 10 }
    }
}

/// notify.toml, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct NotifyConfig {
    /// Local time for quiet hours and the daily summary: minutes east of UTC.
    pub utc_offset_minutes: i32,
    pub channels: Vec<Channel>,
    pub routes: Vec<Route>,
    /// Repeats of one code from one source to one channel within this are not sent again; 0: off.
    pub dedup_minutes: u32,
    pub quiet: Option<Quiet>,
    pub escalation: Option<Escalation>,
    pub heartbeat: Option<Heartbeat>,
    pub daily_summary: Option<DailySummary>,
    pub delivery: Delivery,
}

impl NotifyConfig {
    pub fn channel(&self, name: &str) -> Option<&Channel> {
        self.channels.iter().find(|c| c.name == name)
    }
}

/// The path of the workspace's file.
pub fn path(ws: &Workspace) -> PathBuf {
    ws.root().join(NOTIFY_FILE)
}

/// The workspace's notify.toml with its text; `None` when there is none.
pub fn load(ws: &Workspace) -> Result<Option<(NotifyConfig, String)>> {
    let p = path(ws);
    let text = match std::fs::read_to_string(&p) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io("cannot read", &p, e)),
    };
    let c = parse(&text, &p)?;
    Ok(Some((c, text)))
}

/// A channel name: a table key and a keyring entry (`notify/<name>`).
pub fn check_name(name: &str) -> std::result::Result<(), NotifyError> {
    let ok = !name.is_empty()
        && name.len() <= 40
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(NotifyError::BadName(name.into()))
    }
}

/// Finds the line of a key in the file's text, for errors on values that parse.
struct Lines<'a> {
    text: &'a str,
}

impl Lines<'_> {
    /// The line of `key` in table `table` (`channels.tg`), or of the `nth` (0-based) array
    /// table `table` (`route`) when `nth` is given; the table's header line when the key is
    /// not written there; `None` when neither is found.
    fn find(&self, table: &str, nth: Option<usize>, key: Option<&str>) -> Option<usize> {
        let mut header_line = None;
        let mut seen = 0usize;
        // Top-level keys are written before any table header.
        let mut inside = table.is_empty() && nth.is_none();
        for (i, raw) in self.text.lines().enumerate() {
            let l = raw.trim();
            if l.starts_with('[') {
                let name = l.trim_start_matches('[').split(']').next().unwrap_or("").trim();
                let array = l.starts_with("[[");
                let name = name.replace(['"', '\'', ' '], "");
                inside = false;
                if name == table {
                    match nth {
                        Some(n) if array => {
                            if seen == n {
                                inside = true;
                                header_line = Some(i + 1);
                            }
                            seen += 1;
                        }
                        None if !array => {
                            inside = true;
                            header_line = Some(i + 1);
                        }
                        _ => {}
                    }
                }
                continue;
            }
            if inside {
                if let (Some(k), Some((lhs, _))) = (key, l.split_once('=')) {
                    if lhs.trim().trim_matches('"') == k {
                        return Some(i + 1);
                    }
                }
            }
        }
        header_line
    }
}

struct Checker<'a> {
    file: &'a Path,
    lines: Lines<'a>,
}

impl Checker<'_> {
    fn bad(&self, table: &str, nth: Option<usize>, key: Option<&str>, problem: impl std::fmt::Display) -> Error {
        let line = self.lines.find(table, nth, key).or_else(|| self.lines.find(table, None, key));
        let shown_table = match nth {
            Some(n) => format!("{table}[{}]", n + 1),
            None => table.to_string(),
        };
        let dotted = match key {
            Some(k) if shown_table.is_empty() => k.to_string(),
            Some(k) => format!("{shown_table}.{k}"),
            None => shown_table,
        };
        let e = NotifyError::Field {
            file: self.file.to_path_buf(),
            line,
            key: dotted.clone(),
            problem: problem.to_string(),
        };
        Error::from(e).with_field(dotted)
    }
}

/// Parse and check notify.toml text; errors name `file`, the line and the key.
pub fn parse(text: &str, file: &Path) -> Result<NotifyConfig> {
    let raw: Raw = toml::from_str(text).map_err(|e| crate::engine::config::toml_error(file, text, e))?;
    let ck = Checker { file, lines: Lines { text } };
    if raw.schema_version != 1 {
        return Err(ck.bad(
            "",
            None,
            Some("schema_version"),
            format!("{} is not a version this QuantLab reads (1)", raw.schema_version),
        ));
    }
    let utc_offset_minutes = match &raw.utc_offset {
        None => 0,
        Some(s) => parse_offset(s).ok_or_else(|| {
            ck.bad("", None, Some("utc_offset"), format!("'{s}' is not an offset like +02:00 or -05:30"))
        })?,
    };
    let mut channels = Vec::new();
    for (name, c) in &raw.channels {
        let table = format!("channels.{name}");
        if check_name(name).is_err() {
            return Err(ck.bad(&table, None, None, "a channel name is letters, digits, '-' and '_' (at most 40)"));
        }
        channels.push(channel(&ck, &table, name, c)?);
    }
    let names: Vec<&str> = channels.iter().map(|c| c.name.as_str()).collect();
    let known = |table: &str, nth: Option<usize>, key: &str, list: &[String]| -> Result<()> {
        for n in list {
            if !names.contains(&n.as_str()) {
                let have = if names.is_empty() { "none".to_string() } else { names.join(", ") };
                return Err(ck.bad(table, nth, Some(key), format!("'{n}' is not a channel of this file (its channels: {have})")));
            }
        }
        Ok(())
    };
    let mut routes = Vec::new();
    for (i, r) in raw.route.iter().enumerate() {
        if r.channels.is_empty() {
            return Err(ck.bad("route", Some(i), Some("channels"), "must name at least one channel"));
        }
        known("route", Some(i), "channels", &r.channels)?;
        for (key, list) in [("codes", &r.codes), ("except_codes", &r.except_codes)] {
            for c in list {
                if !is_code_pattern(c) {
                    return Err(ck.bad(
                        "route",
                        Some(i),
                        Some(key),
                        format!("'{c}' is not an alert code (ORDER_FILLED) or a prefix ending in * (LIVE_*)"),
                    ));
                }
            }
        }
        routes.push(Route {
            min_severity: r.min_severity,
            codes: r.codes.clone(),
            except_codes: r.except_codes.clone(),
            channels: r.channels.clone(),
        });
    }
    let dedup_minutes = raw.dedup.as_ref().map_or(10, |d| d.window_minutes);
    let quiet = match &raw.quiet_hours {
        None => None,
        Some(q) => {
            let start = parse_clock(&q.start)
                .ok_or_else(|| ck.bad("quiet_hours", None, Some("start"), format!("'{}' is not a time like 22:00", q.start)))?;
            let end = parse_clock(&q.end)
                .ok_or_else(|| ck.bad("quiet_hours", None, Some("end"), format!("'{}' is not a time like 07:00", q.end)))?;
            if start == end {
                return Err(ck.bad("quiet_hours", None, Some("end"), "equals start: the quiet hours would be empty"));
            }
            let chans = q.channels.clone().unwrap_or_else(|| names.iter().map(|s| s.to_string()).collect());
            known("quiet_hours", None, "channels", &chans)?;
            Some(Quiet { start, end, channels: chans })
        }
    };
    let escalation = match &raw.escalation {
        None => None,
        Some(e) => {
            if e.after_minutes == 0 {
                return Err(ck.bad("escalation", None, Some("after_minutes"), "must be at least 1"));
            }
            if e.chain.is_empty() {
                return Err(ck.bad("escalation", None, Some("chain"), "must name at least one channel"));
            }
            known("escalation", None, "chain", &e.chain)?;
            Some(Escalation { after_minutes: e.after_minutes, chain: e.chain.clone() })
        }
    };
    let heartbeat = match &raw.heartbeat {
        None => None,
        Some(h) => {
            if h.every_minutes == 0 {
                return Err(ck.bad("heartbeat", None, Some("every_minutes"), "must be at least 1"));
            }
            if h.channels.is_empty() {
                return Err(ck.bad("heartbeat", None, Some("channels"), "must name at least one channel"));
            }
            known("heartbeat", None, "channels", &h.channels)?;
            Some(Heartbeat { every_minutes: h.every_minutes, channels: h.channels.clone() })
        }
    };
    let daily_summary = match &raw.daily_summary {
        None => None,
        Some(s) => {
            let at = parse_clock(&s.at)
                .ok_or_else(|| ck.bad("daily_summary", None, Some("at"), format!("'{}' is not a time like 18:00", s.at)))?;
            if s.channels.is_empty() {
                return Err(ck.bad("daily_summary", None, Some("channels"), "must name at least one channel"));
            }
            known("daily_summary", None, "channels", &s.channels)?;
            Some(DailySummary { at, channels: s.channels.clone() })
        }
    };
    let mut delivery = Delivery::default();
    if let Some(d) = &raw.delivery {
        let bounded = |key: &str, v: Option<u32>, lo: u32, hi: u32, default: u32| -> Result<u32> {
            match v {
                None => Ok(default),
                Some(v) if (lo..=hi).contains(&v) => Ok(v),
                Some(v) => Err(ck.bad("delivery", None, Some(key), format!("{v} is outside {lo}..={hi}"))),
            }
        };
        delivery.max_attempts = bounded("max_attempts", d.max_attempts, 1, 100, delivery.max_attempts)?;
        delivery.backoff_initial_seconds =
            bounded("backoff_initial_seconds", d.backoff_initial_seconds, 1, 3600, delivery.backoff_initial_seconds)?;
        delivery.backoff_max_seconds =
            bounded("backoff_max_seconds", d.backoff_max_seconds, 1, 86_400, delivery.backoff_max_seconds)?;
        delivery.timeout_seconds = bounded("timeout_seconds", d.timeout_seconds, 1, 120, delivery.timeout_seconds)?;
        if delivery.backoff_max_seconds < delivery.backoff_initial_seconds {
            return Err(ck.bad("delivery", None, Some("backoff_max_seconds"), "is below backoff_initial_seconds"));
        }
    }
    Ok(NotifyConfig {
        utc_offset_minutes,
        channels,
        routes,
        dedup_minutes,
        quiet,
        escalation,
        heartbeat,
        daily_summary,
        delivery,
    })
}

/// `ORDER_FILLED` or a prefix `LIVE_*`.
fn is_code_pattern(c: &str) -> bool {
    let body = c.strip_suffix('*').unwrap_or(c);
    (!body.is_empty() || c == "*") && body.chars().all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit() || ch == '_')
}

mod channel;
mod clock;
#[cfg(test)]
mod tests;

use channel::channel;
use clock::{parse_clock, parse_offset};
