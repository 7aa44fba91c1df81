//! What to redact and how to write the placeholders.

use std::collections::BTreeSet;

use crate::redact::entity::EntityType;

/// Redactor settings. `Default` redacts every entity type with plain placeholders
/// (`[CREDIT_CARD]`, `[SSN]`, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedactionConfig {
    /// Write card numbers as `[CREDIT_CARD ••••9010]` (PCI DSS allows the last four) instead of
    /// `[CREDIT_CARD]`.
    pub keep_card_last4: bool,
    /// The entity types to detect and replace; the others are left in the text.
    pub entities: BTreeSet<EntityType>,
}

impl Default for RedactionConfig {
    fn default() -> Self {
        RedactionConfig {
            keep_card_last4: false,
            entities: EntityType::ALL.into_iter().collect(),
        }
    }
}

impl RedactionConfig {
    /// The enabled types as a bit mask (one bit per [`EntityType`]).
    pub(crate) fn mask(&self) -> u16 {
        self.entities.iter().fold(0, |m, t| m | t.bit())
    }
}
