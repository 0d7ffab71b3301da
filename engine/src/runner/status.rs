//! How a run ended: the one list of run statuses, as the `status` column of
//! `trendyol_sync_logs` stores them, the cron scripts turn them into exit codes, the metrics
//! label them and the admin shows them (label `text_status_<status>`, and the badge colour).
//!
//! The admin reads this list through `\MesChain\Engine::registry()`, so a status cannot be
//! spelled two ways (`ok` here, `success` there) again.

use serde::Serialize;

/// How a run ended, as stored in the `status` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    /// In progress (or its process died: see `abandoned`).
    Running,
    /// Finished its work.
    Ok,
    /// Stopped by the time or memory limit; the next run resumes.
    Partial,
    /// Failed with an error.
    Failed,
    /// Its process died; closed by the run that took the lock over.
    Abandoned,
    /// Not run: switched off or not due (never stored).
    Skipped,
    /// Not run: another run holds the job's lock (never stored).
    Locked,
}

impl RunStatus {
    pub const ALL: [RunStatus; 7] = [
        RunStatus::Running,
        RunStatus::Ok,
        RunStatus::Partial,
        RunStatus::Failed,
        RunStatus::Abandoned,
        RunStatus::Skipped,
        RunStatus::Locked,
    ];

    /// The ends a stored run can have (not `running`, and not the runs that did not happen).
    pub const COMPLETED: [RunStatus; 4] = [
        RunStatus::Ok,
        RunStatus::Partial,
        RunStatus::Failed,
        RunStatus::Abandoned,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Running => "running",
            RunStatus::Ok => "ok",
            RunStatus::Partial => "partial",
            RunStatus::Failed => "failed",
            RunStatus::Abandoned => "abandoned",
            RunStatus::Skipped => "skipped",
            RunStatus::Locked => "locked",
        }
    }

    /// Reads a stored status.
    pub fn parse(text: &str) -> Option<RunStatus> {
        RunStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Whether a sync-log row can hold it (`skipped` and `locked` runs did not happen).
    pub fn stored(self) -> bool {
        !matches!(self, RunStatus::Skipped | RunStatus::Locked)
    }

    /// The admin's translation key for it.
    pub fn label_key(self) -> String {
        format!("text_status_{}", self.as_str())
    }

    /// The admin's badge colour (Bootstrap classes): green done, yellow cut short, red wrong.
    pub fn badge(self) -> &'static str {
        match self {
            RunStatus::Running => "bg-info text-dark",
            RunStatus::Ok => "bg-success",
            RunStatus::Partial => "bg-warning text-dark",
            RunStatus::Failed | RunStatus::Abandoned => "bg-danger",
            RunStatus::Skipped | RunStatus::Locked => "bg-secondary",
        }
    }
}

impl std::fmt::Display for RunStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_reads_back_and_the_completed_ones_are_stored() {
        for status in RunStatus::ALL {
            assert_eq!(RunStatus::parse(status.as_str()), Some(status));
            assert_eq!(
                serde_json::to_value(status).unwrap(),
                serde_json::Value::from(status.as_str())
            );
        }
        assert!(RunStatus::COMPLETED.iter().all(|s| s.stored()));
        assert_eq!(RunStatus::parse("success"), None);
    }
}
