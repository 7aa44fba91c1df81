//! The vocabulary of the redactor: entity types, detected spans, call context.

use serde::{Deserialize, Serialize};

/// A kind of personal or payment data the redactor detects and replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum EntityType {
    /// Payment card number (Luhn-valid, known issuer range).
    #[serde(rename = "CREDIT_CARD")]
    CreditCard,
    /// US social security number, or its last four in context.
    #[serde(rename = "SSN")]
    Ssn,
    /// Telephone number (NANP, E.164, international).
    #[serde(rename = "PHONE")]
    Phone,
    /// E-mail address, written, spoken or spelled.
    #[serde(rename = "EMAIL")]
    Email,
    /// A date of birth (a date in birth context).
    #[serde(rename = "DATE_OF_BIRTH")]
    DateOfBirth,
    /// Postal address: street, unit, city/state/ZIP.
    #[serde(rename = "ADDRESS")]
    Address,
    /// A person's name.
    #[serde(rename = "PERSON")]
    Person,
    /// Bank account number.
    #[serde(rename = "BANK_ACCOUNT")]
    BankAccount,
    /// ABA routing transit number (checksum-valid).
    #[serde(rename = "ROUTING_NUMBER")]
    RoutingNumber,
    /// Card security code.
    #[serde(rename = "CVV")]
    Cvv,
    /// Card expiry date.
    #[serde(rename = "CARD_EXPIRY")]
    CardExpiry,
    /// Account, member, policy or medical record number given in context.
    #[serde(rename = "ACCOUNT_ID")]
    AccountId,
}

impl EntityType {
    /// Every entity type, in declaration order.
    pub const ALL: [EntityType; 12] = [
        EntityType::CreditCard,
        EntityType::Ssn,
        EntityType::Phone,
        EntityType::Email,
        EntityType::DateOfBirth,
        EntityType::Address,
        EntityType::Person,
        EntityType::BankAccount,
        EntityType::RoutingNumber,
        EntityType::Cvv,
        EntityType::CardExpiry,
        EntityType::AccountId,
    ];

    /// The stable upper-case name (`"CREDIT_CARD"`), used in placeholders and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityType::CreditCard => "CREDIT_CARD",
            EntityType::Ssn => "SSN",
            EntityType::Phone => "PHONE",
            EntityType::Email => "EMAIL",
            EntityType::DateOfBirth => "DATE_OF_BIRTH",
            EntityType::Address => "ADDRESS",
            EntityType::Person => "PERSON",
            EntityType::BankAccount => "BANK_ACCOUNT",
            EntityType::RoutingNumber => "ROUTING_NUMBER",
            EntityType::Cvv => "CVV",
            EntityType::CardExpiry => "CARD_EXPIRY",
            EntityType::AccountId => "ACCOUNT_ID",
        }
    }

    /// The default placeholder written in place of the entity (`"[CREDIT_CARD]"`).
    pub fn placeholder(self) -> &'static str {
        match self {
            EntityType::CreditCard => "[CREDIT_CARD]",
            EntityType::Ssn => "[SSN]",
            EntityType::Phone => "[PHONE]",
            EntityType::Email => "[EMAIL]",
            EntityType::DateOfBirth => "[DATE_OF_BIRTH]",
            EntityType::Address => "[ADDRESS]",
            EntityType::Person => "[PERSON]",
            EntityType::BankAccount => "[BANK_ACCOUNT]",
            EntityType::RoutingNumber => "[ROUTING_NUMBER]",
            EntityType::Cvv => "[CVV]",
            EntityType::CardExpiry => "[CARD_EXPIRY]",
            EntityType::AccountId => "[ACCOUNT_ID]",
        }
    }

    /// Parses the upper-case name produced by [`EntityType::as_str`].
    pub fn from_name(name: &str) -> Option<EntityType> {
        EntityType::ALL.into_iter().find(|t| t.as_str() == name)
    }

    /// Bit of this type in an [`crate::redact::EntitySet`]-style mask.
    pub(crate) fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

impl std::fmt::Display for EntityType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who spoke an utterance; agents read back data too, so both are redacted, but the role
/// sharpens context (an agent *asking* for a card number primes the caller's next turn).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The caller.
    User,
    /// The voice agent (or a human agent).
    Assistant,
}

/// What the redactor knows around an utterance besides its text.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context<'a> {
    /// The previous turn of the conversation (typically the agent's question), used as a
    /// context window: "what's the card number?" makes a bare digit run a card number.
    pub previous_turn: Option<&'a str>,
    /// The speaker of the utterance, when known. Agents read data back too, so both roles
    /// are redacted with the same rules, with one exception: "our address is ..." from the
    /// caller is the household's address, from the agent (or an unknown speaker) the
    /// business's own.
    pub role: Option<Role>,
}

/// One detected entity. `start..end` are **byte offsets into the input text** (not the
/// redacted output), always on UTF-8 char boundaries, so `&input[start..end]` is the
/// entity's surface form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    /// What was found.
    #[serde(rename = "type")]
    pub kind: EntityType,
    /// First byte of the entity in the input.
    pub start: usize,
    /// One past its last byte in the input.
    pub end: usize,
}

/// The result of redacting one text: the text with placeholders, and what was replaced.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Redacted {
    /// The input with each entity replaced by its placeholder.
    pub text: String,
    /// The entities found, sorted by `start`, non-overlapping, offsets into the input.
    pub entities: Vec<Entity>,
}
