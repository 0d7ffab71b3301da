//! Test support: a fresh, uniquely named database per test run on the local MariaDB.
//!
//! Tests never share state through the database: each [`TestDatabase`] creates its own schema
//! (`meschain_t_<pid>_<nanos>_<n>`) and drops it when dropped. The server address comes from
//! `MESCHAIN_TEST_DB_URL` (default `mysql://root@127.0.0.1:3306`), so CI and developers use the
//! same real server — there is no in-memory stand-in.

use std::sync::atomic::{AtomicU32, Ordering};

use crate::config::DbConfig;

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// Connection facts of the test server, read from `MESCHAIN_TEST_DB_URL`.
pub fn server_config() -> DbConfig {
    let url = std::env::var("MESCHAIN_TEST_DB_URL")
        .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".to_string());
    DbConfig::from_url(&url).expect("MESCHAIN_TEST_DB_URL must be mysql://user[:pass]@host[:port]")
}

/// A database created for one test and dropped afterwards.
pub struct TestDatabase {
    pub config: DbConfig,
    admin: mysql_async::Pool,
}

impl TestDatabase {
    /// Creates an empty database with a unique name; `prefix` becomes the config's table prefix.
    pub async fn create(prefix: &str) -> TestDatabase {
        let server = server_config();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let name = format!(
            "meschain_t_{}_{}_{}",
            std::process::id(),
            nanos,
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let admin = mysql_async::Pool::new(server.opts_without_database());
        let mut conn = admin
            .get_conn()
            .await
            .expect("test MariaDB must be running");
        use mysql_async::prelude::Queryable;
        conn.query_drop(format!(
            "CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci"
        ))
        .await
        .expect("create test database");
        drop(conn);
        let config = DbConfig {
            database: name,
            prefix: prefix.to_string(),
            ..server
        };
        TestDatabase { config, admin }
    }

    pub fn name(&self) -> &str {
        &self.config.database
    }

    /// A fresh database holding OpenCart 4.0.2.3's tables (no base data), prefix `oc_`.
    pub async fn with_opencart_tables() -> TestDatabase {
        let tdb = TestDatabase::create("oc_").await;
        let pool = tdb.pool();
        let mut conn = pool.get_conn().await.expect("test MariaDB must be running");
        crate::fixtures::create_opencart_tables(&mut conn, "oc_")
            .await
            .expect("OpenCart tables");
        drop(conn);
        let _ = pool.disconnect().await;
        tdb
    }

    /// An engine configuration for this database: logs in the temporary directory, `settings`
    /// (short names) as overrides.
    pub fn engine_config(&self, settings: &[(&str, &str)]) -> crate::config::EngineConfig {
        let mut config = crate::config::EngineConfig::new(self.config.clone());
        config.log_dir = Some(std::env::temp_dir().join("meschain-test-logs"));
        config.setting_overrides = settings
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        config
    }

    /// A pool on the test database itself, for assertions.
    pub fn pool(&self) -> mysql_async::Pool {
        mysql_async::Pool::new(self.config.opts())
    }

    /// Drops the database. Call at the end of a test; `Drop` cannot await.
    pub async fn drop_database(self) {
        use mysql_async::prelude::Queryable;
        if let Ok(mut conn) = self.admin.get_conn().await {
            let _ = conn
                .query_drop(format!(
                    "DROP DATABASE IF EXISTS `{}`",
                    self.config.database
                ))
                .await;
        }
        let _ = self.admin.disconnect().await;
    }
}
