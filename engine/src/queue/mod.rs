//! The durable priority queue in `{prefix}trendyol_sync_queue`: webhooks, polling and the admin put
//! work in, workers take it out, and nothing is lost or done twice on the way.
//!
//! # Why it looks like this
//!
//! The queue lives in the shop's own database because that is the one durable thing every PHP
//! cron script, the worker daemon and every host of the shop already share. The design follows
//! from three facts about that setting:
//!
//! - **Workers die.** php-fpm kills requests, cron scripts hit their deadline, hosts reboot. A job
//!   is therefore never "taken", only *leased*: [`claim()`] marks it `running` until
//!   `lease_expires_at`, and a job whose lease ran out becomes claimable again ([`reap_expired`],
//!   which every [`claim()`] runs first). A crash costs one lease period, never the job.
//! - **Dead workers come back.** A worker that stalled past its lease (a long GC pause, a
//!   suspended VM) may wake up and try to record its result after someone else took the job over.
//!   Every claim therefore increments the row's `lease_token` — a *fencing token* — and every
//!   write a worker makes ([`complete()`], [`fail()`], [`extend_lease()`]) is conditional on the token
//!   it was given, on `status = 'running'` and on the lease not having expired. A stale worker's
//!   write changes zero rows and comes back as [`QueueError::LeaseLost`], so at most one result
//!   per claim is ever recorded. (The side effects a handler has on the outside world cannot be
//!   fenced this way; handlers make them idempotent — a unique key, a re-read before acting.)
//! - **Many workers claim at once.** Claiming is one short transaction: `SELECT … FOR UPDATE SKIP
//!   LOCKED` picks the next jobs by priority then age, skipping rows another claimer has locked
//!   instead of waiting for them, and an `UPDATE` by primary key leases them. Two workers can
//!   never receive the same job, and neither waits for the other. Claims run at READ COMMITTED so
//!   InnoDB takes no gap locks that would make concurrent enqueues wait; what deadlocks remain
//!   (error 1213) and lock-wait timeouts (1205) are retried a few times with jittered pauses.
//!
//! Every time is the database server's clock (`NOW(3)`, sessions in UTC), never a host's, so
//! hosts with skewed clocks agree on who holds a lease.
//!
//! # A job's life
//!
//! ```text
//!  enqueue ──> pending ──claim──> running ──complete──> done ──(30 days)──> deleted by cleanup
//!                 ^                 │  │
//!                 │   transient,    │  │ permanent, poison, attempts exhausted,
//!                 └── backoff ──────┘  │ or a crash loop (lease expired at the last attempt)
//!                 ^                    v
//!                 └────── replay ───── dead ──discard──> discarded ──(30 days)──> deleted
//! ```
//!
//! - [`event`]: what a job is ([`JobKind`], the nine [`EventType`]s) and its priority 1–4;
//! - [`enqueue`](mod@enqueue): one statement per job or per batch, deduplicated on `dedupe_key`;
//! - [`coalesce`]: many events merged into one open job (the stock push after sales);
//! - [`claim`](mod@claim): leasing the next jobs, and reaping expired leases;
//! - [`complete`](mod@complete): success, failure with backoff and dead letter — all fenced;
//! - `dead_letter`: the alert a dead letter raises, from a worker or from the reaper;
//! - [`backoff`]: exponential backoff with full jitter;
//! - [`admin`]: the dead-letter list, replay, discard and per-priority statistics;
//! - [`cleanup`](mod@cleanup): deleting processed rows after 30 days in small batches;
//! - [`work`]: [`work_once`], claim-run-record for one job.

pub mod admin;
pub mod backoff;
pub mod claim;
pub mod cleanup;
pub mod coalesce;
pub mod complete;
mod dead_letter;
pub mod enqueue;
pub mod event;
pub mod wake;
pub mod work;

use std::future::Future;
use std::time::Duration;

pub use admin::{dead_jobs, discard, replay, stats, DeadJob, PriorityStats, QueueStats};
pub use backoff::BackoffPolicy;
pub use claim::{claim, claim_by_id, reap_expired, ClaimedJob, ReapReport};
pub use cleanup::{cleanup, DEFAULT_CLEANUP_BATCH, DEFAULT_RETENTION};
pub use complete::{
    complete, complete_many, extend_lease, fail, fail_with, FailOptions, FailOutcome, FailureClass,
};
pub use enqueue::{
    enqueue, enqueue_batch, enqueue_in, BatchReport, Enqueued, NewJob, DEFAULT_MAX_ATTEMPTS,
};
pub use event::{EventType, JobKind, ManualJob};
pub use work::{work_once, JobError, WorkOutcome};

use crate::error::Error;

/// The queue's table name without prefix.
pub(crate) const TABLE: &str = "trendyol_sync_queue";

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum JobStatus {
    /// Waiting for a worker (possibly not before `available_at`).
    Pending,
    /// Leased to a worker until `lease_expires_at`.
    Running,
    /// Finished successfully; deleted by [`cleanup()`] after the retention period.
    Done,
    /// Gave up: a permanent or poison failure, or out of attempts. Waits for replay or discard.
    Dead,
    /// Dead, and an administrator decided not to retry it; deleted by [`cleanup()`] like `done`.
    Discarded,
}

impl JobStatus {
    pub const ALL: [JobStatus; 5] = [
        JobStatus::Pending,
        JobStatus::Running,
        JobStatus::Done,
        JobStatus::Dead,
        JobStatus::Discarded,
    ];

    /// The value stored in the `status` column.
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Pending => "pending",
            JobStatus::Running => "running",
            JobStatus::Done => "done",
            JobStatus::Dead => "dead",
            JobStatus::Discarded => "discarded",
        }
    }

    pub fn parse(s: &str) -> Option<JobStatus> {
        JobStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
    }
}

impl std::fmt::Display for JobStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a fenced write (complete, fail, extend) can fail with.
///
/// Losing a lease is part of normal operation — it is how the queue stops a stale worker — so it
/// gets its own variant that a worker can match on (log and move on: the job is in someone
/// else's hands) rather than hiding among database errors. Converted into [`crate::Error`] it
/// becomes an [`Error::Timeout`], because the only way to lose a lease is to outlive it.
#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    /// The job's lease expired, and possibly another worker claimed it since: this worker's
    /// result was not recorded.
    #[error("the lease on queue job {id} (token {token}) was lost: it expired, or another worker took the job over")]
    LeaseLost {
        id: u64,
        token: i64,
        lease: Duration,
    },

    #[error(transparent)]
    Engine(#[from] Error),
}

impl QueueError {
    pub fn is_lease_lost(&self) -> bool {
        matches!(self, QueueError::LeaseLost { .. })
    }
}

impl From<QueueError> for Error {
    fn from(e: QueueError) -> Error {
        match e {
            QueueError::LeaseLost { id, lease, .. } => Error::Timeout {
                what: format!("the lease on queue job {id}"),
                after: lease,
            },
            QueueError::Engine(e) => e,
        }
    }
}

/// Errors worth retrying because InnoDB chose this transaction as a victim.
pub(crate) trait LockConflict {
    fn is_lock_conflict(&self) -> bool;
}

impl LockConflict for Error {
    fn is_lock_conflict(&self) -> bool {
        // 1213: deadlock found, the transaction was rolled back. 1205: lock wait timeout.
        matches!(
            self,
            Error::Database { source: mysql_async::Error::Server(s), .. } if s.code == 1213 || s.code == 1205
        )
    }
}

impl LockConflict for QueueError {
    fn is_lock_conflict(&self) -> bool {
        matches!(self, QueueError::Engine(e) if e.is_lock_conflict())
    }
}

/// How many times a transaction that lost a lock conflict is run again.
pub(crate) const LOCK_RETRIES: u32 = 5;

/// The jittered pause before running a lock conflict's loser again (`attempt` from 1).
pub(crate) fn conflict_pause(attempt: u32) -> Duration {
    Duration::from_millis(rand::random_range(2..=10 * u64::from(attempt) + 5))
}

/// Runs `op` again when it lost a deadlock or a lock wait. Every `op` is a whole transaction that
/// InnoDB rolled back, so running it again is safe; the jittered pause keeps two victims of the
/// same deadlock from colliding again in lockstep.
pub(crate) async fn retry_conflicts<T, E, F, Fut>(mut op: F) -> Result<T, E>
where
    E: LockConflict,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    let mut attempt = 0;
    loop {
        match op().await {
            Err(e) if e.is_lock_conflict() && attempt < LOCK_RETRIES => {
                attempt += 1;
                let pause = conflict_pause(attempt);
                tracing::debug!(attempt, ?pause, "queue lock conflict, retrying");
                tokio::time::sleep(pause).await;
            }
            other => return other,
        }
    }
}

/// `?,?,?` for an `IN (...)` list of `n` values.
pub(crate) fn marks(n: usize) -> String {
    vec!["?"; n].join(",")
}

/// A duration as whole microseconds for `NOW(3) + INTERVAL ? MICROSECOND`, saturating.
pub(crate) fn micros(d: Duration) -> i64 {
    i64::try_from(d.as_micros()).unwrap_or(i64::MAX)
}

/// Cuts a message to at most `max` bytes on a character boundary, marking the cut.
pub(crate) fn truncate(message: &str, max: usize) -> String {
    if message.len() <= max {
        return message.to_string();
    }
    const MARK: &str = " …[truncated]";
    let mut end = max.saturating_sub(MARK.len());
    while !message.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{MARK}", &message[..end])
}

/// Starts a transaction at `level`; `what` names it in the error. Claims run at READ COMMITTED
/// (no gap locks against concurrent enqueues), dead-lettering at REPEATABLE READ (see
/// `complete`), so each caller says which it needs.
pub(crate) async fn begin<'a>(
    conn: &'a mut mysql_async::Conn,
    level: mysql_async::IsolationLevel,
    what: &str,
) -> crate::error::Result<mysql_async::Transaction<'a>> {
    let mut opts = mysql_async::TxOpts::default();
    opts.with_isolation_level(level);
    conn.start_transaction(opts)
        .await
        .map_err(crate::error::Error::db(what))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_respects_char_boundaries() {
        let long = "ğ".repeat(100);
        let cut = truncate(&long, 51);
        assert!(cut.len() <= 51, "{}", cut.len());
        assert!(cut.ends_with("[truncated]"));
        assert_eq!(truncate("short", 51), "short");
    }

    #[test]
    fn statuses_round_trip() {
        for status in JobStatus::ALL {
            assert_eq!(JobStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(JobStatus::parse("nope"), None);
    }

    #[test]
    fn lease_lost_converts_to_a_timeout() {
        let e: Error = QueueError::LeaseLost {
            id: 7,
            token: 3,
            lease: Duration::from_secs(30),
        }
        .into();
        assert_eq!(e.family(), crate::ErrorFamily::Timeout);
    }
}
