//! (subcommand under construction)

use crate::CliResult;

/// Arguments (under construction).
#[derive(clap::Args)]
pub struct AssistantArgs {}

/// Run the subcommand.
pub async fn run(_args: AssistantArgs) -> CliResult {
    Err("not implemented yet".into())
}
