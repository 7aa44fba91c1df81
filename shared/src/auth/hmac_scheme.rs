//! HMAC signature schemes: Vapi's HMAC credential (`x-signature` over
//! `{timestamp}.{body}`, replay window) and the body-only `x-vapi-signature` preset.
//!
//! The MAC is fed template piece by piece over the exact raw body and checked with
//! `hmac`'s constant-time `verify_slice`.

use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;
use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use http::{HeaderMap, HeaderName};
use sha1::Sha1;
use sha2::{Sha256, Sha512};

use super::error::AuthError;
use super::payload::{PayloadParts, PayloadTemplate};
use super::secret::Secret;
use super::timestamp::{check_window, parse_epoch_ms, WindowCheck};

/// Standard base64 alphabet, padding optional on input, emitted on output.
pub(crate) const BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// At most this many values of a repeated signature header are tried (bounds the work a
/// request with many duplicate headers can cause).
const MAX_SIGNATURE_VALUES: usize = 4;

/// Hash function of the HMAC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Algorithm {
    /// HMAC-SHA1 (20-byte tag; accepted because Vapi offers it).
    Sha1,
    /// HMAC-SHA256 (32-byte tag; the default).
    Sha256,
    /// HMAC-SHA512 (64-byte tag).
    Sha512,
}

impl Algorithm {
    /// Parse `sha1`, `sha256` or `sha512` (case-insensitive).
    pub(crate) fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "sha1" => Some(Self::Sha1),
            "sha256" => Some(Self::Sha256),
            "sha512" => Some(Self::Sha512),
            _ => None,
        }
    }

    /// Tag length in bytes.
    fn tag_len(self) -> usize {
        match self {
            Self::Sha1 => 20,
            Self::Sha256 => 32,
            Self::Sha512 => 64,
        }
    }
}

/// Text encoding of the signature header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoding {
    /// Hex; decoding accepts either case, signing emits lower case.
    Hex,
    /// Standard base64 (padding optional on input).
    Base64,
}

impl Encoding {
    /// Parse `hex` or `base64` (case-insensitive).
    pub(crate) fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "hex" => Some(Self::Hex),
            "base64" => Some(Self::Base64),
            _ => None,
        }
    }

    fn encode(self, tag: &[u8]) -> String {
        match self {
            Self::Hex => hex::encode(tag),
            Self::Base64 => BASE64.encode(tag),
        }
    }

    fn decode(self, text: &[u8]) -> Option<Vec<u8>> {
        match self {
            Self::Hex => hex::decode(text).ok(),
            Self::Base64 => BASE64.decode(text).ok(),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Hex => "hex",
            Self::Base64 => "base64",
        }
    }
}

/// Everything that defines one HMAC scheme.
#[derive(Debug, Clone)]
pub(crate) struct HmacScheme {
    /// Name reported on success (`hmac` or `vapi-signature`).
    pub(crate) name: &'static str,
    /// Hash function.
    pub(crate) algorithm: Algorithm,
    /// Signature text encoding.
    pub(crate) encoding: Encoding,
    /// Header carrying the signature (lower case).
    pub(crate) signature_header: HeaderName,
    /// Header carrying the timestamp (only read when the template has `{timestamp}`).
    pub(crate) timestamp_header: HeaderName,
    /// What is signed.
    pub(crate) template: PayloadTemplate,
    /// Prefix before the encoded tag, e.g. `sha256=` (matched case-insensitively).
    pub(crate) prefix: String,
    /// When true, a signature without the prefix is accepted too.
    pub(crate) prefix_optional: bool,
    /// Replay window, milliseconds either side of now.
    pub(crate) tolerance_ms: i64,
    /// Keys in rotation order (the first is used to sign).
    pub(crate) secrets: Vec<Secret>,
}

/// The request fields an HMAC scheme reads.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RequestParts<'a> {
    /// HTTP method.
    pub(crate) method: &'a str,
    /// URL as the caller reconstructs it (for `{url}`).
    pub(crate) url: &'a str,
    /// Request headers.
    pub(crate) headers: &'a HeaderMap,
    /// Exact raw body.
    pub(crate) body: &'a [u8],
}

impl HmacScheme {
    /// Header names this scheme reads, for error messages.
    pub(crate) fn expected(&self) -> String {
        if self.template.needs_timestamp() {
            format!("{} + {}", self.signature_header, self.timestamp_header)
        } else {
            self.signature_header.to_string()
        }
    }

    /// Verify the request: signature present and well-formed, timestamp (if signed) inside
    /// the window, and the tag equal to the HMAC under one of the secrets.
    pub(crate) fn verify(&self, req: &RequestParts<'_>, now_ms: i64) -> Result<(), AuthError> {
        let mut values = req
            .headers
            .get_all(&self.signature_header)
            .iter()
            .peekable();
        if values.peek().is_none() {
            return Err(AuthError::MissingCredentials {
                expected: self.expected(),
            });
        }
        let timestamp = self.checked_timestamp(req.headers, now_ms)?;
        let parts = PayloadParts {
            timestamp,
            body: req.body,
            method: req.method,
            url: req.url,
        };
        let mut first_error = None;
        for value in values.take(MAX_SIGNATURE_VALUES) {
            match self.decode_signature(value.as_bytes()) {
                Ok(tag) => {
                    if self
                        .secrets
                        .iter()
                        .any(|s| self.tag_matches(s, &parts, &tag))
                    {
                        return Ok(());
                    }
                    first_error.get_or_insert(AuthError::SignatureMismatch { scheme: self.name });
                }
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        Err(first_error.unwrap_or(AuthError::SignatureMismatch { scheme: self.name }))
    }

    /// Headers a client sends: the timestamp (epoch seconds, when signed) and the signature
    /// under the first secret.
    pub(crate) fn sign(&self, req: &RequestParts<'_>, now_ms: i64) -> Vec<(String, String)> {
        let Some(secret) = self.secrets.first() else {
            return Vec::new();
        };
        let mut headers = Vec::with_capacity(2);
        let timestamp = now_ms.div_euclid(1000).to_string();
        let needs_timestamp = self.template.needs_timestamp();
        if needs_timestamp {
            headers.push((self.timestamp_header.to_string(), timestamp.clone()));
        }
        let parts = PayloadParts {
            timestamp: if needs_timestamp {
                timestamp.as_bytes()
            } else {
                b""
            },
            body: req.body,
            method: req.method,
            url: req.url,
        };
        let tag = self.compute_tag(secret, &parts);
        headers.push((
            self.signature_header.to_string(),
            format!("{}{}", self.prefix, self.encoding.encode(&tag)),
        ));
        headers
    }

    /// The timestamp bytes to sign, after checking presence, format and window. Empty when
    /// the template does not sign a timestamp.
    fn checked_timestamp<'h>(
        &self,
        headers: &'h HeaderMap,
        now_ms: i64,
    ) -> Result<&'h [u8], AuthError> {
        if !self.template.needs_timestamp() {
            return Ok(b"");
        }
        let mut values = headers.get_all(&self.timestamp_header).iter();
        let Some(value) = values.next() else {
            return Err(AuthError::MissingTimestamp {
                scheme: self.name,
                header: self.timestamp_header.to_string(),
            });
        };
        let invalid = |reason| AuthError::InvalidTimestamp {
            scheme: self.name,
            header: self.timestamp_header.to_string(),
            reason,
        };
        if values.next().is_some() {
            return Err(invalid("the header is repeated"));
        }
        let raw = value.as_bytes();
        let ts_ms = parse_epoch_ms(raw)
            .ok_or_else(|| invalid("expected epoch seconds or milliseconds (digits only)"))?;
        let tolerance_secs = self.tolerance_ms / 1000;
        match check_window(ts_ms, now_ms, self.tolerance_ms) {
            WindowCheck::Inside => Ok(raw),
            WindowCheck::TooOld(age_secs) => Err(AuthError::TimestampExpired {
                scheme: self.name,
                age_secs,
                tolerance_secs,
            }),
            WindowCheck::TooNew(ahead_secs) => Err(AuthError::TimestampInFuture {
                scheme: self.name,
                ahead_secs,
                tolerance_secs,
            }),
        }
    }

    /// Strip whitespace and the prefix, decode, and check the tag length.
    fn decode_signature(&self, raw: &[u8]) -> Result<Vec<u8>, AuthError> {
        let malformed = |reason| AuthError::MalformedSignature {
            scheme: self.name,
            header: self.signature_header.to_string(),
            reason,
        };
        let mut text = raw.trim_ascii();
        if text.is_empty() {
            return Err(AuthError::EmptySignature {
                scheme: self.name,
                header: self.signature_header.to_string(),
            });
        }
        let prefix = self.prefix.as_bytes();
        if !prefix.is_empty() {
            if text.len() >= prefix.len() && text[..prefix.len()].eq_ignore_ascii_case(prefix) {
                text = &text[prefix.len()..];
            } else if !self.prefix_optional {
                return Err(malformed("the configured prefix is missing"));
            }
        }
        if text.is_empty() {
            return Err(AuthError::EmptySignature {
                scheme: self.name,
                header: self.signature_header.to_string(),
            });
        }
        let tag = self.encoding.decode(text).ok_or_else(|| {
            malformed(match self.encoding {
                Encoding::Hex => "not valid hex",
                Encoding::Base64 => "not valid base64",
            })
        })?;
        if tag.len() != self.algorithm.tag_len() {
            return Err(malformed("wrong length for the configured algorithm"));
        }
        Ok(tag)
    }

    fn tag_matches(&self, secret: &Secret, parts: &PayloadParts<'_>, tag: &[u8]) -> bool {
        let key = secret.expose();
        match self.algorithm {
            Algorithm::Sha1 => verify_tag::<Hmac<Sha1>>(key, &self.template, parts, tag),
            Algorithm::Sha256 => verify_tag::<Hmac<Sha256>>(key, &self.template, parts, tag),
            Algorithm::Sha512 => verify_tag::<Hmac<Sha512>>(key, &self.template, parts, tag),
        }
    }

    fn compute_tag(&self, secret: &Secret, parts: &PayloadParts<'_>) -> Vec<u8> {
        let key = secret.expose();
        match self.algorithm {
            Algorithm::Sha1 => compute::<Hmac<Sha1>>(key, &self.template, parts),
            Algorithm::Sha256 => compute::<Hmac<Sha256>>(key, &self.template, parts),
            Algorithm::Sha512 => compute::<Hmac<Sha512>>(key, &self.template, parts),
        }
    }

    /// Short description of the encoding, for the configuration dump.
    pub(crate) fn encoding_name(&self) -> &'static str {
        self.encoding.name()
    }
}

/// Key a MAC and feed it the payload. HMAC accepts keys of any length, so keying cannot
/// fail; `None` is returned defensively instead of panicking.
fn keyed<M: Mac + KeyInit>(
    key: &[u8],
    template: &PayloadTemplate,
    parts: &PayloadParts<'_>,
) -> Option<M> {
    let mut mac = <M as Mac>::new_from_slice(key).ok()?;
    template.feed(parts, |bytes| mac.update(bytes));
    Some(mac)
}

fn verify_tag<M: Mac + KeyInit>(
    key: &[u8],
    template: &PayloadTemplate,
    parts: &PayloadParts<'_>,
    tag: &[u8],
) -> bool {
    keyed::<M>(key, template, parts).is_some_and(|mac| mac.verify_slice(tag).is_ok())
}

fn compute<M: Mac + KeyInit>(
    key: &[u8],
    template: &PayloadTemplate,
    parts: &PayloadParts<'_>,
) -> Vec<u8> {
    keyed::<M>(key, template, parts)
        .map(|mac| mac.finalize().into_bytes().to_vec())
        .unwrap_or_default()
}
