//! The four support tools as a [`ToolRegistry`]: `lookupAccount`, `getTicketStatus`,
//! `createTicket`, `escalateToHuman` (definitions in `config/tools.json`).
//!
//! Every call: validate the arguments against the schema (a bad argument is an `error`
//! result the assistant can speak, never a 5xx); write the pending record (see
//! [`crate::crm::pending`]); run the tool with a deadline a safety margin before the
//! webhook's, answering from the cached caller context where it can; mark the record
//! answered. A tool that misses the deadline answers "still checking" and is finished by
//! the worker; `async: true` tools take that path at once. Logs carry the tool name, the
//! outcome kind and timings: never arguments, results or the control URL.

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::clock::Clock;
use crate::crm::call_control::{CallControl, ControlMessage};
use crate::crm::caller_context::{brief_ticket, AccountBrief, CachedCall, CallerContextStore};
use crate::crm::create_once::{tool_effect_key, CreateOnceError, ExactlyOnce};
use crate::crm::pending::{PendingState, PendingTool, PendingTools};
use crate::crm::results::{
    account_result, arg, argument_error, created_ticket_result, crm_error, ticket_status_result,
    transfer_result,
};
use crate::crm::schema::{shipped_schemas, SchemaError, ToolSchemas};
use crate::ports::crm::{Crm, CrmError, Deadline, NewTicket};
use crate::ports::store::CallArchive;
use crate::ports::{ToolCall, ToolContext, ToolOutcome, ToolRegistry};
use crate::redact::{redact_text, Context};
use crate::webhook::answers::Escalation;

/// Spoken when the caller's call has ended before a side effect could run.
pub const CALL_ENDED: &str = "This call has already ended, so nothing was changed.";

/// A tool run that could not finish here: the CRM did not answer before the deadline, or
/// another delivery of the same tool call is still running its side effect. The webhook
/// answers "still checking" (the worker finishes it); the worker retries the record later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deferred;

/// The adapters the tools run against.
#[derive(Clone)]
pub struct CrmToolsDeps {
    /// The customer system.
    pub crm: Arc<dyn Crm>,
    /// Exactly-once side effects (idempotency records + ticket receipts).
    pub once: ExactlyOnce,
    /// Pending records for tools finished by the worker; `None` disables that path.
    pub pending: Option<Arc<dyn PendingTools>>,
    /// Cached caller context and failure counters; `None` always asks the CRM.
    pub contexts: Option<Arc<dyn CallerContextStore>>,
    /// The call archive, to refuse side effects in calls already archived as ended.
    pub archive: Option<Arc<dyn CallArchive>>,
    /// Live Call Control client (transfers).
    pub control: Arc<dyn CallControl>,
    /// The configured human escalation (`HUMAN_ESCALATION_*`).
    pub escalation: Option<Escalation>,
    /// Time source.
    pub clock: Arc<dyn Clock>,
}

/// Tunables of the tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ToolSettings {
    /// How much earlier than the webhook's deadline the tools stop waiting, leaving time to
    /// mark the pending record answered and render the answer.
    pub answer_margin: Duration,
    /// Lifetime of pending records and cached context (seconds).
    pub record_ttl_secs: i64,
}

impl Default for ToolSettings {
    fn default() -> Self {
        Self {
            answer_margin: Duration::from_millis(300),
            record_ttl_secs: 3600,
        }
    }
}

/// The CRM-backed tool registry.
#[derive(Clone)]
pub struct CrmTools {
    deps: CrmToolsDeps,
    settings: ToolSettings,
    schemas: &'static ToolSchemas,
}

/// Normalise an id the model may have spelled loosely ("ac 8821 3457", "tkt44109"):
/// upper-case, no spaces, a dash after the prefix.
fn normalise_id(raw: &str, prefix: &str) -> String {
    let compact: String = raw
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect();
    match compact.strip_prefix(prefix) {
        Some(rest) if !rest.starts_with('-') => format!("{prefix}-{rest}"),
        _ => compact,
    }
}

fn normalised_arguments(name: &str, args: &Value) -> Value {
    let mut args = args.clone();
    let field = match name {
        "lookupAccount" => Some(("accountId", "AC")),
        "getTicketStatus" => Some(("ticketId", "TKT")),
        _ => None,
    };
    if let Some((field, prefix)) = field {
        if let Some(Value::String(s)) = args.get(field) {
            let n = normalise_id(s, prefix);
            args[field] = Value::String(n);
        }
    }
    args
}

fn redacted(text: &str) -> String {
    redact_text(text, &Context::default()).text
}

impl CrmTools {
    /// Tools over `deps`, validated by the shipped `config/tools.json`.
    pub fn new(deps: CrmToolsDeps, settings: ToolSettings) -> Result<Self, SchemaError> {
        Ok(Self {
            deps,
            settings,
            schemas: shipped_schemas()?,
        })
    }

    /// The adapters.
    pub fn deps(&self) -> &CrmToolsDeps {
        &self.deps
    }

    /// The tunables.
    pub fn settings(&self) -> &ToolSettings {
        &self.settings
    }

    /// Validate and run one tool call until `deadline`, without pending-record bookkeeping
    /// (the worker uses this to finish a tool the webhook answered "still checking").
    pub async fn run_tool(
        &self,
        call: &ToolCall,
        ctx: &ToolContext,
        deadline: Deadline,
    ) -> Result<ToolOutcome, Deferred> {
        let args = match self.validate(call) {
            Ok(a) => a,
            Err(outcome) => return Ok(outcome),
        };
        self.execute(call, &args, ctx, deadline).await
    }

    fn validate(&self, call: &ToolCall) -> Result<Map<String, Value>, ToolOutcome> {
        let name = crate::webhook::tool_runner::spoken_name(&call.name);
        let args = normalised_arguments(&call.name, &call.arguments);
        self.schemas
            .validate(&call.name, &args)
            .map_err(|e| ToolOutcome::Error(argument_error(&name, &e)))
    }

    async fn cached(&self, ctx: &ToolContext) -> CachedCall {
        let (Some(store), Some(call_id)) = (&self.deps.contexts, &ctx.call_id) else {
            return CachedCall::default();
        };
        match store.get(call_id, self.deps.clock.now_secs()).await {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(target: "callwarden::crm", error = %e, "caller context unavailable; asking the CRM");
                CachedCall::default()
            }
        }
    }

    async fn failed(&self, ctx: &ToolContext, e: &CrmError) -> Result<ToolOutcome, Deferred> {
        if *e == CrmError::Timeout {
            return Err(Deferred);
        }
        if let (Some(store), Some(call_id)) = (&self.deps.contexts, &ctx.call_id) {
            let exp = self.deps.clock.now_secs() + self.settings.record_ttl_secs;
            if let Err(err) = store.add_tool_failure(call_id, exp).await {
                tracing::warn!(target: "callwarden::crm", error = %err, "tool failure not counted");
            }
        }
        Ok(ToolOutcome::Error(crm_error(e)))
    }

    async fn call_ended(&self, ctx: &ToolContext) -> bool {
        let (Some(archive), Some(call_id)) = (&self.deps.archive, &ctx.call_id) else {
            return false;
        };
        match archive.report_archived(call_id).await {
            Ok(ended) => ended,
            Err(e) => {
                tracing::warn!(target: "callwarden::crm", error = %e, "could not check whether the call ended");
                false
            }
        }
    }

    async fn execute(
        &self,
        call: &ToolCall,
        args: &Map<String, Value>,
        ctx: &ToolContext,
        deadline: Deadline,
    ) -> Result<ToolOutcome, Deferred> {
        match call.name.as_str() {
            "lookupAccount" => {
                self.lookup_account(arg(args, "accountId"), ctx, deadline)
                    .await
            }
            "getTicketStatus" => {
                self.ticket_status(arg(args, "ticketId"), ctx, deadline)
                    .await
            }
            "createTicket" => self.create_ticket(call, args, ctx, deadline).await,
            "escalateToHuman" => Ok(self.escalate(call, ctx).await),
            other => Ok(ToolOutcome::Error(format!(
                "The {} tool is not available on this line.",
                crate::webhook::tool_runner::spoken_name(other)
            ))),
        }
    }

    async fn lookup_account(
        &self,
        account_id: &str,
        ctx: &ToolContext,
        deadline: Deadline,
    ) -> Result<ToolOutcome, Deferred> {
        let cached = self.cached(ctx).await;
        if let Some(c) = &cached.context {
            if let Some(a) = c.account(account_id) {
                return Ok(ToolOutcome::Result(account_result(
                    a,
                    Some(&c.first_name),
                    c.open_tickets.len(),
                    true,
                )));
            }
        }
        let crm = self.deps.crm.as_ref();
        let account =
            match crm.get_account(account_id, deadline).await {
                Ok(Some(a)) => a,
                Ok(None) => return Ok(ToolOutcome::Error(
                    "I could not find an account with that ID. Please check it with the caller."
                        .into(),
                )),
                Err(e) => return self.failed(ctx, &e).await,
            };
        let (customer, open) = tokio::join!(
            crm.get_customer(&account.customer_id, deadline),
            crm.open_tickets(&account.customer_id, deadline)
        );
        let (customer, open) = match (customer, open) {
            (Ok(c), Ok(o)) => (c, o),
            (Err(e), _) | (_, Err(e)) => return self.failed(ctx, &e).await,
        };
        let caller_matches = match (&customer, &ctx.customer_number) {
            (Some(c), Some(n)) => &c.phone == n,
            _ => false,
        };
        let brief = AccountBrief {
            id: account.id,
            status: account.status,
            card_last_four: account.card_last_four,
        };
        let first = customer.as_ref().map(|c| c.first_name.as_str());
        Ok(ToolOutcome::Result(account_result(
            &brief,
            first,
            open.len(),
            caller_matches,
        )))
    }

    async fn ticket_status(
        &self,
        ticket_id: &str,
        ctx: &ToolContext,
        deadline: Deadline,
    ) -> Result<ToolOutcome, Deferred> {
        if let Some(t) = self
            .cached(ctx)
            .await
            .context
            .as_ref()
            .and_then(|c| c.ticket(ticket_id))
        {
            return Ok(ToolOutcome::Result(ticket_status_result(t)));
        }
        match self.deps.crm.get_ticket(ticket_id, deadline).await {
            Ok(Some(t)) => Ok(ToolOutcome::Result(ticket_status_result(&brief_ticket(&t)))),
            Ok(None) => Ok(ToolOutcome::Error(
                "I could not find a ticket with that ID. Please check it with the caller.".into(),
            )),
            Err(e) => self.failed(ctx, &e).await,
        }
    }

    /// The stable key of a tool call's side effect: the `toolCallId`, or for the legacy
    /// `function-call` (no id) the call id plus a hash of the arguments.
    fn effect_key(call: &ToolCall, ctx: &ToolContext) -> String {
        if !call.id.trim().is_empty() {
            return tool_effect_key(&call.name, &call.id);
        }
        let digest = Sha256::digest(call.arguments.to_string().as_bytes());
        let id = format!(
            "{}-{}",
            ctx.call_id.as_deref().unwrap_or("nocall"),
            hex::encode(&digest[..12])
        );
        tool_effect_key(&call.name, &id)
    }

    async fn create_ticket(
        &self,
        call: &ToolCall,
        args: &Map<String, Value>,
        ctx: &ToolContext,
        deadline: Deadline,
    ) -> Result<ToolOutcome, Deferred> {
        if self.call_ended(ctx).await {
            return Ok(ToolOutcome::Error(CALL_ENDED.into()));
        }
        // Link the ticket to the caller: from the cached context, else by phone number.
        let mut customer_id = self.cached(ctx).await.context.map(|c| c.customer_id);
        if let (None, Some(number)) = (&customer_id, &ctx.customer_number) {
            match self.deps.crm.find_customer_by_phone(number, deadline).await {
                Ok(found) => customer_id = found.map(|c| c.id),
                Err(CrmError::Timeout) => return Err(Deferred),
                Err(e) => {
                    tracing::warn!(target: "callwarden::crm", error = %e, "caller not identified; ticket created unlinked")
                }
            }
        }
        let ticket = NewTicket {
            idempotency_key: Self::effect_key(call, ctx),
            subject: redacted(arg(args, "subject")),
            description: redacted(arg(args, "description")),
            priority: arg(args, "priority").to_owned(),
            customer_id,
            call_id: ctx.call_id.clone(),
            created_at_ms: self.deps.clock.now_ms(),
        };
        match self
            .deps
            .once
            .create_ticket(self.deps.crm.as_ref(), &ticket, deadline)
            .await
        {
            Ok(t) => Ok(ToolOutcome::Result(created_ticket_result(&t))),
            Err(CreateOnceError::StillInProgress) => Err(Deferred),
            Err(CreateOnceError::Crm(e)) => self.failed(ctx, &e).await,
            Err(e) => {
                tracing::error!(target: "callwarden::crm", error = %e, "createTicket bookkeeping failed");
                Ok(ToolOutcome::Error(
                    "I couldn't create the ticket right now. Please try again in a moment.".into(),
                ))
            }
        }
    }

    async fn escalate(&self, call: &ToolCall, ctx: &ToolContext) -> ToolOutcome {
        let Some(escalation) = &self.deps.escalation else {
            return ToolOutcome::Error("No one is available to take the call right now. Please offer to take a message or open a ticket.".into());
        };
        let Some(url) = ctx.control_url.as_deref() else {
            return ToolOutcome::Error(
                "I can't transfer this call automatically. Please offer to open a ticket instead."
                    .into(),
            );
        };
        if self.call_ended(ctx).await {
            return ToolOutcome::Error(CALL_ENDED.into());
        }
        let message = ControlMessage::transfer_to(escalation);
        let control = self.deps.control.clone();
        let sent = self
            .deps
            .once
            .run_once(&Self::effect_key(call, ctx), 15_000, || async move {
                control.send(url, &message).await
            })
            .await;
        match sent {
            Ok(_) | Err(CreateOnceError::StillInProgress) => {
                ToolOutcome::Result(transfer_result(&escalation.message))
            }
            Err(e) => {
                tracing::warn!(target: "callwarden::crm", error = %e, "escalation transfer failed");
                ToolOutcome::Error(
                    "I couldn't transfer the call just now. Please offer to open a ticket instead."
                        .into(),
                )
            }
        }
    }

    async fn begin_pending(&self, call: &ToolCall, ctx: &ToolContext, answer_by_ms: i64) -> bool {
        let (Some(pending), Some(call_id)) = (&self.deps.pending, &ctx.call_id) else {
            return false;
        };
        if call.id.trim().is_empty() {
            return false;
        }
        let now_secs = self.deps.clock.now_secs();
        let record = PendingTool {
            tool_call_id: call.id.clone(),
            call_id: call_id.clone(),
            tool_name: call.name.clone(),
            state: PendingState::Running,
            answer_by_ms,
            expires_at_secs: now_secs + self.settings.record_ttl_secs,
        };
        match pending.begin(&record, now_secs).await {
            Ok(_) => true,
            Err(e) => {
                tracing::warn!(target: "callwarden::crm", error = %e, "pending record not written; a late result cannot be delivered");
                false
            }
        }
    }
}

#[async_trait]
impl ToolRegistry for CrmTools {
    async fn call(&self, call: &ToolCall, ctx: &ToolContext) -> ToolOutcome {
        let started = Instant::now();
        let args = match self.validate(call) {
            Ok(a) => a,
            Err(outcome) => {
                log_outcome(call, "invalid_arguments", started);
                return outcome;
            }
        };
        let is_async = call.is_async || self.schemas.tool(&call.name).is_some_and(|t| t.is_async());
        if is_async
            && ctx.control_url.is_some()
            && self
                .begin_pending(call, ctx, self.deps.clock.now_ms())
                .await
        {
            log_outcome(call, "deferred_async", started);
            return ToolOutcome::Result(
                "Working on it in the background; I'll share the result shortly.".into(),
            );
        }
        let tracked = self.begin_pending(call, ctx, ctx.deadline_ms).await;
        let deadline = Deadline::from_epoch_ms(ctx.deadline_ms, self.deps.clock.now_ms())
            .earlier_by(self.settings.answer_margin);
        match tokio::time::timeout_at(deadline.instant(), self.execute(call, &args, ctx, deadline))
            .await
        {
            Ok(Ok(outcome)) => {
                if tracked {
                    if let Some(p) = &self.deps.pending {
                        if let Err(e) = p.mark_answered(&call.id).await {
                            tracing::warn!(target: "callwarden::crm", error = %e, "pending record not marked answered; the worker may repeat the result");
                        }
                    }
                }
                log_outcome(
                    call,
                    if matches!(outcome, ToolOutcome::Result(_)) {
                        "result"
                    } else {
                        "error"
                    },
                    started,
                );
                outcome
            }
            Ok(Err(Deferred)) | Err(_) => {
                log_outcome(
                    call,
                    if tracked {
                        "deferred_to_worker"
                    } else {
                        "timed_out"
                    },
                    started,
                );
                self.still_working(call)
            }
        }
    }

    fn still_working(&self, call: &ToolCall) -> ToolOutcome {
        ToolOutcome::Result(match call.name.as_str() {
            "createTicket" => {
                "Still creating that ticket; I'll confirm the ticket number in a moment.".into()
            }
            "escalateToHuman" => "Connecting you now; please hold.".into(),
            _ => "Still checking on that; I'll let you know as soon as I have it.".into(),
        })
    }
}

fn log_outcome(call: &ToolCall, outcome: &'static str, started: Instant) {
    tracing::info!(
        target: "callwarden::crm",
        tool = %crate::webhook::tool_runner::spoken_name(&call.name),
        outcome,
        latency_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
        "tool call"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every tool of `config/tools.json` has a handler and nothing else answers: a tool
    /// added to the file without a handler (or renamed on one side) fails here.
    #[tokio::test]
    async fn every_defined_tool_has_a_handler() {
        use crate::adapters::crm_memory::MemoryCrm;
        use crate::adapters::memory_store::MemoryStore;
        use crate::crm::call_control::{CallControlError, ControlMessage};

        struct NoControl;
        #[async_trait]
        impl CallControl for NoControl {
            async fn send(&self, _: &str, _: &ControlMessage) -> Result<(), CallControlError> {
                Ok(())
            }
        }
        let crm = Arc::new(MemoryCrm::new());
        let clock = Arc::new(crate::clock::ManualClock::at(1_763_481_800_000));
        let tools = crate::crm::config::build_tools(
            crm.clone(),
            crm,
            Arc::new(MemoryStore::new()),
            Arc::new(NoControl),
            None,
            clock,
            ToolSettings::default(),
        )
        .expect("tools");
        let schemas = shipped_schemas().expect("schemas");
        let ctx = ToolContext {
            deadline_ms: i64::MAX / 2,
            ..ToolContext::default()
        };
        let unknown =
            |o: &ToolOutcome| matches!(o, ToolOutcome::Error(e) if e.contains("not available"));
        for name in schemas.names() {
            let call = ToolCall {
                id: "t".into(),
                name: name.into(),
                arguments: Value::Null,
                is_async: false,
            };
            let out = tools
                .execute(
                    &call,
                    &Map::new(),
                    &ctx,
                    Deadline::after(Duration::from_secs(1)),
                )
                .await;
            assert!(!out.as_ref().is_ok_and(unknown), "{name} has no handler");
        }
        let call = ToolCall {
            id: "t".into(),
            name: "notATool".into(),
            arguments: Value::Null,
            is_async: false,
        };
        let out = tools
            .execute(
                &call,
                &Map::new(),
                &ctx,
                Deadline::after(Duration::from_secs(1)),
            )
            .await;
        assert!(out.as_ref().is_ok_and(unknown));
    }

    #[test]
    fn loosely_spoken_ids_are_normalised() {
        assert_eq!(normalise_id("ac 8821 3457", "AC"), "AC-88213457");
        assert_eq!(normalise_id("tkt44109", "TKT"), "TKT-44109");
        assert_eq!(normalise_id("TKT-44109", "TKT"), "TKT-44109");
        assert_eq!(normalise_id("4111", "AC"), "4111");
    }
}
