//! The pipelined push (reading, sending and recording overlap) against a real MariaDB and the
//! sandbox over HTTP: a barcode owned by a new product whose batch is still waiting, or on its
//! way to Trendyol and not yet recorded, is refused to a later product just as a recorded one
//! is; and the push's phases are reported.

mod catalog_common;

use std::collections::HashSet;
use std::time::Duration;

use catalog_common::*;
use meschain_engine::sync::products;
use mysql_async::prelude::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_barcode_waiting_in_a_batch_or_on_the_wire_is_not_given_to_another_product() {
    let sb = sandbox(60_000, 0.0).await;
    // Pages of 100 products and calls of 1000 items: a later page is read while an earlier
    // batch is still filling, being sent, or being recorded.
    let shop = shop(3_000, sb, &[("batch_size", "100")]).await;
    let mut conn = shop.conn().await;
    // Products that would be sent (they have a manufacturer, so a mapped brand).
    let valid: Vec<u32> = conn
        .query("SELECT product_id FROM oc_product WHERE manufacturer_id > 0 ORDER BY product_id")
        .await
        .unwrap();
    assert!(valid.len() > 2_600, "{}", valid.len());
    // (first owner, later product): the same buffer, and two batches apart.
    let pairs = [(valid[4], valid[700]), (valid[10], valid[2_500])];
    for (i, (owner, later)) in pairs.iter().enumerate() {
        conn.exec_drop(
            "UPDATE oc_product SET ean = ? WHERE product_id IN (?, ?)",
            (format!("PIPE{i:09}"), owner, later),
        )
        .await
        .unwrap();
    }

    let outcome = products::run(&shop.ctx(Duration::from_secs(120)))
        .await
        .unwrap();
    assert!(outcome.finished, "{}", outcome.message);
    let sent: Vec<String> = shop
        .writes(0)
        .await
        .iter()
        .flat_map(item_barcodes)
        .collect();
    let unique: HashSet<&String> = sent.iter().collect();
    assert_eq!(unique.len(), sent.len(), "no barcode sent twice");
    for (i, (owner, later)) in pairs.iter().enumerate() {
        let barcode = format!("PIPE{i:09}");
        assert!(unique.contains(&barcode), "{barcode} was sent once");
        let (status, reasons): (String, Option<String>) = conn
            .exec_first(
                "SELECT sync_status, reasons FROM oc_trendyol_products WHERE product_id = ?",
                (later,),
            )
            .await
            .unwrap()
            .unwrap();
        assert_eq!(status, "invalid", "product {later}");
        let reasons = reasons.unwrap_or_default();
        assert!(
            reasons.contains(&format!("{barcode} is already used by product {owner}")),
            "{reasons}"
        );
        let owner_status: String = conn
            .exec_first(
                "SELECT sync_status FROM oc_trendyol_products WHERE product_id = ? AND barcode = ?",
                (owner, &barcode),
            )
            .await
            .unwrap()
            .unwrap();
        assert_eq!(owner_status, "submitted", "product {owner}");
    }

    // Every stage's time is reported, and the calls are where the sender spent its time.
    let phases = &outcome.details["upload"]["phases"];
    for phase in ["read_ms", "map_ms", "send_ms", "record_ms"] {
        assert!(
            phases[phase].as_f64().unwrap_or(0.0) > 0.0,
            "{phase}: {phases}"
        );
    }

    // Nothing is left to send: a second run writes nothing.
    let seq = shop.last_seq().await;
    let again = products::run(&shop.ctx(Duration::from_secs(120)))
        .await
        .unwrap();
    assert!(again.finished, "{}", again.message);
    assert!(shop.writes(seq).await.is_empty());
}
