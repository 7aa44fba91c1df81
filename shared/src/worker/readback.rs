//! Reading the archive back, for `GET /calls`, `GET /calls/{id}` and `callwarden calls`:
//! exactly what is stored (already redacted), shaped for a person, nothing more. Internal
//! state (redaction stream state, idempotency records, locks) is not shown.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value;

use crate::ports::store::{CallArchive, CallSummary, StoreError, StoredDocument, StoredSession};

/// Call statuses in lifecycle order, for picking the current one.
const STATUS_ORDER: &[&str] = &[
    "scheduled",
    "queued",
    "ringing",
    "in-progress",
    "forwarding",
    "ended",
];

/// One line of `GET /calls`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CallListEntry {
    /// Vapi call id.
    pub call_id: String,
    /// Earliest event timestamp (epoch ms).
    pub first_event_at_ms: i64,
    /// When the latest event was archived (epoch ms).
    pub last_event_at_ms: i64,
    /// Whether the end-of-call report is archived.
    pub ended: bool,
    /// Events archived.
    pub events: i64,
    /// Events that arrived after the report.
    pub late_events: i64,
    /// Entities redacted, all types.
    pub redacted: i64,
}

/// The PII audit trail of a call: types, counts and fields, never values.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, Default)]
pub struct AuditView {
    /// Entities redacted per type.
    pub by_type: BTreeMap<String, i64>,
    /// Entities redacted per field (`<message type>:<json path>`) and type.
    pub by_field: BTreeMap<String, BTreeMap<String, i64>>,
    /// Secret / PII-only fields removed (paths).
    pub removed_fields: BTreeSet<String>,
}

/// The live session as shown (stream state omitted).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SessionView {
    /// Latest lifecycle status seen.
    pub status: Option<String>,
    /// Every status seen with its first timestamp.
    pub statuses: BTreeMap<String, i64>,
    /// Earliest event timestamp (epoch ms).
    pub started_at_ms: i64,
    /// When the latest event was archived (epoch ms).
    pub last_event_at_ms: i64,
    /// When the session expires (epoch seconds).
    pub expires_at: i64,
    /// Counters per event type, redactions per entity type, interruptions, ...
    pub counters: BTreeMap<String, i64>,
    /// Escalation, sentiment, ended reason, ...
    pub flags: BTreeMap<String, String>,
    /// Last partial transcript per role (redacted).
    pub partials: BTreeMap<String, String>,
}

/// One transcript segment as shown.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SegmentView {
    /// Vapi timestamp (epoch ms).
    pub ts_ms: i64,
    /// Arrival at the webhook (epoch ms).
    pub arrival_ms: i64,
    /// `user` / `assistant`.
    pub role: String,
    /// Redacted text.
    pub text: String,
    /// Entities redacted from it, per type.
    pub redacted: BTreeMap<String, i64>,
    /// Arrived after the call was archived as ended.
    pub late: bool,
}

/// One archived event as shown.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EventView {
    /// Vapi timestamp (epoch ms).
    pub ts_ms: i64,
    /// Arrival at the webhook (epoch ms).
    pub arrival_ms: i64,
    /// Message type.
    #[serde(rename = "type")]
    pub message_type: String,
    /// Arrived after the call was archived as ended.
    pub late: bool,
    /// The redacted message.
    pub message: Value,
}

/// The archived report as shown.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ReportView {
    /// Vapi timestamp (epoch ms).
    pub ts_ms: i64,
    /// `endedReason`.
    pub ended_reason: Option<String>,
    /// Size of the stored JSON.
    pub bytes: u64,
    /// Part items it was split over (0 = one item).
    pub parts: u32,
    /// The redacted report message.
    pub message: Value,
}

/// Everything archived for one call (`GET /calls/{id}`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CallView {
    /// Vapi call id.
    pub call_id: String,
    /// Whether the end-of-call report is archived.
    pub ended: bool,
    /// When the report was archived (epoch ms).
    pub archived_at_ms: Option<i64>,
    /// Linked telephony call id (Twilio CallSid).
    pub provider_call_id: Option<String>,
    /// Events archived / late events.
    pub events: i64,
    /// Events that arrived after the report.
    pub late_events: i64,
    /// The live session (absent once expired).
    pub session: Option<SessionView>,
    /// Final transcript segments in spoken order.
    pub transcript: Vec<SegmentView>,
    /// Other archived events in timestamp order.
    pub archived_events: Vec<EventView>,
    /// The end-of-call report.
    pub report: Option<ReportView>,
    /// The PII audit trail.
    pub audit: AuditView,
}

fn audit_of(summary: &CallSummary) -> AuditView {
    let mut audit = AuditView {
        removed_fields: summary.removed_fields.clone(),
        ..Default::default()
    };
    for (k, v) in &summary.counters {
        if let Some(t) = k.strip_prefix("audit.type.") {
            audit.by_type.insert(t.to_string(), *v);
        } else if let Some(rest) = k.strip_prefix("audit.field.") {
            if let Some((field, t)) = rest.rsplit_once('.') {
                audit
                    .by_field
                    .entry(field.to_string())
                    .or_default()
                    .insert(t.to_string(), *v);
            }
        }
    }
    audit
}

fn current_status(statuses: &BTreeMap<String, i64>) -> Option<String> {
    statuses
        .iter()
        .filter(|(s, _)| !s.starts_with("twilio."))
        .max_by_key(|(s, ts)| {
            (
                STATUS_ORDER
                    .iter()
                    .position(|x| x == s)
                    .map_or(-1, |p| p as i64),
                **ts,
            )
        })
        .map(|(s, _)| s.clone())
}

fn session_view(s: &StoredSession) -> SessionView {
    SessionView {
        status: current_status(&s.statuses),
        statuses: s.statuses.clone(),
        started_at_ms: s.started_at_ms,
        last_event_at_ms: s.last_event_at_ms,
        expires_at: s.expires_at_secs,
        counters: s.counters.clone(),
        flags: s.flags.clone(),
        partials: s
            .partials
            .iter()
            .map(|(k, p)| (k.clone(), p.text.clone()))
            .collect(),
    }
}

fn document_json(doc: &StoredDocument) -> Result<Value, StoreError> {
    let text = doc
        .inline
        .as_deref()
        .ok_or_else(|| StoreError::Corrupt("document not resolved".into()))?;
    serde_json::from_str(text)
        .map_err(|_| StoreError::Corrupt("stored document is not JSON".into()))
}

/// Everything archived for `call_id`, or `None` when nothing is.
pub async fn show_call(
    archive: &dyn CallArchive,
    call_id: &str,
    now_secs: i64,
) -> Result<Option<CallView>, StoreError> {
    let Some(stored) = archive.read_call(call_id, now_secs).await? else {
        return Ok(None);
    };
    let summary = stored.summary.clone().unwrap_or_default();
    let mut transcript: Vec<SegmentView> = stored
        .segments
        .iter()
        .map(|s| SegmentView {
            ts_ms: s.ts_ms,
            arrival_ms: s.arrival_ms,
            role: s.role.clone(),
            text: s.text.clone(),
            redacted: s.redacted.clone(),
            late: s.late,
        })
        .collect();
    transcript.sort_by_key(|s| (s.ts_ms, s.arrival_ms));
    let mut archived_events = Vec::with_capacity(stored.events.len());
    for e in &stored.events {
        archived_events.push(EventView {
            ts_ms: e.ts_ms,
            arrival_ms: e.arrival_ms,
            message_type: e.message_type.clone(),
            late: e.late,
            message: document_json(&e.body)?,
        });
    }
    let report = match &stored.report {
        Some(r) => Some(ReportView {
            ts_ms: r.ts_ms,
            ended_reason: r.ended_reason.clone(),
            bytes: r.body.bytes,
            parts: r.body.parts,
            message: document_json(&r.body)?,
        }),
        None => None,
    };
    Ok(Some(CallView {
        call_id: call_id.to_string(),
        ended: summary.archived_at_ms.is_some(),
        archived_at_ms: summary.archived_at_ms,
        provider_call_id: summary.provider_call_id.clone(),
        events: summary.counters.get("events").copied().unwrap_or(0),
        late_events: summary.counters.get("late_events").copied().unwrap_or(0),
        session: stored.session.as_ref().map(session_view),
        transcript,
        archived_events,
        report,
        audit: audit_of(&summary),
    }))
}

/// The most recently active calls, newest first (looks back `days` UTC days).
pub async fn list_calls(
    archive: &dyn CallArchive,
    now_secs: i64,
    days: u32,
    limit: usize,
) -> Result<Vec<CallListEntry>, StoreError> {
    let calls = archive.list_calls(now_secs, days, limit).await?;
    Ok(calls
        .iter()
        .map(|c| CallListEntry {
            call_id: c.call_id.clone(),
            first_event_at_ms: c.first_event_at_ms,
            last_event_at_ms: c.last_event_at_ms,
            ended: c.archived_at_ms.is_some(),
            events: c.counters.get("events").copied().unwrap_or(0),
            late_events: c.counters.get("late_events").copied().unwrap_or(0),
            redacted: c
                .counters
                .iter()
                .filter(|(k, _)| k.starts_with("audit.type."))
                .map(|(_, v)| *v)
                .sum(),
        })
        .collect())
}
