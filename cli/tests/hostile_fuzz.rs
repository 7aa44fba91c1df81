//! Fuzzing the HTTP-to-handler path with proptest: arbitrary methods, paths, headers and
//! bodies (raw bytes, mutated JSON, correctly signed or not) through
//! `callwarden::webhook::Webhook::handle`. The handler must never panic, must answer one
//! of its documented statuses, and every JSON answer must parse (errors as
//! `{"error", "code"}`). Bounded: `CALLWARDEN_FUZZ_CASES` cases (default 2000).

use std::sync::Arc;

use bytes::Bytes;
use callwarden::adapters::memory::MemoryQueue;
use callwarden::auth::SignedRequest;
use callwarden::clock::{Clock, ManualClock};
use callwarden::webhook::tool_runner::NoTools;
use callwarden::webhook::{IncomingRequest, Webhook, WebhookConfig, WebhookDeps};
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use proptest::prelude::*;

const NOW_MS: i64 = 1_763_481_795_120;

fn webhook() -> (Webhook, Arc<MemoryQueue>) {
    let config = WebhookConfig::from_lookup(|k| match k {
        "VAPI_HMAC_SECRET" => Some("fuzz-hmac-secret".into()),
        "VAPI_SECRET" => Some("fuzz-shared-secret".into()),
        "MAX_BODY_BYTES" => Some("65536".into()),
        _ => None,
    })
    .expect("config");
    let queue = Arc::new(MemoryQueue::new());
    let clock: Arc<dyn Clock> = Arc::new(ManualClock::at(NOW_MS));
    let deps = WebhookDeps {
        queue: queue.clone(),
        tools: Arc::new(NoTools),
        clock,
        twilio: None,
    };
    (Webhook::new(config, deps), queue)
}

fn method() -> impl Strategy<Value = Method> {
    prop_oneof![
        Just(Method::POST),
        Just(Method::POST),
        Just(Method::GET),
        Just(Method::PUT),
        Just(Method::DELETE),
        "[A-Z]{1,12}".prop_map(|m| Method::from_bytes(m.as_bytes()).unwrap_or(Method::PATCH)),
    ]
}

fn path() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("/webhook/vapi".to_string()),
        Just("/webhook/vapi".to_string()),
        Just("/healthz".to_string()),
        Just("/prod/webhook/vapi/".to_string()),
        Just("/twilio/status".to_string()),
        "(/[a-zA-Z0-9%._~-]{0,12}){0,5}",
        ".{0,64}",
    ]
}

const SAMPLE: &str = r#"{"message":{"type":"tool-calls","timestamp":1763481795120,"call":{"id":"c-1","customer":{"number":"+14155550142"},"monitor":{"controlUrl":"https://x/control"}},"toolCallList":[{"id":"t1","type":"function","function":{"name":"lookupAccount","arguments":"{\"a\":1}"}}]}}"#;

fn body() -> impl Strategy<Value = Vec<u8>> {
    let types = prop_oneof![
        Just("assistant-request"),
        Just("tool-calls"),
        Just("function-call"),
        Just("transfer-destination-request"),
        Just("transcript"),
        Just("end-of-call-report"),
        Just("voice-request"),
        Just("status-update"),
        Just("x.y"),
    ];
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..512),
        ".{0,256}".prop_map(String::into_bytes),
        // A real message with one byte replaced or cut short.
        (0..SAMPLE.len(), any::<u8>()).prop_map(|(i, b)| {
            let mut v = SAMPLE.as_bytes().to_vec();
            v[i] = b;
            v
        }),
        (0..SAMPLE.len()).prop_map(|i| SAMPLE.as_bytes()[..i].to_vec()),
        // Well-formed messages of each type with arbitrary JSON in their fields.
        (types, any::<Option<i64>>(), ".{0,32}", proptest::collection::vec(any::<u32>(), 0..4)).prop_map(|(t, ts, s, n)| {
            serde_json::json!({ "message": { "type": t, "timestamp": ts, "call": { "id": s }, "toolCallList": n.iter().map(|i| serde_json::json!({"id": i.to_string(), "function": {"name": s, "arguments": s}})).collect::<Vec<_>>(), "functionCall": { "name": s, "parameters": n } } })
                .to_string()
                .into_bytes()
        }),
        // Deep nesting.
        (1usize..400).prop_map(|d| format!("{{\"message\":{{\"type\":\"hang\",\"x\":{}{}}}}}", "[".repeat(d), "]".repeat(d)).into_bytes()),
    ]
}

fn headers() -> impl Strategy<Value = Vec<(String, Vec<u8>)>> {
    let name = prop_oneof![
        Just("x-signature".to_string()),
        Just("x-timestamp".to_string()),
        Just("x-vapi-secret".to_string()),
        Just("authorization".to_string()),
        Just("content-type".to_string()),
        Just("x-vapi-signature".to_string()),
        "[a-z][a-z0-9-]{0,16}",
    ];
    proptest::collection::vec((name, proptest::collection::vec(any::<u8>(), 0..80)), 0..6)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("CALLWARDEN_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(2000),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn the_handler_never_panics_and_always_answers_json(
        method in method(),
        path in path(),
        raw_headers in headers(),
        body in body(),
        sign in 0u8..3,
    ) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        let (webhook, queue) = webhook();
        let mut headers = HeaderMap::new();
        for (k, v) in &raw_headers {
            if let (Ok(k), Ok(v)) = (HeaderName::from_bytes(k.as_bytes()), HeaderValue::from_bytes(v)) {
                headers.append(k, v);
            }
        }
        if sign > 0 {
            let empty = HeaderMap::new();
            let req = SignedRequest { method: "POST", url: "https://localhost/webhook/vapi", headers: &empty, body: &body };
            for (k, v) in webhook.config().auth.sign(&req, NOW_MS) {
                if let (Ok(k), Ok(v)) = (HeaderName::from_bytes(k.as_bytes()), HeaderValue::from_str(&v)) {
                    headers.insert(k, v);
                }
            }
        }
        let incoming = IncomingRequest { method, path, raw_query: String::new(), headers, body: Bytes::from(body) };
        let answer = rt.block_on(webhook.handle(incoming));
        let status = answer.status.as_u16();
        prop_assert!([200u16, 400, 401, 404, 405, 413, 503].contains(&status), "status {}", status);
        if answer.content_type.starts_with("application/json") {
            let v: serde_json::Value = serde_json::from_slice(&answer.body).map_err(|e| TestCaseError::fail(format!("answer is not JSON: {e}")))?;
            if status >= 400 {
                prop_assert!(v["error"].is_string() && v["code"].is_string(), "error body {}", v);
            }
        } else {
            prop_assert_eq!(status, 200, "non-JSON answers are only successful voice/TwiML answers");
        }
        if status >= 400 {
            prop_assert!(queue.is_empty(), "a rejected request was queued");
        }
    }
}
