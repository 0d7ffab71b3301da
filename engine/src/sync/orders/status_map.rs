//! Which OpenCart order status a Trendyol package status becomes.
//!
//! The shop owner edits the mapping in the admin (`{prefix}trendyol_order_status_map`); a status
//! without a row uses [`DEFAULTS`], chosen from the order statuses a fresh OpenCart 4.0.2.3 has
//! (ids are OpenCart's own, see `fixtures::base_data::ORDER_STATUSES`). `UnPacked` has no
//! default on purpose: a package that was split is replaced by its parts, and the OpenCart order
//! it made keeps the status its parts give it.

use std::collections::BTreeMap;

use mysql_async::prelude::*;
use trendyol_wire::PackageStatus;

use crate::db::Database;
use crate::error::{Error, Result};

/// `(Trendyol status, OpenCart order_status_id, why)` used when the owner set nothing.
pub const DEFAULTS: &[(&str, u32, &str)] = &[
    (
        "Awaiting",
        1,
        "Pending: Trendyol is still checking the payment; stock is reserved, nothing ships",
    ),
    ("Created", 2, "Processing: paid, ready to prepare"),
    ("Picking", 2, "Processing: being picked"),
    (
        "Invoiced",
        15,
        "Processed: invoiced, waiting for the carrier",
    ),
    ("Shipped", 3, "Shipped: handed to the carrier"),
    (
        "AtCollectionPoint",
        3,
        "Shipped: waiting at a collection point",
    ),
    ("Delivered", 5, "Complete: delivered to the customer"),
    ("UnDelivered", 10, "Failed: the carrier could not deliver"),
    ("Cancelled", 7, "Canceled: cancelled, stock put back"),
    (
        "UnSupplied",
        7,
        "Canceled: the seller could not supply, stock put back",
    ),
    ("Returned", 11, "Refunded: the parcel came back"),
    ("Repack", 2, "Processing: to be packed again"),
    ("Verified", 2, "Processing: verified"),
];

/// The effective mapping: the owner's rows over [`DEFAULTS`].
#[derive(Debug, Clone, Default)]
pub struct StatusMap {
    by_status: BTreeMap<String, u32>,
}

impl StatusMap {
    /// The defaults alone.
    pub fn defaults() -> StatusMap {
        StatusMap {
            by_status: DEFAULTS
                .iter()
                .map(|(status, id, _)| (status.to_string(), *id))
                .collect(),
        }
    }

    /// The defaults overlaid with the shop's `trendyol_order_status_map` rows.
    pub async fn load(db: &Database) -> Result<StatusMap> {
        let mut map = StatusMap::defaults();
        let mut conn = db.conn().await?;
        let rows: Vec<(String, u32)> = conn
            .query(format!(
                "SELECT trendyol_status, order_status_id FROM {}",
                db.table("trendyol_order_status_map")
            ))
            .await
            .map_err(Error::db("reading the order status mapping"))?;
        for (status, id) in rows {
            map.by_status.insert(status, id);
        }
        Ok(map)
    }

    /// The OpenCart status for `status`, or `None` when the status should not change the order.
    pub fn order_status_id(&self, status: &PackageStatus) -> Option<u32> {
        self.by_status
            .get(status.as_str())
            .copied()
            .filter(|id| *id > 0)
    }
}
