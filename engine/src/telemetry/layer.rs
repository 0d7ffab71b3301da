//! The `tracing` layer that writes one line per event into the job's own log file.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime};

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::Context;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::Layer;

use super::names::{job_log_names, DEFAULT_LOG_NAME};
use super::redact::{is_sensitive_field, scrub, MASK};

/// How often an open file is checked for having been rotated away.
const ROTATION_CHECK: Duration = Duration::from_secs(1);

/// Where lines go: a directory and the open files in it.
#[derive(Default)]
pub struct LogSink {
    dir: RwLock<Option<PathBuf>>,
    debug: AtomicBool,
    files: Mutex<HashMap<&'static str, OpenLog>>,
}

struct OpenLog {
    path: PathBuf,
    file: File,
    inode: u64,
    checked: Instant,
}

impl LogSink {
    pub(super) fn set_dir(&self, dir: PathBuf) {
        let mut current = self.dir.write().unwrap_or_else(|p| p.into_inner());
        if current.as_ref() != Some(&dir) {
            *current = Some(dir);
            self.files.lock().unwrap_or_else(|p| p.into_inner()).clear();
        }
    }

    pub(super) fn dir(&self) -> Option<PathBuf> {
        self.dir.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub(super) fn set_debug(&self, debug: bool) {
        self.debug.store(debug, Ordering::Relaxed);
    }

    fn write_line(&self, name: &'static str, line: &str) {
        let Some(dir) = self.dir() else { return };
        let mut files = self.files.lock().unwrap_or_else(|p| p.into_inner());
        let path = dir.join(format!("{name}.log"));
        let stale = match files.get_mut(name) {
            None => true,
            Some(open) if open.path != path => true,
            Some(open) if open.checked.elapsed() >= ROTATION_CHECK => {
                open.checked = Instant::now();
                // Rotated (renamed or deleted) files are reopened at the original path.
                !matches!(std::fs::metadata(&path), Ok(m) if m.ino() == open.inode)
            }
            Some(_) => false,
        };
        if stale {
            files.remove(name);
            let opened = OpenOptions::new().create(true).append(true).open(&path);
            match opened {
                Ok(file) => {
                    let inode = file.metadata().map(|m| m.ino()).unwrap_or(0);
                    files.insert(
                        name,
                        OpenLog {
                            path,
                            file,
                            inode,
                            checked: Instant::now(),
                        },
                    );
                }
                Err(_) => return, // never let logging fail a job
            }
        }
        if let Some(open) = files.get_mut(name) {
            // One write per line keeps lines whole when several processes append to one file.
            let _ = open.file.write_all(line.as_bytes());
        }
    }
}

/// Span data the layer needs: which job file, and the run id for every line.
#[derive(Clone)]
struct JobTag {
    name: &'static str,
    run_id: u64,
}

/// Routes events to `<dir>/<job>.log`.
pub struct JobFileLayer {
    sink: &'static LogSink,
}

impl JobFileLayer {
    pub fn new(sink: &'static LogSink) -> Self {
        JobFileLayer { sink }
    }
}

impl<S> Layer<S> for JobFileLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        id: &tracing::span::Id,
        ctx: Context<'_, S>,
    ) {
        if attrs.metadata().name() != "job" {
            return;
        }
        let mut visitor = JobVisitor::default();
        attrs.record(&mut visitor);
        let name = job_log_names()
            .find(|n| Some(*n) == visitor.job.as_deref())
            .unwrap_or(DEFAULT_LOG_NAME);
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(JobTag {
                name,
                run_id: visitor.run_id,
            });
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let level = *event.metadata().level();
        let debug = self.sink.debug.load(Ordering::Relaxed);
        if level > Level::INFO && !(debug && level == Level::DEBUG) {
            return;
        }
        let tag = ctx.event_scope(event).and_then(|scope| {
            scope
                .from_root()
                .find_map(|span| span.extensions().get::<JobTag>().cloned())
        });
        let mut line = String::with_capacity(160);
        line.push_str(&utc_timestamp(SystemTime::now()));
        let _ = write!(line, " {:<5}", level.as_str());
        if let Some(tag) = &tag {
            let _ = write!(line, " run={}", tag.run_id);
        }
        let _ = write!(line, " {}:", event.metadata().target());
        let mut fields = LineVisitor { line: &mut line };
        event.record(&mut fields);
        let mut line = scrub(&line);
        // One event is one line: embedded newlines (error chains, bodies) are escaped.
        line = line.replace('\n', "\\n");
        line.push('\n');
        let name = tag.map(|t| t.name).unwrap_or(DEFAULT_LOG_NAME);
        self.sink.write_line(name, &line);
    }
}

#[derive(Default)]
struct JobVisitor {
    job: Option<String>,
    run_id: u64,
}

impl Visit for JobVisitor {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "job" {
            self.job = Some(value.to_string());
        }
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        if field.name() == "run_id" {
            self.run_id = value;
        }
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        if field.name() == "run_id" {
            self.run_id = value.max(0) as u64;
        }
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "job" {
            self.job = Some(format!("{value:?}").trim_matches('"').to_string());
        }
    }
}

struct LineVisitor<'a> {
    line: &'a mut String,
}

impl Visit for LineVisitor<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            let _ = write!(self.line, " {value}");
        } else if is_sensitive_field(field.name()) {
            let _ = write!(self.line, " {}={MASK}", field.name());
        } else {
            let _ = write!(self.line, " {}={value:?}", field.name());
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.line, " {value:?}");
        } else if is_sensitive_field(field.name()) {
            let _ = write!(self.line, " {}={MASK}", field.name());
        } else {
            let _ = write!(self.line, " {}={value:?}", field.name());
        }
    }
}

/// `2026-11-29T16:06:23.123Z`: UTC, milliseconds.
pub fn utc_timestamp(at: SystemTime) -> String {
    jiff::Timestamp::try_from(at)
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .strftime("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    #[test]
    fn timestamps_are_utc_iso() {
        let at = UNIX_EPOCH + Duration::from_millis(1_795_968_383_123);
        assert_eq!(utc_timestamp(at), "2026-11-29T16:06:23.123Z");
        assert_eq!(utc_timestamp(UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
        let leap = UNIX_EPOCH + Duration::from_secs(951_782_400); // 2000-02-29
        assert!(utc_timestamp(leap).starts_with("2000-02-29T"));
    }
}
