//! Classifies number runs: the context keywords around a run (and the previous turn) say
//! what it could be, the validators (Luhn, SSN rules, NANP, ABA) and the shape confirm it,
//! unit words (dollars, minutes, percent, o'clock) and identifier words (order, ticket,
//! tracking) keep it.

use crate::redact::doc::Doc;
use crate::redact::entity::EntityType;
use crate::redact::lexicon::{self, flag, Concept, NumWord};
use crate::redact::numbers::Run;
use crate::redact::tokens::{keys, pack_word, Kind, Tok};
use crate::redact::validate;

/// Token `t` is the ASCII word `w` (at most 8 bytes, checked at compile time): one compare
/// with a constant key (only words have a key; see [`Tok::key`]).
macro_rules! key_is {
    ($t:expr, $w:literal) => {
        $t.key == {
            const K: u64 = {
                let k = pack_word($w.as_bytes());
                assert!(k != 0, "key_is! takes a word of 1 to 8 bytes");
                k
            };
            K
        }
    };
}

/// What the previous turn (or segment) says about this utterance.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Prior {
    /// The previous turn ended inside a number of this type: a number opening this
    /// utterance continues it.
    pub continues: Option<EntityType>,
    /// The previous turn asked for this (first strong keyword of the question).
    pub asked: Concept,
    /// The previous turn asked for a name.
    pub asked_name: bool,
    /// Bank words in the previous turn.
    pub bank: bool,
    /// The previous turn talked about an e-mail address ("can I grab an email?").
    pub asked_email: bool,
    /// This utterance is the caller's ([`crate::redact::Role::User`]): "our address"
    /// is a household's, not the business's. Set from the utterance's own speaker, never
    /// read off the previous turn.
    pub caller: bool,
}

/// Result of looking around a run.
#[derive(Debug, Clone, Copy, Default)]
struct Around {
    concept: Concept,
    weak_number: bool,
    weak_id: bool,
    money: bool,
    /// A currency sign right before the run: an amount, whatever the keyword.
    dollar: bool,
    /// The phone keyword was "area code": a three-digit run is the area code.
    area_code: bool,
    inherit: Option<EntityType>,
    /// The negative keyword labels the number before this one ("Order W114-88270 was
    /// billed to ..."): it reaches this run only by inheritance.
    negative_inherited: bool,
}

/// The keyword of word `k`: its lexicon concept, except "case" in "in case" ("in case we
/// get disconnected my number is ...": no case number).
#[inline(always)]
fn concept_at(doc: &Doc, k: usize) -> Concept {
    let c = doc.toks[k].lex.concept;
    match c {
        Concept::Negative | Concept::Bank | Concept::Card => concept_in_phrase(doc, k, c),
        // (Phone words are frequent — "call", "home", "work" —: only "on the phone" is
        // looked at further.)
        Concept::Phone if k >= 3 && doc.is(k - 2, "on") => concept_in_phrase(doc, k, c),
        // "reissued under check number four four eight one seven": a check's number; "chart
        // number p e d ...": a medical record's.
        Concept::Number if k > 0 && (doc.is(k - 1, "check") || doc.is(k - 1, "cheque")) => {
            Concept::Negative
        }
        Concept::Number if k > 0 && doc.is(k - 1, "chart") => Concept::AccountId,
        _ => c,
    }
}

/// [`concept_at`] for the keywords whose phrase can undo them (kept out of line: the look
/// back calls `concept_at` for every word it passes).
#[inline(never)]
fn concept_in_phrase(doc: &Doc, k: usize, c: Concept) -> Concept {
    if c == Concept::Negative && k > 0 && doc.is(k, "case") && doc.is(k - 1, "in")
        // "her member ID is RX-4471-9023": a label written in capitals and glued to the
        // digits is the code's prefix; the words before it say what the code is.
        || c == Concept::Negative && glued_prefix(doc, k)
        || c == Concept::Bank && (checking_in(doc, k) || printed_on(doc, k, true, true))
        || c == Concept::Card && card_as_place(doc, k)
        || c == Concept::Negative && document_as_place(doc, k)
        || c == Concept::Phone && phone_as_place(doc, k)
    {
        Concept::None
    } else {
        c
    }
}

/// Token `k` is a capitalised word glued by a hyphen to the digits after it ("RX-4471"),
/// with a personal identifier's keyword ("member", "id", "account", ...) before it.
fn glued_prefix(doc: &Doc, k: usize) -> bool {
    doc.cased
        && doc.toks[k].case == crate::redact::tokens::Case::Upper
        && doc
            .toks
            .get(k + 1)
            .is_some_and(|t| t.is_punct(b'-') && !t.space_before)
        && doc
            .toks
            .get(k + 2)
            .is_some_and(|t| t.kind == Kind::Num && !t.space_before)
        && (k.saturating_sub(4)..k).any(|p| {
            doc.word(p) && matches!(doc.toks[p].lex.concept, Concept::AccountId | Concept::Id)
        })
}

/// The keyword at `k` names a thing a number is printed on or is for, after "on the" /
/// "on your" (and "on my", "for the", "for my", ... with `loose`), with the number's own
/// label in the three words before: where the number is, not what it is (the label then
/// governs it). `negative_label`: a non-personal label (order, IMEI, ...) counts too.
fn printed_on(doc: &Doc, k: usize, loose: bool, negative_label: bool) -> bool {
    // ("the customer number on my last invoice": one word saying which paper.)
    let a = usize::from(
        k > 3
            && [
                "last", "latest", "recent", "current", "old", "new", "first", "monthly",
            ]
            .iter()
            .any(|w| doc.is(k - 1, w)),
    );
    let k = k - a;
    k >= 3
        && (doc.is(k - 1, "the")
            || doc.is(k - 1, "your")
            || loose && (doc.is(k - 1, "my") || doc.is(k - 1, "today's")))
        && (doc.is(k - 2, "on") || loose && doc.is(k - 2, "for"))
        && (k.saturating_sub(5)..k - 2).any(|p| {
            doc.word(p)
                && match doc.toks[p].lex.concept {
                    Concept::Id | Concept::AccountId | Concept::Account => true,
                    Concept::Negative => negative_label,
                    // "phone number on the order is ...": a personal item on a paper
                    Concept::Phone | Concept::Birth => loose,
                    _ => false,
                }
        })
}

/// "the group number on the card is", "the member id on your card": the card a number is
/// printed on. ("Put the mail-order on my Visa", "put it on my card": paying with it —
/// only "card" after "on the" / "on your" is a place.)
fn card_as_place(doc: &Doc, k: usize) -> bool {
    doc.is(k, "card") && printed_on(doc, k, false, true)
}

/// "the customer number on the invoice is LC-30982", "my insurance policy number for the
/// trip is ...": the paper ("invoice", "receipt", ...) a personal identifier is printed on,
/// or the thing it is for.
fn document_as_place(doc: &Doc, k: usize) -> bool {
    printed_on(doc, k, true, false)
}

/// "the IMEI on the phone they activated is 3569...": the phone a device number is
/// printed on.
fn phone_as_place(doc: &Doc, k: usize) -> bool {
    printed_on(doc, k, true, true)
}

/// "checking in around ten thirty", "checking out on the 5th", "checking on my order":
/// the verb, not a checking account.
pub(crate) fn checking_in(doc: &Doc, k: usize) -> bool {
    doc.is(k, "checking")
        && [
            "in", "out", "on", "if", "with", "back", "to", "for", "that", "whether",
        ]
        .iter()
        .any(|w| doc.is(k + 1, w))
}

/// The turn names an amount ("amount", "balance", "$", "dollars").
fn amount_named(doc: &Doc) -> bool {
    doc.flags & flag::MONEY != 0
        || doc
            .toks
            .iter()
            .any(|t| t.kind == Kind::Word && t.lex.concept == Concept::Money || t.is_punct(b'$'))
}

/// The turn names something other than a card that expires (a warranty, lease, policy,
/// membership, ...) and no card.
fn other_thing_expires(doc: &Doc) -> bool {
    const THINGS: [u64; 12] = [
        pack_word(b"warranty"),
        pack_word(b"lease"),
        pack_word(b"policy"),
        pack_word(b"license"),
        pack_word(b"licence"),
        pack_word(b"coverage"),
        pack_word(b"passport"),
        pack_word(b"contract"),
        pack_word(b"coupon"),
        pack_word(b"promo"),
        pack_word(b"offer"),
        pack_word(b"permit"),
    ];
    const LONG: [&str; 3] = ["membership", "subscription", "registration"];
    !card_named(doc)
        && doc.toks.iter().enumerate().any(|(k, t)| {
            t.kind == Kind::Word
                && (THINGS.contains(&t.key) || t.len() > 8 && LONG.iter().any(|w| doc.is(k, w)))
        })
}

/// The turn names a card ("card", "visa", ...).
fn card_named(doc: &Doc) -> bool {
    doc.toks
        .iter()
        .any(|t| t.kind == Kind::Word && t.lex.concept == Concept::Card)
}

/// Words scanned before a run.
const WINDOW: usize = 8;

fn look_back(doc: &Doc, t0: usize) -> Around {
    look_back_at(doc, t0, 0)
}

fn look_back_at(doc: &Doc, t0: usize, depth: u8) -> Around {
    let mut a = Around::default();
    // "It's 11/23/1990. Wait, no, 11/23/1991.": a number said again as a correction of the
    // entity right before it is that entity.
    if depth == 0 {
        if let Some(kind) = corrected_before(doc, t0) {
            a.inherit = Some(kind);
            return a;
        }
    }
    let mut words = 0;
    let mut code = false;
    // The token of the code word (for "the back code is": the back right before it).
    let mut code_k = usize::MAX;
    let mut back = false;
    let mut the_back = false;
    let mut digit_word = false;
    let mut preposition = false;
    // "..., sure, it's 440 58 7359": an answer marker starts a new answer, so a label of
    // the number before it does not govern this one.
    let mut answer_marker = false;
    // Past a sentence end: words of the previous sentence that would keep the number
    // (amounts, identifiers, "ending in") describe something else; personal-data
    // keywords still reach (an answer to "what's your card number?").
    let mut past_sentence = false;
    // A content word passed ("date of birth 14 Feb 1991, flying Dec 20"): what comes after
    // it is not a restatement of the entity before it.
    let mut content_word = false;
    // A possessive pronoun ("mine", "his") passed.
    let mut theirs = false;
    let mut k = t0;
    while k > 0 && words < WINDOW {
        k -= 1;
        // "my social's last four is ...": "last four" says the number ends there (like
        // "ending in"); personal only for a social named right before it (a card's last
        // four are not).
        if k > 0
            && doc.run_at[k] != 0
            && !doc.claimed[k]
            && doc.is(k, "four")
            && doc.is(k - 1, "last")
        {
            let named = |c: Concept| {
                (k.saturating_sub(4)..k - 1)
                    .any(|p| doc.word(p) && !doc.claimed[p] && doc.toks[p].lex.concept == c)
            };
            if named(Concept::Ssn) {
                a.concept = Concept::Ssn;
                return a;
            }
            if named(Concept::Card) {
                a.concept = Concept::Ending;
                return a;
            }
            // (Otherwise the words before, or the question asked, say whose.)
            words += 2;
            k -= 1;
            continue;
        }
        // "the 3-digit code is", "nine digit routing number": a count of digits describes
        // the keyword after it; it is not a number of its own.
        if doc.run_at[k] != 0 && !doc.claimed[k] && digit_count_word(doc, k + 1) {
            let r = &doc.runs[doc.run_at[k] as usize - 1];
            if r.t1 == k + 1 && r.n() <= 2 {
                digit_word = true;
                words += 1;
                k = r.t0;
                continue;
            }
        }
        if doc.run_at[k] != 0
            && !doc.claimed[k]
            && a.concept == Concept::None
            && !a.weak_number
            && !answer_marker
            && words <= 3
            && depth < 2
        {
            // "the tracking on order 123 is 9400...": an identifier word before the previous
            // number governs this one too (over two numbers: "tracking is one z nine nine
            // nine a a one oh one ...").
            let prev = doc.runs[doc.run_at[k] as usize - 1].t0;
            let inner = look_back_at(doc, prev, depth + 1);
            if inner.concept == Concept::Negative {
                a.concept = Concept::Negative;
                a.negative_inherited = true;
                return a;
            }
            break;
        }
        if doc.claimed[k]
            && a.concept == Concept::None
            && (words <= 3 || theirs && words <= 4)
            && depth == 0
            && !preposition
            && !answer_marker
            && !content_word
        {
            // "it's March fourteenth, nineteen eighty four. So oh three, one four, eighty
            // four": a restatement right after an entity is the same entity.
            if let Some(f) = doc.found.iter().find(|f| f.t0 <= k && k < f.t1) {
                a.inherit = Some(f.kind);
            }
            break;
        }
        // "the ticket number for my son [PERSON] is ...": names are found after numbers, so
        // a name is passed over here as a word — and so is our own placeholder for one
        // (redacting twice changes nothing).
        if doc.toks[k].kind == Kind::Placeholder
            && placeholder_kind(doc, k) == Some(EntityType::Person)
        {
            content_word = true;
            words += 1;
            continue;
        }
        if doc.run_at[k] != 0 || doc.claimed[k] || doc.toks[k].kind == Kind::Placeholder {
            break;
        }
        let t = doc.toks[k];
        if doc.letter(k) {
            // Spelled keywords: "d o b", "s s n", "c v v", "a b a", "m r n".
            let dotted = k >= 4
                && doc.toks[k - 1].is_punct(b'.')
                && doc.letter(k - 2)
                && doc.toks[k - 3].is_punct(b'.')
                && doc.letter(k - 4);
            let (k1, k2) = if dotted {
                (k - 2, k - 4)
            } else {
                (k.wrapping_sub(1), k.wrapping_sub(2))
            };
            // "the p o is seven seven two three one nine": a purchase order (a "p o box"
            // is an address, found before this).
            // "the repeat r x four four one nine oh two": a prescription number.
            if k >= 1
                && key_is!(t, "x")
                && doc.is(k - 1, "r")
                && !(k >= 2 && doc.letter(k - 2))
                && !doc.letter(k + 1)
            {
                a.concept = Concept::Negative;
                return a;
            }
            if k >= 1
                && key_is!(t, "o")
                && doc.is(k - 1, "p")
                && !(k >= 2 && doc.letter(k - 2))
                && !doc.is(k + 1, "box")
            {
                a.concept = Concept::Negative;
                return a;
            }
            if k >= 2 && doc.letter(k1) && doc.letter(k2) {
                let w = [
                    doc.bytes(k2)[0] | 0x20,
                    doc.bytes(k1)[0] | 0x20,
                    doc.bytes(k)[0] | 0x20,
                ];
                let c = match &w {
                    b"dob" => Concept::Birth,
                    b"ssn" => Concept::Ssn,
                    b"cvv" | b"cvc" => Concept::Cvv,
                    b"aba" => Concept::Routing,
                    b"mrn" => Concept::AccountId,
                    // "the r m a number is r m a five five two nine one eight", "t k t
                    // five five ...", "i n v ...", "o r d ...", "p n r ...": labels of
                    // numbers that are not personal, spelled as they are written.
                    w if code_label(w) => Concept::Negative,
                    _ => Concept::None,
                };
                if c != Concept::None {
                    a.concept = c;
                    return a;
                }
            }
            continue;
        }
        // A word none of the tests below looks for (no keyword, not "but", "back", a
        // pronoun, ...: see `flag::LOOK_BACK`): only what every word does.
        if t.kind == Kind::Word && !t.lex.has(flag::LOOK_BACK) {
            if t.lex.has(flag::PREP) && !(key_is!(t, "and") && theirs) {
                preposition = true;
            }
            // (A possessive has an apostrophe: most texts have none.)
            if doc.has_apostrophe && kin_possessive(doc.bytes(k)) {
                theirs = true;
            } else {
                content_word |= !t.lex.has(flag::STOP | flag::FILLER)
                    && t.lex.num == NumWord::None
                    && t.lex.ordinal == 0
                    && t.lex.month == 0;
            }
            words += 1;
            continue;
        }
        // "I was born in Ohio but moved in 2004": a keyword of the previous clause.
        if key_is!(t, "but") && depth == 0 {
            break;
        }
        // "her birthday is June 5th 1980 and mine is April 2nd 1978": "and" before a
        // possessive pronoun joins a second entity of the same kind, no preposition.
        if t.kind == Kind::Word && t.lex.has(flag::PREP) && !(key_is!(t, "and") && theirs) {
            preposition = true;
        }
        theirs |= t.kind == Kind::Word && is_possessive_pronoun(&t);
        // "... and my husband's is 9027418851": whose the second one is.
        if t.kind == Kind::Word && kin_possessive(doc.bytes(k)) {
            theirs = true;
            words += 1;
            continue;
        }
        if t.kind == Kind::Punct {
            if k + 1 == t0 && (t.ch == b'$' || currency_sign(doc.bytes(k))) {
                a.money = true;
                // "$1,204.50", "€30", "£12": written right against the number.
                a.dollar = !doc.toks[t0].space_before;
            }
            if matches!(t.ch, b'.' | b'?' | b'!') && depth == 0 && k + 1 < t0 {
                // A sentence end: labels of the previous sentence do not reach here.
                answer_marker = true;
                past_sentence = true;
            }
            continue;
        }
        if t.kind == Kind::Word && is_answer_word(&t) {
            answer_marker = true;
        }
        if t.kind == Kind::Word
            && !t.lex.has(flag::STOP | flag::FILLER)
            && t.lex.concept == Concept::None
            && t.lex.num == NumWord::None
            && t.lex.ordinal == 0
            && t.lex.month == 0
        {
            content_word = true;
        }
        if t.kind != Kind::Word && !(t.kind == Kind::Alnum && t.lex.concept != Concept::None) {
            words += 1;
            continue;
        }
        words += 1;
        // "on the back by the signature it's five, five, uh, one"
        if doc.is(k, "signature") && depth == 0 {
            a.concept = Concept::Cvv;
            return a;
        }
        if key_is!(t, "back") || key_is!(t, "front") || key_is!(t, "reverse") {
            back = true;
            // "the three on the back are 365": the back of the card, not "call me back".
            // ("the back door sensor zone four": a place in a house, with no "on".)
            the_back |= key_is!(t, "back")
                && k > 1
                && doc.is(k - 1, "the")
                && (["on", "at", "of", "from", "in"]
                    .iter()
                    .any(|w| doc.is(k - 2, w))
                    || ["says", "is", "reads", "has", "shows", "are", "was", "it's"]
                        .iter()
                        .any(|w| doc.is(k + 1, w)));
            // "THE BACK CODE IS 466": the code word came first (read backwards). ("the
            // light is back with code p zero four two zero": not the back of a card; "the
            // front desk said the procedure code is ...": not the code's side.)
            if code && code_k == k + 1 && !(k > 0 && doc.is(k - 1, "is")) {
                a.concept = Concept::Cvv;
                return a;
            }
        }
        if key_is!(t, "digits") || key_is!(t, "digit") || key_is!(t, "numbers") {
            digit_word = true;
        }
        // "good through", "valid through", "good until", "valid till" — unless an amount is
        // good through it and no card is named ("the payoff amount good through March 14")
        if (key_is!(t, "through")
            || key_is!(t, "until")
            || key_is!(t, "till")
            || key_is!(t, "thru"))
            && k > 0
            && (doc.is(k - 1, "good") || doc.is(k - 1, "valid"))
            && (!amount_named(doc) || card_named(doc))
        {
            a.concept = Concept::Expiry;
            return a;
        }
        // "this call", "the call": the noun, not "call me at".
        if t.lex.concept == Concept::Phone
            && key_is!(t, "call")
            && k > 0
            && ["this", "the", "a", "that", "your", "our", "last", "next"]
                .iter()
                .any(|w| doc.is(k - 1, w))
        {
            continue;
        }
        match concept_at(doc, k) {
            Concept::None => {}
            Concept::Number => a.weak_number = true,
            Concept::Id => a.weak_id = true,
            Concept::Code => {
                if back || digit_word {
                    // "code on the back", "the 3-digit code"
                    a.concept = Concept::Cvv;
                    return a;
                }
                code = true;
                code_k = k;
            }
            Concept::Security => {
                a.concept = if k > 0 && doc.is(k - 1, "social") {
                    Concept::Ssn
                } else {
                    Concept::Cvv
                };
                return a;
            }
            Concept::Phone => {
                // "call" / "text" / "work" / "home" are weaker than the words next to a number.
                a.concept = Concept::Phone;
                a.area_code = code && key_is!(t, "area");
                return a;
            }
            Concept::Money => {
                // "health plan ID", "plan number": an identifier, not an amount.
                if key_is!(t, "plan")
                    && doc.toks.get(k + 1).is_some_and(|x| {
                        matches!(x.lex.concept, Concept::Id | Concept::Number)
                            || x.lex.concept == Concept::AccountId
                    })
                {
                    a.concept = Concept::AccountId;
                    return a;
                }
                // "the account number on the bill is ...": keep looking, but remember that
                // an amount word is closer than the keyword ("I want to cancel the premium
                // plan. My daughter's number is ...": not across a sentence end).
                // Nor behind a closer "number" ("a charge so my daughter's number is").
                a.money |= !past_sentence && !a.weak_number;
            }
            Concept::Ending | Concept::Negative if past_sentence => {}
            // "the account ends up being ...": no last digits.
            Concept::Ending if doc.is(k + 1, "up") => {}
            Concept::Ending => {
                // "my SSN ends in 5386": the last four of a social are still personal (a
                // card's last four are not).
                // The keyword must be in the words right before ("SSN ends", "social
                // security number ends"), not behind another number.
                let mut ssn = false;
                let mut p = k;
                while p > 0 && p + 3 > k {
                    p -= 1;
                    if !doc.word(p) || doc.claimed[p] || doc.run_at[p] != 0 {
                        break;
                    }
                    if doc.toks[p].lex.concept == Concept::Ssn {
                        ssn = true;
                        break;
                    }
                }
                a.concept = if ssn { Concept::Ssn } else { Concept::Ending };
                return a;
            }
            // "the account part is ...", "the routing part": the part of a number named
            // before it, not a part number.
            Concept::Negative
                if key_is!(t, "part")
                    && k > 0
                    && doc.word(k - 1)
                    && matches!(
                        doc.toks[k - 1].lex.concept,
                        Concept::Account | Concept::AccountId | Concept::Bank | Concept::Routing
                    ) => {}
            // "the first part is ...", "the last part of my account is ...": a piece of the
            // number being read, not a part number.
            Concept::Negative
                if key_is!(t, "part")
                    && (k > 0
                        && doc.word(k - 1)
                        && (doc.toks[k - 1].lex.ordinal > 0
                            || ["last", "next", "other", "middle", "second"]
                                .iter()
                                .any(|w| doc.is(k - 1, w)))
                        || doc.word(k + 1) && doc.is(k + 1, "of")) => {}
            c => {
                // "gift card number ...": a non-personal kind of card.
                if c == Concept::Card
                    && k > 0
                    && doc.toks[k - 1].lex.concept == Concept::Negative
                    && doc.word(k - 1)
                {
                    a.concept = Concept::Negative;
                    return a;
                }
                // "the back of the card says four eight seven"
                if c == Concept::Card && k >= 3 && doc.is(k - 2, "of") && doc.is(k - 3, "back") {
                    a.concept = Concept::Cvv;
                    return a;
                }
                if code && c == Concept::Card {
                    // "card security code" handled above; "card code" = cvv
                    a.concept = Concept::Cvv;
                    return a;
                }
                a.concept = c;
                return a;
            }
        }
    }
    if code && a.concept == Concept::None {
        a.concept = Concept::Code;
    }
    // "the three digits on the back are 7 3 7", "the 3-digit code is 376"
    // "the card's [CREDIT_CARD] and the three digits are double one six"
    let after_card = digit_word && doc.found.iter().any(|f| f.kind == EntityType::CreditCard);
    if ((back || code) && digit_word || the_back || after_card)
        && matches!(a.concept, Concept::None | Concept::Code)
    {
        a.concept = Concept::Cvv;
    }
    a
}

/// A person is said to be of an age right before `t0`: "he's twelve", "she is 9" (asked
/// who the patient is, the answer's age is not an ID).
fn age_before(doc: &Doc, t0: usize) -> bool {
    const BE: &[&str] = &["he's", "she's", "they're", "i'm", "hes", "shes", "im"];
    t0 > 0
        && (BE.iter().any(|w| doc.is(t0 - 1, w))
            || t0 > 1 && doc.is(t0 - 1, "is") && (doc.is(t0 - 2, "he") || doc.is(t0 - 2, "she")))
}

/// The type of an entity found right before `t0` with only correction phrases (and
/// pauses) between ("... 11/23/1990. Wait, no, 11/23/1991", "[PHONE], sorry, I mean ...").
fn corrected_before(doc: &Doc, t0: usize) -> Option<EntityType> {
    // Quick reject (this runs for every number): the word right before it, pauses aside,
    // must end a correction phrase.
    let mut p = t0;
    while p > 0 && skip_pause(doc, p - 1) == p {
        p -= 1;
    }
    let last = p.checked_sub(1)?;
    const ENDS: [u64; 13] = [
        pack_word(b"wait"),
        pack_word(b"no"),
        pack_word(b"it's"),
        pack_word(b"its"),
        pack_word(b"the"),
        pack_word(b"sorry"),
        pack_word(b"actually"),
        pack_word(b"mean"),
        pack_word(b"think"),
        pack_word(b"on"),
        pack_word(b"that"),
        pack_word(b"oops"),
        pack_word(b"rather"),
    ];
    let key = doc.toks[last].key;
    // ("the" only as in "it's the it's": most numbers after "the" are no correction.)
    let restated_the = key != pack_word(b"the")
        || last > 0
            && matches!(doc.toks[last - 1].key, k if k == pack_word(b"it's") || k == pack_word(b"its"));
    if !(ENDS.contains(&key) && restated_the || doc.is(last, "correction")) {
        return None;
    }
    // The entity (or placeholder) whose end is nearest before `t0`.
    let k = (t0.saturating_sub(10)..t0)
        .rev()
        .find(|&k| doc.claimed[k] || doc.toks[k].kind == Kind::Placeholder)?
        + 1;
    let mut j = skip_pause(doc, k);
    let mut corrected = false;
    while let Some((end, _)) = correction_end(doc, j) {
        corrected = true;
        j = skip_pause(doc, end);
    }
    if corrected {
        j = restatement_end(doc, j);
    }
    if !corrected || j != t0 {
        return None;
    }
    let kind = if doc.toks[k - 1].kind == Kind::Placeholder {
        // Redacted before: the placeholder names the entity ("[CVV] wait no ...").
        placeholder_kind(doc, k - 1)
    } else {
        doc.found
            .iter()
            .find(|f| f.t1 == k && f.t0 < k)
            .map(|f| f.kind)
    };
    kind.filter(|kind| !matches!(kind, EntityType::Person | EntityType::Email))
}

/// The entity type a placeholder token at `k` names ("[CVV]", "[CREDIT_CARD ••••9010]").
fn placeholder_kind(doc: &Doc, k: usize) -> Option<EntityType> {
    let name: String = String::from_utf8_lossy(doc.bytes(k))
        .trim_matches(|c| c == '[' || c == ']')
        .chars()
        .take_while(|c| *c != ' ')
        .collect();
    EntityType::from_name(&name)
}

/// A correction phrase at `j` ("no wait", "no,", "wait", "sorry", "actually", "i mean",
/// "i think", "hold on", "scratch that", "oops", "correction", "rather"): its end, and
/// whether it must follow a pause (a comma or filler) to be one ("wait", "sorry",
/// "actually", ... are ordinary words otherwise).
pub(crate) fn correction_end(doc: &Doc, j: usize) -> Option<(usize, bool)> {
    if doc.is(j, "no") {
        // "no wait", "no,", "no sorry"; a bare "no" between two numbers ("twenty two ten
        // no twenty two twelve birch hollow drive")
        let number_at = |k: usize| {
            doc.toks.get(k).is_some_and(|t| {
                t.kind == Kind::Num || t.kind == Kind::Word && t.lex.num != NumWord::None
            })
        };
        return if doc.is(j + 1, "wait") {
            Some((j + 2, false))
        } else {
            (doc.toks.get(j + 1).is_some_and(|t| t.is_punct(b','))
                || correction_end(doc, j + 1).is_some()
                // "wait no it's the it's august seventh ...": "no" and the restatement
                || restatement_end(doc, j + 1) > j + 1
                || j > 0 && number_at(j - 1) && number_at(j + 1))
            .then_some((j + 1, false))
        };
    }
    let pair = |a: &str, b: &str| doc.is(j, a) && doc.is(j + 1, b);
    if pair("i", "mean") || pair("hold", "on") || pair("hang", "on") || pair("scratch", "that") {
        return Some((j + 2, false));
    }
    if pair("i", "think") {
        return Some((j + 2, true));
    }
    ["wait", "sorry", "actually", "oops", "correction", "rather"]
        .iter()
        .any(|w| doc.is(j, w))
        .then_some((j + 1, true))
}

/// "it's the it's": the words that restate an item after a correction (up to three, with
/// pauses), from `j`; returns the token after them (`j` when there are none).
fn restatement_end(doc: &Doc, mut j: usize) -> usize {
    for _ in 0..3 {
        if !["it's", "its", "it", "is", "the"]
            .iter()
            .any(|w| doc.is(j, w))
        {
            break;
        }
        j = skip_pause(doc, j + 1);
    }
    j
}

/// A pause (commas, fillers) from `j`: the next token that is neither.
fn skip_pause(doc: &Doc, mut j: usize) -> usize {
    while doc
        .toks
        .get(j)
        .is_some_and(|t| t.kind == Kind::Punct && matches!(t.ch, b',' | b'.' | b'-'))
        || doc.filler(j)
    {
        j += 1;
    }
    j
}

/// A correction right after token `t1`: ", no wait", "sorry", "actually", "I mean", "hold on".
fn restart_after(doc: &Doc, t1: usize) -> bool {
    let mut j = t1;
    while doc.toks.get(j).is_some_and(|t| t.is_punct(b',')) || doc.filler(j) {
        j += 1;
    }
    correction_end(doc, j).is_some_and(|(_, after_pause)| !after_pause || j > t1)
}

/// "the code is" / "my code's" right before token `t0`.
fn the_code_is(doc: &Doc, t0: usize) -> bool {
    let mut k = t0;
    while k > 0 && (doc.toks[k - 1].kind == Kind::Punct || doc.filler(k - 1)) {
        k -= 1;
    }
    let code = if k >= 2 && (doc.is(k - 1, "is") || doc.is(k - 1, "was")) && doc.is(k - 2, "code") {
        k - 2
    } else if k >= 1 && doc.is(k - 1, "code's") {
        k - 1
    } else {
        return false;
    };
    code > 0 && (doc.is(code - 1, "the") || doc.is(code - 1, "my") || doc.is(code - 1, "that"))
}

/// The nearest word with a negative meaning in the eight tokens before `t0` is a word of
/// time or of buying ("opened", "due", "since", "ordered"), not the label of a number.
fn time_word_before(doc: &Doc, t0: usize) -> bool {
    (t0.saturating_sub(8)..t0)
        .rev()
        .find(|&k| doc.word(k) && doc.toks[k].lex.concept == Concept::Negative)
        .is_some_and(|k| {
            [
                "opened",
                "due",
                "since",
                "until",
                "between",
                "delivered",
                "ordered",
                "bought",
                "placed",
                "appointment",
            ]
            .iter()
            .any(|w| doc.is(k, w))
        })
}

/// "€", "£", "¥", "₹" (UTF-8).
fn currency_sign(b: &[u8]) -> bool {
    matches!(
        b,
        [0xE2, 0x82, 0xAC] | [0xC2, 0xA3] | [0xC2, 0xA5] | [0xE2, 0x82, 0xB9]
    )
}

/// "after", "before", "around", "until", "by" right before token `t0`: a time follows.
fn time_prep_before(doc: &Doc, t0: usize) -> bool {
    t0 > 0
        && [
            "after", "before", "around", "until", "till", "by", "between",
        ]
        .iter()
        .any(|w| doc.is(t0 - 1, w))
}

/// The run says "hundred" or "thousand": an amount ("twenty five hundred"), not digits read
/// out one group at a time.
fn hundreds(doc: &Doc, run: &Run) -> bool {
    says(doc, run, &[NumWord::Hundred, NumWord::Thousand])
}

/// The run says "thousand" ("comes to eight thousand four hundred and six"): an amount;
/// nobody reads an identifier out that way.
fn said_in_thousands(doc: &Doc, run: &Run) -> bool {
    says(doc, run, &[NumWord::Thousand])
}

/// One of `words` is among the run's tokens.
fn says(doc: &Doc, run: &Run, words: &[NumWord]) -> bool {
    doc.toks[run.t0..run.t1]
        .iter()
        .any(|t| words.contains(&t.lex.num))
}

/// The date names a day of the month ("june thirtieth twenty twenty six", "August 9,"):
/// a card's expiry is a month and a year, so this is some other thing's expiry (a library
/// card, a domain name).
fn day_of_month(doc: &Doc, run: &Run) -> bool {
    // "good through 12/31/2026": month, day and year.
    run.slash && run.ngroups >= 3
        || run.month
            && (run.ordinal
                || (run.t0..run.t1).any(|k| doc.toks[k].lex.month > 0 && written_day(doc, k + 1)))
}

/// A day written at `k` after a month's name: "August 9,", "April 20, 2026" (one digit, or
/// two before a comma and a written year).
fn written_day(doc: &Doc, k: usize) -> bool {
    let tok = |i: usize| doc.toks.get(i);
    tok(k).is_some_and(|d| {
        d.kind == Kind::Num
            && (d.len() == 1
                || d.len() == 2
                    && tok(k + 1).is_some_and(|c| c.is_punct(b','))
                    && tok(k + 2).is_some_and(|y| y.kind == Kind::Num && y.len() == 4))
    })
}

/// A year (19xx / 20xx, written or said as a year) right after "in", "from", "since" or a
/// season: "expired in 2023", "valid from 2024", "enrolled back in fall 2019" (not a card
/// expiry, a cut card number or an identifier).
fn bare_year(doc: &Doc, run: &Run) -> bool {
    run.n() == 4
        // Written in one group, or said as a year is ("from twenty eleven", "since nineteen
        // ninety eight").
        && (run.written && run.ngroups == 1 || !run.written && run.t1 - run.t0 <= 3)
        && run.t0 > 0
        && [
            "in", "from", "since", "fall", "spring", "summer", "winter", "autumn",
        ]
        .iter()
        .any(|w| doc.is(run.t0 - 1, w))
        && matches!(&run.digits.as_bytes()[..2], b"19" | b"20")
}

/// A year said as two number words between a determiner and a noun ("it is for the twenty
/// nineteen tacoma"): a model year, not the answer to the question before. (Only the
/// two-word form: "nineteen ninety eight" could as well be digits of an id.)
fn spoken_year_before_noun(doc: &Doc, run: &Run) -> bool {
    run.n() == 4
        && !run.written
        && run.t1 == run.t0 + 2
        && matches!(&run.digits.as_bytes()[..2], b"19" | b"20")
        && run.t0 > 0
        && ["the", "a", "my", "our", "his", "her", "their", "your"]
            .iter()
            .any(|w| doc.is(run.t0 - 1, w))
        && doc.word(run.t1)
        && doc.toks[run.t1].lex.num == NumWord::None
        && !doc.ends_after(run.t1)
}

/// "-digit" / "digit" / "digits" at `i` (after a count: "3-digit", "nine digit").
fn digit_count_word(doc: &Doc, i: usize) -> bool {
    let at = |j: usize| doc.is(j, "digit") || doc.is(j, "digits");
    at(i) || doc.toks.get(i).is_some_and(|t| t.is_punct(b'-')) && at(i + 1)
}

/// Phone cues after the run ("... is still the best number to reach you").
fn look_ahead_phone(doc: &Doc, t1: usize) -> bool {
    let mut words = 0;
    let mut k = t1;
    while k < doc.toks.len() && words < 7 {
        if doc.run_at[k] != 0 || doc.toks[k].kind == Kind::Placeholder {
            return false;
        }
        let t = doc.toks[k];
        if t.kind == Kind::Word {
            words += 1;
            match t.lex.concept {
                Concept::Phone => return true,
                Concept::Number => {
                    if k > 0
                        && (doc.is(k - 1, "best")
                            || doc.is(k - 1, "contact")
                            || doc.is(k - 1, "callback"))
                    {
                        return true;
                    }
                }
                Concept::None => {}
                _ => return false,
            }
        }
        k += 1;
    }
    false
}

/// The word right after the run makes it an amount, a time, a duration, a quantity or a
/// percentage.
fn unit_after(doc: &Doc, run: &Run) -> bool {
    let i = run.t1;
    let Some(t) = doc.toks.get(i) else {
        return false;
    };
    match t.kind {
        Kind::Punct => {
            t.ch == b'%'
                || t.ch == b':'
                    && !t.space_before
                    && doc
                        .toks
                        .get(i + 1)
                        .is_some_and(|x| x.kind == Kind::Num && !x.space_before)
                || t.ch == b'\'' && doc.toks.get(i + 1).is_some_and(|x| x.kind == Kind::Word)
                || t.ch == b'.'
                    && doc
                        .toks
                        .get(i + 1)
                        .is_some_and(|x| x.kind == Kind::Num && !x.space_before)
        }
        Kind::Word => {
            if t.lex.has(flag::MONEY) || t.lex.has(flag::MEASURE) {
                // "of" is a unit only for quantities ("three of them"), not dates.
                return !(doc.is(i, "of") && run.n() > 2);
            }
            // a.m. / p.m.
            (doc.is(i, "a") || doc.is(i, "p"))
                && doc.toks.get(i + 1).is_some_and(|x| x.is_punct(b'.'))
        }
        _ => false,
    }
}

fn time_before(doc: &Doc, run: &Run) -> bool {
    run.t0 > 1
        && doc.toks[run.t0 - 1].is_punct(b':')
        && !doc.toks[run.t0].space_before
        && doc.toks[run.t0 - 2].kind == Kind::Num
}

/// Shape of a written phone number: (xxx) xxx-xxxx, xxx-xxx-xxxx, xxx.xxx.xxxx, +1 ...
fn phone_shape(run: &Run) -> bool {
    let g = run.group_lens();
    if run.plus && run.n() >= 10 {
        return true;
    }
    if run.paren && validate::is_nanp(&run.digits) {
        return true;
    }
    // "(415) 555-0134", "415-555-0134", "415.555.0134"; and written with spaces in a
    // formatted transcript ("496 695 0021": three written groups, nothing spoken).
    let sep_ok = matches!(run.sep, b'-' | b'.' | b')') || run.sep == b'?' && run.written;
    sep_ok && (g == [3, 3, 4] || g == [1, 3, 3, 4]) && validate::is_nanp(&run.digits)
}

fn ssn_shape(run: &Run) -> bool {
    (run.written && run.sep == b'-' && run.group_lens() == [3, 2, 4]
        || run.comma_groups() == [3, 2, 4])
        && validate::is_ssn(&run.digits)
}

/// Spoken phone grouping: "four one five, five five five, oh one four two".
fn spoken_phone_shape(run: &Run) -> bool {
    matches!(run.comma_groups(), [3, 3, 4] | [1, 3, 3, 4]) && validate::is_nanp(&run.digits)
}

/// Numbers remembered for restatements ("... six seven eight nine. It's one two three,
/// four five, six seven eight nine").
const SEEN: usize = 8;

/// Classifies every unclaimed run and records the entities.
pub(crate) fn detect(doc: &mut Doc, prior: &Prior, bank_here: bool) {
    let mut first_run = true;
    // A placeholder of ours stands for a number decided on the first pass: a run after it
    // is no longer the first (redacting twice changes nothing).
    let placeholder = doc
        .toks
        .iter()
        .position(|t| t.kind == Kind::Placeholder)
        .unwrap_or(usize::MAX);
    let mut seen: Vec<(EntityType, usize)> = Vec::new();
    for ri in 0..doc.runs.len() {
        let decided = {
            let run = &doc.runs[ri];
            if doc.claimed[run.t0..run.t1].iter().any(|c| *c) {
                None
            } else {
                let first_run = first_run && run.t0 < placeholder;
                let mut kind = classify(doc, run, prior, bank_here, first_run);
                // "patient number ... v as in victor seven seven oh two nine one", "the
                // player's club id ... is p c dash oh four four ...", "My donor number is
                // BD-339-104-7": digits behind spelled or written letters are an
                // identifier — a payment card is digits only, and a label of something
                // not personal (order, flight, error, model, ...) before the letters
                // keeps it.
                if matches!(kind, None | Some(EntityType::CreditCard))
                    && run.n() >= 5
                    && prior.asked != Concept::Negative
                    && !(kind == Some(EntityType::CreditCard) && validate::is_card(&run.digits))
                {
                    if let Some(p) = lettered_prefix(doc, run.t0) {
                        // (The letters themselves may spell such a label: "t k t",
                        // "i n v".)
                        // (A personal label before the letters governs them: "for
                        // patient number r x seven seven one ...".)
                        let before = look_back(doc, p);
                        if before.concept != Concept::Negative
                            && !before.money
                            && (matches!(
                                before.concept,
                                Concept::AccountId | Concept::Account | Concept::Id
                            ) || look_back(doc, run.t0).concept != Concept::Negative)
                        {
                            kind = Some(EntityType::AccountId);
                        }
                    }
                }
                if kind.is_some() && labelled_code(doc, run.t0) {
                    kind = None;
                }
                // "call us at 1-888-555-0100": a toll-free number is a business's, unless
                // the caller gives it as theirs ("my", "me" just before).
                if kind == Some(EntityType::Phone)
                    && validate::is_toll_free(&run.digits)
                    && !(run.t0.saturating_sub(6)..run.t0)
                        .any(|k| doc.is(k, "my") || doc.is(k, "me") || doc.is(k, "mine"))
                {
                    kind = None;
                }
                kind.map(|kind| {
                    let (mut t0, t1) = extend_letters(doc, run, kind);
                    if kind == EntityType::AccountId {
                        t0 = t0.min(lettered_prefix(doc, run.t0).unwrap_or(t0));
                    }
                    if kind == EntityType::Address && matches!(run.n(), 5 | 9) && !run.month {
                        t0 = place_before_zip(doc, t0);
                    }
                    let d = run.digits.as_bytes();
                    let last4 = (kind == EntityType::CreditCard && d.len() >= 12).then(|| {
                        let mut l4 = [0u8; 4];
                        l4.copy_from_slice(&d[d.len() - 4..]);
                        l4
                    });
                    (kind, t0, t1, last4)
                })
            }
        };
        // (A lone digit left alone — "the last four are ...", "two last names" — does not
        // use up the first number's right to continue the previous turn's.)
        first_run &= decided.is_none() && doc.runs[ri].n() == 1;
        if let Some((kind, _, _, _)) = decided {
            let d = &doc.runs[ri].digits;
            if d.len() >= 4
                && matches!(
                    kind,
                    EntityType::Ssn
                        | EntityType::CreditCard
                        | EntityType::Phone
                        | EntityType::BankAccount
                        | EntityType::AccountId
                        | EntityType::RoutingNumber
                )
                || d.len() >= 3 && kind == EntityType::Cvv
            {
                // The few most recent numbers only (a restatement follows its number; a
                // bound keeps the pass below linear on a huge utterance).
                if seen.len() == SEEN {
                    seen.remove(0);
                }
                seen.push((kind, ri));
            }
        }
        if let Some((kind, t0, t1, last4)) = decided {
            if doc.add(kind, t0, t1) && last4.is_some() {
                if let Some(f) = doc.found.last_mut() {
                    f.last4 = last4;
                }
            }
        }
    }
    // "eight four eight, no wait, eight four seven five four two ...", "803, no wait,
    // 804-550-6057": a first try abandoned for a restart is part of the number that
    // replaces it.
    for ri in 0..doc.runs.len() {
        let (t0, t1) = (doc.runs[ri].t0, doc.runs[ri].t1);
        // (An amount is nobody's first try: "the $40 hold on 4375 ...".)
        let amount = t0 > 0 && doc.toks[t0 - 1].is_punct(b'$');
        if doc.runs[ri].n() < 2
            || amount
            || doc.claimed[t0..t1].iter().any(|c| *c)
            || !restart_after(doc, t1)
        {
            continue;
        }
        let next = doc
            .found
            .iter()
            .filter(|f| f.t0 >= t1 && f.t0 <= t1 + 6)
            .min_by_key(|f| f.t0)
            .map(|f| f.kind)
            .filter(|k| {
                matches!(
                    k,
                    EntityType::Phone
                        | EntityType::Ssn
                        | EntityType::CreditCard
                        | EntityType::BankAccount
                        | EntityType::Address
                        | EntityType::AccountId
                        | EntityType::RoutingNumber
                        | EntityType::DateOfBirth
                )
            });
        if let Some(kind) = next {
            doc.add(kind, t0, t1);
        }
    }
    // "Six seven eight nine. ... It's one two three, four five, six seven eight nine": the
    // last digits of a number found in the same text, said on their own, are that number.
    if !seen.is_empty() {
        for ri in 0..doc.runs.len() {
            let (t0, t1) = (doc.runs[ri].t0, doc.runs[ri].t1);
            if doc.claimed[t0..t1].iter().any(|c| *c) || doc.runs[ri].n() < 3 {
                continue;
            }
            // The last digits of a number found, or (three and more digits) the same number
            // said again ("security code is two ninety one i think yeah two nine one").
            let hit = seen.iter().find(|(_, si)| {
                let big = &doc.runs[*si].digits;
                let small = &doc.runs[ri].digits;
                big.len() > small.len() && small.len() >= 4 && big.ends_with(small.as_str())
                    || big == small && *si != ri
            });
            // "routing 021314461 — hmm, no, that's the New York one. ... so it's
            // 044166324": another number of a found routing number's (or card's) length
            // that passes the same checksum is a second try at it.
            let small = &doc.runs[ri].digits;
            let validated = || {
                seen.iter().find(|(kind, si)| {
                    doc.runs[*si].digits.len() == small.len()
                        && match kind {
                            EntityType::RoutingNumber => validate::is_aba(small),
                            EntityType::CreditCard => validate::is_card(small),
                            _ => false,
                        }
                })
            };
            if let Some((kind, _)) = hit.or_else(validated) {
                let kind = *kind;
                doc.add(kind, t0, t1);
            }
        }
    }
}

/// "tucson arizona zip eight five seven one nine", "that's in tacoma washington nine eight
/// four oh five": a state said right before a ZIP (and up to two city words before it)
/// belongs to the address. Returns the new start (`t0` without a state).
fn place_before_zip(doc: &Doc, t0: usize) -> usize {
    let mut k = t0;
    while k > 0
        && !doc.claimed[k - 1]
        && (doc.is(k - 1, "zip")
            || doc.is(k - 1, "code")
            || doc.is(k - 1, "zipcode")
            || doc.is(k - 1, "is")
            || doc.filler(k - 1)
            || doc.toks[k - 1].is_punct(b','))
    {
        k -= 1;
    }
    let state = [k.saturating_sub(2), k.saturating_sub(1)]
        .into_iter()
        .find(|&i| i < k && crate::redact::address::state_ends_at(doc, i, k));
    match state {
        Some(s) => crate::redact::address::city_start(doc, s),
        None => t0,
    }
}

/// "TKT", "INV", "ORD", "TXN", "ST" (statement)...: labels of numbers that are not
/// personal, written ("TKT-44109") or spelled ("t k t five five ...").
fn code_label(w: &[u8]) -> bool {
    matches!(
        &w.to_ascii_lowercase()[..],
        b"tkt"
            | b"inv"
            | b"ord"
            | b"pnr"
            | b"ref"
            | b"rma"
            | b"po"
            | b"sku"
            | b"cs"
            | b"txn"
            | b"st"
    )
}

/// "TKT-44109", "ST-0048812": the digits at `t0` are glued by a hyphen to a written label of
/// something not personal — a code, whatever the words around it say.
fn labelled_code(doc: &Doc, t0: usize) -> bool {
    t0 >= 2
        && doc.cased
        && doc.toks[t0 - 1].is_punct(b'-')
        && !doc.toks[t0 - 1].space_before
        && !doc.toks[t0].space_before
        && doc.toks[t0 - 2].kind == Kind::Word
        && doc.toks[t0 - 2].case == crate::redact::tokens::Case::Upper
        && code_label(doc.bytes(t0 - 2))
}

/// The start of the letters an identifier begins with, right before its digits at `t0`:
/// two or more spelled letters ("k j", "h o a dash"), a letter said "as in" a word ("v as
/// in victor"), or a code written in capitals ("BD-", "LIB-T-"); `None` without them.
fn lettered_prefix(doc: &Doc, t0: usize) -> Option<usize> {
    let mut k = t0;
    let mut letters = 0;
    let mut strong = false;
    while k > 0 && !doc.claimed[k - 1] {
        let p = k - 1;
        let t = doc.toks[p];
        if doc.letter(p) && (!doc.is(p, "a") && !doc.is(p, "i") || p > 0 && doc.letter(p - 1)) {
            // ("h o a": an "a" or "i" inside spelled letters is one of them)
            letters += 1;
            k = p;
        } else if t.kind == Kind::Word
            && (2..=4).contains(&t.len())
            && t.case == crate::redact::tokens::Case::Upper
            && t.lex.concept == Concept::None
            && t.lex.no_role_flags()
            && doc.cased
        {
            if code_label(doc.bytes(p)) {
                return None;
            }
            letters += 1;
            strong = true;
            k = p;
        } else if said_as_in(doc, p) {
            letters += 1;
            strong = true;
            k = p - 3;
        } else if (t.is_punct(b'-') && !t.space_before || doc.is(p, "dash"))
            && p > 0
            && (doc.letter(p - 1) || doc.toks[p - 1].case == crate::redact::tokens::Case::Upper)
        {
            k = p;
        } else {
            break;
        }
    }
    (letters >= 2 || strong).then_some(k)
}

/// "medicare number is one e g four t e five m k seven three": an identifier read as short
/// digit groups alternating with spelled letters (a Medicare number's shape), none of its
/// groups long enough to be classified alone. From an unclaimed run of at most four digits
/// right after an identifier's label: the stretch of letters and short runs (at least three
/// of each, eight characters in all) is an [`EntityType::AccountId`].
pub(crate) fn alternating_id(doc: &mut Doc) {
    let mut ri = 0;
    while ri < doc.runs.len() {
        let (t0, n) = (doc.runs[ri].t0, doc.runs[ri].n());
        ri += 1;
        if n > 4 || !doc.letter(doc.runs[ri - 1].t1) || doc.claimed[t0] {
            continue;
        }
        let (mut letters, mut digits, mut k, mut groups) = (0, n, doc.runs[ri - 1].t1, 1);
        let mut end = k;
        // An identifier found already right after the letters ("um five n w three a
        // [seven two k r eight one]"): the stretch before it is its start.
        let mut joins = None;
        // (A bounded look: linear in the text however many letters and digits alternate.)
        while k < t0 + 24 {
            if doc.claimed.get(k) == Some(&true) {
                joins = doc
                    .found
                    .iter()
                    .position(|f| f.t0 == k && f.kind == EntityType::AccountId);
                if let Some(fi) = joins {
                    let f = doc.found[fi];
                    letters += (f.t0..f.t1).filter(|&j| doc.letter(j)).count();
                    digits += (f.t0..f.t1).filter(|&j| doc.run_at[j] != 0).count();
                    groups += 1;
                    end = f.t1;
                }
                break;
            }
            if doc.letter(k) && !doc.claimed[k] {
                letters += 1;
                k += 1;
                end = k;
            } else if let Some(r) = doc.run_at.get(k).copied().filter(|r| *r != 0) {
                let run = &doc.runs[r as usize - 1];
                if run.t0 != k || run.n() > 4 || doc.claimed[k] {
                    break;
                }
                digits += run.n();
                groups += 1;
                k = run.t1;
                end = k;
            } else {
                break;
            }
        }
        if letters < 3 || digits < 3 || groups < 2 || letters + digits < 8 {
            continue;
        }
        // The label: an identifier's keyword among the few words before (pauses, "is",
        // "number" aside).
        let labelled = (t0.saturating_sub(5)..t0).rev().any(|p| {
            doc.word(p)
                && matches!(
                    concept_at(doc, p),
                    Concept::AccountId | Concept::Id | Concept::Account
                )
        });
        if labelled && joins.is_some() {
            if let Some(fi) = joins {
                let from = doc.found[fi].t0;
                for c in &mut doc.claimed[t0..from] {
                    *c = true;
                }
                doc.found[fi].t0 = t0;
            }
        } else if labelled && doc.add(EntityType::AccountId, t0, end) {
            while ri < doc.runs.len() && doc.runs[ri].t0 < end {
                ri += 1;
            }
        }
    }
}

/// Word `p` ends a letter said "as in" a word: "W as in whiskey", "v as in victor".
fn said_as_in(doc: &Doc, p: usize) -> bool {
    doc.word(p) && p >= 3 && doc.is(p - 1, "in") && doc.is(p - 2, "as") && doc.letter(p - 3)
}

/// Spoken identifiers mix letters in: "y a a six eight...", "... nine zero l d", "XAL 657",
/// and letters alternating with short digit groups ("one e g four t e five m k seven three").
fn extend_letters(doc: &Doc, run: &Run, kind: EntityType) -> (usize, usize) {
    let (mut t0, mut t1) = (run.t0, run.t1);
    if !matches!(kind, EntityType::AccountId | EntityType::BankAccount) {
        return (t0, t1);
    }
    // left
    let mut k = t0;
    let mut letters = 0;
    while k > 0 && !doc.claimed[k - 1] {
        let p = k - 1;
        let t = doc.toks[p];
        let upper_code = t.kind == Kind::Word
            && t.len() <= 4
            && t.case == crate::redact::tokens::Case::Upper
            && t.lex.concept == Concept::None;
        if doc.letter(p) && (letters > 0 || !doc.is(p, "a") && !doc.is(p, "i"))
            || upper_code
            || t.kind == Kind::Alnum
        {
            k = p;
            letters += 1;
        } else if (t.is_punct(b'-') || t.kind == Kind::Word && t.lex.has(flag::NUMSEP))
            && p > 0
            && doc.toks[p - 1].kind != Kind::Punct
            && k == t0
        {
            k = p;
        } else if said_as_in(doc, p) {
            // "W as in whiskey 4 4 7 1"
            k = p - 3;
            letters += 1;
        } else {
            break;
        }
    }
    if letters > 0 {
        t0 = k;
        while t0 < run.t0 && doc.toks[t0].kind == Kind::Punct {
            t0 += 1;
        }
        // "one e g four t e five m k seven two": the same alternation to the left — a
        // short digit group right before the letters, and the letters before it.
        while let Some(prev) = t0
            .checked_sub(1)
            .and_then(|p| doc.run_at.get(p).copied())
            .filter(|r| *r != 0)
        {
            let r = &doc.runs[prev as usize - 1];
            if r.t1 != t0 || r.n() > 4 || doc.claimed[r.t0..r.t1].iter().any(|c| *c) {
                break;
            }
            let mut b = r.t0;
            while b > 0
                && !doc.claimed[b - 1]
                && doc.letter(b - 1)
                && (b < r.t0 || !doc.is(b - 1, "a") && !doc.is(b - 1, "i"))
            {
                b -= 1;
            }
            t0 = b;
            if b == r.t0 {
                break;
            }
        }
    }
    // right
    let mut j = t1;
    let mut taken = 0;
    while j < doc.toks.len()
        && !doc.claimed[j]
        && (doc.letter(j) || doc.toks[j].kind == Kind::Alnum)
    {
        if (doc.is(j, "i") || doc.is(j, "a")) && !(doc.letter(j + 1) || doc.ends_after(j + 1)) {
            break;
        }
        j += 1;
        taken += 1;
    }
    if taken >= 2
        || taken == 1 && doc.ends_after(j)
        || taken == 1 && !doc.is(t1, "i") && !doc.is(t1, "a")
    {
        t1 = j;
        // "one e g four t e five m k seven three" (a Medicare number): short digit groups
        // and letters keep alternating; each group is taken with the letters after it.
        while let Some(next) = doc.run_at.get(t1).copied().filter(|r| *r != 0) {
            let r = &doc.runs[next as usize - 1];
            if r.t0 != t1 || r.n() > 4 || doc.claimed[r.t0..r.t1].iter().any(|c| *c) {
                break;
            }
            let mut e = r.t1;
            while e < doc.toks.len() && !doc.claimed[e] && doc.letter(e) {
                if (doc.is(e, "i") || doc.is(e, "a")) && !doc.letter(e + 1) {
                    break;
                }
                e += 1;
            }
            t1 = e;
            if e == r.t1 {
                break;
            }
        }
    }
    (t0, t1)
}

fn classify(
    doc: &Doc,
    run: &Run,
    prior: &Prior,
    bank_here: bool,
    first_run: bool,
) -> Option<EntityType> {
    // "okay the first part is 2221 2164 ...": a spoken ordinal with no month is a day or a
    // place in a list, never an identifier (a day of birth aside).
    if run.ordinal
        && !run.month
        && !run.slash
        && run.n() <= 2
        && (run.t0..run.t1).all(|k| doc.toks.get(k).is_some_and(|t| t.kind == Kind::Word))
        && prior.asked != Concept::Birth
        && look_back(doc, run.t0).concept != Concept::Birth
    {
        return None;
    }
    if prior.asked == Concept::Negative && prior.continues.is_none() {
        // Asked for an order, ticket or tracking number, or an amount: a number without a
        // personal keyword of its own answers that (a whole card number aside).
        let own = Prior {
            asked: Concept::None,
            ..*prior
        };
        let before = look_back(doc, run.t0);
        // "... and uh my number is 404 552 8193" (asked a name for an appointment): the
        // caller's own number, whole and NANP-valid, is a phone whatever was asked.
        let own_phone = before.weak_number
            && before.concept == Concept::None
            && (10..=11).contains(&run.n())
            && validate::is_nanp(&run.digits)
            && (run.t0.saturating_sub(4)..run.t0).any(|k| doc.is(k, "my"));
        // ("use the checking account ... the full number: 20019 48837" after the amount.)
        let bank_number = before.weak_number
            && (8..=17).contains(&run.n())
            && !run.code
            && !validate::is_nanp(&run.digits)
            && bank_word_before(doc, run.t0);
        let labelled = before.concept != Concept::None || own_phone || bank_number;
        // Shapes that say what they are: a whole card, a written phone or SSN.
        let shaped =
            run.n() >= 15 && validate::is_card(&run.digits) || phone_shape(run) || ssn_shape(run);
        return if labelled || shaped {
            classify_in(doc, run, &own, bank_here, first_run)
        } else {
            None
        };
    }
    let kind = classify_in(doc, run, prior, bank_here, first_run);
    if kind.is_none() && prior.asked != Concept::None {
        // The previous turn asked for something this number is not ("if we get
        // disconnected my number is 812 662 2392" after the CVV was asked): the number's
        // own words and shape decide, as if nothing had been asked.
        let own = Prior {
            asked: Concept::None,
            ..*prior
        };
        return classify_in(doc, run, &own, bank_here, first_run);
    }
    kind
}

/// [`classify`] with the previous turn's question taken as the answer's keyword.
fn classify_in(
    doc: &Doc,
    run: &Run,
    prior: &Prior,
    bank_here: bool,
    first_run: bool,
) -> Option<EntityType> {
    let n = run.n();
    if n == 0 {
        return None;
    }
    // Cut at the end of the turn, or abandoned for a restart ("five one two five five five,
    // no wait, sorry, it's ..."): a partial number is still part of one.
    let at_end = doc.ends_after(run.t1) || restart_after(doc, run.t1);
    let mut around = look_back(doc, run.t0);
    let unit = unit_after(doc, run) || time_before(doc, run);
    let datey = run.month || run.ordinal || run.slash;
    // Continuation of a number cut at the end of the previous turn/segment.
    if first_run && around.concept == Concept::None && !around.weak_number && leading(doc, run.t0) {
        if let Some(kind) = prior.continues {
            // ("it's mariana ... ferreira two last names": one digit with words after it
            // is a count, not the rest of a number.)
            let counted = n == 1
                && !at_end
                && doc.word(run.t1)
                && !doc.letter(run.t1)
                && doc.toks[run.t1].lex.num == NumWord::None;
            if !(unit || n <= 2 && age_before(doc, run.t0) || counted) {
                return Some(kind);
            }
        }
    }
    let own_concept = around.concept;
    // The previous turn asked for something: numbers without their own keyword answer it.
    // A second date after the asked-for date of birth or expiry was given, behind a word
    // that starts a schedule ("born 11/02/2021, and we'd want the program starting
    // September 3"), is another date ("and my wife's is 10/28/1996" still answers).
    let date_answered = || {
        let scheduled = time_prep_before(doc, run.t0)
            || run.t0 > 0
                && [
                    "starting",
                    "start",
                    "starts",
                    "beginning",
                    "from",
                    "effective",
                    "since",
                ]
                .iter()
                .any(|w| doc.is(run.t0 - 1, w))
            // "she starts on the ninth"
            || run.t0 > 1
                && doc.is(run.t0 - 1, "on")
                && ["starts", "start", "starting", "started", "begins", "began"]
                    .iter()
                    .any(|w| doc.is(run.t0 - 2, w));
        if !scheduled {
            return false;
        }
        let asked = match prior.asked {
            Concept::Birth => EntityType::DateOfBirth,
            Concept::Expiry => EntityType::CardExpiry,
            _ => return false,
        };
        // (Or its placeholder, on a second pass: redacting twice changes nothing.)
        let placeholder = asked.placeholder().as_bytes();
        datey
            && (doc.found.iter().any(|f| f.kind == asked && f.t1 <= run.t0)
                || doc.toks[..run.t0].iter().any(|t| {
                    t.kind == Kind::Placeholder
                        && doc.text.as_bytes()[t.start as usize..t.end as usize] == *placeholder
                }))
    };
    if around.concept == Concept::None
        && !around.money
        && prior.asked != Concept::None
        && (!around.weak_number || first_run)
        && !date_answered()
        && !spoken_year_before_noun(doc, run)
    {
        around.concept = prior.asked;
    }
    let bank = bank_here || prior.bank;
    if around.concept == Concept::None && !around.money && !unit {
        if let Some(kind) = around.inherit {
            let fits = match kind {
                EntityType::DateOfBirth | EntityType::CardExpiry => datey || (3..=8).contains(&n),
                EntityType::CreditCard | EntityType::BankAccount | EntityType::AccountId => {
                    !datey && n >= 4
                }
                EntityType::Ssn | EntityType::Phone | EntityType::RoutingNumber => !datey && n >= 4,
                EntityType::Cvv => !datey && (3..=4).contains(&n),
                // a corrected ZIP
                EntityType::Address => !datey && matches!(n, 5 | 9),
                _ => false,
            };
            if fits {
                return Some(kind);
            }
        }
    }
    // "the fuel card is ... and it got declined at the pump the code is 4188": the code
    // asked for after a card, even past an amount word ("declined").
    let code_after_card = || {
        matches!(around.concept, Concept::Cvv | Concept::Code)
            && (3..=4).contains(&n)
            && !datey
            && !unit
            && the_code_is(doc, run.t0)
            && doc.found.iter().any(|f| f.kind == EntityType::CreditCard)
    };
    // "Put the $40 hold on 4375 3498 2046 3883", "a card on my report I never opened:
    // 5281...": a whole card number (Luhn and an issuer range, unbroken or in fours) is a
    // card next to an amount or a word of time too; only a label of something not
    // personal (order, tracking, ...) keeps it.
    if (15..=16).contains(&n)
        && !datey
        && !unit
        && (run.ngroups <= 1 || run.group_lens().iter().all(|g| *g == 4))
        && (matches!(around.concept, Concept::None | Concept::Money)
            && (around.money || around.dollar)
            || around.concept == Concept::Negative && time_word_before(doc, run.t0))
        && validate::is_card(&run.digits)
    {
        return Some(EntityType::CreditCard);
    }
    if around.money && n < 6 && !run.code && around.concept != Concept::None && !code_after_card()
        || around.dollar
    {
        return None;
    }
    use EntityType as E;
    // A whole card number (Luhn and an issuer range, unbroken, in fours or spoken) is a
    // card whatever other label is near ("the card on file expired, use 5253 ...
    // instead"); labels of non-personal numbers and accounts keep their own rules below.
    if (15..=16).contains(&n)
        && !datey
        && !unit
        && (run.ngroups <= 1 || run.group_lens().iter().all(|g| *g == 4))
        && matches!(
            around.concept,
            Concept::Expiry
                | Concept::Cvv
                | Concept::Birth
                | Concept::Ssn
                | Concept::Phone
                | Concept::Zip
                | Concept::Routing
                | Concept::Security
                | Concept::Code
        )
        && validate::is_card(&run.digits)
    {
        return Some(E::CreditCard);
    }
    // "4245 6072 6406 6886, 06/30", "... october twenty twenty six": a month and year
    // said right after a card number is its expiry.
    if datey
        && !run.ordinal
        && (3..=6).contains(&n)
        && matches!(
            around.concept,
            Concept::None | Concept::Money | Concept::Card
        )
        && card_just_before(doc, run.t0)
    {
        return Some(E::CardExpiry);
    }
    // "i'll text the confirmation to seven oh two ...": the number a confirmation is
    // texted to is a phone, whatever that confirmation's own label says.
    if around.concept == Concept::Negative
        && (10..=11).contains(&n)
        && validate::is_nanp(&run.digits)
        && run.t0 > 0
        && doc.is(run.t0 - 1, "to")
        && (run.t0.saturating_sub(5)..run.t0 - 1)
            .any(|k| doc.is(k, "text") || doc.is(k, "call") || doc.is(k, "send"))
    {
        return Some(E::Phone);
    }
    let kind = match around.concept {
        Concept::Card => {
            if n >= 12 {
                Some(E::CreditCard)
            } else if own_concept == Concept::Card
                && run.slash
                && !run.ordinal
                && (3..=4).contains(&n)
                && !unit
            {
                // "the one on the card says oh two slash thirty": its expiry (the card
                // named in the same sentence, not in a question before).
                Some(E::CardExpiry)
            } else if unit || datey || bare_year(doc, run) || hundreds(doc, run) {
                None
            } else if n >= 8 || at_end && n >= 2 {
                Some(E::CreditCard)
            } else {
                None
            }
        }
        // A code with letters in it ("update 22H2") is not a card security code.
        Concept::Cvv => {
            (!unit && !run.code && ((3..=4).contains(&n) || at_end && n <= 4)).then_some(E::Cvv)
        }
        Concept::Expiry => {
            // "the card expired in 2023": a bare year is not an expiry date; "the warranty
            // ... expires in December 2026": another thing's expiry, when no card is named.
            (!unit
                && !bare_year(doc, run)
                && (datey || (3..=6).contains(&n) || at_end && n <= 6)
                && !other_thing_expires(doc)
                && !day_of_month(doc, run))
            .then_some(E::CardExpiry)
        }
        Concept::Birth => {
            // "I turned 40", "she's turning nine": an age, not a date.
            let age = !datey
                && n <= 3
                && run.t0 > 0
                && ["turned", "turning", "turn", "turns", "aged", "age"]
                    .iter()
                    .any(|w| doc.is(run.t0 - 1, w));
            // ("... june the seventh two thousand twelve so he's thirteen": an age.)
            let age = age || !datey && n <= 2 && age_before(doc, run.t0);
            (!unit && !age && (datey || (4..=8).contains(&n) || at_end && n >= 2))
                .then_some(E::DateOfBirth)
        }
        // ("my social is ... and um i got it in twenty nineteen": a year.)
        Concept::Ssn => (!unit && !datey && !bare_year(doc, run) && (n >= 4 || at_end && n >= 2))
            .then_some(E::Ssn),
        Concept::Phone => {
            if unit || datey || n <= 4 && time_prep_before(doc, run.t0) {
                // "reach me after nine thirty", "call me around 5"
                None
            } else if n >= 7
                || at_end && n >= 2
                || around.area_code && n == 3
                || n == 4 && last_piece_before(doc, run.t0)
            {
                Some(E::Phone)
            } else {
                None
            }
        }
        Concept::Zip => (!unit
            && (n == 5 || n == 9 || at_end && n >= 2)
            && !crate::redact::address::business_place_before(doc, run.t0))
        .then_some(E::Address),
        Concept::Routing => (!unit && !datey && n >= 2).then_some(E::RoutingNumber),
        // "a deposit of fifteen hundred": an amount said in hundreds is no account number.
        Concept::Bank => (!(unit || datey || n <= 7 && hundreds(doc, run))
            && (n >= 4 || at_end && n >= 2))
            .then_some(E::BankAccount),
        Concept::Account | Concept::AccountId | Concept::Id => {
            if unit
                || datey
                || bare_year(doc, run)
                || n <= 2 && age_before(doc, run.t0)
                || said_in_thousands(doc, run)
            {
                None
            } else if n >= 4 || run.code || at_end && n >= 1 {
                Some(if bank && around.concept == Concept::Account {
                    E::BankAccount
                } else {
                    E::AccountId
                })
            } else {
                None
            }
        }
        // A whole card number (Luhn, issuer range, read in fours or unbroken) is a card
        // even after another number's negative label: "Order W114-88270 was billed to
        // 6011 2545 5464 0018".
        Concept::Negative
            if around.negative_inherited
                && n >= 15
                && !datey
                && (run.group_lens().iter().all(|g| *g == 4) || run.ngroups == 1)
                && validate::is_card(&run.digits) =>
        {
            Some(E::CreditCard)
        }
        // "The card ending, well, the whole thing is 5304 1201 7495 5235": a whole card
        // number is not its last four.
        Concept::Ending if n >= 15 && !datey && validate::is_card(&run.digits) => {
            Some(E::CreditCard)
        }
        // "The first four are 5515, middle bit is 8069 9833, and it ends with 9763": the
        // last piece of a card read in pieces, not a card's last four said alone.
        Concept::Ending
            if n == 4
                && !datey
                && doc.found.iter().any(|f| {
                    f.kind == E::CreditCard
                        && f.t1 <= run.t0
                        && f.t1 + 12 >= run.t0
                        && entity_digits(doc, f.t0, f.t1).len() < 16
                }) =>
        {
            Some(E::CreditCard)
        }
        Concept::Negative | Concept::Ending => None,
        Concept::Money | Concept::None | Concept::Number | Concept::Code | Concept::Security => {
            let card_found = || {
                doc.found
                    .iter()
                    .any(|f| matches!(f.kind, E::CreditCard | E::CardExpiry))
            };
            let code_answer = around.concept == Concept::Code
                && (3..=4).contains(&n)
                && !run.code
                && !datey
                && !unit;
            if code_answer && around.money && the_code_is(doc, run.t0) && card_found() {
                // "the fuel card is ... and it got declined at the pump the code is 4188":
                // the money word is older than the code asked for after a card.
                Some(E::Cvv)
            } else if unit || around.money && n < 12 {
                None
            } else if code_answer && (the_code_is(doc, run.t0) || card_found()) {
                // "the code's 225", "my code is 4417": a code of the caller's own, said as
                // the answer (a bare "code 502" on a screen stays).
                Some(E::Cvv)
            } else if validate::is_card(&run.digits) && !datey {
                Some(E::CreditCard)
            } else if (phone_shape(run) || spoken_phone_shape(run)) && !datey {
                Some(E::Phone)
            } else if ssn_shape(run) {
                Some(E::Ssn)
            } else if bank
                && n == 9
                && validate::is_aba(&run.digits)
                && (around.weak_number || at_end)
            {
                Some(E::RoutingNumber)
            } else if around.weak_number && around.weak_id && !around.money && !datey && n >= 4 {
                // "My ID number is F2291-44830-57120": an identifier's number, no phone.
                Some(E::AccountId)
            } else if around.weak_number && !around.money && !datey {
                let nanp = (10..=11).contains(&n) && validate::is_nanp(&run.digits);
                // Cut at the end of the turn, or international ("my uk number is zero seven
                // seven ..."); ten digits that fail NANP ("bag tag number is 0016 448291.")
                // are a whole number of something else.
                let cut = at_end && n >= 3 && n != 10;
                let cued = (7..=15).contains(&n) && look_ahead_phone(doc, run.t1);
                if nanp || cut || cued {
                    Some(E::Phone)
                } else if (8..=17).contains(&n) && !run.code && bank_word_before(doc, run.t0) {
                    // "use the checking account ... the full number: 20019 48837": no phone
                    // where a bank account is being talked about.
                    Some(E::BankAccount)
                } else {
                    None
                }
            } else if !datey
                && !around.money
                && (7..=11).contains(&n)
                && look_ahead_phone(doc, run.t1)
            {
                Some(E::Phone)
            } else if around.weak_id && !datey && n >= 4 {
                Some(E::AccountId)
            } else if !run.written && !datey && !around.money && n >= 7 {
                // An unlabelled identifier read out digit by digit ("sure it's eight oh
                // seven five oh eight two one seven"), e.g. inside a summary that lost the
                // question it answered: nobody reads seven digits aloud that are not an
                // identifier, and labelled non-PII numbers (order, tracking, ...) never
                // reach this branch. SSN-valid nine digits are an SSN.
                Some(if n == 9 && validate::is_ssn(&run.digits) {
                    E::Ssn
                } else {
                    E::AccountId
                })
            } else if at_end
                && !datey
                && !around.money
                && matches!(run.digits.as_bytes()[0], b'2'..=b'6')
                && (n >= 12
                    || run.ngroups >= 2 && run.group_lens().iter().all(|g| *g == 4)
                    || n >= 6 && !run.written && around.concept == Concept::None)
            {
                // A long unlabelled number cut at the end of the turn (spoken digit by digit,
                // or read in groups of four): a card being read out.
                Some(E::CreditCard)
            } else if leading(doc, run.t0) && !datey && !around.money && n >= 6 {
                // A segment that opens with a long unlabelled number is the rest of a
                // number cut in the speaker's previous segment. Caught even when that
                // segment (and its carried tail) has not been seen yet: deliveries are
                // unordered.
                Some(prior.continues.unwrap_or(E::AccountId))
            } else {
                None
            }
        }
    };
    kind
}

/// A card number was found ending at most three tokens before `t0`, with no other number
/// in between.
fn card_just_before(doc: &Doc, t0: usize) -> bool {
    doc.found.iter().any(|f| {
        f.kind == EntityType::CreditCard
            && f.t1 <= t0
            && t0 - f.t1 <= 3
            && doc.toks[f.t1..t0]
                .iter()
                .all(|t| !matches!(t.kind, Kind::Num | Kind::Alnum | Kind::Placeholder))
    })
}

/// "mine", "his", "hers", ...: a pronoun standing for "my date of birth", "his number".
/// (Its words carry `flag::LOOK_BACK`, as do those of [`is_answer_word`].)
fn is_possessive_pronoun(t: &Tok) -> bool {
    const PRONOUNS: [u64; 7] = keys(["mine", "mine's", "his", "hers", "theirs", "ours", "yours"]);
    PRONOUNS.contains(&t.key)
}

/// "husband's", "daughter's": a relative's, as in "and my husband's is ...".
pub(crate) fn kin_possessive(w: &[u8]) -> bool {
    let Some(stem) = w
        .strip_suffix(b"'s")
        .or_else(|| w.strip_suffix("\u{2019}s".as_bytes()))
    else {
        return false;
    };
    let mut lower = [0u8; 16];
    if stem.is_empty() || stem.len() > lower.len() {
        return false;
    }
    for (d, s) in lower.iter_mut().zip(stem) {
        *d = s.to_ascii_lowercase();
    }
    lexicon::lookup(&lower[..stem.len()]).has(flag::KIN)
}

/// "sure", "yes", "yeah", "yep", "okay", "ok": a word that opens an answer.
fn is_answer_word(t: &Tok) -> bool {
    const ANSWERS: [u64; 6] = [
        pack_word(b"sure"),
        pack_word(b"yes"),
        pack_word(b"yeah"),
        pack_word(b"yep"),
        pack_word(b"okay"),
        pack_word(b"ok"),
    ];
    ANSWERS.contains(&t.key)
}

/// True when only fillers, greetings or "it's" come before token `t0` in its sentence
/// (the number opens the answer).
fn leading(doc: &Doc, t0: usize) -> bool {
    let mut words = 0;
    for k in (0..t0).rev() {
        let t = doc.toks[k];
        if t.kind == Kind::Punct {
            if matches!(t.ch, b'?' | b'!') {
                return true;
            }
            continue;
        }
        // "... ridge circle sure, it's 059 06 5788": an answer word opens a new answer.
        if t.kind == Kind::Word && is_answer_word(&t) {
            return true;
        }
        if t.kind != Kind::Word
            || t.lex.concept != Concept::None && t.lex.concept != Concept::Number
        {
            return false;
        }
        words += 1;
        if words > 6 {
            return false;
        }
    }
    true
}

/// The type of a number the text ends in (for the next turn/segment), if any.
pub(crate) fn trailing_kind(doc: &Doc) -> Option<EntityType> {
    let last = doc.toks.iter().rposition(|t| {
        !(t.kind == Kind::Punct || t.kind == Kind::Word && t.lex.has(flag::FILLER))
    })?;
    for f in &doc.found {
        if f.t1 == last + 1 && doc.run_at[last] != 0 {
            return Some(f.kind);
        }
    }
    // A number run that was not classified, or a keyword at the very end ("my card number is").
    let mut k = last + 1;
    let mut words = 0;
    let mut placed = None;
    while k > 0 && words < 5 {
        k -= 1;
        let t = doc.toks[k];
        if t.kind != Kind::Word {
            continue;
        }
        words += 1;
        let c = concept_at(doc, k);
        let kind = match c {
            Concept::Card => Some(EntityType::CreditCard),
            Concept::Ssn => Some(EntityType::Ssn),
            Concept::Phone => Some(EntityType::Phone),
            Concept::Routing => Some(EntityType::RoutingNumber),
            Concept::Bank | Concept::Account => Some(EntityType::BankAccount),
            Concept::AccountId => Some(EntityType::AccountId),
            Concept::Cvv => Some(EntityType::Cvv),
            Concept::Zip => Some(EntityType::Address),
            Concept::Birth => Some(EntityType::DateOfBirth),
            Concept::Expiry => Some(EntityType::CardExpiry),
            Concept::Negative | Concept::Money | Concept::Ending => return None,
            _ => None,
        };
        // "And the date of birth on the account?": the paper or account a thing is on is
        // where it is; the keyword before it says what the number will be.
        if kind.is_some()
            && placed.is_none()
            && matches!(
                c,
                Concept::Account | Concept::Bank | Concept::Card | Concept::AccountId
            )
            && k >= 2
            && (doc.is(k - 1, "the") || doc.is(k - 1, "your"))
            && (doc.is(k - 2, "on") || doc.is(k - 2, "for"))
        {
            placed = kind;
            continue;
        }
        if kind.is_some() {
            return kind;
        }
    }
    placed
}

/// The first strong keyword of a text (what a question asks for).
pub(crate) fn asked(doc: &Doc) -> Concept {
    let mut code = false;
    let mut money = false;
    let mut negative = false;
    for (k, t) in doc.toks.iter().enumerate() {
        if t.kind != Kind::Word {
            continue;
        }
        // "And what city and state?": a place, and the ZIP that ends it.
        if doc.is(k, "city") {
            return Concept::Zip;
        }
        // "And the billing address for the card?": an address (not an e-mail address).
        if doc.is(k, "address")
            && !(k > 0
                && ["email", "mail", "ip", "web"]
                    .iter()
                    .any(|w| doc.is(k - 1, w)))
        {
            return Concept::Zip;
        }
        // "And the three digits on the back?", "the code on the reverse", "the little code
        // printed by the signature panel?": the card security code.
        if (doc.is(k, "back") || doc.is(k, "reverse") || doc.is(k, "signature"))
            && (k.saturating_sub(6)..k).any(|p| doc.is(p, "digits") || doc.is(p, "code"))
        {
            return Concept::Cvv;
        }
        match concept_at(doc, k) {
            Concept::None | Concept::Number | Concept::Id => {}
            // "What's the balance?": an amount is asked for, unless a keyword follows.
            Concept::Money => money = true,
            Concept::Code => code = true,
            Concept::Security => {
                return if k > 0 && doc.is(k - 1, "social") {
                    Concept::Ssn
                } else {
                    Concept::Cvv
                };
            }
            // "What's the order number?": the answer is not personal (unless a personal
            // keyword comes later: "the order number and the phone on file").
            Concept::Negative => negative = true,
            Concept::Ending => return Concept::None,
            c => {
                if code && c == Concept::Zip {
                    return c;
                }
                return c;
            }
        }
    }
    if money || negative {
        Concept::Negative
    } else {
        Concept::None
    }
}

/// "six one four two nine seven uh hold on let me grab my glasses oh four four one",
/// "account number is eight eight um hold on my reading glasses six one two oh ...": one
/// number interrupted by an aside, found as two entities of the same kind, is one entity
/// over the aside — when the gap is a short pause (a pause word in it: hold/hang on, wait,
/// a second, let me, glasses), names no other item (no keyword, no number, no sentence end)
/// and the digits together make a whole number of that kind.
pub(crate) fn join_interrupted(doc: &mut Doc) {
    if doc.found.len() < 2 {
        return;
    }
    doc.found.sort_unstable_by_key(|f| f.t0);
    let mut i = 0;
    while i + 1 < doc.found.len() {
        let (a, b) = (doc.found[i], doc.found[i + 1]);
        let same = a.kind == b.kind
            && matches!(
                a.kind,
                EntityType::Phone | EntityType::BankAccount | EntityType::AccountId
            )
            || matches!(
                (a.kind, b.kind),
                (EntityType::BankAccount, EntityType::AccountId)
                    | (EntityType::AccountId, EntityType::BankAccount)
            );
        if !same || b.t0 <= a.t1 || b.t0 - a.t1 > 10 || !pause_between(doc, a.t1, b.t0) {
            i += 1;
            continue;
        }
        let digits = entity_digits(doc, a.t0, a.t1) + &entity_digits(doc, b.t0, b.t1);
        let whole = match a.kind {
            EntityType::Phone => {
                validate::is_nanp(&digits)
                    || digits.len() == 11
                        && digits.starts_with('1')
                        && validate::is_nanp(&digits[1..])
            }
            _ => (6..=17).contains(&digits.len()),
        };
        if !whole {
            i += 1;
            continue;
        }
        for c in &mut doc.claimed[a.t1..b.t0] {
            *c = true;
        }
        doc.found[i].t1 = b.t1;
        doc.found.remove(i + 1);
    }
}

/// Tokens `from..to` are a short pause inside one number (see [`join_interrupted`]).
fn pause_between(doc: &Doc, from: usize, to: usize) -> bool {
    let mut pause = false;
    for k in from..to {
        let t = &doc.toks[k];
        match t.kind {
            Kind::Punct if t.ch == b',' => {}
            Kind::Word
                if !doc.claimed[k]
                    && t.lex.concept == Concept::None
                    && t.lex.num == NumWord::None
                    && t.lex.ordinal == 0 =>
            {
                pause |= (doc.is(k, "hold") || doc.is(k, "hang")) && doc.is(k + 1, "on")
                    || doc.is(k, "let") && doc.is(k + 1, "me")
                    || doc.is(k, "lemme")
                    || doc.is(k, "wait")
                    || doc.is(k, "second")
                    || doc.is(k, "sec")
                    || doc.is(k, "moment")
                    || doc.is(k, "glasses");
            }
            _ => return false,
        }
    }
    pause
}

/// "my social is uh five three one it's five three one four seven two two zero six": a
/// number begun, then said again from the start, is the same entity — the run right before
/// an entity (fillers, commas and "it's" / "sorry" / "i mean" / "no" / "wait" between)
/// whose digits begin the entity's digits takes the entity's kind.
pub(crate) fn restarted_numbers(doc: &mut Doc) {
    let mut add: Vec<(EntityType, usize, usize)> = Vec::new();
    for f in &doc.found {
        if !matches!(
            f.kind,
            EntityType::Phone
                | EntityType::Ssn
                | EntityType::CreditCard
                | EntityType::AccountId
                | EntityType::BankAccount
                | EntityType::RoutingNumber
        ) || doc.run_at[f.t0] == 0
        {
            continue;
        }
        let mut k = f.t0;
        let mut gap = 0;
        while k > 0 && gap < 4 {
            let p = k - 1;
            let t = &doc.toks[p];
            let pause = t.is_punct(b',')
                || doc.filler(p)
                || [
                    "it's", "its", "sorry", "mean", "i", "no", "wait", "um", "uh",
                ]
                .iter()
                .any(|w| doc.is(p, w));
            if !pause || doc.claimed[p] {
                break;
            }
            k = p;
            gap += 1;
        }
        if gap == 0 || k == 0 || doc.run_at[k - 1] == 0 || doc.claimed[k - 1] {
            continue;
        }
        let r = &doc.runs[doc.run_at[k - 1] as usize - 1];
        let whole = &doc.runs[doc.run_at[f.t0] as usize - 1];
        if r.t1 == k
            && r.n() >= 2
            && r.n() < whole.n()
            && whole.digits.starts_with(r.digits.as_str())
            && !doc.claimed[r.t0..r.t1].iter().any(|c| *c)
        {
            add.push((f.kind, r.t0, r.t1));
        }
    }
    for (kind, t0, t1) in add {
        doc.add(kind, t0, t1);
    }
}

/// "six four seven and then four one nine and then uh eight eight zero two", "four one
/// four and then the rest is like two two seven ...": a phone number said in pieces. The
/// three-digit runs right before a found phone, joined to it by "then" / "the rest is"
/// (with "and", fillers and commas), belong to it when the digits together make a whole
/// NANP number.
pub(crate) fn phone_in_pieces(doc: &mut Doc) {
    let mut merged: Vec<usize> = Vec::new();
    for fi in 0..doc.found.len() {
        let f = doc.found[fi];
        // ("his cell is three three six um and then four seven one ...": the rest of a
        // phone after its area code, read as an identifier of seven digits on its own.)
        let rest_as_id =
            f.kind == EntityType::AccountId && entity_digits(doc, f.t0, f.t1).len() == 7;
        if !(f.kind == EntityType::Phone || rest_as_id) || merged.contains(&fi) {
            continue;
        }
        let mut digits = entity_digits(doc, f.t0, f.t1);
        let mut t0 = f.t0;
        let mut pieces: Vec<usize> = Vec::new();
        while digits.len() < 10 {
            let Some(k) = piece_gap_start(doc, t0)
                .or_else(|| dash_aside_start(doc, t0))
                .or_else(|| and_gap_start(doc, t0))
            else {
                break;
            };
            let r = doc.run_at[k - 1];
            if r == 0 {
                break;
            }
            let run = &doc.runs[r as usize - 1];
            // (An area code found as a phone of its own is a piece too.)
            let found_piece = doc
                .found
                .iter()
                .position(|g| g.kind == EntityType::Phone && g.t0 == run.t0 && g.t1 == run.t1);
            let free = !doc.claimed[run.t0..run.t1].iter().any(|c| *c);
            if run.t1 != k || run.n() != 3 || !free && found_piece.is_none() {
                break;
            }
            pieces.extend(found_piece);
            digits.insert_str(0, &run.digits);
            t0 = run.t0;
        }
        if t0 < f.t0
            && digits.len() == 10
            && validate::is_nanp(&digits)
            && (!rest_as_id || !pieces.is_empty() || phone_cue_before(doc, t0))
        {
            for c in &mut doc.claimed[t0..f.t0] {
                *c = true;
            }
            doc.found[fi].t0 = t0;
            doc.found[fi].kind = EntityType::Phone;
            merged.extend(pieces);
        }
    }
    doc.drop_found(&merged);
}

/// "757-412-3098 ext. 5521", "five oh three ... extension two one four", "(214) 697-3385 x
/// 12": an extension said right after a found phone is part of that number.
pub(crate) fn phone_extension(doc: &mut Doc) {
    const EXT: [u64; 2] = keys(["ext", "x"]);
    for fi in 0..doc.found.len() {
        let f = doc.found[fi];
        if f.kind != EntityType::Phone {
            continue;
        }
        let mut j = f.t1;
        if doc.toks.get(j).is_some_and(|t| t.is_punct(b',')) {
            j += 1;
        }
        if !(doc.word(j) && (EXT.contains(&doc.toks[j].key) || doc.is(j, "extension")))
            || doc.claimed[j]
        {
            continue;
        }
        let e = doc.after_abbreviation_dot(j + 1);
        let r = doc.run_at.get(e).copied().unwrap_or(0);
        if r == 0 {
            continue;
        }
        let run = &doc.runs[r as usize - 1];
        let t1 = run.t1;
        if run.t0 != e || !(1..=6).contains(&run.n()) || doc.claimed[run.t0..t1].iter().any(|c| *c)
        {
            continue;
        }
        for c in &mut doc.claimed[f.t1..t1] {
            *c = true;
        }
        doc.found[fi].t1 = t1;
    }
}

/// "my social starts with four five five the middle is one nine and the end is double oh two
/// seven", "zero seven eight fifty two and then eleven forty six": a social security number
/// read in two or three pieces with a few words between, after an SSN keyword (or asked
/// for). The pieces become one SSN when their nine digits together pass the SSN rules;
/// pieces already found alone (the last four as an SSN) are merged into it.
pub(crate) fn ssn_in_pieces(doc: &mut Doc, asked_ssn: bool) {
    let mut i = 0;
    while i + 1 < doc.runs.len() {
        let mut joined = None;
        for len in [3usize, 2] {
            let Some(pieces) = doc.runs.get(i..i + len) else {
                continue;
            };
            // (Read as its groups, 3-2-4, or as its first three or five digits and the rest.)
            let shaped = match pieces {
                [a, b, c] => (a.n(), b.n(), c.n()) == (3, 2, 4),
                [a, b] => matches!((a.n(), b.n()), (5, 4) | (3, 6)),
                _ => false,
            };
            if !shaped || pieces.iter().any(|r| r.month || r.slash || r.ordinal) {
                continue;
            }
            let digits: String = pieces.iter().map(|r| r.digits.as_str()).collect();
            if !validate::is_ssn(&digits) {
                continue;
            }
            let gaps_ok = pieces.windows(2).all(|w| {
                w[1].t0 > w[0].t1
                    && w[1].t0 - w[0].t1 <= 6
                    && (w[0].t1..w[1].t0).all(|k| {
                        !doc.claimed[k]
                            && (doc.word(k) && doc.toks[k].lex.concept == Concept::None
                                || doc.toks[k].is_punct(b','))
                    })
            });
            // Each piece is free or found whole as one entity.
            let mut found = Vec::new();
            let pieces_ok = pieces.iter().all(|r| {
                if !doc.claimed[r.t0..r.t1].iter().any(|c| *c) {
                    return true;
                }
                match doc.found.iter().position(|f| f.t0 == r.t0 && f.t1 == r.t1) {
                    Some(fi) => {
                        found.push(fi);
                        true
                    }
                    None => false,
                }
            });
            let cued = asked_ssn || look_back(doc, pieces[0].t0).concept == Concept::Ssn;
            if gaps_ok && pieces_ok && cued {
                joined = Some((pieces[0].t0, pieces[len - 1].t1, found, len));
                break;
            }
        }
        match joined {
            Some((t0, t1, found, len)) => {
                doc.drop_found(&found);
                for c in &mut doc.claimed[t0..t1] {
                    *c = false;
                }
                doc.add(EntityType::Ssn, t0, t1);
                i += len;
            }
            None => i += 1,
        }
    }
}

/// "the first part of my account is eight eight one oh and then the rest is uh five five
/// three two seven one": an account or card number said in two pieces joined by "and then"
/// / "the rest is". The second piece (found as the same type, or not found at all) joins
/// the first into one entity, so the connector words between are redacted with it and the
/// pieces are not two short numbers. A card must still pass Luhn when whole.
pub(crate) fn number_in_pieces(doc: &mut Doc) {
    let mut merged: Vec<usize> = Vec::new();
    for ri in 1..doc.runs.len() {
        let run = &doc.runs[ri];
        let (t0, t1, n) = (run.t0, run.t1, run.n());
        let own = doc.found.iter().position(|f| f.t0 == t0 && f.t1 == t1);
        let free = !doc.claimed[t0..t1].iter().any(|c| *c);
        if !(own.is_some() || free && n >= 3 && !unit_after(doc, run)) {
            continue;
        }
        let Some(k) = piece_gap_start(doc, t0) else {
            continue;
        };
        let Some(gi) = doc.found.iter().position(|g| {
            g.t1 == k
                && matches!(
                    g.kind,
                    EntityType::BankAccount | EntityType::AccountId | EntityType::CreditCard
                )
        }) else {
            continue;
        };
        let g = doc.found[gi];
        if own.is_some_and(|fi| doc.found[fi].kind != g.kind) || merged.contains(&gi) {
            continue;
        }
        let mut digits = entity_digits(doc, g.t0, g.t1);
        digits.push_str(&doc.runs[ri].digits);
        let whole = match g.kind {
            EntityType::CreditCard => validate::is_card(&digits),
            EntityType::BankAccount => digits.len() <= 17,
            _ => digits.len() <= 20,
        };
        if !whole {
            continue;
        }
        for c in &mut doc.claimed[k..t1] {
            *c = true;
        }
        doc.found[gi].t1 = t1;
        // (A card's kept last four are the whole number's, not the first piece's.)
        if g.kind == EntityType::CreditCard {
            doc.found[gi].last4 = digits
                .as_bytes()
                .get(digits.len().saturating_sub(4)..)
                .and_then(|l| <[u8; 4]>::try_from(l).ok());
        }
        merged.extend(own);
    }
    doc.drop_found(&merged);
}

/// "my work number is uh two oh eight three four four and then um nine oh one six", "its two
/// oh six um four four one and then seven seven three oh thats my cell": a phone said as
/// its first six digits and its last four, with "and then" (or "the rest is") between, and
/// neither piece found as anything. The two become one phone when the ten digits are
/// NANP-valid and a phone keyword (or a bare "number") comes before the first, or a phone
/// word right after the second ("... thats my cell").
pub(crate) fn phone_in_two_pieces(doc: &mut Doc) {
    let mut ri = 1;
    while ri < doc.runs.len() {
        let (t0, t1, n) = (doc.runs[ri].t0, doc.runs[ri].t1, doc.runs[ri].n());
        ri += 1;
        if n != 4 || doc.claimed[t0..t1].iter().any(|c| *c) {
            continue;
        }
        let Some(g) = piece_gap_start(doc, t0) else {
            continue;
        };
        let p = doc.run_at[g - 1];
        if p == 0 {
            continue;
        }
        let first = &doc.runs[p as usize - 1];
        // (The first piece alone may have been read as a phone or an identifier.)
        let found = doc.found.iter().position(|f| {
            f.t0 == first.t0
                && f.t1 == first.t1
                && matches!(f.kind, EntityType::Phone | EntityType::AccountId)
        });
        if first.t1 != g
            || first.n() != 6
            || found.is_none() && doc.claimed[first.t0..first.t1].iter().any(|c| *c)
        {
            continue;
        }
        let p0 = first.t0;
        let mut digits = String::with_capacity(10);
        digits.push_str(&first.digits);
        digits.push_str(&doc.runs[ri - 1].digits);
        let phone_after = (t1..(t1 + 4).min(doc.toks.len()))
            .any(|k| doc.word(k) && doc.toks[k].lex.concept == Concept::Phone);
        if validate::is_nanp(&digits) && (phone_cue_before(doc, p0) || phone_after) {
            match found {
                Some(fi) => {
                    for c in &mut doc.claimed[g..t1] {
                        *c = true;
                    }
                    doc.found[fi].t1 = t1;
                    doc.found[fi].kind = EntityType::Phone;
                }
                None => {
                    doc.add(EntityType::Phone, p0, t1);
                }
            }
        }
    }
}

/// A phone keyword ("cell", "phone", a bare "number") among the few words before `t0`,
/// with no other keyword nearer ("member number three four five and then ..." is no phone).
fn phone_cue_before(doc: &Doc, t0: usize) -> bool {
    for k in (t0.saturating_sub(8)..t0).rev() {
        if doc.toks[k].kind != Kind::Word {
            continue;
        }
        match concept_at(doc, k) {
            Concept::Phone => return true,
            // ("my number is", not "my member number is")
            Concept::Number => {
                return !(k > 0
                    && doc.word(k - 1)
                    && !matches!(concept_at(doc, k - 1), Concept::None | Concept::Phone));
            }
            Concept::None => {}
            _ => return false,
        }
    }
    false
}

/// "the last part is oh nine four nine", "the last four are ...": the words right before
/// `t0` name the last piece of a number (asked for or read back before).
fn last_piece_before(doc: &Doc, t0: usize) -> bool {
    const PIECE: [u64; 7] = keys(["part", "four", "digits", "bit", "is", "are", "it's"]);
    let mut k = t0;
    while k > 0 && t0 - k < 5 {
        let p = k - 1;
        if doc.is(p, "last") {
            return k < t0;
        }
        let piece = doc.word(p) && PIECE.contains(&doc.toks[p].key) || doc.filler(p);
        if !piece || doc.claimed[p] {
            return false;
        }
        k = p;
    }
    false
}

/// A bank word ("checking", "savings", "routing", ...) among the 30 tokens before `t0`:
/// a bare "number" after it is the bank account's.
fn bank_word_before(doc: &Doc, t0: usize) -> bool {
    (t0.saturating_sub(30)..t0).any(|k| {
        doc.word(k)
            && matches!(doc.toks[k].lex.concept, Concept::Bank | Concept::Routing)
            && !checking_in(doc, k)
    })
}

/// The start of a piece connector ending right before `t` ("and then uh", "and the rest is
/// um"): a few unclaimed fillers, commas and connector words, with "then" or "rest" among
/// them. Returns the token after the piece before it.
fn piece_gap_start(doc: &Doc, t: usize) -> Option<usize> {
    // ("seven one eight ok that's the area code and then ...")
    const GAP: &[&str] = &[
        "and", "then", "the", "rest", "is", "rest's", "like", "it's", "ok", "okay", "that's",
        "thats", "area", "code", "you", "got", "that",
    ];
    let mut k = t;
    let mut linked = false;
    while k > 0 && t - k < 10 {
        let p = k - 1;
        if doc.claimed[p] {
            break;
        }
        // ("... eight two one and the last four are three three nine oh")
        if p > 0 && doc.is(p, "four") && doc.is(p - 1, "last") && !doc.claimed[p - 1] {
            linked = true;
            k = p - 1;
            continue;
        }
        let gap = doc.toks[p].is_punct(b',')
            || doc.filler(p)
            || doc.word(p)
                && (GAP.iter().any(|w| doc.is(p, w)) || doc.is(p, "are") || doc.is(p, "digits"));
        if !gap {
            break;
        }
        linked |= doc.is(p, "then") || doc.is(p, "rest") || doc.is(p, "rest's");
        k = p;
    }
    (linked && k < t && k > 0).then_some(k)
}

/// "... six three four and oh oh nine five": a bare "and" (with fillers or a comma) right
/// before `t`, joining the pieces of a phone whose digits together must make a whole NANP
/// number. Returns the token after the piece before it.
fn and_gap_start(doc: &Doc, t: usize) -> Option<usize> {
    let mut k = t;
    let mut and = false;
    while k > 0 && t - k < 4 {
        let p = k - 1;
        if doc.claimed[p] {
            break;
        }
        if doc.is(p, "and") && !and {
            and = true;
        } else if !(doc.filler(p) || doc.toks[p].is_punct(b',')) {
            break;
        }
        k = p;
    }
    (and && k < t && k > 0).then_some(k)
}

/// "it's 512 — she just moved back here — 440-2986": an aside between two dashes (a few
/// unclaimed words, no number) ending right before `t`. Returns the token after the piece
/// before it.
fn dash_aside_start(doc: &Doc, t: usize) -> Option<usize> {
    let dash = |k: usize| {
        let b = doc.bytes(k);
        doc.toks[k].kind == Kind::Punct
            && (b == "—".as_bytes() || b == "–".as_bytes() || b == b"-" && doc.toks[k].space_before)
    };
    if t < 3 || doc.claimed[t - 1] || !dash(t - 1) {
        return None;
    }
    let mut k = t - 1;
    while k > 0 && t - k < 12 {
        let p = k - 1;
        if doc.claimed[p] || doc.run_at[p] != 0 {
            return None;
        }
        if dash(p) {
            return (p > 0 && p + 2 < t).then_some(p);
        }
        if !(doc.word(p) || doc.toks[p].is_punct(b',')) {
            return None;
        }
        k = p;
    }
    None
}

/// The digits of the number runs inside tokens `t0..t1`.
fn entity_digits(doc: &Doc, t0: usize, t1: usize) -> String {
    let mut out = String::new();
    let mut last = 0;
    for k in t0..t1 {
        let r = doc.run_at[k];
        if r != 0 && r != last {
            out.push_str(&doc.runs[r as usize - 1].digits);
            last = r;
        }
    }
    out
}
