//! Every Vapi sample payload comes out of `redact_json` with none of the sample caller's
//! personal data and none of the secret/capability fields.

use std::path::PathBuf;

use callwarden::redact::redact_json;
use serde_json::Value;

fn samples_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/vapi/samples")
}

/// Personal data of the sample caller, in the forms the samples use (lower-cased match).
const FORBIDDEN: &[&str] = &[
    "maria",
    "gonzalez",
    "m a r i a",
    "g o n z a l e z",
    "4111 1111 1111 1111",
    "4111111111111111",
    "4111-1111",
    "4111 1111",
    "123-45-6789",
    "123456789",
    "one two three, four five",
    "six seven eight nine",
    "03/14/1984",
    "1984-03-14",
    "march fourteenth",
    "nineteen eighty four",
    "oh three, one four",
    "+14155550142",
    "4155550142",
    "555-0142",
    "88213457",
    "eight eight two one",
    "gonzalez84",
];

/// Keys that must not survive anywhere in a redacted payload.
const REMOVED_KEYS: &[&str] = &[
    "controlUrl",
    "listenUrl",
    "recordingUrl",
    "stereoRecordingUrl",
    "logUrl",
    "pcapUrl",
    "presignedMonoUrl",
    "presignedStereoUrl",
    "twilioAuthToken",
    "twilioApiSecret",
    "credentials",
    "systemPrompt",
];

fn keys(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                out.push(k.clone());
                keys(x, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| keys(x, out)),
        Value::String(s) => {
            // JSON carried in strings is checked too.
            if let Ok(inner) = serde_json::from_str::<Value>(s) {
                if inner.is_object() || inner.is_array() {
                    keys(&inner, out);
                }
            }
        }
        _ => {}
    }
}

#[test]
fn no_sample_pii_or_secret_survives() {
    let dir = samples_dir();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("skipping: {} not found", dir.display());
        return;
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 40,
        "expected the Vapi samples, found {}",
        files.len()
    );
    let mut failures = Vec::new();
    let mut total_entities = 0;
    for path in &files {
        let text = std::fs::read_to_string(path).expect("sample readable");
        let mut v: Value = serde_json::from_str(&text).expect("sample is JSON");
        let report = redact_json(&mut v);
        total_entities += report.total();
        let out = serde_json::to_string(&v)
            .expect("serialises")
            .to_lowercase();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        for f in FORBIDDEN {
            if out.contains(f) {
                failures.push(format!("{name}: {f:?} survived"));
            }
        }
        let mut ks = Vec::new();
        keys(&v, &mut ks);
        for k in REMOVED_KEYS {
            if ks.iter().any(|x| x == k) {
                failures.push(format!("{name}: key {k} survived"));
            }
        }
        // The report never carries values: only type names, paths and counts.
        let rep = serde_json::to_string(&report)
            .expect("report serialises")
            .to_lowercase();
        for f in FORBIDDEN {
            assert!(!rep.contains(f), "{name}: report leaks {f:?}");
        }
        // Idempotent on the JSON level too.
        let mut again = v.clone();
        let second = redact_json(&mut again);
        if again != v {
            failures.push(format!(
                "{name}: redacting twice changed the document ({:?})",
                second.by_type
            ));
        }
    }
    assert!(
        total_entities > 100,
        "the samples carry plenty of PII; only {total_entities} entities found"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn end_of_call_report_policy() {
    let path = samples_dir().join("end-of-call-report.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("skipping: {} not found", path.display());
        return;
    };
    let mut v: Value = serde_json::from_str(&text).expect("JSON");
    let before = v.clone();
    let report = redact_json(&mut v);
    let m = &v["message"];
    // structural fields kept
    assert_eq!(m["type"], before["message"]["type"]);
    assert_eq!(m["endedReason"], before["message"]["endedReason"]);
    assert_eq!(m["call"]["id"], before["message"]["call"]["id"]);
    assert_eq!(m["cost"], before["message"]["cost"]);
    assert_eq!(
        m["artifact"]["messages"][1]["role"],
        before["message"]["artifact"]["messages"][1]["role"]
    );
    // known PII fields replaced even without context
    assert_eq!(m["call"]["customer"]["number"], "[PHONE]");
    // capability fields removed and listed by path, without indexes
    assert!(m["call"]["monitor"].get("controlUrl").is_none());
    assert!(report
        .removed_fields
        .iter()
        .any(|p| p == "message.call.monitor.controlUrl"));
    assert!(report
        .removed_fields
        .iter()
        .all(|p| !p.contains('[') || p.contains("[]")));
    assert!(report
        .by_field
        .keys()
        .any(|k| k == "message.artifact.messages[].message"));
    // the assistant config keeps only id/name
    if let Some(a) = m.get("assistant").and_then(Value::as_object) {
        assert!(
            a.keys().all(|k| k == "id" || k == "name"),
            "assistant keeps {:?}",
            a.keys().collect::<Vec<_>>()
        );
    }
}
