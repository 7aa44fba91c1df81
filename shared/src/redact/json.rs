//! Redaction of whole JSON payloads (Vapi webhooks, end-of-call reports).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::redact::entity::EntityType;

/// What `redact_json` did to a document: counts only, never values.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct JsonRedaction {
    /// Entities replaced, per type.
    pub by_type: BTreeMap<EntityType, u64>,
    /// Entities replaced, per field path (`"message.artifact.messages[].message"`, no indexes).
    pub by_field: BTreeMap<String, BTreeMap<EntityType, u64>>,
    /// Paths of secret or capability fields removed from the document.
    pub removed_fields: Vec<String>,
}
