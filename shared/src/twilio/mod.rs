//! Twilio: verified inbound calls handed to Vapi, status callbacks queued for the archive,
//! outbound calls through Vapi's API. See `docs/twilio.md`.
//!
//! - [`signature`]: Twilio's `X-Twilio-Signature` (HMAC over URL + sorted parameters).
//! - [`verify`]: a whole request: public URL reconstruction, form or `bodySHA256` bodies.
//! - [`handlers`]: `POST /twilio/voice` and `POST /twilio/status`.
//! - [`vapi_api`] / [`vapi_http`]: the Vapi `POST /call` port and its reqwest adapter.
//! - [`twiml`]: TwiML written with an XML writer, and checked before it is returned.

pub mod config;
pub mod handlers;
pub mod outbound;
pub mod signature;
pub mod twiml;
pub mod vapi_api;
pub mod vapi_http;
pub mod verify;

pub use config::{TwilioConfig, TwilioConfigError};
pub use handlers::{
    handle_status, handle_voice, twilio_endpoints_from_lookup, TwilioDeps, TwilioService,
    TwilioSetupError,
};
pub use outbound::{place_outbound_call, OutboundCallError};
pub use signature::{
    compute_twilio_signature, verify_body_sha256, verify_twilio_signature,
    verify_twilio_signature_with, TwilioAlgorithm,
};
pub use twiml::DialTarget;
pub use vapi_api::{AssistantRef, CreateCall, CreatedCall, VapiApi, VapiApiError};
pub use vapi_http::HttpVapiApi;
pub use verify::{public_url, verify_twilio_request, TwilioAuthError, VerifiedTwilioRequest};
