//! OpenMetrics for external monitoring (Prometheus, node_exporter's textfile collector).
//!
//! Everything is read from the database, so any process on any host gives the same answer:
//! queue depth and oldest ready age per priority (the queue's statistics), each job's last run
//! (duration, status, when) and last successful run from the sync logs, cumulative Trendyol API
//! calls and errors per endpoint class ([`counters`], added to at the end of every run), open
//! alerts, and the time of the newest Trendyol order.
//!
//! The text follows the OpenMetrics 1.0 exposition format: `# TYPE`/`# HELP` before each
//! family, counters' samples end in `_total`, label values are escaped, `# EOF` ends it.

pub mod counters;
pub mod format;

use mysql_async::prelude::*;

use crate::db::Database;
use crate::error::{Error, Result};
use crate::runner::jobs::job_names;
use crate::runner::RunStatus;
use format::{Family, MetricType};

/// The OpenMetrics content type the route answers with.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Renders every metric as OpenMetrics text.
pub async fn render(db: &Database) -> Result<String> {
    let mut families = Vec::new();

    let queue = crate::queue::stats(db).await?;
    let mut depth = Family::new(
        "meschain_queue_depth",
        MetricType::Gauge,
        "Jobs waiting in the queue (ready or scheduled), by priority.",
    );
    let mut ready = Family::new(
        "meschain_queue_ready",
        MetricType::Gauge,
        "Jobs claimable now, by priority.",
    );
    let mut oldest = Family::new(
        "meschain_queue_oldest_ready_age_seconds",
        MetricType::Gauge,
        "How long the oldest claimable job has waited, by priority (0 when none waits).",
    );
    let mut running = Family::new(
        "meschain_queue_running",
        MetricType::Gauge,
        "Jobs leased to a worker, by priority.",
    );
    let mut dead = Family::new(
        "meschain_queue_dead",
        MetricType::Gauge,
        "Jobs in the dead letter, by priority.",
    );
    for p in &queue.by_priority {
        let labels = [("priority", p.priority.to_string())];
        depth.sample("", &labels, p.pending as f64);
        ready.sample("", &labels, p.ready as f64);
        oldest.sample("", &labels, p.oldest_ready_age_secs.unwrap_or(0.0));
        running.sample("", &labels, p.running as f64);
        dead.sample("", &labels, p.dead as f64);
    }
    families.extend([depth, ready, oldest, running, dead]);

    let mut duration = Family::new(
        "meschain_job_last_duration_seconds",
        MetricType::Gauge,
        "Duration of each job's last completed run.",
    );
    let mut items_ok = Family::new(
        "meschain_job_last_items_ok",
        MetricType::Gauge,
        "Items done by each job's last completed run.",
    );
    let mut items_failed = Family::new(
        "meschain_job_last_items_failed",
        MetricType::Gauge,
        "Items that failed in each job's last completed run.",
    );
    let mut last_run = Family::new(
        "meschain_job_last_run_timestamp_seconds",
        MetricType::Gauge,
        "When each job's last completed run started (Unix time).",
    );
    let mut last_success = Family::new(
        "meschain_job_last_success_timestamp_seconds",
        MetricType::Gauge,
        "When each job last finished its work (status ok) (Unix time).",
    );
    let mut status = Family::new(
        "meschain_job_last_status",
        MetricType::StateSet,
        "The status of each job's last completed run.",
    );
    for job in job_names() {
        let labels = [("job", job.to_string())];
        if let Some(last) = last_completed(db, job).await? {
            duration.sample("", &labels, last.duration_ms as f64 / 1000.0);
            items_ok.sample("", &labels, last.items_ok as f64);
            items_failed.sample("", &labels, last.items_failed as f64);
            last_run.sample("", &labels, last.started_at_ms as f64 / 1000.0);
            for state in RunStatus::COMPLETED.map(RunStatus::as_str) {
                status.sample(
                    "",
                    &[
                        ("job", job.to_string()),
                        ("meschain_job_last_status", state.to_string()),
                    ],
                    if last.status == state { 1.0 } else { 0.0 },
                );
            }
        }
        if let Some(at_ms) = last_success_at(db, job).await? {
            last_success.sample("", &labels, at_ms as f64 / 1000.0);
        }
    }
    families.extend([
        duration,
        items_ok,
        items_failed,
        last_run,
        last_success,
        status,
    ]);

    let mut calls = Family::new(
        "meschain_api_calls",
        MetricType::Counter,
        "Trendyol API calls, by endpoint class.",
    );
    let mut errors = Family::new(
        "meschain_api_errors",
        MetricType::Counter,
        "Trendyol API calls that failed, by endpoint class and error class.",
    );
    for c in counters::read(db).await? {
        if c.kind == counters::CALL {
            calls.sample("_total", &[("endpoint", c.endpoint)], c.count as f64);
        } else {
            errors.sample(
                "_total",
                &[("endpoint", c.endpoint), ("class", c.kind)],
                c.count as f64,
            );
        }
    }
    families.extend([calls, errors]);

    let (open_alerts, last_order) = db
        .timed("reading alert and order figures", async {
            let mut conn = db.conn().await?;
            let alerts: Vec<(String, i64)> = conn
                .query(format!(
                    "SELECT severity, COUNT(*) FROM {} WHERE acknowledged_at IS NULL GROUP BY severity",
                    db.table("trendyol_alerts")
                ))
                .await
                .map_err(Error::db("counting open alerts"))?;
            let last: Option<Option<i64>> = conn
                .query_first(format!(
                    "SELECT CAST(UNIX_TIMESTAMP(MAX(created_at)) AS SIGNED) FROM {}",
                    db.table("trendyol_orders")
                ))
                .await
                .map_err(Error::db("reading the newest order"))?;
            Ok((alerts, last.flatten()))
        })
        .await?;
    let mut alerts = Family::new(
        "meschain_alerts_open",
        MetricType::Gauge,
        "Alerts not yet acknowledged, by severity.",
    );
    for severity in ["info", "warning", "error", "critical"] {
        let n = open_alerts
            .iter()
            .find(|(s, _)| s == severity)
            .map(|(_, n)| *n)
            .unwrap_or(0);
        alerts.sample("", &[("severity", severity.to_string())], n as f64);
    }
    let mut order = Family::new(
        "meschain_last_order_timestamp_seconds",
        MetricType::Gauge,
        "When the newest Trendyol order was imported (Unix time); absent before the first.",
    );
    if let Some(at) = last_order {
        order.sample("", &[], at as f64);
    }
    families.extend([alerts, order]);

    Ok(format::render(&families))
}

struct LastRun {
    status: String,
    duration_ms: u64,
    items_ok: u64,
    items_failed: u64,
    started_at_ms: i64,
}

async fn last_completed(db: &Database, job: &str) -> Result<Option<LastRun>> {
    let sql = format!(
        "SELECT status, duration_ms, items_ok, items_failed, \
         CAST(UNIX_TIMESTAMP(started_at) * 1000 AS SIGNED) FROM {} \
         WHERE sync_type = ? AND status <> 'running' ORDER BY started_at DESC LIMIT 1",
        db.table("trendyol_sync_logs")
    );
    let row: Option<(String, u64, u64, u64, i64)> = db
        .timed("reading the last run", async {
            let mut conn = db.conn().await?;
            conn.exec_first(sql.as_str(), (job,))
                .await
                .map_err(Error::db("reading the last run"))
        })
        .await?;
    Ok(row.map(
        |(status, duration_ms, items_ok, items_failed, started_at_ms)| LastRun {
            status,
            duration_ms,
            items_ok,
            items_failed,
            started_at_ms,
        },
    ))
}

async fn last_success_at(db: &Database, job: &str) -> Result<Option<i64>> {
    let sql = format!(
        "SELECT CAST(UNIX_TIMESTAMP(started_at) * 1000 AS SIGNED) FROM {} \
         WHERE sync_type = ? AND status = 'ok' ORDER BY started_at DESC LIMIT 1",
        db.table("trendyol_sync_logs")
    );
    db.timed("reading the last successful run", async {
        let mut conn = db.conn().await?;
        conn.exec_first(sql.as_str(), (job,))
            .await
            .map_err(Error::db("reading the last successful run"))
    })
    .await
}
