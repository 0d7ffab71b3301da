//! Deleting a mapping by its key; an attribute takes its value mappings with it.

use mysql_async::prelude::*;
use serde_json::{Map, Value};

use super::{Kind, MAX_ID};
use crate::admin::{bad, Input};
use crate::db::Database;
use crate::error::{Error, Result};

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

pub(super) async fn delete_attribute(db: &Database, id: i64) -> Result<u64> {
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
