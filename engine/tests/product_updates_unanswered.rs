//! Product updates whose answer was lost — a 500 after Trendyol applied them, or a 500 before
//! it did — against the sandbox's fault switches: the run never fails, the products Trendyol
//! shows with the sent fields are recorded as sent (and not sent again), and the ones it does
//! not show are sent again by the next run. Covers the three update kinds: in-review products
//! (`unapproved-bulk-update`), and approved ones (`content-bulk-update` + `variant-bulk-update`).

mod catalog_common;

use std::time::Duration;

use catalog_common::*;
use meschain_engine::sync::products;
use mysql_async::prelude::*;
use serde_json::{json, Value};

const UPDATE_PREFIX: &str = "/integration/product/sellers/1001/products/";

/// Renames the first `n` products of `status`, saved the way OpenCart's form saves them.
async fn rename(shop: &Shop, status: &str, n: u64, suffix: &str) -> Vec<String> {
    let mut conn = shop.conn().await;
    let rows: Vec<(u32, String)> = conn
        .exec(
            "SELECT product_id, barcode FROM oc_trendyol_products WHERE sync_status = ? \
             ORDER BY product_id LIMIT ?",
            (status, n),
        )
        .await
        .unwrap();
    assert_eq!(rows.len() as u64, n, "{status}");
    for (pid, _) in &rows {
        conn.exec_drop(
            "UPDATE oc_product_description SET name = CONCAT(LEFT(name, 60), ?) WHERE product_id = ?",
            (suffix, pid),
        )
        .await
        .unwrap();
        conn.exec_drop(
            "UPDATE oc_product SET date_modified = GREATEST(NOW(), date_modified) + INTERVAL 2 SECOND \
             WHERE product_id = ?",
            (pid,),
        )
        .await
        .unwrap();
    }
    rows.into_iter().map(|(_, b)| b).collect()
}

fn update_writes(writes: &[Value]) -> Vec<String> {
    writes
        .iter()
        .filter_map(|w| w["path"].as_str())
        .filter(|p| p.starts_with(UPDATE_PREFIX))
        .map(|p| p.trim_start_matches(UPDATE_PREFIX).to_string())
        .collect()
}

async fn statuses(shop: &Shop, barcodes: &[String]) -> Vec<String> {
    let mut conn = shop.conn().await;
    let mut out = Vec::new();
    for b in barcodes {
        let s: String = conn
            .exec_first(
                "SELECT sync_status FROM oc_trendyol_products WHERE barcode = ?",
                (b.as_str(),),
            )
            .await
            .unwrap()
            .unwrap();
        out.push(s);
    }
    out
}

/// Runs product_sync under `fault` on the update endpoints; returns the run's upload report.
async fn run_faulted(shop: &Shop, fault: &str) -> Value {
    shop.control(
        reqwest::Method::POST,
        "/__sandbox/faults",
        json!({fault: 1.0, "pathPrefix": UPDATE_PREFIX, "method": "POST"}),
    )
    .await;
    let outcome = products::run(&shop.ctx(Duration::from_secs(60))).await;
    shop.control(reqwest::Method::DELETE, "/__sandbox/faults", json!({}))
        .await;
    let outcome = outcome.unwrap_or_else(|e| panic!("{fault}: the run failed: {e}"));
    assert!(outcome.finished, "{fault}: {}", outcome.message);
    outcome.details["upload"].clone()
}

/// A shop whose products are created and approved.
async fn approved_shop() -> Shop {
    let sb = sandbox(0, 0.0).await;
    let shop = shop(30, sb, &[]).await;
    for _ in 0..2 {
        products::run(&shop.ctx(Duration::from_secs(60)))
            .await
            .unwrap();
    }
    shop
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn approved_updates_applied_then_500_are_read_back_not_resent() {
    let shop = approved_shop().await;
    let renamed = rename(&shop, "approved", 4, " Yeni").await;
    let upload = run_faulted(&shop, "appliedErrorShare").await;
    assert_eq!(upload["ambiguous"], 4, "{upload}");
    assert_eq!(
        upload["updated"], 4,
        "read back and recorded as sent: {upload}"
    );
    assert_eq!(statuses(&shop, &renamed).await, vec!["approved"; 4]);

    // Trendyol has them: the next run sends nothing again.
    let seq = shop.last_seq().await;
    products::run(&shop.ctx(Duration::from_secs(60)))
        .await
        .unwrap();
    let again = update_writes(&shop.writes(seq).await);
    assert!(again.is_empty(), "re-sent: {again:?}");
    shop.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn approved_updates_lost_before_trendyol_applied_them_go_again_next_run() {
    let shop = approved_shop().await;
    let renamed = rename(&shop, "approved", 3, " Eski").await;
    // A plain 500: nothing was applied; reading back shows the old titles.
    let upload = run_faulted(&shop, "errorShare").await;
    assert_eq!(upload["ambiguous"], 3, "{upload}");
    assert_eq!(upload["updated"], 0, "{upload}");
    assert_eq!(statuses(&shop, &renamed).await, vec!["approved"; 3]);

    let seq = shop.last_seq().await;
    products::run(&shop.ctx(Duration::from_secs(60)))
        .await
        .unwrap();
    let again = update_writes(&shop.writes(seq).await);
    assert_eq!(
        again,
        vec!["content-bulk-update", "variant-bulk-update"],
        "the next run sends them again"
    );
    shop.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_review_updates_applied_then_500_stay_in_review_not_failed() {
    // Review takes an hour: the products stay in review while they are edited.
    let sb = sandbox(3_600_000, 0.0).await;
    let shop = shop(30, sb, &[]).await;
    products::run(&shop.ctx(Duration::from_secs(60)))
        .await
        .unwrap();
    let renamed = rename(&shop, "submitted", 5, " Yeni").await;
    for fault in ["appliedErrorShare", "appliedResetShare"] {
        let upload = run_faulted(&shop, fault).await;
        assert_eq!(upload["ambiguous"], 5, "{fault}: {upload}");
        assert_eq!(upload["updated"], 5, "{fault}: {upload}");
        assert_eq!(statuses(&shop, &renamed).await, vec!["submitted"; 5]);
        let seq = shop.last_seq().await;
        products::run(&shop.ctx(Duration::from_secs(60)))
            .await
            .unwrap();
        let again = update_writes(&shop.writes(seq).await);
        assert!(again.is_empty(), "{fault}: re-sent {again:?}");
        rename(&shop, "submitted", 5, "!").await;
    }
    shop.finish().await;
}
