//! Dead letters raise an alert: one open `queue.dead.<kind>` alert per kind of job, bumped by each
//! job of that kind that gives up.
//!
//! Two paths dead-letter a job — a worker that reports a final failure (`complete`) and the
//! reaper that finds a lease nobody renewed (`claim`) — so the alert lives here, below both.

use std::collections::BTreeMap;

use mysql_async::prelude::*;
use mysql_async::Transaction;

use super::truncate;
use crate::db::Database;
use crate::error::{Error, Result};

/// `error_class` of a job whose worker outlived its lease.
pub(crate) const LEASE_EXPIRED: &str = "lease-expired";

/// The alert's message is cut like a job's `last_error`.
const MESSAGE_MAX: usize = 2000;

/// Opens or bumps the `queue.dead.<kind>` alert for each kind among `deaths` (id, kind,
/// attempts), inside the caller's transaction so the alert commits with the dead letter.
///
/// The update-else-insert must not open two alerts when two workers dead-letter the same kind at
/// once. At REPEATABLE READ an `UPDATE` that finds no open alert leaves a gap lock on
/// `open_dedupe`; the second worker's insert then deadlocks against the first's, InnoDB rolls one
/// back, and its retry finds the alert the other opened. Kinds are handled in sorted order so
/// two transactions lock alert rows in the same order.
pub(crate) async fn raise_dead_letter_alerts(
    tx: &mut Transaction<'_>,
    db: &Database,
    deaths: &[(u64, String, u32)],
    class: &str,
    message: &str,
) -> Result<()> {
    let alerts = db.table("trendyol_alerts");
    let mut by_kind: BTreeMap<&str, Vec<(u64, u32)>> = BTreeMap::new();
    for (id, kind, attempts) in deaths {
        by_kind
            .entry(kind.as_str())
            .or_default()
            .push((*id, *attempts));
    }
    for (kind, jobs) in by_kind {
        let key = format!("queue.dead.{kind}");
        let (last_id, attempts) = jobs[jobs.len() - 1];
        let text = truncate(
            &format!(
                "Queue job {last_id} ({kind}) gave up after {attempts} attempt(s) [{class}]: \
                 {message}. Replay or discard it in Extensions > MesChain > Queue."
            ),
            MESSAGE_MAX,
        );
        tx.exec_drop(
            format!(
                "UPDATE {alerts} SET occurrences = occurrences + ?, message = ?, \
                 last_seen_at = UTC_TIMESTAMP() \
                 WHERE dedupe_key = ? AND acknowledged_at IS NULL \
                 ORDER BY alert_id DESC LIMIT 1"
            ),
            (jobs.len() as u64, text.as_str(), key.as_str()),
        )
        .await
        .map_err(Error::db("bumping a dead-letter alert"))?;
        if tx.affected_rows() == 0 {
            tx.exec_drop(
                format!(
                    "INSERT INTO {alerts} (alert_type, severity, title, message, dedupe_key, \
                     occurrences, first_seen_at, last_seen_at) \
                     VALUES ('queue_dead_letter', 'error', ?, ?, ?, ?, UTC_TIMESTAMP(), UTC_TIMESTAMP())"
                ),
                (
                    format!("Queue jobs gave up: {kind}"),
                    text.as_str(),
                    key.as_str(),
                    jobs.len() as u64,
                ),
            )
            .await
            .map_err(Error::db("opening a dead-letter alert"))?;
        }
    }
    Ok(())
}
