//! The OpenCart fixtures against a real MariaDB: the schema installs idempotently with a fresh
//! install's base data, generated catalogs have the asked shape under the server's strict
//! `sql_mode`, are deterministic, keep hostile text verbatim, and `config.php` round-trips
//! through the engine.
//!
//! `generate_large` (ignored) is the benchmark: `FIXTURE_N=1000000 cargo test --release -p
//! meschain-engine --test fixtures generate_large -- --ignored --nocapture`.

use std::collections::HashSet;

use meschain_engine::fixtures::{
    self, add_currency, barcode_for, ean13_is_valid, generate_catalog, install_opencart_schema,
    CatalogSpec, CatalogSummary, HOSTILE_NAMES, OPENCART_TABLES, ORDER_STATUSES,
    TRENDYOL_STOCK_CAP,
};
use meschain_engine::testing::TestDatabase;
use mysql_async::prelude::*;
use mysql_async::{Conn, Pool};

async fn count(conn: &mut Conn, sql: &str) -> u64 {
    conn.query_first::<u64, _>(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .unwrap()
}

async fn installed(prefix: &str) -> (TestDatabase, Pool) {
    let db = TestDatabase::create(prefix).await;
    let pool = db.pool();
    let mut conn = pool.get_conn().await.unwrap();
    install_opencart_schema(&mut conn, prefix).await.unwrap();
    (db, pool)
}

#[tokio::test(flavor = "multi_thread")]
async fn schema_installs_twice_with_a_fresh_installs_base_data() {
    let db = TestDatabase::create("oc_").await;
    let pool = db.pool();
    let mut conn = pool.get_conn().await.unwrap();
    install_opencart_schema(&mut conn, "oc_").await.unwrap();

    let tables_sql = format!(
        "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '{}'",
        db.name()
    );
    let base_tables = [
        "setting",
        "currency",
        "zone",
        "country",
        "order_status",
        "stock_status",
        "language",
        "tax_rule",
        "user_group",
        "user",
        "zone_to_geo_zone",
        "return_reason",
    ];
    let mut before = Vec::new();
    for table in base_tables {
        before.push(count(&mut conn, &format!("SELECT COUNT(*) FROM `oc_{table}`")).await);
    }
    install_opencart_schema(&mut conn, "oc_").await.unwrap();
    assert_eq!(
        count(&mut conn, &tables_sql).await,
        OPENCART_TABLES.len() as u64
    );
    for (table, n) in base_tables.iter().zip(before) {
        let again = count(&mut conn, &format!("SELECT COUNT(*) FROM `oc_{table}`")).await;
        assert_eq!(again, n, "second install changed oc_{table}");
        assert!(n > 0, "oc_{table} is empty");
    }

    // Turkey with all 81 provinces, dotted capital İ intact.
    assert_eq!(
        count(
            &mut conn,
            "SELECT COUNT(*) FROM oc_zone WHERE country_id = 215"
        )
        .await,
        81
    );
    let istanbul: Option<(String, String)> = conn
        .query_first("SELECT z.name, z.code FROM oc_zone z JOIN oc_country c ON c.country_id = z.country_id \
                      WHERE c.iso_code_2 = 'TR' AND z.zone_id = 3354")
        .await
        .unwrap();
    assert_eq!(istanbul, Some(("İstanbul".into(), "TR-34".into())));

    // Currencies: USD is the default at 1.0, no TRY.
    let codes: Vec<String> = conn
        .query("SELECT code FROM oc_currency ORDER BY currency_id")
        .await
        .unwrap();
    assert_eq!(&codes[..3], ["GBP", "USD", "EUR"]);
    assert!(!codes.iter().any(|c| c == "TRY"));
    let usd: Option<f64> = conn
        .query_first("SELECT value FROM oc_currency WHERE code = 'USD'")
        .await
        .unwrap();
    assert_eq!(usd, Some(1.0));
    let default_currency: Option<String> = conn
        .query_first(
            "SELECT value FROM oc_setting WHERE store_id = 0 AND `key` = 'config_currency'",
        )
        .await
        .unwrap();
    assert_eq!(default_currency.as_deref(), Some("USD"));

    // Order statuses with OpenCart's ids and names; the serialized status lists.
    let statuses: Vec<(u32, String)> = conn
        .query("SELECT order_status_id, name FROM oc_order_status WHERE language_id = 1 ORDER BY order_status_id")
        .await
        .unwrap();
    let expected: Vec<(u32, String)> = ORDER_STATUSES
        .iter()
        .map(|(id, name)| (*id, name.to_string()))
        .collect();
    assert_eq!(statuses, expected);
    let processing: Option<(String, u8)> = conn
        .query_first(
            "SELECT value, serialized FROM oc_setting WHERE `key` = 'config_processing_status'",
        )
        .await
        .unwrap();
    assert_eq!(
        processing,
        Some(("[\"5\",\"1\",\"2\",\"12\",\"3\"]".into(), 1))
    );
    let language: Option<(String, String)> = conn
        .query_first("SELECT code, extension FROM oc_language WHERE language_id = 1")
        .await
        .unwrap();
    assert_eq!(language, Some(("en-gb".into(), String::new())));
    assert_eq!(
        count(
            &mut conn,
            "SELECT COUNT(*) FROM oc_tax_rate WHERE tax_rate_id IN (86, 87)"
        )
        .await,
        2
    );
    let permission: Option<String> = conn
        .query_first("SELECT permission FROM oc_user_group WHERE user_group_id = 1")
        .await
        .unwrap();
    let permission: serde_json::Value = serde_json::from_str(&permission.unwrap()).unwrap();
    assert!(permission["modify"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r == "marketplace/extension"));

    // TRY on demand, once.
    let try_id = add_currency(&mut conn, "oc_", "TRY", "Türk Lirası", 32.5)
        .await
        .unwrap();
    let again = add_currency(&mut conn, "oc_", "TRY", "Türk Lirası", 33.0)
        .await
        .unwrap();
    assert_eq!(try_id, again);
    let lira: Option<(String, f64)> = conn
        .exec_first(
            "SELECT symbol_right, value FROM oc_currency WHERE currency_id = ?",
            (try_id,),
        )
        .await
        .unwrap();
    assert_eq!(lira, Some(("₺".into(), 33.0)));
    assert_eq!(
        count(
            &mut conn,
            "SELECT COUNT(*) FROM oc_currency WHERE code = 'TRY'"
        )
        .await,
        1
    );

    drop(conn);
    pool.disconnect().await.unwrap();
    db.drop_database().await;
}

/// Per-table row counts the summary predicts.
async fn assert_counts_match(conn: &mut Conn, s: &CatalogSummary) {
    let ids = s.product_ids();
    let within = |table: &str| {
        format!(
            "SELECT COUNT(*) FROM oc_{table} WHERE product_id >= {} AND product_id < {}",
            ids.start, ids.end
        )
    };
    for (table, expected) in [
        ("product", s.products),
        ("product_description", s.products),
        ("product_to_store", s.products),
        ("product_to_category", s.products),
        ("product_image", s.product_images),
        ("product_special", s.specials),
        ("product_option", s.products_with_options),
        ("product_option_value", s.option_values),
        ("product_attribute", s.product_attributes),
    ] {
        assert_eq!(count(conn, &within(table)).await, expected, "oc_{table}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_catalog_has_the_asked_shape_under_strict_mode() {
    let (db, pool) = installed("oc_").await;
    let mut conn = pool.get_conn().await.unwrap();
    // The generator writes through this same pool, whose sessions keep the server's default.
    let mode: String = conn
        .query_first("SELECT @@SESSION.sql_mode")
        .await
        .unwrap()
        .unwrap();
    assert!(mode.contains("STRICT_TRANS_TABLES"), "{mode}");

    let spec = CatalogSpec {
        products: 2_000,
        manufacturers: 12,
        categories: 16,
        seed: 42,
        special_share: 0.3,
        option_share: 0.2,
        attribute_share: 0.5,
        images_per_product: 4,
        chunk_products: 500,
        ..CatalogSpec::default()
    };
    let s = generate_catalog(&pool, "oc_", &spec).await.unwrap();
    assert_eq!(s.first_product_id, 1);
    assert_eq!(s.products, 2_000);
    assert_eq!(s.product_images, 2_000 * 3);
    assert_counts_match(&mut conn, &s).await;

    // Shares land near what was asked.
    let share = |n: u64| n as f64 / 2_000.0;
    assert!((share(s.products_with_special) - 0.3).abs() < 0.05, "{s:?}");
    assert!((share(s.products_with_options) - 0.2).abs() < 0.05, "{s:?}");
    assert!(
        (share(s.products_with_attributes) - 0.5).abs() < 0.05,
        "{s:?}"
    );
    assert!(
        s.products_with_active_special > s.products_with_special / 2,
        "{s:?}"
    );
    assert!(s.turkish_names > 200, "{s:?}");
    assert_eq!(s.hostile_names, 0);

    // Every product has a unique, valid barcode, the one tests can predict.
    let eans: Vec<(u32, String)> = conn
        .query("SELECT product_id, ean FROM oc_product ORDER BY product_id")
        .await
        .unwrap();
    let unique: HashSet<&String> = eans.iter().map(|(_, e)| e).collect();
    assert_eq!(unique.len(), 2_000);
    for (id, ean) in &eans {
        assert!(ean13_is_valid(ean), "{ean}");
        assert_eq!(ean, &barcode_for(*id));
    }

    // Stock edge cases for the Trendyol sync, counted exactly.
    let cap = TRENDYOL_STOCK_CAP;
    assert_eq!(
        count(
            &mut conn,
            &format!("SELECT COUNT(*) FROM oc_product WHERE quantity > {cap}")
        )
        .await,
        s.over_cap_quantity
    );
    assert!(s.over_cap_quantity > 0 && s.zero_quantity > 0, "{s:?}");
    assert_eq!(
        count(
            &mut conn,
            "SELECT COUNT(*) FROM oc_product WHERE quantity = 0"
        )
        .await,
        s.zero_quantity
    );
    assert_eq!(
        count(
            &mut conn,
            "SELECT COUNT(*) FROM oc_product WHERE status = 0"
        )
        .await,
        s.disabled
    );
    // Option stock adds up to the product's stock.
    assert_eq!(
        count(
            &mut conn,
            "SELECT COUNT(*) FROM oc_product p JOIN (SELECT product_id, SUM(quantity) q \
             FROM oc_product_option_value GROUP BY product_id) v ON v.product_id = p.product_id \
             WHERE v.q <> p.quantity"
        )
        .await,
        0
    );
    // Products sit in leaves, and category paths are complete.
    assert_eq!(
        count(
            &mut conn,
            "SELECT COUNT(*) FROM oc_product_to_category pc JOIN oc_category c \
             ON c.category_id = pc.category_id WHERE c.parent_id = 0"
        )
        .await,
        0
    );
    assert_eq!(
        count(&mut conn, "SELECT COUNT(*) FROM oc_category_path").await,
        u64::from(s.top_categories_created) + 2 * s.leaf_category_ids.len() as u64
    );
    // Active specials as OpenCart's storefront selects them (its query, today's date).
    let active_now = count(
        &mut conn,
        "SELECT COUNT(DISTINCT product_id) FROM oc_product_special WHERE customer_group_id = 1 \
         AND (date_start = '0000-00-00' OR date_start < NOW()) \
         AND (date_end = '0000-00-00' OR date_end > NOW())",
    )
    .await;
    assert_eq!(active_now, s.products_with_active_special);
    // Text is stored as the admin stores it: descriptions HTML-escaped.
    let description: Option<String> = conn
        .query_first("SELECT description FROM oc_product_description WHERE product_id = 1")
        .await
        .unwrap();
    assert!(description.unwrap().starts_with("&lt;h2&gt;"));
    // The Size option and its four values.
    let sizes: Vec<String> = conn
        .exec(
            "SELECT name FROM oc_option_value_description WHERE option_id = ? ORDER BY option_value_id",
            (s.size_option_id,),
        )
        .await
        .unwrap();
    assert_eq!(sizes, ["S", "M", "L", "XL"]);
    assert_eq!(
        s.image_url(7, 0),
        "https://shop.example/image/catalog/products/0/7-0.jpg"
    );
    let image: Option<String> = conn
        .query_first("SELECT image FROM oc_product WHERE product_id = 7")
        .await
        .unwrap();
    assert_eq!(image.as_deref(), Some("catalog/products/0/7-0.jpg"));

    // Appending reuses the catalog's manufacturers, leaves and Size option.
    let more = CatalogSpec {
        products: 150,
        manufacturers: 0,
        categories: 0,
        ..spec.clone()
    };
    let t = generate_catalog(&pool, "oc_", &more).await.unwrap();
    assert_eq!(t.first_product_id, 2_001);
    assert_eq!(t.manufacturers_created, 0);
    assert_eq!(t.manufacturer_ids, s.manufacturer_ids);
    assert_eq!(t.leaf_category_ids, s.leaf_category_ids);
    assert_eq!(t.size_option_id, s.size_option_id);
    assert_eq!(t.attribute_ids, s.attribute_ids);
    assert_counts_match(&mut conn, &t).await;
    assert_eq!(count(&mut conn, "SELECT COUNT(*) FROM oc_option").await, 1);
    assert_eq!(
        count(&mut conn, "SELECT COUNT(*) FROM oc_attribute_group").await,
        1
    );
    assert_eq!(
        count(&mut conn, "SELECT COUNT(*) FROM oc_product").await,
        2_150
    );

    // Overlapping ids are refused, never overwritten.
    let clash = CatalogSpec {
        products: 10,
        start_product_id: Some(100),
        ..more
    };
    assert!(generate_catalog(&pool, "oc_", &clash).await.is_err());
    assert_eq!(
        count(&mut conn, "SELECT COUNT(*) FROM oc_product").await,
        2_150
    );

    drop(conn);
    pool.disconnect().await.unwrap();
    db.drop_database().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_same_seed_gives_the_same_catalog_in_another_database() {
    let spec = CatalogSpec {
        products: 600,
        seed: 7,
        connections: 2,
        chunk_products: 128,
        ..CatalogSpec::default()
    };
    // A different chunking and parallelism must not matter either.
    let other = CatalogSpec {
        connections: 1,
        chunk_products: 1_000,
        ..spec.clone()
    };
    let mut snapshots = Vec::new();
    for spec in [&spec, &other] {
        let (db, pool) = installed("oc_").await;
        let summary = generate_catalog(&pool, "oc_", spec).await.unwrap();
        let mut conn = pool.get_conn().await.unwrap();
        let rows: Vec<(u32, String, String, u32, String, String)> = conn
            .query(
                "SELECT p.product_id, d.name, p.ean, p.quantity, CAST(p.price AS CHAR), \
                 CAST(p.date_added AS CHAR) FROM oc_product p JOIN oc_product_description d \
                 ON d.product_id = p.product_id ORDER BY p.product_id",
            )
            .await
            .unwrap();
        let mut checksums = Vec::new();
        for table in [
            "product",
            "product_description",
            "product_special",
            "product_option_value",
            "product_attribute",
            "product_image",
            "category_description",
        ] {
            let row: Option<(String, Option<u64>)> = conn
                .query_first(format!("CHECKSUM TABLE oc_{table}"))
                .await
                .unwrap();
            checksums.push(row.unwrap().1);
        }
        let summary = CatalogSummary {
            elapsed: Default::default(),
            ..summary
        };
        snapshots.push((summary, rows, checksums));
        drop(conn);
        pool.disconnect().await.unwrap();
        db.drop_database().await;
    }
    let (a, b) = (&snapshots[0], &snapshots[1]);
    assert_eq!(a.1.len(), 600);
    assert_eq!(a.1[..50], b.1[..50], "first products differ");
    assert_eq!(a.1, b.1);
    assert_eq!(a.2, b.2, "table checksums differ");
    assert_eq!(a.0, b.0);
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_names_are_stored_verbatim() {
    let (db, pool) = installed("oc_").await;
    let raw = CatalogSpec {
        products: 300,
        hostile_share: 0.5,
        admin_escaped_text: false,
        ..CatalogSpec::default()
    };
    let s = generate_catalog(&pool, "oc_", &raw).await.unwrap();
    assert!(s.hostile_names > 100, "{s:?}");
    let mut conn = pool.get_conn().await.unwrap();
    let names: Vec<String> = conn
        .query("SELECT name FROM oc_product_description ORDER BY product_id")
        .await
        .unwrap();
    let hostile: HashSet<&str> = HOSTILE_NAMES.iter().copied().collect();
    let stored: Vec<&String> = names
        .iter()
        .filter(|n| hostile.contains(n.as_str()))
        .collect();
    assert_eq!(stored.len() as u64, s.hostile_names);
    // Every payload, including the backslashes, control characters and the 4-byte emoji,
    // came back byte for byte, and the DROP TABLE stayed a name.
    let distinct: HashSet<&str> = stored.iter().map(|n| n.as_str()).collect();
    assert_eq!(
        distinct.len(),
        HOSTILE_NAMES.len(),
        "not every payload was used"
    );
    assert_eq!(
        count(&mut conn, "SELECT COUNT(*) FROM oc_product").await,
        300
    );

    // As OpenCart's admin would have stored them: HTML-escaped, single quotes untouched.
    let escaped = CatalogSpec {
        admin_escaped_text: true,
        ..raw
    };
    let t = generate_catalog(&pool, "oc_", &escaped).await.unwrap();
    let names: Vec<String> = conn
        .exec(
            "SELECT name FROM oc_product_description WHERE product_id >= ? ORDER BY product_id",
            (t.first_product_id,),
        )
        .await
        .unwrap();
    let escaped_payloads: HashSet<String> = HOSTILE_NAMES
        .iter()
        .map(|n| fixtures::admin_escape(n))
        .collect();
    assert!(names
        .iter()
        .any(|n| n == "&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(names
        .iter()
        .any(|n| n == "Robert'); DROP TABLE oc_product;--"));
    assert_eq!(
        names
            .iter()
            .filter(|n| escaped_payloads.contains(*n))
            .count() as u64,
        t.hostile_names
    );

    drop(conn);
    pool.disconnect().await.unwrap();
    db.drop_database().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rendered_config_php_opens_the_test_database() {
    let db = TestDatabase::create("shop_").await;
    let mut config = db.config.clone();
    config.password = "it's a \\ secret".into(); // never used to connect: only parsed
    let dir = std::env::temp_dir().join(format!("meschain-fixture-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("config.php");
    std::fs::write(&path, fixtures::config_php(&config, "/var/www/shop")).unwrap();
    let engine = meschain_engine::Engine::from_opencart(&path).unwrap();
    assert_eq!(engine.config().db, config);
    std::fs::remove_dir_all(&dir).unwrap();
    db.drop_database().await;
}

/// The benchmark: generates `FIXTURE_N` products (default 100,000) into a throwaway database
/// and prints the timing. Run in release mode; see the file's header.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "benchmark; run explicitly with --ignored"]
async fn generate_large() {
    let n: u32 = std::env::var("FIXTURE_N")
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(100_000);
    let mut spec = CatalogSpec {
        products: n,
        manufacturers: 200,
        categories: 120,
        ..CatalogSpec::default()
    };
    if let Some(c) = std::env::var("FIXTURE_CONNECTIONS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        spec.connections = c;
    }
    if let Some(c) = std::env::var("FIXTURE_CHUNK")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        spec.chunk_products = c;
    }
    let (db, pool) = installed("oc_").await;
    let result = generate_catalog(&pool, "oc_", &spec).await;
    let mut conn = pool.get_conn().await.unwrap();
    let products = count(&mut conn, "SELECT COUNT(*) FROM oc_product").await;
    drop(conn);
    pool.disconnect().await.unwrap();
    db.drop_database().await;
    let s = result.unwrap();
    assert_eq!(products, u64::from(n));
    println!(
        "generated {} products ({} images, {} specials, {} option values, {} attributes) \
         with {} connections x {} per chunk in {:.1?} ({:.0} products/s)",
        s.products,
        s.product_images,
        s.specials,
        s.option_values,
        s.product_attributes,
        spec.connections,
        spec.chunk_products,
        s.elapsed,
        s.products as f64 / s.elapsed.as_secs_f64()
    );
}
