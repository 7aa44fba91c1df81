//! Shared helpers of the worker and store tests: DynamoDB Local tables, samples, deliveries.
#![allow(dead_code)]

use std::sync::Arc;

use bytes::Bytes;
use callwarden::adapters::dynamodb::{
    create_table_if_missing, dynamodb_client_from_env, DynamoStore,
};
use callwarden::delivery::{Delivery, Source};
use serde_json::Value;

/// Directory of the Vapi samples.
pub const SAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/vapi/samples");

/// A fresh table on DynamoDB Local, or `None` (test skipped) when no endpoint is set.
/// With `CALLWARDEN_REQUIRE_LOCAL_AWS=1` a missing endpoint fails the test instead.
pub async fn dynamo_store(test: &str) -> Option<Arc<DynamoStore>> {
    let endpoint = std::env::var("AWS_ENDPOINT_URL_DYNAMODB")
        .ok()
        .filter(|e| !e.is_empty());
    let Some(endpoint) = endpoint else {
        assert!(
            std::env::var("CALLWARDEN_REQUIRE_LOCAL_AWS").as_deref() != Ok("1"),
            "{test}: CALLWARDEN_REQUIRE_LOCAL_AWS=1 but AWS_ENDPOINT_URL_DYNAMODB is not set \
             (run through scripts/local-aws.sh run -- ...)"
        );
        eprintln!("{test}: skipped: no DynamoDB Local (AWS_ENDPOINT_URL_DYNAMODB unset)");
        return None;
    };
    assert!(
        endpoint.starts_with("http://127.0.0.1:") || endpoint.starts_with("http://localhost:"),
        "{test}: refusing a non-loopback DynamoDB endpoint"
    );
    // Dummy credentials only; never reach a real account.
    for (k, v) in [
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ] {
        if std::env::var(k).is_err() {
            std::env::set_var(k, v);
        }
    }
    let client = dynamodb_client_from_env().await;
    let table = format!("cw-test-{}", uuid::Uuid::new_v4());
    if let Err(e) = create_table_if_missing(&client, &table).await {
        panic!("{test}: cannot create table on DynamoDB Local: {e}");
    }
    Some(Arc::new(DynamoStore::new(client, table)))
}

/// Read one sample file.
pub fn sample(name: &str) -> Vec<u8> {
    std::fs::read(format!("{SAMPLES}/{name}")).unwrap_or_else(|e| panic!("sample {name}: {e}"))
}

/// Parse one sample file.
pub fn sample_json(name: &str) -> Value {
    serde_json::from_slice(&sample(name)).unwrap_or_else(|e| panic!("sample {name}: {e}"))
}

/// Every Vapi message sample (not the helper files).
pub fn vapi_sample_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(SAMPLES)
        .expect("samples dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .filter(|n| {
            !matches!(
                n.as_str(),
                "responses.json"
                    | "enums.json"
                    | "hmac-test-vectors.json"
                    | "live-call-control.json"
            )
        })
        .collect();
    names.sort();
    names
}

/// A Vapi delivery of `body` as the webhook would queue it.
pub fn vapi_delivery(body: &[u8], received_at_ms: i64) -> Delivery {
    let v: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let m = &v["message"];
    let message_type = m["type"].as_str().unwrap_or("unknown").to_string();
    let call_id = m["call"]["id"].as_str().map(str::to_string);
    Delivery::new(
        Bytes::copy_from_slice(body),
        received_at_ms,
        call_id,
        message_type,
        "test",
        Source::Vapi,
    )
}

/// A message body: `template` with `message.call.id`, `timestamp` and extra fields replaced.
pub fn body_from(template: &Value, call_id: &str, ts: i64, fields: &[(&str, Value)]) -> Vec<u8> {
    let mut v = template.clone();
    v["message"]["call"]["id"] = Value::String(call_id.to_string());
    v["message"]["timestamp"] = Value::from(ts);
    for (k, val) in fields {
        v["message"][*k] = val.clone();
    }
    serde_json::to_vec(&v).expect("serialise body")
}
