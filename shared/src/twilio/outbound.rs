//! Outbound calls (`callwarden call`): validate the number, ask Vapi to place the call.

use crate::twilio::vapi_api::{AssistantRef, CreateCall, CreatedCall, VapiApi, VapiApiError};
use crate::webhook::answers::is_e164;

/// Why an outbound call was not placed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutboundCallError {
    /// The number is not E.164 (`+` then 8 to 15 digits, no leading zero).
    #[error("the number must be E.164, e.g. +15551234567")]
    InvalidNumber,
    /// Vapi refused or failed.
    #[error(transparent)]
    Vapi(#[from] VapiApiError),
}

/// Ask Vapi to call `number` from `phone_number_id` with `assistant`; returns Vapi's call.
pub async fn place_outbound_call(
    api: &dyn VapiApi,
    phone_number_id: &str,
    assistant: AssistantRef,
    number: &str,
) -> Result<CreatedCall, OutboundCallError> {
    if !is_e164(number) {
        return Err(OutboundCallError::InvalidNumber);
    }
    let call = CreateCall {
        phone_number_id: phone_number_id.to_string(),
        assistant,
        customer_number: Some(number.to_string()),
        provider_bypass: false,
    };
    Ok(api.create_call(&call).await?)
}
