//! Price & inventory: `POST /integration/inventory/sellers/{id}/products/price-and-inventory`.
//!
//! Rules: ≤ 1000 items (else 400); an identical body within the duplicate window (15 min) is
//! refused with Trendyol's Turkish message (400); per item: the barcode must be an approved
//! product, stock 0..=20,000, prices > 0 with listPrice ≥ salePrice (against the stored value
//! when only one is sent), and at least one of quantity/salePrice/listPrice. Accepted items apply
//! at once; their outcomes show in the batch (which has no batch-level status).

use crate::http::ApiError;
use crate::world::{Ctx, World};
use serde_json::Value;
use std::hash::{Hash, Hasher};
use trendyol_wire::error::MSG_DUPLICATE_PRICE_INVENTORY;
use trendyol_wire::inventory::{PriceInventoryItem, MAX_STOCK};
use trendyol_wire::products::normalize_barcode;

/// A fingerprint of the body that ignores formatting (whitespace) but not content or order.
fn fingerprint(seller: u64, body: &Value) -> String {
    let canonical = serde_json::to_string(body).unwrap_or_default();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    canonical.hash(&mut h);
    format!("{seller}:{:016x}", h.finish())
}

impl World {
    pub fn price_inventory(
        &mut self,
        ctx: &Ctx,
        seller: u64,
        body: &Value,
        items: Vec<(Value, Result<PriceInventoryItem, String>)>,
    ) -> Result<String, ApiError> {
        let fp = fingerprint(seller, body);
        if let Some(first) = self.price_bodies.get(&fp) {
            if ctx.now - first < ctx.settings.duplicate_window_ms {
                return Err(ApiError::bad_request(
                    "price.inventory.duplicate.request",
                    MSG_DUPLICATE_PRICE_INVENTORY,
                ));
            }
        }
        self.price_bodies.insert(fp, ctx.now);
        let now = ctx.now;
        let mut results = Vec::with_capacity(items.len());
        for (raw, parsed) in items {
            let mut reasons = Vec::new();
            match parsed {
                Err(e) => reasons.push(e),
                Ok(item) => {
                    let barcode = normalize_barcode(&item.barcode);
                    if item.quantity.is_none()
                        && item.sale_price.is_none()
                        && item.list_price.is_none()
                    {
                        reasons.push("item must carry quantity, salePrice or listPrice".into());
                    }
                    if let Some(q) = item.quantity {
                        if q < 0 {
                            reasons.push("quantity: must not be negative".into());
                        } else if q > MAX_STOCK {
                            reasons.push(format!(
                                "quantity: stock must be at most {MAX_STOCK} per product, got {q}"
                            ));
                        }
                    }
                    for (name, v) in [
                        ("salePrice", item.sale_price),
                        ("listPrice", item.list_price),
                    ] {
                        if v.is_some_and(|v| v <= 0.0) {
                            reasons.push(format!("{name}: must be greater than 0"));
                        }
                    }
                    match self.seller_products(seller).get_mut(&*barcode) {
                        None => reasons.push(format!("barcode: product {barcode} not found")),
                        Some(p) if !p.is_approved(now) => reasons.push(format!(
                            "barcode: product {barcode} is not approved; only approved products accept price and stock"
                        )),
                        Some(p) => {
                            let sale = item.sale_price.unwrap_or(p.sale_price);
                            let list = item.list_price.unwrap_or(p.list_price);
                            if list < sale {
                                reasons.push(
                                    "listPrice: must be greater than or equal to salePrice".into(),
                                );
                            }
                            if reasons.is_empty() {
                                if let Some(q) = item.quantity {
                                    p.quantity = q;
                                    p.stock_modified_ms = now;
                                }
                                p.sale_price = sale;
                                p.list_price = list;
                                p.modified_ms = now;
                            }
                        }
                    }
                }
            }
            results.push((raw, reasons));
        }
        Ok(self.new_batch(ctx, seller, "ProductInventoryUpdate", false, results))
    }
}
