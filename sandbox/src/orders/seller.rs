//! What the seller may do to a package, with Trendyol's rules: `Picking` from `Created`,
//! `Invoiced` from `Picking` (with an invoice number), unsupplying lines (the rest moves to a
//! new package id), tracking numbers and one invoice link.

use super::package::PackageRecord;
use crate::http::ApiError;
use crate::world::{Ctx, World};
use serde_json::Value;
use trendyol_wire::orders::{
    InvoiceLinkRequest, LineQuantity, StatusUpdateRequest, TrackingNumberRequest, UnsuppliedRequest,
};
use trendyol_wire::PackageStatus;

impl World {
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
