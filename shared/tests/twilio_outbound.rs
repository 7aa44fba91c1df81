//! Outbound calls (`callwarden call`) against Vapi's API served by a local HTTP server:
//! the request sent, the call id returned, clear errors for 4xx/5xx, E.164 validation.

use std::time::Duration;

use callwarden::twilio::{
    place_outbound_call, AssistantRef, HttpVapiApi, OutboundCallError, VapiApiError,
};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "private-key-1";

fn api(server: &MockServer) -> HttpVapiApi {
    HttpVapiApi::new(&format!("{}/", server.uri()), KEY, Duration::from_secs(5)).unwrap()
}

#[tokio::test]
async fn places_the_call_and_returns_its_id() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/call"))
        .and(header("authorization", "Bearer private-key-1"))
        .and(body_json(json!({
            "phoneNumberId": "pn-1",
            "assistantId": "asst-1",
            "customer": {"number": "+15551234567"}
        })))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(json!({"id": "call-789", "status": "queued"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let call = place_outbound_call(
        &api(&server),
        "pn-1",
        AssistantRef::Id("asst-1".into()),
        "+15551234567",
    )
    .await
    .unwrap();
    assert_eq!(call.id, "call-789");
    assert_eq!(call.twiml, None);
    server.verify().await;
}

#[tokio::test]
async fn invalid_numbers_never_reach_vapi() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201))
        .expect(0)
        .mount(&server)
        .await;
    for bad in [
        "5551234567",
        "+1555",
        "+0155512345678",
        "+1 555 123 4567",
        "",
        "+1555123456789012",
    ] {
        let err = place_outbound_call(&api(&server), "pn", AssistantRef::Id("a".into()), bad)
            .await
            .unwrap_err();
        assert_eq!(err, OutboundCallError::InvalidNumber, "{bad:?}");
    }
    server.verify().await;
}

#[tokio::test]
async fn vapi_errors_are_clear() {
    let cases = [
        (
            ResponseTemplate::new(400).set_body_json(json!({
                "message": ["assistantId must be a UUID"], "error": "Bad Request", "statusCode": 400
            })),
            "vapi_rejected",
            "assistantId must be a UUID",
        ),
        (
            ResponseTemplate::new(401).set_body_json(json!({"message": "Invalid Key"})),
            "vapi_unauthorized",
            "VAPI_API_KEY",
        ),
        (
            ResponseTemplate::new(404).set_body_string("Not Found"),
            "vapi_rejected",
            "Not Found",
        ),
        (
            ResponseTemplate::new(503),
            "vapi_server_error",
            "try again later",
        ),
        (
            ResponseTemplate::new(200).set_body_string("<html/>"),
            "vapi_invalid_response",
            "not JSON",
        ),
    ];
    for (template, code, text) in cases {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(template)
            .mount(&server)
            .await;
        let err = place_outbound_call(
            &api(&server),
            "pn",
            AssistantRef::Id("a".into()),
            "+15551234567",
        )
        .await
        .unwrap_err();
        let OutboundCallError::Vapi(e) = &err else {
            panic!("expected a Vapi error, got {err:?}");
        };
        assert_eq!(e.code(), code);
        assert!(err.to_string().contains(text), "{err}");
        assert!(!err.to_string().contains(KEY));
    }
}

#[tokio::test]
async fn slow_vapi_is_a_timeout() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_delay(Duration::from_secs(30)))
        .mount(&server)
        .await;
    let api = HttpVapiApi::new(&server.uri(), KEY, Duration::from_millis(300)).unwrap();
    let err = place_outbound_call(&api, "pn", AssistantRef::Id("a".into()), "+15551234567")
        .await
        .unwrap_err();
    assert_eq!(err, OutboundCallError::Vapi(VapiApiError::Timeout(300)));
}
