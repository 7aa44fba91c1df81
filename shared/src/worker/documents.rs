//! Storing a redacted JSON document inline or split over part items.

use serde_json::Value;

use crate::ports::store::{CallArchive, DocumentOwner, StoredDocument, DOCUMENT_PART_BYTES};
use crate::worker::WorkerError;

/// Split `text` into chunks of at most `max` bytes, on UTF-8 boundaries.
pub fn split_utf8(text: &str, max: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let mut end = (start + max.max(4)).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        out.push(text[start..end].to_string());
        start = end;
    }
    out
}

/// Serialise `doc`; when it is larger than one item allows, write its parts (batch
/// writes) and return a manifest referring to them.
pub(crate) async fn store_document(
    archive: &dyn CallArchive,
    call_id: &str,
    owner: &DocumentOwner,
    doc: &Value,
) -> Result<StoredDocument, WorkerError> {
    let text = serde_json::to_string(doc).map_err(|e| {
        WorkerError::Undecodable(format!(
            "redacted document not serialisable: {}",
            e.classify() as u8
        ))
    })?;
    let bytes = text.len() as u64;
    if text.len() <= DOCUMENT_PART_BYTES {
        return Ok(StoredDocument {
            inline: Some(text),
            parts: 0,
            bytes,
        });
    }
    let parts = split_utf8(&text, DOCUMENT_PART_BYTES);
    archive.put_parts(call_id, owner, &parts).await?;
    Ok(StoredDocument {
        inline: None,
        parts: u32::try_from(parts.len()).unwrap_or(u32::MAX),
        bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_char_boundaries_and_reassembles() {
        let text = "é".repeat(1000) + "abc";
        let parts = split_utf8(&text, 333);
        assert!(parts.iter().all(|p| p.len() <= 333));
        assert_eq!(parts.concat(), text);
        assert!(split_utf8("", 10).is_empty());
    }
}
