//! The constructors the binaries call: `dev_crm` (in-memory, seeded unless told not to)
//! and `tools_from_env` / `side_effects_from_env` (DynamoDB Local, built-in CRM).

mod crm_support;

use std::sync::Arc;

use callwarden::adapters::crm_dynamodb::DynamoCrm;
use callwarden::adapters::memory_store::MemoryStore;
use callwarden::crm::config::{dev_crm, side_effects_from_env, tools_from_env};
use callwarden::ports::{ToolContext, ToolOutcome, ToolRegistry};
use crm_support::*;
use serde_json::json;

fn live_ctx() -> ToolContext {
    let now = callwarden::clock::Clock::now_ms(&callwarden::clock::SystemClock);
    ToolContext {
        call_id: Some(CALL.into()),
        customer_number: Some(MARIA_PHONE.into()),
        control_url: None,
        deadline_ms: now + 4000,
    }
}

#[tokio::test]
async fn dev_crm_is_seeded_unless_told_not_to() {
    let lookup = call("d1", "lookupAccount", json!({"accountId":"AC-88213457"}));
    let seeded = dev_crm(Arc::new(MemoryStore::new()), true, Some(escalation())).expect("dev crm");
    assert!(
        matches!(seeded.tools.call(&lookup, &live_ctx()).await, ToolOutcome::Result(r) if r.contains("Maria"))
    );
    let empty = dev_crm(Arc::new(MemoryStore::new()), false, None).expect("dev crm");
    assert!(
        matches!(empty.tools.call(&lookup, &live_ctx()).await, ToolOutcome::Error(e) if e.contains("could not find"))
    );
    assert_eq!(empty.crm.ticket_count(), 0);
}

#[tokio::test]
async fn tools_from_env_use_the_built_in_crm_on_table_name() {
    let Some((client, table)) = dynamo("tools_from_env").await else {
        return;
    };
    DynamoCrm::new(client, table.clone())
        .seed(&seed())
        .await
        .expect("seed");
    std::env::set_var("TABLE_NAME", &table);
    std::env::remove_var("CRM_BASE_URL");
    let tools: Arc<dyn ToolRegistry> = tools_from_env(Some(escalation())).await.expect("tools");
    let out = tools
        .call(
            &call("w1", "getTicketStatus", json!({"ticketId":"TKT-44109"})),
            &live_ctx(),
        )
        .await;
    assert!(
        matches!(&out, ToolOutcome::Result(r) if r.contains("pending_customer_info")),
        "{out:?}"
    );
    let fx = side_effects_from_env(Some(escalation()))
        .await
        .expect("hooks");
    let ctx = fx
        .on_call_started(CALL, Some(MARIA_PHONE))
        .await
        .expect("context")
        .expect("known caller");
    assert_eq!(ctx.customer_id, "CUST-1001");
}
