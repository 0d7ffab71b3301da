//! The `meschain` PHP extension: a thin bridge between OpenCart's PHP and the engine.
//!
//! Everything PHP-specific lives here and only here: the `MesChain\Engine` class, the exception
//! hierarchy, and array conversions. Each PHP call is a synchronous wrapper that
//! 1. converts its arguments into engine types,
//! 2. runs the engine's async code on the per-process runtime (fork-safe, built lazily),
//! 3. turns any error — or a Rust panic, caught here — into a `MesChain\...Exception`.
//!
//! No Zval is ever touched from a tokio thread: conversions happen before and after the
//! blocking call, on PHP's own thread.
#![cfg_attr(windows, feature(abi_vectorcall))]

mod convert;
mod exceptions;
mod registry;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::{Arc, Once};

use ext_php_rs::binary_slice::BinarySlice;
use ext_php_rs::boxed::ZBox;
use ext_php_rs::prelude::*;
use ext_php_rs::types::ZendHashTable;
use meschain_engine::config::EngineConfig;
use meschain_engine::shop::Shop;
use meschain_engine::{engine_cache, runtime, Engine, Error};
use serde::Serialize;

/// Runs `work`, converting an engine error or a panic into a PHP exception.
fn guarded<T>(work: impl FnOnce() -> Result<T, Error>) -> PhpResult<T> {
    install_panic_hook();
    match catch_unwind(AssertUnwindSafe(work)) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => Err(exceptions::to_php(error)),
        Err(payload) => Err(exceptions::to_php(Error::Internal(format!(
            "the engine panicked: {}",
            panic_message(payload.as_ref())
        )))),
    }
}

/// Like [`guarded`] for async engine work, run to completion on this process's runtime.
fn blocking<T>(work: impl std::future::Future<Output = Result<T, Error>>) -> PhpResult<T> {
    guarded(|| runtime::block_on(work)?)
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "non-string panic payload".to_string()
    }
}

/// Sends panic reports to the engine's log instead of the PHP process's stderr (which, under
/// php-fpm, is the web server's error log and, under cron, an e-mail to root). The panic itself
/// still becomes a `MesChain\InternalException`.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let location = info
                .location()
                .map(|l| format!("{}:{}", l.file(), l.line()))
                .unwrap_or_default();
            tracing::error!(%location, "panic: {}", panic_message(info.payload()));
        }));
    });
}

/// A PHP int that must be a positive 32-bit id.
fn positive_id(value: i64, name: &str) -> Result<u32, Error> {
    u32::try_from(value)
        .ok()
        .filter(|v| *v > 0)
        .ok_or_else(|| Error::Config(format!("{name} must be a positive id, got {value}")))
}

/// A PHP list of strings (ids), or none.
fn string_list(array: Option<&ZendHashTable>) -> Result<Vec<String>, Error> {
    let Some(array) = array else {
        return Ok(Vec::new());
    };
    match convert::array_to_value(array, 0).map_err(Error::Config)? {
        serde_json::Value::Array(items) => items
            .into_iter()
            .map(|v| match v {
                serde_json::Value::String(s) if !s.trim().is_empty() => Ok(s),
                serde_json::Value::Number(n) => Ok(n.to_string()),
                other => Err(Error::Config(format!(
                    "expected a list of ids, found {other}"
                ))),
            })
            .collect(),
        serde_json::Value::Object(map) if map.is_empty() => Ok(Vec::new()),
        _ => Err(Error::Config("expected a list of ids".into())),
    }
}

fn to_array<T: Serialize>(value: &T) -> Result<ZBox<ZendHashTable>, Error> {
    let json = serde_json::to_value(value).map_err(|e| Error::Internal(e.to_string()))?;
    convert::value_to_array(&json).map_err(Error::Internal)
}

/// An optional PHP array that must be associative (an empty array counts as one).
fn assoc(
    array: Option<&ZendHashTable>,
    what: &str,
) -> Result<serde_json::Map<String, serde_json::Value>, Error> {
    match array {
        None => Ok(serde_json::Map::new()),
        Some(array) => match convert::array_to_value(array, 0).map_err(Error::Config)? {
            serde_json::Value::Object(map) => Ok(map),
            serde_json::Value::Array(list) if list.is_empty() => Ok(serde_json::Map::new()),
            _ => Err(Error::Config(format!(
                "{what} must be an associative array (key => value)"
            ))),
        },
    }
}

/// A PHP array read as a list of its values (keys ignored), for id lists.
fn values(array: &ZendHashTable, what: &str) -> Result<Vec<serde_json::Value>, Error> {
    match convert::array_to_value(array, 0).map_err(Error::Config)? {
        serde_json::Value::Array(list) => Ok(list),
        serde_json::Value::Object(map) => Ok(map.into_iter().map(|(_, v)| v).collect()),
        _ => Err(Error::Config(format!("{what} must be an array"))),
    }
}

/// MesChain's engine for one shop.
///
/// ```php
/// $engine = MesChain\Engine::fromOpenCart('/var/www/opencart/config.php');
/// $engine->migrate();
/// print_r($engine->status());
/// ```
#[php_class]
#[php(name = "MesChain\\Engine")]
pub struct PhpEngine {
    inner: Arc<Engine>,
}

#[php_impl]
impl PhpEngine {
    /// Creates an engine from an OpenCart `config.php` (read as text, never executed).
    /// `$options` may hold `log_dir` (an absolute path) to log there instead of the `log_dir`
    /// setting; the cron scripts pass the directory scripts/setup_cron_jobs.sh was given.
    ///
    /// @throws \MesChain\ConfigException when the file is missing or lacks usable DB_* values,
    /// or on an unknown option.
    #[php(name = "fromOpenCart")]
    #[php(optional = options)]
    pub fn from_open_cart(
        config_php_path: String,
        options: Option<&ZendHashTable>,
    ) -> PhpResult<PhpEngine> {
        guarded(|| {
            let options = assoc(options, "fromOpenCart() options")?;
            let mut log_dir = None;
            for (key, value) in &options {
                match (key.as_str(), value) {
                    ("log_dir", serde_json::Value::String(dir)) if !dir.is_empty() => {
                        log_dir = Some(std::path::PathBuf::from(dir));
                    }
                    ("log_dir", serde_json::Value::Null) => {}
                    ("log_dir", _) => {
                        return Err(Error::Config(
                            "fromOpenCart() option log_dir must be an absolute path".into(),
                        ))
                    }
                    (other, _) => {
                        return Err(Error::Config(format!(
                            "unknown fromOpenCart() option {other:?}: the only option is log_dir"
                        )))
                    }
                }
            }
            // This process's engine for the shop, reused across requests (see engine_cache).
            let config = Shop::opencart_config(Path::new(&config_php_path), log_dir.as_deref())?;
            Ok(PhpEngine {
                inner: engine_cache::shared(config)?,
            })
        })
    }

    /// Creates an engine from explicit settings: `hostname`, `port`, `socket`, `username`,
    /// `password`, `database`, `prefix`, `settings` (overrides), `log_dir`, `connect_timeout`,
    /// `query_timeout`. Unknown keys are rejected.
    ///
    /// @throws \MesChain\ConfigException on an unknown key or an unusable value.
    #[php(name = "fromArray")]
    pub fn from_array(config: &ZendHashTable) -> PhpResult<PhpEngine> {
        guarded(|| {
            let value = convert::array_to_value(config, 0).map_err(Error::Config)?;
            let map = match value {
                serde_json::Value::Object(map) => map,
                serde_json::Value::Array(list) if list.is_empty() => serde_json::Map::new(),
                _ => {
                    return Err(Error::Config(
                        "Engine::fromArray() needs an associative array (key => value)".into(),
                    ))
                }
            };
            Ok(PhpEngine {
                inner: engine_cache::shared(EngineConfig::from_map(&map)?)?,
            })
        })
    }

    /// Creates or upgrades MesChain's tables. Idempotent.
    ///
    /// Returns `['applied' => int[], 'schema_version' => int]`.
    pub fn migrate(&self) -> PhpResult<ZBox<ZendHashTable>> {
        let engine = self.inner.clone();
        let report = blocking(async move { engine.migrate().await })?;
        guarded(|| {
            to_array(&serde_json::json!({
                "applied": report.applied,
                "schema_version": report.schema_version,
            }))
        })
    }

    /// Accepts this database and server as the shop's installation after a move or a deliberate
    /// copy. A database copied to another place refuses production Trendyol calls (a
    /// `ConfigException` naming this method) until an admin confirms here.
    ///
    /// Returns `['installation' => string]`: where the installation now is.
    #[php(name = "confirmInstallation")]
    pub fn confirm_installation(&self) -> PhpResult<ZBox<ZendHashTable>> {
        let engine = self.inner.clone();
        let place = blocking(async move { engine.confirm_installation().await })?;
        guarded(|| to_array(&serde_json::json!({ "installation": place })))
    }

    /// Version, schema version, tables present, settings (secrets shown only as set/unset),
    /// log directory.
    pub fn status(&self) -> PhpResult<ZBox<ZendHashTable>> {
        let engine = self.inner.clone();
        let status = blocking(async move { engine.status().await })?;
        guarded(|| to_array(&status))
    }

    /// The module settings, validated, with secrets reduced to `*_set` flags.
    pub fn settings(&self) -> PhpResult<ZBox<ZendHashTable>> {
        let engine = self.inner.clone();
        let settings = blocking(async move { engine.settings().await })?;
        guarded(|| to_array(&settings.to_public_map()))
    }

    /// The Trendyol API address the settings point at: production, stage, or the sandbox URL.
    /// `meschain doctor` reads the clock from there (Trendyol refuses signed requests from a
    /// server whose clock is far off, and the rate limiter's windows assume one time).
    #[php(name = "apiBaseUrl")]
    pub fn api_base_url(&self) -> PhpResult<String> {
        let engine = self.inner.clone();
        let settings = blocking(async move { engine.settings().await })?;
        Ok(settings.api_base_url().to_string())
    }

    /// One read-only Trendyol lookup through the shop's shared rate limiter: `brands`,
    /// `brand_by_name`, `categories`, `category_attributes`, `attribute_values`,
    /// `cargo_providers`, `claim_issue_reasons`, `webhooks`, `batch_result`, `orders`,
    /// `approved_products`, `unapproved_products`. Returns Trendyol's answer as an array.
    ///
    /// @throws \MesChain\ConfigException on an unknown operation or parameter, or missing credentials.
    /// @throws \MesChain\ApiException when Trendyol refuses or cannot be reached (see getCode()).
    #[php(name = "trendyolRead")]
    #[php(optional = params)]
    pub fn trendyol_read(
        &self,
        operation: String,
        params: Option<&ZendHashTable>,
    ) -> PhpResult<ZBox<ZendHashTable>> {
        let params = guarded(|| match params {
            None => Ok(serde_json::Map::new()),
            Some(array) => match convert::array_to_value(array, 0).map_err(Error::Config)? {
                serde_json::Value::Object(map) => Ok(map),
                serde_json::Value::Array(list) if list.is_empty() => Ok(serde_json::Map::new()),
                _ => Err(Error::Config(
                    "trendyolRead() parameters must be an associative array".into(),
                )),
            },
        })?;
        let engine = self.inner.clone();
        let answer = blocking(async move { engine.trendyol_read(&operation, &params).await })?;
        guarded(|| convert::value_to_array(&answer).map_err(Error::Internal))
    }

    /// Takes one Trendyol webhook delivery in: checks the credential, stores each package's event
    /// in the queue (deduplicated) and logs it. `$rawBody` is the request body byte for byte
    /// (`file_get_contents('php://input')`); `$headers` maps names (any case) to a value or a
    /// list of values. Never throws for a bad delivery or a database failure: answer the
    /// returned `status` (200 stored, 400/413 bad body, 401 credentials, 429 cooling down with
    /// `retry_after` seconds, 500 not stored). Pass `$screened = true` when screenWebhook()
    /// has just let this request through, so it is not screened twice.
    ///
    /// Returns `['status' => int, 'verdict' => string, 'reason' => string, 'packages' => int,
    /// 'queued' => int, 'duplicates' => int, 'retry_after' => int]` (`retry_after` 0 unless 429).
    #[php(name = "acceptWebhook")]
    #[php(optional = remote_ip)]
    pub fn accept_webhook(
        &self,
        raw_body: BinarySlice<u8>,
        headers: &ZendHashTable,
        remote_ip: Option<String>,
        screened: Option<bool>,
    ) -> PhpResult<ZBox<ZendHashTable>> {
        let headers = guarded(|| Ok(convert::header_pairs(headers)))?;
        let body: &[u8] = raw_body.into();
        let remote_ip = remote_ip.unwrap_or_default();
        let engine = self.inner.clone();
        let verdict = blocking(async {
            let delivery = meschain_engine::inbox::Delivery {
                body,
                headers: &headers,
                remote_ip: &remote_ip,
            };
            Ok(if screened.unwrap_or(false) {
                meschain_engine::inbox::accept_screened(&engine, &delivery).await
            } else {
                engine.accept_webhook(&delivery).await
            })
        })?;
        guarded(|| {
            to_array(&serde_json::json!({
                "status": verdict.http_status,
                "verdict": verdict.verdict,
                "reason": verdict.reason,
                "packages": verdict.packages,
                "queued": verdict.queued,
                "duplicates": verdict.duplicates,
                "retry_after": verdict.retry_after.unwrap_or(0),
            }))
        })
    }

    /// The first look at a webhook request, before its body is read: the sender's credential
    /// and standing, from this process's memory (the settings are read at most every few
    /// seconds). A bad credential is refused here without a database round trip; a source
    /// that keeps failing is answered 429 for a cool-down; refusals are logged as one row per
    /// interval. Never throws.
    ///
    /// Returns `['status' => 0]` when the request may go on to acceptWebhook(), else the
    /// answer: `['status' => 401|429, 'verdict' => string, 'reason' => string,
    /// 'retry_after' => int]`.
    #[php(name = "screenWebhook")]
    #[php(optional = remote_ip)]
    pub fn screen_webhook(
        &self,
        headers: &ZendHashTable,
        remote_ip: Option<String>,
    ) -> PhpResult<ZBox<ZendHashTable>> {
        let headers = guarded(|| Ok(convert::header_pairs(headers)))?;
        let remote_ip = remote_ip.unwrap_or_default();
        let engine = self.inner.clone();
        let screen = blocking(async {
            let delivery = meschain_engine::inbox::Delivery {
                body: &[],
                headers: &headers,
                remote_ip: &remote_ip,
            };
            Ok(meschain_engine::inbox::gate::screen(&engine, &delivery).await)
        })?;
        guarded(|| match screen {
            meschain_engine::inbox::gate::Screen::Pass => {
                to_array(&serde_json::json!({ "status": 0 }))
            }
            meschain_engine::inbox::gate::Screen::Refuse(verdict) => to_array(&serde_json::json!({
                "status": verdict.http_status,
                "verdict": verdict.verdict,
                "reason": verdict.reason,
                "retry_after": verdict.retry_after.unwrap_or(0),
            })),
        })
    }

    /// The largest webhook body the engine takes, in bytes: the route refuses a longer one
    /// (413) from its Content-Length or while reading, before the engine sees it.
    #[php(name = "webhookBodyLimit")]
    pub fn webhook_body_limit() -> i64 {
        meschain_engine::inbox::MAX_BODY_BYTES as i64
    }

    /// Worker mode: processes queued jobs (webhook events, status pushes) as they arrive, for
    /// up to `max_seconds` (1–300, default 5), then returns so the PHP loop can check its
    /// signals. Returns the run's outcome (`items_ok`, `items_failed`, `message`, `details`).
    ///
    /// @throws \MesChain\ConfigException when the settings are unusable.
    #[php(optional = max_seconds)]
    pub fn work(&self, max_seconds: Option<i64>) -> PhpResult<ZBox<ZendHashTable>> {
        let seconds = max_seconds.unwrap_or(5);
        let budget = guarded(|| {
            if !(1..=300).contains(&seconds) {
                return Err(Error::Config(format!(
                    "work() takes 1 to 300 seconds, got {seconds}"
                )));
            }
            Ok(std::time::Duration::from_secs(seconds as u64))
        })?;
        let engine = self.inner.clone();
        let outcome = blocking(async move { engine.work(budget).await })?;
        guarded(|| to_array(&outcome))
    }

    /// Tells MesChain an OpenCart order's status changed (the module's `addHistory` event).
    /// Queues `Picking` / `Invoiced` for its Trendyol packages when the status asks for it;
    /// returns the queued job ids (empty for other orders and statuses).
    #[php(name = "orderStatusChanged")]
    pub fn order_status_changed(
        &self,
        order_id: i64,
        order_status_id: i64,
    ) -> PhpResult<ZBox<ZendHashTable>> {
        let (order_id, status_id) = guarded(|| {
            Ok((
                positive_id(order_id, "order_id")?,
                positive_id(order_status_id, "order_status_id")?,
            ))
        })?;
        let engine = self.inner.clone();
        let ids = blocking(async move { engine.order_status_changed(order_id, status_id).await })?;
        guarded(|| to_array(&ids))
    }

    /// Tells MesChain that OpenCart changed the stock of these products (the module's order and
    /// product events). Queues one coalesced stock push for those on Trendyol, which a worker
    /// sends within seconds with OpenCart's quantity at that moment. Returns `[queue_id,
    /// created, product_ids, skipped]`: `queue_id` 0 and the reason in `skipped` when nothing
    /// was queued (MesChain or stock sync switched off, no product on Trendyol).
    ///
    /// @throws \MesChain\ConfigException when an id is not a positive integer or there are more than 1000.
    #[php(name = "stockChanged")]
    pub fn stock_changed(&self, product_ids: &ZendHashTable) -> PhpResult<ZBox<ZendHashTable>> {
        let ids = guarded(|| {
            values(product_ids, "stockChanged() product ids")?
                .iter()
                .map(|v| {
                    let id = match v {
                        serde_json::Value::Number(n) => n.as_i64(),
                        serde_json::Value::String(s) => s.trim().parse::<i64>().ok(),
                        _ => None,
                    };
                    id.ok_or_else(|| {
                        Error::Config(format!("stockChanged() takes product ids, got {v}"))
                    })
                    .and_then(|id| positive_id(id, "product_id"))
                })
                .collect::<Result<Vec<u32>, Error>>()
        })?;
        let engine = self.inner.clone();
        let queued = blocking(async move { engine.stock_changed(&ids).await })?;
        guarded(|| to_array(&queued))
    }

    /// Queues a tracking number and/or an invoice link for a Trendyol order's packages.
    ///
    /// @throws \MesChain\ConfigException when the order is not a Trendyol order or a value is unusable.
    #[php(name = "pushShipment")]
    pub fn push_shipment(
        &self,
        order_id: i64,
        tracking_number: String,
        invoice_link: String,
    ) -> PhpResult<ZBox<ZendHashTable>> {
        let order_id = guarded(|| positive_id(order_id, "order_id"))?;
        let engine = self.inner.clone();
        let ids = blocking(async move {
            engine
                .push_shipment(order_id, &tracking_number, &invoice_link)
                .await
        })?;
        guarded(|| to_array(&ids))
    }

    /// Approves a return (claim) with Trendyol; `$claimItemIds` empty means every item.
    #[php(name = "approveClaim")]
    #[php(optional = claim_item_ids)]
    pub fn approve_claim(
        &self,
        claim_id: String,
        claim_item_ids: Option<&ZendHashTable>,
    ) -> PhpResult<bool> {
        let items = guarded(|| string_list(claim_item_ids))?;
        let engine = self.inner.clone();
        blocking(async move { engine.approve_claim(&claim_id, &items).await })?;
        Ok(true)
    }

    /// Rejects a return (claim) with a reason id (`trendyolRead('claim_issue_reasons')`) and a
    /// description (1–500 characters); `$claimItemIds` empty means every item.
    #[php(name = "rejectClaim")]
    pub fn reject_claim(
        &self,
        claim_id: String,
        claim_item_ids: &ZendHashTable,
        reason_id: i64,
        description: String,
    ) -> PhpResult<bool> {
        let (items, reason) = guarded(|| {
            Ok((
                string_list(Some(claim_item_ids))?,
                u64::from(positive_id(reason_id, "reason_id")?),
            ))
        })?;
        let engine = self.inner.clone();
        blocking(async move {
            engine
                .reject_claim(&claim_id, &items, reason, &description)
                .await
        })?;
        Ok(true)
    }

    /// Registers the shop's order webhook with Trendyol at `$url` (or updates and re-activates
    /// it), with the webhook credentials from the settings. Returns the subscription.
    #[php(name = "registerWebhook")]
    pub fn register_webhook(&self, url: String) -> PhpResult<ZBox<ZendHashTable>> {
        let engine = self.inner.clone();
        let status = blocking(async move { engine.register_webhook(&url).await })?;
        guarded(|| to_array(&status))
    }

    /// The shop's webhook as Trendyol has it (`registered`, `active`, `status`, `url`, `id`).
    #[php(name = "webhookSubscription")]
    #[php(optional = url)]
    pub fn webhook_subscription(&self, url: Option<String>) -> PhpResult<ZBox<ZendHashTable>> {
        let engine = self.inner.clone();
        let url = url.unwrap_or_default();
        let status = blocking(async move { engine.webhook_subscription(&url).await })?;
        guarded(|| to_array(&status))
    }

    /// The Monitoring tab: per job (`product_sync`, `order_sync`, `stock_sync`,
    /// `webhook_processor`, `trendyol_sync`) `enabled`, `interval_minutes`, `last_run`,
    /// `next_due_at`, `running`; `today` per job (`runs`, `ok`, `partial`, `failed`, `items_ok`,
    /// `items_failed`, `api_calls`, `avg_duration_ms`); `queue` (`priorities` 1..4 with `pending`,
    /// `processing`, `failed`, `dead`, `oldest_pending_age_s`; `dead_total`); `alerts_open`;
    /// `last_order_at`; `webhook` (`deliveries_24h`, `rejected_24h`, `last_received_at`);
    /// `status_enabled`; `settings_error`. Dates are `Y-m-d H:i:s` UTC.
    pub fn dashboard(&self) -> PhpResult<ZBox<ZendHashTable>> {
        let engine = self.inner.clone();
        let value = blocking(async move { engine.dashboard().await })?;
        guarded(|| to_array(&value))
    }

    /// The last seven UTC days, oldest first: `[date, jobs => [job => [runs, items_ok,
    /// items_failed, avg_duration_ms, api_calls, failed]]]`, zeros where nothing ran.
    #[php(name = "weeklyPerformance")]
    pub fn weekly_performance(&self) -> PhpResult<ZBox<ZendHashTable>> {
        let engine = self.inner.clone();
        let value = blocking(async move { engine.weekly_performance().await })?;
        guarded(|| to_array(&value))
    }

    /// Job runs, newest first. Filter: `sync_type`, `status` (running, ok, partial, failed,
    /// skipped, locked), `page` (from 1), `limit` (1..100, default 25), `since_id` (live view).
    /// Returns `[total, page, limit, rows]`, each row every column with `details` decoded.
    ///
    /// @throws \MesChain\ConfigException on an unknown key or a bad value (the message names it).
    #[php(name = "syncLogs")]
    #[php(optional = filter)]
    pub fn sync_logs(&self, filter: Option<&ZendHashTable>) -> PhpResult<ZBox<ZendHashTable>> {
        let filter = guarded(|| assoc(filter, "syncLogs() filter"))?;
        let engine = self.inner.clone();
        let page = blocking(async move { engine.sync_logs(&filter).await })?;
        guarded(|| to_array(&page))
    }

    /// Deletes sync log rows older than `$olderThanDays` (1..3650). Returns `['deleted' => int]`.
    #[php(name = "cleanupLogs")]
    pub fn cleanup_logs(&self, older_than_days: i64) -> PhpResult<ZBox<ZendHashTable>> {
        let engine = self.inner.clone();
        let deleted = blocking(async move { engine.cleanup_logs(older_than_days).await })?;
        guarded(|| to_array(&serde_json::json!({ "deleted": deleted })))
    }

    /// Alerts, most recently seen first. Filter: `state` (open, acknowledged, all; default
    /// open), `page`, `limit`. Returns `[total, page, limit, rows]`.
    #[php(optional = filter)]
    pub fn alerts(&self, filter: Option<&ZendHashTable>) -> PhpResult<ZBox<ZendHashTable>> {
        let filter = guarded(|| assoc(filter, "alerts() filter"))?;
        let engine = self.inner.clone();
        let page = blocking(async move { engine.alerts(&filter).await })?;
        guarded(|| to_array(&page))
    }

    /// Acknowledges the open alerts among `$ids` for OpenCart user `$userId`; returns how many.
    #[php(name = "acknowledgeAlerts")]
    pub fn acknowledge_alerts(&self, ids: &ZendHashTable, user_id: i64) -> PhpResult<i64> {
        let ids = guarded(|| values(ids, "acknowledgeAlerts() ids"))?;
        let engine = self.inner.clone();
        let n = blocking(async move { engine.acknowledge_alerts(&ids, user_id).await })?;
        Ok(n as i64)
    }

    /// The queue per priority (`by_priority`: pending, ready, oldest_ready_age_secs, running,
    /// expired_leases, dead) and per status (`by_status`), with `pending_total` and `dead_total`.
    #[php(name = "queueStats")]
    pub fn queue_stats(&self) -> PhpResult<ZBox<ZendHashTable>> {
        let engine = self.inner.clone();
        let value = blocking(async move { engine.queue_stats().await })?;
        guarded(|| to_array(&value))
    }

    /// The dead letter, most recently dead first (`$limit` 1..500).
    #[php(name = "deadJobs")]
    #[php(defaults(limit = 50, offset = 0))]
    pub fn dead_jobs(&self, limit: i64, offset: i64) -> PhpResult<ZBox<ZendHashTable>> {
        let engine = self.inner.clone();
        let value = blocking(async move { engine.dead_jobs(limit, offset).await })?;
        guarded(|| to_array(&value))
    }

    /// Sends dead jobs back to the queue; returns how many. Ids must be positive integers.
    #[php(name = "replayJobs")]
    pub fn replay_jobs(&self, ids: &ZendHashTable) -> PhpResult<i64> {
        let ids = guarded(|| values(ids, "replayJobs() ids"))?;
        let engine = self.inner.clone();
        let n = blocking(async move { engine.replay_jobs(&ids).await })?;
        Ok(n as i64)
    }

    /// Gives up on dead jobs; returns how many. Ids must be positive integers.
    #[php(name = "discardJobs")]
    pub fn discard_jobs(&self, ids: &ZendHashTable) -> PhpResult<i64> {
        let ids = guarded(|| values(ids, "discardJobs() ids"))?;
        let engine = self.inner.clone();
        let n = blocking(async move { engine.discard_jobs(&ids).await })?;
        Ok(n as i64)
    }

    /// A manual sync: queues `$job` (product_sync, order_sync, stock_sync, webhook_processor,
    /// full_sync) and returns at once with `[queue_id, created, job, priority]`; `created` is
    /// false when the same job was already pending or running (a double click queues it once).
    /// Pass the queue id to startJob() to run it now.
    ///
    /// @throws \MesChain\ConfigException code 120 when MesChain is switched off in Settings
    /// (Status): nothing was queued.
    #[php(optional = payload)]
    pub fn enqueue(
        &self,
        job: String,
        payload: Option<&ZendHashTable>,
    ) -> PhpResult<ZBox<ZendHashTable>> {
        let payload = guarded(|| assoc(payload, "enqueue() payload"))?;
        let engine = self.inner.clone();
        let queued = blocking(async move { engine.enqueue_manual(&job, payload).await })?;
        guarded(|| to_array(&queued))
    }

    /// A queue job's progress: `status`, `attempts`, `max_attempts`, `last_error`,
    /// `created_at`, `processed_at`, `worker` (`host:pid` while running), `started_at` (when
    /// the latest attempt began), `lease_expires_at`, …
    ///
    /// @throws \MesChain\ConfigException when there is no such job.
    pub fn job(&self, queue_id: i64) -> PhpResult<ZBox<ZendHashTable>> {
        let engine = self.inner.clone();
        let value = blocking(async move { engine.queue_job(queue_id).await })?;
        guarded(|| to_array(&value))
    }

    /// Starts the manual sync `$queue_id` (from enqueue()) now, in the background of this PHP
    /// process, and returns at once; poll job() for its progress. The job runs even when its
    /// own switch or webhook processing is off (the switches govern automatic runs). If this
    /// process ends first, the job's lease runs out and a worker or cron run takes it over.
    /// A job waiting out a retry's backoff is started too; one already running (here or
    /// elsewhere) or finished is left as it is.
    ///
    /// Returns `['started' => bool, 'queue_id' => int, 'status' => string, 'reason' =>
    /// 'started'|'already_running'|'finished'|'not_manual', 'message' =>
    /// string, 'worker' => ?string]`.
    ///
    /// @throws \MesChain\ConfigException when there is no such job (code 100), or code 120
    /// when MesChain is switched off in Settings (Status).
    pub fn start_job(&self, queue_id: i64) -> PhpResult<ZBox<ZendHashTable>> {
        let engine = self.inner.clone();
        let started = blocking(async move { engine.start_manual(queue_id).await })?;
        guarded(|| to_array(&started))
    }

    /// Per-product sync state. Filter: `sync_status` (pending, submitted, approved, rejected,
    /// failed, invalid), `search` (name or barcode), `page`, `limit`. Returns `[total, page,
    /// limit, rows, counts]`; rows carry `reasons` as a list of strings.
    #[php(name = "productStatuses")]
    #[php(optional = filter)]
    pub fn product_statuses(
        &self,
        filter: Option<&ZendHashTable>,
    ) -> PhpResult<ZBox<ZendHashTable>> {
        let filter = guarded(|| assoc(filter, "productStatuses() filter"))?;
        let engine = self.inner.clone();
        let value = blocking(async move { engine.product_statuses(&filter).await })?;
        guarded(|| to_array(&value))
    }

    /// Trendyol claims. Filter: `status`, `page`, `limit`. Returns `[total, page, limit, rows]`.
    #[php(optional = filter)]
    pub fn returns(&self, filter: Option<&ZendHashTable>) -> PhpResult<ZBox<ZendHashTable>> {
        let filter = guarded(|| assoc(filter, "returns() filter"))?;
        let engine = self.inner.clone();
        let page = blocking(async move { engine.returns(&filter).await })?;
        guarded(|| to_array(&page))
    }

    /// One kind of mapping (category, brand, attribute, attribute_value, vat, order_status),
    /// OpenCart's rows with their mapping, unmapped ones included (`unmapped_only` to see only
    /// those). Filters: `search`, `unmapped_only`, `page`, `limit`; attribute also
    /// `trendyol_category_id`; attribute_value needs `attribute_map_id`.
    #[php(optional = filter)]
    pub fn mappings(
        &self,
        kind: String,
        filter: Option<&ZendHashTable>,
    ) -> PhpResult<ZBox<ZendHashTable>> {
        let filter = guarded(|| assoc(filter, "mappings() filter"))?;
        let engine = self.inner.clone();
        let value = blocking(async move { engine.mappings(&kind, &filter).await })?;
        guarded(|| to_array(&value))
    }

    /// Saves one mapping row after checking all of it; returns the row as stored.
    ///
    /// @throws \MesChain\ConfigException naming the bad field; nothing is written then.
    #[php(name = "saveMapping")]
    pub fn save_mapping(
        &self,
        kind: String,
        row: &ZendHashTable,
    ) -> PhpResult<ZBox<ZendHashTable>> {
        let row = guarded(|| assoc(Some(row), "saveMapping() row"))?;
        let engine = self.inner.clone();
        let value = blocking(async move { engine.save_mapping(&kind, &row).await })?;
        guarded(|| to_array(&value))
    }

    /// Deletes one mapping by its key (e.g. `['category_id' => 5]`); returns how many rows went.
    #[php(name = "deleteMapping")]
    pub fn delete_mapping(&self, kind: String, key: &ZendHashTable) -> PhpResult<i64> {
        let key = guarded(|| assoc(Some(key), "deleteMapping() key"))?;
        let engine = self.inner.clone();
        let n = blocking(async move { engine.delete_mapping(&kind, &key).await })?;
        Ok(n as i64)
    }

    /// The marketplace price rules: `['global' => rule, 'categories' => [rule + category_id,
    /// name], 'brands' => [rule + manufacturer_id, name]]`; a rule is `markup_percent`,
    /// `markup_amount`, `rounding` (none, whole, ends_90, ends_99), `floor_price`, as text.
    #[php(name = "priceRules")]
    pub fn price_rules(&self) -> PhpResult<ZBox<ZendHashTable>> {
        let engine = self.inner.clone();
        let value = blocking(async move { engine.price_rules().await })?;
        guarded(|| to_array(&value))
    }

    /// Checks the whole rule set (same shape as priceRules() returns, names optional) and
    /// replaces the stored one; returns the rules as stored. The next stock sync sends every
    /// price they change.
    ///
    /// @throws \MesChain\ConfigException listing every bad field; nothing is written then.
    #[php(name = "savePriceRules")]
    pub fn save_price_rules(&self, rules: &ZendHashTable) -> PhpResult<ZBox<ZendHashTable>> {
        let rules = guarded(|| assoc(Some(rules), "savePriceRules() rules"))?;
        let engine = self.inner.clone();
        let value = blocking(async move { engine.save_price_rules(&rules).await })?;
        guarded(|| to_array(&value))
    }

    /// Checks a rule set like savePriceRules() without saving it.
    ///
    /// @throws \MesChain\ConfigException listing every bad field.
    #[php(name = "validatePriceRules")]
    pub fn validate_price_rules(&self, rules: &ZendHashTable) -> PhpResult<bool> {
        let rules = guarded(|| assoc(Some(rules), "validatePriceRules() rules"))?;
        let engine = self.inner.clone();
        blocking(async move { engine.validate_price_rules(&rules).await })?;
        Ok(true)
    }

    /// What the products `product_ids` (at most 50) would cost on Trendyol under `rules` (not
    /// saved): `['rows' => [product_id, found, name, model, manufacturer, price, special,
    /// current_list_price, current_sale_price, list_price, sale_price, rule => [scope, id]]]`.
    ///
    /// @throws \MesChain\ConfigException on a bad rule or id.
    #[php(name = "previewPrices")]
    pub fn preview_prices(
        &self,
        rules: &ZendHashTable,
        product_ids: &ZendHashTable,
    ) -> PhpResult<ZBox<ZendHashTable>> {
        let rules = guarded(|| assoc(Some(rules), "previewPrices() rules"))?;
        let ids =
            guarded(
                || match convert::array_to_value(product_ids, 0).map_err(Error::Config)? {
                    serde_json::Value::Array(list) => Ok(list),
                    serde_json::Value::Object(map) => Ok(map.into_iter().map(|(_, v)| v).collect()),
                    _ => Err(Error::Config("product_ids must be a list of ids".into())),
                },
            )?;
        let engine = self.inner.clone();
        let value = blocking(async move { engine.preview_prices(&rules, &ids).await })?;
        guarded(|| to_array(&value))
    }

    /// The Questions page: `['questions' => [...], 'templates' => [...], 'waiting' => n,
    /// 'waiting_over_alert_hours' => n, 'alert_hours' => n]`. `$filter` is `new` (waiting for
    /// an answer, the window closing soonest first), `answered` or `all`. Each question carries
    /// its product (`product_id`, `barcode`, `product_name`), `seconds_left` in Trendyol's answer
    /// window and its answer's delivery (`answer_state`, `answer_error`, `queue_status`).
    #[php(name = "questions")]
    #[php(optional = filter)]
    pub fn questions(
        &self,
        filter: Option<String>,
        limit: Option<i64>,
    ) -> PhpResult<ZBox<ZendHashTable>> {
        let filter = filter.unwrap_or_else(|| "new".into());
        let limit = limit.unwrap_or(100).clamp(1, 500) as u32;
        let engine = self.inner.clone();
        let value = blocking(async move { engine.questions(&filter, limit).await })?;
        guarded(|| to_array(&value))
    }

    /// Queues the answer to a customer question; returns the queue job's id. The processor
    /// delivers it (reading the question back first, so it is never sent twice).
    ///
    /// @throws \MesChain\ConfigException with Trendyol's message when the answer is shorter than
    /// 10 or longer than 2,000 characters, or the question is answered or closed; nothing is
    /// queued then.
    #[php(name = "answerQuestion")]
    #[php(optional = user_id)]
    pub fn answer_question(
        &self,
        question_id: i64,
        text: String,
        user_id: Option<i64>,
    ) -> PhpResult<i64> {
        let (question_id, user_id) = guarded(|| {
            let id = u64::try_from(question_id)
                .ok()
                .filter(|v| *v > 0)
                .ok_or_else(|| {
                    Error::Config(format!(
                        "question_id must be a positive id, got {question_id}"
                    ))
                })?;
            Ok((id, u32::try_from(user_id.unwrap_or(0)).unwrap_or(0)))
        })?;
        let engine = self.inner.clone();
        let id =
            blocking(async move { engine.answer_question(question_id, &text, user_id).await })?;
        Ok(id as i64)
    }

    /// Adds (`$templateId` 0) or replaces a saved answer (title 1–64, body 10–2,000
    /// characters); returns its id.
    #[php(name = "saveAnswerTemplate")]
    pub fn save_answer_template(
        &self,
        template_id: i64,
        title: String,
        body: String,
    ) -> PhpResult<i64> {
        let template_id = guarded(|| {
            u32::try_from(template_id).map_err(|_| {
                Error::Config(format!(
                    "template_id must be 0 or a positive id, got {template_id}"
                ))
            })
        })?;
        let engine = self.inner.clone();
        let id = blocking(async move {
            engine
                .save_answer_template(template_id, &title, &body)
                .await
        })?;
        Ok(i64::from(id))
    }

    /// Deletes a saved answer; true when it existed.
    #[php(name = "deleteAnswerTemplate")]
    pub fn delete_answer_template(&self, template_id: i64) -> PhpResult<bool> {
        let template_id = guarded(|| positive_id(template_id, "template_id"))?;
        let engine = self.inner.clone();
        blocking(async move { engine.delete_answer_template(template_id).await })
    }

    /// Every setting: `[name, key, group, default, allowed, secret, value, is_set]`. A secret's
    /// `value` is always `''`.
    #[php(name = "settingsForm")]
    pub fn settings_form(&self) -> PhpResult<ZBox<ZendHashTable>> {
        let engine = self.inner.clone();
        let form = blocking(async move { engine.settings_form().await })?;
        guarded(|| to_array(&form))
    }

    /// Validates the submitted settings (over the stored ones; a blank secret keeps the stored
    /// one) and writes them in one transaction. Returns `['saved' => true]`.
    ///
    /// @throws \MesChain\ConfigException listing every bad field (`field: reason; ...`).
    #[php(name = "saveSettings")]
    pub fn save_settings(&self, values: &ZendHashTable) -> PhpResult<ZBox<ZendHashTable>> {
        let values = guarded(|| assoc(Some(values), "saveSettings() values"))?;
        let engine = self.inner.clone();
        blocking(async move { engine.save_settings(&values).await })?;
        guarded(|| to_array(&serde_json::json!({ "saved": true })))
    }

    /// What saveSettings() would refuse, as `[field => reason]`; empty when all is well.
    #[php(name = "validateSettings")]
    pub fn validate_settings(&self, values: &ZendHashTable) -> PhpResult<ZBox<ZendHashTable>> {
        let values = guarded(|| assoc(Some(values), "validateSettings() values"))?;
        let engine = self.inner.clone();
        let problems = blocking(async move { engine.validate_settings(&values).await })?;
        guarded(|| to_array(&problems))
    }

    /// The Setup tab's check: `extension_version`, `schema_version`, `latest_schema_version`,
    /// `tables` (name => present), `cron_last_seen` (job => time or null), `log_dir`,
    /// `log_dir_writable`, `settings_error`.
    pub fn requirements(&self) -> PhpResult<ZBox<ZendHashTable>> {
        let engine = self.inner.clone();
        let value = blocking(async move { engine.requirements().await })?;
        guarded(|| to_array(&value))
    }

    /// The crontab block for `php_path`, `opencart_root`, `log_dir` (and optional `extension`,
    /// `bin_dir`): the same lines scripts/setup_cron_jobs.sh writes.
    ///
    /// @throws \MesChain\ConfigException on a relative path or shell characters.
    #[php(name = "cronScript")]
    pub fn cron_script(&self, options: &ZendHashTable) -> PhpResult<String> {
        let options = guarded(|| assoc(Some(options), "cronScript() options"))?;
        guarded(|| self.inner.cron_script(&options))
    }

    /// Runs a job: `product_sync`, `order_sync`, `stock_sync`, `webhook_processor`, or
    /// `trendyol_sync` (the orchestrator: every due job). Options: `dry_run` (bool: write
    /// nothing), `max_seconds` (int: overrides the max execution time), `trigger` (string:
    /// `cron`, `manual`, `admin`, `worker`), `force` (bool: run even if switched off or not due).
    ///
    /// Returns `['job', 'status' => 'ok'|'failed'|'partial'|'skipped'|'locked', 'sync_log_id',
    /// 'items_ok', 'items_failed', 'api_calls', 'api_errors', 'duration_ms',
    /// 'peak_memory_bytes', 'finished', 'message']`. A failed job is a `failed` status, not an
    /// exception; exceptions mean the run could not be attempted (bad options, no database).
    ///
    /// @throws \MesChain\ConfigException on an unknown job or option.
    /// @throws \MesChain\DatabaseException when the run's bookkeeping cannot be written.
    #[php(optional = options)]
    pub fn run(
        &self,
        job: String,
        options: Option<&ZendHashTable>,
    ) -> PhpResult<ZBox<ZendHashTable>> {
        let options = guarded(|| run_options(options))?;
        let engine = self.inner.clone();
        let report = blocking(async move { engine.run(&job, &options).await })?;
        guarded(|| to_array(&report))
    }

    /// Every metric as OpenMetrics text (`# EOF` terminated), for node_exporter's textfile
    /// collector or the metrics route.
    pub fn metrics(&self) -> PhpResult<String> {
        let engine = self.inner.clone();
        blocking(async move { engine.metrics().await })
    }

    /// Deletes logs, processed queue jobs and stock history older than the retention, then
    /// runs `OPTIMIZE TABLE` on the sync tables. Returns `['retention_days', 'deleted' =>
    /// [table => rows], 'optimized' => string[], 'duration_ms']`.
    pub fn maintenance(&self) -> PhpResult<ZBox<ZendHashTable>> {
        let engine = self.inner.clone();
        let report = blocking(async move { engine.maintenance().await })?;
        guarded(|| to_array(&report))
    }

    /// Closes this process's database connections; the next call reconnects.
    pub fn close(&self) -> PhpResult<()> {
        let engine = self.inner.clone();
        blocking(async move {
            engine.close().await;
            Ok(())
        })
    }

    /// The registries: scheduled jobs, manual syncs, run statuses, settings and their groups.
    pub fn registry() -> PhpResult<ZBox<ZendHashTable>> {
        registry::registry()
    }

    /// The extension's version.
    pub fn version() -> String {
        meschain_engine::VERSION.to_string()
    }

    /// What the extension was built against: version, commit, PHP API, build profile.
    #[php(name = "buildInfo")]
    pub fn build_info() -> PhpResult<ZBox<ZendHashTable>> {
        guarded(|| {
            to_array(&serde_json::json!({
                "version": meschain_engine::VERSION,
                "commit": env!("MESCHAIN_GIT_COMMIT"),
                "php_api": env!("MESCHAIN_PHP_API"),
                "php_version": env!("MESCHAIN_PHP_VERSION"),
                "profile": env!("MESCHAIN_BUILD_PROFILE"),
            }))
        })
    }
}

/// Test-only entry points, compiled into test builds only (cargo feature `testing`, which
/// `./run build` turns on); the shipped extension (`./run release`) has no such class.
#[cfg(feature = "testing")]
#[php_class]
#[php(name = "MesChain\\Testing")]
pub struct PhpTesting;

#[cfg(feature = "testing")]
#[php_impl]
impl PhpTesting {
    /// How many engines this process has built: `fromOpenCart()`/`fromArray()` with a
    /// configuration the process has seen reuse its engine and leave the count alone.
    #[php(name = "enginesBuilt")]
    pub fn engines_built() -> i64 {
        i64::try_from(engine_cache::engines_built()).unwrap_or(i64::MAX)
    }

    /// Raises a Rust panic on purpose, to prove that a panic in the engine becomes a
    /// `MesChain\InternalException` and the PHP process lives on. `$where` is `call` (on PHP's
    /// thread) or `worker` (inside an async task on a runtime thread).
    ///
    /// @throws \MesChain\InternalException always.
    #[php(name = "diagnosePanic")]
    pub fn diagnose_panic(r#where: String) -> PhpResult<()> {
        match r#where.as_str() {
            "call" => guarded(|| -> Result<(), Error> {
                panic!("diagnostic panic on the calling thread")
            }),
            "worker" => blocking(async {
                let task = tokio::spawn(async {
                    panic!("diagnostic panic in an async task");
                });
                match task.await {
                    Ok(()) => Ok(()),
                    Err(join) => Err(Error::Internal(format!("an async task failed: {join}"))),
                }
            }),
            other => guarded(|| {
                Err(Error::Config(format!(
                    "diagnosePanic() takes 'call' or 'worker', got {other:?}"
                )))
            }),
        }
    }
}

/// `run()`'s options array → [`RunOptions`](meschain_engine::runner::RunOptions).
fn run_options(
    options: Option<&ZendHashTable>,
) -> Result<meschain_engine::runner::RunOptions, Error> {
    use serde_json::Value;
    let mut out = meschain_engine::runner::RunOptions::default();
    let Some(array) = options else {
        return Ok(out);
    };
    let map = match convert::array_to_value(array, 0).map_err(Error::Config)? {
        Value::Object(map) => map,
        Value::Array(list) if list.is_empty() => return Ok(out),
        _ => {
            return Err(Error::Config(
                "run() options must be an associative array".into(),
            ))
        }
    };
    let flag = |key: &str, v: &Value| match v {
        Value::Bool(b) => Ok(*b),
        Value::Number(n) if n.as_i64() == Some(0) || n.as_i64() == Some(1) => {
            Ok(n.as_i64() == Some(1))
        }
        _ => Err(Error::Config(format!(
            "run() option {key} must be true or false"
        ))),
    };
    for (key, value) in &map {
        match key.as_str() {
            "dry_run" => out.dry_run = flag(key, value)?,
            "force" => out.force = flag(key, value)?,
            "max_seconds" => {
                let secs = value
                    .as_u64()
                    .filter(|s| (1..=86_400).contains(s))
                    .ok_or_else(|| {
                        Error::Config(
                            "run() option max_seconds must be whole seconds from 1 to 86400".into(),
                        )
                    })?;
                out.max_duration = Some(std::time::Duration::from_secs(secs));
            }
            "trigger" => {
                let t = value.as_str().unwrap_or("");
                if t.is_empty()
                    || t.len() > 16
                    || !t.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                {
                    return Err(Error::Config(
                        "run() option trigger must be a short word such as cron, manual or admin"
                            .into(),
                    ));
                }
                out.trigger = t.to_string();
            }
            other => {
                return Err(Error::Config(format!(
                    "unknown run() option {other:?}: the options are dry_run, max_seconds, trigger, force"
                )))
            }
        }
    }
    Ok(out)
}

impl Drop for PhpEngine {
    fn drop(&mut self) {
        // Close this process's connections politely once nothing else holds the engine (the
        // process's engine cache normally does, so requests keep the pool; an engine the cache
        // has let go is closed by its last PHP object). In a forked child that inherited the
        // object this is a no-op: the parent's sockets are not ours to close.
        if Arc::strong_count(&self.inner) == 1 {
            let engine = self.inner.clone();
            let _ = catch_unwind(AssertUnwindSafe(|| {
                let _ = runtime::block_on(async move { engine.close().await });
            }));
        }
    }
}

extern "C" fn startup(_ty: i32, _module_number: i32) -> i32 {
    // Must not panic (a panic here is not caught): registration errors are reported as failure.
    match catch_unwind(exceptions::register_all) {
        Ok(Ok(())) => 0,
        _ => -1,
    }
}

#[php_module]
pub fn get_module(module: ModuleBuilder) -> ModuleBuilder {
    let module = module
        .name("meschain")
        .version(meschain_engine::VERSION)
        .startup_function(startup)
        .class::<PhpEngine>();
    #[cfg(feature = "testing")]
    let module = module.class::<PhpTesting>();
    module
}
