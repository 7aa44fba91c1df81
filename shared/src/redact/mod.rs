//! PII redaction for spoken call transcripts and Vapi JSON payloads.
//!
//! The detector is a small grammar, not a pile of regular expressions:
//! 1. [`tokens`] splits the text into words, digit groups, codes and punctuation (byte
//!    offsets kept; our own placeholders are recognised and never re-detected);
//! 2. [`numbers`] normalises spoken numbers to digits ("four oh eight", "double five",
//!    "forty five thirty two", "three hundred", fillers and separators inside), each run
//!    keeping its token range, so spans map back to the original text;
//! 3. detectors claim tokens in order: e-mails ([`email`]), street addresses ([`address`]),
//!    number runs classified by context keywords, the previous turn and validators
//!    ([`digits`], [`validate`]), then person names ([`person`]);
//! 4. the entities are replaced by placeholders (`[CREDIT_CARD]`, ...).
//!
//! Everything is linear in the input (no backtracking, bounded look-around windows) and
//! the word table is built once per process.

mod address;
mod config;
mod digits;
mod doc;
mod email;
mod entity;
mod json;
mod lexicon;
mod names;
mod numbers;
mod person;
mod stream;
mod tokens;
mod validate;

use std::cell::RefCell;
use std::sync::LazyLock;

pub use config::RedactionConfig;
pub use entity::{Context, Entity, EntityType, Redacted, Role};
pub use json::JsonRedaction;
pub use stream::StreamTail;

use crate::redact::digits::Prior;
use crate::redact::doc::Doc;
use crate::redact::lexicon::Concept;
use crate::redact::tokens::{Case, Kind};

/// A compiled redactor; build once, share freely (`Send + Sync`).
#[derive(Debug, Clone)]
pub struct Redactor {
    cfg: RedactionConfig,
    mask: u16,
}

impl Redactor {
    /// Builds a redactor for `cfg` (cheap: the grammar tables are compiled once per process).
    pub fn new(cfg: RedactionConfig) -> Self {
        lexicon::warm();
        let mask = cfg.mask();
        Redactor { cfg, mask }
    }

    /// The configuration this redactor applies.
    pub fn config(&self) -> &RedactionConfig {
        &self.cfg
    }

    /// Redacts one utterance. `ctx.previous_turn` (the other speaker's last turn, or this
    /// speaker's previous segment) resolves answers like "it's 4111 ..." to "what's your
    /// card number?" and numbers cut at the end of the previous turn.
    #[inline(never)] // a stable symbol for scripts/redact-instructions.sh
    pub fn redact_text(&self, text: &str, ctx: &Context) -> Redacted {
        let mut prior = ctx.previous_turn.map(prior_of).unwrap_or_default();
        prior.caller = ctx.role == Some(Role::User);
        let doc = analyse(text, &prior);
        let out = self.render(&doc);
        recycle(doc);
        out
    }

    /// Redacts one streaming segment of a speaker, using and updating that speaker's
    /// `tail` so a number cut between two segments is still recognised.
    pub fn redact_segment(&self, tail: &mut StreamTail, text: &str, ctx: &Context) -> Redacted {
        let mut prior = ctx.previous_turn.map(prior_of).unwrap_or_default();
        prior.caller = ctx.role == Some(Role::User);
        if let Some(kind) = tail.pending() {
            prior.continues = Some(kind);
        }
        let doc = analyse_with_tail(text, &prior, tail);
        let out = self.render(&doc);
        *tail = StreamTail::after(&doc);
        recycle(doc);
        out
    }

    /// The entities of `doc` that are written out: of a selected type, in order, not
    /// overlapping an earlier one. `render` and `redact_turn` share this one rule.
    fn replaced<'d>(&self, doc: &'d Doc) -> impl Iterator<Item = &'d doc::Found> + 'd {
        let mask = self.mask;
        let mut pos = 0usize;
        doc.found.iter().filter(move |f| {
            let start = doc.toks[f.t0].start as usize;
            let end = doc.toks[f.t1 - 1].end as usize;
            if mask & f.kind.bit() == 0 || start < pos || end <= start {
                return false;
            }
            pos = end;
            true
        })
    }

    /// Writes the placeholder of `f` to `out`.
    fn placeholder(&self, f: &doc::Found, out: &mut String) {
        match (f.kind, f.last4) {
            (EntityType::CreditCard, Some(l4)) if self.cfg.keep_card_last4 => {
                out.push_str("[CREDIT_CARD ••••");
                for c in l4 {
                    out.push(char::from(c));
                }
                out.push(']');
            }
            _ => out.push_str(f.kind.placeholder()),
        }
    }

    fn render(&self, doc: &Doc) -> Redacted {
        let text = doc.text;
        let mut out = String::with_capacity(text.len());
        let mut entities = Vec::with_capacity(doc.found.len());
        let mut pos = 0usize;
        for f in self.replaced(doc) {
            let start = doc.toks[f.t0].start as usize;
            let end = doc.toks[f.t1 - 1].end as usize;
            out.push_str(&text[pos..start]);
            self.placeholder(f, &mut out);
            entities.push(Entity {
                kind: f.kind,
                start,
                end,
            });
            pos = end;
        }
        out.push_str(&text[pos..]);
        Redacted {
            text: out,
            entities,
        }
    }

    /// Redacts one turn of a document walk given what the previous turn told (`prior`):
    /// the redacted text goes to `scratch.out` and the replaced types to `scratch.kinds`
    /// (empty: nothing replaced, the text stands). Returns what this turn's *redacted* text
    /// tells the next one — the [`Prior`] that `prior_of(redacted text)` computes, read off
    /// this analysis instead of tokenising the output again (the JSON walk's hot path).
    pub(crate) fn redact_turn(
        &self,
        text: &str,
        prior: &Prior,
        scratch: &mut TurnScratch,
    ) -> Prior {
        let doc = analyse(text, prior);
        scratch.out.clear();
        scratch.kinds.clear();
        // The output's tokens: the tokens outside written entities, and one placeholder
        // token per entity (what tokenising the output would give).
        let mut toks = std::mem::take(&mut scratch.toks);
        toks.clear();
        let mut pos = 0usize;
        let mut next_tok = 0usize;
        for f in self.replaced(&doc) {
            let start = doc.toks[f.t0].start as usize;
            let end = doc.toks[f.t1 - 1].end as usize;
            scratch.out.push_str(&text[pos..start]);
            self.placeholder(f, &mut scratch.out);
            scratch.kinds.push(f.kind);
            toks.extend_from_slice(&doc.toks[next_tok..f.t0]);
            toks.push(tokens::Tok {
                end: doc.toks[f.t1 - 1].end,
                kind: Kind::Placeholder,
                case: Case::Upper,
                lex: lexicon::Lex::default(),
                ch: 0,
                key: 0,
                ..doc.toks[f.t0]
            });
            next_tok = f.t1;
            pos = end;
        }
        toks.extend_from_slice(&doc.toks[next_tok..]);
        let changed = !scratch.kinds.is_empty();
        if changed {
            scratch.out.push_str(&text[pos..]);
        }
        let output = Doc {
            text,
            toks,
            claimed: Vec::new(),
            found: Vec::new(),
            runs: Vec::new(),
            run_at: Vec::new(),
            cased: doc.cased,
            flags: doc.flags,
            has_at_sign: doc.has_at_sign,
            has_apostrophe: doc.has_apostrophe,
            caller: doc.caller,
            num_scratch: numbers::Scratch::default(),
        };
        let mut next = read_prior(&output);
        if ends_in_number(&output) {
            // What the number the output ends in was, as `prior_of` reads it: from a
            // context-free analysis of the output (so the walk redacts every turn exactly as
            // `redact_text` with the previous redacted turn as context). Context only adds
            // evidence, so a number this analysis left unclassified is unclassified without
            // context too — except after a question about an order number or an amount,
            // which takes evidence away: only then is the output analysed again.
            if prior.asked != lexicon::Concept::Negative {
                next.continues = digits::trailing_kind(&doc);
            } else {
                let out_text = if changed { scratch.out.as_str() } else { text };
                let again = analyse(out_text, &digits::Prior::default());
                next.continues = digits::trailing_kind(&again);
                recycle(again);
            }
        }
        recycle(doc);
        scratch.toks = output.toks;
        next
    }

    /// Redacts a JSON document in place: free text everywhere, known PII fields replaced,
    /// secret and capability fields removed (see [`JsonRedaction`] and the field policy
    /// table in `json.rs`).
    #[inline(never)] // a stable symbol for scripts/redact-instructions.sh
    pub fn redact_json(&self, v: &mut serde_json::Value) -> JsonRedaction {
        json::redact(self, v)
    }
}

/// Reusable per-thread buffers: redacting allocates almost nothing in steady state.
#[derive(Default)]
struct Buffers {
    toks: Vec<tokens::Tok>,
    claimed: Vec<bool>,
    run_at: Vec<u32>,
    found: Vec<doc::Found>,
    runs: Vec<numbers::Run>,
    num_scratch: numbers::Scratch,
}

thread_local! {
    static BUFFERS: RefCell<Option<Buffers>> = const { RefCell::new(None) };
}

/// Buffers bigger than this (tokens) are freed instead of kept (bounded memory).
const KEEP_TOKENS: usize = 16 * 1024;

fn tokenise_doc<'a>(text: &'a str) -> Doc<'a> {
    let b = BUFFERS.with(|c| c.borrow_mut().take()).unwrap_or_default();
    let Buffers {
        mut toks,
        mut claimed,
        mut run_at,
        mut found,
        mut runs,
        num_scratch,
    } = b;
    let tokens::Summary {
        cased,
        flags,
        has_at_sign,
        apostrophe: has_apostrophe,
    } = tokens::tokenize(text, &mut toks);
    let n = toks.len();
    claimed.clear();
    claimed.resize(n, false);
    run_at.clear();
    run_at.resize(n, 0);
    found.clear();
    // (The last text's runs, if it had any: most have none, and no thread-local visit then.)
    if !runs.is_empty() {
        numbers::recycle_runs(&mut runs);
    }
    Doc {
        text,
        toks,
        claimed,
        found,
        runs,
        run_at,
        cased,
        flags,
        has_at_sign,
        has_apostrophe,
        caller: false,
        num_scratch,
    }
}

/// Gives a finished document's buffers back to this thread.
fn recycle(doc: Doc) {
    if doc.toks.capacity() > KEEP_TOKENS {
        return;
    }
    let Doc {
        toks,
        claimed,
        found,
        runs,
        run_at,
        num_scratch,
        ..
    } = doc;
    BUFFERS.with(|c| {
        *c.borrow_mut() = Some(Buffers {
            toks,
            claimed,
            run_at,
            found,
            runs,
            num_scratch,
        })
    });
}

fn find_runs(doc: &mut Doc) {
    let mut runs = std::mem::take(&mut doc.runs);
    numbers::find_runs(
        doc.text,
        &doc.toks,
        &doc.claimed,
        doc.flags,
        &mut runs,
        &mut doc.num_scratch,
    );
    for (ri, r) in runs.iter().enumerate() {
        for k in r.t0..r.t1 {
            doc.run_at[k] = ri as u32 + 1;
        }
    }
    doc.runs = runs;
}

pub(crate) fn analyse<'a>(text: &'a str, prior: &Prior) -> Doc<'a> {
    let mut doc = tokenise_doc(text);
    doc.caller = prior.caller;
    if doc.has_at_sign || doc.flags & (lexicon::flag::AT | lexicon::flag::CONNECT) != 0 {
        email::detect(&mut doc, prior.asked_email);
    }
    find_runs(&mut doc);
    let asked_address = prior.asked == Concept::Zip;
    let mut street_alone = false;
    if doc.flags & lexicon::flag::STREET != 0
        && (!doc.runs.is_empty() || asked_address || doc.flags & lexicon::flag::ADDR_CUE != 0)
    {
        street_alone = address::detect(&mut doc, asked_address);
    }
    if doc.flags & lexicon::flag::ADDR_CUE != 0 {
        // (A corner of two streets needs no number.)
        address::detect_cued(&mut doc, asked_address);
    }
    if !doc.runs.is_empty() {
        if doc.flags & lexicon::flag::UNIT != 0 {
            address::detect_po_box(&mut doc);
        }
        if doc.flags & lexicon::flag::ADDR_CUE != 0 {
            address::detect_postcode(&mut doc);
        }
    }
    if asked_address {
        address::detect_city_state(&mut doc);
    }
    if doc.flags & (lexicon::flag::STREET | lexicon::flag::UNIT) != 0 || asked_address {
        address::detect_in_pieces(&mut doc, asked_address, street_alone);
    }
    // (Without a number run there is nothing for the digit detector to decide.)
    if !doc.runs.is_empty() {
        if doc.found.iter().any(|f| f.kind == EntityType::Address) {
            address::number_after_address(&mut doc);
        }
        let bank_here = doc.toks.iter().enumerate().any(|(k, t)| {
            t.kind == Kind::Word
                && matches!(t.lex.concept, Concept::Bank | Concept::Routing)
                && !digits::checking_in(&doc, k)
        });
        digits::detect(&mut doc, prior, bank_here);
        if doc.found.iter().any(|f| f.kind == EntityType::Phone) {
            digits::phone_extension(&mut doc);
        }
    }
    if doc.runs.len() >= 2 {
        digits::alternating_id(&mut doc);
        digits::phone_in_two_pieces(&mut doc);
        digits::ssn_in_pieces(&mut doc, prior.asked == Concept::Ssn);
    }
    if doc.runs.len() >= 2 && !doc.found.is_empty() {
        digits::restarted_numbers(&mut doc);
        digits::phone_in_pieces(&mut doc);
        digits::number_in_pieces(&mut doc);
    }
    person::detect(&mut doc, prior.asked_name);
    person::join_hyphenated(&mut doc);
    person::family_names(&mut doc);
    if doc
        .found
        .iter()
        .any(|f| matches!(f.kind, EntityType::Person | EntityType::Email))
    {
        person::spelled_again(&mut doc);
        person::corrected_from(&mut doc);
        person::between_names(&mut doc);
    }
    if doc.flags & lexicon::flag::HOLD != 0 || doc.found.len() >= 2 {
        digits::join_interrupted(&mut doc);
    }
    doc.found.sort_unstable_by_key(|f| f.t0);
    doc
}

fn analyse_with_tail<'a>(text: &'a str, prior: &Prior, tail: &StreamTail) -> Doc<'a> {
    let mut doc = analyse(text, prior);
    stream::join_split_number(&mut doc, tail);
    doc.found.sort_unstable_by_key(|f| f.t0);
    doc
}

/// Buffers of [`Redactor::redact_turn`], reused from turn to turn of a document walk.
#[derive(Default)]
pub(crate) struct TurnScratch {
    /// The last turn's redacted text (meaningful when `kinds` is not empty).
    pub out: String,
    /// The types the last turn replaced, in order.
    pub kinds: Vec<EntityType>,
    toks: Vec<tokens::Tok>,
}

/// What the previous turn tells about this one. Keywords and questions are read off its
/// tokens; only a turn that ends in a number is analysed in full (to know what that
/// number was).
fn prior_of(prev: &str) -> Prior {
    let mut doc = tokenise_doc(prev);
    if ends_in_number(&doc) {
        recycle(doc);
        doc = analyse(prev, &Prior::default());
    }
    let prior = read_prior(&doc);
    recycle(doc);
    prior
}

/// The turn ends (fillers and punctuation aside) in a number, a letter or "at": what it
/// was cut in needs the full analysis.
fn ends_in_number(doc: &Doc) -> bool {
    doc.toks
        .iter()
        .rev()
        .find(|t| {
            !(t.kind == Kind::Punct || t.kind == Kind::Word && t.lex.has(lexicon::flag::FILLER))
        })
        .is_some_and(|t| {
            matches!(t.kind, Kind::Num | Kind::Alnum)
                || t.kind == Kind::Word
                    && (t.lex.num != lexicon::NumWord::None
                        || t.len() == 1
                        || t.lex.has(lexicon::flag::AT))
        })
}

/// Reads a [`Prior`] off a turn's tokens (and its entities, when analysed).
fn read_prior(doc: &Doc) -> Prior {
    let asked = digits::asked(doc);
    let mut asked_name = false;
    let mut bank = false;
    let mut asked_email = false;
    const EMAIL: u64 = tokens::pack_word(b"email");
    const NAME: u64 = tokens::pack_word(b"name");
    const SPELL: u64 = tokens::pack_word(b"spell");
    const SPEAKING: u64 = tokens::pack_word(b"speaking");
    const WHO: u64 = tokens::pack_word(b"who");
    for (i, t) in doc.toks.iter().enumerate() {
        if t.kind != Kind::Word {
            continue;
        }
        // One integer match per word ("e-mail" is three tokens: "e", "-", "mail").
        match t.key {
            EMAIL => asked_email = true,
            NAME => asked_name = true,
            SPELL => asked_name |= !doc.is(i + 2, "email"),
            SPEAKING => asked_name |= doc.is(i + 1, "with"),
            WHO => asked_name |= doc.is(i + 1, "am"),
            _ => {}
        }
        if matches!(t.lex.concept, Concept::Bank | Concept::Routing) {
            bank = true;
        }
    }
    Prior {
        continues: digits::trailing_kind(doc),
        asked,
        asked_name,
        bank,
        asked_email,
        caller: false,
    }
}

static DEFAULT: LazyLock<Redactor> = LazyLock::new(|| Redactor::new(RedactionConfig::default()));

/// Redacts one utterance with the default configuration (every entity type).
pub fn redact_text(text: &str, ctx: &Context) -> Redacted {
    DEFAULT.redact_text(text, ctx)
}

/// Redacts a JSON document in place with the default configuration.
pub fn redact_json(v: &mut serde_json::Value) -> JsonRedaction {
    DEFAULT.redact_json(v)
}

/// The process-wide default redactor.
pub fn default_redactor() -> &'static Redactor {
    &DEFAULT
}
