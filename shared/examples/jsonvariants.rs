use callwarden::redact::redact_json;
use serde_json::{json, Value};
fn main() {
    let mode = std::env::args().nth(1).unwrap_or_default();
    let corpus: Vec<(String, String)> = std::fs::read_to_string("../../shared/pii/dev.jsonl")
        .unwrap()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (
                v["role"].as_str().unwrap_or("").to_string(),
                v["text"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    if let Some(t) = mode.strip_prefix("one:") {
        let ctx = callwarden::redact::Context {
            previous_turn: None,
            role: None,
        };
        for _ in 0..1000 {
            std::hint::black_box(callwarden::redact::redact_text(
                std::hint::black_box(t),
                &ctx,
            ));
        }
        return;
    }
    if mode == "text" {
        let mut prev: Option<&str> = None;
        for (_, t) in corpus.iter().take(600) {
            let ctx = callwarden::redact::Context {
                previous_turn: prev,
                role: None,
            };
            std::hint::black_box(callwarden::redact::redact_text(t, &ctx));
            prev = Some(t);
        }
        return;
    }
    let mut v: Value = serde_json::from_str(
        &std::fs::read_to_string("../../shared/vapi/samples/end-of-call-report.json").unwrap(),
    )
    .unwrap();
    let (mut m, mut o, mut tr) = (vec![], vec![], String::new());
    for i in 0..600 {
        let (role, text) = &corpus[i % corpus.len()];
        let bot = role == "assistant";
        m.push(json!({"role": if bot {"bot"} else {"user"}, "message": text, "time": 1, "endTime": 2, "secondsFromStart": i as f64 * 2.5, "duration": 2500}));
        o.push(json!({"role": if bot {"assistant"} else {"user"}, "content": text}));
        tr.push_str(if bot { "AI: " } else { "User: " });
        tr.push_str(text);
        tr.push('\n');
    }
    let art = &mut v["message"]["artifact"];
    art["messages"] = Value::Array(m);
    if mode.contains('o') {
        art["messagesOpenAIFormatted"] = Value::Array(o);
    } else {
        art["messagesOpenAIFormatted"] = json!([]);
    }
    if mode.contains('t') {
        art["transcript"] = Value::String(tr);
    } else {
        art["transcript"] = json!("");
    }
    let n: usize = std::env::args()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let t = std::time::Instant::now();
    for _ in 0..n {
        let mut c = v.clone();
        std::hint::black_box(redact_json(&mut c));
    }
    eprintln!("{mode}: {:?} per call (incl clone)", t.elapsed() / n as u32);
}
#[allow(dead_code)]
pub fn per_turn() {}
