//! Taking stock for orders exactly once, whatever order packages arrive in.
//!
//! Stock is not moved per package event ("Created: take 2", "Cancelled: give 2 back"), because
//! events repeat, arrive late and out of order, and a split turns one package into three. It is
//! moved per **order line** by a difference: what the order's live packages need now, minus what
//! MesChain already holds for that line (`trendyol_stock_holds`). Run twice, the second run finds
//! nothing to move.
//!
//! A package is live unless it is `Cancelled`, `UnSupplied`, `UnPacked` (split: its lines moved
//! to new packages) or `Returned` (the goods are back), and unless another package of the order
//! names it in `originPackageIds` — a split or partial cancel supersedes its origin even before
//! the origin's own status change is seen. `Awaiting` packages are live: stock is reserved (taken
//! from OpenCart's quantity, so the storefront cannot sell it twice) while Trendyol checks the
//! payment, and given back if the payment fails and the package is cancelled.
//!
//! Runs inside the import transaction after the order group lock, locking product rows in
//! ascending id order, then option value rows in ascending id order, so concurrent imports
//! cannot deadlock on each other's products.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use mysql_async::prelude::*;
use mysql_async::{Transaction, Value};
use trendyol_wire::PackageStatus;

use crate::db::bulk::insert_rows;
use crate::db::Database;
use crate::error::{Error, Result};
use crate::queue::marks;

/// Statuses whose lines no longer need stock.
pub fn releases_stock(status: &PackageStatus) -> bool {
    matches!(
        status,
        PackageStatus::Cancelled
            | PackageStatus::UnSupplied
            | PackageStatus::UnPacked
            | PackageStatus::Returned
    )
}

/// What one rebalance moved.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct StockMoves {
    /// Units taken from OpenCart's stock.
    pub taken: i64,
    /// Units given back.
    pub released: i64,
}

/// `(product_id, product_option_value_id)`.
type Target = (u32, u32);

/// A line as the arithmetic reads it: `(package_id, line_id, product_id, product_option_value_id,
/// quantity, barcode)`, exactly the columns of `trendyol_order_lines`.
pub type OrderLine = (u64, u64, Option<u32>, u32, i64, String);

/// What the transaction already knows about the order, so nothing needs reading back.
pub enum OrderState {
    /// Read the order's packages, lines and holds (locking the holds).
    Stored,
    /// The order's group row was created by this very transaction and the package was not yet
    /// recorded: every package, line and hold row of an order is written in a transaction that
    /// first upserts the group row, so the order has exactly this package, these lines and no
    /// holds. Saves three reads per new order — most imports.
    First {
        package_id: u64,
        status: PackageStatus,
        origin_package_ids: Vec<u64>,
        lines: Vec<OrderLine>,
    },
}

/// Brings the holds of `order_number` in line with its live packages, moving OpenCart stock by
/// the difference. `reference` goes into the stock history (`package:<id>`).
pub async fn rebalance(
    db: &Database,
    tx: &mut Transaction<'_>,
    seller_id: u64,
    order_number: &str,
    reference: &str,
    state: OrderState,
) -> Result<StockMoves> {
    let moves = rebalance_many(
        db,
        tx,
        seller_id,
        vec![(order_number.to_string(), reference.to_string(), state)],
    )
    .await?;
    Ok(moves.into_iter().next().unwrap_or_default())
}

/// [`rebalance`] for several orders `(order_number, reference, state)` at once: their product
/// rows locked together in one ascending read, one UPDATE per table, one history INSERT and
/// one holds INSERT for all of them. The moves come back one per order, in the same order.
pub async fn rebalance_many(
    db: &Database,
    tx: &mut Transaction<'_>,
    seller_id: u64,
    orders: Vec<(String, String, OrderState)>,
) -> Result<Vec<StockMoves>> {
    let mut plans = Vec::with_capacity(orders.len());
    for (order_number, reference, state) in orders {
        let (packages, lines, holds) = match state {
            OrderState::First {
                package_id,
                status,
                origin_package_ids,
                lines,
            } => {
                let origins = origin_package_ids
                    .iter()
                    .map(u64::to_string)
                    .collect::<Vec<_>>()
                    .join(",");
                (
                    vec![(package_id, status.as_str().to_string(), origins)],
                    lines,
                    Vec::new(),
                )
            }
            OrderState::Stored => read_order(db, tx, seller_id, &order_number).await?,
        };
        plans.push(plan(order_number, reference, &packages, lines, holds));
    }
    apply(db, tx, seller_id, &plans).await
}

/// What one order's rebalance changes.
struct Plan {
    order_number: String,
    reference: String,
    /// Per target, in ascending (product, option) order: units to take (negative: give back)
    /// and the barcode the history names.
    changes: Vec<(Target, i64, String)>,
    /// `(line_id, target, units held)` rows to write.
    holds: Vec<(u64, Target, i64)>,
}

/// The difference between what the order's live packages need and what is held for it.
fn plan(
    order_number: String,
    reference: String,
    packages: &[(u64, String, String)],
    lines: Vec<OrderLine>,
    holds: Vec<(u64, u32, u32, i64)>,
) -> Plan {
    let superseded: HashSet<u64> = packages
        .iter()
        .flat_map(|(_, _, origins)| origins.split(',').filter_map(|id| id.trim().parse().ok()))
        .collect();
    let live: HashSet<u64> = packages
        .iter()
        .filter(|(id, status, _)| {
            !superseded.contains(id) && !releases_stock(&PackageStatus::parse(status))
        })
        .map(|(id, _, _)| *id)
        .collect();

    // line_id -> (target, units needed, barcode)
    let mut needed: BTreeMap<u64, (Target, i64, String)> = BTreeMap::new();
    for (package_id, line_id, product_id, option_id, quantity, barcode) in lines {
        let Some(product_id) = product_id else {
            continue; // unknown product: nothing to take
        };
        let entry = needed
            .entry(line_id)
            .or_insert(((product_id, option_id), 0, barcode));
        entry.0 = (product_id, option_id);
        if live.contains(&package_id) {
            entry.1 += quantity;
        }
    }

    let holds: BTreeMap<u64, (Target, i64)> = holds
        .into_iter()
        .map(|(line, p, o, held)| (line, ((p, o), held)))
        .collect();

    // Per target: the change in units held (positive = take from stock).
    let mut changes: BTreeMap<Target, (i64, String)> = BTreeMap::new();
    let mut new_holds: Vec<(u64, Target, i64)> = Vec::new();
    let line_ids: BTreeSet<u64> = needed.keys().chain(holds.keys()).copied().collect();
    for line_id in line_ids {
        let want = needed.get(&line_id);
        let have = holds.get(&line_id);
        let (want_target, want_units, barcode) = match want {
            Some((t, n, b)) => (Some(*t), *n, b.clone()),
            None => (None, 0, String::new()),
        };
        match (have, want_target) {
            (Some((held_target, held)), Some(target)) if *held_target != target => {
                // The line now points at another product: give back there, take here.
                bump(&mut changes, *held_target, -held, &barcode);
                bump(&mut changes, target, want_units, &barcode);
            }
            (Some((held_target, held)), target) => {
                bump(
                    &mut changes,
                    target.unwrap_or(*held_target),
                    want_units - held,
                    &barcode,
                );
            }
            (None, Some(target)) => bump(&mut changes, target, want_units, &barcode),
            (None, None) => {}
        }
        if let Some(target) = want_target.or_else(|| have.map(|(t, _)| *t)) {
            if have.map(|(_, h)| *h) != Some(want_units) || have.map(|(t, _)| *t) != Some(target) {
                new_holds.push((line_id, target, want_units));
            }
        }
    }
    // BTreeMap order: ascending product id, then option value id.
    let changes = changes
        .into_iter()
        .filter(|(_, (units, _))| *units != 0)
        .map(|(target, (units, barcode))| (target, units, barcode))
        .collect();
    Plan {
        order_number,
        reference,
        changes,
        holds: new_holds,
    }
}

/// The order's packages `(id, status, origin ids)`, lines and holds (locked), as stored.
#[allow(clippy::type_complexity)]
async fn read_order(
    db: &Database,
    tx: &mut Transaction<'_>,
    seller_id: u64,
    order_number: &str,
) -> Result<(
    Vec<(u64, String, String)>,
    Vec<OrderLine>,
    Vec<(u64, u32, u32, i64)>,
)> {
    let packages: Vec<(u64, String, String)> = tx
        .exec(
            format!(
                "SELECT package_id, package_status, origin_package_ids FROM {} \
                 WHERE seller_id = ? AND order_number = ?",
                db.table("trendyol_orders")
            ),
            (seller_id, order_number),
        )
        .await
        .map_err(Error::db("reading the order's packages"))?;
    let lines: Vec<OrderLine> = tx
        .exec(
            format!(
                "SELECT package_id, line_id, product_id, product_option_value_id, quantity, barcode \
                 FROM {} WHERE seller_id = ? AND order_number = ?",
                db.table("trendyol_order_lines")
            ),
            (seller_id, order_number),
        )
        .await
        .map_err(Error::db("reading the order's lines"))?;
    let holds: Vec<(u64, u32, u32, i64)> = tx
        .exec(
            format!(
                "SELECT line_id, product_id, product_option_value_id, held FROM {} \
                 WHERE seller_id = ? AND order_number = ? FOR UPDATE",
                db.table("trendyol_stock_holds")
            ),
            (seller_id, order_number),
        )
        .await
        .map_err(Error::db("reading the order's stock holds"))?;
    Ok((packages, lines, holds))
}

fn bump(changes: &mut BTreeMap<Target, (i64, String)>, target: Target, units: i64, barcode: &str) {
    let entry = changes.entry(target).or_insert((0, barcode.to_string()));
    entry.0 += units;
}

/// Takes `units` (or gives back, when negative) from each target's product and, for an option
/// target, its option value — where OpenCart is set to subtract stock — records every change
/// and writes the new holds. A fixed number of statements whatever the number of orders and
/// lines: the product rows locked in one read (ascending ids, so concurrent imports queue
/// instead of deadlocking), then the option rows, one UPDATE per table, one history INSERT,
/// one holds INSERT. The history rows are what one change at a time would have written: a
/// product two options (or two orders) draw from shows two rows, the second starting where
/// the first ended.
async fn apply(
    db: &Database,
    tx: &mut Transaction<'_>,
    seller_id: u64,
    plans: &[Plan],
) -> Result<Vec<StockMoves>> {
    let mut all_moves = Vec::with_capacity(plans.len());
    let product_ids: BTreeSet<u32> = plans
        .iter()
        .flat_map(|p| &p.changes)
        .map(|((p, _), _, _)| *p)
        .collect();
    let option_ids: BTreeSet<u32> = plans
        .iter()
        .flat_map(|p| &p.changes)
        .map(|((_, o), _, _)| *o)
        .filter(|o| *o > 0)
        .collect();
    let mut products = lock_stock(db, tx, "product", "product_id", &product_ids).await?;
    let mut options = lock_stock(
        db,
        tx,
        "product_option_value",
        "product_option_value_id",
        &option_ids,
    )
    .await?;
    let mut history: Vec<Value> = Vec::new();
    let mut product_deltas: BTreeMap<u32, i64> = BTreeMap::new();
    let mut option_deltas: BTreeMap<u32, i64> = BTreeMap::new();
    let source = |units: i64| if units > 0 { "order" } else { "order_release" };
    for plan in plans {
        let mut moves = StockMoves::default();
        for ((product_id, option_id), units, barcode) in &plan.changes {
            if *units > 0 {
                moves.taken += units;
            } else {
                moves.released += -units;
            }
            let mut record = |quantity: &mut i64, option_id: u32| {
                let before = *quantity;
                *quantity -= units;
                history.extend([
                    (*product_id).into(),
                    option_id.into(),
                    barcode.as_str().into(),
                    before.into(),
                    (*quantity).into(),
                    (-units).into(),
                    source(*units).into(),
                    plan.reference.as_str().into(),
                ]);
            };
            // A row deleted from OpenCart since it was matched, or one that does not subtract
            // stock, is left alone.
            if let Some((quantity, true)) = products.get_mut(product_id) {
                record(quantity, 0);
                *product_deltas.entry(*product_id).or_default() += units;
            }
            if *option_id > 0 {
                if let Some((quantity, true)) = options.get_mut(option_id) {
                    record(quantity, *option_id);
                    *option_deltas.entry(*option_id).or_default() += units;
                }
            }
        }
        all_moves.push(moves);
    }
    change_stock(db, tx, "product", "product_id", &product_deltas).await?;
    change_stock(
        db,
        tx,
        "product_option_value",
        "product_option_value_id",
        &option_deltas,
    )
    .await?;
    insert_rows(
        tx,
        &format!(
            "INSERT INTO {} (product_id, product_option_value_id, barcode, quantity_before, \
             quantity_after, delta, source, reference, created_at)",
            db.table("trendyol_stock_history")
        ),
        "(?, ?, ?, ?, ?, ?, ?, ?, NOW(3))",
        8,
        history,
        "recording the stock changes",
    )
    .await?;
    let mut holds: Vec<Value> = Vec::new();
    for plan in plans {
        for (line_id, (product_id, option_id), held) in &plan.holds {
            holds.extend([
                seller_id.into(),
                plan.order_number.as_str().into(),
                (*line_id).into(),
                (*product_id).into(),
                (*option_id).into(),
                (*held).into(),
            ]);
        }
    }
    if !holds.is_empty() {
        let rows = holds.len() / 6;
        tx.exec_drop(
            format!(
                "INSERT INTO {} (seller_id, order_number, line_id, product_id, \
                 product_option_value_id, held, updated_at) VALUES {} \
                 ON DUPLICATE KEY UPDATE product_id = VALUES(product_id), \
                 product_option_value_id = VALUES(product_option_value_id), \
                 held = VALUES(held), updated_at = NOW(3)",
                db.table("trendyol_stock_holds"),
                vec!["(?, ?, ?, ?, ?, ?, NOW(3))"; rows].join(", ")
            ),
            holds,
        )
        .await
        .map_err(Error::db("recording the order's stock holds"))?;
    }
    Ok(all_moves)
}

/// `id → (quantity, subtract)` of the rows of `table` (a closed set) with these ids, locked
/// for the rest of the transaction in ascending id order.
async fn lock_stock(
    db: &Database,
    tx: &mut Transaction<'_>,
    table: &str,
    key: &str,
    ids: &BTreeSet<u32>,
) -> Result<BTreeMap<u32, (i64, bool)>> {
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    let rows: Vec<(u32, i64, bool)> = tx
        .exec(
            format!(
                "SELECT {key}, quantity, subtract FROM {} WHERE {key} IN ({}) ORDER BY {key} \
                 FOR UPDATE",
                db.table(table),
                marks(ids.len())
            ),
            ids.iter().copied().collect::<Vec<u32>>(),
        )
        .await
        .map_err(Error::db("reading stock for an order"))?;
    Ok(rows
        .into_iter()
        .map(|(id, quantity, subtract)| (id, (quantity, subtract)))
        .collect())
}

/// Subtracts each `id → units` from the quantity of `table`'s rows, in one statement.
async fn change_stock(
    db: &Database,
    tx: &mut Transaction<'_>,
    table: &str,
    key: &str,
    deltas: &BTreeMap<u32, i64>,
) -> Result<()> {
    let deltas: Vec<(u32, i64)> = deltas
        .iter()
        .filter(|(_, units)| **units != 0)
        .map(|(id, units)| (*id, *units))
        .collect();
    if deltas.is_empty() {
        return Ok(());
    }
    let mut params: Vec<Value> = Vec::with_capacity(deltas.len() * 3);
    for (id, units) in &deltas {
        params.extend([(*id).into(), (*units).into()]);
    }
    params.extend(deltas.iter().map(|(id, _)| Value::from(*id)));
    tx.exec_drop(
        format!(
            "UPDATE {} SET quantity = quantity - CASE {key} {} END WHERE {key} IN ({})",
            db.table(table),
            vec!["WHEN ? THEN ?"; deltas.len()].join(" "),
            marks(deltas.len())
        ),
        params,
    )
    .await
    .map_err(Error::db("changing stock for an order"))
}
