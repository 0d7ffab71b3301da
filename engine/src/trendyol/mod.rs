//! The Trendyol client: every endpoint the sync needs, one rate limit for the whole shop, and
//! retries that never send a write twice.
//!
//! Every sync job talks to Trendyol through a [`TrendyolClient`]:
//!
//! - **Typed endpoints** ([`api`]): products (V2 create and updates, V1 create/update/filter,
//!   approved/unapproved lists, delete, archive), price & inventory, batch results, orders (list
//!   and stream), package status / unsupplied / tracking / invoice link, claims (list, approve,
//!   reject, reasons), webhook subscriptions, brands / categories / attributes / cargo
//!   providers — with the wire models of `trendyol_wire`, which read the old and the new field
//!   names alike.
//! - **Transport** ([`client`]): `reqwest` with rustls (ring provider), connection reuse, the
//!   required `User-Agent: "{sellerId} - {integrator}"` and Basic auth on every request (the
//!   header is marked sensitive and never logged), a connect timeout and a per-attempt timeout,
//!   and an overall deadline per call ([`TrendyolClient::with_deadline`]). Base URL from the
//!   settings: production, stage or a `trendyol-sandbox`.
//! - **Rate limiting** ([`crate::limiter`]): before each attempt a slot is reserved in the
//!   shop-wide limiter (database-shared GCRA per endpoint class, per service and globally,
//!   governor smoothing in process). A 429 cools the endpoint down shop-wide.
//! - **Retries** ([`retry`]): transient failures and 429s are retried with full-jitter backoff,
//!   bounded by attempts and the deadline. Writes are retried only when known not applied (429,
//!   connection never made); any doubt after sending makes the error `Ambiguous`, which the
//!   caller resolves by reading ([`reconcile`]).
//! - **Circuit breaker** ([`circuit`]) per endpoint class, in process.
//! - **Metrics** ([`metrics`]): every attempt counted per endpoint class (status, latency,
//!   retries, 429s, limiter wait); a job run snapshots them.
//!
//! Errors are [`crate::Error::Api`] with an [`crate::ApiErrorClass`], the endpoint class name,
//! the HTTP status and a message with Trendyol's error keys — never credentials.
//!
//! ```no_run
//! # async fn demo(settings: &meschain_engine::config::Settings, db: &meschain_engine::db::Database) -> meschain_engine::Result<()> {
//! use meschain_engine::trendyol::{OrdersQuery, TrendyolClient};
//! let client = TrendyolClient::from_settings(settings, db)?
//!     .with_deadline(std::time::Instant::now() + std::time::Duration::from_secs(300));
//! let page = client.orders(&OrdersQuery { size: Some(200), ..Default::default() }).await?;
//! let report = client.metrics().snapshot(); // calls, retries, 429s, latency per endpoint class
//! # let _ = (page, report); Ok(()) }
//! ```

pub mod api;
pub mod circuit;
pub mod classify;
pub mod client;
pub mod config;
pub mod endpoint;
pub mod lookup;
pub mod metrics;
pub mod questions;
pub mod reconcile;
pub mod retry;

pub use api::{
    ClaimsQuery, OrderStreamQuery, OrdersQuery, Paging, ProductFilter, ProductListQuery,
};
pub use circuit::{CircuitPolicy, CircuitState};
pub use client::{install_crypto_provider, TrendyolClient};
pub use config::ClientConfig;
pub use endpoint::{EndpointClass, Method, Service};
pub use metrics::{CallMetrics, ClassMetrics, MetricsSnapshot};
pub use questions::QuestionsQuery;
pub use reconcile::{ItemCheck, ItemReconcile};
pub use retry::RetryPolicy;
