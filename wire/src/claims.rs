//! Returns (claims). There is no claim webhook: claims are polled.
//!
//! A claim groups the returned lines of one order; each line holds one or more claim items
//! (one per returned unit) and those items carry the status. Only `WaitingInAction` items can
//! be approved; rejecting opens an issue that Trendyol reviews.

use crate::orders::lenient_string;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

string_enum! {
    /// Status of a claim item.
    ClaimItemStatus {
        Created => "Created",
        WaitingInAction => "WaitingInAction",
        Accepted => "Accepted",
        Cancelled => "Cancelled",
        Rejected => "Rejected",
        Unresolved => "Unresolved",
        InAnalysis => "InAnalysis",
        WaitingFraudCheck => "WaitingFraudCheck",
    }
}

/// A reason (customer's or Trendyol's) attached to a claim item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ClaimReason {
    #[serde(default)]
    pub id: Option<u64>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub external_reason_id: Option<u64>,
    #[serde(default)]
    pub code: Option<String>,
}

/// `{"name":"WaitingInAction"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClaimItemStatusRef {
    pub name: ClaimItemStatus,
}

/// One returned unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ClaimItem {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub order_line_item_id: Option<u64>,
    #[serde(default)]
    pub customer_claim_item_reason: Option<ClaimReason>,
    #[serde(default)]
    pub trendyol_claim_item_reason: Option<ClaimReason>,
    #[serde(default)]
    pub claim_item_status: Option<ClaimItemStatusRef>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub customer_note: Option<String>,
    #[serde(default)]
    pub resolved: Option<bool>,
}

/// The order line a claim line refers to (claims still use the old line field names).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ClaimOrderLine {
    #[serde(default)]
    pub id: Option<u64>,
    #[serde(default)]
    pub product_name: Option<String>,
    #[serde(default)]
    pub barcode: Option<String>,
    #[serde(default)]
    pub merchant_sku: Option<String>,
    #[serde(default)]
    pub product_color: Option<String>,
    #[serde(default)]
    pub product_size: Option<String>,
    #[serde(default, deserialize_with = "crate::orders::lenient_f64")]
    pub price: Option<f64>,
    #[serde(default, deserialize_with = "crate::orders::lenient_f64")]
    pub vat_rate: Option<f64>,
}

/// A claim line: the order line and its claim items.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ClaimLine {
    #[serde(default)]
    pub order_line: Option<ClaimOrderLine>,
    #[serde(default)]
    pub claim_items: Vec<ClaimItem>,
}

/// A claim (`claimDate` is UTC ms, `orderDate` GMT+3 as for packages).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Claim {
    #[serde(default)]
    pub id: String,
    #[serde(default, deserialize_with = "lenient_string")]
    pub order_number: Option<String>,
    #[serde(default)]
    pub order_date: Option<i64>,
    #[serde(default)]
    pub claim_date: Option<i64>,
    #[serde(default)]
    pub customer_first_name: Option<String>,
    #[serde(default)]
    pub customer_last_name: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub cargo_tracking_number: Option<String>,
    #[serde(default)]
    pub cargo_provider_name: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub cargo_sender_number: Option<String>,
    #[serde(default)]
    pub order_shipment_package_id: Option<u64>,
    #[serde(default)]
    pub last_modified_date: Option<i64>,
    #[serde(default)]
    pub items: Vec<ClaimLine>,
}

/// `GET /integration/order/sellers/{id}/claims`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ClaimsPage {
    #[serde(default)]
    pub total_elements: u64,
    #[serde(default)]
    pub total_pages: u64,
    #[serde(default)]
    pub page: u64,
    #[serde(default)]
    pub size: u64,
    #[serde(default)]
    pub content: crate::lenient::Lenient<Claim>,
}

/// `PUT .../claims/{claimId}/items/approve`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ApproveClaimRequest {
    #[serde(default)]
    pub claim_line_item_id_list: Vec<String>,
    #[serde(default)]
    pub params: Map<String, Value>,
}

/// The fields of a rejection (`POST .../claims/{claimId}/issue`). Trendyol takes them as query
/// parameters (`claimIssueReasonId`, `claimItemIdList`, `description` ≤ 500) on a multipart
/// request that carries the evidence files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct RejectClaimRequest {
    #[serde(default)]
    pub claim_issue_reason_id: u64,
    #[serde(default)]
    pub claim_item_id_list: Vec<String>,
    #[serde(default)]
    pub description: String,
}

/// Longest rejection description.
pub const MAX_REJECT_DESCRIPTION: usize = 500;

/// `GET /integration/order/claim-issue-reasons` → a bare array of these.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ClaimIssueReason {
    #[serde(default)]
    pub id: u64,
    #[serde(default)]
    pub name: String,
}
