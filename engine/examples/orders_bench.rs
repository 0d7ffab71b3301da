//! Order import benchmark: how fast do Trendyol packages become OpenCart orders, and how far is
//! that from the database's own floor?
//!
//! A `trendyol-sandbox` runs as its own process (rate limits off) with the shop's catalog listed
//! as approved; its generator makes N packages (default 10,000). The real `order_sync` job then
//! fetches them through the orders stream and imports them, a chunk of packages per
//! transaction — packages per second is the figure (target ≥ 500/s). The stream is first read
//! alone (the job as a dry run), which splits the run into reading and importing.
//!
//! The floor: every row the import wrote (orders, lines, totals, history and MesChain's own
//! package, line and group rows) is read back and inserted again, as multi-row INSERTs of 500
//! rows into empty copies of the same tables in the same database, in the same run. The ratio
//! import time / raw INSERT time says what the per-package work (fetching, mapping, stock,
//! transactions) costs on top of writing the rows; target ≤ 3.
//!
//! Writes `bench/orders.json` and `bench/orders.md`.
//! Run: `cargo run --release -p meschain-engine --example orders_bench -- [--packages N] [--concurrency C]`.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use meschain_engine::config::EngineConfig;
use meschain_engine::fixtures::{self, CatalogSpec};
use meschain_engine::runner::JobContext;
use meschain_engine::sync::orders;
use meschain_engine::testing::TestDatabase;
use meschain_engine::trendyol::install_crypto_provider;
use meschain_engine::Engine;
use mysql_async::prelude::*;
use serde_json::{json, Value};

const TARGET_PER_S: f64 = 500.0;
/// Import time over the raw INSERT of the same rows, at most.
const RATIO_TARGET: f64 = 3.0;
const PRODUCTS: u32 = 2_000;
/// Rows per multi-row INSERT of the raw floor.
const RAW_CHUNK: usize = 500;
/// The tables one package's import writes, without prefix.
const WRITTEN_TABLES: [&str; 7] = [
    "order",
    "order_product",
    "order_total",
    "order_history",
    "trendyol_orders",
    "trendyol_order_lines",
    "trendyol_order_groups",
];

/// The sandbox in its own process; killed when dropped.
struct SandboxProcess {
    child: Child,
    url: String,
}

impl SandboxProcess {
    fn start() -> SandboxProcess {
        let exe = std::env::current_exe().expect("own path");
        let dir = exe
            .parent()
            .and_then(|p| p.parent())
            .expect("target/release");
        let bin = dir.join("trendyol-sandbox");
        let mut child = Command::new(&bin)
            .args([
                "--port",
                "0",
                "--rate-limits",
                "off",
                "--awaiting-delay-ms",
                "0",
                "--request-log-cap",
                "100",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{} must be built: {e}", bin.display()));
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("sandbox prints its address");
        let url = line
            .split_whitespace()
            .last()
            .expect("address on the first line")
            .to_string();
        SandboxProcess { child, url }
    }
}

impl Drop for SandboxProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn control(url: &str, path: &str, body: Value) -> Value {
    let response = reqwest::Client::new()
        .post(format!("{url}{path}"))
        .json(&body)
        .send()
        .await
        .expect("sandbox control call");
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    assert!(status.is_success(), "{path}: {status}: {text}");
    serde_json::from_str(&text).expect("control answer is JSON")
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let packages_wanted: u64 = args
        .iter()
        .position(|a| a == "--packages")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    // Optional: override the `order_import_concurrency` setting (default: the setting's default).
    let concurrency_override: Option<u32> = args
        .iter()
        .position(|a| a == "--concurrency")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok());
    install_crypto_provider();
    let sandbox = SandboxProcess::start();

    let tdb = TestDatabase::create("oc_").await;
    let pool = tdb.pool();
    let mut conn = pool.get_conn().await.unwrap();
    fixtures::install_opencart_schema(&mut conn, "oc_")
        .await
        .unwrap();
    fixtures::add_currency(&mut conn, "oc_", "TRY", "Türk Lirası", 38.5)
        .await
        .unwrap();
    fixtures::generate_catalog(
        &pool,
        "oc_",
        &CatalogSpec {
            products: PRODUCTS,
            start_product_id: Some(1),
            ..CatalogSpec::default()
        },
    )
    .await
    .unwrap();
    let mut config = EngineConfig::new(tdb.config.clone());
    config.log_dir = Some(std::env::temp_dir().join("meschain-bench-logs"));
    for (k, v) in [
        ("environment", "sandbox".to_string()),
        ("sandbox_url", sandbox.url.clone()),
        ("seller_id", "1001".into()),
        ("api_key", "demo-api-key".into()),
        ("api_secret", "demo-api-secret".into()),
        ("barcode_source", "ean".into()),
        // The sandbox runs without rate limits; the shop's quotas are raised to match (as in the
        // webhook and oversell benchmarks), so the figure is the import's own work. Under
        // Trendyol's general rule of 50 requests per 10 s per endpoint, reading the order list
        // is paced at five pages a second and the run measures the quota instead.
        ("calls_per_minute", "100000".into()),
        ("calls_per_hour", "6000000".into()),
        ("api_endpoint_limit", "10000".into()),
    ] {
        config.setting_overrides.insert(k.into(), v);
    }
    if let Some(c) = concurrency_override {
        config
            .setting_overrides
            .insert("order_import_concurrency".into(), c.to_string());
    }
    let engine = Engine::new(config).unwrap();
    engine.migrate().await.unwrap();

    let barcodes: Vec<String> = conn
        .query("SELECT ean FROM oc_product ORDER BY product_id")
        .await
        .unwrap();
    control(
        &sandbox.url,
        "/__sandbox/products/seed",
        json!({"barcodes": barcodes, "quantity": 20_000}),
    )
    .await;
    let generated = control(
        &sandbox.url,
        "/__sandbox/orders/generate",
        json!({"count": packages_wanted, "splitShare": 0.0, "cancelShare": 0.0,
               "maxLines": 3, "maxQuantity": 2}),
    )
    .await;
    let generated_packages = generated["packageIds"].as_array().map_or(0, |a| a.len());

    let settings = engine.settings().await.unwrap();
    let concurrency = settings.order_import_concurrency;
    let client = engine.trendyol().await.unwrap();
    let ctx = JobContext::standalone(
        engine.database().unwrap(),
        settings.clone(),
        client.clone(),
        Duration::from_secs(1800),
    );
    // Phase 1 alone: the same job as a dry run reads every page of the stream (HTTP, JSON,
    // the sandbox's own work) and imports nothing, so the cursor stays where it was.
    let mut dry = JobContext::standalone(
        engine.database().unwrap(),
        settings.clone(),
        client.clone(),
        Duration::from_secs(1800),
    );
    dry.dry_run = true;
    let read_started = Instant::now();
    orders::run(&dry).await.expect("order sync dry run");
    let read_s = read_started.elapsed().as_secs_f64();

    let started = Instant::now();
    let mut runs = 0;
    loop {
        runs += 1;
        let outcome = orders::run(&ctx).await.expect("order sync runs");
        if outcome.finished || runs >= 20 {
            break;
        }
    }
    let import_s = started.elapsed().as_secs_f64();
    let imported: u64 = conn
        .query_first("SELECT COUNT(*) FROM oc_trendyol_orders")
        .await
        .unwrap()
        .unwrap_or(0);
    let orders_made: u64 = conn
        .query_first("SELECT COUNT(*) FROM oc_order")
        .await
        .unwrap()
        .unwrap_or(0);
    let per_s = imported as f64 / import_s;
    println!(
        "imported {imported} packages ({orders_made} orders) in {import_s:.2} s = {per_s:.0}/s"
    );

    let (raw_s, raw_rows) = raw_insert_floor(&mut conn).await;
    let ratio = import_s / raw_s;
    println!("raw multi-row INSERT of {raw_rows} rows: {raw_s:.3} s, ratio {ratio:.1}");

    let report = json!({
        "benchmark": "orders",
        "packages_generated": generated_packages,
        "packages_imported": imported,
        "orders_created": orders_made,
        "order_import_concurrency": concurrency,
        "job_runs": runs,
        "import_s": round(import_s, 3),
        "packages_per_s": round(per_s, 1),
        "packages_per_s_target": TARGET_PER_S,
        "packages_per_s_ok": per_s >= TARGET_PER_S,
        "raw_insert_rows": raw_rows,
        "raw_insert_s": round(raw_s, 3),
        "raw_insert_rows_per_s": round(raw_rows as f64 / raw_s, 0),
        "import_to_raw_ratio": round(ratio, 2),
        "order_import_vs_raw_insert": round(ratio, 2),
        "order_import_vs_raw_insert_target": RATIO_TARGET,
        "order_import_vs_raw_insert_ok": ratio <= RATIO_TARGET,
        "stream_read_s": round(read_s, 3),
        "import_beyond_stream_read_s": round((import_s - read_s).max(0.0), 3),
        "tables": WRITTEN_TABLES,
        "catalog_products": PRODUCTS,
    });
    write_report(&report);
    drop(conn);
    pool.disconnect().await.ok();
    tdb.drop_database().await;
}

/// Re-inserts every row the import wrote into empty copies of the same tables, as multi-row
/// INSERTs; returns (seconds, rows).
async fn raw_insert_floor(conn: &mut mysql_async::Conn) -> (f64, u64) {
    let mut batches: Vec<(String, Vec<mysql_async::Row>)> = Vec::new();
    for t in WRITTEN_TABLES {
        let source = format!("`oc_{t}`");
        let copy = format!("`raw_oc_{t}`");
        conn.query_drop(format!("CREATE TABLE {copy} LIKE {source}"))
            .await
            .unwrap();
        let rows: Vec<mysql_async::Row> =
            conn.query(format!("SELECT * FROM {source}")).await.unwrap();
        batches.push((copy, rows));
    }
    let mut total = 0u64;
    let started = Instant::now();
    for (copy, rows) in batches {
        for chunk in rows.chunks(RAW_CHUNK) {
            let width = chunk[0].len();
            let tuple = format!("({})", vec!["?"; width].join(","));
            let sql = format!(
                "INSERT INTO {copy} VALUES {}",
                vec![tuple.as_str(); chunk.len()].join(",")
            );
            let params: Vec<mysql_async::Value> =
                chunk.iter().flat_map(|r| r.clone().unwrap()).collect();
            conn.exec_drop(sql, params).await.unwrap();
            total += chunk.len() as u64;
        }
    }
    (started.elapsed().as_secs_f64(), total)
}

fn round(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}

fn write_report(r: &Value) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../bench");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("orders.json"),
        serde_json::to_string_pretty(r).unwrap() + "\n",
    )
    .unwrap();
    let ok = |b: &Value| {
        if b.as_bool() == Some(true) {
            "✓"
        } else {
            "✗"
        }
    };
    let md = format!(
        "## Order import: {gen} generated packages\n\n\
         The sandbox runs as its own process (rate limits off) and the shop's API quotas are raised \
         to match, so the figure is the import's own work; the real `order_sync` job fetches \
         the packages through the orders stream and imports them a chunk per transaction \
         (`order_import_concurrency` = {conc}, {runs} job run(s)). The floor is a raw multi-row \
         INSERT ({chunk} rows per statement) of the same {rows} rows into empty copies of the same \
         tables ({tables}), same database, same run.\n\n\
         | measure | value | target |\n|---|---:|---:|\n\
         | packages imported | {imp} ({orders} orders) | |\n\
         | import time | {t:.2} s | |\n\
         | **packages per second** | **{ps:.0}** | ≥ {target:.0} {okps} |\n\
         | raw INSERT of the same rows | {raw:.3} s ({rawps:.0} rows/s) | |\n\
         | **import time / raw INSERT time** | **{ratio:.2} ×** | ≤ {rtarget:.0} {okratio} |\n\n\
         Where the import's time goes:\n\n\
         | phase | time | share |\n|---|---:|---:|\n\
         | reading the stream alone (same job as a dry run: HTTP, JSON, the sandbox generating pages) | {read:.2} s | {readpct:.0} % |\n\
         | importing beyond that (lookups, one transaction per chunk of {chunk_pk} packages, multi-row INSERTs, stock) | {beyond:.2} s | {beyondpct:.0} % |\n\
         | the whole run (reading and importing overlap: the next page is read while one is imported) | {t:.2} s | 100 % |\n\n\
         Command: `cargo run --release -p meschain-engine --example orders_bench -- --packages {gen}`\n",
        gen = r["packages_generated"],
        conc = r["order_import_concurrency"],
        runs = r["job_runs"],
        chunk = RAW_CHUNK,
        rows = r["raw_insert_rows"],
        tables = WRITTEN_TABLES
            .iter()
            .map(|t| format!("`oc_{t}`"))
            .collect::<Vec<_>>()
            .join(", "),
        imp = r["packages_imported"],
        orders = r["orders_created"],
        t = r["import_s"].as_f64().unwrap_or(0.0),
        ps = r["packages_per_s"].as_f64().unwrap_or(0.0),
        target = TARGET_PER_S,
        okps = ok(&r["packages_per_s_ok"]),
        raw = r["raw_insert_s"].as_f64().unwrap_or(0.0),
        rawps = r["raw_insert_rows_per_s"].as_f64().unwrap_or(0.0),
        ratio = r["import_to_raw_ratio"].as_f64().unwrap_or(0.0),
        rtarget = RATIO_TARGET,
        okratio = ok(&r["order_import_vs_raw_insert_ok"]),
        read = r["stream_read_s"].as_f64().unwrap_or(0.0),
        readpct = 100.0 * r["stream_read_s"].as_f64().unwrap_or(0.0)
            / r["import_s"].as_f64().unwrap_or(1.0).max(1e-9),
        beyond = r["import_beyond_stream_read_s"].as_f64().unwrap_or(0.0),
        beyondpct = 100.0 * r["import_beyond_stream_read_s"].as_f64().unwrap_or(0.0)
            / r["import_s"].as_f64().unwrap_or(1.0).max(1e-9),
        chunk_pk = orders::poll::CHUNK_PACKAGES,
    );
    std::fs::write(dir.join("orders.md"), md).unwrap();
}
