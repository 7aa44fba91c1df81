//! The worker's CRM hooks, as plain async methods the worker calls while processing a
//! delivery (wired by the worker, tested here on their own):
//!
//! - [`CallSideEffects::on_call_started`] (`assistant-request`, `status-update`
//!   in-progress): look the caller up by phone number once and cache the minimal context;
//! - [`CallSideEffects::on_transcript`] (final user transcript): escalation rules → session
//!   flags, and optionally a Live Call Control transfer (once per call);
//! - [`CallSideEffects::complete_pending_tools`] (`tool-calls`): finish tool calls the
//!   webhook answered "still checking" (or `async: true` ones) and deliver the outcome with
//!   `add-message`, exactly once per `toolCallId`;
//! - [`CallSideEffects::on_end_of_call`] (`end-of-call-report`): one CRM note with the
//!   redacted summary and outcome, under the call lock, exactly once per call.
//!
//! Calls archived as ended get no new side effects (the note aside, which is the end).
//! Every error is returned, never swallowed: the worker fails the record and SQS brings it
//! back; [`PendingToolOutcome::RetryLater`] asks for the same.

use std::sync::Arc;
use std::time::Duration;

use crate::crm::call_control::{CallControlError, ControlMessage};
use crate::crm::caller_context::{load_caller_context, CallerContext};
use crate::crm::create_once::CreateOnceError;
use crate::crm::escalation::{EscalationDecision, EscalationRules};
use crate::crm::pending::PendingState;
use crate::crm::tools::CrmTools;
use crate::ports::crm::{CallNote, CrmError, Deadline};
use crate::ports::store::{CallLock, StoreError};
use crate::ports::{ToolCall, ToolContext, ToolOutcome};

use crate::redact::{redact_text, Context};

/// Why a hook could not finish; the worker fails the record so it comes back.
#[derive(Debug, thiserror::Error)]
pub enum SideEffectError {
    /// The CRM failed.
    #[error(transparent)]
    Crm(#[from] CrmError),
    /// The worker's store failed.
    #[error("store: {0}")]
    Store(#[from] StoreError),
    /// An exactly-once side effect failed.
    #[error(transparent)]
    Once(#[from] CreateOnceError),
    /// Another worker holds the call lock: retry later.
    #[error("the call lock is held by another worker")]
    LockContended,
}

/// Tunables of the hooks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SideEffectSettings {
    /// Add the end-of-call note (`CRM_CALL_NOTES=true`).
    pub call_notes: bool,
    /// Transfer the call when an escalation rule fires (`ESCALATION_AUTO_TRANSFER=true`).
    pub auto_transfer: bool,
    /// CRM budget of one hook call in the worker.
    pub crm_budget: Duration,
    /// The webhook's tool deadline (`TOOL_DEADLINE_MS`): a delivery younger than this plus
    /// `grace` may still be answered by the webhook.
    pub webhook_deadline: Duration,
    /// Slack after the webhook's deadline before the worker takes over.
    pub grace: Duration,
    /// Lifetime of the call lock taken for the note.
    pub lock_lease: Duration,
    /// How long [`CallSideEffects::complete_pending_tools`] may wait in-process for the
    /// webhook's window to close before answering `RetryLater` (zero: never wait). A few
    /// seconds avoids failing most `tool-calls` records once, at the cost of worker time.
    pub max_wait: Duration,
}

impl Default for SideEffectSettings {
    fn default() -> Self {
        Self {
            call_notes: false,
            auto_transfer: false,
            crm_budget: Duration::from_secs(8),
            webhook_deadline: Duration::from_millis(4000),
            grace: Duration::from_millis(2000),
            lock_lease: Duration::from_secs(30),
            max_wait: Duration::ZERO,
        }
    }
}

/// One queued `tool-calls` delivery, as the worker decoded it (PII fields stay in memory).
#[derive(Debug, Clone)]
pub struct ToolCallsDelivery {
    /// Vapi call id.
    pub call_id: Option<String>,
    /// Caller's number (PII).
    pub customer_number: Option<String>,
    /// `call.monitor.controlUrl` (secret).
    pub control_url: Option<String>,
    /// When the webhook received the delivery (epoch ms).
    pub received_at_ms: i64,
    /// The tool calls, as parsed by `crate::vapi`.
    pub tool_calls: Vec<ToolCall>,
}

/// What happened to one tool call of a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PendingToolOutcome {
    /// No pending record and the webhook's window is over: nothing to finish.
    NotPending,
    /// The webhook answered with the real result.
    Answered,
    /// The webhook may still answer (or another worker is delivering): fail the record,
    /// it comes back later.
    RetryLater,
    /// The outcome was delivered now with `add-message`.
    Delivered,
    /// The outcome had already been delivered.
    AlreadyDelivered,
    /// The call ended: nothing is done.
    CallEnded,
    /// The delivery has no control URL: the outcome cannot reach the call.
    NoControlUrl,
}

/// How the note hook gets the call lock.
#[derive(Debug, Clone, Copy)]
pub enum LockMode<'a> {
    /// The caller already holds the call lock.
    AlreadyHeld,
    /// Take the lock for this owner token (released afterwards).
    Acquire(&'a str),
}

/// What the end-of-call hook did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteResult {
    /// Notes are not configured.
    Disabled,
    /// The note was added now.
    Added,
    /// The note had already been added.
    AlreadyAdded,
}

/// The CRM hooks of the worker.
#[derive(Clone)]
pub struct CallSideEffects {
    tools: CrmTools,
    locks: Arc<dyn CallLock>,
    rules: EscalationRules,
    settings: SideEffectSettings,
}

fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

impl CallSideEffects {
    /// Hooks over the tools' adapters plus the call lock.
    pub fn new(
        tools: CrmTools,
        locks: Arc<dyn CallLock>,
        rules: EscalationRules,
        settings: SideEffectSettings,
    ) -> Self {
        Self {
            tools,
            locks,
            rules,
            settings,
        }
    }

    async fn ended(&self, call_id: &str) -> Result<bool, SideEffectError> {
        match &self.tools.deps().archive {
            Some(a) => Ok(a.report_archived(call_id).await?),
            None => Ok(false),
        }
    }

    /// Look the caller up once per call and cache the context. Returns the cached context
    /// (`None` for unknown or anonymous callers and ended calls).
    pub async fn on_call_started(
        &self,
        call_id: &str,
        customer_number: Option<&str>,
    ) -> Result<Option<CallerContext>, SideEffectError> {
        let deps = self.tools.deps();
        let (Some(store), Some(number)) = (&deps.contexts, customer_number) else {
            return Ok(None);
        };
        let now = deps.clock.now_secs();
        if let Some(c) = store.get(call_id, now).await?.context {
            return Ok(Some(c));
        }
        if self.ended(call_id).await? {
            return Ok(None);
        }
        let Some(context) = load_caller_context(
            deps.crm.as_ref(),
            number,
            Deadline::after(self.settings.crm_budget),
        )
        .await?
        else {
            return Ok(None);
        };
        store
            .put_context(call_id, &context, now + self.tools_ttl())
            .await?;
        tracing::info!(target: "callwarden::crm", accounts = context.accounts.len(), open_tickets = context.open_tickets.len(), "caller context cached");
        Ok(Some(context))
    }

    fn tools_ttl(&self) -> i64 {
        self.tools.settings().record_ttl_secs
    }

    /// Apply the escalation rules to one final transcript segment; with
    /// `auto_transfer`, transfer the call (once per call). The worker stores the returned
    /// flags on the session.
    pub async fn on_transcript(
        &self,
        call_id: &str,
        role: &str,
        text: &str,
        control_url: Option<&str>,
    ) -> Result<Option<EscalationDecision>, SideEffectError> {
        let deps = self.tools.deps();
        let failures = match &deps.contexts {
            Some(s) => s.get(call_id, deps.clock.now_secs()).await?.tool_failures,
            None => 0,
        };
        let Some(decision) = self.rules.evaluate(role, text, failures) else {
            return Ok(None);
        };
        tracing::info!(target: "callwarden::crm", reason = decision.reason.as_str(), "escalation rule fired");
        if let (true, Some(escalation), Some(url)) =
            (self.settings.auto_transfer, &deps.escalation, control_url)
        {
            if !self.ended(call_id).await? {
                let control = deps.control.clone();
                let message = ControlMessage::transfer_to(escalation);
                let key = format!("crm-escalation-transfer:{}", sanitize(call_id));
                match deps
                    .once
                    .run_once(&key, ms(self.settings.crm_budget), || async move {
                        control.send(url, &message).await
                    })
                    .await
                {
                    Ok(_) | Err(CreateOnceError::StillInProgress) => {}
                    Err(e) => return Err(e.into()),
                }
            }
        }
        Ok(Some(decision))
    }

    /// Finish the tool calls of a `tool-calls` delivery that the webhook could not answer
    /// in time and deliver each outcome into the live call (exactly once per tool call).
    pub async fn complete_pending_tools(
        &self,
        delivery: &ToolCallsDelivery,
    ) -> Result<Vec<PendingToolOutcome>, SideEffectError> {
        let mut out = Vec::with_capacity(delivery.tool_calls.len());
        for call in &delivery.tool_calls {
            out.push(self.complete_one(delivery, call).await?);
        }
        // Bounded in-process wait for calls the webhook may still answer (real time).
        let give_up = tokio::time::Instant::now() + self.settings.max_wait;
        while out.contains(&PendingToolOutcome::RetryLater) && tokio::time::Instant::now() < give_up
        {
            let pause = Duration::from_millis(250)
                .min(give_up.saturating_duration_since(tokio::time::Instant::now()));
            tokio::time::sleep(pause).await;
            for (slot, call) in out.iter_mut().zip(&delivery.tool_calls) {
                if *slot == PendingToolOutcome::RetryLater {
                    *slot = self.complete_one(delivery, call).await?;
                }
            }
        }
        Ok(out)
    }

    async fn complete_one(
        &self,
        d: &ToolCallsDelivery,
        call: &ToolCall,
    ) -> Result<PendingToolOutcome, SideEffectError> {
        let deps = self.tools.deps();
        let (Some(pending), Some(call_id)) = (&deps.pending, &d.call_id) else {
            return Ok(PendingToolOutcome::NotPending);
        };
        let now_ms = deps.clock.now_ms();
        let grace = ms(self.settings.grace);
        let record = pending.get(&call.id, now_ms.div_euclid(1000)).await?;
        match record {
            None if now_ms < d.received_at_ms + ms(self.settings.webhook_deadline) + grace => {
                return Ok(PendingToolOutcome::RetryLater)
            }
            None => return Ok(PendingToolOutcome::NotPending),
            Some(r) if r.state == PendingState::Answered => {
                return Ok(PendingToolOutcome::Answered)
            }
            Some(r) if now_ms < r.answer_by_ms + grace => {
                return Ok(PendingToolOutcome::RetryLater)
            }
            Some(_) => {}
        }
        if self.ended(call_id).await? {
            return Ok(PendingToolOutcome::CallEnded);
        }
        let Some(url) = d.control_url.as_deref() else {
            return Ok(PendingToolOutcome::NoControlUrl);
        };
        let ctx = ToolContext {
            call_id: d.call_id.clone(),
            customer_number: d.customer_number.clone(),
            control_url: d.control_url.clone(),
            deadline_ms: now_ms + ms(self.settings.crm_budget),
        };
        let key = format!("crm-tool-result:{}", sanitize(&call.id));
        let tools = &self.tools;
        let control = deps.control.clone();
        let budget = self.settings.crm_budget;
        let ran = deps
            .once
            .run_once(&key, ms(budget) + 5000, || async move {
                // Deferred again (CRM too slow, or another delivery still creating): release
                // the claim and let SQS bring the record back.
                let outcome = tools
                    .run_tool(call, &ctx, Deadline::after(budget))
                    .await
                    .map_err(|_| CreateOnceError::StillInProgress)?;
                let content = late_result_message(call, &outcome);
                control
                    .send(
                        url,
                        &ControlMessage::AddMessage {
                            content,
                            trigger_response: true,
                        },
                    )
                    .await
                    .map_err(|e: CallControlError| CreateOnceError::from(e))
            })
            .await;
        match ran {
            Ok(true) => {
                tracing::info!(target: "callwarden::crm", tool = %crate::webhook::tool_runner::spoken_name(&call.name), "late tool result delivered");
                Ok(PendingToolOutcome::Delivered)
            }
            Ok(false) => Ok(PendingToolOutcome::AlreadyDelivered),
            Err(CreateOnceError::StillInProgress) => Ok(PendingToolOutcome::RetryLater),
            Err(e) => Err(e.into()),
        }
    }

    /// Add the end-of-call note (redacted summary + outcome) exactly once per call, under
    /// the call lock. `summary` is redacted again here whatever the caller did.
    pub async fn on_end_of_call(
        &self,
        call_id: &str,
        customer_number: Option<&str>,
        summary: &str,
        ended_reason: &str,
        lock: LockMode<'_>,
    ) -> Result<NoteResult, SideEffectError> {
        if !self.settings.call_notes {
            return Ok(NoteResult::Disabled);
        }
        let deps = self.tools.deps();
        if let LockMode::Acquire(owner) = lock {
            if !self
                .locks
                .acquire(
                    call_id,
                    owner,
                    deps.clock.now_ms(),
                    ms(self.settings.lock_lease),
                )
                .await?
            {
                return Err(SideEffectError::LockContended);
            }
        }
        let result = self
            .add_note(call_id, customer_number, summary, ended_reason)
            .await;
        if let LockMode::Acquire(owner) = lock {
            if let Err(e) = self.locks.release(call_id, owner).await {
                tracing::warn!(target: "callwarden::crm", error = %e, "call lock not released; it expires with its lease");
            }
        }
        result
    }

    async fn add_note(
        &self,
        call_id: &str,
        customer_number: Option<&str>,
        summary: &str,
        ended_reason: &str,
    ) -> Result<NoteResult, SideEffectError> {
        let deps = self.tools.deps();
        let deadline = Deadline::after(self.settings.crm_budget);
        let mut customer_id = match &deps.contexts {
            Some(s) => s
                .get(call_id, deps.clock.now_secs())
                .await?
                .context
                .map(|c| c.customer_id),
            None => None,
        };
        if customer_id.is_none() {
            if let Some(n) = customer_number {
                customer_id = deps
                    .crm
                    .find_customer_by_phone(n, deadline)
                    .await?
                    .map(|c| c.id);
            }
        }
        let note = CallNote {
            call_id: call_id.to_owned(),
            customer_id,
            summary: redact_text(summary, &Context::default())
                .text
                .chars()
                .take(4000)
                .collect(),
            outcome: sanitize(ended_reason),
            created_at_ms: deps.clock.now_ms(),
        };
        let crm = deps.crm.clone();
        let key = format!("crm-note:{}", sanitize(call_id));
        let added = deps
            .once
            .run_once(&key, ms(self.settings.lock_lease), || async move {
                crm.add_call_note(&note, deadline).await.map(|_| ())
            })
            .await?;
        Ok(if added {
            NoteResult::Added
        } else {
            NoteResult::AlreadyAdded
        })
    }
}

/// Ids and enum-like strings as they go into keys and notes: `[A-Za-z0-9_.-]`, bounded.
fn sanitize(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        .take(128)
        .collect()
}

/// The system message that brings a late tool outcome into the conversation.
pub fn late_result_message(call: &ToolCall, outcome: &ToolOutcome) -> String {
    let name = crate::webhook::tool_runner::spoken_name(&call.name);
    let text = match outcome {
        ToolOutcome::Result(r) => format!("The {name} tool call finished. Result: {r}"),
        ToolOutcome::Error(e) => format!("The {name} tool call failed. Error: {e}"),
    };
    crate::webhook::tool_runner::single_line(&text)
}
