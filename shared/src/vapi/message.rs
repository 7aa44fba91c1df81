//! Parsing of the `{"message": {...}}` envelope.
//!
//! Lenient exactly where Vapi's protocol needs it: unknown types are accepted as
//! [`MessageKind::Unknown`]; unknown fields are ignored everywhere; `endedReason` and
//! `status` are open strings; the transcript type may arrive as
//! `transcript[transcriptType="final"]`; fields of an unexpected JSON type are treated as
//! absent rather than rejecting the message. The body is parsed without building a
//! `serde_json::Value` tree (fields are borrowed raw JSON), so a 200 KB report costs one
//! validating pass.

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::ports::ToolCall;

/// Why a body is not a Vapi message. Each maps to a 400 answer with a stable code.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ParseError {
    /// The body is not UTF-8.
    #[error("request body is not valid UTF-8")]
    InvalidUtf8,
    /// The body is not JSON (or is nested deeper than 128 levels).
    #[error("request body is not valid JSON: {0}")]
    MalformedJson(String),
    /// JSON without an object at `message`.
    #[error("request body has no `message` object")]
    MissingMessage,
    /// `message.type` is absent or not a string.
    #[error("`message.type` is missing or not a string")]
    MissingType,
}

impl ParseError {
    /// Stable machine-readable code for the error body.
    pub fn code(&self) -> &'static str {
        match self {
            ParseError::InvalidUtf8 => "invalid_utf8",
            ParseError::MalformedJson(_) => "malformed_json",
            ParseError::MissingMessage => "missing_message",
            ParseError::MissingType => "missing_type",
        }
    }
}

/// Every message type of PROTOCOL.md §4, plus `Unknown` for types Vapi adds later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageKind {
    /// `assistant-request` (synchronous, 7.5 s fixed deadline).
    AssistantRequest,
    /// `tool-calls` (synchronous).
    ToolCalls,
    /// Legacy `function-call` (synchronous, `{"result": ...}`).
    FunctionCall,
    /// `transfer-destination-request` (synchronous).
    TransferDestinationRequest,
    /// `handoff-destination-request` (synchronous).
    HandoffDestinationRequest,
    /// `knowledge-base-request` (synchronous).
    KnowledgeBaseRequest,
    /// `voice-request` (synchronous, raw PCM; not supported by callwarden).
    VoiceRequest,
    /// `call.endpointing.request` (synchronous).
    CallEndpointingRequest,
    /// `campaign.predial` (synchronous).
    CampaignPredial,
    /// `status-update`.
    StatusUpdate,
    /// `end-of-call-report`.
    EndOfCallReport,
    /// `transcript` or `transcript[transcriptType="final"]`.
    Transcript,
    /// `conversation-update`.
    ConversationUpdate,
    /// `speech-update`.
    SpeechUpdate,
    /// `hang`.
    Hang,
    /// `user-interrupted`.
    UserInterrupted,
    /// `model-output`.
    ModelOutput,
    /// `transfer-update`.
    TransferUpdate,
    /// `phone-call-control`.
    PhoneCallControl,
    /// `language-change-detected`.
    LanguageChangeDetected,
    /// `voice-input`.
    VoiceInput,
    /// `assistant.speechStarted`.
    AssistantSpeechStarted,
    /// `assistant.started`.
    AssistantStarted,
    /// `chat.created`.
    ChatCreated,
    /// `chat.deleted`.
    ChatDeleted,
    /// `session.created`.
    SessionCreated,
    /// `session.updated`.
    SessionUpdated,
    /// `session.deleted`.
    SessionDeleted,
    /// `call.deleted`.
    CallDeleted,
    /// `call.delete.failed`.
    CallDeleteFailed,
    /// `call.artifact.upload`.
    CallArtifactUpload,
    /// Any type this version does not know: accepted and queued, never rejected.
    Unknown,
}

impl MessageKind {
    /// Classify a `message.type` string.
    pub fn from_type(t: &str) -> Self {
        use MessageKind::*;
        match t {
            "assistant-request" => AssistantRequest,
            "tool-calls" => ToolCalls,
            "function-call" => FunctionCall,
            "transfer-destination-request" => TransferDestinationRequest,
            "handoff-destination-request" => HandoffDestinationRequest,
            "knowledge-base-request" => KnowledgeBaseRequest,
            "voice-request" => VoiceRequest,
            "call.endpointing.request" => CallEndpointingRequest,
            "campaign.predial" => CampaignPredial,
            "status-update" => StatusUpdate,
            "end-of-call-report" => EndOfCallReport,
            "transcript" | "transcript[transcriptType=\"final\"]" => Transcript,
            "conversation-update" => ConversationUpdate,
            "speech-update" => SpeechUpdate,
            "hang" => Hang,
            "user-interrupted" => UserInterrupted,
            "model-output" => ModelOutput,
            "transfer-update" => TransferUpdate,
            "phone-call-control" => PhoneCallControl,
            "language-change-detected" => LanguageChangeDetected,
            "voice-input" => VoiceInput,
            "assistant.speechStarted" => AssistantSpeechStarted,
            "assistant.started" => AssistantStarted,
            "chat.created" => ChatCreated,
            "chat.deleted" => ChatDeleted,
            "session.created" => SessionCreated,
            "session.updated" => SessionUpdated,
            "session.deleted" => SessionDeleted,
            "call.deleted" => CallDeleted,
            "call.delete.failed" => CallDeleteFailed,
            "call.artifact.upload" => CallArtifactUpload,
            _ => Unknown,
        }
    }

    /// True for the types whose HTTP answer carries a body Vapi uses.
    pub fn needs_answer(self) -> bool {
        use MessageKind::*;
        matches!(
            self,
            AssistantRequest
                | ToolCalls
                | FunctionCall
                | TransferDestinationRequest
                | HandoffDestinationRequest
                | KnowledgeBaseRequest
                | VoiceRequest
                | CallEndpointingRequest
                | CampaignPredial
        )
    }
}

/// A parsed message: the fields callwarden routes and logs on. The raw body stays the
/// source of truth (it is what gets queued).
#[derive(Debug, Clone, PartialEq)]
pub struct VapiMessage {
    /// Classified type.
    pub kind: MessageKind,
    /// `message.type` exactly as sent (bounded to 128 chars for logs and attributes).
    pub type_name: String,
    /// `message.call.id`.
    pub call_id: Option<String>,
    /// `message.timestamp` (epoch ms), when numeric.
    pub timestamp_ms: Option<i64>,
    /// Caller number (`message.call.customer.number` or `message.customer.number`). PII.
    pub customer_number: Option<String>,
    /// `message.call.monitor.controlUrl`. A capability: never logged.
    pub control_url: Option<String>,
    /// Tool calls of `tool-calls` / `function-call`, in call order.
    pub tool_calls: Vec<ToolCall>,
}

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow)]
    message: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct RawMessage<'a> {
    #[serde(rename = "type", borrow)]
    type_: Option<&'a RawValue>,
    #[serde(borrow)]
    timestamp: Option<&'a RawValue>,
    #[serde(borrow)]
    call: Option<&'a RawValue>,
    #[serde(borrow)]
    customer: Option<&'a RawValue>,
    #[serde(rename = "toolCallList", borrow)]
    tool_call_list: Option<&'a RawValue>,
    #[serde(rename = "toolWithToolCallList", borrow)]
    tool_with_tool_call_list: Option<&'a RawValue>,
    #[serde(rename = "functionCall", borrow)]
    function_call: Option<&'a RawValue>,
}

#[derive(Deserialize, Default)]
struct RawCall<'a> {
    #[serde(borrow)]
    id: Option<&'a RawValue>,
    #[serde(borrow)]
    customer: Option<&'a RawValue>,
    #[serde(borrow)]
    monitor: Option<&'a RawValue>,
}

#[derive(Deserialize, Default)]
struct RawCustomer<'a> {
    #[serde(borrow)]
    number: Option<&'a RawValue>,
}

#[derive(Deserialize, Default)]
struct RawMonitor<'a> {
    #[serde(rename = "controlUrl", borrow)]
    control_url: Option<&'a RawValue>,
}

/// Deserialize `raw` as `T`, treating a value of the wrong shape as absent.
pub(crate) fn lenient<'a, T: Deserialize<'a>>(raw: Option<&'a RawValue>) -> Option<T> {
    raw.and_then(|r| serde_json::from_str(r.get()).ok())
}

/// Deserialize `raw` as the struct `T` only when it is a JSON object (serde's derive would
/// also accept an array for a struct, which is never what Vapi means).
pub(crate) fn lenient_object<'a, T: Deserialize<'a>>(raw: Option<&'a RawValue>) -> Option<T> {
    raw.filter(|r| r.get().starts_with('{'))
        .and_then(|r| serde_json::from_str(r.get()).ok())
}

/// A JSON string value, or `None` for any other JSON type.
pub(crate) fn lenient_string(raw: Option<&RawValue>) -> Option<String> {
    lenient::<String>(raw)
}

fn lenient_i64(raw: Option<&RawValue>) -> Option<i64> {
    let r = raw?;
    match serde_json::from_str::<serde_json::Number>(r.get()) {
        Ok(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Err(_) => lenient_string(Some(r)).and_then(|s| s.trim().parse().ok()),
    }
}

fn bounded(s: String, max_chars: usize) -> String {
    if s.chars().count() <= max_chars {
        s
    } else {
        s.chars().take(max_chars).collect()
    }
}

/// Deepest JSON nesting accepted. Real Vapi payloads stay far below it; the limit keeps
/// the worker's recursive walks (redaction) bounded and rejects nesting bombs up front.
pub const MAX_JSON_DEPTH: usize = 64;

/// Maximum nesting depth of `text`, counted in one linear pass (strings skipped). Stops
/// counting once `limit` is exceeded.
fn nesting_exceeds(text: &str, limit: usize) -> bool {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for b in text.bytes() {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > limit {
                    return true;
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

/// Parse a raw request body as a Vapi message.
pub fn parse_message(body: &[u8]) -> Result<VapiMessage, ParseError> {
    let text = std::str::from_utf8(body).map_err(|_| ParseError::InvalidUtf8)?;
    if nesting_exceeds(text, MAX_JSON_DEPTH) {
        return Err(ParseError::MalformedJson(format!(
            "nested deeper than {MAX_JSON_DEPTH} levels"
        )));
    }
    if !text.trim_start().starts_with('{') {
        // Still report real syntax errors as such.
        serde_json::from_str::<serde::de::IgnoredAny>(text)
            .map_err(|e| ParseError::MalformedJson(json_error(&e)))?;
        return Err(ParseError::MalformedJson(
            "the body must be a JSON object".into(),
        ));
    }
    let envelope: Envelope<'_> =
        serde_json::from_str(text).map_err(|e| ParseError::MalformedJson(json_error(&e)))?;
    let message_raw = envelope
        .message
        .filter(|m| m.get().starts_with('{'))
        .ok_or(ParseError::MissingMessage)?;
    let message: RawMessage<'_> =
        serde_json::from_str(message_raw.get()).map_err(|_| ParseError::MissingMessage)?;
    let type_name = lenient_string(message.type_).ok_or(ParseError::MissingType)?;
    let type_name = bounded(type_name, 128);
    let kind = MessageKind::from_type(&type_name);
    let call: RawCall<'_> = lenient_object(message.call).unwrap_or_default();
    let call_id = lenient_string(call.id).map(|id| bounded(id, 128));
    let customer_number = lenient_object::<RawCustomer<'_>>(call.customer)
        .and_then(|c| lenient_string(c.number))
        .or_else(|| {
            lenient_object::<RawCustomer<'_>>(message.customer)
                .and_then(|c| lenient_string(c.number))
        });
    let control_url =
        lenient_object::<RawMonitor<'_>>(call.monitor).and_then(|m| lenient_string(m.control_url));
    let tool_calls = match kind {
        MessageKind::ToolCalls | MessageKind::FunctionCall => {
            crate::vapi::tool_call::parse_tool_calls(
                message.tool_call_list,
                message.tool_with_tool_call_list,
                message.function_call,
            )
        }
        _ => Vec::new(),
    };
    Ok(VapiMessage {
        kind,
        type_name,
        call_id,
        timestamp_ms: lenient_i64(message.timestamp),
        customer_number,
        control_url,
        tool_calls,
    })
}

/// A JSON error description without any input content (serde_json messages carry only
/// the category, line and column, never the offending text).
fn json_error(e: &serde_json::Error) -> String {
    let category = match e.classify() {
        serde_json::error::Category::Io => "I/O error",
        serde_json::error::Category::Syntax => "syntax error",
        serde_json::error::Category::Data => "unexpected structure",
        serde_json::error::Category::Eof => "unexpected end of input",
    };
    if e.to_string().contains("recursion limit") {
        return "nested too deeply".into();
    }
    format!("{category} at line {} column {}", e.line(), e.column())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_type_call_and_timestamp() {
        let m = parse_message(
            br#"{"message":{"type":"hang","timestamp":1763481823120,"call":{"id":"c1","monitor":{"controlUrl":"https://x/control"},"customer":{"number":"+14155550142"}}}}"#,
        )
        .expect("parse");
        assert_eq!(m.kind, MessageKind::Hang);
        assert_eq!(m.call_id.as_deref(), Some("c1"));
        assert_eq!(m.timestamp_ms, Some(1_763_481_823_120));
        assert_eq!(m.control_url.as_deref(), Some("https://x/control"));
        assert_eq!(m.customer_number.as_deref(), Some("+14155550142"));
    }

    #[test]
    fn unknown_type_and_odd_field_types_are_accepted() {
        let m = parse_message(
            br#"{"message":{"type":"brand-new-event","timestamp":"17","call":"not an object","extra":[1,2]}}"#,
        )
        .expect("parse");
        assert_eq!(m.kind, MessageKind::Unknown);
        assert_eq!(m.type_name, "brand-new-event");
        assert_eq!(m.call_id, None);
        assert_eq!(m.timestamp_ms, Some(17));
    }

    #[test]
    fn final_only_transcript_type_routes_to_transcript() {
        let m = parse_message(br#"{"message":{"type":"transcript[transcriptType=\"final\"]"}}"#)
            .expect("parse");
        assert_eq!(m.kind, MessageKind::Transcript);
    }

    #[test]
    fn rejections_have_stable_codes() {
        assert_eq!(
            parse_message(b"\xff\xfe").map(|_| ()),
            Err(ParseError::InvalidUtf8)
        );
        assert_eq!(
            parse_message(b"{\"message\":").map_err(|e| e.code()),
            Err("malformed_json")
        );
        assert_eq!(
            parse_message(b"{}").map_err(|e| e.code()),
            Err("missing_message")
        );
        assert_eq!(
            parse_message(b"[1]").map_err(|e| e.code()),
            Err("malformed_json")
        );
        assert_eq!(
            parse_message(b"{\"message\":{}}").map_err(|e| e.code()),
            Err("missing_type")
        );
        assert_eq!(
            parse_message(b"{\"message\":{\"type\":7}}").map_err(|e| e.code()),
            Err("missing_type")
        );
        assert_eq!(
            parse_message(b"{\"message\":[]}").map_err(|e| e.code()),
            Err("missing_message")
        );
        let deep = format!(
            "{{\"message\":{{\"type\":\"hang\",\"x\":{}{}}}}}",
            "[".repeat(200),
            "]".repeat(200)
        );
        assert_eq!(
            parse_message(deep.as_bytes()).map_err(|e| e.code()),
            Err("malformed_json")
        );
    }

    #[test]
    fn every_sample_parses_with_its_declared_type() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/vapi/samples");
        let mut seen = 0;
        for entry in std::fs::read_dir(dir).expect("samples dir") {
            let path = entry.expect("entry").path();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_owned();
            if !name.ends_with(".json")
                || [
                    "responses.json",
                    "live-call-control.json",
                    "enums.json",
                    "hmac-test-vectors.json",
                ]
                .contains(&name.as_str())
            {
                continue;
            }
            let body = std::fs::read(&path).expect("read");
            let m = parse_message(&body).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_ne!(
                m.kind,
                MessageKind::Unknown,
                "{name} parsed as unknown type {}",
                m.type_name
            );
            seen += 1;
        }
        assert!(seen >= 40, "expected every sample, saw {seen}");
    }
}
