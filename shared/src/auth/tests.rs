//! Tests of [`AuthConfig`]: the shared Vapi HMAC vectors, tampering, replay window,
//! rotation, configuration errors and a property test on random signatures.

use std::collections::HashMap;
use std::path::PathBuf;

use http::{HeaderMap, HeaderName, HeaderValue};
use proptest::prelude::*;
use serde_json::Value;

use super::{AuthConfig, AuthConfigError, AuthError, AuthScheme, SignedRequest};

/// Time of the vectors' `x-timestamp` (1763481823 s) plus 10 s.
const VECTOR_NOW_MS: i64 = 1_763_481_833_000;

fn config(pairs: &[(&str, &str)]) -> Result<AuthConfig, AuthConfigError> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    AuthConfig::from_lookup(move |k| map.get(k).cloned())
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

fn owned_headers(pairs: &[(String, String)]) -> HeaderMap {
    let borrowed: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    headers(&borrowed)
}

fn request<'a>(headers: &'a HeaderMap, body: &'a [u8]) -> SignedRequest<'a> {
    SignedRequest {
        method: "POST",
        url: "https://hooks.example.test/webhook/vapi",
        headers,
        body,
    }
}

fn verify(
    cfg: &AuthConfig,
    h: &HeaderMap,
    body: &[u8],
    now_ms: i64,
) -> Result<AuthScheme, AuthError> {
    cfg.verify(&request(h, body), now_ms)
}

// ---------------------------------------------------------------- shared test vectors

struct VectorCase {
    name: String,
    env: Vec<(String, String)>,
    signature_header: String,
    signature: String,
    timestamp_header: String,
    timestamp: Option<String>,
}

struct Vectors {
    body: Vec<u8>,
    cases: Vec<VectorCase>,
}

fn vectors_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/vapi/samples/hmac-test-vectors.json")
}

fn load_vectors() -> Vectors {
    let path = vectors_path();
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("test vectors not readable at {}: {e}", path.display()));
    let json: Value = serde_json::from_str(&text).unwrap();
    let secret = json["secretKey"].as_str().unwrap().to_string();
    let body = json["body"].as_str().unwrap().as_bytes().to_vec();
    let cases = json["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|case| {
            let c = &case["config"];
            let s = |key: &str| c[key].as_str().map(str::to_string);
            let signature_header = s("signatureHeader").unwrap_or_else(|| "x-signature".into());
            let timestamp_header = s("timestampHeader").unwrap_or_else(|| "x-timestamp".into());
            let mut env = vec![
                ("VAPI_HMAC_SECRET".to_string(), secret.clone()),
                ("VAPI_HMAC_ALGORITHM".to_string(), s("algorithm").unwrap()),
                (
                    "VAPI_HMAC_SIGNATURE_HEADER".to_string(),
                    signature_header.clone(),
                ),
                (
                    "VAPI_HMAC_TIMESTAMP_HEADER".to_string(),
                    timestamp_header.clone(),
                ),
            ];
            let include_timestamp = c["includeTimestamp"].as_bool().unwrap_or(true);
            let payload = s("payloadFormat").unwrap_or_else(|| {
                if include_timestamp {
                    "{timestamp}.{body}".into()
                } else {
                    "{body}".into()
                }
            });
            env.push(("VAPI_HMAC_PAYLOAD".into(), payload));
            if let Some(enc) = s("signatureEncoding") {
                env.push(("VAPI_HMAC_ENCODING".into(), enc));
            }
            if let Some(prefix) = s("signaturePrefix") {
                env.push(("VAPI_HMAC_PREFIX".into(), prefix));
            }
            VectorCase {
                name: case["name"].as_str().unwrap().to_string(),
                env,
                signature_header,
                signature: case["signatureHeaderValue"].as_str().unwrap().to_string(),
                timestamp_header,
                timestamp: s("timestampHeaderValue"),
            }
        })
        .collect();
    Vectors { body, cases }
}

impl VectorCase {
    fn config(&self) -> AuthConfig {
        let pairs: Vec<(&str, &str)> = self
            .env
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        config(&pairs).unwrap_or_else(|e| panic!("{}: {e}", self.name))
    }

    fn headers_with(&self, signature: &str, timestamp: Option<&str>) -> HeaderMap {
        let mut pairs = vec![(self.signature_header.as_str(), signature)];
        if let Some(ts) = timestamp {
            pairs.push((self.timestamp_header.as_str(), ts));
        }
        headers(&pairs)
    }

    fn headers(&self) -> HeaderMap {
        self.headers_with(&self.signature, self.timestamp.as_deref())
    }
}

#[test]
fn every_shared_vector_verifies() {
    let v = load_vectors();
    assert_eq!(
        v.cases.len(),
        6,
        "the vector file changed: review the tests"
    );
    for case in &v.cases {
        let cfg = case.config();
        let result = verify(&cfg, &case.headers(), &v.body, VECTOR_NOW_MS);
        assert_eq!(result, Ok(AuthScheme("hmac")), "{}", case.name);
    }
}

#[test]
fn body_only_vectors_verify_at_any_time() {
    let v = load_vectors();
    for case in v.cases.iter().filter(|c| c.timestamp.is_none()) {
        let cfg = case.config();
        for now in [0, VECTOR_NOW_MS, VECTOR_NOW_MS + 10 * 365 * 86_400_000] {
            assert!(
                verify(&cfg, &case.headers(), &v.body, now).is_ok(),
                "{}",
                case.name
            );
        }
    }
}

#[test]
fn sign_reproduces_every_vector() {
    let v = load_vectors();
    for case in v.cases.iter() {
        let cfg = case.config();
        let now = case
            .timestamp
            .as_deref()
            .and_then(|t| t.parse::<i64>().ok())
            .map(|t| if t >= 1_000_000_000_000 { t } else { t * 1000 })
            .unwrap_or(VECTOR_NOW_MS);
        let signed = cfg.sign(&request(&HeaderMap::new(), &v.body), now);
        let sig = signed
            .iter()
            .find(|(k, _)| *k == case.signature_header)
            .map(|(_, v)| v.clone());
        // Millisecond vectors cannot be reproduced by `sign`, which emits seconds.
        if case.timestamp.as_deref().is_some_and(|t| t.len() >= 13) {
            continue;
        }
        assert_eq!(
            sig.as_deref(),
            Some(case.signature.as_str()),
            "{}",
            case.name
        );
    }
}

#[test]
fn one_byte_change_to_the_body_fails() {
    let v = load_vectors();
    for case in &v.cases {
        let cfg = case.config();
        for index in [0, v.body.len() / 2, v.body.len() - 1] {
            let mut body = v.body.clone();
            body[index] ^= 0x01;
            let err = verify(&cfg, &case.headers(), &body, VECTOR_NOW_MS).unwrap_err();
            assert_eq!(err.code(), "signature_mismatch", "{} at {index}", case.name);
        }
        let mut longer = v.body.clone();
        longer.push(b' ');
        assert!(verify(&cfg, &case.headers(), &longer, VECTOR_NOW_MS).is_err());
        let shorter = &v.body[..v.body.len() - 1];
        assert!(verify(&cfg, &case.headers(), shorter, VECTOR_NOW_MS).is_err());
    }
}

#[test]
fn one_byte_change_to_the_timestamp_fails() {
    let v = load_vectors();
    for case in v.cases.iter().filter(|c| c.timestamp.is_some()) {
        let cfg = case.config();
        let ts = case.timestamp.as_deref().unwrap();
        // Change the last digit: still inside the window, so only the MAC can catch it.
        let mut changed = ts.as_bytes().to_vec();
        let last = changed.len() - 1;
        changed[last] = if changed[last] == b'9' {
            b'8'
        } else {
            changed[last] + 1
        };
        let changed = String::from_utf8(changed).unwrap();
        let h = case.headers_with(&case.signature, Some(&changed));
        let err = verify(&cfg, &h, &v.body, VECTOR_NOW_MS).unwrap_err();
        assert_eq!(err.code(), "signature_mismatch", "{}", case.name);
    }
}

#[test]
fn one_character_change_to_the_signature_fails() {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD;
    let v = load_vectors();
    for case in &v.cases {
        let cfg = case.config();
        let (prefix, encoded) = match case.signature.strip_prefix("sha256=") {
            Some(rest) => ("sha256=", rest),
            None => ("", case.signature.as_str()),
        };
        let is_hex = encoded.bytes().all(|b| b.is_ascii_hexdigit());
        let tag = if is_hex {
            hex::decode(encoded).unwrap()
        } else {
            b64.decode(encoded).unwrap()
        };
        // Flip one bit in the first, a middle and the last byte of the tag.
        for index in [0, tag.len() / 2, tag.len() - 1] {
            let mut changed = tag.clone();
            changed[index] ^= 0x01;
            let text = if is_hex {
                hex::encode(&changed)
            } else {
                b64.encode(&changed)
            };
            let h = case.headers_with(&format!("{prefix}{text}"), case.timestamp.as_deref());
            let err = verify(&cfg, &h, &v.body, VECTOR_NOW_MS).unwrap_err();
            assert_eq!(
                err.code(),
                "signature_mismatch",
                "{} at byte {index}",
                case.name
            );
        }
    }
}

#[test]
fn hex_signatures_compare_case_insensitively() {
    let v = load_vectors();
    let case = &v.cases[0];
    let cfg = case.config();
    let upper = case.signature.to_ascii_uppercase();
    let h = case.headers_with(&upper, case.timestamp.as_deref());
    assert!(verify(&cfg, &h, &v.body, VECTOR_NOW_MS).is_ok());
    let padded = format!("  {}  ", case.signature);
    let h = case.headers_with(&padded, case.timestamp.as_deref());
    assert!(verify(&cfg, &h, &v.body, VECTOR_NOW_MS).is_ok());
}

#[test]
fn base64_signature_with_or_without_padding() {
    let v = load_vectors();
    let case = v.cases.iter().find(|c| c.signature.ends_with('=')).unwrap();
    let cfg = case.config();
    let unpadded = case.signature.trim_end_matches('=');
    let h = case.headers_with(unpadded, case.timestamp.as_deref());
    assert!(verify(&cfg, &h, &v.body, VECTOR_NOW_MS).is_ok());
    // The hex form of the same tag is not base64 of the right length.
    let hex_cfg = &v.cases[0];
    let h = case.headers_with(&hex_cfg.signature, case.timestamp.as_deref());
    let err = verify(&cfg, &h, &v.body, VECTOR_NOW_MS).unwrap_err();
    assert_eq!(err.code(), "malformed_signature");
    let h = case.headers_with("!!!not base64!!!", case.timestamp.as_deref());
    assert_eq!(
        verify(&cfg, &h, &v.body, VECTOR_NOW_MS).unwrap_err().code(),
        "malformed_signature"
    );
}

#[test]
fn prefix_is_required_when_configured_and_case_insensitive() {
    let v = load_vectors();
    let case = v
        .cases
        .iter()
        .find(|c| c.signature.starts_with("sha256="))
        .unwrap();
    let cfg = case.config();
    let bare = case.signature.trim_start_matches("sha256=");
    let h = case.headers_with(bare, None);
    let err = verify(&cfg, &h, &v.body, VECTOR_NOW_MS).unwrap_err();
    assert_eq!(err.code(), "malformed_signature");
    let upper = format!("SHA256={bare}");
    assert!(verify(
        &cfg,
        &case.headers_with(&upper, None),
        &v.body,
        VECTOR_NOW_MS
    )
    .is_ok());
    let only_prefix = case.headers_with("sha256=", None);
    assert_eq!(
        verify(&cfg, &only_prefix, &v.body, VECTOR_NOW_MS)
            .unwrap_err()
            .code(),
        "empty_signature"
    );
}

#[test]
fn missing_empty_short_and_non_hex_signatures_are_rejected() {
    let v = load_vectors();
    let case = &v.cases[0];
    let cfg = case.config();
    let ts = case.timestamp.as_deref();
    let codes = |sig: Option<&str>| {
        let h = match sig {
            Some(s) => case.headers_with(s, ts),
            None => headers(&[("x-timestamp", ts.unwrap())]),
        };
        verify(&cfg, &h, &v.body, VECTOR_NOW_MS).unwrap_err().code()
    };
    assert_eq!(codes(None), "missing_credentials");
    assert_eq!(codes(Some("")), "empty_signature");
    assert_eq!(codes(Some("   ")), "empty_signature");
    assert_eq!(codes(Some(&case.signature[..62])), "malformed_signature");
    assert_eq!(codes(Some(&case.signature[..63])), "malformed_signature");
    assert_eq!(
        codes(Some(&format!("{}00", case.signature))),
        "malformed_signature"
    );
    assert_eq!(codes(Some(&"zz".repeat(32))), "malformed_signature");
    assert_eq!(codes(Some("sha256=abc")), "malformed_signature");
    assert_eq!(codes(Some(&"0".repeat(64))), "signature_mismatch");
}

#[test]
fn errors_never_contain_secrets_or_signatures() {
    let v = load_vectors();
    let case = &v.cases[0];
    let cfg = case.config();
    let wrong = "ab".repeat(32);
    for sig in [wrong.as_str(), "", "zz", &case.signature[..10]] {
        let h = case.headers_with(sig, case.timestamp.as_deref());
        let err = verify(&cfg, &h, b"tampered", VECTOR_NOW_MS).unwrap_err();
        let text = format!("{err} {err:?}");
        assert!(!text.contains("whsec-test"), "{text}");
        if !sig.is_empty() {
            assert!(!text.contains(sig), "{text}");
        }
    }
    let shown = format!("{cfg:?}");
    assert!(!shown.contains("whsec-test"), "{shown}");
    assert!(shown.contains("secrets=1"), "{shown}");
}

// ---------------------------------------------------------------- replay window

fn default_hmac() -> AuthConfig {
    config(&[("VAPI_HMAC_SECRET", "k1")]).unwrap()
}

/// Headers of a request signed with key `k1` under the default HMAC scheme, with the
/// exact timestamp string `ts` (independent of `AuthConfig::sign`).
fn signed_at(body: &[u8], ts: &str) -> HeaderMap {
    let mac = {
        use hmac::{Hmac, Mac};
        let mut m = Hmac::<sha2::Sha256>::new_from_slice(b"k1").unwrap();
        m.update(ts.as_bytes());
        m.update(b".");
        m.update(body);
        hex::encode(m.finalize().into_bytes())
    };
    headers(&[("x-signature", &mac), ("x-timestamp", ts)])
}

#[test]
fn replay_window_in_seconds_and_milliseconds() {
    let cfg = default_hmac();
    let body = b"{\"message\":{\"type\":\"status-update\"}}";
    let now_ms = 1_800_000_000_000;
    let ok = |ts: String| verify(&cfg, &signed_at(body, &ts), body, now_ms);
    assert!(ok((now_ms / 1000).to_string()).is_ok());
    assert!(ok(now_ms.to_string()).is_ok());
    assert!(ok((now_ms / 1000 - 300).to_string()).is_ok());
    assert!(ok((now_ms / 1000 + 300).to_string()).is_ok());
    assert!(ok((now_ms - 300_000).to_string()).is_ok());

    let old = ok((now_ms / 1000 - 301).to_string()).unwrap_err();
    assert_eq!(old.code(), "timestamp_expired");
    assert_eq!(
        ok((now_ms - 300_001).to_string()).unwrap_err().code(),
        "timestamp_expired"
    );
    let future = ok((now_ms / 1000 + 301).to_string()).unwrap_err();
    assert_eq!(future.code(), "timestamp_in_future");
    assert_eq!(
        ok((now_ms + 300_001).to_string()).unwrap_err().code(),
        "timestamp_in_future"
    );
    // A validly signed request replayed a day later.
    let h = signed_at(body, &(now_ms / 1000).to_string());
    let err = verify(&cfg, &h, body, now_ms + 86_400_000).unwrap_err();
    assert_eq!(err.code(), "timestamp_expired");
}

#[test]
fn tolerance_is_configurable() {
    let cfg = config(&[
        ("VAPI_HMAC_SECRET", "k1"),
        ("VAPI_HMAC_TOLERANCE_SECS", "10"),
    ])
    .unwrap();
    let body = b"x";
    let now_ms = 1_800_000_000_000;
    let h = signed_at(body, &(now_ms / 1000 - 11).to_string());
    assert_eq!(
        verify(&cfg, &h, body, now_ms).unwrap_err().code(),
        "timestamp_expired"
    );
    let h = signed_at(body, &(now_ms / 1000 - 9).to_string());
    assert!(verify(&cfg, &h, body, now_ms).is_ok());
}

#[test]
fn timestamp_missing_invalid_or_repeated() {
    let cfg = default_hmac();
    let body = b"x";
    let now_ms = 1_800_000_000_000;
    let good = signed_at(body, "1800000000");
    let sig = good
        .get("x-signature")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let code = |h: HeaderMap| verify(&cfg, &h, body, now_ms).unwrap_err().code();
    assert_eq!(code(headers(&[("x-signature", &sig)])), "missing_timestamp");
    for bad in [
        "",
        "abc",
        "-1800000000",
        "1800000000.5",
        "1e9",
        "18000000000000000000",
    ] {
        assert_eq!(
            code(headers(&[("x-signature", &sig), ("x-timestamp", bad)])),
            "invalid_timestamp",
            "{bad:?}"
        );
    }
    assert_eq!(
        code(headers(&[
            ("x-signature", &sig),
            ("x-timestamp", "1800000000"),
            ("x-timestamp", "1800000000"),
        ])),
        "invalid_timestamp"
    );
}

// ---------------------------------------------------------------- rotation and schemes

#[test]
fn rotation_accepts_the_second_secret_of_every_scheme() {
    let old = config(&[
        ("VAPI_HMAC_SECRET", "new-h"),
        ("VAPI_SIGNATURE_SECRET", "new-s"),
        ("VAPI_SECRET", "new-x"),
    ])
    .unwrap();
    let rotated = config(&[
        ("VAPI_HMAC_SECRET", "other-h, new-h"),
        ("VAPI_SIGNATURE_SECRET", "other-s,new-s"),
        ("VAPI_SECRET", "other-x ,new-x"),
    ])
    .unwrap();
    let body = b"{\"message\":{}}";
    let now = 1_800_000_000_000;
    for scheme in ["hmac", "vapi-signature", "shared-secret"] {
        let signed = old
            .sign_with(scheme, &request(&HeaderMap::new(), body), now)
            .unwrap();
        let h = owned_headers(&signed);
        assert_eq!(verify(&rotated, &h, body, now), Ok(AuthScheme(scheme)));
        let retired = config(&[
            ("VAPI_HMAC_SECRET", "other-h"),
            ("VAPI_SIGNATURE_SECRET", "other-s"),
            ("VAPI_SECRET", "other-x"),
        ])
        .unwrap();
        assert!(verify(&retired, &h, body, now).is_err(), "{scheme}");
    }
}

#[test]
fn signature_preset_accepts_bare_or_prefixed_hex_and_ignores_time() {
    let v = load_vectors();
    let secret = "whsec-test-Q3f9xV2kL8mN4pR7tY1uZ6";
    let cfg = config(&[("VAPI_SIGNATURE_SECRET", secret)]).unwrap();
    assert_eq!(cfg.scheme_names(), vec!["vapi-signature"]);
    let body_only = v
        .cases
        .iter()
        .find(|c| c.signature_header == "x-vapi-signature")
        .unwrap();
    for sig in [
        body_only.signature.clone(),
        format!("sha256={}", body_only.signature),
        body_only.signature.to_ascii_uppercase(),
    ] {
        let h = headers(&[("x-vapi-signature", &sig)]);
        assert_eq!(
            verify(&cfg, &h, &v.body, 0),
            Ok(AuthScheme("vapi-signature"))
        );
    }
    let h = headers(&[("x-vapi-signature", &body_only.signature)]);
    assert!(verify(&cfg, &h, b"{}", 0).is_err());
}

#[test]
fn shared_secret_header_variants() {
    let cfg = config(&[("VAPI_SECRET", "s3cret")]).unwrap();
    let ok = |pairs: &[(&str, &str)]| verify(&cfg, &headers(pairs), b"", 0);
    assert_eq!(
        ok(&[("x-vapi-secret", "s3cret")]),
        Ok(AuthScheme("shared-secret"))
    );
    assert!(ok(&[("X-VAPI-SECRET", "s3cret")]).is_ok());
    assert!(ok(&[("authorization", "Bearer s3cret")]).is_ok());
    assert_eq!(
        ok(&[("x-vapi-secret", "nope")]).unwrap_err().code(),
        "secret_mismatch"
    );
    assert_eq!(ok(&[]).unwrap_err().code(), "missing_credentials");

    let bearer_only = config(&[
        ("VAPI_SECRET", "s3cret"),
        ("VAPI_SECRET_HEADER", "Authorization"),
    ])
    .unwrap();
    let h = headers(&[("x-vapi-secret", "s3cret")]);
    assert!(verify(&bearer_only, &h, b"", 0).is_err());
    let h = headers(&[("authorization", "Bearer s3cret")]);
    assert!(verify(&bearer_only, &h, b"", 0).is_ok());

    let custom = config(&[
        ("VAPI_SECRET", "s3cret"),
        ("VAPI_SECRET_HEADER", "X-My-Token"),
    ])
    .unwrap();
    assert!(verify(&custom, &headers(&[("x-my-token", "s3cret")]), b"", 0).is_ok());
    assert!(verify(&custom, &headers(&[("x-vapi-secret", "s3cret")]), b"", 0).is_err());
}

#[test]
fn any_configured_scheme_may_accept_and_specific_errors_win() {
    let cfg = config(&[("VAPI_HMAC_SECRET", "k1"), ("VAPI_SECRET", "s3cret")]).unwrap();
    assert_eq!(cfg.scheme_names(), vec!["hmac", "shared-secret"]);
    let body = b"{}";
    assert_eq!(
        verify(&cfg, &headers(&[("x-vapi-secret", "s3cret")]), body, 0),
        Ok(AuthScheme("shared-secret"))
    );
    // A wrong shared secret is reported as such even though the HMAC headers are missing.
    let err = verify(&cfg, &headers(&[("x-vapi-secret", "bad")]), body, 0).unwrap_err();
    assert_eq!(err.code(), "secret_mismatch");
    // A bad HMAC is reported even when no shared secret was sent.
    let err = verify(
        &cfg,
        &headers(&[("x-signature", "00"), ("x-timestamp", "1")]),
        body,
        0,
    )
    .unwrap_err();
    assert_eq!(err.code(), "malformed_signature");
    // Nothing at all: the message lists what was expected.
    let err = verify(&cfg, &HeaderMap::new(), body, 0).unwrap_err();
    assert_eq!(err.code(), "missing_credentials");
    let msg = err.to_string();
    assert!(
        msg.contains("x-signature") && msg.contains("x-vapi-secret"),
        "{msg}"
    );
    assert_eq!(err.scheme(), None);
}

#[test]
fn sign_uses_the_strongest_scheme_and_round_trips() {
    let cfg = config(&[
        ("VAPI_SECRET", "s3cret"),
        ("VAPI_SIGNATURE_SECRET", "sig"),
        ("VAPI_HMAC_SECRET", "k1"),
    ])
    .unwrap();
    let body = b"{\"message\":{\"type\":\"hang\"}}";
    let now = 1_800_000_000_123;
    let signed = cfg.sign(&request(&HeaderMap::new(), body), now);
    let names: Vec<&str> = signed.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(names, vec!["x-timestamp", "x-signature"]);
    assert_eq!(signed[0].1, "1800000000");
    assert_eq!(
        verify(&cfg, &owned_headers(&signed), body, now),
        Ok(AuthScheme("hmac"))
    );
    assert!(cfg
        .sign_with("nope", &request(&HeaderMap::new(), body), now)
        .is_none());
}

#[test]
fn custom_template_with_method_and_url_and_base64_key() {
    // Key bytes include non-UTF-8 values, given base64.
    let cfg = config(&[
        ("VAPI_HMAC_SECRET", "AP8Q/w=="),
        ("VAPI_HMAC_SECRET_BASE64", "true"),
        ("VAPI_HMAC_ALGORITHM", "SHA512"),
        ("VAPI_HMAC_ENCODING", "base64"),
        ("VAPI_HMAC_PAYLOAD", "{method}\n{url}\n{timestamp}\n{body}"),
        ("VAPI_HMAC_SIGNATURE_HEADER", "X-Vapi-Signature"),
        ("VAPI_HMAC_TIMESTAMP_HEADER", "X-Vapi-Timestamp"),
        ("VAPI_HMAC_PREFIX", "v1="),
    ])
    .unwrap();
    let body = b"{}";
    let now = 1_800_000_000_000;
    let signed = cfg.sign(&request(&HeaderMap::new(), body), now);
    let h = owned_headers(&signed);
    assert!(h.get("x-vapi-timestamp").is_some());
    assert!(h
        .get("x-vapi-signature")
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("v1="));
    assert!(verify(&cfg, &h, body, now).is_ok());
    // Independent computation of the same MAC.
    let expected = {
        use base64::Engine;
        use hmac::{Hmac, Mac};
        let mut m = Hmac::<sha2::Sha512>::new_from_slice(&[0x00, 0xff, 0x10, 0xff]).unwrap();
        m.update(b"POST\nhttps://hooks.example.test/webhook/vapi\n1800000000\n{}");
        format!(
            "v1={}",
            base64::engine::general_purpose::STANDARD.encode(m.finalize().into_bytes())
        )
    };
    assert_eq!(
        h.get("x-vapi-signature").unwrap().to_str().unwrap(),
        expected
    );
    // Another method or URL breaks it.
    let other = SignedRequest {
        method: "PUT",
        ..request(&h, body)
    };
    assert_eq!(
        cfg.verify(&other, now).unwrap_err().code(),
        "signature_mismatch"
    );
    let other = SignedRequest {
        url: "https://hooks.example.test/other",
        ..request(&h, body)
    };
    assert_eq!(
        cfg.verify(&other, now).unwrap_err().code(),
        "signature_mismatch"
    );
}

#[test]
fn hmac_sha1_is_supported() {
    let cfg = config(&[
        ("VAPI_HMAC_SECRET", "k"),
        ("VAPI_HMAC_ALGORITHM", "sha1"),
        ("VAPI_HMAC_PAYLOAD", "{body}"),
    ])
    .unwrap();
    let signed = cfg.sign(&request(&HeaderMap::new(), b"abc"), 0);
    assert_eq!(signed.len(), 1);
    assert_eq!(signed[0].1.len(), 40);
    assert!(verify(&cfg, &owned_headers(&signed), b"abc", 0).is_ok());
}

// ---------------------------------------------------------------- configuration

#[test]
fn no_scheme_is_refused_unless_explicitly_allowed() {
    let err = config(&[]).unwrap_err();
    assert_eq!(err, AuthConfigError::NoScheme);
    let msg = err.to_string();
    for var in [
        "VAPI_SECRET",
        "VAPI_HMAC_SECRET",
        "VAPI_SIGNATURE_SECRET",
        "CALLWARDEN_ALLOW_UNAUTHENTICATED",
    ] {
        assert!(msg.contains(var), "{msg}");
    }
    // Empty values count as unset.
    assert!(config(&[("VAPI_SECRET", "  "), ("VAPI_HMAC_SECRET", "")]).is_err());
    assert!(config(&[("CALLWARDEN_ALLOW_UNAUTHENTICATED", "false")]).is_err());

    let open = config(&[("CALLWARDEN_ALLOW_UNAUTHENTICATED", "true")]).unwrap();
    assert!(open.allows_unauthenticated());
    assert_eq!(open.scheme_names(), vec!["unauthenticated"]);
    assert_eq!(
        verify(&open, &HeaderMap::new(), b"", 0),
        Ok(AuthScheme("unauthenticated"))
    );
    assert!(open.sign(&request(&HeaderMap::new(), b""), 0).is_empty());

    // With a scheme configured, the flag does not open the door.
    let both = config(&[
        ("CALLWARDEN_ALLOW_UNAUTHENTICATED", "true"),
        ("VAPI_SECRET", "s"),
    ])
    .unwrap();
    assert!(!both.allows_unauthenticated());
    assert!(verify(&both, &HeaderMap::new(), b"", 0).is_err());
}

#[test]
fn config_errors_name_the_variable_and_hide_values() {
    let cases: &[(&[(&str, &str)], &str)] = &[
        (&[("VAPI_SECRET", ",,")], "VAPI_SECRET"),
        (&[("VAPI_SIGNATURE_SECRET", " , ")], "VAPI_SIGNATURE_SECRET"),
        (&[("VAPI_HMAC_SECRET", ",")], "VAPI_HMAC_SECRET"),
        (
            &[("VAPI_SECRET", "s"), ("VAPI_SECRET_HEADER", "bad header")],
            "VAPI_SECRET_HEADER",
        ),
        (
            &[("VAPI_HMAC_SECRET", "k"), ("VAPI_HMAC_ALGORITHM", "md5")],
            "VAPI_HMAC_ALGORITHM",
        ),
        (
            &[("VAPI_HMAC_SECRET", "k"), ("VAPI_HMAC_ENCODING", "base32")],
            "VAPI_HMAC_ENCODING",
        ),
        (
            &[
                ("VAPI_HMAC_SECRET", "k"),
                ("VAPI_HMAC_SIGNATURE_HEADER", "a:b"),
            ],
            "VAPI_HMAC_SIGNATURE_HEADER",
        ),
        (
            &[
                ("VAPI_HMAC_SECRET", "k"),
                ("VAPI_HMAC_TIMESTAMP_HEADER", "é"),
            ],
            "VAPI_HMAC_TIMESTAMP_HEADER",
        ),
        (
            &[
                ("VAPI_HMAC_SECRET", "k"),
                ("VAPI_HMAC_TIMESTAMP_HEADER", "x-signature"),
            ],
            "VAPI_HMAC_TIMESTAMP_HEADER",
        ),
        (
            &[
                ("VAPI_HMAC_SECRET", "k"),
                ("VAPI_HMAC_PAYLOAD", "{timestamp}"),
            ],
            "VAPI_HMAC_PAYLOAD",
        ),
        (
            &[
                ("VAPI_HMAC_SECRET", "k"),
                ("VAPI_HMAC_PAYLOAD", "{svix-id}.{body}"),
            ],
            "VAPI_HMAC_PAYLOAD",
        ),
        (
            &[("VAPI_HMAC_SECRET", "k"), ("VAPI_HMAC_TOLERANCE_SECS", "0")],
            "VAPI_HMAC_TOLERANCE_SECS",
        ),
        (
            &[
                ("VAPI_HMAC_SECRET", "k"),
                ("VAPI_HMAC_TOLERANCE_SECS", "300000"),
            ],
            "VAPI_HMAC_TOLERANCE_SECS",
        ),
        (
            &[
                ("VAPI_HMAC_SECRET", "k"),
                ("VAPI_HMAC_TOLERANCE_SECS", "5m"),
            ],
            "VAPI_HMAC_TOLERANCE_SECS",
        ),
        (
            &[
                ("VAPI_HMAC_SECRET", "k"),
                ("VAPI_HMAC_SECRET_BASE64", "maybe"),
            ],
            "VAPI_HMAC_SECRET_BASE64",
        ),
        (
            &[
                ("VAPI_HMAC_SECRET", "not*base64"),
                ("VAPI_HMAC_SECRET_BASE64", "true"),
            ],
            "VAPI_HMAC_SECRET",
        ),
        (
            &[
                ("VAPI_SECRET", "s"),
                ("CALLWARDEN_ALLOW_UNAUTHENTICATED", "yes please"),
            ],
            "CALLWARDEN_ALLOW_UNAUTHENTICATED",
        ),
    ];
    for (env, variable) in cases {
        let err = config(env).unwrap_err();
        assert_eq!(err.variable(), *variable, "{env:?}");
        let msg = err.to_string();
        assert!(msg.contains(variable), "{msg}");
        assert!(!msg.contains("not*base64"), "{msg}");
    }
}

#[test]
fn debug_of_a_full_config_shows_no_secret() {
    let cfg = config(&[
        ("VAPI_SECRET", "shared-AAA,shared-BBB"),
        ("VAPI_HMAC_SECRET", "hmac-CCC"),
        ("VAPI_SIGNATURE_SECRET", "sig-DDD"),
    ])
    .unwrap();
    let shown = format!("{cfg:?} {:?}", cfg.clone());
    for secret in ["shared-AAA", "shared-BBB", "hmac-CCC", "sig-DDD"] {
        assert!(!shown.contains(secret), "{shown}");
    }
    assert!(shown.contains("secrets=2"), "{shown}");
}

// ---------------------------------------------------------------- properties

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Random signature header values (any visible ASCII, any length) never verify and
    /// never panic, under every scheme.
    #[test]
    fn random_signatures_never_verify(
        sig in "[ -~]{0,140}",
        ts_offset in -1_000i64..1_000,
        body in proptest::collection::vec(any::<u8>(), 0..256),
    ) {
        let cfg = config(&[
            ("VAPI_HMAC_SECRET", "k1,k2"),
            ("VAPI_SIGNATURE_SECRET", "s1"),
            ("VAPI_SECRET", "shared-1"),
        ]).unwrap();
        let now = 1_800_000_000_000i64;
        let ts = (now / 1000 + ts_offset).to_string();
        let h = headers(&[("x-signature", &sig), ("x-timestamp", &ts), ("x-vapi-signature", &sig)]);
        prop_assert!(verify(&cfg, &h, &body, now).is_err());
    }

    /// Random bytes as a hex-shaped signature of the right length never verify.
    #[test]
    fn random_well_formed_tags_never_verify(tag in proptest::array::uniform32(any::<u8>())) {
        let cfg = config(&[("VAPI_HMAC_SECRET", "k1"), ("VAPI_HMAC_PAYLOAD", "{body}")]).unwrap();
        let h = headers(&[("x-signature", &hex::encode(tag))]);
        let err = verify(&cfg, &h, b"body", 0).unwrap_err();
        prop_assert_eq!(err.code(), "signature_mismatch");
    }
}
