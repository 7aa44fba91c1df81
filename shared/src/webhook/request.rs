//! Transport-neutral request and answer types: the Lambda adapter (`lambda_http`) and the
//! local dev server (`axum`) both convert to and from these, so one handler serves both.

use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};
use serde::Serialize;

/// An HTTP request as the handlers see it: exact raw body bytes (already base64-decoded
/// when API Gateway set `isBase64Encoded`), the path with any stage prefix, the raw query.
#[derive(Debug, Clone)]
pub struct IncomingRequest {
    /// HTTP method.
    pub method: Method,
    /// Request path as received (may carry an API Gateway stage prefix).
    pub path: String,
    /// Raw query string without the leading `?`, exactly as received (empty if none).
    pub raw_query: String,
    /// Request headers (names are case-insensitive).
    pub headers: HeaderMap,
    /// Exact body bytes.
    pub body: Bytes,
}

/// An HTTP answer: status, content type and body. Every error body is JSON
/// `{"error": "...", "code": "..."}`; TwiML answers are XML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpAnswer {
    /// Status code.
    pub status: StatusCode,
    /// `Content-Type` header value.
    pub content_type: &'static str,
    /// Body bytes.
    pub body: Bytes,
}

/// The JSON body of every error answer.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct ErrorBody {
    /// What went wrong, for a person.
    pub error: String,
    /// Stable machine-readable code (`unauthorized`, `malformed_json`, ...).
    pub code: String,
}

impl HttpAnswer {
    /// A `200 OK` JSON answer with `body` serialised.
    pub fn json<T: Serialize>(status: StatusCode, body: &T) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => Self {
                status,
                content_type: "application/json",
                body: Bytes::from(bytes),
            },
            Err(_) => Self::error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "could not serialise the answer",
            ),
        }
    }

    /// A JSON error answer `{"error": message, "code": code}`.
    pub fn error(status: StatusCode, code: &str, message: &str) -> Self {
        let body = serde_json::json!({ "error": message, "code": code });
        Self {
            status,
            content_type: "application/json",
            body: Bytes::from(body.to_string()),
        }
    }

    /// An XML (TwiML) answer with status 200.
    pub fn xml(body: String) -> Self {
        Self {
            status: StatusCode::OK,
            content_type: "text/xml; charset=utf-8",
            body: Bytes::from(body),
        }
    }
}

impl IncomingRequest {
    /// The first value of header `name` as UTF-8, if present and valid.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}
