//! The webhook's queue path over the real wire protocols: SQS on moto server and the
//! claim-check on DynamoDB Local (started by `scripts/local-aws.sh run -- ...`, which
//! `make test` does). Asserts the queued bytes equal the delivered bytes.

mod webhook_support;

use std::collections::BTreeMap;
use std::sync::Arc;

use callwarden::adapters::aws_client::{load_sdk_config, AwsCallBudget};
use callwarden::adapters::dynamodb::create_table_if_missing;
use callwarden::adapters::dynamodb_blob::DynamoBlobStore;
use callwarden::adapters::sqs::SqsQueue;
use callwarden::adapters::sqs_message::{attr, decode_delivery, SQS_MAX_MESSAGE_BYTES};
use callwarden::clock::{Clock, SystemClock};
use callwarden::delivery::Delivery;
use callwarden::ports::{BlobStore, Queue};
use callwarden::webhook::lambda::handle_event;
use callwarden::webhook::tool_runner::NoTools;
use webhook_support::*;

/// True when the local endpoints are configured; fails when they must be.
fn local_aws() -> bool {
    let ok = std::env::var("AWS_ENDPOINT_URL_SQS").is_ok()
        && std::env::var("AWS_ENDPOINT_URL_DYNAMODB").is_ok();
    if !ok {
        assert!(
            std::env::var("CALLWARDEN_REQUIRE_LOCAL_AWS").is_err(),
            "CALLWARDEN_REQUIRE_LOCAL_AWS is set but AWS_ENDPOINT_URL_SQS/DYNAMODB are not"
        );
        eprintln!("skipped: no moto/DynamoDB Local (run under scripts/local-aws.sh run --)");
    }
    ok
}

struct Local {
    sqs: aws_sdk_sqs::Client,
    queue_url: String,
    blobs: Arc<DynamoBlobStore>,
}

async fn local() -> Local {
    let sdk = load_sdk_config(AwsCallBudget::WORKER).await;
    let sqs = aws_sdk_sqs::Client::new(&sdk);
    let ddb = aws_sdk_dynamodb::Client::new(&sdk);
    let name = format!("cw-test-{}", uuid::Uuid::new_v4().simple());
    let queue_url = sqs
        .create_queue()
        .queue_name(&name)
        .attributes(
            aws_sdk_sqs::types::QueueAttributeName::MaximumMessageSize,
            SQS_MAX_MESSAGE_BYTES.to_string(),
        )
        .send()
        .await
        .expect("create queue on moto")
        .queue_url
        .expect("queue url");
    create_table_if_missing(&ddb, &name)
        .await
        .expect("create table on DynamoDB Local");
    Local {
        sqs,
        queue_url,
        blobs: Arc::new(DynamoBlobStore::new(ddb, name)),
    }
}

fn queue_of(l: &Local) -> Arc<dyn Queue> {
    Arc::new(SqsQueue::new(
        l.sqs.clone(),
        l.queue_url.clone(),
        l.blobs.clone(),
        Arc::new(SystemClock),
    ))
}

async fn receive_all(l: &Local, expected: usize) -> Vec<Delivery> {
    let mut out = Vec::new();
    let mut empty_polls = 0;
    while out.len() < expected && empty_polls < 5 {
        let got = l
            .sqs
            .receive_message()
            .queue_url(&l.queue_url)
            .max_number_of_messages(10)
            .message_attribute_names("All")
            .wait_time_seconds(1)
            .send()
            .await
            .expect("receive");
        let messages = got.messages.unwrap_or_default();
        if messages.is_empty() {
            empty_polls += 1;
        }
        for m in messages {
            let attrs: BTreeMap<String, String> = m
                .message_attributes
                .unwrap_or_default()
                .into_iter()
                .filter_map(|(k, v)| v.string_value.map(|s| (k, s)))
                .collect();
            let body = m.body.unwrap_or_default();
            let now = SystemClock.now_secs();
            out.push(
                decode_delivery(&body, &attrs, l.blobs.as_ref(), now)
                    .await
                    .expect("decode"),
            );
            l.sqs
                .delete_message()
                .queue_url(&l.queue_url)
                .set_receipt_handle(m.receipt_handle)
                .send()
                .await
                .expect("delete");
        }
    }
    out
}

#[tokio::test]
async fn every_sample_is_queued_byte_for_byte_on_sqs() {
    if !local_aws() {
        return;
    }
    let l = local().await;
    let (webhook, _) = webhook_with(queue_of(&l), Arc::new(NoTools), &env());
    let samples = samples();
    for (name, raw) in &samples {
        let headers = sign(&webhook, "hmac", raw, NOW_MS);
        let r = handle_event(
            &webhook,
            v2_event("POST", "/webhook/vapi", &headers, raw, false),
        )
        .await;
        assert_eq!(r.status_code, 200, "{name}: {}", r.body);
    }
    let mut received = receive_all(&l, samples.len()).await;
    assert_eq!(
        received.len(),
        samples.len(),
        "one SQS message per delivery"
    );
    received.sort_by(|a, b| a.raw.cmp(&b.raw));
    let mut sent: Vec<&Vec<u8>> = samples.iter().map(|(_, raw)| raw).collect();
    sent.sort();
    for (d, raw) in received.iter().zip(sent) {
        assert_eq!(
            d.raw.as_ref(),
            raw.as_slice(),
            "queued bytes == delivered bytes"
        );
        assert_eq!(d.auth_scheme, "hmac");
        assert_eq!(d.received_at_ms, NOW_MS);
    }
}

/// A 3 MB end-of-call report that gzip cannot bring under 1 MiB: it must take the
/// claim-check through DynamoDB and come back identical.
#[tokio::test]
async fn three_megabyte_report_travels_by_claim_check() {
    if !local_aws() {
        return;
    }
    let l = local().await;
    let (webhook, _) = webhook_with(queue_of(&l), Arc::new(NoTools), &env());
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let noise: String = (0..3 * 1024 * 1024)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            char::from(b"abcdefghijklmnopqrstuvwxyz0123456789 "[(x % 37) as usize])
        })
        .collect();
    let body =
        serde_json::json!({"message": {"type": "end-of-call-report", "call": {"id": "call-3mb"},
        "endedReason": "customer-ended-call", "artifact": {"transcript": noise}}})
        .to_string()
        .into_bytes();
    assert!(body.len() > 3 * 1024 * 1024);
    let headers = sign(&webhook, "shared-secret", &body, NOW_MS);
    let r = handle_event(
        &webhook,
        v2_event("POST", "/webhook/vapi", &headers, &body, false),
    )
    .await;
    assert_eq!(r.status_code, 200, "{}", r.body);

    let got = l
        .sqs
        .receive_message()
        .queue_url(&l.queue_url)
        .message_attribute_names("All")
        .wait_time_seconds(2)
        .send()
        .await
        .expect("receive")
        .messages
        .unwrap_or_default();
    assert_eq!(got.len(), 1);
    let m = &got[0];
    let attrs: BTreeMap<String, String> = m
        .message_attributes
        .clone()
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(k, v)| v.string_value.map(|s| (k, s)))
        .collect();
    assert_eq!(
        attrs.get(attr::CONTENT_ENCODING).map(String::as_str),
        Some("claim-check")
    );
    assert!(
        m.body.as_deref().unwrap_or_default().len() < 1024,
        "the message holds only a reference"
    );
    let d = decode_delivery(
        m.body.as_deref().unwrap_or_default(),
        &attrs,
        l.blobs.as_ref(),
        SystemClock.now_secs(),
    )
    .await
    .expect("decode");
    assert_eq!(d.raw.as_ref(), body.as_slice());
    assert_eq!(d.call_id.as_deref(), Some("call-3mb"));
    // An expired blob is treated as absent, whatever TTL deletion has done.
    let key = &d.sha256;
    assert!(l
        .blobs
        .get_blob(key, i64::MAX / 2)
        .await
        .expect("read")
        .is_none());
}

#[tokio::test]
async fn sqs_failure_turns_into_503_and_nothing_is_acknowledged() {
    if !local_aws() {
        return;
    }
    let l = local().await;
    let missing = Local {
        sqs: l.sqs.clone(),
        queue_url: format!("{}-does-not-exist", l.queue_url),
        blobs: l.blobs.clone(),
    };
    let (webhook, _) = webhook_with(queue_of(&missing), Arc::new(NoTools), &env());
    let raw = sample("end-of-call-report.json");
    let headers = sign(&webhook, "hmac", &raw, NOW_MS);
    let r = handle_event(
        &webhook,
        v2_event("POST", "/webhook/vapi", &headers, &raw, false),
    )
    .await;
    assert_eq!(r.status_code, 503, "{}", r.body);
    assert!(r.body.contains("queue_unavailable"));
}
