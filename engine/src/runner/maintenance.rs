//! The regular maintenance: old rows out, then `OPTIMIZE TABLE` on the sync tables.
//!
//! Rows older than the retention (`log_retention_days`, 30 days by default) are deleted from the
//! sync logs, webhook logs, stock history, alert mails and acknowledged alerts; processed queue
//! jobs go through the queue's own cleanup. Each table is emptied in small batches by primary
//! key — pick a batch of ids through the date index, delete exactly those — so no statement holds
//! many locks for long and a shop taking orders does not stall behind its maintenance.

use std::time::Duration;

use mysql_async::prelude::*;
use serde::Serialize;

use crate::config::Settings;
use crate::db::Database;
use crate::error::{Error, Result};
use crate::queue::{marks, retry_conflicts};

/// Rows per delete statement.
pub const BATCH: usize = 500;

/// The tables `OPTIMIZE TABLE` runs on: the sync tables and the other tables that churn.
pub const OPTIMIZED_TABLES: &[&str] = &[
    "trendyol_sync_logs",
    "trendyol_webhook_logs",
    "trendyol_products",
    "trendyol_orders",
    "trendyol_sync_queue",
    "trendyol_stock_history",
];

/// What a maintenance pass did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MaintenanceReport {
    pub retention_days: u32,
    /// Rows deleted, by table (without prefix).
    pub deleted: std::collections::BTreeMap<String, u64>,
    pub optimized: Vec<String>,
    pub duration_ms: u64,
}

/// One cleanup rule: delete rows of `table` whose `date_column` is older than the cutoff and
/// that match `extra` (a fixed condition).
struct Rule {
    table: &'static str,
    key: &'static str,
    date_column: &'static str,
    extra: &'static str,
}

const RULES: &[Rule] = &[
    Rule {
        table: "trendyol_sync_logs",
        key: "sync_log_id",
        date_column: "created_at",
        // A run still in progress keeps its row, however long it has taken.
        extra: "AND status <> 'running'",
    },
    Rule {
        table: "trendyol_webhook_logs",
        key: "webhook_log_id",
        date_column: "received_at",
        extra: "",
    },
    Rule {
        table: "trendyol_stock_history",
        key: "stock_history_id",
        date_column: "created_at",
        extra: "",
    },
    Rule {
        table: "trendyol_alert_mails",
        key: "alert_mail_id",
        date_column: "sent_at",
        extra: "",
    },
    Rule {
        table: "trendyol_alerts",
        key: "alert_id",
        date_column: "acknowledged_at",
        extra: "AND acknowledged_at IS NOT NULL",
    },
];

/// The `sync_type` of a maintenance run's row in `trendyol_sync_logs`.
pub const JOB: &str = "maintenance";

/// [`run`] with a sync-log row around it: `running` first, then `ok` with what went (the rows
/// deleted count as items) or `failed` with the error, so a maintenance that stopped working
/// shows on the Monitoring tab instead of only in a cron mail.
pub async fn run_logged(
    db: &Database,
    settings: &Settings,
    trigger: &str,
) -> Result<MaintenanceReport> {
    use super::sync_log::{self, RunStatus, RunSummary};
    let started = std::time::Instant::now();
    let id = sync_log::start(db, JOB, trigger, &super::lock::hostname()).await?;
    // Its own log file (maintenance.log), which the cron monitor checks like the jobs' logs.
    let result = tracing::Instrument::instrument(
        run(db, settings, true),
        crate::telemetry::job_span(JOB, id),
    )
    .await;
    if let Err(e) = &result {
        tracing::error!("maintenance failed: {e}");
    }
    let summary = match &result {
        Ok(report) => {
            let rows: u64 = report.deleted.values().sum();
            RunSummary {
                duration_ms: report.duration_ms,
                peak_memory_bytes: super::peak_rss_bytes().unwrap_or(0),
                items_ok: rows,
                message: format!(
                    "deleted {rows} row(s) older than {} days, optimized {} table(s)",
                    report.retention_days,
                    report.optimized.len()
                ),
                details: serde_json::to_value(report).unwrap_or_default(),
                ..RunSummary::default()
            }
        }
        Err(e) => RunSummary {
            duration_ms: started.elapsed().as_millis() as u64,
            peak_memory_bytes: super::peak_rss_bytes().unwrap_or(0),
            message: "maintenance failed".into(),
            error: Some(e.to_string()),
            ..RunSummary::default()
        },
    };
    let status = if result.is_ok() {
        RunStatus::Ok
    } else {
        RunStatus::Failed
    };
    sync_log::finish(db, id, status, &summary).await?;
    result
}

/// Deletes old rows, then optimizes the sync tables (`optimize = false` skips that step).
pub async fn run(db: &Database, settings: &Settings, optimize: bool) -> Result<MaintenanceReport> {
    let started = std::time::Instant::now();
    let days = settings.log_retention_days;
    let retention = Duration::from_secs(u64::from(days) * 86_400);
    let mut report = MaintenanceReport {
        retention_days: days,
        ..MaintenanceReport::default()
    };
    for rule in RULES {
        let n = delete_old(db, rule, days).await?;
        report.deleted.insert(rule.table.to_string(), n);
    }
    let n = crate::queue::cleanup(db, retention, BATCH).await?;
    report.deleted.insert("trendyol_sync_queue".to_string(), n);
    if optimize {
        for table in OPTIMIZED_TABLES {
            optimize_table(db, table).await?;
            report.optimized.push(format!("{}{table}", db.prefix()));
        }
    }
    report.duration_ms = started.elapsed().as_millis() as u64;
    tracing::info!(
        deleted = ?report.deleted,
        optimized = report.optimized.len(),
        "maintenance done"
    );
    Ok(report)
}

async fn delete_old(db: &Database, rule: &Rule, days: u32) -> Result<u64> {
    let table = db.table(rule.table);
    let select = format!(
        "SELECT {key} FROM {table} WHERE {date} < UTC_TIMESTAMP() - INTERVAL ? DAY {extra} \
         ORDER BY {key} LIMIT {BATCH}",
        key = rule.key,
        date = rule.date_column,
        extra = rule.extra
    );
    let mut deleted = 0;
    loop {
        let ids: Vec<u64> = db
            .timed("finding old rows", async {
                let mut conn = db.conn().await?;
                conn.exec(select.as_str(), (days,))
                    .await
                    .map_err(Error::db(format!("finding old rows in {table}")))
            })
            .await?;
        if ids.is_empty() {
            break;
        }
        let found = ids.len();
        // The age condition is repeated so a row that changed since the select stays.
        let delete = format!(
            "DELETE FROM {table} WHERE {key} IN ({}) AND {date} < UTC_TIMESTAMP() - INTERVAL ? DAY {extra}",
            marks(found),
            key = rule.key,
            date = rule.date_column,
            extra = rule.extra
        );
        let mut params: Vec<mysql_async::Value> = ids.into_iter().map(Into::into).collect();
        params.push(days.into());
        deleted += retry_conflicts(|| {
            db.timed("deleting old rows", async {
                let mut conn = db.conn().await?;
                conn.exec_drop(delete.as_str(), params.clone())
                    .await
                    .map_err(Error::db(format!("deleting old rows in {table}")))?;
                Ok(conn.affected_rows())
            })
        })
        .await?;
        if found < BATCH {
            break;
        }
    }
    Ok(deleted)
}

async fn optimize_table(db: &Database, name: &str) -> Result<()> {
    let sql = format!("OPTIMIZE TABLE {}", db.table(name));
    // Rebuilding a large table takes a while; it is an online operation in InnoDB.
    db.timed_for("optimizing a table", Duration::from_secs(600), async {
        let mut conn = db.conn().await?;
        let rows: Vec<mysql_async::Row> = conn
            .query(sql.as_str())
            .await
            .map_err(Error::db(format!("optimizing {name}")))?;
        for mut row in rows {
            // (Table, Op, Msg_type, Msg_text); an `error` row means it did not happen.
            let kind: Option<String> = row.take(2);
            let text: Option<String> = row.take(3);
            if kind.as_deref() == Some("error") {
                return Err(Error::Internal(format!(
                    "OPTIMIZE TABLE {name}: {}",
                    text.unwrap_or_default()
                )));
            }
        }
        Ok(())
    })
    .await
}
