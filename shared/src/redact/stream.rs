//! Streaming state: what the previous segment of one speaker ended in.

use serde::{Deserialize, Serialize};

use crate::redact::doc::Doc;
use crate::redact::entity::EntityType;
use crate::redact::tokens::Kind;

/// Carried between consecutive transcript segments of the same (call, speaker) so a number
/// cut across two segments is still recognised. Small (a few dozen bytes serialised) and
/// free of personal data: the type the previous segment was in the middle of, and for an
/// unclassified trailing digit run only its length, the first two digits (the card issuer)
/// and the two Luhn partial sums (one digit of information each).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamTail {
    /// Type of the entity the previous segment ended in (or asked for at its very end).
    #[serde(default, rename = "k", skip_serializing_if = "Option::is_none")]
    kind: Option<EntityType>,
    /// Digits in an unclassified trailing run (0: none).
    #[serde(default, rename = "n", skip_serializing_if = "is_zero")]
    digits: u8,
    /// First two digits of that run (issuer prefix).
    #[serde(default, rename = "p", skip_serializing_if = "is_zero")]
    prefix: u8,
    /// Luhn partial sums of that run for an even / odd number of digits after it.
    #[serde(default, rename = "l", skip_serializing_if = "is_zero_pair")]
    luhn: [u8; 2],
}

fn is_zero(v: &u8) -> bool {
    *v == 0
}

fn is_zero_pair(v: &[u8; 2]) -> bool {
    v == &[0, 0]
}

impl StreamTail {
    /// True when there is nothing to carry.
    pub fn is_empty(&self) -> bool {
        self.kind.is_none() && self.digits == 0
    }

    /// The type a number opening the next segment continues.
    pub(crate) fn pending(&self) -> Option<EntityType> {
        self.kind
    }

    /// The tail after analysing `doc`.
    pub(crate) fn after(doc: &Doc) -> StreamTail {
        let kind = crate::redact::digits::trailing_kind(doc);
        let mut tail = StreamTail {
            kind,
            ..StreamTail::default()
        };
        if kind.is_none() {
            // An unclassified digit run at the very end.
            if let Some(last) = doc.toks.iter().rposition(|t| t.kind != Kind::Punct) {
                let r = doc.run_at[last];
                if r != 0 && !doc.claimed[last] {
                    let d = &doc.runs[r as usize - 1].digits;
                    if (4..=18).contains(&d.len()) {
                        tail.digits = d.len() as u8;
                        tail.prefix = d.as_bytes()[..2].iter().fold(0, |a, c| a * 10 + (c - b'0'));
                        tail.luhn = [luhn_partial(d, 0), luhn_partial(d, 1)];
                    }
                }
            }
        }
        tail
    }
}

/// Luhn sum of `d` as if `after` more digits followed it, mod 10.
fn luhn_partial(d: &str, after: usize) -> u8 {
    let mut sum = 0u32;
    for (i, c) in d.bytes().rev().enumerate() {
        let mut v = u32::from(c - b'0');
        if (i + after) % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    (sum % 10) as u8
}

/// A run opening this segment that completes a Luhn-valid card number with the previous
/// segment's unclassified trailing digits is a card number.
pub(crate) fn join_split_number(doc: &mut Doc, tail: &StreamTail) {
    if tail.digits == 0 || tail.kind.is_some() {
        return;
    }
    let Some(first) = doc.toks.iter().position(|t| t.kind != Kind::Punct) else {
        return;
    };
    let r = doc.run_at[first];
    if r == 0 || doc.claimed[first] {
        return;
    }
    let run = doc.runs[r as usize - 1].clone();
    let total = usize::from(tail.digits) + run.n();
    if !(13..=19).contains(&total) {
        return;
    }
    let sum = u32::from(tail.luhn[run.n() % 2]) + u32::from(luhn_partial(&run.digits, 0));
    let p = tail.prefix;
    let issuer = matches!(p / 10, 4)
        || (51..=55).contains(&p)
        || matches!(p, 22..=27 | 34 | 37 | 60 | 62 | 64 | 65 | 35 | 36 | 30 | 38);
    if sum % 10 == 0 && issuer {
        doc.add(EntityType::CreditCard, run.t0, run.t1);
    }
}
