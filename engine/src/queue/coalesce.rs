//! Coalesced jobs: many events, one pending job that carries the union of what they named.
//!
//! A busy shop sells the same products again and again within seconds; one stock push per sale
//! would queue a job per checkout and send one Trendyol call per job. Instead every event merges
//! into the *open* job of its kind — the one no worker has started on yet — and the worker that
//! takes it pushes the whole set in one call.
//!
//! The open job is found through the queue's unique `dedupe_key`, used here as a *slot*: while a
//! job holds the slot key, an insert with the same key merges its payload into that job
//! (`ON DUPLICATE KEY UPDATE payload = JSON_MERGE_PATCH(payload, new)`, one statement, no
//! read-modify-write). Payloads are JSON objects whose keys are the set's members, so a merge is
//! a set union and a member named twice is kept once.
//!
//! The worker that claims the job releases the slot ([`release_slot`]) before it reads the set:
//! the release takes the row lock, so every merge that reached the row is in the payload it then
//! reads, and every event after it opens a new job — nothing falls between the two. A job that
//! lost its slot to a crash loop (dead, or discarded by an administrator, with the key still on
//! it) is brought back to pending by the next merge rather than swallowing events for ever.

use mysql_async::prelude::*;
use serde_json::Value;

use super::{retry_conflicts, ClaimedJob, Enqueued, JobKind, NewJob, TABLE};
use crate::db::Database;
use crate::error::{Error, Result};

/// Merges `members` into the open job of `kind` under `slot`, or opens one. `members` become the
/// keys of the payload object `{field: {member: 1, …}}`.
pub async fn enqueue_coalesced(
    db: &Database,
    kind: JobKind,
    slot: &str,
    field: &str,
    members: &[String],
) -> Result<Enqueued> {
    let set: serde_json::Map<String, Value> = members
        .iter()
        .map(|m| (m.clone(), Value::from(1)))
        .collect();
    let mut payload = serde_json::Map::new();
    payload.insert(field.to_string(), Value::Object(set));
    let job = NewJob::new(kind, Value::Object(payload)).dedupe_key(slot);
    let params = job.params()?;
    // Assignments run left to right and see the values set before them: `status` goes last, so
    // the others still read the old status.
    let sql = format!(
        "INSERT INTO {} {} VALUES {} ON DUPLICATE KEY UPDATE \
         payload = JSON_MERGE_PATCH(payload, VALUES(payload)), \
         attempts = IF(status IN ('pending', 'running'), attempts, 0), \
         error_class = IF(status IN ('pending', 'running'), error_class, ''), \
         available_at = IF(status IN ('pending', 'running'), available_at, NOW(3)), \
         status = IF(status IN ('pending', 'running'), status, 'pending'), \
         updated_at = NOW(3), queue_id = LAST_INSERT_ID(queue_id)",
        db.table(TABLE),
        super::enqueue::COLUMNS,
        super::enqueue::ROW,
    );
    retry_conflicts(|| {
        db.timed("merging into a coalesced queue job", async {
            let mut conn = db.conn().await?;
            conn.exec_drop(sql.as_str(), params.clone())
                .await
                .map_err(Error::db("merging into a coalesced queue job"))?;
            let id = conn
                .last_insert_id()
                .ok_or_else(|| Error::Internal("a coalesced enqueue returned no id".into()))?;
            Ok(Enqueued {
                id,
                created: conn.affected_rows() == 1,
            })
        })
    })
    .await
}

/// Takes the slot off a claimed coalesced job, so later events open a new job, and returns the
/// job's payload as it stands after the last merge.
pub async fn release_slot(db: &Database, job: &ClaimedJob) -> Result<Value> {
    let table = db.table(TABLE);
    db.timed("releasing a coalesced job's slot", async {
        let mut conn = db.conn().await?;
        // Fenced like every worker write: a worker that lost the lease changes nothing, and the
        // set it reads is still a true (if possibly older) picture to push from.
        conn.exec_drop(
            format!(
                "UPDATE {table} SET dedupe_key = NULL \
                 WHERE queue_id = ? AND status = 'running' AND lease_token = ?"
            ),
            (job.id, job.lease_token),
        )
        .await
        .map_err(Error::db("releasing a coalesced job's slot"))?;
        let payload: Option<String> = conn
            .exec_first(
                format!("SELECT payload FROM {table} WHERE queue_id = ?"),
                (job.id,),
            )
            .await
            .map_err(Error::db("reading a coalesced job's payload"))?;
        let payload = payload.unwrap_or_default();
        serde_json::from_str(&payload)
            .map_err(|e| Error::Internal(format!("queue job {} has no JSON payload: {e}", job.id)))
    })
    .await
}

/// The members a coalesced payload holds under `field` (none when it holds none).
pub fn members(payload: &Value, field: &str) -> Vec<String> {
    payload
        .get(field)
        .and_then(Value::as_object)
        .map(|set| set.keys().cloned().collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_are_the_keys_of_the_field() {
        let payload = serde_json::json!({"product_ids": {"42": 1, "7": 1}});
        let mut found = members(&payload, "product_ids");
        found.sort();
        assert_eq!(found, vec!["42".to_string(), "7".to_string()]);
        assert!(members(&payload, "other").is_empty());
        assert!(members(&serde_json::json!([1, 2]), "product_ids").is_empty());
    }
}
