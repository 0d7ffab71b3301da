//! One batch as the sandbox keeps it, and its answer as of a given time.
//!
//! In a state file a batch reads as it always has — every item with its `requestItem` and
//! `failureReasons` — so saved worlds load either way; in memory the items are the frozen
//! [`Echoes`] plus the reasons of the failed ones.

use super::echoes::{EchoWriter, Echoes, OpenEchoes};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::Value;
use trendyol_wire::batch::{BatchItemStatus, BatchStatus};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(into = "BatchFile", from = "BatchFile")]
pub struct Batch {
    pub id: String,
    pub seller_id: u64,
    pub kind: String,
    /// False for price & inventory batches (no batch-level status).
    pub with_status: bool,
    pub created_ms: i64,
    /// Items are final from here.
    pub items_done_ms: i64,
    /// The batch status reads COMPLETED from here.
    pub status_done_ms: i64,
    pub echoes: Echoes,
    /// `(item index, reasons)` of the items that failed, in item order.
    pub failures: Vec<(u32, Vec<String>)>,
}

impl Batch {
    /// The result as of `now`, owning what it needs so it can be written after the world's
    /// lock is released.
    pub fn result(&self, now: i64) -> BatchAnswer {
        BatchAnswer {
            id: self.id.clone(),
            kind: self.kind.clone(),
            status: self.with_status.then_some(if now >= self.status_done_ms {
                BatchStatus::Completed
            } else {
                BatchStatus::InProgress
            }),
            created_ms: self.created_ms,
            items_done: now >= self.items_done_ms,
            items_done_ms: self.items_done_ms,
            echoes: self.echoes.open(),
            failures: self.failures.clone(),
        }
    }
}

/// A batch result, written as Trendyol's `BatchRequestResult`.
#[derive(Debug)]
pub struct BatchAnswer {
    id: String,
    kind: String,
    status: Option<BatchStatus>,
    created_ms: i64,
    items_done: bool,
    items_done_ms: i64,
    echoes: OpenEchoes,
    failures: Vec<(u32, Vec<String>)>,
}

/// The wire shape of `trendyol_wire::batch::BatchRequestResult`, field for field, with the
/// echoed items written as the text they were kept as.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultView<'a> {
    batch_request_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<&'a BatchStatus>,
    creation_date: Option<i64>,
    last_modification: Option<i64>,
    source_type: Option<&'a str>,
    item_count: Option<u64>,
    failed_item_count: Option<u64>,
    batch_request_type: Option<&'a str>,
    items: Vec<ItemView<'a>>,
}

/// The wire shape of `trendyol_wire::batch::BatchItemResult`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ItemView<'a> {
    request_item: &'a RawValue,
    status: BatchItemStatus,
    failure_reasons: &'a [String],
}

impl Serialize for BatchAnswer {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut failures = self.failures.iter().peekable();
        let items = (0..self.echoes.len())
            .map(|i| {
                let failed = failures
                    .next_if(|(at, _)| *at as usize == i)
                    .map(|(_, reasons)| reasons.as_slice());
                ItemView {
                    request_item: self.echoes.item(i),
                    status: match (self.items_done, failed) {
                        (false, _) => BatchItemStatus::InProgress,
                        (true, None) => BatchItemStatus::Success,
                        (true, Some(_)) => BatchItemStatus::Failed,
                    },
                    failure_reasons: if self.items_done {
                        failed.unwrap_or(&[])
                    } else {
                        &[]
                    },
                }
            })
            .collect();
        ResultView {
            batch_request_id: &self.id,
            status: self.status.as_ref(),
            creation_date: Some(self.created_ms),
            last_modification: Some(if self.items_done {
                self.items_done_ms
            } else {
                self.created_ms
            }),
            source_type: Some("API"),
            item_count: Some(self.echoes.len() as u64),
            failed_item_count: Some(if self.items_done {
                self.failures.len() as u64
            } else {
                0
            }),
            batch_request_type: Some(&self.kind),
            items,
        }
        .serialize(s)
    }
}

/// A batch as a state file holds it.
#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct BatchFile {
    id: String,
    seller_id: u64,
    kind: String,
    with_status: bool,
    created_ms: i64,
    items_done_ms: i64,
    status_done_ms: i64,
    items: Vec<EntryFile>,
}

#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct EntryFile {
    request_item: Value,
    failure_reasons: Vec<String>,
}

impl From<Batch> for BatchFile {
    fn from(b: Batch) -> Self {
        let open = b.echoes.open();
        let mut failures = b.failures.into_iter().peekable();
        let items = (0..open.len())
            .map(|i| EntryFile {
                request_item: serde_json::from_str(open.item(i).get()).unwrap_or(Value::Null),
                failure_reasons: failures
                    .next_if(|(at, _)| *at as usize == i)
                    .map(|(_, r)| r)
                    .unwrap_or_default(),
            })
            .collect();
        BatchFile {
            id: b.id,
            seller_id: b.seller_id,
            kind: b.kind,
            with_status: b.with_status,
            created_ms: b.created_ms,
            items_done_ms: b.items_done_ms,
            status_done_ms: b.status_done_ms,
            items,
        }
    }
}

impl From<BatchFile> for Batch {
    fn from(f: BatchFile) -> Self {
        let mut echoes = EchoWriter::default();
        let mut failures = Vec::new();
        for (i, e) in f.items.into_iter().enumerate() {
            echoes.push(&e.request_item);
            if !e.failure_reasons.is_empty() {
                failures.push((i as u32, e.failure_reasons));
            }
        }
        Batch {
            id: f.id,
            seller_id: f.seller_id,
            kind: f.kind,
            with_status: f.with_status,
            created_ms: f.created_ms,
            items_done_ms: f.items_done_ms,
            status_done_ms: f.status_done_ms,
            echoes: echoes.finish(),
            failures,
        }
    }
}
