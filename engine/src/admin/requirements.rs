//! The Setup tab's requirements check: the extension's version, the schema, MesChain's tables,
//! when cron last ran each job, whether the log directory is writable, and whether the stored
//! settings are valid. (PHP's own version is the page's to show.)

use std::path::Path;

use mysql_async::prelude::*;
use serde_json::{json, Map, Value};

use super::read;
use crate::db::{migrations, Database};
use crate::error::{Error, Result};

/// Every table MesChain creates (without prefix), the seven core tables first.
pub const TABLES: &[&str] = &[
    "trendyol_products",
    "trendyol_orders",
    "trendyol_sync_logs",
    "trendyol_webhook_logs",
    "trendyol_sync_queue",
    "trendyol_stock_history",
    "trendyol_alerts",
    "trendyol_schema_version",
    "trendyol_rate_limits",
    "trendyol_order_status_map",
    "trendyol_cursors",
    "trendyol_claims",
    "trendyol_category_map",
    "trendyol_brand_map",
    "trendyol_attribute_map",
    "trendyol_attribute_value_map",
    "trendyol_vat_map",
    "trendyol_batch_requests",
    "trendyol_sent_bodies",
    "trendyol_order_groups",
    "trendyol_order_lines",
    "trendyol_stock_holds",
    "trendyol_job_locks",
    "trendyol_alert_mails",
    "trendyol_api_counters",
    "trendyol_price_rules",
];

/// The check. `log_dir` is the directory the jobs log to; `settings_error` is why the stored
/// settings do not load, if they do not.
pub async fn requirements(
    db: &Database,
    log_dir: &Path,
    settings_error: Option<String>,
) -> Result<Value> {
    let schema_version = migrations::current_version(db).await?;
    let (present, last_seen) = read(db, "checking requirements", async {
        let mut conn = db.conn().await?;
        let names: Vec<String> = conn
            .exec(
                "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() \
                 AND TABLE_NAME LIKE ? ESCAPE '\\\\'",
                (format!("{}trendyol%", escape_like_prefix(db.prefix())),),
            )
            .await
            .map_err(Error::db("listing tables"))?;
        let mut last_seen = Map::new();
        let logs_present = names
            .iter()
            .any(|n| *n == format!("{}trendyol_sync_logs", db.prefix()));
        for job in super::jobs() {
            let seen: Option<String> = if logs_present {
                conn.exec_first::<Option<String>, _, _>(
                    format!(
                        "SELECT DATE_FORMAT(MAX(started_at), {}) FROM {} WHERE sync_type = ?",
                        super::DATETIME,
                        db.table("trendyol_sync_logs")
                    ),
                    (job,),
                )
                .await
                .map_err(Error::db("reading when cron last ran"))?
                .flatten()
            } else {
                None
            };
            last_seen.insert(job.to_string(), json!(seen));
        }
        Ok((names, last_seen))
    })
    .await?;
    let tables: Map<String, Value> = TABLES
        .iter()
        .map(|t| {
            let name = format!("{}{}", db.prefix(), t);
            let here = present.contains(&name);
            (name, Value::Bool(here))
        })
        .collect();
    Ok(json!({
        "extension_version": crate::VERSION,
        "schema_version": schema_version,
        "latest_schema_version": migrations::latest_version(),
        "tables": tables,
        "cron_last_seen": last_seen,
        "log_dir": log_dir.display().to_string(),
        "log_dir_writable": writable(log_dir),
        "settings_error": settings_error,
    }))
}

fn escape_like_prefix(prefix: &str) -> String {
    prefix
        .replace('\\', "\\\\")
        .replace('_', "\\_")
        .replace('%', "\\%")
}

/// Whether a file can be created in `dir` (checked by creating and removing one: permission
/// bits alone do not tell about read-only mounts or ACLs).
fn writable(dir: &Path) -> bool {
    if !dir.is_dir() {
        return false;
    }
    let probe = dir.join(format!(".meschain-probe-{}", std::process::id()));
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
    {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            true
        }
        Err(_) => false,
    }
}
