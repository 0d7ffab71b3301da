//! The manual sync buttons: Sync Products, Sync Orders, Sync Stock, Process Webhooks, Full Sync.
//!
//! A button queues a `run:<job>` job ([`ManualJob`]) and returns at once with its queue id; the
//! page then has that very job started in the background of its own PHP process
//! ([`processor::start`](crate::processor::start)), so it runs with no cron or worker, and
//! polls [`job`] for its progress. The request never waits on Trendyol, and the run happens under
//! the engine's own time and memory limits instead of php-fpm's. While MesChain is switched off
//! (the Status setting) a button queues nothing and says so ([`Error::SwitchedOff`]).
//!
//! A double click (or two administrators) must not queue the same run twice, yet a click after
//! the previous run finished must queue a new one — so a unique `dedupe_key` (remembered until
//! cleanup, 30 days) is the wrong tool. Instead the check "is one pending or running?" and the
//! insert run under a named database lock per job (`GET_LOCK`), which every PHP process and
//! host of the shop shares; the check is served by the queue's `claim` index (status, priority).

use mysql_async::prelude::*;
use serde::Serialize;
use serde_json::{Map, Value};

use super::{bad, DATETIME};
use crate::config::Settings;
use crate::db::Database;
use crate::error::{Error, Result};
use crate::queue::{JobKind, ManualJob, NewJob};

/// The largest payload a button may attach, serialized.
const MAX_PAYLOAD_BYTES: usize = 16 * 1024;

/// Seconds to wait for another click's lock before giving up.
const LOCK_WAIT_SECONDS: u32 = 5;

/// What [`enqueue`] did.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Queued {
    pub queue_id: u64,
    /// False when the same job was already pending or running; `queue_id` is then that job's.
    pub created: bool,
    pub job: &'static str,
    pub priority: u8,
}

/// Reads a button's job name.
pub fn parse_job(name: &str) -> Result<ManualJob> {
    ManualJob::parse(name.trim()).ok_or_else(|| {
        let names: Vec<&str> = ManualJob::ALL.iter().map(|j| j.name()).collect();
        bad(
            "job",
            format!("'{name}' is not one of {}", names.join(", ")),
        )
    })
}

/// Refuses a button's work while MesChain is switched off; `refused` says what was not done.
pub fn switched_on(settings: &Settings, refused: &str) -> Result<()> {
    if settings.status {
        Ok(())
    } else {
        Err(Error::SwitchedOff(format!(
            "{refused}; switch it on in Extensions > MesChain > Settings to sync"
        )))
    }
}

/// Queues `job` unless the same job is already pending or running. Refused, with nothing queued,
/// while MesChain is switched off.
pub async fn enqueue(
    db: &Database,
    settings: &Settings,
    job: ManualJob,
    payload: Map<String, Value>,
) -> Result<Queued> {
    switched_on(settings, &format!("nothing was queued for {}", job.name()))?;
    let payload = Value::Object(payload);
    let size = serde_json::to_string(&payload)
        .map_err(|e| Error::Internal(e.to_string()))?
        .len();
    if size > MAX_PAYLOAD_BYTES {
        return Err(bad(
            "payload",
            format!("{size} bytes, more than {MAX_PAYLOAD_BYTES}"),
        ));
    }
    let kind = JobKind::Run(job);
    let queue = db.table(crate::queue::TABLE);
    let lock = format!(
        "meschain.manual.{}.{}.{}",
        db.database_name(),
        db.prefix(),
        job.name()
    );
    db.timed("queueing a manual sync", async {
        let mut conn = db.conn().await?;
        let got: Option<Option<i64>> = conn
            .exec_first("SELECT GET_LOCK(?, ?)", (lock.as_str(), LOCK_WAIT_SECONDS))
            .await
            .map_err(Error::db("taking the manual sync lock"))?;
        if got.flatten() != Some(1) {
            return Err(Error::Timeout {
                what: format!("waiting for another request queueing {}", job.name()),
                after: std::time::Duration::from_secs(LOCK_WAIT_SECONDS.into()),
            });
        }
        let result = async {
            let existing: Option<u64> = conn
                .exec_first(
                    format!(
                        "SELECT queue_id FROM {queue} WHERE status IN ('pending', 'running') \
                         AND priority = ? AND event_type = ? ORDER BY queue_id LIMIT 1"
                    ),
                    (kind.priority(), kind.as_str()),
                )
                .await
                .map_err(Error::db("looking for a queued manual sync"))?;
            if let Some(queue_id) = existing {
                return Ok(Queued {
                    queue_id,
                    created: false,
                    job: job.name(),
                    priority: kind.priority(),
                });
            }
            // Within the lock, so the queue's own enqueue (its own connection) is safe here.
            let queued =
                crate::queue::enqueue(db, &NewJob::new(kind.clone(), payload.clone())).await?;
            Ok(Queued {
                queue_id: queued.id,
                created: queued.created,
                job: job.name(),
                priority: kind.priority(),
            })
        }
        .await;
        let _ = conn
            .exec_drop("SELECT RELEASE_LOCK(?)", (lock.as_str(),))
            .await;
        result
    })
    .await
}

/// A queue id from PHP: positive.
pub fn parse_queue_id(queue_id: i64) -> Result<u64> {
    u64::try_from(queue_id)
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| bad("queue_id", format!("{queue_id} is not a queue id")))
}

/// A queued job's progress, for the page that polls after a button click. While the job runs,
/// `worker` names the process holding it (`host:pid`) and `started_at` when it took the job
/// (the latest attempt's start, kept after it ends).
pub async fn job(db: &Database, queue_id: i64) -> Result<Value> {
    let queue_id = parse_queue_id(queue_id)?;
    let sql = format!(
        "SELECT queue_id, event_type, priority, status, attempts, max_attempts, error_class, last_error, \
         DATE_FORMAT(available_at, {DATETIME}), DATE_FORMAT(created_at, {DATETIME}), \
         DATE_FORMAT(updated_at, {DATETIME}), DATE_FORMAT(processed_at, {DATETIME}), \
         IF(status = 'running', lease_owner, NULL), DATE_FORMAT(claimed_at, {DATETIME}), \
         IF(status = 'running', DATE_FORMAT(lease_expires_at, {DATETIME}), NULL) \
         FROM {} WHERE queue_id = ?",
        db.table(crate::queue::TABLE)
    );
    let row: Option<mysql_async::Row> = db
        .timed("reading a queue job", async {
            let mut conn = db.conn().await?;
            conn.exec_first(sql.as_str(), (queue_id,))
                .await
                .map_err(Error::db("reading a queue job"))
        })
        .await?;
    let mut row = row.ok_or_else(|| bad("queue_id", format!("no queue job {queue_id}")))?;
    use super::col;
    let mut m = Map::new();
    m.insert("queue_id".into(), col::<u64>(&mut row, 0)?.into());
    m.insert("event_type".into(), col::<String>(&mut row, 1)?.into());
    m.insert("priority".into(), col::<u8>(&mut row, 2)?.into());
    m.insert("status".into(), col::<String>(&mut row, 3)?.into());
    m.insert("attempts".into(), col::<u32>(&mut row, 4)?.into());
    m.insert("max_attempts".into(), col::<u32>(&mut row, 5)?.into());
    m.insert("error_class".into(), col::<String>(&mut row, 6)?.into());
    m.insert(
        "last_error".into(),
        col::<Option<String>>(&mut row, 7)?.into(),
    );
    m.insert(
        "available_at".into(),
        col::<Option<String>>(&mut row, 8)?.into(),
    );
    m.insert(
        "created_at".into(),
        col::<Option<String>>(&mut row, 9)?.into(),
    );
    m.insert(
        "updated_at".into(),
        col::<Option<String>>(&mut row, 10)?.into(),
    );
    m.insert(
        "processed_at".into(),
        col::<Option<String>>(&mut row, 11)?.into(),
    );
    m.insert("worker".into(), col::<Option<String>>(&mut row, 12)?.into());
    m.insert(
        "started_at".into(),
        col::<Option<String>>(&mut row, 13)?.into(),
    );
    m.insert(
        "lease_expires_at".into(),
        col::<Option<String>>(&mut row, 14)?.into(),
    );
    Ok(Value::Object(m))
}
