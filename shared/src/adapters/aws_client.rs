//! One place that builds the AWS SDK configuration: rustls with `ring` (no aws-lc), bounded
//! jittered retries, and timeouts. Endpoints, region and credentials come from the SDK's
//! standard environment variables (`AWS_ENDPOINT_URL_DYNAMODB`, `AWS_ENDPOINT_URL_SQS`,
//! `AWS_REGION`, ...), so DynamoDB Local and moto are reached without code changes.

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, SdkConfig};
use aws_smithy_http_client::tls::{rustls_provider::CryptoMode, Provider};

/// Retry and timeout budget for SDK calls.
#[derive(Debug, Clone, Copy)]
pub struct AwsCallBudget {
    /// Total attempts per operation (first try included). The SDK's standard retry mode
    /// backs off with full jitter and retries throttling and 5xx.
    pub max_attempts: u32,
    /// Upper bound for one operation including its retries.
    pub operation_timeout: Duration,
    /// Upper bound for one attempt.
    pub attempt_timeout: Duration,
}

impl AwsCallBudget {
    /// For the webhook: fail fast so a slow queue turns into a 503 Vapi can retry, well
    /// inside Vapi's deadlines.
    pub const WEBHOOK: AwsCallBudget = AwsCallBudget {
        max_attempts: 3,
        operation_timeout: Duration::from_millis(2500),
        attempt_timeout: Duration::from_millis(1000),
    };
    /// For the worker: more patience; a record that still fails returns through SQS.
    pub const WORKER: AwsCallBudget = AwsCallBudget {
        max_attempts: 5,
        operation_timeout: Duration::from_secs(10),
        attempt_timeout: Duration::from_secs(3),
    };
}

/// Load the shared SDK configuration with the rustls+ring HTTP client and `budget`.
pub async fn load_sdk_config(budget: AwsCallBudget) -> SdkConfig {
    let http_client = aws_smithy_http_client::Builder::new()
        .tls_provider(Provider::Rustls(CryptoMode::Ring))
        .build_https();
    aws_config::defaults(BehaviorVersion::latest())
        .http_client(http_client)
        .retry_config(RetryConfig::standard().with_max_attempts(budget.max_attempts))
        .timeout_config(
            TimeoutConfig::builder()
                .operation_timeout(budget.operation_timeout)
                .operation_attempt_timeout(budget.attempt_timeout)
                .connect_timeout(Duration::from_millis(500))
                .build(),
        )
        .load()
        .await
}
