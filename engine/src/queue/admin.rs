//! What the admin and the monitor see and do: the dead letter, replay, discard, and statistics.
//!
//! Replay and discard act only on `dead` rows (the `status = 'dead'` guard is in every
//! statement), so an administrator's click can never disturb a job a worker holds, and clicking
//! twice does nothing the second time. Both work by primary key in bounded chunks, in ascending
//! key order like every other multi-row write of the queue, so they lock rows in the same order
//! as their peers.
//!
//! The statistics are per priority, because "are orders waiting?" is the question that matters:
//! how many jobs wait, how many are ready now, how long the oldest ready one has waited (queue
//! latency, on the server's clock), how many run, how many hold a lease that already expired
//! (a worker died), and how many are dead.

use std::collections::BTreeMap;

use mysql_async::prelude::*;
use serde::Serialize;

use super::event::JobKind;
use super::{marks, retry_conflicts, TABLE};
use crate::db::Database;
use crate::error::{Error, Result};

/// Ids per replay/discard statement.
const ID_CHUNK: usize = 500;

/// One job in the dead letter, for the admin's list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeadJob {
    pub id: u64,
    /// The `event_type` column ([`JobKind::as_str`]).
    pub kind: String,
    pub priority: u8,
    pub dedupe_key: Option<String>,
    pub payload: serde_json::Value,
    pub attempts: u32,
    pub max_attempts: u32,
    pub error_class: String,
    pub last_error: Option<String>,
    pub created_at_ms: i64,
    /// When it was dead-lettered.
    pub died_at_ms: i64,
}

impl DeadJob {
    pub fn job_kind(&self) -> JobKind {
        JobKind::parse(&self.kind)
    }
}

/// Dead jobs, most recently dead first.
pub async fn dead_jobs(db: &Database, limit: usize, offset: usize) -> Result<Vec<DeadJob>> {
    let sql = format!(
        "SELECT queue_id, event_type, priority, dedupe_key, payload, attempts, max_attempts, \
         error_class, last_error, CAST(UNIX_TIMESTAMP(created_at) * 1000 AS SIGNED), \
         CAST(UNIX_TIMESTAMP(updated_at) * 1000 AS SIGNED) \
         FROM {} WHERE status = 'dead' ORDER BY updated_at DESC, queue_id DESC LIMIT ? OFFSET ?",
        db.table(TABLE)
    );
    let rows: Vec<mysql_async::Row> = db
        .timed("listing dead queue jobs", async {
            let mut conn = db.conn().await?;
            conn.exec(sql.as_str(), (limit as u64, offset as u64))
                .await
                .map_err(Error::db("listing dead queue jobs"))
        })
        .await?;
    rows.into_iter()
        .map(|row| {
            type Columns = (
                u64,
                String,
                u8,
                Option<String>,
                String,
                u32,
                u32,
                String,
                Option<String>,
                i64,
                i64,
            );
            let (
                id,
                kind,
                priority,
                dedupe_key,
                payload,
                attempts,
                max_attempts,
                class,
                error,
                created,
                died,
            ) = mysql_async::from_row_opt::<Columns>(row)
                .map_err(|e| Error::Internal(format!("unexpected queue row: {e}")))?;
            Ok(DeadJob {
                id,
                kind,
                priority,
                dedupe_key,
                // Shown as text if it is not JSON: the admin must still see what the job was.
                payload: serde_json::from_str(&payload)
                    .unwrap_or(serde_json::Value::String(payload)),
                attempts,
                max_attempts,
                error_class: class,
                last_error: error,
                created_at_ms: created,
                died_at_ms: died,
            })
        })
        .collect()
}

/// Sends dead jobs back to the queue: `pending`, available now, attempts reset to zero. Returns
/// how many were dead and are now pending; ids that are not dead are ignored.
pub async fn replay(db: &Database, ids: &[u64]) -> Result<u64> {
    let set = "status = 'pending', attempts = 0, available_at = NOW(3), error_class = '', \
               lease_owner = '', lease_expires_at = NULL, processed_at = NULL, updated_at = NOW(3)";
    update_dead(db, ids, set, "replaying dead queue jobs").await
}

/// Gives up on dead jobs for good: `discarded`, deleted by cleanup after the retention period.
/// Returns how many were dead and are now discarded.
pub async fn discard(db: &Database, ids: &[u64]) -> Result<u64> {
    let set = "status = 'discarded', processed_at = NOW(3), updated_at = NOW(3)";
    update_dead(db, ids, set, "discarding dead queue jobs").await
}

async fn update_dead(db: &Database, ids: &[u64], set: &str, what: &str) -> Result<u64> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let mut changed = 0;
    for chunk in ids.chunks(ID_CHUNK) {
        let sql = format!(
            "UPDATE {} SET {set} WHERE queue_id IN ({}) AND status = 'dead'",
            db.table(TABLE),
            marks(chunk.len())
        );
        changed += retry_conflicts(|| {
            db.timed(what, async {
                let mut conn = db.conn().await?;
                conn.exec_drop(sql.as_str(), chunk.to_vec())
                    .await
                    .map_err(Error::db(what))?;
                Ok(conn.affected_rows())
            })
        })
        .await?;
    }
    if changed > 0 {
        tracing::info!(count = changed, "{what}");
    }
    Ok(changed)
}

/// The queue at one priority.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PriorityStats {
    pub priority: u8,
    /// Waiting, whether ready now or scheduled later (a backoff, a delay).
    pub pending: u64,
    /// Pending and claimable now.
    pub ready: u64,
    /// How long the oldest ready job has been claimable, in seconds; `None` when none is ready.
    pub oldest_ready_age_secs: Option<f64>,
    pub running: u64,
    /// Running with a lease that already ended: their worker died or stalled; the next claim
    /// takes them back.
    pub expired_leases: u64,
    pub dead: u64,
}

/// The whole queue.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct QueueStats {
    /// Priorities 1–4 always, plus any other priority present.
    pub by_priority: Vec<PriorityStats>,
    /// Row count per status (every status, zero included).
    pub by_status: BTreeMap<String, u64>,
}

impl QueueStats {
    /// Jobs waiting at any priority.
    pub fn pending(&self) -> u64 {
        self.by_priority.iter().map(|p| p.pending).sum()
    }

    pub fn dead(&self) -> u64 {
        self.by_priority.iter().map(|p| p.dead).sum()
    }
}

/// Counts per priority and status, from the database server's clock.
pub async fn stats(db: &Database) -> Result<QueueStats> {
    let table = db.table(TABLE);
    let (counts, ready, expired) = db
        .timed("reading queue statistics", async {
            let mut conn = db.conn().await?;
            // GROUP BY in the `claim` index's column order, so the index answers it.
            let counts: Vec<(String, u8, u64)> = conn
                .query(format!(
                    "SELECT status, priority, COUNT(*) FROM {table} GROUP BY status, priority"
                ))
                .await
                .map_err(Error::db("counting queue jobs"))?;
            let ready: Vec<(u8, u64, i64)> = conn
                .query(format!(
                    "SELECT priority, COUNT(*), \
                     CAST(TIMESTAMPDIFF(MICROSECOND, MIN(available_at), NOW(3)) AS SIGNED) \
                     FROM {table} WHERE status = 'pending' AND available_at <= NOW(3) \
                     GROUP BY priority"
                ))
                .await
                .map_err(Error::db("measuring queue latency"))?;
            let expired: Vec<(u8, u64)> = conn
                .query(format!(
                    "SELECT priority, COUNT(*) FROM {table} \
                     WHERE status = 'running' AND lease_expires_at < NOW(3) GROUP BY priority"
                ))
                .await
                .map_err(Error::db("counting expired queue leases"))?;
            Ok((counts, ready, expired))
        })
        .await?;

    let mut by_priority = BTreeMap::new();
    for priority in 1..=4 {
        slot(&mut by_priority, priority);
    }
    let mut by_status: BTreeMap<String, u64> = super::JobStatus::ALL
        .iter()
        .map(|s| (s.as_str().to_string(), 0))
        .collect();
    for (status, priority, count) in counts {
        *by_status.entry(status.clone()).or_default() += count;
        let stats = slot(&mut by_priority, priority);
        match status.as_str() {
            "pending" => stats.pending += count,
            "running" => stats.running += count,
            "dead" => stats.dead += count,
            _ => {}
        }
    }
    for (priority, count, age_us) in ready {
        let stats = slot(&mut by_priority, priority);
        stats.ready = count;
        stats.oldest_ready_age_secs = Some(age_us.max(0) as f64 / 1e6);
    }
    for (priority, count) in expired {
        slot(&mut by_priority, priority).expired_leases = count;
    }
    Ok(QueueStats {
        by_priority: by_priority.into_values().collect(),
        by_status,
    })
}

fn slot(map: &mut BTreeMap<u8, PriorityStats>, priority: u8) -> &mut PriorityStats {
    map.entry(priority).or_insert_with(|| PriorityStats {
        priority,
        ..PriorityStats::default()
    })
}
