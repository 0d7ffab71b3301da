//! The engine's error type.
//!
//! Errors stay plain Rust values inside the engine; only the PHP bridge turns them into
//! exceptions. Each variant carries a stable numeric [`Error::code`] so PHP callers (cron
//! scripts, the admin, the monitor) can branch on the kind of failure without parsing text.

use std::time::Duration;

/// Everything the engine can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The shop's `config.php`, or an explicit configuration array, is unusable.
    #[error("configuration error: {0}")]
    Config(String),

    /// A module setting has a value outside what it allows.
    #[error("setting '{key}' is invalid: got {got:?}, allowed: {allowed}")]
    Setting {
        key: String,
        got: String,
        allowed: String,
    },

    /// MesChain is switched off (the Status setting), so the asked-for work was refused and
    /// nothing was queued or started. The text says what was refused.
    #[error("MesChain is switched off in Settings (Status): {0}")]
    SwitchedOff(String),

    /// The database could not be reached within the connect timeout, or refused us.
    #[error("database unavailable at {address}: {reason}")]
    DatabaseUnavailable { address: String, reason: String },

    /// A statement failed (syntax, constraint, lock wait, lost connection mid-query...).
    #[error("database error during {context}: {source}")]
    Database {
        context: String,
        #[source]
        source: mysql_async::Error,
    },

    /// An operation ran past its own deadline. Timeouts live in the engine because PHP's
    /// `max_execution_time` cannot interrupt a wait inside the extension.
    #[error("{what} timed out after {after:?}")]
    Timeout { what: String, after: Duration },

    /// The schema in the database is newer than this build understands, or a migration failed.
    #[error("migration error: {0}")]
    Migration(String),

    /// A file the engine needed (config.php, a log file) could not be read or written.
    #[error("i/o error on {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },

    /// Trendyol answered with an error, or could not be reached. `class` decides what happens
    /// next (retry, slow down, stop the job, reconcile by reading).
    #[error("Trendyol API {class} error on {endpoint}{}: {message}", status.map(|s| format!(" (HTTP {s})")).unwrap_or_default())]
    Api {
        class: ApiErrorClass,
        endpoint: String,
        status: Option<u16>,
        message: String,
    },

    /// A bug: a broken invariant or a caught panic. Reported, never silently swallowed.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// Stable codes, grouped by family. PHP sees them as `Exception::getCode()`.
    pub fn code(&self) -> i32 {
        match self {
            Error::Config(_) => 100,
            Error::Setting { .. } => 110,
            Error::SwitchedOff(_) => 120,
            Error::DatabaseUnavailable { .. } => 200,
            Error::Database { .. } => 210,
            Error::Migration(_) => 220,
            Error::Timeout { .. } => 300,
            Error::Io { .. } => 400,
            Error::Api { class, .. } => class.code(),
            Error::Internal(_) => 900,
        }
    }

    /// The exception family the bridge maps this error to.
    pub fn family(&self) -> ErrorFamily {
        match self {
            Error::Config(_) | Error::Setting { .. } | Error::SwitchedOff(_) => ErrorFamily::Config,
            Error::DatabaseUnavailable { .. } | Error::Database { .. } | Error::Migration(_) => {
                ErrorFamily::Database
            }
            Error::Timeout { .. } => ErrorFamily::Timeout,
            Error::Api { .. } => ErrorFamily::Api,
            Error::Io { .. } | Error::Internal(_) => ErrorFamily::Internal,
        }
    }

    pub(crate) fn db(context: impl Into<String>) -> impl FnOnce(mysql_async::Error) -> Error {
        let context = context.into();
        move |source| Error::Database { context, source }
    }

    pub(crate) fn setting(key: &str, got: impl Into<String>, allowed: impl Into<String>) -> Error {
        Error::Setting {
            key: key.to_string(),
            got: got.into(),
            allowed: allowed.into(),
        }
    }
}

/// The coarse kinds of failure, one PHP exception class each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorFamily {
    Config,
    Database,
    Timeout,
    Api,
    Internal,
}

/// How a failed Trendyol call is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiErrorClass {
    /// 5xx, read timeouts on reads, connection errors, malformed bodies: retry with backoff.
    Transient,
    /// 429: slow down (shop-wide), then retry.
    RateLimited,
    /// 4xx validation and other client errors: retrying cannot help.
    Permanent,
    /// 401/403: wrong credentials, missing User-Agent, IP block. Alert and stop the job.
    Auth,
    /// A write whose outcome is unknown (timed out after it was sent): reconcile by reading,
    /// never resend blindly.
    Ambiguous,
    /// Too many recent failures on this endpoint class: calls are refused for a while.
    CircuitOpen,
}

impl ApiErrorClass {
    pub fn code(self) -> i32 {
        match self {
            ApiErrorClass::Transient => 500,
            ApiErrorClass::RateLimited => 510,
            ApiErrorClass::Permanent => 520,
            ApiErrorClass::Auth => 530,
            ApiErrorClass::Ambiguous => 540,
            ApiErrorClass::CircuitOpen => 550,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ApiErrorClass::Transient => "transient",
            ApiErrorClass::RateLimited => "rate-limited",
            ApiErrorClass::Permanent => "permanent",
            ApiErrorClass::Auth => "auth",
            ApiErrorClass::Ambiguous => "ambiguous",
            ApiErrorClass::CircuitOpen => "circuit-open",
        }
    }
}

impl std::fmt::Display for ApiErrorClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
