//! Logging without PII: every sample goes through the handler (answered, queued and
//! rejected paths) while the JSON log output is captured; none of the samples' PII values
//! and none of the secrets may appear in it.

mod webhook_support;

use std::sync::Arc;

use callwarden::adapters::memory::MemoryQueue;
use callwarden::webhook::lambda::handle_event;
use webhook_support::*;

#[tokio::test]
async fn logs_carry_no_pii_and_no_secrets() {
    std::env::set_var("RUST_LOG", "trace");
    let capture = callwarden::logging::LogCapture::default();
    callwarden::logging::init_json_logging_to(capture.clone());

    let queue = Arc::new(MemoryQueue::new());
    let (webhook, _) = webhook(queue.clone());
    for (_, raw) in samples() {
        for scheme in SCHEMES {
            let headers = sign(&webhook, scheme, &raw, NOW_MS);
            handle_event(
                &webhook,
                v2_event("POST", "/webhook/vapi", &headers, &raw, false),
            )
            .await;
        }
        // Rejected paths log too: bad signature, and a queue outage.
        let bad = vec![("x-vapi-secret".to_string(), "wrong".to_string())];
        handle_event(
            &webhook,
            v2_event("POST", "/webhook/vapi", &bad, &raw, false),
        )
        .await;
        queue.set_failing(true);
        let headers = sign(&webhook, "hmac", &raw, NOW_MS);
        handle_event(
            &webhook,
            v2_event("POST", "/webhook/vapi", &headers, &raw, false),
        )
        .await;
        queue.set_failing(false);
    }
    let logs = capture.contents();
    let lines = logs.lines().count();
    assert!(
        lines >= samples().len() * 4,
        "every request logged ({lines} lines)"
    );
    // The log lines are JSON with the documented fields.
    let first: serde_json::Value =
        serde_json::from_str(logs.lines().next().expect("a line")).expect("JSON log line");
    assert!(
        first["fields"]["latency_us"].is_number(),
        "latency logged: {first}"
    );

    let lower = logs.to_lowercase();
    for pii in SAMPLE_PII {
        assert!(
            !lower.contains(&pii.to_lowercase()),
            "PII value {pii:?} found in logs"
        );
    }
    for secret in [
        HMAC_SECRET,
        SIGNATURE_SECRET,
        "shared-secret-current",
        "shared-secret-previous",
    ] {
        assert!(!logs.contains(secret), "secret found in logs");
    }
    for capability in ["phone-call-websocket", "/control", "listen", "presigned"] {
        assert!(
            !lower.contains(capability),
            "capability URL fragment {capability:?} in logs"
        );
    }
}
