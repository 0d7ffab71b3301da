//! What the order tests share: the sandbox, control calls, and a shop whose catalog is listed
//! on the sandbox as approved products.

use meschain_engine::config::EngineConfig;
use meschain_engine::fixtures::{self, CatalogSpec};
use meschain_engine::testing::TestDatabase;
use meschain_engine::trendyol::install_crypto_provider;
use meschain_engine::Engine;
use mysql_async::prelude::*;
use serde_json::{json, Value};
use trendyol_sandbox::{spawn, LimitConfig, RunningSandbox, SandboxConfig};

/// The sandbox on a free port, rate limits off, `Awaiting` packages turning `Created` after
/// `awaiting_delay_ms`.
pub async fn sandbox(awaiting_delay_ms: i64) -> RunningSandbox {
    install_crypto_provider();
    spawn(SandboxConfig {
        limits: LimitConfig {
            enabled: false,
            ..LimitConfig::default()
        },
        settings: trendyol_sandbox::Settings {
            awaiting_delay_ms,
            ..trendyol_sandbox::Settings::default()
        },
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox starts")
}

/// A control call: GET when `body` is null, POST otherwise.
pub async fn control(sb: &RunningSandbox, path: &str, body: Value) -> Value {
    let url = format!("{}{}", sb.base_url(), path);
    let client = reqwest::Client::new();
    let response = if body.is_null() {
        client.get(url).send().await.unwrap()
    } else {
        client.post(url).json(&body).send().await.unwrap()
    };
    assert!(
        response.status().is_success(),
        "{path}: {}",
        response.status()
    );
    response.json().await.unwrap()
}

pub struct Shop {
    _tdb: TestDatabase,
    pub pool: mysql_async::Pool,
    pub config: EngineConfig,
}

impl Shop {
    /// A new engine (its own pool, as another process would have).
    pub fn engine(&self) -> Engine {
        Engine::new(self.config.clone()).unwrap()
    }
}

/// A shop with OpenCart's schema and base data, TRY, `products` generated products, MesChain's
/// tables and settings pointing at `sb` (plus `extra`); its catalog listed on the sandbox as
/// approved products (by EAN).
pub async fn shop(sb: &RunningSandbox, products: u32, extra: &[(&str, &str)]) -> Shop {
    let tdb = TestDatabase::create("oc_").await;
    let pool = tdb.pool();
    let mut conn = pool.get_conn().await.unwrap();
    fixtures::install_opencart_schema(&mut conn, "oc_")
        .await
        .unwrap();
    fixtures::add_currency(&mut conn, "oc_", "TRY", "Türk Lirası", 38.5)
        .await
        .unwrap();
    drop(conn);
    fixtures::generate_catalog(
        &pool,
        "oc_",
        &CatalogSpec {
            products,
            start_product_id: Some(1),
            ..CatalogSpec::default()
        },
    )
    .await
    .unwrap();
    let mut config = EngineConfig::new(tdb.config.clone());
    config.log_dir = Some(std::env::temp_dir().join("meschain-test-logs"));
    let base = sb.base_url();
    let defaults = [
        ("environment", "sandbox"),
        ("sandbox_url", base.as_str()),
        ("seller_id", "1001"),
        ("api_key", "demo-api-key"),
        ("api_secret", "demo-api-secret"),
        ("barcode_source", "ean"),
    ];
    for (k, v) in defaults.iter().chain(extra) {
        config
            .setting_overrides
            .insert(k.to_string(), v.to_string());
    }
    Engine::new(config.clone())
        .unwrap()
        .migrate()
        .await
        .unwrap();
    let mut conn = pool.get_conn().await.unwrap();
    let barcodes: Vec<String> = conn
        .query("SELECT ean FROM oc_product ORDER BY product_id")
        .await
        .unwrap();
    control(
        sb,
        "/__sandbox/products/seed",
        json!({"barcodes": barcodes, "quantity": 20000}),
    )
    .await;
    Shop {
        _tdb: tdb,
        pool,
        config,
    }
}
