//! MesChain's engine: everything the PHP extension does, with no PHP types.
//!
//! The extension crate at the repository root is a thin bridge; all logic lives here so it can
//! be tested with plain `cargo test` against a real MariaDB and the Trendyol sandbox. One
//! concept per module:
//!
//! - [`admin`]: what Extensions > MesChain asks (monitoring, logs, mappings, settings form);
//! - [`config`]: `config.php` parsing and typed module settings;
//! - [`db`]: the connection pool with timeouts, and the schema migrations;
//! - [`telemetry`]: per-job log files with secret redaction;
//! - [`runtime`]: the fork-safe async runtime behind synchronous PHP calls;
//! - [`engine`]: the facade PHP talks to;
//! - [`trendyol`]: the Trendyol API client (typed endpoints, retries, metrics);
//! - [`limiter`]: the shop-wide rate limiter shared through the database;
//! - [`queue`]: the durable priority queue (leases with fencing tokens, backoff, dead letter);
//! - [`inbox`]: the webhook intake (authentication, dedupe, one transaction per delivery);
//! - [`runner`]: the job contract (context, outcome) and the runs around it: locks, sync logs,
//!   the orchestrator, maintenance;
//! - [`alerts`]: alert rows, deduplicated, and throttled e-mail through the shop's mail settings;
//! - [`metrics`]: OpenMetrics text for external monitoring;
//! - [`sync`]: the sync jobs (orders, products, stock);
//! - `fixtures` and `testing` (cargo feature `testing`, left out of the shipped extension):
//!   OpenCart's schema and generated catalogs for tests, the demo and benchmarks; a fresh
//!   database per test.

pub mod admin;
pub mod alerts;
pub mod config;
pub mod db;
pub mod engine;
pub mod engine_cache;
pub mod error;
#[cfg(feature = "testing")]
pub mod fixtures;
pub mod inbox;
pub mod installation;
pub mod jobs;
pub mod limiter;
pub mod metrics;
pub mod processor;
pub mod queue;
pub mod runner;
pub mod runtime;
pub mod shop;
pub mod sync;
pub mod telemetry;
#[cfg(feature = "testing")]
pub mod testing;
pub mod trendyol;

pub use engine::{Engine, Status, VERSION};
pub use error::{ApiErrorClass, Error, ErrorFamily, Result};
