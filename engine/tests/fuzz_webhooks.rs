//! Property tests of webhook intake: the delivery parser, the credential check and the log
//! redaction in memory (`MESCHAIN_FUZZ_CASES` cases each), and the whole intake against a real
//! MariaDB (`MESCHAIN_FUZZ_DB_CASES`, fewer: every case is a round trip to the database).
//!
//! The contract under test (see `inbox`): every refused delivery is answered 4xx with a reason,
//! every stored one 2xx, and 5xx only when storing failed — never a panic, never a hang.

mod fuzz_common;

use std::collections::BTreeMap;
use std::time::Duration;

use base64::Engine as _;
use fuzz_common::payloads::{self, PACKAGE_KEYS};
use fuzz_common::{body_from_seeds, cases, config};
use meschain_engine::config::Settings;
use meschain_engine::inbox::auth::{self, AuthOutcome};
use meschain_engine::inbox::{redact, Delivery};
use meschain_engine::testing::TestDatabase;
use meschain_engine::Engine;
use proptest::prelude::*;
use proptest::test_runner::TestRunner;
use serde_json::{json, Value};
use trendyol_wire::webhooks::parse_delivery;

fn seeds() -> Vec<Value> {
    vec![
        payloads::package(3_390_000_001, "Created"),
        payloads::orders_page(),
        json!({"content": []}),
    ]
}

#[test]
fn delivery_bodies_parse_without_panics() {
    let mut runner = TestRunner::new(config(cases()));
    runner
        .run(&body_from_seeds(seeds(), PACKAGE_KEYS), |body| {
            if let Ok(packages) = parse_delivery(&body) {
                // The intake reads the body as JSON first; a parsed delivery must be JSON.
                let raw: Value = serde_json::from_slice(&body)
                    .map_err(|e| TestCaseError::fail(format!("parsed but not JSON: {e}")))?;
                if let Some(Value::Array(items)) = raw.get("content") {
                    prop_assert_eq!(items.len(), packages.len());
                } else {
                    prop_assert_eq!(packages.len(), 1);
                }
            }
            Ok(())
        })
        .unwrap();
}

/// A credential as an admin might type it: printable, no spaces.
fn credential() -> impl Strategy<Value = String> {
    "[!-~]{1,40}"
}

/// What a sender presents.
#[derive(Debug, Clone)]
enum Presented {
    Right,
    /// Another value of the same length.
    SameLength(String),
    /// Any other value (usually of another length).
    Other(String),
    /// The header with nothing usable in it.
    Garbage(String),
    Missing,
}

fn presented() -> impl Strategy<Value = Presented> {
    prop_oneof![
        2 => Just(Presented::Right),
        2 => "[!-~]{1,40}".prop_map(Presented::SameLength),
        2 => "[!-~]{0,60}".prop_map(Presented::Other),
        1 => ".{0,60}".prop_map(Presented::Garbage),
        1 => Just(Presented::Missing),
    ]
}

/// `candidate` changed in its last character (same length, different value).
fn same_length_wrong(right: &str, seed: &str) -> String {
    let mut chars: Vec<char> = right.chars().collect();
    let last = chars.len() - 1;
    let pick = seed.chars().next().unwrap_or('x');
    chars[last] = if pick == chars[last] {
        if pick == 'a' {
            'b'
        } else {
            'a'
        }
    } else {
        pick
    };
    chars.into_iter().collect()
}

fn settings(values: &[(&str, &str)]) -> Settings {
    let map: BTreeMap<String, String> = values
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Settings::from_values(&map).unwrap()
}

#[test]
fn api_key_auth_grants_exactly_the_configured_key() {
    let mut runner = TestRunner::new(config(cases()));
    runner
        .run(&(credential(), presented()), |(key, presented)| {
            let settings = settings(&[("webhook_auth", "api_key"), ("webhook_api_key", &key)]);
            let (value, expected) = match &presented {
                Presented::Right => (Some(key.clone()), AuthOutcome::Granted),
                Presented::SameLength(seed) => {
                    (Some(same_length_wrong(&key, seed)), AuthOutcome::Wrong)
                }
                Presented::Other(v) if v.trim() == key => (Some(v.clone()), AuthOutcome::Granted),
                Presented::Other(v) if v.trim().is_empty() => {
                    (Some(v.clone()), AuthOutcome::Missing)
                }
                Presented::Other(v) => (Some(v.clone()), AuthOutcome::Wrong),
                Presented::Garbage(v) if v.trim() == key => (Some(v.clone()), AuthOutcome::Granted),
                Presented::Garbage(v) if v.trim().is_empty() => {
                    (Some(v.clone()), AuthOutcome::Missing)
                }
                Presented::Garbage(v) => (Some(v.clone()), AuthOutcome::Wrong),
                Presented::Missing => (None, AuthOutcome::Missing),
            };
            let headers: Vec<(String, String)> = value
                .into_iter()
                .map(|v| ("X-API-KEY".to_string(), v))
                .collect();
            let delivery = Delivery {
                body: b"{}",
                headers: &headers,
                remote_ip: "203.0.113.9",
            };
            prop_assert_eq!(auth::check(&settings, &delivery), expected);
            Ok(())
        })
        .unwrap();
}

#[test]
fn basic_auth_grants_exactly_the_configured_pair() {
    let mut runner = TestRunner::new(config(cases()));
    let user = "[!-9;-~]{1,20}"; // a Basic user name cannot contain ':'
    runner
        .run(
            &(user, credential(), presented(), any::<bool>()),
            |(user, password, presented, wrong_user)| {
                let settings = settings(&[
                    ("webhook_auth", "basic"),
                    ("webhook_username", &user),
                    ("webhook_password", &password),
                ]);
                let encode = |u: &str, p: &str| {
                    format!(
                        "Basic {}",
                        base64::engine::general_purpose::STANDARD.encode(format!("{u}:{p}"))
                    )
                };
                let (header, expected) = match &presented {
                    Presented::Right => (Some(encode(&user, &password)), AuthOutcome::Granted),
                    Presented::SameLength(seed) if wrong_user => (
                        Some(encode(&same_length_wrong(&user, seed), &password)),
                        AuthOutcome::Wrong,
                    ),
                    Presented::SameLength(seed) => (
                        Some(encode(&user, &same_length_wrong(&password, seed))),
                        AuthOutcome::Wrong,
                    ),
                    Presented::Other(p) if *p == password => {
                        (Some(encode(&user, p)), AuthOutcome::Granted)
                    }
                    Presented::Other(p) => (Some(encode(&user, p)), AuthOutcome::Wrong),
                    Presented::Garbage(g) if g.trim().is_empty() => {
                        (Some(g.clone()), AuthOutcome::Missing)
                    }
                    // Not a Basic header at all (the encoding above never yields raw text).
                    Presented::Garbage(g) => (Some(g.clone()), AuthOutcome::Wrong),
                    Presented::Missing => (None, AuthOutcome::Missing),
                };
                let headers: Vec<(String, String)> = header
                    .into_iter()
                    .map(|v| ("authorization".to_string(), v))
                    .collect();
                let delivery = Delivery {
                    body: b"{}",
                    headers: &headers,
                    remote_ip: "203.0.113.9",
                };
                prop_assert_eq!(auth::check(&settings, &delivery), expected);
                Ok(())
            },
        )
        .unwrap();
}

#[test]
fn logged_bodies_never_carry_the_customer_contact() {
    let mut runner = TestRunner::new(config(cases()));
    runner
        .run(&body_from_seeds(seeds(), PACKAGE_KEYS), |body| {
            if let Ok(raw) = serde_json::from_slice::<Value>(&body) {
                let logged = redact::loggable(&raw);
                prop_assert!(logged.len() <= redact::MAX_LOGGED_BODY + 64);
                // Under a key nobody foresaw (a garbled `customerEmail` or `taxNumber`) a value is
                // masked all the same: only known package keys keep their values.
                for contact in [
                    "pf+ayse@trendyolmail.com",
                    "+90 532 123 45 67",
                    "12345678901",
                ] {
                    prop_assert!(!logged.contains(contact), "{contact} logged: {logged}");
                }
            }
            Ok(())
        })
        .unwrap();
}

// Strong (24 characters or more), as the admin now requires: the right key passes even when
// the wrong ones before it have put the source in a cool-down.
const WEBHOOK_KEY: &str = "fz-hook-key-9c41e0-5a7d20b8";

/// Cases of the database-backed property: `MESCHAIN_FUZZ_DB_CASES`, or 150.
fn db_cases() -> u32 {
    std::env::var("MESCHAIN_FUZZ_DB_CASES")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(150)
}

#[test]
fn every_refused_delivery_gets_a_4xx_with_a_reason() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (tdb, engine) = rt.block_on(async {
        let tdb = TestDatabase::with_opencart_tables().await;
        let config = tdb.engine_config(&[
            ("seller_id", "1001"),
            ("webhook_auth", "api_key"),
            ("webhook_api_key", WEBHOOK_KEY),
        ]);
        let engine = Engine::new(config).unwrap();
        engine.migrate().await.unwrap();
        (tdb, engine)
    });

    let strategy = (
        body_from_seeds(seeds(), PACKAGE_KEYS),
        prop_oneof![
            6 => Just(Some(WEBHOOK_KEY.to_string())),
            1 => Just(Some("fz-hook-key-9c41e0-5a7d20b9".to_string())),
            1 => Just(Some("short".to_string())),
            1 => Just(None),
        ],
    );
    let mut runner = TestRunner::new(config(db_cases()));
    runner
        .run(&strategy, |(body, key)| {
            let headers: Vec<(String, String)> = key
                .iter()
                .map(|k| ("x-api-key".into(), k.clone()))
                .collect();
            let delivery = Delivery {
                body: &body,
                headers: &headers,
                remote_ip: "203.0.113.9",
            };
            let verdict = rt
                .block_on(async {
                    tokio::time::timeout(Duration::from_secs(30), engine.accept_webhook(&delivery))
                        .await
                })
                .map_err(|_| TestCaseError::fail("the intake hung"))?;
            let status = verdict.http_status;
            prop_assert!(
                matches!(status, 200 | 400 | 401 | 413 | 429),
                "unexpected answer {status}: {verdict:?}"
            );
            if (400..500).contains(&status) {
                prop_assert!(!verdict.reason.trim().is_empty(), "4xx without a reason");
            }
            if key.as_deref() != Some(WEBHOOK_KEY) {
                // Refused: 401, or 429 once the wrong keys put the source in a cool-down.
                prop_assert!(matches!(status, 401 | 429), "{:?}", verdict);
            } else if parse_delivery(&body).is_err() {
                prop_assert_eq!(status, 400, "{:?}", verdict);
            }
            Ok(())
        })
        .unwrap();

    rt.block_on(async {
        engine.close().await;
        drop(tdb);
    });
}
