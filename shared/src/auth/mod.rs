//! Authentication of Vapi deliveries: the first thing the webhook does with a request.
//!
//! Several schemes may be configured at once and any of them may accept a request; each
//! takes a comma-separated list of secrets so they can be rotated without downtime:
//!
//! - `shared-secret`: `x-vapi-secret: <secret>` (header configurable) or
//!   `Authorization: Bearer <secret>`, compared in constant time.
//! - `hmac`: Vapi's HMAC credential (`x-signature` = hex HMAC-SHA256 of
//!   `{timestamp}.{body}`, `x-timestamp` inside a replay window), every knob configurable.
//! - `vapi-signature`: the body-only `x-vapi-signature` preset (weaker: no replay
//!   protection).
//!
//! Signatures are always computed over the exact raw body bytes. The module is pure (no
//! I/O, no clock): the caller passes the request and the current time. See `docs/auth.md`.

mod config;
mod error;
mod hmac_scheme;
mod payload;
mod secret;
mod shared_secret;
mod timestamp;

#[cfg(test)]
mod tests;

use std::fmt;

pub use error::{AuthConfigError, AuthError};

use hmac_scheme::{HmacScheme, RequestParts};
use shared_secret::SharedSecretScheme;

/// The request as the authentication schemes see it.
#[derive(Debug, Clone, Copy)]
pub struct SignedRequest<'a> {
    /// HTTP method (used by the `{method}` placeholder), e.g. `POST`.
    pub method: &'a str,
    /// The URL used by the `{url}` placeholder (the caller decides its form; the webhook
    /// passes the public URL the sender called).
    pub url: &'a str,
    /// Request headers.
    pub headers: &'a http::HeaderMap,
    /// Exact raw body bytes (after API Gateway's base64 decoding), never re-serialised.
    pub body: &'a [u8],
}

/// The name of the scheme that accepted a request: `shared-secret`, `hmac`,
/// `vapi-signature`, or `unauthenticated` when none is configured and that was allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AuthScheme(pub &'static str);

impl AuthScheme {
    /// The scheme name, for logs and the queue's `auth_scheme` attribute.
    pub fn as_str(&self) -> &'static str {
        self.0
    }
}

impl fmt::Display for AuthScheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// The configured authentication schemes. Built once at start-up from the environment
/// ([`AuthConfig::from_env`]); cheap to clone; its `Debug` output never contains a secret.
#[derive(Clone)]
pub struct AuthConfig {
    shared: Option<SharedSecretScheme>,
    hmac: Option<HmacScheme>,
    signature: Option<HmacScheme>,
    allow_unauthenticated: bool,
}

impl AuthConfig {
    /// Read the configuration from the process environment (variables in `docs/auth.md`).
    pub fn from_env() -> Result<AuthConfig, AuthConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Read the configuration through `get` (a variable name to its value), so tests and
    /// tools need not touch the process environment.
    pub fn from_lookup(
        get: impl Fn(&str) -> Option<String>,
    ) -> Result<AuthConfig, AuthConfigError> {
        let parsed = config::parse(&get)?;
        Ok(AuthConfig {
            shared: parsed.shared,
            hmac: parsed.hmac,
            signature: parsed.signature,
            allow_unauthenticated: parsed.allow_unauthenticated,
        })
    }

    /// True when no scheme is configured and `CALLWARDEN_ALLOW_UNAUTHENTICATED=true` let
    /// the service start anyway: every request is then accepted, and the caller must log
    /// that loudly at start-up.
    pub fn allows_unauthenticated(&self) -> bool {
        self.allow_unauthenticated && self.is_empty()
    }

    /// Names of the configured schemes, strongest first, for the start-up log
    /// (e.g. `["hmac", "shared-secret"]`; `["unauthenticated"]` when none).
    pub fn scheme_names(&self) -> Vec<&'static str> {
        let mut names = Vec::with_capacity(3);
        if let Some(h) = &self.hmac {
            names.push(h.name);
        }
        if let Some(s) = &self.signature {
            names.push(s.name);
        }
        if self.shared.is_some() {
            names.push(shared_secret::NAME);
        }
        if names.is_empty() && self.allow_unauthenticated {
            names.push("unauthenticated");
        }
        names
    }

    /// Authenticate a request at time `now_ms` (epoch milliseconds). Returns the scheme
    /// that accepted it. When every scheme rejects it, the error of a scheme whose
    /// credential header was present wins over "missing credentials", so the 401 says
    /// what was wrong.
    pub fn verify(&self, req: &SignedRequest<'_>, now_ms: i64) -> Result<AuthScheme, AuthError> {
        if self.allows_unauthenticated() {
            return Ok(AuthScheme("unauthenticated"));
        }
        let parts = RequestParts {
            method: req.method,
            url: req.url,
            headers: req.headers,
            body: req.body,
        };
        let mut missing: Vec<String> = Vec::with_capacity(3);
        let mut specific: Option<AuthError> = None;
        let mut note = |result: Result<(), AuthError>| match result {
            Ok(()) => true,
            Err(AuthError::MissingCredentials { expected }) => {
                missing.push(expected);
                false
            }
            Err(other) => {
                specific.get_or_insert(other);
                false
            }
        };
        if let Some(h) = &self.hmac {
            if note(h.verify(&parts, now_ms)) {
                return Ok(AuthScheme(h.name));
            }
        }
        if let Some(s) = &self.signature {
            if note(s.verify(&parts, now_ms)) {
                return Ok(AuthScheme(s.name));
            }
        }
        if let Some(s) = &self.shared {
            if note(s.verify(req.headers)) {
                return Ok(AuthScheme(shared_secret::NAME));
            }
        }
        Err(specific.unwrap_or(AuthError::MissingCredentials {
            expected: if missing.is_empty() {
                "a configured authentication scheme".to_string()
            } else {
                missing.join(" or ")
            },
        }))
    }

    /// Headers a client must add so that [`AuthConfig::verify`] accepts `req` at `now_ms`:
    /// the first secret of the strongest configured scheme (hmac, then vapi-signature,
    /// then shared-secret). Empty when unauthenticated. Used by `callwarden sign`, the
    /// load test and test fixtures; `req.headers` is ignored.
    pub fn sign(&self, req: &SignedRequest<'_>, now_ms: i64) -> Vec<(String, String)> {
        self.scheme_names()
            .first()
            .and_then(|name| self.sign_with(name, req, now_ms))
            .unwrap_or_default()
    }

    /// Like [`AuthConfig::sign`] but for the named scheme (`hmac`, `vapi-signature`,
    /// `shared-secret`); `None` when that scheme is not configured. Lets tests sign one
    /// request under each configured scheme.
    pub fn sign_with(
        &self,
        scheme: &str,
        req: &SignedRequest<'_>,
        now_ms: i64,
    ) -> Option<Vec<(String, String)>> {
        let parts = RequestParts {
            method: req.method,
            url: req.url,
            headers: req.headers,
            body: req.body,
        };
        match scheme {
            "hmac" => self.hmac.as_ref().map(|h| h.sign(&parts, now_ms)),
            "vapi-signature" => self.signature.as_ref().map(|s| s.sign(&parts, now_ms)),
            "shared-secret" => self.shared.as_ref().map(SharedSecretScheme::sign),
            _ => None,
        }
    }

    fn is_empty(&self) -> bool {
        self.shared.is_none() && self.hmac.is_none() && self.signature.is_none()
    }
}

impl fmt::Debug for AuthConfig {
    /// Scheme parameters and secret counts only, never a secret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("AuthConfig");
        if let Some(s) = &self.shared {
            d.field(
                "shared_secret",
                &format_args!("header={} secrets={}", s.header(), s.secret_count()),
            );
        }
        for h in [&self.hmac, &self.signature].into_iter().flatten() {
            d.field(
                h.name,
                &format_args!(
                    "algorithm={:?} encoding={} signature_header={} timestamp_header={} \
                     signs_timestamp={} prefix={:?} tolerance_secs={} secrets={}",
                    h.algorithm,
                    h.encoding_name(),
                    h.signature_header,
                    h.timestamp_header,
                    h.template.needs_timestamp(),
                    h.prefix,
                    h.tolerance_ms / 1000,
                    h.secrets.len()
                ),
            );
        }
        d.field("allow_unauthenticated", &self.allow_unauthenticated)
            .finish()
    }
}
