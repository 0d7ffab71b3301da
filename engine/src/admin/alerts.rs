//! Alerts on the Monitoring tab: open ones first, and acknowledging them.
//!
//! Acknowledging sets `acknowledged_at`/`acknowledged_by` on rows still open (the guard is in the
//! statement), so two administrators clicking at once acknowledge each alert once, and the count
//! returned is what this click changed. An acknowledged alert stops deduplicating new
//! occurrences: the next one opens a fresh alert, which is what "I've seen it" should mean.

use mysql_async::prelude::*;
use serde_json::{Map, Value};

use super::{bad, col, read, Input, Page, Paged, DATETIME};
use crate::db::Database;
use crate::error::{Error, Result};

const TABLE: &str = "trendyol_alerts";

/// Ids per acknowledge statement.
const ID_CHUNK: usize = 500;

/// Which alerts to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlertFilter {
    /// `open`, `acknowledged` or `all`.
    pub state: &'static str,
    pub page: Page,
}

impl AlertFilter {
    pub fn parse(map: &Map<String, Value>) -> Result<AlertFilter> {
        let input = Input::new(map, "the alert filter", &["state", "page", "limit"])?;
        Ok(AlertFilter {
            state: input
                .choice("state", &["open", "acknowledged", "all"])?
                .unwrap_or("open"),
            page: input.page()?,
        })
    }
}

/// One page of alerts, most recently seen first.
pub async fn alerts(db: &Database, filter: &AlertFilter) -> Result<Paged<Value>> {
    let condition = match filter.state {
        "open" => "WHERE acknowledged_at IS NULL",
        "acknowledged" => "WHERE acknowledged_at IS NOT NULL",
        _ => "",
    };
    let table = db.table(TABLE);
    let count_sql = format!("SELECT COUNT(*) FROM {table} {condition}");
    let rows_sql = format!(
        "SELECT alert_id, alert_type, severity, title, message, dedupe_key, occurrences, \
         DATE_FORMAT(first_seen_at, {DATETIME}), DATE_FORMAT(last_seen_at, {DATETIME}), \
         DATE_FORMAT(emailed_at, {DATETIME}), DATE_FORMAT(acknowledged_at, {DATETIME}), acknowledged_by \
         FROM {table} {condition} ORDER BY last_seen_at DESC, alert_id DESC LIMIT ? OFFSET ?"
    );
    let (total, rows) = read(db, "listing alerts", async {
        let mut conn = db.conn().await?;
        let total: Option<u64> = conn
            .query_first(count_sql)
            .await
            .map_err(Error::db("counting alerts"))?;
        let rows: Vec<mysql_async::Row> = conn
            .exec(
                rows_sql.as_str(),
                (u64::from(filter.page.limit), filter.page.offset()),
            )
            .await
            .map_err(Error::db("listing alerts"))?;
        Ok((total.unwrap_or(0), rows))
    })
    .await?;
    let rows = rows
        .into_iter()
        .map(|mut row| {
            let mut m = Map::new();
            m.insert("alert_id".into(), col::<u64>(&mut row, 0)?.into());
            m.insert("alert_type".into(), col::<String>(&mut row, 1)?.into());
            m.insert("severity".into(), col::<String>(&mut row, 2)?.into());
            m.insert("title".into(), col::<String>(&mut row, 3)?.into());
            m.insert("message".into(), col::<String>(&mut row, 4)?.into());
            m.insert("dedupe_key".into(), col::<String>(&mut row, 5)?.into());
            m.insert("occurrences".into(), col::<i64>(&mut row, 6)?.into());
            m.insert(
                "first_seen_at".into(),
                col::<Option<String>>(&mut row, 7)?.into(),
            );
            m.insert(
                "last_seen_at".into(),
                col::<Option<String>>(&mut row, 8)?.into(),
            );
            m.insert(
                "emailed_at".into(),
                col::<Option<String>>(&mut row, 9)?.into(),
            );
            m.insert(
                "acknowledged_at".into(),
                col::<Option<String>>(&mut row, 10)?.into(),
            );
            m.insert(
                "acknowledged_by".into(),
                col::<Option<i64>>(&mut row, 11)?.into(),
            );
            Ok(Value::Object(m))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Paged {
        total,
        page: filter.page.page,
        limit: filter.page.limit,
        rows,
    })
}

/// Acknowledges the open alerts among `ids` for OpenCart user `user_id`; returns how many.
pub async fn acknowledge(db: &Database, ids: &[u64], user_id: i64) -> Result<u64> {
    if user_id < 1 || user_id > i64::from(i32::MAX) {
        return Err(bad(
            "user_id",
            format!("{user_id} is not an OpenCart user id"),
        ));
    }
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let table = db.table(TABLE);
    let mut changed = 0;
    for chunk in ids.chunks(ID_CHUNK) {
        let sql = format!(
            "UPDATE {table} SET acknowledged_at = NOW(), acknowledged_by = ? \
             WHERE alert_id IN ({}) AND acknowledged_at IS NULL",
            crate::queue::marks(chunk.len())
        );
        let mut params: Vec<mysql_async::Value> = vec![user_id.into()];
        params.extend(chunk.iter().map(|id| mysql_async::Value::from(*id)));
        changed += db
            .timed("acknowledging alerts", async {
                let mut conn = db.conn().await?;
                conn.exec_drop(sql.as_str(), params)
                    .await
                    .map_err(Error::db("acknowledging alerts"))?;
                Ok(conn.affected_rows())
            })
            .await?;
    }
    Ok(changed)
}
