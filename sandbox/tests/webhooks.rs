//! Contract: webhook subscriptions (CRUD, activate/deactivate, validation) and deliveries
//! (full package, Basic or x-api-key, status filter, retry, deactivation after 13 failures,
//! duplicate and out-of-order faults, legacy names).

mod common;
use base64::Engine;
use common::*;
use reqwest::Method;
use serde_json::{json, Value};
use std::time::Duration;

fn hooks_path() -> String {
    format!("/integration/webhook/sellers/{SELLER}/webhooks")
}

async fn subscribe(sb: &Sb, body: Value) -> String {
    let r = sb.send_json(Method::POST, &hooks_path(), &body).await;
    assert_eq!(r.status(), 200);
    r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn list(sb: &Sb) -> Vec<Value> {
    sb.get_json(&hooks_path()).await.as_array().unwrap().clone()
}

#[tokio::test]
async fn subscription_crud_and_validation() {
    let sb = start_default().await;
    let id = subscribe(
        &sb,
        json!({"url": "http://127.0.0.1:9/hook", "authenticationType": "BASIC_AUTHENTICATION",
               "username": "u", "password": "p", "subscribedStatuses": ["CREATED"]}),
    )
    .await;
    let l = list(&sb).await;
    assert_eq!(l.len(), 1);
    assert_eq!(l[0]["id"], id.as_str());
    assert_eq!(l[0]["status"], "ACTIVE");
    assert!(l[0].get("password").is_none(), "secrets are not listed");

    let r = sb
        .send_json(
            Method::PUT,
            &format!("{}/{id}", hooks_path()),
            &json!({"url": "http://127.0.0.1:9/other", "authenticationType": "API_KEY", "apiKey": "k"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let l = list(&sb).await;
    assert_eq!(l[0]["url"], "http://127.0.0.1:9/other");
    assert_eq!(l[0]["authenticationType"], "API_KEY");

    let r = sb
        .req(Method::PUT, &format!("{}/{id}/deactivate", hooks_path()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(list(&sb).await[0]["status"], "PASSIVE");
    let r = sb
        .req(Method::PUT, &format!("{}/{id}/activate", hooks_path()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(list(&sb).await[0]["status"], "ACTIVE");
    let r = sb
        .req(Method::DELETE, &format!("{}/{id}", hooks_path()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(list(&sb).await.is_empty());
    let r = sb
        .req(Method::DELETE, &format!("{}/{id}", hooks_path()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    for bad in [
        json!({"url": "http://127.0.0.1:9/h", "authenticationType": "API_KEY"}),
        json!({"url": "http://127.0.0.1:9/h", "authenticationType": "BASIC_AUTHENTICATION", "username": "u"}),
        json!({"url": "ftp://x", "authenticationType": "API_KEY", "apiKey": "k"}),
        json!({"url": "http://127.0.0.1:9/h", "authenticationType": "HMAC", "apiKey": "k"}),
        json!({"url": "http://127.0.0.1:9/h", "authenticationType": "API_KEY", "apiKey": "k", "subscribedStatuses": ["ORDER_CREATED"]}),
    ] {
        let r = sb.send_json(Method::POST, &hooks_path(), &bad).await;
        assert_eq!(r.status(), 400, "{bad}");
    }
    // At most 15 per seller.
    for _ in 0..15 {
        subscribe(
            &sb,
            json!({"url": "http://127.0.0.1:9/h", "authenticationType": "API_KEY", "apiKey": "k"}),
        )
        .await;
    }
    let r = sb
        .send_json(
            Method::POST,
            &hooks_path(),
            &json!({"url": "http://127.0.0.1:9/h", "authenticationType": "API_KEY", "apiKey": "k"}),
        )
        .await;
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn delivers_the_full_package_with_basic_auth_on_every_status_change() {
    let sb = start_default().await;
    let rx = Receiver::start(0).await;
    subscribe(
        &sb,
        json!({"url": rx.url(), "authenticationType": "BASIC_AUTHENTICATION",
               "username": "shop", "password": "s3cret"}),
    )
    .await;
    sb.seed(3).await;
    let id = sb.generate(json!({"count": 1})).await[0];
    let got = rx.wait_for(1).await;
    let d = &got[0];
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode("shop:s3cret")
    );
    assert_eq!(d.headers["authorization"].to_str().unwrap(), expected);
    assert_eq!(d.body["shipmentPackageId"], id);
    assert_eq!(d.body["status"], "Created");
    assert!(d.body["lines"].as_array().is_some_and(|l| !l.is_empty()));
    assert!(d.body["shipmentAddress"].is_object());
    // A carrier move fires another delivery.
    sb.control(
        Method::POST,
        &format!("/__sandbox/packages/{id}/status"),
        json!({"status": "Shipped"}),
    )
    .await;
    let got = rx.wait_for(2).await;
    assert_eq!(got[1].body["status"], "Shipped");
    let report = sb
        .control(Method::GET, "/__sandbox/webhooks/deliveries", Value::Null)
        .await;
    assert!(report["attempts"].as_array().unwrap().len() >= 2);
}

#[tokio::test]
async fn api_key_auth_status_filter_and_legacy_names() {
    let sb = start_default().await;
    let rx = Receiver::start(0).await;
    subscribe(
        &sb,
        json!({"url": rx.url(), "authenticationType": "API_KEY", "apiKey": "key-123",
               "subscribedStatuses": ["CANCELLED"]}),
    )
    .await;
    sb.settings(json!({"legacyFieldNames": true})).await;
    sb.seed(3).await;
    sb.generate(json!({"count": 2})).await; // Created: not subscribed.
    let id = sb.generate(json!({"count": 1, "maxLines": 1})).await[0];
    sb.control(
        Method::POST,
        &format!("/__sandbox/packages/{id}/status"),
        json!({"status": "Cancelled"}),
    )
    .await;
    let got = rx.wait_for(1).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(rx.received().len(), 1, "only CANCELLED is delivered");
    assert_eq!(got[0].headers["x-api-key"], "key-123");
    assert!(got[0].headers.get("authorization").is_none());
    assert_eq!(got[0].body["id"], id, "legacy names on the switch");
    assert_eq!(got[0].body["status"], "Cancelled");
}

#[tokio::test]
async fn failed_deliveries_are_retried() {
    let sb = start_default().await;
    let rx = Receiver::start(2).await;
    let hook = subscribe(
        &sb,
        json!({"url": rx.url(), "authenticationType": "API_KEY", "apiKey": "k"}),
    )
    .await;
    sb.seed(3).await;
    let id = sb.generate(json!({"count": 1})).await[0];
    let got = rx.wait_for(3).await;
    assert!(got.iter().all(|d| d.body["shipmentPackageId"] == id));
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(rx.received().len(), 3, "no more attempts after success");
    let l = list(&sb).await;
    assert_eq!(
        l.iter().find(|h| h["id"] == hook.as_str()).unwrap()["status"],
        "ACTIVE"
    );
}

#[tokio::test]
async fn thirteen_failures_deactivate_the_subscription() {
    let sb = start_default().await;
    sb.settings(json!({"webhookRetryMs": 10})).await;
    let rx = Receiver::start(usize::MAX).await;
    subscribe(
        &sb,
        json!({"url": rx.url(), "authenticationType": "API_KEY", "apiKey": "k"}),
    )
    .await;
    sb.seed(3).await;
    sb.generate(json!({"count": 1})).await;
    rx.wait_for(13).await;
    // Wait for the verdict to be booked, then make sure nothing more arrives.
    let mut passive = false;
    for _ in 0..100 {
        if list(&sb).await[0]["status"] == "PASSIVE" {
            passive = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(passive, "deactivated after 13 failures");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(rx.received().len(), 13);
    // New events are not delivered to a passive subscription.
    sb.generate(json!({"count": 1})).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(rx.received().len(), 13);
}

#[tokio::test]
async fn duplicate_delivery_fault() {
    let sb = start_default().await;
    sb.faults(json!({"webhookDuplicateShare": 1.0})).await;
    let rx = Receiver::start(0).await;
    subscribe(
        &sb,
        json!({"url": rx.url(), "authenticationType": "API_KEY", "apiKey": "k"}),
    )
    .await;
    sb.seed(3).await;
    let id = sb.generate(json!({"count": 1})).await[0];
    let got = rx.wait_for(2).await;
    assert_eq!(got[0].body, got[1].body);
    assert_eq!(got[0].body["shipmentPackageId"], id);
}

#[tokio::test]
async fn out_of_order_delivery_fault() {
    let sb = start_default().await;
    let rx = Receiver::start(0).await;
    subscribe(
        &sb,
        json!({"url": rx.url(), "authenticationType": "API_KEY", "apiKey": "k"}),
    )
    .await;
    sb.seed(3).await;
    let id = sb.generate(json!({"count": 1})).await[0];
    rx.wait_for(1).await;
    // Hold the next delivery back (sandbox clock), let a later one overtake it.
    sb.faults(json!({"webhookReorderShare": 1.0, "webhookReorderDelayMs": 300}))
        .await;
    sb.control(
        Method::POST,
        &format!("/__sandbox/packages/{id}/status"),
        json!({"status": "Shipped"}),
    )
    .await;
    sb.faults(json!({"webhookReorderShare": 0.0})).await;
    sb.control(
        Method::POST,
        &format!("/__sandbox/packages/{id}/status"),
        json!({"status": "Delivered"}),
    )
    .await;
    let got = rx.wait_for(3).await;
    assert_eq!(got[1].body["status"], "Delivered");
    assert_eq!(got[2].body["status"], "Shipped");
}

#[tokio::test]
async fn deliveries_only_go_to_loopback() {
    assert!(trendyol_sandbox::webhooks::is_loopback_url(
        "http://127.0.0.1:1/x"
    ));
    assert!(trendyol_sandbox::webhooks::is_loopback_url(
        "http://localhost:1/x"
    ));
    assert!(trendyol_sandbox::webhooks::is_loopback_url(
        "http://[::1]:1/x"
    ));
    assert!(!trendyol_sandbox::webhooks::is_loopback_url(
        "https://shop.invalid/x"
    ));
    assert!(!trendyol_sandbox::webhooks::is_loopback_url(
        "http://10.0.0.1/x"
    ));
}
