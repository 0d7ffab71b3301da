//! A Trendyol package checked for what an import needs, with amounts and names ready for
//! OpenCart's columns.
//!
//! Trendyol's payloads are trusted for their values, not their shape: a package without an id,
//! an order number or a status cannot be imported and is refused with a clear reason (the job
//! counts it as failed and goes on); text is cut to the column widths OpenCart declares, on
//! character boundaries, so a long Turkish address never makes MariaDB refuse the order.

use trendyol_wire::orders::Address;
use trendyol_wire::{PackageStatus, ShipmentPackage};

use crate::error::{Error, Result};

/// `orderDate` is the GMT+3 wall clock as epoch ms (see `trendyol_wire::orders`).
const ORDER_DATE_OFFSET_MS: i64 = trendyol_wire::orders::ORDER_DATE_OFFSET_MS;

/// The facts of one package an import uses.
#[derive(Debug, Clone)]
pub struct PackageFacts {
    pub package_id: u64,
    pub order_number: String,
    pub status: PackageStatus,
    pub last_modified_ms: i64,
    /// UTC seconds of the order.
    pub ordered_at_s: i64,
    pub origin_package_ids: Vec<u64>,
    pub lines: Vec<LineFacts>,
    pub gross: f64,
    pub seller_discount: f64,
    pub trendyol_discount: f64,
    pub total: f64,
    pub tracking_number: String,
    pub cargo_provider: String,
}

/// One order line.
#[derive(Debug, Clone)]
pub struct LineFacts {
    pub line_id: u64,
    pub barcode: String,
    pub stock_code: String,
    pub product_name: String,
    pub quantity: i64,
    /// Gross unit price, VAT included (Trendyol's prices always are).
    pub unit_gross: f64,
    pub vat_rate: f64,
}

impl PackageFacts {
    pub fn from_package(package: &ShipmentPackage) -> Result<PackageFacts> {
        let package_id = package
            .shipment_package_id
            .filter(|id| *id > 0)
            .ok_or_else(|| Error::Config("a package without shipmentPackageId".into()))?;
        let order_number = package
            .order_number
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty() && n.len() <= 32)
            .ok_or_else(|| {
                Error::Config(format!(
                    "package {package_id} has no usable orderNumber (1 to 32 characters)"
                ))
            })?
            .to_string();
        let status = package
            .status
            .clone()
            .ok_or_else(|| Error::Config(format!("package {package_id} has no status")))?;
        let mut lines = Vec::with_capacity(package.lines.len());
        for (n, line) in package.lines.iter().enumerate() {
            let line_id = line.line_id.filter(|id| *id > 0).ok_or_else(|| {
                Error::Config(format!(
                    "package {package_id}: line {} has no lineId",
                    n + 1
                ))
            })?;
            let quantity = line
                .quantity
                .filter(|q| (1..=100_000).contains(q))
                .ok_or_else(|| {
                    Error::Config(format!(
                        "package {package_id}: line {line_id} has no quantity between 1 and 100000"
                    ))
                })?;
            let unit_gross = line
                .line_gross_amount
                .or(line.line_unit_price)
                .filter(|p| p.is_finite() && *p >= 0.0)
                .ok_or_else(|| {
                    Error::Config(format!("package {package_id}: line {line_id} has no price"))
                })?;
            lines.push(LineFacts {
                line_id,
                barcode: clip(line.barcode.as_deref().unwrap_or("").trim(), 64),
                stock_code: clip(line.stock_code.as_deref().unwrap_or("").trim(), 100),
                product_name: line.product_name.clone().unwrap_or_default(),
                quantity,
                unit_gross,
                vat_rate: line.vat_rate.unwrap_or(0.0),
            });
        }
        let sum = |f: fn(&trendyol_wire::PackageLine) -> Option<f64>| -> f64 {
            package
                .lines
                .iter()
                .map(|l| f(l).unwrap_or(0.0) * l.quantity.unwrap_or(0) as f64)
                .sum()
        };
        let gross = package
            .package_gross_amount
            .unwrap_or_else(|| sum(|l| l.line_gross_amount));
        let seller_discount = package
            .package_seller_discount
            .unwrap_or_else(|| sum(|l| l.line_seller_discount));
        let trendyol_discount = package
            .package_ty_discount
            .unwrap_or_else(|| sum(|l| l.line_ty_discount));
        let total = package
            .package_total_price
            .unwrap_or(gross - seller_discount - trendyol_discount);
        for (name, v) in [
            ("gross amount", gross),
            ("seller discount", seller_discount),
            ("Trendyol discount", trendyol_discount),
            ("total price", total),
        ] {
            if !v.is_finite() || v.abs() > 1e10 {
                return Err(Error::Config(format!(
                    "package {package_id} has an unusable {name}"
                )));
            }
        }
        let order_date_ms = package.order_date.unwrap_or(0);
        Ok(PackageFacts {
            package_id,
            order_number,
            status,
            last_modified_ms: package.last_modified_date.unwrap_or(0),
            ordered_at_s: if order_date_ms > 0 {
                (order_date_ms - ORDER_DATE_OFFSET_MS) / 1000
            } else {
                0
            },
            origin_package_ids: package.origin_package_ids.clone().unwrap_or_default(),
            lines,
            gross: round4(gross),
            seller_discount: round4(seller_discount),
            trendyol_discount: round4(trendyol_discount),
            total: round4(total),
            tracking_number: clip(package.cargo_tracking_number.as_deref().unwrap_or(""), 64),
            cargo_provider: package.cargo_provider_name.clone().unwrap_or_default(),
        })
    }
}

/// An address cut to OpenCart's column widths.
#[derive(Debug, Clone, Default)]
pub struct AddressFacts {
    pub firstname: String,
    pub lastname: String,
    pub company: String,
    pub address_1: String,
    pub address_2: String,
    pub city: String,
    pub city_code: Option<i64>,
    pub postcode: String,
    pub telephone: String,
}

impl AddressFacts {
    pub fn from_address(
        address: Option<&Address>,
        fallback_first: &str,
        fallback_last: &str,
    ) -> AddressFacts {
        let a = address.cloned().unwrap_or_default();
        let first = a.first_name.filter(|s| !s.trim().is_empty());
        let last = a.last_name.filter(|s| !s.trim().is_empty());
        let address_1 = a
            .address1
            .filter(|s| !s.trim().is_empty())
            .or(a.full_address)
            .unwrap_or_default();
        let address_2 = a
            .address2
            .filter(|s| !s.trim().is_empty())
            .or(a.district)
            .unwrap_or_default();
        AddressFacts {
            firstname: clip(first.as_deref().unwrap_or(fallback_first).trim(), 32),
            lastname: clip(last.as_deref().unwrap_or(fallback_last).trim(), 32),
            company: clip(a.company.as_deref().unwrap_or("").trim(), 60),
            address_1: clip(address_1.trim(), 128),
            address_2: clip(address_2.trim(), 128),
            city: clip(a.city.as_deref().unwrap_or("").trim(), 128),
            city_code: a.city_code,
            postcode: clip(a.postal_code.as_deref().unwrap_or("").trim(), 10),
            telephone: clip(a.phone.as_deref().unwrap_or("").trim(), 32),
        }
    }
}

/// Cuts `s` to at most `max` characters (OpenCart's varchar widths count characters).
pub fn clip(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((end, _)) => s[..end].to_string(),
        None => s.to_string(),
    }
}

/// Rounds to the 4 decimals of OpenCart's `decimal(15,4)` columns.
pub fn round4(v: f64) -> f64 {
    (v * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_counts_characters_not_bytes() {
        assert_eq!(clip("Şişli İstanbul", 5), "Şişli");
        assert_eq!(clip("short", 32), "short");
    }

    #[test]
    fn a_package_without_an_order_number_is_refused() {
        let p: ShipmentPackage = serde_json::from_value(serde_json::json!({
            "shipmentPackageId": 5, "status": "Created", "lines": []
        }))
        .unwrap();
        let e = PackageFacts::from_package(&p).unwrap_err().to_string();
        assert!(e.contains("orderNumber"), "{e}");
    }

    #[test]
    fn totals_come_from_the_package_or_its_lines() {
        let p: ShipmentPackage = serde_json::from_value(serde_json::json!({
            "shipmentPackageId": 5, "orderNumber": "X1", "status": "Created",
            "lines": [{"lineId": 1, "quantity": 2, "lineGrossAmount": 10.5,
                       "lineSellerDiscount": 1.0, "lineTyDiscount": 0.5}]
        }))
        .unwrap();
        let f = PackageFacts::from_package(&p).unwrap();
        assert_eq!(
            (f.gross, f.seller_discount, f.trendyol_discount, f.total),
            (21.0, 2.0, 1.0, 18.0)
        );
    }
}
