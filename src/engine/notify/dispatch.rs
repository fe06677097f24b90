//! The dispatcher: one pass ([`Dispatcher::tick`]) reads the alerts raised since the last pass
//! from the alert log, routes each (rules, dedup, quiet hours, rate limits), watches critical
//! ones for escalation, queues the heartbeat and the daily summary when due, and sends what is
//! due, each channel on its own so one slow channel holds up no other. A failed attempt is
//! retried with exponential backoff; a channel that starts failing raises NOTIFY_FAILED, a
//! message given up raises NOTIFY_UNDELIVERED. Neither is ever sent to the channel it is about,
//! and a failure to deliver a NOTIFY_ alert raises nothing, so failures cannot feed themselves.
//!
//! Nothing here runs on the trading path: alerts are raised by appending a line
//! (`alerts::raise`), and the dispatcher reads that line later in a thread or process of its
//! own (`background.rs`). The clock is the caller's (`now` in ms), so tests can move it.

use std::collections::HashSet;
use std::io::{Read, Seek, SeekFrom};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::config::{self, Channel, NotifyConfig};
use super::error::NotifyError;
use super::log::{self, DeliveryRecord, DeliveryStatus, Outcome};
use super::message::Message;
use super::state::{self, Job, State};
use super::quiet::local_day;
use super::{channel, quiet, route, summary};
use crate::engine::alerts::{self, codes, Ack, Alert, Severity};
use crate::engine::error::{Error, Result};
use crate::engine::secrets::{CredentialKey, CredentialStore, Secret};
use crate::engine::time::fmt_ms;
use crate::engine::workspace::Workspace;

/// At most this many messages go to one channel in one pass; the rest wait for the next.
const PER_PASS: usize = 20;

/// What one pass did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TickReport {
    /// No notify.toml: nothing was read or sent.
    pub idle: bool,
    pub alerts_read: usize,
    pub queued: usize,
    pub delivered: usize,
    pub failed_attempts: usize,
    /// Not sent: a repeat, quiet hours or the rate limit.
    pub skipped: usize,
}

pub struct Dispatcher {
    ws: Workspace,
    store: Arc<dyn CredentialStore>,
    by: String,
    rt: tokio::runtime::Runtime,
    http: Option<(u32, reqwest::Client)>,
    config: Option<(String, NotifyConfig)>,
    /// The last invalid notify.toml's error, raised as NOTIFY_CONFIG.
    config_error: Option<String>,
}

fn alerts_log(ws: &Workspace) -> std::path::PathBuf {
    ws.root().join("alerts").join("alerts.jsonl")
}

impl Dispatcher {
    /// A dispatcher for `ws`, reading channel secrets from `store`; `by` names this process in
    /// the delivery log (`console`, `live:<id>`, `daemon`, `cli`). Not to be made or used
    /// inside an async runtime: it runs its own.
    pub fn new(ws: Workspace, store: Arc<dyn CredentialStore>, by: impl Into<String>) -> Result<Dispatcher> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| NotifyError::Start(e.to_string()))?;
        Ok(Dispatcher { ws, store, by: by.into(), rt, http: None, config: None, config_error: None })
    }

    /// notify.toml as it is now; `None` when there is none. Parsed again only when its text
    /// changed.
    fn reload(&mut self) -> Result<Option<NotifyConfig>> {
        let p = config::path(&self.ws);
        let text = match std::fs::read_to_string(&p) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                self.config = None;
                return Ok(None);
            }
            Err(e) => return Err(Error::io("cannot read", &p, e)),
        };
        if let Some((t, c)) = &self.config {
            if *t == text {
                return Ok(Some(c.clone()));
            }
        }
        let c = config::parse(&text, &p)?;
        self.config = Some((text, c.clone()));
        Ok(Some(c))
    }

    fn http(&mut self, timeout_seconds: u32) -> Result<reqwest::Client> {
        if let Some((t, c)) = &self.http {
            if *t == timeout_seconds {
                return Ok(c.clone());
            }
        }
        let t = Duration::from_secs(u64::from(timeout_seconds));
        let c = reqwest::Client::builder()
            .timeout(t)
            .connect_timeout(t)
            .user_agent(concat!("quantlab-notify/", env!("CARGO_PKG_VERSION")))
            // A redirect is a failure, not a second request: a token or bearer header is sent
            // only to the URL the operator wrote.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| NotifyError::Start(e.without_url().to_string()))?;
        self.http = Some((timeout_seconds, c.clone()));
        Ok(c)
    }

    /// The channel's secret when it needs one; why not when it cannot be had (no value).
    fn secret(&self, ch: &Channel) -> std::result::Result<Option<Secret>, String> {
        if !ch.target.needs_secret() {
            return Ok(None);
        }
        match self.store.get(&CredentialKey::notify(&ch.name)) {
            Ok(Some(s)) => Ok(Some(s)),
            Ok(None) => Err(format!(
                "no secret for channel '{}' in {}: store it with `quantlab notify secret set {}`",
                ch.name,
                self.store.name(),
                ch.name
            )),
            Err(e) => Err(e.message),
        }
    }

    /// One pass at `now` (ms). An invalid notify.toml raises NOTIFY_CONFIG (once until
    /// acknowledged) and is returned as the error; nothing is sent until it is fixed.
    pub fn tick(&mut self, now: i64) -> Result<TickReport> {
        let cfg = match self.reload() {
            Ok(Some(c)) => {
                self.config_error = None;
                c
            }
            Ok(None) => return Ok(TickReport { idle: true, ..TickReport::default() }),
            Err(e) => {
                // Raised when the error is new to this dispatcher, not looked up every pass.
                if self.config_error.as_deref() != Some(e.message.as_str()) {
                    let _ = alerts::raise_once(&self.ws, codes::NOTIFY_CONFIG, "notify", &e.message);
                    self.config_error = Some(e.message.clone());
                }
                return Err(e);
            }
        };
        let mut report = TickReport::default();
        let (mut st, fresh) = match state::load(&self.ws) {
            Some(s) => (s, false),
            None => (self.fresh(&cfg, now), true),
        };
        let before = st.clone();
        self.route_new(&cfg, &mut st, now, &mut report)?;
        self.escalate(&cfg, &mut st, now, &mut report);
        self.schedule(&cfg, &mut st, now, &mut report);
        self.deliver(&cfg, &mut st, now, &mut report)?;
        st.dedup.prune(i64::from(cfg.dedup_minutes) * 60_000, now);
        st.rate.prune(now);
        // A fresh state is saved at once: its cursor is where the next pass starts reading.
        if fresh || st != before {
            state::save(&self.ws, &st)?;
        }
        Ok(report)
    }

    /// The state of a dispatcher that never ran here: it starts at the alert log's end (the
    /// history is not sent), and a daily summary whose time has passed today waits for
    /// tomorrow.
    fn fresh(&self, cfg: &NotifyConfig, now: i64) -> State {
        let cursor = std::fs::metadata(alerts_log(&self.ws)).map_or(0, |m| m.len());
        let past_summary = cfg
            .daily_summary
            .as_ref()
            .is_some_and(|s| quiet::local_minute(now, cfg.utc_offset_minutes) >= s.at);
        State {
            schema: state::STATE_SCHEMA.into(),
            cursor,
            last_summary_day: past_summary.then(|| local_day(now, cfg.utc_offset_minutes)),
            ..State::default()
        }
    }

    /// Route the alerts appended since the cursor.
    fn route_new(&self, cfg: &NotifyConfig, st: &mut State, now: i64, report: &mut TickReport) -> Result<()> {
        let p = alerts_log(&self.ws);
        let Ok(mut f) = std::fs::File::open(&p) else { return Ok(()) };
        let len = f.metadata().map_err(|e| Error::io("cannot read", &p, e))?.len();
        if len < st.cursor {
            // A log shorter than what was read is a new log: read it from its start.
            st.cursor = 0;
        }
        if len == st.cursor {
            return Ok(());
        }
        f.seek(SeekFrom::Start(st.cursor)).map_err(|e| Error::io("cannot read", &p, e))?;
        let mut buf = Vec::new();
        f.read_to_end(&mut buf).map_err(|e| Error::io("cannot read", &p, e))?;
        // Whole lines only: a line being appended now is read on the next pass.
        let Some(end) = buf.iter().rposition(|&b| b == b'\n') else { return Ok(()) };
        for line in buf[..end].split(|&b| b == b'\n') {
            if let Ok(a) = serde_json::from_slice::<Alert>(line) {
                report.alerts_read += 1;
                self.route_one(cfg, st, &a, now, report)?;
            }
        }
        st.cursor += end as u64 + 1;
        Ok(())
    }

    fn skip(&self, ch: &Channel, msg: &Message, status: DeliveryStatus, now: i64, report: &mut TickReport) -> Result<()> {
        report.skipped += 1;
        log::append(
            &self.ws,
            now,
            &self.by,
            Outcome {
                channel: &ch.name,
                channel_kind: ch.target.kind().name(),
                message: msg,
                status,
                attempt: 0,
                error: None,
                duration_ms: None,
                next_attempt_ms: None,
            },
        )?;
        Ok(())
    }

    fn route_one(&self, cfg: &NotifyConfig, st: &mut State, a: &Alert, now: i64, report: &mut TickReport) -> Result<()> {
        let routed = route::channels_for(&cfg.routes, a);
        let msg = Message::for_alert(a);
        let window = i64::from(cfg.dedup_minutes) * 60_000;
        let critical = a.severity == Severity::Critical;
        let mut queued_to = Vec::new();
        for name in &routed {
            // A notification failure is never sent to the channel that failed.
            if a.code.starts_with("NOTIFY_") && a.source == format!("notify:{name}") {
                continue;
            }
            let Some(ch) = cfg.channel(name) else { continue };
            if st.dedup.is_repeat(name, &a.code, &a.source, window, now) {
                self.skip(ch, &msg, DeliveryStatus::Deduplicated, now, report)?;
                continue;
            }
            if !critical && cfg.quiet.as_ref().is_some_and(|q| quiet::is_quiet(q, cfg.utc_offset_minutes, name, now)) {
                self.skip(ch, &msg, DeliveryStatus::QuietHours, now, report)?;
                continue;
            }
            if !critical && !st.rate.allows(name, ch.max_per_hour, now) {
                st.rate.hold(name, now);
                self.skip(ch, &msg, DeliveryStatus::RateLimited, now, report)?;
                continue;
            }
            st.dedup.record(name, &a.code, &a.source, now);
            st.rate.record(name, now);
            let mut message = msg.clone();
            // The first message through after some were held back says so.
            if let Some(h) = st.rate.take_held(name) {
                message.body.push_str(&format!(
                    "\n\n(+{} alert(s) held back by this channel's max_per_hour since {}: `quantlab notify log`)",
                    h.count,
                    fmt_ms(h.since_ms)
                ));
            }
            st.queue.push(Job { channel: name.clone(), message, attempts: 0, next_ms: now });
            report.queued += 1;
            queued_to.push(name.clone());
        }
        // A critical alert is watched unless every channel it was routed to had it already
        // (a repeat: the first one is watched); one routed nowhere still escalates.
        if critical && cfg.escalation.is_some() && (!queued_to.is_empty() || routed.is_empty()) {
            st.escalations.watch(&a.id, msg, queued_to, now);
        }
        Ok(())
    }

    fn escalate(&self, cfg: &NotifyConfig, st: &mut State, now: i64, report: &mut TickReport) {
        let Some(e) = &cfg.escalation else {
            st.escalations.watched.clear();
            return;
        };
        if st.escalations.watched.is_empty() {
            return;
        }
        let acked: HashSet<String> = alerts::read_lines::<Ack>(&self.ws.root().join("alerts").join("acks.jsonl"))
            .unwrap_or_default()
            .into_iter()
            .map(|a| a.alert_id)
            .collect();
        for step in st.escalations.due(e, &acked, now) {
            st.queue.push(Job { channel: step.channel, message: step.message, attempts: 0, next_ms: now });
            report.queued += 1;
        }
    }

    /// The heartbeat and the daily summary, when due. Both are scheduled messages the operator
    /// asked for: quiet hours and rate limits do not hold them back.
    fn schedule(&self, cfg: &NotifyConfig, st: &mut State, now: i64, report: &mut TickReport) {
        if let Some(h) = &cfg.heartbeat {
            let due = st.last_heartbeat_ms.is_none_or(|t| now - t >= i64::from(h.every_minutes) * 60_000);
            if due {
                let msg = summary::heartbeat(&self.ws, &self.by, now);
                for c in &h.channels {
                    st.queue.push(Job { channel: c.clone(), message: msg.clone(), attempts: 0, next_ms: now });
                    report.queued += 1;
                }
                st.last_heartbeat_ms = Some(now);
            }
        }
        if let Some(s) = &cfg.daily_summary {
            let day = local_day(now, cfg.utc_offset_minutes);
            let due = quiet::local_minute(now, cfg.utc_offset_minutes) >= s.at
                && st.last_summary_day.as_deref() != Some(day.as_str());
            if due {
                let msg = summary::build(&self.ws, now, cfg.utc_offset_minutes).message();
                for c in &s.channels {
                    st.queue.push(Job { channel: c.clone(), message: msg.clone(), attempts: 0, next_ms: now });
                    report.queued += 1;
                }
                st.last_summary_day = Some(day);
            }
        }
    }

    fn backoff_ms(cfg: &NotifyConfig, attempts: u32) -> i64 {
        let d = &cfg.delivery;
        let secs = u64::from(d.backoff_initial_seconds).saturating_mul(1u64 << attempts.saturating_sub(1).min(30));
        secs.min(u64::from(d.backoff_max_seconds)) as i64 * 1000
    }

    /// Send every due job: the channels at once, each channel's jobs in order.
    fn deliver(&mut self, cfg: &NotifyConfig, st: &mut State, now: i64, report: &mut TickReport) -> Result<()> {
        let (mut due, later): (Vec<Job>, Vec<Job>) = std::mem::take(&mut st.queue).into_iter().partition(|j| j.next_ms <= now);
        st.queue = later;
        if due.is_empty() {
            return Ok(());
        }
        // A channel taken out of the file takes its waiting messages with it.
        let mut groups: Vec<(Channel, Vec<Job>)> = Vec::new();
        for job in due.drain(..) {
            let Some(ch) = cfg.channel(&job.channel).cloned() else {
                tracing::warn!("notify: channel {} is no longer in notify.toml; its message is dropped", job.channel);
                continue;
            };
            match groups.iter_mut().find(|(c, _)| c.name == ch.name) {
                Some((_, jobs)) if jobs.len() >= PER_PASS => st.queue.push(job),
                Some((_, jobs)) => jobs.push(job),
                None => groups.push((ch, vec![job])),
            }
        }
        let http = self.http(cfg.delivery.timeout_seconds)?;
        let timeout = Duration::from_secs(u64::from(cfg.delivery.timeout_seconds));
        let mut sends = Vec::new();
        for (ch, jobs) in groups {
            let secret = self.secret(&ch);
            let http = http.clone();
            sends.push(async move {
                let mut out = Vec::new();
                for job in jobs {
                    let started = Instant::now();
                    let r = match &secret {
                        Ok(s) => channel::send(&http, &ch, s.as_ref(), &job.message, timeout).await,
                        Err(why) => Err(why.clone()),
                    };
                    out.push((job, r, started.elapsed().as_millis() as u64));
                }
                (ch, out)
            });
        }
        let results = self.rt.block_on(futures_util::future::join_all(sends));
        for (ch, outs) in results {
            for (mut job, r, ms) in outs {
                job.attempts += 1;
                let kind = ch.target.kind().name();
                let mut outcome = Outcome {
                    channel: &ch.name,
                    channel_kind: kind,
                    message: &job.message,
                    status: DeliveryStatus::Delivered,
                    attempt: job.attempts,
                    error: None,
                    duration_ms: Some(ms),
                    next_attempt_ms: None,
                };
                match r {
                    Ok(()) => {
                        report.delivered += 1;
                        log::append(&self.ws, now, &self.by, outcome)?;
                        if st.failing.remove(&ch.name) {
                            tracing::info!("notify: channel {} delivers again", ch.name);
                        }
                    }
                    Err(why) => {
                        report.failed_attempts += 1;
                        let about_notify =
                            job.message.alert.as_ref().is_some_and(|a| a.code.starts_with("NOTIFY_"));
                        let last = job.attempts >= cfg.delivery.max_attempts;
                        outcome.error = Some(why.clone());
                        tracing::warn!("notify: channel {} attempt {} failed: {why}", ch.name, job.attempts);
                        if last {
                            outcome.status = DeliveryStatus::Failed;
                            log::append(&self.ws, now, &self.by, outcome)?;
                            if !about_notify {
                                let m = format!(
                                    "channel '{}' ({kind}) gave up on \"{}\" after {} attempts: {why}",
                                    ch.name, job.message.title, job.attempts
                                );
                                alerts::raise(&self.ws, codes::NOTIFY_UNDELIVERED, &format!("notify:{}", ch.name), &m)?;
                            }
                        } else {
                            let next = now + Self::backoff_ms(cfg, job.attempts);
                            outcome.status = DeliveryStatus::Retrying;
                            outcome.next_attempt_ms = Some(next);
                            log::append(&self.ws, now, &self.by, outcome)?;
                            job.next_ms = next;
                            st.queue.push(job);
                        }
                        if st.failing.insert(ch.name.clone()) {
                            let m = format!("channel '{}' ({kind}) failed: {why}; retrying with backoff", ch.name);
                            alerts::raise_once(&self.ws, codes::NOTIFY_FAILED, &format!("notify:{}", ch.name), &m)?;
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// Send `message` on `channel` once, now (`quantlab notify test`): delivered, or the
    /// channel's error. Logged like every attempt; no retry, no alert.
    pub fn send_now(&mut self, channel_name: &str, message: &Message, now: i64) -> Result<DeliveryRecord> {
        let p = config::path(&self.ws);
        let cfg = self.reload()?.ok_or_else(|| NotifyError::NoConfig(p.clone()))?;
        let ch = cfg.channel(channel_name).cloned().ok_or_else(|| NotifyError::UnknownChannel {
            channel: channel_name.to_string(),
            file: p,
            known: cfg.channels.iter().map(|c| c.name.clone()).collect(),
        })?;
        let http = self.http(cfg.delivery.timeout_seconds)?;
        let timeout = Duration::from_secs(u64::from(cfg.delivery.timeout_seconds));
        let started = Instant::now();
        let r = match self.secret(&ch) {
            Ok(s) => self.rt.block_on(channel::send(&http, &ch, s.as_ref(), message, timeout)),
            Err(why) => Err(why),
        };
        let ms = started.elapsed().as_millis() as u64;
        let kind = ch.target.kind().name();
        let rec = log::append(
            &self.ws,
            now,
            &self.by,
            Outcome {
                channel: &ch.name,
                channel_kind: kind,
                message,
                status: if r.is_ok() { DeliveryStatus::Delivered } else { DeliveryStatus::Failed },
                attempt: 1,
                error: r.as_ref().err().cloned(),
                duration_ms: Some(ms),
                next_attempt_ms: None,
            },
        )?;
        match r {
            Ok(()) => Ok(rec),
            Err(reason) => Err(NotifyError::Delivery { channel: ch.name, kind, reason }.into()),
        }
    }

    /// The channels' state for `notify status`: messages waiting, and which are failing.
    pub fn queue_view(ws: &Workspace) -> (Vec<Job>, Vec<String>, u64) {
        match state::load(ws) {
            Some(s) => (s.queue, s.failing.into_iter().collect(), s.cursor),
            None => (Vec::new(), Vec::new(), 0),
        }
    }
}
