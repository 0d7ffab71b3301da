//! The alert conditions nobody raises by themselves, checked on every orchestrator tick.
//!
//! - **Dead-letter items**: the queue has jobs it gave up on. The queue already raises one alert
//!   per job kind when a job dies; this check is the safety net that keeps one open while dead
//!   jobs wait for a replay or discard.
//! - **No Trendyol order for N hours** (`no_order_alert_hours`, 0 = off): the newest
//!   `trendyol_orders.created_at` is older than that. A shop that never had an order is not
//!   alerted (a new installation is not an outage).
//! - **Questions waiting** (`question_alert_hours`, 0 = off): customer questions still waiting
//!   for an answer, inside Trendyol's window, asked longer ago than that.
//! - **Webhook auth failures**: deliveries answered 401 in the last hour — Trendyol's webhook
//!   was set up with old credentials, or someone is probing the route.

use mysql_async::prelude::*;

use super::{raise, Alert, Severity};
use crate::config::Settings;
use crate::db::Database;
use crate::error::{Error, Result};

/// Runs every check; returns how many alerts were raised or bumped.
pub async fn run_checks(db: &Database, settings: &Settings) -> Result<u64> {
    let mut raised = 0;
    raised += dead_letter(db).await?;
    raised += no_orders(db, settings).await?;
    raised += webhook_auth_failures(db).await?;
    raised += waiting_questions(db, settings).await?;
    Ok(raised)
}

async fn count(db: &Database, what: &str, sql: String) -> Result<Option<i64>> {
    db.timed(what, async {
        let mut conn = db.conn().await?;
        let n: Option<Option<i64>> = conn
            .exec_first(sql.as_str(), ())
            .await
            .map_err(Error::db(what.to_string()))?;
        Ok(n.flatten())
    })
    .await
}

/// Dead jobs in the queue.
pub async fn dead_letter(db: &Database) -> Result<u64> {
    let dead = count(
        db,
        "counting dead queue jobs",
        format!(
            "SELECT COUNT(*) FROM {} WHERE status = 'dead'",
            db.table("trendyol_sync_queue")
        ),
    )
    .await?
    .unwrap_or(0);
    if dead == 0 {
        return Ok(0);
    }
    raise(
        db,
        &Alert {
            alert_type: "dead_letter".into(),
            severity: Severity::Error,
            title: format!("{dead} queue job(s) in the dead letter"),
            message: format!(
                "{dead} job(s) failed for good and wait in the dead letter. Open Extensions > \
                 MesChain > Queue to see why, then replay or discard them."
            ),
            dedupe_key: "dead_letter.waiting".into(),
        },
    )
    .await?;
    Ok(1)
}

/// The newest Trendyol order is older than the setting allows.
pub async fn no_orders(db: &Database, settings: &Settings) -> Result<u64> {
    let hours = settings.no_order_alert_hours;
    if hours == 0 {
        return Ok(0);
    }
    let age_secs = count(
        db,
        "reading the newest Trendyol order",
        format!(
            "SELECT CAST(TIMESTAMPDIFF(SECOND, MAX(created_at), UTC_TIMESTAMP()) AS SIGNED) FROM {}",
            db.table("trendyol_orders")
        ),
    )
    .await?;
    let Some(age_secs) = age_secs else {
        return Ok(0);
    };
    if age_secs < i64::from(hours) * 3600 {
        return Ok(0);
    }
    raise(
        db,
        &Alert {
            alert_type: "no_orders".into(),
            severity: Severity::Warning,
            title: format!("No Trendyol order for {hours} hours"),
            message: format!(
                "The newest Trendyol order arrived {} hours ago. Check that order_sync runs \
                 (Extensions > MesChain > Monitoring), that the API credentials work and that the \
                 store is open on Trendyol.",
                age_secs / 3600
            ),
            dedupe_key: "no_orders".into(),
        },
    )
    .await?;
    Ok(1)
}

/// Webhook deliveries refused for their credentials in the last hour.
pub async fn webhook_auth_failures(db: &Database) -> Result<u64> {
    let refused = count(
        db,
        "counting refused webhook deliveries",
        format!(
            "SELECT COUNT(*) FROM {} WHERE received_at > UTC_TIMESTAMP(3) - INTERVAL 1 HOUR \
             AND http_status = 401",
            db.table("trendyol_webhook_logs")
        ),
    )
    .await?
    .unwrap_or(0);
    if refused == 0 {
        return Ok(0);
    }
    raise(
        db,
        &Alert {
            alert_type: "auth_failure".into(),
            severity: Severity::Error,
            title: format!("{refused} webhook deliveries refused (401) in the last hour"),
            message: format!(
                "{refused} webhook deliveries in the last hour had missing or wrong credentials. \
                 If they are Trendyol's, the webhook in Trendyol was registered with other \
                 credentials than Extensions > MesChain > Webhooks holds: register it again."
            ),
            dedupe_key: "auth.webhook".into(),
        },
    )
    .await?;
    Ok(1)
}

/// Customer questions waiting longer than the setting allows.
pub async fn waiting_questions(db: &Database, settings: &Settings) -> Result<u64> {
    let hours = settings.question_alert_hours;
    if hours == 0 {
        return Ok(0);
    }
    let (_, old) = crate::sync::questions::list::waiting(db, hours).await?;
    if old == 0 {
        return Ok(0);
    }
    raise(
        db,
        &Alert {
            alert_type: "questions_waiting".into(),
            severity: Severity::Warning,
            title: format!("{old} customer question(s) waiting over {hours} hours"),
            message: format!(
                "{old} Trendyol customer question(s) have waited more than {hours} hours for an \
                 answer. Trendyol closes a question nobody answers within three business days: \
                 answer them under Extensions > MesChain > Questions."
            ),
            dedupe_key: "questions.waiting".into(),
        },
    )
    .await?;
    Ok(1)
}
