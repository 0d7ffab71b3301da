//! One lock per job, shared by every process and every host through the database.
//!
//! The cron scripts must never overlap. A lock file cannot promise that once the shop runs on
//! two hosts, and a PHP process killed by cron or the OOM killer never deletes its file. So each
//! job name has one row in `{prefix}trendyol_job_locks` holding a *lease*: the holder, a fencing
//! token and `expires_at` on the database server's clock.
//!
//! - **Taking it** is one short transaction: the row is locked by primary key, and taken only if
//!   it is free (released, or its lease expired). Two processes racing for it serialise on the row
//!   lock; exactly one sees it free.
//! - **Keeping it**: the holder renews the lease while it works ([`renew`], called by the run's
//!   heartbeat). A holder that died stops renewing, and its lease runs out.
//! - **Taking over**: an expired lease is free, so the next run takes it with a larger token and
//!   learns who held it and which run ([`Acquired::taken_over`]), so that run's sync-log row can
//!   be closed as abandoned.
//! - **Releasing** clears the holder, fenced by the token: a stale holder (one that stalled past
//!   its lease while another took over) releases nothing.

use std::time::Duration;

use mysql_async::prelude::*;
use mysql_async::IsolationLevel;

use crate::db::Database;
use crate::error::{Error, Result};
use crate::queue::{micros, retry_conflicts};

const TABLE: &str = "trendyol_job_locks";

/// A held lock. Pass it back to [`renew`] and [`release`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobLock {
    pub job: String,
    pub holder: String,
    /// The fencing token: grows on every acquisition of this job's lock.
    pub token: i64,
    pub lease: Duration,
}

/// The run whose expired lease was taken over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TakenOver {
    pub holder: String,
    pub sync_log_id: u64,
}

/// The result of [`acquire`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Acquire {
    Acquired {
        lock: JobLock,
        /// Set when the previous holder never released the lock (it crashed or stalled).
        taken_over: Option<TakenOver>,
    },
    /// Someone else holds a live lease.
    Held {
        holder: String,
        /// Milliseconds until that lease ends unless renewed.
        expires_in_ms: i64,
    },
}

/// A name for this process that is unique across hosts and runs: `host:pid:random`.
pub fn holder_name() -> String {
    let host = hostname();
    format!(
        "{}:{}:{:08x}",
        host,
        std::process::id(),
        rand::random::<u32>()
    )
}

/// This machine's host name (from the kernel), or `localhost`.
pub fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_string())
        .chars()
        .take(64)
        .collect()
}

/// Tries to take `job`'s lock for `lease`. Never waits for another holder.
pub async fn acquire(db: &Database, job: &str, holder: &str, lease: Duration) -> Result<Acquire> {
    let table = db.table(TABLE);
    // The row exists from the first attempt on; creating it is idempotent and takes nothing.
    let create = format!(
        "INSERT IGNORE INTO {table} (job, holder, token, updated_at) VALUES (?, '', 0, NOW(3))"
    );
    let read = format!(
        "SELECT holder, token, sync_log_id, expires_at IS NOT NULL, \
         COALESCE(expires_at > NOW(3), 0), \
         COALESCE(CAST(TIMESTAMPDIFF(MICROSECOND, NOW(3), expires_at) / 1000 AS SIGNED), 0) \
         FROM {table} WHERE job = ? FOR UPDATE"
    );
    let take = format!(
        "UPDATE {table} SET holder = ?, token = token + 1, sync_log_id = 0, acquired_at = NOW(3), \
         expires_at = NOW(3) + INTERVAL ? MICROSECOND, updated_at = NOW(3) WHERE job = ?"
    );
    retry_conflicts(|| {
        db.timed("taking a job lock", async {
            let mut conn = db.conn().await?;
            conn.exec_drop(create.as_str(), (job,))
                .await
                .map_err(Error::db("creating a job lock row"))?;
            let mut tx = crate::queue::begin(
                &mut conn,
                IsolationLevel::ReadCommitted,
                "starting a job lock transaction",
            )
            .await?;
            let row: Option<(String, i64, u64, bool, bool, i64)> = tx
                .exec_first(read.as_str(), (job,))
                .await
                .map_err(Error::db("reading a job lock"))?;
            let (previous, token, run_id, unreleased, live, expires_in_ms) =
                row.ok_or_else(|| Error::Internal(format!("the lock row of {job} vanished")))?;
            if live {
                tx.rollback()
                    .await
                    .map_err(Error::db("rolling back a job lock read"))?;
                return Ok(Acquire::Held {
                    holder: previous,
                    expires_in_ms,
                });
            }
            tx.exec_drop(take.as_str(), (holder, micros(lease), job))
                .await
                .map_err(Error::db("taking a job lock"))?;
            tx.commit()
                .await
                .map_err(Error::db("committing a job lock"))?;
            let taken_over = (unreleased && !previous.is_empty()).then_some(TakenOver {
                holder: previous,
                sync_log_id: run_id,
            });
            Ok(Acquire::Acquired {
                lock: JobLock {
                    job: job.to_string(),
                    holder: holder.to_string(),
                    token: token + 1,
                    lease,
                },
                taken_over,
            })
        })
    })
    .await
}

/// Records which sync-log row the holder is writing, for whoever takes the lock over.
pub async fn attach_run(db: &Database, lock: &JobLock, sync_log_id: u64) -> Result<()> {
    let sql = format!(
        "UPDATE {} SET sync_log_id = ?, updated_at = NOW(3) WHERE job = ? AND token = ?",
        db.table(TABLE)
    );
    db.timed("recording a job lock's run", async {
        let mut conn = db.conn().await?;
        conn.exec_drop(sql.as_str(), (sync_log_id, lock.job.as_str(), lock.token))
            .await
            .map_err(Error::db("recording a job lock's run"))
    })
    .await
}

/// Pushes the lease forward by its length. `Ok(false)`: the lease had already expired (and may
/// belong to another run now); the holder no longer has the lock.
pub async fn renew(db: &Database, lock: &JobLock) -> Result<bool> {
    let table = db.table(TABLE);
    let update = format!(
        "UPDATE {table} SET expires_at = NOW(3) + INTERVAL ? MICROSECOND, updated_at = NOW(3) \
         WHERE job = ? AND token = ? AND expires_at > NOW(3)"
    );
    // The read-back decides: a renewal within the same millisecond changes no row.
    let check =
        format!("SELECT 1 FROM {table} WHERE job = ? AND token = ? AND expires_at > NOW(3)");
    retry_conflicts(|| {
        db.timed("renewing a job lock", async {
            let mut conn = db.conn().await?;
            conn.exec_drop(
                update.as_str(),
                (micros(lock.lease), lock.job.as_str(), lock.token),
            )
            .await
            .map_err(Error::db("renewing a job lock"))?;
            let held: Option<u8> = conn
                .exec_first(check.as_str(), (lock.job.as_str(), lock.token))
                .await
                .map_err(Error::db("checking a job lock"))?;
            Ok(held.is_some())
        })
    })
    .await
}

/// Gives the lock back. Fenced: releases nothing if another run has taken it over since.
/// Returns whether this holder still had it.
pub async fn release(db: &Database, lock: &JobLock) -> Result<bool> {
    let sql = format!(
        "UPDATE {} SET holder = '', sync_log_id = 0, expires_at = NULL, updated_at = NOW(3) \
         WHERE job = ? AND token = ?",
        db.table(TABLE)
    );
    retry_conflicts(|| {
        db.timed("releasing a job lock", async {
            let mut conn = db.conn().await?;
            conn.exec_drop(sql.as_str(), (lock.job.as_str(), lock.token))
                .await
                .map_err(Error::db("releasing a job lock"))?;
            Ok(conn.affected_rows() > 0)
        })
    })
    .await
}

/// Who holds which job lock now, for the admin and `status`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LockState {
    pub job: String,
    pub holder: String,
    pub token: i64,
    pub live: bool,
    pub expires_in_ms: i64,
}

/// Every job lock row.
pub async fn states(db: &Database) -> Result<Vec<LockState>> {
    let sql = format!(
        "SELECT job, holder, token, COALESCE(expires_at > NOW(3), 0), \
         COALESCE(CAST(TIMESTAMPDIFF(MICROSECOND, NOW(3), expires_at) / 1000 AS SIGNED), 0) \
         FROM {} ORDER BY job",
        db.table(TABLE)
    );
    let rows: Vec<(String, String, i64, bool, i64)> = db
        .timed("reading job locks", async {
            let mut conn = db.conn().await?;
            conn.exec(sql.as_str(), ())
                .await
                .map_err(Error::db("reading job locks"))
        })
        .await?;
    Ok(rows
        .into_iter()
        .map(|(job, holder, token, live, expires_in_ms)| LockState {
            job,
            holder,
            token,
            live,
            expires_in_ms,
        })
        .collect())
}
