//! Twilio's request signature (`X-Twilio-Signature`): base64 HMAC, keyed by the auth
//! token, over the full URL Twilio called followed by the POST parameters sorted by name,
//! each appended as name + value. JSON bodies are covered by a `bodySHA256` query
//! parameter instead (the URL, which carries it, is signed with no parameters).
//!
//! Like Twilio's own helper libraries, the URL is accepted with and without its port
//! (Twilio's signing side is inconsistent about default ports). Tags are checked with
//! `hmac`'s constant-time `verify_slice`; several tokens may be configured for rotation.

use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;
use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Standard base64, padding optional when decoding the header.
const BASE64_LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The HMAC hash Twilio used, named by the `X-Twilio-Webhooks-Signature-Settings` header
/// (absent: the classic auth-token signature, HMAC-SHA1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TwilioAlgorithm {
    /// HMAC-SHA1, the auth-token signature every Twilio account sends.
    Sha1,
    /// HMAC-SHA256, sent with a webhook SharedKey.
    Sha256,
}

impl TwilioAlgorithm {
    /// Read the `X-Twilio-Webhooks-Signature-Settings` header
    /// (`key=...,algorithm=HMAC_SHA256`). `None` header or no `algorithm=` means SHA-1;
    /// an algorithm this code does not know gives `None` (the request is refused).
    pub fn from_settings_header(header: Option<&str>) -> Option<Self> {
        let Some(header) = header else {
            return Some(Self::Sha1);
        };
        let named = header.split(',').find_map(|part| {
            let (name, value) = part.split_once('=')?;
            (name.trim() == "algorithm" && !value.trim().is_empty()).then(|| value.trim())
        });
        match named.map(str::to_ascii_uppercase).as_deref() {
            None | Some("HMAC_SHA1") => Some(Self::Sha1),
            Some("HMAC_SHA256") => Some(Self::Sha256),
            Some(_) => None,
        }
    }

    fn tag_len(self) -> usize {
        match self {
            Self::Sha1 => 20,
            Self::Sha256 => 32,
        }
    }
}

/// Check an `X-Twilio-Signature` (HMAC-SHA1) against every token in `auth_tokens`, for the
/// URL with and without its port, over `params` (form parameters as received; empty for
/// JSON bodies, whose `bodySHA256` is checked by [`verify_body_sha256`]).
pub fn verify_twilio_signature(
    auth_tokens: &[String],
    url: &str,
    params: &[(String, String)],
    header: &str,
) -> bool {
    verify_twilio_signature_with(TwilioAlgorithm::Sha1, auth_tokens, url, params, header)
}

/// [`verify_twilio_signature`] for a given algorithm (see
/// [`TwilioAlgorithm::from_settings_header`]).
///
/// Parameter order: names sorted byte-wise (stable, so repeated names keep the order they
/// were received in). When a name repeats, the order Twilio's helper libraries use (that
/// name's distinct values sorted) is accepted too.
pub fn verify_twilio_signature_with(
    algorithm: TwilioAlgorithm,
    auth_tokens: &[String],
    url: &str,
    params: &[(String, String)],
    header: &str,
) -> bool {
    let Ok(tag) = BASE64_LENIENT.decode(header.trim().as_bytes()) else {
        return false;
    };
    if tag.len() != algorithm.tag_len() {
        return false;
    }
    let urls = url_variants(url);
    let orders = parameter_orders(params);
    let mut matched = false;
    for token in auth_tokens {
        for url in &urls {
            for order in &orders {
                matched |= match algorithm {
                    TwilioAlgorithm::Sha1 => tag_matches::<Hmac<Sha1>>(token, url, order, &tag),
                    TwilioAlgorithm::Sha256 => tag_matches::<Hmac<Sha256>>(token, url, order, &tag),
                };
            }
        }
    }
    matched
}

/// The `X-Twilio-Signature` a request to `url` with `params` carries when signed with
/// `auth_token` (names sorted, repeated names in received order). For tests and tools.
pub fn compute_twilio_signature(
    algorithm: TwilioAlgorithm,
    auth_token: &str,
    url: &str,
    params: &[(String, String)],
) -> String {
    let order = canonical_order(params);
    let tag = match algorithm {
        TwilioAlgorithm::Sha1 => {
            keyed::<Hmac<Sha1>>(auth_token, url, &order).map(|m| m.finalize().into_bytes().to_vec())
        }
        TwilioAlgorithm::Sha256 => keyed::<Hmac<Sha256>>(auth_token, url, &order)
            .map(|m| m.finalize().into_bytes().to_vec()),
    };
    base64::engine::general_purpose::STANDARD.encode(tag.unwrap_or_default())
}

/// Whether the `bodySHA256` query parameter of `raw_query` equals the SHA-256 of `body`
/// (hex, either case; constant-time). `false` when the parameter is absent or malformed.
pub fn verify_body_sha256(raw_query: &str, body: &[u8]) -> bool {
    let Some(claimed) = body_sha256_param(raw_query) else {
        return false;
    };
    let Ok(claimed) = hex::decode(claimed.trim()) else {
        return false;
    };
    let actual = Sha256::digest(body);
    claimed.len() == actual.len() && bool::from(claimed.ct_eq(actual.as_slice()))
}

/// The first `bodySHA256` value of a raw query string, if any.
pub fn body_sha256_param(raw_query: &str) -> Option<String> {
    form_urlencoded::parse(raw_query.as_bytes())
        .find(|(k, _)| k == "bodySHA256")
        .map(|(_, v)| v.into_owned())
}

fn keyed<M: Mac + KeyInit>(token: &str, url: &str, params: &[(&str, &str)]) -> Option<M> {
    let mut mac = <M as Mac>::new_from_slice(token.as_bytes()).ok()?;
    mac.update(url.as_bytes());
    for (name, value) in params {
        mac.update(name.as_bytes());
        mac.update(value.as_bytes());
    }
    Some(mac)
}

fn tag_matches<M: Mac + KeyInit>(
    token: &str,
    url: &str,
    params: &[(&str, &str)],
    tag: &[u8],
) -> bool {
    keyed::<M>(token, url, params).is_some_and(|mac| mac.verify_slice(tag).is_ok())
}

/// Names sorted byte-wise, stable (repeated names keep their received order).
fn canonical_order(params: &[(String, String)]) -> Vec<(&str, &str)> {
    let mut order: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    order.sort_by(|a, b| a.0.cmp(b.0));
    order
}

/// The canonical order, plus the helper libraries' order (distinct values of a repeated
/// name sorted) when it differs.
fn parameter_orders(params: &[(String, String)]) -> Vec<Vec<(&str, &str)>> {
    let canonical = canonical_order(params);
    let mut library = canonical.clone();
    library.sort();
    library.dedup();
    if library == canonical {
        vec![canonical]
    } else {
        vec![canonical, library]
    }
}

/// The URL without any port and with its port (the scheme's default added when absent),
/// as Twilio's helper libraries check both. Unparseable URLs are used as given.
pub(crate) fn url_variants(url: &str) -> Vec<String> {
    let Some((scheme, rest)) = url.split_once("://") else {
        return vec![url.to_string()];
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let (host, port) = split_port(authority);
    let default_port = if scheme.eq_ignore_ascii_case("https") {
        "443"
    } else {
        "80"
    };
    let without = format!("{scheme}://{host}{tail}");
    let with = format!("{scheme}://{host}:{}{tail}", port.unwrap_or(default_port));
    if without == url || with == url {
        // The URL as given is one of the two; keep it first.
        let other = if without == url { with } else { without };
        vec![url.to_string(), other]
    } else {
        vec![url.to_string(), without, with]
    }
}

/// Split `host[:port]` (IPv6 literals in brackets) into host and a numeric port.
fn split_port(authority: &str) -> (&str, Option<&str>) {
    let search_from = if authority.starts_with('[') {
        authority.find(']').unwrap_or(0)
    } else {
        0
    };
    match authority[search_from..].rfind(':') {
        Some(i) => {
            let i = search_from + i;
            let port = &authority[i + 1..];
            if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) {
                (&authority[..i], Some(port))
            } else {
                (authority, None)
            }
        }
        None => (authority, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_variants_add_and_remove_ports() {
        assert_eq!(
            url_variants("https://a.test/x?y=1"),
            vec!["https://a.test/x?y=1", "https://a.test:443/x?y=1"]
        );
        assert_eq!(
            url_variants("https://a.test:443/x"),
            vec!["https://a.test:443/x", "https://a.test/x"]
        );
        assert_eq!(
            url_variants("http://a.test"),
            vec!["http://a.test", "http://a.test:80"]
        );
        assert_eq!(
            url_variants("https://a.test:8443/x"),
            vec!["https://a.test:8443/x", "https://a.test/x"]
        );
        assert_eq!(
            url_variants("http://[::1]:3000/t"),
            vec!["http://[::1]:3000/t", "http://[::1]/t"]
        );
        assert_eq!(url_variants("not a url"), vec!["not a url"]);
    }

    #[test]
    fn settings_header_selects_the_algorithm() {
        use TwilioAlgorithm::*;
        assert_eq!(TwilioAlgorithm::from_settings_header(None), Some(Sha1));
        assert_eq!(TwilioAlgorithm::from_settings_header(Some("")), Some(Sha1));
        assert_eq!(
            TwilioAlgorithm::from_settings_header(Some("key=k1, algorithm=HMAC_SHA256")),
            Some(Sha256)
        );
        assert_eq!(
            TwilioAlgorithm::from_settings_header(Some("algorithm=HMAC_SHA1")),
            Some(Sha1)
        );
        assert_eq!(
            TwilioAlgorithm::from_settings_header(Some("algorithm=HMAC_MD5")),
            None
        );
    }

    #[test]
    fn repeated_names_accept_both_orders() {
        let p = |v: &[(&str, &str)]| -> Vec<(String, String)> {
            v.iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect()
        };
        let received = p(&[("b", "2"), ("a", "z"), ("a", "y"), ("a", "z")]);
        let orders = parameter_orders(&received);
        assert_eq!(orders.len(), 2);
        assert_eq!(
            orders[0],
            vec![("a", "z"), ("a", "y"), ("a", "z"), ("b", "2")]
        );
        assert_eq!(orders[1], vec![("a", "y"), ("a", "z"), ("b", "2")]);
        assert_eq!(parameter_orders(&p(&[("b", "1"), ("a", "2")])).len(), 1);
    }

    #[test]
    fn body_hash_accepts_either_case_and_rejects_others() {
        let body = br#"{"property": "value", "boolean": true}"#;
        let hash = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
        assert!(verify_body_sha256(&format!("bodySHA256={hash}"), body));
        assert!(verify_body_sha256(
            &format!("a=1&bodySHA256={}", hash.to_uppercase()),
            body
        ));
        assert!(!verify_body_sha256(&format!("bodySHA256={hash}"), b"{}"));
        assert!(!verify_body_sha256("bodySHA256=zz", body));
        assert!(!verify_body_sha256("", body));
    }
}
