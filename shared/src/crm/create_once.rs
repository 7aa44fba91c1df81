//! `createTicket` exactly once per `toolCallId`, however many deliveries race.
//!
//! The worker's [`IdempotencyStore`] serialises the attempts: the first delivery claims
//! `crm-tool:createTicket:<toolCallId>` (INPROGRESS), creates the ticket, writes a
//! **receipt** (the ticket id keyed by the same key: the idempotency port stores no result
//! payload) and completes the record. A concurrent duplicate finds the record INPROGRESS
//! and waits, bounded by its deadline and with growing pauses, until it is COMPLETED, then
//! answers from the receipt: the first ticket, never a second one. A delivery that gives up
//! waiting answers "still working" and the worker finishes it later.
//!
//! A crash between the CRM write and the receipt leaves the record INPROGRESS until its
//! short lease ends; the next claimer creates again with the **same idempotency key**,
//! which every adapter deduplicates (built-in CRMs by a conditional write keyed by the
//! key; the HTTP CRM by the `Idempotency-Key` header, which the remote must honour).

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use crate::clock::Clock;
use crate::ports::crm::{Crm, CrmError, Deadline, NewTicket, Ticket};
use crate::ports::store::{ClaimOutcome, IdempotencyStore, StoreError};

/// Receipts of created tickets keyed by the creation's idempotency key (DynamoDB:
/// `CRM#RECEIPT#<key>` / `RECEIPT`, TTL). A receipt holds the ticket without its subject.
#[async_trait]
pub trait TicketReceipts: Send + Sync {
    /// Store the receipt unless one exists (the first one wins).
    async fn put_receipt(
        &self,
        key: &str,
        ticket: &Ticket,
        expires_at_secs: i64,
    ) -> Result<(), CrmError>;
    /// The live receipt of `key`.
    async fn get_receipt(&self, key: &str, now_secs: i64) -> Result<Option<Ticket>, CrmError>;
}

/// Why an exactly-once creation did not produce a ticket.
#[derive(Debug, thiserror::Error)]
pub enum CreateOnceError {
    /// The CRM failed.
    #[error(transparent)]
    Crm(#[from] CrmError),
    /// The idempotency store failed.
    #[error("idempotency store: {0}")]
    Store(#[from] StoreError),
    /// Another delivery of the same tool call is still running the side effect.
    #[error("another delivery of this tool call is still running it")]
    StillInProgress,
    /// A Live Call Control message was not delivered.
    #[error(transparent)]
    Control(#[from] crate::crm::call_control::CallControlError),
}

/// The idempotency key of a tool call's side effect (ids only, never PII).
pub fn tool_effect_key(tool: &str, tool_call_id: &str) -> String {
    let id: String = tool_call_id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        .take(128)
        .collect();
    format!("crm-tool:{tool}:{id}")
}

/// Runs side effects exactly once through the idempotency records.
#[derive(Clone)]
pub struct ExactlyOnce {
    /// Idempotency records (the worker's port).
    pub idempotency: Arc<dyn IdempotencyStore>,
    /// Ticket receipts.
    pub receipts: Arc<dyn TicketReceipts>,
    /// Time source.
    pub clock: Arc<dyn Clock>,
    /// Lifetime of COMPLETED records and receipts (seconds).
    pub ttl_secs: i64,
}

/// First pause while a duplicate waits for the first delivery.
const FIRST_WAIT: Duration = Duration::from_millis(50);
/// Longest pause between two looks.
const MAX_WAIT: Duration = Duration::from_millis(400);
/// How long an INPROGRESS claim outlives its deadline (then another delivery may take over).
const LEASE_SLACK_MS: i64 = 1000;

impl ExactlyOnce {
    /// Create `ticket` exactly once per `ticket.idempotency_key`.
    pub async fn create_ticket(
        &self,
        crm: &dyn Crm,
        ticket: &NewTicket,
        deadline: Deadline,
    ) -> Result<Ticket, CreateOnceError> {
        let key = &ticket.idempotency_key;
        let token = uuid::Uuid::new_v4().simple().to_string();
        let mut pause = FIRST_WAIT;
        loop {
            let now_ms = self.clock.now_ms();
            let remaining_ms = i64::try_from(deadline.remaining().as_millis()).unwrap_or(i64::MAX);
            let lease_until = now_ms
                .saturating_add(remaining_ms)
                .saturating_add(LEASE_SLACK_MS);
            let expires = now_ms.div_euclid(1000) + self.ttl_secs;
            match self
                .idempotency
                .claim(key, &token, now_ms, lease_until, expires)
                .await?
            {
                ClaimOutcome::Claimed => {
                    return self.create_claimed(crm, ticket, &token, deadline).await
                }
                ClaimOutcome::AlreadyCompleted => {
                    if let Some(t) = self
                        .receipts
                        .get_receipt(key, self.clock.now_secs())
                        .await?
                    {
                        return Ok(t);
                    }
                    // Receipt gone (expired): the adapter's own key deduplication answers.
                    return Ok(crm.create_ticket(ticket, deadline).await?);
                }
                ClaimOutcome::InProgress => {
                    if deadline.remaining() <= pause {
                        return Err(CreateOnceError::StillInProgress);
                    }
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(MAX_WAIT);
                }
            }
        }
    }

    async fn create_claimed(
        &self,
        crm: &dyn Crm,
        ticket: &NewTicket,
        token: &str,
        deadline: Deadline,
    ) -> Result<Ticket, CreateOnceError> {
        let key = &ticket.idempotency_key;
        let expires = self.clock.now_secs() + self.ttl_secs;
        let result = match self.receipts.get_receipt(key, self.clock.now_secs()).await {
            Ok(Some(t)) => Ok(t),
            Ok(None) => match crm.create_ticket(ticket, deadline).await {
                Ok(t) => {
                    let receipt = Ticket {
                        subject: String::new(),
                        ..t.clone()
                    };
                    self.receipts
                        .put_receipt(key, &receipt, expires)
                        .await
                        .map(|()| t)
                }
                Err(e) => Err(e),
            },
            Err(e) => Err(e),
        };
        match result {
            Ok(t) => {
                self.idempotency.complete(key, token, expires).await?;
                Ok(t)
            }
            Err(e) => {
                if let Err(abandon) = self.idempotency.abandon(key, token).await {
                    tracing::warn!(target: "callwarden::crm", error = %abandon, "could not release the createTicket claim; it expires with its lease");
                }
                Err(e.into())
            }
        }
    }

    /// Run `effect` at most once per `key` (escalation transfers, notes): `Ok(true)` when it
    /// ran now, `Ok(false)` when it already ran. A live claim by another delivery is
    /// [`CreateOnceError::StillInProgress`]; a failed effect releases the claim.
    pub async fn run_once<F, Fut, E>(
        &self,
        key: &str,
        lease_ms: i64,
        effect: F,
    ) -> Result<bool, CreateOnceError>
    where
        F: FnOnce() -> Fut + Send,
        Fut: std::future::Future<Output = Result<(), E>> + Send,
        E: Into<CreateOnceError>,
    {
        let token = uuid::Uuid::new_v4().simple().to_string();
        let now_ms = self.clock.now_ms();
        let expires = now_ms.div_euclid(1000) + self.ttl_secs;
        match self
            .idempotency
            .claim(key, &token, now_ms, now_ms + lease_ms, expires)
            .await?
        {
            ClaimOutcome::AlreadyCompleted => Ok(false),
            ClaimOutcome::InProgress => Err(CreateOnceError::StillInProgress),
            ClaimOutcome::Claimed => match effect().await {
                Ok(()) => {
                    self.idempotency.complete(key, &token, expires).await?;
                    Ok(true)
                }
                Err(e) => {
                    let _ = self.idempotency.abandon(key, &token).await;
                    Err(e.into())
                }
            },
        }
    }
}
