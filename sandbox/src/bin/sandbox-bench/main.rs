//! `sandbox-bench`: how many requests per second the sandbox serves on cheap endpoints.
//!
//! The sandbox must never be the bottleneck of MesChain's own benchmarks. This starts it
//! in-process (or targets `--url`), turns rate limits off, and drives N keep-alive HTTP/1
//! connections over loopback for a bounded time against cheap read endpoints (batch result,
//! brand by name, cargo providers). Client and server share the machine, so the figure is a
//! floor for the server alone. Writes a JSON report and a Markdown fragment.
//!
//! With `--memory N` it measures the sandbox's memory instead (see [`memory`]).

mod memory;

use bytes::Bytes;
use clap::Parser;
use http_body_util::{BodyExt, Empty};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::time::{Duration, Instant};
use trendyol_sandbox::{LimitConfig, SandboxConfig, SellerCredentials};

/// Load generator for trendyol-sandbox (loopback only).
#[derive(Debug, Parser)]
#[command(name = "sandbox-bench", version, about)]
struct Args {
    /// Target a running sandbox (http://127.0.0.1:PORT) instead of starting one in-process.
    /// Its rate limits should be off (the bench switches them off through /__sandbox/limits).
    #[arg(long)]
    url: Option<String>,
    /// Measured duration in seconds (after a 1 s warm-up).
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Concurrent keep-alive connections.
    #[arg(long, default_value_t = 32)]
    connections: usize,
    /// Seller as ID:KEY:SECRET.
    #[arg(long, default_value = "1001:demo-api-key:demo-api-secret")]
    seller: String,
    /// Directory for sandbox.json and sandbox.md (default: the repository's bench/).
    #[arg(long)]
    out_dir: Option<PathBuf>,
    /// Worker threads of the runtime (default: number of CPUs).
    #[arg(long)]
    threads: Option<usize>,
    /// Measure memory instead: push N products through a `trendyol-sandbox` process and write
    /// sandbox_memory.json / .md with its peak RSS.
    #[arg(long, value_name = "N")]
    memory: Option<u64>,
}

/// Where the reports go: `--out-dir`, else the repository's bench/.
fn out_dir(args: &Args) -> PathBuf {
    args.out_dir.clone().unwrap_or_else(|| {
        let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        repo.canonicalize().unwrap_or(repo).join("bench")
    })
}

struct Target {
    name: &'static str,
    path: String,
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}

/// The 1-minute load average (other work on the machine skews the figure).
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "unknown".into())
}

fn percentile(sorted: &[u32], p: f64) -> u32 {
    if sorted.is_empty() {
        return 0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

async fn http_json(
    client: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
    seller: &SellerCredentials,
    body: Option<Value>,
) -> Result<Value, String> {
    let mut rq = client
        .request(method, url)
        .basic_auth(&seller.api_key, Some(&seller.api_secret))
        .header("user-agent", format!("{} - SandboxBench", seller.seller_id));
    if let Some(b) = body {
        rq = rq.json(&b);
    }
    let r = rq.send().await.map_err(|e| e.to_string())?;
    let status = r.status();
    let v: Value = r.json().await.unwrap_or(Value::Null);
    if !status.is_success() {
        return Err(format!("{url}: {status} {v}"));
    }
    Ok(v)
}

/// One connection's loop: returns (latencies in µs of measured requests, errors).
async fn drive(
    addr: String,
    host: String,
    path: String,
    auth: String,
    ua: String,
    warmup_until: Instant,
    deadline: Instant,
) -> (Vec<u32>, u64) {
    let mut lat = Vec::with_capacity(100_000);
    let mut errors = 0u64;
    'reconnect: while Instant::now() < deadline {
        let Ok(stream) = tokio::net::TcpStream::connect(&addr).await else {
            errors += 1;
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let _ = stream.set_nodelay(true);
        let Ok((mut sender, conn)) =
            hyper::client::conn::http1::handshake::<_, Empty<Bytes>>(TokioIo::new(stream)).await
        else {
            errors += 1;
            continue;
        };
        tokio::spawn(conn);
        while Instant::now() < deadline {
            if sender.ready().await.is_err() {
                errors += 1;
                continue 'reconnect;
            }
            let req = match hyper::Request::get(path.as_str())
                .header("host", host.as_str())
                .header("authorization", auth.as_str())
                .header("user-agent", ua.as_str())
                .body(Empty::<Bytes>::new())
            {
                Ok(r) => r,
                Err(_) => return (lat, errors + 1),
            };
            let t = Instant::now();
            match sender.send_request(req).await {
                Ok(resp) => {
                    let ok = resp.status().is_success();
                    let body = resp.into_body().collect().await;
                    if !ok || body.is_err() {
                        errors += 1;
                    } else if t >= warmup_until {
                        lat.push(t.elapsed().as_micros().min(u32::MAX as u128) as u32);
                    }
                }
                Err(_) => {
                    errors += 1;
                    continue 'reconnect;
                }
            }
        }
    }
    (lat, errors)
}

async fn run(args: Args) -> Result<(), String> {
    if let Some(products) = args.memory {
        return memory::run(products, &out_dir(&args)).await;
    }
    let seller = SellerCredentials::parse(&args.seller)?;
    let mut in_process = None;
    let base = match &args.url {
        Some(u) => u.trim_end_matches('/').to_string(),
        None => {
            let cfg = SandboxConfig {
                sellers: vec![seller.clone()],
                limits: LimitConfig {
                    enabled: false,
                    ..LimitConfig::default()
                },
                ..SandboxConfig::default()
            };
            let mut s = cfg.settings.clone();
            s.batch_delay_ms = 0;
            s.approval_delay_ms = 0;
            let cfg = SandboxConfig { settings: s, ..cfg };
            let running = trendyol_sandbox::spawn(cfg)
                .await
                .map_err(|e| e.to_string())?;
            let url = running.base_url();
            in_process = Some(running);
            url
        }
    };
    let Some(hostport) = base.strip_prefix("http://") else {
        return Err("--url must be http://127.0.0.1:PORT".into());
    };
    let hostport = hostport.to_string();
    if !(hostport.starts_with("127.") || hostport.starts_with("localhost")) {
        return Err("the bench only targets loopback addresses".into());
    }
    trendyol_sandbox::install_crypto_provider();
    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .map_err(|e| e.to_string())?;

    // Prepare: limits off, a product batch to read back.
    client
        .post(format!("{base}/__sandbox/limits"))
        .json(&json!({"enabled": false}))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let created = http_json(
        &client,
        reqwest::Method::POST,
        &format!(
            "{base}/integration/product/sellers/{}/v2/products",
            seller.seller_id
        ),
        &seller,
        Some(json!({"items": [{
            "barcode": "BENCH-0001", "title": "Bench", "productMainId": "BENCH", "brandId": 1791,
            "categoryId": 411, "quantity": 5, "stockCode": "BENCH-0001", "listPrice": 10.0,
            "salePrice": 10.0, "vatRate": 20, "cargoProviders": ["TEXMP"],
            "images": [{"url": "https://127.0.0.1/b.jpg"}]
        }]})),
    )
    .await?;
    let batch_id = created["batchRequestId"]
        .as_str()
        .ok_or("no batchRequestId")?
        .to_string();

    let targets = [
        Target {
            name: "GET batch result",
            path: format!(
                "/integration/product/sellers/{}/products/batch-requests/{batch_id}",
                seller.seller_id
            ),
        },
        Target {
            name: "GET brand by name",
            path: "/integration/product/brands/by-name?name=MesChain%20Demo".into(),
        },
        Target {
            name: "GET cargo providers",
            path: "/integration/product/lookup/cargo-providers".into(),
        },
    ];
    let auth = {
        use base64::Engine;
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD
                .encode(format!("{}:{}", seller.api_key, seller.api_secret))
        )
    };
    let ua = format!("{} - SandboxBench", seller.seller_id);

    let start = Instant::now();
    let warmup_until = start + Duration::from_secs(1);
    let deadline = warmup_until + Duration::from_secs(args.seconds.max(1));
    let mut handles = Vec::new();
    for i in 0..args.connections.max(1) {
        let t = &targets[i % targets.len()];
        handles.push((
            i % targets.len(),
            tokio::spawn(drive(
                hostport.clone(),
                hostport.clone(),
                t.path.clone(),
                auth.clone(),
                ua.clone(),
                warmup_until,
                deadline,
            )),
        ));
    }
    let mut per: Vec<(Vec<u32>, u64)> = targets.iter().map(|_| (Vec::new(), 0)).collect();
    for (ti, h) in handles {
        let (lat, errs) = h.await.map_err(|e| e.to_string())?;
        per[ti].0.extend(lat);
        per[ti].1 += errs;
    }
    let measured = args.seconds.max(1) as f64;

    let mut all: Vec<u32> = Vec::new();
    let mut endpoints = Vec::new();
    let mut total_errors = 0;
    for (t, (lat, errs)) in targets.iter().zip(per.iter_mut()) {
        lat.sort_unstable();
        all.extend_from_slice(lat);
        total_errors += *errs;
        endpoints.push(json!({
            "endpoint": t.name,
            "path": t.path,
            "requests": lat.len(),
            "requestsPerSecond": (lat.len() as f64 / measured).round() as u64,
            "p50Us": percentile(lat, 0.50),
            "p99Us": percentile(lat, 0.99),
            "errors": errs,
        }));
    }
    all.sort_unstable();
    let rps = (all.len() as f64 / measured).round() as u64;
    let nproc = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let report = json!({
        "benchmark": "trendyol-sandbox cheap endpoints over loopback",
        "unixTimeSeconds": std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0),
        "machine": {"nproc": nproc, "cpuModel": cpu_model(), "os": std::env::consts::OS, "arch": std::env::consts::ARCH, "loadAverage1mAtEnd": load_average()},
        "setup": {
            "mode": if in_process.is_some() { "in-process (client and server share the runtime and the CPUs)" } else { "external sandbox" },
            "target": base,
            "connections": args.connections,
            "seconds": args.seconds,
            "warmupSeconds": 1,
            "rateLimits": "off",
            "build": if cfg!(debug_assertions) { "debug" } else { "release" },
        },
        "total": {
            "requests": all.len(),
            "requestsPerSecond": rps,
            "p50Us": percentile(&all, 0.50),
            "p99Us": percentile(&all, 0.99),
            "maxUs": all.last().copied().unwrap_or(0),
            "errors": total_errors,
        },
        "endpoints": endpoints,
    });

    let out_dir = out_dir(&args);
    std::fs::create_dir_all(&out_dir).map_err(|e| e.to_string())?;
    let json_path = out_dir.join("sandbox.json");
    std::fs::write(
        &json_path,
        serde_json::to_string_pretty(&report).map_err(|e| e.to_string())? + "\n",
    )
    .map_err(|e| e.to_string())?;
    let mut md = String::new();
    md.push_str("### trendyol-sandbox throughput (cheap endpoints, loopback)\n\n");
    md.push_str(&format!(
        "Machine: {} CPU(s), {} (1-min load average {} at the end of the run). Build: {}. {} keep-alive connections, {} s measured after 1 s warm-up, rate limits off, client in the same process.\n\n",
        nproc,
        cpu_model(),
        load_average(),
        if cfg!(debug_assertions) { "debug" } else { "release" },
        args.connections,
        args.seconds
    ));
    md.push_str("| endpoint | requests/s | p50 | p99 | errors |\n|---|---:|---:|---:|---:|\n");
    for e in report["endpoints"].as_array().into_iter().flatten() {
        md.push_str(&format!(
            "| {} | {} | {:.2} ms | {:.2} ms | {} |\n",
            e["endpoint"].as_str().unwrap_or(""),
            e["requestsPerSecond"],
            e["p50Us"].as_f64().unwrap_or(0.0) / 1000.0,
            e["p99Us"].as_f64().unwrap_or(0.0) / 1000.0,
            e["errors"]
        ));
    }
    md.push_str(&format!(
        "| **all** | **{}** | {:.2} ms | {:.2} ms | {} |\n",
        rps,
        report["total"]["p50Us"].as_f64().unwrap_or(0.0) / 1000.0,
        report["total"]["p99Us"].as_f64().unwrap_or(0.0) / 1000.0,
        total_errors
    ));
    std::fs::write(out_dir.join("sandbox.md"), &md).map_err(|e| e.to_string())?;
    println!("{md}");
    println!("report: {}", json_path.display());

    if let Some(r) = in_process {
        let _ = r.shutdown().await;
    }
    Ok(())
}

fn main() {
    let args = Args::parse();
    let mut rt = tokio::runtime::Builder::new_multi_thread();
    rt.enable_all();
    if let Some(t) = args.threads {
        rt.worker_threads(t.max(1));
    }
    let rt = match rt.build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("sandbox-bench: {e}");
            std::process::exit(1);
        }
    };
    if let Err(e) = rt.block_on(run(args)) {
        eprintln!("sandbox-bench: {e}");
        std::process::exit(1);
    }
}
