//! A package's amounts the way OpenCart keeps an order's: net line prices, per-unit tax, and
//! `order_total` rows that add up.
//!
//! Trendyol's line prices include VAT; OpenCart's `order_product.price` is the net unit price,
//! `.tax` the tax of one unit and `.total` = price × quantity, and the order info page lists the
//! `order_total` rows (sub-total, discounts, shipping, one row per tax rate, total) as stored. So
//! each line's gross unit price, converted to the default currency, is split by the line's VAT
//! rate into net + tax at OpenCart's four decimals (the tax takes the rounding, so net + tax is
//! the gross exactly); the sub-total is the sum of the line totals, each tax row the sum of its
//! lines' tax × quantity, Trendyol's discounts (VAT included, as Trendyol gives them) are
//! negative rows, and the total is what Trendyol charged, converted and rounded once — so that
//! OpenCart's `total × currency_value` shows exactly Trendyol's lira. Whatever the per-unit
//! rounding of a conversion leaves between the rows and that total (a fraction of a cent) is a
//! row of its own, so every row still adds up to the total.

use super::package::{round4, PackageFacts};

/// One line's booked amounts.
#[derive(Debug, Clone, PartialEq)]
pub struct LineAmounts {
    /// Net unit price.
    pub price: f64,
    /// Tax of one unit.
    pub tax: f64,
    /// `price × quantity`.
    pub total: f64,
    pub quantity: i64,
    pub vat_rate: f64,
}

/// A package's booked amounts, in the currency orders are booked in.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderTotals {
    pub lines: Vec<LineAmounts>,
    pub sub_total: f64,
    /// `(rate, sum of tax × quantity)`, by ascending rate.
    pub taxes: Vec<(f64, f64)>,
    pub seller_discount: f64,
    pub trendyol_discount: f64,
    pub shipping: f64,
    /// What separates the rows from Trendyol's total (rounding of the conversion, or an amount
    /// Trendyol's total has beyond its lines and discounts).
    pub adjustment: f64,
    pub total: f64,
}

impl OrderTotals {
    /// The amounts of `facts` (lira), each converted by `book` before OpenCart's rounding.
    pub fn from_facts(facts: &PackageFacts, book: impl Fn(f64) -> f64) -> OrderTotals {
        let mut lines = Vec::with_capacity(facts.lines.len());
        for line in &facts.lines {
            let rate = if line.vat_rate.is_finite() && line.vat_rate > 0.0 {
                line.vat_rate
            } else {
                0.0
            };
            let gross = round4(book(line.unit_gross));
            let price = round4(gross / (1.0 + rate / 100.0));
            let tax = round4(gross - price);
            lines.push(LineAmounts {
                price,
                tax,
                total: round4(price * line.quantity as f64),
                quantity: line.quantity,
                vat_rate: rate,
            });
        }
        let (sub_total, mut taxes) = if lines.is_empty() {
            // No lines to split: the package's own gross amount, untaxed.
            (round4(book(facts.gross)), Vec::new())
        } else {
            let mut taxes: Vec<(f64, f64)> = Vec::new();
            for line in &lines {
                if line.tax == 0.0 {
                    continue;
                }
                let amount = line.tax * line.quantity as f64;
                match taxes.iter_mut().find(|(r, _)| *r == line.vat_rate) {
                    Some((_, sum)) => *sum = round4(*sum + amount),
                    None => taxes.push((line.vat_rate, round4(amount))),
                }
            }
            (round4(lines.iter().map(|l| l.total).sum()), taxes)
        };
        taxes.sort_by(|a, b| a.0.total_cmp(&b.0));
        let seller_discount = round4(book(facts.seller_discount));
        let trendyol_discount = round4(book(facts.trendyol_discount));
        let shipping = 0.0;
        let rows_sum = round4(
            sub_total + taxes.iter().map(|(_, t)| t).sum::<f64>() + shipping
                - seller_discount
                - trendyol_discount,
        );
        let total = round4(book(facts.total));
        let adjustment = round4(total - rows_sum);
        OrderTotals {
            lines,
            sub_total,
            taxes,
            seller_discount,
            trendyol_discount,
            shipping,
            adjustment,
            total,
        }
    }

    /// The `order_total` rows: `(extension, code, title, value, sort_order)`, in OpenCart's
    /// order (sub-total, discounts, shipping, taxes, total).
    pub fn rows(&self) -> Vec<(&'static str, &'static str, String, f64, u32)> {
        let mut rows = vec![(
            "opencart",
            "sub_total",
            "Sub-Total".to_string(),
            self.sub_total,
            1,
        )];
        if self.seller_discount != 0.0 {
            rows.push((
                "meschain",
                "discount",
                "Seller discount".to_string(),
                -self.seller_discount,
                2,
            ));
        }
        if self.trendyol_discount != 0.0 {
            rows.push((
                "meschain",
                "trendyol_discount",
                "Trendyol discount".to_string(),
                -self.trendyol_discount,
                3,
            ));
        }
        rows.push((
            "opencart",
            "shipping",
            "Shipping (Trendyol)".to_string(),
            self.shipping,
            4,
        ));
        for (rate, amount) in &self.taxes {
            rows.push(("opencart", "tax", format!("VAT ({rate}%)"), *amount, 5));
        }
        if self.adjustment != 0.0 {
            rows.push((
                "meschain",
                "adjustment",
                "Adjustment to Trendyol's total".to_string(),
                self.adjustment,
                8,
            ));
        }
        rows.push(("opencart", "total", "Total".to_string(), self.total, 9));
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(lines: serde_json::Value, extra: serde_json::Value) -> PackageFacts {
        let mut package = serde_json::json!({
            "shipmentPackageId": 5, "orderNumber": "X1", "status": "Created", "lines": lines
        });
        for (k, v) in extra.as_object().unwrap() {
            package[k] = v.clone();
        }
        PackageFacts::from_package(&serde_json::from_value(package).unwrap()).unwrap()
    }

    #[test]
    fn vat_inclusive_lines_split_into_net_and_tax_that_add_back_up() {
        let f = facts(
            serde_json::json!([
                {"lineId": 1, "quantity": 2, "lineGrossAmount": 120.0, "vatRate": 20},
                {"lineId": 2, "quantity": 3, "lineGrossAmount": 33.33, "vatRate": 10},
                {"lineId": 3, "quantity": 1, "lineGrossAmount": 50.0, "vatRate": 20,
                 "lineSellerDiscount": 5.0}
            ]),
            serde_json::json!({}),
        );
        let t = OrderTotals::from_facts(&f, |a| a);
        assert_eq!((t.lines[0].price, t.lines[0].tax), (100.0, 20.0));
        assert_eq!(t.lines[1].price, 30.3);
        assert_eq!(t.lines[1].tax, 3.03);
        // OpenCart's arithmetic on the stored rows: sub-total + taxes - discounts = total.
        let rows = t.rows();
        let sum: f64 = rows.iter().filter(|r| r.1 != "total").map(|r| r.3).sum();
        assert!((round4(sum) - t.total).abs() < 1e-9, "{rows:?}");
        // And it is what Trendyol charged: 240 + 99.99 + 50 - 5.
        assert!((t.total - 384.99).abs() < 1e-9, "{}", t.total);
        assert_eq!(
            t.taxes,
            vec![(10.0, 9.09), (20.0, round4(20.0 * 2.0 + 8.3333))]
        );
    }

    #[test]
    fn lira_amounts_are_booked_in_the_default_currency() {
        let f = facts(
            serde_json::json!([{"lineId": 1, "quantity": 1, "lineGrossAmount": 345.0, "vatRate": 20}]),
            serde_json::json!({}),
        );
        let t = OrderTotals::from_facts(&f, |a| a / 34.5);
        assert_eq!(t.total, 10.0);
        assert_eq!(t.lines[0].price + t.lines[0].tax, 10.0);
        assert_eq!(t.adjustment, 0.0);
        assert!(t.rows().iter().all(|r| r.1 != "adjustment"));
    }

    #[test]
    fn conversion_rounding_gets_its_own_row_and_the_total_stays_trendyols() {
        let f = facts(
            serde_json::json!([{"lineId": 1, "quantity": 3, "lineGrossAmount": 99.99, "vatRate": 20}]),
            serde_json::json!({}),
        );
        let t = OrderTotals::from_facts(&f, |a| a / 38.5);
        // 299.97 TL is 7.791428… USD: stored as 7.7914, which reads back as 299.97 TL.
        assert_eq!(t.total, 7.7914);
        assert_eq!(format!("{:.2}", t.total * 38.5), "299.97");
        let rows = t.rows();
        let sum: f64 = rows.iter().filter(|r| r.1 != "total").map(|r| r.3).sum();
        assert!((round4(sum) - t.total).abs() < 1e-9, "{rows:?}");
        assert!(t.adjustment.abs() <= 0.0003, "{}", t.adjustment);
    }
}
