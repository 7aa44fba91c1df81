//! Counters of the in-process worker (`GET /_dev/stats`): outcomes, retries, dead letters,
//! killed workers and the lag from webhook acceptance to archive. The load test reads them
//! to know when the queue is drained and to report worker lag.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use callwarden::worker::Outcome;
use serde::Serialize;

/// Worker-side counters shared by every worker task.
#[derive(Debug, Default)]
pub struct DevStats {
    archived: AtomicU64,
    archived_late: AtomicU64,
    duplicates: AtomicU64,
    failed_attempts: AtomicU64,
    dead_lettered: AtomicU64,
    workers_killed: AtomicU64,
    visibility_requeues: AtomicU64,
    receives: AtomicU64,
    deletes: AtomicU64,
    lag_ms: Mutex<Vec<u32>>,
}

/// Percentiles of a sample in milliseconds.
#[derive(Debug, Clone, Copy, Serialize, Default, PartialEq)]
pub struct LagSummary {
    /// Samples.
    pub count: usize,
    /// Median.
    pub p50_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// Largest.
    pub max_ms: f64,
}

/// A copy of the counters, as served by `GET /_dev/stats`.
#[derive(Debug, Clone, Serialize, Default)]
pub struct StatsSnapshot {
    /// Deliveries archived (first time).
    pub archived: u64,
    /// Deliveries archived flagged late (after the report).
    pub archived_late: u64,
    /// Deliveries skipped as already processed.
    pub duplicates: u64,
    /// Processing attempts that failed (each returns through the queue).
    pub failed_attempts: u64,
    /// Deliveries given up after the last attempt (the DLQ).
    pub dead_lettered: u64,
    /// Worker tasks killed by fault injection (each restarted).
    pub workers_killed: u64,
    /// Deliveries of killed workers returned after the visibility timeout.
    pub visibility_requeues: u64,
    /// Receive requests (SQS `ReceiveMessage`, or in-memory batches).
    pub receives: u64,
    /// Delete requests (SQS `DeleteMessage`).
    pub deletes: u64,
    /// Webhook acceptance → archived, first archive of each delivery.
    pub lag: LagSummary,
}

/// Nearest-rank percentile of sorted `v` (0 when empty).
pub fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    f64::from(sorted[rank.clamp(1, sorted.len()) - 1])
}

impl DevStats {
    /// Count one processed delivery; `lag_ms` for archived ones.
    pub fn outcome(&self, outcome: Outcome, lag_ms: i64) {
        let counter = match outcome {
            Outcome::Archived => &self.archived,
            Outcome::ArchivedLate => &self.archived_late,
            Outcome::Duplicate => &self.duplicates,
        };
        counter.fetch_add(1, Ordering::Relaxed);
        if outcome != Outcome::Duplicate {
            self.lag(lag_ms);
        }
    }

    /// Record one lag sample (milliseconds, clamped to `u32`).
    pub fn lag(&self, lag_ms: i64) {
        let v = u32::try_from(lag_ms.max(0)).unwrap_or(u32::MAX);
        self.lag_ms
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(v);
    }

    /// Count one failed attempt.
    pub fn failed(&self) {
        self.failed_attempts.fetch_add(1, Ordering::Relaxed);
    }

    /// Count one dead-lettered delivery.
    pub fn dead_lettered(&self) {
        self.dead_lettered.fetch_add(1, Ordering::Relaxed);
    }

    /// Count one killed worker.
    pub fn worker_killed(&self) {
        self.workers_killed.fetch_add(1, Ordering::Relaxed);
    }

    /// Count one delivery returned after the visibility timeout.
    pub fn visibility_requeue(&self) {
        self.visibility_requeues.fetch_add(1, Ordering::Relaxed);
    }

    /// Count `n` receive requests.
    pub fn receives(&self, n: u64) {
        self.receives.fetch_add(n, Ordering::Relaxed);
    }

    /// Count `n` delete requests.
    pub fn deletes(&self, n: u64) {
        self.deletes.fetch_add(n, Ordering::Relaxed);
    }

    /// Copy everything.
    pub fn snapshot(&self) -> StatsSnapshot {
        let mut lag = self
            .lag_ms
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        lag.sort_unstable();
        StatsSnapshot {
            archived: self.archived.load(Ordering::Relaxed),
            archived_late: self.archived_late.load(Ordering::Relaxed),
            duplicates: self.duplicates.load(Ordering::Relaxed),
            failed_attempts: self.failed_attempts.load(Ordering::Relaxed),
            dead_lettered: self.dead_lettered.load(Ordering::Relaxed),
            workers_killed: self.workers_killed.load(Ordering::Relaxed),
            visibility_requeues: self.visibility_requeues.load(Ordering::Relaxed),
            receives: self.receives.load(Ordering::Relaxed),
            deletes: self.deletes.load(Ordering::Relaxed),
            lag: LagSummary {
                count: lag.len(),
                p50_ms: percentile(&lag, 50.0),
                p99_ms: percentile(&lag, 99.0),
                max_ms: lag.last().map_or(0.0, |v| f64::from(*v)),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_nearest_rank() {
        let v: Vec<u32> = (1..=100).collect();
        assert_eq!(percentile(&v, 50.0), 50.0);
        assert_eq!(percentile(&v, 99.0), 99.0);
        assert_eq!(percentile(&[], 99.0), 0.0);
        assert_eq!(percentile(&[7], 1.0), 7.0);
    }

    #[test]
    fn duplicates_do_not_count_lag() {
        let s = DevStats::default();
        s.outcome(Outcome::Archived, 10);
        s.outcome(Outcome::Duplicate, 1000);
        let snap = s.snapshot();
        assert_eq!(snap.lag.count, 1);
        assert_eq!(snap.duplicates, 1);
        assert_eq!(snap.lag.max_ms, 10.0);
    }
}
