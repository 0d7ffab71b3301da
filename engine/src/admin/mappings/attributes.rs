//! The attribute listing: OpenCart attributes and options beside the Trendyol attribute each maps
//! to, with the sources the owner can still pick.

use mysql_async::prelude::*;
use serde_json::{json, Map, Value};

use super::simple::paged;
use super::{MAX_SOURCES, MAX_TRENDYOL_ID};
use crate::admin::{col, like_pattern, read, Input, DATETIME};
use crate::db::Database;
use crate::error::{Error, Result};

pub(super) async fn attribute_list(
    db: &Database,
    language_id: u32,
    filter: &Map<String, Value>,
) -> Result<Value> {
    let input = Input::new(
        filter,
        "the attribute mapping filter",
        &[
            "trendyol_category_id",
            "search",
            "unmapped_only",
            "page",
            "limit",
        ],
    )?;
    let category = input.int("trendyol_category_id", 1, MAX_TRENDYOL_ID)?;
    let search = input.text("search", 255)?;
    let unmapped_only = input.flag("unmapped_only")?;
    let page = input.page()?;
    let map = db.table("trendyol_attribute_map");
    let values = db.table("trendyol_attribute_value_map");
    let source_name = format!(
        "COALESCE(CASE m.source WHEN 'attribute' THEN (SELECT ad.name FROM {} ad WHERE ad.attribute_id = m.source_id AND ad.language_id = ?) \
         WHEN 'option' THEN (SELECT od.name FROM {} od WHERE od.option_id = m.source_id AND od.language_id = ?) END, '')",
        db.table("attribute_description"),
        db.table("option_description")
    );
    let mut conditions = Vec::new();
    let mut params: Vec<mysql_async::Value> = Vec::new();
    if let Some(c) = category {
        conditions.push("m.trendyol_category_id = ?".to_string());
        params.push(c.into());
    }
    if let Some(s) = &search {
        conditions.push("m.trendyol_attribute_name LIKE ? ESCAPE '\\\\'".to_string());
        params.push(like_pattern(s).into());
    }
    let where_sql = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    let count_sql = format!("SELECT COUNT(*) FROM {map} m {where_sql}");
    let rows_sql = format!(
        "SELECT m.attribute_map_id, m.trendyol_category_id, m.trendyol_attribute_id, m.trendyol_attribute_name, \
         m.source, m.source_id, {source_name}, m.trendyol_value_id, m.custom_value, \
         DATE_FORMAT(m.updated_at, {DATETIME}), \
         (SELECT COUNT(*) FROM {values} v WHERE v.attribute_map_id = m.attribute_map_id) \
         FROM {map} m {where_sql} ORDER BY m.trendyol_category_id, m.trendyol_attribute_name, m.attribute_map_id \
         LIMIT ? OFFSET ?"
    );
    let mut row_params: Vec<mysql_async::Value> = vec![language_id.into(), language_id.into()];
    row_params.extend(params.iter().cloned());
    row_params.push(u64::from(page.limit).into());
    row_params.push(page.offset().into());

    // OpenCart's attributes and options, each with whether any mapping uses it.
    let mut source_params: Vec<mysql_async::Value> = Vec::new();
    let name_filter = search.as_ref().map(|s| like_pattern(s));
    let mut source_part = |kind: &str, table: &str, desc: &str, id: &str| -> String {
        let used = format!(
            "EXISTS(SELECT 1 FROM {map} x WHERE x.source = '{kind}' AND x.source_id = t.{id})"
        );
        let mut sql = format!(
            "SELECT '{kind}' AS source, t.{id} AS source_id, COALESCE(d.name, '') AS name, {used} AS mapped \
             FROM {} t LEFT JOIN {} d ON d.{id} = t.{id} AND d.language_id = ?",
            db.table(table),
            db.table(desc)
        );
        source_params.push(language_id.into());
        let mut conds = Vec::new();
        if let Some(p) = &name_filter {
            conds.push("d.name LIKE ? ESCAPE '\\\\'".to_string());
            source_params.push(p.clone().into());
        }
        if unmapped_only {
            conds.push(format!("NOT {used}"));
        }
        if !conds.is_empty() {
            sql.push_str(&format!(" WHERE {}", conds.join(" AND ")));
        }
        sql
    };
    let attributes = source_part(
        "attribute",
        "attribute",
        "attribute_description",
        "attribute_id",
    );
    let options = source_part("option", "option", "option_description", "option_id");
    let sources_sql = format!(
        "SELECT source, source_id, name, mapped FROM ({attributes} UNION ALL {options}) s \
         ORDER BY source, name, source_id LIMIT {MAX_SOURCES}"
    );

    let (total, rows, sources) = read(db, "listing attribute mappings", async {
        let mut conn = db.conn().await?;
        let total: Option<u64> = conn
            .exec_first(count_sql.as_str(), params)
            .await
            .map_err(Error::db("counting attribute mappings"))?;
        let rows: Vec<mysql_async::Row> = conn
            .exec(rows_sql.as_str(), row_params)
            .await
            .map_err(Error::db("listing attribute mappings"))?;
        let sources: Vec<(String, i64, String, i64)> = conn
            .exec(sources_sql.as_str(), source_params)
            .await
            .map_err(Error::db("listing OpenCart attributes and options"))?;
        Ok((total.unwrap_or(0), rows, sources))
    })
    .await?;
    let rows = rows
        .into_iter()
        .map(|mut row| {
            let mut m = Map::new();
            m.insert("attribute_map_id".into(), col::<i64>(&mut row, 0)?.into());
            m.insert(
                "trendyol_category_id".into(),
                col::<i64>(&mut row, 1)?.into(),
            );
            m.insert(
                "trendyol_attribute_id".into(),
                col::<i64>(&mut row, 2)?.into(),
            );
            m.insert(
                "trendyol_attribute_name".into(),
                col::<String>(&mut row, 3)?.into(),
            );
            m.insert("source".into(), col::<String>(&mut row, 4)?.into());
            m.insert("source_id".into(), col::<i64>(&mut row, 5)?.into());
            m.insert("source_name".into(), col::<String>(&mut row, 6)?.into());
            m.insert(
                "trendyol_value_id".into(),
                col::<Option<i64>>(&mut row, 7)?.into(),
            );
            m.insert("custom_value".into(), col::<String>(&mut row, 8)?.into());
            m.insert(
                "updated_at".into(),
                col::<Option<String>>(&mut row, 9)?.into(),
            );
            m.insert("values".into(), col::<i64>(&mut row, 10)?.into());
            Ok(Value::Object(m))
        })
        .collect::<Result<Vec<_>>>()?;
    let mut value = paged(total, page, rows)?;
    if let Value::Object(obj) = &mut value {
        obj.insert(
            "sources".into(),
            Value::Array(
                sources
                    .into_iter()
                    .map(|(source, id, name, mapped)| {
                        json!({"source": source, "source_id": id, "name": name, "mapped": mapped == 1})
                    })
                    .collect(),
            ),
        );
    }
    Ok(value)
}
