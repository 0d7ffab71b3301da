//! The Monitoring tab: each job's state, today's figures, the queue per priority, open alerts,
//! the last order and webhook traffic — and the weekly performance chart.
//!
//! Everything comes from the tables the jobs already write (`trendyol_sync_logs`, the queue, the
//! alerts, orders and webhook logs), so the page shows what really happened, not what a process
//! believes. "Today" and the chart's days are UTC calendar days, the clock every MesChain
//! timestamp is stored in. A run counts as `running` only while its row says so *and* it started
//! within the max execution time (plus a minute): a run killed with `kill -9` never updates its
//! row, and must not show as running for ever.

use std::collections::BTreeMap;

use mysql_async::prelude::*;
use serde::Serialize;
use serde_json::{json, Map, Value};

use super::{jobs as job_names, read};
use crate::config::Settings;
use crate::db::Database;
use crate::error::{Error, Result};

/// Whether a job is switched on, and how often it is due, from the settings (the registry's
/// switch and interval; the orchestrator and maintenance by their crontab lines).
pub fn schedule(settings: &Settings, job: &str) -> (bool, u32) {
    match crate::jobs::find(job) {
        Some(spec) => (spec.enabled(settings), spec.interval_minutes(settings)),
        None => (settings.status, crate::jobs::orchestrator().cron_minutes()),
    }
}

/// A job's most recent run.
#[derive(Debug, Clone, Serialize)]
pub struct LastRun {
    pub sync_log_id: u64,
    pub status: String,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    pub duration_ms: i64,
    pub items_ok: i64,
    pub items_failed: i64,
    pub api_calls: i64,
    pub message: String,
    pub error: Option<String>,
}

/// One job on the Monitoring tab.
#[derive(Debug, Clone, Serialize)]
pub struct JobState {
    pub enabled: bool,
    pub interval_minutes: u32,
    pub last_run: Option<LastRun>,
    /// The last successful start plus the interval; `None` before the first successful run.
    pub next_due_at: Option<String>,
    pub running: bool,
}

/// A job's figures over a period.
#[derive(Debug, Clone, Default, Serialize)]
pub struct JobFigures {
    pub runs: u64,
    pub ok: u64,
    pub partial: u64,
    pub failed: u64,
    pub items_ok: u64,
    pub items_failed: u64,
    pub api_calls: u64,
    pub avg_duration_ms: u64,
}

/// The whole Monitoring tab.
pub async fn dashboard(db: &Database, settings: &Settings) -> Result<Value> {
    let logs = db.table("trendyol_sync_logs");
    let stale_after = i64::from(settings.max_execution_time) + 60;
    read(db, "reading the dashboard", async {
        let mut conn = db.conn().await?;
        let mut jobs = Map::new();
        for job in job_names() {
            let (enabled, interval) = schedule(settings, job);
            // Served by the (sync_type, started_at) index, newest first.
            let last: Option<mysql_async::Row> = conn
                .exec_first(
                    format!(
                        "SELECT sync_log_id, status, DATE_FORMAT(started_at, {dt}), \
                         DATE_FORMAT(finished_at, {dt}), duration_ms, items_ok, items_failed, \
                         api_calls, message, error, \
                         (status = 'running' AND started_at > NOW(3) - INTERVAL ? SECOND) \
                         FROM {logs} WHERE sync_type = ? ORDER BY started_at DESC, sync_log_id DESC LIMIT 1",
                        dt = super::DATETIME
                    ),
                    (stale_after, job),
                )
                .await
                .map_err(Error::db("reading the last job runs"))?;
            let (last_run, running) = match last {
                None => (None, false),
                Some(mut row) => {
                    let running: i64 = super::col(&mut row, 10)?;
                    let run = LastRun {
                        sync_log_id: super::col(&mut row, 0)?,
                        status: super::col(&mut row, 1)?,
                        started_at: super::col(&mut row, 2)?,
                        finished_at: super::col(&mut row, 3)?,
                        duration_ms: super::col(&mut row, 4)?,
                        items_ok: super::col(&mut row, 5)?,
                        items_failed: super::col(&mut row, 6)?,
                        api_calls: super::col(&mut row, 7)?,
                        message: super::col(&mut row, 8)?,
                        error: super::col(&mut row, 9)?,
                    };
                    (Some(run), running == 1)
                }
            };
            let next_due_at: Option<Option<String>> = conn
                .exec_first(
                    format!(
                        "SELECT DATE_FORMAT(MAX(started_at) + INTERVAL ? MINUTE, {dt}) FROM {logs} \
                         WHERE sync_type = ? AND status IN ('ok', 'partial')",
                        dt = super::DATETIME
                    ),
                    (interval, job),
                )
                .await
                .map_err(Error::db("reading when jobs are due"))?;
            let state = JobState {
                enabled,
                interval_minutes: interval,
                last_run,
                next_due_at: next_due_at.flatten(),
                running,
            };
            jobs.insert(job.to_string(), to_value(&state)?);
        }

        let today = figures_since(&mut conn, &logs, "CURDATE()").await?;
        let mut today_map = Map::new();
        for job in job_names() {
            let figures = today
                .get(&(String::new(), job.to_string()))
                .cloned()
                .unwrap_or_default();
            today_map.insert(job.to_string(), to_value(&figures)?);
        }

        let queue = queue_by_priority(&mut conn, &db.table("trendyol_sync_queue")).await?;
        let alerts_open: Option<u64> = conn
            .query_first(format!(
                "SELECT COUNT(*) FROM {} WHERE acknowledged_at IS NULL",
                db.table("trendyol_alerts")
            ))
            .await
            .map_err(Error::db("counting open alerts"))?;
        let last_order_at: Option<Option<String>> = conn
            .query_first(format!(
                "SELECT DATE_FORMAT(MAX(created_at), {}) FROM {}",
                super::DATETIME,
                db.table("trendyol_orders")
            ))
            .await
            .map_err(Error::db("reading the last order"))?;
        // Rejected: refused for credentials or body (4xx), not the 5xx of a failed store.
        let webhook: Option<(u64, Option<u64>)> = conn
            .query_first(format!(
                "SELECT COUNT(*), CAST(SUM(http_status BETWEEN 400 AND 499) AS UNSIGNED) \
                 FROM {} WHERE received_at >= NOW(3) - INTERVAL 1 DAY",
                db.table("trendyol_webhook_logs")
            ))
            .await
            .map_err(Error::db("counting webhook deliveries"))?;
        let last_received: Option<Option<String>> = conn
            .query_first(format!(
                "SELECT DATE_FORMAT(MAX(received_at), {}) FROM {}",
                super::DATETIME,
                db.table("trendyol_webhook_logs")
            ))
            .await
            .map_err(Error::db("reading the last webhook"))?;
        let (deliveries, rejected) = webhook.unwrap_or((0, None));
        drop(conn);
        let (questions_waiting, questions_overdue) =
            crate::sync::questions::list::waiting(db, settings.question_alert_hours).await?;

        Ok(json!({
            "jobs": jobs,
            "today": today_map,
            "queue": queue,
            "alerts_open": alerts_open.unwrap_or(0),
            "last_order_at": last_order_at.flatten(),
            "webhook": {
                "deliveries_24h": deliveries,
                "rejected_24h": rejected.unwrap_or(0),
                "last_received_at": last_received.flatten(),
            },
            "questions": {
                "waiting": questions_waiting,
                "waiting_over_alert_hours": questions_overdue,
                "alert_hours": settings.question_alert_hours,
            },
            "status_enabled": settings.status,
        }))
    })
    .await
}

fn to_value<T: Serialize>(value: &T) -> Result<Value> {
    serde_json::to_value(value).map_err(|e| Error::Internal(e.to_string()))
}

/// Figures per (day, job) for runs started at or after `since` (an SQL date expression from this
/// module, never input). The day is `''` when `by_day` is off.
async fn figures_since(
    conn: &mut mysql_async::Conn,
    logs: &str,
    since: &str,
) -> Result<BTreeMap<(String, String), JobFigures>> {
    figures(conn, logs, since, false).await
}

async fn figures(
    conn: &mut mysql_async::Conn,
    logs: &str,
    since: &str,
    by_day: bool,
) -> Result<BTreeMap<(String, String), JobFigures>> {
    let day = if by_day {
        "DATE_FORMAT(started_at, '%Y-%m-%d')"
    } else {
        "''"
    };
    let jobs = job_names()
        .iter()
        .map(|j| format!("'{j}'"))
        .collect::<Vec<_>>()
        .join(",");
    // The IN list over the (sync_type, started_at) index makes this a handful of range scans.
    let sql = format!(
        "SELECT {day} AS day, sync_type, COUNT(*), \
         CAST(SUM(status = 'ok') AS UNSIGNED), CAST(SUM(status = 'partial') AS UNSIGNED), \
         CAST(SUM(status = 'failed') AS UNSIGNED), \
         CAST(SUM(items_ok) AS UNSIGNED), CAST(SUM(items_failed) AS UNSIGNED), \
         CAST(SUM(api_calls) AS UNSIGNED), \
         CAST(COALESCE(ROUND(AVG(CASE WHEN finished_at IS NOT NULL THEN duration_ms END)), 0) AS UNSIGNED) \
         FROM {logs} WHERE sync_type IN ({jobs}) AND started_at >= {since} \
         GROUP BY day, sync_type"
    );
    let rows: Vec<mysql_async::Row> = conn
        .query(sql)
        .await
        .map_err(Error::db("summing job runs"))?;
    let mut out = BTreeMap::new();
    for mut row in rows {
        let key = (
            super::col::<String>(&mut row, 0)?,
            super::col::<String>(&mut row, 1)?,
        );
        let figures = JobFigures {
            runs: super::col(&mut row, 2)?,
            ok: super::col(&mut row, 3)?,
            partial: super::col(&mut row, 4)?,
            failed: super::col(&mut row, 5)?,
            items_ok: super::col(&mut row, 6)?,
            items_failed: super::col(&mut row, 7)?,
            api_calls: super::col(&mut row, 8)?,
            avg_duration_ms: super::col(&mut row, 9)?,
        };
        out.insert(key, figures);
    }
    Ok(out)
}

/// The queue per priority 1–4: waiting, being processed, waiting again after a failure (in
/// backoff), dead, and how long the oldest waiting job has waited since it was queued.
async fn queue_by_priority(conn: &mut mysql_async::Conn, queue: &str) -> Result<Value> {
    // Only live statuses: the `claim` index (status, priority, …) answers it without touching
    // the done rows that make up most of the table.
    let rows: Vec<(u8, u64, u64, u64, u64, Option<i64>)> = conn
        .query(format!(
            "SELECT priority, CAST(SUM(status = 'pending') AS UNSIGNED), \
             CAST(SUM(status = 'running') AS UNSIGNED), \
             CAST(SUM(status = 'pending' AND attempts > 0) AS UNSIGNED), \
             CAST(SUM(status = 'dead') AS UNSIGNED), \
             CAST(TIMESTAMPDIFF(SECOND, MIN(CASE WHEN status = 'pending' THEN created_at END), NOW(3)) AS SIGNED) \
             FROM {queue} WHERE status IN ('pending', 'running', 'dead') GROUP BY priority"
        ))
        .await
        .map_err(Error::db("reading the queue per priority"))?;
    let mut priorities = BTreeMap::new();
    for p in 1u8..=4 {
        priorities.insert(
            p,
            json!({"pending": 0, "processing": 0, "failed": 0, "dead": 0, "oldest_pending_age_s": null}),
        );
    }
    let mut dead_total = 0;
    for (priority, pending, running, failed, dead, oldest) in rows {
        dead_total += dead;
        priorities.insert(
            priority,
            json!({
                "pending": pending,
                "processing": running,
                "failed": failed,
                "dead": dead,
                "oldest_pending_age_s": oldest.map(|s| s.max(0)),
            }),
        );
    }
    let priorities: Map<String, Value> = priorities
        .into_iter()
        .map(|(p, v)| (p.to_string(), v))
        .collect();
    Ok(json!({"priorities": priorities, "dead_total": dead_total}))
}

/// The weekly chart: the last seven UTC days, oldest first, every job on every day (zeros where
/// nothing ran).
pub async fn weekly_performance(db: &Database) -> Result<Value> {
    let logs = db.table("trendyol_sync_logs");
    read(db, "reading the weekly performance", async {
        let mut conn = db.conn().await?;
        let days: Option<(String, String, String, String, String, String, String)> = conn
            .query_first(
                "SELECT DATE_FORMAT(CURDATE() - INTERVAL 6 DAY, '%Y-%m-%d'), \
                 DATE_FORMAT(CURDATE() - INTERVAL 5 DAY, '%Y-%m-%d'), \
                 DATE_FORMAT(CURDATE() - INTERVAL 4 DAY, '%Y-%m-%d'), \
                 DATE_FORMAT(CURDATE() - INTERVAL 3 DAY, '%Y-%m-%d'), \
                 DATE_FORMAT(CURDATE() - INTERVAL 2 DAY, '%Y-%m-%d'), \
                 DATE_FORMAT(CURDATE() - INTERVAL 1 DAY, '%Y-%m-%d'), \
                 DATE_FORMAT(CURDATE(), '%Y-%m-%d')",
            )
            .await
            .map_err(Error::db("reading the calendar"))?;
        let (d0, d1, d2, d3, d4, d5, d6) =
            days.ok_or_else(|| Error::Internal("no calendar row".into()))?;
        let figures = figures(&mut conn, &logs, "CURDATE() - INTERVAL 6 DAY", true).await?;
        let mut out = Vec::with_capacity(7);
        for day in [d0, d1, d2, d3, d4, d5, d6] {
            let mut jobs = Map::new();
            for job in job_names() {
                let f = figures
                    .get(&(day.clone(), job.to_string()))
                    .cloned()
                    .unwrap_or_default();
                jobs.insert(
                    job.to_string(),
                    json!({
                        "runs": f.runs,
                        "items_ok": f.items_ok,
                        "items_failed": f.items_failed,
                        "avg_duration_ms": f.avg_duration_ms,
                        "api_calls": f.api_calls,
                        "failed": f.failed,
                    }),
                );
            }
            out.push(json!({"date": day, "jobs": jobs}));
        }
        Ok(Value::Array(out))
    })
    .await
}
