//! DynamoDB implementation of the worker's storage ports, over one table (`TABLE_NAME`).
//!
//! Layout (full description in `docs/storage.md`): string keys `pk`/`sk`, TTL attribute
//! `expires_at` (epoch seconds), one GSI `by_day` (`gsi1pk` = `DAY#<yyyy-mm-dd>`,
//! `gsi1sk` = `<last event ms>#<call id>`) for listing recent calls.
//!
//! | pk | sk | what |
//! |---|---|---|
//! | `IDEM#<key>` | `IDEM` | idempotency record |
//! | `CALL#<id>` | `LOCK` | call lease |
//! | `CALL#<id>` | `SESSION` | live session (TTL) |
//! | `CALL#<id>` | `CALL` | permanent summary + PII audit trail (in the GSI) |
//! | `CALL#<id>` | `SEG#<ts>#<arrival>` | final transcript segment |
//! | `CALL#<id>` | `EVT#<ts>#<arrival>#<type>` | archived event |
//! | `CALL#<id>` | `REPORT` / `REPORT#PART#<n>` | end-of-call report (split) |
//! | `TWILIO#<CallSid>` | `LINK` | provider call id → Vapi call id |
//!
//! Every condition and read checks expiry itself; TTL deletion only reclaims space.
//! Every request goes through a [`RequestCounter`] so benchmarks can report DynamoDB
//! requests per event type.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, ConditionCheck, GlobalSecondaryIndex,
    KeySchemaElement, KeyType, Projection, ProjectionType, Put, PutRequest,
    ReturnValuesOnConditionCheckFailure, ScalarAttributeType, TableStatus, TimeToLiveSpecification,
    TransactWriteItem, Update, WriteRequest,
};
use aws_sdk_dynamodb::Client;
use sha2::{Digest, Sha256};

use crate::adapters::aws_client::{load_sdk_config, AwsCallBudget};
use crate::ports::store::{
    CallArchive, CallLock, CallSummary, ClaimOutcome, CommitOutcome, DocumentOwner, EventCommit,
    EventRecord, IdempotencyStore, PartialTranscript, ReportManifest, Segment, SessionRead,
    SpeakerTail, StoreError, StoredCall, StoredDocument, StoredSession,
};

/// Largest item the adapters accept (DynamoDB's limit is 400 KB including names).
pub const MAX_ITEM_BYTES: usize = 390 * 1024;
/// Largest transaction payload (DynamoDB: 4 MB aggregate).
pub const MAX_TRANSACTION_BYTES: usize = 4 * 1024 * 1024 - 64 * 1024;
/// Name of the listing index.
pub const GSI_BY_DAY: &str = "by_day";
/// Items per `BatchWriteItem` request (DynamoDB's limit).
const BATCH_SIZE: usize = 25;
/// Attempts for unprocessed batch items before the record fails.
const BATCH_ATTEMPTS: u32 = 8;
/// How long a released-or-abandoned lock item lingers before TTL reclaims it.
const LOCK_CLEANUP_SECS: i64 = 86_400;

/// Counts DynamoDB requests per operation name (`PutItem`, `TransactWriteItems`, ...).
#[derive(Debug, Default)]
pub struct RequestCounter {
    counts: Mutex<BTreeMap<&'static str, u64>>,
    total: AtomicU64,
}

impl RequestCounter {
    /// Count one request of `operation`.
    pub fn record(&self, operation: &'static str) {
        self.total.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut m) = self.counts.lock() {
            *m.entry(operation).or_insert(0) += 1;
        }
    }
    /// Requests so far per operation.
    pub fn snapshot(&self) -> BTreeMap<String, u64> {
        self.counts
            .lock()
            .map(|m| m.iter().map(|(k, v)| ((*k).to_string(), *v)).collect())
            .unwrap_or_default()
    }
    /// Requests so far, all operations.
    pub fn total(&self) -> u64 {
        self.total.load(Ordering::Relaxed)
    }
    /// Write requests so far (everything but `GetItem`, `Query`, `Scan`).
    pub fn writes(&self) -> u64 {
        self.counts
            .lock()
            .map(|m| {
                m.iter()
                    .filter(|(k, _)| !matches!(**k, "GetItem" | "Query" | "Scan"))
                    .map(|(_, v)| *v)
                    .sum()
            })
            .unwrap_or(0)
    }
}

/// `YYYY-MM-DD` (UTC) of `epoch_secs`, for the listing index partition.
pub fn utc_day(epoch_secs: i64) -> String {
    // Civil-from-days (Howard Hinnant's algorithm), proleptic Gregorian, UTC.
    let z = epoch_secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Build the DynamoDB client from the environment (region, credentials,
/// `AWS_ENDPOINT_URL_DYNAMODB`), with rustls+ring and the worker's bounded, jittered
/// retry budget.
pub async fn dynamodb_client_from_env() -> Client {
    Client::new(&load_sdk_config(AwsCallBudget::WORKER).await)
}

/// Create `table` with the callwarden layout (keys, GSI, TTL) unless it exists, and wait
/// until it is active. For tests and `callwarden dev` against DynamoDB Local; production
/// tables come from the deployment template.
pub async fn create_table_if_missing(client: &Client, table: &str) -> Result<(), StoreError> {
    let key = |name: &str, kind: KeyType| {
        KeySchemaElement::builder()
            .attribute_name(name)
            .key_type(kind)
            .build()
            .map_err(build_err)
    };
    let attr = |name: &str| {
        AttributeDefinition::builder()
            .attribute_name(name)
            .attribute_type(ScalarAttributeType::S)
            .build()
            .map_err(build_err)
    };
    let gsi = GlobalSecondaryIndex::builder()
        .index_name(GSI_BY_DAY)
        .key_schema(key("gsi1pk", KeyType::Hash)?)
        .key_schema(key("gsi1sk", KeyType::Range)?)
        .projection(
            Projection::builder()
                .projection_type(ProjectionType::All)
                .build(),
        )
        .build()
        .map_err(build_err)?;
    let created = client
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attr("pk")?)
        .attribute_definitions(attr("sk")?)
        .attribute_definitions(attr("gsi1pk")?)
        .attribute_definitions(attr("gsi1sk")?)
        .key_schema(key("pk", KeyType::Hash)?)
        .key_schema(key("sk", KeyType::Range)?)
        .global_secondary_indexes(gsi)
        .send()
        .await;
    if let Err(e) = created {
        if e.code() != Some("ResourceInUseException") {
            return Err(sdk_err("CreateTable", e));
        }
    }
    for _ in 0..120 {
        let d = client.describe_table().table_name(table).send().await;
        let d = d.map_err(|e| sdk_err("DescribeTable", e))?;
        if d.table().and_then(|t| t.table_status()) == Some(&TableStatus::Active) {
            let ttl = TimeToLiveSpecification::builder()
                .attribute_name("expires_at")
                .enabled(true)
                .build()
                .map_err(build_err)?;
            // Already-enabled TTL answers ValidationException: harmless.
            if let Err(e) = client
                .update_time_to_live()
                .table_name(table)
                .time_to_live_specification(ttl)
                .send()
                .await
            {
                tracing::debug!(code = ?e.code(), "update_time_to_live not applied");
            }
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    Err(StoreError::Unavailable(format!(
        "table {table} did not become active"
    )))
}

fn build_err(e: aws_smithy_types::error::operation::BuildError) -> StoreError {
    StoreError::Corrupt(format!("request build: {e}"))
}

/// Map an SDK error to a store error carrying only the operation, code and message (no
/// request content).
fn sdk_err<E: ProvideErrorMetadata + std::fmt::Debug, R>(
    op: &str,
    e: SdkError<E, R>,
) -> StoreError {
    let code = e.code().unwrap_or("unknown").to_string();
    let message = e.message().unwrap_or("").to_string();
    match &e {
        SdkError::ServiceError(_) if code == "ValidationException" && message.contains("size") => {
            StoreError::TooLarge(format!("{op}: {message}"))
        }
        SdkError::ServiceError(_) => StoreError::Unavailable(format!("{op}: {code}: {message}")),
        SdkError::TimeoutError(_) => StoreError::Unavailable(format!("{op}: timeout")),
        SdkError::DispatchFailure(_) => StoreError::Unavailable(format!("{op}: dispatch failure")),
        _ => StoreError::Unavailable(format!("{op}: {code}")),
    }
}

fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

fn n(v: i64) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

type Item = HashMap<String, AttributeValue>;

fn get_s(item: &Item, name: &str) -> Option<String> {
    item.get(name).and_then(|v| v.as_s().ok()).cloned()
}

fn get_n(item: &Item, name: &str) -> Option<i64> {
    item.get(name)
        .and_then(|v| v.as_n().ok())
        .and_then(|x| x.parse::<i64>().ok())
}

fn get_bool(item: &Item, name: &str) -> bool {
    item.get(name)
        .and_then(|v| v.as_bool().ok())
        .copied()
        .unwrap_or(false)
}

fn call_pk(call_id: &str) -> String {
    format!("CALL#{call_id}")
}

/// Builds an expression with generated placeholders for names (`#n0`) and values (`:v0`).
#[derive(Default)]
struct Expr {
    names: HashMap<String, String>,
    values: HashMap<String, AttributeValue>,
    sets: Vec<String>,
    adds: Vec<String>,
    removes: Vec<String>,
    conditions: Vec<String>,
}

impl Expr {
    fn name(&mut self, attribute: &str) -> String {
        if let Some((k, _)) = self.names.iter().find(|(_, v)| v.as_str() == attribute) {
            return k.clone();
        }
        let k = format!("#n{}", self.names.len());
        self.names.insert(k.clone(), attribute.to_string());
        k
    }
    fn value(&mut self, v: AttributeValue) -> String {
        let k = format!(":v{}", self.values.len());
        self.values.insert(k.clone(), v);
        k
    }
    fn set(&mut self, attribute: &str, v: AttributeValue) {
        let (a, b) = (self.name(attribute), self.value(v));
        self.sets.push(format!("{a} = {b}"));
    }
    fn set_if_absent(&mut self, attribute: &str, v: AttributeValue) {
        let (a, b) = (self.name(attribute), self.value(v));
        self.sets.push(format!("{a} = if_not_exists({a}, {b})"));
    }
    fn add(&mut self, attribute: &str, v: AttributeValue) {
        let (a, b) = (self.name(attribute), self.value(v));
        self.adds.push(format!("{a} {b}"));
    }
    fn remove(&mut self, attribute: &str) {
        let a = self.name(attribute);
        self.removes.push(a);
    }
    fn condition(&mut self, c: String) {
        self.conditions.push(c);
    }
    fn update_expression(&self) -> String {
        let mut parts = Vec::new();
        if !self.sets.is_empty() {
            parts.push(format!("SET {}", self.sets.join(", ")));
        }
        if !self.adds.is_empty() {
            parts.push(format!("ADD {}", self.adds.join(", ")));
        }
        if !self.removes.is_empty() {
            parts.push(format!("REMOVE {}", self.removes.join(", ")));
        }
        parts.join(" ")
    }
    fn condition_expression(&self) -> Option<String> {
        if self.conditions.is_empty() {
            None
        } else {
            Some(
                self.conditions
                    .iter()
                    .map(|c| format!("({c})"))
                    .collect::<Vec<_>>()
                    .join(" AND "),
            )
        }
    }
    fn update(self, table: &str, pk: String, sk: &str) -> Result<Update, StoreError> {
        let cond = self.condition_expression();
        let expr = self.update_expression();
        let mut b = Update::builder()
            .table_name(table)
            .key("pk", s(pk))
            .key("sk", s(sk))
            .update_expression(expr)
            .set_condition_expression(cond);
        if !self.names.is_empty() {
            b = b.set_expression_attribute_names(Some(self.names));
        }
        if !self.values.is_empty() {
            b = b.set_expression_attribute_values(Some(self.values));
        }
        b.build().map_err(build_err)
    }
}

/// The worker's storage ports over one DynamoDB table.
#[derive(Debug)]
pub struct DynamoStore {
    client: Client,
    table: String,
    requests: RequestCounter,
}

impl DynamoStore {
    /// A store over `table` using `client`.
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
            requests: RequestCounter::default(),
        }
    }

    /// Requests sent so far, per operation.
    pub fn requests(&self) -> &RequestCounter {
        &self.requests
    }

    /// The table name.
    pub fn table(&self) -> &str {
        &self.table
    }

    async fn get_item(&self, pk: String, sk: &str) -> Result<Option<Item>, StoreError> {
        self.requests.record("GetItem");
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(pk))
            .key("sk", s(sk))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| sdk_err("GetItem", e))?;
        Ok(out.item().cloned())
    }

    /// Query a whole partition, consistently, following pagination.
    async fn query_partition(&self, pk: String) -> Result<Vec<Item>, StoreError> {
        let mut items = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            self.requests.record("Query");
            let out = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :pk")
                .expression_attribute_values(":pk", s(pk.clone()))
                .consistent_read(true)
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(|e| sdk_err("Query", e))?;
            items.extend(out.items().iter().cloned());
            match out.last_evaluated_key() {
                Some(k) if !k.is_empty() => start = Some(k.clone()),
                _ => return Ok(items),
            }
        }
    }

    fn document_attributes(doc: &StoredDocument, item: &mut Item) {
        if let Some(text) = &doc.inline {
            item.insert("body".into(), s(text.clone()));
        }
        item.insert("parts".into(), n(i64::from(doc.parts)));
        item.insert(
            "bytes".into(),
            n(i64::try_from(doc.bytes).unwrap_or(i64::MAX)),
        );
    }

    fn session_update(&self, call_id: &str, c: &EventCommit) -> Result<Option<Update>, StoreError> {
        let Some(d) = &c.session else { return Ok(None) };
        let mut e = Expr::default();
        let pk = e.name("pk");
        let exp = e.name("expires_at");
        let now = e.value(n(c.now_secs));
        e.condition(format!("attribute_not_exists({pk}) OR {exp} >= {now}"));
        e.set("expires_at", n(d.expires_at_secs));
        e.set("last_event_at_ms", n(c.now_secs * 1000));
        e.set_if_absent("started_at_ms", n(d.event_ts_ms));
        e.set("call_id", s(call_id));
        for (k, v) in &d.add {
            e.add(&format!("n.{k}"), n(*v));
        }
        for (k, v) in &d.statuses {
            e.set_if_absent(&format!("st.{k}"), n(*v));
        }
        for (k, v) in &d.flags {
            e.set(&format!("f.{k}"), s(v.clone()));
        }
        if let Some((role, p)) = &d.partial {
            let ts_name = e.name(&format!("p.{role}.ts"));
            let ts_val = e.value(n(p.ts_ms));
            e.condition(format!(
                "attribute_not_exists({ts_name}) OR {ts_name} <= {ts_val}"
            ));
            e.set(&format!("p.{role}.ts"), n(p.ts_ms));
            e.set(&format!("p.{role}.text"), s(p.text.clone()));
        }
        if let Some((role, expected, tail)) = &d.tail {
            let v_name = e.name(&format!("t.{role}.v"));
            if *expected == 0 {
                e.condition(format!("attribute_not_exists({v_name})"));
            } else {
                let v_val = e.value(n(i64::try_from(*expected).unwrap_or(i64::MAX)));
                e.condition(format!("{v_name} = {v_val}"));
            }
            e.set(
                &format!("t.{role}.v"),
                n(i64::try_from(tail.version).unwrap_or(i64::MAX)),
            );
            e.set(&format!("t.{role}.ts"), n(tail.ts_ms));
            e.set(&format!("t.{role}.state"), s(tail.state.clone()));
            e.set(&format!("t.{role}.text"), s(tail.last_text.clone()));
        }
        if d.clear_tail_state {
            for role in ["user", "assistant"] {
                e.remove(&format!("t.{role}.state"));
            }
        }
        e.update(&self.table, call_pk(call_id), "SESSION").map(Some)
    }

    fn call_update(&self, c: &EventCommit) -> Result<Update, StoreError> {
        let now_ms = c.now_secs * 1000;
        let mut e = Expr::default();
        if !c.late {
            let archived = e.name("archived_at_ms");
            e.condition(format!("attribute_not_exists({archived})"));
        }
        e.set("call_id", s(c.call_id.clone()));
        e.set_if_absent("first_event_at_ms", n(c.call.event_ts_ms));
        e.set("last_event_at_ms", n(now_ms));
        e.set("gsi1pk", s(format!("DAY#{}", utc_day(c.now_secs))));
        e.set("gsi1sk", s(format!("{now_ms:015}#{}", c.call_id)));
        for (k, v) in &c.call.add {
            e.add(&format!("n.{k}"), n(*v));
        }
        if !c.call.removed_fields.is_empty() {
            e.add(
                "removed_fields",
                AttributeValue::Ss(c.call.removed_fields.iter().cloned().collect()),
            );
        }
        if let Some(p) = &c.call.provider_call_id {
            e.set("provider_call_id", s(p.clone()));
        }
        if c.report.is_some() {
            e.set("archived_at_ms", n(now_ms));
        }
        e.update(&self.table, call_pk(&c.call_id), "CALL")
    }

    fn put_new(&self, item: Item) -> Result<Put, StoreError> {
        Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .map_err(build_err)
    }

    fn entry_put(&self, c: &EventCommit) -> Result<Option<Put>, StoreError> {
        let pk = call_pk(&c.call_id);
        if let Some(seg) = &c.segment {
            let mut item: Item = HashMap::new();
            item.insert("pk".into(), s(pk));
            item.insert("sk".into(), s(seg.sort_key()));
            item.insert("ts_ms".into(), n(seg.ts_ms));
            item.insert("arrival_ms".into(), n(seg.arrival_ms));
            item.insert("role".into(), s(seg.role.clone()));
            item.insert("text".into(), s(seg.text.clone()));
            item.insert("late".into(), AttributeValue::Bool(seg.late));
            if !seg.redacted.is_empty() {
                item.insert(
                    "redacted".into(),
                    AttributeValue::M(
                        seg.redacted
                            .iter()
                            .map(|(k, v)| (k.clone(), n(*v)))
                            .collect(),
                    ),
                );
            }
            return self.put_new(item).map(Some);
        }
        if let Some(ev) = &c.event {
            let mut item: Item = HashMap::new();
            item.insert("pk".into(), s(pk));
            item.insert("sk".into(), s(ev.sort_key()));
            item.insert("ts_ms".into(), n(ev.ts_ms));
            item.insert("arrival_ms".into(), n(ev.arrival_ms));
            item.insert("message_type".into(), s(ev.message_type.clone()));
            item.insert("late".into(), AttributeValue::Bool(ev.late));
            Self::document_attributes(&ev.body, &mut item);
            return self.put_new(item).map(Some);
        }
        if let Some(r) = c.report.as_ref().map(|r| &r.manifest) {
            let mut item: Item = HashMap::new();
            item.insert("pk".into(), s(pk));
            item.insert("sk".into(), s("REPORT"));
            item.insert("ts_ms".into(), n(r.ts_ms));
            item.insert("arrival_ms".into(), n(r.arrival_ms));
            if let Some(reason) = &r.ended_reason {
                item.insert("ended_reason".into(), s(reason.clone()));
            }
            Self::document_attributes(&r.body, &mut item);
            return self.put_new(item).map(Some);
        }
        Ok(None)
    }

    fn idempotency_completion(&self, c: &EventCommit) -> Result<Update, StoreError> {
        let mut e = Expr::default();
        let status = e.name("status");
        let token = e.name("token");
        let inprogress = e.value(s("INPROGRESS"));
        let mine = e.value(s(c.idempotency_token.clone()));
        e.condition(format!("{status} = {inprogress} AND {token} = {mine}"));
        e.set("status", s("COMPLETED"));
        e.set("expires_at", n(c.idempotency_expires_at_secs));
        e.remove("in_progress_expires_at");
        e.update(&self.table, format!("IDEM#{}", c.idempotency_key), "IDEM")
    }

    /// The lease fence of a report commit: a `ConditionCheck` on the call's `LOCK` item
    /// (the same liveness rule as [`CallLock::renew`]).
    fn lease_check(&self, c: &EventCommit) -> Result<Option<ConditionCheck>, StoreError> {
        let Some(fence) = c.report.as_ref().map(|r| &r.lease) else {
            return Ok(None);
        };
        ConditionCheck::builder()
            .table_name(&self.table)
            .key("pk", s(call_pk(&c.call_id)))
            .key("sk", s("LOCK"))
            .condition_expression("#owner = :me AND lease_expires_at >= :now")
            .expression_attribute_names("#owner", "owner")
            .expression_attribute_values(":me", s(fence.owner.clone()))
            .expression_attribute_values(":now", n(fence.now_ms))
            .build()
            .map(Some)
            .map_err(build_err)
    }

    fn parse_document(item: &Item) -> StoredDocument {
        StoredDocument {
            inline: get_s(item, "body"),
            parts: u32::try_from(get_n(item, "parts").unwrap_or(0)).unwrap_or(0),
            bytes: u64::try_from(get_n(item, "bytes").unwrap_or(0)).unwrap_or(0),
        }
    }

    fn parse_session(item: &Item) -> StoredSession {
        let mut out = StoredSession {
            expires_at_secs: get_n(item, "expires_at").unwrap_or(0),
            started_at_ms: get_n(item, "started_at_ms").unwrap_or(0),
            last_event_at_ms: get_n(item, "last_event_at_ms").unwrap_or(0),
            ..Default::default()
        };
        let mut partials: BTreeMap<String, (Option<i64>, Option<String>)> = BTreeMap::new();
        let mut tails: BTreeMap<String, SpeakerTail> = BTreeMap::new();
        for (k, v) in item {
            if let Some(name) = k.strip_prefix("n.") {
                if let Some(x) = v.as_n().ok().and_then(|x| x.parse().ok()) {
                    out.counters.insert(name.to_string(), x);
                }
            } else if let Some(name) = k.strip_prefix("st.") {
                if let Some(x) = v.as_n().ok().and_then(|x| x.parse().ok()) {
                    out.statuses.insert(name.to_string(), x);
                }
            } else if let Some(name) = k.strip_prefix("f.") {
                if let Ok(x) = v.as_s() {
                    out.flags.insert(name.to_string(), x.clone());
                }
            } else if let Some(rest) = k.strip_prefix("p.") {
                if let Some(role) = rest.strip_suffix(".ts") {
                    partials.entry(role.into()).or_default().0 =
                        v.as_n().ok().and_then(|x| x.parse().ok());
                } else if let Some(role) = rest.strip_suffix(".text") {
                    partials.entry(role.into()).or_default().1 = v.as_s().ok().cloned();
                }
            } else if let Some(rest) = k.strip_prefix("t.") {
                if let Some((role, field)) = rest.rsplit_once('.') {
                    let t = tails.entry(role.into()).or_default();
                    match field {
                        "v" => t.version = v.as_n().ok().and_then(|x| x.parse().ok()).unwrap_or(0),
                        "ts" => t.ts_ms = v.as_n().ok().and_then(|x| x.parse().ok()).unwrap_or(0),
                        "state" => t.state = v.as_s().cloned().unwrap_or_default(),
                        "text" => t.last_text = v.as_s().cloned().unwrap_or_default(),
                        _ => {}
                    }
                }
            }
        }
        for (role, (ts, text)) in partials {
            if let (Some(ts_ms), Some(text)) = (ts, text) {
                out.partials.insert(role, PartialTranscript { ts_ms, text });
            }
        }
        out.tails = tails;
        out
    }

    fn parse_summary(item: &Item) -> CallSummary {
        let mut out = CallSummary {
            call_id: get_s(item, "call_id").unwrap_or_default(),
            first_event_at_ms: get_n(item, "first_event_at_ms").unwrap_or(0),
            last_event_at_ms: get_n(item, "last_event_at_ms").unwrap_or(0),
            archived_at_ms: get_n(item, "archived_at_ms"),
            provider_call_id: get_s(item, "provider_call_id"),
            ..Default::default()
        };
        for (k, v) in item {
            if let Some(name) = k.strip_prefix("n.") {
                if let Some(x) = v.as_n().ok().and_then(|x| x.parse().ok()) {
                    out.counters.insert(name.to_string(), x);
                }
            }
        }
        if let Some(AttributeValue::Ss(set)) = item.get("removed_fields") {
            out.removed_fields = set.iter().cloned().collect::<BTreeSet<_>>();
        }
        out
    }

    fn parse_segment(item: &Item) -> Segment {
        let mut redacted = BTreeMap::new();
        if let Some(AttributeValue::M(m)) = item.get("redacted") {
            for (k, v) in m {
                if let Some(x) = v.as_n().ok().and_then(|x| x.parse().ok()) {
                    redacted.insert(k.clone(), x);
                }
            }
        }
        Segment {
            ts_ms: get_n(item, "ts_ms").unwrap_or(0),
            arrival_ms: get_n(item, "arrival_ms").unwrap_or(0),
            role: get_s(item, "role").unwrap_or_default(),
            text: get_s(item, "text").unwrap_or_default(),
            redacted,
            late: get_bool(item, "late"),
        }
    }

    fn resolve(
        doc: StoredDocument,
        owner_sk: &str,
        parts: &BTreeMap<String, String>,
    ) -> Result<StoredDocument, StoreError> {
        if doc.inline.is_some() || doc.parts == 0 {
            return Ok(doc);
        }
        let mut text = String::with_capacity(usize::try_from(doc.bytes).unwrap_or(0));
        for i in 0..doc.parts {
            let key = format!("{owner_sk}#PART#{i:04}");
            let part = parts
                .get(&key)
                .ok_or_else(|| StoreError::Corrupt(format!("missing part {key}")))?;
            text.push_str(part);
        }
        Ok(StoredDocument {
            inline: Some(text),
            ..doc
        })
    }

    /// Send `requests` with `BatchWriteItem`, retrying unprocessed items with jittered
    /// exponential backoff; fails after [`BATCH_ATTEMPTS`].
    async fn batch_write(&self, requests: Vec<WriteRequest>) -> Result<(), StoreError> {
        for chunk in requests.chunks(BATCH_SIZE) {
            let mut pending: Vec<WriteRequest> = chunk.to_vec();
            let mut attempt = 0u32;
            while !pending.is_empty() {
                if attempt >= BATCH_ATTEMPTS {
                    return Err(StoreError::Unavailable(format!(
                        "BatchWriteItem: {} items still unprocessed",
                        pending.len()
                    )));
                }
                if attempt > 0 {
                    let cap = 25u64 << attempt.min(6);
                    let jitter = rand::random_range(0..=cap);
                    tokio::time::sleep(Duration::from_millis(jitter)).await;
                }
                attempt += 1;
                self.requests.record("BatchWriteItem");
                let out = self
                    .client
                    .batch_write_item()
                    .request_items(self.table.clone(), std::mem::take(&mut pending))
                    .send()
                    .await
                    .map_err(|e| sdk_err("BatchWriteItem", e))?;
                pending = out
                    .unprocessed_items()
                    .and_then(|m| m.get(&self.table))
                    .cloned()
                    .unwrap_or_default();
            }
        }
        Ok(())
    }
}

#[async_trait]
impl IdempotencyStore for DynamoStore {
    async fn claim(
        &self,
        key: &str,
        token: &str,
        now_ms: i64,
        in_progress_until_ms: i64,
        expires_at_secs: i64,
    ) -> Result<ClaimOutcome, StoreError> {
        self.requests.record("PutItem");
        let res = self
            .client
            .put_item()
            .table_name(&self.table)
            .item("pk", s(format!("IDEM#{key}")))
            .item("sk", s("IDEM"))
            .item("status", s("INPROGRESS"))
            .item("token", s(token))
            .item("expires_at", n(expires_at_secs))
            .item("in_progress_expires_at", n(in_progress_until_ms))
            .condition_expression(
                "attribute_not_exists(pk) OR expires_at < :now OR \
                 (#status = :inprogress AND in_progress_expires_at < :now_ms)",
            )
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":now", n(now_ms.div_euclid(1000)))
            .expression_attribute_values(":now_ms", n(now_ms))
            .expression_attribute_values(":inprogress", s("INPROGRESS"))
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .send()
            .await;
        match res {
            Ok(_) => Ok(ClaimOutcome::Claimed),
            Err(e) => match e.as_service_error() {
                Some(se) if se.is_conditional_check_failed_exception() => {
                    let old_status = match se {
                        aws_sdk_dynamodb::operation::put_item::PutItemError::ConditionalCheckFailedException(x) => {
                            x.item().and_then(|i| get_s(i, "status"))
                        }
                        _ => None,
                    };
                    Ok(if old_status.as_deref() == Some("COMPLETED") {
                        ClaimOutcome::AlreadyCompleted
                    } else {
                        ClaimOutcome::InProgress
                    })
                }
                _ => Err(sdk_err("PutItem", e)),
            },
        }
    }

    async fn complete(
        &self,
        key: &str,
        token: &str,
        expires_at_secs: i64,
    ) -> Result<bool, StoreError> {
        self.requests.record("UpdateItem");
        let res = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(format!("IDEM#{key}")))
            .key("sk", s("IDEM"))
            .update_expression(
                "SET #status = :done, expires_at = :exp REMOVE in_progress_expires_at",
            )
            .condition_expression("#status = :inprogress AND #token = :me")
            .expression_attribute_names("#status", "status")
            .expression_attribute_names("#token", "token")
            .expression_attribute_values(":done", s("COMPLETED"))
            .expression_attribute_values(":inprogress", s("INPROGRESS"))
            .expression_attribute_values(":me", s(token))
            .expression_attribute_values(":exp", n(expires_at_secs))
            .send()
            .await;
        match res {
            Ok(_) => Ok(true),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|x| x.is_conditional_check_failed_exception()) =>
            {
                Ok(false)
            }
            Err(e) => Err(sdk_err("UpdateItem", e)),
        }
    }

    async fn abandon(&self, key: &str, token: &str) -> Result<bool, StoreError> {
        self.requests.record("DeleteItem");
        let res = self
            .client
            .delete_item()
            .table_name(&self.table)
            .key("pk", s(format!("IDEM#{key}")))
            .key("sk", s("IDEM"))
            .condition_expression("#status = :inprogress AND #token = :me")
            .expression_attribute_names("#status", "status")
            .expression_attribute_names("#token", "token")
            .expression_attribute_values(":inprogress", s("INPROGRESS"))
            .expression_attribute_values(":me", s(token))
            .send()
            .await;
        match res {
            Ok(_) => Ok(true),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|x| x.is_conditional_check_failed_exception()) =>
            {
                Ok(false)
            }
            Err(e) => Err(sdk_err("DeleteItem", e)),
        }
    }
}

#[async_trait]
impl CallLock for DynamoStore {
    async fn acquire(
        &self,
        call_id: &str,
        owner: &str,
        now_ms: i64,
        lease_ms: i64,
    ) -> Result<bool, StoreError> {
        self.requests.record("PutItem");
        let until = now_ms + lease_ms;
        let res = self
            .client
            .put_item()
            .table_name(&self.table)
            .item("pk", s(call_pk(call_id)))
            .item("sk", s("LOCK"))
            .item("owner", s(owner))
            .item("lease_expires_at", n(until))
            .item("expires_at", n(until.div_euclid(1000) + LOCK_CLEANUP_SECS))
            .condition_expression("attribute_not_exists(pk) OR lease_expires_at < :now")
            .expression_attribute_values(":now", n(now_ms))
            .send()
            .await;
        match res {
            Ok(_) => Ok(true),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|x| x.is_conditional_check_failed_exception()) =>
            {
                Ok(false)
            }
            Err(e) => Err(sdk_err("PutItem", e)),
        }
    }

    async fn renew(
        &self,
        call_id: &str,
        owner: &str,
        now_ms: i64,
        lease_ms: i64,
    ) -> Result<bool, StoreError> {
        self.requests.record("UpdateItem");
        let until = now_ms + lease_ms;
        let res = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(call_pk(call_id)))
            .key("sk", s("LOCK"))
            .update_expression("SET lease_expires_at = :until, expires_at = :cleanup")
            .condition_expression("#owner = :me AND lease_expires_at >= :now")
            .expression_attribute_names("#owner", "owner")
            .expression_attribute_values(":me", s(owner))
            .expression_attribute_values(":now", n(now_ms))
            .expression_attribute_values(":until", n(until))
            .expression_attribute_values(":cleanup", n(until.div_euclid(1000) + LOCK_CLEANUP_SECS))
            .send()
            .await;
        match res {
            Ok(_) => Ok(true),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|x| x.is_conditional_check_failed_exception()) =>
            {
                Ok(false)
            }
            Err(e) => Err(sdk_err("UpdateItem", e)),
        }
    }

    async fn release(&self, call_id: &str, owner: &str) -> Result<bool, StoreError> {
        self.requests.record("DeleteItem");
        let res = self
            .client
            .delete_item()
            .table_name(&self.table)
            .key("pk", s(call_pk(call_id)))
            .key("sk", s("LOCK"))
            .condition_expression("#owner = :me")
            .expression_attribute_names("#owner", "owner")
            .expression_attribute_values(":me", s(owner))
            .send()
            .await;
        match res {
            Ok(_) => Ok(true),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|x| x.is_conditional_check_failed_exception()) =>
            {
                Ok(false)
            }
            Err(e) => Err(sdk_err("DeleteItem", e)),
        }
    }
}

#[async_trait]
impl CallArchive for DynamoStore {
    async fn read_session(&self, call_id: &str, now_secs: i64) -> Result<SessionRead, StoreError> {
        Ok(match self.get_item(call_pk(call_id), "SESSION").await? {
            None => SessionRead::Absent,
            Some(item) => {
                let session = Self::parse_session(&item);
                if session.expires_at_secs < now_secs {
                    SessionRead::Expired
                } else {
                    SessionRead::Live(session)
                }
            }
        })
    }

    async fn discard_expired_session(
        &self,
        call_id: &str,
        now_secs: i64,
    ) -> Result<(), StoreError> {
        self.requests.record("DeleteItem");
        let res = self
            .client
            .delete_item()
            .table_name(&self.table)
            .key("pk", s(call_pk(call_id)))
            .key("sk", s("SESSION"))
            .condition_expression("expires_at < :now")
            .expression_attribute_values(":now", n(now_secs))
            .send()
            .await;
        match res {
            Ok(_) => Ok(()),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|x| x.is_conditional_check_failed_exception()) =>
            {
                Ok(())
            }
            Err(e) => Err(sdk_err("DeleteItem", e)),
        }
    }

    async fn report_archived(&self, call_id: &str) -> Result<bool, StoreError> {
        Ok(self
            .get_item(call_pk(call_id), "CALL")
            .await?
            .is_some_and(|item| item.contains_key("archived_at_ms")))
    }

    async fn put_parts(
        &self,
        call_id: &str,
        owner: &DocumentOwner,
        parts: &[String],
    ) -> Result<(), StoreError> {
        let owner_sk = match owner {
            DocumentOwner::Report => "REPORT".to_string(),
            DocumentOwner::Event(sk) => sk.clone(),
        };
        let mut requests = Vec::with_capacity(parts.len());
        for (i, p) in parts.iter().enumerate() {
            if p.len() > MAX_ITEM_BYTES {
                return Err(StoreError::TooLarge(format!(
                    "document part of {} bytes",
                    p.len()
                )));
            }
            let put = PutRequest::builder()
                .item("pk", s(call_pk(call_id)))
                .item("sk", s(format!("{owner_sk}#PART#{i:04}")))
                .item("body", s(p.clone()))
                .build()
                .map_err(build_err)?;
            requests.push(WriteRequest::builder().put_request(put).build());
        }
        self.batch_write(requests).await
    }

    async fn commit(&self, c: &EventCommit) -> Result<CommitOutcome, StoreError> {
        // Item order matters: it maps cancellation reasons back to outcomes.
        let mut items: Vec<(Slot, TransactWriteItem)> = Vec::with_capacity(6);
        items.push((
            Slot::Idempotency,
            TransactWriteItem::builder()
                .update(self.idempotency_completion(c)?)
                .build(),
        ));
        items.push((
            Slot::Call,
            TransactWriteItem::builder()
                .update(self.call_update(c)?)
                .build(),
        ));
        if let Some(u) = self.session_update(&c.call_id, c)? {
            items.push((
                Slot::Session,
                TransactWriteItem::builder().update(u).build(),
            ));
        }
        if let Some(p) = self.entry_put(c)? {
            items.push((Slot::Entry, TransactWriteItem::builder().put(p).build()));
        }
        if let Some(provider_id) = &c.call.provider_call_id {
            let put = Put::builder()
                .table_name(&self.table)
                .item("pk", s(format!("TWILIO#{provider_id}")))
                .item("sk", s("LINK"))
                .item("call_id", s(c.call_id.clone()))
                .build()
                .map_err(build_err)?;
            items.push((Slot::Link, TransactWriteItem::builder().put(put).build()));
        }
        if let Some(check) = self.lease_check(c)? {
            items.push((
                Slot::Lease,
                TransactWriteItem::builder().condition_check(check).build(),
            ));
        }
        // Same token for the SDK's own retries of this exact request: a commit whose
        // response was lost is not applied twice and does not report a false conflict.
        // Tokens are account-wide for 10 minutes: the table name and the claim's random
        // token keep them unique to this commit.
        let digest = Sha256::digest(format!("{}|{c:?}", self.table).as_bytes());
        let request_token = hex::encode(&digest[..16]);
        let slots: Vec<Slot> = items.iter().map(|(slot, _)| *slot).collect();
        self.requests.record("TransactWriteItems");
        let res = self
            .client
            .transact_write_items()
            .set_transact_items(Some(items.into_iter().map(|(_, i)| i).collect()))
            .client_request_token(request_token)
            .send()
            .await;
        match res {
            Ok(_) => Ok(CommitOutcome::Committed),
            Err(e) => {
                if let Some(TransactWriteItemsError::TransactionCanceledException(x)) =
                    e.as_service_error()
                {
                    let failed: Vec<(Slot, &str)> = x
                        .cancellation_reasons()
                        .iter()
                        .zip(slots.iter())
                        .filter_map(|(r, slot)| r.code().map(|code| (*slot, code)))
                        .filter(|(_, code)| *code != "None")
                        .collect();
                    let cond = |want: Slot| {
                        failed
                            .iter()
                            .any(|(slot, code)| *slot == want && *code == "ConditionalCheckFailed")
                    };
                    if cond(Slot::Idempotency) {
                        return Ok(CommitOutcome::IdempotencyLost);
                    }
                    if cond(Slot::Lease) {
                        return Ok(CommitOutcome::LeaseLost);
                    }
                    if cond(Slot::Entry) {
                        return Ok(CommitOutcome::EntryExists);
                    }
                    if cond(Slot::Call) {
                        return Ok(CommitOutcome::CallArchived);
                    }
                    if cond(Slot::Session)
                        || failed
                            .iter()
                            .any(|(_, code)| *code == "TransactionConflict")
                    {
                        return Ok(CommitOutcome::SessionConflict);
                    }
                    let codes: Vec<&str> = failed.iter().map(|(_, code)| *code).collect();
                    return Err(StoreError::Unavailable(format!(
                        "TransactWriteItems cancelled: {codes:?}"
                    )));
                }
                Err(sdk_err("TransactWriteItems", e))
            }
        }
    }

    async fn read_call(
        &self,
        call_id: &str,
        now_secs: i64,
    ) -> Result<Option<StoredCall>, StoreError> {
        let items = self.query_partition(call_pk(call_id)).await?;
        if items.is_empty() {
            return Ok(None);
        }
        let mut parts: BTreeMap<String, String> = BTreeMap::new();
        let mut out = StoredCall::default();
        let mut events: Vec<(String, Item)> = Vec::new();
        let mut report: Option<Item> = None;
        for item in &items {
            let sk = get_s(item, "sk").unwrap_or_default();
            if sk.contains("#PART#") {
                parts.insert(sk, get_s(item, "body").unwrap_or_default());
            } else if sk == "SESSION" {
                let session = Self::parse_session(item);
                if session.expires_at_secs >= now_secs {
                    out.session = Some(session);
                }
            } else if sk == "CALL" {
                out.summary = Some(Self::parse_summary(item));
            } else if sk == "REPORT" {
                report = Some(item.clone());
            } else if sk.starts_with("SEG#") {
                out.segments.push(Self::parse_segment(item));
            } else if sk.starts_with("EVT#") {
                events.push((sk, item.clone()));
            }
        }
        for (sk, item) in events {
            out.events.push(EventRecord {
                ts_ms: get_n(&item, "ts_ms").unwrap_or(0),
                arrival_ms: get_n(&item, "arrival_ms").unwrap_or(0),
                message_type: get_s(&item, "message_type").unwrap_or_default(),
                body: Self::resolve(Self::parse_document(&item), &sk, &parts)?,
                late: get_bool(&item, "late"),
            });
        }
        if let Some(item) = report {
            out.report = Some(ReportManifest {
                ts_ms: get_n(&item, "ts_ms").unwrap_or(0),
                arrival_ms: get_n(&item, "arrival_ms").unwrap_or(0),
                ended_reason: get_s(&item, "ended_reason"),
                body: Self::resolve(Self::parse_document(&item), "REPORT", &parts)?,
            });
        }
        if out.summary.is_none()
            && out.session.is_none()
            && out.segments.is_empty()
            && out.events.is_empty()
            && out.report.is_none()
        {
            return Ok(None);
        }
        Ok(Some(out))
    }

    async fn list_calls(
        &self,
        now_secs: i64,
        days: u32,
        limit: usize,
    ) -> Result<Vec<CallSummary>, StoreError> {
        let mut out = Vec::new();
        for back in 0..i64::from(days.max(1)) {
            if out.len() >= limit {
                break;
            }
            let day = utc_day(now_secs - back * 86_400);
            let mut start: Option<Item> = None;
            loop {
                self.requests.record("Query");
                let remaining = i32::try_from(limit - out.len()).unwrap_or(i32::MAX);
                let page = self
                    .client
                    .query()
                    .table_name(&self.table)
                    .index_name(GSI_BY_DAY)
                    .key_condition_expression("gsi1pk = :day")
                    .expression_attribute_values(":day", s(format!("DAY#{day}")))
                    .scan_index_forward(false)
                    .limit(remaining)
                    .set_exclusive_start_key(start.take())
                    .send()
                    .await
                    .map_err(|e| sdk_err("Query", e))?;
                out.extend(page.items().iter().map(Self::parse_summary));
                match page.last_evaluated_key() {
                    Some(k) if !k.is_empty() && out.len() < limit => start = Some(k.clone()),
                    _ => break,
                }
            }
        }
        out.truncate(limit);
        Ok(out)
    }

    async fn call_for_provider_id(
        &self,
        provider_call_id: &str,
    ) -> Result<Option<String>, StoreError> {
        Ok(self
            .get_item(format!("TWILIO#{provider_call_id}"), "LINK")
            .await?
            .and_then(|item| get_s(&item, "call_id")))
    }
}

/// Position of an item in a commit transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Idempotency,
    Call,
    Session,
    Entry,
    Link,
    Lease,
}
