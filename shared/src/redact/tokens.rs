//! Tokenizer: splits a text into words, digit runs, mixed codes, punctuation and our own
//! placeholders, with byte offsets. Linear, one pass, no allocation per token besides the
//! output vector.

use crate::redact::entity::EntityType;
use crate::redact::lexicon::{self, Lex};

/// Token class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Letters (and inner apostrophes).
    Word,
    /// ASCII digits only.
    Num,
    /// Letters and digits mixed ("7c", "E475", "21st").
    Alnum,
    /// One punctuation or symbol character.
    Punct,
    /// A placeholder written by this redactor (`[SSN]`): never re-detected.
    Placeholder,
}

/// Letter case of a word as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Case {
    /// all lower case (or no letters).
    Lower,
    /// First letter upper, rest lower.
    Title,
    /// Every letter upper case.
    Upper,
}

/// One token.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tok {
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
    /// Class.
    pub kind: Kind,
    /// For `Punct`: the byte (0 for non-ASCII symbols).
    pub ch: u8,
    /// Whitespace right before this token.
    pub space_before: bool,
    /// Letter case.
    pub case: Case,
    /// Lexicon entry (words; ordinals like "21st" get `ordinal`).
    pub lex: Lex,
    /// An ASCII word of up to 8 bytes, lower-cased and packed little-endian ([`pack_word`]);
    /// 0 for every other token. Word comparisons are one integer compare.
    pub key: u64,
}

/// `w` (up to 8 ASCII bytes) lower-cased and packed little-endian into a `u64`, as
/// [`Tok::key`] holds it; 0 for longer words. `const`: literals fold at compile time.
#[inline]
pub(crate) const fn pack_word(w: &[u8]) -> u64 {
    if w.len() > 8 {
        return 0;
    }
    let mut p = 0u64;
    let mut k = 0;
    while k < w.len() {
        p |= (w[k].to_ascii_lowercase() as u64) << (8 * k);
        k += 1;
    }
    p
}

impl Tok {
    /// Byte length.
    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }
    /// True for a punctuation token holding `c`.
    pub fn is_punct(&self, c: u8) -> bool {
        self.kind == Kind::Punct && self.ch == c
    }
}

/// Longest word looked up in the lexicon.
const MAX_LEX: usize = 24;

/// Recognises `[TYPE]` or `[CREDIT_CARD ••••1234]` at `i` (which holds `[`); returns its end.
fn placeholder_end(bytes: &[u8], i: usize) -> Option<usize> {
    let rest = &bytes[i + 1..];
    let name_len = rest
        .iter()
        .take_while(|b| b.is_ascii_uppercase() || **b == b'_')
        .count();
    if name_len < 3 {
        return None;
    }
    let name = std::str::from_utf8(&rest[..name_len]).ok()?;
    EntityType::from_name(name)?;
    let after = &rest[name_len..];
    if after.first() == Some(&b']') {
        return Some(i + 1 + name_len + 1);
    }
    // `[CREDIT_CARD ••••1234]`: bounded look for the closing bracket.
    let close = after.iter().take(40).position(|b| *b == b']')?;
    Some(i + 1 + name_len + close + 1)
}

/// What the tokenizer saw in the whole text (lets detectors skip texts quickly).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Summary {
    /// Some word has a capital: the text looks machine-formatted and case is a signal.
    pub cased: bool,
    /// Union of the lexicon flags of all words and codes.
    pub flags: u32,
    /// The text contains an '@'.
    pub has_at_sign: bool,
    /// Some word has an apostrophe inside ("clara's", "o'neil").
    pub apostrophe: bool,
}

/// Splits `text` into tokens, and sums up what it saw.
#[inline(never)] // out of line: inlined into its caller (7597cec) it cost ~2 instructions a byte more
pub(crate) fn tokenize(text: &str, out: &mut Vec<Tok>) -> Summary {
    out.clear();
    let mut summary = Summary::default();
    let bytes = text.as_bytes();
    let n = bytes.len();
    let mut i = 0;
    let mut space = false;
    let mut lower = [0u8; MAX_LEX];
    while i < n {
        let b = bytes[i];
        if b == b' ' || b == b'\t' || b == b'\n' || b == b'\r' {
            space = true;
            i += 1;
            continue;
        }
        let start = i;
        if b == b'[' {
            if let Some(end) = placeholder_end(bytes, i) {
                out.push(Tok {
                    start: start as u32,
                    end: end as u32,
                    kind: Kind::Placeholder,
                    ch: 0,
                    space_before: space,
                    case: Case::Upper,
                    lex: Lex::default(),
                    key: 0,
                });
                space = false;
                i = end;
                continue;
            }
        }
        if b.is_ascii_alphanumeric() || b >= 0x80 && is_letter_at(bytes, i) {
            // Fast path: the run of ASCII lower-case letters most words are made of.
            let mut j = i;
            while j < n && bytes[j].is_ascii_lowercase() {
                j += 1;
            }
            // The commonest tokens of all: an ASCII word in lower case or with one capital
            // first, ended by a space, an ASCII symbol or the end of the text (what the
            // general loop below makes of it, without its per-byte branches).
            let titled = j == i && b.is_ascii_uppercase();
            let mut e = j;
            if titled {
                e = i + 1;
                while e < n && bytes[e].is_ascii_lowercase() {
                    e += 1;
                }
            }
            if e > i
                && bytes
                    .get(e)
                    .is_none_or(|c| c.is_ascii() && !c.is_ascii_alphanumeric() && *c != b'\'')
            {
                let len = e - i;
                // Lower-casing the capital: its bit 0x20 in the packed word's first byte.
                let packed = pack_lower(bytes, i, e) | u64::from(titled) << 5;
                let (lex, key) = if len <= 8 {
                    (lexicon::lookup_packed(packed), packed)
                } else if len <= MAX_LEX {
                    let mut k = 0;
                    for c in &bytes[i..e] {
                        lower[k] = c.to_ascii_lowercase();
                        k += 1;
                    }
                    (lexicon::lookup(&lower[..k]), 0)
                } else {
                    (Lex::default(), 0)
                };
                summary.flags |= lex.flags;
                summary.cased |= titled;
                out.push(Tok {
                    start: start as u32,
                    end: e as u32,
                    kind: Kind::Word,
                    ch: 0,
                    space_before: space,
                    case: if titled { Case::Title } else { Case::Lower },
                    lex,
                    key,
                });
                space = false;
                i = e;
                continue;
            }
            let mut has_digit = false;
            let mut has_alpha = j > i;
            let mut upper = 0usize;
            let mut letters = j - i;
            let mut first_upper = false;
            let mut non_ascii = false;
            // The lower-case word packed into a u64 while scanning (words of up to 8 bytes
            // are looked up without a second pass).
            let mut packed = pack_lower(bytes, i, j);
            let mut plen = j - i;
            i = j;
            while i < n {
                let c = bytes[i];
                if c.is_ascii_lowercase() {
                    // Fast path for the common case (lower-case letters): same effect as
                    // the alphabetic branch below (`first_upper` stays false).
                    has_alpha = true;
                    if plen < 8 {
                        packed |= u64::from(c) << (8 * plen);
                    }
                    plen += 1;
                    letters += 1;
                    i += 1;
                } else if c.is_ascii_digit() {
                    has_digit = true;
                    i += 1;
                } else if c.is_ascii_alphabetic() {
                    if letters == 0 {
                        first_upper = c.is_ascii_uppercase();
                    }
                    has_alpha = true;
                    if plen < 8 {
                        packed |= u64::from(c | 0x20) << (8 * plen);
                    }
                    plen += 1;
                    letters += 1;
                    if c.is_ascii_uppercase() {
                        upper += 1;
                    }
                    i += 1;
                } else if c >= 0x80 {
                    if is_apostrophe_at(bytes, i)
                        && i + 3 < n
                        && bytes[i + 3].is_ascii_alphabetic()
                        && has_alpha
                    {
                        summary.apostrophe = true;
                        non_ascii = true;
                        i += 3;
                    } else if is_letter_at(bytes, i) {
                        has_alpha = true;
                        non_ascii = true;
                        letters += 1;
                        i += utf8_len(c);
                    } else {
                        break;
                    }
                } else if c == b'\'' && has_alpha && i + 1 < n && bytes[i + 1].is_ascii_alphabetic()
                {
                    summary.apostrophe = true;
                    if plen < 8 {
                        packed |= u64::from(b'\'') << (8 * plen);
                    }
                    plen += 1;
                    i += 1;
                } else {
                    break;
                }
            }
            let i_end = i.min(n);
            let kind = if has_digit && has_alpha {
                Kind::Alnum
            } else if has_digit {
                Kind::Num
            } else {
                Kind::Word
            };
            let case = if letters > 0 && upper == letters && letters > 1 {
                Case::Upper
            } else if first_upper {
                Case::Title
            } else {
                Case::Lower
            };
            let mut lex = Lex::default();
            let len = i_end - start;
            match kind {
                Kind::Word if !non_ascii && plen <= 8 => {
                    lex = lexicon::lookup_packed(packed);
                }
                Kind::Word if len <= MAX_LEX => {
                    let mut k = 0;
                    let mut j = start;
                    while j < i_end && k < MAX_LEX {
                        let c = bytes[j];
                        if c >= 0x80 {
                            if is_apostrophe_at(bytes, j) {
                                lower[k] = b'\'';
                                k += 1;
                                j += 3;
                                continue;
                            }
                            k = MAX_LEX + 1;
                            break;
                        }
                        lower[k] = c.to_ascii_lowercase();
                        k += 1;
                        j += 1;
                    }
                    if k <= MAX_LEX {
                        lex = lexicon::lookup(&lower[..k]);
                    }
                    let _ = non_ascii;
                }
                Kind::Alnum => {
                    lex.ordinal = ordinal_suffix(&bytes[start..i_end]);
                    if lex.ordinal == 0 && len <= 8 {
                        // keywords with digits: "cvv2", "w2"
                        let mut k = 0;
                        for c in &bytes[start..i_end] {
                            lower[k] = c.to_ascii_lowercase();
                            k += 1;
                        }
                        lex = lexicon::lookup(&lower[..k]);
                    }
                }
                _ => {}
            }
            summary.flags |= lex.flags;
            summary.cased |= kind == Kind::Word && case != Case::Lower;
            out.push(Tok {
                start: start as u32,
                end: i_end as u32,
                kind,
                ch: 0,
                space_before: space,
                case,
                lex,
                key: if kind == Kind::Word && !non_ascii && plen <= 8 {
                    packed
                } else {
                    0
                },
            });
            space = false;
            continue;
        }
        // Punctuation / symbol: one character.
        let len = if b < 0x80 { 1 } else { utf8_len(b) };
        let end = (i + len).min(n);
        let ch = if b < 0x80 {
            b
        } else if is_apostrophe_at(bytes, i) {
            b'\''
        } else {
            0
        };
        summary.has_at_sign |= ch == b'@';
        out.push(Tok {
            start: start as u32,
            end: end as u32,
            kind: Kind::Punct,
            ch,
            space_before: space,
            case: Case::Lower,
            lex: Lex::default(),
            key: 0,
        });
        space = false;
        i = end;
    }
    summary
}

/// The first (up to) 8 bytes of `bytes[from..to]`, little-endian in a `u64` (the packed
/// form of a lower-case word; bytes past `to` are zero).
#[inline]
fn pack_lower(bytes: &[u8], from: usize, to: usize) -> u64 {
    let len = (to - from).min(8);
    if len == 0 {
        return 0;
    }
    let word = match bytes.get(from..from + 8) {
        Some(w) => {
            let mut a = [0u8; 8];
            a.copy_from_slice(w);
            u64::from_le_bytes(a)
        }
        None => {
            let mut a = [0u8; 8];
            for (k, b) in bytes[from..from + len].iter().enumerate() {
                a[k] = *b;
            }
            u64::from_le_bytes(a)
        }
    };
    if len == 8 {
        word
    } else {
        word & ((1u64 << (8 * len)) - 1)
    }
}

fn utf8_len(b: u8) -> usize {
    match b {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

/// U+2019 (right single quote) used as an apostrophe.
fn is_apostrophe_at(bytes: &[u8], i: usize) -> bool {
    bytes.len() > i + 2 && bytes[i] == 0xE2 && bytes[i + 1] == 0x80 && bytes[i + 2] == 0x99
}

/// True when the (non-ASCII) character at `i` is alphabetic.
fn is_letter_at(bytes: &[u8], i: usize) -> bool {
    let len = utf8_len(bytes[i]);
    if i + len > bytes.len() {
        return false;
    }
    match std::str::from_utf8(&bytes[i..i + len]) {
        Ok(s) => s.chars().next().is_some_and(char::is_alphabetic),
        Err(_) => false,
    }
}

/// "21st" -> 21, "3rd" -> 3; 0 when not an ordinal.
fn ordinal_suffix(b: &[u8]) -> u8 {
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 || digits > 2 || b.len() != digits + 2 {
        return 0;
    }
    let suf = [
        b[digits].to_ascii_lowercase(),
        b[digits + 1].to_ascii_lowercase(),
    ];
    if !matches!(&suf, b"st" | b"nd" | b"rd" | b"th") {
        return 0;
    }
    let mut v = 0u8;
    for c in &b[..digits] {
        v = v * 10 + (c - b'0');
    }
    if (1..=31).contains(&v) {
        v
    } else {
        0
    }
}
