//! `callwarden calls list` / `callwarden calls show <call-id>`: print what the archive
//! holds for calls, exactly as stored (already redacted), from DynamoDB (`TABLE_NAME`) or
//! from a running `callwarden dev` server (`--dev-url`). Same JSON as `GET /calls` and
//! `GET /calls/{id}`.

use std::sync::Arc;

use callwarden::adapters::dynamodb::{dynamodb_client_from_env, DynamoStore};
use callwarden::clock::{Clock, SystemClock};
use callwarden::worker::readback::{list_calls, show_call, CallListEntry};
use serde_json::Value;

use crate::CliResult;

/// Read archived calls.
#[derive(clap::Args)]
pub struct CallsArgs {
    #[command(subcommand)]
    command: CallsCommand,
    /// Read from a running dev server (e.g. `http://127.0.0.1:3000`) instead of DynamoDB.
    #[arg(long, global = true)]
    dev_url: Option<String>,
    /// DynamoDB table of the archive.
    #[arg(long, env = "TABLE_NAME", global = true)]
    table: Option<String>,
}

#[derive(clap::Subcommand)]
enum CallsCommand {
    /// Recently active calls, newest first.
    List {
        /// At most this many calls.
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// Look back this many UTC days (DynamoDB only; the dev server uses 7).
        #[arg(long, default_value_t = 7)]
        days: u32,
        /// Print JSON (as `GET /calls`) instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Everything archived for one call: session, ordered transcript, events, report and
    /// PII audit trail (JSON, as `GET /calls/{id}`).
    Show {
        /// The Vapi call id.
        call_id: String,
    },
}

/// Where the archive is read from.
enum Source {
    Dev(String),
    Dynamo(Arc<DynamoStore>),
}

fn loopback_dev_url(url: &str) -> Result<String, String> {
    let trimmed = url.trim_end_matches('/');
    let ok = ["http://127.0.0.1:", "http://localhost:", "http://[::1]:"]
        .iter()
        .any(|p| trimmed.starts_with(p));
    if ok {
        Ok(trimmed.to_string())
    } else {
        Err(format!(
            "--dev-url must be a loopback http URL of `callwarden dev` (e.g. http://127.0.0.1:3000), got {trimmed:?}"
        ))
    }
}

fn valid_call_id(id: &str) -> Result<&str, String> {
    let ok = !id.is_empty()
        && id.len() <= 128
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(id)
    } else {
        Err("call id must be 1-128 characters of letters, digits, '-', '_' or '.'".into())
    }
}

async fn source(args: &CallsArgs) -> Result<Source, String> {
    if let Some(url) = &args.dev_url {
        return Ok(Source::Dev(loopback_dev_url(url)?));
    }
    let table =
        args.table.clone().filter(|t| !t.trim().is_empty()).ok_or(
            "set TABLE_NAME (or --table) to read DynamoDB, or --dev-url to read a dev server",
        )?;
    let client = dynamodb_client_from_env().await;
    Ok(Source::Dynamo(Arc::new(DynamoStore::new(client, table))))
}

async fn get_json(url: &str) -> Result<Option<Value>, String> {
    let response = reqwest::get(url)
        .await
        .map_err(|e| format!("dev server not reachable: {e}"))?;
    let status = response.status();
    if status == reqwest::StatusCode::NOT_FOUND {
        return Ok(None);
    }
    let body: Value = response
        .json()
        .await
        .map_err(|e| format!("dev server answered non-JSON: {e}"))?;
    if !status.is_success() {
        let msg = body
            .get("error")
            .and_then(Value::as_str)
            .unwrap_or("unknown error");
        return Err(format!("dev server answered {status}: {msg}"));
    }
    Ok(Some(body))
}

/// Write `text` and a newline to stdout; a closed pipe (`| head`) is not an error.
fn emit(text: &str) -> Result<(), String> {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}").and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(format!("cannot write to stdout: {e}")),
    }
}

fn print_table(calls: &[CallListEntry]) -> Result<(), String> {
    let mut lines = vec![format!(
        "{:<40} {:<6} {:>6} {:>5} {:>8}  last event (UTC ms)",
        "CALL ID", "ENDED", "EVENTS", "LATE", "REDACTED"
    )];
    for c in calls {
        lines.push(format!(
            "{:<40} {:<6} {:>6} {:>5} {:>8}  {}",
            c.call_id,
            if c.ended { "yes" } else { "no" },
            c.events,
            c.late_events,
            c.redacted,
            c.last_event_at_ms
        ));
    }
    emit(&lines.join("\n"))
}

fn pretty(v: &impl serde::Serialize) -> Result<String, String> {
    serde_json::to_string_pretty(v).map_err(|e| format!("cannot render JSON: {e}"))
}

/// Run the subcommand.
pub async fn run(args: CallsArgs) -> CliResult {
    let src = source(&args).await?;
    let now = SystemClock.now_secs();
    match &args.command {
        CallsCommand::List { limit, days, json } => {
            let calls: Vec<CallListEntry> = match &src {
                Source::Dynamo(store) => list_calls(store.as_ref(), now, *days, *limit).await?,
                Source::Dev(url) => {
                    let body = get_json(&format!("{url}/calls"))
                        .await?
                        .unwrap_or(Value::Null);
                    let list = body
                        .get("calls")
                        .cloned()
                        .unwrap_or(Value::Array(Vec::new()));
                    let mut calls: Vec<CallListEntry> = Vec::new();
                    for c in list.as_array().into_iter().flatten() {
                        calls.push(CallListEntry {
                            call_id: c["call_id"].as_str().unwrap_or("").to_string(),
                            first_event_at_ms: c["first_event_at_ms"].as_i64().unwrap_or(0),
                            last_event_at_ms: c["last_event_at_ms"].as_i64().unwrap_or(0),
                            ended: c["ended"].as_bool().unwrap_or(false),
                            events: c["events"].as_i64().unwrap_or(0),
                            late_events: c["late_events"].as_i64().unwrap_or(0),
                            redacted: c["redacted"].as_i64().unwrap_or(0),
                        });
                    }
                    calls.truncate(*limit);
                    calls
                }
            };
            if *json {
                emit(&pretty(&serde_json::json!({ "calls": calls }))?)?;
            } else if calls.is_empty() {
                emit(&format!("no calls archived in the last {days} day(s)"))?;
            } else {
                print_table(&calls)?;
            }
        }
        CallsCommand::Show { call_id } => {
            let id = valid_call_id(call_id)?;
            let view: Option<Value> = match &src {
                Source::Dynamo(store) => match show_call(store.as_ref(), id, now).await? {
                    Some(v) => Some(
                        serde_json::to_value(v).map_err(|e| format!("cannot render JSON: {e}"))?,
                    ),
                    None => None,
                },
                Source::Dev(url) => get_json(&format!("{url}/calls/{id}")).await?,
            };
            match view {
                Some(v) => emit(&pretty(&v)?)?,
                None => return Err(format!("no archived call with id {id}").into()),
            }
        }
    }
    Ok(())
}
