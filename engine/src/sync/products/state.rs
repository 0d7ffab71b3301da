//! A product's life cycle in `trendyol_products.sync_status`.
//!
//! ```text
//!  pending ──send──> submitted ──review──> approved
//!     │                  │   └───review──> rejected ──update──> submitted
//!     │                  └──batch item failed──> failed ──change──> pending
//!     └──validation──> invalid ──fixed──> pending
//! ```
//!
//! `trendyol_status` says where Trendyol's side is: `SENT` (batch in progress), `IN_REVIEW`
//! (batch item succeeded, waiting for review), `APPROVED`, `REJECTED`, `FAILED`,
//! `UPDATE_FAILED` (an update of an approved product failed; the product stays approved),
//! `REFUSED` (the whole request was refused). Reasons, from validation, from a failed batch
//! item or from the review, are a JSON array of strings in `reasons`.

/// Known to MesChain, not sent yet.
pub const PENDING: &str = "pending";
/// Breaks a Trendyol rule; not sent (see `reasons`).
pub const INVALID: &str = "invalid";
/// Sent; the batch result or the review is outstanding.
pub const SUBMITTED: &str = "submitted";
pub const APPROVED: &str = "approved";
pub const REJECTED: &str = "rejected";
/// Its create failed as a batch item (see `reasons`).
pub const FAILED: &str = "failed";

/// Whether Trendyol has the product (so its barcode, brand and category are fixed there).
pub fn is_on_trendyol(status: &str) -> bool {
    matches!(status, SUBMITTED | APPROVED | REJECTED)
}

/// Reasons as stored in `reasons`.
pub fn reasons_json(reasons: &[String]) -> String {
    serde_json::to_string(reasons).unwrap_or_else(|_| "[]".into())
}
