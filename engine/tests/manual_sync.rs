//! The admin's sync buttons against a real shop and the sandbox, with no cron and no worker
//! running: the click queues its job and starts that very job in the background of its own
//! process. The run is the admin's (its own sync-log row, trigger `admin`), runs whatever the
//! automatic switches say, starts once however often it is asked, and nothing is queued or
//! started while MesChain is switched off.

use std::time::{Duration, Instant};

use meschain_engine::queue::{self, EventType, FailOutcome, FailureClass, NewJob};
use meschain_engine::{Engine, ErrorFamily};
use mysql_async::prelude::*;
use serde_json::{json, Map, Value};

mod order_common;

use order_common::{control, sandbox, Shop};

/// An engine on `shop` with `settings` on top of the shop's.
fn engine_with(shop: &Shop, settings: &[(&str, &str)]) -> Engine {
    let mut config = shop.config.clone();
    for (k, v) in settings {
        config
            .setting_overrides
            .insert(k.to_string(), v.to_string());
    }
    Engine::new(config).unwrap()
}

/// Polls the job's progress, as the admin's page does, until it is no longer pending or running.
async fn finished(engine: &Engine, queue_id: u64) -> Value {
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let job = engine.queue_job(queue_id as i64).await.unwrap();
        if job["status"] != "pending" && job["status"] != "running" {
            return job;
        }
        assert!(
            Instant::now() < deadline,
            "job {queue_id} never finished: {job}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn runs(shop: &Shop) -> Vec<(String, String, String)> {
    let mut conn = shop.pool.get_conn().await.unwrap();
    conn.query(
        "SELECT sync_type, `trigger`, status FROM oc_trendyol_sync_logs ORDER BY sync_log_id",
    )
    .await
    .unwrap()
}

async fn count(shop: &Shop, table: &str) -> u64 {
    let mut conn = shop.pool.get_conn().await.unwrap();
    conn.query_first(format!("SELECT COUNT(*) FROM oc_{table}"))
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_click_runs_its_job_at_once_with_no_cron_or_worker() {
    let sb = sandbox(0).await;
    let shop = order_common::shop(&sb, 10, &[("status", "1")]).await;
    control(
        &sb,
        "/__sandbox/orders/generate",
        json!({"count": 5, "splitShare": 0.0, "cancelShare": 0.0}),
    )
    .await;
    let engine = shop.engine();
    let queued = engine
        .enqueue_manual("order_sync", Map::new())
        .await
        .unwrap();
    let started = engine.start_manual(queued.queue_id as i64).await.unwrap();
    assert!(started.started, "{started:?}");
    assert_eq!(
        (started.status.as_str(), started.reason),
        ("running", "started")
    );
    let worker = started.worker.clone().unwrap();
    assert!(
        worker.ends_with(&format!(":{}", std::process::id())),
        "{worker}"
    );

    // The request that started it ends (its engine is closed): the run goes on by itself.
    engine.close().await;
    let job = finished(&engine, queued.queue_id).await;
    assert_eq!(job["status"], "done", "{job}");
    assert_eq!(job["attempts"], 1, "{job}");
    assert!(job["started_at"].is_string(), "{job}");
    assert_eq!(job["worker"], Value::Null, "{job}");
    assert_eq!(
        runs(&shop).await,
        vec![("order_sync".into(), "admin".into(), "ok".into())]
    );
    assert_eq!(count(&shop, "trendyol_orders").await, 5);

    // Finished: asking again starts nothing, and says so.
    let again = engine.start_manual(queued.queue_id as i64).await.unwrap();
    assert!(!again.started);
    assert_eq!((again.status.as_str(), again.reason), ("done", "finished"));
    assert_eq!(runs(&shop).await.len(), 1);
    engine.close().await;
    sb.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_click_runs_its_job_even_with_the_automatic_switches_off() {
    let sb = sandbox(0).await;
    let shop = order_common::shop(
        &sb,
        10,
        &[
            ("status", "1"),
            ("order_sync", "0"),
            ("webhook_processing", "0"),
        ],
    )
    .await;
    control(
        &sb,
        "/__sandbox/orders/generate",
        json!({"count": 3, "splitShare": 0.0, "cancelShare": 0.0}),
    )
    .await;
    let engine = shop.engine();
    for job in ["order_sync", "webhook_processor"] {
        let queued = engine.enqueue_manual(job, Map::new()).await.unwrap();
        let started = engine.start_manual(queued.queue_id as i64).await.unwrap();
        assert!(started.started, "{job}: {started:?}");
        let done = finished(&engine, queued.queue_id).await;
        assert_eq!(done["status"], "done", "{job}: {done}");
    }
    assert_eq!(
        runs(&shop).await,
        vec![
            ("order_sync".into(), "admin".into(), "ok".into()),
            ("webhook_processor".into(), "admin".into(), "ok".into()),
        ]
    );
    assert_eq!(count(&shop, "trendyol_orders").await, 3);
    engine.close().await;
    sb.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_running_job_is_started_once() {
    let sb = sandbox(0).await;
    let shop = order_common::shop(&sb, 10, &[("status", "1")]).await;
    control(
        &sb,
        "/__sandbox/orders/generate",
        json!({"count": 3, "splitShare": 0.0, "cancelShare": 0.0}),
    )
    .await;
    // Every Trendyol call takes 1.5 s: the run is still going while the page asks again.
    control(&sb, "/__sandbox/faults", json!({"latencyMs": 1500})).await;
    let engine = shop.engine();
    let queued = engine
        .enqueue_manual("order_sync", Map::new())
        .await
        .unwrap();
    let first = engine.start_manual(queued.queue_id as i64).await.unwrap();
    assert!(first.started, "{first:?}");
    // Again from this process, and from another engine (as another request would).
    let other = shop.engine();
    for engine in [&engine, &other] {
        let again = engine.start_manual(queued.queue_id as i64).await.unwrap();
        assert!(!again.started, "{again:?}");
        assert_eq!(
            (again.status.as_str(), again.reason),
            ("running", "already_running")
        );
        assert_eq!(again.worker, first.worker);
    }
    // A click meanwhile is the same job; the page sees who runs it and since when.
    let click = engine
        .enqueue_manual("order_sync", Map::new())
        .await
        .unwrap();
    assert_eq!((click.created, click.queue_id), (false, queued.queue_id));
    let progress = engine.queue_job(queued.queue_id as i64).await.unwrap();
    assert_eq!(progress["status"], "running", "{progress}");
    assert_eq!(progress["worker"].as_str(), first.worker.as_deref());
    assert!(progress["started_at"].is_string(), "{progress}");
    assert!(progress["lease_expires_at"].is_string(), "{progress}");
    assert_eq!(finished(&engine, queued.queue_id).await["status"], "done");
    assert_eq!(runs(&shop).await.len(), 1, "one run");

    // A job another process holds (a worker claimed it) is left to it.
    let queued = engine
        .enqueue_manual("stock_sync", Map::new())
        .await
        .unwrap();
    let db = engine.database().unwrap();
    let held = queue::claim(&db, "web2:4242", Duration::from_secs(60), 10, None)
        .await
        .unwrap();
    assert_eq!(held.len(), 1);
    let answer = engine.start_manual(queued.queue_id as i64).await.unwrap();
    assert!(!answer.started);
    assert_eq!(answer.reason, "already_running");
    assert_eq!(answer.worker.as_deref(), Some("web2:4242"));
    // That worker's attempt fails and the job waits out a backoff: a click runs it now.
    control(&sb, "/__sandbox/faults", json!({"latencyMs": 0})).await;
    let outcome = queue::fail(
        &db,
        &held[0],
        FailureClass::Transient,
        "a 503 from Trendyol",
    )
    .await
    .unwrap();
    assert!(
        matches!(outcome, FailOutcome::Retrying { .. }),
        "{outcome:?}"
    );
    let answer = engine.start_manual(queued.queue_id as i64).await.unwrap();
    assert!(answer.started, "{answer:?}");
    let job = finished(&engine, queued.queue_id).await;
    assert_eq!(
        (job["status"].as_str(), job["attempts"].as_u64()),
        (Some("done"), Some(2))
    );

    // Only a button's jobs are started this way; an unknown id is a configuration error.
    let event = queue::enqueue(
        &db,
        &NewJob::new(EventType::OrderCreated, json!({"package_id": 1})),
    )
    .await
    .unwrap();
    let answer = engine.start_manual(event.id as i64).await.unwrap();
    assert_eq!(
        (answer.started, answer.reason, answer.status.as_str()),
        (false, "not_manual", "pending")
    );
    let e = engine.start_manual(999_999).await.unwrap_err();
    assert_eq!((e.family(), e.code()), (ErrorFamily::Config, 100), "{e}");
    assert!(e.to_string().contains("queue_id"), "{e}");
    other.close().await;
    engine.close().await;
    sb.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn switched_off_a_click_queues_and_starts_nothing() {
    let sb = sandbox(0).await;
    let shop = order_common::shop(&sb, 0, &[]).await;
    let off = engine_with(&shop, &[("status", "0")]);
    let e = off
        .enqueue_manual("order_sync", Map::new())
        .await
        .unwrap_err();
    assert_eq!((e.family(), e.code()), (ErrorFamily::Config, 120), "{e}");
    let text = e.to_string();
    assert!(
        text.contains("switched off in Settings") && text.contains("nothing was queued"),
        "{text}"
    );
    assert_eq!(count(&shop, "trendyol_sync_queue").await, 0);

    // A job queued before the switch went off is not started either.
    let on = engine_with(&shop, &[("status", "1")]);
    let queued = on.enqueue_manual("stock_sync", Map::new()).await.unwrap();
    let e = off.start_manual(queued.queue_id as i64).await.unwrap_err();
    assert_eq!(e.code(), 120, "{e}");
    let job = on.queue_job(queued.queue_id as i64).await.unwrap();
    assert_eq!(
        (job["status"].as_str(), job["attempts"].as_u64()),
        (Some("pending"), Some(0))
    );
    on.close().await;
    off.close().await;
    sb.shutdown().await.unwrap();
}
