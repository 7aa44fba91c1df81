//! The durable queue between the webhook and the worker.

use async_trait::async_trait;

use crate::delivery::Delivery;

/// Why a delivery could not be queued. Any of these makes the webhook answer 503 so a
/// configured Vapi `backoffPlan` retries: nothing is acknowledged that is not durable.
#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    /// The queue service refused or failed the request (throttling, 5xx, network).
    #[error("queue unavailable: {0}")]
    Unavailable(String),
    /// The body is too large even for the claim-check path.
    #[error("delivery too large to queue: {0} bytes")]
    TooLarge(usize),
    /// Storing the claim-check body failed.
    #[error("claim-check store failed: {0}")]
    ClaimCheck(String),
}

/// Accepts deliveries durably: when `enqueue` returns `Ok`, the delivery will reach the
/// worker at least once.
#[async_trait]
pub trait Queue: Send + Sync {
    /// Queue one delivery (one `SendMessage` for SQS).
    async fn enqueue(&self, delivery: &Delivery) -> Result<(), QueueError>;
}
