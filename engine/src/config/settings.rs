//! Module settings, as the shop owner'sets them in Extensions > MesChain.
//!
//! OpenCart stores every setting as text in `oc_setting` (code `module_meschain`, keys
//! `module_meschain_<name>`). This module owns the one list of settings — name, default and
//! allowed values — and turns those strings into a typed [`Settings`], rejecting anything out of
//! range with an error that names the key and what it allows. Defaults are the recommended
//! values (batch size 50, 300 s, 256M, intervals 60/15/30/5 minutes).

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use crate::error::{Error, Result};

/// OpenCart's setting `code` for the module; keys are `{CODE}_{name}`.
pub const SETTING_CODE: &str = "module_meschain";

/// The shortest value a secret the shop makes up itself may be saved with. These secrets guard
/// addresses anyone can reach (the webhook, the metrics and the cron route), so they must be
/// out of reach of guessing even without a lockout; 24 random characters are.
pub const MIN_SECRET_CHARS: usize = 24;

/// The secrets the shop chooses (Trendyol issues `api_key` and `api_secret`; their length is
/// Trendyol's business). Saving one shorter than [`MIN_SECRET_CHARS`] is refused; a shorter one
/// stored before this rule keeps working, and the admin flags it as weak.
pub const SHOP_SECRETS: &[&str] = &[
    "webhook_password",
    "webhook_api_key",
    "metrics_token",
    "cron_secret",
];

/// The shortest length setting `name` may be saved with (0: no rule of this kind).
pub fn min_chars(name: &str) -> usize {
    if SHOP_SECRETS.contains(&name) {
        MIN_SECRET_CHARS
    } else {
        0
    }
}

/// Why `value` cannot be saved as setting `name` because it is too short, if it is. Empty is
/// not too short: it means "none" (and, for a secret in a form, "keep the stored one"). The
/// reason says how long it was, never what it was.
pub fn too_short(name: &str, value: &str) -> Option<String> {
    let min = min_chars(name);
    let len = value.trim().chars().count();
    (len > 0 && len < min).then(|| {
        let unit = if len == 1 { "character" } else { "characters" };
        format!("too short: {len} {unit}, at least {min} are needed (a generated one is safest)")
    })
}

/// A credential. Its `Debug` never shows the value, and the telemetry redactor learns it on load.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            f.write_str("\"\"")
        } else {
            f.write_str("[redacted]")
        }
    }
}

/// Which Trendyol the shop talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Production,
    Stage,
    /// The offline `trendyol-sandbox`, at `sandbox_url`.
    Sandbox,
}

impl Environment {
    pub fn as_str(self) -> &'static str {
        match self {
            Environment::Production => "production",
            Environment::Stage => "stage",
            Environment::Sandbox => "sandbox",
        }
    }
}

/// How Trendyol authenticates its webhook deliveries to the shop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookAuth {
    Basic,
    ApiKey,
}

/// Where the barcode sent to Trendyol comes from in `oc_product`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarcodeSource {
    Ean,
    Upc,
    Sku,
    Model,
    Jan,
    Isbn,
    Mpn,
}

impl BarcodeSource {
    /// The `oc_product` column, for SQL built from this closed set.
    pub fn column(self) -> &'static str {
        match self {
            BarcodeSource::Ean => "ean",
            BarcodeSource::Upc => "upc",
            BarcodeSource::Sku => "sku",
            BarcodeSource::Model => "model",
            BarcodeSource::Jan => "jan",
            BarcodeSource::Isbn => "isbn",
            BarcodeSource::Mpn => "mpn",
        }
    }
}

/// Every module setting, typed.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    // General
    pub status: bool,
    pub product_sync: bool,
    pub order_sync: bool,
    pub stock_sync: bool,
    pub webhook_processing: bool,
    // Sync intervals, minutes
    pub product_sync_interval: u32,
    pub order_sync_interval: u32,
    pub stock_sync_interval: u32,
    pub webhook_interval: u32,
    // Alerts
    pub alert_email: String,
    pub alert_on_error: bool,
    pub alert_on_low_stock: bool,
    pub low_stock_threshold: u32,
    // Performance
    pub batch_size: u32,
    pub max_execution_time: u32,
    pub memory_limit_bytes: u64,
    // Debug and logs
    pub debug: bool,
    pub log_dir: PathBuf,
    // Trendyol API
    pub seller_id: Option<u64>,
    pub api_key: Secret,
    pub api_secret: Secret,
    pub environment: Environment,
    pub sandbox_url: String,
    pub integrator_name: String,
    pub calls_per_minute: u32,
    pub calls_per_hour: u32,
    /// Seconds to establish a connection to Trendyol.
    pub api_connect_timeout: u32,
    /// Seconds for one whole request (send, wait, read the answer).
    pub api_timeout: u32,
    /// Trendyol's general rule: `api_endpoint_limit` requests per `api_endpoint_window` seconds
    /// to the same endpoint.
    pub api_endpoint_limit: u32,
    pub api_endpoint_window: u32,
    /// Per-endpoint and per-service limit overrides (see `limiter::quota`).
    pub api_limit_overrides: String,
    // Webhook intake
    pub webhook_auth: WebhookAuth,
    pub webhook_username: String,
    pub webhook_password: Secret,
    pub webhook_api_key: Secret,
    // Catalog and orders
    pub language_id: u32,
    pub barcode_source: BarcodeSource,
    pub stock_buffer: u32,
    pub order_currency: String,
    /// The OpenCart store whose catalog is synced and into which orders are imported (0: the
    /// default store).
    pub store_id: u32,
    /// The customer group whose specials make the sale price (0: the shop's default group,
    /// `config_customer_group_id`).
    pub customer_group_id: u32,
    // Order sync
    /// The storefront URL written on imported orders (empty: the shop's `config_url`, if any).
    pub store_url: String,
    /// How far back the first order poll reaches.
    pub order_lookback_hours: u32,
    /// How far each poll reaches back behind the last committed position, for packages whose
    /// change Trendyol published late.
    pub order_overlap_minutes: u32,
    /// Time slices of the poll window fetched at once (within the rate limit).
    pub order_poll_concurrency: u32,
    /// Packages imported at once (each in its own transaction).
    pub order_import_concurrency: u32,
    /// OpenCart order statuses that mean "being picked": Trendyol is told `Picking`.
    pub push_picking_status_ids: Vec<u32>,
    /// OpenCart order statuses that mean "invoiced / handed over": Trendyol is told `Invoiced`.
    pub push_invoiced_status_ids: Vec<u32>,
    /// How far back the first claims (returns) poll reaches.
    pub claims_lookback_days: u32,
    // Catalog sync
    /// Public URL of the shop's image folder (`HTTP_SERVER . 'image/'`), https; images are
    /// sent to Trendyol as this URL joined with the path OpenCart stores.
    pub image_base_url: String,
    /// Trendyol's cargo company id (V1 ids: 4 Yurtiçi, 6 Horoz, 7 Aras, 9 Sürat, 10 DHL
    /// eCommerce, 17 Trendyol Express, 19 PTT, 20 Ceva, 38 Kolay Gelsin).
    pub cargo_company_id: u32,
    /// Desi used when a product has no dimensions.
    pub default_dimensional_weight: u32,
    /// VAT rate for tax classes without a row in the VAT mapping.
    pub default_vat_rate: u8,
    /// Whether OpenCart prices already include VAT (Trendyol's prices always do).
    pub prices_include_vat: bool,
    /// Trendyol brand for products whose manufacturer has none mapped (0 = such products are
    /// invalid).
    pub default_brand_id: u64,
    // Running system
    /// Alert when the newest Trendyol order is older than this many hours (0 = never).
    pub no_order_alert_hours: u32,
    /// At most one e-mail per alert (dedupe key) per this many minutes.
    pub alert_throttle_minutes: u32,
    /// At most this many alert e-mails per hour, shop-wide.
    pub alert_max_mails_per_hour: u32,
    /// Bearer token of the metrics route; empty disables the route.
    pub metrics_token: Secret,
    /// What a request to the catalog's cron route must present; empty: only OpenCart's own cron
    /// (which calls the route in-process) runs it.
    pub cron_secret: Secret,
    /// Sync logs, webhook logs, processed queue jobs and stock history older than this are deleted.
    pub log_retention_days: u32,
    /// Seconds a job lock stays held without a heartbeat: a crashed holder's lock is taken over
    /// after this long.
    pub job_lock_lease: u32,
    // Not an `oc_setting` key: the Price rules page's table, loaded beside the settings (see
    // `Engine::settings`); the rules every price sent to Trendyol goes through.
    pub price_rules: crate::sync::price_rules::PriceRules,
}

/// One setting's contract: its short name, default text and a human description of what it allows.
#[derive(Debug, Clone, Copy)]
pub struct SettingSpec {
    pub name: &'static str,
    pub default: &'static str,
    pub allowed: &'static str,
    pub secret: bool,
}

const fn spec(name: &'static str, default: &'static str, allowed: &'static str) -> SettingSpec {
    SettingSpec {
        name,
        default,
        allowed,
        secret: false,
    }
}

const fn secret(name: &'static str, allowed: &'static str) -> SettingSpec {
    SettingSpec {
        name,
        default: "",
        allowed,
        secret: true,
    }
}

const BOOL: &str = "1/0, true/false, on/off, yes/no";

/// The one list of settings. The admin form, the validator and the stubs all read it.
pub const SPECS: &[SettingSpec] = &[
    spec("status", "0", BOOL),
    spec("product_sync", "1", BOOL),
    spec("order_sync", "1", BOOL),
    spec("stock_sync", "1", BOOL),
    spec("webhook_processing", "1", BOOL),
    spec(
        "product_sync_interval",
        "60",
        "whole minutes from 1 to 1440",
    ),
    spec("order_sync_interval", "15", "whole minutes from 1 to 1440"),
    spec("stock_sync_interval", "30", "whole minutes from 1 to 1440"),
    spec("webhook_interval", "5", "whole minutes from 1 to 1440"),
    spec("alert_email", "", "an e-mail address, or empty for none"),
    spec("alert_on_error", "1", BOOL),
    spec("alert_on_low_stock", "1", BOOL),
    spec(
        "low_stock_threshold",
        "5",
        "a whole number from 0 to 100000",
    ),
    spec("batch_size", "50", "a whole number from 1 to 1000"),
    spec("max_execution_time", "300", "seconds from 10 to 3600"),
    spec(
        "memory_limit",
        "256M",
        "a size like 128M, 256M, 1G (16M to 8G)",
    ),
    spec("debug", "0", BOOL),
    spec(
        "log_dir",
        "/var/log/trendyol-cron",
        "an absolute directory path",
    ),
    spec("seller_id", "", "Trendyol's numeric seller id, or empty"),
    secret(
        "api_key",
        "the API key from Trendyol's seller panel, without spaces",
    ),
    secret(
        "api_secret",
        "the API secret from Trendyol's seller panel, without spaces",
    ),
    spec("environment", "production", "production, stage or sandbox"),
    spec(
        "sandbox_url",
        "http://127.0.0.1:8089",
        "an http(s) URL of a trendyol-sandbox",
    ),
    spec(
        "integrator_name",
        "SelfIntegration",
        "letters and digits, at most 30",
    ),
    spec("calls_per_minute", "600", "a whole number from 1 to 100000"),
    spec(
        "calls_per_hour",
        "36000",
        "a whole number from 1 to 6000000",
    ),
    spec("api_connect_timeout", "5", "seconds from 1 to 60"),
    spec("api_timeout", "30", "seconds from 1 to 600"),
    spec(
        "api_endpoint_limit",
        "50",
        "a whole number from 1 to 100000",
    ),
    spec("api_endpoint_window", "10", "seconds from 1 to 3600"),
    spec(
        "api_limit_overrides",
        "",
        crate::limiter::quota::OVERRIDES_ALLOWED,
    ),
    spec("webhook_auth", "api_key", "basic or api_key"),
    spec(
        "webhook_username",
        "",
        "any text without control characters",
    ),
    secret(
        "webhook_password",
        "24 or more characters without control characters",
    ),
    secret(
        "webhook_api_key",
        "24 or more characters without control characters",
    ),
    spec("language_id", "1", "an OpenCart language_id (1 or more)"),
    spec(
        "barcode_source",
        "ean",
        "ean, upc, sku, model, jan, isbn or mpn",
    ),
    spec("stock_buffer", "0", "a whole number from 0 to 10000"),
    spec("order_currency", "TRY", "a three-letter currency code"),
    spec(
        "store_id",
        "0",
        "an OpenCart store_id, 0 for the default store",
    ),
    spec(
        "customer_group_id",
        "0",
        "an OpenCart customer_group_id, 0 for the shop's default group",
    ),
    // Order sync
    spec(
        "store_url",
        "",
        "the storefront URL (http or https), or empty",
    ),
    spec("order_lookback_hours", "72", "whole hours from 1 to 2160"),
    spec(
        "order_overlap_minutes",
        "10",
        "whole minutes from 0 to 1440",
    ),
    spec("order_poll_concurrency", "4", "a whole number from 1 to 16"),
    spec(
        "order_import_concurrency",
        "12",
        "a whole number from 1 to 32",
    ),
    spec(
        "push_picking_status_ids",
        "15",
        "OpenCart order_status_id values, comma-separated, or empty",
    ),
    spec(
        "push_invoiced_status_ids",
        "3",
        "OpenCart order_status_id values, comma-separated, or empty",
    ),
    spec("claims_lookback_days", "14", "whole days from 1 to 90"),
    // Catalog sync
    spec(
        "image_base_url",
        "",
        "an https URL of the shop's image folder ending in /, or empty",
    ),
    spec(
        "cargo_company_id",
        "17",
        "a Trendyol cargo company id: 4, 6, 7, 9, 10, 17, 19, 20 or 38",
    ),
    spec(
        "default_dimensional_weight",
        "1",
        "a whole desi from 0 to 10000",
    ),
    spec("default_vat_rate", "20", "0, 1, 10 or 20"),
    spec("prices_include_vat", "1", BOOL),
    spec(
        "default_brand_id",
        "0",
        "a Trendyol brand id, or 0 for none",
    ),
    // Running system
    spec(
        "no_order_alert_hours",
        "24",
        "whole hours from 0 (off) to 720",
    ),
    spec(
        "alert_throttle_minutes",
        "60",
        "whole minutes from 1 to 10080",
    ),
    spec(
        "alert_max_mails_per_hour",
        "10",
        "a whole number from 1 to 1000",
    ),
    secret(
        "metrics_token",
        "a token of 24 or more characters without spaces, or empty to disable the metrics route",
    ),
    secret(
        "cron_secret",
        "a secret of 24 or more characters without spaces, or empty to turn the cron address off",
    ),
    spec("log_retention_days", "30", "whole days from 1 to 3650"),
    spec("job_lock_lease", "120", "seconds from 10 to 3600"),
];

impl Default for Settings {
    fn default() -> Self {
        Settings::from_values(&BTreeMap::new()).expect("the defaults are valid")
    }
}

impl Settings {
    /// Builds settings from short names (`batch_size`) or full keys (`module_meschain_batch_size`).
    ///
    /// Keys under the module's code that are not settings are ignored (the admin stores UI
    /// state beside them); use [`Settings::check_known`] where an unknown key is a typo.
    pub fn from_values(values: &BTreeMap<String, String>) -> Result<Settings> {
        let mut short: BTreeMap<&str, &str> = BTreeMap::new();
        for (key, value) in values {
            let name = key
                .strip_prefix(SETTING_CODE)
                .and_then(|k| k.strip_prefix('_'))
                .unwrap_or(key);
            short.insert(name, value.as_str());
        }
        let get = |name: &str| -> (&'static SettingSpec, String) {
            let spec = SPECS
                .iter()
                .find(|s| s.name == name)
                .expect("every read setting is in SPECS");
            let value = short.get(name).map(|v| v.trim()).unwrap_or(spec.default);
            (spec, value.to_string())
        };
        let boolean = |name: &str| -> Result<bool> {
            let (spec, v) = get(name);
            parse_bool(&v).ok_or_else(|| Error::setting(name, v, spec.allowed))
        };
        let number = |name: &str, min: u64, max: u64| -> Result<u64> {
            let (spec, v) = get(name);
            v.parse::<u64>()
                .ok()
                .filter(|n| (min..=max).contains(n))
                .ok_or_else(|| Error::setting(name, v, spec.allowed))
        };
        let text = |name: &str| -> Result<String> {
            let (spec, v) = get(name);
            if v.chars().any(char::is_control) {
                return Err(Error::setting(
                    name,
                    "text with control characters",
                    spec.allowed,
                ));
            }
            Ok(v)
        };
        let credential = |name: &str| -> Result<Secret> {
            let (spec, v) = get(name);
            if v.chars().any(|c| c.is_control() || c.is_whitespace()) {
                // Never echo a credential back, even a broken one.
                return Err(Error::setting(
                    name,
                    "a value with spaces or control characters",
                    spec.allowed,
                ));
            }
            Ok(Secret(v))
        };
        let choice = |name: &str, options: &[&str]| -> Result<String> {
            let (spec, v) = get(name);
            let lower = v.to_ascii_lowercase();
            if options.contains(&lower.as_str()) {
                Ok(lower)
            } else {
                Err(Error::setting(name, v, spec.allowed))
            }
        };

        let id_list = |name: &str| -> Result<Vec<u32>> {
            let (spec, v) = get(name);
            v.split(',')
                .map(str::trim)
                .filter(|part| !part.is_empty())
                .map(|part| part.parse::<u32>().ok().filter(|id| *id > 0))
                .collect::<Option<Vec<u32>>>()
                .ok_or_else(|| Error::setting(name, v.clone(), spec.allowed))
        };
        let (store_url_spec, store_url) = get("store_url");
        if !store_url.is_empty()
            && (!(store_url.starts_with("http://") || store_url.starts_with("https://"))
                || store_url
                    .chars()
                    .any(|c| c.is_whitespace() || c.is_control()))
        {
            return Err(Error::setting(
                "store_url",
                store_url,
                store_url_spec.allowed,
            ));
        }

        let alert_email = text("alert_email")?;
        if !alert_email.is_empty() && !looks_like_email(&alert_email) {
            return Err(Error::setting(
                "alert_email",
                alert_email,
                get("alert_email").0.allowed,
            ));
        }
        let (memory_spec, memory_text) = get("memory_limit");
        let memory_limit_bytes = parse_size(&memory_text)
            .filter(|b| (16 << 20..=8 << 30).contains(b))
            .ok_or_else(|| {
                Error::setting("memory_limit", memory_text.clone(), memory_spec.allowed)
            })?;
        let (log_spec, log_dir) = get("log_dir");
        if !log_dir.starts_with('/') || log_dir.chars().any(char::is_control) {
            return Err(Error::setting("log_dir", log_dir, log_spec.allowed));
        }
        let (seller_spec, seller_text) = get("seller_id");
        let seller_id = if seller_text.is_empty() {
            None
        } else {
            Some(
                seller_text
                    .parse::<u64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| {
                        Error::setting("seller_id", seller_text.clone(), seller_spec.allowed)
                    })?,
            )
        };
        let environment = match choice("environment", &["production", "stage", "sandbox"])?.as_str()
        {
            "production" => Environment::Production,
            "stage" => Environment::Stage,
            _ => Environment::Sandbox,
        };
        let (url_spec, sandbox_url) = get("sandbox_url");
        if !(sandbox_url.starts_with("http://") || sandbox_url.starts_with("https://"))
            || sandbox_url.len() < 10
            || sandbox_url
                .chars()
                .any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(Error::setting("sandbox_url", sandbox_url, url_spec.allowed));
        }
        let (name_spec, integrator_name) = get("integrator_name");
        if integrator_name.is_empty()
            || integrator_name.len() > 30
            || !integrator_name.chars().all(|c| c.is_ascii_alphanumeric())
        {
            return Err(Error::setting(
                "integrator_name",
                integrator_name,
                name_spec.allowed,
            ));
        }
        let webhook_auth = match choice("webhook_auth", &["basic", "api_key"])?.as_str() {
            "basic" => WebhookAuth::Basic,
            _ => WebhookAuth::ApiKey,
        };
        let barcode_source = match choice(
            "barcode_source",
            &["ean", "upc", "sku", "model", "jan", "isbn", "mpn"],
        )?
        .as_str()
        {
            "ean" => BarcodeSource::Ean,
            "upc" => BarcodeSource::Upc,
            "sku" => BarcodeSource::Sku,
            "model" => BarcodeSource::Model,
            "jan" => BarcodeSource::Jan,
            "isbn" => BarcodeSource::Isbn,
            _ => BarcodeSource::Mpn,
        };
        let api_limit_overrides = text("api_limit_overrides")?;
        crate::limiter::quota::parse_overrides(&api_limit_overrides)?;
        let (currency_spec, currency) = get("order_currency");
        if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_alphabetic()) {
            return Err(Error::setting(
                "order_currency",
                currency,
                currency_spec.allowed,
            ));
        }

        let (image_spec, image_base_url) = get("image_base_url");
        if !image_base_url.is_empty()
            && (!image_base_url.starts_with("https://")
                || !image_base_url.ends_with('/')
                || image_base_url.len() < 12
                || image_base_url
                    .chars()
                    .any(|c| c.is_whitespace() || c.is_control()))
        {
            return Err(Error::setting(
                "image_base_url",
                image_base_url,
                image_spec.allowed,
            ));
        }
        let (cargo_spec, cargo_text) = get("cargo_company_id");
        let cargo_company_id = cargo_text
            .parse::<u32>()
            .ok()
            .filter(|id| crate::sync::catalog_cargo::code_for(*id).is_some())
            .ok_or_else(|| Error::setting("cargo_company_id", cargo_text, cargo_spec.allowed))?;
        let (vat_spec, vat_text) = get("default_vat_rate");
        let default_vat_rate = vat_text
            .parse::<u8>()
            .ok()
            .filter(|v| matches!(v, 0 | 1 | 10 | 20))
            .ok_or_else(|| Error::setting("default_vat_rate", vat_text, vat_spec.allowed))?;

        Ok(Settings {
            status: boolean("status")?,
            product_sync: boolean("product_sync")?,
            order_sync: boolean("order_sync")?,
            stock_sync: boolean("stock_sync")?,
            webhook_processing: boolean("webhook_processing")?,
            product_sync_interval: number("product_sync_interval", 1, 1440)? as u32,
            order_sync_interval: number("order_sync_interval", 1, 1440)? as u32,
            stock_sync_interval: number("stock_sync_interval", 1, 1440)? as u32,
            webhook_interval: number("webhook_interval", 1, 1440)? as u32,
            alert_email,
            alert_on_error: boolean("alert_on_error")?,
            alert_on_low_stock: boolean("alert_on_low_stock")?,
            low_stock_threshold: number("low_stock_threshold", 0, 100_000)? as u32,
            batch_size: number("batch_size", 1, 1000)? as u32,
            max_execution_time: number("max_execution_time", 10, 3600)? as u32,
            memory_limit_bytes,
            debug: boolean("debug")?,
            log_dir: PathBuf::from(log_dir),
            seller_id,
            api_key: credential("api_key")?,
            api_secret: credential("api_secret")?,
            environment,
            sandbox_url: sandbox_url.trim_end_matches('/').to_string(),
            integrator_name,
            calls_per_minute: number("calls_per_minute", 1, 100_000)? as u32,
            calls_per_hour: number("calls_per_hour", 1, 6_000_000)? as u32,
            api_connect_timeout: number("api_connect_timeout", 1, 60)? as u32,
            api_timeout: number("api_timeout", 1, 600)? as u32,
            api_endpoint_limit: number("api_endpoint_limit", 1, 100_000)? as u32,
            api_endpoint_window: number("api_endpoint_window", 1, 3600)? as u32,
            api_limit_overrides,
            webhook_auth,
            webhook_username: text("webhook_username")?,
            webhook_password: Secret(text("webhook_password")?),
            webhook_api_key: Secret(text("webhook_api_key")?),
            language_id: number("language_id", 1, u32::MAX as u64)? as u32,
            barcode_source,
            stock_buffer: number("stock_buffer", 0, 10_000)? as u32,
            order_currency: currency.to_ascii_uppercase(),
            store_id: number("store_id", 0, u32::MAX as u64)? as u32,
            customer_group_id: number("customer_group_id", 0, u32::MAX as u64)? as u32,
            store_url,
            order_lookback_hours: number("order_lookback_hours", 1, 2160)? as u32,
            order_overlap_minutes: number("order_overlap_minutes", 0, 1440)? as u32,
            order_poll_concurrency: number("order_poll_concurrency", 1, 16)? as u32,
            order_import_concurrency: number("order_import_concurrency", 1, 32)? as u32,
            push_picking_status_ids: id_list("push_picking_status_ids")?,
            push_invoiced_status_ids: id_list("push_invoiced_status_ids")?,
            claims_lookback_days: number("claims_lookback_days", 1, 90)? as u32,
            image_base_url,
            cargo_company_id,
            default_dimensional_weight: number("default_dimensional_weight", 0, 10_000)? as u32,
            default_vat_rate,
            prices_include_vat: boolean("prices_include_vat")?,
            default_brand_id: number("default_brand_id", 0, i64::MAX as u64)?,
            // Running system
            no_order_alert_hours: number("no_order_alert_hours", 0, 720)? as u32,
            alert_throttle_minutes: number("alert_throttle_minutes", 1, 10_080)? as u32,
            alert_max_mails_per_hour: number("alert_max_mails_per_hour", 1, 1000)? as u32,
            // Tokens of 16 to 23 characters predate the 24-character rule: they are still read
            // (the route keeps working) but can no longer be saved (see `SHOP_SECRETS`).
            metrics_token: {
                let token = credential("metrics_token")?;
                if !token.is_empty() && token.expose().len() < 16 {
                    return Err(Error::setting(
                        "metrics_token",
                        "a token shorter than 16 characters",
                        get("metrics_token").0.allowed,
                    ));
                }
                token
            },
            cron_secret: credential("cron_secret")?,
            log_retention_days: number("log_retention_days", 1, 3650)? as u32,
            job_lock_lease: number("job_lock_lease", 10, 3600)? as u32,
            price_rules: Default::default(),
        })
    }

    /// Rejects keys that are not settings — for explicit overrides, where an unknown key is a typo.
    pub fn check_known<'a>(keys: impl IntoIterator<Item = &'a String>) -> Result<()> {
        for key in keys {
            let name = key
                .strip_prefix(SETTING_CODE)
                .and_then(|k| k.strip_prefix('_'))
                .unwrap_or(key);
            if !SPECS.iter().any(|s| s.name == name) {
                let names: Vec<&str> = SPECS.iter().map(|s| s.name).collect();
                return Err(Error::setting(key, "an unknown setting", names.join(", ")));
            }
        }
        Ok(())
    }

    /// The secrets this configuration holds, for the log redactor.
    pub fn secrets(&self) -> Vec<&str> {
        [
            &self.api_key,
            &self.api_secret,
            &self.webhook_password,
            &self.webhook_api_key,
            &self.metrics_token,
            &self.cron_secret,
        ]
        .into_iter()
        .map(Secret::expose)
        .filter(|s| !s.is_empty())
        .collect()
    }

    /// The base URL of the Trendyol API for the chosen environment.
    pub fn api_base_url(&self) -> &str {
        match self.environment {
            Environment::Production => "https://apigw.trendyol.com",
            Environment::Stage => "https://stageapigw.trendyol.com",
            Environment::Sandbox => &self.sandbox_url,
        }
    }

    /// A PHP-friendly view: every setting by short name, secrets reduced to "set"/"" so the
    /// admin can show whether one is configured without ever echoing it.
    pub fn to_public_map(&self) -> serde_json::Map<String, serde_json::Value> {
        use serde_json::Value;
        let mut m = serde_json::Map::new();
        let mut put = |k: &str, v: Value| {
            m.insert(k.to_string(), v);
        };
        let set = |s: &Secret| Value::Bool(!s.is_empty());
        put("status", self.status.into());
        put("product_sync", self.product_sync.into());
        put("order_sync", self.order_sync.into());
        put("stock_sync", self.stock_sync.into());
        put("webhook_processing", self.webhook_processing.into());
        put("product_sync_interval", self.product_sync_interval.into());
        put("order_sync_interval", self.order_sync_interval.into());
        put("stock_sync_interval", self.stock_sync_interval.into());
        put("webhook_interval", self.webhook_interval.into());
        put("alert_email", self.alert_email.clone().into());
        put("alert_on_error", self.alert_on_error.into());
        put("alert_on_low_stock", self.alert_on_low_stock.into());
        put("low_stock_threshold", self.low_stock_threshold.into());
        put("batch_size", self.batch_size.into());
        put("max_execution_time", self.max_execution_time.into());
        put("memory_limit_bytes", self.memory_limit_bytes.into());
        put("debug", self.debug.into());
        put("log_dir", self.log_dir.display().to_string().into());
        put(
            "seller_id",
            self.seller_id.map(Value::from).unwrap_or(Value::Null),
        );
        put("api_key_set", set(&self.api_key));
        put("api_secret_set", set(&self.api_secret));
        put("environment", self.environment.as_str().into());
        put("api_base_url", self.api_base_url().into());
        put("integrator_name", self.integrator_name.clone().into());
        put("calls_per_minute", self.calls_per_minute.into());
        put("calls_per_hour", self.calls_per_hour.into());
        put("api_connect_timeout", self.api_connect_timeout.into());
        put("api_timeout", self.api_timeout.into());
        put("api_endpoint_limit", self.api_endpoint_limit.into());
        put("api_endpoint_window", self.api_endpoint_window.into());
        put(
            "api_limit_overrides",
            self.api_limit_overrides.clone().into(),
        );
        put(
            "webhook_auth",
            match self.webhook_auth {
                WebhookAuth::Basic => "basic",
                WebhookAuth::ApiKey => "api_key",
            }
            .into(),
        );
        put("webhook_username", self.webhook_username.clone().into());
        put("webhook_password_set", set(&self.webhook_password));
        put("webhook_api_key_set", set(&self.webhook_api_key));
        put("language_id", self.language_id.into());
        put("barcode_source", self.barcode_source.column().into());
        put("stock_buffer", self.stock_buffer.into());
        put("order_currency", self.order_currency.clone().into());
        put("store_id", self.store_id.into());
        put("customer_group_id", self.customer_group_id.into());
        put("image_base_url", self.image_base_url.clone().into());
        put("cargo_company_id", self.cargo_company_id.into());
        put(
            "default_dimensional_weight",
            self.default_dimensional_weight.into(),
        );
        put("default_vat_rate", self.default_vat_rate.into());
        put("prices_include_vat", self.prices_include_vat.into());
        put("default_brand_id", self.default_brand_id.into());
        // Running system
        put("no_order_alert_hours", self.no_order_alert_hours.into());
        put("alert_throttle_minutes", self.alert_throttle_minutes.into());
        put(
            "alert_max_mails_per_hour",
            self.alert_max_mails_per_hour.into(),
        );
        put("metrics_token_set", set(&self.metrics_token));
        put("cron_secret_set", set(&self.cron_secret));
        put("log_retention_days", self.log_retention_days.into());
        put("job_lock_lease", self.job_lock_lease.into());
        m
    }
}

fn parse_bool(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "1" | "true" | "on" | "yes" => Some(true),
        "0" | "false" | "off" | "no" | "" => Some(false),
        _ => None,
    }
}

/// `256M`, `1G`, `131072K`, `268435456` → bytes, as PHP's `memory_limit` reads them.
fn parse_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let (digits, unit) = match text.char_indices().last()? {
        (i, c) if c.is_ascii_alphabetic() => (&text[..i], c.to_ascii_uppercase()),
        _ => (text, 'B'),
    };
    let n: u64 = digits.parse().ok()?;
    let factor = match unit {
        'B' => 1,
        'K' => 1 << 10,
        'M' => 1 << 20,
        'G' => 1 << 30,
        _ => return None,
    };
    n.checked_mul(factor)
}

fn looks_like_email(text: &str) -> bool {
    let Some((local, domain)) = text.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !text
            .chars()
            .any(|c| c.is_whitespace() || c == ',' || c == ';')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(pairs: &[(&str, &str)]) -> Result<Settings> {
        let map = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_values(&map)
    }

    #[test]
    fn defaults_are_the_seed_guides() {
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
        for name in SHOP_SECRETS {
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
}
