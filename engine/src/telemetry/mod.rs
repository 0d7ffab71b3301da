//! Telemetry: structured `tracing` events written to one log file per job, without secrets.
//!
//! Each cron job keeps a log file of its own in one directory
//! (`trendyol_sync.log`, `product_sync.log`, `order_sync.log`, `stock_sync.log`,
//! `webhook_processor.log`, `question_sync.log`, `monitor.log`). Every job run opens a `job` span
//! ([`job_span`]); the [`layer::JobFileLayer`] routes each event to the file of the job it
//! happened in (anything outside a job goes to `meschain.log`), formats it as one line, and
//! passes the line through [`redact`] before it touches the disk. Files are reopened when
//! logrotate moves them away, so rotation needs no signal.

pub mod layer;
mod names;
pub mod redact;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use tracing_subscriber::layer::SubscriberExt;

use layer::{JobFileLayer, LogSink};
pub use names::{job_log_names, DEFAULT_LOG_NAME};

fn sink() -> &'static LogSink {
    static SINK: OnceLock<LogSink> = OnceLock::new();
    SINK.get_or_init(LogSink::default)
}

/// Points logging at `dir` (created if missing) and installs the process-wide subscriber once.
///
/// Returns the directory actually used: when `dir` cannot be created or written (a shop that
/// has not run the setup script yet), logs go to `<tmp>/meschain-logs` instead of being lost,
/// and the caller reports the fallback.
pub fn init(dir: &Path, debug: bool) -> Result<PathBuf, (PathBuf, String)> {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        let subscriber = tracing_subscriber::registry().with(JobFileLayer::new(sink()));
        // Another subscriber (an embedding test binary) may already be global: ours then only
        // sees events where it is set as the default explicitly.
        let _ = tracing::subscriber::set_global_default(subscriber);
    });
    sink().set_debug(debug);
    match ensure_writable(dir) {
        Ok(()) => {
            sink().set_dir(dir.to_path_buf());
            Ok(dir.to_path_buf())
        }
        Err(reason) => {
            let fallback = std::env::temp_dir().join("meschain-logs");
            let _ = ensure_writable(&fallback);
            sink().set_dir(fallback.clone());
            Err((fallback, reason))
        }
    }
}

/// The directory logs currently go to, if logging was initialised.
pub fn current_dir() -> Option<PathBuf> {
    sink().dir()
}

fn ensure_writable(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let probe = dir.join(".meschain-write-test");
    std::fs::write(&probe, b"").map_err(|e| format!("cannot write in {}: {e}", dir.display()))?;
    let _ = std::fs::remove_file(probe);
    Ok(())
}

/// Opens the span that ties a job run's events to its log file.
///
/// `job` must be one of [`job_log_names`]; anything else is logged to the default file.
pub fn job_span(job: &str, run_id: u64) -> tracing::Span {
    tracing::info_span!("job", job = job, run_id = run_id)
}
