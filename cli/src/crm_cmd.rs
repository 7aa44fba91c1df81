//! (subcommand under construction)

use crate::CliResult;

/// Arguments (under construction).
#[derive(clap::Args)]
pub struct CrmArgs {}

/// Run the subcommand.
pub async fn run(_args: CrmArgs) -> CliResult {
    Err("not implemented yet".into())
}
