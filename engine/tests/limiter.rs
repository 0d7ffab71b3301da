//! The shop-wide limiter through a real MariaDB: several "processes" (separate pools) share one
//! quota, a 429 cools every process down, and a deadline is never overrun by waiting.

use std::time::{Duration, Instant};

use meschain_engine::config::settings::Secret;
use meschain_engine::db::{migrations, Database};
use meschain_engine::limiter::{LimiterConfig, QuotaConfig, RateLimiter};
use meschain_engine::testing::TestDatabase;
use meschain_engine::trendyol::{
    install_crypto_provider, ClientConfig, EndpointClass, OrdersQuery, TrendyolClient,
};
use meschain_engine::{ApiErrorClass, Error};
use mysql_async::prelude::Queryable;
use trendyol_sandbox::{spawn, LimitConfig, SandboxConfig};

fn pool(tdb: &TestDatabase) -> Database {
    Database::new(&tdb.config, Duration::from_secs(5), Duration::from_secs(10)).unwrap()
}

fn quota(overrides: &str) -> LimiterConfig {
    let mut quota = QuotaConfig::default();
    quota.apply_overrides(overrides).unwrap();
    LimiterConfig {
        quota,
        ..LimiterConfig::default()
    }
}

#[tokio::test]
async fn processes_share_one_quota_through_the_database() {
    let tdb = TestDatabase::create("oc_").await;
    let (a, b) = (pool(&tdb), pool(&tdb));
    migrations::migrate(&a).await.unwrap();
    let config = quota("order.list=20/1");
    let la = RateLimiter::shared(a.clone(), 1001, config.clone());
    let lb = RateLimiter::shared(b.clone(), 1001, config);
    let started = Instant::now();
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut tasks = Vec::new();
    for i in 0..6 {
        let l = if i % 2 == 0 { la.clone() } else { lb.clone() };
        tasks.push(tokio::spawn(async move {
            for _ in 0..7 {
                l.acquire(EndpointClass::OrderList, deadline).await.unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    // 42 grants at 20/s (×0.98) cannot take less than 41 intervals minus the tolerance: a lower
    // bound, which only a broken limiter can violate.
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(2_000), "{elapsed:?}");
    let mut conn = tdb.pool().get_conn().await.unwrap();
    let grants: Option<i64> = conn
        .query_first(
            "SELECT grants FROM oc_trendyol_rate_limits WHERE bucket = '1001:ep:order.list'",
        )
        .await
        .unwrap();
    // Every grant went through the shared row (slots reached too late are given up and
    // reserved again, so there may be a few more than 42).
    assert!(grants.is_some_and(|g| g >= 42), "{grants:?}");
    drop(conn);
    a.close().await;
    b.close().await;
    tdb.drop_database().await;
}

#[tokio::test]
async fn a_429_cools_every_process_down() {
    let tdb = TestDatabase::create("oc_").await;
    let (a, b) = (pool(&tdb), pool(&tdb));
    migrations::migrate(&a).await.unwrap();
    let la = RateLimiter::shared(a.clone(), 1001, LimiterConfig::default());
    let lb = RateLimiter::shared(b.clone(), 1001, LimiterConfig::default());
    let deadline = Instant::now() + Duration::from_secs(10);
    lb.acquire(EndpointClass::ClaimList, deadline)
        .await
        .unwrap();
    // Retry-After wins over the exponential cooldown.
    let cooldown = la
        .on_rate_limited(EndpointClass::ClaimList, Some(Duration::from_millis(400)))
        .await
        .unwrap();
    assert!(
        cooldown <= Duration::from_millis(400) && cooldown >= Duration::from_millis(300),
        "{cooldown:?}"
    );
    let started = Instant::now();
    lb.acquire(EndpointClass::ClaimList, deadline)
        .await
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(250),
        "{:?}",
        started.elapsed()
    );
    // Without Retry-After: at least 10 s, shop-wide, and a deadline shorter than that fails fast.
    let cooldown = la
        .on_rate_limited(EndpointClass::ClaimList, None)
        .await
        .unwrap();
    assert!(cooldown >= Duration::from_secs(10), "{cooldown:?}");
    let err = lb
        .acquire(
            EndpointClass::ClaimList,
            Instant::now() + Duration::from_millis(300),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Api {
                class: ApiErrorClass::RateLimited,
                ..
            }
        ),
        "{err}"
    );
    // Another endpoint is not affected.
    lb.acquire(
        EndpointClass::OrderList,
        Instant::now() + Duration::from_millis(300),
    )
    .await
    .unwrap();
    let mut conn = tdb.pool().get_conn().await.unwrap();
    let strikes: Option<u32> = conn
        .query_first(
            "SELECT strikes FROM oc_trendyol_rate_limits WHERE bucket = '1001:ep:claim.list'",
        )
        .await
        .unwrap();
    assert_eq!(strikes, Some(2));
    drop(conn);
    a.close().await;
    b.close().await;
    tdb.drop_database().await;
}

#[tokio::test]
async fn in_memory_limiter_honours_retry_after() {
    let l = RateLimiter::in_memory(1, LimiterConfig::default());
    let cooldown = l
        .on_rate_limited(EndpointClass::Brands, Some(Duration::from_millis(150)))
        .await
        .unwrap();
    assert!(cooldown <= Duration::from_millis(150));
    let started = Instant::now();
    l.acquire(
        EndpointClass::Brands,
        Instant::now() + Duration::from_secs(5),
    )
    .await
    .unwrap();
    assert!(started.elapsed() >= Duration::from_millis(100));
    assert!(l.slow_factor(EndpointClass::Brands) < 1.0);
}

/// Two clients with separate pools hammer one endpoint of a sandbox that enforces
/// 10 requests per 2 s: the shared limiter keeps every answer a 200.
#[tokio::test]
async fn clients_in_two_processes_get_no_429_from_a_limited_sandbox() {
    install_crypto_provider();
    let sc = SandboxConfig {
        limits: LimitConfig {
            per_endpoint: 10,
            per_endpoint_window_ms: 2_000,
            ..LimitConfig::default()
        },
        ..SandboxConfig::default()
    };
    let sb = spawn(sc).await.unwrap();
    let tdb = TestDatabase::create("oc_").await;
    let (a, b) = (pool(&tdb), pool(&tdb));
    migrations::migrate(&a).await.unwrap();
    let make = |db: &Database| {
        let mut c = ClientConfig::new(
            sb.base_url(),
            1001,
            Secret::new("demo-api-key"),
            Secret::new("demo-api-secret"),
            "MesChainTests",
        );
        // A wider safety margin than production's: this machine also runs the other tests.
        c.limiter = quota("order.list=10/2");
        c.limiter.quota.safety = 0.9;
        TrendyolClient::new(c, db).unwrap()
    };
    let clients = [make(&a), make(&b)];
    let until = Instant::now() + Duration::from_millis(3_000);
    let mut tasks = Vec::new();
    for i in 0..6 {
        let c = clients[i % 2].clone();
        tasks.push(tokio::spawn(async move {
            let mut n = 0;
            while Instant::now() < until {
                c.orders(&OrdersQuery {
                    size: Some(1),
                    ..Default::default()
                })
                .await
                .unwrap();
                n += 1;
            }
            n
        }));
    }
    let mut total = 0;
    for t in tasks {
        total += t.await.unwrap();
    }
    let counters: serde_json::Value = reqwest::get(format!("{}/__sandbox/counters", sb.base_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(counters["byStatus"].get("429"), None, "{counters}");
    assert_eq!(
        counters["byEndpoint"]["order.list"]["200"].as_u64(),
        Some(total)
    );
    for c in &clients {
        assert_eq!(c.metrics().snapshot().rate_limited, 0);
    }
    a.close().await;
    b.close().await;
    tdb.drop_database().await;
    sb.shutdown().await.unwrap();
}
