//! callwarden: the library behind the webhook and worker Lambdas and the `callwarden` CLI.
//!
//! Hexagonal layout: domain logic lives in plain functions over the small port traits of
//! [`ports`]; each adapter (`memory`, `dynamodb`, `sqs`, `http`) is one module under
//! [`adapters`]; the binaries only parse configuration and wire adapters to handlers.

pub mod adapters;
pub mod auth;
pub mod clock;
pub mod crm;
pub mod delivery;
pub mod logging;
pub mod ports;
pub mod redact;
pub mod twilio;
pub mod vapi;
pub mod webhook;
pub mod worker;
