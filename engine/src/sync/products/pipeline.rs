//! The push's sending and recording, overlapped with the reading and mapping of the next pages.
//!
//! A full push is three kinds of work per thousand products: reading them from OpenCart and
//! mapping them (the engine and MariaDB), one write call (Trendyol's time), and recording what
//! was sent (MariaDB again). Done one after the other, the wire sits idle while the engine
//! reads and records, and the engine idles while the wire works. So the push runs as three
//! stages joined by short bounded queues:
//!
//! - the reader ([`super::upload`]) reads pages, maps, validates and fills batches;
//! - the sender takes one full batch at a time and makes its write call;
//! - the recorder commits each answered batch (its batch ids and the rows' new state, one
//!   multi-row upsert) while the sender is already on the next call.
//!
//! The queues hold [`QUEUE_DEPTH`] batches each, so memory stays a few pages whatever the
//! catalog size, and a slow stage holds back the ones before it instead of piling work up.
//!
//! What a stop (deadline, memory, quota) or a failure means is unchanged: a batch is either
//! sent and recorded, or left for the next run, which resumes from the first product not sent.
//! The sender checks the deadline before every call, as the push always did; the recorder
//! always finishes the batches already sent, even when another stage failed, so a sent batch is
//! never left unrecorded by the pipeline itself.
//!
//! Barcodes of new products are owned by the push from the moment they join a batch until
//! their batch is recorded ([`Shared::pending`]): until then no `trendyol_products` row shows
//! them, and a later product with the same barcode must still be refused.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;
use trendyol_wire::products::{ContentUpdateItem, ProductV2Item, VariantUpdateItem};

use super::outgoing::{commit_sent, Outgoing, SendKind, UploadReport};
use super::state;
use super::unanswered;
use crate::error::{ApiErrorClass, Error, Result};
use crate::runner::{JobContext, StopReason};
use crate::sync::catalog_batches::BatchKind;
use crate::sync::catalog_pace::Pacer;

/// Batches waiting between two stages. Two keep the sender busy while the reader finishes a
/// page that yields no batch, without holding more than a few thousand products.
pub(super) const QUEUE_DEPTH: usize = 2;

/// A full batch on its way to the sender.
pub(super) type Batch = (SendKind, Vec<Outgoing>);

/// An answered batch on its way to the recorder.
struct Answered {
    batch: Vec<Outgoing>,
    row_batch: String,
    ids: Vec<(String, BatchKind)>,
}

/// What the stages share.
pub(super) struct Shared {
    /// Learns from the sender's calls; asked by the reader and the sender.
    pub(super) pacer: Mutex<Pacer>,
    /// Barcodes of new products in a batch not yet recorded → their product id.
    pub(super) pending: Mutex<HashMap<String, u32>>,
    /// A stage failed: nothing more is sent.
    pub(super) failed: AtomicBool,
}

impl Shared {
    pub(super) fn new(pacer: &Pacer) -> Shared {
        Shared {
            pacer: Mutex::new(pacer.clone()),
            pending: Mutex::new(HashMap::new()),
            failed: AtomicBool::new(false),
        }
    }

    /// The pacer as the sender left it, for the steps after the push.
    pub(super) fn pacer(&self) -> Pacer {
        lock(&self.pacer).clone()
    }

    /// A new product's barcode joins a batch: the push owns it until the batch is recorded.
    pub(super) fn own(&self, barcode: &str, product_id: u32) {
        lock(&self.pending).insert(barcode.to_string(), product_id);
    }

    pub(super) fn should_stop(&self, ctx: &JobContext) -> Option<StopReason> {
        lock(&self.pacer).should_stop(ctx)
    }

    /// The product already holding `barcode` in an unrecorded batch, if another one does.
    pub(super) fn pending_owner(&self, barcode: &str, product_id: u32) -> Option<u32> {
        lock(&self.pending)
            .get(barcode)
            .copied()
            .filter(|owner| *owner != product_id)
    }

    /// Their batch is recorded (or settled): the rows speak for these barcodes now.
    fn release(&self, keys: &[(String, u32)]) {
        let mut pending = lock(&self.pending);
        for (barcode, product_id) in keys {
            if pending.get(barcode) == Some(product_id) {
                pending.remove(barcode);
            }
        }
    }
}

/// `(barcode, product id)` of a batch's products, kept to release them once the batch itself
/// has been handed on.
fn keys(batch: &[Outgoing]) -> Vec<(String, u32)> {
    batch
        .iter()
        .map(|o| (o.item.barcode.clone(), o.product_id))
        .collect()
}

/// A lock that a panicking holder cannot poison for the others: the data is plain counters
/// and sets, valid after any partial update.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// How the sender ended.
#[derive(Default)]
pub(super) struct SendEnd {
    /// It stopped before a call (deadline, memory, quota).
    pub(super) stopped: Option<StopReason>,
    /// The first product of the batches it did not send.
    pub(super) first_unsent: Option<u32>,
}

/// Runs the sender and the recorder until the reader closes its queue (or a stage stops).
pub(super) async fn send_and_record(
    ctx: &JobContext,
    seller: u64,
    batches: mpsc::Receiver<Batch>,
    shared: &Shared,
    report: &mut UploadReport,
) -> Result<SendEnd> {
    let (answered_tx, answered_rx) = mpsc::channel::<Answered>(QUEUE_DEPTH);
    let mut record_report = UploadReport::default();
    let (sent, recorded) = tokio::join!(
        send_stage(ctx, seller, batches, answered_tx, shared, report),
        record_stage(ctx, seller, answered_rx, shared, &mut record_report)
    );
    report.phases.record_ms += record_report.phases.record_ms;
    // A recording failure is the cause of the sender's stop, so it is the one reported.
    recorded?;
    sent
}

async fn send_stage(
    ctx: &JobContext,
    seller: u64,
    mut batches: mpsc::Receiver<Batch>,
    answered: mpsc::Sender<Answered>,
    shared: &Shared,
    report: &mut UploadReport,
) -> Result<SendEnd> {
    let mut end = SendEnd::default();
    loop {
        let waited = Instant::now();
        let Some((kind, batch)) = batches.recv().await else {
            break;
        };
        report.phases.send_wait_ms += ms(waited.elapsed());
        // Another stage failed: the run ends with its error, and what is queued stays unsent
        // (the reason given here is never reported).
        let failed = shared.failed.load(Ordering::Relaxed) || answered.is_closed();
        let stop = if failed {
            Some(StopReason::TimeLimit)
        } else {
            shared.should_stop(ctx)
        };
        if let Some(stop) = stop {
            // Nothing more goes out: what is queued is left for the next run.
            end.stopped = Some(stop);
            end.first_unsent = first_of(end.first_unsent, &batch);
            batches.close();
            while let Some((_, batch)) = batches.recv().await {
                end.first_unsent = first_of(end.first_unsent, &batch);
            }
            break;
        }
        let started = Instant::now();
        let outcome = send(ctx, seller, kind, batch, shared, report).await;
        report.phases.send_ms += ms(started.elapsed());
        match outcome {
            Ok(Some(answer)) => {
                let waited = Instant::now();
                if answered.send(answer).await.is_err() {
                    // The recorder failed; its error is the run's.
                    break;
                }
                report.phases.record_wait_ms += ms(waited.elapsed());
            }
            Ok(None) => {}
            Err(e) => {
                shared.failed.store(true, Ordering::Relaxed);
                return Err(e);
            }
        }
    }
    Ok(end)
}

/// Commits answered batches in the order they were sent. It finishes every batch it is given,
/// whatever the other stages do: those calls went out.
async fn record_stage(
    ctx: &JobContext,
    seller: u64,
    mut answered: mpsc::Receiver<Answered>,
    shared: &Shared,
    report: &mut UploadReport,
) -> Result<()> {
    while let Some(a) = answered.recv().await {
        let started = Instant::now();
        let done = commit_sent(ctx, seller, &a.batch, &a.row_batch, "", "", &a.ids).await;
        report.phases.record_ms += ms(started.elapsed());
        shared.release(&keys(&a.batch));
        if let Err(e) = done {
            shared.failed.store(true, Ordering::Relaxed);
            return Err(e);
        }
    }
    Ok(())
}

fn first_of(first: Option<u32>, batch: &[Outgoing]) -> Option<u32> {
    batch.iter().map(|o| o.product_id).chain(first).min()
}

pub(super) fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// What a send got: the batch ids of the calls answered, and the error of one whose answer was
/// lost (its outcome unknown), if any.
type Sent = (Vec<(String, BatchKind)>, Option<String>);

/// Sends one outgoing batch. An answered batch comes back for the recorder; a refused one, or
/// one whose answer was lost, is settled here (rare, and each needs the batch's own outcome).
async fn send(
    ctx: &JobContext,
    seller: u64,
    kind: SendKind,
    batch: Vec<Outgoing>,
    shared: &Shared,
    report: &mut UploadReport,
) -> Result<Option<Answered>> {
    if ctx.dry_run {
        report.would_send += batch.len() as u64;
        return Ok(None);
    }
    let items: Vec<ProductV2Item> = batch.iter().map(|o| o.item.clone()).collect();
    let started = Instant::now();
    let sent: Result<Sent> = match kind {
        SendKind::Create => ctx
            .client
            .create_products(&items)
            .await
            .map(|r| (vec![(r.batch_request_id, BatchKind::ProductCreate)], None)),
        SendKind::UpdateUnapproved => {
            unanswered::lost(ctx.client.update_unapproved_products(&items).await).map(|r| match r {
                Ok(r) => (vec![(r.batch_request_id, BatchKind::ProductUpdate)], None),
                Err(why) => (Vec::new(), Some(why)),
            })
        }
        SendKind::UpdateApproved => send_approved(ctx, &batch).await,
    };
    drop(items);
    lock(&shared.pacer).observe(started.elapsed());
    let (ids, unknown) = match sent {
        Ok(sent) => sent,
        Err(Error::Api {
            class: ApiErrorClass::Permanent,
            message,
            ..
        }) => {
            // The whole request was refused: retrying the same items cannot help. They are
            // marked failed with Trendyol's answer and wait for the product to change.
            report.refused += batch.len() as u64;
            let reason = format!("Trendyol refused the request: {message}");
            let done = commit_sent(ctx, seller, &batch, "", state::FAILED, &reason, &[]).await;
            shared.release(&keys(&batch));
            return done.map(|()| None);
        }
        Err(Error::Api {
            class: ApiErrorClass::Ambiguous,
            message,
            ..
        }) if kind == SendKind::Create => {
            // Trendyol may have created them before the answer failed. Sending the same body
            // again would make every item "already exists" — so what Trendyol shows decides.
            let barcodes = keys(&batch);
            let mut pacer = lock(&shared.pacer).clone();
            let done =
                unanswered::settle_create(ctx, seller, batch, &message, &mut pacer, report).await;
            *lock(&shared.pacer) = pacer;
            shared.release(&barcodes);
            return done.map(|()| None);
        }
        Err(e) => return Err(e),
    };
    if let Some(why) = unknown {
        // An update whose answer was lost: what Trendyol shows decides, item by item.
        let barcodes = keys(&batch);
        let mut pacer = lock(&shared.pacer).clone();
        let done =
            unanswered::settle_update(ctx, seller, kind, batch, &why, &mut pacer, report).await;
        *lock(&shared.pacer) = pacer;
        shared.release(&barcodes);
        return done.map(|()| None);
    }
    match kind {
        SendKind::Create => report.created += batch.len() as u64,
        _ => report.updated += batch.len() as u64,
    }
    let row_batch = ids.first().map(|(id, _)| id.clone()).unwrap_or_default();
    Ok(Some(Answered {
        batch,
        row_batch,
        ids,
    }))
}

/// Approved products: content by content id, then variant fields by barcode. A call whose
/// answer was lost does not stop the other (each item needs both); its error comes back beside
/// the batch ids of the calls that were answered.
async fn send_approved(ctx: &JobContext, batch: &[Outgoing]) -> Result<Sent> {
    let mut seen = HashSet::new();
    let content: Vec<ContentUpdateItem> = batch
        .iter()
        .filter_map(|o| {
            let id = o.content_id?;
            seen.insert(id).then(|| ContentUpdateItem {
                content_id: id,
                title: Some(o.item.title.clone()),
                description: Some(o.item.description.clone()),
                images: Some(o.item.images.clone()),
                attributes: Some(o.item.attributes.clone()),
            })
        })
        .collect();
    let variants: Vec<VariantUpdateItem> = batch
        .iter()
        .map(|o| VariantUpdateItem {
            barcode: o.item.barcode.clone(),
            stock_code: Some(o.item.stock_code.clone()),
            vat_rate: o.item.vat_rate,
            dimensional_weight: o.item.dimensional_weight,
            cargo_providers: Some(o.item.cargo_providers.clone()),
            delivery_duration: None,
        })
        .collect();
    let mut ids = Vec::new();
    let mut unknown = None;
    if !content.is_empty() {
        match unanswered::lost(ctx.client.update_product_content(&content).await)? {
            Ok(r) => ids.push((r.batch_request_id, BatchKind::ProductContent)),
            Err(why) => unknown = Some(why),
        }
    }
    match unanswered::lost(ctx.client.update_product_variants(&variants).await)? {
        Ok(r) => ids.push((r.batch_request_id, BatchKind::ProductVariant)),
        Err(why) => unknown = unknown.or(Some(why)),
    }
    Ok((ids, unknown))
}
