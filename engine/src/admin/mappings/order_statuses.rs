//! The order status listing: every Trendyol package status with its effective OpenCart status —
//! the shop's own mapping, or the engine's default.

use mysql_async::prelude::*;
use serde_json::{json, Value};

use super::trendyol_statuses;
use crate::admin::{read, DATETIME};
use crate::db::Database;
use crate::error::{Error, Result};
use crate::sync::orders::status_map::DEFAULTS;

pub(super) async fn order_status_list(db: &Database, language_id: u32) -> Result<Value> {
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
