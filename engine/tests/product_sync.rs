//! `product_sync` against a real MariaDB with a generated OpenCart catalog and the sandbox over
//! HTTP: a full push at ⌈N/1000⌉ calls, invalid products reported and not sent, batch results,
//! approvals and rejections with reasons as queue events, a re-run with nothing to do, an image
//! change as a content update, and a run stopped by its deadline resuming without resending.

mod catalog_common;

use std::collections::HashSet;
use std::time::Duration;

use catalog_common::*;
use meschain_engine::runner::StopReason;
use meschain_engine::sync::products;
use mysql_async::prelude::*;
use serde_json::{json, Value};

const CREATE_PATH: &str = "/integration/product/sellers/1001/v2/products";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_thousand_products_are_pushed_reviewed_and_left_alone() {
    let sb = sandbox(60_000, 0.1).await;
    let shop = shop(2_000, sb, &[]).await;

    // 1. The push.
    let outcome = products::run(&shop.ctx(Duration::from_secs(120)))
        .await
        .unwrap();
    assert!(outcome.finished, "{}", outcome.message);
    let writes = shop.writes(0).await;
    assert!(
        writes.iter().all(|w| w["path"] == CREATE_PATH),
        "only creates"
    );
    assert_eq!(writes.len(), 2, "2,000 products in ⌈2000/1000⌉ calls");
    let sent: Vec<String> = writes.iter().flat_map(item_barcodes).collect();
    let unique: HashSet<&String> = sent.iter().collect();
    assert_eq!(unique.len(), sent.len(), "no barcode sent twice");

    let mut conn = shop.conn().await;
    let invalid: Vec<(String, String)> = conn
        .query("SELECT barcode, reasons FROM oc_trendyol_products WHERE sync_status = 'invalid'")
        .await
        .unwrap();
    assert!(
        !invalid.is_empty(),
        "the generator leaves some products without a manufacturer"
    );
    for (barcode, reasons) in &invalid {
        assert!(reasons.contains("brand:"), "{reasons}");
        assert!(!unique.contains(barcode), "invalid {barcode} was sent");
    }
    assert_eq!(sent.len() + invalid.len(), 2_000);
    let in_review: u64 = conn
        .query_first(
            "SELECT COUNT(*) FROM oc_trendyol_products WHERE sync_status = 'submitted' \
             AND trendyol_status = 'IN_REVIEW' AND batch_request_id = ''",
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        in_review as usize,
        sent.len(),
        "every batch item tracked to its end"
    );
    let open_batches: u64 = conn
        .query_first("SELECT COUNT(*) FROM oc_trendyol_batch_requests WHERE status = 'pending'")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(open_batches, 0);

    // 2. Review ends: approvals and rejections with reasons, as queue events.
    shop.control(
        reqwest::Method::POST,
        "/__sandbox/clock/advance",
        json!({"minutes": 2}),
    )
    .await;
    let seq = shop.last_seq().await;
    let outcome = products::run(&shop.ctx(Duration::from_secs(120)))
        .await
        .unwrap();
    assert!(outcome.finished, "{}", outcome.message);
    assert!(shop.writes(seq).await.is_empty(), "polling writes nothing");
    let (approved, rejected): (u64, u64) = conn
        .query_first(
            "SELECT SUM(sync_status = 'approved'), SUM(sync_status = 'rejected') FROM oc_trendyol_products",
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!((approved + rejected) as usize, sent.len());
    assert!(
        rejected > 0 && approved > rejected,
        "{approved} / {rejected}"
    );
    let reasons: Vec<String> = conn
        .query("SELECT reasons FROM oc_trendyol_products WHERE sync_status = 'rejected'")
        .await
        .unwrap();
    assert!(
        reasons.iter().all(|r| r.len() > 4 && r.contains(':')),
        "{reasons:?}"
    );
    let unconfirmed: u64 = conn
        .query_first(
            "SELECT COUNT(*) FROM oc_trendyol_products WHERE sync_status = 'approved' \
             AND (confirmed_quantity IS NULL OR content_id IS NULL)",
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        unconfirmed, 0,
        "an approval records Trendyol's stock and prices"
    );
    let events: Vec<(String, u64)> = conn
        .query(
            "SELECT event_type, COUNT(*) FROM oc_trendyol_sync_queue GROUP BY event_type ORDER BY event_type",
        )
        .await
        .unwrap();
    assert_eq!(
        events,
        vec![
            ("PRODUCT_APPROVED".to_string(), approved),
            ("PRODUCT_REJECTED".to_string(), rejected)
        ]
    );

    // 3. Nothing changed: no write at all, and no new event.
    let seq = shop.last_seq().await;
    let outcome = products::run(&shop.ctx(Duration::from_secs(120)))
        .await
        .unwrap();
    assert!(outcome.finished);
    assert!(shop.writes(seq).await.is_empty(), "a re-run writes nothing");
    let queued: u64 = conn
        .query_first("SELECT COUNT(*) FROM oc_trendyol_sync_queue")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(queued, approved + rejected);

    // 4. An image change on an approved product, saved the way OpenCart's form saves it.
    let (product_id, barcode): (u32, String) = conn
        .query_first(
            "SELECT product_id, barcode FROM oc_trendyol_products WHERE sync_status = 'approved' \
             ORDER BY product_id LIMIT 1",
        )
        .await
        .unwrap()
        .unwrap();
    conn.exec_drop(
        "UPDATE oc_product SET image = 'catalog/new/front.jpg', date_modified = NOW() WHERE product_id = ?",
        (product_id,),
    )
    .await
    .unwrap();
    let seq = shop.last_seq().await;
    products::run(&shop.ctx(Duration::from_secs(120)))
        .await
        .unwrap();
    let writes = shop.writes(seq).await;
    let paths: Vec<&str> = writes.iter().filter_map(|w| w["path"].as_str()).collect();
    assert_eq!(
        paths,
        vec![
            "/integration/product/sellers/1001/products/content-bulk-update",
            "/integration/product/sellers/1001/products/variant-bulk-update"
        ]
    );
    let content = &writes[0]["bodyJson"]["items"];
    assert_eq!(content.as_array().unwrap().len(), 1);
    assert_eq!(
        content[0]["images"][0]["url"],
        "https://shop.example/image/catalog/new/front.jpg"
    );
    assert_eq!(item_barcodes(&writes[1]), vec![barcode]);
    drop(conn);
    shop.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_stopped_by_its_time_limit_resumes_without_resending() {
    let sb = sandbox(60_000, 0.0).await;
    let shop = shop(2_000, sb, &[]).await;
    // Creates take 1.5 s: after the first, less time is left than a create takes.
    shop.control(
        reqwest::Method::POST,
        "/__sandbox/faults",
        json!({"latencyMs": 1500, "pathPrefix": CREATE_PATH}),
    )
    .await;
    let first = products::run(&shop.ctx(Duration::from_millis(2_600)))
        .await
        .unwrap();
    assert!(!first.finished, "{}", first.message);
    assert_eq!(first.stopped, Some(StopReason::TimeLimit));
    let after_first = shop.writes(0).await;
    assert_eq!(after_first.len(), 1, "one create, then a clean stop");

    shop.control(reqwest::Method::DELETE, "/__sandbox/faults", json!({}))
        .await;
    let second = products::run(&shop.ctx(Duration::from_secs(120)))
        .await
        .unwrap();
    assert!(second.finished, "{}", second.message);
    let writes = shop.writes(0).await;
    assert_eq!(writes.len(), 2);
    let sent: Vec<String> = writes.iter().flat_map(item_barcodes).collect();
    let unique: HashSet<&String> = sent.iter().collect();
    assert_eq!(unique.len(), sent.len(), "nothing sent twice");
    let mut conn = shop.conn().await;
    let (sent_rows, invalid): (u64, u64) = conn
        .query_first(
            "SELECT SUM(sync_status = 'submitted'), SUM(sync_status = 'invalid') FROM oc_trendyol_products",
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(sent_rows as usize, sent.len());
    assert_eq!(
        sent_rows + invalid,
        2_000,
        "every product handled exactly once"
    );
    drop(conn);
    shop.finish().await;
}

/// Found by the chaos suite: the shop owner saves a rejected product without changing what
/// Trendyol sees (a price edit, or the form saved as it was). The next scan finds nothing to
/// send — and must keep the rejection's reasons, or the admin shows a rejected product without
/// saying why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_product_saved_unchanged_keeps_its_reasons() {
    let sb = sandbox(60_000, 0.5).await;
    let shop = shop(60, sb, &[]).await;
    products::run(&shop.ctx(Duration::from_secs(120)))
        .await
        .unwrap();
    shop.control(
        reqwest::Method::POST,
        "/__sandbox/clock/advance",
        json!({"minutes": 2}),
    )
    .await;
    products::run(&shop.ctx(Duration::from_secs(120)))
        .await
        .unwrap();
    let mut conn = shop.conn().await;
    let before: Vec<(u32, String)> = conn
        .query(
            "SELECT product_id, reasons FROM oc_trendyol_products WHERE sync_status IN ('rejected', 'invalid') ORDER BY product_id",
        )
        .await
        .unwrap();
    assert!(
        before.iter().any(|(_, r)| r.contains(':')),
        "some products were rejected with reasons: {before:?}"
    );
    conn.query_drop(
        "UPDATE oc_product SET date_modified = NOW() + INTERVAL 1 SECOND, price = price + 1",
    )
    .await
    .unwrap();
    let seq = shop.last_seq().await;
    products::run(&shop.ctx(Duration::from_secs(120)))
        .await
        .unwrap();
    let creates_or_updates: Vec<String> = shop
        .writes(seq)
        .await
        .iter()
        .filter_map(|w| w["path"].as_str().map(str::to_string))
        .filter(|p| p.contains("/products"))
        .collect();
    assert!(
        creates_or_updates.is_empty(),
        "nothing Trendyol reviews changed: {creates_or_updates:?}"
    );
    let after: Vec<(u32, String)> = conn
        .query(
            "SELECT product_id, reasons FROM oc_trendyol_products WHERE sync_status IN ('rejected', 'invalid') ORDER BY product_id",
        )
        .await
        .unwrap();
    assert_eq!(after, before, "the reasons survive the scan");
    drop(conn);
    shop.finish().await;
}

/// A V2 create answered 500 after Trendyol had created the products (or the connection broke
/// before the answer). Before the read-back, the next run re-sent the identical body, Trendyol
/// answered every item "already exists", and the products were marked failed for good — so no
/// stock ever went out for them. After such an answer the engine reads Trendyol back first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_create_applied_but_answered_500_or_cut_off_is_read_back_not_resent() {
    for fault in ["appliedErrorShare", "appliedResetShare"] {
        let sb = sandbox(60_000, 0.0).await;
        let shop = shop(40, sb, &[]).await;
        shop.control(
            reqwest::Method::POST,
            "/__sandbox/faults",
            json!({fault: 1.0, "pathPrefix": CREATE_PATH, "method": "POST"}),
        )
        .await;
        let first = products::run(&shop.ctx(Duration::from_secs(60))).await;
        let first = first.unwrap_or_else(|e| panic!("{fault}: the run failed: {e}"));
        assert_eq!(
            first.details["upload"]["ambiguous"].as_u64().map(|n| n > 0),
            Some(true),
            "{fault}: {}",
            first.details
        );
        shop.control(reqwest::Method::DELETE, "/__sandbox/faults", json!({}))
            .await;

        // Later runs: nothing is created twice, the products wait for review and are approved.
        for _ in 0..2 {
            products::run(&shop.ctx(Duration::from_secs(60)))
                .await
                .unwrap();
            shop.control(
                reqwest::Method::POST,
                "/__sandbox/clock/advance",
                json!({"minutes": 2}),
            )
            .await;
        }
        let creates: Vec<Value> = shop
            .writes(0)
            .await
            .into_iter()
            .filter(|w| w["path"] == CREATE_PATH)
            .collect();
        let sent: Vec<String> = creates.iter().flat_map(item_barcodes).collect();
        let unique: HashSet<&String> = sent.iter().collect();
        assert_eq!(
            unique.len(),
            sent.len(),
            "{fault}: a barcode was created twice"
        );
        let mut conn = shop.conn().await;
        let counts: Vec<(String, u64)> = conn
            .query("SELECT sync_status, COUNT(*) FROM oc_trendyol_products GROUP BY sync_status")
            .await
            .unwrap();
        assert!(
            !counts.iter().any(|(s, _)| s == "failed"),
            "{fault}: {counts:?}"
        );
        let approved = counts
            .iter()
            .find(|(s, _)| s == "approved")
            .map_or(0, |c| c.1);
        assert_eq!(approved as usize, unique.len(), "{fault}: {counts:?}");
        drop(conn);
        shop.finish().await;
    }
}

/// The safety net behind the read-back: a create of a barcode Trendyol already holds for this
/// seller (our earlier write, whose answer was lost) is answered "already exists" per item.
/// That product is created and in review — never `failed`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn already_exists_for_our_own_barcode_is_in_review_not_failed() {
    let sb = sandbox(60_000, 0.0).await;
    let shop = shop(30, sb, &[]).await;
    products::run(&shop.ctx(Duration::from_secs(60)))
        .await
        .unwrap();
    // The shop's record of the create is lost; Trendyol still has the products.
    let mut conn = shop.conn().await;
    let sent: u64 = conn
        .query_first("SELECT COUNT(*) FROM oc_trendyol_products WHERE sync_status = 'submitted'")
        .await
        .unwrap()
        .unwrap();
    assert!(sent > 0);
    conn.query_drop("DELETE FROM oc_trendyol_products")
        .await
        .unwrap();
    conn.query_drop("DELETE FROM oc_trendyol_batch_requests")
        .await
        .unwrap();
    let second = products::run(&shop.ctx(Duration::from_secs(60)))
        .await
        .unwrap();
    assert!(second.finished, "{}", second.message);
    let counts: Vec<(String, String, u64)> = conn
        .query(
            "SELECT sync_status, trendyol_status, COUNT(*) FROM oc_trendyol_products \
             WHERE sync_status <> 'invalid' GROUP BY sync_status, trendyol_status",
        )
        .await
        .unwrap();
    assert_eq!(
        counts,
        vec![("submitted".to_string(), "IN_REVIEW".to_string(), sent)],
        "already-existing products are in review"
    );
    drop(conn);
    shop.finish().await;
}
