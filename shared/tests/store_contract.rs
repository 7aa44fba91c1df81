//! One contract suite for the worker's storage ports, run against the in-memory adapter
//! and against the DynamoDB adapter on DynamoDB Local (real wire protocol, Amazon's own
//! condition, size and batch rules). Time is passed in, never slept.

mod worker_support;

use std::collections::BTreeMap;

use callwarden::ports::store::{
    CallArchive, CallLock, ClaimOutcome, CommitOutcome, DocumentOwner, EventCommit, EventRecord,
    IdempotencyStore, LeaseFence, PartialTranscript, ReportCommit, ReportManifest, Segment,
    SessionDelta, SessionRead, SpeakerTail, StoredDocument, DOCUMENT_PART_BYTES,
};

const T0: i64 = 1_763_481_800_000;

trait Store: IdempotencyStore + CallLock + CallArchive {}
impl<T: IdempotencyStore + CallLock + CallArchive> Store for T {}

macro_rules! contract {
    ($($case:ident),* $(,)?) => {$(
        mod $case {
            #[tokio::test]
            async fn memory() {
                let store = callwarden::adapters::memory_store::MemoryStore::new();
                super::$case(&store).await;
            }
            #[tokio::test]
            async fn dynamodb() {
                if let Some(store) = super::worker_support::dynamo_store(stringify!($case)).await {
                    super::$case(store.as_ref()).await;
                }
            }
        }
    )*};
}

contract!(
    lock_acquire_contend_expire_steal_release_renew,
    idempotency_lifecycle,
    idempotency_in_progress_lease_expires,
    commit_completes_idempotency_and_counts_exactly,
    commit_requires_our_idempotency_token,
    session_partials_and_stream_versions_are_conditional,
    expired_session_is_absent_and_discarded,
    segments_read_back_in_spoken_order_exactly_once,
    report_split_over_items_and_archived_once,
    report_commit_is_fenced_by_a_live_lease,
    report_commit_refused_after_the_lease_ran_out,
    report_commit_refused_after_the_lease_was_taken_over_or_released,
    late_events_after_report,
    listing_and_provider_links,
);

async fn claim(s: &dyn Store, key: &str, token: &str, now_ms: i64) -> ClaimOutcome {
    s.claim(key, token, now_ms, now_ms + 60_000, now_ms / 1000 + 3600)
        .await
        .expect("claim")
}

fn commit_for(call_id: &str, key: &str, token: &str, now_ms: i64) -> EventCommit {
    EventCommit {
        call_id: call_id.to_string(),
        idempotency_key: key.to_string(),
        idempotency_token: token.to_string(),
        idempotency_expires_at_secs: now_ms / 1000 + 3600,
        now_secs: now_ms / 1000,
        call: Default::default(),
        session: None,
        segment: None,
        event: None,
        report: None,
        late: false,
    }
}

/// A small inline report, fenced by `owner`'s lease as of `now_ms`.
fn report_for(owner: &str, now_ms: i64) -> ReportCommit {
    ReportCommit {
        manifest: ReportManifest {
            ts_ms: now_ms,
            arrival_ms: now_ms,
            ended_reason: Some("customer-ended-call".into()),
            body: StoredDocument {
                inline: Some("{}".into()),
                parts: 0,
                bytes: 2,
            },
        },
        lease: LeaseFence {
            owner: owner.to_string(),
            now_ms,
        },
    }
}

/// Nothing of a refused report commit is visible: no report, no summary, record not
/// completed (another worker still finds it in progress).
async fn assert_report_not_written(s: &dyn Store, call: &str, key: &str, now_ms: i64) {
    assert!(
        !s.report_archived(call).await.unwrap(),
        "no report archived"
    );
    let stored = s.read_call(call, now_ms / 1000).await.unwrap();
    assert!(
        stored.is_none_or(|c| c.report.is_none() && c.summary.is_none() && c.session.is_none()),
        "a refused commit writes nothing"
    );
    assert_eq!(
        claim(s, key, "someone-else", now_ms).await,
        ClaimOutcome::InProgress,
        "the idempotency record was not completed"
    );
}

fn session_delta(now_ms: i64, adds: &[(&str, i64)]) -> SessionDelta {
    SessionDelta {
        event_ts_ms: now_ms,
        expires_at_secs: now_ms / 1000 + 3600,
        add: adds.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        ..Default::default()
    }
}

async fn lock_acquire_contend_expire_steal_release_renew(s: &dyn Store) {
    let c = "call-lock";
    assert!(
        s.acquire(c, "A", T0, 1000).await.unwrap(),
        "free lock is acquired"
    );
    assert!(
        !s.acquire(c, "B", T0 + 10, 1000).await.unwrap(),
        "held lock contends"
    );
    assert!(
        !s.release(c, "B").await.unwrap(),
        "non-owner cannot release"
    );
    assert!(
        !s.renew(c, "B", T0 + 20, 1000).await.unwrap(),
        "non-owner cannot renew"
    );
    assert!(
        s.renew(c, "A", T0 + 500, 1000).await.unwrap(),
        "owner renews"
    );
    assert!(
        !s.acquire(c, "B", T0 + 1200, 1000).await.unwrap(),
        "renewed lease still holds"
    );
    assert!(
        s.acquire(c, "B", T0 + 1501, 1000).await.unwrap(),
        "expired lease is stolen"
    );
    assert!(
        !s.renew(c, "A", T0 + 1502, 1000).await.unwrap(),
        "old owner cannot renew"
    );
    assert!(
        !s.release(c, "A").await.unwrap(),
        "old owner cannot release"
    );
    assert!(s.release(c, "B").await.unwrap(), "owner releases");
    assert!(
        s.acquire(c, "A", T0 + 1600, 1000).await.unwrap(),
        "released lock is free"
    );
    assert!(
        !s.renew(c, "A", T0 + 3000, 1000).await.unwrap(),
        "an expired lease is not renewed"
    );
}

async fn idempotency_lifecycle(s: &dyn Store) {
    let k = "transcript:call-1:1:user:final";
    assert_eq!(claim(s, k, "T1", T0).await, ClaimOutcome::Claimed);
    assert_eq!(claim(s, k, "T2", T0 + 1000).await, ClaimOutcome::InProgress);
    assert!(
        !s.complete(k, "T2", T0 / 1000 + 10).await.unwrap(),
        "other token cannot complete"
    );
    assert!(
        !s.abandon(k, "T2").await.unwrap(),
        "other token cannot delete"
    );
    let expires = T0 / 1000 + 10;
    assert!(s.complete(k, "T1", expires).await.unwrap());
    assert_eq!(
        claim(s, k, "T3", T0 + 2000).await,
        ClaimOutcome::AlreadyCompleted
    );
    assert!(
        !s.abandon(k, "T1").await.unwrap(),
        "a COMPLETED record is not deleted"
    );
    // Expired but not yet deleted by TTL: treated as absent.
    assert_eq!(
        claim(s, k, "T4", (expires + 1) * 1000).await,
        ClaimOutcome::Claimed
    );
    assert!(
        s.abandon(k, "T4").await.unwrap(),
        "handler error deletes the record"
    );
    assert_eq!(
        claim(s, k, "T5", (expires + 2) * 1000).await,
        ClaimOutcome::Claimed
    );
}

async fn idempotency_in_progress_lease_expires(s: &dyn Store) {
    let k = "status-update:call-2:ended";
    assert_eq!(
        s.claim(k, "A", T0, T0 + 1000, T0 / 1000 + 3600)
            .await
            .unwrap(),
        ClaimOutcome::Claimed
    );
    assert_eq!(
        s.claim(k, "B", T0 + 1000, T0 + 2000, T0 / 1000 + 3600)
            .await
            .unwrap(),
        ClaimOutcome::InProgress,
        "lease still live at its last millisecond"
    );
    assert_eq!(
        s.claim(k, "B", T0 + 1001, T0 + 2001, T0 / 1000 + 3600)
            .await
            .unwrap(),
        ClaimOutcome::Claimed,
        "abandoned INPROGRESS is taken over"
    );
    assert!(
        !s.complete(k, "A", T0 / 1000 + 3600).await.unwrap(),
        "the crashed worker lost it"
    );
    assert!(s.complete(k, "B", T0 / 1000 + 3600).await.unwrap());
}

async fn commit_completes_idempotency_and_counts_exactly(s: &dyn Store) {
    let call = "call-counts";
    for i in 0..3 {
        let key = format!("evt-{i}");
        assert_eq!(claim(s, &key, "tok", T0).await, ClaimOutcome::Claimed);
        let mut c = commit_for(call, &key, "tok", T0 + i * 1000);
        c.call.add = BTreeMap::from([
            ("events".to_string(), 1),
            ("audit.type.PHONE".to_string(), 2),
        ]);
        c.call
            .removed_fields
            .insert("status-update:message.call.monitor.controlUrl".into());
        let mut d = session_delta(
            T0 + i * 1000,
            &[("event.status-update", 1), ("redacted.PHONE", 2)],
        );
        d.statuses.insert(
            if i == 0 { "ringing" } else { "in-progress" }.into(),
            T0 + i * 1000,
        );
        d.flags.insert("escalation".into(), format!("v{i}"));
        c.session = Some(d);
        assert_eq!(s.commit(&c).await.unwrap(), CommitOutcome::Committed);
        assert_eq!(
            claim(s, &key, "again", T0 + 5000).await,
            ClaimOutcome::AlreadyCompleted
        );
    }
    let SessionRead::Live(sess) = s.read_session(call, T0 / 1000).await.unwrap() else {
        panic!("session must be live");
    };
    assert_eq!(sess.counters.get("event.status-update"), Some(&3));
    assert_eq!(sess.counters.get("redacted.PHONE"), Some(&6));
    assert_eq!(sess.statuses.get("ringing"), Some(&T0));
    assert_eq!(
        sess.statuses.get("in-progress"),
        Some(&(T0 + 1000)),
        "first time a status was seen wins"
    );
    assert_eq!(sess.flags.get("escalation").map(String::as_str), Some("v2"));
    assert_eq!(sess.started_at_ms, T0);
    let stored = s
        .read_call(call, T0 / 1000)
        .await
        .unwrap()
        .expect("call stored");
    let summary = stored.summary.expect("summary");
    assert_eq!(summary.counters.get("events"), Some(&3));
    assert_eq!(summary.counters.get("audit.type.PHONE"), Some(&6));
    assert_eq!(summary.removed_fields.len(), 1);
}

async fn commit_requires_our_idempotency_token(s: &dyn Store) {
    let call = "call-token";
    let mut c = commit_for(call, "never-claimed", "tok", T0);
    c.session = Some(session_delta(T0, &[("event.hang", 1)]));
    assert_eq!(s.commit(&c).await.unwrap(), CommitOutcome::IdempotencyLost);
    assert_eq!(claim(s, "taken", "A", T0).await, ClaimOutcome::Claimed);
    let mut c = commit_for(call, "taken", "B", T0);
    c.session = Some(session_delta(T0, &[("event.hang", 1)]));
    assert_eq!(s.commit(&c).await.unwrap(), CommitOutcome::IdempotencyLost);
    assert_eq!(
        s.read_session(call, T0 / 1000).await.unwrap(),
        SessionRead::Absent,
        "nothing written"
    );
    assert!(s.read_call(call, T0 / 1000).await.unwrap().is_none());
}

async fn session_partials_and_stream_versions_are_conditional(s: &dyn Store) {
    let call = "call-partials";
    let partial = |ts: i64, text: &str| {
        Some((
            "user".to_string(),
            PartialTranscript {
                ts_ms: ts,
                text: text.into(),
            },
        ))
    };
    let tail = |expected: u64, version: u64| {
        Some((
            "user".to_string(),
            expected,
            SpeakerTail {
                version,
                ts_ms: T0,
                state: String::new(),
                last_text: format!("v{version}"),
            },
        ))
    };
    let mut n = 0;
    let mut commit = |d: SessionDelta| {
        n += 1;
        let key = format!("p-{n}");
        let mut c = commit_for(call, &key, "tok", T0);
        c.session = Some(d);
        (key, c)
    };
    let (k, c) = commit(SessionDelta {
        partial: partial(T0 + 200, "newer"),
        tail: tail(0, 1),
        ..session_delta(T0, &[])
    });
    claim(s, &k, "tok", T0).await;
    assert_eq!(s.commit(&c).await.unwrap(), CommitOutcome::Committed);
    let (k, c) = commit(SessionDelta {
        partial: partial(T0 + 100, "older"),
        ..session_delta(T0, &[])
    });
    claim(s, &k, "tok", T0).await;
    assert_eq!(
        s.commit(&c).await.unwrap(),
        CommitOutcome::SessionConflict,
        "older partial refused"
    );
    let (k, c) = commit(SessionDelta {
        tail: tail(0, 1),
        ..session_delta(T0, &[])
    });
    claim(s, &k, "tok", T0).await;
    assert_eq!(
        s.commit(&c).await.unwrap(),
        CommitOutcome::SessionConflict,
        "stale stream version refused"
    );
    let (k, c) = commit(SessionDelta {
        tail: tail(1, 2),
        partial: partial(T0 + 200, "same-ts"),
        ..session_delta(T0, &[])
    });
    claim(s, &k, "tok", T0).await;
    assert_eq!(s.commit(&c).await.unwrap(), CommitOutcome::Committed);
    let SessionRead::Live(sess) = s.read_session(call, T0 / 1000).await.unwrap() else {
        panic!("live")
    };
    assert_eq!(sess.partials["user"].text, "same-ts");
    assert_eq!(sess.tails["user"].version, 2);
    assert_eq!(sess.tails["user"].last_text, "v2");
}

async fn expired_session_is_absent_and_discarded(s: &dyn Store) {
    let call = "call-expiry";
    claim(s, "e-1", "tok", T0).await;
    let mut c = commit_for(call, "e-1", "tok", T0);
    c.session = Some(SessionDelta {
        expires_at_secs: T0 / 1000 + 10,
        ..session_delta(T0, &[("event.hang", 5)])
    });
    assert_eq!(s.commit(&c).await.unwrap(), CommitOutcome::Committed);
    assert!(matches!(
        s.read_session(call, T0 / 1000 + 10).await.unwrap(),
        SessionRead::Live(_)
    ));
    let later = T0 + 11_000;
    assert_eq!(
        s.read_session(call, later / 1000).await.unwrap(),
        SessionRead::Expired
    );
    claim(s, "e-2", "tok", later).await;
    let mut c = commit_for(call, "e-2", "tok", later);
    c.session = Some(session_delta(later, &[("event.hang", 1)]));
    assert_eq!(
        s.commit(&c).await.unwrap(),
        CommitOutcome::SessionConflict,
        "no adding onto an expired session"
    );
    s.discard_expired_session(call, later / 1000).await.unwrap();
    assert_eq!(
        s.read_session(call, later / 1000).await.unwrap(),
        SessionRead::Absent
    );
    assert_eq!(s.commit(&c).await.unwrap(), CommitOutcome::Committed);
    let SessionRead::Live(sess) = s.read_session(call, later / 1000).await.unwrap() else {
        panic!("live")
    };
    assert_eq!(sess.counters.get("event.hang"), Some(&1), "fresh session");
    // A live session is never discarded.
    s.discard_expired_session(call, later / 1000).await.unwrap();
    assert!(matches!(
        s.read_session(call, later / 1000).await.unwrap(),
        SessionRead::Live(_)
    ));
}

async fn segments_read_back_in_spoken_order_exactly_once(s: &dyn Store) {
    let call = "call-segments";
    let order = [
        (5_000, 1, "e"),
        (1_000, 9, "a2"),
        (3_000, 1, "c"),
        (1_000, 2, "a1"),
        (2_000, 1, "b"),
    ];
    for (i, (ts, arrival, text)) in order.iter().enumerate() {
        let key = format!("seg-{i}");
        claim(s, &key, "tok", T0).await;
        let mut c = commit_for(call, &key, "tok", T0);
        c.segment = Some(Segment {
            ts_ms: T0 + ts,
            arrival_ms: T0 + arrival,
            role: "user".into(),
            text: text.to_string(),
            redacted: BTreeMap::from([("PHONE".to_string(), 1)]),
            late: false,
        });
        assert_eq!(s.commit(&c).await.unwrap(), CommitOutcome::Committed);
    }
    // The same segment again (idempotency record long gone): refused as a duplicate.
    claim(s, "seg-dup", "tok", T0).await;
    let mut c = commit_for(call, "seg-dup", "tok", T0);
    c.segment = Some(Segment {
        ts_ms: T0 + 2_000,
        arrival_ms: T0 + 1,
        role: "user".into(),
        text: "b".into(),
        redacted: BTreeMap::new(),
        late: false,
    });
    c.call.add.insert("events".into(), 1);
    assert_eq!(s.commit(&c).await.unwrap(), CommitOutcome::EntryExists);
    let stored = s.read_call(call, T0 / 1000).await.unwrap().expect("stored");
    let texts: Vec<&str> = stored.segments.iter().map(|x| x.text.as_str()).collect();
    assert_eq!(texts, ["a1", "a2", "b", "c", "e"]);
    assert_eq!(stored.segments[0].redacted.get("PHONE"), Some(&1));
    assert_eq!(
        stored
            .summary
            .and_then(|x| x.counters.get("events").copied()),
        None,
        "duplicate wrote nothing"
    );
}

fn big_report_text() -> String {
    let filler = "x".repeat(1000);
    let messages: Vec<String> = (0..900)
        .map(|i| format!("{{\"i\":{i},\"m\":\"{filler}\"}}"))
        .collect();
    format!(
        "{{\"type\":\"end-of-call-report\",\"messages\":[{}]}}",
        messages.join(",")
    )
}

async fn report_split_over_items_and_archived_once(s: &dyn Store) {
    let call = "call-report";
    let text = big_report_text();
    assert!(text.len() > 2 * DOCUMENT_PART_BYTES);
    let parts: Vec<String> = text
        .as_bytes()
        .chunks(DOCUMENT_PART_BYTES)
        .map(|c| String::from_utf8(c.to_vec()).expect("ascii"))
        .collect();
    s.put_parts(call, &DocumentOwner::Report, &parts)
        .await
        .unwrap();
    // Re-writing the same parts is harmless (a retry after a failed commit).
    s.put_parts(call, &DocumentOwner::Report, &parts)
        .await
        .unwrap();
    assert!(!s.report_archived(call).await.unwrap());
    claim(s, "report", "tok", T0).await;
    assert!(s.acquire(call, "tok", T0, 30_000).await.unwrap());
    let mut c = commit_for(call, "report", "tok", T0);
    c.report = Some(ReportCommit {
        manifest: ReportManifest {
            ts_ms: T0,
            arrival_ms: T0 + 5,
            ended_reason: Some("customer-ended-call".into()),
            body: StoredDocument {
                inline: None,
                parts: parts.len() as u32,
                bytes: text.len() as u64,
            },
        },
        lease: LeaseFence {
            owner: "tok".into(),
            now_ms: T0,
        },
    });
    c.session = Some(SessionDelta {
        clear_tail_state: true,
        ..session_delta(T0, &[("event.end-of-call-report", 1)])
    });
    assert_eq!(s.commit(&c).await.unwrap(), CommitOutcome::Committed);
    assert!(s.report_archived(call).await.unwrap());
    let stored = s.read_call(call, T0 / 1000).await.unwrap().expect("stored");
    let report = stored.report.expect("report");
    assert_eq!(
        report.body.inline.as_deref(),
        Some(text.as_str()),
        "parts reassemble byte for byte"
    );
    assert_eq!(report.ended_reason.as_deref(), Some("customer-ended-call"));
    // A second report commit is refused.
    claim(s, "report-2", "tok", T0).await;
    let mut c2 = commit_for(call, "report-2", "tok", T0);
    c2.report = c.report.clone();
    assert_eq!(s.commit(&c2).await.unwrap(), CommitOutcome::EntryExists);
    // An item over the size limit is refused by both adapters.
    let too_big = vec!["y".repeat(420 * 1024)];
    assert!(s
        .put_parts(call, &DocumentOwner::Report, &too_big)
        .await
        .is_err());
}

async fn report_commit_is_fenced_by_a_live_lease(s: &dyn Store) {
    let call = "call-fence-live";
    claim(s, "fence-live", "A", T0).await;
    assert!(s.acquire(call, "A", T0, 1000).await.unwrap());
    // The last millisecond of the lease is still live (the same rule as `renew`).
    let mut c = commit_for(call, "fence-live", "A", T0 + 1000);
    c.report = Some(report_for("A", T0 + 1000));
    assert_eq!(s.commit(&c).await.unwrap(), CommitOutcome::Committed);
    assert!(s.report_archived(call).await.unwrap());
    let stored = s.read_call(call, T0 / 1000).await.unwrap().expect("stored");
    assert_eq!(
        stored.report.expect("report").ended_reason.as_deref(),
        Some("customer-ended-call")
    );
    assert_eq!(
        claim(s, "fence-live", "B", T0 + 2000).await,
        ClaimOutcome::AlreadyCompleted
    );
    // The lock itself is untouched by the commit: its owner still releases it.
    assert!(s.release(call, "A").await.unwrap());
}

async fn report_commit_refused_after_the_lease_ran_out(s: &dyn Store) {
    let call = "call-fence-expired";
    claim(s, "fence-expired", "A", T0).await;
    // Never locked at all.
    let mut c = commit_for(call, "fence-expired", "A", T0);
    c.report = Some(report_for("A", T0));
    assert_eq!(s.commit(&c).await.unwrap(), CommitOutcome::LeaseLost);
    // Locked, then the lease runs out with nobody else taking it.
    assert!(s.acquire(call, "A", T0, 1000).await.unwrap());
    let mut c = commit_for(call, "fence-expired", "A", T0 + 1001);
    c.report = Some(report_for("A", T0 + 1001));
    assert_eq!(s.commit(&c).await.unwrap(), CommitOutcome::LeaseLost);
    assert_report_not_written(s, call, "fence-expired", T0 + 1001).await;
    // A lost idempotency record is reported first (the event is someone else's now).
    let mut c = commit_for(call, "fence-expired", "not-the-claimer", T0 + 1001);
    c.report = Some(report_for("A", T0 + 1001));
    assert_eq!(s.commit(&c).await.unwrap(), CommitOutcome::IdempotencyLost);
    // Re-acquired: the same report now commits, once.
    assert!(s.acquire(call, "A", T0 + 1002, 1000).await.unwrap());
    let mut c = commit_for(call, "fence-expired", "A", T0 + 1003);
    c.report = Some(report_for("A", T0 + 1003));
    assert_eq!(s.commit(&c).await.unwrap(), CommitOutcome::Committed);
    assert!(s.report_archived(call).await.unwrap());
}

async fn report_commit_refused_after_the_lease_was_taken_over_or_released(s: &dyn Store) {
    let call = "call-fence-stolen";
    claim(s, "fence-stolen", "A", T0).await;
    assert!(s.acquire(call, "A", T0, 1000).await.unwrap());
    // B takes the expired lease over. A's commit is refused even when it claims a time
    // inside its own old lease (a request built before the lease ran out, sent late).
    assert!(s.acquire(call, "B", T0 + 1500, 1000).await.unwrap());
    let mut c = commit_for(call, "fence-stolen", "A", T0 + 900);
    c.report = Some(report_for("A", T0 + 900));
    assert_eq!(s.commit(&c).await.unwrap(), CommitOutcome::LeaseLost);
    let mut c = commit_for(call, "fence-stolen", "A", T0 + 1600);
    c.report = Some(report_for("A", T0 + 1600));
    assert_eq!(s.commit(&c).await.unwrap(), CommitOutcome::LeaseLost);
    assert_report_not_written(s, call, "fence-stolen", T0 + 1600).await;
    // B releases: the lock item is gone, A still holds nothing.
    assert!(s.release(call, "B").await.unwrap());
    let mut c = commit_for(call, "fence-stolen", "A", T0 + 1700);
    c.report = Some(report_for("A", T0 + 1700));
    assert_eq!(s.commit(&c).await.unwrap(), CommitOutcome::LeaseLost);
    assert_report_not_written(s, call, "fence-stolen", T0 + 1700).await;
}

async fn late_events_after_report(s: &dyn Store) {
    let call = "call-late";
    claim(s, "r", "tok", T0).await;
    assert!(s.acquire(call, "tok", T0, 30_000).await.unwrap());
    let mut c = commit_for(call, "r", "tok", T0);
    c.report = Some(ReportCommit {
        manifest: ReportManifest {
            ts_ms: T0,
            arrival_ms: T0,
            ended_reason: None,
            body: StoredDocument {
                inline: Some("{}".into()),
                parts: 0,
                bytes: 2,
            },
        },
        lease: LeaseFence {
            owner: "tok".into(),
            now_ms: T0,
        },
    });
    assert_eq!(s.commit(&c).await.unwrap(), CommitOutcome::Committed);
    claim(s, "late", "tok", T0).await;
    let event = EventRecord {
        ts_ms: T0 + 1,
        arrival_ms: T0 + 2,
        message_type: "status-update".into(),
        body: StoredDocument {
            inline: Some("{\"status\":\"in-progress\"}".into()),
            parts: 0,
            bytes: 24,
        },
        late: false,
    };
    let mut c = commit_for(call, "late", "tok", T0);
    c.event = Some(event.clone());
    c.session = Some(session_delta(T0, &[("event.status-update", 1)]));
    assert_eq!(s.commit(&c).await.unwrap(), CommitOutcome::CallArchived);
    let mut c = commit_for(call, "late", "tok", T0);
    c.event = Some(EventRecord {
        late: true,
        ..event
    });
    c.call.add.insert("late_events".into(), 1);
    c.late = true;
    assert_eq!(s.commit(&c).await.unwrap(), CommitOutcome::Committed);
    let stored = s.read_call(call, T0 / 1000).await.unwrap().expect("stored");
    assert_eq!(stored.events.len(), 1);
    assert!(stored.events[0].late);
    assert_eq!(
        stored.events[0].body.inline.as_deref(),
        Some("{\"status\":\"in-progress\"}")
    );
    assert_eq!(
        stored.summary.expect("summary").counters.get("late_events"),
        Some(&1)
    );
    assert!(stored.session.is_none(), "late event touched no session");
}

async fn listing_and_provider_links(s: &dyn Store) {
    for (i, call) in ["call-old", "call-new"].iter().enumerate() {
        let key = format!("l-{i}");
        let now = T0 + i as i64 * 60_000;
        claim(s, &key, "tok", now).await;
        let mut c = commit_for(call, &key, "tok", now);
        c.call.event_ts_ms = now;
        c.call.add.insert("events".into(), 1);
        if i == 1 {
            c.call.provider_call_id = Some("CA123".into());
        }
        assert_eq!(s.commit(&c).await.unwrap(), CommitOutcome::Committed);
    }
    let listed = s.list_calls((T0 + 120_000) / 1000, 2, 10).await.unwrap();
    let ids: Vec<&str> = listed.iter().map(|c| c.call_id.as_str()).collect();
    assert_eq!(ids, ["call-new", "call-old"], "newest first");
    assert_eq!(
        s.list_calls((T0 + 120_000) / 1000, 1, 1)
            .await
            .unwrap()
            .len(),
        1,
        "limit honoured"
    );
    assert!(
        s.list_calls((T0 + 10 * 86_400_000) / 1000, 2, 10)
            .await
            .unwrap()
            .is_empty(),
        "window honoured"
    );
    assert_eq!(
        s.call_for_provider_id("CA123").await.unwrap().as_deref(),
        Some("call-new")
    );
    assert_eq!(s.call_for_provider_id("CA999").await.unwrap(), None);
}
