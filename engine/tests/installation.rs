//! The staging-clone guard against a real MariaDB: a shop's database copied table by table into
//! another database refuses production Trendyol until confirmed; the original keeps working;
//! sandbox and stage are never blocked.
//!
//! Production is only *configured* here: `Engine::trendyol()` decides before any request is
//! made, so no test calls the real Trendyol.

use std::collections::BTreeMap;

use meschain_engine::config::EngineConfig;
use meschain_engine::testing::TestDatabase;
use meschain_engine::{Engine, Error};
use mysql_async::prelude::*;

fn production() -> Vec<(&'static str, &'static str)> {
    vec![
        ("environment", "production"),
        ("seller_id", "1001"),
        ("api_key", "prod-guard-key"),
        ("api_secret", "prod-guard-secret"),
        ("store_url", "https://shop.example.test/"),
    ]
}

fn engine_for(tdb: &TestDatabase, settings: &[(&str, &str)]) -> Engine {
    let mut config = EngineConfig::new(tdb.config.clone());
    config.log_dir = Some(std::env::temp_dir().join("meschain-test-logs"));
    config.setting_overrides = settings
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect::<BTreeMap<_, _>>();
    Engine::new(config).unwrap()
}

async fn shop() -> TestDatabase {
    let tdb = TestDatabase::with_opencart_tables().await;
    let engine = engine_for(&tdb, &production());
    engine.migrate().await.unwrap();
    engine.close().await;
    tdb
}

/// Copies every table of `from` into the (empty) database of `to`, rows included: what a
/// staging clone made with a dump or `CREATE TABLE … LIKE` looks like.
async fn copy_database(from: &TestDatabase, to: &TestDatabase) {
    let pool = from.pool();
    let mut conn = pool.get_conn().await.unwrap();
    let tables: Vec<String> = conn
        .exec(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = ?",
            (from.name(),),
        )
        .await
        .unwrap();
    assert!(tables.len() > 20, "the shop has its tables");
    for table in tables {
        conn.query_drop(format!(
            "CREATE TABLE `{}`.`{table}` LIKE `{}`.`{table}`",
            to.name(),
            from.name()
        ))
        .await
        .unwrap();
        conn.query_drop(format!(
            "INSERT INTO `{}`.`{table}` SELECT * FROM `{}`.`{table}`",
            to.name(),
            from.name()
        ))
        .await
        .unwrap();
    }
    drop(conn);
    pool.disconnect().await.unwrap();
}

#[tokio::test]
async fn a_copied_database_refuses_production_until_confirmed() {
    let original = shop().await;
    let live = engine_for(&original, &production());
    // First production use records the installation.
    live.trendyol()
        .await
        .expect("the original installation works");

    let copy = TestDatabase::create("oc_").await;
    copy_database(&original, &copy).await;
    let staging = engine_for(&copy, &production());

    let refused = match staging.trendyol().await {
        Ok(_) => panic!("a copied database reached production"),
        Err(e) => e,
    };
    assert!(matches!(refused, Error::Config(_)), "{refused:?}");
    let message = refused.to_string();
    assert!(message.contains("confirmInstallation"), "{message}");
    assert!(
        message.contains(original.name()),
        "names where it was installed: {message}"
    );
    assert!(
        message.contains(copy.name()),
        "names where it is now: {message}"
    );
    assert!(!message.contains("prod-guard-secret"), "{message}");
    // Refused again on the next call (nothing was recorded by the refusal).
    assert!(staging.trendyol().await.is_err());

    // The original keeps working while the copy is refused.
    live.trendyol().await.expect("the original is not affected");

    let confirmed = staging.confirm_installation().await.unwrap();
    assert!(confirmed.contains(copy.name()), "{confirmed}");
    staging
        .trendyol()
        .await
        .expect("confirmed: the copy may call production");
    // Confirming the copy changed only the copy's row.
    live.trendyol().await.expect("the original still works");

    live.close().await;
    staging.close().await;
    copy.drop_database().await;
    original.drop_database().await;
}

#[tokio::test]
async fn test_environments_are_never_blocked() {
    let original = shop().await;
    let live = engine_for(&original, &production());
    live.trendyol().await.unwrap();
    let copy = TestDatabase::create("oc_").await;
    copy_database(&original, &copy).await;

    for environment in ["sandbox", "stage"] {
        let mut settings = production();
        settings.retain(|(k, _)| *k != "environment");
        settings.push(("environment", environment));
        settings.push(("sandbox_url", "http://127.0.0.1:9"));
        let staging = engine_for(&copy, &settings);
        staging
            .trendyol()
            .await
            .unwrap_or_else(|e| panic!("{environment} blocked: {e}"));
        staging.close().await;
    }
    // ...and the copy is still refused for production: the test environments recorded nothing.
    let staging = engine_for(&copy, &production());
    assert!(matches!(staging.trendyol().await, Err(Error::Config(_))));

    live.close().await;
    staging.close().await;
    copy.drop_database().await;
    original.drop_database().await;
}

#[tokio::test]
async fn a_fresh_installation_records_itself_once() {
    let original = shop().await;
    let engine = engine_for(&original, &production());
    engine.trendyol().await.unwrap();
    engine.trendyol().await.unwrap();
    let pool = original.pool();
    let mut conn = pool.get_conn().await.unwrap();
    let rows: Vec<(String, String, Option<String>)> = conn
        .query(
            "SELECT instance_id, description, CAST(confirmed_at AS CHAR) FROM oc_trendyol_installation",
        )
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].0.len(), 32);
    assert!(rows[0].1.contains(original.name()), "{}", rows[0].1);
    assert_eq!(rows[0].2, None, "recorded, not confirmed");
    drop(conn);
    pool.disconnect().await.unwrap();
    engine.close().await;
    original.drop_database().await;
}
