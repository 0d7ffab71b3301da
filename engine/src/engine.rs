//! The engine facade: one object per shop, the entry point for every PHP call.
//!
//! An [`Engine`] is cheap to create (no I/O): it validates the configuration and sets up
//! logging. The database pool is created on first use and is per process (see
//! [`crate::runtime::PerProcess`]), so an engine object that crosses a `fork()` keeps working
//! in both processes. PHP does not build one per request: the bridge asks
//! [`crate::engine_cache`] for this process's engine of the configuration, so the pool and the
//! Trendyol client outlive the request.

use std::path::Path;

use serde::Serialize;

use crate::admin;
use crate::config::{EngineConfig, Settings};
use crate::db::migrations::{self, MigrationReport};
use crate::db::Database;
use crate::error::Result;
use crate::shop::Shop;
use crate::telemetry;
use crate::trendyol::{ClientConfig, TrendyolClient};

/// The engine's version, as `MesChain\Engine::version()` reports it.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The facade PHP holds: a [`Shop`] plus every operation the bridge offers on it.
///
/// It dereferences to its [`Shop`], so code that needs only the narrow handle (the runner, the
/// inbox) takes `&Shop` and an `&Engine` can be passed where one is asked for.
pub struct Engine {
    shop: Shop,
}

impl std::ops::Deref for Engine {
    type Target = Shop;

    fn deref(&self) -> &Shop {
        &self.shop
    }
}

impl Engine {
    /// Validates the configuration and points logging at the configured (or default) directory.
    pub fn new(config: EngineConfig) -> Result<Engine> {
        Ok(Engine {
            shop: Shop::new(config)?,
        })
    }

    /// An engine for the shop whose `config.php` (or `admin/config.php`) is at `path`.
    pub fn from_opencart(path: &Path) -> Result<Engine> {
        Engine::from_opencart_logging_to(path, None)
    }

    /// Like [`Engine::from_opencart`], with the log directory given rather than taken from the
    /// settings (see [`Shop::from_opencart_logging_to`]).
    pub fn from_opencart_logging_to(path: &Path, log_dir: Option<&Path>) -> Result<Engine> {
        Ok(Engine {
            shop: Shop::from_opencart_logging_to(path, log_dir)?,
        })
    }

    /// The narrow handle jobs and the inbox receive.
    pub fn shop(&self) -> &Shop {
        &self.shop
    }

    /// Applies pending migrations (idempotent).
    pub async fn migrate(&self) -> Result<MigrationReport> {
        let db = self.database()?;
        let limit = self
            .config()
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

/// Order sync, the queue processor, returns and the webhook subscription, as PHP calls them.
impl Engine {
    /// A job context outside the runner, bounded by `budget`.
    pub async fn standalone_context(
        &self,
        budget: std::time::Duration,
    ) -> Result<crate::runner::JobContext> {
        let settings = self.settings().await?;
        let client = self.trendyol().await?;
        Ok(crate::runner::JobContext::standalone(
            self.database()?,
            settings,
            client,
            budget,
        ))
    }

    /// A job context whose database pool and Trendyol client are its own, for work that
    /// outlives the call that starts it: closing this engine (a PHP request ending) does not
    /// close them; the work closes them when it ends.
    async fn detached_context(
        &self,
        settings: Settings,
        budget: std::time::Duration,
    ) -> Result<crate::runner::JobContext> {
        let client_config = ClientConfig::from_settings(&settings)?;
        crate::installation::guard(&self.database()?, &settings).await?;
        let db = Database::new(
            &self.config().db,
            self.config().connect_timeout,
            self.config().query_timeout,
        )?;
        let client = TrendyolClient::new(client_config, &db)?;
        Ok(crate::runner::JobContext::standalone(
            db, settings, client, budget,
        ))
    }

    /// Worker mode: processes queue jobs as they arrive for up to `budget`.
    pub async fn work(&self, budget: std::time::Duration) -> Result<crate::runner::JobOutcome> {
        let mut ctx = self.standalone_context(budget).await?;
        ctx.trigger = "worker".into();
        let outcome = crate::processor::work(&ctx, &crate::processor::worker_id(), &|| false).await;
        // A worker's calls count like a cron run's: the API counters are the shop's whole usage.
        if let Err(e) = crate::metrics::counters::add(&ctx.db, &ctx.metrics.snapshot()).await {
            tracing::warn!("adding the worker's API counters failed: {e}");
        }
        outcome
    }

    /// The module's `addHistory` event: queues the Trendyol pushes an OpenCart status asks for.
    pub async fn order_status_changed(
        &self,
        order_id: u32,
        order_status_id: u32,
    ) -> Result<Vec<u64>> {
        let settings = self.settings().await?;
        let queued = crate::sync::orders::outbound::order_status_changed(
            &self.database()?,
            &settings,
            order_id,
            order_status_id,
        )
        .await?;
        Ok(queued.into_iter().map(|q| q.id).collect())
    }

    /// The module's stock events (an order added, edited, deleted or its status changed; a
    /// product saved): queues one coalesced stock push for the products on Trendyol.
    pub async fn stock_changed(
        &self,
        product_ids: &[u32],
    ) -> Result<crate::sync::stock::push::StockQueued> {
        let settings = self.settings().await?;
        crate::sync::stock::push::stock_changed(&self.database()?, &settings, product_ids).await
    }

    /// Queues a tracking number and/or invoice link for an order's packages.
    pub async fn push_shipment(
        &self,
        order_id: u32,
        tracking_number: &str,
        invoice_link: &str,
    ) -> Result<Vec<u64>> {
        let queued = crate::sync::orders::outbound::shipment_details(
            &self.database()?,
            order_id,
            tracking_number,
            invoice_link,
        )
        .await?;
        Ok(queued.into_iter().map(|q| q.id).collect())
    }

    pub async fn approve_claim(&self, claim_id: &str, item_ids: &[String]) -> Result<()> {
        let client = self.trendyol().await?;
        crate::sync::claims::approve(&self.database()?, &client, claim_id, item_ids).await
    }

    pub async fn reject_claim(
        &self,
        claim_id: &str,
        item_ids: &[String],
        reason_id: u64,
        description: &str,
    ) -> Result<()> {
        let client = self.trendyol().await?;
        crate::sync::claims::reject(
            &self.database()?,
            &client,
            claim_id,
            item_ids,
            reason_id,
            description,
        )
        .await
    }

    /// Registers (or updates and re-activates) the shop's webhook at `url`.
    pub async fn register_webhook(
        &self,
        url: &str,
    ) -> Result<crate::inbox::subscription::SubscriptionStatus> {
        let settings = self.settings().await?;
        let client = self.trendyol().await?;
        crate::inbox::subscription::register(&client, &settings, url).await
    }

    /// The shop's webhook as Trendyol has it (`url` empty: the first one).
    pub async fn webhook_subscription(
        &self,
        url: &str,
    ) -> Result<crate::inbox::subscription::SubscriptionStatus> {
        let client = self.trendyol().await?;
        crate::inbox::subscription::status_of(&client, url).await
    }
}

/// The admin's calls (Extensions > MesChain): thin wrappers over [`crate::admin`], which checks
/// every input. Pages that only read fall back to default settings when the stored ones do not
/// load, so a broken setting never hides the page where it is fixed.
impl Engine {
    /// The settings, or the defaults and why the stored ones did not load.
    pub(crate) async fn settings_or_defaults(&self) -> (Settings, Option<String>) {
        match self.settings().await {
            Ok(s) => (s, None),
            Err(e) => (Settings::default(), Some(e.to_string())),
        }
    }

    pub async fn dashboard(&self) -> Result<serde_json::Value> {
        let (settings, error) = self.settings_or_defaults().await;
        let mut value = admin::dashboard::dashboard(&self.database()?, &settings).await?;
        if let serde_json::Value::Object(map) = &mut value {
            map.insert("settings_error".into(), error.into());
        }
        Ok(value)
    }

    pub async fn weekly_performance(&self) -> Result<serde_json::Value> {
        admin::dashboard::weekly_performance(&self.database()?).await
    }

    pub async fn sync_logs(
        &self,
        filter: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<admin::Paged<serde_json::Value>> {
        let filter = admin::logs::LogFilter::parse(filter)?;
        admin::logs::sync_logs(&self.database()?, &filter).await
    }

    pub async fn cleanup_logs(&self, older_than_days: i64) -> Result<u64> {
        admin::logs::cleanup(&self.database()?, older_than_days).await
    }

    pub async fn alerts(
        &self,
        filter: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<admin::Paged<serde_json::Value>> {
        let filter = admin::alerts::AlertFilter::parse(filter)?;
        admin::alerts::alerts(&self.database()?, &filter).await
    }

    pub async fn acknowledge_alerts(&self, ids: &[serde_json::Value], user_id: i64) -> Result<u64> {
        let ids = admin::positive_ids("ids", ids)?;
        admin::alerts::acknowledge(&self.database()?, &ids, user_id).await
    }

    pub async fn queue_stats(&self) -> Result<serde_json::Value> {
        admin::dead_letter::queue_stats(&self.database()?).await
    }

    pub async fn dead_jobs(&self, limit: i64, offset: i64) -> Result<serde_json::Value> {
        admin::dead_letter::dead_jobs(&self.database()?, limit, offset).await
    }

    pub async fn replay_jobs(&self, ids: &[serde_json::Value]) -> Result<u64> {
        let ids = admin::positive_ids("ids", ids)?;
        admin::dead_letter::replay(&self.database()?, &ids).await
    }

    pub async fn discard_jobs(&self, ids: &[serde_json::Value]) -> Result<u64> {
        let ids = admin::positive_ids("ids", ids)?;
        admin::dead_letter::discard(&self.database()?, &ids).await
    }

    /// A manual sync button: queues `job` unless it is already pending or running. Refused
    /// ([`Error::SwitchedOff`]) while MesChain is switched off.
    pub async fn enqueue_manual(
        &self,
        job: &str,
        payload: serde_json::Map<String, serde_json::Value>,
    ) -> Result<admin::manual_sync::Queued> {
        let job = admin::manual_sync::parse_job(job)?;
        let settings = self.settings().await?;
        admin::manual_sync::enqueue(&self.database()?, &settings, job, payload).await
    }

    /// Starts the queued manual sync `queue_id` now, in a task of this process, and returns at
    /// once (see [`crate::processor::start`]). The run gets the max execution time from the
    /// settings, a pool and Trendyol client of its own, and outlives this engine.
    pub async fn start_manual(&self, queue_id: i64) -> Result<crate::processor::Started> {
        let queue_id = admin::manual_sync::parse_queue_id(queue_id)?;
        let settings = self.settings().await?;
        admin::manual_sync::switched_on(
            &settings,
            &format!("queue job {queue_id} was not started"),
        )?;
        let budget = std::time::Duration::from_secs(settings.max_execution_time.into());
        let context = async {
            let mut ctx = self.detached_context(settings, budget).await?;
            ctx.trigger = "admin".into();
            Ok(ctx)
        };
        crate::processor::start(&self.database()?, queue_id, context).await
    }

    pub async fn queue_job(&self, queue_id: i64) -> Result<serde_json::Value> {
        admin::manual_sync::job(&self.database()?, queue_id).await
    }

    pub async fn product_statuses(
        &self,
        filter: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<serde_json::Value> {
        let filter = admin::products::ProductFilter::parse(filter)?;
        let (settings, _) = self.settings_or_defaults().await;
        admin::products::product_statuses(&self.database()?, settings.language_id, &filter).await
    }

    pub async fn returns(
        &self,
        filter: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<admin::Paged<serde_json::Value>> {
        let filter = admin::returns::ReturnFilter::parse(filter)?;
        admin::returns::returns(&self.database()?, &filter).await
    }

    pub async fn mappings(
        &self,
        kind: &str,
        filter: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<serde_json::Value> {
        let kind = admin::mappings::Kind::parse(kind)?;
        let (settings, _) = self.settings_or_defaults().await;
        admin::mappings::list(&self.database()?, settings.language_id, kind, filter).await
    }

    pub async fn save_mapping(
        &self,
        kind: &str,
        row: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<serde_json::Value> {
        let kind = admin::mappings::Kind::parse(kind)?;
        admin::mappings::save(&self.database()?, kind, row).await
    }

    pub async fn delete_mapping(
        &self,
        kind: &str,
        key: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<u64> {
        let kind = admin::mappings::Kind::parse(kind)?;
        admin::mappings::delete(&self.database()?, kind, key).await
    }

    /// The stored price rules (`global`, `categories`, `brands`), with OpenCart names.
    pub async fn price_rules(&self) -> Result<serde_json::Value> {
        let (settings, _) = self.settings_or_defaults().await;
        admin::price_rules::get(&self.database()?, settings.language_id).await
    }

    /// Checks a whole rule set and replaces the stored one with it.
    pub async fn save_price_rules(
        &self,
        rules: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<serde_json::Value> {
        let (settings, _) = self.settings_or_defaults().await;
        admin::price_rules::save(&self.database()?, settings.language_id, rules).await
    }

    /// Checks a rule set (shape, ranges, OpenCart ids) without saving it.
    pub async fn validate_price_rules(
        &self,
        rules: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<()> {
        let parsed = admin::price_rules::parse(rules)?;
        admin::price_rules::check_ids(&self.database()?, &parsed).await
    }

    /// What `product_ids` would cost on Trendyol under `rules` (not saved).
    pub async fn preview_prices(
        &self,
        rules: &serde_json::Map<String, serde_json::Value>,
        product_ids: &[serde_json::Value],
    ) -> Result<serde_json::Value> {
        let (settings, _) = self.settings_or_defaults().await;
        admin::price_rules::preview(&self.database()?, &settings, rules, product_ids).await
    }

    pub async fn settings_form(&self) -> Result<Vec<admin::settings_form::FormField>> {
        admin::settings_form::settings_form(&self.database()?).await
    }

    pub async fn save_settings(
        &self,
        values: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<()> {
        admin::settings_form::save(&self.database()?, values).await
    }

    pub async fn validate_settings(
        &self,
        values: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<std::collections::BTreeMap<String, String>> {
        admin::settings_form::validate(&self.database()?, values).await
    }

    pub async fn requirements(&self) -> Result<serde_json::Value> {
        let (settings, error) = self.settings_or_defaults().await;
        let log_dir = self
            .config()
            .log_dir
            .clone()
            .unwrap_or_else(|| settings.log_dir.clone());
        admin::requirements::requirements(&self.database()?, &log_dir, error).await
    }

    /// The Setup tab's crontab block (no I/O).
    pub fn cron_script(
        &self,
        options: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<String> {
        let options = admin::cron_script::CronOptions::parse(options)?;
        Ok(admin::cron_script::cron_script(&options))
    }
}

/// The running system: job runs, the orchestrator, alerts, metrics, maintenance.
impl Engine {
    /// Runs one job (`product_sync`, `order_sync`, `stock_sync`, `webhook_processor`), or the
    /// orchestrator's tick for `trendyol_sync` (reported as one run, the worst of its jobs, with
    /// the tick's own sync-log row).
    pub async fn run(
        &self,
        job: &str,
        options: &crate::runner::RunOptions,
    ) -> Result<crate::runner::RunReport> {
        if job == crate::jobs::orchestrator().name {
            let tick = crate::runner::run_tick(self, options).await?;
            let sum = |f: fn(&crate::runner::RunReport) -> u64| tick.runs.iter().map(f).sum();
            return Ok(crate::runner::RunReport {
                job: job.to_string(),
                status: tick.status,
                sync_log_id: tick.sync_log_id,
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

    /// Deletes rows past the retention and optimizes the sync tables, as a run with its own
    /// `maintenance` sync-log row (so Monitoring and the Logs tab show it like the other jobs).
    pub async fn maintenance(&self) -> Result<crate::runner::maintenance::MaintenanceReport> {
        let settings = self.settings().await?;
        crate::runner::maintenance::run_logged(&self.database()?, &settings, "cron").await
    }
}

/// The staging-clone guard (see [`crate::installation`]).
impl Engine {
    /// Accepts the current database and server as this shop's installation, after a move or a
    /// deliberate copy; production calls work again. Returns where the installation now is.
    pub async fn confirm_installation(&self) -> Result<String> {
        let settings = self.settings().await?;
        crate::installation::confirm(&self.database()?, &settings).await
    }
}
