//! What a [`super::TrendyolClient`] is built from.

use std::time::Duration;

use super::circuit::CircuitPolicy;
use super::retry::RetryPolicy;
use crate::config::settings::{Secret, Settings};
use crate::error::{Error, Result};
use crate::limiter::quota::Rule;
use crate::limiter::{LimiterConfig, QuotaConfig};

/// The client's whole configuration.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// `https://apigw.trendyol.com`, the stage host, or a sandbox URL; paths are appended.
    pub base_url: String,
    pub seller_id: u64,
    pub api_key: Secret,
    pub api_secret: Secret,
    /// Goes into the required `User-Agent: "{sellerId} - {integrator}"`.
    pub integrator_name: String,
    /// The `storeFrontCode` header, for sellers outside TR (none = Trendyol's default, TR).
    pub store_front_code: Option<String>,
    /// Time to establish a TCP (and TLS) connection.
    pub connect_timeout: Duration,
    /// Time for one whole attempt: send, wait, read the answer.
    pub request_timeout: Duration,
    /// A call's overall budget (all attempts and waits) when the caller set no deadline.
    pub call_budget: Duration,
    pub retry: RetryPolicy,
    pub circuit: CircuitPolicy,
    pub limiter: LimiterConfig,
}

impl ClientConfig {
    /// Defaults for everything but the identity.
    pub fn new(
        base_url: impl Into<String>,
        seller_id: u64,
        api_key: Secret,
        api_secret: Secret,
        integrator_name: impl Into<String>,
    ) -> ClientConfig {
        ClientConfig {
            base_url: base_url.into().trim_end_matches('/').to_string(),
            seller_id,
            api_key,
            api_secret,
            integrator_name: integrator_name.into(),
            store_front_code: None,
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(30),
            call_budget: Duration::from_secs(120),
            retry: RetryPolicy::default(),
            circuit: CircuitPolicy::default(),
            limiter: LimiterConfig::default(),
        }
    }

    /// From the module settings: environment/base URL, credentials, timeouts and limits.
    pub fn from_settings(settings: &Settings) -> Result<ClientConfig> {
        let seller_id = settings
            .seller_id
            .ok_or_else(|| Error::Config("the Trendyol seller id is not set".into()))?;
        if settings.api_key.is_empty() || settings.api_secret.is_empty() {
            return Err(Error::Config(
                "the Trendyol API key and secret are not set".into(),
            ));
        }
        let mut config = ClientConfig::new(
            settings.api_base_url(),
            seller_id,
            settings.api_key.clone(),
            settings.api_secret.clone(),
            settings.integrator_name.clone(),
        );
        config.connect_timeout = Duration::from_secs(settings.api_connect_timeout.into());
        config.request_timeout = Duration::from_secs(settings.api_timeout.into());
        let mut quota = QuotaConfig {
            per_endpoint: Rule::new(settings.api_endpoint_limit, settings.api_endpoint_window),
            calls_per_minute: settings.calls_per_minute,
            calls_per_hour: settings.calls_per_hour,
            ..QuotaConfig::default()
        };
        quota.apply_overrides(&settings.api_limit_overrides)?;
        config.limiter.quota = quota;
        Ok(config)
    }

    pub fn user_agent(&self) -> String {
        trendyol_wire::paths::user_agent(self.seller_id, &self.integrator_name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn from_settings_takes_identity_timeouts_and_limits() {
        let values: BTreeMap<String, String> = [
            ("seller_id", "1001"),
            ("api_key", "k"),
            ("api_secret", "s"),
            ("environment", "sandbox"),
            ("sandbox_url", "http://127.0.0.1:9999/"),
            ("api_timeout", "7"),
            ("api_limit_overrides", "order.list=20/10"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let settings = Settings::from_values(&values).unwrap();
        let c = ClientConfig::from_settings(&settings).unwrap();
        assert_eq!(c.base_url, "http://127.0.0.1:9999");
        assert_eq!(c.user_agent(), "1001 - SelfIntegration");
        assert_eq!(c.request_timeout, Duration::from_secs(7));
        assert_eq!(
            c.limiter
                .quota
                .endpoint_rule(crate::trendyol::EndpointClass::OrderList),
            Rule::new(20, 10)
        );
        assert!(!format!("{c:?}").contains("\"s\""));
        let err = ClientConfig::from_settings(&Settings::default()).unwrap_err();
        assert!(err.to_string().contains("seller id"));
    }
}
