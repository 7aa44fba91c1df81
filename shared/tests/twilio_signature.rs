//! Twilio request signatures: the official helper-library vectors, tampering, port
//! variants, rotation, JSON bodies (`bodySHA256`) and API Gateway events.

use bytes::Bytes;
use callwarden::twilio::{
    compute_twilio_signature, public_url, verify_body_sha256, verify_twilio_request,
    verify_twilio_signature, verify_twilio_signature_with, TwilioAlgorithm, TwilioAuthError,
};
use callwarden::webhook::lambda::{request_from_event, HttpEvent};
use callwarden::webhook::IncomingRequest;
use http::{HeaderMap, HeaderValue, Method};

const TOKEN: &str = "12345";
const URL: &str = "https://mycompany.com/myapp.php?foo=1&bar=2";
const FORM_SIGNATURE: &str = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";
const JSON_BODY: &str = r#"{"property": "value", "boolean": true}"#;
const BODY_SHA256: &str = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
const JSON_SIGNATURE: &str = "a9nBmqA0ju/hNViExpshrM61xv4=";

fn tokens(list: &[&str]) -> Vec<String> {
    list.iter().map(|t| t.to_string()).collect()
}

fn params(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn official_params() -> Vec<(String, String)> {
    params(&[
        ("CallSid", "CA1234567890ABCDE"),
        ("Caller", "+14158675309"),
        ("Digits", "1234"),
        ("From", "+14158675309"),
        ("To", "+18005551212"),
    ])
}

fn json_url() -> String {
    format!("{URL}&bodySHA256={BODY_SHA256}")
}

#[test]
fn official_form_vector() {
    assert!(verify_twilio_signature(
        &tokens(&[TOKEN]),
        URL,
        &official_params(),
        FORM_SIGNATURE
    ));
    assert_eq!(
        compute_twilio_signature(TwilioAlgorithm::Sha1, TOKEN, URL, &official_params()),
        FORM_SIGNATURE
    );
}

#[test]
fn official_form_vector_in_any_received_order() {
    let mut shuffled = official_params();
    shuffled.reverse();
    assert!(verify_twilio_signature(
        &tokens(&[TOKEN]),
        URL,
        &shuffled,
        FORM_SIGNATURE
    ));
}

#[test]
fn official_json_vector() {
    let url = json_url();
    assert!(verify_twilio_signature(
        &tokens(&[TOKEN]),
        &url,
        &[],
        JSON_SIGNATURE
    ));
    assert!(verify_body_sha256(
        url.split_once('?').unwrap().1,
        JSON_BODY.as_bytes()
    ));
    assert_eq!(
        compute_twilio_signature(TwilioAlgorithm::Sha1, TOKEN, &url, &[]),
        JSON_SIGNATURE
    );
}

#[test]
fn tampered_parameters_fail() {
    let good = official_params();
    let t = tokens(&[TOKEN]);
    // A changed value, name, an added and a removed parameter.
    let mut changed = good.clone();
    changed[2].1 = "1235".into();
    assert!(!verify_twilio_signature(&t, URL, &changed, FORM_SIGNATURE));
    let mut renamed = good.clone();
    renamed[2].0 = "digits".into();
    assert!(!verify_twilio_signature(&t, URL, &renamed, FORM_SIGNATURE));
    let mut added = good.clone();
    added.push(("Extra".into(), "".into()));
    assert!(!verify_twilio_signature(&t, URL, &added, FORM_SIGNATURE));
    let removed = good[1..].to_vec();
    assert!(!verify_twilio_signature(&t, URL, &removed, FORM_SIGNATURE));
    // Two parameters swapped between names.
    let mut swapped = good.clone();
    swapped[1].1 = good[3].1.clone() + "0";
    swapped[3].1 = good[1].1.clone();
    assert!(!verify_twilio_signature(&t, URL, &swapped, FORM_SIGNATURE));
}

#[test]
fn tampered_urls_fail_and_port_variants_pass() {
    let p = official_params();
    let t = tokens(&[TOKEN]);
    for bad in [
        "http://mycompany.com/myapp.php?foo=1&bar=2",
        "https://mycompany.org/myapp.php?foo=1&bar=2",
        "https://mycompany.com/myapp.php?foo=1&bar=3",
        "https://mycompany.com/myapp.php?bar=2&foo=1",
        "https://mycompany.com/myapp.php/?foo=1&bar=2",
        "https://mycompany.com/Myapp.php?foo=1&bar=2",
        "https://mycompany.com/myapp.php",
    ] {
        assert!(
            !verify_twilio_signature(&t, bad, &p, FORM_SIGNATURE),
            "{bad}"
        );
    }
    // Twilio may sign with the default port while the configured URL has none, or the
    // reverse: both are accepted, like Twilio's libraries do.
    assert!(verify_twilio_signature(
        &t,
        "https://mycompany.com:443/myapp.php?foo=1&bar=2",
        &p,
        FORM_SIGNATURE
    ));
    let with_port = "https://mycompany.com:443/myapp.php?foo=1&bar=2";
    let signed_with_port = compute_twilio_signature(TwilioAlgorithm::Sha1, TOKEN, with_port, &p);
    assert_ne!(signed_with_port, FORM_SIGNATURE);
    assert!(verify_twilio_signature(&t, URL, &p, &signed_with_port));
    // http's default port is 80, not 443.
    let http = "http://mycompany.com/myapp.php?foo=1&bar=2";
    let signed_443 = compute_twilio_signature(
        TwilioAlgorithm::Sha1,
        TOKEN,
        "http://mycompany.com:443/myapp.php?foo=1&bar=2",
        &p,
    );
    let signed_80 = compute_twilio_signature(
        TwilioAlgorithm::Sha1,
        TOKEN,
        "http://mycompany.com:80/myapp.php?foo=1&bar=2",
        &p,
    );
    assert!(!verify_twilio_signature(&t, http, &p, &signed_443));
    assert!(verify_twilio_signature(&t, http, &p, &signed_80));
}

#[test]
fn tampered_or_malformed_signatures_fail() {
    let p = official_params();
    let t = tokens(&[TOKEN]);
    for bad in [
        "",
        " ",
        "RSOYDt4T1cUTdK1PDd93/VVr8B9=",
        "rsoydt4t1cutdk1pdd93/vvr8b8=",
        "RSOYDt4T1cUTdK1PDd93/VVr8B8=RSOY",
        "not base64 at all!",
        "46d2d9a03b74",
    ] {
        assert!(!verify_twilio_signature(&t, URL, &p, bad), "{bad:?}");
    }
    // Padding is optional when decoding: the same tag without `=` still verifies.
    assert!(verify_twilio_signature(
        &t,
        URL,
        &p,
        "RSOYDt4T1cUTdK1PDd93/VVr8B8"
    ));
}

#[test]
fn wrong_token_fails_and_rotation_accepts_any_listed_token() {
    let p = official_params();
    assert!(!verify_twilio_signature(
        &tokens(&["54321"]),
        URL,
        &p,
        FORM_SIGNATURE
    ));
    assert!(!verify_twilio_signature(&[], URL, &p, FORM_SIGNATURE));
    assert!(verify_twilio_signature(
        &tokens(&["new-token", TOKEN]),
        URL,
        &p,
        FORM_SIGNATURE
    ));
}

#[test]
fn sha256_shared_key_signatures() {
    let p = official_params();
    let sig = compute_twilio_signature(TwilioAlgorithm::Sha256, "shared-key", URL, &p);
    let t = tokens(&["shared-key"]);
    assert!(verify_twilio_signature_with(
        TwilioAlgorithm::Sha256,
        &t,
        URL,
        &p,
        &sig
    ));
    // A SHA-256 tag is not a SHA-1 tag.
    assert!(!verify_twilio_signature(&t, URL, &p, &sig));
}

// ------------------------------------------------------------------ whole requests

const BASE: &str = "https://voice.example.com/prod";

fn signed_request(path: &str, query: &str, body: &str, signature: Option<&str>) -> IncomingRequest {
    let mut headers = HeaderMap::new();
    headers.insert(
        "content-type",
        HeaderValue::from_static("application/x-www-form-urlencoded"),
    );
    if let Some(sig) = signature {
        headers.insert("x-twilio-signature", HeaderValue::from_str(sig).unwrap());
    }
    IncomingRequest {
        method: Method::POST,
        path: path.to_string(),
        raw_query: query.to_string(),
        headers,
        body: Bytes::from(body.to_string()),
    }
}

fn form(p: &[(String, String)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in p {
        s.append_pair(k, v);
    }
    s.finish()
}

#[test]
fn whole_form_request_with_stage_prefix_and_query() {
    let p = params(&[
        ("CallSid", "CA0123456789abcdef0123456789abcdef"),
        ("From", "+14155550142"),
        ("CallerName", "Zoë & Co <x>"),
        ("SpeechResult", "yes + no = 100%"),
    ]);
    let url = public_url(BASE, "/prod/twilio/voice", "tenant=a%20b");
    assert_eq!(
        url,
        "https://voice.example.com/prod/twilio/voice?tenant=a%20b"
    );
    let sig = compute_twilio_signature(TwilioAlgorithm::Sha1, "tok", &url, &p);
    let t = tokens(&["tok"]);
    for path in ["/prod/twilio/voice", "/twilio/voice"] {
        let req = signed_request(path, "tenant=a%20b", &form(&p), Some(&sig));
        let verified = verify_twilio_request(&t, BASE, &req).unwrap();
        assert_eq!(verified.params, p);
        assert_eq!(verified.param("CallerName"), Some("Zoë & Co <x>"));
    }
    // Another query, a body change, or no signature: refused.
    let req = signed_request("/twilio/voice", "tenant=b", &form(&p), Some(&sig));
    assert_eq!(
        verify_twilio_request(&t, BASE, &req).unwrap_err(),
        TwilioAuthError::InvalidSignature
    );
    let req = signed_request(
        "/twilio/voice",
        "tenant=a%20b",
        &form(&p).replace("142", "143"),
        Some(&sig),
    );
    assert_eq!(
        verify_twilio_request(&t, BASE, &req).unwrap_err().code(),
        "invalid_signature"
    );
    let req = signed_request("/twilio/voice", "tenant=a%20b", &form(&p), None);
    assert_eq!(
        verify_twilio_request(&t, BASE, &req).unwrap_err().code(),
        "missing_signature"
    );
    // A different public base URL (wrong PUBLIC_BASE_URL) is refused.
    let req = signed_request("/twilio/voice", "tenant=a%20b", &form(&p), Some(&sig));
    assert!(verify_twilio_request(&t, "https://voice.example.com", &req).is_err());
}

#[test]
fn whole_json_request_checks_the_body_hash_after_the_signature() {
    let base = "https://mycompany.com";
    let query = format!("foo=1&bar=2&bodySHA256={BODY_SHA256}");
    let t = tokens(&[TOKEN]);
    let req = |body: &str, sig: &str| IncomingRequest {
        path: "/myapp.php".into(),
        ..signed_request("/myapp.php", &query, body, Some(sig))
    };
    assert!(verify_twilio_request(&t, base, &req(JSON_BODY, JSON_SIGNATURE)).is_ok());
    let tampered = JSON_BODY.replace("true", "false");
    assert_eq!(
        verify_twilio_request(&t, base, &req(&tampered, JSON_SIGNATURE)).unwrap_err(),
        TwilioAuthError::BodyHashMismatch
    );
    assert_eq!(
        verify_twilio_request(&t, base, &req(JSON_BODY, FORM_SIGNATURE)).unwrap_err(),
        TwilioAuthError::InvalidSignature
    );
}

#[test]
fn unknown_signature_algorithm_is_refused() {
    let p = official_params();
    let mut req = signed_request("/twilio/voice", "", &form(&p), Some("x"));
    req.headers.insert(
        "x-twilio-webhooks-signature-settings",
        HeaderValue::from_static("key=k,algorithm=HMAC_MD5"),
    );
    assert_eq!(
        verify_twilio_request(&tokens(&["t"]), BASE, &req)
            .unwrap_err()
            .code(),
        "unsupported_signature_algorithm"
    );
}

/// Form bodies arrive base64-encoded from API Gateway (v2 and v1); the signature is over
/// the decoded parameters.
#[test]
fn base64_form_bodies_from_api_gateway() {
    use base64::Engine;
    let p = params(&[
        ("CallSid", "CA1"),
        ("CallStatus", "completed"),
        ("From", "+14155550142"),
    ]);
    let body = form(&p);
    let url = public_url(BASE, "/twilio/status", "");
    let sig = compute_twilio_signature(TwilioAlgorithm::Sha1, "tok", &url, &p);
    let b64 = base64::engine::general_purpose::STANDARD.encode(body.as_bytes());
    let v2 = serde_json::json!({
        "version": "2.0",
        "rawPath": "/prod/twilio/status",
        "rawQueryString": "",
        "headers": {"x-twilio-signature": sig, "content-type": "application/x-www-form-urlencoded"},
        "requestContext": {"http": {"method": "POST"}, "stage": "prod"},
        "body": b64,
        "isBase64Encoded": true
    });
    let v1 = serde_json::json!({
        "httpMethod": "POST",
        "path": "/twilio/status",
        "headers": {"X-Twilio-Signature": sig},
        "requestContext": {"stage": "prod"},
        "body": b64,
        "isBase64Encoded": true
    });
    for event in [v2, v1] {
        let event: HttpEvent = serde_json::from_value(event).unwrap();
        let req = request_from_event(event).unwrap();
        assert_eq!(req.body.as_ref(), body.as_bytes());
        let verified = verify_twilio_request(&tokens(&["tok"]), BASE, &req).unwrap();
        assert_eq!(verified.param("CallStatus"), Some("completed"));
    }
}
