//! Module settings, as the shop owner sets them in Extensions > MesChain.
//!
//! OpenCart stores every setting as text in `oc_setting` (code `module_meschain`, keys
//! `module_meschain_<name>`). The table below declares each setting once — its typed field,
//! default, form group, secrecy, what it allows and how its text is read — and the
//! [`settings!`](declare) macro derives from it the [`Settings`] struct, the [`SPECS`] list, the
//! validation (an error names the key and what it allows) and the public view PHP gets. Adding
//! a setting is one line here plus its `entry_`/`help_` translations.
//!
//! - [`declare`]: the macro and what a declaration holds;
//! - [`parse`]: the parsers a line names;
//! - [`values`]: the typed values beyond numbers and text (a credential, the closed choices).
//!
//! Defaults are the recommended values (batch size 50, 300 s, 256M, intervals 60/15/30/5 min).

pub mod declare;
pub mod parse;
#[cfg(test)]
mod tests;
pub mod values;

use std::collections::BTreeMap;
use std::path::PathBuf;

use self::declare::{settings, Bad, SettingValue};
use self::parse::*;
use crate::error::{Error, Result};

pub use self::declare::{Sensitivity, SettingSpec};
pub use self::values::{BarcodeSource, Environment, Secret, WebhookAuth};

/// OpenCart's setting `code` for the module; keys are `{CODE}_{name}`.
pub const SETTING_CODE: &str = "module_meschain";

/// The shortest value a secret the shop makes up itself may be saved with. These secrets guard
/// addresses anyone can reach (the webhook, the metrics and the cron route), so they must be
/// out of reach of guessing even without a lockout; 24 random characters are.
pub const MIN_SECRET_CHARS: usize = 24;

/// The form's groups, in the order its tabs show them.
pub const GROUPS: &[&str] = &[
    "general",
    "intervals",
    "alerts",
    "performance",
    "debug",
    "api",
    "webhook",
    "catalog",
    "orders",
    "other",
];

const BOOL: &str = "1/0, true/false, on/off, yes/no";
const MINUTES: &str = "whole minutes from 1 to 1440";

settings! {
    // General
    status: bool = "0", general, Plain, BOOL, boolean;
    product_sync: bool = "1", general, Plain, BOOL, boolean;
    order_sync: bool = "1", general, Plain, BOOL, boolean;
    stock_sync: bool = "1", general, Plain, BOOL, boolean;
    webhook_processing: bool = "1", general, Plain, BOOL, boolean;
    /// Read Trendyol's customer questions on a schedule.
    question_sync: bool = "1", general, Plain, BOOL, boolean;
    // Sync intervals, minutes
    product_sync_interval: u32 = "60", intervals, Plain, MINUTES, minutes;
    order_sync_interval: u32 = "15", intervals, Plain, MINUTES, minutes;
    stock_sync_interval: u32 = "30", intervals, Plain, MINUTES, minutes;
    webhook_interval: u32 = "5", intervals, Plain, MINUTES, minutes;
    question_sync_interval: u32 = "15", intervals, Plain, MINUTES, minutes;
    // Alerts
    alert_email: String = "", alerts, Plain, "an e-mail address, or empty for none", email;
    alert_on_error: bool = "1", alerts, Plain, BOOL, boolean;
    alert_on_low_stock: bool = "1", alerts, Plain, BOOL, boolean;
    low_stock_threshold: u32 = "5", alerts, Plain, "a whole number from 0 to 100000",
        |v| number(v, 0, 100_000);
    // Performance
    batch_size: u32 = "50", performance, Plain, "a whole number from 1 to 1000",
        |v| number(v, 1, 1000);
    max_execution_time: u32 = "300", performance, Plain, "seconds from 10 to 3600",
        |v| number(v, 10, 3600);
    memory_limit_bytes as "memory_limit": u64 = "256M", performance, Plain,
        "a size like 128M, 256M, 1G (16M to 8G)", memory;
    // Debug and logs
    debug: bool = "0", debug, Plain, BOOL, boolean;
    log_dir: PathBuf = "/var/log/trendyol-cron", debug, Plain, "an absolute directory path",
        absolute_dir;
    // Trendyol API
    seller_id: Option<u64> = "", api, Plain, "Trendyol's numeric seller id, or empty", seller_id;
    api_key: Secret = "", api, Secret,
        "the API key from Trendyol's seller panel, without spaces", credential;
    api_secret: Secret = "", api, Secret,
        "the API secret from Trendyol's seller panel, without spaces", credential;
    environment: Environment = "production", api, Plain, "production, stage or sandbox", choice;
    sandbox_url: String = "http://127.0.0.1:8089", api, Plain,
        "an http(s) URL of a trendyol-sandbox", sandbox_url;
    integrator_name: String = "SelfIntegration", api, Plain, "letters and digits, at most 30",
        integrator_name;
    calls_per_minute: u32 = "600", api, Plain, "a whole number from 1 to 100000",
        |v| number(v, 1, 100_000);
    calls_per_hour: u32 = "36000", api, Plain, "a whole number from 1 to 6000000",
        |v| number(v, 1, 6_000_000);
    /// Seconds to establish a connection to Trendyol.
    api_connect_timeout: u32 = "5", api, Plain, "seconds from 1 to 60", |v| number(v, 1, 60);
    /// Seconds for one whole request (send, wait, read the answer).
    api_timeout: u32 = "30", api, Plain, "seconds from 1 to 600", |v| number(v, 1, 600);
    /// Trendyol's general rule: `api_endpoint_limit` requests per `api_endpoint_window` seconds
    /// to the same endpoint.
    api_endpoint_limit: u32 = "50", api, Plain, "a whole number from 1 to 100000",
        |v| number(v, 1, 100_000);
    api_endpoint_window: u32 = "10", api, Plain, "seconds from 1 to 3600", |v| number(v, 1, 3600);
    /// Per-endpoint and per-service limit overrides (see `limiter::quota`).
    api_limit_overrides: String = "", api, Plain, crate::limiter::quota::OVERRIDES_ALLOWED,
        limit_overrides;
    // Webhook intake
    webhook_auth: WebhookAuth = "api_key", webhook, Plain, "basic or api_key", choice;
    webhook_username: String = "", webhook, Plain, "any text without control characters", text;
    webhook_password: Secret = "", webhook, ShopSecret,
        "24 or more characters without control characters", credential;
    webhook_api_key: Secret = "", webhook, ShopSecret,
        "24 or more characters without control characters", credential;
    // Catalog and orders
    language_id: u32 = "1", catalog, Plain, "an OpenCart language_id (1 or more)",
        |v| number(v, 1, u32::MAX as u64);
    barcode_source: BarcodeSource = "ean", catalog, Plain,
        "ean, upc, sku, model, jan, isbn or mpn", choice;
    stock_buffer: u32 = "0", catalog, Plain, "a whole number from 0 to 10000",
        |v| number(v, 0, 10_000);
    order_currency: String = "TRY", orders, Plain, "a three-letter currency code", currency;
    /// The OpenCart store whose catalog is synced and into which orders are imported (0: the
    /// default store).
    store_id: u32 = "0", catalog, Plain, "an OpenCart store_id, 0 for the default store",
        |v| number(v, 0, u32::MAX as u64);
    /// The customer group whose specials make the sale price (0: the shop's default group,
    /// `config_customer_group_id`).
    customer_group_id: u32 = "0", catalog, Plain,
        "an OpenCart customer_group_id, 0 for the shop's default group",
        |v| number(v, 0, u32::MAX as u64);
    // Order sync
    /// The storefront URL written on imported orders (empty: the shop's `config_url`, if any).
    store_url: String = "", other, Plain, "the storefront URL (http or https), or empty",
        store_url;
    /// How far back the first order poll reaches.
    order_lookback_hours: u32 = "72", orders, Plain, "whole hours from 1 to 2160",
        |v| number(v, 1, 2160);
    /// How far each poll reaches back behind the last committed position, for packages whose
    /// change Trendyol published late.
    order_overlap_minutes: u32 = "10", orders, Plain, "whole minutes from 0 to 1440",
        |v| number(v, 0, 1440);
    /// Time slices of the poll window fetched at once (within the rate limit).
    order_poll_concurrency: u32 = "4", orders, Plain, "a whole number from 1 to 16",
        |v| number(v, 1, 16);
    /// Packages imported at once (each in its own transaction).
    order_import_concurrency: u32 = "12", orders, Plain, "a whole number from 1 to 32",
        |v| number(v, 1, 32);
    /// OpenCart order statuses that mean "being picked": Trendyol is told `Picking`.
    push_picking_status_ids: Vec<u32> = "15", other, Plain,
        "OpenCart order_status_id values, comma-separated, or empty", id_list;
    /// OpenCart order statuses that mean "invoiced / handed over": Trendyol is told `Invoiced`.
    push_invoiced_status_ids: Vec<u32> = "3", other, Plain,
        "OpenCart order_status_id values, comma-separated, or empty", id_list;
    /// How far back the first claims (returns) poll reaches.
    claims_lookback_days: u32 = "14", other, Plain, "whole days from 1 to 90",
        |v| number(v, 1, 90);
    // Catalog sync
    /// Public URL of the shop's image folder (`HTTP_SERVER . 'image/'`), https; images are
    /// sent to Trendyol as this URL joined with the path OpenCart stores.
    image_base_url: String = "", catalog, Plain,
        "an https URL of the shop's image folder ending in /, or empty", image_base_url;
    /// Trendyol's cargo company id (V1 ids: 4 Yurtiçi, 6 Horoz, 7 Aras, 9 Sürat, 10 DHL
    /// eCommerce, 17 Trendyol Express, 19 PTT, 20 Ceva, 38 Kolay Gelsin).
    cargo_company_id: u32 = "17", catalog, Plain,
        "a Trendyol cargo company id: 4, 6, 7, 9, 10, 17, 19, 20 or 38", cargo_company;
    /// Desi used when a product has no dimensions.
    default_dimensional_weight: u32 = "1", other, Plain, "a whole desi from 0 to 10000",
        |v| number(v, 0, 10_000);
    /// VAT rate for tax classes without a row in the VAT mapping.
    default_vat_rate: u8 = "20", catalog, Plain, "0, 1, 10 or 20", vat_rate;
    /// Whether OpenCart prices already include VAT (Trendyol's prices always do).
    prices_include_vat: bool = "1", other, Plain, BOOL, boolean;
    /// Trendyol brand for products whose manufacturer has none mapped (0 = such products are
    /// invalid).
    default_brand_id: u64 = "0", other, Plain, "a Trendyol brand id, or 0 for none",
        |v| number(v, 0, i64::MAX as u64);
    // Running system
    /// Alert when the newest Trendyol order is older than this many hours (0 = never).
    no_order_alert_hours: u32 = "24", alerts, Plain, "whole hours from 0 (off) to 720",
        |v| number(v, 0, 720);
    /// Alert when a customer question waits unanswered longer than this many hours (0 = never).
    question_alert_hours: u32 = "12", alerts, Plain, "whole hours from 0 (off) to 720",
        |v| number(v, 0, 720);
    /// At most one e-mail per alert (dedupe key) per this many minutes.
    alert_throttle_minutes: u32 = "60", alerts, Plain, "whole minutes from 1 to 10080",
        |v| number(v, 1, 10_080);
    /// At most this many alert e-mails per hour, shop-wide.
    alert_max_mails_per_hour: u32 = "10", alerts, Plain, "a whole number from 1 to 1000",
        |v| number(v, 1, 1000);
    /// Bearer token of the metrics route; empty disables the route.
    metrics_token: Secret = "", other, ShopSecret,
        "a token of 24 or more characters without spaces, or empty to disable the metrics route",
        metrics_token;
    /// What a request to the catalog's cron route must present; empty: only OpenCart's own cron
    /// (which calls the route in-process) runs it.
    cron_secret: Secret = "", other, ShopSecret,
        "a secret of 24 or more characters without spaces, or empty to turn the cron address off",
        credential;
    /// Sync logs, webhook logs, processed queue jobs and stock history older than this are deleted.
    log_retention_days: u32 = "30", other, Plain, "whole days from 1 to 3650",
        |v| number(v, 1, 3650);
    /// Seconds a job lock stays held without a heartbeat: a crashed holder's lock is taken over
    /// after this long.
    job_lock_lease: u32 = "120", other, Plain, "seconds from 10 to 3600", |v| number(v, 10, 3600);
}

/// The declaration of setting `name`, if it is one.
pub fn find(name: &str) -> Option<&'static SettingSpec> {
    SPECS.iter().find(|s| s.name == name)
}

fn spec(name: &str) -> &'static SettingSpec {
    find(name).expect("every read setting is in SPECS")
}

/// `module_meschain_batch_size` or `batch_size` → `batch_size` (not checked to be a setting).
pub fn short_key(key: &str) -> &str {
    key.strip_prefix(SETTING_CODE)
        .and_then(|k| k.strip_prefix('_'))
        .unwrap_or(key)
}

/// The shortest length setting `name` may be saved with (0: no rule of this kind).
pub fn min_chars(name: &str) -> usize {
    match find(name) {
        Some(spec) if spec.sensitivity == Sensitivity::ShopSecret => MIN_SECRET_CHARS,
        _ => 0,
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
        let short: BTreeMap<&str, &str> = values
            .iter()
            .map(|(key, value)| (short_key(key), value.as_str()))
            .collect();
        Settings::parse_each(&|spec| {
            short
                .get(spec.name)
                .map(|v| v.trim())
                .unwrap_or(spec.default)
                .to_string()
        })
    }

    /// Rejects keys that are not settings — for explicit overrides, where an unknown key is a typo.
    pub fn check_known<'a>(keys: impl IntoIterator<Item = &'a String>) -> Result<()> {
        for key in keys {
            if find(short_key(key)).is_none() {
                let names: Vec<&str> = SPECS.iter().map(|s| s.name).collect();
                return Err(Error::setting(key, "an unknown setting", names.join(", ")));
            }
        }
        Ok(())
    }

    /// The base URL of the Trendyol API for the chosen environment.
    pub fn api_base_url(&self) -> &str {
        match self.environment {
            Environment::Production => "https://apigw.trendyol.com",
            Environment::Stage => "https://stageapigw.trendyol.com",
            Environment::Sandbox => &self.sandbox_url,
        }
    }

    /// A switch setting's value by name (`None`: no such boolean setting).
    pub fn flag(&self, name: &str) -> Option<bool> {
        self.field(name)?.downcast_ref::<bool>().copied()
    }

    /// A whole-minutes setting's value by name (`None`: no such `u32` setting).
    pub fn minutes(&self, name: &str) -> Option<u32> {
        self.field(name)?.downcast_ref::<u32>().copied()
    }
}
