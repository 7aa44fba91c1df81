//! A table of hostile and malformed requests, each with the status and code it must get;
//! nothing rejected is ever queued, and nothing panics.

mod webhook_support;

use std::sync::Arc;

use callwarden::adapters::memory::MemoryQueue;
use callwarden::webhook::lambda::{handle_event, HttpEvent};
use callwarden::webhook::Webhook;
use serde_json::Value;
use webhook_support::*;

const BODY: &[u8] = br#"{"message":{"type":"hang","timestamp":1763481823120,"call":{"id":"c-1"}}}"#;

fn h(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn hmac_headers(w: &Webhook, body: &[u8], now_ms: i64) -> Vec<(String, String)> {
    sign(w, "hmac", body, now_ms)
}

fn replace(headers: Vec<(String, String)>, name: &str, value: &str) -> Vec<(String, String)> {
    headers
        .into_iter()
        .map(|(k, v)| {
            if k.eq_ignore_ascii_case(name) {
                (k, value.to_string())
            } else {
                (k, v)
            }
        })
        .collect()
}

fn signature_of(headers: &[(String, String)]) -> String {
    headers
        .iter()
        .find(|(k, _)| k == "x-signature")
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

struct Case {
    name: &'static str,
    event: Box<dyn Fn(&Webhook) -> HttpEvent>,
    /// Move the clock by this many ms before sending (replays).
    advance_ms: i64,
    status: u16,
    code: Option<&'static str>,
}

fn case(
    name: &'static str,
    status: u16,
    code: Option<&'static str>,
    event: impl Fn(&Webhook) -> HttpEvent + 'static,
) -> Case {
    Case {
        name,
        event: Box::new(event),
        advance_ms: 0,
        status,
        code,
    }
}

fn post(headers: Vec<(String, String)>, body: &[u8]) -> HttpEvent {
    v2_event("POST", "/webhook/vapi", &headers, body, false)
}

fn signed(w: &Webhook, body: &[u8]) -> HttpEvent {
    post(hmac_headers(w, body, NOW_MS), body)
}

fn cases() -> Vec<Case> {
    let deep = format!(
        "{{\"message\":{{\"type\":\"hang\",\"x\":{}1{}}}}}",
        "[".repeat(200),
        "]".repeat(200)
    );
    let deep = deep.into_bytes();
    let big = {
        let mut b = br#"{"message":{"type":"hang","pad":""#.to_vec();
        b.extend(std::iter::repeat_n(b'a', 6 * 1024 * 1024));
        b.extend_from_slice(br#""}}"#);
        b
    };
    let mut out = vec![
        case(
            "no credentials at all",
            401,
            Some("missing_credentials"),
            |_| post(vec![], BODY),
        ),
        case("wrong shared secret", 401, Some("secret_mismatch"), |_| {
            post(h(&[("x-vapi-secret", "guess")]), BODY)
        }),
        case("empty shared secret", 401, None, |_| {
            post(h(&[("x-vapi-secret", "")]), BODY)
        }),
        case("wrong bearer token", 401, None, |_| {
            post(h(&[("authorization", "Bearer guess")]), BODY)
        }),
        case("secret prefix only", 401, None, |_| {
            post(h(&[("x-vapi-secret", "shared-secret")]), BODY)
        }),
        case("secret with extra suffix", 401, None, |_| {
            post(h(&[("x-vapi-secret", "shared-secret-currentX")]), BODY)
        }),
        case(
            "hmac: wrong signature",
            401,
            Some("signature_mismatch"),
            |w| {
                post(
                    replace(
                        hmac_headers(w, BODY, NOW_MS),
                        "x-signature",
                        &"0".repeat(64),
                    ),
                    BODY,
                )
            },
        ),
        case("hmac: empty signature", 401, None, |w| {
            post(
                replace(hmac_headers(w, BODY, NOW_MS), "x-signature", ""),
                BODY,
            )
        }),
        case("hmac: non-hex signature", 401, None, |w| {
            post(
                replace(
                    hmac_headers(w, BODY, NOW_MS),
                    "x-signature",
                    &"zz".repeat(32),
                ),
                BODY,
            )
        }),
        case("hmac: truncated signature", 401, None, |w| {
            let hs = hmac_headers(w, BODY, NOW_MS);
            let s = signature_of(&hs);
            post(replace(hs, "x-signature", &s[..32]), BODY)
        }),
        case("hmac: overlong signature", 401, None, |w| {
            let hs = hmac_headers(w, BODY, NOW_MS);
            let s = signature_of(&hs);
            post(replace(hs, "x-signature", &format!("{s}00")), BODY)
        }),
        case("hmac: one hex digit flipped", 401, None, |w| {
            let hs = hmac_headers(w, BODY, NOW_MS);
            let mut s = signature_of(&hs).into_bytes();
            s[0] = if s[0] == b'0' { b'1' } else { b'0' };
            post(
                replace(hs, "x-signature", &String::from_utf8_lossy(&s)),
                BODY,
            )
        }),
        case("hmac: uppercase hex is accepted", 200, None, |w| {
            let hs = hmac_headers(w, BODY, NOW_MS);
            let s = signature_of(&hs).to_ascii_uppercase();
            post(replace(hs, "x-signature", &s), BODY)
        }),
        case("hmac: body changed by one byte", 401, None, |w| {
            let hs = hmac_headers(w, BODY, NOW_MS);
            let mut body = BODY.to_vec();
            body[20] ^= 1;
            post(hs, &body)
        }),
        case(
            "hmac: timestamp too old",
            401,
            Some("timestamp_expired"),
            |w| signed_at(w, NOW_MS - 301_000),
        ),
        case(
            "hmac: timestamp in the future",
            401,
            Some("timestamp_in_future"),
            |w| signed_at(w, NOW_MS + 301_000),
        ),
        case("hmac: timestamp not a number", 401, None, |w| {
            post(
                replace(hmac_headers(w, BODY, NOW_MS), "x-timestamp", "yesterday"),
                BODY,
            )
        }),
        case("hmac: timestamp header missing", 401, None, |w| {
            post(
                hmac_headers(w, BODY, NOW_MS)
                    .into_iter()
                    .filter(|(k, _)| k != "x-timestamp")
                    .collect(),
                BODY,
            )
        }),
        case("hmac: timestamp swapped after signing", 401, None, |w| {
            post(
                replace(
                    hmac_headers(w, BODY, NOW_MS),
                    "x-timestamp",
                    &((NOW_MS / 1000) + 1).to_string(),
                ),
                BODY,
            )
        }),
        case(
            "vapi-signature: with unexpected sha256= prefix",
            401,
            None,
            |w| {
                let hs = sign(w, "vapi-signature", BODY, NOW_MS);
                let v = hs[0].1.clone();
                post(vec![(hs[0].0.clone(), format!("sha256={v}"))], BODY)
            },
        ),
        case("header names in upper case", 200, None, |_| {
            post(h(&[("X-VAPI-SECRET", "shared-secret-current")]), BODY)
        }),
        case(
            "rotated (previous) secret still accepted",
            200,
            None,
            |_| post(h(&[("x-vapi-secret", "shared-secret-previous")]), BODY),
        ),
        case("stage prefix on the path", 200, None, |w| {
            v2_event(
                "POST",
                "/prod/webhook/vapi",
                &hmac_headers(w, BODY, NOW_MS),
                BODY,
                false,
            )
        }),
        case("truncated JSON", 400, Some("malformed_json"), |w| {
            signed(w, &BODY[..BODY.len() - 3])
        }),
        case("invalid UTF-8", 400, Some("invalid_utf8"), |w| {
            let body = b"{\"message\":{\"type\":\"hang\xff\xfe\"}}".to_vec();
            let hs = hmac_headers(w, &body, NOW_MS);
            v2_event("POST", "/webhook/vapi", &hs, &body, true)
        }),
        case("empty body", 400, Some("malformed_json"), |w| {
            signed(w, b"")
        }),
        case("JSON array", 400, Some("malformed_json"), |w| {
            signed(w, b"[1,2,3]")
        }),
        case("no message object", 400, Some("missing_message"), |w| {
            signed(w, br#"{"type":"hang"}"#)
        }),
        case("message without type", 400, Some("missing_type"), |w| {
            signed(w, br#"{"message":{"call":{}}}"#)
        }),
        case("type is a number", 400, Some("missing_type"), |w| {
            signed(w, br#"{"message":{"type":42}}"#)
        }),
        case("duplicate type key", 400, None, |w| {
            signed(
                w,
                br#"{"message":{"type":"hang","type":"end-of-call-report"}}"#,
            )
        }),
        case(
            "NUL byte outside strings",
            400,
            Some("malformed_json"),
            |w| signed(w, b"{\"message\":{\"type\":\"hang\"}}\0"),
        ),
        case(
            "GET on the webhook",
            405,
            Some("method_not_allowed"),
            |_| v2_event("GET", "/webhook/vapi", &[], b"", false),
        ),
        case(
            "PUT on the webhook",
            405,
            Some("method_not_allowed"),
            |_| v2_event("PUT", "/webhook/vapi", &[], BODY, false),
        ),
        case("POST on healthz", 405, Some("method_not_allowed"), |_| {
            v2_event("POST", "/healthz", &[], b"", false)
        }),
        case("unknown route", 404, Some("not_found"), |_| {
            v2_event("POST", "/admin", &[], BODY, false)
        }),
        case("path traversal", 404, Some("not_found"), |_| {
            v2_event("POST", "/webhook/vapi/../healthz", &[], BODY, false)
        }),
        case("encoded slash", 404, Some("not_found"), |_| {
            v2_event("POST", "/webhook%2Fvapi", &[], BODY, false)
        }),
        case(
            "isBase64Encoded with garbage",
            400,
            Some("invalid_base64"),
            |_| {
                let mut e = v2_event(
                    "POST",
                    "/webhook/vapi",
                    &h(&[("x-vapi-secret", "shared-secret-current")]),
                    b"",
                    false,
                );
                e.body = Some("%%% not base64 !!!".into());
                e.is_base64_encoded = true;
                e
            },
        ),
        case("healthz needs no credentials", 200, None, |_| {
            v2_event("GET", "/healthz", &[], b"", false)
        }),
    ];
    out.push(case(
        "200-deep nesting",
        400,
        Some("malformed_json"),
        move |w| signed(w, &deep),
    ));
    out.push(case(
        "6 MB body",
        413,
        Some("payload_too_large"),
        move |w| signed(w, &big),
    ));
    let mut replay = case(
        "replayed delivery after the window",
        401,
        Some("timestamp_expired"),
        |w| signed(w, BODY),
    );
    replay.advance_ms = 301_000;
    out.push(replay);
    out
}

fn signed_at(w: &Webhook, ts_ms: i64) -> HttpEvent {
    post(hmac_headers(w, BODY, ts_ms), BODY)
}

#[tokio::test]
async fn hostile_inputs_get_their_documented_status() {
    let cases = cases();
    assert!(cases.len() >= 30, "at least 30 hostile inputs");
    for c in cases {
        let queue = Arc::new(MemoryQueue::new());
        let (webhook, clock) = webhook(queue.clone());
        let event = (c.event)(&webhook);
        clock.advance(c.advance_ms);
        let response = handle_event(&webhook, event).await;
        assert_eq!(
            response.status_code, c.status,
            "{}: body {}",
            c.name, response.body
        );
        let body: Value = serde_json::from_str(&response.body)
            .unwrap_or_else(|_| panic!("{}: JSON body", c.name));
        if c.status >= 400 {
            assert!(
                body["error"].as_str().is_some_and(|e| !e.is_empty()),
                "{}: error text",
                c.name
            );
            if let Some(code) = c.code {
                assert_eq!(body["code"], code, "{}", c.name);
            }
            assert!(
                queue.is_empty(),
                "{}: nothing queued for a rejected request",
                c.name
            );
            for secret in [HMAC_SECRET, SIGNATURE_SECRET, "shared-secret-current"] {
                assert!(!response.body.contains(secret), "{}: secret echoed", c.name);
            }
        }
    }
}

#[tokio::test]
async fn duplicate_credential_headers_do_not_let_a_wrong_value_through() {
    let queue = Arc::new(MemoryQueue::new());
    let (webhook, _) = webhook(queue.clone());
    let req = request(
        http::Method::POST,
        "/webhook/vapi",
        &h(&[("x-vapi-secret", "wrong"), ("x-vapi-secret", "also-wrong")]),
        BODY.to_vec(),
    );
    assert_eq!(webhook.handle(req).await.status, 401);
    assert!(queue.is_empty());
}
