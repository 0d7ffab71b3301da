//! Which database servers MesChain runs on, checked before the schema is touched.
//!
//! The migrations use MariaDB's `CREATE INDEX IF NOT EXISTS` and `ADD COLUMN IF NOT EXISTS`,
//! and the job queue claims with `SKIP LOCKED` (MariaDB 10.6). On another server the first
//! of those statements would fail half-way through an install with a bare syntax error; the
//! check turns that into one sentence the shop owner can act on, before anything is written.

use crate::error::{Error, Result};

/// The oldest MariaDB release with everything the schema and the queue use.
pub const MIN_MARIADB: (u32, u32) = (10, 6);

/// Accepts the text of `SELECT VERSION()` when the server is MariaDB [`MIN_MARIADB`] or newer.
pub fn check_version(version: &str) -> Result<()> {
    let text = version.trim();
    if !text.to_ascii_lowercase().contains("mariadb") {
        return Err(Error::Config(format!(
            "MesChain needs MariaDB {}.{} or newer; this database server reports version \
             \"{text}\" (MySQL is not supported yet)",
            MIN_MARIADB.0, MIN_MARIADB.1
        )));
    }
    // Some servers and proxies put a "5.5.5-" compatibility prefix before MariaDB's version.
    let numbers = text.strip_prefix("5.5.5-").unwrap_or(text);
    let mut parts = numbers
        .split(|c: char| !c.is_ascii_digit())
        .map(|p| p.parse::<u32>().ok());
    let found = match (parts.next().flatten(), parts.next().flatten()) {
        (Some(major), Some(minor)) => (major, minor),
        _ => {
            return Err(Error::Config(format!(
                "cannot read the MariaDB version from \"{text}\"; MesChain needs {}.{} or newer",
                MIN_MARIADB.0, MIN_MARIADB.1
            )))
        }
    };
    if found < MIN_MARIADB {
        return Err(Error::Config(format!(
            "MesChain needs MariaDB {}.{} or newer; this server is MariaDB {}.{} (\"{text}\")",
            MIN_MARIADB.0, MIN_MARIADB.1, found.0, found.1
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn supported_mariadb_versions_pass() {
        for v in [
            "10.11.19-MariaDB-0+deb12u1",
            "10.6.0-MariaDB",
            "11.4.2-MariaDB-ubu2404",
            "5.5.5-10.11.6-MariaDB",
            " 10.6.18-MariaDB-log\n",
        ] {
            assert!(check_version(v).is_ok(), "{v}");
        }
    }

    #[test]
    fn older_mariadb_is_refused_with_both_versions_named() {
        let message = check_version("10.5.23-MariaDB").unwrap_err().to_string();
        assert!(message.contains("MariaDB 10.6 or newer"), "{message}");
        assert!(message.contains("MariaDB 10.5"), "{message}");
        assert!(check_version("10.3.39-MariaDB-0+deb10u1").is_err());
        assert!(check_version("5.5.5-10.4.1-MariaDB").is_err());
    }

    #[test]
    fn mysql_and_unreadable_versions_are_refused() {
        let message = check_version("8.0.36").unwrap_err().to_string();
        assert!(message.contains("MySQL is not supported"), "{message}");
        assert!(message.contains("\"8.0.36\""), "{message}");
        assert!(check_version("5.7.44-log").is_err());
        assert!(check_version("").is_err());
        let message = check_version("MariaDB").unwrap_err().to_string();
        assert!(message.contains("cannot read"), "{message}");
    }
}
