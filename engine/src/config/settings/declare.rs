//! How a setting is declared: the `settings!` table turns one line per setting into the typed
//! [`Settings`](super::Settings) struct, the [`SPECS`](super::SPECS) list every other part reads
//! (the admin form, the validator, the stubs), the parsing of `oc_setting` text, the lookup by
//! name and the public view handed to PHP.
//!
//! Keeping all of that in one macro is what makes a new setting one line: its field, default,
//! form group, secrecy, what it allows and how its text is read sit side by side, so none of the
//! copies that used to be kept by hand (field, key string, default, secret list, group) can
//! drift from the others.

use serde_json::Value;

use crate::error::Error;

/// How secret a setting is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sensitivity {
    /// Shown in the form and the public view.
    Plain,
    /// Issued by Trendyol: never shown, any length.
    Secret,
    /// Made up by the shop: never shown, and at least
    /// [`MIN_SECRET_CHARS`](super::MIN_SECRET_CHARS) long to be saved.
    ShopSecret,
}

impl Sensitivity {
    pub const fn is_secret(self) -> bool {
        !matches!(self, Sensitivity::Plain)
    }
}

/// One setting's contract: its short name, default text, form group and a human description of
/// what it allows.
#[derive(Debug, Clone, Copy)]
pub struct SettingSpec {
    pub name: &'static str,
    pub default: &'static str,
    pub allowed: &'static str,
    /// The settings form's group (its tab section).
    pub group: &'static str,
    pub sensitivity: Sensitivity,
    pub secret: bool,
    /// How the form shows it (see [`SettingValue::INPUT`]).
    pub input: &'static str,
    /// The words of a closed choice, in the form's order; empty for anything else.
    pub choices: fn() -> Vec<&'static str>,
}

/// Why a setting's text was refused, before it becomes an error naming the key.
#[derive(Debug)]
pub enum Bad {
    /// Show the value as it was given.
    Value,
    /// Show this description instead of the value (it may be a credential).
    Hidden(&'static str),
    /// A complete error already (a parser of its own wrote it).
    Error(Error),
}

impl Bad {
    pub(super) fn into_error(self, spec: &SettingSpec, value: String) -> Error {
        match self {
            Bad::Value => Error::setting(spec.name, value, spec.allowed),
            Bad::Hidden(shown) => Error::setting(spec.name, shown, spec.allowed),
            Bad::Error(e) => e,
        }
    }
}

/// A setting's typed value as PHP sees it: the public view's key suffix and value, and the
/// credential it holds, if it is one.
pub trait SettingValue {
    /// Secrets appear as `<name>_set: bool` rather than under their own name.
    const SUFFIX: &'static str = "";
    /// How the form shows it: `switch`, `select`, `secret` or `text`.
    const INPUT: &'static str = "text";
    /// The words a `select` offers, in the form's order.
    fn choices() -> Vec<&'static str> {
        Vec::new()
    }
    fn public(&self) -> Value;
    fn credential(&self) -> Option<&str> {
        None
    }
}

impl SettingValue for bool {
    const INPUT: &'static str = "switch";
    fn public(&self) -> Value {
        (*self).into()
    }
}

impl SettingValue for u8 {
    fn public(&self) -> Value {
        (*self).into()
    }
}

impl SettingValue for u32 {
    fn public(&self) -> Value {
        (*self).into()
    }
}

impl SettingValue for u64 {
    fn public(&self) -> Value {
        (*self).into()
    }
}

impl SettingValue for Option<u64> {
    fn public(&self) -> Value {
        self.map(Value::from).unwrap_or(Value::Null)
    }
}

impl SettingValue for String {
    fn public(&self) -> Value {
        self.clone().into()
    }
}

impl SettingValue for std::path::PathBuf {
    fn public(&self) -> Value {
        self.display().to_string().into()
    }
}

impl SettingValue for Vec<u32> {
    fn public(&self) -> Value {
        self.iter().copied().map(Value::from).collect()
    }
}

/// `field` → its key: the field's own name unless the line says `as "key"`.
macro_rules! setting_key {
    ($field:ident) => {
        stringify!($field)
    };
    ($field:ident $key:literal) => {
        $key
    };
}

/// The settings table: one line per setting,
///
/// ```text
/// /// docs
/// field [as "key"]: Type = "default", group, Sensitivity, "what it allows", parser;
/// ```
///
/// where `parser` is a `fn(&str) -> Result<Type, Bad>` (or a closure that coerces to one) fed
/// the trimmed text.
macro_rules! settings {
    ($(
        $(#[$doc:meta])*
        $field:ident $(as $key:literal)? : $ty:ty =
            $default:literal, $group:ident, $sens:ident, $allowed:expr, $parse:expr;
    )*) => {
        /// Every module setting, typed.
        #[derive(Debug, Clone, PartialEq)]
        pub struct Settings {
            $( $(#[$doc])* pub $field: $ty, )*
            // Not an `oc_setting` key: the Price rules page's table, loaded beside the settings
            // (see `Engine::settings`); the rules every price sent to Trendyol goes through.
            pub price_rules: crate::sync::price_rules::PriceRules,
        }

        /// The one list of settings. The admin form, the validator and the stubs all read it.
        pub const SPECS: &[SettingSpec] = &[$(
            SettingSpec {
                name: $crate::config::settings::declare::setting_key!($field $($key)?),
                default: $default,
                allowed: $allowed,
                group: stringify!($group),
                sensitivity: Sensitivity::$sens,
                secret: Sensitivity::$sens.is_secret(),
                input: <$ty as SettingValue>::INPUT,
                choices: <$ty as SettingValue>::choices,
            },
        )*];

        impl Settings {
            /// Every setting read from `value(spec)` (the trimmed stored text or the default).
            fn parse_each(value: &dyn Fn(&'static SettingSpec) -> String) -> Result<Settings> {
                Ok(Settings {
                    $( $field: {
                        let spec = spec($crate::config::settings::declare::setting_key!($field $($key)?));
                        let text = value(spec);
                        let parse: fn(&str) -> std::result::Result<$ty, Bad> = $parse;
                        parse(&text).map_err(|bad| bad.into_error(spec, text.clone()))?
                    }, )*
                    price_rules: Default::default(),
                })
            }

            /// The typed value of setting `name` (downcast it to the field's type), for tables
            /// that name a setting rather than hold a field (the job registry).
            pub fn field(&self, name: &str) -> Option<&dyn std::any::Any> {
                match name {
                    $( $crate::config::settings::declare::setting_key!($field $($key)?) => Some(&self.$field), )*
                    _ => None,
                }
            }

            /// A PHP-friendly view: every setting by its field name, secrets reduced to
            /// `<name>_set` flags so the admin can show whether one is configured without ever
            /// echoing it, and the API base URL the environment picks.
            pub fn to_public_map(&self) -> serde_json::Map<String, serde_json::Value> {
                let mut m = serde_json::Map::new();
                $(
                    m.insert(
                        format!("{}{}", stringify!($field), <$ty as SettingValue>::SUFFIX),
                        self.$field.public(),
                    );
                )*
                m.insert("api_base_url".into(), self.api_base_url().into());
                m
            }

            /// The secrets this configuration holds, for the log redactor.
            pub fn secrets(&self) -> Vec<&str> {
                let mut out = Vec::new();
                $(
                    if let Some(s) = self.$field.credential() {
                        if !s.is_empty() {
                            out.push(s);
                        }
                    }
                )*
                out
            }
        }
    };
}

pub(crate) use setting_key;
pub(crate) use settings;
