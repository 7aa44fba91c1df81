//! (subcommand under construction)

use crate::CliResult;

/// Arguments (under construction).
#[derive(clap::Args)]
pub struct RedactArgs {}

/// Run the subcommand.
pub async fn run(_args: RedactArgs) -> CliResult {
    Err("not implemented yet".into())
}
