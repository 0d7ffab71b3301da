//! Claims (returns): list, approve, reject (issue), reasons, and a generator.
//!
//! There is no claim webhook on Trendyol, so MesChain polls; the generator plays the customers
//! who send items back. Only `WaitingInAction` items can be approved or rejected; approval makes
//! them `Accepted`, a rejection opens an issue that Trendyol reviews (`Unresolved`). The
//! rejection fields travel as query parameters (`claimIssueReasonId`, `claimItemIdList`,
//! `description` ≤ 500) on a multipart request; the sandbox reads them from the query string, or
//! from a JSON body, and ignores attached files.

use crate::app::App;
use crate::auth::Caller;
use crate::http::{empty, ok, paging, parse_json, ApiError, ApiResult, Params};
use crate::world::{Ctx, Ids, World};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Extension;
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use trendyol_wire::claims::{
    ApproveClaimRequest, Claim, ClaimIssueReason, ClaimItem, ClaimItemStatus, ClaimItemStatusRef,
    ClaimLine, ClaimOrderLine, ClaimReason, ClaimsPage, RejectClaimRequest, MAX_REJECT_DESCRIPTION,
};
use trendyol_wire::PackageStatus;

/// Reasons a seller may give when rejecting a claim.
pub fn issue_reasons() -> Vec<ClaimIssueReason> {
    [
        (1651, "Ürün kullanılmış / hasarlı gönderildi"),
        (1652, "Eksik ürün gönderildi"),
        (1653, "Farklı ürün gönderildi"),
        (1654, "İade süresi geçmiş"),
        (1655, "Ürün orijinal ambalajında değil"),
    ]
    .into_iter()
    .map(|(id, name)| ClaimIssueReason {
        id,
        name: name.into(),
    })
    .collect()
}

const CUSTOMER_REASONS: &[(u64, &str, &str)] = &[
    (401, "Beden büyük geldi", "SIZE_BIG"),
    (402, "Beden küçük geldi", "SIZE_SMALL"),
    (403, "Ürünü beğenmedim", "DISLIKE"),
    (404, "Ürün hasarlı geldi", "DAMAGED"),
    (405, "Yanlış ürün gönderildi", "WRONG_PRODUCT"),
];

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClaimRecord {
    pub seller_id: u64,
    pub claim: Claim,
}

/// `POST /__sandbox/claims/generate` body.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct GenerateClaims {
    pub count: u64,
    pub seller_id: Option<u64>,
    /// Initial status of the claim items.
    pub status: String,
}

impl Default for GenerateClaims {
    fn default() -> Self {
        GenerateClaims {
            count: 1,
            seller_id: None,
            status: "WaitingInAction".into(),
        }
    }
}

fn status_of(item: &ClaimItem) -> ClaimItemStatus {
    item.claim_item_status
        .as_ref()
        .map(|s| s.name.clone())
        .unwrap_or(ClaimItemStatus::Unknown(String::new()))
}

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
    fn claim_items_to(
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

/// `GET /integration/order/sellers/{id}/claims`.
pub async fn list(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    params: Params,
) -> ApiResult {
    let (page, size) = paging(&params, 50, 200, None)?;
    let status = params.str("claimItemStatus").map(ClaimItemStatus::parse);
    let start = params.i64("startDate")?;
    let end = params.i64("endDate")?;
    let order_number = params.str("orderNumber");
    let all: Vec<Claim> = {
        let w = crate::app::lock(&app.world);
        let mut v: Vec<Claim> = w
            .claims
            .values()
            .filter(|r| r.seller_id == caller.seller_id)
            .map(|r| &r.claim)
            .filter(|c| {
                let d = c.claim_date.unwrap_or(0);
                start.is_none_or(|s| d >= s)
                    && end.is_none_or(|e| d <= e)
                    && order_number.is_none_or(|n| c.order_number.as_deref() == Some(n))
                    && status.as_ref().is_none_or(|s| {
                        c.items
                            .iter()
                            .flat_map(|l| l.claim_items.iter())
                            .any(|i| status_of(i) == *s)
                    })
            })
            .cloned()
            .collect();
        v.sort_by_key(|c| (c.claim_date.unwrap_or(0), c.id.clone()));
        v
    };
    let total = all.len() as u64;
    let mut body = serde_json::to_value(ClaimsPage {
        total_elements: total,
        total_pages: crate::http::total_pages(total, size),
        page,
        size,
        content: crate::http::page_of(&all, page, size).into(),
    })
    .map_err(|e| ApiError::bad_request("serialization", e.to_string()))?;
    crate::documented::claims(&mut body);
    ok(&body)
}

/// `PUT .../claims/{claimId}/items/approve`.
pub async fn approve(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    Path((_seller, claim_id)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult {
    let req: ApproveClaimRequest = parse_json(&body)?;
    app.mutate(|w, ctx| {
        w.claim_items_to(
            ctx,
            caller.seller_id,
            &claim_id,
            &req.claim_line_item_id_list,
            ClaimItemStatus::Accepted,
            None,
        )
    })?;
    empty(StatusCode::OK)
}

/// `POST .../claims/{claimId}/issue` (rejection).
pub async fn reject(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    Path((_seller, claim_id)): Path<(String, String)>,
    params: Params,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> ApiResult {
    let is_json = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let req = if params.str("claimIssueReasonId").is_some() || !is_json {
        RejectClaimRequest {
            claim_issue_reason_id: params.u64("claimIssueReasonId")?.unwrap_or(0),
            claim_item_id_list: params.list("claimItemIdList"),
            description: params.str("description").unwrap_or("").to_string(),
        }
    } else {
        parse_json::<RejectClaimRequest>(&body)?
    };
    if !issue_reasons()
        .iter()
        .any(|r| r.id == req.claim_issue_reason_id)
    {
        return Err(ApiError::bad_request(
            "invalid.claim.issue.reason",
            format!(
                "claimIssueReasonId {} is not valid; see /integration/order/claim-issue-reasons",
                req.claim_issue_reason_id
            ),
        ));
    }
    if req.description.chars().count() > MAX_REJECT_DESCRIPTION {
        return Err(ApiError::bad_request(
            "description.too.long",
            format!("description must be at most {MAX_REJECT_DESCRIPTION} characters"),
        ));
    }
    app.mutate(|w, ctx| {
        w.claim_items_to(
            ctx,
            caller.seller_id,
            &claim_id,
            &req.claim_item_id_list,
            ClaimItemStatus::Unresolved,
            Some(req.description.clone()),
        )
    })?;
    empty(StatusCode::OK)
}

/// `GET /integration/order/claim-issue-reasons`.
pub async fn reasons() -> ApiResult {
    ok(&issue_reasons())
}
