//! The Price rules page: the stored rules, saving them, and a preview of what a few products
//! would cost on Trendyol under rules not yet saved.
//!
//! The page edits the whole rule set and saves it at once: the input is checked completely —
//! every number, every rounding name, every category and manufacturer id against OpenCart —
//! and every problem is reported together (`field: reason; ...`); only a clean set replaces
//! the stored one, in one transaction, so a bad save loses nothing.
//!
//! Saving needs no job of its own: the stock job compares what Trendyol should show (now
//! through the new rules) with what it last confirmed, so its next run sends every price the
//! rules changed.

use std::collections::BTreeMap;

use mysql_async::prelude::*;
use serde_json::{json, Map, Value};

use super::{bad, int_value, read};
use crate::config::Settings;
use crate::db::Database;
use crate::error::{Error, Result};
use crate::sync::catalog_price::desired_sql;
use crate::sync::price_rules::{
    hundredths, parse_hundredths, Applied, PriceRules, Rounding, Rule, TABLE,
};
use crate::sync::shop_locale::{Lira, PriceBasis, NO_LIRA};

/// Overrides of one kind a rule set may hold.
pub const MAX_OVERRIDES: usize = 1000;
/// Products one preview shows.
pub const MAX_PREVIEW: usize = 50;

const RULE_KEYS: [&str; 4] = ["markup_percent", "markup_amount", "rounding", "floor_price"];

/// Collects every problem of an input before anything is refused.
#[derive(Default)]
struct Problems(Vec<String>);

impl Problems {
    fn add(&mut self, field: &str, reason: impl std::fmt::Display) {
        self.0.push(format!("{field}: {reason}"));
    }
    fn push_error(&mut self, error: Error) {
        self.0.push(match error {
            Error::Config(text) => text,
            other => other.to_string(),
        });
    }
    fn into_result(self) -> Result<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Error::Config(self.0.join("; ")))
        }
    }
}

/// A decimal field with at most two places (`","` accepted for `"."`); empty means 0.
fn decimal(problems: &mut Problems, field: &str, value: Option<&Value>) -> i64 {
    let text = match value {
        None | Some(Value::Null) => return 0,
        Some(Value::String(s)) if s.trim().is_empty() => return 0,
        Some(Value::String(s)) => s.trim().to_string(),
        Some(Value::Number(n)) => n.to_string(),
        Some(_) => {
            problems.add(field, "must be a number");
            return 0;
        }
    };
    match parse_hundredths(&text) {
        Some(n) => n,
        None => {
            let shown: String = text.chars().take(40).collect();
            problems.add(
                field,
                format!("'{shown}' is not a number with at most two decimals"),
            );
            0
        }
    }
}

/// One rule from `{markup_percent, markup_amount, rounding, floor_price}` (+ `extra` keys).
fn parse_rule(
    problems: &mut Problems,
    prefix: &str,
    value: &Value,
    extra: Option<&str>,
) -> Option<(Rule, Option<u32>)> {
    let Value::Object(map) = value else {
        problems.add(
            prefix.trim_end_matches('.'),
            "must be a rule (key => value)",
        );
        return None;
    };
    for key in map.keys() {
        if !RULE_KEYS.contains(&key.as_str()) && Some(key.as_str()) != extra {
            problems.add(&format!("{prefix}{key}"), "unknown key in a price rule");
        }
    }
    let id = match extra {
        None => None,
        Some(key) => match map.get(key) {
            None | Some(Value::Null) => {
                problems.add(&format!("{prefix}{key}"), "is required");
                None
            }
            Some(v) => match int_value(&format!("{prefix}{key}"), v, 1, i64::from(i32::MAX)) {
                Ok(n) => Some(n as u32),
                Err(e) => {
                    problems.push_error(e);
                    None
                }
            },
        },
    };
    let rounding = match map.get("rounding") {
        None | Some(Value::Null) => Rounding::None,
        Some(Value::String(s)) if s.trim().is_empty() => Rounding::None,
        Some(Value::String(s)) => Rounding::parse(s).unwrap_or_else(|| {
            let names: Vec<&str> = Rounding::ALL.iter().map(|r| r.as_str()).collect();
            let shown: String = s.chars().take(40).collect();
            problems.add(
                &format!("{prefix}rounding"),
                format!("'{shown}' is not one of {}", names.join(", ")),
            );
            Rounding::None
        }),
        Some(_) => {
            problems.add(&format!("{prefix}rounding"), "must be text");
            Rounding::None
        }
    };
    let before = problems.0.len();
    let rule = Rule {
        markup_bp: decimal(
            problems,
            &format!("{prefix}markup_percent"),
            map.get("markup_percent"),
        ),
        markup_kurus: decimal(
            problems,
            &format!("{prefix}markup_amount"),
            map.get("markup_amount"),
        ),
        rounding,
        floor_kurus: decimal(
            problems,
            &format!("{prefix}floor_price"),
            map.get("floor_price"),
        ),
    };
    if problems.0.len() == before {
        if let Err(e) = rule.check(prefix) {
            problems.push_error(e);
        }
    }
    Some((rule, id))
}

/// A list given as a PHP list or as an array with any keys (form rows).
fn rows(value: Option<&Value>) -> std::result::Result<Vec<&Value>, &'static str> {
    match value {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => Ok(items.iter().collect()),
        Some(Value::Object(map)) => Ok(map.values().collect()),
        Some(_) => Err("must be a list of rules"),
    }
}

/// The rule set from the page's input, checked for shape and ranges (not yet against
/// OpenCart's ids: see [`check_ids`]).
pub fn parse(input: &Map<String, Value>) -> Result<PriceRules> {
    let mut problems = Problems::default();
    for key in input.keys() {
        if !["global", "categories", "brands"].contains(&key.as_str()) {
            problems.add(key, "unknown key (allowed: global, categories, brands)");
        }
    }
    let mut rules = PriceRules::default();
    if let Some(global) = input.get("global") {
        if let Some((rule, _)) = parse_rule(&mut problems, "global.", global, None) {
            rules.global = rule;
        }
    }
    for (kind, id_key) in [("categories", "category_id"), ("brands", "manufacturer_id")] {
        let list = match rows(input.get(kind)) {
            Ok(list) => list,
            Err(reason) => {
                problems.add(kind, reason);
                continue;
            }
        };
        if list.len() > MAX_OVERRIDES {
            problems.add(kind, format!("more than {MAX_OVERRIDES} overrides"));
            continue;
        }
        let target = if kind == "categories" {
            &mut rules.categories
        } else {
            &mut rules.brands
        };
        for (i, row) in list.into_iter().enumerate() {
            let prefix = format!("{kind}.{i}.");
            if let Some((rule, Some(id))) = parse_rule(&mut problems, &prefix, row, Some(id_key)) {
                if target.insert(id, rule).is_some() {
                    problems.add(
                        &format!("{prefix}{id_key}"),
                        format!("{id} has two overrides"),
                    );
                }
            }
        }
    }
    problems.into_result()?;
    Ok(rules)
}

/// Refuses overrides for categories or manufacturers OpenCart does not have.
pub async fn check_ids(db: &Database, rules: &PriceRules) -> Result<()> {
    let mut problems = Problems::default();
    let mut conn = db.conn().await?;
    for (kind, table, column, ids) in [
        ("categories", "category", "category_id", &rules.categories),
        ("brands", "manufacturer", "manufacturer_id", &rules.brands),
    ] {
        if ids.is_empty() {
            continue;
        }
        let wanted: Vec<u32> = ids.keys().copied().collect();
        let found: Vec<u32> = conn
            .exec(
                format!(
                    "SELECT {column} FROM {} WHERE {column} IN ({})",
                    db.table(table),
                    vec!["?"; wanted.len()].join(",")
                ),
                wanted.clone(),
            )
            .await
            .map_err(Error::db("checking price rule ids"))?;
        for id in wanted.iter().filter(|id| !found.contains(id)) {
            problems.add(
                &format!("{kind}.{column}"),
                format!("{id} is not in OpenCart"),
            );
        }
    }
    problems.into_result()
}

fn rule_json(rule: &Rule) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("markup_percent".into(), hundredths(rule.markup_bp).into());
    m.insert("markup_amount".into(), hundredths(rule.markup_kurus).into());
    m.insert("rounding".into(), rule.rounding.as_str().into());
    m.insert("floor_price".into(), hundredths(rule.floor_kurus).into());
    m
}

/// The stored rules for the page: `global`, and `categories` / `brands` as lists of rules with
/// their id and OpenCart name (in `language_id`).
pub async fn get(db: &Database, language_id: u32) -> Result<Value> {
    let rules = crate::sync::price_rules::load(db).await?;
    let (categories, brands) = read(db, "reading price rule names", async {
        let mut conn = db.conn().await?;
        let categories: Vec<(u32, String)> = if rules.categories.is_empty() {
            Vec::new()
        } else {
            conn.exec(
                format!(
                    "SELECT c.category_id, COALESCE(cd.name, '') FROM {} c LEFT JOIN {} cd \
                     ON cd.category_id = c.category_id AND cd.language_id = ? \
                     WHERE c.category_id IN (SELECT target_id FROM {} WHERE scope = 'category')",
                    db.table("category"),
                    db.table("category_description"),
                    db.table(TABLE)
                ),
                (language_id,),
            )
            .await
            .map_err(Error::db("reading category names"))?
        };
        let brands: Vec<(u32, String)> = if rules.brands.is_empty() {
            Vec::new()
        } else {
            conn.exec(
                format!(
                    "SELECT manufacturer_id, name FROM {} WHERE manufacturer_id IN \
                     (SELECT target_id FROM {} WHERE scope = 'brand')",
                    db.table("manufacturer"),
                    db.table(TABLE)
                ),
                (),
            )
            .await
            .map_err(Error::db("reading manufacturer names"))?
        };
        Ok((
            categories.into_iter().collect::<BTreeMap<_, _>>(),
            brands.into_iter().collect::<BTreeMap<_, _>>(),
        ))
    })
    .await?;
    let list = |overrides: &BTreeMap<u32, Rule>, key: &str, names: &BTreeMap<u32, String>| {
        overrides
            .iter()
            .map(|(id, rule)| {
                let mut m = rule_json(rule);
                m.insert(key.into(), (*id).into());
                m.insert(
                    "name".into(),
                    names.get(id).cloned().unwrap_or_default().into(),
                );
                Value::Object(m)
            })
            .collect::<Vec<_>>()
    };
    Ok(json!({
        "global": Value::Object(rule_json(&rules.global)),
        "categories": list(&rules.categories, "category_id", &categories),
        "brands": list(&rules.brands, "manufacturer_id", &brands),
    }))
}

/// Checks the input completely, then replaces the stored rules with it in one transaction.
/// Returns the rules as stored (see [`get`]).
pub async fn save(db: &Database, language_id: u32, input: &Map<String, Value>) -> Result<Value> {
    let rules = parse(input)?;
    check_ids(db, &rules).await?;
    let mut conn = db.conn().await?;
    let mut tx = conn
        .start_transaction(mysql_async::TxOpts::default())
        .await
        .map_err(Error::db("starting to save the price rules"))?;
    tx.query_drop(format!("DELETE FROM {}", db.table(TABLE)))
        .await
        .map_err(Error::db("replacing the price rules"))?;
    let mut rows: Vec<(&str, u32, &Rule)> = vec![("global", 0, &rules.global)];
    rows.extend(rules.categories.iter().map(|(id, r)| ("category", *id, r)));
    rows.extend(rules.brands.iter().map(|(id, r)| ("brand", *id, r)));
    for chunk in rows.chunks(500) {
        let mut params: Vec<mysql_async::Value> = Vec::with_capacity(chunk.len() * 6);
        for (scope, id, rule) in chunk {
            params.push((*scope).into());
            params.push((*id).into());
            params.push(hundredths(rule.markup_bp).into());
            params.push(hundredths(rule.markup_kurus).into());
            params.push(rule.rounding.as_str().into());
            params.push(hundredths(rule.floor_kurus).into());
        }
        tx.exec_drop(
            format!(
                "INSERT INTO {} (scope, target_id, markup_percent, markup_amount, rounding, \
                 floor_price, updated_at) VALUES {}",
                db.table(TABLE),
                vec!["(?, ?, ?, ?, ?, ?, UTC_TIMESTAMP())"; chunk.len()].join(",")
            ),
            params,
        )
        .await
        .map_err(Error::db("saving the price rules"))?;
    }
    tx.commit()
        .await
        .map_err(Error::db("committing the price rules"))?;
    tracing::info!(
        categories = rules.categories.len(),
        brands = rules.brands.len(),
        "price rules saved; the next stock sync sends the prices they change"
    );
    get(db, language_id).await
}

/// Text money (a DECIMAL as `CAST(... AS CHAR)`) in kuruş; values carry at most two
/// significant decimals here (every price expression rounds to kuruş).
fn kurus(text: &str) -> Option<i64> {
    let t = text.trim();
    let t = match t.split_once('.') {
        Some((w, f)) if f.len() > 2 => {
            let (keep, rest) = f.split_at(2);
            if !rest.chars().all(|c| c == '0') {
                return None;
            }
            format!("{w}.{keep}")
        }
        _ => t.to_string(),
    };
    parse_hundredths(&t)
}

/// What `product_ids` would cost on Trendyol under `rules_input` (not saved): each product's
/// OpenCart price and active special, what Trendyol gets today without rules, and the list
/// and sale price under the rules, with the rule that applied.
pub async fn preview(
    db: &Database,
    settings: &Settings,
    rules_input: &Map<String, Value>,
    product_ids: &[Value],
) -> Result<Value> {
    let rules = parse(rules_input)?;
    if product_ids.len() > MAX_PREVIEW {
        return Err(bad(
            "product_ids",
            format!("at most {MAX_PREVIEW} products in one preview"),
        ));
    }
    let mut ids: Vec<u32> = Vec::new();
    for v in product_ids {
        let id = int_value("product_ids", v, 1, i64::from(i32::MAX))? as u32;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    if ids.is_empty() {
        return Ok(json!({ "rows": [] }));
    }
    // Today's prices: the desired SQL without rules, in lira as the engine sends them; the
    // OpenCart price and special: the same with VAT taken as included and a rate of 1, so they
    // read as OpenCart stores them, in the shop's default currency.
    let basis = PriceBasis::load(db, settings).await?;
    let Some(lira) = basis.lira.clone() else {
        return Err(Error::Config(NO_LIRA.to_string()));
    };
    let mut plain = settings.clone();
    plain.price_rules = PriceRules::default();
    let mut raw = plain.clone();
    raw.prices_include_vat = true;
    let as_stored = PriceBasis {
        lira: Some(Lira {
            value: 1.0,
            decimal_place: 4,
            ..lira
        }),
        ..basis.clone()
    };
    let base = desired_sql(db, &plain, &basis);
    let stored = desired_sql(db, &raw, &as_stored);
    let marks = vec!["?"; ids.len()].join(",");
    let base_sql = format!(
        "SELECT p.product_id, COALESCE(pd.name, ''), p.model, p.manufacturer_id, \
         COALESCE(m.name, ''), CAST({list} AS CHAR), CAST({sale} AS CHAR), \
         (SELECT GROUP_CONCAT(pc.category_id) FROM {p2c} pc WHERE pc.product_id = p.product_id) \
         FROM {product} p \
         LEFT JOIN {description} pd ON pd.product_id = p.product_id AND pd.language_id = ? \
         LEFT JOIN {manufacturer} m ON m.manufacturer_id = p.manufacturer_id {joins} \
         WHERE p.product_id IN ({marks})",
        list = base.list_price,
        sale = base.sale_price,
        p2c = db.table("product_to_category"),
        product = db.table("product"),
        description = db.table("product_description"),
        manufacturer = db.table("manufacturer"),
        joins = base.joins,
    );
    let stored_sql = format!(
        "SELECT p.product_id, CAST({list} AS CHAR), CAST({sale} AS CHAR) FROM {product} p {joins} \
         WHERE p.product_id IN ({marks})",
        list = stored.list_price,
        sale = stored.sale_price,
        product = db.table("product"),
        joins = stored.joins,
    );
    type BaseRow = (
        u32,
        String,
        String,
        u32,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let (base_rows, stored_rows) = read(db, "previewing prices", async {
        let mut conn = db.conn().await?;
        let mut params: Vec<mysql_async::Value> = vec![settings.language_id.into()];
        params.extend(ids.iter().map(|id| mysql_async::Value::from(*id)));
        let base_rows: Vec<BaseRow> = conn
            .exec(base_sql.as_str(), params)
            .await
            .map_err(Error::db("reading products for the price preview"))?;
        let stored_rows: Vec<(u32, Option<String>, Option<String>)> = conn
            .exec(stored_sql.as_str(), ids.clone())
            .await
            .map_err(Error::db("reading OpenCart prices for the price preview"))?;
        Ok((base_rows, stored_rows))
    })
    .await?;
    let stored: BTreeMap<u32, (Option<String>, Option<String>)> = stored_rows
        .into_iter()
        .map(|(id, l, s)| (id, (l, s)))
        .collect();
    let by_id: BTreeMap<u32, BaseRow> = base_rows.into_iter().map(|r| (r.0, r)).collect();
    let mut out = Vec::new();
    for id in &ids {
        let Some((_, name, model, manufacturer_id, manufacturer, list, sale, categories)) =
            by_id.get(id)
        else {
            out.push(json!({"product_id": id, "found": false}));
            continue;
        };
        let list = list.as_deref().and_then(kurus).unwrap_or(0);
        let sale = sale.as_deref().and_then(kurus).unwrap_or(list);
        let category_ids: Vec<u32> = categories
            .as_deref()
            .unwrap_or("")
            .split(',')
            .filter_map(|c| c.trim().parse().ok())
            .collect();
        let (rule, applied) = rules.rule_for(*manufacturer_id, &category_ids);
        let (new_list, new_sale) = (rule.apply(list), rule.apply(sale));
        let (oc_price, oc_special) = stored.get(id).cloned().unwrap_or_default();
        let oc_price = oc_price.as_deref().and_then(kurus);
        let oc_special = oc_special
            .as_deref()
            .and_then(kurus)
            .filter(|s| Some(*s) != oc_price);
        let applied = match applied {
            Applied::Global => json!({"scope": "global", "id": 0}),
            Applied::Category(c) => json!({"scope": "category", "id": c}),
            Applied::Brand(b) => json!({"scope": "brand", "id": b}),
        };
        out.push(json!({
            "product_id": id,
            "found": true,
            "name": name,
            "model": model,
            "manufacturer_id": manufacturer_id,
            "manufacturer": manufacturer,
            "category_ids": category_ids,
            "price": oc_price.map(hundredths),
            "special": oc_special.map(hundredths),
            "current_list_price": hundredths(list),
            "current_sale_price": hundredths(sale),
            "list_price": hundredths(new_list),
            "sale_price": hundredths(new_sale),
            "rule": applied,
        }));
    }
    Ok(json!({ "rows": out }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn a_full_set_parses() {
        let rules = parse(&map(json!({
            "global": {"markup_percent": "12,5", "markup_amount": "", "rounding": "ends_90", "floor_price": "49.90"},
            "categories": {"7": {"category_id": "20", "markup_percent": 5, "rounding": "whole"}},
            "brands": [{"manufacturer_id": 3, "markup_amount": "-2.5", "rounding": "ends_99"}],
        })))
        .unwrap();
        assert_eq!(rules.global.markup_bp, 1250);
        assert_eq!(rules.global.floor_kurus, 4990);
        assert_eq!(rules.global.rounding, Rounding::Ends90);
        assert_eq!(rules.categories[&20].rounding, Rounding::Whole);
        assert_eq!(rules.brands[&3].markup_kurus, -250);
    }

    #[test]
    fn every_problem_is_named_at_once() {
        let err = parse(&map(json!({
            "global": {"markup_percent": "-150", "rounding": "ends_95", "floor_price": "-1"},
            "categories": [{"category_id": "x"}, {"markup_percent": "1.234", "category_id": 4},
                           {"category_id": 4}],
            "brands": [{"manufacturer_id": 2, "colour": "red"}],
            "extra": 1,
        })))
        .unwrap_err()
        .to_string();
        for part in [
            "global.rounding: 'ends_95' is not one of none, whole, ends_90, ends_99",
            "global.markup_percent",
            "categories.0.category_id",
            "categories.1.markup_percent: '1.234'",
            "categories.2.category_id: 4 has two overrides",
            "brands.0.colour: unknown key",
            "extra: unknown key",
        ] {
            assert!(err.contains(part), "{part} missing from: {err}");
        }
        // The floor: checked once the numbers parse.
        let err = parse(&map(json!({"global": {"floor_price": "-1"}})))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("global.floor_price: -1.00 is outside 0"),
            "{err}"
        );
    }

    #[test]
    fn stored_decimals_read_as_kurus() {
        assert_eq!(kurus("123.4500"), Some(12345));
        assert_eq!(kurus("7"), Some(700));
        assert_eq!(kurus("1.2345"), None);
    }
}
