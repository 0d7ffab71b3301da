//! Multi-row INSERTs: many rows in one round trip, split so no statement passes the limit on
//! prepared-statement parameters.

use mysql_async::prelude::*;
use mysql_async::{Transaction, Value};

use crate::error::{Error, Result};

/// Prepared statements take at most 65,535 parameters; statements stay well under.
pub const MAX_PARAMS: usize = 30_000;

/// Inserts `rows` (`width` values each, flattened) into `table` as multi-row INSERTs.
/// `head` is the part before `VALUES`; `tuple` one row's placeholder, like `(?, ?, NOW())`.
pub async fn insert_rows(
    tx: &mut Transaction<'_>,
    head: &str,
    tuple: &str,
    width: usize,
    rows: Vec<Value>,
    what: &'static str,
) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let per_statement = (MAX_PARAMS / width).max(1) * width;
    let mut rest = rows;
    while !rest.is_empty() {
        let tail = rest.split_off(rest.len().min(per_statement));
        let count = rest.len() / width;
        tx.exec_drop(
            format!("{head} VALUES {}", vec![tuple; count].join(", ")),
            std::mem::replace(&mut rest, tail),
        )
        .await
        .map_err(Error::db(what))?;
    }
    Ok(())
}
