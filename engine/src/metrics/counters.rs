//! Cumulative Trendyol API counters per endpoint class, kept in `{prefix}trendyol_api_counters`.
//!
//! A run's [`MetricsSnapshot`] is added once, at the end of the run, in one statement whose rows
//! are in primary-key order (so concurrent runs lock them in the same order). Counters only
//! grow, which is what a Prometheus counter must do; cleaning up old sync logs does not touch
//! them.

use mysql_async::prelude::*;

use crate::db::Database;
use crate::error::{Error, Result};
use crate::trendyol::MetricsSnapshot;

const TABLE: &str = "trendyol_api_counters";

/// The `kind` of the calls counter; every other kind is an error class.
pub const CALL: &str = "call";

/// One counter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counter {
    pub endpoint: String,
    pub kind: String,
    pub count: u64,
}

/// Adds a run's calls and errors.
pub async fn add(db: &Database, snapshot: &MetricsSnapshot) -> Result<()> {
    let mut rows: Vec<(String, String, u64)> = Vec::new();
    for (endpoint, m) in &snapshot.classes {
        if m.calls > 0 {
            rows.push((endpoint.clone(), CALL.to_string(), m.calls));
        }
        for (class, n) in &m.failed {
            if *n > 0 {
                rows.push((endpoint.clone(), class.clone(), *n));
            }
        }
    }
    if rows.is_empty() {
        return Ok(());
    }
    rows.sort();
    let sql = format!(
        "INSERT INTO {} (endpoint, kind, count, updated_at) VALUES {} \
         ON DUPLICATE KEY UPDATE count = count + VALUES(count), updated_at = NOW(3)",
        db.table(TABLE),
        vec!["(?, ?, ?, NOW(3))"; rows.len()].join(", ")
    );
    let params: Vec<mysql_async::Value> = rows
        .into_iter()
        .flat_map(|(e, k, n)| [e.into(), k.into(), n.into()])
        .collect();
    crate::queue::retry_conflicts(|| {
        db.timed("adding API counters", async {
            let mut conn = db.conn().await?;
            conn.exec_drop(sql.as_str(), params.clone())
                .await
                .map_err(Error::db("adding API counters"))
        })
    })
    .await
}

/// Every counter, by endpoint then kind.
pub async fn read(db: &Database) -> Result<Vec<Counter>> {
    let sql = format!(
        "SELECT endpoint, kind, count FROM {} ORDER BY endpoint, kind",
        db.table(TABLE)
    );
    let rows: Vec<(String, String, u64)> = db
        .timed("reading API counters", async {
            let mut conn = db.conn().await?;
            conn.query(sql)
                .await
                .map_err(Error::db("reading API counters"))
        })
        .await?;
    Ok(rows
        .into_iter()
        .map(|(endpoint, kind, count)| Counter {
            endpoint,
            kind,
            count,
        })
        .collect())
}
