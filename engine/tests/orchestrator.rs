//! The orchestrator (`trendyol_sync`) with the real jobs against a real shop and the sandbox:
//! its own run is on record like every job's, so the Monitoring tab can say when it last ran
//! and what today's ticks did.

use std::time::Duration;

use meschain_engine::runner::RunOptions;
use mysql_async::prelude::*;
use serde_json::json;

mod order_common;

use order_common::{control, sandbox};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tick_writes_its_own_run_and_the_dashboard_shows_it() {
    let sb = sandbox(0).await;
    let shop = order_common::shop(&sb, 10, &[("status", "1")]).await;
    control(
        &sb,
        "/__sandbox/orders/generate",
        json!({"count": 4, "splitShare": 0.0, "cancelShare": 0.0}),
    )
    .await;
    let engine = shop.engine();

    let before = engine.dashboard().await.unwrap();
    assert!(before["jobs"]["trendyol_sync"]["last_run"].is_null());

    let options = RunOptions {
        max_duration: Some(Duration::from_secs(120)),
        trigger: "cron".into(),
        ..RunOptions::default()
    };
    let report = engine.run("trendyol_sync", &options).await.unwrap();
    assert!(report.sync_log_id > 0, "{report:?}");

    let dashboard = engine.dashboard().await.unwrap();
    let last = &dashboard["jobs"]["trendyol_sync"]["last_run"];
    assert_eq!(last["status"], "ok", "{dashboard:#}");
    assert_eq!(last["sync_log_id"], report.sync_log_id);
    assert!(last["finished_at"].is_string(), "{last}");
    let message = last["message"].as_str().unwrap();
    for job in meschain_engine::runner::job_names() {
        assert!(message.contains(job), "{job} not named in {message:?}");
    }
    assert_eq!(dashboard["jobs"]["trendyol_sync"]["running"], false);

    // Its figures are the sums of the runs it made, and today's tally counts the tick.
    let mut conn = shop.pool.get_conn().await.unwrap();
    let (items_ok, items_failed, calls): (u64, u64, u64) = conn
        .query_first(
            "SELECT SUM(items_ok), SUM(items_failed), SUM(api_calls) FROM oc_trendyol_sync_logs \
             WHERE sync_type <> 'trendyol_sync'",
        )
        .await
        .unwrap()
        .unwrap();
    assert!(calls > 0 && items_ok >= 4, "{items_ok} {calls}");
    assert_eq!(last["items_ok"], items_ok);
    assert_eq!(last["items_failed"], items_failed);
    assert_eq!(last["api_calls"], calls);
    let row: (String, String, u64) = conn
        .query_first(
            "SELECT `trigger`, status, duration_ms FROM oc_trendyol_sync_logs \
             WHERE sync_type = 'trendyol_sync'",
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!((row.0.as_str(), row.1.as_str()), ("cron", "ok"));
    assert!(row.2 > 0 && row.2 <= report.duration_ms, "{row:?}");
    let today = &dashboard["today"]["trendyol_sync"];
    assert_eq!(
        (today["runs"].as_u64(), today["ok"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(today["items_ok"], items_ok);

    // A tick whose process died (no lock to take over) is closed by the next tick; one whose
    // process lives on, on this host, is left running.
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let dead_pid = child.id();
    child.wait().unwrap();
    let host = meschain_engine::runner::lock::hostname();
    for pid in [dead_pid, std::process::id()] {
        conn.exec_drop(
            "INSERT INTO oc_trendyol_sync_logs (sync_type, status, `trigger`, host, pid, started_at, \
             created_at) VALUES ('trendyol_sync', 'running', 'cron', ?, ?, NOW(3) - INTERVAL 1 HOUR, \
             UTC_TIMESTAMP())",
            (&host, pid),
        )
        .await
        .unwrap();
    }

    // A tick that finds nothing due still leaves its trace: cron is alive.
    let again = engine.run("trendyol_sync", &options).await.unwrap();
    assert!(again.sync_log_id > report.sync_log_id);
    let ticks: Vec<(u32, String)> = conn
        .query(
            "SELECT pid, status FROM oc_trendyol_sync_logs WHERE sync_type = 'trendyol_sync' \
             ORDER BY sync_log_id",
        )
        .await
        .unwrap();
    let own = std::process::id();
    assert_eq!(
        ticks,
        vec![
            (own, "ok".to_string()),
            (dead_pid, "abandoned".to_string()),
            (own, "running".to_string()),
            (own, "ok".to_string()),
        ]
    );
    drop(conn);
    engine.close().await;
    sb.shutdown().await.unwrap();
}
