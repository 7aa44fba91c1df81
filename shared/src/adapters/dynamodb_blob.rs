//! DynamoDB adapter of the [`BlobStore`] port (the claim-check): a blob is split into
//! chunks of at most [`CHUNK_BYTES`] (DynamoDB items are limited to 400 KB), written with
//! `BatchWriteItem` as items `pk = BLOB#<key>`, `sk = CHUNK#<nnnnn>`, each with the TTL
//! attribute `expires_at`. Reads query the partition consistently, check expiry
//! themselves (TTL deletion lags) and verify the chunk count and SHA-256.

use std::collections::HashMap;
use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::{AttributeValue, PutRequest, WriteRequest};

use crate::delivery::sha256_hex;
use crate::ports::{BlobError, BlobStore};

/// Bytes per chunk item: well under DynamoDB's 400 KB item limit.
pub const CHUNK_BYTES: usize = 350 * 1024;
const BATCH_ITEMS: usize = 25;
const MAX_UNPROCESSED_ROUNDS: u32 = 6;

/// Stores claim-check blobs in the project's table.
#[derive(Clone)]
pub struct DynamoBlobStore {
    client: aws_sdk_dynamodb::Client,
    table: String,
}

impl DynamoBlobStore {
    /// A blob store over `table` (keys `pk`/`sk`, strings).
    pub fn new(client: aws_sdk_dynamodb::Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }
}

fn unavailable<E: std::error::Error + 'static>(op: &str, e: E) -> BlobError {
    BlobError::Unavailable(format!(
        "{op}: {}",
        aws_sdk_dynamodb::error::DisplayErrorContext(&e)
    ))
}

#[async_trait]
impl BlobStore for DynamoBlobStore {
    async fn put_blob(
        &self,
        key: &str,
        bytes: &[u8],
        expires_at_secs: i64,
    ) -> Result<(), BlobError> {
        let pk = format!("BLOB#{key}");
        let digest = sha256_hex(bytes);
        let chunks: Vec<&[u8]> = if bytes.is_empty() {
            vec![&[][..]]
        } else {
            bytes.chunks(CHUNK_BYTES).collect()
        };
        let total = chunks.len();
        let mut requests: Vec<WriteRequest> = Vec::with_capacity(total);
        for (i, chunk) in chunks.iter().enumerate() {
            let mut item = HashMap::from([
                ("pk".to_string(), AttributeValue::S(pk.clone())),
                ("sk".to_string(), AttributeValue::S(format!("CHUNK#{i:05}"))),
                ("kind".to_string(), AttributeValue::S("blob_chunk".into())),
                (
                    "data".to_string(),
                    AttributeValue::B(Blob::new(chunk.to_vec())),
                ),
                (
                    "expires_at".to_string(),
                    AttributeValue::N(expires_at_secs.to_string()),
                ),
            ]);
            if i == 0 {
                item.insert("chunks".into(), AttributeValue::N(total.to_string()));
                item.insert("sha256".into(), AttributeValue::S(digest.clone()));
                item.insert("size".into(), AttributeValue::N(bytes.len().to_string()));
            }
            let put = PutRequest::builder()
                .set_item(Some(item))
                .build()
                .map_err(|e| BlobError::Unavailable(format!("put request: {e}")))?;
            requests.push(WriteRequest::builder().put_request(put).build());
        }
        // BatchWriteItem accepts 25 items and 16 MB per call; 25 × 350 KB stays under it.
        let mut batches: Vec<Vec<WriteRequest>> = Vec::new();
        let mut it = requests.into_iter().peekable();
        while it.peek().is_some() {
            batches.push(it.by_ref().take(BATCH_ITEMS).collect());
        }
        for batch in batches {
            let mut pending = batch;
            let mut round = 0;
            while !pending.is_empty() {
                if round >= MAX_UNPROCESSED_ROUNDS {
                    return Err(BlobError::Unavailable(
                        "BatchWriteItem left items unprocessed after retries".into(),
                    ));
                }
                if round > 0 {
                    let cap = 50u64 << round.min(6);
                    let jitter = rand::random_range(0..=cap);
                    tokio::time::sleep(Duration::from_millis(jitter)).await;
                }
                let out = self
                    .client
                    .batch_write_item()
                    .request_items(self.table.clone(), pending)
                    .send()
                    .await
                    .map_err(|e| unavailable("BatchWriteItem", e))?;
                pending = out
                    .unprocessed_items
                    .and_then(|mut m| m.remove(&self.table))
                    .unwrap_or_default();
                round += 1;
            }
        }
        Ok(())
    }

    async fn get_blob(&self, key: &str, now_secs: i64) -> Result<Option<Vec<u8>>, BlobError> {
        let pk = format!("BLOB#{key}");
        let mut items = Vec::new();
        let mut start: Option<HashMap<String, AttributeValue>> = None;
        loop {
            let out = self
                .client
                .query()
                .table_name(&self.table)
                .consistent_read(true)
                .key_condition_expression("pk = :pk")
                .expression_attribute_values(":pk", AttributeValue::S(pk.clone()))
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(|e| unavailable("Query", e))?;
            items.extend(out.items.unwrap_or_default());
            match out.last_evaluated_key {
                Some(k) if !k.is_empty() => start = Some(k),
                _ => break,
            }
        }
        let Some(first) = items.first() else {
            return Ok(None);
        };
        let number = |item: &HashMap<String, AttributeValue>, name: &str| {
            item.get(name)
                .and_then(|v| v.as_n().ok())
                .and_then(|n| n.parse::<i64>().ok())
        };
        if number(first, "expires_at").is_none_or(|exp| exp < now_secs) {
            return Ok(None);
        }
        let expected = number(first, "chunks").ok_or_else(|| BlobError::Corrupt(key.into()))?;
        if i64::try_from(items.len()).ok() != Some(expected) {
            return Err(BlobError::Corrupt(key.into()));
        }
        let mut bytes = Vec::new();
        for item in &items {
            let data = item
                .get("data")
                .and_then(|v| v.as_b().ok())
                .ok_or_else(|| BlobError::Corrupt(key.into()))?;
            bytes.extend_from_slice(data.as_ref());
        }
        let digest = first.get("sha256").and_then(|v| v.as_s().ok());
        if digest.map(String::as_str) != Some(sha256_hex(&bytes).as_str()) {
            return Err(BlobError::Corrupt(key.into()));
        }
        Ok(Some(bytes))
    }
}
