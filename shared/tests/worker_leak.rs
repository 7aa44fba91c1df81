//! Leak test: every Vapi sample, a Twilio status callback and a run of PII-bearing
//! transcripts from the PII corpus go through the worker; then every stored item is
//! scanned (memory: all records; DynamoDB Local: a full table scan) and none of the PII
//! values, in digits or in words, and none of the secrets may appear.

mod worker_support;

use std::collections::HashMap;
use std::sync::Arc;

use aws_sdk_dynamodb::types::AttributeValue;
use bytes::Bytes;
use callwarden::adapters::memory::MemoryBlobStore;
use callwarden::adapters::memory_store::MemoryStore;
use callwarden::clock::ManualClock;
use callwarden::delivery::{Delivery, Source};
use callwarden::ports::store::{CallArchive, CallLock, IdempotencyStore};
use callwarden::worker::{process_delivery, WorkerConfig, WorkerDeps};
use serde_json::{json, Value};
use worker_support::{sample, sample_json, vapi_delivery, vapi_sample_names};

const NOW_MS: i64 = 1_763_481_900_000;
const PII_CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/pii/dev.jsonl");
/// Corpus records replayed as transcripts (kept modest for DynamoDB Local).
const CORPUS_RECORDS: usize = 120;

/// PII and secrets of the samples (README: Maria Gonzalez's data), as they are spoken or
/// written there.
const SAMPLE_NEEDLES: &[&str] = &[
    "4111 1111 1111 1111",
    "4111111111111111",
    "123-45-6789",
    "one two three, four five, six seven eight nine",
    "maria.gonzalez84@example.com",
    "maria dot gonzalez",
    "m a r i a dot g o n z a l e z",
    "+14155550142",
    "4155550142",
    "four one five, five five five, zero one four two",
    "March fourteenth, nineteen eighty four",
    "oh three, one four, eighty four",
    "1984-03-14",
    "Maria Gonzalez",
    "Gonzalez",
    "A C eight eight two one three four five seven",
    // Secrets and capabilities.
    "/control",
    "/listen",
    "You are Ava, a phone support agent",
];

/// Digit-only needles are also matched against the stored text with separators between
/// digits removed ("4111-1111 1111.1111" → "4111111111111111").
fn squash_digit_separators(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, c) in chars.iter().enumerate() {
        let sep = matches!(c, ' ' | '-' | '.' | '(' | ')');
        let prev_digit = i > 0 && chars[i - 1].is_ascii_digit();
        let next_digit = chars.get(i + 1).is_some_and(|n| n.is_ascii_digit());
        if sep && prev_digit && next_digit {
            continue;
        }
        out.push(*c);
    }
    out
}

struct Needle {
    label: String,
    text: String,
}

fn corpus_needles_and_deliveries() -> (Vec<Needle>, Vec<Delivery>) {
    let corpus = std::fs::read_to_string(PII_CORPUS).expect("PII corpus");
    let template = sample_json("transcript.final.json");
    let mut needles = Vec::new();
    let mut deliveries = Vec::new();
    let records = corpus
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|r| r["entities"].as_array().is_some_and(|e| !e.is_empty()))
        .filter(|r| {
            r["entities"]
                .as_array()
                .is_some_and(|e| e.iter().all(|x| x["truncated"] == json!(false)))
        })
        .take(CORPUS_RECORDS);
    for (n, r) in records.enumerate() {
        let id = r["id"].as_str().unwrap_or("?").to_string();
        let text = r["text"].as_str().unwrap_or("");
        let call_id = format!("leak-corpus-{n:04}");
        let ts = NOW_MS - 100_000 + n as i64 * 10;
        let mut push = |role: &str, t: &str, ts: i64| {
            let mut v = template.clone();
            v["message"]["call"]["id"] = json!(call_id);
            v["message"]["timestamp"] = json!(ts);
            v["message"]["role"] = json!(role);
            v["message"]["transcript"] = json!(t);
            deliveries.push(vapi_delivery(&serde_json::to_vec(&v).expect("body"), ts));
        };
        let role = r["role"].as_str().unwrap_or("user");
        // A continuation's context is the same speaker's previous segment (a number cut
        // across two segments): replayed as that speaker, so the worker's carried stream
        // state is what catches it. Otherwise the context is the agent's question.
        let continuation = r["entities"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|e| e["continuation"] == json!(true));
        if let Some(ctx) = r["context"].as_str().filter(|c| !c.is_empty()) {
            push(if continuation { role } else { "assistant" }, ctx, ts - 1);
        }
        push(role, text, ts);
        for e in r["entities"].as_array().into_iter().flatten() {
            let (start, end) = (
                e["start"].as_u64().unwrap_or(0) as usize,
                e["end"].as_u64().unwrap_or(0) as usize,
            );
            let label = format!(
                "{id} {} {}",
                e["type"].as_str().unwrap_or("?"),
                e["form"].as_str().unwrap_or("?")
            );
            if let Some(surface) = text.get(start..end).filter(|s| s.len() >= 6) {
                needles.push(Needle {
                    label: label.clone(),
                    text: surface.to_string(),
                });
            }
            if let Some(value) = e["value"].as_str() {
                let digits: String = value.chars().filter(char::is_ascii_digit).collect();
                if digits.len() >= 7 && digits.len() * 10 >= value.len() * 8 {
                    needles.push(Needle {
                        label,
                        text: digits,
                    });
                }
            }
        }
    }
    (needles, deliveries)
}

fn twilio_status_delivery() -> Delivery {
    let body = "CallSid=CA8e2b7c1d9f4a3e6b5c0d7e8f9a1b2c3d&AccountSid=AC5f3e9a1b7c2d4e6f8a0b1c2d3e4f5a6b\
                &CallStatus=completed&CallDuration=95&Direction=inbound&SequenceNumber=3\
                &From=%2B14155550142&Caller=%2B14155550142&To=%2B14155550199&CallerName=Maria+Gonzalez\
                &FromCity=SAN+FRANCISCO&FromZip=94107";
    Delivery::new(
        Bytes::from_static(body.as_bytes()),
        NOW_MS,
        Some("CA8e2b7c1d9f4a3e6b5c0d7e8f9a1b2c3d".into()),
        "twilio.status",
        "twilio-signature",
        Source::Twilio,
    )
}

fn all_deliveries() -> (Vec<Needle>, Vec<Delivery>) {
    let mut needles: Vec<Needle> = SAMPLE_NEEDLES
        .iter()
        .enumerate()
        .map(|(i, n)| Needle {
            label: format!("sample needle #{i}"),
            text: n.to_string(),
        })
        .collect();
    let mut deliveries: Vec<Delivery> = vapi_sample_names()
        .iter()
        .enumerate()
        .map(|(i, name)| vapi_delivery(&sample(name), NOW_MS - 50_000 + i as i64))
        .collect();
    deliveries.push(twilio_status_delivery());
    let (corpus_needles, corpus_deliveries) = corpus_needles_and_deliveries();
    needles.extend(corpus_needles);
    deliveries.extend(corpus_deliveries);
    (needles, deliveries)
}

async fn process_all<S>(store: Arc<S>, deliveries: &[Delivery])
where
    S: IdempotencyStore + CallLock + CallArchive + 'static,
{
    let deps = WorkerDeps::new(
        store,
        Arc::new(MemoryBlobStore::default()),
        Arc::new(ManualClock::at(NOW_MS)),
        WorkerConfig::default(),
    );
    for d in deliveries {
        if let Err(e) = process_delivery(&deps, d).await {
            panic!("{} failed: {e}", d.message_type);
        }
    }
}

fn assert_no_leaks(items: &[String], needles: &[Needle]) {
    let lowered: Vec<String> = items.iter().map(|i| i.to_lowercase()).collect();
    let squashed: Vec<String> = lowered.iter().map(|i| squash_digit_separators(i)).collect();
    let mut leaks = Vec::new();
    for n in needles {
        let needle = n.text.to_lowercase();
        let digits_only = needle.chars().all(|c| c.is_ascii_digit());
        let found = lowered.iter().any(|i| i.contains(&needle))
            || (digits_only && squashed.iter().any(|i| i.contains(&needle)));
        if found {
            leaks.push(n.label.clone());
        }
    }
    assert!(
        leaks.is_empty(),
        "{} PII values found in storage (record id, type, form): {leaks:#?}",
        leaks.len()
    );
}

fn render(v: &AttributeValue) -> String {
    match v {
        AttributeValue::S(s) => s.clone(),
        AttributeValue::N(n) => n.clone(),
        AttributeValue::Ss(l) | AttributeValue::Ns(l) => l.join(" | "),
        AttributeValue::M(m) => m
            .iter()
            .map(|(k, v)| format!("{k}={}", render(v)))
            .collect::<Vec<_>>()
            .join(" | "),
        AttributeValue::L(l) => l.iter().map(render).collect::<Vec<_>>().join(" | "),
        AttributeValue::Bool(b) => b.to_string(),
        other => format!("{other:?}"),
    }
}

#[tokio::test]
async fn nothing_stored_in_memory_contains_pii() {
    let (needles, deliveries) = all_deliveries();
    let store = Arc::new(MemoryStore::new());
    process_all(store.clone(), &deliveries).await;
    let items = store.dump_text().expect("dump");
    assert!(items.len() > 100, "the scan must see the archive");
    assert_no_leaks(&items, &needles);
}

#[tokio::test]
async fn nothing_stored_in_dynamodb_contains_pii() {
    let Some(store) = worker_support::dynamo_store("leak").await else {
        return;
    };
    let (needles, deliveries) = all_deliveries();
    process_all(store.clone(), &deliveries).await;
    let client = callwarden::adapters::dynamodb::dynamodb_client_from_env().await;
    let mut items: Vec<String> = Vec::new();
    let mut start: Option<HashMap<String, AttributeValue>> = None;
    loop {
        let page = client
            .scan()
            .table_name(store.table())
            .set_exclusive_start_key(start.take())
            .send()
            .await
            .expect("scan");
        for item in page.items() {
            items.push(
                item.iter()
                    .map(|(k, v)| format!("{k}={}", render(v)))
                    .collect::<Vec<_>>()
                    .join(" || "),
            );
        }
        match page.last_evaluated_key() {
            Some(k) if !k.is_empty() => start = Some(k.clone()),
            _ => break,
        }
    }
    assert!(items.len() > 100, "the scan must see the archive");
    assert_no_leaks(&items, &needles);
}
