//! Every file in `events/` goes through the real function handlers (the same code the
//! Lambda binaries run), so the sample events never rot: webhook events are answered 200
//! with the right body and queued; the worker's SQS batch completes and the poison batch
//! fails exactly its poison record.

use std::collections::HashMap;
use std::sync::Arc;

use aws_lambda_events::event::sqs::SqsEvent;
use callwarden::adapters::memory::{MemoryBlobStore, MemoryQueue};
use callwarden::adapters::memory_store::MemoryStore;
use callwarden::clock::SystemClock;
use callwarden::webhook::lambda::{handle_event, HttpEvent};
use callwarden::webhook::tool_runner::NoTools;
use callwarden::webhook::{Webhook, WebhookConfig, WebhookDeps};
use callwarden::worker::{process_sqs_event, WorkerConfig, WorkerDeps};
use serde_json::Value;

fn events_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../events")
}

fn env_json(function: &str) -> HashMap<String, String> {
    let text = std::fs::read_to_string(events_dir().join("env.json")).expect("events/env.json");
    let v: Value = serde_json::from_str(&text).expect("env.json is JSON");
    v[function]
        .as_object()
        .expect("function section")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
        .collect()
}

fn files(prefix: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(events_dir())
        .expect("events dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter_map(|p| {
            let name = p.file_name()?.to_str()?.to_owned();
            (name.starts_with(prefix) && name.ends_with(".json"))
                .then(|| (name, std::fs::read_to_string(&p).expect("read event")))
        })
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn every_webhook_event_is_answered_and_queued() {
    let env = env_json("WebhookFunction");
    let config = WebhookConfig::from_lookup(|k| env.get(k).cloned()).expect("env.json config");
    let queue = Arc::new(MemoryQueue::new());
    let webhook = Webhook::new(
        config,
        WebhookDeps {
            queue: queue.clone(),
            tools: Arc::new(NoTools),
            clock: Arc::new(SystemClock),
            twilio: None,
        },
    );
    let events = files("webhook.");
    assert!(
        events.len() >= 11,
        "one event per message type that matters"
    );
    for (name, text) in events {
        let event: HttpEvent =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let response = handle_event(&webhook, event).await;
        assert_eq!(response.status_code, 200, "{name}: {}", response.body);
        let body: Value = serde_json::from_str(&response.body).expect("JSON answer");
        if name.contains("assistant-request") {
            assert!(
                body.get("assistant").is_some() || body.get("assistantId").is_some(),
                "{name}"
            );
        } else if name.contains("tool-calls") {
            assert!(
                body["results"].as_array().is_some_and(|r| !r.is_empty()),
                "{name}"
            );
        } else if name.contains("transfer-destination-request") {
            assert_eq!(body["destination"]["type"], "number", "{name}");
        } else {
            assert_eq!(body, serde_json::json!({}), "{name}");
        }
        assert_eq!(queue.drain().len(), 1, "{name}: queued once");
    }
}

#[tokio::test]
async fn worker_events_complete_and_poison_fails_alone() {
    let deps = WorkerDeps::new(
        Arc::new(MemoryStore::new()),
        Arc::new(MemoryBlobStore::default()),
        Arc::new(SystemClock),
        WorkerConfig::default(),
    );
    for (name, text) in files("worker.") {
        let event: SqsEvent = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let ids: Vec<String> = event
            .records
            .iter()
            .filter_map(|r| r.message_id.clone())
            .collect();
        let response = process_sqs_event(&deps, event).await;
        let failed: Vec<&str> = response
            .batch_item_failures
            .iter()
            .map(|f| f.item_identifier.as_str())
            .collect();
        if name.contains("poison") {
            assert_eq!(
                failed,
                vec![ids[1].as_str()],
                "{name}: only the poison record fails"
            );
        } else {
            assert!(failed.is_empty(), "{name}: no failures, got {failed:?}");
        }
    }
}
