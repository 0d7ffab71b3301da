//! Contract: authentication (User-Agent 403, Basic 401, seller ownership 403) and rate limits
//! (50 / 10 s per endpoint, per-service per minute, 429 body, Retry-After switch).

mod common;
use common::*;
use reqwest::Method;
use serde_json::{json, Value};
use trendyol_sandbox::LimitConfig;

const BRANDS: &str = "/integration/product/brands";

#[tokio::test]
async fn wrong_or_missing_credentials_get_401_with_trendyols_body() {
    let sb = start_default().await;
    for builder in [
        sb.http
            .get(sb.url(BRANDS))
            .basic_auth(KEY, Some("wrong-secret"))
            .header("user-agent", UA),
        sb.http
            .get(sb.url(BRANDS))
            .basic_auth("unknown-key", Some(SECRET))
            .header("user-agent", UA),
        sb.http.get(sb.url(BRANDS)).header("user-agent", UA),
        sb.http
            .get(sb.url(BRANDS))
            .header("authorization", "Bearer abc")
            .header("user-agent", UA),
    ] {
        let r = builder.send().await.unwrap();
        assert_eq!(r.status(), 401);
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["exception"], "ClientApiAuthenticationException");
        assert!(v["errors"][0]["message"].is_string());
    }
    // Correct credentials pass.
    assert_eq!(sb.get(BRANDS).await.status(), 200);
}

#[tokio::test]
async fn missing_or_malformed_user_agent_gets_403() {
    let sb = start_default().await;
    let no_ua = sb
        .http
        .get(sb.url(BRANDS))
        .basic_auth(KEY, Some(SECRET))
        .send()
        .await
        .unwrap();
    assert_eq!(no_ua.status(), 403);
    for ua in [
        "MesChain/1.0",
        "1001-MesChain",
        "1001 - Mes Chain",
        "1001 - ",
        "x - MesChain",
        "1001 - ThisIntegratorNameIsWayTooLong31",
    ] {
        let r = sb
            .http
            .get(sb.url(BRANDS))
            .basic_auth(KEY, Some(SECRET))
            .header("user-agent", ua)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "User-Agent {ua:?}");
    }
    // Even with bad credentials, the missing User-Agent is what the gateway reports.
    let r = sb
        .http
        .get(sb.url(BRANDS))
        .basic_auth(KEY, Some("nope"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // SelfIntegration is accepted.
    let r = sb
        .http
        .get(sb.url(BRANDS))
        .basic_auth(KEY, Some(SECRET))
        .header("user-agent", "1001 - SelfIntegration")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn another_sellers_path_or_user_agent_is_forbidden() {
    let mut cfg = config();
    cfg.sellers.push(trendyol_sandbox::SellerCredentials {
        seller_id: 2002,
        api_key: "second-key".into(),
        api_secret: "second-secret".into(),
    });
    let sb = start(cfg).await;
    let r = sb.get("/integration/order/sellers/2002/orders").await;
    assert_eq!(r.status(), 403);
    let r = sb
        .http
        .get(sb.url("/integration/order/sellers/1001/orders"))
        .basic_auth(KEY, Some(SECRET))
        .header("user-agent", "2002 - MesChain")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = sb.get("/integration/order/sellers/1001/orders").await;
    assert_eq!(r.status(), 200);
}

async fn limited(limits: LimitConfig) -> Sb {
    let mut cfg = config();
    cfg.limits = limits;
    start(cfg).await
}

#[tokio::test]
async fn the_51st_request_to_an_endpoint_in_10_s_gets_429() {
    let sb = limited(LimitConfig::default()).await;
    let path = format!("/integration/order/sellers/{SELLER}/orders");
    for i in 0..50 {
        assert_eq!(sb.get(&path).await.status(), 200, "request {}", i + 1);
    }
    let r = sb.get(&path).await;
    assert_eq!(r.status(), 429);
    assert!(
        r.headers().get("retry-after").is_none(),
        "Retry-After is off by default"
    );
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["errors"][0]["key"], "too.many.requests");
    assert_eq!(v["exception"], "TooManyRequestsException");
    // Another endpoint has its own window.
    assert_eq!(
        sb.get(&format!("/integration/order/sellers/{SELLER}/claims"))
            .await
            .status(),
        200
    );
    // The window ends after 10 s of sandbox time.
    sb.advance_ms(10_000).await;
    assert_eq!(sb.get(&path).await.status(), 200);
}

#[tokio::test]
async fn retry_after_is_added_when_switched_on() {
    let sb = limited(LimitConfig {
        retry_after: true,
        per_endpoint: 2,
        ..LimitConfig::default()
    })
    .await;
    let path = format!("/integration/order/sellers/{SELLER}/orders");
    sb.get(&path).await;
    sb.get(&path).await;
    let r = sb.get(&path).await;
    assert_eq!(r.status(), 429);
    let secs: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=10).contains(&secs));
}

#[tokio::test]
async fn per_service_minute_limit_applies_across_endpoints_of_a_group() {
    let sb = limited(LimitConfig {
        per_endpoint: 0,
        ..LimitConfig::default()
    })
    .await;
    // brands/categories/attributes share 50 per minute.
    for i in 0..50 {
        let path = if i % 2 == 0 {
            "/integration/product/product-categories"
        } else {
            "/integration/product/lookup/cargo-providers"
        };
        assert_eq!(sb.get(path).await.status(), 200);
    }
    assert_eq!(sb.get(BRANDS).await.status(), 429);
    // Orders are another group.
    assert_eq!(
        sb.get(&format!("/integration/order/sellers/{SELLER}/orders"))
            .await
            .status(),
        200
    );
    sb.advance_ms(60_000).await;
    assert_eq!(sb.get(BRANDS).await.status(), 200);
}

#[tokio::test]
async fn limits_can_be_switched_off_and_changed_at_runtime() {
    let sb = limited(LimitConfig::default()).await;
    sb.control(Method::POST, "/__sandbox/limits", json!({"enabled": false}))
        .await;
    let path = format!("/integration/order/sellers/{SELLER}/orders");
    for _ in 0..60 {
        assert_eq!(sb.get(&path).await.status(), 200);
    }
    sb.control(
        Method::POST,
        "/__sandbox/limits",
        json!({"enabled": true, "perEndpoint": 3}),
    )
    .await;
    for _ in 0..3 {
        assert_eq!(sb.get(&path).await.status(), 200);
    }
    assert_eq!(sb.get(&path).await.status(), 429);
    let l = sb
        .control(Method::GET, "/__sandbox/limits", Value::Null)
        .await;
    assert_eq!(l["perEndpoint"], 3);
    assert_eq!(l["groups"]["product_delete"], 100);
}
