//! The admin API against a real MariaDB holding a real OpenCart schema and a generated catalog:
//! the Monitoring figures, logs with their filters and cleanup, alerts, the dead letter, manual
//! syncs (a double click queues once, even from concurrent requests), product states with
//! Trendyol's reasons, returns, every kind of mapping, the settings form (secrets never echoed,
//! every bad field reported, nothing written on error), the requirements check, and the cron
//! block compared with `scripts/setup_cron_jobs.sh --dry-run`. Bad input always comes back as a
//! configuration error naming the field, with the database unchanged.

use std::collections::BTreeMap;

use meschain_engine::config::EngineConfig;
use meschain_engine::fixtures::{self, CatalogSpec, CatalogSummary};
use meschain_engine::queue::{self, EventType, NewJob};
use meschain_engine::testing::TestDatabase;
use meschain_engine::{Engine, ErrorFamily};
use mysql_async::prelude::*;
use serde_json::{json, Map, Value};

fn log_dir() -> std::path::PathBuf {
    std::env::temp_dir().join("meschain-test-logs")
}

/// The mapping tables the product sync's migration creates, with exactly its columns. Tests
/// create them here until that migration is merged (then `migrate()` does and this is a no-op).
const MAPPING_TABLES_DDL: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS `oc_trendyol_category_map` (`category_id` int(11) NOT NULL, \
     `trendyol_category_id` bigint(20) NOT NULL, `trendyol_category_name` varchar(255) NOT NULL DEFAULT '', \
     `updated_at` datetime NOT NULL, PRIMARY KEY (`category_id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
    "CREATE TABLE IF NOT EXISTS `oc_trendyol_brand_map` (`manufacturer_id` int(11) NOT NULL, \
     `trendyol_brand_id` bigint(20) NOT NULL, `trendyol_brand_name` varchar(255) NOT NULL DEFAULT '', \
     `updated_at` datetime NOT NULL, PRIMARY KEY (`manufacturer_id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
    "CREATE TABLE IF NOT EXISTS `oc_trendyol_attribute_map` (`attribute_map_id` int(11) NOT NULL AUTO_INCREMENT, \
     `trendyol_category_id` bigint(20) NOT NULL, `trendyol_attribute_id` bigint(20) NOT NULL, \
     `trendyol_attribute_name` varchar(255) NOT NULL DEFAULT '', `source` varchar(16) NOT NULL, \
     `source_id` int(11) NOT NULL DEFAULT 0, `trendyol_value_id` bigint(20) NULL, \
     `custom_value` varchar(255) NOT NULL DEFAULT '', `updated_at` datetime NOT NULL, \
     PRIMARY KEY (`attribute_map_id`), UNIQUE KEY `category_attribute` (`trendyol_category_id`, `trendyol_attribute_id`)) \
     ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
    "CREATE TABLE IF NOT EXISTS `oc_trendyol_attribute_value_map` (`value_map_id` int(11) NOT NULL AUTO_INCREMENT, \
     `attribute_map_id` int(11) NOT NULL, `source_value` varchar(255) NOT NULL, `trendyol_value_id` bigint(20) NOT NULL, \
     `trendyol_value_name` varchar(255) NOT NULL DEFAULT '', PRIMARY KEY (`value_map_id`), \
     UNIQUE KEY `attribute_value` (`attribute_map_id`, `source_value`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
    "CREATE TABLE IF NOT EXISTS `oc_trendyol_vat_map` (`tax_class_id` int(11) NOT NULL, `vat_rate` tinyint(4) NOT NULL, \
     `updated_at` datetime NOT NULL, PRIMARY KEY (`tax_class_id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
];

/// A shop: OpenCart's schema and base data, `products` generated products, MesChain's tables.
async fn shop(products: u32) -> (TestDatabase, Engine, CatalogSummary) {
    let tdb = TestDatabase::create("oc_").await;
    let pool = tdb.pool();
    let mut conn = pool.get_conn().await.unwrap();
    fixtures::install_opencart_schema(&mut conn, "oc_")
        .await
        .unwrap();
    for ddl in MAPPING_TABLES_DDL {
        conn.query_drop(*ddl).await.unwrap();
    }
    drop(conn);
    let spec = CatalogSpec {
        products,
        manufacturers: 4,
        categories: 5,
        option_share: 0.5,
        attribute_share: 0.8,
        ..CatalogSpec::default()
    };
    let summary = fixtures::generate_catalog(&pool, "oc_", &spec)
        .await
        .unwrap();
    pool.disconnect().await.unwrap();
    let mut config = EngineConfig::new(tdb.config.clone());
    config.log_dir = Some(log_dir());
    let engine = Engine::new(config).unwrap();
    engine.migrate().await.unwrap();
    (tdb, engine, summary)
}

async fn exec(tdb: &TestDatabase, query: &str) {
    let pool = tdb.pool();
    let mut conn = pool.get_conn().await.unwrap();
    conn.query_drop(query).await.unwrap();
    drop(conn);
    pool.disconnect().await.unwrap();
}

async fn rows<T: FromRow + Send + 'static>(tdb: &TestDatabase, query: &str) -> Vec<T> {
    let pool = tdb.pool();
    let mut conn = pool.get_conn().await.unwrap();
    let rows = conn.query(query).await.unwrap();
    drop(conn);
    pool.disconnect().await.unwrap();
    rows
}

async fn count(tdb: &TestDatabase, table: &str) -> u64 {
    rows::<u64>(tdb, &format!("SELECT COUNT(*) FROM oc_{table}")).await[0]
}

fn map(value: Value) -> Map<String, Value> {
    value.as_object().cloned().unwrap()
}

/// The error is a configuration error whose message names `field`.
fn assert_config_error<T: std::fmt::Debug>(result: meschain_engine::Result<T>, field: &str) {
    let err = result.expect_err("bad input must be refused");
    assert_eq!(err.family(), ErrorFamily::Config, "{err}");
    assert!(err.to_string().contains(field), "{field} not in: {err}");
}

/// A sync log row started `ago` (an SQL interval) ago. Minutes ago stays within today (a run
/// "10 minutes ago" just after midnight is counted as today's), so the test holds at any hour.
fn log_insert(
    job: &str,
    status: &str,
    ago: &str,
    items_ok: u32,
    failed: u32,
    calls: u32,
    ms: u32,
) -> String {
    let micros = u64::from(ms) * 1000;
    let started = if ago.contains("MINUTE") {
        format!("GREATEST(NOW(3) - INTERVAL {ago}, CURDATE())")
    } else {
        format!("NOW(3) - INTERVAL {ago}")
    };
    format!(
        "INSERT INTO oc_trendyol_sync_logs (sync_type, status, started_at, finished_at, duration_ms, items_ok, \
         items_failed, api_calls, message, error, details, created_at) VALUES ('{job}', '{status}', \
         {started}, IF('{status}' = 'running', NULL, {started} + INTERVAL {micros} MICROSECOND), \
         {ms}, {items_ok}, {failed}, {calls}, 'run of {job}', IF('{status}' = 'failed', 'boom', NULL), \
         '{{\"pages\": 2}}', {started})"
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn the_dashboard_shows_jobs_today_queue_alerts_and_webhooks() {
    let (tdb, engine, _) = shop(5).await;
    exec(
        &tdb,
        "INSERT INTO oc_setting (store_id, code, `key`, `value`, serialized) VALUES \
        (0, 'module_meschain', 'module_meschain_status', '1', 0), \
        (0, 'module_meschain', 'module_meschain_stock_sync', '0', 0)",
    )
    .await;
    for q in [
        // Runs of today (minutes ago), yesterday and three days ago.
        log_insert("order_sync", "ok", "20 MINUTE", 10, 0, 4, 1000),
        log_insert("order_sync", "failed", "10 MINUTE", 0, 2, 1, 3000),
        log_insert("product_sync", "ok", "5 MINUTE", 100, 3, 2, 5000),
        log_insert("product_sync", "running", "1 MINUTE", 0, 0, 0, 0),
        log_insert("stock_sync", "running", "2 DAY", 0, 0, 0, 0),
        log_insert("order_sync", "ok", "3 DAY", 7, 0, 9, 2000),
    ] {
        exec(&tdb, &q).await;
    }
    let db = engine.database().unwrap();
    queue::enqueue(&db, &NewJob::new(EventType::OrderCreated, json!({})))
        .await
        .unwrap();
    let dead = queue::enqueue(&db, &NewJob::new(EventType::PriceUpdated, json!({})))
        .await
        .unwrap();
    exec(
        &tdb,
        &format!(
            "UPDATE oc_trendyol_sync_queue SET status = 'dead' WHERE queue_id = {}",
            dead.id
        ),
    )
    .await;
    let retried = queue::enqueue(&db, &NewJob::new(EventType::ProductApproved, json!({})))
        .await
        .unwrap();
    exec(
        &tdb,
        &format!(
            "UPDATE oc_trendyol_sync_queue SET attempts = 2 WHERE queue_id = {}",
            retried.id
        ),
    )
    .await;
    exec(&tdb, "INSERT INTO oc_trendyol_alerts (alert_type, title, message, first_seen_at, last_seen_at) VALUES \
        ('sync_error', 'a', 'b', NOW(), NOW()), ('low_stock', 'c', 'd', NOW(), NOW())").await;
    exec(&tdb, "INSERT INTO oc_trendyol_webhook_logs (received_at, http_status, verdict) VALUES \
        (NOW(3) - INTERVAL 1 HOUR, 200, 'accepted'), (NOW(3) - INTERVAL 2 HOUR, 401, 'rejected_auth'), \
        (NOW(3) - INTERVAL 3 DAY, 200, 'accepted')").await;
    exec(&tdb, "INSERT INTO oc_trendyol_orders (seller_id, package_id, order_number, package_status, created_at, updated_at) \
        VALUES (1, 10, 'N1', 'Created', '2024-05-01 10:00:00', NOW())").await;

    let d = engine.dashboard().await.unwrap();
    assert_eq!(d["status_enabled"], true);
    assert_eq!(d["settings_error"], Value::Null);
    let order = &d["jobs"]["order_sync"];
    assert_eq!(order["enabled"], true);
    assert_eq!(order["interval_minutes"], 15);
    assert_eq!(order["last_run"]["status"], "failed");
    assert_eq!(order["last_run"]["error"], "boom");
    assert_eq!(order["running"], false);
    assert!(
        order["next_due_at"].as_str().unwrap().len() == 19,
        "{order}"
    );
    assert_eq!(d["jobs"]["product_sync"]["running"], true);
    // A run that says "running" but started two days ago died: not running.
    assert_eq!(d["jobs"]["stock_sync"]["running"], false);
    assert_eq!(d["jobs"]["stock_sync"]["enabled"], false);
    assert_eq!(d["jobs"]["stock_sync"]["next_due_at"], Value::Null);
    assert_eq!(d["jobs"]["webhook_processor"]["last_run"], Value::Null);
    let today = &d["today"]["order_sync"];
    assert_eq!(
        (
            today["runs"].as_u64(),
            today["ok"].as_u64(),
            today["failed"].as_u64()
        ),
        (Some(2), Some(1), Some(1))
    );
    assert_eq!(
        (
            today["items_ok"].as_u64(),
            today["items_failed"].as_u64(),
            today["api_calls"].as_u64()
        ),
        (Some(10), Some(2), Some(5))
    );
    assert_eq!(today["avg_duration_ms"], 2000);
    assert_eq!(d["today"]["product_sync"]["runs"], 2);
    assert_eq!(
        d["today"]["product_sync"]["avg_duration_ms"], 5000,
        "the running run has no duration yet"
    );
    assert_eq!(d["today"]["webhook_processor"]["runs"], 0);
    let q = &d["queue"];
    assert_eq!(q["priorities"]["1"]["pending"], 1);
    assert!(
        q["priorities"]["1"]["oldest_pending_age_s"]
            .as_i64()
            .unwrap()
            >= 0
    );
    assert_eq!(q["priorities"]["3"]["dead"], 1);
    assert_eq!(q["priorities"]["4"]["failed"], 1);
    assert_eq!(q["priorities"]["2"]["oldest_pending_age_s"], Value::Null);
    assert_eq!(q["dead_total"], 1);
    assert_eq!(d["alerts_open"], 2);
    assert_eq!(d["last_order_at"], "2024-05-01 10:00:00");
    assert_eq!(d["webhook"]["deliveries_24h"], 2);
    assert_eq!(d["webhook"]["rejected_24h"], 1);
    assert!(d["webhook"]["last_received_at"].is_string());

    let week = engine.weekly_performance().await.unwrap();
    let days = week.as_array().unwrap();
    assert_eq!(days.len(), 7);
    assert!(days[0]["date"].as_str().unwrap() < days[6]["date"].as_str().unwrap());
    assert_eq!(days[6]["jobs"]["order_sync"]["runs"], 2);
    assert_eq!(days[3]["jobs"]["order_sync"]["runs"], 1, "three days ago");
    assert_eq!(days[3]["jobs"]["order_sync"]["api_calls"], 9);
    assert_eq!(days[4]["jobs"]["stock_sync"]["runs"], 1);
    assert_eq!(days[0]["jobs"]["trendyol_sync"]["runs"], 0);
    tdb.drop_database().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn logs_filter_page_follow_and_clean_up() {
    let (tdb, engine, _) = shop(0).await;
    for i in 0..30 {
        let (job, status) = if i % 3 == 0 {
            ("order_sync", "failed")
        } else {
            ("stock_sync", "ok")
        };
        exec(
            &tdb,
            &log_insert(job, status, &format!("{} MINUTE", 100 - i), i, 0, 1, 10),
        )
        .await;
    }
    exec(
        &tdb,
        &log_insert("product_sync", "ok", "40 DAY", 1, 0, 1, 10),
    )
    .await;
    exec(
        &tdb,
        &log_insert("product_sync", "ok", "35 DAY", 1, 0, 1, 10),
    )
    .await;

    let all = engine.sync_logs(&Map::new()).await.unwrap();
    assert_eq!(
        (all.total, all.page, all.limit, all.rows.len()),
        (32, 1, 25, 25)
    );
    assert_eq!(all.rows[0]["items_ok"], 29, "newest first");
    assert_eq!(all.rows[0]["details"]["pages"], 2, "details decoded");
    for key in [
        "sync_log_id",
        "sync_type",
        "status",
        "trigger",
        "host",
        "pid",
        "started_at",
        "finished_at",
        "duration_ms",
        "peak_memory_bytes",
        "items_ok",
        "items_failed",
        "api_calls",
        "api_errors",
        "message",
        "error",
        "details",
        "created_at",
    ] {
        assert!(all.rows[0].get(key).is_some(), "{key}");
    }
    let failed = engine
        .sync_logs(&map(
            json!({"sync_type": "order_sync", "status": "failed", "limit": "4", "page": 2}),
        ))
        .await
        .unwrap();
    assert_eq!((failed.total, failed.rows.len()), (10, 4));
    assert!(failed
        .rows
        .iter()
        .all(|r| r["status"] == "failed" && r["error"] == "boom"));
    // The live view asks for what was written after the last id it has.
    let last_id: u64 = rows(&tdb, "SELECT MAX(sync_log_id) FROM oc_trendyol_sync_logs").await[0];
    let live = engine
        .sync_logs(&map(json!({"since_id": last_id - 2})))
        .await
        .unwrap();
    assert_eq!(live.total, 2);
    assert!(live
        .rows
        .iter()
        .all(|r| r["sync_log_id"].as_u64().unwrap() > last_id - 2));

    for (filter, field) in [
        (json!({"sync_typ": "x"}), "sync_typ"),
        (json!({"status": "exploded"}), "status"),
        (json!({"limit": 101}), "limit"),
        (json!({"limit": 0}), "limit"),
        (json!({"page": "0"}), "page"),
        (json!({"page": "two"}), "page"),
        (json!({"since_id": -1}), "since_id"),
        (json!({"sync_type": "x' OR 1=1 --"}), "sync_type"),
    ] {
        assert_config_error(engine.sync_logs(&map(filter)).await, field);
    }

    assert_config_error(engine.cleanup_logs(0).await, "older_than_days");
    assert_config_error(engine.cleanup_logs(3651).await, "older_than_days");
    assert_eq!(
        count(&tdb, "trendyol_sync_logs").await,
        32,
        "nothing deleted on bad input"
    );
    assert_eq!(engine.cleanup_logs(30).await.unwrap(), 2);
    assert_eq!(engine.cleanup_logs(30).await.unwrap(), 0);
    assert_eq!(count(&tdb, "trendyol_sync_logs").await, 30);
    tdb.drop_database().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn alerts_are_listed_and_acknowledged_once() {
    let (tdb, engine, _) = shop(0).await;
    for i in 0..5 {
        exec(&tdb, &format!("INSERT INTO oc_trendyol_alerts (alert_type, severity, title, message, dedupe_key, \
            first_seen_at, last_seen_at) VALUES ('sync_error', 'error', 'Alert {i}', '<b>m</b>', 'k{i}', NOW(), \
            NOW() - INTERVAL {i} MINUTE)")).await;
    }
    let open = engine.alerts(&Map::new()).await.unwrap();
    assert_eq!(
        (open.total, open.rows[0]["title"].as_str()),
        (5, Some("Alert 0"))
    );
    let ids: Vec<Value> = open
        .rows
        .iter()
        .take(2)
        .map(|r| r["alert_id"].clone())
        .collect();

    assert_config_error(engine.acknowledge_alerts(&ids, 0).await, "user_id");
    assert_config_error(
        engine
            .acknowledge_alerts(&[json!(1), json!("abc")], 1)
            .await,
        "ids",
    );
    assert_config_error(engine.acknowledge_alerts(&[json!(-3)], 1).await, "ids");
    assert_eq!(
        engine.alerts(&Map::new()).await.unwrap().total,
        5,
        "nothing acknowledged"
    );

    assert_eq!(engine.acknowledge_alerts(&ids, 7).await.unwrap(), 2);
    assert_eq!(
        engine.acknowledge_alerts(&ids, 7).await.unwrap(),
        0,
        "a second click changes nothing"
    );
    let acked = engine
        .alerts(&map(json!({"state": "acknowledged"})))
        .await
        .unwrap();
    assert_eq!(acked.total, 2);
    assert_eq!(acked.rows[0]["acknowledged_by"], 7);
    assert!(acked.rows[0]["acknowledged_at"].is_string());
    assert_eq!(
        engine
            .alerts(&map(json!({"state": "all", "limit": 1})))
            .await
            .unwrap()
            .rows
            .len(),
        1
    );
    assert_eq!(engine.alerts(&Map::new()).await.unwrap().total, 3);
    assert_config_error(
        engine.alerts(&map(json!({"state": "closed"}))).await,
        "state",
    );
    tdb.drop_database().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_dead_letter_is_listed_replayed_and_discarded() {
    let (tdb, engine, _) = shop(0).await;
    let db = engine.database().unwrap();
    let mut ids = Vec::new();
    for i in 0..3 {
        let job = queue::enqueue(&db, &NewJob::new(EventType::OrderCreated, json!({"n": i})))
            .await
            .unwrap();
        ids.push(job.id);
    }
    exec(&tdb, &format!("UPDATE oc_trendyol_sync_queue SET status = 'dead', last_error = 'x' WHERE queue_id IN ({}, {})", ids[0], ids[1])).await;
    let stats = engine.queue_stats().await.unwrap();
    assert_eq!(
        (
            stats["dead_total"].as_u64(),
            stats["pending_total"].as_u64()
        ),
        (Some(2), Some(1))
    );
    assert_eq!(stats["by_priority"][0]["priority"], 1);
    let dead = engine.dead_jobs(50, 0).await.unwrap();
    assert_eq!(dead.as_array().unwrap().len(), 2);
    assert_eq!(
        engine
            .dead_jobs(1, 1)
            .await
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_config_error(engine.dead_jobs(0, 0).await, "limit");
    assert_config_error(engine.dead_jobs(10, -1).await, "offset");

    assert_config_error(engine.replay_jobs(&[json!(ids[0]), json!(0)]).await, "ids");
    assert_config_error(
        engine.discard_jobs(&[json!("1; DROP TABLE x")]).await,
        "ids",
    );
    assert_eq!(
        engine.queue_stats().await.unwrap()["dead_total"],
        2,
        "nothing changed"
    );
    assert_eq!(
        engine
            .replay_jobs(&[json!(ids[0]), json!(ids[2])])
            .await
            .unwrap(),
        1,
        "only dead jobs replay"
    );
    assert_eq!(
        engine
            .discard_jobs(&[json!(ids[1].to_string())])
            .await
            .unwrap(),
        1
    );
    let statuses: Vec<String> = rows(
        &tdb,
        "SELECT status FROM oc_trendyol_sync_queue ORDER BY queue_id",
    )
    .await;
    assert_eq!(statuses, ["pending", "discarded", "pending"]);
    tdb.drop_database().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_manual_sync_is_queued_once_per_click_storm_and_its_progress_is_readable() {
    let (tdb, engine, _) = shop(0).await;
    // The buttons queue nothing while MesChain is switched off (the default).
    engine.close().await;
    let engine = Engine::new(tdb.engine_config(&[("status", "1")])).unwrap();
    let engine = std::sync::Arc::new(engine);
    // Eight concurrent clicks on the same button: one job.
    let mut clicks = Vec::new();
    for _ in 0..8 {
        let engine = engine.clone();
        clicks.push(tokio::spawn(async move {
            engine
                .enqueue_manual("order_sync", Map::new())
                .await
                .unwrap()
        }));
    }
    let mut results = Vec::new();
    for c in clicks {
        results.push(c.await.unwrap());
    }
    assert_eq!(
        results.iter().filter(|r| r.created).count(),
        1,
        "{results:?}"
    );
    let id = results[0].queue_id;
    assert!(results.iter().all(|r| r.queue_id == id && r.priority == 1));
    let stored: Vec<(String, u8, String)> = rows(
        &tdb,
        "SELECT event_type, priority, payload FROM oc_trendyol_sync_queue",
    )
    .await;
    assert_eq!(
        stored,
        [("run:order_sync".to_string(), 1, "{}".to_string())]
    );

    let other = engine
        .enqueue_manual("product_sync", map(json!({"only": [1, 2]})))
        .await
        .unwrap();
    assert!(other.created);
    assert_eq!(other.priority, 4);
    for (job, priority) in [
        ("stock_sync", 3),
        ("webhook_processor", 1),
        ("full_sync", 4),
    ] {
        assert_eq!(
            engine
                .enqueue_manual(job, Map::new())
                .await
                .unwrap()
                .priority,
            priority
        );
    }

    let progress = engine.queue_job(id as i64).await.unwrap();
    assert_eq!(progress["status"], "pending");
    assert_eq!(progress["attempts"], 0);
    assert_eq!(progress["processed_at"], Value::Null);
    // A worker takes it: still the same job for a click; once done, a click queues a new one.
    exec(&tdb, &format!("UPDATE oc_trendyol_sync_queue SET status = 'running', attempts = 1 WHERE queue_id = {id}")).await;
    assert!(
        !engine
            .enqueue_manual("order_sync", Map::new())
            .await
            .unwrap()
            .created
    );
    exec(&tdb, &format!("UPDATE oc_trendyol_sync_queue SET status = 'done', processed_at = NOW(3) WHERE queue_id = {id}")).await;
    let progress = engine.queue_job(id as i64).await.unwrap();
    assert_eq!(
        (progress["status"].as_str(), progress["attempts"].as_u64()),
        (Some("done"), Some(1))
    );
    assert!(progress["processed_at"].is_string());
    let again = engine
        .enqueue_manual("order_sync", Map::new())
        .await
        .unwrap();
    assert!(again.created && again.queue_id != id);

    let before = count(&tdb, "trendyol_sync_queue").await;
    assert_config_error(
        engine.enqueue_manual("drop_tables", Map::new()).await,
        "job",
    );
    assert_config_error(
        engine.enqueue_manual("ORDER_CREATED", Map::new()).await,
        "job",
    );
    let huge = map(json!({"blob": "x".repeat(20_000)}));
    assert_config_error(engine.enqueue_manual("stock_sync", huge).await, "payload");
    assert_eq!(
        count(&tdb, "trendyol_sync_queue").await,
        before,
        "nothing queued"
    );
    assert_config_error(engine.queue_job(999_999).await, "queue_id");
    assert_config_error(engine.queue_job(0).await, "queue_id");
    let engine = std::sync::Arc::try_unwrap(engine).ok().unwrap();
    engine.close().await;
    tdb.drop_database().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn product_states_carry_names_and_trendyols_reasons() {
    let (tdb, engine, summary) = shop(12).await;
    let first = summary.first_product_id;
    exec(&tdb, &format!("UPDATE oc_product_description SET name = '100% Pamuk_Tişört' WHERE product_id = {first}")).await;
    let reasons = [
        ("approved", "NULL"),
        (
            "rejected",
            r#"'[{"message":"Marka bulunamadı"},{"message":"Görsel eksik"}]'"#,
        ),
        ("rejected", r#"'["Kategori yanlış"]'"#),
        ("invalid", "'barcode missing'"),
        ("pending", "''"),
    ];
    for (i, (status, reason)) in reasons.iter().enumerate() {
        let product = first + i as u32;
        exec(&tdb, &format!("INSERT INTO oc_trendyol_products (product_id, barcode, sync_status, trendyol_status, \
            reasons, created_at, updated_at) VALUES ({product}, '{}', '{status}', '', {reason}, NOW(), NOW() - INTERVAL {i} MINUTE)",
            fixtures::barcode_for(product))).await;
    }
    let all = engine.product_statuses(&Map::new()).await.unwrap();
    assert_eq!(all["total"], 5);
    assert_eq!(all["counts"]["rejected"], 2);
    assert_eq!(all["counts"]["submitted"], 0);
    assert_eq!(all["rows"][0]["name"], "100% Pamuk_Tişört");
    assert_eq!(
        all["rows"][1]["reasons"],
        json!(["Marka bulunamadı", "Görsel eksik"])
    );
    assert_eq!(all["rows"][2]["reasons"], json!(["Kategori yanlış"]));
    assert_eq!(all["rows"][3]["reasons"], json!(["barcode missing"]));
    assert_eq!(all["rows"][4]["reasons"], json!([]));
    let rejected = engine
        .product_statuses(&map(json!({"sync_status": "rejected"})))
        .await
        .unwrap();
    assert_eq!(rejected["total"], 2);
    // Wildcards in the search are literal: '%' matches only the name that has one.
    let pct = engine
        .product_statuses(&map(json!({"search": "0%"})))
        .await
        .unwrap();
    assert_eq!(pct["total"], 1);
    let underscore = engine
        .product_statuses(&map(json!({"search": "_"})))
        .await
        .unwrap();
    assert_eq!(underscore["total"], 1);
    let barcode = fixtures::barcode_for(first + 3);
    let by_barcode = engine
        .product_statuses(&map(json!({"search": &barcode[5..]})))
        .await
        .unwrap();
    assert_eq!(by_barcode["rows"][0]["barcode"], barcode.as_str());
    assert_config_error(
        engine
            .product_statuses(&map(json!({"sync_status": "gone"})))
            .await,
        "sync_status",
    );
    assert_config_error(
        engine
            .product_statuses(&map(json!({"search": ["x"]})))
            .await,
        "search",
    );
    tdb.drop_database().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn returns_are_listed_with_their_items() {
    let (tdb, engine, _) = shop(0).await;
    exec(&tdb, r#"INSERT INTO oc_trendyol_claims (claim_id, seller_id, order_number, order_id, claim_status, items,
        claim_date, created_at, updated_at) VALUES
        ('c-1', 1, 'N1', 5, 'Created', '[{"id":"i1","barcode":"869"}]', '2024-05-01 10:00:00', NOW(), NOW()),
        ('c-2', 1, 'N2', NULL, 'Accepted', 'not json', NULL, NOW(), NOW() - INTERVAL 1 HOUR)"#).await;
    let all = engine.returns(&Map::new()).await.unwrap();
    assert_eq!(all.total, 2);
    assert_eq!(all.rows[0]["claim_id"], "c-1");
    assert_eq!(all.rows[0]["items"][0]["id"], "i1");
    assert_eq!(all.rows[0]["claim_date"], "2024-05-01 10:00:00");
    assert_eq!(all.rows[1]["items"], "not json");
    let created = engine
        .returns(&map(json!({"status": "Created"})))
        .await
        .unwrap();
    assert_eq!(created.total, 1);
    assert_config_error(
        engine.returns(&map(json!({"status": "x'--"}))).await,
        "status",
    );
    assert_config_error(
        engine.returns(&map(json!({"decision": "x"}))).await,
        "decision",
    );
    tdb.drop_database().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_mapping_kind_lists_saves_and_deletes_and_refuses_bad_rows() {
    let (tdb, engine, summary) = shop(20).await;
    let category = summary.leaf_category_ids[0];
    let manufacturer = summary.manufacturer_ids[0];

    // Category: all of OpenCart's categories, mapped or not.
    let before = engine.mappings("category", &Map::new()).await.unwrap();
    let categories = before["total"].as_u64().unwrap();
    assert!(categories >= 5);
    assert!(before["rows"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["mapped"] == false));
    let saved = engine
        .save_mapping("category", &map(json!({"category_id": category, "trendyol_category_id": "411", "trendyol_category_name": "  Tişört  "})))
        .await
        .unwrap();
    assert_eq!(saved["trendyol_category_name"], "Tişört");
    let unmapped = engine
        .mappings("category", &map(json!({"unmapped_only": true})))
        .await
        .unwrap();
    assert_eq!(unmapped["total"].as_u64().unwrap(), categories - 1);
    let one: Vec<(u32, i64, String)> = rows(&tdb, "SELECT category_id, trendyol_category_id, trendyol_category_name FROM oc_trendyol_category_map").await;
    assert_eq!(one, [(category, 411, "Tişört".to_string())]);
    for (row, field) in [
        (
            json!({"category_id": 999_999, "trendyol_category_id": 1}),
            "category_id",
        ),
        (
            json!({"category_id": category, "trendyol_category_id": 0}),
            "trendyol_category_id",
        ),
        (
            json!({"category_id": category, "trendyol_category_id": -5}),
            "trendyol_category_id",
        ),
        (json!({"category_id": category}), "trendyol_category_id"),
        (
            json!({"category_id": category, "trendyol_category_id": 1, "trendyol_category_name": "x".repeat(256)}),
            "trendyol_category_name",
        ),
        (
            json!({"category_id": category, "trendyol_category_id": 1, "colour": "red"}),
            "colour",
        ),
    ] {
        assert_config_error(engine.save_mapping("category", &map(row)).await, field);
    }
    let unchanged: Vec<(u32, i64, String)> = rows(&tdb, "SELECT category_id, trendyol_category_id, trendyol_category_name FROM oc_trendyol_category_map").await;
    assert_eq!(unchanged, one, "nothing written on bad input");
    let listed = engine
        .mappings("category", &map(json!({"search": "%"})))
        .await
        .unwrap();
    assert_eq!(listed["total"], 0, "a % in the search is literal");

    // Brand.
    engine.save_mapping("brand", &map(json!({"manufacturer_id": manufacturer, "trendyol_brand_id": 1791, "trendyol_brand_name": "Koton"}))).await.unwrap();
    let brands = engine.mappings("brand", &Map::new()).await.unwrap();
    let row = brands["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["manufacturer_id"] == manufacturer)
        .unwrap()
        .clone();
    assert_eq!(
        (row["trendyol_brand_id"].as_i64(), row["mapped"].as_bool()),
        (Some(1791), Some(true))
    );
    assert_config_error(
        engine
            .save_mapping(
                "brand",
                &map(json!({"manufacturer_id": 424242, "trendyol_brand_id": 1})),
            )
            .await,
        "manufacturer_id",
    );

    // VAT: Trendyol's rates only.
    engine
        .save_mapping("vat", &map(json!({"tax_class_id": 9, "vat_rate": "20"})))
        .await
        .unwrap();
    assert_config_error(
        engine
            .save_mapping("vat", &map(json!({"tax_class_id": 9, "vat_rate": 18})))
            .await,
        "vat_rate",
    );
    assert_config_error(
        engine
            .save_mapping("vat", &map(json!({"tax_class_id": 77, "vat_rate": 10})))
            .await,
        "tax_class_id",
    );
    let vat = engine.mappings("vat", &Map::new()).await.unwrap();
    let taxable = vat["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["tax_class_id"] == 9)
        .unwrap()
        .clone();
    assert_eq!(
        (taxable["title"].as_str(), taxable["vat_rate"].as_i64()),
        (Some("Taxable Goods"), Some(20))
    );
    assert_eq!(vat["total"], 2);

    // Attributes and options, and their values.
    let attribute_id = summary.attribute_ids[0];
    let a = engine
        .save_mapping(
            "attribute",
            &map(
                json!({"trendyol_category_id": 411, "trendyol_attribute_id": 47,
            "trendyol_attribute_name": "Renk", "source": "attribute", "source_id": attribute_id}),
            ),
        )
        .await
        .unwrap();
    let a_id = a["attribute_map_id"].as_i64().unwrap();
    let again = engine
        .save_mapping(
            "attribute",
            &map(
                json!({"trendyol_category_id": 411, "trendyol_attribute_id": 47,
            "trendyol_attribute_name": "Renk 2", "source": "attribute", "source_id": attribute_id}),
            ),
        )
        .await
        .unwrap();
    assert_eq!(
        again["attribute_map_id"].as_i64(),
        Some(a_id),
        "same category and attribute: same row"
    );
    let o = engine
        .save_mapping("attribute", &map(json!({"trendyol_category_id": 411, "trendyol_attribute_id": 338,
            "trendyol_attribute_name": "Beden", "source": "option", "source_id": summary.size_option_id})))
        .await
        .unwrap();
    engine
        .save_mapping(
            "attribute",
            &map(
                json!({"trendyol_category_id": 411, "trendyol_attribute_id": 1192,
            "source": "fixed", "custom_value": "Yetişkin"}),
            ),
        )
        .await
        .unwrap();
    for (row, field) in [
        (
            json!({"trendyol_category_id": 411, "trendyol_attribute_id": 5, "source": "option", "source_id": 99999}),
            "source_id",
        ),
        (
            json!({"trendyol_category_id": 411, "trendyol_attribute_id": 5, "source": "attribute"}),
            "source_id",
        ),
        (
            json!({"trendyol_category_id": 411, "trendyol_attribute_id": 5, "source": "fixed"}),
            "trendyol_value_id",
        ),
        (
            json!({"trendyol_category_id": 411, "trendyol_attribute_id": 5, "source": "magic", "source_id": 1}),
            "source",
        ),
        (
            json!({"trendyol_category_id": 411, "trendyol_attribute_id": 338, "source": "fixed", "custom_value": "x", "attribute_map_id": a_id}),
            "trendyol_attribute_id",
        ),
    ] {
        assert_config_error(engine.save_mapping("attribute", &map(row)).await, field);
    }
    let attrs = engine
        .mappings("attribute", &map(json!({"trendyol_category_id": 411})))
        .await
        .unwrap();
    assert_eq!(attrs["total"], 3);
    let renk = attrs["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["trendyol_attribute_id"] == 47)
        .unwrap()
        .clone();
    assert_eq!(renk["trendyol_attribute_name"], "Renk 2");
    assert!(!renk["source_name"].as_str().unwrap().is_empty());
    let sources = attrs["sources"].as_array().unwrap();
    assert!(sources.iter().any(|s| s["source"] == "option"
        && s["source_id"] == summary.size_option_id
        && s["mapped"] == true));
    let unmapped = engine
        .mappings("attribute", &map(json!({"unmapped_only": "1"})))
        .await
        .unwrap();
    assert!(unmapped["sources"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["mapped"] == false));

    let o_id = o["attribute_map_id"].as_i64().unwrap();
    let small = summary.size_option_value_ids[0].to_string();
    let v = engine
        .save_mapping("attribute_value", &map(json!({"attribute_map_id": o_id, "source_value": small, "trendyol_value_id": 4601, "trendyol_value_name": "S"})))
        .await
        .unwrap();
    let values = engine
        .mappings("attribute_value", &map(json!({"attribute_map_id": o_id})))
        .await
        .unwrap();
    assert_eq!(values["total"], 1);
    assert_eq!(values["source"], "option");
    let option_values = values["sources"].as_array().unwrap();
    assert_eq!(option_values.len(), 4, "S, M, L, XL");
    assert_eq!(
        option_values.iter().filter(|s| s["mapped"] == true).count(),
        1
    );
    let open_values = engine
        .mappings(
            "attribute_value",
            &map(json!({"attribute_map_id": o_id, "unmapped_only": true})),
        )
        .await
        .unwrap();
    assert_eq!(open_values["sources"].as_array().unwrap().len(), 3);
    let attr_values = engine
        .mappings("attribute_value", &map(json!({"attribute_map_id": a_id})))
        .await
        .unwrap();
    assert!(
        !attr_values["sources"].as_array().unwrap().is_empty(),
        "texts products give the attribute"
    );
    assert_config_error(
        engine
            .save_mapping(
                "attribute_value",
                &map(json!({"attribute_map_id": 999, "source_value": "x", "trendyol_value_id": 1})),
            )
            .await,
        "attribute_map_id",
    );
    assert_config_error(
        engine
            .save_mapping(
                "attribute_value",
                &map(
                    json!({"attribute_map_id": o_id, "source_value": " ", "trendyol_value_id": 1}),
                ),
            )
            .await,
        "source_value",
    );
    assert_config_error(
        engine.mappings("attribute_value", &Map::new()).await,
        "attribute_map_id",
    );

    // Order statuses: every Trendyol status with its effective OpenCart status.
    let statuses = engine.mappings("order_status", &Map::new()).await.unwrap();
    let shipped = |v: &Value| {
        v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["trendyol_status"] == "Shipped")
            .unwrap()
            .clone()
    };
    assert_eq!(
        (
            shipped(&statuses)["order_status_id"].as_i64(),
            shipped(&statuses)["is_default"].as_bool()
        ),
        (Some(3), Some(true))
    );
    assert_eq!(shipped(&statuses)["order_status_name"], "Shipped");
    engine
        .save_mapping(
            "order_status",
            &map(json!({"trendyol_status": "Shipped", "order_status_id": 15})),
        )
        .await
        .unwrap();
    let statuses = engine.mappings("order_status", &Map::new()).await.unwrap();
    assert_eq!(
        (
            shipped(&statuses)["order_status_id"].as_i64(),
            shipped(&statuses)["is_default"].as_bool()
        ),
        (Some(15), Some(false))
    );
    assert_config_error(
        engine
            .save_mapping(
                "order_status",
                &map(json!({"trendyol_status": "Teleported", "order_status_id": 1})),
            )
            .await,
        "trendyol_status",
    );
    assert_config_error(
        engine
            .save_mapping(
                "order_status",
                &map(json!({"trendyol_status": "Shipped", "order_status_id": 9999})),
            )
            .await,
        "order_status_id",
    );
    assert_config_error(
        engine
            .mappings("order_status", &map(json!({"page": 1})))
            .await,
        "page",
    );
    assert_config_error(engine.mappings("colour", &Map::new()).await, "kind");

    // Deleting.
    assert_eq!(
        engine
            .delete_mapping("order_status", &map(json!({"trendyol_status": "Shipped"})))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        engine
            .delete_mapping("category", &map(json!({"category_id": category})))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        engine
            .delete_mapping("category", &map(json!({"category_id": category})))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        engine
            .delete_mapping(
                "attribute_value",
                &map(json!({"value_map_id": v["value_map_id"]}))
            )
            .await
            .unwrap(),
        1
    );
    engine
        .save_mapping(
            "attribute_value",
            &map(json!({"attribute_map_id": o_id, "source_value": "M", "trendyol_value_id": 4602})),
        )
        .await
        .unwrap();
    assert_eq!(
        engine
            .delete_mapping("attribute", &map(json!({"attribute_map_id": o_id})))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        count(&tdb, "trendyol_attribute_value_map").await,
        0,
        "its values went with it"
    );
    assert_config_error(
        engine
            .delete_mapping("brand", &map(json!({"category_id": 1})))
            .await,
        "category_id",
    );
    assert_config_error(
        engine
            .delete_mapping("vat", &map(json!({"tax_class_id": "x"})))
            .await,
        "tax_class_id",
    );
    assert_eq!(count(&tdb, "trendyol_brand_map").await, 1);
    tdb.drop_database().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_settings_form_never_echoes_secrets_and_saves_all_or_nothing() {
    let (tdb, engine, _) = shop(0).await;
    exec(
        &tdb,
        "INSERT INTO oc_setting (store_id, code, `key`, `value`, serialized) VALUES \
        (0, 'module_meschain', 'module_meschain_api_secret', 'S3cret-value-991', 0), \
        (0, 'module_meschain', 'module_meschain_batch_size', '75', 0), \
        (0, 'module_meschain', 'module_meschain_ui_last_tab', 'logs', 0), \
        (0, 'config', 'config_name', 'Shop', 0)",
    )
    .await;
    let form = engine.settings_form().await.unwrap();
    assert_eq!(form.len(), meschain_engine::config::settings::SPECS.len());
    let field = |name: &str| form.iter().find(|f| f.name == name).unwrap().clone();
    assert_eq!(field("batch_size").value, "75");
    assert!(field("batch_size").is_set);
    assert_eq!(field("debug").value, "0");
    assert_eq!(
        (
            field("api_secret").value.as_str(),
            field("api_secret").is_set,
            field("api_secret").secret
        ),
        ("", true, true)
    );
    assert_eq!(
        (field("api_key").value.as_str(), field("api_key").is_set),
        ("", false)
    );
    assert_eq!(field("status").group, "general");
    assert_eq!(field("order_sync_interval").group, "intervals");
    assert_eq!(field("batch_size").key, "module_meschain_batch_size");
    assert!(!serde_json::to_string(&form).unwrap().contains("S3cret"));

    let snapshot =
        || rows::<(String, String)>(&tdb, "SELECT `key`, `value` FROM oc_setting ORDER BY `key`");
    let before = snapshot().await;
    let bad = map(
        json!({"batch_size": "0", "environment": "live", "api_key": "has space", "typo_setting": 1, "debug": "1"}),
    );
    let problems = engine.validate_settings(&bad).await.unwrap();
    assert_eq!(
        problems.keys().cloned().collect::<Vec<_>>(),
        ["api_key", "batch_size", "environment", "typo_setting"]
    );
    assert!(
        !problems["api_key"].contains("has space"),
        "a secret is not echoed: {problems:?}"
    );
    let err = engine.save_settings(&bad).await.unwrap_err();
    assert_eq!(err.family(), ErrorFamily::Config);
    let text = err.to_string();
    for field in ["batch_size:", "environment:", "api_key:", "typo_setting:"] {
        assert!(text.contains(field), "{field} in {text}");
    }
    assert_eq!(snapshot().await, before, "nothing written");

    let good = map(
        json!({"batch_size": 100, "debug": true, "api_secret": "", "api_key": "NewKey-123",
        "module_meschain_alert_email": "ops@shop.example"}),
    );
    assert!(engine.validate_settings(&good).await.unwrap().is_empty());
    engine.save_settings(&good).await.unwrap();
    let stored: BTreeMap<String, String> = snapshot().await.into_iter().collect();
    assert_eq!(stored["module_meschain_batch_size"], "100");
    assert_eq!(stored["module_meschain_debug"], "1");
    assert_eq!(
        stored["module_meschain_api_secret"], "S3cret-value-991",
        "a blank secret keeps the stored one"
    );
    assert_eq!(stored["module_meschain_api_key"], "NewKey-123");
    assert_eq!(
        stored["module_meschain_ui_last_tab"], "logs",
        "non-setting keys of the module survive"
    );
    assert_eq!(stored["config_name"], "Shop");
    let dupes: Vec<u64> = rows(
        &tdb,
        "SELECT COUNT(*) FROM oc_setting WHERE code = 'module_meschain' GROUP BY `key` HAVING COUNT(*) > 1",
    )
    .await;
    assert!(dupes.is_empty());
    let settings = engine.settings().await.unwrap();
    assert_eq!((settings.batch_size, settings.debug), (100, true));
    assert_eq!(settings.alert_email, "ops@shop.example");
    tdb.drop_database().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn requirements_report_tables_schema_cron_and_settings() {
    let (tdb, engine, _) = shop(0).await;
    exec(
        &tdb,
        &log_insert("order_sync", "ok", "3 MINUTE", 1, 0, 1, 10),
    )
    .await;
    let r = engine.requirements().await.unwrap();
    assert_eq!(r["extension_version"], meschain_engine::VERSION);
    assert_eq!(r["schema_version"], r["latest_schema_version"]);
    assert_eq!(r["tables"]["oc_trendyol_sync_queue"], true);
    assert_eq!(r["tables"]["oc_trendyol_vat_map"], true);
    assert!(r["cron_last_seen"]["order_sync"].is_string());
    assert_eq!(r["cron_last_seen"]["product_sync"], Value::Null);
    assert_eq!(r["log_dir_writable"], true);
    assert_eq!(r["settings_error"], Value::Null);
    exec(&tdb, "DROP TABLE oc_trendyol_vat_map").await;
    exec(
        &tdb,
        "INSERT INTO oc_setting (store_id, code, `key`, `value`, serialized) VALUES \
        (0, 'module_meschain', 'module_meschain_batch_size', 'lots', 0)",
    )
    .await;
    let r = engine.requirements().await.unwrap();
    assert_eq!(r["tables"]["oc_trendyol_vat_map"], false);
    assert!(r["settings_error"].as_str().unwrap().contains("batch_size"));
    // The dashboard still renders with broken settings, and says why.
    let d = engine.dashboard().await.unwrap();
    assert!(d["settings_error"].as_str().unwrap().contains("batch_size"));
    tdb.drop_database().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_cron_block_is_what_setup_cron_jobs_sh_writes() {
    let (tdb, engine, _) = shop(0).await;
    let root = std::env::temp_dir().join(format!("meschain-cron-{}", std::process::id()));
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("config.php"), "<?php\n").unwrap();
    let crontab = root.join("crontab");
    let php = "/bin/sh"; // any executable: the dry run only checks that it is one
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/setup_cron_jobs.sh");
    for (log_dir, extension) in [
        ("/var/log/trendyol-cron", None),
        ("/srv/logs/meschain/", Some("/opt/meschain/libmeschain.so")),
    ] {
        let mut args = vec![
            "--dry-run".to_string(),
            "--opencart".into(),
            root.display().to_string(),
            "--php-path".into(),
            php.into(),
            "--log-dir".into(),
            log_dir.into(),
            "--crontab-file".into(),
            crontab.display().to_string(),
        ];
        if let Some(e) = extension {
            args.extend(["--extension".to_string(), e.to_string()]);
        }
        let out = std::process::Command::new("bash")
            .arg(script)
            .args(&args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8(out.stdout).unwrap();
        let start = stdout.find("# BEGIN MesChain Trendyol").unwrap();
        let end = stdout.find("# END MesChain Trendyol").unwrap() + "# END MesChain Trendyol".len();
        let expected = format!("{}\n", &stdout[start..end]);
        let mut options = map(
            json!({"php_path": php, "opencart_root": root.display().to_string(), "log_dir": log_dir}),
        );
        if let Some(e) = extension {
            options.insert("extension".into(), json!(e));
        }
        assert_eq!(engine.cron_script(&options).unwrap(), expected);
    }
    assert_config_error(
        engine.cron_script(&map(json!({"php_path": "/usr/bin/php"}))),
        "opencart_root",
    );
    assert_config_error(
        engine.cron_script(&map(
            json!({"opencart_root": "/srv/shop", "log_dir": "/tmp"}),
        )),
        "log_dir",
    );
    assert_config_error(
        engine.cron_script(&map(json!({"opencart_root": "/srv/shop", "user": "x"}))),
        "user",
    );
    std::fs::remove_dir_all(&root).unwrap();
    tdb.drop_database().await;
}
