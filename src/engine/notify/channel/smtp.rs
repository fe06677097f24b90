//! Email over SMTP (lettre): TLS, STARTTLS, or plain to a relay on this machine (notify.toml
//! refuses a login in clear to any other host).

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use crate::engine::notify::config::SmtpTls;
use crate::engine::notify::message::Message;
use crate::engine::secrets::Secret;

#[allow(clippy::too_many_arguments)]
pub async fn send(
    host: &str,
    port: u16,
    tls: SmtpTls,
    login: Option<(&str, &Secret)>,
    from: &str,
    to: &[String],
    msg: &Message,
    timeout: Duration,
) -> Result<(), String> {
    let builder = match tls {
        SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host).map_err(|e| e.to_string())?,
        SmtpTls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host).map_err(|e| e.to_string())?,
        SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
    };
    let mut builder = builder.port(port).timeout(Some(timeout));
    if let Some((user, password)) = login {
        builder = builder.credentials(Credentials::new(user.to_string(), password.expose().to_string()));
    }
    let transport = builder.build();
    let mut email = lettre::Message::builder()
        .from(from.parse().map_err(|e| format!("from: {e}"))?)
        .subject(msg.title.clone());
    for a in to {
        email = email.to(a.parse().map_err(|e| format!("to {a}: {e}"))?);
    }
    let email = email.header(ContentType::TEXT_PLAIN).body(msg.body.clone()).map_err(|e| e.to_string())?;
    transport.send(email).await.map(|_| ()).map_err(|e| e.to_string())
}
