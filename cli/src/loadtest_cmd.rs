//! (subcommand under construction)

use crate::CliResult;

/// Arguments (under construction).
#[derive(clap::Args)]
pub struct LoadtestArgs {}

/// Run the subcommand.
pub async fn run(_args: LoadtestArgs) -> CliResult {
    Err("not implemented yet".into())
}
