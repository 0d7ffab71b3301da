//! Authentication as Trendyol's gateway does it.
//!
//! - `User-Agent` must read `"{sellerId} - {IntegratorName}"` (name alphanumeric, ≤ 30 chars;
//!   `SelfIntegration` for a seller's own code). Missing or malformed → **403**. The seller id
//!   in it must be the authenticated seller's.
//! - `Authorization: Basic base64(key:secret)`; anything else → **401** with
//!   `ClientApiAuthenticationException`.
//! - A seller id in the path that the credentials do not own → **403**.

use crate::config::SellerCredentials;
use base64::Engine;
use std::collections::HashMap;

/// Longest integrator name accepted in the User-Agent.
pub const MAX_INTEGRATOR_LEN: usize = 30;

/// The seller a request was authenticated as (a request extension for handlers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    pub seller_id: u64,
}

/// Parses a User-Agent of the form `"{sellerId} - {IntegratorName}"`.
pub fn parse_user_agent(ua: &str) -> Option<(u64, &str)> {
    let (id, name) = ua.split_once(" - ")?;
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if name.is_empty()
        || name.len() > MAX_INTEGRATOR_LEN
        || !name.bytes().all(|b| b.is_ascii_alphanumeric())
    {
        return None;
    }
    Some((id.parse().ok()?, name))
}

/// The configured credentials, looked up by API key.
#[derive(Debug, Clone, Default)]
pub struct Credentials {
    by_key: HashMap<String, SellerCredentials>,
}

impl Credentials {
    pub fn new(sellers: &[SellerCredentials]) -> Self {
        Credentials {
            by_key: sellers
                .iter()
                .map(|s| (s.api_key.clone(), s.clone()))
                .collect(),
        }
    }

    /// Checks an `Authorization` header value; returns the seller id.
    pub fn check(&self, authorization: Option<&str>) -> Option<u64> {
        let value = authorization?;
        let (scheme, b64) = value.trim().split_once(' ')?;
        if !scheme.eq_ignore_ascii_case("basic") {
            return None;
        }
        let raw = base64::engine::general_purpose::STANDARD
            .decode(b64.trim())
            .ok()?;
        let text = std::str::from_utf8(&raw).ok()?;
        let (key, secret) = text.split_once(':')?;
        let seller = self.by_key.get(key)?;
        (seller.api_secret == secret).then_some(seller.seller_id)
    }

    /// True when some configured seller has this id.
    pub fn has_seller(&self, seller_id: u64) -> bool {
        self.by_key.values().any(|s| s.seller_id == seller_id)
    }

    /// The configured seller ids, sorted.
    pub fn seller_ids(&self) -> Vec<u64> {
        let mut ids: Vec<u64> = self.by_key.values().map(|s| s.seller_id).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

/// The seller id segment of a path (`.../sellers/{id}/...`), if the path has one.
pub fn seller_in_path(path: &str) -> Option<&str> {
    let mut segs = path.split('/');
    while let Some(s) = segs.next() {
        if s == "sellers" {
            return segs.next();
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_agent_forms() {
        assert_eq!(
            parse_user_agent("1001 - SelfIntegration"),
            Some((1001, "SelfIntegration"))
        );
        assert_eq!(
            parse_user_agent("1001 - MesChain"),
            Some((1001, "MesChain"))
        );
        assert!(parse_user_agent("MesChain/1.0").is_none());
        assert!(parse_user_agent("1001 - Mes Chain").is_none());
        assert!(parse_user_agent("1001 - ").is_none());
        assert!(parse_user_agent(&format!("1001 - {}", "a".repeat(31))).is_none());
        assert!(parse_user_agent("abc - MesChain").is_none());
    }

    #[test]
    fn basic_auth() {
        let c = Credentials::new(&[SellerCredentials::demo()]);
        let good = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode("demo-api-key:demo-api-secret")
        );
        assert_eq!(c.check(Some(&good)), Some(1001));
        let bad = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode("demo-api-key:nope")
        );
        assert_eq!(c.check(Some(&bad)), None);
        assert_eq!(c.check(Some("Bearer x")), None);
        assert_eq!(c.check(Some("Basic !!!")), None);
        assert_eq!(c.check(None), None);
    }

    #[test]
    fn seller_segment() {
        assert_eq!(
            seller_in_path("/integration/product/sellers/77/products"),
            Some("77")
        );
        assert_eq!(seller_in_path("/integration/product/brands"), None);
    }
}
