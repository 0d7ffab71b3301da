//! Running jobs: the contract (context, outcome), and the runs around it.
//!
//! - [`context`]: what a job gets and reports (the shared contract every job follows);
//! - [`jobs`]: job name → job function, switch and interval (from the registry, [`crate::jobs`]);
//! - [`lock`]: one database lease per job, shared across processes and hosts;
//! - [`status`]: how a run ended, the one list of run statuses;
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
pub mod status;
pub mod sync_log;

pub use context::{
    current_rss_bytes, peak_rss_bytes, JobContext, JobOutcome, Progress, StopReason,
};
pub use jobs::{job_names, JobFn, JobFuture};
pub use orchestrator::{run_tick, run_tick_with, TickReport};
pub use run::{run_job, run_job_with, run_within, RunOptions, RunReport};
pub use status::RunStatus;
