//! The queue processor: turns queued jobs into work, as the `webhook_processor` cron job (drain
//! what is ready, within the run's time limit) or as a long-running worker (wait for work, pick
//! it up within a fraction of a second, stop cleanly when told to).
//!
//! A webhook event is a nudge, never the truth: the processor collects the package ids of the
//! order events it claimed, re-reads those packages from Trendyol (fifty per request, through
//! the shop-wide limiter) and hands what Trendyol says to order sync. A package Trendyol does
//! not return yet is retried with backoff, then dead-lettered with the reason. Every result is
//! recorded under the job's lease: a worker that lost its lease (it stalled past it and another
//! worker took the job) cannot record anything, and the import it may have done is idempotent.
//!
//! The admin's sync buttons are queue jobs too (`manual`): run here when the processor meets
//! them, or started at once by the click that queued them ([`start`]).

mod manual;

pub use manual::{start, Started};

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use serde::Serialize;

use crate::db::Database;
use crate::error::{ApiErrorClass, Error, Result};
use crate::queue::{
    claim, complete, complete_many, fail_with, ClaimedJob, EventType, FailOptions, FailOutcome,
    FailureClass, JobKind,
};
use crate::runner::{JobContext, JobOutcome, StopReason};
use crate::sync::orders::outbound::{self, StatusPush};
use crate::sync::orders::OrderImport;
use crate::sync::stock::push as stock_push;
use crate::trendyol::{OrdersQuery, TrendyolClient};

/// Packages re-read per order-list request.
const READ_BATCH: usize = 50;
/// Jobs claimed at once.
const CLAIM_BATCH: usize = 100;
/// How long a claimed job is ours. Longer than a batch takes; an expired lease hands the job
/// to another worker.
const LEASE: Duration = Duration::from_secs(120);
/// How often an idle worker looks for new jobs when no wake-up comes (see [`crate::queue::wake`]).
const IDLE_POLL: Duration = Duration::from_millis(100);
/// Time kept back to record the results of the batch in hand.
const STOP_RESERVE: Duration = Duration::from_secs(3);

/// How the processor ends a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Stop when nothing is ready (cron).
    Drain,
    /// Keep waiting for work until the deadline (worker).
    Wait,
}

/// What a processor run did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ProcessReport {
    pub claimed: u64,
    pub completed: u64,
    pub retrying: u64,
    pub dead: u64,
    pub lease_lost: u64,
    pub packages_read: u64,
    pub orders_created: u64,
    pub orders_updated: u64,
    pub pushes: u64,
    pub answers: u64,
    /// Coalesced stock pushes run, and the items they sent to Trendyol.
    pub stock_pushes: u64,
    pub stock_items_sent: u64,
}

/// The `webhook_processor` cron job: drains ready jobs within the run's limits.
pub async fn run(ctx: &JobContext) -> Result<JobOutcome> {
    process(ctx, Mode::Drain, &worker_id(), &|| false).await
}

/// Worker mode: processes jobs as they come until the deadline or until `stop()` says so
/// (the PHP worker's SIGTERM flag).
pub async fn work(
    ctx: &JobContext,
    worker: &str,
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<JobOutcome> {
    process(ctx, Mode::Wait, worker, stop).await
}

/// `host:pid`, the lease owner shown in the admin.
pub fn worker_id() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "localhost".into());
    format!("{host}:{}", std::process::id())
}

async fn process(
    ctx: &JobContext,
    mode: Mode,
    worker: &str,
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<JobOutcome> {
    let mut report = ProcessReport::default();
    if ctx.dry_run {
        // Claiming is a write; a dry run only says what is waiting.
        let stats = crate::queue::stats(&ctx.db).await?;
        return Ok(JobOutcome {
            finished: true,
            message: format!(
                "dry run: {} jobs ready, {} dead",
                stats.pending(),
                stats.dead()
            ),
            details: serde_json::json!({"pending": stats.pending(), "dead": stats.dead()}),
            ..JobOutcome::default()
        });
    }
    let mut import: Option<OrderImport> = None;
    let mut stopped = None;
    loop {
        if let Some(reason) = ctx.should_stop(STOP_RESERVE) {
            // In worker mode the deadline is the end of a normal run, not a stop.
            if mode == Mode::Drain || reason == StopReason::MemoryLimit {
                stopped = Some(reason);
            }
            break;
        }
        if stop() {
            break;
        }
        let lease = LEASE.min(ctx.time_left().max(Duration::from_secs(10)));
        let jobs = claim(&ctx.db, worker, lease, CLAIM_BATCH, None).await?;
        if jobs.is_empty() {
            match mode {
                Mode::Drain => break,
                Mode::Wait => {
                    // Ends early when the intake queues work (see queue::wake).
                    crate::queue::wake::wait(&ctx.db, IDLE_POLL.min(ctx.time_left())).await;
                    continue;
                }
            }
        }
        report.claimed += jobs.len() as u64;
        ctx.progress.advance(jobs.len() as u64);
        handle_batch(ctx, worker, jobs, &mut import, &mut report).await?;
    }
    let failed = report.dead;
    Ok(JobOutcome {
        items_ok: report.completed,
        items_failed: failed,
        finished: stopped.is_none(),
        stopped,
        message: format!(
            "{} jobs: {} done, {} retrying, {} dead; {} packages re-read, {} orders created, {} updated, {} pushes, {} stock items sent",
            report.claimed,
            report.completed,
            report.retrying,
            report.dead,
            report.packages_read,
            report.orders_created,
            report.orders_updated,
            report.pushes,
            report.stock_items_sent
        ),
        details: serde_json::to_value(&report).unwrap_or_default(),
    })
}

/// Payload fields of a package event.
fn package_of(job: &ClaimedJob) -> Option<u64> {
    job.payload
        .get("package_id")
        .and_then(|v| v.as_u64())
        .filter(|id| *id > 0)
}

fn is_package_event(kind: &JobKind) -> bool {
    matches!(
        kind,
        JobKind::Event(
            EventType::OrderCreated
                | EventType::OrderCancelled
                | EventType::OrderStatusChanged
                | EventType::ShipmentCreated
        )
    )
}

async fn handle_batch(
    ctx: &JobContext,
    worker: &str,
    jobs: Vec<ClaimedJob>,
    import: &mut Option<OrderImport>,
    report: &mut ProcessReport,
) -> Result<()> {
    // Stock first: it is one call for the whole batch, and every second it waits is a second
    // in which Trendyol sells stock the shop no longer has.
    let (stock_jobs, jobs): (Vec<ClaimedJob>, Vec<ClaimedJob>) =
        jobs.into_iter().partition(|j| j.kind == JobKind::StockPush);
    if !stock_jobs.is_empty() {
        handle_stock_pushes(ctx, stock_jobs, report).await?;
    }
    let (package_jobs, other_jobs): (Vec<ClaimedJob>, Vec<ClaimedJob>) =
        jobs.into_iter().partition(|j| is_package_event(&j.kind));
    if !package_jobs.is_empty() {
        if import.is_none() {
            *import = Some(OrderImport::prepare(&ctx.db, &ctx.settings).await?);
        }
        let import = import.as_ref().expect("prepared above");
        handle_package_events(ctx, worker, import, package_jobs, report).await?;
    }
    for job in other_jobs {
        let result = handle_other(ctx, &job, report).await;
        settle(&ctx.db, &job, result, report).await?;
    }
    Ok(())
}

/// Pushes the products of every stock push job in the batch at once (there is normally one:
/// events merge into the open job), then records the one outcome for each job.
async fn handle_stock_pushes(
    ctx: &JobContext,
    jobs: Vec<ClaimedJob>,
    report: &mut ProcessReport,
) -> Result<()> {
    let mut product_ids = Vec::new();
    let mut released = Vec::with_capacity(jobs.len());
    for job in jobs {
        match crate::queue::coalesce::release_slot(&ctx.db, &job).await {
            Ok(payload) => {
                product_ids.extend(stock_push::product_ids_of(&payload));
                released.push(job);
            }
            Err(e) => settle(&ctx.db, &job, Err(JobFailure::from(&e)), report).await?,
        }
    }
    if released.is_empty() {
        return Ok(());
    }
    product_ids.sort_unstable();
    product_ids.dedup();
    let outcome = match stock_push::push_products(ctx, &product_ids).await {
        Ok(sent) => {
            report.stock_pushes += 1;
            report.stock_items_sent += sent.items_sent;
            Ok(())
        }
        Err(e) => Err(JobFailure::from(&e)),
    };
    for job in released {
        settle(&ctx.db, &job, outcome.clone(), report).await?;
    }
    Ok(())
}

/// Between the chunks of a long batch of order imports: a sale made meanwhile has its stock
/// push waiting in the open job, and waiting for the whole batch would leave Trendyol selling
/// that stock for seconds. One lookup by the slot's unique key; the job is claimed by id.
async fn push_waiting_stock(
    ctx: &JobContext,
    worker: &str,
    report: &mut ProcessReport,
) -> Result<()> {
    let Some(id) = stock_push::open_job(&ctx.db, ctx.client.seller_id()).await? else {
        return Ok(());
    };
    let lease = LEASE.min(ctx.time_left().max(Duration::from_secs(10)));
    if let Some(job) = crate::queue::claim_by_id(&ctx.db, id, worker, lease).await? {
        report.claimed += 1;
        handle_stock_pushes(ctx, vec![job], report).await?;
    }
    Ok(())
}

/// Re-reads the packages of order events in batches and imports them; one result per job.
async fn handle_package_events(
    ctx: &JobContext,
    worker: &str,
    import: &OrderImport,
    jobs: Vec<ClaimedJob>,
    report: &mut ProcessReport,
) -> Result<()> {
    let mut by_package: HashMap<u64, Vec<ClaimedJob>> = HashMap::new();
    for job in jobs {
        match package_of(&job) {
            Some(id) => by_package.entry(id).or_default().push(job),
            None => {
                let e = Err(JobFailure::poison("the event names no package_id"));
                settle(&ctx.db, &job, e, report).await?;
            }
        }
    }
    let ids: Vec<u64> = by_package.keys().copied().collect();
    for (i, chunk) in ids.chunks(READ_BATCH).enumerate() {
        if i > 0 {
            push_waiting_stock(ctx, worker, report).await?;
        }
        let read = read_packages(&ctx.client, chunk).await;
        let packages = match read {
            Ok(p) => p,
            Err(e) => {
                // The whole chunk waits for the next attempt.
                for id in chunk {
                    for job in by_package.remove(id).unwrap_or_default() {
                        settle(&ctx.db, &job, Err(JobFailure::from(&e)), report).await?;
                    }
                }
                continue;
            }
        };
        report.packages_read += packages.len() as u64;
        let found: HashSet<u64> = packages
            .iter()
            .filter_map(|p| p.shipment_package_id)
            .collect();
        let results = import.import_each(packages).await;
        let results = match results {
            Ok(r) => r,
            Err(e) => {
                for id in chunk {
                    for job in by_package.remove(id).unwrap_or_default() {
                        settle(&ctx.db, &job, Err(JobFailure::from(&e)), report).await?;
                    }
                }
                continue;
            }
        };
        let mut settled = Vec::with_capacity(results.len());
        for (package_id, result) in results {
            let outcome = match result {
                Ok((crate::sync::orders::ImportOutcome::Created { .. }, _)) => {
                    report.orders_created += 1;
                    Ok(())
                }
                Ok((crate::sync::orders::ImportOutcome::Updated { .. }, _)) => {
                    report.orders_updated += 1;
                    Ok(())
                }
                Ok(_) => Ok(()),
                Err(e) => Err(JobFailure::from(&e)),
            };
            for job in by_package.remove(&package_id).unwrap_or_default() {
                settled.push((job, outcome.clone()));
            }
        }
        settle_all(&ctx.db, settled, report).await?;
        for id in chunk {
            if found.contains(id) {
                continue;
            }
            for job in by_package.remove(id).unwrap_or_default() {
                let e = JobFailure::transient(format!(
                    "Trendyol does not return package {id} (yet); the event is retried"
                ));
                settle(&ctx.db, &job, Err(e), report).await?;
            }
        }
    }
    Ok(())
}

async fn read_packages(
    client: &TrendyolClient,
    ids: &[u64],
) -> Result<Vec<trendyol_wire::ShipmentPackage>> {
    let page = client
        .orders(&OrdersQuery {
            shipment_package_ids: ids.to_vec(),
            size: Some(trendyol_wire::orders::MAX_PAGE_SIZE),
            ..OrdersQuery::default()
        })
        .await?;
    // An unreadable package is left out: its event waits and is retried like one not listed.
    for u in page.content.unreadable() {
        tracing::warn!("a Trendyol package could not be read: {u}");
    }
    Ok(page.content.into_vec())
}

async fn handle_other(
    ctx: &JobContext,
    job: &ClaimedJob,
    report: &mut ProcessReport,
) -> std::result::Result<(), JobFailure> {
    match &job.kind {
        JobKind::StatusPush => {
            let push: StatusPush = serde_json::from_value(job.payload.clone())
                .map_err(|e| JobFailure::poison(format!("unreadable status push: {e}")))?;
            if push.package_id == 0 {
                return Err(JobFailure::poison("the status push names no package"));
            }
            outbound::execute(&ctx.db, &ctx.client, &push)
                .await
                .map_err(|e| JobFailure::from(&e))?;
            report.pushes += 1;
            Ok(())
        }
        JobKind::QuestionAnswer => {
            let job: crate::sync::questions::answer::AnswerJob =
                serde_json::from_value(job.payload.clone())
                    .map_err(|e| JobFailure::poison(format!("unreadable answer job: {e}")))?;
            if job.question_id == 0 {
                return Err(JobFailure::poison("the answer job names no question"));
            }
            crate::sync::questions::answer::execute(&ctx.db, &ctx.client, &job)
                .await
                .map_err(|e| {
                    // Trendyol refused the answer, or closed the question: no retry helps.
                    if crate::sync::questions::answer::is_for_good(&e) {
                        JobFailure::poison(e.to_string())
                    } else {
                        JobFailure::from(&e)
                    }
                })?;
            report.answers += 1;
            Ok(())
        }
        // Produced by polling for the record and the admin; the work itself was done when the
        // event was found (the claim stored, the product's state written).
        JobKind::Event(
            EventType::ReturnInitiated
            | EventType::ProductApproved
            | EventType::ProductRejected
            | EventType::InventoryUpdated
            | EventType::PriceUpdated,
        ) => Ok(()),
        // The admin's manual sync buttons, under this run's deadline (see `manual`).
        JobKind::Run(button) => manual::run(ctx, job, *button, manual::Within::Processor).await,
        JobKind::Unknown(kind) => Err(JobFailure::poison(format!(
            "unknown job kind '{kind}' (written by a newer MesChain?)"
        ))),
        other => Err(JobFailure::poison(format!(
            "this processor cannot run '{}' jobs",
            other.as_str()
        ))),
    }
}

/// Why a job failed, classified for the queue.
#[derive(Debug, Clone)]
struct JobFailure {
    class: FailureClass,
    message: String,
    /// Refused before any call left the shop (see [`FailOptions::not_attempted`]).
    not_attempted: bool,
}

impl JobFailure {
    fn poison(message: impl Into<String>) -> JobFailure {
        JobFailure {
            class: FailureClass::Poison,
            message: message.into(),
            not_attempted: false,
        }
    }
    fn transient(message: impl Into<String>) -> JobFailure {
        JobFailure {
            class: FailureClass::Transient,
            message: message.into(),
            not_attempted: false,
        }
    }
}

impl From<&Error> for JobFailure {
    fn from(e: &Error) -> JobFailure {
        let class = match e {
            // Trendyol not knowing a package yet is worth a few more looks.
            Error::Api {
                class: ApiErrorClass::Permanent,
                status: None,
                ..
            } => FailureClass::Transient,
            other => FailureClass::of(other),
        };
        // No status: the shop's own rate limit or circuit breaker refused the call, so
        // Trendyol was never asked and the job has not really been tried.
        let not_attempted = matches!(
            e,
            Error::Api {
                class: ApiErrorClass::RateLimited | ApiErrorClass::CircuitOpen,
                status: None,
                ..
            }
        );
        JobFailure {
            class,
            message: e.to_string(),
            not_attempted,
        }
    }
}

/// Records many results: the successes together (see [`complete_many`]), each failure on
/// its own (a failure may dead-letter its job and raise an alert).
async fn settle_all(
    db: &Database,
    results: Vec<(ClaimedJob, std::result::Result<(), JobFailure>)>,
    report: &mut ProcessReport,
) -> Result<()> {
    let mut done = Vec::with_capacity(results.len());
    for (job, result) in results {
        match result {
            Ok(()) => done.push(job),
            Err(failure) => settle(db, &job, Err(failure), report).await?,
        }
    }
    let refs: Vec<&ClaimedJob> = done.iter().collect();
    let lost = complete_many(db, &refs).await?;
    report.completed += (done.len() - lost.len()) as u64;
    report.lease_lost += lost.len() as u64;
    Ok(())
}

async fn settle(
    db: &Database,
    job: &ClaimedJob,
    result: std::result::Result<(), JobFailure>,
    report: &mut ProcessReport,
) -> Result<()> {
    let recorded = match result {
        Ok(()) => complete(db, job).await.map(|()| {
            report.completed += 1;
        }),
        Err(failure) => fail_with(
            db,
            job,
            failure.class,
            &failure.message,
            &FailOptions {
                not_attempted: failure.not_attempted,
                ..FailOptions::default()
            },
        )
        .await
        .map(|o| match o {
            FailOutcome::Retrying { .. } => report.retrying += 1,
            FailOutcome::Dead => report.dead += 1,
        }),
    };
    match recorded {
        Ok(()) => Ok(()),
        Err(e) if e.is_lease_lost() => {
            report.lease_lost += 1;
            tracing::warn!(job = job.id, "lease lost before the result was recorded");
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}
