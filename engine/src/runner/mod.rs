//! Running jobs: the contract (context, outcome), and the runs around it.
//!
//! - [`context`]: what a job gets and reports (the shared contract every job follows);
//! - [`jobs`]: the table job name → job function, switch and interval;
//! - [`lock`]: one database lease per job, shared across processes and hosts;
//! - [`sync_log`]: the `trendyol_sync_logs` row of each run;
//! - [`run`](mod@run): [`run_job`], one run from switches to lock release;
//! - [`orchestrator`]: `trendyol_sync`, every due job per tick;
//! - [`maintenance`]: old rows out, `OPTIMIZE TABLE` on the sync tables.

pub mod context;
pub mod jobs;
pub mod lock;
pub mod maintenance;
pub mod orchestrator;
pub mod run;
pub mod sync_log;

pub use context::{
    current_rss_bytes, peak_rss_bytes, JobContext, JobOutcome, Progress, StopReason,
};
pub use jobs::{JobFn, JobFuture, JOB_NAMES};
pub use orchestrator::{run_tick, run_tick_with, TickReport};
pub use run::{run_job, run_job_with, run_within, RunOptions, RunReport};
pub use sync_log::RunStatus;
