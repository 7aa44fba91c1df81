//! The CRM port over an existing system's HTTP JSON API (`CRM_BASE_URL`, bearer
//! `CRM_API_TOKEN`). The API this adapter speaks is documented in `docs/crm.md`:
//!
//! | request | answer |
//! |---|---|
//! | `POST /customers/search` `{"phone": "+1..."}` | customer, or 404 |
//! | `GET /customers/{id}` | customer, or 404 |
//! | `GET /accounts/{id}` | account, or 404 |
//! | `GET /tickets/{id}` | ticket, or 404 |
//! | `GET /customers/{id}/tickets?status=open` | `[ticket]` or `{"tickets": [...]}` |
//! | `POST /tickets` + `Idempotency-Key` | the ticket (the same one for a repeated key) |
//! | `POST /calls/{callId}/notes` + `Idempotency-Key` | 2xx; 409 = note already there |
//!
//! The phone number travels in a POST body, never in a URL (URLs end up in access logs).
//! Each request has its own timeout; 5xx, 429, timeouts and connection failures are
//! retried with jittered exponential backoff (start 500 ms, cap 5 s), never past the
//! caller's deadline; 404 is "not found"; 401/403 name the token; other 4xx are refused at
//! once. Unknown fields of the answers are ignored, so a remote that returns full card
//! numbers or dates of birth never gets them into a tool result.

use std::time::Duration;

use async_trait::async_trait;
use rand::Rng;
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use crate::ports::crm::{
    Account, CallNote, Crm, CrmError, Customer, Deadline, NewTicket, NoteOutcome, Ticket,
};

/// Configuration of the HTTP CRM.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpCrmConfig {
    /// Base URL, without a trailing slash (`https://crm.example.com/api`).
    pub base_url: String,
    /// Bearer token (secret: never logged, not in `Debug`).
    pub token: String,
    /// Timeout of one request.
    pub request_timeout: Duration,
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// First backoff (500 ms).
    pub backoff_start: Duration,
    /// Backoff cap (5 s).
    pub backoff_cap: Duration,
}

impl std::fmt::Debug for HttpCrmConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpCrmConfig")
            .field("base_url", &self.base_url)
            .field("token", &"<redacted>")
            .field("request_timeout", &self.request_timeout)
            .field("max_retries", &self.max_retries)
            .finish()
    }
}

impl HttpCrmConfig {
    /// Defaults for `base_url` and `token`: 1.5 s per request, 2 retries, backoff 500 ms
    /// doubling up to 5 s.
    pub fn new(base_url: impl Into<String>, token: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into().trim_end_matches('/').to_owned(),
            token: token.into(),
            request_timeout: Duration::from_millis(1500),
            max_retries: 2,
            backoff_start: Duration::from_millis(500),
            backoff_cap: Duration::from_secs(5),
        }
    }
}

/// The backoff before retry number `retry` (0-based): exponential from `start`, capped at
/// `cap`, with "equal jitter" (half fixed, half random) so retries of many callers spread.
pub fn backoff_delay(start: Duration, cap: Duration, retry: u32, rng: &mut impl Rng) -> Duration {
    let exp = start.saturating_mul(2u32.saturating_pow(retry.min(16)));
    let base = exp.min(cap);
    let half = base / 2;
    let jitter_ms = rng.random_range(0..=u64::try_from(half.as_millis()).unwrap_or(u64::MAX));
    half + Duration::from_millis(jitter_ms)
}

/// The CRM port over HTTP.
#[derive(Debug, Clone)]
pub struct HttpCrm {
    client: reqwest::Client,
    config: HttpCrmConfig,
}

enum Attempt {
    Done(reqwest::Response),
    Retry(CrmError),
}

/// Path segments are ids we validated; still, anything outside `[A-Za-z0-9_.-]` is
/// percent-encoded.
fn segment(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl HttpCrm {
    /// An adapter for `config` (rustls; no redirects: a redirect would carry the token
    /// elsewhere).
    pub fn new(config: HttpCrmConfig) -> Result<Self, CrmError> {
        if reqwest::Url::parse(&config.base_url).is_err() {
            return Err(CrmError::Misconfigured("CRM_BASE_URL is not a URL".into()));
        }
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| CrmError::Misconfigured(format!("HTTP client: {}", e.without_url())))?;
        Ok(Self { client, config })
    }

    async fn attempt(
        &self,
        method: &Method,
        url: &str,
        body: Option<&Value>,
        key: Option<&str>,
        deadline: Deadline,
    ) -> Attempt {
        let timeout = self.config.request_timeout.min(deadline.remaining());
        if timeout.is_zero() {
            return Attempt::Retry(CrmError::Timeout);
        }
        let mut req = self
            .client
            .request(method.clone(), url)
            .bearer_auth(&self.config.token)
            .timeout(timeout);
        if let Some(b) = body {
            req = req.json(b);
        }
        if let Some(k) = key {
            req = req.header("Idempotency-Key", k);
        }
        match req.send().await {
            Ok(res)
                if res.status().is_server_error()
                    || res.status() == StatusCode::TOO_MANY_REQUESTS =>
            {
                Attempt::Retry(CrmError::Unavailable(format!(
                    "status {}",
                    res.status().as_u16()
                )))
            }
            Ok(res) => Attempt::Done(res),
            Err(e) if e.is_timeout() => Attempt::Retry(CrmError::Timeout),
            Err(e) => Attempt::Retry(CrmError::Unavailable(format!(
                "request failed: {}",
                e.without_url()
            ))),
        }
    }

    /// Send with bounded retries; the final non-retriable response, or the last error.
    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        key: Option<&str>,
        deadline: Deadline,
    ) -> Result<reqwest::Response, CrmError> {
        let url = format!("{}{}", self.config.base_url, path);
        let mut retry = 0;
        loop {
            let err = match self
                .attempt(&method, &url, body.as_ref(), key, deadline)
                .await
            {
                Attempt::Done(res) => return Ok(res),
                Attempt::Retry(e) => e,
            };
            if retry >= self.config.max_retries {
                return Err(err);
            }
            let delay = backoff_delay(
                self.config.backoff_start,
                self.config.backoff_cap,
                retry,
                &mut rand::rng(),
            );
            // Never past the deadline: stop when the pause would leave no time to try.
            if delay + Duration::from_millis(50) >= deadline.remaining() {
                return Err(match err {
                    CrmError::Unavailable(_) => err,
                    _ => CrmError::Timeout,
                });
            }
            tracing::debug!(target: "callwarden::crm_http", retry, delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX), "retrying CRM request");
            tokio::time::sleep(delay).await;
            retry += 1;
        }
    }

    async fn parse<T: DeserializeOwned>(res: reqwest::Response) -> Result<T, CrmError> {
        let bytes = res.bytes().await.map_err(|e| {
            CrmError::Unavailable(format!("reading the answer: {}", e.without_url()))
        })?;
        serde_json::from_slice(&bytes)
            .map_err(|e| CrmError::Malformed(format!("line {} column {}", e.line(), e.column())))
    }

    fn refused(status: StatusCode) -> CrmError {
        match status {
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => CrmError::Misconfigured(format!(
                "the CRM refused CRM_API_TOKEN (status {})",
                status.as_u16()
            )),
            s => CrmError::Rejected { status: s.as_u16() },
        }
    }

    async fn get_optional<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        deadline: Deadline,
    ) -> Result<Option<T>, CrmError> {
        let res = self.send(method, path, body, None, deadline).await?;
        match res.status() {
            s if s.is_success() => Self::parse(res).await.map(Some),
            StatusCode::NOT_FOUND => Ok(None),
            s => Err(Self::refused(s)),
        }
    }
}

#[async_trait]
impl Crm for HttpCrm {
    async fn find_customer_by_phone(
        &self,
        phone: &str,
        deadline: Deadline,
    ) -> Result<Option<Customer>, CrmError> {
        self.get_optional(
            Method::POST,
            "/customers/search",
            Some(json!({ "phone": phone })),
            deadline,
        )
        .await
    }

    async fn get_customer(
        &self,
        customer_id: &str,
        deadline: Deadline,
    ) -> Result<Option<Customer>, CrmError> {
        self.get_optional(
            Method::GET,
            &format!("/customers/{}", segment(customer_id)),
            None,
            deadline,
        )
        .await
    }

    async fn get_account(
        &self,
        account_id: &str,
        deadline: Deadline,
    ) -> Result<Option<Account>, CrmError> {
        self.get_optional(
            Method::GET,
            &format!("/accounts/{}", segment(account_id)),
            None,
            deadline,
        )
        .await
    }

    async fn get_ticket(
        &self,
        ticket_id: &str,
        deadline: Deadline,
    ) -> Result<Option<Ticket>, CrmError> {
        self.get_optional(
            Method::GET,
            &format!("/tickets/{}", segment(ticket_id)),
            None,
            deadline,
        )
        .await
    }

    async fn open_tickets(
        &self,
        customer_id: &str,
        deadline: Deadline,
    ) -> Result<Vec<Ticket>, CrmError> {
        let path = format!("/customers/{}/tickets?status=open", segment(customer_id));
        let Some(v) = self
            .get_optional::<Value>(Method::GET, &path, None, deadline)
            .await?
        else {
            return Ok(Vec::new());
        };
        let list = match v {
            Value::Array(_) => v,
            Value::Object(mut o) => o.remove("tickets").unwrap_or(Value::Array(Vec::new())),
            _ => return Err(CrmError::Malformed("expected a list of tickets".into())),
        };
        let tickets: Vec<Ticket> =
            serde_json::from_value(list).map_err(|_| CrmError::Malformed("ticket list".into()))?;
        Ok(tickets
            .into_iter()
            .filter(Ticket::is_open)
            .take(20)
            .collect())
    }

    async fn create_ticket(
        &self,
        ticket: &NewTicket,
        deadline: Deadline,
    ) -> Result<Ticket, CrmError> {
        let body = json!({
            "subject": ticket.subject,
            "description": ticket.description,
            "priority": ticket.priority,
            "customerId": ticket.customer_id,
            "callId": ticket.call_id,
        });
        let res = self
            .send(
                Method::POST,
                "/tickets",
                Some(body),
                Some(&ticket.idempotency_key),
                deadline,
            )
            .await?;
        match res.status() {
            s if s.is_success() => Self::parse(res).await,
            s => Err(Self::refused(s)),
        }
    }

    async fn add_call_note(
        &self,
        note: &CallNote,
        deadline: Deadline,
    ) -> Result<NoteOutcome, CrmError> {
        let path = format!("/calls/{}/notes", segment(&note.call_id));
        let key = format!("note-{}", segment(&note.call_id));
        let body = serde_json::to_value(note).map_err(|e| CrmError::Malformed(e.to_string()))?;
        let res = self
            .send(Method::POST, &path, Some(body), Some(&key), deadline)
            .await?;
        match res.status() {
            StatusCode::CONFLICT => Ok(NoteOutcome::AlreadyPresent),
            s if s.is_success() => Ok(NoteOutcome::Added),
            s => Err(Self::refused(s)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn backoff_starts_at_500ms_doubles_and_caps_at_5s() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let start = Duration::from_millis(500);
        let cap = Duration::from_secs(5);
        for _ in 0..200 {
            let d0 = backoff_delay(start, cap, 0, &mut rng);
            assert!(d0 >= Duration::from_millis(250) && d0 <= start, "{d0:?}");
            let d2 = backoff_delay(start, cap, 2, &mut rng);
            assert!(
                d2 >= Duration::from_millis(1000) && d2 <= Duration::from_millis(2000),
                "{d2:?}"
            );
            let d9 = backoff_delay(start, cap, 9, &mut rng);
            assert!(d9 >= Duration::from_millis(2500) && d9 <= cap, "{d9:?}");
        }
    }

    #[test]
    fn ids_are_encoded_in_paths_and_the_token_is_not_debug_printed() {
        assert_eq!(segment("TKT-44109"), "TKT-44109");
        assert_eq!(segment("a/../b"), "a%2F..%2Fb");
        let c = HttpCrmConfig::new("https://crm.example.com/", "s3cret-token");
        assert_eq!(c.base_url, "https://crm.example.com");
        assert!(!format!("{c:?}").contains("s3cret"));
    }
}
