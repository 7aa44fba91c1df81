//! The CRM seed file (`config/crm-seed.json`): customers, accounts and tickets for the
//! built-in CRM, checked before anything is written (formats, references, no duplicates).

use std::collections::BTreeSet;

use serde::Deserialize;

use crate::ports::crm::{Account, Customer, Ticket};
use crate::webhook::answers::is_e164;

/// The example data shipped in the repository.
pub const EXAMPLE_SEED_JSON: &str = include_str!("../../../config/crm-seed.json");

/// A parsed, checked seed file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct CrmSeed {
    /// Customers.
    #[serde(default)]
    pub customers: Vec<Customer>,
    /// Accounts.
    #[serde(default)]
    pub accounts: Vec<Account>,
    /// Tickets.
    #[serde(default)]
    pub tickets: Vec<Ticket>,
}

/// Why a seed file was refused (names the record, never its personal data).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SeedError {
    /// Not JSON of the expected shape.
    #[error("seed file is not valid: {0}")]
    Parse(String),
    /// A record breaks a rule.
    #[error("seed record {record}: {problem}")]
    Invalid {
        /// `customers[2]`, `tickets[0]`, ...
        record: String,
        /// What is wrong.
        problem: String,
    },
}

/// True for `AC-` and eight digits.
pub fn is_account_id(s: &str) -> bool {
    s.strip_prefix("AC-")
        .is_some_and(|d| d.len() == 8 && d.bytes().all(|b| b.is_ascii_digit()))
}

/// True for `TKT-` and five to eight digits.
pub fn is_ticket_id(s: &str) -> bool {
    s.strip_prefix("TKT-")
        .is_some_and(|d| (5..=8).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()))
}

/// The number of a ticket id (`TKT-44109` → 44109).
pub fn ticket_number(id: &str) -> Option<u64> {
    id.strip_prefix("TKT-").and_then(|d| d.parse().ok())
}

fn is_simple_token(s: &str, max: usize) -> bool {
    !s.is_empty()
        && s.len() <= max
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

impl CrmSeed {
    /// Parse and check seed JSON.
    pub fn parse(text: &str) -> Result<Self, SeedError> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| SeedError::Parse(e.to_string()))?;
        if !value.is_object() {
            return Err(SeedError::Parse(
                "expected a JSON object with customers, accounts and tickets".into(),
            ));
        }
        let seed: CrmSeed =
            serde_json::from_value(value).map_err(|e| SeedError::Parse(e.to_string()))?;
        seed.check()?;
        Ok(seed)
    }

    /// The shipped example data.
    pub fn example() -> Result<Self, SeedError> {
        Self::parse(EXAMPLE_SEED_JSON)
    }

    fn check(&self) -> Result<(), SeedError> {
        let bad = |record: String, problem: &str| SeedError::Invalid {
            record,
            problem: problem.to_owned(),
        };
        let mut customers = BTreeSet::new();
        let mut phones = BTreeSet::new();
        for (i, c) in self.customers.iter().enumerate() {
            let r = format!("customers[{i}]");
            if !is_simple_token(&c.id, 64) {
                return Err(bad(r, "id must be 1-64 of [A-Za-z0-9_-]"));
            }
            if !is_e164(&c.phone) {
                return Err(bad(r, "phone must be E.164 (+ and 8-15 digits)"));
            }
            if c.first_name.trim().is_empty() || c.first_name.len() > 100 {
                return Err(bad(r, "firstName must be 1-100 characters"));
            }
            if !is_simple_token(&c.tier, 32) {
                return Err(bad(r, "tier must be 1-32 of [A-Za-z0-9_-]"));
            }
            if !customers.insert(c.id.as_str()) || !phones.insert(c.phone.as_str()) {
                return Err(bad(r, "duplicate id or phone"));
            }
        }
        let mut accounts = BTreeSet::new();
        for (i, a) in self.accounts.iter().enumerate() {
            let r = format!("accounts[{i}]");
            if !is_account_id(&a.id) {
                return Err(bad(r, "id must look like AC-########"));
            }
            if !customers.contains(a.customer_id.as_str()) {
                return Err(bad(r, "customerId does not name a customer of the file"));
            }
            if !is_simple_token(&a.status, 32) {
                return Err(bad(r, "status must be 1-32 of [A-Za-z0-9_-]"));
            }
            if a.card_last_four
                .as_ref()
                .is_some_and(|l| l.len() != 4 || !l.bytes().all(|b| b.is_ascii_digit()))
            {
                return Err(bad(r, "cardLastFour must be exactly four digits"));
            }
            if !accounts.insert(a.id.as_str()) {
                return Err(bad(r, "duplicate id"));
            }
        }
        let mut tickets = BTreeSet::new();
        for (i, t) in self.tickets.iter().enumerate() {
            let r = format!("tickets[{i}]");
            if !is_ticket_id(&t.id) {
                return Err(bad(r, "id must look like TKT-#####"));
            }
            if t.customer_id
                .as_ref()
                .is_some_and(|c| !customers.contains(c.as_str()))
            {
                return Err(bad(r, "customerId does not name a customer of the file"));
            }
            if t.account_id
                .as_ref()
                .is_some_and(|a| !accounts.contains(a.as_str()))
            {
                return Err(bad(r, "accountId does not name an account of the file"));
            }
            if !is_simple_token(&t.status, 40) || !is_simple_token(&t.priority, 16) {
                return Err(bad(r, "status and priority must be simple tokens"));
            }
            if !tickets.insert(t.id.as_str()) {
                return Err(bad(r, "duplicate id"));
            }
        }
        Ok(())
    }

    /// The highest ticket number in the file (0 when none): new tickets are numbered above.
    pub fn max_ticket_number(&self) -> u64 {
        self.tickets
            .iter()
            .filter_map(|t| ticket_number(&t.id))
            .max()
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_seed_is_valid_and_fictional() {
        let seed = CrmSeed::example().expect("config/crm-seed.json is valid");
        assert!(seed.customers.len() >= 3 && !seed.tickets.is_empty());
        for c in &seed.customers {
            let national = &c.phone[c.phone.len() - 7..];
            assert!(
                national.starts_with("55501"),
                "fictional 555-01xx numbers only"
            );
            assert!(c
                .email
                .as_deref()
                .is_none_or(|e| e.ends_with("@example.com")));
        }
        assert_eq!(seed.max_ticket_number(), 44187);
    }

    #[test]
    fn broken_seeds_name_the_record() {
        let e = CrmSeed::parse(r#"{"customers":[{"id":"C1","firstName":"A","phone":"555"}]}"#)
            .unwrap_err();
        assert_eq!(
            e,
            SeedError::Invalid {
                record: "customers[0]".into(),
                problem: "phone must be E.164 (+ and 8-15 digits)".into()
            }
        );
        let e = CrmSeed::parse(
            r#"{"accounts":[{"id":"AC-12345678","customerId":"nobody","status":"active"}]}"#,
        )
        .unwrap_err();
        assert!(e.to_string().contains("accounts[0]"));
        assert!(CrmSeed::parse("[]").is_err());
    }
}
