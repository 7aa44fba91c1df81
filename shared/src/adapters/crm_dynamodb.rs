//! The built-in CRM on the project's DynamoDB table (`TABLE_NAME`), plus the tools' own
//! records (pending tool calls, caller context, ticket receipts). Every key starts with
//! `CRM#`, so nothing collides with the worker's `IDEM#`, `CALL#`, `TWILIO#`, `BLOB#`
//! items. Records are stored as one JSON attribute `doc`; TTL attribute `expires_at`
//! (epoch seconds), checked on every read.
//!
//! | pk | sk | what |
//! |---|---|---|
//! | `CRM#CUSTOMER#<id>` | `CUSTOMER` | customer |
//! | `CRM#PHONE#<sha256(phone)>` | `CUSTOMER` | copy of the customer, looked up by phone (the number is hashed in the key) |
//! | `CRM#ACCOUNT#<id>` | `ACCOUNT` | account (last four of the card only) |
//! | `CRM#TICKET#<id>` | `TICKET` | ticket (+ redacted `description`) |
//! | `CRM#CUSTOMER#<id>` | `TICKET#<ticket id>` | copy of a customer's ticket, for the open-ticket query |
//! | `CRM#TICKETKEY#<key>` | `TICKETKEY` | idempotency key of a creation → ticket id (conditional put) |
//! | `CRM#COUNTER` | `TICKET` | last ticket number (atomic counter) |
//! | `CRM#NOTE#<call id>` | `NOTE` | end-of-call note (conditional put: one per call) |
//! | `CRM#TOOL#<toolCallId>` | `PENDING` | pending tool call (ids, state, times), TTL |
//! | `CRM#CALL#<call id>` | `CONTEXT` | cached caller context + tool failure counter, TTL |
//! | `CRM#RECEIPT#<key>` | `RECEIPT` | ticket receipt of an exactly-once creation, TTL |

use std::collections::HashMap;
use std::future::Future;

use async_trait::async_trait;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    AttributeValue, Put, PutRequest, ReturnValue, TransactWriteItem, WriteRequest,
};
use aws_sdk_dynamodb::Client;
use serde::de::DeserializeOwned;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::adapters::crm_memory::FIRST_TICKET_NUMBER;
use crate::crm::caller_context::{CachedCall, CallerContext, CallerContextStore};
use crate::crm::create_once::TicketReceipts;
use crate::crm::pending::{PendingState, PendingTool, PendingTools};
use crate::crm::seed::CrmSeed;
use crate::ports::crm::{
    ticket_id, utc_date, Account, CallNote, Crm, CrmError, Customer, Deadline, NewTicket,
    NoteOutcome, Ticket,
};

type Item = HashMap<String, AttributeValue>;

/// Attempts of a ticket creation that lost a transaction race without a winner to read.
const CREATE_ATTEMPTS: u32 = 5;

/// The built-in CRM and the tools' records on one DynamoDB table.
#[derive(Debug, Clone)]
pub struct DynamoCrm {
    client: Client,
    table: String,
}

fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

fn n(v: i64) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

fn get_s(item: &Item, name: &str) -> Option<String> {
    item.get(name).and_then(|v| v.as_s().ok()).cloned()
}

fn get_n(item: &Item, name: &str) -> Option<i64> {
    item.get(name)
        .and_then(|v| v.as_n().ok())
        .and_then(|x| x.parse().ok())
}

/// An SDK error as a CRM error: operation and error code only (never request content).
fn sdk_err<E: ProvideErrorMetadata, R>(op: &str, e: &SdkError<E, R>) -> CrmError {
    match e {
        SdkError::TimeoutError(_) => CrmError::Timeout,
        _ => CrmError::Unavailable(format!(
            "DynamoDB {op}: {}",
            e.code().unwrap_or("dispatch failure")
        )),
    }
}

fn conditional_failed<E: ProvideErrorMetadata, R>(e: &SdkError<E, R>) -> bool {
    e.code() == Some("ConditionalCheckFailedException")
}

fn doc<T: Serialize>(v: &T) -> Result<AttributeValue, CrmError> {
    serde_json::to_string(v)
        .map(s)
        .map_err(|e| CrmError::Malformed(e.to_string()))
}

fn parse_doc<T: DeserializeOwned>(item: &Item) -> Result<T, CrmError> {
    let text =
        get_s(item, "doc").ok_or_else(|| CrmError::Malformed("CRM item without doc".into()))?;
    serde_json::from_str(&text).map_err(|_| CrmError::Malformed("CRM item doc".into()))
}

/// The phone lookup key: a hash, so the number never appears in a key.
fn phone_pk(phone: &str) -> String {
    format!(
        "CRM#PHONE#{}",
        hex::encode(Sha256::digest(phone.as_bytes()))
    )
}

async fn within<T>(
    deadline: Deadline,
    fut: impl Future<Output = Result<T, CrmError>>,
) -> Result<T, CrmError> {
    tokio::time::timeout_at(deadline.instant(), fut)
        .await
        .unwrap_or(Err(CrmError::Timeout))
}

impl DynamoCrm {
    /// The CRM on `table`.
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    async fn get(&self, pk: String, sk: &str) -> Result<Option<Item>, CrmError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(pk))
            .key("sk", s(sk))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| sdk_err("GetItem", &e))?;
        Ok(out.item().cloned())
    }

    async fn get_doc<T: DeserializeOwned>(
        &self,
        pk: String,
        sk: &str,
    ) -> Result<Option<T>, CrmError> {
        match self.get(pk, sk).await? {
            Some(item) => parse_doc(&item).map(Some),
            None => Ok(None),
        }
    }

    fn item(pk: String, sk: &str, body: AttributeValue) -> Item {
        HashMap::from([
            ("pk".to_owned(), s(pk)),
            ("sk".to_owned(), s(sk)),
            ("doc".to_owned(), body),
        ])
    }

    fn ticket_items(
        ticket: &Ticket,
        description: Option<&str>,
        call_id: Option<&str>,
    ) -> Result<Vec<Item>, CrmError> {
        let body = doc(ticket)?;
        let mut main = Self::item(format!("CRM#TICKET#{}", ticket.id), "TICKET", body.clone());
        if let Some(d) = description {
            main.insert("description".into(), s(d));
        }
        if let Some(c) = call_id {
            main.insert("call_id".into(), s(c));
        }
        let mut items = vec![main];
        if let Some(cid) = &ticket.customer_id {
            items.push(Self::item(
                format!("CRM#CUSTOMER#{cid}"),
                &format!("TICKET#{}", ticket.id),
                body,
            ));
        }
        Ok(items)
    }

    /// Write `seed` (customers, phone index, accounts, tickets) with batch writes, and move
    /// the ticket counter above the highest seeded ticket. Re-seeding overwrites the same
    /// items. Returns the number of items written.
    pub async fn seed(&self, seed: &CrmSeed) -> Result<usize, CrmError> {
        let mut items: Vec<Item> = Vec::new();
        for c in &seed.customers {
            items.push(Self::item(
                format!("CRM#CUSTOMER#{}", c.id),
                "CUSTOMER",
                doc(c)?,
            ));
            items.push(Self::item(phone_pk(&c.phone), "CUSTOMER", doc(c)?));
        }
        for a in &seed.accounts {
            items.push(Self::item(
                format!("CRM#ACCOUNT#{}", a.id),
                "ACCOUNT",
                doc(a)?,
            ));
        }
        for t in &seed.tickets {
            items.extend(Self::ticket_items(t, None, None)?);
        }
        let count = items.len();
        for chunk in items.chunks(25) {
            let mut requests: Vec<WriteRequest> = chunk
                .iter()
                .map(|i| {
                    PutRequest::builder()
                        .set_item(Some(i.clone()))
                        .build()
                        .map(|p| WriteRequest::builder().put_request(p).build())
                        .map_err(|e| CrmError::Malformed(e.to_string()))
                })
                .collect::<Result<_, _>>()?;
            for attempt in 0..8u32 {
                let out = self
                    .client
                    .batch_write_item()
                    .request_items(&self.table, requests.clone())
                    .send()
                    .await
                    .map_err(|e| sdk_err("BatchWriteItem", &e))?;
                requests = out
                    .unprocessed_items()
                    .and_then(|m| m.get(&self.table))
                    .cloned()
                    .unwrap_or_default();
                if requests.is_empty() {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(50 << attempt)).await;
            }
            if !requests.is_empty() {
                return Err(CrmError::Unavailable(
                    "BatchWriteItem left unprocessed items".into(),
                ));
            }
        }
        let max = i64::try_from(seed.max_ticket_number()).unwrap_or(i64::MAX);
        let res = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s("CRM#COUNTER"))
            .key("sk", s("TICKET"))
            .update_expression("SET n = :m")
            .condition_expression("attribute_not_exists(n) OR n < :m")
            .expression_attribute_values(
                ":m",
                n(max.max(i64::try_from(FIRST_TICKET_NUMBER).unwrap_or(0))),
            )
            .send()
            .await;
        match res {
            Ok(_) => Ok(count),
            Err(e) if conditional_failed(&e) => Ok(count),
            Err(e) => Err(sdk_err("UpdateItem", &e)),
        }
    }

    async fn next_ticket_number(&self) -> Result<u64, CrmError> {
        let out = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s("CRM#COUNTER"))
            .key("sk", s("TICKET"))
            .update_expression("SET n = if_not_exists(n, :floor) + :one")
            .expression_attribute_values(
                ":floor",
                n(i64::try_from(FIRST_TICKET_NUMBER).unwrap_or(0)),
            )
            .expression_attribute_values(":one", n(1))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await
            .map_err(|e| sdk_err("UpdateItem", &e))?;
        out.attributes()
            .and_then(|a| get_n(a, "n"))
            .and_then(|v| u64::try_from(v).ok())
            .ok_or_else(|| CrmError::Malformed("ticket counter".into()))
    }

    async fn ticket_by_key(&self, key: &str) -> Result<Option<Ticket>, CrmError> {
        let Some(item) = self
            .get(format!("CRM#TICKETKEY#{key}"), "TICKETKEY")
            .await?
        else {
            return Ok(None);
        };
        let id = get_s(&item, "ticket_id")
            .ok_or_else(|| CrmError::Malformed("ticket key item".into()))?;
        self.get_doc(format!("CRM#TICKET#{id}"), "TICKET")
            .await?
            .map(Some)
            .ok_or_else(|| CrmError::Malformed("ticket key names a missing ticket".into()))
    }

    fn put_if_absent(&self, item: Item) -> Result<TransactWriteItem, CrmError> {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .map_err(|e| CrmError::Malformed(e.to_string()))?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    async fn create(&self, t: &NewTicket) -> Result<Ticket, CrmError> {
        for _ in 0..CREATE_ATTEMPTS {
            if let Some(existing) = self.ticket_by_key(&t.idempotency_key).await? {
                return Ok(existing);
            }
            let ticket = Ticket {
                id: ticket_id(self.next_ticket_number().await?),
                customer_id: t.customer_id.clone(),
                account_id: None,
                subject: t.subject.clone(),
                category: None,
                status: "open".into(),
                priority: t.priority.clone(),
                opened_at: utc_date(t.created_at_ms),
            };
            let mut key_item = HashMap::from([
                (
                    "pk".to_owned(),
                    s(format!("CRM#TICKETKEY#{}", t.idempotency_key)),
                ),
                ("sk".to_owned(), s("TICKETKEY")),
                ("ticket_id".to_owned(), s(ticket.id.clone())),
            ]);
            key_item.insert("created_at_ms".into(), n(t.created_at_ms));
            let mut writes = vec![self.put_if_absent(key_item)?];
            for item in Self::ticket_items(&ticket, Some(&t.description), t.call_id.as_deref())? {
                writes.push(self.put_if_absent(item)?);
            }
            let res = self
                .client
                .transact_write_items()
                .set_transact_items(Some(writes))
                .send()
                .await;
            match res {
                Ok(_) => return Ok(ticket),
                // Lost a race (the key exists, a transaction conflict, or a ticket number
                // taken outside the counter): read the winner, or try again.
                Err(e)
                    if matches!(
                        e.as_service_error(),
                        Some(TransactWriteItemsError::TransactionCanceledException(_))
                    ) =>
                {
                    continue
                }
                Err(e) => return Err(sdk_err("TransactWriteItems", &e)),
            }
        }
        self.ticket_by_key(&t.idempotency_key)
            .await?
            .ok_or_else(|| CrmError::Unavailable("ticket creation kept conflicting".into()))
    }
}

#[async_trait]
impl Crm for DynamoCrm {
    async fn find_customer_by_phone(
        &self,
        phone: &str,
        deadline: Deadline,
    ) -> Result<Option<Customer>, CrmError> {
        within(deadline, self.get_doc(phone_pk(phone), "CUSTOMER")).await
    }

    async fn get_customer(
        &self,
        customer_id: &str,
        deadline: Deadline,
    ) -> Result<Option<Customer>, CrmError> {
        within(
            deadline,
            self.get_doc(format!("CRM#CUSTOMER#{customer_id}"), "CUSTOMER"),
        )
        .await
    }

    async fn get_account(
        &self,
        account_id: &str,
        deadline: Deadline,
    ) -> Result<Option<Account>, CrmError> {
        within(
            deadline,
            self.get_doc(format!("CRM#ACCOUNT#{account_id}"), "ACCOUNT"),
        )
        .await
    }

    async fn get_ticket(
        &self,
        ticket_id: &str,
        deadline: Deadline,
    ) -> Result<Option<Ticket>, CrmError> {
        within(
            deadline,
            self.get_doc(format!("CRM#TICKET#{ticket_id}"), "TICKET"),
        )
        .await
    }

    async fn open_tickets(
        &self,
        customer_id: &str,
        deadline: Deadline,
    ) -> Result<Vec<Ticket>, CrmError> {
        within(deadline, async {
            let out = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :pk AND begins_with(sk, :t)")
                .expression_attribute_values(":pk", s(format!("CRM#CUSTOMER#{customer_id}")))
                .expression_attribute_values(":t", s("TICKET#"))
                .consistent_read(true)
                .limit(100)
                .send()
                .await
                .map_err(|e| sdk_err("Query", &e))?;
            let mut open = Vec::new();
            for item in out.items() {
                let t: Ticket = parse_doc(item)?;
                if t.is_open() && open.len() < 20 {
                    open.push(t);
                }
            }
            Ok(open)
        })
        .await
    }

    async fn create_ticket(
        &self,
        ticket: &NewTicket,
        deadline: Deadline,
    ) -> Result<Ticket, CrmError> {
        within(deadline, self.create(ticket)).await
    }

    async fn add_call_note(
        &self,
        note: &CallNote,
        deadline: Deadline,
    ) -> Result<NoteOutcome, CrmError> {
        within(deadline, async {
            let res = self
                .client
                .put_item()
                .table_name(&self.table)
                .set_item(Some(Self::item(
                    format!("CRM#NOTE#{}", note.call_id),
                    "NOTE",
                    doc(note)?,
                )))
                .condition_expression("attribute_not_exists(pk)")
                .send()
                .await;
            match res {
                Ok(_) => Ok(NoteOutcome::Added),
                Err(e) if conditional_failed(&e) => Ok(NoteOutcome::AlreadyPresent),
                Err(e) => Err(sdk_err("PutItem", &e)),
            }
        })
        .await
    }
}

#[async_trait]
impl PendingTools for DynamoCrm {
    async fn begin(&self, r: &PendingTool, now_secs: i64) -> Result<bool, CrmError> {
        let res = self
            .client
            .put_item()
            .table_name(&self.table)
            .item("pk", s(format!("CRM#TOOL#{}", r.tool_call_id)))
            .item("sk", s("PENDING"))
            .item("call_id", s(r.call_id.clone()))
            .item("tool", s(r.tool_name.clone()))
            .item("state", s(PendingState::Running.as_str()))
            .item("answer_by_ms", n(r.answer_by_ms))
            .item("expires_at", n(r.expires_at_secs))
            .condition_expression("attribute_not_exists(pk) OR expires_at < :now")
            .expression_attribute_values(":now", n(now_secs))
            .send()
            .await;
        match res {
            Ok(_) => Ok(true),
            Err(e) if conditional_failed(&e) => Ok(false),
            Err(e) => Err(sdk_err("PutItem", &e)),
        }
    }

    async fn mark_answered(&self, tool_call_id: &str) -> Result<bool, CrmError> {
        let res = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(format!("CRM#TOOL#{tool_call_id}")))
            .key("sk", s("PENDING"))
            .update_expression("SET #state = :answered")
            .condition_expression("#state = :running")
            .expression_attribute_names("#state", "state")
            .expression_attribute_values(":answered", s(PendingState::Answered.as_str()))
            .expression_attribute_values(":running", s(PendingState::Running.as_str()))
            .send()
            .await;
        match res {
            Ok(_) => Ok(true),
            Err(e) if conditional_failed(&e) => Ok(false),
            Err(e) => Err(sdk_err("UpdateItem", &e)),
        }
    }

    async fn get(
        &self,
        tool_call_id: &str,
        now_secs: i64,
    ) -> Result<Option<PendingTool>, CrmError> {
        let Some(item) =
            DynamoCrm::get(self, format!("CRM#TOOL#{tool_call_id}"), "PENDING").await?
        else {
            return Ok(None);
        };
        let expires = get_n(&item, "expires_at").unwrap_or(0);
        if expires < now_secs {
            return Ok(None);
        }
        let state = get_s(&item, "state")
            .and_then(|x| PendingState::parse(&x))
            .ok_or_else(|| CrmError::Malformed("pending record state".into()))?;
        Ok(Some(PendingTool {
            tool_call_id: tool_call_id.to_owned(),
            call_id: get_s(&item, "call_id").unwrap_or_default(),
            tool_name: get_s(&item, "tool").unwrap_or_default(),
            state,
            answer_by_ms: get_n(&item, "answer_by_ms").unwrap_or(0),
            expires_at_secs: expires,
        }))
    }
}

#[async_trait]
impl CallerContextStore for DynamoCrm {
    async fn put_context(
        &self,
        call_id: &str,
        context: &CallerContext,
        expires_at_secs: i64,
    ) -> Result<(), CrmError> {
        self.client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(format!("CRM#CALL#{call_id}")))
            .key("sk", s("CONTEXT"))
            .update_expression("SET doc = :d, expires_at = :e")
            .expression_attribute_values(":d", doc(context)?)
            .expression_attribute_values(":e", n(expires_at_secs))
            .send()
            .await
            .map_err(|e| sdk_err("UpdateItem", &e))?;
        Ok(())
    }

    async fn add_tool_failure(&self, call_id: &str, expires_at_secs: i64) -> Result<u32, CrmError> {
        let out = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(format!("CRM#CALL#{call_id}")))
            .key("sk", s("CONTEXT"))
            .update_expression("ADD failures :one SET expires_at = :e")
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":e", n(expires_at_secs))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await
            .map_err(|e| sdk_err("UpdateItem", &e))?;
        Ok(out
            .attributes()
            .and_then(|a| get_n(a, "failures"))
            .and_then(|v| u32::try_from(v).ok())
            .unwrap_or(0))
    }

    async fn get(&self, call_id: &str, now_secs: i64) -> Result<CachedCall, CrmError> {
        let Some(item) = DynamoCrm::get(self, format!("CRM#CALL#{call_id}"), "CONTEXT").await?
        else {
            return Ok(CachedCall::default());
        };
        if get_n(&item, "expires_at").unwrap_or(0) < now_secs {
            return Ok(CachedCall::default());
        }
        let context = match get_s(&item, "doc") {
            Some(_) => Some(parse_doc(&item)?),
            None => None,
        };
        let tool_failures = get_n(&item, "failures")
            .and_then(|v| u32::try_from(v).ok())
            .unwrap_or(0);
        Ok(CachedCall {
            context,
            tool_failures,
        })
    }
}

#[async_trait]
impl TicketReceipts for DynamoCrm {
    async fn put_receipt(
        &self,
        key: &str,
        ticket: &Ticket,
        expires_at_secs: i64,
    ) -> Result<(), CrmError> {
        let mut item = Self::item(format!("CRM#RECEIPT#{key}"), "RECEIPT", doc(ticket)?);
        item.insert("expires_at".into(), n(expires_at_secs));
        let res = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            // A receipt always names the ticket created for its key: the first one stays.
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await;
        match res {
            Ok(_) => Ok(()),
            Err(e) if conditional_failed(&e) => Ok(()),
            Err(e) => Err(sdk_err("PutItem", &e)),
        }
    }

    async fn get_receipt(&self, key: &str, now_secs: i64) -> Result<Option<Ticket>, CrmError> {
        match self.get(format!("CRM#RECEIPT#{key}"), "RECEIPT").await? {
            Some(item) if get_n(&item, "expires_at").unwrap_or(0) >= now_secs => {
                parse_doc(&item).map(Some)
            }
            _ => Ok(None),
        }
    }
}
