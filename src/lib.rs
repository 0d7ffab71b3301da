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
