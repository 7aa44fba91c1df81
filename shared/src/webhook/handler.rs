//! The webhook handler: route → method → size → authenticate → parse → answer and/or
//! queue. Transport-neutral ([`IncomingRequest`] in, [`HttpAnswer`] out), so the Lambda
//! adapter and `callwarden dev` serve exactly the same code.

use std::sync::Arc;
use std::time::Instant;

use async_trait::async_trait;
use bytes::Bytes;
use http::StatusCode;
use serde_json::json;

use crate::auth::SignedRequest;
use crate::clock::Clock;
use crate::delivery::{Delivery, Source};
use crate::ports::{Queue, ToolContext, ToolRegistry};
use crate::vapi::{parse_message, MessageKind, VapiMessage};
use crate::webhook::answers::{fixed_answer, transfer_destination_answer};
use crate::webhook::config::WebhookConfig;
use crate::webhook::request::{HttpAnswer, IncomingRequest};
use crate::webhook::router::{route, Route};
use crate::webhook::tool_runner::{function_call_answer, run_tool_calls, tool_calls_answer};

/// The Twilio endpoints, when configured (implemented by [`crate::twilio`]).
#[async_trait]
pub trait TwilioEndpoints: Send + Sync {
    /// `POST /twilio/voice`: verify, hand the call to Vapi, answer TwiML.
    async fn voice(&self, req: &IncomingRequest) -> HttpAnswer;
    /// `POST /twilio/status`: verify and queue the status callback.
    async fn status(&self, req: &IncomingRequest) -> HttpAnswer;
}

/// The adapters the handler is wired to.
#[derive(Clone)]
pub struct WebhookDeps {
    /// Durable queue to the worker.
    pub queue: Arc<dyn Queue>,
    /// Tools answered synchronously.
    pub tools: Arc<dyn ToolRegistry>,
    /// Time source (replay windows, `received_at`).
    pub clock: Arc<dyn Clock>,
    /// Twilio routes, when `TWILIO_AUTH_TOKEN` is configured.
    pub twilio: Option<Arc<dyn TwilioEndpoints>>,
}

/// The webhook: configuration plus adapters, built once at start.
#[derive(Clone)]
pub struct Webhook {
    config: Arc<WebhookConfig>,
    deps: WebhookDeps,
}

/// What one request did, logged as one JSON line (ids, types, sizes, timings only).
#[derive(Debug, Default)]
struct RequestLog {
    route: &'static str,
    call_id: Option<String>,
    message_type: Option<String>,
    auth_scheme: Option<&'static str>,
    outcome: &'static str,
    tools: usize,
    tools_timed_out: usize,
}

impl Webhook {
    /// Build the handler from validated configuration and adapters.
    pub fn new(config: WebhookConfig, deps: WebhookDeps) -> Self {
        Self {
            config: Arc::new(config),
            deps,
        }
    }

    /// The configuration this handler runs with.
    pub fn config(&self) -> &WebhookConfig {
        &self.config
    }

    /// Handle one request. Never panics on input; every error is a JSON answer.
    pub async fn handle(&self, req: IncomingRequest) -> HttpAnswer {
        let started = Instant::now();
        let mut log = RequestLog::default();
        let answer = self.dispatch(&req, &mut log).await;
        tracing::info!(
            target: "callwarden::request",
            route = log.route,
            method = %req.method,
            status = answer.status.as_u16(),
            outcome = log.outcome,
            call_id = log.call_id.as_deref().unwrap_or(""),
            message_type = log.message_type.as_deref().unwrap_or(""),
            auth_scheme = log.auth_scheme.unwrap_or(""),
            bytes = req.body.len(),
            tools = log.tools,
            tools_timed_out = log.tools_timed_out,
            latency_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
            "request"
        );
        answer
    }

    async fn dispatch(&self, req: &IncomingRequest, log: &mut RequestLog) -> HttpAnswer {
        let Some(route) = route(&req.path) else {
            log.outcome = "rejected";
            return HttpAnswer::error(
                StatusCode::NOT_FOUND,
                "not_found",
                "no such route; POST /webhook/vapi or GET /healthz",
            );
        };
        log.route = route.as_str();
        if req.method != route.method() {
            log.outcome = "rejected";
            return HttpAnswer::error(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                &format!(
                    "{} is served with {} only",
                    req.path_for_errors(),
                    route.method()
                ),
            );
        }
        if route == Route::Health {
            log.outcome = "ok";
            return HttpAnswer::json(StatusCode::OK, &json!({ "status": "ok" }));
        }
        if req.body.len() > self.config.max_body_bytes {
            log.outcome = "rejected";
            return HttpAnswer::error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                &format!(
                    "request body is {} bytes; the limit is {} bytes",
                    req.body.len(),
                    self.config.max_body_bytes
                ),
            );
        }
        match route {
            Route::TwilioVoice | Route::TwilioStatus => {
                let Some(twilio) = &self.deps.twilio else {
                    log.outcome = "rejected";
                    return HttpAnswer::error(StatusCode::NOT_FOUND, "not_configured", "Twilio routes are not configured (set TWILIO_AUTH_TOKEN and PUBLIC_BASE_URL)");
                };
                log.outcome = "twilio";
                if route == Route::TwilioVoice {
                    twilio.voice(req).await
                } else {
                    twilio.status(req).await
                }
            }
            _ => self.vapi(req, log).await,
        }
    }

    /// The URL the sender called, for `{url}` in HMAC payload templates.
    fn public_url(&self, req: &IncomingRequest) -> String {
        let base = match &self.config.public_base_url {
            Some(b) => b.clone(),
            None => format!("https://{}", req.header("host").unwrap_or("localhost")),
        };
        if req.raw_query.is_empty() {
            format!("{base}{}", req.path)
        } else {
            format!("{base}{}?{}", req.path, req.raw_query)
        }
    }

    async fn vapi(&self, req: &IncomingRequest, log: &mut RequestLog) -> HttpAnswer {
        let now_ms = self.deps.clock.now_ms();
        let url = self.public_url(req);
        let signed = SignedRequest {
            method: req.method.as_str(),
            url: &url,
            headers: &req.headers,
            body: &req.body,
        };
        let scheme = match self.config.auth.verify(&signed, now_ms) {
            Ok(s) => s,
            Err(e) => {
                log.outcome = "unauthorized";
                return HttpAnswer::error(StatusCode::UNAUTHORIZED, e.code(), &e.to_string());
            }
        };
        log.auth_scheme = Some(scheme.as_str());
        let message = match parse_message(&req.body) {
            Ok(m) => m,
            Err(e) => {
                log.outcome = "rejected";
                return HttpAnswer::error(StatusCode::BAD_REQUEST, e.code(), &e.to_string());
            }
        };
        log.call_id = message.call_id.clone();
        log.message_type = Some(message.type_name.clone());
        let delivery = Delivery::new(
            req.body.clone(),
            now_ms,
            message.call_id.clone(),
            message.type_name.clone(),
            scheme.as_str(),
            Source::Vapi,
        );
        if !message.kind.needs_answer() {
            return match self.deps.queue.enqueue(&delivery).await {
                Ok(()) => {
                    log.outcome = "queued";
                    HttpAnswer::json(StatusCode::OK, &json!({}))
                }
                Err(e) => {
                    log.outcome = "queue_failed";
                    tracing::error!(target: "callwarden::queue", error = %e, "enqueue failed; answering 503 so the sender retries");
                    HttpAnswer::error(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "queue_unavailable",
                        "the event could not be stored durably; retry later",
                    )
                }
            };
        }
        // Synchronous types: answer and archive concurrently. The answer is what keeps the
        // call alive, so an archive failure is logged loudly but never turns into a 5xx
        // (for assistant-request a 5xx fails the call).
        let (answer, queued) =
            tokio::join!(self.answer(&message, log), self.archive_sync(&delivery));
        if let Err(e) = queued {
            tracing::error!(target: "callwarden::queue", error = %e, "archive enqueue of a synchronous message failed; answered anyway");
            log.outcome = "answered_not_archived";
        } else {
            log.outcome = "answered";
        }
        answer
    }

    /// Queue the archive copy of a synchronous message. Vapi never retries an answered
    /// request, so a failed send is retried here a few times (jittered, about 0.4 s in
    /// all), inside the answer's deadline, before it is given up and logged.
    async fn archive_sync(&self, delivery: &Delivery) -> Result<(), crate::ports::QueueError> {
        const ATTEMPTS: u32 = 4;
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.deps.queue.enqueue(delivery).await {
                Ok(()) => return Ok(()),
                Err(e) if attempt >= ATTEMPTS => return Err(e),
                Err(_) => {
                    let cap = 40u64 << attempt;
                    let pause = rand::random_range(cap / 2..=cap);
                    tokio::time::sleep(std::time::Duration::from_millis(pause)).await;
                }
            }
        }
    }

    async fn answer(&self, message: &VapiMessage, log: &mut RequestLog) -> HttpAnswer {
        match message.kind {
            MessageKind::AssistantRequest => HttpAnswer {
                status: StatusCode::OK,
                content_type: "application/json",
                body: self.config.assistant_answer.clone(),
            },
            MessageKind::ToolCalls | MessageKind::FunctionCall => {
                let ctx = ToolContext {
                    call_id: message.call_id.clone(),
                    customer_number: message.customer_number.clone(),
                    control_url: message.control_url.clone(),
                    deadline_ms: self.deps.clock.now_ms()
                        + i64::try_from(self.config.tool_deadline.as_millis()).unwrap_or(i64::MAX),
                };
                let outcomes = run_tool_calls(
                    self.deps.tools.clone(),
                    &message.tool_calls,
                    &ctx,
                    self.config.tool_deadline,
                )
                .await;
                log.tools = outcomes.len();
                log.tools_timed_out = outcomes.iter().filter(|o| o.timed_out).count();
                let body = if message.kind == MessageKind::FunctionCall {
                    function_call_answer(outcomes.first())
                } else {
                    tool_calls_answer(&message.tool_calls, &outcomes)
                };
                HttpAnswer::json(StatusCode::OK, &body)
            }
            MessageKind::TransferDestinationRequest => HttpAnswer::json(
                StatusCode::OK,
                &transfer_destination_answer(self.config.escalation.as_ref()),
            ),
            MessageKind::VoiceRequest => HttpAnswer {
                // Custom voice is not a callwarden feature: an empty PCM stream.
                status: StatusCode::OK,
                content_type: "application/octet-stream",
                body: Bytes::new(),
            },
            other => HttpAnswer::json(StatusCode::OK, &fixed_answer(other)),
        }
    }
}

impl IncomingRequest {
    /// The path, bounded and stripped of control characters, safe to echo in an error.
    fn path_for_errors(&self) -> String {
        self.path
            .chars()
            .filter(|c| !c.is_control())
            .take(64)
            .collect()
    }
}
