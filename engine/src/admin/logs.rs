//! The Logs tab: job runs from `{prefix}trendyol_sync_logs`, filtered by job and status, paged,
//! and a live view that asks only for rows newer than the last one it has.
//!
//! Rows are ordered newest first by `started_at, sync_log_id`, the order of the table's
//! `type_started` and `status_started` indexes, so a filtered page reads only the rows it shows.
//! Cleanup deletes by primary key in small batches (never one long `DELETE … WHERE created_at`),
//! so it holds its locks for milliseconds while cron jobs keep writing their rows.

use mysql_async::prelude::*;
use serde_json::{Map, Value};

use super::{bad, col, decode_json, read, Input, Paged, DATETIME};
use crate::db::Database;
use crate::error::{Error, Result};

const TABLE: &str = "trendyol_sync_logs";

/// The statuses the Logs filter accepts: every status the runner writes into a row (`abandoned`
/// included: a run whose process died is closed with it), plus the two it reports for runs that
/// never happened, which simply match nothing.
pub const STATUSES: &[&str] = &[
    "running",
    "ok",
    "partial",
    "failed",
    "abandoned",
    "skipped",
    "locked",
];

/// Rows deleted per cleanup statement.
const CLEANUP_BATCH: usize = 1000;

/// A cleanup of years of logs may take longer than one query's timeout; it is many short
/// statements, so a generous overall limit is safe.
const CLEANUP_TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(600);

/// What the Logs tab asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogFilter {
    pub sync_type: Option<String>,
    pub status: Option<&'static str>,
    pub page: super::Page,
    /// Live view: only rows with a larger id.
    pub since_id: Option<u64>,
}

impl LogFilter {
    pub fn parse(map: &Map<String, Value>) -> Result<LogFilter> {
        let input = Input::new(
            map,
            "the log filter",
            &["sync_type", "status", "page", "limit", "since_id"],
        )?;
        let sync_type = input.text("sync_type", 32)?;
        if let Some(t) = &sync_type {
            if !is_job_name(t) {
                return Err(bad(
                    "sync_type",
                    format!("'{t}' is not a job name (lower-case letters, digits and _)"),
                ));
            }
        }
        Ok(LogFilter {
            sync_type,
            status: input.choice("status", STATUSES)?,
            page: input.page()?,
            since_id: input.int("since_id", 0, i64::MAX)?.map(|n| n as u64),
        })
    }
}

/// `product_sync`, `trendyol_sync`, … — the shape every job name has.
pub(crate) fn is_job_name(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 32
        && text.starts_with(|c: char| c.is_ascii_lowercase())
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// One page of log rows, every column, `details` decoded.
pub async fn sync_logs(db: &Database, filter: &LogFilter) -> Result<Paged<Value>> {
    let mut conditions = Vec::new();
    let mut params: Vec<mysql_async::Value> = Vec::new();
    if let Some(t) = &filter.sync_type {
        conditions.push("sync_type = ?");
        params.push(t.clone().into());
    }
    if let Some(s) = filter.status {
        conditions.push("status = ?");
        params.push(s.into());
    }
    if let Some(id) = filter.since_id {
        conditions.push("sync_log_id > ?");
        params.push(id.into());
    }
    let where_sql = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    let table = db.table(TABLE);
    let count_sql = format!("SELECT COUNT(*) FROM {table} {where_sql}");
    let rows_sql = format!(
        "SELECT sync_log_id, sync_type, status, `trigger`, host, pid, \
         DATE_FORMAT(started_at, {DATETIME}), DATE_FORMAT(finished_at, {DATETIME}), duration_ms, \
         peak_memory_bytes, items_ok, items_failed, api_calls, api_errors, message, error, details, \
         DATE_FORMAT(created_at, {DATETIME}) \
         FROM {table} {where_sql} ORDER BY started_at DESC, sync_log_id DESC LIMIT ? OFFSET ?"
    );
    let mut row_params = params.clone();
    row_params.push(u64::from(filter.page.limit).into());
    row_params.push(filter.page.offset().into());
    let (total, rows) = read(db, "listing sync logs", async {
        let mut conn = db.conn().await?;
        let total: Option<u64> = conn
            .exec_first(count_sql.as_str(), params)
            .await
            .map_err(Error::db("counting sync logs"))?;
        let rows: Vec<mysql_async::Row> = conn
            .exec(rows_sql.as_str(), row_params)
            .await
            .map_err(Error::db("listing sync logs"))?;
        Ok((total.unwrap_or(0), rows))
    })
    .await?;
    let rows = rows.into_iter().map(log_row).collect::<Result<Vec<_>>>()?;
    Ok(Paged {
        total,
        page: filter.page.page,
        limit: filter.page.limit,
        rows,
    })
}

fn log_row(mut row: mysql_async::Row) -> Result<Value> {
    let mut m = Map::new();
    m.insert("sync_log_id".into(), col::<u64>(&mut row, 0)?.into());
    m.insert("sync_type".into(), col::<String>(&mut row, 1)?.into());
    m.insert("status".into(), col::<String>(&mut row, 2)?.into());
    m.insert("trigger".into(), col::<String>(&mut row, 3)?.into());
    m.insert("host".into(), col::<String>(&mut row, 4)?.into());
    m.insert("pid".into(), col::<i64>(&mut row, 5)?.into());
    m.insert(
        "started_at".into(),
        col::<Option<String>>(&mut row, 6)?.into(),
    );
    m.insert(
        "finished_at".into(),
        col::<Option<String>>(&mut row, 7)?.into(),
    );
    m.insert("duration_ms".into(), col::<i64>(&mut row, 8)?.into());
    m.insert("peak_memory_bytes".into(), col::<i64>(&mut row, 9)?.into());
    m.insert("items_ok".into(), col::<i64>(&mut row, 10)?.into());
    m.insert("items_failed".into(), col::<i64>(&mut row, 11)?.into());
    m.insert("api_calls".into(), col::<i64>(&mut row, 12)?.into());
    m.insert("api_errors".into(), col::<i64>(&mut row, 13)?.into());
    m.insert("message".into(), col::<String>(&mut row, 14)?.into());
    m.insert("error".into(), col::<Option<String>>(&mut row, 15)?.into());
    m.insert(
        "details".into(),
        decode_json(col::<Option<String>>(&mut row, 16)?),
    );
    m.insert(
        "created_at".into(),
        col::<Option<String>>(&mut row, 17)?.into(),
    );
    Ok(Value::Object(m))
}

/// Deletes log rows created more than `older_than_days` days ago (1..=3650), by primary key in
/// batches. Returns how many were deleted.
pub async fn cleanup(db: &Database, older_than_days: i64) -> Result<u64> {
    if !(1..=3650).contains(&older_than_days) {
        return Err(bad(
            "older_than_days",
            format!("{older_than_days} is not a whole number from 1 to 3650"),
        ));
    }
    let table = db.table(TABLE);
    db.timed_for("cleaning up sync logs", CLEANUP_TIME_LIMIT, async {
        let mut conn = db.conn().await?;
        // One cutoff for the whole cleanup, so rows written meanwhile are never chased.
        let cutoff: Option<String> = conn
            .exec_first(
                format!("SELECT DATE_FORMAT(NOW() - INTERVAL ? DAY, {DATETIME})"),
                (older_than_days,),
            )
            .await
            .map_err(Error::db("computing the log cleanup cutoff"))?;
        let cutoff = cutoff.ok_or_else(|| Error::Internal("no cleanup cutoff".into()))?;
        let select = format!(
            "SELECT sync_log_id FROM {table} WHERE created_at < ? ORDER BY created_at, sync_log_id LIMIT {CLEANUP_BATCH}"
        );
        let mut deleted = 0;
        loop {
            let ids: Vec<u64> = conn
                .exec(select.as_str(), (cutoff.as_str(),))
                .await
                .map_err(Error::db("finding old sync logs"))?;
            if ids.is_empty() {
                break;
            }
            conn.exec_drop(
                format!(
                    "DELETE FROM {table} WHERE sync_log_id IN ({})",
                    crate::queue::marks(ids.len())
                ),
                ids.clone(),
            )
            .await
            .map_err(Error::db("deleting old sync logs"))?;
            deleted += conn.affected_rows();
            if ids.len() < CLEANUP_BATCH {
                break;
            }
        }
        Ok(deleted)
    })
    .await
}
