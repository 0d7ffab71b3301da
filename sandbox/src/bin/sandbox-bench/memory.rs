//! `sandbox-bench --memory N`: the sandbox's peak memory holding N products and their batches.
//!
//! Every MesChain benchmark of a large catalog pushes its products through the sandbox, so the
//! sandbox must hold a million products (and the four hours of batch results Trendyol keeps)
//! without becoming the machine's largest process. This starts the `trendyol-sandbox` binary
//! built beside this one as its own process — so its peak RSS is its alone, not the load
//! generator's — and drives it as the engine drives Trendyol: V2 creates of 1,000 products,
//! each followed by a price & stock update of the same 1,000 and a read of the create's batch
//! result. At the end it reads the sandbox's `VmHWM` and writes `sandbox_memory.json` and
//! `sandbox_memory.md`.

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// What the sandbox may hold at a million products.
pub const TARGET_MIB: u64 = 2048;
/// Products per write, Trendyol's cap and what the engine sends.
const BATCH: u64 = 1_000;
const SELLER: u64 = 1001;
const KEY: &str = "demo-api-key";
const SECRET: &str = "demo-api-secret";

/// The sandbox binary as its own process, killed when dropped.
struct SandboxProcess {
    child: Child,
    base: String,
}

impl SandboxProcess {
    fn start() -> Result<SandboxProcess, String> {
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let binary = exe.with_file_name("trendyol-sandbox");
        if !binary.is_file() {
            return Err(format!(
                "{} is missing: cargo build --release -p trendyol-sandbox",
                binary.display()
            ));
        }
        let port_file =
            std::env::temp_dir().join(format!("sandbox-memory-port-{}", std::process::id()));
        let _ = std::fs::remove_file(&port_file);
        let child = Command::new(&binary)
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
            .map_err(|e| format!("{}: {e}", binary.display()))?;
        let mut process = SandboxProcess {
            child,
            base: String::new(),
        };
        for _ in 0..400 {
            if let Some(port) = std::fs::read_to_string(&port_file)
                .ok()
                .and_then(|p| p.trim().parse::<u16>().ok())
            {
                process.base = format!("http://127.0.0.1:{port}");
                let _ = std::fs::remove_file(&port_file);
                return Ok(process);
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        Err("trendyol-sandbox did not write its port".into())
    }

    /// A `VmHWM` / `VmRSS` line of the sandbox's status, in bytes.
    fn status_bytes(&self, field: &str) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|l| l.starts_with(field))?;
        Some(line.split_whitespace().nth(1)?.parse::<u64>().ok()? * 1024)
    }
}

impl Drop for SandboxProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One product as the engine maps an OpenCart product: a WYSIWYG description, three images,
/// a fixed attribute and one typed by the shop.
fn create_item(n: u64) -> Value {
    let barcode = format!("MEM{n:010}");
    json!({
        "barcode": barcode,
        "title": format!("Pamuklu Tişört Model {n} Lacivert"),
        "productMainId": format!("MC-{:07}", n.div_ceil(3)),
        "brandId": 1791,
        "categoryId": 411,
        "quantity": 25,
        "stockCode": format!("SKU-{n:08}"),
        "dimensionalWeight": 1.0,
        "description": format!(
            "<h2>Pamuklu Tişört Model {n}</h2><p>Günlük kullanım için rahat kesim. Yumuşak \
             dokulu kumaş.</p><ul><li>Model: MC-{n:07}</li><li>Marka: MesChain Demo</li>\
             <li>Materyal: Pamuk</li><li>Renk: Lacivert</li></ul>"
        ),
        "currencyType": "TRY",
        "listPrice": 249.9,
        "salePrice": 199.9,
        "vatRate": 20,
        "cargoProviders": ["TEXMP"],
        "images": [
            {"url": format!("https://shop.example/image/catalog/product/{n}-1.jpg")},
            {"url": format!("https://shop.example/image/catalog/product/{n}-2.jpg")},
            {"url": format!("https://shop.example/image/catalog/product/{n}-3.jpg")},
        ],
        "attributes": [
            {"attributeId": 338, "attributeValueIds": [7001 + n % 5]},
            {"attributeId": 47, "attributeValue": "Lacivert"},
        ],
    })
}

fn price_item(n: u64) -> Value {
    json!({
        "barcode": format!("MEM{n:010}"),
        "quantity": 20 + n % 7,
        "salePrice": 189.9,
        "listPrice": 249.9,
    })
}

async fn call(
    client: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
    body: Option<&Value>,
) -> Result<Value, String> {
    let mut rq = client
        .request(method, url)
        .basic_auth(KEY, Some(SECRET))
        .header("user-agent", format!("{SELLER} - SandboxBench"));
    if let Some(b) = body {
        rq = rq.json(b);
    }
    let r = rq.send().await.map_err(|e| format!("{url}: {e}"))?;
    let status = r.status();
    let v: Value = r.json().await.unwrap_or(Value::Null);
    if !status.is_success() {
        return Err(format!("{url}: {status} {v}"));
    }
    Ok(v)
}

fn mib(bytes: u64) -> f64 {
    (bytes as f64 / f64::from(1 << 20) * 10.0).round() / 10.0
}

/// Pushes `products` products through a fresh sandbox process and reports its peak RSS.
pub async fn run(products: u64, out_dir: &Path) -> Result<(), String> {
    let sandbox = SandboxProcess::start()?;
    trendyol_sandbox::install_crypto_provider();
    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .map_err(|e| e.to_string())?;
    let base = &sandbox.base;
    let create_url = format!("{base}/integration/product/sellers/{SELLER}/v2/products");
    let price_url =
        format!("{base}/integration/inventory/sellers/{SELLER}/products/price-and-inventory");
    let idle = sandbox.status_bytes("VmRSS:").unwrap_or(0);
    let started = Instant::now();
    let mut created = 0u64;
    while created < products {
        let first = created + 1;
        let last = (created + BATCH).min(products);
        let items: Vec<Value> = (first..=last).map(create_item).collect();
        let r = call(
            &client,
            reqwest::Method::POST,
            &create_url,
            Some(&json!({ "items": items })),
        )
        .await?;
        let batch = r["batchRequestId"]
            .as_str()
            .ok_or("the create answered no batchRequestId")?
            .to_string();
        let result = call(
            &client,
            reqwest::Method::GET,
            &format!("{base}/integration/product/sellers/{SELLER}/products/batch-requests/{batch}"),
            None,
        )
        .await?;
        if result["failedItemCount"].as_u64() != Some(0) {
            return Err(format!("create batch {batch} has failed items: {result}"));
        }
        let items: Vec<Value> = (first..=last).map(price_item).collect();
        call(
            &client,
            reqwest::Method::POST,
            &price_url,
            Some(&json!({ "items": items })),
        )
        .await?;
        created = last;
        if created.is_multiple_of(100_000) {
            eprintln!(
                "sandbox-bench: {created} products, sandbox RSS {} MiB",
                mib(sandbox.status_bytes("VmRSS:").unwrap_or(0))
            );
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let peak = sandbox
        .status_bytes("VmHWM:")
        .ok_or("cannot read the sandbox's VmHWM")?;
    let rss = sandbox.status_bytes("VmRSS:").unwrap_or(0);
    drop(sandbox);
    write_report(products, seconds, idle, peak, rss, out_dir)
}

fn write_report(
    products: u64,
    seconds: f64,
    idle: u64,
    peak: u64,
    rss: u64,
    out_dir: &Path,
) -> Result<(), String> {
    let per_product = (peak.saturating_sub(idle)) as f64 / products.max(1) as f64;
    let at_1m = (products == 1_000_000).then(|| mib(peak));
    let report = json!({
        "benchmark": "trendyol-sandbox memory holding a catalog",
        "unixTimeSeconds": std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0),
        "products": products,
        "writes": "V2 create of 1,000 products, its batch result read, then a price & stock update of the same 1,000",
        "seconds": (seconds * 10.0).round() / 10.0,
        "sandbox_idle_rss_mib": mib(idle),
        "sandbox_peak_rss_mib": mib(peak),
        "sandbox_rss_at_end_mib": mib(rss),
        "bytes_per_product": per_product.round(),
        "sandbox_rss_mib_1m": at_1m,
        "target_mib_1m": TARGET_MIB,
        "ok": at_1m.map(|m| m <= TARGET_MIB as f64),
        "build": if cfg!(debug_assertions) { "debug" } else { "release" },
    });
    std::fs::create_dir_all(out_dir).map_err(|e| e.to_string())?;
    let json_path: PathBuf = out_dir.join("sandbox_memory.json");
    std::fs::write(
        &json_path,
        serde_json::to_string_pretty(&report).map_err(|e| e.to_string())? + "\n",
    )
    .map_err(|e| e.to_string())?;
    let mut md = String::from("### trendyol-sandbox memory holding a catalog\n\n");
    md.push_str(&format!(
        "The `trendyol-sandbox` binary as its own process, {products} products pushed as the \
         engine pushes them (V2 creates of 1,000, each batch result read, then a price & stock \
         update of the same 1,000; every batch result is kept, as Trendyol keeps them for four \
         hours) in {:.1} s.\n\n",
        seconds
    ));
    md.push_str("| figure | value |\n|---|---:|\n");
    md.push_str(&format!("| idle RSS | {} MiB |\n", mib(idle)));
    md.push_str(&format!("| peak RSS (VmHWM) | {} MiB |\n", mib(peak)));
    md.push_str(&format!("| RSS at the end | {} MiB |\n", mib(rss)));
    md.push_str(&format!(
        "| per product (peak − idle) | {} bytes |\n",
        per_product.round()
    ));
    if let Some(m) = at_1m {
        md.push_str(&format!(
            "| **at 1,000,000 products** | **{m} MiB** (target ≤ {TARGET_MIB} MiB: {}) |\n",
            if m <= TARGET_MIB as f64 {
                "met"
            } else {
                "missed"
            }
        ));
    }
    std::fs::write(out_dir.join("sandbox_memory.md"), &md).map_err(|e| e.to_string())?;
    println!("{md}");
    println!("report: {}", json_path.display());
    Ok(())
}
