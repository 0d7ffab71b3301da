//! The queue processor against a real shop and the sandbox: webhook deliveries (repeated and
//! shuffled) become one job per package state and one OpenCart order per package; an OpenCart
//! status change reaches Trendyol as Picking, then Invoiced; returns are polled into OpenCart
//! and approved; a switched-off webhook raises an alert.

use std::time::Duration;

use meschain_engine::inbox::Delivery;
use meschain_engine::Engine;
use mysql_async::prelude::*;
use rand::seq::SliceRandom;
use serde_json::{json, Value};
use trendyol_sandbox::RunningSandbox;

const API_KEY: &str = "hook-key-31c9e0";

mod order_common;

use order_common::{sandbox, Shop};

async fn control(sb: &RunningSandbox, _method: &str, path: &str, body: Value) -> Value {
    order_common::control(sb, path, body).await
}

async fn shop(sb: &RunningSandbox) -> (Shop, mysql_async::Pool, Engine) {
    let shop = order_common::shop(
        sb,
        120,
        &[
            ("status", "1"),
            ("webhook_auth", "api_key"),
            ("webhook_api_key", API_KEY),
        ],
    )
    .await;
    let pool = shop.pool.clone();
    let engine = shop.engine();
    (shop, pool, engine)
}

async fn deliver(engine: &Engine, body: &[u8]) -> u16 {
    let headers = vec![
        ("Content-Type".to_string(), "application/json".to_string()),
        ("x-api-key".to_string(), API_KEY.to_string()),
    ];
    engine
        .accept_webhook(&Delivery {
            body,
            headers: &headers,
            remote_ip: "127.0.0.1",
        })
        .await
        .http_status
}

/// Orders generated in the sandbox: their package ids and each package as Trendyol shows it.
async fn generated_packages(sb: &RunningSandbox, request: Value) -> (Vec<u64>, Vec<Value>) {
    let generated = control(sb, "POST", "/__sandbox/orders/generate", request).await;
    let ids: Vec<u64> = serde_json::from_value(generated["packageIds"].clone()).unwrap();
    let mut packages = Vec::new();
    for id in &ids {
        let p = control(sb, "GET", &format!("/__sandbox/packages/{id}"), Value::Null).await;
        packages.push(p["package"].clone());
    }
    (ids, packages)
}

async fn drain(engine: &Engine) -> meschain_engine::runner::JobOutcome {
    let ctx = engine
        .standalone_context(Duration::from_secs(120))
        .await
        .unwrap();
    meschain_engine::processor::run(&ctx).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn repeated_shuffled_webhooks_make_one_order_per_package() {
    let sb = sandbox(0).await;
    let (_tdb, pool, engine) = shop(&sb).await;
    let (ids, packages) = generated_packages(
        &sb,
        json!({"count": 300, "splitShare": 0.1, "cancelShare": 0.05}),
    )
    .await;
    let mut bodies = Vec::new();
    for package in &packages {
        let body = serde_json::to_vec(package).unwrap();
        for _ in 0..3 {
            bodies.push(body.clone());
        }
    }
    bodies.shuffle(&mut rand::rng());
    for body in &bodies {
        assert_eq!(deliver(&engine, body).await, 200);
    }
    let mut conn = pool.get_conn().await.unwrap();
    let jobs: u64 = conn
        .query_first("SELECT COUNT(*) FROM oc_trendyol_sync_queue")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(jobs as usize, ids.len(), "one job per package state");

    let outcome = drain(&engine).await;
    assert!(outcome.finished, "{outcome:?}");
    assert_eq!(outcome.items_failed, 0, "{outcome:?}");
    let orders: u64 = conn
        .query_first("SELECT COUNT(*) FROM oc_order")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(orders as usize, ids.len(), "one order per package");
    let done: u64 = conn
        .query_first("SELECT COUNT(*) FROM oc_trendyol_sync_queue WHERE status = 'done'")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(done as usize, ids.len());

    // The same deliveries again: duplicates, nothing new.
    for body in bodies.iter().take(50) {
        assert_eq!(deliver(&engine, body).await, 200);
    }
    let again = drain(&engine).await;
    assert_eq!(again.items_ok, 0, "{again:?}");
    sb.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delivery_is_processed_once_its_work_is_done() {
    let sb = sandbox(0).await;
    let (_tdb, pool, engine) = shop(&sb).await;
    let (ids, mut bodies) = generated_packages(
        &sb,
        json!({"count": 3, "splitShare": 0.0, "cancelShare": 0.0}),
    )
    .await;
    // A package Trendyol does not know (yet): its job waits for another attempt.
    let mut unknown = bodies[0].clone();
    unknown["shipmentPackageId"] = json!(987_654_321u64);
    unknown["id"] = json!(987_654_321u64);
    bodies.push(unknown);
    for body in &bodies {
        assert_eq!(
            deliver(&engine, &serde_json::to_vec(body).unwrap()).await,
            200
        );
    }
    // A repeat (nothing new to do), an empty page (nothing to do) and a refused delivery.
    assert_eq!(
        deliver(&engine, &serde_json::to_vec(&bodies[1]).unwrap()).await,
        200
    );
    assert_eq!(deliver(&engine, br#"{"content": []}"#).await, 200);
    let refused = engine
        .accept_webhook(&Delivery {
            body: &serde_json::to_vec(&bodies[2]).unwrap(),
            headers: &[("x-api-key".to_string(), "wrong".to_string())],
            remote_ip: "127.0.0.1",
        })
        .await;
    assert_eq!(refused.http_status, 401);

    let logs = "SELECT verdict, COALESCE(package_id, 0), processed, processed_at IS NOT NULL \
                FROM oc_trendyol_webhook_logs ORDER BY webhook_log_id";
    let mut conn = pool.get_conn().await.unwrap();
    let rows: Vec<(String, u64, bool, bool)> = conn.query(logs).await.unwrap();
    let row = |verdict: &str, package: u64, processed: bool| {
        (verdict.to_string(), package, processed, processed)
    };
    assert_eq!(
        rows,
        vec![
            row("accepted", ids[0], false),
            row("accepted", ids[1], false),
            row("accepted", ids[2], false),
            row("accepted", 987_654_321, false),
            row("duplicate", ids[1], true),
            row("accepted", 0, true),
            row("rejected_auth", 0, false),
        ]
    );

    // Once the processor has done their jobs, the deliveries are processed; the one whose job
    // is waiting for another attempt is not (yet).
    let outcome = drain(&engine).await;
    assert_eq!(
        (outcome.items_ok, outcome.items_failed),
        (3, 0),
        "{outcome:?}"
    );
    let rows: Vec<(String, u64, bool, bool)> = conn.query(logs).await.unwrap();
    assert_eq!(
        rows,
        vec![
            row("accepted", ids[0], true),
            row("accepted", ids[1], true),
            row("accepted", ids[2], true),
            row("accepted", 987_654_321, false),
            row("duplicate", ids[1], true),
            row("accepted", 0, true),
            row("rejected_auth", 0, false),
        ]
    );
    drop(conn);
    sb.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_opencart_status_change_reaches_trendyol_as_picking_then_invoiced() {
    let sb = sandbox(0).await;
    let (_tdb, pool, engine) = shop(&sb).await;
    let generated = control(
        &sb,
        "POST",
        "/__sandbox/orders/generate",
        json!({"count": 3}),
    )
    .await;
    let ids: Vec<u64> = serde_json::from_value(generated["packageIds"].clone()).unwrap();
    let ctx = engine
        .standalone_context(Duration::from_secs(60))
        .await
        .unwrap();
    meschain_engine::sync::orders::run(&ctx).await.unwrap();
    let mut conn = pool.get_conn().await.unwrap();
    let order_id: u32 = conn
        .exec_first(
            "SELECT order_id FROM oc_trendyol_orders WHERE package_id = ?",
            (ids[0],),
        )
        .await
        .unwrap()
        .unwrap();

    // The shop marks the order "Processed" (15): Picking.
    conn.exec_drop(
        "UPDATE oc_order SET order_status_id = 15 WHERE order_id = ?",
        (order_id,),
    )
    .await
    .unwrap();
    let queued = engine.order_status_changed(order_id, 15).await.unwrap();
    assert_eq!(queued.len(), 1);
    // Set twice: pushed once.
    assert_eq!(
        engine.order_status_changed(order_id, 15).await.unwrap(),
        queued
    );
    drain(&engine).await;
    let p = control(
        &sb,
        "GET",
        &format!("/__sandbox/packages/{}", ids[0]),
        Value::Null,
    )
    .await;
    assert_eq!(p["package"]["status"], "Picking");

    // Then "Shipped" (3): Invoiced with OpenCart's invoice number, plus a tracking number and
    // an invoice link.
    conn.exec_drop(
        "UPDATE oc_order SET order_status_id = 3, invoice_prefix = 'INV-2026-', invoice_no = 42 WHERE order_id = ?",
        (order_id,),
    )
    .await
    .unwrap();
    engine.order_status_changed(order_id, 3).await.unwrap();
    engine
        .push_shipment(order_id, "TRK123456", "https://shop.example/invoice/42.pdf")
        .await
        .unwrap();
    let outcome = drain(&engine).await;
    assert_eq!(outcome.items_failed, 0, "{outcome:?}");
    let p = control(
        &sb,
        "GET",
        &format!("/__sandbox/packages/{}", ids[0]),
        Value::Null,
    )
    .await;
    assert_eq!(p["package"]["status"], "Invoiced", "{p}");
    assert_eq!(p["invoiceNumber"], "INV-2026-42");
    assert_eq!(p["invoiceLink"], "https://shop.example/invoice/42.pdf");

    // The echo of our own push does not move the shop's status back to "Processed".
    meschain_engine::sync::orders::run(&ctx).await.unwrap();
    let status: u32 = conn
        .exec_first(
            "SELECT order_status_id FROM oc_order WHERE order_id = ?",
            (order_id,),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(status, 3);

    // The backstop: a status set without the event (direct SQL) is found by order sync.
    let other: u32 = conn
        .exec_first(
            "SELECT order_id FROM oc_trendyol_orders WHERE package_id = ?",
            (ids[1],),
        )
        .await
        .unwrap()
        .unwrap();
    conn.exec_drop(
        "UPDATE oc_order SET order_status_id = 15 WHERE order_id = ?",
        (other,),
    )
    .await
    .unwrap();
    let polled = meschain_engine::sync::orders::run(&ctx).await.unwrap();
    assert_eq!(polled.details["pushes_queued"], 1, "{}", polled.details);
    drain(&engine).await;
    let p = control(
        &sb,
        "GET",
        &format!("/__sandbox/packages/{}", ids[1]),
        Value::Null,
    )
    .await;
    assert_eq!(p["package"]["status"], "Picking");

    // Bad input: not a Trendyol order.
    let e = engine
        .push_shipment(999_999, "X", "")
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("not a Trendyol order"), "{e}");
    sb.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn returns_are_polled_into_opencart_and_approved() {
    let sb = sandbox(0).await;
    let (_tdb, pool, engine) = shop(&sb).await;
    control(
        &sb,
        "POST",
        "/__sandbox/orders/generate",
        json!({"count": 5}),
    )
    .await;
    let ctx = engine
        .standalone_context(Duration::from_secs(60))
        .await
        .unwrap();
    meschain_engine::sync::orders::run(&ctx).await.unwrap();
    let claims = control(
        &sb,
        "POST",
        "/__sandbox/claims/generate",
        json!({"count": 2}),
    )
    .await;
    let claim_ids: Vec<String> = serde_json::from_value(claims["claimIds"].clone()).unwrap();
    assert_eq!(claim_ids.len(), 2);
    let outcome = meschain_engine::sync::orders::run(&ctx).await.unwrap();
    assert_eq!(outcome.details["claims"]["new"], 2, "{}", outcome.details);
    let mut conn = pool.get_conn().await.unwrap();
    let rows: Vec<(String, Option<u32>, Option<u32>, String)> = conn
        .query("SELECT claim_id, order_id, return_id, claim_status FROM oc_trendyol_claims ORDER BY claim_id")
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    for (_, order_id, return_id, status) in &rows {
        assert!(order_id.is_some() && return_id.is_some());
        assert_eq!(status, "WaitingInAction");
    }
    let events: u64 = conn
        .query_first(
            "SELECT COUNT(*) FROM oc_trendyol_sync_queue WHERE event_type = 'RETURN_INITIATED'",
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(events, 2);
    // Polled again: nothing new.
    let again = meschain_engine::sync::orders::run(&ctx).await.unwrap();
    assert_eq!(again.details["claims"]["new"], 0);

    engine.approve_claim(&rows[0].0, &[]).await.unwrap();
    let (decision, return_status): (String, u32) = conn
        .exec_first(
            "SELECT c.decision, r.return_status_id FROM oc_trendyol_claims c JOIN oc_return r ON r.return_id = c.return_id WHERE c.claim_id = ?",
            (&rows[0].0,),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!((decision.as_str(), return_status), ("approved", 3));
    let e = engine
        .reject_claim(&rows[1].0, &[], 0, "x")
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("reason id"), "{e}");
    let e = engine
        .approve_claim("no-such-claim", &[])
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("not known"), "{e}");
    sb.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_webhook_is_registered_and_a_switched_off_one_raises_an_alert() {
    let sb = sandbox(0).await;
    let (_tdb, pool, engine) = shop(&sb).await;
    let url = "http://127.0.0.1:9/index.php?route=extension/meschain/webhook/trendyol";
    let first = engine.register_webhook(url).await.unwrap();
    assert_eq!(
        (first.action.as_str(), first.active),
        ("created", true),
        "{first:?}"
    );
    let second = engine.register_webhook(url).await.unwrap();
    assert_eq!(second.action, "updated");
    assert_eq!(second.id, first.id);
    let client = engine.trendyol().await.unwrap();
    client.deactivate_webhook(&first.id).await.unwrap();
    let db = engine.database().unwrap();
    let inactive = meschain_engine::inbox::subscription::check(&db, &client)
        .await
        .unwrap();
    assert_eq!(inactive, vec![url.to_string()]);
    meschain_engine::inbox::subscription::check(&db, &client)
        .await
        .unwrap();
    let mut conn = pool.get_conn().await.unwrap();
    let alerts: Vec<(String, u32)> = conn
        .query("SELECT alert_type, occurrences FROM oc_trendyol_alerts")
        .await
        .unwrap();
    assert_eq!(alerts, vec![("webhook_deactivated".to_string(), 2)]);
    let again = engine.register_webhook(url).await.unwrap();
    assert_eq!((again.action.as_str(), again.active), ("activated", true));
    let e = engine
        .register_webhook("ftp://x")
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("http(s) URL"), "{e}");
    sb.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manual_sync_is_a_run_of_its_own_and_waits_for_a_cron_run_of_the_same_job() {
    use meschain_engine::runner::lock::{self, Acquire};
    let sb = sandbox(0).await;
    let (_tdb, pool, engine) = shop(&sb).await;
    control(
        &sb,
        "POST",
        "/__sandbox/orders/generate",
        json!({"count": 6, "splitShare": 0.0, "cancelShare": 0.0}),
    )
    .await;
    let db = engine.database().unwrap();
    let mut conn = pool.get_conn().await.unwrap();
    let order_runs = "SELECT `trigger`, status FROM oc_trendyol_sync_logs \
                      WHERE sync_type = 'order_sync' ORDER BY sync_log_id";

    // A cron run of order_sync is in progress (it holds the job's lock): the button's job
    // does not run beside it, and stays queued for another attempt.
    let Acquire::Acquired { lock: cron, .. } = lock::acquire(
        &db,
        "order_sync",
        "cron@other-host",
        Duration::from_secs(300),
    )
    .await
    .unwrap() else {
        panic!("the order_sync lock is free in a new shop");
    };
    let queued = engine
        .enqueue_manual("order_sync", serde_json::Map::new())
        .await
        .unwrap();
    drain(&engine).await;
    let job = engine.queue_job(queued.queue_id as i64).await.unwrap();
    assert_eq!(job["status"], "pending", "{job}");
    assert_eq!(job["attempts"], 1, "{job}");
    let error = job["last_error"].as_str().unwrap_or_default();
    assert!(error.contains("order_sync is running already"), "{error}");
    assert!(error.contains("cron@other-host"), "{error}");
    let runs: Vec<(String, String)> = conn.query(order_runs).await.unwrap();
    assert!(runs.is_empty(), "no run beside the cron run: {runs:?}");
    let orders: u64 = conn
        .query_first("SELECT COUNT(*) FROM oc_trendyol_orders")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(orders, 0);

    // The cron run ends; the retry runs order_sync as a run of its own, logged as the admin's.
    assert!(lock::release(&db, &cron).await.unwrap());
    conn.exec_drop(
        "UPDATE oc_trendyol_sync_queue SET available_at = NOW(3) WHERE queue_id = ?",
        (queued.queue_id,),
    )
    .await
    .unwrap();
    drain(&engine).await;
    let job = engine.queue_job(queued.queue_id as i64).await.unwrap();
    assert_eq!(job["status"], "done", "{job}");
    let runs: Vec<(String, String)> = conn.query(order_runs).await.unwrap();
    assert_eq!(runs, vec![("admin".to_string(), "ok".to_string())]);
    let orders: u64 = conn
        .query_first("SELECT COUNT(*) FROM oc_trendyol_orders")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(orders, 6);
    // Its calls are counted in its own row, and the lock is free again.
    let calls: u64 = conn
        .query_first("SELECT api_calls FROM oc_trendyol_sync_logs WHERE sync_type = 'order_sync'")
        .await
        .unwrap()
        .unwrap();
    assert!(calls > 0);
    assert!(matches!(
        lock::acquire(&db, "order_sync", "cron@other-host", Duration::from_secs(5))
            .await
            .unwrap(),
        Acquire::Acquired { .. }
    ));
    drop(conn);
    sb.shutdown().await.unwrap();
}
