//! The limiter state shared by every process and host of the shop: one row per bucket in
//! `{prefix}trendyol_rate_limits`.
//!
//! Time comes from the database server (`UNIX_TIMESTAMP(NOW(6))`), never from the host, so
//! hosts with skewed clocks agree. One reservation is one short transaction: lock the request's
//! bucket rows `FOR UPDATE` in key order (every caller locks in the same order, so two callers
//! cannot wait on each other), read the server's clock *after* the locks are held, decide, write
//! the new TATs, commit. Rows are created on demand with `INSERT IGNORE` outside the
//! transaction (inside, its shared lock on an existing row would deadlock against a concurrent
//! `FOR UPDATE`). Deadlocks and lock-wait timeouts are retried.

use mysql_async::prelude::*;
use mysql_async::{Conn, TxOpts};

use super::cooldown::{CooldownPolicy, PenaltyState};
use super::gcra::{decide, BucketSpec, BucketState, Decision};
use crate::db::Database;
use crate::error::{Error, Result};

/// Reads the server clock in microseconds since the epoch.
const NOW_US: &str = "SELECT CAST(UNIX_TIMESTAMP(NOW(6)) * 1000000 AS SIGNED)";

/// The database-backed store.
#[derive(Clone)]
pub struct SharedStore {
    db: Database,
    table: String,
}

impl SharedStore {
    pub fn new(db: Database) -> SharedStore {
        let table = db.table("trendyol_rate_limits");
        SharedStore { db, table }
    }

    /// One reservation attempt over `specs` (sorted by key).
    pub async fn try_reserve(&self, specs: &[BucketSpec], max_wait_us: i64) -> Result<Decision> {
        let mut attempt = 0;
        loop {
            let result = self
                .db
                .timed(
                    "reserving a Trendyol rate-limit slot",
                    self.reserve_once(specs, max_wait_us),
                )
                .await;
            match result {
                Err(e) if is_lock_conflict(&e) && attempt < 8 => {
                    attempt += 1;
                    let pause = 2 + rand::random_range(0..10u64) * attempt;
                    tokio::time::sleep(std::time::Duration::from_millis(pause)).await;
                }
                other => return other,
            }
        }
    }

    async fn reserve_once(&self, specs: &[BucketSpec], max_wait_us: i64) -> Result<Decision> {
        let mut conn = self.db.conn().await?;
        let keys: Vec<String> = specs.iter().map(|s| s.key.clone()).collect();
        let marks = vec!["?"; keys.len()].join(",");
        let select = format!(
            "SELECT bucket, tat_us, cooldown_until_us FROM {} WHERE bucket IN ({marks}) \
             ORDER BY bucket FOR UPDATE",
            self.table
        );
        for _ in 0..2 {
            let mut tx = conn
                .start_transaction(TxOpts::default())
                .await
                .map_err(Error::db("starting a limiter transaction"))?;
            let rows: Vec<(String, i64, i64)> = tx
                .exec(select.as_str(), keys.clone())
                .await
                .map_err(Error::db("locking rate-limit buckets"))?;
            if rows.len() < specs.len() {
                tx.rollback().await.map_err(Error::db("rolling back"))?;
                self.create_rows(&mut conn, &keys).await?;
                continue;
            }
            let now_us: Option<i64> = tx
                .query_first(NOW_US)
                .await
                .map_err(Error::db("reading the database clock"))?;
            let now_us = now_us.ok_or_else(|| Error::Internal("no clock row".into()))?;
            let states: Vec<BucketState> = specs
                .iter()
                .map(|spec| {
                    rows.iter()
                        .find(|(k, _, _)| *k == spec.key)
                        .map(|(_, tat, cool)| BucketState {
                            tat_us: *tat,
                            cooldown_until_us: *cool,
                        })
                        .unwrap_or_default()
                })
                .collect();
            let decision = decide(now_us, specs, &states, max_wait_us);
            if let Decision::Reserved { states, .. } = &decision {
                let mut case = String::from("CASE bucket");
                let mut params: Vec<mysql_async::Value> = Vec::new();
                for (spec, state) in specs.iter().zip(states) {
                    case.push_str(" WHEN ? THEN ?");
                    params.push(spec.key.clone().into());
                    params.push(state.tat_us.into());
                }
                case.push_str(" ELSE tat_us END");
                params.extend(keys.iter().cloned().map(mysql_async::Value::from));
                tx.exec_drop(
                    format!(
                        "UPDATE {} SET tat_us = {case}, grants = grants + 1, \
                         updated_at = UTC_TIMESTAMP(6) WHERE bucket IN ({marks})",
                        self.table
                    ),
                    params,
                )
                .await
                .map_err(Error::db("advancing rate-limit buckets"))?;
                tx.commit()
                    .await
                    .map_err(Error::db("committing a rate-limit slot"))?;
            } else {
                tx.rollback().await.map_err(Error::db("rolling back"))?;
            }
            return Ok(decision);
        }
        Err(Error::Internal(
            "rate-limit bucket rows could not be created".into(),
        ))
    }

    async fn create_rows(&self, conn: &mut Conn, keys: &[String]) -> Result<()> {
        let values = vec!["(?, 0, 0, 0, 0, 0, UTC_TIMESTAMP(6))"; keys.len()].join(",");
        conn.exec_drop(
            format!(
                "INSERT IGNORE INTO {} (bucket, tat_us, cooldown_until_us, strikes, last_429_us, \
                 grants, updated_at) VALUES {values}",
                self.table
            ),
            keys.to_vec(),
        )
        .await
        .map_err(Error::db("creating rate-limit buckets"))
    }

    /// Records a 429 on `key`: pushes its cooldown forward shop-wide. Returns the cooldown
    /// left, from the database's clock.
    pub async fn penalize(
        &self,
        key: &str,
        policy: &CooldownPolicy,
        retry_after: Option<std::time::Duration>,
    ) -> Result<i64> {
        let mut attempt = 0;
        loop {
            let result = self
                .db
                .timed(
                    "recording a Trendyol 429",
                    self.penalize_once(key, policy, retry_after),
                )
                .await;
            match result {
                Err(e) if is_lock_conflict(&e) && attempt < 8 => {
                    attempt += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(5 * attempt)).await;
                }
                other => return other,
            }
        }
    }

    async fn penalize_once(
        &self,
        key: &str,
        policy: &CooldownPolicy,
        retry_after: Option<std::time::Duration>,
    ) -> Result<i64> {
        let mut conn = self.db.conn().await?;
        self.create_rows(&mut conn, &[key.to_string()]).await?;
        let mut tx = conn
            .start_transaction(TxOpts::default())
            .await
            .map_err(Error::db("starting a limiter transaction"))?;
        let row: Option<(i64, u32, i64)> = tx
            .exec_first(
                format!(
                    "SELECT cooldown_until_us, strikes, last_429_us FROM {} WHERE bucket = ? FOR UPDATE",
                    self.table
                ),
                (key,),
            )
            .await
            .map_err(Error::db("locking a rate-limit bucket"))?;
        let (cooldown_until_us, strikes, last_429_us) = row.unwrap_or_default();
        let now_us: i64 = tx
            .query_first(NOW_US)
            .await
            .map_err(Error::db("reading the database clock"))?
            .unwrap_or_default();
        let next = policy.apply(
            PenaltyState {
                cooldown_until_us,
                strikes,
                last_429_us,
            },
            now_us,
            retry_after,
            rand::random::<f64>(),
        );
        tx.exec_drop(
            format!(
                "UPDATE {} SET cooldown_until_us = ?, strikes = ?, last_429_us = ?, \
                 updated_at = UTC_TIMESTAMP(6) WHERE bucket = ?",
                self.table
            ),
            (next.cooldown_until_us, next.strikes, next.last_429_us, key),
        )
        .await
        .map_err(Error::db("recording a cooldown"))?;
        tx.commit()
            .await
            .map_err(Error::db("committing a cooldown"))?;
        Ok(next.cooldown_until_us - now_us)
    }
}

/// Deadlock (1213) and lock wait timeout (1205): another caller held the rows; try again.
fn is_lock_conflict(e: &Error) -> bool {
    matches!(
        e,
        Error::Database { source: mysql_async::Error::Server(s), .. } if s.code == 1213 || s.code == 1205
    )
}
