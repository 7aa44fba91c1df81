//! Webhook configuration: environment variables with documented defaults, parsed and
//! validated once at start. A bad value fails start with a message naming the variable.

use std::time::Duration;

use bytes::Bytes;

use crate::auth::{AuthConfig, AuthConfigError};
use crate::webhook::answers::{
    is_e164, validate_assistant_answer, AssistantConfigError, Escalation, EscalationTarget,
    DEFAULT_ASSISTANT_JSON,
};

/// Default cap on request bodies: 5 MB (Lambda's synchronous payload limit is 6 MB).
pub const DEFAULT_MAX_BODY_BYTES: usize = 5 * 1024 * 1024;
/// Default tool deadline: 4 s, well below Vapi's default 20 s `server.timeoutSeconds`.
pub const DEFAULT_TOOL_DEADLINE_MS: u64 = 4000;
/// Default spoken sentence before a transfer to a human.
pub const DEFAULT_ESCALATION_MESSAGE: &str = "Let me connect you with a member of our team.";

/// A configuration error at start: names the variable and what is wrong.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// Authentication configuration is missing or invalid.
    #[error(transparent)]
    Auth(#[from] AuthConfigError),
    /// The assistant answer file is unreadable or invalid.
    #[error(transparent)]
    Assistant(#[from] AssistantConfigError),
    /// The Twilio routes are misconfigured.
    #[error(transparent)]
    Twilio(#[from] crate::twilio::TwilioSetupError),
    /// A variable has a value that cannot be used.
    #[error("{var}: {reason}")]
    Invalid {
        /// Variable name.
        var: &'static str,
        /// What is wrong and what is expected.
        reason: String,
    },
}

/// Everything the webhook handler needs from the environment.
#[derive(Debug, Clone)]
pub struct WebhookConfig {
    /// Accepted authentication schemes and secrets.
    pub auth: AuthConfig,
    /// `MAX_BODY_BYTES`: bodies above it get 413 (default 5 MB).
    pub max_body_bytes: usize,
    /// `TOOL_DEADLINE_MS`: budget for all tool calls of one message (default 4000).
    pub tool_deadline: Duration,
    /// The `assistant-request` answer (`ASSISTANT_CONFIG` file, default the shipped
    /// `config/assistant.json`), validated compact JSON.
    pub assistant_answer: Bytes,
    /// `HUMAN_ESCALATION_NUMBER` (E.164) or `HUMAN_ESCALATION_SIP` plus
    /// `HUMAN_ESCALATION_MESSAGE`.
    pub escalation: Option<Escalation>,
    /// `PUBLIC_BASE_URL`: scheme+host(+stage) the sender calls; used for `{url}` in HMAC
    /// payload templates. Without it the URL is rebuilt from the `Host` header.
    pub public_base_url: Option<String>,
}

fn parse_number<T: std::str::FromStr>(
    get: &impl Fn(&str) -> Option<String>,
    var: &'static str,
    default: T,
    valid: impl Fn(&T) -> bool,
    expected: &str,
) -> Result<T, ConfigError> {
    match get(var)
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
    {
        None => Ok(default),
        Some(v) => match v.parse::<T>() {
            Ok(n) if valid(&n) => Ok(n),
            _ => Err(ConfigError::Invalid {
                var,
                reason: format!("expected {expected}"),
            }),
        },
    }
}

/// The human escalation destination (`HUMAN_ESCALATION_NUMBER` or `HUMAN_ESCALATION_SIP`,
/// plus `HUMAN_ESCALATION_MESSAGE`), shared by the webhook and the worker.
pub fn escalation_from_lookup(
    get: &impl Fn(&str) -> Option<String>,
) -> Result<Option<Escalation>, ConfigError> {
    let message = get("HUMAN_ESCALATION_MESSAGE")
        .filter(|m| !m.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_ESCALATION_MESSAGE.to_owned());
    let number = get("HUMAN_ESCALATION_NUMBER").filter(|v| !v.trim().is_empty());
    let sip = get("HUMAN_ESCALATION_SIP").filter(|v| !v.trim().is_empty());
    Ok(match (number, sip) {
        (Some(n), _) => {
            let n = n.trim().to_owned();
            if !is_e164(&n) {
                return Err(ConfigError::Invalid {
                    var: "HUMAN_ESCALATION_NUMBER",
                    reason: "expected an E.164 number such as +14155550177".into(),
                });
            }
            Some(Escalation {
                target: EscalationTarget::Number(n),
                message,
            })
        }
        (None, Some(uri)) => {
            let uri = uri.trim().to_owned();
            if !(uri.starts_with("sip:") || uri.starts_with("sips:")) {
                return Err(ConfigError::Invalid {
                    var: "HUMAN_ESCALATION_SIP",
                    reason: "expected a SIP URI such as sip:support@pbx.example.com".into(),
                });
            }
            Some(Escalation {
                target: EscalationTarget::Sip(uri),
                message,
            })
        }
        (None, None) => None,
    })
}

impl WebhookConfig {
    /// Read the configuration from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// Read the configuration through `get` (tests pass a map).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let auth = AuthConfig::from_lookup(&get)?;
        let max_body_bytes = parse_number(
            &get,
            "MAX_BODY_BYTES",
            DEFAULT_MAX_BODY_BYTES,
            |n| *n >= 1024,
            "a byte count of at least 1024",
        )?;
        let tool_deadline_ms = parse_number(
            &get,
            "TOOL_DEADLINE_MS",
            DEFAULT_TOOL_DEADLINE_MS,
            |n| (100..=19_000).contains(n),
            "milliseconds between 100 and 19000 (below Vapi's 20 s default timeout)",
        )?;
        let assistant_answer = match get("ASSISTANT_CONFIG").filter(|p| !p.trim().is_empty()) {
            None => validate_assistant_answer(DEFAULT_ASSISTANT_JSON)?,
            Some(path) => {
                let text =
                    std::fs::read_to_string(&path).map_err(|e| AssistantConfigError::Read {
                        path: path.clone(),
                        reason: e.to_string(),
                    })?;
                validate_assistant_answer(&text)?
            }
        };
        let escalation = escalation_from_lookup(&get)?;
        let public_base_url = match get("PUBLIC_BASE_URL").filter(|v| !v.trim().is_empty()) {
            None => None,
            Some(u) => {
                let u = u.trim().trim_end_matches('/').to_owned();
                if !(u.starts_with("https://") || u.starts_with("http://")) {
                    return Err(ConfigError::Invalid {
                        var: "PUBLIC_BASE_URL",
                        reason: "expected an absolute http(s) URL such as https://abc.execute-api.us-west-2.amazonaws.com".into(),
                    });
                }
                Some(u)
            }
        };
        Ok(Self {
            auth,
            max_body_bytes,
            tool_deadline: Duration::from_millis(tool_deadline_ms),
            assistant_answer,
            escalation,
            public_base_url,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(pairs: &[(&str, &str)]) -> Result<WebhookConfig, ConfigError> {
        let env: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        WebhookConfig::from_lookup(|k| env.get(k).cloned())
    }

    #[test]
    fn defaults_apply_with_one_scheme() {
        let c = config(&[("VAPI_SECRET", "s")]).expect("valid");
        assert_eq!(c.max_body_bytes, DEFAULT_MAX_BODY_BYTES);
        assert_eq!(
            c.tool_deadline,
            Duration::from_millis(DEFAULT_TOOL_DEADLINE_MS)
        );
        assert!(c.escalation.is_none());
        assert!(!c.assistant_answer.is_empty());
    }

    #[test]
    fn no_scheme_fails_naming_the_variables() {
        let err = config(&[]).expect_err("must refuse to start").to_string();
        for var in [
            "VAPI_SECRET",
            "VAPI_HMAC_SECRET",
            "CALLWARDEN_ALLOW_UNAUTHENTICATED",
        ] {
            assert!(err.contains(var), "message names {var}: {err}");
        }
        let c = config(&[("CALLWARDEN_ALLOW_UNAUTHENTICATED", "true")]).expect("explicit opt-in");
        assert!(c.auth.allows_unauthenticated());
    }

    #[test]
    fn bad_values_name_their_variable() {
        let cases: [(&[(&str, &str)], &str); 6] = [
            (&[("MAX_BODY_BYTES", "lots")], "MAX_BODY_BYTES"),
            (&[("TOOL_DEADLINE_MS", "25000")], "TOOL_DEADLINE_MS"),
            (
                &[("HUMAN_ESCALATION_NUMBER", "555-0177")],
                "HUMAN_ESCALATION_NUMBER",
            ),
            (
                &[("HUMAN_ESCALATION_SIP", "tel:123")],
                "HUMAN_ESCALATION_SIP",
            ),
            (&[("PUBLIC_BASE_URL", "example.com")], "PUBLIC_BASE_URL"),
            (
                &[("ASSISTANT_CONFIG", "/nonexistent/assistant.json")],
                "ASSISTANT_CONFIG",
            ),
        ];
        for (pairs, var) in cases {
            let mut all = vec![("VAPI_SECRET", "s")];
            all.extend_from_slice(pairs);
            let err = config(&all).expect_err(var).to_string();
            assert!(err.contains(var), "{var}: {err}");
        }
    }

    #[test]
    fn escalation_number_and_sip() {
        let c = config(&[
            ("VAPI_SECRET", "s"),
            ("HUMAN_ESCALATION_NUMBER", "+14155550177"),
        ])
        .expect("valid");
        assert_eq!(
            c.escalation.map(|e| e.target),
            Some(EscalationTarget::Number("+14155550177".into()))
        );
        let c = config(&[
            ("VAPI_SECRET", "s"),
            ("HUMAN_ESCALATION_SIP", "sip:desk@pbx.example.com"),
        ])
        .expect("valid");
        assert!(matches!(
            c.escalation.map(|e| e.target),
            Some(EscalationTarget::Sip(_))
        ));
    }
}
