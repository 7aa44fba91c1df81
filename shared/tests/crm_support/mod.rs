//! Shared helpers of the CRM tests: adapters over memory or DynamoDB Local, tool calls,
//! ending a call in the archive.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use callwarden::adapters::crm_dynamodb::DynamoCrm;
use callwarden::adapters::crm_memory::MemoryCrm;
use callwarden::adapters::dynamodb::{
    create_table_if_missing, dynamodb_client_from_env, DynamoStore,
};
use callwarden::adapters::memory_store::MemoryStore;
use callwarden::clock::{Clock, ManualClock};
use callwarden::crm::call_control::{
    CallControl, CallControlError, ControlMessage, HttpCallControl,
};
use callwarden::crm::config::{build_tools, ToolRecords, ToolStore};
use callwarden::crm::seed::CrmSeed;
use callwarden::crm::{CrmTools, ToolSettings};
use callwarden::ports::crm::Crm;
use callwarden::ports::store::{
    CallLock, CommitOutcome, EventCommit, LeaseFence, ReportCommit, ReportManifest, StoredDocument,
};
use callwarden::ports::{ToolCall, ToolContext};
use callwarden::webhook::answers::{Escalation, EscalationTarget};
use serde_json::Value;

/// A fixed start time (2025-11-18).
pub const T0: i64 = 1_763_481_800_000;
/// The seeded caller (fictional).
pub const MARIA_PHONE: &str = "+14155550142";
/// A call id.
pub const CALL: &str = "c7a2e9d4-5b81-4f3c-a6e0-19d84b27f5c3";

/// The example seed.
pub fn seed() -> CrmSeed {
    CrmSeed::example().expect("example seed")
}

/// DynamoDB Local client and a fresh table, or `None` (skipped) when not configured.
pub async fn dynamo(test: &str) -> Option<(aws_sdk_dynamodb::Client, String)> {
    let endpoint = std::env::var("AWS_ENDPOINT_URL_DYNAMODB")
        .ok()
        .filter(|e| !e.is_empty());
    let Some(endpoint) = endpoint else {
        assert!(
            std::env::var("CALLWARDEN_REQUIRE_LOCAL_AWS").as_deref() != Ok("1"),
            "{test}: CALLWARDEN_REQUIRE_LOCAL_AWS=1 but AWS_ENDPOINT_URL_DYNAMODB is not set"
        );
        eprintln!("{test}: skipped: no DynamoDB Local (AWS_ENDPOINT_URL_DYNAMODB unset)");
        return None;
    };
    assert!(
        endpoint.starts_with("http://127.0.0.1:") || endpoint.starts_with("http://localhost:"),
        "{test}: refusing a non-loopback DynamoDB endpoint"
    );
    for (k, v) in [
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ] {
        if std::env::var(k).is_err() {
            std::env::set_var(k, v);
        }
    }
    let client = dynamodb_client_from_env().await;
    let table = format!("cw-crm-{}", uuid::Uuid::new_v4().simple());
    create_table_if_missing(&client, &table)
        .await
        .expect("create table on DynamoDB Local");
    Some((client, table))
}

/// A seeded DynamoDB CRM plus the worker store on the same fresh table.
pub async fn dynamo_pair(test: &str) -> Option<(Arc<DynamoCrm>, Arc<DynamoStore>)> {
    let (client, table) = dynamo(test).await?;
    let crm = Arc::new(DynamoCrm::new(client.clone(), table.clone()));
    crm.seed(&seed()).await.expect("seed");
    Some((crm, Arc::new(DynamoStore::new(client, table))))
}

/// Records every control message instead of sending it.
#[derive(Default)]
pub struct RecordingControl {
    /// (url, body) of every message.
    pub sent: std::sync::Mutex<Vec<(String, Value)>>,
}

#[async_trait]
impl CallControl for RecordingControl {
    async fn send(&self, url: &str, message: &ControlMessage) -> Result<(), CallControlError> {
        self.sent
            .lock()
            .expect("lock")
            .push((url.to_owned(), message.body()));
        Ok(())
    }
}

/// The escalation used in the tests.
pub fn escalation() -> Escalation {
    Escalation {
        target: EscalationTarget::Number("+14155550177".into()),
        message: "Connecting you with our team.".into(),
    }
}

/// Tools over given adapters, a manual clock at `T0` and a control client.
pub fn tools_over<R: ToolRecords + 'static, S: ToolStore + 'static>(
    crm: Arc<dyn Crm>,
    records: Arc<R>,
    store: Arc<S>,
    control: Arc<dyn CallControl>,
    clock: &ManualClock,
) -> CrmTools {
    let clock: Arc<dyn Clock> = Arc::new(clock.clone());
    build_tools(
        crm,
        records,
        store,
        control,
        Some(escalation()),
        clock,
        ToolSettings::default(),
    )
    .expect("tools")
}

/// Tools over a seeded memory CRM and memory store.
pub fn memory_tools(
    clock: &ManualClock,
    control: Arc<dyn CallControl>,
) -> (CrmTools, Arc<MemoryCrm>, Arc<MemoryStore>) {
    let crm = Arc::new(MemoryCrm::seeded(&seed()).expect("seed"));
    let store = Arc::new(MemoryStore::new());
    let tools = tools_over(crm.clone(), crm.clone(), store.clone(), control, clock);
    (tools, crm, store)
}

/// A real HTTP control client (for wiremock control URLs).
pub fn http_control() -> Arc<dyn CallControl> {
    Arc::new(HttpCallControl::new(Duration::from_secs(5), None).expect("client"))
}

/// A tool call.
pub fn call(id: &str, name: &str, args: Value) -> ToolCall {
    ToolCall {
        id: id.into(),
        name: name.into(),
        arguments: args,
        is_async: false,
    }
}

/// The context of a live call from the seeded caller, deadline `budget_ms` from `clock`.
pub fn ctx(clock: &ManualClock, budget_ms: i64, control_url: Option<&str>) -> ToolContext {
    ToolContext {
        call_id: Some(CALL.into()),
        customer_number: Some(MARIA_PHONE.into()),
        control_url: control_url.map(str::to_owned),
        deadline_ms: clock.now_ms() + budget_ms,
    }
}

/// Archive the call as ended (an end-of-call report commit).
pub async fn end_call<S: ToolStore + CallLock + ?Sized>(store: &S, call_id: &str) {
    let key = format!("test-report:{call_id}");
    assert!(store
        .acquire(call_id, "tok", T0, 30_000)
        .await
        .expect("acquire"));
    store
        .claim(&key, "tok", T0, T0 + 60_000, T0 / 1000 + 3600)
        .await
        .expect("claim");
    let commit = EventCommit {
        call_id: call_id.into(),
        idempotency_key: key,
        idempotency_token: "tok".into(),
        idempotency_expires_at_secs: T0 / 1000 + 3600,
        now_secs: T0 / 1000,
        call: Default::default(),
        session: None,
        segment: None,
        event: None,
        report: Some(ReportCommit {
            manifest: ReportManifest {
                ts_ms: T0,
                arrival_ms: T0,
                ended_reason: Some("customer-ended-call".into()),
                body: StoredDocument {
                    inline: Some("{}".into()),
                    parts: 0,
                    bytes: 2,
                },
            },
            lease: LeaseFence {
                owner: "tok".into(),
                now_ms: T0,
            },
        }),
        late: false,
    };
    assert_eq!(
        store.commit(&commit).await.expect("commit"),
        CommitOutcome::Committed
    );
    assert!(store.report_archived(call_id).await.expect("archived"));
}

/// Parse a JSON result string.
pub fn json_of(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("result is not JSON ({e}): {s}"))
}
