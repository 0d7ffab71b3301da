use super::*;

fn shop_secrets() -> impl Iterator<Item = &'static str> {
    SPECS
        .iter()
        .filter(|s| s.sensitivity == Sensitivity::ShopSecret)
        .map(|s| s.name)
}

fn with(pairs: &[(&str, &str)]) -> Result<Settings> {
    let map = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Settings::from_values(&map)
}

#[test]
fn defaults_are_the_recommended_values() {
    let s = Settings::default();
    assert_eq!(s.batch_size, 50);
    assert_eq!(s.max_execution_time, 300);
    assert_eq!(s.memory_limit_bytes, 256 << 20);
    assert_eq!(
        (
            s.product_sync_interval,
            s.order_sync_interval,
            s.stock_sync_interval,
            s.webhook_interval
        ),
        (60, 15, 30, 5)
    );
    assert_eq!(s.calls_per_minute, 600);
    assert_eq!(s.calls_per_hour, 36_000);
    assert_eq!(s.log_dir, PathBuf::from("/var/log/trendyol-cron"));
    assert!(!s.status);
    assert!(s.product_sync && s.order_sync && s.stock_sync && s.webhook_processing);
}

#[test]
fn full_keys_and_short_keys_both_work() {
    let s = with(&[("module_meschain_batch_size", "100"), ("debug", "on")]).unwrap();
    assert_eq!(s.batch_size, 100);
    assert!(s.debug);
}

#[test]
fn bad_values_name_the_key_and_the_allowed_values() {
    for (key, value, allowed) in [
        ("batch_size", "0", "1 to 1000"),
        ("batch_size", "fifty", "1 to 1000"),
        ("memory_limit", "256X", "16M to 8G"),
        ("memory_limit", "1M", "16M to 8G"),
        ("status", "maybe", "1/0"),
        ("environment", "live", "production, stage or sandbox"),
        ("alert_email", "not-an-email", "e-mail"),
        ("order_sync_interval", "0", "1 to 1440"),
        ("integrator_name", "My Shop!", "letters and digits"),
        ("seller_id", "12a", "numeric"),
        ("log_dir", "relative/path", "absolute"),
    ] {
        let err = with(&[(key, value)]).unwrap_err().to_string();
        assert!(err.contains(key), "{err}");
        assert!(err.contains(allowed), "{err}");
    }
}

#[test]
fn shop_secrets_need_24_characters_to_be_saved_but_old_short_ones_still_read() {
    for name in shop_secrets() {
        let reason = too_short(name, "short-secret-1").expect(name);
        assert!(reason.contains("14 characters"), "{reason}");
        assert!(reason.contains("at least 24"), "{reason}");
        assert!(!reason.contains("short-secret-1"), "{reason}");
        assert_eq!(too_short(name, &"x".repeat(24)), None);
        assert_eq!(too_short(name, ""), None, "empty means none");
    }
    // Trendyol's own credentials and plain settings have no such rule.
    assert_eq!(too_short("api_key", "k"), None);
    assert_eq!(too_short("webhook_username", "u"), None);
    // A stored 16-character metrics token and short webhook secrets keep working.
    let s = with(&[
        ("metrics_token", "0123456789abcdef"),
        ("webhook_api_key", "old-key"),
        ("cron_secret", "old-cron"),
    ])
    .unwrap();
    assert_eq!(s.metrics_token.expose(), "0123456789abcdef");
    assert_eq!(s.cron_secret.expose(), "old-cron");
}

#[test]
fn a_broken_secret_is_not_echoed() {
    let err = with(&[("api_secret", "abc def")]).unwrap_err().to_string();
    assert!(err.contains("api_secret"));
    assert!(!err.contains("abc def"), "{err}");
}

#[test]
fn secrets_never_show_in_debug() {
    let s = with(&[("api_key", "KEY-1234567"), ("api_secret", "SECRET-7654321")]).unwrap();
    let text = format!("{s:?}");
    assert!(
        !text.contains("KEY-1234567") && !text.contains("SECRET-7654321"),
        "{text}"
    );
    assert_eq!(s.secrets(), vec!["KEY-1234567", "SECRET-7654321"]);
    let public = serde_json::to_string(&s.to_public_map()).unwrap();
    assert!(!public.contains("SECRET-7654321"));
}

#[test]
fn api_limits_and_timeouts_default_to_trendyols_rules() {
    let s = Settings::default();
    assert_eq!((s.api_endpoint_limit, s.api_endpoint_window), (50, 10));
    assert_eq!((s.api_connect_timeout, s.api_timeout), (5, 30));
    assert_eq!(s.api_limit_overrides, "");
    let s = with(&[(
        "api_limit_overrides",
        "order.list=100/10, service:catalog=40/60",
    )])
    .unwrap();
    assert_eq!(
        s.api_limit_overrides,
        "order.list=100/10, service:catalog=40/60"
    );
    let err = with(&[("api_limit_overrides", "order.lst=1/10")])
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("api_limit_overrides") && err.contains("NAME=LIMIT/SECONDS"),
        "{err}"
    );
    let err = with(&[("api_timeout", "0")]).unwrap_err().to_string();
    assert!(err.contains("api_timeout"), "{err}");
    let public = s.to_public_map();
    assert_eq!(public["api_endpoint_limit"], 50);
}

#[test]
fn unknown_override_keys_are_typos() {
    let keys = ["batch_sise".to_string()];
    let err = Settings::check_known(keys.iter()).unwrap_err().to_string();
    assert!(
        err.contains("batch_sise") && err.contains("batch_size"),
        "{err}"
    );
}

#[test]
fn the_shop_made_secrets_are_the_four_public_addresses_guards() {
    assert_eq!(
        shop_secrets().collect::<Vec<_>>(),
        [
            "webhook_password",
            "webhook_api_key",
            "metrics_token",
            "cron_secret"
        ]
    );
}

#[test]
fn every_setting_is_in_a_known_group_and_readable_by_name() {
    let s = Settings::default();
    for spec in SPECS {
        assert!(
            GROUPS.contains(&spec.group),
            "{}: {}",
            spec.name,
            spec.group
        );
        assert!(s.field(spec.name).is_some(), "{}", spec.name);
    }
    assert_eq!(s.flag("question_sync"), Some(true));
    assert_eq!(s.minutes("webhook_interval"), Some(5));
    assert_eq!(s.flag("webhook_interval"), None, "not a switch");
    assert_eq!(s.minutes("nonsense"), None);
    assert_eq!(find("memory_limit").unwrap().input, "text");
    assert_eq!(find("status").unwrap().input, "switch");
    assert_eq!(find("api_key").unwrap().input, "secret");
    assert_eq!(
        (find("webhook_auth").unwrap().choices)(),
        ["api_key", "basic"]
    );
}
