//! The `order_sync` job: read every package Trendyol changed since the last committed position
//! and import it.
//!
//! The window runs from the stream cursor's position minus an overlap (packages Trendyol
//! publishes late) to now; the first run reaches back `order_lookback_hours`. The window is cut
//! into time slices fetched concurrently (the shop-wide limiter paces them); each slice pages
//! through `orders/stream` with its `nextCursor`, reading the next page while the current one is
//! imported. The position advances to the end of the
//! longest run of slices, from the oldest, whose packages have all committed — so a run stopped
//! by its time limit, a crash or an API outage re-reads from there, and the repeated imports are
//! no-ops. If the stream endpoint refuses the request outright (not a 5xx or 429), the slice is
//! read from the order list instead.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use trendyol_wire::lenient::Lenient;
use trendyol_wire::ShipmentPackage;

use super::import::{ImportOutcome, Importer};
use super::products::ProductIndex;
use super::shop::ShopFacts;
use super::status_map::StatusMap;
use super::stock::StockMoves;
use crate::config::Settings;
use crate::db::Database;
use crate::error::{ApiErrorClass, Error, Result};
use crate::runner::{JobContext, JobOutcome};
use crate::sync::cursor;
use crate::trendyol::{OrderStreamQuery, OrdersQuery, TrendyolClient};

/// Largest page the stream and the list serve.
const PAGE_SIZE: u64 = trendyol_wire::orders::MAX_PAGE_SIZE;
/// Widest window one stream request may cover.
const MAX_SLICE_MS: i64 = trendyol_wire::orders::MAX_STREAM_WINDOW_MS;
/// Narrowest slice worth a request of its own.
const MIN_SLICE_MS: i64 = 15 * 60 * 1000;
/// Time kept back to commit the page in hand when the deadline nears.
const STOP_RESERVE: Duration = Duration::from_secs(2);

/// Counts of one import pass.
#[derive(Debug, Default, Clone, Serialize, PartialEq, Eq)]
pub struct ImportCounts {
    pub seen: u64,
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub failed: u64,
    pub unknown_lines: u64,
    pub stock_taken: i64,
    pub stock_released: i64,
    pub pages: u64,
    /// Refusals of malformed packages (first few), for the log.
    pub errors: Vec<String>,
}

impl ImportCounts {
    fn add(&mut self, other: ImportCounts) {
        self.seen += other.seen;
        self.created += other.created;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
        self.failed += other.failed;
        self.unknown_lines += other.unknown_lines;
        self.stock_taken += other.stock_taken;
        self.stock_released += other.stock_released;
        self.pages += other.pages;
        for e in other.errors {
            if self.errors.len() < 10 {
                self.errors.push(e);
            }
        }
    }
}

/// The packages of a page that could be read. Each one that could not — a field of a type the
/// documentation does not allow, a required id missing — is one failed package with a message
/// naming it and the field, in the run's errors and the log; the rest of the page is imported.
fn set_aside(counts: &mut ImportCounts, page: Lenient<ShipmentPackage>) -> Vec<ShipmentPackage> {
    let (packages, unreadable) = page.into_parts();
    for u in unreadable {
        tracing::warn!("a Trendyol package could not be read and was left out: {u}");
        counts.seen += 1;
        counts.failed += 1;
        if counts.errors.len() < 10 {
            counts.errors.push(format!("unreadable package, {u}"));
        }
    }
    packages
}

/// What an import needs, shared by the poll's tasks and the webhook processor.
#[derive(Clone)]
pub struct OrderImport {
    pub db: Database,
    pub settings: Arc<Settings>,
    pub importer: Importer,
    pub shop: Arc<ShopFacts>,
    /// Permits for connections held by import workers (see [`IMPORT_SESSIONS`]).
    sessions: Arc<Semaphore>,
}

/// At most this many connections held by import workers at once, whatever
/// `order_import_concurrency` says and however many slices import side by side: the pool has
/// 16, and the product lookups, the cursor and the job's own bookkeeping need theirs.
pub const IMPORT_SESSIONS: usize = 12;

/// Packages imported in one transaction (more when one order has more). Large enough that the
/// per-statement and per-commit costs vanish, small enough that a chunk's locks are held for
/// milliseconds and a chunk run again after a deadlock costs little.
pub const CHUNK_PACKAGES: usize = 50;

impl OrderImport {
    pub async fn prepare(db: &Database, settings: &Settings) -> Result<OrderImport> {
        let seller_id = settings.seller_id.ok_or_else(|| {
            Error::Config("the Trendyol seller id is not set (setting seller_id)".into())
        })?;
        let shop = Arc::new(ShopFacts::load(db, settings).await?);
        let statuses = Arc::new(StatusMap::load(db).await?);
        Ok(OrderImport {
            db: db.clone(),
            settings: Arc::new(settings.clone()),
            importer: Importer::new(db.clone(), seller_id, shop.clone(), statuses),
            shop,
            sessions: Arc::new(Semaphore::new(
                (settings.order_import_concurrency.max(1) as usize).min(IMPORT_SESSIONS),
            )),
        })
    }

    /// Imports `packages`: products resolved once, packages of one order in sequence, chunks of
    /// orders side by side (`order_import_concurrency` workers, each on one connection, each
    /// chunk one transaction). A refused (malformed) package is counted and skipped; a database
    /// failure fails the call.
    pub async fn import_all(&self, packages: Vec<ShipmentPackage>) -> Result<ImportCounts> {
        let mut counts = ImportCounts {
            seen: packages.len() as u64,
            ..ImportCounts::default()
        };
        for (_, result) in self.import_each(packages).await? {
            match result {
                Ok((outcome, moves)) => {
                    counts.stock_taken += moves.taken;
                    counts.stock_released += moves.released;
                    match outcome {
                        ImportOutcome::Created { unknown_lines, .. } => {
                            counts.created += 1;
                            counts.unknown_lines += u64::from(unknown_lines);
                        }
                        ImportOutcome::Updated { .. } => counts.updated += 1,
                        ImportOutcome::Unchanged { .. } => counts.unchanged += 1,
                    }
                }
                Err(Error::Config(reason)) => {
                    tracing::warn!("refused a Trendyol package: {reason}");
                    counts.failed += 1;
                    if counts.errors.len() < 10 {
                        counts.errors.push(reason);
                    }
                }
                Err(e) => return Err(e),
            }
        }
        Ok(counts)
    }

    /// Like [`OrderImport::import_all`], with each package's own result (keyed by its id, 0
    /// when it has none), for callers that settle one queue job per package.
    pub async fn import_each(
        &self,
        packages: Vec<ShipmentPackage>,
    ) -> Result<Vec<(u64, Result<(ImportOutcome, StockMoves)>)>> {
        if packages.is_empty() {
            return Ok(Vec::new());
        }
        let products = Arc::new(ProductIndex::resolve(&self.db, &self.settings, &packages).await?);
        // Packages of one order in arrival order, one after another; orders handed out to the
        // workers as they come free, so one slow order does not hold up a share of the page.
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut orders: Vec<Vec<ShipmentPackage>> = Vec::new();
        for package in packages {
            let number = package.order_number.clone().unwrap_or_default();
            let slot = *index.entry(number).or_insert_with(|| {
                orders.push(Vec::new());
                orders.len() - 1
            });
            orders[slot].push(package);
        }
        // Orders cut into chunks of about CHUNK_PACKAGES packages (an order is never split),
        // each imported in one transaction.
        let mut chunks: VecDeque<Vec<ShipmentPackage>> = VecDeque::new();
        for order in orders {
            match chunks.back_mut() {
                Some(chunk) if chunk.len() + order.len() <= CHUNK_PACKAGES => chunk.extend(order),
                _ => chunks.push_back(order),
            }
        }
        let workers = (self.settings.order_import_concurrency.max(1) as usize).min(chunks.len());
        let queue = Arc::new(Mutex::new(chunks));
        let mut tasks = JoinSet::new();
        for _ in 0..workers {
            let importer = self.importer.clone();
            let products = products.clone();
            let queue = queue.clone();
            let sessions = self.sessions.clone();
            tasks.spawn(async move {
                let mut results = Vec::new();
                // Every connection held for a run of imports, across pages and slices, takes a
                // permit: the pool always keeps connections for everything else.
                let Ok(_permit) = sessions.acquire().await else {
                    return results;
                };
                // One connection per worker, its statements prepared once for all its chunks;
                // the chunk drops it when a failure may have left it in an unknown state.
                let mut session = None;
                while let Some(chunk) = next_chunk(&queue) {
                    results.extend(importer.import_chunk(&mut session, &chunk, &products).await);
                }
                results
            });
        }
        let mut out = Vec::new();
        while let Some(joined) = tasks.join_next().await {
            match joined {
                Ok(results) => out.extend(results),
                Err(e) => return Err(Error::Internal(format!("an import task failed: {e}"))),
            }
        }
        Ok(out)
    }
}

/// The next chunk of a page's queue. The lock ends here, not with the caller's loop body.
fn next_chunk(queue: &Mutex<VecDeque<Vec<ShipmentPackage>>>) -> Option<Vec<ShipmentPackage>> {
    queue.lock().ok().and_then(|mut q| q.pop_front())
}

/// A time slice of the window; `end_ms` None: open-ended (the newest slice).
#[derive(Debug, Clone, Copy)]
struct Slice {
    start_ms: i64,
    end_ms: Option<i64>,
}

/// Cuts `start..end` into at most `parts` slices (each ≤ 14 days, ≥ 15 minutes), the newest
/// open-ended so a clock running behind Trendyol's misses nothing.
fn slices(start_ms: i64, end_ms: i64, parts: u32) -> Vec<Slice> {
    let span = (end_ms - start_ms).max(1);
    let mut count = i64::from(parts.max(1)).min((span / MIN_SLICE_MS).max(1));
    count = count.max((span + MAX_SLICE_MS - 1) / MAX_SLICE_MS);
    let width = (span + count - 1) / count;
    (0..count)
        .map(|i| {
            let s = start_ms + i * width;
            Slice {
                start_ms: s,
                end_ms: if i == count - 1 {
                    None
                } else {
                    Some(s + width)
                },
            }
        })
        .collect()
}

/// Why a slice did not finish.
enum SliceEnd {
    Done(ImportCounts),
    Stopped(ImportCounts),
}

/// The `order_sync` job.
pub async fn run(ctx: &JobContext) -> Result<JobOutcome> {
    let import = OrderImport::prepare(&ctx.db, &ctx.settings).await?;
    let now_ms = now_ms();
    let position = cursor::position(&ctx.db, cursor::ORDER_STREAM).await?;
    let start_ms = if position > 0 {
        position - i64::from(ctx.settings.order_overlap_minutes) * 60_000
    } else {
        now_ms - i64::from(ctx.settings.order_lookback_hours) * 3_600_000
    };
    let window = slices(start_ms, now_ms, ctx.settings.order_poll_concurrency);
    let concurrency = ctx.settings.order_poll_concurrency.max(1) as usize;
    let deadline = ctx.deadline;
    let memory_limit = ctx.memory_limit_bytes;
    let stop = move || should_stop(deadline, memory_limit);

    let mut tasks: JoinSet<(usize, Result<SliceEnd>)> = JoinSet::new();
    let mut next = 0;
    let mut results: BTreeMap<usize, Result<SliceEnd>> = BTreeMap::new();
    while next < window.len() || !tasks.is_empty() {
        while next < window.len() && tasks.len() < concurrency && !stop() {
            let slice = window[next];
            let client = ctx.client.clone();
            let import = import.clone();
            let dry_run = ctx.dry_run;
            let progress = ctx.progress.clone();
            let index = next;
            tasks.spawn(async move {
                let result = read_slice(&client, &import, slice, dry_run, stop, &progress).await;
                (index, result)
            });
            next += 1;
        }
        match tasks.join_next().await {
            Some(Ok((index, result))) => {
                results.insert(index, result);
            }
            Some(Err(e)) => return Err(Error::Internal(format!("an order poll task failed: {e}"))),
            None => break, // stopped before starting the remaining slices
        }
    }

    let mut counts = ImportCounts::default();
    let mut committed_to = None;
    let mut complete_prefix = true;
    let mut stopped = false;
    let mut first_error = None;
    for (index, slice) in window.iter().enumerate() {
        match results.remove(&index) {
            Some(Ok(SliceEnd::Done(c))) => {
                counts.add(c);
                if complete_prefix {
                    committed_to = Some(slice.end_ms.unwrap_or(now_ms));
                }
            }
            Some(Ok(SliceEnd::Stopped(c))) => {
                counts.add(c);
                complete_prefix = false;
                stopped = true;
            }
            Some(Err(e)) => {
                complete_prefix = false;
                first_error.get_or_insert(e);
            }
            None => {
                complete_prefix = false;
                stopped = true;
            }
        }
    }
    if let (Some(position), false) = (committed_to, ctx.dry_run) {
        cursor::advance(&ctx.db, cursor::ORDER_STREAM, position).await?;
    }
    if let Some(e) = first_error {
        return Err(e);
    }
    // Returns and the outbound backstop ride along with every order sync.
    let (claims, pushes) = if ctx.dry_run || stopped {
        (None, 0)
    } else {
        let seller = ctx.client.seller_id();
        let claims = crate::sync::claims::poll(
            &ctx.db,
            &ctx.client,
            ctx.settings.claims_lookback_days,
            now_ms,
        )
        .await?;
        let pushes = super::outbound::scan_for_pushes(&ctx.db, &ctx.settings, seller).await?;
        // A switched-off webhook is an alert, not a failure: the poll covers for it.
        if let Err(e) = crate::inbox::subscription::check(&ctx.db, &ctx.client).await {
            tracing::warn!("could not check the webhook subscription: {e}");
        }
        (Some(claims), pushes)
    };
    if !ctx.dry_run {
        raise_order_alerts(ctx, &import, &counts).await?;
    }
    let mut details = serde_json::to_value(&counts).unwrap_or_default();
    details["claims"] = serde_json::to_value(&claims).unwrap_or_default();
    details["pushes_queued"] = pushes.into();
    if let Some(warning) = &import.shop.currency_warning {
        details["currency_warning"] = warning.clone().into();
    }
    details["window_start_ms"] = start_ms.into();
    details["slices"] = window.len().into();
    Ok(JobOutcome {
        items_ok: counts.created + counts.updated + counts.unchanged,
        items_failed: counts.failed,
        finished: !stopped,
        stopped: if stopped {
            Some(ctx.should_stop(STOP_RESERVE).unwrap_or(crate::runner::StopReason::TimeLimit))
        } else {
            None
        },
        message: format!(
            "{} packages read: {} new orders, {} updated, {} unchanged, {} refused, {} unknown lines",
            counts.seen, counts.created, counts.updated, counts.unchanged, counts.failed, counts.unknown_lines
        ),
        details,
    })
}

/// What the shop owner must see on the dashboard: orders booked in a currency other than TRY,
/// order lines that match no product (their stock is not taken).
async fn raise_order_alerts(
    ctx: &JobContext,
    import: &OrderImport,
    counts: &ImportCounts,
) -> Result<()> {
    use crate::alerts::{raise, Alert, Severity};
    if let Some(warning) = &import.shop.currency_warning {
        raise(
            &ctx.db,
            &Alert {
                alert_type: "order_currency".into(),
                severity: Severity::Warning,
                title: "Trendyol orders are not booked in TRY".into(),
                message: warning.clone(),
                dedupe_key: "order_currency".into(),
            },
        )
        .await?;
    }
    if counts.unknown_lines > 0 {
        raise(
            &ctx.db,
            &Alert {
                alert_type: "unknown_products".into(),
                severity: Severity::Warning,
                title: "Trendyol order lines match no product".into(),
                message: format!(
                    "{} order line(s) imported in this run match no product of the shop by barcode \
                     or stock code; their stock was not taken. Check the barcode source setting and \
                     the products' barcodes (the order history names the package).",
                    counts.unknown_lines
                ),
                dedupe_key: "unknown_products".into(),
            },
        )
        .await?;
    }
    Ok(())
}

fn should_stop(deadline: Instant, memory_limit: u64) -> bool {
    if deadline.saturating_duration_since(Instant::now()) <= STOP_RESERVE {
        return true;
    }
    memory_limit > 0 && crate::runner::current_rss_bytes().is_some_and(|rss| rss > memory_limit)
}

/// Reads one slice page by page, importing each page before asking for the next.
async fn read_slice(
    client: &TrendyolClient,
    import: &OrderImport,
    slice: Slice,
    dry_run: bool,
    stop: impl Fn() -> bool,
    progress: &crate::runner::Progress,
) -> Result<SliceEnd> {
    let mut counts = ImportCounts::default();
    let mut query = OrderStreamQuery {
        size: Some(PAGE_SIZE),
        last_modified_start_date: Some(slice.start_ms),
        last_modified_end_date: slice.end_ms,
        ..OrderStreamQuery::default()
    };
    let mut prefetched = None;
    loop {
        if stop() {
            return Ok(SliceEnd::Stopped(counts));
        }
        let fetched = match prefetched.take() {
            Some(fetched) => fetched,
            None => client.orders_stream(&query).await,
        };
        let page = match fetched {
            Ok(page) => page,
            Err(Error::Api {
                class: ApiErrorClass::Permanent,
                status: Some(404 | 400 | 405 | 501),
                ..
            }) if query.next_cursor.is_none() => {
                return read_slice_from_list(
                    client, import, slice, dry_run, stop, progress, counts,
                )
                .await;
            }
            Err(e) => return Err(e),
        };
        counts.pages += 1;
        let n = page.content.len() as u64;
        let next_query = page
            .next_cursor
            .filter(|c| page.has_more && !c.is_empty())
            .map(|cursor| OrderStreamQuery {
                next_cursor: Some(cursor),
                ..query.clone()
            });
        // The next page is read while this one is imported: its cursor is already in hand, and
        // none of it is imported before this page has committed.
        let fetch_next = async {
            match &next_query {
                Some(next) if !stop() => Some(client.orders_stream(next).await),
                _ => None,
            }
        };
        if dry_run {
            counts.seen += n;
            prefetched = fetch_next.await;
        } else {
            let packages = set_aside(&mut counts, page.content);
            let (imported, next_page) = tokio::join!(import.import_all(packages), fetch_next);
            counts.add(imported?);
            prefetched = next_page;
        }
        progress.advance(n);
        match next_query {
            Some(next) => query = next,
            None => return Ok(SliceEnd::Done(counts)),
        }
    }
}

/// The fallback: the order list, sorted by last modification, page by page (≤ 10,000 results
/// per query window, so a crowded slice is halved until it fits).
async fn read_slice_from_list(
    client: &TrendyolClient,
    import: &OrderImport,
    slice: Slice,
    dry_run: bool,
    stop: impl Fn() -> bool,
    progress: &crate::runner::Progress,
    mut counts: ImportCounts,
) -> Result<SliceEnd> {
    let end_ms = slice.end_ms.unwrap_or_else(|| now_ms() + 3_600_000);
    let mut pending = vec![(slice.start_ms, end_ms)];
    while let Some((start, end)) = pending.pop() {
        let mut page = 0u64;
        loop {
            if stop() {
                return Ok(SliceEnd::Stopped(counts));
            }
            let query = OrdersQuery {
                start_date: Some(start),
                end_date: Some(end),
                page: Some(page),
                size: Some(PAGE_SIZE),
                order_by_field: Some("PackageLastModifiedDate".into()),
                order_by_direction: Some("ASC".into()),
                ..OrdersQuery::default()
            };
            let result = client.orders(&query).await?;
            if page == 0
                && result.total_elements > trendyol_wire::orders::MAX_PAGE_WINDOW
                && end - start > 60_000
            {
                let mid = start + (end - start) / 2;
                pending.push((mid, end));
                pending.push((start, mid));
                break;
            }
            counts.pages += 1;
            let n = result.content.len() as u64;
            if dry_run {
                counts.seen += n;
            } else {
                let packages = set_aside(&mut counts, result.content);
                counts.add(import.import_all(packages).await?);
            }
            progress.advance(n);
            page += 1;
            if page >= result.total_pages || n == 0 {
                break;
            }
        }
    }
    Ok(SliceEnd::Done(counts))
}

pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_cover_the_window_and_the_last_is_open() {
        let day = 86_400_000;
        let s = slices(0, 3 * day, 4);
        assert_eq!(s.len(), 4);
        assert_eq!(s[0].start_ms, 0);
        assert!(s.last().unwrap().end_ms.is_none());
        for pair in s.windows(2) {
            assert_eq!(pair[0].end_ms, Some(pair[1].start_ms));
        }
        // A window wider than 14 days needs more slices than asked for.
        assert!(slices(0, 40 * day, 1).len() >= 3);
        // A short window is not cut into tiny slices.
        assert_eq!(slices(0, 10 * 60_000, 8).len(), 1);
    }
}
