//! The process's engine cache: one engine per configuration, the least recently used dropped
//! past the capacity. Building an engine does no I/O, so no database is needed here.

use std::sync::Arc;

use meschain_engine::config::{DbConfig, EngineConfig};
use meschain_engine::engine_cache::{engines_built, shared, CAPACITY};

fn config(database: &str, password: &str) -> EngineConfig {
    EngineConfig::new(DbConfig {
        host: "127.0.0.1".into(),
        port: 3306,
        socket: None,
        user: "root".into(),
        password: password.into(),
        database: database.into(),
        prefix: "oc_".into(),
    })
}

// One test: the cache is process-wide, and tests in parallel would count each other's builds.
#[test]
fn one_engine_per_configuration_least_recently_used_dropped_first() {
    let before = engines_built();
    let a = shared(config("cache_a", "")).unwrap();
    let again = shared(config("cache_a", "")).unwrap();
    assert!(Arc::ptr_eq(&a, &again));
    assert_eq!(engines_built(), before + 1);

    let other = shared(config("cache_b", "")).unwrap();
    assert!(!Arc::ptr_eq(&a, &other));
    let password = shared(config("cache_a", "changed")).unwrap();
    assert!(!Arc::ptr_eq(&a, &password), "a password is part of the key");
    let mut overrides = config("cache_a", "");
    overrides
        .setting_overrides
        .insert("batch_size".into(), "10".into());
    assert!(!Arc::ptr_eq(&a, &shared(overrides).unwrap()));
    assert_eq!(engines_built(), before + 4);

    // Bad configurations are refused, not cached.
    let mut bad = config("cache_a", "");
    bad.db.prefix = "oc-;".into();
    assert!(shared(bad).is_err());
    assert_eq!(engines_built(), before + 4);

    // Four engines cached; fill up to the capacity, then use `a` again: `other` (cache_b) is
    // now the least recently used, and one more configuration drops it, not `a`.
    for i in 0..CAPACITY - 4 {
        shared(config(&format!("cache_fill_{i}"), "")).unwrap();
    }
    assert!(Arc::ptr_eq(&a, &shared(config("cache_a", "")).unwrap()));
    shared(config("cache_fill_last", "")).unwrap();
    assert!(Arc::ptr_eq(&a, &shared(config("cache_a", "")).unwrap()));
    let built = engines_built();
    let rebuilt = shared(config("cache_b", "")).unwrap();
    assert!(!Arc::ptr_eq(&other, &rebuilt));
    assert_eq!(engines_built(), built + 1);
}
