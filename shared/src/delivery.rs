//! The unit that travels from the webhook to the worker: one authenticated delivery.

use bytes::Bytes;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Where a delivery came from, so the worker can pick the right decoder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// A Vapi Server URL message (`{"message": {...}}` JSON).
    Vapi,
    /// A Twilio status callback (form-urlencoded parameters).
    Twilio,
}

impl Source {
    /// Stable lower-case name used in queue attributes and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Vapi => "vapi",
            Source::Twilio => "twilio",
        }
    }

    /// Parse the name written by [`Source::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "vapi" => Some(Source::Vapi),
            "twilio" => Some(Source::Twilio),
            _ => None,
        }
    }
}

/// One accepted delivery: the exact raw body bytes plus the metadata the worker needs.
///
/// The body is never re-serialised: what the worker decodes is byte-for-byte what the
/// sender signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// Exact bytes received (after API Gateway's base64 decoding).
    pub raw: Bytes,
    /// Epoch milliseconds when the webhook accepted it.
    pub received_at_ms: i64,
    /// `message.call.id` when present (Twilio: the CallSid).
    pub call_id: Option<String>,
    /// `message.type` as sent (open string; Twilio: `twilio.status`).
    pub message_type: String,
    /// Name of the authentication scheme that accepted it.
    pub auth_scheme: String,
    /// Lower-case hex SHA-256 of `raw`, checked again by the worker.
    pub sha256: String,
    /// Producer of the delivery.
    pub source: Source,
}

impl Delivery {
    /// Build a delivery and compute its content hash.
    pub fn new(
        raw: Bytes,
        received_at_ms: i64,
        call_id: Option<String>,
        message_type: impl Into<String>,
        auth_scheme: impl Into<String>,
        source: Source,
    ) -> Self {
        let sha256 = sha256_hex(&raw);
        Self {
            raw,
            received_at_ms,
            call_id,
            message_type: message_type.into(),
            auth_scheme: auth_scheme.into(),
            sha256,
            source,
        }
    }
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}
