//! A shipment package as the sandbox keeps it, and how its amounts follow from its lines.

use serde::{Deserialize, Serialize};
use trendyol_wire::{PackageStatus, ShipmentPackage};

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

    pub fn last_modified(&self) -> i64 {
        self.package.last_modified_date.unwrap_or(0)
    }
}

pub fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// Recomputes package amounts from its lines.
pub fn recompute_totals(p: &mut ShipmentPackage) {
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
