//! The dev HTTP server: every request becomes an [`IncomingRequest`] for the same webhook
//! handler the Lambda runs; `GET /calls` and `GET /calls/{id}` read the archive back.

use std::future::Future;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use axum::Router;
use callwarden::webhook::{HttpAnswer, IncomingRequest};
use callwarden::worker::readback::{list_calls, show_call};
use http::{header, Method, StatusCode};

use super::DevState;

/// Serve until `shutdown` resolves; in-flight requests complete first.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: DevState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = Router::new().fallback(handle).with_state(state);
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

fn to_response(answer: HttpAnswer) -> Response {
    (
        answer.status,
        [(header::CONTENT_TYPE, answer.content_type)],
        answer.body,
    )
        .into_response()
}

async fn handle(State(state): State<DevState>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let path = parts.uri.path().to_owned();
    if parts.method == Method::GET && (path == "/calls" || path.starts_with("/calls/")) {
        return calls(&state, &path).await;
    }
    if path.starts_with("/_dev/") {
        if parts.method != Method::GET {
            return to_response(HttpAnswer::error(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "dev endpoints are served with GET only",
            ));
        }
        if let Some(answer) =
            super::dev_endpoints::handle(state.dev.as_deref(), &path, &parts.headers).await
        {
            return to_response(answer);
        }
    }
    let limit = state.webhook.config().max_body_bytes;
    // Read one byte past the cap so the handler answers 413 itself.
    let body = match axum::body::to_bytes(Body::new(body), limit.saturating_add(1)).await {
        Ok(b) => b,
        Err(_) => {
            return to_response(HttpAnswer::error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                &format!("request body exceeds the limit of {limit} bytes"),
            ))
        }
    };
    let incoming = IncomingRequest {
        method: parts.method,
        path,
        raw_query: parts.uri.query().unwrap_or_default().to_owned(),
        headers: parts.headers,
        body,
    };
    to_response(state.webhook.handle(incoming).await)
}

async fn calls(state: &DevState, path: &str) -> Response {
    let now = state.clock.now_secs();
    let result = match path.strip_prefix("/calls/").filter(|id| !id.is_empty()) {
        None => list_calls(state.archive.as_ref(), now, 7, 100)
            .await
            .map(|calls| serde_json::json!({ "calls": calls })),
        Some(id) => match show_call(state.archive.as_ref(), id, now).await {
            Ok(Some(call)) => serde_json::to_value(call)
                .map_err(|e| callwarden::ports::store::StoreError::Corrupt(e.to_string())),
            Ok(None) => {
                return to_response(HttpAnswer::error(
                    StatusCode::NOT_FOUND,
                    "not_found",
                    "no archived call with that id",
                ))
            }
            Err(e) => Err(e),
        },
    };
    match result {
        Ok(v) => to_response(HttpAnswer::json(StatusCode::OK, &v)),
        Err(e) => to_response(HttpAnswer::error(
            StatusCode::SERVICE_UNAVAILABLE,
            "store_unavailable",
            &e.to_string(),
        )),
    }
}
