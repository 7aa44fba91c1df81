//! Fault injection around the ports, for `callwarden dev --fault-*` and the load test:
//! the same adapters, made to fail the way the real services do, so the retry, idempotency
//! and lease paths run under load.
//!
//! - [`FaultyQueue`]: `SendMessage` fails with a probability (the webhook must answer 503).
//! - [`FaultyStore`]: storage requests fail with a probability, either before the request
//!   reaches the store or *after* it was applied (the response was lost: the most
//!   dangerous case for exactly-once), and a call lock is sometimes taken first by a
//!   holder that dies at once (only lease expiry lets the real worker proceed).
//!
//! With every probability at zero both wrappers only count requests, so `callwarden dev`
//! can always wrap its adapters and report request counts.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use serde::Serialize;

use crate::delivery::Delivery;
use crate::ports::store::{
    CallArchive, CallLock, CallSummary, ClaimOutcome, CommitOutcome, DocumentOwner, EventCommit,
    IdempotencyStore, SessionRead, StoreError, StoredCall,
};
use crate::ports::{Queue, QueueError};

/// True with probability `p` (values outside 0..=1 are clamped).
fn chance(p: f64) -> bool {
    p > 0.0 && rand::random::<f64>() < p.min(1.0)
}

/// Counts of what a fault wrapper did, for `/_dev/stats` and the load test report.
#[derive(Debug, Default)]
pub struct FaultCounters {
    /// Requests passed to the wrapped adapter.
    pub requests: AtomicU64,
    /// Requests failed before reaching the adapter.
    pub failed_before: AtomicU64,
    /// Requests applied by the adapter whose success was then reported as a failure.
    pub failed_after: AtomicU64,
    /// Call locks taken by a holder that died at once.
    pub dead_lock_holders: AtomicU64,
}

/// A point-in-time copy of [`FaultCounters`].
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct FaultSnapshot {
    /// Requests passed to the wrapped adapter.
    pub requests: u64,
    /// Requests failed before reaching the adapter.
    pub failed_before: u64,
    /// Requests applied whose success was reported as a failure.
    pub failed_after: u64,
    /// Call locks taken by a holder that died at once.
    pub dead_lock_holders: u64,
}

impl FaultCounters {
    /// Copy the counters.
    pub fn snapshot(&self) -> FaultSnapshot {
        FaultSnapshot {
            requests: self.requests.load(Ordering::Relaxed),
            failed_before: self.failed_before.load(Ordering::Relaxed),
            failed_after: self.failed_after.load(Ordering::Relaxed),
            dead_lock_holders: self.dead_lock_holders.load(Ordering::Relaxed),
        }
    }
}

/// A queue whose `enqueue` fails with probability `failure_p` (as an unavailable SQS
/// after the SDK's own retries), counting every send.
pub struct FaultyQueue {
    inner: Arc<dyn Queue>,
    failure_p: f64,
    counters: FaultCounters,
}

impl FaultyQueue {
    /// Wrap `inner`; `failure_p` = 0 only counts.
    pub fn new(inner: Arc<dyn Queue>, failure_p: f64) -> Self {
        Self {
            inner,
            failure_p,
            counters: FaultCounters::default(),
        }
    }

    /// What the wrapper did so far.
    pub fn counters(&self) -> FaultSnapshot {
        self.counters.snapshot()
    }
}

#[async_trait]
impl Queue for FaultyQueue {
    async fn enqueue(&self, delivery: &Delivery) -> Result<(), QueueError> {
        if chance(self.failure_p) {
            self.counters.failed_before.fetch_add(1, Ordering::Relaxed);
            return Err(QueueError::Unavailable(
                "injected SendMessage failure".into(),
            ));
        }
        self.counters.requests.fetch_add(1, Ordering::Relaxed);
        self.inner.enqueue(delivery).await
    }
}

/// Fault settings of a [`FaultyStore`].
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StoreFaults {
    /// Probability that a storage request fails. Half of the failures happen before the
    /// request reaches the store, half after it was applied (response lost).
    pub failure_p: f64,
    /// Probability that a call lock acquisition finds the lock freshly taken by a holder
    /// that died at once (the lease must expire before the real worker proceeds).
    pub dead_lock_holder_p: f64,
    /// Yield to the scheduler before each request, so an aborted worker task can stop
    /// between any two storage requests (the in-memory store never waits otherwise).
    pub yield_between_requests: bool,
}

/// A store wrapper injecting [`StoreFaults`] into every storage port.
pub struct FaultyStore<S> {
    inner: Arc<S>,
    faults: StoreFaults,
    counters: FaultCounters,
}

impl<S> FaultyStore<S> {
    /// Wrap `inner` with `faults`.
    pub fn new(inner: Arc<S>, faults: StoreFaults) -> Self {
        Self {
            inner,
            faults,
            counters: FaultCounters::default(),
        }
    }

    /// What the wrapper did so far.
    pub fn counters(&self) -> FaultSnapshot {
        self.counters.snapshot()
    }

    async fn before(&self) -> Result<(), StoreError> {
        if self.faults.yield_between_requests {
            tokio::task::yield_now().await;
        }
        if chance(self.faults.failure_p / 2.0) {
            self.counters.failed_before.fetch_add(1, Ordering::Relaxed);
            return Err(StoreError::Unavailable(
                "injected fault: request failed".into(),
            ));
        }
        self.counters.requests.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    fn after<T>(&self, result: Result<T, StoreError>) -> Result<T, StoreError> {
        if result.is_ok() && chance(self.faults.failure_p / 2.0) {
            self.counters.failed_after.fetch_add(1, Ordering::Relaxed);
            return Err(StoreError::Unavailable(
                "injected fault: response lost after the request was applied".into(),
            ));
        }
        result
    }
}

#[async_trait]
impl<S: IdempotencyStore + 'static> IdempotencyStore for FaultyStore<S> {
    async fn claim(
        &self,
        key: &str,
        token: &str,
        now_ms: i64,
        in_progress_until_ms: i64,
        expires_at_secs: i64,
    ) -> Result<ClaimOutcome, StoreError> {
        self.before().await?;
        let r = self
            .inner
            .claim(key, token, now_ms, in_progress_until_ms, expires_at_secs)
            .await;
        self.after(r)
    }

    async fn complete(
        &self,
        key: &str,
        token: &str,
        expires_at_secs: i64,
    ) -> Result<bool, StoreError> {
        self.before().await?;
        let r = self.inner.complete(key, token, expires_at_secs).await;
        self.after(r)
    }

    async fn abandon(&self, key: &str, token: &str) -> Result<bool, StoreError> {
        self.before().await?;
        let r = self.inner.abandon(key, token).await;
        self.after(r)
    }
}

#[async_trait]
impl<S: CallLock + 'static> CallLock for FaultyStore<S> {
    async fn acquire(
        &self,
        call_id: &str,
        owner: &str,
        now_ms: i64,
        lease_ms: i64,
    ) -> Result<bool, StoreError> {
        self.before().await?;
        if chance(self.faults.dead_lock_holder_p) {
            let dead = format!("dead-holder-{}", uuid::Uuid::new_v4());
            if self.inner.acquire(call_id, &dead, now_ms, lease_ms).await? {
                self.counters
                    .dead_lock_holders
                    .fetch_add(1, Ordering::Relaxed);
            }
        }
        let r = self.inner.acquire(call_id, owner, now_ms, lease_ms).await;
        self.after(r)
    }

    async fn renew(
        &self,
        call_id: &str,
        owner: &str,
        now_ms: i64,
        lease_ms: i64,
    ) -> Result<bool, StoreError> {
        self.before().await?;
        let r = self.inner.renew(call_id, owner, now_ms, lease_ms).await;
        self.after(r)
    }

    async fn release(&self, call_id: &str, owner: &str) -> Result<bool, StoreError> {
        self.before().await?;
        let r = self.inner.release(call_id, owner).await;
        self.after(r)
    }
}

#[async_trait]
impl<S: CallArchive + 'static> CallArchive for FaultyStore<S> {
    async fn read_session(&self, call_id: &str, now_secs: i64) -> Result<SessionRead, StoreError> {
        self.before().await?;
        let r = self.inner.read_session(call_id, now_secs).await;
        self.after(r)
    }

    async fn discard_expired_session(
        &self,
        call_id: &str,
        now_secs: i64,
    ) -> Result<(), StoreError> {
        self.before().await?;
        let r = self.inner.discard_expired_session(call_id, now_secs).await;
        self.after(r)
    }

    async fn report_archived(&self, call_id: &str) -> Result<bool, StoreError> {
        self.before().await?;
        let r = self.inner.report_archived(call_id).await;
        self.after(r)
    }

    async fn put_parts(
        &self,
        call_id: &str,
        owner: &DocumentOwner,
        parts: &[String],
    ) -> Result<(), StoreError> {
        self.before().await?;
        let r = self.inner.put_parts(call_id, owner, parts).await;
        self.after(r)
    }

    async fn commit(&self, commit: &EventCommit) -> Result<CommitOutcome, StoreError> {
        self.before().await?;
        let r = self.inner.commit(commit).await;
        self.after(r)
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
        self.before().await?;
        let r = self.inner.call_for_provider_id(provider_call_id).await;
        self.after(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::memory::MemoryQueue;
    use crate::adapters::memory_store::MemoryStore;
    use crate::delivery::Source;
    use bytes::Bytes;

    fn delivery() -> Delivery {
        Delivery::new(
            Bytes::from_static(b"{}"),
            1,
            Some("c".into()),
            "status-update",
            "hmac",
            Source::Vapi,
        )
    }

    #[tokio::test]
    async fn queue_without_faults_counts_and_forwards() {
        let inner = Arc::new(MemoryQueue::new());
        let q = FaultyQueue::new(inner.clone(), 0.0);
        q.enqueue(&delivery()).await.unwrap();
        assert_eq!(inner.len(), 1);
        assert_eq!(q.counters().requests, 1);
        assert_eq!(q.counters().failed_before, 0);
    }

    #[tokio::test]
    async fn queue_always_failing_never_forwards() {
        let inner = Arc::new(MemoryQueue::new());
        let q = FaultyQueue::new(inner.clone(), 1.0);
        assert!(q.enqueue(&delivery()).await.is_err());
        assert!(inner.is_empty());
        assert_eq!(q.counters().failed_before, 1);
    }

    #[tokio::test]
    async fn dead_lock_holder_blocks_until_the_lease_expires() {
        let store = Arc::new(MemoryStore::new());
        let faulty = FaultyStore::new(
            store.clone(),
            StoreFaults {
                dead_lock_holder_p: 1.0,
                ..Default::default()
            },
        );
        assert!(!faulty
            .acquire("call", "worker-a", 1_000, 500)
            .await
            .unwrap());
        assert_eq!(faulty.counters().dead_lock_holders, 1);
        // After the dead holder's lease, a plain acquisition succeeds.
        assert!(store.acquire("call", "worker-a", 1_501, 500).await.unwrap());
    }

    #[tokio::test]
    async fn failures_after_apply_still_apply() {
        let store = Arc::new(MemoryStore::new());
        let faulty = FaultyStore::new(
            store.clone(),
            StoreFaults {
                failure_p: 1.0, // half fail before the request, half of the rest after it
                ..Default::default()
            },
        );
        let (mut applied, mut ok) = (0, 0);
        for i in 0..400 {
            let key = format!("k{i}");
            if faulty.claim(&key, "t", 0, 10, 100).await.is_ok() {
                ok += 1;
            }
            if store.claim(&key, "u", 0, 10, 100).await.unwrap() == ClaimOutcome::InProgress {
                applied += 1;
            }
        }
        let c = faulty.counters();
        assert_eq!(applied, ok + c.failed_after);
        assert_eq!(c.failed_before + c.failed_after + ok, 400);
        assert!(c.failed_after > 0 && c.failed_before > 0 && ok > 0);
    }
}
