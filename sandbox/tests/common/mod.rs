//! Shared helpers for the contract tests: start a sandbox in-process on 127.0.0.1:0 and talk
//! to it over real HTTP, as MesChain's client would.
#![allow(dead_code)]

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use reqwest::{Method, RequestBuilder, Response};
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use trendyol_sandbox::{spawn, LimitConfig, RunningSandbox, SandboxConfig, Settings};

pub const SELLER: u64 = 1001;
pub const KEY: &str = "demo-api-key";
pub const SECRET: &str = "demo-api-secret";
pub const UA: &str = "1001 - MesChainTests";

pub struct Sb {
    pub running: RunningSandbox,
    pub base: String,
    pub http: reqwest::Client,
}

/// A configuration for tests: limits off, short delays.
pub fn config() -> SandboxConfig {
    SandboxConfig {
        limits: LimitConfig {
            enabled: false,
            ..LimitConfig::default()
        },
        settings: Settings {
            approval_delay_ms: 0,
            reject_share: 0.0,
            batch_delay_ms: 0,
            webhook_retry_ms: 50,
            webhook_timeout_ms: 2_000,
            ..Settings::default()
        },
        ..SandboxConfig::default()
    }
}

pub async fn start(cfg: SandboxConfig) -> Sb {
    let running = spawn(cfg).await.expect("sandbox starts");
    let base = running.base_url();
    trendyol_sandbox::install_crypto_provider();
    let http = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client");
    Sb {
        running,
        base,
        http,
    }
}

pub async fn start_default() -> Sb {
    start(config()).await
}

impl Sb {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A request with the demo seller's credentials and a valid User-Agent.
    pub fn req(&self, method: Method, path: &str) -> RequestBuilder {
        self.http
            .request(method, self.url(path))
            .basic_auth(KEY, Some(SECRET))
            .header("user-agent", UA)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.req(Method::GET, path).send().await.expect("request")
    }

    pub async fn get_json(&self, path: &str) -> Value {
        let r = self.get(path).await;
        assert_eq!(r.status(), 200, "GET {path}");
        r.json().await.expect("json")
    }

    pub async fn send_json(&self, method: Method, path: &str, body: &Value) -> Response {
        self.req(method, path)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    /// A control call; panics unless 200.
    pub async fn control(&self, method: Method, path: &str, body: Value) -> Value {
        let r = self
            .http
            .request(method.clone(), self.url(path))
            .json(&body)
            .send()
            .await
            .expect("control request");
        let status = r.status();
        let v: Value = r.json().await.unwrap_or(Value::Null);
        assert_eq!(status, 200, "{method} {path} -> {v}");
        v
    }

    pub async fn seed(&self, count: u64) -> Vec<String> {
        let v = self
            .control(
                Method::POST,
                "/__sandbox/products/seed",
                json!({ "count": count }),
            )
            .await;
        v["barcodes"]
            .as_array()
            .expect("barcodes")
            .iter()
            .map(|b| b.as_str().unwrap_or_default().to_string())
            .collect()
    }

    pub async fn advance_ms(&self, ms: i64) {
        self.control(
            Method::POST,
            "/__sandbox/clock/advance",
            json!({ "ms": ms }),
        )
        .await;
    }

    pub async fn settings(&self, patch: Value) {
        self.control(Method::POST, "/__sandbox/settings", patch)
            .await;
    }

    pub async fn faults(&self, patch: Value) {
        self.control(Method::POST, "/__sandbox/faults", patch).await;
    }

    pub async fn generate(&self, body: Value) -> Vec<u64> {
        let v = self
            .control(Method::POST, "/__sandbox/orders/generate", body)
            .await;
        v["packageIds"]
            .as_array()
            .expect("ids")
            .iter()
            .filter_map(Value::as_u64)
            .collect()
    }

    pub async fn package(&self, id: u64) -> Value {
        self.control(
            Method::GET,
            &format!("/__sandbox/packages/{id}"),
            Value::Null,
        )
        .await["package"]
            .clone()
    }

    /// Polls a batch until its items are final.
    pub async fn batch(&self, id: &str) -> Value {
        let path = format!("/integration/product/sellers/{SELLER}/products/batch-requests/{id}");
        for _ in 0..100 {
            let v = self.get_json(&path).await;
            let done = v["items"]
                .as_array()
                .is_some_and(|i| i.iter().all(|x| x["status"] != "IN_PROGRESS"));
            if done {
                return v;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("batch {id} never completed");
    }

    /// POSTs a create body and returns the finished batch.
    pub async fn create_v2(&self, items: Value) -> Value {
        let r = self
            .send_json(
                Method::POST,
                &format!("/integration/product/sellers/{SELLER}/v2/products"),
                &json!({ "items": items }),
            )
            .await;
        assert_eq!(r.status(), 200);
        let v: Value = r.json().await.expect("json");
        let id = v["batchRequestId"].as_str().expect("batch id").to_string();
        self.batch(&id).await
    }
}

/// A valid V2 product item.
pub fn v2_item(barcode: &str) -> Value {
    json!({
        "barcode": barcode,
        "title": "Test ürün",
        "productMainId": format!("M-{barcode}"),
        "brandId": 1791,
        "categoryId": 411,
        "quantity": 10,
        "stockCode": format!("S-{barcode}"),
        "dimensionalWeight": 1,
        "description": "Açıklama",
        "currencyType": "TRY",
        "listPrice": 120.0,
        "salePrice": 100.0,
        "vatRate": 20,
        "cargoProviders": ["TEXMP"],
        "images": [{"url": "https://127.0.0.1/img/1.jpg"}],
        "attributes": [{"attributeId": 338, "attributeValueIds": [7003]}]
    })
}

/// One webhook delivery as received.
#[derive(Debug, Clone)]
pub struct Received {
    pub headers: HeaderMap,
    pub body: Value,
}

/// A tiny webhook receiver on 127.0.0.1 that records deliveries and fails the first
/// `fail_first` of them (or all, with `usize::MAX`) with 500.
#[derive(Clone)]
pub struct Receiver {
    pub addr: SocketAddr,
    pub got: Arc<Mutex<Vec<Received>>>,
    pub fail_first: Arc<AtomicUsize>,
}

#[derive(Clone)]
struct RecvState {
    got: Arc<Mutex<Vec<Received>>>,
    fail_first: Arc<AtomicUsize>,
}

async fn receive(
    State(st): State<RecvState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> StatusCode {
    let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let n = {
        let mut g = st.got.lock().unwrap();
        g.push(Received { headers, body: v });
        g.len()
    };
    if n <= st.fail_first.load(Ordering::SeqCst) {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::OK
    }
}

impl Receiver {
    pub async fn start(fail_first: usize) -> Receiver {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let got = Arc::new(Mutex::new(Vec::new()));
        let fail = Arc::new(AtomicUsize::new(fail_first));
        let app = Router::new()
            .route("/hook", post(receive))
            .with_state(RecvState {
                got: got.clone(),
                fail_first: fail.clone(),
            });
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Receiver {
            addr,
            got,
            fail_first: fail,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}/hook", self.addr)
    }

    pub fn received(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }

    /// Waits until at least `n` deliveries arrived (or panics after a few seconds).
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        for _ in 0..300 {
            let r = self.received();
            if r.len() >= n {
                return r;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("expected {n} deliveries, got {}", self.received().len());
    }
}
