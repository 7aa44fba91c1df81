//! Adapters: one module per backing technology, each implementing ports of [`crate::ports`].

pub mod aws_client;
pub mod crm_dynamodb;
pub mod crm_http;
pub mod crm_memory;
pub mod dynamodb;
pub mod dynamodb_blob;
pub mod faults;
pub mod memory;
pub mod memory_store;
pub mod sqs;
pub mod sqs_message;
