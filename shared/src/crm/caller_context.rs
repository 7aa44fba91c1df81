//! Caller context: who is calling, looked up once per call by phone number and cached with
//! the call's TTL, so later tool calls answer from the cache without a CRM round trip.
//!
//! The cache holds CRM-derived data only (customer id, first name, tier, account statuses
//! with the card's last four, open ticket ids and statuses): the same classification as the
//! CRM items themselves, expiring with the session TTL. Never a phone number, a transcript
//! or anything the caller said.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::ports::crm::{Account, Crm, CrmError, Deadline, Ticket};

/// An account as the cache keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountBrief {
    /// Account id.
    pub id: String,
    /// Account status.
    pub status: String,
    /// Last four digits of the card on file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_last_four: Option<String>,
}

/// A ticket as the cache keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TicketBrief {
    /// Ticket id.
    pub id: String,
    /// Ticket status.
    pub status: String,
    /// Category, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Date opened.
    #[serde(default)]
    pub opened_at: String,
}

/// The minimal context of an identified caller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallerContext {
    /// CRM customer id.
    pub customer_id: String,
    /// First name.
    pub first_name: String,
    /// Service tier.
    pub tier: String,
    /// The customer's accounts.
    pub accounts: Vec<AccountBrief>,
    /// The customer's open tickets.
    pub open_tickets: Vec<TicketBrief>,
}

impl CallerContext {
    /// The cached account `id`, when it belongs to the caller.
    pub fn account(&self, id: &str) -> Option<&AccountBrief> {
        self.accounts.iter().find(|a| a.id == id)
    }
    /// The cached open ticket `id`.
    pub fn ticket(&self, id: &str) -> Option<&TicketBrief> {
        self.open_tickets.iter().find(|t| t.id == id)
    }
}

/// Everything cached for one call.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CachedCall {
    /// The caller's context, when the caller was identified.
    pub context: Option<CallerContext>,
    /// Tool calls of this call that failed on a CRM error (escalation rule input).
    pub tool_failures: u32,
}

/// Storage of per-call cached state (DynamoDB: `CRM#CALL#<callId>` / `CONTEXT`, TTL).
#[async_trait]
pub trait CallerContextStore: Send + Sync {
    /// Store the caller's context for `call_id` until `expires_at_secs` (keeps the failure
    /// counter).
    async fn put_context(
        &self,
        call_id: &str,
        context: &CallerContext,
        expires_at_secs: i64,
    ) -> Result<(), CrmError>;
    /// Count one failed tool call; returns the new count.
    async fn add_tool_failure(&self, call_id: &str, expires_at_secs: i64) -> Result<u32, CrmError>;
    /// The cached state of `call_id` (expired state counts as absent: the default).
    async fn get(&self, call_id: &str, now_secs: i64) -> Result<CachedCall, CrmError>;
}

fn brief_account(a: &Account) -> AccountBrief {
    AccountBrief {
        id: a.id.clone(),
        status: a.status.clone(),
        card_last_four: a.card_last_four.clone(),
    }
}

/// The brief form of a ticket.
pub fn brief_ticket(t: &Ticket) -> TicketBrief {
    TicketBrief {
        id: t.id.clone(),
        status: t.status.clone(),
        category: t.category.clone(),
        opened_at: t.opened_at.clone(),
    }
}

/// Look the caller up by phone number and build the context (customer, at most 5
/// accounts, open tickets). `Ok(None)` when no customer has that number.
pub async fn load_caller_context(
    crm: &dyn Crm,
    phone: &str,
    deadline: Deadline,
) -> Result<Option<CallerContext>, CrmError> {
    let Some(customer) = crm.find_customer_by_phone(phone, deadline).await? else {
        return Ok(None);
    };
    let mut accounts = Vec::new();
    for id in customer.account_ids.iter().take(5) {
        if let Some(a) = crm.get_account(id, deadline).await? {
            accounts.push(brief_account(&a));
        }
    }
    let mut open: Vec<TicketBrief> = crm
        .open_tickets(&customer.id, deadline)
        .await?
        .iter()
        .map(brief_ticket)
        .collect();
    open.sort_by(|a, b| b.opened_at.cmp(&a.opened_at).then(a.id.cmp(&b.id)));
    open.truncate(10);
    Ok(Some(CallerContext {
        customer_id: customer.id,
        first_name: customer.first_name,
        tier: customer.tier,
        accounts,
        open_tickets: open,
    }))
}
