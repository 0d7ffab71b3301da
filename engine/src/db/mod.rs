//! The shop's MariaDB: one pool, explicit timeouts, OpenCart's table prefix everywhere.
//!
//! Every wait on the database has its own deadline here, because PHP's `max_execution_time`
//! cannot interrupt a call that is blocked inside the extension: a server that is down must
//! produce a clear [`Error::DatabaseUnavailable`] within the connect timeout, never a hang.
//! Sessions run with OpenCart's own `sql_mode` and UTC, so what the engine writes reads the
//! same way OpenCart's own code would have written it.

pub mod bulk;
pub mod migrations;
pub mod server;

use std::future::Future;
use std::time::Duration;

use mysql_async::{Conn, Pool, PoolConstraints, PoolOpts};

use crate::config::DbConfig;
use crate::error::{Error, Result};

/// OpenCart 4 sets exactly this mode on its own connection (system/library/db/mysqli.php).
pub const OPENCART_SQL_MODE: &str = "NO_ZERO_IN_DATE,NO_ENGINE_SUBSTITUTION";

/// A connection pool on the shop's database.
#[derive(Clone)]
pub struct Database {
    pool: Pool,
    prefix: String,
    address: String,
    database: String,
    connect_timeout: Duration,
    query_timeout: Duration,
}

impl Database {
    /// Creates the pool. No connection is made until the first query.
    pub fn new(
        config: &DbConfig,
        connect_timeout: Duration,
        query_timeout: Duration,
    ) -> Result<Database> {
        config.validate()?;
        let pool_opts = PoolOpts::default()
            .with_constraints(PoolConstraints::new(0, 16).expect("0 <= 16"))
            .with_inactive_connection_ttl(Duration::from_secs(30))
            .with_ttl_check_interval(Duration::from_secs(30));
        let opts = mysql_async::OptsBuilder::from_opts(config.opts())
            .pool_opts(pool_opts)
            // `eq_range_index_dive_limit = 0`: the optimizer estimates an `IN (...)` list of a
            // page's product ids (up to 1000) from the index itself, not from the table's
            // statistics. Right after a bulk import those statistics can claim hundreds of rows
            // per product, and the planner then chose a full scan of the table for a page's
            // image lookup (seen with EXPLAIN on a million-product catalog).
            .init(vec![format!(
                "SET SESSION sql_mode = '{OPENCART_SQL_MODE}', time_zone = '+00:00', NAMES utf8mb4, \
                 eq_range_index_dive_limit = 0"
            )])
            .stmt_cache_size(64);
        Ok(Database {
            pool: Pool::new(opts),
            prefix: config.prefix.clone(),
            address: config.address(),
            database: config.database.clone(),
            connect_timeout,
            query_timeout,
        })
    }

    /// The prefixed, back-quoted name of a table: `table("trendyol_orders")` → `` `oc_trendyol_orders` ``.
    pub fn table(&self, name: &str) -> String {
        format!("`{}{}`", self.prefix, name)
    }

    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Where the server is: `host:port` or the socket path.
    pub fn address(&self) -> &str {
        &self.address
    }

    pub fn database_name(&self) -> &str {
        &self.database
    }

    /// A connection from the pool, within the connect timeout.
    pub async fn conn(&self) -> Result<Conn> {
        match tokio::time::timeout(self.connect_timeout, self.pool.get_conn()).await {
            Ok(Ok(conn)) => Ok(conn),
            Ok(Err(e)) => Err(Error::DatabaseUnavailable {
                address: self.address.clone(),
                reason: describe_connect_error(&e),
            }),
            Err(_) => Err(Error::DatabaseUnavailable {
                address: self.address.clone(),
                reason: format!(
                    "no answer within the connect timeout of {:?}",
                    self.connect_timeout
                ),
            }),
        }
    }

    /// Runs `work` under the query timeout; `what` names it in the error.
    pub async fn timed<T>(&self, what: &str, work: impl Future<Output = Result<T>>) -> Result<T> {
        self.timed_for(what, self.query_timeout, work).await
    }

    /// Like [`Database::timed`] with an explicit limit (migrations and bulk jobs need longer).
    pub async fn timed_for<T>(
        &self,
        what: &str,
        limit: Duration,
        work: impl Future<Output = Result<T>>,
    ) -> Result<T> {
        match tokio::time::timeout(limit, work).await {
            Ok(result) => result,
            Err(_) => Err(Error::Timeout {
                what: what.to_string(),
                after: limit,
            }),
        }
    }

    /// Closes every connection. Waits at most the connect timeout; leftovers are dropped.
    pub async fn close(&self) {
        let _ = tokio::time::timeout(self.connect_timeout, self.pool.clone().disconnect()).await;
    }
}

fn describe_connect_error(e: &mysql_async::Error) -> String {
    match e {
        mysql_async::Error::Server(s) if s.code == 1045 => {
            "access denied: check DB_USERNAME and DB_PASSWORD".to_string()
        }
        mysql_async::Error::Server(s) if s.code == 1049 => {
            "unknown database: check DB_DATABASE".to_string()
        }
        mysql_async::Error::Io(io) => format!("cannot connect: {io}"),
        other => other.to_string(),
    }
}
