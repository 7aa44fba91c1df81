//! One simulated call: the event stream Vapi sends for a short support call, with
//! realistic offsets (milliseconds of call time) that the runner compresses.
//!
//! assistant-request → status-update ringing → in-progress → per turn: speech-update
//! started, partial transcript, final transcript, speech-update stopped,
//! conversation-update (whole history so far) → a tool-calls after turn 2, a
//! user-interrupted after turn 3 → status-update ended → end-of-call-report.

use serde_json::{json, Value};

use super::corpus::{SpokenValue, Utterance};

/// What the archive must hold for an event once it is accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    /// An event item of this (normalised) type at the event timestamp.
    Event(&'static str),
    /// A transcript segment of this role at the event timestamp.
    Segment(String),
    /// Only the call's event counter (partial transcripts live in the session).
    CounterOnly,
    /// The end-of-call report.
    Report,
}

/// One delivery of the call.
#[derive(Debug, Clone)]
pub struct PlannedEvent {
    /// Call-time offset (ms) at which it is sent.
    pub offset_ms: u64,
    /// `message.timestamp` (epoch ms).
    pub ts_ms: i64,
    /// `message.type`.
    pub message_type: &'static str,
    /// Exact body.
    pub body: String,
    /// What the archive must show.
    pub expect: Expect,
}

/// A call: its id, events in spoken order, and the PII it speaks.
#[derive(Debug, Clone)]
pub struct CallPlan {
    /// Vapi call id.
    pub call_id: String,
    /// Events in timestamp order.
    pub events: Vec<PlannedEvent>,
    /// PII values spoken (corpus entities plus the caller's number).
    pub spoken: Vec<SpokenValue>,
    /// Length of the call in call-time ms.
    pub duration_ms: u64,
}

fn call_object(call_id: &str, customer: &str, status: &str) -> Value {
    json!({
        "id": call_id,
        "orgId": "6c1f0e2a-8d3b-4f6e-9a51-2b7c4d9e0f13",
        "type": "inboundPhoneCall",
        "status": status,
        "phoneCallProvider": "twilio",
        "phoneCallTransport": "pstn",
        "customer": { "number": customer },
        "monitor": {
            "listenUrl": format!("wss://phone-call-websocket.aws-us-west-2-backend-production1.vapi.ai/{call_id}/listen"),
            "controlUrl": format!("https://phone-call-websocket.aws-us-west-2-backend-production1.vapi.ai/{call_id}/control"),
        },
        "assistantId": "a3d5f7b9-2c4e-4a6b-8d0f-1e3a5c7e9b2d",
    })
}

struct Builder<'a> {
    call_id: &'a str,
    customer: &'a str,
    start_ms: i64,
    events: Vec<PlannedEvent>,
}

impl Builder<'_> {
    fn push(
        &mut self,
        offset_ms: u64,
        message_type: &'static str,
        mut fields: Value,
        status: &str,
        expect: Expect,
    ) {
        let ts_ms = self.start_ms + i64::try_from(offset_ms).unwrap_or(i64::MAX / 2);
        if let Some(m) = fields.as_object_mut() {
            m.insert("type".into(), json!(message_type));
            m.insert("timestamp".into(), json!(ts_ms));
            m.insert(
                "call".into(),
                call_object(self.call_id, self.customer, status),
            );
            m.insert("customer".into(), json!({ "number": self.customer }));
        }
        let body = json!({ "message": fields }).to_string();
        self.events.push(PlannedEvent {
            offset_ms,
            ts_ms,
            message_type,
            body,
            expect,
        });
    }
}

fn vapi_role(role: &str) -> &'static str {
    if role == "user" {
        "user"
    } else {
        "assistant"
    }
}

/// Build call number `index` speaking `turns` (corpus utterances), starting at epoch
/// `start_ms`. `customer` is the caller's (fictional) number.
pub fn build_call(call_id: &str, customer: &str, start_ms: i64, turns: &[&Utterance]) -> CallPlan {
    let mut b = Builder {
        call_id,
        customer,
        start_ms,
        events: Vec::new(),
    };
    b.push(
        0,
        "assistant-request",
        json!({}),
        "ringing",
        Expect::Event("assistant-request"),
    );
    b.push(
        300,
        "status-update",
        json!({ "status": "ringing" }),
        "ringing",
        Expect::Event("status-update"),
    );
    b.push(
        1500,
        "status-update",
        json!({ "status": "in-progress" }),
        "in-progress",
        Expect::Event("status-update"),
    );
    let mut t: u64 = 2000;
    let mut history_vapi: Vec<Value> = Vec::new();
    let mut history_openai: Vec<Value> =
        vec![json!({ "role": "system", "content": "You are Ava, a support agent." })];
    let mut spoken: Vec<SpokenValue> = Vec::new();
    let mut tool_value: Option<String> = None;
    for (k, u) in turns.iter().enumerate() {
        let role = vapi_role(&u.role);
        spoken.extend(u.spoken_values());
        if tool_value.is_none() {
            tool_value = u.entities.iter().find_map(|e| e.value.clone());
        }
        let words: Vec<&str> = u.text.split_whitespace().collect();
        let partial = words[..words.len().div_ceil(2)].join(" ");
        let speak_ms = 600 + 45 * u.text.len() as u64;
        b.push(
            t,
            "speech-update",
            json!({ "status": "started", "role": role, "turn": k }),
            "in-progress",
            Expect::Event("speech-update"),
        );
        b.push(
            t + speak_ms / 2,
            "transcript",
            json!({ "role": role, "transcriptType": "partial", "transcript": partial }),
            "in-progress",
            Expect::CounterOnly,
        );
        b.push(
            t + speak_ms,
            "transcript",
            json!({ "role": role, "transcriptType": "final", "transcript": u.text }),
            "in-progress",
            Expect::Segment(role.to_string()),
        );
        b.push(
            t + speak_ms + 40,
            "speech-update",
            json!({ "status": "stopped", "role": role, "turn": k }),
            "in-progress",
            Expect::Event("speech-update"),
        );
        history_vapi.push(json!({ "role": if role == "user" { "user" } else { "bot" }, "message": u.text, "time": start_ms + t as i64, "secondsFromStart": t as f64 / 1000.0 }));
        history_openai.push(json!({ "role": role, "content": u.text }));
        b.push(
            t + speak_ms + 300,
            "conversation-update",
            json!({ "messages": history_vapi, "messagesOpenAIFormatted": history_openai }),
            "in-progress",
            Expect::Event("conversation-update"),
        );
        t += speak_ms + 500;
        if k == 1 {
            let args =
                json!({ "accountId": tool_value.clone().unwrap_or_else(|| "AC-00000000".into()) });
            b.push(t, "tool-calls", json!({
                "toolCallList": [{ "id": format!("call_{}_{k}", call_id.replace('-', "")), "type": "function", "function": { "name": "lookupAccount", "arguments": args } }],
                "toolWithToolCallList": [{ "type": "function", "function": { "name": "lookupAccount", "parameters": { "type": "object" } } }],
            }), "in-progress", Expect::Event("tool-calls"));
            t += 400;
        }
        if k == 2 {
            b.push(
                t,
                "user-interrupted",
                json!({ "turnId": format!("turn_{call_id}_{k}") }),
                "in-progress",
                Expect::Event("user-interrupted"),
            );
            t += 200;
        }
    }
    b.push(
        t + 1000,
        "status-update",
        json!({ "status": "ended", "endedReason": "customer-ended-call" }),
        "ended",
        Expect::Event("status-update"),
    );
    let transcript: String = turns
        .iter()
        .map(|u| {
            format!(
                "{}: {}",
                if u.role == "user" { "User" } else { "AI" },
                u.text
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    let summary: String = turns
        .iter()
        .filter(|u| u.role == "user")
        .map(|u| u.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    b.push(t + 1500, "end-of-call-report", json!({
        "endedReason": "customer-ended-call",
        "artifact": { "messages": history_vapi, "messagesOpenAIFormatted": history_openai, "transcript": transcript },
        "analysis": { "summary": format!("The caller said: {summary}"), "successEvaluation": "true" },
        "cost": 0.12,
    }), "ended", Expect::Report);
    let digits: String = customer.chars().filter(char::is_ascii_digit).collect();
    spoken.push(SpokenValue {
        kind: "CUSTOMER_NUMBER".into(),
        surface: customer.to_string(),
        value: Some(digits),
    });
    CallPlan {
        call_id: call_id.to_string(),
        events: b.events,
        spoken,
        duration_ms: t + 1500,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utterance(role: &str, text: &str) -> Utterance {
        serde_json::from_value(json!({ "id": "u", "text": text, "role": role, "entities": [{ "start": 0, "end": 4, "type": "PERSON", "value": "anna" }] })).unwrap()
    }

    #[test]
    fn a_call_has_the_full_lifecycle_with_unique_timestamps() {
        let u = [
            utterance("user", "anna here"),
            utterance("assistant", "hello anna"),
            utterance("user", "my number"),
            utterance("assistant", "thanks"),
        ];
        let refs: Vec<&Utterance> = u.iter().collect();
        let plan = build_call("call-1", "+14155550100", 1_000_000, &refs);
        assert_eq!(plan.events.len(), 27);
        assert_eq!(plan.events[0].message_type, "assistant-request");
        assert_eq!(
            plan.events.last().map(|e| e.message_type),
            Some("end-of-call-report")
        );
        let mut ts: Vec<i64> = plan.events.iter().map(|e| e.ts_ms).collect();
        assert!(
            ts.windows(2).all(|w| w[0] < w[1]),
            "timestamps strictly increase"
        );
        ts.dedup();
        assert_eq!(ts.len(), 27);
        for e in &plan.events {
            let v: Value = serde_json::from_str(&e.body).unwrap();
            assert_eq!(v["message"]["type"], e.message_type);
            assert_eq!(v["message"]["call"]["id"], "call-1");
        }
        assert!(plan.spoken.iter().any(|s| s.kind == "CUSTOMER_NUMBER"));
        assert_eq!(
            plan.events
                .iter()
                .filter(|e| matches!(e.expect, Expect::Segment(_)))
                .count(),
            4
        );
    }
}
