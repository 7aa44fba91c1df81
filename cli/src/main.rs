//! `callwarden`: local dev server, redaction, archive reader and operator tools.

use clap::{Parser, Subcommand};

mod assistant_cmd;
mod calls_cmd;
mod crm_cmd;
mod dev;
mod loadtest_cmd;
mod redact_cmd;
mod replay_cmd;
mod sign_cmd;
mod twilio_call_cmd;

/// Result type of every subcommand: errors are printed as `error: ...` with exit code 1.
pub type CliResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

#[derive(Parser)]
#[command(
    name = "callwarden",
    version,
    about = "callwarden: the Vapi webhook backend, locally"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the webhook and run the worker locally (in-memory backends by default).
    Dev(dev::DevArgs),
    /// Print the authentication headers for a request body under the configured scheme.
    Sign(sign_cmd::SignArgs),
    /// Post sample events (a file or a directory of JSON files) to a running server, signed.
    Replay(replay_cmd::ReplayArgs),
    /// Redact PII from JSONL on stdin (`{"id","text","context"?}` per line), or whole JSON
    /// documents with `--json`.
    Redact(redact_cmd::RedactArgs),
    /// Read archived calls (from DynamoDB `TABLE_NAME` or a running dev server).
    Calls(calls_cmd::CallsArgs),
    /// Place an outbound call through Vapi (`callwarden call +15551234567`).
    Call(twilio_call_cmd::CallArgs),
    /// Manage the built-in CRM (`callwarden crm seed <file.json>`).
    Crm(crm_cmd::CrmArgs),
    /// Print assistant configuration pieces (`callwarden assistant tools`).
    Assistant(assistant_cmd::AssistantArgs),
    /// Simulate concurrent calls against a running server and check every guarantee.
    Loadtest(loadtest_cmd::LoadtestArgs),
}

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Dev(args) => dev::run(args).await,
        Command::Sign(args) => sign_cmd::run(args).await,
        Command::Replay(args) => replay_cmd::run(args).await,
        Command::Redact(args) => redact_cmd::run(args).await,
        Command::Calls(args) => calls_cmd::run(args).await,
        Command::Call(args) => twilio_call_cmd::run(args).await,
        Command::Crm(args) => crm_cmd::run(args).await,
        Command::Assistant(args) => assistant_cmd::run(args).await,
        Command::Loadtest(args) => loadtest_cmd::run(args).await,
    };
    if let Err(e) = outcome {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
