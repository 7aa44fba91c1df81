//! SQS adapter of the [`Queue`] port: one `SendMessage` per delivery, in the wire format
//! of [`crate::adapters::sqs_message`], with the claim-check for oversized bodies.

use std::sync::Arc;

use async_trait::async_trait;
use aws_sdk_sqs::types::MessageAttributeValue;

use crate::adapters::sqs_message::{encode_delivery, SQS_MAX_MESSAGE_BYTES};
use crate::clock::Clock;
use crate::delivery::Delivery;
use crate::ports::{BlobStore, Queue, QueueError};

/// Sends deliveries to one SQS queue.
pub struct SqsQueue {
    client: aws_sdk_sqs::Client,
    queue_url: String,
    max_message_bytes: usize,
    blobs: Arc<dyn BlobStore>,
    clock: Arc<dyn Clock>,
}

impl SqsQueue {
    /// A queue adapter for `queue_url`; oversized bodies go to `blobs` (claim-check).
    pub fn new(
        client: aws_sdk_sqs::Client,
        queue_url: impl Into<String>,
        blobs: Arc<dyn BlobStore>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            client,
            queue_url: queue_url.into(),
            max_message_bytes: SQS_MAX_MESSAGE_BYTES,
            blobs,
            clock,
        }
    }

    /// Override the message size limit (the queue's `MaximumMessageSize`).
    pub fn with_max_message_bytes(mut self, max: usize) -> Self {
        self.max_message_bytes = max;
        self
    }
}

#[async_trait]
impl Queue for SqsQueue {
    async fn enqueue(&self, delivery: &Delivery) -> Result<(), QueueError> {
        let message = encode_delivery(
            delivery,
            self.max_message_bytes,
            self.blobs.as_ref(),
            self.clock.now_secs(),
        )
        .await?;
        let mut request = self
            .client
            .send_message()
            .queue_url(&self.queue_url)
            .message_body(message.body);
        for (name, value) in message.attributes {
            let data_type = if name == "received_at" || name == "body_bytes" {
                "Number"
            } else {
                "String"
            };
            let attribute = MessageAttributeValue::builder()
                .data_type(data_type)
                .string_value(value)
                .build()
                .map_err(|e| QueueError::Unavailable(format!("attribute {name}: {e}")))?;
            request = request.message_attributes(name, attribute);
        }
        request.send().await.map_err(|e| {
            QueueError::Unavailable(format!(
                "SendMessage failed: {}",
                aws_sdk_sqs::error::DisplayErrorContext(&e)
            ))
        })?;
        Ok(())
    }
}
