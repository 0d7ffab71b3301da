//! Batch request results: `GET .../products/batch-requests/{batchRequestId}`.
//!
//! Every product and price/stock write is processed asynchronously. Results are kept for
//! **4 hours only** (poll promptly and store the outcome), the batch `status` may lag behind
//! the item statuses (trust items), and price/stock batches carry no batch-level status at all.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// How long Trendyol keeps a batch result.
pub const BATCH_TTL_MS: i64 = 4 * 60 * 60 * 1000;

string_enum! {
    /// Batch-level status.
    BatchStatus {
        InProgress => "IN_PROGRESS",
        Completed => "COMPLETED",
    }
}

string_enum! {
    /// Item-level status.
    BatchItemStatus {
        Success => "SUCCESS",
        Failed => "FAILED",
        InProgress => "IN_PROGRESS",
    }
}

/// One item's outcome; `requestItem` echoes what was sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchItemResult {
    #[serde(default)]
    pub request_item: Value,
    #[serde(default = "unknown_item_status")]
    pub status: BatchItemStatus,
    #[serde(default)]
    pub failure_reasons: Vec<String>,
}

fn unknown_item_status() -> BatchItemStatus {
    BatchItemStatus::Unknown(String::new())
}

/// The whole batch result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct BatchRequestResult {
    #[serde(default)]
    pub batch_request_id: String,
    /// Absent for price & inventory batches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<BatchStatus>,
    #[serde(default)]
    pub creation_date: Option<i64>,
    #[serde(default)]
    pub last_modification: Option<i64>,
    #[serde(default)]
    pub source_type: Option<String>,
    #[serde(default)]
    pub item_count: Option<u64>,
    #[serde(default)]
    pub failed_item_count: Option<u64>,
    #[serde(default)]
    pub batch_request_type: Option<String>,
    #[serde(default)]
    pub items: crate::lenient::Lenient<BatchItemResult>,
}

impl BatchRequestResult {
    /// The barcode of an item, wherever the request put it (`requestItem.barcode` or
    /// `requestItem.product.barcode`).
    pub fn item_barcode(item: &BatchItemResult) -> Option<&str> {
        item.request_item
            .get("barcode")
            .or_else(|| {
                item.request_item
                    .get("product")
                    .and_then(|p| p.get("barcode"))
            })
            .and_then(Value::as_str)
    }

    /// True when every item has a final status (SUCCESS or FAILED), whatever `status` says.
    pub fn items_final(&self) -> bool {
        !self.items.is_empty()
            && self
                .items
                .iter()
                .all(|i| matches!(i.status, BatchItemStatus::Success | BatchItemStatus::Failed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_statuses_are_kept() {
        let r: BatchRequestResult = serde_json::from_str(
            r#"{"batchRequestId":"a","status":"SOMETHING_NEW","items":[{"requestItem":{"product":{"barcode":"b"}},"status":"SUCCESS"}]}"#,
        )
        .unwrap();
        assert_eq!(r.status, Some(BatchStatus::Unknown("SOMETHING_NEW".into())));
        assert_eq!(BatchRequestResult::item_barcode(&r.items[0]), Some("b"));
        assert!(r.items_final());
    }
}
