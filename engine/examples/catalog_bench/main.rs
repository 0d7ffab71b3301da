//! Catalog benchmark: a full push of N generated products and the no-change delta scans,
//! with the engine measured alone.
//!
//! For each size (default 100,000 and 1,000,000): a fresh database with an OpenCart catalog made
//! by `meschain-tool shop --products N` (its own process), every category and manufacturer
//! mapped, and the `trendyol-sandbox` binary as its own process (rate limits off, instant
//! batches and approvals), so this process is the engine and nothing else. Then
//! - `product_sync` pushes everything: write calls must equal ⌈N/1000⌉; the time the calls spent
//!   on the wire (the client's latency sum) is reported beside the total, so the rest is the
//!   engine and its SQL;
//! - approval is set in SQL (the sandbox's review list is not what is measured here), with the
//!   confirmed stock and prices Trendyol would report, i.e. the values OpenCart has;
//! - `stock_sync`'s delta scan with nothing changed (0 writes expected), timed;
//! - `product_sync`'s change scan with nothing changed (0 writes expected), timed;
//! - peak RSS (`VmHWM`) of this process, the engine's.
//!
//! Writes `bench/catalog.json` and `bench/catalog.md` (the hand-written `## Findings` section of
//! an existing `catalog.md` is kept). `CATALOG_BENCH_KEEP_DB=1` keeps each size's database for
//! a look at its queries afterwards (its name is printed).
//! Run: `scripts/catalog-bench.sh [N ...]` (builds the sandbox and the tool, then this).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use meschain_engine::config::Settings;
use meschain_engine::db::{migrations, Database};
use meschain_engine::runner::{peak_rss_bytes, JobContext};
use meschain_engine::sync::catalog_pace::Pacer;
use meschain_engine::sync::stock::delta;
use meschain_engine::sync::{catalog_price, products};
use meschain_engine::testing::TestDatabase;
use meschain_engine::trendyol::{install_crypto_provider, EndpointClass, Method, TrendyolClient};

mod report;
use mysql_async::prelude::*;
use report::{round, write_report};
use serde_json::{json, Value};

const DELTA_TARGET_PER_100K_MS: f64 = 60.0;
const RSS_TARGET: u64 = 64 << 20;
/// The push's engine + SQL time (beyond the wire's) at most this share of the wire time.
const ENGINE_VS_WIRE_TARGET: f64 = 0.5;
/// The push's total time at most this multiple of the wire time.
const TOTAL_VS_WIRE_TARGET: f64 = 1.25;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let sizes: Vec<u32> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![100_000, 1_000_000]
    } else {
        sizes
    };
    install_crypto_provider();
    let mut results = Vec::new();
    for n in sizes {
        let r = run(n).await;
        println!("{}", serde_json::to_string_pretty(&r).unwrap());
        results.push(r);
        // Written after every size, so a long run leaves its finished sizes behind.
        write_report(&results);
    }
}

/// A release binary of this workspace (built by `scripts/catalog-bench.sh`).
fn binary(name: &str) -> PathBuf {
    let path = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../target/release")).join(name);
    assert!(
        path.is_file(),
        "{} is missing: cargo build --release --bins -p trendyol-sandbox -p meschain-engine",
        path.display()
    );
    path
}

/// The sandbox as its own process, killed when dropped.
struct SandboxProcess {
    child: Child,
    url: String,
}

impl SandboxProcess {
    fn start() -> SandboxProcess {
        let port_file =
            std::env::temp_dir().join(format!("catalog-bench-port-{}", std::process::id()));
        let _ = std::fs::remove_file(&port_file);
        let child = Command::new(binary("trendyol-sandbox"))
            .args(["--port", "0", "--port-file"])
            .arg(&port_file)
            .args([
                "--rate-limits",
                "off",
                "--approval-delay-ms",
                "0",
                "--batch-delay-ms",
                "0",
                "--reject-share",
                "0",
                "--request-log-cap",
                "10",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("trendyol-sandbox starts");
        let mut sandbox = SandboxProcess {
            child,
            url: String::new(),
        };
        for _ in 0..400 {
            if let Ok(port) = std::fs::read_to_string(&port_file) {
                if let Ok(port) = port.trim().parse::<u16>() {
                    sandbox.url = format!("http://127.0.0.1:{port}");
                    let _ = std::fs::remove_file(&port_file);
                    return sandbox;
                }
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        panic!("trendyol-sandbox did not write its port");
    }

    /// The sandbox's own peak RSS, for the report (it is not the engine's).
    fn peak_rss_bytes(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
        Some(line.split_whitespace().nth(1)?.parse::<u64>().ok()? * 1024)
    }
}

impl Drop for SandboxProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn run(n: u32) -> Value {
    let sandbox = SandboxProcess::start();
    let tdb = TestDatabase::create("oc_").await;
    let pool = tdb.pool();
    let generated = Instant::now();
    let url = format!(
        "mysql://{}{}@{}:{}/{}",
        tdb.config.user,
        if tdb.config.password.is_empty() {
            String::new()
        } else {
            format!(":{}", tdb.config.password)
        },
        tdb.config.host,
        tdb.config.port,
        tdb.name()
    );
    let status = Command::new(binary("meschain-tool"))
        .args(["shop", "--db-url", &url, "--products", &n.to_string()])
        .stdout(Stdio::null())
        .status()
        .expect("meschain-tool runs");
    assert!(status.success(), "meschain-tool shop failed");
    let generate_s = generated.elapsed().as_secs_f64();
    progress(n, "catalog generated", generate_s);
    let mut conn = pool.get_conn().await.unwrap();
    let values: BTreeMap<String, String> = [
        ("environment", "sandbox".to_string()),
        ("sandbox_url", sandbox.url.clone()),
        ("seller_id", "1001".into()),
        ("api_key", "demo-api-key".into()),
        ("api_secret", "demo-api-secret".into()),
        ("image_base_url", "https://shop.example/image/".into()),
        ("default_brand_id", "1791".into()),
        ("batch_size", "1000".into()),
        ("max_execution_time", "3600".into()),
        ("api_endpoint_limit", "100000".into()),
        ("calls_per_minute", "100000".into()),
        ("calls_per_hour", "6000000".into()),
        ("api_timeout", "600".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let settings = Settings::from_values(&values).unwrap();
    let db = Database::new(
        &tdb.config,
        Duration::from_secs(5),
        Duration::from_secs(600),
    )
    .unwrap();
    migrations::migrate(&db).await.unwrap();
    // Prices go out in lira: a TRY rate of 1.0 keeps the generated prices as they are.
    meschain_engine::fixtures::add_currency(&mut conn, "oc_", "TRY", "Türk Lirası", 1.0)
        .await
        .unwrap();
    let basis = meschain_engine::sync::shop_locale::PriceBasis::load(&db, &settings)
        .await
        .unwrap();
    // Every category and manufacturer mapped, as a shop owner would in the admin.
    conn.query_drop(
        "INSERT INTO oc_trendyol_category_map (category_id, trendyol_category_id, updated_at) \
         SELECT category_id, 411, UTC_TIMESTAMP() FROM oc_category",
    )
    .await
    .unwrap();
    conn.query_drop(
        "INSERT INTO oc_trendyol_brand_map (manufacturer_id, trendyol_brand_id, updated_at) \
         SELECT manufacturer_id, 1791, UTC_TIMESTAMP() FROM oc_manufacturer",
    )
    .await
    .unwrap();
    let ctx = || {
        let client = TrendyolClient::from_settings(&settings, &db).unwrap();
        JobContext::standalone(
            db.clone(),
            settings.clone(),
            client,
            Duration::from_secs(3_600),
        )
    };

    // The MariaDB server may be shared and restarted under a long run: a step that loses its
    // connection waits for the server and runs again (the jobs resume where they stopped), and
    // the report counts the restarts, since they are in the push time.
    let mut restarts = 0u32;

    // Full push.
    let started = Instant::now();
    let (mut push_writes, mut push_wire_ms) = (0, 0.0);
    // Milliseconds per phase of the push's stages (see `products::outgoing::PushPhases`).
    let mut phases: BTreeMap<String, f64> = BTreeMap::new();
    loop {
        let push_ctx = ctx();
        let outcome = if restarts == 0 {
            products::run(&push_ctx)
                .await
                .map(|o| o.details["upload"]["phases"].clone())
        } else {
            // Resumed after a restart: the push and the tracking of its batches, not the
            // approval poll (it would page through the sandbox's review lists for every
            // product sent so far; approval is written in SQL below).
            resume_push(&push_ctx).await
        };
        let snapshot = push_ctx.metrics.snapshot();
        push_writes += writes(&snapshot);
        push_wire_ms += wire_ms(&snapshot);
        match outcome {
            Ok(p) => {
                for (phase, ms) in p.as_object().into_iter().flatten() {
                    *phases.entry(phase.clone()).or_default() += ms.as_f64().unwrap_or(0.0);
                }
                break;
            }
            Err(e) => survive(&pool, &mut restarts, e).await,
        }
    }
    let push_s = started.elapsed().as_secs_f64();
    progress(n, "pushed", push_s);
    let push_wire_s = push_wire_ms / 1000.0;
    let pushed: u64 = loop {
        match pool.get_conn().await {
            Ok(mut c) => match c
                .query_first::<u64, _>(
                    "SELECT COUNT(*) FROM oc_trendyol_products WHERE sync_status = 'submitted'",
                )
                .await
            {
                Ok(n) => break n.unwrap_or(0),
                Err(e) => survive(&pool, &mut restarts, bench_step_error(e)).await,
            },
            Err(e) => survive(&pool, &mut restarts, bench_step_error(e)).await,
        }
    };

    // Approval, as the approval poll would record it.
    let approving = Instant::now();
    let d = catalog_price::desired_sql(&db, &settings, &basis);
    let approve = format!(
        "UPDATE oc_trendyol_products tp JOIN oc_product p ON p.product_id = tp.product_id {} \
         SET tp.sync_status = 'approved', tp.trendyol_status = 'APPROVED', tp.content_id = tp.product_id, \
         tp.confirmed_quantity = {}, tp.confirmed_list_price = {}, tp.confirmed_sale_price = {} \
         WHERE tp.sync_status = 'submitted'",
        d.joins, d.quantity, d.list_price, d.sale_price
    );
    loop {
        let done = match pool.get_conn().await {
            Ok(mut c) => c.query_drop(&approve).await,
            Err(e) => Err(e),
        };
        match done {
            Ok(()) => break,
            Err(e) => survive(&pool, &mut restarts, bench_step_error(e)).await,
        }
    }
    progress(n, "approval written", approving.elapsed().as_secs_f64());
    let purge_wait_s = wait_for_purge(&pool).await;
    progress(n, "old row versions purged", purge_wait_s);

    // Delta scan, nothing changed.
    let (delta_ms, delta_writes) = loop {
        let scan_ctx = ctx();
        let mut report = delta::DeltaReport::default();
        let started = Instant::now();
        match delta::scan_and_send(&scan_ctx, &basis, &mut Pacer::new(), &mut report).await {
            Ok(_) => {
                break (
                    started.elapsed().as_secs_f64() * 1000.0,
                    writes(&scan_ctx.metrics.snapshot()),
                )
            }
            Err(e) => survive(&pool, &mut restarts, e).await,
        }
    };

    progress(n, "delta scan", delta_ms / 1000.0);

    // Product change scan, nothing changed.
    let (rescan, rescan_ms, rescan_writes) = loop {
        let rescan_ctx = ctx();
        let started = Instant::now();
        match products::run(&rescan_ctx).await {
            Ok(r) => {
                break (
                    r,
                    started.elapsed().as_secs_f64() * 1000.0,
                    writes(&rescan_ctx.metrics.snapshot()),
                )
            }
            Err(e) => survive(&pool, &mut restarts, e).await,
        }
    };

    progress(n, "product change scan", rescan_ms / 1000.0);
    let rss = peak_rss_bytes().unwrap_or(0);
    let load = load_average();
    // The scans read every approved row and its OpenCart product: whether those fit in
    // MariaDB's buffer pool decides much of their time, so the report names its size.
    let buffer_pool_mib = conn
        .query_first::<u64, _>("SELECT @@innodb_buffer_pool_size")
        .await
        .ok()
        .flatten()
        .map_or(0, |bytes| bytes >> 20);
    let expected_writes = u64::from(n).div_ceil(1000);
    let delta_target_ms = DELTA_TARGET_PER_100K_MS * f64::from(n) / 100_000.0;
    // The calls go out one at a time, so their latency sum is the time the wire was busy, and
    // what the push took beyond it is the engine and its SQL that did not overlap a call.
    let engine_vs_wire = (push_s - push_wire_s) / push_wire_s.max(f64::EPSILON);
    let total_vs_wire = push_s / push_wire_s.max(f64::EPSILON);
    drop(conn);
    db.close().await;
    pool.disconnect().await.unwrap();
    if std::env::var_os("CATALOG_BENCH_KEEP_DB").is_some() {
        eprintln!("kept database {}", tdb.name());
    } else {
        tdb.drop_database().await;
    }
    let sandbox_rss = sandbox.peak_rss_bytes().unwrap_or(0);
    drop(sandbox);
    json!({
        "products": n,
        "measured_at": measured_at(),
        "generate_s": round(generate_s),
        "pushed": pushed,
        "push_s": round(push_s),
        "push_wire_s": round(push_wire_s),
        "push_engine_and_sql_s": round(push_s - push_wire_s),
        "push_engine_vs_wire": round(engine_vs_wire),
        "push_engine_vs_wire_target": ENGINE_VS_WIRE_TARGET,
        "push_engine_vs_wire_ok": engine_vs_wire <= ENGINE_VS_WIRE_TARGET,
        "push_total_vs_wire": round(total_vs_wire),
        "push_total_vs_wire_target": TOTAL_VS_WIRE_TARGET,
        "push_total_vs_wire_ok": total_vs_wire <= TOTAL_VS_WIRE_TARGET,
        "push_phases_ms": phases.iter().map(|(k, v)| (k.clone(), json!(round(*v)))).collect::<serde_json::Map<_, _>>(),
        "push_write_calls": push_writes,
        "push_write_calls_target": expected_writes,
        "push_ok": push_writes == expected_writes && pushed == u64::from(n),
        "delta_scan_ms": round(delta_ms),
        "delta_scan_target_ms": delta_target_ms,
        "delta_scan_writes": delta_writes,
        "delta_ok": delta_ms <= delta_target_ms && delta_writes == 0,
        "product_rescan_ms": round(rescan_ms),
        "product_rescan_writes": rescan_writes,
        "product_rescan_scanned": rescan.details["upload"]["scanned"],
        "peak_rss_mib": round(rss as f64 / f64::from(1 << 20)),
        "peak_rss_target_mib": RSS_TARGET >> 20,
        "rss_ok": rss <= RSS_TARGET,
        "sandbox_peak_rss_mib": round(sandbox_rss as f64 / f64::from(1 << 20)),
        "load_average": load,
        "buffer_pool_mib": buffer_pool_mib,
        "database_restarts_survived": restarts,
        "purge_wait_s": round(purge_wait_s),
    })
}

/// `product_sync` without its approval poll: tracking, the push from its cursor, tracking.
/// Returns the push's phases.
async fn resume_push(ctx: &JobContext) -> meschain_engine::Result<Value> {
    let mut pacer = Pacer::new();
    let mut track = products::tracking::TrackReport::default();
    let mut push = products::outgoing::UploadReport::default();
    let mut mappings = products::Mappings::load(&ctx.db, &ctx.settings).await?;
    let basis =
        meschain_engine::sync::shop_locale::PriceBasis::load(&ctx.db, &ctx.settings).await?;
    products::tracking::track(ctx, &mut pacer, &mut track).await?;
    products::upload::upload(ctx, &mut mappings, &basis, &mut pacer, &mut push).await?;
    products::tracking::track(ctx, &mut pacer, &mut track).await?;
    Ok(serde_json::to_value(&push.phases).unwrap_or_default())
}

/// Waits (up to three minutes) until InnoDB has purged the old versions of the rows the bulk
/// approval rewrote, and returns the seconds waited. Until then every index entry of those
/// rows is there twice (old, delete-marked, and new) and a scan reads both; a shop's catalog
/// is approved a page at a time by the approval poll and never carries a million-row backlog,
/// so the scans are timed on the settled table.
async fn wait_for_purge(pool: &mysql_async::Pool) -> f64 {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(180) {
        let backlog = match pool.get_conn().await {
            Ok(mut c) => c
                .query_first::<u64, _>(
                    "SELECT `count` FROM information_schema.INNODB_METRICS \
                     WHERE name = 'trx_rseg_history_len'",
                )
                .await
                .ok()
                .flatten(),
            Err(_) => None,
        };
        // The length counts transactions, not rows: the approval's one transaction stays in
        // it until all of its row versions are purged.
        if !matches!(backlog, Some(b) if b > 0) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    started.elapsed().as_secs_f64()
}

/// A step's time on stderr, so a long run shows where it is.
fn progress(n: u32, step: &str, seconds: f64) {
    eprintln!("catalog {n}: {step} in {seconds:.1} s");
}

/// A failed query of the bench itself, as the engine reports a lost database.
fn bench_step_error(source: mysql_async::Error) -> meschain_engine::Error {
    meschain_engine::Error::Database {
        context: "a bench step".into(),
        source,
    }
}

/// A step failed: if the database went away, waits (up to two minutes) until it answers again
/// and returns so the step runs again; any other error ends the bench.
async fn survive(pool: &mysql_async::Pool, restarts: &mut u32, error: meschain_engine::Error) {
    let lost = matches!(
        error,
        meschain_engine::Error::Database { .. }
            | meschain_engine::Error::DatabaseUnavailable { .. }
    );
    assert!(lost, "{error:?}");
    *restarts += 1;
    assert!(
        *restarts <= 5,
        "the database went away too often: {error:?}"
    );
    eprintln!("database connection lost ({error}); waiting for the server");
    for _ in 0..120 {
        tokio::time::sleep(Duration::from_secs(1)).await;
        if let Ok(mut c) = pool.get_conn().await {
            if c.query_drop("SELECT 1").await.is_ok() {
                return;
            }
        }
    }
    panic!("the database did not come back: {error:?}");
}

/// Calls of write endpoint classes in a run's metrics.
fn writes(snapshot: &meschain_engine::trendyol::MetricsSnapshot) -> u64 {
    EndpointClass::ALL
        .iter()
        .filter(|c| c.method() != Method::Get)
        .filter_map(|c| snapshot.classes.get(c.name()))
        .map(|m| m.calls)
        .sum()
}

/// Time the run's calls spent on the wire (request sent to answer read), summed.
fn wire_ms(snapshot: &meschain_engine::trendyol::MetricsSnapshot) -> f64 {
    snapshot.classes.values().map(|m| m.latency_ms_sum).sum()
}

/// The 1, 5 and 15 minute load averages when the size finished (other work on the machine
/// inflates every figure).
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Today's date (UTC), for the report's rows.
fn measured_at() -> String {
    Command::new("date")
        .args(["-u", "+%Y-%m-%d"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}
