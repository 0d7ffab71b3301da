//! The registry of scheduled jobs: each one's name, role, switch and interval settings, cron
//! schedule, place in the orchestrator's tick and purpose — written once, here.
//!
//! A job's name is its lock, its sync-log `sync_type`, its log file (`<name>.log`), its cron
//! script (`cron/<name>.php`) and its admin label (`text_job_<name>`), so everything else is
//! derived from this table: the runner's lookup, the orchestrator's order, the dashboard's
//! schedule, the crontab block, the packaged cron file (`meschain-tool cron-file`), the log
//! names, and — through `\MesChain\Engine::registry()` — the admin pages. A test walks the
//! copies that cannot read it (language files, cron scripts, shell scripts, README) and fails
//! when one disagrees.
//!
//! Adding a job is one line in [`JOBS`], its function in `runner::jobs::job_fn`, its cron
//! script and its translations.

use serde::Serialize;

use crate::config::Settings;

/// What a job is to the scheduler.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A sync job: switched and spaced by its settings, run by the orchestrator's tick too.
    Sync,
    /// `trendyol_sync`: the tick that runs every due sync job.
    Orchestrator,
    /// The daily clean-up: no switch, no lock of its own, runs even when MesChain is off.
    Maintenance,
}

/// How often a job is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interval {
    /// The whole-minutes setting of this name.
    Setting(&'static str),
    /// Fixed by its crontab line.
    Minutes(u32),
}

/// One scheduled job.
#[derive(Debug, Clone, Copy)]
pub struct JobSpec {
    pub name: &'static str,
    pub role: Role,
    /// The admin's on/off setting (besides `status`); `None`: no switch of its own.
    pub switch: Option<&'static str>,
    pub interval: Interval,
    /// Its crontab schedule (the block `setup_cron_jobs.sh` writes and the packaged cron file).
    pub schedule: &'static str,
    /// Its place in the orchestrator's tick (1 runs first): orders first (customers wait on
    /// them), then the webhook queue, customer questions (a short read, and buyers wait on
    /// those too), stock, and products last (the longest and least urgent).
    pub tick: Option<u8>,
    /// Whether the admin's manual sync buttons offer it.
    pub manual: bool,
    /// What it does, one sentence (its cron script's `--help`, the man page).
    pub purpose: &'static str,
}

/// Every scheduled job, in the crontab's order (the admin lists them so too).
pub const JOBS: &[JobSpec] = &[
    JobSpec {
        name: "trendyol_sync",
        role: Role::Orchestrator,
        switch: None,
        interval: Interval::Minutes(15),
        schedule: "*/15 * * * *",
        tick: None,
        manual: false,
        purpose: "The orchestrator: runs every job that is switched on and due by its interval, orders first, within one time budget, then checks and mails alerts.",
    },
    JobSpec {
        name: "product_sync",
        role: Role::Sync,
        switch: Some("product_sync"),
        interval: Interval::Setting("product_sync_interval"),
        schedule: "0 * * * *",
        tick: Some(5),
        manual: true,
        purpose: "Product synchronization: new products, updates, images and attributes, in batches.",
    },
    JobSpec {
        name: "order_sync",
        role: Role::Sync,
        switch: Some("order_sync"),
        interval: Interval::Setting("order_sync_interval"),
        schedule: "*/10 * * * *",
        tick: Some(1),
        manual: true,
        purpose: "Order synchronization: imports new Trendyol orders and follows their status, shipments and returns.",
    },
    JobSpec {
        name: "stock_sync",
        role: Role::Sync,
        switch: Some("stock_sync"),
        interval: Interval::Setting("stock_sync_interval"),
        schedule: "*/30 * * * *",
        tick: Some(4),
        manual: true,
        purpose: "Stock and price synchronization: sends changed stock and prices to Trendyol, tracks low stock.",
    },
    JobSpec {
        name: "webhook_processor",
        role: Role::Sync,
        switch: Some("webhook_processing"),
        interval: Interval::Setting("webhook_interval"),
        schedule: "*/5 * * * *",
        tick: Some(2),
        manual: true,
        purpose: "Webhook processing: works through the queued webhook events by priority, with retries.",
    },
    JobSpec {
        name: "question_sync",
        role: Role::Sync,
        switch: Some("question_sync"),
        interval: Interval::Setting("question_sync_interval"),
        schedule: "*/15 * * * *",
        tick: Some(3),
        manual: true,
        purpose: "Customer questions: reads the questions Trendyol buyers asked and links each to its OpenCart product.",
    },
    JobSpec {
        name: "maintenance",
        role: Role::Maintenance,
        switch: None,
        interval: Interval::Minutes(1440),
        schedule: "17 3 * * *",
        tick: None,
        manual: false,
        purpose: "Daily maintenance: deletes logs, processed queue jobs and stock history past the retention (Log Retention in the settings), then optimizes the sync tables.",
    },
];

/// The log file of the hourly cron monitor, beside the jobs' own.
pub const MONITOR_LOG: &str = "monitor";

/// The job called `name`, if there is one.
pub fn find(name: &str) -> Option<&'static JobSpec> {
    JOBS.iter().find(|j| j.name == name)
}

/// The orchestrator's job.
pub fn orchestrator() -> &'static JobSpec {
    JOBS.iter()
        .find(|j| j.role == Role::Orchestrator)
        .expect("the registry has the orchestrator")
}

/// The sync jobs in the orchestrator's order.
pub fn tick_order() -> Vec<&'static str> {
    let mut jobs: Vec<&JobSpec> = JOBS.iter().filter(|j| j.tick.is_some()).collect();
    jobs.sort_by_key(|j| j.tick);
    jobs.into_iter().map(|j| j.name).collect()
}

/// Every log file name: one per job, and the monitor's.
pub fn log_names() -> impl Iterator<Item = &'static str> {
    JOBS.iter()
        .map(|j| j.name)
        .chain(std::iter::once(MONITOR_LOG))
}

impl JobSpec {
    /// The script cron runs, relative to the module's library directory.
    pub fn cron_script(&self) -> String {
        format!("cron/{}.php", self.name)
    }

    /// Its log file in the log directory.
    pub fn log_file(&self) -> String {
        format!("{}.log", self.name)
    }

    /// The name of the database lease its runs hold.
    pub fn lock_name(&self) -> &'static str {
        self.name
    }

    /// The admin's translation key for its name.
    pub fn label_key(&self) -> String {
        format!("text_job_{}", self.name)
    }

    /// Whether the admin has it switched on (the maintenance runs whether or not MesChain is).
    pub fn enabled(&self, settings: &Settings) -> bool {
        match self.role {
            Role::Maintenance => true,
            Role::Orchestrator => settings.status,
            Role::Sync => {
                settings.status && self.switch.and_then(|s| settings.flag(s)).unwrap_or(false)
            }
        }
    }

    /// Its own switch alone (without `status`), for the runner, which checks `status` itself.
    pub fn switched_on(&self, settings: &Settings) -> bool {
        self.switch
            .is_none_or(|s| settings.flag(s).unwrap_or(false))
    }

    /// How often it is due, in minutes.
    pub fn interval_minutes(&self, settings: &Settings) -> u32 {
        match self.interval {
            Interval::Minutes(m) => m,
            Interval::Setting(name) => settings
                .minutes(name)
                .expect("registry intervals name minute settings"),
        }
    }

    /// The period of its crontab line in minutes (`*/N`, hourly at a minute, daily at a time).
    pub fn cron_minutes(&self) -> u32 {
        let fields: Vec<&str> = self.schedule.split_whitespace().collect();
        match fields.as_slice() {
            [m, "*", "*", "*", "*"] => m
                .strip_prefix("*/")
                .and_then(|n| n.parse().ok())
                .unwrap_or(60),
            [_, _, "*", "*", "*"] => 1440,
            _ => 1440,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::settings;

    #[test]
    fn switches_and_intervals_name_settings_of_the_right_type() {
        let s = Settings::default();
        for job in JOBS {
            if let Some(switch) = job.switch {
                assert!(s.flag(switch).is_some(), "{}: {switch}", job.name);
            }
            if let Interval::Setting(name) = job.interval {
                assert!(s.minutes(name).is_some(), "{}: {name}", job.name);
                assert_eq!(settings::find(name).unwrap().group, "intervals");
            }
            assert_eq!(job.tick.is_some(), job.role == Role::Sync, "{}", job.name);
            assert_eq!(job.manual, job.role == Role::Sync, "{}", job.name);
        }
        assert_eq!(
            tick_order(),
            [
                "order_sync",
                "webhook_processor",
                "question_sync",
                "stock_sync",
                "product_sync"
            ]
        );
    }

    #[test]
    fn manual_jobs_are_the_queues_and_cron_periods_read_right() {
        for job in JOBS.iter().filter(|j| j.manual) {
            assert!(
                crate::queue::ManualJob::parse(job.name).is_some(),
                "{}",
                job.name
            );
        }
        let minutes: Vec<u32> = JOBS.iter().map(JobSpec::cron_minutes).collect();
        assert_eq!(minutes, [15, 60, 10, 30, 5, 15, 1440]);
        assert_eq!(orchestrator().name, "trendyol_sync");
    }

    #[test]
    fn switched_off_jobs_are_off() {
        let mut s = Settings::default();
        s.status = true;
        s.question_sync = false;
        let q = find("question_sync").unwrap();
        assert!(!q.enabled(&s) && !q.switched_on(&s));
        assert!(find("order_sync").unwrap().enabled(&s));
        s.status = false;
        assert!(find("maintenance").unwrap().enabled(&s));
        assert!(!find("trendyol_sync").unwrap().enabled(&s));
        assert_eq!(find("question_sync").unwrap().interval_minutes(&s), 15);
    }
}
