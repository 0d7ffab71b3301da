//! Recording a job's outcome — only by the worker that still holds its lease.
//!
//! Every write here is one `UPDATE … WHERE queue_id = ? AND lease_token = ? AND status = 'running'
//! AND lease_expires_at > NOW(3)`. If the lease expired, or another worker has claimed the job
//! since (which bumped the token), the update matches nothing and the caller gets
//! [`QueueError::LeaseLost`]: its result is not recorded, and the job's fate is decided by whoever
//! holds it now. The lease is the only authority — a worker past its lease is refused even if
//! nobody has taken the job over yet, because from that moment a reaper or a claimer may be doing
//! exactly that.
//!
//! A failure is classified by the caller ([`FailureClass`]): transient failures go back to
//! `pending` after a [`BackoffPolicy`] delay; permanent and poison failures, and transient ones
//! on the last attempt, go to `dead` — the dead letter an administrator replays or discards — and
//! raise an alert in the same transaction, so a dead job is never silent. Alerts are
//! deduplicated per job kind (`queue.dead.<kind>`): while one is open (unacknowledged), more
//! deaths bump its `occurrences` and `last_seen_at` instead of piling up rows.

use std::time::Duration;

use mysql_async::prelude::*;
use mysql_async::IsolationLevel;

use super::backoff::BackoffPolicy;
use super::claim::ClaimedJob;
use super::dead_letter::raise_dead_letter_alerts;
use super::{micros, retry_conflicts, truncate, QueueError, TABLE};
use crate::db::Database;
use crate::error::{ApiErrorClass, Error, Result};

/// `last_error` is cut to this many bytes: enough for any engine error, small enough for the
/// admin's list.
const LAST_ERROR_MAX: usize = 2000;

/// The webhook log (see `inbox`), whose rows name the queue job their delivery became.
const WEBHOOK_LOG_TABLE: &str = "trendyol_webhook_logs";

/// The fence every worker write carries.
const FENCE: &str =
    "queue_id = ? AND lease_token = ? AND status = 'running' AND lease_expires_at > NOW(3)";

/// Why a job failed, which decides what happens to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FailureClass {
    /// Might work later (network, 5xx, 429, a lock timeout): retry after a backoff.
    Transient,
    /// Cannot work as it is (validation refused, the product no longer exists): dead at once.
    Permanent,
    /// The job itself is broken (unparsable payload, unknown kind, a bug): dead at once.
    Poison,
}

impl FailureClass {
    /// The value stored in `error_class`.
    pub fn as_str(self) -> &'static str {
        match self {
            FailureClass::Transient => "transient",
            FailureClass::Permanent => "permanent",
            FailureClass::Poison => "poison",
        }
    }

    /// A default classification of an engine error, for handlers that have no better knowledge.
    ///
    /// Authentication failures count as transient: credentials are fixed by a person, usually
    /// within the backoff window, and the jobs then go through by themselves instead of every one
    /// of them landing in the dead letter. Configuration errors and bugs cannot fix themselves.
    pub fn of(error: &Error) -> FailureClass {
        match error {
            Error::Api { class, .. } => match class {
                ApiErrorClass::Permanent => FailureClass::Permanent,
                ApiErrorClass::Transient
                | ApiErrorClass::RateLimited
                | ApiErrorClass::Auth
                | ApiErrorClass::Ambiguous
                | ApiErrorClass::CircuitOpen => FailureClass::Transient,
            },
            Error::DatabaseUnavailable { .. }
            | Error::Database { .. }
            | Error::Timeout { .. }
            | Error::Io { .. } => FailureClass::Transient,
            Error::Config(_)
            | Error::Setting { .. }
            | Error::SwitchedOff(_)
            | Error::Migration(_) => FailureClass::Permanent,
            Error::Internal(_) => FailureClass::Poison,
        }
    }
}

impl std::fmt::Display for FailureClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How [`fail_with`] schedules a retry.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FailOptions {
    pub backoff: BackoffPolicy,
    /// A delay the failure itself asked for (a `Retry-After`), used instead of the backoff.
    pub retry_after: Option<Duration>,
    /// The job's work never started: its call was refused before it left the shop (the
    /// shop-wide rate limit's pause after a 429, an open circuit). Its attempt is handed back
    /// and it waits, instead of spending the attempts a real failure needs — a throttled
    /// Trendyol must not send the queue to the dead letter.
    pub not_attempted: bool,
}

/// What became of a failed job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOutcome {
    /// Back to `pending`, claimable after `delay` (on the database server's clock).
    Retrying { delay: Duration },
    /// Moved to the dead letter; an alert is open.
    Dead,
}

/// Records success. `Err(LeaseLost)` means the result was not recorded: the job belongs to
/// someone else now (or will, once reaped).
///
/// The webhook deliveries that brought the job in are marked processed in the same statement,
/// so a delivery's log never says processed while its job is not done, nor the other way round.
pub async fn complete(db: &Database, job: &ClaimedJob) -> Result<(), QueueError> {
    let sql = format!(
        "UPDATE {} q LEFT JOIN {} w ON w.queue_id = q.queue_id AND w.processed = 0 \
         SET q.status = 'done', q.processed_at = NOW(3), q.lease_expires_at = NULL, \
         q.updated_at = NOW(3), w.processed = 1, w.processed_at = NOW() \
         WHERE q.queue_id = ? AND q.lease_token = ? AND q.status = 'running' \
         AND q.lease_expires_at > NOW(3)",
        db.table(TABLE),
        db.table(WEBHOOK_LOG_TABLE)
    );
    let changed = retry_conflicts(|| {
        db.timed("completing a queue job", async {
            let mut conn = db.conn().await?;
            conn.exec_drop(sql.as_str(), (job.id, job.lease_token))
                .await
                .map_err(Error::db("completing a queue job"))?;
            Ok(conn.affected_rows())
        })
    })
    .await?;
    if changed == 0 {
        return Err(lease_lost(job));
    }
    Ok(())
}

/// Records success for many jobs at once, as [`complete`] does for one: one UPDATE by primary
/// key (the rows in ascending id order, so two workers completing overlapping sets lock in the
/// same order and cannot deadlock on each other), then one read of which rows are now done
/// under this worker's tokens. Returns the jobs whose lease was lost: their results were not
/// recorded. A thousand completions cost two round trips instead of a thousand commits.
pub async fn complete_many<'a>(
    db: &Database,
    jobs: &[&'a ClaimedJob],
) -> Result<Vec<&'a ClaimedJob>, QueueError> {
    if jobs.is_empty() {
        return Ok(Vec::new());
    }
    let mut sorted: Vec<&ClaimedJob> = jobs.to_vec();
    sorted.sort_by_key(|j| j.id);
    sorted.dedup_by_key(|j| j.id);
    let ids = super::marks(sorted.len());
    let pairs = vec!["(?, ?)"; sorted.len()].join(", ");
    let mut params: Vec<mysql_async::Value> = Vec::with_capacity(sorted.len() * 3);
    params.extend(sorted.iter().map(|j| j.id.into()));
    for j in &sorted {
        params.extend([j.id.into(), j.lease_token.into()]);
    }
    let update = format!(
        "UPDATE {} q LEFT JOIN {} w ON w.queue_id = q.queue_id AND w.processed = 0 \
         SET q.status = 'done', q.processed_at = NOW(3), q.lease_expires_at = NULL, \
         q.updated_at = NOW(3), w.processed = 1, w.processed_at = NOW() \
         WHERE q.queue_id IN ({ids}) AND (q.queue_id, q.lease_token) IN ({pairs}) \
         AND q.status = 'running' AND q.lease_expires_at > NOW(3)",
        db.table(TABLE),
        db.table(WEBHOOK_LOG_TABLE)
    );
    // A job is ours and done when its row is done under our token: every later claim would
    // have raised the token.
    let check = format!(
        "SELECT queue_id FROM {} WHERE queue_id IN ({ids}) AND (queue_id, lease_token) IN ({pairs}) \
         AND status = 'done'",
        db.table(TABLE)
    );
    let done: Vec<u64> = retry_conflicts(|| {
        db.timed("completing queue jobs", async {
            let mut conn = db.conn().await?;
            conn.exec_drop(update.as_str(), params.clone())
                .await
                .map_err(Error::db("completing queue jobs"))?;
            conn.exec(check.as_str(), params.clone())
                .await
                .map_err(Error::db("reading completed queue jobs"))
        })
    })
    .await?;
    let done: std::collections::HashSet<u64> = done.into_iter().collect();
    Ok(jobs
        .iter()
        .copied()
        .filter(|j| !done.contains(&j.id))
        .inspect(|j| {
            lease_lost(j);
        })
        .collect())
}

/// Records a failure with the default backoff. See [`fail_with`].
pub async fn fail(
    db: &Database,
    job: &ClaimedJob,
    class: FailureClass,
    message: &str,
) -> Result<FailOutcome, QueueError> {
    fail_with(db, job, class, message, &FailOptions::default()).await
}

/// Records a failure: a transient one with attempts left is retried after a backoff; anything
/// else goes to the dead letter and raises (or bumps) the kind's alert, in one transaction.
/// `message` is stored for the admin; it comes from engine errors, which carry no secrets.
pub async fn fail_with(
    db: &Database,
    job: &ClaimedJob,
    class: FailureClass,
    message: &str,
    options: &FailOptions,
) -> Result<FailOutcome, QueueError> {
    let message = truncate(message, LAST_ERROR_MAX);
    let retry =
        class == FailureClass::Transient && (options.not_attempted || !job.is_last_attempt());
    let outcome = if retry {
        let delay = match options.retry_after {
            Some(asked) => asked.max(options.backoff.min),
            None => options.backoff.delay(job.attempts),
        };
        FailOutcome::Retrying { delay }
    } else {
        FailOutcome::Dead
    };
    let handed_back = u32::from(options.not_attempted && retry);
    let recorded = retry_conflicts(|| {
        db.timed(
            "recording a queue job failure",
            fail_once(db, job, class, &message, outcome, handed_back),
        )
    })
    .await?;
    if !recorded {
        return Err(lease_lost(job));
    }
    match outcome {
        FailOutcome::Retrying { delay } => tracing::info!(
            queue_id = job.id, kind = %job.kind, attempts = job.attempts, class = %class,
            delay_ms = delay.as_millis() as u64, "queue job failed; retrying later"
        ),
        FailOutcome::Dead => tracing::warn!(
            queue_id = job.id, kind = %job.kind, attempts = job.attempts, class = %class,
            "queue job dead-lettered"
        ),
    }
    Ok(outcome)
}

/// One attempt at the failure transaction; false when the fence refused it.
async fn fail_once(
    db: &Database,
    job: &ClaimedJob,
    class: FailureClass,
    message: &str,
    outcome: FailOutcome,
    handed_back: u32,
) -> Result<bool> {
    let table = db.table(TABLE);
    let mut conn = db.conn().await?;
    // REPEATABLE READ for the alert's sake (see `raise_dead_letter_alerts`); the queue row is
    // locked by primary key, which takes no gap lock at any level.
    let mut tx = super::begin(
        &mut conn,
        IsolationLevel::RepeatableRead,
        "starting a queue failure",
    )
    .await?;
    match outcome {
        FailOutcome::Retrying { delay } => {
            tx.exec_drop(
                format!(
                    "UPDATE {table} SET status = 'pending', attempts = GREATEST(attempts - ?, 0), \
                     available_at = NOW(3) + INTERVAL ? MICROSECOND, lease_expires_at = NULL, \
                     error_class = ?, last_error = ?, updated_at = NOW(3) WHERE {FENCE}"
                ),
                (
                    handed_back,
                    micros(delay),
                    class.as_str(),
                    message,
                    job.id,
                    job.lease_token,
                ),
            )
            .await
            .map_err(Error::db("rescheduling a failed queue job"))?;
        }
        FailOutcome::Dead => {
            tx.exec_drop(
                format!(
                    "UPDATE {table} SET status = 'dead', lease_expires_at = NULL, \
                     error_class = ?, last_error = ?, updated_at = NOW(3) WHERE {FENCE}"
                ),
                (class.as_str(), message, job.id, job.lease_token),
            )
            .await
            .map_err(Error::db("dead-lettering a queue job"))?;
        }
    }
    if tx.affected_rows() == 0 {
        tx.rollback()
            .await
            .map_err(Error::db("rolling back a fenced queue write"))?;
        return Ok(false);
    }
    if outcome == FailOutcome::Dead {
        let death = [(job.id, job.kind.as_str().to_string(), job.attempts)];
        raise_dead_letter_alerts(&mut tx, db, &death, class.as_str(), message).await?;
    }
    tx.commit()
        .await
        .map_err(Error::db("committing a queue failure"))?;
    Ok(true)
}

/// Pushes the lease of a long job forward to `lease` from now, and records the new end in
/// `job`. Call it well before the lease ends; once it has ended the lease is lost for good.
pub async fn extend_lease(
    db: &Database,
    job: &mut ClaimedJob,
    lease: Duration,
) -> Result<(), QueueError> {
    let table = db.table(TABLE);
    let update = format!(
        "UPDATE {table} SET lease_expires_at = NOW(3) + INTERVAL ? MICROSECOND, \
         updated_at = NOW(3) WHERE {FENCE}"
    );
    // The read-back decides, not the affected-row count: an extension within the same
    // millisecond changes nothing, and MySQL then reports zero rows for a lease that is fine.
    let check = format!(
        "SELECT CAST(UNIX_TIMESTAMP(lease_expires_at) * 1000 AS SIGNED) FROM {table} WHERE {FENCE}"
    );
    let (id, token) = (job.id, job.lease_token);
    let expires: Option<i64> = retry_conflicts(|| {
        db.timed("extending a queue lease", async {
            let mut conn = db.conn().await?;
            conn.exec_drop(update.as_str(), (micros(lease), id, token))
                .await
                .map_err(Error::db("extending a queue lease"))?;
            conn.exec_first(check.as_str(), (id, token))
                .await
                .map_err(Error::db("reading an extended queue lease"))
        })
    })
    .await?;
    match expires {
        Some(ms) => {
            job.lease_expires_at_ms = ms;
            job.lease = lease;
            Ok(())
        }
        None => Err(lease_lost(job)),
    }
}

fn lease_lost(job: &ClaimedJob) -> QueueError {
    tracing::warn!(queue_id = job.id, token = job.lease_token, kind = %job.kind, "queue lease lost; result not recorded");
    QueueError::LeaseLost {
        id: job.id,
        token: job.lease_token,
        lease: job.lease,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_errors_have_a_default_class() {
        let api = |class| Error::Api {
            class,
            endpoint: "x".into(),
            status: None,
            message: "m".into(),
        };
        assert_eq!(
            FailureClass::of(&api(ApiErrorClass::Transient)),
            FailureClass::Transient
        );
        assert_eq!(
            FailureClass::of(&api(ApiErrorClass::Permanent)),
            FailureClass::Permanent
        );
        assert_eq!(
            FailureClass::of(&Error::Internal("bug".into())),
            FailureClass::Poison
        );
        assert_eq!(
            FailureClass::of(&Error::Config("x".into())),
            FailureClass::Permanent
        );
    }
}
