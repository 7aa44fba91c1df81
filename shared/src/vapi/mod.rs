//! Vapi Server URL messages: lenient parsing into a typed enum (PROTOCOL.md §4).

pub mod message;
pub mod tool_call;

pub use message::{parse_message, MessageKind, ParseError, VapiMessage};
pub use tool_call::parse_tool_calls;
