//! The webhook inbox against a real MariaDB: authentication (Basic, `x-api-key`, missing, wrong,
//! not configured), malformed bodies, bare packages and page envelopes, dedupe across repeated
//! deliveries, priorities per event, redaction of the logged body, and a database that is down.

use std::time::Duration;

use base64::Engine as _;
use meschain_engine::config::{DbConfig, EngineConfig};
use meschain_engine::inbox::{Delivery, Verdict};
use meschain_engine::testing::TestDatabase;
use meschain_engine::Engine;
use mysql_async::prelude::*;
use serde_json::{json, Value};

const SELLER: u64 = 2738;
const USER: &str = "trendyol-hook";
const PASSWORD: &str = "Wh-pass:7781-long";
const API_KEY: &str = "wh-key-5f0c2a9d41";

fn log_dir() -> std::path::PathBuf {
    std::env::temp_dir().join("meschain-test-logs")
}

/// A fresh shop (OpenCart tables + MesChain's) and an engine with the given setting overrides.
async fn shop(settings: &[(&str, &str)]) -> (TestDatabase, Engine) {
    let tdb = TestDatabase::with_opencart_tables().await;
    let engine = Engine::new(tdb.engine_config(settings)).unwrap();
    engine.migrate().await.unwrap();
    (tdb, engine)
}

fn basic_shop() -> Vec<(&'static str, &'static str)> {
    vec![
        ("seller_id", "2738"),
        ("webhook_auth", "basic"),
        ("webhook_username", USER),
        ("webhook_password", PASSWORD),
    ]
}

fn key_shop() -> Vec<(&'static str, &'static str)> {
    vec![
        ("seller_id", "2738"),
        ("webhook_auth", "api_key"),
        ("webhook_api_key", API_KEY),
    ]
}

fn basic(user: &str, password: &str) -> Vec<(String, String)> {
    let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    vec![
        ("Content-Type".into(), "application/json".into()),
        ("Authorization".into(), format!("Basic {token}")),
    ]
}

fn api_key(key: &str) -> Vec<(String, String)> {
    vec![
        ("Content-Type".into(), "application/json".into()),
        ("X-Api-Key".into(), key.into()),
    ]
}

/// A package as Trendyol delivers it, customer data included.
fn package(id: u64, status: &str, modified: i64) -> Value {
    let address = json!({
        "id": 91234,
        "firstName": "Ayşe",
        "lastName": "Yılmaz",
        "fullName": "Ayşe Yılmaz",
        "address1": "Bağdat Caddesi No:12 Daire 4",
        "fullAddress": "Bağdat Caddesi No:12 Daire 4 Kadıköy İstanbul",
        "city": "İstanbul",
        "district": "Kadıköy",
        "postalCode": "34710",
        "countryCode": "TR",
        "phone": "+90 532 123 45 67"
    });
    json!({
        "shipmentPackageId": id,
        "orderNumber": "10654411234",
        "orderDate": 1_718_010_000_000i64,
        "lastModifiedDate": modified,
        "status": status,
        "customerFirstName": "Ayşe",
        "customerLastName": "Yılmaz",
        "customerEmail": "pf+ayse.yilmaz@trendyolmail.com",
        "customerId": 5551234,
        "taxNumber": "12345678901",
        "identityNumber": "10000000146",
        "currencyCode": "TRY",
        "packageTotalPrice": 299.8,
        "shipmentAddress": address,
        "invoiceAddress": address,
        "lines": [{
            "lineId": 1, "barcode": "8690000000011", "stockCode": "MUG-01",
            "productName": "Porselen Kupa", "quantity": 2, "lineUnitPrice": 149.9
        }]
    })
}

fn body(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap()
}

async fn deliver(engine: &Engine, body: &[u8], headers: &[(String, String)]) -> Verdict {
    let delivery = Delivery {
        body,
        headers,
        remote_ip: "203.0.113.7",
    };
    tokio::time::timeout(Duration::from_secs(30), engine.accept_webhook(&delivery))
        .await
        .expect("must not hang")
}

/// verdict, seller_id, package_id, package_status, dedupe_key, queue_id, body_redacted.
type LogRow = (
    String,
    Option<u64>,
    Option<u64>,
    String,
    Option<String>,
    Option<u64>,
    String,
);

async fn rows<T: FromRow + Send + 'static>(tdb: &TestDatabase, query: &str) -> Vec<T> {
    let pool = tdb.pool();
    let mut conn = pool.get_conn().await.unwrap();
    let rows = conn.query(query).await.unwrap();
    drop(conn);
    pool.disconnect().await.unwrap();
    rows
}

#[tokio::test(flavor = "multi_thread")]
async fn credentials_are_required_and_checked() {
    let (tdb, engine) = shop(&basic_shop()).await;
    let valid = body(&package(3_291_832_133, "Created", 1_718_000_000_000));

    let v = deliver(&engine, &valid, &[]).await;
    assert_eq!((v.http_status, v.verdict.as_str()), (401, "rejected_auth"));
    assert_eq!(v.reason, "missing credentials");

    let v = deliver(&engine, &valid, &basic(USER, "Wh-pass:7781-lonG")).await;
    assert_eq!(
        (v.http_status, v.reason.as_str()),
        (401, "wrong credentials")
    );
    let v = deliver(&engine, &valid, &basic("someone", PASSWORD)).await;
    assert_eq!(v.http_status, 401);
    // An api key does not open a Basic shop.
    let v = deliver(&engine, &valid, &api_key(PASSWORD)).await;
    assert_eq!(
        (v.http_status, v.reason.as_str()),
        (401, "missing credentials")
    );
    let garbage = vec![("authorization".to_string(), "Basic %%%".to_string())];
    assert_eq!(deliver(&engine, &valid, &garbage).await.http_status, 401);

    let v = deliver(&engine, &valid, &basic(USER, PASSWORD)).await;
    assert_eq!(
        (v.http_status, v.verdict.as_str()),
        (200, "accepted"),
        "{v:?}"
    );
    assert_eq!((v.packages, v.queued, v.duplicates), (1, 1, 0));

    let logged: Vec<(u16, String, String, String, u32, Option<String>)> = rows(
        &tdb,
        "SELECT http_status, verdict, reason, remote_ip, body_bytes, body_redacted \
         FROM oc_trendyol_webhook_logs ORDER BY webhook_log_id",
    )
    .await;
    // The first refusal is logged at once; the four after it wait for the next interval's
    // aggregated row (see `refusals_are_one_row_per_interval_and_a_flood_cools_down`).
    assert_eq!(logged.len(), 2, "{logged:?}");
    let row = &logged[0];
    assert_eq!((row.0, row.1.as_str()), (401, "rejected_auth"));
    assert_eq!(row.2, "missing credentials");
    assert_eq!(row.3, "203.0.113.7");
    assert_eq!(row.4 as usize, valid.len());
    assert!(row.5.is_none(), "refused bodies are not kept");
    let all = format!("{logged:?}");
    assert!(!all.contains("lonG") && !all.contains(PASSWORD), "{all}");
    assert_eq!((logged[1].0, logged[1].1.as_str()), (200, "accepted"));
    tdb.drop_database().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn api_key_shops_and_unconfigured_shops() {
    let (tdb, engine) = shop(&key_shop()).await;
    let valid = body(&package(1001, "Created", 1_718_000_000_000));
    assert_eq!(
        deliver(&engine, &valid, &api_key("wh-key-wrong"))
            .await
            .http_status,
        401
    );
    assert_eq!(
        deliver(&engine, &valid, &basic(USER, API_KEY))
            .await
            .http_status,
        401
    );
    let v = deliver(&engine, &valid, &api_key(API_KEY)).await;
    assert_eq!((v.http_status, v.queued), (200, 1), "{v:?}");
    tdb.drop_database().await;

    // No credential configured: nothing is accepted, whatever is presented.
    let (tdb, engine) = shop(&[("seller_id", "2738"), ("webhook_auth", "api_key")]).await;
    let v = deliver(&engine, &valid, &api_key("")).await;
    assert_eq!((v.http_status, v.verdict.as_str()), (401, "rejected_auth"));
    assert_eq!(v.reason, "webhook credentials are not configured");
    let v = deliver(&engine, &valid, &api_key("anything")).await;
    assert_eq!(v.reason, "webhook credentials are not configured");
    let reasons: Vec<String> = rows(&tdb, "SELECT reason FROM oc_trendyol_webhook_logs").await;
    assert_eq!(reasons, vec!["webhook credentials are not configured"]);
    let queued: Vec<u64> = rows(&tdb, "SELECT COUNT(*) FROM oc_trendyol_sync_queue").await;
    assert_eq!(queued, vec![0]);
    tdb.drop_database().await;

    let (tdb, engine) = shop(&[("webhook_auth", "basic"), ("webhook_username", USER)]).await;
    let v = deliver(&engine, &valid, &basic(USER, "")).await;
    assert_eq!(v.reason, "webhook credentials are not configured");
    tdb.drop_database().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_bodies_are_400_and_logged() {
    let (tdb, engine) = shop(&key_shop()).await;
    let auth = api_key(API_KEY);

    let v = deliver(&engine, b"{\"shipmentPackageId\": 12,", &auth).await;
    assert_eq!((v.http_status, v.verdict.as_str()), (400, "rejected_body"));
    assert!(v.reason.starts_with("body is not JSON"), "{}", v.reason);

    let v = deliver(&engine, b"\xff\xfe{}", &auth).await;
    assert_eq!(v.http_status, 400);
    assert!(v.reason.contains("UTF-8"), "{}", v.reason);

    // JSON, but not a package: the parser's message, and the body kept redacted.
    let v = deliver(
        &engine,
        br#"{"shipmentPackageId":"abc","customerEmail":"x.y@example.com"}"#,
        &auth,
    )
    .await;
    assert_eq!(v.http_status, 400);
    assert!(v.reason.contains("shipment package"), "{}", v.reason);

    let v = deliver(&engine, &body(&json!({"status": "Created"})), &auth).await;
    assert_eq!(v.http_status, 400);
    assert!(v.reason.contains("shipmentPackageId"), "{}", v.reason);

    // A package of another seller points at a misconfigured subscription.
    let mut foreign = package(77, "Created", 1);
    foreign["sellerId"] = json!(999);
    let v = deliver(&engine, &body(&foreign), &auth).await;
    assert_eq!(v.http_status, 400);
    assert!(v.reason.contains("seller 999"), "{}", v.reason);

    let logged: Vec<(u16, String, String, Option<String>)> = rows(
        &tdb,
        "SELECT http_status, verdict, reason, body_redacted FROM oc_trendyol_webhook_logs \
         ORDER BY webhook_log_id",
    )
    .await;
    assert_eq!(logged.len(), 5);
    assert!(logged.iter().all(|r| r.0 == 400 && r.1 == "rejected_body"));
    assert!(logged[0].2.starts_with("body is not JSON"));
    assert!(logged[0].3.is_none() && logged[1].3.is_none());
    let kept = logged[2].3.as_deref().unwrap();
    assert!(
        kept.contains("abc") && !kept.contains("x.y@example.com"),
        "{kept}"
    );
    let queued: Vec<u64> = rows(&tdb, "SELECT COUNT(*) FROM oc_trendyol_sync_queue").await;
    assert_eq!(queued, vec![0]);
    tdb.drop_database().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn packages_are_queued_once_per_event_with_their_priority() {
    let (tdb, engine) = shop(&basic_shop()).await;
    let auth = basic(USER, PASSWORD);

    // The same delivery three times: one queue row, repeats answered 2xx as duplicates.
    let created = body(&package(500, "Created", 1_718_000_000_000));
    let first = deliver(&engine, &created, &auth).await;
    assert_eq!(
        (first.http_status, first.verdict.as_str()),
        (200, "accepted")
    );
    for _ in 0..2 {
        let again = deliver(&engine, &created, &auth).await;
        assert_eq!(
            (again.http_status, again.verdict.as_str()),
            (200, "duplicate")
        );
        assert_eq!((again.queued, again.duplicates), (0, 1));
    }

    // The same package in a new status is a new event.
    let shipped = body(&package(500, "Shipped", 1_718_000_500_000));
    assert_eq!(deliver(&engine, &shipped, &auth).await.queued, 1);

    // A page envelope of three packages: each queued.
    let page = json!({
        "totalElements": 3, "totalPages": 1, "page": 0, "size": 50,
        "content": [
            package(601, "Cancelled", 1_718_000_600_000),
            package(602, "Picking", 1_718_000_600_001),
            package(603, "UnSupplied", 1_718_000_600_002),
        ]
    });
    let v = deliver(&engine, &body(&page), &auth).await;
    assert_eq!(
        (v.http_status, v.packages, v.queued, v.duplicates),
        (200, 3, 3, 0)
    );
    let v = deliver(&engine, &body(&page), &auth).await;
    assert_eq!(
        (v.http_status, v.verdict.as_str(), v.duplicates),
        (200, "duplicate", 3)
    );

    let queue: Vec<(String, u8, String, String)> = rows(
        &tdb,
        "SELECT event_type, priority, dedupe_key, payload FROM oc_trendyol_sync_queue \
         ORDER BY queue_id",
    )
    .await;
    let kinds: Vec<(&str, u8)> = queue.iter().map(|r| (r.0.as_str(), r.1)).collect();
    assert_eq!(
        kinds,
        vec![
            ("ORDER_CREATED", 1),
            ("SHIPMENT_CREATED", 2),
            ("ORDER_CANCELLED", 1),
            ("ORDER_STATUS_CHANGED", 2),
            ("ORDER_CANCELLED", 1),
        ]
    );
    assert_eq!(queue[0].2, "pkg:2738:500:Created:1718000000000");
    let payload: Value = serde_json::from_str(&queue[0].3).unwrap();
    assert_eq!(
        payload,
        json!({"seller_id": SELLER, "package_id": 500, "status": "Created",
               "last_modified": 1_718_000_000_000i64, "order_number": "10654411234"})
    );

    // Every package is on record with its verdict, queue row and a redacted body.
    let logged: Vec<LogRow> = rows(
        &tdb,
        "SELECT verdict, seller_id, package_id, package_status, dedupe_key, queue_id, \
             body_redacted FROM oc_trendyol_webhook_logs ORDER BY webhook_log_id",
    )
    .await;
    let verdicts: Vec<&str> = logged.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(
        verdicts,
        [
            "accepted",
            "duplicate",
            "duplicate",
            "accepted",
            "accepted",
            "accepted",
            "accepted",
            "duplicate",
            "duplicate",
            "duplicate"
        ]
    );
    assert_eq!(logged[1].1, Some(SELLER));
    assert_eq!(logged[1].2, Some(500));
    assert_eq!(logged[1].3, "Created");
    assert_eq!(
        logged[1].4.as_deref(),
        Some("pkg:2738:500:Created:1718000000000")
    );
    assert_eq!(
        logged[1].5, logged[0].5,
        "a duplicate points at the first row"
    );
    for row in &logged {
        let text = &row.6;
        for secret in [
            "ayse.yilmaz",
            "trendyolmail",
            "Ayşe",
            "Yılmaz",
            "Bağdat",
            "Kadıköy",
            "34710",
            "532 123",
            "12345678901",
            "10000000146",
        ] {
            assert!(!text.contains(secret), "{secret} logged: {text}");
        }
        assert!(text.contains("8690000000011"), "ids stay readable: {text}");
    }
    tdb.drop_database().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_database_that_is_down_is_a_500_not_a_panic() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut config = EngineConfig::new(DbConfig {
        host: "127.0.0.1".into(),
        port,
        socket: None,
        user: "root".into(),
        password: String::new(),
        database: "meschain_nowhere".into(),
        prefix: "oc_".into(),
    });
    config.connect_timeout = Duration::from_millis(800);
    config.log_dir = Some(log_dir());
    config.setting_overrides = key_shop()
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let engine = Engine::new(config).unwrap();
    let v = deliver(&engine, &body(&package(1, "Created", 1)), &api_key(API_KEY)).await;
    assert_eq!((v.http_status, v.verdict.as_str()), (500, "error"), "{v:?}");
    assert!(!v.is_success());
}

async fn deliver_from(
    engine: &Engine,
    body: &[u8],
    headers: &[(String, String)],
    remote_ip: &str,
) -> Verdict {
    let delivery = Delivery {
        body,
        headers,
        remote_ip,
    };
    tokio::time::timeout(Duration::from_secs(30), engine.accept_webhook(&delivery))
        .await
        .expect("must not hang")
}

/// A flood of junk credentials: answered from memory (it goes on being answered with the
/// database gone), one log row for all of it, the source cooled down with 429 and Retry-After,
/// and the right credential still let in — from any source when it is a strong one.
#[tokio::test(flavor = "multi_thread")]
async fn refusals_are_one_row_per_interval_and_a_flood_cools_down() {
    use meschain_engine::inbox::gate::{COOLDOWN, FAILURE_LIMIT};
    const STRONG: &str = "wh-key-5f0c2a9d41-8e77b03c95d1";
    let (tdb, engine) = shop(&[
        ("seller_id", "2738"),
        ("webhook_auth", "api_key"),
        ("webhook_api_key", STRONG),
    ])
    .await;
    let valid = body(&package(4001, "Created", 1_718_000_000_000));
    let attacker = "198.51.100.66";
    let mut statuses = Vec::new();
    for i in 0..500 {
        let v = deliver_from(&engine, &valid, &api_key(&format!("guess-{i}")), attacker).await;
        statuses.push(v.http_status);
        if v.http_status == 429 {
            assert_eq!(v.verdict, "throttled");
            let wait = v.retry_after.expect("a 429 says when to come back");
            assert!((1..=COOLDOWN.as_secs()).contains(&wait), "{v:?}");
        } else {
            assert_eq!((v.http_status, v.retry_after), (401, None), "{v:?}");
        }
    }
    let limit = FAILURE_LIMIT as usize;
    assert!(statuses[..limit].iter().all(|s| *s == 401), "{statuses:?}");
    assert!(statuses[limit..].iter().all(|s| *s == 429), "{statuses:?}");

    let logged: Vec<(u16, String, String)> = rows(
        &tdb,
        "SELECT http_status, remote_ip, reason FROM oc_trendyol_webhook_logs",
    )
    .await;
    assert_eq!(
        logged,
        vec![(401, attacker.to_string(), "wrong credentials".to_string())],
        "500 refusals, one row"
    );

    // The right (strong) key passes, from the cooled source and from any other.
    let v = deliver_from(&engine, &valid, &api_key(STRONG), attacker).await;
    assert_eq!(v.http_status, 200, "{v:?}");
    let other = body(&package(4002, "Created", 1_718_000_000_000));
    let v = deliver_from(&engine, &other, &api_key(STRONG), "203.0.113.50").await;
    assert_eq!(v.http_status, 200, "{v:?}");

    // With the database gone, junk is still answered from memory: 401/429, never a 500.
    let name = tdb.name().to_string();
    let pool = tdb.pool();
    let mut conn = pool.get_conn().await.unwrap();
    conn.query_drop(format!("DROP DATABASE `{name}`"))
        .await
        .unwrap();
    drop(conn);
    pool.disconnect().await.unwrap();
    for i in 0..200 {
        let v = deliver_from(
            &engine,
            &valid,
            &api_key(&format!("later-{i}")),
            "203.0.113.51",
        )
        .await;
        assert!(matches!(v.http_status, 401 | 429), "refusal {i}: {v:?}");
    }
    let v = deliver_from(&engine, &valid, &api_key("x"), attacker).await;
    assert_eq!(v.http_status, 429, "{v:?}");
    engine.close().await;
}

/// A short credential from before the length rule: during a cool-down even the right one is
/// turned away, so guessing it is slowed to a few tries a minute.
#[tokio::test(flavor = "multi_thread")]
async fn a_weak_credential_does_not_pass_a_cool_down() {
    use meschain_engine::inbox::gate::FAILURE_LIMIT;
    let (tdb, engine) = shop(&key_shop()).await;
    let valid = body(&package(5001, "Created", 1_718_000_000_000));
    for i in 0..FAILURE_LIMIT {
        let v = deliver_from(&engine, &valid, &api_key(&format!("g{i}")), "198.51.100.67").await;
        assert_eq!(v.http_status, 401);
    }
    let v = deliver_from(&engine, &valid, &api_key(API_KEY), "198.51.100.67").await;
    assert_eq!(v.http_status, 429, "{v:?}");
    let v = deliver_from(&engine, &valid, &api_key(API_KEY), "198.51.100.68").await;
    assert_eq!(v.http_status, 200, "another source is not affected: {v:?}");
    tdb.drop_database().await;
}
