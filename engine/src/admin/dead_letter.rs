//! The queue as the admin sees it: statistics, the dead letter, replay and discard — the
//! queue's own functions ([`crate::queue::admin`]) behind input checks.

use serde_json::{json, Value};

use super::bad;
use crate::db::Database;
use crate::error::{Error, Result};
use crate::queue;

/// Per-priority and per-status counts, with the totals the admin shows in its badges.
pub async fn queue_stats(db: &Database) -> Result<Value> {
    let stats = queue::stats(db).await?;
    let mut value = serde_json::to_value(&stats).map_err(|e| Error::Internal(e.to_string()))?;
    if let Value::Object(map) = &mut value {
        map.insert("pending_total".into(), json!(stats.pending()));
        map.insert("dead_total".into(), json!(stats.dead()));
    }
    Ok(value)
}

/// One page of the dead letter, most recently dead first (`limit` 1..=500, `offset` ≥ 0).
pub async fn dead_jobs(db: &Database, limit: i64, offset: i64) -> Result<Value> {
    if !(1..=500).contains(&limit) {
        return Err(bad(
            "limit",
            format!("{limit} is not a whole number from 1 to 500"),
        ));
    }
    if !(0..=10_000_000).contains(&offset) {
        return Err(bad(
            "offset",
            format!("{offset} is not a whole number from 0 to 10000000"),
        ));
    }
    let jobs = queue::dead_jobs(db, limit as usize, offset as usize).await?;
    serde_json::to_value(&jobs).map_err(|e| Error::Internal(e.to_string()))
}

/// Replays dead jobs; returns how many went back to the queue.
pub async fn replay(db: &Database, ids: &[u64]) -> Result<u64> {
    queue::replay(db, ids).await
}

/// Discards dead jobs; returns how many were discarded.
pub async fn discard(db: &Database, ids: &[u64]) -> Result<u64> {
    queue::discard(db, ids).await
}
