//! The `--aws` worker of `callwarden dev`: long-polls the SQS queue (moto, LocalStack or
//! real SQS) and feeds each batch to the same `process_sqs_event` as the worker Lambda,
//! deleting only the messages that did not fail.

use std::collections::HashMap;
use std::sync::Arc;

use aws_lambda_events::event::sqs::{SqsEvent, SqsMessage, SqsMessageAttribute};
use callwarden::adapters::sqs_message::attr;
use callwarden::worker::{process_sqs_event, WorkerDeps};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::stats::DevStats;

/// Start `n` pollers; they stop when `shutdown` turns true.
pub fn spawn(
    sqs: aws_sdk_sqs::Client,
    queue_url: String,
    deps: Arc<WorkerDeps>,
    n: usize,
    stats: Arc<DevStats>,
    shutdown: watch::Receiver<bool>,
) -> Vec<JoinHandle<()>> {
    (0..n.max(1))
        .map(|_| {
            let (sqs, queue_url, deps, mut shutdown, stats) =
                (sqs.clone(), queue_url.clone(), deps.clone(), shutdown.clone(), stats.clone());
            tokio::spawn(async move {
                loop {
                    let received = tokio::select! {
                        r = sqs.receive_message().queue_url(&queue_url).max_number_of_messages(10)
                            .message_attribute_names("All").wait_time_seconds(1).send() => r,
                        _ = shutdown.changed() => break,
                    };
                    stats.receives(1);
                    let messages = match received {
                        Ok(out) => out.messages.unwrap_or_default(),
                        Err(e) => {
                            tracing::warn!(target: "callwarden::dev", error = %aws_sdk_sqs::error::DisplayErrorContext(&e), "ReceiveMessage failed");
                            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                            continue;
                        }
                    };
                    if messages.is_empty() {
                        continue;
                    }
                    let mut handles = HashMap::new();
                    let mut received_at: HashMap<String, i64> = HashMap::new();
                    let mut event = SqsEvent::default();
                    for m in messages {
                        let id = m.message_id.clone().unwrap_or_default();
                        handles.insert(id.clone(), m.receipt_handle.clone());
                        if let Some(t) = m
                            .message_attributes
                            .as_ref()
                            .and_then(|a| a.get(attr::RECEIVED_AT))
                            .and_then(|v| v.string_value.as_deref())
                            .and_then(|v| v.parse::<i64>().ok())
                        {
                            received_at.insert(id.clone(), t);
                        }
                        let mut record = SqsMessage::default();
                        record.message_id = Some(id);
                        record.body = m.body;
                        record.message_attributes = m
                            .message_attributes
                            .unwrap_or_default()
                            .into_iter()
                            .map(|(k, v)| {
                                let mut a = SqsMessageAttribute::default();
                                a.string_value = v.string_value;
                                a.data_type = Some(v.data_type);
                                (k, a)
                            })
                            .collect();
                        event.records.push(record);
                    }
                    let response = process_sqs_event(&deps, event).await;
                    for failed in &response.batch_item_failures {
                        handles.remove(&failed.item_identifier);
                        stats.failed();
                    }
                    let now_ms = deps.clock.now_ms();
                    for (id, handle) in handles {
                        // Lag of every record that did not fail (duplicates included).
                        if let Some(t) = received_at.get(&id) {
                            stats.lag(now_ms - t);
                        }
                        let Some(handle) = handle else { continue };
                        stats.deletes(1);
                        let _ = sqs.delete_message().queue_url(&queue_url).receipt_handle(handle).send().await;
                    }
                }
            })
        })
        .collect()
}
