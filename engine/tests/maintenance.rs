//! Maintenance against a real MariaDB: rows past the retention go (in batches, by key), recent
//! rows, runs in progress, open alerts and unprocessed queue work stay, and the sync tables are
//! optimized.

use meschain_engine::config::EngineConfig;
use meschain_engine::testing::TestDatabase;
use meschain_engine::Engine;
use mysql_async::prelude::*;

#[tokio::test(flavor = "multi_thread")]
async fn old_rows_go_recent_rows_stay_and_tables_are_optimized() {
    let tdb = TestDatabase::create("oc_").await;
    let pool = tdb.pool();
    let mut conn = pool.get_conn().await.unwrap();
    meschain_engine::fixtures::create_opencart_tables(&mut conn, "oc_")
        .await
        .unwrap();
    let mut config = EngineConfig::new(tdb.config.clone());
    config.log_dir = Some(std::env::temp_dir().join("meschain-test-logs"));
    let engine = Engine::new(config).unwrap();
    engine.migrate().await.unwrap();

    // 1200 old sync logs (more than two batches), 3 recent ones, 1 old run still in progress.
    conn.query_drop(
        "INSERT INTO oc_trendyol_sync_logs (sync_type, status, started_at, created_at) \
         SELECT 'order_sync', 'ok', NOW(3), UTC_TIMESTAMP() - INTERVAL 40 DAY \
         FROM information_schema.COLUMNS LIMIT 1200",
    )
    .await
    .unwrap();
    conn.query_drop(
        "INSERT INTO oc_trendyol_sync_logs (sync_type, status, started_at, created_at) VALUES \
         ('order_sync', 'ok', NOW(3), UTC_TIMESTAMP()), ('stock_sync', 'ok', NOW(3), UTC_TIMESTAMP() - INTERVAL 29 DAY), \
         ('stock_sync', 'failed', NOW(3), UTC_TIMESTAMP()), ('product_sync', 'running', NOW(3), UTC_TIMESTAMP() - INTERVAL 40 DAY)",
    )
    .await
    .unwrap();
    conn.query_drop(
        "INSERT INTO oc_trendyol_webhook_logs (received_at, http_status, verdict) VALUES \
         (NOW(3) - INTERVAL 31 DAY, 200, 'accepted'), (NOW(3), 200, 'accepted')",
    )
    .await
    .unwrap();
    conn.query_drop(
        "INSERT INTO oc_trendyol_stock_history (product_id, quantity_after, source, created_at) VALUES \
         (1, 5, 'order', NOW(3) - INTERVAL 45 DAY), (1, 4, 'order', NOW(3))",
    )
    .await
    .unwrap();
    conn.query_drop(
        "INSERT INTO oc_trendyol_sync_queue (event_type, priority, payload, status, available_at, created_at, updated_at, processed_at) VALUES \
         ('order_package', 1, '{}', 'done', NOW(3), NOW(3), NOW(3), NOW(3) - INTERVAL 40 DAY), \
         ('order_package', 1, '{}', 'dead', NOW(3), NOW(3) - INTERVAL 40 DAY, NOW(3) - INTERVAL 40 DAY, NULL), \
         ('order_package', 1, '{}', 'done', NOW(3), NOW(3), NOW(3), NOW(3))",
    )
    .await
    .unwrap();
    conn.query_drop(
        "INSERT INTO oc_trendyol_alerts (alert_type, title, message, dedupe_key, first_seen_at, last_seen_at, acknowledged_at) VALUES \
         ('x', 'old, acknowledged', 'm', 'a', UTC_TIMESTAMP() - INTERVAL 60 DAY, UTC_TIMESTAMP() - INTERVAL 60 DAY, UTC_TIMESTAMP() - INTERVAL 50 DAY), \
         ('x', 'old, still open', 'm', 'b', UTC_TIMESTAMP() - INTERVAL 60 DAY, UTC_TIMESTAMP() - INTERVAL 60 DAY, NULL)",
    )
    .await
    .unwrap();

    let report = engine.maintenance().await.unwrap();
    assert_eq!(report.retention_days, 30);
    assert_eq!(report.deleted["trendyol_sync_logs"], 1200);
    assert_eq!(report.deleted["trendyol_webhook_logs"], 1);
    assert_eq!(report.deleted["trendyol_stock_history"], 1);
    assert_eq!(report.deleted["trendyol_sync_queue"], 1);
    assert_eq!(report.deleted["trendyol_alerts"], 1);
    assert!(report
        .optimized
        .contains(&"oc_trendyol_sync_logs".to_string()));
    assert_eq!(report.optimized.len(), 6);

    let left: Vec<(String, String)> = conn
        .query("SELECT sync_type, status FROM oc_trendyol_sync_logs ORDER BY sync_log_id")
        .await
        .unwrap();
    // The recent rows stay, and the maintenance run logs itself like every job.
    assert_eq!(left.len(), 5, "{left:?}");
    assert!(left.contains(&("product_sync".into(), "running".into())));
    assert_eq!(left.last(), Some(&("maintenance".into(), "ok".into())));
    let queue: Vec<String> = conn
        .query("SELECT status FROM oc_trendyol_sync_queue ORDER BY queue_id")
        .await
        .unwrap();
    assert_eq!(queue, vec!["dead".to_string(), "done".to_string()]);
    let alerts: Vec<String> = conn
        .query("SELECT title FROM oc_trendyol_alerts")
        .await
        .unwrap();
    assert_eq!(alerts, vec!["old, still open".to_string()]);

    // A second pass finds nothing more to delete.
    let again = engine.maintenance().await.unwrap();
    assert!(
        again.deleted.values().all(|n| *n == 0),
        "{:?}",
        again.deleted
    );
    drop(conn);
    pool.disconnect().await.unwrap();
    engine.close().await;
    tdb.drop_database().await;
}
