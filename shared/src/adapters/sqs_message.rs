//! The SQS wire format of a [`Delivery`]: how the webhook encodes one delivery into one
//! `SendMessage` and how the worker decodes it again, byte for byte.
//!
//! * `identity`: the body is the exact raw bytes (when they are SQS-safe UTF-8 and fit).
//! * `gzip+base64`: the raw bytes gzip-compressed and base64-encoded (when that fits).
//! * `claim-check`: the gzip-compressed bytes are stored through the [`BlobStore`] port
//!   (DynamoDB chunks, keyed by the SHA-256 of the raw body) and the message body is a
//!   small JSON reference. The blob outlives the queue's retention.
//!
//! Metadata travels as message attributes; `sha256` is verified on decode, so a corrupted
//! or mismatched body is a decode error instead of silently archived data.

use std::collections::{BTreeMap, HashMap};
use std::io::{Read, Write};

use aws_lambda_events::event::sqs::SqsMessageAttribute;
use base64::Engine as _;
use bytes::Bytes;
use flate2::{read::GzDecoder, write::GzEncoder, Compression};
use serde::{Deserialize, Serialize};

use crate::delivery::{sha256_hex, Delivery, Source};
use crate::ports::{BlobError, BlobStore, QueueError};

/// SQS's maximum message size (body plus attributes), 1 MiB since August 2025.
pub const SQS_MAX_MESSAGE_BYTES: usize = 1_048_576;
/// Bytes kept free for message attributes when deciding whether a body fits.
const ATTRIBUTE_HEADROOM: usize = 4096;
/// How long a claim-check blob is kept: longer than SQS's 14-day maximum retention.
pub const CLAIM_CHECK_RETENTION_SECS: i64 = 15 * 24 * 3600;
/// Largest decompressed body the decoder accepts (guards against gzip bombs).
const MAX_DECODED_BYTES: u64 = 64 * 1024 * 1024;

/// Attribute names, shared by encoder and decoder.
pub mod attr {
    /// Epoch ms when the webhook accepted the delivery.
    pub const RECEIVED_AT: &str = "received_at";
    /// Vapi call id (or Twilio CallSid), when known.
    pub const CALL_ID: &str = "call_id";
    /// `message.type`.
    pub const MESSAGE_TYPE: &str = "message_type";
    /// Authentication scheme that accepted the delivery.
    pub const AUTH_SCHEME: &str = "auth_scheme";
    /// Hex SHA-256 of the raw body.
    pub const SHA256: &str = "sha256";
    /// `vapi` or `twilio`.
    pub const SOURCE: &str = "source";
    /// `identity`, `gzip+base64` or `claim-check`.
    pub const CONTENT_ENCODING: &str = "content_encoding";
    /// Length of the raw body in bytes.
    pub const BODY_BYTES: &str = "body_bytes";
}

/// How the body of a queue message relates to the raw delivery bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentEncoding {
    /// Body is the raw bytes.
    Identity,
    /// Body is base64(gzip(raw)).
    GzipBase64,
    /// Body is a [`ClaimCheck`] reference; the bytes are in the blob store.
    ClaimCheck,
}

impl ContentEncoding {
    /// Attribute value.
    pub fn as_str(self) -> &'static str {
        match self {
            ContentEncoding::Identity => "identity",
            ContentEncoding::GzipBase64 => "gzip+base64",
            ContentEncoding::ClaimCheck => "claim-check",
        }
    }
    fn parse(s: &str) -> Option<Self> {
        match s {
            "identity" => Some(ContentEncoding::Identity),
            "gzip+base64" => Some(ContentEncoding::GzipBase64),
            "claim-check" => Some(ContentEncoding::ClaimCheck),
            _ => None,
        }
    }
}

/// The reference a claim-check message carries instead of the body.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ClaimCheck {
    /// Blob key (`sha256` of the raw body).
    pub blob_key: String,
    /// Always `gzip`: the blob holds the compressed body.
    pub compression: String,
}

/// One message ready for `SendMessage`: a body and string attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMessage {
    /// Message body.
    pub body: String,
    /// String message attributes (names from [`attr`]).
    pub attributes: BTreeMap<String, String>,
    /// Which encoding was chosen.
    pub encoding: ContentEncoding,
}

/// Why a queue message could not be turned back into a delivery. Each one fails only its
/// own record; after `maxReceiveCount` tries it lands in the DLQ.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// A required attribute is absent or malformed.
    #[error("queue message attribute `{0}` is missing or invalid")]
    Attribute(&'static str),
    /// The body is not valid base64/gzip/claim-check JSON.
    #[error("queue message body cannot be decoded: {0}")]
    Body(String),
    /// The decoded bytes do not match the `sha256` attribute.
    #[error("queue message body does not match its sha256 attribute")]
    HashMismatch,
    /// The claim-check blob is gone (expired) or corrupt.
    #[error("claim-check blob is missing or corrupt")]
    BlobMissing,
    /// The blob store failed; retrying may succeed.
    #[error("claim-check store unavailable: {0}")]
    BlobUnavailable(String),
}

/// True when every char of `s` is one SQS accepts in a message body
/// (`#x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF`).
fn is_sqs_safe(s: &str) -> bool {
    s.chars().all(|c| {
        matches!(c, '\u{9}' | '\u{A}' | '\u{D}' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
            || c >= '\u{10000}'
    })
}

fn gzip(bytes: &[u8]) -> Result<Vec<u8>, QueueError> {
    let mut enc = GzEncoder::new(
        Vec::with_capacity(bytes.len() / 4 + 64),
        Compression::fast(),
    );
    enc.write_all(bytes)
        .and_then(|_| enc.finish())
        .map_err(|e| QueueError::Unavailable(format!("compression failed: {e}")))
}

fn gunzip(bytes: &[u8]) -> Result<Vec<u8>, DecodeError> {
    let mut out = Vec::new();
    GzDecoder::new(bytes)
        .take(MAX_DECODED_BYTES + 1)
        .read_to_end(&mut out)
        .map_err(|e| DecodeError::Body(format!("gzip: {e}")))?;
    if out.len() as u64 > MAX_DECODED_BYTES {
        return Err(DecodeError::Body("decompressed body too large".into()));
    }
    Ok(out)
}

fn attributes_of(d: &Delivery, encoding: ContentEncoding) -> BTreeMap<String, String> {
    let mut a = BTreeMap::new();
    a.insert(attr::RECEIVED_AT.into(), d.received_at_ms.to_string());
    if let Some(id) = d.call_id.as_deref().filter(|id| !id.is_empty()) {
        a.insert(attr::CALL_ID.into(), id.chars().take(256).collect());
    }
    let message_type: String = d.message_type.chars().take(256).collect();
    a.insert(
        attr::MESSAGE_TYPE.into(),
        if message_type.is_empty() {
            "unknown".into()
        } else {
            message_type
        },
    );
    a.insert(attr::AUTH_SCHEME.into(), d.auth_scheme.clone());
    a.insert(attr::SHA256.into(), d.sha256.clone());
    a.insert(attr::SOURCE.into(), d.source.as_str().into());
    a.insert(attr::CONTENT_ENCODING.into(), encoding.as_str().into());
    a.insert(attr::BODY_BYTES.into(), d.raw.len().to_string());
    a
}

/// Encode `delivery` for a queue whose messages may hold `max_message_bytes`, storing the
/// body through `blobs` when even the compressed form does not fit.
pub async fn encode_delivery(
    delivery: &Delivery,
    max_message_bytes: usize,
    blobs: &dyn BlobStore,
    now_secs: i64,
) -> Result<OutgoingMessage, QueueError> {
    let budget = max_message_bytes.saturating_sub(ATTRIBUTE_HEADROOM);
    if delivery.raw.len() <= budget {
        if let Ok(text) = std::str::from_utf8(&delivery.raw) {
            if is_sqs_safe(text) {
                return Ok(OutgoingMessage {
                    body: text.to_owned(),
                    attributes: attributes_of(delivery, ContentEncoding::Identity),
                    encoding: ContentEncoding::Identity,
                });
            }
        }
    }
    let compressed = gzip(&delivery.raw)?;
    if compressed.len().div_ceil(3) * 4 <= budget {
        return Ok(OutgoingMessage {
            body: base64::engine::general_purpose::STANDARD.encode(&compressed),
            attributes: attributes_of(delivery, ContentEncoding::GzipBase64),
            encoding: ContentEncoding::GzipBase64,
        });
    }
    let reference = ClaimCheck {
        blob_key: delivery.sha256.clone(),
        compression: "gzip".into(),
    };
    blobs
        .put_blob(
            &reference.blob_key,
            &compressed,
            now_secs + CLAIM_CHECK_RETENTION_SECS,
        )
        .await
        .map_err(|e| QueueError::ClaimCheck(e.to_string()))?;
    let body = serde_json::to_string(&reference)
        .map_err(|e| QueueError::ClaimCheck(format!("reference: {e}")))?;
    Ok(OutgoingMessage {
        body,
        attributes: attributes_of(delivery, ContentEncoding::ClaimCheck),
        encoding: ContentEncoding::ClaimCheck,
    })
}

/// Decode a message from its body and string attributes (the transport-neutral core of
/// [`decode_sqs_message`]).
pub async fn decode_delivery(
    body: &str,
    attributes: &BTreeMap<String, String>,
    blobs: &dyn BlobStore,
    now_secs: i64,
) -> Result<Delivery, DecodeError> {
    let get = |name: &'static str| {
        attributes
            .get(name)
            .map(String::as_str)
            .ok_or(DecodeError::Attribute(name))
    };
    let encoding = ContentEncoding::parse(get(attr::CONTENT_ENCODING)?)
        .ok_or(DecodeError::Attribute(attr::CONTENT_ENCODING))?;
    let raw: Vec<u8> = match encoding {
        ContentEncoding::Identity => body.as_bytes().to_vec(),
        ContentEncoding::GzipBase64 => {
            let compressed = base64::engine::general_purpose::STANDARD
                .decode(body.trim())
                .map_err(|e| DecodeError::Body(format!("base64: {e}")))?;
            gunzip(&compressed)?
        }
        ContentEncoding::ClaimCheck => {
            let reference: ClaimCheck = serde_json::from_str(body)
                .map_err(|e| DecodeError::Body(format!("claim-check reference: {e}")))?;
            let stored = blobs
                .get_blob(&reference.blob_key, now_secs)
                .await
                .map_err(|e| match e {
                    BlobError::Corrupt(_) => DecodeError::BlobMissing,
                    BlobError::Unavailable(m) => DecodeError::BlobUnavailable(m),
                })?
                .ok_or(DecodeError::BlobMissing)?;
            gunzip(&stored)?
        }
    };
    let sha256 = get(attr::SHA256)?;
    if sha256_hex(&raw) != sha256.to_ascii_lowercase() {
        return Err(DecodeError::HashMismatch);
    }
    let received_at_ms = get(attr::RECEIVED_AT)?
        .parse::<i64>()
        .map_err(|_| DecodeError::Attribute(attr::RECEIVED_AT))?;
    let source = Source::parse(get(attr::SOURCE)?).ok_or(DecodeError::Attribute(attr::SOURCE))?;
    Ok(Delivery {
        raw: Bytes::from(raw),
        received_at_ms,
        call_id: attributes.get(attr::CALL_ID).cloned(),
        message_type: get(attr::MESSAGE_TYPE)?.to_owned(),
        auth_scheme: get(attr::AUTH_SCHEME)?.to_owned(),
        sha256: sha256.to_ascii_lowercase(),
        source,
    })
}

/// Decode one record of an SQS event (as the worker Lambda receives it) into a delivery.
pub async fn decode_sqs_message(
    body: &str,
    attributes: &HashMap<String, SqsMessageAttribute>,
    blobs: &dyn BlobStore,
    now_secs: i64,
) -> Result<Delivery, DecodeError> {
    let strings: BTreeMap<String, String> = attributes
        .iter()
        .filter_map(|(k, v)| v.string_value.clone().map(|s| (k.clone(), s)))
        .collect();
    decode_delivery(body, &strings, blobs, now_secs).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::memory::MemoryBlobStore;

    fn delivery(raw: Vec<u8>) -> Delivery {
        Delivery::new(
            Bytes::from(raw),
            1_763_481_823_120,
            Some("call-1".into()),
            "end-of-call-report",
            "hmac",
            Source::Vapi,
        )
    }

    /// Deterministic, poorly compressible text (so gzip cannot shrink it below the limit).
    fn noisy_text(len: usize) -> Vec<u8> {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 "
                    [(x % 63) as usize]
            })
            .collect()
    }

    async fn round_trip(raw: Vec<u8>, limit: usize) -> (ContentEncoding, Delivery, Delivery) {
        let blobs = MemoryBlobStore::default();
        let d = delivery(raw);
        let msg = encode_delivery(&d, limit, &blobs, 1000)
            .await
            .expect("encode");
        assert!(msg.body.len() <= limit, "encoded body exceeds the limit");
        let back = decode_delivery(&msg.body, &msg.attributes, &blobs, 1000)
            .await
            .expect("decode");
        (msg.encoding, d, back)
    }

    #[tokio::test]
    async fn small_json_travels_as_identity() {
        let (enc, d, back) = round_trip(
            br#"{"message":{"type":"hang"}}"#.to_vec(),
            SQS_MAX_MESSAGE_BYTES,
        )
        .await;
        assert_eq!(enc, ContentEncoding::Identity);
        assert_eq!(back, d);
    }

    #[tokio::test]
    async fn sqs_unsafe_characters_are_compressed_not_lost() {
        let raw = "{\"t\":\"\u{FFFF}\u{1}\"}".as_bytes().to_vec();
        let (enc, d, back) = round_trip(raw, SQS_MAX_MESSAGE_BYTES).await;
        assert_eq!(enc, ContentEncoding::GzipBase64);
        assert_eq!(back.raw, d.raw);
    }

    #[tokio::test]
    async fn compressible_large_body_is_gzipped() {
        let raw = br#"{"message":{"type":"end-of-call-report","x":""#
            .iter()
            .copied()
            .chain(std::iter::repeat_n(b'a', 2_000_000))
            .chain(br#""}}"#.iter().copied())
            .collect();
        let (enc, d, back) = round_trip(raw, SQS_MAX_MESSAGE_BYTES).await;
        assert_eq!(enc, ContentEncoding::GzipBase64);
        assert_eq!(back.raw, d.raw);
    }

    #[tokio::test]
    async fn three_megabyte_incompressible_body_takes_the_claim_check() {
        let (enc, d, back) = round_trip(noisy_text(3 * 1024 * 1024), SQS_MAX_MESSAGE_BYTES).await;
        assert_eq!(enc, ContentEncoding::ClaimCheck);
        assert_eq!(back.raw, d.raw);
        assert_eq!(back.sha256, d.sha256);
    }

    #[tokio::test]
    async fn tampered_body_fails_the_hash_check() {
        let blobs = MemoryBlobStore::default();
        let d = delivery(br#"{"message":{"type":"hang"}}"#.to_vec());
        let msg = encode_delivery(&d, SQS_MAX_MESSAGE_BYTES, &blobs, 0)
            .await
            .expect("encode");
        let tampered = msg.body.replace("hang", "hung");
        let err = decode_delivery(&tampered, &msg.attributes, &blobs, 0).await;
        assert!(matches!(err, Err(DecodeError::HashMismatch)));
    }

    #[tokio::test]
    async fn missing_attribute_and_garbage_bodies_are_errors_not_panics() {
        let blobs = MemoryBlobStore::default();
        let d = delivery(b"{}".to_vec());
        let msg = encode_delivery(&d, SQS_MAX_MESSAGE_BYTES, &blobs, 0)
            .await
            .expect("encode");
        let mut attrs = msg.attributes.clone();
        attrs.remove(attr::SHA256);
        assert!(matches!(
            decode_delivery(&msg.body, &attrs, &blobs, 0).await,
            Err(DecodeError::Attribute(attr::SHA256))
        ));
        let mut attrs = msg.attributes.clone();
        attrs.insert(attr::CONTENT_ENCODING.into(), "gzip+base64".into());
        assert!(decode_delivery("%%%not base64", &attrs, &blobs, 0)
            .await
            .is_err());
        attrs.insert(attr::CONTENT_ENCODING.into(), "claim-check".into());
        assert!(decode_delivery(
            "{\"blob_key\":\"nope\",\"compression\":\"gzip\"}",
            &attrs,
            &blobs,
            0
        )
        .await
        .is_err());
    }

    #[tokio::test]
    async fn expired_claim_check_blob_is_missing() {
        let blobs = MemoryBlobStore::default();
        let d = delivery(noisy_text(2 * 1024 * 1024));
        let msg = encode_delivery(&d, SQS_MAX_MESSAGE_BYTES, &blobs, 0)
            .await
            .expect("encode");
        let later = CLAIM_CHECK_RETENTION_SECS + 1;
        assert!(matches!(
            decode_delivery(&msg.body, &msg.attributes, &blobs, later).await,
            Err(DecodeError::BlobMissing)
        ));
    }
}
