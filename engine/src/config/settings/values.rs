//! The typed values settings hold beyond numbers and text: a credential that never shows, and
//! the closed choices (environment, webhook authentication, barcode column).
//!
//! Each choice lists its words once ([`Choice::WORDS`]); parsing, the public view and the SQL
//! column all read that list.

use std::fmt;

use serde_json::Value;

use super::declare::SettingValue;

/// A credential. Its `Debug` never shows the value, and the telemetry redactor learns it on load.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(pub(super) String);

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

impl SettingValue for Secret {
    const SUFFIX: &'static str = "_set";
    const INPUT: &'static str = "secret";
    fn public(&self) -> Value {
        Value::Bool(!self.is_empty())
    }
    fn credential(&self) -> Option<&str> {
        Some(self.expose())
    }
}

/// A setting with a closed set of words (compared without case).
pub trait Choice: Copy + PartialEq + 'static {
    const WORDS: &'static [(&'static str, Self)];
    fn word(self) -> &'static str {
        Self::WORDS
            .iter()
            .find(|(_, v)| *v == self)
            .map(|(w, _)| *w)
            .expect("every value has its word")
    }
}

macro_rules! choice_value {
    ($ty:ty) => {
        impl SettingValue for $ty {
            const INPUT: &'static str = "select";
            fn choices() -> Vec<&'static str> {
                <$ty as Choice>::WORDS.iter().map(|(w, _)| *w).collect()
            }
            fn public(&self) -> Value {
                self.word().into()
            }
        }
    };
}

/// Which Trendyol the shop talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Production,
    Stage,
    /// The offline `trendyol-sandbox`, at `sandbox_url`.
    Sandbox,
}

impl Choice for Environment {
    const WORDS: &'static [(&'static str, Self)] = &[
        ("production", Environment::Production),
        ("stage", Environment::Stage),
        ("sandbox", Environment::Sandbox),
    ];
}

impl Environment {
    pub fn as_str(self) -> &'static str {
        self.word()
    }
}

/// How Trendyol authenticates its webhook deliveries to the shop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookAuth {
    Basic,
    ApiKey,
}

impl Choice for WebhookAuth {
    const WORDS: &'static [(&'static str, Self)] = &[
        ("api_key", WebhookAuth::ApiKey),
        ("basic", WebhookAuth::Basic),
    ];
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

impl Choice for BarcodeSource {
    const WORDS: &'static [(&'static str, Self)] = &[
        ("ean", BarcodeSource::Ean),
        ("upc", BarcodeSource::Upc),
        ("sku", BarcodeSource::Sku),
        ("model", BarcodeSource::Model),
        ("jan", BarcodeSource::Jan),
        ("isbn", BarcodeSource::Isbn),
        ("mpn", BarcodeSource::Mpn),
    ];
}

impl BarcodeSource {
    /// The `oc_product` column, for SQL built from this closed set (the words are the columns).
    pub fn column(self) -> &'static str {
        self.word()
    }
}

choice_value!(Environment);
choice_value!(WebhookAuth);
choice_value!(BarcodeSource);
