//! The shop handle: what every job, the webhook inbox and the admin reach the shop through.
//!
//! A job needs the shop's database, its settings and a Trendyol client — never the whole
//! [`crate::engine::Engine`] with its dozens of admin operations. [`Shop`] is that narrow handle,
//! and it sits below everything that uses it: the engine owns one and hands it down, so the
//! runner and the inbox never reach back up into the engine that calls them.
//!
//! A `Shop` is cheap to create (no I/O): it validates the configuration and sets up logging. The
//! database pool and the Trendyol client are made on first use and are per process (see
//! [`crate::runtime::PerProcess`]), so a handle that crosses a `fork()` keeps working in both
//! processes.

use std::path::Path;
use std::sync::{Arc, Mutex};

use mysql_async::prelude::*;

use crate::config::opencart::OpenCartConfig;
use crate::config::settings::SETTING_CODE;
use crate::config::{EngineConfig, Settings};
use crate::db::migrations;
use crate::db::Database;
use crate::error::{Error, Result};
use crate::runtime::PerProcess;
use crate::telemetry;
use crate::trendyol::{lookup, ClientConfig, TrendyolClient};

/// One OpenCart shop: its configuration, database pool and Trendyol client.
pub struct Shop {
    config: EngineConfig,
    db: PerProcess<Database>,
    /// The Trendyol client, kept between calls so its connection pool, in-process rate smoothing
    /// and circuit breakers carry over; rebuilt when the settings it was made from change.
    trendyol: PerProcess<CachedClient>,
    /// Names this shop among the webhook gates of the process (see [`crate::inbox::gate`]).
    gate_key: String,
}

/// The last client built, with the fingerprint of the settings it was built from.
type CachedClient = Arc<Mutex<Option<(String, TrendyolClient)>>>;

impl Shop {
    /// Validates the configuration and points logging at the configured (or default) directory.
    pub fn new(config: EngineConfig) -> Result<Shop> {
        config.db.validate()?;
        Settings::check_known(config.setting_overrides.keys())?;
        telemetry::redact::register_secret(&config.db.password);
        let gate_key = gate_key(&config);
        let shop = Shop {
            config,
            db: PerProcess::default(),
            trendyol: PerProcess::default(),
            gate_key,
        };
        // Logging starts at the override (or default) directory; loading settings may move it.
        let defaults = Settings::from_values(&shop.config.setting_overrides)?;
        shop.init_logging(&defaults);
        Ok(shop)
    }

    /// An engine for the shop whose `config.php` (or `admin/config.php`) is at `path`.
    pub fn from_opencart(path: &Path) -> Result<Shop> {
        Shop::from_opencart_logging_to(path, None)
    }

    /// Like [`Shop::from_opencart`], with the log directory given rather than taken from the
    /// settings: what the cron scripts do when setup_cron_jobs.sh was told `--log-dir`, so the
    /// jobs, the monitor and logrotate all look at one directory.
    pub fn from_opencart_logging_to(path: &Path, log_dir: Option<&Path>) -> Result<Shop> {
        Shop::new(Shop::opencart_config(path, log_dir)?)
    }

    /// The configuration [`Shop::from_opencart_logging_to`] builds from the shop's `config.php`
    /// (read as text, never executed), without building the shop.
    pub fn opencart_config(path: &Path, log_dir: Option<&Path>) -> Result<EngineConfig> {
        let db = OpenCartConfig::read(path)?.db_config()?;
        let mut config = EngineConfig::new(db);
        if let Some(dir) = log_dir {
            let text = dir.to_string_lossy();
            if !dir.is_absolute() || text.chars().any(char::is_control) {
                return Err(Error::Config(format!(
                    "the log directory must be an absolute path, got {text:?}"
                )));
            }
            config.log_dir = Some(dir.to_path_buf());
        }
        Ok(config)
    }

    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    /// Identifies the shop (database, prefix, overrides) across the engine objects a process
    /// makes: a configuration edited while a worker runs gets a new engine (see
    /// [`crate::engine_cache`]), while the webhook gate must outlive it.
    pub fn gate_key(&self) -> &str {
        &self.gate_key
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
        let mut settings = Settings::from_values(&map)?;
        settings.price_rules = db
            .timed(
                "reading the price rules",
                crate::sync::price_rules::load(&db),
            )
            .await?;
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

    /// The Trendyol client for the configured account (shared rate limiter in this database).
    pub async fn trendyol(&self) -> Result<TrendyolClient> {
        let settings = self.settings().await?;
        let config = ClientConfig::from_settings(&settings)?;
        // A copied database must not reach production Trendyol (checked on every use, not
        // cached: the copy may be made while this process runs).
        crate::installation::guard(&self.database()?, &settings).await?;
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

fn gate_key(config: &EngineConfig) -> String {
    use sha2::{Digest, Sha256};
    let db = &config.db;
    let mut hasher = Sha256::new();
    hasher.update(
        format!(
            "{}\0{}\0{:?}\0{}\0{}\0{:?}",
            db.host, db.port, db.socket, db.database, db.prefix, config.setting_overrides
        )
        .as_bytes(),
    );
    hex::encode(hasher.finalize())
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
