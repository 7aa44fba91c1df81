//! The commit loop shared by every event type: build the event's writes against the
//! latest session snapshot, commit them atomically with the idempotency completion, and
//! react to each failed condition (late call, duplicate entry, session conflict, expiry).

use crate::ports::store::{CallDelta, CommitOutcome, EventCommit, SessionRead};
use crate::worker::{Claim, Outcome, WorkerDeps, WorkerError};

/// What the builder sees on each attempt.
pub(crate) struct Snapshot {
    /// The session as last read (`Absent` when not read yet and the event does not need it).
    pub session: SessionRead,
    /// The call is archived as ended: build a late event (no session changes).
    pub late: bool,
}

/// An empty commit for `call_id` carrying the idempotency completion.
pub(crate) fn base_commit(
    deps: &WorkerDeps,
    claim: &Claim,
    call_id: &str,
    late: bool,
) -> EventCommit {
    let now_secs = deps.clock.now_secs();
    EventCommit {
        call_id: call_id.to_string(),
        idempotency_key: claim.key.clone(),
        idempotency_token: claim.token.clone(),
        idempotency_expires_at_secs: now_secs + deps.config.idempotency_ttl_secs,
        now_secs,
        call: CallDelta::default(),
        session: None,
        segment: None,
        event: None,
        report: None,
        late,
    }
}

/// Run the commit loop. `read_session_first`: the builder needs session state (stream
/// tails, partials), so read it before the first attempt. `is_report`: a commit refused
/// because the call is archived means the report is a duplicate, not a late event.
pub(crate) async fn drive<F>(
    deps: &WorkerDeps,
    claim: &Claim,
    call_id: &str,
    read_session_first: bool,
    is_report: bool,
    mut build: F,
) -> Result<Outcome, WorkerError>
where
    F: FnMut(&Snapshot) -> Result<EventCommit, WorkerError>,
{
    let mut snap = Snapshot {
        session: SessionRead::Absent,
        late: false,
    };
    let mut need_read = read_session_first;
    for _ in 0..deps.config.commit_attempts.max(1) {
        if need_read {
            snap.session = deps
                .archive
                .read_session(call_id, deps.clock.now_secs())
                .await?;
            if snap.session == SessionRead::Expired {
                deps.archive
                    .discard_expired_session(call_id, deps.clock.now_secs())
                    .await?;
                snap.session = SessionRead::Absent;
            }
            need_read = false;
        }
        let commit = build(&snap)?;
        match deps.archive.commit(&commit).await? {
            CommitOutcome::Committed => {
                return Ok(if commit.late {
                    Outcome::ArchivedLate
                } else {
                    Outcome::Archived
                });
            }
            CommitOutcome::EntryExists => return complete_as_duplicate(deps, claim).await,
            CommitOutcome::CallArchived if is_report => {
                return complete_as_duplicate(deps, claim).await
            }
            CommitOutcome::CallArchived => {
                snap.late = true;
            }
            CommitOutcome::SessionConflict => need_read = true,
            CommitOutcome::IdempotencyLost => return Err(WorkerError::InProgress),
            CommitOutcome::LeaseLost => return Err(WorkerError::LeaseLost(call_id.to_string())),
        }
    }
    Err(WorkerError::Conflict(call_id.to_string()))
}

/// Complete the idempotency record without writing anything else (the event's effects
/// are already stored).
pub(crate) async fn complete_as_duplicate(
    deps: &WorkerDeps,
    claim: &Claim,
) -> Result<Outcome, WorkerError> {
    let expires = deps.clock.now_secs() + deps.config.idempotency_ttl_secs;
    if deps
        .idempotency
        .complete(&claim.key, &claim.token, expires)
        .await?
    {
        Ok(Outcome::Duplicate)
    } else {
        Err(WorkerError::InProgress)
    }
}
