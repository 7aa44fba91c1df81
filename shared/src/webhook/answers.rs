//! Synchronous answers that do not need I/O: `assistant-request` from configuration, the
//! human escalation destination, and the fixed answers for the other synchronous types.

use serde_json::{json, Value};

/// The `assistant-request` answer shipped in the binary (`config/assistant.json`).
pub const DEFAULT_ASSISTANT_JSON: &str = include_str!("../../../config/assistant.json");

/// Spoken when the assistant answer cannot be produced: Vapi speaks `error` and ends the
/// call cleanly, where a 5xx would fail it as `assistant-request-failed`.
pub const ASSISTANT_UNAVAILABLE: &str =
    "Sorry, our assistant is unavailable right now. Please call back in a few minutes.";

/// Why an assistant configuration was rejected at start.
#[derive(Debug, thiserror::Error)]
pub enum AssistantConfigError {
    /// The file could not be read.
    #[error("cannot read ASSISTANT_CONFIG file {path}: {reason}")]
    Read {
        /// File path.
        path: String,
        /// OS error text.
        reason: String,
    },
    /// The file is not a JSON object with one of the accepted answer keys.
    #[error("ASSISTANT_CONFIG must be a JSON object with `assistantId`, `assistant`, `squadId`, `squad`, `workflowId`, `workflow` or `destination`: {0}")]
    Invalid(String),
}

/// Validate an `assistant-request` answer: a JSON object carrying at least one of the keys
/// Vapi accepts. Returns the compact JSON bytes served on every request.
pub fn validate_assistant_answer(text: &str) -> Result<bytes::Bytes, AssistantConfigError> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| AssistantConfigError::Invalid(e.to_string()))?;
    let accepted = [
        "assistantId",
        "assistant",
        "squadId",
        "squad",
        "workflowId",
        "workflow",
        "destination",
    ];
    match &value {
        Value::Object(map) if accepted.iter().any(|k| map.contains_key(*k)) => {
            Ok(bytes::Bytes::from(value.to_string()))
        }
        _ => Err(AssistantConfigError::Invalid(
            "none of the accepted keys is present".into(),
        )),
    }
}

/// Where `transfer-destination-request` and `escalateToHuman` send the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EscalationTarget {
    /// An E.164 phone number.
    Number(String),
    /// A SIP URI.
    Sip(String),
}

/// The configured human escalation: target plus the sentence spoken before transferring.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Escalation {
    /// Destination.
    pub target: EscalationTarget,
    /// Spoken to the caller before the transfer.
    pub message: String,
}

impl Escalation {
    /// The Vapi `destination` object.
    pub fn destination(&self) -> Value {
        match &self.target {
            EscalationTarget::Number(n) => json!({
                "type": "number",
                "number": n,
                "message": self.message,
                "transferPlan": { "mode": "blind-transfer" }
            }),
            EscalationTarget::Sip(uri) => json!({
                "type": "sip",
                "sipUri": uri,
                "message": self.message,
            }),
        }
    }
}

/// True for an E.164 number: `+`, then 8 to 15 digits, the first not 0.
pub fn is_e164(s: &str) -> bool {
    let Some(digits) = s.strip_prefix('+') else {
        return false;
    };
    (8..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
}

/// The answer to `transfer-destination-request`.
pub fn transfer_destination_answer(escalation: Option<&Escalation>) -> Value {
    match escalation {
        Some(e) => json!({ "destination": e.destination() }),
        None => json!({
            "error": "No one is available to take the call right now. Please call back during business hours."
        }),
    }
}

/// Answers for the synchronous types callwarden does not implement a feature for: a valid
/// body that keeps the call going.
pub fn fixed_answer(kind: crate::vapi::MessageKind) -> Value {
    use crate::vapi::MessageKind::*;
    match kind {
        HandoffDestinationRequest => json!({
            "destination": {},
            "error": "Handoff is not configured for this line."
        }),
        KnowledgeBaseRequest => json!({ "documents": [] }),
        CallEndpointingRequest => json!({ "timeoutSeconds": 0.5 }),
        CampaignPredial => json!({ "eligible": true }),
        _ => json!({}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_assistant_config_is_valid() {
        let bytes = validate_assistant_answer(DEFAULT_ASSISTANT_JSON).expect("valid");
        let v: Value = serde_json::from_slice(&bytes).expect("json");
        let messages = v["assistant"]["serverMessages"]
            .as_array()
            .expect("serverMessages");
        for needed in [
            "end-of-call-report",
            "transcript",
            "tool-calls",
            "status-update",
        ] {
            assert!(
                messages.iter().any(|m| m == needed),
                "serverMessages lacks {needed}"
            );
        }
    }

    #[test]
    fn invalid_assistant_configs_are_rejected() {
        assert!(validate_assistant_answer("[]").is_err());
        assert!(validate_assistant_answer("{\"foo\":1}").is_err());
        assert!(validate_assistant_answer("not json").is_err());
        assert!(validate_assistant_answer("{\"assistantId\":\"a\"}").is_ok());
    }

    #[test]
    fn e164_validation() {
        assert!(is_e164("+14155550177"));
        assert!(!is_e164("14155550177"));
        assert!(!is_e164("+0123456789"));
        assert!(!is_e164("+1415555017a"));
        assert!(!is_e164("+1234567"));
    }

    #[test]
    fn transfer_answers() {
        let e = Escalation {
            target: EscalationTarget::Number("+14155550177".into()),
            message: "Connecting you now.".into(),
        };
        let a = transfer_destination_answer(Some(&e));
        assert_eq!(a["destination"]["type"], "number");
        assert_eq!(a["destination"]["number"], "+14155550177");
        assert!(transfer_destination_answer(None)["error"]
            .as_str()
            .is_some_and(|s| !s.is_empty()));
    }
}
