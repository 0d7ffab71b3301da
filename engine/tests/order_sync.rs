//! Order sync against a real MariaDB shop and the sandbox's order generator: every package
//! becomes exactly one OpenCart order with Trendyol's totals, stock is taken exactly once per
//! line whatever the arrival order, and repeated or concurrent imports change nothing.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Duration;

use meschain_engine::runner::JobContext;
use meschain_engine::sync::orders::{self, status_map::DEFAULTS, OrderImport};
use meschain_engine::Engine;
use mysql_async::prelude::*;
use serde_json::{json, Value};
use trendyol_sandbox::RunningSandbox;
use trendyol_wire::ShipmentPackage;

mod order_common;

use order_common::{control, sandbox, shop};

const PRODUCTS: u32 = 240;

async fn run_order_sync(engine: &Engine) -> meschain_engine::runner::JobOutcome {
    let settings = engine.settings().await.unwrap();
    let client = engine.trendyol().await.unwrap();
    let ctx = JobContext::standalone(
        engine.database().unwrap(),
        settings,
        client,
        Duration::from_secs(120),
    );
    orders::run(&ctx).await.expect("order sync runs")
}

/// Every package the sandbox holds for the listed ids, as it is now.
async fn packages(sb: &RunningSandbox, ids: &[u64]) -> Vec<ShipmentPackage> {
    let mut out = Vec::new();
    for id in ids {
        let v = control(sb, &format!("/__sandbox/packages/{id}"), Value::Null).await;
        out.push(serde_json::from_value(v["package"].clone()).unwrap());
    }
    out
}

/// (product_id → quantity) for products and (product_option_value_id → quantity) for options.
async fn stock(pool: &mysql_async::Pool) -> (BTreeMap<u32, i64>, BTreeMap<u32, i64>) {
    let mut conn = pool.get_conn().await.unwrap();
    let p: Vec<(u32, i64)> = conn
        .query("SELECT product_id, quantity FROM oc_product")
        .await
        .unwrap();
    let o: Vec<(u32, i64)> = conn
        .query("SELECT product_option_value_id, quantity FROM oc_product_option_value")
        .await
        .unwrap();
    (p.into_iter().collect(), o.into_iter().collect())
}

fn is_live(status: &str) -> bool {
    !matches!(status, "Cancelled" | "UnSupplied" | "UnPacked" | "Returned")
}

fn default_status(status: &str) -> Option<u32> {
    DEFAULTS
        .iter()
        .find(|(s, _, _)| *s == status)
        .map(|(_, id, _)| *id)
}

async fn forget_position(pool: &mysql_async::Pool) {
    let mut conn = pool.get_conn().await.unwrap();
    conn.query_drop("DELETE FROM oc_trendyol_cursors")
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn five_hundred_packages_become_exact_orders_and_stock_moves_once() {
    let sb = sandbox(60_000).await;
    let shop = shop(&sb, PRODUCTS, &[]).await;
    let (stock_before, options_before) = stock(&shop.pool).await;

    let generated = control(
        &sb,
        "/__sandbox/orders/generate",
        json!({"count": 420, "splitShare": 0.1, "cancelShare": 0.08, "unsuppliedShare": 0.04,
               "awaitingShare": 0.1, "unknownBarcodeShare": 0.05, "maxLines": 3, "maxQuantity": 2}),
    )
    .await;
    let ids: Vec<u64> = serde_json::from_value(generated["packageIds"].clone()).unwrap();
    assert!(
        ids.len() >= 500,
        "the generator made {} packages",
        ids.len()
    );

    let engine = shop.engine();
    let first = run_order_sync(&engine).await;
    assert!(first.finished, "{first:?}");
    assert_eq!(first.items_failed, 0, "{first:?}");

    // Awaiting → Created (payment checked), then some packages ship.
    control(&sb, "/__sandbox/clock/advance", json!({"minutes": 2})).await;
    let now = packages(&sb, &ids).await;
    let shippable: Vec<u64> = now
        .iter()
        .filter(|p| p.status.as_ref().map(|s| s.as_str()) == Some("Created"))
        .filter_map(|p| p.shipment_package_id)
        .take(40)
        .collect();
    for id in &shippable {
        control(
            &sb,
            &format!("/__sandbox/packages/{id}/status"),
            json!({"status": "Shipped"}),
        )
        .await;
    }
    let second = run_order_sync(&engine).await;
    assert!(second.finished, "{second:?}");
    assert!(second.items_ok > 0);

    let finals = packages(&sb, &ids).await;
    let mut conn = shop.pool.get_conn().await.unwrap();

    // Exactly one OpenCart order per package, linked both ways.
    let rows: Vec<(u64, u32, String)> = conn
        .query("SELECT package_id, order_id, package_status FROM oc_trendyol_orders")
        .await
        .unwrap();
    assert_eq!(rows.len(), ids.len(), "one trendyol_orders row per package");
    let order_count: u64 = conn
        .query_first("SELECT COUNT(*) FROM oc_order")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        order_count as usize,
        ids.len(),
        "one OpenCart order per package"
    );
    let by_package: HashMap<u64, (u32, String)> =
        rows.into_iter().map(|(p, o, s)| (p, (o, s))).collect();

    let mut expected_taken: HashMap<String, i64> = HashMap::new();
    let mut unknown_seen = 0;
    let mut awaiting_then_created = 0;
    for package in &finals {
        let id = package.shipment_package_id.unwrap();
        let status = package.status.as_ref().unwrap().as_str().to_string();
        let (order_id, stored_status) = by_package.get(&id).expect("package imported");
        assert_eq!(*stored_status, status, "package {id} status");
        // Totals are Trendyol's lira, booked in the default currency: OpenCart shows
        // total × currency_value.
        let (total, status_id, currency, value): (f64, u32, String, f64) = conn
            .exec_first(
                "SELECT total, order_status_id, currency_code, currency_value FROM oc_order \
                 WHERE order_id = ?",
                (order_id,),
            )
            .await
            .unwrap()
            .unwrap();
        assert_eq!(value, 38.5);
        assert!(
            (total * value - package.package_total_price.unwrap()).abs() < 0.005,
            "package {id} total"
        );
        assert_eq!(currency, "TRY");
        if let Some(expected) = default_status(&status) {
            assert_eq!(status_id, expected, "package {id} ({status}) order status");
        }
        let totals: Vec<(String, f64)> = conn
            .exec(
                "SELECT code, value FROM oc_order_total WHERE order_id = ?",
                (order_id,),
            )
            .await
            .unwrap();
        let sum: f64 = totals
            .iter()
            .filter(|(c, _)| c != "total")
            .map(|(_, v)| v)
            .sum();
        assert!(
            (sum - total).abs() < 0.005,
            "order {order_id}: totals add up ({totals:?})"
        );
        let lines: u64 = conn
            .exec_first(
                "SELECT COUNT(*) FROM oc_order_product WHERE order_id = ?",
                (order_id,),
            )
            .await
            .unwrap()
            .unwrap();
        assert_eq!(lines as usize, package.lines.len());
        let history: Vec<String> = conn
            .exec(
                "SELECT comment FROM oc_order_history WHERE order_id = ?",
                (order_id,),
            )
            .await
            .unwrap();
        assert!(history[0].contains(package.order_number.as_deref().unwrap()));
        assert!(history[0].contains(&id.to_string()));
        if package
            .package_histories
            .iter()
            .any(|h| h.status.as_ref().map(|s| s.as_str()) == Some("Awaiting"))
            && status != "Awaiting"
        {
            awaiting_then_created += 1;
        }
        for line in &package.lines {
            let barcode = line.barcode.clone().unwrap_or_default();
            if is_live(&status) {
                *expected_taken.entry(barcode).or_default() += line.quantity.unwrap();
            }
        }
        let unknown: u64 = conn
            .exec_first(
                "SELECT COUNT(*) FROM oc_order_product WHERE order_id = ? AND product_id = 0",
                (order_id,),
            )
            .await
            .unwrap()
            .unwrap();
        unknown_seen += unknown;
    }
    assert!(
        unknown_seen > 0,
        "unknown barcodes are imported as lines without a product"
    );
    assert!(
        awaiting_then_created > 0,
        "some packages went Awaiting → Created"
    );

    // Stock: initial minus what live packages hold, for products that subtract.
    let products: Vec<(u32, String, bool)> = conn
        .query("SELECT product_id, ean, subtract FROM oc_product")
        .await
        .unwrap();
    let (stock_after, options_after) = stock(&shop.pool).await;
    let mut moved = 0;
    for (product_id, ean, subtract) in &products {
        let taken = expected_taken.get(ean).copied().unwrap_or(0);
        let expected = if *subtract {
            stock_before[product_id] - taken
        } else {
            stock_before[product_id]
        };
        assert_eq!(
            stock_after[product_id], expected,
            "product {product_id} ({ean}) stock"
        );
        moved += taken;
    }
    assert!(moved > 0);
    assert_eq!(
        options_before, options_after,
        "lines matched by product barcode leave options alone"
    );

    // Importing everything again changes nothing.
    forget_position(&shop.pool).await;
    let again = run_order_sync(&engine).await;
    assert!(again.finished);
    let details = &again.details;
    assert_eq!(details["created"], 0, "{details}");
    assert_eq!(details["updated"], 0, "{details}");
    assert_eq!(stock(&shop.pool).await.0, stock_after);

    // Two engines (two pools, as two processes would be) importing at once: still no duplicate.
    forget_position(&shop.pool).await;
    let (a, b) = (shop.engine(), shop.engine());
    let (ra, rb) = tokio::join!(run_order_sync(&a), run_order_sync(&b));
    assert_eq!(ra.details["created"], 0);
    assert_eq!(rb.details["created"], 0);
    let order_count2: u64 = conn
        .query_first("SELECT COUNT(*) FROM oc_order")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(order_count2, order_count);
    assert_eq!(stock(&shop.pool).await.0, stock_after);
    let history_moves: i64 = conn
        .query_first("SELECT COALESCE(SUM(-delta), 0) FROM oc_trendyol_stock_history WHERE product_id > 0 AND product_option_value_id = 0")
        .await
        .unwrap()
        .unwrap();
    let subtracting_taken: i64 = products
        .iter()
        .filter(|(_, _, s)| *s)
        .map(|(_, ean, _)| expected_taken.get(ean).copied().unwrap_or(0))
        .sum();
    assert_eq!(
        history_moves, subtracting_taken,
        "the stock history adds up to the stock taken"
    );
    sb.shutdown().await.unwrap();
}

fn pkg(
    id: u64,
    status: &str,
    modified: i64,
    origins: &[u64],
    lines: &[(u64, &str, i64)],
) -> ShipmentPackage {
    serde_json::from_value(json!({
        "shipmentPackageId": id,
        "orderNumber": "ORD-77",
        "orderDate": 1_767_000_000_000i64,
        "lastModifiedDate": modified,
        "status": status,
        "customerFirstName": "Ayşe",
        "customerLastName": "Yılmaz",
        "customerEmail": "pf+x@trendyolmail.example",
        "originPackageIds": if origins.is_empty() { Value::Null } else { json!(origins) },
        "shipmentAddress": {"firstName": "Ayşe", "lastName": "Yılmaz", "address1": "Bağdat Cd. 1",
                             "city": "İstanbul", "cityCode": 34, "district": "Kadıköy", "phone": "5550000000"},
        "lines": lines.iter().map(|(line, barcode, q)| json!({
            "lineId": line, "barcode": barcode, "quantity": q, "lineGrossAmount": 100.0,
            "lineSellerDiscount": 10.0, "lineTyDiscount": 5.0, "productName": "x", "vatRate": 20
        })).collect::<Vec<_>>(),
    }))
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn splits_and_cancels_take_stock_once_in_any_arrival_order() {
    let sb = sandbox(60_000).await;
    let shop = shop(&sb, PRODUCTS, &[]).await;
    let engine = shop.engine();
    let settings = engine.settings().await.unwrap();
    let import = OrderImport::prepare(&engine.database().unwrap(), &settings)
        .await
        .unwrap();
    let mut conn = shop.pool.get_conn().await.unwrap();
    let (a, b): (String, String) = conn
        .query_first("SELECT (SELECT ean FROM oc_product WHERE subtract = 1 ORDER BY product_id LIMIT 1), (SELECT ean FROM oc_product WHERE subtract = 1 ORDER BY product_id LIMIT 1 OFFSET 1)")
        .await
        .unwrap()
        .unwrap();
    let qty = |ean: String| {
        let pool = shop.pool.clone();
        async move {
            let mut c = pool.get_conn().await.unwrap();
            let q: i64 = c
                .exec_first("SELECT quantity FROM oc_product WHERE ean = ?", (ean,))
                .await
                .unwrap()
                .unwrap();
            q
        }
    };
    let (a0, b0) = (qty(a.clone()).await, qty(b.clone()).await);

    // Package 1 (2×A, 3×B) is split into 2 (2×A) and 3 (3×B); 3 is then cancelled.
    let original = pkg(1, "Created", 1000, &[], &[(11, &a, 2), (12, &b, 3)]);
    let unpacked = pkg(1, "UnPacked", 2000, &[], &[(11, &a, 2), (12, &b, 3)]);
    let part_a = pkg(2, "Created", 2000, &[1], &[(11, &a, 2)]);
    let part_b = pkg(3, "Created", 2000, &[1], &[(12, &b, 3)]);
    let part_b_cancelled = pkg(3, "Cancelled", 3000, &[1], &[(12, &b, 3)]);

    // Parts first, the original's own states late and repeated, the cancel twice.
    let arrival = vec![
        part_a.clone(),
        part_b.clone(),
        original.clone(),
        part_b_cancelled.clone(),
        unpacked.clone(),
        original.clone(),
        part_b_cancelled.clone(),
        part_a.clone(),
    ];
    for p in arrival {
        import.import_all(vec![p]).await.unwrap();
    }
    assert_eq!(qty(a.clone()).await, a0 - 2, "A taken once");
    assert_eq!(
        qty(b.clone()).await,
        b0,
        "B taken and given back exactly once"
    );

    let orders: u64 = conn
        .query_first("SELECT COUNT(*) FROM oc_order")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(orders, 3, "one order per package");
    let statuses: HashSet<(u64, String)> = conn
        .query("SELECT package_id, package_status FROM oc_trendyol_orders")
        .await
        .unwrap()
        .into_iter()
        .collect();
    assert!(statuses.contains(&(1, "UnPacked".into())));
    assert!(statuses.contains(&(3, "Cancelled".into())));

    // Istanbul by plate code 34, Turkey, guest customer.
    let (zone, country, customer): (String, u32, u32) = conn
        .query_first("SELECT shipping_zone, shipping_country_id, customer_id FROM oc_order ORDER BY order_id LIMIT 1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((zone.as_str(), country, customer), ("İstanbul", 215, 0));

    // A malformed package is refused with a reason and nothing is written.
    let mut broken = pkg(9, "Created", 1000, &[], &[(91, &a, 1)]);
    broken.order_number = None;
    let counts = import.import_all(vec![broken]).await.unwrap();
    assert_eq!(counts.failed, 1);
    assert!(
        counts.errors[0].contains("orderNumber"),
        "{:?}",
        counts.errors
    );
    let orders_after: u64 = conn
        .query_first("SELECT COUNT(*) FROM oc_order")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(orders_after, 3);
    sb.shutdown().await.unwrap();
}

/// The same story as above arriving as one page, twice at once: both calls import it as one
/// chunk (one order number), the first package new and written in bulk, the rest applied one
/// by one in the same transaction; whichever call comes second finds everything recorded.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_split_and_cancel_in_one_chunk_twice_at_once_moves_stock_once() {
    let sb = sandbox(60_000).await;
    let shop = shop(&sb, PRODUCTS, &[]).await;
    let engine = shop.engine();
    let settings = engine.settings().await.unwrap();
    let import = OrderImport::prepare(&engine.database().unwrap(), &settings)
        .await
        .unwrap();
    let mut conn = shop.pool.get_conn().await.unwrap();
    let (a, b): (String, String) = conn
        .query_first("SELECT (SELECT ean FROM oc_product WHERE subtract = 1 ORDER BY product_id LIMIT 1), (SELECT ean FROM oc_product WHERE subtract = 1 ORDER BY product_id LIMIT 1 OFFSET 1)")
        .await
        .unwrap()
        .unwrap();
    let qty_sql = "SELECT quantity FROM oc_product WHERE ean = ?";
    let a0: i64 = conn.exec_first(qty_sql, (&a,)).await.unwrap().unwrap();
    let b0: i64 = conn.exec_first(qty_sql, (&b,)).await.unwrap().unwrap();
    let page = vec![
        pkg(2, "Created", 2000, &[1], &[(11, &a, 2)]),
        pkg(3, "Created", 2000, &[1], &[(12, &b, 3)]),
        pkg(1, "Created", 1000, &[], &[(11, &a, 2), (12, &b, 3)]),
        pkg(3, "Cancelled", 3000, &[1], &[(12, &b, 3)]),
        pkg(1, "UnPacked", 2000, &[], &[(11, &a, 2), (12, &b, 3)]),
        pkg(2, "Created", 2000, &[1], &[(11, &a, 2)]),
    ];
    let (first, second) = tokio::join!(
        import.import_all(page.clone()),
        import.import_all(page.clone())
    );
    let (first, second) = (first.unwrap(), second.unwrap());
    assert_eq!(first.failed + second.failed, 0);
    assert_eq!(first.created + second.created, 3, "{first:?} {second:?}");
    let a1: i64 = conn.exec_first(qty_sql, (&a,)).await.unwrap().unwrap();
    let b1: i64 = conn.exec_first(qty_sql, (&b,)).await.unwrap().unwrap();
    assert_eq!(a1, a0 - 2, "A taken once");
    assert_eq!(b1, b0, "B taken and given back exactly once");
    let (orders, records, groups): (u64, u64, u64) = conn
        .query_first("SELECT (SELECT COUNT(*) FROM oc_order), (SELECT COUNT(*) FROM oc_trendyol_orders), (SELECT packages FROM oc_trendyol_order_groups)")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((orders, records, groups), (3, 3, 3));
    let statuses: HashSet<(u64, String)> = conn
        .query("SELECT package_id, package_status FROM oc_trendyol_orders")
        .await
        .unwrap()
        .into_iter()
        .collect();
    let expected: HashSet<(u64, String)> = [(1, "UnPacked"), (2, "Created"), (3, "Cancelled")]
        .into_iter()
        .map(|(id, s)| (id, s.to_string()))
        .collect();
    assert_eq!(statuses, expected);
    sb.shutdown().await.unwrap();
}

/// Quantities of a product and two of its option values.
async fn option_stock(pool: &mysql_async::Pool, product: u32, options: [u32; 2]) -> [i64; 3] {
    let mut conn = pool.get_conn().await.unwrap();
    let p: i64 = conn
        .exec_first(
            "SELECT quantity FROM oc_product WHERE product_id = ?",
            (product,),
        )
        .await
        .unwrap()
        .unwrap();
    let mut out = [p, 0, 0];
    for (i, option) in options.into_iter().enumerate() {
        out[i + 1] = conn
            .exec_first(
                "SELECT quantity FROM oc_product_option_value WHERE product_option_value_id = ?",
                (option,),
            )
            .await
            .unwrap()
            .unwrap();
    }
    out
}

/// Stock for a whole package moves in one statement per table: two lines drawing on two options
/// of one product take from the product twice (the history chains the two changes) and from
/// each option once; a product that does not subtract stock is left alone; a repeat moves
/// nothing and a cancel gives everything back. The import sessions' READ COMMITTED does not
/// outlive them in the pool.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_package_on_two_options_of_a_product_moves_each_exactly_once() {
    let sb = sandbox(60_000).await;
    let shop = shop(&sb, 40, &[]).await;
    let engine = shop.engine();
    let settings = engine.settings().await.unwrap();
    let db = engine.database().unwrap();
    let import = OrderImport::prepare(&db, &settings).await.unwrap();
    let mut conn = shop.pool.get_conn().await.unwrap();
    let (product, fixed, fixed_ean): (u32, u32, String) = conn
        .query_first(
            "SELECT (SELECT MIN(product_id) FROM oc_product), \
             (SELECT MAX(product_id) FROM oc_product), \
             (SELECT ean FROM oc_product ORDER BY product_id DESC LIMIT 1)",
        )
        .await
        .unwrap()
        .unwrap();
    let options: Vec<u32> = conn
        .exec(
            "SELECT product_option_value_id FROM oc_product_option_value WHERE product_id = ? \
             ORDER BY product_option_value_id LIMIT 2",
            (product,),
        )
        .await
        .unwrap();
    let options: [u32; 2] = if options.len() == 2 {
        [options[0], options[1]]
    } else {
        // The generated catalog gave this product fewer options: add two.
        let mut ids = [0u32; 2];
        for (i, id) in ids.iter_mut().enumerate() {
            conn.exec_drop(
                "INSERT INTO oc_product_option_value (product_option_id, product_id, option_id, \
                 option_value_id, quantity, subtract, price, price_prefix, points, points_prefix, \
                 weight, weight_prefix) VALUES (0, ?, 0, ?, 0, 1, 0, '+', 0, '+', 0, '+')",
                (product, 9000 + i as u32),
            )
            .await
            .unwrap();
            *id = conn.last_insert_id().unwrap() as u32;
        }
        ids
    };
    conn.exec_drop(
        "UPDATE oc_product SET quantity = 100, subtract = 1 WHERE product_id = ?",
        (product,),
    )
    .await
    .unwrap();
    for (option, quantity) in options.iter().zip([10, 20]) {
        conn.exec_drop(
            "UPDATE oc_product_option_value SET quantity = ?, subtract = 1 \
             WHERE product_option_value_id = ?",
            (quantity, option),
        )
        .await
        .unwrap();
    }
    conn.exec_drop(
        "UPDATE oc_product SET quantity = 50, subtract = 0 WHERE product_id = ?",
        (fixed,),
    )
    .await
    .unwrap();
    for (barcode, option) in [("OPT-A", options[0]), ("OPT-B", options[1])] {
        conn.exec_drop(
            "INSERT INTO oc_trendyol_products (seller_id, product_id, product_option_value_id, \
             barcode, created_at, updated_at) VALUES (1001, ?, ?, ?, NOW(), NOW())",
            (product, option, barcode),
        )
        .await
        .unwrap();
    }

    let lines: [(u64, &str, i64); 3] = [(81, "OPT-A", 2), (82, "OPT-B", 3), (83, &fixed_ean, 4)];
    let mut created = pkg(80, "Created", 1000, &[], &lines);
    created.order_number = Some("ORD-88".into());
    let mut cancelled = pkg(80, "Cancelled", 2000, &[], &lines);
    cancelled.order_number = Some("ORD-88".into());

    let counts = import.import_all(vec![created.clone()]).await.unwrap();
    assert_eq!((counts.created, counts.stock_taken), (1, 9));
    assert_eq!(
        option_stock(&shop.pool, product, options).await,
        [95, 8, 17],
        "the product gives 2 + 3, each option its own line"
    );
    let untouched: i64 = conn
        .exec_first(
            "SELECT quantity FROM oc_product WHERE product_id = ?",
            (fixed,),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        untouched, 50,
        "a product that does not subtract keeps its stock"
    );
    let history: Vec<(u32, i64, i64, i64)> = conn
        .exec(
            "SELECT product_option_value_id, quantity_before, quantity_after, delta \
             FROM oc_trendyol_stock_history WHERE product_id = ? ORDER BY stock_history_id",
            (product,),
        )
        .await
        .unwrap();
    assert_eq!(
        history,
        vec![
            (0, 100, 98, -2),
            (options[0], 10, 8, -2),
            (0, 98, 95, -3),
            (options[1], 20, 17, -3),
        ],
        "one history row per change, the product's second starting where its first ended"
    );
    let fixed_history: u64 = conn
        .exec_first(
            "SELECT COUNT(*) FROM oc_trendyol_stock_history WHERE product_id = ?",
            (fixed,),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(fixed_history, 0);

    let again = import.import_all(vec![created]).await.unwrap();
    assert_eq!((again.unchanged, again.stock_taken), (1, 0));
    assert_eq!(
        option_stock(&shop.pool, product, options).await,
        [95, 8, 17]
    );

    let released = import.import_all(vec![cancelled]).await.unwrap();
    assert_eq!((released.updated, released.stock_released), (1, 9));
    assert_eq!(
        option_stock(&shop.pool, product, options).await,
        [100, 10, 20],
        "a cancel gives back exactly what was taken"
    );
    let (orders, holds): (u64, i64) = conn
        .query_first(
            "SELECT (SELECT COUNT(*) FROM oc_order), \
             (SELECT COALESCE(SUM(held), 0) FROM oc_trendyol_stock_holds)",
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!((orders, holds), (1, 0));

    // Every pooled connection is back at the server's isolation level.
    let mut pooled = Vec::new();
    for _ in 0..settings.order_import_concurrency.max(1) {
        pooled.push(db.conn().await.unwrap());
    }
    for c in &mut pooled {
        let same: bool = c
            .query_first("SELECT @@SESSION.tx_isolation = @@GLOBAL.tx_isolation")
            .await
            .unwrap()
            .unwrap();
        assert!(
            same,
            "an import session's isolation level leaked into the pool"
        );
    }
    drop(pooled);
    sb.shutdown().await.unwrap();
}
