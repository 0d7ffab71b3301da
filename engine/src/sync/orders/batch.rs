//! A chunk of packages → their OpenCart orders, in one short transaction.
//!
//! Most packages an import meets are simply new: the first package of an order nobody has seen.
//! Written one by one, each costs a dozen round trips and a commit; written together, a chunk
//! costs about as many statements as one package did — one multi-row INSERT per table
//! ([`super::write`]) and one stock rebalance for all of them ([`super::stock::rebalance_many`]).
//!
//! The transaction keeps the lock order of the single import ([`super::import`]): first every
//! order group row of the chunk, existing ones locked by one ascending read and missing ones
//! inserted; then the packages' `trendyol_orders` rows, locked by one ascending read; then
//! products by ascending id. A package is new when its group did not exist, it is the first of
//! its order in the chunk and it is not recorded: exactly the case the single import writes
//! without reading anything back. Every other package — a status change, a repeat, a second
//! package of an order — goes through the single import's steps inside the same transaction,
//! after the new ones, in arrival order, so packages of one order still apply in sequence.
//!
//! Exactly once stays the database's promise: the group and package rows are locked, and a
//! concurrent importer that created a group a moment before makes the INSERT fail on the unique
//! key, which rolls the chunk back and runs it again (it then finds the group). A deadlock or
//! lock wait does the same. Any other failure rolls the chunk back and imports its packages one
//! by one, each in its own transaction, so one bad package costs only itself.

use std::collections::{BTreeSet, HashSet};

use mysql_async::prelude::*;
use mysql_async::{Conn, Transaction, TxOpts, Value};
use trendyol_wire::ShipmentPackage;

use super::import::{ImportOutcome, Importer};
use super::new_order::NewOrder;
use super::package::PackageFacts;
use super::products::ProductIndex;
use super::stock::{self, OrderState, StockMoves};
use super::write::insert_new_orders;
use crate::db::bulk::insert_rows;
use crate::error::{Error, Result};
use crate::queue::{conflict_pause, marks, LockConflict, LOCK_RETRIES};

/// One package's result, keyed by its id (0 when it has none).
pub type PackageResult = (u64, Result<(ImportOutcome, StockMoves)>);

impl Importer {
    /// Imports `packages` (all the packages of the orders they belong to, in arrival order) in
    /// one transaction on the connection in `session`, opening one if it is empty. The
    /// connection is left there unless a failure may have left it in an unknown state.
    pub async fn import_chunk(
        &self,
        session: &mut Option<Conn>,
        packages: &[ShipmentPackage],
        products: &ProductIndex,
    ) -> Vec<PackageResult> {
        let mut results: Vec<Option<PackageResult>> = packages.iter().map(|_| None).collect();
        let mut good: Vec<(usize, PackageFacts)> = Vec::with_capacity(packages.len());
        for (i, package) in packages.iter().enumerate() {
            let id = package.shipment_package_id.unwrap_or(0);
            match PackageFacts::from_package(package) {
                Ok(facts) => good.push((i, facts)),
                Err(e) => results[i] = Some((id, Err(e))),
            }
        }
        if !good.is_empty() {
            let mut attempt = 0;
            let outcome = loop {
                let result = match take_session(self, session).await {
                    Ok(mut conn) => {
                        let result = self.chunk_once(&mut conn, packages, &good, products).await;
                        if result.is_ok() {
                            *session = Some(conn);
                        }
                        result
                    }
                    Err(e) => Err(e),
                };
                match result {
                    Err(e) if retryable(&e) && attempt < LOCK_RETRIES => {
                        attempt += 1;
                        tokio::time::sleep(conflict_pause(attempt)).await;
                    }
                    other => break other,
                }
            };
            match outcome {
                Ok(done) => {
                    for (i, result) in done {
                        results[i] =
                            Some((packages[i].shipment_package_id.unwrap_or(0), Ok(result)));
                    }
                }
                Err(e) => {
                    if good.len() > 1 {
                        tracing::warn!(
                            "a chunk of {} packages could not be imported together ({e}); \
                             importing them one by one",
                            good.len()
                        );
                    }
                    for (i, facts) in &good {
                        let id = facts.package_id;
                        let result = match take_session(self, session).await {
                            Ok(mut conn) => {
                                let result = self
                                    .import_facts(&mut conn, &packages[*i], facts, products)
                                    .await;
                                if result.is_ok() {
                                    *session = Some(conn);
                                }
                                result
                            }
                            Err(e) => Err(e),
                        };
                        results[*i] = Some((id, result));
                    }
                }
            }
        }
        results.into_iter().flatten().collect()
    }

    /// One attempt at the chunk's transaction; the results by index into `packages`.
    async fn chunk_once(
        &self,
        conn: &mut Conn,
        packages: &[ShipmentPackage],
        good: &[(usize, PackageFacts)],
        products: &ProductIndex,
    ) -> Result<Vec<(usize, (ImportOutcome, StockMoves))>> {
        let db = self.db();
        let seller_id = self.seller_id();
        let what = "importing a chunk of Trendyol packages";
        db.timed(what, async {
            // READ COMMITTED comes from the session (see `Importer::session`).
            let mut tx = conn
                .start_transaction(TxOpts::default())
                .await
                .map_err(Error::db(what))?;
            // 1. Every order group of the chunk, ascending: the existing ones locked, the
            //    missing ones inserted already counting their first package.
            let numbers: BTreeSet<&str> =
                good.iter().map(|(_, f)| f.order_number.as_str()).collect();
            let existing: HashSet<String> = lock_ascending(
                &mut tx,
                &db.table("trendyol_order_groups"),
                "order_number",
                seller_id,
                numbers.iter().map(|n| Value::from(*n)).collect(),
                "locking the Trendyol orders",
            )
            .await?;
            let created: BTreeSet<&str> = numbers
                .iter()
                .copied()
                .filter(|n| !existing.contains(*n))
                .collect();
            let mut rows: Vec<Value> = Vec::with_capacity(created.len() * 2);
            for number in &created {
                rows.extend([seller_id.into(), (*number).into()]);
            }
            insert_rows(
                &mut tx,
                &format!(
                    "INSERT INTO {} (seller_id, order_number, packages, updated_at)",
                    db.table("trendyol_order_groups")
                ),
                "(?, ?, 1, NOW(3))",
                2,
                rows,
                "creating the Trendyol orders",
            )
            .await?;
            // 2. The packages as recorded, ascending.
            let ids: BTreeSet<u64> = good.iter().map(|(_, f)| f.package_id).collect();
            let recorded: HashSet<u64> = lock_ascending(
                &mut tx,
                &db.table("trendyol_orders"),
                "package_id",
                seller_id,
                ids.iter().map(|id| Value::from(*id)).collect(),
                "reading the imported packages",
            )
            .await?;
            // 3. New packages, and the rest.
            let mut first_of_order: HashSet<&str> = HashSet::new();
            let mut fresh_ids: HashSet<u64> = HashSet::new();
            let mut fresh = Vec::new();
            let mut rest = Vec::new();
            for (i, facts) in good {
                let number = facts.order_number.as_str();
                let first = first_of_order.insert(number);
                if first && created.contains(number) && recorded.contains(&facts.package_id) {
                    // Recorded under another order number (contradictory data): the new group
                    // holds no package after all.
                    tx.exec_drop(
                        format!(
                            "UPDATE {} SET packages = 0 WHERE seller_id = ? AND order_number = ?",
                            db.table("trendyol_order_groups")
                        ),
                        (seller_id, number),
                    )
                    .await
                    .map_err(Error::db("counting the order's packages"))?;
                }
                if first
                    && created.contains(number)
                    && !recorded.contains(&facts.package_id)
                    && fresh_ids.insert(facts.package_id)
                {
                    fresh.push((*i, facts));
                } else {
                    rest.push((*i, facts));
                }
            }
            let mut out = Vec::with_capacity(good.len());
            // 4. The new packages, table by table.
            let orders: Vec<NewOrder> = fresh
                .iter()
                .map(|(i, facts)| {
                    NewOrder::build(
                        &self.shop,
                        &self.statuses,
                        &packages[*i],
                        (*facts).clone(),
                        products,
                    )
                })
                .collect();
            let now = self.shop.clock.now();
            let order_ids =
                insert_new_orders(db, &mut tx, seller_id, &orders, self.id_allotment(), &now)
                    .await?;
            let mut holds = Vec::with_capacity(orders.len());
            for order in &orders {
                let facts = &order.facts;
                holds.push((
                    facts.order_number.clone(),
                    format!("package:{}", facts.package_id),
                    OrderState::First {
                        package_id: facts.package_id,
                        status: facts.status.clone(),
                        origin_package_ids: facts.origin_package_ids.clone(),
                        lines: order.lines.clone(),
                    },
                ));
            }
            let moves = stock::rebalance_many(db, &mut tx, seller_id, holds).await?;
            for (((i, _), order), (order_id, moves)) in fresh
                .iter()
                .zip(&orders)
                .zip(order_ids.into_iter().zip(moves))
            {
                let created = ImportOutcome::Created {
                    package_id: order.facts.package_id,
                    order_id,
                    unknown_lines: order.unknown_lines,
                };
                out.push((*i, (created, moves)));
            }
            // 5. Everything else, one package at a time, in arrival order.
            for (i, facts) in rest {
                let result = self
                    .apply_one(&mut tx, &packages[i], facts, products)
                    .await?;
                out.push((i, result));
            }
            tx.commit()
                .await
                .map_err(Error::db("committing imported packages"))?;
            Ok(out)
        })
        .await
    }
}

/// Locks the seller's rows of `table` whose `column` is one of `keys`, in ascending order (the
/// lock order every importer keeps), and returns the keys that exist.
async fn lock_ascending<K>(
    tx: &mut Transaction<'_>,
    table: &str,
    column: &str,
    seller_id: u64,
    keys: Vec<Value>,
    what: &'static str,
) -> Result<HashSet<K>>
where
    K: FromValue + Eq + std::hash::Hash + Send + 'static,
{
    let count = keys.len();
    let mut params: Vec<Value> = Vec::with_capacity(count + 1);
    params.push(seller_id.into());
    params.extend(keys);
    let rows: Vec<K> = tx
        .exec(
            format!(
                "SELECT {column} FROM {table} WHERE seller_id = ? AND {column} IN ({}) \
                 ORDER BY {column} FOR UPDATE",
                marks(count)
            ),
            params,
        )
        .await
        .map_err(Error::db(what))?;
    Ok(rows.into_iter().collect())
}

/// The connection in `session`, or a new one.
async fn take_session(importer: &Importer, session: &mut Option<Conn>) -> Result<Conn> {
    match session.take() {
        Some(conn) => Ok(conn),
        None => importer.session().await,
    }
}

/// A chunk worth running again whole: InnoDB rolled it back (deadlock, lock wait), or another
/// importer created one of its order groups first (1062 on the group INSERT).
fn retryable(e: &Error) -> bool {
    e.is_lock_conflict()
        || matches!(
            e,
            Error::Database { source: mysql_async::Error::Server(s), context }
                if s.code == 1062 && context == "creating the Trendyol orders"
        )
}
