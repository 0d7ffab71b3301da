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

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::{Arc, Once};

use ext_php_rs::binary_slice::BinarySlice;
use ext_php_rs::boxed::ZBox;
use ext_php_rs::prelude::*;
use ext_php_rs::types::ZendHashTable;
use meschain_engine::config::EngineConfig;
use meschain_engine::{runtime, Engine, Error};
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
    ///
    /// @throws \MesChain\ConfigException when the file is missing or lacks usable DB_* values.
    #[php(name = "fromOpenCart")]
    pub fn from_open_cart(config_php_path: String) -> PhpResult<PhpEngine> {
        guarded(|| {
            let engine = Engine::from_opencart(Path::new(&config_php_path))?;
            Ok(PhpEngine {
                inner: Arc::new(engine),
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
            let engine = Engine::new(EngineConfig::from_map(&map)?)?;
            Ok(PhpEngine {
                inner: Arc::new(engine),
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
    /// returned `status` (202 stored, 400/413 bad body, 401 credentials, 500 not stored).
    ///
    /// Returns `['status' => int, 'verdict' => string, 'reason' => string, 'packages' => int,
    /// 'queued' => int, 'duplicates' => int]`.
    #[php(name = "acceptWebhook")]
    #[php(optional = remote_ip)]
    pub fn accept_webhook(
        &self,
        raw_body: BinarySlice<u8>,
        headers: &ZendHashTable,
        remote_ip: Option<String>,
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
            Ok(engine.accept_webhook(&delivery).await)
        })?;
        guarded(|| {
            to_array(&serde_json::json!({
                "status": verdict.http_status,
                "verdict": verdict.verdict,
                "reason": verdict.reason,
                "packages": verdict.packages,
                "queued": verdict.queued,
                "duplicates": verdict.duplicates,
            }))
        })
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

    /// Closes this process's database connections; the next call reconnects.
    pub fn close(&self) -> PhpResult<()> {
        let engine = self.inner.clone();
        blocking(async move {
            engine.close().await;
            Ok(())
        })
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

    /// Raises a Rust panic on purpose, to prove on a given PHP installation that a panic in the
    /// engine becomes a `MesChain\InternalException` and the PHP process lives on. `$where` is
    /// `call` (on PHP's thread) or `worker` (inside an async task on a runtime thread).
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

impl Drop for PhpEngine {
    fn drop(&mut self) {
        // Close this process's connections politely. In a forked child that inherited the
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
    module
        .name("meschain")
        .version(meschain_engine::VERSION)
        .startup_function(startup)
        .class::<PhpEngine>()
}
