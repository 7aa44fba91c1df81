//! In-memory implementation of the worker's storage ports, for `callwarden dev` and tests.
//!
//! It follows the DynamoDB adapter's contract exactly (same conditions, same precedence of
//! failed conditions, same size limits, same request accounting) and passes the same
//! contract suite (`tests/store_contract.rs`). Time comes from the callers, so tests move a
//! [`crate::clock::ManualClock`] instead of sleeping.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use async_trait::async_trait;

use crate::adapters::dynamodb::{RequestCounter, MAX_ITEM_BYTES, MAX_TRANSACTION_BYTES};
use crate::ports::store::{
    CallArchive, CallLock, CallSummary, ClaimOutcome, CommitOutcome, DocumentOwner, EventCommit,
    EventRecord, IdempotencyStore, ReportManifest, Segment, SessionRead, StoreError, StoredCall,
    StoredDocument, StoredSession,
};

#[derive(Debug, Clone, PartialEq, Eq)]
enum IdemStatus {
    InProgress,
    Completed,
}

#[derive(Debug, Clone)]
struct IdemRecord {
    status: IdemStatus,
    token: String,
    expires_at_secs: i64,
    in_progress_until_ms: i64,
}

#[derive(Debug, Clone)]
struct LockRecord {
    owner: String,
    lease_expires_at_ms: i64,
}

#[derive(Debug, Default)]
struct Tables {
    idempotency: HashMap<String, IdemRecord>,
    locks: HashMap<String, LockRecord>,
    sessions: HashMap<String, StoredSession>,
    calls: HashMap<String, CallSummary>,
    segments: HashMap<String, BTreeMap<String, Segment>>,
    events: HashMap<String, BTreeMap<String, EventRecord>>,
    reports: HashMap<String, ReportManifest>,
    parts: HashMap<(String, String), BTreeMap<u32, String>>,
    links: HashMap<String, String>,
}

/// All worker storage ports in process memory. Cheap to create; share it as `Arc`.
#[derive(Debug, Default)]
pub struct MemoryStore {
    tables: Mutex<Tables>,
    requests: RequestCounter,
}

fn poisoned() -> StoreError {
    StoreError::Unavailable("in-memory store lock poisoned".into())
}

fn owner_key(owner: &DocumentOwner) -> String {
    match owner {
        DocumentOwner::Report => "REPORT".to_string(),
        DocumentOwner::Event(sk) => sk.clone(),
    }
}

fn document_bytes(doc: &StoredDocument) -> usize {
    doc.inline.as_ref().map_or(0, String::len)
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Requests this store would have sent to DynamoDB, per operation.
    pub fn requests(&self) -> &RequestCounter {
        &self.requests
    }

    /// Every stored value rendered as text (keys and attributes), for leak tests that must
    /// scan everything the store holds.
    pub fn dump_text(&self) -> Result<Vec<String>, StoreError> {
        let t = self.tables.lock().map_err(|_| poisoned())?;
        let mut out = Vec::new();
        for (k, v) in &t.idempotency {
            out.push(format!("{k} {v:?}"));
        }
        for (k, v) in &t.locks {
            out.push(format!("{k} {v:?}"));
        }
        for (k, v) in &t.sessions {
            out.push(format!("{k} {v:?}"));
        }
        for (k, v) in &t.calls {
            out.push(format!("{k} {v:?}"));
        }
        for (k, v) in &t.segments {
            out.push(format!("{k} {v:?}"));
        }
        for (k, v) in &t.events {
            out.push(format!("{k} {v:?}"));
        }
        for (k, v) in &t.reports {
            out.push(format!("{k} {v:?}"));
        }
        for (k, v) in &t.parts {
            out.push(format!("{k:?} {v:?}"));
        }
        for (k, v) in &t.links {
            out.push(format!("{k} {v}"));
        }
        Ok(out)
    }

    fn resolve(
        parts: &HashMap<(String, String), BTreeMap<u32, String>>,
        call_id: &str,
        owner: &str,
        doc: &StoredDocument,
    ) -> Result<StoredDocument, StoreError> {
        if doc.inline.is_some() || doc.parts == 0 {
            return Ok(doc.clone());
        }
        let stored = parts
            .get(&(call_id.to_string(), owner.to_string()))
            .ok_or_else(|| StoreError::Corrupt(format!("parts of {owner} missing")))?;
        let mut text = String::with_capacity(doc.bytes as usize);
        for i in 0..doc.parts {
            let part = stored
                .get(&i)
                .ok_or_else(|| StoreError::Corrupt(format!("part {i} of {owner} missing")))?;
            text.push_str(part);
        }
        Ok(StoredDocument {
            inline: Some(text),
            parts: doc.parts,
            bytes: doc.bytes,
        })
    }
}

#[async_trait]
impl IdempotencyStore for MemoryStore {
    async fn claim(
        &self,
        key: &str,
        token: &str,
        now_ms: i64,
        in_progress_until_ms: i64,
        expires_at_secs: i64,
    ) -> Result<ClaimOutcome, StoreError> {
        self.requests.record("PutItem");
        let mut t = self.tables.lock().map_err(|_| poisoned())?;
        let now_secs = now_ms.div_euclid(1000);
        if let Some(old) = t.idempotency.get(key) {
            let expired = old.expires_at_secs < now_secs;
            let stale = old.status == IdemStatus::InProgress && old.in_progress_until_ms < now_ms;
            if !expired && !stale {
                return Ok(match old.status {
                    IdemStatus::Completed => ClaimOutcome::AlreadyCompleted,
                    IdemStatus::InProgress => ClaimOutcome::InProgress,
                });
            }
        }
        t.idempotency.insert(
            key.to_string(),
            IdemRecord {
                status: IdemStatus::InProgress,
                token: token.to_string(),
                expires_at_secs,
                in_progress_until_ms,
            },
        );
        Ok(ClaimOutcome::Claimed)
    }

    async fn complete(
        &self,
        key: &str,
        token: &str,
        expires_at_secs: i64,
    ) -> Result<bool, StoreError> {
        self.requests.record("UpdateItem");
        let mut t = self.tables.lock().map_err(|_| poisoned())?;
        match t.idempotency.get_mut(key) {
            Some(r) if r.status == IdemStatus::InProgress && r.token == token => {
                r.status = IdemStatus::Completed;
                r.expires_at_secs = expires_at_secs;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn abandon(&self, key: &str, token: &str) -> Result<bool, StoreError> {
        self.requests.record("DeleteItem");
        let mut t = self.tables.lock().map_err(|_| poisoned())?;
        match t.idempotency.get(key) {
            Some(r) if r.status == IdemStatus::InProgress && r.token == token => {
                t.idempotency.remove(key);
                Ok(true)
            }
            _ => Ok(false),
        }
    }
}

#[async_trait]
impl CallLock for MemoryStore {
    async fn acquire(
        &self,
        call_id: &str,
        owner: &str,
        now_ms: i64,
        lease_ms: i64,
    ) -> Result<bool, StoreError> {
        self.requests.record("PutItem");
        let mut t = self.tables.lock().map_err(|_| poisoned())?;
        if let Some(l) = t.locks.get(call_id) {
            if l.lease_expires_at_ms >= now_ms {
                return Ok(false);
            }
        }
        t.locks.insert(
            call_id.to_string(),
            LockRecord {
                owner: owner.to_string(),
                lease_expires_at_ms: now_ms + lease_ms,
            },
        );
        Ok(true)
    }

    async fn renew(
        &self,
        call_id: &str,
        owner: &str,
        now_ms: i64,
        lease_ms: i64,
    ) -> Result<bool, StoreError> {
        self.requests.record("UpdateItem");
        let mut t = self.tables.lock().map_err(|_| poisoned())?;
        match t.locks.get_mut(call_id) {
            Some(l) if l.owner == owner && l.lease_expires_at_ms >= now_ms => {
                l.lease_expires_at_ms = now_ms + lease_ms;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn release(&self, call_id: &str, owner: &str) -> Result<bool, StoreError> {
        self.requests.record("DeleteItem");
        let mut t = self.tables.lock().map_err(|_| poisoned())?;
        match t.locks.get(call_id) {
            Some(l) if l.owner == owner => {
                t.locks.remove(call_id);
                Ok(true)
            }
            _ => Ok(false),
        }
    }
}

#[async_trait]
impl CallArchive for MemoryStore {
    async fn read_session(&self, call_id: &str, now_secs: i64) -> Result<SessionRead, StoreError> {
        self.requests.record("GetItem");
        let t = self.tables.lock().map_err(|_| poisoned())?;
        Ok(match t.sessions.get(call_id) {
            None => SessionRead::Absent,
            Some(s) if s.expires_at_secs < now_secs => SessionRead::Expired,
            Some(s) => SessionRead::Live(s.clone()),
        })
    }

    async fn discard_expired_session(
        &self,
        call_id: &str,
        now_secs: i64,
    ) -> Result<(), StoreError> {
        self.requests.record("DeleteItem");
        let mut t = self.tables.lock().map_err(|_| poisoned())?;
        if t.sessions
            .get(call_id)
            .is_some_and(|s| s.expires_at_secs < now_secs)
        {
            t.sessions.remove(call_id);
        }
        Ok(())
    }

    async fn report_archived(&self, call_id: &str) -> Result<bool, StoreError> {
        self.requests.record("GetItem");
        let t = self.tables.lock().map_err(|_| poisoned())?;
        Ok(t.calls
            .get(call_id)
            .is_some_and(|c| c.archived_at_ms.is_some()))
    }

    async fn put_parts(
        &self,
        call_id: &str,
        owner: &DocumentOwner,
        parts: &[String],
    ) -> Result<(), StoreError> {
        if let Some(p) = parts.iter().find(|p| p.len() > MAX_ITEM_BYTES) {
            return Err(StoreError::TooLarge(format!(
                "document part of {} bytes",
                p.len()
            )));
        }
        for _ in parts.chunks(25) {
            self.requests.record("BatchWriteItem");
        }
        let mut t = self.tables.lock().map_err(|_| poisoned())?;
        let entry = t
            .parts
            .entry((call_id.to_string(), owner_key(owner)))
            .or_default();
        for (i, p) in parts.iter().enumerate() {
            entry.insert(i as u32, p.clone());
        }
        Ok(())
    }

    async fn commit(&self, c: &EventCommit) -> Result<CommitOutcome, StoreError> {
        self.requests.record("TransactWriteItems");
        let size = c.segment.as_ref().map_or(0, |s| s.text.len())
            + c.event.as_ref().map_or(0, |e| document_bytes(&e.body))
            + c.report
                .as_ref()
                .map_or(0, |r| document_bytes(&r.manifest.body));
        let largest = c.event.as_ref().map_or(0, |e| document_bytes(&e.body)).max(
            c.report
                .as_ref()
                .map_or(0, |r| document_bytes(&r.manifest.body)),
        );
        if largest > MAX_ITEM_BYTES || size > MAX_TRANSACTION_BYTES {
            return Err(StoreError::TooLarge(format!("commit of {size} bytes")));
        }
        let mut t = self.tables.lock().map_err(|_| poisoned())?;
        let now_ms = c.now_secs * 1000;

        // Conditions, in the same precedence the DynamoDB adapter reports them.
        let idem_ok = t
            .idempotency
            .get(&c.idempotency_key)
            .is_some_and(|r| r.status == IdemStatus::InProgress && r.token == c.idempotency_token);
        if !idem_ok {
            return Ok(CommitOutcome::IdempotencyLost);
        }
        if let Some(fence) = c.report.as_ref().map(|r| &r.lease) {
            let live = t
                .locks
                .get(&c.call_id)
                .is_some_and(|l| l.owner == fence.owner && l.lease_expires_at_ms >= fence.now_ms);
            if !live {
                return Ok(CommitOutcome::LeaseLost);
            }
        }
        let entry_exists = c.segment.as_ref().is_some_and(|s| {
            t.segments
                .get(&c.call_id)
                .is_some_and(|m| m.contains_key(&s.sort_key()))
        }) || c.event.as_ref().is_some_and(|e| {
            t.events
                .get(&c.call_id)
                .is_some_and(|m| m.contains_key(&e.sort_key()))
        }) || (c.report.is_some() && t.reports.contains_key(&c.call_id));
        if entry_exists {
            return Ok(CommitOutcome::EntryExists);
        }
        let archived = t
            .calls
            .get(&c.call_id)
            .is_some_and(|s| s.archived_at_ms.is_some());
        if archived && !c.late {
            return Ok(CommitOutcome::CallArchived);
        }
        if let Some(delta) = &c.session {
            if let Some(s) = t.sessions.get(&c.call_id) {
                if s.expires_at_secs < c.now_secs {
                    return Ok(CommitOutcome::SessionConflict);
                }
                if let Some((role, p)) = &delta.partial {
                    if s.partials.get(role).is_some_and(|old| old.ts_ms > p.ts_ms) {
                        return Ok(CommitOutcome::SessionConflict);
                    }
                }
                if let Some((role, expected, _)) = &delta.tail {
                    if s.tails.get(role).map_or(0, |x| x.version) != *expected {
                        return Ok(CommitOutcome::SessionConflict);
                    }
                }
            } else if delta
                .tail
                .as_ref()
                .is_some_and(|(_, expected, _)| *expected != 0)
            {
                return Ok(CommitOutcome::SessionConflict);
            }
        }

        // Apply.
        if let Some(r) = t.idempotency.get_mut(&c.idempotency_key) {
            r.status = IdemStatus::Completed;
            r.expires_at_secs = c.idempotency_expires_at_secs;
        }
        {
            let summary = t
                .calls
                .entry(c.call_id.clone())
                .or_insert_with(|| CallSummary {
                    call_id: c.call_id.clone(),
                    ..Default::default()
                });
            if summary.first_event_at_ms == 0 {
                summary.first_event_at_ms = c.call.event_ts_ms;
            }
            summary.last_event_at_ms = now_ms;
            for (k, v) in &c.call.add {
                *summary.counters.entry(k.clone()).or_insert(0) += v;
            }
            summary
                .removed_fields
                .extend(c.call.removed_fields.iter().cloned());
            if let Some(p) = &c.call.provider_call_id {
                summary.provider_call_id = Some(p.clone());
            }
            if c.report.is_some() {
                summary.archived_at_ms = Some(now_ms);
            }
        }
        if let Some(p) = &c.call.provider_call_id {
            t.links.insert(p.clone(), c.call_id.clone());
        }
        if let Some(delta) = &c.session {
            let s = t.sessions.entry(c.call_id.clone()).or_default();
            if s.started_at_ms == 0 {
                s.started_at_ms = delta.event_ts_ms;
            }
            s.last_event_at_ms = now_ms;
            s.expires_at_secs = delta.expires_at_secs;
            for (k, v) in &delta.add {
                *s.counters.entry(k.clone()).or_insert(0) += v;
            }
            for (k, v) in &delta.statuses {
                s.statuses.entry(k.clone()).or_insert(*v);
            }
            for (k, v) in &delta.flags {
                s.flags.insert(k.clone(), v.clone());
            }
            if let Some((role, p)) = &delta.partial {
                s.partials.insert(role.clone(), p.clone());
            }
            if let Some((role, _, tail)) = &delta.tail {
                s.tails.insert(role.clone(), tail.clone());
            }
            if delta.clear_tail_state {
                for tail in s.tails.values_mut() {
                    tail.state.clear();
                }
            }
        }
        if let Some(seg) = &c.segment {
            t.segments
                .entry(c.call_id.clone())
                .or_default()
                .insert(seg.sort_key(), seg.clone());
        }
        if let Some(ev) = &c.event {
            t.events
                .entry(c.call_id.clone())
                .or_default()
                .insert(ev.sort_key(), ev.clone());
        }
        if let Some(r) = &c.report {
            t.reports.insert(c.call_id.clone(), r.manifest.clone());
        }
        Ok(CommitOutcome::Committed)
    }

    async fn read_call(
        &self,
        call_id: &str,
        now_secs: i64,
    ) -> Result<Option<StoredCall>, StoreError> {
        self.requests.record("Query");
        let t = self.tables.lock().map_err(|_| poisoned())?;
        let summary = t.calls.get(call_id).cloned();
        let session = t
            .sessions
            .get(call_id)
            .filter(|s| s.expires_at_secs >= now_secs)
            .cloned();
        let segments: Vec<Segment> = t
            .segments
            .get(call_id)
            .map(|m| m.values().cloned().collect())
            .unwrap_or_default();
        let mut events = Vec::new();
        if let Some(m) = t.events.get(call_id) {
            for (sk, e) in m {
                let body = Self::resolve(&t.parts, call_id, sk, &e.body)?;
                events.push(EventRecord { body, ..e.clone() });
            }
        }
        let report = match t.reports.get(call_id) {
            Some(r) => Some(ReportManifest {
                body: Self::resolve(&t.parts, call_id, "REPORT", &r.body)?,
                ..r.clone()
            }),
            None => None,
        };
        if summary.is_none()
            && session.is_none()
            && segments.is_empty()
            && events.is_empty()
            && report.is_none()
        {
            return Ok(None);
        }
        Ok(Some(StoredCall {
            summary,
            session,
            segments,
            events,
            report,
        }))
    }

    async fn list_calls(
        &self,
        now_secs: i64,
        days: u32,
        limit: usize,
    ) -> Result<Vec<CallSummary>, StoreError> {
        let t = self.tables.lock().map_err(|_| poisoned())?;
        let today = now_secs.div_euclid(86_400);
        let oldest_day = today - i64::from(days.max(1)) + 1;
        for _ in 0..days.max(1) {
            self.requests.record("Query");
        }
        let mut out: Vec<CallSummary> = t
            .calls
            .values()
            .filter(|s| {
                let day = s.last_event_at_ms.div_euclid(86_400_000);
                day >= oldest_day && day <= today
            })
            .cloned()
            .collect();
        out.sort_by(|a, b| {
            b.last_event_at_ms
                .cmp(&a.last_event_at_ms)
                .then_with(|| a.call_id.cmp(&b.call_id))
        });
        out.truncate(limit);
        Ok(out)
    }

    async fn call_for_provider_id(
        &self,
        provider_call_id: &str,
    ) -> Result<Option<String>, StoreError> {
        self.requests.record("GetItem");
        let t = self.tables.lock().map_err(|_| poisoned())?;
        Ok(t.links.get(provider_call_id).cloned())
    }
}
