//! The batch requests MesChain has open with Trendyol, shared by the product and the stock job.
//!
//! Every product and price/stock write is answered with a `batchRequestId` only; what happened
//! to each item shows later in the batch result, which Trendyol keeps for four hours. Each id is
//! stored in `{prefix}trendyol_batch_requests` in the same transaction that marks its items as
//! sent, so a crash between the two cannot leave items that nobody will ever check. A batch is
//! `pending` until every item has a final status (`done`), or until it is too old to be read
//! (`expired`, after which the jobs fall back to reading Trendyol's lists).
//!
//! Both jobs follow their batches the same way — read each pending one once, settle it when
//! every item is final, touch it while it is not, let it go once Trendyol no longer has it — and
//! differ only in what settling and letting go do to their rows: [`follow`] is that loop, a
//! [`SettleStep`] is each job's part.

use std::future::Future;
use std::time::{Duration, Instant};

use mysql_async::prelude::*;
use trendyol_wire::batch::BatchRequestResult;

use crate::db::Database;
use crate::error::{ApiErrorClass, Error, Result};
use crate::runner::{JobContext, StopReason};
use crate::sync::catalog_pace::Pacer;

/// How long Trendyol keeps a batch result.
pub const BATCH_RESULT_TTL: Duration = Duration::from_secs(4 * 3600);

/// What a batch was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchKind {
    /// V2 create.
    ProductCreate,
    /// V2 update of products not yet approved (in review or rejected).
    ProductUpdate,
    /// V2 content update of approved products (by content id).
    ProductContent,
    /// V2 variant update of approved products (by barcode).
    ProductVariant,
    /// Price and inventory.
    PriceInventory,
}

impl BatchKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BatchKind::ProductCreate => "product_create",
            BatchKind::ProductUpdate => "product_update",
            BatchKind::ProductContent => "product_content",
            BatchKind::ProductVariant => "product_variant",
            BatchKind::PriceInventory => "price_inventory",
        }
    }

    pub fn parse(s: &str) -> Option<BatchKind> {
        [
            BatchKind::ProductCreate,
            BatchKind::ProductUpdate,
            BatchKind::ProductContent,
            BatchKind::ProductVariant,
            BatchKind::PriceInventory,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }

    /// The product kinds, tracked by `product_sync`.
    pub const PRODUCT: &'static [BatchKind] = &[
        BatchKind::ProductCreate,
        BatchKind::ProductUpdate,
        BatchKind::ProductContent,
        BatchKind::ProductVariant,
    ];
}

/// A batch still waiting for its item results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingBatch {
    pub id: String,
    pub kind: BatchKind,
    pub item_count: u32,
    /// Seconds since it was sent (database clock).
    pub age_secs: u64,
}

impl PendingBatch {
    /// Past the time Trendyol keeps results.
    pub fn is_expired(&self) -> bool {
        self.age_secs >= BATCH_RESULT_TTL.as_secs()
    }
}

/// Records a batch inside the caller's transaction (the one that marks its items as sent).
pub async fn record(
    tx: &mut impl Queryable,
    db: &Database,
    seller_id: u64,
    id: &str,
    kind: BatchKind,
    item_count: usize,
) -> Result<()> {
    tx.exec_drop(
        format!(
            "INSERT INTO {} (batch_request_id, seller_id, kind, item_count, status, created_at) \
             VALUES (?, ?, ?, ?, 'pending', UTC_TIMESTAMP()) \
             ON DUPLICATE KEY UPDATE item_count = VALUES(item_count)",
            db.table("trendyol_batch_requests")
        ),
        (id, seller_id, kind.as_str(), item_count as u64),
    )
    .await
    .map_err(Error::db("recording a batch request"))
}

/// Pending batches of the given kinds, oldest first.
pub async fn pending(
    db: &Database,
    seller_id: u64,
    kinds: &[BatchKind],
    limit: u32,
) -> Result<Vec<PendingBatch>> {
    if kinds.is_empty() {
        return Ok(Vec::new());
    }
    let mut conn = db.conn().await?;
    let mut params: Vec<mysql_async::Value> = vec![seller_id.into()];
    params.extend(kinds.iter().map(|k| k.as_str().into()));
    params.push(limit.into());
    let rows: Vec<(String, String, u32, i64)> = conn
        .exec(
            format!(
                "SELECT batch_request_id, kind, item_count, \
                 TIMESTAMPDIFF(SECOND, created_at, UTC_TIMESTAMP()) \
                 FROM {} WHERE status = 'pending' AND seller_id = ? AND kind IN ({}) \
                 ORDER BY created_at, batch_request_id LIMIT ?",
                db.table("trendyol_batch_requests"),
                marks(kinds.len())
            ),
            params,
        )
        .await
        .map_err(Error::db("reading pending batch requests"))?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, kind, item_count, age)| {
            Some(PendingBatch {
                id,
                kind: BatchKind::parse(&kind)?,
                item_count,
                age_secs: age.max(0) as u64,
            })
        })
        .collect())
}

/// Closes a batch: `done` with its failure count, or `expired`.
pub async fn finish(
    tx: &mut impl Queryable,
    db: &Database,
    id: &str,
    status: &str,
    failed: u64,
) -> Result<()> {
    tx.exec_drop(
        format!(
            "UPDATE {} SET status = ?, failed_count = ?, checked_at = UTC_TIMESTAMP(), \
             finished_at = UTC_TIMESTAMP() WHERE batch_request_id = ?",
            db.table("trendyol_batch_requests")
        ),
        (status, failed, id),
    )
    .await
    .map_err(Error::db("closing a batch request"))
}

/// Notes that a batch was looked at and is still in progress.
pub async fn touch(db: &Database, id: &str) -> Result<()> {
    let mut conn = db.conn().await?;
    conn.exec_drop(
        format!(
            "UPDATE {} SET checked_at = UTC_TIMESTAMP() WHERE batch_request_id = ?",
            db.table("trendyol_batch_requests")
        ),
        (id,),
    )
    .await
    .map_err(Error::db("touching a batch request"))
}

/// True when a batch-result read failed because Trendyol no longer has the batch.
pub fn is_gone(error: &Error) -> bool {
    matches!(
        error,
        Error::Api {
            class: ApiErrorClass::Permanent,
            status: Some(404),
            ..
        }
    )
}

/// `?,?,?` for an `IN (...)` list of `n` values.
pub fn marks(n: usize) -> String {
    crate::queue::marks(n)
}

/// A named position in `{prefix}trendyol_cursors` (0 when never set).
pub async fn cursor(db: &Database, name: &str) -> Result<i64> {
    crate::sync::cursor::position(db, name).await
}

/// Stores a named position (a scan may wrap back to the start).
pub async fn set_cursor(db: &Database, name: &str, position: i64) -> Result<()> {
    crate::sync::cursor::set(db, name, position).await
}

/// What one job does with a batch once it is read: its rows are its own.
pub trait SettleStep {
    /// Every item of `batch` is final (`result`): apply the outcomes to the rows and close it.
    fn settle(
        &mut self,
        ctx: &JobContext,
        seller: u64,
        batch: &PendingBatch,
        result: &BatchRequestResult,
    ) -> impl Future<Output = Result<()>> + Send;

    /// Trendyol no longer has `batch` (a 404, or older than it keeps results): release its rows
    /// and close it as expired. Called in a dry run too (the step decides what to skip).
    fn expire(
        &mut self,
        ctx: &JobContext,
        seller: u64,
        batch: &PendingBatch,
    ) -> impl Future<Output = Result<()>> + Send;
}

/// How many batches [`follow`] read, settled and let go.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FollowCounts {
    pub checked: u64,
    pub settled: u64,
    pub expired: u64,
}

/// Reads every pending batch of `kinds` once, oldest first: settled through `step` when its
/// items are final, touched while they are not, expired through `step` when Trendyol no longer
/// has it. Stops early (returning why) when the pacer says so; `counts` holds what was done.
pub async fn follow(
    ctx: &JobContext,
    pacer: &mut Pacer,
    kinds: &[BatchKind],
    step: &mut impl SettleStep,
    counts: &mut FollowCounts,
) -> Result<Option<StopReason>> {
    let seller = ctx.client.seller_id();
    let batches = pending(&ctx.db, seller, kinds, 10_000).await?;
    for batch in batches {
        if let Some(stop) = pacer.should_stop(ctx) {
            return Ok(Some(stop));
        }
        counts.checked += 1;
        let started = Instant::now();
        let result = ctx.client.batch_result(&batch.id).await;
        pacer.observe(started.elapsed());
        match result {
            Ok(result) if result.items_final() => {
                if !ctx.dry_run {
                    step.settle(ctx, seller, &batch, &result).await?;
                }
                counts.settled += 1;
            }
            Ok(_) if !batch.is_expired() => {
                if !ctx.dry_run {
                    touch(&ctx.db, &batch.id).await?;
                }
            }
            Ok(_) => {
                counts.expired += 1;
                step.expire(ctx, seller, &batch).await?;
            }
            Err(e) if is_gone(&e) => {
                counts.expired += 1;
                step.expire(ctx, seller, &batch).await?;
            }
            Err(e) => return Err(e),
        }
    }
    Ok(None)
}
