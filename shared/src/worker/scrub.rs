//! The worker's one seam to the redaction engine: every text and JSON tree is redacted
//! here before anything is stored, and the redaction counts become audit counters
//! (types, counts, field paths; never values).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use crate::redact::{Context, JsonRedaction, Redacted, Redactor, Role, StreamTail};

/// Audit counters produced by redacting one event.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Audit {
    /// Entities per type (`PHONE` → 2).
    pub by_type: BTreeMap<String, i64>,
    /// Entities per field path and type (`transcript:transcript` → `PHONE` → 1).
    pub by_field: BTreeMap<String, BTreeMap<String, i64>>,
    /// Paths of removed secrets / PII-only fields.
    pub removed_fields: BTreeSet<String>,
}

impl Audit {
    /// Counters for the call summary: `audit.type.<T>` and `audit.field.<path>.<T>`.
    pub fn summary_counters(&self) -> BTreeMap<String, i64> {
        let mut out = BTreeMap::new();
        for (t, n) in &self.by_type {
            out.insert(format!("audit.type.{t}"), *n);
        }
        let mut distinct = 0usize;
        for (field, types) in &self.by_field {
            for (t, n) in types {
                distinct += 1;
                // Bound the update expression (DynamoDB: 4 KB) and the summary item: fields
                // past the cap are counted together, per type.
                let key = if distinct <= MAX_FIELD_COUNTERS {
                    format!("audit.field.{field}.{t}")
                } else {
                    format!("audit.field.(other fields).{t}")
                };
                *out.entry(key).or_insert(0) += *n;
            }
        }
        out
    }

    /// Counters for the session: `redacted.<T>`.
    pub fn session_counters(&self) -> BTreeMap<String, i64> {
        self.by_type
            .iter()
            .map(|(t, n)| (format!("redacted.{t}"), *n))
            .collect()
    }

    fn add_json(&mut self, prefix: &str, r: &JsonRedaction) {
        for (t, n) in &r.by_type {
            *self.by_type.entry(t.as_str().to_string()).or_insert(0) += to_i64(*n);
        }
        for (field, types) in &r.by_field {
            let key = bounded_path(&format!("{prefix}:{field}"));
            let slot = self.by_field.entry(key).or_default();
            for (t, n) in types {
                *slot.entry(t.as_str().to_string()).or_insert(0) += to_i64(*n);
            }
        }
        for f in &r.removed_fields {
            self.removed_fields
                .insert(bounded_path(&format!("{prefix}:{f}")));
        }
    }

    fn add_text(&mut self, field: &str, r: &Redacted) {
        for e in &r.entities {
            let t = e.kind.as_str().to_string();
            *self.by_type.entry(t.clone()).or_insert(0) += 1;
            *self
                .by_field
                .entry(field.to_string())
                .or_default()
                .entry(t)
                .or_insert(0) += 1;
        }
    }
}

/// Most distinct per-field audit counters one event adds (the rest are folded together).
pub const MAX_FIELD_COUNTERS: usize = 64;

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Field paths become attribute names: keep them bounded and printable.
fn bounded_path(p: &str) -> String {
    p.chars().filter(|c| !c.is_control()).take(200).collect()
}

/// Replace bulky live history (repeated on every message and archived once in the
/// end-of-call report) by its size, so event items stay small.
fn strip_history(message_type: &str, message: &mut Value) {
    let Some(obj) = message.as_object_mut() else {
        return;
    };
    if let Some(artifact) = obj.get("artifact") {
        let count = artifact
            .get("messages")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        obj.insert(
            "artifact".into(),
            json!({ "omitted": "live history; see the end-of-call report", "messages": count }),
        );
    }
    if message_type == "conversation-update" {
        for field in ["messages", "messagesOpenAIFormatted"] {
            if let Some(list) = obj.get(field).and_then(Value::as_array) {
                let count = list.len();
                obj.insert(
                    field.into(),
                    json!({ "omitted": "history", "count": count }),
                );
            }
        }
    }
}

/// Twilio parameters that only carry PII (numbers, caller name, caller location): removed,
/// not redacted, recorded by name in the audit trail.
const TWILIO_PII_FIELDS: &[&str] = &[
    "From",
    "To",
    "Caller",
    "Called",
    "ForwardedFrom",
    "CallerName",
    "FromCity",
    "FromState",
    "FromZip",
    "FromCountry",
    "ToCity",
    "ToState",
    "ToZip",
    "ToCountry",
    "CallerCity",
    "CallerState",
    "CallerZip",
    "CallerCountry",
    "CalledCity",
    "CalledState",
    "CalledZip",
    "CalledCountry",
    "StirVerstat",
    "ParentCallSid",
];

/// Redact a whole message (generic JSON tree walk plus secret removal) for archiving.
/// `keep_history` is true for the end-of-call report, which is the history's archive.
pub fn scrub_message(
    redactor: &Redactor,
    message_type: &str,
    message: &Value,
    keep_history: bool,
) -> (Value, Audit) {
    let mut doc = message.clone();
    let mut audit = Audit::default();
    if !keep_history {
        strip_history(message_type, &mut doc);
    }
    if message_type == "twilio.status" {
        if let Some(obj) = doc.as_object_mut() {
            for f in TWILIO_PII_FIELDS {
                if obj.remove(*f).is_some() {
                    audit.removed_fields.insert(format!("twilio.status:{f}"));
                }
            }
        }
    }
    remove_system_prompts(&mut doc, "message", &mut audit.removed_fields, message_type);
    let r = redactor.redact_json(&mut doc);
    audit.add_json(message_type, &r);
    (doc, audit)
}

/// Replace the text of every history item with `role: "system"` (the assistant's system
/// prompt, a secret per PROTOCOL.md §10) wherever it appears in the tree
/// (`artifact.messages`, `messagesOpenAIFormatted`, legacy top-level `messages`, ...).
fn remove_system_prompts(
    v: &mut Value,
    path: &str,
    removed: &mut BTreeSet<String>,
    message_type: &str,
) {
    match v {
        Value::Object(obj) => {
            if obj.get("role").and_then(Value::as_str) == Some("system") {
                for field in ["message", "content"] {
                    if obj.get(field).is_some_and(Value::is_string) {
                        obj.insert(
                            field.into(),
                            Value::String("[SYSTEM_PROMPT removed]".into()),
                        );
                        removed.insert(bounded_path(&format!("{message_type}:{path}.{field}")));
                    }
                }
            }
            for (k, child) in obj.iter_mut() {
                remove_system_prompts(child, &format!("{path}.{k}"), removed, message_type);
            }
        }
        Value::Array(items) => {
            for child in items {
                remove_system_prompts(child, &format!("{path}[]"), removed, message_type);
            }
        }
        _ => {}
    }
}

/// A redacted final segment and the speaker's new stream state.
#[derive(Debug, Clone)]
pub struct RedactedSegment {
    /// Redacted text.
    pub text: String,
    /// Entity counts per type.
    pub counts: BTreeMap<String, i64>,
    /// Serialised stream state to carry to the speaker's next segment.
    pub state: String,
    /// Audit counters.
    pub audit: Audit,
}

fn role_of(role: &str) -> Option<Role> {
    match role {
        "user" => Some(Role::User),
        "assistant" => Some(Role::Assistant),
        _ => None,
    }
}

/// Redact one final transcript segment with the speaker's carried state and the other
/// speaker's previous (already redacted) turn as context.
pub fn redact_final(
    redactor: &Redactor,
    role: &str,
    text: &str,
    state: Option<&str>,
    previous_turn: Option<&str>,
) -> RedactedSegment {
    let mut tail: StreamTail = state
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or_default();
    let ctx = Context {
        previous_turn,
        role: role_of(role),
    };
    let r = redactor.redact_segment(&mut tail, text, &ctx);
    let mut audit = Audit::default();
    audit.add_text("transcript:transcript", &r);
    let state = if tail.is_empty() {
        String::new()
    } else {
        serde_json::to_string(&tail).unwrap_or_default()
    };
    RedactedSegment {
        counts: audit.by_type.clone(),
        text: r.text,
        state,
        audit,
    }
}

/// Redact a partial transcript (live state only).
pub fn redact_partial(
    redactor: &Redactor,
    role: &str,
    text: &str,
    state: Option<&str>,
    previous_turn: Option<&str>,
) -> (String, Audit) {
    let ctx = Context {
        previous_turn,
        role: role_of(role),
    };
    // The carried tail is consulted but not advanced: only final segments move it.
    let mut tail: StreamTail = state
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or_default();
    let r = redactor.redact_segment(&mut tail, text, &ctx);
    let mut audit = Audit::default();
    audit.add_text("transcript:partial", &r);
    (r.text, audit)
}

/// Redact a short free-text flag value (e.g. `successEvaluation`), or drop it when long.
pub fn redact_flag(redactor: &Redactor, value: &str) -> Option<String> {
    if value.is_empty() || value.chars().count() > 40 {
        return None;
    }
    Some(redactor.redact_text(value, &Context::default()).text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_counters_are_bounded_and_keep_totals() {
        let mut audit = Audit::default();
        for i in 0..200 {
            audit
                .by_field
                .entry(format!("x:message.analysis.structuredData.f{i:03}"))
                .or_default()
                .insert("PHONE".into(), 2);
        }
        let counters = audit.summary_counters();
        assert!(counters.len() <= MAX_FIELD_COUNTERS + 1);
        assert_eq!(counters.values().sum::<i64>(), 400);
        assert_eq!(
            counters.get("audit.field.(other fields).PHONE"),
            Some(&(2 * (200 - MAX_FIELD_COUNTERS as i64)))
        );
    }

    #[test]
    fn system_prompts_are_removed_everywhere_in_the_tree() {
        let mut v = serde_json::json!({
            "artifact": {"messages": [{"role": "system", "message": "secret prompt"}, {"role": "user", "message": "hi"}]},
            "messagesOpenAIFormatted": [{"role": "system", "content": "secret prompt"}]
        });
        let mut removed = BTreeSet::new();
        remove_system_prompts(&mut v, "message", &mut removed, "end-of-call-report");
        assert!(!v.to_string().contains("secret prompt"));
        assert!(v.to_string().contains("hi"));
        assert!(removed.contains("end-of-call-report:message.artifact.messages[].message"));
        assert!(removed.contains("end-of-call-report:message.messagesOpenAIFormatted[].content"));
    }
}
