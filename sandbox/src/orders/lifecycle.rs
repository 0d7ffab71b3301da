//! How a package moves: status changes with their history and webhook events, splits,
//! cancellations, the `Awaiting` → `Created` payment check, and the control endpoint's moves.

use super::package::{recompute_totals, PackageRecord};
use crate::world::{Ctx, Ids, PackageEvent, World};
use trendyol_wire::orders::{LineQuantity, PackageHistory};
use trendyol_wire::{PackageLine, PackageStatus, ShipmentPackage};

impl World {
    pub(crate) fn stamp(&mut self, ctx: &Ctx, id: u64) {
        let m = Ids::next(&mut self.ids.modification);
        if let Some(r) = self.packages.get_mut(&id) {
            r.package.last_modified_date = Some(ctx.now);
            r.modification = m;
        }
    }

    pub(crate) fn emit(&mut self, id: u64) {
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
}
