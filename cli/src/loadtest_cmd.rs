//! `callwarden loadtest`: a call storm against `callwarden dev` (started as a child
//! process unless `--url` names a running one), with optional fault injection, checking
//! every guarantee: nothing lost, no duplicates, one report per call, transcripts in
//! spoken order, no lock violation, no PII in the server's logs or storage.
//! See `docs/loadtest.md`.

use std::path::PathBuf;

use crate::CliResult;

#[path = "loadtest/mod.rs"]
mod loadtest;

/// Arguments of `callwarden loadtest`.
#[derive(clap::Args, Debug, Clone)]
pub struct LoadtestArgs {
    /// Webhook URL of a running server (loopback only), e.g.
    /// `http://127.0.0.1:3000/webhook/vapi`. Without it the load test starts
    /// `callwarden dev` itself and captures its logs.
    #[arg(long)]
    pub url: Option<String>,
    /// Concurrent calls to simulate.
    #[arg(long, default_value_t = 1000)]
    pub calls: usize,
    /// The PII corpus (JSONL, e.g. ../shared/pii/dev.jsonl); read, never copied.
    #[arg(long, env = "CALLWARDEN_PII_CORPUS")]
    pub corpus: PathBuf,
    /// Inject faults: duplicated and re-ordered deliveries, queue failures (503 + sender
    /// retries), storage failures, workers killed mid-batch, dead lock holders; with
    /// `--aws`, DynamoDB/SQS throttling and 5xx through a proxy.
    #[arg(long)]
    pub faults: bool,
    /// Seed of every random draw of the simulator: call ids, corpus start, customer
    /// numbers, ramp start offsets, duplicated/re-ordered deliveries, the `--aws` fault
    /// proxy's decisions. Default: a random seed, printed in the report (and `"seed"` in
    /// the JSON) so the run can be repeated. The server's own faults are not seeded.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Print one JSON object as the final line.
    #[arg(long)]
    pub json: bool,
    /// Run the started server with SQS + DynamoDB (`callwarden dev --aws`); needs loopback
    /// endpoints in `AWS_ENDPOINT_URL_SQS` / `AWS_ENDPOINT_URL_DYNAMODB`
    /// (`scripts/local-aws.sh run -- ...`). The queue and table are created for the run.
    #[arg(long)]
    pub aws: bool,
    /// Time compression: call time runs this many times faster than real time.
    #[arg(long, default_value_t = 10.0)]
    pub compress: f64,
    /// Call starts are spread over this many (real) seconds.
    #[arg(long, default_value_t = 20.0)]
    pub ramp_secs: f64,
    /// Most HTTP requests in flight at once.
    #[arg(long, default_value_t = 64)]
    pub max_in_flight: usize,
    /// Hard bound on the sending phase, seconds: the run stops sending after it.
    #[arg(long, default_value_t = 600)]
    pub max_secs: u64,
    /// How long to wait for the worker to drain after sending, seconds.
    #[arg(long, default_value_t = 180)]
    pub drain_secs: u64,
    /// Worker tasks of the started server.
    #[arg(long, default_value_t = 4)]
    pub workers: usize,
    /// With `--url`: the server's captured log file to scan for PII.
    #[arg(long)]
    pub server_log: Option<PathBuf>,
    /// Keep the run directory (server log) instead of deleting it.
    #[arg(long)]
    pub keep_logs: bool,
    /// Probability that a delivery is sent twice (with `--faults`).
    #[arg(long, default_value_t = 0.1)]
    pub dup_p: f64,
    /// Probability that a delivery is sent after the next one (with `--faults`).
    #[arg(long, default_value_t = 0.1)]
    pub reorder_p: f64,
    /// Probability that a queue send fails (with `--faults`).
    #[arg(long, default_value_t = 0.05)]
    pub queue_fault_p: f64,
    /// Probability that a storage request fails (with `--faults`).
    #[arg(long, default_value_t = 0.02)]
    pub store_fault_p: f64,
    /// Probability that a call lock is found held by a dead holder (with `--faults`).
    #[arg(long, default_value_t = 0.3)]
    pub dead_lock_p: f64,
    /// Kill a worker every this many ms (with `--faults`, in-memory queue).
    #[arg(long, default_value_t = 500)]
    pub kill_worker_ms: u64,
    /// Probability that the proxy answers a DynamoDB/SQS request with a throttle or 5xx
    /// (with `--faults --aws`).
    #[arg(long, default_value_t = 0.05)]
    pub aws_fault_p: f64,
}

/// Run the load test.
pub async fn run(args: LoadtestArgs) -> CliResult {
    loadtest::run(args).await
}
