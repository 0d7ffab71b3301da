//! The OpenMetrics text from a real database: every family typed and documented, samples that
//! parse, counters ending in `_total`, queue figures per priority, `# EOF` last.

use std::collections::{BTreeMap, BTreeSet};

use meschain_engine::config::EngineConfig;
use meschain_engine::testing::TestDatabase;
use meschain_engine::trendyol::MetricsSnapshot;
use meschain_engine::Engine;
use mysql_async::prelude::*;

/// Checks the OpenMetrics text grammar MesChain uses; returns sample name+labels → value.
fn parse(text: &str) -> BTreeMap<String, f64> {
    assert!(text.ends_with("# EOF\n"), "must end with # EOF");
    assert_eq!(text.matches("# EOF").count(), 1);
    let sample = regex::Regex::new(
        r#"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*")(,[a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*")*\})? (-?[0-9.e+]+|NaN|\+Inf|-Inf)$"#,
    )
    .unwrap();
    let mut types: BTreeMap<String, String> = BTreeMap::new();
    let mut helped = BTreeSet::new();
    let mut samples = BTreeMap::new();
    for line in text.lines() {
        if line == "# EOF" {
            continue;
        }
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').unwrap();
            assert!(["gauge", "counter", "stateset"].contains(&kind), "{line}");
            assert!(
                types.insert(name.to_string(), kind.to_string()).is_none(),
                "family twice: {name}"
            );
            continue;
        }
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let (name, _) = rest.split_once(' ').unwrap();
            assert!(types.contains_key(name), "HELP before TYPE: {line}");
            helped.insert(name.to_string());
            continue;
        }
        let caps = sample
            .captures(line)
            .unwrap_or_else(|| panic!("bad sample line: {line:?}"));
        let name = &caps[1];
        let family = types
            .iter()
            .filter(|(f, _)| name == f.as_str() || name.strip_prefix(f.as_str()) == Some("_total"))
            .map(|(f, k)| (f.clone(), k.clone()))
            .next_back()
            .unwrap_or_else(|| panic!("sample of an undeclared family: {line}"));
        if family.1 == "counter" {
            assert!(
                name.ends_with("_total"),
                "counter sample without _total: {line}"
            );
        }
        let value: f64 = line.rsplit(' ').next().unwrap().parse().unwrap();
        samples.insert(line.rsplit_once(' ').unwrap().0.to_string(), value);
    }
    assert_eq!(types.keys().cloned().collect::<BTreeSet<_>>(), helped);
    samples
}

#[tokio::test(flavor = "multi_thread")]
async fn metrics_are_valid_openmetrics_with_the_shops_figures() {
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

    // An empty shop already gives a valid text with the queue's four priorities.
    let empty = parse(&engine.metrics().await.unwrap());
    for p in 1..=4 {
        assert_eq!(
            empty[&format!("meschain_queue_depth{{priority=\"{p}\"}}")],
            0.0
        );
    }
    assert!(!empty.keys().any(|k| k.starts_with("meschain_last_order")));

    conn.query_drop(
        "INSERT INTO oc_trendyol_sync_queue (event_type, priority, payload, status, available_at, created_at, updated_at) VALUES \
         ('order_package', 1, '{}', 'pending', NOW(3) - INTERVAL 90 SECOND, NOW(3), NOW(3)), \
         ('order_package', 1, '{}', 'pending', NOW(3) - INTERVAL 10 SECOND, NOW(3), NOW(3)), \
         ('stock_price', 3, '{}', 'dead', NOW(3), NOW(3), NOW(3))",
    )
    .await
    .unwrap();
    conn.query_drop(
        "INSERT INTO oc_trendyol_sync_logs (sync_type, status, started_at, finished_at, duration_ms, items_ok, created_at) VALUES \
         ('order_sync', 'ok', NOW(3) - INTERVAL 1 HOUR, NOW(3), 2500, 7, UTC_TIMESTAMP()), \
         ('order_sync', 'failed', NOW(3), NOW(3), 1200, 0, UTC_TIMESTAMP())",
    )
    .await
    .unwrap();
    conn.query_drop(
        "INSERT INTO oc_trendyol_orders (seller_id, package_id, order_number, package_status, created_at, updated_at) \
         VALUES (1001, 1, '1', 'Created', '2024-05-01 10:00:00', UTC_TIMESTAMP())",
    )
    .await
    .unwrap();
    conn.query_drop(
        "INSERT INTO oc_trendyol_alerts (alert_type, severity, title, message, dedupe_key, first_seen_at, last_seen_at) \
         VALUES ('x', 'critical', 't \"quoted\"', 'm', 'k', UTC_TIMESTAMP(), UTC_TIMESTAMP())",
    )
    .await
    .unwrap();
    let snapshot: MetricsSnapshot = serde_json::from_value(serde_json::json!({
        "calls": 5, "attempts": 5, "retries": 0, "failed": 2, "rate_limited": 0,
        "latency_buckets_ms": [],
        "classes": {
            "order.list": {"calls": 3, "attempts": 3, "retries": 0, "succeeded": 2,
                "failed": {"auth": 1}, "by_status": {}, "rate_limited": 0, "latency_ms_sum": 0.0,
                "latency_ms_max": 0.0, "latency_histogram": [], "limiter_wait_ms": 0.0},
            "inventory.update": {"calls": 2, "attempts": 2, "retries": 0, "succeeded": 1,
                "failed": {"transient": 1}, "by_status": {}, "rate_limited": 0, "latency_ms_sum": 0.0,
                "latency_ms_max": 0.0, "latency_histogram": [], "limiter_wait_ms": 0.0}
        }
    }))
    .unwrap();
    let db = engine.database().unwrap();
    meschain_engine::metrics::counters::add(&db, &snapshot)
        .await
        .unwrap();
    meschain_engine::metrics::counters::add(&db, &snapshot)
        .await
        .unwrap();

    let m = parse(&engine.metrics().await.unwrap());
    assert_eq!(m["meschain_queue_depth{priority=\"1\"}"], 2.0);
    assert!(m["meschain_queue_oldest_ready_age_seconds{priority=\"1\"}"] >= 89.0);
    assert_eq!(m["meschain_queue_dead{priority=\"3\"}"], 1.0);
    assert_eq!(
        m["meschain_job_last_duration_seconds{job=\"order_sync\"}"],
        1.2
    );
    assert_eq!(
        m["meschain_job_last_status{job=\"order_sync\",meschain_job_last_status=\"failed\"}"],
        1.0
    );
    assert_eq!(
        m["meschain_job_last_status{job=\"order_sync\",meschain_job_last_status=\"ok\"}"],
        0.0
    );
    assert!(m.contains_key("meschain_job_last_success_timestamp_seconds{job=\"order_sync\"}"));
    assert_eq!(m["meschain_api_calls_total{endpoint=\"order.list\"}"], 6.0);
    assert_eq!(
        m["meschain_api_calls_total{endpoint=\"inventory.update\"}"],
        4.0
    );
    assert_eq!(
        m["meschain_api_errors_total{endpoint=\"order.list\",class=\"auth\"}"],
        2.0
    );
    assert_eq!(m["meschain_alerts_open{severity=\"critical\"}"], 1.0);
    assert_eq!(m["meschain_last_order_timestamp_seconds"], 1_714_557_600.0);
    drop(conn);
    pool.disconnect().await.unwrap();
    engine.close().await;
    tdb.drop_database().await;
}
