//! Handler path cost: authenticate (HMAC) + parse + route + answer/enqueue to the
//! in-memory queue, for a 2 KB transcript, a tool-calls message and a 200 KB
//! end-of-call report. `cargo bench -p callwarden --bench webhook`.

use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;
use callwarden::adapters::memory::MemoryQueue;
use callwarden::auth::SignedRequest;
use callwarden::clock::ManualClock;
use callwarden::webhook::tool_runner::NoTools;
use callwarden::webhook::{IncomingRequest, Webhook, WebhookConfig, WebhookDeps};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use serde_json::json;

const NOW_MS: i64 = 1_763_481_823_120;

fn webhook(queue: Arc<MemoryQueue>) -> Webhook {
    let env = HashMap::from([("VAPI_HMAC_SECRET", "bench-secret-0123456789")]);
    let config = WebhookConfig::from_lookup(|k| env.get(k).map(|v| v.to_string())).expect("config");
    Webhook::new(
        config,
        WebhookDeps {
            queue,
            tools: Arc::new(NoTools),
            clock: Arc::new(ManualClock::at(NOW_MS)),
            twilio: None,
        },
    )
}

fn signed(webhook: &Webhook, body: &[u8]) -> IncomingRequest {
    let empty = HeaderMap::new();
    let req = SignedRequest {
        method: "POST",
        url: "https://x/webhook/vapi",
        headers: &empty,
        body,
    };
    let mut headers = HeaderMap::new();
    for (k, v) in webhook.config().auth.sign(&req, NOW_MS) {
        if let (Ok(k), Ok(v)) = (
            HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::from_str(&v),
        ) {
            headers.insert(k, v);
        }
    }
    IncomingRequest {
        method: Method::POST,
        path: "/webhook/vapi".into(),
        raw_query: String::new(),
        headers,
        body: Bytes::copy_from_slice(body),
    }
}

fn call() -> serde_json::Value {
    json!({"id": "c7a2e9d4-5b81-4f3c-a6e0-19d84b27f5c3", "orgId": "6c1f0e2a", "type": "inboundPhoneCall",
        "status": "in-progress", "customer": {"number": "+14155550142"},
        "monitor": {"controlUrl": "https://example.invalid/control", "listenUrl": "wss://example.invalid/listen"}})
}

fn transcript_2kb() -> Vec<u8> {
    let text =
        "I opened a ticket last week about a double charge and never heard back. ".repeat(20);
    let mut v = json!({"message": {"type": "transcript", "role": "user", "transcriptType": "final",
        "transcript": text, "timestamp": NOW_MS, "call": call()}});
    let len = v.to_string().len();
    if len < 2048 {
        v["message"]["pad"] = json!("x".repeat(2048 - len));
    }
    v.to_string().into_bytes()
}

fn tool_calls() -> Vec<u8> {
    json!({"message": {"type": "tool-calls", "timestamp": NOW_MS, "call": call(), "toolCallList": [
        {"id": "call_1", "type": "function", "function": {"name": "lookupAccount", "arguments": {"accountId": "AC-1"}}},
        {"id": "call_2", "type": "function", "function": {"name": "getTicketStatus", "arguments": "{\"ticketId\":\"44109\"}"}}
    ]}})
    .to_string()
    .into_bytes()
}

fn report_200kb() -> Vec<u8> {
    let messages: Vec<_> = (0..800)
        .map(|i| json!({"role": if i % 2 == 0 {"user"} else {"bot"}, "message": "Sure, it's the account ending in four two, and the charge was on the fifth of March.", "time": NOW_MS + i, "secondsFromStart": i}))
        .collect();
    json!({"message": {"type": "end-of-call-report", "endedReason": "customer-ended-call", "timestamp": NOW_MS,
        "call": call(), "analysis": {"summary": "Caller asked about a charge."},
        "artifact": {"messages": messages, "transcript": "AI: hello\nUser: hi\n".repeat(1000)}}})
    .to_string()
    .into_bytes()
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let queue = Arc::new(MemoryQueue::new());
    let hook = webhook(queue.clone());
    let mut group = c.benchmark_group("webhook_handle");
    for (name, body) in [
        ("transcript_2kb", transcript_2kb()),
        ("tool_calls", tool_calls()),
        ("end_of_call_report_200kb", report_200kb()),
    ] {
        let req = signed(&hook, &body);
        group.throughput(Throughput::Bytes(body.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(name), &req, |b, req| {
            b.iter(|| {
                let answer = rt.block_on(hook.handle(req.clone()));
                assert_eq!(answer.status, 200);
                queue.drain();
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
