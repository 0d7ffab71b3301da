//! The staging-clone guard: a database copied to another place must not talk to production
//! Trendyol until an admin says so.
//!
//! # Why
//!
//! Shops copy their production database to a staging host to try an upgrade. The copy carries
//! the module's settings — the production API credentials included — so without a guard the
//! staging shop's cron would import the live orders a second time, push its test stock to the
//! live catalogue and answer live claims. Nothing in the copied data says it is a copy, so the
//! engine remembers *where* it was installed and compares on every production use.
//!
//! # How
//!
//! On first use the engine stores one row in `trendyol_installation`: a random instance id and a
//! fingerprint — a SHA-256 over the instance id, the store URL setting, the database's name and
//! the database server's identity (`@@hostname`, `@@port`). A copy of the database brings the
//! row along, but it is read from another database (or server), so the fingerprint no longer
//! matches. In the `production` environment [`Engine::trendyol`](crate::Engine::trendyol) then
//! refuses with an [`Error::Config`] naming the fix; `sandbox` and `stage` are never blocked
//! (talking to a test environment from a copy is what staging is for). An admin who moved the
//! shop on purpose confirms the new place ([`confirm`]), which stores the new fingerprint.

use mysql_async::prelude::*;
use sha2::{Digest, Sha256};

use crate::config::{Environment, Settings};
use crate::db::Database;
use crate::error::{Error, Result};

/// The table's name without prefix.
pub const TABLE: &str = "trendyol_installation";

/// The single row's key: one installation per database (and prefix).
const ROW: u8 = 1;

/// Where this database is being used from, as the fingerprint sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub store_url: String,
    pub database: String,
    pub server: String,
}

impl Place {
    /// A short human description for messages and the admin (no secrets in it).
    pub fn describe(&self) -> String {
        let url = if self.store_url.is_empty() {
            "no store URL set"
        } else {
            self.store_url.as_str()
        };
        format!("database {} on {} ({url})", self.database, self.server)
    }

    fn fingerprint(&self, instance_id: &str) -> String {
        let mut hasher = Sha256::new();
        for part in [
            instance_id,
            self.store_url.trim_end_matches('/'),
            &self.database,
            &self.server,
        ] {
            hasher.update(part.as_bytes());
            hasher.update([0]);
        }
        hex::encode(hasher.finalize())
    }
}

/// What the check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// No row yet: this use recorded the installation.
    Recorded,
    /// The row matches this place.
    Same,
    /// The row was made elsewhere; `recorded` describes where.
    Moved { recorded: String, here: String },
}

/// Reads where this database is being used from.
pub async fn place(db: &Database, settings: &Settings) -> Result<Place> {
    let mut conn = db.conn().await?;
    let row: Option<(Option<String>, Option<String>, Option<u32>)> = conn
        .query_first("SELECT DATABASE(), @@hostname, @@port")
        .await
        .map_err(Error::db("reading the database server's identity"))?;
    let (database, host, port) = row.unwrap_or((None, None, None));
    Ok(Place {
        store_url: settings.store_url.clone(),
        database: database.unwrap_or_else(|| db.database_name().to_string()),
        server: format!(
            "{}:{}",
            host.unwrap_or_default(),
            port.map(|p| p.to_string()).unwrap_or_default()
        ),
    })
}

/// Compares this place with the stored installation, recording it on first use.
pub async fn check(db: &Database, settings: &Settings) -> Result<Verdict> {
    let here = place(db, settings).await?;
    db.timed("checking the installation fingerprint", async {
        let mut conn = db.conn().await?;
        let stored: Option<(String, String, String)> = conn
            .exec_first(
                format!(
                    "SELECT instance_id, fingerprint, description FROM {} WHERE installation_id = ?",
                    db.table(TABLE)
                ),
                (ROW,),
            )
            .await
            .map_err(Error::db("reading the installation fingerprint"))?;
        match stored {
            Some((instance_id, fingerprint, description)) => {
                if here.fingerprint(&instance_id) == fingerprint {
                    Ok(Verdict::Same)
                } else {
                    Ok(Verdict::Moved {
                        recorded: description,
                        here: here.describe(),
                    })
                }
            }
            None => {
                let instance_id = new_instance_id();
                // INSERT IGNORE: two processes recording at once both end with the same row.
                conn.exec_drop(
                    format!(
                        "INSERT IGNORE INTO {} (installation_id, instance_id, fingerprint, description, \
                         created_at, confirmed_at) VALUES (?, ?, ?, ?, NOW(), NULL)",
                        db.table(TABLE)
                    ),
                    (ROW, &instance_id, here.fingerprint(&instance_id), here.describe()),
                )
                .await
                .map_err(Error::db("recording the installation fingerprint"))?;
                Ok(Verdict::Recorded)
            }
        }
    })
    .await
}

/// The guard `Engine::trendyol` applies: production from a moved database is refused.
pub async fn guard(db: &Database, settings: &Settings) -> Result<()> {
    let verdict = check(db, settings).await;
    if settings.environment != Environment::Production {
        // Test environments are never blocked; a failed check only matters for production.
        if let Err(e) = verdict {
            tracing::debug!(error = %e, "installation fingerprint not checked");
        }
        return Ok(());
    }
    match verdict? {
        Verdict::Recorded | Verdict::Same => Ok(()),
        Verdict::Moved { recorded, here } => Err(Error::Config(format!(
            "this database was installed as {recorded} but is now used as {here}: it looks like a \
             copy (a staging clone?), so MesChain refuses to call production Trendyol from it. If \
             the shop really moved, confirm the new installation with $engine->confirmInstallation() \
             (or switch the environment to sandbox/stage for a test copy)"
        ))),
    }
}

/// Accepts this place as the installation (an admin's confirmation after a move). Keeps the
/// instance id; returns the new description.
pub async fn confirm(db: &Database, settings: &Settings) -> Result<String> {
    let here = place(db, settings).await?;
    db.timed("confirming the installation", async {
        let mut conn = db.conn().await?;
        let existing: Option<String> = conn
            .exec_first(
                format!(
                    "SELECT instance_id FROM {} WHERE installation_id = ?",
                    db.table(TABLE)
                ),
                (ROW,),
            )
            .await
            .map_err(Error::db("reading the installation fingerprint"))?;
        let instance_id = existing.unwrap_or_else(new_instance_id);
        conn.exec_drop(
            format!(
                "INSERT INTO {} (installation_id, instance_id, fingerprint, description, created_at, \
                 confirmed_at) VALUES (?, ?, ?, ?, NOW(), NOW()) ON DUPLICATE KEY UPDATE \
                 fingerprint = VALUES(fingerprint), description = VALUES(description), \
                 confirmed_at = NOW()",
                db.table(TABLE)
            ),
            (ROW, &instance_id, here.fingerprint(&instance_id), here.describe()),
        )
        .await
        .map_err(Error::db("confirming the installation"))?;
        Ok(here.describe())
    })
    .await
}

/// 32 hex characters from the OS's random source.
fn new_instance_id() -> String {
    let bytes: [u8; 16] = rand::random();
    hex::encode(bytes)
}
