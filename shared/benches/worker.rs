//! Worker CPU per event: `process_delivery` against the in-memory store (decode, claim,
//! redact, build and commit), so the figure is the worker's own CPU without network time.
//! Run: `cargo bench -p callwarden --bench worker`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use callwarden::adapters::memory::MemoryBlobStore;
use callwarden::adapters::memory_store::MemoryStore;
use callwarden::clock::ManualClock;
use callwarden::delivery::{Delivery, Source};
use callwarden::worker::{process_delivery, WorkerConfig, WorkerDeps};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use serde_json::{json, Value};

const SAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/vapi/samples");
const NOW_MS: i64 = 1_763_481_900_000;

fn sample(name: &str) -> Value {
    let bytes = std::fs::read(format!("{SAMPLES}/{name}")).expect("sample");
    serde_json::from_slice(&bytes).expect("sample JSON")
}

/// A delivery of `template` under a fresh call id and timestamp, so every iteration is a
/// new event (not a duplicate).
fn fresh(template: &Value, n: u64) -> Delivery {
    let mut v = template.clone();
    let call_id = format!("bench-call-{n}");
    v["message"]["call"]["id"] = json!(call_id);
    v["message"]["timestamp"] = json!(NOW_MS + n as i64);
    let raw = Bytes::from(serde_json::to_vec(&v).expect("body"));
    let message_type = v["message"]["type"]
        .as_str()
        .unwrap_or("unknown")
        .to_string();
    Delivery::new(
        raw,
        NOW_MS,
        Some(call_id),
        message_type,
        "bench",
        Source::Vapi,
    )
}

fn bench_events(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let deps = WorkerDeps::new(
        Arc::new(MemoryStore::new()),
        Arc::new(MemoryBlobStore::default()),
        Arc::new(ManualClock::at(NOW_MS)),
        WorkerConfig::default(),
    );
    let counter = AtomicU64::new(0);
    let mut group = c.benchmark_group("worker_event");
    for (label, file) in [
        ("transcript_final", "transcript.final.email-phone.json"),
        ("transcript_partial", "transcript.partial.json"),
        ("status_update", "status-update.in-progress.json"),
        ("tool_calls", "tool-calls.createTicket.json"),
        ("conversation_update", "conversation-update.json"),
        ("end_of_call_report", "end-of-call-report.json"),
    ] {
        let template = sample(file);
        let size = serde_json::to_vec(&template).map(|b| b.len()).unwrap_or(0);
        group.throughput(Throughput::Bytes(size as u64));
        group.bench_function(label, |b| {
            b.iter_batched(
                || fresh(&template, counter.fetch_add(1, Ordering::Relaxed)),
                |d| rt.block_on(process_delivery(&deps, &d)).expect("processed"),
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, bench_events);
criterion_main!(benches);
