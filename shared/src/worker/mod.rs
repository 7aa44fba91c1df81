//! The worker: turns queued deliveries into the redacted call archive, exactly once.
//!
//! Per delivery ([`process_delivery`]):
//! 1. decode (a poison body fails only its record) and derive the stable idempotency key
//!    ([`keys`]);
//! 2. claim the idempotency record (COMPLETED → duplicate, skipped; live INPROGRESS → the
//!    record fails and returns later);
//! 3. redact ([`scrub`]) and build the event's writes: a transcript segment, an event item
//!    or the end-of-call report, session counters and flags, the PII audit counters;
//! 4. commit them atomically together with the COMPLETED idempotency record (one
//!    `TransactWriteItems`); on any error the record is deleted so a retry starts clean.
//!
//! Events of a call already archived as ended are archived flagged `late` and change no
//! session state. The end-of-call report is written under the call lock, split over part
//! items when large, and its commit is fenced by the lease (refused once the lease is no
//! longer live). [`process_sqs_event`] runs a Lambda SQS batch with partial batch
//! failures; [`readback`] serves `GET /calls` and `callwarden calls`.

use std::sync::Arc;

use crate::clock::Clock;
use crate::delivery::{sha256_hex, Delivery};
use crate::ports::store::{CallArchive, CallLock, ClaimOutcome, IdempotencyStore, StoreError};
use crate::ports::BlobStore;
use crate::redact::{RedactionConfig, Redactor};

mod commit;
mod crm_hooks;
mod documents;
mod events;
pub mod keys;
pub mod message;
pub mod readback;
mod report;
pub mod runtime;
pub mod scrub;
pub mod signals;
mod sqs;
mod transcript;

pub use sqs::process_sqs_event;

/// Call id under which events without one (`chat.*`, `session.*`) are archived.
pub const UNASSIGNED_CALL_ID: &str = "no-call";

/// Worker settings, read once at start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerConfig {
    /// Session lifetime after the last event (`SESSION_TTL_SECS`, default 3600).
    pub session_ttl_secs: i64,
    /// How long a COMPLETED idempotency record suppresses duplicates
    /// (`IDEMPOTENCY_TTL_SECS`, default 86400).
    pub idempotency_ttl_secs: i64,
    /// How long an INPROGRESS record blocks other workers before it counts as abandoned
    /// (`IDEMPOTENCY_IN_PROGRESS_SECS`, default 60; keep it below the queue's visibility
    /// timeout and above the worst processing time).
    pub in_progress_secs: i64,
    /// Call lock lease (`CALL_LOCK_LEASE_SECS`, default 30).
    pub lock_lease_secs: i64,
    /// Commit attempts per record after session conflicts before the record fails.
    pub commit_attempts: u32,
    /// Records of one SQS batch processed concurrently.
    pub batch_concurrency: usize,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        Self {
            session_ttl_secs: 3600,
            idempotency_ttl_secs: 86_400,
            in_progress_secs: 60,
            lock_lease_secs: 30,
            commit_attempts: 4,
            batch_concurrency: 8,
        }
    }
}

/// A worker setting in the environment is not usable.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The variable is set but not a positive whole number.
    #[error("environment variable {0} must be a positive whole number of seconds")]
    NotPositive(&'static str),
    /// A required variable is missing.
    #[error("environment variable {0} is required")]
    Missing(&'static str),
}

fn env_secs(name: &'static str, default: i64) -> Result<i64, ConfigError> {
    match std::env::var(name) {
        Err(_) => Ok(default),
        Ok(v) if v.trim().is_empty() => Ok(default),
        Ok(v) => v
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or(ConfigError::NotPositive(name)),
    }
}

impl WorkerConfig {
    /// Read `SESSION_TTL_SECS`, `IDEMPOTENCY_TTL_SECS`, `IDEMPOTENCY_IN_PROGRESS_SECS` and
    /// `CALL_LOCK_LEASE_SECS` (defaults when unset).
    pub fn from_env() -> Result<Self, ConfigError> {
        let d = Self::default();
        Ok(Self {
            session_ttl_secs: env_secs("SESSION_TTL_SECS", d.session_ttl_secs)?,
            idempotency_ttl_secs: env_secs("IDEMPOTENCY_TTL_SECS", d.idempotency_ttl_secs)?,
            in_progress_secs: env_secs("IDEMPOTENCY_IN_PROGRESS_SECS", d.in_progress_secs)?,
            lock_lease_secs: env_secs("CALL_LOCK_LEASE_SECS", d.lock_lease_secs)?,
            ..d
        })
    }
}

/// Everything the worker needs, as ports. Cheap to clone.
#[derive(Clone)]
pub struct WorkerDeps {
    /// Idempotency records.
    pub idempotency: Arc<dyn IdempotencyStore>,
    /// Call leases.
    pub locks: Arc<dyn CallLock>,
    /// Sessions, segments, events, reports, summaries.
    pub archive: Arc<dyn CallArchive>,
    /// Claim-check bodies (for decoding SQS messages).
    pub blobs: Arc<dyn BlobStore>,
    /// Time source for every expiry decision.
    pub clock: Arc<dyn Clock>,
    /// The redaction engine.
    pub redactor: Arc<Redactor>,
    /// Settings.
    pub config: WorkerConfig,
    /// CRM side effects (caller context, pending tools, escalation, end-of-call note);
    /// `None` runs the archive only.
    pub side_effects: Option<Arc<crate::crm::side_effects::CallSideEffects>>,
}

impl WorkerDeps {
    /// Wire one store implementing all three storage ports (the DynamoDB adapter or the
    /// in-memory one) with the default redactor.
    pub fn new<S>(
        store: Arc<S>,
        blobs: Arc<dyn BlobStore>,
        clock: Arc<dyn Clock>,
        config: WorkerConfig,
    ) -> Self
    where
        S: IdempotencyStore + CallLock + CallArchive + 'static,
    {
        Self {
            idempotency: store.clone(),
            locks: store.clone(),
            archive: store,
            blobs,
            clock,
            redactor: Arc::new(Redactor::new(RedactionConfig::default())),
            config,
            side_effects: None,
        }
    }

    /// Add the CRM side effects.
    pub fn with_side_effects(
        mut self,
        side_effects: Arc<crate::crm::side_effects::CallSideEffects>,
    ) -> Self {
        self.side_effects = Some(side_effects);
        self
    }
}

/// What happened to a delivery that did not fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Archived (and the session updated).
    Archived,
    /// Archived flagged `late` (the call was already archived as ended); no side effects.
    ArchivedLate,
    /// Already processed: skipped.
    Duplicate,
}

impl Outcome {
    /// Stable name for logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Archived => "archived",
            Outcome::ArchivedLate => "archived_late",
            Outcome::Duplicate => "duplicate",
        }
    }
}

/// Why a delivery failed. Every variant fails only its own record, which SQS delivers
/// again (and after `maxReceiveCount` moves to the DLQ).
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    /// The body cannot be decoded (poison message); retries will not help.
    #[error("undecodable delivery: {0}")]
    Undecodable(String),
    /// The body does not match the hash recorded by the webhook.
    #[error("delivery body does not match its sha256")]
    Integrity,
    /// Another worker is processing the same event right now.
    #[error("the same event is being processed by another worker")]
    InProgress,
    /// The call lock is held by another worker.
    #[error("call {0} is locked by another worker")]
    Locked(String),
    /// The call lease ran out (or was taken over) before the work it guards was committed;
    /// the fenced commit was refused and nothing was written.
    #[error("call lease of {0} ran out before the commit")]
    LeaseLost(String),
    /// The session kept changing under us; try again later.
    #[error("session of call {0} kept changing; will retry")]
    Conflict(String),
    /// A tool call the webhook answered with "still checking" may still be answered by
    /// the webhook; the record returns later to finish it.
    #[error("a pending tool call is not due yet; will retry")]
    ToolPending,
    /// A CRM side effect failed (CRM or store unavailable); the record returns later.
    #[error("CRM side effect failed: {0}")]
    SideEffect(String),
    /// Storage failed after the SDK's bounded retries.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl WorkerError {
    /// Stable name for logs and metrics.
    pub fn kind(&self) -> &'static str {
        match self {
            WorkerError::Undecodable(_) => "undecodable",
            WorkerError::Integrity => "integrity",
            WorkerError::InProgress => "in_progress",
            WorkerError::Locked(_) => "locked",
            WorkerError::LeaseLost(_) => "lease_lost",
            WorkerError::Conflict(_) => "conflict",
            WorkerError::ToolPending => "tool_pending",
            WorkerError::SideEffect(_) => "side_effect",
            WorkerError::Store(_) => "store",
        }
    }
}

/// The claimed idempotency record of the event being processed.
#[derive(Debug, Clone)]
pub(crate) struct Claim {
    pub key: String,
    pub token: String,
}

/// Process one delivery exactly once: decode, claim, redact, archive, complete.
pub async fn process_delivery(
    deps: &WorkerDeps,
    delivery: &Delivery,
) -> Result<Outcome, WorkerError> {
    if sha256_hex(&delivery.raw) != delivery.sha256 {
        return Err(WorkerError::Integrity);
    }
    let event = message::decode(delivery)?;
    let key = keys::idempotency_key(&event, &delivery.sha256);
    let claim = Claim {
        key,
        token: uuid::Uuid::new_v4().to_string(),
    };
    let now_ms = deps.clock.now_ms();
    let claimed = deps
        .idempotency
        .claim(
            &claim.key,
            &claim.token,
            now_ms,
            now_ms + deps.config.in_progress_secs * 1000,
            now_ms.div_euclid(1000) + deps.config.idempotency_ttl_secs,
        )
        .await?;
    match claimed {
        ClaimOutcome::AlreadyCompleted => return Ok(Outcome::Duplicate),
        ClaimOutcome::InProgress => return Err(WorkerError::InProgress),
        ClaimOutcome::Claimed => {}
    }
    let result = match crm_hooks::run(deps, &claim, delivery, &event).await {
        Err(e) => Err(e),
        Ok(()) => match &event.kind {
            message::EventKind::Transcript { .. } => transcript::handle(deps, &claim, &event).await,
            message::EventKind::EndOfCallReport => report::handle(deps, &claim, &event).await,
            message::EventKind::TwilioStatus { .. } | message::EventKind::Other => {
                events::handle(deps, &claim, event.clone()).await
            }
        },
    };
    if let Err(e) = &result {
        // Let the next delivery claim the event at once. If this fails too, the record's
        // in-progress lease runs out instead.
        if let Err(abandon_err) = deps.idempotency.abandon(&claim.key, &claim.token).await {
            tracing::warn!(error = %abandon_err, "idempotency record not released");
        }
        tracing::debug!(error_kind = e.kind(), "delivery failed");
    }
    result
}
