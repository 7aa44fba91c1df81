//! The load test's result: every figure and verdict, printed for a person and as one JSON
//! line, plus the cost model per 1,000 call-minutes.

use std::collections::BTreeMap;

use serde::Serialize;

use super::leak_scan::LeakHits;

/// Public list prices used by the cost model (AWS us-east-1, on-demand).
pub mod prices {
    /// When these prices were taken from the AWS pricing pages.
    pub const AS_OF: &str = "AWS us-east-1 list prices as of July 2025 (DynamoDB on-demand after the November 2024 cut): API Gateway HTTP API $1.00/M requests, Lambda arm64 $0.20/M requests + $0.0000133334/GB-s, SQS standard $0.40/M requests, DynamoDB on-demand $0.625/M WRU and $0.125/M RRU";
    /// API Gateway HTTP API, per request (first 300 M/month).
    pub const API_GW_HTTP_PER_REQUEST: f64 = 1.00 / 1e6;
    /// Lambda requests.
    pub const LAMBDA_PER_REQUEST: f64 = 0.20 / 1e6;
    /// Lambda arm64 duration, per GB-second.
    pub const LAMBDA_ARM_PER_GB_S: f64 = 0.000_013_333_4;
    /// SQS standard queue, per request (64 KB chunk).
    pub const SQS_PER_REQUEST: f64 = 0.40 / 1e6;
    /// DynamoDB on-demand write request unit.
    pub const DDB_PER_WRU: f64 = 0.625 / 1e6;
    /// DynamoDB on-demand read request unit.
    pub const DDB_PER_RRU: f64 = 0.125 / 1e6;
}

/// Assumptions of the cost model that the run cannot measure.
pub mod assumptions {
    /// Webhook and worker memory (template.yaml defaults), GB.
    pub const LAMBDA_MEMORY_GB: f64 = 0.5;
    /// Billed duration of one webhook invocation (one SendMessage dominates), seconds.
    pub const WEBHOOK_SECONDS: f64 = 0.015;
    /// Billed duration of one worker invocation of one batch, seconds.
    pub const WORKER_BATCH_SECONDS: f64 = 0.060;
    /// Items written by one event commit (idempotency record, call summary, session, entry).
    pub const ITEMS_PER_COMMIT: f64 = 4.0;
}

/// Request counts the cost model is computed from.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RequestCounts {
    /// HTTP deliveries (API Gateway requests = webhook invocations), retries included.
    pub webhook_requests: u64,
    /// Queue sends.
    pub sqs_send: u64,
    /// Worker batches (= SQS receives that returned messages = worker invocations).
    pub worker_batches: u64,
    /// DynamoDB requests per operation.
    pub dynamodb: BTreeMap<String, u64>,
    /// Mean delivery size, KB.
    pub mean_body_kb: f64,
}

/// Dollars per 1,000 call-minutes, per service.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CostModel {
    /// Simulated call-minutes the counts come from.
    pub call_minutes: f64,
    /// API Gateway HTTP API.
    pub api_gateway: f64,
    /// Lambda requests and duration (webhook + worker).
    pub lambda: f64,
    /// SQS SendMessage + ReceiveMessage + DeleteMessageBatch.
    pub sqs: f64,
    /// DynamoDB on-demand (estimated request units).
    pub dynamodb: f64,
    /// Sum.
    pub total: f64,
    /// Estimated write request units per 1,000 call-minutes.
    pub dynamodb_wru: f64,
    /// Estimated read request units per 1,000 call-minutes.
    pub dynamodb_rru: f64,
    /// Price source and date.
    pub prices: &'static str,
}

/// Dollars per 1,000 call-minutes for `counts` gathered over `call_minutes`.
pub fn cost_model(counts: &RequestCounts, call_minutes: f64) -> CostModel {
    use assumptions::*;
    use prices::*;
    if call_minutes <= 0.0 {
        return CostModel {
            prices: AS_OF,
            ..Default::default()
        };
    }
    let scale = 1000.0 / call_minutes;
    let n = |op: &str| counts.dynamodb.get(op).copied().unwrap_or(0) as f64;
    let entry_kb = counts.mean_body_kb.ceil().max(1.0);
    let wru = n("PutItem")
        + n("UpdateItem")
        + n("DeleteItem")
        + n("TransactWriteItems") * 2.0 * (ITEMS_PER_COMMIT - 1.0 + entry_kb)
        + n("BatchWriteItem") * 25.0;
    let rru = n("GetItem") + n("Query") * entry_kb.max(1.0) / 4.0 + n("Scan");
    let web = counts.webhook_requests as f64;
    let batches = counts.worker_batches as f64;
    let api_gateway = web * API_GW_HTTP_PER_REQUEST * scale;
    let lambda = ((web + batches) * LAMBDA_PER_REQUEST
        + (web * WEBHOOK_SECONDS + batches * WORKER_BATCH_SECONDS)
            * LAMBDA_MEMORY_GB
            * LAMBDA_ARM_PER_GB_S)
        * scale;
    let sqs = (counts.sqs_send as f64 + 2.0 * batches) * SQS_PER_REQUEST * scale;
    let dynamodb = (wru * DDB_PER_WRU + rru * DDB_PER_RRU) * scale;
    CostModel {
        call_minutes,
        api_gateway,
        lambda,
        sqs,
        dynamodb,
        total: api_gateway + lambda + sqs + dynamodb,
        dynamodb_wru: wru * scale,
        dynamodb_rru: rru * scale,
        prices: AS_OF,
    }
}

/// Everything the run measured.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// `embedded` or `aws`.
    pub backend: &'static str,
    /// Seed of the simulator's random draws (`--seed`): the same seed plans the same run.
    pub seed: u64,
    /// Faults injected.
    pub faults: bool,
    /// Calls simulated.
    pub calls: usize,
    /// Distinct events planned.
    pub events_planned: u64,
    /// Distinct events accepted (2xx at least once).
    pub accepted: u64,
    /// Events the archive counts.
    pub archived: u64,
    /// Accepted events missing from the archive.
    pub lost: u64,
    /// Lost events per message type.
    pub lost_by_type: BTreeMap<String, u64>,
    /// Events archived more than once.
    pub duplicates: u64,
    /// Archived items matching no accepted event.
    pub unexpected: u64,
    /// Calls without exactly one report.
    pub report_violations: u64,
    /// Transcript segments out of spoken order.
    pub out_of_order: u64,
    /// Lock violations seen by the server's lock audit (`null`: not measured).
    pub lock_violations: Option<u64>,
    /// Lock violations per kind, from the server's log (what the lock audit saw).
    pub lock_violation_kinds: BTreeMap<String, u64>,
    /// Events archived after the call's report (flagged late).
    pub late_events: u64,
    /// PII hits, logs + storage.
    pub pii_hits: u64,
    /// PII hits in the server's logs (`null`: logs not available).
    pub pii_hits_logs: Option<u64>,
    /// PII hits in stored items (`null`: storage not available).
    pub pii_hits_storage: Option<u64>,
    /// Hits per entity type, logs.
    pub pii_hits_logs_by_type: BTreeMap<String, u64>,
    /// Hits per entity type, storage.
    pub pii_hits_storage_by_type: BTreeMap<String, u64>,
    /// Distinct needles searched.
    pub pii_needles: usize,
    /// Spoken values too short to search.
    pub pii_unsearchable: usize,
    /// Log lines scanned.
    pub log_lines: u64,
    /// Stored items scanned.
    pub stored_items: u64,
    /// Synchronous messages answered although their archive enqueue failed (from the logs).
    pub answered_not_archived: u64,
    /// HTTP requests sent (retries and duplicates included).
    pub requests: u64,
    /// Requests per second over the sending phase.
    pub deliveries_per_s: f64,
    /// Webhook latency, median, ms.
    pub p50_ms: f64,
    /// Webhook latency, 99th percentile, ms.
    pub p99_ms: f64,
    /// Webhook latency, max, ms.
    pub max_ms: f64,
    /// Worker lag (accepted → archived), median, ms.
    pub worker_lag_p50_ms: Option<f64>,
    /// Worker lag, 99th percentile, ms.
    pub worker_lag_p99_ms: Option<f64>,
    /// 503 answers retried.
    pub retried_503: u64,
    /// Other retried failures.
    pub retried_other: u64,
    /// Deliveries refused with a 4xx.
    pub rejected: u64,
    /// Deliveries given up after every retry.
    pub gave_up: u64,
    /// Extra copies sent (fault: duplicates).
    pub duplicates_sent: u64,
    /// Deliveries sent after their successor (fault: reordering).
    pub reordered: u64,
    /// Seconds sending.
    pub send_secs: f64,
    /// Seconds waiting for the worker.
    pub drain_secs: f64,
    /// The server's own counters at the end (`/_dev/stats`), and the proxies' counts.
    pub server: serde_json::Value,
    /// Request counts the cost model uses.
    pub request_counts: RequestCounts,
    /// Cost per 1,000 call-minutes.
    pub cost_per_1000_call_minutes: CostModel,
    /// Verdicts that failed (empty: pass).
    pub failures: Vec<String>,
    /// All verdicts held.
    pub pass: bool,
}

impl Summary {
    /// Decide the verdicts.
    pub fn judge(&mut self) {
        let mut f = Vec::new();
        if self.lost > 0 {
            f.push(format!(
                "lost = {} (accepted {} archived {})",
                self.lost, self.accepted, self.archived
            ));
        }
        if self.duplicates > 0 {
            f.push(format!("duplicates = {}", self.duplicates));
        }
        if self.report_violations > 0 {
            f.push(format!("report_violations = {}", self.report_violations));
        }
        if self.out_of_order > 0 {
            f.push(format!("out_of_order = {}", self.out_of_order));
        }
        match self.lock_violations {
            Some(0) => {}
            Some(n) => f.push(format!("lock_violations = {n}")),
            None => f.push(
                "lock_violations not measured (start the server with --dev-endpoints)".into(),
            ),
        }
        if self.pii_hits > 0 {
            f.push(format!(
                "pii_hits = {} (logs {:?}, storage {:?})",
                self.pii_hits, self.pii_hits_logs, self.pii_hits_storage
            ));
        }
        if self.pii_hits_logs.is_none() {
            f.push("server logs not scanned (give --server-log with --url)".into());
        }
        if self.pii_hits_storage.is_none() {
            f.push("storage not scanned (start the server with --dev-endpoints)".into());
        }
        if self.accepted < self.events_planned {
            f.push(format!(
                "{} events never accepted (rejected {}, gave up {})",
                self.events_planned - self.accepted,
                self.rejected,
                self.gave_up
            ));
        }
        self.pass = f.is_empty();
        self.failures = f;
    }

    /// The report for a person.
    pub fn human(&self) -> String {
        let c = &self.cost_per_1000_call_minutes;
        let opt = |v: Option<u64>| v.map_or("not measured".to_string(), |n| n.to_string());
        let optf = |v: Option<f64>| v.map_or("n/a".to_string(), |n| format!("{n:.1} ms"));
        let mut s = String::new();
        s.push_str(&format!(
            "callwarden loadtest: {} calls, backend {}, faults {}, seed {}\n",
            self.calls,
            self.backend,
            if self.faults { "on" } else { "off" },
            self.seed
        ));
        s.push_str(&format!(
            "  throughput   {} requests in {:.1} s = {:.0} deliveries/s\n",
            self.requests, self.send_secs, self.deliveries_per_s
        ));
        s.push_str(&format!(
            "  webhook      p50 {:.2} ms  p99 {:.2} ms  max {:.2} ms\n",
            self.p50_ms, self.p99_ms, self.max_ms
        ));
        s.push_str(&format!(
            "  worker lag   p50 {}  p99 {}  (drained in {:.1} s)\n",
            optf(self.worker_lag_p50_ms),
            optf(self.worker_lag_p99_ms),
            self.drain_secs
        ));
        s.push_str(&format!(
            "  delivery     retried 503 {}  retried other {}  rejected {}  gave up {}  duplicates sent {}  reordered {}\n",
            self.retried_503, self.retried_other, self.rejected, self.gave_up, self.duplicates_sent, self.reordered
        ));
        s.push_str("verdicts\n");
        s.push_str(&format!(
            "  accepted {} / planned {}, archived {}\n",
            self.accepted, self.events_planned, self.archived
        ));
        s.push_str(&format!(
            "  lost               {}  {:?}\n",
            self.lost, self.lost_by_type
        ));
        s.push_str(&format!("  duplicates         {}\n", self.duplicates));
        s.push_str(&format!(
            "  report violations  {}\n",
            self.report_violations
        ));
        s.push_str(&format!("  out of order       {}\n", self.out_of_order));
        s.push_str(&format!(
            "  lock violations    {}  {:?}\n",
            opt(self.lock_violations),
            self.lock_violation_kinds
        ));
        s.push_str(&format!(
            "  PII hits           {}  (logs {} in {} lines {:?}; storage {} in {} items {:?}; {} needles, {} values too short to search)\n",
            self.pii_hits, opt(self.pii_hits_logs), self.log_lines, self.pii_hits_logs_by_type,
            opt(self.pii_hits_storage), self.stored_items, self.pii_hits_storage_by_type,
            self.pii_needles, self.pii_unsearchable
        ));
        s.push_str(&format!(
            "  late events        {}   answered-not-archived {}   unexpected items {}\n",
            self.late_events, self.answered_not_archived, self.unexpected
        ));
        s.push_str(&format!(
            "cost per 1,000 call-minutes (from {:.1} simulated call-minutes): ${:.4} = API GW ${:.4} + Lambda ${:.4} + SQS ${:.4} + DynamoDB ${:.4} ({:.0} WRU, {:.0} RRU)\n",
            c.call_minutes, c.total, c.api_gateway, c.lambda, c.sqs, c.dynamodb, c.dynamodb_wru, c.dynamodb_rru
        ));
        if self.pass {
            s.push_str("PASS: every verdict held\n");
        } else {
            s.push_str("FAIL:\n");
            for f in &self.failures {
                s.push_str(&format!("  - {f}\n"));
            }
        }
        s
    }
}

/// Keep the hits of one source in the summary.
pub fn set_hits(by_type: &mut BTreeMap<String, u64>, total: &mut Option<u64>, hits: &LeakHits) {
    *total = Some(hits.total);
    *by_type = hits.by_type.clone();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cost_scales_to_1000_call_minutes() {
        let counts = RequestCounts {
            webhook_requests: 1_000_000,
            sqs_send: 1_000_000,
            worker_batches: 100_000,
            dynamodb: BTreeMap::new(),
            mean_body_kb: 1.0,
        };
        let a = cost_model(&counts, 1000.0);
        let b = cost_model(&counts, 2000.0);
        assert!((a.api_gateway - 1.0).abs() < 1e-9);
        assert!((a.total - 2.0 * b.total).abs() < 1e-9);
    }

    #[test]
    fn an_unmeasured_guarantee_fails_the_run() {
        let mut s = Summary {
            pii_hits_logs: Some(0),
            pii_hits_storage: Some(0),
            ..Default::default()
        };
        s.judge();
        assert!(!s.pass);
        s.lock_violations = Some(0);
        s.judge();
        assert!(s.pass, "{:?}", s.failures);
        s.lost = 1;
        s.judge();
        assert!(!s.pass);
    }
}
