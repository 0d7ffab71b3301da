//! Reconciling a write whose outcome is unknown.
//!
//! A write that timed out, broke off or got a 5xx *after it was sent* comes back as
//! [`ApiErrorClass::Ambiguous`](crate::error::ApiErrorClass::Ambiguous). The client never
//! re-sends it; the caller decides by reading Trendyol's state back. The contract:
//!
//! 1. Keep the items of the ambiguous write (they are the caller's own data).
//! 2. Call the matching `reconcile_*` helper. It reads each barcode back (one product filter
//!    read per item, under the same rate limiter) and reports per item:
//!    - [`ItemCheck::Applied`]: Trendyol shows what was sent — done; do not send again;
//!    - [`ItemCheck::NotVisible`]: Trendyol does not (yet) show it.
//! 3. Trendyol applies writes asynchronously, in batches, so `NotVisible` right after the write
//!    may still turn into `Applied`. Re-check after a delay longer than batches take (the
//!    engine's batch poll interval, a minute or more); only items still `NotVisible` then may
//!    be sent again, as a new write. For price & inventory this is also what Trendyol enforces:
//!    an identical body within 15 minutes is refused, so a blind re-send would fail anyway.
//! 4. When the write's `batchRequestId` is known (an unreadable 2xx answer carries none, a
//!    later poll may), [`super::TrendyolClient::batch_result`] is the authoritative read.
//!
//! Product updates (unapproved, content, variant) are read back the same way, field by field
//! ([`UpdateProbe`]): unlike a create, re-sending an update is harmless, so an item Trendyol
//! does not show yet is simply sent again by the next run — but one it shows needs no re-send,
//! and neither kind of item is a failure.
//!
//! Reconciliation reads are ordinary reads: they retry on transient errors and count in the
//! metrics like any other call.

use serde::{Deserialize, Serialize};
use trendyol_wire::inventory::PriceInventoryItem;
use trendyol_wire::products::{normalize_barcode, FilteredProduct};

use super::api::ProductFilter;
use super::client::TrendyolClient;
use crate::error::Result;

/// What reading back showed for one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemCheck {
    Applied,
    NotVisible,
}

/// One item's reconciliation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemReconcile {
    pub barcode: String,
    pub check: ItemCheck,
}

fn same_money(sent: Option<f64>, seen: Option<f64>) -> bool {
    match (sent, seen) {
        (None, _) => true,
        (Some(a), Some(b)) => (a - b).abs() < 0.005,
        (Some(_), None) => false,
    }
}

/// The fields of an update, as Trendyol should show them once it is applied (`None`: not part
/// of the update, not compared).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UpdateProbe {
    pub barcode: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub stock_code: Option<String>,
    pub vat_rate: Option<i64>,
    pub dimensional_weight: Option<f64>,
}

impl UpdateProbe {
    /// Whether Trendyol's product shows every field of the update.
    fn shown_by(&self, p: &FilteredProduct) -> bool {
        let same_text = |sent: &Option<String>, seen: Option<&str>| {
            sent.as_deref()
                .is_none_or(|s| seen.is_some_and(|t| t.trim() == s.trim()))
        };
        same_text(&self.title, Some(p.title.as_str()))
            && same_text(&self.description, p.description.as_deref())
            && same_text(&self.stock_code, p.stock_code.as_deref())
            && self.vat_rate.is_none_or(|v| p.vat_rate == Some(v))
            && self
                .dimensional_weight
                .is_none_or(|w| p.dimensional_weight.is_some_and(|d| (d - w).abs() < 0.005))
    }
}

impl TrendyolClient {
    async fn read_back(&self, barcode: &str) -> Result<Option<FilteredProduct>> {
        let barcode = normalize_barcode(barcode);
        let page = self
            .filter_products(&ProductFilter {
                barcode: Some(barcode.clone()),
                page: Some(0),
                size: Some(10),
                ..ProductFilter::default()
            })
            .await?;
        Ok(page.content.into_iter().find(|p| p.barcode == barcode))
    }

    /// After an ambiguous `update_price_inventory`: which items Trendyol already shows with the
    /// quantity and prices that were sent.
    pub async fn reconcile_price_inventory(
        &self,
        items: &[PriceInventoryItem],
    ) -> Result<Vec<ItemReconcile>> {
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            let seen = self.read_back(&item.barcode).await?;
            let applied = seen.is_some_and(|p| {
                item.quantity.is_none_or(|q| p.quantity == Some(q))
                    && same_money(item.sale_price, p.sale_price)
                    && same_money(item.list_price, p.list_price)
            });
            out.push(ItemReconcile {
                barcode: item.barcode.clone(),
                check: if applied {
                    ItemCheck::Applied
                } else {
                    ItemCheck::NotVisible
                },
            });
        }
        Ok(out)
    }

    /// After an ambiguous product create (V1 or V2): which barcodes Trendyol now knows.
    pub async fn reconcile_product_create(
        &self,
        barcodes: &[String],
    ) -> Result<Vec<ItemReconcile>> {
        let mut out = Vec::with_capacity(barcodes.len());
        for barcode in barcodes {
            let seen = self.read_back(barcode).await?;
            out.push(ItemReconcile {
                barcode: barcode.clone(),
                check: if seen.is_some() {
                    ItemCheck::Applied
                } else {
                    ItemCheck::NotVisible
                },
            });
        }
        Ok(out)
    }

    /// After an ambiguous product update (unapproved, content or variant): which items Trendyol
    /// already shows with the sent fields.
    pub async fn reconcile_product_update(
        &self,
        probes: &[UpdateProbe],
    ) -> Result<Vec<ItemReconcile>> {
        let mut out = Vec::with_capacity(probes.len());
        for probe in probes {
            let seen = self.read_back(&probe.barcode).await?;
            out.push(ItemReconcile {
                barcode: probe.barcode.clone(),
                check: if seen.is_some_and(|p| probe.shown_by(&p)) {
                    ItemCheck::Applied
                } else {
                    ItemCheck::NotVisible
                },
            });
        }
        Ok(out)
    }
}
