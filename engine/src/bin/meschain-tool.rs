//! `meschain-tool`: developer and operator commands over the engine library.
//!
//! The shop itself runs MesChain through PHP (the extension, the cron scripts and the admin);
//! this binary is for the people around it: generating the hand-install SQL, migrating or
//! inspecting a database from a shell, and building demo and benchmark shops.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use meschain_engine::config::{DbConfig, EngineConfig};
use meschain_engine::db::migrations::install_sql;
use meschain_engine::Engine;

#[derive(Parser)]
#[command(
    name = "meschain-tool",
    version,
    about = "MesChain developer and operator commands"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Where the shop's database is: an OpenCart config.php, or a URL.
#[derive(clap::Args)]
struct Target {
    /// Path to the shop's config.php (read as text, never executed).
    #[arg(long, conflicts_with = "db_url")]
    opencart: Option<PathBuf>,
    /// mysql://user[:password]@host[:port]/database
    #[arg(long)]
    db_url: Option<String>,
    /// Table prefix when --db-url is used.
    #[arg(long, default_value = "oc_")]
    prefix: String,
    /// Directory for log files (default: the module's log_dir setting).
    #[arg(long)]
    log_dir: Option<PathBuf>,
}

impl Target {
    fn engine(&self) -> meschain_engine::Result<Engine> {
        let mut config = match (&self.opencart, &self.db_url) {
            (Some(path), _) => {
                let db =
                    meschain_engine::config::opencart::OpenCartConfig::read(path)?.db_config()?;
                EngineConfig::new(db)
            }
            (None, Some(url)) => {
                let mut db = DbConfig::from_url(url)?;
                db.prefix = self.prefix.clone();
                EngineConfig::new(db)
            }
            (None, None) => {
                return Err(meschain_engine::Error::Config(
                    "give --opencart /path/to/config.php or --db-url mysql://...".into(),
                ))
            }
        };
        config.log_dir = self.log_dir.clone();
        Engine::new(config)
    }
}

#[derive(Subcommand)]
enum Command {
    /// Prints (or writes) install/meschain_trendyol_install.sql, generated from the migrations.
    InstallSql {
        /// Table prefix to render.
        #[arg(long, default_value = "oc_")]
        prefix: String,
        /// Write to this file instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Prints (or writes) packaging/deb/cron, the packaged cron file, from the job registry.
    CronFile {
        /// Write to this file instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
        /// Compare with this file instead: fail when it differs from what would be written.
        #[arg(long, conflicts_with = "output")]
        check: Option<PathBuf>,
    },
    /// Creates or upgrades MesChain's tables (idempotent).
    Migrate(Target),
    /// Prints the engine's status as JSON.
    Status(Target),
    /// Creates a demo or test shop: a database with OpenCart 4.0.2.3's schema and base data, a
    /// generated catalog, MesChain's tables, and a config.php pointing at it.
    Shop {
        /// mysql://user[:password]@host[:port]/database — the database is (re)created.
        #[arg(long)]
        db_url: String,
        #[arg(long, default_value = "oc_")]
        prefix: String,
        /// Number of products to generate.
        #[arg(long, default_value_t = 1000)]
        products: u32,
        /// Seed of the generated catalog (the same seed gives the same shop).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Add the Turkish lira as a currency (a fresh OpenCart has none).
        #[arg(long)]
        with_try: bool,
        /// Write the shop's config.php into this directory.
        #[arg(long)]
        config_dir: Option<PathBuf>,
        /// Drop the database first if it exists.
        #[arg(long)]
        recreate: bool,
    },
}

/// Writes `text` to `output` (or standard output), or checks that `check` holds it.
fn cron_file(
    output: Option<PathBuf>,
    check: Option<PathBuf>,
    text: &str,
) -> meschain_engine::Result<()> {
    let io = |path: &PathBuf| {
        let path = path.display().to_string();
        move |source| meschain_engine::Error::Io { path, source }
    };
    match (output, check) {
        (_, Some(path)) => {
            let committed = std::fs::read_to_string(&path).map_err(io(&path))?;
            if committed == text {
                Ok(())
            } else {
                Err(meschain_engine::Error::Config(format!(
                    "{} is not what the job registry gives: run meschain-tool cron-file --output {}",
                    path.display(),
                    path.display()
                )))
            }
        }
        (Some(path), None) => std::fs::write(&path, text).map_err(io(&path)),
        (None, None) => {
            print!("{text}");
            Ok(())
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::InstallSql { prefix, output } => {
            if let Err(e) = meschain_engine::config::validate_prefix(&prefix) {
                Err(e)
            } else {
                let sql = install_sql(&prefix);
                match output {
                    Some(path) => {
                        std::fs::write(&path, sql).map_err(|source| meschain_engine::Error::Io {
                            path: path.display().to_string(),
                            source,
                        })
                    }
                    None => {
                        print!("{sql}");
                        Ok(())
                    }
                }
            }
        }
        Command::CronFile { output, check } => cron_file(
            output,
            check,
            &meschain_engine::admin::cron_script::packaged_cron_file(),
        ),
        Command::Migrate(target) => run(&target, |engine| async move {
            let report = engine.migrate().await?;
            println!(
                "schema version {} (applied: {:?})",
                report.schema_version, report.applied
            );
            Ok(())
        }),
        Command::Shop {
            db_url,
            prefix,
            products,
            seed,
            with_try,
            config_dir,
            recreate,
        } => make_shop(
            &db_url, &prefix, products, seed, with_try, config_dir, recreate,
        ),
        Command::Status(target) => run(&target, |engine| async move {
            let status = engine.status().await?;
            println!(
                "{}",
                serde_json::to_string_pretty(&status).unwrap_or_default()
            );
            Ok(())
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("meschain-tool: {e}");
            ExitCode::from(match e.family() {
                meschain_engine::ErrorFamily::Config => 2,
                _ => 1,
            })
        }
    }
}

fn run<F, Fut>(target: &Target, work: F) -> meschain_engine::Result<()>
where
    F: FnOnce(std::sync::Arc<Engine>) -> Fut,
    Fut: std::future::Future<Output = meschain_engine::Result<()>>,
{
    let engine = std::sync::Arc::new(target.engine()?);
    meschain_engine::runtime::block_on(async {
        let result = work(engine.clone()).await;
        engine.close().await;
        result
    })?
}

fn make_shop(
    db_url: &str,
    prefix: &str,
    products: u32,
    seed: u64,
    with_try: bool,
    config_dir: Option<PathBuf>,
    recreate: bool,
) -> meschain_engine::Result<()> {
    use meschain_engine::fixtures;
    use meschain_engine::Error;
    use mysql_async::prelude::Queryable;

    let mut db = DbConfig::from_url(db_url)?;
    db.prefix = prefix.to_string();
    db.validate()?;
    if !db
        .database
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return Err(Error::Config(format!(
            "database name {:?}: use letters, digits and _",
            db.database
        )));
    }
    let unavailable = |e: mysql_async::Error| Error::DatabaseUnavailable {
        address: db.address(),
        reason: e.to_string(),
    };
    let failed = |context: &'static str| {
        move |source| Error::Database {
            context: context.into(),
            source,
        }
    };
    meschain_engine::runtime::block_on(async {
        let server = mysql_async::Pool::new(db.opts_without_database());
        let mut conn = server.get_conn().await.map_err(unavailable)?;
        if recreate {
            conn.query_drop(format!("DROP DATABASE IF EXISTS `{}`", db.database))
                .await
                .map_err(failed("dropping the shop database"))?;
        }
        conn.query_drop(format!(
            "CREATE DATABASE IF NOT EXISTS `{}` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci",
            db.database
        ))
        .await
        .map_err(failed("creating the shop database"))?;
        drop(conn);
        server.disconnect().await.ok();

        let pool = mysql_async::Pool::new(db.opts());
        let mut conn = pool.get_conn().await.map_err(unavailable)?;
        fixtures::install_opencart_schema(&mut conn, prefix).await?;
        if with_try {
            fixtures::add_currency(&mut conn, prefix, "TRY", "Türk Lirası", 30.0).await?;
        }
        let existing: Option<u64> = conn
            .query_first(format!("SELECT COUNT(*) FROM `{prefix}product`"))
            .await
            .map_err(failed("counting products"))?;
        drop(conn);
        let started = std::time::Instant::now();
        if existing.unwrap_or(0) == 0 && products > 0 {
            let spec = fixtures::CatalogSpec {
                products,
                seed,
                ..Default::default()
            };
            let summary = fixtures::generate_catalog(&pool, prefix, &spec).await?;
            eprintln!(
                "generated {} products in {:.1}s",
                summary.products,
                started.elapsed().as_secs_f64()
            );
        } else {
            eprintln!(
                "the shop already has {} products; catalog kept",
                existing.unwrap_or(0)
            );
        }
        pool.disconnect().await.ok();

        let engine = Engine::new(EngineConfig::new(db.clone()))?;
        let report = engine.migrate().await?;
        engine.close().await;
        eprintln!("MesChain schema version {}", report.schema_version);

        if let Some(dir) = config_dir {
            std::fs::create_dir_all(&dir).map_err(|source| Error::Io {
                path: dir.display().to_string(),
                source,
            })?;
            let path = dir.join("config.php");
            let root = format!("{}/", dir.display());
            std::fs::write(&path, fixtures::config_php(&db, &root)).map_err(|source| {
                Error::Io {
                    path: path.display().to_string(),
                    source,
                }
            })?;
            println!("{}", path.display());
        }
        Ok(())
    })?
}
