//! The shop's own mail settings, and handing a message to them.
//!
//! Alerts leave the way the shop's other mail leaves: OpenCart's settings in `{prefix}setting`
//! (code `config`, store 0) say whether that is SMTP (`config_mail_engine = smtp`, with host,
//! port, user, password and timeout) or the local `sendmail` (`mail`, or empty, with
//! `config_mail_parameter` passed on its command line as PHP's `mail()` does). The sender is
//! `config_email`, named `config_name`. Nothing else needs configuring for alerts to arrive.

use std::collections::BTreeMap;
use std::time::Duration;

use mysql_async::prelude::*;

use super::smtp::{self, SmtpTarget};
use crate::config::settings::Secret;
use crate::db::Database;
use crate::error::{Error, Result};

/// The local MTA's entry point, as PHP's `sendmail_path` default uses it.
pub const SENDMAIL: &str = "/usr/sbin/sendmail";

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

/// Hands `message` (a complete RFC 5322 text) to the shop's mail transport for `to`.
pub async fn send(settings: &MailSettings, to: &str, message: &str) -> Result<()> {
    match &settings.engine {
        MailEngine::Smtp(target) => smtp::send(target, &settings.from, &[to], message).await,
        MailEngine::Mail { parameter } => sendmail(parameter, message).await,
    }
}

/// Pipes the message into `sendmail -t -i [parameter]`, as PHP's `mail()` does.
async fn sendmail(parameter: &str, message: &str) -> Result<()> {
    let mut args: Vec<String> = vec!["-t".into(), "-i".into()];
    args.extend(parameter.split_whitespace().map(str::to_string));
    // sendmail reads Unix line ends.
    let text = message.replace("\r\n", "\n");
    let run = tokio::task::spawn_blocking(move || -> std::io::Result<std::process::Output> {
        use std::io::Write;
        let mut child = std::process::Command::new(SENDMAIL)
            .args(&args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin.write_all(text.as_bytes())?;
        }
        child.wait_with_output()
    });
    let fail = |reason: String| Error::Io {
        path: SENDMAIL.to_string(),
        source: std::io::Error::other(reason),
    };
    match tokio::time::timeout(Duration::from_secs(60), run).await {
        Ok(Ok(Ok(out))) if out.status.success() => Ok(()),
        Ok(Ok(Ok(out))) => Err(fail(format!(
            "sendmail exited with {}: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ))),
        Ok(Ok(Err(e))) => Err(fail(format!(
            "cannot run sendmail (install a mail transfer agent, or set SMTP in OpenCart's mail settings): {e}"
        ))),
        Ok(Err(e)) => Err(Error::Internal(format!("the sendmail task failed: {e}"))),
        Err(_) => Err(fail("sendmail did not finish within 60 s".into())),
    }
}
