//! Named positions of the polls (`trendyol_cursors`).
//!
//! A poll reads "everything changed since the position", imports it, and only then moves the
//! position — so a run that dies halfway reads the same window again (imports are idempotent)
//! instead of skipping it. Positions are milliseconds of Trendyol's clock.

use mysql_async::prelude::*;

use crate::db::Database;
use crate::error::{Error, Result};

/// The order stream's position (`lastModifiedDate`, UTC ms).
pub const ORDER_STREAM: &str = "orders.stream";
/// The claims poll's position (`lastModifiedDate`, UTC ms).
pub const CLAIMS: &str = "claims";

/// The position of `name`, 0 when it never moved.
pub async fn position(db: &Database, name: &str) -> Result<i64> {
    let mut conn = db.conn().await?;
    let row: Option<i64> = conn
        .exec_first(
            format!(
                "SELECT position_ms FROM {} WHERE name = ?",
                db.table("trendyol_cursors")
            ),
            (name,),
        )
        .await
        .map_err(Error::db("reading a poll position"))?;
    Ok(row.unwrap_or(0))
}

/// Moves `name` forward to `position_ms` (never backwards: two overlapping runs cannot undo
/// each other's progress).
pub async fn advance(db: &Database, name: &str, position_ms: i64) -> Result<()> {
    write(
        db,
        name,
        position_ms,
        "position_ms = GREATEST(position_ms, VALUES(position_ms))",
    )
    .await
}

/// Sets `name` to `position_ms`, backwards too (a table scan that wraps around to the start).
pub async fn set(db: &Database, name: &str, position_ms: i64) -> Result<()> {
    write(db, name, position_ms, "position_ms = VALUES(position_ms)").await
}

async fn write(db: &Database, name: &str, position_ms: i64, update: &str) -> Result<()> {
    let mut conn = db.conn().await?;
    conn.exec_drop(
        format!(
            "INSERT INTO {} (name, value, position_ms, updated_at) VALUES (?, '', ?, NOW(3)) \
             ON DUPLICATE KEY UPDATE {update}, updated_at = NOW(3)",
            db.table("trendyol_cursors")
        ),
        (name, position_ms),
    )
    .await
    .map_err(Error::db("moving a poll position"))
}
