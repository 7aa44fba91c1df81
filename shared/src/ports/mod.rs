//! Ports: the small traits the domain logic is written against. Adapters implement them
//! (see [`crate::adapters`]); handlers take them as `Arc<dyn Trait>`.

pub mod blob;
pub mod crm;
pub mod queue;
pub mod store;
pub mod tools;

pub use blob::{BlobError, BlobStore};
pub use queue::{Queue, QueueError};
pub use tools::{ToolCall, ToolContext, ToolOutcome, ToolRegistry};
