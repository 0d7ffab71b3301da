//! Reading one setting's stored text: the parsers the settings table names, each
//! `fn(&str) -> Result<T, Bad>` over the trimmed text (the default when none is stored).
//!
//! A parser only says *that* the text is wrong ([`Bad`]); the table turns that into an error
//! naming the key and what it allows, so those words live in one place per setting.

use std::path::PathBuf;

use super::declare::Bad;
use super::values::{Choice, Secret};

type Parsed<T> = std::result::Result<T, Bad>;

pub fn boolean(text: &str) -> Parsed<bool> {
    match text.to_ascii_lowercase().as_str() {
        "1" | "true" | "on" | "yes" => Ok(true),
        "0" | "false" | "off" | "no" | "" => Ok(false),
        _ => Err(Bad::Value),
    }
}

/// A whole number from `min` to `max`, as the field's type.
pub fn number<T: TryFrom<u64>>(text: &str, min: u64, max: u64) -> Parsed<T> {
    text.parse::<u64>()
        .ok()
        .filter(|n| (min..=max).contains(n))
        .and_then(|n| T::try_from(n).ok())
        .ok_or(Bad::Value)
}

/// Whole minutes from 1 to a day: the job intervals.
pub fn minutes(text: &str) -> Parsed<u32> {
    number(text, 1, 1440)
}

pub fn text(text: &str) -> Parsed<String> {
    if text.chars().any(char::is_control) {
        return Err(Bad::Hidden("text with control characters"));
    }
    Ok(text.to_string())
}

pub fn credential(text: &str) -> Parsed<Secret> {
    if text.chars().any(|c| c.is_control() || c.is_whitespace()) {
        // Never echo a credential back, even a broken one.
        return Err(Bad::Hidden("a value with spaces or control characters"));
    }
    Ok(Secret(text.to_string()))
}

/// Tokens of 16 to 23 characters predate the 24-character rule: they are still read (the route
/// keeps working) but can no longer be saved (see `Sensitivity::ShopSecret`).
pub fn metrics_token(text: &str) -> Parsed<Secret> {
    let token = credential(text)?;
    if !token.is_empty() && token.expose().len() < 16 {
        return Err(Bad::Hidden("a token shorter than 16 characters"));
    }
    Ok(token)
}

/// One of a choice's words, without case.
pub fn choice<T: Choice>(text: &str) -> Parsed<T> {
    let lower = text.to_ascii_lowercase();
    T::WORDS
        .iter()
        .find(|(word, _)| *word == lower)
        .map(|(_, v)| *v)
        .ok_or(Bad::Value)
}

fn plain_url(text: &str) -> bool {
    !text.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn http_url(text: &str) -> bool {
    (text.starts_with("http://") || text.starts_with("https://")) && plain_url(text)
}

pub fn store_url(text: &str) -> Parsed<String> {
    if text.is_empty() || http_url(text) {
        Ok(text.to_string())
    } else {
        Err(Bad::Value)
    }
}

pub fn sandbox_url(text: &str) -> Parsed<String> {
    if http_url(text) && text.len() >= 10 {
        Ok(text.to_string())
    } else {
        Err(Bad::Value)
    }
}

pub fn image_base_url(text: &str) -> Parsed<String> {
    let ok = text.is_empty()
        || (text.starts_with("https://")
            && text.ends_with('/')
            && text.len() >= 12
            && plain_url(text));
    if ok {
        Ok(text.to_string())
    } else {
        Err(Bad::Value)
    }
}

pub fn email(text: &str) -> Parsed<String> {
    let text = self::text(text)?;
    if text.is_empty() || looks_like_email(&text) {
        Ok(text)
    } else {
        Err(Bad::Value)
    }
}

/// `256M`, `1G`, `131072K`, `268435456` → bytes, as PHP's `memory_limit` reads them; 16M to 8G.
pub fn memory(text: &str) -> Parsed<u64> {
    parse_size(text)
        .filter(|b| (16 << 20..=8 << 30).contains(b))
        .ok_or(Bad::Value)
}

pub fn absolute_dir(text: &str) -> Parsed<PathBuf> {
    if text.starts_with('/') && !text.chars().any(char::is_control) {
        Ok(PathBuf::from(text))
    } else {
        Err(Bad::Value)
    }
}

pub fn seller_id(text: &str) -> Parsed<Option<u64>> {
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<u64>()
        .ok()
        .filter(|n| *n > 0)
        .map(Some)
        .ok_or(Bad::Value)
}

pub fn integrator_name(text: &str) -> Parsed<String> {
    if !text.is_empty() && text.len() <= 30 && text.chars().all(|c| c.is_ascii_alphanumeric()) {
        Ok(text.to_string())
    } else {
        Err(Bad::Value)
    }
}

/// Checked by the limiter's own parser, whose error already names the setting.
pub fn limit_overrides(text: &str) -> Parsed<String> {
    let text = self::text(text)?;
    crate::limiter::quota::parse_overrides(&text).map_err(Bad::Error)?;
    Ok(text)
}

pub fn currency(text: &str) -> Parsed<String> {
    if text.len() == 3 && text.chars().all(|c| c.is_ascii_alphabetic()) {
        Ok(text.to_ascii_uppercase())
    } else {
        Err(Bad::Value)
    }
}

pub fn cargo_company(text: &str) -> Parsed<u32> {
    text.parse::<u32>()
        .ok()
        .filter(|id| crate::sync::catalog_cargo::code_for(*id).is_some())
        .ok_or(Bad::Value)
}

pub fn vat_rate(text: &str) -> Parsed<u8> {
    text.parse::<u8>()
        .ok()
        .filter(|v| matches!(v, 0 | 1 | 10 | 20))
        .ok_or(Bad::Value)
}

/// Comma-separated ids above 0, or empty.
pub fn id_list(text: &str) -> Parsed<Vec<u32>> {
    text.split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| part.parse::<u32>().ok().filter(|id| *id > 0))
        .collect::<Option<Vec<u32>>>()
        .ok_or(Bad::Value)
}

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
