//! No CRM personal data, tool arguments or control URLs in the logs: every tool and hook
//! runs (happy paths, failures, the slow path with a real Live Call Control POST) while the
//! JSON log output is captured at trace level.

mod crm_support;

use std::sync::Arc;

use callwarden::clock::ManualClock;
use callwarden::crm::escalation::EscalationRules;
use callwarden::crm::side_effects::{
    CallSideEffects, LockMode, SideEffectSettings, ToolCallsDelivery,
};
use callwarden::ports::store::CallLock;
use callwarden::ports::ToolRegistry;
use crm_support::*;
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn crm_values_arguments_and_control_urls_never_reach_the_logs() {
    std::env::set_var("RUST_LOG", "trace");
    let capture = callwarden::logging::LogCapture::default();
    callwarden::logging::init_json_logging_to(capture.clone());

    let clock = ManualClock::at(T0);
    let (tools, crm, store) = memory_tools(&clock, http_control());
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let url = format!("{}/{CALL}/control", server.uri());
    let c = ctx(&clock, 4000, Some(&url));
    let locks: Arc<dyn CallLock> = store.clone();
    let fx = CallSideEffects::new(
        tools.clone(),
        locks,
        EscalationRules::default(),
        SideEffectSettings {
            call_notes: true,
            auto_transfer: true,
            ..Default::default()
        },
    );

    fx.on_call_started(CALL, Some(MARIA_PHONE))
        .await
        .expect("context");
    for (id, name, args) in [
        ("l1", "lookupAccount", json!({"accountId":"AC-88213457"})),
        ("l2", "lookupAccount", json!({"accountId":"AC-10000001"})),
        (
            "l3",
            "lookupAccount",
            json!({"accountId":"4111 1111 1111 1111"}),
        ),
        ("g1", "getTicketStatus", json!({"ticketId":"TKT-44187"})),
        (
            "c1",
            "createTicket",
            json!({"subject":"Maria Gonzalez card","description":"Card 4111 1111 1111 1111, DOB 03/14/1984, email maria.gonzalez@example.com","priority":"high"}),
        ),
        (
            "e1",
            "escalateToHuman",
            json!({"reason":"Maria Gonzalez is upset"}),
        ),
    ] {
        let _ = tools.call(&call(id, name, args), &c).await;
    }
    crm.set_failing(true);
    let _ = tools
        .call(
            &call("f1", "lookupAccount", json!({"accountId":"AC-20000003"})),
            &c,
        )
        .await;
    crm.set_failing(false);
    crm.hold();
    let slow = call("s1", "lookupAccount", json!({"accountId":"AC-10000001"}));
    let _ = tools.call(&slow, &ctx(&clock, 400, Some(&url))).await;
    crm.release();
    clock.advance(10_000);
    let delivery = ToolCallsDelivery {
        call_id: Some(CALL.into()),
        customer_number: Some(MARIA_PHONE.into()),
        control_url: Some(url.clone()),
        received_at_ms: T0,
        tool_calls: vec![slow],
    };
    fx.complete_pending_tools(&delivery)
        .await
        .expect("delivered");
    fx.on_transcript(
        CALL,
        "user",
        "This is Maria Gonzalez, get me a real person",
        Some(&url),
    )
    .await
    .expect("rules");
    fx.on_end_of_call(
        CALL,
        Some(MARIA_PHONE),
        "Maria Gonzalez, 4111 1111 1111 1111",
        "customer-ended-call",
        LockMode::Acquire("w"),
    )
    .await
    .expect("note");
    assert!(
        server.received_requests().await.unwrap_or_default().len() >= 2,
        "control messages were sent"
    );

    let logs = capture.contents();
    assert!(logs.contains("tool call"), "tool calls are logged");
    // Numeric fields (latencies, ports) may contain any digit run by chance, so digits are
    // checked as the distinctive forms they would take in a leaked value.
    let lower = logs.to_lowercase();
    for pii in [
        "maria",
        "gonzalez",
        "okafor",
        "fischer",
        "4155550142",
        "555-0142",
        "4111 1111",
        "4111111111111111",
        "03/14/1984",
        "example.com",
        "cardlastfour",
        "holderfirstname",
        "cust-100",
        "ac-88213457",
        "ac-10000001",
        "upset",
    ] {
        assert!(!lower.contains(pii), "{pii:?} found in logs");
    }
    assert!(!logs.contains("/control"), "control URL in logs");
}
