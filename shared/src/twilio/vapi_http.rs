//! [`VapiApi`] over HTTPS with reqwest: bearer `VAPI_API_KEY`, a per-request timeout, no
//! redirects (the key is never sent anywhere but the configured base URL).

use std::fmt;
use std::time::Duration;

use async_trait::async_trait;

use crate::twilio::vapi_api::{CreateCall, CreatedCall, VapiApi, VapiApiError};

/// Default Vapi API base URL.
pub const DEFAULT_VAPI_API_BASE: &str = "https://api.vapi.ai";

/// Largest answer body read from Vapi (a call object is a few KB).
const MAX_ANSWER_BYTES: usize = 1024 * 1024;

/// The Vapi REST API through reqwest.
#[derive(Clone)]
pub struct HttpVapiApi {
    client: reqwest::Client,
    base: String,
    api_key: String,
    timeout: Duration,
}

impl fmt::Debug for HttpVapiApi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpVapiApi")
            .field("base", &self.base)
            .field("api_key", &"<redacted>")
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl HttpVapiApi {
    /// A client for `base` (e.g. `https://api.vapi.ai`; a trailing slash is ignored) that
    /// gives every request at most `timeout`.
    pub fn new(base: &str, api_key: &str, timeout: Duration) -> Result<HttpVapiApi, VapiApiError> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(timeout)
            .timeout(timeout)
            .user_agent(concat!("callwarden/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| VapiApiError::Transport(format!("HTTP client: {e}")))?;
        Ok(HttpVapiApi {
            client,
            base: base.trim_end_matches('/').to_string(),
            api_key: api_key.to_string(),
            timeout,
        })
    }

    fn timeout_ms(&self) -> u64 {
        u64::try_from(self.timeout.as_millis()).unwrap_or(u64::MAX)
    }

    fn map_error(&self, e: reqwest::Error) -> VapiApiError {
        if e.is_timeout() {
            VapiApiError::Timeout(self.timeout_ms())
        } else {
            // The error and its causes (connection refused, DNS, TLS), without the URL.
            let e = e.without_url();
            let mut message = e.to_string();
            let mut cause = std::error::Error::source(&e);
            while let Some(c) = cause {
                message.push_str(": ");
                message.push_str(&c.to_string());
                cause = c.source();
            }
            VapiApiError::Transport(message)
        }
    }
}

#[async_trait]
impl VapiApi for HttpVapiApi {
    async fn create_call(&self, call: &CreateCall) -> Result<CreatedCall, VapiApiError> {
        let mut response = self
            .client
            .post(format!("{}/call", self.base))
            .bearer_auth(&self.api_key)
            .json(&call.to_json())
            .send()
            .await
            .map_err(|e| self.map_error(e))?;
        let status = response.status();
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| self.map_error(e))? {
            if body.len() + chunk.len() > MAX_ANSWER_BYTES {
                return Err(VapiApiError::InvalidResponse(
                    "the answer is larger than 1 MiB",
                ));
            }
            body.extend_from_slice(&chunk);
        }
        if status.is_success() {
            CreatedCall::from_json(&body)
        } else {
            Err(VapiApiError::from_status(status.as_u16(), &body))
        }
    }
}
