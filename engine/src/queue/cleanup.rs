//! Deleting processed jobs after 30 days.
//!
//! Finished rows are kept for a while — the admin shows recent history and a dedupe key keeps
//! catching repeats while its row exists — then deleted. Only `done` and `discarded` rows go;
//! `pending`, `running` and `dead` rows are work or a decision still to be made, whatever their
//! age.
//!
//! Deletion picks a bounded batch of primary keys through the `processed_at` index, then deletes
//! exactly those rows by primary key, one short autocommit statement per batch. One big
//! `DELETE … WHERE processed_at < …` would lock every matching row and its index gaps for as long
//! as it runs, stalling enqueues and claims behind it; small batches by key never hold much for
//! long, and a cleanup cut short by its deadline has still made progress.

use std::time::Duration;

use mysql_async::prelude::*;

use super::{marks, micros, retry_conflicts, TABLE};
use crate::db::Database;
use crate::error::{Error, Result};

/// How long processed rows are kept: 30 days, long enough to investigate a month's disputes.
pub const DEFAULT_RETENTION: Duration = Duration::from_secs(30 * 24 * 3600);

/// Rows per delete statement.
pub const DEFAULT_CLEANUP_BATCH: usize = 500;

/// Deletes `done` and `discarded` jobs processed more than `older_than` ago (server clock), at
/// most `batch` rows per statement. Returns how many rows were deleted.
pub async fn cleanup(db: &Database, older_than: Duration, batch: usize) -> Result<u64> {
    let table = db.table(TABLE);
    let batch = if batch == 0 {
        DEFAULT_CLEANUP_BATCH
    } else {
        batch
    };
    let age = micros(older_than);
    let select = format!(
        "SELECT queue_id FROM {table} \
         WHERE processed_at < NOW(3) - INTERVAL ? MICROSECOND AND status IN ('done', 'discarded') \
         ORDER BY processed_at LIMIT ?"
    );
    let mut deleted = 0;
    loop {
        let ids: Vec<u64> = db
            .timed("finding old queue jobs", async {
                let mut conn = db.conn().await?;
                conn.exec(select.as_str(), (age, batch as u64))
                    .await
                    .map_err(Error::db("finding old queue jobs"))
            })
            .await?;
        if ids.is_empty() {
            break;
        }
        let found = ids.len();
        let mut sorted = ids;
        sorted.sort_unstable();
        // The conditions are repeated so a row that changed since the select is left alone.
        let delete = format!(
            "DELETE FROM {table} WHERE queue_id IN ({}) AND status IN ('done', 'discarded') \
             AND processed_at < NOW(3) - INTERVAL ? MICROSECOND",
            marks(sorted.len())
        );
        let mut params: Vec<mysql_async::Value> = sorted.into_iter().map(Into::into).collect();
        params.push(age.into());
        deleted += retry_conflicts(|| {
            db.timed("deleting old queue jobs", async {
                let mut conn = db.conn().await?;
                conn.exec_drop(delete.as_str(), params.clone())
                    .await
                    .map_err(Error::db("deleting old queue jobs"))?;
                Ok(conn.affected_rows())
            })
        })
        .await?;
        if found < batch {
            break;
        }
    }
    if deleted > 0 {
        tracing::info!(deleted, "old queue jobs cleaned up");
    }
    Ok(deleted)
}
