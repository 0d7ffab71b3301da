//! The attribute value listing: an attribute's OpenCart values (option values, or the distinct
//! texts products carry) beside the Trendyol value each maps to.

use mysql_async::prelude::*;
use serde_json::{json, Map, Value};

use super::simple::paged;
use super::{MAX_ID, MAX_SOURCES};
use crate::admin::{bad, like_pattern, read, Input};
use crate::db::Database;
use crate::error::{Error, Result};

pub(super) async fn value_list(
    db: &Database,
    language_id: u32,
    filter: &Map<String, Value>,
) -> Result<Value> {
    let input = Input::new(
        filter,
        "the attribute value filter",
        &[
            "attribute_map_id",
            "search",
            "unmapped_only",
            "page",
            "limit",
        ],
    )?;
    let attribute_map_id = input.required_int("attribute_map_id", 1, MAX_ID)?;
    let search = input.text("search", 255)?;
    let unmapped_only = input.flag("unmapped_only")?;
    let page = input.page()?;
    let map = db.table("trendyol_attribute_map");
    let values = db.table("trendyol_attribute_value_map");
    let pattern = search.as_ref().map(|s| like_pattern(s));
    read(db, "listing attribute value mappings", async {
        let mut conn = db.conn().await?;
        let parent: Option<(String, i64)> = conn
            .exec_first(
                format!("SELECT source, source_id FROM {map} WHERE attribute_map_id = ?"),
                (attribute_map_id,),
            )
            .await
            .map_err(Error::db("reading an attribute mapping"))?;
        let (source, source_id) = parent.ok_or_else(|| {
            bad("attribute_map_id", format!("no attribute mapping {attribute_map_id}"))
        })?;
        let (cond, mut params): (String, Vec<mysql_async::Value>) = match &pattern {
            Some(p) => (
                " AND (source_value LIKE ? ESCAPE '\\\\' OR trendyol_value_name LIKE ? ESCAPE '\\\\')".into(),
                vec![p.clone().into(), p.clone().into()],
            ),
            None => (String::new(), Vec::new()),
        };
        params.insert(0, attribute_map_id.into());
        let total: Option<u64> = conn
            .exec_first(
                format!("SELECT COUNT(*) FROM {values} WHERE attribute_map_id = ?{cond}"),
                params.clone(),
            )
            .await
            .map_err(Error::db("counting attribute value mappings"))?;
        params.push(u64::from(page.limit).into());
        params.push(page.offset().into());
        let rows: Vec<(i64, String, i64, String)> = conn
            .exec(
                format!(
                    "SELECT value_map_id, source_value, trendyol_value_id, trendyol_value_name FROM {values} \
                     WHERE attribute_map_id = ?{cond} ORDER BY source_value, value_map_id LIMIT ? OFFSET ?"
                ),
                params,
            )
            .await
            .map_err(Error::db("listing attribute value mappings"))?;
        // The OpenCart values that could be mapped: an option's values, or the texts products
        // give an attribute. Placeholders in order: the mapped test, then the inner query's.
        let mapped_test = format!(
            "EXISTS(SELECT 1 FROM {values} v WHERE v.attribute_map_id = ? AND v.source_value = s.value)"
        );
        let inner = match source.as_str() {
            "option" => Some((
                format!(
                    "SELECT CAST(ov.option_value_id AS CHAR) AS value, COALESCE(ovd.name, '') AS name \
                     FROM {} ov LEFT JOIN {} ovd ON ovd.option_value_id = ov.option_value_id \
                     AND ovd.language_id = ? WHERE ov.option_id = ?",
                    db.table("option_value"),
                    db.table("option_value_description"),
                ),
                vec![mysql_async::Value::from(language_id), source_id.into()],
            )),
            "attribute" => Some((
                format!(
                    "SELECT DISTINCT pa.text AS value, pa.text AS name FROM {} pa \
                     WHERE pa.attribute_id = ? AND pa.language_id = ?",
                    db.table("product_attribute"),
                ),
                vec![mysql_async::Value::from(source_id), language_id.into()],
            )),
            _ => None,
        };
        let sources: Vec<(String, String, i64)> = match inner {
            None => Vec::new(),
            Some((inner_sql, inner_params)) => {
                let mut params: Vec<mysql_async::Value> = vec![attribute_map_id.into()];
                params.extend(inner_params);
                let filter = if unmapped_only {
                    params.push(attribute_map_id.into());
                    format!(" WHERE NOT {mapped_test}")
                } else {
                    String::new()
                };
                conn.exec(
                    format!(
                        "SELECT s.value, s.name, {mapped_test} FROM ({inner_sql}) s{filter} \
                         ORDER BY s.name, s.value LIMIT {MAX_SOURCES}"
                    ),
                    params,
                )
                .await
                .map_err(Error::db("listing OpenCart values"))?
            }
        };
        let rows = rows
            .into_iter()
            .map(|(id, value, trendyol_id, trendyol_name)| {
                json!({
                    "value_map_id": id,
                    "attribute_map_id": attribute_map_id,
                    "source_value": value,
                    "trendyol_value_id": trendyol_id,
                    "trendyol_value_name": trendyol_name,
                })
            })
            .collect();
        let mut value = paged(total.unwrap_or(0), page, rows)?;
        if let Value::Object(obj) = &mut value {
            obj.insert("source".into(), json!(source));
            obj.insert(
                "sources".into(),
                Value::Array(
                    sources
                        .into_iter()
                        .map(|(v, name, mapped)| json!({"value": v, "name": name, "mapped": mapped == 1}))
                        .collect(),
                ),
            );
        }
        Ok(value)
    })
    .await
}
