//! Tool results with the minimum personal data: results go into the LLM context and the
//! transcript, so they carry what the caller needs to hear (a first name, a status, the
//! last four digits of a card, a ticket number) and nothing else. Results are compact,
//! single-line JSON strings, as Vapi requires.

use serde_json::{json, Value};

use crate::crm::caller_context::{AccountBrief, TicketBrief};
use crate::crm::schema::ArgumentError;
use crate::ports::crm::{CrmError, Ticket};

/// The `lookupAccount` result.
pub fn account_result(
    account: &AccountBrief,
    holder_first_name: Option<&str>,
    open_tickets: usize,
    caller_matches: bool,
) -> String {
    let mut v = json!({
        "accountId": account.id,
        "status": account.status,
        "openTickets": open_tickets,
        "callerVerifiedByPhone": caller_matches,
    });
    if let Some(name) = holder_first_name {
        v["holderFirstName"] = json!(name);
    }
    if let Some(last4) = account
        .card_last_four
        .as_deref()
        .filter(|l| is_last_four(l))
    {
        v["cardLastFour"] = json!(last4);
    }
    v.to_string()
}

/// True for exactly four ASCII digits: anything longer is never passed on.
fn is_last_four(s: &str) -> bool {
    s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit())
}

/// The `getTicketStatus` result.
pub fn ticket_status_result(ticket: &TicketBrief) -> String {
    let mut v = json!({ "ticketId": ticket.id, "status": ticket.status });
    if let Some(c) = &ticket.category {
        v["category"] = json!(c);
    }
    if !ticket.opened_at.is_empty() {
        v["openedAt"] = json!(ticket.opened_at);
    }
    v.to_string()
}

/// The `createTicket` result.
pub fn created_ticket_result(ticket: &Ticket) -> String {
    json!({ "ticketId": ticket.id, "status": ticket.status, "priority": ticket.priority })
        .to_string()
}

/// The `escalateToHuman` result when the transfer was requested.
pub fn transfer_result(message: &str) -> String {
    json!({ "transferring": true, "message": message }).to_string()
}

/// A spoken error for a refused argument.
pub fn argument_error(tool: &str, e: &ArgumentError) -> String {
    match e {
        ArgumentError::UnknownTool(_) => format!("The {tool} tool is not available on this line."),
        other => format!("I could not run {tool}: {other}. Please ask the caller again."),
    }
}

/// A spoken error for a CRM failure.
pub fn crm_error(e: &CrmError) -> String {
    match e {
        CrmError::Timeout => "The customer system is taking too long to answer. Please try again in a moment.".into(),
        CrmError::Unavailable(_) => "The customer system is unavailable right now. Please try again in a moment or offer to transfer the caller to a person.".into(),
        CrmError::Rejected { .. } => "The customer system refused that request. Please check the details with the caller.".into(),
        CrmError::Malformed(_) | CrmError::Misconfigured(_) => "The customer system returned an unexpected answer. Please offer to transfer the caller to a person.".into(),
    }
}

/// The value of a validated string argument (empty when absent).
pub fn arg<'a>(args: &'a serde_json::Map<String, Value>, name: &str) -> &'a str {
    args.get(name).and_then(Value::as_str).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_result_carries_only_the_minimum() {
        let a = AccountBrief {
            id: "AC-88213457".into(),
            status: "active".into(),
            card_last_four: Some("1111".into()),
        };
        let r: Value =
            serde_json::from_str(&account_result(&a, Some("Maria"), 1, true)).expect("json");
        assert_eq!(
            r,
            json!({"accountId":"AC-88213457","status":"active","openTickets":1,"callerVerifiedByPhone":true,"holderFirstName":"Maria","cardLastFour":"1111"})
        );
        let full = AccountBrief {
            card_last_four: Some("4111111111111111".into()),
            ..a
        };
        assert!(
            !account_result(&full, None, 0, false).contains("4111"),
            "a full card number is never passed on"
        );
    }
}
