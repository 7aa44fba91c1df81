//! Redaction speed: `redact_text` over the dev corpus texts (MB/s, one core) and
//! `redact_json` over a ~200 KB end-of-call report.
//!
//! Run: `cargo bench -p callwarden --bench redact` (release profile). The corpus and the
//! Vapi sample are read from `../shared/` next to the repository; without them a built-in
//! set of utterances is used.
//!
//! Two measurements: wall time (criterion's default) and, on Linux, this thread's CPU time
//! (`clock_gettime(CLOCK_THREAD_CPUTIME_ID)`), which stays meaningful on a shared, loaded machine
//! (the `*_cpu` groups).

use std::hint::black_box;
use std::path::PathBuf;

use callwarden::redact::{redact_json, redact_text, Context};
use criterion::measurement::{Measurement, ValueFormatter};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use serde_json::{json, Value};

fn shared(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared")
        .join(path)
}

const FALLBACK: &[(&str, &str)] = &[
    (
        "user",
        "uh if we get disconnected my number is four oh eight eight two one eight nine one seven",
    ),
    ("user", "My plan went from $32.50 to $15.06 back in 2017."),
    (
        "assistant",
        "Thank you. I have the card number as 4 9 2 5 5 2 0 0 3 1 8 3 6 5 1 4, is that correct?",
    ),
    (
        "user",
        "it's p e t e r s o n dot a l e x a n d r a at protonmail dot com",
    ),
    (
        "assistant",
        "Great. I have your address as 50 Marshall Lane, Stevenview, NH 51054.",
    ),
    (
        "user",
        "The tracking on order 6782363335 is 5511 7248 0909 9494.",
    ),
    (
        "user",
        "this is malik johnson my member id is three zero six nine two two zero nine eight",
    ),
];

/// (role, text, previous turn) of every corpus record.
fn corpus() -> Vec<(String, String, String)> {
    let Ok(s) = std::fs::read_to_string(shared("pii/dev.jsonl")) else {
        return FALLBACK
            .iter()
            .map(|(r, t)| (r.to_string(), t.to_string(), String::new()))
            .collect();
    };
    s.lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .map(|v| {
            let f = |k: &str| v[k].as_str().unwrap_or("").to_string();
            (f("role"), f("text"), f("context"))
        })
        .collect()
}

/// A ~200 KB end-of-call report: the Vapi sample with its conversation replaced by corpus
/// utterances (each in `messages`, `messagesOpenAIFormatted` and `transcript`, as Vapi does).
fn end_of_call_report(corpus: &[(String, String, String)]) -> Value {
    let mut v: Value = std::fs::read_to_string(shared("vapi/samples/end-of-call-report.json"))
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_else(|| json!({"message": {"type": "end-of-call-report", "artifact": {}}}));
    let mut messages = Vec::new();
    let mut oai = Vec::new();
    let mut transcript = String::new();
    let mut i = 0usize;
    let mut t = 1_763_481_729_820u64;
    loop {
        let (role, text, _) = &corpus[i % corpus.len()];
        let bot = role == "assistant";
        messages.push(
            json!({"role": if bot {"bot"} else {"user"}, "message": text, "time": t, "endTime": t + 2500,
            "secondsFromStart": i as f64 * 2.5, "duration": 2500}),
        );
        oai.push(json!({"role": if bot {"assistant"} else {"user"}, "content": text}));
        transcript.push_str(if bot { "AI: " } else { "User: " });
        transcript.push_str(text);
        transcript.push('\n');
        i += 1;
        t += 2600;
        let art = &mut v["message"]["artifact"];
        art["messages"] = Value::Array(messages.clone());
        art["messagesOpenAIFormatted"] = Value::Array(oai.clone());
        art["transcript"] = Value::String(transcript.clone());
        if i % 50 == 0 && serde_json::to_string(&v).map_or(0, |s| s.len()) >= 200_000 {
            break;
        }
    }
    v
}

/// CPU time of the calling thread, in nanoseconds; 0 when unavailable. (The scheduler's
/// `/proc/thread-self/schedstat`, read before, only moves at a context switch or a tick:
/// a 1.6 ms iteration could measure zero.)
fn thread_cpu_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; the call only writes to it.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return 0;
    }
    (ts.tv_sec as u64) * 1_000_000_000 + ts.tv_nsec as u64
}

/// Criterion measurement: CPU time of the benchmarking thread.
struct ThreadCpu;

/// Formats CPU nanoseconds like criterion formats wall time.
struct CpuFormatter;

impl ValueFormatter for CpuFormatter {
    fn scale_values(&self, ns: f64, values: &mut [f64]) -> &'static str {
        let (factor, unit) = if ns < 1e3 {
            (1.0, "ns")
        } else if ns < 1e6 {
            (1e-3, "µs")
        } else if ns < 1e9 {
            (1e-6, "ms")
        } else {
            (1e-9, "s")
        };
        values.iter_mut().for_each(|v| *v *= factor);
        unit
    }

    fn scale_throughputs(
        &self,
        _typical: f64,
        throughput: &Throughput,
        values: &mut [f64],
    ) -> &'static str {
        let per = match *throughput {
            Throughput::Bytes(b) | Throughput::BytesDecimal(b) => b as f64,
            Throughput::Elements(e) => e as f64,
        };
        values.iter_mut().for_each(|v| *v = per * (1e9 / *v) / 1e6);
        match *throughput {
            Throughput::Elements(_) => "Melem/s (cpu)",
            _ => "MB/s (cpu)",
        }
    }

    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}

impl Measurement for ThreadCpu {
    type Intermediate = u64;
    type Value = u64;

    fn start(&self) -> u64 {
        thread_cpu_ns()
    }
    fn end(&self, i: u64) -> u64 {
        thread_cpu_ns().saturating_sub(i)
    }
    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }
    fn zero(&self) -> u64 {
        0
    }
    fn to_f64(&self, v: &u64) -> f64 {
        *v as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        &CpuFormatter
    }
}

fn bench_cpu(c: &mut Criterion<ThreadCpu>) {
    let corpus = corpus();
    let bytes: usize = corpus.iter().map(|(_, t, _)| t.len()).sum();
    let mut g = c.benchmark_group("redact_text_cpu");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("dev_corpus", |b| {
        b.iter(|| {
            for (_, text, prev) in &corpus {
                let ctx = Context {
                    previous_turn: (!prev.is_empty()).then_some(prev.as_str()),
                    role: None,
                };
                black_box(redact_text(black_box(text), &ctx));
            }
        })
    });
    g.finish();
    let report = end_of_call_report(&corpus);
    let size = serde_json::to_string(&report).map_or(0, |s| s.len());
    let mut g = c.benchmark_group("redact_json_cpu");
    g.throughput(Throughput::Bytes(size as u64));
    g.bench_function(format!("end_of_call_report_{}KB", size / 1000), |b| {
        b.iter_batched_ref(
            || report.clone(),
            |v| black_box(redact_json(v)),
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

fn bench(c: &mut Criterion) {
    let corpus = corpus();
    let bytes: usize = corpus.iter().map(|(_, t, _)| t.len()).sum();
    let mut g = c.benchmark_group("redact_text");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("dev_corpus", |b| {
        b.iter(|| {
            for (_, text, prev) in &corpus {
                let ctx = Context {
                    previous_turn: (!prev.is_empty()).then_some(prev.as_str()),
                    role: None,
                };
                black_box(redact_text(black_box(text), &ctx));
            }
        })
    });
    g.finish();

    let report = end_of_call_report(&corpus);
    let size = serde_json::to_string(&report).map_or(0, |s| s.len());
    let mut g = c.benchmark_group("redact_json");
    g.throughput(Throughput::Bytes(size as u64));
    g.bench_function(format!("end_of_call_report_{}KB", size / 1000), |b| {
        b.iter_batched_ref(
            || report.clone(),
            |v| black_box(redact_json(v)),
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_group! {
    name = benches_cpu;
    config = Criterion::default().with_measurement(ThreadCpu);
    targets = bench_cpu
}
criterion_main!(benches, benches_cpu);
