//! The runner against a real MariaDB: locks across engines (as two hosts would hold them), lease
//! take-over after a crash, time limits that stop a job cleanly and let the next run resume,
//! sync-log rows, switches, intervals, the orchestrator, and API calls counted from a real
//! sandbox. The job functions are defined here; they keep their state in the test database.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use meschain_engine::config::EngineConfig;
use meschain_engine::runner::lock::{self, Acquire};
use meschain_engine::runner::sync_log;
use meschain_engine::runner::{
    run_job_with, run_tick_with, JobContext, JobFn, JobFuture, JobOutcome, RunOptions, RunStatus,
    StopReason,
};
use meschain_engine::testing::TestDatabase;
use meschain_engine::{ApiErrorClass, Engine, Error};
use mysql_async::prelude::*;

fn log_dir() -> std::path::PathBuf {
    std::env::temp_dir().join("meschain-test-logs")
}

fn engine_for(tdb: &TestDatabase, settings: &[(&str, &str)]) -> Engine {
    let mut config = EngineConfig::new(tdb.config.clone());
    config.log_dir = Some(log_dir());
    let mut overrides: BTreeMap<String, String> = [
        ("status", "1"),
        ("environment", "sandbox"),
        ("sandbox_url", "http://127.0.0.1:9"),
        ("seller_id", "1001"),
        ("api_key", "demo-api-key"),
        ("api_secret", "demo-api-secret"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (k, v) in settings {
        overrides.insert(k.to_string(), v.to_string());
    }
    config.setting_overrides = overrides;
    Engine::new(config).unwrap()
}

/// A fresh shop (OpenCart's tables + MesChain's) with the tables the test jobs use.
async fn shop(settings: &[(&str, &str)]) -> (TestDatabase, Engine) {
    let tdb = TestDatabase::create("oc_").await;
    let pool = tdb.pool();
    let mut conn = pool.get_conn().await.unwrap();
    meschain_engine::fixtures::create_opencart_tables(&mut conn, "oc_")
        .await
        .unwrap();
    conn.query_drop(
        "CREATE TABLE test_runs (id INT AUTO_INCREMENT PRIMARY KEY, job VARCHAR(32) NOT NULL, \
         run_id INT NOT NULL, started DATETIME(3) NOT NULL, ended DATETIME(3) NULL)",
    )
    .await
    .unwrap();
    conn.query_drop(
        "CREATE TABLE test_items (id INT PRIMARY KEY, done_by INT NULL, done_count INT NOT NULL DEFAULT 0)",
    )
    .await
    .unwrap();
    drop(conn);
    pool.disconnect().await.unwrap();
    let engine = engine_for(&tdb, settings);
    engine.migrate().await.unwrap();
    (tdb, engine)
}

fn opts(max: Duration) -> RunOptions {
    RunOptions {
        max_duration: Some(max),
        trigger: "test".into(),
        ..RunOptions::default()
    }
}

async fn q<T: FromRow + Send + 'static>(tdb: &TestDatabase, sql: &str) -> Vec<T> {
    let pool = tdb.pool();
    let mut conn = pool.get_conn().await.unwrap();
    let rows = conn.query(sql).await.unwrap();
    drop(conn);
    pool.disconnect().await.unwrap();
    rows
}

async fn exec(tdb: &TestDatabase, sql: &str) {
    let pool = tdb.pool();
    let mut conn = pool.get_conn().await.unwrap();
    conn.query_drop(sql).await.unwrap();
    drop(conn);
    pool.disconnect().await.unwrap();
}

/// Records that it ran (start and end) and takes 300 ms, so overlapping runs would show.
fn counting_job(ctx: &JobContext) -> JobFuture<'_> {
    Box::pin(async move {
        let mut conn = ctx.db.conn().await?;
        let job = ctx.trigger.clone();
        conn.exec_drop(
            "INSERT INTO test_runs (job, run_id, started) VALUES (?, ?, NOW(3))",
            (job, ctx.run_id),
        )
        .await
        .map_err(|e| Error::Internal(e.to_string()))?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        conn.exec_drop(
            "UPDATE test_runs SET ended = NOW(3) WHERE run_id = ?",
            (ctx.run_id,),
        )
        .await
        .map_err(|e| Error::Internal(e.to_string()))?;
        Ok(JobOutcome {
            items_ok: 1,
            finished: true,
            message: "counted".into(),
            ..JobOutcome::default()
        })
    })
}

/// Works through `test_items` one item per 100 ms, stopping cleanly when told to.
fn resumable_job(ctx: &JobContext) -> JobFuture<'_> {
    Box::pin(async move {
        let mut conn = ctx.db.conn().await?;
        let mut done = 0;
        loop {
            if let Some(reason) = ctx.should_stop(Duration::from_millis(150)) {
                return Ok(JobOutcome {
                    items_ok: done,
                    finished: false,
                    stopped: Some(reason),
                    message: format!("{done} items"),
                    ..JobOutcome::default()
                });
            }
            let next: Option<u32> = conn
                .query_first("SELECT id FROM test_items WHERE done_by IS NULL ORDER BY id LIMIT 1")
                .await
                .map_err(|e| Error::Internal(e.to_string()))?;
            let Some(id) = next else {
                return Ok(JobOutcome {
                    items_ok: done,
                    finished: true,
                    message: format!("{done} items"),
                    ..JobOutcome::default()
                });
            };
            tokio::time::sleep(Duration::from_millis(100)).await;
            conn.exec_drop(
                "UPDATE test_items SET done_by = ?, done_count = done_count + 1 WHERE id = ?",
                (ctx.run_id, id),
            )
            .await
            .map_err(|e| Error::Internal(e.to_string()))?;
            done += 1;
        }
    })
}

/// Ignores its deadline entirely.
fn stubborn_job(_ctx: &JobContext) -> JobFuture<'_> {
    Box::pin(async move {
        tokio::time::sleep(Duration::from_secs(30)).await;
        Ok(JobOutcome::default())
    })
}

/// Fails the way a wrong API key does.
fn unauthorized_job(_ctx: &JobContext) -> JobFuture<'_> {
    Box::pin(async move {
        Err(Error::Api {
            class: ApiErrorClass::Auth,
            endpoint: "order.list".into(),
            status: Some(401),
            message: "Unauthorized".into(),
        })
    })
}

/// Fails with a database-ish error.
fn failing_job(_ctx: &JobContext) -> JobFuture<'_> {
    Box::pin(async move { Err(Error::Internal("the test job broke".into())) })
}

/// Asks the sandbox one question through the context's client.
fn api_job(ctx: &JobContext) -> JobFuture<'_> {
    Box::pin(async move {
        let answer = meschain_engine::trendyol::lookup::read(
            &ctx.client,
            "cargo_providers",
            &serde_json::Map::new(),
        )
        .await?;
        Ok(JobOutcome {
            items_ok: answer.as_array().map(|a| a.len() as u64).unwrap_or(1),
            finished: true,
            ..JobOutcome::default()
        })
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_orchestrators_at_once_run_each_job_once() {
    let (tdb, first) = shop(&[]).await;
    // A second engine has its own pool, as a second host would.
    let second = engine_for(&tdb, &[]);
    let lookup = |_: &str| -> meschain_engine::Result<JobFn> { Ok(counting_job) };
    let options = opts(Duration::from_secs(30));
    let (a, b) = tokio::join!(
        run_tick_with(&first, &options, lookup),
        run_tick_with(&second, &options, lookup)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    for job in meschain_engine::runner::job_names() {
        let statuses: Vec<RunStatus> = a
            .runs
            .iter()
            .chain(b.runs.iter())
            .filter(|r| r.job == job)
            .map(|r| r.status)
            .collect();
        assert_eq!(
            statuses.iter().filter(|s| **s == RunStatus::Ok).count(),
            1,
            "{job}: {statuses:?}"
        );
        assert!(
            statuses
                .iter()
                .all(|s| matches!(s, RunStatus::Ok | RunStatus::Locked | RunStatus::Skipped)),
            "{job}: {statuses:?}"
        );
    }
    let runs: Vec<(u64,)> = q(&tdb, "SELECT COUNT(*) FROM test_runs").await;
    let jobs = meschain_engine::runner::job_names().len() as u64;
    assert_eq!(runs[0].0, jobs, "each job ran exactly once");
    let logs: Vec<(String, String, u64)> = q(
        &tdb,
        "SELECT sync_type, status, items_ok FROM oc_trendyol_sync_logs \
         WHERE sync_type <> 'trendyol_sync' ORDER BY sync_type",
    )
    .await;
    assert_eq!(logs.len() as u64, jobs, "{logs:?}");
    assert!(
        logs.iter().all(|(_, s, n)| s == "ok" && *n == 1),
        "{logs:?}"
    );
    // Each tick is on record as a run of its own; the jobs one found locked are no failure.
    let ticks: Vec<(String, u64)> = q(
        &tdb,
        "SELECT status, items_ok FROM oc_trendyol_sync_logs WHERE sync_type = 'trendyol_sync'",
    )
    .await;
    assert_eq!(ticks.len(), 2, "{ticks:?}");
    assert!(ticks.iter().all(|(s, _)| s == "ok"), "{ticks:?}");
    assert_eq!(ticks.iter().map(|(_, n)| n).sum::<u64>(), jobs, "{ticks:?}");
    // Every lock is free again.
    let held: Vec<(u64,)> = q(
        &tdb,
        "SELECT COUNT(*) FROM oc_trendyol_job_locks WHERE expires_at IS NOT NULL",
    )
    .await;
    assert_eq!(held[0].0, 0);

    // The next tick finds nothing due.
    let again = run_tick_with(&first, &options, lookup).await.unwrap();
    assert!(
        again.runs.iter().all(|r| r.status == RunStatus::Skipped),
        "{:?}",
        again.runs
    );
    first.close().await;
    second.close().await;
    tdb.drop_database().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_crashed_holders_lock_is_taken_over_after_its_lease() {
    let (tdb, engine) = shop(&[]).await;
    let db = engine.database().unwrap();
    // A holder that takes the lock with a 1 s lease and then dies: it never renews or releases.
    let dead = match lock::acquire(&db, "order_sync", "deadhost:4242:0", Duration::from_secs(1))
        .await
        .unwrap()
    {
        Acquire::Acquired { lock, taken_over } => {
            assert!(taken_over.is_none());
            lock
        }
        other => panic!("{other:?}"),
    };
    let dead_run = sync_log::start(&db, "order_sync", "cron", "deadhost")
        .await
        .unwrap();
    lock::attach_run(&db, &dead, dead_run).await.unwrap();

    // While its lease lasts, the job is locked.
    let report = run_job_with(
        &engine,
        "order_sync",
        counting_job,
        &opts(Duration::from_secs(10)),
    )
    .await
    .unwrap();
    assert_eq!(report.status, RunStatus::Locked, "{}", report.message);
    assert!(
        report.message.contains("deadhost:4242:0"),
        "{}",
        report.message
    );

    tokio::time::sleep(Duration::from_millis(1200)).await;
    let report = run_job_with(
        &engine,
        "order_sync",
        counting_job,
        &opts(Duration::from_secs(10)),
    )
    .await
    .unwrap();
    assert_eq!(report.status, RunStatus::Ok, "{}", report.message);

    let rows: Vec<(u64, String, Option<String>)> = q(
        &tdb,
        "SELECT sync_log_id, status, error FROM oc_trendyol_sync_logs ORDER BY sync_log_id",
    )
    .await;
    assert_eq!(rows[0].0, dead_run);
    assert_eq!(rows[0].1, "abandoned");
    assert!(rows[0].2.as_deref().unwrap().contains("lease expired"));
    assert_eq!(rows[1].1, "ok");
    let alerts: Vec<(String, u64)> = q(
        &tdb,
        "SELECT dedupe_key, occurrences FROM oc_trendyol_alerts",
    )
    .await;
    assert_eq!(alerts, vec![("crashed.order_sync".to_string(), 1)]);
    // The dead holder's late release changes nothing (fenced by its token).
    assert!(!lock::release(&db, &dead).await.unwrap());
    let tokens: Vec<(i64, String)> = q(
        &tdb,
        "SELECT token, holder FROM oc_trendyol_job_locks WHERE job = 'order_sync'",
    )
    .await;
    assert_eq!(tokens, vec![(2, String::new())]);
    engine.close().await;
    tdb.drop_database().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lease_is_renewed_while_the_job_works() {
    let (tdb, engine) = shop(&[]).await;
    // A 1 s lease and a 2.5 s job: without the heartbeat a second runner would get in.
    let mut slow = opts(Duration::from_secs(10));
    slow.lock_lease = Some(Duration::from_secs(1));
    exec(&tdb, "INSERT INTO test_items (id) VALUES (1),(2),(3),(4),(5),(6),(7),(8),(9),(10),(11),(12),(13),(14),(15),(16),(17),(18),(19),(20),(21),(22),(23),(24),(25)").await;
    let first = run_job_with(&engine, "stock_sync", resumable_job, &slow);
    let second = async {
        tokio::time::sleep(Duration::from_millis(1800)).await;
        run_job_with(&engine, "stock_sync", counting_job, &slow).await
    };
    let (first, second) = tokio::join!(first, second);
    assert_eq!(first.unwrap().status, RunStatus::Ok);
    assert_eq!(second.unwrap().status, RunStatus::Locked);
    engine.close().await;
    tdb.drop_database().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_job_over_its_time_limit_stops_cleanly_and_the_next_run_resumes() {
    let (tdb, engine) = shop(&[]).await;
    let values: Vec<String> = (1..=20).map(|i| format!("({i})")).collect();
    exec(
        &tdb,
        &format!("INSERT INTO test_items (id) VALUES {}", values.join(",")),
    )
    .await;
    let first = run_job_with(
        &engine,
        "product_sync",
        resumable_job,
        &opts(Duration::from_millis(1000)),
    )
    .await
    .unwrap();
    assert_eq!(first.status, RunStatus::Partial, "{}", first.message);
    assert!(!first.finished);
    assert!(
        first.items_ok > 0 && first.items_ok < 20,
        "{}",
        first.items_ok
    );
    assert!(first.message.contains("time limit"), "{}", first.message);

    // A partial run is not a success: the next tick resumes at once, not an interval later.
    let second = run_job_with(
        &engine,
        "product_sync",
        resumable_job,
        &opts(Duration::from_secs(20)),
    )
    .await
    .unwrap();
    assert_eq!(second.status, RunStatus::Ok, "{}", second.message);
    assert!(second.finished);
    assert_eq!(first.items_ok + second.items_ok, 20);
    let counts: Vec<(u32, u32)> = q(
        &tdb,
        "SELECT COUNT(*), CAST(SUM(done_count) AS UNSIGNED) FROM test_items WHERE done_by IS NOT NULL",
    )
    .await;
    assert_eq!(counts, vec![(20, 20)], "every item done exactly once");

    let logs = sync_log::recent(&engine.database().unwrap(), Some("product_sync"), 10)
        .await
        .unwrap();
    assert_eq!(logs.len(), 2);
    let (newest, oldest) = (&logs[0], &logs[1]);
    assert_eq!(oldest.status, "partial");
    assert_eq!(oldest.items_ok, first.items_ok);
    assert_eq!(oldest.trigger, "test");
    assert_eq!(oldest.details["stopped"], "time_limit");
    assert!(oldest.duration_ms >= 800, "{}", oldest.duration_ms);
    assert!(oldest.peak_memory_bytes > 0);
    assert!(oldest.finished_at_ms.is_some());
    assert_eq!(newest.status, "ok");
    assert_eq!(newest.id, second.sync_log_id);
    assert_eq!(newest.pid, std::process::id());
    let _ = StopReason::TimeLimit;
    engine.close().await;
    tdb.drop_database().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_job_that_ignores_its_deadline_is_cut_off_and_alerted() {
    let (tdb, engine) = shop(&[]).await;
    let started = Instant::now();
    let report = run_job_with(
        &engine,
        "stock_sync",
        stubborn_job,
        &opts(Duration::from_millis(500)),
    )
    .await
    .unwrap();
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(report.status, RunStatus::Failed);
    assert!(
        report.message.contains("did not stop"),
        "{}",
        report.message
    );
    let rows: Vec<(String, Option<String>)> =
        q(&tdb, "SELECT status, error FROM oc_trendyol_sync_logs").await;
    assert_eq!(rows[0].0, "failed");
    assert!(rows[0].1.as_deref().unwrap().contains("timed out"));
    let alerts: Vec<(String, String)> = q(
        &tdb,
        "SELECT alert_type, dedupe_key FROM oc_trendyol_alerts",
    )
    .await;
    assert_eq!(
        alerts,
        vec![(
            "sync_error".to_string(),
            "sync_error.stock_sync".to_string()
        )]
    );
    // The lock is free for the next run.
    let next = run_job_with(
        &engine,
        "stock_sync",
        counting_job,
        &opts(Duration::from_secs(5)),
    )
    .await
    .unwrap();
    assert_eq!(next.status, RunStatus::Ok);
    engine.close().await;
    tdb.drop_database().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn failures_are_logged_and_alerted_once_per_condition() {
    let (tdb, engine) = shop(&[]).await;
    let force = RunOptions {
        force: true,
        ..opts(Duration::from_secs(5))
    };
    for _ in 0..3 {
        let r = run_job_with(&engine, "order_sync", failing_job, &force)
            .await
            .unwrap();
        assert_eq!(r.status, RunStatus::Failed);
        assert!(r.message.contains("the test job broke"));
    }
    let r = run_job_with(&engine, "order_sync", unauthorized_job, &force)
        .await
        .unwrap();
    assert_eq!(r.status, RunStatus::Failed);
    let alerts: Vec<(String, String, String, u64)> = q(
        &tdb,
        "SELECT alert_type, severity, dedupe_key, occurrences FROM oc_trendyol_alerts ORDER BY alert_id",
    )
    .await;
    assert_eq!(
        alerts,
        vec![
            (
                "sync_error".into(),
                "error".into(),
                "sync_error.order_sync".into(),
                3
            ),
            (
                "auth_failure".into(),
                "critical".into(),
                "auth.api".into(),
                1
            ),
        ]
    );
    let failed: Vec<(u64,)> = q(
        &tdb,
        "SELECT COUNT(*) FROM oc_trendyol_sync_logs WHERE status = 'failed' AND error IS NOT NULL",
    )
    .await;
    assert_eq!(failed[0].0, 4);
    engine.close().await;
    tdb.drop_database().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn switches_and_intervals_are_respected() {
    let (tdb, engine) = shop(&[("order_sync", "0")]).await;
    let o = opts(Duration::from_secs(5));
    let r = run_job_with(&engine, "order_sync", counting_job, &o)
        .await
        .unwrap();
    assert_eq!(r.status, RunStatus::Skipped);
    assert!(r.message.contains("switched off"), "{}", r.message);
    // Forced (the admin's "sync now"), it runs anyway.
    let forced = RunOptions {
        force: true,
        ..o.clone()
    };
    let r = run_job_with(&engine, "order_sync", counting_job, &forced)
        .await
        .unwrap();
    assert_eq!(r.status, RunStatus::Ok);

    // Intervals: once done, a job waits for its interval; forced, it runs again.
    let r = run_job_with(&engine, "stock_sync", counting_job, &o)
        .await
        .unwrap();
    assert_eq!(r.status, RunStatus::Ok);
    let r = run_job_with(&engine, "stock_sync", counting_job, &o)
        .await
        .unwrap();
    assert_eq!(r.status, RunStatus::Skipped);
    assert!(r.message.contains("not due"), "{}", r.message);
    let r = run_job_with(&engine, "stock_sync", counting_job, &forced)
        .await
        .unwrap();
    assert_eq!(r.status, RunStatus::Ok);
    // Due again once the last success is older than the interval (30 min by default).
    exec(
        &tdb,
        "UPDATE oc_trendyol_sync_logs SET started_at = started_at - INTERVAL 29 MINUTE - INTERVAL 10 SECOND \
         WHERE sync_type = 'stock_sync'",
    )
    .await;
    let r = run_job_with(&engine, "stock_sync", counting_job, &o)
        .await
        .unwrap();
    assert_eq!(r.status, RunStatus::Ok, "within the slack: {}", r.message);

    // Dry run: nothing written, no lock, no row.
    let before: Vec<(u64,)> = q(&tdb, "SELECT COUNT(*) FROM oc_trendyol_sync_logs").await;
    let dry = RunOptions {
        dry_run: true,
        force: true,
        ..o.clone()
    };
    let r = run_job_with(&engine, "product_sync", resumable_job, &dry)
        .await
        .unwrap();
    assert_eq!((r.status, r.sync_log_id), (RunStatus::Ok, 0));
    let after: Vec<(u64,)> = q(&tdb, "SELECT COUNT(*) FROM oc_trendyol_sync_logs").await;
    assert_eq!(before, after);
    engine.close().await;

    // Status off: nothing runs at all.
    let off = engine_for(&tdb, &[("status", "0")]);
    let r = run_job_with(&off, "product_sync", counting_job, &o)
        .await
        .unwrap();
    assert_eq!(r.status, RunStatus::Skipped);
    assert!(r.message.contains("Status"), "{}", r.message);
    let tick = run_tick_with(&off, &o, |_| Ok(counting_job as JobFn))
        .await
        .unwrap();
    assert!(tick.runs.is_empty());
    off.close().await;
    tdb.drop_database().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn api_calls_are_counted_per_run_and_in_the_metrics() {
    meschain_engine::trendyol::install_crypto_provider();
    let sandbox = trendyol_sandbox::spawn(trendyol_sandbox::SandboxConfig::default())
        .await
        .unwrap();
    let url = sandbox.base_url();
    let (tdb, engine) = shop(&[("sandbox_url", url.as_str())]).await;
    let r = run_job_with(
        &engine,
        "order_sync",
        api_job,
        &opts(Duration::from_secs(20)),
    )
    .await
    .unwrap();
    assert_eq!(r.status, RunStatus::Ok, "{}", r.message);
    assert_eq!((r.api_calls, r.api_errors), (1, 0));
    let logs = sync_log::recent(&engine.database().unwrap(), None, 5)
        .await
        .unwrap();
    assert_eq!(logs[0].api_calls, 1);
    assert!(logs[0].details["api"]["classes"].is_object());
    let text = engine.metrics().await.unwrap();
    assert!(
        text.lines()
            .any(|l| l.starts_with("meschain_api_calls_total{endpoint=") && l.ends_with(" 1")),
        "{text}"
    );
    assert!(text.contains(
        "meschain_job_last_status{job=\"order_sync\",meschain_job_last_status=\"ok\"} 1"
    ));
    engine.close().await;
    tdb.drop_database().await;
}
