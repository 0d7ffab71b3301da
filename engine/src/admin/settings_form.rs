//! The settings form: every setting from [`SPECS`] with its group, default, what it allows and
//! its stored value — and saving a submitted form.
//!
//! The form is generated from the one list of settings, so a setting declared in the settings
//! table appears in the admin without touching it, in the group, with the input, its line names.
//! Secrets are never sent back: their value is always `''` with an `is_set` flag, and a blank
//! secret in a submission keeps the stored one — the form can be saved without retyping them.
//!
//! Saving checks every field before writing anything and reports *every* bad field at once
//! (`field: reason; field: reason`), then replaces the module's setting rows in one short
//! transaction, as OpenCart's `editSetting` does — but only the rows of settings, so other keys
//! the module keeps under its code (UI state) survive.

use std::collections::BTreeMap;

use mysql_async::prelude::*;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::config::settings::{self, SettingSpec, SETTING_CODE, SPECS};
use crate::config::Settings;
use crate::db::Database;
use crate::error::{Error, Result};

/// One field of the form.
#[derive(Debug, Clone, Serialize)]
pub struct FormField {
    pub name: &'static str,
    pub key: String,
    pub group: &'static str,
    pub default: &'static str,
    pub allowed: &'static str,
    pub secret: bool,
    /// How the form shows it: `switch`, `select`, `secret` or `text`.
    pub input: &'static str,
    /// A `select`'s words, in order (the labels are `text_<name>_<word>` translations).
    pub choices: Vec<&'static str>,
    /// The stored value (the default when none is stored); always `''` for a secret.
    pub value: String,
    /// Whether a value is stored (for secrets: a non-empty one).
    pub is_set: bool,
    /// The shortest value that can be saved (0: no such rule); the admin offers to generate
    /// a value for these.
    pub min_length: usize,
    /// A value is stored that is shorter than `min_length` (set before the rule): it still
    /// works, and the admin asks for a longer one.
    pub weak: bool,
}

/// The form's group for a setting, as its declaration says (`other` for a name that is none).
pub fn group(name: &str) -> &'static str {
    settings::find(name).map_or("other", |spec| spec.group)
}

/// The module's rows in `{prefix}setting` (store 0), by short name; keys that are not settings
/// are left out.
async fn stored(db: &Database) -> Result<BTreeMap<String, String>> {
    let sql = format!(
        "SELECT `key`, `value` FROM {} WHERE store_id = 0 AND code = ?",
        db.table("setting")
    );
    let rows: Vec<(String, String)> = db
        .timed("reading settings", async {
            let mut conn = db.conn().await?;
            conn.exec(sql.as_str(), (SETTING_CODE,))
                .await
                .map_err(Error::db("reading settings"))
        })
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(key, value)| short_name(&key).map(|name| (name.to_string(), value)))
        .collect())
}

/// `module_meschain_batch_size` or `batch_size` → `batch_size`, when it names a setting.
fn short_name(key: &str) -> Option<&'static str> {
    settings::find(settings::short_key(key)).map(|s| s.name)
}

fn spec(name: &str) -> &'static SettingSpec {
    settings::find(name).expect("names come from SPECS")
}

/// Every setting with its current value.
pub async fn settings_form(db: &Database) -> Result<Vec<FormField>> {
    let stored = stored(db).await?;
    Ok(SPECS
        .iter()
        .map(|spec| {
            let current = stored.get(spec.name);
            FormField {
                name: spec.name,
                key: format!("{SETTING_CODE}_{}", spec.name),
                group: spec.group,
                default: spec.default,
                allowed: spec.allowed,
                secret: spec.secret,
                input: spec.input,
                choices: (spec.choices)(),
                value: if spec.secret {
                    String::new()
                } else {
                    current.cloned().unwrap_or_else(|| spec.default.to_string())
                },
                is_set: if spec.secret {
                    current.is_some_and(|v| !v.trim().is_empty())
                } else {
                    current.is_some()
                },
                min_length: settings::min_chars(spec.name),
                weak: current.is_some_and(|v| settings::too_short(spec.name, v).is_some()),
            }
        })
        .collect())
}

/// A submitted value as OpenCart stores it (text). Arrays and objects are refused.
fn as_text(value: &Value) -> std::result::Result<String, &'static str> {
    match value {
        Value::Null => Ok(String::new()),
        Value::Bool(b) => Ok(if *b { "1" } else { "0" }.to_string()),
        Value::Number(n) => Ok(n.to_string()),
        Value::String(s) => Ok(s.clone()),
        Value::Array(_) | Value::Object(_) => Err("must be text, not a list"),
    }
}

/// The submission merged over the stored values, and every problem found, by field.
fn merge_and_check(
    stored: &BTreeMap<String, String>,
    submitted: &Map<String, Value>,
) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
    let mut merged = stored.clone();
    let mut problems = BTreeMap::new();
    for (key, value) in submitted {
        let Some(name) = short_name(key) else {
            problems.insert(key.clone(), "unknown setting".to_string());
            continue;
        };
        let text = match as_text(value) {
            Ok(t) => t,
            Err(reason) => {
                problems.insert(name.to_string(), reason.to_string());
                continue;
            }
        };
        if spec(name).secret && text.trim().is_empty() {
            // A blank secret keeps the stored one: the form never shows secrets.
            continue;
        }
        // Only what is submitted must meet the length rule: a short secret stored before the
        // rule keeps working until it is replaced (the form marks it weak).
        if let Some(reason) = settings::too_short(name, &text) {
            problems.insert(name.to_string(), reason);
            continue;
        }
        merged.insert(name.to_string(), text);
    }
    // Each setting is checked on its own, so every bad field is reported, not just the first.
    for (name, value) in &merged {
        if problems.contains_key(name) {
            continue;
        }
        let single = BTreeMap::from([(name.clone(), value.clone())]);
        if let Err(e) = Settings::from_values(&single) {
            problems.insert(name.clone(), reason(&e));
        }
    }
    if problems.is_empty() {
        if let Err(e) = Settings::from_values(&merged) {
            problems.insert("settings".to_string(), reason(&e));
        }
    }
    (merged, problems)
}

fn reason(error: &Error) -> String {
    match error {
        // The value is shown as the validator shows it (never a secret's: it hides those).
        Error::Setting { got, allowed, .. } => format!("got {got:?}, allowed: {allowed}"),
        other => other.to_string(),
    }
}

/// Adds to `problems` a store or customer group that this shop does not have (the values
/// themselves were checked by [`merge_and_check`]).
async fn check_against_shop(
    db: &Database,
    merged: &BTreeMap<String, String>,
    problems: &mut BTreeMap<String, String>,
) -> Result<()> {
    let id = |name: &str| -> u32 {
        if problems.contains_key(name) {
            return 0;
        }
        merged
            .get(name)
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0)
    };
    let (store_id, group_id) = (id("store_id"), id("customer_group_id"));
    for (name, reason) in
        crate::sync::shop_locale::check_store_settings(db, store_id, group_id).await?
    {
        problems.insert(name.to_string(), reason);
    }
    Ok(())
}

/// What is wrong with a submission, by field; empty when it would save.
pub async fn validate(
    db: &Database,
    submitted: &Map<String, Value>,
) -> Result<BTreeMap<String, String>> {
    let stored = stored(db).await?;
    let (merged, mut problems) = merge_and_check(&stored, submitted);
    check_against_shop(db, &merged, &mut problems).await?;
    Ok(problems)
}

/// Validates the whole submission and writes it; nothing is written when any field is bad.
pub async fn save(db: &Database, submitted: &Map<String, Value>) -> Result<()> {
    let stored = stored(db).await?;
    let (merged, mut problems) = merge_and_check(&stored, submitted);
    check_against_shop(db, &merged, &mut problems).await?;
    if !problems.is_empty() {
        let list: Vec<String> = problems.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        return Err(Error::Config(format!(
            "settings not saved: {}",
            list.join("; ")
        )));
    }
    let table = db.table("setting");
    let keys: Vec<String> = SPECS
        .iter()
        .map(|s| format!("{SETTING_CODE}_{}", s.name))
        .collect();
    db.timed("saving settings", async {
        let mut conn = db.conn().await?;
        let mut tx = conn
            .start_transaction(mysql_async::TxOpts::default())
            .await
            .map_err(Error::db("saving settings"))?;
        // Delete by primary key: the ids are read (and locked) first.
        let ids: Vec<u64> = tx
            .exec(
                format!(
                    "SELECT setting_id FROM {table} WHERE store_id = 0 AND code = ? AND `key` IN ({}) \
                     ORDER BY setting_id FOR UPDATE",
                    crate::queue::marks(keys.len())
                ),
                std::iter::once(SETTING_CODE.to_string())
                    .chain(keys.iter().cloned())
                    .collect::<Vec<_>>(),
            )
            .await
            .map_err(Error::db("reading the setting rows"))?;
        if !ids.is_empty() {
            tx.exec_drop(
                format!(
                    "DELETE FROM {table} WHERE setting_id IN ({})",
                    crate::queue::marks(ids.len())
                ),
                ids,
            )
            .await
            .map_err(Error::db("replacing the setting rows"))?;
        }
        let rows: Vec<(String, String)> = merged
            .iter()
            .map(|(name, value)| (format!("{SETTING_CODE}_{name}"), value.clone()))
            .collect();
        if !rows.is_empty() {
            let mut params: Vec<mysql_async::Value> = Vec::with_capacity(rows.len() * 3);
            for (key, value) in rows {
                params.push(SETTING_CODE.into());
                params.push(key.into());
                params.push(value.into());
            }
            tx.exec_drop(
                format!(
                    "INSERT INTO {table} (store_id, code, `key`, `value`, serialized) VALUES {}",
                    vec!["(0, ?, ?, ?, 0)"; merged.len()].join(", ")
                ),
                params,
            )
            .await
            .map_err(Error::db("writing the setting rows"))?;
        }
        tx.commit().await.map_err(Error::db("saving settings"))?;
        Ok(())
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_setting_has_a_group_and_known_ones_the_right_one() {
        assert_eq!(group("status"), "general");
        assert_eq!(group("order_sync_interval"), "intervals");
        assert_eq!(group("webhook_interval"), "intervals");
        assert_eq!(group("alert_email"), "alerts");
        assert_eq!(group("low_stock_threshold"), "alerts");
        assert_eq!(group("batch_size"), "performance");
        assert_eq!(group("debug"), "debug");
        assert_eq!(group("api_secret"), "api");
        assert_eq!(group("api_limit_overrides"), "api");
        assert_eq!(group("webhook_password"), "webhook");
        assert_eq!(group("webhook_processing"), "general");
        assert_eq!(group("order_currency"), "orders");
        assert_eq!(group("barcode_source"), "catalog");
        assert_eq!(group("something_new"), "other");
    }

    #[test]
    fn every_bad_field_is_reported_and_blank_secrets_keep_the_stored_one() {
        let stored = BTreeMap::from([("api_secret".to_string(), "stored-secret".to_string())]);
        let submitted = serde_json::json!({
            "batch_size": "0", "status": "maybe", "api_secret": "", "nonsense": 1
        });
        let (merged, problems) = merge_and_check(&stored, submitted.as_object().unwrap());
        assert_eq!(merged["api_secret"], "stored-secret");
        assert!(problems.contains_key("batch_size"), "{problems:?}");
        assert!(problems.contains_key("status"), "{problems:?}");
        assert_eq!(problems["nonsense"], "unknown setting");
        let ok = serde_json::json!({"module_meschain_batch_size": 100, "debug": true});
        let (merged, problems) = merge_and_check(&stored, ok.as_object().unwrap());
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(merged["batch_size"], "100");
        assert_eq!(merged["debug"], "1");
    }

    #[test]
    fn a_short_shop_secret_is_refused_but_a_stored_short_one_is_kept() {
        let stored = BTreeMap::from([("webhook_api_key".to_string(), "old-short".to_string())]);
        let short = serde_json::json!({"metrics_token": "tooshort123", "webhook_password": "p"});
        let (_, problems) = merge_and_check(&stored, short.as_object().unwrap());
        assert!(
            problems["metrics_token"].contains("at least 24"),
            "{problems:?}"
        );
        assert!(
            problems["webhook_password"].contains("1 character,"),
            "{problems:?}"
        );
        assert!(!problems.contains_key("webhook_api_key"), "{problems:?}");
        let long = "a".repeat(24);
        let ok = serde_json::json!({"metrics_token": long, "batch_size": "10"});
        let (merged, problems) = merge_and_check(&stored, ok.as_object().unwrap());
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(merged["webhook_api_key"], "old-short");
    }
}
