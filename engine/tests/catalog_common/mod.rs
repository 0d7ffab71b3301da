//! A shop with a generated OpenCart catalog, its mappings, and the sandbox, for the catalog
//! job tests (`product_sync`, `stock_sync`).

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::time::Duration;

use meschain_engine::config::{EngineConfig, Settings};
use meschain_engine::db::{migrations, Database};
use meschain_engine::fixtures::{generate_catalog, install_opencart_schema, CatalogSpec};
use meschain_engine::runner::JobContext;
use meschain_engine::testing::TestDatabase;
use meschain_engine::trendyol::{install_crypto_provider, TrendyolClient};
use meschain_engine::Engine;
use mysql_async::prelude::*;
use serde_json::Value;
use trendyol_sandbox::{spawn, LimitConfig, RunningSandbox, SandboxConfig};

pub const SELLER: u64 = 1001;
/// Trendyol leaf categories of the sandbox that accept free-text "Renk" (47).
pub const LEAVES: [u64; 4] = [411, 412, 521, 522];

pub struct Shop {
    pub tdb: TestDatabase,
    pub pool: mysql_async::Pool,
    pub db: Database,
    pub sandbox: RunningSandbox,
    pub settings: Settings,
    pub product_ids: std::ops::Range<u32>,
    /// The setting values `settings` was made from (an [`Engine`] gets them as overrides).
    pub values: BTreeMap<String, String>,
}

pub async fn sandbox(approval_delay_ms: i64, reject_share: f64) -> RunningSandbox {
    install_crypto_provider();
    spawn(SandboxConfig {
        limits: LimitConfig {
            enabled: false,
            ..LimitConfig::default()
        },
        settings: trendyol_sandbox::Settings {
            approval_delay_ms,
            reject_share,
            batch_delay_ms: 0,
            ..trendyol_sandbox::Settings::default()
        },
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox starts")
}

/// A shop of `products` generated products, every manufacturer and leaf category mapped.
pub async fn shop(products: u32, sandbox: RunningSandbox, extra: &[(&str, &str)]) -> Shop {
    let tdb = TestDatabase::create("oc_").await;
    let pool = tdb.pool();
    let mut conn = pool.get_conn().await.unwrap();
    install_opencart_schema(&mut conn, "oc_").await.unwrap();
    // Prices go to Trendyol in lira, converted with the shop's TRY rate: at 1.0 the catalog
    // tests' prices are OpenCart's own (the currency tests set other rates).
    meschain_engine::fixtures::add_currency(&mut conn, "oc_", "TRY", "Türk Lirası", 1.0)
        .await
        .unwrap();
    drop(conn);
    let summary = generate_catalog(
        &pool,
        "oc_",
        &CatalogSpec {
            products,
            seed: 7,
            ..CatalogSpec::default()
        },
    )
    .await
    .unwrap();
    let mut values: BTreeMap<String, String> = [
        ("environment", "sandbox".to_string()),
        ("sandbox_url", sandbox.base_url()),
        ("seller_id", SELLER.to_string()),
        ("api_key", "demo-api-key".into()),
        ("api_secret", "demo-api-secret".into()),
        ("image_base_url", "https://shop.example/image/".into()),
        ("batch_size", "1000".into()),
        ("api_endpoint_limit", "10000".into()),
        ("calls_per_minute", "100000".into()),
        ("calls_per_hour", "6000000".into()),
        ("low_stock_threshold", "5".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    for (k, v) in extra {
        values.insert(k.to_string(), v.to_string());
    }
    let settings = Settings::from_values(&values).unwrap();
    let values_kept = values.clone();
    let db = Database::new(&tdb.config, Duration::from_secs(5), Duration::from_secs(60)).unwrap();
    migrations::migrate(&db).await.unwrap();

    let mut conn = pool.get_conn().await.unwrap();
    for (i, category) in summary.leaf_category_ids.iter().enumerate() {
        conn.exec_drop(
            "INSERT INTO oc_trendyol_category_map (category_id, trendyol_category_id, updated_at) \
             VALUES (?, ?, UTC_TIMESTAMP())",
            (category, LEAVES[i % LEAVES.len()]),
        )
        .await
        .unwrap();
    }
    for manufacturer in &summary.manufacturer_ids {
        conn.exec_drop(
            "INSERT INTO oc_trendyol_brand_map (manufacturer_id, trendyol_brand_id, updated_at) \
             VALUES (?, 1791, UTC_TIMESTAMP())",
            (manufacturer,),
        )
        .await
        .unwrap();
    }
    // Colour ("Renk", the generator's second attribute) → Trendyol 47, free text.
    if let Some(colour) = summary.attribute_ids.get(1) {
        for leaf in LEAVES {
            conn.exec_drop(
                "INSERT INTO oc_trendyol_attribute_map (trendyol_category_id, trendyol_attribute_id, \
                 source, source_id, updated_at) VALUES (?, 47, 'attribute', ?, UTC_TIMESTAMP())",
                (leaf, colour),
            )
            .await
            .unwrap();
        }
    }
    Shop {
        tdb,
        pool,
        db,
        sandbox,
        settings,
        product_ids: summary.product_ids(),
        values: values_kept,
    }
}

impl Shop {
    /// A job context with a fresh client and `budget`.
    pub fn ctx(&self, budget: Duration) -> JobContext {
        let client = TrendyolClient::from_settings(&self.settings, &self.db).unwrap();
        JobContext::standalone(self.db.clone(), self.settings.clone(), client, budget)
    }

    /// The engine of this shop, as the cron scripts make it (the orchestrator's tests).
    pub fn engine(&self) -> Engine {
        let mut config = EngineConfig::new(self.tdb.config.clone());
        config.log_dir = Some(std::env::temp_dir().join("meschain-test-logs"));
        config.setting_overrides = self.values.clone();
        Engine::new(config).unwrap()
    }

    pub async fn control(&self, method: reqwest::Method, path: &str, body: Value) -> Value {
        let r = reqwest::Client::new()
            .request(method, format!("{}{path}", self.sandbox.base_url()))
            .json(&body)
            .send()
            .await
            .expect("control call");
        assert!(r.status().is_success(), "{path}: {}", r.status());
        r.json().await.expect("control json")
    }

    /// Logged requests after sequence `since`.
    pub async fn requests(&self, since: u64) -> Vec<Value> {
        let v: Value = reqwest::Client::new()
            .get(format!("{}/__sandbox/requests", self.sandbox.base_url()))
            .query(&[
                ("since", since.to_string()),
                ("limit", "100000".to_string()),
            ])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        v["requests"].as_array().cloned().unwrap_or_default()
    }

    /// The highest sequence number in the log (0 when empty).
    pub async fn last_seq(&self) -> u64 {
        self.requests(0)
            .await
            .iter()
            .filter_map(|r| r["seq"].as_u64())
            .max()
            .unwrap_or(0)
    }

    /// Write calls (anything but GET) after `since`.
    pub async fn writes(&self, since: u64) -> Vec<Value> {
        self.requests(since)
            .await
            .into_iter()
            .filter(|r| r["method"] != "GET")
            .collect()
    }

    pub async fn conn(&self) -> mysql_async::Conn {
        self.pool.get_conn().await.unwrap()
    }

    pub async fn finish(self) {
        self.db.close().await;
        self.pool.disconnect().await.unwrap();
        self.tdb.drop_database().await;
        let _ = self.sandbox.shutdown().await;
    }
}

/// The barcodes of a write's items.
pub fn item_barcodes(request: &Value) -> Vec<String> {
    request["bodyJson"]["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i["barcode"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The first `n` approved products, as (OpenCart product id, barcode).
pub async fn approved_products(shop: &Shop, n: usize) -> Vec<(u32, String)> {
    let mut conn = shop.conn().await;
    conn.exec(
        "SELECT product_id, barcode FROM oc_trendyol_products WHERE sync_status = 'approved' \
         ORDER BY product_id LIMIT ?",
        (n as u64,),
    )
    .await
    .unwrap()
}

/// Gives these products `quantity` in OpenCart, enabled.
pub async fn set_quantity(conn: &mut mysql_async::Conn, products: &[(u32, String)], quantity: i64) {
    for (pid, _) in products {
        conn.exec_drop(
            "UPDATE oc_product SET quantity = ?, status = 1 WHERE product_id = ?",
            (quantity, pid),
        )
        .await
        .unwrap();
    }
}
