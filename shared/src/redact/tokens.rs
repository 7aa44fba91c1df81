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

/// Words of 1 to 8 ASCII bytes packed as [`pack_word`] does, checked at compile time in a
/// `const` (a longer word would pack to 0, the key of every number and punctuation token).
pub(crate) const fn keys<const N: usize>(words: [&str; N]) -> [u64; N] {
    let mut out = [0u64; N];
    let mut i = 0;
    while i < N {
        let k = pack_word(words[i].as_bytes());
        assert!(k != 0, "keys takes words of 1 to 8 bytes");
        out[i] = k;
        i += 1;
    }
    out
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

/// Byte classes: bits of [`CLASS`].
mod class {
    /// ' ', '\t', '\n', '\r'.
    pub const SPACE: u8 = 1;
    /// ASCII lower-case letter.
    pub const LOWER: u8 = 1 << 1;
    /// ASCII upper-case letter (`UPPER << 3` is the case bit, 0x20).
    pub const UPPER: u8 = 1 << 2;
    /// ASCII digit.
    pub const DIGIT: u8 = 1 << 3;
    /// ASCII and not alphanumeric (spaces, symbols, NUL, the apostrophe).
    pub const SYMBOL: u8 = 1 << 4;
    /// A `SYMBOL` other than the apostrophe: a byte that ends an ASCII word.
    pub const ENDS_WORD: u8 = 1 << 5;
}

/// The [`class`] bits of every byte value.
static CLASS: [u8; 256] = byte_classes();

const fn byte_classes() -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        let mut k = 0;
        if matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
            k |= class::SPACE;
        }
        if c.is_ascii_lowercase() {
            k |= class::LOWER;
        }
        if c.is_ascii_uppercase() {
            k |= class::UPPER;
        }
        if c.is_ascii_digit() {
            k |= class::DIGIT;
        }
        if c.is_ascii() && !c.is_ascii_alphanumeric() {
            k |= class::SYMBOL;
            if c != b'\'' {
                k |= class::ENDS_WORD;
            }
        }
        t[b] = k;
        b += 1;
    }
    t
}

/// Bytes `i..i + 8` of `bytes` little-endian in a `u64`, zeros past the end.
#[inline(always)]
fn load8(bytes: &[u8], i: usize) -> u64 {
    let rest = bytes.get(i..).unwrap_or_default();
    if let Some(w) = rest.first_chunk::<8>() {
        u64::from_le_bytes(*w)
    } else if let (false, Some(last)) = (rest.is_empty(), bytes.last_chunk::<8>()) {
        // The text's last 8 bytes, shifted down so that byte `i` comes first.
        u64::from_le_bytes(*last) >> (8 * (8 - rest.len()))
    } else {
        let mut a = [0u8; 8];
        for (d, s) in a.iter_mut().zip(rest) {
            *d = *s;
        }
        u64::from_le_bytes(a)
    }
}

/// How many of the bytes of `w` (little-endian), from the first, are ASCII lower-case
/// letters (0..=8), all 8 at once.
#[inline(always)]
fn lower_run(w: u64) -> usize {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const ONES: u64 = 0x0101_0101_0101_0101;
    // Per byte, on its low 7 bits (no carry into the next byte): the high bit of
    // `x + 0x80 - c` is set when `x >= c`.
    let x = w & !HIGH;
    let from_a = x + ONES * (0x80 - b'a' as u64);
    let past_z = x + ONES * (0x80 - b'z' as u64 - 1);
    let lower = from_a & !past_z & !w & HIGH;
    ((!lower & HIGH).trailing_zeros() / 8) as usize
}

/// Splits `text` into tokens, and sums up what it saw.
#[inline(never)] // out of line: inlined into its caller (7597cec) it cost ~2 instructions a byte more
pub(crate) fn tokenize(text: &str, out: &mut Vec<Tok>) -> Summary {
    out.clear();
    let mut summary = Summary::default();
    let table = lexicon::packed_table();
    let bytes = text.as_bytes();
    let n = bytes.len();
    let mut i = 0;
    let mut space = false;
    while i < n {
        let b = bytes[i];
        let c = CLASS[b as usize];
        let start = i;
        // Where the general scan below starts: after the leading run of lower-case letters.
        let j = if c & (class::LOWER | class::UPPER) != 0 {
            // The commonest tokens of all: an ASCII word in lower case or with one capital
            // first, ended by a space, an ASCII symbol or the end of the text. Its first 8
            // bytes are read at once, the capital lower-cased (bit 0x20), and the run of
            // lower-case letters counted in one go.
            let titled = c & class::UPPER != 0;
            // (UPPER << 3 is 0x20.)
            let w = load8(bytes, i) | u64::from(c & class::UPPER) << 3;
            let run = lower_run(w);
            let mut e = i + run;
            let next = if run < 8 {
                // The byte after the run is in `w` (0 past the end of the text).
                CLASS[(w >> (8 * run)) as u8 as usize]
            } else {
                loop {
                    let r = lower_run(load8(bytes, e));
                    e += r;
                    if r < 8 {
                        break;
                    }
                }
                bytes
                    .get(e)
                    .map_or(class::ENDS_WORD, |t| CLASS[*t as usize])
            };
            if next & class::ENDS_WORD != 0 {
                let len = e - i;
                let (lex, key) = if len <= 8 {
                    let packed = w & (u64::MAX >> (64 - 8 * len));
                    (table.get(packed), packed)
                } else if len <= MAX_LEX {
                    let mut lower = [0u8; MAX_LEX];
                    for (d, s) in lower.iter_mut().zip(&bytes[i..e]) {
                        *d = s.to_ascii_lowercase();
                    }
                    (lexicon::lookup(&lower[..len]), 0)
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
                // A space after the word is taken along (one trip round the loop less).
                space = next & class::SPACE != 0;
                i = e + usize::from(space);
                continue;
            }
            if titled {
                i
            } else {
                e
            }
        } else if c & class::SPACE != 0 {
            space = true;
            i += 1;
            continue;
        } else if c & class::DIGIT != 0 {
            // A run of digits ended by an ASCII symbol or the end of the text: a number
            // (what the general scan below makes of it).
            let mut e = i + 1;
            while e < n && CLASS[bytes[e] as usize] & class::DIGIT != 0 {
                e += 1;
            }
            if bytes
                .get(e)
                .is_none_or(|t| CLASS[*t as usize] & class::SYMBOL != 0)
            {
                out.push(Tok {
                    start: start as u32,
                    end: e as u32,
                    kind: Kind::Num,
                    ch: 0,
                    space_before: space,
                    case: Case::Lower,
                    lex: Lex::default(),
                    key: 0,
                });
                space = false;
                i = e;
                continue;
            }
            i
        } else {
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
            if !(b >= 0x80 && is_letter_at(bytes, i)) {
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
                continue;
            }
            i
        };
        let tok = scan_general(bytes, start, j, space, table, &mut summary);
        i = tok.end as usize;
        out.push(tok);
        space = false;
    }
    summary
}

/// The token starting at `start` with a letter or a digit, any mix of letters, digits and
/// inner apostrophes, ASCII or not; `bytes[start..j]` are lower-case ASCII letters.
/// Updates `summary`.
#[inline(never)] // rarer tokens: kept out of the loop above, which then needs fewer registers
fn scan_general(
    bytes: &[u8],
    start: usize,
    j: usize,
    space: bool,
    table: &lexicon::PackedTable,
    summary: &mut Summary,
) -> Tok {
    let n = bytes.len();
    let mut lower = [0u8; MAX_LEX];
    let mut has_digit = false;
    let mut has_alpha = j > start;
    let mut upper = 0usize;
    let mut letters = j - start;
    let mut first_upper = false;
    let mut non_ascii = false;
    // The lower-case word packed into a u64 while scanning (words of up to 8 bytes
    // are looked up without a second pass).
    let mut packed = pack_lower(bytes, start, j);
    let mut plen = j - start;
    let mut i = j;
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
        } else if c == b'\'' && has_alpha && i + 1 < n && bytes[i + 1].is_ascii_alphabetic() {
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
            lex = table.get(packed);
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
    Tok {
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
    }
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
