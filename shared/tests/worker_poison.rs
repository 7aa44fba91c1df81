//! Poison messages: an SQS batch (in the exact JSON shape Lambda delivers) with
//! undecodable records among good ones → only the bad records are reported in
//! `batchItemFailures`; the others are archived.

mod worker_support;

use std::sync::Arc;

use aws_lambda_events::event::sqs::SqsEvent;
use callwarden::adapters::memory::MemoryBlobStore;
use callwarden::adapters::memory_store::MemoryStore;
use callwarden::adapters::sqs_message::{encode_delivery, SQS_MAX_MESSAGE_BYTES};
use callwarden::clock::ManualClock;
use callwarden::delivery::sha256_hex;
use callwarden::ports::store::{CallArchive, CallLock, IdempotencyStore};
use callwarden::worker::readback::show_call;
use callwarden::worker::{process_sqs_event, WorkerConfig, WorkerDeps};
use serde_json::{json, Map, Value};
use worker_support::{sample, vapi_delivery};

const NOW_MS: i64 = 1_763_481_900_000;
const CALL_ID: &str = "c7a2e9d4-5b81-4f3c-a6e0-19d84b27f5c3";

fn record(id: &str, body: &str, attributes: &[(String, String)]) -> Value {
    let attrs: Map<String, Value> = attributes
        .iter()
        .map(|(k, v)| (k.clone(), json!({ "stringValue": v, "dataType": "String" })))
        .collect();
    json!({
        "messageId": id,
        "receiptHandle": format!("rh-{id}"),
        "body": body,
        "attributes": { "ApproximateReceiveCount": "1" },
        "messageAttributes": attrs,
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-east-1:000000000000:callwarden-events",
        "awsRegion": "us-east-1"
    })
}

async fn run_batch<S>(store: Arc<S>)
where
    S: IdempotencyStore + CallLock + CallArchive + 'static,
{
    let blobs = Arc::new(MemoryBlobStore::default());
    let deps = WorkerDeps::new(
        store.clone(),
        blobs.clone(),
        Arc::new(ManualClock::at(NOW_MS)),
        WorkerConfig::default(),
    );
    let mut records = Vec::new();
    let good = [
        "status-update.in-progress.json",
        "transcript.final.json",
        "end-of-call-report.json",
        "hang.json",
    ];
    let mut good_attrs = Vec::new();
    for (i, name) in good.iter().enumerate() {
        let d = vapi_delivery(&sample(name), NOW_MS - 1000 + i as i64);
        let msg = encode_delivery(&d, SQS_MAX_MESSAGE_BYTES, blobs.as_ref(), NOW_MS / 1000)
            .await
            .expect("encode");
        let attrs: Vec<(String, String)> = msg.attributes.into_iter().collect();
        records.push(record(&format!("good-{i}"), &msg.body, &attrs));
        good_attrs.push(attrs);
    }
    // 1. Valid attributes and hash, but the body is not JSON.
    let garbage = "{\"message\": {\"type\": \"transcript\", ";
    let mut attrs = good_attrs[0].clone();
    for (k, v) in attrs.iter_mut() {
        match k.as_str() {
            "sha256" => *v = sha256_hex(garbage.as_bytes()),
            "body_bytes" => *v = garbage.len().to_string(),
            _ => {}
        }
    }
    records.push(record("poison-json", garbage, &attrs));
    // 2. JSON without a `message` object.
    let no_message = "{\"hello\": 1}";
    let mut attrs2 = attrs.clone();
    for (k, v) in attrs2.iter_mut() {
        match k.as_str() {
            "sha256" => *v = sha256_hex(no_message.as_bytes()),
            "body_bytes" => *v = no_message.len().to_string(),
            _ => {}
        }
    }
    records.push(record("poison-shape", no_message, &attrs2));
    // 3. A body that does not match its hash attribute.
    records.push(record(
        "poison-hash",
        &String::from_utf8(sample("hang.json"))
            .expect("utf8")
            .replace("hang", "gnah"),
        &good_attrs[3],
    ));
    // 4. No attributes at all.
    records.push(record("poison-attrs", "{}", &[]));
    // 5. Claims gzip but is not base64/gzip.
    let mut attrs5 = good_attrs[1].clone();
    for (k, v) in attrs5.iter_mut() {
        if k == "content_encoding" {
            *v = "gzip+base64".into();
        }
    }
    records.push(record("poison-gzip", "!!not base64!!", &attrs5));
    let event: SqsEvent =
        serde_json::from_value(json!({ "Records": records })).expect("lambda SQS event shape");
    let response = process_sqs_event(&deps, event).await;
    let mut failed: Vec<String> = response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.clone())
        .collect();
    failed.sort();
    assert_eq!(
        failed,
        [
            "poison-attrs",
            "poison-gzip",
            "poison-hash",
            "poison-json",
            "poison-shape"
        ]
    );
    let view = show_call(store.as_ref(), CALL_ID, NOW_MS / 1000)
        .await
        .expect("read")
        .expect("archived");
    assert!(view.report.is_some(), "the good report was archived");
    assert_eq!(view.transcript.len(), 1, "the good transcript was archived");
    assert_eq!(view.events, 4, "all four good records were archived");
    // The response serialises as Lambda expects.
    let wire = serde_json::to_value(&response).expect("serialise");
    assert!(wire["batchItemFailures"][0]["itemIdentifier"].is_string());
}

#[tokio::test]
async fn only_poison_records_fail_in_memory() {
    run_batch(Arc::new(MemoryStore::new())).await;
}

#[tokio::test]
async fn only_poison_records_fail_on_dynamodb_local() {
    if let Some(store) = worker_support::dynamo_store("poison").await {
        run_batch(store).await;
    }
}
