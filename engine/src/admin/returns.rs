//! Returns (Trendyol claims) for the admin's Returns tab, from `{prefix}trendyol_claims`.
//! Approving and rejecting are separate calls that talk to Trendyol; this is the listing.

use mysql_async::prelude::*;
use serde_json::{Map, Value};

use super::{bad, col, decode_json, read, Input, Page, Paged, DATETIME};
use crate::db::Database;
use crate::error::{Error, Result};

/// What the Returns tab asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnFilter {
    /// Trendyol's claim status (`Created`, `WaitingInAction`, `Accepted`, …).
    pub status: Option<String>,
    pub page: Page,
}

impl ReturnFilter {
    pub fn parse(map: &Map<String, Value>) -> Result<ReturnFilter> {
        let input = Input::new(map, "the returns filter", &["status", "page", "limit"])?;
        let status = input.text("status", 32)?;
        if let Some(s) = &status {
            if !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(bad(
                    "status",
                    format!("'{s}' is not a Trendyol claim status"),
                ));
            }
        }
        Ok(ReturnFilter {
            status,
            page: input.page()?,
        })
    }
}

/// One page of claims, most recently changed first.
pub async fn returns(db: &Database, filter: &ReturnFilter) -> Result<Paged<Value>> {
    let table = db.table("trendyol_claims");
    let (where_sql, params): (&str, Vec<mysql_async::Value>) = match &filter.status {
        // Served by the (claim_status, updated_at) index.
        Some(s) => ("WHERE claim_status = ?", vec![s.clone().into()]),
        None => ("", Vec::new()),
    };
    let count_sql = format!("SELECT COUNT(*) FROM {table} {where_sql}");
    let rows_sql = format!(
        "SELECT claim_id, order_number, package_id, order_id, return_id, claim_status, items, \
         DATE_FORMAT(claim_date, {DATETIME}), decision, DATE_FORMAT(decided_at, {DATETIME}), \
         DATE_FORMAT(updated_at, {DATETIME}) \
         FROM {table} {where_sql} ORDER BY updated_at DESC, claim_id DESC LIMIT ? OFFSET ?"
    );
    let mut row_params = params.clone();
    row_params.push(u64::from(filter.page.limit).into());
    row_params.push(filter.page.offset().into());
    let (total, rows) = read(db, "listing returns", async {
        let mut conn = db.conn().await?;
        let total: Option<u64> = conn
            .exec_first(count_sql.as_str(), params)
            .await
            .map_err(Error::db("counting returns"))?;
        let rows: Vec<mysql_async::Row> = conn
            .exec(rows_sql.as_str(), row_params)
            .await
            .map_err(Error::db("listing returns"))?;
        Ok((total.unwrap_or(0), rows))
    })
    .await?;
    let rows = rows
        .into_iter()
        .map(|mut row| {
            let mut m = Map::new();
            m.insert("claim_id".into(), col::<String>(&mut row, 0)?.into());
            m.insert("order_number".into(), col::<String>(&mut row, 1)?.into());
            m.insert("package_id".into(), col::<Option<i64>>(&mut row, 2)?.into());
            m.insert("order_id".into(), col::<Option<i64>>(&mut row, 3)?.into());
            m.insert("return_id".into(), col::<Option<i64>>(&mut row, 4)?.into());
            m.insert("claim_status".into(), col::<String>(&mut row, 5)?.into());
            let items = match decode_json(col::<Option<String>>(&mut row, 6)?) {
                Value::Null => Value::Array(Vec::new()),
                other => other,
            };
            m.insert("items".into(), items);
            m.insert(
                "claim_date".into(),
                col::<Option<String>>(&mut row, 7)?.into(),
            );
            m.insert("decision".into(), col::<String>(&mut row, 8)?.into());
            m.insert(
                "decided_at".into(),
                col::<Option<String>>(&mut row, 9)?.into(),
            );
            m.insert(
                "updated_at".into(),
                col::<Option<String>>(&mut row, 10)?.into(),
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
