//! What happens to claims: the generator that plays customers returning goods, and the
//! seller's approve and reject with Trendyol's rules.

use super::record::{status_of, ClaimRecord, GenerateClaims, CUSTOMER_REASONS};
use crate::http::ApiError;
use crate::world::{Ctx, Ids, World};
use trendyol_wire::claims::{
    Claim, ClaimItem, ClaimItemStatus, ClaimItemStatusRef, ClaimLine, ClaimOrderLine, ClaimReason,
};
use trendyol_wire::PackageStatus;

impl World {
    /// Creates claims on delivered (else shipped, else any processed) packages.
    pub fn generate_claims(
        &mut self,
        ctx: &Ctx,
        seller: u64,
        req: &GenerateClaims,
    ) -> Result<Vec<String>, String> {
        let pick_from = |w: &World, wanted: &[PackageStatus]| -> Vec<u64> {
            w.packages
                .values()
                .filter(|r| r.seller_id == seller && wanted.contains(&r.status()))
                .map(|r| r.id())
                .collect()
        };
        let mut candidates = pick_from(self, &[PackageStatus::Delivered]);
        if candidates.is_empty() {
            candidates = pick_from(self, &[PackageStatus::Shipped]);
        }
        if candidates.is_empty() {
            candidates = pick_from(
                self,
                &[
                    PackageStatus::Created,
                    PackageStatus::Picking,
                    PackageStatus::Invoiced,
                ],
            );
        }
        if candidates.is_empty() {
            return Err(format!(
                "seller {seller} has no packages to return; generate orders first"
            ));
        }
        let status = ClaimItemStatus::parse(&req.status);
        let mut out = Vec::new();
        for _ in 0..req.count {
            let Some(&pid) = self.rng.pick(&candidates) else {
                break;
            };
            let pkg = self.packages[&pid].package.clone();
            let Some(line) = self.rng.pick(&pkg.lines).cloned() else {
                continue;
            };
            let (rid, rname, rcode) = self
                .rng
                .pick(CUSTOMER_REASONS)
                .copied()
                .unwrap_or(CUSTOMER_REASONS[0]);
            let units = line.quantity.unwrap_or(1).max(1);
            let mut items = Vec::new();
            for _ in 0..units {
                let n = Ids::next(&mut self.ids.claim_item);
                items.push(ClaimItem {
                    id: format!("{:08x}-ci{n:06}", self.rng.next_u64() as u32),
                    order_line_item_id: line.line_id.map(|l| l * 100 + n % 100),
                    customer_claim_item_reason: Some(ClaimReason {
                        id: Some(rid),
                        name: Some(rname.into()),
                        external_reason_id: Some(rid),
                        code: Some(rcode.into()),
                    }),
                    trendyol_claim_item_reason: Some(ClaimReason {
                        id: Some(rid),
                        name: Some(rname.into()),
                        external_reason_id: Some(rid),
                        code: Some(rcode.into()),
                    }),
                    claim_item_status: Some(ClaimItemStatusRef {
                        name: status.clone(),
                    }),
                    note: None,
                    customer_note: Some("İade talebi".into()),
                    resolved: Some(false),
                });
            }
            let id = self.rng.uuid();
            let tracking = Ids::next(&mut self.ids.tracking);
            let claim = Claim {
                id: id.clone(),
                order_number: pkg.order_number.clone(),
                order_date: pkg.order_date,
                claim_date: Some(ctx.now),
                customer_first_name: pkg.customer_first_name.clone(),
                customer_last_name: pkg.customer_last_name.clone(),
                cargo_tracking_number: Some(tracking.to_string()),
                cargo_provider_name: pkg.cargo_provider_name.clone(),
                cargo_sender_number: pkg.cargo_sender_number.clone(),
                order_shipment_package_id: Some(pid),
                last_modified_date: Some(ctx.now),
                items: vec![ClaimLine {
                    order_line: Some(ClaimOrderLine {
                        id: line.line_id,
                        product_name: line.product_name.clone(),
                        barcode: line.barcode.clone(),
                        merchant_sku: line.stock_code.clone(),
                        product_color: line.product_color.clone(),
                        product_size: line.product_size.clone(),
                        price: line.line_unit_price,
                        vat_rate: line.vat_rate,
                    }),
                    claim_items: items,
                }],
            };
            self.claims.insert(
                id.clone(),
                ClaimRecord {
                    seller_id: seller,
                    claim,
                },
            );
            out.push(id);
        }
        Ok(out)
    }

    /// Sets the status of the given items after checking they are all `WaitingInAction`.
    pub(crate) fn claim_items_to(
        &mut self,
        ctx: &Ctx,
        seller: u64,
        claim_id: &str,
        item_ids: &[String],
        to: ClaimItemStatus,
        note: Option<String>,
    ) -> Result<(), ApiError> {
        if item_ids.is_empty() {
            return Err(ApiError::bad_request(
                "claim.items.required",
                "at least one claim item id is required",
            ));
        }
        let rec = self
            .claims
            .get_mut(claim_id)
            .filter(|r| r.seller_id == seller)
            .ok_or_else(|| {
                ApiError::not_found("claim.not.found", format!("Claim {claim_id} not found"))
            })?;
        for wanted in item_ids {
            let item = rec
                .claim
                .items
                .iter()
                .flat_map(|l| l.claim_items.iter())
                .find(|i| &i.id == wanted)
                .ok_or_else(|| {
                    ApiError::bad_request(
                        "claim.item.not.found",
                        format!("claim item {wanted} is not in claim {claim_id}"),
                    )
                })?;
            let st = status_of(item);
            if st != ClaimItemStatus::WaitingInAction {
                return Err(ApiError::bad_request(
                    "invalid.claim.item.status",
                    format!(
                        "claim item {wanted} is {st}; only WaitingInAction items can be processed"
                    ),
                ));
            }
        }
        for line in &mut rec.claim.items {
            for item in &mut line.claim_items {
                if item_ids.contains(&item.id) {
                    item.claim_item_status = Some(ClaimItemStatusRef { name: to.clone() });
                    item.note = note.clone().or(item.note.take());
                    item.resolved = Some(to == ClaimItemStatus::Accepted);
                }
            }
        }
        rec.claim.last_modified_date = Some(ctx.now);
        Ok(())
    }
}
