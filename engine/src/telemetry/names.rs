//! The names of the log files: one per job, and one for everything outside a job.
//!
//! The subscriber's layer picks a file by these names and the rest of the engine (the monitor,
//! logrotate's list, the admin's log links) reads them, so they live on their own, below both.

/// The log file names, one per job (plus the monitor's).
pub const JOB_LOG_NAMES: &[&str] = &[
    "trendyol_sync",
    "product_sync",
    "order_sync",
    "stock_sync",
    "webhook_processor",
    "maintenance",
    "monitor",
];

/// Events outside any job span.
pub const DEFAULT_LOG_NAME: &str = "meschain";
