//! One Trendyol package → one OpenCart order, in one transaction.
//!
//! The transaction writes, or changes, everything that belongs together: the rows of
//! [`super::new_order`] for a new package (the `order` row, its lines, totals and first
//! history entry), the `trendyol_orders` row (unique on seller + package: the key that makes a
//! second import a no-op), the package's lines, and the stock moves of [`super::stock`]. Lock
//! order, always the same: the order group row, the package's `trendyol_orders` row, then
//! products by ascending id. A transaction InnoDB picks as a deadlock victim is run again whole.
//!
//! This is the path for one package, and for the packages of a chunk that are not simply new
//! (see [`super::batch`]): a status change, a second package of an order, a repeat.

use std::sync::{Arc, OnceLock};

use mysql_async::prelude::*;
use mysql_async::{Conn, Transaction, TxOpts};
use serde::Serialize;
use trendyol_wire::{PackageStatus, ShipmentPackage};

use super::new_order::{matched_lines, NewOrder};
use super::package::PackageFacts;
use super::products::ProductIndex;
use super::shop::ShopFacts;
use super::status_map::StatusMap;
use super::stock::{self, OrderLine, OrderState, StockMoves};
use super::write::{insert_lines, insert_new_orders, line_values, origin_list, IdAllotment};
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
    pub(super) shop: Arc<ShopFacts>,
    pub(super) statuses: Arc<StatusMap>,
    /// How the server hands out order ids, read by the first session.
    ids: Arc<OnceLock<IdAllotment>>,
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
            ids: Arc::new(OnceLock::new()),
        }
    }

    pub(super) fn db(&self) -> &Database {
        &self.db
    }

    pub(super) fn seller_id(&self) -> u64 {
        self.seller_id
    }

    /// How order ids come out of a multi-row INSERT (one at a time until a session has read
    /// the server's setting).
    pub(super) fn id_allotment(&self) -> IdAllotment {
        self.ids.get().copied().unwrap_or(IdAllotment(None))
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
        if self.ids.get().is_none() {
            let ids = IdAllotment::read(&mut conn).await?;
            let _ = self.ids.set(ids);
        }
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
        self.import_facts(&mut conn, package, &facts, products)
            .await
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
        self.import_facts(conn, package, &facts, products).await
    }

    pub(super) async fn import_facts(
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
        let what = "importing a Trendyol package";
        self.db
            .timed(what, async {
                // READ COMMITTED comes from the session (see `session`).
                let mut tx = conn
                    .start_transaction(TxOpts::default())
                    .await
                    .map_err(Error::db(what))?;
                let result = self.apply_one(&mut tx, package, facts, products).await?;
                if matches!(result.0, ImportOutcome::Unchanged { .. }) {
                    tx.rollback()
                        .await
                        .map_err(Error::db("ending a no-op import"))?;
                } else {
                    tx.commit()
                        .await
                        .map_err(Error::db("committing an imported package"))?;
                }
                Ok(result)
            })
            .await
    }

    /// Everything one package changes, inside the caller's transaction. An `Unchanged`
    /// package has written nothing but the order group's `updated_at`.
    pub(super) async fn apply_one(
        &self,
        tx: &mut Transaction<'_>,
        package: &ShipmentPackage,
        facts: &PackageFacts,
        products: &ProductIndex,
    ) -> Result<(ImportOutcome, StockMoves)> {
        let db = &self.db;
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
            self.count_group_packages(tx, &facts.order_number, "0")
                .await?;
        }
        let is_new = existing.is_none();
        let (outcome, lines) = match existing {
            Some((_, ref status, modified, _)) if is_stale(facts, status, modified) => {
                // A repeat, or an older state arriving late: nothing to do.
                return Ok((
                    ImportOutcome::Unchanged {
                        package_id: facts.package_id,
                    },
                    StockMoves::default(),
                ));
            }
            Some((order_id, previous, _, pushed)) => {
                let outcome = self.update(tx, facts, order_id, &previous, &pushed).await?;
                (outcome, self.write_lines(tx, facts, products).await?)
            }
            None => self.create(tx, package, facts, products, new_group).await?,
        };
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
            tx,
            self.seller_id,
            &facts.order_number,
            &format!("package:{}", facts.package_id),
            state,
        )
        .await?;
        Ok((outcome, moves))
    }

    async fn create(
        &self,
        tx: &mut Transaction<'_>,
        package: &ShipmentPackage,
        facts: &PackageFacts,
        products: &ProductIndex,
        new_group: bool,
    ) -> Result<(ImportOutcome, Vec<OrderLine>)> {
        let order = NewOrder::build(&self.shop, &self.statuses, package, facts.clone(), products);
        let now = self.shop.clock.now();
        let ids = self.id_allotment();
        let order_id = insert_new_orders(
            &self.db,
            tx,
            self.seller_id,
            std::slice::from_ref(&order),
            ids,
            &now,
        )
        .await?
        .first()
        .copied()
        .ok_or_else(|| Error::Internal("the order insert returned no id".into()))?;
        if !new_group {
            // A new group row already counts this package.
            self.count_group_packages(tx, &facts.order_number, "packages + 1")
                .await?;
        }
        Ok((
            ImportOutcome::Created {
                package_id: facts.package_id,
                order_id,
                unknown_lines: order.unknown_lines,
            },
            order.lines,
        ))
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

    /// Replaces a recorded package's lines (as matched to products) for the stock arithmetic,
    /// and returns them as written.
    async fn write_lines(
        &self,
        tx: &mut Transaction<'_>,
        facts: &PackageFacts,
        products: &ProductIndex,
    ) -> Result<Vec<OrderLine>> {
        tx.exec_drop(
            format!(
                "DELETE FROM {} WHERE seller_id = ? AND package_id = ?",
                self.db.table("trendyol_order_lines")
            ),
            (self.seller_id, facts.package_id),
        )
        .await
        .map_err(Error::db("replacing the package's lines"))?;
        let lines = matched_lines(facts, products);
        insert_lines(&self.db, tx, line_values(self.seller_id, facts, &lines)).await?;
        Ok(lines)
    }
}

/// True when `facts` is a repeat of the package as recorded (`status` at `modified`), or an
/// older state arriving late: nothing to write.
pub(super) fn is_stale(facts: &PackageFacts, status: &str, modified: i64) -> bool {
    facts.last_modified_ms < modified
        || (facts.last_modified_ms == modified && status == facts.status.as_str())
}
