//! The four tools end to end over the in-memory adapters (and, for the racing duplicates,
//! DynamoDB Local): happy paths, failure modes, exactly-once `createTicket`, a slow CRM
//! crossing the deadline (→ "still checking" + a later `add-message` to a local control
//! URL), async tools, ended calls, and the worker hooks.

mod crm_support;

use std::sync::Arc;
use std::time::Duration;

use callwarden::adapters::crm_memory::MemoryCrm;
use callwarden::clock::{Clock, ManualClock};
use callwarden::crm::caller_context::CallerContextStore;
use callwarden::crm::escalation::{EscalationReason, EscalationRules};
use callwarden::crm::pending::{PendingState, PendingTools};
use callwarden::crm::side_effects::{
    CallSideEffects, LockMode, NoteResult, PendingToolOutcome, SideEffectError, SideEffectSettings,
    ToolCallsDelivery,
};
use callwarden::crm::tools::CALL_ENDED;
use callwarden::crm::CrmTools;
use callwarden::ports::store::CallLock;
use callwarden::ports::{ToolCall, ToolOutcome, ToolRegistry};
use callwarden::webhook::tool_runner::{run_tool_calls, tool_calls_answer};
use crm_support::*;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn setup() -> (
    ManualClock,
    Arc<RecordingControl>,
    CrmTools,
    Arc<MemoryCrm>,
    Arc<callwarden::adapters::memory_store::MemoryStore>,
) {
    let clock = ManualClock::at(T0);
    let control = Arc::new(RecordingControl::default());
    let (tools, crm, store) = memory_tools(&clock, control.clone());
    (clock, control, tools, crm, store)
}

fn result(o: &ToolOutcome) -> serde_json::Value {
    match o {
        ToolOutcome::Result(r) => json_of(r),
        ToolOutcome::Error(e) => panic!("expected a result, got error: {e}"),
    }
}

fn error(o: &ToolOutcome) -> &str {
    match o {
        ToolOutcome::Error(e) => e,
        ToolOutcome::Result(r) => panic!("expected an error, got: {r}"),
    }
}

fn effects(
    tools: &CrmTools,
    store: Arc<callwarden::adapters::memory_store::MemoryStore>,
    settings: SideEffectSettings,
) -> CallSideEffects {
    let locks: Arc<dyn CallLock> = store;
    CallSideEffects::new(tools.clone(), locks, EscalationRules::default(), settings)
}

#[tokio::test]
async fn lookup_account_returns_the_minimum_and_accepts_loosely_spoken_ids() {
    let (clock, _, tools, _, _) = setup();
    for id in ["AC-88213457", "ac 8821 3457"] {
        let out = tools
            .call(
                &call("t1", "lookupAccount", json!({ "accountId": id })),
                &ctx(&clock, 4000, None),
            )
            .await;
        assert_eq!(
            result(&out),
            json!({"accountId":"AC-88213457","status":"active","openTickets":1,"callerVerifiedByPhone":true,"holderFirstName":"Maria","cardLastFour":"1111"})
        );
    }
    // Someone else's account: found, but not verified by the caller's phone.
    let out = tools
        .call(
            &call("t2", "lookupAccount", json!({ "accountId": "AC-10000002" })),
            &ctx(&clock, 4000, None),
        )
        .await;
    let v = result(&out);
    assert_eq!(v["callerVerifiedByPhone"], false);
    assert_eq!(v["status"], "frozen");
    assert!(v.get("cardLastFour").is_none());
}

#[tokio::test]
async fn lookup_account_failure_modes_are_spoken_errors() {
    let (clock, _, tools, crm, _) = setup();
    let c = ctx(&clock, 4000, None);
    let out = tools
        .call(
            &call("a", "lookupAccount", json!({ "accountId": "AC-99999999" })),
            &c,
        )
        .await;
    assert!(error(&out).contains("could not find an account"));
    let out = tools
        .call(
            &call(
                "b",
                "lookupAccount",
                json!({ "accountId": "4111 1111 1111 1111" }),
            ),
            &c,
        )
        .await;
    let e = error(&out);
    assert!(e.contains("accountId") && !e.contains("4111"), "{e}");
    let out = tools.call(&call("c", "lookupAccount", json!({})), &c).await;
    assert!(error(&out).contains("accountId is required"));
    let out = tools
        .call(&call("d", "lookupAccount", json!("AC-88213457")), &c)
        .await;
    assert!(error(&out).contains("object"));
    crm.set_failing(true);
    let out = tools
        .call(
            &call("e", "lookupAccount", json!({ "accountId": "AC-88213457" })),
            &c,
        )
        .await;
    assert!(error(&out).contains("unavailable"));
    let cached = CallerContextStore::get(crm.as_ref(), CALL, clock.now_secs())
        .await
        .unwrap();
    assert_eq!(
        cached.tool_failures, 1,
        "CRM failures are counted for the escalation rules"
    );
    let out = tools.call(&call("f", "lookupWeather", json!({})), &c).await;
    assert!(error(&out).contains("lookupWeather"));
}

#[tokio::test]
async fn ticket_status_happy_path_and_failures() {
    let (clock, _, tools, _, _) = setup();
    let c = ctx(&clock, 4000, None);
    let out = tools
        .call(
            &call("t", "getTicketStatus", json!({ "ticketId": "tkt 44109" })),
            &c,
        )
        .await;
    assert_eq!(
        result(&out),
        json!({"ticketId":"TKT-44109","status":"pending_customer_info","category":"card_dispute","openedAt":"2025-11-11"})
    );
    let out = tools
        .call(
            &call("u", "getTicketStatus", json!({ "ticketId": "TKT-00001" })),
            &c,
        )
        .await;
    assert!(error(&out).contains("could not find a ticket"));
    let out = tools
        .call(
            &call("v", "getTicketStatus", json!({ "ticketId": 44109 })),
            &c,
        )
        .await;
    assert!(error(&out).contains("ticketId must be a text"));
}

#[tokio::test]
async fn create_ticket_redacts_stores_once_and_repeats_the_first_ticket() {
    let (clock, _, tools, crm, _) = setup();
    let before = crm.ticket_count();
    let args = json!({
        "subject": "Duplicate charge",
        "description": "Card 4111 1111 1111 1111 was charged twice, call me at 415 555 0142",
        "priority": "high",
        "cardNumber": "4111111111111111"
    });
    let c = ctx(&clock, 4000, None);
    let first = result(
        &tools
            .call(&call("call_Hf5r", "createTicket", args.clone()), &c)
            .await,
    );
    assert_eq!(first["status"], "open");
    assert_eq!(first["priority"], "high");
    let again = result(
        &tools
            .call(&call("call_Hf5r", "createTicket", args.clone()), &c)
            .await,
    );
    assert_eq!(
        again, first,
        "a retried delivery answers with the first ticket"
    );
    assert_eq!(crm.ticket_count(), before + 1);
    let stored = crm.dump_text().join("\n");
    assert!(
        !stored.contains("4111") && !stored.contains("0142"),
        "ticket text is redacted before storage"
    );
    let other = result(
        &tools
            .call(&call("call_other", "createTicket", args), &c)
            .await,
    );
    assert_ne!(other["ticketId"], first["ticketId"]);
    let bad = tools
        .call(
            &call(
                "x",
                "createTicket",
                json!({"subject":"s s s","description":"d d d","priority":"asap"}),
            ),
            &c,
        )
        .await;
    assert!(error(&bad).contains("priority must be one of: low, normal, high, urgent"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_duplicate_deliveries_create_exactly_one_ticket_memory() {
    let (clock, _, tools, crm, _) = setup();
    let before = crm.ticket_count();
    crm.hold();
    let tools = Arc::new(tools);
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let tools = tools.clone();
            let c = ctx(&clock, 8000, None);
            tokio::spawn(async move {
                tools.call(&call("call_dup", "createTicket", json!({"subject":"Duplicate charge","description":"Charged twice.","priority":"normal"})), &c).await
            })
        })
        .collect();
    crm.release();
    let mut ids = Vec::new();
    for t in tasks {
        ids.push(result(&t.await.expect("join"))["ticketId"].clone());
    }
    ids.dedup();
    assert_eq!(
        ids.len(),
        1,
        "all deliveries answer the same ticket: {ids:?}"
    );
    assert_eq!(crm.ticket_count(), before + 1, "exactly one ticket");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_duplicate_deliveries_create_exactly_one_ticket_dynamodb() {
    let Some((crm, store)) = dynamo_pair("concurrent_duplicates").await else {
        return;
    };
    let clock = ManualClock::at(T0);
    let control = Arc::new(RecordingControl::default());
    let tools = Arc::new(tools_over(crm.clone(), crm.clone(), store, control, &clock));
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let tools = tools.clone();
            let c = ctx(&clock, 15_000, None);
            tokio::spawn(async move {
                tools.call(&call("call_dup_ddb", "createTicket", json!({"subject":"Duplicate charge","description":"Charged twice.","priority":"normal"})), &c).await
            })
        })
        .collect();
    let mut ids = Vec::new();
    for t in tasks {
        ids.push(result(&t.await.expect("join"))["ticketId"].clone());
    }
    ids.dedup();
    assert_eq!(
        ids.len(),
        1,
        "all deliveries answer the same ticket: {ids:?}"
    );
    use callwarden::ports::crm::{Crm, Deadline};
    let open = crm
        .open_tickets("CUST-1001", Deadline::after(Duration::from_secs(5)))
        .await
        .unwrap();
    assert_eq!(
        open.len(),
        2,
        "one seeded open ticket plus exactly one new one"
    );
}

#[tokio::test]
async fn escalate_to_human_transfers_once_through_live_call_control() {
    let (clock, control, tools, _, _) = setup();
    let url = "https://phone-call-websocket.example.com/c7a2/control";
    let c = ctx(&clock, 4000, Some(url));
    let out = tools
        .call(
            &call(
                "esc1",
                "escalateToHuman",
                json!({"reason":"caller asked for a person"}),
            ),
            &c,
        )
        .await;
    assert_eq!(
        result(&out),
        json!({"transferring":true,"message":"Connecting you with our team."})
    );
    let again = tools
        .call(
            &call(
                "esc1",
                "escalateToHuman",
                json!({"reason":"caller asked for a person"}),
            ),
            &c,
        )
        .await;
    assert!(matches!(again, ToolOutcome::Result(_)));
    let sent = control.sent.lock().unwrap().clone();
    assert_eq!(
        sent.len(),
        1,
        "a duplicate delivery does not transfer twice"
    );
    assert_eq!(sent[0].0, url);
    assert_eq!(
        sent[0].1,
        json!({"type":"transfer","destination":{"type":"number","number":"+14155550177"},"content":"Connecting you with our team."})
    );
    let no_url = tools
        .call(
            &call("esc2", "escalateToHuman", json!({"reason":"x"})),
            &ctx(&clock, 4000, None),
        )
        .await;
    assert!(error(&no_url).contains("can't transfer"));
    let empty = tools
        .call(&call("esc3", "escalateToHuman", json!({"reason":""})), &c)
        .await;
    assert!(error(&empty).contains("reason is required"));
}

#[tokio::test]
async fn escalation_without_a_configured_destination_is_an_error() {
    let clock = ManualClock::at(T0);
    let crm = Arc::new(MemoryCrm::seeded(&seed()).unwrap());
    let store = Arc::new(callwarden::adapters::memory_store::MemoryStore::new());
    let tools = callwarden::crm::config::build_tools(
        crm.clone(),
        crm,
        store,
        Arc::new(RecordingControl::default()),
        None,
        Arc::new(clock.clone()),
        Default::default(),
    )
    .unwrap();
    let out = tools
        .call(
            &call("e", "escalateToHuman", json!({"reason":"x"})),
            &ctx(&clock, 4000, Some("https://x.example.com/control")),
        )
        .await;
    assert!(error(&out).contains("No one is available"));
}

#[tokio::test]
async fn slow_crm_answers_still_checking_then_the_worker_delivers_with_add_message() {
    let clock = ManualClock::at(T0);
    let (tools, crm, store) = memory_tools(&clock, http_control());
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/{CALL}/control")))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let control_url = format!("{}/{CALL}/control", server.uri());

    // The webhook: the CRM is slower than the 600 ms deadline.
    crm.hold();
    let calls = vec![call(
        "call_slow",
        "lookupAccount",
        json!({"accountId":"AC-88213457"}),
    )];
    let c = ctx(&clock, 600, Some(&control_url));
    let registry: Arc<dyn ToolRegistry> = Arc::new(tools.clone());
    let outcomes = run_tool_calls(registry, &calls, &c, Duration::from_millis(600)).await;
    let answer = tool_calls_answer(&calls, &outcomes);
    let spoken = answer["results"][0]["result"].as_str().unwrap_or_default();
    assert!(spoken.contains("Still checking"), "{answer}");
    let pending = PendingTools::get(crm.as_ref(), "call_slow", clock.now_secs())
        .await
        .unwrap()
        .expect("pending record");
    assert_eq!(pending.state, PendingState::Running);

    // The worker, processing the queued delivery: too early first, then it takes over.
    crm.release();
    let fx = effects(&tools, store, SideEffectSettings::default());
    let delivery = ToolCallsDelivery {
        call_id: Some(CALL.into()),
        customer_number: Some(MARIA_PHONE.into()),
        control_url: Some(control_url.clone()),
        received_at_ms: T0,
        tool_calls: calls.clone(),
    };
    assert_eq!(
        fx.complete_pending_tools(&delivery).await.unwrap(),
        [PendingToolOutcome::RetryLater]
    );
    assert!(server
        .received_requests()
        .await
        .unwrap_or_default()
        .is_empty());
    clock.advance(600 + 2000 + 1);
    assert_eq!(
        fx.complete_pending_tools(&delivery).await.unwrap(),
        [PendingToolOutcome::Delivered]
    );
    assert_eq!(
        fx.complete_pending_tools(&delivery).await.unwrap(),
        [PendingToolOutcome::AlreadyDelivered]
    );
    let received = server.received_requests().await.unwrap_or_default();
    assert_eq!(
        received.len(),
        1,
        "the late result is delivered exactly once"
    );
    let body: serde_json::Value = serde_json::from_slice(&received[0].body).expect("json body");
    assert_eq!(body["type"], "add-message");
    assert_eq!(body["triggerResponseEnabled"], true);
    assert_eq!(body["message"]["role"], "system");
    let content = body["message"]["content"].as_str().unwrap_or_default();
    assert!(
        content.contains("lookupAccount") && content.contains("\"status\":\"active\""),
        "{content}"
    );
}

#[tokio::test]
async fn answered_tool_calls_are_not_delivered_again() {
    let (clock, control, tools, _, store) = setup();
    let calls = vec![call(
        "call_fast",
        "getTicketStatus",
        json!({"ticketId":"TKT-44109"}),
    )];
    let c = ctx(&clock, 4000, Some("https://x.example.com/control"));
    assert!(matches!(
        tools.call(&calls[0], &c).await,
        ToolOutcome::Result(_)
    ));
    clock.advance(10_000);
    let fx = effects(&tools, store, SideEffectSettings::default());
    let delivery = ToolCallsDelivery {
        call_id: Some(CALL.into()),
        customer_number: None,
        control_url: c.control_url.clone(),
        received_at_ms: T0,
        tool_calls: calls,
    };
    assert_eq!(
        fx.complete_pending_tools(&delivery).await.unwrap(),
        [PendingToolOutcome::Answered]
    );
    // An invalid call never got a record: nothing pending once the webhook window is over.
    let bad = ToolCallsDelivery {
        tool_calls: vec![call("call_bad", "getTicketStatus", json!({}))],
        ..delivery
    };
    assert_eq!(
        fx.complete_pending_tools(&bad).await.unwrap(),
        [PendingToolOutcome::NotPending]
    );
    assert!(control.sent.lock().unwrap().is_empty());
}

#[tokio::test]
async fn async_tools_are_acknowledged_at_once_and_finished_by_the_worker() {
    let (clock, control, tools, crm, store) = setup();
    crm.hold();
    let mut tc = call(
        "call_async",
        "createTicket",
        json!({"subject":"Card lost","description":"Lost my card.","priority":"urgent"}),
    );
    tc.is_async = true;
    let url = "https://x.example.com/control";
    let ack = tools.call(&tc, &ctx(&clock, 4000, Some(url))).await;
    assert!(
        matches!(&ack, ToolOutcome::Result(r) if r.contains("background")),
        "{ack:?}"
    );
    crm.release();
    clock.advance(2001);
    let fx = effects(&tools, store, SideEffectSettings::default());
    let delivery = ToolCallsDelivery {
        call_id: Some(CALL.into()),
        customer_number: Some(MARIA_PHONE.into()),
        control_url: Some(url.into()),
        received_at_ms: T0,
        tool_calls: vec![tc],
    };
    assert_eq!(
        fx.complete_pending_tools(&delivery).await.unwrap(),
        [PendingToolOutcome::Delivered]
    );
    let sent = control.sent.lock().unwrap().clone();
    assert_eq!(sent.len(), 1);
    assert!(sent[0].1["message"]["content"]
        .as_str()
        .unwrap_or_default()
        .contains("TKT-"));
}

#[tokio::test]
async fn ended_calls_trigger_no_side_effects() {
    let (clock, control, tools, crm, store) = setup();
    end_call(store.as_ref(), CALL).await;
    let before = crm.ticket_count();
    let url = "https://x.example.com/control";
    let c = ctx(&clock, 4000, Some(url));
    let out = tools
        .call(
            &call(
                "late1",
                "createTicket",
                json!({"subject":"Late","description":"After hangup.","priority":"low"}),
            ),
            &c,
        )
        .await;
    assert_eq!(error(&out), CALL_ENDED);
    let out = tools
        .call(&call("late2", "escalateToHuman", json!({"reason":"x"})), &c)
        .await;
    assert_eq!(error(&out), CALL_ENDED);
    assert_eq!(crm.ticket_count(), before);
    // A pending tool of the ended call is not delivered.
    crm.hold();
    let slow = call("late3", "lookupAccount", json!({"accountId":"AC-88213457"}));
    let _ = tools.call(&slow, &ctx(&clock, 350, Some(url))).await;
    crm.release();
    clock.advance(10_000);
    let fx = effects(
        &tools,
        store,
        SideEffectSettings {
            auto_transfer: true,
            ..SideEffectSettings::default()
        },
    );
    let delivery = ToolCallsDelivery {
        call_id: Some(CALL.into()),
        customer_number: None,
        control_url: Some(url.into()),
        received_at_ms: T0,
        tool_calls: vec![slow],
    };
    assert_eq!(
        fx.complete_pending_tools(&delivery).await.unwrap(),
        [PendingToolOutcome::CallEnded]
    );
    assert_eq!(
        fx.on_call_started(CALL, Some(MARIA_PHONE)).await.unwrap(),
        None
    );
    let d = fx
        .on_transcript(CALL, "user", "get me a real person", Some(url))
        .await
        .unwrap()
        .expect("flag still set");
    assert_eq!(d.reason, EscalationReason::RequestedPerson);
    assert!(
        control.sent.lock().unwrap().is_empty(),
        "no transfer, no add-message"
    );
}

#[tokio::test]
async fn caller_context_is_cached_and_answers_without_the_crm() {
    let (clock, _, tools, crm, store) = setup();
    let fx = effects(&tools, store, SideEffectSettings::default());
    let ctx_cached = fx
        .on_call_started(CALL, Some(MARIA_PHONE))
        .await
        .unwrap()
        .expect("known caller");
    assert_eq!(
        (ctx_cached.first_name.as_str(), ctx_cached.tier.as_str()),
        ("Maria", "gold")
    );
    assert_eq!(
        fx.on_call_started("other-call", Some("+14155550100"))
            .await
            .unwrap(),
        None,
        "unknown caller"
    );
    crm.set_failing(true);
    assert_eq!(
        fx.on_call_started(CALL, Some(MARIA_PHONE)).await.unwrap(),
        Some(ctx_cached),
        "second start reads the cache"
    );
    let c = ctx(&clock, 4000, None);
    let out = tools
        .call(
            &call("k1", "lookupAccount", json!({"accountId":"AC-88213457"})),
            &c,
        )
        .await;
    assert_eq!(result(&out)["holderFirstName"], "Maria");
    let out = tools
        .call(
            &call("k2", "getTicketStatus", json!({"ticketId":"TKT-44109"})),
            &c,
        )
        .await;
    assert_eq!(result(&out)["status"], "pending_customer_info");
}

#[tokio::test]
async fn escalation_rules_flag_the_session_and_optionally_transfer_once() {
    let (_, control, tools, crm, store) = setup();
    let fx = effects(
        &tools,
        store,
        SideEffectSettings {
            auto_transfer: true,
            ..SideEffectSettings::default()
        },
    );
    let url = "https://x.example.com/control";
    assert!(fx
        .on_transcript(CALL, "user", "my card was charged twice", Some(url))
        .await
        .unwrap()
        .is_none());
    let d = fx
        .on_transcript(CALL, "user", "Can I talk to a human please?", Some(url))
        .await
        .unwrap()
        .expect("escalate");
    assert_eq!(
        d.flags,
        vec![("escalation".to_owned(), "requested_person".to_owned())]
    );
    fx.on_transcript(CALL, "user", "Operator!", Some(url))
        .await
        .unwrap()
        .expect("escalate");
    assert_eq!(
        control.sent.lock().unwrap().len(),
        1,
        "one transfer per call"
    );
    // Repeated tool failures escalate too.
    let exp = T0 / 1000 + 600;
    crm.add_tool_failure("call-2", exp).await.unwrap();
    crm.add_tool_failure("call-2", exp).await.unwrap();
    let d = fx
        .on_transcript("call-2", "user", "ok", None)
        .await
        .unwrap()
        .expect("escalate");
    assert_eq!(d.reason, EscalationReason::RepeatedToolFailures);
}

#[tokio::test]
async fn end_of_call_note_is_redacted_and_added_once_under_the_call_lock() {
    let (_, _, tools, crm, store) = setup();
    let disabled = effects(&tools, store.clone(), SideEffectSettings::default());
    assert_eq!(
        disabled
            .on_end_of_call(
                CALL,
                None,
                "s",
                "customer-ended-call",
                LockMode::Acquire("w1")
            )
            .await
            .unwrap(),
        NoteResult::Disabled
    );
    let fx = effects(
        &tools,
        store.clone(),
        SideEffectSettings {
            call_notes: true,
            ..SideEffectSettings::default()
        },
    );
    let summary = "Maria Gonzalez called from 415-555-0142 about card 4111 1111 1111 1111.";
    // Another worker holds the lock: the record must come back later.
    assert!(store.acquire(CALL, "other", T0, 60_000).await.unwrap());
    assert!(matches!(
        fx.on_end_of_call(
            CALL,
            Some(MARIA_PHONE),
            summary,
            "customer-ended-call",
            LockMode::Acquire("w1")
        )
        .await,
        Err(SideEffectError::LockContended)
    ));
    assert!(store.release(CALL, "other").await.unwrap());
    assert_eq!(
        fx.on_end_of_call(
            CALL,
            Some(MARIA_PHONE),
            summary,
            "customer-ended-call",
            LockMode::Acquire("w1")
        )
        .await
        .unwrap(),
        NoteResult::Added
    );
    assert_eq!(
        fx.on_end_of_call(
            CALL,
            Some(MARIA_PHONE),
            summary,
            "customer-ended-call",
            LockMode::AlreadyHeld
        )
        .await
        .unwrap(),
        NoteResult::AlreadyAdded
    );
    assert_eq!(crm.note_count(), 1);
    let stored = crm.dump_text().join("\n");
    assert!(
        stored.contains("CUST-1001"),
        "the note is linked to the caller"
    );
    for pii in ["4111", "0142", "Gonzalez"] {
        assert!(!stored.contains(pii), "{pii} stored in the note");
    }
    assert!(
        store.acquire(CALL, "next", T0, 1000).await.unwrap(),
        "the lock was released"
    );
}

#[tokio::test]
async fn legacy_calls_without_an_id_are_still_created_once() {
    let (clock, _, tools, crm, _) = setup();
    let before = crm.ticket_count();
    let c = ctx(&clock, 4000, None);
    let tc = ToolCall {
        id: String::new(),
        name: "createTicket".into(),
        arguments: json!({"subject":"Legacy","description":"Legacy call.","priority":"low"}),
        is_async: false,
    };
    let a = result(&tools.call(&tc, &c).await);
    let b = result(&tools.call(&tc, &c).await);
    assert_eq!(a, b);
    assert_eq!(crm.ticket_count(), before + 1);
}

#[tokio::test]
async fn the_worker_can_wait_for_the_webhook_instead_of_failing_the_record() {
    let (clock, control, tools, crm, store) = setup();
    let tc = call(
        "call_wait",
        "getTicketStatus",
        json!({"ticketId":"TKT-44109"}),
    );
    let record = callwarden::crm::pending::PendingTool {
        tool_call_id: tc.id.clone(),
        call_id: CALL.into(),
        tool_name: tc.name.clone(),
        state: PendingState::Running,
        answer_by_ms: T0 + 4000,
        expires_at_secs: T0 / 1000 + 600,
    };
    assert!(
        crm.begin(&record, T0 / 1000).await.unwrap(),
        "the webhook started the tool"
    );
    let fx = effects(
        &tools,
        store,
        SideEffectSettings {
            max_wait: Duration::from_secs(20),
            ..SideEffectSettings::default()
        },
    );
    let delivery = ToolCallsDelivery {
        call_id: Some(CALL.into()),
        customer_number: None,
        control_url: Some("https://x.example.com/control".into()),
        received_at_ms: clock.now_ms(),
        tool_calls: vec![tc],
    };
    let worker = tokio::spawn(async move { fx.complete_pending_tools(&delivery).await });
    // The webhook answers while the worker waits.
    assert!(crm.mark_answered("call_wait").await.unwrap());
    assert_eq!(
        worker.await.expect("join").unwrap(),
        [PendingToolOutcome::Answered]
    );
    assert!(control.sent.lock().unwrap().is_empty());
}
