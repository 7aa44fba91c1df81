//! In-memory queue and blob store: the embedded default of `callwarden dev` and the fast
//! backend of unit tests. Same observable behaviour as the SQS/DynamoDB adapters.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;

use async_trait::async_trait;
use tokio::sync::Notify;

use crate::delivery::Delivery;
use crate::ports::{BlobError, BlobStore, Queue, QueueError};

/// An in-process FIFO of deliveries. `enqueue` never loses an accepted delivery; the dev
/// worker takes them with [`MemoryQueue::recv`]. `set_failing(true)` makes `enqueue` fail
/// like an unavailable SQS (for the 503 path and fault injection).
#[derive(Debug, Default)]
pub struct MemoryQueue {
    items: Mutex<VecDeque<Delivery>>,
    ready: Notify,
    failing: AtomicBool,
    sent: AtomicU64,
}

impl MemoryQueue {
    /// An empty queue.
    pub fn new() -> Self {
        Self::default()
    }

    /// Make every following `enqueue` fail (`true`) or succeed again (`false`).
    pub fn set_failing(&self, failing: bool) {
        self.failing.store(failing, Ordering::SeqCst);
    }

    /// Number of deliveries accepted since creation.
    pub fn sent_count(&self) -> u64 {
        self.sent.load(Ordering::SeqCst)
    }

    /// Remove and return everything queued so far.
    pub fn drain(&self) -> Vec<Delivery> {
        self.lock().drain(..).collect()
    }

    /// Number of deliveries waiting.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// True when nothing is waiting.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Wait for the next delivery.
    pub async fn recv(&self) -> Delivery {
        loop {
            let notified = self.ready.notified();
            if let Some(d) = self.lock().pop_front() {
                return d;
            }
            notified.await;
        }
    }

    /// Put a delivery back at the front (a failed processing attempt returns it, as SQS
    /// would after the visibility timeout).
    pub fn requeue(&self, delivery: Delivery) {
        self.lock().push_back(delivery);
        self.ready.notify_one();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<Delivery>> {
        // A poisoned lock only means another thread panicked mid-push; the queue itself
        // is still a valid VecDeque, so keep serving it rather than losing deliveries.
        self.items.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[async_trait]
impl Queue for MemoryQueue {
    async fn enqueue(&self, delivery: &Delivery) -> Result<(), QueueError> {
        if self.failing.load(Ordering::SeqCst) {
            return Err(QueueError::Unavailable(
                "in-memory queue set to fail".into(),
            ));
        }
        self.lock().push_back(delivery.clone());
        self.sent.fetch_add(1, Ordering::SeqCst);
        self.ready.notify_one();
        Ok(())
    }
}

/// In-memory blob store with expiry checked on read.
#[derive(Debug, Default)]
pub struct MemoryBlobStore {
    blobs: Mutex<HashMap<String, (Vec<u8>, i64)>>,
}

#[async_trait]
impl BlobStore for MemoryBlobStore {
    async fn put_blob(
        &self,
        key: &str,
        bytes: &[u8],
        expires_at_secs: i64,
    ) -> Result<(), BlobError> {
        self.blobs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(key.to_owned(), (bytes.to_vec(), expires_at_secs));
        Ok(())
    }

    async fn get_blob(&self, key: &str, now_secs: i64) -> Result<Option<Vec<u8>>, BlobError> {
        Ok(self
            .blobs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(key)
            .filter(|(_, exp)| *exp >= now_secs)
            .map(|(b, _)| b.clone()))
    }
}
