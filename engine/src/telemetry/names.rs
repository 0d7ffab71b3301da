//! The names of the log files: one per job, and one for everything outside a job.
//!
//! The subscriber's layer picks a file by these names and the rest of the engine (the monitor,
//! logrotate's list, the admin's log links) reads them, so they live on their own, below both.

/// The log file names, one per job of the registry (plus the monitor's).
pub fn job_log_names() -> impl Iterator<Item = &'static str> {
    crate::jobs::log_names()
}

/// Events outside any job span.
pub const DEFAULT_LOG_NAME: &str = "meschain";
