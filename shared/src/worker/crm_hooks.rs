//! The worker's CRM side effects (see [`crate::crm::side_effects`]), run after an event
//! is claimed and before it is committed, so a failed hook fails the record and the retry
//! runs it again (every hook is idempotent: caller context is a cache, pending tool
//! results are delivered once per `toolCallId`, the call note once per call).
//!
//! - `assistant-request` / `status-update` in-progress → cache the caller's context;
//! - final user transcript → escalation rules (may transfer through Live Call Control);
//! - `tool-calls` → finish tools the webhook answered with "still checking";
//! - `end-of-call-report` → one CRM note with the redacted summary, under the call lock.
//!
//! Calls already archived as ended get no new side effects (the hooks check it).

use crate::crm::side_effects::{LockMode, PendingToolOutcome, SideEffectError, ToolCallsDelivery};
use crate::delivery::{Delivery, Source};
use crate::redact::Context;
use crate::vapi::{parse_message, MessageKind};
use crate::worker::message::{EventKind, InboundEvent};
use crate::worker::{Claim, WorkerDeps, WorkerError};

fn side_effect_error(e: SideEffectError) -> WorkerError {
    match e {
        SideEffectError::LockContended => WorkerError::Locked("crm-note".into()),
        other => WorkerError::SideEffect(other.to_string()),
    }
}

/// Run the hooks that apply to `event`. No-op without configured side effects.
pub(crate) async fn run(
    deps: &WorkerDeps,
    claim: &Claim,
    delivery: &Delivery,
    event: &InboundEvent,
) -> Result<(), WorkerError> {
    let (Some(fx), Some(call_id)) = (&deps.side_effects, event.call_id.as_deref()) else {
        return Ok(());
    };
    if delivery.source != Source::Vapi {
        return Ok(());
    }
    // The webhook already parsed this body once; the typed view gives the caller's number,
    // the control URL and the tool calls without walking the JSON again by hand.
    let Ok(message) = parse_message(&delivery.raw) else {
        return Ok(());
    };
    let status = event.message.get("status").and_then(|s| s.as_str());
    let starts_call = message.kind == MessageKind::AssistantRequest
        || (message.kind == MessageKind::StatusUpdate && status == Some("in-progress"));
    if starts_call {
        // A cache: failure only costs a CRM round trip later.
        if let Err(e) = fx
            .on_call_started(call_id, message.customer_number.as_deref())
            .await
        {
            tracing::warn!(target: "callwarden::worker", error = %e, "caller context not cached");
        }
        return Ok(());
    }
    match (&event.kind, message.kind) {
        (
            EventKind::Transcript {
                role,
                is_final: true,
                text,
            },
            _,
        ) if role == "user" => {
            if let Some(decision) = fx
                .on_transcript(call_id, role, text, message.control_url.as_deref())
                .await
                .map_err(side_effect_error)?
            {
                tracing::info!(target: "callwarden::worker", escalation = decision.reason.as_str(), "escalation rule matched");
            }
        }
        (_, MessageKind::ToolCalls) => {
            let outcomes = fx
                .complete_pending_tools(&ToolCallsDelivery {
                    call_id: Some(call_id.to_owned()),
                    customer_number: message.customer_number.clone(),
                    control_url: message.control_url.clone(),
                    received_at_ms: delivery.received_at_ms,
                    tool_calls: message.tool_calls.clone(),
                })
                .await
                .map_err(side_effect_error)?;
            if outcomes.contains(&PendingToolOutcome::RetryLater) {
                return Err(WorkerError::ToolPending);
            }
        }
        (EventKind::EndOfCallReport, _) => {
            let summary = event
                .message
                .pointer("/analysis/summary")
                .or_else(|| event.message.get("summary"))
                .and_then(|s| s.as_str())
                .unwrap_or_default();
            let summary = deps.redactor.redact_text(summary, &Context::default()).text;
            let ended_reason = event
                .message
                .get("endedReason")
                .and_then(|s| s.as_str())
                .unwrap_or("unknown");
            fx.on_end_of_call(
                call_id,
                message.customer_number.as_deref(),
                &summary,
                ended_reason,
                LockMode::Acquire(&claim.token),
            )
            .await
            .map_err(side_effect_error)?;
        }
        _ => {}
    }
    Ok(())
}
