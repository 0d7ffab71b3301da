//! The registries as one document for PHP (`\MesChain\Engine::registry()`) and the tools: the
//! scheduled jobs, the manual sync buttons, the run statuses, the settings and their groups.
//!
//! The admin pages loop over this instead of keeping their own lists of job names, statuses
//! and setting kinds, and the test that walks the language files, cron scripts and packaged
//! files reads it too — so every copy is checked against the one the engine runs by.

use serde_json::{json, Value};

use crate::config::settings::{self, SETTING_CODE, SPECS};
use crate::jobs::{Interval, JOBS};
use crate::queue::ManualJob;
use crate::runner::RunStatus;

/// The whole registry document.
pub fn registry() -> Value {
    let jobs: Vec<Value> = JOBS
        .iter()
        .map(|job| {
            let (setting, fixed) = match job.interval {
                Interval::Setting(name) => (Some(name), None),
                Interval::Minutes(m) => (None, Some(m)),
            };
            json!({
                "name": job.name,
                "role": job.role,
                "label_key": job.label_key(),
                "switch": job.switch,
                "interval_setting": setting,
                "interval_minutes": fixed,
                "schedule": job.schedule,
                "cron_minutes": job.cron_minutes(),
                "tick": job.tick,
                "manual": job.manual,
                "lock": job.lock_name(),
                "cron_script": job.cron_script(),
                "log_file": job.log_file(),
                "purpose": job.purpose,
            })
        })
        .collect();
    let manual: Vec<Value> = ManualJob::ALL
        .iter()
        .map(|job| {
            json!({
                "name": job.name(),
                "priority": job.priority(),
                "label_key": format!("button_sync_{}", job.name()),
            })
        })
        .collect();
    let statuses: Vec<Value> = RunStatus::ALL
        .iter()
        .map(|status| {
            json!({
                "name": status.as_str(),
                "stored": status.stored(),
                "label_key": status.label_key(),
                "badge": status.badge(),
            })
        })
        .collect();
    let settings: Vec<Value> = SPECS
        .iter()
        .map(|spec| {
            json!({
                "name": spec.name,
                "key": format!("{SETTING_CODE}_{}", spec.name),
                "group": spec.group,
                "default": spec.default,
                "allowed": spec.allowed,
                "secret": spec.secret,
                "input": spec.input,
                "choices": (spec.choices)(),
                "min_length": settings::min_chars(spec.name),
            })
        })
        .collect();
    json!({
        "jobs": jobs,
        "manual_jobs": manual,
        "run_statuses": statuses,
        "settings": settings,
        "setting_groups": settings::GROUPS,
        "log_names": crate::jobs::log_names().collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_lists_every_job_status_and_setting() {
        let doc = registry();
        assert_eq!(doc["jobs"].as_array().unwrap().len(), JOBS.len());
        assert_eq!(
            doc["run_statuses"].as_array().unwrap().len(),
            RunStatus::ALL.len()
        );
        assert_eq!(doc["settings"].as_array().unwrap().len(), SPECS.len());
        assert_eq!(doc["jobs"][0]["cron_script"], "cron/trendyol_sync.php");
        assert_eq!(doc["run_statuses"][1]["name"], "ok");
        assert_eq!(doc["manual_jobs"][5]["name"], "full_sync");
    }
}
