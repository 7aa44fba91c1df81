//! Every sample through the handler as an API Gateway v2 and v1 event, signed under each
//! scheme: the right answer, and the exact raw bytes queued.

mod webhook_support;

use std::sync::Arc;

use callwarden::adapters::memory::MemoryQueue;
use callwarden::vapi::{parse_message, MessageKind};
use callwarden::webhook::lambda::handle_event;
use serde_json::Value;
use webhook_support::*;

fn check_answer(name: &str, kind: MessageKind, body: &Value, raw: &[u8]) {
    match kind {
        MessageKind::AssistantRequest => assert!(
            body.get("assistant").is_some() || body.get("assistantId").is_some(),
            "{name}: assistant answer"
        ),
        MessageKind::ToolCalls => {
            let calls = parse_message(raw).expect("parse").tool_calls;
            let results = body["results"].as_array().expect("results array");
            assert_eq!(results.len(), calls.len(), "{name}: one result per call");
            for (r, c) in results.iter().zip(&calls) {
                assert_eq!(r["toolCallId"], c.id.as_str(), "{name}: ids in order");
                let text = r["result"]
                    .as_str()
                    .or(r["error"].as_str())
                    .expect("string result/error");
                assert!(!text.contains('\n'));
            }
        }
        MessageKind::FunctionCall => assert!(body["result"].is_string(), "{name}: legacy result"),
        MessageKind::TransferDestinationRequest => {
            assert_eq!(
                body["destination"]["number"], ESCALATION,
                "{name}: escalation number"
            )
        }
        MessageKind::VoiceRequest => {}
        k if k.needs_answer() => assert!(body.is_object(), "{name}: object answer"),
        _ => assert_eq!(
            body,
            &serde_json::json!({}),
            "{name}: informational answer is {{}}"
        ),
    }
}

#[tokio::test]
async fn every_sample_as_v2_and_v1_under_every_scheme() {
    let samples = samples();
    assert!(
        samples.len() >= 40,
        "expected all samples, found {}",
        samples.len()
    );
    for (name, raw) in &samples {
        let kind = parse_message(raw).expect("sample parses").kind;
        for scheme in SCHEMES {
            for (variant, base64) in [
                ("v2", false),
                ("v2-base64", true),
                ("v1", false),
                ("v1-base64", true),
            ] {
                let queue = Arc::new(MemoryQueue::new());
                let (webhook, _clock) = webhook(queue.clone());
                let headers = sign(&webhook, scheme, raw, NOW_MS);
                let event = if variant.starts_with("v2") {
                    v2_event("POST", "/webhook/vapi", &headers, raw, base64)
                } else {
                    v1_event("POST", "/prod/webhook/vapi", &headers, raw, base64)
                };
                let response = handle_event(&webhook, event).await;
                assert_eq!(
                    response.status_code, 200,
                    "{name} {scheme} {variant}: {}",
                    response.body
                );
                if kind != MessageKind::VoiceRequest {
                    let body: Value = serde_json::from_str(&response.body).expect("JSON answer");
                    check_answer(name, kind, &body, raw);
                }
                let queued = queue.drain();
                assert_eq!(
                    queued.len(),
                    1,
                    "{name} {scheme} {variant}: exactly one delivery queued"
                );
                assert_eq!(
                    queued[0].raw.as_ref(),
                    raw.as_slice(),
                    "{name}: queued bytes == delivered bytes"
                );
                assert_eq!(queued[0].auth_scheme, scheme);
                assert_eq!(queued[0].received_at_ms, NOW_MS);
            }
        }
    }
}

#[tokio::test]
async fn sync_messages_are_answered_even_when_the_archive_queue_fails() {
    let queue = Arc::new(MemoryQueue::new());
    queue.set_failing(true);
    let (webhook, _) = webhook(queue.clone());
    let raw = sample("assistant-request.json");
    let answer = webhook.handle(signed_post(&webhook, "hmac", &raw)).await;
    assert_eq!(answer.status, 200);
    let raw = sample("tool-calls.json");
    let answer = webhook.handle(signed_post(&webhook, "hmac", &raw)).await;
    assert_eq!(answer.status, 200);
}

#[tokio::test]
async fn informational_message_gets_503_when_the_queue_fails_and_200_after() {
    let queue = Arc::new(MemoryQueue::new());
    let (webhook, _) = webhook(queue.clone());
    let raw = sample("end-of-call-report.json");
    queue.set_failing(true);
    let answer = webhook
        .handle(signed_post(&webhook, "shared-secret", &raw))
        .await;
    assert_eq!(answer.status, 503);
    let body: Value = serde_json::from_slice(&answer.body).expect("json");
    assert_eq!(body["code"], "queue_unavailable");
    assert!(queue.is_empty(), "nothing queued");
    queue.set_failing(false);
    let answer = webhook
        .handle(signed_post(&webhook, "shared-secret", &raw))
        .await;
    assert_eq!(answer.status, 200);
    assert_eq!(queue.drain().len(), 1, "the retry is queued");
}

#[tokio::test]
async fn unknown_types_are_accepted_and_queued() {
    let queue = Arc::new(MemoryQueue::new());
    let (webhook, _) = webhook(queue.clone());
    let raw = br#"{"message":{"type":"brand-new-type","call":{"id":"c-9"}}}"#;
    let answer = webhook.handle(signed_post(&webhook, "hmac", raw)).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body.as_ref(), b"{}");
    let queued = queue.drain();
    assert_eq!(queued[0].message_type, "brand-new-type");
    assert_eq!(queued[0].call_id.as_deref(), Some("c-9"));
}

#[tokio::test]
async fn transfer_without_escalation_is_an_error_answer() {
    let queue = Arc::new(MemoryQueue::new());
    let mut env = env();
    env.remove("HUMAN_ESCALATION_NUMBER");
    let (webhook, _) = webhook_with(
        queue,
        Arc::new(callwarden::webhook::tool_runner::NoTools),
        &env,
    );
    let raw = sample("transfer-destination-request.json");
    let answer = webhook.handle(signed_post(&webhook, "hmac", &raw)).await;
    assert_eq!(answer.status, 200);
    let body: Value = serde_json::from_slice(&answer.body).expect("json");
    assert!(body["error"].as_str().is_some_and(|e| !e.is_empty()));
    assert!(body.get("destination").is_none());
}

/// Fails the first `n` sends, then delegates.
struct FlakyQueue {
    inner: Arc<MemoryQueue>,
    failures_left: std::sync::atomic::AtomicU32,
}

#[async_trait::async_trait]
impl callwarden::ports::Queue for FlakyQueue {
    async fn enqueue(
        &self,
        d: &callwarden::delivery::Delivery,
    ) -> Result<(), callwarden::ports::QueueError> {
        use std::sync::atomic::Ordering;
        if self
            .failures_left
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
        {
            return Err(callwarden::ports::QueueError::Unavailable("flaky".into()));
        }
        self.inner.enqueue(d).await
    }
}

#[tokio::test]
async fn sync_message_archive_survives_transient_queue_failures() {
    let inner = Arc::new(MemoryQueue::new());
    let flaky = Arc::new(FlakyQueue {
        inner: inner.clone(),
        failures_left: 2.into(),
    });
    let (webhook, _) = webhook_with(
        flaky,
        Arc::new(callwarden::webhook::tool_runner::NoTools),
        &env(),
    );
    let raw = sample("assistant-request.json");
    let answer = webhook.handle(signed_post(&webhook, "hmac", &raw)).await;
    assert_eq!(answer.status, 200);
    let queued = inner.drain();
    assert_eq!(queued.len(), 1, "archived after two failed sends");
    assert_eq!(queued[0].raw.as_ref(), raw.as_slice());
}
