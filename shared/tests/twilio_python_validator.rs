//! Twilio's own Python helper library (`twilio` on PyPI, `RequestValidator`) as an
//! independent client: requests it signs must verify here, signatures computed here must
//! validate there, and tampering must fail on both sides.
//!
//! Needs the project venv (`make tools`; `make test` provides it). Without the `twilio`
//! package the test is skipped with a message, unless `CALLWARDEN_REQUIRE_TWILIO_PY=1`,
//! which makes a missing validator a failure (set by `make test`).

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use bytes::Bytes;
use callwarden::twilio::{
    compute_twilio_signature, public_url, verify_twilio_request, verify_twilio_signature,
    TwilioAlgorithm,
};
use callwarden::webhook::IncomingRequest;
use http::{HeaderMap, HeaderValue, Method};
use serde_json::{json, Value};

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn python() -> PathBuf {
    if let Ok(p) = std::env::var("CALLWARDEN_PYTHON") {
        return PathBuf::from(p);
    }
    let venv = workspace().join(".venv/bin/python");
    if venv.exists() {
        venv
    } else {
        PathBuf::from("python3")
    }
}

/// Run the validator script with one JSON request; `None` when Python or the `twilio`
/// package is unavailable.
fn run(request: &Value) -> Option<Value> {
    let script = workspace().join("scripts/twilio_validator.py");
    let mut child = Command::new(python())
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    child
        .stdin
        .take()?
        .write_all(request.to_string().as_bytes())
        .ok()?;
    let out = child.wait_with_output().ok()?;
    if !out.status.success() {
        assert_eq!(
            out.status.code(),
            Some(3),
            "validator failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        return None;
    }
    Some(serde_json::from_slice(&out.stdout).expect("validator prints JSON"))
}

/// The Python validator, or a skip message (a failure when it is required).
fn available() -> bool {
    match run(&json!({"op": "probe"})) {
        Some(v) => {
            eprintln!("using twilio {} from {}", v["version"], python().display());
            true
        }
        None => {
            let msg = format!(
                "SKIPPED: Twilio's Python helper library is not available at {} \
                 (run `make tools`, or set CALLWARDEN_PYTHON to a python with `twilio`)",
                python().display()
            );
            assert!(
                std::env::var("CALLWARDEN_REQUIRE_TWILIO_PY").as_deref() != Ok("1"),
                "{msg}"
            );
            eprintln!("{msg}");
            false
        }
    }
}

fn batch(requests: Vec<Value>) -> Vec<Value> {
    let out = run(&json!({"op": "batch", "requests": requests})).expect("validator available");
    out["results"].as_array().expect("results").clone()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// One request to sign: token, URL, form parameters.
type Case = (String, String, Vec<(String, String)>);

/// Requests with awkward URLs and parameters; tokens vary too.
fn cases() -> Vec<Case> {
    let mut cases = vec![
        (
            "12345".to_string(),
            "https://mycompany.com/myapp.php?foo=1&bar=2".to_string(),
            pairs(&[
                ("CallSid", "CA1234567890ABCDE"),
                ("Caller", "+14158675309"),
                ("Digits", "1234"),
                ("From", "+14158675309"),
                ("To", "+18005551212"),
            ]),
        ),
        (
            "tok-ünïcode".to_string(),
            "https://voice.example.com/prod/twilio/voice".to_string(),
            pairs(&[
                ("CallerName", "Zoë O'Brien & <Co>"),
                ("SpeechResult", "one + one = 2 (100%)"),
                ("Empty", ""),
                ("a", "lower sorts after upper"),
                ("B", "upper"),
            ]),
        ),
        (
            "t".to_string(),
            "https://voice.example.com:8443/twilio/status?x=%2F&y=a+b".to_string(),
            pairs(&[("CallStatus", "completed"), ("CallDuration", "42")]),
        ),
        (
            "t".to_string(),
            "http://127.0.0.1:3000/twilio/voice".to_string(),
            vec![],
        ),
    ];
    // Deterministic pseudo-random parameters (xorshift), printable and multi-byte.
    let alphabet: Vec<char> = "abcXYZ019 +&=%?/é漢\u{1F600}".chars().collect();
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    for i in 0..20 {
        let mut params = Vec::new();
        let mut names = std::collections::BTreeSet::new();
        for _ in 0..next(6) {
            let name: String = (0..1 + next(6))
                .map(|_| alphabet[next(alphabet.len())])
                .collect();
            if !names.insert(name.clone()) {
                continue; // distinct names: repeated names are covered separately
            }
            let value: String = (0..next(12))
                .map(|_| alphabet[next(alphabet.len())])
                .collect();
            params.push((name, value));
        }
        cases.push((
            format!("token-{i}"),
            format!("https://h{i}.example.com/twilio/voice?n={i}"),
            params,
        ));
    }
    cases
}

fn sign_request(token: &str, url: &str, params: &[(String, String)]) -> Value {
    json!({"op": "sign", "token": token, "url": url, "params": params})
}

fn validate_request(token: &str, url: &str, params: Value, signature: &str) -> Value {
    json!({"op": "validate", "token": token, "url": url, "params": params, "signature": signature})
}

#[test]
fn signatures_by_twilios_library_verify_here() {
    if !available() {
        return;
    }
    let cases = cases();
    let results = batch(
        cases
            .iter()
            .map(|(t, u, p)| sign_request(t, u, p))
            .collect(),
    );
    for ((token, url, params), result) in cases.iter().zip(&results) {
        let sig = result["signature"].as_str().expect("signature");
        assert!(
            verify_twilio_signature(std::slice::from_ref(token), url, params, sig),
            "{url} {params:?}"
        );
        // Our signer agrees with theirs byte for byte.
        assert_eq!(
            compute_twilio_signature(TwilioAlgorithm::Sha1, token, url, params),
            sig
        );
        // A changed value, an extra parameter or another token fails.
        let mut changed = params.clone();
        changed.push(("Injected".into(), "1".into()));
        assert!(!verify_twilio_signature(
            std::slice::from_ref(token),
            url,
            &changed,
            sig
        ));
        assert!(!verify_twilio_signature(
            &["other".into()],
            url,
            params,
            sig
        ));
    }
}

#[test]
fn signatures_made_here_validate_in_twilios_library() {
    if !available() {
        return;
    }
    let cases = cases();
    let mut requests = Vec::new();
    for (token, url, params) in &cases {
        let sig = compute_twilio_signature(TwilioAlgorithm::Sha1, token, url, params);
        requests.push(validate_request(token, url, json!(params), &sig));
        let mut tampered = params.clone();
        tampered.push(("Injected".into(), "1".into()));
        requests.push(validate_request(token, url, json!(tampered), &sig));
    }
    let results = batch(requests);
    for (i, pair) in results.chunks(2).enumerate() {
        assert_eq!(pair[0]["valid"], json!(true), "case {i}: {:?}", cases[i]);
        assert_eq!(pair[1]["valid"], json!(false), "case {i} tampered");
    }
}

#[test]
fn port_variants_and_repeated_names_match_the_library() {
    if !available() {
        return;
    }
    let params = pairs(&[
        ("To", "+1"),
        ("Digits", "2"),
        ("Digits", "1"),
        ("Digits", "2"),
    ]);
    let urls = [
        "https://voice.example.com/twilio/voice",
        "https://voice.example.com:443/twilio/voice",
    ];
    let results = batch(
        urls.iter()
            .map(|u| sign_request("tok", u, &params))
            .collect(),
    );
    for result in &results {
        let sig = result["signature"].as_str().unwrap();
        // Whatever port Twilio signed with, both forms of the URL verify here.
        for url in urls {
            assert!(
                verify_twilio_signature(&["tok".into()], url, &params, sig),
                "{url}"
            );
        }
    }
}

#[test]
fn json_bodies_signed_by_the_library_verify_as_whole_requests() {
    if !available() {
        return;
    }
    let body = r#"{"CallSid":"CA1","CallStatus":"completed"}"#;
    let hash = callwarden::delivery::sha256_hex(body.as_bytes());
    let base = "https://voice.example.com/prod";
    let query = format!("bodySHA256={hash}");
    let url = public_url(base, "/twilio/status", &query);
    let results = batch(vec![sign_request("tok", &url, &[])]);
    let sig = results[0]["signature"].as_str().unwrap();
    // And the library accepts the JSON body against that URL.
    let check = batch(vec![validate_request("tok", &url, json!(body), sig)]);
    assert_eq!(check[0]["valid"], json!(true));
    let mut headers = HeaderMap::new();
    headers.insert("x-twilio-signature", HeaderValue::from_str(sig).unwrap());
    let req = IncomingRequest {
        method: Method::POST,
        path: "/prod/twilio/status".into(),
        raw_query: query,
        headers,
        body: Bytes::from(body),
    };
    assert!(verify_twilio_request(&["tok".into()], base, &req).is_ok());
    let forged = IncomingRequest {
        body: Bytes::from(body.replace("completed", "failed")),
        ..req
    };
    assert_eq!(
        verify_twilio_request(&["tok".into()], base, &forged)
            .unwrap_err()
            .code(),
        "body_hash_mismatch"
    );
}
