//! `callwarden`: local dev server, redaction, archive reader and operator tools.

use clap::{Parser, Subcommand};

mod calls_cmd;
mod redact_cmd;
mod twilio_call_cmd;

/// Result type of every subcommand: errors are printed as `error: ...` with exit code 1.
pub type CliResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

#[derive(Parser)]
#[command(name = "callwarden", version, about = "callwarden: the Vapi webhook backend, locally")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Redact PII from JSONL on stdin (`{"id","text","context"?}` per line), or whole JSON
    /// documents with `--json`.
    Redact(redact_cmd::RedactArgs),
    /// Read archived calls (from DynamoDB `TABLE_NAME` or a running dev server).
    Calls(calls_cmd::CallsArgs),
    /// Place an outbound call through Vapi (`callwarden call +15551234567`).
    Call(twilio_call_cmd::CallArgs),
}

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Redact(args) => redact_cmd::run(args).await,
        Command::Calls(args) => calls_cmd::run(args).await,
        Command::Call(args) => twilio_call_cmd::run(args).await,
    };
    if let Err(e) = outcome {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
