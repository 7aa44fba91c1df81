//! The analysed utterance: tokens, claimed tokens, number runs and found entities, with
//! small helpers shared by the detectors.

use crate::redact::entity::EntityType;
use crate::redact::lexicon::flag;
use crate::redact::numbers::Run;
use crate::redact::tokens::{pack_word, Case, Kind, Tok};

/// An entity found, as a token range.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Found {
    /// Type.
    pub kind: EntityType,
    /// First token.
    pub t0: usize,
    /// One past the last token.
    pub t1: usize,
    /// Last four digits of a card number (for `keep_card_last4`).
    pub last4: Option<[u8; 4]>,
}

/// One utterance under analysis.
pub(crate) struct Doc<'a> {
    /// The text.
    pub text: &'a str,
    /// Its tokens.
    pub toks: Vec<Tok>,
    /// Tokens already inside an entity.
    pub claimed: Vec<bool>,
    /// Entities found so far.
    pub found: Vec<Found>,
    /// Number runs.
    pub runs: Vec<Run>,
    /// Token -> index of its run + 1 (0: none).
    pub run_at: Vec<u32>,
    /// The text looks machine-formatted (capitals used): case is a signal.
    pub cased: bool,
    /// Union of the lexicon flags of all words (lets detectors skip texts quickly).
    pub flags: u32,
    /// The text contains an '@'.
    pub has_at_sign: bool,
    /// Some word has an apostrophe inside (possessives: "clara's").
    pub has_apostrophe: bool,
    /// The caller said it ([`crate::redact::digits::Prior::caller`]).
    pub caller: bool,
    /// The number grammar's buffers, reused from text to text.
    pub num_scratch: crate::redact::numbers::Scratch,
}

impl<'a> Doc<'a> {
    /// Lower-case-insensitive comparison of token `i` with an ASCII word. Always inlined:
    /// with a literal `w` the packed form folds to a constant (one integer compare).
    #[inline(always)]
    pub fn is(&self, i: usize, w: &str) -> bool {
        let w = w.as_bytes();
        match self.toks.get(i) {
            Some(t) if t.kind == Kind::Word && t.len() == w.len() => {
                if w.len() <= 8 {
                    t.key == pack_word(w)
                } else {
                    let b = &self.text.as_bytes()[t.start as usize..t.end as usize];
                    b.eq_ignore_ascii_case(w)
                }
            }
            _ => false,
        }
    }

    /// The token's bytes.
    #[inline]
    pub fn bytes(&self, i: usize) -> &'a [u8] {
        let t = &self.toks[i];
        &self.text.as_bytes()[t.start as usize..t.end as usize]
    }

    /// True when token `i` is a word with flag `f`.
    #[inline]
    pub fn flag(&self, i: usize, f: u32) -> bool {
        self.toks
            .get(i)
            .is_some_and(|t| t.kind == Kind::Word && t.lex.has(f))
    }

    /// Token `i` is a word.
    #[inline]
    pub fn word(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| t.kind == Kind::Word)
    }

    /// Token `i` is a single letter word ("b", "M").
    #[inline]
    pub fn letter(&self, i: usize) -> bool {
        // The key of a one-letter word is its lower-case letter (see `Tok::key`).
        self.toks
            .get(i)
            .is_some_and(|t| (u64::from(b'a')..=u64::from(b'z')).contains(&t.key))
    }

    /// Token `i` is a filler word.
    #[inline]
    pub fn filler(&self, i: usize) -> bool {
        self.flag(i, flag::FILLER)
    }

    /// Token `i` is upper-case initial in a cased text.
    #[inline]
    pub fn titled(&self, i: usize) -> bool {
        self.cased && self.toks.get(i).is_some_and(|t| t.case != Case::Lower)
    }

    /// Token `i` is written all in capitals in a cased text ("USA", "HELGA").
    #[inline]
    pub fn titled_upper(&self, i: usize) -> bool {
        self.cased && self.toks.get(i).is_some_and(|t| t.case == Case::Upper)
    }

    /// `i + 1` when token `i` is a period written tight against the word before it (the
    /// dot of "Ave.", "St.", "ext."), else `i`: where an abbreviation ends.
    #[inline]
    pub fn after_abbreviation_dot(&self, i: usize) -> usize {
        let dot = self
            .toks
            .get(i)
            .is_some_and(|t| t.is_punct(b'.') && !t.space_before);
        i + usize::from(dot)
    }

    /// Index after skipping fillers (and commas when `commas`) from `i` forward.
    pub fn skip_fillers(&self, mut i: usize, commas: bool) -> usize {
        while i < self.toks.len() && (self.filler(i) || commas && self.toks[i].is_punct(b',')) {
            i += 1;
        }
        i
    }

    /// Adds an entity over tokens `t0..t1` unless any of them is already claimed.
    pub fn add(&mut self, kind: EntityType, t0: usize, t1: usize) -> bool {
        if t0 >= t1 || t1 > self.toks.len() || self.claimed[t0..t1].iter().any(|c| *c) {
            return false;
        }
        for c in &mut self.claimed[t0..t1] {
            *c = true;
        }
        self.found.push(Found {
            kind,
            t0,
            t1,
            last4: None,
        });
        true
    }

    /// Removes the entities at the indices `gone` of `found` (merged into others; their
    /// tokens stay claimed).
    pub fn drop_found(&mut self, gone: &[usize]) {
        if gone.is_empty() {
            return;
        }
        let mut i = 0;
        self.found.retain(|_| {
            i += 1;
            !gone.contains(&(i - 1))
        });
    }

    /// True when the utterance ends (only punctuation or fillers) after token `i`.
    pub fn ends_after(&self, i: usize) -> bool {
        self.toks[i..].iter().all(|t| {
            t.kind == Kind::Punct && t.ch != b'[' || t.kind == Kind::Word && t.lex.has(flag::FILLER)
        })
    }
}
