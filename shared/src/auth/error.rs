//! Errors of request authentication and of its configuration.
//!
//! Messages name headers, schemes and environment variables, never a secret or a
//! signature value: they may be returned to the caller and logged.

/// Why a request was not authenticated. Every variant maps to HTTP 401; [`AuthError::code`]
/// gives a stable machine-readable code for the JSON error body and the logs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// No configured scheme found its credential header in the request.
    #[error("missing credentials: expected {expected}")]
    MissingCredentials {
        /// The headers a configured scheme looks for (names only).
        expected: String,
    },
    /// The shared-secret header (or `Authorization: Bearer`) was present but did not match
    /// any configured secret.
    #[error("shared-secret: the {header} credential does not match")]
    SecretMismatch {
        /// The header(s) that carried the wrong credential.
        header: String,
    },
    /// The signature header was present but empty.
    #[error("{scheme}: signature header {header} is empty")]
    EmptySignature {
        /// Scheme that rejected the request.
        scheme: &'static str,
        /// Signature header name.
        header: String,
    },
    /// The signature could not be decoded (bad hex/base64, missing prefix, wrong length).
    #[error("{scheme}: signature header {header} is malformed: {reason}")]
    MalformedSignature {
        /// Scheme that rejected the request.
        scheme: &'static str,
        /// Signature header name.
        header: String,
        /// What is wrong with it (never the value itself).
        reason: &'static str,
    },
    /// The signature was well-formed but matches no configured secret.
    #[error("{scheme}: signature does not match")]
    SignatureMismatch {
        /// Scheme that rejected the request.
        scheme: &'static str,
    },
    /// The scheme signs a timestamp but the timestamp header is absent.
    #[error("{scheme}: timestamp header {header} is missing")]
    MissingTimestamp {
        /// Scheme that rejected the request.
        scheme: &'static str,
        /// Timestamp header name.
        header: String,
    },
    /// The timestamp header is not an epoch time in seconds or milliseconds, or is repeated.
    #[error("{scheme}: timestamp header {header} is invalid: {reason}")]
    InvalidTimestamp {
        /// Scheme that rejected the request.
        scheme: &'static str,
        /// Timestamp header name.
        header: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The timestamp is older than the replay window allows.
    #[error("{scheme}: timestamp is {age_secs} s old, outside the {tolerance_secs} s window")]
    TimestampExpired {
        /// Scheme that rejected the request.
        scheme: &'static str,
        /// How old the timestamp is, in whole seconds.
        age_secs: i64,
        /// The configured window.
        tolerance_secs: i64,
    },
    /// The timestamp lies further in the future than the replay window allows.
    #[error("{scheme}: timestamp is {ahead_secs} s in the future, outside the {tolerance_secs} s window")]
    TimestampInFuture {
        /// Scheme that rejected the request.
        scheme: &'static str,
        /// How far ahead of now the timestamp is, in whole seconds.
        ahead_secs: i64,
        /// The configured window.
        tolerance_secs: i64,
    },
}

impl AuthError {
    /// Stable machine-readable code, for the `code` field of the 401 body and for logs.
    pub fn code(&self) -> &'static str {
        match self {
            AuthError::MissingCredentials { .. } => "missing_credentials",
            AuthError::SecretMismatch { .. } => "secret_mismatch",
            AuthError::EmptySignature { .. } => "empty_signature",
            AuthError::MalformedSignature { .. } => "malformed_signature",
            AuthError::SignatureMismatch { .. } => "signature_mismatch",
            AuthError::MissingTimestamp { .. } => "missing_timestamp",
            AuthError::InvalidTimestamp { .. } => "invalid_timestamp",
            AuthError::TimestampExpired { .. } => "timestamp_expired",
            AuthError::TimestampInFuture { .. } => "timestamp_in_future",
        }
    }

    /// The scheme that produced the error (`None` when no scheme found its header).
    pub fn scheme(&self) -> Option<&'static str> {
        match self {
            AuthError::MissingCredentials { .. } => None,
            AuthError::SecretMismatch { .. } => Some("shared-secret"),
            AuthError::EmptySignature { scheme, .. }
            | AuthError::MalformedSignature { scheme, .. }
            | AuthError::SignatureMismatch { scheme }
            | AuthError::MissingTimestamp { scheme, .. }
            | AuthError::InvalidTimestamp { scheme, .. }
            | AuthError::TimestampExpired { scheme, .. }
            | AuthError::TimestampInFuture { scheme, .. } => Some(scheme),
        }
    }
}

/// Why the authentication configuration was refused. Every variant names the environment
/// variable at fault (see [`AuthConfigError::variable`]); values are never echoed, since
/// they may be secrets.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthConfigError {
    /// No scheme is configured and unauthenticated operation was not explicitly allowed.
    #[error(
        "no webhook authentication configured: set VAPI_SECRET (shared secret), \
         VAPI_HMAC_SECRET (HMAC signature) or VAPI_SIGNATURE_SECRET (body-only \
         x-vapi-signature), or set CALLWARDEN_ALLOW_UNAUTHENTICATED=true for local experiments only"
    )]
    NoScheme,
    /// A secret list is set but holds no usable secret (e.g. only commas).
    #[error("{variable} is set but contains no secret (expected a comma-separated list)")]
    EmptySecretList {
        /// The variable at fault.
        variable: &'static str,
    },
    /// A variable has a value outside its allowed set or format.
    #[error("{variable} is invalid: {reason}")]
    Invalid {
        /// The variable at fault.
        variable: &'static str,
        /// What is allowed (never the rejected value, which may be a secret).
        reason: String,
    },
}

impl AuthConfigError {
    /// The environment variable at fault (`CALLWARDEN_ALLOW_UNAUTHENTICATED` for
    /// [`AuthConfigError::NoScheme`]).
    pub fn variable(&self) -> &'static str {
        match self {
            AuthConfigError::NoScheme => "CALLWARDEN_ALLOW_UNAUTHENTICATED",
            AuthConfigError::EmptySecretList { variable } => variable,
            AuthConfigError::Invalid { variable, .. } => variable,
        }
    }
}
