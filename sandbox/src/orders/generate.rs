//! The order generator that plays the customers: it draws lines from the seller's approved
//! catalog (plus optional unknown barcodes), creates `Created` or `Awaiting` packages and can
//! split, cancel or unsupply them at once, as a busy day on Trendyol would.

use super::package::{recompute_totals, round2, PackageRecord};
use crate::world::{Ctx, Ids, World};
use serde::{Deserialize, Serialize};
use trendyol_wire::orders::{self as wo, Address, LineQuantity, PackageHistory};
use trendyol_wire::{PackageLine, PackageStatus, ShipmentPackage};

const FIRST_NAMES: &[&str] = &[
    "Ayşe", "Mehmet", "Fatma", "Ahmet", "Zeynep", "Mustafa", "Elif", "Emre", "Selin", "Can",
];
const LAST_NAMES: &[&str] = &[
    "Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Aydın", "Öztürk", "Arslan", "Doğan",
];
const CITIES: &[(&str, i64, &str, &str)] = &[
    ("İstanbul", 34, "Kadıköy", "34710"),
    ("Ankara", 6, "Çankaya", "06690"),
    ("İzmir", 35, "Karşıyaka", "35530"),
    ("Bursa", 16, "Nilüfer", "16110"),
    ("Antalya", 7, "Muratpaşa", "07100"),
];
const CARGO_PROVIDER: &str = "Trendyol Express Marketplace";

/// `POST /__sandbox/orders/generate` body.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct GenerateOrders {
    pub count: u64,
    pub seller_id: Option<u64>,
    pub split_share: f64,
    pub cancel_share: f64,
    pub unsupplied_share: f64,
    pub awaiting_share: f64,
    pub unknown_barcode_share: f64,
    pub max_lines: u64,
    pub max_quantity: u64,
    /// UTC ms to date the orders at (default: now).
    pub order_date: Option<i64>,
}

impl Default for GenerateOrders {
    fn default() -> Self {
        GenerateOrders {
            count: 10,
            seller_id: None,
            split_share: 0.0,
            cancel_share: 0.0,
            unsupplied_share: 0.0,
            awaiting_share: 0.0,
            unknown_barcode_share: 0.0,
            max_lines: 3,
            max_quantity: 2,
            order_date: None,
        }
    }
}
#[derive(Debug, Clone)]
struct CatalogLine {
    barcode: String,
    title: String,
    stock_code: String,
    price: f64,
    vat: i64,
    content_id: u64,
}
impl World {
    fn approved_catalog(&self, seller: u64, now: i64) -> Vec<CatalogLine> {
        self.products
            .get(&seller)
            .into_iter()
            .flat_map(|m| m.values())
            .filter(|p| p.is_approved(now) && !p.archived)
            .map(|p| CatalogLine {
                barcode: p.barcode.to_string(),
                title: p.title.to_string(),
                stock_code: p.stock_code.to_string(),
                price: p.sale_price,
                vat: p.vat_rate,
                content_id: p.content_id,
            })
            .collect()
    }

    /// Generates orders; returns the ids of all packages created.
    pub fn generate_orders(
        &mut self,
        ctx: &Ctx,
        seller: u64,
        req: &GenerateOrders,
    ) -> Result<Vec<u64>, String> {
        let catalog = self.approved_catalog(seller, ctx.now);
        if catalog.is_empty() && req.unknown_barcode_share < 1.0 {
            return Err(format!(
                "seller {seller} has no approved products: create some through the API or POST /__sandbox/products/seed first"
            ));
        }
        let mut created = Vec::new();
        for _ in 0..req.count {
            let max_lines = req.max_lines.max(1).min(catalog.len().max(1) as u64);
            let n_lines = self.rng.range(1, max_lines);
            let mut chosen: Vec<CatalogLine> = Vec::new();
            let mut guard = 0;
            while (chosen.len() as u64) < n_lines && guard < 50 && !catalog.is_empty() {
                guard += 1;
                if let Some(c) = self.rng.pick(&catalog) {
                    if !chosen.iter().any(|x| x.barcode == c.barcode) {
                        chosen.push(c.clone());
                    }
                }
            }
            if self.rng.chance(req.unknown_barcode_share) || chosen.is_empty() {
                let n = self.rng.range(1, 999_999);
                let unknown = CatalogLine {
                    barcode: format!("UNKNOWN-{n:06}"),
                    title: "Katalogda olmayan ürün".into(),
                    stock_code: format!("UNK-{n:06}"),
                    price: 99.90,
                    vat: 20,
                    content_id: 0,
                };
                if chosen.is_empty() {
                    chosen.push(unknown);
                } else {
                    let last = chosen.len() - 1;
                    chosen[last] = unknown;
                }
            }
            let first = self.rng.pick(FIRST_NAMES).copied().unwrap_or("Ayşe");
            let last = self.rng.pick(LAST_NAMES).copied().unwrap_or("Yılmaz");
            let (city, city_code, district, postal) =
                self.rng.pick(CITIES).copied().unwrap_or(CITIES[0]);
            let phone = format!("5{:09}", self.rng.range(300_000_000, 599_999_999));
            let awaiting = self.rng.chance(req.awaiting_share);
            let status = if awaiting {
                PackageStatus::Awaiting
            } else {
                PackageStatus::Created
            };
            let mut lines = Vec::new();
            for c in &chosen {
                let qty = self.rng.range(1, req.max_quantity.max(1)) as i64;
                let seller_disc = if self.rng.chance(0.3) {
                    round2(c.price * 0.1)
                } else {
                    0.0
                };
                let ty_disc = if self.rng.chance(0.2) {
                    round2(c.price * 0.05)
                } else {
                    0.0
                };
                lines.push(PackageLine {
                    line_id: Some(Ids::next(&mut self.ids.line)),
                    barcode: Some(c.barcode.clone()),
                    stock_code: Some(c.stock_code.clone()),
                    product_name: Some(c.title.clone()),
                    quantity: Some(qty),
                    line_unit_price: Some(round2(c.price - seller_disc - ty_disc)),
                    line_gross_amount: Some(c.price),
                    line_seller_discount: Some(seller_disc),
                    line_ty_discount: Some(ty_disc),
                    vat_rate: Some(c.vat as f64),
                    content_id: (c.content_id != 0).then_some(c.content_id),
                    currency_code: Some("TRY".into()),
                    product_color: None,
                    product_size: None,
                    order_line_item_status_name: Some(status.as_str().into()),
                });
            }
            let id = Ids::next(&mut self.ids.package);
            let order_number = Ids::next(&mut self.ids.order_number);
            let customer = Ids::next(&mut self.ids.customer);
            let tracking = Ids::next(&mut self.ids.tracking);
            let order_utc = req.order_date.unwrap_or(ctx.now);
            let address = Address {
                id: Some(customer * 10),
                first_name: Some(first.into()),
                last_name: Some(last.into()),
                company: None,
                address1: Some(format!("Örnek Mah. {} Sok. No:{}", last, customer % 90 + 1)),
                address2: None,
                full_address: Some(format!(
                    "Örnek Mah. {} Sok. No:{} {district}/{city}",
                    last,
                    customer % 90 + 1
                )),
                city: Some(city.into()),
                city_code: Some(city_code),
                district: Some(district.into()),
                postal_code: Some(postal.into()),
                country_code: Some("TR".into()),
                phone: Some(phone),
                full_name: Some(format!("{first} {last}")),
            };
            let mut pkg = ShipmentPackage {
                shipment_package_id: Some(id),
                order_number: Some(order_number.to_string()),
                order_date: Some(order_utc + wo::ORDER_DATE_OFFSET_MS),
                last_modified_date: Some(ctx.now),
                status: Some(status.clone()),
                customer_first_name: Some(first.into()),
                customer_last_name: Some(last.into()),
                customer_email: Some(format!("pf+{customer}@customer.invalid")),
                customer_id: Some(customer),
                currency_code: Some("TRY".into()),
                cargo_tracking_number: Some(tracking.to_string()),
                cargo_tracking_link: None,
                cargo_provider_name: Some(CARGO_PROVIDER.into()),
                cargo_sender_number: Some("210090111".into()),
                shipment_address: Some(address.clone()),
                invoice_address: Some(address),
                created_by: Some("order-creation".into()),
                origin_package_ids: None,
                package_histories: vec![PackageHistory {
                    created_date: Some(ctx.now),
                    status: Some(status.clone()),
                }],
                lines,
                agreed_delivery_date: Some(order_utc + 2 * 24 * 3600 * 1000),
                fast_delivery: Some(false),
                ..Default::default()
            };
            recompute_totals(&mut pkg);
            // Stock goes down as on the marketplace.
            for l in &pkg.lines {
                if let (Some(b), Some(q)) = (&l.barcode, l.quantity) {
                    if let Some(p) = self.products.get_mut(&seller).and_then(|m| m.get_mut(&**b)) {
                        p.quantity = (p.quantity - q).max(0);
                        p.stock_modified_ms = ctx.now;
                    }
                }
            }
            self.packages.insert(
                id,
                PackageRecord {
                    seller_id: seller,
                    package: pkg,
                    invoice_link: None,
                    invoice_number: None,
                    modification: 0,
                },
            );
            self.stamp(ctx, id);
            self.emit(id);
            created.push(id);
            if awaiting {
                self.awaiting
                    .push((ctx.now + ctx.settings.awaiting_delay_ms.max(0), id));
                continue;
            }
            if self.rng.chance(req.split_share) {
                created.extend(self.split_package(ctx, id));
            } else if self.rng.chance(req.cancel_share) {
                let lines = self.packages[&id].package.lines.clone();
                let cancel: Vec<LineQuantity> = if lines.len() >= 2 {
                    vec![LineQuantity {
                        line_id: lines[0].line_id.unwrap_or(0),
                        quantity: lines[0].quantity.unwrap_or(0),
                    }]
                } else {
                    lines
                        .iter()
                        .map(|l| LineQuantity {
                            line_id: l.line_id.unwrap_or(0),
                            quantity: l.quantity.unwrap_or(0),
                        })
                        .collect()
                };
                created.extend(self.cancel_lines(ctx, id, &cancel, PackageStatus::Cancelled));
            } else if self.rng.chance(req.unsupplied_share) {
                let l = &self.packages[&id].package.lines[0];
                let cancel = vec![LineQuantity {
                    line_id: l.line_id.unwrap_or(0),
                    quantity: l.quantity.unwrap_or(0),
                }];
                created.extend(self.cancel_lines(ctx, id, &cancel, PackageStatus::UnSupplied));
            }
        }
        Ok(created)
    }
}
