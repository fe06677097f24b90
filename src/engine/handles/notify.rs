//! `engine.notify()`: notifications (docs/notifications.md): the checked notify.toml, a test
//! message, the delivery log, the dispatcher's state, the daily summary, the dispatcher itself
//! (in a thread, or in the foreground for `quantlab notify run`) and the channels' secrets.

use std::sync::atomic::AtomicBool;

use serde::Serialize;

use crate::engine::alerts::Severity;
use crate::engine::notify::{
    background, config, dispatch::Dispatcher, log, message::Message, summary, Background, DeliveryRecord,
    Holder, MessageKind, NotifyConfig, NotifyError, Summary,
};
use crate::engine::secrets::{self, CredentialKey, Secret, SecretsError};
use crate::engine::time::{fmt_ms, now_ms};
use crate::engine::{Engine, Result};

/// Notifications: test, log, status, summary, run, secrets.
#[derive(Clone, Copy)]
pub struct Notify<'e> {
    pub(super) engine: &'e Engine,
}

impl Engine {
    /// Notifications: alerts routed to the operator's channels from notify.toml.
    pub fn notify(&self) -> Notify<'_> {
        Notify { engine: self }
    }
}

/// One channel as `notify status` shows it. Never its secret: only whether it needs one and
/// whether the store has it.
#[derive(Debug, Clone, Serialize)]
pub struct ChannelStatus {
    pub name: String,
    pub kind: String,
    /// Where it delivers (a Telegram channel's token is not part of it).
    pub target: String,
    pub max_per_hour: Option<u32>,
    pub needs_secret: bool,
    /// `None`: no secret needed, or the store could not be read.
    pub secret_present: Option<bool>,
    /// Its last attempt failed.
    pub failing: bool,
    /// Messages waiting for it (retries and what the last pass left).
    pub waiting: usize,
}

/// `quantlab notify status`.
#[derive(Debug, Clone, Serialize)]
pub struct NotifyStatus {
    pub file: String,
    pub channels: Vec<ChannelStatus>,
    pub routes: usize,
    pub dedup_minutes: u32,
    pub quiet_hours: Option<String>,
    pub escalation: Option<String>,
    pub heartbeat: Option<String>,
    pub daily_summary: Option<String>,
    /// The process delivering now; `None`: none runs, and alerts wait in the alert log until
    /// one starts (the console, a live session's runner, or `quantlab notify run`).
    pub dispatcher: Option<Holder>,
    /// Bytes of the alert log the dispatcher has routed, and the log's size now.
    pub alert_log_read: u64,
    pub alert_log_size: u64,
}

fn clock(m: u32) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

fn offset(m: i32) -> String {
    format!("{}{}", if m < 0 { "-" } else { "+" }, clock(m.unsigned_abs()))
}

impl Notify<'_> {
    fn dispatcher(&self, by: &str) -> Result<Dispatcher> {
        Dispatcher::new(self.engine.workspace().clone(), self.engine.credentials_shared(), by)
    }

    /// notify.toml, checked; [`NotifyError::NoConfig`] when there is none.
    pub fn config(&self) -> Result<NotifyConfig> {
        let ws = self.engine.workspace();
        match config::load(ws)? {
            Some((c, _)) => Ok(c),
            None => Err(NotifyError::NoConfig(config::path(ws)).into()),
        }
    }

    pub fn status(&self) -> Result<NotifyStatus> {
        let ws = self.engine.workspace();
        let cfg = self.config()?;
        let (queue, failing, cursor) = Dispatcher::queue_view(ws);
        let channels = cfg
            .channels
            .iter()
            .map(|c| {
                let needs = c.target.needs_secret();
                ChannelStatus {
                    name: c.name.clone(),
                    kind: c.target.kind().name().into(),
                    target: c.target.describe(),
                    max_per_hour: c.max_per_hour,
                    needs_secret: needs,
                    secret_present: if needs {
                        self.engine
                            .credentials()
                            .get(&CredentialKey::notify(&c.name))
                            .ok()
                            .map(|s| s.is_some())
                    } else {
                        None
                    },
                    failing: failing.contains(&c.name),
                    waiting: queue.iter().filter(|j| j.channel == c.name).count(),
                }
            })
            .collect();
        let size = std::fs::metadata(ws.root().join("alerts").join("alerts.jsonl")).map_or(0, |m| m.len());
        Ok(NotifyStatus {
            file: config::path(ws).display().to_string(),
            channels,
            routes: cfg.routes.len(),
            dedup_minutes: cfg.dedup_minutes,
            quiet_hours: cfg.quiet.as_ref().map(|q| {
                format!(
                    "{} to {} (UTC{}) on {}",
                    clock(q.start),
                    clock(q.end),
                    offset(cfg.utc_offset_minutes),
                    q.channels.join(", ")
                )
            }),
            escalation: cfg
                .escalation
                .as_ref()
                .map(|e| format!("every {} min unacknowledged: {}", e.after_minutes, e.chain.join(" -> "))),
            heartbeat: cfg
                .heartbeat
                .as_ref()
                .map(|h| format!("every {} min to {}", h.every_minutes, h.channels.join(", "))),
            daily_summary: cfg.daily_summary.as_ref().map(|s| {
                format!(
                    "at {} (UTC{}) to {}",
                    clock(s.at),
                    offset(cfg.utc_offset_minutes),
                    s.channels.join(", ")
                )
            }),
            dispatcher: background::holder(ws),
            alert_log_read: cursor,
            alert_log_size: size,
        })
    }

    /// Send a test message on `channel` now; the delivery's record, or an error naming the
    /// channel and why (redacted).
    pub fn test(&self, channel: &str) -> Result<DeliveryRecord> {
        let now = now_ms();
        let msg = Message {
            kind: MessageKind::Test,
            severity: Severity::Info,
            title: format!("QuantLab test message for channel {channel}"),
            body: format!(
                "`quantlab notify test {channel}` at {}: if you read this, the channel reaches you.",
                fmt_ms(now)
            ),
            alert: None,
        };
        self.dispatcher("cli")?.send_now(channel, &msg, now)
    }

    /// The delivery log, newest first: at most `limit` lines, of one channel if given.
    pub fn log(&self, limit: Option<usize>, channel: Option<&str>) -> Result<Vec<DeliveryRecord>> {
        let mut all = log::read(self.engine.workspace())?;
        all.retain(|r| channel.is_none_or(|c| r.channel == c));
        all.reverse();
        if let Some(n) = limit {
            all.truncate(n);
        }
        Ok(all)
    }

    /// Today's summary (the local day of notify.toml's `utc_offset`, UTC without one) so far.
    pub fn summary(&self) -> Result<Summary> {
        let offset = match config::load(self.engine.workspace())? {
            Some((c, _)) => c.utc_offset_minutes,
            None => 0,
        };
        Ok(summary::build(self.engine.workspace(), now_ms(), offset))
    }

    /// One dispatcher pass now, in this thread (what the background thread does each second).
    pub fn tick(&self, by: &str) -> Result<crate::engine::notify::TickReport> {
        self.dispatcher(by)?.tick(now_ms())
    }

    /// Serve as the dispatcher in this thread until `stop` (`quantlab notify run`).
    pub fn run(&self, by: &str, stop: &AtomicBool) {
        background::run(self.engine.workspace(), self.engine.credentials_shared(), by, stop)
    }

    /// The dispatcher in a thread of this process until the guard drops (the console, a live
    /// session's runner).
    pub fn background(&self, by: &str) -> Background {
        Background::start(self.engine.workspace().clone(), self.engine.credentials_shared(), by.to_string())
    }

    /// Store `channel`'s secret in the credential store (names kept in secrets_index.json).
    pub fn secret_set(&self, channel: &str, secret: &Secret) -> Result<CredentialKey> {
        config::check_name(channel)?;
        if secret.expose().trim().is_empty() {
            return Err(SecretsError::Empty.into());
        }
        let key = CredentialKey::notify(channel);
        self.engine.credentials().set(&key, secret)?;
        secrets::index::add(self.engine.workspace(), &key)?;
        Ok(key)
    }

    /// Remove `channel`'s secret; true when there was one.
    pub fn secret_delete(&self, channel: &str) -> Result<bool> {
        config::check_name(channel)?;
        let key = CredentialKey::notify(channel);
        let existed = self.engine.credentials().delete(&key)?;
        secrets::index::remove(self.engine.workspace(), &key)?;
        Ok(existed)
    }
}
