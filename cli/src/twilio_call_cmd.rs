//! `callwarden call +15551234567 [--assistant ID]`: place an outbound call through Vapi's
//! `POST /call` with the configured phone number, and print the call id.

use std::time::Duration;

use callwarden::twilio::vapi_http::DEFAULT_VAPI_API_BASE;
use callwarden::twilio::{place_outbound_call, AssistantRef, HttpVapiApi, OutboundCallError};

use crate::CliResult;

/// Arguments of `callwarden call`. The API key is read from `VAPI_API_KEY` only (never a
/// flag, so it stays out of shell history and process listings).
#[derive(clap::Args)]
pub struct CallArgs {
    /// Number to call, E.164 (e.g. +15551234567).
    pub number: String,
    /// Vapi assistant id.
    #[arg(long, env = "VAPI_ASSISTANT_ID")]
    pub assistant: Option<String>,
    /// Vapi phone number id to call from (the Twilio number imported into Vapi).
    #[arg(long, env = "VAPI_PHONE_NUMBER_ID")]
    pub phone_number_id: Option<String>,
    /// Vapi API base URL.
    #[arg(long, env = "VAPI_API_BASE", default_value = DEFAULT_VAPI_API_BASE)]
    pub api_base: String,
    /// Seconds to wait for Vapi's answer.
    #[arg(long, default_value_t = 15)]
    pub timeout_secs: u64,
}

/// Validate the number, call Vapi, print the call id on stdout.
pub async fn run(args: CallArgs) -> CliResult {
    let number = args.number.trim();
    let api_key = std::env::var("VAPI_API_KEY")
        .ok()
        .map(|k| k.trim().to_string())
        .filter(|k| !k.is_empty())
        .ok_or("VAPI_API_KEY is not set: export your Vapi private API key")?;
    let phone_number_id = args
        .phone_number_id
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .ok_or("no phone number: set VAPI_PHONE_NUMBER_ID or pass --phone-number-id")?;
    let assistant = match args.assistant.map(|a| a.trim().to_string()) {
        Some(id) if !id.is_empty() => AssistantRef::Id(id),
        _ => return Err("no assistant: set VAPI_ASSISTANT_ID or pass --assistant".into()),
    };
    if !(args.api_base.starts_with("https://") || args.api_base.starts_with("http://")) {
        return Err(
            "VAPI_API_BASE must start with https:// (or http:// for a local server)".into(),
        );
    }
    let timeout = Duration::from_secs(args.timeout_secs.clamp(1, 120));
    let api = HttpVapiApi::new(&args.api_base, &api_key, timeout)?;
    match place_outbound_call(&api, &phone_number_id, assistant, number).await {
        Ok(call) => {
            println!("{}", call.id);
            eprintln!(
                "call created; follow it with `callwarden calls show {}`",
                call.id
            );
            Ok(())
        }
        Err(OutboundCallError::InvalidNumber) => {
            Err("the number must be E.164: + then 8 to 15 digits, e.g. +15551234567".into())
        }
        Err(OutboundCallError::Vapi(e)) => Err(e.into()),
    }
}
