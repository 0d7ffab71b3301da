//! The mappings the product and order sync read: OpenCart category → Trendyol category,
//! manufacturer → brand, attribute/option → Trendyol attribute (and their values), tax class →
//! VAT rate, Trendyol package status → OpenCart order status.
//!
//! Listings start from OpenCart's side (categories, manufacturers, tax classes, attributes and
//! options, in the configured language) and join the mapping, so the admin shows what still
//! needs mapping (`unmapped_only`), not only what has been mapped. The order status listing
//! shows every Trendyol status with its *effective* OpenCart status: the shop's row, or the
//! engine's default (`is_default`).
//!
//! A saved row is checked completely before anything is written: ids must exist in OpenCart,
//! Trendyol ids must be positive, VAT one of Trendyol's rates, names trimmed and at most 255
//! characters. Each kind's table and columns come from a `match`, never from input.

use mysql_async::prelude::*;
use serde_json::{json, Map, Value};

use super::{bad, col, like_pattern, read, Input, Page, Paged, DATETIME};
use crate::db::Database;
use crate::error::{Error, Result};
use crate::sync::orders::status_map::DEFAULTS;

/// Trendyol's VAT rates.
pub const VAT_RATES: &[i64] = &[0, 1, 10, 20];

/// Trendyol statuses a mapping may name: the defaults' and `UnPacked` (which has no default).
pub fn trendyol_statuses() -> Vec<&'static str> {
    let mut statuses: Vec<&'static str> = DEFAULTS.iter().map(|(s, _, _)| *s).collect();
    statuses.push("UnPacked");
    statuses
}

/// What is mapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Category,
    Brand,
    Attribute,
    AttributeValue,
    Vat,
    OrderStatus,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Category,
        Kind::Brand,
        Kind::Attribute,
        Kind::AttributeValue,
        Kind::Vat,
        Kind::OrderStatus,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Category => "category",
            Kind::Brand => "brand",
            Kind::Attribute => "attribute",
            Kind::AttributeValue => "attribute_value",
            Kind::Vat => "vat",
            Kind::OrderStatus => "order_status",
        }
    }

    pub fn parse(name: &str) -> Result<Kind> {
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str() == name.trim())
            .ok_or_else(|| {
                let names: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
                bad(
                    "kind",
                    format!("'{name}' is not one of {}", names.join(", ")),
                )
            })
    }
}

const MAX_ID: i64 = i32::MAX as i64;
const MAX_TRENDYOL_ID: i64 = i64::MAX;
/// Sources listed beside the attribute mappings (attributes and options of a shop are few).
const MAX_SOURCES: u32 = 500;

// ---- listing -------------------------------------------------------------------------------

/// One kind's listing (see the module docs).
pub async fn list(
    db: &Database,
    language_id: u32,
    kind: Kind,
    filter: &Map<String, Value>,
) -> Result<Value> {
    match kind {
        Kind::Category | Kind::Brand | Kind::Vat => {
            simple_list(db, language_id, kind, filter).await
        }
        Kind::Attribute => attribute_list(db, language_id, filter).await,
        Kind::AttributeValue => value_list(db, language_id, filter).await,
        Kind::OrderStatus => {
            Input::new(filter, "the order status filter", &[])?;
            order_status_list(db, language_id).await
        }
    }
}

async fn simple_list(
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

fn paged(total: u64, page: Page, rows: Vec<Value>) -> Result<Value> {
    serde_json::to_value(Paged {
        total,
        page: page.page,
        limit: page.limit,
        rows,
    })
    .map_err(|e| Error::Internal(e.to_string()))
}

async fn attribute_list(
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

async fn value_list(db: &Database, language_id: u32, filter: &Map<String, Value>) -> Result<Value> {
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

async fn order_status_list(db: &Database, language_id: u32) -> Result<Value> {
    let map = db.table("trendyol_order_status_map");
    let statuses = db.table("order_status");
    read(db, "listing the order status mapping", async {
        let mut conn = db.conn().await?;
        let stored: Vec<(String, i64, Option<String>)> = conn
            .query(format!(
                "SELECT trendyol_status, order_status_id, DATE_FORMAT(updated_at, {DATETIME}) FROM {map}"
            ))
            .await
            .map_err(Error::db("reading the order status mapping"))?;
        let names: Vec<(i64, String)> = conn
            .exec(
                format!("SELECT order_status_id, name FROM {statuses} WHERE language_id = ?"),
                (language_id,),
            )
            .await
            .map_err(Error::db("reading OpenCart's order statuses"))?;
        let name_of = |id: i64| {
            names
                .iter()
                .find(|(i, _)| *i == id)
                .map(|(_, n)| n.clone())
                .unwrap_or_default()
        };
        let mut all: Vec<String> = trendyol_statuses().into_iter().map(str::to_string).collect();
        for (status, _, _) in &stored {
            if !all.contains(status) {
                all.push(status.clone());
            }
        }
        let rows: Vec<Value> = all
            .iter()
            .map(|status| {
                let default = DEFAULTS.iter().find(|(s, _, _)| s == status);
                let default_id = default.map(|(_, id, _)| i64::from(*id)).unwrap_or(0);
                let own = stored.iter().find(|(s, _, _)| s == status);
                let effective = own.map(|(_, id, _)| *id).unwrap_or(default_id);
                json!({
                    "trendyol_status": status,
                    "order_status_id": effective,
                    "order_status_name": name_of(effective),
                    "is_default": own.is_none(),
                    "default_order_status_id": default_id,
                    "description": default.map(|(_, _, why)| *why).unwrap_or(""),
                    "updated_at": own.and_then(|(_, _, at)| at.clone()),
                })
            })
            .collect();
        let order_statuses: Vec<Value> = names
            .iter()
            .map(|(id, name)| json!({"order_status_id": id, "name": name}))
            .collect();
        Ok(json!({"total": rows.len(), "rows": rows, "order_statuses": order_statuses}))
    })
    .await
}

// ---- saving --------------------------------------------------------------------------------

/// A validated row, ready to write.
#[derive(Debug, Clone, PartialEq)]
enum Row {
    Category {
        category_id: i64,
        trendyol_id: i64,
        name: String,
    },
    Brand {
        manufacturer_id: i64,
        trendyol_id: i64,
        name: String,
    },
    Attribute {
        attribute_map_id: Option<i64>,
        trendyol_category_id: i64,
        trendyol_attribute_id: i64,
        trendyol_attribute_name: String,
        source: &'static str,
        source_id: i64,
        trendyol_value_id: Option<i64>,
        custom_value: String,
    },
    AttributeValue {
        attribute_map_id: i64,
        source_value: String,
        trendyol_value_id: i64,
        trendyol_value_name: String,
    },
    Vat {
        tax_class_id: i64,
        vat_rate: i64,
    },
    OrderStatus {
        trendyol_status: String,
        order_status_id: i64,
    },
}

/// Reads and checks the shape of a row (existence in OpenCart is checked by [`save`]).
fn parse_row(kind: Kind, row: &Map<String, Value>) -> Result<Row> {
    let name = |input: &Input, key: &str| -> Result<String> {
        Ok(input.text(key, 255)?.unwrap_or_default())
    };
    Ok(match kind {
        Kind::Category => {
            let input = Input::new(
                row,
                "a category mapping",
                &[
                    "category_id",
                    "trendyol_category_id",
                    "trendyol_category_name",
                ],
            )?;
            Row::Category {
                category_id: input.required_int("category_id", 1, MAX_ID)?,
                trendyol_id: input.required_int("trendyol_category_id", 1, MAX_TRENDYOL_ID)?,
                name: name(&input, "trendyol_category_name")?,
            }
        }
        Kind::Brand => {
            let input = Input::new(
                row,
                "a brand mapping",
                &[
                    "manufacturer_id",
                    "trendyol_brand_id",
                    "trendyol_brand_name",
                ],
            )?;
            Row::Brand {
                manufacturer_id: input.required_int("manufacturer_id", 1, MAX_ID)?,
                trendyol_id: input.required_int("trendyol_brand_id", 1, MAX_TRENDYOL_ID)?,
                name: name(&input, "trendyol_brand_name")?,
            }
        }
        Kind::Attribute => {
            let input = Input::new(
                row,
                "an attribute mapping",
                &[
                    "attribute_map_id",
                    "trendyol_category_id",
                    "trendyol_attribute_id",
                    "trendyol_attribute_name",
                    "source",
                    "source_id",
                    "trendyol_value_id",
                    "custom_value",
                ],
            )?;
            let source = input
                .choice("source", &["attribute", "option", "fixed"])?
                .ok_or_else(|| bad("source", "is required (attribute, option or fixed)"))?;
            let source_id = input.int("source_id", 0, MAX_ID)?.unwrap_or(0);
            let trendyol_value_id = input.int("trendyol_value_id", 1, MAX_TRENDYOL_ID)?;
            let custom_value = name(&input, "custom_value")?;
            match source {
                "fixed" if source_id != 0 => {
                    return Err(bad("source_id", "must be 0 for a fixed value"))
                }
                "fixed" if trendyol_value_id.is_none() && custom_value.is_empty() => {
                    return Err(bad(
                        "trendyol_value_id",
                        "a fixed value needs a Trendyol value id or a custom value",
                    ))
                }
                "attribute" | "option" if source_id == 0 => {
                    return Err(bad("source_id", format!("is required for source {source}")))
                }
                _ => {}
            }
            Row::Attribute {
                attribute_map_id: input.int("attribute_map_id", 1, MAX_ID)?,
                trendyol_category_id: input.required_int(
                    "trendyol_category_id",
                    1,
                    MAX_TRENDYOL_ID,
                )?,
                trendyol_attribute_id: input.required_int(
                    "trendyol_attribute_id",
                    1,
                    MAX_TRENDYOL_ID,
                )?,
                trendyol_attribute_name: name(&input, "trendyol_attribute_name")?,
                source,
                source_id,
                trendyol_value_id,
                custom_value,
            }
        }
        Kind::AttributeValue => {
            let input = Input::new(
                row,
                "an attribute value mapping",
                &[
                    "attribute_map_id",
                    "source_value",
                    "trendyol_value_id",
                    "trendyol_value_name",
                ],
            )?;
            Row::AttributeValue {
                attribute_map_id: input.required_int("attribute_map_id", 1, MAX_ID)?,
                source_value: input
                    .text("source_value", 255)?
                    .ok_or_else(|| bad("source_value", "is required"))?,
                trendyol_value_id: input.required_int("trendyol_value_id", 1, MAX_TRENDYOL_ID)?,
                trendyol_value_name: name(&input, "trendyol_value_name")?,
            }
        }
        Kind::Vat => {
            let input = Input::new(row, "a VAT mapping", &["tax_class_id", "vat_rate"])?;
            let vat_rate = input.required_int("vat_rate", 0, 100)?;
            if !VAT_RATES.contains(&vat_rate) {
                return Err(bad(
                    "vat_rate",
                    format!("{vat_rate} is not one of 0, 1, 10, 20"),
                ));
            }
            Row::Vat {
                tax_class_id: input.required_int("tax_class_id", 1, MAX_ID)?,
                vat_rate,
            }
        }
        Kind::OrderStatus => {
            let input = Input::new(
                row,
                "an order status mapping",
                &["trendyol_status", "order_status_id"],
            )?;
            let status = input
                .text("trendyol_status", 32)?
                .ok_or_else(|| bad("trendyol_status", "is required"))?;
            let known = trendyol_statuses();
            if !known.contains(&status.as_str()) {
                return Err(bad(
                    "trendyol_status",
                    format!("'{status}' is not one of {}", known.join(", ")),
                ));
            }
            Row::OrderStatus {
                trendyol_status: status,
                // 0: the status leaves the OpenCart order as it is.
                order_status_id: input.required_int("order_status_id", 0, MAX_ID)?,
            }
        }
    })
}

/// Whether `id` exists in OpenCart's `table.column` (both from this module's closed set).
async fn exists(
    db: &Database,
    conn: &mut mysql_async::Conn,
    table: &str,
    column: &str,
    id: i64,
) -> Result<bool> {
    let found: Option<i64> = conn
        .exec_first(
            format!(
                "SELECT 1 FROM {} WHERE {column} = ? LIMIT 1",
                db.table(table)
            ),
            (id,),
        )
        .await
        .map_err(Error::db("checking an OpenCart id"))?;
    Ok(found.is_some())
}

async fn must_exist(
    db: &Database,
    conn: &mut mysql_async::Conn,
    field: &str,
    table: &str,
    column: &str,
    id: i64,
) -> Result<()> {
    if exists(db, conn, table, column, id).await? {
        Ok(())
    } else {
        Err(bad(
            field,
            format!("{id} does not exist in {}{table}", db.prefix()),
        ))
    }
}

/// Validates `row` for `kind` completely, then writes it (insert or update). Returns the row as
/// stored, with its id.
pub async fn save(db: &Database, kind: Kind, row: &Map<String, Value>) -> Result<Value> {
    let row = parse_row(kind, row)?;
    db.timed("saving a mapping", async {
        let mut conn = db.conn().await?;
        match row {
            Row::Category { category_id, trendyol_id, name } => {
                must_exist(db, &mut conn, "category_id", "category", "category_id", category_id).await?;
                conn.exec_drop(
                    format!(
                        "INSERT INTO {} (category_id, trendyol_category_id, trendyol_category_name, updated_at) \
                         VALUES (?, ?, ?, NOW()) ON DUPLICATE KEY UPDATE trendyol_category_id = VALUES(trendyol_category_id), \
                         trendyol_category_name = VALUES(trendyol_category_name), updated_at = NOW()",
                        db.table("trendyol_category_map")
                    ),
                    (category_id, trendyol_id, name.as_str()),
                )
                .await
                .map_err(Error::db("saving a category mapping"))?;
                Ok(json!({"category_id": category_id, "trendyol_category_id": trendyol_id, "trendyol_category_name": name}))
            }
            Row::Brand { manufacturer_id, trendyol_id, name } => {
                must_exist(db, &mut conn, "manufacturer_id", "manufacturer", "manufacturer_id", manufacturer_id).await?;
                conn.exec_drop(
                    format!(
                        "INSERT INTO {} (manufacturer_id, trendyol_brand_id, trendyol_brand_name, updated_at) \
                         VALUES (?, ?, ?, NOW()) ON DUPLICATE KEY UPDATE trendyol_brand_id = VALUES(trendyol_brand_id), \
                         trendyol_brand_name = VALUES(trendyol_brand_name), updated_at = NOW()",
                        db.table("trendyol_brand_map")
                    ),
                    (manufacturer_id, trendyol_id, name.as_str()),
                )
                .await
                .map_err(Error::db("saving a brand mapping"))?;
                Ok(json!({"manufacturer_id": manufacturer_id, "trendyol_brand_id": trendyol_id, "trendyol_brand_name": name}))
            }
            Row::Vat { tax_class_id, vat_rate } => {
                must_exist(db, &mut conn, "tax_class_id", "tax_class", "tax_class_id", tax_class_id).await?;
                conn.exec_drop(
                    format!(
                        "INSERT INTO {} (tax_class_id, vat_rate, updated_at) VALUES (?, ?, NOW()) \
                         ON DUPLICATE KEY UPDATE vat_rate = VALUES(vat_rate), updated_at = NOW()",
                        db.table("trendyol_vat_map")
                    ),
                    (tax_class_id, vat_rate),
                )
                .await
                .map_err(Error::db("saving a VAT mapping"))?;
                Ok(json!({"tax_class_id": tax_class_id, "vat_rate": vat_rate}))
            }
            Row::OrderStatus { trendyol_status, order_status_id } => {
                if order_status_id > 0 {
                    must_exist(db, &mut conn, "order_status_id", "order_status", "order_status_id", order_status_id).await?;
                }
                conn.exec_drop(
                    format!(
                        "INSERT INTO {} (trendyol_status, order_status_id, updated_at) VALUES (?, ?, NOW()) \
                         ON DUPLICATE KEY UPDATE order_status_id = VALUES(order_status_id), updated_at = NOW()",
                        db.table("trendyol_order_status_map")
                    ),
                    (trendyol_status.as_str(), order_status_id),
                )
                .await
                .map_err(Error::db("saving an order status mapping"))?;
                Ok(json!({"trendyol_status": trendyol_status, "order_status_id": order_status_id}))
            }
            Row::Attribute {
                attribute_map_id,
                trendyol_category_id,
                trendyol_attribute_id,
                trendyol_attribute_name,
                source,
                source_id,
                trendyol_value_id,
                custom_value,
            } => {
                match source {
                    "attribute" => must_exist(db, &mut conn, "source_id", "attribute", "attribute_id", source_id).await?,
                    "option" => must_exist(db, &mut conn, "source_id", "option", "option_id", source_id).await?,
                    _ => {}
                }
                let map = db.table("trendyol_attribute_map");
                let id = match attribute_map_id {
                    Some(id) => {
                        if !exists(db, &mut conn, "trendyol_attribute_map", "attribute_map_id", id).await? {
                            return Err(bad("attribute_map_id", format!("no attribute mapping {id}")));
                        }
                        conn.exec_drop(
                            format!(
                                "UPDATE {map} SET trendyol_category_id = ?, trendyol_attribute_id = ?, \
                                 trendyol_attribute_name = ?, source = ?, source_id = ?, trendyol_value_id = ?, \
                                 custom_value = ?, updated_at = NOW() WHERE attribute_map_id = ?"
                            ),
                            (
                                trendyol_category_id,
                                trendyol_attribute_id,
                                trendyol_attribute_name.as_str(),
                                source,
                                source_id,
                                trendyol_value_id,
                                custom_value.as_str(),
                                id,
                            ),
                        )
                        .await
                        .map_err(|e| duplicate_as_config(e, "trendyol_attribute_id", "saving an attribute mapping"))?;
                        id
                    }
                    None => {
                        conn.exec_drop(
                            format!(
                                "INSERT INTO {map} (trendyol_category_id, trendyol_attribute_id, trendyol_attribute_name, \
                                 source, source_id, trendyol_value_id, custom_value, updated_at) \
                                 VALUES (?, ?, ?, ?, ?, ?, ?, NOW()) ON DUPLICATE KEY UPDATE \
                                 attribute_map_id = LAST_INSERT_ID(attribute_map_id), \
                                 trendyol_attribute_name = VALUES(trendyol_attribute_name), source = VALUES(source), \
                                 source_id = VALUES(source_id), trendyol_value_id = VALUES(trendyol_value_id), \
                                 custom_value = VALUES(custom_value), updated_at = NOW()"
                            ),
                            (
                                trendyol_category_id,
                                trendyol_attribute_id,
                                trendyol_attribute_name.as_str(),
                                source,
                                source_id,
                                trendyol_value_id,
                                custom_value.as_str(),
                            ),
                        )
                        .await
                        .map_err(Error::db("saving an attribute mapping"))?;
                        conn.last_insert_id()
                            .ok_or_else(|| Error::Internal("no attribute_map_id after saving".into()))?
                            as i64
                    }
                };
                Ok(json!({
                    "attribute_map_id": id,
                    "trendyol_category_id": trendyol_category_id,
                    "trendyol_attribute_id": trendyol_attribute_id,
                    "trendyol_attribute_name": trendyol_attribute_name,
                    "source": source,
                    "source_id": source_id,
                    "trendyol_value_id": trendyol_value_id,
                    "custom_value": custom_value,
                }))
            }
            Row::AttributeValue {
                attribute_map_id,
                source_value,
                trendyol_value_id,
                trendyol_value_name,
            } => {
                if !exists(db, &mut conn, "trendyol_attribute_map", "attribute_map_id", attribute_map_id).await? {
                    return Err(bad("attribute_map_id", format!("no attribute mapping {attribute_map_id}")));
                }
                conn.exec_drop(
                    format!(
                        "INSERT INTO {} (attribute_map_id, source_value, trendyol_value_id, trendyol_value_name) \
                         VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE value_map_id = LAST_INSERT_ID(value_map_id), \
                         trendyol_value_id = VALUES(trendyol_value_id), trendyol_value_name = VALUES(trendyol_value_name)",
                        db.table("trendyol_attribute_value_map")
                    ),
                    (attribute_map_id, source_value.as_str(), trendyol_value_id, trendyol_value_name.as_str()),
                )
                .await
                .map_err(Error::db("saving an attribute value mapping"))?;
                let id = conn
                    .last_insert_id()
                    .ok_or_else(|| Error::Internal("no value_map_id after saving".into()))?;
                Ok(json!({
                    "value_map_id": id,
                    "attribute_map_id": attribute_map_id,
                    "source_value": source_value,
                    "trendyol_value_id": trendyol_value_id,
                    "trendyol_value_name": trendyol_value_name,
                }))
            }
        }
    })
    .await
}

/// A unique-key clash (1062) is the user's input colliding with another row, not a fault.
fn duplicate_as_config(e: mysql_async::Error, field: &str, what: &str) -> Error {
    match &e {
        mysql_async::Error::Server(s) if s.code == 1062 => bad(
            field,
            "another mapping already uses this Trendyol attribute in this category",
        ),
        _ => Error::Database {
            context: what.to_string(),
            source: e,
        },
    }
}

// ---- deleting ------------------------------------------------------------------------------

/// Deletes one mapping by its key; returns how many rows went (0 when there was none). Deleting
/// an attribute mapping deletes its value mappings with it, in one transaction.
pub async fn delete(db: &Database, kind: Kind, key: &Map<String, Value>) -> Result<u64> {
    let (table, column, value): (&str, &str, mysql_async::Value) = match kind {
        Kind::Category => {
            let input = Input::new(key, "a category mapping key", &["category_id"])?;
            (
                "trendyol_category_map",
                "category_id",
                input.required_int("category_id", 1, MAX_ID)?.into(),
            )
        }
        Kind::Brand => {
            let input = Input::new(key, "a brand mapping key", &["manufacturer_id"])?;
            (
                "trendyol_brand_map",
                "manufacturer_id",
                input.required_int("manufacturer_id", 1, MAX_ID)?.into(),
            )
        }
        Kind::Vat => {
            let input = Input::new(key, "a VAT mapping key", &["tax_class_id"])?;
            (
                "trendyol_vat_map",
                "tax_class_id",
                input.required_int("tax_class_id", 1, MAX_ID)?.into(),
            )
        }
        Kind::AttributeValue => {
            let input = Input::new(key, "an attribute value mapping key", &["value_map_id"])?;
            (
                "trendyol_attribute_value_map",
                "value_map_id",
                input.required_int("value_map_id", 1, MAX_ID)?.into(),
            )
        }
        Kind::OrderStatus => {
            let input = Input::new(key, "an order status mapping key", &["trendyol_status"])?;
            let status = input
                .text("trendyol_status", 32)?
                .ok_or_else(|| bad("trendyol_status", "is required"))?;
            (
                "trendyol_order_status_map",
                "trendyol_status",
                status.into(),
            )
        }
        Kind::Attribute => {
            let input = Input::new(key, "an attribute mapping key", &["attribute_map_id"])?;
            let id = input.required_int("attribute_map_id", 1, MAX_ID)?;
            return delete_attribute(db, id).await;
        }
    };
    let sql = format!("DELETE FROM {} WHERE {column} = ?", db.table(table));
    db.timed("deleting a mapping", async {
        let mut conn = db.conn().await?;
        conn.exec_drop(sql.as_str(), (value,))
            .await
            .map_err(Error::db("deleting a mapping"))?;
        Ok(conn.affected_rows())
    })
    .await
}

async fn delete_attribute(db: &Database, id: i64) -> Result<u64> {
    let values = db.table("trendyol_attribute_value_map");
    let map = db.table("trendyol_attribute_map");
    db.timed("deleting an attribute mapping", async {
        let mut conn = db.conn().await?;
        let mut tx = conn
            .start_transaction(mysql_async::TxOpts::default())
            .await
            .map_err(Error::db("deleting an attribute mapping"))?;
        // Parent first (the same order every writer locks in), then its values by primary key.
        tx.exec_drop(format!("SELECT attribute_map_id FROM {map} WHERE attribute_map_id = ? FOR UPDATE"), (id,))
            .await
            .map_err(Error::db("locking an attribute mapping"))?;
        let value_ids: Vec<i64> = tx
            .exec(
                format!("SELECT value_map_id FROM {values} WHERE attribute_map_id = ? ORDER BY value_map_id"),
                (id,),
            )
            .await
            .map_err(Error::db("finding attribute value mappings"))?;
        for chunk in value_ids.chunks(500) {
            tx.exec_drop(
                format!("DELETE FROM {values} WHERE value_map_id IN ({})", crate::queue::marks(chunk.len())),
                chunk.to_vec(),
            )
            .await
            .map_err(Error::db("deleting attribute value mappings"))?;
        }
        tx.exec_drop(format!("DELETE FROM {map} WHERE attribute_map_id = ?"), (id,))
            .await
            .map_err(Error::db("deleting an attribute mapping"))?;
        let deleted = tx.affected_rows();
        tx.commit().await.map_err(Error::db("deleting an attribute mapping"))?;
        Ok(deleted)
    })
    .await
}
