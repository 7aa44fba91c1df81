//! Reading the authentication configuration from environment variables.
//!
//! Empty (or whitespace-only) variables count as unset, so deployment templates can
//! declare every variable with an empty default.

use http::HeaderName;

use super::error::AuthConfigError;
use super::hmac_scheme::{Algorithm, Encoding, HmacScheme, BASE64};
use super::payload::PayloadTemplate;
use super::secret::{split_secret_list, Secret};
use super::shared_secret::SharedSecretScheme;
use base64::Engine;

/// Shared secret list.
pub(crate) const VAPI_SECRET: &str = "VAPI_SECRET";
/// Shared secret header.
pub(crate) const VAPI_SECRET_HEADER: &str = "VAPI_SECRET_HEADER";
/// HMAC key list.
pub(crate) const VAPI_HMAC_SECRET: &str = "VAPI_HMAC_SECRET";
/// HMAC hash function.
pub(crate) const VAPI_HMAC_ALGORITHM: &str = "VAPI_HMAC_ALGORITHM";
/// HMAC signature header.
pub(crate) const VAPI_HMAC_SIGNATURE_HEADER: &str = "VAPI_HMAC_SIGNATURE_HEADER";
/// HMAC timestamp header.
pub(crate) const VAPI_HMAC_TIMESTAMP_HEADER: &str = "VAPI_HMAC_TIMESTAMP_HEADER";
/// HMAC payload template.
pub(crate) const VAPI_HMAC_PAYLOAD: &str = "VAPI_HMAC_PAYLOAD";
/// HMAC signature encoding.
pub(crate) const VAPI_HMAC_ENCODING: &str = "VAPI_HMAC_ENCODING";
/// HMAC signature prefix.
pub(crate) const VAPI_HMAC_PREFIX: &str = "VAPI_HMAC_PREFIX";
/// Whether the HMAC keys are base64.
pub(crate) const VAPI_HMAC_SECRET_BASE64: &str = "VAPI_HMAC_SECRET_BASE64";
/// Replay window in seconds.
pub(crate) const VAPI_HMAC_TOLERANCE_SECS: &str = "VAPI_HMAC_TOLERANCE_SECS";
/// Key list of the body-only `x-vapi-signature` preset.
pub(crate) const VAPI_SIGNATURE_SECRET: &str = "VAPI_SIGNATURE_SECRET";
/// Opt-in to run without any scheme.
pub(crate) const CALLWARDEN_ALLOW_UNAUTHENTICATED: &str = "CALLWARDEN_ALLOW_UNAUTHENTICATED";

/// Largest accepted replay window (one day): anything wider is almost certainly a typo
/// (milliseconds given as seconds).
const MAX_TOLERANCE_SECS: i64 = 86_400;

/// The schemes read from the environment.
pub(crate) struct ParsedSchemes {
    pub(crate) shared: Option<SharedSecretScheme>,
    pub(crate) hmac: Option<HmacScheme>,
    pub(crate) signature: Option<HmacScheme>,
    pub(crate) allow_unauthenticated: bool,
}

/// Read every variable through `get`; see `docs/auth.md` for the table.
pub(crate) fn parse(
    get: &dyn Fn(&str) -> Option<String>,
) -> Result<ParsedSchemes, AuthConfigError> {
    let value = |name: &str| get(name).filter(|v| !v.trim().is_empty());
    let allow_unauthenticated = match value(CALLWARDEN_ALLOW_UNAUTHENTICATED) {
        Some(v) => parse_bool(CALLWARDEN_ALLOW_UNAUTHENTICATED, &v)?,
        None => false,
    };
    let shared = match value(VAPI_SECRET) {
        Some(list) => {
            let header = match value(VAPI_SECRET_HEADER) {
                Some(h) => header_name(VAPI_SECRET_HEADER, &h)?,
                None => HeaderName::from_static("x-vapi-secret"),
            };
            let secrets = utf8_secrets(VAPI_SECRET, &list)?;
            Some(SharedSecretScheme::new(header, secrets))
        }
        None => None,
    };
    let hmac = match value(VAPI_HMAC_SECRET) {
        Some(list) => Some(hmac_from_env(&value, &list)?),
        None => None,
    };
    let signature = match value(VAPI_SIGNATURE_SECRET) {
        Some(list) => Some(HmacScheme {
            name: "vapi-signature",
            algorithm: Algorithm::Sha256,
            encoding: Encoding::Hex,
            signature_header: HeaderName::from_static("x-vapi-signature"),
            timestamp_header: HeaderName::from_static("x-timestamp"),
            template: PayloadTemplate::parse("{body}").map_err(|reason| {
                AuthConfigError::Invalid {
                    variable: VAPI_SIGNATURE_SECRET,
                    reason,
                }
            })?,
            prefix: "sha256=".to_string(),
            prefix_optional: true,
            tolerance_ms: 0,
            secrets: utf8_secrets(VAPI_SIGNATURE_SECRET, &list)?,
        }),
        None => None,
    };
    if shared.is_none() && hmac.is_none() && signature.is_none() && !allow_unauthenticated {
        return Err(AuthConfigError::NoScheme);
    }
    Ok(ParsedSchemes {
        shared,
        hmac,
        signature,
        allow_unauthenticated,
    })
}

fn hmac_from_env(
    value: &dyn Fn(&str) -> Option<String>,
    list: &str,
) -> Result<HmacScheme, AuthConfigError> {
    let algorithm = match value(VAPI_HMAC_ALGORITHM) {
        Some(v) => Algorithm::parse(v.trim()).ok_or_else(|| AuthConfigError::Invalid {
            variable: VAPI_HMAC_ALGORITHM,
            reason: "expected sha256, sha512 or sha1".to_string(),
        })?,
        None => Algorithm::Sha256,
    };
    let encoding = match value(VAPI_HMAC_ENCODING) {
        Some(v) => Encoding::parse(v.trim()).ok_or_else(|| AuthConfigError::Invalid {
            variable: VAPI_HMAC_ENCODING,
            reason: "expected hex or base64".to_string(),
        })?,
        None => Encoding::Hex,
    };
    let signature_header = match value(VAPI_HMAC_SIGNATURE_HEADER) {
        Some(h) => header_name(VAPI_HMAC_SIGNATURE_HEADER, &h)?,
        None => HeaderName::from_static("x-signature"),
    };
    let timestamp_header = match value(VAPI_HMAC_TIMESTAMP_HEADER) {
        Some(h) => header_name(VAPI_HMAC_TIMESTAMP_HEADER, &h)?,
        None => HeaderName::from_static("x-timestamp"),
    };
    let template = PayloadTemplate::parse(
        value(VAPI_HMAC_PAYLOAD)
            .as_deref()
            .unwrap_or("{timestamp}.{body}"),
    )
    .map_err(|reason| AuthConfigError::Invalid {
        variable: VAPI_HMAC_PAYLOAD,
        reason,
    })?;
    if template.needs_timestamp() && timestamp_header == signature_header {
        return Err(AuthConfigError::Invalid {
            variable: VAPI_HMAC_TIMESTAMP_HEADER,
            reason: "must differ from VAPI_HMAC_SIGNATURE_HEADER".to_string(),
        });
    }
    // The prefix is taken verbatim (not trimmed), but an all-blank value counts as unset.
    let prefix = value(VAPI_HMAC_PREFIX).unwrap_or_default();
    let secret_base64 = match value(VAPI_HMAC_SECRET_BASE64) {
        Some(v) => parse_bool(VAPI_HMAC_SECRET_BASE64, &v)?,
        None => false,
    };
    let tolerance_secs = match value(VAPI_HMAC_TOLERANCE_SECS) {
        Some(v) => v
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|s| (1..=MAX_TOLERANCE_SECS).contains(s))
            .ok_or_else(|| AuthConfigError::Invalid {
                variable: VAPI_HMAC_TOLERANCE_SECS,
                reason: format!("expected whole seconds between 1 and {MAX_TOLERANCE_SECS}"),
            })?,
        None => 300,
    };
    let entries = split_secret_list(list);
    if entries.is_empty() {
        return Err(AuthConfigError::EmptySecretList {
            variable: VAPI_HMAC_SECRET,
        });
    }
    let secrets = entries
        .into_iter()
        .map(|entry| {
            if secret_base64 {
                BASE64
                    .decode(entry)
                    .ok()
                    .filter(|key| !key.is_empty())
                    .map(Secret::new)
                    .ok_or_else(|| AuthConfigError::Invalid {
                        variable: VAPI_HMAC_SECRET,
                        reason: "an entry is not valid base64, but VAPI_HMAC_SECRET_BASE64=true"
                            .to_string(),
                    })
            } else {
                Ok(Secret::new(entry.as_bytes().to_vec()))
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(HmacScheme {
        name: "hmac",
        algorithm,
        encoding,
        signature_header,
        timestamp_header,
        template,
        prefix,
        prefix_optional: false,
        tolerance_ms: tolerance_secs * 1000,
        secrets,
    })
}

fn utf8_secrets(variable: &'static str, list: &str) -> Result<Vec<Secret>, AuthConfigError> {
    let entries = split_secret_list(list);
    if entries.is_empty() {
        return Err(AuthConfigError::EmptySecretList { variable });
    }
    Ok(entries
        .into_iter()
        .map(|e| Secret::new(e.as_bytes().to_vec()))
        .collect())
}

fn header_name(variable: &'static str, raw: &str) -> Result<HeaderName, AuthConfigError> {
    HeaderName::from_bytes(raw.trim().to_ascii_lowercase().as_bytes()).map_err(|_| {
        AuthConfigError::Invalid {
            variable,
            reason: "not a valid HTTP header name".to_string(),
        }
    })
}

fn parse_bool(variable: &'static str, raw: &str) -> Result<bool, AuthConfigError> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        _ => Err(AuthConfigError::Invalid {
            variable,
            reason: "expected true or false".to_string(),
        }),
    }
}
