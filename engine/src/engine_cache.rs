//! One engine per configuration per process, reused by every request the process serves.
//!
//! OpenCart's controllers have nowhere to keep an object between requests, so PHP asks for a
//! `MesChain\Engine` on every request. Built from scratch each time, an engine would open a new
//! MariaDB pool — a TCP connect and a login on the request's critical path — and a new Trendyol
//! client, whose connection pool, rate smoothing and circuit breakers would then never outlive
//! a request. Instead the bridge asks [`shared`] for the engine of a configuration: the first
//! request a PHP-FPM or `php -S` worker serves builds it; later requests with the same
//! configuration get the same [`Engine`], pool and client. A different configuration (another
//! database, prefix, password, setting overrides, log directory or timeouts — including a
//! `config.php` edited while the worker runs) is another key and gets an engine of its own.
//!
//! Fork safety: the cache is a [`PerProcess`] value. php-fpm forks its workers from a master
//! that loaded the extension; a worker (or a `pcntl_fork()` child) starts with an empty cache and
//! never touches the parent's pools.
//!
//! Settings are not part of what is cached: an engine keeps its pool and client, never the
//! module settings. [`crate::shop::Shop::settings`] reads them from `oc_setting` on every call,
//! over the cached pool, so a setting the admin saves in another process (or a test writes
//! straight into the table) is what the very next call sees. The Trendyol client already
//! follows them: it is rebuilt when the fingerprint of the settings it was made from changes.
//!
//! Bounded: at most [`CAPACITY`] engines per process, the least recently used dropped first (its
//! pool closed once no PHP object holds it any more). A test run that makes hundreds of
//! databases in one process keeps a handful of pools; idle connections inside a kept pool are
//! closed by the pool's own inactivity timeout.

use std::sync::{Arc, Mutex, OnceLock};

use crate::config::EngineConfig;
use crate::engine::Engine;
use crate::error::Result;
use crate::runtime::{self, PerProcess};

/// Engines kept per process.
pub const CAPACITY: usize = 16;

/// This process's engines, least recently used first, and how many it has built.
#[derive(Default)]
struct Slots {
    engines: Vec<(String, Arc<Engine>)>,
    built: u64,
}

static CACHE: OnceLock<PerProcess<Arc<Mutex<Slots>>>> = OnceLock::new();

fn slots() -> Result<Arc<Mutex<Slots>>> {
    CACHE
        .get_or_init(PerProcess::default)
        .get_or_try_init(|| Ok(Arc::default()))
}

/// The engine of this process for `config`, built on first use.
pub fn shared(config: EngineConfig) -> Result<Arc<Engine>> {
    let key = fingerprint(&config);
    let slots = slots()?;
    let mut slots = slots.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(at) = slots.engines.iter().position(|(k, _)| *k == key) {
        let entry = slots.engines.remove(at);
        let engine = entry.1.clone();
        slots.engines.push(entry);
        return Ok(engine);
    }
    let engine = Arc::new(Engine::new(config)?);
    slots.built += 1;
    slots.engines.push((key, engine.clone()));
    let evicted = (slots.engines.len() > CAPACITY).then(|| slots.engines.remove(0).1);
    drop(slots);
    if let Some(old) = evicted {
        retire(old);
    }
    Ok(engine)
}

/// How many engines this process has built: stays put while requests reuse one.
pub fn engines_built() -> u64 {
    slots()
        .map(|s| s.lock().unwrap_or_else(|p| p.into_inner()).built)
        .unwrap_or(0)
}

/// Closes a dropped engine's pool in the background, unless a PHP object still holds the
/// engine (its own release closes it then). Never blocks the request that evicted it.
fn retire(engine: Arc<Engine>) {
    if Arc::strong_count(&engine) > 1 {
        return;
    }
    match runtime::runtime() {
        Ok(rt) => {
            rt.spawn(async move { engine.close().await });
        }
        Err(e) => tracing::warn!("closing an evicted engine's pool: {e}"),
    }
}

/// Identifies a configuration, the password included (hashed, never kept).
fn fingerprint(config: &EngineConfig) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    // The Debug form names every field but the password, which it hides.
    hasher.update(format!("{config:?}").as_bytes());
    hasher.update([0]);
    hasher.update(config.db.password.as_bytes());
    hex::encode(hasher.finalize())
}
