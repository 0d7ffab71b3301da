//! The crontab block the Setup tab offers for download: exactly the lines
//! `scripts/setup_cron_jobs.sh` writes for the same options (a test compares the two), so a
//! shop that installs by hand gets what the installer would have given it.
//!
//! Paths end up in crontab lines, which `/bin/sh` runs and where `%` means a newline; like the
//! script, only plain absolute paths are accepted rather than quoting anything.

use serde_json::{Map, Value};

use super::{bad, Input};
use crate::error::Result;

/// Hourly, a few minutes past the hour so the :00 runs have written their logs.
pub const MONITOR_SCHEDULE: &str = "5 * * * *";

const BEGIN_MARK: &str = "# BEGIN MesChain Trendyol";
const END_MARK: &str = "# END MesChain Trendyol";

/// Directories the script refuses as a log directory (it would hand them to the cron user).
const SYSTEM_DIRS: &[&str] = &[
    "/var", "/var/log", "/tmp", "/etc", "/usr", "/home", "/root", "/var/www", "/var/tmp",
];

/// What the block is made for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CronOptions {
    pub php_path: String,
    pub opencart_root: String,
    pub log_dir: String,
    /// `-d extension=…` for a PHP that does not load the extension by itself.
    pub extension: Option<String>,
    /// Where the monitor is installed.
    pub bin_dir: String,
}

impl CronOptions {
    pub fn parse(map: &Map<String, Value>) -> Result<CronOptions> {
        let input = Input::new(
            map,
            "the cron options",
            &[
                "php_path",
                "opencart_root",
                "log_dir",
                "extension",
                "bin_dir",
            ],
        )?;
        let path = |key: &str, default: Option<&str>| -> Result<String> {
            let value = input
                .text(key, 1024)?
                .or_else(|| default.map(str::to_string))
                .ok_or_else(|| bad(key, "is required"))?;
            plain_path(key, &value)?;
            Ok(value)
        };
        let php_path = path("php_path", Some("/usr/bin/php"))?;
        let opencart_root = path("opencart_root", None)?;
        let opencart_root = trim_slash(&opencart_root);
        let log_dir = trim_slash(&path("log_dir", Some("/var/log/trendyol-cron"))?);
        if log_dir.is_empty() || SYSTEM_DIRS.contains(&log_dir.as_str()) {
            return Err(bad(
                "log_dir",
                format!("{log_dir} is a system directory; pick a directory of its own"),
            ));
        }
        let extension = match input.text("extension", 1024)? {
            Some(e) => {
                plain_path("extension", &e)?;
                Some(e)
            }
            None => None,
        };
        let bin_dir = path("bin_dir", Some("/usr/local/bin"))?;
        Ok(CronOptions {
            php_path,
            opencart_root,
            log_dir,
            extension,
            bin_dir,
        })
    }
}

fn trim_slash(path: &str) -> String {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        "/".to_string()
    } else {
        trimmed.to_string()
    }
}

/// An absolute path of `[A-Za-z0-9._/+@:,=-]` only, as the script demands.
fn plain_path(key: &str, value: &str) -> Result<()> {
    let ok = value.starts_with('/')
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._/+@:,=-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(bad(
            key,
            "must be an absolute path without spaces, quotes, % or shell characters",
        ))
    }
}

/// The block, newline-terminated.
pub fn cron_script(options: &CronOptions) -> String {
    let ext_arg = options
        .extension
        .as_ref()
        .map(|e| format!(" -d extension={e}"))
        .unwrap_or_default();
    let log_dir = &options.log_dir;
    let mut lines = vec![
        BEGIN_MARK.to_string(),
        "# Managed by scripts/setup_cron_jobs.sh: re-run it to change this block, --uninstall to remove it.".to_string(),
        format!("# Each job logs to {log_dir}/<job>.log itself; <job>.cron.log keeps what PHP prints (fatal errors)."),
    ];
    for spec in crate::jobs::JOBS {
        lines.push(format!(
            "{schedule} {php}{ext_arg} {root}/system/library/meschain/{script} --log-dir={log_dir} >> {log_dir}/{job}.cron.log 2>&1",
            schedule = spec.schedule,
            script = spec.cron_script(),
            job = spec.name,
            php = options.php_path,
            root = options.opencart_root,
        ));
    }
    let monitor_ext = options
        .extension
        .as_ref()
        .map(|e| format!(" --extension {e}"))
        .unwrap_or_default();
    lines.push(format!(
        "{MONITOR_SCHEDULE} {}/trendyol-cron-monitor --log-dir {log_dir} --php-path {} --opencart {}{monitor_ext} > /dev/null 2>> {log_dir}/monitor.cron.log",
        options.bin_dir, options.php_path, options.opencart_root
    ));
    lines.push(END_MARK.to_string());
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// The header of the Debian package's `/etc/cron.d/meschain`.
const PACKAGED_HEADER: &str = "\
# MesChain Trendyol jobs (package meschain), as the shop's web server user.
#
# They read the shop's place from /etc/meschain/meschain.conf and do nothing until OPENCART is
# set there. Each job logs to LOG_DIR/<job>.log; PHP's own output (a fatal error) goes to
# LOG_DIR/<job>.cron.log. Use either this file or the crontab block of setup_cron_jobs.sh (the
# module's Setup tab), not both. `meschain doctor` tells whether cron has run recently.
SHELL=/bin/sh
PATH=/usr/bin:/bin

";

/// The Debian package's `/etc/cron.d/meschain` (packaging/deb/cron): every job of the registry
/// on the schedule the crontab block uses, through the `meschain` command, and the monitor.
/// `meschain-tool cron-file` writes it, and `--check` fails when the committed copy is stale.
pub fn packaged_cron_file() -> String {
    let mut out = PACKAGED_HEADER.to_string();
    for job in crate::jobs::JOBS {
        out.push_str(&format!(
            "{:<12} www-data /usr/bin/meschain cron {}\n",
            job.schedule, job.name
        ));
    }
    out.push_str(
        "# The hourly health check, a few minutes past the hour so the :00 runs have written their logs.\n",
    );
    out.push_str(&format!(
        "{MONITOR_SCHEDULE:<12} www-data /usr/bin/meschain monitor\n"
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn shell_characters_and_relative_paths_are_refused() {
        for (key, value) in [
            ("opencart_root", "relative/path"),
            ("opencart_root", "/var/www/shop; rm -rf /"),
            ("php_path", "/usr/bin/php 2>&1"),
            ("log_dir", "/var/log/x%y"),
            ("log_dir", "/var/log"),
            ("opencart_root", "/var/www/$(id)"),
        ] {
            let mut map = json!({"opencart_root": "/var/www/shop"})
                .as_object()
                .unwrap()
                .clone();
            map.insert(key.into(), json!(value));
            let err = CronOptions::parse(&map).unwrap_err().to_string();
            assert!(err.contains(key), "{err}");
        }
    }
}
