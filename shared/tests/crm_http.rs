//! The HTTP CRM adapter against a local `wiremock` server: happy paths, 404, 4xx, 5xx with
//! retries, slow answers, the deadline, idempotency keys and dropped sensitive fields.

use std::time::Duration;

use callwarden::adapters::crm_http::{HttpCrm, HttpCrmConfig};
use callwarden::ports::crm::{CallNote, Crm, CrmError, Deadline, NewTicket, NoteOutcome};
use serde_json::json;
use wiremock::matchers::{body_partial_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "crm-test-token";

fn crm(server: &MockServer, retries: u32, timeout_ms: u64) -> HttpCrm {
    let mut c = HttpCrmConfig::new(server.uri(), TOKEN);
    c.max_retries = retries;
    c.request_timeout = Duration::from_millis(timeout_ms);
    // Short backoff keeps the suite fast; the 500 ms / 5 s schedule is unit-tested.
    c.backoff_start = Duration::from_millis(10);
    c.backoff_cap = Duration::from_millis(40);
    HttpCrm::new(c).expect("adapter")
}

fn dl() -> Deadline {
    Deadline::after(Duration::from_secs(10))
}

fn ticket_json() -> serde_json::Value {
    json!({"id":"TKT-44109","customerId":"CUST-1001","status":"pending_customer_info","category":"card_dispute","priority":"normal","openedAt":"2025-11-11","subject":"Duplicate charge"})
}

#[tokio::test]
async fn lookups_send_the_bearer_and_keep_phone_numbers_out_of_urls() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/customers/search"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(body_partial_json(json!({"phone": "+14155550142"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id":"CUST-1001","firstName":"Maria","phone":"+14155550142","tier":"gold","accountIds":["AC-88213457"],
            "ssn":"123-45-6789","dateOfBirth":"1984-03-14"
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/accounts/AC-88213457"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id":"AC-88213457","customerId":"CUST-1001","status":"active","cardLastFour":"1111","cardNumber":"4111111111111111"
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/customers/CUST-1001/tickets"))
        .and(query_param("status", "open"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"tickets":[ticket_json(), {"id":"TKT-39001","status":"resolved"}]}),
        ))
        .mount(&server)
        .await;
    let crm = crm(&server, 0, 1000);
    let c = crm
        .find_customer_by_phone("+14155550142", dl())
        .await
        .unwrap()
        .expect("customer");
    assert_eq!(c.first_name, "Maria");
    let debug = format!("{c:?}");
    assert!(
        !debug.contains("6789") && !debug.contains("1984"),
        "unknown sensitive fields are dropped"
    );
    let a = crm
        .get_account("AC-88213457", dl())
        .await
        .unwrap()
        .expect("account");
    assert_eq!(a.card_last_four.as_deref(), Some("1111"));
    assert!(
        !format!("{a:?}").contains("4111111111111111"),
        "full card numbers never enter the domain"
    );
    let open = crm.open_tickets("CUST-1001", dl()).await.unwrap();
    assert_eq!(open.len(), 1, "resolved tickets are filtered");
    for r in server.received_requests().await.unwrap_or_default() {
        assert!(!r.url.as_str().contains("5550142"), "phone number in a URL");
    }
}

#[tokio::test]
async fn not_found_is_none_and_client_errors_are_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/tickets/TKT-00001"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/tickets/TKT-00002"))
        .respond_with(ResponseTemplate::new(422))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/tickets/TKT-00003"))
        .respond_with(ResponseTemplate::new(401))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/tickets/TKT-00004"))
        .respond_with(ResponseTemplate::new(200).set_body_string("not json"))
        .mount(&server)
        .await;
    let crm = crm(&server, 3, 1000);
    assert_eq!(crm.get_ticket("TKT-00001", dl()).await.unwrap(), None);
    assert_eq!(
        crm.get_ticket("TKT-00002", dl()).await.unwrap_err(),
        CrmError::Rejected { status: 422 }
    );
    let e = crm.get_ticket("TKT-00003", dl()).await.unwrap_err();
    assert!(
        matches!(&e, CrmError::Misconfigured(m) if m.contains("CRM_API_TOKEN")),
        "{e}"
    );
    assert!(
        !e.to_string().contains(TOKEN),
        "the token itself is never in an error"
    );
    assert!(matches!(
        crm.get_ticket("TKT-00004", dl()).await.unwrap_err(),
        CrmError::Malformed(_)
    ));
}

#[tokio::test]
async fn server_errors_are_retried_then_succeed() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/tickets/TKT-44109"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/tickets/TKT-44109"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ticket_json()))
        .expect(1)
        .mount(&server)
        .await;
    let t = crm(&server, 2, 1000)
        .get_ticket("TKT-44109", dl())
        .await
        .unwrap()
        .expect("ticket");
    assert_eq!(t.status, "pending_customer_info");
}

#[tokio::test]
async fn persistent_server_errors_give_up_after_the_retry_budget() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/accounts/AC-88213457"))
        .respond_with(ResponseTemplate::new(500))
        .expect(3)
        .mount(&server)
        .await;
    let e = crm(&server, 2, 1000)
        .get_account("AC-88213457", dl())
        .await
        .unwrap_err();
    assert!(
        matches!(&e, CrmError::Unavailable(m) if m.contains("500")),
        "{e}"
    );
}

#[tokio::test]
async fn slow_answers_time_out_and_retries_never_pass_the_deadline() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/accounts/AC-88213457"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_delay(Duration::from_secs(5))
                .set_body_json(json!({"id":"AC-88213457","customerId":"C","status":"active"})),
        )
        .mount(&server)
        .await;
    // Per-request timeout 150 ms, many retries allowed, but the deadline is 400 ms away.
    let crm = crm(&server, 5, 150);
    let deadline = Deadline::after(Duration::from_millis(400));
    let e = crm.get_account("AC-88213457", deadline).await.unwrap_err();
    assert_eq!(e, CrmError::Timeout);
    let attempts = server.received_requests().await.unwrap_or_default().len();
    assert!(
        (1..=3).contains(&attempts),
        "retries stop at the deadline ({attempts} attempts)"
    );
}

#[tokio::test]
async fn ticket_creation_carries_the_idempotency_key_and_notes_report_conflicts() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/tickets"))
        .and(header("idempotency-key", "crm-tool:createTicket:call_Hf5r"))
        .and(body_partial_json(
            json!({"priority":"high","customerId":"CUST-1001"}),
        ))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/tickets"))
        .and(header("idempotency-key", "crm-tool:createTicket:call_Hf5r"))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json!({"id":"TKT-50001","status":"open","priority":"high"})),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/calls/call-1/notes"))
        .and(header("idempotency-key", "note-call-1"))
        .respond_with(ResponseTemplate::new(409))
        .mount(&server)
        .await;
    let crm = crm(&server, 2, 1000);
    let t = NewTicket {
        idempotency_key: "crm-tool:createTicket:call_Hf5r".into(),
        subject: "Duplicate charge".into(),
        description: "Charged twice".into(),
        priority: "high".into(),
        customer_id: Some("CUST-1001".into()),
        call_id: Some("call-1".into()),
        created_at_ms: 0,
    };
    assert_eq!(
        crm.create_ticket(&t, dl()).await.unwrap().id,
        "TKT-50001",
        "a retried POST keeps its key"
    );
    let note = CallNote {
        call_id: "call-1".into(),
        customer_id: None,
        summary: "s".into(),
        outcome: "o".into(),
        created_at_ms: 0,
    };
    assert_eq!(
        crm.add_call_note(&note, dl()).await.unwrap(),
        NoteOutcome::AlreadyPresent
    );
}

#[tokio::test]
async fn an_unreachable_crm_is_unavailable() {
    // A port nothing listens on (bound then dropped).
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    let mut c = HttpCrmConfig::new(format!("http://127.0.0.1:{port}"), TOKEN);
    c.max_retries = 1;
    c.backoff_start = Duration::from_millis(5);
    let e = HttpCrm::new(c)
        .expect("adapter")
        .get_ticket("TKT-44109", dl())
        .await
        .unwrap_err();
    assert!(
        matches!(&e, CrmError::Unavailable(m) if !m.contains("127.0.0.1")),
        "{e}"
    );
}
