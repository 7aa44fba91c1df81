//! Lambda HTTP events ⇄ [`IncomingRequest`] / [`HttpAnswer`].
//!
//! One event type covers API Gateway HTTP API (payload v2), Lambda Function URLs (same
//! v2 shape) and REST API (v1). We deserialize the event ourselves on top of
//! `lambda_runtime` instead of going through `lambda_http`'s request conversion: that
//! conversion decodes `isBase64Encoded` bodies with an `expect`, so a garbage body would
//! panic the runtime (and abort it, with `panic = "abort"`). Here it is a 400.

use std::collections::HashMap;

use base64::Engine as _;
use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use serde::{Deserialize, Serialize};

use crate::webhook::request::{HttpAnswer, IncomingRequest};

/// An API Gateway v1/v2 or Function URL event, reduced to what the handler needs.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HttpEvent {
    /// `"2.0"` for HTTP API / Function URL, `"1.0"` or absent for REST API.
    #[serde(default)]
    pub version: Option<String>,
    /// v2: path as received (includes the stage for non-default stages).
    #[serde(default)]
    pub raw_path: Option<String>,
    /// v2: raw query string.
    #[serde(default)]
    pub raw_query_string: Option<String>,
    /// v1: resource path.
    #[serde(default)]
    pub path: Option<String>,
    /// v1: method.
    #[serde(default)]
    pub http_method: Option<String>,
    /// Single-value headers (v2 joins repeated headers with commas).
    #[serde(default)]
    pub headers: Option<HashMap<String, String>>,
    /// v1: every value of repeated headers.
    #[serde(default)]
    pub multi_value_headers: Option<HashMap<String, Vec<String>>>,
    /// v1: every value of repeated query parameters.
    #[serde(default)]
    pub multi_value_query_string_parameters: Option<HashMap<String, Vec<String>>>,
    /// v1: single-value query parameters.
    #[serde(default)]
    pub query_string_parameters: Option<HashMap<String, String>>,
    /// Request context (v2: method and path under `http`).
    #[serde(default)]
    pub request_context: Option<EventContext>,
    /// Body, base64-encoded when `is_base64_encoded`.
    #[serde(default)]
    pub body: Option<String>,
    /// Whether API Gateway base64-encoded the body.
    #[serde(default)]
    pub is_base64_encoded: bool,
}

/// The part of `requestContext` used here.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventContext {
    /// v2: `{method, path}`.
    #[serde(default)]
    pub http: Option<EventHttp>,
    /// Stage name.
    #[serde(default)]
    pub stage: Option<String>,
}

/// v2 `requestContext.http`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EventHttp {
    /// HTTP method.
    #[serde(default)]
    pub method: Option<String>,
}

/// The response shape both payload versions accept.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct HttpEventResponse {
    /// HTTP status.
    pub status_code: u16,
    /// Response headers.
    pub headers: HashMap<String, String>,
    /// Body text (base64 when `is_base64_encoded`).
    pub body: String,
    /// Whether `body` is base64.
    pub is_base64_encoded: bool,
}

fn form_query(params: &HashMap<String, Vec<String>>) -> String {
    let mut keys: Vec<&String> = params.keys().collect();
    keys.sort();
    let mut out = form_urlencoded::Serializer::new(String::new());
    for k in keys {
        for v in &params[k] {
            out.append_pair(k, v);
        }
    }
    out.finish()
}

/// Convert an event into a request, or into the 400 answer for an undecodable body.
pub fn request_from_event(event: HttpEvent) -> Result<IncomingRequest, HttpAnswer> {
    let is_v2 = event.version.as_deref() == Some("2.0");
    let method_text = if is_v2 {
        event
            .request_context
            .as_ref()
            .and_then(|c| c.http.as_ref())
            .and_then(|h| h.method.clone())
    } else {
        event.http_method.clone()
    }
    .unwrap_or_default();
    let method = Method::from_bytes(method_text.to_ascii_uppercase().as_bytes()).map_err(|_| {
        HttpAnswer::error(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "unsupported HTTP method",
        )
    })?;
    let path = if is_v2 {
        event.raw_path.clone()
    } else {
        event.path.clone()
    }
    .unwrap_or_else(|| "/".to_owned());
    let raw_query = if is_v2 {
        event.raw_query_string.clone().unwrap_or_default()
    } else if let Some(multi) = &event.multi_value_query_string_parameters {
        form_query(multi)
    } else if let Some(single) = &event.query_string_parameters {
        let multi = single
            .iter()
            .map(|(k, v)| (k.clone(), vec![v.clone()]))
            .collect();
        form_query(&multi)
    } else {
        String::new()
    };
    let mut headers = HeaderMap::new();
    let pairs: Vec<(String, String)> = match (&event.multi_value_headers, &event.headers) {
        (Some(multi), _) if !multi.is_empty() => multi
            .iter()
            .flat_map(|(k, vs)| vs.iter().map(move |v| (k.clone(), v.clone())))
            .collect(),
        (_, Some(single)) => single.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        _ => Vec::new(),
    };
    for (name, value) in pairs {
        // Headers that are not valid HTTP (non-visible bytes) are dropped, never fatal.
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            headers.append(n, v);
        }
    }
    let body = match (event.body, event.is_base64_encoded) {
        (None, _) => Bytes::new(),
        (Some(text), false) => Bytes::from(text),
        (Some(text), true) => base64::engine::general_purpose::STANDARD
            .decode(text.as_bytes())
            .map(Bytes::from)
            .map_err(|_| {
                HttpAnswer::error(
                    StatusCode::BAD_REQUEST,
                    "invalid_base64",
                    "isBase64Encoded is set but the body is not valid base64",
                )
            })?,
    };
    Ok(IncomingRequest {
        method,
        path,
        raw_query,
        headers,
        body,
    })
}

/// Convert an answer into the Lambda response: text bodies as they are, others base64.
pub fn response_to_event(answer: HttpAnswer) -> HttpEventResponse {
    let headers = HashMap::from([("content-type".to_owned(), answer.content_type.to_owned())]);
    match String::from_utf8(answer.body.to_vec()) {
        Ok(text) => HttpEventResponse {
            status_code: answer.status.as_u16(),
            headers,
            body: text,
            is_base64_encoded: false,
        },
        Err(_) => HttpEventResponse {
            status_code: answer.status.as_u16(),
            headers,
            body: base64::engine::general_purpose::STANDARD.encode(&answer.body),
            is_base64_encoded: true,
        },
    }
}

/// Serve one Lambda HTTP event with `webhook`.
pub async fn handle_event(
    webhook: &crate::webhook::Webhook,
    event: HttpEvent,
) -> HttpEventResponse {
    match request_from_event(event) {
        Ok(req) => response_to_event(webhook.handle(req).await),
        Err(answer) => {
            tracing::info!(target: "callwarden::request", status = answer.status.as_u16(), outcome = "rejected", "undecodable event");
            response_to_event(answer)
        }
    }
}
