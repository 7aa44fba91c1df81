//! The CRM port: what the support tools need from a customer system (find the caller, read
//! an account or ticket, open a ticket exactly once, add one note per call).
//!
//! The domain types hold the minimum the tools speak: a first name, a tier, an account
//! status, the **last four** digits of a card. There is no field for a full card number, an
//! SSN or a date of birth, so no adapter can return one by accident (the HTTP adapter
//! ignores unknown fields of the remote's JSON). Adapters: `adapters::crm_dynamodb`
//! (built-in, default), `adapters::crm_http` (an existing system), `adapters::crm_memory`
//! (`callwarden dev`, tests). All three pass the contract suite in `shared/tests/crm_contract.rs`.

use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

/// A point in time by which a CRM request must be answered. Adapters never wait past it
/// (the HTTP adapter's retries stop before it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Deadline(tokio::time::Instant);

impl Deadline {
    /// A deadline at `instant`.
    pub fn at(instant: tokio::time::Instant) -> Self {
        Self(instant)
    }
    /// A deadline `budget` from now.
    pub fn after(budget: Duration) -> Self {
        Self(tokio::time::Instant::now() + budget)
    }
    /// The deadline of a tool call: `deadline_ms` (epoch ms) seen from `now_ms` (epoch ms,
    /// the caller's clock). A deadline already past gives zero remaining time.
    pub fn from_epoch_ms(deadline_ms: i64, now_ms: i64) -> Self {
        let left = u64::try_from(deadline_ms.saturating_sub(now_ms)).unwrap_or(0);
        Self::after(Duration::from_millis(left))
    }
    /// The instant itself.
    pub fn instant(&self) -> tokio::time::Instant {
        self.0
    }
    /// Time left until the deadline (zero when past).
    pub fn remaining(&self) -> Duration {
        self.0
            .saturating_duration_since(tokio::time::Instant::now())
    }
    /// This deadline moved earlier by `margin` (never before now).
    pub fn earlier_by(&self, margin: Duration) -> Self {
        let now = tokio::time::Instant::now();
        Self(self.0.checked_sub(margin).map_or(now, |t| t.max(now)))
    }
}

/// A customer (CRM record). `phone` is E.164; `last_name` and `email` are kept for the
/// CRM's own use and never put into a tool result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Customer {
    /// CRM customer id (`CUST-...`).
    pub id: String,
    /// First name: the only name a tool result carries.
    pub first_name: String,
    /// Last name (never spoken back by the tools).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Phone number, E.164: the caller lookup key.
    pub phone: String,
    /// E-mail address (never spoken back by the tools).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Service tier (`standard`, `gold`, ...).
    #[serde(default = "default_tier")]
    pub tier: String,
    /// Accounts held by the customer.
    #[serde(default)]
    pub account_ids: Vec<String>,
}

fn default_tier() -> String {
    "standard".to_string()
}

/// An account (CRM record). Only the last four digits of the card on file exist here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    /// Account id (`AC-########`).
    pub id: String,
    /// Holder's customer id.
    pub customer_id: String,
    /// `active`, `frozen`, `closed`, ...
    pub status: String,
    /// Product name (`checking`, `savings`, `credit`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// Last four digits of the card on file, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_last_four: Option<String>,
}

/// A support ticket (CRM record).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Ticket {
    /// Ticket id (`TKT-#####`).
    pub id: String,
    /// Customer the ticket belongs to, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    /// Account the ticket is about, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// Subject line (redacted before it is stored).
    #[serde(default)]
    pub subject: String,
    /// Category (`card_dispute`, `billing`, ...), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// `open`, `in_progress`, `pending_customer_info`, `resolved`, `closed`, ...
    pub status: String,
    /// `low`, `normal`, `high`, `urgent`.
    #[serde(default = "default_priority")]
    pub priority: String,
    /// Date opened, `YYYY-MM-DD` (UTC).
    #[serde(default)]
    pub opened_at: String,
}

fn default_priority() -> String {
    "normal".to_string()
}

impl Ticket {
    /// True while the ticket still needs work (not `resolved` / `closed`).
    pub fn is_open(&self) -> bool {
        !matches!(self.status.as_str(), "resolved" | "closed" | "cancelled")
    }
}

/// A ticket to open. `idempotency_key` (the Vapi `toolCallId`) makes the creation exactly
/// once: every adapter returns the ticket first created under a key for every later request
/// with that key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTicket {
    /// Stable key of the request (`toolCallId`).
    pub idempotency_key: String,
    /// Subject line, already redacted.
    pub subject: String,
    /// Description, already redacted.
    pub description: String,
    /// `low`, `normal`, `high`, `urgent`.
    pub priority: String,
    /// The caller's customer id, when the caller was identified.
    pub customer_id: Option<String>,
    /// The Vapi call the ticket was opened in.
    pub call_id: Option<String>,
    /// Creation time, epoch ms (sets `opened_at`).
    pub created_at_ms: i64,
}

/// A note added to the CRM at the end of a call: the redacted summary and the outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallNote {
    /// The Vapi call id: one note per call (the idempotency key of the note).
    pub call_id: String,
    /// The caller's customer id, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    /// Redacted call summary.
    pub summary: String,
    /// Outcome (Vapi `endedReason`, an enum-like string).
    pub outcome: String,
    /// When the note was written, epoch ms.
    pub created_at_ms: i64,
}

/// Whether [`Crm::add_call_note`] wrote the note or found it already there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteOutcome {
    /// The note was added now.
    Added,
    /// A note for this call already existed; nothing was written.
    AlreadyPresent,
}

/// A CRM failure, worded so the tool layer can turn it into a sentence the assistant can
/// speak. Messages carry ids and status codes only, never CRM field values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CrmError {
    /// The CRM refused the request (4xx other than 404): not worth retrying.
    #[error("the CRM rejected the request (status {status})")]
    Rejected {
        /// HTTP status (or 400 for adapters without one).
        status: u16,
    },
    /// The CRM failed or could not be reached (5xx, network, throttling), after retries.
    #[error("the CRM is unavailable: {0}")]
    Unavailable(String),
    /// No answer before the deadline.
    #[error("the CRM did not answer in time")]
    Timeout,
    /// The CRM answered with data of an unexpected shape.
    #[error("the CRM answered with unexpected data: {0}")]
    Malformed(String),
    /// The adapter is configured wrongly (names the variable).
    #[error("CRM misconfigured: {0}")]
    Misconfigured(String),
}

/// A customer system. Lookups return `Ok(None)` when the record does not exist.
#[async_trait]
pub trait Crm: Send + Sync {
    /// The customer whose phone number is `phone` (E.164).
    async fn find_customer_by_phone(
        &self,
        phone: &str,
        deadline: Deadline,
    ) -> Result<Option<Customer>, CrmError>;

    /// The customer `customer_id`.
    async fn get_customer(
        &self,
        customer_id: &str,
        deadline: Deadline,
    ) -> Result<Option<Customer>, CrmError>;

    /// The account `account_id`.
    async fn get_account(
        &self,
        account_id: &str,
        deadline: Deadline,
    ) -> Result<Option<Account>, CrmError>;

    /// The ticket `ticket_id`.
    async fn get_ticket(
        &self,
        ticket_id: &str,
        deadline: Deadline,
    ) -> Result<Option<Ticket>, CrmError>;

    /// The customer's tickets that are still open (at most 20, any order).
    async fn open_tickets(
        &self,
        customer_id: &str,
        deadline: Deadline,
    ) -> Result<Vec<Ticket>, CrmError>;

    /// Open a ticket, exactly once per `ticket.idempotency_key`: a repeated key returns the
    /// ticket first created under it, however many requests race.
    async fn create_ticket(
        &self,
        ticket: &NewTicket,
        deadline: Deadline,
    ) -> Result<Ticket, CrmError>;

    /// Add the end-of-call note, at most once per `note.call_id`.
    async fn add_call_note(
        &self,
        note: &CallNote,
        deadline: Deadline,
    ) -> Result<NoteOutcome, CrmError>;
}

/// `YYYY-MM-DD` (UTC) of `epoch_ms`: the `opened_at` of new tickets.
pub fn utc_date(epoch_ms: i64) -> String {
    crate::adapters::dynamodb::utc_day(epoch_ms.div_euclid(1000))
}

/// The ticket number after `n`: `TKT-` and at least five digits.
pub fn ticket_id(n: u64) -> String {
    format!("TKT-{n:05}")
}
