//! Orders: shipment packages, the generator that plays the customers, the list and stream
//! endpoints, and the seller-side updates with Trendyol's rules.
//!
//! - The generator draws lines from the seller's **approved** catalog (plus optional unknown
//!   barcodes), creates `Created` or `Awaiting` packages (`Awaiting` becomes `Created` after the
//!   awaiting delay), and can split (original → `UnPacked`, two new package ids, same
//!   `orderNumber`, `createdBy: split`), cancel (whole, or one line with the rest moved to a new
//!   package, `createdBy: cancel`) or unsupply packages. Stock of ordered products goes down.
//! - The seller may only set `Picking` (from `Created`) then `Invoiced` (from `Picking`, with
//!   `params.invoiceNumber`); anything else is a 400. Unsupplying lines moves what remains to a
//!   new package id. A second invoice link is a 409.
//! - List: `size ≤ 200`, `page × size ≤ 10,000` (the first 10,000 results). Stream: cursor pages
//!   over a `lastModified` window of ≤ 14 days; a cursor is bound to its filters.
//! - Every package creation and status change is a webhook event (see [`crate::webhooks`]).
//! - `orderDate` is GMT+3 epoch ms; `lastModifiedDate` and history dates are UTC.

use crate::app::App;
use crate::auth::Caller;
use crate::http::{empty, json_response, parse_json, path_id, ApiError, ApiResult, Params};
use crate::world::{Ctx, Ids, PackageEvent, World};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Extension;
use base64::Engine;
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::sync::Arc;
use trendyol_wire::orders::{
    self as wo, Address, InvoiceLinkRequest, LineQuantity, OrdersPage, OrdersStream,
    PackageHistory, StatusUpdateRequest, TrackingNumberRequest, UnsuppliedRequest,
};
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

/// A package as the sandbox keeps it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackageRecord {
    pub seller_id: u64,
    pub package: ShipmentPackage,
    pub invoice_link: Option<String>,
    pub invoice_number: Option<String>,
    /// Modification sequence (stream cursor tiebreaker).
    pub modification: u64,
}

impl PackageRecord {
    pub fn id(&self) -> u64 {
        self.package.shipment_package_id.unwrap_or(0)
    }

    pub fn status(&self) -> PackageStatus {
        self.package
            .status
            .clone()
            .unwrap_or(PackageStatus::Unknown(String::new()))
    }

    fn last_modified(&self) -> i64 {
        self.package.last_modified_date.unwrap_or(0)
    }
}

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

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// Recomputes package amounts from its lines.
fn recompute_totals(p: &mut ShipmentPackage) {
    let (mut gross, mut seller, mut ty) = (0.0, 0.0, 0.0);
    for l in &p.lines {
        let q = l.quantity.unwrap_or(0) as f64;
        gross += l.line_gross_amount.unwrap_or(0.0) * q;
        seller += l.line_seller_discount.unwrap_or(0.0) * q;
        ty += l.line_ty_discount.unwrap_or(0.0) * q;
    }
    p.package_gross_amount = Some(round2(gross));
    p.package_seller_discount = Some(round2(seller));
    p.package_ty_discount = Some(round2(ty));
    p.package_total_price = Some(round2(gross - seller - ty));
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
    fn stamp(&mut self, ctx: &Ctx, id: u64) {
        let m = Ids::next(&mut self.ids.modification);
        if let Some(r) = self.packages.get_mut(&id) {
            r.package.last_modified_date = Some(ctx.now);
            r.modification = m;
        }
    }

    fn emit(&mut self, id: u64) {
        if let Some(r) = self.packages.get(&id) {
            self.events.push(PackageEvent {
                seller_id: r.seller_id,
                package: r.package.clone(),
            });
        }
    }

    /// Sets a package status (history, line statuses, stamp, webhook event).
    pub fn set_package_status(&mut self, ctx: &Ctx, id: u64, status: PackageStatus) {
        if let Some(r) = self.packages.get_mut(&id) {
            r.package.status = Some(status.clone());
            r.package.package_histories.push(PackageHistory {
                created_date: Some(ctx.now),
                status: Some(status.clone()),
            });
            for l in &mut r.package.lines {
                l.order_line_item_status_name = Some(status.as_str().to_string());
            }
        }
        self.stamp(ctx, id);
        self.emit(id);
    }

    /// Creates a package from a template (customer, addresses, order) with new lines.
    fn derive_package(
        &mut self,
        ctx: &Ctx,
        origin: u64,
        lines: Vec<PackageLine>,
        status: PackageStatus,
        created_by: &str,
    ) -> Option<u64> {
        let rec = self.packages.get(&origin)?.clone();
        let id = Ids::next(&mut self.ids.package);
        let tracking = Ids::next(&mut self.ids.tracking);
        let mut p = rec.package.clone();
        p.shipment_package_id = Some(id);
        p.lines = lines;
        for l in &mut p.lines {
            l.order_line_item_status_name = Some(status.as_str().to_string());
        }
        p.status = Some(status.clone());
        p.created_by = Some(created_by.into());
        p.origin_package_ids = Some(vec![origin]);
        p.cargo_tracking_number = Some(tracking.to_string());
        p.package_histories = vec![PackageHistory {
            created_date: Some(ctx.now),
            status: Some(status),
        }];
        recompute_totals(&mut p);
        self.packages.insert(
            id,
            PackageRecord {
                seller_id: rec.seller_id,
                package: p,
                invoice_link: None,
                invoice_number: None,
                modification: 0,
            },
        );
        self.stamp(ctx, id);
        self.emit(id);
        Some(id)
    }

    /// Splits a package into two new ones (original → `UnPacked`).
    pub fn split_package(&mut self, ctx: &Ctx, id: u64) -> Vec<u64> {
        let Some(rec) = self.packages.get(&id) else {
            return vec![];
        };
        let lines = rec.package.lines.clone();
        let (a, b): (Vec<PackageLine>, Vec<PackageLine>) = if lines.len() >= 2 {
            let half = lines.len().div_ceil(2);
            (lines[..half].to_vec(), lines[half..].to_vec())
        } else if let Some(l) = lines.first().filter(|l| l.quantity.unwrap_or(0) >= 2) {
            let q = l.quantity.unwrap_or(0);
            let mut x = l.clone();
            let mut y = l.clone();
            x.quantity = Some(q / 2);
            y.quantity = Some(q - q / 2);
            (vec![x], vec![y])
        } else {
            return vec![];
        };
        let status = rec.status();
        self.set_package_status(ctx, id, PackageStatus::UnPacked);
        let mut out = Vec::new();
        for part in [a, b] {
            if let Some(n) = self.derive_package(ctx, id, part, status.clone(), "split") {
                out.push(n);
            }
        }
        out
    }

    /// Takes quantities off a package: the original gets `final_status`, what remains moves to
    /// a new package (returned) with the original's previous status.
    pub fn cancel_lines(
        &mut self,
        ctx: &Ctx,
        id: u64,
        cancel: &[LineQuantity],
        final_status: PackageStatus,
    ) -> Option<u64> {
        let rec = self.packages.get(&id)?;
        let previous = rec.status();
        let mut remaining = Vec::new();
        for l in &rec.package.lines {
            let cut: i64 = cancel
                .iter()
                .filter(|c| Some(c.line_id) == l.line_id)
                .map(|c| c.quantity)
                .sum();
            let left = l.quantity.unwrap_or(0) - cut;
            if left > 0 {
                let mut k = l.clone();
                k.quantity = Some(left);
                remaining.push(k);
            }
        }
        self.set_package_status(ctx, id, final_status);
        if remaining.is_empty() {
            None
        } else {
            self.derive_package(ctx, id, remaining, previous, "cancel")
        }
    }

    /// `Awaiting` → `Created` (the payment check passed).
    pub fn awaiting_to_created(&mut self, ctx: &Ctx, id: u64) {
        if self
            .packages
            .get(&id)
            .is_some_and(|r| r.status() == PackageStatus::Awaiting)
        {
            self.set_package_status(ctx, id, PackageStatus::Created);
        }
    }

    fn approved_catalog(&self, seller: u64, now: i64) -> Vec<CatalogLine> {
        self.products
            .get(&seller)
            .into_iter()
            .flat_map(|m| m.values())
            .filter(|p| p.is_approved(now) && !p.archived)
            .map(|p| CatalogLine {
                barcode: p.barcode.clone(),
                title: p.title.clone(),
                stock_code: p.stock_code.clone(),
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
                    if let Some(p) = self.products.get_mut(&seller).and_then(|m| m.get_mut(b)) {
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

    /// Moves a package to any status as the carrier or customer would (control endpoint).
    pub fn control_status(
        &mut self,
        ctx: &Ctx,
        id: u64,
        status: PackageStatus,
    ) -> Result<ShipmentPackage, String> {
        let rec = self
            .packages
            .get_mut(&id)
            .ok_or_else(|| format!("package {id} not found"))?;
        if status == PackageStatus::Shipped && rec.package.cargo_tracking_number.is_none() {
            let t = Ids::next(&mut self.ids.tracking);
            if let Some(r) = self.packages.get_mut(&id) {
                r.package.cargo_tracking_number = Some(t.to_string());
            }
        }
        self.awaiting.retain(|(_, p)| *p != id);
        self.set_package_status(ctx, id, status);
        Ok(self.packages[&id].package.clone())
    }

    fn seller_package(&self, seller: u64, id: u64) -> Result<&PackageRecord, ApiError> {
        self.packages
            .get(&id)
            .filter(|r| r.seller_id == seller)
            .ok_or_else(|| {
                ApiError::not_found(
                    "shipment.package.not.found",
                    format!("Shipment package {id} not found"),
                )
            })
    }

    fn check_lines(rec: &PackageRecord, lines: &[LineQuantity]) -> Result<(), ApiError> {
        if lines.is_empty() {
            return Err(ApiError::bad_request(
                "lines.required",
                "lines must not be empty",
            ));
        }
        for lq in lines {
            let line = rec
                .package
                .lines
                .iter()
                .find(|l| l.line_id == Some(lq.line_id))
                .ok_or_else(|| {
                    ApiError::bad_request(
                        "line.not.found",
                        format!("line {} is not in package {}", lq.line_id, rec.id()),
                    )
                })?;
            if lq.quantity < 1 || lq.quantity > line.quantity.unwrap_or(0) {
                return Err(ApiError::bad_request(
                    "invalid.quantity",
                    format!(
                        "quantity of line {} must be between 1 and {}",
                        lq.line_id,
                        line.quantity.unwrap_or(0)
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Seller status update: `Picking` from `Created`, `Invoiced` from `Picking`.
    pub fn seller_status_update(
        &mut self,
        ctx: &Ctx,
        seller: u64,
        id: u64,
        req: &StatusUpdateRequest,
    ) -> Result<(), ApiError> {
        let rec = self.seller_package(seller, id)?;
        let current = rec.status();
        let target = PackageStatus::parse(&req.status);
        match target {
            PackageStatus::Picking | PackageStatus::Invoiced => {}
            _ => {
                return Err(ApiError::bad_request(
                    "invalid.status",
                    format!(
                        "status '{}' cannot be set by the seller; only Picking and Invoiced are allowed",
                        req.status
                    ),
                ))
            }
        }
        if current == PackageStatus::Awaiting {
            return Err(ApiError::bad_request(
                "package.awaiting",
                "package is Awaiting (payment check pending) and cannot be processed yet",
            ));
        }
        World::check_lines(rec, &req.lines)?;
        let allowed_from = if target == PackageStatus::Picking {
            PackageStatus::Created
        } else {
            PackageStatus::Picking
        };
        if current != allowed_from {
            return Err(ApiError::bad_request(
                "invalid.status.transition",
                format!(
                    "package {id} is {current}; {target} can only be set on a {allowed_from} package"
                ),
            ));
        }
        let mut invoice = None;
        if target == PackageStatus::Invoiced {
            invoice = req
                .params
                .get("invoiceNumber")
                .and_then(Value::as_str)
                .filter(|s| !s.trim().is_empty())
                .map(str::to_string);
            if invoice.is_none() {
                return Err(ApiError::bad_request(
                    "invoice.number.required",
                    "params.invoiceNumber is required for Invoiced",
                ));
            }
        }
        if let Some(r) = self.packages.get_mut(&id) {
            if invoice.is_some() {
                r.invoice_number = invoice;
            }
        }
        self.set_package_status(ctx, id, target);
        Ok(())
    }

    /// `items/unsupplied`: original → `UnSupplied`, the rest to a new package id.
    pub fn unsupply(
        &mut self,
        ctx: &Ctx,
        seller: u64,
        id: u64,
        req: &UnsuppliedRequest,
    ) -> Result<Option<u64>, ApiError> {
        let rec = self.seller_package(seller, id)?;
        if req.reason_id.is_none() {
            return Err(ApiError::bad_request(
                "reason.id.required",
                "reasonId is required",
            ));
        }
        let st = rec.status();
        if !matches!(st, PackageStatus::Created | PackageStatus::Picking) {
            return Err(ApiError::bad_request(
                "invalid.status.transition",
                format!("package {id} is {st}; only Created or Picking packages can be unsupplied"),
            ));
        }
        World::check_lines(rec, &req.lines)?;
        Ok(self.cancel_lines(ctx, id, &req.lines, PackageStatus::UnSupplied))
    }

    pub fn update_tracking(
        &mut self,
        ctx: &Ctx,
        seller: u64,
        id: u64,
        req: &TrackingNumberRequest,
    ) -> Result<(), ApiError> {
        let rec = self.seller_package(seller, id)?;
        if req.tracking_number.trim().is_empty() {
            return Err(ApiError::bad_request(
                "tracking.number.required",
                "trackingNumber is required",
            ));
        }
        let st = rec.status();
        if st.is_final() || st == PackageStatus::Awaiting {
            return Err(ApiError::bad_request(
                "invalid.status",
                format!("tracking number cannot be changed on a {st} package"),
            ));
        }
        if let Some(r) = self.packages.get_mut(&id) {
            r.package.cargo_tracking_number = Some(req.tracking_number.trim().to_string());
        }
        self.stamp(ctx, id);
        Ok(())
    }

    pub fn invoice_link(
        &mut self,
        ctx: &Ctx,
        seller: u64,
        req: &InvoiceLinkRequest,
    ) -> Result<(), ApiError> {
        let link = req.invoice_link.trim();
        if !(link.starts_with("https://") || link.starts_with("http://")) {
            return Err(ApiError::bad_request(
                "invalid.invoice.link",
                "invoiceLink must be an http(s) URL",
            ));
        }
        let rec = self.seller_package(seller, req.shipment_package_id)?;
        if rec.invoice_link.is_some() {
            return Err(ApiError::conflict(
                "invoice.link.already.exists",
                format!(
                    "An invoice link already exists for shipment package {}",
                    req.shipment_package_id
                ),
            ));
        }
        if let Some(r) = self.packages.get_mut(&req.shipment_package_id) {
            r.invoice_link = Some(link.to_string());
        }
        self.stamp(ctx, req.shipment_package_id);
        Ok(())
    }
}

/// Serializes packages for the wire (old names when the legacy switch is on).
pub fn packages_response<T: Serialize>(app: &App, envelope: &T) -> ApiResult {
    let mut v = serde_json::to_value(envelope)
        .map_err(|e| ApiError::bad_request("serialization", e.to_string()))?;
    if app.settings().legacy_field_names {
        wo::to_legacy_names(&mut v);
    } else {
        crate::documented::packages(&mut v);
    }
    Ok(json_response(StatusCode::OK, &v))
}

/// `GET /integration/order/sellers/{id}/orders`.
pub async fn list(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    params: Params,
) -> ApiResult {
    let (page, size) = crate::http::paging(
        &params,
        wo::DEFAULT_PAGE_SIZE,
        wo::MAX_PAGE_SIZE,
        Some(wo::MAX_PAGE_WINDOW),
    )?;
    let by_modified = params
        .str("orderByField")
        .is_some_and(|f| f.eq_ignore_ascii_case("PackageLastModifiedDate"));
    let asc = params
        .str("orderByDirection")
        .is_some_and(|d| d.eq_ignore_ascii_case("ASC"));
    let start = params.i64("startDate")?;
    let end = params.i64("endDate")?;
    let status = params.str("status").map(PackageStatus::parse);
    let order_number = params.str("orderNumber");
    let ids: Vec<u64> = params
        .list("shipmentPackageIds")
        .iter()
        .map(|s| path_id(s, "shipmentPackageIds"))
        .collect::<Result<_, _>>()?;
    let mut found: Vec<(i64, u64, ShipmentPackage)> = {
        let w = crate::app::lock(&app.world);
        w.packages
            .values()
            .filter(|r| r.seller_id == caller.seller_id)
            .filter_map(|r| {
                let key = if by_modified {
                    r.last_modified()
                } else {
                    r.package.order_date.unwrap_or(0)
                };
                let ok = start.is_none_or(|s| key >= s)
                    && end.is_none_or(|e| key <= e)
                    && status.as_ref().is_none_or(|s| *s == r.status())
                    && order_number.is_none_or(|n| r.package.order_number.as_deref() == Some(n))
                    && (ids.is_empty() || ids.contains(&r.id()));
                ok.then(|| (key, r.id(), r.package.clone()))
            })
            .collect()
    };
    found.sort_by_key(|(k, id, _)| (*k, *id));
    if !asc {
        found.reverse();
    }
    let total = found.len() as u64;
    let content = found
        .into_iter()
        .skip((page * size) as usize)
        .take(size as usize)
        .map(|(_, _, p)| p)
        .collect::<Vec<_>>();
    packages_response(
        &app,
        &OrdersPage {
            page,
            size,
            total_pages: crate::http::total_pages(total, size),
            total_elements: total,
            content: content.into(),
        },
    )
}

/// The stream cursor: the filters it belongs to and the position after the last item.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
struct Cursor {
    s: i64,
    e: i64,
    st: Vec<String>,
    lm: i64,
    m: u64,
}

fn encode_cursor(c: &Cursor) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(serde_json::to_vec(c).unwrap_or_default())
}

fn decode_cursor(s: &str) -> Option<Cursor> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s)
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// `GET .../orders/stream`.
pub async fn stream(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    params: Params,
) -> ApiResult {
    let size = params.u64("size")?.unwrap_or(wo::DEFAULT_PAGE_SIZE);
    if size == 0 || size > wo::MAX_PAGE_SIZE {
        return Err(ApiError::bad_request(
            "invalid.size",
            format!("size must be between 1 and {}", wo::MAX_PAGE_SIZE),
        ));
    }
    let start = params.i64("lastModifiedStartDate")?;
    let end = params.i64("lastModifiedEndDate")?;
    let mut statuses = params.list("packageItemStatuses");
    statuses.sort();
    let (s, e, st, after) = match params.str("nextCursor") {
        Some(raw) => {
            let c = decode_cursor(raw)
                .ok_or_else(|| ApiError::bad_request("invalid.cursor", "nextCursor is invalid"))?;
            let changed = start.is_some_and(|v| v != c.s)
                || end.is_some_and(|v| v != c.e)
                || (!statuses.is_empty() && statuses != c.st);
            if changed {
                return Err(ApiError::bad_request(
                    "cursor.filter.mismatch",
                    "filters cannot change while paging with nextCursor; start a new stream",
                ));
            }
            (c.s, c.e, c.st.clone(), Some((c.lm, c.m)))
        }
        None => {
            let e = end.unwrap_or_else(|| app.clock.now_ms());
            let s = start.unwrap_or(e - wo::MAX_STREAM_WINDOW_MS);
            (s, e, statuses, None)
        }
    };
    if e < s {
        return Err(ApiError::bad_request(
            "invalid.date.range",
            "lastModifiedEndDate must not be before lastModifiedStartDate",
        ));
    }
    if e - s > wo::MAX_STREAM_WINDOW_MS {
        return Err(ApiError::bad_request(
            "invalid.date.range",
            "lastModified window must not exceed 14 days",
        ));
    }
    let wanted: Vec<PackageStatus> = st.iter().map(|x| PackageStatus::parse(x)).collect();
    let mut found: Vec<(i64, u64, ShipmentPackage)> = {
        let w = crate::app::lock(&app.world);
        w.packages
            .values()
            .filter(|r| r.seller_id == caller.seller_id)
            .filter(|r| {
                let lm = r.last_modified();
                lm >= s
                    && lm <= e
                    && after.is_none_or(|pos| (lm, r.modification) > pos)
                    && (wanted.is_empty() || wanted.contains(&r.status()))
            })
            .map(|r| (r.last_modified(), r.modification, r.package.clone()))
            .collect()
    };
    found.sort_by_key(|(lm, m, _)| (*lm, *m));
    let has_more = found.len() as u64 > size;
    found.truncate(size as usize);
    let next_cursor = match (has_more, found.last()) {
        (true, Some((lm, m, _))) => Some(encode_cursor(&Cursor {
            s,
            e,
            st: st.clone(),
            lm: *lm,
            m: *m,
        })),
        _ => None,
    };
    packages_response(
        &app,
        &OrdersStream {
            size,
            has_more,
            next_cursor,
            content: found
                .into_iter()
                .map(|(_, _, p)| p)
                .collect::<Vec<_>>()
                .into(),
        },
    )
}

/// `PUT .../shipment-packages/{id}`.
pub async fn update_status(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    Path((_seller, id)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult {
    let id = path_id(&id, "shipmentPackageId")?;
    let req: StatusUpdateRequest = parse_json(&body)?;
    app.mutate(|w, ctx| w.seller_status_update(ctx, caller.seller_id, id, &req))?;
    empty(StatusCode::OK)
}

/// `PUT .../shipment-packages/{id}/items/unsupplied`.
pub async fn unsupplied(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    Path((_seller, id)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult {
    let id = path_id(&id, "shipmentPackageId")?;
    let req: UnsuppliedRequest = parse_json(&body)?;
    app.mutate(|w, ctx| w.unsupply(ctx, caller.seller_id, id, &req))?;
    empty(StatusCode::OK)
}

/// `PUT .../shipment-packages/{id}/update-tracking-number`.
pub async fn tracking(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    Path((_seller, id)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult {
    let id = path_id(&id, "shipmentPackageId")?;
    let req: TrackingNumberRequest = parse_json(&body)?;
    app.mutate(|w, ctx| w.update_tracking(ctx, caller.seller_id, id, &req))?;
    empty(StatusCode::OK)
}

/// `POST /integration/sellers/{id}/seller-invoice-links` → 201; 409 on a second link.
pub async fn invoice_link(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> ApiResult {
    let req: InvoiceLinkRequest = parse_json(&body)?;
    app.mutate(|w, ctx| w.invoice_link(ctx, caller.seller_id, &req))?;
    empty(StatusCode::CREATED)
}
