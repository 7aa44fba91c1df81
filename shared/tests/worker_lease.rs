//! The end-of-call report's commit is fenced by the call lease: a worker whose lease ran
//! out (or was taken over) between locking the call and committing the report gets its
//! commit refused, redoes the locked work under a new lease or gives the record back to
//! the queue, and the report is archived exactly once either way.
//!
//! A wrapper around the store makes time pass at the worst moment (the shape the load test
//! found under `--aws --faults`: the lease renewed once, then a session conflict and slow,
//! retried requests outlasting it before the commit); the clock is a `ManualClock`, so
//! nothing sleeps. Run on the in-memory store and on DynamoDB Local.

mod worker_support;

use std::sync::{Arc, Mutex};

use callwarden::adapters::memory::MemoryBlobStore;
use callwarden::clock::{Clock, ManualClock};
use callwarden::delivery::Delivery;
use callwarden::ports::store::{
    CallArchive, CallLock, CallSummary, CommitOutcome, DocumentOwner, EventCommit,
    IdempotencyStore, SessionRead, StoreError, StoredCall,
};
use callwarden::worker::readback::show_call;
use callwarden::worker::{process_delivery, Outcome, WorkerConfig, WorkerDeps, WorkerError};
use worker_support::{sample, vapi_delivery};

const NOW_MS: i64 = 1_763_482_000_000;
const CALL_ID: &str = "c7a2e9d4-5b81-4f3c-a6e0-19d84b27f5c3";
const LEASE_MS: i64 = 30_000;

/// What goes wrong, and how many times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Trouble {
    /// Nothing: plain delegation.
    None,
    /// The next report commit hits a session conflict (a transcript of the same call
    /// committed at that moment), and the lease runs out before the worker commits again.
    ConflictThenExpire,
    /// As above, and another worker takes the expired lock over meanwhile.
    ConflictThenSteal,
    /// After every renewal, the lease runs out before the commit (a worker that never
    /// manages to commit in time).
    ExpireAfterEveryRenew,
}

/// The lock and archive ports of the store, with time passing at the worst moment, and a
/// log of what the real store answered to each report commit. (Idempotency records go to
/// the store directly.)
struct Unlucky<S> {
    inner: Arc<S>,
    clock: ManualClock,
    trouble: Mutex<Trouble>,
    report_outcomes: Mutex<Vec<CommitOutcome>>,
}

impl<S> Unlucky<S> {
    fn new(inner: Arc<S>, clock: ManualClock) -> Self {
        Self {
            inner,
            clock,
            trouble: Mutex::new(Trouble::None),
            report_outcomes: Mutex::new(Vec::new()),
        }
    }

    fn set(&self, trouble: Trouble) {
        *self.trouble.lock().expect("trouble") = trouble;
    }

    fn trouble(&self) -> Trouble {
        *self.trouble.lock().expect("trouble")
    }

    fn outcomes(&self) -> Vec<CommitOutcome> {
        self.report_outcomes.lock().expect("outcomes").clone()
    }

    /// Let the lease run out: past its end by 1 ms.
    fn outlast_the_lease(&self) {
        self.clock.advance(LEASE_MS + 1);
    }
}

#[async_trait::async_trait]
impl<S: CallLock + 'static> CallLock for Unlucky<S> {
    async fn acquire(
        &self,
        call_id: &str,
        owner: &str,
        now_ms: i64,
        lease_ms: i64,
    ) -> Result<bool, StoreError> {
        self.inner.acquire(call_id, owner, now_ms, lease_ms).await
    }

    async fn renew(
        &self,
        call_id: &str,
        owner: &str,
        now_ms: i64,
        lease_ms: i64,
    ) -> Result<bool, StoreError> {
        let renewed = self.inner.renew(call_id, owner, now_ms, lease_ms).await?;
        if renewed && self.trouble() == Trouble::ExpireAfterEveryRenew {
            self.outlast_the_lease();
        }
        Ok(renewed)
    }

    async fn release(&self, call_id: &str, owner: &str) -> Result<bool, StoreError> {
        self.inner.release(call_id, owner).await
    }
}

#[async_trait::async_trait]
impl<S: CallArchive + CallLock + 'static> CallArchive for Unlucky<S> {
    async fn read_session(&self, call_id: &str, now_secs: i64) -> Result<SessionRead, StoreError> {
        self.inner.read_session(call_id, now_secs).await
    }

    async fn discard_expired_session(
        &self,
        call_id: &str,
        now_secs: i64,
    ) -> Result<(), StoreError> {
        self.inner.discard_expired_session(call_id, now_secs).await
    }

    async fn report_archived(&self, call_id: &str) -> Result<bool, StoreError> {
        self.inner.report_archived(call_id).await
    }

    async fn put_parts(
        &self,
        call_id: &str,
        owner: &DocumentOwner,
        parts: &[String],
    ) -> Result<(), StoreError> {
        self.inner.put_parts(call_id, owner, parts).await
    }

    async fn commit(&self, commit: &EventCommit) -> Result<CommitOutcome, StoreError> {
        if commit.report.is_none() {
            return self.inner.commit(commit).await;
        }
        let trouble = self.trouble();
        if matches!(
            trouble,
            Trouble::ConflictThenExpire | Trouble::ConflictThenSteal
        ) {
            self.set(Trouble::None);
            self.outlast_the_lease();
            if trouble == Trouble::ConflictThenSteal {
                assert!(
                    self.inner
                        .acquire(&commit.call_id, "thief", self.clock.now_ms(), LEASE_MS)
                        .await?,
                    "the expired lease can be taken over"
                );
            }
            return Ok(CommitOutcome::SessionConflict);
        }
        let outcome = self.inner.commit(commit).await?;
        self.report_outcomes.lock().expect("outcomes").push(outcome);
        Ok(outcome)
    }

    async fn read_call(
        &self,
        call_id: &str,
        now_secs: i64,
    ) -> Result<Option<StoredCall>, StoreError> {
        self.inner.read_call(call_id, now_secs).await
    }

    async fn list_calls(
        &self,
        now_secs: i64,
        days: u32,
        limit: usize,
    ) -> Result<Vec<CallSummary>, StoreError> {
        self.inner.list_calls(now_secs, days, limit).await
    }

    async fn call_for_provider_id(
        &self,
        provider_call_id: &str,
    ) -> Result<Option<String>, StoreError> {
        self.inner.call_for_provider_id(provider_call_id).await
    }
}

struct Setup<S> {
    clock: ManualClock,
    store: Arc<Unlucky<S>>,
    deps: WorkerDeps,
}

fn setup<S>(inner: Arc<S>, trouble: Trouble) -> Setup<S>
where
    S: IdempotencyStore + CallLock + CallArchive + 'static,
{
    let clock = ManualClock::at(NOW_MS);
    let store = Arc::new(Unlucky::new(inner.clone(), clock.clone()));
    store.set(trouble);
    let mut deps = WorkerDeps::new(
        inner,
        Arc::new(MemoryBlobStore::default()),
        Arc::new(clock.clone()),
        WorkerConfig {
            lock_lease_secs: LEASE_MS / 1000,
            ..WorkerConfig::default()
        },
    );
    deps.locks = store.clone();
    deps.archive = store.clone();
    Setup { clock, store, deps }
}

fn report() -> Delivery {
    vapi_delivery(&sample("end-of-call-report.json"), NOW_MS)
}

/// A refused report commit left nothing behind.
async fn assert_nothing_written<S>(s: &Setup<S>)
where
    S: IdempotencyStore + CallLock + CallArchive + 'static,
{
    assert!(
        !s.store.report_archived(CALL_ID).await.expect("read"),
        "nothing was committed outside the lease"
    );
    let view = show_call(s.store.as_ref(), CALL_ID, s.clock.now_secs())
        .await
        .expect("read");
    assert!(
        view.is_none_or(|v| v.report.is_none() && v.events == 0),
        "no report, nothing counted"
    );
}

/// Exactly one report, counted once, and the event completed (a redelivery is skipped).
async fn assert_archived_once<S>(s: &Setup<S>)
where
    S: IdempotencyStore + CallLock + CallArchive + 'static,
{
    let view = show_call(s.store.as_ref(), CALL_ID, s.clock.now_secs())
        .await
        .expect("read")
        .expect("call archived");
    assert!(view.ended, "archived as ended");
    assert!(view.report.is_some(), "the report is stored");
    assert_eq!(view.events, 1, "the report is counted once");
    let session = view.session.expect("session");
    assert_eq!(
        session.counters.get("event.end-of-call-report"),
        Some(&1),
        "session counted once"
    );
    assert_eq!(
        process_delivery(&s.deps, &report())
            .await
            .expect("redelivery"),
        Outcome::Duplicate
    );
}

/// The failed record comes back from the queue: its claim was given up, so it proceeds at
/// once, and the report is archived once.
async fn redelivery_archives_once<S>(s: &Setup<S>)
where
    S: IdempotencyStore + CallLock + CallArchive + 'static,
{
    assert_eq!(
        process_delivery(&s.deps, &report()).await.expect("retry"),
        Outcome::Archived
    );
    assert_eq!(s.store.outcomes().last(), Some(&CommitOutcome::Committed));
    assert_archived_once(s).await;
}

async fn lease_runs_out_before_the_commit_is_redone_under_a_new_lease<S>(inner: Arc<S>)
where
    S: IdempotencyStore + CallLock + CallArchive + 'static,
{
    let s = setup(inner, Trouble::ConflictThenExpire);
    assert_eq!(
        process_delivery(&s.deps, &report())
            .await
            .expect("archived"),
        Outcome::Archived
    );
    assert_eq!(
        s.store.outcomes(),
        [CommitOutcome::LeaseLost, CommitOutcome::Committed],
        "the commit after the lease ran out is refused; the redo under a new lease commits"
    );
    assert!(
        s.store
            .acquire(CALL_ID, "next", s.clock.now_ms(), 1000)
            .await
            .expect("acquire"),
        "the worker released the lock"
    );
    assert_archived_once(&s).await;
}

async fn lease_taken_over_before_the_commit_gives_the_record_back<S>(inner: Arc<S>)
where
    S: IdempotencyStore + CallLock + CallArchive + 'static,
{
    let s = setup(inner, Trouble::ConflictThenSteal);
    let first = process_delivery(&s.deps, &report()).await;
    assert!(
        matches!(first, Err(WorkerError::Locked(_))),
        "the lock is someone else's now: the record fails, got {first:?}"
    );
    assert_eq!(s.store.outcomes(), [CommitOutcome::LeaseLost]);
    assert_nothing_written(&s).await;
    assert!(
        !s.store
            .acquire(CALL_ID, "other", s.clock.now_ms(), 1000)
            .await
            .expect("acquire"),
        "the thief's live lease was left alone"
    );
    assert!(s.store.release(CALL_ID, "thief").await.expect("release"));
    redelivery_archives_once(&s).await;
}

async fn a_lease_that_always_runs_out_fails_the_record_without_writing<S>(inner: Arc<S>)
where
    S: IdempotencyStore + CallLock + CallArchive + 'static,
{
    let s = setup(inner, Trouble::ExpireAfterEveryRenew);
    let first = process_delivery(&s.deps, &report()).await;
    assert!(
        matches!(first, Err(WorkerError::LeaseLost(_))),
        "bounded redos, then the record fails, got {first:?}"
    );
    let refused = s.store.outcomes();
    assert!(
        refused.len() > 1 && refused.iter().all(|o| *o == CommitOutcome::LeaseLost),
        "every commit refused: {refused:?}"
    );
    assert_nothing_written(&s).await;
    s.store.set(Trouble::None);
    redelivery_archives_once(&s).await;
}

macro_rules! on_both_stores {
    ($($case:ident),* $(,)?) => {$(
        mod $case {
            use std::sync::Arc;

            #[tokio::test]
            async fn memory() {
                let store = Arc::new(callwarden::adapters::memory_store::MemoryStore::new());
                super::$case(store).await;
            }

            #[tokio::test]
            async fn dynamodb() {
                if let Some(store) = super::worker_support::dynamo_store(stringify!($case)).await {
                    super::$case(store).await;
                }
            }
        }
    )*};
}

on_both_stores!(
    lease_runs_out_before_the_commit_is_redone_under_a_new_lease,
    lease_taken_over_before_the_commit_gives_the_record_back,
    a_lease_that_always_runs_out_fails_the_record_without_writing,
);
