//! CRM configuration from the environment and the constructors the binaries call.
//!
//! | variable | meaning | default |
//! |---|---|---|
//! | `TABLE_NAME` | the project's DynamoDB table: built-in CRM items, pending records, receipts, idempotency records | required |
//! | `CRM_BASE_URL` | use an existing CRM over HTTP instead of the built-in one | unset (built-in) |
//! | `CRM_API_TOKEN` | bearer token of the HTTP CRM | required with `CRM_BASE_URL` |
//! | `CRM_TIMEOUT_MS` | per-request timeout of the HTTP CRM (100-10000) | 1500 |
//! | `CRM_MAX_RETRIES` | retries of the HTTP CRM (0-5) | 2 |
//! | `CRM_CALL_NOTES` | add one note per call at the end (`true`/`false`) | false |
//! | `CRM_RECORD_TTL_SECS` | lifetime of caller context and pending records (60-86400) | 3600 |
//! | `ESCALATION_AUTO_TRANSFER` | transfer the call when an escalation rule fires | false |
//! | `ESCALATION_PERSON_PHRASES` | comma-separated phrases asking for a person | built-in list |
//! | `ESCALATION_NEGATIVE_PHRASES` | comma-separated negative-sentiment phrases | built-in list |
//! | `ESCALATION_MAX_TOOL_FAILURES` | failed tool calls that escalate (0 = never, max 20) | 2 |
//! | `VAPI_CONTROL_API_KEY` | bearer for Live Call Control when `controlAuthenticationEnabled` | unset |
//! | `CRM_PENDING_MAX_WAIT_MS` | how long the worker waits in-process for a tool call the webhook may still answer (0-10000) | 0 |
//! | `TOOL_DEADLINE_MS` | the webhook's tool deadline (read here by the worker hooks) | 4000 |

use std::sync::Arc;
use std::time::Duration;

use crate::adapters::aws_client::{load_sdk_config, AwsCallBudget};
use crate::adapters::crm_dynamodb::DynamoCrm;
use crate::adapters::crm_http::{HttpCrm, HttpCrmConfig};
use crate::adapters::crm_memory::MemoryCrm;
use crate::adapters::dynamodb::DynamoStore;
use crate::adapters::memory_store::MemoryStore;
use crate::clock::{Clock, SystemClock};
use crate::crm::call_control::{control_url_allowed, CallControl, HttpCallControl};
use crate::crm::caller_context::CallerContextStore;
use crate::crm::create_once::{ExactlyOnce, TicketReceipts};
use crate::crm::escalation::{
    phrase_list, EscalationRules, DEFAULT_MAX_TOOL_FAILURES, DEFAULT_NEGATIVE_PHRASES,
    DEFAULT_PERSON_PHRASES,
};
use crate::crm::pending::PendingTools;
use crate::crm::schema::SchemaError;
use crate::crm::seed::{CrmSeed, SeedError};
use crate::crm::side_effects::{CallSideEffects, SideEffectSettings};
use crate::crm::tools::{CrmTools, CrmToolsDeps, ToolSettings};
use crate::ports::crm::{Crm, CrmError};
use crate::ports::store::{CallArchive, CallLock, IdempotencyStore};
use crate::ports::ToolRegistry;
use crate::webhook::answers::Escalation;

/// A configuration error at start: names the variable.
#[derive(Debug, thiserror::Error)]
pub enum CrmConfigError {
    /// A variable is missing or has an unusable value.
    #[error("{var}: {reason}")]
    Invalid {
        /// Variable name.
        var: &'static str,
        /// What is wrong and what is expected.
        reason: String,
    },
    /// `config/tools.json` is broken (a build defect).
    #[error(transparent)]
    Schema(#[from] SchemaError),
    /// The seed file is broken.
    #[error(transparent)]
    Seed(#[from] SeedError),
    /// An adapter could not be built.
    #[error(transparent)]
    Crm(#[from] CrmError),
}

/// Which CRM the tools use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CrmBackend {
    /// The built-in CRM on the project's table.
    BuiltIn,
    /// An existing CRM over HTTP.
    Http(HttpCrmConfig),
}

/// Everything the CRM features read from the environment.
#[derive(Debug, Clone)]
pub struct CrmConfig {
    /// `TABLE_NAME`.
    pub table: String,
    /// Built-in or HTTP.
    pub backend: CrmBackend,
    /// Tool tunables.
    pub tools: ToolSettings,
    /// Hook tunables.
    pub side_effects: SideEffectSettings,
    /// Escalation rules.
    pub rules: EscalationRules,
    /// `VAPI_CONTROL_API_KEY`.
    pub control_bearer: Option<String>,
}

fn invalid(var: &'static str, reason: impl Into<String>) -> CrmConfigError {
    CrmConfigError::Invalid {
        var,
        reason: reason.into(),
    }
}

fn value(get: &impl Fn(&str) -> Option<String>, var: &str) -> Option<String> {
    get(var)
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

fn number(
    get: &impl Fn(&str) -> Option<String>,
    var: &'static str,
    default: u64,
    range: std::ops::RangeInclusive<u64>,
) -> Result<u64, CrmConfigError> {
    match value(get, var) {
        None => Ok(default),
        Some(v) => match v.parse::<u64>() {
            Ok(n) if range.contains(&n) => Ok(n),
            _ => Err(invalid(
                var,
                format!(
                    "expected a whole number between {} and {}",
                    range.start(),
                    range.end()
                ),
            )),
        },
    }
}

fn flag(get: &impl Fn(&str) -> Option<String>, var: &'static str) -> Result<bool, CrmConfigError> {
    match value(get, var).map(|v| v.to_ascii_lowercase()) {
        None => Ok(false),
        Some(v) if matches!(v.as_str(), "true" | "1" | "yes") => Ok(true),
        Some(v) if matches!(v.as_str(), "false" | "0" | "no") => Ok(false),
        Some(_) => Err(invalid(var, "expected true or false")),
    }
}

impl CrmConfig {
    /// Read the configuration from the process environment.
    pub fn from_env() -> Result<Self, CrmConfigError> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// Read the configuration through `get` (tests pass a map).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, CrmConfigError> {
        let table = value(&get, "TABLE_NAME").ok_or_else(|| {
            invalid(
                "TABLE_NAME",
                "is required: the DynamoDB table of the built-in CRM and the tool records",
            )
        })?;
        let backend = match value(&get, "CRM_BASE_URL") {
            None => CrmBackend::BuiltIn,
            Some(url) => {
                if !control_url_allowed(&url) {
                    return Err(invalid(
                        "CRM_BASE_URL",
                        "expected an https:// URL (http:// only on a loopback address)",
                    ));
                }
                let token = value(&get, "CRM_API_TOKEN").ok_or_else(|| {
                    invalid("CRM_API_TOKEN", "is required when CRM_BASE_URL is set")
                })?;
                let mut c = HttpCrmConfig::new(url, token);
                c.request_timeout =
                    Duration::from_millis(number(&get, "CRM_TIMEOUT_MS", 1500, 100..=10_000)?);
                c.max_retries =
                    u32::try_from(number(&get, "CRM_MAX_RETRIES", 2, 0..=5)?).unwrap_or(2);
                CrmBackend::Http(c)
            }
        };
        let ttl =
            i64::try_from(number(&get, "CRM_RECORD_TTL_SECS", 3600, 60..=86_400)?).unwrap_or(3600);
        let deadline = number(&get, "TOOL_DEADLINE_MS", 4000, 100..=19_000)?;
        let side_effects = SideEffectSettings {
            call_notes: flag(&get, "CRM_CALL_NOTES")?,
            auto_transfer: flag(&get, "ESCALATION_AUTO_TRANSFER")?,
            webhook_deadline: Duration::from_millis(deadline),
            max_wait: Duration::from_millis(number(
                &get,
                "CRM_PENDING_MAX_WAIT_MS",
                0,
                0..=10_000,
            )?),
            ..SideEffectSettings::default()
        };
        let own = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let person = value(&get, "ESCALATION_PERSON_PHRASES")
            .map_or_else(|| own(DEFAULT_PERSON_PHRASES), |v| phrase_list(&v));
        let negative = value(&get, "ESCALATION_NEGATIVE_PHRASES")
            .map_or_else(|| own(DEFAULT_NEGATIVE_PHRASES), |v| phrase_list(&v));
        let max_failures = u32::try_from(number(
            &get,
            "ESCALATION_MAX_TOOL_FAILURES",
            u64::from(DEFAULT_MAX_TOOL_FAILURES),
            0..=20,
        )?)
        .unwrap_or(2);
        Ok(Self {
            table,
            backend,
            tools: ToolSettings {
                record_ttl_secs: ttl,
                ..ToolSettings::default()
            },
            side_effects,
            rules: EscalationRules::new(&person, &negative, max_failures),
            control_bearer: value(&get, "VAPI_CONTROL_API_KEY"),
        })
    }
}

/// Lifetime of idempotency records and ticket receipts of tool side effects: 7 days.
pub const EFFECT_TTL_SECS: i64 = 7 * 86_400;

/// The records the tools keep besides the CRM (pending records, caller context, receipts).
pub trait ToolRecords: PendingTools + CallerContextStore + TicketReceipts {}
impl<T: PendingTools + CallerContextStore + TicketReceipts> ToolRecords for T {}

/// The worker's store as the tools use it (idempotency records, ended-call check).
pub trait ToolStore: IdempotencyStore + CallArchive {}
impl<T: IdempotencyStore + CallArchive> ToolStore for T {}

/// Wire the tools from adapters.
pub fn build_tools<R: ToolRecords + 'static, S: ToolStore + 'static>(
    crm: Arc<dyn Crm>,
    records: Arc<R>,
    store: Arc<S>,
    control: Arc<dyn CallControl>,
    escalation: Option<Escalation>,
    clock: Arc<dyn Clock>,
    settings: ToolSettings,
) -> Result<CrmTools, CrmConfigError> {
    let once = ExactlyOnce {
        idempotency: store.clone(),
        receipts: records.clone(),
        clock: clock.clone(),
        ttl_secs: EFFECT_TTL_SECS,
    };
    Ok(CrmTools::new(
        CrmToolsDeps {
            crm,
            once,
            pending: Some(records.clone()),
            contexts: Some(records),
            archive: Some(store),
            control,
            escalation,
            clock,
        },
        settings,
    )?)
}

fn control_client(bearer: Option<String>) -> Result<Arc<dyn CallControl>, CrmConfigError> {
    HttpCallControl::new(Duration::from_secs(3), bearer)
        .map(|c| Arc::new(c) as Arc<dyn CallControl>)
        .map_err(|e| CrmConfigError::Crm(CrmError::Misconfigured(e.to_string())))
}

/// The tools and their DynamoDB store, built from the environment.
pub async fn crm_tools_from_env(
    escalation: Option<Escalation>,
    budget: AwsCallBudget,
) -> Result<(CrmTools, Arc<DynamoStore>, CrmConfig), CrmConfigError> {
    let config = CrmConfig::from_env()?;
    let client = aws_sdk_dynamodb::Client::new(&load_sdk_config(budget).await);
    let records = Arc::new(DynamoCrm::new(client.clone(), config.table.clone()));
    let store = Arc::new(DynamoStore::new(client, config.table.clone()));
    let crm: Arc<dyn Crm> = match &config.backend {
        CrmBackend::BuiltIn => records.clone(),
        CrmBackend::Http(h) => Arc::new(HttpCrm::new(h.clone())?),
    };
    let tools = build_tools(
        crm,
        records,
        store.clone(),
        control_client(config.control_bearer.clone())?,
        escalation,
        Arc::new(SystemClock),
        config.tools,
    )?;
    Ok((tools, store, config))
}

/// The webhook's tool registry: the built-in CRM on `TABLE_NAME`, or the HTTP CRM when
/// `CRM_BASE_URL` is set. A misconfiguration fails here, naming the variable.
pub async fn tools_from_env(
    escalation: Option<Escalation>,
) -> Result<Arc<dyn ToolRegistry>, CrmConfigError> {
    let (tools, _, _) = crm_tools_from_env(escalation, AwsCallBudget::WEBHOOK).await?;
    Ok(Arc::new(tools))
}

/// The worker's CRM hooks, built from the environment.
pub async fn side_effects_from_env(
    escalation: Option<Escalation>,
) -> Result<CallSideEffects, CrmConfigError> {
    let (tools, store, config) = crm_tools_from_env(escalation, AwsCallBudget::WORKER).await?;
    Ok(CallSideEffects::new(
        tools,
        store,
        config.rules,
        config.side_effects,
    ))
}

/// `callwarden dev`: the in-memory CRM (seeded from `config/crm-seed.json` unless `seed`
/// is false) over the dev server's in-memory store.
pub struct DevCrm {
    /// The tool registry for the webhook.
    pub tools: CrmTools,
    /// The worker hooks.
    pub side_effects: CallSideEffects,
    /// The CRM itself (inspection).
    pub crm: Arc<MemoryCrm>,
}

/// Build the dev CRM over `store` (the dev server's in-memory worker store).
pub fn dev_crm(
    store: Arc<MemoryStore>,
    seed: bool,
    escalation: Option<Escalation>,
) -> Result<DevCrm, CrmConfigError> {
    let crm = Arc::new(if seed {
        MemoryCrm::seeded(&CrmSeed::example()?)?
    } else {
        MemoryCrm::new()
    });
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let tools = build_tools(
        crm.clone(),
        crm.clone(),
        store.clone(),
        control_client(None)?,
        escalation,
        clock,
        ToolSettings::default(),
    )?;
    let locks: Arc<dyn CallLock> = store;
    let side_effects = CallSideEffects::new(
        tools.clone(),
        locks,
        EscalationRules::default(),
        SideEffectSettings {
            call_notes: true,
            ..SideEffectSettings::default()
        },
    );
    Ok(DevCrm {
        tools,
        side_effects,
        crm,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let m: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |k| m.get(k).cloned()
    }

    fn var_of(e: CrmConfigError) -> &'static str {
        match e {
            CrmConfigError::Invalid { var, .. } => var,
            other => panic!("unexpected error {other}"),
        }
    }

    #[test]
    fn built_in_by_default_http_when_base_url_set() {
        let c = CrmConfig::from_lookup(lookup(&[("TABLE_NAME", "t")])).expect("valid");
        assert_eq!(c.backend, CrmBackend::BuiltIn);
        assert!(!c.side_effects.call_notes);
        let c = CrmConfig::from_lookup(lookup(&[
            ("TABLE_NAME", "t"),
            ("CRM_BASE_URL", "https://crm.example.com/api/"),
            ("CRM_API_TOKEN", "x"),
            ("CRM_TIMEOUT_MS", "900"),
            ("CRM_CALL_NOTES", "true"),
        ]))
        .expect("valid");
        match c.backend {
            CrmBackend::Http(h) => {
                assert_eq!(h.base_url, "https://crm.example.com/api");
                assert_eq!(h.request_timeout, Duration::from_millis(900));
            }
            CrmBackend::BuiltIn => panic!("expected HTTP"),
        }
        assert!(c.side_effects.call_notes);
    }

    #[test]
    fn misconfiguration_names_the_variable() {
        assert_eq!(
            var_of(CrmConfig::from_lookup(lookup(&[])).unwrap_err()),
            "TABLE_NAME"
        );
        assert_eq!(
            var_of(
                CrmConfig::from_lookup(lookup(&[
                    ("TABLE_NAME", "t"),
                    ("CRM_BASE_URL", "https://crm.example.com")
                ]))
                .unwrap_err()
            ),
            "CRM_API_TOKEN"
        );
        assert_eq!(
            var_of(
                CrmConfig::from_lookup(lookup(&[
                    ("TABLE_NAME", "t"),
                    ("CRM_BASE_URL", "http://crm.example.com"),
                    ("CRM_API_TOKEN", "x")
                ]))
                .unwrap_err()
            ),
            "CRM_BASE_URL"
        );
        assert_eq!(
            var_of(
                CrmConfig::from_lookup(lookup(&[("TABLE_NAME", "t"), ("CRM_CALL_NOTES", "maybe")]))
                    .unwrap_err()
            ),
            "CRM_CALL_NOTES"
        );
        assert_eq!(
            var_of(
                CrmConfig::from_lookup(lookup(&[
                    ("TABLE_NAME", "t"),
                    ("ESCALATION_MAX_TOOL_FAILURES", "99")
                ]))
                .unwrap_err()
            ),
            "ESCALATION_MAX_TOOL_FAILURES"
        );
    }
}
