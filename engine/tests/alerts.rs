//! Alerts against a real MariaDB and a real SMTP server on 127.0.0.1 (tests/smtp_sink.py, run
//! with the system's python3): deduplication, the per-alert throttle and the hourly cap, the
//! shop's own SMTP settings with AUTH, no secret in what is mailed, and the alert checks.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use meschain_engine::alerts::{self, Alert, Severity};
use meschain_engine::testing::TestDatabase;
use meschain_engine::Engine;
use mysql_async::prelude::*;

const API_SECRET: &str = "SECRET-api-7f3c9e21d4";
const SMTP_USER: &str = "alerts@shop.test";
const SMTP_PASSWORD: &str = "smtp-Pa55-word-91";

struct Sink {
    child: Child,
    port: u16,
    dir: PathBuf,
}

impl Sink {
    fn start(auth: bool) -> Sink {
        let dir = std::env::temp_dir().join(format!(
            "meschain-smtp-{}-{}",
            std::process::id(),
            rand::random::<u32>()
        ));
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/smtp_sink.py");
        let mut cmd = Command::new("python3");
        cmd.arg(script)
            .arg("--port=0")
            .arg(format!("--dir={}", dir.display()));
        if auth {
            cmd.arg(format!("--user={SMTP_USER}"))
                .arg(format!("--password={SMTP_PASSWORD}"));
        }
        let mut child = cmd.stdout(Stdio::piped()).spawn().expect("python3 runs");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .strip_prefix("LISTENING ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("sink did not start: {line:?}"));
        Sink { child, port, dir }
    }

    fn messages(&self) -> Vec<String> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        files.retain(|p| p.extension().is_some_and(|e| e == "eml"));
        files.sort_by_key(|p| {
            p.file_stem()
                .and_then(|s| s.to_str())
                .and_then(|s| s.parse::<u32>().ok())
        });
        files
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect()
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The settings every alert test starts from (later entries win).
const DEFAULTS: &[(&str, &str)] = &[
    ("alert_email", "owner@shop.test"),
    ("seller_id", "1001"),
    ("api_key", "demo-api-key"),
    ("api_secret", API_SECRET),
];

async fn shop(settings: &[(&str, &str)]) -> (TestDatabase, Engine) {
    let tdb = TestDatabase::with_opencart_tables().await;
    let mut all: Vec<(&str, &str)> = DEFAULTS.to_vec();
    all.extend_from_slice(settings);
    let config = tdb.engine_config(&all);
    let engine = Engine::new(config).unwrap();
    engine.migrate().await.unwrap();
    // Loading the settings registers their secrets with the redactor, as every run does.
    engine.settings().await.unwrap();
    (tdb, engine)
}

/// OpenCart's own mail settings, as System > Settings > Mail stores them.
async fn set_mail(tdb: &TestDatabase, values: &[(&str, &str)]) {
    let pool = tdb.pool();
    let mut conn = pool.get_conn().await.unwrap();
    for (key, value) in values {
        conn.exec_drop(
            "DELETE FROM oc_setting WHERE store_id = 0 AND code = 'config' AND `key` = ?",
            (key,),
        )
        .await
        .unwrap();
        conn.exec_drop(
            "INSERT INTO oc_setting (store_id, code, `key`, value, serialized) VALUES (0, 'config', ?, ?, 0)",
            (key, value),
        )
        .await
        .unwrap();
    }
    drop(conn);
    pool.disconnect().await.unwrap();
}

async fn smtp_shop(sink: &Sink, settings: &[(&str, &str)]) -> (TestDatabase, Engine) {
    let (tdb, engine) = shop(settings).await;
    let port = sink.port.to_string();
    set_mail(
        &tdb,
        &[
            ("config_mail_engine", "smtp"),
            ("config_mail_smtp_hostname", "127.0.0.1"),
            ("config_mail_smtp_port", port.as_str()),
            ("config_mail_smtp_username", SMTP_USER),
            ("config_mail_smtp_password", SMTP_PASSWORD),
            ("config_mail_smtp_timeout", "5"),
            ("config_email", "shop@shop.test"),
            ("config_name", "Test Mağaza"),
        ],
    )
    .await;
    (tdb, engine)
}

fn alert(key: &str, message: &str) -> Alert {
    Alert {
        alert_type: "sync_error".into(),
        severity: Severity::Error,
        title: format!("{key} failed"),
        message: message.into(),
        dedupe_key: key.into(),
    }
}

async fn wait_for(sink: &Sink, n: usize) -> Vec<String> {
    let start = Instant::now();
    loop {
        let m = sink.messages();
        if m.len() >= n || start.elapsed() > Duration::from_secs(5) {
            return m;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn rows<T: FromRow + Send + 'static>(tdb: &TestDatabase, sql: &str) -> Vec<T> {
    let pool = tdb.pool();
    let mut conn = pool.get_conn().await.unwrap();
    let r = conn.query(sql).await.unwrap();
    drop(conn);
    pool.disconnect().await.unwrap();
    r
}

#[tokio::test(flavor = "multi_thread")]
async fn alerts_are_deduplicated_until_acknowledged() {
    let (tdb, engine) = shop(&[]).await;
    let db = engine.database().unwrap();
    let a = alerts::raise(&db, &alert("sync_error.order_sync", "first"))
        .await
        .unwrap();
    assert!(a.created);
    let b = alerts::raise(&db, &alert("sync_error.order_sync", "second"))
        .await
        .unwrap();
    assert_eq!(
        (b.alert_id, b.created, b.occurrences),
        (a.alert_id, false, 2)
    );
    // Many processes raising the same condition at once still make one open alert.
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            alerts::raise(&db, &alert("dead_letter.waiting", "x"))
                .await
                .unwrap()
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let open: Vec<(String, u64, String)> = rows(
        &tdb,
        "SELECT dedupe_key, occurrences, message FROM oc_trendyol_alerts ORDER BY alert_id",
    )
    .await;
    assert_eq!(
        open,
        vec![
            ("sync_error.order_sync".into(), 2, "second".into()),
            ("dead_letter.waiting".into(), 8, "x".into())
        ]
    );
    rows::<(u8,)>(
        &tdb,
        "UPDATE oc_trendyol_alerts SET acknowledged_at = UTC_TIMESTAMP() WHERE dedupe_key = 'sync_error.order_sync'",
    )
    .await;
    let c = alerts::raise(&db, &alert("sync_error.order_sync", "third"))
        .await
        .unwrap();
    assert!(c.created && c.alert_id != a.alert_id);
    // A key is required.
    assert!(alerts::raise(&db, &alert(" ", "x")).await.is_err());
    engine.close().await;
    tdb.drop_database().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn alerts_arrive_by_smtp_throttled_capped_and_without_secrets() {
    let sink = Sink::start(true);
    let (tdb, engine) = smtp_shop(&sink, &[("alert_max_mails_per_hour", "2")]).await;
    let db = engine.database().unwrap();
    let settings = engine.settings().await.unwrap();

    // A message that carries the API secret and a customer's e-mail, as a careless error might.
    let raised = engine
        .raise_alert(&alert(
            "sync_error.order_sync",
            &format!(
                "Trendyol said no to key {API_SECRET} for package 3291832133 of ayse@example.com"
            ),
        ))
        .await
        .unwrap();
    assert!(raised.created);
    let mails = wait_for(&sink, 1).await;
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert!(
        mail.starts_with(&format!("X-Sink-Auth: {SMTP_USER}\n")),
        "{mail}"
    );
    assert!(mail.contains("X-Sink-From: shop@shop.test"), "{mail}");
    assert!(mail.contains("X-Sink-To: owner@shop.test"), "{mail}");
    assert!(
        mail.contains("Subject: [MesChain] ERROR: sync_error.order_sync failed"),
        "{mail}"
    );
    assert!(
        mail.to_ascii_lowercase().contains("from: =?utf-8?b?"),
        "the shop's name is encoded: {mail}"
    );
    // lettre wrote the headers a mail client needs.
    for header in ["Date: ", "Message-ID: <", "Auto-Submitted: auto-generated"] {
        assert!(mail.contains(header), "{header} missing: {mail}");
    }
    assert!(mail.contains("package 3291832133"), "{mail}");
    for secret in [
        API_SECRET,
        SMTP_PASSWORD,
        "ayse@example.com",
        "demo-api-key",
    ] {
        assert!(!mail.contains(secret), "{secret} leaked: {mail}");
    }

    // The same condition again: counted, not mailed again within the throttle.
    engine
        .raise_alert(&alert("sync_error.order_sync", "again"))
        .await
        .unwrap();
    let report = alerts::notify(&db, &settings).await.unwrap();
    assert_eq!(report.sent, 0);
    assert_eq!(sink.messages().len(), 1);

    // Two new conditions: the hourly cap (2) lets one more mail out.
    alerts::raise(&db, &alert("no_orders", "quiet"))
        .await
        .unwrap();
    alerts::raise(&db, &alert("dead_letter.waiting", "dead"))
        .await
        .unwrap();
    let report = alerts::notify(&db, &settings).await.unwrap();
    assert_eq!((report.sent, report.capped), (1, 1), "{report:?}");
    assert_eq!(wait_for(&sink, 2).await.len(), 2);

    // Once the throttle has passed, the repeated condition is mailed again (cap lifted here).
    rows::<(u8,)>(
        &tdb,
        "UPDATE oc_trendyol_alerts SET emailed_at = emailed_at - INTERVAL 2 HOUR, \
         last_seen_at = UTC_TIMESTAMP() WHERE dedupe_key = 'sync_error.order_sync'",
    )
    .await;
    rows::<(u8,)>(
        &tdb,
        "UPDATE oc_trendyol_alert_mails SET sent_at = sent_at - INTERVAL 2 HOUR",
    )
    .await;
    let report = alerts::notify(&db, &settings).await.unwrap();
    assert_eq!(report.sent, 2, "{report:?}");
    let mails = wait_for(&sink, 4).await;
    assert_eq!(mails.len(), 4);
    assert!(
        mails.iter().any(|m| m.contains("Seen 2 times")),
        "{mails:?}"
    );
    let log: Vec<(String, u64)> = rows(
        &tdb,
        "SELECT status, COUNT(*) FROM oc_trendyol_alert_mails GROUP BY status",
    )
    .await;
    assert_eq!(log, vec![("sent".to_string(), 4)]);
    engine.close().await;
    tdb.drop_database().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_mail_that_fails_is_retried_later_and_the_error_is_recorded() {
    let sink = Sink::start(true);
    let (tdb, engine) = smtp_shop(&sink, &[]).await;
    set_mail(&tdb, &[("config_mail_smtp_password", "wrong-password-1")]).await;
    let db = engine.database().unwrap();
    let settings = engine.settings().await.unwrap();
    alerts::raise(&db, &alert("auth.api", "refused"))
        .await
        .unwrap();
    let report = alerts::notify(&db, &settings).await.unwrap();
    assert_eq!((report.sent, report.failed), (0, 1));
    let failed: Vec<(String, String)> =
        rows(&tdb, "SELECT status, error FROM oc_trendyol_alert_mails").await;
    assert_eq!(failed[0].0, "failed");
    assert!(failed[0].1.contains("535"), "{}", failed[0].1);
    assert!(!failed[0].1.contains("wrong-password-1"));
    // The claim was given back: with the right password the next pass delivers.
    set_mail(&tdb, &[("config_mail_smtp_password", SMTP_PASSWORD)]).await;
    let report = alerts::notify(&db, &settings).await.unwrap();
    assert_eq!(report.sent, 1);
    assert_eq!(wait_for(&sink, 1).await.len(), 1);

    // Without a recipient nothing is attempted.
    let quiet = alerts::notify(
        &db,
        &meschain_engine::config::Settings::from_values(&BTreeMap::new()).unwrap(),
    )
    .await
    .unwrap();
    assert!(quiet.skipped.is_some());
    engine.close().await;
    tdb.drop_database().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_checks_find_dead_jobs_silent_order_streams_and_refused_webhooks() {
    let (tdb, engine) = shop(&[("no_order_alert_hours", "6")]).await;
    let db = engine.database().unwrap();
    let settings = engine.settings().await.unwrap();
    // Nothing wrong yet (and a shop without orders is not "silent").
    assert_eq!(alerts::run_checks(&db, &settings).await.unwrap(), 0);
    rows::<(u8,)>(
        &tdb,
        "INSERT INTO oc_trendyol_orders (seller_id, package_id, order_number, package_status, created_at, updated_at) \
         VALUES (1001, 1, '1', 'Created', UTC_TIMESTAMP() - INTERVAL 7 HOUR, UTC_TIMESTAMP())",
    )
    .await;
    rows::<(u8,)>(
        &tdb,
        "INSERT INTO oc_trendyol_sync_queue (event_type, priority, payload, status, available_at, created_at, updated_at) \
         VALUES ('order_package', 1, '{}', 'dead', NOW(3), NOW(3), NOW(3))",
    )
    .await;
    rows::<(u8,)>(
        &tdb,
        "INSERT INTO oc_trendyol_webhook_logs (received_at, http_status, verdict) VALUES (NOW(3), 401, 'unauthorized')",
    )
    .await;
    assert_eq!(alerts::run_checks(&db, &settings).await.unwrap(), 3);
    let found: Vec<(String, String)> = rows(
        &tdb,
        "SELECT alert_type, dedupe_key FROM oc_trendyol_alerts ORDER BY alert_id",
    )
    .await;
    assert_eq!(
        found,
        vec![
            ("dead_letter".into(), "dead_letter.waiting".into()),
            ("no_orders".into(), "no_orders".into()),
            ("auth_failure".into(), "auth.webhook".into()),
        ]
    );
    engine.close().await;
    tdb.drop_database().await;
}
