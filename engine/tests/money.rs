//! A Turkish shop's money, time and store against a real MariaDB and the sandbox over HTTP: a
//! dollar shop sends lira converted with OpenCart's own TRY rate and books lira orders the way
//! OpenCart's checkout books an order placed in TRY; a shop without TRY sends no price and says
//! why; order dates and specials follow the shop's time zone; the store and customer group come
//! from the settings and bad ones are refused.

mod catalog_common;

use std::time::Duration;

use catalog_common::*;
use meschain_engine::admin::settings_form;
use meschain_engine::fixtures::add_currency;
use meschain_engine::sync::catalog_price::desired_sql;
use meschain_engine::sync::shop_locale::PriceBasis;
use meschain_engine::sync::{orders, products, stock};
use mysql_async::prelude::*;
use serde_json::{json, Value};

const INVENTORY_PATH: &str = "/integration/inventory/sellers/1001/products/price-and-inventory";

/// A shop of `n` products at 10.00 in the default currency (USD), no specials, TRY at `rate`.
async fn dollar_shop(n: u32, rate: f64, extra: &[(&str, &str)]) -> Shop {
    let shop = shop(n, sandbox(0, 0.0).await, extra).await;
    let mut conn = shop.conn().await;
    conn.query_drop("UPDATE oc_product SET price = 10.00, status = 1, quantity = 50")
        .await
        .unwrap();
    conn.query_drop("DELETE FROM oc_product_special")
        .await
        .unwrap();
    add_currency(&mut conn, "oc_", "TRY", "Türk Lirası", rate)
        .await
        .unwrap();
    shop
}

async fn set_zone(shop: &Shop, zone: &str) {
    shop.conn()
        .await
        .exec_drop(
            "UPDATE oc_setting SET value = ? WHERE store_id = 0 AND `key` = 'config_timezone'",
            (zone,),
        )
        .await
        .unwrap();
}

/// Product sync until the catalog is approved.
async fn approve(shop: &Shop) {
    for _ in 0..2 {
        let o = products::run(&shop.ctx(Duration::from_secs(60)))
            .await
            .unwrap();
        assert!(o.finished, "{}", o.message);
    }
}

/// Every item of every write after `since` that carries a price: (barcode, list, sale).
async fn sent_prices(shop: &Shop, since: u64) -> Vec<(String, f64, f64)> {
    let mut out = Vec::new();
    for request in shop.writes(since).await {
        for item in request["bodyJson"]["items"]
            .as_array()
            .cloned()
            .unwrap_or_default()
        {
            if let (Some(list), Some(sale)) =
                (item["listPrice"].as_f64(), item["salePrice"].as_f64())
            {
                out.push((
                    item["barcode"].as_str().unwrap_or("").to_string(),
                    list,
                    sale,
                ));
            }
        }
    }
    out
}

async fn stock_run(shop: &Shop) -> (String, Vec<Value>) {
    let seq = shop.last_seq().await;
    let outcome = stock::run(&shop.ctx(Duration::from_secs(60)))
        .await
        .unwrap();
    assert!(outcome.finished, "{}", outcome.message);
    (outcome.message, shop.writes(seq).await)
}

/// Imports what the sandbox has, and returns the packages it serves.
async fn import_orders(shop: &Shop) -> Vec<Value> {
    let o = orders::run(&shop.ctx(Duration::from_secs(60)))
        .await
        .unwrap();
    assert!(o.finished, "{}", o.message);
    let listed: Value = reqwest::Client::new()
        .get(format!(
            "{}/integration/order/sellers/1001/orders?size=50",
            shop.sandbox.base_url()
        ))
        .basic_auth("demo-api-key", Some("demo-api-secret"))
        .header("user-agent", "1001 - SelfIntegration")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    listed["content"].as_array().cloned().unwrap_or_default()
}

fn round4(v: f64) -> f64 {
    (v * 10_000.0).round() / 10_000.0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dollar_shop_sends_lira_and_books_lira_orders_in_dollars() {
    let shop = dollar_shop(4, 34.5, &[]).await;
    let seq = shop.last_seq().await;
    approve(&shop).await;
    // 10.00 USD at 34.5 TRY per USD: 345.00 TL, list and sale.
    let sent = sent_prices(&shop, seq).await;
    assert!(sent.len() >= 4, "{sent:?}");
    assert!(
        sent.iter()
            .all(|(_, list, sale)| *list == 345.0 && *sale == 345.0),
        "{sent:?}"
    );
    // Trendyol shows what the shop wants: nothing to send.
    let (_, writes) = stock_run(&shop).await;
    assert!(writes.is_empty(), "{writes:?}");

    // A Trendyol order of one 345.00 TL unit, booked as OpenCart books an order placed in TRY.
    shop.control(
        reqwest::Method::POST,
        "/__sandbox/orders/generate",
        json!({"count": 3, "maxLines": 2, "maxQuantity": 3, "splitShare": 0, "cancelShare": 0,
               "awaitingShare": 0, "unknownBarcodeShare": 0}),
    )
    .await;
    let packages = import_orders(&shop).await;
    assert_eq!(packages.len(), 3);
    let mut conn = shop.conn().await;
    for package in &packages {
        let id = package["shipmentPackageId"].as_u64().unwrap();
        let lira = package["packageTotalPrice"].as_f64().unwrap();
        let (order_id, total, code, value, currency_id): (u32, f64, String, f64, u32) = conn
            .exec_first(
                "SELECT o.order_id, o.total, o.currency_code, o.currency_value, o.currency_id \
                 FROM oc_order o JOIN oc_trendyol_orders t ON t.order_id = o.order_id \
                 WHERE t.package_id = ?",
                (id,),
            )
            .await
            .unwrap()
            .expect("imported");
        let try_id: u32 = conn
            .query_first("SELECT currency_id FROM oc_currency WHERE code = 'TRY'")
            .await
            .unwrap()
            .unwrap();
        assert_eq!((code.as_str(), value, currency_id), ("TRY", 34.5, try_id));
        // Sales > Orders shows total × currency_value: Trendyol's lira, to the kuruş.
        assert_eq!(
            format!("{:.2}", total * value),
            format!("{lira:.2}"),
            "{package}"
        );

        // OpenCart's arithmetic over the stored rows.
        let lines: Vec<(f64, f64, f64, i64)> = conn
            .exec(
                "SELECT price, tax, total, quantity FROM oc_order_product WHERE order_id = ?",
                (order_id,),
            )
            .await
            .unwrap();
        let rows: Vec<(String, f64)> = conn
            .exec(
                "SELECT code, value FROM oc_order_total WHERE order_id = ? ORDER BY sort_order",
                (order_id,),
            )
            .await
            .unwrap();
        let row = |code: &str| -> f64 { rows.iter().filter(|r| r.0 == code).map(|r| r.1).sum() };
        for (price, tax, line_total, quantity) in &lines {
            assert_eq!(round4(price * *quantity as f64), *line_total);
            // Every line is 345.00 TL gross: 10.00 USD, net + VAT.
            assert_eq!(round4(price + tax), 10.0, "{lines:?}");
            assert!(*tax > 0.0, "VAT is split out: {lines:?}");
        }
        let sub_total: f64 = lines.iter().map(|l| l.2).sum();
        assert_eq!(round4(row("sub_total")), round4(sub_total), "{rows:?}");
        let tax: f64 = lines.iter().map(|l| l.1 * l.3 as f64).sum();
        assert_eq!(round4(row("tax")), round4(tax), "{rows:?}");
        let all_but_total: f64 = rows.iter().filter(|r| r.0 != "total").map(|r| r.1).sum();
        assert_eq!(round4(all_but_total), round4(row("total")), "{rows:?}");
        assert_eq!(round4(row("total")), round4(total));
        let discounts = row("discount") + row("trendyol_discount");
        assert_eq!(
            round4(row("sub_total") + row("tax") + row("shipping") + discounts + row("adjustment")),
            round4(total)
        );
    }

    // The lira gets dearer: every price goes out again, at the new rate.
    add_currency(&mut conn, "oc_", "TRY", "Türk Lirası", 36.0)
        .await
        .unwrap();
    let (_, writes) = stock_run(&shop).await;
    assert_eq!(writes.len(), 1, "{writes:?}");
    assert_eq!(writes[0]["path"], INVENTORY_PATH);
    let items = writes[0]["bodyJson"]["items"].as_array().unwrap();
    assert_eq!(items.len(), 4, "{items:?}");
    for item in items {
        assert_eq!(item["listPrice"].as_f64(), Some(360.0), "{item}");
        assert_eq!(item["salePrice"].as_f64(), Some(360.0), "{item}");
    }
    drop(conn);
    shop.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shop_without_lira_sends_no_price_and_says_why() {
    let shop = dollar_shop(3, 1.0, &[]).await;
    approve(&shop).await;
    let mut conn = shop.conn().await;
    conn.query_drop("DELETE FROM oc_currency WHERE code = 'TRY'")
        .await
        .unwrap();
    conn.query_drop("UPDATE oc_product SET price = 12.00, quantity = 7")
        .await
        .unwrap();
    // The product job refuses, naming the fix.
    let seq = shop.last_seq().await;
    let err = products::run(&shop.ctx(Duration::from_secs(60)))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("Turkish Lira") && err.contains("System > Localisation > Currencies"),
        "{err}"
    );
    assert!(shop.writes(seq).await.is_empty());
    // The stock job sends quantities only, and says why.
    let (message, writes) = stock_run(&shop).await;
    assert!(message.contains("no prices sent"), "{message}");
    assert_eq!(writes.len(), 1, "{writes:?}");
    for item in writes[0]["bodyJson"]["items"].as_array().unwrap() {
        assert_eq!(item["quantity"].as_i64(), Some(7), "{item}");
        assert!(
            item.get("listPrice").is_none() && item.get("salePrice").is_none(),
            "{item}"
        );
    }
    // And the dashboard shows it.
    let alert: Option<(String, String)> = conn
        .query_first(
            "SELECT severity, message FROM oc_trendyol_alerts WHERE dedupe_key = 'no_lira' \
             AND acknowledged_at IS NULL",
        )
        .await
        .unwrap();
    let (severity, text) = alert.expect("an alert");
    assert_eq!(severity, "error");
    assert!(
        text.contains("System > Localisation > Currencies"),
        "{text}"
    );
    drop(conn);
    shop.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_istanbul_shop_dates_orders_on_istanbul_time() {
    let shop = dollar_shop(2, 1.0, &[]).await;
    set_zone(&shop, "Europe/Istanbul").await;
    approve(&shop).await;
    // Placed at 2024-06-10 11:26:00 UTC: 14:26 in Istanbul.
    let placed_ms: i64 = 1_718_018_760_000;
    shop.control(
        reqwest::Method::POST,
        "/__sandbox/orders/generate",
        json!({"count": 1, "maxLines": 1, "splitShare": 0, "cancelShare": 0, "awaitingShare": 0,
               "unknownBarcodeShare": 0, "orderDate": placed_ms}),
    )
    .await;
    let packages = import_orders(&shop).await;
    assert_eq!(packages.len(), 1);
    let mut conn = shop.conn().await;
    let (added, modified, history): (String, String, String) = conn
        .query_first(
            "SELECT CAST(o.date_added AS CHAR), CAST(o.date_modified AS CHAR), \
             CAST(h.date_added AS CHAR) FROM oc_order o \
             JOIN oc_order_history h ON h.order_id = o.order_id",
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(added, "2024-06-10 14:26:00");
    // Written now, on Istanbul's clock (UTC+3).
    let istanbul_now = jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::get("Europe/Istanbul").unwrap())
        .datetime();
    for stamp in [&modified, &history] {
        let written: jiff::civil::DateTime = stamp.parse().unwrap();
        let apart = istanbul_now.duration_since(written).as_secs().abs();
        assert!(apart < 120, "{stamp} vs Istanbul's {istanbul_now}");
    }
    drop(conn);
    shop.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn specials_follow_the_shops_calendar_and_customer_group() {
    // A zone whose date differs from UTC's right now: 14 hours ahead in the afternoon (UTC),
    // 12 hours behind in the morning.
    let utc = jiff::Timestamp::now().to_zoned_datetime(jiff::tz::TimeZone::UTC);
    let zone = if utc.hour() >= 12 {
        "Pacific/Kiritimati"
    } else {
        "Etc/GMT+12"
    };
    let local = jiff::Timestamp::now().to_zoned_datetime(jiff::tz::TimeZone::get(zone).unwrap());
    let today = local.date();
    assert_ne!(today, utc.date(), "{zone}");
    let tomorrow = today.tomorrow().unwrap();

    let shop = dollar_shop(4, 1.0, &[]).await;
    set_zone(&shop, zone).await;
    let mut conn = shop.conn().await;
    let ids: Vec<u32> = conn
        .query("SELECT product_id FROM oc_product ORDER BY product_id")
        .await
        .unwrap();
    let wholesale: u32 = {
        conn.query_drop("INSERT INTO oc_customer_group (approval, sort_order) VALUES (0, 2)")
            .await
            .unwrap();
        conn.last_insert_id().unwrap() as u32
    };
    // Starts today on the shop's calendar (active), starts tomorrow (not yet), another group's.
    for (product, group, start, price) in [
        (ids[0], 1, today.to_string(), 7.0),
        (ids[1], 1, tomorrow.to_string(), 6.0),
        (ids[2], wholesale, "0000-00-00".to_string(), 5.0),
    ] {
        conn.exec_drop(
            "INSERT INTO oc_product_special (product_id, customer_group_id, priority, price, \
             date_start, date_end) VALUES (?, ?, 1, ?, ?, '0000-00-00')",
            (product, group, price, start),
        )
        .await
        .unwrap();
    }
    let sale = |settings: meschain_engine::config::Settings| {
        let db = shop.db.clone();
        async move {
            let basis = PriceBasis::load(&db, &settings).await.unwrap();
            let d = desired_sql(&db, &settings, &basis);
            let mut conn = db.conn().await.unwrap();
            let rows: Vec<(u32, String)> = conn
                .query(format!(
                    "SELECT p.product_id, CAST({} AS CHAR) FROM oc_product p {} ORDER BY p.product_id",
                    d.sale_price, d.joins
                ))
                .await
                .unwrap();
            rows.into_iter()
                .map(|(_, s)| s.parse::<f64>().unwrap())
                .collect::<Vec<f64>>()
        }
    };
    assert_eq!(
        sale(shop.settings.clone()).await,
        vec![7.0, 10.0, 10.0, 10.0]
    );
    // The wholesale group's specials when the settings name that group.
    let mut settings = shop.settings.clone();
    settings.customer_group_id = wholesale;
    assert_eq!(sale(settings).await, vec![10.0, 10.0, 5.0, 10.0]);
    drop(conn);
    shop.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_go_to_the_chosen_store_and_bad_choices_are_refused() {
    let shop = dollar_shop(3, 1.0, &[]).await;
    let mut conn = shop.conn().await;
    conn.query_drop(
        "INSERT INTO oc_store (store_id, name, url) VALUES (2, 'Outlet', 'https://outlet.example/')",
    )
    .await
    .unwrap();
    conn.query_drop(
        "INSERT INTO oc_setting (store_id, code, `key`, value, serialized) \
         VALUES (2, 'config', 'config_name', 'Outlet Mağaza', 0)",
    )
    .await
    .unwrap();
    // Only the first two products are in the outlet.
    conn.query_drop(
        "INSERT INTO oc_product_to_store (product_id, store_id) \
         SELECT product_id, 2 FROM oc_product ORDER BY product_id LIMIT 2",
    )
    .await
    .unwrap();
    drop(conn);

    // A store or group the shop does not have is refused on save, each named.
    let bad = json!({"store_id": "9", "customer_group_id": "77"});
    let problems = settings_form::validate(&shop.db, bad.as_object().unwrap())
        .await
        .unwrap();
    assert!(problems["store_id"].contains("no store"), "{problems:?}");
    assert!(
        problems["customer_group_id"].contains("no customer group"),
        "{problems:?}"
    );
    let err = settings_form::save(&shop.db, bad.as_object().unwrap())
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("store_id") && err.contains("customer_group_id"),
        "{err}"
    );
    let good = json!({"store_id": "2"});
    settings_form::save(&shop.db, good.as_object().unwrap())
        .await
        .unwrap();

    let mut outlet = shop.settings.clone();
    outlet.store_id = 2;
    let seq = shop.last_seq().await;
    for _ in 0..2 {
        let client =
            meschain_engine::trendyol::TrendyolClient::from_settings(&outlet, &shop.db).unwrap();
        let ctx = meschain_engine::runner::JobContext::standalone(
            shop.db.clone(),
            outlet.clone(),
            client,
            Duration::from_secs(60),
        );
        let o = products::run(&ctx).await.unwrap();
        assert!(o.finished, "{}", o.message);
    }
    let mut barcodes: Vec<String> = sent_prices(&shop, seq)
        .await
        .into_iter()
        .map(|(b, _, _)| b)
        .collect();
    barcodes.sort();
    barcodes.dedup();
    assert_eq!(
        barcodes.len(),
        2,
        "only the outlet's products: {barcodes:?}"
    );

    shop.control(
        reqwest::Method::POST,
        "/__sandbox/orders/generate",
        json!({"count": 1, "maxLines": 1, "splitShare": 0, "cancelShare": 0, "awaitingShare": 0,
               "unknownBarcodeShare": 0}),
    )
    .await;
    let client =
        meschain_engine::trendyol::TrendyolClient::from_settings(&outlet, &shop.db).unwrap();
    let ctx = meschain_engine::runner::JobContext::standalone(
        shop.db.clone(),
        outlet.clone(),
        client,
        Duration::from_secs(60),
    );
    let o = orders::run(&ctx).await.unwrap();
    assert!(o.finished, "{}", o.message);
    let mut conn = shop.conn().await;
    let stored: (u32, String, String) = conn
        .query_first("SELECT store_id, store_name, store_url FROM oc_order")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stored,
        (
            2,
            "Outlet Mağaza".to_string(),
            "https://outlet.example/".to_string()
        )
    );
    drop(conn);
    shop.finish().await;
}
