//! The JSON field policy on hand-made payloads.

use callwarden::redact::{redact_json, EntityType};
use serde_json::json;

#[test]
fn secrets_removed_pii_fields_replaced_structure_kept() {
    let mut v = json!({"message": {
        "type": "status-update", "status": "in-progress", "timestamp": 1763481844530u64,
        "call": {"id": "c7a2e9d4", "monitor": {"controlUrl": "https://x/control", "listenUrl": "wss://x/listen"},
                 "customer": {"number": "+14155550142", "name": "Maria Gonzalez"}},
        "phoneNumber": {"id": "pn1", "twilioAuthToken": "secret-token", "twilioAccountSid": "AC123", "number": "+18005550100"},
        "assistant": {"id": "a1", "name": "Ava", "model": {"messages": [{"role": "system", "content": "secret prompt"}]}},
        "artifact": {"recordingUrl": "https://r", "stereoRecordingUrl": "https://s", "logUrl": "https://l",
                     "recording": {"mono": {"combinedUrl": "https://c"}}},
        "cost": 0.1871,
        "transcript": "my card is 4111 1111 1111 1111"
    }});
    let r = redact_json(&mut v);
    let m = &v["message"];
    assert_eq!(m["type"], "status-update");
    assert_eq!(m["status"], "in-progress");
    assert_eq!(m["timestamp"], 1763481844530u64);
    assert_eq!(m["cost"], 0.1871);
    assert_eq!(m["call"]["id"], "c7a2e9d4");
    assert_eq!(m["phoneNumber"]["twilioAccountSid"], "AC123");
    assert!(m["call"]["monitor"].get("controlUrl").is_none());
    assert!(m["phoneNumber"].get("twilioAuthToken").is_none());
    assert!(m["artifact"].get("recordingUrl").is_none());
    assert!(m["artifact"]["recording"]["mono"]
        .get("combinedUrl")
        .is_none());
    assert_eq!(m["assistant"], json!({"id": "a1", "name": "Ava"}));
    assert_eq!(m["call"]["customer"]["number"], "[PHONE]");
    assert_eq!(m["call"]["customer"]["name"], "[PERSON]");
    assert_eq!(m["transcript"], "my card is [CREDIT_CARD]");
    for p in [
        "message.call.monitor.controlUrl",
        "message.call.monitor.listenUrl",
        "message.phoneNumber.twilioAuthToken",
        "message.artifact.recordingUrl",
        "message.assistant.model",
    ] {
        assert!(
            r.removed_fields.iter().any(|x| x == p),
            "{p} not listed in {:?}",
            r.removed_fields
        );
    }
    assert_eq!(r.by_type.get(&EntityType::CreditCard), Some(&1));
    assert_eq!(r.by_field["message.transcript"][&EntityType::CreditCard], 1);
    let text = serde_json::to_string(&v).unwrap();
    assert!(!text.contains("secret"), "{text}");
}

#[test]
fn tool_arguments_as_object_or_string() {
    let args = json!({"name": "Maria Gonzalez", "dob": "1984-03-14", "accountId": "AC-88213457", "ticketId": "TKT-44109",
                      "note": "call me at four one five five five five oh one four two"});
    let mut v = json!({"message": {"toolCallList": [
        {"id": "t1", "function": {"name": "createTicket", "arguments": args.clone()}},
        {"id": "t2", "function": {"name": "createTicket", "arguments": args.to_string()}}
    ]}});
    let r = redact_json(&mut v);
    let obj = &v["message"]["toolCallList"][0]["function"];
    assert_eq!(obj["name"], "createTicket");
    assert_eq!(obj["arguments"]["name"], "[PERSON]");
    assert_eq!(obj["arguments"]["dob"], "[DATE_OF_BIRTH]");
    assert_eq!(obj["arguments"]["accountId"], "[ACCOUNT_ID]");
    assert_eq!(obj["arguments"]["ticketId"], "TKT-44109");
    assert_eq!(obj["arguments"]["note"], "call me at [PHONE]");
    let s = v["message"]["toolCallList"][1]["function"]["arguments"]
        .as_str()
        .expect("still a string");
    let parsed: serde_json::Value = serde_json::from_str(s).expect("still JSON");
    assert_eq!(parsed, obj["arguments"]);
    assert!(r
        .by_field
        .contains_key("message.toolCallList[].function.arguments.name"));
}

#[test]
fn deep_and_odd_documents_do_not_panic() {
    let mut deep = json!("my ssn is 123-45-6789");
    for _ in 0..200 {
        deep = json!({"a": [deep]});
    }
    let _ = redact_json(&mut deep);
    assert!(!serde_json::to_string(&deep).unwrap().contains("6789"));
    for mut v in [
        json!(null),
        json!(42),
        json!("4111 1111 1111 1111"),
        json!([]),
        json!({"arguments": "{not json"}),
    ] {
        let _ = redact_json(&mut v);
    }
}

/// The JSON walk reads each turn's context off the previous turn's own analysis (instead
/// of tokenising the previous turn again). Check it against the plain text API on a whole
/// conversation: every message redacted as `redact_text(text, previous redacted message)`
/// would redact it, and the transcript copy identical to the messages.
#[test]
fn conversation_walk_matches_turn_by_turn_redaction() {
    let corpus = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/heldout_pii.jsonl"
    ))
    .expect("held-out corpus is part of the repository");
    let texts: Vec<String> = corpus
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["text"].as_str().map(str::to_string))
        .collect();
    assert!(texts.len() > 100);
    let messages: Vec<_> = texts
        .iter()
        .map(|t| json!({"role": "user", "message": t, "time": 1}))
        .collect();
    let transcript: String = texts.iter().map(|t| format!("User: {t}\n")).collect();
    let mut v = json!({"message": {"type": "end-of-call-report",
        "artifact": {"messages": messages, "transcript": transcript}}});
    let report = redact_json(&mut v);

    let mut prev: Option<String> = None;
    let mut mismatches = Vec::new();
    let mut entities = 0u64;
    for (i, t) in texts.iter().enumerate() {
        let ctx = callwarden::redact::Context {
            previous_turn: prev.as_deref(),
            // (The messages are the caller's: the walk redacts them as the caller's.)
            role: Some(callwarden::redact::Role::User),
        };
        let want = callwarden::redact::redact_text(t, &ctx);
        entities += want.entities.len() as u64;
        let got = v["message"]["artifact"]["messages"][i]["message"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        if got != want.text {
            mismatches.push(i);
        }
        prev = Some(got);
    }
    assert!(
        mismatches.is_empty(),
        "turns redacted differently: {mismatches:?}"
    );
    let lines: Vec<&str> = v["message"]["artifact"]["transcript"]
        .as_str()
        .unwrap_or_default()
        .lines()
        .collect();
    for (i, line) in lines.iter().enumerate() {
        let msg = v["message"]["artifact"]["messages"][i]["message"]
            .as_str()
            .unwrap_or_default();
        assert_eq!(
            line.strip_prefix("User: "),
            Some(msg),
            "transcript line {i}"
        );
    }
    // Every entity counted once per copy (messages + transcript).
    assert_eq!(report.total(), 2 * entities);
}

/// The walk keeps its tables per thread from document to document (memo, priors, policy
/// cache): a document redacted after others must come out exactly as on a fresh thread,
/// report included — nothing of one document may leak into the next one's result.
#[test]
fn documents_walked_one_after_another_match_a_fresh_walk() {
    let doc = |n: usize, name: &str| {
        json!({"message": {"type": "end-of-call-report",
            "customer": {"number": "+14155550142"},
            "artifact": {"messages": (0..n).map(|i| json!({
                "role": if i % 2 == 0 { "bot" } else { "user" },
                "message": if i % 2 == 0 { "Can I get your card number?".to_string() }
                    else { format!("sure it's four one one one one one one one one one one one one one one one {name}") },
                "time": i
            })).collect::<Vec<_>>(),
            "transcript": format!("AI: What is your name?\nUser: my name is {name}\n")}}})
    };
    let fresh = |v: serde_json::Value| {
        std::thread::spawn(move || {
            let mut v = v;
            let r = redact_json(&mut v);
            (v, r)
        })
        .join()
        .expect("fresh walk")
    };
    let (want_b, want_report_b) = fresh(doc(7, "Priya Raman"));
    let mut a = doc(40, "Jonas Weber");
    redact_json(&mut a);
    let mut b = doc(7, "Priya Raman");
    let report_b = redact_json(&mut b);
    assert_eq!(b, want_b);
    assert_eq!(report_b, want_report_b);
    let text = b.to_string();
    assert!(!text.contains("Jonas") && !text.contains("Priya"), "{text}");
}

#[test]
fn the_callers_our_address_is_theirs_and_the_agents_is_the_business() {
    // The same words, said by the caller and by the agent: the speaker decides, alike in
    // `messages`, `messagesOpenAIFormatted` and the transcript.
    let caller = "Our address is 4417 Juniper Hollow Lane, Boise, Idaho 83706.";
    let agent = "our address for payments is p o box six six one four oh saint louis missouri six three one six six";
    let mut v = json!({"message": {"type": "end-of-call-report", "artifact": {
        "messages": [{"role": "user", "message": caller}, {"role": "bot", "message": agent},
                     {"role": "bot", "message": caller}],
        "messagesOpenAIFormatted": [{"role": "user", "content": caller},
                                    {"role": "assistant", "content": agent}],
        "transcript": format!("User: {caller}\nAI: {agent}\nAI: {caller}"),
    }}});
    redact_json(&mut v);
    let a = &v["message"]["artifact"];
    let redacted = "Our address is [ADDRESS].";
    assert_eq!(a["messages"][0]["message"], redacted);
    assert_eq!(a["messages"][1]["message"], agent);
    assert_eq!(a["messages"][2]["message"], caller);
    assert_eq!(a["messagesOpenAIFormatted"][0]["content"], redacted);
    assert_eq!(a["messagesOpenAIFormatted"][1]["content"], agent);
    assert_eq!(
        a["transcript"],
        format!("User: {redacted}\nAI: {agent}\nAI: {caller}")
    );
}
