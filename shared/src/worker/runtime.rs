//! Wiring of the deployed worker: configuration from the environment, the DynamoDB store
//! and claim-check blobs, and the CRM side effects. Called once at Lambda init.

use std::sync::Arc;

use crate::adapters::dynamodb::{dynamodb_client_from_env, DynamoStore};
use crate::adapters::dynamodb_blob::DynamoBlobStore;
use crate::clock::SystemClock;
use crate::webhook::config::escalation_from_lookup;
use crate::webhook::runtime::{required_var, StartupError};
use crate::worker::{WorkerConfig, WorkerDeps};

/// Build the worker against DynamoDB (`TABLE_NAME`) with the CRM side effects.
pub async fn aws_worker_from_env() -> Result<WorkerDeps, StartupError> {
    let get = |k: &str| std::env::var(k).ok();
    let table = required_var(&get, "TABLE_NAME", "the DynamoDB table of the archive")?;
    let config = WorkerConfig::from_env()?;
    let escalation = escalation_from_lookup(&get)?;
    let side_effects = crate::crm::config::side_effects_from_env(escalation).await?;
    let client = dynamodb_client_from_env().await;
    let store = Arc::new(DynamoStore::new(client.clone(), table.clone()));
    let blobs = Arc::new(DynamoBlobStore::new(client, table));
    tracing::info!(
        target: "callwarden::startup",
        session_ttl_secs = config.session_ttl_secs,
        idempotency_ttl_secs = config.idempotency_ttl_secs,
        in_progress_secs = config.in_progress_secs,
        lock_lease_secs = config.lock_lease_secs,
        "worker ready"
    );
    Ok(WorkerDeps::new(store, blobs, Arc::new(SystemClock), config)
        .with_side_effects(Arc::new(side_effects)))
}
