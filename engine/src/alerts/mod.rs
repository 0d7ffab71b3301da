//! Alerts: rows in `{prefix}trendyol_alerts` for the admin, and e-mail to the shop owner.
//!
//! [`raise`] is the one entry point for every alert (sync errors, low stock, dead-letter items,
//! no orders, a deactivated webhook, auth failures). It only records: an open (unacknowledged)
//! alert with the same `dedupe_key` gets `occurrences + 1` and a new `last_seen_at` instead of a
//! new row, so a failure that repeats every five minutes is one alert, not a flood.
//!
//! [`notify`] mails what is due, separately, so raising is cheap and never waits on a mail
//! server. An alert is mailed when it is new or has new occurrences since its last mail and that
//! mail is older than the throttle (`alert_throttle_minutes`); and never more than
//! `alert_max_mails_per_hour` mails go out per hour, shop-wide. The claim on an alert's mail is
//! a conditional update of `emailed_at`, so two processes never mail the same alert twice. The
//! transport is the shop's own (OpenCart's `config_mail_*`: SMTP or the local sendmail), see
//! [`transport`]; every subject and body goes through the telemetry redactor first.
//!
//! [`checks`] finds the conditions nobody raises by themselves: dead-letter items, no Trendyol
//! order for N hours, webhook deliveries refused with 401.

pub mod checks;
pub mod message;
pub mod transport;

use mysql_async::prelude::*;
use serde::Serialize;

use crate::config::Settings;
use crate::db::Database;
use crate::error::{Error, Result};
use crate::queue::truncate;

pub use checks::run_checks;
pub use transport::{MailEngine, MailSettings};

const TABLE: &str = "trendyol_alerts";
const MAILS: &str = "trendyol_alert_mails";

/// How bad it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Error,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        [
            Severity::Info,
            Severity::Warning,
            Severity::Error,
            Severity::Critical,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }
}

/// An alert to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    /// `sync_error`, `low_stock`, `dead_letter`, `no_orders`, `webhook_deactivated`,
    /// `auth_failure`, ...
    pub alert_type: String,
    pub severity: Severity,
    pub title: String,
    pub message: String,
    /// Same key, same open alert. Name the condition, not the moment (`sync_error.order_sync`).
    pub dedupe_key: String,
}

/// What [`raise`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Raised {
    pub alert_id: u64,
    /// False when an open alert with the key was bumped instead.
    pub created: bool,
    pub occurrences: u64,
}

/// Records `alert` (new, or one more occurrence of the open one with its key). Never mails;
/// see [`notify`]. Title and message are scrubbed of secrets before they are stored.
pub async fn raise(db: &Database, alert: &Alert) -> Result<Raised> {
    if alert.dedupe_key.trim().is_empty() {
        return Err(Error::Config(
            "an alert needs a dedupe key (the condition it reports)".into(),
        ));
    }
    let table = db.table(TABLE);
    let title = truncate(&crate::telemetry::redact::scrub(&alert.title), 255);
    let message = truncate(&crate::telemetry::redact::scrub(&alert.message), 8000);
    let key = truncate(&alert.dedupe_key, 128);
    let find = format!(
        "SELECT alert_id, occurrences FROM {table} \
         WHERE dedupe_key = ? AND acknowledged_at IS NULL ORDER BY alert_id LIMIT 1 FOR UPDATE"
    );
    let bump = format!(
        "UPDATE {table} SET occurrences = occurrences + 1, last_seen_at = UTC_TIMESTAMP(), \
         severity = ?, title = ?, message = ? WHERE alert_id = ?"
    );
    let insert = format!(
        "INSERT INTO {table} (alert_type, severity, title, message, dedupe_key, occurrences, \
         first_seen_at, last_seen_at) VALUES (?, ?, ?, ?, ?, 1, UTC_TIMESTAMP(), UTC_TIMESTAMP())"
    );
    let raised = crate::queue::retry_conflicts(|| {
        db.timed("raising an alert", async {
            let mut conn = db.conn().await?;
            // REPEATABLE READ: the locking read takes a gap lock when no open alert exists,
            // so two processes raising the same new alert at once make one row, not two.
            let mut tx = crate::queue::begin(
                &mut conn,
                mysql_async::IsolationLevel::RepeatableRead,
                "starting an alert transaction",
            )
            .await?;
            let open: Option<(u64, u64)> = tx
                .exec_first(find.as_str(), (key.as_str(),))
                .await
                .map_err(Error::db("finding an open alert"))?;
            let raised = match open {
                Some((id, occurrences)) => {
                    tx.exec_drop(
                        bump.as_str(),
                        (
                            alert.severity.as_str(),
                            title.as_str(),
                            message.as_str(),
                            id,
                        ),
                    )
                    .await
                    .map_err(Error::db("bumping an alert"))?;
                    Raised {
                        alert_id: id,
                        created: false,
                        occurrences: occurrences + 1,
                    }
                }
                None => {
                    tx.exec_drop(
                        insert.as_str(),
                        (
                            truncate(&alert.alert_type, 32),
                            alert.severity.as_str(),
                            title.as_str(),
                            message.as_str(),
                            key.as_str(),
                        ),
                    )
                    .await
                    .map_err(Error::db("inserting an alert"))?;
                    Raised {
                        alert_id: tx.last_insert_id().unwrap_or(0),
                        created: true,
                        occurrences: 1,
                    }
                }
            };
            tx.commit()
                .await
                .map_err(Error::db("committing an alert"))?;
            Ok(raised)
        })
    })
    .await?;
    tracing::warn!(
        alert_type = %alert.alert_type,
        severity = alert.severity.as_str(),
        occurrences = raised.occurrences,
        "alert: {title}"
    );
    Ok(raised)
}

/// What [`notify`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NotifyReport {
    pub sent: u64,
    pub failed: u64,
    /// Alerts due but held back by the hourly cap.
    pub capped: u64,
    /// Why nothing was attempted (no recipient, no mail settings), if so.
    pub skipped: Option<String>,
}

/// An open alert waiting for its e-mail.
#[derive(Debug, Clone)]
struct DueAlert {
    id: u64,
    severity: String,
    title: String,
    message: String,
    occurrences: u64,
    first_seen: String,
    last_seen: String,
    emailed_at: Option<String>,
}

/// Mails every open alert that is due, within the throttle and the hourly cap.
pub async fn notify(db: &Database, settings: &Settings) -> Result<NotifyReport> {
    let mut report = NotifyReport::default();
    if settings.alert_email.is_empty() {
        report.skipped = Some("no alert e-mail address is set".into());
        return Ok(report);
    }
    let table = db.table(TABLE);
    let due_sql = format!(
        "SELECT alert_id, severity, title, message, occurrences, \
         DATE_FORMAT(first_seen_at, '%Y-%m-%d %H:%i:%s'), DATE_FORMAT(last_seen_at, '%Y-%m-%d %H:%i:%s'), \
         DATE_FORMAT(emailed_at, '%Y-%m-%d %H:%i:%s') FROM {table} \
         WHERE acknowledged_at IS NULL AND (emailed_at IS NULL OR \
         (last_seen_at > emailed_at AND emailed_at < UTC_TIMESTAMP() - INTERVAL ? MINUTE)) \
         ORDER BY alert_id LIMIT 50"
    );
    let throttle = settings.alert_throttle_minutes;
    let due: Vec<DueAlert> = db
        .timed("finding alerts to mail", async {
            let mut conn = db.conn().await?;
            let rows: Vec<mysql_async::Row> = conn
                .exec(due_sql.as_str(), (throttle,))
                .await
                .map_err(Error::db("finding alerts to mail"))?;
            Ok(rows
                .into_iter()
                .map(|mut r| DueAlert {
                    id: r.take(0).unwrap_or(0),
                    severity: r.take(1).unwrap_or_default(),
                    title: r.take(2).unwrap_or_default(),
                    message: r.take(3).unwrap_or_default(),
                    occurrences: r.take(4).unwrap_or(1),
                    first_seen: r.take(5).unwrap_or_default(),
                    last_seen: r.take(6).unwrap_or_default(),
                    emailed_at: r.take::<Option<String>, _>(7).flatten(),
                })
                .collect())
        })
        .await?;
    if due.is_empty() {
        return Ok(report);
    }
    let mail = transport::MailSettings::read(db).await?;
    let cap = u64::from(settings.alert_max_mails_per_hour);
    for alert in due {
        if sent_last_hour(db).await? >= cap {
            report.capped += 1;
            continue;
        }
        // The claim: only the process whose update changes the row mails it.
        let claim = format!(
            "UPDATE {table} SET emailed_at = UTC_TIMESTAMP() WHERE alert_id = ? AND \
             acknowledged_at IS NULL AND (emailed_at IS NULL OR \
             (last_seen_at > emailed_at AND emailed_at < UTC_TIMESTAMP() - INTERVAL ? MINUTE))"
        );
        let claimed = db
            .timed("claiming an alert mail", async {
                let mut conn = db.conn().await?;
                conn.exec_drop(claim.as_str(), (alert.id, throttle))
                    .await
                    .map_err(Error::db("claiming an alert mail"))?;
                Ok(conn.affected_rows() == 1)
            })
            .await?;
        if !claimed {
            continue;
        }
        let outcome = match message::compose(
            &mail,
            &settings.alert_email,
            &message::AlertMail {
                severity: &alert.severity,
                title: &alert.title,
                message: &alert.message,
                occurrences: alert.occurrences,
                first_seen: &alert.first_seen,
                last_seen: &alert.last_seen,
            },
        ) {
            Ok(email) => transport::send(&mail, email).await,
            Err(e) => Err(e),
        };
        let (status, error) = match &outcome {
            Ok(()) => ("sent", String::new()),
            Err(e) => ("failed", crate::telemetry::redact::scrub(&e.to_string())),
        };
        record_mail(db, alert.id, status, &error).await?;
        match outcome {
            Ok(()) => {
                report.sent += 1;
                tracing::info!(alert_id = alert.id, "alert e-mail sent");
            }
            Err(e) => {
                report.failed += 1;
                tracing::warn!(alert_id = alert.id, "alert e-mail failed: {e}");
                // Give the claim back so the next pass tries again.
                let restore = format!("UPDATE {table} SET emailed_at = ? WHERE alert_id = ?");
                let previous = alert.emailed_at.clone();
                db.timed("releasing an alert mail claim", async {
                    let mut conn = db.conn().await?;
                    conn.exec_drop(restore.as_str(), (previous, alert.id))
                        .await
                        .map_err(Error::db("releasing an alert mail claim"))
                })
                .await?;
            }
        }
    }
    Ok(report)
}

async fn sent_last_hour(db: &Database) -> Result<u64> {
    let sql = format!(
        "SELECT COUNT(*) FROM {} WHERE sent_at > UTC_TIMESTAMP() - INTERVAL 1 HOUR AND status = 'sent'",
        db.table(MAILS)
    );
    db.timed("counting alert mails", async {
        let mut conn = db.conn().await?;
        let n: Option<u64> = conn
            .exec_first(sql.as_str(), ())
            .await
            .map_err(Error::db("counting alert mails"))?;
        Ok(n.unwrap_or(0))
    })
    .await
}

async fn record_mail(db: &Database, alert_id: u64, status: &str, error: &str) -> Result<()> {
    let sql = format!(
        "INSERT INTO {} (alert_id, status, error, sent_at) VALUES (?, ?, ?, UTC_TIMESTAMP())",
        db.table(MAILS)
    );
    db.timed("recording an alert mail", async {
        let mut conn = db.conn().await?;
        conn.exec_drop(sql.as_str(), (alert_id, status, truncate(error, 255)))
            .await
            .map_err(Error::db("recording an alert mail"))
    })
    .await
}
