//! A fault-injecting HTTP proxy for `--aws --faults`: it sits between `callwarden dev
//! --aws` and moto / DynamoDB Local (both on loopback), forwards every request, and
//! answers a share of them itself with the errors AWS really returns under pressure —
//! DynamoDB `ProvisionedThroughputExceededException` / `ThrottlingException` (400) and
//! `InternalServerError` (500), SQS `InternalError` (500) — so the AWS SDK's own retry
//! path runs, and after it the worker's and the webhook's.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use axum::Router;
use http::StatusCode;
use rand::rngs::StdRng;
use rand::Rng;
use serde::Serialize;

/// Which service the proxy fronts (decides the error shapes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// DynamoDB (JSON 1.0 protocol).
    DynamoDb,
    /// SQS (JSON protocol).
    Sqs,
}

/// Counts of one proxy.
#[derive(Debug, Default, Serialize, Clone, Copy)]
pub struct ProxyCounts {
    /// Requests received.
    pub requests: u64,
    /// Answered with a throttling error.
    pub throttled: u64,
    /// Answered with a 5xx.
    pub server_errors: u64,
}

struct ProxyState {
    upstream: String,
    service: Service,
    fault_p: f64,
    /// Seeded: the n-th request's fate is the same in every run with the same seed
    /// (which request arrives n-th still depends on timing).
    rng: Mutex<StdRng>,
    client: reqwest::Client,
    requests: AtomicU64,
    throttled: AtomicU64,
    server_errors: AtomicU64,
}

/// A running proxy.
pub struct FaultProxy {
    /// Its base URL (`http://127.0.0.1:<port>`).
    pub url: String,
    state: Arc<ProxyState>,
    task: tokio::task::JoinHandle<()>,
}

/// True for `http://127.0.0.1...`, `http://localhost...` and `http://[::1]...`.
pub fn is_loopback_url(url: &str) -> bool {
    let Some(rest) = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
    else {
        return false;
    };
    let host_port = rest.split('/').next().unwrap_or("");
    let host = if let Some(h) = host_port.strip_prefix('[') {
        h.split(']').next().unwrap_or("")
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

impl FaultProxy {
    /// Start a proxy on a free loopback port in front of `upstream` (must be loopback),
    /// failing a share `fault_p` of the requests as drawn from `rng`.
    pub async fn start(
        upstream: &str,
        service: Service,
        fault_p: f64,
        rng: StdRng,
    ) -> Result<Self, String> {
        if !is_loopback_url(upstream) {
            return Err(format!(
                "refusing to proxy to a non-loopback endpoint ({service:?})"
            ));
        }
        let client = reqwest::Client::builder()
            .no_proxy()
            .build()
            .map_err(|e| e.to_string())?;
        let state = Arc::new(ProxyState {
            upstream: upstream.trim_end_matches('/').to_string(),
            service,
            fault_p,
            rng: Mutex::new(rng),
            client,
            requests: AtomicU64::new(0),
            throttled: AtomicU64::new(0),
            server_errors: AtomicU64::new(0),
        });
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .map_err(|e| e.to_string())?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let app = Router::new().fallback(forward).with_state(state.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self {
            url: format!("http://{addr}"),
            state,
            task,
        })
    }

    /// What it did so far.
    pub fn counts(&self) -> ProxyCounts {
        ProxyCounts {
            requests: self.state.requests.load(Ordering::Relaxed),
            throttled: self.state.throttled.load(Ordering::Relaxed),
            server_errors: self.state.server_errors.load(Ordering::Relaxed),
        }
    }

    /// Stop serving.
    pub fn stop(self) {
        self.task.abort();
    }
}

fn aws_error(status: StatusCode, kind: &str, message: &str) -> Response {
    let body = serde_json::json!({ "__type": kind, "message": message }).to_string();
    Response::builder()
        .status(status)
        .header("content-type", "application/x-amz-json-1.0")
        .header("x-amzn-errortype", kind.rsplit('#').next().unwrap_or(kind))
        .body(Body::from(body))
        .unwrap_or_else(|_| Response::new(Body::empty()))
}

async fn forward(State(s): State<Arc<ProxyState>>, req: Request) -> Response {
    s.requests.fetch_add(1, Ordering::Relaxed);
    let fault = {
        let mut rng = s.rng.lock().unwrap_or_else(|p| p.into_inner());
        (rng.random::<f64>() < s.fault_p).then(|| rng.random::<bool>())
    };
    if let Some(throttle) = fault {
        return match (s.service, throttle) {
            (Service::DynamoDb, true) => {
                s.throttled.fetch_add(1, Ordering::Relaxed);
                aws_error(
                    StatusCode::BAD_REQUEST,
                    "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
                    "injected: throughput exceeded",
                )
            }
            (Service::DynamoDb, false) => {
                s.server_errors.fetch_add(1, Ordering::Relaxed);
                aws_error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "com.amazonaws.dynamodb.v20120810#InternalServerError",
                    "injected: internal server error",
                )
            }
            (Service::Sqs, true) => {
                s.throttled.fetch_add(1, Ordering::Relaxed);
                aws_error(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "com.amazonaws.sqs#ServiceUnavailable",
                    "injected: service unavailable",
                )
            }
            (Service::Sqs, false) => {
                s.server_errors.fetch_add(1, Ordering::Relaxed);
                aws_error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "com.amazonaws.sqs#InternalError",
                    "injected: internal error",
                )
            }
        };
    }
    let (parts, body) = req.into_parts();
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let url = format!("{}{}", s.upstream, path);
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024 * 1024).await else {
        return aws_error(
            StatusCode::BAD_REQUEST,
            "SerializationException",
            "proxy could not read the body",
        );
    };
    let mut out = s.client.request(parts.method, &url).body(bytes);
    for (k, v) in &parts.headers {
        if !matches!(
            k.as_str(),
            "host" | "content-length" | "connection" | "transfer-encoding"
        ) {
            out = out.header(k, v);
        }
    }
    match out.send().await {
        Ok(resp) => {
            let status = resp.status();
            let headers = resp.headers().clone();
            let body = resp.bytes().await.unwrap_or_default();
            let mut builder = Response::builder().status(status);
            for (k, v) in &headers {
                if !matches!(
                    k.as_str(),
                    "content-length" | "connection" | "transfer-encoding"
                ) {
                    builder = builder.header(k, v);
                }
            }
            builder
                .body(Body::from(body))
                .unwrap_or_else(|_| Response::new(Body::empty()))
        }
        Err(_) => aws_error(
            StatusCode::BAD_GATEWAY,
            "InternalFailure",
            "upstream unreachable",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_upstreams_are_accepted() {
        assert!(is_loopback_url("http://127.0.0.1:8000"));
        assert!(is_loopback_url("http://localhost:4566/"));
        assert!(is_loopback_url("http://[::1]:9000"));
        assert!(!is_loopback_url("https://dynamodb.us-east-1.amazonaws.com"));
        assert!(!is_loopback_url("http://10.0.0.5:8000"));
        assert!(!is_loopback_url("127.0.0.1:8000"));
    }
}
