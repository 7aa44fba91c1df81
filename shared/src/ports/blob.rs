//! Storage for bodies too large for one queue message (the claim-check).

use async_trait::async_trait;

/// Failure of the blob store.
#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    /// The backing store failed (throttling, 5xx, network); retrying may succeed.
    #[error("blob store unavailable: {0}")]
    Unavailable(String),
    /// The stored blob is incomplete or does not match its recorded hash.
    #[error("blob {0} is missing or corrupt")]
    Corrupt(String),
}

/// Content-addressed byte storage with an expiry, used by the claim-check: the webhook
/// stores a large body under its SHA-256 before queueing a small reference to it.
#[async_trait]
pub trait BlobStore: Send + Sync {
    /// Store `bytes` under `key` until `expires_at_secs` (epoch seconds). Idempotent.
    async fn put_blob(
        &self,
        key: &str,
        bytes: &[u8],
        expires_at_secs: i64,
    ) -> Result<(), BlobError>;
    /// Read the blob stored under `key`, treating expired blobs as absent.
    async fn get_blob(&self, key: &str, now_secs: i64) -> Result<Option<Vec<u8>>, BlobError>;
}
