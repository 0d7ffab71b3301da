//! Configuration: where the shop's database is, and how the module is set up.
//!
//! Two sources feed the engine. Database credentials come from the shop's own `config.php`
//! ([`opencart`]), read as text and never executed, or from an explicit array handed over by
//! PHP. Module behaviour comes from OpenCart's `oc_setting` rows ([`settings`]), typed and
//! validated so a bad value fails loudly with the key's name instead of misbehaving at 3 a.m.

pub mod opencart;
pub mod settings;

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use crate::error::{Error, Result};

pub use settings::{Environment, Settings};

/// How to reach the shop's MySQL/MariaDB and which table prefix OpenCart uses.
#[derive(Clone, PartialEq, Eq)]
pub struct DbConfig {
    pub host: String,
    pub port: u16,
    /// A unix socket to use instead of TCP (OpenCart's `localhost` usually means one).
    pub socket: Option<String>,
    pub user: String,
    pub password: String,
    pub database: String,
    /// OpenCart's `DB_PREFIX`, e.g. `oc_`. Validated: letters, digits and `_` only.
    pub prefix: String,
}

impl fmt::Debug for DbConfig {
    // The password never reaches a log line, even through `{:?}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DbConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("socket", &self.socket)
            .field("user", &self.user)
            .field("password", &"[redacted]")
            .field("database", &self.database)
            .field("prefix", &self.prefix)
            .finish()
    }
}

impl DbConfig {
    /// Parses `mysql://user[:password]@host[:port][/database]`, as used by tests and tools.
    pub fn from_url(url: &str) -> Result<DbConfig> {
        let rest = url.strip_prefix("mysql://").ok_or_else(|| {
            Error::Config(format!("database URL must start with mysql://: {url}"))
        })?;
        let (userinfo, hostpart) = rest
            .rsplit_once('@')
            .ok_or_else(|| Error::Config("database URL needs user@host".into()))?;
        let (user, password) = match userinfo.split_once(':') {
            Some((u, p)) => (u.to_string(), p.to_string()),
            None => (userinfo.to_string(), String::new()),
        };
        let (hostport, database) = match hostpart.split_once('/') {
            Some((h, d)) => (h, d.to_string()),
            None => (hostpart, String::new()),
        };
        let (host, port) = split_host_port(hostport)?;
        let config = DbConfig {
            host,
            port: port.unwrap_or(3306),
            socket: None,
            user,
            password,
            database,
            prefix: "oc_".into(),
        };
        Ok(config)
    }

    /// Checks what must hold before any connection is tried.
    pub fn validate(&self) -> Result<()> {
        if self.host.is_empty() && self.socket.is_none() {
            return Err(Error::Config("DB_HOSTNAME is empty".into()));
        }
        if self.user.is_empty() {
            return Err(Error::Config("DB_USERNAME is empty".into()));
        }
        if self.database.is_empty() {
            return Err(Error::Config("DB_DATABASE is empty".into()));
        }
        validate_prefix(&self.prefix)
    }

    /// `host:port` for messages (never includes credentials).
    pub fn address(&self) -> String {
        match &self.socket {
            Some(socket) => format!("unix:{socket}"),
            None => format!("{}:{}", self.host, self.port),
        }
    }

    /// Connection options for the configured database.
    pub fn opts(&self) -> mysql_async::Opts {
        self.builder().db_name(Some(self.database.clone())).into()
    }

    /// Connection options without a default database (to create or drop one).
    pub fn opts_without_database(&self) -> mysql_async::Opts {
        self.builder().into()
    }

    fn builder(&self) -> mysql_async::OptsBuilder {
        let builder = mysql_async::OptsBuilder::default()
            .ip_or_hostname(self.host.clone())
            .tcp_port(self.port)
            .user(Some(self.user.clone()))
            .pass((!self.password.is_empty()).then(|| self.password.clone()));
        match &self.socket {
            Some(socket) => builder.socket(Some(socket.clone())).prefer_socket(true),
            None => builder.prefer_socket(false),
        }
    }
}

/// Splits `host[:port]`; a non-numeric port is an error rather than a silent default.
pub(crate) fn split_host_port(hostport: &str) -> Result<(String, Option<u16>)> {
    if hostport.starts_with('[') {
        // [::1]:3306
        if let Some((h, p)) = hostport.rsplit_once("]:") {
            let port = p
                .parse()
                .map_err(|_| Error::Config(format!("database port is not a number: {p:?}")))?;
            return Ok((h.trim_start_matches('[').to_string(), Some(port)));
        }
        return Ok((hostport.trim_matches(['[', ']']).to_string(), None));
    }
    match hostport.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') => {
            let port = p
                .parse()
                .map_err(|_| Error::Config(format!("database port is not a number: {p:?}")))?;
            Ok((h.to_string(), Some(port)))
        }
        _ => Ok((hostport.to_string(), None)),
    }
}

/// A table prefix ends up inside SQL identifiers, so only a safe alphabet is accepted.
pub fn validate_prefix(prefix: &str) -> Result<()> {
    if prefix.len() > 32
        || !prefix
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return Err(Error::Config(format!(
            "DB_PREFIX {prefix:?} is not usable: only letters, digits and '_' (at most 32) are allowed"
        )));
    }
    Ok(())
}

/// Everything the engine needs to start: the database, optional setting overrides and
/// operational limits.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    pub db: DbConfig,
    /// Setting values that win over `oc_setting` (short keys, e.g. `batch_size`).
    pub setting_overrides: BTreeMap<String, String>,
    /// Overrides the `log_dir` setting (tests point it at a temporary folder).
    pub log_dir: Option<PathBuf>,
    pub connect_timeout: Duration,
    pub query_timeout: Duration,
}

impl EngineConfig {
    pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
    pub const DEFAULT_QUERY_TIMEOUT: Duration = Duration::from_secs(60);

    pub fn new(db: DbConfig) -> EngineConfig {
        EngineConfig {
            db,
            setting_overrides: BTreeMap::new(),
            log_dir: None,
            connect_timeout: Self::DEFAULT_CONNECT_TIMEOUT,
            query_timeout: Self::DEFAULT_QUERY_TIMEOUT,
        }
    }

    /// Builds a configuration from the keys PHP passes to `Engine::fromArray()`.
    ///
    /// Recognised keys: `hostname`, `port`, `socket`, `username`, `password`, `database`,
    /// `prefix`, `settings` (a map of setting overrides), `log_dir`, `connect_timeout`,
    /// `query_timeout` (seconds). Any other key is an error: a typo must not be ignored.
    pub fn from_map(map: &serde_json::Map<String, serde_json::Value>) -> Result<EngineConfig> {
        let text = |key: &str| -> Result<Option<String>> {
            match map.get(key) {
                None | Some(serde_json::Value::Null) => Ok(None),
                Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
                Some(serde_json::Value::Number(n)) => Ok(Some(n.to_string())),
                Some(other) => Err(Error::Config(format!(
                    "config key '{key}' must be a string, got {}",
                    json_kind(other)
                ))),
            }
        };
        for key in map.keys() {
            if !matches!(
                key.as_str(),
                "hostname"
                    | "port"
                    | "socket"
                    | "username"
                    | "password"
                    | "database"
                    | "prefix"
                    | "settings"
                    | "log_dir"
                    | "connect_timeout"
                    | "query_timeout"
            ) {
                return Err(Error::Config(format!(
                    "unknown config key '{key}'; allowed: hostname, port, socket, username, password, \
                     database, prefix, settings, log_dir, connect_timeout, query_timeout"
                )));
            }
        }
        let port = match text("port")? {
            None => 3306,
            Some(p) => p.trim().parse().map_err(|_| {
                Error::Config(format!("config key 'port' is not a port number: {p:?}"))
            })?,
        };
        let db = DbConfig {
            host: text("hostname")?.unwrap_or_else(|| "127.0.0.1".into()),
            port,
            socket: text("socket")?.filter(|s| !s.is_empty()),
            user: text("username")?.unwrap_or_default(),
            password: text("password")?.unwrap_or_default(),
            database: text("database")?.unwrap_or_default(),
            prefix: text("prefix")?.unwrap_or_else(|| "oc_".into()),
        };
        db.validate()?;
        let mut config = EngineConfig::new(db);
        if let Some(settings) = map.get("settings") {
            let obj = settings.as_object().ok_or_else(|| {
                Error::Config("config key 'settings' must be an array of key => value".into())
            })?;
            for (key, value) in obj {
                let value = match value {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Bool(b) => if *b { "1" } else { "0" }.to_string(),
                    serde_json::Value::Number(n) => n.to_string(),
                    serde_json::Value::Null => String::new(),
                    other => {
                        return Err(Error::setting(key, json_kind(other), "a scalar value"));
                    }
                };
                config.setting_overrides.insert(key.clone(), value);
            }
        }
        config.log_dir = text("log_dir")?
            .filter(|s| !s.is_empty())
            .map(PathBuf::from);
        if let Some(t) = text("connect_timeout")? {
            config.connect_timeout = parse_seconds("connect_timeout", &t)?;
        }
        if let Some(t) = text("query_timeout")? {
            config.query_timeout = parse_seconds("query_timeout", &t)?;
        }
        Ok(config)
    }
}

fn parse_seconds(key: &str, text: &str) -> Result<Duration> {
    let secs: f64 = text
        .trim()
        .parse()
        .map_err(|_| Error::Config(format!("config key '{key}' must be seconds, got {text:?}")))?;
    if !(0.05..=3600.0).contains(&secs) {
        return Err(Error::Config(format!(
            "config key '{key}' must be between 0.05 and 3600 seconds, got {text}"
        )));
    }
    Ok(Duration::from_secs_f64(secs))
}

pub(crate) fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "a list",
        serde_json::Value::Object(_) => "a map",
    }
}
