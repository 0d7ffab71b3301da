//! The one-table listings: categories, manufacturers (brands) and tax classes (VAT), each
//! OpenCart row joined with its mapping, so what is not mapped yet shows too.

use mysql_async::prelude::*;
use serde_json::{Map, Value};

use super::Kind;
use crate::admin::{col, like_pattern, read, Input, Page, Paged, DATETIME};
use crate::db::Database;
use crate::error::{Error, Result};

pub(super) async fn simple_list(
    db: &Database,
    language_id: u32,
    kind: Kind,
    filter: &Map<String, Value>,
) -> Result<Value> {
    let input = Input::new(
        filter,
        "the mapping filter",
        &["search", "unmapped_only", "page", "limit"],
    )?;
    let search = input.text("search", 255)?;
    let unmapped_only = input.flag("unmapped_only")?;
    let page = input.page()?;
    // (id column, name expression, trendyol columns, FROM with joins)
    let (id, name, mapped_cols, from, lang_params) = match kind {
        Kind::Category => (
            "c.category_id",
            "COALESCE(cd.name, '')",
            "m.trendyol_category_id, m.trendyol_category_name",
            format!(
                "FROM {} c LEFT JOIN {} cd ON cd.category_id = c.category_id AND cd.language_id = ? \
                 LEFT JOIN {} m ON m.category_id = c.category_id",
                db.table("category"),
                db.table("category_description"),
                db.table("trendyol_category_map")
            ),
            1,
        ),
        Kind::Brand => (
            "c.manufacturer_id",
            "c.name",
            "m.trendyol_brand_id, m.trendyol_brand_name",
            format!(
                "FROM {} c LEFT JOIN {} m ON m.manufacturer_id = c.manufacturer_id",
                db.table("manufacturer"),
                db.table("trendyol_brand_map")
            ),
            0,
        ),
        _ => (
            "c.tax_class_id",
            "c.title",
            "m.vat_rate, NULL",
            format!(
                "FROM {} c LEFT JOIN {} m ON m.tax_class_id = c.tax_class_id",
                db.table("tax_class"),
                db.table("trendyol_vat_map")
            ),
            0,
        ),
    };
    let mut conditions = Vec::new();
    let mut params: Vec<mysql_async::Value> = Vec::new();
    if lang_params == 1 {
        params.push(language_id.into());
    }
    if let Some(s) = &search {
        conditions.push(format!("{name} LIKE ? ESCAPE '\\\\'"));
        params.push(like_pattern(s).into());
    }
    if unmapped_only {
        conditions.push("m.updated_at IS NULL".to_string());
    }
    let where_sql = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    let count_sql = format!("SELECT COUNT(*) {from} {where_sql}");
    let rows_sql = format!(
        "SELECT {id}, {name}, {mapped_cols}, DATE_FORMAT(m.updated_at, {DATETIME}) \
         {from} {where_sql} ORDER BY {name}, {id} LIMIT ? OFFSET ?"
    );
    let mut row_params = params.clone();
    row_params.push(u64::from(page.limit).into());
    row_params.push(page.offset().into());
    let (total, rows) = read(db, "listing mappings", async {
        let mut conn = db.conn().await?;
        let total: Option<u64> = conn
            .exec_first(count_sql.as_str(), params)
            .await
            .map_err(Error::db("counting mappings"))?;
        let rows: Vec<mysql_async::Row> = conn
            .exec(rows_sql.as_str(), row_params)
            .await
            .map_err(Error::db("listing mappings"))?;
        Ok((total.unwrap_or(0), rows))
    })
    .await?;
    let (id_key, name_key, a_key, b_key) = match kind {
        Kind::Category => (
            "category_id",
            "name",
            "trendyol_category_id",
            Some("trendyol_category_name"),
        ),
        Kind::Brand => (
            "manufacturer_id",
            "name",
            "trendyol_brand_id",
            Some("trendyol_brand_name"),
        ),
        _ => ("tax_class_id", "title", "vat_rate", None),
    };
    let rows = rows
        .into_iter()
        .map(|mut row| {
            let mut m = Map::new();
            m.insert(id_key.into(), col::<i64>(&mut row, 0)?.into());
            m.insert(name_key.into(), col::<String>(&mut row, 1)?.into());
            m.insert(a_key.into(), col::<Option<i64>>(&mut row, 2)?.into());
            let b: Option<String> = col(&mut row, 3)?;
            if let Some(b_key) = b_key {
                m.insert(b_key.into(), b.unwrap_or_default().into());
            }
            let updated: Option<String> = col(&mut row, 4)?;
            m.insert("mapped".into(), updated.is_some().into());
            m.insert("updated_at".into(), updated.into());
            Ok(Value::Object(m))
        })
        .collect::<Result<Vec<_>>>()?;
    paged(total, page, rows)
}

pub(super) fn paged(total: u64, page: Page, rows: Vec<Value>) -> Result<Value> {
    serde_json::to_value(Paged {
        total,
        page: page.page,
        limit: page.limit,
        rows,
    })
    .map_err(|e| Error::Internal(e.to_string()))
}
