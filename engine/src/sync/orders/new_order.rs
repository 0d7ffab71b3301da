//! A new package as the rows OpenCart keeps for an order: the `order` row with every NOT NULL
//! column filled (the customer as a guest), its `order_product` lines, `order_total` rows
//! carrying Trendyol's own amounts, the first `order_history` entry and the package's lines
//! for the stock arithmetic.
//!
//! Nothing here touches the database: the rows are built first so that one package or a whole
//! chunk of them can be written with one multi-row INSERT per table (see [`super::write`]).

use mysql_async::Value;
use trendyol_wire::ShipmentPackage;

use super::package::{clip, AddressFacts, PackageFacts};
use super::products::ProductIndex;
use super::shop::ShopFacts;
use super::status_map::StatusMap;
use super::stock::OrderLine;
use super::totals::OrderTotals;

/// The `order` columns every new order fills, in this order.
pub const ORDER_COLUMNS: [&str; 62] = [
    "subscription_id",
    "invoice_no",
    "invoice_prefix",
    "transaction_id",
    "store_id",
    "store_name",
    "store_url",
    "customer_id",
    "customer_group_id",
    "firstname",
    "lastname",
    "email",
    "telephone",
    "custom_field",
    "payment_address_id",
    "payment_firstname",
    "payment_lastname",
    "payment_company",
    "payment_address_1",
    "payment_address_2",
    "payment_city",
    "payment_postcode",
    "payment_country",
    "payment_country_id",
    "payment_zone",
    "payment_zone_id",
    "payment_address_format",
    "payment_custom_field",
    "shipping_address_id",
    "shipping_firstname",
    "shipping_lastname",
    "shipping_company",
    "shipping_address_1",
    "shipping_address_2",
    "shipping_city",
    "shipping_postcode",
    "shipping_country",
    "shipping_country_id",
    "shipping_zone",
    "shipping_zone_id",
    "shipping_address_format",
    "shipping_custom_field",
    "payment_method",
    "shipping_method",
    "comment",
    "total",
    "order_status_id",
    "affiliate_id",
    "commission",
    "marketing_id",
    "tracking",
    "language_id",
    "language_code",
    "currency_id",
    "currency_code",
    "currency_value",
    "ip",
    "forwarded_ip",
    "user_agent",
    "accept_language",
    "date_added",
    "date_modified",
];

/// One `order_product` row without its order id.
pub struct ProductRow {
    pub product_id: u32,
    pub name: String,
    pub model: String,
    pub quantity: i64,
    pub price: f64,
    pub total: f64,
    pub tax: f64,
}

/// Everything a new package writes, but the order id the `order` INSERT hands out.
pub struct NewOrder {
    pub facts: PackageFacts,
    /// Values of [`ORDER_COLUMNS`], in that order.
    pub order_values: Vec<Value>,
    pub products: Vec<ProductRow>,
    /// `(extension, code, title, value, sort_order)`.
    pub totals: Vec<(&'static str, &'static str, String, f64, u32)>,
    pub status_id: u32,
    pub history: String,
    pub unknown_lines: u32,
    /// The package's lines matched to products, as `trendyol_order_lines` keeps them.
    pub lines: Vec<OrderLine>,
    /// `trendyol_orders.total`, `currency_code`.
    pub currency_code: String,
}

impl NewOrder {
    pub fn build(
        shop: &ShopFacts,
        statuses: &StatusMap,
        package: &ShipmentPackage,
        facts: PackageFacts,
        products: &ProductIndex,
    ) -> NewOrder {
        let first = package.customer_first_name.as_deref().unwrap_or("").trim();
        let last = package.customer_last_name.as_deref().unwrap_or("").trim();
        let shipping = AddressFacts::from_address(package.shipment_address.as_ref(), first, last);
        let payment = AddressFacts::from_address(
            package
                .invoice_address
                .as_ref()
                .or(package.shipment_address.as_ref()),
            first,
            last,
        );
        let status_id = statuses.order_status_id(&facts.status).unwrap_or(1);
        let email = clip(package.customer_email.as_deref().unwrap_or("").trim(), 96);
        let telephone = if shipping.telephone.is_empty() {
            payment.telephone.clone()
        } else {
            shipping.telephone.clone()
        };
        let method =
            |name: &str, code: &str| serde_json::json!({"name": name, "code": code}).to_string();
        let comment = format!(
            "Trendyol order {} (package {})",
            facts.order_number, facts.package_id
        );
        let totals = OrderTotals::from_facts(&facts, |amount| shop.booked(amount));
        let firstname = if first.is_empty() {
            &shipping.firstname
        } else {
            first
        };
        let lastname = if last.is_empty() {
            &shipping.lastname
        } else {
            last
        };
        let mut values: Vec<Value> = vec![
            0.into(),
            0.into(),
            shop.invoice_prefix.clone().into(),
            facts.order_number.clone().into(),
            shop.store_id.into(),
            clip(&shop.store_name, 64).into(),
            clip(&shop.store_url, 255).into(),
            0.into(),
            shop.customer_group_id.into(),
            clip(firstname, 32).into(),
            clip(lastname, 32).into(),
            email.into(),
            telephone.into(),
            "[]".into(),
        ];
        // Payment, then shipping: the order of the column list.
        for address in [&payment, &shipping] {
            let zone = shop.zone(address.city_code, &address.city);
            values.extend([
                0.into(),
                address.firstname.clone().into(),
                address.lastname.clone().into(),
                address.company.clone().into(),
                address.address_1.clone().into(),
                address.address_2.clone().into(),
                address.city.clone().into(),
                address.postcode.clone().into(),
                shop.country_name.clone().into(),
                shop.country_id.into(),
                zone.map(|z| z.name.clone()).unwrap_or_default().into(),
                zone.map(|z| z.id).unwrap_or(0).into(),
                shop.address_format.clone().into(),
                "[]".into(),
            ]);
        }
        let carrier = if facts.cargo_provider.is_empty() {
            String::new()
        } else {
            format!(" ({})", facts.cargo_provider)
        };
        // OpenCart shows an order's dates as they are stored, in the shop's time zone: the
        // Trendyol order time and now, both on the shop's clock.
        let now = shop.clock.now();
        let ordered_at = if facts.ordered_at_s > 0 {
            shop.clock.local(facts.ordered_at_s)
        } else {
            None
        };
        values.extend([
            method("Trendyol", "trendyol.trendyol").into(),
            method(&format!("Trendyol{carrier}"), "trendyol.trendyol").into(),
            comment.clone().into(),
            totals.total.into(),
            status_id.into(),
            0.into(),
            0.into(),
            0.into(),
            "".into(),
            shop.language_id.into(),
            clip(&shop.language_code, 5).into(),
            shop.currency.id.into(),
            shop.currency.code.clone().into(),
            shop.currency.value.into(),
            "".into(),
            "".into(),
            "MesChain".into(),
            "".into(),
            ordered_at.unwrap_or_else(|| now.clone()).into(),
            now.into(),
        ]);
        debug_assert_eq!(values.len(), ORDER_COLUMNS.len());

        let mut unknown_lines = 0u32;
        let mut product_rows = Vec::with_capacity(facts.lines.len());
        for (line, booked) in facts.lines.iter().zip(&totals.lines) {
            let product = products.find(Some(&line.barcode), Some(&line.stock_code));
            if product.is_none() {
                unknown_lines += 1;
            }
            let name = match product {
                Some(p) if !p.name.is_empty() => p.name.clone(),
                _ => line.product_name.clone(),
            };
            let model = match product {
                Some(p) => p.model.clone(),
                None if !line.stock_code.is_empty() => line.stock_code.clone(),
                None => line.barcode.clone(),
            };
            product_rows.push(ProductRow {
                product_id: product.map(|p| p.product_id).unwrap_or(0),
                name: clip(&name, 255),
                model: clip(&model, 64),
                quantity: line.quantity,
                price: booked.price,
                total: booked.total,
                tax: booked.tax,
            });
        }
        let mut history = format!("{comment}: {}", facts.status);
        if unknown_lines > 0 {
            history.push_str(&format!(
                "; {unknown_lines} line(s) match no product of this shop (barcode / stock code)"
            ));
        }
        NewOrder {
            lines: matched_lines(&facts, products),
            order_values: values,
            products: product_rows,
            totals: totals.rows(),
            status_id,
            history,
            unknown_lines,
            currency_code: shop.currency.code.clone(),
            facts,
        }
    }
}

/// The package's lines matched to products, as `trendyol_order_lines` keeps them.
pub fn matched_lines(facts: &PackageFacts, products: &ProductIndex) -> Vec<OrderLine> {
    facts
        .lines
        .iter()
        .map(|line| {
            let product = products.find(Some(&line.barcode), Some(&line.stock_code));
            (
                facts.package_id,
                line.line_id,
                product.map(|p| p.product_id),
                product.map(|p| p.product_option_value_id).unwrap_or(0),
                line.quantity,
                line.barcode.clone(),
            )
        })
        .collect()
}
