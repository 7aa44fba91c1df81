//! Tools the assistant calls during a call (`tool-calls` messages), answered synchronously.

use async_trait::async_trait;
use serde_json::Value;

/// One tool invocation from a `tool-calls` (or legacy `function-call`) message.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolCall {
    /// `toolCallId`, echoed back verbatim in the result.
    pub id: String,
    /// Function name as configured in the assistant.
    pub name: String,
    /// Arguments, already parsed when Vapi sent them as a JSON string.
    pub arguments: Value,
    /// `tool.async`: the assistant does not wait for the answer.
    pub is_async: bool,
}

/// What a tool knows about the call it runs in. Never logged whole: `control_url` is a
/// capability and `customer_number` is PII.
#[derive(Debug, Clone, Default)]
pub struct ToolContext {
    /// Vapi call id, when the message carried one.
    pub call_id: Option<String>,
    /// Caller's number (PII): for CRM lookups only.
    pub customer_number: Option<String>,
    /// `call.monitor.controlUrl` (secret): to deliver late results via Live Call Control.
    pub control_url: Option<String>,
    /// Epoch milliseconds by which the answer must be ready.
    pub deadline_ms: i64,
}

/// The outcome of one tool call, rendered as a `result` or `error` string for Vapi.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToolOutcome {
    /// Success: text (or JSON text) for the assistant.
    Result(String),
    /// Failure the assistant can speak.
    Error(String),
}

/// Runs tools by name. Implementations must never panic on arguments and must return an
/// [`ToolOutcome::Error`] for unknown tools and bad arguments.
#[async_trait]
pub trait ToolRegistry: Send + Sync {
    /// Run one tool call. The caller enforces the deadline; implementations should honour
    /// `ctx.deadline_ms` for their own I/O too.
    async fn call(&self, call: &ToolCall, ctx: &ToolContext) -> ToolOutcome;

    /// Result given when a tool does not finish before the deadline.
    fn still_working(&self, call: &ToolCall) -> ToolOutcome {
        let _ = call;
        ToolOutcome::Result(
            "Still checking on that; I will let you know as soon as I have it.".to_string(),
        )
    }
}
