//! `stock_sync` against a real MariaDB and the sandbox over HTTP: delta only (10 price changes →
//! one call with exactly those 10 items), a re-run writes nothing, the 20,000 cap, stock
//! history with its source, deduplicated low-stock alerts, the 15-minute identical-body rule,
//! and reconciliation repairing drift made behind MesChain's back.

mod catalog_common;

use std::collections::HashSet;
use std::time::Duration;

use catalog_common::*;
use meschain_engine::sync::catalog_pace::Pacer;
use meschain_engine::sync::stock::{self, reconcile};
use meschain_engine::sync::{catalog_batches, products};
use mysql_async::prelude::*;
use serde_json::{json, Value};
use trendyol_wire::inventory::PriceInventoryItem;

const INVENTORY_PATH: &str = "/integration/inventory/sellers/1001/products/price-and-inventory";

/// A shop whose products are all approved on the sandbox.
async fn approved_shop() -> Shop {
    let sb = sandbox(0, 0.0).await;
    let shop = shop(300, sb, &[]).await;
    for _ in 0..2 {
        let o = products::run(&shop.ctx(Duration::from_secs(60)))
            .await
            .unwrap();
        assert!(o.finished, "{}", o.message);
    }
    shop
}

async fn stock_run(shop: &Shop) -> Vec<Value> {
    let seq = shop.last_seq().await;
    let outcome = stock::run(&shop.ctx(Duration::from_secs(60)))
        .await
        .unwrap();
    assert!(outcome.finished, "{}", outcome.message);
    shop.writes(seq).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_changes_are_sent_and_confirmed() {
    let shop = approved_shop().await;
    let mut conn = shop.conn().await;
    let approved: u64 = conn
        .query_first("SELECT COUNT(*) FROM oc_trendyol_products WHERE sync_status = 'approved'")
        .await
        .unwrap()
        .unwrap();
    assert!(approved > 250, "{approved}");

    // Trendyol already shows what OpenCart has: nothing to send.
    assert!(stock_run(&shop).await.is_empty());

    // 10 price changes → one call with exactly those 10 barcodes, prices only.
    let changed = approved_products(&shop, 10).await;
    for (product_id, _) in &changed {
        conn.exec_drop(
            "UPDATE oc_product SET price = price + 7 WHERE product_id = ?",
            (product_id,),
        )
        .await
        .unwrap();
    }
    let writes = stock_run(&shop).await;
    assert_eq!(writes.len(), 1, "{writes:?}");
    assert_eq!(writes[0]["path"], INVENTORY_PATH);
    let sent: HashSet<String> = item_barcodes(&writes[0]).into_iter().collect();
    let expected: HashSet<String> = changed.iter().map(|(_, b)| b.clone()).collect();
    assert_eq!(sent, expected);
    for item in writes[0]["bodyJson"]["items"].as_array().unwrap() {
        assert!(item.get("quantity").is_none(), "price-only item: {item}");
        assert!(item["salePrice"].as_f64().unwrap() <= item["listPrice"].as_f64().unwrap());
    }
    let pending: u64 = conn
        .query_first(
            "SELECT COUNT(*) FROM oc_trendyol_products WHERE stock_batch_request_id <> '' \
             OR sent_list_price IS NOT NULL",
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(pending, 0, "the batch result confirmed every item");

    // Nothing changed since: no write.
    assert!(stock_run(&shop).await.is_empty());

    // Stock: one over the cap, one low (twice, to see the alert deduplicated), one plain change.
    let some = approved_products(&shop, 13).await;
    let (capped, low, plain) = (&some[10], &some[11], &some[12]);
    for (pid, q) in [(capped.0, 50_000), (low.0, 2), (plain.0, 77)] {
        conn.exec_drop(
            "UPDATE oc_product SET quantity = ?, status = 1 WHERE product_id = ?",
            (q, pid),
        )
        .await
        .unwrap();
    }
    let writes = stock_run(&shop).await;
    assert_eq!(writes.len(), 1);
    let items = writes[0]["bodyJson"]["items"].as_array().unwrap().clone();
    let quantity_of = |b: &str| {
        items
            .iter()
            .find(|i| i["barcode"] == b)
            .and_then(|i| i["quantity"].as_i64())
    };
    assert_eq!(items.len(), 3);
    assert_eq!(
        quantity_of(&capped.1),
        Some(20_000),
        "capped at Trendyol's limit"
    );
    assert_eq!(quantity_of(&low.1), Some(2));
    assert_eq!(quantity_of(&plain.1), Some(77));
    let history: Vec<(String, Option<i64>, i64, String)> = conn
        .query(
            "SELECT barcode, quantity_before, quantity_after, source FROM oc_trendyol_stock_history \
             ORDER BY stock_history_id",
        )
        .await
        .unwrap();
    assert_eq!(history.len(), 3, "{history:?}");
    assert!(history.iter().all(|h| h.3 == "stock_sync" && h.1.is_some()));
    conn.exec_drop(
        "UPDATE oc_product SET quantity = 1 WHERE product_id = ?",
        (low.0,),
    )
    .await
    .unwrap();
    assert_eq!(stock_run(&shop).await.len(), 1);
    let alerts: Vec<(String, u32)> = conn
        .query(
            "SELECT dedupe_key, occurrences FROM oc_trendyol_alerts WHERE alert_type = 'low_stock'",
        )
        .await
        .unwrap();
    assert_eq!(alerts, vec![(format!("low_stock:1001:{}", low.1), 2)]);
    drop(conn);
    shop.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn products_far_apart_are_scanned_across_windows() {
    use meschain_engine::sync::stock::delta::SCAN_WINDOW;
    let shop = approved_shop().await;
    let mut conn = shop.conn().await;
    // Three products moved to ids in later windows (the second, the fourth and a last, odd
    // one), as a shop with deleted products or imported ids has; one stays in the first.
    let some = approved_products(&shop, 4).await;
    let moved_to = [SCAN_WINDOW + 7, 3 * SCAN_WINDOW + 1, 4 * SCAN_WINDOW + 3];
    for ((old, _), new) in some[1..].iter().zip(moved_to) {
        for table in ["oc_product", "oc_trendyol_products", "oc_product_special"] {
            conn.exec_drop(
                format!("UPDATE {table} SET product_id = ? WHERE product_id = ?"),
                (new, old),
            )
            .await
            .unwrap();
        }
    }
    assert!(
        stock_run(&shop).await.is_empty(),
        "moving ids changed nothing"
    );

    // A price change in each of the four windows.
    for product_id in std::iter::once(some[0].0).chain(moved_to) {
        conn.exec_drop(
            "UPDATE oc_product SET price = price + 3 WHERE product_id = ?",
            (product_id,),
        )
        .await
        .unwrap();
    }
    let writes = stock_run(&shop).await;
    assert_eq!(writes.len(), 1, "{writes:?}");
    let sent: HashSet<String> = item_barcodes(&writes[0]).into_iter().collect();
    let expected: HashSet<String> = some.iter().map(|(_, b)| b.clone()).collect();
    assert_eq!(sent, expected);
    assert!(stock_run(&shop).await.is_empty());
    drop(conn);
    shop.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_identical_body_waits_out_the_fifteen_minutes() {
    let shop = approved_shop().await;
    let mut conn = shop.conn().await;
    let (pid, barcode) = approved_products(&shop, 1).await.remove(0);
    conn.exec_drop(
        "UPDATE oc_product SET quantity = 9, status = 1 WHERE product_id = ?",
        (pid,),
    )
    .await
    .unwrap();
    assert_eq!(stock_run(&shop).await.len(), 1);
    // The confirmation is lost (as if the result vanished): the same delta comes back.
    conn.exec_drop(
        "UPDATE oc_trendyol_products SET confirmed_quantity = confirmed_quantity + 1 WHERE barcode = ?",
        (barcode.as_str(),),
    )
    .await
    .unwrap();
    let seq = shop.last_seq().await;
    let outcome = stock::run(&shop.ctx(Duration::from_secs(60)))
        .await
        .unwrap();
    assert!(
        shop.writes(seq).await.is_empty(),
        "identical body held back"
    );
    assert_eq!(outcome.details["delta"]["identical_bodies_held"], 1);
    // 16 minutes later (on both clocks) it goes out.
    conn.query_drop(
        "UPDATE oc_trendyol_sent_bodies SET sent_at = UTC_TIMESTAMP() - INTERVAL 16 MINUTE",
    )
    .await
    .unwrap();
    shop.control(
        reqwest::Method::POST,
        "/__sandbox/clock/advance",
        json!({"minutes": 16}),
    )
    .await;
    let writes = stock_run(&shop).await;
    assert_eq!(writes.len(), 1);
    assert_eq!(writes[0]["status"], 200);
    assert_eq!(item_barcodes(&writes[0]), vec![barcode]);
    drop(conn);
    shop.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconciliation_repairs_drift() {
    let shop = approved_shop().await;
    let (pid, barcode) = approved_products(&shop, 1).await.remove(0);
    let mut conn = shop.conn().await;
    let want: i64 = conn
        .exec_first(
            "SELECT LEAST(quantity, 20000) * status FROM oc_product WHERE product_id = ?",
            (pid,),
        )
        .await
        .unwrap()
        .unwrap();
    // Someone changes the stock in Trendyol's seller panel.
    let ctx = shop.ctx(Duration::from_secs(60));
    ctx.client
        .update_price_inventory(&[PriceInventoryItem {
            barcode: barcode.clone(),
            quantity: Some(want + 500),
            ..PriceInventoryItem::default()
        }])
        .await
        .unwrap();
    // The delta scan alone cannot see it.
    catalog_batches::set_cursor(&shop.db, stock::RECONCILE_CURSOR, i64::MAX / 2)
        .await
        .unwrap();
    assert!(stock_run(&shop).await.is_empty());
    // Reconciliation takes Trendyol's view; the scan then repairs it.
    let mut report = reconcile::ReconcileReport::default();
    reconcile::reconcile(&ctx, &mut Pacer::new(), &mut report)
        .await
        .unwrap();
    assert_eq!((report.drifted, report.quantity_drift), (1, 1));
    let writes = stock_run(&shop).await;
    assert_eq!(writes.len(), 1);
    let items = writes[0]["bodyJson"]["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["barcode"], barcode.as_str());
    assert_eq!(items[0]["quantity"], want);
    let sources: Vec<String> = conn
        .query("SELECT source FROM oc_trendyol_stock_history ORDER BY stock_history_id")
        .await
        .unwrap();
    assert_eq!(sources, vec!["reconcile", "stock_sync"]);
    drop(conn);
    shop.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_window_form_of_the_sale_price_matches_the_per_row_form() {
    use meschain_engine::sync::catalog_price::{desired_sql, desired_sql_for_window};
    let sb = sandbox(0, 0.0).await;
    let shop = shop(400, sb, &[("prices_include_vat", "0")]).await;
    let mut conn = shop.conn().await;
    // Specials OpenCart's rule must choose between: priorities, ties on priority (lowest price
    // wins), expired and future ones, another customer group, and one above the list price.
    let first = shop.product_ids.start;
    for (offset, group, priority, price, start, end) in [
        (0, 1, 2, 5.0, "0000-00-00", "0000-00-00"),
        (0, 1, 1, 9.0, "0000-00-00", "0000-00-00"),
        (1, 1, 1, 7.0, "0000-00-00", "0000-00-00"),
        (1, 1, 1, 6.0, "0000-00-00", "0000-00-00"),
        (2, 1, 0, 1.0, "2000-01-01", "2001-01-01"),
        (3, 1, 0, 1.0, "2999-01-01", "0000-00-00"),
        (4, 2, 0, 1.0, "0000-00-00", "0000-00-00"),
        (5, 1, 0, 999_999.0, "0000-00-00", "0000-00-00"),
    ] {
        conn.exec_drop(
            "INSERT INTO oc_product_special (product_id, customer_group_id, priority, price, \
             date_start, date_end) VALUES (?, ?, ?, ?, ?, ?)",
            (first + offset, group, priority, price, start, end),
        )
        .await
        .unwrap();
    }
    conn.query_drop(
        "INSERT INTO oc_trendyol_products (trendyol_product_id, seller_id, product_id, barcode, \
         created_at, updated_at) SELECT product_id, 1001, product_id, CONCAT('W', product_id), \
         UTC_TIMESTAMP(), UTC_TIMESTAMP() FROM oc_product",
    )
    .await
    .unwrap();
    let basis = meschain_engine::sync::shop_locale::PriceBasis::load(&shop.db, &shop.settings)
        .await
        .unwrap();
    let per_row = desired_sql(&shop.db, &shop.settings, &basis);
    let window = desired_sql_for_window(
        &shop.db,
        &shop.settings,
        &basis,
        shop.product_ids.start..=shop.product_ids.end - 1,
    );
    let read = |d: &meschain_engine::sync::catalog_price::DesiredSql| {
        format!(
            "SELECT p.product_id, CAST({} AS CHAR), CAST({} AS CHAR) FROM oc_product p {} \
             ORDER BY p.product_id",
            d.list_price, d.sale_price, d.joins
        )
    };
    let a: Vec<(u32, String, String)> = conn.query(read(&per_row)).await.unwrap();
    let b: Vec<(u32, String, String)> = conn.query(read(&window)).await.unwrap();
    assert_eq!(a.len(), 400);
    assert_eq!(a, b);
    let specials: u64 = conn
        .query_first("SELECT COUNT(DISTINCT product_id) FROM oc_product_special")
        .await
        .unwrap()
        .unwrap();
    assert!(
        specials > 6,
        "the generator's own specials are compared too"
    );
    drop(conn);
    shop.finish().await;
}

/// A price/stock write applied by Trendyol but answered 500. Before the read-back, the next
/// run sent the identical body, Trendyol answered 400 `duplicate.request`, and every run after
/// failed. An unanswered write is read back; a duplicate answer means Trendyol has the body.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_applied_but_answered_500_is_read_back_and_a_duplicate_answer_is_delivered() {
    let shop = approved_shop().await;
    let mut conn = shop.conn().await;
    let changed = approved_products(&shop, 5).await;
    set_quantity(&mut conn, &changed, 11).await;
    shop.control(
        reqwest::Method::POST,
        "/__sandbox/faults",
        json!({"appliedErrorShare": 1.0, "pathPrefix": INVENTORY_PATH}),
    )
    .await;
    let first = stock::run(&shop.ctx(Duration::from_secs(60)))
        .await
        .expect("an unanswered write does not fail the run");
    assert_eq!(
        first.details["delta"]["ambiguous_writes"], 1,
        "{}",
        first.details
    );
    assert_eq!(
        first.details["delta"]["read_back_confirmed"], 5,
        "{}",
        first.details
    );
    shop.control(reqwest::Method::DELETE, "/__sandbox/faults", json!({}))
        .await;
    // Trendyol shows what was sent: nothing to re-send.
    assert!(stock_run(&shop).await.is_empty());

    // The record of the body and the confirmation are lost (another host sent it, or a crash):
    // the identical body goes out, Trendyol refuses it as a duplicate — which is delivery.
    conn.query_drop("DELETE FROM oc_trendyol_sent_bodies")
        .await
        .unwrap();
    let barcodes: Vec<String> = changed.iter().map(|(_, b)| b.clone()).collect();
    for b in &barcodes {
        conn.exec_drop(
            "UPDATE oc_trendyol_products SET confirmed_quantity = confirmed_quantity + 100 WHERE barcode = ?",
            (b.as_str(),),
        )
        .await
        .unwrap();
    }
    // The same five rows differ again, with the same values: the identical body.
    let seq = shop.last_seq().await;
    let outcome = stock::run(&shop.ctx(Duration::from_secs(60)))
        .await
        .expect("a duplicate answer does not fail the run");
    let writes = shop.writes(seq).await;
    assert_eq!(writes.len(), 1, "{writes:?}");
    assert_eq!(writes[0]["status"], 400);
    assert_eq!(outcome.details["delta"]["duplicate_answers"], 1);
    for b in &barcodes {
        let confirmed: Option<Option<i64>> = conn
            .exec_first(
                "SELECT confirmed_quantity FROM oc_trendyol_products WHERE barcode = ?",
                (b.as_str(),),
            )
            .await
            .unwrap();
        assert_eq!(confirmed, Some(Some(11)), "{b}: read back and confirmed");
    }
    assert!(stock_run(&shop).await.is_empty(), "nothing left to send");
    drop(conn);
    shop.finish().await;
}

/// 429s without `Retry-After` used to grow the shop-wide pause from 11 s to
/// 94 s and the run ended `failed` with an error alert. A run out of quota stops, partial, and
/// the next run resumes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_out_of_quota_ends_partial_and_the_next_resumes() {
    let shop = approved_shop().await;
    let mut conn = shop.conn().await;
    let changed = approved_products(&shop, 3).await;
    set_quantity(&mut conn, &changed, 13).await;
    shop.control(
        reqwest::Method::POST,
        "/__sandbox/faults",
        json!({"throttleShare": 1.0, "pathPrefix": INVENTORY_PATH}),
    )
    .await;
    let started = std::time::Instant::now();
    let outcome = stock::run(&shop.ctx(Duration::from_secs(20)))
        .await
        .expect("a run out of quota is not a failure");
    assert!(!outcome.finished);
    assert_eq!(
        outcome.stopped,
        Some(meschain_engine::runner::StopReason::RateLimit)
    );
    assert!(started.elapsed() < Duration::from_secs(25));
    shop.control(reqwest::Method::DELETE, "/__sandbox/faults", json!({}))
        .await;
    // The limiter's cooldown from the 429s has to pass before the next run can send.
    conn.query_drop("UPDATE oc_trendyol_rate_limits SET cooldown_until_us = 0")
        .await
        .unwrap();
    let writes = stock_run(&shop).await;
    assert_eq!(writes.len(), 1);
    let mut sent = item_barcodes(&writes[0]);
    sent.sort();
    let mut want: Vec<String> = changed.iter().map(|(_, b)| b.clone()).collect();
    want.sort();
    assert_eq!(sent, want);
    drop(conn);
    shop.finish().await;
}
