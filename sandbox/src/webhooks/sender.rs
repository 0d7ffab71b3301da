//! The delivery worker: sends due deliveries (in order per subscription, subscriptions in
//! parallel), books each outcome, retries failures and deactivates a subscription after its
//! consecutive failures.

use super::dispatcher::Delivery;
use crate::app::App;
use crate::lock::lock;
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use trendyol_wire::webhooks::{API_KEY_HEADER, AUTH_API_KEY};

/// True for URLs whose host is a loopback address.
pub fn is_loopback_url(url: &str) -> bool {
    let Ok(u) = reqwest::Url::parse(url) else {
        return false;
    };
    match u.host_str() {
        Some(h) => {
            let h = h.trim_start_matches('[').trim_end_matches(']');
            h.eq_ignore_ascii_case("localhost")
                || h.parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        }
        None => false,
    }
}

/// Sends one delivery and books the outcome.
async fn deliver(app: &App, client: &reqwest::Client, mut d: Delivery) {
    let sub = lock(&app.world)
        .subscriptions
        .get(&d.subscription_id)
        .cloned();
    let Some(sub) = sub.filter(|s| s.active) else {
        return;
    };
    let settings = app.settings();
    d.attempts += 1;
    let outcome: Result<u16, String> = if !is_loopback_url(&sub.url) {
        Err("the sandbox delivers only to loopback addresses".into())
    } else {
        let mut rq = client
            .post(&sub.url)
            .header("content-type", "application/json")
            .header("user-agent", "Trendyol-Webhook-Sandbox")
            .timeout(Duration::from_millis(settings.webhook_timeout_ms.max(1)))
            .body(d.body.clone());
        rq = if sub.authentication_type == AUTH_API_KEY {
            rq.header(API_KEY_HEADER, sub.api_key.clone().unwrap_or_default())
        } else {
            rq.basic_auth(
                sub.username.clone().unwrap_or_default(),
                Some(sub.password.clone().unwrap_or_default()),
            )
        };
        match rq.send().await {
            Ok(r) => Ok(r.status().as_u16()),
            Err(e) => Err(e.to_string()),
        }
    };
    let success = matches!(outcome, Ok(s) if (200..300).contains(&s));
    let now = app.clock.now_ms();
    let mut deactivated = false;
    {
        let mut w = lock(&app.world);
        if let Some(s) = w.subscriptions.get_mut(&d.subscription_id) {
            if success {
                s.failures = 0;
            } else {
                s.failures += 1;
                if s.failures >= settings.webhook_max_failures.max(1) {
                    s.active = false;
                    s.modified_ms = now;
                    deactivated = true;
                }
            }
        }
    }
    app.dispatcher.record(json!({
        "at": now,
        "subscriptionId": d.subscription_id,
        "packageId": d.package_id,
        "status": d.status,
        "attempt": d.attempts,
        "duplicate": d.duplicate,
        "ok": success,
        "httpStatus": outcome.as_ref().ok(),
        "error": outcome.as_ref().err(),
        "deactivated": deactivated,
    }));
    if deactivated {
        app.dispatcher.drop_subscription(&d.subscription_id);
    } else if !success {
        d.due_ms = now + settings.webhook_retry_ms.max(1);
        app.dispatcher.reschedule(d);
    }
}

/// The delivery loop: due deliveries are sent in order per subscription, subscriptions in
/// parallel.
pub async fn run(app: Arc<App>, mut shutdown: watch::Receiver<bool>) {
    crate::install_crypto_provider();
    let client = match reqwest::Client::builder().no_proxy().build() {
        Ok(c) => c,
        Err(_) => return,
    };
    loop {
        tokio::select! {
            _ = app.dispatcher.notify.notified() => {}
            _ = tokio::time::sleep(Duration::from_millis(20)) => {}
            _ = shutdown.changed() => return,
        }
        let due = app.dispatcher.take_due(app.clock.now_ms());
        if due.is_empty() {
            continue;
        }
        let mut groups: BTreeMap<String, Vec<Delivery>> = BTreeMap::new();
        for d in due {
            groups.entry(d.subscription_id.clone()).or_default().push(d);
        }
        let mut set = tokio::task::JoinSet::new();
        for (_, ds) in groups {
            let app = app.clone();
            let client = client.clone();
            set.spawn(async move {
                for d in ds {
                    deliver(&app, &client, d).await;
                }
            });
        }
        tokio::select! {
            _ = async { while set.join_next().await.is_some() {} } => {}
            _ = shutdown.changed() => return,
        }
    }
}
