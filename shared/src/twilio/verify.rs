//! Verifying a whole Twilio request: rebuild the public URL Twilio called, pick the
//! signed parameters (form body, or `bodySHA256` for JSON), check the signature.

use crate::twilio::signature::{
    body_sha256_param, verify_body_sha256, verify_twilio_signature_with, TwilioAlgorithm,
};
use crate::webhook::request::IncomingRequest;

/// Header carrying Twilio's signature.
pub const SIGNATURE_HEADER: &str = "x-twilio-signature";
/// Header naming the signature algorithm (SharedKey webhooks).
pub const SIGNATURE_SETTINGS_HEADER: &str = "x-twilio-webhooks-signature-settings";

/// Why a Twilio request was refused (HTTP 403). Messages never contain the signature,
/// tokens or parameters.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TwilioAuthError {
    /// No `X-Twilio-Signature` header.
    #[error("missing X-Twilio-Signature header")]
    MissingSignature,
    /// The signature matches no configured auth token for this URL and parameters.
    #[error("X-Twilio-Signature does not match this request (check TWILIO_AUTH_TOKEN and PUBLIC_BASE_URL)")]
    InvalidSignature,
    /// The JSON body does not match the signed `bodySHA256` query parameter.
    #[error("the body does not match the signed bodySHA256 parameter")]
    BodyHashMismatch,
    /// `X-Twilio-Webhooks-Signature-Settings` names an algorithm this build does not know.
    #[error("unsupported signature algorithm in X-Twilio-Webhooks-Signature-Settings")]
    UnsupportedAlgorithm,
}

impl TwilioAuthError {
    /// Stable machine-readable code for the JSON error body and logs.
    pub fn code(&self) -> &'static str {
        match self {
            Self::MissingSignature => "missing_signature",
            Self::InvalidSignature => "invalid_signature",
            Self::BodyHashMismatch => "body_hash_mismatch",
            Self::UnsupportedAlgorithm => "unsupported_signature_algorithm",
        }
    }
}

/// A request whose signature checked out, with its decoded form parameters (empty for a
/// JSON body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedTwilioRequest {
    /// Form parameters in received order.
    pub params: Vec<(String, String)>,
}

impl VerifiedTwilioRequest {
    /// The first value of parameter `name`.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The URL Twilio called: `public_base_url` (scheme, host and any stage or base path
/// Twilio's URL has, no trailing slash) + the request path from `/twilio/` on + `?` + the
/// raw query. Whatever the gateway put before `/twilio/` (a stage, a base path) is
/// dropped, because the public base URL already says what Twilio used.
pub fn public_url(public_base_url: &str, path: &str, raw_query: &str) -> String {
    let base = public_base_url.trim_end_matches('/');
    let route = path.rfind("/twilio/").map_or(path, |i| &path[i..]);
    if raw_query.is_empty() {
        format!("{base}{route}")
    } else {
        format!("{base}{route}?{raw_query}")
    }
}

/// Verify `req` against `auth_tokens`, for the public URL rebuilt from `public_base_url`.
pub fn verify_twilio_request(
    auth_tokens: &[String],
    public_base_url: &str,
    req: &IncomingRequest,
) -> Result<VerifiedTwilioRequest, TwilioAuthError> {
    let signature = req
        .header(SIGNATURE_HEADER)
        .ok_or(TwilioAuthError::MissingSignature)?;
    let algorithm = TwilioAlgorithm::from_settings_header(req.header(SIGNATURE_SETTINGS_HEADER))
        .ok_or(TwilioAuthError::UnsupportedAlgorithm)?;
    let url = public_url(public_base_url, &req.path, &req.raw_query);
    let json_body = body_sha256_param(&req.raw_query).is_some();
    let params: Vec<(String, String)> = if json_body {
        Vec::new()
    } else {
        form_urlencoded::parse(&req.body)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    };
    if !verify_twilio_signature_with(algorithm, auth_tokens, &url, &params, signature) {
        return Err(TwilioAuthError::InvalidSignature);
    }
    // Checked after the signature, so an unsigned request learns nothing about the body.
    if json_body && !verify_body_sha256(&req.raw_query, &req.body) {
        return Err(TwilioAuthError::BodyHashMismatch);
    }
    Ok(VerifiedTwilioRequest { params })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_url_drops_the_stage_and_keeps_the_query() {
        let base = "https://abc.execute-api.us-east-1.amazonaws.com/prod";
        assert_eq!(
            public_url(base, "/prod/twilio/voice", ""),
            "https://abc.execute-api.us-east-1.amazonaws.com/prod/twilio/voice"
        );
        assert_eq!(
            public_url(base, "/twilio/voice", "a=1&b=%20"),
            "https://abc.execute-api.us-east-1.amazonaws.com/prod/twilio/voice?a=1&b=%20"
        );
        assert_eq!(
            public_url("https://voice.example.com/", "/twilio/status/", ""),
            "https://voice.example.com/twilio/status/"
        );
        assert_eq!(
            public_url("https://x.test", "/other", ""),
            "https://x.test/other"
        );
    }
}
