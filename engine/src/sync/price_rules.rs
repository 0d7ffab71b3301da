//! Marketplace price rules: what Trendyol is asked to show, from the price the shop would show.
//!
//! A rule takes a price in kuruş — the OpenCart price or special *after* VAT, i.e. what a buyer
//! would pay in the shop, which is also what Trendyol's `listPrice` and `salePrice` mean — and
//! applies, in this order:
//!
//! 1. the markup: `round(price × (1 + percent / 100), kuruş) + amount` (the percent has at most
//!    two decimals; halves round away from zero, as MariaDB's `ROUND` does on decimals), never
//!    below 0;
//! 2. the floor: never below the set minimum price (OpenCart 4.0.2.3's `oc_product` has no cost
//!    column, so a floor relative to cost cannot be offered; the floor is a fixed amount);
//! 3. the rounding, always upwards so the floor still holds: `none`; `whole`: the smallest
//!    whole lira ≥ the price; `ends_90` / `ends_99`: the smallest price ≥ the price whose
//!    kuruş are 90 / 99 (12.34 → 12.90, 12.95 → 13.90, 12.90 → 12.90).
//!
//! Each step is monotonic, so a higher base price never gives a lower result, and the sale
//! price (never above the list price before the rule) stays at or below the list price after
//! it; both come out at or above the floor.
//!
//! Which rule: a brand (OpenCart manufacturer) override, else a category override — for a
//! product in several categories with overrides, the one of the lowest `category_id` (a plain,
//! stable choice the admin page states) — else the global rule. A rule set with no override and
//! a global rule that changes nothing leaves the SQL exactly as it was.
//!
//! The same rule has two renderings that must agree to the kuruş: [`PriceRules::apply`] in Rust
//! (the admin preview, the property tests) and [`PriceRules::sql`], SQL over `p` (the stock
//! job's delta scan and the product job's create, so a large catalog is priced inside
//! MariaDB). The rule's numbers are rendered into the SQL as decimal literals from their integer
//! form (hundredths of a percent, kuruş), never as floats, and every step is exact decimal
//! arithmetic there.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use mysql_async::prelude::*;
use serde::Serialize;

use crate::db::Database;
use crate::error::{Error, Result};

/// Largest markup percent, in hundredths (1000 %).
pub const MAX_MARKUP_BP: i64 = 100_000;
/// Smallest markup percent, in hundredths (-99.99 %: -100 % would price everything at 0).
pub const MIN_MARKUP_BP: i64 = -9_999;
/// Largest fixed amount, markup (either sign) or floor, in kuruş (1,000,000 TL).
pub const MAX_AMOUNT_KURUS: i64 = 100_000_000;

/// How a price is rounded after the markup and the floor (always upwards).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    #[default]
    None,
    Whole,
    Ends90,
    Ends99,
}

impl Rounding {
    pub const ALL: [Rounding; 4] = [
        Rounding::None,
        Rounding::Whole,
        Rounding::Ends90,
        Rounding::Ends99,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Rounding::None => "none",
            Rounding::Whole => "whole",
            Rounding::Ends90 => "ends_90",
            Rounding::Ends99 => "ends_99",
        }
    }

    pub fn parse(text: &str) -> Option<Rounding> {
        Rounding::ALL
            .into_iter()
            .find(|r| r.as_str() == text.trim())
    }

    /// (step, ending) in kuruş: the result is the smallest `n × step + ending` ≥ the price.
    fn step_and_ending(self) -> (i64, i64) {
        match self {
            Rounding::None => (1, 0),
            Rounding::Whole => (100, 0),
            Rounding::Ends90 => (100, 90),
            Rounding::Ends99 => (100, 99),
        }
    }
}

/// One rule. Amounts are kuruş, the percent is in hundredths of a percent (1250 = 12.50 %).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Rule {
    pub markup_bp: i64,
    pub markup_kurus: i64,
    pub rounding: Rounding,
    pub floor_kurus: i64,
}

impl Rule {
    /// A rule that changes nothing.
    pub fn is_identity(&self) -> bool {
        *self == Rule::default()
    }

    /// Checks the ranges; `field` prefixes the message.
    pub fn check(&self, field: &str) -> Result<()> {
        if !(MIN_MARKUP_BP..=MAX_MARKUP_BP).contains(&self.markup_bp) {
            return Err(Error::Config(format!(
                "{field}markup_percent: {} is outside -99.99 to 1000",
                hundredths(self.markup_bp)
            )));
        }
        if self.markup_kurus.abs() > MAX_AMOUNT_KURUS {
            return Err(Error::Config(format!(
                "{field}markup_amount: {} is outside -1000000 to 1000000",
                hundredths(self.markup_kurus)
            )));
        }
        if !(0..=MAX_AMOUNT_KURUS).contains(&self.floor_kurus) {
            return Err(Error::Config(format!(
                "{field}floor_price: {} is outside 0 to 1000000",
                hundredths(self.floor_kurus)
            )));
        }
        Ok(())
    }

    /// The rule applied to a price in kuruş.
    pub fn apply(&self, price_kurus: i64) -> i64 {
        let scaled = i128::from(price_kurus) * i128::from(10_000 + self.markup_bp);
        let marked = div_round_half_away(scaled, 10_000) + i128::from(self.markup_kurus);
        let floored = marked.max(0).max(i128::from(self.floor_kurus));
        let (step, ending) = self.rounding.step_and_ending();
        let (step, ending) = (i128::from(step), i128::from(ending));
        let rounded = ceil_div(floored - ending, step) * step + ending;
        rounded.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
    }

    /// The rule as SQL over `price` (a DECIMAL expression with at most two decimals), its
    /// numbers as literals.
    fn sql_literal(&self, price: &str) -> String {
        let marked = format!(
            "GREATEST(ROUND(({price}) * {}, 2) + {}, 0.00)",
            factor(self.markup_bp),
            hundredths(self.markup_kurus)
        );
        let floored = format!("GREATEST({marked}, {})", hundredths(self.floor_kurus));
        match self.rounding {
            Rounding::None => floored,
            Rounding::Whole => format!("CEILING({floored})"),
            Rounding::Ends90 => format!("(CEILING({floored} - 0.90) + 0.90)"),
            Rounding::Ends99 => format!("(CEILING({floored} - 0.99) + 0.99)"),
        }
    }

    /// One row of a derived table of rules: `id, f, x, fl, s, e`.
    fn sql_row(&self, id: u32) -> String {
        let (step, ending) = self.rounding.step_and_ending();
        format!(
            "SELECT {id} AS id, {} AS f, {} AS x, {} AS fl, {} AS s, {} AS e",
            factor(self.markup_bp),
            hundredths(self.markup_kurus),
            hundredths(self.floor_kurus),
            hundredths(step),
            hundredths(ending)
        )
    }
}

/// `n / d` rounded half away from zero (`d` > 0).
fn div_round_half_away(n: i128, d: i128) -> i128 {
    let q = (n.abs() + d / 2) / d;
    if n < 0 {
        -q
    } else {
        q
    }
}

/// `n / d` rounded up (`d` > 0).
fn ceil_div(n: i128, d: i128) -> i128 {
    -((-n).div_euclid(d))
}

/// Hundredths as a decimal literal: 1250 → `12.50`, -5 → `-0.05`.
pub fn hundredths(n: i64) -> String {
    let sign = if n < 0 { "-" } else { "" };
    let a = n.unsigned_abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

/// The markup factor `1 + bp / 10000` as a decimal literal with four places.
fn factor(bp: i64) -> String {
    let f = 10_000 + bp;
    format!("{}.{:04}", f / 10_000, f % 10_000)
}

/// Parses a decimal with at most two places ("12", "12.5", "-3,25") into hundredths.
pub fn parse_hundredths(text: &str) -> Option<i64> {
    let t = text.trim().replace(',', ".");
    let (negative, digits) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(&t)),
    };
    let (whole, frac) = match digits.split_once('.') {
        Some((w, f)) => (w, f),
        None => (digits, ""),
    };
    if (whole.is_empty() && frac.is_empty())
        || frac.len() > 2
        || whole.len() > 12
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let frac: i64 = format!("{frac:0<2}").parse().ok()?;
    let n = whole * 100 + frac;
    Some(if negative { -n } else { n })
}

/// Which rule priced a product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "scope", content = "id", rename_all = "snake_case")]
pub enum Applied {
    Global,
    Category(u32),
    Brand(u32),
}

/// The global rule and its overrides.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PriceRules {
    pub global: Rule,
    /// By OpenCart `category_id`.
    pub categories: BTreeMap<u32, Rule>,
    /// By OpenCart `manufacturer_id`.
    pub brands: BTreeMap<u32, Rule>,
}

/// The list and sale price expressions with the rules applied, and the joins they need.
pub struct RuledSql {
    pub joins: String,
    pub list_price: String,
    pub sale_price: String,
}

impl PriceRules {
    /// No override and a global rule that changes nothing.
    pub fn is_identity(&self) -> bool {
        self.global.is_identity() && self.categories.is_empty() && self.brands.is_empty()
    }

    /// The rule for a product of `manufacturer_id` in `category_ids`, and where it came from.
    pub fn rule_for(&self, manufacturer_id: u32, category_ids: &[u32]) -> (Rule, Applied) {
        if let Some(rule) = self.brands.get(&manufacturer_id) {
            return (*rule, Applied::Brand(manufacturer_id));
        }
        let category = category_ids
            .iter()
            .copied()
            .filter(|c| self.categories.contains_key(c))
            .min();
        match category {
            Some(c) => (self.categories[&c], Applied::Category(c)),
            None => (self.global, Applied::Global),
        }
    }

    /// The rule applied to a product's list and sale prices (kuruş, VAT included).
    pub fn apply(
        &self,
        manufacturer_id: u32,
        category_ids: &[u32],
        list_kurus: i64,
        sale_kurus: i64,
    ) -> (i64, i64) {
        let (rule, _) = self.rule_for(manufacturer_id, category_ids);
        (rule.apply(list_kurus), rule.apply(sale_kurus))
    }

    /// The rules over the list and sale price expressions of a query over `p` (OpenCart's
    /// `product`). Overrides come in as derived tables of literals joined by the product's
    /// manufacturer (`prb`) and its lowest category with an override (`prc`); a product's rule
    /// is taken whole from the first of them that matched, else the global one.
    pub fn sql(&self, db: &Database, list_price: &str, sale_price: &str) -> RuledSql {
        if self.is_identity() {
            return RuledSql {
                joins: String::new(),
                list_price: list_price.to_string(),
                sale_price: sale_price.to_string(),
            };
        }
        let cast = |e: String| format!("CAST({e} AS DECIMAL(15,4))");
        if self.categories.is_empty() && self.brands.is_empty() {
            return RuledSql {
                joins: String::new(),
                list_price: cast(self.global.sql_literal(list_price)),
                sale_price: cast(self.global.sql_literal(sale_price)),
            };
        }
        let mut joins = String::new();
        let mut sources: Vec<&str> = Vec::new();
        if !self.brands.is_empty() {
            let rows: Vec<String> = self.brands.iter().map(|(id, r)| r.sql_row(*id)).collect();
            let _ = write!(
                joins,
                " LEFT JOIN ({}) prb ON prb.id = p.manufacturer_id",
                rows.join(" UNION ALL ")
            );
            sources.push("prb");
        }
        if !self.categories.is_empty() {
            let rows: Vec<String> = self
                .categories
                .iter()
                .map(|(id, r)| r.sql_row(*id))
                .collect();
            let ids: Vec<String> = self.categories.keys().map(u32::to_string).collect();
            let _ = write!(
                joins,
                " LEFT JOIN ({}) prc ON prc.id = (SELECT MIN(pc.category_id) FROM {} pc \
                 WHERE pc.product_id = p.product_id AND pc.category_id IN ({}))",
                rows.join(" UNION ALL "),
                db.table("product_to_category"),
                ids.join(", ")
            );
            sources.push("prc");
        }
        let (step, ending) = self.global.rounding.step_and_ending();
        let param = |column: &str, global: String| -> String {
            let mut parts: Vec<String> = sources.iter().map(|s| format!("{s}.{column}")).collect();
            parts.push(global);
            format!("COALESCE({})", parts.join(", "))
        };
        let f = param("f", factor(self.global.markup_bp));
        let x = param("x", hundredths(self.global.markup_kurus));
        let fl = param("fl", hundredths(self.global.floor_kurus));
        let s = param("s", hundredths(step));
        let e = param("e", hundredths(ending));
        let render = |price: &str| {
            let marked = format!("GREATEST(ROUND(({price}) * {f}, 2) + {x}, 0.00)");
            let floored = format!("GREATEST({marked}, {fl})");
            cast(format!("(CEILING(({floored} - {e}) / {s}) * {s} + {e})"))
        };
        RuledSql {
            joins,
            list_price: render(list_price),
            sale_price: render(sale_price),
        }
    }
}

/// Where the rules are stored (migration 11).
pub const TABLE: &str = "trendyol_price_rules";

/// The stored rules. A shop whose schema predates the table has none (every price as is).
pub async fn load(db: &Database) -> Result<PriceRules> {
    let mut conn = db.conn().await?;
    let rows: Vec<(String, u32, String, String, String, String)> = match conn
        .query(format!(
            "SELECT scope, target_id, CAST(markup_percent AS CHAR), CAST(markup_amount AS CHAR), \
             rounding, CAST(floor_price AS CHAR) FROM {} ORDER BY scope, target_id",
            db.table(TABLE)
        ))
        .await
    {
        Ok(rows) => rows,
        // ER_NO_SUCH_TABLE: not migrated yet.
        Err(mysql_async::Error::Server(e)) if e.code == 1146 => return Ok(PriceRules::default()),
        Err(e) => return Err(Error::db("reading the price rules")(e)),
    };
    let mut rules = PriceRules::default();
    for (scope, id, percent, amount, rounding, floor) in rows {
        let bad = |what: &str, value: &str| {
            Error::Config(format!(
                "stored price rule {scope} {id}: {what} '{value}' is not valid; save the Price rules page again"
            ))
        };
        let rule = Rule {
            markup_bp: parse_hundredths(&percent).ok_or_else(|| bad("markup percent", &percent))?,
            markup_kurus: parse_hundredths(&amount).ok_or_else(|| bad("markup amount", &amount))?,
            rounding: Rounding::parse(&rounding).ok_or_else(|| bad("rounding", &rounding))?,
            floor_kurus: parse_hundredths(&floor).ok_or_else(|| bad("floor price", &floor))?,
        };
        match scope.as_str() {
            "global" => rules.global = rule,
            "category" => {
                rules.categories.insert(id, rule);
            }
            "brand" => {
                rules.brands.insert(id, rule);
            }
            other => return Err(bad("scope", other)),
        }
    }
    Ok(rules)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rule(bp: i64, add: i64, rounding: Rounding, floor: i64) -> Rule {
        Rule {
            markup_bp: bp,
            markup_kurus: add,
            rounding,
            floor_kurus: floor,
        }
    }

    #[test]
    fn worked_examples() {
        let r = rule(1000, 0, Rounding::Ends90, 0);
        assert_eq!(r.apply(10_000), 11_090); // 100.00 + 10 % = 110.00 → 110.90
        assert_eq!(r.apply(1_122), 1_290); // 12.342 → 12.34 → 12.90
        assert_eq!(rule(0, 0, Rounding::Ends90, 0).apply(1_295), 1_390);
        assert_eq!(rule(0, 0, Rounding::Ends90, 0).apply(1_290), 1_290);
        assert_eq!(rule(0, 0, Rounding::Ends99, 0).apply(1_200), 1_299);
        assert_eq!(rule(0, 0, Rounding::Whole, 0).apply(1_201), 1_300);
        assert_eq!(rule(0, 0, Rounding::Whole, 0).apply(1_200), 1_200);
        assert_eq!(rule(0, 500, Rounding::None, 0).apply(1_000), 1_500);
        assert_eq!(rule(0, -5_000, Rounding::None, 0).apply(1_000), 0);
        assert_eq!(rule(0, 0, Rounding::None, 2_500).apply(1_000), 2_500);
        // The floor is rounded too, upwards: 25.00 → 25.90.
        assert_eq!(rule(0, 0, Rounding::Ends90, 2_500).apply(1_000), 2_590);
        // Half a kuruş rounds up: 0.05 × 1.5 = 0.075 → 0.08.
        assert_eq!(rule(5_000, 0, Rounding::None, 0).apply(5), 8);
    }

    #[test]
    fn decimals_parse_exactly() {
        assert_eq!(parse_hundredths("12"), Some(1200));
        assert_eq!(parse_hundredths("12.5"), Some(1250));
        assert_eq!(parse_hundredths(" 12,05 "), Some(1205));
        assert_eq!(parse_hundredths("-0.05"), Some(-5));
        assert_eq!(parse_hundredths(".5"), Some(50));
        for bad in ["", "-", "1.234", "1e3", "12.5.1", "abc", "1 000", "0x10"] {
            assert_eq!(parse_hundredths(bad), None, "{bad}");
        }
        assert_eq!(hundredths(-5), "-0.05");
        assert_eq!(hundredths(123_456), "1234.56");
        assert_eq!(factor(1250), "1.1250");
        assert_eq!(factor(-9_999), "0.0001");
    }

    #[test]
    fn brand_beats_category_beats_global_and_the_lowest_category_wins() {
        let mut rules = PriceRules {
            global: rule(100, 0, Rounding::None, 0),
            ..PriceRules::default()
        };
        rules.categories.insert(20, rule(200, 0, Rounding::None, 0));
        rules.categories.insert(10, rule(300, 0, Rounding::None, 0));
        rules.brands.insert(7, rule(400, 0, Rounding::None, 0));
        assert_eq!(rules.rule_for(7, &[10, 20]).1, Applied::Brand(7));
        assert_eq!(rules.rule_for(8, &[20, 10, 30]).1, Applied::Category(10));
        assert_eq!(rules.rule_for(8, &[20, 30]).1, Applied::Category(20));
        assert_eq!(rules.rule_for(8, &[30]).1, Applied::Global);
        assert_eq!(rules.rule_for(8, &[30]).0.markup_bp, 100);
    }

    #[test]
    fn out_of_range_rules_are_refused_by_name() {
        let err = rule(-10_000, 0, Rounding::None, 0)
            .check("global.")
            .unwrap_err();
        assert!(err.to_string().contains("global.markup_percent"), "{err}");
        let err = rule(0, 0, Rounding::None, -1).check("").unwrap_err();
        assert!(err.to_string().contains("floor_price"), "{err}");
        let err = rule(0, MAX_AMOUNT_KURUS + 1, Rounding::None, 0)
            .check("")
            .unwrap_err();
        assert!(err.to_string().contains("markup_amount"), "{err}");
        assert!(rule(
            MIN_MARKUP_BP,
            -MAX_AMOUNT_KURUS,
            Rounding::Ends99,
            MAX_AMOUNT_KURUS
        )
        .check("")
        .is_ok());
    }

    fn any_rule() -> impl Strategy<Value = Rule> {
        (
            MIN_MARKUP_BP..=MAX_MARKUP_BP,
            -100_000i64..=100_000,
            prop::sample::select(Rounding::ALL.to_vec()),
            prop_oneof![Just(0i64), 0i64..=1_000_000],
        )
            .prop_map(|(bp, add, rounding, floor)| rule(bp, add, rounding, floor))
    }

    proptest! {
        #[test]
        fn a_higher_price_never_gives_a_lower_result(
            r in any_rule(), a in 0i64..100_000_000, b in 0i64..100_000_000
        ) {
            let (lo, hi) = (a.min(b), a.max(b));
            prop_assert!(r.apply(lo) <= r.apply(hi));
        }

        #[test]
        fn never_below_the_floor_nor_zero(r in any_rule(), p in 0i64..100_000_000) {
            let out = r.apply(p);
            prop_assert!(out >= r.floor_kurus);
            prop_assert!(out >= 0);
        }

        #[test]
        fn rounding_ends_in_the_promised_digits(r in any_rule(), p in 0i64..100_000_000) {
            let out = r.apply(p);
            match r.rounding {
                Rounding::None => {}
                Rounding::Whole => prop_assert_eq!(out % 100, 0),
                Rounding::Ends90 => prop_assert_eq!(out % 100, 90),
                Rounding::Ends99 => prop_assert_eq!(out % 100, 99),
            }
        }

        #[test]
        fn rounding_moves_up_by_less_than_a_lira(r in any_rule(), p in 0i64..100_000_000) {
            // The rounding alone: the rule without it gives the smallest candidate.
            let plain = Rule { rounding: Rounding::None, ..r }.apply(p);
            let out = r.apply(p);
            prop_assert!(out >= plain && out - plain < 100, "{} -> {}", plain, out);
        }

        #[test]
        fn rounding_and_floor_alone_are_idempotent(
            rounding in prop::sample::select(Rounding::ALL.to_vec()),
            floor in 0i64..1_000_000,
            p in 0i64..100_000_000,
        ) {
            let r = rule(0, 0, rounding, floor);
            let once = r.apply(p);
            prop_assert_eq!(r.apply(once), once);
        }

        #[test]
        fn sale_stays_at_or_below_list(
            r in any_rule(), list in 0i64..100_000_000, discount in 0i64..100_000_000,
            brand in 0u32..4, categories in prop::collection::vec(0u32..6, 0..4),
        ) {
            let sale = (list - discount).max(0);
            let mut rules = PriceRules { global: r, ..PriceRules::default() };
            rules.brands.insert(1, rule(2_500, 0, Rounding::Ends99, 0));
            rules.categories.insert(3, rule(-1_000, 150, Rounding::Whole, 500));
            let (l, s) = rules.apply(brand, &categories, list, sale);
            prop_assert!(s <= l);
            let (chosen, _) = rules.rule_for(brand, &categories);
            prop_assert!(s >= chosen.floor_kurus);
        }

        #[test]
        fn the_identity_changes_nothing(p in 0i64..100_000_000) {
            prop_assert_eq!(Rule::default().apply(p), p);
        }
    }
}
