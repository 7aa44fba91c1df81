//! The worker Lambda: configuration, the DynamoDB client and the adapters are built once at
//! init; every SQS batch goes through `callwarden::worker::process_sqs_event`, which
//! reports failed records individually (`ReportBatchItemFailures`).

use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent};
use callwarden::worker::process_sqs_event;
use callwarden::worker::runtime::aws_worker_from_env;
use lambda_runtime::{service_fn, Error, LambdaEvent};

#[tokio::main]
async fn main() -> Result<(), Error> {
    callwarden::logging::init_json_logging();
    let deps = match aws_worker_from_env().await {
        Ok(d) => d,
        Err(e) => {
            tracing::error!(target: "callwarden::startup", error = %e, "invalid configuration");
            return Err(e.into());
        }
    };
    let deps = &deps;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<SqsEvent>| async move {
        Ok::<SqsBatchResponse, Error>(process_sqs_event(deps, event.payload).await)
    }))
    .await
}
