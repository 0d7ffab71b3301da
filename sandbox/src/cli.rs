//! The command line of `trendyol-sandbox`. Every knob has a flag (and the main ones an
//! environment variable); the same knobs can change at runtime through `/__sandbox/settings`,
//! `/__sandbox/faults` and `/__sandbox/limits`.

use crate::config::{SandboxConfig, SellerCredentials, Settings, WebhookEnvelope};
use crate::faults::FaultConfig;
use crate::limits::LimitConfig;
use clap::{Parser, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnOff {
    On,
    Off,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Envelope {
    /// The package object itself.
    Bare,
    /// `{"content":[package], ...}`.
    Page,
}

/// An offline, deterministic stand-in for the Trendyol Seller API.
///
/// Serves the same paths as https://apigw.trendyol.com (rooted at /integration/...) on
/// 127.0.0.1, so a client switches to it by base URL alone: http://127.0.0.1:PORT.
/// Control endpoints live under /__sandbox/ (reset, seed, clock, faults, limits, request log).
/// On start it prints `trendyol-sandbox listening on http://127.0.0.1:PORT`.
#[derive(Debug, Clone, Parser)]
#[command(name = "trendyol-sandbox", version, about, long_about)]
pub struct Cli {
    // ---- server ----
    /// Port on 127.0.0.1 (0 picks a free port; it is printed and written to --port-file).
    #[arg(
        long,
        env = "TRENDYOL_SANDBOX_PORT",
        default_value_t = 8089,
        help_heading = "Server"
    )]
    pub port: u16,
    /// Write the bound port to this file once listening.
    #[arg(long, value_name = "PATH", help_heading = "Server")]
    pub port_file: Option<PathBuf>,
    /// A seller as ID:API_KEY:API_SECRET (repeatable, or comma-separated in the env variable).
    /// Default: the demo seller 1001:demo-api-key:demo-api-secret.
    #[arg(
        long = "seller",
        value_name = "ID:KEY:SECRET",
        env = "TRENDYOL_SANDBOX_SELLERS",
        value_delimiter = ',',
        help_heading = "Server"
    )]
    pub sellers: Vec<String>,
    /// Seed of every random choice (generated orders, review verdicts, fault draws).
    #[arg(
        long,
        env = "TRENDYOL_SANDBOX_SEED",
        default_value_t = 42,
        help_heading = "Server"
    )]
    pub seed: u64,
    /// Load state from this file on start (if present); save on SIGINT/SIGTERM and POST /__sandbox/save.
    #[arg(
        long,
        value_name = "PATH",
        env = "TRENDYOL_SANDBOX_STATE_FILE",
        help_heading = "Server"
    )]
    pub state_file: Option<PathBuf>,
    /// Most requests kept in the request log (older ones are dropped; counters keep counting).
    #[arg(long, default_value_t = 100_000, help_heading = "Server")]
    pub request_log_cap: usize,
    /// Largest request body accepted, in bytes.
    #[arg(long, default_value_t = 32 * 1024 * 1024, help_heading = "Server")]
    pub max_body_bytes: usize,

    // ---- behaviour ----
    /// Time a product spends in review before approval or rejection shows (ms).
    #[arg(long, default_value_t = 5_000, help_heading = "Behaviour")]
    pub approval_delay_ms: i64,
    /// Share of reviewed products that are rejected, with reasons (0.0-1.0).
    #[arg(long, default_value_t = 0.1, help_heading = "Behaviour")]
    pub reject_share: f64,
    /// Time a batch stays IN_PROGRESS before its items turn SUCCESS/FAILED (ms).
    #[arg(long, default_value_t = 1_000, help_heading = "Behaviour")]
    pub batch_delay_ms: i64,
    /// Extra time the batch-level status stays IN_PROGRESS after the items are final (ms).
    #[arg(long, default_value_t = 0, help_heading = "Behaviour")]
    pub batch_status_lag_ms: i64,
    /// How long batch results are kept (ms; Trendyol: 4 h).
    #[arg(long, default_value_t = 14_400_000, help_heading = "Behaviour")]
    pub batch_ttl_ms: i64,
    /// Window in which an identical price & inventory body is refused (ms; Trendyol: 15 min).
    #[arg(long, default_value_t = 900_000, help_heading = "Behaviour")]
    pub duplicate_window_ms: i64,
    /// Time an Awaiting package waits before becoming Created (ms).
    #[arg(long, default_value_t = 60_000, help_heading = "Behaviour")]
    pub awaiting_delay_ms: i64,
    /// Emit the pre-December-2025 package field names (id, totalPrice, merchantSku, ...).
    #[arg(long, help_heading = "Behaviour")]
    pub legacy_field_names: bool,
    /// Also require each category's required attributes on products.
    #[arg(long, help_heading = "Behaviour")]
    pub strict_attributes: bool,

    // ---- webhooks ----
    /// Interval between webhook delivery retries (ms; Trendyol: about 5 min).
    #[arg(long, default_value_t = 300_000, help_heading = "Webhooks")]
    pub webhook_retry_ms: i64,
    /// Consecutive failed deliveries after which a subscription is deactivated (Trendyol: 13).
    #[arg(long, default_value_t = 13, help_heading = "Webhooks")]
    pub webhook_max_failures: u32,
    /// Timeout of one webhook delivery (ms).
    #[arg(long, default_value_t = 5_000, help_heading = "Webhooks")]
    pub webhook_timeout_ms: u64,
    /// Wrap delivered packages: bare object or a {"content":[...]} page.
    #[arg(long, value_enum, default_value_t = Envelope::Bare, help_heading = "Webhooks")]
    pub webhook_envelope: Envelope,

    // ---- rate limits ----
    /// Enforce rate limits (50 req / 10 s per endpoint and the per-service per-minute table).
    #[arg(long, value_enum, env = "TRENDYOL_SANDBOX_RATE_LIMITS", default_value_t = OnOff::On, help_heading = "Rate limits")]
    pub rate_limits: OnOff,
    /// Requests per endpoint per window (0 = unlimited).
    #[arg(long, default_value_t = 50, help_heading = "Rate limits")]
    pub limit_per_endpoint: u32,
    /// The per-endpoint window (ms).
    #[arg(long, default_value_t = 10_000, help_heading = "Rate limits")]
    pub limit_window_ms: i64,
    /// Per-minute limit of a service group as GROUP=N (repeatable; 0 = unlimited). Groups:
    /// product_create (1000), product_update (1000), product_filter (2000), product_delete (100),
    /// batch_result (1000), catalog (50), orders (1000), price_inventory (0), webhooks (0).
    #[arg(long = "limit", value_name = "GROUP=N", help_heading = "Rate limits")]
    pub limits: Vec<String>,
    /// Add a Retry-After header to 429 answers (off by default, like the real API).
    #[arg(long, help_heading = "Rate limits")]
    pub retry_after: bool,

    // ---- faults ----
    /// Share of /integration requests answered 500 generic.exception (0.0-1.0).
    #[arg(long, default_value_t = 0.0, help_heading = "Faults")]
    pub fault_5xx_share: f64,
    /// Share of requests answered 429 too.many.requests.
    #[arg(long, default_value_t = 0.0, help_heading = "Faults")]
    pub fault_429_share: f64,
    /// Fixed latency added to every request (ms).
    #[arg(long, default_value_t = 0, help_heading = "Faults")]
    pub fault_latency_ms: u64,
    /// Extra random latency, uniform up to this many ms.
    #[arg(long, default_value_t = 0, help_heading = "Faults")]
    pub fault_latency_jitter_ms: u64,
    /// Share of requests that hang (no answer for --fault-hang-ms, then 504).
    #[arg(long, default_value_t = 0.0, help_heading = "Faults")]
    pub fault_hang_share: f64,
    /// How long a hanging request hangs (ms).
    #[arg(long, default_value_t = 120_000, help_heading = "Faults")]
    pub fault_hang_ms: u64,
    /// Share of requests whose connection is reset (TCP RST, no answer, not processed).
    #[arg(long, default_value_t = 0.0, help_heading = "Faults")]
    pub fault_reset_share: f64,
    /// Share of requests processed but answered 200 with truncated JSON.
    #[arg(long, default_value_t = 0.0, help_heading = "Faults")]
    pub fault_malformed_share: f64,
    /// Share of requests processed but answered 500 `generic.exception`.
    #[arg(long, default_value_t = 0.0, help_heading = "Faults")]
    pub fault_applied_5xx_share: f64,
    /// Share of requests processed whose connection is then reset before the answer.
    #[arg(long, default_value_t = 0.0, help_heading = "Faults")]
    pub fault_applied_reset_share: f64,
    /// Fault only requests whose path starts with this prefix.
    #[arg(long, value_name = "PREFIX", help_heading = "Faults")]
    pub fault_path_prefix: Option<String>,
    /// Fault only requests with this HTTP method.
    #[arg(long, value_name = "METHOD", help_heading = "Faults")]
    pub fault_method: Option<String>,
    /// Share of webhook deliveries sent twice.
    #[arg(long, default_value_t = 0.0, help_heading = "Faults")]
    pub webhook_duplicate_share: f64,
    /// Share of webhook deliveries held back so later ones overtake them (out of order).
    #[arg(long, default_value_t = 0.0, help_heading = "Faults")]
    pub webhook_reorder_share: f64,
    /// How long a held-back webhook delivery waits (ms).
    #[arg(long, default_value_t = 2_000, help_heading = "Faults")]
    pub webhook_reorder_delay_ms: u64,
}

fn share(name: &str, v: f64) -> Result<f64, String> {
    if (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("--{name} must be between 0 and 1, got {v}"))
    }
}

impl Cli {
    /// Turns the flags into a [`SandboxConfig`].
    pub fn into_config(self) -> Result<SandboxConfig, String> {
        let sellers = if self.sellers.is_empty() {
            vec![SellerCredentials::demo()]
        } else {
            self.sellers
                .iter()
                .map(|s| SellerCredentials::parse(s))
                .collect::<Result<Vec<_>, _>>()?
        };
        let mut limits = LimitConfig {
            enabled: self.rate_limits == OnOff::On,
            per_endpoint: self.limit_per_endpoint,
            per_endpoint_window_ms: self.limit_window_ms.max(1),
            retry_after: self.retry_after,
            ..LimitConfig::default()
        };
        for spec in &self.limits {
            let (g, n) = spec
                .split_once('=')
                .ok_or_else(|| format!("--limit must be GROUP=N, got {spec:?}"))?;
            if !limits.groups.contains_key(g) {
                return Err(format!(
                    "--limit: unknown group {g:?}; known: {}",
                    limits.groups.keys().cloned().collect::<Vec<_>>().join(", ")
                ));
            }
            let n: u32 = n
                .parse()
                .map_err(|_| format!("--limit {g}: {n:?} is not a number"))?;
            limits.groups.insert(g.to_string(), n);
        }
        let faults = FaultConfig {
            error_share: share("fault-5xx-share", self.fault_5xx_share)?,
            throttle_share: share("fault-429-share", self.fault_429_share)?,
            latency_ms: self.fault_latency_ms,
            latency_jitter_ms: self.fault_latency_jitter_ms,
            hang_share: share("fault-hang-share", self.fault_hang_share)?,
            hang_ms: self.fault_hang_ms,
            reset_share: share("fault-reset-share", self.fault_reset_share)?,
            malformed_share: share("fault-malformed-share", self.fault_malformed_share)?,
            applied_error_share: share("fault-applied-5xx-share", self.fault_applied_5xx_share)?,
            applied_reset_share: share(
                "fault-applied-reset-share",
                self.fault_applied_reset_share,
            )?,
            webhook_duplicate_share: share(
                "webhook-duplicate-share",
                self.webhook_duplicate_share,
            )?,
            webhook_reorder_share: share("webhook-reorder-share", self.webhook_reorder_share)?,
            webhook_reorder_delay_ms: self.webhook_reorder_delay_ms,
            path_prefix: self.fault_path_prefix,
            method: self.fault_method,
        };
        let settings = Settings {
            approval_delay_ms: self.approval_delay_ms,
            reject_share: share("reject-share", self.reject_share)?,
            batch_delay_ms: self.batch_delay_ms,
            batch_status_lag_ms: self.batch_status_lag_ms,
            batch_ttl_ms: self.batch_ttl_ms,
            duplicate_window_ms: self.duplicate_window_ms,
            awaiting_delay_ms: self.awaiting_delay_ms,
            legacy_field_names: self.legacy_field_names,
            webhook_retry_ms: self.webhook_retry_ms.max(1),
            webhook_max_failures: self.webhook_max_failures.max(1),
            webhook_timeout_ms: self.webhook_timeout_ms.max(1),
            webhook_envelope: match self.webhook_envelope {
                Envelope::Bare => WebhookEnvelope::Bare,
                Envelope::Page => WebhookEnvelope::Page,
            },
            strict_attributes: self.strict_attributes,
        };
        Ok(SandboxConfig {
            port: self.port,
            seed: self.seed,
            sellers,
            settings,
            faults,
            limits,
            state_file: self.state_file,
            request_log_cap: self.request_log_cap,
            max_body_bytes: self.max_body_bytes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn defaults_match_the_library_defaults() {
        let cfg = Cli::parse_from(["trendyol-sandbox"]).into_config().unwrap();
        assert_eq!(cfg.settings, Settings::default());
        assert_eq!(cfg.faults, FaultConfig::default());
        assert_eq!(cfg.limits, LimitConfig::default());
        assert_eq!(cfg.sellers, vec![SellerCredentials::demo()]);
    }

    #[test]
    fn flags_parse() {
        let cfg = Cli::parse_from([
            "trendyol-sandbox",
            "--port",
            "0",
            "--seller",
            "5:k:s",
            "--seller",
            "6:k2:s2",
            "--rate-limits",
            "off",
            "--limit",
            "catalog=10",
            "--retry-after",
            "--fault-5xx-share",
            "0.5",
            "--legacy-field-names",
        ])
        .into_config()
        .unwrap();
        assert_eq!(cfg.sellers.len(), 2);
        assert!(!cfg.limits.enabled);
        assert_eq!(cfg.limits.groups["catalog"], 10);
        assert!(cfg.limits.retry_after);
        assert_eq!(cfg.faults.error_share, 0.5);
        assert!(cfg.settings.legacy_field_names);
        assert!(Cli::parse_from(["x", "--limit", "nope=1"])
            .into_config()
            .is_err());
        assert!(Cli::parse_from(["x", "--fault-5xx-share", "2"])
            .into_config()
            .is_err());
    }

    #[test]
    fn help_documents_every_knob() {
        Cli::command().debug_assert();
        let help = Cli::command().render_long_help().to_string();
        for flag in [
            "--port",
            "--port-file",
            "--seller",
            "--seed",
            "--state-file",
            "--request-log-cap",
            "--approval-delay-ms",
            "--reject-share",
            "--batch-delay-ms",
            "--batch-status-lag-ms",
            "--batch-ttl-ms",
            "--duplicate-window-ms",
            "--awaiting-delay-ms",
            "--legacy-field-names",
            "--strict-attributes",
            "--webhook-retry-ms",
            "--webhook-max-failures",
            "--webhook-timeout-ms",
            "--webhook-envelope",
            "--rate-limits",
            "--limit-per-endpoint",
            "--limit-window-ms",
            "--limit",
            "--retry-after",
            "--fault-5xx-share",
            "--fault-429-share",
            "--fault-latency-ms",
            "--fault-latency-jitter-ms",
            "--fault-hang-share",
            "--fault-hang-ms",
            "--fault-reset-share",
            "--fault-malformed-share",
            "--fault-applied-5xx-share",
            "--fault-applied-reset-share",
            "--fault-path-prefix",
            "--fault-method",
            "--webhook-duplicate-share",
            "--webhook-reorder-share",
            "--webhook-reorder-delay-ms",
        ] {
            assert!(help.contains(flag), "help lacks {flag}");
        }
    }
}
