//! One contract suite for the CRM port and the tools' records, run against the in-memory
//! adapter and the DynamoDB adapter on DynamoDB Local (real conditions and transactions).

mod crm_support;

use std::sync::Arc;
use std::time::Duration;

use callwarden::crm::caller_context::{load_caller_context, CallerContextStore};
use callwarden::crm::create_once::TicketReceipts;
use callwarden::crm::pending::{PendingState, PendingTool, PendingTools};
use callwarden::ports::crm::{CallNote, Crm, Deadline, NewTicket, NoteOutcome};
use crm_support::*;

trait All: Crm + PendingTools + CallerContextStore + TicketReceipts {}
impl<T: Crm + PendingTools + CallerContextStore + TicketReceipts> All for T {}

macro_rules! contract {
    ($($case:ident),* $(,)?) => {$(
        mod $case {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn memory() {
                let crm = std::sync::Arc::new(callwarden::adapters::crm_memory::MemoryCrm::seeded(&super::seed()).expect("seed"));
                super::$case(crm).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn dynamodb() {
                if let Some((crm, _)) = super::dynamo_pair(stringify!($case)).await {
                    super::$case(crm).await;
                }
            }
        }
    )*};
}

contract!(
    seeded_records_read_back,
    missing_records_are_none,
    create_ticket_is_idempotent_per_key,
    racing_creations_with_one_key_make_one_ticket,
    call_note_is_added_once,
    pending_record_lifecycle,
    caller_context_cache_and_failure_counter,
    receipts_keep_the_first_ticket,
);

fn dl() -> Deadline {
    Deadline::after(Duration::from_secs(10))
}

fn new_ticket(key: &str) -> NewTicket {
    NewTicket {
        idempotency_key: key.into(),
        subject: "Duplicate charge".into(),
        description: "Card [CREDIT_CARD] charged twice".into(),
        priority: "high".into(),
        customer_id: Some("CUST-1001".into()),
        call_id: Some(CALL.into()),
        created_at_ms: T0,
    }
}

async fn seeded_records_read_back<C: All>(crm: Arc<C>) {
    let c = crm
        .find_customer_by_phone(MARIA_PHONE, dl())
        .await
        .unwrap()
        .expect("customer by phone");
    assert_eq!(
        (c.id.as_str(), c.first_name.as_str(), c.tier.as_str()),
        ("CUST-1001", "Maria", "gold")
    );
    assert_eq!(
        crm.get_customer("CUST-1002", dl())
            .await
            .unwrap()
            .map(|c| c.first_name),
        Some("Dev".into())
    );
    let a = crm
        .get_account("AC-88213457", dl())
        .await
        .unwrap()
        .expect("account");
    assert_eq!(
        (a.status.as_str(), a.card_last_four.as_deref()),
        ("active", Some("1111"))
    );
    let t = crm
        .get_ticket("TKT-44109", dl())
        .await
        .unwrap()
        .expect("ticket");
    assert_eq!(t.status, "pending_customer_info");
    let open = crm.open_tickets("CUST-1001", dl()).await.unwrap();
    let ids: Vec<&str> = open.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["TKT-44109"], "resolved tickets are not open");
    let ctx = load_caller_context(crm.as_ref(), MARIA_PHONE, dl())
        .await
        .unwrap()
        .expect("context");
    assert_eq!(ctx.first_name, "Maria");
    assert_eq!(ctx.accounts.len(), 1);
    assert_eq!(ctx.open_tickets.len(), 1);
}

async fn missing_records_are_none<C: All>(crm: Arc<C>) {
    assert!(crm
        .find_customer_by_phone("+14155550100", dl())
        .await
        .unwrap()
        .is_none());
    assert!(crm.get_customer("CUST-9", dl()).await.unwrap().is_none());
    assert!(crm
        .get_account("AC-00000000", dl())
        .await
        .unwrap()
        .is_none());
    assert!(crm.get_ticket("TKT-00001", dl()).await.unwrap().is_none());
    assert!(crm.open_tickets("CUST-9", dl()).await.unwrap().is_empty());
    assert!(load_caller_context(crm.as_ref(), "+14155550100", dl())
        .await
        .unwrap()
        .is_none());
}

async fn create_ticket_is_idempotent_per_key<C: All>(crm: Arc<C>) {
    let first = crm.create_ticket(&new_ticket("k1"), dl()).await.unwrap();
    assert_eq!(first.status, "open");
    assert!(first.id.starts_with("TKT-"), "{}", first.id);
    let n: u64 = first.id[4..].parse().expect("number");
    assert!(n > 44187, "new tickets are numbered above the seeded ones");
    let again = crm.create_ticket(&new_ticket("k1"), dl()).await.unwrap();
    assert_eq!(again, first, "same key, same ticket");
    let other = crm.create_ticket(&new_ticket("k2"), dl()).await.unwrap();
    assert_ne!(other.id, first.id);
    assert_eq!(
        crm.get_ticket(&first.id, dl()).await.unwrap().map(|t| t.id),
        Some(first.id.clone())
    );
    let open: Vec<String> = crm
        .open_tickets("CUST-1001", dl())
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.id)
        .collect();
    assert!(open.contains(&first.id) && open.contains(&other.id));
}

async fn racing_creations_with_one_key_make_one_ticket<C: All + 'static>(crm: Arc<C>) {
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let crm = crm.clone();
            tokio::spawn(async move { crm.create_ticket(&new_ticket("race"), dl()).await })
        })
        .collect();
    let mut ids = Vec::new();
    for t in tasks {
        ids.push(t.await.expect("join").expect("created").id);
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "every racer got the same ticket: {ids:?}");
    let open = crm.open_tickets("CUST-1001", dl()).await.unwrap();
    assert_eq!(open.iter().filter(|t| t.id == ids[0]).count(), 1);
    assert_eq!(
        open.len(),
        2,
        "one seeded open ticket plus exactly one new one"
    );
}

async fn call_note_is_added_once<C: All>(crm: Arc<C>) {
    let note = CallNote {
        call_id: CALL.into(),
        customer_id: Some("CUST-1001".into()),
        summary: "Caller [PERSON] asked about a ticket.".into(),
        outcome: "customer-ended-call".into(),
        created_at_ms: T0,
    };
    assert_eq!(
        crm.add_call_note(&note, dl()).await.unwrap(),
        NoteOutcome::Added
    );
    assert_eq!(
        crm.add_call_note(&note, dl()).await.unwrap(),
        NoteOutcome::AlreadyPresent
    );
}

async fn pending_record_lifecycle<C: All>(crm: Arc<C>) {
    let now = T0 / 1000;
    let r = PendingTool {
        tool_call_id: "tc-1".into(),
        call_id: CALL.into(),
        tool_name: "lookupAccount".into(),
        state: PendingState::Running,
        answer_by_ms: T0 + 4000,
        expires_at_secs: now + 60,
    };
    assert!(PendingTools::get(crm.as_ref(), "tc-1", now)
        .await
        .unwrap()
        .is_none());
    assert!(crm.begin(&r, now).await.unwrap());
    assert!(
        !crm.begin(&r, now).await.unwrap(),
        "a duplicate delivery does not restart the record"
    );
    let got = PendingTools::get(crm.as_ref(), "tc-1", now)
        .await
        .unwrap()
        .expect("record");
    assert_eq!(got, r);
    assert!(crm.mark_answered("tc-1").await.unwrap());
    assert!(
        !crm.mark_answered("tc-1").await.unwrap(),
        "only RUNNING records are answered"
    );
    assert!(!crm.mark_answered("tc-absent").await.unwrap());
    assert_eq!(
        PendingTools::get(crm.as_ref(), "tc-1", now)
            .await
            .unwrap()
            .map(|r| r.state),
        Some(PendingState::Answered)
    );
    assert!(
        PendingTools::get(crm.as_ref(), "tc-1", now + 61)
            .await
            .unwrap()
            .is_none(),
        "expired records are absent"
    );
    assert!(
        crm.begin(
            &PendingTool {
                expires_at_secs: now + 200,
                ..r.clone()
            },
            now + 61
        )
        .await
        .unwrap(),
        "an expired record is replaced"
    );
    assert_eq!(
        PendingTools::get(crm.as_ref(), "tc-1", now + 61)
            .await
            .unwrap()
            .map(|r| r.state),
        Some(PendingState::Running)
    );
}

async fn caller_context_cache_and_failure_counter<C: All>(crm: Arc<C>) {
    let now = T0 / 1000;
    assert_eq!(
        CallerContextStore::get(crm.as_ref(), CALL, now)
            .await
            .unwrap(),
        Default::default()
    );
    assert_eq!(crm.add_tool_failure(CALL, now + 60).await.unwrap(), 1);
    let ctx = load_caller_context(crm.as_ref(), MARIA_PHONE, dl())
        .await
        .unwrap()
        .expect("context");
    crm.put_context(CALL, &ctx, now + 60).await.unwrap();
    assert_eq!(
        crm.add_tool_failure(CALL, now + 60).await.unwrap(),
        2,
        "the counter survives a context write"
    );
    let cached = CallerContextStore::get(crm.as_ref(), CALL, now)
        .await
        .unwrap();
    assert_eq!(cached.context, Some(ctx));
    assert_eq!(cached.tool_failures, 2);
    assert_eq!(
        CallerContextStore::get(crm.as_ref(), CALL, now + 61)
            .await
            .unwrap(),
        Default::default(),
        "expired"
    );
}

async fn receipts_keep_the_first_ticket<C: All>(crm: Arc<C>) {
    let now = T0 / 1000;
    let first = crm.create_ticket(&new_ticket("r1"), dl()).await.unwrap();
    let second = crm.create_ticket(&new_ticket("r2"), dl()).await.unwrap();
    assert!(crm.get_receipt("r1", now).await.unwrap().is_none());
    crm.put_receipt("r1", &first, now + 60).await.unwrap();
    crm.put_receipt("r1", &second, now + 60).await.unwrap();
    assert_eq!(
        crm.get_receipt("r1", now).await.unwrap().map(|t| t.id),
        Some(first.id)
    );
    assert!(
        crm.get_receipt("r1", now + 61).await.unwrap().is_none(),
        "expired"
    );
}
