//! The admin's sync buttons as queue jobs (`run:<job>`, [`ManualJob`]): each job is a run of its
//! own through [`run_within`] — the job's lock, its sync-log row with the trigger `admin`, its
//! alerts — and the run's outcome is the queue job's, which the admin's page polls.
//!
//! Two roads lead here. The processor meets such a job among those it claims (a cron
//! `webhook_processor` run, a worker) and runs it in line ([`run`]). Or the click itself starts
//! it ([`start`]): the request that queued the job claims that very job by id and runs it in the
//! background of its own process, so a button works with no cron and no worker running. Either
//! way the queue's lease covers the run — a heartbeat extends it while the run works — and if
//! the process dies, the lease runs out and a worker or cron takes the job over like any other.
//!
//! The job switches (`order_sync`, `webhook_processing`, …) and intervals govern automatic runs
//! only: a button is the owner asking for this run now, and [`run_within`] runs it whatever they
//! say. The Status switch — MesChain as a whole — is checked before a button's job is queued or
//! started (see [`crate::admin::manual_sync`]).

use std::future::Future;
use std::time::Duration;

use mysql_async::prelude::*;
use serde::Serialize;

use super::{settle, worker_id, JobFailure, ProcessReport, LEASE};
use crate::db::Database;
use crate::error::{Error, Result};
use crate::queue::{claim_by_id, extend_lease, ClaimedJob, JobKind, JobStatus, ManualJob};
use crate::runner::{run_within, JobContext, RunStatus};

/// Where a manual job runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Within {
    /// Among the jobs of a processor run.
    Processor,
    /// In a task of its own, started by the click.
    Task,
}

/// The job runs a manual job stands for.
fn job_names(job: ManualJob, within: Within) -> Vec<&'static str> {
    match job {
        ManualJob::FullSync => vec!["order_sync", "stock_sync", "product_sync"],
        // Inside the processor, the processor's own run is the processing asked for.
        ManualJob::WebhookProcessor if within == Within::Processor => Vec::new(),
        other => vec![other.name()],
    }
}

/// Runs the manual job `job` (claimed as `claimed`) under `ctx`'s deadline, keeping the queue
/// job's lease while it works. A cron run of the same job in progress holds the job's lock: the
/// button's job then fails as transient, waits, and tries again after it.
pub(super) async fn run(
    ctx: &JobContext,
    claimed: &ClaimedJob,
    job: ManualJob,
    within: Within,
) -> std::result::Result<(), JobFailure> {
    let _heartbeat = keep_lease(ctx.db.clone(), claimed.clone());
    run_jobs(ctx, job, within).await
}

async fn run_jobs(
    ctx: &JobContext,
    job: ManualJob,
    within: Within,
) -> std::result::Result<(), JobFailure> {
    for name in job_names(job, within) {
        let job = crate::runner::jobs::job_fn(name).map_err(|e| JobFailure::from(&e))?;
        let (run, error) = run_within(ctx, name, job, "admin")
            .await
            .map_err(|e| JobFailure::from(&e))?;
        tracing::info!(
            job = name,
            sync_log_id = run.sync_log_id,
            "manual run: {}",
            run.message
        );
        // A failed run always carries its error: the queue classifies it as before.
        if let Some(e) = error {
            return Err(JobFailure::from(&e));
        }
        if run.status == RunStatus::Locked {
            return Err(JobFailure::transient(format!(
                "{name} is running already ({}); the manual run follows it",
                run.message
            )));
        }
        if !run.finished {
            return Err(JobFailure::transient(format!(
                "{name} stopped before it was done ({}); it continues on the next attempt",
                run.message
            )));
        }
    }
    Ok(())
}

/// Stops the heartbeat when dropped: when the run ends, and also when it panics or its future
/// is cancelled (a processor run cut off at its time limit), so a lease is never kept alive for
/// a run that is gone.
struct Heartbeat(tokio::task::JoinHandle<()>);

impl Drop for Heartbeat {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Extends the queue job's lease every third of it while the returned heartbeat lives. A run
/// is far longer than a lease; without this the job would be reaped mid-run and run again by
/// another worker.
fn keep_lease(db: Database, mut job: ClaimedJob) -> Heartbeat {
    let lease = job.lease;
    Heartbeat(tokio::spawn(async move {
        loop {
            tokio::time::sleep((lease / 3).max(Duration::from_millis(200))).await;
            match extend_lease(&db, &mut job, lease).await {
                Ok(()) => {}
                Err(e) if e.is_lease_lost() => {
                    tracing::warn!(queue_id = job.id, "the manual job's lease was lost: {e}");
                    return;
                }
                Err(e) => tracing::warn!(queue_id = job.id, "extending the lease failed: {e}"),
            }
        }
    }))
}

/// What [`start`] did, as `Engine::startJob()` answers it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Started {
    /// True when this call started the job.
    pub started: bool,
    pub queue_id: u64,
    /// The queue job's status after the call (`running` once started).
    pub status: String,
    /// Why, as a stable word: `started`, `already_running`, `finished` or `not_manual`.
    pub reason: &'static str,
    /// The same in a sentence, for a log or a tooltip.
    pub message: String,
    /// Who holds the job (`host:pid`) while it runs.
    pub worker: Option<String>,
}

/// Starts the queued manual job `queue_id` now: claims exactly that job (if it is pending and
/// claimed by nobody — one waiting for a retry included, as the click asks for it now) and runs
/// it in a task of its own on the current runtime, recording done or failed under its lease as
/// the processor does. Returns at once. A job that is running (here or in another process) or
/// finished is left as it is, and the answer says so.
///
/// `context` makes the run's context, and is awaited only when the job can be started — so a
/// missing credential is reported for a job that would run, and nothing is claimed then. The
/// context belongs to the run: its pool and client are the task's own, closed when the run
/// ends, so nothing the caller closes afterwards (the PHP request's engine) cuts the run short.
pub async fn start(
    db: &Database,
    queue_id: u64,
    context: impl Future<Output = Result<JobContext>>,
) -> Result<Started> {
    let job = match QueueRow::read(db, queue_id).await?.startable(queue_id) {
        Ok(job) => job,
        Err(not_started) => return Ok(not_started),
    };
    let ctx = context.await?;
    let claimed = match claim_by_id(db, queue_id, &worker_id(), LEASE).await {
        Ok(Some(claimed)) => claimed,
        Ok(None) => {
            close(ctx).await;
            // Someone else claimed it a moment ago.
            let state = QueueRow::read(db, queue_id).await?;
            return Ok(state.startable(queue_id).err().unwrap_or_else(|| Started {
                started: false,
                queue_id,
                status: state.status.clone(),
                reason: "already_running",
                message: format!("queue job {queue_id} is being claimed by another process"),
                worker: None,
            }));
        }
        Err(e) => {
            close(ctx).await;
            return Err(e);
        }
    };
    let answer = Started {
        started: true,
        queue_id,
        status: JobStatus::Running.to_string(),
        reason: "started",
        message: format!("{} started on {}", job.name(), claimed.lease_owner),
        worker: Some(claimed.lease_owner.clone()),
    };
    tracing::info!(
        queue_id,
        job = job.name(),
        "manual sync started by its click"
    );
    tokio::spawn(async move {
        let result = run(&ctx, &claimed, job, Within::Task).await;
        let mut report = ProcessReport::default();
        if let Err(e) = settle(&ctx.db, &claimed, result, &mut report).await {
            tracing::error!(queue_id, "recording the manual job's outcome failed: {e}");
        }
        close(ctx).await;
    });
    Ok(answer)
}

/// What [`start`] needs to know of a queue row before claiming it.
struct QueueRow {
    kind: String,
    status: String,
    worker: String,
    /// Its lease has not run out (a running job whose lease has is claimed again).
    lease_live: bool,
}

impl QueueRow {
    /// A configuration error naming `queue_id` when there is no such job, as the progress call
    /// answers.
    async fn read(db: &Database, queue_id: u64) -> Result<QueueRow> {
        let sql = format!(
            "SELECT event_type, status, lease_owner, COALESCE(lease_expires_at > NOW(3), 0) \
             FROM {} WHERE queue_id = ?",
            db.table(crate::queue::TABLE)
        );
        let row: Option<(String, String, String, bool)> = db
            .timed("reading a queue job", async {
                let mut conn = db.conn().await?;
                conn.exec_first(sql.as_str(), (queue_id,))
                    .await
                    .map_err(Error::db("reading a queue job"))
            })
            .await?;
        let (kind, status, worker, lease_live) =
            row.ok_or_else(|| crate::admin::bad("queue_id", format!("no queue job {queue_id}")))?;
        Ok(QueueRow {
            kind,
            status,
            worker,
            lease_live,
        })
    }

    /// The manual job to start, or the answer saying why it cannot be started now.
    fn startable(&self, queue_id: u64) -> std::result::Result<ManualJob, Started> {
        let answer = |reason, message: String, worker: Option<&str>| Started {
            started: false,
            queue_id,
            status: self.status.clone(),
            reason,
            message,
            worker: worker.map(str::to_string),
        };
        let JobKind::Run(job) = JobKind::parse(&self.kind) else {
            return Err(answer(
                "not_manual",
                format!("queue job {queue_id} ({}) is not a manual sync", self.kind),
                None,
            ));
        };
        match JobStatus::parse(&self.status) {
            Some(JobStatus::Running) if self.lease_live => Err(answer(
                "already_running",
                format!("queue job {queue_id} is running already on {}", self.worker),
                Some(&self.worker),
            )),
            // Its worker died: the claim reaps the lease and takes the job.
            Some(JobStatus::Running | JobStatus::Pending) => Ok(job),
            _ => Err(answer(
                "finished",
                format!("queue job {queue_id} is {} already", self.status),
                None,
            )),
        }
    }
}

/// Closes the run's own pool, once its client (whose limiter shares the pool) is gone.
async fn close(ctx: JobContext) {
    let db = ctx.db.clone();
    drop(ctx);
    db.close().await;
}
