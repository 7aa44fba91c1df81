//! The end-of-call report: archived exactly once, redacted as a whole JSON tree, split
//! over part items when larger than one item, under the call lock (the write spans
//! several requests), and the commit itself is fenced by the lease. Committing it marks
//! the call archived as ended: later events are archived flagged `late`.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::ports::store::{DocumentOwner, LeaseFence, ReportCommit, ReportManifest, SessionDelta};
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

/// How many times the locked section is redone under a fresh lease after the report commit
/// was refused because the lease ran out, before the record fails and returns through the
/// queue.
const LEASE_ATTEMPTS: u32 = 3;

/// The report's redacted document and what the commit derives from it: computed on the
/// first pass that needs it (not for a duplicate or a contended lock) and kept, so a redo
/// under a new lease does not redact the report again.
struct Scrubbed {
    doc: Value,
    audit: scrub::Audit,
    ended_reason: Option<String>,
    success: Option<String>,
    sentiment: Option<String>,
}

fn scrub_report(deps: &WorkerDeps, event: &InboundEvent) -> Scrubbed {
    let m = &event.message;
    let (doc, audit) = scrub::scrub_message(&deps.redactor, "end-of-call-report", m, true);
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
    Scrubbed {
        doc,
        audit,
        ended_reason,
        success,
        sentiment,
    }
}

/// Archive the report under the call lock. The commit is fenced by the lease (see
/// [`crate::ports::store::LeaseFence`]): when the lease ran out before it (slow requests,
/// SDK retries, session conflicts), the commit is refused, and the whole locked section
/// (archived check, parts, commit) is redone under a newly acquired lease; if another
/// worker holds the lock by then, or after [`LEASE_ATTEMPTS`], the record fails and SQS
/// delivers it again. Nothing is written outside a live lease, and nothing twice.
pub(crate) async fn handle(
    deps: &WorkerDeps,
    claim: &Claim,
    event: &InboundEvent,
) -> Result<Outcome, WorkerError> {
    let call_id = event
        .call_id
        .clone()
        .unwrap_or_else(|| UNASSIGNED_CALL_ID.to_string());
    let mut scrubbed = None;
    let mut attempt = 1;
    loop {
        match under_lock(deps, claim, event, &call_id, &mut scrubbed).await {
            Err(WorkerError::LeaseLost(_)) if attempt < LEASE_ATTEMPTS => {
                tracing::info!(
                    target: "callwarden::worker",
                    attempt,
                    "call lease ran out before the report commit; redoing it under a new lease"
                );
                attempt += 1;
            }
            result => return result,
        }
    }
}

/// One pass of the locked section: acquire, archive, release.
async fn under_lock(
    deps: &WorkerDeps,
    claim: &Claim,
    event: &InboundEvent,
    call_id: &str,
    scrubbed: &mut Option<Scrubbed>,
) -> Result<Outcome, WorkerError> {
    let lease_ms = deps.config.lock_lease_secs * 1000;
    if !deps
        .locks
        .acquire(call_id, &claim.token, deps.clock.now_ms(), lease_ms)
        .await?
    {
        return Err(WorkerError::Locked(call_id.to_string()));
    }
    let result = archive_report(deps, claim, event, call_id, scrubbed).await;
    if let Err(e) = deps.locks.release(call_id, &claim.token).await {
        tracing::warn!(error = %e, "call lock not released; it expires with its lease");
    }
    result
}

async fn archive_report(
    deps: &WorkerDeps,
    claim: &Claim,
    event: &InboundEvent,
    call_id: &str,
    scrubbed: &mut Option<Scrubbed>,
) -> Result<Outcome, WorkerError> {
    if deps.archive.report_archived(call_id).await? {
        return complete_as_duplicate(deps, claim).await;
    }
    let scrubbed: &Scrubbed = scrubbed.get_or_insert_with(|| scrub_report(deps, event));
    let body = store_document(
        deps.archive.as_ref(),
        call_id,
        &DocumentOwner::Report,
        &scrubbed.doc,
    )
    .await?;
    // Liveness only (the parts may have taken a while): correctness comes from the fence.
    let lease_ms = deps.config.lock_lease_secs * 1000;
    if !deps
        .locks
        .renew(call_id, &claim.token, deps.clock.now_ms(), lease_ms)
        .await?
    {
        return Err(WorkerError::LeaseLost(call_id.to_string()));
    }
    let audit = &scrubbed.audit;
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
        if let Some(r) = &scrubbed.ended_reason {
            delta.flags.insert("ended_reason".into(), r.clone());
        }
        if let Some(s) = &scrubbed.success {
            delta.flags.insert("success_evaluation".into(), s.clone());
        }
        if let Some(s) = &scrubbed.sentiment {
            delta.flags.insert("sentiment".into(), s.clone());
        }
        c.session = Some(delta);
        c.report = Some(ReportCommit {
            manifest: ReportManifest {
                ts_ms: event.ts_ms,
                arrival_ms: event.arrival_ms,
                ended_reason: scrubbed.ended_reason.clone(),
                body: body.clone(),
            },
            // Read the clock for every attempt: a commit retried after a session conflict
            // is judged against the lease at its own time.
            lease: LeaseFence {
                owner: claim.token.clone(),
                now_ms: deps.clock.now_ms(),
            },
        });
        Ok(c)
    };
    drive(deps, claim, call_id, false, true, build).await
}
