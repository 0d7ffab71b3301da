//! The intake's gate: refusing a bad credential without touching the database.
//!
//! The webhook route is open to the whole internet, and before this gate a request with a junk
//! credential cost a settings read and a log INSERT — so a flood of them was a write load on the
//! shop's database. The gate keeps what a refusal needs in this process's memory:
//!
//! - **the configured credential**, read with the settings and reused for
//!   [`CREDENTIAL_REFRESH`]; a good delivery reads the settings anyway and refreshes it, and a
//!   refusal by a copy older than [`RECHECK_AFTER`] reads them once more before it stands, so
//!   a credential the owner has just changed (in another process: the admin's) is honoured
//!   within about a second, while a flood costs at most one settings read a second;
//! - **failures per source** (the peer address): [`FAILURE_LIMIT`] refusals within
//!   [`FAILURE_WINDOW`] put the source in a cool-down of [`COOLDOWN`], answered 429 with
//!   `Retry-After` without checking anything. A source presenting the right credential during
//!   its cool-down is still let in when that credential is a strong one (24 characters or more:
//!   no flood can guess it, and a shop behind a proxy sees Trendyol and an attacker as one
//!   address); with a short credential from before the length rule, the cool-down holds for
//!   everyone, so guessing it is slowed to a few tries a minute;
//! - **refusals waiting to be logged**, written as one aggregated row per [`LOG_INTERVAL`] (how
//!   many, why, from where) instead of a row per request. The first refusal after a quiet
//!   interval is written at once, so a lone misconfigured sender still shows up in the log
//!   straight away; what follows it is written by the first request after the interval ends.
//!
//! All of this is per process: PHP's workers (php-fpm, `php -S`) are long-lived and the engine
//! lives in each of them as an extension, so the state survives between requests of a worker
//! but is not shared between workers — with N workers a source gets N times the tries before
//! every worker has cooled it down, which still bounds the load. The state is keyed by the
//! shop (database, prefix and overrides), not held by an `Engine`: a worker keeps one engine
//! per configuration (see [`crate::engine_cache`]), but an edited configuration is a new engine
//! for the same shop, and its gate must carry over.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::auth::{self, AuthOutcome, Credential};
use super::log::{insert_log, LogPackage};
use super::verdict::Verdict;
use super::Delivery;
use crate::shop::Shop;
use crate::telemetry;

/// How long a credential read from the settings is trusted without reading them again.
pub const CREDENTIAL_REFRESH: Duration = Duration::from_secs(10);
/// A refusal by a copy of the credential older than this reads the settings again first, so a
/// credential the owner has just changed works within about a second; a flood of refusals
/// costs at most one settings read per this time and process.
pub const RECHECK_AFTER: Duration = Duration::from_secs(1);
/// Refusals from one source within [`FAILURE_WINDOW`] that start its cool-down.
pub const FAILURE_LIMIT: u32 = 20;
pub const FAILURE_WINDOW: Duration = Duration::from_secs(60);
/// How long a source that kept failing is answered 429. Trendyol retries a failed delivery
/// about every five minutes, so a legitimate sender caught in it loses nothing.
pub const COOLDOWN: Duration = Duration::from_secs(60);
/// At most one aggregated log row of refusals per this interval (per process).
pub const LOG_INTERVAL: Duration = Duration::from_secs(60);
/// Sources remembered at once; past this, expired ones are forgotten and, if none has expired,
/// new ones are counted under one shared entry (so memory stays bounded under a spread flood).
const MAX_SOURCES: usize = 10_000;
const OVERFLOW_SOURCE: &str = "(other sources)";
/// Sources named in an aggregated log row.
const LOGGED_SOURCES: usize = 5;

/// Every shop's gate in this process, by [`Shop::gate_key`].
static GATES: Mutex<BTreeMap<String, Gate>> = Mutex::new(BTreeMap::new());

/// One source's standing.
#[derive(Debug, Clone)]
struct Source {
    window_start: Instant,
    failures: u32,
    blocked_until: Option<Instant>,
}

/// Refusals not yet written to the log.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Pending {
    pub refused: u64,
    /// Requests answered 429 (the rest were 401).
    pub cooled: u64,
    pub by_reason: BTreeMap<&'static str, u64>,
    pub by_source: HashMap<String, u64>,
    pub body_bytes: u64,
    /// The reason of the first refusal (the whole reason when there is only one).
    pub first_reason: &'static str,
    pub since: Option<Instant>,
}

/// One shop's gate in this process.
#[derive(Debug, Default)]
pub struct Gate {
    credential: Option<(Credential, Instant)>,
    sources: HashMap<String, Source>,
    pending: Pending,
    last_flush: Option<Instant>,
    /// When the settings were last read for the credential (successfully or not).
    last_attempt: Option<Instant>,
}

/// What the gate says about a request before the intake looks at it.
#[derive(Debug, Clone, PartialEq)]
pub enum Screen {
    /// Let it through to the intake (which reads the settings and checks again).
    Pass,
    /// Refused here: answer this verdict.
    Refuse(Verdict),
}

const COOLDOWN_REASON: &str = "too many failed attempts";

impl Gate {
    /// The configured credential, and when it was read, while it is fresh enough to use.
    pub fn credential(&self, now: Instant) -> Option<(Credential, Instant)> {
        self.credential
            .clone()
            .filter(|(_, at)| now.saturating_duration_since(*at) < CREDENTIAL_REFRESH)
    }

    pub fn remember(&mut self, credential: Credential, now: Instant) {
        self.credential = Some((credential, now));
    }

    /// Seconds left of `source`'s cool-down, if it is in one.
    pub fn cooling(&self, source: &str, now: Instant) -> Option<u64> {
        let until = self.sources.get(source)?.blocked_until?;
        (until > now).then(|| until.duration_since(now).as_secs().max(1))
    }

    /// Counts one refusal of `source` (and starts its cool-down at the limit).
    pub fn fail(&mut self, source: &str, reason: &'static str, bytes: u64, now: Instant) {
        if !self.sources.contains_key(source) && self.sources.len() >= MAX_SOURCES {
            self.sources.retain(|_, s| {
                s.blocked_until.is_some_and(|u| u > now)
                    || now.saturating_duration_since(s.window_start) < FAILURE_WINDOW
            });
        }
        let key = if self.sources.contains_key(source) || self.sources.len() < MAX_SOURCES {
            source
        } else {
            OVERFLOW_SOURCE
        };
        let entry = self.sources.entry(key.to_string()).or_insert(Source {
            window_start: now,
            failures: 0,
            blocked_until: None,
        });
        if now.saturating_duration_since(entry.window_start) >= FAILURE_WINDOW {
            entry.window_start = now;
            entry.failures = 0;
        }
        entry.failures += 1;
        if entry.failures >= FAILURE_LIMIT {
            entry.blocked_until = Some(now + COOLDOWN);
            entry.window_start = now;
            entry.failures = 0;
        }
        self.note(source, reason, bytes, false, now);
    }

    /// Counts one request answered 429 during a cool-down.
    pub fn cooled(&mut self, source: &str, bytes: u64, now: Instant) {
        self.note(source, COOLDOWN_REASON, bytes, true, now);
    }

    /// A source that presented the right credential is forgiven its failures.
    pub fn succeeded(&mut self, source: &str) {
        if let Some(s) = self.sources.get_mut(source) {
            s.failures = 0;
        }
    }

    fn note(&mut self, source: &str, reason: &'static str, bytes: u64, cooled: bool, now: Instant) {
        let p = &mut self.pending;
        if p.refused == 0 {
            p.first_reason = reason;
            p.since = Some(now);
        }
        p.refused += 1;
        p.cooled += u64::from(cooled);
        *p.by_reason.entry(reason).or_default() += 1;
        if p.by_source.len() < MAX_SOURCES || p.by_source.contains_key(source) {
            *p.by_source.entry(source.to_string()).or_default() += 1;
        } else {
            *p.by_source.entry(OVERFLOW_SOURCE.to_string()).or_default() += 1;
        }
        p.body_bytes = p.body_bytes.saturating_add(bytes);
    }

    /// The refusals to log now, if a row is due: the first after a quiet interval at once, then
    /// at most one per [`LOG_INTERVAL`].
    pub fn due(&mut self, now: Instant) -> Option<Pending> {
        if self.pending.refused == 0 {
            return None;
        }
        if let Some(last) = self.last_flush {
            if now.saturating_duration_since(last) < LOG_INTERVAL {
                return None;
            }
        }
        self.last_flush = Some(now);
        Some(std::mem::take(&mut self.pending))
    }
}

impl Pending {
    /// The log row's address: the only source, or the busiest one.
    pub fn top_source(&self) -> String {
        self.ranked()
            .first()
            .map(|(s, _)| s.clone())
            .unwrap_or_default()
    }

    fn ranked(&self) -> Vec<(String, u64)> {
        let mut sources: Vec<(String, u64)> = self
            .by_source
            .iter()
            .map(|(s, n)| (s.clone(), *n))
            .collect();
        sources.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        sources
    }

    /// The log row's reason: a lone refusal's own reason, else a summary naming the counts,
    /// the reasons and the busiest sources (never a presented value).
    pub fn summary(&self, now: Instant) -> String {
        if self.refused == 1 {
            return self.first_reason.to_string();
        }
        let seconds = self
            .since
            .map_or(0, |s| now.saturating_duration_since(s).as_secs());
        let reasons: Vec<String> = self
            .by_reason
            .iter()
            .map(|(r, n)| format!("{r} ×{n}"))
            .collect();
        let ranked = self.ranked();
        let top: Vec<String> = ranked
            .iter()
            .take(LOGGED_SOURCES)
            .map(|(s, n)| format!("{s} ×{n}"))
            .collect();
        format!(
            "{} refused deliveries in {}s from {} source{} ({}): {}",
            self.refused,
            seconds,
            ranked.len(),
            if ranked.len() == 1 { "" } else { "s" },
            reasons.join(", "),
            top.join(", ")
        )
    }
}

/// Runs `f` on this shop's gate.
fn with_gate<T>(engine: &Shop, f: impl FnOnce(&mut Gate) -> T) -> T {
    let mut gates = GATES.lock().unwrap_or_else(|p| p.into_inner());
    f(gates.entry(engine.gate_key().to_string()).or_default())
}

/// The size a request says it has (its body when there is one, else its Content-Length).
fn declared_bytes(delivery: &Delivery<'_>) -> u64 {
    if !delivery.body.is_empty() {
        return delivery.body.len() as u64;
    }
    delivery
        .header("content-length")
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0)
}

/// Looks at a request's source and credential only. Touches the database only to read the
/// settings when no fresh credential is held, and to write a due log row.
pub async fn screen(engine: &Shop, delivery: &Delivery<'_>) -> Screen {
    let now = Instant::now();
    let source = delivery.remote_ip;
    let (cooling, cached, attempted) = with_gate(engine, |g| {
        (g.cooling(source, now), g.credential(now), g.last_attempt)
    });
    // The settings are read at most once per RECHECK_AFTER, whatever the requests bring.
    let may_read = attempted.is_none_or(|at| now.saturating_duration_since(at) >= RECHECK_AFTER);

    let (credential, loaded) = match cached {
        Some(cached) => cached,
        None if cooling.is_some() => {
            return refuse_cooling(engine, delivery, cooling.unwrap_or(1)).await;
        }
        // They could not be read a moment ago: 500 (Trendyol retries), without trying again.
        None if !may_read => {
            return Screen::Refuse(Verdict::error(
                "the module settings could not be read; try again later",
            ));
        }
        None => match load(engine).await {
            Some(loaded) => loaded,
            // The intake reads them again and answers the failure as it should (500).
            None => return Screen::Pass,
        },
    };

    let mut outcome = auth::check_credential(&credential, delivery);
    if let Some(seconds) = cooling {
        // Only a strong credential may pass a cool-down (see the module's notes).
        if !(credential.is_strong() && outcome == AuthOutcome::Granted) {
            return refuse_cooling(engine, delivery, seconds).await;
        }
    } else if outcome != AuthOutcome::Granted
        && may_read
        && now.saturating_duration_since(loaded) >= RECHECK_AFTER
    {
        // The owner may just have changed the credential: a refusal by a copy older than
        // RECHECK_AFTER reads the settings once more (at most once per that time, however
        // many requests are refused meanwhile).
        match load(engine).await {
            Some((fresh, _)) => outcome = auth::check_credential(&fresh, delivery),
            // Unreadable settings are the shop's fault, not the sender's: the intake answers
            // them (500, so Trendyol retries).
            None => return Screen::Pass,
        }
    }
    match outcome {
        AuthOutcome::Granted => {
            let due = with_gate(engine, |g| {
                g.succeeded(source);
                g.due(now)
            });
            write(engine, due, now).await;
            Screen::Pass
        }
        outcome => Screen::Refuse(refused(engine, delivery, outcome).await),
    }
}

/// Reads the settings for their credential and remembers it; None when they cannot be read.
async fn load(engine: &Shop) -> Option<(Credential, Instant)> {
    with_gate(engine, |g| g.last_attempt = Some(Instant::now()));
    let settings = engine.settings().await.ok()?;
    let credential = Credential::from_settings(&settings);
    let at = Instant::now();
    with_gate(engine, |g| g.remember(credential.clone(), at));
    Some((credential, at))
}

async fn refuse_cooling(engine: &Shop, delivery: &Delivery<'_>, seconds: u64) -> Screen {
    let now = Instant::now();
    let bytes = declared_bytes(delivery);
    let due = with_gate(engine, |g| {
        g.cooled(delivery.remote_ip, bytes, now);
        g.due(now)
    });
    write(engine, due, now).await;
    Screen::Refuse(Verdict::too_many(
        format!("{COOLDOWN_REASON}: try again in {seconds} s"),
        seconds,
    ))
}

/// Counts a refused credential and answers it (401); writes the log row if one is due.
pub async fn refused(engine: &Shop, delivery: &Delivery<'_>, outcome: AuthOutcome) -> Verdict {
    let now = Instant::now();
    let bytes = declared_bytes(delivery);
    let due = with_gate(engine, |g| {
        g.fail(delivery.remote_ip, outcome.reason(), bytes, now);
        g.due(now)
    });
    write(engine, due, now).await;
    Verdict::unauthorized(outcome.reason())
}

/// Remembers the credential of settings the intake has just read.
pub fn refresh(engine: &Shop, settings: &crate::config::Settings) {
    let credential = Credential::from_settings(settings);
    with_gate(engine, |g| g.remember(credential, Instant::now()));
}

/// Writes one aggregated row of refusals. A failure is only reported: the answers stand.
async fn write(engine: &Shop, pending: Option<Pending>, now: Instant) {
    let Some(pending) = pending else {
        return;
    };
    let reason = pending.summary(now);
    let source = pending.top_source();
    let status = if pending.cooled == pending.refused {
        429
    } else {
        401
    };
    tracing::warn!(remote_ip = %source, refused = pending.refused, "webhook refused: {reason}");
    let delivery = Delivery {
        body: &[],
        headers: &[],
        remote_ip: &source,
    };
    let mut verdict = Verdict::unauthorized(reason);
    verdict.http_status = status;
    let bytes = u32::try_from(pending.body_bytes).unwrap_or(u32::MAX);
    let result = async {
        let db = engine.database()?;
        db.timed("logging refused webhooks", async {
            let mut conn = db.conn().await?;
            insert_log(
                &db,
                &mut conn,
                &delivery,
                &verdict,
                &LogPackage::refusals(bytes),
            )
            .await
        })
        .await
    }
    .await;
    if let Err(e) = result {
        tracing::warn!(
            error = %telemetry::redact::scrub(&e.to_string()),
            "webhook refusals could not be logged"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_source_that_keeps_failing_cools_down_and_comes_back() {
        let mut gate = Gate::default();
        let t0 = Instant::now();
        for i in 0..FAILURE_LIMIT - 1 {
            gate.fail(
                "198.51.100.1",
                "wrong credentials",
                10,
                t0 + Duration::from_millis(i.into()),
            );
            assert_eq!(gate.cooling("198.51.100.1", t0), None);
        }
        gate.fail("198.51.100.1", "wrong credentials", 10, t0);
        assert_eq!(gate.cooling("198.51.100.1", t0), Some(COOLDOWN.as_secs()));
        // Another source is not affected.
        assert_eq!(gate.cooling("198.51.100.2", t0), None);
        assert_eq!(gate.cooling("198.51.100.1", t0 + COOLDOWN), None);
    }

    #[test]
    fn failures_spread_wider_than_the_window_never_cool_down() {
        let mut gate = Gate::default();
        let t0 = Instant::now();
        let step = FAILURE_WINDOW / FAILURE_LIMIT * 2;
        for i in 0..(FAILURE_LIMIT * 3) {
            let now = t0 + step * i;
            gate.fail("198.51.100.1", "missing credentials", 0, now);
            assert_eq!(gate.cooling("198.51.100.1", now), None, "failure {i}");
        }
    }

    #[test]
    fn refusals_are_logged_once_at_first_then_once_per_interval() {
        let mut gate = Gate::default();
        let t0 = Instant::now();
        gate.fail("198.51.100.1", "missing credentials", 5, t0);
        let first = gate.due(t0).expect("the first refusal is logged at once");
        assert_eq!(first.refused, 1);
        assert_eq!(first.summary(t0), "missing credentials");
        for i in 1..=1000u64 {
            let now = t0 + Duration::from_millis(i * 50);
            let source = if i % 4 == 0 {
                "203.0.113.9"
            } else {
                "198.51.100.1"
            };
            gate.fail(source, "wrong credentials", 5, now);
            if now.duration_since(t0) < LOG_INTERVAL {
                assert_eq!(gate.due(now), None, "refusal {i} waits for the interval");
            }
        }
        let later = t0 + LOG_INTERVAL + Duration::from_secs(1);
        let rest = gate.due(later).expect("a row once the interval is over");
        assert_eq!(rest.refused, 1000);
        assert_eq!(rest.by_reason["wrong credentials"], 1000);
        assert_eq!(rest.body_bytes, 5000);
        assert_eq!(rest.top_source(), "198.51.100.1");
        let text = rest.summary(later);
        assert!(text.starts_with("1000 refused deliveries in "), "{text}");
        assert!(text.contains("from 2 sources"), "{text}");
        assert!(
            text.contains("198.51.100.1 ×750, 203.0.113.9 ×250"),
            "{text}"
        );
        assert_eq!(gate.due(later + LOG_INTERVAL), None, "nothing left");
    }

    #[test]
    fn memory_stays_bounded_under_a_spread_flood() {
        let mut gate = Gate::default();
        let t0 = Instant::now();
        for i in 0..(MAX_SOURCES + 500) {
            gate.fail(&format!("2001:db8::{i:x}"), "wrong credentials", 0, t0);
        }
        assert!(gate.sources.len() <= MAX_SOURCES + 1);
        assert!(gate.pending.by_source.len() <= MAX_SOURCES + 1);
        assert!(gate.sources.contains_key(OVERFLOW_SOURCE));
    }

    #[test]
    fn a_credential_is_trusted_for_the_refresh_time_only() {
        let mut gate = Gate::default();
        let t0 = Instant::now();
        let settings = crate::config::Settings::default();
        gate.remember(Credential::from_settings(&settings), t0);
        assert_eq!(
            gate.credential(t0 + CREDENTIAL_REFRESH / 2)
                .map(|(_, at)| at),
            Some(t0)
        );
        assert!(gate.credential(t0 + CREDENTIAL_REFRESH).is_none());
    }
}
