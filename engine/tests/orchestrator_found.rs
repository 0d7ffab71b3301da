//! The write faults a real Trendyol account showed, met where a shop meets them: inside the
//! orchestrator (`trendyol_sync`), with every job of the tick, the shared rate limiter, the
//! sync log and the alerts — against the sandbox's fault switches over real HTTP and a real
//! MariaDB.
//!
//! - A product create Trendyol applied but answered 500: the products end in review, then
//!   approved, never `failed`, and their stock goes out later.
//! - A price/stock body applied but answered 500, then the identical body sent again: Trendyol's
//!   `duplicate.request` answer counts as delivered; no run fails.
//! - 429s without `Retry-After`: the stock step ends `partial` with no alert, the next tick
//!   resumes, and the owner is alerted only when the job stays behind.

mod catalog_common;

use std::collections::HashSet;
use std::time::Duration;

use catalog_common::*;
use meschain_engine::runner::{RunOptions, RunReport, RunStatus};
use meschain_engine::Engine;
use mysql_async::prelude::*;
use serde_json::{json, Value};

const CREATE_PATH: &str = "/integration/product/sellers/1001/v2/products";
const INVENTORY_PATH: &str = "/integration/inventory/sellers/1001/products/price-and-inventory";

/// One cron tick of the orchestrator, every job run whether due or not.
async fn tick(engine: &Engine, budget: Duration) -> Vec<RunReport> {
    let report = meschain_engine::runner::run_tick(
        engine,
        &RunOptions {
            max_duration: Some(budget),
            trigger: "cron".into(),
            force: true,
            ..RunOptions::default()
        },
    )
    .await
    .expect("the tick runs");
    report.runs
}

fn run<'a>(runs: &'a [RunReport], job: &str) -> &'a RunReport {
    runs.iter()
        .find(|r| r.job == job)
        .unwrap_or_else(|| panic!("{job} did not run: {runs:?}"))
}

fn none_failed(runs: &[RunReport], when: &str) {
    let failed: Vec<String> = runs
        .iter()
        .filter(|r| r.status == RunStatus::Failed)
        .map(|r| format!("{}: {}", r.job, r.message))
        .collect();
    assert!(failed.is_empty(), "{when}: {failed:?}");
}

async fn alerts(shop: &Shop) -> Vec<(String, String)> {
    shop.conn()
        .await
        .query("SELECT alert_type, title FROM oc_trendyol_alerts ORDER BY alert_id")
        .await
        .unwrap()
}

async fn faults(shop: &Shop, patch: Value) {
    shop.control(reqwest::Method::POST, "/__sandbox/faults", patch)
        .await;
}

async fn quiet(shop: &Shop) {
    shop.control(reqwest::Method::DELETE, "/__sandbox/faults", json!({}))
        .await;
}

/// A shop switched on, with its engine and `fault` on the POSTs under `path`.
async fn faulted_shop(
    approval_delay_ms: i64,
    products: u32,
    fault: &str,
    path: &str,
) -> (Shop, Engine) {
    let sb = sandbox(approval_delay_ms, 0.0).await;
    let shop = shop(products, sb, &[("status", "1")]).await;
    let engine = shop.engine();
    faults(
        &shop,
        json!({fault: 1.0, "pathPrefix": path, "method": "POST"}),
    )
    .await;
    (shop, engine)
}

/// A create answered 500 after Trendyol made the products: read back, in review, approved —
/// never `failed` — and stock flows for them afterwards.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_create_applied_then_500_inside_the_tick_ends_approved_with_stock_sent() {
    let (shop, engine) = faulted_shop(30_000, 40, "appliedErrorShare", CREATE_PATH).await;
    let first = tick(&engine, Duration::from_secs(90)).await;
    none_failed(&first, "the tick of the unanswered create");
    quiet(&shop).await;

    // Review ends on the sandbox clock; the next ticks poll the verdicts.
    shop.control(
        reqwest::Method::POST,
        "/__sandbox/clock/advance",
        json!({"minutes": 2}),
    )
    .await;
    for n in 0..2 {
        none_failed(
            &tick(&engine, Duration::from_secs(90)).await,
            &format!("tick {n}"),
        );
    }
    let creates: Vec<String> = shop
        .writes(0)
        .await
        .iter()
        .filter(|w| w["path"] == CREATE_PATH)
        .flat_map(item_barcodes)
        .collect();
    let unique: HashSet<&String> = creates.iter().collect();
    assert_eq!(unique.len(), creates.len(), "a barcode was created twice");
    let mut conn = shop.conn().await;
    let counts: Vec<(String, u64)> = conn
        .query(
            "SELECT sync_status, COUNT(*) FROM oc_trendyol_products \
             WHERE sync_status <> 'invalid' GROUP BY sync_status",
        )
        .await
        .unwrap();
    assert_eq!(
        counts,
        vec![("approved".to_string(), unique.len() as u64)],
        "every created product approved, none failed"
    );

    // Stock flows for them: a quantity changed in OpenCart goes out on the next tick.
    let changed: Vec<(u32, String)> = conn
        .query(
            "SELECT product_id, barcode FROM oc_trendyol_products WHERE sync_status = 'approved' \
             ORDER BY product_id LIMIT 5",
        )
        .await
        .unwrap();
    for (pid, _) in &changed {
        conn.exec_drop(
            "UPDATE oc_product SET quantity = 7, status = 1 WHERE product_id = ?",
            (pid,),
        )
        .await
        .unwrap();
    }
    let seq = shop.last_seq().await;
    none_failed(
        &tick(&engine, Duration::from_secs(90)).await,
        "the stock tick",
    );
    let sent: HashSet<String> = shop
        .writes(seq)
        .await
        .iter()
        .filter(|w| w["path"] == INVENTORY_PATH)
        .flat_map(item_barcodes)
        .collect();
    for (_, barcode) in &changed {
        assert!(
            sent.contains(barcode),
            "no stock sent for {barcode}: {sent:?}"
        );
    }
    assert!(alerts(&shop).await.is_empty(), "{:?}", alerts(&shop).await);
    drop(conn);
    shop.finish().await;
}

/// A shop whose products were created and approved by earlier ticks.
async fn approved(products: u32) -> (Shop, Engine) {
    let sb = sandbox(0, 0.0).await;
    let shop = shop(products, sb, &[("status", "1")]).await;
    let engine = shop.engine();
    for n in 0..2 {
        none_failed(
            &tick(&engine, Duration::from_secs(90)).await,
            &format!("setup tick {n}"),
        );
    }
    (shop, engine)
}

async fn first_approved(shop: &Shop, n: u64, quantity: i64) -> Vec<(u32, String)> {
    let mut conn = shop.conn().await;
    let rows: Vec<(u32, String)> = conn
        .exec(
            "SELECT product_id, barcode FROM oc_trendyol_products WHERE sync_status = 'approved' \
             ORDER BY product_id LIMIT ?",
            (n,),
        )
        .await
        .unwrap();
    assert_eq!(rows.len() as u64, n);
    for (pid, _) in &rows {
        conn.exec_drop(
            "UPDATE oc_product SET quantity = ?, status = 1 WHERE product_id = ?",
            (quantity, pid),
        )
        .await
        .unwrap();
    }
    rows
}

/// A price/stock body applied then answered 500, and the identical body sent again (the shop's
/// record of it lost): Trendyol's duplicate answer is delivery, no tick fails, no error alert.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_applied_then_500_stock_body_sent_again_is_delivered_inside_the_tick() {
    let (shop, engine) = approved(30).await;
    let changed = first_approved(&shop, 4, 9).await;
    faults(
        &shop,
        json!({"appliedErrorShare": 1.0, "pathPrefix": INVENTORY_PATH, "method": "POST"}),
    )
    .await;
    let first = tick(&engine, Duration::from_secs(90)).await;
    none_failed(&first, "the tick of the unanswered body");
    assert_eq!(run(&first, "stock_sync").status, RunStatus::Ok, "{first:?}");
    quiet(&shop).await;

    // Another host's record: the body is forgotten and the confirmations undone, so the
    // identical body goes out again.
    let mut conn = shop.conn().await;
    conn.query_drop("DELETE FROM oc_trendyol_sent_bodies")
        .await
        .unwrap();
    for (_, b) in &changed {
        conn.exec_drop(
            "UPDATE oc_trendyol_products SET confirmed_quantity = confirmed_quantity + 100 \
             WHERE barcode = ?",
            (b.as_str(),),
        )
        .await
        .unwrap();
    }
    let seq = shop.last_seq().await;
    let second = tick(&engine, Duration::from_secs(90)).await;
    none_failed(&second, "the tick of the re-sent body");
    let stock = run(&second, "stock_sync");
    assert_eq!(stock.status, RunStatus::Ok, "{stock:?}");
    let writes: Vec<Value> = shop
        .writes(seq)
        .await
        .into_iter()
        .filter(|w| w["path"] == INVENTORY_PATH)
        .collect();
    assert_eq!(writes.len(), 1, "{writes:?}");
    assert_eq!(writes[0]["status"], 400, "Trendyol's duplicate answer");
    let unconfirmed: u64 = conn
        .query_first(
            "SELECT COUNT(*) FROM oc_trendyol_products WHERE confirmed_quantity > 10000 \
             OR (confirmed_quantity <> 9 AND barcode IN (SELECT barcode FROM oc_trendyol_products \
             WHERE product_id IN (SELECT product_id FROM oc_product WHERE quantity = 9)))",
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(unconfirmed, 0, "the duplicate answer confirmed the body");
    let seq = shop.last_seq().await;
    none_failed(
        &tick(&engine, Duration::from_secs(90)).await,
        "the quiet tick",
    );
    assert!(
        shop.writes(seq)
            .await
            .iter()
            .all(|w| w["path"] != INVENTORY_PATH),
        "nothing left to send"
    );
    assert!(alerts(&shop).await.is_empty(), "{:?}", alerts(&shop).await);
    drop(conn);
    shop.finish().await;
}

/// 429s without `Retry-After` on the price/stock writes: the tick's stock step ends `partial`,
/// nothing fails and nothing is alerted; the next tick resumes and sends the rest. A job that
/// stays behind — no finished run for three of its intervals — is alerted once it stops for
/// the quota again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tick_out_of_quota_is_partial_resumes_and_alerts_only_when_behind() {
    let (shop, engine) = approved(30).await;
    let changed = first_approved(&shop, 3, 13).await;
    let throttled = json!({"throttleShare": 1.0, "pathPrefix": INVENTORY_PATH, "method": "POST"});
    faults(&shop, throttled.clone()).await;
    let started = std::time::Instant::now();
    let first = tick(&engine, Duration::from_secs(25)).await;
    assert!(
        started.elapsed() < Duration::from_secs(40),
        "{:?}",
        started.elapsed()
    );
    none_failed(&first, "the throttled tick");
    let stock = run(&first, "stock_sync");
    assert_eq!(stock.status, RunStatus::Partial, "{stock:?}");
    assert!(stock.message.contains("rate limit"), "{}", stock.message);
    assert!(
        alerts(&shop).await.is_empty(),
        "no alert for one run out of quota: {:?}",
        alerts(&shop).await
    );

    // Quota back: the next tick resumes and sends what was held.
    quiet(&shop).await;
    let mut conn = shop.conn().await;
    conn.query_drop("UPDATE oc_trendyol_rate_limits SET cooldown_until_us = 0")
        .await
        .unwrap();
    let seq = shop.last_seq().await;
    let second = tick(&engine, Duration::from_secs(90)).await;
    none_failed(&second, "the resuming tick");
    assert_eq!(run(&second, "stock_sync").status, RunStatus::Ok);
    let mut sent: Vec<String> = shop
        .writes(seq)
        .await
        .iter()
        .filter(|w| w["path"] == INVENTORY_PATH)
        .flat_map(item_barcodes)
        .collect();
    sent.sort();
    let mut want: Vec<String> = changed.iter().map(|(_, b)| b.clone()).collect();
    want.sort();
    assert_eq!(sent, want);

    // Behind: the last finished stock run is older than three intervals (30 min by default),
    // and the quota stops it again. Now the owner hears of it.
    conn.query_drop(
        "UPDATE oc_trendyol_sync_logs SET started_at = started_at - INTERVAL 2 HOUR \
         WHERE sync_type = 'stock_sync'",
    )
    .await
    .unwrap();
    first_approved(&shop, 3, 14).await;
    faults(&shop, throttled).await;
    let third = tick(&engine, Duration::from_secs(25)).await;
    none_failed(&third, "the throttled tick behind");
    assert_eq!(run(&third, "stock_sync").status, RunStatus::Partial);
    let raised = alerts(&shop).await;
    assert_eq!(raised.len(), 1, "{raised:?}");
    assert_eq!(raised[0].0, "rate_limited", "{raised:?}");
    drop(conn);
    shop.finish().await;
}

/// A job that has never finished a run, stopped by the quota run after run, is behind too: the
/// alert counts from its first run when there is no finished one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_that_never_finished_for_the_quota_is_alerted_once_behind() {
    let (shop, engine) = faulted_shop(0, 20, "throttleShare", CREATE_PATH).await;
    let first = tick(&engine, Duration::from_secs(25)).await;
    none_failed(&first, "the throttled first tick");
    assert_eq!(
        run(&first, "product_sync").status,
        RunStatus::Partial,
        "{first:?}"
    );
    assert!(alerts(&shop).await.is_empty(), "{:?}", alerts(&shop).await);

    let mut conn = shop.conn().await;
    conn.query_drop(
        "UPDATE oc_trendyol_sync_logs SET started_at = started_at - INTERVAL 1 DAY \
         WHERE sync_type = 'product_sync'",
    )
    .await
    .unwrap();
    conn.query_drop("UPDATE oc_trendyol_rate_limits SET cooldown_until_us = 0")
        .await
        .unwrap();
    let second = tick(&engine, Duration::from_secs(25)).await;
    none_failed(&second, "the throttled tick behind");
    let raised = alerts(&shop).await;
    assert_eq!(
        raised.iter().map(|a| a.0.as_str()).collect::<Vec<_>>(),
        vec!["rate_limited"],
        "{raised:?}"
    );
    drop(conn);
    shop.finish().await;
}
