//! The jobs the runner runs: name → the function that does the work, and the switch and interval
//! the job registry ([`crate::jobs`]) names for it.
//!
//! The names are the cron scripts (`product_sync.php` runs `product_sync`, ...); their order in
//! a tick is the registry's.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use super::context::{JobContext, JobOutcome};
use crate::config::Settings;
use crate::error::{Error, Result};
use crate::jobs::{JobSpec, Role};

/// What a job function returns: a future borrowing its context.
pub type JobFuture<'a> = Pin<Box<dyn Future<Output = Result<JobOutcome>> + Send + 'a>>;

/// A job: `async fn(&JobContext) -> Result<JobOutcome>`, boxed.
pub type JobFn = for<'a> fn(&'a JobContext) -> JobFuture<'a>;

/// Every sync job, in the orchestrator's order (see [`crate::jobs::JobSpec::tick`]).
pub fn job_names() -> Vec<&'static str> {
    crate::jobs::tick_order()
}

/// The sync job called `name`, with an error that lists the jobs.
pub fn check_name(name: &str) -> Result<&'static JobSpec> {
    match crate::jobs::find(name) {
        Some(job) if job.role == Role::Sync => Ok(job),
        _ => Err(Error::Config(format!(
            "unknown job {name:?}: the jobs are {}",
            job_names().join(", ")
        ))),
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
        "question_sync" => Some(|ctx| Box::pin(crate::sync::questions::run(ctx))),
        _ => None,
    };
    found.ok_or_else(|| {
        Error::Config(format!(
            "job {name} is not available in this build of the engine"
        ))
    })
}

/// The admin's per-job switch (`status` is checked by the runner on its own).
pub fn enabled(settings: &Settings, name: &str) -> bool {
    crate::jobs::find(name).is_some_and(|job| job.switched_on(settings))
}

/// The admin's interval for `name`.
pub fn interval(settings: &Settings, name: &str) -> Duration {
    let minutes = crate::jobs::find(name).map_or(settings.webhook_interval, |job| {
        job.interval_minutes(settings)
    });
    Duration::from_secs(u64::from(minutes) * 60)
}

/// How much earlier than its interval a job counts as due. Cron starts a job a little later on
/// one tick than on the next; without this slack a job whose cron schedule equals its interval
/// would be "not due yet" by a second and skip every other tick.
pub fn due_slack(interval: Duration) -> Duration {
    (interval / 10).min(Duration::from_secs(60))
}
