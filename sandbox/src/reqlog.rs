//! The request log and per-endpoint counters.
//!
//! Tests and benchmarks ask the sandbox what MesChain actually sent: every `/integration`
//! request is kept with method, path, query, headers (minus `Authorization`), body, the status
//! returned and when. The log is bounded (oldest dropped first) so a benchmark cannot exhaust
//! memory; bodies are reference-counted bytes, never copied. Counters keep counting past the cap.

use bytes::Bytes;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap, VecDeque};

/// One request as received.
#[derive(Debug, Clone)]
pub struct Entry {
    pub seq: u64,
    /// Sandbox-clock ms when it arrived.
    pub at_ms: i64,
    pub method: axum::http::Method,
    pub path: String,
    pub query: Option<String>,
    pub headers: axum::http::HeaderMap,
    pub body: Bytes,
    /// 0 when no answer was sent: the connection was reset, or the request hung (hangs are
    /// logged on arrival, since the client may give up and drop the connection).
    pub status: u16,
    pub endpoint: &'static str,
    pub seller_id: Option<u64>,
    pub duration_us: u64,
}

impl Entry {
    /// The JSON form served by `GET /__sandbox/requests`.
    pub fn to_json(&self) -> Value {
        let mut headers = Map::new();
        for (k, v) in &self.headers {
            if k == axum::http::header::AUTHORIZATION {
                continue;
            }
            headers.insert(
                k.as_str().to_string(),
                Value::String(String::from_utf8_lossy(v.as_bytes()).into_owned()),
            );
        }
        let body_json = serde_json::from_slice::<Value>(&self.body).ok();
        serde_json::json!({
            "seq": self.seq,
            "timestamp": self.at_ms,
            "method": self.method.as_str(),
            "path": self.path,
            "query": self.query,
            "headers": headers,
            "body": String::from_utf8_lossy(&self.body),
            "bodyJson": body_json,
            "status": self.status,
            "endpoint": self.endpoint,
            "sellerId": self.seller_id,
            "durationUs": self.duration_us,
        })
    }
}

/// Counts by endpoint and status.
#[derive(Debug, Default, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Counters {
    pub total: u64,
    pub by_endpoint: BTreeMap<String, BTreeMap<String, u64>>,
    pub by_status: BTreeMap<String, u64>,
}

#[derive(Debug)]
pub struct RequestLog {
    cap: usize,
    next_seq: u64,
    entries: VecDeque<Entry>,
    counts: HashMap<(&'static str, u16), u64>,
    total: u64,
}

impl RequestLog {
    pub fn new(cap: usize) -> Self {
        RequestLog {
            cap,
            next_seq: 1,
            entries: VecDeque::new(),
            counts: HashMap::new(),
            total: 0,
        }
    }

    pub fn clear(&mut self) {
        let cap = self.cap;
        *self = RequestLog::new(cap);
    }

    /// Records a request (the log assigns `seq`).
    pub fn push(&mut self, mut e: Entry) {
        e.seq = self.next_seq;
        self.next_seq += 1;
        self.total += 1;
        *self.counts.entry((e.endpoint, e.status)).or_insert(0) += 1;
        if self.cap == 0 {
            return;
        }
        if self.entries.len() >= self.cap {
            self.entries.pop_front();
        }
        self.entries.push_back(e);
    }

    /// Entries matching the filters, oldest first.
    pub fn query(
        &self,
        path_prefix: Option<&str>,
        method: Option<&str>,
        since_seq: Option<u64>,
        since_ms: Option<i64>,
        limit: usize,
    ) -> Vec<Value> {
        self.entries
            .iter()
            .filter(|e| path_prefix.is_none_or(|p| e.path.starts_with(p)))
            .filter(|e| method.is_none_or(|m| e.method.as_str().eq_ignore_ascii_case(m)))
            .filter(|e| since_seq.is_none_or(|s| e.seq > s))
            .filter(|e| since_ms.is_none_or(|s| e.at_ms >= s))
            .take(limit)
            .map(Entry::to_json)
            .collect()
    }

    pub fn counters(&self) -> Counters {
        let mut c = Counters {
            total: self.total,
            ..Default::default()
        };
        for ((ep, status), n) in &self.counts {
            *c.by_endpoint
                .entry(ep.to_string())
                .or_default()
                .entry(status.to_string())
                .or_insert(0) += n;
            *c.by_status.entry(status.to_string()).or_insert(0) += n;
        }
        c
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}
