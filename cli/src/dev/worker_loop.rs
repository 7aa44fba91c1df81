//! The in-process worker of `callwarden dev`, emulating what SQS + Lambda do around the
//! same `process_delivery` the worker Lambda runs:
//! - workers take batches (up to 10 deliveries) and process them concurrently;
//! - a delivery being processed is *in flight*: if its worker dies (killed by fault
//!   injection) it returns to the queue after the visibility timeout;
//! - a failed delivery returns after a growing delay; after `max_receives` attempts, or at
//!   once when it can never succeed, it is dead-lettered (counted and logged);
//! - with `kill_every`, a random worker is aborted mid-batch at that interval and replaced.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use callwarden::adapters::memory::MemoryQueue;
use callwarden::delivery::Delivery;
use callwarden::worker::{process_delivery, WorkerDeps, WorkerError};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};
use tokio::time::Instant;

use super::stats::DevStats;

/// Largest batch a worker takes (SQS's `ReceiveMessage` maximum).
const BATCH_SIZE: usize = 10;

/// How the emulated queue treats deliveries.
#[derive(Debug, Clone, Copy)]
pub struct PoolSettings {
    /// Worker tasks.
    pub workers: usize,
    /// Attempts before a delivery is dead-lettered (SQS `maxReceiveCount`).
    pub max_receives: u32,
    /// Delay before the first retry; doubles per attempt, capped at 8 s.
    pub retry_delay: Duration,
    /// How long a killed worker's deliveries stay invisible before they return.
    pub visibility: Duration,
    /// Abort a random worker at this interval (fault injection).
    pub kill_every: Option<Duration>,
}

struct InFlight {
    delivery: Delivery,
    visible_again: Instant,
}

/// The worker pool and its emulated queue state.
pub struct WorkerPool {
    queue: Arc<MemoryQueue>,
    deps: Arc<WorkerDeps>,
    stats: Arc<DevStats>,
    settings: PoolSettings,
    inflight: Mutex<HashMap<u64, InFlight>>,
    attempts: Mutex<HashMap<(String, i64), u32>>,
    next_id: AtomicU64,
    pending_retries: AtomicUsize,
}

impl WorkerPool {
    /// Start the workers, the visibility reaper and (with `kill_every`) the chaos task;
    /// everything stops when `shutdown` turns true.
    pub fn spawn(
        queue: Arc<MemoryQueue>,
        deps: Arc<WorkerDeps>,
        stats: Arc<DevStats>,
        settings: PoolSettings,
        shutdown: watch::Receiver<bool>,
    ) -> (Arc<WorkerPool>, Vec<JoinHandle<()>>) {
        let pool = Arc::new(WorkerPool {
            queue,
            deps,
            stats,
            settings,
            inflight: Mutex::new(HashMap::new()),
            attempts: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(0),
            pending_retries: AtomicUsize::new(0),
        });
        let workers: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::new(Mutex::new(
            (0..settings.workers.max(1))
                .map(|_| tokio::spawn(pool.clone().work(shutdown.clone())))
                .collect(),
        ));
        let mut tasks = vec![tokio::spawn(pool.clone().reap(shutdown.clone()))];
        if let Some(every) = settings.kill_every {
            tasks.push(tokio::spawn(pool.clone().chaos(
                workers.clone(),
                every,
                shutdown.clone(),
            )));
        }
        // One task owns the worker handles: it waits for shutdown, then for the workers.
        let mut stop = shutdown;
        tasks.push(tokio::spawn(async move {
            let _ = stop.wait_for(|s| *s).await;
            let handles: Vec<JoinHandle<()>> =
                std::mem::take(&mut *workers.lock().unwrap_or_else(|p| p.into_inner()));
            for h in handles {
                let _ = h.await;
            }
        }));
        (pool, tasks)
    }

    /// Deliveries waiting, in flight, or waiting for a retry.
    pub fn outstanding(&self) -> usize {
        self.queue.len()
            + self
                .inflight
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .len()
            + self.pending_retries.load(Ordering::SeqCst)
    }

    /// `(waiting, in flight, waiting for a retry)`.
    pub fn depth(&self) -> (usize, usize, usize) {
        (
            self.queue.len(),
            self.inflight
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .len(),
            self.pending_retries.load(Ordering::SeqCst),
        )
    }

    /// Wait until nothing is outstanding (bounded by `limit`).
    pub async fn wait_until_drained(&self, limit: Duration) {
        let deadline = Instant::now() + limit;
        while self.outstanding() > 0 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn work(self: Arc<Self>, mut shutdown: watch::Receiver<bool>) {
        loop {
            let first = tokio::select! {
                d = self.queue.recv() => d,
                _ = shutdown.wait_for(|s| *s) => break,
            };
            // Every delivery is registered in flight the moment it leaves the queue (no
            // await in between), so a worker killed while collecting its batch loses
            // nothing: the reaper returns it after the visibility timeout.
            let mut batch = vec![self.track(first)];
            while batch.len() < BATCH_SIZE {
                // Polls `recv` once: takes a waiting delivery without blocking.
                match tokio::time::timeout(Duration::ZERO, self.queue.recv()).await {
                    Ok(d) => batch.push(self.track(d)),
                    Err(_) => break,
                }
            }
            self.stats.receives(1);
            let mut set = JoinSet::new();
            for (id, delivery) in batch {
                let pool = self.clone();
                // Dropping the JoinSet (worker killed) aborts these tasks: the batch dies
                // mid-way and its unfinished deliveries wait for the visibility timeout.
                set.spawn(async move {
                    let result = process_delivery(&pool.deps, &delivery).await;
                    pool.finish(id, delivery, result);
                });
            }
            while set.join_next().await.is_some() {}
        }
    }

    /// Register `delivery` as in flight; returns its id.
    fn track(&self, delivery: Delivery) -> (u64, Delivery) {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        self.inflight
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(
                id,
                InFlight {
                    delivery: delivery.clone(),
                    visible_again: Instant::now() + self.settings.visibility,
                },
            );
        (id, delivery)
    }

    fn finish(
        self: &Arc<Self>,
        id: u64,
        delivery: Delivery,
        result: Result<callwarden::worker::Outcome, WorkerError>,
    ) {
        if self
            .inflight
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&id)
            .is_none()
        {
            // The visibility timeout already returned it; that copy decides.
            return;
        }
        let key = (delivery.sha256.clone(), delivery.received_at_ms);
        match result {
            Ok(outcome) => {
                self.attempts
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .remove(&key);
                self.stats.deletes(1);
                let lag = self.deps.clock.now_ms() - delivery.received_at_ms;
                self.stats.outcome(outcome, lag);
                tracing::debug!(target: "callwarden::dev", outcome = outcome.as_str(), message_type = %delivery.message_type, "processed");
            }
            Err(e) => {
                self.stats.failed();
                let permanent = matches!(e, WorkerError::Undecodable(_) | WorkerError::Integrity);
                self.retry_or_dead_letter(delivery, e.kind(), permanent);
            }
        }
    }

    fn retry_or_dead_letter(self: &Arc<Self>, delivery: Delivery, kind: &str, permanent: bool) {
        let key = (delivery.sha256.clone(), delivery.received_at_ms);
        let n = {
            let mut a = self.attempts.lock().unwrap_or_else(|p| p.into_inner());
            let n = a.entry(key.clone()).or_insert(0);
            *n += 1;
            *n
        };
        if permanent || n >= self.settings.max_receives {
            self.stats.dead_lettered();
            tracing::error!(target: "callwarden::dev", error_kind = kind, attempts = n, message_type = %delivery.message_type, "dead-lettered");
            self.attempts
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .remove(&key);
            return;
        }
        tracing::warn!(target: "callwarden::dev", error_kind = kind, attempts = n, "processing failed; will retry");
        let delay = self
            .settings
            .retry_delay
            .saturating_mul(1 << (n - 1).min(4))
            .min(Duration::from_secs(8));
        self.pending_retries.fetch_add(1, Ordering::SeqCst);
        let pool = self.clone();
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            pool.queue.requeue(delivery);
            pool.pending_retries.fetch_sub(1, Ordering::SeqCst);
        });
    }

    /// Return the deliveries of dead workers once their visibility timeout passed.
    async fn reap(self: Arc<Self>, mut shutdown: watch::Receiver<bool>) {
        loop {
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_millis(100)) => {}
                _ = shutdown.wait_for(|s| *s) => break,
            }
            let now = Instant::now();
            let expired: Vec<Delivery> = {
                let mut inflight = self.inflight.lock().unwrap_or_else(|p| p.into_inner());
                let ids: Vec<u64> = inflight
                    .iter()
                    .filter(|(_, f)| f.visible_again <= now)
                    .map(|(id, _)| *id)
                    .collect();
                ids.into_iter()
                    .filter_map(|id| inflight.remove(&id).map(|f| f.delivery))
                    .collect()
            };
            for d in expired {
                self.stats.visibility_requeue();
                // Each return counts as a receive, like SQS's ApproximateReceiveCount.
                self.retry_or_dead_letter(d, "visibility_timeout", false);
            }
        }
    }

    /// Abort a random worker every `every` and start a fresh one in its place.
    async fn chaos(
        self: Arc<Self>,
        workers: Arc<Mutex<Vec<JoinHandle<()>>>>,
        every: Duration,
        mut shutdown: watch::Receiver<bool>,
    ) {
        loop {
            tokio::select! {
                _ = tokio::time::sleep(every) => {}
                _ = shutdown.wait_for(|s| *s) => break,
            }
            let mut w = workers.lock().unwrap_or_else(|p| p.into_inner());
            if w.is_empty() {
                continue;
            }
            let i = rand::random_range(0..w.len());
            w[i].abort();
            w[i] = tokio::spawn(self.clone().work(shutdown.clone()));
            self.stats.worker_killed();
            tracing::warn!(target: "callwarden::dev", worker = i, "fault injection: worker killed mid-batch and restarted");
        }
    }
}
