//! The shop's own mail settings, and handing a message to them.
//!
//! Alerts leave the way the shop's other mail leaves: OpenCart's settings in `{prefix}setting`
//! (code `config`, store 0) say whether that is SMTP (`config_mail_engine = smtp`, with host,
//! port, user, password and timeout) or the local `sendmail` (`mail`, or empty). The sender is
//! `config_email`, named `config_name`. Nothing else needs configuring for alerts to arrive.
//!
//! Both ways go through lettre: SMTP speaks what OpenCart's own `system/library/mail/smtp.php`
//! speaks — `tls://host` means STARTTLS, `ssl://host` TLS from the first byte (usually port
//! 465), `AUTH LOGIN` or `PLAIN` when a user name is set — over rustls with the ring provider
//! and the system's trust store, every wait bounded by OpenCart's SMTP timeout (PHP's
//! `max_execution_time` cannot interrupt a wait inside the extension); `mail` pipes the message
//! into the local sendmail with the envelope sender set to the shop's address, which is what a
//! `config_mail_parameter` of `-f address` asks PHP's `mail()` for; other parameters are not
//! passed on.

use std::collections::BTreeMap;
use std::time::Duration;

use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSendmailTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use mysql_async::prelude::*;

use crate::config::settings::Secret;
use crate::db::Database;
use crate::error::{Error, Result};

/// The local MTA's entry point, as PHP's `sendmail_path` default uses it.
pub const SENDMAIL: &str = "/usr/sbin/sendmail";

/// How the SMTP connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// No TLS (a local relay).
    Plain,
    /// Plain connect, then `STARTTLS` (required: a server that does not offer it is an error).
    StartTls,
    /// TLS from the first byte.
    Tls,
}

/// Where and how to deliver by SMTP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpTarget {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub username: String,
    pub password: Secret,
    pub timeout: Duration,
    /// The name this side gives in `EHLO`.
    pub helo: String,
}

impl SmtpTarget {
    /// Reads OpenCart's host field: `tls://host` means STARTTLS, `ssl://host` implicit TLS.
    pub fn parse_host(field: &str) -> (String, Security) {
        let field = field.trim();
        if let Some(host) = field.strip_prefix("tls://") {
            (host.to_string(), Security::StartTls)
        } else if let Some(host) = field.strip_prefix("ssl://") {
            (host.to_string(), Security::Tls)
        } else {
            (field.to_string(), Security::Plain)
        }
    }

    fn label(&self) -> String {
        format!("smtp {}:{}", self.host, self.port)
    }
}

/// Which way mail leaves the shop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailEngine {
    /// The local sendmail (OpenCart's `mail`, PHP's `mail()`).
    Mail {
        parameter: String,
    },
    Smtp(SmtpTarget),
}

/// OpenCart's mail settings.
#[derive(Debug, Clone)]
pub struct MailSettings {
    pub engine: MailEngine,
    /// `config_email`: the From address.
    pub from: String,
    /// `config_name`: the shop's name, the From display name.
    pub shop_name: String,
}

impl MailSettings {
    /// Reads the shop's mail settings from `{prefix}setting`.
    pub async fn read(db: &Database) -> Result<MailSettings> {
        let sql = format!(
            "SELECT `key`, `value` FROM {} WHERE store_id = 0 AND code = 'config' AND `key` IN \
             ('config_mail_engine', 'config_mail_parameter', 'config_mail_smtp_hostname', \
             'config_mail_smtp_username', 'config_mail_smtp_password', 'config_mail_smtp_port', \
             'config_mail_smtp_timeout', 'config_email', 'config_name')",
            db.table("setting")
        );
        let rows: Vec<(String, String)> = db
            .timed("reading the shop's mail settings", async {
                let mut conn = db.conn().await?;
                conn.exec(sql.as_str(), ())
                    .await
                    .map_err(Error::db("reading the shop's mail settings"))
            })
            .await?;
        let values: BTreeMap<String, String> = rows.into_iter().collect();
        MailSettings::from_values(&values)
    }

    /// Builds the settings from OpenCart's keys; clear errors for what cannot work.
    pub fn from_values(values: &BTreeMap<String, String>) -> Result<MailSettings> {
        let get = |k: &str| {
            values
                .get(k)
                .map(|v| v.trim().to_string())
                .unwrap_or_default()
        };
        let from = get("config_email");
        if from.is_empty() || !from.contains('@') || from.contains(['\r', '\n', '<', '>']) {
            return Err(Error::Config(
                "the shop's e-mail address (System > Settings > Store > E-Mail) is not set or not valid; alerts cannot be sent"
                    .into(),
            ));
        }
        let shop_name: String = get("config_name")
            .chars()
            .filter(|c| !c.is_control())
            .collect();
        let engine = match get("config_mail_engine").to_ascii_lowercase().as_str() {
            "smtp" => {
                let (host, security) = SmtpTarget::parse_host(&get("config_mail_smtp_hostname"));
                if host.is_empty() {
                    return Err(Error::Config(
                        "the shop sends mail by SMTP but its SMTP hostname is empty".into(),
                    ));
                }
                let port_text = get("config_mail_smtp_port");
                let port = if port_text.is_empty() {
                    25
                } else {
                    port_text
                        .parse::<u16>()
                        .ok()
                        .filter(|p| *p > 0)
                        .ok_or_else(|| {
                            Error::Config(format!(
                                "the shop's SMTP port {port_text:?} is not a port number"
                            ))
                        })?
                };
                let timeout = get("config_mail_smtp_timeout")
                    .parse::<u64>()
                    .ok()
                    .filter(|t| *t > 0)
                    .unwrap_or(5)
                    .min(120);
                let password = get("config_mail_smtp_password");
                crate::telemetry::redact::register_secret(&password);
                MailEngine::Smtp(SmtpTarget {
                    host,
                    port,
                    security,
                    username: get("config_mail_smtp_username"),
                    password: Secret::new(password),
                    timeout: Duration::from_secs(timeout),
                    helo: crate::runner::lock::hostname(),
                })
            }
            // OpenCart 4 stores 'mail'; an empty value means PHP's mail() too.
            _ => MailEngine::Mail {
                parameter: get("config_mail_parameter"),
            },
        };
        Ok(MailSettings {
            engine,
            from,
            shop_name,
        })
    }
}

/// Hands `message` to the shop's mail transport: by SMTP, or through the local sendmail.
pub async fn send(settings: &MailSettings, message: Message) -> Result<()> {
    match &settings.engine {
        MailEngine::Smtp(target) => smtp(target, message).await,
        MailEngine::Mail { .. } => sendmail(message).await,
    }
}

async fn smtp(target: &SmtpTarget, message: Message) -> Result<()> {
    let fail = |what: &str, e: &dyn std::fmt::Display| Error::Io {
        path: target.label(),
        source: std::io::Error::other(format!("{what}: {e}")),
    };
    let tls = match target.security {
        Security::Plain => Tls::None,
        Security::StartTls | Security::Tls => {
            let parameters =
                TlsParameters::new(target.host.clone()).map_err(|e| fail("setting up TLS", &e))?;
            if target.security == Security::Tls {
                Tls::Wrapper(parameters)
            } else {
                Tls::Required(parameters)
            }
        }
    };
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(target.host.as_str())
        .port(target.port)
        .tls(tls)
        .timeout(Some(target.timeout))
        .hello_name(ClientId::Domain(target.helo.clone()));
    if !target.username.is_empty() {
        builder = builder
            .credentials(Credentials::new(
                target.username.clone(),
                target.password.expose().to_string(),
            ))
            .authentication(vec![Mechanism::Login, Mechanism::Plain]);
    }
    let transport = builder.build();
    // One bound over the whole exchange too: the timeout above applies per command.
    let whole = target
        .timeout
        .saturating_mul(6)
        .max(Duration::from_secs(10));
    match tokio::time::timeout(whole, transport.send(message)).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(fail("sending the alert e-mail", &e)),
        Err(_) => Err(fail(
            "sending the alert e-mail",
            &format!("no answer within {} s", whole.as_secs()),
        )),
    }
}

/// Pipes the message into the local sendmail with its envelope (`-f from -- to`), as PHP's
/// `mail()` does for OpenCart's default `mail` engine.
async fn sendmail(message: Message) -> Result<()> {
    let fail = |reason: String| Error::Io {
        path: SENDMAIL.to_string(),
        source: std::io::Error::other(reason),
    };
    let transport = AsyncSendmailTransport::<Tokio1Executor>::new_with_command(SENDMAIL);
    match tokio::time::timeout(Duration::from_secs(60), transport.send(message)).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(fail(format!(
            "sendmail failed (install a mail transfer agent, or set SMTP in OpenCart's mail settings): {e}"
        ))),
        Err(_) => Err(fail("sendmail did not finish within 60 s".into())),
    }
}
