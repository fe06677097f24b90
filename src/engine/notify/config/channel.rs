//! One `[channel.NAME]` of notify.toml, checked by kind: the keys its kind needs, none of
//! another kind's, and URLs that keep a token off the network in clear.

use super::*;

pub(super) fn channel(ck: &Checker<'_>, table: &str, name: &str, c: &RawChannel) -> Result<Channel> {
    let kind = c.kind.name();
    let need = |key: &str, v: &Option<String>| -> Result<String> {
        match v.as_deref().map(str::trim) {
            Some(s) if !s.is_empty() => Ok(s.to_string()),
            _ => Err(ck.bad(table, None, Some(key), format!("is required for a {kind} channel"))),
        }
    };
    // Keys of other kinds are mistakes the operator should hear of, not silently ignored.
    let given: [(&str, bool); 12] = [
        ("url", c.url.is_some()),
        ("server", c.server.is_some()),
        ("topic", c.topic.is_some()),
        ("api_base", c.api_base.is_some()),
        ("chat_id", c.chat_id.is_some()),
        ("host", c.host.is_some()),
        ("port", c.port.is_some()),
        ("tls", c.tls.is_some()),
        ("username", c.username.is_some()),
        ("from", c.from.is_some()),
        ("to", c.to.is_some()),
        ("auth", c.auth.is_some()),
    ];
    let allowed: &[&str] = match c.kind {
        ChannelKind::Webhook => &["url", "auth"],
        ChannelKind::Ntfy => &["server", "topic", "auth"],
        ChannelKind::Telegram => &["api_base", "chat_id"],
        ChannelKind::Email => &["host", "port", "tls", "username", "from", "to"],
    };
    if let Some((k, _)) = given.iter().find(|(k, set)| *set && !allowed.contains(k)) {
        return Err(ck.bad(table, None, Some(k), format!("is not a key of a {kind} channel (its keys: kind, {}, max_per_hour)", allowed.join(", "))));
    }
    let http_url = |key: &str, v: String| -> Result<String> {
        match check_http_url(&v) {
            Ok(()) => Ok(v.trim_end_matches('/').to_string()),
            Err(why) => Err(ck.bad(table, None, Some(key), why)),
        }
    };
    let bearer = c.auth == Some(Auth::Bearer);
    let target = match c.kind {
        ChannelKind::Webhook => Target::Webhook { url: http_url("url", need("url", &c.url)?)?, bearer },
        ChannelKind::Ntfy => {
            let server = http_url("server", c.server.clone().unwrap_or_else(|| "https://ntfy.sh".into()))?;
            let topic = need("topic", &c.topic)?;
            if !topic.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_') || topic.len() > 64 {
                return Err(ck.bad(table, None, Some("topic"), "a topic is letters, digits, '-' and '_' (at most 64)"));
            }
            Target::Ntfy { server, topic, bearer }
        }
        ChannelKind::Telegram => {
            let api_base =
                http_url("api_base", c.api_base.clone().unwrap_or_else(|| "https://api.telegram.org".into()))?;
            let chat_id = match &c.chat_id {
                Some(ChatId::Number(n)) => n.to_string(),
                Some(ChatId::Text(s)) if !s.trim().is_empty() => s.trim().to_string(),
                _ => return Err(ck.bad(table, None, Some("chat_id"), "is required for a telegram channel")),
            };
            Target::Telegram { api_base, chat_id }
        }
        ChannelKind::Email => {
            let host = need("host", &c.host)?;
            let tls = c.tls.unwrap_or(SmtpTls::Starttls);
            let port = c.port.unwrap_or(match tls {
                SmtpTls::Tls => 465,
                SmtpTls::Starttls => 587,
                SmtpTls::None => 25,
            });
            let username = c.username.clone().filter(|u| !u.trim().is_empty());
            if tls == SmtpTls::None && username.is_some() && !is_loopback_host(&host) {
                return Err(ck.bad(
                    table,
                    None,
                    Some("tls"),
                    format!("\"none\" would send the password in clear to {host}: use \"starttls\" or \"tls\" (a relay on this machine may use \"none\")"),
                ));
            }
            let from = need("from", &c.from)?;
            let to = c.to.clone().unwrap_or_default();
            if to.is_empty() {
                return Err(ck.bad(table, None, Some("to"), "must name at least one address"));
            }
            for a in std::iter::once(&from).chain(&to) {
                if a.parse::<lettre::message::Mailbox>().is_err() {
                    let key = if a == &from { "from" } else { "to" };
                    return Err(ck.bad(table, None, Some(key), format!("'{a}' is not an email address")));
                }
            }
            Target::Email { host, port, tls, username, from, to }
        }
    };
    if c.max_per_hour == Some(0) {
        return Err(ck.bad(table, None, Some("max_per_hour"), "must be at least 1 (leave it out for no limit)"));
    }
    Ok(Channel { name: name.to_string(), target, max_per_hour: c.max_per_hour })
}


/// An https URL, or http to this machine only: a bearer token or a bot token must not cross
/// a network in clear.
fn check_http_url(s: &str) -> std::result::Result<(), String> {
    let u = url::Url::parse(s).map_err(|e| format!("'{s}' is not a URL ({e})"))?;
    if !u.username().is_empty() || u.password().is_some() {
        return Err("holds user info before '@': put secrets in the keyring, not in the URL".into());
    }
    let host = u.host_str().ok_or_else(|| format!("'{s}' has no host"))?;
    match u.scheme() {
        "https" => Ok(()),
        "http" if is_loopback_host(host) => Ok(()),
        "http" => Err(format!("'{s}' is plain http to another machine: use https (http is for this machine only)")),
        other => Err(format!("its scheme '{other}' is not https")),
    }
}

fn is_loopback_host(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost") || h.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}
