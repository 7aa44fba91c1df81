//! The CRM, pending tool records and caller-context cache in process memory: for
//! `callwarden dev` (seeded from `config/crm-seed.json`) and tests. Same contract as the
//! DynamoDB adapter (`shared/tests/crm_contract.rs` runs against both).
//!
//! Test hooks: [`MemoryCrm::hold`] makes every CRM request wait until [`MemoryCrm::release`]
//! (a slow CRM, without sleeping), [`MemoryCrm::set_failing`] makes them fail.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use async_trait::async_trait;
use tokio::sync::watch;

use crate::crm::caller_context::{CachedCall, CallerContext, CallerContextStore};
use crate::crm::create_once::TicketReceipts;
use crate::crm::pending::{PendingState, PendingTool, PendingTools};
use crate::crm::seed::CrmSeed;
use crate::ports::crm::{
    ticket_id, utc_date, Account, CallNote, Crm, CrmError, Customer, Deadline, NewTicket,
    NoteOutcome, Ticket,
};

/// New ticket numbers start above this (and above every seeded ticket).
pub const FIRST_TICKET_NUMBER: u64 = 50_000;

#[derive(Debug, Default)]
struct Tables {
    customers: HashMap<String, Customer>,
    by_phone: HashMap<String, String>,
    accounts: HashMap<String, Account>,
    tickets: HashMap<String, Ticket>,
    ticket_keys: HashMap<String, String>,
    notes: HashMap<String, CallNote>,
    last_ticket: u64,
    pending: HashMap<String, PendingTool>,
    receipts: HashMap<String, (Ticket, i64)>,
    contexts: HashMap<String, (Option<CallerContext>, u32, i64)>,
}

/// In-memory CRM. Cheap to create; share it as `Arc`.
#[derive(Debug)]
pub struct MemoryCrm {
    tables: Mutex<Tables>,
    gate: watch::Sender<bool>,
    failing: AtomicBool,
}

impl Default for MemoryCrm {
    fn default() -> Self {
        Self::new()
    }
}

fn poisoned() -> CrmError {
    CrmError::Unavailable("in-memory CRM lock poisoned".into())
}

impl MemoryCrm {
    /// An empty CRM.
    pub fn new() -> Self {
        let (gate, _) = watch::channel(true);
        Self {
            tables: Mutex::new(Tables {
                last_ticket: FIRST_TICKET_NUMBER,
                ..Default::default()
            }),
            gate,
            failing: AtomicBool::new(false),
        }
    }

    /// A CRM holding `seed`.
    pub fn seeded(seed: &CrmSeed) -> Result<Self, CrmError> {
        let crm = Self::new();
        crm.seed(seed)?;
        Ok(crm)
    }

    /// Add (or replace) the records of `seed`.
    pub fn seed(&self, seed: &CrmSeed) -> Result<(), CrmError> {
        let mut t = self.tables.lock().map_err(|_| poisoned())?;
        for c in &seed.customers {
            t.by_phone.insert(c.phone.clone(), c.id.clone());
            t.customers.insert(c.id.clone(), c.clone());
        }
        for a in &seed.accounts {
            t.accounts.insert(a.id.clone(), a.clone());
        }
        for ticket in &seed.tickets {
            t.tickets.insert(ticket.id.clone(), ticket.clone());
        }
        t.last_ticket = t.last_ticket.max(seed.max_ticket_number());
        Ok(())
    }

    /// Make every CRM request wait until [`MemoryCrm::release`] (a CRM slower than any
    /// deadline, without sleeping).
    pub fn hold(&self) {
        self.gate.send_replace(false);
    }

    /// Let held and future requests through.
    pub fn release(&self) {
        self.gate.send_replace(true);
    }

    /// Make every CRM request fail with [`CrmError::Unavailable`] (or succeed again).
    pub fn set_failing(&self, failing: bool) {
        self.failing.store(failing, Ordering::SeqCst);
    }

    /// Number of tickets stored (seeded ones included).
    pub fn ticket_count(&self) -> usize {
        self.tables.lock().map(|t| t.tickets.len()).unwrap_or(0)
    }

    /// Number of call notes stored.
    pub fn note_count(&self) -> usize {
        self.tables.lock().map(|t| t.notes.len()).unwrap_or(0)
    }

    /// Every stored value rendered as text, for leak tests.
    pub fn dump_text(&self) -> Vec<String> {
        let Ok(t) = self.tables.lock() else {
            return Vec::new();
        };
        let mut out: Vec<String> = t.tickets.values().map(|v| format!("{v:?}")).collect();
        out.extend(t.notes.values().map(|v| format!("{v:?}")));
        out.extend(t.pending.values().map(|v| format!("{v:?}")));
        out.extend(t.contexts.values().map(|v| format!("{v:?}")));
        out
    }

    /// Wait at the gate (bounded by `deadline`), then check the failure switch.
    async fn enter(&self, deadline: Deadline) -> Result<(), CrmError> {
        let mut rx = self.gate.subscribe();
        if !*rx.borrow() {
            let open = rx.wait_for(|open| *open);
            match tokio::time::timeout_at(deadline.instant(), open).await {
                Ok(Ok(_)) => {}
                Ok(Err(_)) => return Err(CrmError::Unavailable("gate closed".into())),
                Err(_) => return Err(CrmError::Timeout),
            }
        }
        if self.failing.load(Ordering::SeqCst) {
            return Err(CrmError::Unavailable("simulated outage".into()));
        }
        Ok(())
    }
}

#[async_trait]
impl Crm for MemoryCrm {
    async fn find_customer_by_phone(
        &self,
        phone: &str,
        deadline: Deadline,
    ) -> Result<Option<Customer>, CrmError> {
        self.enter(deadline).await?;
        let t = self.tables.lock().map_err(|_| poisoned())?;
        Ok(t.by_phone
            .get(phone)
            .and_then(|id| t.customers.get(id))
            .cloned())
    }

    async fn get_customer(
        &self,
        customer_id: &str,
        deadline: Deadline,
    ) -> Result<Option<Customer>, CrmError> {
        self.enter(deadline).await?;
        Ok(self
            .tables
            .lock()
            .map_err(|_| poisoned())?
            .customers
            .get(customer_id)
            .cloned())
    }

    async fn get_account(
        &self,
        account_id: &str,
        deadline: Deadline,
    ) -> Result<Option<Account>, CrmError> {
        self.enter(deadline).await?;
        Ok(self
            .tables
            .lock()
            .map_err(|_| poisoned())?
            .accounts
            .get(account_id)
            .cloned())
    }

    async fn get_ticket(
        &self,
        ticket_id: &str,
        deadline: Deadline,
    ) -> Result<Option<Ticket>, CrmError> {
        self.enter(deadline).await?;
        Ok(self
            .tables
            .lock()
            .map_err(|_| poisoned())?
            .tickets
            .get(ticket_id)
            .cloned())
    }

    async fn open_tickets(
        &self,
        customer_id: &str,
        deadline: Deadline,
    ) -> Result<Vec<Ticket>, CrmError> {
        self.enter(deadline).await?;
        let t = self.tables.lock().map_err(|_| poisoned())?;
        Ok(t.tickets
            .values()
            .filter(|x| x.customer_id.as_deref() == Some(customer_id) && x.is_open())
            .take(20)
            .cloned()
            .collect())
    }

    async fn create_ticket(
        &self,
        ticket: &NewTicket,
        deadline: Deadline,
    ) -> Result<Ticket, CrmError> {
        self.enter(deadline).await?;
        let mut t = self.tables.lock().map_err(|_| poisoned())?;
        if let Some(existing) = t
            .ticket_keys
            .get(&ticket.idempotency_key)
            .and_then(|id| t.tickets.get(id))
        {
            return Ok(existing.clone());
        }
        let mut n = t.last_ticket + 1;
        while t.tickets.contains_key(&ticket_id(n)) {
            n += 1;
        }
        t.last_ticket = n;
        let created = Ticket {
            id: ticket_id(n),
            customer_id: ticket.customer_id.clone(),
            account_id: None,
            subject: ticket.subject.clone(),
            category: None,
            status: "open".into(),
            priority: ticket.priority.clone(),
            opened_at: utc_date(ticket.created_at_ms),
        };
        t.ticket_keys
            .insert(ticket.idempotency_key.clone(), created.id.clone());
        t.tickets.insert(created.id.clone(), created.clone());
        Ok(created)
    }

    async fn add_call_note(
        &self,
        note: &CallNote,
        deadline: Deadline,
    ) -> Result<NoteOutcome, CrmError> {
        self.enter(deadline).await?;
        let mut t = self.tables.lock().map_err(|_| poisoned())?;
        if t.notes.contains_key(&note.call_id) {
            return Ok(NoteOutcome::AlreadyPresent);
        }
        t.notes.insert(note.call_id.clone(), note.clone());
        Ok(NoteOutcome::Added)
    }
}

#[async_trait]
impl PendingTools for MemoryCrm {
    async fn begin(&self, record: &PendingTool, now_secs: i64) -> Result<bool, CrmError> {
        let mut t = self.tables.lock().map_err(|_| poisoned())?;
        if t.pending
            .get(&record.tool_call_id)
            .is_some_and(|r| r.expires_at_secs >= now_secs)
        {
            return Ok(false);
        }
        let mut r = record.clone();
        r.state = PendingState::Running;
        t.pending.insert(r.tool_call_id.clone(), r);
        Ok(true)
    }

    async fn mark_answered(&self, tool_call_id: &str) -> Result<bool, CrmError> {
        let mut t = self.tables.lock().map_err(|_| poisoned())?;
        match t.pending.get_mut(tool_call_id) {
            Some(r) if r.state == PendingState::Running => {
                r.state = PendingState::Answered;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn get(
        &self,
        tool_call_id: &str,
        now_secs: i64,
    ) -> Result<Option<PendingTool>, CrmError> {
        let t = self.tables.lock().map_err(|_| poisoned())?;
        Ok(t.pending
            .get(tool_call_id)
            .filter(|r| r.expires_at_secs >= now_secs)
            .cloned())
    }
}

#[async_trait]
impl CallerContextStore for MemoryCrm {
    async fn put_context(
        &self,
        call_id: &str,
        context: &CallerContext,
        expires_at_secs: i64,
    ) -> Result<(), CrmError> {
        let mut t = self.tables.lock().map_err(|_| poisoned())?;
        let entry = t
            .contexts
            .entry(call_id.to_owned())
            .or_insert((None, 0, expires_at_secs));
        entry.0 = Some(context.clone());
        entry.2 = expires_at_secs;
        Ok(())
    }

    async fn add_tool_failure(&self, call_id: &str, expires_at_secs: i64) -> Result<u32, CrmError> {
        let mut t = self.tables.lock().map_err(|_| poisoned())?;
        let entry = t
            .contexts
            .entry(call_id.to_owned())
            .or_insert((None, 0, expires_at_secs));
        entry.1 = entry.1.saturating_add(1);
        entry.2 = entry.2.max(expires_at_secs);
        Ok(entry.1)
    }

    async fn get(&self, call_id: &str, now_secs: i64) -> Result<CachedCall, CrmError> {
        let t = self.tables.lock().map_err(|_| poisoned())?;
        Ok(match t.contexts.get(call_id) {
            Some((context, failures, exp)) if *exp >= now_secs => CachedCall {
                context: context.clone(),
                tool_failures: *failures,
            },
            _ => CachedCall::default(),
        })
    }
}

#[async_trait]
impl TicketReceipts for MemoryCrm {
    async fn put_receipt(
        &self,
        key: &str,
        ticket: &Ticket,
        expires_at_secs: i64,
    ) -> Result<(), CrmError> {
        let mut t = self.tables.lock().map_err(|_| poisoned())?;
        t.receipts
            .entry(key.to_owned())
            .or_insert_with(|| (ticket.clone(), expires_at_secs));
        Ok(())
    }

    async fn get_receipt(&self, key: &str, now_secs: i64) -> Result<Option<Ticket>, CrmError> {
        let t = self.tables.lock().map_err(|_| poisoned())?;
        Ok(t.receipts
            .get(key)
            .filter(|(_, exp)| *exp >= now_secs)
            .map(|(ticket, _)| ticket.clone()))
    }
}
