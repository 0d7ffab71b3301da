//! Leasing the next jobs to a worker, and taking back leases their workers outlived.
//!
//! A claim is one short READ COMMITTED transaction:
//!
//! 1. `SELECT queue_id … WHERE status = 'pending' AND available_at <= NOW(3) ORDER BY priority,
//!    available_at, queue_id LIMIT n FOR UPDATE SKIP LOCKED` walks the `claim` index in exactly
//!    that order and locks the first `n` ready rows nobody else has locked. Rows another claimer
//!    holds are skipped, not waited for, so claimers never queue behind each other and never see
//!    the same row. READ COMMITTED means no gap locks: enqueues are not blocked by claimers.
//! 2. `UPDATE … WHERE queue_id IN (…)` — by primary key, on rows this transaction already holds —
//!    sets `running`, the owner, `lease_expires_at = NOW(3) + lease`, `attempts + 1`, and
//!    `lease_token + 1`. The token only ever grows, so every claim of a row gets a token no
//!    earlier claim had: that is the fencing token [`complete`](super::complete()) checks.
//! 3. The leased rows are read back and the transaction commits.
//!
//! If the commit's answer is lost (a timeout, a dropped connection), the jobs stay leased to a
//! worker that does not know it; their leases expire and they are claimed again — late, never
//! lost.
//!
//! [`claim_by_id`] is the same claim for one named job — the admin's button starting the job it
//! just queued — with the same lease, fencing token and reaping.
//!
//! Expired leases are returned by [`reap_expired`], which every [`claim`] runs first: a job whose
//! worker died goes back to `pending` (available at once — the lease already made it wait), or to
//! `dead` with an alert if that was its last attempt, so a job that kills its worker every time
//! (a crash loop) ends in the dead letter instead of taking the worker pool down for ever.

use std::ops::RangeInclusive;
use std::time::Duration;

use mysql_async::prelude::*;
use mysql_async::IsolationLevel;

use super::dead_letter::{raise_dead_letter_alerts, LEASE_EXPIRED};
use super::event::JobKind;
use super::{marks, micros, retry_conflicts, TABLE};
use crate::db::Database;
use crate::error::{Error, Result};

/// The `lease_owner` column's width.
const OWNER_MAX: usize = 96;

/// Expired leases returned per [`reap_expired`] call made by [`claim`].
const REAP_BATCH: usize = 100;

/// A job leased to this worker. Hand it back with [`complete`](super::complete()) or
/// [`fail`](super::fail()) before `lease_expires_at_ms`, or extend the lease.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimedJob {
    pub id: u64,
    pub kind: JobKind,
    pub priority: u8,
    /// The payload as enqueued. A payload that is not valid JSON (only possible if the row was
    /// written by hand) arrives as `Null`, so the handler can dead-letter it as poison.
    pub payload: serde_json::Value,
    pub dedupe_key: Option<String>,
    /// Attempts including this one.
    pub attempts: u32,
    pub max_attempts: u32,
    pub lease_owner: String,
    /// The fencing token: every write this worker makes about the job must carry it.
    pub lease_token: i64,
    /// When the lease ends, in milliseconds since the epoch on the database server's clock.
    pub lease_expires_at_ms: i64,
    /// The lease length that was asked for.
    pub lease: Duration,
}

impl ClaimedJob {
    /// True when this is the last attempt the job gets.
    pub fn is_last_attempt(&self) -> bool {
        self.attempts >= self.max_attempts
    }
}

/// Leases up to `max` ready jobs to `worker_id` for `lease`, highest priority (lowest number)
/// first, oldest first within a priority. `priorities` restricts the claim to a range, so a
/// worker can be dedicated to orders (`Some(1..=2)`). Returns an empty list when nothing is ready.
pub async fn claim(
    db: &Database,
    worker_id: &str,
    lease: Duration,
    max: usize,
    priorities: Option<RangeInclusive<u8>>,
) -> Result<Vec<ClaimedJob>> {
    if max == 0 {
        return Ok(Vec::new());
    }
    claim_picked(db, worker_id, lease, Pick::Next { max, priorities }).await
}

/// Leases the job `id` to `worker_id` for `lease` if it is pending and not locked by another
/// claimer at this moment: the claim an admin's button makes for the very job it queued. A job
/// waiting out a retry's backoff is taken too — the click is the owner asking for that attempt
/// now. `None` when it is not pending (claimed, finished or absent). Expired leases are reaped
/// first, as [`claim`] does, so a job whose worker died can be claimed this way too.
pub async fn claim_by_id(
    db: &Database,
    id: u64,
    worker_id: &str,
    lease: Duration,
) -> Result<Option<ClaimedJob>> {
    Ok(claim_picked(db, worker_id, lease, Pick::One(id))
        .await?
        .pop())
}

/// Which ready jobs a claim takes.
#[derive(Debug, Clone)]
enum Pick {
    /// The next `max` by priority, then age.
    Next {
        max: usize,
        priorities: Option<RangeInclusive<u8>>,
    },
    /// Exactly this one.
    One(u64),
}

async fn claim_picked(
    db: &Database,
    worker_id: &str,
    lease: Duration,
    pick: Pick,
) -> Result<Vec<ClaimedJob>> {
    if lease.is_zero() {
        return Err(Error::setting(
            "queue.lease",
            "0",
            "a duration of at least a millisecond",
        ));
    }
    reap_expired(db, REAP_BATCH).await?;
    let owner: String = worker_id.chars().take(OWNER_MAX).collect();
    retry_conflicts(|| {
        db.timed(
            "claiming queue jobs",
            claim_once(db, &owner, lease, pick.clone()),
        )
    })
    .await
}

async fn claim_once(
    db: &Database,
    owner: &str,
    lease: Duration,
    pick: Pick,
) -> Result<Vec<ClaimedJob>> {
    let table = db.table(TABLE);
    let mut params: Vec<mysql_async::Value> = Vec::new();
    let select = match pick {
        Pick::Next { max, priorities } => {
            let mut filter = String::new();
            if let Some(range) = priorities {
                filter.push_str(" AND priority BETWEEN ? AND ?");
                params.push((*range.start()).into());
                params.push((*range.end()).into());
            }
            params.push((max as u64).into());
            format!(
                "SELECT queue_id FROM {table} \
                 WHERE status = 'pending' AND available_at <= NOW(3){filter} \
                 ORDER BY priority, available_at, queue_id LIMIT ? FOR UPDATE SKIP LOCKED"
            )
        }
        Pick::One(id) => {
            params.push(id.into());
            format!(
                "SELECT queue_id FROM {table} \
                 WHERE queue_id = ? AND status = 'pending' FOR UPDATE SKIP LOCKED"
            )
        }
    };

    let mut conn = db.conn().await?;
    let mut tx = super::begin(
        &mut conn,
        IsolationLevel::ReadCommitted,
        "starting a queue claim",
    )
    .await?;
    let ids: Vec<u64> = tx
        .exec(select, params)
        .await
        .map_err(Error::db("selecting queue jobs to claim"))?;
    if ids.is_empty() {
        tx.commit()
            .await
            .map_err(Error::db("ending an empty queue claim"))?;
        return Ok(Vec::new());
    }

    let in_list = marks(ids.len());
    let mut update: Vec<mysql_async::Value> = vec![owner.into(), micros(lease).into()];
    update.extend(ids.iter().map(|id| mysql_async::Value::from(*id)));
    tx.exec_drop(
        format!(
            "UPDATE {table} SET status = 'running', lease_owner = ?, \
             lease_token = lease_token + 1, \
             lease_expires_at = NOW(3) + INTERVAL ? MICROSECOND, claimed_at = NOW(3), \
             attempts = attempts + 1, updated_at = NOW(3) \
             WHERE queue_id IN ({in_list})"
        ),
        update,
    )
    .await
    .map_err(Error::db("leasing queue jobs"))?;

    let rows: Vec<mysql_async::Row> = tx
        .exec(
            format!(
                "SELECT queue_id, event_type, priority, payload, dedupe_key, attempts, \
                 max_attempts, lease_owner, lease_token, \
                 CAST(UNIX_TIMESTAMP(lease_expires_at) * 1000 AS SIGNED) \
                 FROM {table} WHERE queue_id IN ({in_list}) \
                 ORDER BY priority, available_at, queue_id"
            ),
            ids,
        )
        .await
        .map_err(Error::db("reading claimed queue jobs"))?;
    tx.commit()
        .await
        .map_err(Error::db("committing a queue claim"))?;

    rows.into_iter().map(|row| decode(row, lease)).collect()
}

fn decode(row: mysql_async::Row, lease: Duration) -> Result<ClaimedJob> {
    type Columns = (
        u64,
        String,
        u8,
        String,
        Option<String>,
        u32,
        u32,
        String,
        i64,
        i64,
    );
    let (id, kind, priority, payload, dedupe_key, attempts, max_attempts, owner, token, expires) =
        mysql_async::from_row_opt::<Columns>(row)
            .map_err(|e| Error::Internal(format!("unexpected queue row: {e}")))?;
    let payload = serde_json::from_str(&payload).unwrap_or_else(|e| {
        tracing::warn!(queue_id = id, error = %e, "queue payload is not valid JSON");
        serde_json::Value::Null
    });
    Ok(ClaimedJob {
        id,
        kind: JobKind::parse(&kind),
        priority,
        payload,
        dedupe_key,
        attempts,
        max_attempts,
        lease_owner: owner,
        lease_token: token,
        lease_expires_at_ms: expires,
        lease,
    })
}

/// What [`reap_expired`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReapReport {
    /// Jobs whose worker outlived its lease, back to `pending`.
    pub requeued: u64,
    /// Jobs whose expired lease was their last attempt, now `dead`.
    pub dead: u64,
}

/// Takes back up to `limit` jobs whose lease expired.
///
/// [`claim`] calls this first, so no separate reaper process is needed; a monitor may call it
/// too. A plain read first checks whether anything expired at all, so the common case takes no
/// locks. The locking transaction runs at REPEATABLE READ because a dead-lettered job raises an
/// alert, and only gap locks keep two concurrent reapers from opening the same alert twice.
pub async fn reap_expired(db: &Database, limit: usize) -> Result<ReapReport> {
    let table = db.table(TABLE);
    let any: Option<u8> = db
        .timed("looking for expired queue leases", async {
            let mut conn = db.conn().await?;
            conn.query_first(format!(
                "SELECT 1 FROM {table} WHERE status = 'running' AND lease_expires_at < NOW(3) LIMIT 1"
            ))
            .await
            .map_err(Error::db("looking for expired queue leases"))
        })
        .await?;
    if any.is_none() || limit == 0 {
        return Ok(ReapReport::default());
    }
    retry_conflicts(|| db.timed("reaping expired queue leases", reap_once(db, limit))).await
}

async fn reap_once(db: &Database, limit: usize) -> Result<ReapReport> {
    let table = db.table(TABLE);
    let mut conn = db.conn().await?;
    let mut tx = super::begin(
        &mut conn,
        IsolationLevel::RepeatableRead,
        "starting a lease reap",
    )
    .await?;
    let rows: Vec<(u64, String, u32, u32, String)> = tx
        .exec(
            format!(
                "SELECT queue_id, event_type, attempts, max_attempts, lease_owner FROM {table} \
                 WHERE status = 'running' AND lease_expires_at < NOW(3) \
                 ORDER BY lease_expires_at, queue_id LIMIT ? FOR UPDATE SKIP LOCKED"
            ),
            (limit as u64,),
        )
        .await
        .map_err(Error::db("selecting expired queue leases"))?;
    let (exhausted, retry): (Vec<_>, Vec<_>) = rows
        .into_iter()
        .partition(|(_, _, attempts, max, _)| attempts >= max);

    if !retry.is_empty() {
        let ids: Vec<u64> = retry.iter().map(|r| r.0).collect();
        tx.exec_drop(
            format!(
                "UPDATE {table} SET status = 'pending', available_at = NOW(3), \
                 lease_expires_at = NULL, error_class = '{LEASE_EXPIRED}', \
                 last_error = CONCAT('the lease of ', lease_owner, ' expired before it reported'), \
                 updated_at = NOW(3) WHERE queue_id IN ({})",
                marks(ids.len())
            ),
            ids,
        )
        .await
        .map_err(Error::db("requeueing expired queue leases"))?;
    }
    if !exhausted.is_empty() {
        let ids: Vec<u64> = exhausted.iter().map(|r| r.0).collect();
        tx.exec_drop(
            format!(
                "UPDATE {table} SET status = 'dead', lease_expires_at = NULL, \
                 error_class = '{LEASE_EXPIRED}', \
                 last_error = CONCAT('the lease of ', lease_owner, \
                   ' expired on the last attempt: the job may crash its worker'), \
                 updated_at = NOW(3) WHERE queue_id IN ({})",
                marks(ids.len())
            ),
            ids,
        )
        .await
        .map_err(Error::db("dead-lettering expired queue leases"))?;
        let deaths: Vec<(u64, String, u32)> = exhausted
            .iter()
            .map(|(id, kind, attempts, _, _)| (*id, kind.clone(), *attempts))
            .collect();
        raise_dead_letter_alerts(
            &mut tx,
            db,
            &deaths,
            LEASE_EXPIRED,
            "its worker never reported (crashed or was killed) on every attempt",
        )
        .await?;
    }
    tx.commit()
        .await
        .map_err(Error::db("committing a lease reap"))?;
    for (id, kind, attempts, _, owner) in &retry {
        tracing::info!(queue_id = id, kind = %kind, attempts, owner = %owner, "queue lease expired; job requeued");
    }
    for (id, kind, attempts, _, owner) in &exhausted {
        tracing::warn!(queue_id = id, kind = %kind, attempts, owner = %owner, "queue lease expired on the last attempt; job dead-lettered");
    }
    Ok(ReapReport {
        requeued: retry.len() as u64,
        dead: exhausted.len() as u64,
    })
}
