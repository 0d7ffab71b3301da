//! A claim as the sandbox keeps it, the control endpoint's generator request, and the reasons
//! either side may give.

use serde::{Deserialize, Serialize};
use trendyol_wire::claims::{Claim, ClaimIssueReason, ClaimItem, ClaimItemStatus};

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

pub const CUSTOMER_REASONS: &[(u64, &str, &str)] = &[
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

pub fn status_of(item: &ClaimItem) -> ClaimItemStatus {
    item.claim_item_status
        .as_ref()
        .map(|s| s.name.clone())
        .unwrap_or(ClaimItemStatus::Unknown(String::new()))
}
