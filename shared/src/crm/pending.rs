//! Pending tool calls: how a tool call the webhook could not finish in time reaches the
//! worker.
//!
//! The webhook queues every `tool-calls` delivery *concurrently* with answering it, so the
//! worker may see the delivery before the tool finished. Before any CRM I/O the webhook
//! therefore writes a record per tool call (`RUNNING`, with `answer_by_ms` = the webhook's
//! tool deadline) and flips it to `ANSWERED` once the real result is in the answer. A tool
//! that misses the deadline (or is `async: true`, answered with an acknowledgement at
//! once) stays `RUNNING`. The worker, processing the queued delivery, asks
//! [`PendingTools::get`]: `ANSWERED` → nothing to do; `RUNNING` before `answer_by_ms` →
//! retry the record later; `RUNNING` after it → finish the tool and deliver the outcome
//! with Live Call Control (see [`crate::crm::side_effects`]). The record holds ids, the
//! tool name and times only: the arguments are read again from the queued delivery.

use async_trait::async_trait;

use crate::ports::crm::CrmError;

/// State of a pending record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PendingState {
    /// The webhook started the tool and has not put a real result in its answer (yet).
    Running,
    /// The caller heard the real result: nothing left to do.
    Answered,
}

impl PendingState {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            PendingState::Running => "RUNNING",
            PendingState::Answered => "ANSWERED",
        }
    }
    /// Parse a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "RUNNING" => Some(PendingState::Running),
            "ANSWERED" => Some(PendingState::Answered),
            _ => None,
        }
    }
}

/// One pending tool call (ids and times only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingTool {
    /// Vapi `toolCallId`.
    pub tool_call_id: String,
    /// Vapi call id.
    pub call_id: String,
    /// Tool name.
    pub tool_name: String,
    /// Current state.
    pub state: PendingState,
    /// Epoch ms by which the webhook's answer was due.
    pub answer_by_ms: i64,
    /// Epoch seconds after which the record counts as absent.
    pub expires_at_secs: i64,
}

/// Storage of pending records (DynamoDB: `CRM#TOOL#<toolCallId>` / `PENDING`).
#[async_trait]
pub trait PendingTools: Send + Sync {
    /// Create the record as `RUNNING` unless a live one exists (a duplicate delivery of the
    /// same tool call). Returns false when one existed; it is left unchanged.
    async fn begin(&self, record: &PendingTool, now_secs: i64) -> Result<bool, CrmError>;
    /// `RUNNING` → `ANSWERED`. False when the record is absent or not `RUNNING`.
    async fn mark_answered(&self, tool_call_id: &str) -> Result<bool, CrmError>;
    /// The live record of `tool_call_id` (expired records count as absent).
    async fn get(&self, tool_call_id: &str, now_secs: i64)
        -> Result<Option<PendingTool>, CrmError>;
}
