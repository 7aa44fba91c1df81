//! Redaction of whole JSON payloads (Vapi webhooks, end-of-call reports).
//!
//! The whole tree is walked; what happens to a field is decided by ONE policy table,
//! [`policy`], from the field's key, its parent's key and whether we are inside user data
//! (tool arguments/results, structured data, variable values, customer objects):
//! - `Remove`: secrets and capabilities (control/listen URLs, presigned/recording/log URLs,
//!   provider credentials, server headers, the assistant's configuration and prompts);
//! - `Replace(type)`: fields that hold only personal data (customer.number, ...);
//! - `Keep`: structural strings (ids, types, roles, timestamps, statuses, enums);
//! - `Text`: everything else — free text, redacted by the text detector;
//! - `JsonText`: tool `arguments` given as a JSON string — parsed, walked, re-serialised.
//!
//! Numbers, booleans and nulls are kept, except under a personal-data key inside user data.

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use serde::Serialize;
use serde_json::Value;

use crate::redact::digits::Prior;
use crate::redact::entity::EntityType;
use crate::redact::lexicon::Fnv;
use crate::redact::{prior_of, Redactor, TurnScratch};

/// What `redact_json` did to a document: counts and paths only, never values.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct JsonRedaction {
    /// Entities replaced, per type.
    pub by_type: BTreeMap<EntityType, u64>,
    /// Entities replaced, per field path (`"message.artifact.messages[].message"`, no indexes).
    pub by_field: BTreeMap<String, BTreeMap<EntityType, u64>>,
    /// Paths of secret or capability fields removed from the document.
    pub removed_fields: Vec<String>,
}

impl JsonRedaction {
    /// Total number of entities replaced.
    pub fn total(&self) -> u64 {
        self.by_type.values().sum()
    }

    fn count(&mut self, path: &str, kind: EntityType, n: u64) {
        *self.by_type.entry(kind).or_insert(0) += n;
        if let Some(m) = self.by_field.get_mut(path) {
            *m.entry(kind).or_insert(0) += n;
        } else {
            self.by_field
                .entry(path.to_string())
                .or_default()
                .insert(kind, n);
        }
    }

    fn removed(&mut self, path: &str) {
        if !self.removed_fields.iter().any(|p| p == path) {
            self.removed_fields.push(path.to_string());
        }
    }
}

/// What to do with one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    /// Delete the field (secret or capability).
    Remove,
    /// Replace a string/number by the placeholder of this type.
    Replace(EntityType),
    /// Keep as is (structural).
    Keep,
    /// Redact as free text (and walk objects/arrays).
    Text,
    /// A JSON document inside a string: parse, walk as user data, re-serialise.
    JsonText,
    /// An object whose fields are user data (personal-data keys apply inside).
    UserData,
    /// The assistant configuration: keep only `id` and `name`.
    AssistantConfig,
}

/// Keys whose string value is personal data in user data (lower-case, letters only).
const PII_KEYS: &[(&str, EntityType)] = &[
    ("name", EntityType::Person),
    ("fullname", EntityType::Person),
    ("firstname", EntityType::Person),
    ("lastname", EntityType::Person),
    ("middlename", EntityType::Person),
    ("customername", EntityType::Person),
    ("callername", EntityType::Person),
    ("patientname", EntityType::Person),
    ("contactname", EntityType::Person),
    ("number", EntityType::Phone),
    ("phone", EntityType::Phone),
    ("phonenumber", EntityType::Phone),
    ("mobile", EntityType::Phone),
    ("cell", EntityType::Phone),
    ("callbacknumber", EntityType::Phone),
    ("contactnumber", EntityType::Phone),
    ("customernumber", EntityType::Phone),
    ("callerid", EntityType::Phone),
    ("sipuri", EntityType::Phone),
    ("email", EntityType::Email),
    ("emailaddress", EntityType::Email),
    ("ssn", EntityType::Ssn),
    ("socialsecuritynumber", EntityType::Ssn),
    ("social", EntityType::Ssn),
    ("dob", EntityType::DateOfBirth),
    ("dateofbirth", EntityType::DateOfBirth),
    ("birthdate", EntityType::DateOfBirth),
    ("birthday", EntityType::DateOfBirth),
    ("address", EntityType::Address),
    ("streetaddress", EntityType::Address),
    ("street", EntityType::Address),
    ("zip", EntityType::Address),
    ("zipcode", EntityType::Address),
    ("postalcode", EntityType::Address),
    ("cardnumber", EntityType::CreditCard),
    ("creditcard", EntityType::CreditCard),
    ("creditcardnumber", EntityType::CreditCard),
    ("pan", EntityType::CreditCard),
    ("cvv", EntityType::Cvv),
    ("cvc", EntityType::Cvv),
    ("securitycode", EntityType::Cvv),
    ("expiry", EntityType::CardExpiry),
    ("expiration", EntityType::CardExpiry),
    ("expirationdate", EntityType::CardExpiry),
    ("accountnumber", EntityType::AccountId),
    ("bankaccount", EntityType::BankAccount),
    ("bankaccountnumber", EntityType::BankAccount),
    ("routingnumber", EntityType::RoutingNumber),
    ("routing", EntityType::RoutingNumber),
    ("aba", EntityType::RoutingNumber),
    ("memberid", EntityType::AccountId),
    ("policynumber", EntityType::AccountId),
    ("patientid", EntityType::AccountId),
    ("mrn", EntityType::AccountId),
    ("customerid", EntityType::AccountId),
];

/// Key endings that mark personal data inside user data ("holderFirstName", "contactEmail").
const PII_SUFFIXES: &[(&str, EntityType)] = &[
    ("firstname", EntityType::Person),
    ("lastname", EntityType::Person),
    ("fullname", EntityType::Person),
    ("holdername", EntityType::Person),
    ("phone", EntityType::Phone),
    ("phonenumber", EntityType::Phone),
    ("email", EntityType::Email),
    ("emailaddress", EntityType::Email),
    ("ssn", EntityType::Ssn),
    ("dob", EntityType::DateOfBirth),
    ("dateofbirth", EntityType::DateOfBirth),
    ("streetaddress", EntityType::Address),
    ("homeaddress", EntityType::Address),
    ("mailingaddress", EntityType::Address),
    ("cardnumber", EntityType::CreditCard),
    ("accountnumber", EntityType::AccountId),
    ("accountid", EntityType::AccountId),
    ("memberid", EntityType::AccountId),
    ("routingnumber", EntityType::RoutingNumber),
    ("account", EntityType::AccountId),
];

/// Structural keys (exact) kept without text redaction.
fn is_structural(key: &str) -> bool {
    matches!(
        key,
        "id" | "type"
            | "role"
            | "status"
            | "endedReason"
            | "timestamp"
            | "time"
            | "secondsFromStart"
            | "duration"
            | "provider"
            | "model"
            | "voiceId"
            | "language"
            | "format"
            | "mimeType"
            | "object"
            | "orgId"
            | "callId"
            | "toolCallId"
            | "assistantId"
            | "phoneNumberId"
            | "squadId"
            | "workflowId"
            | "sessionId"
            | "chatId"
            | "campaignId"
            | "customerId"
            | "createdAt"
            | "updatedAt"
            | "startedAt"
            | "endedAt"
            | "source"
            | "stage"
            | "event"
            | "action"
            | "direction"
            | "artifactPlan"
            | "recordingFormat"
            | "transcriptType"
            | "speaker"
            | "turn"
            | "isFinal"
            | "method"
            | "version"
            | "function_call"
            | "tool_call_id"
            | "toolCallIds"
            | "requestId"
            | "topic"
            | "destinationType"
            | "transport"
            | "subscriptionType"
            | "result_type"
            | "state"
            | "phase"
            | "reason"
    )
}

/// Lower-case letters and digits of a key, in a stack buffer (keys longer than 64 bytes
/// are cut: no policy key is that long).
struct Lower {
    buf: [u8; 64],
    len: usize,
}

impl Lower {
    fn of(key: &str) -> Lower {
        let mut l = Lower {
            buf: [0; 64],
            len: 0,
        };
        for b in key.bytes().filter(u8::is_ascii_alphanumeric) {
            if l.len == 64 {
                break;
            }
            l.buf[l.len] = b.to_ascii_lowercase();
            l.len += 1;
        }
        l
    }
    fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

/// `needle` occurs in `hay` (keys are short: a plain window scan, no searcher set-up).
fn has(hay: &[u8], needle: &[u8]) -> bool {
    hay.len() >= needle.len() && hay.windows(needle.len()).any(|w| w == needle)
}

/// THE field policy: one table-driven decision per (parent key, key, user data?).
pub(crate) fn policy(parent: &str, key: &str, user_data: bool) -> Action {
    let lk_buf = Lower::of(key);
    let lk = lk_buf.as_bytes();
    // Secrets and capabilities.
    let secret_exact = matches!(
        key,
        "controlUrl"
            | "listenUrl"
            | "twilioAuthToken"
            | "twilioApiKey"
            | "twilioApiSecret"
            | "credentials"
            | "credential"
            | "systemPrompt"
            | "authToken"
            | "apiKey"
            | "apiSecret"
            | "secret"
            | "password"
            | "privateKey"
            | "token"
            | "accessToken"
            | "refreshToken"
            | "bearerToken"
            | "signingSecret"
            | "webhookSecret"
            | "authorization"
            | "Authorization"
    );
    // Every `...Url` field of a call is a capability (control/listen sockets, presigned
    // recording, log and pcap links); a plain `url` only under recording-like parents.
    // (The parent's lower-cased key is only needed for a plain `url`.)
    let url_capability = has(lk, b"presigned")
        || (key.ends_with("Url") || key.ends_with("URL")) && key != "serverUrl"
        || lk == b"url" && {
            let lp_buf = Lower::of(parent);
            let lp = lp_buf.as_bytes();
            [
                "recording",
                "mono",
                "stereo",
                "video",
                "pcap",
                "log",
                "artifact",
                "monitor",
                "audio",
            ]
            .iter()
            .any(|p| has(lp, p.as_bytes()))
        };
    let secretish = has(lk, b"secret")
        || lk.ends_with(b"authtoken")
        || lk.ends_with(b"apikey")
        || has(lk, b"password");
    if secret_exact || url_capability || secretish {
        return Action::Remove;
    }
    if key == "headers"
        && (parent == "server" || parent.ends_with("Server") || parent == "transport")
    {
        return Action::Remove;
    }
    if key == "messages" && parent == "model" {
        return Action::Remove;
    }
    if key == "assistant" || key == "squad" {
        return Action::AssistantConfig;
    }
    // Known personal-data fields.
    let person_parent = matches!(
        parent,
        "customer" | "contact" | "caller" | "customers" | "contacts"
    );
    if person_parent || user_data {
        if let Some((_, t)) = PII_KEYS.iter().find(|(k, _)| k.as_bytes() == lk) {
            return Action::Replace(*t);
        }
        if user_data {
            if let Some((_, t)) = PII_SUFFIXES
                .iter()
                .find(|(k, _)| lk.ends_with(k.as_bytes()))
            {
                return Action::Replace(*t);
            }
        }
    }
    if matches!(
        key,
        "callerId" | "customerNumber" | "fromNumber" | "callerNumber"
    ) {
        return Action::Replace(EntityType::Phone);
    }
    if key == "arguments" || key == "result" || key == "parameters" {
        return Action::JsonText;
    }
    if matches!(
        key,
        "structuredData"
            | "variableValues"
            | "variables"
            | "customer"
            | "contact"
            | "metadata"
            | "input"
            | "sipHeaders"
    ) {
        return Action::UserData;
    }
    if is_structural(key)
        || key.ends_with("Id")
        || key.ends_with("Ids")
        || key.ends_with("Sid")
        || key.ends_with("At")
        || key.ends_with("Type")
        || key.ends_with("Status")
        || key.ends_with("Reason")
    {
        return Action::Keep;
    }
    Action::Text
}

/// A text kept in the walker's arena (one string per document: no allocation per turn).
#[derive(Clone, Copy)]
struct Kept {
    start: usize,
    len: usize,
}

/// One memoised turn: its redacted text (`None`: unchanged) and the types replaced
/// (a range of the walker's `kinds`).
struct Memoised {
    out: Option<Kept>,
    kinds: std::ops::Range<usize>,
}

/// Redacted texts of one document: hash of (context, text) -> result.
type Memo = HashMap<(u64, u64), Memoised, BuildHasherDefault<Fnv>>;

/// What each redacted turn tells the next, keyed by the hash of its output (the text the
/// next turn sees as its previous turn), with that output to confirm a hit.
type Priors = HashMap<u64, (Kept, Prior), BuildHasherDefault<Fnv>>;

/// Entity counts of one field path, added to the report when the path changes (turns of
/// one array share their path: one map update per run of turns, not per entity).
#[derive(Default)]
struct Tally {
    path: String,
    counts: [u64; EntityType::ALL.len()],
}

impl Tally {
    fn add(&mut self, report: &mut JsonRedaction, path: &str, kind: EntityType, n: u64) {
        self.at(report, path);
        self.counts[kind as usize] += n;
    }

    /// Counts one entity of each of `kinds` under `path` (one path check for all).
    fn add_all(&mut self, report: &mut JsonRedaction, path: &str, kinds: &[EntityType]) {
        if kinds.is_empty() {
            return;
        }
        self.at(report, path);
        for k in kinds {
            self.counts[*k as usize] += 1;
        }
    }

    /// Makes `path` the current path (flushing the previous one's counts).
    fn at(&mut self, report: &mut JsonRedaction, path: &str) {
        if self.path != path {
            self.flush(report);
            self.path.clear();
            self.path.push_str(path);
        }
    }

    fn flush(&mut self, report: &mut JsonRedaction) {
        for (kind, n) in EntityType::ALL.iter().zip(self.counts.iter_mut()) {
            if *n > 0 {
                report.count(&self.path, *kind, *n);
                *n = 0;
            }
        }
    }
}

struct Walker<'r> {
    redactor: &'r Redactor,
    report: JsonRedaction,
    path: String,
    /// Texts already redacted in this document (the same utterance appears in
    /// `messages`, `messagesOpenAIFormatted`, the transcript, legacy copies...).
    memo: Memo,
    /// The next turn's context, read off each turn's own analysis (no second
    /// tokenisation of the previous turn).
    priors: Priors,
    /// Entity types of the memoised turns (`Memoised::kinds` ranges).
    kinds: Vec<EntityType>,
    /// Field policy decisions of this document: keys repeat in every message.
    policies: Policies,
    scratch: TurnScratch,
    tally: Tally,
    /// Texts of the memo and priors, one after the other.
    arena: String,
    /// The text being walked was said by the caller: a message object's `role` is "user"
    /// or "customer", or a transcript line's label is "User" / "Customer" ([`speaker_is_caller`]).
    caller: bool,
}

/// Policy decisions, keyed by the hash of (parent key, key, user data), with both keys to
/// confirm a hit.
type Policies = HashMap<u64, (Box<str>, Box<str>, bool, Action), BuildHasherDefault<Fnv>>;

/// The walk's tables, kept per thread from document to document: the maps keep their
/// capacity (no growing and rehashing as each report is walked) and the policy cache its
/// decisions (a policy is a pure function of its keys, the same in every payload).
#[derive(Default)]
struct WalkTables {
    memo: Memo,
    priors: Priors,
    kinds: Vec<EntityType>,
    policies: Policies,
    scratch: TurnScratch,
    arena: String,
}

/// Bounds on what [`WalkTables`] keeps between documents (bounded memory): bigger tables
/// are dropped, not cleared.
const KEEP_MEMO: usize = 16 * 1024;
const KEEP_POLICIES: usize = 4 * 1024;
const KEEP_ARENA: usize = 1024 * 1024;

impl WalkTables {
    /// Empties the per-document tables before they are kept for the next document.
    fn recycle(mut self) -> Self {
        if self.memo.capacity() > KEEP_MEMO || self.kinds.capacity() > 8 * KEEP_MEMO {
            self.memo = Memo::default();
            self.priors = Priors::default();
            self.kinds = Vec::new();
            self.scratch = TurnScratch::default();
        }
        if self.arena.capacity() > KEEP_ARENA {
            self.arena = String::new();
        }
        self.arena.clear();
        self.memo.clear();
        self.priors.clear();
        self.kinds.clear();
        if self.policies.len() > KEEP_POLICIES {
            self.policies = Policies::default();
        }
        self
    }
}

thread_local! {
    static TABLES: std::cell::RefCell<Option<WalkTables>> =
        const { std::cell::RefCell::new(None) };
}

/// Redacts `v` in place.
pub(crate) fn redact(redactor: &Redactor, v: &mut Value) -> JsonRedaction {
    let t = TABLES.with(|c| c.borrow_mut().take()).unwrap_or_default();
    let mut w = Walker {
        redactor,
        report: JsonRedaction::default(),
        path: String::new(),
        memo: t.memo,
        priors: t.priors,
        kinds: t.kinds,
        policies: t.policies,
        scratch: t.scratch,
        tally: Tally::default(),
        arena: t.arena,
        caller: false,
    };
    w.walk_depth(v, "", false, None, 0);
    w.tally.flush(&mut w.report);
    let kept = WalkTables {
        memo: w.memo,
        priors: w.priors,
        kinds: w.kinds,
        policies: w.policies,
        scratch: w.scratch,
        arena: w.arena,
    }
    .recycle();
    TABLES.with(|c| *c.borrow_mut() = Some(kept));
    w.report
}

/// Bounded nesting: deeper levels are replaced wholesale (no stack overflow on hostile input).
const MAX_DEPTH: usize = 64;

/// The part of a policy cache key that depends on the parent (computed once per object).
fn parent_hash(parent: &str, user_data: bool) -> u64 {
    hash_str(parent).rotate_left(21) ^ u64::from(user_data)
}

fn hash_str(s: &str) -> u64 {
    let mut h = Fnv::default();
    h.write(s.as_bytes());
    h.finish()
}

impl Walker<'_> {
    fn count(&mut self, kind: EntityType) {
        self.tally.add(&mut self.report, &self.path, kind, 1);
    }

    fn redact_string(
        &mut self,
        s: &mut String,
        parent: &str,
        user_data: bool,
        prev: Option<&str>,
        depth: usize,
    ) {
        // A JSON document carried in a string (a raw body, OpenAI-style arguments).
        let t = s.trim_start();
        if (t.starts_with('{') || t.starts_with('[')) && s.len() > 1 {
            if let Ok(mut inner) = serde_json::from_str::<Value>(s) {
                if inner.is_object() || inner.is_array() {
                    // Tool results and arguments are user data; a raw webhook body is not.
                    let as_user_data = user_data || parent != "body";
                    self.walk_depth(&mut inner, parent, as_user_data, prev, depth + 1);
                    *s = inner.to_string();
                    return;
                }
            }
        }
        if s.len() > 160 && s.contains('\n') {
            self.redact_lines(s, prev);
            return;
        }
        if let Some(out) = self.turn(s, prev) {
            s.clear();
            s.push_str(self.kept(out));
        }
    }

    /// A transcript ("AI: ...\nUser: ...") is redacted line by line, each line with the
    /// previous one as context, so every utterance is redacted exactly as in `messages`.
    fn redact_lines(&mut self, s: &mut String, prev: Option<&str>) {
        let src = std::mem::take(s);
        let mut out = String::with_capacity(src.len());
        // The previous line as redacted: a memoised output (copied out of the arena), or
        // an unchanged line of `src`.
        let mut last_changed: Option<String> = None;
        let mut last_same: Option<&str> = prev;
        for (i, line) in src.split('\n').enumerate() {
            if i > 0 {
                out.push('\n');
            }
            let (speaker, body) = split_speaker(line);
            out.push_str(speaker);
            let context = last_changed.as_deref().or(last_same);
            let outer_caller = self.caller;
            if !speaker.is_empty() {
                self.caller = speaker_is_caller(speaker);
            }
            let redacted = self.turn(body, context);
            self.caller = outer_caller;
            match redacted {
                Some(kept) => {
                    let red = self.kept(kept);
                    out.push_str(red);
                    if !red.trim().is_empty() {
                        let mut buf = last_changed.take().unwrap_or_default();
                        buf.clear();
                        buf.push_str(red);
                        last_changed = Some(buf);
                    }
                }
                None => {
                    out.push_str(body);
                    if !body.trim().is_empty() {
                        last_changed = None;
                        last_same = Some(body);
                    }
                }
            }
        }
        *s = out;
    }

    /// Redacts one turn with `prev` as its context, once per document for the same
    /// (context, text): returns the redacted text, or `None` when nothing was replaced.
    fn turn(&mut self, text: &str, prev: Option<&str>) -> Option<Kept> {
        let hp = prev.map_or(0, hash_str);
        // (The caller's and the agent's same words are redacted apart: "our address".)
        let h_text = hash_str(text);
        let ht = h_text ^ if self.caller { CALLER_SALT } else { 0 };
        if let Some(m) = self.memo.get(&(hp, ht)) {
            self.tally
                .add_all(&mut self.report, &self.path, &self.kinds[m.kinds.clone()]);
            return m.out;
        }
        let mut prior = match prev {
            None => Prior::default(),
            Some(p) => match self.priors.get(&hp) {
                Some((seen, prior)) if self.kept(*seen) == p => *prior,
                _ => prior_of(p),
            },
        };
        prior.caller = self.caller;
        let next = self.redactor.redact_turn(text, &prior, &mut self.scratch);
        let first = self.kinds.len();
        self.kinds.extend_from_slice(&self.scratch.kinds);
        self.tally
            .add_all(&mut self.report, &self.path, &self.scratch.kinds);
        let (out, h_out, seen) = if self.scratch.kinds.is_empty() {
            (None, h_text, self.keep(text))
        } else {
            let h = hash_str(&self.scratch.out);
            let o = Kept {
                start: self.arena.len(),
                len: self.scratch.out.len(),
            };
            self.arena.push_str(&self.scratch.out);
            (Some(o), h, o)
        };
        self.priors.insert(h_out, (seen, next));
        self.memo.insert(
            (hp, ht),
            Memoised {
                out,
                kinds: first..self.kinds.len(),
            },
        );
        out
    }

    /// Copies `text` into the arena.
    fn keep(&mut self, text: &str) -> Kept {
        let k = Kept {
            start: self.arena.len(),
            len: text.len(),
        };
        self.arena.push_str(text);
        k
    }

    /// A text of the arena.
    fn kept(&self, k: Kept) -> &str {
        self.arena.get(k.start..k.start + k.len).unwrap_or_default()
    }

    /// The field policy for `key` under `parent` (whose [`parent_hash`] is `ph`), decided
    /// once per thread and then read from the cache.
    fn policy(&mut self, ph: u64, parent: &str, key: &str, user_data: bool) -> Action {
        let h = ph ^ hash_str(key);
        if let Some((p, k, u, action)) = self.policies.get(&h) {
            if **p == *parent && **k == *key && *u == user_data {
                return *action;
            }
        }
        let action = policy(parent, key, user_data);
        self.policies
            .insert(h, (parent.into(), key.into(), user_data, action));
        action
    }

    fn walk_depth(
        &mut self,
        v: &mut Value,
        parent: &str,
        user_data: bool,
        prev: Option<&str>,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            *v = Value::String("[REDACTED]".to_string());
            let p = self.path.clone();
            self.report.removed(&p);
            return;
        }
        match v {
            Value::String(s) => self.redact_string(s, parent, user_data, prev, depth),
            Value::Array(items) => {
                let len = self.path.len();
                self.path.push_str("[]");
                // Each message-like item gets the previous item's (redacted) text as context.
                for i in 0..items.len() {
                    let (before, rest) = items.split_at_mut(i);
                    let prev_text = if i > 0 {
                        turn_text(&before[i - 1])
                    } else {
                        None
                    };
                    self.walk_depth(&mut rest[0], parent, user_data, prev_text, depth + 1);
                }
                self.path.truncate(len);
            }
            Value::Object(map) => {
                let outer_caller = self.caller;
                if let Some(Value::String(role)) = map.get("role") {
                    self.caller = matches!(role.as_str(), "user" | "customer");
                }
                let mut remove: Vec<String> = Vec::new();
                let person_parent = matches!(
                    parent,
                    "customer" | "contact" | "caller" | "customers" | "contacts"
                );
                let ph = parent_hash(parent, user_data);
                for (key, val) in map.iter_mut() {
                    // Numbers, booleans and nulls outside user data are kept: no policy needed.
                    if !user_data
                        && !person_parent
                        && matches!(val, Value::Number(_) | Value::Bool(_) | Value::Null)
                    {
                        continue;
                    }
                    let len = self.path.len();
                    if !self.path.is_empty() {
                        self.path.push('.');
                    }
                    self.path.push_str(key);
                    match self.policy(ph, parent, key, user_data) {
                        Action::Remove => {
                            remove.push(key.clone());
                            let p = self.path.clone();
                            self.report.removed(&p);
                        }
                        Action::Keep => {}
                        Action::Replace(t) => {
                            let replace = match val {
                                Value::String(s) => !s.trim().is_empty() && !is_placeholder(s),
                                Value::Number(_) => true,
                                Value::Object(_) | Value::Array(_) => {
                                    self.walk_depth(val, key, true, None, depth + 1);
                                    false
                                }
                                _ => false,
                            };
                            if replace {
                                *val = Value::String(t.placeholder().to_string());
                                self.count(t);
                            }
                        }
                        Action::AssistantConfig => {
                            if let Value::Object(inner) = val {
                                let drop: Vec<String> = inner
                                    .keys()
                                    .filter(|k| !matches!(k.as_str(), "id" | "name"))
                                    .cloned()
                                    .collect();
                                for k in drop {
                                    inner.remove(&k);
                                    let p = format!("{}.{}", self.path, k);
                                    self.report.removed(&p);
                                }
                            } else if let Value::String(s) = val {
                                self.redact_string(s, key, user_data, prev, depth + 1);
                            }
                        }
                        Action::JsonText => match val {
                            Value::String(s) => {
                                let parsed = serde_json::from_str::<Value>(s)
                                    .ok()
                                    .filter(|p| p.is_object() || p.is_array());
                                if let Some(mut inner) = parsed {
                                    self.walk_depth(&mut inner, key, true, None, depth + 1);
                                    *s = inner.to_string();
                                } else {
                                    self.redact_string(s, key, true, prev, depth + 1);
                                }
                            }
                            _ => self.walk_depth(val, key, true, None, depth + 1),
                        },
                        Action::UserData => self.walk_depth(val, key, true, None, depth + 1),
                        Action::Text => self.walk_depth(val, key, user_data, prev, depth + 1),
                    }
                    self.path.truncate(len);
                }
                for k in remove {
                    map.remove(&k);
                }
                self.caller = outer_caller;
            }
            _ => {}
        }
    }
}

/// A transcript line's speaker label ("User: ", "Customer: ") names the caller.
fn speaker_is_caller(label: &str) -> bool {
    let l = label.trim_end_matches([':', ' ']);
    l.eq_ignore_ascii_case("user")
        || l.eq_ignore_ascii_case("customer")
        || l.eq_ignore_ascii_case("caller")
}

/// "User: hello" -> ("User: ", "hello"); lines without a short speaker label -> ("", line).
fn split_speaker(line: &str) -> (&str, &str) {
    // The label is at most 24 bytes: look for ": " in the first 26 only.
    let head = &line.as_bytes()[..line.len().min(26)];
    if let Some(pos) = head.windows(2).position(|w| w == b": ") {
        let label = &line[..pos];
        if !label.is_empty()
            && label.len() <= 24
            && label
                .chars()
                .all(|c| c.is_alphabetic() || c == ' ' || c == '_')
        {
            return line.split_at(pos + 2);
        }
    }
    ("", line)
}

/// The spoken text of a message-like array item, used as the next item's previous turn.
fn turn_text(item: &Value) -> Option<&str> {
    let o = item.as_object()?;
    for k in ["message", "content", "transcript"] {
        if let Some(Value::String(s)) = o.get(k) {
            return Some(s);
        }
    }
    None
}

/// Mixed into a memo key's text hash for the caller's turns.
const CALLER_SALT: u64 = 0x5bd1_e995_9e37_79b9;

fn is_placeholder(s: &str) -> bool {
    s.starts_with('[')
        && s.ends_with(']')
        && EntityType::from_name(s.trim_matches(|c| c == '[' || c == ']')).is_some()
}
