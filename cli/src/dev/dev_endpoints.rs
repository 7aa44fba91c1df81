//! Dev-only introspection, served with `callwarden dev --dev-endpoints` for the load test
//! and the hostile-input tests: `GET /_dev/stats` (worker outcomes, lag, queue depth, fault
//! and request counters, lock audit) and `GET /_dev/dump` (every stored item as one line
//! of text, for the storage PII scan). Never enabled by default; requests that came through
//! a proxy or tunnel (any `Forwarded`/`X-Forwarded-*`/`X-Real-IP` header) are refused even
//! then, so a tunnelled dev server does not expose them.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use aws_sdk_dynamodb::types::AttributeValue;
use callwarden::adapters::faults::{FaultSnapshot, FaultyQueue};
use callwarden::adapters::memory_store::MemoryStore;
use callwarden::webhook::HttpAnswer;
use http::{HeaderMap, StatusCode};
use serde_json::json;

use super::lock_audit::LockAuditSnapshot;
use super::stats::DevStats;

/// Where `/_dev/dump` reads every stored item from.
pub enum DumpSource {
    /// The embedded store.
    Memory(Arc<MemoryStore>),
    /// A DynamoDB table (`--aws`), read with `Scan`.
    Dynamo {
        /// Client (endpoint from `AWS_ENDPOINT_URL_DYNAMODB`).
        client: aws_sdk_dynamodb::Client,
        /// Table name.
        table: String,
    },
}

/// A shared counter reader.
pub type Reader<T> = Arc<dyn Fn() -> T + Send + Sync>;

/// Everything the dev endpoints report on.
pub struct DevIntrospection {
    /// Worker counters and lag.
    pub stats: Arc<DevStats>,
    /// The webhook's queue wrapper (sends and injected failures).
    pub queue: Arc<FaultyQueue>,
    /// Injected storage faults.
    pub store_faults: Reader<FaultSnapshot>,
    /// The lock audit.
    pub locks: Reader<LockAuditSnapshot>,
    /// Storage requests per DynamoDB operation (real or as the in-memory store counts them).
    pub requests: Reader<BTreeMap<String, u64>>,
    /// `(waiting, in flight, waiting for a retry)` of the in-memory queue (`None` on SQS).
    pub depth: Reader<Option<(usize, usize, usize)>>,
    /// The store to dump.
    pub dump: DumpSource,
}

fn forwarded(headers: &HeaderMap) -> bool {
    [
        "forwarded",
        "x-forwarded-for",
        "x-forwarded-host",
        "x-real-ip",
    ]
    .iter()
    .any(|h| headers.contains_key(*h))
}

/// Answer `GET /_dev/...`, or `None` when `path` is not a dev endpoint.
pub async fn handle(
    dev: Option<&DevIntrospection>,
    path: &str,
    headers: &HeaderMap,
) -> Option<HttpAnswer> {
    if !path.starts_with("/_dev/") {
        return None;
    }
    let not_found = || {
        HttpAnswer::error(
            StatusCode::NOT_FOUND,
            "not_found",
            "dev endpoints are off (start with --dev-endpoints; never through a tunnel)",
        )
    };
    let Some(dev) = dev.filter(|_| !forwarded(headers)) else {
        return Some(not_found());
    };
    Some(match path {
        "/_dev/stats" => HttpAnswer::json(StatusCode::OK, &stats_json(dev)),
        "/_dev/dump" => match dump(&dev.dump).await {
            Ok(lines) => HttpAnswer {
                status: StatusCode::OK,
                content_type: "text/plain; charset=utf-8",
                body: bytes::Bytes::from(lines.join("\n")),
            },
            Err(e) => HttpAnswer::error(StatusCode::SERVICE_UNAVAILABLE, "store_unavailable", &e),
        },
        _ => not_found(),
    })
}

fn stats_json(dev: &DevIntrospection) -> serde_json::Value {
    let depth = (dev.depth)();
    json!({
        "worker": dev.stats.snapshot(),
        "queue": {
            "sends": dev.queue.counters(),
            "waiting": depth.map(|d| d.0),
            "in_flight": depth.map(|d| d.1),
            "retrying": depth.map(|d| d.2),
            "outstanding": depth.map(|d| d.0 + d.1 + d.2),
        },
        "store": { "faults": (dev.store_faults)(), "requests": (dev.requests)() },
        "locks": (dev.locks)(),
    })
}

async fn dump(source: &DumpSource) -> Result<Vec<String>, String> {
    match source {
        DumpSource::Memory(store) => store.dump_text().map_err(|e| e.to_string()),
        DumpSource::Dynamo { client, table } => {
            let mut lines = Vec::new();
            let mut start: Option<HashMap<String, AttributeValue>> = None;
            loop {
                let out = client
                    .scan()
                    .table_name(table)
                    .consistent_read(true)
                    .set_exclusive_start_key(start.take())
                    .send()
                    .await
                    .map_err(|e| {
                        format!(
                            "Scan failed: {}",
                            aws_sdk_dynamodb::error::DisplayErrorContext(&e)
                        )
                    })?;
                for item in out.items() {
                    let mut keys: Vec<&String> = item.keys().collect();
                    keys.sort();
                    let fields: Vec<String> = keys
                        .into_iter()
                        .map(|k| format!("{k}={}", render(&item[k])))
                        .collect();
                    lines.push(fields.join(" "));
                }
                match out.last_evaluated_key() {
                    Some(k) if !k.is_empty() => start = Some(k.clone()),
                    _ => return Ok(lines),
                }
            }
        }
    }
}

/// One attribute value as text: strings and numbers as they are (escaped like Rust
/// debug strings), binary as lossy UTF-8 so raw bytes are scanned too.
fn render(v: &AttributeValue) -> String {
    match v {
        AttributeValue::S(s) => format!("{s:?}"),
        AttributeValue::N(n) => n.clone(),
        AttributeValue::Bool(b) => b.to_string(),
        AttributeValue::Null(_) => "null".into(),
        AttributeValue::B(b) => format!("{:?}", String::from_utf8_lossy(b.as_ref())),
        AttributeValue::Ss(v) => format!("{v:?}"),
        AttributeValue::Ns(v) => format!("{v:?}"),
        AttributeValue::Bs(v) => format!(
            "{:?}",
            v.iter()
                .map(|b| String::from_utf8_lossy(b.as_ref()).into_owned())
                .collect::<Vec<_>>()
        ),
        AttributeValue::L(l) => format!("[{}]", l.iter().map(render).collect::<Vec<_>>().join(",")),
        AttributeValue::M(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let parts: Vec<String> = keys
                .into_iter()
                .map(|k| format!("{k:?}:{}", render(&m[k])))
                .collect();
            format!("{{{}}}", parts.join(","))
        }
        _ => "?".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_requests_are_recognised() {
        let mut h = HeaderMap::new();
        assert!(!forwarded(&h));
        h.insert("x-forwarded-for", "1.2.3.4".parse().unwrap());
        assert!(forwarded(&h));
    }

    #[test]
    fn binary_attributes_are_rendered_as_text() {
        let v = AttributeValue::B(aws_sdk_dynamodb::primitives::Blob::new(b"abc".to_vec()));
        assert_eq!(render(&v), "\"abc\"");
        let m = AttributeValue::M(HashMap::from([(
            "k".to_string(),
            AttributeValue::N("1".into()),
        )]));
        assert_eq!(render(&m), "{\"k\":1}");
    }
}
