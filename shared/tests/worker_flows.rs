//! Worker flows end to end through `process_delivery`: late events, duplicate reports,
//! Twilio status callbacks, session expiry, in-progress records, lock contention, large
//! reports split over items, and the DynamoDB request count per event type.

mod worker_support;

use std::collections::BTreeMap;
use std::sync::Arc;

use bytes::Bytes;
use callwarden::adapters::dynamodb::RequestCounter;
use callwarden::adapters::memory::MemoryBlobStore;
use callwarden::adapters::memory_store::MemoryStore;
use callwarden::clock::{Clock, ManualClock};
use callwarden::delivery::{Delivery, Source};
use callwarden::ports::store::{CallArchive, CallLock, IdempotencyStore};
use callwarden::worker::readback::{list_calls, show_call};
use callwarden::worker::{process_delivery, Outcome, WorkerConfig, WorkerDeps, WorkerError};
use serde_json::{json, Value};
use worker_support::{body_from, sample, sample_json, vapi_delivery};

const NOW_MS: i64 = 1_763_481_900_000;
const CALL_ID: &str = "c7a2e9d4-5b81-4f3c-a6e0-19d84b27f5c3";

fn deps<S>(store: Arc<S>, clock: &ManualClock) -> WorkerDeps
where
    S: IdempotencyStore + CallLock + CallArchive + 'static,
{
    WorkerDeps::new(
        store,
        Arc::new(MemoryBlobStore::default()),
        Arc::new(clock.clone()),
        WorkerConfig::default(),
    )
}

fn twilio(call_sid: &str, status: &str, seq: u32) -> Delivery {
    let body = format!("CallSid={call_sid}&CallStatus={status}&SequenceNumber={seq}&From=%2B14155550142&To=%2B14155550199");
    Delivery::new(
        Bytes::from(body),
        NOW_MS,
        Some(call_sid.into()),
        "twilio.status",
        "twilio-signature",
        Source::Twilio,
    )
}

#[tokio::test]
async fn late_events_are_archived_flagged_without_side_effects() {
    let clock = ManualClock::at(NOW_MS);
    let store = Arc::new(MemoryStore::new());
    let d = deps(store.clone(), &clock);
    let ok = |r: Result<Outcome, WorkerError>| r.expect("processed");
    assert_eq!(
        ok(process_delivery(&d, &vapi_delivery(&sample("transcript.final.json"), NOW_MS)).await),
        Outcome::Archived
    );
    assert_eq!(
        ok(process_delivery(
            &d,
            &vapi_delivery(&sample("end-of-call-report.json"), NOW_MS + 1)
        )
        .await),
        Outcome::Archived
    );
    let before = show_call(store.as_ref(), CALL_ID, clock.now_secs())
        .await
        .unwrap()
        .unwrap()
        .session
        .unwrap();
    // A transcript and a status-update arriving after the report.
    let late_transcript = vapi_delivery(&sample("transcript.assistant.final.json"), NOW_MS + 2);
    assert_eq!(
        ok(process_delivery(&d, &late_transcript).await),
        Outcome::ArchivedLate
    );
    let late_status = vapi_delivery(&sample("status-update.in-progress.json"), NOW_MS + 3);
    assert_eq!(
        ok(process_delivery(&d, &late_status).await),
        Outcome::ArchivedLate
    );
    // Delivered again: still a duplicate, not a second late copy.
    assert_eq!(
        ok(process_delivery(&d, &late_transcript).await),
        Outcome::Duplicate
    );
    let view = show_call(store.as_ref(), CALL_ID, clock.now_secs())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(view.late_events, 2);
    assert_eq!(view.transcript.iter().filter(|s| s.late).count(), 1);
    assert!(view
        .archived_events
        .iter()
        .any(|e| e.late && e.message_type == "status-update"));
    let after = view.session.unwrap();
    assert_eq!(
        after.counters, before.counters,
        "late events change no session counters"
    );
    assert_eq!(
        after.status.as_deref(),
        Some("ended"),
        "a late in-progress does not reopen the call"
    );
}

#[tokio::test]
async fn a_report_delivered_again_with_new_presigned_urls_is_stored_once() {
    let clock = ManualClock::at(NOW_MS);
    let store = Arc::new(MemoryStore::new());
    let d = deps(store.clone(), &clock);
    let mut report = sample_json("end-of-call-report.json");
    assert_eq!(
        process_delivery(
            &d,
            &vapi_delivery(&serde_json::to_vec(&report).unwrap(), NOW_MS)
        )
        .await
        .unwrap(),
        Outcome::Archived
    );
    report["message"]["artifact"]["presignedStereoUrl"] = json!("https://example.invalid/retry-2");
    let retry = vapi_delivery(&serde_json::to_vec(&report).unwrap(), NOW_MS + 5000);
    assert_eq!(
        process_delivery(&d, &retry).await.unwrap(),
        Outcome::Duplicate
    );
    let view = show_call(store.as_ref(), CALL_ID, clock.now_secs())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(view.events, 1);
    assert_eq!(
        view.session
            .unwrap()
            .counters
            .get("event.end-of-call-report"),
        Some(&1)
    );
}

#[tokio::test]
async fn twilio_status_is_archived_on_the_matching_vapi_call() {
    let clock = ManualClock::at(NOW_MS);
    let store = Arc::new(MemoryStore::new());
    let d = deps(store.clone(), &clock);
    // The Vapi status-update carries call.phoneCallProviderId (the CallSid).
    process_delivery(
        &d,
        &vapi_delivery(&sample("status-update.ringing.json"), NOW_MS),
    )
    .await
    .unwrap();
    let sid = "CA8e2b7c1d9f4a3e6b5c0d7e8f9a1b2c3d";
    assert_eq!(
        process_delivery(&d, &twilio(sid, "completed", 4))
            .await
            .unwrap(),
        Outcome::Archived
    );
    assert_eq!(
        process_delivery(&d, &twilio(sid, "completed", 4))
            .await
            .unwrap(),
        Outcome::Duplicate
    );
    let view = show_call(store.as_ref(), CALL_ID, clock.now_secs())
        .await
        .unwrap()
        .unwrap();
    let ev = view
        .archived_events
        .iter()
        .find(|e| e.message_type == "twilio.status")
        .expect("archived on the call");
    assert_eq!(ev.message["CallStatus"], json!("completed"));
    assert!(
        ev.message.get("From").is_none() && ev.message.get("To").is_none(),
        "numbers removed"
    );
    assert!(view.audit.removed_fields.contains("twilio.status:From"));
    assert_eq!(
        view.session
            .unwrap()
            .flags
            .get("twilio_status")
            .map(String::as_str),
        Some("completed")
    );
    // Unknown CallSid: archived under its own id, not lost.
    process_delivery(&d, &twilio("CAunknown0001", "busy", 1))
        .await
        .unwrap();
    assert!(
        show_call(store.as_ref(), "twilio-CAunknown0001", clock.now_secs())
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn an_expired_session_is_never_added_to() {
    let clock = ManualClock::at(NOW_MS);
    let store = Arc::new(MemoryStore::new());
    let d = deps(store.clone(), &clock);
    let hang = sample_json("hang.json");
    process_delivery(
        &d,
        &vapi_delivery(&body_from(&hang, "ttl-call", NOW_MS, &[]), NOW_MS),
    )
    .await
    .unwrap();
    clock.advance((WorkerConfig::default().session_ttl_secs + 1) * 1000);
    let view = show_call(store.as_ref(), "ttl-call", clock.now_secs())
        .await
        .unwrap()
        .unwrap();
    assert!(
        view.session.is_none(),
        "expired session is absent on read, TTL deletion or not"
    );
    process_delivery(
        &d,
        &vapi_delivery(&body_from(&hang, "ttl-call", NOW_MS + 1, &[]), NOW_MS + 1),
    )
    .await
    .unwrap();
    let session = show_call(store.as_ref(), "ttl-call", clock.now_secs())
        .await
        .unwrap()
        .unwrap()
        .session
        .unwrap();
    assert_eq!(
        session.counters.get("event.hang"),
        Some(&1),
        "a fresh session, not 2"
    );
}

#[tokio::test]
async fn an_event_in_progress_elsewhere_fails_until_its_lease_runs_out() {
    let clock = ManualClock::at(NOW_MS);
    let store = Arc::new(MemoryStore::new());
    let d = deps(store.clone(), &clock);
    let key = format!("end-of-call-report:{CALL_ID}");
    // Another worker claimed the report and crashed.
    store
        .claim(
            &key,
            "crashed-worker",
            NOW_MS,
            NOW_MS + 60_000,
            NOW_MS / 1000 + 86_400,
        )
        .await
        .unwrap();
    let report = vapi_delivery(&sample("end-of-call-report.json"), NOW_MS);
    assert!(matches!(
        process_delivery(&d, &report).await,
        Err(WorkerError::InProgress)
    ));
    clock.advance(60_001);
    assert_eq!(
        process_delivery(&d, &report).await.unwrap(),
        Outcome::Archived
    );
}

#[tokio::test]
async fn a_locked_call_fails_the_record_and_releases_its_claim() {
    let clock = ManualClock::at(NOW_MS);
    let store = Arc::new(MemoryStore::new());
    let d = deps(store.clone(), &clock);
    assert!(store
        .acquire(CALL_ID, "other-worker", NOW_MS, 30_000)
        .await
        .unwrap());
    let report = vapi_delivery(&sample("end-of-call-report.json"), NOW_MS);
    assert!(matches!(
        process_delivery(&d, &report).await,
        Err(WorkerError::Locked(_))
    ));
    assert!(store.release(CALL_ID, "other-worker").await.unwrap());
    // The failed attempt deleted its idempotency record: the retry proceeds at once.
    assert_eq!(
        process_delivery(&d, &report).await.unwrap(),
        Outcome::Archived
    );
    assert!(
        store.acquire(CALL_ID, "third", NOW_MS, 1000).await.unwrap(),
        "the worker released the lock"
    );
}

/// An end-of-call report with `n` messages of ~1 KB each.
fn long_report(call_id: &str, n: usize) -> Vec<u8> {
    let mut v = sample_json("end-of-call-report.json");
    let words = "and then I said the ticket number again so you can note it down ".repeat(14);
    let msgs: Vec<Value> = (0..n)
        .map(|i| json!({ "role": if i % 2 == 0 { "bot" } else { "user" }, "message": format!("{i}: {words}"), "time": NOW_MS + i as i64, "secondsFromStart": i }))
        .collect();
    v["message"]["artifact"]["messages"] = Value::Array(msgs.clone());
    v["message"]["artifact"]["messagesOpenAIFormatted"] = Value::Array(vec![]);
    v["message"]["call"]["id"] = json!(call_id);
    serde_json::to_vec(&v).unwrap()
}

#[tokio::test]
async fn a_500_message_report_is_split_and_reads_back_whole() {
    let clock = ManualClock::at(NOW_MS);
    let store = Arc::new(MemoryStore::new());
    let d = deps(store.clone(), &clock);
    let body = long_report("long-call", 500);
    assert!(body.len() > 400 * 1024);
    let before = store.requests().snapshot();
    assert_eq!(
        process_delivery(&d, &vapi_delivery(&body, NOW_MS))
            .await
            .unwrap(),
        Outcome::Archived
    );
    let after = store.requests().snapshot();
    let batches = after.get("BatchWriteItem").copied().unwrap_or(0)
        - before.get("BatchWriteItem").copied().unwrap_or(0);
    assert!(batches >= 1, "parts go out in batch writes");
    let view = show_call(store.as_ref(), "long-call", clock.now_secs())
        .await
        .unwrap()
        .unwrap();
    let report = view.report.unwrap();
    assert!(report.parts >= 2, "split over {} parts", report.parts);
    assert_eq!(
        report.message["artifact"]["messages"]
            .as_array()
            .map(Vec::len),
        Some(500)
    );
}

#[tokio::test]
async fn list_calls_shows_recent_calls_newest_first() {
    let clock = ManualClock::at(NOW_MS);
    let store = Arc::new(MemoryStore::new());
    let d = deps(store.clone(), &clock);
    let hang = sample_json("hang.json");
    process_delivery(
        &d,
        &vapi_delivery(&body_from(&hang, "first", NOW_MS, &[]), NOW_MS),
    )
    .await
    .unwrap();
    clock.advance(1000);
    process_delivery(
        &d,
        &vapi_delivery(&body_from(&hang, "second", NOW_MS, &[]), NOW_MS),
    )
    .await
    .unwrap();
    let calls = list_calls(store.as_ref(), clock.now_secs(), 7, 10)
        .await
        .unwrap();
    let ids: Vec<&str> = calls.iter().map(|c| c.call_id.as_str()).collect();
    assert_eq!(ids, ["second", "first"]);
}

/// DynamoDB requests per event type, processed one at a time (figures for BENCHMARKS.md).
async fn request_counts<S>(
    store: Arc<S>,
    counter: &RequestCounter,
) -> BTreeMap<String, BTreeMap<String, u64>>
where
    S: IdempotencyStore + CallLock + CallArchive + 'static,
{
    let clock = ManualClock::at(NOW_MS);
    let d = deps(store, &clock);
    let transcript = sample_json("transcript.final.json");
    let partial = sample_json("transcript.partial.json");
    let mut table = BTreeMap::new();
    let mut events: Vec<(String, Vec<u8>)> = vec![
        (
            "status-update".into(),
            sample("status-update.in-progress.json"),
        ),
        ("tool-calls".into(), sample("tool-calls.json")),
        (
            "conversation-update".into(),
            sample("conversation-update.json"),
        ),
        ("speech-update".into(), sample("speech-update.json")),
    ];
    for k in 0..10 {
        let role = if k % 2 == 0 { "assistant" } else { "user" };
        events.push((
            format!("transcript.final#{k}"),
            body_from(
                &transcript,
                CALL_ID,
                NOW_MS + k * 1000,
                &[("role", json!(role))],
            ),
        ));
        events.push((
            format!("transcript.partial#{k}"),
            body_from(
                &partial,
                CALL_ID,
                NOW_MS + k * 1000 - 300,
                &[("role", json!(role))],
            ),
        ));
    }
    events.push((
        "end-of-call-report".into(),
        sample("end-of-call-report.json"),
    ));
    events.push((
        "end-of-call-report (500 messages)".into(),
        long_report("long-call", 500),
    ));
    for (name, body) in events {
        let before = counter.snapshot();
        process_delivery(&d, &vapi_delivery(&body, NOW_MS))
            .await
            .expect("processed");
        let after = counter.snapshot();
        let diff: BTreeMap<String, u64> = after
            .iter()
            .map(|(k, v)| (k.clone(), v - before.get(k).copied().unwrap_or(0)))
            .filter(|(_, v)| *v > 0)
            .collect();
        let kind = name.split('#').next().unwrap_or(&name).to_string();
        let slot: &mut BTreeMap<String, u64> = table.entry(kind).or_default();
        for (op, n) in diff {
            *slot.entry(op).or_insert(0) += n;
        }
    }
    for (kind, ops) in table.iter_mut() {
        if kind.starts_with("transcript.") {
            for n in ops.values_mut() {
                *n /= 10; // per event
            }
        }
    }
    table
}

fn writes(ops: &BTreeMap<String, u64>) -> u64 {
    ops.iter()
        .filter(|(k, _)| !matches!(k.as_str(), "GetItem" | "Query" | "Scan"))
        .map(|(_, v)| *v)
        .sum()
}

fn check_and_print(label: &str, table: &BTreeMap<String, BTreeMap<String, u64>>) {
    println!("DynamoDB requests per event ({label}):");
    for (kind, ops) in table {
        println!("  {kind:<36} writes={:<3} {ops:?}", writes(ops));
    }
    assert!(
        writes(&table["transcript.final"]) <= 2,
        "a final transcript costs at most 2 write requests"
    );
    assert!(
        writes(&table["transcript.partial"]) <= 2,
        "a partial transcript costs at most 2 write requests"
    );
    let long = &table["end-of-call-report (500 messages)"];
    assert!(
        long.get("BatchWriteItem").copied().unwrap_or(0) >= 1 && writes(long) <= 8,
        "batch writes, not one per message"
    );
}

#[tokio::test]
async fn request_counts_per_event_type_in_memory() {
    let store = Arc::new(MemoryStore::new());
    let table = request_counts(store.clone(), store.requests()).await;
    check_and_print("memory adapter, mirrored", &table);
}

#[tokio::test]
async fn request_counts_per_event_type_on_dynamodb_local() {
    let Some(store) = worker_support::dynamo_store("request_counts").await else {
        return;
    };
    let table = request_counts(store.clone(), store.requests()).await;
    check_and_print("DynamoDB Local", &table);
}
