//! The few facts the worker needs from an inbound delivery, read leniently from the JSON
//! (or Twilio form) without a full typed parse: type, call id, timestamp, and per type the
//! fields that drive the session and the idempotency key.

use serde_json::Value;

use crate::delivery::{Delivery, Source};
use crate::worker::WorkerError;

/// What kind of event a delivery is, as far as the worker's processing differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventKind {
    /// A transcript (`transcript` or `transcript[transcriptType="final"]`).
    Transcript {
        /// `user` or `assistant` (anything else is kept as sent, sanitised).
        role: String,
        /// True for `transcriptType = final`.
        is_final: bool,
        /// The transcript text (PII: never logged).
        text: String,
    },
    /// `end-of-call-report`.
    EndOfCallReport,
    /// A Twilio status callback.
    TwilioStatus {
        /// `CallSid`.
        call_sid: String,
        /// `CallStatus` (`ringing`, `in-progress`, `completed`, ...).
        call_status: String,
    },
    /// Every other message type (archived as an event).
    Other,
}

/// A decoded delivery: the message JSON plus the facts extracted from it.
#[derive(Debug, Clone)]
pub struct InboundEvent {
    /// Normalised message type (`transcript` for both transcript type strings), safe to
    /// log and to use in attribute names.
    pub message_type: String,
    /// The Vapi call id (Twilio: filled in later from the CallSid link).
    pub call_id: Option<String>,
    /// Vapi `timestamp` (epoch ms), or the arrival time when absent.
    pub ts_ms: i64,
    /// When the webhook received the delivery (epoch ms).
    pub arrival_ms: i64,
    /// The `message` object (Twilio: the form parameters as a JSON object).
    pub message: Value,
    /// Kind-specific facts.
    pub kind: EventKind,
    /// `call.phoneCallProviderId` (Twilio CallSid of a Vapi call), when present.
    pub provider_call_id: Option<String>,
}

/// Keep only characters safe in a DynamoDB attribute name and a log field.
pub fn sanitize_name(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .take(64)
        .collect();
    if cleaned.is_empty() {
        "unknown".to_string()
    } else {
        cleaned
    }
}

/// Normalise Vapi's transcript type strings (`transcript[transcriptType="final"]`).
pub fn normalize_type(raw: &str) -> String {
    if raw.starts_with("transcript[") {
        "transcript".to_string()
    } else {
        sanitize_name(raw)
    }
}

fn str_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut cur = v;
    for p in path {
        cur = cur.get(*p)?;
    }
    cur.as_str().filter(|s| !s.is_empty())
}

/// An id that is safe as a key component: bounded, no separators that collide with ours.
fn safe_id(s: &str) -> Option<String> {
    let id: String = s
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .take(128)
        .collect();
    (!id.is_empty()).then_some(id)
}

/// Decode a delivery. A body that is not what its source promises is a poison message:
/// the error fails only its own record.
pub fn decode(delivery: &Delivery) -> Result<InboundEvent, WorkerError> {
    match delivery.source {
        Source::Vapi => decode_vapi(delivery),
        Source::Twilio => decode_twilio(delivery),
    }
}

fn decode_vapi(d: &Delivery) -> Result<InboundEvent, WorkerError> {
    let mut root: Value = serde_json::from_slice(&d.raw).map_err(|e| {
        WorkerError::Undecodable(format!("body is not JSON ({})", e.classify_str()))
    })?;
    let message = root
        .get_mut("message")
        .filter(|m| m.is_object())
        .map(Value::take)
        .ok_or_else(|| WorkerError::Undecodable("body has no `message` object".into()))?;
    let raw_type = str_at(&message, &["type"])
        .ok_or_else(|| WorkerError::Undecodable("message has no `type`".into()))?;
    let message_type = normalize_type(raw_type);
    let call_id = str_at(&message, &["call", "id"])
        .and_then(safe_id)
        .or_else(|| d.call_id.as_deref().and_then(safe_id));
    let ts_ms = message
        .get("timestamp")
        .and_then(|t| t.as_i64().or_else(|| t.as_f64().map(|f| f as i64)))
        .filter(|t| *t > 0)
        .unwrap_or(d.received_at_ms);
    let provider_call_id = str_at(&message, &["call", "phoneCallProviderId"]).and_then(safe_id);
    let kind = match message_type.as_str() {
        "transcript" => {
            let role = match str_at(&message, &["role"]) {
                Some("user") => "user".to_string(),
                Some("assistant" | "bot") => "assistant".to_string(),
                Some(other) => sanitize_name(other),
                None => "unknown".to_string(),
            };
            let is_final = raw_type != "transcript"
                || str_at(&message, &["transcriptType"]).is_none_or(|t| t == "final");
            let text = str_at(&message, &["transcript"]).unwrap_or("").to_string();
            EventKind::Transcript {
                role,
                is_final,
                text,
            }
        }
        "end-of-call-report" => EventKind::EndOfCallReport,
        _ => EventKind::Other,
    };
    Ok(InboundEvent {
        message_type,
        call_id,
        ts_ms,
        arrival_ms: d.received_at_ms,
        message,
        kind,
        provider_call_id,
    })
}

fn decode_twilio(d: &Delivery) -> Result<InboundEvent, WorkerError> {
    let mut params = serde_json::Map::new();
    for (k, v) in form_urlencoded::parse(&d.raw) {
        params.insert(k.into_owned(), Value::String(v.into_owned()));
    }
    let call_sid = params
        .get("CallSid")
        .and_then(Value::as_str)
        .and_then(safe_id)
        .or_else(|| d.call_id.as_deref().and_then(safe_id))
        .ok_or_else(|| WorkerError::Undecodable("Twilio callback has no CallSid".into()))?;
    let call_status = params
        .get("CallStatus")
        .and_then(Value::as_str)
        .map(sanitize_name)
        .unwrap_or_else(|| "unknown".into());
    Ok(InboundEvent {
        message_type: "twilio.status".into(),
        call_id: None,
        ts_ms: d.received_at_ms,
        arrival_ms: d.received_at_ms,
        message: Value::Object(params),
        kind: EventKind::TwilioStatus {
            call_sid,
            call_status,
        },
        provider_call_id: None,
    })
}

trait ClassifyStr {
    fn classify_str(&self) -> &'static str;
}

impl ClassifyStr for serde_json::Error {
    /// The error category only: serde_json's messages can quote input.
    fn classify_str(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "io",
            serde_json::error::Category::Syntax => "syntax error",
            serde_json::error::Category::Data => "unexpected data",
            serde_json::error::Category::Eof => "truncated",
        }
    }
}
