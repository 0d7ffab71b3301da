//! The `trendyol_sync_logs` row of a job run: the admin's statistics, the orchestrator's "when
//! did this last succeed", and the metrics all read it.
//!
//! A row is written when the run starts (`running`), so a run that dies leaves a trace, and
//! completed at the end with what the run did. A `running` row whose process died is closed as
//! `abandoned` by whoever takes over the job's lock — or, for the orchestrator's ticks, which
//! hold no lock, by the next tick ([`abandon_orphans`]).

use std::time::Duration;

use mysql_async::prelude::*;
use serde::Serialize;

use crate::db::Database;
use crate::error::{Error, Result};
use crate::queue::truncate;

const TABLE: &str = "trendyol_sync_logs";

/// `message` is a varchar(255).
const MESSAGE_MAX: usize = 255;
/// `error` is text; a few kilobytes is every engine error with room to spare.
const ERROR_MAX: usize = 8000;

pub use super::status::RunStatus;

/// What a finished run writes into its row.
#[derive(Debug, Clone, Default)]
pub struct RunSummary {
    pub duration_ms: u64,
    pub peak_memory_bytes: u64,
    pub items_ok: u64,
    pub items_failed: u64,
    pub api_calls: u64,
    pub api_errors: u64,
    pub message: String,
    pub error: Option<String>,
    pub details: serde_json::Value,
}

/// Inserts the `running` row of a new run and returns its id.
pub async fn start(db: &Database, job: &str, trigger: &str, host: &str) -> Result<u64> {
    let sql = format!(
        "INSERT INTO {} (sync_type, status, `trigger`, host, pid, started_at, created_at) \
         VALUES (?, 'running', ?, ?, ?, NOW(3), UTC_TIMESTAMP())",
        db.table(TABLE)
    );
    let trigger: String = trigger.chars().take(16).collect();
    let host: String = host.chars().take(64).collect();
    db.timed("writing a sync log row", async {
        let mut conn = db.conn().await?;
        conn.exec_drop(sql.as_str(), (job, trigger, host, std::process::id()))
            .await
            .map_err(Error::db("writing a sync log row"))?;
        conn.last_insert_id()
            .ok_or_else(|| Error::Internal("no id for the new sync log row".into()))
    })
    .await
}

/// Completes a run's row. Only a `running` row is completed, so a run that was declared
/// abandoned (it outlived its lease) does not overwrite that verdict.
pub async fn finish(db: &Database, id: u64, status: RunStatus, run: &RunSummary) -> Result<()> {
    let sql = format!(
        "UPDATE {} SET status = ?, finished_at = NOW(3), duration_ms = ?, peak_memory_bytes = ?, \
         items_ok = ?, items_failed = ?, api_calls = ?, api_errors = ?, message = ?, error = ?, \
         details = ? WHERE sync_log_id = ? AND status = 'running'",
        db.table(TABLE)
    );
    let clamp = |n: u64| n.min(i32::MAX as u64);
    let details = serde_json::to_string(&run.details).unwrap_or_else(|_| "{}".into());
    let params: Vec<mysql_async::Value> = vec![
        status.as_str().into(),
        clamp(run.duration_ms).into(),
        run.peak_memory_bytes.into(),
        clamp(run.items_ok).into(),
        clamp(run.items_failed).into(),
        clamp(run.api_calls).into(),
        clamp(run.api_errors).into(),
        truncate(&run.message, MESSAGE_MAX).into(),
        run.error.as_deref().map(|e| truncate(e, ERROR_MAX)).into(),
        details.into(),
        id.into(),
    ];
    db.timed("completing a sync log row", async {
        let mut conn = db.conn().await?;
        conn.exec_drop(sql.as_str(), params)
            .await
            .map_err(Error::db("completing a sync log row"))
    })
    .await
}

/// Closes the `running` row of a run whose process died.
pub async fn abandon(db: &Database, id: u64, reason: &str) -> Result<bool> {
    let sql = format!(
        "UPDATE {} SET status = 'abandoned', finished_at = NOW(3), \
         duration_ms = LEAST(CAST(TIMESTAMPDIFF(MICROSECOND, started_at, NOW(3)) / 1000 AS SIGNED), 2147483647), \
         error = ? WHERE sync_log_id = ? AND status = 'running'",
        db.table(TABLE)
    );
    db.timed("closing an abandoned run", async {
        let mut conn = db.conn().await?;
        conn.exec_drop(sql.as_str(), (truncate(reason, ERROR_MAX), id))
            .await
            .map_err(Error::db("closing an abandoned run"))?;
        Ok(conn.affected_rows() > 0)
    })
    .await
}

/// Longer than any run can last: the bridge accepts a budget of at most a day, and a run is cut
/// off a grace period after its budget.
const ORPHAN_AGE_HOURS: u32 = 25;

/// Closes the `running` rows of `job` whose process is gone: on this host, rows whose process
/// no longer exists; on any host, rows older than any run can last. For runs that hold no lock
/// (the orchestrator's ticks), whose rows no lock take-over would ever close. Returns how many
/// rows were closed.
pub async fn abandon_orphans(db: &Database, job: &str, host: &str) -> Result<u64> {
    let table = db.table(TABLE);
    let rows: Vec<(u64, String, i64, i64)> = db
        .timed("looking for runs whose process died", async {
            let mut conn = db.conn().await?;
            conn.exec(
                format!(
                    "SELECT sync_log_id, host, pid, \
                     CAST(TIMESTAMPDIFF(SECOND, started_at, NOW(3)) AS SIGNED) FROM {table} \
                     WHERE sync_type = ? AND status = 'running'"
                ),
                (job,),
            )
            .await
            .map_err(Error::db("looking for runs whose process died"))
        })
        .await?;
    let mut closed = 0;
    for (id, row_host, pid, age_s) in rows {
        let reason = if age_s > i64::from(ORPHAN_AGE_HOURS) * 3600 {
            format!(
                "the run on {row_host} never finished and is older than {ORPHAN_AGE_HOURS} hours"
            )
        } else if row_host == host && pid != i64::from(std::process::id()) && !process_exists(pid) {
            format!("the run's process ({pid} on {row_host}) ended without finishing it (crashed or killed)")
        } else {
            continue;
        };
        if abandon(db, id, &reason).await? {
            tracing::warn!(sync_log_id = id, "{job}: {reason}");
            closed += 1;
        }
    }
    Ok(closed)
}

/// Whether a process with this id exists on this host (signal 0 checks without sending).
fn process_exists(pid: i64) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    if pid <= 0 {
        return false;
    }
    // SAFETY: kill with signal 0 only asks whether the process exists; nothing is sent.
    let found = unsafe { libc::kill(pid, 0) } == 0;
    // EPERM: it exists but belongs to another user.
    found || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// How long ago (server clock) the last run of `job` that finished its work (`ok`) started.
/// `None` when it never did. Partial runs do not count: the next tick resumes them.
pub async fn since_last_success(db: &Database, job: &str) -> Result<Option<Duration>> {
    let sql = format!(
        "SELECT CAST(TIMESTAMPDIFF(MICROSECOND, started_at, NOW(3)) AS SIGNED) FROM {} \
         WHERE sync_type = ? AND status = 'ok' ORDER BY started_at DESC LIMIT 1",
        db.table(TABLE)
    );
    age(db, "reading the last successful run", sql, job).await
}

/// How long ago the job's first recorded run started (`None`: it never ran).
pub async fn since_first_run(db: &Database, job: &str) -> Result<Option<Duration>> {
    let sql = format!(
        "SELECT CAST(TIMESTAMPDIFF(MICROSECOND, MIN(started_at), NOW(3)) AS SIGNED) FROM {} \
         WHERE sync_type = ?",
        db.table(TABLE)
    );
    age(db, "reading the first run", sql, job).await
}

/// An age in microseconds that `sql` reads for `job` (no row, or NULL: `None`).
async fn age(db: &Database, what: &str, sql: String, job: &str) -> Result<Option<Duration>> {
    let us: Option<Option<i64>> = db
        .timed(what, async {
            let mut conn = db.conn().await?;
            conn.exec_first(sql.as_str(), (job,))
                .await
                .map_err(Error::db(what.to_string()))
        })
        .await?;
    Ok(us
        .flatten()
        .map(|us| Duration::from_micros(us.max(0) as u64)))
}

/// One stored row, for tests, the admin and the metrics.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SyncLogRow {
    pub id: u64,
    pub job: String,
    pub status: String,
    pub trigger: String,
    pub host: String,
    pub pid: u32,
    pub duration_ms: u64,
    pub peak_memory_bytes: u64,
    pub items_ok: u64,
    pub items_failed: u64,
    pub api_calls: u64,
    pub api_errors: u64,
    pub message: String,
    pub error: Option<String>,
    pub details: serde_json::Value,
    /// Milliseconds since the epoch.
    pub started_at_ms: i64,
    pub finished_at_ms: Option<i64>,
}

/// The most recent rows, newest first; `job` filters by type.
pub async fn recent(db: &Database, job: Option<&str>, limit: usize) -> Result<Vec<SyncLogRow>> {
    let filter = if job.is_some() {
        "WHERE sync_type = ?"
    } else {
        ""
    };
    let sql = format!(
        "SELECT sync_log_id, sync_type, status, `trigger`, host, pid, duration_ms, \
         peak_memory_bytes, items_ok, items_failed, api_calls, api_errors, message, error, details, \
         CAST(UNIX_TIMESTAMP(started_at) * 1000 AS SIGNED), \
         CAST(UNIX_TIMESTAMP(finished_at) * 1000 AS SIGNED) \
         FROM {} {filter} ORDER BY started_at DESC, sync_log_id DESC LIMIT {}",
        db.table(TABLE),
        limit.min(10_000)
    );
    let params: Vec<mysql_async::Value> = job.map(|j| vec![j.into()]).unwrap_or_default();
    let rows: Vec<mysql_async::Row> = db
        .timed("reading sync logs", async {
            let mut conn = db.conn().await?;
            conn.exec(sql.as_str(), params)
                .await
                .map_err(Error::db("reading sync logs"))
        })
        .await?;
    rows.into_iter().map(row_to_log).collect()
}

fn row_to_log(mut row: mysql_async::Row) -> Result<SyncLogRow> {
    fn col<T: mysql_async::prelude::FromValue>(row: &mut mysql_async::Row, i: usize) -> Result<T> {
        row.take_opt(i)
            .ok_or_else(|| Error::Internal(format!("sync log column {i} missing")))?
            .map_err(|e| Error::Internal(format!("sync log column {i}: {e}")))
    }
    let details: Option<String> = col(&mut row, 14)?;
    Ok(SyncLogRow {
        id: col(&mut row, 0)?,
        job: col(&mut row, 1)?,
        status: col(&mut row, 2)?,
        trigger: col(&mut row, 3)?,
        host: col(&mut row, 4)?,
        pid: col(&mut row, 5)?,
        duration_ms: col(&mut row, 6)?,
        peak_memory_bytes: col(&mut row, 7)?,
        items_ok: col(&mut row, 8)?,
        items_failed: col(&mut row, 9)?,
        api_calls: col(&mut row, 10)?,
        api_errors: col(&mut row, 11)?,
        message: col(&mut row, 12)?,
        error: col(&mut row, 13)?,
        details: details
            .and_then(|d| serde_json::from_str(&d).ok())
            .unwrap_or(serde_json::Value::Null),
        started_at_ms: col(&mut row, 15)?,
        finished_at_ms: col(&mut row, 16)?,
    })
}
