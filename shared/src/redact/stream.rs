//! Streaming state: the short tail of the previous segment of one speaker.

use serde::{Deserialize, Serialize};

/// Carried between consecutive transcript segments of the same (call, speaker) so a number
/// cut across two segments is still recognised. Small (a few dozen bytes serialised): the
/// trailing number-like words of the previous segment and nothing else.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamTail {
    /// Trailing number-like text of the previous segment (bounded length), already
    /// lower-cased and normalised; empty when the previous segment did not end in a number.
    #[serde(default, rename = "t", skip_serializing_if = "String::is_empty")]
    pub(crate) tail: String,
}

impl StreamTail {
    /// True when there is nothing to carry.
    pub fn is_empty(&self) -> bool {
        self.tail.is_empty()
    }
}
