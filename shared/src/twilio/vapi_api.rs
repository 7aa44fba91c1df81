//! The Vapi REST API as a port: creating a call (`POST /call`). The reqwest adapter is
//! [`crate::twilio::vapi_http::HttpVapiApi`]; tests use a local HTTP server.

use async_trait::async_trait;
use serde_json::{json, Map, Value};

/// Which assistant runs the call.
#[derive(Debug, Clone, PartialEq)]
pub enum AssistantRef {
    /// A saved assistant (`assistantId`).
    Id(String),
    /// A transient assistant object (`assistant`), e.g. the one in `config/assistant.json`.
    Transient(Value),
    /// None given: Vapi uses what the phone number is configured with.
    PhoneNumberDefault,
}

impl AssistantRef {
    /// Read an `assistant-request` answer (`{"assistantId": ...}` or
    /// `{"assistant": {...}}`), so the call uses the same assistant the webhook hands out.
    pub fn from_assistant_answer(answer: &[u8]) -> AssistantRef {
        let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(answer) else {
            return AssistantRef::PhoneNumberDefault;
        };
        if let Some(Value::String(id)) = map.get("assistantId") {
            return AssistantRef::Id(id.clone());
        }
        match map.get("assistant") {
            Some(assistant @ Value::Object(_)) => AssistantRef::Transient(assistant.clone()),
            _ => AssistantRef::PhoneNumberDefault,
        }
    }
}

/// A `POST /call` request.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateCall {
    /// `phoneNumberId`: the Vapi phone number (imported Twilio number) to use.
    pub phone_number_id: String,
    /// The assistant.
    pub assistant: AssistantRef,
    /// `customer.number` (E.164): the caller for inbound hand-offs, the callee for
    /// outbound calls. PII: never logged.
    pub customer_number: Option<String>,
    /// `phoneCallProviderBypassEnabled`: Vapi returns TwiML for a call Twilio already
    /// holds instead of placing one.
    pub provider_bypass: bool,
}

impl CreateCall {
    /// The JSON body Vapi expects.
    pub fn to_json(&self) -> Value {
        let mut body = Map::new();
        body.insert("phoneNumberId".into(), json!(self.phone_number_id));
        match &self.assistant {
            AssistantRef::Id(id) => {
                body.insert("assistantId".into(), json!(id));
            }
            AssistantRef::Transient(assistant) => {
                body.insert("assistant".into(), assistant.clone());
            }
            AssistantRef::PhoneNumberDefault => {}
        }
        if let Some(number) = &self.customer_number {
            body.insert("customer".into(), json!({ "number": number }));
        }
        if self.provider_bypass {
            body.insert("phoneCallProviderBypassEnabled".into(), json!(true));
        }
        Value::Object(body)
    }
}

/// What Vapi answered to `POST /call`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedCall {
    /// Vapi's call id.
    pub id: String,
    /// `phoneCallProviderDetails.twiml` (present with provider bypass).
    pub twiml: Option<String>,
}

impl CreatedCall {
    /// Read Vapi's answer leniently: `id` is required, everything else optional.
    pub fn from_json(body: &[u8]) -> Result<CreatedCall, VapiApiError> {
        let value: Value = serde_json::from_slice(body)
            .map_err(|_| VapiApiError::InvalidResponse("the body is not JSON"))?;
        let id = value
            .get("id")
            .and_then(Value::as_str)
            .filter(|id| !id.is_empty())
            .ok_or(VapiApiError::InvalidResponse("no call id"))?
            .to_string();
        let twiml = value
            .pointer("/phoneCallProviderDetails/twiml")
            .and_then(Value::as_str)
            .map(str::to_string);
        Ok(CreatedCall { id, twiml })
    }
}

/// Why a call could not be created.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VapiApiError {
    /// Vapi refused the API key (401/403).
    #[error("Vapi refused the API key (HTTP {status}); check VAPI_API_KEY")]
    Unauthorized {
        /// HTTP status.
        status: u16,
    },
    /// Vapi refused the request (other 4xx). `message` is Vapi's explanation, bounded;
    /// it may echo request data, so handlers do not log it (the CLI prints it).
    #[error("Vapi refused the call (HTTP {status}): {message}")]
    Rejected {
        /// HTTP status.
        status: u16,
        /// Vapi's message.
        message: String,
    },
    /// Vapi failed (5xx); retrying later may work.
    #[error("Vapi failed (HTTP {status}); try again later")]
    Server {
        /// HTTP status.
        status: u16,
    },
    /// No answer within the deadline.
    #[error("Vapi did not answer within {0} ms")]
    Timeout(u64),
    /// The request could not be sent (DNS, TLS, connection).
    #[error("could not reach Vapi: {0}")]
    Transport(String),
    /// Vapi answered 2xx with something that is not a call.
    #[error("unexpected answer from Vapi: {0}")]
    InvalidResponse(&'static str),
}

impl VapiApiError {
    /// Stable code for logs.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unauthorized { .. } => "vapi_unauthorized",
            Self::Rejected { .. } => "vapi_rejected",
            Self::Server { .. } => "vapi_server_error",
            Self::Timeout(_) => "vapi_timeout",
            Self::Transport(_) => "vapi_unreachable",
            Self::InvalidResponse(_) => "vapi_invalid_response",
        }
    }

    /// Build the error for a non-2xx answer from its status and body.
    pub fn from_status(status: u16, body: &[u8]) -> VapiApiError {
        match status {
            401 | 403 => Self::Unauthorized { status },
            400..=499 => Self::Rejected {
                status,
                message: error_message(body),
            },
            _ => Self::Server { status },
        }
    }
}

/// Vapi's error text (`message` as a string or a list, else `error`), single line, at
/// most 300 characters.
fn error_message(body: &[u8]) -> String {
    let text = match serde_json::from_slice::<Value>(body) {
        Ok(v) => match v.get("message") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join("; "),
            _ => v
                .get("error")
                .and_then(Value::as_str)
                .unwrap_or("no message")
                .to_string(),
        },
        Err(_) => String::from_utf8_lossy(body).into_owned(),
    };
    let cleaned: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(300)
        .collect();
    if cleaned.trim().is_empty() {
        "no message".to_string()
    } else {
        cleaned
    }
}

/// The Vapi API operations callwarden uses.
#[async_trait]
pub trait VapiApi: Send + Sync {
    /// `POST /call`.
    async fn create_call(&self, call: &CreateCall) -> Result<CreatedCall, VapiApiError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_call_json() {
        let call = CreateCall {
            phone_number_id: "pn".into(),
            assistant: AssistantRef::Id("as".into()),
            customer_number: Some("+15551234567".into()),
            provider_bypass: true,
        };
        assert_eq!(
            call.to_json(),
            json!({"phoneNumberId":"pn","assistantId":"as","customer":{"number":"+15551234567"},"phoneCallProviderBypassEnabled":true})
        );
        let outbound = CreateCall {
            assistant: AssistantRef::PhoneNumberDefault,
            customer_number: None,
            provider_bypass: false,
            ..call
        };
        assert_eq!(outbound.to_json(), json!({"phoneNumberId":"pn"}));
    }

    #[test]
    fn assistant_from_answer() {
        assert_eq!(
            AssistantRef::from_assistant_answer(br#"{"assistantId":"a1"}"#),
            AssistantRef::Id("a1".into())
        );
        assert_eq!(
            AssistantRef::from_assistant_answer(br#"{"assistant":{"name":"x"}}"#),
            AssistantRef::Transient(json!({"name":"x"}))
        );
        assert_eq!(
            AssistantRef::from_assistant_answer(b"[]"),
            AssistantRef::PhoneNumberDefault
        );
    }

    #[test]
    fn created_call_and_errors() {
        let ok = CreatedCall::from_json(
            br#"{"id":"c1","phoneCallProviderDetails":{"twiml":"<Response/>"},"x":1}"#,
        )
        .unwrap();
        assert_eq!(ok.twiml.as_deref(), Some("<Response/>"));
        assert!(CreatedCall::from_json(br#"{"id":""}"#).is_err());
        assert!(CreatedCall::from_json(b"nope").is_err());
        assert_eq!(
            VapiApiError::from_status(400, br#"{"message":["a must be b","c\nd"]}"#),
            VapiApiError::Rejected {
                status: 400,
                message: "a must be b; c d".into()
            }
        );
        assert_eq!(
            VapiApiError::from_status(401, b""),
            VapiApiError::Unauthorized { status: 401 }
        );
        assert_eq!(
            VapiApiError::from_status(502, b"x"),
            VapiApiError::Server { status: 502 }
        );
        let long = VapiApiError::from_status(422, &vec![b'x'; 5000]);
        assert!(long.to_string().len() < 400);
    }
}
