//! One Trendyol package → one OpenCart order, in one transaction.
//!
//! The transaction writes, or changes, everything that belongs together: the `order` row with
//! every NOT NULL column filled (the customer as a guest), its `order_product` lines,
//! `order_total` rows carrying Trendyol's own amounts, an `order_history` entry naming the
//! Trendyol order and package, the `trendyol_orders` row (unique on seller + package: the key
//! that makes a second import a no-op), the package's lines, and the stock moves of
//! [`super::stock`]. Lock order, always the same: the order group row, the package's
//! `trendyol_orders` row, then products by ascending id. A transaction InnoDB picks as a deadlock
//! victim is run again whole.

use std::sync::Arc;

use mysql_async::prelude::*;
use mysql_async::{Conn, Transaction, TxOpts, Value};
use serde::Serialize;
use trendyol_wire::{PackageStatus, ShipmentPackage};

use super::package::{clip, AddressFacts, PackageFacts};
use super::products::ProductIndex;
use super::shop::ShopFacts;
use super::status_map::StatusMap;
use super::stock::{self, OrderLine, OrderState, StockMoves};
use super::totals::OrderTotals;
use crate::db::Database;
use crate::error::{Error, Result};
use crate::queue::{conflict_pause, LockConflict, LOCK_RETRIES};

/// What importing one package did.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ImportOutcome {
    /// A new OpenCart order.
    Created {
        package_id: u64,
        order_id: u32,
        unknown_lines: u32,
    },
    /// The package's status moved on; the order followed.
    Updated {
        package_id: u64,
        order_id: u32,
        status: String,
    },
    /// Already imported in this state (or a newer one): nothing written.
    Unchanged { package_id: u64 },
}

/// Imports packages for one seller into one shop.
#[derive(Clone)]
pub struct Importer {
    db: Database,
    seller_id: u64,
    shop: Arc<ShopFacts>,
    statuses: Arc<StatusMap>,
}

impl Importer {
    pub fn new(
        db: Database,
        seller_id: u64,
        shop: Arc<ShopFacts>,
        statuses: Arc<StatusMap>,
    ) -> Importer {
        Importer {
            db,
            seller_id,
            shop,
            statuses,
        }
    }

    /// A connection for a run of imports: transactions on it run at READ COMMITTED (no gap
    /// locks between concurrent importers) without a `SET TRANSACTION` before each one, and
    /// its prepared statements stay cached from one package to the next. The session setting
    /// ends with the connection's reset when it goes back to the pool.
    pub async fn session(&self) -> Result<Conn> {
        let mut conn = self.db.conn().await?;
        conn.reset_connection(true);
        let what = "preparing an order import session";
        self.db
            .timed(what, async {
                conn.query_drop("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED")
                    .await
                    .map_err(Error::db(what))
            })
            .await?;
        Ok(conn)
    }

    /// Imports `package` (idempotent) on a connection of its own. Bad packages are refused with
    /// `Error::Config`.
    pub async fn import(
        &self,
        package: &ShipmentPackage,
        products: &ProductIndex,
    ) -> Result<(ImportOutcome, StockMoves)> {
        let facts = PackageFacts::from_package(package)?;
        let mut conn = self.session().await?;
        self.import_on(&mut conn, package, &facts, products).await
    }

    /// Imports `package` on `conn`, a connection from [`Importer::session`]. Each package is
    /// its own transaction; one InnoDB picks as a deadlock victim is run again whole.
    pub async fn import_with(
        &self,
        conn: &mut Conn,
        package: &ShipmentPackage,
        products: &ProductIndex,
    ) -> Result<(ImportOutcome, StockMoves)> {
        let facts = PackageFacts::from_package(package)?;
        self.import_on(conn, package, &facts, products).await
    }

    async fn import_on(
        &self,
        conn: &mut Conn,
        package: &ShipmentPackage,
        facts: &PackageFacts,
        products: &ProductIndex,
    ) -> Result<(ImportOutcome, StockMoves)> {
        let mut attempt = 0;
        loop {
            match self.import_once(conn, package, facts, products).await {
                Err(e) if e.is_lock_conflict() && attempt < LOCK_RETRIES => {
                    attempt += 1;
                    tokio::time::sleep(conflict_pause(attempt)).await;
                }
                other => return other,
            }
        }
    }

    async fn import_once(
        &self,
        conn: &mut Conn,
        package: &ShipmentPackage,
        facts: &PackageFacts,
        products: &ProductIndex,
    ) -> Result<(ImportOutcome, StockMoves)> {
        let db = &self.db;
        let what = "importing a Trendyol package";
        db.timed(what, async {
            // READ COMMITTED comes from the session (see `session`).
            let mut tx = conn
                .start_transaction(TxOpts::default())
                .await
                .map_err(Error::db(what))?;
            // 1. The order group: serialises every package of this order number. A new group
            //    row counts this package already, which saves an UPDATE for most new orders.
            tx.exec_drop(
                format!(
                    "INSERT INTO {} (seller_id, order_number, packages, updated_at) \
                     VALUES (?, ?, 1, NOW(3)) ON DUPLICATE KEY UPDATE updated_at = NOW(3)",
                    db.table("trendyol_order_groups")
                ),
                (self.seller_id, &facts.order_number),
            )
            .await
            .map_err(Error::db("locking the Trendyol order"))?;
            // 1 row affected: inserted (2: updated, 0: updated to the same instant).
            let new_group = tx.affected_rows() == 1;
            // 2. The package as last imported.
            let existing: Option<(Option<u32>, String, i64, String)> = tx
                .exec_first(
                    format!(
                        "SELECT order_id, package_status, last_modified_ms, pushed_status FROM {} \
                         WHERE seller_id = ? AND package_id = ? FOR UPDATE",
                        db.table("trendyol_orders")
                    ),
                    (self.seller_id, facts.package_id),
                )
                .await
                .map_err(Error::db("reading the imported package"))?;
            if new_group && existing.is_some() {
                // The package is recorded under another order number (contradictory data):
                // the new group holds no package after all.
                self.count_group_packages(&mut tx, &facts.order_number, "0")
                    .await?;
            }
            let is_new = existing.is_none();
            let outcome = match existing {
                Some((_, ref status, modified, _))
                    if facts.last_modified_ms < modified
                        || (facts.last_modified_ms == modified
                            && *status == facts.status.as_str()) =>
                {
                    // A repeat, or an older state arriving late: nothing to do.
                    tx.rollback()
                        .await
                        .map_err(Error::db("ending a no-op import"))?;
                    return Ok((
                        ImportOutcome::Unchanged {
                            package_id: facts.package_id,
                        },
                        StockMoves::default(),
                    ));
                }
                Some((order_id, previous, _, pushed)) => {
                    self.update(&mut tx, facts, order_id, &previous, &pushed)
                        .await?
                }
                None => {
                    self.create(&mut tx, package, facts, products, new_group)
                        .await?
                }
            };
            let lines = self.write_lines(&mut tx, facts, products, is_new).await?;
            // Every package, line and hold row of an order is written by a transaction that
            // upserted the group row first: a group this transaction created has nothing else.
            let state = if new_group && is_new {
                OrderState::First {
                    package_id: facts.package_id,
                    status: facts.status.clone(),
                    origin_package_ids: facts.origin_package_ids.clone(),
                    lines,
                }
            } else {
                OrderState::Stored
            };
            let moves = stock::rebalance(
                db,
                &mut tx,
                self.seller_id,
                &facts.order_number,
                &format!("package:{}", facts.package_id),
                state,
            )
            .await?;
            tx.commit()
                .await
                .map_err(Error::db("committing an imported package"))?;
            Ok((outcome, moves))
        })
        .await
    }

    async fn create(
        &self,
        tx: &mut Transaction<'_>,
        package: &ShipmentPackage,
        facts: &PackageFacts,
        products: &ProductIndex,
        new_group: bool,
    ) -> Result<ImportOutcome> {
        let db = &self.db;
        let shop = &self.shop;
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
        let status_id = self.statuses.order_status_id(&facts.status).unwrap_or(1);
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
        let totals = OrderTotals::from_facts(facts, |amount| shop.booked(amount));
        let mut columns: Vec<(&str, Value)> = vec![
            ("subscription_id", 0.into()),
            ("invoice_no", 0.into()),
            ("invoice_prefix", shop.invoice_prefix.clone().into()),
            ("transaction_id", facts.order_number.clone().into()),
            ("store_id", shop.store_id.into()),
            ("store_name", clip(&shop.store_name, 64).into()),
            ("store_url", clip(&shop.store_url, 255).into()),
            ("customer_id", 0.into()),
            ("customer_group_id", shop.customer_group_id.into()),
            (
                "firstname",
                clip(
                    if first.is_empty() {
                        &shipping.firstname
                    } else {
                        first
                    },
                    32,
                )
                .into(),
            ),
            (
                "lastname",
                clip(
                    if last.is_empty() {
                        &shipping.lastname
                    } else {
                        last
                    },
                    32,
                )
                .into(),
            ),
            ("email", email.into()),
            ("telephone", telephone.into()),
            ("custom_field", "[]".into()),
        ];
        for (prefix, address) in [("payment", &payment), ("shipping", &shipping)] {
            let zone = shop.zone(address.city_code, &address.city);
            let cols: [(&str, Value); 14] = [
                ("address_id", 0.into()),
                ("firstname", address.firstname.clone().into()),
                ("lastname", address.lastname.clone().into()),
                ("company", address.company.clone().into()),
                ("address_1", address.address_1.clone().into()),
                ("address_2", address.address_2.clone().into()),
                ("city", address.city.clone().into()),
                ("postcode", address.postcode.clone().into()),
                ("country", shop.country_name.clone().into()),
                ("country_id", shop.country_id.into()),
                (
                    "zone",
                    zone.map(|z| z.name.clone()).unwrap_or_default().into(),
                ),
                ("zone_id", zone.map(|z| z.id).unwrap_or(0).into()),
                ("address_format", shop.address_format.clone().into()),
                ("custom_field", "[]".into()),
            ];
            for (name, value) in cols {
                columns.push((leak_column(prefix, name), value));
            }
        }
        columns.extend([
            (
                "payment_method",
                method("Trendyol", "trendyol.trendyol").into(),
            ),
            (
                "shipping_method",
                method(
                    &format!(
                        "Trendyol{}",
                        if facts.cargo_provider.is_empty() {
                            String::new()
                        } else {
                            format!(" ({})", facts.cargo_provider)
                        }
                    ),
                    "trendyol.trendyol",
                )
                .into(),
            ),
            ("comment", comment.clone().into()),
            ("total", totals.total.into()),
            ("order_status_id", status_id.into()),
            ("affiliate_id", 0.into()),
            ("commission", 0.into()),
            ("marketing_id", 0.into()),
            ("tracking", "".into()),
            ("language_id", shop.language_id.into()),
            ("language_code", clip(&shop.language_code, 5).into()),
            ("currency_id", shop.currency.id.into()),
            ("currency_code", shop.currency.code.clone().into()),
            ("currency_value", shop.currency.value.into()),
            ("ip", "".into()),
            ("forwarded_ip", "".into()),
            ("user_agent", "MesChain".into()),
            ("accept_language", "".into()),
        ]);
        // OpenCart shows an order's dates as they are stored, in the shop's time zone: the
        // Trendyol order time and now, both on the shop's clock.
        let now = shop.clock.now();
        let ordered_at = if facts.ordered_at_s > 0 {
            shop.clock.local(facts.ordered_at_s)
        } else {
            None
        };
        columns.push((
            "date_added",
            ordered_at.unwrap_or_else(|| now.clone()).into(),
        ));
        columns.push(("date_modified", now.into()));
        let names: Vec<String> = columns.iter().map(|(n, _)| format!("`{n}`")).collect();
        let values: Vec<Value> = columns.into_iter().map(|(_, v)| v).collect();
        tx.exec_drop(
            format!(
                "INSERT INTO {} ({}) VALUES ({})",
                db.table("order"),
                names.join(", "),
                vec!["?"; names.len()].join(", ")
            ),
            values,
        )
        .await
        .map_err(Error::db("inserting the OpenCart order"))?;
        let order_id = tx
            .last_insert_id()
            .and_then(|id| u32::try_from(id).ok())
            .ok_or_else(|| Error::Internal("the order insert returned no id".into()))?;

        let mut unknown_lines = 0u32;
        let mut product_rows: Vec<Value> = Vec::new();
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
            product_rows.extend([
                order_id.into(),
                product.map(|p| p.product_id).unwrap_or(0).into(),
                product.map(|p| p.product_id).unwrap_or(0).into(),
                clip(&name, 255).into(),
                clip(&model, 64).into(),
                line.quantity.into(),
                booked.price.into(),
                booked.total.into(),
                booked.tax.into(),
            ]);
        }
        if !facts.lines.is_empty() {
            tx.exec_drop(
                format!(
                    "INSERT INTO {} (order_id, product_id, master_id, name, model, quantity, price, \
                     total, tax, reward) VALUES {}",
                    db.table("order_product"),
                    vec!["(?, ?, ?, ?, ?, ?, ?, ?, ?, 0)"; facts.lines.len()].join(", ")
                ),
                product_rows,
            )
            .await
            .map_err(Error::db("inserting the order's products"))?;
        }

        let rows = totals.rows();
        let mut total_rows: Vec<Value> = Vec::new();
        for (extension, code, title, value, sort) in &rows {
            total_rows.extend([
                order_id.into(),
                (*extension).into(),
                (*code).into(),
                title.clone().into(),
                (*value).into(),
                (*sort).into(),
            ]);
        }
        tx.exec_drop(
            format!(
                "INSERT INTO {} (order_id, extension, code, title, value, sort_order) VALUES {}",
                db.table("order_total"),
                vec!["(?, ?, ?, ?, ?, ?)"; rows.len()].join(", ")
            ),
            total_rows,
        )
        .await
        .map_err(Error::db("inserting the order's totals"))?;

        let mut history = format!("{comment}: {}", facts.status);
        if unknown_lines > 0 {
            history.push_str(&format!(
                "; {unknown_lines} line(s) match no product of this shop (barcode / stock code)"
            ));
        }
        self.add_history(tx, order_id, status_id, &history).await?;

        tx.exec_drop(
            format!(
                "INSERT INTO {} (seller_id, package_id, order_number, order_id, package_status, \
                 last_modified_ms, origin_package_ids, total, currency_code, unknown_lines, \
                 tracking_number, created_at, updated_at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NOW(), NOW())",
                db.table("trendyol_orders")
            ),
            (
                self.seller_id,
                facts.package_id,
                &facts.order_number,
                order_id,
                facts.status.as_str(),
                facts.last_modified_ms,
                origin_list(&facts.origin_package_ids),
                facts.total,
                &shop.currency.code,
                unknown_lines,
                &facts.tracking_number,
            ),
        )
        .await
        .map_err(Error::db("recording the imported package"))?;
        if !new_group {
            // A new group row already counts this package.
            self.count_group_packages(tx, &facts.order_number, "packages + 1")
                .await?;
        }
        Ok(ImportOutcome::Created {
            package_id: facts.package_id,
            order_id,
            unknown_lines,
        })
    }

    async fn update(
        &self,
        tx: &mut Transaction<'_>,
        facts: &PackageFacts,
        order_id: Option<u32>,
        previous: &str,
        pushed: &str,
    ) -> Result<ImportOutcome> {
        let db = &self.db;
        tx.exec_drop(
            format!(
                "UPDATE {} SET package_status = ?, last_modified_ms = ?, origin_package_ids = ?, \
                 tracking_number = IF(? = '', tracking_number, ?), updated_at = NOW() \
                 WHERE seller_id = ? AND package_id = ?",
                db.table("trendyol_orders")
            ),
            (
                facts.status.as_str(),
                facts.last_modified_ms,
                origin_list(&facts.origin_package_ids),
                &facts.tracking_number,
                &facts.tracking_number,
                self.seller_id,
                facts.package_id,
            ),
        )
        .await
        .map_err(Error::db("updating the imported package"))?;
        let order_id = order_id.unwrap_or(0);
        // Our own push coming back (we told Trendyol "Invoiced" because the shop set the order
        // to Shipped): the shop's status stays as the shop set it.
        let echo = !pushed.is_empty() && pushed == facts.status.as_str();
        if order_id > 0 && previous != facts.status.as_str() && !echo {
            if let Some(status_id) = self.statuses.order_status_id(&facts.status) {
                tx.exec_drop(
                    format!(
                        "UPDATE {} SET order_status_id = ?, date_modified = ? WHERE order_id = ?",
                        db.table("order")
                    ),
                    (status_id, self.shop.clock.now(), order_id),
                )
                .await
                .map_err(Error::db("updating the OpenCart order status"))?;
                let mut comment = format!(
                    "Trendyol package {} is now {} (was {previous})",
                    facts.package_id, facts.status
                );
                if !facts.tracking_number.is_empty()
                    && matches!(facts.status, PackageStatus::Shipped)
                {
                    comment.push_str(&format!(
                        "; tracking number {}{}",
                        facts.tracking_number,
                        if facts.cargo_provider.is_empty() {
                            String::new()
                        } else {
                            format!(" ({})", facts.cargo_provider)
                        }
                    ));
                }
                self.add_history(tx, order_id, status_id, &comment).await?;
            }
        }
        Ok(ImportOutcome::Updated {
            package_id: facts.package_id,
            order_id,
            status: facts.status.as_str().to_string(),
        })
    }

    /// Sets the order group's package count to `count` (an SQL expression: `0`, `packages + 1`).
    async fn count_group_packages(
        &self,
        tx: &mut Transaction<'_>,
        order_number: &str,
        count: &str,
    ) -> Result<()> {
        tx.exec_drop(
            format!(
                "UPDATE {} SET packages = {count} WHERE seller_id = ? AND order_number = ?",
                self.db.table("trendyol_order_groups")
            ),
            (self.seller_id, order_number),
        )
        .await
        .map_err(Error::db("counting the order's packages"))
    }

    async fn add_history(
        &self,
        tx: &mut Transaction<'_>,
        order_id: u32,
        status_id: u32,
        comment: &str,
    ) -> Result<()> {
        tx.exec_drop(
            format!(
                "INSERT INTO {} (order_id, order_status_id, notify, comment, date_added) \
                 VALUES (?, ?, 0, ?, ?)",
                self.db.table("order_history")
            ),
            (order_id, status_id, comment, self.shop.clock.now()),
        )
        .await
        .map_err(Error::db("adding order history"))
    }

    /// Replaces the package's lines (as matched to products) for the stock arithmetic, and
    /// returns them as written. A package not recorded before has no lines to delete: its lines
    /// are only ever written together with its `trendyol_orders` row.
    async fn write_lines(
        &self,
        tx: &mut Transaction<'_>,
        facts: &PackageFacts,
        products: &ProductIndex,
        is_new: bool,
    ) -> Result<Vec<OrderLine>> {
        let db = &self.db;
        if !is_new {
            tx.exec_drop(
                format!(
                    "DELETE FROM {} WHERE seller_id = ? AND package_id = ?",
                    db.table("trendyol_order_lines")
                ),
                (self.seller_id, facts.package_id),
            )
            .await
            .map_err(Error::db("replacing the package's lines"))?;
        }
        if facts.lines.is_empty() {
            return Ok(Vec::new());
        }
        let lines: Vec<OrderLine> = facts
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
            .collect();
        let mut rows: Vec<Value> = Vec::with_capacity(lines.len() * 9);
        for ((package_id, line_id, product_id, option_id, quantity, barcode), line) in
            lines.iter().zip(&facts.lines)
        {
            rows.extend([
                self.seller_id.into(),
                (*package_id).into(),
                (*line_id).into(),
                facts.order_number.clone().into(),
                barcode.clone().into(),
                line.stock_code.clone().into(),
                (*product_id).into(),
                (*option_id).into(),
                (*quantity).into(),
            ]);
        }
        tx.exec_drop(
            format!(
                "INSERT INTO {} (seller_id, package_id, line_id, order_number, barcode, stock_code, \
                 product_id, product_option_value_id, quantity) VALUES {}",
                db.table("trendyol_order_lines"),
                vec!["(?, ?, ?, ?, ?, ?, ?, ?, ?)"; facts.lines.len()].join(", ")
            ),
            rows,
        )
        .await
        .map_err(Error::db("recording the package's lines"))?;
        Ok(lines)
    }
}

fn origin_list(ids: &[u64]) -> String {
    let list: Vec<String> = ids.iter().map(u64::to_string).collect();
    clip(&list.join(","), 255)
}

/// `payment_firstname` and friends as `&'static str` column names (a closed set).
fn leak_column(prefix: &str, name: &str) -> &'static str {
    const PAYMENT: [&str; 14] = [
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
    ];
    const SHIPPING: [&str; 14] = [
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
    ];
    let list = if prefix == "payment" {
        &PAYMENT
    } else {
        &SHIPPING
    };
    list.iter()
        .find(|c| c.strip_prefix(prefix).and_then(|r| r.strip_prefix('_')) == Some(name))
        .copied()
        .expect("address columns are a closed set")
}
