//! Shared-secret scheme: `x-vapi-secret: <secret>` (Vapi's legacy header, or a Bearer
//! credential with `headerName: X-Vapi-Secret`) or `Authorization: Bearer <secret>`.
//!
//! Comparison is constant-time over SHA-256 digests of both sides, so neither the content
//! nor the length of a configured secret leaks through timing.

use http::header::AUTHORIZATION;
use http::{HeaderMap, HeaderName};
use sha2::{Digest, Sha256};
use subtle::{Choice, ConstantTimeEq};

use super::error::AuthError;
use super::secret::Secret;

/// Scheme name reported on success.
pub(crate) const NAME: &str = "shared-secret";

/// A configured shared-secret scheme.
#[derive(Debug, Clone)]
pub(crate) struct SharedSecretScheme {
    /// The configured header (lower case). `authorization` means Bearer only.
    header: HeaderName,
    /// Secrets in rotation order (the first is used to sign).
    secrets: Vec<Secret>,
    /// SHA-256 of each secret, compared against the digest of the presented value.
    digests: Vec<[u8; 32]>,
}

impl SharedSecretScheme {
    /// Build the scheme; `secrets` must not be empty (the config parser guarantees it).
    pub(crate) fn new(header: HeaderName, secrets: Vec<Secret>) -> Self {
        let digests = secrets.iter().map(|s| digest(s.expose())).collect();
        Self {
            header,
            secrets,
            digests,
        }
    }

    /// The configured header name.
    pub(crate) fn header(&self) -> &HeaderName {
        &self.header
    }

    /// Human description of where the credential is expected, for error messages.
    pub(crate) fn expected(&self) -> String {
        if self.header == AUTHORIZATION {
            "Authorization: Bearer".to_string()
        } else {
            format!("{} or Authorization: Bearer", self.header)
        }
    }

    /// Accept when any presented value equals any configured secret.
    ///
    /// Looked at: every value of the configured header (verbatim, or after a `Bearer `
    /// prefix, which a Vapi Bearer credential adds unless `bearerPrefixEnabled: false`),
    /// and every `Authorization: Bearer <token>` value.
    pub(crate) fn verify(&self, headers: &HeaderMap) -> Result<(), AuthError> {
        let mut present = false;
        let mut matched = Choice::from(0);
        if self.header != AUTHORIZATION {
            for value in headers.get_all(&self.header) {
                present = true;
                let raw = value.as_bytes();
                matched |= self.matches(raw);
                if let Some(token) = strip_bearer(raw) {
                    matched |= self.matches(token);
                }
            }
        }
        for value in headers.get_all(AUTHORIZATION) {
            if let Some(token) = strip_bearer(value.as_bytes()) {
                present = true;
                matched |= self.matches(token);
            }
        }
        if bool::from(matched) {
            Ok(())
        } else if present {
            Err(AuthError::SecretMismatch {
                header: self.expected(),
            })
        } else {
            Err(AuthError::MissingCredentials {
                expected: self.expected(),
            })
        }
    }

    /// The header a client sends with the first secret.
    pub(crate) fn sign(&self) -> Vec<(String, String)> {
        let Some(first) = self.secrets.first() else {
            return Vec::new();
        };
        let secret = String::from_utf8_lossy(first.expose()).into_owned();
        if self.header == AUTHORIZATION {
            vec![("authorization".to_string(), format!("Bearer {secret}"))]
        } else {
            vec![(self.header.as_str().to_string(), secret)]
        }
    }

    /// Number of secrets in rotation.
    pub(crate) fn secret_count(&self) -> usize {
        self.secrets.len()
    }

    /// Constant-time membership test: every configured digest is compared.
    fn matches(&self, candidate: &[u8]) -> Choice {
        let presented = digest(candidate);
        self.digests
            .iter()
            .fold(Choice::from(0), |acc, d| acc | presented.ct_eq(d))
    }
}

fn digest(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// The token of a `Bearer <token>` value (scheme case-insensitive, one or more spaces).
fn strip_bearer(value: &[u8]) -> Option<&[u8]> {
    const BEARER: &[u8] = b"bearer ";
    if value.len() < BEARER.len() || !value[..BEARER.len()].eq_ignore_ascii_case(BEARER) {
        return None;
    }
    let token = value[BEARER.len()..].trim_ascii_start();
    (!token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn scheme(header: &str, secrets: &[&str]) -> SharedSecretScheme {
        SharedSecretScheme::new(
            HeaderName::from_bytes(header.as_bytes()).unwrap(),
            secrets
                .iter()
                .map(|s| Secret::new(s.as_bytes().to_vec()))
                .collect(),
        )
    }

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.append(
                HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        map
    }

    #[test]
    fn bearer_prefix_parsing() {
        assert_eq!(strip_bearer(b"Bearer abc"), Some(&b"abc"[..]));
        assert_eq!(strip_bearer(b"bearer   abc"), Some(&b"abc"[..]));
        assert_eq!(strip_bearer(b"Bearer "), None);
        assert_eq!(strip_bearer(b"Basic abc"), None);
        assert_eq!(strip_bearer(b"Bearerabc"), None);
    }

    #[test]
    fn x_vapi_secret_header_and_bearer_both_accepted() {
        let s = scheme("x-vapi-secret", &["s3cret"]);
        assert!(s.verify(&headers(&[("x-vapi-secret", "s3cret")])).is_ok());
        assert!(s
            .verify(&headers(&[("X-Vapi-Secret", "Bearer s3cret")]))
            .is_ok());
        assert!(s
            .verify(&headers(&[("authorization", "Bearer s3cret")]))
            .is_ok());
    }

    #[test]
    fn authorization_mode_ignores_other_headers() {
        let s = scheme("authorization", &["s3cret"]);
        assert!(s
            .verify(&headers(&[("authorization", "Bearer s3cret")]))
            .is_ok());
        assert!(s.verify(&headers(&[("authorization", "s3cret")])).is_err());
        assert_eq!(
            s.verify(&headers(&[("x-vapi-secret", "s3cret")]))
                .unwrap_err()
                .code(),
            "missing_credentials"
        );
    }

    #[test]
    fn wrong_prefix_suffix_empty_and_case_are_rejected() {
        let s = scheme("x-vapi-secret", &["s3cret"]);
        for bad in ["s3cre", "s3cret ", "S3CRET", "s3cretX", "", "Bearer s3cre"] {
            let err = s.verify(&headers(&[("x-vapi-secret", bad)])).unwrap_err();
            assert_eq!(err.code(), "secret_mismatch", "{bad:?}");
            assert!(!err.to_string().contains("s3cret"));
        }
        assert_eq!(
            s.verify(&HeaderMap::new()).unwrap_err().code(),
            "missing_credentials"
        );
    }

    #[test]
    fn rotation_accepts_every_listed_secret() {
        let s = scheme("x-vapi-secret", &["old", "new"]);
        assert!(s.verify(&headers(&[("x-vapi-secret", "old")])).is_ok());
        assert!(s.verify(&headers(&[("x-vapi-secret", "new")])).is_ok());
        assert!(s.verify(&headers(&[("x-vapi-secret", "other")])).is_err());
    }

    #[test]
    fn any_duplicate_value_may_carry_the_secret() {
        let s = scheme("x-vapi-secret", &["s3cret"]);
        let h = headers(&[("x-vapi-secret", "nope"), ("x-vapi-secret", "s3cret")]);
        assert!(s.verify(&h).is_ok());
    }

    #[test]
    fn sign_produces_an_accepted_header() {
        for header in ["x-vapi-secret", "authorization", "x-custom"] {
            let s = scheme(header, &["first", "second"]);
            let signed = s.sign();
            let pairs: Vec<(&str, &str)> = signed
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            assert!(s.verify(&headers(&pairs)).is_ok(), "{header}");
        }
    }
}
