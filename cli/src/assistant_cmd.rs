//! `callwarden assistant tools`: print the Vapi tool definitions of `config/tools.json`
//! (the one place they are written, compiled in), ready to paste into the assistant's
//! `model.tools` or to create with Vapi's tools API. `--server-url` adds the webhook URL
//! to each tool's `server`.

use serde_json::{json, Value};

use crate::CliResult;

/// Print assistant configuration pieces.
#[derive(clap::Args)]
pub struct AssistantArgs {
    #[command(subcommand)]
    command: AssistantCommand,
}

#[derive(clap::Subcommand)]
enum AssistantCommand {
    /// The tool definitions (JSON array) the webhook answers.
    Tools {
        /// The webhook URL Vapi should call for these tools (added as `server.url`).
        #[arg(long)]
        server_url: Option<String>,
        /// Server timeout in seconds for each tool (1-300; keep it above TOOL_DEADLINE_MS).
        #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u16).range(1..=300))]
        timeout_seconds: u16,
    },
}

/// The definitions with `server` added when a URL is given.
fn tool_definitions(
    server_url: Option<&str>,
    timeout_seconds: u16,
) -> Result<Vec<Value>, Box<dyn std::error::Error + Send + Sync>> {
    let schemas = callwarden::crm::schema::shipped_schemas()?;
    let mut defs = schemas.definitions().to_vec();
    if let Some(url) = server_url {
        if !url.starts_with("https://") {
            return Err("--server-url must be an https:// URL".into());
        }
        for d in &mut defs {
            d["server"] = json!({ "url": url, "timeoutSeconds": timeout_seconds });
        }
    }
    Ok(defs)
}

/// Run `callwarden assistant ...`.
pub async fn run(args: AssistantArgs) -> CliResult {
    match args.command {
        AssistantCommand::Tools {
            server_url,
            timeout_seconds,
        } => {
            let defs = tool_definitions(server_url.as_deref(), timeout_seconds)?;
            println!("{}", serde_json::to_string_pretty(&defs)?);
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_the_four_tools_with_an_optional_server() {
        let defs = tool_definitions(None, 20).expect("defs");
        let names: Vec<&str> = defs
            .iter()
            .filter_map(|d| d["function"]["name"].as_str())
            .collect();
        assert_eq!(
            names,
            [
                "lookupAccount",
                "getTicketStatus",
                "createTicket",
                "escalateToHuman"
            ]
        );
        assert!(defs.iter().all(|d| d.get("server").is_none()));
        let defs =
            tool_definitions(Some("https://api.example.com/webhook/vapi"), 20).expect("defs");
        assert!(defs
            .iter()
            .all(|d| d["server"]["url"] == "https://api.example.com/webhook/vapi"));
        assert!(tool_definitions(Some("http://insecure.example.com"), 20).is_err());
    }
}
