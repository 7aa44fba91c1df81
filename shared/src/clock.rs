//! Wall-clock abstraction so expiry, replay windows and leases are testable.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// Source of the current time in epoch milliseconds.
pub trait Clock: Send + Sync {
    /// Current time, epoch milliseconds.
    fn now_ms(&self) -> i64;
    /// Current time, epoch seconds (DynamoDB TTL attributes are in seconds).
    fn now_secs(&self) -> i64 {
        self.now_ms().div_euclid(1000)
    }
}

/// The real system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        i64::try_from(now.as_millis()).unwrap_or(i64::MAX)
    }
}

/// A clock tests move by hand (lease expiry, TTL, replay windows) instead of sleeping.
#[derive(Debug, Clone, Default)]
pub struct ManualClock(Arc<AtomicI64>);

impl ManualClock {
    /// A clock fixed at `ms` epoch milliseconds.
    pub fn at(ms: i64) -> Self {
        Self(Arc::new(AtomicI64::new(ms)))
    }
    /// Move the clock forward by `ms` milliseconds.
    pub fn advance(&self, ms: i64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
    /// Set the clock to `ms` epoch milliseconds.
    pub fn set(&self, ms: i64) {
        self.0.store(ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}
