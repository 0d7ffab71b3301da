//! Security properties against a real MariaDB and the in-process sandbox:
//!
//! - webhook credentials are required and compared in constant time (wrong keys of equal and of
//!   different length are both answered 401);
//! - SQL-injection and script payloads in customer names, addresses and product names are stored
//!   verbatim (cut to the column widths) by order import, and nothing else happens;
//! - after order sync, product sync and the webhook processor have run, no log file and no log
//!   table holds an API key or secret, the database password, the webhook key, or a customer's
//!   e-mail or phone.

mod catalog_common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use base64::Engine as _;
use meschain_engine::config::EngineConfig;
use meschain_engine::inbox::{Delivery, Verdict};
use meschain_engine::runner::RunOptions;
use meschain_engine::sync::orders::OrderImport;
use meschain_engine::Engine;
use mysql_async::prelude::*;
use serde_json::{json, Value};
use trendyol_wire::ShipmentPackage;

const DROP_TABLE: &str = "'; DROP TABLE oc_order; --";
const SCRIPT: &str = "<script>alert(1)</script>";
const WEBHOOK_KEY: &str = "sec-hook-key-71f3a9c2e8";

// ---------------------------------------------------------------------------------------------
// (a) webhook authentication

/// The credential comparison must be the constant-time one; this reads the source so that a
/// refactor to `==` fails here and not in an attacker's stopwatch.
#[test]
fn webhook_credentials_are_compared_in_constant_time() {
    let source = include_str!("../src/inbox/auth.rs");
    let check = source
        .split("pub fn check(")
        .nth(1)
        .and_then(|rest| rest.split("\nfn basic_credentials").next())
        .expect("auth::check is in auth.rs");
    assert_eq!(
        check.matches("constant_time_eq(").count(),
        3,
        "user, password and API key all go through constant_time_eq"
    );
    for forbidden in ["== key", "== password", "== user", ".eq(", "starts_with("] {
        assert!(!check.contains(forbidden), "auth::check uses {forbidden}");
    }
    let compare = source
        .split("pub fn constant_time_eq(")
        .nth(1)
        .expect("constant_time_eq exists");
    let body = compare.split("\n}\n").next().unwrap();
    assert!(
        body.contains("Sha256::digest(a)") && body.contains("fold("),
        "fixed-length digests folded without an early exit"
    );
    assert!(
        !body.contains("return"),
        "no early return in the comparison"
    );
}

async fn hook_engine(
    tdb: &meschain_engine::testing::TestDatabase,
    auth: &[(&str, &str)],
) -> Engine {
    let mut settings = vec![("seller_id", "1001")];
    settings.extend_from_slice(auth);
    let engine = Engine::new(tdb.engine_config(&settings)).unwrap();
    engine.migrate().await.unwrap();
    engine
}

async fn deliver(engine: &Engine, body: &[u8], headers: &[(&str, String)]) -> Verdict {
    let headers: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    let delivery = Delivery {
        body,
        headers: &headers,
        remote_ip: "198.51.100.4",
    };
    tokio::time::timeout(Duration::from_secs(30), engine.accept_webhook(&delivery))
        .await
        .expect("no hang")
}

fn hook_body() -> Vec<u8> {
    serde_json::to_vec(&json!({
        "shipmentPackageId": 77001, "orderNumber": "900001", "status": "Created",
        "lastModifiedDate": 1_767_000_000_000i64, "lines": []
    }))
    .unwrap()
}

#[tokio::test]
async fn webhooks_without_the_right_credential_get_401() {
    let tdb = meschain_engine::testing::TestDatabase::with_opencart_tables().await;
    let engine = hook_engine(
        &tdb,
        &[
            ("webhook_auth", "api_key"),
            ("webhook_api_key", WEBHOOK_KEY),
        ],
    )
    .await;
    let body = hook_body();
    let same_length = {
        let mut k = WEBHOOK_KEY.to_string();
        k.pop();
        k.push('x');
        k
    };
    assert_eq!(same_length.len(), WEBHOOK_KEY.len());
    for (what, headers) in [
        ("no header", vec![]),
        ("empty key", vec![("x-api-key", String::new())]),
        (
            "same length, last byte wrong",
            vec![("x-api-key", same_length.clone())],
        ),
        (
            "shorter prefix",
            vec![("x-api-key", WEBHOOK_KEY[..8].to_string())],
        ),
        ("longer", vec![("x-api-key", format!("{WEBHOOK_KEY}0"))]),
        (
            "basic instead",
            vec![(
                "authorization",
                format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(format!("u:{WEBHOOK_KEY}"))
                ),
            )],
        ),
    ] {
        let verdict = deliver(&engine, &body, &headers).await;
        assert_eq!(verdict.http_status, 401, "{what}: {verdict:?}");
        assert!(!verdict.reason.is_empty(), "{what}: a reason");
        assert!(!verdict.reason.contains(WEBHOOK_KEY), "{what}: no echo");
    }
    let ok = deliver(&engine, &body, &[("x-api-key", WEBHOOK_KEY.to_string())]).await;
    assert_eq!(ok.http_status, 200, "{ok:?}");

    // Nothing was queued by the refused deliveries.
    let pool = tdb.pool();
    let mut conn = pool.get_conn().await.unwrap();
    let queued: u64 = conn
        .query_first("SELECT COUNT(*) FROM oc_trendyol_sync_queue")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(queued, 1);
    drop(conn);
    pool.disconnect().await.unwrap();
    engine.close().await;

    // Basic auth: equal-length and other-length wrong passwords alike.
    let tdb2 = meschain_engine::testing::TestDatabase::with_opencart_tables().await;
    let engine = hook_engine(
        &tdb2,
        &[
            ("webhook_auth", "basic"),
            ("webhook_username", "trendyol"),
            ("webhook_password", WEBHOOK_KEY),
        ],
    )
    .await;
    let basic = |u: &str, p: &str| {
        vec![(
            "authorization",
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{u}:{p}"))
            ),
        )]
    };
    for (what, headers) in [
        ("same length", basic("trendyol", &same_length)),
        ("short", basic("trendyol", "x")),
        ("wrong user", basic("trendyoX", WEBHOOK_KEY)),
        (
            "key header instead",
            vec![("x-api-key", WEBHOOK_KEY.to_string())],
        ),
    ] {
        let verdict = deliver(&engine, &body, &headers).await;
        assert_eq!(verdict.http_status, 401, "{what}: {verdict:?}");
    }
    assert_eq!(
        deliver(&engine, &body, &basic("trendyol", WEBHOOK_KEY))
            .await
            .http_status,
        200
    );
    engine.close().await;
    tdb.drop_database().await;
    tdb2.drop_database().await;
}

// ---------------------------------------------------------------------------------------------
// (b) hostile text in imported orders

fn hostile_package(id: u64, barcode: &str, long_address: &str) -> ShipmentPackage {
    let address = json!({
        "firstName": DROP_TABLE, "lastName": SCRIPT, "address1": long_address,
        "address2": DROP_TABLE, "city": SCRIPT, "district": DROP_TABLE, "cityCode": 34,
        "phone": "5550000000", "countryCode": "TR"
    });
    serde_json::from_value(json!({
        "shipmentPackageId": id, "orderNumber": "SEC-1", "orderDate": 1_767_000_000_000i64,
        "lastModifiedDate": 1_767_000_000_000i64, "status": "Created",
        "customerFirstName": DROP_TABLE, "customerLastName": SCRIPT,
        "customerEmail": "x'); DROP TABLE oc_order; --@example.test",
        "shipmentAddress": address, "invoiceAddress": address,
        "lines": [
            {"lineId": 1, "barcode": barcode, "quantity": 1, "lineGrossAmount": 100.0,
             "productName": SCRIPT, "vatRate": 20},
            {"lineId": 2, "barcode": "UNKNOWN-SEC-1", "quantity": 1, "lineGrossAmount": 50.0,
             "productName": DROP_TABLE, "vatRate": 20}
        ]
    }))
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_text_is_imported_verbatim() {
    let sandbox = catalog_common::sandbox(0, 0.0).await;
    let shop = catalog_common::shop(6, sandbox, &[]).await;
    let mut conn = shop.conn().await;
    let tables_before: u64 = conn
        .exec_first(
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = ?",
            (shop.tdb.name(),),
        )
        .await
        .unwrap()
        .unwrap();
    // The shop's own product name is hostile too.
    let (product_id, barcode): (u32, String) = conn
        .query_first(
            "SELECT product_id, ean FROM oc_product WHERE ean <> '' ORDER BY product_id LIMIT 1",
        )
        .await
        .unwrap()
        .unwrap();
    let product_name = format!("{SCRIPT}{DROP_TABLE}");
    conn.exec_drop(
        "UPDATE oc_product_description SET name = ? WHERE product_id = ?",
        (&product_name, product_id),
    )
    .await
    .unwrap();

    let long_address = format!("{DROP_TABLE} {SCRIPT} ").repeat(8);
    let import = OrderImport::prepare(&shop.db, &shop.settings)
        .await
        .unwrap();
    let counts = import
        .import_all(vec![hostile_package(880_001, &barcode, &long_address)])
        .await
        .unwrap();
    assert_eq!(counts.failed, 0, "{counts:?}");

    let cut = |s: &str, n: usize| s.chars().take(n).collect::<String>();
    let row: (String, String, String, String, String, String, String) = conn
        .query_first(
            "SELECT firstname, lastname, shipping_firstname, shipping_lastname, shipping_address_1, \
             shipping_city, payment_address_1 FROM oc_order",
        )
        .await
        .unwrap()
        .expect("the order is imported");
    assert_eq!(row.0, cut(DROP_TABLE, 32));
    assert_eq!(row.1, cut(SCRIPT, 32));
    assert_eq!(row.2, cut(DROP_TABLE, 32));
    assert_eq!(row.3, cut(SCRIPT, 32));
    assert_eq!(row.4, cut(&long_address, 128));
    assert_eq!(row.5, SCRIPT);
    assert_eq!(row.6, cut(&long_address, 128));

    let names: Vec<String> = conn
        .query("SELECT name FROM oc_order_product ORDER BY order_product_id")
        .await
        .unwrap();
    assert!(
        names.contains(&product_name),
        "shop's own name kept: {names:?}"
    );
    if names.len() > 1 {
        assert!(names.contains(&DROP_TABLE.to_string()), "{names:?}");
    }

    // Nothing else happened: every table is still there, one order.
    let tables_after: u64 = conn
        .exec_first(
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = ?",
            (shop.tdb.name(),),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(tables_before, tables_after);
    let orders: u64 = conn
        .query_first("SELECT COUNT(*) FROM oc_order")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(orders, 1);
    drop(conn);
    shop.finish().await;
}

// ---------------------------------------------------------------------------------------------
// (c) no secrets or customer contacts in logs

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(files_under(&path));
            } else {
                out.push(path);
            }
        }
    }
    out
}

/// Every column of every row of `sql`, as text.
async fn rows_as_text(conn: &mut mysql_async::Conn, sql: &str) -> Vec<String> {
    let rows: Vec<mysql_async::Row> = conn.query(sql).await.unwrap();
    rows.into_iter()
        .map(|row| {
            row.unwrap()
                .into_iter()
                .map(|v| match v {
                    mysql_async::Value::Bytes(b) => String::from_utf8_lossy(&b).into_owned(),
                    other => format!("{other:?}"),
                })
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_or_customer_contact_reaches_the_logs() {
    let sandbox = catalog_common::sandbox(0, 0.0).await;
    let base = sandbox.base_url();
    let shop = catalog_common::shop(20, sandbox, &[]).await;
    let mut conn = shop.conn().await;

    // The engine connects as its own user with a password, as a shop's does.
    let suffix = &shop.tdb.name()[shop.tdb.name().len().saturating_sub(10)..];
    let db_user = format!("mcsec{suffix}");
    let db_password = format!("Db-Pw-{suffix}-q8Z!");
    for host in ["127.0.0.1", "localhost"] {
        conn.query_drop(format!(
            "CREATE USER IF NOT EXISTS '{db_user}'@'{host}' IDENTIFIED BY '{db_password}'"
        ))
        .await
        .unwrap();
        conn.query_drop(format!(
            "GRANT ALL ON `{}`.* TO '{db_user}'@'{host}'",
            shop.tdb.name()
        ))
        .await
        .unwrap();
    }

    // The sandbox lists the shop's barcodes so that its orders are for the shop's products.
    let barcodes: Vec<String> = conn
        .query("SELECT ean FROM oc_product WHERE ean <> '' ORDER BY product_id")
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let control = |path: &str, body: Value| {
        let request = http.post(format!("{base}{path}")).json(&body);
        async move {
            let response = request.send().await.unwrap();
            assert!(response.status().is_success(), "{}", response.status());
            response.json::<Value>().await.unwrap()
        }
    };
    control(
        "/__sandbox/products/seed",
        json!({"barcodes": barcodes, "quantity": 500}),
    )
    .await;
    let generated = control("/__sandbox/orders/generate", json!({"count": 12})).await;
    let package_ids: Vec<u64> = generated["packageIds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    assert!(!package_ids.is_empty());

    // The customers' contacts in the test data.
    let mut contacts = Vec::new();
    let mut first_package = Value::Null;
    for id in &package_ids {
        let v: Value = http
            .get(format!("{base}/__sandbox/packages/{id}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let package = v["package"].clone();
        collect_contacts(&package, &mut contacts);
        if first_package.is_null() {
            first_package = package;
        }
    }
    contacts.sort();
    contacts.dedup();
    assert!(
        contacts.iter().any(|c| c.contains('@')),
        "the test data has e-mails: {contacts:?}"
    );

    let log_dir = std::env::temp_dir().join(format!("meschain-security-logs-{suffix}"));
    let _ = std::fs::remove_dir_all(&log_dir);
    let mut db = shop.tdb.config.clone();
    db.user = db_user.clone();
    db.password = db_password.clone();
    let mut config = EngineConfig::new(db);
    config.log_dir = Some(log_dir.clone());
    config.setting_overrides = [
        ("environment", "sandbox".to_string()),
        ("sandbox_url", base.clone()),
        ("seller_id", "1001".into()),
        ("api_key", "demo-api-key".into()),
        ("api_secret", "demo-api-secret".into()),
        ("image_base_url", "https://shop.example/image/".into()),
        ("batch_size", "1000".into()),
        ("api_endpoint_limit", "10000".into()),
        ("calls_per_minute", "100000".into()),
        ("calls_per_hour", "6000000".into()),
        ("webhook_auth", "api_key".into()),
        ("webhook_api_key", WEBHOOK_KEY.into()),
        ("debug", "1".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let engine = Engine::new(config).unwrap();

    let options = RunOptions {
        trigger: "test".into(),
        force: true,
        max_duration: Some(Duration::from_secs(120)),
        ..RunOptions::default()
    };
    let orders = engine.run("order_sync", &options).await.unwrap();
    assert!(orders.items_ok > 0, "{orders:?}");
    let products = engine.run("product_sync", &options).await.unwrap();
    assert!(
        products.items_ok + products.items_failed > 0,
        "{products:?}"
    );

    // A webhook delivery (customer data inside), a refused one, then the processor.
    let body = serde_json::to_vec(&first_package).unwrap();
    let accepted = deliver(&engine, &body, &[("x-api-key", WEBHOOK_KEY.to_string())]).await;
    assert!(accepted.is_success(), "{accepted:?}");
    let refused = deliver(
        &engine,
        &body,
        &[("x-api-key", format!("{WEBHOOK_KEY}-wrong"))],
    )
    .await;
    assert_eq!(refused.http_status, 401);
    let garbled = deliver(
        &engine,
        &body[..body.len() / 2],
        &[("x-api-key", WEBHOOK_KEY.to_string())],
    )
    .await;
    assert_eq!(garbled.http_status, 400);
    let processed = engine.run("webhook_processor", &options).await.unwrap();
    assert!(
        processed.items_ok + processed.items_failed > 0,
        "{processed:?}"
    );
    engine.close().await;

    let mut secrets: Vec<(String, String)> = vec![
        ("API key".into(), "demo-api-key".into()),
        ("API secret".into(), "demo-api-secret".into()),
        ("database password".into(), db_password.clone()),
        ("webhook key".into(), WEBHOOK_KEY.into()),
    ];
    secrets.extend(
        contacts
            .iter()
            .map(|c| ("customer contact".into(), c.clone())),
    );

    // Log files.
    let files = files_under(&log_dir);
    assert!(
        !files.is_empty(),
        "the jobs wrote log files in {}",
        log_dir.display()
    );
    let mut scanned_bytes = 0;
    for file in &files {
        let text = String::from_utf8_lossy(&std::fs::read(file).unwrap()).into_owned();
        scanned_bytes += text.len();
        for (what, value) in &secrets {
            assert!(
                !text.contains(value.as_str()),
                "{what} {value:?} in {}",
                file.display()
            );
        }
    }
    assert!(scanned_bytes > 0);

    // Log tables.
    let mut rows = Vec::new();
    for sql in [
        "SELECT * FROM oc_trendyol_sync_logs",
        "SELECT * FROM oc_trendyol_webhook_logs",
        "SELECT last_error FROM oc_trendyol_sync_queue",
        "SELECT * FROM oc_trendyol_alerts",
    ] {
        let found = rows_as_text(&mut conn, sql).await;
        rows.extend(found.into_iter().map(|r| (sql, r)));
    }
    assert!(
        rows.len() >= 5,
        "the log tables were written: {}",
        rows.len()
    );
    for (sql, row) in &rows {
        for (what, value) in &secrets {
            assert!(
                !row.contains(value.as_str()),
                "{what} {value:?} in {sql}: {row}"
            );
        }
    }

    for host in ["127.0.0.1", "localhost"] {
        let _ = conn
            .query_drop(format!("DROP USER IF EXISTS '{db_user}'@'{host}'"))
            .await;
    }
    drop(conn);
    let _ = std::fs::remove_dir_all(&log_dir);
    shop.finish().await;
}

/// E-mails and phone numbers anywhere in a package.
fn collect_contacts(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, value) in map {
                let key = k.to_ascii_lowercase();
                if let Value::String(s) = value {
                    if (key.contains("email") || key.contains("phone") || key.contains("gsm"))
                        && s.len() >= 6
                    {
                        out.push(s.clone());
                    }
                }
                collect_contacts(value, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| collect_contacts(i, out)),
        _ => {}
    }
}
