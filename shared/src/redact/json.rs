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

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::redact::entity::{Context, EntityType};
use crate::redact::Redactor;

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
        *self.by_field.entry(path.to_string()).or_default().entry(kind).or_insert(0) += n;
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
    ("name", EntityType::Person), ("fullname", EntityType::Person), ("firstname", EntityType::Person),
    ("lastname", EntityType::Person), ("middlename", EntityType::Person), ("customername", EntityType::Person),
    ("callername", EntityType::Person), ("patientname", EntityType::Person), ("contactname", EntityType::Person),
    ("number", EntityType::Phone), ("phone", EntityType::Phone), ("phonenumber", EntityType::Phone),
    ("mobile", EntityType::Phone), ("cell", EntityType::Phone), ("callbacknumber", EntityType::Phone),
    ("contactnumber", EntityType::Phone), ("customernumber", EntityType::Phone), ("callerid", EntityType::Phone),
    ("sipuri", EntityType::Phone), ("email", EntityType::Email), ("emailaddress", EntityType::Email),
    ("ssn", EntityType::Ssn), ("socialsecuritynumber", EntityType::Ssn), ("social", EntityType::Ssn),
    ("dob", EntityType::DateOfBirth), ("dateofbirth", EntityType::DateOfBirth), ("birthdate", EntityType::DateOfBirth),
    ("birthday", EntityType::DateOfBirth), ("address", EntityType::Address), ("streetaddress", EntityType::Address),
    ("street", EntityType::Address), ("zip", EntityType::Address), ("zipcode", EntityType::Address),
    ("postalcode", EntityType::Address), ("cardnumber", EntityType::CreditCard), ("creditcard", EntityType::CreditCard),
    ("creditcardnumber", EntityType::CreditCard), ("pan", EntityType::CreditCard), ("cvv", EntityType::Cvv),
    ("cvc", EntityType::Cvv), ("securitycode", EntityType::Cvv), ("expiry", EntityType::CardExpiry),
    ("expiration", EntityType::CardExpiry), ("expirationdate", EntityType::CardExpiry),
    ("accountnumber", EntityType::AccountId), ("bankaccount", EntityType::BankAccount),
    ("bankaccountnumber", EntityType::BankAccount), ("routingnumber", EntityType::RoutingNumber),
    ("routing", EntityType::RoutingNumber), ("aba", EntityType::RoutingNumber), ("memberid", EntityType::AccountId),
    ("policynumber", EntityType::AccountId), ("patientid", EntityType::AccountId), ("mrn", EntityType::AccountId),
    ("customerid", EntityType::AccountId),
];

/// Key endings that mark personal data inside user data ("holderFirstName", "contactEmail").
const PII_SUFFIXES: &[(&str, EntityType)] = &[
    ("firstname", EntityType::Person), ("lastname", EntityType::Person), ("fullname", EntityType::Person),
    ("holdername", EntityType::Person), ("phone", EntityType::Phone), ("phonenumber", EntityType::Phone),
    ("email", EntityType::Email), ("emailaddress", EntityType::Email), ("ssn", EntityType::Ssn),
    ("dob", EntityType::DateOfBirth), ("dateofbirth", EntityType::DateOfBirth), ("streetaddress", EntityType::Address),
    ("homeaddress", EntityType::Address), ("mailingaddress", EntityType::Address), ("cardnumber", EntityType::CreditCard),
    ("accountnumber", EntityType::AccountId), ("accountid", EntityType::AccountId), ("memberid", EntityType::AccountId),
    ("routingnumber", EntityType::RoutingNumber), ("account", EntityType::AccountId),
];

/// Structural keys (exact) kept without text redaction.
const STRUCTURAL: &[&str] = &[
    "id", "type", "role", "status", "endedReason", "timestamp", "time", "secondsFromStart", "duration",
    "provider", "model", "voiceId", "language", "format", "mimeType", "object", "orgId", "callId", "toolCallId",
    "assistantId", "phoneNumberId", "squadId", "workflowId", "sessionId", "chatId", "campaignId", "customerId",
    "createdAt", "updatedAt", "startedAt", "endedAt", "source", "stage", "event", "action", "direction",
    "artifactPlan", "recordingFormat", "transcriptType", "speaker", "turn", "isFinal", "method", "version",
    "function_call", "tool_call_id", "toolCallIds", "requestId", "topic", "destinationType", "transport",
    "subscriptionType", "result_type", "state", "phase", "reason",
];

fn letters_lower(key: &str) -> String {
    key.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect()
}

/// THE field policy: one table-driven decision per (parent key, key, user data?).
pub(crate) fn policy(parent: &str, key: &str, user_data: bool) -> Action {
    let lk = letters_lower(key);
    // Secrets and capabilities.
    let secret_exact = matches!(
        key,
        "controlUrl" | "listenUrl" | "twilioAuthToken" | "twilioApiKey" | "twilioApiSecret" | "credentials"
            | "credential" | "systemPrompt" | "authToken" | "apiKey" | "apiSecret" | "secret" | "password"
            | "privateKey" | "token" | "accessToken" | "refreshToken" | "bearerToken" | "signingSecret"
            | "webhookSecret" | "authorization" | "Authorization"
    );
    // Every `...Url` field of a call is a capability (control/listen sockets, presigned
    // recording, log and pcap links); a plain `url` only under recording-like parents.
    let lp = letters_lower(parent);
    let url_capability = lk.contains("presigned")
        || (key.ends_with("Url") || key.ends_with("URL")) && key != "serverUrl"
        || lk == "url"
            && ["recording", "mono", "stereo", "video", "pcap", "log", "artifact", "monitor", "audio"]
                .iter()
                .any(|p| lp.contains(p));
    let secretish = lk.contains("secret") || lk.ends_with("authtoken") || lk.ends_with("apikey") || lk.contains("password");
    if secret_exact || url_capability || secretish {
        return Action::Remove;
    }
    if key == "headers" && (parent == "server" || parent.ends_with("Server") || parent == "transport") {
        return Action::Remove;
    }
    if key == "messages" && parent == "model" {
        return Action::Remove;
    }
    if key == "assistant" || key == "squad" {
        return Action::AssistantConfig;
    }
    // Known personal-data fields.
    let person_parent = matches!(parent, "customer" | "contact" | "caller" | "customers" | "contacts");
    if person_parent || user_data {
        if let Some((_, t)) = PII_KEYS.iter().find(|(k, _)| *k == lk) {
            return Action::Replace(*t);
        }
        if user_data {
            if let Some((_, t)) = PII_SUFFIXES.iter().find(|(k, _)| lk.ends_with(k)) {
                return Action::Replace(*t);
            }
        }
    }
    if matches!(key, "callerId" | "customerNumber" | "fromNumber" | "callerNumber") {
        return Action::Replace(EntityType::Phone);
    }
    if key == "arguments" || key == "result" || key == "parameters" {
        return Action::JsonText;
    }
    if matches!(
        key,
        "structuredData" | "variableValues" | "variables" | "customer" | "contact" | "metadata" | "input" | "sipHeaders"
    ) {
        return Action::UserData;
    }
    if STRUCTURAL.contains(&key)
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

struct Walker<'r> {
    redactor: &'r Redactor,
    report: JsonRedaction,
    path: String,
}

/// Redacts `v` in place.
pub(crate) fn redact(redactor: &Redactor, v: &mut Value) -> JsonRedaction {
    let mut w = Walker { redactor, report: JsonRedaction::default(), path: String::new() };
    w.walk(v, "", false, None);
    w.report
}

/// Bounded nesting: deeper levels are replaced wholesale (no stack overflow on hostile input).
const MAX_DEPTH: usize = 64;

impl Walker<'_> {
    fn walk(&mut self, v: &mut Value, parent: &str, user_data: bool, prev: Option<&str>) {
        self.walk_depth(v, parent, user_data, prev, 0);
    }

    fn walk_depth(&mut self, v: &mut Value, parent: &str, user_data: bool, prev: Option<&str>, depth: usize) {
        if depth > MAX_DEPTH {
            *v = Value::String("[REDACTED]".to_string());
            self.report.removed(&self.path.clone());
            return;
        }
        match v {
            Value::String(s) => {
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
                let ctx = Context { previous_turn: prev, role: None };
                let r = self.redactor.redact_text(s, &ctx);
                if !r.entities.is_empty() {
                    for e in &r.entities {
                        let path = self.path.clone();
                        self.report.count(&path, e.kind, 1);
                    }
                    *s = r.text;
                }
            }
            Value::Array(items) => {
                let len = self.path.len();
                self.path.push_str("[]");
                let mut last_text: Option<String> = None;
                for item in items.iter_mut() {
                    let this_text = turn_text(item);
                    self.walk_depth(item, parent, user_data, last_text.as_deref(), depth + 1);
                    if this_text.is_some() {
                        last_text = this_text;
                    }
                }
                self.path.truncate(len);
            }
            Value::Object(map) => {
                let keys: Vec<String> = map.keys().cloned().collect();
                let mut prev_in_obj: Option<String> = prev.map(str::to_string);
                for key in keys {
                    let len = self.path.len();
                    if !self.path.is_empty() {
                        self.path.push('.');
                    }
                    self.path.push_str(&key);
                    let action = policy(parent, &key, user_data);
                    match action {
                        Action::Remove => {
                            map.remove(&key);
                            let p = self.path.clone();
                            self.report.removed(&p);
                        }
                        Action::Keep => {}
                        Action::Replace(t) => {
                            if let Some(val) = map.get_mut(&key) {
                                let replace = match val {
                                    Value::String(s) => !s.trim().is_empty() && !is_placeholder(s),
                                    Value::Number(_) => true,
                                    Value::Object(_) | Value::Array(_) => {
                                        self.walk_depth(val, &key, true, None, depth + 1);
                                        false
                                    }
                                    _ => false,
                                };
                                if replace {
                                    *val = Value::String(t.placeholder().to_string());
                                    let p = self.path.clone();
                                    self.report.count(&p, t, 1);
                                }
                            }
                        }
                        Action::AssistantConfig => {
                            if let Some(Value::Object(inner)) = map.get_mut(&key) {
                                let drop: Vec<String> =
                                    inner.keys().filter(|k| !matches!(k.as_str(), "id" | "name")).cloned().collect();
                                for k in drop {
                                    inner.remove(&k);
                                    let p = format!("{}.{}", self.path, k);
                                    self.report.removed(&p);
                                }
                            } else if let Some(val) = map.get_mut(&key) {
                                if val.is_string() {
                                    let prevc = prev_in_obj.clone();
                                    self.walk_depth(val, &key, user_data, prevc.as_deref(), depth + 1);
                                }
                            }
                        }
                        Action::JsonText => {
                            if let Some(val) = map.get_mut(&key) {
                                match val {
                                    Value::String(s) => {
                                        let parsed = serde_json::from_str::<Value>(s).ok().filter(|p| p.is_object() || p.is_array());
                                        if let Some(mut inner) = parsed {
                                            self.walk_depth(&mut inner, &key, true, None, depth + 1);
                                            *s = inner.to_string();
                                        } else {
                                            let prevc = prev_in_obj.clone();
                                            self.walk_depth(val, &key, true, prevc.as_deref(), depth + 1);
                                        }
                                    }
                                    _ => self.walk_depth(val, &key, true, None, depth + 1),
                                }
                            }
                        }
                        Action::UserData => {
                            if let Some(val) = map.get_mut(&key) {
                                self.walk_depth(val, &key, true, None, depth + 1);
                            }
                        }
                        Action::Text => {
                            if let Some(val) = map.get_mut(&key) {
                                let prevc = prev_in_obj.clone();
                                let text_now = val.as_str().map(str::to_string);
                                self.walk_depth(val, &key, user_data, prevc.as_deref(), depth + 1);
                                if let Some(t) = text_now {
                                    if t.len() > 2 {
                                        prev_in_obj = Some(t);
                                    }
                                }
                            }
                        }
                    }
                    self.path.truncate(len);
                }
            }
            _ => {}
        }
    }
}

/// The spoken text of a message-like array item, used as the next item's previous turn.
fn turn_text(item: &Value) -> Option<String> {
    let o = item.as_object()?;
    for k in ["message", "content", "transcript"] {
        if let Some(Value::String(s)) = o.get(k) {
            return Some(s.clone());
        }
    }
    None
}

fn is_placeholder(s: &str) -> bool {
    s.starts_with('[') && s.ends_with(']') && EntityType::from_name(s.trim_matches(|c| c == '[' || c == ']')).is_some()
}
