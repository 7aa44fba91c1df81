//! Wiring of the deployed webhook: configuration from the environment, AWS adapters,
//! tools. Called once at Lambda init (and by `callwarden dev --aws`).

use std::sync::Arc;

use crate::adapters::aws_client::{load_sdk_config, AwsCallBudget};
use crate::adapters::dynamodb_blob::DynamoBlobStore;
use crate::adapters::sqs::SqsQueue;
use crate::clock::{Clock, SystemClock};
use crate::ports::ToolRegistry;
use crate::webhook::config::{ConfigError, WebhookConfig};
use crate::webhook::handler::{Webhook, WebhookDeps};

/// Read a required variable, or fail naming it.
pub fn required_var(
    get: &impl Fn(&str) -> Option<String>,
    var: &'static str,
    what: &str,
) -> Result<String, ConfigError> {
    get(var)
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ConfigError::Invalid {
            var,
            reason: format!("is required: {what}"),
        })
}

/// Why the deployed webhook could not be built.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// Webhook, auth or Twilio configuration.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Worker settings.
    #[error(transparent)]
    Worker(#[from] crate::worker::ConfigError),
    /// CRM / tools configuration.
    #[error(transparent)]
    Crm(#[from] crate::crm::config::CrmConfigError),
}

/// Build the webhook against SQS (`QUEUE_URL`) and DynamoDB (`TABLE_NAME`, for the
/// claim-check), with the CRM-backed tools (built-in CRM on `TABLE_NAME`, or the HTTP
/// CRM when `CRM_BASE_URL` is set).
pub async fn aws_webhook_from_env() -> Result<Webhook, StartupError> {
    let get = |k: &str| std::env::var(k).ok();
    let config = WebhookConfig::from_lookup(get)?;
    let tools: Arc<dyn ToolRegistry> =
        crate::crm::config::tools_from_env(config.escalation.clone()).await?;
    let table = required_var(
        &get,
        "TABLE_NAME",
        "the DynamoDB table (claim-check bodies)",
    )?;
    let queue_url = required_var(
        &get,
        "QUEUE_URL",
        "the SQS queue URL deliveries are sent to",
    )?;
    let sdk = load_sdk_config(AwsCallBudget::WEBHOOK).await;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let blobs = Arc::new(DynamoBlobStore::new(
        aws_sdk_dynamodb::Client::new(&sdk),
        table,
    ));
    let queue: Arc<dyn crate::ports::Queue> = Arc::new(SqsQueue::new(
        aws_sdk_sqs::Client::new(&sdk),
        queue_url,
        blobs,
        clock.clone(),
    ));
    let twilio = crate::twilio::twilio_endpoints_from_lookup(
        get,
        &config.assistant_answer,
        queue.clone(),
        clock.clone(),
    )
    .map_err(ConfigError::from)?;
    Ok(Webhook::new(
        config,
        WebhookDeps {
            queue,
            tools,
            clock,
            twilio,
        },
    ))
}

/// Log the start-up summary: schemes (never secrets) and, loudly, an unauthenticated
/// configuration.
pub fn log_startup(webhook: &Webhook) {
    let auth = &webhook.config().auth;
    if auth.allows_unauthenticated() {
        tracing::warn!(
            target: "callwarden::startup",
            "AUTHENTICATION DISABLED: CALLWARDEN_ALLOW_UNAUTHENTICATED=true and no scheme configured; anyone can post events. Never run this in production."
        );
    }
    tracing::info!(
        target: "callwarden::startup",
        schemes = ?auth.scheme_names(),
        max_body_bytes = webhook.config().max_body_bytes,
        tool_deadline_ms = u64::try_from(webhook.config().tool_deadline.as_millis()).unwrap_or(u64::MAX),
        escalation_configured = webhook.config().escalation.is_some(),
        "webhook configured"
    );
}
