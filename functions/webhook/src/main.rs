//! The webhook Lambda: configuration and adapters are built once at init, then every
//! API Gateway / Function URL event goes through `callwarden::webhook`.

use callwarden::webhook::lambda::{handle_event, HttpEvent};
use callwarden::webhook::runtime::{aws_webhook_from_env, log_startup};
use lambda_runtime::{service_fn, Error, LambdaEvent};

#[tokio::main]
async fn main() -> Result<(), Error> {
    callwarden::logging::init_json_logging();
    let webhook = match aws_webhook_from_env().await {
        Ok(w) => w,
        Err(e) => {
            tracing::error!(target: "callwarden::startup", error = %e, "invalid configuration");
            return Err(e.into());
        }
    };
    log_startup(&webhook);
    let webhook = &webhook;
    lambda_runtime::run(service_fn(
        move |event: LambdaEvent<HttpEvent>| async move {
            Ok::<_, Error>(handle_event(webhook, event.payload).await)
        },
    ))
    .await
}
