//! PII redaction for spoken call transcripts and Vapi JSON payloads (under construction:
//! the public API is stable, the detector is being filled in).

mod config;
mod entity;
mod json;
mod stream;

use std::sync::LazyLock;

pub use config::RedactionConfig;
pub use entity::{Context, Entity, EntityType, Redacted, Role};
pub use json::JsonRedaction;
pub use stream::StreamTail;

/// A compiled redactor; build once, share freely (`Send + Sync`).
#[derive(Debug, Clone)]
pub struct Redactor {
    cfg: RedactionConfig,
}

impl Redactor {
    /// Builds a redactor for `cfg` (cheap: the grammar tables are compiled once per process).
    pub fn new(cfg: RedactionConfig) -> Self {
        Redactor { cfg }
    }

    /// Redacts one utterance.
    pub fn redact_text(&self, text: &str, _ctx: &Context) -> Redacted {
        let _ = &self.cfg;
        Redacted { text: text.to_string(), entities: Vec::new() }
    }

    /// Redacts a JSON document in place.
    pub fn redact_json(&self, _v: &mut serde_json::Value) -> JsonRedaction {
        JsonRedaction::default()
    }

    /// Redacts one streaming segment, using and updating the speaker's tail.
    pub fn redact_segment(&self, _tail: &mut StreamTail, text: &str, ctx: &Context) -> Redacted {
        self.redact_text(text, ctx)
    }
}

static DEFAULT: LazyLock<Redactor> = LazyLock::new(|| Redactor::new(RedactionConfig::default()));

/// Redacts one utterance with the default configuration.
pub fn redact_text(text: &str, ctx: &Context) -> Redacted {
    DEFAULT.redact_text(text, ctx)
}

/// Redacts a JSON document in place with the default configuration.
pub fn redact_json(v: &mut serde_json::Value) -> JsonRedaction {
    DEFAULT.redact_json(v)
}
