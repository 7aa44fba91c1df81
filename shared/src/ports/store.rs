//! Storage ports for the worker: idempotency records, call locks and the call archive.
//!
//! Three small traits, one concern each. The DynamoDB adapter implements all three over one
//! table (layout in `docs/storage.md`); the in-memory adapter implements the same contract
//! for `callwarden dev` and unit tests. Every method takes the current time from the caller
//! (`now_ms` / `now_secs`) so expiry is decided by the caller's [`crate::clock::Clock`] and
//! checked in every read and condition: nothing relies on DynamoDB's lagging TTL deletion.
//!
//! Everything passed in here is already redacted: the ports never see raw payloads.

use std::collections::{BTreeMap, BTreeSet};

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

/// Failure of a storage operation.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The store refused or failed the request after the SDK's bounded retries
    /// (throttling, 5xx, network). The record fails and SQS delivers it again later.
    #[error("store unavailable: {0}")]
    Unavailable(String),
    /// A stored item does not have the expected shape (written by another version?).
    #[error("stored item is malformed: {0}")]
    Corrupt(String),
    /// The request is larger than the store accepts (item or transaction size).
    #[error("request too large for the store: {0}")]
    TooLarge(String),
}

/// Result of trying to claim an idempotency record for one delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimOutcome {
    /// The record is ours (status INPROGRESS with our token): process the delivery.
    Claimed,
    /// The event was already processed (status COMPLETED, not expired): skip it.
    AlreadyCompleted,
    /// Another worker is processing the event right now (INPROGRESS, live): fail the record
    /// so it returns later.
    InProgress,
}

/// Idempotency records, Powertools style: one per event identity (see
/// `worker::keys`), claimed with a conditional put, completed atomically with the event's
/// writes (see [`CallArchive::commit`]) or deleted when processing fails.
#[async_trait]
pub trait IdempotencyStore: Send + Sync {
    /// Claim `key` for `token`. Succeeds only when no record exists, the record expired
    /// (`expires_at < now_secs`), or it is INPROGRESS and its in-progress lease expired
    /// (`in_progress_expires_at < now_ms`). `expires_at_secs` bounds the record's life;
    /// `in_progress_until_ms` bounds how long a crashed worker can block retries.
    async fn claim(
        &self,
        key: &str,
        token: &str,
        now_ms: i64,
        in_progress_until_ms: i64,
        expires_at_secs: i64,
    ) -> Result<ClaimOutcome, StoreError>;

    /// Mark the record COMPLETED with a new expiry, when still held by `token`. Returns
    /// false when the record is no longer ours. (Event writes complete the record inside
    /// [`CallArchive::commit`] instead; this is for events that write nothing else.)
    async fn complete(
        &self,
        key: &str,
        token: &str,
        expires_at_secs: i64,
    ) -> Result<bool, StoreError>;

    /// Delete the record when still INPROGRESS under `token` (processing failed; the next
    /// delivery may claim it at once). Returns false when it was not ours.
    async fn abandon(&self, key: &str, token: &str) -> Result<bool, StoreError>;
}

/// A per-call lease: mutual exclusion for multi-request work on one call (the end-of-call
/// archive). Contention is reported, never waited for: the caller fails the record and
/// SQS brings it back later. A lease alone cannot stop a holder whose lease ran out
/// mid-work, so the work's final commit is fenced by it ([`LeaseFence`]).
#[async_trait]
pub trait CallLock: Send + Sync {
    /// Take the lease for `owner` until `now_ms + lease_ms` when it is free or expired
    /// (`attribute_not_exists(pk) OR lease_expires_at < :now`). False on contention.
    async fn acquire(
        &self,
        call_id: &str,
        owner: &str,
        now_ms: i64,
        lease_ms: i64,
    ) -> Result<bool, StoreError>;
    /// Extend the lease when `owner` still holds it and it has not expired.
    async fn renew(
        &self,
        call_id: &str,
        owner: &str,
        now_ms: i64,
        lease_ms: i64,
    ) -> Result<bool, StoreError>;
    /// Release the lease, only when `owner = :me`. False when someone else holds it.
    async fn release(&self, call_id: &str, owner: &str) -> Result<bool, StoreError>;
}

/// The last partial transcript of one role: live state, kept in the session only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartialTranscript {
    /// Vapi timestamp (epoch ms) of the partial.
    pub ts_ms: i64,
    /// Redacted text.
    pub text: String,
}

/// Redaction stream state of one role, carried between final segments so a number cut
/// across two segments is still caught. Updated with an optimistic version check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SpeakerTail {
    /// Incremented on every update; the commit is conditional on the version read.
    pub version: u64,
    /// Vapi timestamp of the segment that produced this state.
    pub ts_ms: i64,
    /// Serialised `redact::StreamTail` (normalised trailing number words; already redacted
    /// context, never raw PII spans beyond the redactor's own bounded tail).
    pub state: String,
    /// The redacted text of that segment, used as the other role's context.
    pub last_text: String,
}

/// Live state of one call (item `SESSION`, TTL `expires_at`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StoredSession {
    /// Epoch seconds after which the session counts as absent.
    pub expires_at_secs: i64,
    /// Vapi timestamp (epoch ms) of the earliest event seen.
    pub started_at_ms: i64,
    /// Vapi timestamp (epoch ms) of the latest event seen.
    pub last_event_at_ms: i64,
    /// Counters: `event.<type>`, `redacted.<ENTITY>`, `interruptions`, `speech.<role>.<status>`.
    pub counters: BTreeMap<String, i64>,
    /// Each call status seen, with the first Vapi timestamp it was seen at.
    pub statuses: BTreeMap<String, i64>,
    /// Flags: `escalation`, `sentiment`, `ended_reason`, ...
    pub flags: BTreeMap<String, String>,
    /// Last partial transcript per role (`user`, `assistant`).
    pub partials: BTreeMap<String, PartialTranscript>,
    /// Redaction stream state per role.
    pub tails: BTreeMap<String, SpeakerTail>,
}

/// How a session read came out. Expired sessions are reported, not returned, so the
/// caller can discard them before writing (never adding onto stale counters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionRead {
    /// No session item.
    Absent,
    /// An item exists but its `expires_at` has passed.
    Expired,
    /// A live session.
    Live(StoredSession),
}

/// Changes to the session made by one event, applied atomically in [`CallArchive::commit`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SessionDelta {
    /// Vapi timestamp of the event (epoch ms).
    pub event_ts_ms: i64,
    /// New expiry (epoch seconds): last event + session TTL.
    pub expires_at_secs: i64,
    /// Counter increments (`ADD`).
    pub add: BTreeMap<String, i64>,
    /// Statuses seen with their timestamp (set only if not already set).
    pub statuses: BTreeMap<String, i64>,
    /// Flags to set (`SET`, last writer wins).
    pub flags: BTreeMap<String, String>,
    /// New last partial for a role; applied only if no newer partial is stored (otherwise
    /// the commit reports [`CommitOutcome::SessionConflict`]).
    pub partial: Option<(String, PartialTranscript)>,
    /// New stream state for a role, conditional on the stored version equal to
    /// `expected_version` (0 = none stored).
    pub tail: Option<(String, u64, SpeakerTail)>,
    /// Drop the redaction stream state of both roles (the call ended: the carried number
    /// fragments are no longer needed and must not outlive the call).
    pub clear_tail_state: bool,
}

/// Changes to the permanent per-call summary (item `CALL`: audit trail, listing index).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CallDelta {
    /// Vapi timestamp (or arrival time) of the event, epoch ms.
    pub event_ts_ms: i64,
    /// Counter increments: `events`, `late_events`, `audit.type.<ENTITY>`,
    /// `audit.field.<path>.<ENTITY>`.
    pub add: BTreeMap<String, i64>,
    /// JSON paths of secrets removed (`controlUrl`, system prompt, ...), never values.
    pub removed_fields: BTreeSet<String>,
    /// Telephony provider call id (Twilio CallSid) to link to this call.
    pub provider_call_id: Option<String>,
}

/// One final transcript segment, redacted (item `SEG#<ts>#<arrival>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    /// Vapi timestamp (epoch ms).
    pub ts_ms: i64,
    /// When the webhook received the delivery (epoch ms): the tie-breaker.
    pub arrival_ms: i64,
    /// `user` or `assistant`.
    pub role: String,
    /// Redacted text.
    pub text: String,
    /// Entity counts redacted from this segment (type → count).
    pub redacted: BTreeMap<String, i64>,
    /// Arrived after the call was archived as ended.
    pub late: bool,
}

impl Segment {
    /// Sort key: zero-padded timestamp then arrival, so the archive reads back in spoken
    /// order however it was delivered.
    pub fn sort_key(&self) -> String {
        format!(
            "SEG#{:015}#{:015}",
            self.ts_ms.max(0),
            self.arrival_ms.max(0)
        )
    }
}

/// A redacted JSON document, inline or split over part items of at most
/// [`DOCUMENT_PART_BYTES`] each (written with [`CallArchive::put_parts`] before the commit).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredDocument {
    /// The JSON text when it fits one item.
    pub inline: Option<String>,
    /// Number of part items when split (0 when inline).
    pub parts: u32,
    /// Total length of the JSON text in bytes.
    pub bytes: u64,
}

/// Largest chunk of JSON text stored in one item (DynamoDB items are at most 400 KB,
/// including attribute names and keys).
pub const DOCUMENT_PART_BYTES: usize = 350 * 1024;

/// One archived (redacted) event other than a transcript segment (item `EVT#<ts>#<arrival>#<type>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRecord {
    /// Vapi timestamp (epoch ms), or arrival time when the message had none.
    pub ts_ms: i64,
    /// When the webhook received the delivery (epoch ms).
    pub arrival_ms: i64,
    /// `message.type` (or `twilio.status`).
    pub message_type: String,
    /// The redacted message.
    pub body: StoredDocument,
    /// Arrived after the call was archived as ended.
    pub late: bool,
}

impl EventRecord {
    /// Sort key of the event item.
    pub fn sort_key(&self) -> String {
        format!(
            "EVT#{:015}#{:015}#{}",
            self.ts_ms.max(0),
            self.arrival_ms.max(0),
            self.message_type
        )
    }
}

/// The archived end-of-call report (item `REPORT`; parts `REPORT#PART#<nnnn>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportManifest {
    /// Vapi timestamp of the report (epoch ms).
    pub ts_ms: i64,
    /// When the webhook received the delivery (epoch ms).
    pub arrival_ms: i64,
    /// `endedReason` (an open string; never PII).
    pub ended_reason: Option<String>,
    /// The redacted report message.
    pub body: StoredDocument,
}

/// The call lease a commit is fenced by: the commit is applied only if `owner` still holds
/// the call's lock and the lease has not run out at `now_ms`
/// (`owner = :owner AND lease_expires_at >= :now`, checked in the same atomic step as the
/// writes; DynamoDB: a `ConditionCheck` on the `LOCK` item inside the transaction).
///
/// The owner condition is the fence proper: any other worker that takes the lock replaces
/// the owner (and a release deletes the item), so a fenced commit can never land inside
/// someone else's lease, however long the request spends in retries. The time condition
/// refuses a commit issued after the lease already ran out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaseFence {
    /// The owner token the lease was acquired with ([`CallLock::acquire`]).
    pub owner: String,
    /// The committing worker's clock when it built the commit (epoch ms).
    pub now_ms: i64,
}

/// An end-of-call report to commit, together with the call lease it was written under: a
/// report commit cannot be expressed without its fence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportCommit {
    /// The report manifest (its parts are already written).
    pub manifest: ReportManifest,
    /// The call lease the commit is conditional on; refused with
    /// [`CommitOutcome::LeaseLost`] when it is no longer live.
    pub lease: LeaseFence,
}

/// What one event writes, committed atomically with the completion of its idempotency
/// record (DynamoDB: one `TransactWriteItems`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventCommit {
    /// The call the event belongs to.
    pub call_id: String,
    /// Idempotency record to mark COMPLETED (must still be INPROGRESS under `token`).
    pub idempotency_key: String,
    /// Our claim token.
    pub idempotency_token: String,
    /// Expiry of the COMPLETED record (epoch seconds).
    pub idempotency_expires_at_secs: i64,
    /// `now` of the commit, epoch seconds (session expiry condition).
    pub now_secs: i64,
    /// Summary changes.
    pub call: CallDelta,
    /// Session changes; `None` for late events (no side effects).
    pub session: Option<SessionDelta>,
    /// A final transcript segment to archive.
    pub segment: Option<Segment>,
    /// An event to archive.
    pub event: Option<EventRecord>,
    /// The end-of-call report (marks the call archived as ended), fenced by the call lease.
    pub report: Option<ReportCommit>,
    /// True for events of a call already archived as ended: skips the "not archived"
    /// condition. False: the commit fails with [`CommitOutcome::CallArchived`] if the call
    /// was archived meanwhile.
    pub late: bool,
}

/// How a commit came out. Only `Committed` wrote anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommitOutcome {
    /// Everything was written and the idempotency record is COMPLETED.
    Committed,
    /// The call was archived as ended: redo as a late event (or, for a report, it is a
    /// duplicate).
    CallArchived,
    /// The segment, event or report item already exists: the event is a duplicate.
    EntryExists,
    /// The session changed (newer partial, stream version, or expiry): re-read and retry.
    SessionConflict,
    /// The idempotency record is no longer ours (our in-progress lease expired and another
    /// worker took over): stop, that worker finishes the event.
    IdempotencyLost,
    /// The commit is fenced by a call lease ([`ReportCommit::lease`]) that is no longer live
    /// (it ran out, another owner took the lock, or it was released): nothing was written.
    /// Re-acquire the lock and redo the locked work, or fail the record.
    LeaseLost,
}

/// Permanent per-call summary (item `CALL`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CallSummary {
    /// Vapi call id.
    pub call_id: String,
    /// Earliest event timestamp seen (epoch ms).
    pub first_event_at_ms: i64,
    /// Latest event timestamp seen (epoch ms).
    pub last_event_at_ms: i64,
    /// When the end-of-call report was archived (epoch ms), if it was.
    pub archived_at_ms: Option<i64>,
    /// Counters: `events`, `late_events`, `audit.type.<ENTITY>`, `audit.field.<path>.<ENTITY>`.
    pub counters: BTreeMap<String, i64>,
    /// JSON paths of removed secrets.
    pub removed_fields: BTreeSet<String>,
    /// Linked telephony provider call id (Twilio CallSid), if any.
    pub provider_call_id: Option<String>,
}

/// Everything stored for one call, as read back (expired session already dropped).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StoredCall {
    /// The summary, when any event was committed.
    pub summary: Option<CallSummary>,
    /// The live session, when not expired.
    pub session: Option<StoredSession>,
    /// Final segments in sort-key order.
    pub segments: Vec<Segment>,
    /// Archived events in sort-key order (documents resolved to inline text).
    pub events: Vec<EventRecord>,
    /// The report manifest, with its document resolved to inline text.
    pub report: Option<ReportManifest>,
}

/// Which kind of document a part belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocumentOwner {
    /// The end-of-call report of the call.
    Report,
    /// An event item (by its sort key).
    Event(String),
}

/// The call archive: sessions, summaries, segments, events and reports.
#[async_trait]
pub trait CallArchive: Send + Sync {
    /// Read the session of `call_id`, checking expiry against `now_secs`.
    async fn read_session(&self, call_id: &str, now_secs: i64) -> Result<SessionRead, StoreError>;

    /// Delete the session only if it is expired at `now_secs` (conditional delete), so the
    /// next commit starts a fresh one instead of adding onto stale counters.
    async fn discard_expired_session(&self, call_id: &str, now_secs: i64)
        -> Result<(), StoreError>;

    /// Whether the call's end-of-call report is archived.
    async fn report_archived(&self, call_id: &str) -> Result<bool, StoreError>;

    /// Write the parts of a split document (DynamoDB: `BatchWriteItem`, 25 per request,
    /// unprocessed items retried with backoff). Idempotent: same keys, same content.
    async fn put_parts(
        &self,
        call_id: &str,
        owner: &DocumentOwner,
        parts: &[String],
    ) -> Result<(), StoreError>;

    /// Atomically apply one event's writes and complete its idempotency record.
    async fn commit(&self, commit: &EventCommit) -> Result<CommitOutcome, StoreError>;

    /// Everything stored for `call_id` (documents reassembled), or `None` when nothing is.
    async fn read_call(
        &self,
        call_id: &str,
        now_secs: i64,
    ) -> Result<Option<StoredCall>, StoreError>;

    /// Summaries of the calls with the most recent events, newest first (at most `limit`,
    /// looking back `days` UTC days from `now_secs`).
    async fn list_calls(
        &self,
        now_secs: i64,
        days: u32,
        limit: usize,
    ) -> Result<Vec<CallSummary>, StoreError>;

    /// The Vapi call id linked to a telephony provider call id (Twilio CallSid).
    async fn call_for_provider_id(
        &self,
        provider_call_id: &str,
    ) -> Result<Option<String>, StoreError>;
}
