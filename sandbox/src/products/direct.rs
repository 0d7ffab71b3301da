//! Valid products made directly by the control endpoint, so a test or demo starts with a
//! catalog without pushing one.

use super::input::{Cargo, ProductInput};
use crate::catalog::{DEMO_BRAND_ID, DEMO_LEAF_CATEGORY};
use crate::world::{Ctx, World};
use trendyol_wire::products::ListedAttribute;

impl World {
    /// Seeds valid products directly (control endpoint), approved at once unless `approved`
    /// is false (then they go through review).
    pub fn seed_products(
        &mut self,
        ctx: &Ctx,
        seller: u64,
        count: u64,
        approved: bool,
        quantity: i64,
        prefix: &str,
    ) -> Vec<String> {
        let mut out = Vec::new();
        let start = self.products.get(&seller).map(|m| m.len()).unwrap_or(0) as u64;
        let mut n = start;
        while (out.len() as u64) < count {
            n += 1;
            let barcode = format!("{prefix}{n:06}");
            if self
                .products
                .get(&seller)
                .is_some_and(|m| m.contains_key(&*barcode))
            {
                continue;
            }
            out.push(self.seed_one(ctx, seller, n, &barcode, prefix, approved, quantity));
        }
        out
    }

    /// Valid products with exactly these barcodes (a shop's own catalog); barcodes the seller
    /// already has are left as they are.
    pub fn seed_barcodes(
        &mut self,
        ctx: &Ctx,
        seller: u64,
        barcodes: &[String],
        approved: bool,
        quantity: i64,
    ) -> Vec<String> {
        let mut out = Vec::new();
        let mut n = self.products.get(&seller).map(|m| m.len()).unwrap_or(0) as u64;
        for barcode in barcodes {
            if self
                .products
                .get(&seller)
                .is_some_and(|m| m.contains_key(&**barcode))
            {
                continue;
            }
            n += 1;
            out.push(self.seed_one(ctx, seller, n, barcode, "SHOP", approved, quantity));
        }
        out
    }

    #[allow(clippy::too_many_arguments)]
    fn seed_one(
        &mut self,
        ctx: &Ctx,
        seller: u64,
        n: u64,
        barcode: &str,
        prefix: &str,
        approved: bool,
        quantity: i64,
    ) -> String {
        let barcode = barcode.to_string();
        {
            let cents = self.rng.range(4_990, 49_990);
            let sale = cents as f64 / 100.0;
            let list = ((sale * 1.2) * 100.0).round() / 100.0;
            let size = 7001 + (n % 5);
            let input = ProductInput {
                barcode: barcode.clone(),
                title: format!("Sandbox ürün {n}"),
                product_main_id: format!("{prefix}M{:05}", n.div_ceil(3)),
                brand_id: Some(DEMO_BRAND_ID),
                category_id: Some(DEMO_LEAF_CATEGORY),
                quantity: Some(quantity),
                stock_code: format!("STK-{barcode}"),
                dimensional_weight: Some(1.0),
                description: format!("Sandbox ürün {n} açıklaması"),
                currency_type: Some("TRY".into()),
                list_price: Some(list),
                sale_price: Some(sale),
                vat_rate: Some(20),
                cargo: Cargo::V2(vec!["TEXMP".into()]),
                images: vec![format!("https://127.0.0.1/images/{barcode}.jpg")],
                attributes: vec![ListedAttribute {
                    attribute_id: 338,
                    attribute_name: None,
                    attribute_value_ids: Some(vec![size]),
                    attribute_value: None,
                }],
            };
            let now = ctx.now;
            let p = self.insert_product(ctx, seller, input);
            let b = p.barcode.to_string();
            if approved {
                if let Some(p) = self.seller_products(seller).get_mut(&*b) {
                    p.review_until_ms = now;
                    p.reject_reasons = None;
                }
            }
            b
        }
    }
}
