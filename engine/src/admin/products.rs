//! Per-product sync status: where each product is in its life on Trendyol and, when Trendyol
//! said no, why — from `{prefix}trendyol_products`, named in the shop's configured language.
//!
//! Trendyol's reasons reach the table in more than one shape over time (a list of strings, a list
//! of `{message: …}` objects from a batch result, or plain text from older code), so
//! [`reasons`] reads them all into a list of strings rather than trusting one shape.

use mysql_async::prelude::*;
use serde_json::{json, Map, Value};

use super::{col, like_pattern, read, Input, Page, Paged, DATETIME};
use crate::db::Database;
use crate::error::{Error, Result};

/// The product life cycle's states.
pub const SYNC_STATUSES: &[&str] = &[
    "pending",
    "submitted",
    "approved",
    "rejected",
    "failed",
    "invalid",
];

/// What the products page asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductFilter {
    pub sync_status: Option<&'static str>,
    /// Part of the name or of the barcode.
    pub search: Option<String>,
    pub page: Page,
}

impl ProductFilter {
    pub fn parse(map: &Map<String, Value>) -> Result<ProductFilter> {
        let input = Input::new(
            map,
            "the product filter",
            &["sync_status", "search", "page", "limit"],
        )?;
        Ok(ProductFilter {
            sync_status: input.choice("sync_status", SYNC_STATUSES)?,
            search: input.text("search", 255)?,
            page: input.page()?,
        })
    }
}

/// One page of products with their state and reasons, plus the count per state.
pub async fn product_statuses(
    db: &Database,
    language_id: u32,
    filter: &ProductFilter,
) -> Result<Value> {
    let products = db.table("trendyol_products");
    let descriptions = db.table("product_description");
    let mut conditions = Vec::new();
    let mut params: Vec<mysql_async::Value> = vec![language_id.into()];
    if let Some(status) = filter.sync_status {
        conditions.push("tp.sync_status = ?".to_string());
        params.push(status.into());
    }
    if let Some(search) = &filter.search {
        conditions
            .push("(pd.name LIKE ? ESCAPE '\\\\' OR tp.barcode LIKE ? ESCAPE '\\\\')".to_string());
        let pattern = like_pattern(search);
        params.push(pattern.clone().into());
        params.push(pattern.into());
    }
    let where_sql = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    let from = format!(
        "FROM {products} tp LEFT JOIN {descriptions} pd \
         ON pd.product_id = tp.product_id AND pd.language_id = ? {where_sql}"
    );
    let count_sql = format!("SELECT COUNT(*) {from}");
    let rows_sql = format!(
        "SELECT tp.trendyol_product_id, tp.product_id, tp.product_option_value_id, \
         COALESCE(pd.name, ''), tp.barcode, tp.sync_status, tp.trendyol_status, tp.reasons, \
         tp.batch_request_id, DATE_FORMAT(tp.submitted_at, {DATETIME}), \
         DATE_FORMAT(tp.approved_at, {DATETIME}), DATE_FORMAT(tp.updated_at, {DATETIME}) \
         {from} ORDER BY tp.updated_at DESC, tp.trendyol_product_id DESC LIMIT ? OFFSET ?"
    );
    let mut row_params = params.clone();
    row_params.push(u64::from(filter.page.limit).into());
    row_params.push(filter.page.offset().into());
    let (total, rows, counts) = read(db, "listing product sync states", async {
        let mut conn = db.conn().await?;
        let total: Option<u64> = conn
            .exec_first(count_sql.as_str(), params)
            .await
            .map_err(Error::db("counting products"))?;
        let rows: Vec<mysql_async::Row> = conn
            .exec(rows_sql.as_str(), row_params)
            .await
            .map_err(Error::db("listing products"))?;
        // Served by the (sync_status, updated_at) index.
        let counts: Vec<(String, u64)> = conn
            .query(format!(
                "SELECT sync_status, COUNT(*) FROM {products} GROUP BY sync_status"
            ))
            .await
            .map_err(Error::db("counting products per state"))?;
        Ok((total.unwrap_or(0), rows, counts))
    })
    .await?;
    let mut count_map: Map<String, Value> = SYNC_STATUSES
        .iter()
        .map(|s| (s.to_string(), json!(0)))
        .collect();
    for (status, n) in counts {
        count_map.insert(status, json!(n));
    }
    let rows = rows
        .into_iter()
        .map(|mut row| {
            let mut m = Map::new();
            m.insert(
                "trendyol_product_id".into(),
                col::<u64>(&mut row, 0)?.into(),
            );
            m.insert("product_id".into(), col::<u64>(&mut row, 1)?.into());
            m.insert(
                "product_option_value_id".into(),
                col::<u64>(&mut row, 2)?.into(),
            );
            m.insert("name".into(), col::<String>(&mut row, 3)?.into());
            m.insert("barcode".into(), col::<String>(&mut row, 4)?.into());
            m.insert("sync_status".into(), col::<String>(&mut row, 5)?.into());
            m.insert("trendyol_status".into(), col::<String>(&mut row, 6)?.into());
            let reasons = reasons(col::<Option<String>>(&mut row, 7)?.as_deref());
            m.insert("reasons".into(), json!(reasons));
            m.insert(
                "batch_request_id".into(),
                col::<String>(&mut row, 8)?.into(),
            );
            m.insert(
                "submitted_at".into(),
                col::<Option<String>>(&mut row, 9)?.into(),
            );
            m.insert(
                "approved_at".into(),
                col::<Option<String>>(&mut row, 10)?.into(),
            );
            m.insert(
                "updated_at".into(),
                col::<Option<String>>(&mut row, 11)?.into(),
            );
            Ok(Value::Object(m))
        })
        .collect::<Result<Vec<_>>>()?;
    let paged = Paged {
        total,
        page: filter.page.page,
        limit: filter.page.limit,
        rows,
    };
    let mut value = serde_json::to_value(&paged).map_err(|e| Error::Internal(e.to_string()))?;
    if let Value::Object(map) = &mut value {
        map.insert("counts".into(), Value::Object(count_map));
    }
    Ok(value)
}

/// The `reasons` column as a list of strings: a JSON list of strings or of objects with a
/// `message` (or `reason`/`description`), a single JSON string, or plain text.
pub fn reasons(stored: Option<&str>) -> Vec<String> {
    let Some(text) = stored.map(str::trim).filter(|t| !t.is_empty()) else {
        return Vec::new();
    };
    let one = |item: &Value| -> Option<String> {
        match item {
            Value::String(s) => Some(s.clone()),
            Value::Object(o) => ["message", "reason", "description"]
                .iter()
                .find_map(|k| o.get(*k).and_then(Value::as_str).map(str::to_string))
                .or_else(|| Some(item.to_string())),
            Value::Null => None,
            other => Some(other.to_string()),
        }
    };
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Array(items)) => items
            .iter()
            .filter_map(one)
            .filter(|s| !s.is_empty())
            .collect(),
        Ok(Value::Null) => Vec::new(),
        Ok(item @ (Value::String(_) | Value::Object(_))) => one(&item).into_iter().collect(),
        _ => vec![text.to_string()],
    }
}

#[cfg(test)]
mod tests {
    use super::reasons;

    #[test]
    fn reasons_in_every_stored_shape() {
        assert_eq!(reasons(None), Vec::<String>::new());
        assert_eq!(reasons(Some("  ")), Vec::<String>::new());
        assert_eq!(reasons(Some(r#"["a","b"]"#)), vec!["a", "b"]);
        assert_eq!(
            reasons(Some(r#"[{"message":"Marka bulunamadı"},{"reason":"x"}]"#)),
            vec!["Marka bulunamadı", "x"]
        );
        assert_eq!(reasons(Some(r#""just one""#)), vec!["just one"]);
        assert_eq!(
            reasons(Some("plain text, not JSON")),
            vec!["plain text, not JSON"]
        );
        assert_eq!(reasons(Some("[broken")), vec!["[broken"]);
    }
}
