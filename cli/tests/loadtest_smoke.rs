//! A small load test (20 calls) against a `callwarden dev` the load test starts itself:
//! every verdict must hold — nothing lost, no duplicates, one report per call, transcripts
//! in order, no lock violation, no PII in the server's logs or storage — and the JSON line
//! must carry the documented fields. A second run does the same with every fault injected.
//! Both use the fixed seed [`SEED`], so a failure names a run anyone can repeat
//! (`callwarden loadtest --calls 20 --ramp-secs 1 --seed 1 [--faults] ...`).
//!
//! The PII corpus is read from `CALLWARDEN_PII_CORPUS` or `../shared/pii/dev.jsonl` next
//! to the repository; when it is absent the tests say so and pass (set
//! `CALLWARDEN_REQUIRE_CORPUS=1` to make that a failure).

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

/// The seed of both runs: the same calls, schedules and delivery faults every time.
const SEED: u64 = 1;

fn corpus() -> Option<PathBuf> {
    let path = std::env::var("CALLWARDEN_PII_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../shared/pii/dev.jsonl"
            ))
        });
    if path.is_file() {
        return Some(path);
    }
    assert!(
        std::env::var("CALLWARDEN_REQUIRE_CORPUS").is_err(),
        "PII corpus not found at {}",
        path.display()
    );
    eprintln!(
        "skipped: PII corpus not found at {} (set CALLWARDEN_PII_CORPUS)",
        path.display()
    );
    None
}

fn loadtest(extra: &[&str]) -> Option<Value> {
    let corpus = corpus()?;
    let out = Command::new(env!("CARGO_BIN_EXE_callwarden"))
        .args([
            "loadtest",
            "--calls",
            "20",
            "--ramp-secs",
            "1",
            "--json",
            "--drain-secs",
            "120",
            "--seed",
            &SEED.to_string(),
            "--corpus",
        ])
        .arg(&corpus)
        .args(extra)
        // The load test makes up its own secret for the server it starts.
        .env_remove("VAPI_SECRET")
        .env_remove("VAPI_HMAC_SECRET")
        .env_remove("VAPI_SIGNATURE_SECRET")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("run callwarden loadtest");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let last = stdout
        .lines()
        .last()
        .unwrap_or_else(|| panic!("no output; stderr:\n{stderr}"));
    let v: Value = serde_json::from_str(last)
        .unwrap_or_else(|e| panic!("last line is not JSON ({e}): {last}\nstderr:\n{stderr}"));
    eprintln!("{stderr}");
    Some(v)
}

fn assert_verdicts(v: &Value) {
    assert_eq!(v["seed"], SEED, "the run reports its seed");
    for field in [
        "accepted",
        "archived",
        "lost",
        "duplicates",
        "report_violations",
        "out_of_order",
        "lock_violations",
        "pii_hits",
        "p50_ms",
        "p99_ms",
        "deliveries_per_s",
    ] {
        assert!(
            v.get(field).is_some_and(|x| !x.is_null()),
            "field {field} missing: {v}"
        );
    }
    assert!(
        v["accepted"].as_u64().unwrap() >= 20 * 25,
        "every call sends its events: {v}"
    );
    assert_eq!(v["accepted"], v["events_planned"], "every event accepted");
    assert_eq!(v["lost"], 0, "lost: {}", v["lost_by_type"]);
    assert_eq!(v["duplicates"], 0);
    assert_eq!(v["report_violations"], 0);
    assert_eq!(v["out_of_order"], 0);
    assert_eq!(v["lock_violations"], 0);
    assert!(
        v["log_lines"].as_u64().unwrap() > 0,
        "server logs were captured"
    );
    assert!(
        v["stored_items"].as_u64().unwrap() > 0,
        "storage was dumped"
    );
    assert_eq!(
        v["pii_hits"], 0,
        "PII in logs {} / storage {}",
        v["pii_hits_logs_by_type"], v["pii_hits_storage_by_type"]
    );
}

#[test]
fn small_load_test_holds_every_guarantee() {
    let Some(v) = loadtest(&[]) else { return };
    assert_verdicts(&v);
    assert_eq!(v["archived"], v["accepted"]);
}

#[test]
fn small_load_test_holds_every_guarantee_under_faults() {
    let Some(v) = loadtest(&["--faults"]) else {
        return;
    };
    let server = &v["server"]["stats"];
    // The faults really happened.
    assert!(v["duplicates_sent"].as_u64().unwrap() > 0);
    assert!(v["reordered"].as_u64().unwrap() > 0);
    assert!(
        server["worker"]["workers_killed"].as_u64().unwrap() > 0,
        "{server}"
    );
    assert!(
        server["store"]["faults"]["failed_before"].as_u64().unwrap()
            + server["store"]["faults"]["failed_after"].as_u64().unwrap()
            > 0
    );
    assert_verdicts(&v);
}
