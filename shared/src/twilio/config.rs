//! Twilio configuration from the environment. The Twilio routes are off (`None`) unless
//! `TWILIO_AUTH_TOKEN` is set; when it is, everything the routes need must be valid.

use std::fmt;
use std::time::Duration;

use crate::twilio::twiml::DialTarget;
use crate::twilio::vapi_api::AssistantRef;
use crate::twilio::vapi_http::DEFAULT_VAPI_API_BASE;
use crate::webhook::answers::is_e164;

/// Default deadline for Vapi's `POST /call` during an inbound call (Twilio waits 15 s).
pub const DEFAULT_VAPI_DEADLINE_MS: u64 = 8_000;
/// Default apology spoken when the call cannot be handed to Vapi.
pub const DEFAULT_FALLBACK_MESSAGE: &str =
    "Sorry, we cannot take your call right now. Please try again in a few minutes.";

/// A Twilio configuration error, naming the variable (values are never echoed: the token
/// and the API key are secrets).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TwilioConfigError {
    /// A variable the Twilio routes need is not set.
    #[error("{variable} is required when TWILIO_AUTH_TOKEN is set: {why}")]
    Missing {
        /// The variable.
        variable: &'static str,
        /// What it is for.
        why: &'static str,
    },
    /// A variable has an unusable value.
    #[error("{variable} is invalid: {reason}")]
    Invalid {
        /// The variable.
        variable: &'static str,
        /// What is expected.
        reason: &'static str,
    },
}

impl TwilioConfigError {
    /// The variable at fault.
    pub fn variable(&self) -> &'static str {
        match self {
            Self::Missing { variable, .. } | Self::Invalid { variable, .. } => variable,
        }
    }
}

/// Everything the Twilio routes need. `Debug` never prints the token or the API key.
#[derive(Clone)]
pub struct TwilioConfig {
    /// `TWILIO_AUTH_TOKEN`: auth tokens (comma-separated for rotation).
    pub auth_tokens: Vec<String>,
    /// `PUBLIC_BASE_URL`: scheme + host (+ stage or base path) of the URL Twilio calls,
    /// without a trailing slash.
    pub public_base_url: String,
    /// `VAPI_API_BASE` (default `https://api.vapi.ai`).
    pub vapi_api_base: String,
    /// `VAPI_API_KEY`: Vapi private API key.
    pub vapi_api_key: String,
    /// `VAPI_PHONE_NUMBER_ID`: the Twilio number as imported into Vapi.
    pub phone_number_id: String,
    /// `VAPI_ASSISTANT_ID`, else the phone number's own assistant (see
    /// [`TwilioConfig::with_default_assistant`]).
    pub assistant: AssistantRef,
    /// `HUMAN_ESCALATION_NUMBER` (E.164) or `HUMAN_ESCALATION_SIP`: dialled by the fallback.
    pub escalation: Option<DialTarget>,
    /// `TWILIO_FALLBACK_MESSAGE`: spoken by the fallback.
    pub fallback_message: String,
    /// `TWILIO_VAPI_DEADLINE_MS` (default 8000, 500..=14000): budget for `POST /call`.
    pub vapi_deadline: Duration,
}

impl fmt::Debug for TwilioConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TwilioConfig")
            .field(
                "auth_tokens",
                &format_args!("{} token(s)", self.auth_tokens.len()),
            )
            .field("public_base_url", &self.public_base_url)
            .field("vapi_api_base", &self.vapi_api_base)
            .field("vapi_api_key", &"<redacted>")
            .field("phone_number_id", &self.phone_number_id)
            .field(
                "assistant",
                &match &self.assistant {
                    AssistantRef::Id(id) => format!("id {id}"),
                    AssistantRef::Transient(_) => "transient".to_string(),
                    AssistantRef::PhoneNumberDefault => "phone number default".to_string(),
                },
            )
            .field("escalation_configured", &self.escalation.is_some())
            .field("vapi_deadline", &self.vapi_deadline)
            .finish()
    }
}

impl TwilioConfig {
    /// Read from the process environment; `Ok(None)` when `TWILIO_AUTH_TOKEN` is unset.
    pub fn from_env() -> Result<Option<TwilioConfig>, TwilioConfigError> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// Read through `get`; `Ok(None)` when `TWILIO_AUTH_TOKEN` is unset or empty.
    pub fn from_lookup(
        get: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<TwilioConfig>, TwilioConfigError> {
        let value = |name: &str| {
            get(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let Some(tokens) = value("TWILIO_AUTH_TOKEN") else {
            return Ok(None);
        };
        let auth_tokens: Vec<String> = tokens
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect();
        if auth_tokens.is_empty() {
            return Err(TwilioConfigError::Invalid {
                variable: "TWILIO_AUTH_TOKEN",
                reason: "contains no token (expected a comma-separated list)",
            });
        }
        let public_base_url = value("PUBLIC_BASE_URL").ok_or(TwilioConfigError::Missing {
            variable: "PUBLIC_BASE_URL",
            why: "the scheme and host (plus any stage path) of the URL Twilio calls, to check its signature",
        })?;
        let public_base_url = checked_base_url("PUBLIC_BASE_URL", &public_base_url)?;
        let vapi_api_base = match value("VAPI_API_BASE") {
            Some(base) => checked_base_url("VAPI_API_BASE", &base)?,
            None => DEFAULT_VAPI_API_BASE.to_string(),
        };
        let vapi_api_key = value("VAPI_API_KEY").ok_or(TwilioConfigError::Missing {
            variable: "VAPI_API_KEY",
            why: "the Vapi private API key, to hand inbound calls to Vapi",
        })?;
        let phone_number_id = value("VAPI_PHONE_NUMBER_ID").ok_or(TwilioConfigError::Missing {
            variable: "VAPI_PHONE_NUMBER_ID",
            why: "the id of the Twilio number imported into Vapi",
        })?;
        let assistant = value("VAPI_ASSISTANT_ID")
            .map(AssistantRef::Id)
            .unwrap_or(AssistantRef::PhoneNumberDefault);
        let escalation = match (
            value("HUMAN_ESCALATION_NUMBER"),
            value("HUMAN_ESCALATION_SIP"),
        ) {
            (Some(number), _) if is_e164(&number) => Some(DialTarget::Number(number)),
            (Some(_), _) => {
                return Err(TwilioConfigError::Invalid {
                    variable: "HUMAN_ESCALATION_NUMBER",
                    reason: "expected an E.164 number such as +14155550177",
                })
            }
            (None, Some(uri)) if uri.starts_with("sip:") || uri.starts_with("sips:") => {
                Some(DialTarget::Sip(uri))
            }
            (None, Some(_)) => {
                return Err(TwilioConfigError::Invalid {
                    variable: "HUMAN_ESCALATION_SIP",
                    reason: "expected a SIP URI such as sip:support@pbx.example.com",
                })
            }
            (None, None) => None,
        };
        let fallback_message = value("TWILIO_FALLBACK_MESSAGE")
            .unwrap_or_else(|| DEFAULT_FALLBACK_MESSAGE.to_string());
        let vapi_deadline = match value("TWILIO_VAPI_DEADLINE_MS") {
            Some(ms) => ms
                .parse::<u64>()
                .ok()
                .filter(|ms| (500..=14_000).contains(ms))
                .map(Duration::from_millis)
                .ok_or(TwilioConfigError::Invalid {
                    variable: "TWILIO_VAPI_DEADLINE_MS",
                    reason: "expected milliseconds between 500 and 14000 (Twilio waits 15 s)",
                })?,
            None => Duration::from_millis(DEFAULT_VAPI_DEADLINE_MS),
        };
        Ok(Some(TwilioConfig {
            auth_tokens,
            public_base_url,
            vapi_api_base,
            vapi_api_key,
            phone_number_id,
            assistant,
            escalation,
            fallback_message,
            vapi_deadline,
        }))
    }

    /// Use the assistant of the webhook's `assistant-request` answer when
    /// `VAPI_ASSISTANT_ID` is not set, so inbound Twilio calls get the same assistant.
    pub fn with_default_assistant(mut self, assistant_answer: &[u8]) -> TwilioConfig {
        if self.assistant == AssistantRef::PhoneNumberDefault {
            self.assistant = AssistantRef::from_assistant_answer(assistant_answer);
        }
        self
    }
}

/// `http(s)://host[:port][/path]`, no query, fragment or credentials; trailing slash
/// removed.
pub(crate) fn checked_base_url(
    variable: &'static str,
    raw: &str,
) -> Result<String, TwilioConfigError> {
    let invalid = TwilioConfigError::Invalid {
        variable,
        reason: "expected http(s)://host[/path] without query, fragment or credentials",
    };
    let rest = raw
        .strip_prefix("https://")
        .or_else(|| raw.strip_prefix("http://"))
        .ok_or(invalid.clone())?;
    let host_end = rest.find('/').unwrap_or(rest.len());
    let host = &rest[..host_end];
    if host.is_empty()
        || host.contains('@')
        || rest.contains(['?', '#'])
        || rest.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(invalid);
    }
    Ok(raw.trim_end_matches('/').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn cfg(pairs: &[(&str, &str)]) -> Result<Option<TwilioConfig>, TwilioConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        TwilioConfig::from_lookup(move |k| map.get(k).cloned())
    }

    const BASE: &[(&str, &str)] = &[
        ("TWILIO_AUTH_TOKEN", "tok1, tok2"),
        ("PUBLIC_BASE_URL", "https://abc.example.com/prod/"),
        ("VAPI_API_KEY", "key-123"),
        ("VAPI_PHONE_NUMBER_ID", "pn-1"),
    ];

    fn with(extra: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
        let mut v = BASE.to_vec();
        v.extend_from_slice(extra);
        v
    }

    #[test]
    fn disabled_without_token() {
        assert!(cfg(&[]).unwrap().is_none());
        assert!(cfg(&[("TWILIO_AUTH_TOKEN", "  ")]).unwrap().is_none());
    }

    #[test]
    fn full_config_and_defaults() {
        let c = cfg(BASE).unwrap().unwrap();
        assert_eq!(c.auth_tokens, vec!["tok1", "tok2"]);
        assert_eq!(c.public_base_url, "https://abc.example.com/prod");
        assert_eq!(c.vapi_api_base, "https://api.vapi.ai");
        assert_eq!(c.assistant, AssistantRef::PhoneNumberDefault);
        assert_eq!(c.vapi_deadline, Duration::from_millis(8000));
        assert!(c.escalation.is_none());
        let shown = format!("{c:?}");
        assert!(
            !shown.contains("tok1") && !shown.contains("key-123"),
            "{shown}"
        );
        let c = c.with_default_assistant(br#"{"assistantId":"a-9"}"#);
        assert_eq!(c.assistant, AssistantRef::Id("a-9".into()));
        let c = cfg(&with(&[
            ("VAPI_ASSISTANT_ID", "a-1"),
            ("HUMAN_ESCALATION_NUMBER", "+14155550177"),
        ]))
        .unwrap()
        .unwrap()
        .with_default_assistant(br#"{"assistantId":"a-9"}"#);
        assert_eq!(c.assistant, AssistantRef::Id("a-1".into()));
        assert_eq!(
            c.escalation,
            Some(DialTarget::Number("+14155550177".into()))
        );
    }

    #[test]
    fn errors_name_the_variable() {
        let cases: &[(&[(&str, &str)], &str)] = &[
            (&[("TWILIO_AUTH_TOKEN", ",")], "TWILIO_AUTH_TOKEN"),
            (&[("TWILIO_AUTH_TOKEN", "t")], "PUBLIC_BASE_URL"),
            (
                &[("TWILIO_AUTH_TOKEN", "t"), ("PUBLIC_BASE_URL", "ftp://x")],
                "PUBLIC_BASE_URL",
            ),
            (
                &[
                    ("TWILIO_AUTH_TOKEN", "t"),
                    ("PUBLIC_BASE_URL", "https://u:p@x.test"),
                ],
                "PUBLIC_BASE_URL",
            ),
            (
                &[
                    ("TWILIO_AUTH_TOKEN", "t"),
                    ("PUBLIC_BASE_URL", "https://x.test/?a=1"),
                ],
                "PUBLIC_BASE_URL",
            ),
            (
                &[
                    ("TWILIO_AUTH_TOKEN", "t"),
                    ("PUBLIC_BASE_URL", "https://x.test"),
                ],
                "VAPI_API_KEY",
            ),
            (
                &[
                    ("TWILIO_AUTH_TOKEN", "t"),
                    ("PUBLIC_BASE_URL", "https://x.test"),
                    ("VAPI_API_KEY", "k"),
                ],
                "VAPI_PHONE_NUMBER_ID",
            ),
        ];
        for (env, variable) in cases {
            let err = cfg(env).unwrap_err();
            assert_eq!(err.variable(), *variable, "{env:?}");
            assert!(err.to_string().contains(variable));
        }
        for (extra, variable) in [
            (("VAPI_API_BASE", "api.vapi.ai"), "VAPI_API_BASE"),
            (
                ("HUMAN_ESCALATION_NUMBER", "555-1234"),
                "HUMAN_ESCALATION_NUMBER",
            ),
            (
                ("HUMAN_ESCALATION_SIP", "tel:+1555"),
                "HUMAN_ESCALATION_SIP",
            ),
            (
                ("TWILIO_VAPI_DEADLINE_MS", "20000"),
                "TWILIO_VAPI_DEADLINE_MS",
            ),
            (
                ("TWILIO_VAPI_DEADLINE_MS", "fast"),
                "TWILIO_VAPI_DEADLINE_MS",
            ),
        ] {
            let err = cfg(&with(&[extra])).unwrap_err();
            assert_eq!(err.variable(), variable);
            assert!(!err.to_string().contains("key-123"));
        }
    }
}
