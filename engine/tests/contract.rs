//! The Trendyol contract, pinned by Trendyol's documentation rather than by the shared wire
//! models: the goldens in `wire/tests/golden/` are written from developers.trendyol.com (each
//! names its page and the day it was read). Every endpoint the client knows needs one; every
//! golden answer, served over real HTTP, must parse through the client; every request the
//! client builds must use only the golden request's fields with the golden's JSON types — a
//! comparison made here over `serde_json::Value`, independent of the wire structs.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use meschain_engine::config::settings::Secret;
use meschain_engine::limiter::RateLimiter;
use meschain_engine::trendyol::*;
use serde_json::Value;

#[path = "../../wire/tests/support/json_kind.rs"]
mod json_kind;
use json_kind::kind;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use trendyol_wire::claims::RejectClaimRequest;
use trendyol_wire::inventory::PriceInventoryItem;
use trendyol_wire::orders::{
    InvoiceLinkRequest, LineQuantity, StatusUpdateRequest, UnsuppliedRequest,
};
use trendyol_wire::products::{ArchiveItem, ContentUpdateItem, ProductV2Item, VariantUpdateItem};
use trendyol_wire::webhooks::WebhookRequest;

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../wire/tests/golden")
}

fn golden(name: &str) -> Value {
    let path = golden_dir().join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path:?}: {e}"))
}

/// What the test server saw.
#[derive(Debug, Clone, Default)]
struct Seen {
    method: String,
    path: String,
    body: Vec<u8>,
}

/// A one-answer HTTP server on 127.0.0.1: every request gets `status` and `body`.
async fn serve(status: u16, body: Vec<u8>) -> (String, Arc<Mutex<Vec<Seen>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let body = body.clone();
            let log = log.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 8192];
                let head_end = loop {
                    let n = sock.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        break i + 4;
                    }
                };
                let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
                let length = head
                    .lines()
                    .find_map(|l| {
                        let (k, v) = l.split_once(':')?;
                        k.eq_ignore_ascii_case("content-length")
                            .then(|| v.trim().parse::<usize>().ok())?
                    })
                    .unwrap_or(0);
                while buf.len() < head_end + length {
                    let n = sock.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        break;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                }
                let mut first = head.lines().next().unwrap_or("").split(' ');
                let method = first.next().unwrap_or("").to_string();
                let path = first.next().unwrap_or("").to_string();
                log.lock().unwrap().push(Seen {
                    method,
                    path,
                    body: buf[head_end..].to_vec(),
                });
                let reason = if status < 300 { "OK" } else { "Error" };
                let head = format!(
                    "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = sock.write_all(head.as_bytes()).await;
                let _ = sock.write_all(&body).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    (base, seen)
}

fn client(base: &str) -> TrendyolClient {
    install_crypto_provider();
    let mut c = ClientConfig::new(
        base,
        1001,
        Secret::new("k"),
        Secret::new("s"),
        "MesChainTests",
    );
    c.call_budget = Duration::from_secs(5);
    c.retry = RetryPolicy {
        max_attempts: 1,
        ..RetryPolicy::default()
    };
    let limiter = RateLimiter::in_memory(c.seller_id, c.limiter.clone());
    TrendyolClient::with_limiter(c, limiter).unwrap()
}

/// Every field of `sent` exists in `golden` with the same JSON type (null in the golden means
/// "either"), recursively; arrays element by element.
fn shape_within(sent: &Value, golden: &Value, at: &str, problems: &mut Vec<String>) {
    match (sent, golden) {
        (_, Value::Null) | (Value::Null, _) => {}
        (Value::Object(s), Value::Object(g)) => {
            for (k, v) in s {
                match g.get(k) {
                    None => problems.push(format!("{at}.{k}: not a documented field")),
                    Some(gv) => shape_within(v, gv, &format!("{at}.{k}"), problems),
                }
            }
        }
        (Value::Array(s), Value::Array(g)) => {
            // The golden's elements together show every documented form of an element (an
            // attribute by value id or by free text).
            let mut union = serde_json::Map::new();
            for e in g {
                if let Value::Object(o) = e {
                    for (k, v) in o {
                        union.entry(k.clone()).or_insert_with(|| v.clone());
                    }
                }
            }
            let g0 = if union.is_empty() {
                g.first().cloned().unwrap_or(Value::Null)
            } else {
                Value::Object(union)
            };
            for (i, v) in s.iter().enumerate() {
                shape_within(v, &g0, &format!("{at}[{i}]"), problems);
            }
        }
        (s, g) if kind(s) != kind(g) => problems.push(format!(
            "{at}: sent {} where the documentation has {}",
            kind(s),
            kind(g)
        )),
        _ => {}
    }
}

/// The golden path with `{…}` segments as wildcards.
fn path_matches(template: &str, path: &str) -> bool {
    let path = path.split('?').next().unwrap_or("");
    let t: Vec<&str> = template.split('/').collect();
    let p: Vec<&str> = path.split('/').collect();
    t.len() == p.len() && t.iter().zip(&p).all(|(a, b)| a.starts_with('{') || a == b)
}

fn from_golden<T: serde::de::DeserializeOwned>(v: &Value) -> T {
    serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("golden request: {e}"))
}

/// Calls the client method of `class` with arguments taken from the golden request.
async fn call(c: &TrendyolClient, class: EndpointClass, g: &Value) -> Result<(), String> {
    let req = &g["request"];
    let items = || req["items"].clone();
    let r: meschain_engine::Result<()> = match class {
        EndpointClass::Brands => c.brands(Paging::new(0, 1000)).await.map(|_| ()),
        EndpointClass::BrandsByName => c.brands_by_name("Marka A").await.map(|_| ()),
        EndpointClass::Categories => c.categories().await.map(|_| ()),
        EndpointClass::CategoryAttributes => c.category_attributes(411).await.map(|_| ()),
        EndpointClass::AttributeValues => c
            .attribute_values(411, 338, Paging::new(0, 1000))
            .await
            .map(|_| ()),
        EndpointClass::CargoProviders => c.cargo_providers().await.map(|_| ()),
        EndpointClass::ProductCreateV1 => c
            .create_products_v1(&from_golden::<Vec<_>>(&items()))
            .await
            .map(|_| ()),
        EndpointClass::ProductUpdateV1 => c
            .update_products_v1(&from_golden::<Vec<_>>(&items()))
            .await
            .map(|_| ()),
        EndpointClass::ProductFilter => c
            .filter_products(&ProductFilter {
                barcode: Some("barkod-1234".into()),
                ..Default::default()
            })
            .await
            .map(|_| ()),
        EndpointClass::ProductDelete => c
            .delete_products(&["barkod-1234".to_string()])
            .await
            .map(|_| ()),
        EndpointClass::ProductCreateV2 => c
            .create_products(&from_golden::<Vec<ProductV2Item>>(&items()))
            .await
            .map(|_| ()),
        EndpointClass::ProductUpdateUnapproved => c
            .update_unapproved_products(&from_golden::<Vec<ProductV2Item>>(&items()))
            .await
            .map(|_| ()),
        EndpointClass::ProductUpdateContent => c
            .update_product_content(&from_golden::<Vec<ContentUpdateItem>>(&items()))
            .await
            .map(|_| ()),
        EndpointClass::ProductUpdateVariant => c
            .update_product_variants(&from_golden::<Vec<VariantUpdateItem>>(&items()))
            .await
            .map(|_| ()),
        EndpointClass::ProductsApproved => c
            .approved_products(&ProductListQuery::default())
            .await
            .map(|_| ()),
        EndpointClass::ProductsUnapproved => c
            .unapproved_products(&ProductListQuery::default())
            .await
            .map(|_| ()),
        EndpointClass::ProductArchive => c
            .archive_products(&from_golden::<Vec<ArchiveItem>>(&items()))
            .await
            .map(|_| ()),
        EndpointClass::BatchResult => c.batch_result("83000af7-8bc1").await.map(|_| ()),
        EndpointClass::PriceInventory => c
            .update_price_inventory(&from_golden::<Vec<PriceInventoryItem>>(&items()))
            .await
            .map(|_| ()),
        EndpointClass::OrderList => c.orders(&OrdersQuery::default()).await.map(|_| ()),
        EndpointClass::OrderStream => c
            .orders_stream(&OrderStreamQuery::default())
            .await
            .map(|_| ()),
        EndpointClass::PackageStatus => {
            c.update_package_status(1, &from_golden::<StatusUpdateRequest>(req))
                .await
        }
        EndpointClass::PackageUnsupplied => {
            c.unsupply_package(1, &from_golden::<UnsuppliedRequest>(req))
                .await
        }
        EndpointClass::PackageTracking => c.update_tracking_number(1, "7280027504111111").await,
        EndpointClass::InvoiceLink => {
            c.send_invoice_link(&from_golden::<InvoiceLinkRequest>(req))
                .await
        }
        EndpointClass::ClaimList => c.claims(&ClaimsQuery::default()).await.map(|_| ()),
        EndpointClass::ClaimApprove => {
            c.approve_claim("f9da2317", &["c7a23b5b-0001".to_string()])
                .await
        }
        EndpointClass::ClaimReject => {
            c.reject_claim(
                "f9da2317",
                &RejectClaimRequest {
                    claim_issue_reason_id: 1651,
                    claim_item_id_list: vec!["c7a23b5b-0001".into()],
                    description: "Ürün kullanılmış".into(),
                },
            )
            .await
        }
        EndpointClass::ClaimIssueReasons => c.claim_issue_reasons().await.map(|_| ()),
        EndpointClass::WebhookCreate => c
            .create_webhook(&from_golden::<WebhookRequest>(req))
            .await
            .map(|_| ()),
        EndpointClass::WebhookList => c.webhooks().await.map(|_| ()),
        EndpointClass::WebhookUpdate => {
            c.update_webhook("4f1c7b0a", &from_golden::<WebhookRequest>(req))
                .await
        }
        EndpointClass::WebhookDelete => c.delete_webhook("4f1c7b0a").await,
        EndpointClass::WebhookActivate => c.activate_webhook("4f1c7b0a").await,
        EndpointClass::WebhookDeactivate => c.deactivate_webhook("4f1c7b0a").await,
        EndpointClass::QuestionsFilter => c
            .questions(&QuestionsQuery {
                status: Some("WAITING_FOR_ANSWER".into()),
                ..QuestionsQuery::default()
            })
            .await
            .map(|_| ()),
        EndpointClass::Question => c.question(31415926).await.map(|_| ()),
        EndpointClass::QuestionAnswer => c
            .answer_question(31415926, "Evet, bu ürün 38 beden için uygundur.")
            .await
            .map(|_| ()),
    };
    let _ = LineQuantity::default();
    r.map_err(|e| e.to_string())
}

#[test]
fn every_endpoint_has_a_golden_with_its_source() {
    let missing: Vec<&str> = EndpointClass::ALL
        .iter()
        .map(|c| c.name())
        .filter(|n| !golden_dir().join(format!("{n}.json")).exists())
        .collect();
    assert!(
        missing.is_empty(),
        "endpoints without a golden: {missing:?}"
    );
    for entry in walk(&golden_dir()) {
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&entry).unwrap())
            .unwrap_or_else(|e| panic!("{entry:?}: {e}"));
        let sources = v["_source"].as_array().cloned().unwrap_or_default();
        assert!(!sources.is_empty(), "{entry:?} names no source");
        for s in sources {
            assert!(
                s["url"]
                    .as_str()
                    .is_some_and(|u| u.starts_with("https://developers.trendyol.com/")),
                "{entry:?}: {s}"
            );
            assert!(s["read"].as_str().is_some(), "{entry:?}: {s}");
        }
    }
}

fn walk(dir: &PathBuf) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else if p.extension().is_some_and(|x| x == "json") {
            out.push(p);
        }
    }
    out
}

/// Each golden answer parses through the client; each request the client builds carries only
/// documented fields, with the documented types, to the documented method and path.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_speaks_the_documented_contract() {
    let mut problems = Vec::new();
    for class in EndpointClass::ALL {
        let g = golden(class.name());
        let status = g["status"].as_u64().unwrap_or(200) as u16;
        let body = match &g["response"] {
            Value::Null => Vec::new(),
            v => serde_json::to_vec(v).unwrap(),
        };
        let (base, seen) = serve(status, body).await;
        if let Err(e) = call(&client(&base), *class, &g).await {
            problems.push(format!("{}: {e}", class.name()));
            continue;
        }
        let seen = seen.lock().unwrap().clone();
        let Some(req) = seen.first() else {
            problems.push(format!("{}: nothing was sent", class.name()));
            continue;
        };
        if req.method != g["method"].as_str().unwrap_or("") {
            problems.push(format!("{}: method {}", class.name(), req.method));
        }
        if !path_matches(g["path"].as_str().unwrap_or(""), &req.path) {
            problems.push(format!("{}: path {}", class.name(), req.path));
        }
        if !g["request"].is_null() {
            let sent: Value = serde_json::from_slice(&req.body)
                .unwrap_or_else(|e| panic!("{}: the body is not JSON: {e}", class.name()));
            shape_within(&sent, &g["request"], class.name(), &mut problems);
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

/// The awkward answers: old field names, a last stream page, a batch whose items are still
/// empty, prices as strings, nullable fields — each parses, and what the engine uses survives.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn awkward_answers_keep_what_the_engine_uses() {
    // The order stream: the cursor envelope.
    let g = golden("order.stream");
    let (base, _) = serve(200, serde_json::to_vec(&g["response"]).unwrap()).await;
    let page = client(&base)
        .orders_stream(&OrderStreamQuery::default())
        .await
        .unwrap();
    assert!(page.has_more);
    assert_eq!(
        page.next_cursor.as_deref(),
        g["response"]["nextCursor"].as_str()
    );
    let p = &page.content[0];
    assert_eq!(p.shipment_package_id, Some(3330111111));
    assert_eq!(p.order_number.as_deref(), Some("80869231"));
    let last = golden("cases/order.stream.last-page");
    let (base, _) = serve(200, serde_json::to_vec(&last["response"]).unwrap()).await;
    let page = client(&base)
        .orders_stream(&OrderStreamQuery::default())
        .await
        .unwrap();
    assert!(!page.has_more && page.next_cursor.is_none() && page.content.is_empty());

    // Old and new package field names give the same package.
    let new = golden("order.list");
    let old = golden("cases/order.list.legacy-names");
    let mut seen = Vec::new();
    for g in [&new, &old] {
        let (base, _) = serve(200, serde_json::to_vec(&g["response"]).unwrap()).await;
        let page = client(&base).orders(&OrdersQuery::default()).await.unwrap();
        let p = page.content.into_iter().next().unwrap();
        let line = p.lines.first().cloned().unwrap();
        seen.push(serde_json::json!({
            "id": p.shipment_package_id,
            "lines": p.lines.len(),
            "line": serde_json::to_value(&line).unwrap()["lineId"],
        }));
    }
    assert_eq!(seen[0], seen[1], "old names lose nothing");
    assert_eq!(seen[0]["id"], 3330111111u64);

    // A batch still running has no items yet: not final, not an error.
    let g = golden("cases/product.batch-result.in-progress");
    let (base, _) = serve(200, serde_json::to_vec(&g["response"]).unwrap()).await;
    let r = client(&base).batch_result("fa75dfd5").await.unwrap();
    assert!(r.items.is_empty());
    assert!(!r.items_final());

    // The documented duplicate answer is a refusal whose message the stock job recognises.
    let g = golden("errors/price-inventory-duplicate-request");
    let (base, _) = serve(400, serde_json::to_vec(&g["response"]).unwrap()).await;
    let e = client(&base)
        .update_price_inventory(&[PriceInventoryItem {
            barcode: "8680000000".into(),
            quantity: Some(1),
            sale_price: None,
            list_price: None,
        }])
        .await
        .unwrap_err();
    assert!(
        meschain_engine::sync::stock::delta::is_duplicate_request(&e.to_string()),
        "{e}"
    );
    let keys: BTreeSet<String> = g["response"]["errors"][0]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(
        keys,
        ["key", "message"].iter().map(|s| s.to_string()).collect()
    );
}

/// A page with one item the engine cannot use among good ones: the good ones are read, the bad
/// one is set aside with a message naming it and the field — never the whole page lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_unreadable_item_is_named_and_the_rest_of_its_page_kept() {
    let body = |name: &str| serde_json::to_vec(&golden(name)["response"]).unwrap();
    let named = |u: &trendyol_wire::lenient::Unreadable, id: &str, field: &str| {
        let text = u.to_string();
        assert!(text.contains(id) && text.contains(field), "{text}");
    };

    let (base, _) = serve(200, body("cases/order.stream.one-broken")).await;
    let page = client(&base)
        .orders_stream(&OrderStreamQuery::default())
        .await
        .unwrap();
    let ids: Vec<_> = page.content.iter().map(|p| p.shipment_package_id).collect();
    assert_eq!(ids, vec![Some(3330111111), Some(3330333333)]);
    named(
        &page.content.unreadable()[0],
        "3330222222",
        "lines[0]: quantity",
    );

    let (base, _) = serve(200, body("cases/order.list.one-broken")).await;
    let page = client(&base).orders(&OrdersQuery::default()).await.unwrap();
    assert_eq!(page.content.len(), 2);
    named(
        &page.content.unreadable()[0],
        "3330x22222",
        "shipmentPackageId",
    );

    let (base, _) = serve(200, body("cases/claim.list.one-broken")).await;
    let page = client(&base).claims(&ClaimsQuery::default()).await.unwrap();
    assert_eq!(page.content.len(), 1);
    named(
        &page.content.unreadable()[0],
        "0bad0000-0000-0000-0000-000000000002",
        "claimDate",
    );

    let (base, _) = serve(200, body("cases/product.batch-result.one-broken")).await;
    let result = client(&base).batch_result("83000af7-8bc1").await.unwrap();
    assert_eq!(result.items.len(), 2);
    named(
        &result.items.unreadable()[0],
        "11111122299",
        "failureReasons",
    );
}
