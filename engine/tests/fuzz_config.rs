//! Property tests of configuration reading: the `config.php` tokenizer and settings validation.
//!
//! A shop's `config.php` is edited by hand and the settings come from a form, so both readers
//! meet arbitrary text: they must answer with values or clear errors, never panic, and read
//! back exactly what a well-formed file or form says. `MESCHAIN_FUZZ_CASES` sets the number of
//! cases (see the README for the long run).

mod fuzz_common;

use std::collections::BTreeMap;

use fuzz_common::{cases, config, edit_bytes, nasty_text};
use meschain_engine::config::opencart::{ConfigValue, OpenCartConfig};
use meschain_engine::config::settings::SPECS;
use meschain_engine::config::{DbConfig, Settings};
use meschain_engine::error::Error;
use proptest::prelude::*;
use proptest::test_runner::TestRunner;

/// A real `config.php` as OpenCart's installer writes it.
fn real_config_php() -> String {
    let db = DbConfig {
        host: "127.0.0.1".into(),
        port: 3306,
        socket: None,
        user: "shop_user".into(),
        password: "p@ss'wo\\rd\"1".into(),
        database: "shop_db".into(),
        prefix: "oc_".into(),
    };
    meschain_engine::fixtures::config_php(&db, "/var/www/shop")
}

/// PHP fragments that appear (or could) in hand-edited config files.
fn php_fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => nasty_text(),
        1 => prop::sample::select(vec![
            "define(", "DEFINE(", "'", "\"", "\\", "//", "#", "/*", "*/", "<?php", "?>", ");",
            ",", " . ", "__DIR__", "true", "null", "-", "0x1F", "\n", "$x = 1;", "define('DB_PORT', 3306);",
        ])
        .prop_map(str::to_string),
    ]
}

#[test]
fn config_php_parses_without_panics() {
    let real = real_config_php().into_bytes();
    let strategy = prop_oneof![
        2 => prop::collection::vec(fuzz_common::byte_edit(), 1..8)
            .prop_map(move |edits| String::from_utf8_lossy(&edit_bytes(&real, &edits)).into_owned()),
        2 => prop::collection::vec(php_fragment(), 0..24).prop_map(|parts| parts.concat()),
        1 => ".{0,200}",
    ];
    let mut runner = TestRunner::new(config(cases()));
    runner
        .run(&strategy, |source| {
            let parsed = OpenCartConfig::parse(&source);
            // Either a usable database section or a configuration error; nothing else.
            match parsed.db_config() {
                Ok(db) => prop_assert!(db.validate().is_ok()),
                Err(Error::Config(message)) => prop_assert!(!message.is_empty()),
                Err(other) => prop_assert!(false, "unexpected error kind: {other:?}"),
            }
            Ok(())
        })
        .unwrap();
}

/// PHP's single-quoted literal: only `\` and `'` are escaped.
fn single_quoted(value: &str) -> String {
    let mut out = String::from("'");
    for c in value.chars() {
        if c == '\\' || c == '\'' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('\'');
    out
}

#[test]
fn well_formed_defines_read_back_exactly() {
    let strategy = (
        "[A-Z][A-Z0-9_]{0,15}",
        ".{0,40}",
        any::<i64>(),
        prop::sample::select(vec!["define", "DEFINE", "Define"]),
        "[ \t]{0,2}",
    );
    let mut runner = TestRunner::new(config(cases()));
    runner
        .run(&strategy, |(name, text, number, keyword, space)| {
            let source = format!(
                "<?php\n// a comment\n{keyword}({space}'{name}'{space},{space}{}{space});\n\
                 {keyword}('{name}_N', {number});\n/* block */ # hash\n",
                single_quoted(&text)
            );
            let parsed = OpenCartConfig::parse(&source);
            prop_assert_eq!(parsed.defines.get(&name), Some(&ConfigValue::Text(text)));
            prop_assert_eq!(
                parsed.defines.get(&format!("{name}_N")),
                Some(&ConfigValue::Integer(number))
            );
            Ok(())
        })
        .unwrap();
}

/// The settings marked secret. Each goes in marked (`SEKRET-…`), so a value it happens to share
/// with an ordinary field ("production") cannot read as a leak.
fn secret_keys() -> Vec<&'static str> {
    SPECS.iter().filter(|s| s.secret).map(|s| s.name).collect()
}

#[test]
fn settings_validate_without_panics_or_leaks() {
    let names: Vec<&'static str> = SPECS.iter().map(|s| s.name).collect();
    let value = prop_oneof![
        3 => nasty_text(),
        1 => prop::sample::select(vec![
            "0", "1", "-1", "60", "1000", "999999999999", "true", "off", "production", "sandbox",
            "stage", "basic", "api_key", "ean", "http://127.0.0.1:1", "https://x", "a,b,1",
        ])
        .prop_map(str::to_string),
    ];
    let strategy = (
        prop::collection::btree_map(prop::sample::select(names), value, 0..12),
        any::<bool>(),
    );
    let mut runner = TestRunner::new(config(cases()));
    runner
        .run(&strategy, |(picked, full_keys)| {
            let mut values = BTreeMap::new();
            for (name, value) in &picked {
                let value = if secret_keys().contains(name) {
                    // Marked so a leak cannot be a coincidence with another field's value.
                    format!("SEKRET-{value}")
                } else {
                    value.clone()
                };
                let key = if full_keys {
                    format!("module_meschain_{name}")
                } else {
                    name.to_string()
                };
                values.insert(key, value);
            }
            match Settings::from_values(&values) {
                Ok(settings) => {
                    let public = serde_json::Value::Object(settings.to_public_map()).to_string();
                    for secret in settings.secrets().into_iter().filter(|s| s.len() > 8) {
                        prop_assert!(!public.contains(secret), "public map shows a secret");
                    }
                }
                Err(e) => {
                    let message = e.to_string();
                    prop_assert!(
                        matches!(e, Error::Setting { .. } | Error::Config(_)),
                        "unexpected error kind: {e:?}"
                    );
                    for name in secret_keys() {
                        if let Some(secret) = picked.get(&name) {
                            let marked = format!("SEKRET-{secret}");
                            prop_assert!(
                                !message.contains(&marked),
                                "error echoes {name}: {message}"
                            );
                        }
                    }
                }
            }
            Ok(())
        })
        .unwrap();
}
