//! The durable queue against a real MariaDB: dedupe, priority order, SKIP LOCKED between
//! concurrent workers, leases and fencing (a worker killed mid-job → the job runs again after its
//! lease, neither lost nor doubled), backoff, dead letter with its alert, replay, discard,
//! statistics and cleanup. Times are checked against the server's clock, never the wall clock.

use std::collections::HashSet;
use std::time::Duration;

use meschain_engine::db::{migrations, Database};
use meschain_engine::queue::{
    self, BackoffPolicy, ClaimedJob, EventType, FailOptions, FailOutcome, FailureClass, JobError,
    JobKind, NewJob, WorkOutcome,
};
use meschain_engine::testing::TestDatabase;
use mysql_async::prelude::Queryable;
use serde_json::json;

const SHORT: Duration = Duration::from_secs(1);
const LONG: Duration = Duration::from_secs(60);

async fn setup() -> (TestDatabase, Database) {
    let tdb = TestDatabase::create("oc_").await;
    let db = pool(&tdb);
    migrations::migrate(&db).await.unwrap();
    (tdb, db)
}

fn pool(tdb: &TestDatabase) -> Database {
    Database::new(&tdb.config, Duration::from_secs(5), Duration::from_secs(10)).unwrap()
}

async fn sql<T: mysql_async::prelude::FromRow + Send + 'static>(
    tdb: &TestDatabase,
    query: &str,
) -> Vec<T> {
    let pool = tdb.pool();
    let mut conn = pool.get_conn().await.unwrap();
    let rows = conn.query(query).await.unwrap();
    drop(conn);
    pool.disconnect().await.unwrap();
    rows
}

async fn exec(tdb: &TestDatabase, query: &str) {
    let pool = tdb.pool();
    let mut conn = pool.get_conn().await.unwrap();
    conn.query_drop(query).await.unwrap();
    drop(conn);
    pool.disconnect().await.unwrap();
}

/// Waits (polling the server's clock) until job `id`'s lease has ended.
async fn wait_for_expiry(tdb: &TestDatabase, id: u64) {
    for _ in 0..200 {
        let expired: Vec<u8> = sql(
            tdb,
            &format!(
                "SELECT 1 FROM oc_trendyol_sync_queue WHERE queue_id = {id} \
                 AND lease_expires_at < NOW(3)"
            ),
        )
        .await;
        if !expired.is_empty() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the lease of job {id} never expired");
}

async fn status_of(tdb: &TestDatabase, id: u64) -> (String, u32) {
    let rows: Vec<(String, u32)> = sql(
        tdb,
        &format!("SELECT status, attempts FROM oc_trendyol_sync_queue WHERE queue_id = {id}"),
    )
    .await;
    rows.into_iter().next().unwrap()
}

async fn claim_one(db: &Database, worker: &str, lease: Duration) -> Option<ClaimedJob> {
    queue::claim(db, worker, lease, 1, None)
        .await
        .unwrap()
        .pop()
}

#[tokio::test]
async fn enqueue_deduplicates_on_the_key_and_batches() {
    let (tdb, db) = setup().await;
    let job = NewJob::new(EventType::OrderCreated, json!({"packageId": 1}))
        .dedupe_key("pkg:1:Created:100");
    let first = queue::enqueue(&db, &job).await.unwrap();
    assert!(first.created);
    let again = queue::enqueue(&db, &job).await.unwrap();
    assert_eq!(again.id, first.id);
    assert!(!again.created);
    // No key: never deduplicated.
    let a = queue::enqueue(&db, &NewJob::new(JobKind::FullSync, json!({})))
        .await
        .unwrap();
    let b = queue::enqueue(&db, &NewJob::new(JobKind::FullSync, json!({})))
        .await
        .unwrap();
    assert!(a.created && b.created && a.id != b.id);

    // A polling batch: 450 events (three chunks), one already queued, one repeated in the batch.
    let mut batch: Vec<NewJob> = (0..450)
        .map(|i| {
            NewJob::new(EventType::InventoryUpdated, json!({"barcode": i}))
                .dedupe_key(format!("stock:{i}"))
        })
        .collect();
    batch.push(job.clone());
    batch.push(NewJob::new(EventType::InventoryUpdated, json!({})).dedupe_key("stock:7"));
    let report = queue::enqueue_batch(&db, &batch).await.unwrap();
    assert_eq!(report.inserted, 450);
    assert_eq!(report.duplicates, 2);
    let again = queue::enqueue_batch(&db, &batch).await.unwrap();
    assert_eq!((again.inserted, again.duplicates), (0, 452));

    let rows: Vec<(String, u8, String)> = sql(
        &tdb,
        &format!(
            "SELECT event_type, priority, payload FROM oc_trendyol_sync_queue WHERE queue_id = {}",
            first.id
        ),
    )
    .await;
    assert_eq!(
        rows,
        vec![(
            "ORDER_CREATED".to_string(),
            1,
            r#"{"packageId":1}"#.to_string()
        )]
    );
    let total: Vec<u64> = sql(&tdb, "SELECT COUNT(*) FROM oc_trendyol_sync_queue").await;
    assert_eq!(total, vec![453]);

    // Unknown kinds and zero attempts are refused before reaching the database.
    assert!(
        queue::enqueue(&db, &NewJob::new(JobKind::parse("nope"), json!({})))
            .await
            .is_err()
    );
    db.close().await;
    tdb.drop_database().await;
}

#[tokio::test]
async fn claims_by_priority_then_age() {
    let (tdb, db) = setup().await;
    let kinds = [
        EventType::PriceUpdated,
        EventType::ProductApproved,
        EventType::OrderCreated,
        EventType::ShipmentCreated,
        EventType::OrderCancelled,
        EventType::ReturnInitiated,
    ];
    let mut ids = Vec::new();
    for kind in kinds {
        ids.push(
            queue::enqueue(&db, &NewJob::new(kind, json!({})))
                .await
                .unwrap()
                .id,
        );
    }
    // The return has waited longest: older than the shipment despite its later id.
    exec(
        &tdb,
        &format!(
            "UPDATE oc_trendyol_sync_queue SET available_at = NOW(3) - INTERVAL 1 HOUR \
             WHERE queue_id = {}",
            ids[5]
        ),
    )
    .await;
    // A delayed order is not claimable yet, whatever its priority.
    let delayed = queue::enqueue(
        &db,
        &NewJob::new(EventType::OrderCreated, json!({})).delay(Duration::from_secs(600)),
    )
    .await
    .unwrap();

    // A worker dedicated to stock/price and products sees only those.
    let low = queue::claim(&db, "low", LONG, 10, Some(3..=4))
        .await
        .unwrap();
    let low_kinds: Vec<JobKind> = low.iter().map(|j| j.kind.clone()).collect();
    assert_eq!(
        low_kinds,
        vec![
            EventType::PriceUpdated.into(),
            EventType::ProductApproved.into()
        ]
    );

    let claimed = queue::claim(&db, "w", LONG, 10, None).await.unwrap();
    let order: Vec<u64> = claimed.iter().map(|j| j.id).collect();
    assert_eq!(order, vec![ids[2], ids[4], ids[5], ids[3]]);
    assert!(!order.contains(&delayed.id));
    assert!(claimed
        .iter()
        .all(|j| j.attempts == 1 && j.lease_owner == "w"));
    assert_eq!(claimed[0].priority, 1);
    assert_eq!(claimed[2].priority, 2);
    db.close().await;
    tdb.drop_database().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_never_process_the_same_job() {
    let (tdb, db) = setup().await;
    let jobs: Vec<NewJob> = (0..200)
        .map(|i| NewJob::new(EventType::ALL[i % 9], json!({ "n": i })))
        .collect();
    assert_eq!(
        queue::enqueue_batch(&db, &jobs).await.unwrap().inserted,
        200
    );

    // Two "processes": separate pools, each claiming small batches in a loop.
    let mut tasks = Vec::new();
    for worker in ["a", "b"] {
        let db = pool(&tdb);
        tasks.push(tokio::spawn(async move {
            let mut seen = Vec::new();
            loop {
                let batch = queue::claim(&db, worker, LONG, 7, None).await.unwrap();
                if batch.is_empty() {
                    break;
                }
                for job in batch {
                    queue::complete(&db, &job).await.unwrap();
                    seen.push(job.id);
                }
            }
            db.close().await;
            seen
        }));
    }
    let mut all = Vec::new();
    let mut per_worker = Vec::new();
    for task in tasks {
        let seen = task.await.unwrap();
        per_worker.push(seen.len());
        all.extend(seen);
    }
    let unique: HashSet<u64> = all.iter().copied().collect();
    assert_eq!(all.len(), 200, "a job was processed twice: {per_worker:?}");
    assert_eq!(unique.len(), 200);
    let done: Vec<(String, u64, u32)> = sql(
        &tdb,
        "SELECT status, COUNT(*), MAX(attempts) FROM oc_trendyol_sync_queue GROUP BY status",
    )
    .await;
    assert_eq!(done, vec![("done".to_string(), 200, 1)]);
    db.close().await;
    tdb.drop_database().await;
}

#[tokio::test]
async fn a_stale_worker_cannot_record_its_result() {
    let (tdb, db) = setup().await;
    let id = queue::enqueue(&db, &NewJob::new(EventType::OrderCreated, json!({})))
        .await
        .unwrap()
        .id;
    let mut a = claim_one(&db, "worker-a", SHORT).await.unwrap();
    wait_for_expiry(&tdb, id).await;

    // Expired but not yet taken over: still refused — the lease is the only authority.
    let late = queue::complete(&db, &a).await.unwrap_err();
    assert!(late.is_lease_lost(), "{late}");

    // Worker B takes the job over with a newer token.
    let b = claim_one(&db, "worker-b", LONG).await.unwrap();
    assert_eq!(b.id, id);
    assert!(b.lease_token > a.lease_token);
    assert_eq!(b.attempts, 2);

    // Everything A tries now is refused and changes nothing.
    assert!(queue::complete(&db, &a).await.unwrap_err().is_lease_lost());
    assert!(queue::fail(&db, &a, FailureClass::Permanent, "late")
        .await
        .unwrap_err()
        .is_lease_lost());
    assert!(queue::extend_lease(&db, &mut a, LONG)
        .await
        .unwrap_err()
        .is_lease_lost());
    assert_eq!(status_of(&tdb, id).await, ("running".to_string(), 2));

    // B's result is recorded, once.
    queue::complete(&db, &b).await.unwrap();
    assert_eq!(status_of(&tdb, id).await, ("done".to_string(), 2));
    assert!(queue::complete(&db, &b).await.unwrap_err().is_lease_lost());
    let err: meschain_engine::Error = queue::complete(&db, &a).await.unwrap_err().into();
    assert_eq!(err.family(), meschain_engine::ErrorFamily::Timeout);
    db.close().await;
    tdb.drop_database().await;
}

#[tokio::test]
async fn a_killed_worker_s_job_runs_again_after_its_lease() {
    let (tdb, db) = setup().await;
    let id = queue::enqueue(
        &db,
        &NewJob::new(EventType::OrderCancelled, json!({"p": 9})),
    )
    .await
    .unwrap()
    .id;
    // The worker claims and dies without a word.
    let crashed = claim_one(&db, "doomed", SHORT).await.unwrap();
    drop(crashed);
    // While the lease runs nobody else gets the job.
    assert!(claim_one(&db, "other", LONG).await.is_none());
    wait_for_expiry(&tdb, id).await;
    let stats = queue::stats(&db).await.unwrap();
    assert_eq!(stats.by_priority[0].expired_leases, 1);

    let again = claim_one(&db, "survivor", LONG).await.unwrap();
    assert_eq!(again.id, id);
    assert_eq!(again.attempts, 2);
    assert_eq!(again.payload, json!({"p": 9}));
    queue::complete(&db, &again).await.unwrap();
    assert_eq!(status_of(&tdb, id).await, ("done".to_string(), 2));
    let rows: Vec<u64> = sql(&tdb, "SELECT COUNT(*) FROM oc_trendyol_sync_queue").await;
    assert_eq!(rows, vec![1], "neither lost nor doubled");

    // A job that kills its worker on every attempt ends in the dead letter, with an alert.
    let crash_loop = queue::enqueue(
        &db,
        &NewJob::new(EventType::PriceUpdated, json!({})).max_attempts(1),
    )
    .await
    .unwrap()
    .id;
    claim_one(&db, "doomed", SHORT).await.unwrap();
    wait_for_expiry(&tdb, crash_loop).await;
    let reaped = queue::reap_expired(&db, 10).await.unwrap();
    assert_eq!((reaped.requeued, reaped.dead), (0, 1));
    let dead: Vec<(String, String)> = sql(
        &tdb,
        &format!(
            "SELECT status, error_class FROM oc_trendyol_sync_queue WHERE queue_id = {crash_loop}"
        ),
    )
    .await;
    assert_eq!(dead, vec![("dead".into(), "lease-expired".into())]);
    let alerts: Vec<(String, u32)> = sql(
        &tdb,
        "SELECT dedupe_key, occurrences FROM oc_trendyol_alerts",
    )
    .await;
    assert_eq!(alerts, vec![("queue.dead.PRICE_UPDATED".into(), 1)]);
    db.close().await;
    tdb.drop_database().await;
}

#[tokio::test]
async fn extending_a_lease_keeps_the_job() {
    let (tdb, db) = setup().await;
    let id = queue::enqueue(&db, &NewJob::new(JobKind::StatusPush, json!({})))
        .await
        .unwrap()
        .id;
    let mut job = claim_one(&db, "slow", SHORT).await.unwrap();
    let before = job.lease_expires_at_ms;
    queue::extend_lease(&db, &mut job, LONG).await.unwrap();
    assert!(job.lease_expires_at_ms >= before + 50_000);
    // Twice in a row (possibly within one millisecond) is still fine.
    queue::extend_lease(&db, &mut job, LONG).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert!(claim_one(&db, "thief", LONG).await.is_none());
    queue::complete(&db, &job).await.unwrap();
    assert_eq!(status_of(&tdb, id).await, ("done".to_string(), 1));
    db.close().await;
    tdb.drop_database().await;
}

#[tokio::test]
async fn a_transient_failure_backs_off_on_the_server_clock() {
    let (tdb, db) = setup().await;
    let id = queue::enqueue(&db, &NewJob::new(EventType::InventoryUpdated, json!({})))
        .await
        .unwrap()
        .id;
    let options = FailOptions {
        backoff: BackoffPolicy {
            base: Duration::from_secs(10),
            cap: Duration::from_secs(60),
            min: Duration::from_secs(2),
        },
        retry_after: None,
        not_attempted: false,
    };
    let job = claim_one(&db, "w", LONG).await.unwrap();
    let outcome = queue::fail_with(&db, &job, FailureClass::Transient, "HTTP 500", &options)
        .await
        .unwrap();
    let FailOutcome::Retrying { delay } = outcome else {
        panic!("{outcome:?}")
    };
    assert!(delay >= Duration::from_secs(2) && delay <= Duration::from_secs(10));
    let wait: Vec<(i64, String, String, String)> = sql(
        &tdb,
        &format!(
            "SELECT TIMESTAMPDIFF(MICROSECOND, NOW(3), available_at), status, error_class, \
             last_error FROM oc_trendyol_sync_queue WHERE queue_id = {id}"
        ),
    )
    .await;
    let (wait_us, status, class, error) = wait[0].clone();
    // Between the policy's floor (less the time this check took) and the first ceiling.
    assert!(
        (1_000_000..=10_000_000).contains(&wait_us),
        "available in {wait_us} µs"
    );
    assert_eq!(
        (status.as_str(), class.as_str(), error.as_str()),
        ("pending", "transient", "HTTP 500")
    );
    assert!(claim_one(&db, "w", LONG).await.is_none());
    let stats = queue::stats(&db).await.unwrap();
    let p3 = &stats.by_priority[2];
    assert_eq!((p3.priority, p3.pending, p3.ready), (3, 1, 0));
    assert_eq!(p3.oldest_ready_age_secs, None);

    // A Retry-After the failure carried wins over the backoff.
    exec(
        &tdb,
        "UPDATE oc_trendyol_sync_queue SET available_at = NOW(3)",
    )
    .await;
    let job = claim_one(&db, "w", LONG).await.unwrap();
    assert_eq!(job.attempts, 2);
    let asked = FailOptions {
        retry_after: Some(Duration::from_secs(30)),
        ..options
    };
    queue::fail_with(&db, &job, FailureClass::Transient, "429", &asked)
        .await
        .unwrap();
    let wait: Vec<i64> = sql(
        &tdb,
        &format!(
            "SELECT TIMESTAMPDIFF(MICROSECOND, NOW(3), available_at) \
             FROM oc_trendyol_sync_queue WHERE queue_id = {id}"
        ),
    )
    .await;
    assert!((25_000_000..=30_000_000).contains(&wait[0]), "{}", wait[0]);
    db.close().await;
    tdb.drop_database().await;
}

#[tokio::test]
async fn exhausted_jobs_go_to_the_dead_letter_with_one_alert() {
    let (tdb, db) = setup().await;
    let first = queue::enqueue(
        &db,
        &NewJob::new(EventType::OrderCreated, json!({"p": 1})).max_attempts(2),
    )
    .await
    .unwrap()
    .id;
    let job = claim_one(&db, "w", LONG).await.unwrap();
    assert!(!job.is_last_attempt());
    let outcome = queue::fail(&db, &job, FailureClass::Transient, "timeout")
        .await
        .unwrap();
    assert!(matches!(outcome, FailOutcome::Retrying { .. }));
    exec(
        &tdb,
        "UPDATE oc_trendyol_sync_queue SET available_at = NOW(3)",
    )
    .await;
    let job = claim_one(&db, "w", LONG).await.unwrap();
    assert!(job.is_last_attempt());
    let long_message = "x".repeat(10_000);
    let outcome = queue::fail(&db, &job, FailureClass::Transient, &long_message)
        .await
        .unwrap();
    assert_eq!(outcome, FailOutcome::Dead);
    assert_eq!(status_of(&tdb, first).await, ("dead".to_string(), 2));
    let stored: Vec<u64> = sql(
        &tdb,
        &format!("SELECT LENGTH(last_error) FROM oc_trendyol_sync_queue WHERE queue_id = {first}"),
    )
    .await;
    assert!(stored[0] <= 2000, "{}", stored[0]);

    // A second death of the same kind (permanent: at once) bumps the open alert.
    queue::enqueue(&db, &NewJob::new(EventType::OrderCreated, json!({"p": 2})))
        .await
        .unwrap();
    let job = claim_one(&db, "w", LONG).await.unwrap();
    let outcome = queue::fail(&db, &job, FailureClass::Permanent, "400 invalid")
        .await
        .unwrap();
    assert_eq!(outcome, FailOutcome::Dead);
    let alerts: Vec<(String, String, u32)> = sql(
        &tdb,
        "SELECT alert_type, dedupe_key, occurrences FROM oc_trendyol_alerts ORDER BY alert_id",
    )
    .await;
    assert_eq!(
        alerts,
        vec![(
            "queue_dead_letter".into(),
            "queue.dead.ORDER_CREATED".into(),
            2
        )]
    );

    // Poison of another kind: its own alert. After acknowledgement a new death opens a new one.
    queue::enqueue(&db, &NewJob::new(JobKind::FullSync, json!({})))
        .await
        .unwrap();
    let job = claim_one(&db, "w", LONG).await.unwrap();
    queue::fail(&db, &job, FailureClass::Poison, "payload is not an object")
        .await
        .unwrap();
    exec(
        &tdb,
        "UPDATE oc_trendyol_alerts SET acknowledged_at = UTC_TIMESTAMP() \
         WHERE dedupe_key = 'queue.dead.ORDER_CREATED'",
    )
    .await;
    queue::enqueue(&db, &NewJob::new(EventType::OrderCreated, json!({"p": 3})))
        .await
        .unwrap();
    let job = claim_one(&db, "w", LONG).await.unwrap();
    queue::fail(&db, &job, FailureClass::Permanent, "again")
        .await
        .unwrap();
    let alerts: Vec<(String, u32, Option<u8>)> = sql(
        &tdb,
        "SELECT dedupe_key, occurrences, acknowledged_at IS NOT NULL FROM oc_trendyol_alerts \
         ORDER BY alert_id",
    )
    .await;
    assert_eq!(
        alerts,
        vec![
            ("queue.dead.ORDER_CREATED".into(), 2, Some(1)),
            ("queue.dead.full_sync".into(), 1, Some(0)),
            ("queue.dead.ORDER_CREATED".into(), 1, Some(0)),
        ]
    );
    let stats = queue::stats(&db).await.unwrap();
    assert_eq!(stats.dead(), 4);
    db.close().await;
    tdb.drop_database().await;
}

#[tokio::test]
async fn dead_jobs_are_listed_replayed_and_discarded() {
    let (tdb, db) = setup().await;
    let mut ids = Vec::new();
    for n in 0..3 {
        ids.push(
            queue::enqueue(
                &db,
                &NewJob::new(EventType::ProductRejected, json!({ "n": n })),
            )
            .await
            .unwrap()
            .id,
        );
    }
    for _ in 0..3 {
        let job = claim_one(&db, "w", LONG).await.unwrap();
        queue::fail(&db, &job, FailureClass::Permanent, "rejected")
            .await
            .unwrap();
    }
    let dead = queue::dead_jobs(&db, 10, 0).await.unwrap();
    assert_eq!(dead.len(), 3);
    assert!(dead.iter().all(|d| d.kind == "PRODUCT_REJECTED"
        && d.error_class == "permanent"
        && d.last_error.as_deref() == Some("rejected")
        && d.attempts == 1));
    assert_eq!(dead[0].job_kind(), EventType::ProductRejected.into());
    assert_eq!(queue::dead_jobs(&db, 2, 2).await.unwrap().len(), 1);

    // Replay: back to pending with a fresh budget; a second click does nothing.
    assert_eq!(queue::replay(&db, &[ids[0], ids[0]]).await.unwrap(), 1);
    assert_eq!(queue::replay(&db, &[ids[0]]).await.unwrap(), 0);
    assert_eq!(status_of(&tdb, ids[0]).await, ("pending".to_string(), 0));
    let job = claim_one(&db, "w", LONG).await.unwrap();
    assert_eq!((job.id, job.attempts), (ids[0], 1));
    assert_eq!(job.payload, json!({"n": 0}));
    // Only dead jobs can be replayed or discarded: a running one is untouched.
    assert_eq!(queue::discard(&db, &[ids[0]]).await.unwrap(), 0);
    queue::complete(&db, &job).await.unwrap();

    assert_eq!(queue::discard(&db, &[ids[1], 999_999]).await.unwrap(), 1);
    assert_eq!(status_of(&tdb, ids[1]).await.0, "discarded");
    let processed: Vec<u8> = sql(
        &tdb,
        &format!(
            "SELECT processed_at IS NOT NULL FROM oc_trendyol_sync_queue WHERE queue_id = {}",
            ids[1]
        ),
    )
    .await;
    assert_eq!(processed, vec![1]);
    let dead = queue::dead_jobs(&db, 10, 0).await.unwrap();
    assert_eq!(dead.iter().map(|d| d.id).collect::<Vec<_>>(), vec![ids[2]]);
    db.close().await;
    tdb.drop_database().await;
}

#[tokio::test]
async fn stats_count_per_priority_and_status() {
    let (tdb, db) = setup().await;
    for kind in [
        EventType::OrderCreated,
        EventType::OrderCreated,
        EventType::OrderStatusChanged,
        EventType::PriceUpdated,
    ] {
        queue::enqueue(&db, &NewJob::new(kind, json!({})))
            .await
            .unwrap();
    }
    queue::enqueue(
        &db,
        &NewJob::new(EventType::ProductApproved, json!({})).delay(Duration::from_secs(300)),
    )
    .await
    .unwrap();
    exec(
        &tdb,
        "UPDATE oc_trendyol_sync_queue SET available_at = NOW(3) - INTERVAL 90 SECOND \
         WHERE priority = 1 ORDER BY queue_id LIMIT 1",
    )
    .await;
    let running = queue::claim(&db, "w", LONG, 1, Some(2..=2)).await.unwrap();
    let price = queue::claim(&db, "w", LONG, 1, Some(3..=3)).await.unwrap();
    queue::fail(&db, &price[0], FailureClass::Poison, "bad")
        .await
        .unwrap();

    let stats = queue::stats(&db).await.unwrap();
    assert_eq!(running.len(), 1);
    let p: Vec<(u8, u64, u64, u64, u64)> = stats
        .by_priority
        .iter()
        .map(|p| (p.priority, p.pending, p.ready, p.running, p.dead))
        .collect();
    assert_eq!(
        p,
        vec![
            (1, 2, 2, 0, 0),
            (2, 0, 0, 1, 0),
            (3, 0, 0, 0, 1),
            (4, 1, 0, 0, 0)
        ]
    );
    let age = stats.by_priority[0].oldest_ready_age_secs.unwrap();
    assert!((89.0..120.0).contains(&age), "{age}");
    assert_eq!(stats.by_status["pending"], 3);
    assert_eq!(stats.by_status["running"], 1);
    assert_eq!(stats.by_status["dead"], 1);
    assert_eq!(stats.by_status["done"], 0);
    assert_eq!(stats.pending(), 3);
    // Serializable for the PHP bridge and the admin's JSON endpoints.
    let json = serde_json::to_value(&stats).unwrap();
    assert_eq!(json["by_priority"][0]["pending"], 2);
    db.close().await;
    tdb.drop_database().await;
}

#[tokio::test]
async fn cleanup_deletes_only_old_processed_rows() {
    let (tdb, db) = setup().await;
    let jobs: Vec<NewJob> = (0..12)
        .map(|i| NewJob::new(EventType::InventoryUpdated, json!({ "i": i })))
        .collect();
    queue::enqueue_batch(&db, &jobs).await.unwrap();
    // 8 done, 2 dead, 2 still pending.
    for job in queue::claim(&db, "w", LONG, 10, None).await.unwrap() {
        if job.payload["i"].as_u64().unwrap() < 8 {
            queue::complete(&db, &job).await.unwrap();
        } else {
            queue::fail(&db, &job, FailureClass::Permanent, "no")
                .await
                .unwrap();
        }
    }
    let dead: Vec<u64> = sql(
        &tdb,
        "SELECT queue_id FROM oc_trendyol_sync_queue WHERE status = 'dead' ORDER BY queue_id",
    )
    .await;
    queue::discard(&db, &dead[..1]).await.unwrap();
    // Six done and the discarded one are 31 days old; two done are 29 days old. The remaining
    // dead row and the pending ones are old too — and must survive.
    exec(
        &tdb,
        "UPDATE oc_trendyol_sync_queue SET processed_at = NOW(3) - INTERVAL 31 DAY \
         WHERE status = 'done' ORDER BY queue_id LIMIT 6",
    )
    .await;
    exec(
        &tdb,
        "UPDATE oc_trendyol_sync_queue SET processed_at = NOW(3) - INTERVAL 29 DAY \
         WHERE status = 'done' AND processed_at > NOW(3) - INTERVAL 1 DAY",
    )
    .await;
    exec(
        &tdb,
        "UPDATE oc_trendyol_sync_queue SET processed_at = NOW(3) - INTERVAL 40 DAY, \
         created_at = NOW(3) - INTERVAL 40 DAY \
         WHERE status IN ('discarded', 'dead', 'pending')",
    )
    .await;

    let deleted = queue::cleanup(&db, queue::DEFAULT_RETENTION, 3)
        .await
        .unwrap();
    assert_eq!(deleted, 7);
    let left: Vec<(String, u64)> = sql(
        &tdb,
        "SELECT status, COUNT(*) FROM oc_trendyol_sync_queue GROUP BY status ORDER BY status",
    )
    .await;
    assert_eq!(
        left,
        vec![
            ("dead".into(), 1),
            ("done".into(), 2),
            ("pending".into(), 2)
        ]
    );
    assert_eq!(
        queue::cleanup(&db, queue::DEFAULT_RETENTION, 3)
            .await
            .unwrap(),
        0
    );
    db.close().await;
    tdb.drop_database().await;
}

#[tokio::test]
async fn work_once_runs_a_handler_under_the_lease() {
    let (tdb, db) = setup().await;
    assert_eq!(
        queue::work_once(&db, "w", LONG, |_| async { Ok(()) })
            .await
            .unwrap(),
        WorkOutcome::Idle
    );
    let ok = queue::enqueue(&db, &NewJob::new(EventType::OrderCreated, json!({})))
        .await
        .unwrap()
        .id;
    let bad = queue::enqueue(&db, &NewJob::new(EventType::PriceUpdated, json!({})))
        .await
        .unwrap()
        .id;
    let outcome = queue::work_once(&db, "w", LONG, |job| async move {
        assert_eq!(job.kind, JobKind::Event(EventType::OrderCreated));
        Ok(())
    })
    .await
    .unwrap();
    assert_eq!(outcome, WorkOutcome::Completed { id: ok });
    let outcome = queue::work_once(&db, "w", LONG, |_| async {
        Err(JobError::from(meschain_engine::Error::Internal(
            "broken invariant".into(),
        )))
    })
    .await
    .unwrap();
    assert_eq!(
        outcome,
        WorkOutcome::Failed {
            id: bad,
            outcome: FailOutcome::Dead
        }
    );
    let rows: Vec<(String, String)> = sql(
        &tdb,
        &format!("SELECT status, error_class FROM oc_trendyol_sync_queue WHERE queue_id = {bad}"),
    )
    .await;
    assert_eq!(rows, vec![("dead".into(), "poison".into())]);
    db.close().await;
    tdb.drop_database().await;
}

/// Found by the chaos suite: after a 429 the shop-wide rate limit pauses every call for a while,
/// and a worker's short run refused its calls before they left — failing each claimed job, which
/// spent an attempt every time and sent a whole queue of order events to the dead letter within
/// minutes although Trendyol was never asked. A refusal hands the attempt back.
#[tokio::test]
async fn a_call_refused_before_it_left_costs_no_attempt() {
    let (tdb, db) = setup().await;
    let id = queue::enqueue(
        &db,
        &NewJob::new(EventType::OrderCreated, json!({"package_id": 7})).max_attempts(2),
    )
    .await
    .unwrap()
    .id;
    let refused = FailOptions {
        retry_after: Some(Duration::from_millis(1)),
        not_attempted: true,
        ..FailOptions::default()
    };
    for _ in 0..5 {
        exec(
            &tdb,
            "UPDATE oc_trendyol_sync_queue SET available_at = NOW(3)",
        )
        .await;
        let job = claim_one(&db, "w", LONG).await.unwrap();
        assert_eq!(job.attempts, 1, "the refusals before cost nothing");
        let outcome = queue::fail_with(
            &db,
            &job,
            FailureClass::Transient,
            "the shop's rate limit allows the next call in 24.6 s, after this call's deadline",
            &refused,
        )
        .await
        .unwrap();
        assert!(
            matches!(outcome, FailOutcome::Retrying { .. }),
            "{outcome:?}"
        );
    }
    assert_eq!(status_of(&tdb, id).await, ("pending".to_string(), 0));
    // A real failure still counts, and the last one still dead-letters.
    for expected in ["pending", "dead"] {
        exec(
            &tdb,
            "UPDATE oc_trendyol_sync_queue SET available_at = NOW(3)",
        )
        .await;
        let job = claim_one(&db, "w", LONG).await.unwrap();
        queue::fail(&db, &job, FailureClass::Transient, "HTTP 500")
            .await
            .unwrap();
        assert_eq!(status_of(&tdb, id).await.0, expected);
    }
    db.close().await;
    tdb.drop_database().await;
}
