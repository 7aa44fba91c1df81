//! `callwarden dev`: the webhook and the worker in one process on loopback, with the
//! in-memory queue and store (or SQS/DynamoDB with `--aws`), ready for curl or a tunnel.

mod dev_endpoints;
mod http_server;
mod lock_audit;
mod sqs_poller;
mod stats;
mod worker_loop;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use callwarden::adapters::aws_client::{load_sdk_config, AwsCallBudget};
use callwarden::adapters::dynamodb::{create_table_if_missing, DynamoStore};
use callwarden::adapters::dynamodb_blob::DynamoBlobStore;
use callwarden::adapters::faults::{FaultyQueue, FaultyStore, StoreFaults};
use callwarden::adapters::memory::{MemoryBlobStore, MemoryQueue};
use callwarden::adapters::memory_store::MemoryStore;
use callwarden::adapters::sqs::SqsQueue;
use callwarden::auth::SignedRequest;
use callwarden::clock::{Clock, SystemClock};
use callwarden::ports::store::CallArchive;
use callwarden::ports::ToolRegistry;
use callwarden::ports::{BlobStore, Queue};
use callwarden::webhook::runtime::{log_startup, required_var};
use callwarden::webhook::{Webhook, WebhookConfig, WebhookDeps};
use callwarden::worker::{WorkerConfig, WorkerDeps};
use tokio::sync::watch;

use crate::CliResult;
use dev_endpoints::{DevIntrospection, DumpSource};
use lock_audit::LockAudit;
use stats::DevStats;
use worker_loop::{PoolSettings, WorkerPool};

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
    /// Serve `GET /_dev/stats` and `GET /_dev/dump` (every stored item as text) for the
    /// load test. Off by default; refused for requests that came through a tunnel.
    #[arg(long)]
    pub dev_endpoints: bool,
    /// Attempts before a delivery is dead-lettered (in-memory queue). Higher than the
    /// deployed `maxReceiveCount` (3) because retries here come after 0.5, 1, 2, 4, 8 s
    /// instead of SQS's visibility timeout (minutes): a `tool-calls` record the webhook may
    /// still answer, or a lease held by a dead worker, needs several seconds to clear.
    #[arg(long, default_value_t = 6)]
    pub max_receives: u32,
    /// First retry delay of a failed delivery in ms, doubling per attempt (in-memory queue).
    #[arg(long, default_value_t = 500)]
    pub retry_delay_ms: u64,
    /// How long a killed worker's deliveries stay invisible, in ms (in-memory queue).
    #[arg(long, default_value_t = 30_000)]
    pub visibility_ms: u64,
    /// Fault injection: probability that a queue `SendMessage` fails (the webhook answers 503).
    #[arg(long, default_value_t = 0.0)]
    pub fault_queue_p: f64,
    /// Fault injection: probability that a storage request fails (half before it is
    /// applied, half after, with the response lost).
    #[arg(long, default_value_t = 0.0)]
    pub fault_store_p: f64,
    /// Fault injection: probability that a call lock is found held by a holder that died.
    #[arg(long, default_value_t = 0.0)]
    pub fault_dead_lock_p: f64,
    /// Fault injection: kill a random worker mid-batch every this many ms (in-memory queue).
    #[arg(long, default_value_t = 0)]
    pub fault_kill_worker_ms: u64,
}

impl DevArgs {
    fn store_faults(&self) -> StoreFaults {
        StoreFaults {
            failure_p: self.fault_store_p,
            dead_lock_holder_p: self.fault_dead_lock_p,
            yield_between_requests: self.fault_kill_worker_ms > 0,
        }
    }

    fn any_fault(&self) -> bool {
        self.fault_queue_p > 0.0
            || self.fault_store_p > 0.0
            || self.fault_dead_lock_p > 0.0
            || self.fault_kill_worker_ms > 0
    }
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
    /// `/_dev/*` endpoints, when enabled.
    pub dev: Option<Arc<DevIntrospection>>,
}

/// Run the dev server until Ctrl-C, then drain in-flight work.
pub async fn run(args: DevArgs) -> CliResult {
    callwarden::logging::init_json_logging();
    let config = WebhookConfig::from_env()?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let worker_config = WorkerConfig::from_env()?;
    let (shutdown_tx, shutdown_rx) = watch::channel(false);

    let stats = Arc::new(DevStats::default());
    let store_faults = args.store_faults();
    let mut pool: Option<Arc<WorkerPool>> = None;
    // CRM-backed tools: the built-in CRM on the table with --aws (or the HTTP CRM when
    // CRM_BASE_URL is set); otherwise an in-memory CRM seeded with config/crm-seed.json.
    let tools: Arc<dyn ToolRegistry>;
    let (queue, archive, worker_tasks, dev_parts): (Arc<dyn Queue>, Arc<dyn CallArchive>, _, _) =
        if args.aws {
            let get = |k: &str| std::env::var(k).ok();
            let table = required_var(&get, "TABLE_NAME", "the DynamoDB table for --aws")?;
            let queue_url = required_var(&get, "QUEUE_URL", "the SQS queue URL for --aws")?;
            let sdk = load_sdk_config(AwsCallBudget::WORKER).await;
            let ddb = aws_sdk_dynamodb::Client::new(&sdk);
            create_table_if_missing(&ddb, &table).await?;
            let blobs: Arc<dyn BlobStore> =
                Arc::new(DynamoBlobStore::new(ddb.clone(), table.clone()));
            let store = Arc::new(DynamoStore::new(ddb.clone(), table.clone()));
            tools = callwarden::crm::config::tools_from_env(config.escalation.clone()).await?;
            let audited = Arc::new(LockAudit::new(store.clone(), clock.clone()));
            let faulty = Arc::new(FaultyStore::new(audited.clone(), store_faults));
            let sqs = aws_sdk_sqs::Client::new(&sdk);
            let queue = Arc::new(SqsQueue::new(
                sqs.clone(),
                queue_url.clone(),
                blobs.clone(),
                clock.clone(),
            ));
            let side_effects =
                callwarden::crm::config::side_effects_from_env(config.escalation.clone()).await?;
            let deps = Arc::new(
                WorkerDeps::new(faulty.clone(), blobs, clock.clone(), worker_config)
                    .with_side_effects(Arc::new(side_effects)),
            );
            let tasks = sqs_poller::spawn(
                sqs,
                queue_url,
                deps,
                args.workers,
                stats.clone(),
                shutdown_rx.clone(),
            );
            let readers = (
                reader(move || faulty.counters()),
                reader(move || audited.snapshot()),
                reader({
                    let s = store.clone();
                    move || s.requests().snapshot()
                }),
                DumpSource::Dynamo { client: ddb, table },
            );
            (
                queue as Arc<dyn Queue>,
                store as Arc<dyn CallArchive>,
                tasks,
                readers,
            )
        } else {
            let blobs: Arc<dyn BlobStore> = Arc::new(MemoryBlobStore::default());
            let store = Arc::new(MemoryStore::new());
            let dev_crm = callwarden::crm::config::dev_crm(
                store.clone(),
                !args.no_seed,
                config.escalation.clone(),
            )?;
            tools = Arc::new(dev_crm.tools.clone());
            let audited = Arc::new(LockAudit::new(store.clone(), clock.clone()));
            let faulty = Arc::new(FaultyStore::new(audited.clone(), store_faults));
            let queue = Arc::new(MemoryQueue::new());
            let deps = Arc::new(
                WorkerDeps::new(faulty.clone(), blobs, clock.clone(), worker_config)
                    .with_side_effects(Arc::new(dev_crm.side_effects)),
            );
            let settings = PoolSettings {
                workers: args.workers,
                max_receives: args.max_receives.max(1),
                retry_delay: Duration::from_millis(args.retry_delay_ms),
                visibility: Duration::from_millis(args.visibility_ms.max(100)),
                kill_every: (args.fault_kill_worker_ms > 0)
                    .then(|| Duration::from_millis(args.fault_kill_worker_ms)),
            };
            let (p, tasks) = WorkerPool::spawn(
                queue.clone(),
                deps,
                stats.clone(),
                settings,
                shutdown_rx.clone(),
            );
            pool = Some(p);
            let readers = (
                reader(move || faulty.counters()),
                reader(move || audited.snapshot()),
                reader({
                    let s = store.clone();
                    move || s.requests().snapshot()
                }),
                DumpSource::Memory(store.clone()),
            );
            (
                queue as Arc<dyn Queue>,
                store as Arc<dyn CallArchive>,
                tasks,
                readers,
            )
        };
    let faulty_queue = Arc::new(FaultyQueue::new(queue, args.fault_queue_p));
    let dev = args.dev_endpoints.then(|| {
        let (store_faults, locks, requests, dump) = dev_parts;
        let depth_pool = pool.clone();
        Arc::new(DevIntrospection {
            stats: stats.clone(),
            queue: faulty_queue.clone(),
            store_faults,
            locks,
            requests,
            depth: reader(move || depth_pool.as_ref().map(|p| p.depth())),
            dump,
        })
    });
    if args.any_fault() {
        tracing::warn!(
            target: "callwarden::dev",
            queue_p = args.fault_queue_p,
            store_p = args.fault_store_p,
            dead_lock_p = args.fault_dead_lock_p,
            kill_worker_ms = args.fault_kill_worker_ms,
            "FAULT INJECTION ON: deliveries and storage requests will fail on purpose"
        );
    }
    let queue: Arc<dyn Queue> = faulty_queue;

    let twilio = callwarden::twilio::twilio_endpoints_from_lookup(
        |k| std::env::var(k).ok(),
        &config.assistant_answer,
        queue.clone(),
        clock.clone(),
    )?;
    let webhook = Webhook::new(
        config,
        WebhookDeps {
            queue,
            tools,
            clock: clock.clone(),
            twilio,
        },
    );
    log_startup(&webhook);
    let addr = SocketAddr::from(([127, 0, 0, 1], args.port));
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    print_banner(&webhook, bound, args.aws, clock.now_ms());

    if args.any_fault() {
        println!(
            "  faults:   queue {} store {} dead-lock {} kill-worker-every {} ms",
            args.fault_queue_p,
            args.fault_store_p,
            args.fault_dead_lock_p,
            args.fault_kill_worker_ms
        );
    }
    if args.dev_endpoints {
        println!("  dev:      GET  http://{bound}/_dev/stats   and   GET http://{bound}/_dev/dump (loopback only)");
    }
    let state = DevState {
        webhook,
        archive,
        clock,
        dev,
    };
    http_server::serve(listener, state, shutdown_signal()).await?;

    // Ctrl-C: the server stopped accepting; let the workers finish what was accepted.
    eprintln!("callwarden dev: draining in-flight work...");
    if let Some(p) = &pool {
        p.wait_until_drained(Duration::from_secs(30)).await;
    }
    let _ = shutdown_tx.send(true);
    for t in worker_tasks {
        let _ = t.await;
    }
    eprintln!("callwarden dev: stopped");
    Ok(())
}

fn reader<T, F: Fn() -> T + Send + Sync + 'static>(f: F) -> dev_endpoints::Reader<T> {
    Arc::new(f)
}

/// Ctrl-C (SIGINT) or, on Unix, SIGTERM (how the load test and process managers stop it).
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                    return;
                }
            };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

fn print_banner(webhook: &Webhook, addr: SocketAddr, aws: bool, now_ms: i64) {
    let url = format!("http://{addr}/webhook/vapi");
    let body =
        r#"{"message":{"type":"status-update","status":"in-progress","call":{"id":"dev-call-1"}}}"#;
    let headers = http::HeaderMap::new();
    let signed = webhook.config().auth.sign(
        &SignedRequest {
            method: "POST",
            url: &url,
            headers: &headers,
            body: body.as_bytes(),
        },
        now_ms,
    );
    let schemes = webhook.config().auth.scheme_names().join(", ");
    println!("callwarden dev listening on http://{addr}");
    println!(
        "  webhook:  POST {url}   (Vapi Server URL; tunnel it, e.g. with cloudflared or ngrok)"
    );
    println!("  health:   GET  http://{addr}/healthz");
    println!("  archive:  GET  http://{addr}/calls   and   GET http://{addr}/calls/<call-id>");
    println!(
        "  backends: {}",
        if aws {
            "SQS + DynamoDB (--aws)"
        } else {
            "in-memory queue and store, worker in-process"
        }
    );
    println!("  auth:     {schemes}");
    let header_args: String = signed
        .iter()
        .map(|(k, v)| format!(" -H '{k}: {v}'"))
        .collect();
    println!("try it (signature valid for the replay window):");
    println!(
        "  curl -s -X POST {url} -H 'content-type: application/json'{header_args} -d '{body}'"
    );
}
