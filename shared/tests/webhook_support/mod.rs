//! Shared fixtures of the webhook tests: configuration with every auth scheme, the
//! Vapi samples, signing, and API Gateway v1/v2 events.
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;
use callwarden::auth::SignedRequest;
use callwarden::clock::{Clock, ManualClock};
use callwarden::ports::{Queue, ToolRegistry};
use callwarden::webhook::lambda::HttpEvent;
use callwarden::webhook::tool_runner::NoTools;
use callwarden::webhook::{IncomingRequest, Webhook, WebhookConfig, WebhookDeps};
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use serde_json::json;

/// Shared secrets (two: rotation).
pub const SHARED_SECRETS: &str = "shared-secret-current,shared-secret-previous";
/// HMAC secret (the one of the test vectors).
pub const HMAC_SECRET: &str = "whsec-test-Q3f9xV2kL8mN4pR7tY1uZ6";
/// Body-only `x-vapi-signature` secret.
pub const SIGNATURE_SECRET: &str = "vapi-signature-secret-9d1c";
/// A fixed "now": the samples' timestamp.
pub const NOW_MS: i64 = 1_763_481_823_120;
/// Escalation number configured for the tests.
pub const ESCALATION: &str = "+14155550177";
/// Scheme names the tests sign with.
pub const SCHEMES: [&str; 3] = ["hmac", "vapi-signature", "shared-secret"];

/// The environment of the test webhook.
pub fn env() -> HashMap<&'static str, String> {
    HashMap::from([
        ("VAPI_SECRET", SHARED_SECRETS.to_string()),
        ("VAPI_HMAC_SECRET", HMAC_SECRET.to_string()),
        ("VAPI_SIGNATURE_SECRET", SIGNATURE_SECRET.to_string()),
        ("HUMAN_ESCALATION_NUMBER", ESCALATION.to_string()),
        ("MAX_BODY_BYTES", (5 * 1024 * 1024).to_string()),
    ])
}

/// Configuration from `env` (panics in tests only, on a broken fixture).
pub fn config_from(env: &HashMap<&'static str, String>) -> WebhookConfig {
    WebhookConfig::from_lookup(|k| env.get(k).cloned()).expect("test config")
}

/// A webhook over `queue` with every scheme configured, at the fixed clock.
pub fn webhook(queue: Arc<dyn Queue>) -> (Webhook, ManualClock) {
    webhook_with(queue, Arc::new(NoTools), &env())
}

/// A webhook with explicit tools and environment.
pub fn webhook_with(
    queue: Arc<dyn Queue>,
    tools: Arc<dyn ToolRegistry>,
    env: &HashMap<&'static str, String>,
) -> (Webhook, ManualClock) {
    let clock = ManualClock::at(NOW_MS);
    let deps = WebhookDeps {
        queue,
        tools,
        clock: Arc::new(clock.clone()) as Arc<dyn Clock>,
        twilio: None,
    };
    (Webhook::new(config_from(env), deps), clock)
}

/// Files of the samples directory that are messages (not responses/enums/vectors).
pub fn samples() -> Vec<(String, Vec<u8>)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/vapi/samples");
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("samples dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .filter_map(|p| {
            let name = p.file_name()?.to_str()?.to_owned();
            let skip = [
                "responses.json",
                "live-call-control.json",
                "enums.json",
                "hmac-test-vectors.json",
            ];
            (!skip.contains(&name.as_str()))
                .then(|| (name, std::fs::read(&p).expect("read sample")))
        })
        .collect();
    out.sort();
    out
}

/// One sample by file name.
pub fn sample(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../../shared/vapi/samples/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(path).expect("sample")
}

/// Headers that authenticate `body` under `scheme` at `now_ms`.
pub fn sign(webhook: &Webhook, scheme: &str, body: &[u8], now_ms: i64) -> Vec<(String, String)> {
    let headers = HeaderMap::new();
    let req = SignedRequest {
        method: "POST",
        url: "https://localhost/webhook/vapi",
        headers: &headers,
        body,
    };
    webhook
        .config()
        .auth
        .sign_with(scheme, &req, now_ms)
        .expect("scheme configured")
}

/// A request with the given headers.
pub fn request(
    method: Method,
    path: &str,
    headers: &[(String, String)],
    body: impl Into<Bytes>,
) -> IncomingRequest {
    let mut map = HeaderMap::new();
    for (k, v) in headers {
        map.append(
            HeaderName::from_bytes(k.as_bytes()).expect("header name"),
            HeaderValue::from_str(v).expect("header value"),
        );
    }
    IncomingRequest {
        method,
        path: path.to_owned(),
        raw_query: String::new(),
        headers: map,
        body: body.into(),
    }
}

/// A signed POST /webhook/vapi.
pub fn signed_post(webhook: &Webhook, scheme: &str, body: &[u8]) -> IncomingRequest {
    let headers = sign(webhook, scheme, body, NOW_MS);
    request(Method::POST, "/webhook/vapi", &headers, body.to_vec())
}

/// An API Gateway HTTP API (payload v2) event.
pub fn v2_event(
    method: &str,
    path: &str,
    headers: &[(String, String)],
    body: &[u8],
    base64: bool,
) -> HttpEvent {
    use base64::Engine as _;
    let body = if base64 {
        base64::engine::general_purpose::STANDARD.encode(body)
    } else {
        String::from_utf8_lossy(body).into_owned()
    };
    let headers: HashMap<String, String> = headers.iter().cloned().collect();
    serde_json::from_value(json!({
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": "",
        "headers": headers,
        "requestContext": {"http": {"method": method, "path": path}, "stage": "$default"},
        "body": body,
        "isBase64Encoded": base64
    }))
    .expect("v2 event")
}

/// An API Gateway REST API (payload v1) event, with a stage prefix in the path.
pub fn v1_event(
    method: &str,
    path: &str,
    headers: &[(String, String)],
    body: &[u8],
    base64: bool,
) -> HttpEvent {
    use base64::Engine as _;
    let body = if base64 {
        base64::engine::general_purpose::STANDARD.encode(body)
    } else {
        String::from_utf8_lossy(body).into_owned()
    };
    let multi: HashMap<String, Vec<String>> = headers
        .iter()
        .map(|(k, v)| (k.clone(), vec![v.clone()]))
        .collect();
    let single: HashMap<String, String> = headers.iter().cloned().collect();
    serde_json::from_value(json!({
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": single,
        "multiValueHeaders": multi,
        "requestContext": {"stage": "prod"},
        "body": body,
        "isBase64Encoded": base64
    }))
    .expect("v1 event")
}

/// Known PII values of the samples, in digits and in words (lower case).
pub const SAMPLE_PII: &[&str] = &[
    "maria",
    "gonzalez",
    "4111 1111 1111 1111",
    "4111111111111111",
    "123-45-6789",
    "123456789",
    "1984-03-14",
    "03/14/1984",
    "88213457",
    "maria.gonzalez84@example.com",
    "+14155550142",
    "4155550142",
    "555-0142",
    "one two three, four five",
    "six seven eight nine",
    "four one five, five five five",
    "m a r i a",
    "eight eight two one three four five seven",
    "oh three, one four",
    "nineteen eighty four",
];
