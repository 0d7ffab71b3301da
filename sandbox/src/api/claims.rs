//! The claims endpoints: the list, and the seller's approve and reject (with Trendyol's issue
//! reasons).

use crate::app::App;
use crate::auth::Caller;
use crate::claims::{issue_reasons, status_of};
use crate::http::{empty, ok, paging, parse_json, ApiError, ApiResult, Params};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Extension;
use bytes::Bytes;
use std::sync::Arc;
use trendyol_wire::claims::{
    ApproveClaimRequest, Claim, ClaimItemStatus, ClaimsPage, RejectClaimRequest,
    MAX_REJECT_DESCRIPTION,
};

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
        let w = crate::lock::lock(&app.world);
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
