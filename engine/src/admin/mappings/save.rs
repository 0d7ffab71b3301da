//! Saving a checked row: the OpenCart ids it names must exist, and a duplicate mapping comes back
//! as an error naming the field rather than as a database failure.

use mysql_async::prelude::*;
use serde_json::{json, Map, Value};

use super::row::{parse_row, Row};
use super::Kind;
use crate::admin::bad;
use crate::db::Database;
use crate::error::{Error, Result};

/// Whether `id` exists in OpenCart's `table.column` (both from this module's closed set).
pub(super) async fn exists(
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

pub(super) async fn must_exist(
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
pub(super) fn duplicate_as_config(e: mysql_async::Error, field: &str, what: &str) -> Error {
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
