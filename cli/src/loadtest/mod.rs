//! The load test runner: plan the calls, start (or reach) the server, send every call's
//! event stream concurrently with compressed real timing, wait for the worker to drain,
//! then judge the archive, the server's counters, its logs and its storage.

mod corpus;
mod fault_proxy;
mod leak_scan;
mod report;
mod scenario;
mod sender;
mod server;
mod verify;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use callwarden::auth::AuthConfig;
use callwarden::clock::{Clock, SystemClock};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::Value;

use super::LoadtestArgs;
use crate::CliResult;
use fault_proxy::{is_loopback_url, FaultProxy, Service};
use leak_scan::{LeakHits, LeakScanner};
use report::{cost_model, RequestCounts, Summary};
use scenario::CallPlan;
use sender::{Delivered, Sender};

/// One send of a call: when (call-time ms), which event, and whether it is an extra copy.
#[derive(Debug, Clone, Copy)]
struct Send {
    at_ms: u64,
    event: usize,
    duplicate: bool,
}

/// The RNG of one independent stream of a run's random draws: the same `(seed, stream)`
/// always draws the same values, whatever else runs concurrently. Stream `i` is call `i`;
/// the other streams are the constants below. Multiplying by an odd constant keeps distinct
/// streams on distinct seeds.
fn stream_rng(seed: u64, stream: u64) -> StdRng {
    StdRng::seed_from_u64(seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// The stream of the run-wide draws (where in the corpus the calls start).
const STREAM_RUN: u64 = u64::MAX;
/// The stream of the DynamoDB fault proxy's decisions.
const STREAM_DYNAMODB_PROXY: u64 = u64::MAX - 1;
/// The stream of the SQS fault proxy's decisions.
const STREAM_SQS_PROXY: u64 = u64::MAX - 2;

/// The send schedule of a call: in timestamp order, with faults applied (an event sent
/// after its successor, an extra copy a little later). The first event
/// (`assistant-request`) always goes first: without it there is no call.
fn schedule(
    plan: &CallPlan,
    faults: bool,
    dup_p: f64,
    reorder_p: f64,
    rng: &mut StdRng,
) -> (Vec<Send>, u64, u64) {
    let mut at: Vec<u64> = plan.events.iter().map(|e| e.offset_ms).collect();
    let (mut reordered, mut dups) = (0, 0);
    if faults {
        let mut i = 1;
        while i + 1 < at.len() {
            if rng.random::<f64>() < reorder_p {
                at.swap(i, i + 1);
                reordered += 1;
                i += 2;
            } else {
                i += 1;
            }
        }
    }
    let mut sends: Vec<Send> = at
        .iter()
        .enumerate()
        .map(|(event, &at_ms)| Send {
            at_ms,
            event,
            duplicate: false,
        })
        .collect();
    if faults {
        for (event, &t) in at.iter().enumerate() {
            if rng.random::<f64>() < dup_p {
                dups += 1;
                sends.push(Send {
                    at_ms: t + rng.random_range(20..2000),
                    event,
                    duplicate: true,
                });
            }
        }
    }
    sends.sort_by_key(|s| (s.at_ms, s.duplicate));
    (sends, reordered, dups)
}

/// The calls of a run, all drawn from its seed.
struct Planned {
    plans: Vec<CallPlan>,
    /// Per call: its start offset in the ramp and its send schedule.
    schedules: Vec<(Duration, Vec<Send>)>,
    reordered: u64,
    duplicates: u64,
}

/// Plan `args.calls` calls from `seed`: call `i` draws only from its own stream, so the same
/// seed gives the same calls, ramp and send schedules (faults included) at any concurrency.
/// Corpus conversations are taken in corpus order from a seeded start, at least four turns
/// per call. `id_salt` is XORed into the drawn call ids (0: the ids are the seed's too).
fn plan_calls(
    conversations: &[Vec<corpus::Utterance>],
    args: &LoadtestArgs,
    seed: u64,
    id_salt: u128,
    now_ms: i64,
) -> Planned {
    let n = conversations.len().max(1);
    let first = stream_rng(seed, STREAM_RUN).random_range(0..n);
    let mut out = Planned {
        plans: Vec::with_capacity(args.calls),
        schedules: Vec::with_capacity(args.calls),
        reordered: 0,
        duplicates: 0,
    };
    for i in 0..args.calls {
        let mut rng = stream_rng(seed, i as u64);
        let mut turns: Vec<&corpus::Utterance> = Vec::new();
        let mut g = first + i * 2;
        while turns.len() < 4 && !conversations.is_empty() {
            turns.extend(conversations[g % n].iter());
            g += 1;
        }
        let id = rng.random::<u128>() ^ id_salt;
        let call_id = uuid::Builder::from_random_bytes(id.to_le_bytes()).into_uuid();
        let customer = format!("+1415555{:04}", rng.random_range(0..10_000));
        let start = Duration::from_secs_f64(rng.random::<f64>() * args.ramp_secs.max(0.0));
        let plan = scenario::build_call(&call_id.to_string(), &customer, now_ms, &turns);
        let (sends, r, d) = schedule(&plan, args.faults, args.dup_p, args.reorder_p, &mut rng);
        out.reordered += r;
        out.duplicates += d;
        out.plans.push(plan);
        out.schedules.push((start, sends));
    }
    out
}

fn check_loopback(url: &str) -> Result<(), String> {
    if is_loopback_url(url) {
        Ok(())
    } else {
        Err(format!(
            "refusing to load-test a non-loopback address: {url} (use 127.0.0.1 or localhost)"
        ))
    }
}

/// The auth config the simulator signs with, and env vars to hand to a started server.
fn auth_setup(spawning: bool) -> Result<(AuthConfig, Vec<(String, String)>), String> {
    let configured = ["VAPI_HMAC_SECRET", "VAPI_SECRET", "VAPI_SIGNATURE_SECRET"]
        .iter()
        .any(|k| std::env::var(k).is_ok_and(|v| !v.trim().is_empty()));
    let mut env = Vec::new();
    if !configured && spawning {
        // A fresh secret for this run only, shared with the server we start.
        let secret = hex::encode(rand::random::<[u8; 24]>());
        env.push(("VAPI_HMAC_SECRET".to_string(), secret));
    }
    let overrides = env.clone();
    let auth = AuthConfig::from_lookup(|k| {
        overrides
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .or_else(|| std::env::var(k).ok())
    })
    .map_err(|e| format!("authentication for the simulated deliveries: {e}"))?;
    if auth.allows_unauthenticated() {
        return Err("the load test sends authenticated deliveries: configure VAPI_HMAC_SECRET or VAPI_SECRET".into());
    }
    Ok((auth, env))
}

async fn get_json(client: &reqwest::Client, url: &str) -> Option<Value> {
    let resp = client.get(url).send().await.ok()?;
    if !resp.status().is_success() {
        return None;
    }
    resp.json().await.ok()
}

struct AwsSetup {
    env: Vec<(String, String)>,
    sqs: aws_sdk_sqs::Client,
    queue_url: String,
    proxies: Vec<FaultProxy>,
}

async fn aws_setup(args: &LoadtestArgs, run_id: &str, seed: u64) -> Result<AwsSetup, String> {
    let get = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
    let sqs_ep = get("AWS_ENDPOINT_URL_SQS").or_else(|| get("AWS_ENDPOINT_URL"));
    let ddb_ep = get("AWS_ENDPOINT_URL_DYNAMODB").or_else(|| get("AWS_ENDPOINT_URL"));
    let (Some(sqs_ep), Some(ddb_ep)) = (sqs_ep, ddb_ep) else {
        return Err("--aws needs AWS_ENDPOINT_URL_SQS and AWS_ENDPOINT_URL_DYNAMODB on loopback (run under scripts/local-aws.sh run -- ...)".into());
    };
    check_loopback(&sqs_ep)?;
    check_loopback(&ddb_ep)?;
    let sdk = callwarden::adapters::aws_client::load_sdk_config(
        callwarden::adapters::aws_client::AwsCallBudget::WORKER,
    )
    .await;
    let sqs = aws_sdk_sqs::Client::new(&sdk);
    let queue = sqs
        .create_queue()
        .queue_name(format!("callwarden-loadtest-{run_id}"))
        .attributes(
            aws_sdk_sqs::types::QueueAttributeName::VisibilityTimeout,
            if args.faults { "5" } else { "30" },
        )
        .send()
        .await
        .map_err(|e| {
            format!(
                "CreateQueue on {sqs_ep}: {}",
                aws_sdk_sqs::error::DisplayErrorContext(&e)
            )
        })?;
    let queue_url = queue.queue_url().unwrap_or_default().to_string();
    let mut env = vec![
        ("QUEUE_URL".to_string(), queue_url.clone()),
        (
            "TABLE_NAME".to_string(),
            format!("callwarden-loadtest-{run_id}"),
        ),
    ];
    let mut proxies = Vec::new();
    if args.faults {
        let p = args.aws_fault_p;
        let d = FaultProxy::start(
            &ddb_ep,
            Service::DynamoDb,
            p,
            stream_rng(seed, STREAM_DYNAMODB_PROXY),
        )
        .await?;
        let s =
            FaultProxy::start(&sqs_ep, Service::Sqs, p, stream_rng(seed, STREAM_SQS_PROXY)).await?;
        env.push(("AWS_ENDPOINT_URL_DYNAMODB".into(), d.url.clone()));
        env.push(("AWS_ENDPOINT_URL_SQS".into(), s.url.clone()));
        proxies.push(d);
        proxies.push(s);
    }
    Ok(AwsSetup {
        env,
        sqs,
        queue_url,
        proxies,
    })
}

async fn sqs_depth(sqs: &aws_sdk_sqs::Client, queue_url: &str) -> Option<u64> {
    use aws_sdk_sqs::types::QueueAttributeName as A;
    let out = sqs
        .get_queue_attributes()
        .queue_url(queue_url)
        .attribute_names(A::ApproximateNumberOfMessages)
        .attribute_names(A::ApproximateNumberOfMessagesNotVisible)
        .attribute_names(A::ApproximateNumberOfMessagesDelayed)
        .send()
        .await
        .ok()?;
    let attrs = out.attributes()?;
    Some(
        [
            A::ApproximateNumberOfMessages,
            A::ApproximateNumberOfMessagesNotVisible,
            A::ApproximateNumberOfMessagesDelayed,
        ]
        .iter()
        .filter_map(|k| attrs.get(k).and_then(|v| v.parse::<u64>().ok()))
        .sum(),
    )
}

/// Run the load test and print its report.
pub async fn run(args: LoadtestArgs) -> CliResult {
    if args.calls == 0 {
        return Err("--calls must be at least 1".into());
    }
    if !(args.compress.is_finite() && args.compress > 0.0) {
        return Err("--compress must be a positive number".into());
    }
    let started = Instant::now();
    let seed = args.seed.unwrap_or_else(rand::random);
    let conversations = corpus::conversations(&corpus::load(&args.corpus)?);
    let spawning = args.url.is_none();
    if let Some(u) = &args.url {
        check_loopback(u)?;
        if args.aws {
            return Err("--aws configures the server the load test starts; with --url, start `callwarden dev --aws` yourself".into());
        }
    }
    let (auth, mut child_env) = auth_setup(spawning)?;
    let run_id = format!("{}-{}", std::process::id(), SystemClock.now_ms());
    let run_dir = std::env::temp_dir().join(format!("callwarden-loadtest-{run_id}"));
    std::fs::create_dir_all(&run_dir)?;

    let aws = if args.aws {
        Some(aws_setup(&args, &run_id, seed).await?)
    } else {
        None
    };
    let mut child = None;
    let (base_url, webhook_url, log_path): (String, String, Option<PathBuf>) = match &args.url {
        Some(u) => {
            let base = u
                .split("/webhook")
                .next()
                .unwrap_or(u)
                .trim_end_matches('/')
                .to_string();
            (base, u.clone(), args.server_log.clone())
        }
        None => {
            let mut extra: Vec<String> = vec!["--workers".into(), args.workers.to_string()];
            if args.aws {
                extra.push("--aws".into());
            }
            if let Some(a) = &aws {
                child_env.extend(a.env.iter().cloned());
            }
            if args.faults {
                extra.extend([
                    "--fault-queue-p".into(),
                    args.queue_fault_p.to_string(),
                    "--fault-store-p".into(),
                    args.store_fault_p.to_string(),
                    "--fault-dead-lock-p".into(),
                    args.dead_lock_p.to_string(),
                    "--max-receives".into(),
                    "12".into(),
                    "--retry-delay-ms".into(),
                    "250".into(),
                    "--visibility-ms".into(),
                    "4000".into(),
                ]);
                if !args.aws {
                    extra.extend([
                        "--fault-kill-worker-ms".into(),
                        args.kill_worker_ms.to_string(),
                    ]);
                }
                // Short leases so a dead holder or a killed worker delays a call by
                // seconds, not minutes (production keeps the defaults).
                child_env.push(("CALL_LOCK_LEASE_SECS".into(), "1".into()));
                child_env.push(("IDEMPOTENCY_IN_PROGRESS_SECS".into(), "3".into()));
            }
            let log = run_dir.join("server.log");
            let s = server::start(&extra, &child_env, &log).await?;
            let base = s.base_url.clone();
            child = Some(s);
            (base.clone(), format!("{base}/webhook/vapi"), Some(log))
        }
    };

    // Plan the calls. Against a server we started the store is fresh; a server given by
    // --url may already hold an earlier run's calls of the same seed: salt the call ids.
    let id_salt = if spawning { 0 } else { rand::random() };
    let planned = plan_calls(&conversations, &args, seed, id_salt, SystemClock.now_ms());
    let (plans, reordered, dups_sent) = (planned.plans, planned.reordered, planned.duplicates);
    let spoken: Vec<corpus::SpokenValue> = plans
        .iter()
        .flat_map(|p| p.spoken.iter().cloned())
        .collect();
    let scanner = LeakScanner::new(&spoken);

    // Send.
    let base_delay = Duration::from_secs_f64((1.0 / args.compress).clamp(0.02, 1.0));
    let sender = Arc::new(Sender::new(
        webhook_url.clone(),
        auth,
        args.max_in_flight,
        base_delay,
    )?);
    let send_started = Instant::now();
    let deadline = send_started + Duration::from_secs(args.max_secs);
    let mut tasks = tokio::task::JoinSet::new();
    for (idx, (plan, (start, sends))) in plans.iter().zip(planned.schedules).enumerate() {
        let bodies: Vec<String> = plan.events.iter().map(|e| e.body.clone()).collect();
        let compress = args.compress;
        let sender = sender.clone();
        tasks.spawn(async move {
            let t0 = tokio::time::Instant::from_std(send_started) + start;
            let mut accepted = vec![false; bodies.len()];
            for s in sends {
                let at = t0 + Duration::from_secs_f64(s.at_ms as f64 / 1000.0 / compress);
                if at > tokio::time::Instant::from_std(deadline) {
                    break;
                }
                tokio::time::sleep_until(at).await;
                if sender.deliver(&bodies[s.event]).await == Delivered::Accepted {
                    accepted[s.event] = true;
                }
            }
            (idx, accepted)
        });
    }
    let mut accepted: Vec<Vec<bool>> = plans.iter().map(|p| vec![false; p.events.len()]).collect();
    let hard_stop = tokio::time::Instant::from_std(deadline) + Duration::from_secs(60);
    loop {
        match tokio::time::timeout_at(hard_stop, tasks.join_next()).await {
            Ok(Some(Ok((idx, a)))) => accepted[idx] = a,
            Ok(Some(Err(_))) => {}
            Ok(None) => break,
            Err(_) => {
                tasks.abort_all();
                break;
            }
        }
    }
    let send_secs = send_started.elapsed().as_secs_f64();

    // Drain: wait until the server has nothing outstanding.
    let client = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(60))
        .build()?;
    let drain_started = Instant::now();
    let drain_deadline = drain_started + Duration::from_secs(args.drain_secs);
    let mut quiet = 0;
    while Instant::now() < drain_deadline {
        let outstanding = match &aws {
            Some(a) => sqs_depth(&a.sqs, &a.queue_url).await,
            None => get_json(&client, &format!("{base_url}/_dev/stats"))
                .await
                .and_then(|s| s["queue"]["outstanding"].as_u64()),
        };
        match outstanding {
            Some(0) => quiet += 1,
            Some(_) => quiet = 0,
            // SQS under load may not answer; the embedded server without --dev-endpoints
            // cannot: stop waiting only in that case.
            None if aws.is_some() => quiet = 0,
            None => break,
        }
        if quiet >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    // SQS's depth is approximate: give in-flight batches a moment to finish.
    if aws.is_some() {
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    let drain_secs = drain_started.elapsed().as_secs_f64();

    // Judge the archive, call by call.
    let mut summary = Summary {
        backend: if args.aws { "aws" } else { "embedded" },
        seed,
        faults: args.faults,
        calls: args.calls,
        reordered,
        duplicates_sent: dups_sent,
        send_secs,
        drain_secs,
        pii_needles: scanner.needles,
        pii_unsearchable: scanner.unsearchable,
        ..Default::default()
    };
    let views = {
        let mut set = tokio::task::JoinSet::new();
        let sem = Arc::new(tokio::sync::Semaphore::new(16));
        for (i, p) in plans.iter().enumerate() {
            let (client, url, sem) = (
                client.clone(),
                format!("{base_url}/calls/{}", p.call_id),
                sem.clone(),
            );
            set.spawn(async move {
                let _permit = sem.acquire_owned().await;
                (i, get_json(&client, &url).await)
            });
        }
        let mut views: Vec<Option<Value>> = vec![None; plans.len()];
        while let Some(Ok((i, v))) = set.join_next().await {
            views[i] = v;
        }
        views
    };
    for ((plan, acc), view) in plans.iter().zip(&accepted).zip(&views) {
        let v = verify::verify_call(plan, acc, view.as_ref());
        summary.events_planned += plan.events.len() as u64;
        summary.accepted += v.accepted;
        summary.archived += v.archived;
        summary.lost += v.lost;
        for (k, n) in v.lost_by_type {
            *summary.lost_by_type.entry(k).or_insert(0) += n;
        }
        summary.duplicates += v.duplicates;
        summary.unexpected += v.unexpected;
        summary.report_violations += v.report_violation;
        summary.out_of_order += v.out_of_order;
        summary.late_events += v.late;
    }

    // Server counters.
    let stats = get_json(&client, &format!("{base_url}/_dev/stats")).await;
    let mut server_json = serde_json::json!({ "stats": stats.clone() });
    if let Some(a) = &aws {
        server_json["proxies"] =
            serde_json::json!(a.proxies.iter().map(|p| p.counts()).collect::<Vec<_>>());
    }
    if let Some(s) = &stats {
        summary.lock_violations = s["locks"]["violations"].as_u64();
        if s["worker"]["lag"]["count"].as_u64().unwrap_or(0) > 0 {
            summary.worker_lag_p50_ms = s["worker"]["lag"]["p50_ms"].as_f64();
            summary.worker_lag_p99_ms = s["worker"]["lag"]["p99_ms"].as_f64();
        }
    }

    // Storage scan.
    if let Ok(resp) = client.get(format!("{base_url}/_dev/dump")).send().await {
        if resp.status().is_success() {
            if let Ok(text) = resp.text().await {
                let mut hits = LeakHits::default();
                // With --keep-logs the stored items that matched are kept beside the logs
                // (`leaked-items.jsonl`): the evidence needed to fix a redaction gap.
                let mut leaked = Vec::new();
                for line in text.lines() {
                    summary.stored_items += 1;
                    let before = hits.total;
                    scanner.scan(line, &mut hits);
                    if args.keep_logs && hits.total > before {
                        leaked.push(line);
                    }
                }
                if !leaked.is_empty() {
                    let path = run_dir.join("leaked-items.jsonl");
                    if let Err(e) = std::fs::write(&path, leaked.join("\n") + "\n") {
                        eprintln!("could not write {}: {e}", path.display());
                    }
                }
                report::set_hits(
                    &mut summary.pii_hits_storage_by_type,
                    &mut summary.pii_hits_storage,
                    &hits,
                );
            }
        }
    }

    // Stop the server we started (its log is complete afterwards), then scan its logs.
    if let Some(c) = child.take() {
        c.stop(Duration::from_secs(40)).await;
    }
    if let Some(a) = aws {
        for p in a.proxies {
            p.stop();
        }
        let _ = a.sqs.delete_queue().queue_url(&a.queue_url).send().await;
    }
    if let Some(path) = &log_path {
        if let Ok(text) = tokio::fs::read_to_string(path).await {
            let mut hits = LeakHits::default();
            for line in text.lines() {
                summary.log_lines += 1;
                if line.contains("answered_not_archived") {
                    summary.answered_not_archived += 1;
                }
                if let Some(kind) = lock_violation_kind(line) {
                    *summary.lock_violation_kinds.entry(kind).or_insert(0) += 1;
                }
                scanner.scan(&without_log_timestamp(line), &mut hits);
            }
            report::set_hits(
                &mut summary.pii_hits_logs_by_type,
                &mut summary.pii_hits_logs,
                &hits,
            );
        }
    }
    summary.pii_hits = summary.pii_hits_logs.unwrap_or(0) + summary.pii_hits_storage.unwrap_or(0);

    // Figures.
    let lat = sender.latencies_us();
    let ms = |p: f64| stats_percentile(&lat, p) / 1000.0;
    use std::sync::atomic::Ordering::Relaxed;
    summary.requests = sender.requests.load(Relaxed);
    summary.deliveries_per_s = summary.requests as f64 / send_secs.max(1e-9);
    summary.p50_ms = ms(50.0);
    summary.p99_ms = ms(99.0);
    summary.max_ms = lat.last().map_or(0.0, |v| f64::from(*v) / 1000.0);
    summary.retried_503 = sender.unavailable.load(Relaxed);
    summary.retried_other = sender.other_retried.load(Relaxed);
    summary.rejected = sender.rejected.load(Relaxed);
    summary.gave_up = sender.gave_up.load(Relaxed);
    let dynamodb = stats
        .as_ref()
        .and_then(|s| serde_json::from_value(s["store"]["requests"].clone()).ok())
        .unwrap_or_default();
    summary.request_counts = RequestCounts {
        webhook_requests: summary.requests,
        sqs_send: stats
            .as_ref()
            .and_then(|s| s["queue"]["sends"]["requests"].as_u64())
            .unwrap_or(0),
        worker_batches: stats
            .as_ref()
            .and_then(|s| s["worker"]["receives"].as_u64())
            .unwrap_or(0),
        dynamodb,
        mean_body_kb: sender.bytes.load(Relaxed) as f64 / summary.requests.max(1) as f64 / 1024.0,
    };
    let call_minutes: f64 = plans.iter().map(|p| p.duration_ms as f64 / 60_000.0).sum();
    summary.cost_per_1000_call_minutes = cost_model(&summary.request_counts, call_minutes);
    summary.server = server_json;
    summary.judge();

    if args.keep_logs || !spawning {
        eprintln!("run directory kept: {}", run_dir.display());
    } else {
        let _ = std::fs::remove_dir_all(&run_dir);
    }
    let total = started.elapsed().as_secs_f64();
    if args.json {
        eprint!("{}", summary.human());
        eprintln!("total {total:.1} s");
        println!("{}", serde_json::to_string(&summary)?);
    } else {
        print!("{}", summary.human());
        println!("total {total:.1} s");
    }
    if summary.pass {
        Ok(())
    } else {
        Err(format!("{} verdict(s) failed", summary.failures.len()).into())
    }
}

/// The kind of a lock audit violation logged on `line` (`cli/src/dev/lock_audit.rs`).
fn lock_violation_kind(line: &str) -> Option<String> {
    if !line.contains("call lock violation") {
        return None;
    }
    let v: Value = serde_json::from_str(line).ok()?;
    Some(v["fields"]["violation"].as_str()?.to_string())
}

/// A JSON log line without its own `"timestamp":"..."` field (random microsecond digits).
fn without_log_timestamp(line: &str) -> std::borrow::Cow<'_, str> {
    const KEY: &str = "\"timestamp\":\"";
    let Some(start) = line.find(KEY) else {
        return std::borrow::Cow::Borrowed(line);
    };
    let value_start = start + KEY.len();
    match line[value_start..].find('"') {
        Some(end) => std::borrow::Cow::Owned(format!(
            "{}{}",
            &line[..start],
            &line[value_start + end + 1..]
        )),
        None => std::borrow::Cow::Borrowed(line),
    }
}

fn stats_percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    f64::from(sorted[rank.clamp(1, sorted.len()) - 1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_timestamp_is_dropped_before_scanning() {
        let line = r#"{"timestamp":"2026-11-22T03:37:50.123456Z","level":"INFO","bytes":12}"#;
        assert_eq!(
            without_log_timestamp(line),
            r#"{,"level":"INFO","bytes":12}"#
        );
        assert_eq!(without_log_timestamp("plain"), "plain");
    }

    #[test]
    fn lock_violations_are_read_from_the_log_by_kind() {
        let line = r#"{"level":"ERROR","fields":{"message":"call lock violation","call_id":"c","violation":"report committed without a live lease"}}"#;
        assert_eq!(
            lock_violation_kind(line).as_deref(),
            Some("report committed without a live lease")
        );
        assert_eq!(
            lock_violation_kind(r#"{"fields":{"message":"request"}}"#),
            None
        );
    }

    #[test]
    fn non_loopback_targets_are_refused() {
        assert!(check_loopback("http://127.0.0.1:3000/webhook/vapi").is_ok());
        assert!(check_loopback("http://example.com/webhook/vapi").is_err());
        assert!(check_loopback("http://192.168.1.2:3000/webhook/vapi").is_err());
    }

    fn args(extra: &[&str]) -> LoadtestArgs {
        #[derive(clap::Parser)]
        struct Cli {
            #[command(flatten)]
            args: LoadtestArgs,
        }
        let base = ["loadtest", "--corpus", "unused.jsonl", "--calls", "30"];
        <Cli as clap::Parser>::parse_from(base.iter().chain(extra)).args
    }

    #[test]
    fn the_seed_alone_decides_every_draw_of_the_plan() {
        let u: Vec<Vec<corpus::Utterance>> = (0..50)
            .map(|i| {
                vec![serde_json::from_value(
                    serde_json::json!({ "id": "u", "text": format!("turn {i}"), "role": "user" }),
                )
                .unwrap()]
            })
            .collect();
        // (what the calls say, when each call's deliveries go).
        let key = |p: &Planned| {
            let calls: Vec<_> = p
                .plans
                .iter()
                .map(|c| {
                    (
                        &c.call_id,
                        format!("{:?}", c.spoken),
                        c.events.iter().map(|e| &e.body).collect::<Vec<_>>(),
                    )
                })
                .collect();
            (
                format!("{calls:?}"),
                format!("{:?} {} {}", p.schedules, p.reordered, p.duplicates),
            )
        };
        let faulty = args(&["--faults"]);
        let a = plan_calls(&u, &faulty, 1, 0, 1_000);
        assert_eq!(key(&a), key(&plan_calls(&u, &faulty, 1, 0, 1_000)));
        assert!(a.duplicates > 0 && a.reordered > 0);
        assert_ne!(key(&a), key(&plan_calls(&u, &faulty, 2, 0, 1_000)));
        // Faults change the schedules only: the calls and the ramp are the same.
        let plain = plan_calls(&u, &args(&[]), 1, 0, 1_000);
        assert_eq!(key(&plain).0, key(&a).0);
        assert_eq!(plain.duplicates + plain.reordered, 0);
        let starts = |p: &Planned| p.schedules.iter().map(|s| s.0).collect::<Vec<_>>();
        assert_eq!(starts(&plain), starts(&a));
        // A salt changes the call ids and nothing else that is drawn.
        let salted = plan_calls(&u, &faulty, 1, 0xabc, 1_000);
        assert_ne!(salted.plans[0].call_id, a.plans[0].call_id);
        assert_eq!(key(&salted).1, key(&a).1);
        assert_eq!(salted.plans[0].spoken, a.plans[0].spoken);
    }

    #[test]
    fn schedules_keep_every_event_and_add_only_copies() {
        let u: Vec<corpus::Utterance> = (0..4)
            .map(|i| {
                serde_json::from_value(
                    serde_json::json!({ "id": "u", "text": format!("turn {i}"), "role": "user" }),
                )
                .unwrap()
            })
            .collect();
        let refs: Vec<&corpus::Utterance> = u.iter().collect();
        let plan = scenario::build_call("c", "+14155550100", 0, &refs);
        let mut rng = stream_rng(7, 0);
        let (plain, r, d) = schedule(&plan, false, 1.0, 1.0, &mut rng);
        assert_eq!((plain.len(), r, d), (27, 0, 0));
        assert!(plain.iter().enumerate().all(|(i, s)| s.event == i));
        let (faulty, _, d) = schedule(&plan, true, 1.0, 1.0, &mut rng);
        assert_eq!(d, 27);
        assert_eq!(faulty.len(), 54);
        assert_eq!(faulty[0].event, 0);
        for e in 0..27 {
            assert_eq!(
                faulty
                    .iter()
                    .filter(|s| s.event == e && !s.duplicate)
                    .count(),
                1
            );
        }
    }
}
