//! Stable idempotency keys per event (PROTOCOL.md §7). Retries of the same event carry
//! different presigned URLs, so a body hash is only the fallback for types without a
//! stable identity.

use serde_json::Value;

use crate::worker::message::{EventKind, InboundEvent};

fn id_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut cur = v;
    for p in path {
        cur = cur.get(*p)?;
    }
    cur.as_str().filter(|s| !s.is_empty())
}

/// The idempotency key of `event`; `body_sha256` is the raw body hash for the fallback.
/// Keys hold ids, types and timestamps only: never PII.
pub fn idempotency_key(event: &InboundEvent, body_sha256: &str) -> String {
    let m = &event.message;
    let call = event.call_id.as_deref();
    let ts = m
        .get("timestamp")
        .and_then(|t| t.as_i64().or_else(|| t.as_f64().map(|f| f as i64)));
    let hashed = || format!("{}:sha256:{}", event.message_type, body_sha256);
    match (&event.kind, event.message_type.as_str()) {
        (EventKind::Transcript { role, is_final, .. }, _) => match (call, ts) {
            (Some(c), Some(t)) => {
                format!(
                    "transcript:{c}:{t}:{role}:{}",
                    if *is_final { "final" } else { "partial" }
                )
            }
            _ => hashed(),
        },
        (EventKind::EndOfCallReport, _) => match call {
            Some(c) => format!("end-of-call-report:{c}"),
            None => hashed(),
        },
        (
            EventKind::TwilioStatus {
                call_sid,
                call_status,
            },
            _,
        ) => match m.get("SequenceNumber").and_then(Value::as_str) {
            Some(seq) if seq.chars().all(|c| c.is_ascii_digit()) && seq.len() <= 12 => {
                format!("twilio.status:{call_sid}:{call_status}:{seq}")
            }
            _ => format!("twilio.status:{call_sid}:{call_status}"),
        },
        (_, "tool-calls") => {
            let mut ids: Vec<&str> = m
                .get("toolCallList")
                .and_then(Value::as_array)
                .map(|list| list.iter().filter_map(|c| id_at(c, &["id"])).collect())
                .unwrap_or_default();
            if ids.is_empty() {
                return hashed();
            }
            ids.sort_unstable();
            let joined: String = ids.join(",").chars().take(512).collect();
            format!("tool-calls:{joined}")
        }
        (_, "status-update") => match (call, id_at(m, &["status"])) {
            (Some(c), Some(s)) => format!(
                "status-update:{c}:{}",
                crate::worker::message::sanitize_name(s)
            ),
            _ => hashed(),
        },
        (_, "conversation-update") => match (call, ts) {
            (Some(c), Some(t)) => format!("conversation-update:{c}:{t}"),
            _ => hashed(),
        },
        (_, "assistant-request") => match call {
            Some(c) => format!("assistant-request:{c}"),
            None => hashed(),
        },
        _ => hashed(),
    }
}
