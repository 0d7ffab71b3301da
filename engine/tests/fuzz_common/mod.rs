//! Shared pieces of the property ("fuzz") tests: the case budget, arbitrary JSON, and mutations
//! of real payloads.
//!
//! Only the stable toolchain is available, so the fuzzing is done with proptest inside ordinary
//! test binaries. CI runs a modest number of cases; the long run sets `MESCHAIN_FUZZ_CASES`
//! (see the README) and runs the same properties a million times each.

#![allow(dead_code)]

pub mod payloads;

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, FileFailurePersistence};
use serde_json::{Map, Value};

/// Cases per property when `MESCHAIN_FUZZ_CASES` is not set: enough to catch the obvious in CI.
pub const DEFAULT_CASES: u32 = 2_000;

/// The number of cases per in-memory property: `MESCHAIN_FUZZ_CASES`, or [`DEFAULT_CASES`].
pub fn cases() -> u32 {
    std::env::var("MESCHAIN_FUZZ_CASES")
        .ok()
        .and_then(|v| v.trim().replace('_', "").parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(DEFAULT_CASES)
}

/// A proptest configuration with `cases` cases. Failing inputs are not written to a
/// regressions file: every crash found becomes a named regression test instead.
pub fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Off)),
        max_shrink_iters: 10_000,
        ..Config::default()
    }
}

/// Text that stresses parsers: any Unicode, quotes, escapes, control characters, long digits.
pub fn nasty_text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => ".{0,24}",
        2 => "[\\x00-\\x7f]{0,24}",
        1 => "[0-9]{1,40}",
        1 => "-?[0-9]{1,25}(\\.[0-9]{0,10})?([eE][+-]?[0-9]{1,4})?",
        1 => prop::sample::select(vec![
            "", " ", "null", "true", "NaN", "Infinity", "\u{0}", "\u{feff}", "'", "\"", "\\",
            "'; DROP TABLE oc_order; --", "<script>alert(1)</script>", "%00", "\r\n",
            "18446744073709551616", "-9223372036854775809", "1e400", "Created", "CREATED",
        ])
        .prop_map(str::to_string),
    ]
}

/// Any JSON value, with object keys drawn mostly from `keys` (the names the model reads), so the
/// generated documents reach past the first field lookup.
pub fn json_value(keys: &'static [&'static str]) -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("a finite number", |f| {
            serde_json::Number::from_f64(f).map(Value::Number)
        }),
        nasty_text().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key(keys), inner), 0..8)
                .prop_map(|fields| Value::Object(fields.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// An object key: usually one the model knows, sometimes anything.
pub fn key(keys: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(keys).prop_map(str::to_string),
        1 => nasty_text(),
    ]
}

/// One change to a JSON document.
#[derive(Debug, Clone)]
pub enum Mutation {
    /// Replace the value at the n-th node (pre-order) with another value.
    Replace(Index, Value),
    /// Remove the n-th node from its parent.
    Remove(Index),
    /// Add a field to the n-th node if it is an object (or an element if it is an array).
    Insert(Index, String, Value),
}

pub fn mutation(keys: &'static [&'static str]) -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => (any::<Index>(), json_value(keys)).prop_map(|(i, v)| Mutation::Replace(i, v)),
        1 => any::<Index>().prop_map(Mutation::Remove),
        1 => (any::<Index>(), key(keys), json_value(keys))
            .prop_map(|(i, k, v)| Mutation::Insert(i, k, v)),
    ]
}

/// Applies `mutations` to a copy of `seed`.
pub fn mutate(seed: &Value, mutations: &[Mutation]) -> Value {
    let mut doc = seed.clone();
    for m in mutations {
        let count = count_nodes(&doc);
        match m {
            Mutation::Replace(i, v) => {
                if let Some(node) = nth_node(&mut doc, i.index(count)) {
                    *node = v.clone();
                }
            }
            Mutation::Remove(i) => {
                let target = i.index(count);
                if target > 0 {
                    remove_nth(&mut doc, target);
                }
            }
            Mutation::Insert(i, k, v) => match nth_node(&mut doc, i.index(count)) {
                Some(Value::Object(map)) => {
                    map.insert(k.clone(), v.clone());
                }
                Some(Value::Array(items)) => items.push(v.clone()),
                _ => {}
            },
        }
    }
    doc
}

fn count_nodes(v: &Value) -> usize {
    1 + match v {
        Value::Array(items) => items.iter().map(count_nodes).sum(),
        Value::Object(map) => map.values().map(count_nodes).sum(),
        _ => 0,
    }
}

/// The n-th node in pre-order (0 = the root).
fn nth_node(v: &mut Value, n: usize) -> Option<&mut Value> {
    if n == 0 {
        return Some(v);
    }
    let mut rest = n - 1;
    let children: Vec<&mut Value> = match v {
        Value::Array(items) => items.iter_mut().collect(),
        Value::Object(map) => map.values_mut().collect(),
        _ => return None,
    };
    for child in children {
        let size = count_nodes(child);
        if rest < size {
            return nth_node(child, rest);
        }
        rest -= size;
    }
    None
}

/// Removes the n-th node (n ≥ 1) from its parent.
fn remove_nth(v: &mut Value, n: usize) -> bool {
    let mut rest = n - 1;
    match v {
        Value::Array(items) => {
            for idx in 0..items.len() {
                let size = count_nodes(&items[idx]);
                if rest == 0 {
                    items.remove(idx);
                    return true;
                }
                if rest < size {
                    return remove_nth(&mut items[idx], rest);
                }
                rest -= size;
            }
            false
        }
        Value::Object(map) => {
            let keys: Vec<String> = map.keys().cloned().collect();
            for k in keys {
                let size = count_nodes(&map[&k]);
                if rest == 0 {
                    map.remove(&k);
                    return true;
                }
                if rest < size {
                    return remove_nth(map.get_mut(&k).expect("key just listed"), rest);
                }
                rest -= size;
            }
            false
        }
        _ => false,
    }
}

/// One change to raw bytes: what a truncated, garbled or hand-edited body looks like.
#[derive(Debug, Clone)]
pub enum ByteEdit {
    Flip(Index, u8),
    Insert(Index, u8),
    Delete(Index),
    Truncate(Index),
}

pub fn byte_edit() -> impl Strategy<Value = ByteEdit> {
    prop_oneof![
        3 => (any::<Index>(), any::<u8>()).prop_map(|(i, b)| ByteEdit::Flip(i, b)),
        2 => (any::<Index>(), prop::sample::select(b"{}[]\",:\\0-e. ".to_vec()))
            .prop_map(|(i, b)| ByteEdit::Insert(i, b)),
        2 => any::<Index>().prop_map(ByteEdit::Delete),
        1 => any::<Index>().prop_map(ByteEdit::Truncate),
    ]
}

pub fn edit_bytes(bytes: &[u8], edits: &[ByteEdit]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for edit in edits {
        if out.is_empty() {
            break;
        }
        match edit {
            ByteEdit::Flip(i, b) => {
                let at = i.index(out.len());
                out[at] = *b;
            }
            ByteEdit::Insert(i, b) => {
                let at = i.index(out.len() + 1);
                out.insert(at, *b);
            }
            ByteEdit::Delete(i) => {
                let at = i.index(out.len());
                out.remove(at);
            }
            ByteEdit::Truncate(i) => {
                let at = i.index(out.len());
                out.truncate(at);
            }
        }
    }
    out
}

/// A realistic input, or a JSON-level mutation of it, or a byte-level one, or anything at all.
pub fn body_from_seeds(
    seeds: Vec<Value>,
    keys: &'static [&'static str],
) -> impl Strategy<Value = Vec<u8>> {
    let json_seeds = seeds.clone();
    let byte_seeds = seeds;
    prop_oneof![
        3 => (prop::sample::select(json_seeds), prop::collection::vec(mutation(keys), 1..5))
            .prop_map(|(seed, ms)| serde_json::to_vec(&mutate(&seed, &ms)).unwrap()),
        2 => (prop::sample::select(byte_seeds), prop::collection::vec(byte_edit(), 1..6))
            .prop_map(|(seed, edits)| edit_bytes(&serde_json::to_vec(&seed).unwrap(), &edits)),
        2 => json_value(keys).prop_map(|v| serde_json::to_vec(&v).unwrap()),
        1 => prop::collection::vec(any::<u8>(), 0..256),
    ]
}
