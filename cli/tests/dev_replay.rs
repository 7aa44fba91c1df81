//! `callwarden dev` as a subprocess, end to end: the Vapi samples are replayed over HTTP
//! with `callwarden replay` (signed), then the archive is read back with
//! `callwarden calls show`: the call is there, in order, ended, and redacted.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

const CALL_ID: &str = "c7a2e9d4-5b81-4f3c-a6e0-19d84b27f5c3";
const SECRET: &str = "dev-replay-test-secret";

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_callwarden")
}

fn samples() -> String {
    format!("{}/../../shared/vapi/samples", env!("CARGO_MANIFEST_DIR"))
}

struct Dev(Child);

impl Drop for Dev {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn command(args: &[&str]) -> Command {
    let mut c = Command::new(bin());
    c.args(args)
        .env("VAPI_SECRET", SECRET)
        .env_remove("VAPI_HMAC_SECRET")
        .env_remove("VAPI_SIGNATURE_SECRET")
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("RUST_LOG", "warn");
    c
}

/// Start `callwarden dev` on a free port and return it with its base URL (read from the
/// banner it prints once it is listening).
fn start_dev() -> (Dev, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let mut child = command(&["dev", "--port", &port.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn callwarden dev");
    let stdout = child.stdout.take().expect("stdout");
    let dev = Dev(child);
    let mut lines = BufReader::new(stdout).lines();
    let base = format!("http://127.0.0.1:{port}");
    loop {
        let line = lines
            .next()
            .expect("dev exited before listening")
            .expect("read banner");
        if line.contains("listening on") {
            break;
        }
    }
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (dev, base)
}

#[test]
fn samples_replayed_to_dev_are_archived_and_readable_with_calls_show() {
    let (_dev, base) = start_dev();
    let replay = command(&[
        "replay",
        &samples(),
        "--url",
        &format!("{base}/webhook/vapi"),
    ])
    .output()
    .expect("run replay");
    let out = String::from_utf8_lossy(&replay.stdout);
    assert!(replay.status.success(), "replay failed: {out}");
    assert!(out.contains(" 0 failed"), "{out}");

    // The worker runs in-process; poll the archive (bounded) until the report is there.
    let mut shown = String::new();
    for _ in 0..100 {
        let show = command(&["calls", "show", CALL_ID, "--dev-url", &base])
            .output()
            .expect("run calls show");
        shown = String::from_utf8_lossy(&show.stdout).into_owned();
        if show.status.success() && shown.contains("customer-ended-call") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let call: serde_json::Value =
        serde_json::from_str(&shown).unwrap_or_else(|e| panic!("calls show JSON ({e}): {shown}"));
    assert!(
        shown.contains("customer-ended-call"),
        "report archived: {shown}"
    );
    let text = shown.to_lowercase();
    for pii in [
        "gonzalez",
        "4111 1111 1111 1111",
        "123-45-6789",
        "maria.gonzalez84@example.com",
        "+14155550142",
        "phone-call-websocket",
    ] {
        assert!(!text.contains(pii), "{pii} in the archive");
    }
    assert!(call.is_object());
}
