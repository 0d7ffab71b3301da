//! Contract: faults (5xx, 429, malformed JSON, hang, reset, latency, scoping) and the control
//! endpoints (reset, request log with bodies, counters, clock, state file).

mod common;
use common::*;
use reqwest::Method;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const BRANDS: &str = "/integration/product/brands?size=5";

#[tokio::test]
async fn error_share_gives_500_generic_exception_but_never_on_control() {
    let sb = start_default().await;
    sb.faults(json!({"errorShare": 1.0})).await;
    let r = sb.get(BRANDS).await;
    assert_eq!(r.status(), 500);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["exception"], "TrendyolSystemException");
    assert_eq!(v["errors"][0]["key"], "generic.exception");
    assert_eq!(v["errors"][0]["message"], "Exception Occured");
    // Control endpoints are never faulted.
    sb.control(Method::GET, "/__sandbox/health", Value::Null)
        .await;
    sb.control(Method::DELETE, "/__sandbox/faults", Value::Null)
        .await;
    assert_eq!(sb.get(BRANDS).await.status(), 200);
}

#[tokio::test]
async fn throttle_share_gives_429() {
    let sb = start_default().await;
    sb.faults(json!({"throttleShare": 1.0})).await;
    let r = sb.get(BRANDS).await;
    assert_eq!(r.status(), 429);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["errors"][0]["key"], "too.many.requests");
}

#[tokio::test]
async fn malformed_share_gives_200_with_truncated_json() {
    let sb = start_default().await;
    sb.faults(json!({"malformedShare": 1.0})).await;
    let r = sb.get(BRANDS).await;
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    assert!(!text.is_empty());
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");
}

#[tokio::test]
async fn hang_share_makes_the_client_time_out() {
    let sb = start_default().await;
    sb.faults(json!({"hangShare": 1.0, "hangMs": 10_000})).await;
    let started = Instant::now();
    let err = sb
        .req(Method::GET, BRANDS)
        .timeout(Duration::from_millis(300))
        .send()
        .await
        .expect_err("must time out");
    assert!(err.is_timeout(), "{err}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn reset_share_drops_the_connection() {
    let sb = start_default().await;
    sb.faults(json!({"resetShare": 1.0})).await;
    let err = sb
        .req(Method::GET, BRANDS)
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .expect_err("must fail");
    assert!(!err.is_timeout(), "a reset, not a timeout: {err}");
    assert!(
        err.is_request() || err.is_connect() || err.is_body(),
        "{err}"
    );
    // The request is still in the log, with status 0.
    let log = sb
        .control(
            Method::GET,
            "/__sandbox/requests?path_prefix=/integration/product/brands",
            Value::Null,
        )
        .await;
    assert_eq!(log["requests"][0]["status"], 0);
    // And the sandbox keeps serving.
    sb.control(Method::DELETE, "/__sandbox/faults", Value::Null)
        .await;
    assert_eq!(sb.get(BRANDS).await.status(), 200);
}

#[tokio::test]
async fn latency_and_scoping() {
    let sb = start_default().await;
    sb.faults(json!({"latencyMs": 150, "errorShare": 1.0, "pathPrefix": "/integration/order", "method": "GET"}))
        .await;
    assert_eq!(sb.get(BRANDS).await.status(), 200, "outside the scope");
    let t = Instant::now();
    let r = sb
        .get(&format!("/integration/order/sellers/{SELLER}/orders"))
        .await;
    assert_eq!(r.status(), 500);
    assert!(t.elapsed() >= Duration::from_millis(150));
    let f = sb
        .control(Method::GET, "/__sandbox/faults", Value::Null)
        .await;
    assert_eq!(f["pathPrefix"], "/integration/order");
    let r = sb
        .http
        .post(sb.url("/__sandbox/faults"))
        .json(&json!({"errorShare": 1.5}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn request_log_keeps_bodies_without_authorization_and_counters_count() {
    let sb = start_default().await;
    let path = format!("/integration/product/sellers/{SELLER}/v2/products");
    let body = json!({"items": [v2_item("LOG-1")]});
    sb.send_json(Method::POST, &path, &body).await;
    sb.get(BRANDS).await;
    sb.http.get(sb.url(BRANDS)).send().await.unwrap(); // 403: no User-Agent
    let log = sb
        .control(Method::GET, "/__sandbox/requests", Value::Null)
        .await;
    assert_eq!(log["count"], 3);
    let first = &log["requests"][0];
    assert_eq!(first["method"], "POST");
    assert_eq!(first["path"], path.as_str());
    assert_eq!(first["bodyJson"], body);
    assert_eq!(first["status"], 200);
    assert_eq!(first["endpoint"], "product.create.v2");
    assert_eq!(first["headers"]["user-agent"], UA);
    assert!(first["headers"].get("authorization").is_none());
    // Filters.
    let only_get = sb
        .control(Method::GET, "/__sandbox/requests?method=GET", Value::Null)
        .await;
    assert_eq!(only_get["count"], 2);
    let since = first["seq"].as_u64().unwrap();
    let later = sb
        .control(
            Method::GET,
            &format!("/__sandbox/requests?since={since}"),
            Value::Null,
        )
        .await;
    assert_eq!(later["count"], 2);
    let prefix = sb
        .control(
            Method::GET,
            "/__sandbox/requests?path_prefix=/integration/product/sellers",
            Value::Null,
        )
        .await;
    assert_eq!(prefix["count"], 1);
    let c = sb
        .control(Method::GET, "/__sandbox/counters", Value::Null)
        .await;
    assert_eq!(c["total"], 3);
    assert_eq!(c["byEndpoint"]["product.create.v2"]["200"], 1);
    assert_eq!(c["byEndpoint"]["product.brands"]["200"], 1);
    assert_eq!(c["byEndpoint"]["product.brands"]["403"], 1);
    assert_eq!(c["byStatus"]["403"], 1);
}

#[tokio::test]
async fn request_log_is_bounded() {
    let mut cfg = config();
    cfg.request_log_cap = 5;
    let sb = start(cfg).await;
    for _ in 0..8 {
        sb.get(BRANDS).await;
    }
    let log = sb
        .control(Method::GET, "/__sandbox/requests", Value::Null)
        .await;
    assert_eq!(log["count"], 5);
    let c = sb
        .control(Method::GET, "/__sandbox/counters", Value::Null)
        .await;
    assert_eq!(c["total"], 8);
}

#[tokio::test]
async fn reset_clears_state_logs_faults_and_clock() {
    let sb = start_default().await;
    sb.seed(5).await;
    sb.advance_ms(3_600_000).await;
    sb.faults(json!({"errorShare": 1.0})).await;
    sb.settings(json!({"legacyFieldNames": true})).await;
    sb.get(BRANDS).await;
    sb.control(Method::POST, "/__sandbox/reset", json!({}))
        .await;
    let f = sb
        .get_json(&format!("/integration/product/sellers/{SELLER}/products"))
        .await;
    assert_eq!(f["totalElements"], 0);
    let log = sb
        .control(Method::GET, "/__sandbox/requests", Value::Null)
        .await;
    assert_eq!(log["count"], 1, "only the request after the reset");
    let clock = sb
        .control(Method::GET, "/__sandbox/clock", Value::Null)
        .await;
    assert_eq!(clock["offsetMs"], 0);
    let s = sb
        .control(Method::GET, "/__sandbox/settings", Value::Null)
        .await;
    assert_eq!(s["legacyFieldNames"], false);
}

#[tokio::test]
async fn unknown_integration_paths_are_trendyol_404s_and_logged() {
    let sb = start_default().await;
    let r = sb.get("/integration/nothing/here").await;
    assert_eq!(r.status(), 404);
    let v: Value = r.json().await.unwrap();
    assert!(v["errors"][0]["key"].is_string());
    let c = sb
        .control(Method::GET, "/__sandbox/counters", Value::Null)
        .await;
    assert_eq!(c["byEndpoint"]["unknown"]["404"], 1);
    // Old legacy paths are 404 too, as on the new host.
    let r = sb.get("/sapigw/suppliers/1001/products").await;
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn state_survives_a_restart_through_the_state_file() {
    let path = std::env::temp_dir().join(format!(
        "trendyol-sandbox-state-{}-{}.json",
        std::process::id(),
        Instant::now().elapsed().as_nanos()
    ));
    let _ = std::fs::remove_file(&path);
    let mut cfg = config();
    cfg.state_file = Some(path.clone());
    let sb = start(cfg.clone()).await;
    sb.seed(4).await;
    let ids = sb.generate(json!({"count": 2})).await;
    sb.advance_ms(1_000).await;
    sb.running.shutdown().await.unwrap();
    assert!(path.exists());

    let sb2 = start(cfg).await;
    let f = sb2
        .get_json(&format!("/integration/product/sellers/{SELLER}/products"))
        .await;
    assert_eq!(f["totalElements"], 4);
    assert_eq!(sb2.package(ids[0]).await["shipmentPackageId"], ids[0]);
    // Ids continue, not restart.
    let more = sb2.generate(json!({"count": 1})).await;
    assert!(more[0] > *ids.iter().max().unwrap());
    let _ = std::fs::remove_file(&path);
}
