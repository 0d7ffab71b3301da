//! Price rules against a real MariaDB and the sandbox over HTTP: the SQL rendering agrees with
//! the Rust function to the kuruş over many generated rule sets and prices, saving checks the
//! input completely and keeps the stored rules on a refusal, and a saved rule changes what the
//! sandbox receives on the next stock run (and only once).

mod catalog_common;

use std::collections::BTreeMap;
use std::time::Duration;

use catalog_common::*;
use meschain_engine::admin::price_rules as admin_rules;
use meschain_engine::db::{migrations, Database};
use meschain_engine::fixtures::install_opencart_schema;
use meschain_engine::fixtures::rng::SplitMix64;
use meschain_engine::sync::price_rules::{self, hundredths, PriceRules, Rounding, Rule};
use meschain_engine::sync::{products, stock};
use meschain_engine::testing::TestDatabase;
use mysql_async::prelude::*;
use serde_json::{json, Value};

fn random_rule(rng: &mut SplitMix64) -> Rule {
    let markup_bp = match rng.below(4) {
        0 => 0,
        1 => rng.range(0, 10_000) as i64 - 5_000,
        2 => rng.range(0, 100_000) as i64,
        _ => *rng.pick(&[-9_999, 1, 5_000, 1_250, 100_000]),
    };
    let markup_kurus = match rng.below(3) {
        0 => 0,
        1 => rng.range(0, 100_000) as i64,
        _ => rng.range(0, 20_000) as i64 - 10_000,
    };
    let floor_kurus = if rng.chance(0.5) {
        0
    } else {
        rng.range(0, 50_000) as i64
    };
    Rule {
        markup_bp,
        markup_kurus,
        rounding: *rng.pick(&Rounding::ALL),
        floor_kurus,
    }
}

fn random_price(rng: &mut SplitMix64) -> i64 {
    match rng.below(5) {
        0 => *rng.pick(&[0, 1, 5, 90, 99, 100, 190, 199, 9_999, 10_000]),
        1 => rng.range(0, 1_000) as i64,
        2 => rng.range(0, 100) as i64 * 100 + *rng.pick(&[0, 89, 90, 91, 98, 99]),
        _ => rng.range(0, 50_000_000) as i64,
    }
}

/// A product of the agreement table: its manufacturer, categories, list and sale (kuruş).
struct Row {
    manufacturer: u32,
    categories: Vec<u32>,
    list: i64,
    sale: i64,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sql_rendering_agrees_with_the_rust_function_to_the_kurus() {
    let tdb = TestDatabase::create("oc_").await;
    let pool = tdb.pool();
    let mut conn = pool.get_conn().await.unwrap();
    install_opencart_schema(&mut conn, "oc_").await.unwrap();
    let db = Database::new(&tdb.config, Duration::from_secs(5), Duration::from_secs(60)).unwrap();
    // The expressions are rendered over `p`; here `p` is a table of generated inputs.
    conn.query_drop(
        "CREATE TABLE inputs (product_id int PRIMARY KEY, manufacturer_id int NOT NULL, \
         list_price decimal(15,4) NOT NULL, sale_price decimal(15,4) NOT NULL)",
    )
    .await
    .unwrap();
    let mut rng = SplitMix64::new(0x5052_4943_4553);
    let mut compared = 0usize;
    for round in 0..40u32 {
        // Rule sets of every shape: identity, global only, brands only, categories only, both.
        let mut rules = PriceRules::default();
        if round % 5 != 0 {
            rules.global = random_rule(&mut rng);
        }
        if round % 5 >= 2 {
            for _ in 0..rng.range(1, 6) {
                rules
                    .brands
                    .insert(rng.range(1, 8) as u32, random_rule(&mut rng));
            }
        }
        if round % 5 >= 3 {
            for _ in 0..rng.range(1, 8) {
                rules
                    .categories
                    .insert(rng.range(1, 12) as u32, random_rule(&mut rng));
            }
        }
        conn.query_drop("DELETE FROM inputs").await.unwrap();
        conn.query_drop("DELETE FROM oc_product_to_category")
            .await
            .unwrap();
        let mut rows: BTreeMap<u32, Row> = BTreeMap::new();
        for id in 1..=250u32 {
            let list = random_price(&mut rng);
            let sale = if rng.chance(0.5) {
                list
            } else {
                rng.range(0, list as u64) as i64
            };
            let mut categories: Vec<u32> =
                (0..rng.below(4)).map(|_| rng.range(1, 12) as u32).collect();
            categories.sort_unstable();
            categories.dedup();
            rows.insert(
                id,
                Row {
                    manufacturer: rng.range(0, 8) as u32,
                    categories,
                    list,
                    sale,
                },
            );
        }
        let values: Vec<String> = rows
            .iter()
            .map(|(id, r)| {
                format!(
                    "({id}, {}, {}, {})",
                    r.manufacturer,
                    hundredths(r.list),
                    hundredths(r.sale)
                )
            })
            .collect();
        conn.query_drop(format!("INSERT INTO inputs VALUES {}", values.join(",")))
            .await
            .unwrap();
        let links: Vec<String> = rows
            .iter()
            .flat_map(|(id, r)| r.categories.iter().map(move |c| format!("({id}, {c})")))
            .collect();
        if !links.is_empty() {
            conn.query_drop(format!(
                "INSERT INTO oc_product_to_category (product_id, category_id) VALUES {}",
                links.join(",")
            ))
            .await
            .unwrap();
        }
        let sql = rules.sql(&db, "p.list_price", "p.sale_price");
        let got: Vec<(u32, String, String)> = conn
            .query(format!(
                "SELECT p.product_id, CAST({} AS CHAR), CAST({} AS CHAR) FROM inputs p {} \
                 ORDER BY p.product_id",
                sql.list_price, sql.sale_price, sql.joins
            ))
            .await
            .unwrap_or_else(|e| panic!("{e}\n{}", sql.list_price));
        assert_eq!(got.len(), rows.len());
        for (id, list, sale) in got {
            let r = &rows[&id];
            let (want_list, want_sale) = rules.apply(r.manufacturer, &r.categories, r.list, r.sale);
            let kurus = |t: &str| -> i64 {
                let t = t.trim();
                let (w, f) = t.split_once('.').unwrap_or((t, ""));
                assert!(f.len() <= 2 || f[2..].chars().all(|c| c == '0'), "{t}");
                let f = format!("{:0<2}", &f[..f.len().min(2)]);
                let n: i64 = w.trim_start_matches('-').parse::<i64>().unwrap() * 100
                    + f.parse::<i64>().unwrap();
                if w.starts_with('-') {
                    -n
                } else {
                    n
                }
            };
            assert_eq!(
                (kurus(&list), kurus(&sale)),
                (want_list, want_sale),
                "round {round}, product {id}: list {} sale {} brand {} categories {:?} under {:?}",
                hundredths(r.list),
                hundredths(r.sale),
                r.manufacturer,
                r.categories,
                rules.rule_for(r.manufacturer, &r.categories)
            );
            compared += 1;
        }
    }
    assert_eq!(compared, 40 * 250);
    drop(conn);
    db.close().await;
    pool.disconnect().await.unwrap();
    tdb.drop_database().await;
}

async fn stored_rows(conn: &mut mysql_async::Conn) -> Vec<(String, u32, String, String)> {
    conn.query(
        "SELECT scope, target_id, CAST(markup_percent AS CHAR), rounding \
         FROM oc_trendyol_price_rules ORDER BY scope, target_id",
    )
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_rule_reprices_the_catalog_on_the_next_stock_run() {
    let sb = sandbox(0, 0.0).await;
    let mut shop = shop(120, sb, &[]).await;
    for _ in 0..2 {
        let o = products::run(&shop.ctx(Duration::from_secs(60)))
            .await
            .unwrap();
        assert!(o.finished, "{}", o.message);
    }
    let mut conn = shop.conn().await;
    let stock_run = |shop: &Shop| {
        let ctx = shop.ctx(Duration::from_secs(60));
        async move {
            let outcome = stock::run(&ctx).await.unwrap();
            assert!(outcome.finished, "{}", outcome.message);
        }
    };
    let seq = shop.last_seq().await;
    stock_run(&shop).await;
    assert!(shop.writes(seq).await.is_empty(), "nothing to send yet");

    // One manufacturer gets its own rule; everything else +10 % rounded to .90.
    let (brand,): (u32,) = conn
        .query_first(
            "SELECT p.manufacturer_id FROM oc_trendyol_products tp JOIN oc_product p \
             ON p.product_id = tp.product_id WHERE tp.sync_status = 'approved' LIMIT 1",
        )
        .await
        .unwrap()
        .unwrap();
    let input = json!({
        "global": {"markup_percent": "10", "rounding": "ends_90"},
        "brands": [{"manufacturer_id": brand, "markup_amount": "5", "rounding": "whole", "floor_price": "100"}],
    });
    let saved = admin_rules::save(&shop.db, 1, input.as_object().unwrap())
        .await
        .unwrap();
    assert_eq!(saved["global"]["rounding"], "ends_90");
    assert_eq!(saved["brands"][0]["manufacturer_id"], brand);

    // A bad save names the problems and leaves the stored rules as they were.
    let before = stored_rows(&mut conn).await;
    let err = admin_rules::save(
        &shop.db,
        1,
        json!({"global": {"markup_percent": "-100"}, "categories": [{"category_id": 999999}]})
            .as_object()
            .unwrap(),
    )
    .await
    .unwrap_err()
    .to_string();
    assert!(err.contains("global.markup_percent"), "{err}");
    let err = admin_rules::save(
        &shop.db,
        1,
        json!({"categories": [{"category_id": 999999, "markup_percent": "5"}]})
            .as_object()
            .unwrap(),
    )
    .await
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("categories.category_id: 999999 is not in OpenCart"),
        "{err}"
    );
    assert_eq!(stored_rows(&mut conn).await, before);

    // The next run (its settings loaded with the rules, as every run's are) sends every
    // approved product's new prices, exactly as the Rust rule computes them.
    shop.settings.price_rules = price_rules::load(&shop.db).await.unwrap();
    let rules = shop.settings.price_rules.clone();
    let seq = shop.last_seq().await;
    stock_run(&shop).await;
    let writes = shop.writes(seq).await;
    let items: Vec<Value> = writes
        .iter()
        .flat_map(|w| {
            w["bodyJson"]["items"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .collect();
    let approved: Vec<(String, u32, String, String)> = conn
        .query(
            "SELECT tp.barcode, p.manufacturer_id, CAST(ROUND(p.price, 2) AS CHAR), \
             CAST(ROUND(LEAST(COALESCE((SELECT ps.price FROM oc_product_special ps \
               WHERE ps.product_id = p.product_id AND ps.customer_group_id = 1 \
               AND (ps.date_start = '0000-00-00' OR ps.date_start <= UTC_DATE()) \
               AND (ps.date_end = '0000-00-00' OR ps.date_end > UTC_DATE()) \
               ORDER BY ps.priority, ps.price LIMIT 1), p.price), p.price), 2) AS CHAR) \
             FROM oc_trendyol_products tp JOIN oc_product p ON p.product_id = tp.product_id \
             WHERE tp.sync_status = 'approved'",
        )
        .await
        .unwrap();
    assert!(approved.len() > 50, "{}", approved.len());
    let kurus = |t: &str| (t.parse::<f64>().unwrap() * 100.0).round() as i64;
    let mut branded = 0;
    for (barcode, manufacturer, list, sale) in &approved {
        let (want_list, want_sale) = rules.apply(*manufacturer, &[], kurus(list), kurus(sale));
        let item = items
            .iter()
            .find(|i| i["barcode"] == barcode.as_str())
            .unwrap_or_else(|| panic!("{barcode} was not re-priced"));
        let sent = |k: &str| (item[k].as_f64().unwrap() * 100.0).round() as i64;
        assert_eq!(
            (sent("listPrice"), sent("salePrice")),
            (want_list, want_sale),
            "{barcode}"
        );
        assert!(item.get("quantity").is_none(), "price-only: {item}");
        if *manufacturer == brand {
            branded += 1;
            assert_eq!(want_list % 100, 0);
            assert!(want_sale >= 10_000);
        } else {
            assert_eq!(want_list % 100, 90);
        }
    }
    assert!(branded > 0);
    assert_eq!(items.len(), approved.len());

    // Confirmed by the batch result: the run after sends nothing.
    let seq = shop.last_seq().await;
    stock_run(&shop).await;
    assert!(shop.writes(seq).await.is_empty());
    drop(conn);
    shop.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_preview_prices_products_under_unsaved_rules() {
    let sb = sandbox(0, 0.0).await;
    let shop = shop(
        30,
        sb,
        &[("prices_include_vat", "0"), ("default_vat_rate", "20")],
    )
    .await;
    migrations::migrate(&shop.db).await.unwrap();
    let mut conn = shop.conn().await;
    let (id, manufacturer, price): (u32, u32, String) = conn
        .query_first(
            "SELECT product_id, manufacturer_id, CAST(price AS CHAR) FROM oc_product \
             ORDER BY product_id LIMIT 1",
        )
        .await
        .unwrap()
        .unwrap();
    conn.exec_drop("DELETE FROM oc_product_special WHERE product_id = ?", (id,))
        .await
        .unwrap();
    conn.exec_drop(
        "UPDATE oc_product SET price = 100 WHERE product_id = ?",
        (id,),
    )
    .await
    .unwrap();
    conn.exec_drop(
        "INSERT INTO oc_product_special (product_id, customer_group_id, priority, price, \
         date_start, date_end) VALUES (?, 1, 1, 80, '0000-00-00', '0000-00-00')",
        (id,),
    )
    .await
    .unwrap();
    let _ = price;
    let rules = json!({
        "global": {"markup_percent": "0"},
        "brands": [{"manufacturer_id": manufacturer, "markup_percent": "12.5", "rounding": "ends_99"}],
    });
    let out = admin_rules::preview(
        &shop.db,
        &shop.settings,
        rules.as_object().unwrap(),
        &[json!(id), json!("999999")],
    )
    .await
    .unwrap();
    let row = &out["rows"][0];
    assert_eq!(row["price"], "100.00");
    assert_eq!(row["special"], "80.00");
    // With 20 % VAT: 120.00 and 96.00 today; +12.5 % → 135.00 and 108.00; → .99.
    assert_eq!(row["current_list_price"], "120.00");
    assert_eq!(row["current_sale_price"], "96.00");
    assert_eq!(row["list_price"], "135.99");
    assert_eq!(row["sale_price"], "108.99");
    assert_eq!(row["rule"], json!({"scope": "brand", "id": manufacturer}));
    assert_eq!(out["rows"][1]["found"], false);
    // Nothing was saved by a preview.
    let n: Option<u64> = conn
        .query_first("SELECT COUNT(*) FROM oc_trendyol_price_rules")
        .await
        .unwrap();
    assert_eq!(n, Some(0));
    drop(conn);
    shop.finish().await;
}
