//! Migrations against a real MariaDB: every table, idempotence, concurrency, prefixes, and the
//! hand-install SQL file agreeing with the migrations.

use std::collections::BTreeMap;

use meschain_engine::config::EngineConfig;
use meschain_engine::db::migrations::{self, install_sql, latest_version, SEED_TABLES};
use meschain_engine::testing::TestDatabase;
use meschain_engine::{Engine, Error};
use mysql_async::prelude::*;

fn engine_for(test_db: &TestDatabase) -> Engine {
    let mut config = EngineConfig::new(test_db.config.clone());
    config.log_dir = Some(std::env::temp_dir().join("meschain-test-logs"));
    Engine::new(config).expect("valid config")
}

async fn tables(pool: &mysql_async::Pool) -> Vec<String> {
    let mut conn = pool.get_conn().await.unwrap();
    conn.query("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME")
        .await
        .unwrap()
}

async fn create_statements(pool: &mysql_async::Pool) -> BTreeMap<String, String> {
    let mut conn = pool.get_conn().await.unwrap();
    let mut out = BTreeMap::new();
    // AUTO_INCREMENT counters differ with data, not with schema.
    let counter = regex::Regex::new(r" AUTO_INCREMENT=\d+").unwrap();
    for table in tables(pool).await {
        let row: Option<(String, String)> = conn
            .query_first(format!("SHOW CREATE TABLE `{table}`"))
            .await
            .unwrap();
        let (_, create) = row.unwrap();
        let create = counter.replace(&create, "").into_owned();
        out.insert(table, create);
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn creates_every_table_and_is_idempotent() {
    let test_db = TestDatabase::create("oc_").await;
    let engine = engine_for(&test_db);

    let first = engine.migrate().await.unwrap();
    assert_eq!(first.applied, (1..=latest_version()).collect::<Vec<_>>());
    assert_eq!(first.schema_version, latest_version());

    let pool = test_db.pool();
    let present = tables(&pool).await;
    for name in SEED_TABLES {
        assert!(
            present.contains(&format!("oc_{name}")),
            "oc_{name} missing from {present:?}"
        );
    }
    assert!(present.contains(&"oc_trendyol_schema_version".to_string()));
    let before = create_statements(&pool).await;

    let second = engine.migrate().await.unwrap();
    assert!(
        second.applied.is_empty(),
        "second run applied {:?}",
        second.applied
    );
    assert_eq!(
        create_statements(&pool).await,
        before,
        "a re-run changed the schema"
    );

    let status = engine.status().await.unwrap();
    assert_eq!(status.schema_version, latest_version());
    assert!(
        status.tables.iter().all(|t| t.present),
        "{:?}",
        status.tables
    );
    // No OpenCart tables in this database: the settings error says which table is missing.
    assert!(status.settings_error.unwrap().contains("oc_setting"));

    engine.close().await;
    pool.disconnect().await.unwrap();
    test_db.drop_database().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_installers_apply_each_migration_once() {
    let test_db = TestDatabase::create("oc_").await;
    let a = engine_for(&test_db);
    let b = engine_for(&test_db);
    let (ra, rb) = tokio::join!(a.migrate(), b.migrate());
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    let mut all: Vec<u32> = ra
        .applied
        .iter()
        .chain(rb.applied.iter())
        .copied()
        .collect();
    all.sort();
    assert_eq!(all, (1..=latest_version()).collect::<Vec<_>>());

    let pool = test_db.pool();
    let mut conn = pool.get_conn().await.unwrap();
    let rows: Vec<u32> = conn
        .query("SELECT version FROM oc_trendyol_schema_version")
        .await
        .unwrap();
    assert_eq!(rows.len(), latest_version() as usize);
    drop(conn);
    a.close().await;
    b.close().await;
    pool.disconnect().await.unwrap();
    test_db.drop_database().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_prefix_is_honoured() {
    let test_db = TestDatabase::create("shop7_").await;
    let engine = engine_for(&test_db);
    engine.migrate().await.unwrap();
    let pool = test_db.pool();
    let present = tables(&pool).await;
    assert!(
        present.iter().all(|t| t.starts_with("shop7_")),
        "{present:?}"
    );
    // Every table a migration creates, and the version table.
    let created = migrations::MIGRATIONS
        .iter()
        .flat_map(|m| m.statements.iter())
        .filter(|s| s.starts_with("CREATE TABLE"))
        .count();
    assert!(created > SEED_TABLES.len());
    assert_eq!(present.len(), created + 1, "{present:?}");
    engine.close().await;
    pool.disconnect().await.unwrap();
    test_db.drop_database().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_newer_schema_is_refused_not_downgraded() {
    let test_db = TestDatabase::create("oc_").await;
    let engine = engine_for(&test_db);
    engine.migrate().await.unwrap();
    let pool = test_db.pool();
    let mut conn = pool.get_conn().await.unwrap();
    conn.query_drop(
        "INSERT INTO oc_trendyol_schema_version VALUES (999, 'from the future', '', UTC_TIMESTAMP())",
    )
    .await
    .unwrap();
    drop(conn);
    let err = engine.migrate().await.unwrap_err();
    assert!(matches!(err, Error::Migration(_)), "{err:?}");
    assert!(err.to_string().contains("999"), "{err}");
    engine.close().await;
    pool.disconnect().await.unwrap();
    test_db.drop_database().await;
}

#[test]
fn the_shipped_install_sql_is_generated_from_the_migrations() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../install/meschain_trendyol_install.sql"
    );
    let shipped =
        std::fs::read_to_string(path).expect("install/meschain_trendyol_install.sql exists");
    assert!(
        shipped == install_sql("oc_"),
        "install/meschain_trendyol_install.sql is stale: regenerate it with \
         `cargo run -p meschain-engine --bin meschain-tool -- install-sql --output install/meschain_trendyol_install.sql`"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_install_sql_builds_the_same_schema_as_the_migrations() {
    let by_migration = TestDatabase::create("oc_").await;
    let by_script = TestDatabase::create("oc_").await;

    let engine = engine_for(&by_migration);
    engine.migrate().await.unwrap();

    // Run the script statement by statement, as the mysql client would.
    let script_pool = by_script.pool();
    let mut conn = script_pool.get_conn().await.unwrap();
    let script = install_sql("oc_");
    for statement in script.split(";\n").map(str::trim).filter(|s| {
        !s.is_empty()
            && !s
                .lines()
                .all(|l| l.trim().is_empty() || l.trim_start().starts_with("--"))
    }) {
        conn.query_drop(statement).await.unwrap();
    }
    drop(conn);

    let migrated_pool = by_migration.pool();
    assert_eq!(
        create_statements(&script_pool).await,
        create_statements(&migrated_pool).await
    );

    // A shop installed by hand is recognised as up to date.
    let after_script = engine_for(&by_script);
    assert!(after_script.migrate().await.unwrap().applied.is_empty());
    let version = migrations::current_version(&after_script.database().unwrap())
        .await
        .unwrap();
    assert_eq!(version, latest_version());

    engine.close().await;
    after_script.close().await;
    script_pool.disconnect().await.unwrap();
    migrated_pool.disconnect().await.unwrap();
    by_migration.drop_database().await;
    by_script.drop_database().await;
}
