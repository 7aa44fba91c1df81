//! The in-process worker of `callwarden dev`: takes deliveries from the in-memory queue
//! and runs the same `process_delivery` as the worker Lambda. A failed delivery returns
//! to the queue after a delay (like SQS's visibility timeout); after three attempts, or
//! at once when it can never succeed, it is dead-lettered (counted and logged).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use callwarden::adapters::memory::MemoryQueue;
use callwarden::worker::{process_delivery, WorkerDeps, WorkerError};
use tokio::sync::watch;
use tokio::task::JoinHandle;

const MAX_ATTEMPTS: u32 = 3;
const RETRY_DELAY: Duration = Duration::from_millis(500);

/// Start `n` worker tasks; they stop when `shutdown` turns true.
pub fn spawn(
    queue: Arc<MemoryQueue>,
    deps: Arc<WorkerDeps>,
    n: usize,
    shutdown: watch::Receiver<bool>,
) -> Vec<JoinHandle<()>> {
    let attempts: Arc<Mutex<HashMap<(String, i64), u32>>> = Arc::default();
    (0..n.max(1))
        .map(|_| {
            let (queue, deps, attempts, mut shutdown) =
                (queue.clone(), deps.clone(), attempts.clone(), shutdown.clone());
            tokio::spawn(async move {
                loop {
                    let delivery = tokio::select! {
                        d = queue.recv() => d,
                        _ = shutdown.changed() => break,
                    };
                    let key = (delivery.sha256.clone(), delivery.received_at_ms);
                    match process_delivery(&deps, &delivery).await {
                        Ok(outcome) => {
                            attempts.lock().unwrap_or_else(|p| p.into_inner()).remove(&key);
                            tracing::debug!(target: "callwarden::dev", outcome = outcome.as_str(), message_type = %delivery.message_type, "processed");
                        }
                        Err(e) => {
                            let permanent = matches!(e, WorkerError::Undecodable(_) | WorkerError::Integrity);
                            let n = {
                                let mut a = attempts.lock().unwrap_or_else(|p| p.into_inner());
                                let n = a.entry(key.clone()).or_insert(0);
                                *n += 1;
                                *n
                            };
                            if permanent || n >= MAX_ATTEMPTS {
                                tracing::error!(target: "callwarden::dev", error_kind = e.kind(), attempts = n, message_type = %delivery.message_type, "dead-lettered");
                                attempts.lock().unwrap_or_else(|p| p.into_inner()).remove(&key);
                            } else {
                                tracing::warn!(target: "callwarden::dev", error_kind = e.kind(), attempts = n, "processing failed; will retry");
                                let queue = queue.clone();
                                tokio::spawn(async move {
                                    tokio::time::sleep(RETRY_DELAY).await;
                                    queue.requeue(delivery);
                                });
                            }
                        }
                    }
                }
            })
        })
        .collect()
}

/// Wait until the queue is empty (bounded by `limit`).
pub async fn wait_until_drained(queue: &MemoryQueue, limit: Duration) {
    let deadline = tokio::time::Instant::now() + limit;
    while !queue.is_empty() && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
