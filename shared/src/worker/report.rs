//! The end-of-call report: archived exactly once, redacted as a whole JSON tree, split
//! over part items when larger than one item, under the call lock (the write spans
//! several requests). Committing it marks the call archived as ended: later events are
//! archived flagged `late`.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::ports::store::{DocumentOwner, ReportManifest, SessionDelta};
use crate::worker::commit::{base_commit, complete_as_duplicate, drive, Snapshot};
use crate::worker::documents::store_document;
use crate::worker::message::{sanitize_name, InboundEvent};
use crate::worker::{scrub, Claim, Outcome, WorkerDeps, WorkerError, UNASSIGNED_CALL_ID};

fn add(map: &mut BTreeMap<String, i64>, key: &str, n: i64) {
    *map.entry(key.to_string()).or_insert(0) += n;
}

fn scalar_text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

pub(crate) async fn handle(
    deps: &WorkerDeps,
    claim: &Claim,
    event: &InboundEvent,
) -> Result<Outcome, WorkerError> {
    let call_id = event
        .call_id
        .clone()
        .unwrap_or_else(|| UNASSIGNED_CALL_ID.to_string());
    let lease_ms = deps.config.lock_lease_secs * 1000;
    if !deps
        .locks
        .acquire(&call_id, &claim.token, deps.clock.now_ms(), lease_ms)
        .await?
    {
        return Err(WorkerError::Locked(call_id));
    }
    let result = archive_report(deps, claim, event, &call_id).await;
    if let Err(e) = deps.locks.release(&call_id, &claim.token).await {
        tracing::warn!(error = %e, "call lock not released; it expires with its lease");
    }
    result
}

async fn archive_report(
    deps: &WorkerDeps,
    claim: &Claim,
    event: &InboundEvent,
    call_id: &str,
) -> Result<Outcome, WorkerError> {
    if deps.archive.report_archived(call_id).await? {
        return complete_as_duplicate(deps, claim).await;
    }
    let (doc, audit) =
        scrub::scrub_message(&deps.redactor, "end-of-call-report", &event.message, true);
    let body = store_document(deps.archive.as_ref(), call_id, &DocumentOwner::Report, &doc).await?;
    let lease_ms = deps.config.lock_lease_secs * 1000;
    if !deps
        .locks
        .renew(call_id, &claim.token, deps.clock.now_ms(), lease_ms)
        .await?
    {
        return Err(WorkerError::Locked(call_id.to_string()));
    }
    let m = &event.message;
    let ended_reason = m
        .get("endedReason")
        .and_then(Value::as_str)
        .map(sanitize_name);
    let analysis = m.get("analysis");
    let success = scalar_text(analysis.and_then(|a| a.get("successEvaluation")))
        .and_then(|v| scrub::redact_flag(&deps.redactor, &v));
    let sentiment = scalar_text(
        analysis
            .and_then(|a| a.get("structuredData"))
            .and_then(|d| d.get("sentiment")),
    )
    .and_then(|v| scrub::redact_flag(&deps.redactor, &v));
    let build = |_snap: &Snapshot| {
        let mut c = base_commit(deps, claim, call_id, false);
        c.call.event_ts_ms = event.ts_ms;
        c.call.add = audit.summary_counters();
        add(&mut c.call.add, "events", 1);
        c.call.removed_fields = audit.removed_fields.clone();
        c.call.provider_call_id = event.provider_call_id.clone();
        let mut delta = SessionDelta {
            event_ts_ms: event.ts_ms,
            expires_at_secs: deps.clock.now_secs() + deps.config.session_ttl_secs,
            add: audit.session_counters(),
            clear_tail_state: true,
            ..Default::default()
        };
        add(&mut delta.add, "event.end-of-call-report", 1);
        delta.statuses.insert("ended".into(), event.ts_ms);
        if let Some(r) = &ended_reason {
            delta.flags.insert("ended_reason".into(), r.clone());
        }
        if let Some(s) = &success {
            delta.flags.insert("success_evaluation".into(), s.clone());
        }
        if let Some(s) = &sentiment {
            delta.flags.insert("sentiment".into(), s.clone());
        }
        c.session = Some(delta);
        c.report = Some(ReportManifest {
            ts_ms: event.ts_ms,
            arrival_ms: event.arrival_ms,
            ended_reason: ended_reason.clone(),
            body: body.clone(),
        });
        Ok(c)
    };
    drive(deps, claim, call_id, false, true, build).await
}
