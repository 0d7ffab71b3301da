//! The Trendyol client against the sandbox over real HTTP: every endpoint, every error class,
//! and the rule that a write whose outcome is unknown is never sent twice.

use std::sync::Arc;
use std::time::{Duration, Instant};

use meschain_engine::config::settings::Secret;
use meschain_engine::db::{migrations, Database};
use meschain_engine::limiter::{CooldownPolicy, LimiterConfig, QuotaConfig, RateLimiter};
use meschain_engine::testing::TestDatabase;
use meschain_engine::trendyol::classify::{classify_status, describe_error_body};
use meschain_engine::trendyol::*;
use meschain_engine::{ApiErrorClass, Error};
use serde_json::{json, Value};
use trendyol_sandbox::{spawn, LimitConfig, RunningSandbox, SandboxConfig};
use trendyol_wire::claims::RejectClaimRequest;
use trendyol_wire::inventory::PriceInventoryItem;
use trendyol_wire::orders::{
    InvoiceLinkRequest, LineQuantity, StatusUpdateRequest, UnsuppliedRequest,
};
use trendyol_wire::products::{
    ArchiveItem, AttributeV1, AttributeV2, ContentUpdateItem, Image, ProductV1Item, ProductV2Item,
    VariantUpdateItem,
};
use trendyol_wire::webhooks::WebhookRequest;

const SELLER: u64 = 1001;
const KEY: &str = "demo-api-key";
const SECRET: &str = "demo-api-secret";

async fn sandbox(limits: bool) -> RunningSandbox {
    install_crypto_provider();
    let config = SandboxConfig {
        limits: LimitConfig {
            enabled: limits,
            ..LimitConfig::default()
        },
        settings: trendyol_sandbox::Settings {
            approval_delay_ms: 0,
            reject_share: 0.0,
            batch_delay_ms: 0,
            awaiting_delay_ms: 0,
            ..trendyol_sandbox::Settings::default()
        },
        ..SandboxConfig::default()
    };
    spawn(config).await.expect("sandbox starts")
}

/// Small timeouts and backoffs, so failure paths run in milliseconds.
fn config(base: &str) -> ClientConfig {
    let mut c = ClientConfig::new(
        base,
        SELLER,
        Secret::new(KEY),
        Secret::new(SECRET),
        "MesChainTests",
    );
    c.connect_timeout = Duration::from_millis(500);
    c.request_timeout = Duration::from_millis(2_000);
    c.call_budget = Duration::from_secs(10);
    c.retry = RetryPolicy {
        max_attempts: 3,
        base_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(20),
    };
    c.circuit = CircuitPolicy {
        failure_threshold: 100,
        cool_off: Duration::from_millis(200),
    };
    c.limiter = LimiterConfig {
        cooldown: CooldownPolicy {
            base: Duration::from_millis(20),
            max: Duration::from_millis(100),
            ..CooldownPolicy::default()
        },
        ..LimiterConfig::default()
    };
    c
}

fn memory_client(c: ClientConfig) -> TrendyolClient {
    let limiter = RateLimiter::in_memory(c.seller_id, c.limiter.clone());
    TrendyolClient::with_limiter(c, limiter).expect("client")
}

async fn control(sb: &RunningSandbox, method: reqwest::Method, path: &str, body: Value) -> Value {
    let http = reqwest::Client::new();
    let r = http
        .request(method, format!("{}{path}", sb.base_url()))
        .json(&body)
        .send()
        .await
        .expect("control call");
    assert!(r.status().is_success(), "{path}: {}", r.status());
    r.json().await.expect("control json")
}

async fn requests(sb: &RunningSandbox, prefix: &str) -> Vec<Value> {
    let http = reqwest::Client::new();
    let v: Value = http
        .get(format!("{}/__sandbox/requests", sb.base_url()))
        .query(&[("path_prefix", prefix), ("limit", "100000")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["requests"].as_array().cloned().unwrap_or_default()
}

async fn faults(sb: &RunningSandbox, patch: Value) {
    control(sb, reqwest::Method::POST, "/__sandbox/faults", patch).await;
}

fn api_class(e: &Error) -> (ApiErrorClass, Option<u16>, String) {
    match e {
        Error::Api {
            class,
            status,
            message,
            ..
        } => (*class, *status, message.clone()),
        other => panic!("not an API error: {other}"),
    }
}

fn v2_item(barcode: &str) -> ProductV2Item {
    ProductV2Item {
        barcode: barcode.into(),
        title: "MesChain test dress".into(),
        product_main_id: format!("MAIN-{barcode}"),
        brand_id: Some(1791),
        category_id: Some(411),
        quantity: Some(10),
        stock_code: format!("STK-{barcode}"),
        dimensional_weight: Some(1.0),
        description: "A dress".into(),
        currency_type: Some("TRY".into()),
        list_price: Some(200.0),
        sale_price: Some(150.0),
        vat_rate: Some(20),
        cargo_providers: vec!["YKMP".into()],
        images: vec![Image {
            url: "https://example.com/a.jpg".into(),
        }],
        attributes: vec![AttributeV2 {
            attribute_id: 47,
            attribute_value: Some("black".into()),
            ..Default::default()
        }],
        ..Default::default()
    }
}

fn v1_item(barcode: &str) -> ProductV1Item {
    ProductV1Item {
        barcode: barcode.into(),
        title: "MesChain test dress v1".into(),
        product_main_id: format!("MAIN-{barcode}"),
        brand_id: Some(1791),
        category_id: Some(411),
        quantity: Some(5),
        stock_code: format!("STK-{barcode}"),
        dimensional_weight: Some(1.0),
        description: "A dress".into(),
        currency_type: Some("TRY".into()),
        list_price: Some(100.0),
        sale_price: Some(90.0),
        vat_rate: Some(20),
        cargo_company_id: Some(10),
        images: vec![Image {
            url: "https://example.com/b.jpg".into(),
        }],
        attributes: vec![AttributeV1 {
            attribute_id: 47,
            custom_attribute_value: Some("red".into()),
            ..Default::default()
        }],
        ..Default::default()
    }
}

#[tokio::test]
async fn every_endpoint_round_trips_through_the_shared_limiter() {
    let sb = sandbox(true).await;
    let tdb = TestDatabase::create("oc_").await;
    let db = Database::new(&tdb.config, Duration::from_secs(5), Duration::from_secs(10)).unwrap();
    migrations::migrate(&db).await.unwrap();
    let client = TrendyolClient::new(config(&sb.base_url()), &db).unwrap();
    assert!(client.limiter().is_shared());
    let run = Arc::new(CallMetrics::new());
    let c = client
        .with_metrics(run.clone())
        .with_deadline(Instant::now() + Duration::from_secs(50));

    // Reference data.
    assert!(!c
        .brands(Paging::new(0, 100))
        .await
        .unwrap()
        .brands
        .is_empty());
    let by_name = c.brands_by_name("MesChain Demo").await.unwrap();
    assert!(by_name.iter().any(|b| b.id == 1791), "{by_name:?}");
    let tree = c.categories().await.unwrap();
    assert!(tree.find(411).is_some_and(|n| n.is_leaf()));
    let attrs = c.category_attributes(411).await.unwrap();
    assert!(!attrs.category_attributes.is_empty());
    let values = c
        .attribute_values(411, 338, Paging::new(0, 50))
        .await
        .unwrap();
    assert!(!values.content.is_empty());
    assert!(!c.cargo_providers().await.unwrap().is_empty());

    // Products.
    let created = c.create_products(&[v2_item("MC-V2-1")]).await.unwrap();
    let batch = c.batch_result(&created.batch_request_id).await.unwrap();
    assert_eq!(batch.batch_request_id, created.batch_request_id);
    let v1 = c.create_products_v1(&[v1_item("MC-V1-1")]).await.unwrap();
    assert!(!v1.batch_request_id.is_empty());
    c.update_products_v1(&[v1_item("MC-V1-1")]).await.unwrap();
    c.update_unapproved_products(&[v2_item("MC-V2-1")])
        .await
        .unwrap();
    let filtered = c
        .filter_products(&ProductFilter {
            barcode: Some("MC-V2-1".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        filtered.content.first().map(|p| p.barcode.as_str()),
        Some("MC-V2-1")
    );
    control(
        &sb,
        reqwest::Method::POST,
        "/__sandbox/products/seed",
        json!({"count": 3, "prefix": "MCS"}),
    )
    .await;
    let approved = c
        .approved_products(&ProductListQuery {
            size: Some(100),
            ..Default::default()
        })
        .await
        .unwrap();
    let content = approved
        .content
        .first()
        .expect("an approved product")
        .clone();
    let barcode = content.variants[0].barcode.clone();
    c.unapproved_products(&ProductListQuery::default())
        .await
        .unwrap();
    c.update_product_content(&[ContentUpdateItem {
        content_id: content.content_id,
        title: Some("New title".into()),
        ..Default::default()
    }])
    .await
    .unwrap();
    c.update_product_variants(&[VariantUpdateItem {
        barcode: barcode.clone(),
        vat_rate: Some(10),
        ..Default::default()
    }])
    .await
    .unwrap();
    let stock = c
        .update_price_inventory(&[PriceInventoryItem {
            barcode: barcode.clone(),
            quantity: Some(7),
            ..Default::default()
        }])
        .await
        .unwrap();
    assert!(!c
        .batch_result(&stock.batch_request_id)
        .await
        .unwrap()
        .batch_request_id
        .is_empty());
    c.archive_products(&[ArchiveItem {
        barcode: "MC-V1-1".into(),
        archived: true,
    }])
    .await
    .unwrap();
    c.delete_products(&["MC-V1-1".to_string()]).await.unwrap();

    // Orders.
    let generated = control(
        &sb,
        reqwest::Method::POST,
        "/__sandbox/orders/generate",
        json!({"count": 4}),
    )
    .await;
    assert_eq!(generated["packageIds"].as_array().map(Vec::len), Some(4));
    let page = c
        .orders(&OrdersQuery {
            size: Some(50),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(page.content.len() >= 4);
    let stream = c
        .orders_stream(&OrderStreamQuery {
            size: Some(50),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(!stream.content.is_empty());
    let pkgs: Vec<_> = page
        .content
        .iter()
        .filter(|p| p.status.as_ref().map(|s| s.as_str()) == Some("Created"))
        .cloned()
        .collect();
    assert!(
        pkgs.len() >= 3,
        "{:?}",
        page.content
            .iter()
            .map(|p| p.status.clone())
            .collect::<Vec<_>>()
    );
    let lines = |p: &trendyol_wire::ShipmentPackage| -> Vec<LineQuantity> {
        p.lines
            .iter()
            .map(|l| LineQuantity {
                line_id: l.line_id.unwrap(),
                quantity: l.quantity.unwrap_or(1),
            })
            .collect()
    };
    let first = &pkgs[0];
    c.update_package_status(
        first.shipment_package_id.unwrap(),
        &StatusUpdateRequest {
            lines: lines(first),
            status: "Picking".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    c.update_tracking_number(pkgs[1].shipment_package_id.unwrap(), "TRK123456")
        .await
        .unwrap();
    c.unsupply_package(
        pkgs[2].shipment_package_id.unwrap(),
        &UnsuppliedRequest {
            lines: lines(&pkgs[2])[..1].to_vec(),
            reason_id: Some(500),
        },
    )
    .await
    .unwrap();
    c.send_invoice_link(&InvoiceLinkRequest {
        invoice_link: "https://example.com/invoice.pdf".into(),
        shipment_package_id: first.shipment_package_id.unwrap(),
    })
    .await
    .unwrap();
    // A second link is Trendyol's 409: permanent, not retried.
    let again = c
        .send_invoice_link(&InvoiceLinkRequest {
            invoice_link: "https://example.com/invoice2.pdf".into(),
            shipment_package_id: first.shipment_package_id.unwrap(),
        })
        .await
        .unwrap_err();
    assert_eq!(api_class(&again).0, ApiErrorClass::Permanent);
    assert_eq!(api_class(&again).1, Some(409));

    // Claims.
    control(
        &sb,
        reqwest::Method::POST,
        "/__sandbox/claims/generate",
        json!({"count": 2}),
    )
    .await;
    let claims = c
        .claims(&ClaimsQuery {
            size: Some(50),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(claims.content.len() >= 2);
    let items = |i: usize| -> Vec<String> {
        claims.content[i]
            .items
            .iter()
            .flat_map(|l| l.claim_items.iter().map(|ci| ci.id.clone()))
            .collect()
    };
    c.approve_claim(&claims.content[0].id, &items(0))
        .await
        .unwrap();
    let reasons = c.claim_issue_reasons().await.unwrap();
    c.reject_claim(
        &claims.content[1].id,
        &RejectClaimRequest {
            claim_issue_reason_id: reasons[0].id,
            claim_item_id_list: items(1),
            description: "Damaged by the customer".into(),
        },
    )
    .await
    .unwrap();

    // Customer questions: filtered, read back by id, answered.
    let asked = control(
        &sb,
        reqwest::Method::POST,
        "/__sandbox/questions/seed",
        json!({"productMainId": "MAIN-1", "productName": "Test ürünü"}),
    )
    .await;
    let question_id = asked["questionId"].as_u64().expect("a seeded question id");
    let waiting = c
        .questions(&QuestionsQuery {
            status: Some("WAITING_FOR_ANSWER".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(waiting.content.iter().any(|q| q.id == question_id));
    assert_eq!(c.question(question_id).await.unwrap().id, question_id);
    c.answer_question(question_id, "Evet, stokta var ve yarın kargoda.")
        .await
        .unwrap();

    // Webhooks.
    let hook = WebhookRequest {
        url: "http://127.0.0.1:9/meschain-hook".into(),
        authentication_type: Some("API_KEY".into()),
        api_key: Some("hook-key-123".into()),
        subscribed_statuses: vec!["CREATED".into()],
        ..Default::default()
    };
    let id = c.create_webhook(&hook).await.unwrap().id;
    assert!(c.webhooks().await.unwrap().iter().any(|w| w.id == id));
    c.update_webhook(
        &id,
        &WebhookRequest {
            subscribed_statuses: vec![],
            ..hook.clone()
        },
    )
    .await
    .unwrap();
    c.deactivate_webhook(&id).await.unwrap();
    c.activate_webhook(&id).await.unwrap();
    c.delete_webhook(&id).await.unwrap();

    // Every endpoint class reached its sandbox endpoint with a 2xx, and every request carried
    // the required User-Agent.
    let counters = control(
        &sb,
        reqwest::Method::GET,
        "/__sandbox/counters",
        Value::Null,
    )
    .await;
    for class in EndpointClass::ALL {
        let by_status = &counters["byEndpoint"][class.name()];
        let ok = by_status
            .as_object()
            .map(|m| {
                m.iter()
                    .any(|(s, n)| s.starts_with('2') && n.as_u64() > Some(0))
            })
            .unwrap_or(false);
        assert!(ok, "{} never answered 2xx: {by_status}", class.name());
    }
    assert_eq!(counters["byStatus"].get("429"), None, "{counters}");
    for r in requests(&sb, "/integration").await {
        assert_eq!(r["headers"]["user-agent"], "1001 - MesChainTests");
    }
    let snap = run.snapshot();
    assert_eq!(snap.classes.len(), EndpointClass::ALL.len());
    assert_eq!(
        snap.failed,
        1,
        "only the deliberate 409: {:?}",
        snap.errors_by_class()
    );
    assert_eq!(snap.rate_limited, 0);

    // The limiter's state is in the shop's database.
    use mysql_async::prelude::Queryable;
    let mut conn = tdb.pool().get_conn().await.unwrap();
    let rows: Option<(i64, i64)> = conn
        .query_first("SELECT COUNT(*), SUM(grants) FROM oc_trendyol_rate_limits")
        .await
        .unwrap();
    let (buckets, grants) = rows.unwrap();
    assert!(buckets >= EndpointClass::ALL.len() as i64, "{buckets}");
    assert!(
        grants >= snap.attempts as i64 * 3,
        "{grants} vs {}",
        snap.attempts
    );
    drop(conn);
    db.close().await;
    tdb.drop_database().await;
    sb.shutdown().await.unwrap();
}

#[tokio::test]
async fn auth_errors_stop_at_once() {
    let sb = sandbox(false).await;
    // 401: wrong secret.
    let mut bad = config(&sb.base_url());
    bad.api_secret = Secret::new("wrong-secret-value");
    let c = memory_client(bad);
    let err = c.orders(&OrdersQuery::default()).await.unwrap_err();
    let (class, status, message) = api_class(&err);
    assert_eq!((class, status), (ApiErrorClass::Auth, Some(401)));
    assert!(
        message.contains("ClientApiAuthenticationException"),
        "{message}"
    );
    assert!(!err.to_string().contains("wrong-secret-value"));
    assert_eq!(
        requests(&sb, "/integration/order").await.len(),
        1,
        "an auth error is not retried"
    );

    // 403: a User-Agent naming a seller the credentials do not own.
    let mut other = config(&sb.base_url());
    other.seller_id = 1002;
    let c = memory_client(other);
    let err = c.claims(&ClaimsQuery::default()).await.unwrap_err();
    assert_eq!(api_class(&err).0, ApiErrorClass::Auth);
    assert_eq!(api_class(&err).1, Some(403));
    assert_eq!(
        requests(&sb, "/integration/order/sellers/1002").await.len(),
        1
    );

    // 403 without a User-Agent: the sandbox refuses it like Trendyol, and that answer is `Auth`.
    let raw = reqwest::Client::new()
        .get(format!(
            "{}/integration/order/sellers/1001/orders",
            sb.base_url()
        ))
        .basic_auth(KEY, Some(SECRET))
        .send()
        .await
        .unwrap();
    let status = raw.status().as_u16();
    let body = raw.bytes().await.unwrap();
    assert_eq!(status, 403);
    assert_eq!(classify_status(status, false), ApiErrorClass::Auth);
    assert!(describe_error_body(status, &body).contains("user.agent.required"));
    // The client itself always sends it.
    let ok = memory_client(config(&sb.base_url()));
    ok.orders(&OrdersQuery::default()).await.unwrap();
    let last = requests(&sb, "/integration/order/sellers/1001/orders").await;
    assert_eq!(
        last.last().unwrap()["headers"]["user-agent"],
        "1001 - MesChainTests"
    );
    sb.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_429_is_retried_after_a_shop_wide_cooldown_even_for_writes() {
    let sb = sandbox(false).await;
    control(
        &sb,
        reqwest::Method::POST,
        "/__sandbox/products/seed",
        json!({"count": 1, "prefix": "RL"}),
    )
    .await;
    faults(&sb, json!({"throttleShare": 1.0})).await;
    let c = memory_client(config(&sb.base_url()));
    let err = c.orders(&OrdersQuery::default()).await.unwrap_err();
    assert_eq!(api_class(&err).0, ApiErrorClass::RateLimited);
    assert!(api_class(&err).2.contains("too.many.requests"));
    assert_eq!(
        requests(&sb, "/integration/order").await.len(),
        3,
        "retried up to max_attempts"
    );
    assert!(c.limiter().slow_factor(EndpointClass::OrderList) < 1.0);

    // A write refused with 429 was not applied: it is retried too.
    let item = PriceInventoryItem {
        barcode: "RL000001".into(),
        quantity: Some(3),
        ..Default::default()
    };
    let err = c
        .update_price_inventory(std::slice::from_ref(&item))
        .await
        .unwrap_err();
    assert_eq!(api_class(&err).0, ApiErrorClass::RateLimited);
    assert_eq!(requests(&sb, "/integration/inventory").await.len(), 3);

    // Once Trendyol lets it through, the same call succeeds after the cooldown.
    faults(&sb, json!({"throttleShare": 0.0})).await;
    c.update_price_inventory(&[item]).await.unwrap();
    let snap = c.metrics().snapshot();
    assert_eq!(snap.rate_limited, 6);
    assert_eq!(snap.classes["inventory.price-and-inventory"].succeeded, 1);
    sb.shutdown().await.unwrap();
}

#[tokio::test]
async fn generic_exception_is_transient_for_reads_and_ambiguous_for_writes() {
    let sb = sandbox(false).await;
    faults(&sb, json!({"errorShare": 1.0})).await;
    let c = memory_client(config(&sb.base_url()));
    let err = c.orders(&OrdersQuery::default()).await.unwrap_err();
    let (class, status, message) = api_class(&err);
    assert_eq!((class, status), (ApiErrorClass::Transient, Some(500)));
    assert!(message.contains("generic.exception"), "{message}");
    assert_eq!(
        requests(&sb, "/integration/order/sellers/1001/orders")
            .await
            .len(),
        3
    );

    let err = c
        .update_package_status(
            1,
            &StatusUpdateRequest {
                status: "Picking".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(api_class(&err).0, ApiErrorClass::Ambiguous);
    assert_eq!(
        requests(&sb, "/integration/order/sellers/1001/shipment-packages")
            .await
            .len(),
        1
    );
    let snap = c.metrics().snapshot();
    assert_eq!(snap.classes["order.list"].by_status["500"], 3);
    assert_eq!(snap.classes["order.list"].retries, 2);
    sb.shutdown().await.unwrap();
}

#[tokio::test]
async fn malformed_json_is_retried_on_reads_and_never_on_writes() {
    let sb = sandbox(false).await;
    control(
        &sb,
        reqwest::Method::POST,
        "/__sandbox/products/seed",
        json!({"count": 1, "prefix": "MF"}),
    )
    .await;
    faults(&sb, json!({"malformedShare": 1.0})).await;
    let c = memory_client(config(&sb.base_url()));
    let err = c.categories().await.unwrap_err();
    assert_eq!(api_class(&err).0, ApiErrorClass::Transient);
    assert_eq!(
        requests(&sb, "/integration/product/product-categories")
            .await
            .len(),
        3
    );

    let err = c
        .update_price_inventory(&[PriceInventoryItem {
            barcode: "MF000001".into(),
            quantity: Some(4),
            ..Default::default()
        }])
        .await
        .unwrap_err();
    let (class, status, message) = api_class(&err);
    assert_eq!((class, status), (ApiErrorClass::Ambiguous, Some(200)));
    assert!(message.contains("reconcile"), "{message}");
    assert_eq!(requests(&sb, "/integration/inventory").await.len(), 1);
    // It was applied (the sandbox processes, then truncates): reading back says so.
    faults(&sb, json!({"malformedShare": 0.0})).await;
    let check = c
        .reconcile_price_inventory(&[PriceInventoryItem {
            barcode: "MF000001".into(),
            quantity: Some(4),
            ..Default::default()
        }])
        .await
        .unwrap();
    assert_eq!(check[0].check, ItemCheck::Applied);
    sb.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_hung_write_is_not_sent_twice_and_is_reconciled_by_reading() {
    let sb = sandbox(false).await;
    control(
        &sb,
        reqwest::Method::POST,
        "/__sandbox/products/seed",
        json!({"count": 1, "prefix": "HG"}),
    )
    .await;
    faults(&sb, json!({"hangShare": 1.0, "hangMs": 800})).await;
    let mut cfg = config(&sb.base_url());
    cfg.request_timeout = Duration::from_millis(250);
    let c = memory_client(cfg);

    // A read that hangs is retried.
    let err = c.cargo_providers().await.unwrap_err();
    assert_eq!(api_class(&err).0, ApiErrorClass::Transient);
    assert_eq!(
        c.metrics().snapshot().classes["product.cargo-providers"].attempts,
        3
    );

    let item = PriceInventoryItem {
        barcode: "HG000001".into(),
        quantity: Some(9),
        ..Default::default()
    };
    let err = c
        .update_price_inventory(std::slice::from_ref(&item))
        .await
        .unwrap_err();
    let (class, status, message) = api_class(&err);
    assert_eq!((class, status), (ApiErrorClass::Ambiguous, None));
    assert!(message.contains("may have been applied"), "{message}");

    // Give a late second send every chance to show up, then count.
    faults(&sb, json!({"hangShare": 0.0})).await;
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    // The sandbox logs a hung request on arrival, so its log is the witness of the wire.
    let logged = requests(&sb, "/integration/inventory").await;
    assert_eq!(
        logged.len(),
        1,
        "the hung write went out exactly once: {logged:?}"
    );
    assert_eq!(logged[0]["status"], 0, "and was never answered");

    // Reconcile: the hung request was not processed, so it is not visible; the caller may then
    // send it again as a new write, and reading back confirms it.
    let check = c
        .reconcile_price_inventory(std::slice::from_ref(&item))
        .await
        .unwrap();
    assert_eq!(check[0].check, ItemCheck::NotVisible);
    c.update_price_inventory(std::slice::from_ref(&item))
        .await
        .unwrap();
    assert_eq!(requests(&sb, "/integration/inventory").await.len(), 2);
    let check = c
        .reconcile_price_inventory(std::slice::from_ref(&item))
        .await
        .unwrap();
    assert_eq!(check[0].check, ItemCheck::Applied);
    let snap = c.metrics().snapshot();
    assert_eq!(
        snap.classes["inventory.price-and-inventory"].by_status["timeout"],
        1
    );
    sb.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_refused_connection_is_retried_even_for_writes() {
    install_crypto_provider();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let c = memory_client(config(&format!("http://127.0.0.1:{port}")));
    let err = c
        .update_price_inventory(&[PriceInventoryItem {
            barcode: "X".into(),
            quantity: Some(1),
            ..Default::default()
        }])
        .await
        .unwrap_err();
    let (class, status, message) = api_class(&err);
    assert_eq!((class, status), (ApiErrorClass::Transient, None));
    assert!(message.contains("not sent"), "{message}");
    let snap = c.metrics().snapshot();
    let m = &snap.classes["inventory.price-and-inventory"];
    assert_eq!((m.attempts, m.by_status["connect"]), (3, 3));
}

#[tokio::test]
async fn the_circuit_opens_after_repeated_failures() {
    let sb = sandbox(false).await;
    faults(&sb, json!({"errorShare": 1.0})).await;
    let mut cfg = config(&sb.base_url());
    cfg.circuit = CircuitPolicy {
        failure_threshold: 3,
        cool_off: Duration::from_millis(300),
    };
    let c = memory_client(cfg);
    assert_eq!(
        api_class(&c.orders(&OrdersQuery::default()).await.unwrap_err()).0,
        ApiErrorClass::Transient
    );
    assert_eq!(
        c.circuit_state(EndpointClass::OrderList),
        CircuitState::Open
    );
    let err = c.orders(&OrdersQuery::default()).await.unwrap_err();
    assert_eq!(api_class(&err).0, ApiErrorClass::CircuitOpen);
    assert_eq!(
        requests(&sb, "/integration/order").await.len(),
        3,
        "an open circuit sends nothing"
    );
    // Other endpoint classes still work.
    faults(&sb, json!({"errorShare": 0.0})).await;
    c.claim_issue_reasons().await.unwrap();
    // After the cool-off one probe goes out; its success closes the circuit.
    tokio::time::sleep(Duration::from_millis(350)).await;
    c.orders(&OrdersQuery::default()).await.unwrap();
    assert_eq!(
        c.circuit_state(EndpointClass::OrderList),
        CircuitState::Closed
    );
    sb.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_deadline_bounds_the_wait_for_a_slot() {
    let sb = sandbox(false).await;
    let mut cfg = config(&sb.base_url());
    let mut quota = QuotaConfig::default();
    quota.apply_overrides("order.list=1/60").unwrap();
    cfg.limiter.quota = quota;
    let c = memory_client(cfg);
    c.orders(&OrdersQuery::default()).await.unwrap();
    let hurried = c.with_deadline(Instant::now() + Duration::from_millis(200));
    let err = hurried.orders(&OrdersQuery::default()).await.unwrap_err();
    let (class, status, message) = api_class(&err);
    assert_eq!((class, status), (ApiErrorClass::RateLimited, None));
    assert!(message.contains("deadline"), "{message}");
    assert_eq!(requests(&sb, "/integration/order").await.len(), 1);
    sb.shutdown().await.unwrap();
}

#[tokio::test]
async fn credentials_never_show_in_errors_or_debug() {
    let c = memory_client(config("http://127.0.0.1:9"));
    let text = format!("{c:?} {:?}", c.config());
    assert!(!text.contains(SECRET) && !text.contains(KEY), "{text}");
    let err = c
        .orders(&OrdersQuery {
            order_number: Some("12345".into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    let shown = err.to_string();
    assert!(
        !shown.contains(SECRET) && !shown.contains("ZGVtby1hcGkta2V5"),
        "{shown}"
    );
    assert!(
        !shown.contains("orderNumber"),
        "no query strings in errors: {shown}"
    );
}
