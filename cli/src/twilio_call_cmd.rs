//! (subcommand under construction)

use crate::CliResult;

/// Arguments (under construction).
#[derive(clap::Args)]
pub struct CallArgs {}

/// Run the subcommand.
pub async fn run(_args: CallArgs) -> CliResult {
    Err("not implemented yet".into())
}
