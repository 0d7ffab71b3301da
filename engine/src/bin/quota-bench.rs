//! quota-bench: do several processes of one shop, sharing one rate limiter through the
//! database, use Trendyol's per-endpoint quota fully without ever being refused?
//!
//! The parent starts a `trendyol-sandbox` (rate limits on, Trendyol's 50 requests / 10 s per
//! endpoint), creates a fresh database with MesChain's tables, and runs N copies of itself as
//! child processes. Each child builds its own `TrendyolClient` with the database-shared limiter
//! and calls one endpoint (`GET .../orders`) from several tasks as fast as the limiter lets it,
//! for the same wall-clock interval. The sandbox's request log is the judge: quota use is the
//! number of admitted requests in the interval over `limit × seconds / window`, and every 429
//! is counted. The report goes to `bench/quota.json` and `bench/quota.md`.
//!
//! ```sh
//! CARGO_TARGET_DIR=target-client cargo build -p trendyol-sandbox --bin trendyol-sandbox
//! CARGO_TARGET_DIR=target-client cargo build -p meschain-engine --bin quota-bench
//! target-client/debug/quota-bench --seconds 60 --processes 3
//! ```

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use clap::Parser;
use meschain_engine::config::settings::Secret;
use meschain_engine::config::DbConfig;
use meschain_engine::db::{migrations, Database};
use meschain_engine::limiter::Rule;
use meschain_engine::trendyol::{
    install_crypto_provider, ClientConfig, OrdersQuery, TrendyolClient,
};
use mysql_async::prelude::Queryable;
use serde_json::{json, Value};

const SELLER: u64 = 1001;

#[derive(Parser, Debug, Clone)]
#[command(
    name = "quota-bench",
    about = "N processes share one Trendyol quota through the database"
)]
struct Args {
    /// Length of the measured interval.
    #[arg(long, default_value_t = 60)]
    seconds: u64,
    /// Processes sharing the quota.
    #[arg(long, default_value_t = 3)]
    processes: usize,
    /// Concurrent callers per process.
    #[arg(long, default_value_t = 4)]
    concurrency: usize,
    /// The per-endpoint quota: requests...
    #[arg(long, default_value_t = 50)]
    limit: u32,
    /// ...per this many seconds.
    #[arg(long, default_value_t = 10)]
    window: u32,
    /// MariaDB server (a database `meschain_bench_<pid>` is created and dropped).
    #[arg(long, default_value = "mysql://root@127.0.0.1:3306")]
    db_url: String,
    /// The sandbox binary (default: `trendyol-sandbox` beside this one).
    #[arg(long)]
    sandbox_bin: Option<PathBuf>,
    /// Use an already running sandbox instead (its limits must be on).
    #[arg(long)]
    sandbox_url: Option<String>,
    /// Run the shop processes as real PHP processes with this built extension
    /// (`target/release/libmeschain.so`), each calling `$engine->trendyolRead('orders')` in a loop.
    #[arg(long)]
    php: Option<PathBuf>,
    /// The PHP worker script used with --php.
    #[arg(long, default_value = "bench/php/quota_worker.php")]
    php_worker: PathBuf,
    #[arg(long, default_value = "bench/quota.json")]
    json: PathBuf,
    #[arg(long, default_value = "bench/quota.md")]
    md: PathBuf,
    // Child mode (internal).
    #[arg(long, hide = true)]
    child: bool,
    #[arg(long, hide = true)]
    base_url: Option<String>,
    #[arg(long, hide = true)]
    db_name: Option<String>,
    #[arg(long, hide = true)]
    start_ms: Option<i64>,
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

fn main() {
    let args = Args::parse();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let result = if args.child {
        rt.block_on(child(args))
    } else {
        rt.block_on(parent(args))
    };
    if let Err(e) = result {
        eprintln!("quota-bench: {e}");
        std::process::exit(1);
    }
}

fn db_config(url: &str, database: &str) -> Result<DbConfig, String> {
    let mut c = DbConfig::from_url(url).map_err(|e| e.to_string())?;
    c.database = database.to_string();
    c.prefix = "oc_".into();
    Ok(c)
}

/// One process of the shop: several tasks calling one endpoint through the shared limiter.
async fn child(args: Args) -> Result<(), String> {
    install_crypto_provider();
    let base = args.base_url.clone().ok_or("--base-url missing")?;
    let name = args.db_name.clone().ok_or("--db-name missing")?;
    let start_ms = args.start_ms.ok_or("--start-ms missing")?;
    let db = Database::new(
        &db_config(&args.db_url, &name)?,
        Duration::from_secs(5),
        Duration::from_secs(10),
    )
    .map_err(|e| e.to_string())?;
    let mut config = ClientConfig::new(
        base,
        SELLER,
        Secret::new("demo-api-key"),
        Secret::new("demo-api-secret"),
        "MesChainBench",
    );
    config.limiter.quota.per_endpoint = Rule::new(args.limit, args.window);
    let client = TrendyolClient::new(config, &db).map_err(|e| e.to_string())?;
    // Warm the pool before the start so the first slot is not spent connecting.
    db.conn().await.map_err(|e| e.to_string())?;
    let wait = start_ms - now_ms();
    if wait > 0 {
        tokio::time::sleep(Duration::from_millis(wait as u64)).await;
    }
    let until = Instant::now() + Duration::from_secs(args.seconds);
    let mut tasks = Vec::new();
    for _ in 0..args.concurrency {
        let c = client.with_deadline(until);
        tasks.push(tokio::spawn(async move {
            let mut errors: Vec<String> = Vec::new();
            while Instant::now() < until {
                if let Err(e) = c
                    .orders(&OrdersQuery {
                        size: Some(1),
                        ..Default::default()
                    })
                    .await
                {
                    if Instant::now() < until {
                        errors.push(e.to_string());
                    }
                }
            }
            errors
        }));
    }
    let mut errors = Vec::new();
    for t in tasks {
        errors.extend(t.await.map_err(|e| e.to_string())?);
    }
    let snapshot = client.metrics().snapshot();
    let line = json!({
        "pid": std::process::id(),
        "metrics": snapshot,
        "errors_during_run": errors.len(),
        "first_errors": errors.iter().take(3).collect::<Vec<_>>(),
    });
    println!("{line}");
    db.close().await;
    Ok(())
}

struct Sandbox {
    url: String,
    process: Option<Child>,
}

fn start_sandbox(args: &Args) -> Result<Sandbox, String> {
    if let Some(url) = &args.sandbox_url {
        return Ok(Sandbox {
            url: url.trim_end_matches('/').to_string(),
            process: None,
        });
    }
    let bin = match &args.sandbox_bin {
        Some(b) => b.clone(),
        None => std::env::current_exe()
            .map_err(|e| e.to_string())?
            .with_file_name("trendyol-sandbox"),
    };
    let mut process = Command::new(&bin)
        .args([
            "--port",
            "0",
            "--limit-per-endpoint",
            &args.limit.to_string(),
        ])
        .args([
            "--limit-window-ms",
            &(u64::from(args.window) * 1000).to_string(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| {
            format!(
                "cannot start {}: {e} (build it: cargo build -p trendyol-sandbox)",
                bin.display()
            )
        })?;
    let stdout = process.stdout.take().ok_or("no sandbox stdout")?;
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .map_err(|e| e.to_string())?;
    let url = line
        .split_whitespace()
        .last()
        .filter(|u| u.starts_with("http://"))
        .ok_or_else(|| format!("unexpected sandbox banner {line:?}"))?
        .to_string();
    Ok(Sandbox {
        url,
        process: Some(process),
    })
}

/// Most requests in any window of `window_ms` (sliding), from sorted timestamps.
fn max_in_window(times: &[i64], window_ms: i64) -> usize {
    let mut best = 0;
    let mut j = 0;
    for i in 0..times.len() {
        while times[i] - times[j] >= window_ms {
            j += 1;
        }
        best = best.max(i - j + 1);
    }
    best
}

async fn parent(args: Args) -> Result<(), String> {
    install_crypto_provider();
    let mut sandbox = start_sandbox(&args)?;
    let outcome = run(&args, &sandbox.url).await;
    if let Some(p) = sandbox.process.as_mut() {
        let _ = p.kill();
        let _ = p.wait();
    }
    let report = outcome?;
    if let Some(dir) = args.json.parent() {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    }
    if let Some(dir) = args.md.parent() {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    }
    std::fs::write(
        &args.json,
        serde_json::to_string_pretty(&report).unwrap_or_default(),
    )
    .map_err(|e| e.to_string())?;
    std::fs::write(&args.md, markdown(&report)).map_err(|e| e.to_string())?;
    println!("{}", markdown(&report));
    Ok(())
}

async fn run(args: &Args, sandbox_url: &str) -> Result<Value, String> {
    let http = reqwest::Client::new();
    let name = format!("meschain_bench_{}", std::process::id());
    let admin = mysql_async::Pool::new(db_config(&args.db_url, "")?.opts_without_database());
    let mut conn = admin
        .get_conn()
        .await
        .map_err(|e| format!("MariaDB: {e}"))?;
    conn.query_drop(format!(
        "CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci"
    ))
    .await
    .map_err(|e| e.to_string())?;
    let db = Database::new(
        &db_config(&args.db_url, &name)?,
        Duration::from_secs(5),
        Duration::from_secs(30),
    )
    .map_err(|e| e.to_string())?;
    let result = async {
        // A shop database: PHP processes read their settings from OpenCart's oc_setting.
        let mut shop = db.conn().await.map_err(|e| e.to_string())?;
        meschain_engine::fixtures::create_opencart_tables(&mut shop, "oc_")
            .await
            .map_err(|e| e.to_string())?;
        drop(shop);
        migrations::migrate(&db).await.map_err(|e| e.to_string())?;
        http.delete(format!("{sandbox_url}/__sandbox/requests")).send().await.map_err(|e| e.to_string())?;
        let start_ms = now_ms() + 2_000;
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let mut children = Vec::new();
        for _ in 0..args.processes {
            let child = match &args.php {
                // A real shop process: PHP with the extension, one call at a time.
                Some(so) => {
                    let db = db_config(&args.db_url, &name)?;
                    Command::new("php")
                        .arg("-d")
                        .arg(format!("extension={}", so.display()))
                        .arg(&args.php_worker)
                        .arg(format!("--database={name}"))
                        .arg(format!("--db-host={}", db.host))
                        .arg(format!("--db-port={}", db.port))
                        .arg(format!("--base-url={sandbox_url}"))
                        .arg(format!("--start-ms={start_ms}"))
                        .arg(format!("--seconds={}", args.seconds))
                        .arg(format!("--limit={}", args.limit))
                        .arg(format!("--window={}", args.window))
                        .stdout(Stdio::piped())
                        .spawn()
                }
                None => Command::new(&exe)
                    .args(["--child", "--base-url", sandbox_url, "--db-name", &name, "--db-url", &args.db_url])
                    .args(["--start-ms", &start_ms.to_string(), "--seconds", &args.seconds.to_string()])
                    .args(["--concurrency", &args.concurrency.to_string()])
                    .args(["--limit", &args.limit.to_string(), "--window", &args.window.to_string()])
                    .stdout(Stdio::piped())
                    .spawn(),
            }
            .map_err(|e| format!("starting a shop process: {e}"))?;
            children.push(child);
        }
        let mut per_process = Vec::new();
        for child in children {
            let out = tokio::task::spawn_blocking(move || child.wait_with_output())
                .await
                .map_err(|e| e.to_string())?
                .map_err(|e| e.to_string())?;
            let text = String::from_utf8_lossy(&out.stdout);
            let line = text.lines().last().unwrap_or("{}");
            per_process.push(serde_json::from_str::<Value>(line).unwrap_or(json!({"error": line})));
        }
        let failed: Vec<&Value> = per_process
            .iter()
            .filter(|p| p.get("error").is_some() || (p.get("metrics").is_none() && p.get("calls").is_none()))
            .collect();
        if !failed.is_empty() {
            return Err(format!("shop processes failed, no report written: {failed:?}"));
        }
        let end_ms = start_ms + (args.seconds as i64) * 1000;
        let log: Value = http
            .get(format!("{sandbox_url}/__sandbox/requests"))
            .query(&[("path_prefix", "/integration/order"), ("limit", "1000000")])
            .send()
            .await
            .map_err(|e| e.to_string())?
            .json()
            .await
            .map_err(|e| e.to_string())?;
        let entries = log["requests"].as_array().cloned().unwrap_or_default();
        let mut ok_times: Vec<i64> = entries
            .iter()
            .filter(|e| e["status"] == 200)
            .filter_map(|e| e["timestamp"].as_i64())
            .collect();
        ok_times.sort_unstable();
        let throttled = entries.iter().filter(|e| e["status"] == 429).count();
        let other = entries.iter().filter(|e| e["status"] != 200 && e["status"] != 429).count();
        let in_run = ok_times.iter().filter(|t| **t >= start_ms && **t < end_ms).count();
        let quota = f64::from(args.limit) * args.seconds as f64 / f64::from(args.window);
        let window_ms = i64::from(args.window) * 1000;
        let mut conn = db.conn().await.map_err(|e| e.to_string())?;
        let grants: Option<i64> = conn
            .query_first(format!("SELECT grants FROM oc_trendyol_rate_limits WHERE bucket = '{SELLER}:ep:order.list'"))
            .await
            .map_err(|e| e.to_string())?;
        drop(conn);
        let cpus = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
        Ok::<Value, String>(json!({
            "benchmark": "quota-bench",
            "what": if args.php.is_some() {
                "N PHP processes with the meschain extension share one Trendyol per-endpoint quota through the MariaDB-shared GCRA limiter, against trendyol-sandbox with rate limits on"
            } else {
                "N OS processes of quota-bench (stand-ins for PHP processes) share one Trendyol per-endpoint quota through the MariaDB-shared GCRA limiter, against trendyol-sandbox with rate limits on"
            },
            "php": args.php.is_some(),
            "processes": args.processes,
            "concurrency_per_process": if args.php.is_some() { 1 } else { args.concurrency },
            "seconds": args.seconds,
            "quota": {"limit": args.limit, "window_seconds": args.window, "allowed_in_run": quota},
            "limiter": {"safety": 0.98, "interval_ms": f64::from(args.window) * 1000.0 / (f64::from(args.limit) * 0.98)},
            "endpoint": "GET /integration/order/sellers/{id}/orders (order.list)",
            "admitted_in_run": in_run,
            "admitted_total": ok_times.len(),
            "quota_use_percent": (in_run as f64 / quota * 1000.0).round() / 10.0,
            "responses_429": throttled,
            "responses_other": other,
            "max_in_any_sliding_window": max_in_window(&ok_times, window_ms),
            "limiter_grants": grants,
            "per_process": per_process,
            "machine": {"cpus": cpus, "os": std::env::consts::OS, "arch": std::env::consts::ARCH},
        }))
    }
    .await;
    db.close().await;
    let _ = conn
        .query_drop(format!("DROP DATABASE IF EXISTS `{name}`"))
        .await;
    drop(conn);
    let _ = admin.disconnect().await;
    result
}

fn markdown(r: &Value) -> String {
    let mut rows = String::new();
    for p in r["per_process"].as_array().into_iter().flatten() {
        if p.get("metrics").is_some() {
            let m = &p["metrics"]["classes"]["order.list"];
            rows.push_str(&format!(
                "| {} | {} | {} | {} | {:.1} |\n",
                p["pid"],
                m["calls"],
                m["succeeded"],
                m["rate_limited"],
                m["latency_ms_sum"].as_f64().unwrap_or(0.0)
                    / m["attempts"].as_f64().unwrap_or(1.0).max(1.0),
            ));
        } else {
            // A PHP worker's own counts; its mean includes the wait for the limiter.
            rows.push_str(&format!(
                "| {} (PHP {}) | {} | {} | {} | {} (incl. limiter wait) |\n",
                p["pid"],
                p["php"].as_str().unwrap_or("?"),
                p["calls"],
                p["succeeded"],
                p["rate_limited"],
                p["mean_call_ms"],
            ));
        }
    }
    let kind = if r["php"] == true {
        "PHP processes (each `php -d extension=libmeschain.so bench/php/quota_worker.php`, one call at a time)"
    } else {
        "OS processes of quota-bench (stand-ins for PHP processes)"
    };
    let command = if r["php"] == true {
        "quota-bench --php target/release/libmeschain.so"
    } else {
        "quota-bench"
    };
    format!(
        "## Shared quota: {procs} processes, one Trendyol quota\n\n\
         {procs} {kind} × {conc} callers share one per-endpoint quota of \
         {limit} requests / {window} s through the database-shared limiter, against `trendyol-sandbox` with rate \
         limits on, for {secs} s (`{command} --seconds {secs} --processes {procs}`).\n\n\
         | measure | value |\n|---|---|\n\
         | admitted in the run | {admitted} of {allowed} allowed |\n\
         | **quota use** | **{usep} %** |\n\
         | **responses 429** | **{r429}** |\n\
         | other non-200 | {other} |\n\
         | most admitted in any sliding {window} s window | {maxw} (limit {limit}) |\n\
         | limiter grants (database) | {grants} |\n\n\
         | process | calls | succeeded | 429s | mean latency ms |\n|---|---|---|---|---|\n{rows}\n\
         Machine: {cpus} CPUs, {os}/{arch}. The limiter runs GCRA at 98 % of the limit with a tolerance of \
         half the remaining 2 %, so no window can see one request too many; the 2 % is the price of never \
         being refused.\n",
        procs = r["processes"],
        kind = kind,
        command = command,
        conc = r["concurrency_per_process"],
        limit = r["quota"]["limit"],
        window = r["quota"]["window_seconds"],
        secs = r["seconds"],
        admitted = r["admitted_in_run"],
        allowed = r["quota"]["allowed_in_run"],
        usep = r["quota_use_percent"],
        r429 = r["responses_429"],
        other = r["responses_other"],
        maxw = r["max_in_any_sliding_window"],
        grants = r["limiter_grants"],
        cpus = r["machine"]["cpus"],
        os = r["machine"]["os"].as_str().unwrap_or(""),
        arch = r["machine"]["arch"].as_str().unwrap_or(""),
    )
}
