//! `POST /twilio/voice` and `POST /twilio/status` end to end, with Vapi's API served by a
//! local HTTP server (wiremock): hand-off, Vapi 4xx/5xx/slow/invalid answers → fallback
//! TwiML (checked with an XML parser), signature refusals, queueing and 503.

mod twilio_support;

use std::sync::Arc;
use std::time::Duration;

use callwarden::adapters::memory::MemoryQueue;
use callwarden::clock::ManualClock;
use callwarden::delivery::Source;
use callwarden::twilio::{handle_status, handle_voice, TwilioConfig, TwilioDeps};
use callwarden::webhook::ErrorBody;
use http::StatusCode;
use serde_json::json;
use twilio_support::*;
use wiremock::matchers::{body_partial_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const VAPI_TWIML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Connect><Stream url=\"wss://phone.vapi.example/abc\"/></Connect></Response>";

fn deps(config: TwilioConfig, queue: Arc<MemoryQueue>) -> TwilioDeps {
    TwilioDeps::with_http_vapi(config, queue, Arc::new(ManualClock::at(1_800_000_000_000)))
        .expect("http client")
}

fn expected_call_body() -> serde_json::Value {
    json!({
        "phoneNumberId": "pn-123",
        "assistantId": "asst-456",
        "customer": {"number": CALLER},
        "phoneCallProviderBypassEnabled": true
    })
}

async fn vapi_answering(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/call"))
        .and(header(
            "authorization",
            format!("Bearer {API_KEY}").as_str(),
        ))
        .and(body_partial_json(expected_call_body()))
        .respond_with(template)
        .expect(1)
        .mount(&server)
        .await;
    server
}

fn assert_fallback(xml: &str, message: &str, dial: Option<&str>) {
    let root = parse_twiml(xml);
    assert_eq!(root.name, "Response", "{xml}");
    assert_eq!(root.children[0].name, "Say", "{xml}");
    assert_eq!(root.children[0].text, message);
    match dial {
        Some(number) => {
            assert_eq!(root.children[1].name, "Dial", "{xml}");
            assert_eq!(root.children[1].children[0].name, "Number");
            assert_eq!(root.children[1].children[0].text, number);
        }
        None => assert_eq!(root.children[1].name, "Hangup", "{xml}"),
    }
}

#[tokio::test]
async fn voice_hands_the_call_to_vapi_and_returns_its_twiml() {
    let server = vapi_answering(ResponseTemplate::new(201).set_body_json(json!({
        "id": "vapi-call-1",
        "status": "queued",
        "phoneCallProviderDetails": {"twiml": VAPI_TWIML}
    })))
    .await;
    let queue = Arc::new(MemoryQueue::new());
    let deps = deps(config(&server.uri(), &[]), queue.clone());
    let (logs, _guard) = capture_logs();
    let answer = handle_voice(&deps, &signed("/prod/twilio/voice", &voice_params(), TOKEN)).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.content_type.starts_with("text/xml"));
    let xml = std::str::from_utf8(&answer.body).unwrap();
    assert_eq!(xml, VAPI_TWIML);
    let root = parse_twiml(xml);
    assert_eq!(root.children[0].name, "Connect");
    // The voice hand-off is not queued; the caller number is never logged.
    assert!(queue.is_empty());
    let text = logs.text();
    assert!(text.contains(CALL_SID), "{text}");
    assert!(text.contains("handed_to_vapi"), "{text}");
    assert!(
        !text.contains(CALLER) && !text.contains("4155550142"),
        "{text}"
    );
    assert!(!text.contains(API_KEY) && !text.contains(TOKEN), "{text}");
    server.verify().await;
}

#[tokio::test]
async fn voice_signed_with_a_rotated_token_is_accepted() {
    let server = vapi_answering(ResponseTemplate::new(201).set_body_json(json!({
        "id": "vapi-call-2", "phoneCallProviderDetails": {"twiml": VAPI_TWIML}
    })))
    .await;
    let deps = deps(config(&server.uri(), &[]), Arc::new(MemoryQueue::new()));
    let answer = handle_voice(
        &deps,
        &signed("/twilio/voice", &voice_params(), "old-token"),
    )
    .await;
    assert_eq!(std::str::from_utf8(&answer.body).unwrap(), VAPI_TWIML);
}

#[tokio::test]
async fn voice_falls_back_on_vapi_4xx_with_a_dial_to_the_human() {
    let server = vapi_answering(
        ResponseTemplate::new(400)
            .set_body_json(json!({"message": ["customer.number is invalid"], "statusCode": 400})),
    )
    .await;
    let deps = deps(
        config(
            &server.uri(),
            &[("HUMAN_ESCALATION_NUMBER", "+14155550177")],
        ),
        Arc::new(MemoryQueue::new()),
    );
    let (logs, _guard) = capture_logs();
    let answer = handle_voice(&deps, &signed("/twilio/voice", &voice_params(), TOKEN)).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_fallback(
        std::str::from_utf8(&answer.body).unwrap(),
        callwarden::twilio::config::DEFAULT_FALLBACK_MESSAGE,
        Some("+14155550177"),
    );
    let text = logs.text();
    assert!(text.contains("vapi_rejected"), "{text}");
    assert!(!text.contains("customer.number is invalid"), "{text}");
    assert!(!text.contains(CALLER), "{text}");
}

#[tokio::test]
async fn voice_falls_back_on_vapi_5xx_and_bad_key_with_a_spoken_apology() {
    for status in [500, 401] {
        let server = vapi_answering(ResponseTemplate::new(status)).await;
        let deps = deps(
            config(
                &server.uri(),
                &[("TWILIO_FALLBACK_MESSAGE", "Sorry & <goodbye>")],
            ),
            Arc::new(MemoryQueue::new()),
        );
        let answer = handle_voice(&deps, &signed("/twilio/voice", &voice_params(), TOKEN)).await;
        assert_eq!(answer.status, StatusCode::OK);
        assert_fallback(
            std::str::from_utf8(&answer.body).unwrap(),
            "Sorry & <goodbye>",
            None,
        );
    }
}

#[tokio::test]
async fn voice_falls_back_when_vapi_is_slower_than_the_deadline() {
    let server = vapi_answering(
        ResponseTemplate::new(201)
            .set_body_json(json!({"id": "late", "phoneCallProviderDetails": {"twiml": VAPI_TWIML}}))
            .set_delay(Duration::from_secs(30)),
    )
    .await;
    let deps = deps(
        config(&server.uri(), &[("TWILIO_VAPI_DEADLINE_MS", "500")]),
        Arc::new(MemoryQueue::new()),
    );
    let (logs, _guard) = capture_logs();
    let answer = handle_voice(&deps, &signed("/twilio/voice", &voice_params(), TOKEN)).await;
    assert_fallback(
        std::str::from_utf8(&answer.body).unwrap(),
        callwarden::twilio::config::DEFAULT_FALLBACK_MESSAGE,
        None,
    );
    assert!(logs.text().contains("vapi_timeout"), "{}", logs.text());
}

#[tokio::test]
async fn voice_falls_back_when_vapi_returns_no_or_invalid_twiml() {
    for body in [
        json!({"id": "c1"}),
        json!({"id": "c2", "phoneCallProviderDetails": {"twiml": "<Response><Say>unclosed</Response>"}}),
        json!({"id": "c3", "phoneCallProviderDetails": {"twiml": "<html>oops</html>"}}),
        json!({"noid": true}),
    ] {
        let server = vapi_answering(ResponseTemplate::new(201).set_body_json(body)).await;
        let deps = deps(config(&server.uri(), &[]), Arc::new(MemoryQueue::new()));
        let answer = handle_voice(&deps, &signed("/twilio/voice", &voice_params(), TOKEN)).await;
        assert_fallback(
            std::str::from_utf8(&answer.body).unwrap(),
            callwarden::twilio::config::DEFAULT_FALLBACK_MESSAGE,
            None,
        );
    }
}

#[tokio::test]
async fn voice_falls_back_when_vapi_is_unreachable() {
    // A port nothing listens on (the server is dropped before the call).
    let uri = {
        let server = MockServer::start().await;
        server.uri()
    };
    let deps = deps(config(&uri, &[]), Arc::new(MemoryQueue::new()));
    let answer = handle_voice(&deps, &signed("/twilio/voice", &voice_params(), TOKEN)).await;
    assert_fallback(
        std::str::from_utf8(&answer.body).unwrap(),
        callwarden::twilio::config::DEFAULT_FALLBACK_MESSAGE,
        None,
    );
}

#[tokio::test]
async fn unsigned_or_forged_requests_get_403_and_never_reach_vapi_or_the_queue() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201))
        .expect(0)
        .mount(&server)
        .await;
    let queue = Arc::new(MemoryQueue::new());
    let deps = deps(config(&server.uri(), &[]), queue.clone());

    let mut unsigned = signed("/twilio/voice", &voice_params(), TOKEN);
    unsigned.headers.remove("x-twilio-signature");
    let wrong_token = signed("/twilio/voice", &voice_params(), "attacker-token");
    let mut tampered = signed("/twilio/voice", &voice_params(), TOKEN);
    tampered.body = bytes::Bytes::from(
        String::from_utf8(tampered.body.to_vec())
            .unwrap()
            .replace("4155550142", "4155550143"),
    );
    let signed_for_status = signed("/twilio/status", &voice_params(), TOKEN);
    let wrong_route = callwarden::webhook::IncomingRequest {
        path: "/twilio/voice".into(),
        ..signed_for_status
    };
    for (req, code) in [
        (&unsigned, "missing_signature"),
        (&wrong_token, "invalid_signature"),
        (&tampered, "invalid_signature"),
        (&wrong_route, "invalid_signature"),
    ] {
        for answer in [
            handle_voice(&deps, req).await,
            handle_status(&deps, req).await,
        ] {
            assert_eq!(answer.status, StatusCode::FORBIDDEN);
            assert_eq!(answer.content_type, "application/json");
            let body: ErrorBody = serde_json::from_slice(&answer.body).unwrap();
            assert_eq!(body.code, code);
            assert!(!body.error.is_empty());
        }
    }
    assert!(queue.is_empty());
    server.verify().await;
}

#[tokio::test]
async fn status_callbacks_are_queued_with_the_call_sid() {
    let queue = Arc::new(MemoryQueue::new());
    let deps = deps(config("http://127.0.0.1:9", &[]), queue.clone());
    let mut params = voice_params();
    params.push(("CallStatus".into(), "completed".into()));
    params.push(("CallDuration".into(), "42".into()));
    let req = signed("/prod/twilio/status", &params, TOKEN);
    let (logs, _guard) = capture_logs();
    let answer = handle_status(&deps, &req).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        parse_twiml(std::str::from_utf8(&answer.body).unwrap()).name,
        "Response"
    );
    let queued = queue.drain();
    assert_eq!(queued.len(), 1);
    let d = &queued[0];
    assert_eq!(d.source, Source::Twilio);
    assert_eq!(d.message_type, "twilio.status");
    assert_eq!(d.call_id.as_deref(), Some(CALL_SID));
    assert_eq!(d.auth_scheme, "twilio-signature");
    assert_eq!(d.raw, req.body, "the raw form body is queued byte for byte");
    assert_eq!(d.received_at_ms, 1_800_000_000_000);
    assert!(!logs.text().contains(CALLER), "{}", logs.text());
}

#[tokio::test]
async fn status_answers_503_when_the_queue_fails() {
    let queue = Arc::new(MemoryQueue::new());
    queue.set_failing(true);
    let deps = deps(config("http://127.0.0.1:9", &[]), queue.clone());
    let answer = handle_status(&deps, &signed("/twilio/status", &voice_params(), TOKEN)).await;
    assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
    let body: ErrorBody = serde_json::from_slice(&answer.body).unwrap();
    assert_eq!(body.code, "queue_unavailable");
    queue.set_failing(false);
    assert!(queue.is_empty());
}
