//! Property tests of the wire models against arbitrary and mutated Trendyol responses: the
//! orders page, the products page, a batch result and the claims page.
//!
//! Trendyol's answers are outside the shop's control (a proxy's error page, a truncated body, a
//! renamed field), so reading one must end in a value or an error, never a panic — and whatever
//! is read must survive being written back and read again (the engine stores and re-reads some
//! of it). `MESCHAIN_FUZZ_CASES` sets the number of cases (see the README for the long run).

mod fuzz_common;

use fuzz_common::payloads::{self, BATCH_KEYS, CLAIM_KEYS, PACKAGE_KEYS, PRODUCT_KEYS};
use fuzz_common::{body_from_seeds, cases, config};
use proptest::prelude::*;
use proptest::test_runner::TestRunner;
use serde::de::DeserializeOwned;
use serde::Serialize;
use trendyol_wire::batch::BatchRequestResult;
use trendyol_wire::claims::ClaimsPage;
use trendyol_wire::orders::OrdersPage;
use trendyol_wire::products::ProductsPage;

/// Reads `body` as `T`; what was read must write back and read back to the same value.
fn reads_cleanly<T>(body: &[u8]) -> Result<(), TestCaseError>
where
    T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug,
{
    if let Ok(parsed) = serde_json::from_slice::<T>(body) {
        let written = serde_json::to_vec(&parsed).expect("a parsed model serializes");
        let reread: T = serde_json::from_slice(&written)
            .map_err(|e| TestCaseError::fail(format!("written model does not read back: {e}")))?;
        let (a, b) = (
            serde_json::to_value(&reread).unwrap(),
            serde_json::to_value(&parsed).unwrap(),
        );
        prop_assert!(same(&a, &b), "read back differently:\n{a}\n{b}");
    }
    Ok(())
}

/// Equality of JSON values where floats may differ in the last place: serde_json's default
/// float parser is not exactly round-trip (off by at most one ULP), which is no concern for
/// prices and weights but would make a strict comparison flaky.
fn same(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (a, b) {
        (Value::Number(x), Value::Number(y)) if x.is_f64() || y.is_f64() => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            x == y || (x - y).abs() <= x.abs().max(y.abs()) * 1e-12
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

fn run<T>(seeds: Vec<serde_json::Value>, keys: &'static [&'static str])
where
    T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug,
{
    // The seeds themselves must read: otherwise the mutations start from nothing.
    for seed in &seeds {
        serde_json::from_value::<T>(seed.clone()).expect("the seed payload reads");
    }
    let mut runner = TestRunner::new(config(cases()));
    runner
        .run(&body_from_seeds(seeds, keys), |body| {
            reads_cleanly::<T>(&body)
        })
        .unwrap();
}

#[test]
fn orders_pages_read_without_panics() {
    run::<OrdersPage>(vec![payloads::orders_page()], PACKAGE_KEYS);
}

#[test]
fn products_pages_read_without_panics() {
    run::<ProductsPage>(vec![payloads::products_page()], PRODUCT_KEYS);
}

#[test]
fn batch_results_read_without_panics() {
    run::<BatchRequestResult>(vec![payloads::batch_result()], BATCH_KEYS);
}

#[test]
fn claims_pages_read_without_panics() {
    run::<ClaimsPage>(vec![payloads::claims_page()], CLAIM_KEYS);
}
