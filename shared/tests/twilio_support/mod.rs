//! Helpers shared by the Twilio integration tests: configuration, signed requests, TwiML
//! parsing, log capture.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use callwarden::twilio::{compute_twilio_signature, public_url, TwilioAlgorithm, TwilioConfig};
use callwarden::webhook::IncomingRequest;
use http::{HeaderMap, HeaderValue, Method};
use quick_xml::events::Event;
use quick_xml::Reader;

/// Auth token of the test configuration.
pub const TOKEN: &str = "test-auth-token-0123";
/// Public base URL of the test configuration (with a stage).
pub const BASE: &str = "https://voice.example.com/prod";
/// Vapi API key of the test configuration.
pub const API_KEY: &str = "vapi-private-key-xyz";
/// The caller's number: PII, must never be logged.
pub const CALLER: &str = "+14155550142";
/// A Twilio CallSid.
pub const CALL_SID: &str = "CA0123456789abcdef0123456789abcdef";

/// A Twilio configuration pointing Vapi at `vapi_base`, plus `extra` variables.
pub fn config(vapi_base: &str, extra: &[(&str, &str)]) -> TwilioConfig {
    let mut env: HashMap<String, String> = [
        ("TWILIO_AUTH_TOKEN", format!("old-token,{TOKEN}")),
        ("PUBLIC_BASE_URL", BASE.to_string()),
        ("VAPI_API_KEY", API_KEY.to_string()),
        ("VAPI_API_BASE", vapi_base.to_string()),
        ("VAPI_PHONE_NUMBER_ID", "pn-123".to_string()),
        ("VAPI_ASSISTANT_ID", "asst-456".to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    for (k, v) in extra {
        env.insert(k.to_string(), v.to_string());
    }
    TwilioConfig::from_lookup(move |k| env.get(k).cloned())
        .expect("valid test config")
        .expect("twilio enabled")
}

/// Inbound-call parameters as Twilio sends them.
pub fn voice_params() -> Vec<(String, String)> {
    [
        ("AccountSid", "AC0123456789abcdef0123456789abcdef"),
        ("CallSid", CALL_SID),
        ("CallStatus", "ringing"),
        ("Direction", "inbound"),
        ("From", CALLER),
        ("Caller", CALLER),
        ("To", "+14155550199"),
        ("CallerName", "Jane <Doe> & Co"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

/// Form-encode parameters.
pub fn form(params: &[(String, String)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in params {
        s.append_pair(k, v);
    }
    s.finish()
}

/// A POST to `path` (as the gateway delivers it) with `params`, signed with `token` for
/// the public URL.
pub fn signed(path: &str, params: &[(String, String)], token: &str) -> IncomingRequest {
    let url = public_url(BASE, path, "");
    let sig = compute_twilio_signature(TwilioAlgorithm::Sha1, token, &url, params);
    let mut headers = HeaderMap::new();
    headers.insert(
        "content-type",
        HeaderValue::from_static("application/x-www-form-urlencoded"),
    );
    headers.insert(
        "x-twilio-signature",
        HeaderValue::from_str(&sig).expect("base64 is a valid header"),
    );
    IncomingRequest {
        method: Method::POST,
        path: path.to_string(),
        raw_query: String::new(),
        headers,
        body: Bytes::from(form(params)),
    }
}

/// A parsed TwiML element: name and text, children in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    pub name: String,
    pub text: String,
    pub children: Vec<Element>,
}

/// Parse TwiML with an XML parser; panics (test failure) on malformed XML.
pub fn parse_twiml(xml: &str) -> Element {
    let mut reader = Reader::from_str(xml);
    let mut stack: Vec<Element> = vec![Element {
        name: "#document".into(),
        text: String::new(),
        children: vec![],
    }];
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => stack.push(Element {
                name: String::from_utf8(e.name().as_ref().to_vec()).unwrap(),
                text: String::new(),
                children: vec![],
            }),
            Event::Empty(e) => {
                let el = Element {
                    name: String::from_utf8(e.name().as_ref().to_vec()).unwrap(),
                    text: String::new(),
                    children: vec![],
                };
                stack.last_mut().unwrap().children.push(el);
            }
            Event::Text(t) => {
                let text = t.unescape().expect("valid escapes");
                stack.last_mut().unwrap().text.push_str(&text);
            }
            Event::End(_) => {
                let done = stack.pop().unwrap();
                stack.last_mut().unwrap().children.push(done);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(stack.len(), 1, "unclosed elements");
    let mut doc = stack.pop().unwrap();
    assert_eq!(doc.children.len(), 1, "exactly one root element");
    doc.children.remove(0)
}

/// A `Write` that appends to a shared buffer, for capturing JSON logs.
#[derive(Clone, Default)]
pub struct LogBuffer(pub Arc<Mutex<Vec<u8>>>);

impl LogBuffer {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

thread_local! {
    /// The buffer the current test thread's log lines go to, if it is capturing.
    static CURRENT_CAPTURE: std::cell::RefCell<Option<LogBuffer>> =
        const { std::cell::RefCell::new(None) };
}

/// Routes each log line to the buffer of the thread that wrote it (or nowhere).
struct ThreadCapture;

impl Write for ThreadCapture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        CURRENT_CAPTURE.with(|current| {
            if let Some(buffer) = current.borrow_mut().as_mut() {
                buffer.write_all(buf)?;
            }
            Ok(buf.len())
        })
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Stops the current thread's capture when dropped.
pub struct CaptureGuard;

impl Drop for CaptureGuard {
    fn drop(&mut self) {
        CURRENT_CAPTURE.with(|current| current.borrow_mut().take());
    }
}

/// Capture the JSON log lines written on the current thread (a `#[tokio::test]` runs the
/// handler and its tasks on it) into a fresh buffer.
///
/// One global TRACE subscriber routes lines by thread. Per-test `set_default` subscribers
/// are not used: tracing caches each call site's interest process-wide, and a call site
/// first hit by a parallel test without a subscriber could be cached as "never" while
/// another test was installing its own, dropping that test's lines (seen once in CI).
pub fn capture_logs() -> (LogBuffer, CaptureGuard) {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        let subscriber = tracing_subscriber::fmt()
            .json()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(|| ThreadCapture)
            .finish();
        let _ = tracing::subscriber::set_global_default(subscriber);
    });
    let buffer = LogBuffer::default();
    CURRENT_CAPTURE.with(|current| *current.borrow_mut() = Some(buffer.clone()));
    (buffer, CaptureGuard)
}
