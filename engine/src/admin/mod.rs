//! What Extensions > MesChain asks the engine: monitoring, logs, alerts, the dead letter, manual
//! syncs, per-product status, returns, mappings, the settings form, the requirements check and
//! the cron block of the Setup tab.
//!
//! # Why it looks like this
//!
//! The admin's JSON endpoints hand request values (always text, sometimes arrays) straight to
//! the extension, so everything here starts by turning a loose PHP array into a typed filter or
//! row, refusing unknown keys and out-of-range values with an [`Error::Config`] that names the
//! field — a typo in the UI shows up as a clear message instead of a silently ignored filter.
//! Nothing is written until the whole input has been checked.
//!
//! SQL is built only from closed sets (table and column names chosen by a `match`, never from
//! input); every value is bound; `LIKE` patterns have their wildcards escaped ([`like_pattern`]).
//! Listings are paged with a `LIMIT` of at most [`MAX_LIMIT`] rows, and every query is served
//! by an index the migrations create.
//!
//! One file per concern:
//! - [`dashboard`]: the Monitoring tab (job status, today's figures, queue, alerts, webhooks)
//!   and the weekly performance chart;
//! - [`logs`]: the Logs tab (filtered, paged, live view) and its cleanup;
//! - [`alerts`]: listing and acknowledging alerts;
//! - [`dead_letter`]: queue statistics, the dead letter, replay and discard;
//! - [`manual_sync`]: the manual sync buttons and their progress;
//! - [`products`]: per-product sync status with Trendyol's reasons;
//! - [`returns`]: Trendyol claims;
//! - [`mappings`]: category, brand, attribute, attribute value, VAT and order status mappings;
//! - [`price_rules`]: the marketplace price rules, their checks and the price preview;
//! - [`settings_form`]: the settings form, its validation and saving;
//! - [`requirements`]: the Setup tab's requirements check;
//! - [`cron_script`]: the crontab block the Setup tab offers for download.

pub mod alerts;
pub mod cron_script;
pub mod dashboard;
pub mod dead_letter;
pub mod logs;
pub mod manual_sync;
pub mod mappings;
pub mod price_rules;
pub mod products;
pub mod questions;
pub mod registry;
pub mod requirements;
pub mod returns;
pub mod settings_form;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// The jobs the Monitoring tab's figures and the Setup tab cover: every job of the registry,
/// the sync jobs first, then the orchestrator and the maintenance.
pub fn jobs() -> Vec<&'static str> {
    let mut jobs: Vec<&crate::jobs::JobSpec> = crate::jobs::JOBS.iter().collect();
    jobs.sort_by_key(|j| j.role);
    jobs.into_iter().map(|j| j.name).collect()
}

/// The most rows one page of any listing returns.
pub const MAX_LIMIT: u32 = 100;
/// Rows per page when the caller does not say.
pub const DEFAULT_LIMIT: u32 = 25;

/// `DATE_FORMAT` pattern for every date-time handed to PHP (`Y-m-d H:i:s`, UTC).
pub(crate) const DATETIME: &str = "'%Y-%m-%d %H:%i:%s'";

/// A bad input value: `field: reason`, as a [`Error::Config`] (PHP's `ConfigException`).
pub(crate) fn bad(field: &str, reason: impl std::fmt::Display) -> Error {
    Error::Config(format!("{field}: {reason}"))
}

/// One page of a listing.
#[derive(Debug, Clone, Serialize)]
pub struct Paged<T> {
    pub total: u64,
    pub page: u32,
    pub limit: u32,
    pub rows: Vec<T>,
}

/// `page` (1-based) and `limit` (1..=[`MAX_LIMIT`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub page: u32,
    pub limit: u32,
}

impl Page {
    pub fn offset(self) -> u64 {
        u64::from(self.page - 1) * u64::from(self.limit)
    }
}

/// A loose PHP array being read into a typed value. [`Input::new`] rejects unknown keys up
/// front; every accessor checks its value's type and range.
pub(crate) struct Input<'a> {
    map: &'a Map<String, Value>,
}

impl<'a> Input<'a> {
    /// Refuses keys outside `allowed`; `what` names the input in the message.
    pub fn new(map: &'a Map<String, Value>, what: &str, allowed: &[&str]) -> Result<Input<'a>> {
        for key in map.keys() {
            if !allowed.contains(&key.as_str()) {
                return Err(bad(
                    key,
                    format!(
                        "unknown key in {what} (allowed: {})",
                        if allowed.is_empty() {
                            "none".to_string()
                        } else {
                            allowed.join(", ")
                        }
                    ),
                ));
            }
        }
        Ok(Input { map })
    }

    /// The value as text, or `None` when absent, null or empty. Numbers are accepted as text.
    pub fn text(&self, key: &str, max_chars: usize) -> Result<Option<String>> {
        let text = match self.map.get(key) {
            None | Some(Value::Null) => return Ok(None),
            Some(Value::String(s)) => s.trim().to_string(),
            Some(Value::Number(n)) => n.to_string(),
            Some(_) => return Err(bad(key, "must be text")),
        };
        if text.is_empty() {
            return Ok(None);
        }
        if text.chars().count() > max_chars {
            return Err(bad(key, format!("longer than {max_chars} characters")));
        }
        if text.chars().any(char::is_control) {
            return Err(bad(key, "contains control characters"));
        }
        Ok(Some(text))
    }

    /// An integer in `min..=max` (PHP forms send numbers as text: `"25"` is accepted).
    pub fn int(&self, key: &str, min: i64, max: i64) -> Result<Option<i64>> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => int_value(key, value, min, max).map(Some),
        }
    }

    /// Like [`Input::int`], required.
    pub fn required_int(&self, key: &str, min: i64, max: i64) -> Result<i64> {
        self.int(key, min, max)?
            .ok_or_else(|| bad(key, "is required"))
    }

    /// One of `options` (exactly, after trimming).
    pub fn choice(&self, key: &str, options: &[&'static str]) -> Result<Option<&'static str>> {
        match self.text(key, 64)? {
            None => Ok(None),
            Some(v) => options
                .iter()
                .find(|o| **o == v)
                .copied()
                .map(Some)
                .ok_or_else(|| bad(key, format!("'{v}' is not one of {}", options.join(", ")))),
        }
    }

    /// A flag: true/false, 1/0, "1"/"0", "true"/"false", "on"/"off"; absent is false.
    pub fn flag(&self, key: &str) -> Result<bool> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(Value::Number(n)) if n.as_i64() == Some(0) || n.as_i64() == Some(1) => {
                Ok(n.as_i64() == Some(1))
            }
            Some(Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
                "1" | "true" | "on" | "yes" => Ok(true),
                "0" | "false" | "off" | "no" | "" => Ok(false),
                _ => Err(bad(key, "must be true or false")),
            },
            Some(_) => Err(bad(key, "must be true or false")),
        }
    }

    /// `page` and `limit` (default [`DEFAULT_LIMIT`]).
    pub fn page(&self) -> Result<Page> {
        Ok(Page {
            page: self.int("page", 1, 1_000_000)?.unwrap_or(1) as u32,
            limit: self
                .int("limit", 1, i64::from(MAX_LIMIT))?
                .unwrap_or(i64::from(DEFAULT_LIMIT)) as u32,
        })
    }
}

/// An integer from a JSON number or numeric text, within `min..=max`.
pub(crate) fn int_value(field: &str, value: &Value, min: i64, max: i64) -> Result<i64> {
    let n = match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    };
    match n {
        Some(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(bad(
            field,
            format!("{} is not a whole number from {min} to {max}", show(value)),
        )),
    }
}

/// Positive integer ids (queue ids, alert ids) from a PHP list; anything else is refused.
pub fn positive_ids(field: &str, values: &[Value]) -> Result<Vec<u64>> {
    if values.len() > 10_000 {
        return Err(bad(field, "more than 10000 ids in one call"));
    }
    values
        .iter()
        .map(|v| int_value(field, v, 1, i64::MAX).map(|n| n as u64))
        .collect()
}

/// A short, safe rendering of a bad value for an error message.
fn show(value: &Value) -> String {
    let text = match value {
        Value::String(s) => format!("{s:?}"),
        other => other.to_string(),
    };
    if text.chars().count() > 40 {
        format!("{}…", text.chars().take(40).collect::<String>())
    } else {
        text
    }
}

/// `%text%` for `LIKE ? ESCAPE '\\'`, with `%`, `_` and `\` in `text` matched literally.
pub fn like_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// A stored JSON column for PHP: decoded when it is JSON, kept as text when not, null when empty.
pub(crate) fn decode_json(text: Option<String>) -> Value {
    match text {
        None => Value::Null,
        Some(t) if t.trim().is_empty() => Value::Null,
        Some(t) => serde_json::from_str(&t).unwrap_or(Value::String(t)),
    }
}

/// Runs a read-only query of the admin under the query timeout.
pub(crate) async fn read<T>(
    db: &crate::db::Database,
    what: &str,
    work: impl std::future::Future<Output = Result<T>>,
) -> Result<T> {
    db.timed(what, work).await
}

/// Column `i` of `row`, converted; a mismatch is a bug (the query chose the columns).
pub(crate) fn col<T: mysql_async::prelude::FromValue>(
    row: &mut mysql_async::Row,
    i: usize,
) -> Result<T> {
    match row.take_opt::<T, usize>(i) {
        Some(Ok(v)) => Ok(v),
        Some(Err(e)) => Err(Error::Internal(format!(
            "unexpected value in column {i}: {e}"
        ))),
        None => Err(Error::Internal(format!("column {i} missing from the row"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(like_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }

    #[test]
    fn unknown_keys_and_bad_values_name_the_field() {
        let map = json!({"pagee": 1}).as_object().unwrap().clone();
        let err = Input::new(&map, "filter", &["page"]).err().unwrap();
        assert!(err.to_string().contains("pagee"), "{err}");
        let map = json!({"limit": "500"}).as_object().unwrap().clone();
        let input = Input::new(&map, "filter", &["limit"]).unwrap();
        let err = input.page().unwrap_err().to_string();
        assert!(err.contains("limit") && err.contains("1 to 100"), "{err}");
        let map = json!({"limit": "7", "page": 3})
            .as_object()
            .unwrap()
            .clone();
        let page = Input::new(&map, "filter", &["limit", "page"])
            .unwrap()
            .page()
            .unwrap();
        assert_eq!((page.page, page.limit, page.offset()), (3, 7, 14));
    }

    #[test]
    fn ids_must_be_positive_integers() {
        assert_eq!(
            positive_ids("ids", &[json!(3), json!("4")]).unwrap(),
            vec![3, 4]
        );
        for bad in [json!(0), json!(-1), json!("x"), json!(1.5), json!([1])] {
            assert!(
                positive_ids("ids", std::slice::from_ref(&bad)).is_err(),
                "{bad}"
            );
        }
    }
}
