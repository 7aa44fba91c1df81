//! The webhook: HTTP surface, routing, authentication, synchronous answers and queueing.

pub mod answers;
pub mod config;
pub mod handler;
pub mod lambda;
pub mod request;
pub mod router;
pub mod runtime;
pub mod tool_runner;

pub use config::{ConfigError, WebhookConfig};
pub use handler::{TwilioEndpoints, Webhook, WebhookDeps};
pub use request::{ErrorBody, HttpAnswer, IncomingRequest};
