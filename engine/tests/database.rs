//! The database edge: a server that is down or silent gives a clear error within the connect
//! timeout instead of a hang, and settings are read, typed and validated from `oc_setting`.

use std::time::Duration;

use meschain_engine::config::{DbConfig, EngineConfig};
use meschain_engine::testing::TestDatabase;
use meschain_engine::{Engine, Error};
use mysql_async::prelude::*;

/// A guard against a hang, not a speed claim: the engine's own timeout is far shorter.
const HANG_GUARD: Duration = Duration::from_secs(60);

fn config_at(port: u16) -> EngineConfig {
    let mut config = EngineConfig::new(DbConfig {
        host: "127.0.0.1".into(),
        port,
        socket: None,
        user: "root".into(),
        password: "not-a-real-password".into(),
        database: "meschain_nowhere".into(),
        prefix: "oc_".into(),
    });
    config.connect_timeout = Duration::from_millis(800);
    config.log_dir = Some(std::env::temp_dir().join("meschain-test-logs"));
    config
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_connection_is_database_unavailable() {
    // Bind and release a port so nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let engine = Engine::new(config_at(port)).unwrap();
    let err = tokio::time::timeout(HANG_GUARD, engine.migrate())
        .await
        .expect("must not hang")
        .unwrap_err();
    assert!(matches!(err, Error::DatabaseUnavailable { .. }), "{err:?}");
    assert_eq!(err.code(), 200);
    let text = err.to_string();
    assert!(text.contains(&format!("127.0.0.1:{port}")), "{text}");
    assert!(!text.contains("not-a-real-password"), "{text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_silent_server_times_out_within_the_connect_timeout() {
    // Accepts TCP connections and never says a word: the MySQL handshake never starts.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let holder = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let engine = Engine::new(config_at(port)).unwrap();
    let err = tokio::time::timeout(HANG_GUARD, engine.status())
        .await
        .expect("must not hang")
        .unwrap_err();
    assert!(matches!(err, Error::DatabaseUnavailable { .. }), "{err:?}");
    assert!(err.to_string().contains("connect timeout"), "{err}");
    holder.abort();
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_credentials_say_so() {
    let mut config = config_at(meschain_engine::testing::server_config().port);
    config.db.user = "meschain_no_such_user".into();
    let engine = Engine::new(config).unwrap();
    let err = engine.migrate().await.unwrap_err();
    assert!(matches!(err, Error::DatabaseUnavailable { .. }), "{err:?}");
    assert!(err.to_string().contains("access denied"), "{err}");
}

async fn with_settings_table(rows: &[(&str, &str)]) -> (TestDatabase, Engine) {
    let test_db = TestDatabase::create("oc_").await;
    let pool = test_db.pool();
    let mut conn = pool.get_conn().await.unwrap();
    // A real OpenCart 4.0.2.3 schema, so oc_setting is exactly the shop's.
    meschain_engine::fixtures::create_opencart_tables(&mut conn, "oc_")
        .await
        .unwrap();
    for (key, value) in rows {
        conn.exec_drop(
            "INSERT INTO oc_setting (store_id, code, `key`, value, serialized) VALUES (0, 'module_meschain', ?, ?, 0)",
            (format!("module_meschain_{key}"), *value),
        )
        .await
        .unwrap();
    }
    // Another store's and another module's rows must not leak in.
    conn.query_drop(
        "INSERT INTO oc_setting (store_id, code, `key`, value) VALUES
         (1, 'module_meschain', 'module_meschain_batch_size', '999'),
         (0, 'module_other', 'module_meschain_batch_size', '998')",
    )
    .await
    .unwrap();
    drop(conn);
    pool.disconnect().await.unwrap();
    let mut config = EngineConfig::new(test_db.config.clone());
    config.log_dir = Some(std::env::temp_dir().join("meschain-test-logs"));
    let engine = Engine::new(config).unwrap();
    (test_db, engine)
}

#[tokio::test(flavor = "multi_thread")]
async fn settings_come_from_oc_setting_with_defaults() {
    let (test_db, engine) = with_settings_table(&[
        ("status", "1"),
        ("batch_size", "100"),
        ("memory_limit", "512M"),
        ("api_secret", "demo-secret-0000"),
        ("module_ui_tab", "monitoring"),
    ])
    .await;
    let settings = engine.settings().await.unwrap();
    assert!(settings.status);
    assert_eq!(settings.batch_size, 100);
    assert_eq!(settings.memory_limit_bytes, 512 << 20);
    assert_eq!(settings.max_execution_time, 300, "default");
    assert_eq!(settings.order_sync_interval, 15, "default");
    assert_eq!(settings.api_secret.expose(), "demo-secret-0000");
    engine.close().await;
    test_db.drop_database().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_stored_setting_is_named() {
    let (test_db, engine) = with_settings_table(&[("max_execution_time", "forever")]).await;
    let err = engine.settings().await.unwrap_err();
    assert!(matches!(err, Error::Setting { .. }), "{err:?}");
    assert_eq!(err.code(), 110);
    let text = err.to_string();
    assert!(
        text.contains("max_execution_time") && text.contains("10 to 3600"),
        "{text}"
    );
    engine.close().await;
    test_db.drop_database().await;
}
