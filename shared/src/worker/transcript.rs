//! Transcript events: final segments are redacted with the speaker's carried stream state
//! and archived one item each; partials are redacted and kept only as the last partial
//! per role in the session.

use std::collections::BTreeMap;

use crate::ports::store::{PartialTranscript, Segment, SessionDelta, SessionRead, SpeakerTail};
use crate::worker::commit::{base_commit, drive, Snapshot};
use crate::worker::message::{EventKind, InboundEvent};
use crate::worker::{scrub, signals, Claim, Outcome, WorkerDeps, WorkerError, UNASSIGNED_CALL_ID};

fn add(map: &mut BTreeMap<String, i64>, key: &str, n: i64) {
    *map.entry(key.to_string()).or_insert(0) += n;
}

pub(crate) async fn handle(
    deps: &WorkerDeps,
    claim: &Claim,
    event: &InboundEvent,
) -> Result<Outcome, WorkerError> {
    let EventKind::Transcript {
        role,
        is_final,
        text,
    } = &event.kind
    else {
        return Err(WorkerError::Undecodable("not a transcript".into()));
    };
    let call_id = event
        .call_id
        .clone()
        .unwrap_or_else(|| UNASSIGNED_CALL_ID.to_string());
    let other_role = if role == "user" { "assistant" } else { "user" };
    let build = |snap: &Snapshot| {
        let mut c = base_commit(deps, claim, &call_id, snap.late);
        c.call.event_ts_ms = event.ts_ms;
        let live = match &snap.session {
            SessionRead::Live(s) => Some(s),
            _ => None,
        };
        let previous_turn = live
            .and_then(|s| s.tails.get(other_role))
            .filter(|t| t.ts_ms <= event.ts_ms && !t.last_text.is_empty())
            .map(|t| t.last_text.as_str());
        add(&mut c.call.add, "events", 1);
        if snap.late {
            add(&mut c.call.add, "late_events", 1);
        }
        let mut delta = SessionDelta {
            event_ts_ms: event.ts_ms,
            expires_at_secs: deps.clock.now_secs() + deps.config.session_ttl_secs,
            ..Default::default()
        };
        let redacted_text;
        // The speaker's carried tail: a number cut at the end of their previous final
        // segment, so its continuation at the start of this one is caught too.
        let own = live.and_then(|s| s.tails.get(role.as_str()));
        let carried = own
            .filter(|t| t.ts_ms <= event.ts_ms && !t.state.is_empty())
            .map(|t| t.state.as_str());
        if *is_final {
            let r = scrub::redact_final(&deps.redactor, role, text, carried, previous_turn);
            c.call.add.extend(r.audit.summary_counters());
            delta.add.extend(r.audit.session_counters());
            add(&mut delta.add, "event.transcript.final", 1);
            if own.is_none_or(|t| t.ts_ms <= event.ts_ms) {
                let expected = own.map_or(0, |t| t.version);
                delta.tail = Some((
                    role.clone(),
                    expected,
                    SpeakerTail {
                        version: expected + 1,
                        ts_ms: event.ts_ms,
                        state: r.state.clone(),
                        last_text: r.text.clone(),
                    },
                ));
            }
            c.segment = Some(Segment {
                ts_ms: event.ts_ms,
                arrival_ms: event.arrival_ms,
                role: role.clone(),
                text: r.text.clone(),
                redacted: r.counts.clone(),
                late: snap.late,
            });
            redacted_text = r.text;
        } else {
            let (t, audit) =
                scrub::redact_partial(&deps.redactor, role, text, carried, previous_turn);
            c.call.add.extend(audit.summary_counters());
            delta.add.extend(audit.session_counters());
            add(&mut delta.add, "event.transcript.partial", 1);
            let newer_stored = live
                .and_then(|s| s.partials.get(role.as_str()))
                .is_some_and(|p| p.ts_ms > event.ts_ms);
            if !newer_stored {
                delta.partial = Some((
                    role.clone(),
                    PartialTranscript {
                        ts_ms: event.ts_ms,
                        text: t.clone(),
                    },
                ));
            }
            redacted_text = t;
        }
        if role == "user" && *is_final {
            if signals::asks_for_human(&redacted_text) {
                delta
                    .flags
                    .insert("escalation".into(), "caller-asked-for-human".into());
                add(&mut delta.add, "escalation.requests", 1);
            }
            if signals::sounds_negative(&redacted_text) {
                delta.flags.insert("sentiment".into(), "negative".into());
                add(&mut delta.add, "sentiment.negative", 1);
            }
        }
        if !snap.late {
            c.session = Some(delta);
        }
        Ok(c)
    };
    drive(deps, claim, &call_id, true, false, build).await
}
