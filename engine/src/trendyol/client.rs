//! The transport: one `reqwest` client per shop, and the loop every call goes through —
//! circuit breaker → shop-wide rate limiter → one attempt under a timeout → classify →
//! retry or return — with every attempt counted and logged.

use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::circuit::{CircuitBreaker, CircuitState};
use super::classify::{
    classify_status, describe_error_body, describe_transport, parse_retry_after,
};
use super::config::ClientConfig;
use super::endpoint::EndpointClass;
use super::metrics::CallMetrics;
use super::retry::RetryPolicy;
use crate::config::Settings;
use crate::db::Database;
use crate::error::{ApiErrorClass, Error, Result};
use crate::limiter::RateLimiter;

/// A request body, serialized once and re-used by retries.
#[derive(Debug, Clone)]
pub(crate) enum Body {
    None,
    Json(Vec<u8>),
    Raw {
        content_type: String,
        bytes: Vec<u8>,
    },
}

/// One call as the retry loop sees it.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    pub class: EndpointClass,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub body: Body,
}

impl Call {
    pub fn new(class: EndpointClass, path: String) -> Call {
        Call {
            class,
            path,
            query: Vec::new(),
            body: Body::None,
        }
    }

    /// Adds query parameters from a struct (absent options are skipped, lists are
    /// comma-joined as Trendyol expects).
    pub fn query<Q: Serialize>(mut self, q: &Q) -> Result<Call> {
        let value = serde_json::to_value(q)
            .map_err(|e| Error::Internal(format!("query of {}: {e}", self.class)))?;
        if let serde_json::Value::Object(map) = value {
            for (k, v) in map {
                let text = match v {
                    serde_json::Value::Null => continue,
                    serde_json::Value::String(s) => s,
                    serde_json::Value::Array(items) => items
                        .iter()
                        .map(|i| {
                            i.as_str()
                                .map(str::to_string)
                                .unwrap_or_else(|| i.to_string())
                        })
                        .collect::<Vec<_>>()
                        .join(","),
                    other => other.to_string(),
                };
                self.query.push((k, text));
            }
        }
        Ok(self)
    }

    pub fn param(mut self, key: &str, value: impl ToString) -> Call {
        self.query.push((key.to_string(), value.to_string()));
        self
    }

    pub fn json<B: Serialize + ?Sized>(mut self, body: &B) -> Result<Call> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| Error::Internal(format!("body of {}: {e}", self.class)))?;
        self.body = Body::Json(bytes);
        Ok(self)
    }

    pub fn raw(mut self, content_type: String, bytes: Vec<u8>) -> Call {
        self.body = Body::Raw {
            content_type,
            bytes,
        };
        self
    }
}

/// How a 2xx body is read.
pub(crate) enum Expect {
    /// JSON of the target type.
    Json,
    /// Anything (or nothing): the status says it all.
    Nothing,
}

struct Shared {
    http: reqwest::Client,
    config: ClientConfig,
    limiter: RateLimiter,
    circuit: CircuitBreaker,
}

/// The Trendyol client. Cheap to clone; clones share the connection pool, the limiter and the
/// circuit breakers. See the [module docs](super) for the contract.
#[derive(Clone)]
pub struct TrendyolClient {
    shared: Arc<Shared>,
    metrics: Arc<CallMetrics>,
    deadline: Option<Instant>,
}

impl std::fmt::Debug for TrendyolClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrendyolClient")
            .field("base_url", &self.shared.config.base_url)
            .field("seller_id", &self.shared.config.seller_id)
            .field("shared_limiter", &self.shared.limiter.is_shared())
            .finish()
    }
}

/// Makes ring the process's default rustls provider, unless one is installed already.
///
/// The client itself does not need this (it hands reqwest a ready TLS configuration built on
/// ring), but with reqwest's `rustls-no-provider` feature any *other* `reqwest::Client` in the
/// same build (the sandbox's webhook sender, test helpers) panics without a process default.
/// Idempotent; called by every client constructor.
pub fn install_crypto_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Losing a race to another installer is fine: some provider is installed either way.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

/// rustls with the ring provider and the platform's trust store; ALPN for HTTP/2 and 1.1.
fn tls_config() -> Result<rustls::ClientConfig> {
    install_crypto_provider();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = rustls_platform_verifier::Verifier::new(provider.clone())
        .map_err(|e| Error::Config(format!("cannot load the TLS trust store: {e}")))?;
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Config(format!("TLS setup failed: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

impl TrendyolClient {
    /// A client whose rate limiter is shared by every process of the shop through `db`.
    pub fn new(config: ClientConfig, db: &Database) -> Result<TrendyolClient> {
        let limiter = RateLimiter::shared(db.clone(), config.seller_id, config.limiter.clone());
        Self::with_limiter(config, limiter)
    }

    /// From the module settings, with the shared limiter.
    pub fn from_settings(settings: &Settings, db: &Database) -> Result<TrendyolClient> {
        Self::new(ClientConfig::from_settings(settings)?, db)
    }

    /// A client with an explicit limiter (e.g. [`RateLimiter::in_memory`] for a process
    /// without a database).
    pub fn with_limiter(config: ClientConfig, limiter: RateLimiter) -> Result<TrendyolClient> {
        if !(config.base_url.starts_with("http://") || config.base_url.starts_with("https://")) {
            return Err(Error::Config(format!(
                "the Trendyol base URL {:?} is not http(s)",
                config.base_url
            )));
        }
        let credentials = base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            config.api_key.expose(),
            config.api_secret.expose()
        ));
        let mut auth = HeaderValue::from_str(&format!("Basic {credentials}")).map_err(|_| {
            Error::Config("the API key or secret has characters a header cannot carry".into())
        })?;
        auth.set_sensitive(true);
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, auth);
        if let Some(code) = &config.store_front_code {
            let value = HeaderValue::from_str(code)
                .map_err(|_| Error::Config(format!("invalid storeFrontCode {code:?}")))?;
            headers.insert("storeFrontCode", value);
        }
        let http = reqwest::Client::builder()
            .tls_backend_preconfigured(tls_config()?)
            .user_agent(config.user_agent())
            .default_headers(headers)
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .pool_idle_timeout(Duration::from_secs(60))
            .pool_max_idle_per_host(16)
            .tcp_nodelay(true)
            .build()
            .map_err(|e| {
                Error::Config(format!(
                    "cannot build the HTTP client: {}",
                    describe_transport(e)
                ))
            })?;
        Ok(TrendyolClient {
            shared: Arc::new(Shared {
                http,
                circuit: CircuitBreaker::new(config.circuit.clone()),
                config,
                limiter,
            }),
            metrics: Arc::new(CallMetrics::new()),
            deadline: None,
        })
    }

    /// The same client bounded by a job's deadline: no call (waits and retries included)
    /// runs past it.
    pub fn with_deadline(&self, deadline: Instant) -> TrendyolClient {
        TrendyolClient {
            deadline: Some(deadline),
            ..self.clone()
        }
    }

    /// The same client counting into `metrics` (a job run's own counters).
    pub fn with_metrics(&self, metrics: Arc<CallMetrics>) -> TrendyolClient {
        TrendyolClient {
            metrics,
            ..self.clone()
        }
    }

    pub fn metrics(&self) -> &Arc<CallMetrics> {
        &self.metrics
    }

    pub fn limiter(&self) -> &RateLimiter {
        &self.shared.limiter
    }

    pub fn config(&self) -> &ClientConfig {
        &self.shared.config
    }

    pub fn seller_id(&self) -> u64 {
        self.shared.config.seller_id
    }

    pub fn circuit_state(&self, class: EndpointClass) -> CircuitState {
        self.shared.circuit.state(class)
    }

    fn call_deadline(&self) -> Instant {
        let budget = Instant::now() + self.shared.config.call_budget;
        self.deadline.map_or(budget, |d| d.min(budget))
    }

    fn api_error(
        class: EndpointClass,
        kind: ApiErrorClass,
        status: Option<u16>,
        message: String,
    ) -> Error {
        Error::Api {
            class: kind,
            endpoint: class.name().to_string(),
            status,
            message,
        }
    }

    /// Runs a call to completion: JSON answer.
    pub(crate) async fn json<T: DeserializeOwned>(&self, call: Call) -> Result<T> {
        let bytes = self
            .execute(&call, Expect::Json, |b| {
                serde_json::from_slice::<T>(b).map(|_| ())
            })
            .await?;
        serde_json::from_slice(&bytes)
            .map_err(|e| Error::Internal(format!("decoding {}: {e}", call.class)))
    }

    /// Runs a call to completion: the status is the answer.
    pub(crate) async fn unit(&self, call: Call) -> Result<()> {
        self.execute(&call, Expect::Nothing, |_| Ok(()))
            .await
            .map(|_| ())
    }

    /// The retry loop. `check` validates a 2xx body (a failure is a malformed answer).
    async fn execute(
        &self,
        call: &Call,
        expect: Expect,
        check: impl Fn(&[u8]) -> std::result::Result<(), serde_json::Error>,
    ) -> Result<Vec<u8>> {
        let class = call.class;
        let is_write = class.is_write();
        let policy: &RetryPolicy = &self.shared.config.retry;
        let deadline = self.call_deadline();
        self.metrics.call_started(class);
        let finish = |result: Result<Vec<u8>>| {
            let failure = match &result {
                Ok(_) => None,
                Err(Error::Api { class, .. }) => Some(*class),
                Err(_) => Some(ApiErrorClass::Transient),
            };
            self.metrics.call_finished(class, failure);
            result
        };
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            if let Err(wait) = self.shared.circuit.before_call(class) {
                return finish(Err(Self::api_error(
                    class,
                    ApiErrorClass::CircuitOpen,
                    None,
                    format!(
                        "too many recent failures; next probe in {:.1} s",
                        wait.as_secs_f64()
                    ),
                )));
            }
            let grant = match self.shared.limiter.acquire(class, deadline).await {
                Ok(g) => g,
                Err(e) => {
                    self.shared.circuit.on_neutral(class);
                    return finish(Err(e));
                }
            };
            self.metrics.limiter_wait(class, grant.waited);
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining < Duration::from_millis(1) {
                self.shared.circuit.on_neutral(class);
                return finish(Err(Self::api_error(
                    class,
                    ApiErrorClass::Transient,
                    None,
                    "the call's deadline passed before the request was sent".into(),
                )));
            }
            let timeout = self.shared.config.request_timeout.min(remaining);
            let started = Instant::now();
            let outcome = self.attempt(call, timeout, &expect, &check).await;
            let latency = started.elapsed();
            let label = outcome.label();
            self.metrics.attempt(class, &label, latency, attempt > 1);
            match outcome {
                Outcome::Ok(_, bytes) => {
                    tracing::debug!(endpoint = class.name(), method = class.method().as_str(), path = %call.path,
                        status = %label, latency_ms = latency.as_millis() as u64, attempt, "trendyol call");
                    self.shared.circuit.on_success(class);
                    return finish(Ok(bytes));
                }
                Outcome::Failed {
                    kind,
                    status,
                    message,
                    retry_after,
                    ..
                } => {
                    tracing::warn!(endpoint = class.name(), method = class.method().as_str(), path = %call.path,
                        status = %label, latency_ms = latency.as_millis() as u64, attempt, class = kind.as_str(),
                        error = %message, "trendyol call failed");
                    match kind {
                        ApiErrorClass::Transient | ApiErrorClass::Ambiguous => {
                            self.shared.circuit.on_failure(class)
                        }
                        ApiErrorClass::RateLimited => self.shared.circuit.on_neutral(class),
                        _ => self.shared.circuit.on_success(class),
                    }
                    if kind == ApiErrorClass::RateLimited {
                        // Without Retry-After the pause grows with each 429; it is held to a
                        // third of the time this call has left (at least the base pause), so a
                        // run keeps room to stop cleanly and resume next time.
                        let cap = deadline.saturating_duration_since(Instant::now()) / 3;
                        match self
                            .shared
                            .limiter
                            .on_rate_limited_within(class, retry_after, Some(cap))
                            .await
                        {
                            Ok(cooldown) => tracing::info!(
                                endpoint = class.name(),
                                cooldown_ms = cooldown.as_millis() as u64,
                                "429: cooling down shop-wide"
                            ),
                            Err(e) => {
                                tracing::warn!(endpoint = class.name(), error = %e, "could not record a 429")
                            }
                        }
                    }
                    let err = Self::api_error(class, kind, status, message);
                    if !RetryPolicy::retryable(kind) || attempt >= policy.max_attempts {
                        return finish(Err(err));
                    }
                    debug_assert!(!is_write || kind != ApiErrorClass::Ambiguous);
                    // A 429 waits in the limiter (the shop-wide cooldown); others back off here.
                    let backoff = if kind == ApiErrorClass::RateLimited {
                        Duration::ZERO
                    } else {
                        policy.backoff(attempt)
                    };
                    if Instant::now() + backoff >= deadline {
                        return finish(Err(err));
                    }
                    tokio::time::sleep(backoff).await;
                }
            }
        }
    }

    /// One HTTP attempt, classified.
    async fn attempt(
        &self,
        call: &Call,
        timeout: Duration,
        expect: &Expect,
        check: &impl Fn(&[u8]) -> std::result::Result<(), serde_json::Error>,
    ) -> Outcome {
        let class = call.class;
        let is_write = class.is_write();
        let url = format!("{}{}", self.shared.config.base_url, call.path);
        let mut request = self
            .shared
            .http
            .request(class.method().to_reqwest(), url)
            .timeout(timeout);
        if !call.query.is_empty() {
            request = request.query(&call.query);
        }
        request = match &call.body {
            Body::None => request,
            Body::Json(bytes) => request
                .header(CONTENT_TYPE, "application/json")
                .body(bytes.clone()),
            Body::Raw {
                content_type,
                bytes,
            } => request
                .header(CONTENT_TYPE, content_type.as_str())
                .body(bytes.clone()),
        };
        let response = match request.send().await {
            Ok(r) => r,
            Err(e) => return Outcome::transport(e, is_write, timeout),
        };
        let status = response.status().as_u16();
        let retry_after = parse_retry_after(
            response
                .headers()
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok()),
        );
        let body = match response.bytes().await {
            Ok(b) => b.to_vec(),
            Err(e) => {
                let applied = (200..300).contains(&status);
                let kind = if is_write && (applied || status >= 500) {
                    ApiErrorClass::Ambiguous
                } else if status == 429 {
                    ApiErrorClass::RateLimited
                } else if (200..300).contains(&status) || status >= 500 {
                    ApiErrorClass::Transient
                } else {
                    classify_status(status, is_write)
                };
                return Outcome::Failed {
                    kind,
                    status: Some(status),
                    message: format!(
                        "HTTP {status}, but the answer broke off: {}",
                        describe_transport(e)
                    ),
                    retry_after,
                    label: "broken".into(),
                };
            }
        };
        if (200..300).contains(&status) {
            if let Expect::Json = expect {
                if let Err(e) = check(&body) {
                    let (kind, what) = if is_write {
                        (ApiErrorClass::Ambiguous, "the write was accepted but its answer is unreadable; reconcile by reading")
                    } else {
                        (
                            ApiErrorClass::Transient,
                            "the answer is not the expected JSON",
                        )
                    };
                    return Outcome::Failed {
                        kind,
                        status: Some(status),
                        message: format!("HTTP {status}: {what} ({} bytes: {e})", body.len()),
                        retry_after: None,
                        label: "malformed".into(),
                    };
                }
            }
            return Outcome::Ok(status, body);
        }
        Outcome::Failed {
            kind: classify_status(status, is_write),
            status: Some(status),
            message: describe_error_body(status, &body),
            retry_after,
            label: status.to_string(),
        }
    }
}

enum Outcome {
    Ok(u16, Vec<u8>),
    Failed {
        kind: ApiErrorClass,
        status: Option<u16>,
        message: String,
        retry_after: Option<Duration>,
        label: String,
    },
}

impl Outcome {
    fn label(&self) -> String {
        match self {
            Outcome::Ok(status, _) => status.to_string(),
            Outcome::Failed { label, .. } => label.clone(),
        }
    }

    /// A request that got no HTTP answer. Only a failure to connect proves it was not sent.
    fn transport(e: reqwest::Error, is_write: bool, timeout: Duration) -> Outcome {
        let connect = e.is_connect();
        let timed_out = e.is_timeout();
        let text = describe_transport(e);
        let (kind, label, message) = if connect {
            (
                ApiErrorClass::Transient,
                "connect",
                format!("could not connect, the request was not sent: {text}"),
            )
        } else if timed_out && is_write {
            (
                ApiErrorClass::Ambiguous,
                "timeout",
                format!("no answer within {timeout:?} after the write was sent; it may have been applied — reconcile by reading"),
            )
        } else if timed_out {
            (
                ApiErrorClass::Transient,
                "timeout",
                format!("no answer within {timeout:?}"),
            )
        } else if is_write {
            (
                ApiErrorClass::Ambiguous,
                "broken",
                format!("the connection failed after the write was sent; it may have been applied: {text}"),
            )
        } else {
            (
                ApiErrorClass::Transient,
                "broken",
                format!("the connection failed: {text}"),
            )
        };
        Outcome::Failed {
            kind,
            status: None,
            message,
            retry_after: None,
            label: label.into(),
        }
    }
}
