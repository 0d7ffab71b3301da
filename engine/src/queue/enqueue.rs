//! Putting work into the queue: one statement per job, or per chunk of a polling batch.
//!
//! Webhooks are retried by Trendyol and backed up by polling, so the same event arrives more than
//! once by design. The `dedupe_key` column is unique: a second insert with the same key changes
//! nothing and hands back the id of the row already there (`ON DUPLICATE KEY UPDATE queue_id =
//! LAST_INSERT_ID(queue_id)` makes MySQL report the existing id). A key names one *event* (e.g.
//! `pkg:3141592:Created:1718000000000`), not a kind of work: it is remembered for as long as its
//! row exists, which is until [`cleanup`](super::cleanup()) deletes it after the retention period.
//! Jobs without a key are never deduplicated.
//!
//! A single statement in autocommit needs no transaction and holds its locks for microseconds;
//! a batch is cut into chunks so no statement grows past the server's packet limit. A batch is
//! not atomic across chunks — it does not need to be: running it again after a failure inserts
//! only what is missing.

use std::time::Duration;

use mysql_async::prelude::*;
use sha2::{Digest, Sha256};

use super::event::JobKind;
use super::{micros, retry_conflicts, TABLE};
use crate::db::Database;
use crate::error::{Error, Result};

/// The column's default. At the default backoff the waits between eight attempts add up to at
/// most about ten minutes: enough to ride out a short Trendyol or network outage before a human
/// is alerted, short enough that the alert comes while the order is still fresh.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 8;

/// Rows per multi-row `INSERT` in [`enqueue_batch`].
const BATCH_CHUNK: usize = 200;

/// The `dedupe_key` column's width.
const DEDUPE_KEY_MAX: usize = 128;

/// A job to enqueue.
#[derive(Debug, Clone, PartialEq)]
pub struct NewJob {
    pub kind: JobKind,
    pub payload: serde_json::Value,
    /// Jobs with the same key are one job. Keys longer than the column are replaced by their
    /// SHA-256, never cut (two long keys sharing a prefix must stay distinct).
    pub dedupe_key: Option<String>,
    /// Not claimable before this long from now (the database server's now).
    pub delay: Duration,
    /// Attempts before the job is dead-lettered; at least 1.
    pub max_attempts: u32,
}

impl NewJob {
    pub fn new(kind: impl Into<JobKind>, payload: serde_json::Value) -> NewJob {
        NewJob {
            kind: kind.into(),
            payload,
            dedupe_key: None,
            delay: Duration::ZERO,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
        }
    }

    pub fn dedupe_key(mut self, key: impl Into<String>) -> NewJob {
        self.dedupe_key = Some(key.into());
        self
    }

    pub fn delay(mut self, delay: Duration) -> NewJob {
        self.delay = delay;
        self
    }

    pub fn max_attempts(mut self, max_attempts: u32) -> NewJob {
        self.max_attempts = max_attempts;
        self
    }

    /// The row's values, in [`COLUMNS`] order after validation.
    pub(super) fn params(&self) -> Result<Vec<mysql_async::Value>> {
        if self.kind.is_unknown() {
            return Err(Error::Internal(format!(
                "cannot enqueue a job of unknown kind '{}'",
                self.kind
            )));
        }
        if self.max_attempts == 0 {
            return Err(Error::setting(
                "queue.max_attempts",
                "0",
                "an integer of at least 1",
            ));
        }
        let payload = serde_json::to_string(&self.payload)
            .map_err(|e| Error::Internal(format!("queue payload is not serializable: {e}")))?;
        Ok(vec![
            self.kind.as_str().into(),
            self.kind.priority().into(),
            self.dedupe_key.as_deref().map(fit_dedupe_key).into(),
            payload.into(),
            self.max_attempts.into(),
            micros(self.delay).into(),
        ])
    }
}

/// The inserted columns and one row's placeholders (the delay becomes `available_at`).
pub(super) const COLUMNS: &str =
    "(event_type, priority, dedupe_key, payload, status, attempts, max_attempts, \
                       available_at, created_at, updated_at)";
pub(super) const ROW: &str =
    "(?, ?, ?, ?, 'pending', 0, ?, NOW(3) + INTERVAL ? MICROSECOND, NOW(3), NOW(3))";

/// What [`enqueue`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Enqueued {
    pub id: u64,
    /// False when a job with the same dedupe key already existed; `id` is then that job's.
    pub created: bool,
}

/// Adds one job, or finds the job with the same dedupe key.
pub async fn enqueue(db: &Database, job: &NewJob) -> Result<Enqueued> {
    let params = job.params()?;
    let sql = format!(
        "INSERT INTO {} {COLUMNS} VALUES {ROW} \
         ON DUPLICATE KEY UPDATE queue_id = LAST_INSERT_ID(queue_id)",
        db.table(TABLE)
    );
    // Concurrent inserts on the same unique key can deadlock on its gap locks; retried.
    retry_conflicts(|| {
        db.timed("enqueueing a queue job", async {
            let mut conn = db.conn().await?;
            conn.exec_drop(sql.as_str(), params.clone())
                .await
                .map_err(Error::db("enqueueing a queue job"))?;
            let id = conn
                .last_insert_id()
                .ok_or_else(|| Error::Internal("enqueue returned no id".into()))?;
            // 1 for an insert; 0 when the duplicate's update left the row unchanged.
            Ok(Enqueued {
                id,
                created: conn.affected_rows() == 1,
            })
        })
    })
    .await
}

/// Like [`enqueue`], inside the caller's transaction, so the job commits (or not) together with
/// the caller's other writes — the webhook inbox stores a job and its log row as one. Lock
/// conflicts are not retried here: the caller owns the transaction and retries it whole.
pub async fn enqueue_in(
    db: &Database,
    tx: &mut mysql_async::Transaction<'_>,
    job: &NewJob,
) -> Result<Enqueued> {
    let params = job.params()?;
    let sql = format!(
        "INSERT INTO {} {COLUMNS} VALUES {ROW} \
         ON DUPLICATE KEY UPDATE queue_id = LAST_INSERT_ID(queue_id)",
        db.table(TABLE)
    );
    tx.exec_drop(sql.as_str(), params)
        .await
        .map_err(Error::db("enqueueing a queue job"))?;
    let id = tx
        .last_insert_id()
        .ok_or_else(|| Error::Internal("enqueue returned no id".into()))?;
    Ok(Enqueued {
        id,
        created: tx.affected_rows() == 1,
    })
}

/// What [`enqueue_batch`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BatchReport {
    pub inserted: u64,
    /// Jobs whose dedupe key was already queued (or repeated within the batch).
    pub duplicates: u64,
}

/// Adds many jobs with multi-row inserts, skipping duplicates. For polling, which finds events
/// by the hundred and only needs to know how many were new.
pub async fn enqueue_batch(db: &Database, jobs: &[NewJob]) -> Result<BatchReport> {
    let mut report = BatchReport::default();
    for chunk in jobs.chunks(BATCH_CHUNK) {
        let mut params = Vec::with_capacity(chunk.len() * 6);
        for job in chunk {
            params.extend(job.params()?);
        }
        let sql = format!(
            "INSERT INTO {} {COLUMNS} VALUES {} ON DUPLICATE KEY UPDATE queue_id = queue_id",
            db.table(TABLE),
            vec![ROW; chunk.len()].join(",")
        );
        let inserted = retry_conflicts(|| {
            db.timed("enqueueing a batch of queue jobs", async {
                let mut conn = db.conn().await?;
                conn.exec_drop(sql.as_str(), params.clone())
                    .await
                    .map_err(Error::db("enqueueing a batch of queue jobs"))?;
                Ok(conn.affected_rows())
            })
        })
        .await?;
        report.inserted += inserted;
        report.duplicates += chunk.len() as u64 - inserted.min(chunk.len() as u64);
    }
    Ok(report)
}

/// Keeps keys that fit; replaces longer ones by a digest that does.
fn fit_dedupe_key(key: &str) -> String {
    if key.chars().count() <= DEDUPE_KEY_MAX {
        return key.to_string();
    }
    format!("sha256:{}", hex::encode(Sha256::digest(key.as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::queue::EventType;

    #[test]
    fn long_dedupe_keys_are_hashed_not_cut() {
        let a = format!("{}a", "x".repeat(200));
        let b = format!("{}b", "x".repeat(200));
        assert_ne!(fit_dedupe_key(&a), fit_dedupe_key(&b));
        assert!(fit_dedupe_key(&a).len() <= DEDUPE_KEY_MAX);
        assert_eq!(fit_dedupe_key("pkg:1:Created"), "pkg:1:Created");
    }

    #[test]
    fn invalid_jobs_are_refused() {
        let unknown = NewJob::new(JobKind::Unknown("x".into()), serde_json::json!({}));
        assert!(unknown.params().is_err());
        let zero = NewJob::new(EventType::OrderCreated, serde_json::json!({})).max_attempts(0);
        assert!(zero.params().is_err());
    }
}
