//! The worker runs the CRM side effects exactly once per call, whatever the delivery
//! pattern: duplicated and concurrent end-of-call reports add one CRM note; events after
//! the call ended add nothing.

mod worker_support;

use std::sync::Arc;

use callwarden::adapters::memory::MemoryBlobStore;
use callwarden::adapters::memory_store::MemoryStore;
use callwarden::clock::SystemClock;
use callwarden::crm::config::dev_crm;
use callwarden::worker::{process_delivery, Outcome, WorkerConfig, WorkerDeps};
use worker_support::*;

fn deps() -> (
    Arc<WorkerDeps>,
    Arc<callwarden::adapters::crm_memory::MemoryCrm>,
) {
    let store = Arc::new(MemoryStore::new());
    let crm = dev_crm(store.clone(), true, None).expect("dev crm");
    let deps = WorkerDeps::new(
        store,
        Arc::new(MemoryBlobStore::default()),
        Arc::new(SystemClock),
        WorkerConfig::default(),
    )
    .with_side_effects(Arc::new(crm.side_effects));
    (Arc::new(deps), crm.crm)
}

#[tokio::test]
async fn duplicated_concurrent_reports_add_one_note() {
    let (deps, crm) = deps();
    let started = vapi_delivery(&sample("status-update.in-progress.json"), 1_000);
    process_delivery(&deps, &started)
        .await
        .expect("status-update");
    let report = sample("end-of-call-report.json");
    let handles: Vec<_> = (0..6)
        .map(|i| {
            let deps = deps.clone();
            let d = vapi_delivery(&report, 2_000 + i);
            tokio::spawn(async move {
                // Contention (lock held, in progress) fails a record: SQS would redeliver it.
                for _ in 0..50 {
                    match process_delivery(&deps, &d).await {
                        Ok(o) => return o,
                        Err(_) => tokio::task::yield_now().await,
                    }
                }
                panic!("report never processed");
            })
        })
        .collect();
    let mut archived = 0;
    for h in handles {
        if h.await.expect("task") == Outcome::Archived {
            archived += 1;
        }
    }
    assert_eq!(archived, 1, "the report is archived once");
    assert_eq!(crm.note_count(), 1, "exactly one CRM note per call");
    for text in crm.dump_text() {
        for pii in [
            "4111 1111 1111 1111",
            "123-45-6789",
            "maria.gonzalez84@example.com",
        ] {
            assert!(!text.contains(pii), "CRM note holds unredacted PII {pii}");
        }
    }
    // A late event of the ended call: archived flagged late, no new side effects.
    let late = vapi_delivery(&sample("transcript.final.json"), 9_000);
    assert_eq!(
        process_delivery(&deps, &late).await.expect("late"),
        Outcome::ArchivedLate
    );
    assert_eq!(crm.note_count(), 1);
}
