//! The Twilio endpoints: `POST /twilio/voice` hands a verified inbound call to Vapi and
//! answers Twilio with Vapi's TwiML (or a fallback); `POST /twilio/status` queues a
//! verified status callback for the worker. Both refuse unsigned requests with 403.

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use http::StatusCode;

use crate::clock::Clock;
use crate::delivery::{Delivery, Source};
use crate::ports::Queue;
use crate::twilio::config::{TwilioConfig, TwilioConfigError};
use crate::twilio::twiml::{empty_twiml, fallback_twiml, is_twiml_response};
use crate::twilio::vapi_api::{CreateCall, VapiApi, VapiApiError};
use crate::twilio::vapi_http::HttpVapiApi;
use crate::twilio::verify::{verify_twilio_request, TwilioAuthError};
use crate::webhook::answers::is_e164;
use crate::webhook::handler::TwilioEndpoints;
use crate::webhook::request::{HttpAnswer, IncomingRequest};

/// Name recorded as the delivery's `auth_scheme` for Twilio callbacks.
pub const TWILIO_AUTH_SCHEME: &str = "twilio-signature";
/// Message type of a queued status callback.
pub const TWILIO_STATUS_TYPE: &str = "twilio.status";

/// What the Twilio handlers run against.
#[derive(Clone)]
pub struct TwilioDeps {
    /// Validated configuration.
    pub config: Arc<TwilioConfig>,
    /// Vapi's REST API.
    pub vapi: Arc<dyn VapiApi>,
    /// The queue status callbacks go to.
    pub queue: Arc<dyn Queue>,
    /// Time source for `received_at`.
    pub clock: Arc<dyn Clock>,
}

/// Why the Twilio routes could not be set up at start.
#[derive(Debug, thiserror::Error)]
pub enum TwilioSetupError {
    /// A variable is missing or invalid.
    #[error(transparent)]
    Config(#[from] TwilioConfigError),
    /// The HTTP client for Vapi could not be built.
    #[error("Vapi API client: {0}")]
    Client(#[from] VapiApiError),
}

impl TwilioDeps {
    /// Dependencies with the reqwest Vapi client (its timeout is the voice deadline).
    pub fn with_http_vapi(
        config: TwilioConfig,
        queue: Arc<dyn Queue>,
        clock: Arc<dyn Clock>,
    ) -> Result<TwilioDeps, VapiApiError> {
        let vapi = HttpVapiApi::new(
            &config.vapi_api_base,
            &config.vapi_api_key,
            config.vapi_deadline,
        )?;
        Ok(TwilioDeps {
            config: Arc::new(config),
            vapi: Arc::new(vapi),
            queue,
            clock,
        })
    }
}

/// The endpoints from the environment, ready for [`crate::webhook::WebhookDeps::twilio`]:
/// `Ok(None)` when `TWILIO_AUTH_TOKEN` is unset. Without `VAPI_ASSISTANT_ID`, inbound calls
/// use the assistant of `assistant_answer` (the webhook's `assistant-request` answer).
pub fn twilio_endpoints_from_lookup(
    get: impl Fn(&str) -> Option<String>,
    assistant_answer: &[u8],
    queue: Arc<dyn Queue>,
    clock: Arc<dyn Clock>,
) -> Result<Option<Arc<dyn TwilioEndpoints>>, TwilioSetupError> {
    let Some(config) = TwilioConfig::from_lookup(get)? else {
        return Ok(None);
    };
    let config = config.with_default_assistant(assistant_answer);
    let deps = TwilioDeps::with_http_vapi(config, queue, clock)?;
    Ok(Some(Arc::new(TwilioService::new(deps))))
}

/// [`TwilioEndpoints`] implemented by [`handle_voice`] and [`handle_status`].
#[derive(Clone)]
pub struct TwilioService {
    deps: TwilioDeps,
}

impl TwilioService {
    /// Wrap the dependencies.
    pub fn new(deps: TwilioDeps) -> Self {
        Self { deps }
    }
}

#[async_trait]
impl TwilioEndpoints for TwilioService {
    async fn voice(&self, req: &IncomingRequest) -> HttpAnswer {
        handle_voice(&self.deps, req).await
    }

    async fn status(&self, req: &IncomingRequest) -> HttpAnswer {
        handle_status(&self.deps, req).await
    }
}

/// `POST /twilio/voice`: verify the signature, create the Vapi call with provider bypass
/// under the configured deadline, answer Vapi's TwiML; on any Vapi failure answer the
/// fallback TwiML (apology, then dial the human escalation target or hang up).
pub async fn handle_voice(deps: &TwilioDeps, req: &IncomingRequest) -> HttpAnswer {
    let config = &deps.config;
    let verified = match verify_twilio_request(&config.auth_tokens, &config.public_base_url, req) {
        Ok(v) => v,
        Err(e) => return forbidden("voice", &e),
    };
    let call_sid = verified.param("CallSid").filter(|s| is_safe_id(s));
    // The caller's number is PII: it goes to Vapi and nowhere else.
    let caller = verified
        .param("From")
        .or_else(|| verified.param("Caller"))
        .filter(|n| is_e164(n));
    let call = CreateCall {
        phone_number_id: config.phone_number_id.clone(),
        assistant: config.assistant.clone(),
        customer_number: caller.map(str::to_string),
        provider_bypass: true,
    };
    let started = Instant::now();
    let result =
        match tokio::time::timeout(config.vapi_deadline, deps.vapi.create_call(&call)).await {
            Ok(result) => result,
            Err(_) => Err(VapiApiError::Timeout(millis(config.vapi_deadline))),
        };
    let latency_ms = millis(started.elapsed());
    match result {
        Ok(created) => match created.twiml {
            Some(twiml) if is_twiml_response(&twiml) => {
                tracing::info!(
                    target: "callwarden::twilio",
                    call_sid = call_sid.unwrap_or(""),
                    vapi_call_id = %created.id,
                    caller_known = caller.is_some(),
                    latency_ms,
                    outcome = "handed_to_vapi",
                    "inbound call handed to Vapi"
                );
                HttpAnswer::xml(twiml)
            }
            _ => {
                tracing::warn!(
                    target: "callwarden::twilio",
                    call_sid = call_sid.unwrap_or(""),
                    vapi_call_id = %created.id,
                    latency_ms,
                    outcome = "fallback",
                    error = "vapi_invalid_twiml",
                    "Vapi answered without usable TwiML; answering the fallback"
                );
                fallback(config)
            }
        },
        Err(e) => {
            // Only the code and status: Vapi's message may echo request data.
            tracing::warn!(
                target: "callwarden::twilio",
                call_sid = call_sid.unwrap_or(""),
                latency_ms,
                outcome = "fallback",
                error = e.code(),
                status = status_of(&e),
                "Vapi call creation failed; answering the fallback"
            );
            fallback(config)
        }
    }
}

/// `POST /twilio/status`: verify the signature and queue the callback (raw form body) as
/// a `twilio.status` delivery keyed by its CallSid; 503 when the queue fails, so nothing
/// acknowledged is lost.
pub async fn handle_status(deps: &TwilioDeps, req: &IncomingRequest) -> HttpAnswer {
    let config = &deps.config;
    let verified = match verify_twilio_request(&config.auth_tokens, &config.public_base_url, req) {
        Ok(v) => v,
        Err(e) => return forbidden("status", &e),
    };
    let call_sid = verified
        .param("CallSid")
        .filter(|s| is_safe_id(s))
        .map(str::to_string);
    let delivery = Delivery::new(
        req.body.clone(),
        deps.clock.now_ms(),
        call_sid.clone(),
        TWILIO_STATUS_TYPE,
        TWILIO_AUTH_SCHEME,
        Source::Twilio,
    );
    match deps.queue.enqueue(&delivery).await {
        Ok(()) => {
            tracing::info!(
                target: "callwarden::twilio",
                call_sid = call_sid.as_deref().unwrap_or(""),
                bytes = req.body.len(),
                outcome = "queued",
                "Twilio status callback queued"
            );
            HttpAnswer::xml(empty_twiml())
        }
        Err(e) => {
            tracing::error!(
                target: "callwarden::twilio",
                call_sid = call_sid.as_deref().unwrap_or(""),
                error = %e,
                outcome = "queue_failed",
                "Twilio status callback could not be queued; answering 503"
            );
            HttpAnswer::error(
                StatusCode::SERVICE_UNAVAILABLE,
                "queue_unavailable",
                "the callback could not be stored durably; retry later",
            )
        }
    }
}

fn forbidden(route: &'static str, e: &TwilioAuthError) -> HttpAnswer {
    tracing::warn!(
        target: "callwarden::twilio",
        route,
        error = e.code(),
        outcome = "forbidden",
        "Twilio request refused"
    );
    HttpAnswer::error(StatusCode::FORBIDDEN, e.code(), &e.to_string())
}

fn fallback(config: &TwilioConfig) -> HttpAnswer {
    HttpAnswer::xml(fallback_twiml(
        &config.fallback_message,
        config.escalation.as_ref(),
    ))
}

/// Twilio SIDs are two letters and 32 hex digits; accept any short `[A-Za-z0-9_-]` id.
fn is_safe_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

fn status_of(e: &VapiApiError) -> u16 {
    match e {
        VapiApiError::Unauthorized { status }
        | VapiApiError::Rejected { status, .. }
        | VapiApiError::Server { status } => *status,
        _ => 0,
    }
}
