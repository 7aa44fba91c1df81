//! Race test: several worker instances process the deliveries of many calls, each delivered
//! twice (an SQS duplicate or a Vapi retry) and shuffled, concurrently; failed records go
//! back to the queue as SQS would return them. Afterwards every call has exactly one
//! report, every final segment exactly once and in spoken order, and exact counters.

mod worker_support;

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use callwarden::adapters::memory::MemoryBlobStore;
use callwarden::adapters::memory_store::MemoryStore;
use callwarden::clock::{Clock, ManualClock};
use callwarden::delivery::Delivery;
use callwarden::ports::store::{CallArchive, CallLock, IdempotencyStore};
use callwarden::worker::readback::show_call;
use callwarden::worker::{process_delivery, WorkerConfig, WorkerDeps};
use rand::seq::SliceRandom;
use serde_json::json;
use worker_support::{body_from, sample_json, vapi_delivery};

const BASE_TS: i64 = 1_763_481_700_000;
const FINALS: usize = 6;

struct CallPlan {
    call_id: String,
    deliveries: Vec<Delivery>,
    distinct_events: i64,
}

fn plan_call(i: usize) -> CallPlan {
    let call_id = format!("race-call-{i:03}");
    let ts0 = BASE_TS + i as i64 * 1_000_000;
    let status = sample_json("status-update.in-progress.json");
    let transcript = sample_json("transcript.final.json");
    let partial = sample_json("transcript.partial.json");
    let interrupted = sample_json("user-interrupted.json");
    let speech = sample_json("speech-update.json");
    let report = sample_json("end-of-call-report.json");
    let mut bodies: Vec<Vec<u8>> = vec![
        body_from(&status, &call_id, ts0, &[("status", json!("ringing"))]),
        body_from(
            &status,
            &call_id,
            ts0 + 100,
            &[("status", json!("in-progress"))],
        ),
        body_from(&interrupted, &call_id, ts0 + 2_500, &[]),
        body_from(&speech, &call_id, ts0 + 2_600, &[]),
        body_from(&report, &call_id, ts0 + 100_000, &[]),
        body_from(
            &status,
            &call_id,
            ts0 + 100_100,
            &[
                ("status", json!("ended")),
                ("endedReason", json!("customer-ended-call")),
            ],
        ),
    ];
    for k in 0..FINALS {
        let role = if k % 2 == 0 { "assistant" } else { "user" };
        bodies.push(body_from(
            &transcript,
            &call_id,
            ts0 + 1_000 * (k as i64 + 1),
            &[
                ("role", json!(role)),
                ("transcript", json!(format!("call {i} segment {k}"))),
            ],
        ));
        if role == "user" {
            bodies.push(body_from(
                &partial,
                &call_id,
                ts0 + 1_000 * (k as i64 + 1) - 300,
                &[
                    ("role", json!(role)),
                    ("transcript", json!(format!("call {i} partial {k}"))),
                ],
            ));
        }
    }
    let distinct_events = bodies.len() as i64;
    let mut deliveries = Vec::new();
    for (n, body) in bodies.iter().enumerate() {
        let received = ts0 + 200_000 + n as i64;
        deliveries.push(vapi_delivery(body, received));
        // The second copy: an SQS duplicate (same delivery) or a Vapi retry (new arrival).
        deliveries.push(vapi_delivery(
            body,
            if n % 2 == 0 { received } else { received + 7 },
        ));
    }
    CallPlan {
        call_id,
        deliveries,
        distinct_events,
    }
}

async fn run_race<S>(store: Arc<S>, calls: usize, workers: usize)
where
    S: IdempotencyStore + CallLock + CallArchive + 'static,
{
    let plans: Vec<CallPlan> = (0..calls).map(plan_call).collect();
    let mut all: Vec<Delivery> = plans.iter().flat_map(|p| p.deliveries.clone()).collect();
    all.shuffle(&mut rand::rng());
    let total = all.len();
    let queue = Arc::new(Mutex::new(
        all.into_iter().map(|d| (d, 0u32)).collect::<VecDeque<_>>(),
    ));
    let done = Arc::new(AtomicUsize::new(0));
    let clock = Arc::new(ManualClock::at(BASE_TS + 10_000_000));
    let mut tasks = Vec::new();
    for _ in 0..workers {
        let deps = WorkerDeps::new(
            store.clone(),
            Arc::new(MemoryBlobStore::default()),
            clock.clone(),
            WorkerConfig::default(),
        );
        let (queue, done) = (queue.clone(), done.clone());
        tasks.push(tokio::spawn(async move {
            while done.load(Ordering::SeqCst) < total {
                let next = queue.lock().expect("queue").pop_front();
                let Some((delivery, attempts)) = next else {
                    tokio::task::yield_now().await;
                    continue;
                };
                match process_delivery(&deps, &delivery).await {
                    Ok(_) => {
                        done.fetch_add(1, Ordering::SeqCst);
                    }
                    Err(e) => {
                        assert!(attempts < 500, "a delivery kept failing: {e}");
                        queue
                            .lock()
                            .expect("queue")
                            .push_back((delivery, attempts + 1));
                        tokio::task::yield_now().await;
                    }
                }
            }
        }));
    }
    for t in tasks {
        t.await.expect("worker task");
    }
    let now_secs = clock.now_secs();
    for plan in &plans {
        let view = show_call(store.as_ref(), &plan.call_id, now_secs)
            .await
            .expect("read")
            .expect("call archived");
        assert!(view.ended, "{}: report archived", plan.call_id);
        assert!(
            view.report.is_some(),
            "{}: exactly one report",
            plan.call_id
        );
        let texts: Vec<String> = view.transcript.iter().map(|s| s.text.clone()).collect();
        let i: usize = plan
            .call_id
            .trim_start_matches("race-call-")
            .parse()
            .expect("index");
        let expected: Vec<String> = (0..FINALS)
            .map(|k| format!("call {i} segment {k}"))
            .collect();
        assert_eq!(
            texts, expected,
            "{}: every final segment once, in spoken order",
            plan.call_id
        );
        assert_eq!(
            view.events, plan.distinct_events,
            "{}: each distinct event counted once",
            plan.call_id
        );
        let session = view.session.expect("session live");
        let session_events: i64 = session
            .counters
            .iter()
            .filter(|(k, _)| k.starts_with("event."))
            .map(|(_, v)| *v)
            .sum();
        assert_eq!(
            session_events + view.late_events,
            plan.distinct_events,
            "{}: session counters plus late events are exact",
            plan.call_id
        );
        let late_segments = view.transcript.iter().filter(|s| s.late).count() as i64;
        assert_eq!(
            session
                .counters
                .get("event.transcript.final")
                .copied()
                .unwrap_or(0)
                + late_segments,
            FINALS as i64,
            "{}: final transcript counter",
            plan.call_id
        );
        assert!(session.statuses.contains_key("ended"));
        assert_eq!(
            view.archived_events
                .iter()
                .filter(|e| e.message_type == "end-of-call-report")
                .count(),
            0
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_calls_delivered_twice_shuffled_concurrently_in_memory() {
    run_race(Arc::new(MemoryStore::new()), 50, 6).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn calls_delivered_twice_shuffled_concurrently_on_dynamodb_local() {
    if let Some(store) = worker_support::dynamo_store("race").await {
        run_race(store, 8, 6).await;
    }
}
