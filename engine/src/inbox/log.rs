//! The webhook log: one row per package a delivery carried, or per refused delivery.
//!
//! Both the inbox (what it stored or turned away) and the gate (refusals it aggregates while a
//! sender is cooling off) write here, so the row's shape lives in one place below both.

use mysql_async::prelude::*;

use super::{Delivery, Verdict};
use crate::db::Database;
use crate::error::{Error, Result};

/// The log table's name without prefix.
const LOG_TABLE: &str = "trendyol_webhook_logs";
/// Widths of the log table's columns.
const REASON_MAX: usize = 255;
const REMOTE_IP_MAX: usize = 45;
const LOG_KEY_MAX: usize = 64;

/// The per-package columns of a log row.
#[derive(Default)]
pub(super) struct LogPackage {
    pub(super) seller_id: Option<u64>,
    pub(super) package_id: Option<u64>,
    pub(super) status: String,
    pub(super) key: Option<String>,
    pub(super) queue_id: Option<u64>,
    pub(super) body: Option<String>,
    /// Overrides the verdict's name (a stored package is `accepted` or `duplicate` on its own).
    pub(super) verdict: Option<&'static str>,
    /// Nothing is left to do for it (a repeat, an empty page). A new event's row is marked
    /// when its queue job is done (see `queue::complete`); a refused delivery's never is.
    pub(super) processed: bool,
    /// Overrides the delivery's body size (an aggregated row of refusals sums theirs).
    pub(super) body_bytes: Option<u32>,
}

impl LogPackage {
    /// The columns of an aggregated row of refusals: no package, their bodies' total size.
    pub(super) fn refusals(body_bytes: u32) -> LogPackage {
        LogPackage {
            body_bytes: Some(body_bytes),
            ..LogPackage::default()
        }
    }
}

pub(super) async fn insert_log<Q: Queryable>(
    db: &Database,
    conn: &mut Q,
    delivery: &Delivery<'_>,
    verdict: &Verdict,
    package: &LogPackage,
) -> Result<()> {
    // The log column is narrower than the queue's: a long key is logged as its digest.
    let key = package.key.as_deref().map(|k| {
        if k.len() <= LOG_KEY_MAX {
            k.to_string()
        } else {
            use sha2::{Digest, Sha256};
            hex::encode(Sha256::digest(k.as_bytes()))
        }
    });
    conn.exec_drop(
        format!(
            "INSERT INTO {} (received_at, remote_ip, http_status, verdict, reason, seller_id, \
             package_id, package_status, dedupe_key, queue_id, body_bytes, body_redacted, \
             processed, processed_at) \
             VALUES (NOW(3), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, IF(processed, NOW(), NULL))",
            db.table(LOG_TABLE)
        ),
        (
            cut(delivery.remote_ip, REMOTE_IP_MAX),
            verdict.http_status,
            package.verdict.unwrap_or(verdict.verdict.as_str()),
            cut(&verdict.reason, REASON_MAX),
            package.seller_id,
            package.package_id,
            cut(&package.status, 32),
            key,
            package.queue_id,
            package
                .body_bytes
                .unwrap_or_else(|| u32::try_from(delivery.body.len()).unwrap_or(u32::MAX)),
            package.body.as_deref(),
            package.processed,
        ),
    )
    .await
    .map_err(Error::db("logging a webhook delivery"))
}

/// Cuts to at most `max` characters (the columns count characters, not bytes).
fn cut(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}
