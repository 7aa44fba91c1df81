//! An independent check of the call lock's mutual exclusion, wrapped around the store the
//! dev worker uses: it keeps its own record of who holds each call's lease and counts a
//! violation when the store grants a lease another owner still holds, or when the store
//! accepts an end-of-call report commit whose lease fence does not hold: the fence's owner
//! is not the holder on record (expired and taken over, or released) or its lease had run
//! out at the time the commit was issued.
//! Lock requests are serialised through the auditor so its record matches the store's.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use callwarden::clock::Clock;
use callwarden::ports::store::{
    CallArchive, CallLock, CallSummary, ClaimOutcome, CommitOutcome, DocumentOwner, EventCommit,
    IdempotencyStore, SessionRead, StoreError, StoredCall,
};
use serde::Serialize;
use tokio::sync::Mutex;

/// Counts of the lock audit.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct LockAuditSnapshot {
    /// Leases granted.
    pub acquired: u64,
    /// Acquisitions refused (someone held the lease).
    pub contended: u64,
    /// Reports committed (each checked against the audit record).
    pub report_commits: u64,
    /// Report commits the store refused because their lease was no longer live (the fence
    /// at work; the worker redoes them under a new lease or fails the record).
    pub lease_lost: u64,
    /// Mutual exclusion broken (should always be 0).
    pub violations: u64,
}

/// The auditing wrapper; implements every storage port by delegation.
pub struct LockAudit<S> {
    inner: Arc<S>,
    clock: Arc<dyn Clock>,
    holders: Mutex<HashMap<String, (String, i64)>>,
    acquired: AtomicU64,
    contended: AtomicU64,
    report_commits: AtomicU64,
    lease_lost: AtomicU64,
    violations: AtomicU64,
}

impl<S> LockAudit<S> {
    /// Audit `inner`, judging report commits against `clock`.
    pub fn new(inner: Arc<S>, clock: Arc<dyn Clock>) -> Self {
        Self {
            inner,
            clock,
            holders: Mutex::new(HashMap::new()),
            acquired: AtomicU64::new(0),
            contended: AtomicU64::new(0),
            report_commits: AtomicU64::new(0),
            lease_lost: AtomicU64::new(0),
            violations: AtomicU64::new(0),
        }
    }

    /// Copy the counters.
    pub fn snapshot(&self) -> LockAuditSnapshot {
        LockAuditSnapshot {
            acquired: self.acquired.load(Ordering::Relaxed),
            contended: self.contended.load(Ordering::Relaxed),
            report_commits: self.report_commits.load(Ordering::Relaxed),
            lease_lost: self.lease_lost.load(Ordering::Relaxed),
            violations: self.violations.load(Ordering::Relaxed),
        }
    }

    fn violation(&self, what: &'static str, call_id: &str) {
        self.violations.fetch_add(1, Ordering::Relaxed);
        tracing::error!(target: "callwarden::dev", call_id, violation = what, "call lock violation");
    }
}

#[async_trait]
impl<S: CallLock + 'static> CallLock for LockAudit<S> {
    async fn acquire(
        &self,
        call_id: &str,
        owner: &str,
        now_ms: i64,
        lease_ms: i64,
    ) -> Result<bool, StoreError> {
        let mut holders = self.holders.lock().await;
        let granted = self.inner.acquire(call_id, owner, now_ms, lease_ms).await?;
        if granted {
            self.acquired.fetch_add(1, Ordering::Relaxed);
            if let Some((other, until)) = holders.get(call_id) {
                if other != owner && *until >= now_ms {
                    self.violation("lease granted while another owner held it", call_id);
                }
            }
            holders.insert(call_id.to_string(), (owner.to_string(), now_ms + lease_ms));
        } else {
            self.contended.fetch_add(1, Ordering::Relaxed);
        }
        Ok(granted)
    }

    async fn renew(
        &self,
        call_id: &str,
        owner: &str,
        now_ms: i64,
        lease_ms: i64,
    ) -> Result<bool, StoreError> {
        let mut holders = self.holders.lock().await;
        let renewed = self.inner.renew(call_id, owner, now_ms, lease_ms).await?;
        if renewed {
            match holders.get(call_id) {
                Some((o, until)) if o == owner && *until >= now_ms => {}
                _ => self.violation("lease renewed by an owner that did not hold it", call_id),
            }
            holders.insert(call_id.to_string(), (owner.to_string(), now_ms + lease_ms));
        }
        Ok(renewed)
    }

    async fn release(&self, call_id: &str, owner: &str) -> Result<bool, StoreError> {
        let mut holders = self.holders.lock().await;
        let released = self.inner.release(call_id, owner).await?;
        if released && holders.get(call_id).is_some_and(|(o, _)| o == owner) {
            holders.remove(call_id);
        }
        Ok(released)
    }
}

#[async_trait]
impl<S: IdempotencyStore + 'static> IdempotencyStore for LockAudit<S> {
    async fn claim(
        &self,
        key: &str,
        token: &str,
        now_ms: i64,
        in_progress_until_ms: i64,
        expires_at_secs: i64,
    ) -> Result<ClaimOutcome, StoreError> {
        self.inner
            .claim(key, token, now_ms, in_progress_until_ms, expires_at_secs)
            .await
    }

    async fn complete(
        &self,
        key: &str,
        token: &str,
        expires_at_secs: i64,
    ) -> Result<bool, StoreError> {
        self.inner.complete(key, token, expires_at_secs).await
    }

    async fn abandon(&self, key: &str, token: &str) -> Result<bool, StoreError> {
        self.inner.abandon(key, token).await
    }
}

#[async_trait]
impl<S: CallArchive + 'static> CallArchive for LockAudit<S> {
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
        let Some(report) = &commit.report else {
            return self.inner.commit(commit).await;
        };
        // The report commit is fenced by the lease as of the moment it was issued
        // (`lease.now_ms`, which may not lie in the future of this clock), not by when the
        // store answers: a request the SDK retries past the lease's end is still correct as
        // long as nobody else was granted the lease meanwhile, which the owner check covers.
        let issued_ms = self.clock.now_ms();
        // Hold the audit record across the commit: no lease can change hands meanwhile.
        let holders = self.holders.lock().await;
        let outcome = self.inner.commit(commit).await?;
        if outcome == CommitOutcome::LeaseLost {
            self.lease_lost.fetch_add(1, Ordering::Relaxed);
        }
        if outcome == CommitOutcome::Committed {
            self.report_commits.fetch_add(1, Ordering::Relaxed);
            let fence = &report.lease;
            match holders.get(&commit.call_id) {
                Some((o, until))
                    if *o == fence.owner && *until >= fence.now_ms && fence.now_ms <= issued_ms => {
                }
                _ => self.violation("report committed without a live lease", &commit.call_id),
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use callwarden::adapters::memory_store::MemoryStore;
    use callwarden::clock::ManualClock;
    use callwarden::ports::store::{LeaseFence, ReportCommit, ReportManifest, StoredDocument};

    /// A lock that grants every acquisition: the audit must notice.
    struct BrokenLock;

    #[async_trait]
    impl CallLock for BrokenLock {
        async fn acquire(&self, _: &str, _: &str, _: i64, _: i64) -> Result<bool, StoreError> {
            Ok(true)
        }
        async fn renew(&self, _: &str, _: &str, _: i64, _: i64) -> Result<bool, StoreError> {
            Ok(true)
        }
        async fn release(&self, _: &str, _: &str) -> Result<bool, StoreError> {
            Ok(true)
        }
    }

    #[tokio::test]
    async fn a_correct_lock_has_no_violations() {
        let clock: Arc<dyn Clock> = Arc::new(ManualClock::at(0));
        let audit = LockAudit::new(Arc::new(MemoryStore::new()), clock);
        assert!(audit.acquire("c", "a", 1000, 500).await.unwrap());
        assert!(!audit.acquire("c", "b", 1200, 500).await.unwrap());
        assert!(audit.acquire("c", "b", 1501, 500).await.unwrap());
        let s = audit.snapshot();
        assert_eq!((s.acquired, s.contended, s.violations), (2, 1, 0));
    }

    fn report_commit(call_id: &str, key: &str, owner: &str, now_ms: i64) -> EventCommit {
        EventCommit {
            call_id: call_id.into(),
            idempotency_key: key.into(),
            idempotency_token: owner.into(),
            idempotency_expires_at_secs: now_ms / 1000 + 3600,
            now_secs: now_ms / 1000,
            call: Default::default(),
            session: None,
            segment: None,
            event: None,
            report: Some(ReportCommit {
                manifest: ReportManifest {
                    ts_ms: now_ms,
                    arrival_ms: now_ms,
                    ended_reason: None,
                    body: StoredDocument {
                        inline: Some("{}".into()),
                        parts: 0,
                        bytes: 2,
                    },
                },
                lease: LeaseFence {
                    owner: owner.into(),
                    now_ms,
                },
            }),
            late: false,
        }
    }

    /// An archive that accepts every commit, fence or not: the audit must notice.
    struct FenceBlind;

    #[async_trait]
    impl CallArchive for FenceBlind {
        async fn read_session(&self, _: &str, _: i64) -> Result<SessionRead, StoreError> {
            Ok(SessionRead::Absent)
        }
        async fn discard_expired_session(&self, _: &str, _: i64) -> Result<(), StoreError> {
            Ok(())
        }
        async fn report_archived(&self, _: &str) -> Result<bool, StoreError> {
            Ok(false)
        }
        async fn put_parts(
            &self,
            _: &str,
            _: &DocumentOwner,
            _: &[String],
        ) -> Result<(), StoreError> {
            Ok(())
        }
        async fn commit(&self, _: &EventCommit) -> Result<CommitOutcome, StoreError> {
            Ok(CommitOutcome::Committed)
        }
        async fn read_call(&self, _: &str, _: i64) -> Result<Option<StoredCall>, StoreError> {
            Ok(None)
        }
        async fn list_calls(
            &self,
            _: i64,
            _: u32,
            _: usize,
        ) -> Result<Vec<CallSummary>, StoreError> {
            Ok(Vec::new())
        }
        async fn call_for_provider_id(&self, _: &str) -> Result<Option<String>, StoreError> {
            Ok(None)
        }
    }

    #[async_trait]
    impl CallLock for FenceBlind {
        async fn acquire(&self, _: &str, _: &str, _: i64, _: i64) -> Result<bool, StoreError> {
            Ok(true)
        }
        async fn renew(&self, _: &str, _: &str, _: i64, _: i64) -> Result<bool, StoreError> {
            Ok(false)
        }
        async fn release(&self, _: &str, _: &str) -> Result<bool, StoreError> {
            Ok(true)
        }
    }

    #[tokio::test]
    async fn a_fenced_store_refuses_late_report_commits_without_violations() {
        let clock = ManualClock::at(2_000);
        let store = Arc::new(MemoryStore::new());
        let audit = LockAudit::new(store.clone(), Arc::new(clock.clone()));
        assert!(audit.acquire("c", "a", 1000, 500).await.unwrap());
        // A's lease ran out at 1500: its commit is refused by the store.
        store.claim("k", "a", 1000, 60_000, 3600).await.unwrap();
        assert_eq!(
            audit
                .commit(&report_commit("c", "k", "a", 1600))
                .await
                .unwrap(),
            CommitOutcome::LeaseLost
        );
        // B takes the lock over; a commit issued by A inside its old lease is refused too.
        assert!(audit.acquire("c", "b", 1700, 500).await.unwrap());
        assert_eq!(
            audit
                .commit(&report_commit("c", "k", "a", 1400))
                .await
                .unwrap(),
            CommitOutcome::LeaseLost
        );
        store.claim("k2", "b", 1700, 60_000, 3600).await.unwrap();
        assert_eq!(
            audit
                .commit(&report_commit("c", "k2", "b", 1800))
                .await
                .unwrap(),
            CommitOutcome::Committed
        );
        let s = audit.snapshot();
        assert_eq!((s.report_commits, s.lease_lost, s.violations), (1, 2, 0));
    }

    #[tokio::test]
    async fn a_store_ignoring_the_fence_is_caught() {
        let clock = ManualClock::at(2_000);
        let audit = LockAudit::new(Arc::new(FenceBlind), Arc::new(clock.clone()));
        assert!(audit.acquire("c", "a", 1000, 500).await.unwrap());
        // Live lease: fine.
        audit
            .commit(&report_commit("c", "k", "a", 1200))
            .await
            .unwrap();
        assert_eq!(audit.snapshot().violations, 0);
        // Expired lease accepted: caught.
        audit
            .commit(&report_commit("c", "k", "a", 1600))
            .await
            .unwrap();
        assert_eq!(audit.snapshot().violations, 1);
        // A lease taken over by another owner accepted: caught.
        assert!(audit.acquire("c", "b", 1700, 500).await.unwrap());
        audit
            .commit(&report_commit("c", "k", "a", 1400))
            .await
            .unwrap();
        assert_eq!(audit.snapshot().violations, 2);
        // A fence dated in the future of the auditor's clock: caught.
        audit
            .commit(&report_commit("c", "k", "b", 2100))
            .await
            .unwrap();
        assert_eq!(audit.snapshot().violations, 3);
    }

    #[tokio::test]
    async fn a_broken_lock_is_caught() {
        let clock: Arc<dyn Clock> = Arc::new(ManualClock::at(0));
        let audit = LockAudit::new(Arc::new(BrokenLock), clock);
        assert!(audit.acquire("c", "a", 1000, 500).await.unwrap());
        assert!(audit.acquire("c", "b", 1200, 500).await.unwrap());
        assert_eq!(audit.snapshot().violations, 1);
    }
}
