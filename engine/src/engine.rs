//! The engine facade: one object per shop, the entry point for every PHP call.
//!
//! An [`Engine`] is cheap to create (no I/O): it validates the configuration and sets up
//! logging. The database pool is created on first use and is per process (see
//! [`crate::runtime::PerProcess`]), so an engine object that crosses a `fork()` keeps working
//! in both processes.

use std::path::Path;
use std::sync::{Arc, Mutex};

use mysql_async::prelude::*;
use serde::Serialize;

use crate::config::opencart::OpenCartConfig;
use crate::config::settings::SETTING_CODE;
use crate::config::{EngineConfig, Settings};
use crate::db::migrations::{self, MigrationReport};
use crate::db::Database;
use crate::error::{Error, Result};
use crate::runtime::PerProcess;
use crate::telemetry;
use crate::trendyol::{lookup, ClientConfig, TrendyolClient};

/// The engine's version, as `MesChain\Engine::version()` reports it.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

pub struct Engine {
    config: EngineConfig,
    db: PerProcess<Database>,
    /// The Trendyol client, kept between calls so its connection pool, in-process rate smoothing
    /// and circuit breakers carry over; rebuilt when the settings it was made from change.
    trendyol: PerProcess<CachedClient>,
}

/// The last client built, with the fingerprint of the settings it was built from.
type CachedClient = Arc<Mutex<Option<(String, TrendyolClient)>>>;

impl Engine {
    /// Validates the configuration and points logging at the configured (or default) directory.
    pub fn new(config: EngineConfig) -> Result<Engine> {
        config.db.validate()?;
        Settings::check_known(config.setting_overrides.keys())?;
        telemetry::redact::register_secret(&config.db.password);
        let engine = Engine {
            config,
            db: PerProcess::default(),
            trendyol: PerProcess::default(),
        };
        // Logging starts at the override (or default) directory; loading settings may move it.
        let defaults = Settings::from_values(&engine.config.setting_overrides)?;
        engine.init_logging(&defaults);
        Ok(engine)
    }

    /// An engine for the shop whose `config.php` (or `admin/config.php`) is at `path`.
    pub fn from_opencart(path: &Path) -> Result<Engine> {
        let db = OpenCartConfig::read(path)?.db_config()?;
        Engine::new(EngineConfig::new(db))
    }

    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    /// This process's database pool.
    pub fn database(&self) -> Result<Database> {
        self.db.get_or_try_init(|| {
            Database::new(
                &self.config.db,
                self.config.connect_timeout,
                self.config.query_timeout,
            )
        })
    }

    /// Reads the module's settings from `oc_setting` (store 0), applies overrides, validates.
    pub async fn settings(&self) -> Result<Settings> {
        let db = self.database()?;
        let values = db
            .timed("reading settings", async {
                let mut conn = db.conn().await?;
                if !migrations::table_exists(&db, &mut conn, "setting").await? {
                    return Err(Error::Config(format!(
                        "table {}setting not found in database {}: is this OpenCart's database and DB_PREFIX right?",
                        db.prefix(),
                        db.database_name()
                    )));
                }
                let rows: Vec<(String, String)> = conn
                    .exec(
                        format!(
                            "SELECT `key`, `value` FROM {} WHERE store_id = 0 AND code = ?",
                            db.table("setting")
                        ),
                        (SETTING_CODE,),
                    )
                    .await
                    .map_err(Error::db("reading settings"))?;
                Ok(rows)
            })
            .await?;
        let mut map: std::collections::BTreeMap<String, String> = values.into_iter().collect();
        for (k, v) in &self.config.setting_overrides {
            map.insert(k.clone(), v.clone());
        }
        let settings = Settings::from_values(&map)?;
        for secret in settings.secrets() {
            telemetry::redact::register_secret(secret);
        }
        self.init_logging(&settings);
        Ok(settings)
    }

    fn init_logging(&self, settings: &Settings) {
        let dir = self
            .config
            .log_dir
            .clone()
            .unwrap_or_else(|| settings.log_dir.clone());
        if let Err((fallback, reason)) = telemetry::init(&dir, settings.debug) {
            tracing::warn!(fallback = %fallback.display(), "log directory unusable: {reason}");
        }
    }

    /// Applies pending migrations (idempotent).
    pub async fn migrate(&self) -> Result<MigrationReport> {
        let db = self.database()?;
        let limit = self
            .config
            .query_timeout
            .max(std::time::Duration::from_secs(120));
        db.timed_for("migrating the schema", limit, migrations::migrate(&db))
            .await
    }

    /// A snapshot for the admin's requirements check and `php meschain status`.
    pub async fn status(&self) -> Result<Status> {
        let db = self.database()?;
        let (schema_version, tables) = db
            .timed("reading status", async {
                let version = migrations::current_version(&db).await?;
                let mut conn = db.conn().await?;
                let mut tables = Vec::new();
                for name in migrations::SEED_TABLES {
                    let present = migrations::table_exists(&db, &mut conn, name).await?;
                    tables.push(TableStatus {
                        name: format!("{}{}", db.prefix(), name),
                        present,
                    });
                }
                Ok((version, tables))
            })
            .await?;
        let (settings, settings_error) = match self.settings().await {
            Ok(s) => (Some(serde_json::Value::Object(s.to_public_map())), None),
            Err(e) => (None, Some(e.to_string())),
        };
        Ok(Status {
            version: VERSION,
            schema_version,
            latest_schema_version: migrations::latest_version(),
            database: db.database_name().to_string(),
            prefix: db.prefix().to_string(),
            tables,
            settings,
            settings_error,
            log_dir: telemetry::current_dir().map(|d| d.display().to_string()),
            pid: std::process::id(),
        })
    }

    /// The Trendyol client for the configured account (shared rate limiter in this database).
    pub async fn trendyol(&self) -> Result<TrendyolClient> {
        let settings = self.settings().await?;
        let config = ClientConfig::from_settings(&settings)?;
        let key = client_fingerprint(&config);
        let slot = self
            .trendyol
            .get_or_try_init(|| Ok(Arc::new(Mutex::new(None))))?;
        let mut cached = slot.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((cached_key, client)) = cached.as_ref() {
            if *cached_key == key {
                return Ok(client.clone());
            }
        }
        let client = TrendyolClient::new(config, &self.database()?)?;
        *cached = Some((key, client.clone()));
        Ok(client)
    }

    /// One read-only Trendyol lookup (see [`lookup::OPERATIONS`]), through the shop's limiter.
    pub async fn trendyol_read(
        &self,
        operation: &str,
        params: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<serde_json::Value> {
        let client = self.trendyol().await?;
        lookup::read(&client, operation, params).await
    }

    /// Closes this process's pool. The engine stays usable: the next call opens a new one.
    pub async fn close(&self) {
        // The client's limiter holds a handle on the pool: drop it first.
        drop(self.trendyol.take_own());
        if let Some(db) = self.db.take_own() {
            db.close().await;
        }
    }
}

/// Identifies the settings a client was built from, secrets included (hashed, never kept).
fn client_fingerprint(config: &ClientConfig) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    hasher.update(format!("{config:?}").as_bytes());
    hasher.update([0]);
    hasher.update(config.api_key.expose().as_bytes());
    hasher.update([0]);
    hasher.update(config.api_secret.expose().as_bytes());
    hex::encode(hasher.finalize())
}

#[derive(Debug, Clone, Serialize)]
pub struct TableStatus {
    pub name: String,
    pub present: bool,
}

/// What `status()` reports.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    pub version: &'static str,
    pub schema_version: u32,
    pub latest_schema_version: u32,
    pub database: String,
    pub prefix: String,
    pub tables: Vec<TableStatus>,
    pub settings: Option<serde_json::Value>,
    pub settings_error: Option<String>,
    pub log_dir: Option<String>,
    pub pid: u32,
}

impl Engine {
    /// Takes one Trendyol webhook delivery in (see [`crate::inbox`]). Never fails: a database
    /// failure is a 500 verdict, so the caller only has to answer `http_status`.
    pub async fn accept_webhook(
        &self,
        delivery: &crate::inbox::Delivery<'_>,
    ) -> crate::inbox::Verdict {
        crate::inbox::accept(self, delivery).await
    }
}

/// The running system: job runs, the orchestrator, alerts, metrics, maintenance.
impl Engine {
    /// Runs one job (`product_sync`, `order_sync`, `stock_sync`, `webhook_processor`), or the
    /// orchestrator's tick for `trendyol_sync` (reported as one run, the worst of its jobs).
    pub async fn run(
        &self,
        job: &str,
        options: &crate::runner::RunOptions,
    ) -> Result<crate::runner::RunReport> {
        if job == crate::runner::jobs::ORCHESTRATOR {
            let tick = crate::runner::run_tick(self, options).await?;
            let sum = |f: fn(&crate::runner::RunReport) -> u64| tick.runs.iter().map(f).sum();
            return Ok(crate::runner::RunReport {
                job: job.to_string(),
                status: tick.status,
                sync_log_id: 0,
                items_ok: sum(|r| r.items_ok),
                items_failed: sum(|r| r.items_failed),
                api_calls: sum(|r| r.api_calls),
                api_errors: sum(|r| r.api_errors),
                duration_ms: tick.duration_ms,
                peak_memory_bytes: crate::runner::peak_rss_bytes().unwrap_or(0),
                finished: tick.finished,
                message: tick.message,
            });
        }
        crate::runner::run_job(self, job, options).await
    }

    /// Records an alert and mails what is due (see [`crate::alerts`]).
    pub async fn raise_alert(&self, alert: &crate::alerts::Alert) -> Result<crate::alerts::Raised> {
        let db = self.database()?;
        let raised = crate::alerts::raise(&db, alert).await?;
        let settings = self.settings().await?;
        if let Err(e) = crate::alerts::notify(&db, &settings).await {
            tracing::warn!("sending alert e-mail failed: {e}");
        }
        Ok(raised)
    }

    /// OpenMetrics text for external monitoring.
    pub async fn metrics(&self) -> Result<String> {
        crate::metrics::render(&self.database()?).await
    }

    /// Deletes rows past the retention and optimizes the sync tables.
    pub async fn maintenance(&self) -> Result<crate::runner::maintenance::MaintenanceReport> {
        let settings = self.settings().await?;
        crate::runner::maintenance::run(&self.database()?, &settings, true).await
    }
}
