//! The table of jobs: name → the function that does the work, its on/off switch and interval.
//!
//! The names are the cron scripts (`product_sync.php` runs `product_sync`, ...). The
//! order of [`JOB_NAMES`] is the orchestrator's: orders first (customers wait on them), then the
//! webhook queue, stock, and products last (the longest and least urgent).

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use super::context::{JobContext, JobOutcome};
use crate::config::Settings;
use crate::error::{Error, Result};

/// What a job function returns: a future borrowing its context.
pub type JobFuture<'a> = Pin<Box<dyn Future<Output = Result<JobOutcome>> + Send + 'a>>;

/// A job: `async fn(&JobContext) -> Result<JobOutcome>`, boxed.
pub type JobFn = for<'a> fn(&'a JobContext) -> JobFuture<'a>;

/// Every job, in the orchestrator's order.
pub const JOB_NAMES: [&str; 4] = [
    "order_sync",
    "webhook_processor",
    "stock_sync",
    "product_sync",
];

/// The orchestrator's own name (its cron script and log file).
pub const ORCHESTRATOR: &str = "trendyol_sync";

/// Checks that `name` is a job, with an error that lists the jobs.
pub fn check_name(name: &str) -> Result<()> {
    if JOB_NAMES.contains(&name) {
        Ok(())
    } else {
        Err(Error::Config(format!(
            "unknown job {name:?}: the jobs are {}",
            JOB_NAMES.join(", ")
        )))
    }
}

/// The function that runs `name`.
pub fn job_fn(name: &str) -> Result<JobFn> {
    check_name(name)?;
    // Each arm boxes the job module's `run`.
    let found: Option<JobFn> = match name {
        "order_sync" => Some(|ctx| Box::pin(crate::sync::orders::run(ctx))),
        "webhook_processor" => Some(|ctx| Box::pin(crate::processor::run(ctx))),
        "stock_sync" => Some(|ctx| Box::pin(crate::sync::stock::run(ctx))),
        "product_sync" => Some(|ctx| Box::pin(crate::sync::products::run(ctx))),
        _ => None,
    };
    found.ok_or_else(|| {
        Error::Config(format!(
            "job {name} is not available in this build of the engine"
        ))
    })
}

/// The admin's per-job switch.
pub fn enabled(settings: &Settings, name: &str) -> bool {
    match name {
        "product_sync" => settings.product_sync,
        "order_sync" => settings.order_sync,
        "stock_sync" => settings.stock_sync,
        "webhook_processor" => settings.webhook_processing,
        _ => false,
    }
}

/// The admin's interval for `name`.
pub fn interval(settings: &Settings, name: &str) -> Duration {
    let minutes = match name {
        "product_sync" => settings.product_sync_interval,
        "order_sync" => settings.order_sync_interval,
        "stock_sync" => settings.stock_sync_interval,
        _ => settings.webhook_interval,
    };
    Duration::from_secs(u64::from(minutes) * 60)
}

/// How much earlier than its interval a job counts as due. Cron starts a job a little later on
/// one tick than on the next; without this slack a job whose cron schedule equals its interval
/// would be "not due yet" by a second and skip every other tick.
pub fn due_slack(interval: Duration) -> Duration {
    (interval / 10).min(Duration::from_secs(60))
}
