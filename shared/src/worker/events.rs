//! Every event other than transcripts and the end-of-call report: archived redacted as one
//! event item, with its effect on the session (status, interruptions, escalation, ...).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::ports::store::{DocumentOwner, EventRecord, SessionDelta, StoredDocument};
use crate::worker::commit::{base_commit, drive, Snapshot};
use crate::worker::documents::store_document;
use crate::worker::message::{sanitize_name, EventKind, InboundEvent};
use crate::worker::{scrub, Claim, Outcome, WorkerDeps, WorkerError, UNASSIGNED_CALL_ID};

fn add(map: &mut BTreeMap<String, i64>, key: &str, n: i64) {
    *map.entry(key.to_string()).or_insert(0) += n;
}

fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// Session changes implied by one event (before the redaction counters).
pub(crate) fn session_effects(event: &InboundEvent, delta: &mut SessionDelta) {
    let m = &event.message;
    add(&mut delta.add, &format!("event.{}", event.message_type), 1);
    match (&event.kind, event.message_type.as_str()) {
        (EventKind::TwilioStatus { call_status, .. }, _) => {
            delta
                .flags
                .insert("twilio_status".into(), call_status.clone());
            delta
                .statuses
                .insert(format!("twilio.{call_status}"), event.ts_ms);
        }
        (_, "status-update") => {
            if let Some(status) = str_of(m, "status") {
                let status = sanitize_name(status);
                if status == "forwarding" {
                    delta.flags.insert("escalation".into(), "forwarding".into());
                }
                delta.statuses.insert(status, event.ts_ms);
            }
            if let Some(reason) = str_of(m, "endedReason") {
                delta
                    .flags
                    .insert("ended_reason".into(), sanitize_name(reason));
            }
        }
        (_, "user-interrupted") => add(&mut delta.add, "interruptions", 1),
        (_, "speech-update") => {
            let role = str_of(m, "role")
                .map(sanitize_name)
                .unwrap_or_else(|| "unknown".into());
            let status = str_of(m, "status")
                .map(sanitize_name)
                .unwrap_or_else(|| "unknown".into());
            add(&mut delta.add, &format!("speech.{role}.{status}"), 1);
        }
        (
            _,
            t
            @ ("transfer-destination-request" | "transfer-update" | "handoff-destination-request"),
        ) => {
            delta.flags.insert("escalation".into(), t.to_string());
        }
        (_, "phone-call-control") => match str_of(m, "request") {
            Some("forward") => {
                delta
                    .flags
                    .insert("escalation".into(), "phone-call-control.forward".into());
            }
            Some("hang-up") => {
                delta.flags.insert("hangup_requested".into(), "true".into());
            }
            _ => {}
        },
        (_, "tool-calls") => {
            let n = m
                .get("toolCallList")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            add(&mut delta.add, "tool_calls", i64::try_from(n).unwrap_or(0));
        }
        _ => {}
    }
}

pub(crate) async fn handle(
    deps: &WorkerDeps,
    claim: &Claim,
    mut event: InboundEvent,
) -> Result<Outcome, WorkerError> {
    if let EventKind::TwilioStatus { call_sid, .. } = &event.kind {
        event.call_id = Some(match deps.archive.call_for_provider_id(call_sid).await? {
            Some(id) => id,
            None => format!("twilio-{call_sid}"),
        });
    }
    let call_id = event
        .call_id
        .clone()
        .unwrap_or_else(|| UNASSIGNED_CALL_ID.to_string());
    let (doc, audit) =
        scrub::scrub_message(&deps.redactor, &event.message_type, &event.message, false);
    let proto = EventRecord {
        ts_ms: event.ts_ms,
        arrival_ms: event.arrival_ms,
        message_type: event.message_type.clone(),
        body: StoredDocument {
            inline: None,
            parts: 0,
            bytes: 0,
        },
        late: false,
    };
    let owner = DocumentOwner::Event(proto.sort_key());
    let body = store_document(deps.archive.as_ref(), &call_id, &owner, &doc).await?;
    let build = |snap: &Snapshot| {
        let mut c = base_commit(deps, claim, &call_id, snap.late);
        c.call.event_ts_ms = event.ts_ms;
        c.call.add = audit.summary_counters();
        add(&mut c.call.add, "events", 1);
        c.call.removed_fields = audit.removed_fields.clone();
        if snap.late {
            add(&mut c.call.add, "late_events", 1);
        } else {
            c.call.provider_call_id = event.provider_call_id.clone();
            let mut delta = SessionDelta {
                event_ts_ms: event.ts_ms,
                expires_at_secs: deps.clock.now_secs() + deps.config.session_ttl_secs,
                add: audit.session_counters(),
                ..Default::default()
            };
            session_effects(&event, &mut delta);
            c.session = Some(delta);
        }
        c.event = Some(EventRecord {
            body: body.clone(),
            late: snap.late,
            ..proto.clone()
        });
        Ok(c)
    };
    drive(deps, claim, &call_id, false, false, build).await
}
