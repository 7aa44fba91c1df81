//! The Lambda SQS batch: each record decoded and processed on its own, concurrently up to
//! a bound; failures are reported per record (`batchItemFailures`) so one bad record never
//! fails or blocks the others.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent, SqsMessage};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::adapters::sqs_message::{decode_sqs_message, DecodeError};
use crate::ports::store::StoreError;
use crate::worker::{process_delivery, Outcome, WorkerDeps, WorkerError};

fn from_decode(e: DecodeError) -> WorkerError {
    match e {
        DecodeError::HashMismatch => WorkerError::Integrity,
        DecodeError::BlobUnavailable(m) => WorkerError::Store(StoreError::Unavailable(m)),
        other => WorkerError::Undecodable(other.to_string()),
    }
}

async fn process_record(deps: &WorkerDeps, record: &SqsMessage) -> Result<Outcome, WorkerError> {
    let body = record.body.as_deref().unwrap_or("");
    let delivery = decode_sqs_message(
        body,
        &record.message_attributes,
        deps.blobs.as_ref(),
        deps.clock.now_secs(),
    )
    .await
    .map_err(from_decode)?;
    let started = Instant::now();
    let result = process_delivery(deps, &delivery).await;
    let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    match &result {
        Ok(outcome) => tracing::info!(
            call_id = delivery.call_id.as_deref().unwrap_or("-"),
            message_type = %delivery.message_type,
            bytes = delivery.raw.len(),
            outcome = outcome.as_str(),
            elapsed_ms,
            "delivery processed"
        ),
        Err(e) => tracing::warn!(
            call_id = delivery.call_id.as_deref().unwrap_or("-"),
            message_type = %delivery.message_type,
            bytes = delivery.raw.len(),
            error_kind = e.kind(),
            error = %e,
            elapsed_ms,
            "delivery failed; it returns through the queue"
        ),
    }
    result
}

/// Process an SQS batch; the response lists the `messageId`s that failed (Lambda deletes
/// the others). Never fails as a whole.
pub async fn process_sqs_event(deps: &WorkerDeps, event: SqsEvent) -> SqsBatchResponse {
    let semaphore = Arc::new(Semaphore::new(deps.config.batch_concurrency.max(1)));
    let mut tasks = JoinSet::new();
    let mut ids_by_task = HashMap::new();
    let mut response = SqsBatchResponse::default();
    for record in event.records {
        let message_id = record.message_id.clone().unwrap_or_default();
        let deps = deps.clone();
        let semaphore = semaphore.clone();
        let handle = tasks.spawn(async move {
            let _permit = semaphore.acquire_owned().await;
            process_record(&deps, &record).await
        });
        ids_by_task.insert(handle.id(), message_id);
    }
    while let Some(joined) = tasks.join_next_with_id().await {
        let (task_id, failed) = match joined {
            Ok((id, result)) => (id, result.is_err()),
            Err(join_error) => {
                tracing::error!(error_kind = "task", "record task did not complete");
                (join_error.id(), true)
            }
        };
        if failed {
            let message_id = ids_by_task.get(&task_id).cloned().unwrap_or_default();
            if message_id.is_empty() {
                tracing::error!("failed record has no messageId; the whole batch will be retried");
            }
            response.add_failure(message_id);
        }
    }
    response
}
