//! The worker Lambda: configuration, the DynamoDB client and the adapters are built once at
//! init; every SQS batch goes through `callwarden::worker::process_sqs_event`, which
//! reports failed records individually (`ReportBatchItemFailures`).

use std::sync::Arc;

use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent};
use callwarden::adapters::dynamodb::{dynamodb_client_from_env, DynamoStore};
use callwarden::adapters::dynamodb_blob::DynamoBlobStore;
use callwarden::clock::SystemClock;
use callwarden::worker::{process_sqs_event, WorkerConfig, WorkerDeps};
use lambda_runtime::{service_fn, Error, LambdaEvent};

#[tokio::main]
async fn main() -> Result<(), Error> {
    callwarden::logging::init_json_logging();
    let table = match std::env::var("TABLE_NAME") {
        Ok(t) if !t.trim().is_empty() => t,
        _ => {
            tracing::error!(target: "callwarden::startup", "TABLE_NAME is not set: the DynamoDB table of the archive");
            return Err("TABLE_NAME is not set".into());
        }
    };
    let config = match WorkerConfig::from_env() {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(target: "callwarden::startup", error = %e, "invalid configuration");
            return Err(e.into());
        }
    };
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
    let deps = WorkerDeps::new(store, blobs, Arc::new(SystemClock), config);
    let deps = &deps;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<SqsEvent>| async move {
        Ok::<SqsBatchResponse, Error>(process_sqs_event(deps, event.payload).await)
    }))
    .await
}
