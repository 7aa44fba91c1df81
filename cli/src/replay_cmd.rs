//! `callwarden replay`: post sample events to a running server (`callwarden dev` or a
//! deployed stack), each signed under the configured scheme, and report the answers.

use std::path::{Path, PathBuf};

use callwarden::auth::{AuthConfig, SignedRequest};
use callwarden::clock::{Clock, SystemClock};

use crate::CliResult;

/// Arguments of `callwarden replay`.
#[derive(clap::Args)]
pub struct ReplayArgs {
    /// A JSON file, or a directory whose `*.json` files are posted in name order. API
    /// Gateway event files (with `body`) are unwrapped; non-message files are skipped.
    pub path: PathBuf,
    /// Webhook URL.
    #[arg(long, default_value = "http://127.0.0.1:3000/webhook/vapi")]
    pub url: String,
}

fn files(path: &Path) -> std::io::Result<Vec<PathBuf>> {
    if path.is_dir() {
        let mut out: Vec<PathBuf> = std::fs::read_dir(path)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        out.sort();
        Ok(out)
    } else {
        Ok(vec![path.to_path_buf()])
    }
}

/// The Vapi body in `text`: the file itself, or the `body` of an API Gateway event.
fn message_body(text: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    if v.get("message").and_then(|m| m.get("type")).is_some() {
        return Some(text.to_owned());
    }
    let body = v.get("body")?.as_str()?;
    let inner: serde_json::Value = serde_json::from_str(body).ok()?;
    inner
        .get("message")
        .and_then(|m| m.get("type"))
        .map(|_| body.to_owned())
}

/// Post every file and print one line per answer.
pub async fn run(args: ReplayArgs) -> CliResult {
    let auth = AuthConfig::from_env()?;
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .build()?;
    let (mut sent, mut failed) = (0usize, 0usize);
    for file in files(&args.path)? {
        let text = std::fs::read_to_string(&file)?;
        let Some(body) = message_body(&text) else {
            continue;
        };
        let headers = http::HeaderMap::new();
        let req = SignedRequest {
            method: "POST",
            url: &args.url,
            headers: &headers,
            body: body.as_bytes(),
        };
        let mut request = client
            .post(&args.url)
            .header("content-type", "application/json");
        for (k, v) in auth.sign(&req, SystemClock.now_ms()) {
            request = request.header(k, v);
        }
        let response = request.body(body).send().await?;
        let status = response.status();
        let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("?");
        println!("{} {name}", status.as_u16());
        sent += 1;
        if !status.is_success() {
            failed += 1;
        }
    }
    println!("{sent} sent, {failed} failed");
    if failed > 0 {
        return Err(format!("{failed} deliveries were not accepted").into());
    }
    Ok(())
}
