//! (subcommand under construction)

use crate::CliResult;

/// Arguments (under construction).
#[derive(clap::Args)]
pub struct CallsArgs {}

/// Run the subcommand.
pub async fn run(_args: CallsArgs) -> CliResult {
    Err("not implemented yet".into())
}
