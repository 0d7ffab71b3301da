//! One job run from start to end: switches, lock, sync-log row, context, limits, alerts.
//!
//! [`run_job`] is what every entry point calls — the cron scripts, the orchestrator and the
//! worker; [`run_within`] is the same run started from a job's context (the queue processor, or
//! the task a click starts, running an admin's "sync now" button). In order it:
//!
//! 1. reads the settings and honours the Status switch and the job's own switch (unless forced);
//! 2. takes the job's database lease ([`super::lock`]) — another holder means `locked`, not a
//!    wait — and, under the lock, checks that the job is due by its interval (unless forced), so
//!    two orchestrators started at once run each job once;
//! 3. writes the `running` sync-log row and ties it to the lock, so a run that crashes is closed
//!    as abandoned by whoever takes the lock over after its lease;
//! 4. builds the [`JobContext`] — a Trendyol client bounded by the run's deadline and counting
//!    into fresh metrics — and runs the job while a heartbeat renews the lease;
//! 5. completes the row (duration, peak memory, items, API calls and errors, details), raises
//!    alerts for a failure or auth errors, mails what is due, and releases the lock.
//!
//! The deadline is the max execution time from settings (or the caller's). A job stops itself
//! in time by asking [`JobContext::should_stop`]; one that does not is cut off a grace period
//! later and the run fails — cancelling the future drops its open transaction, so nothing is
//! half-written.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use tracing::Instrument;

use super::context::{peak_rss_bytes, JobContext, JobOutcome, Progress};
use super::jobs::{self, JobFn};
use super::lock::{self, Acquire, JobLock};
use super::sync_log::{self, RunStatus, RunSummary};
use crate::alerts::{self, Alert, Severity};
use crate::db::Database;
use crate::error::{ApiErrorClass, Error, Result};
use crate::shop::Shop;
use crate::telemetry;
use crate::trendyol::{CallMetrics, TrendyolClient};

/// How a run was asked for.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Read and compute, write nothing: no lock, no sync-log row, no alert, no change anywhere.
    pub dry_run: bool,
    /// Overrides the max execution time from settings.
    pub max_duration: Option<Duration>,
    /// `cron`, `manual`, `worker`, `admin`, `test`.
    pub trigger: String,
    /// Run even if switched off or not due (the admin's "sync now").
    pub force: bool,
    /// Overrides the lock lease from settings (`job_lock_lease`).
    pub lock_lease: Option<Duration>,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            dry_run: false,
            max_duration: None,
            trigger: "manual".into(),
            force: false,
            lock_lease: None,
        }
    }
}

/// What a run did, as PHP's `Engine::run()` returns it.
#[derive(Debug, Clone, Serialize)]
pub struct RunReport {
    pub job: String,
    pub status: RunStatus,
    /// 0 when no row was written (skipped, locked, dry run).
    pub sync_log_id: u64,
    pub items_ok: u64,
    pub items_failed: u64,
    pub api_calls: u64,
    pub api_errors: u64,
    pub duration_ms: u64,
    pub peak_memory_bytes: u64,
    /// False when the run stopped early (limit, failure); the next run resumes.
    pub finished: bool,
    pub message: String,
}

impl RunReport {
    /// A job that could not be run at all (unknown, or its bookkeeping failed): no row, no time.
    pub fn failed_to_start(job: &str, message: String) -> RunReport {
        RunReport {
            job: job.to_string(),
            status: RunStatus::Failed,
            sync_log_id: 0,
            items_ok: 0,
            items_failed: 0,
            api_calls: 0,
            api_errors: 0,
            duration_ms: 0,
            peak_memory_bytes: 0,
            finished: false,
            message,
        }
    }

    fn not_run(job: &str, status: RunStatus, message: String, started: Instant) -> RunReport {
        RunReport {
            job: job.to_string(),
            status,
            sync_log_id: 0,
            items_ok: 0,
            items_failed: 0,
            api_calls: 0,
            api_errors: 0,
            duration_ms: started.elapsed().as_millis() as u64,
            peak_memory_bytes: peak_rss_bytes().unwrap_or(0),
            finished: false,
            message,
        }
    }
}

/// Runs the job called `name` (see [`jobs::job_names`]).
pub async fn run_job(engine: &Shop, name: &str, options: &RunOptions) -> Result<RunReport> {
    jobs::check_name(name)?;
    // A job missing from this build still runs through the runner (switches, lock, log row,
    // alert), and fails there with a clear message.
    let job = jobs::job_fn(name).unwrap_or(unavailable_job);
    run_job_with(engine, name, job, options).await
}

fn unavailable_job(_ctx: &JobContext) -> jobs::JobFuture<'_> {
    Box::pin(async {
        Err(Error::Config(
            "this job is not available in this build of the engine".into(),
        ))
    })
}

/// Runs `job` under the name `name`: the runner around any job function (tests pass their own).
pub async fn run_job_with(
    engine: &Shop,
    name: &str,
    job: JobFn,
    options: &RunOptions,
) -> Result<RunReport> {
    let span = telemetry::job_span(name, 0);
    run_inner(engine, name, job, options).instrument(span).await
}

/// Runs `job` as a run of its own within `ctx` (a running job's, or a task's own): an admin's
/// "sync now". It takes the job's own lock, so it never runs beside a cron run of the same job
/// (the report says `locked` instead), and writes its own sync-log row and API counters; it
/// uses `ctx`'s database, settings and Trendyol client, and ends by `ctx`'s deadline. Switches
/// and intervals are not consulted: a button is a forced run. The error that failed the run, if one did, comes back beside the report, for
/// the caller to classify.
pub async fn run_within(
    ctx: &JobContext,
    name: &str,
    job: JobFn,
    trigger: &str,
) -> Result<(RunReport, Option<Error>)> {
    let options = RunOptions {
        dry_run: ctx.dry_run,
        max_duration: Some(ctx.time_left()),
        trigger: trigger.to_string(),
        force: true,
        lock_lease: None,
    };
    let client = Client::Given(&ctx.client);
    let executed = run_with(&client, &ctx.db, ctx.settings.clone(), name, job, &options)
        .instrument(telemetry::job_span(name, 0))
        .await?;
    Ok((executed.report, executed.error))
}

/// Where a run's Trendyol client comes from.
enum Client<'a> {
    /// The engine's cached client, built (or rebuilt) from the current settings.
    Shop(&'a Shop),
    /// A running job's client.
    Given(&'a TrendyolClient),
}

impl Client<'_> {
    async fn get(&self) -> Result<TrendyolClient> {
        match self {
            Client::Shop(engine) => engine.trendyol().await,
            Client::Given(client) => Ok((*client).clone()),
        }
    }
}

/// A run's report, and the error that failed it (if one did).
struct Executed {
    report: RunReport,
    error: Option<Error>,
}

impl From<RunReport> for Executed {
    fn from(report: RunReport) -> Executed {
        Executed {
            report,
            error: None,
        }
    }
}

async fn run_inner(
    engine: &Shop,
    name: &str,
    job: JobFn,
    options: &RunOptions,
) -> Result<RunReport> {
    let settings = engine.settings().await?;
    let db = engine.database()?;
    let executed = run_with(&Client::Shop(engine), &db, settings, name, job, options).await?;
    Ok(executed.report)
}

async fn run_with(
    client: &Client<'_>,
    db: &Database,
    settings: crate::config::Settings,
    name: &str,
    job: JobFn,
    options: &RunOptions,
) -> Result<Executed> {
    let started = Instant::now();
    if !options.force {
        if !settings.status {
            let msg = "skipped: the cron system is switched off (Status)".to_string();
            tracing::info!("{msg}");
            return Ok(RunReport::not_run(name, RunStatus::Skipped, msg, started).into());
        }
        if !jobs::enabled(&settings, name) {
            let msg = format!("skipped: {name} is switched off in the settings");
            tracing::info!("{msg}");
            return Ok(RunReport::not_run(name, RunStatus::Skipped, msg, started).into());
        }
    }
    let budget = options
        .max_duration
        .unwrap_or(Duration::from_secs(settings.max_execution_time.into()));
    let deadline = started + budget;

    if options.dry_run {
        if let Some(msg) = not_due(db, &settings, name, options).await? {
            tracing::info!("dry run: {msg}");
            return Ok(RunReport::not_run(name, RunStatus::Skipped, msg, started).into());
        }
        return execute(
            client, db, settings, name, job, options, deadline, 0, started,
        )
        .await;
    }

    let lease = options
        .lock_lease
        .unwrap_or(Duration::from_secs(settings.job_lock_lease.into()));
    let holder = lock::holder_name();
    let (lock, taken_over) = match lock::acquire(db, name, &holder, lease).await? {
        Acquire::Acquired { lock, taken_over } => (lock, taken_over),
        Acquire::Held {
            holder,
            expires_in_ms,
        } => {
            let msg = format!(
                "locked: another run of {name} holds the lock ({holder}, lease ends in {} s)",
                (expires_in_ms.max(0) + 999) / 1000
            );
            tracing::info!("{msg}");
            return Ok(RunReport::not_run(name, RunStatus::Locked, msg, started).into());
        }
    };
    let outcome = run_locked(
        client, db, settings, name, job, options, deadline, started, &lock, taken_over,
    )
    .await;
    if let Err(e) = lock::release(db, &lock).await {
        tracing::warn!("releasing the lock of {name} failed (its lease will expire): {e}");
    }
    outcome
}

#[allow(clippy::too_many_arguments)]
async fn run_locked(
    client: &Client<'_>,
    db: &Database,
    settings: crate::config::Settings,
    name: &str,
    job: JobFn,
    options: &RunOptions,
    deadline: Instant,
    started: Instant,
    lock: &JobLock,
    taken_over: Option<lock::TakenOver>,
) -> Result<Executed> {
    if let Some(previous) = &taken_over {
        tracing::warn!(
            "took over the lock of {name} from {} whose lease expired (crashed or killed)",
            previous.holder
        );
        if previous.sync_log_id > 0 {
            let reason = format!(
                "the run's process stopped renewing its lock (crashed or killed); \
                 its lease expired and {} took the job over",
                lock.holder
            );
            sync_log::abandon(db, previous.sync_log_id, &reason).await?;
        }
        alerts::raise(
            db,
            &Alert {
                alert_type: "sync_error".into(),
                severity: Severity::Warning,
                title: format!("{name}: a run died without finishing"),
                message: format!(
                    "The run of {name} by {} stopped renewing its lock and was taken over after \
                     its lease ran out. Its work resumes in this run; check the PHP error log and \
                     memory limit of that host.",
                    previous.holder
                ),
                dedupe_key: format!("crashed.{name}"),
            },
        )
        .await?;
    }
    if let Some(msg) = not_due(db, &settings, name, options).await? {
        tracing::info!("{msg}");
        return Ok(RunReport::not_run(name, RunStatus::Skipped, msg, started).into());
    }
    let host = lock::hostname();
    let run_id = sync_log::start(db, name, &options.trigger, &host).await?;
    lock::attach_run(db, lock, run_id).await?;

    // The heartbeat keeps the lease while the job works; it stops with the run.
    let lost = Arc::new(AtomicBool::new(false));
    let heartbeat = {
        let db = db.clone();
        let lock = lock.clone();
        let lost = lost.clone();
        let every = (lock.lease / 3).max(Duration::from_millis(200));
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                match lock::renew(&db, &lock).await {
                    Ok(true) => {}
                    Ok(false) => {
                        lost.store(true, Ordering::Relaxed);
                        tracing::error!("the lock of {} was lost: its lease expired", lock.job);
                        return;
                    }
                    Err(e) => tracing::warn!("renewing the lock of {} failed: {e}", lock.job),
                }
            }
        })
    };
    let executed = execute(
        client, db, settings, name, job, options, deadline, run_id, started,
    )
    .instrument(telemetry::job_span(name, run_id))
    .await;
    heartbeat.abort();
    let mut executed = executed?;
    if lost.load(Ordering::Relaxed) {
        executed.report.message = format!(
            "{} (the lock's lease was lost during the run)",
            executed.report.message
        );
    }
    Ok(executed)
}

/// `Some(reason)` when the job ran successfully less than its interval ago.
async fn not_due(
    db: &Database,
    settings: &crate::config::Settings,
    name: &str,
    options: &RunOptions,
) -> Result<Option<String>> {
    if options.force {
        return Ok(None);
    }
    let interval = jobs::interval(settings, name);
    let Some(age) = sync_log::since_last_success(db, name).await? else {
        return Ok(None);
    };
    if age + jobs::due_slack(interval) >= interval {
        return Ok(None);
    }
    Ok(Some(format!(
        "skipped: {name} is not due (last finished run started {} s ago, interval {} min)",
        age.as_secs(),
        interval.as_secs() / 60
    )))
}

/// Builds the context, runs the job under its deadline, records and alerts.
#[allow(clippy::too_many_arguments)]
async fn execute(
    client: &Client<'_>,
    db: &Database,
    settings: crate::config::Settings,
    name: &str,
    job: JobFn,
    options: &RunOptions,
    deadline: Instant,
    run_id: u64,
    started: Instant,
) -> Result<Executed> {
    let metrics = Arc::new(CallMetrics::new());
    let alert_settings = settings.clone();
    let result: Result<JobOutcome> = match client.get().await {
        Err(e) => Err(e),
        Ok(client) => {
            let ctx = JobContext {
                client: client.with_deadline(deadline).with_metrics(metrics.clone()),
                memory_limit_bytes: settings.memory_limit_bytes,
                db: db.clone(),
                settings,
                metrics: metrics.clone(),
                deadline,
                dry_run: options.dry_run,
                run_id,
                trigger: options.trigger.clone(),
                progress: Progress::default(),
            };
            tracing::info!(
                trigger = %options.trigger,
                dry_run = options.dry_run,
                budget_s = ctx.time_left().as_secs(),
                "{name} started"
            );
            let budget = deadline.saturating_duration_since(started);
            let grace = (budget / 10).clamp(Duration::from_secs(1), Duration::from_secs(30));
            match tokio::time::timeout_at((deadline + grace).into(), job(&ctx)).await {
                Ok(result) => result,
                Err(_) => Err(Error::Timeout {
                    what: format!("{name} (it did not stop by itself at its time limit)"),
                    after: budget + grace,
                }),
            }
        }
    };
    let snapshot = metrics.snapshot();
    let auth_errors = snapshot.errors_by_class().get("auth").copied().unwrap_or(0);
    let (status, outcome, error) = match result {
        Ok(outcome) if outcome.finished => (RunStatus::Ok, outcome, None),
        Ok(outcome) => (RunStatus::Partial, outcome, None),
        Err(e) => (RunStatus::Failed, JobOutcome::default(), Some(e)),
    };
    let message = match (&error, outcome.message.is_empty()) {
        (Some(e), _) => telemetry::redact::scrub(&e.to_string()),
        (None, false) => outcome.message.clone(),
        (None, true) => format!(
            "{} items ok, {} failed",
            outcome.items_ok, outcome.items_failed
        ),
    };
    let message = match (status, outcome.stopped) {
        (RunStatus::Partial, Some(reason)) => format!(
            "{message} (stopped by the {}; the next run resumes)",
            match reason {
                super::StopReason::TimeLimit => "time limit",
                super::StopReason::MemoryLimit => "memory limit",
                super::StopReason::RateLimit => "Trendyol rate limit",
            }
        ),
        _ => message,
    };
    let summary = RunSummary {
        duration_ms: started.elapsed().as_millis() as u64,
        peak_memory_bytes: peak_rss_bytes().unwrap_or(0),
        items_ok: outcome.items_ok,
        items_failed: outcome.items_failed,
        api_calls: snapshot.calls,
        api_errors: snapshot.failed,
        message: message.clone(),
        error: error
            .as_ref()
            .map(|e| telemetry::redact::scrub(&e.to_string())),
        details: serde_json::json!({
            "job": outcome.details,
            "stopped": outcome.stopped,
            "dry_run": options.dry_run,
            "api": snapshot,
        }),
    };
    match status {
        RunStatus::Failed => tracing::error!(
            duration_ms = summary.duration_ms,
            "{name} failed: {message}"
        ),
        _ => tracing::info!(
            status = %status,
            duration_ms = summary.duration_ms,
            items_ok = summary.items_ok,
            items_failed = summary.items_failed,
            api_calls = summary.api_calls,
            api_errors = summary.api_errors,
            peak_memory_bytes = summary.peak_memory_bytes,
            "{name} finished: {message}"
        ),
    }
    if options.dry_run {
        return Ok(Executed {
            report: report(name, status, 0, &summary, outcome.finished),
            error,
        });
    }
    sync_log::finish(db, run_id, status, &summary).await?;
    if let Err(e) = crate::metrics::counters::add(db, &snapshot).await {
        tracing::warn!("adding the run's API counters failed: {e}");
    }

    let is_auth = matches!(
        &error,
        Some(Error::Api {
            class: ApiErrorClass::Auth,
            ..
        })
    );
    if is_auth || auth_errors > 0 {
        alerts::raise(
            db,
            &Alert {
                alert_type: "auth_failure".into(),
                severity: Severity::Critical,
                title: "Trendyol refused MesChain's credentials".into(),
                message: format!(
                    "{name} got {} authentication error(s) from the Trendyol API (HTTP 401/403). \
                     Check the API key, secret and seller id in Extensions > MesChain; \
                     Trendyol also answers 403 to a blocked IP address.",
                    auth_errors.max(1)
                ),
                dedupe_key: "auth.api".into(),
            },
        )
        .await?;
    } else if let (Some(e), true) = (&error, alert_settings.alert_on_error) {
        alerts::raise(
            db,
            &Alert {
                alert_type: "sync_error".into(),
                severity: Severity::Error,
                title: format!("{name} failed"),
                message: format!(
                    "The {name} run #{run_id} failed: {}",
                    telemetry::redact::scrub(&e.to_string())
                ),
                dedupe_key: format!("sync_error.{name}"),
            },
        )
        .await?;
    }
    if status == RunStatus::Partial && outcome.stopped == Some(super::StopReason::RateLimit) {
        behind_for_quota(db, name, &alert_settings).await?;
    }
    // Whatever the job or the queue raised during the run goes out now, within the throttle.
    if let Err(e) = alerts::notify(db, &alert_settings).await {
        tracing::warn!("sending alert e-mail failed: {e}");
    }
    Ok(Executed {
        report: report(name, status, run_id, &summary, outcome.finished),
        error,
    })
}

/// A run stopped by Trendyol's quota is normal once (the next run resumes); a job that has not
/// finished a run for three of its intervals is behind, and the owner hears of it. A job that
/// never finished one counts from its first run.
async fn behind_for_quota(
    db: &Database,
    name: &str,
    settings: &crate::config::Settings,
) -> Result<()> {
    let interval = jobs::interval(settings, name).max(Duration::from_secs(60));
    let age = match sync_log::since_last_success(db, name).await? {
        Some(age) => Some(age),
        None => sync_log::since_first_run(db, name).await?,
    };
    let behind = age.is_some_and(|age| age > interval * 3);
    if !behind {
        return Ok(());
    }
    alerts::raise(
        db,
        &Alert {
            alert_type: "rate_limited".into(),
            severity: Severity::Warning,
            title: format!("{name} is behind: Trendyol's rate limit"),
            message: format!(
                "{name} has not finished a run for more than {} minutes: each run stops when \
                 Trendyol answers 429 (too many requests) and the next one resumes. Check whether \
                 another integration uses the same Trendyol account.",
                (interval * 3).as_secs() / 60
            ),
            dedupe_key: format!("rate_limited.{name}"),
        },
    )
    .await
    .map(|_| ())
}

fn report(
    name: &str,
    status: RunStatus,
    run_id: u64,
    summary: &RunSummary,
    finished: bool,
) -> RunReport {
    RunReport {
        job: name.to_string(),
        status,
        sync_log_id: run_id,
        items_ok: summary.items_ok,
        items_failed: summary.items_failed,
        api_calls: summary.api_calls,
        api_errors: summary.api_errors,
        duration_ms: summary.duration_ms,
        peak_memory_bytes: summary.peak_memory_bytes,
        finished: finished && status == RunStatus::Ok,
        message: summary.message.clone(),
    }
}
