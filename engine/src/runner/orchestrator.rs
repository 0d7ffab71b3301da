//! `trendyol_sync`: the orchestrator cron runs every 15 minutes.
//!
//! Each tick it runs every job that is switched on and due by its interval, one after the other
//! in the registry's order ([`crate::jobs::tick_order`]), within one shared time budget (the max
//! execution time), then runs the alert checks and mails what is due. The per-job guarantees
//! come from [`run_job`]: the job's database lease means two orchestrators (two hosts, or a slow
//! tick overlapping the next) never run a job twice at once, and the due check made under that
//! lock means the second one skips a job the first has just finished.
//!
//! A tick is a run of its own too: it writes a `trendyol_sync_logs` row (sync type
//! `trendyol_sync`) through [`sync_log`], like every job, so the Monitoring tab can tell when
//! cron last ticked even when nothing was due. The row sums what the tick's runs did and names
//! each job with what became of it. Ticks take no lock of their own — a slow tick must not hold
//! back the next one's orders — so a tick whose process died is closed as abandoned by the next
//! tick instead ([`sync_log::abandon_orphans`]). A tick that does nothing at all because
//! MesChain is switched off, and a dry run, leave no row, as a skipped job leaves none.

use std::time::{Duration, Instant};

use serde::Serialize;
use tracing::Instrument;

use super::context::peak_rss_bytes;
use super::jobs::{self, JobFn};
use super::lock;
use super::run::{run_job_with, RunOptions, RunReport};
use super::sync_log::{self, RunStatus, RunSummary};
use crate::alerts;
use crate::error::Result;
use crate::shop::Shop;
use crate::telemetry;

/// What one orchestrator tick did.
#[derive(Debug, Clone, Serialize)]
pub struct TickReport {
    pub job: &'static str,
    /// The worst status among the runs (`failed` > `partial` > `locked` > `ok` > `skipped`).
    pub status: RunStatus,
    /// The tick's own `trendyol_sync_logs` row; 0 when none was written (switched off, dry run).
    pub sync_log_id: u64,
    pub runs: Vec<RunReport>,
    pub alerts_raised: u64,
    pub mails_sent: u64,
    pub duration_ms: u64,
    pub finished: bool,
    pub message: String,
}

/// One tick with the jobs of this build.
pub async fn run_tick(engine: &Shop, options: &RunOptions) -> Result<TickReport> {
    run_tick_with(engine, options, |name| jobs::job_fn(name)).await
}

/// One tick, looking jobs up with `lookup` (tests supply their own job functions).
pub async fn run_tick_with(
    engine: &Shop,
    options: &RunOptions,
    lookup: impl Fn(&str) -> Result<JobFn>,
) -> Result<TickReport> {
    let span = telemetry::job_span(crate::jobs::orchestrator().name, 0);
    tick(engine, options, lookup).instrument(span).await
}

async fn tick(
    engine: &Shop,
    options: &RunOptions,
    lookup: impl Fn(&str) -> Result<JobFn>,
) -> Result<TickReport> {
    let started = Instant::now();
    let settings = engine.settings().await?;
    let budget = options
        .max_duration
        .unwrap_or(Duration::from_secs(settings.max_execution_time.into()));
    let deadline = started + budget;
    let mut runs = Vec::new();
    let switched_off = !settings.status && !options.force;
    let run_id = if switched_off || options.dry_run {
        0
    } else {
        let db = engine.database()?;
        let host = lock::hostname();
        if let Err(e) =
            sync_log::abandon_orphans(&db, crate::jobs::orchestrator().name, &host).await
        {
            tracing::warn!("closing the rows of ticks that died failed: {e}");
        }
        sync_log::start(
            &db,
            crate::jobs::orchestrator().name,
            &options.trigger,
            &host,
        )
        .await?
    };
    if switched_off {
        tracing::info!("skipped: the cron system is switched off (Status)");
    } else {
        for name in jobs::job_names() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left < Duration::from_secs(1) {
                tracing::warn!("the time budget is spent; {name} waits for the next tick");
                break;
            }
            let job = match lookup(name) {
                Ok(job) => job,
                Err(e) => {
                    tracing::warn!("{name} cannot run: {e}");
                    runs.push(RunReport::failed_to_start(name, e.to_string()));
                    continue;
                }
            };
            let job_options = RunOptions {
                max_duration: Some(left),
                trigger: options.trigger.clone(),
                ..options.clone()
            };
            match run_job_with(engine, name, job, &job_options).await {
                Ok(report) => runs.push(report),
                // A database failure in one job's bookkeeping must not stop the others.
                Err(e) => {
                    tracing::error!("{name} could not be run: {e}");
                    runs.push(RunReport::failed_to_start(name, e.to_string()))
                }
            }
        }
    }
    let (alerts_raised, mails_sent) = if options.dry_run {
        (0, 0)
    } else {
        let db = engine.database()?;
        let raised = match alerts::run_checks(&db, &settings).await {
            Ok(n) => n,
            Err(e) => {
                tracing::warn!("the alert checks failed: {e}");
                0
            }
        };
        let sent = match alerts::notify(&db, &settings).await {
            Ok(report) => report.sent,
            Err(e) => {
                tracing::warn!("sending alert e-mail failed: {e}");
                0
            }
        };
        (raised, sent)
    };
    let status = worst(&runs);
    let finished = runs.iter().all(|r| r.status != RunStatus::Partial);
    let message = if runs.is_empty() {
        "nothing run (switched off or out of time)".to_string()
    } else {
        runs.iter()
            .map(|r| format!("{} {}", r.job, r.status))
            .collect::<Vec<_>>()
            .join(", ")
    };
    tracing::info!(status = %status, alerts_raised, mails_sent, "tick done: {message}");
    let duration_ms = started.elapsed().as_millis() as u64;
    if run_id > 0 {
        let summary = summary(&runs, &message, duration_ms, alerts_raised, mails_sent);
        sync_log::finish(&engine.database()?, run_id, stored_status(&runs), &summary).await?;
    }
    Ok(TickReport {
        job: crate::jobs::orchestrator().name,
        status,
        sync_log_id: run_id,
        runs,
        alerts_raised,
        mails_sent,
        duration_ms,
        finished,
        message,
    })
}

/// What the tick's own row says: its runs summed, and each run in `details`.
fn summary(
    runs: &[RunReport],
    message: &str,
    duration_ms: u64,
    alerts_raised: u64,
    mails_sent: u64,
) -> RunSummary {
    let sum = |f: fn(&RunReport) -> u64| runs.iter().map(f).sum();
    let failures: Vec<String> = runs
        .iter()
        .filter(|r| r.status == RunStatus::Failed)
        .map(|r| format!("{}: {}", r.job, r.message))
        .collect();
    RunSummary {
        duration_ms,
        peak_memory_bytes: peak_rss_bytes().unwrap_or(0),
        items_ok: sum(|r| r.items_ok),
        items_failed: sum(|r| r.items_failed),
        api_calls: sum(|r| r.api_calls),
        api_errors: sum(|r| r.api_errors),
        message: message.to_string(),
        error: (!failures.is_empty()).then(|| failures.join("\n")),
        details: serde_json::json!({
            "runs": runs.iter().map(|r| serde_json::json!({
                "job": r.job,
                "status": r.status,
                "sync_log_id": r.sync_log_id,
                "items_ok": r.items_ok,
                "items_failed": r.items_failed,
                "api_calls": r.api_calls,
                "duration_ms": r.duration_ms,
                "message": r.message,
            })).collect::<Vec<_>>(),
            "alerts_raised": alerts_raised,
            "mails_sent": mails_sent,
        }),
    }
}

/// The tick's status as a stored run: `failed` or `partial` when one of its runs was, `ok`
/// otherwise. A job that was skipped (not due) or locked (another tick has it) is the tick
/// working as it should; `skipped` and `locked` are never stored.
fn stored_status(runs: &[RunReport]) -> RunStatus {
    match worst(runs) {
        RunStatus::Failed | RunStatus::Abandoned => RunStatus::Failed,
        RunStatus::Partial => RunStatus::Partial,
        _ => RunStatus::Ok,
    }
}

fn worst(runs: &[RunReport]) -> RunStatus {
    let rank = |s: RunStatus| match s {
        RunStatus::Failed | RunStatus::Abandoned => 4,
        RunStatus::Partial => 3,
        RunStatus::Locked => 2,
        RunStatus::Ok | RunStatus::Running => 1,
        RunStatus::Skipped => 0,
    };
    runs.iter()
        .map(|r| r.status)
        .max_by_key(|s| rank(*s))
        .unwrap_or(RunStatus::Skipped)
}
