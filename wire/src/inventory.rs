//! Price & inventory: `POST /integration/inventory/sellers/{id}/products/price-and-inventory`.
//!
//! Rules a client must respect: ≤ 1000 items per request, stock ≤ 20,000 per barcode, only
//! approved products, and an identical body sent again within 15 minutes is rejected — so send
//! only what changed. Items may carry stock only or price only.

use serde::{Deserialize, Serialize};

/// Largest stock Trendyol accepts for one barcode.
pub const MAX_STOCK: i64 = 20_000;
/// Window in which an identical body is rejected.
pub const DUPLICATE_WINDOW_MS: i64 = 15 * 60 * 1000;

/// One barcode's new stock and/or prices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct PriceInventoryItem {
    #[serde(default)]
    pub barcode: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sale_price: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list_price: Option<f64>,
}

/// The request body (answered by a [`crate::products::BatchRequestIdResponse`]).
pub type PriceInventoryRequest = crate::products::ItemsRequest<PriceInventoryItem>;
