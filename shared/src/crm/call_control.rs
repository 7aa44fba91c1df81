//! Live Call Control (PROTOCOL.md §9): POST `add-message`, `say` or `transfer` to the
//! call's `monitor.controlUrl`. The URL is a capability (whoever has it controls the call):
//! it is never logged, never put into an error message, and only `https` URLs (or `http`
//! on a loopback address, for tests and `callwarden dev`) are accepted.

use std::time::Duration;

use async_trait::async_trait;
use serde_json::{json, Value};

use crate::webhook::answers::{Escalation, EscalationTarget};

/// One Live Call Control message (sent bare, without a `{"message": ...}` wrapper).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ControlMessage {
    /// Add a system message to the conversation, optionally making the assistant respond.
    AddMessage {
        /// The system message text.
        content: String,
        /// Make the assistant speak about it now.
        trigger_response: bool,
    },
    /// Transfer the call.
    Transfer {
        /// Destination.
        target: EscalationTarget,
        /// Spoken before transferring.
        content: String,
    },
}

impl ControlMessage {
    /// The transfer to the configured human escalation.
    pub fn transfer_to(escalation: &Escalation) -> Self {
        ControlMessage::Transfer {
            target: escalation.target.clone(),
            content: escalation.message.clone(),
        }
    }

    /// The message type, for logs.
    pub fn kind(&self) -> &'static str {
        match self {
            ControlMessage::AddMessage { .. } => "add-message",
            ControlMessage::Transfer { .. } => "transfer",
        }
    }

    /// The JSON body Vapi expects.
    pub fn body(&self) -> Value {
        match self {
            ControlMessage::AddMessage {
                content,
                trigger_response,
            } => json!({
                "type": "add-message",
                "message": { "role": "system", "content": content },
                "triggerResponseEnabled": trigger_response,
            }),
            ControlMessage::Transfer { target, content } => {
                let destination = match target {
                    EscalationTarget::Number(n) => json!({ "type": "number", "number": n }),
                    EscalationTarget::Sip(uri) => json!({ "type": "sip", "sipUri": uri }),
                };
                json!({ "type": "transfer", "destination": destination, "content": content })
            }
        }
    }
}

/// Why a control message was not delivered. Never contains the URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallControlError {
    /// The control URL is not an acceptable URL (not https, or unparsable).
    #[error("the call's control URL is not usable (https required)")]
    BadUrl,
    /// Vapi answered with a non-2xx status (a call that ended answers 4xx).
    #[error("live call control answered status {0}")]
    Status(u16),
    /// Network failure or timeout.
    #[error("live call control unreachable: {0}")]
    Unreachable(String),
}

/// Sends Live Call Control messages to a call.
#[async_trait]
pub trait CallControl: Send + Sync {
    /// POST `message` to `control_url` (a secret: implementations never log it).
    async fn send(
        &self,
        control_url: &str,
        message: &ControlMessage,
    ) -> Result<(), CallControlError>;
}

/// True when `url` is `https://...`, or `http://` to a loopback host.
pub fn control_url_allowed(url: &str) -> bool {
    let Ok(parsed) = reqwest::Url::parse(url) else {
        return false;
    };
    match parsed.scheme() {
        "https" => parsed.host_str().is_some(),
        "http" => matches!(parsed.host_str(), Some("127.0.0.1" | "localhost" | "[::1]")),
        _ => false,
    }
}

/// [`CallControl`] over HTTPS with `reqwest` (rustls): one attempt, bounded by a timeout,
/// optional bearer key (`monitorPlan.controlAuthenticationEnabled`).
#[derive(Debug, Clone)]
pub struct HttpCallControl {
    client: reqwest::Client,
    bearer: Option<String>,
}

impl HttpCallControl {
    /// A client with `timeout` per request and an optional bearer key.
    pub fn new(timeout: Duration, bearer: Option<String>) -> Result<Self, CallControlError> {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| CallControlError::Unreachable(e.without_url().to_string()))?;
        Ok(Self { client, bearer })
    }
}

#[async_trait]
impl CallControl for HttpCallControl {
    async fn send(
        &self,
        control_url: &str,
        message: &ControlMessage,
    ) -> Result<(), CallControlError> {
        if !control_url_allowed(control_url) {
            return Err(CallControlError::BadUrl);
        }
        let mut req = self.client.post(control_url).json(&message.body());
        if let Some(b) = &self.bearer {
            req = req.bearer_auth(b);
        }
        let res = req
            .send()
            .await
            .map_err(|e| CallControlError::Unreachable(e.without_url().to_string()))?;
        let status = res.status();
        tracing::info!(target: "callwarden::call_control", kind = message.kind(), status = status.as_u16(), "live call control message sent");
        if status.is_success() {
            Ok(())
        } else {
            Err(CallControlError::Status(status.as_u16()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_match_the_protocol_samples() {
        let add = ControlMessage::AddMessage {
            content: "done".into(),
            trigger_response: true,
        };
        assert_eq!(
            add.body(),
            json!({"type":"add-message","message":{"role":"system","content":"done"},"triggerResponseEnabled":true})
        );
        let t = ControlMessage::Transfer {
            target: EscalationTarget::Sip("sip:desk@pbx.example.com".into()),
            content: "Transferring you now.".into(),
        };
        assert_eq!(
            t.body()["destination"],
            json!({"type":"sip","sipUri":"sip:desk@pbx.example.com"})
        );
    }

    #[test]
    fn only_https_or_loopback_http_urls_are_used() {
        assert!(control_url_allowed(
            "https://phone-call-websocket.example.com/c/control"
        ));
        assert!(control_url_allowed("http://127.0.0.1:8080/c/control"));
        assert!(!control_url_allowed("http://10.0.0.1/c/control"));
        assert!(!control_url_allowed("file:///etc/passwd"));
        assert!(!control_url_allowed("not a url"));
    }
}
