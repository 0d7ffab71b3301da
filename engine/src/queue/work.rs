//! Claim one job, run it, record the outcome: the smallest possible worker step.
//!
//! The processor (a loop with a deadline, metrics and per-kind handlers) is built on this; tests
//! and one-off tools use it directly. A handler that may outlive its lease should call
//! [`extend_lease`](super::extend_lease()) itself — the result of a handler that ran past its
//! lease is refused, and the job runs again.

use std::future::Future;
use std::time::Duration;

use super::claim::{claim, ClaimedJob};
use super::complete::{complete, fail, FailOutcome, FailureClass};
use super::QueueError;
use crate::db::Database;
use crate::error::{Error, Result};

/// Why a handler failed, and how to treat it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobError {
    pub class: FailureClass,
    pub message: String,
}

impl JobError {
    pub fn new(class: FailureClass, message: impl Into<String>) -> JobError {
        JobError {
            class,
            message: message.into(),
        }
    }
}

impl From<Error> for JobError {
    fn from(e: Error) -> JobError {
        JobError::new(FailureClass::of(&e), e.to_string())
    }
}

/// What [`work_once`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkOutcome {
    /// Nothing was ready.
    Idle,
    Completed {
        id: u64,
    },
    Failed {
        id: u64,
        outcome: FailOutcome,
    },
    /// The handler finished after its lease ended; its outcome was not recorded.
    LeaseLost {
        id: u64,
    },
}

/// Claims the next job (any priority) for `lease`, runs `handler` on it, and records success or
/// failure under the lease.
pub async fn work_once<F, Fut>(
    db: &Database,
    worker_id: &str,
    lease: Duration,
    handler: F,
) -> Result<WorkOutcome>
where
    F: FnOnce(ClaimedJob) -> Fut,
    Fut: Future<Output = std::result::Result<(), JobError>>,
{
    let Some(job) = claim(db, worker_id, lease, 1, None).await?.pop() else {
        return Ok(WorkOutcome::Idle);
    };
    let id = job.id;
    let recorded = match handler(job.clone()).await {
        Ok(()) => complete(db, &job)
            .await
            .map(|()| WorkOutcome::Completed { id }),
        Err(e) => fail(db, &job, e.class, &e.message)
            .await
            .map(|outcome| WorkOutcome::Failed { id, outcome }),
    };
    match recorded {
        Ok(outcome) => Ok(outcome),
        Err(QueueError::LeaseLost { .. }) => Ok(WorkOutcome::LeaseLost { id }),
        Err(QueueError::Engine(e)) => Err(e),
    }
}
