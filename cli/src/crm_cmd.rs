//! `callwarden crm seed <file.json>`: load customers, accounts and tickets into the
//! built-in CRM on the DynamoDB table `TABLE_NAME` (the file is checked first; nothing is
//! written when a record is invalid). `--create-table` creates the table when missing
//! (DynamoDB Local); production tables come from the deployment template.

use callwarden::adapters::crm_dynamodb::DynamoCrm;
use callwarden::adapters::dynamodb::{create_table_if_missing, dynamodb_client_from_env};
use callwarden::crm::seed::CrmSeed;

use crate::CliResult;

/// Manage the built-in CRM.
#[derive(clap::Args)]
pub struct CrmArgs {
    #[command(subcommand)]
    command: CrmCommand,
}

#[derive(clap::Subcommand)]
enum CrmCommand {
    /// Load a seed file (e.g. config/crm-seed.json) into the built-in CRM.
    Seed {
        /// The seed file: {"customers": [...], "accounts": [...], "tickets": [...]}.
        file: std::path::PathBuf,
        /// DynamoDB table of the built-in CRM.
        #[arg(long, env = "TABLE_NAME")]
        table: String,
        /// Create the table first when it does not exist (for DynamoDB Local).
        #[arg(long)]
        create_table: bool,
    },
}

/// Run `callwarden crm ...`.
pub async fn run(args: CrmArgs) -> CliResult {
    match args.command {
        CrmCommand::Seed {
            file,
            table,
            create_table,
        } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| format!("cannot read seed file {}: {e}", file.display()))?;
            let seed = CrmSeed::parse(&text)?;
            let client = dynamodb_client_from_env().await;
            if create_table {
                create_table_if_missing(&client, &table).await?;
            }
            let written = DynamoCrm::new(client, table.clone()).seed(&seed).await?;
            println!(
                "seeded table {table}: {} customers, {} accounts, {} tickets ({written} items)",
                seed.customers.len(),
                seed.accounts.len(),
                seed.tickets.len()
            );
            Ok(())
        }
    }
}
