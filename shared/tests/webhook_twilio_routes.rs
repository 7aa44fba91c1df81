//! The Twilio routes through the webhook's router: configured by `TWILIO_AUTH_TOKEN`,
//! verified (403 otherwise), status callbacks queued as Twilio deliveries; unconfigured
//! routes answer 404 `not_configured`.

mod webhook_support;

use std::sync::Arc;

use callwarden::adapters::memory::MemoryQueue;
use callwarden::clock::{Clock, ManualClock};
use callwarden::delivery::Source;
use callwarden::twilio::{compute_twilio_signature, twilio_endpoints_from_lookup, TwilioAlgorithm};
use callwarden::webhook::lambda::handle_event;
use callwarden::webhook::tool_runner::NoTools;
use callwarden::webhook::{Webhook, WebhookDeps};
use webhook_support::*;

const TOKEN: &str = "twilio-token-test";
const BASE: &str = "https://abc.execute-api.us-west-2.amazonaws.com";

fn twilio_webhook(queue: Arc<MemoryQueue>) -> Webhook {
    let mut env = env();
    env.insert("TWILIO_AUTH_TOKEN", TOKEN.into());
    env.insert("PUBLIC_BASE_URL", BASE.into());
    env.insert("VAPI_API_KEY", "vapi-key-test".into());
    env.insert("VAPI_PHONE_NUMBER_ID", "pn-1".into());
    env.insert("VAPI_API_BASE", "http://127.0.0.1:9".into());
    let config = config_from(&env);
    let clock: Arc<dyn Clock> = Arc::new(ManualClock::at(NOW_MS));
    let twilio = twilio_endpoints_from_lookup(
        |k| env.get(k).cloned(),
        &config.assistant_answer,
        queue.clone(),
        clock.clone(),
    )
    .expect("twilio config")
    .expect("twilio enabled");
    Webhook::new(
        config,
        WebhookDeps {
            queue,
            tools: Arc::new(NoTools),
            clock,
            twilio: Some(twilio),
        },
    )
}

fn form(params: &[(String, String)]) -> Vec<u8> {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in params {
        s.append_pair(k, v);
    }
    s.finish().into_bytes()
}

#[tokio::test]
async fn signed_status_callback_is_queued_as_twilio_delivery() {
    let queue = Arc::new(MemoryQueue::new());
    let webhook = twilio_webhook(queue.clone());
    let params = vec![
        ("CallSid".to_string(), "CA1234567890abcdef".to_string()),
        ("CallStatus".to_string(), "completed".to_string()),
        ("From".to_string(), "+14155550142".to_string()),
    ];
    let body = form(&params);
    let sig = compute_twilio_signature(
        TwilioAlgorithm::Sha1,
        TOKEN,
        &format!("{BASE}/twilio/status"),
        &params,
    );
    let headers = vec![
        ("x-twilio-signature".to_string(), sig),
        (
            "content-type".to_string(),
            "application/x-www-form-urlencoded".to_string(),
        ),
    ];
    let r = handle_event(
        &webhook,
        v2_event("POST", "/twilio/status", &headers, &body, true),
    )
    .await;
    assert_eq!(r.status_code, 200, "{}", r.body);
    let queued = queue.drain();
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].source, Source::Twilio);
    assert_eq!(queued[0].call_id.as_deref(), Some("CA1234567890abcdef"));
    assert_eq!(queued[0].raw.as_ref(), body.as_slice());

    let forged = vec![("x-twilio-signature".to_string(), "AAAA".to_string())];
    let r = handle_event(
        &webhook,
        v2_event("POST", "/twilio/status", &forged, &body, false),
    )
    .await;
    assert_eq!(r.status_code, 403, "{}", r.body);
    assert!(queue.is_empty());
}

#[tokio::test]
async fn twilio_routes_are_404_when_not_configured() {
    let (webhook, _) = webhook(Arc::new(MemoryQueue::new()));
    let r = handle_event(
        &webhook,
        v2_event("POST", "/twilio/voice", &[], b"CallSid=CA1", false),
    )
    .await;
    assert_eq!(r.status_code, 404);
    assert!(r.body.contains("not_configured"));
}
