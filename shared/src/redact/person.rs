//! Person names: cue phrases ("my name is", "this is", "Mr.", "my mom", "X speaking"), a
//! given-name / surname lexicon for the weaker cues, and spelled names ("S M I T H",
//! "W-H-I-T-E", "S as in Sam").

use crate::redact::doc::{Doc, Found};
use crate::redact::entity::EntityType;
use crate::redact::lexicon::{flag, Concept, NumWord};
use crate::redact::tokens::{keys, pack_word, Case, Kind};

/// How sure a cue is that a name follows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cue {
    /// "my name is": take the next name-like words.
    Strong,
    /// "thanks", "thank you": the next word unless it is an ordinary word.
    Thanks,
    /// "this is", "I'm", "okay": only a known given name.
    Weak,
    /// "named", "calls me": like [`Cue::Thanks`], and in lower-case text a second name
    /// word where the name ends ("a guy named terrence oyelowo and ...").
    Named,
}

/// Could token `i` be part of a name?
fn namey(doc: &Doc, i: usize) -> bool {
    name_word(doc, i, true)
}

/// [`namey`], with or without the lower-case shape test (`shape`: "sayed" after "al" is a
/// name although it ends like a past tense).
fn name_word(doc: &Doc, i: usize, shape: bool) -> bool {
    let Some(t) = doc.toks.get(i) else {
        return false;
    };
    if t.kind != Kind::Word || doc.claimed[i] {
        return false;
    }
    let l = &t.lex;
    if l.has(flag::HONORIFIC) {
        return false;
    }
    if l.has(flag::FIRST) || l.has(flag::LAST) {
        return !l.has(flag::STOP) || t.case != Case::Lower && doc.cased && !l.has(flag::FILLER);
    }
    !(l.has(flag::STOP)
        || l.has(flag::FILLER)
        || l.concept != Concept::None
        || l.num != NumWord::None
        || l.month > 0 && !doc.titled(i)
        || l.has(flag::STREET) && !l.has(flag::LAST)
        || l.has(flag::KIN)
        || l.has(flag::STATE) && !doc.titled(i)
        || doc.cased && t.case == Case::Lower
        || t.len() < 2
        || shape && !doc.cased && common_shape(doc.bytes(i)))
}

/// Lower-case words shaped like adverbs, gerunds or past tenses ("usually", "calling",
/// "moved") are not names.
fn common_shape(w: &[u8]) -> bool {
    let lw =
        |suf: &[u8]| w.len() > suf.len() + 2 && w[w.len() - suf.len()..].eq_ignore_ascii_case(suf);
    lw(b"ly") || lw(b"ing") || lw(b"ed")
}

/// Middle initial: "N." or "e" between two name words.
fn initial(doc: &Doc, i: usize) -> Option<usize> {
    if !doc.letter(i) || doc.claimed[i] {
        return None;
    }
    let mut j = i + 1;
    if doc.toks.get(j).is_some_and(|t| t.is_punct(b'.')) {
        j += 1;
    }
    let article = doc.is(i, "a") || doc.is(i, "i");
    if namey(doc, j) && (!article || doc.titled(i) || doc.flag(j, flag::LAST)) {
        return Some(j);
    }
    None
}

/// Words that join the parts of a name ("de la", "van der", "al", "St.").
const PARTICLES: &[&str] = &[
    "de", "del", "della", "la", "las", "los", "le", "da", "di", "do", "dos", "du", "van", "von",
    "der", "den", "ter", "al", "el", "bin", "ibn", "st", "ste", "saint", "mc",
];

/// [`PARTICLES`] as packed word keys (one integer compare each).
const PARTICLE_KEYS: [u64; PARTICLES.len()] = {
    let mut keys = [0u64; PARTICLES.len()];
    let mut i = 0;
    while i < keys.len() {
        keys[i] = pack_word(PARTICLES[i].as_bytes());
        i += 1;
    }
    keys
};

/// Token `i` is one of the words packed in `keys` (see [`keys`]): what `doc.is(i, w)` says
/// for each of those words, with one integer compare each (only words have a key).
#[inline]
fn one_of(doc: &Doc, i: usize, keys: &[u64]) -> bool {
    doc.toks.get(i).is_some_and(|t| keys.contains(&t.key))
}

/// Token `k` is a name particle ("de", "van", "al", ...).
pub(crate) fn particle(doc: &Doc, k: usize) -> bool {
    doc.word(k) && PARTICLE_KEYS.contains(&doc.toks[k].key)
}

/// Name particles: "de la cruz", "van der berg", "al sayed", "St. John", "de los angeles".
/// Returns the token after the particle(s) at `k` when a name word follows them.
fn particle_end(doc: &Doc, k: usize) -> Option<usize> {
    let mut j = k;
    while j < k + 2 && !doc.claimed.get(j).copied().unwrap_or(true) && particle(doc, j) {
        j += 1;
        // "St." / "St"
        j = doc.after_abbreviation_dot(j);
    }
    // (The word after the particles may have a verb's shape: "al sayed".)
    (j > k && name_word(doc, j, false)).then_some(j)
}

/// Initials before a surname: "J. R. Whitfield", "t j halvorsen". Returns the surname's
/// token (an article "a" / pronoun "i" opens no initials in lower-case text).
fn leading_initials(doc: &Doc, i: usize) -> Option<usize> {
    if (doc.is(i, "a") || doc.is(i, "i")) && !doc.titled(i) {
        return None;
    }
    let mut j = i;
    let mut letters = 0;
    while letters < 2 && doc.letter(j) && !doc.claimed[j] {
        j += 1;
        letters += 1;
        if doc.toks.get(j).is_some_and(|t| t.is_punct(b'.')) {
            j += 1;
        }
    }
    (letters > 0 && namey(doc, j) && (letters == 2 || doc.titled(i))).then_some(j)
}

/// Takes a name starting at `i`: first [initial] [last] [last]. Returns its end.
fn take_name(doc: &Doc, i: usize, cue: Cue) -> Option<usize> {
    // "J. R. Whitfield", "St. John": initials or a particle before the surname.
    let initials = match cue {
        Cue::Strong if !namey(doc, i) => leading_initials(doc, i).or_else(|| particle_end(doc, i)),
        _ => None,
    };
    // The end of name words framed by how the sentence goes on (computed once).
    let mut framed = None;
    let first_ok = match cue {
        Cue::Strong => namey(doc, i) || initials.is_some() || month_then_name(doc, i),
        Cue::Thanks => namey(doc, i),
        // ("everyone calls him Will", "a nurse named Hope": capitalised everyday words.)
        Cue::Named => {
            namey(doc, i)
                || doc.cased
                    && doc.titled(i)
                    && !doc.titled_upper(i)
                    && doc.flag(i, flag::AMBIGUOUS)
                    && !doc.claimed[i]
                // ("everybody calls me will": a given name that is also a word, where the
                // clause ends.)
                || doc.flag(i, flag::AMBIGUOUS)
                    && !doc.claimed[i]
                    && (doc.ends_after(i + 1)
                        || doc.toks.get(i + 1).is_some_and(|t| t.kind == Kind::Punct)
                        || doc.is(i + 1, "for") && doc.is(i + 2, "short"))
        }
        Cue::Weak if !doc.flag(i, flag::FIRST) => {
            // Not a known given name: "it's Chiara Nakamura" (two capitalised name words in
            // a formatted text) or "it's keiko blackwood calling back" (the name framed by
            // "here" / "calling" / "speaking").
            namey(doc, i)
                && (doc.titled(i)
                    && (doc.titled(i + 1) && namey(doc, i + 1)
                        || initial(doc, i + 1).is_some_and(|j| doc.titled(j)))
                    && !doc.flag(i, flag::AMBIGUOUS)
                    || {
                        framed = framed_end(doc, i);
                        framed.is_some()
                    })
        }
        Cue::Weak => {
            doc.flag(i, flag::FIRST)
                && !doc.claimed[i]
                && (!doc.flag(i, flag::AMBIGUOUS)
                    || self_intro(doc, i) && namey(doc, i + 1)
                    || doc.titled(i)
                    || doc.flag(i + 1, flag::LAST)
                    || !namey(doc, i + 1))
                && (!doc.flag(i, flag::STOP) || doc.titled(i))
        }
    };
    if !first_ok {
        return None;
    }
    // "so that's margarethe schulz resident id ...": name words framed by how the
    // sentence goes on end where the frame says.
    if let (Cue::Weak, false, Some(e)) = (cue, doc.cased, framed) {
        return Some(spelled_after(doc, e));
    }
    // ("Jin-woo Baek": a hyphenated part is one word.)
    let mut end = hyphen_tail(doc, initials.map_or(i, |j| j) + 1);
    let mut parts = 1;
    // ("mariana beatriz gonzalez ferreira": a fourth part after a strong cue, when it is a
    // known surname.)
    while parts < 3 || parts == 3 && cue == Cue::Strong && doc.flag(end, flag::LAST) {
        if let Some(j) = particle_end(doc, end) {
            // "augusto de la cruz": the particles and the next word
            end = j + 1;
            parts += 1;
            continue;
        }
        if let Some(j) = initial(doc, end) {
            end = j + 1;
            parts += 1;
            continue;
        }
        let thanks_like = matches!(cue, Cue::Thanks | Cue::Named);
        if namey(doc, end)
            && (!thanks_like
                || doc.flag(end, flag::LAST)
                || doc.titled(end)
                || cue == Cue::Named
                    && !doc.cased
                    && parts == 1
                    && !namey(doc, end + 1)
                    && !doc.flag(end, flag::FIRST))
        {
            // In lower-case text, a following word must look like a surname to be taken
            // after a weak cue.
            if cue == Cue::Weak
                && !doc.cased
                && !doc.flag(end, flag::LAST)
                && !doc.flag(end, flag::FIRST)
                && !surname_shaped(doc.bytes(end))
                && parts >= 1
            {
                // ("this is uh marcus delacroix baptiste and the points ...": a third name
                // word is taken only where the clause goes on right after it.)
                let next_stop = !namey(doc, end + 1)
                    || parts == 1
                        && (doc.is(end + 2, "and") || doc.ends_after(end + 2))
                        && !doc.flag(end + 1, flag::FIRST);
                if !next_stop {
                    break;
                }
            }
            end = hyphen_tail(doc, end + 1);
            parts += 1;
            continue;
        }
        break;
    }
    Some(spelled_after(doc, end))
}

/// Extends a name over a spelling right after it: ", W-H-I-T-E", "b u r k e".
fn spelled_after(doc: &Doc, end: usize) -> usize {
    let mut j = end;
    if doc.toks.get(j).is_some_and(|t| t.is_punct(b',')) {
        j += 1;
    }
    let s = spelled(doc, j);
    if s > j + 1 || s > j && doc.toks[j].kind == Kind::Word && doc.toks[j].len() > 1 {
        // "tomasz t o m a s z kowalczyk": the surname after the given name's spelling
        // ("Garrett, G-A-R-R-E-T-T, Holmqvist.": after a comma, capitalised).
        let c = usize::from(doc.cased && doc.toks.get(s).is_some_and(|t| t.is_punct(b',')));
        if namey(doc, s + c)
            && (doc.flag(s + c, flag::LAST)
                || doc.ends_after(s + c + 1)
                // "a d a e z e okonkwo date of birth ...": a keyword after the surname
                || c == 0
                    && doc.word(s + 1)
                    && (doc.toks[s + 1].lex.concept != Concept::None
                        || doc.is(s + 1, "date") && doc.is(s + 2, "of"))
                // "siobhan s i o b h a n o'dwyer and ...": a surname's shape
                || c == 0 && apostrophe_surname(doc.bytes(s))
                || c == 1
                    && doc.titled(s + c)
                    && doc
                        .toks
                        .get(s + c + 1)
                        .is_some_and(|t| t.kind == Kind::Punct))
        {
            return hyphen_tail(doc, s + c + 1);
        }
        return s;
    }
    end
}

/// "o'dwyer", "D'Angelo", "O’Neil": a surname's shape ("o" or "d", an apostrophe and at least
/// three letters), but not "o'clock".
fn apostrophe_surname(b: &[u8]) -> bool {
    let rest = match b {
        [o, b'\'', rest @ ..] | [o, 0xE2, 0x80, 0x99, rest @ ..]
            if matches!(o.to_ascii_lowercase(), b'o' | b'd') =>
        {
            rest
        }
        _ => return false,
    };
    rest.len() >= 3
        && rest.iter().all(u8::is_ascii_alphabetic)
        && !rest.eq_ignore_ascii_case(b"clock")
}

/// A spelling at `i`: single letters (≥2), "W-H-I-T-E", or "S as in Sam" chains. Returns end.
fn spelled(doc: &Doc, i: usize) -> usize {
    let mut j = i;
    let mut letters = 0;
    loop {
        if doc.claimed.get(j).copied().unwrap_or(true) {
            break;
        }
        if doc.letter(j) {
            // "S as in Sam"
            if doc.is(j + 1, "as") && doc.is(j + 2, "in") && doc.word(j + 3) {
                j += 4;
                letters += 1;
                if doc.toks.get(j).is_some_and(|t| t.is_punct(b',')) && doc.letter(j + 1) {
                    j += 1;
                }
                continue;
            }
            j += 1;
            letters += 1;
            // W-H-I-T-E, "M, O, R, T, O, N", "o apostrophe b r i e n"
            if (doc
                .toks
                .get(j)
                .is_some_and(|t| t.is_punct(b'-') && !t.space_before || t.is_punct(b','))
                || doc.is(j, "apostrophe")
                // "a l dash r a s h i d", "v a n space d e r space b e r g"
                || letters >= 2 && (doc.is(j, "dash") || doc.is(j, "hyphen") || doc.is(j, "space")))
                && doc.letter(j + 1)
            {
                j += 1;
            }
            // "a l and then s a y e d": two spelled parts joined by "and then".
            if letters >= 2
                && doc.is(j, "and")
                && doc.is(j + 1, "then")
                && doc.letter(j + 2)
                && doc.letter(j + 3)
            {
                j += 2;
            }
            continue;
        }
        break;
    }
    if letters >= 2 {
        j
    } else {
        i
    }
}

fn after_is(doc: &Doc, mut j: usize) -> usize {
    j = doc.skip_fillers(j, true);
    if doc.is(j, "is") || doc.is(j, "was") || doc.is(j, "it's") {
        j = doc.skip_fillers(j + 1, true);
    }
    j
}

/// Where the next single-letter word is, found by scanning forward once: the name pass asks
/// at every word whether a letter is near (a spelling may start there), and most texts have
/// none.
struct NextLetter {
    /// The first letter at or after `from` (`usize::MAX` when there is none).
    at: usize,
    /// Where the last search started.
    from: usize,
}

impl NextLetter {
    /// A cursor that has searched nothing yet (the first question searches).
    fn new() -> Self {
        NextLetter {
            at: usize::MAX,
            from: usize::MAX,
        }
    }

    /// Some token of `from..=to` is a single letter ([`Doc::letter`]).
    fn within(&mut self, doc: &Doc, from: usize, to: usize) -> bool {
        if from < self.from || self.at < from {
            self.at = (from..doc.toks.len())
                .find(|&k| doc.letter(k))
                .unwrap_or(usize::MAX);
        }
        self.from = from;
        self.at <= to
    }
}

/// Words with any of these flags may cue a name (see the first test of [`detect`]'s loop).
const CUE_FLAGS: u32 =
    flag::NAME_VERB | flag::PERSON_NOUN | flag::CUE | flag::HONORIFIC | flag::KIN | flag::FIRST;

/// Where a staff member or a relative is placed after a name: "from your branch", "at the
/// office".
const STAFF_PLACES: [u64; 3] = keys(["your", "the", "our"]);

/// Verbs of what a named person said or did, after "penny my coworker".
const REPORTED: [u64; 12] = keys([
    "said", "says", "told", "tells", "asked", "is", "was", "has", "had", "gave", "wants", "thinks",
]);

/// "frank from your branch told me", "sarah from the front desk", "penny my coworker said":
/// a given name (an everyday word too, at a sentence's start) placed by where the person
/// works or who they are to the speaker. Returns the name's end.
fn staff_or_relation_named(doc: &Doc, i: usize) -> Option<usize> {
    let given = doc.flag(i, flag::FIRST);
    if !(given || doc.flag(i, flag::AMBIGUOUS)) || doc.flag(i, flag::STOP) || doc.claimed[i] {
        return None;
    }
    // An everyday word is a name only where a sentence starts ("Frank from ...", "so frank
    // from ..."), not in "it may from the start" or "the long from the ...".
    let starts = match prev_word(doc, i) {
        None => (0..i).all(|k| doc.filler(k) || doc.toks[k].kind == Kind::Punct),
        Some(p) => {
            ["so", "and", "but", "well", "okay", "yeah", "oh"]
                .iter()
                .any(|w| doc.is(p, w))
                || doc.toks[p + 1..i].iter().any(|t| t.kind == Kind::Punct)
        }
    };
    if !(given && !doc.flag(i, flag::AMBIGUOUS) || starts) {
        return None;
    }
    // ("sarah okafor from your branch")
    let end = if doc.flag(i + 1, flag::LAST) && !doc.flag(i + 1, flag::STOP) {
        i + 2
    } else {
        i + 1
    };
    let from = doc.is(end, "from")
        && one_of(doc, end + 1, &STAFF_PLACES)
        && doc.word(end + 2)
        && !doc.flag(end + 2, flag::STOP)
        && !doc.claimed[end + 2];
    // ("Jack, my neighbor, has a key": the relation between commas.)
    let comma = |k: usize| usize::from(doc.toks.get(k).is_some_and(|t| t.is_punct(b',')));
    let o = end + comma(end);
    let noun = o + 1 + usize::from(one_of(doc, o + 1, &KIN_MODIFIERS));
    let relation = one_of(doc, o, &OWNERS)
        && doc.flag(noun, flag::KIN | flag::PERSON_NOUN)
        && one_of(doc, noun + 1 + comma(noun + 1), &REPORTED);
    (from || relation).then_some(end)
}

/// Finds person names.
pub(crate) fn detect(doc: &mut Doc, asked_name: bool) {
    let n = doc.toks.len();
    let mut i = 0;
    // Answer to "who am I speaking with?" / "can I get the name...?"
    if asked_name {
        let mut j = doc.skip_fillers(0, true);
        for _ in 0..4 {
            if [
                "yes", "yeah", "sure", "it's", "its", "this", "is", "it", "my", "name", "name's",
                "that'd", "thatd", "it'd", "be", "me", "that'll", "okay", "so", "uh", "um",
                "that's", "yep", "hi",
            ]
            .iter()
            .any(|w| doc.is(j, w))
                || doc.toks.get(j).is_some_and(|t| t.kind == Kind::Punct)
            {
                j += 1;
            } else {
                break;
            }
        }
        if let Some((name_end, spell, end)) = word_then_spelling(doc, j) {
            // "it's okafor spelled o k a f o r"
            add_spelled_name(doc, j, name_end, spell, end);
        } else if let Some(end) = take_name(doc, j, Cue::Strong) {
            doc.add(EntityType::Person, j, end);
        } else {
            let s = spelled(doc, j);
            if s > j {
                doc.add(EntityType::Person, j, s);
            }
        }
    }
    let mut letters = NextLetter::new();
    while i < n {
        if doc.claimed[i] || doc.toks[i].kind != Kind::Word {
            i += 1;
            continue;
        }
        let l = doc.toks[i].lex;
        // ("my grandma's account hawa sesay")
        let account = l.concept == Concept::Account && i >= 2;
        // ("yeah august rivers that's me")
        let thats_me = THATS.contains(&doc.toks[i].key) && doc.is(i + 1, "me") && i > 0;
        // ("frank from your branch", "penny my coworker": see `staff_or_relation_named`.)
        let placed = l.has(flag::AMBIGUOUS) && {
            let j = i + 1 + usize::from(doc.toks.get(i + 1).is_some_and(|t| t.is_punct(b',')));
            doc.is(j, "from") || one_of(doc, j, &OWNERS)
        };
        // (Most words: no cue flag, no capital to read, no letter near.)
        if l.flags & CUE_FLAGS == 0
            && !account
            && !placed
            && !thats_me
            && (!doc.titled(i) || l.has(flag::STOP))
            && !letters.within(doc, i, i + 3)
        {
            i += 1;
            continue;
        }
        let mut cue: Option<(Cue, usize)> = None;
        // Frequent words that cue a name only in some phrases: checked apart from the cue
        // words below.
        let verb = l.has(flag::NAME_VERB);
        let owned_person = l.has(flag::PERSON_NOUN) && !l.has(flag::KIN) && owned_loosely(doc, i);
        if !verb
            && !owned_person
            && !l.has(flag::CUE | flag::HONORIFIC | flag::KIN | flag::FIRST)
            && !account
            && !placed
            && !thats_me
            && (!doc.titled(i) || l.has(flag::STOP))
            && !letters.within(doc, i, i + 3)
        {
            i += 1;
            continue;
        }
        if verb {
            match verb_cue(doc, i) {
                Some(VerbCue::Name(j, e)) if doc.add(EntityType::Person, j, e) => {
                    i = e;
                    continue;
                }
                Some(VerbCue::Take(c, j)) => cue = Some((c, j)),
                _ => {}
            }
        } else if owned_person {
            // "one of my guys tavita faleolo his social is ...": a known given name, or
            // name words framed by how the sentence goes on.
            cue = Some((Cue::Weak, doc.skip_fillers(i + 1, true)));
        } else if account
            && one_of(doc, i - 2, &OWNERS)
            && crate::redact::digits::kin_possessive(doc.bytes(i - 1))
            && {
                let j = doc.skip_fillers(i + 1, true);
                namey(doc, j) && !doc.is(j, "is") && !doc.flag(j, flag::STOP)
            }
        {
            // "this is for my grandma's account hawa sesay": the account holder named
            // after whose account it is.
            cue = Some((Cue::Strong, doc.skip_fillers(i + 1, true)));
        } else if thats_me {
            // "yeah august rivers that's me": the words the answer opens with, confirmed as
            // the caller's own name.
            confirmed_name_before(doc, i);
        } else if let Some(end) = staff_or_relation_named(doc, i) {
            // "frank from your branch told me ...", "penny my coworker said ..."
            if doc.add(EntityType::Person, i, end) {
                i = end;
                continue;
            }
        } else if !l.has(flag::CUE | flag::HONORIFIC | flag::KIN) {
            // no cue word: only the spelling / lexicon checks below
        } else if doc.is(i, "name")
            && i >= 2
            && doc.is(i - 1, "my")
            && !doc.claimed[i - 2]
            && (doc.is(i - 2, "is") || possessive(doc, i - 2))
        {
            // "Kofi's my name", "Heather Okonjo is my name"
            let end = if doc.is(i - 2, "is") { i - 2 } else { i - 1 };
            let mut s0 = name_words_before(doc, end);
            if end == i - 1 && namey(doc, i - 2) {
                s0 = i - 2;
            }
            if s0 < end {
                doc.add(EntityType::Person, s0, end);
            }
        } else if let Some((s0, e0)) = named_before_is(doc, i) {
            // "thandiwe mahlangu is the other name on the lease"
            doc.add(EntityType::Person, s0, e0);
        } else if name_noun(doc, i) && i > 0 && PET_WORDS.iter().any(|w| doc.is(i - 1, w)) {
            // "The cat's name is Pepper": a pet's name is no person's.
        } else if name_noun(doc, i) {
            // "my name is", "name on the card is", "first name X", "last name is X"
            let mut j = i + 1;
            if doc.is(i + 1, "of") && i >= 2 && doc.is(i - 1, "the") && doc.is(i - 2, "in") {
                // "the card's in the name of niall devereux"
                cue = Some((Cue::Strong, doc.skip_fillers(i + 2, true)));
            } else if doc.is(i, "name's") {
                cue = Some((Cue::Strong, doc.skip_fillers(j, true)));
            } else {
                let mut found = None;
                for _ in 0..5 {
                    if j >= n {
                        break;
                    }
                    if doc.is(j, "is") || doc.is(j, "was") || doc.is(j, "be") {
                        found = Some(j + 1);
                        break;
                    }
                    if doc.filler(j)
                        || [
                            "on", "the", "card", "account", "it", "of", "for", "that", "like", "there",
                            "which", "here",
                            "should", "would", "will", "must", "might", "file", "lease", "loan",
                            "check", "this", "your", "my",
                        ]
                        .iter()
                        .any(|w| doc.is(j, w))
                        // "name on the policy / reservation / order / title is"
                        || doc.word(j) && doc.toks[j].lex.concept != Concept::None
                        || NAME_DOCUMENTS.iter().any(|w| doc.is(j, w))
                    {
                        j += 1;
                        continue;
                    }
                    break;
                }
                if let Some(f) = found {
                    cue = Some((Cue::Strong, after_is(doc, f)));
                } else if prev_word(doc, i)
                    .is_some_and(|p| doc.is(p, "the") && p > 0 && doc.is(p - 1, "under"))
                    && namey(doc, i + 1)
                {
                    // "member one zero ... under the name gupta": what a file is under.
                    cue = Some((Cue::Strong, i + 1));
                } else if prev_word(doc, i).is_some_and(|p| {
                    [
                        "patient", "customer", "caller", "member", "contact", "legal", "insured",
                    ]
                    .iter()
                    .any(|w| doc.is(p, w))
                }) && namey(doc, i + 1)
                {
                    // A form read out: "PATIENT NAME HELGA SORENSEN DOB ...".
                    cue = Some((Cue::Strong, i + 1));
                } else if doc.toks.get(i + 1).is_some_and(|t| t.is_punct(b','))
                    && namey(doc, i + 2)
                    && namey(doc, i + 3)
                {
                    // "the account's in my ex husband's name, declan mcbride, but ..."
                    cue = Some((Cue::Strong, i + 2));
                } else if namey(doc, i + 1)
                    && namey(doc, i + 2)
                    && (spelled(doc, i + 3) > i + 3
                        || doc.ends_after(i + 3)
                        || ["that's", "he's", "she's", "and", "but"]
                            .iter()
                            .any(|w| doc.is(i + 3, w)))
                {
                    // "under my husband's name kwame mensah m e n s a h he's the one ...":
                    // two name words right after "name", closed by a spelling or the clause.
                    cue = Some((Cue::Strong, i + 1));
                } else if namey(doc, i + 1)
                    && doc.ends_after(i + 2)
                    && !plain_word(doc.bytes(i + 1))
                    && prev_word(doc, i).is_some_and(|p| owner_word(doc, p))
                {
                    // "the title is in my wifes name ayse": one name word closing the turn
                    // right after someone's "name".
                    cue = Some((Cue::Strong, i + 1));
                } else if j > i + 2 && namey(doc, j) && namey(doc, j + 1) && doc.ends_after(j + 2) {
                    // "put her name on the card jasmine bellamy": the name closes the turn.
                    cue = Some((Cue::Strong, j));
                } else if let Some(p) = prev_word(doc, i).filter(|p| {
                    doc.is(*p, "first")
                        || doc.is(*p, "family")
                        || doc.is(*p, "maiden")
                        || doc.is(*p, "last")
                        || doc.is(*p, "middle")
                        || doc.is(*p, "full")
                        || doc.is(*p, "sur")
                        || doc.is(*p, "given")
                        || doc.is(*p, "christian")
                }) {
                    // "Ahmed, last name Kaplan": the given name said just before.
                    if doc.is(p, "last") || doc.is(p, "family") || doc.is(p, "sur") {
                        let mut b = p;
                        if b > 0 && doc.toks[b - 1].is_punct(b',') {
                            b -= 1;
                        }
                        if b > 0
                            && namey(doc, b - 1)
                            && (doc.flag(b - 1, flag::FIRST) || doc.titled(b - 1) || !doc.cased)
                            && opens_clause(doc, b - 1)
                        {
                            doc.add(EntityType::Person, b - 1, b);
                        }
                    }
                    cue = Some((Cue::Strong, doc.skip_fillers(i + 1, true)));
                }
            }
        } else if doc.is(i, "surname") || doc.is(i, "surname's") {
            // "surname is X", "surname X", "the surname's X"
            let mut j = doc.skip_fillers(i + 1, true);
            if doc.is(j, "is") || doc.is(j, "was") {
                j = after_is(doc, j);
            }
            cue = Some((Cue::Strong, j));
        } else if doc.is(i, "holder") || doc.is(i, "cardholder") || doc.is(i, "policyholder") {
            if doc.is(i + 1, "is") {
                cue = Some((Cue::Strong, after_is(doc, i + 1)));
            }
        } else if doc.is(i, "patient")
            || doc.is(i, "caller")
            || doc.is(i, "insured")
            || doc.is(i, "beneficiary")
        {
            // "the patient is maria lopez and ...", not "the patient is doing better": a
            // known name, or name words framed by how the sentence goes on.
            if doc.is(doc.skip_fillers(i + 1, false), "is") {
                cue = Some((Cue::Weak, after_is(doc, i + 1)));
            }
        } else if doc.is(i, "spoke")
            || doc.is(i, "talked")
            || doc.is(i, "speaking")
            || doc.is(i, "speak")
        {
            let j = i + 1;
            if doc.is(j, "to") || doc.is(j, "with") {
                cue = Some((Cue::Strong, doc.skip_fillers(j + 1, true)));
            } else if doc.is(i, "speaking") {
                name_before(doc, i, false);
            }
        } else if doc.is(i, "reach") && i > 0 && doc.is(i - 1, "to") {
            // "I'm trying to reach Dana Whitfield": a name or a pronoun/department follows.
            cue = Some((Cue::Strong, doc.skip_fillers(i + 1, true)));
        } else if doc.is(i, "calling")
            && i > 0
            && !doc.is(i - 1, "i'm")
            && !doc.is(i - 1, "am")
            && !doc.is(i - 1, "is")
        {
            // "Sarah Jones calling about my bill"
            name_before(doc, i, true);
        } else if l.has(flag::HONORIFIC) {
            let mut j = i + 1;
            if doc.toks.get(j).is_some_and(|t| t.is_punct(b'.')) {
                j += 1;
            }
            // "Ms. St. John": a particle opens the name.
            let particle = particle_end(doc, j).is_some();
            // "doctor" and "miss" are ordinary words too ("doctor visit", "miss the call"):
            // the word after them must look like a name.
            // After a greeting or an acknowledgement they are titles ("ok miss batista cole").
            let plain = (doc.is(i, "doctor") || doc.is(i, "miss"))
                && !(i > 0
                    && [
                        "ok",
                        "okay",
                        "thanks",
                        "you",
                        "hi",
                        "hello",
                        "hey",
                        "yes",
                        "sorry",
                        "morning",
                        "afternoon",
                        "evening",
                        "bye",
                        "goodbye",
                        "dear",
                        "so",
                        "alright",
                        "right",
                        "great",
                        "perfect",
                        // ("the aide on it is miss deloris")
                        "is",
                        "was",
                    ]
                    .iter()
                    .any(|w| doc.is(i - 1, w)));
            if particle {
                let end = take_name(doc, j, Cue::Strong).unwrap_or(j);
                if end > j && doc.add(EntityType::Person, j, end) {
                    i = end;
                    continue;
                }
            }
            // "our vet is doctor lindqvist at ...", "the office manager for doctor
            // perelman's office": after "is"/"for"/"with"/"to"/"see"... "doctor" is a title.
            let titled_doctor = doc.is(i, "doctor")
                && i > 0
                && [
                    "is", "was", "for", "with", "to", "saw", "see", "seeing", "by", "from",
                    "named", "called", "it's", "that's", "and",
                ]
                .iter()
                .any(|w| doc.is(i - 1, w))
                && doc.toks.get(j).is_some_and(|t| t.len() >= 3)
                && !plain_word(doc.bytes(j));
            // "I saw Dr. May.": an abbreviated title written with its dot makes any
            // capitalised word after it a name.
            let dotted_title = j == i + 2
                && doc.cased
                && doc.word(j)
                && doc.titled(j)
                && !doc.titled_upper(j)
                && !doc.claimed[j]
                && !doc.flag(j, flag::FILLER | flag::HONORIFIC);
            if (namey(doc, j) || dotted_title)
                && (!plain
                    || titled_doctor
                    || doc.flag(j, flag::LAST)
                    || doc.flag(j, flag::FIRST)
                    || doc.titled(j)
                    || surname_shaped(doc.bytes(j)))
            {
                // "Mrs. Ekaterina Volkova": in a cased text the capitalised words after the
                // title are all the name ("Ms. Eun-ji Park": a hyphenated part is one word).
                let mut e = hyphen_tail(doc, j + 1);
                let mut words = 1;
                while words < 3 && doc.titled(e) && namey(doc, e) && !doc.titled_upper(e) {
                    e = hyphen_tail(doc, e + 1);
                    words += 1;
                }
                // "was doctor hannelore schmidt", "my mother mrs lucinda ferreira she got
                // a statement": a surname after the given name, where the clause ends.
                // ("mister jean baptiste morel at ...": two more where the clause goes on.)
                if !doc.cased {
                    let frame = |k: usize| {
                        doc.ends_after(k)
                            || [
                                "she", "he", "they", "and", "but", "so", "who", "is", "was", "at",
                                "over", "from", "with", "in", "on", "she's", "he's", "said",
                                "says", "has", "had",
                            ]
                            .iter()
                            .any(|w| doc.is(k, w))
                    };
                    if namey(doc, e) && (doc.flag(e, flag::LAST) || frame(e + 1)) {
                        e += 1;
                    } else if namey(doc, e) && namey(doc, e + 1) && frame(e + 2) {
                        e += 2;
                    }
                }
                let end = spelled_after(doc, e);
                doc.add(EntityType::Person, j, end);
                i = end;
                continue;
            }
        } else if l.has(flag::KIN)
            && i > 0
            && doc.is(i + 1, "of")
            && ["the", "my", "her", "his", "our", "their", "your"]
                .iter()
                .any(|w| doc.is(i - 1, w))
        {
            // "I'm the wife of Maren Greer"
            cue = Some((Cue::Strong, doc.skip_fillers(i + 2, true)));
        } else if l.has(flag::KIN) && owned(doc, i) {
            // "my father in law mehmet yilmaz", "my business partner xu mingzhe", "my
            // parents anil and rekha chatterjee"
            let j = doc.skip_fillers(in_law_end(doc, i + 1), true);
            if (namey(doc, j) || leading_initials(doc, j).is_some() || month_then_name(doc, j))
                && !doc.is(j, "is")
            {
                cue = Some((Cue::Strong, j));
            } else if month_as_name(doc, j) && doc.add(EntityType::Person, j, j + 1) {
                // "survived by his wife june and ...": a month's name with no date around it
                i = j + 1;
                continue;
            }
        } else if doc.is(i, "named")
            || (doc.is(i, "called") || doc.is(i, "call") || doc.is(i, "calls"))
                && (doc.is(i + 1, "me")
                    // "everyone calls him Will"
                    || (doc.is(i + 1, "him") || doc.is(i + 1, "her"))
                        && doc.cased
                        && doc.titled(i + 2))
        {
            let j = if doc.is(i, "named") { i + 1 } else { i + 2 };
            cue = Some((Cue::Named, doc.skip_fillers(j, true)));
        } else if doc.is(i, "thanks")
            || doc.is(i, "thank") && doc.is(i + 1, "you")
            || doc.is(i, "bye")
            || doc.is(i, "hi")
            || doc.is(i, "hello")
        {
            let mut j = if doc.is(i, "thank") { i + 2 } else { i + 1 };
            // "thanks so much Derek", "thank you very much, Paula"
            if (doc.is(j, "so") || doc.is(j, "very")) && doc.is(j + 1, "much") {
                j += 2;
            }
            let j = doc.skip_fillers(j, true);
            cue = Some((Cue::Thanks, j));
        } else if (doc.is(i, "registered")
            || doc.is(i, "issued")
            || doc.is(i, "belongs")
            || doc.is(i, "titled")
            || doc.is(i, "assigned"))
            && (doc.is(i + 1, "to") || doc.is(i + 1, "under"))
        {
            // "it is registered to kalani kahananui at ...": who a thing belongs to.
            cue = Some((Cue::Weak, doc.skip_fillers(i + 2, true)));
        } else if doc.is(i, "under") && asked_name {
            // "what name is it under?" — "it should be under kealoha aaliyah".
            cue = Some((Cue::Strong, doc.skip_fillers(i + 1, true)));
        } else if doc.is(i, "under")
            || doc.is(i, "ask") && doc.is(i + 1, "for")
            || (doc.is(i, "it's") || doc.is(i, "its") || doc.is(i, "that's"))
                && doc.is(i + 1, "for")
            || doc.is(i, "this") && i > 0 && doc.is(i - 1, "is") && !doc.is(i + 1, "is")
        {
            // "the account is under Patrick Stewart", "ask for Gregory", "it's for Aino
            // Salminen", "is this Tanisha?": a known given name (or two capitalised words).
            let j = if doc.is(i, "under") || doc.is(i, "this") {
                i + 1
            } else {
                i + 2
            };
            let j = doc.skip_fillers(j, true);
            // "look up pet id ... under gutierrez at six eighteen loma vista way": a known
            // surname alone after "under", where the clause goes on or ends.
            // In a formatted text, any capitalised word there after a booking noun ("the
            // reservation's under Thibodeaux.").
            let surname_alone = doc.is(i, "under")
                && namey(doc, j)
                && (doc.flag(j, flag::LAST) && !doc.flag(j, flag::AMBIGUOUS | flag::FIRST)
                    || doc.cased
                        && doc.titled(j)
                        && !doc.titled_upper(j)
                        && i > 0
                        && (booking_noun(doc, i - 1)
                            // "The booking was under Castellanos."
                            || i > 1
                                && (doc.is(i - 1, "was") || doc.is(i - 1, "is"))
                                && booking_noun(doc, i - 2)))
                && (doc.is(j + 1, "at")
                    || doc.is(j + 1, "and")
                    // "it'd be under gutierrez my married name"
                    || doc.is(j + 1, "my") && doc.is(j + 3, "name")
                    || doc.ends_after(j + 1)
                    || doc.toks.get(j + 1).is_some_and(|t| t.kind == Kind::Punct));
            // "that's account nine one oh ... under rosalind achebe": a booking's number,
            // then whose it is.
            let after_booked_number = doc.is(i, "under")
                && doc.found.iter().any(|f| {
                    f.t1 == i
                        && f.kind != EntityType::Person
                        && (f.t0.saturating_sub(3)..f.t0).any(|b| booking_noun(doc, b))
                });
            cue = Some((
                if surname_alone || after_booked_number {
                    Cue::Strong
                } else {
                    Cue::Weak
                },
                j,
            ));
        } else if (doc.is(i, "that's") || doc.is(i, "thats")) && doc.is(i + 1, "me") {
            // "yes rahul jaramillo, that's me": the name confirmed right before.
            let mut e = i;
            if e > 0 && doc.toks[e - 1].is_punct(b',') {
                e -= 1;
            }
            let s0 = name_words_before(doc, e);
            if s0 < e && opens_clause(doc, s0) {
                doc.add(EntityType::Person, s0, e);
            } else {
                // "yeah that's me jaylen foster and ...": the name said right after.
                cue = Some((Cue::Weak, doc.skip_fillers(i + 2, true)));
            }
        } else if doc.is(i, "i'm")
            || doc.is(i, "im")
            || doc.is(i, "its") && !doc.is(i + 1, "a") && !doc.is(i + 1, "the")
            || doc.is(i, "okay")
            || doc.is(i, "ok")
            || doc.is(i, "that's")
            || doc.is(i, "it's")
            || doc.is(i, "have")
            || doc.is(i, "dear")
            || doc.is(i, "hey")
        {
            let mut j = doc.skip_fillers(i + 1, true);
            // "i have you as gideon farkas", "I have you down as ...": the agent reads the
            // caller's name back.
            if doc.is(i, "have") && doc.is(j, "you") {
                let a = if doc.is(j + 1, "down") { j + 2 } else { j + 1 };
                if doc.is(a, "as") {
                    cue = Some((Cue::Strong, doc.skip_fillers(a + 1, true)));
                }
            }
            // "I have Ezekiel down for a wire adjustment": someone booked, by name.
            if doc.is(i, "have")
                && namey(doc, j)
                && (1..=2).any(|w| {
                    doc.is(j + w, "down")
                        && ["for", "as", "at", "on"]
                            .iter()
                            .any(|p| doc.is(j + w + 1, p))
                        && (1..w).all(|m| namey(doc, j + m))
                })
            {
                cue = Some((Cue::Strong, j));
            }
            // "okay i have athanasios georgiou date of birth ...": a record read back.
            // ("alright so i have baby nwosu amara born ...": a person word first.)
            if doc.is(i, "have") {
                let r = if person_word(doc, j) { j + 1 } else { j };
                if read_back_before_item(doc, r) {
                    cue = Some((Cue::Strong, r));
                }
            }
            // "i'm the bride isabela cardoso", "I'm the subscriber, ...": a role first.
            if (doc.is(i, "i'm") || doc.is(i, "im")) && doc.is(j, "the") && person_word(doc, j + 1)
            {
                j = doc.skip_fillers(j + 2, true);
            }
            // "it's gonna be zainab ueda and ..."
            if doc.is(j, "gonna") && doc.is(j + 1, "be") {
                j += 2;
            }
            if cue.is_none() {
                cue = Some((Cue::Weak, j));
            }
        } else if doc.is(i, "she's") || doc.is(i, "he's") {
            // "so she's uh lakshmi venkataraman and i'm her son": a known given name, or
            // name words framed by what follows.
            cue = Some((Cue::Weak, doc.skip_fillers(i + 1, true)));
        } else if doc.is(i, "this") && doc.is(i + 1, "is") || doc.is(i, "i") && doc.is(i + 1, "am")
        {
            let mut j = doc.skip_fillers(i + 2, true);
            if doc.is(j, "the") && person_word(doc, j + 1) {
                j = doc.skip_fillers(j + 2, true);
            }
            cue = Some((Cue::Weak, j));
        }
        if let Some((c, j)) = cue {
            if let Some(end) = take_name(doc, j, c) {
                doc.add(EntityType::Person, j, end);
                // "my parents anil and rekha chatterjee": a second person joined by "and".
                let end = match (c, and_second_name(doc, j, end)) {
                    (Cue::Strong, Some((s2, e2))) if doc.add(EntityType::Person, s2, e2) => e2,
                    _ => end,
                };
                i = end;
                continue;
            }
        }
        if verb {
            // "is", "for", ...: never a name or a spelling themselves.
            i += 1;
            continue;
        }
        // Phonetic spelling: "A as in apple, L as in lima".
        if doc.letter(i) && doc.is(i + 1, "as") && doc.is(i + 2, "in") {
            let end = spelled(doc, i);
            if end > i && doc.add(EntityType::Person, i, end) {
                i = end;
                continue;
            }
        }
        // "Hoa, your award is ...", "Maria, I see two cards": a name addressed first.
        if doc.cased
            && doc.toks[i].case == Case::Title
            && doc.toks.get(i + 1).is_some_and(|c| c.is_punct(b','))
            && opening_vocative(doc, i)
            && doc.add(EntityType::Person, i, i + 1)
        {
            i += 2;
            continue;
        }
        // "Jennifer here", "Yeah, Keiko Quintero here, ...": a name announcing itself.
        if (l.has(flag::FIRST) && !l.has(flag::STOP) || doc.titled(i)) && opens_clause(doc, i) {
            if let Some(e) = framed_end(doc, i) {
                let known = (i..e).any(|k| doc.flag(k, flag::FIRST) || doc.flag(k, flag::LAST));
                if (known || (i..e).all(|k| doc.titled(k))) && doc.add(EntityType::Person, i, e) {
                    i = e + 1;
                    continue;
                }
            }
        }
        // Spelled name: "Adams, A D A M S", "burke b u r k e"; with the given name said
        // before it ("rosalind ekwueme e k w u e m e").
        if let Some((name_end, spell, end)) = letters
            .within(doc, i + 1, i + 4)
            .then(|| word_then_spelling(doc, i))
            .flatten()
        {
            if i > 0 && !doc.claimed[i - 1] && namey(doc, i - 1) && doc.flag(i - 1, flag::FIRST) {
                doc.add(EntityType::Person, i - 1, i);
            }
            add_spelled_name(doc, i, name_end, spell, end);
            i = end;
            continue;
        }
        // Four or more letters spelled out on their own ("w o j c i k that's the last
        // name", "... that's n i a m h"): a name being spelled (e-mail and identifier
        // spellings are claimed before this).
        if doc.letter(i) {
            let end = spelled(doc, i);
            let letters = (i..end).filter(|k| doc.letter(*k)).count();
            // Codes mix letters with digits ("m five r a m c", "t v f n r eight") or follow
            // their label ("confirmation number g n z v g r").
            let number_at = |k: usize| {
                doc.toks.get(k).is_some_and(|t| {
                    matches!(t.kind, Kind::Num | Kind::Alnum | Kind::Placeholder)
                        || t.lex.num != NumWord::None
                })
            };
            let labelled = (i.saturating_sub(5)..i).any(|k| {
                doc.word(k)
                    && matches!(
                        doc.toks[k].lex.concept,
                        Concept::Negative | Concept::Code | Concept::Id | Concept::Number
                    )
            });
            let code_like = doc.is(end, "at")
                || doc.is(end, "dot")
                || number_at(end)
                || i > 0 && number_at(i - 1)
                || labelled;
            if letters >= 4 && !code_like {
                // (With the surname said after the spelled given name, as after a name's
                // own spelling: "a d a e z e okonkwo date of birth ...".)
                let end = spelled_after(doc, i);
                if doc.add(EntityType::Person, i, end) {
                    i = end;
                    continue;
                }
            }
        }
        // A formatted text names people with capitals: two or more capitalised name-like
        // words inside a sentence ("Please add my caretaker, Jerzy Wojciechowski, as
        // ...", "The previous owner was Marguerite Dubois;").
        if let Some(end) = capitalised_name(doc, i).or_else(|| everyday_given_name(doc, i)) {
            if doc.add(EntityType::Person, i, end) {
                i = end;
                continue;
            }
        }
        // Lexicon: a known given name followed by a surname-like word, or a capitalised
        // given name in a cased text.
        // ("san luis obispo", "fort collins", "santa rosa": a place.)
        if l.has(flag::FIRST) && !l.has(flag::STOP) && !place_prefix(doc, i.wrapping_sub(1)) {
            let j = i + 1;
            let ambiguous = l.has(flag::AMBIGUOUS);
            let surname = if ambiguous {
                doc.flag(j, flag::LAST) && namey(doc, j) && (!doc.cased || doc.titled(i))
            } else {
                initial(doc, j).is_some()
                    || namey(doc, j) && (doc.flag(j, flag::LAST) || doc.titled(j) || !doc.cased)
            };
            if surname || !ambiguous && doc.titled(i) && !sentence_start(doc, i) {
                if let Some(end) = take_name(doc, i, Cue::Weak) {
                    // "Gonzalez, Maria": surname first.
                    let mut s0 = i;
                    if i >= 2
                        && doc.toks[i - 1].is_punct(b',')
                        && namey(doc, i - 2)
                        && (doc.flag(i - 2, flag::LAST) || doc.titled(i - 2))
                        && !doc.claimed[i - 2]
                        && !english_suffix(doc.bytes(i - 2))
                        && !GREETINGS.iter().any(|w| doc.is(i - 2, w))
                    {
                        s0 = i - 2;
                    }
                    doc.add(EntityType::Person, s0, end);
                    i = end;
                    continue;
                }
            }
        }
        i += 1;
    }
    if doc.cased {
        surname_first(doc);
    }
    if doc.has_apostrophe {
        possessive_names(doc);
    }
    if doc.flags & flag::PERSON_NOUN != 0 || doc.toks.iter().any(|t| t.key == TECH) {
        named_then_pronoun(doc);
    }
}

const TECH: u64 = pack_word(b"tech");

/// "the pharmacist uh zofia kowalczyk she said ...", "the tech uh santiago he was great":
/// "the" + a person noun, then up to three name words (one a known given name or surname)
/// and "he" / "she" right after them: the person's name.
fn named_then_pronoun(doc: &mut Doc) {
    let n = doc.toks.len();
    let mut i = 1;
    while i < n {
        let person_noun =
            doc.flag(i, flag::PERSON_NOUN) && !doc.flag(i, flag::KIN) || doc.is(i, "tech");
        if !(person_noun && doc.is(i - 1, "the")) {
            i += 1;
            continue;
        }
        let j = doc.skip_fillers(i + 1, true);
        let mut e = j;
        while e < j + 3 && namey(doc, e) && !doc.flag(e, flag::PERSON_NOUN) {
            e += 1;
        }
        let known = (j..e).any(|k| doc.flag(k, flag::FIRST | flag::LAST));
        if e > j && known && (doc.is(e, "he") || doc.is(e, "she")) {
            doc.add(EntityType::Person, j, e);
        }
        i = e.max(i + 1);
    }
}

const IS: u64 = pack_word(b"is");
const WAS: u64 = pack_word(b"was");
const ARE: u64 = pack_word(b"are");
const AS: u64 = pack_word(b"as");
const SAYS: u64 = pack_word(b"says");
const READS: u64 = pack_word(b"reads");
const FOR: u64 = pack_word(b"for");
const GO: u64 = pack_word(b"go");
const GOES: u64 = pack_word(b"goes");

/// What a frequent verb or preposition at `i` says about a name after it.
enum VerbCue {
    /// A name from `.0` to `.1`, framed by how the sentence goes on.
    Name(usize, usize),
    /// A cue of this strength for a name at `.1`.
    Take(Cue, usize),
}

/// "the other driver was renata o'brien and ...", "my spouse is keiko dubois and ...",
/// "Dependents are Tova and ...", "the passport says bartholomew kim so ...", "the refill
/// is for malia fonseca member id ...", "I go by Frankie", "she goes by bree".
fn verb_cue(doc: &Doc, i: usize) -> Option<VerbCue> {
    let t = doc.toks[i];
    if t.key == FOR {
        let after = i > 0 && ["is", "are", "all", "be"].iter().any(|w| doc.is(i - 1, w));
        return after.then(|| VerbCue::Take(Cue::Weak, doc.skip_fillers(i + 1, true)));
    }
    if t.key == GO || t.key == GOES {
        if !doc.is(i + 1, "by") {
            return None;
        }
        // "I go by Frankie", "she goes by bree": a name; "the account goes by Brianna": a
        // known given name.
        let pronoun = prev_word(doc, i).is_some_and(|p| {
            [
                "i", "she", "he", "they", "we", "you", "usually", "just", "also",
            ]
            .iter()
            .any(|w| doc.is(p, w))
        });
        let cue = if pronoun {
            Cue::Strong
        } else if t.key == GOES {
            Cue::Weak
        } else {
            return None;
        };
        return Some(VerbCue::Take(cue, doc.skip_fillers(i + 2, true)));
    }
    // "so it is siobhan mcgarrigle ...", "that is marisol quintanilla license ...":
    // transcripts that write "it's" / "that's" / "she's" out cue a name as those do.
    if t.key == IS && i > 0 && ["it", "that", "she", "he"].iter().any(|w| doc.is(i - 1, w)) {
        return Some(VerbCue::Take(Cue::Weak, doc.skip_fillers(i + 1, true)));
    }
    if !person_subject(doc, i) {
        return None;
    }
    // Lower-case name words framed by how the sentence goes on, a known given name, or a
    // capitalised word of a formatted text.
    let j = doc.skip_fillers(i + 1, true);
    if let Some(e) = framed_end(doc, j) {
        return Some(VerbCue::Name(j, e));
    }
    (namey(doc, j)
        && !doc.flag(j, flag::AMBIGUOUS)
        && (doc.flag(j, flag::FIRST) || doc.cased && doc.titled(j)))
    .then_some(VerbCue::Take(Cue::Strong, j))
}

/// Two or three capitalised name-like words at `i`, inside a sentence of a cased text
/// (not its first word, which is capitalised anyway), none of them all capitals (acronyms,
/// shouted text) nor an ambiguous word ("Grace", "Hill"), not against a number; hyphen-
/// joined parts ("Okonkwo-Baptiste") count as one word. Returns the end.
fn capitalised_name(doc: &Doc, i: usize) -> Option<usize> {
    let word_at = |k: usize| {
        doc.titled(k)
            && !doc.titled_upper(k)
            && namey(doc, k)
            && !doc.flag(k, flag::AMBIGUOUS)
            && !brand_shaped(doc.bytes(k))
    };
    if !doc.cased || sentence_start(doc, i) || !word_at(i) {
        return None;
    }
    let mut end = hyphen_tail(doc, i + 1);
    let mut words = 1;
    loop {
        // ("María José Castillo Ortega": four words.)
        if words < 4 && word_at(end) {
            end = hyphen_tail(doc, end + 1);
            words += 1;
        } else if let Some(j) = initial(doc, end).filter(|&j| words < 3 && word_at(j)) {
            // "Marisol E. Quintana": a middle initial between two of the words.
            end = hyphen_tail(doc, j + 1);
            words += 1;
        } else {
            break;
        }
    }
    // "the X1 Carbon Gen 9": capitalised words against a number or code are a product.
    // (A placeholder counts too: redacting twice must change nothing.)
    let numeric = |k: usize| number_or_code(doc, k);
    if words == 1 {
        // One capitalised word the lexicon knows nothing about, inside a sentence ("I'll
        // note that Tomasz is authorized too", "a note from Farrukh on the 12th"): in a
        // formatted transcript an unknown proper noun is mostly a person.
        let t = doc.toks[i];
        let unknown = t.lex.no_role_flags()
            && t.lex.concept == Concept::None
            && t.lex.num == NumWord::None
            && t.lex.month == 0
            && t.lex.ordinal == 0;
        let after_prep = i > 0
            && [
                "from", "to", "with", "that", "for", "and", "ask", "tell", "thanks", "told", "me",
            ]
            .iter()
            .any(|w| doc.is(i - 1, w));
        // "Okay, Tomás, I've got your ...": a name addressed between commas.
        let vocative = i >= 2
            && doc.toks[i - 1].is_punct(b',')
            && GREETINGS.iter().any(|w| doc.is(i - 2, w))
            && doc.toks.get(end).is_some_and(|t| {
                t.kind == Kind::Punct && matches!(t.ch, b',' | b'.' | b'!' | b'?')
            });
        // "... so please pick up, Renata.", "Your results, Yumi, were released", "paid on
        // the 3rd, Ray, so ...": a name addressed at the end of a clause, after a comma
        // that follows an ordinary word (not another capitalised one: "Austin, Texas").
        let addressed = i >= 2
            && doc.toks[i - 1].is_punct(b',')
            && !doc.titled(i - 2)
            && doc.toks[i - 2].kind != Kind::Placeholder
            && match doc.toks.get(end) {
                None => true,
                Some(t) if t.is_punct(b',') => doc
                    .toks
                    .get(end + 1)
                    .is_some_and(|n| n.kind == Kind::Word && n.case == Case::Lower),
                Some(t) => t.kind == Kind::Punct && matches!(t.ch, b'.' | b'!' | b'?'),
            };
        return ((unknown && !place_or_brand(doc, i) || addressed && t.lex.has(flag::FIRST))
            && (after_prep || vocative || addressed)
            && t.len() >= 3
            && !numeric(end)
            && !(i > 0 && numeric(i - 1)))
        .then_some(end);
    }
    // "Brightline Wireless", "Lakeshore Community Credit Union": a business's name.
    if (i..=end).any(|k| BUSINESS_WORDS.iter().any(|w| doc.is(k, w)) || place_or_brand(doc, k)) {
        return None;
    }
    (words >= 2 && !numeric(end) && !(i > 0 && numeric(i - 1))).then_some(end)
}

/// Token `k` is written digits, a code or a placeholder: capitalised words against one are
/// a product ("the X1 Carbon Gen 9"), not a name. (A placeholder counts: redacting twice
/// must change nothing.)
fn number_or_code(doc: &Doc, k: usize) -> bool {
    doc.toks
        .get(k)
        .is_some_and(|t| matches!(t.kind, Kind::Num | Kind::Alnum | Kind::Placeholder))
}

/// "My landlord is Grant Holloway", "Bill Nguyen will call": in a formatted text, a
/// capitalised everyday word that is also a name ("Grant", "Bill", "Will", "Mark") before a
/// capitalised known surname. At a sentence's start the first word must be a known given
/// name too ("Will Patterson is ..."), and a business word after them keeps them a business.
fn everyday_given_name(doc: &Doc, i: usize) -> Option<usize> {
    let j = i + 1;
    let capital = |k: usize| doc.titled(k) && !doc.titled_upper(k) && namey(doc, k);
    if !doc.cased
        || !doc.flag(i, flag::AMBIGUOUS)
        || !capital(i)
        || !capital(j)
        || !doc.flag(j, flag::LAST)
        || doc.flag(j, flag::AMBIGUOUS)
        || sentence_start(doc, i) && !doc.flag(i, flag::FIRST)
    {
        return None;
    }
    let end = hyphen_tail(doc, j + 1);
    let numeric = |k: usize| number_or_code(doc, k);
    let business = doc.titled(end) && BUSINESS_WORDS.iter().any(|w| doc.is(end, w));
    (!(business || numeric(end) || i > 0 && numeric(i - 1))).then_some(end)
}

/// Words that make capitalised words a business's name ("Brightline Wireless", "ClearPath
/// Tax", "Lakeshore Community Credit Union") rather than a person's.
const BUSINESS_WORDS: &[&str] = &[
    "wireless",
    "electronics",
    "tax",
    "telehealth",
    "community",
    "credit",
    "union",
    "bank",
    "insurance",
    "dental",
    "clinic",
    "health",
    "healthcare",
    "services",
    "solutions",
    "group",
    "pharmacy",
    "motors",
    "auto",
    "realty",
    "energy",
    "electric",
    "airlines",
    "airways",
    "foods",
    "market",
    "hospital",
    "medical",
    "labs",
    "systems",
    "technologies",
    "inc",
    "llc",
    "corp",
    "company",
    "partners",
    "associates",
    "financial",
    "mortgage",
    "cable",
    "mobile",
    "telecom",
    "communications",
    "security",
    "logistics",
    "movers",
    "moving",
    "fitness",
    "hotel",
    "resort",
    "suites",
    "travel",
    "rentals",
    "utilities",
    "pediatrics",
    "veterinary",
    "towing",
    "collision",
    "management",
    "property",
    "properties",
    "plumbing",
    "roofing",
    "construction",
    "academy",
    "college",
    "university",
    "orthodontics",
    "chiropractic",
    "practice",
    "medicine",
    "robotics",
    "diagnostics",
    "center",
    "centre",
    "care",
    "mutual",
    "freight",
    "county",
    "airport",
    "republic",
    "power",
    "living",
    "pavilion",
    "farm",
    "cleaners",
    "bakery",
    "restaurant",
    "church",
    "school",
    "library",
];

/// Places and businesses a caller names in passing that are also unknown capitalised words
/// ("a flight to Atlanta", "I moved from Dearborn", "my plan with Aetna", "Fifth and Main"):
/// not persons.
/// Lower case, sorted (binary search). Names that are also given names or surnames
/// ("Austin", "Jackson", "Charlotte") are left out: the lexicon knows them as names.
const PLACES_AND_BRANDS: &[&str] = &[
    "aetna",
    "akron",
    "albuquerque",
    "amazon",
    "amsterdam",
    "anaheim",
    "anchorage",
    "arizona",
    "arlington",
    "atlanta",
    "baltimore",
    "bangkok",
    "barcelona",
    "beijing",
    "berlin",
    "bogota",
    "boise",
    "boston",
    "brazil",
    "broadway",
    "buffalo",
    "cairo",
    "calgary",
    "canada",
    "cancun",
    "chicago",
    "chile",
    "china",
    "cigna",
    "cincinnati",
    "cleveland",
    "colombia",
    "columbus",
    "comcast",
    "costco",
    "cuba",
    "dearborn",
    "delhi",
    "detroit",
    "dubai",
    "dublin",
    "edmonton",
    "egypt",
    "emirates",
    "england",
    "ethiopia",
    "europe",
    "fedex",
    "france",
    "fresno",
    "geico",
    "germany",
    "ghana",
    "glendale",
    "greece",
    "guatemala",
    "haiti",
    "honolulu",
    "humana",
    "india",
    "indianapolis",
    "iran",
    "iraq",
    "ireland",
    "israel",
    "italy",
    "jamaica",
    "japan",
    "kenya",
    "korea",
    "lagos",
    "lisbon",
    "london",
    "louisville",
    "lufthansa",
    "madrid",
    "main",
    "manila",
    "memphis",
    "mexico",
    "miami",
    "milwaukee",
    "minneapolis",
    "montreal",
    "moscow",
    "mumbai",
    "nairobi",
    "nashville",
    "nigeria",
    "norfolk",
    "oakland",
    "omaha",
    "ontario",
    "ottawa",
    "pakistan",
    "peru",
    "philadelphia",
    "philly",
    "pittsburgh",
    "poland",
    "portland",
    "portugal",
    "pueblo",
    "qatar",
    "quebec",
    "russia",
    "sacramento",
    "scotland",
    "seattle",
    "seoul",
    "shanghai",
    "singapore",
    "somalia",
    "spain",
    "spokane",
    "stockton",
    "sweden",
    "tacoma",
    "taiwan",
    "tampa",
    "target",
    "texas",
    "tokyo",
    "toledo",
    "toronto",
    "tucson",
    "tulsa",
    "uber",
    "ukraine",
    "vancouver",
    "venezuela",
    "verizon",
    "vietnam",
    "walgreens",
    "walmart",
    "wichita",
    "zoom",
];

/// Token `k` is one of [`PLACES_AND_BRANDS`].
fn place_or_brand(doc: &Doc, k: usize) -> bool {
    if !doc.word(k) {
        return false;
    }
    let w = doc.bytes(k);
    let mut lower = [0u8; 16];
    if w.is_empty() || w.len() > lower.len() {
        return false;
    }
    for (d, c) in lower.iter_mut().zip(w) {
        *d = c.to_ascii_lowercase();
    }
    let lower = &lower[..w.len()];
    PLACES_AND_BRANDS
        .binary_search_by(|p| p.as_bytes().cmp(lower))
        .is_ok()
}

/// "BestWave", "ClearPath", "CareBridge": a capital inside a word after three or more
/// lower-case letters is a brand's spelling ("McDonald", "MacLeod", "DeShawn" have theirs
/// earlier).
fn brand_shaped(w: &[u8]) -> bool {
    w.len() > 4
        && w[0].is_ascii_uppercase()
        && w[1..4].iter().all(u8::is_ascii_lowercase)
        && w[4..].iter().any(u8::is_ascii_uppercase)
}

/// "that's Nakamura, Hideo, born ...", "registered to Ibarra, Renata, and ...": a name
/// written surname first, the given name after a comma, in a formatted text. A surname
/// found alone takes the given name after it; otherwise the pair needs a cue before it
/// and a known surname or given name in it. The given name ends its clause.
fn surname_first(doc: &mut Doc) {
    let n = doc.toks.len();
    let mut i = 0;
    while i + 2 < n {
        // Straight to the next comma after `i` (the pair needs one between its words).
        match doc
            .toks
            .get(i + 1..n - 1)
            .and_then(|ts| ts.iter().position(|t| t.is_punct(b',')))
        {
            Some(p) => i += p,
            None => break,
        }
        let y = i + 2;
        let plain = |k: usize| {
            doc.titled(k)
                && !doc.titled_upper(k)
                && doc.toks[k].len() >= 2
                && !doc.toks[k]
                    .lex
                    .has(flag::STATE | flag::STREET | flag::AMBIGUOUS)
        };
        if !doc.toks[i + 1].is_punct(b',')
            || !plain(y)
            || !namey(doc, y)
            || !doc.toks.get(y + 1).is_none_or(|t| {
                t.kind == Kind::Punct && matches!(t.ch, b',' | b'.' | b'?' | b'!')
                    || doc.is(y + 1, "and")
                    || doc.is(y + 1, "born")
            })
        {
            i += 1;
            continue;
        }
        let found_alone = doc.claimed[i]
            .then(|| {
                doc.found
                    .iter()
                    .position(|f| f.kind == EntityType::Person && f.t0 == i && f.t1 == i + 1)
            })
            .flatten();
        if let Some(f) = found_alone {
            doc.claimed[i + 1] = true;
            doc.claimed[y] = true;
            doc.found[f].t1 = y + 1;
            i = y + 1;
            continue;
        }
        let cued = i > 0
            && [
                "that's", "to", "for", "under", "name", "patient", "insured", "is",
            ]
            .iter()
            .any(|w| doc.is(i - 1, w));
        if cued
            && plain(i)
            && namey(doc, i)
            && (doc.flag(i, flag::LAST) || doc.flag(y, flag::FIRST))
            && doc.add(EntityType::Person, i, y + 1)
        {
            i = y + 1;
            continue;
        }
        i += 1;
    }
}

/// "Jonah's date of birth is ...", "and clara's is three six five ...": a given name in
/// the possessive right before someone's personal item (birth date, social, phone,
/// e-mail) or before "is" and an entity found. The name is a capitalised word of a
/// formatted text or a known given name; kin and people nouns ("my husband's phone") are
/// not names.
#[inline(never)]
fn possessive_names(doc: &mut Doc) {
    for i in 0..doc.toks.len() {
        let t = doc.toks[i];
        if t.kind != Kind::Word || t.len() < 5 || doc.claimed[i] {
            continue;
        }
        let b = doc.bytes(i);
        if !b.ends_with(b"'s") {
            continue;
        }
        let stem = &b[..b.len() - 2];
        let mut lower = [0u8; 24];
        if stem.len() > lower.len() || !stem.iter().all(u8::is_ascii_alphabetic) {
            continue;
        }
        for (l, c) in lower.iter_mut().zip(stem) {
            *l = c.to_ascii_lowercase();
        }
        let stem = &lower[..stem.len()];
        let lex = crate::redact::lexicon::lookup(stem);
        let known_name = lex.has(flag::FIRST) && !lex.has(flag::STOP | flag::AMBIGUOUS);
        let name = if doc.cased {
            doc.titled(i)
                && !doc.titled_upper(i)
                && (known_name || lex.no_role_flags() && lex.concept == Concept::None)
        } else {
            known_name
        };
        if !name || lex.has(flag::KIN) || PERSON_NOUNS.iter().any(|w| w.as_bytes() == stem) {
            continue;
        }
        let next = doc.toks.get(i + 1).map(|t| t.lex.concept);
        let item = matches!(next, Some(Concept::Birth | Concept::Ssn | Concept::Phone))
            || doc.is(i + 1, "date") && doc.is(i + 2, "of") && doc.is(i + 3, "birth")
            || doc.is(i + 1, "email")
            || doc.is(i + 1, "is") && doc.claimed.get(i + 2).copied().unwrap_or(false);
        if item {
            doc.add(EntityType::Person, i, i + 1);
        }
    }
}

/// Past "-Word" parts glued to the word ending at `end` ("Al-Amin", "Dubois-Laurent", and
/// the lower-case second syllable of a capitalised given name: "Jin-woo", "Soo-ah").
fn hyphen_tail(doc: &Doc, mut end: usize) -> usize {
    while end + 1 < doc.toks.len()
        && doc.toks[end].is_punct(b'-')
        && !doc.toks[end].space_before
        && !doc.toks[end + 1].space_before
        && doc.word(end + 1)
        && doc.toks[end + 1].len() >= 2
        && !doc.claimed[end]
        && !doc.claimed[end + 1]
        && (namey(doc, end + 1)
            || doc.flag(end + 1, flag::FIRST)
            || doc.flag(end + 1, flag::LAST)
            // "Jin-woo", "Hye-jin": a lower-case second syllable after a capitalised part
            // (and "min-jun", "hye-jin" in lower-case text, whatever the syllable means alone)
            || (!doc.cased
                || doc.titled(end - 1) && doc.toks[end + 1].case == Case::Lower)
                && doc.toks[end + 1].len() <= 4
                && doc.toks[end + 1].lex.concept == Concept::None
                && doc.toks[end + 1].lex.num == NumWord::None)
    {
        end += 2;
    }
    end
}

/// Names written with hyphens are one name: "Anne-Marie Dubois-Laurent" found as pieces
/// ("Anne", "Marie Dubois") or without their last part ("Abernathy" of "Abernathy-Cole")
/// become one entity over all the parts.
pub(crate) fn join_hyphenated(doc: &mut Doc) {
    if !doc.found.iter().any(|f| f.kind == EntityType::Person) {
        return;
    }
    // One pass over the entities in text order (linear: no search per entity).
    doc.found.sort_unstable_by_key(|f| f.t0);
    let found = std::mem::take(&mut doc.found);
    let mut out: Vec<Found> = Vec::with_capacity(found.len());
    for mut f in found {
        if f.kind == EntityType::Person {
            extend_title(doc, &mut f);
            // "for Dirk van der Berg" found as "Dirk": the particles and the surname after
            // it belong to the name.
            if let Some(j) = particle_end(doc, f.t1) {
                if !doc.cased || doc.titled(j) {
                    for c in &mut doc.claimed[f.t1..=j] {
                        *c = true;
                    }
                    f.t1 = j + 1;
                }
            }
            // "Evangeline Church" found as "Church": a known given name right before it.
            let g = f.t0.wrapping_sub(1);
            if f.t0 > 0
                && doc.word(g)
                && !doc.claimed[g]
                && doc.flag(g, flag::FIRST)
                && !doc.flag(g, flag::AMBIGUOUS | flag::STOP)
                && (!doc.cased || doc.titled(g))
            {
                doc.claimed[g] = true;
                f.t0 = g;
            }
        }
        if let Some(last) = out.last_mut() {
            if last.kind == EntityType::Person {
                extend_hyphenated(doc, last);
                // The next part is another name found: merge the two.
                if f.kind == EntityType::Person && glued_at(doc, last.t1) && f.t0 == last.t1 + 1 {
                    doc.claimed[last.t1] = true;
                    last.t1 = f.t1;
                    continue;
                }
            }
        }
        out.push(f);
    }
    if let Some(last) = out.last_mut() {
        if last.kind == EntityType::Person {
            extend_hyphenated(doc, last);
        }
    }
    doc.found = out;
    // With the hyphenated names whole: names joined to them by "and".
    given_name_before_and(doc);
    repeat_mentions(doc);
}

/// Most name words remembered for [`repeat_mentions`].
const REPEATED_WORDS: usize = 8;

/// "sure it's jean baptiste moreau and baptiste is hyphenated": a found name's words said
/// again in the same turn are that name again. Only words that cannot be ordinary ones
/// repeat (no function words, keywords, numbers, months, streets, or names that are also
/// everyday words: "will", "grace", "park").
#[inline(never)]
fn repeat_mentions(doc: &mut Doc) {
    // The name words: their token and packed key (0 for words longer than a key holds).
    // (And whether it was the surname of a name of two words or more.)
    let mut words = [(0usize, 0u64, false); REPEATED_WORDS];
    let mut m = 0;
    for f in doc.found.iter().filter(|f| f.kind == EntityType::Person) {
        for k in f.t0..f.t1 {
            if m < REPEATED_WORDS && repeatable(doc, k) {
                words[m] = (k, doc.toks[k].key, k + 1 == f.t1 && f.t1 - f.t0 >= 2);
                m += 1;
            }
        }
    }
    if m == 0 {
        return;
    }
    let words = &words[..m];
    let n = doc.toks.len();
    let mut k = 0;
    let mut start = None;
    while k <= n {
        // Token `k` is one of the name words, said again (not inside an entity).
        let said = k < n && {
            let t = &doc.toks[k];
            // (A repeatable word is no function word: one flag test rejects most tokens.)
            t.kind == Kind::Word
                && !t.lex.has(flag::STOP)
                && !doc.claimed[k]
                && words.iter().any(|&(w, key, _)| {
                    key == t.key
                        && (key != 0
                            || doc.toks[w].len() == t.len()
                                && doc.bytes(w).eq_ignore_ascii_case(doc.bytes(k)))
                        || t.len() > doc.toks[w].len() && possessive_of(doc.bytes(k), doc.bytes(w))
                })
        };
        match (said, start) {
            (true, None) => start = Some(k),
            (false, Some(s0)) => {
                // (Said again with its double-barrelled part: "ezekiel uh ezekiel
                // brooks-mbatha".)
                // (And with surnames where the turn ends: "ewa um ewa kowalczyk brandt".)
                let mut e = k;
                while e < k + 2 && namey(doc, e) {
                    e += 1;
                }
                let e = if e > k && doc.ends_after(e) { e } else { k };
                // (And a surname said again after another given name: "it's under my late
                // husband giorgos papadopoulos but change it to me eleni papadopoulos".)
                let s0 = if k == s0 + 1 && surname_again(doc, words, s0) {
                    s0 - 1
                } else {
                    s0
                };
                if doc.add(EntityType::Person, s0, e) {
                    if let Some(mut f) = doc.found.pop() {
                        extend_hyphenated(doc, &mut f);
                        doc.found.push(f);
                    }
                }
                start = None;
            }
            _ => {}
        }
        k += 1;
    }
}

/// `word` is `name` with a possessive or a contracted "is" ("Jamie's", "Jamie’s").
fn possessive_of(word: &[u8], name: &[u8]) -> bool {
    word.get(..name.len())
        .is_some_and(|stem| stem.eq_ignore_ascii_case(name))
        && matches!(&word[name.len()..], b"'s" | b"\xe2\x80\x99s")
}

/// Two to four name words from `j`, then (past a comma) the next item of a record read
/// out: "date of ...", or a birth, social, identifier or phone keyword ("athanasios
/// georgiou date of birth ...").
fn read_back_before_item(doc: &Doc, j: usize) -> bool {
    if !(namey(doc, j) && namey(doc, j + 1)) {
        return false;
    }
    let e = (j + 2..j + 4).find(|&e| !namey(doc, e)).unwrap_or(j + 4);
    let k = e + usize::from(doc.toks.get(e).is_some_and(|t| t.is_punct(b',')));
    doc.is(k, "date") && doc.is(k + 1, "of")
        || doc.word(k)
            && matches!(
                doc.toks[k].lex.concept,
                Concept::Birth | Concept::Ssn | Concept::AccountId | Concept::Phone
            )
}

/// Token `k` says again the surname of a found name, right after a name word that is
/// said where a name goes ("... to me eleni papadopoulos", "and eleni papadopoulos").
fn surname_again(doc: &Doc, words: &[(usize, u64, bool)], k: usize) -> bool {
    k >= 2
        && namey(doc, k - 1)
        && (!doc.cased || doc.titled(k - 1))
        && ["me", "is", "to", "for", "and", "it's", "its", "name"]
            .iter()
            .any(|w| doc.is(k - 2, w))
        && words.iter().any(|&(w, key, surname)| {
            surname
                && doc.toks[w].len() == doc.toks[k].len()
                && (key != 0 && key == doc.toks[k].key
                    || doc.bytes(w).eq_ignore_ascii_case(doc.bytes(k)))
        })
}

/// Token `k` of a found name can be recognised again on its own (see [`repeat_mentions`]).
fn repeatable(doc: &Doc, k: usize) -> bool {
    let t = &doc.toks[k];
    t.kind == Kind::Word
        && t.len() >= 3
        && !t.lex.has(
            flag::STOP
                | flag::FILLER
                | flag::AMBIGUOUS
                | flag::KIN
                | flag::HONORIFIC
                | flag::STREET
                | flag::STATE,
        )
        && t.lex.concept == Concept::None
        && t.lex.num == NumWord::None
        && t.lex.month == 0
        && t.lex.ordinal == 0
        && !particle(doc, k)
}

/// Extends a name back over its title ("Mr. Demir", "doctor okonkwo", "mrs lucinda
/// ferreira"): the title is part of how the person is named (and tells their gender), so
/// it goes with the name into the placeholder.
fn extend_title(doc: &mut Doc, f: &mut Found) {
    let mut t0 = f.t0;
    if t0 >= 2 && doc.toks[t0 - 1].is_punct(b'.') && !doc.toks[t0 - 1].space_before {
        t0 -= 1;
    }
    if t0 >= 1 && doc.flag(t0 - 1, flag::HONORIFIC) && !doc.claimed[t0 - 1] {
        t0 -= 1;
        for c in &mut doc.claimed[t0..f.t0] {
            *c = true;
        }
        f.t0 = t0;
    }
}

/// A hyphen written tight right at `t1`, unclaimed, with a token after it.
fn glued_at(doc: &Doc, t1: usize) -> bool {
    t1 + 1 < doc.toks.len()
        && doc.toks[t1].is_punct(b'-')
        && !doc.toks[t1].space_before
        && !doc.toks[t1 + 1].space_before
        && !doc.claimed[t1]
}

/// Extends a name over the "-Word" parts glued to its end ("Abernathy" of "Abernathy-Cole";
/// claimed tokens — another entity — stop it).
fn extend_hyphenated(doc: &mut Doc, f: &mut Found) {
    // "Soo-jin Park" found from "jin": the part glued before it belongs to the name.
    if f.t0 >= 2
        && glued_at(doc, f.t0 - 1)
        && doc.word(f.t0 - 2)
        && !doc.claimed[f.t0 - 2]
        && doc.toks[f.t0 - 2].len() >= 2
        && (namey(doc, f.t0 - 2) || doc.cased && doc.titled(f.t0 - 2))
    {
        f.t0 -= 2;
        doc.claimed[f.t0] = true;
        doc.claimed[f.t0 + 1] = true;
    }
    // "ezekiel brooks-mbatha": a double-barrelled surname said right after a found name
    // (both parts name-like, one of them a known name).
    if !glued_at(doc, f.t1)
        && f.t1 + 2 < doc.toks.len()
        && doc.toks[f.t1].space_before
        && glued_at(doc, f.t1 + 1)
        && namey(doc, f.t1)
        && namey(doc, f.t1 + 2)
        && (doc.flag(f.t1, flag::FIRST | flag::LAST)
            || doc.flag(f.t1 + 2, flag::FIRST | flag::LAST))
    {
        let end = hyphen_tail(doc, f.t1 + 1);
        if end > f.t1 + 1 {
            for c in &mut doc.claimed[f.t1..end] {
                *c = true;
            }
            f.t1 = end;
        }
        return;
    }
    if !glued_at(doc, f.t1) {
        return;
    }
    let end = hyphen_tail(doc, f.t1);
    if end > f.t1 {
        for c in &mut doc.claimed[f.t1..end] {
            *c = true;
        }
        f.t1 = end;
    }
}

/// "keiko blackwood here", "dana calling", "Dana Smith speaking": one to three name words
/// from `i` closed by a self-announcing word. Returns the end of the name words.
fn framed_end(doc: &Doc, i: usize) -> Option<usize> {
    let mut j = i;
    let mut words = 0;
    while words < 3 && namey(doc, j) && !doc.flag(j, flag::PERSON_NOUN) {
        // "hye-jin sandoval": a hyphenated name is one word.
        j = hyphen_tail(doc, j + 1);
        words += 1;
        // "marisol de la cruz", "yusuf bin hamdan": particles before the next part.
        if let Some(e) = particle_end(doc, j) {
            j = e;
        }
    }
    // In lower-case text, two or three name words after an introduction ("this is tomasz
    // wojciechowski and my cell is", "i'm eilidh macleod at twelve glenview", "so she's
    // uh lakshmi venkataraman and", "its beatriz santos i got a letter") end where the
    // sentence goes on.
    let goes_on = words >= 2
        && !doc.cased
        && (doc.is(j, "and")
            || doc.is(j, "at")
            || doc.is(j, "born")
            || doc.is(j, "i")
            || doc.is(j, "i'm")
            || doc.is(j, "im")
            || doc.is(j, "last") && doc.is(j + 1, "name")
            || doc.is(j, "so")
            || doc.is(j, "but")
            // "this is anneliese ruckert on agreement ...", "... about my claim"
            || doc.is(j, "on")
            || doc.is(j, "about")
            || doc.is(j, "regarding")
            // "... siobhan mcgarrigle forty four saint patricks hill": the address next
            || doc
                .toks
                .get(j)
                .is_some_and(|t| t.kind == Kind::Num || t.kind == Kind::Word && t.lex.num != NumWord::None)
            // "my co driver is jean baptiste lafleur his cell is ...": the next clause
            // opens with someone's possession
            || ["his", "her", "my", "their", "our", "that's", "thats"].iter().any(|w| doc.is(j, w))
            // "... farid haddad date of birth ...", "... email is ...": the next item
            || doc.is(j, "date") && doc.is(j + 2, "birth")
            || doc.is(j, "by") && doc.is(j + 1, "the") && doc.is(j + 2, "way")
            || doc.is(j, "email")
            // "... malia fonseca member id ...": the next item's keyword
            || doc.word(j) && doc.toks[j].lex.concept != Concept::None
            // "... margarethe schulz resident id ...": a noun before an id's keyword
            || doc.word(j)
                && doc.word(j + 1)
                && matches!(
                    doc.toks[j + 1].lex.concept,
                    Concept::Id | Concept::Number | Concept::AccountId
                )
            || doc.toks.get(j).is_none_or(|t| t.kind == Kind::Punct))
        && introduced(doc, i)
        && (i..j).all(|k| !plain_word(doc.bytes(k)));
    let closes = goes_on
        || doc.is(j, "here")
        || doc.is(j, "speaking")
        || doc.is(j, "calling")
        // "this is sven henderson from accounting", "this is Reggie again", "this is kira
        // fairbanks i'm calling about ..."
        || (doc.is(j, "from")
            || doc.is(j, "again")
            || (doc.is(j, "i'm") || doc.is(j, "im") || doc.is(j, "and"))
                && doc.is(j + 1, "calling"))
            && (self_intro(doc, i) || opening_this_is(doc, i))
        // "Hi, this is Devonte.", "yeah this is renata and ...", "hey this is quinn my
        // internet's down": one name word after a greeting's "this is" at the start of the
        // turn, where the clause ends.
        || words == 1 && opening_this_is(doc, i) && single_name_ends(doc, i, j);
    (j > i && closes && !doc.is(j + 1, "is") && !doc.is(j + 1, "was")).then_some(j)
}

/// "this is" (or "it's") right before `i` opens the turn (greetings, fillers and commas
/// aside): how a caller introduces themselves on the phone.
fn opening_this_is(doc: &Doc, i: usize) -> bool {
    let Some(p) = prev_word(doc, i) else {
        return false;
    };
    // "hi it's benedikt from the bakery": "it's" opens a call as "this is" does.
    let opener = if p > 0 && doc.is(p, "is") && doc.is(p - 1, "this") {
        p - 1
    } else if doc.is(p, "it's") || doc.is(p, "its") {
        p
    } else {
        return false;
    };
    doc.toks[..opener].iter().enumerate().all(|(k, t)| {
        t.kind == Kind::Punct && t.ch == b','
            || doc.filler(k)
            || [
                "hi",
                "hey",
                "hello",
                "yeah",
                "yes",
                "yep",
                "okay",
                "ok",
                "oh",
                "so",
                "well",
                "good",
                "morning",
                "afternoon",
                "evening",
            ]
            .iter()
            .any(|w| doc.is(k, w))
    })
}

/// The one name word `i..j` ends its clause: punctuation or the end in a formatted text;
/// the end or a word that starts the next clause in a lower-case one.
fn single_name_ends(doc: &Doc, i: usize, j: usize) -> bool {
    if doc.toks[i].len() < 3 || plain_word(doc.bytes(i)) || doc.is(j, "'s") {
        return false;
    }
    match doc.toks.get(j) {
        None => true,
        Some(t) if t.kind == Kind::Punct => matches!(t.ch, b',' | b'.' | b'!' | b'?'),
        Some(_) => {
            !doc.cased
                && [
                    "and", "my", "i", "i'm", "im", "we", "calling", "from", "here", "speaking",
                ]
                .iter()
                .any(|w| doc.is(j, w))
        }
    }
}

/// Someone introduced right before `i`: "this is", "I'm", "it's", "its", "she's", "he's".
fn introduced(doc: &Doc, i: usize) -> bool {
    self_intro(doc, i)
        || prev_word(doc, i).is_some_and(|p| {
            ["it's", "its", "she's", "he's", "shes", "hes", "that's", "thats"]
                .iter()
                .any(|w| doc.is(p, w))
                // "yeah that's me jaylen foster and ..."
                || doc.is(p, "me") && p > 0 && (doc.is(p - 1, "that's") || doc.is(p - 1, "it's"))
                // the same written out: "it is", "that is", "she is", "he is"
                || doc.is(p, "is")
                    && p > 0
                    && ["it", "that", "she", "he"].iter().any(|w| doc.is(p - 1, w))
                || matches!(doc.toks[p].key, IS | WAS | ARE | AS | SAYS | READS)
                    && person_subject(doc, p)
                // "it's gonna be zainab ueda and ...", "the refill is for malia fonseca
                // member id ...", "are all for precious okonkwo born ..."
                || doc.is(p, "be") && p > 0 && doc.is(p - 1, "gonna")
                // "my account's under inez haddad"
                || doc.is(p, "under")
                // "one of my guys tavita faleolo his ..."
                || doc.flag(p, flag::PERSON_NOUN) && owned(doc, p)
                // "i am the bride isabela cardoso and ..."
                || person_word(doc, p) && p > 0 && doc.is(p - 1, "the") && self_intro(doc, p - 1)
                // "registered to kalani kahananui at ..."
                || doc.is(p, "to")
                    && p > 0
                    && ["registered", "issued", "belongs", "titled", "assigned"]
                        .iter()
                        .any(|w| doc.is(p - 1, w))
                || doc.is(p, "for")
                    && p > 0
                    && ["is", "are", "all", "be", "it's", "that's", "its"]
                        .iter()
                        .any(|w| doc.is(p - 1, w))
        })
}

/// Nouns for people (besides kin words) whose name may be said next: "the other driver was
/// ...", "the tenant over there is ...".
pub(crate) const PERSON_NOUNS: &[&str] = &[
    "patient",
    "caller",
    "insured",
    "client",
    "customer",
    "member",
    "applicant",
    "student",
    "resident",
    "driver",
    "drivers",
    "tenant",
    "tenants",
    "owner",
    "signer",
    "cosigner",
    "doctor",
    "dentist",
    "vet",
    "physician",
    "therapist",
    "pharmacist",
    "dependent",
    "dependents",
    "passenger",
    "passengers",
    "traveler",
    "traveller",
    "guest",
    "recipient",
    "technician",
    "adjuster",
    "attorney",
    "lawyer",
    "nurse",
    "child",
    "kid",
    "kids",
    "children",
    "person",
    "guy",
    "lady",
    "contact",
    "employee",
    "hire",
    "contractor",
    "cardholder",
    "policyholder",
    "holder",
    "beneficiary",
    "landlord",
    "bride",
    "groom",
    "subscriber",
    "borrower",
    "juror",
    "defendant",
    "donor",
    "guys",
    "employees",
    "worker",
    "workers",
    "coworkers",
    "pickup",
    "pickups",
];

/// Documents that carry a name ("the passport says ...", "the ticket reads ...").
const NAME_DOCUMENTS: &[&str] = &[
    "title",
    "deed",
    "passport",
    "license",
    "licence",
    "id",
    "ticket",
    "reservation",
    "booking",
    "badge",
    "lease",
    "card",
    "form",
    "paperwork",
    "certificate",
    "tag",
];

/// Token `i` ("is", "was", "are", "says") has a person for its subject: a kin word or a
/// person noun among the three words before it ("my spouse is", "the tenant over there
/// is"), or, for "says"/"reads", a document that carries a name ("the passport says").
fn person_subject(doc: &Doc, i: usize) -> bool {
    let says = doc.is(i, "says") || doc.is(i, "reads");
    let from = i.saturating_sub(3);
    let Some(before) = doc.toks.get(from..i) else {
        return false;
    };
    !before.iter().any(|t| t.kind == Kind::Punct)
        && before.iter().enumerate().any(|(d, t)| {
            t.kind == Kind::Word
                && if says {
                    NAME_DOCUMENTS.iter().any(|w| doc.is(from + d, w))
                } else {
                    t.lex.has(flag::KIN | flag::PERSON_NOUN)
                }
        })
}

/// Shaped like a surname on its own: "o'connell", "mcallister", "macleod".
fn surname_shaped(w: &[u8]) -> bool {
    let starts = |p: &[u8]| w.len() > p.len() + 2 && w[..p.len()].eq_ignore_ascii_case(p);
    (starts(b"o'") || starts(b"mc") || starts(b"mac"))
        && w[2..]
            .iter()
            .all(|c| c.is_ascii_alphabetic() || *c == b'\'')
}

/// Everyday adjectives and nouns that follow "it's" / "she's" ("it's super slow and",
/// "she's really sick"): never a name.
fn plain_word(w: &[u8]) -> bool {
    const PLAIN: &[&[u8]] = &[
        b"super",
        b"pretty",
        b"bad",
        b"slow",
        b"fast",
        b"late",
        b"early",
        b"hot",
        b"cold",
        b"big",
        b"small",
        b"weird",
        b"crazy",
        b"busy",
        b"free",
        b"expensive",
        b"cheap",
        b"broken",
        b"wrong",
        b"off",
        b"ridiculous",
        b"annoying",
        b"frustrating",
        b"sick",
        b"tired",
        b"upset",
        b"angry",
        b"happy",
        b"fine",
        b"down",
        b"gone",
        b"due",
        b"overdue",
        b"past",
        b"closed",
        b"open",
        b"urgent",
        b"important",
        b"kind",
        b"sort",
        b"like",
        b"literally",
        b"basically",
        b"almost",
        b"about",
        b"over",
        b"under",
        b"less",
        b"more",
        b"way",
        b"too",
        b"totally",
        b"still",
        b"also",
        b"even",
        b"home",
        b"out",
        b"back",
        b"working",
        b"calling",
        b"available",
        b"ready",
        b"done",
        b"okay",
        b"alright",
    ];
    PLAIN.iter().any(|p| p.eq_ignore_ascii_case(w))
}

/// Start of up to three name-like words ending right before `end` (`end` when none).
fn name_words_before(doc: &Doc, end: usize) -> usize {
    let mut s0 = end;
    while s0 > 0 && end - s0 < 3 && namey(doc, s0 - 1) {
        s0 -= 1;
    }
    s0
}

/// A word with a contracted "is" or possessive "'s" ("Kofi's").
fn possessive(doc: &Doc, i: usize) -> bool {
    let b = doc.bytes(i);
    doc.word(i) && b.len() > 3 && b.ends_with(b"'s")
}

/// "this is X", "I'm X", "I am X": a self-introduction right before `i`.
fn self_intro(doc: &Doc, i: usize) -> bool {
    let Some(p) = prev_word(doc, i) else {
        return false;
    };
    doc.is(p, "i'm")
        || doc.is(p, "im")
        || p > 0 && doc.is(p, "is") && doc.is(p - 1, "this")
        || p > 0 && doc.is(p, "am") && doc.is(p - 1, "i")
}

/// The previous word, skipping fillers.
fn prev_word(doc: &Doc, i: usize) -> Option<usize> {
    let mut k = i;
    while k > 0 {
        k -= 1;
        if !doc.filler(k) {
            return doc.word(k).then_some(k);
        }
    }
    None
}

/// Adds the name `i..name_end` and its spelling `spell..end`; a word between them
/// ("spelled") stays.
fn add_spelled_name(doc: &mut Doc, i: usize, name_end: usize, spell: usize, end: usize) {
    if spell > name_end && doc.word(spell - 1) {
        doc.add(EntityType::Person, i, name_end);
        doc.add(EntityType::Person, spell, end);
    } else {
        doc.add(EntityType::Person, i, end);
    }
}

/// [`name_then_spelling`] for the word at `i`, or for it and the next word spelled as
/// one ("al hashimi is a l h a s h i m i"). Returns the name's end, and the start and end
/// of the spelling.
fn word_then_spelling(doc: &Doc, i: usize) -> Option<(usize, usize, usize)> {
    // (Cheap test first: a spelling starts at most a comma, a linking word and a comma
    // after the name.)
    if !doc.letter(i + 1) && !doc.letter(i + 2) && !doc.letter(i + 3) && !doc.letter(i + 4) {
        return None;
    }
    if let Some((spell, end)) = name_then_spelling(doc, i, i + 1) {
        return Some((i + 1, spell, end));
    }
    (doc.toks.get(i + 1).is_some_and(|t| t.space_before)
        && namey(doc, i + 1)
        && (particle(doc, i) || namey(doc, i)))
    .then(|| name_then_spelling(doc, i, i + 2))
    .flatten()
    .map(|(spell, end)| (i + 2, spell, end))
}

/// The name words `i..name_end` followed by their own spelling: "Adams, A D A M S", "burke
/// b u r k e", "Ramsey, R-A-M-S-E-Y", "Nguyen, spelled N-G-U-Y-E-N". Returns the start and
/// end of the spelling.
fn name_then_spelling(doc: &Doc, i: usize, name_end: usize) -> Option<(usize, usize)> {
    let t = doc.toks[i];
    if t.len() < 2 || doc.claimed[i] {
        return None;
    }
    let mut j = name_end;
    if doc.toks.get(j).is_some_and(|t| t.is_punct(b',')) {
        j += 1;
    }
    // (No letter at either place a spelling could start: nothing to read.)
    if !doc.letter(j) && !doc.letter(j + 1) && !doc.letter(j + 2) {
        return None;
    }
    // "Nguyen, spelled N-G-U-Y-E-N", "okafor that's o k a f o r", "halvorsen is h a l v o
    // r s e n", "nguyen like n g u y e n" (the letters must spell the word: any linking
    // word will do)
    const LINKING: [u64; 4] = keys(["is", "like", "it's", "its"]);
    const SPELLED: [u64; 5] = keys(["spelled", "spelt", "that's", "thats", "spelling"]);
    let linking = one_of(doc, j, &LINKING);
    if linking && !(i..name_end).all(|k| namey(doc, k) || particle(doc, k)) {
        // "the rma is r m a two oh ...": an abbreviation read out, not a name.
        return None;
    }
    if linking || one_of(doc, j, &SPELLED) {
        j += 1;
        if doc.toks.get(j).is_some_and(|t| t.is_punct(b',')) {
            j += 1;
        }
    }
    if !doc.letter(j) {
        return None;
    }
    let end = spelled(doc, j);
    if end <= j {
        return None;
    }
    let letters = (j..end)
        .filter(|k| doc.letter(*k))
        .map(|k| doc.bytes(k)[0].to_ascii_lowercase());
    // "O'Brien" is spelled without its apostrophe.
    let lw = (i..name_end)
        .flat_map(|k| doc.bytes(k).iter())
        .filter(|c| c.is_ascii_alphabetic())
        .map(|c| c.to_ascii_lowercase());
    // (A spelling running into a number is an identifier's letters: "r m a two oh ...".)
    let number_after = doc.toks.get(end).is_some_and(|t| {
        matches!(t.kind, Kind::Num | Kind::Alnum)
            || t.kind == Kind::Word && t.lex.num != NumWord::None
    });
    (!(linking && number_after) && letters.eq(lw)).then_some((j, end))
}

/// Token `i` opens a clause: sentence start, or after a greeting / answer word ("yeah,",
/// "hi", "so").
/// Words between a possessive and a kin word: "my *late* husband", "my *business* partner".
const KIN_MODIFIERS: [u64; 20] = keys([
    "ex", "late", "older", "younger", "oldest", "youngest", "eldest", "elder", "little", "big",
    "twin", "business", "best", "step", "adult", "former", "new", "two", "grown", "elderly",
]);

/// Possessive determiners: "my", "her", ... ("my father", "her name").
const OWNERS: [u64; 6] = keys(["my", "her", "his", "our", "their", "your"]);

/// The kin word at `i` belongs to someone: "my", "her", ... right before it, or before one
/// modifier ("my late husband").
fn owned(doc: &Doc, i: usize) -> bool {
    let owner = |k: usize| one_of(doc, k, &OWNERS);
    i > 0 && owner(i - 1) || i > 1 && owner(i - 2) && one_of(doc, i - 1, &KIN_MODIFIERS)
}

/// [`owned`], or with any one content word between owner and person noun ("my web guy
/// sandeep", "her case worker ..."): enough for the weak cue of a person noun, which still
/// needs a known given name or a framing after it.
fn owned_loosely(doc: &Doc, i: usize) -> bool {
    owned(doc, i)
        || i > 1
            && one_of(doc, i - 2, &OWNERS)
            && doc.word(i - 1)
            && !doc.flag(i - 1, flag::STOP | flag::FILLER)
}

/// Things booked or held under a person's name ("the reservation's under ..."), and "it" /
/// "is" ("it's under ...", "the booking is under ...").
const BOOKING_NOUNS: &[&str] = &[
    "reservation",
    "booking",
    "account",
    "order",
    "policy",
    "appointment",
    "file",
    "claim",
    "registration",
    "lease",
    "subscription",
    "table",
    "room",
    "ticket",
    "it",
    "is",
];

/// Token `k` is a [`BOOKING_NOUNS`] word, or one with "'s" ("reservation's").
fn booking_noun(doc: &Doc, k: usize) -> bool {
    if !doc.word(k) {
        return false;
    }
    let w = doc.bytes(k);
    let stem = w
        .strip_suffix(b"'s")
        .or_else(|| w.strip_suffix("\u{2019}s".as_bytes()))
        .unwrap_or(w);
    BOOKING_NOUNS
        .iter()
        .any(|n| stem.eq_ignore_ascii_case(n.as_bytes()))
}

/// Token `j` is a month's name used as a given name ("june", "april", "august" after "my
/// wife"; "may" is too common a word): no number, ordinal or "the"/"of" on either side.
fn month_as_name(doc: &Doc, j: usize) -> bool {
    let numeric = |k: usize| {
        doc.toks.get(k).is_some_and(|t| {
            matches!(t.kind, Kind::Num | Kind::Alnum)
                || t.kind == Kind::Word && (t.lex.num != NumWord::None || t.lex.ordinal > 0)
        })
    };
    doc.word(j)
        && !doc.claimed[j]
        && doc.toks[j].lex.month > 0
        && doc.toks[j].len() > 3
        && !numeric(j + 1)
        && !doc.is(j + 1, "the")
        && !doc.is(j + 1, "of")
        && !numeric(j.wrapping_sub(1))
}

/// Token `i` is "name", "name's" or "names" (the last as speech-to-text writes "name's").
fn name_noun(doc: &Doc, i: usize) -> bool {
    doc.is(i, "name") || doc.is(i, "name's") || doc.is(i, "names")
}

/// Animals whose names are no PII ("the dog's name is Biscuit").
const PET_WORDS: &[&str] = &[
    "cat's", "dog's", "pet's", "puppy's", "kitten's", "horse's", "bird's", "parrot's", "rabbit's",
    "bunny's", "cat", "dog", "pet", "puppy", "kitten",
];

/// "my name's may lin chow", "my sister april okafor": a month's name (or "may") as a given
/// name, followed by name words (a known given name or surname, or two name words).
fn month_then_name(doc: &Doc, j: usize) -> bool {
    doc.word(j)
        && !doc.claimed[j]
        && doc.toks[j].lex.month > 0
        && namey(doc, j + 1)
        && (doc.flag(j + 1, flag::FIRST | flag::LAST) || namey(doc, j + 2))
}

/// Past "in law" / "-in-law" after a kin word at `i - 1` ("father in law", "son-in-law").
fn in_law_end(doc: &Doc, i: usize) -> usize {
    let dash = |k: usize| doc.toks.get(k).is_some_and(|t| t.is_punct(b'-'));
    let mut j = i;
    if dash(j) {
        j += 1;
    }
    if !doc.is(j, "in") {
        return i;
    }
    j += 1;
    if dash(j) {
        j += 1;
    }
    if doc.is(j, "law") || doc.is(j, "laws") {
        j + 1
    } else {
        i
    }
}

/// A second person after the name `s..e`, joined by "and": a known given name ("anil and
/// rekha chatterjee") or two name words that end the clause. Only after a one-word given
/// name (two people sharing a surname) or a plural kin word ("my parents ...").
fn and_second_name(doc: &Doc, s: usize, e: usize) -> Option<(usize, usize)> {
    if !doc.is(e, "and") {
        return None;
    }
    let plural_kin = prev_word(doc, s)
        .is_some_and(|p| doc.flag(p, flag::KIN) && doc.bytes(p).last() == Some(&b's'));
    if e != s + 1 && !plural_kin {
        return None;
    }
    let j = e + 1;
    let person_word = |k: usize| doc.flag(k, flag::KIN | flag::PERSON_NOUN);
    if !namey(doc, j) || person_word(j) || plain_word(doc.bytes(j)) {
        return None;
    }
    let known = doc.flag(j, flag::FIRST) && !doc.flag(j, flag::AMBIGUOUS | flag::STOP);
    let two = namey(doc, j + 1) && !person_word(j + 1) && !plain_word(doc.bytes(j + 1));
    if !known && !two {
        return None;
    }
    let end = take_name(doc, j, Cue::Strong)?;
    (known || end >= j + 2).then_some((j, end))
}

/// People joined to a found name by "and": before it, a known given name ("jonah and [clara
/// beckwith]"), two name words whose surname the found name shares ("gregor walczak and
/// [anna walczak-brandt]") or one more given name in lower-case text; after it, a known
/// given name ("[jae-won] and jolene").
fn given_name_before_and(doc: &mut Doc) {
    let mut add = Vec::new();
    for f in &doc.found {
        if f.kind != EntityType::Person || f.t0 < 2 || !doc.is(f.t0 - 1, "and") {
            continue;
        }
        let g = f.t0 - 2;
        if !namey(doc, g) || doc.flag(g, flag::KIN | flag::PERSON_NOUN) {
            continue;
        }
        if doc.flag(g, flag::FIRST) && !doc.flag(g, flag::AMBIGUOUS | flag::STOP) {
            add.push((g, g + 1));
            continue;
        }
        // The same surname: the last word of the found name starts with the word before
        // "and" ("walczak" / "walczak-brandt").
        let last = doc.bytes(g);
        let shared = (f.t0..f.t1)
            .any(|k| k > f.t0 && doc.word(k) && doc.bytes(k).eq_ignore_ascii_case(last));
        if g > 0 && namey(doc, g - 1) && shared {
            add.push((g - 1, g + 1));
        } else if f.t1 == f.t0 + 2
            && doc.flag(f.t0, flag::FIRST)
            && !doc.cased
            && doc.toks[g].len() >= 3
            && !plain_word(last)
            && !common_shape(last)
            && (g == 0 || !namey(doc, g - 1) && !determiner(doc, g - 1))
        {
            // "instead jonah and clara beckwith": one more given name before a given name
            // and the surname they share (not a noun: "my office and john smith").
            add.push((g, g + 1));
        }
    }
    // "dependents are jae-won and jolene born ...": a known given name after a found name
    // and "and".
    for f in &doc.found {
        let g = f.t1 + 1;
        if f.kind == EntityType::Person
            && doc.is(f.t1, "and")
            && namey(doc, g)
            && doc.flag(g, flag::FIRST)
            && !doc.flag(
                g,
                flag::AMBIGUOUS | flag::STOP | flag::KIN | flag::PERSON_NOUN,
            )
        {
            add.push((g, g + 1));
        }
    }
    for (a, b) in add {
        doc.add(EntityType::Person, a, b);
    }
}

/// The first word of a place named after a person or saint: "san luis obispo", "santa
/// rosa", "fort collins", "port arthur", "mount vernon", "lake charles".
fn place_prefix(doc: &Doc, i: usize) -> bool {
    const PREFIXES: [u64; 10] = keys([
        "san", "santa", "santo", "sao", "fort", "ft", "port", "mount", "mt", "lake",
    ]);
    one_of(doc, i, &PREFIXES)
}

/// Words that open a turn before a name addressed after a comma ("Okay, Tomás, ...",
/// "Congratulations, Isabela!"): never the surname of a "Surname, Given" pair.
const GREETINGS: &[&str] = &[
    "okay",
    "ok",
    "thanks",
    "hi",
    "hello",
    "sure",
    "alright",
    "yes",
    "congratulations",
    "congrats",
    "welcome",
    "hey",
    "you",
    "perfect",
    "great",
    "morning",
    "afternoon",
    "evening",
    "bye",
    "goodbye",
    "sorry",
];

/// A capitalised word opening a formatted turn, then a comma and a word that speaks to
/// someone ("Hoa, your award is ...", "Maria, I see ..."): a known given name, or a word
/// the lexicon does not know that is not shaped like an English word ("Unfortunately,
/// your ..." stays) nor a discourse word ("Listen, you ...").
#[inline(never)] // rare: kept out of the name pass's loop
fn opening_vocative(doc: &Doc, i: usize) -> bool {
    const ADDRESSED: &[&str] = &[
        "your",
        "you",
        "you're",
        "i",
        "i'm",
        "i've",
        "we",
        "we've",
        "we're",
        "thanks",
        "thank",
        "please",
        "it's",
        "this",
        "congratulations",
        "welcome",
    ];
    const DISCOURSE: &[&str] = &[
        "listen",
        "look",
        "wait",
        "hold",
        "again",
        "anyway",
        "also",
        "now",
        "well",
        "right",
        "great",
        "perfect",
        "awesome",
        "honestly",
        "basically",
        "first",
        "second",
        "finally",
        "meanwhile",
        "otherwise",
        "instead",
        "still",
        "besides",
        "today",
        "yesterday",
        "tomorrow",
        "tonight",
        "unfortunately",
        "luckily",
        "hopefully",
        "sadly",
        "apparently",
        "understood",
        "noted",
        "gotcha",
        "done",
        "sir",
        "ma'am",
        "maam",
        "folks",
        "guys",
        "everyone",
        "team",
        "mom",
        "dad",
    ];
    let t = match doc.toks.get(i) {
        Some(t) => *t,
        None => return false,
    };
    if !doc.cased || t.case != Case::Title || t.len() < 3 || doc.claimed[i] {
        return false;
    }
    let known = t.lex.has(flag::FIRST) && !t.lex.has(flag::AMBIGUOUS | flag::STOP);
    let unknown = t.lex.no_role_flags()
        && t.lex.concept == Concept::None
        && t.lex.num == NumWord::None
        && t.lex.month == 0;
    (known || unknown && !english_suffix(doc.bytes(i)))
        && !DISCOURSE.iter().any(|w| doc.is(i, w))
        && doc.toks.get(i + 1).is_some_and(|c| c.is_punct(b','))
        && ADDRESSED.iter().any(|w| doc.is(i + 2, w))
        && opens_clause(doc, i)
}

/// Endings of English nouns, adjectives and adverbs ("Congratulations", "Unfortunately",
/// "Management"): a capitalised word with one of them is not a surname.
fn english_suffix(w: &[u8]) -> bool {
    const ENDINGS: &[&[u8]] = &[
        b"tion", b"tions", b"ment", b"ments", b"ness", b"ity", b"ful", b"ous", b"able", b"ible",
        b"ship", b"ance", b"ence", b"ly", b"ing",
    ];
    ENDINGS
        .iter()
        .any(|e| w.len() > e.len() + 2 && w[w.len() - e.len()..].eq_ignore_ascii_case(e))
}

/// A kin word or a noun for a person ("bride", "subscriber", "tenant").
fn person_word(doc: &Doc, i: usize) -> bool {
    doc.flag(i, flag::KIN | flag::PERSON_NOUN)
}

/// Someone's: "my", "his", "her", "their", "our", a possessive ("wife's"), or a kin word
/// with the possessive "s" written without its apostrophe ("wifes", "husbands").
fn owner_word(doc: &Doc, p: usize) -> bool {
    if one_of(doc, p, &OWNERS) || possessive(doc, p) {
        return true;
    }
    let b = doc.bytes(p);
    b.len() > 3
        && b.len() <= 25
        && b.ends_with(b"s")
        && crate::redact::lexicon::lookup(&b[..b.len() - 1].to_ascii_lowercase()).has(flag::KIN)
}

/// "thandiwe mahlangu is the other name on the lease", "Gunther Ruckert is the second name
/// on the account": name words right before "is the [other] name". Returns their span.
fn named_before_is(doc: &Doc, i: usize) -> Option<(usize, usize)> {
    if !doc.is(i, "name") || i < 3 {
        return None;
    }
    let mut k = i - 1;
    let mut skipped = 0;
    while skipped < 3
        && [
            "the", "other", "second", "another", "also", "only", "main", "primary",
        ]
        .iter()
        .any(|w| doc.is(k, w))
    {
        k = k.checked_sub(1)?;
        skipped += 1;
    }
    if skipped == 0 || !doc.is(k, "is") || !doc.is(k + 1, "the") {
        return None;
    }
    let s0 = name_words_before(doc, k);
    let known = (s0..k).any(|w| doc.flag(w, flag::FIRST));
    (s0 < k && (k - s0 >= 2 || known)).then_some((s0, k))
}

/// A determiner or possessive: the word after it is a noun, not a name.
fn determiner(doc: &Doc, i: usize) -> bool {
    const DETERMINERS: [u64; 16] = keys([
        "the", "a", "an", "my", "our", "your", "his", "her", "their", "this", "that", "some",
        "any", "no", "each", "every",
    ]);
    one_of(doc, i, &DETERMINERS)
}

fn opens_clause(doc: &Doc, i: usize) -> bool {
    if sentence_start(doc, i) {
        return true;
    }
    let mut k = i;
    while k > 0 && (doc.toks[k - 1].is_punct(b',') || doc.filler(k - 1)) {
        k -= 1;
    }
    const OPENERS: [u64; 11] = keys([
        "yeah", "yes", "hi", "hello", "hey", "ok", "okay", "so", "well", "yep", "sure",
    ]);
    k == 0 || sentence_start(doc, k) || one_of(doc, k - 1, &OPENERS)
}

fn sentence_start(doc: &Doc, i: usize) -> bool {
    i == 0
        || doc.toks[i - 1].kind == Kind::Punct && matches!(doc.toks[i - 1].ch, b'.' | b'?' | b'!')
}

/// "that's" / "thats", as in "... that's me".
const THATS: [u64; 2] = keys(["that's", "thats"]);

/// "yeah august rivers that's me", "Priya Raman, that's me": one to three name words (an
/// everyday word or a month's name among them) that open the answer (after "yes", "yeah",
/// fillers) right before "that's me" are a name.
fn confirmed_name_before(doc: &mut Doc, i: usize) {
    let mut end = i;
    if end > 0 && doc.toks[end - 1].is_punct(b',') {
        end -= 1;
    }
    let mut k = end;
    while k > 0 && end - k < 3 {
        let p = k - 1;
        let t = &doc.toks[p];
        let word = t.kind == Kind::Word
            && !doc.claimed[p]
            && !t.lex.has(flag::STOP | flag::FILLER)
            && t.lex.concept == Concept::None
            && t.lex.num == NumWord::None
            && (namey(doc, p) || t.lex.has(flag::AMBIGUOUS) || t.lex.month > 0);
        if !word {
            break;
        }
        k = p;
    }
    let opens = (0..k).all(|p| {
        doc.filler(p)
            || doc.toks[p].kind == Kind::Punct
            || ["yes", "yeah", "yep", "sure", "okay", "ok", "um", "uh"]
                .iter()
                .any(|w| doc.is(p, w))
    });
    if k < end && opens {
        doc.add(EntityType::Person, k, end);
    }
}

/// "Dana Smith speaking": up to three name words before `speaking`.
fn name_before(doc: &mut Doc, i: usize, known_only: bool) {
    let mut k = i;
    let mut j = i;
    while k > 0 && j - k < 3 {
        let p = k - 1;
        if doc.toks[p].is_punct(b',') && k == j {
            k = p;
            j = p;
            continue;
        }
        if namey(doc, p)
            && (doc.flag(p, flag::FIRST)
                || doc.flag(p, flag::LAST)
                || doc.titled(p)
                || !doc.cased && !known_only)
        {
            k = p;
        } else {
            break;
        }
    }
    if k < j {
        doc.add(EntityType::Person, k, j);
    }
}

/// A name found in the utterance spelled again elsewhere in it ("my name is ewa nowak thats
/// e w a and ...", "under joao and maria silva joao with no accent j o a o",
/// "Abdel-Rahman, spelled A-B-D-E-L"): letters said one by one that spell a word of a found
/// name are that name; and a word a few words before or after a spelling found as a name
/// or opening a mailbox, which the spelling spells ("the tadesse family t a d e s s e",
/// "k o b a y a s h i dot r at gmail dot com kobayashi like ..."), is the name too.
pub(crate) fn spelled_again(doc: &mut Doc) {
    /// Tokens between a name and its spelling, at most.
    const NEAR: usize = 40;
    let n = doc.toks.len();
    let mut i = 0;
    while i < n {
        if doc.claimed[i] || !doc.letter(i) {
            i += 1;
            continue;
        }
        let spelled = letters_at(doc, i, n, true);
        let word = spelled.word();
        // (Names found near the spelling only: linear in the text however many it holds.)
        let spells_a_name = word.len() >= 2
            && doc.found.iter().any(|f| {
                f.kind == EntityType::Person
                    && f.t1 + NEAR >= i
                    && f.t0 <= spelled.end + NEAR
                    && (f.t0..f.t1).any(|k| {
                        doc.toks[k].kind == Kind::Word && doc.bytes(k).eq_ignore_ascii_case(word)
                    })
            });
        if spells_a_name {
            doc.add(EntityType::Person, i, spelled.end);
        }
        i = spelled.end.max(i + 1);
    }
    // "can you put it under the tadesse family t a d e s s e", "it's k o b a y a s h i dot
    // r at gmail dot com kobayashi like ...": a word a few words before or after a spelled
    // name or mailbox, spelled by it, is that name.
    let mut add: Vec<usize> = Vec::new();
    for f in doc
        .found
        .iter()
        .filter(|f| matches!(f.kind, EntityType::Person | EntityType::Email))
    {
        // The first run of single letters inside the entity.
        let Some(l0) = (f.t0..f.t1).find(|&k| doc.letter(k)) else {
            continue;
        };
        let spelled = letters_at(doc, l0, f.t1, false);
        let word = spelled.word();
        // (A person's spelling must be the whole entity; a mailbox's, its first part.)
        if word.len() < 3 || f.kind == EntityType::Person && (l0 != f.t0 || spelled.end != f.t1) {
            continue;
        }
        let same = |k: usize| {
            !doc.claimed[k]
                && doc.toks[k].kind == Kind::Word
                && doc.bytes(k).eq_ignore_ascii_case(word)
        };
        add.extend((f.t0.saturating_sub(4)..f.t0).find(|&k| same(k)));
        add.extend((f.t1..(f.t1 + 4).min(n)).find(|&k| same(k)));
    }
    for k in add {
        doc.add(EntityType::Person, k, k + 1);
    }
}

/// Letters said one by one, lower-cased (at most 24), and the token after the last.
struct Letters {
    buf: [u8; 24],
    len: usize,
    end: usize,
}

impl Letters {
    fn word(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

/// The one-letter words from `from` (before `to`), maybe joined by tight hyphens
/// ("e w a", "A-B-D-E-L"); `free`: only unclaimed ones.
fn letters_at(doc: &Doc, from: usize, to: usize, free: bool) -> Letters {
    let mut l = Letters {
        buf: [0; 24],
        len: 0,
        end: from,
    };
    let mut j = from;
    while j < to && l.len < l.buf.len() && doc.letter(j) && !(free && doc.claimed[j]) {
        l.buf[l.len] = doc.bytes(j)[0].to_ascii_lowercase();
        l.len += 1;
        j += 1;
        l.end = j;
        if j + 1 < to && doc.toks[j].is_punct(b'-') && !doc.toks[j].space_before {
            j += 1;
        }
    }
    l
}

/// "mrs achterberg rosalind achterberg", "i'm kaito sato k a i t o", "fatima hyphen zahra":
/// one word left between two names found right before and after it — a name word, or a
/// spoken "hyphen" / "dash" — is part of one name with them.
pub(crate) fn between_names(doc: &mut Doc) {
    names_after_and(doc);
    let mut names: Vec<usize> = (0..doc.found.len())
        .filter(|&f| doc.found[f].kind == EntityType::Person)
        .collect();
    if names.len() < 2 {
        return;
    }
    names.sort_unstable_by_key(|&f| doc.found[f].t0);
    let mut gone: Vec<usize> = Vec::new();
    let mut a = names[0];
    for &b in &names[1..] {
        let (a1, b0) = (doc.found[a].t1, doc.found[b].t0);
        let joins = b0 == a1 + 1
            && !doc.claimed[a1]
            && (namey(doc, a1) || doc.is(a1, "hyphen") || doc.is(a1, "dash"));
        if joins {
            doc.claimed[a1] = true;
            doc.found[a].t1 = doc.found[b].t1;
            gone.push(b);
        } else {
            a = b;
        }
    }
    doc.drop_found(&gone);
}

/// "it's seamus not shamus s e a m u s": the name a found name is corrected from (the
/// misspelling on file) is a name too.
pub(crate) fn corrected_from(doc: &mut Doc) {
    let wrong: Vec<usize> = doc
        .found
        .iter()
        .filter(|f| f.kind == EntityType::Person && doc.is(f.t1, "not") && namey(doc, f.t1 + 1))
        .map(|f| f.t1 + 1)
        .collect();
    for k in wrong {
        doc.add(EntityType::Person, k, k + 1);
    }
}

/// "my parents, Obinna and Grace", "Rafael, Inês, and little Bia": in a formatted text, a
/// capitalised word after a found name and "and" (", and", "and little") is the next name
/// of the list, even an everyday word ("Grace"); not "I", not a business ("and Sons").
fn names_after_and(doc: &mut Doc) {
    if !doc.cased {
        return;
    }
    let ends: Vec<usize> = doc
        .found
        .iter()
        .filter(|f| f.kind == EntityType::Person)
        .map(|f| f.t1)
        .collect();
    for t1 in ends {
        let mut k = t1;
        if doc.toks.get(k).is_some_and(|t| t.is_punct(b',')) {
            k += 1;
        }
        if !doc.is(k, "and") || doc.claimed[k] {
            continue;
        }
        k += 1;
        if doc.is(k, "little") || doc.is(k, "baby") {
            k += 1;
        }
        let name = |j: usize| {
            doc.word(j)
                && doc.titled(j)
                && !doc.titled_upper(j)
                && !doc.claimed[j]
                && doc.toks[j].len() >= 2
                && (namey(doc, j) || doc.flag(j, flag::AMBIGUOUS))
                && !BUSINESS_WORDS.iter().any(|w| doc.is(j, w))
        };
        if !name(k) {
            continue;
        }
        let mut end = hyphen_tail(doc, k + 1);
        if name(end) && doc.flag(end, flag::LAST) {
            end = hyphen_tail(doc, end + 1);
        }
        doc.add(EntityType::Person, k, end);
    }
}

/// "The reservation is for the Duarte family", "the smith household": the word between
/// "the" and "family" is a surname (capitalised in a formatted text; a known surname in
/// lower case).
pub(crate) fn family_names(doc: &mut Doc) {
    const FAMILY: [u64; 2] = keys(["family", "family's"]);
    // (Most texts have no "the": nothing to look at.)
    if doc.flags & flag::THE == 0 {
        return;
    }
    // (Only a word packs to a key; the key of "the" is that of a word of three letters.)
    const THE: u64 = pack_word(b"the");
    for k in 2..doc.toks.len() {
        if doc.toks[k - 2].key != THE {
            continue;
        }
        let key = doc.toks[k].key;
        if !(FAMILY.contains(&key) || key == 0 && doc.is(k, "household")) {
            continue;
        }
        let j = k - 1;
        let surname = namey(doc, j)
            && !doc.flag(j, flag::AMBIGUOUS | flag::KIN | flag::PERSON_NOUN)
            && if doc.cased {
                doc.titled(j) && !doc.titled_upper(j)
            } else {
                doc.flag(j, flag::LAST)
            };
        if surname && !BUSINESS_WORDS.iter().any(|w| doc.is(j, w)) {
            doc.add(EntityType::Person, j, k);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::PLACES_AND_BRANDS;

    #[test]
    fn places_and_brands_are_sorted_lower_case_for_the_binary_search() {
        assert!(PLACES_AND_BRANDS.windows(2).all(|w| w[0] < w[1]));
        assert!(PLACES_AND_BRANDS
            .iter()
            .all(|w| w.bytes().all(|b| b.is_ascii_lowercase()) && w.len() <= 16));
    }
}
