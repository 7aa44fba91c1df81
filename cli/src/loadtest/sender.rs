//! Delivering one event the way Vapi does: an authenticated POST (signed at send time
//! under the configured scheme), retried on 5xx, 429 and connection errors like a Vapi
//! `backoffPlan` (exponential, up to [`MAX_RETRIES`]), with every attempt's latency kept.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use callwarden::auth::{AuthConfig, SignedRequest};
use callwarden::clock::{Clock, SystemClock};
use tokio::sync::Semaphore;

/// Retries after the first attempt (Vapi allows up to 10).
pub const MAX_RETRIES: u32 = 10;

/// Shared by every simulated call.
pub struct Sender {
    client: reqwest::Client,
    url: String,
    auth: AuthConfig,
    permits: Semaphore,
    base_delay: Duration,
    /// Latency of every attempt, microseconds.
    latencies_us: Mutex<Vec<u32>>,
    /// HTTP requests sent.
    pub requests: AtomicU64,
    /// Bytes of bodies sent.
    pub bytes: AtomicU64,
    /// Answers 503 (queue unavailable), retried.
    pub unavailable: AtomicU64,
    /// Other retried failures (5xx, 429, connection errors).
    pub other_retried: AtomicU64,
    /// Deliveries refused with a 4xx (a simulator or server bug; not retried).
    pub rejected: AtomicU64,
    /// Deliveries abandoned after every retry failed.
    pub gave_up: AtomicU64,
}

/// How one delivery ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivered {
    /// 2xx.
    Accepted,
    /// 4xx: never accepted.
    Rejected(u16),
    /// Every attempt failed.
    GaveUp,
}

impl Sender {
    /// A sender posting to `url` (loopback, checked by the caller), at most `in_flight`
    /// requests at a time, first retry after `base_delay`.
    pub fn new(
        url: String,
        auth: AuthConfig,
        in_flight: usize,
        base_delay: Duration,
    ) -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(30))
            .pool_max_idle_per_host(in_flight)
            .build()?;
        Ok(Self {
            client,
            url,
            auth,
            permits: Semaphore::new(in_flight.max(1)),
            base_delay,
            latencies_us: Mutex::new(Vec::new()),
            requests: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            unavailable: AtomicU64::new(0),
            other_retried: AtomicU64::new(0),
            rejected: AtomicU64::new(0),
            gave_up: AtomicU64::new(0),
        })
    }

    /// Every attempt's latency in microseconds, sorted.
    pub fn latencies_us(&self) -> Vec<u32> {
        let mut v = self
            .latencies_us
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        v.sort_unstable();
        v
    }

    async fn attempt(&self, body: &str) -> Result<u16, ()> {
        let _permit = self.permits.acquire().await.map_err(|_| ())?;
        let headers = http::HeaderMap::new();
        let req = SignedRequest {
            method: "POST",
            url: &self.url,
            headers: &headers,
            body: body.as_bytes(),
        };
        let mut request = self
            .client
            .post(&self.url)
            .header("content-type", "application/json");
        for (k, v) in self.auth.sign(&req, SystemClock.now_ms()) {
            request = request.header(k, v);
        }
        self.requests.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(body.len() as u64, Ordering::Relaxed);
        let started = Instant::now();
        let outcome = match request.body(body.to_owned()).send().await {
            Ok(resp) => {
                let status = resp.status().as_u16();
                // Read the answer: a synchronous message is not done until its body arrived.
                let _ = resp.bytes().await;
                Ok(status)
            }
            Err(_) => Err(()),
        };
        let us = u32::try_from(started.elapsed().as_micros()).unwrap_or(u32::MAX);
        self.latencies_us
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(us);
        outcome
    }

    /// Deliver `body`, retrying as a Vapi backoff plan would.
    pub async fn deliver(self: &Arc<Self>, body: &str) -> Delivered {
        for retry in 0..=MAX_RETRIES {
            if retry > 0 {
                let delay = self.base_delay.saturating_mul(1 << (retry - 1).min(6));
                tokio::time::sleep(delay).await;
            }
            match self.attempt(body).await {
                Ok(s) if (200..300).contains(&s) => return Delivered::Accepted,
                Ok(503) => {
                    self.unavailable.fetch_add(1, Ordering::Relaxed);
                }
                Ok(s) if s >= 500 || s == 429 => {
                    self.other_retried.fetch_add(1, Ordering::Relaxed);
                }
                Ok(s) => {
                    self.rejected.fetch_add(1, Ordering::Relaxed);
                    return Delivered::Rejected(s);
                }
                Err(()) => {
                    self.other_retried.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
        self.gave_up.fetch_add(1, Ordering::Relaxed);
        Delivered::GaveUp
    }
}
