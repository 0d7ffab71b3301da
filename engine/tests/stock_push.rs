//! The stock push after a sale, against a real MariaDB and the sandbox over HTTP: events merge
//! into one open job, the processor sends exactly the changed barcodes with the quantity OpenCart
//! has when the job runs, a second sale while the first write is in flight is sent at once, the
//! older batch's result does not overwrite the newer, and a slot stranded on a dead job is
//! brought back.

mod catalog_common;

use std::time::Duration;

use catalog_common::*;
use meschain_engine::config::Settings;
use meschain_engine::processor;
use meschain_engine::sync::products;
use meschain_engine::sync::stock::{self, push};
use mysql_async::prelude::*;
use serde_json::Value;

const INVENTORY_PATH: &str = "/integration/inventory/sellers/1001/products/price-and-inventory";

async fn approved_shop() -> Shop {
    let sb = sandbox(0, 0.0).await;
    let shop = shop(40, sb, &[("status", "1")]).await;
    for _ in 0..2 {
        let o = products::run(&shop.ctx(Duration::from_secs(60)))
            .await
            .unwrap();
        assert!(o.finished, "{}", o.message);
    }
    shop
}

/// Runs the processor once; returns the price/stock writes it made.
async fn process(shop: &Shop) -> Vec<Value> {
    let seq = shop.last_seq().await;
    let outcome = processor::run(&shop.ctx(Duration::from_secs(30)))
        .await
        .unwrap();
    assert!(outcome.finished, "{}", outcome.message);
    assert_eq!(outcome.items_failed, 0, "{}", outcome.message);
    shop.writes(seq)
        .await
        .into_iter()
        .filter(|w| w["path"] == INVENTORY_PATH)
        .collect()
}

fn quantities(write: &Value) -> Vec<(String, Option<i64>)> {
    let mut items: Vec<(String, Option<i64>)> = write["bodyJson"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["barcode"].as_str().unwrap().to_string(),
                i["quantity"].as_i64(),
            )
        })
        .collect();
    items.sort();
    items
}

async fn pending_pushes(shop: &Shop) -> Vec<(u64, String)> {
    shop.conn()
        .await
        .query(
            "SELECT queue_id, payload FROM oc_trendyol_sync_queue \
             WHERE event_type = 'stock_push' AND status = 'pending' ORDER BY queue_id",
        )
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sales_are_pushed_coalesced_with_the_quantity_at_push_time() {
    let shop = approved_shop().await;
    let some = approved_products(&shop, 3).await;
    assert_eq!(some.len(), 3, "three approved products");
    let (p1, p2, p3) = (&some[0], &some[1], &some[2]);
    // Trendyol already shows what OpenCart has.
    let o = stock::run(&shop.ctx(Duration::from_secs(60)))
        .await
        .unwrap();
    assert!(o.finished, "{}", o.message);

    // Three events, one open job holding the union of the products on Trendyol.
    let first = push::stock_changed(&shop.db, &shop.settings, &[p1.0, p2.0])
        .await
        .unwrap();
    assert!(first.created);
    let second = push::stock_changed(&shop.db, &shop.settings, &[p2.0, p3.0, 999_999])
        .await
        .unwrap();
    assert_eq!(second.queue_id, first.queue_id, "merged into the open job");
    assert!(!second.created);
    assert_eq!(
        second.product_ids,
        vec![p2.0, p3.0],
        "only products on Trendyol"
    );
    let unknown = push::stock_changed(&shop.db, &shop.settings, &[999_999])
        .await
        .unwrap();
    assert_eq!(unknown.queue_id, 0);
    assert!(unknown.skipped.is_some());
    let pending = pending_pushes(&shop).await;
    assert_eq!(pending.len(), 1, "{pending:?}");
    let payload: Value = serde_json::from_str(&pending[0].1).unwrap();
    assert_eq!(push::product_ids_of(&payload), vec![p1.0, p2.0, p3.0]);

    // The sales happen after the events: the push reads the quantity when it runs.
    set_quantity(&mut shop.conn().await, std::slice::from_ref(p1), 7).await;
    set_quantity(&mut shop.conn().await, std::slice::from_ref(p2), 8).await;
    let writes = process(&shop).await;
    assert_eq!(writes.len(), 1, "one call for the whole job: {writes:?}");
    assert_eq!(
        quantities(&writes[0]),
        vec![(p1.1.clone(), Some(7)), (p2.1.clone(), Some(8))],
        "exactly the changed barcodes, with OpenCart's quantity at push time"
    );
    assert!(pending_pushes(&shop).await.is_empty());

    // A second sale while the first write is still unconfirmed goes out at once.
    let in_flight: String = shop
        .conn()
        .await
        .exec_first(
            "SELECT stock_batch_request_id FROM oc_trendyol_products WHERE product_id = ?",
            (p1.0,),
        )
        .await
        .unwrap()
        .unwrap();
    assert!(!in_flight.is_empty(), "the first write awaits its result");
    set_quantity(&mut shop.conn().await, std::slice::from_ref(p1), 6).await;
    let again = push::stock_changed(&shop.db, &shop.settings, &[p1.0, p2.0])
        .await
        .unwrap();
    assert!(again.created, "the taken job released its slot: a new job");
    let writes = process(&shop).await;
    assert_eq!(writes.len(), 1);
    assert_eq!(
        quantities(&writes[0]),
        vec![(p1.1.clone(), Some(6))],
        "p2's 8 is already on its way"
    );

    // The stock job settles both batches: the newer value stands.
    let o = stock::run(&shop.ctx(Duration::from_secs(60)))
        .await
        .unwrap();
    assert!(o.finished, "{}", o.message);
    let confirmed: Vec<(u32, Option<i64>, String)> = shop
        .conn()
        .await
        .exec(
            "SELECT product_id, confirmed_quantity, stock_batch_request_id FROM oc_trendyol_products \
             WHERE product_id IN (?, ?) ORDER BY product_id",
            (p1.0, p2.0),
        )
        .await
        .unwrap();
    assert_eq!(
        confirmed,
        vec![
            (p1.0, Some(6), String::new()),
            (p2.0, Some(8), String::new())
        ]
    );
    shop.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stranded_slot_is_revived_and_switches_are_obeyed() {
    let shop = approved_shop().await;
    let some = approved_products(&shop, 1).await;
    let first = push::stock_changed(&shop.db, &shop.settings, &[some[0].0])
        .await
        .unwrap();
    // A crash loop left the job dead with its slot still on it.
    shop.conn()
        .await
        .exec_drop(
            "UPDATE oc_trendyol_sync_queue SET status = 'dead', attempts = 8, error_class = 'poison' \
             WHERE queue_id = ?",
            (first.queue_id,),
        )
        .await
        .unwrap();
    let next = push::stock_changed(&shop.db, &shop.settings, &[some[0].0])
        .await
        .unwrap();
    assert_eq!(next.queue_id, first.queue_id);
    let row: (String, u32) = shop
        .conn()
        .await
        .exec_first(
            "SELECT status, attempts FROM oc_trendyol_sync_queue WHERE queue_id = ?",
            (first.queue_id,),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row, ("pending".to_string(), 0));

    for switch in ["status", "stock_sync"] {
        let mut values = std::collections::BTreeMap::new();
        values.insert("seller_id".to_string(), SELLER.to_string());
        values.insert("status".to_string(), "1".to_string());
        values.insert(switch.to_string(), "0".to_string());
        let settings = Settings::from_values(&values).unwrap();
        let off = push::stock_changed(&shop.db, &settings, &[some[0].0])
            .await
            .unwrap();
        assert_eq!(off.queue_id, 0, "{switch} off");
        assert!(off.skipped.unwrap().contains("switched off"));
    }
    assert!(push::stock_changed(&shop.db, &shop.settings, &[1; 1001])
        .await
        .is_err());
    shop.finish().await;
}
