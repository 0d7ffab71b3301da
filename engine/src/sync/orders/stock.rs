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
//! Runs inside the import transaction after the order group lock, touching product rows in
//! ascending id order so concurrent imports cannot deadlock on each other's products.

use std::collections::{BTreeMap, HashSet};

use mysql_async::prelude::*;
use mysql_async::Transaction;
use trendyol_wire::PackageStatus;

use crate::db::Database;
use crate::error::{Error, Result};

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

/// Brings the holds of `order_number` in line with its live packages, moving OpenCart stock by
/// the difference. `reference` goes into the stock history (`package:<id>`).
pub async fn rebalance(
    db: &Database,
    tx: &mut Transaction<'_>,
    seller_id: u64,
    order_number: &str,
    reference: &str,
) -> Result<StockMoves> {
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

    let lines: Vec<(u64, u64, Option<u32>, u32, i64, String)> = tx
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
    let holds: BTreeMap<u64, (Target, i64)> = holds
        .into_iter()
        .map(|(line, p, o, held)| (line, ((p, o), held)))
        .collect();

    // Per target: the change in units held (positive = take from stock).
    let mut changes: BTreeMap<Target, (i64, String)> = BTreeMap::new();
    let mut new_holds: Vec<(u64, Target, i64)> = Vec::new();
    let line_ids: std::collections::BTreeSet<u64> =
        needed.keys().chain(holds.keys()).copied().collect();
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

    let mut moves = StockMoves::default();
    // BTreeMap order: ascending product id, then option value id.
    for ((product_id, option_id), (units, barcode)) in changes {
        if units == 0 {
            continue;
        }
        apply(db, tx, product_id, 0, units, &barcode, reference).await?;
        if option_id > 0 {
            apply(db, tx, product_id, option_id, units, &barcode, reference).await?;
        }
        if units > 0 {
            moves.taken += units;
        } else {
            moves.released += -units;
        }
    }
    for (line_id, (product_id, option_id), held) in new_holds {
        tx.exec_drop(
            format!(
                "INSERT INTO {} (seller_id, order_number, line_id, product_id, \
                 product_option_value_id, held, updated_at) VALUES (?, ?, ?, ?, ?, ?, NOW(3)) \
                 ON DUPLICATE KEY UPDATE product_id = VALUES(product_id), \
                 product_option_value_id = VALUES(product_option_value_id), \
                 held = VALUES(held), updated_at = NOW(3)",
                db.table("trendyol_stock_holds")
            ),
            (
                seller_id,
                order_number,
                line_id,
                product_id,
                option_id,
                held,
            ),
        )
        .await
        .map_err(Error::db("recording a stock hold"))?;
    }
    Ok(moves)
}

fn bump(changes: &mut BTreeMap<Target, (i64, String)>, target: Target, units: i64, barcode: &str) {
    let entry = changes.entry(target).or_insert((0, barcode.to_string()));
    entry.0 += units;
}

/// Takes `units` (or gives back, when negative) from a product's or option value's quantity,
/// if OpenCart is set to subtract stock for it, and records the change.
async fn apply(
    db: &Database,
    tx: &mut Transaction<'_>,
    product_id: u32,
    option_id: u32,
    units: i64,
    barcode: &str,
    reference: &str,
) -> Result<()> {
    let (table, key, id) = if option_id > 0 {
        ("product_option_value", "product_option_value_id", option_id)
    } else {
        ("product", "product_id", product_id)
    };
    let row: Option<(i64, bool)> = tx
        .exec_first(
            format!(
                "SELECT quantity, subtract FROM {} WHERE {key} = ? FOR UPDATE",
                db.table(table)
            ),
            (id,),
        )
        .await
        .map_err(Error::db("reading stock for an order"))?;
    let Some((before, subtract)) = row else {
        return Ok(()); // deleted from OpenCart since it was matched
    };
    if !subtract {
        return Ok(());
    }
    let after = before - units;
    tx.exec_drop(
        format!(
            "UPDATE {} SET quantity = quantity - ? WHERE {key} = ?",
            db.table(table)
        ),
        (units, id),
    )
    .await
    .map_err(Error::db("changing stock for an order"))?;
    let source = if units > 0 { "order" } else { "order_release" };
    tx.exec_drop(
        format!(
            "INSERT INTO {} (product_id, product_option_value_id, barcode, quantity_before, \
             quantity_after, delta, source, reference, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, NOW(3))",
            db.table("trendyol_stock_history")
        ),
        (
            product_id, option_id, barcode, before, after, -units, source, reference,
        ),
    )
    .await
    .map_err(Error::db("recording a stock change"))?;
    Ok(())
}
