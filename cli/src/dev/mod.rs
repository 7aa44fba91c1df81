//! `callwarden dev`: the webhook and the worker in one process on loopback, with the
//! in-memory queue and store (or SQS/DynamoDB with `--aws`), ready for curl or a tunnel.

mod http_server;
mod sqs_poller;
mod worker_loop;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use callwarden::adapters::aws_client::{load_sdk_config, AwsCallBudget};
use callwarden::adapters::dynamodb::{create_table_if_missing, DynamoStore};
use callwarden::adapters::dynamodb_blob::DynamoBlobStore;
use callwarden::adapters::memory::{MemoryBlobStore, MemoryQueue};
use callwarden::adapters::memory_store::MemoryStore;
use callwarden::adapters::sqs::SqsQueue;
use callwarden::auth::SignedRequest;
use callwarden::clock::{Clock, SystemClock};
use callwarden::ports::store::CallArchive;
use callwarden::ports::{BlobStore, Queue};
use callwarden::webhook::runtime::{log_startup, required_var};
use callwarden::webhook::tool_runner::NoTools;
use callwarden::webhook::{Webhook, WebhookConfig, WebhookDeps};
use callwarden::worker::{WorkerConfig, WorkerDeps};
use tokio::sync::watch;

use crate::CliResult;

/// Arguments of `callwarden dev`.
#[derive(clap::Args)]
pub struct DevArgs {
    /// Port on 127.0.0.1.
    #[arg(long, default_value_t = 3000, env = "CALLWARDEN_DEV_PORT")]
    pub port: u16,
    /// Use SQS (`QUEUE_URL`) and DynamoDB (`TABLE_NAME`) instead of the in-memory
    /// backends; endpoints from `AWS_ENDPOINT_URL*` (moto, DynamoDB Local, LocalStack).
    #[arg(long)]
    pub aws: bool,
    /// Do not seed the example CRM data into the embedded store.
    #[arg(long)]
    pub no_seed: bool,
    /// Number of in-process worker tasks.
    #[arg(long, default_value_t = 4)]
    pub workers: usize,
}

/// What the HTTP server needs besides the webhook: the archive for `GET /calls`.
#[derive(Clone)]
pub struct DevState {
    /// The webhook handler (same code as the Lambda).
    pub webhook: Webhook,
    /// Archive read by `GET /calls` and `GET /calls/{id}`.
    pub archive: Arc<dyn CallArchive>,
    /// Time source.
    pub clock: Arc<dyn Clock>,
}

/// Run the dev server until Ctrl-C, then drain in-flight work.
pub async fn run(args: DevArgs) -> CliResult {
    callwarden::logging::init_json_logging();
    let config = WebhookConfig::from_env()?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let worker_config = WorkerConfig::from_env()?;
    let (shutdown_tx, shutdown_rx) = watch::channel(false);

    let (queue, archive, worker_tasks, memory_queue): (Arc<dyn Queue>, Arc<dyn CallArchive>, _, Option<Arc<MemoryQueue>>) = if args.aws {
        let get = |k: &str| std::env::var(k).ok();
        let table = required_var(&get, "TABLE_NAME", "the DynamoDB table for --aws")?;
        let queue_url = required_var(&get, "QUEUE_URL", "the SQS queue URL for --aws")?;
        let sdk = load_sdk_config(AwsCallBudget::WORKER).await;
        let ddb = aws_sdk_dynamodb::Client::new(&sdk);
        create_table_if_missing(&ddb, &table).await?;
        let blobs: Arc<dyn BlobStore> = Arc::new(DynamoBlobStore::new(ddb.clone(), table.clone()));
        let store = Arc::new(DynamoStore::new(ddb, table));
        let sqs = aws_sdk_sqs::Client::new(&sdk);
        let queue = Arc::new(SqsQueue::new(sqs.clone(), queue_url.clone(), blobs.clone(), clock.clone()));
        let deps = Arc::new(WorkerDeps::new(store.clone(), blobs, clock.clone(), worker_config));
        let tasks = sqs_poller::spawn(sqs, queue_url, deps, args.workers, shutdown_rx.clone());
        (queue, store, tasks, None)
    } else {
        let blobs: Arc<dyn BlobStore> = Arc::new(MemoryBlobStore::default());
        let store = Arc::new(MemoryStore::new());
        let queue = Arc::new(MemoryQueue::new());
        let deps = Arc::new(WorkerDeps::new(store.clone(), blobs, clock.clone(), worker_config));
        let tasks = worker_loop::spawn(queue.clone(), deps, args.workers, shutdown_rx.clone());
        (queue.clone(), store, tasks, Some(queue))
    };

    let webhook = Webhook::new(
        config,
        WebhookDeps { queue, tools: Arc::new(NoTools), clock: clock.clone(), twilio: None },
    );
    log_startup(&webhook);
    let addr = SocketAddr::from(([127, 0, 0, 1], args.port));
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    print_banner(&webhook, bound, args.aws, clock.now_ms());

    let state = DevState { webhook, archive, clock };
    http_server::serve(listener, state, shutdown_signal()).await?;

    // Ctrl-C: the server stopped accepting; let the workers finish what was accepted.
    eprintln!("callwarden dev: draining in-flight work...");
    if let Some(q) = memory_queue {
        worker_loop::wait_until_drained(&q, Duration::from_secs(30)).await;
    }
    let _ = shutdown_tx.send(true);
    for t in worker_tasks {
        let _ = t.await;
    }
    eprintln!("callwarden dev: stopped");
    Ok(())
}

async fn shutdown_signal() {
    let _ = tokio::signal::ctrl_c().await;
}

fn print_banner(webhook: &Webhook, addr: SocketAddr, aws: bool, now_ms: i64) {
    let url = format!("http://{addr}/webhook/vapi");
    let body = r#"{"message":{"type":"status-update","status":"in-progress","call":{"id":"dev-call-1"}}}"#;
    let headers = http::HeaderMap::new();
    let signed = webhook.config().auth.sign(
        &SignedRequest { method: "POST", url: &url, headers: &headers, body: body.as_bytes() },
        now_ms,
    );
    let schemes = webhook.config().auth.scheme_names().join(", ");
    println!("callwarden dev listening on http://{addr}");
    println!("  webhook:  POST {url}   (Vapi Server URL; tunnel it, e.g. with cloudflared or ngrok)");
    println!("  health:   GET  http://{addr}/healthz");
    println!("  archive:  GET  http://{addr}/calls   and   GET http://{addr}/calls/<call-id>");
    println!("  backends: {}", if aws { "SQS + DynamoDB (--aws)" } else { "in-memory queue and store, worker in-process" });
    println!("  auth:     {schemes}");
    let header_args: String = signed
        .iter()
        .map(|(k, v)| format!(" -H '{k}: {v}'"))
        .collect();
    println!("try it (signature valid for the replay window):");
    println!("  curl -s -X POST {url} -H 'content-type: application/json'{header_args} -d '{body}'");
}
