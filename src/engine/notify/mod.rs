//! Notifications (docs/notifications.md): alerts reach the operator where they are, routed by
//! severity and code from the workspace's `notify.toml` to a JSON webhook, ntfy, Telegram or
//! email, with dedup, per-channel rate limits, quiet hours, escalation of unacknowledged
//! critical alerts, a heartbeat and a daily summary. Delivery runs off the trading path: the
//! engine raises an alert by appending a line; a dispatcher thread (console, live runners) or
//! `quantlab notify run` reads the log and sends, retrying with backoff. Every attempt is a line
//! of `notify/deliveries.jsonl`. Channel secrets are in the keyring (`notify/<channel>`).

pub mod error;
inner_modules! {
    background,
    channel,
    config,
    dedup,
    dispatch,
    escalation,
    log,
    message,
    quiet,
    rate,
    route,
    state,
    summary,
}

pub use background::{Background, Holder};
pub use config::{ChannelKind, NotifyConfig, NOTIFY_FILE};
pub use dispatch::TickReport;
pub use error::NotifyError;
pub use log::{DeliveryRecord, DeliveryStatus, DELIVERY_SCHEMA};
pub use message::MessageKind;
pub use summary::Summary;
