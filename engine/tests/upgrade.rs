//! Upgrading keeps the shop's data. A shop of the previous release has the schema its
//! migrations built — every migration but the newest — and months of rows in it: settings,
//! mappings, queued and dead jobs, sync history, imported orders. This build's `migrate()` must
//! apply only what is new, once, and leave every one of those rows exactly as it was.
//!
//! The old schema is built from the previous release's part of the hand-install script (the
//! same statements its migrations ran), and every table of it gets a row with a value in every
//! column, so a new migration that rewrites, truncates or drops anything in any table fails
//! here, whichever table it is.

use std::collections::BTreeMap;

use meschain_engine::db::migrations::{install_sql, latest_version};
use meschain_engine::testing::TestDatabase;
use meschain_engine::Engine;
use mysql_async::prelude::*;

/// The schema version of release N-1: everything but the newest migration.
fn previous_release() -> u32 {
    latest_version() - 1
}

/// The statements that built release N-1's schema: the hand-install script up to the newest
/// migration (it holds every migration's statements and version rows, in order).
fn previous_release_sql(prefix: &str) -> Vec<String> {
    let sql = install_sql(prefix);
    let cut = sql
        .find(&format!("-- Migration {}:", latest_version()))
        .expect("the install script names every migration");
    sql[..cut]
        .split(";\n\n")
        .map(|s| s.trim().to_string())
        .filter(|s| {
            s.lines()
                .any(|l| !l.trim().is_empty() && !l.starts_with("--"))
        })
        .collect()
}

/// `table => columns` of MesChain's tables, in column order.
async fn meschain_columns(conn: &mut mysql_async::Conn) -> BTreeMap<String, Vec<Column>> {
    let rows: Vec<(String, String, String, String, String)> = conn
        .query(
            "SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, EXTRA FROM information_schema.COLUMNS \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE 'oc\\_trendyol\\_%' \
             ORDER BY TABLE_NAME, ORDINAL_POSITION",
        )
        .await
        .unwrap();
    let mut out: BTreeMap<String, Vec<Column>> = BTreeMap::new();
    for (table, name, data_type, column_type, extra) in rows {
        out.entry(table).or_default().push(Column {
            name,
            data_type,
            column_type,
            extra,
        });
    }
    out
}

struct Column {
    name: String,
    data_type: String,
    column_type: String,
    extra: String,
}

impl Column {
    /// A value of the column's type that fits it (a JSON text where text may be checked as
    /// JSON), or None for a column the database fills itself.
    fn sample(&self) -> Option<String> {
        let extra = self.extra.to_ascii_lowercase();
        if extra.contains("auto_increment") || extra.contains("generated") {
            return None;
        }
        let width = self
            .column_type
            .split(['(', ')'])
            .nth(1)
            .and_then(|w| w.split(',').next())
            .and_then(|w| w.trim().parse::<usize>().ok());
        Some(match self.data_type.as_str() {
            "tinyint" => "1".into(),
            "smallint" | "mediumint" | "int" | "bigint" | "decimal" | "float" | "double" => {
                "7".into()
            }
            "datetime" | "timestamp" => "'2026-01-02 03:04:05'".into(),
            "date" => "'2026-01-02'".into(),
            "time" => "'03:04:05'".into(),
            "enum" | "set" => {
                let first = self.column_type.split('\'').nth(1).unwrap_or_default();
                format!("'{first}'")
            }
            "char" | "varchar" => match width {
                Some(w) if w >= 10 => "'{\"kept\":1}'".into(),
                _ => "'k'".into(),
            },
            "binary" | "varbinary" | "blob" | "tinyblob" | "mediumblob" | "longblob" => {
                "'k'".into()
            }
            _ => "'{\"kept\":1}'".into(),
        })
    }
}

/// Columns the engine checks whenever it loads them (a saved price rule is read with the
/// settings, and one it cannot read stops every job), so the row a shop of release N-1 holds
/// there is one the admin could have saved.
fn checked_on_read(table: &str, column: &str) -> Option<&'static str> {
    match (table, column) {
        ("oc_trendyol_price_rules", "scope") => Some("'brand'"),
        ("oc_trendyol_price_rules", "rounding") => Some("'ends_99'"),
        _ => None,
    }
}

/// Every row of `table`, `columns` only, in a stable order.
async fn rows(
    conn: &mut mysql_async::Conn,
    table: &str,
    columns: &[String],
) -> Vec<Vec<mysql_async::Value>> {
    let list = columns
        .iter()
        .map(|c| format!("`{c}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let result: Vec<mysql_async::Row> = conn
        .query(format!("SELECT {list} FROM `{table}` ORDER BY {list}"))
        .await
        .unwrap();
    result.into_iter().map(|r| r.unwrap()).collect()
}

/// The settings a shop of release N-1 saved (module_meschain rows of OpenCart's oc_setting).
const SETTINGS: &[(&str, &str)] = &[
    ("status", "1"),
    ("environment", "sandbox"),
    ("sandbox_url", "http://127.0.0.1:9"),
    ("seller_id", "1001"),
    ("api_key", "kept-api-key"),
    ("api_secret", "kept-api-secret"),
    ("batch_size", "77"),
    ("order_sync_interval", "20"),
    ("stock_buffer", "3"),
];

#[tokio::test(flavor = "multi_thread")]
async fn an_upgrade_from_the_previous_release_keeps_every_row_and_runs_only_new_migrations() {
    let test_db = TestDatabase::with_opencart_tables().await;
    let pool = test_db.pool();
    let mut conn = pool.get_conn().await.unwrap();

    // Release N-1: its schema, a row in every table, its settings.
    for statement in previous_release_sql("oc_") {
        conn.query_drop(statement.as_str())
            .await
            .unwrap_or_else(|e| panic!("{e}: {statement}"));
    }
    let before_columns = meschain_columns(&mut conn).await;
    assert!(
        before_columns.len() >= 20,
        "release N-1 has MesChain's tables: {:?}",
        before_columns.keys()
    );
    for (table, columns) in &before_columns {
        if table == "oc_trendyol_schema_version" {
            continue;
        }
        let (names, values): (Vec<String>, Vec<String>) = columns
            .iter()
            .filter_map(|c| {
                let value = checked_on_read(table, &c.name).map(str::to_string);
                value
                    .or_else(|| c.sample())
                    .map(|v| (format!("`{}`", c.name), v))
            })
            .unzip();
        conn.query_drop(format!(
            "INSERT INTO `{table}` ({}) VALUES ({})",
            names.join(", "),
            values.join(", ")
        ))
        .await
        .unwrap_or_else(|e| panic!("a row for {table}: {e}"));
    }
    for (name, value) in SETTINGS {
        conn.exec_drop(
            "INSERT INTO oc_setting (store_id, code, `key`, value, serialized) VALUES (0, 'module_meschain', ?, ?, 0)",
            (format!("module_meschain_{name}"), *value),
        )
        .await
        .unwrap();
    }
    let mut before = BTreeMap::new();
    for (table, columns) in &before_columns {
        let names: Vec<String> = columns.iter().map(|c| c.name.clone()).collect();
        let rows = rows(&mut conn, table, &names).await;
        if table != "oc_trendyol_schema_version" {
            assert_eq!(rows.len(), 1, "{table} holds its row");
        }
        before.insert(table.clone(), (names, rows));
    }
    let settings_before = rows(
        &mut conn,
        "oc_setting",
        &["key".to_string(), "value".to_string()],
    )
    .await;

    // Release N over it.
    let engine = Engine::new(test_db.engine_config(&[])).unwrap();
    let report = engine.migrate().await.unwrap();
    assert_eq!(
        report.applied,
        ((previous_release() + 1)..=latest_version()).collect::<Vec<_>>(),
        "only the new migrations run"
    );
    assert_eq!(report.schema_version, latest_version());
    assert!(
        engine.migrate().await.unwrap().applied.is_empty(),
        "and only once"
    );

    for (table, (names, old_rows)) in &before {
        let now = rows(&mut conn, table, names).await;
        if table == "oc_trendyol_schema_version" {
            assert_eq!(
                &now[..old_rows.len()],
                &old_rows[..],
                "the versions release N-1 applied are kept as they were"
            );
        } else {
            assert_eq!(&now, old_rows, "{table} changed in the upgrade");
        }
    }
    assert_eq!(
        rows(
            &mut conn,
            "oc_setting",
            &["key".to_string(), "value".to_string()]
        )
        .await,
        settings_before,
        "OpenCart's settings rows are untouched"
    );
    // The engine reads release N-1's settings as they were saved.
    let settings = engine.settings().await.unwrap();
    assert_eq!(settings.batch_size, 77);
    assert_eq!(settings.order_sync_interval, 20);
    assert_eq!(settings.seller_id, Some(1001));
    assert_eq!(settings.stock_buffer, 3);
    assert_eq!(settings.api_base_url(), "http://127.0.0.1:9");
    assert_eq!(
        settings.price_rules.brands.len(),
        1,
        "release N-1's price rule is read as it was saved"
    );

    drop(conn);
    engine.close().await;
    let _ = pool.disconnect().await;
    test_db.drop_database().await;
}
