//! What every job gets to work with, and what it reports back.
//!
//! A job (`product_sync`, `order_sync`, `stock_sync`, `webhook_processor`) is an async function
//! `fn(&JobContext) -> Result<JobOutcome>`. The runner builds the context — the shop's database,
//! validated settings, a Trendyol client bounded by the run's deadline and counting into the
//! run's own metrics — and turns the outcome into a `trendyol_sync_logs` row. Jobs never decide
//! how long they may run: they ask [`JobContext::should_stop`] between units of work (a page, a
//! batch, a package) and return a [`JobOutcome`] with `finished: false` when told to stop, so
//! the next run resumes where this one left off.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::config::Settings;
use crate::db::Database;
use crate::trendyol::{CallMetrics, TrendyolClient};

/// Everything a job run needs.
pub struct JobContext {
    pub db: Database,
    pub settings: Settings,
    /// Bounded by [`JobContext::deadline`]; counts into [`JobContext::metrics`].
    pub client: TrendyolClient,
    pub metrics: Arc<CallMetrics>,
    /// When the run must have stopped (the max execution time from settings, or the caller's).
    pub deadline: Instant,
    /// Resident memory above which the run stops cleanly (the memory limit from settings).
    pub memory_limit_bytes: u64,
    /// Read and compute everything, write nothing (neither to Trendyol nor to OpenCart).
    pub dry_run: bool,
    /// The `trendyol_sync_logs` id of this run (0 when run outside the runner, e.g. in tests).
    pub run_id: u64,
    /// `cron`, `manual`, `worker`, `admin`, `test`.
    pub trigger: String,
    /// Where progress goes (the CLI's `--verbose`, the admin's progress bar).
    pub progress: Progress,
}

impl JobContext {
    /// A context outside the runner (tests, one-off tools): no sync-log row, the given budget.
    pub fn standalone(
        db: Database,
        settings: Settings,
        client: TrendyolClient,
        budget: Duration,
    ) -> JobContext {
        let metrics = Arc::new(CallMetrics::new());
        let deadline = Instant::now() + budget;
        JobContext {
            client: client.with_deadline(deadline).with_metrics(metrics.clone()),
            memory_limit_bytes: settings.memory_limit_bytes,
            db,
            settings,
            metrics,
            deadline,
            dry_run: false,
            run_id: 0,
            trigger: "test".into(),
            progress: Progress::default(),
        }
    }

    /// Time left before the deadline (zero once past it).
    pub fn time_left(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }

    /// Why the job must stop now, if it must: the deadline is within `reserve` (time to finish
    /// the unit of work in hand and commit), or memory is over the limit.
    pub fn should_stop(&self, reserve: Duration) -> Option<StopReason> {
        if self.time_left() <= reserve {
            return Some(StopReason::TimeLimit);
        }
        if self.memory_limit_bytes > 0 {
            if let Some(rss) = current_rss_bytes() {
                if rss > self.memory_limit_bytes {
                    return Some(StopReason::MemoryLimit);
                }
            }
        }
        None
    }
}

/// Why a run stopped before it was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    TimeLimit,
    MemoryLimit,
    /// Trendyol's quota (429s) left no room before the deadline; the next run resumes.
    RateLimit,
}

/// What a job run did. Counters are items (products, packages, stock lines, queue jobs), not
/// API calls — those come from the run's [`CallMetrics`].
#[derive(Debug, Clone, Default, Serialize)]
pub struct JobOutcome {
    pub items_ok: u64,
    pub items_failed: u64,
    /// False when the run stopped early (see `stopped`); the next run resumes.
    pub finished: bool,
    pub stopped: Option<StopReason>,
    /// One line for the log table and the admin ("312 packages imported, 2 unknown barcodes").
    pub message: String,
    /// Job-specific figures, kept as JSON in the sync-log row.
    pub details: serde_json::Value,
}

/// Live progress counters a job bumps as it goes; the runner reads them for the CLI and admin.
#[derive(Debug, Clone, Default)]
pub struct Progress {
    inner: Arc<ProgressCounters>,
}

#[derive(Debug, Default)]
struct ProgressCounters {
    done: AtomicU64,
    total: AtomicU64,
}

impl Progress {
    pub fn set_total(&self, total: u64) {
        self.inner.total.store(total, Ordering::Relaxed);
    }
    pub fn advance(&self, n: u64) {
        self.inner.done.fetch_add(n, Ordering::Relaxed);
    }
    /// `(done, total)`; total 0 means unknown.
    pub fn get(&self) -> (u64, u64) {
        (
            self.inner.done.load(Ordering::Relaxed),
            self.inner.total.load(Ordering::Relaxed),
        )
    }
}

/// This process's resident set size, from `/proc/self/statm` (Linux); `None` elsewhere.
pub fn current_rss_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * page_size())
}

/// Peak resident set size of this process (`VmHWM`), Linux only.
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn page_size() -> u64 {
    // Every Linux target this extension builds for uses 4 KiB pages.
    4096
}
