//! Postal addresses: street number (digits or spoken) + street name + street type, then an
//! optional unit, city, state and ZIP.

use crate::redact::doc::Doc;
use crate::redact::entity::EntityType;
use crate::redact::lexicon::{flag, Concept, NumWord};
use crate::redact::tokens::{pack_word, Case, Kind};

/// Finds street addresses; claims their tokens (and the number runs inside). A street
/// named without its number counts only after a cue ([`street_cue_before`]); returns
/// whether one was found (the pieces of [`detect_in_pieces`] may follow it).
pub(crate) fn detect(doc: &mut Doc, asked_address: bool) -> bool {
    let n = doc.toks.len();
    let mut street_alone = false;
    let mut i = 0;
    while i < n {
        if !doc.flag(i, flag::STREET)
            || doc.claimed[i]
            || doc.flag(i + 1, flag::STREET) && !doc.claimed[i + 1]
        {
            i += 1;
            continue;
        }
        // Street name words between the number and the street type (1..=3).
        let mut k = i;
        let mut names = 0;
        while k > 0 && names < 3 {
            let p = k - 1;
            let t = doc.toks[p];
            // "West 57th Street", "Fifth Avenue": an ordinal is a street name.
            let ordinal =
                (t.lex.ordinal > 0 || street_ordinal(doc.bytes(p))) && doc.run_at[p] != 0 && {
                    let r = &doc.runs[doc.run_at[p] as usize - 1];
                    r.t0 == p && r.t1 == p + 1
                };
            // "northwest twenty third avenue", "north forty second place": a spoken ordinal
            // of two words is one street name.
            if !ordinal && !doc.claimed[p] && doc.run_at[p] != 0 && t.lex.ordinal > 0 {
                let r = &doc.runs[doc.run_at[p] as usize - 1];
                if r.t1 == p + 1 && r.ordinal && !r.month && r.t1 - r.t0 <= 3 && r.t0 > 0 {
                    k = r.t0;
                    names += 1;
                    continue;
                }
            }
            if doc.claimed[p] || doc.run_at[p] != 0 && !ordinal {
                break;
            }
            // "thirty three oh nine south uh mckenzie road": a filler among the name words.
            if t.kind == Kind::Word
                && t.lex.has(flag::FILLER)
                && names > 0
                && p > 0
                && (doc.flag(p - 1, flag::DIRECTION) || doc.run_at[p - 1] == 0)
            {
                k = p;
                continue;
            }
            // "1420 N. Halsted St.": the period of an abbreviated direction.
            if t.is_punct(b'.') && !t.space_before && p > 0 && doc.flag(p - 1, flag::DIRECTION) {
                k = p;
                continue;
            }
            let ok = match t.kind {
                Kind::Word => {
                    !t.lex.has(flag::STOP)
                        && !t.lex.has(flag::FILLER)
                        && t.lex.concept == Concept::None
                        || t.lex.has(flag::STREET)
                        || t.lex.has(flag::DIRECTION)
                        // "Old Mill Court", "New Haven Road"
                        || (doc.is(p, "old") || doc.is(p, "new")) && p > 0 && doc.run_at[p - 1] != 0
                }
                Kind::Alnum => t.lex.ordinal > 0,
                _ => false,
            } || ordinal;
            if !ok {
                break;
            }
            k = p;
            names += 1;
        }
        // "2200 Highway 61 South": a numbered road needs no name words.
        let numbered_road = names == 0
            && (doc.is(i, "highway") || doc.is(i, "hwy") || doc.is(i, "route"))
            && doc.run_at.get(i + 1).is_some_and(|r| *r != 0);
        if names == 0 && !numbered_road || k == 0 {
            i += 1;
            continue;
        }
        // "sixty six oh two uh lorain avenue": a filler between the number and the name.
        let mut f = k;
        while f > 1 && doc.flag(f - 1, flag::FILLER) && !doc.claimed[f - 1] && f + 2 > k {
            f -= 1;
        }
        if f < k && doc.run_at[f - 1] != 0 {
            k = f;
        }
        let r = doc.run_at[k - 1];
        if r == 0 {
            // "it's on wexford lane uh the house number is ...": the street alone, after a
            // cue.
            let k = if k > 1 && (doc.is(k - 1, "old") || doc.is(k - 1, "new")) {
                k - 1
            } else {
                k
            };
            if names > 0
                && (street_cue_before(doc, k, asked_address)
                    || house_number_after(doc, i + 1) && !business_place_before(doc, k))
            {
                let mut end = i + 1;
                if doc.flag(end, flag::DIRECTION)
                    && !doc.claimed[end]
                    && (doc.titled(end) || !doc.cased)
                {
                    end += 1;
                }
                end = city_after(doc, end);
                street_alone |= doc.add(EntityType::Address, k, end);
                i = end;
                continue;
            }
            i += 1;
            continue;
        }
        let run = &doc.runs[r as usize - 1];
        let ok_number = run.t1 == k
            && ((1..=6).contains(&run.n()) || unit_then_number(doc, run))
            && !run.month
            && (!run.slash || with_half(doc, run))
            && !doc.claimed[run.t0];
        if !ok_number {
            i += 1;
            continue;
        }
        // Only the last few number tokens belong to the street number ("... and my address
        // is 24 ...": the run is the whole street number already).
        let start = unit_before(doc, run.t0);
        let mut end = i + 1;
        end = doc.after_abbreviation_dot(end);
        // "Ave NW"
        if doc.flag(end, flag::DIRECTION) && !doc.claimed[end] && (doc.titled(end) || !doc.cased) {
            end += 1;
            end = doc.after_abbreviation_dot(end);
        }
        // "one one five nine county road four seventy", "Route 9", "Highway 61": a road
        // named by its number.
        if (doc.is(i, "road") || doc.is(i, "route") || doc.is(i, "highway") || doc.is(i, "hwy"))
            && end == i + 1
        {
            let r = doc.run_at.get(end).copied().unwrap_or(0);
            if r != 0 && doc.runs[r as usize - 1].t0 == end && doc.runs[r as usize - 1].n() <= 4 {
                end = doc.runs[r as usize - 1].t1;
                // "Highway 61 South"
                if doc.flag(end, flag::DIRECTION) && !doc.claimed[end] {
                    end += 1;
                }
            }
        }
        end = tail(doc, end);
        add_address(doc, start, end);
        i = end.max(i + 1);
    }
    detect_prefixed(doc);
    street_alone
}

/// A street named without its number is an address after "live(s) on", "the street is" /
/// "the road is" or, when the address was asked for, "on" (fillers between); `k` is its
/// first word. ("the store on elm street", "we live on a busy road" stay.)
fn street_cue_before(doc: &Doc, k: usize, asked_address: bool) -> bool {
    let mut c = k;
    while c > 0 && doc.filler(c - 1) {
        c -= 1;
    }
    if c == 0 || doc.claimed[c - 1] {
        return false;
    }
    if doc.is(c - 1, "on") {
        let lived =
            c > 1 && (doc.is(c - 2, "live") || doc.is(c - 2, "lives") || doc.is(c - 2, "living"));
        return lived || asked_address;
    }
    c > 1 && doc.is(c - 1, "is") && (doc.is(c - 2, "street") || doc.is(c - 2, "road"))
}

/// "it's on sycamore ridge drive in waukesha and the house number is eighteen twenty two":
/// the house number said a few words after a street named alone ("the number is", "its
/// number", "house number"), which makes the street the caller's address.
fn house_number_after(doc: &Doc, from: usize) -> bool {
    const NUMBER: u64 = pack_word(b"number");
    let end = (from + 16).min(doc.toks.len());
    (from..end).any(|k| {
        doc.toks[k].key == NUMBER
            && k > 0
            && ["house", "building", "the", "its", "it's"]
                .iter()
                .any(|w| doc.is(k - 1, w))
            && {
                let mut j = k + 1;
                while doc.is(j, "is") || doc.filler(j) {
                    j += 1;
                }
                let r = doc.run_at.get(j).copied().unwrap_or(0);
                r != 0 && {
                    let run = &doc.runs[r as usize - 1];
                    run.t0 == j && (1..=6).contains(&run.n()) && !run.month && !doc.claimed[j]
                }
            }
    })
}

/// The end of "in eugene oregon", "in new orleans" after a street named alone (`end`: the
/// token after the street): "in" and up to three place words (a state, or words that are
/// no stop word, filler, keyword or number); `end` when there are none.
fn city_after(doc: &Doc, end: usize) -> usize {
    if !doc.is(end, "in") {
        return end;
    }
    let place = |k: usize| {
        doc.toks.get(k).is_some_and(|t| {
            t.kind == Kind::Word
                && !doc.claimed[k]
                && (t.lex.has(flag::STATE)
                    || ["new", "san", "santa", "saint", "fort", "st"]
                        .iter()
                        .any(|w| doc.is(k, w))
                    || !t
                        .lex
                        .has(flag::STOP | flag::FILLER | flag::STREET | flag::UNIT)
                        && t.lex.concept == Concept::None
                        && t.lex.num == NumWord::None
                        && t.lex.month == 0
                        && t.len() > 1
                        && (!doc.cased || t.case != Case::Lower))
        })
    };
    let mut e = end + 1;
    while e < end + 4 && place(e) {
        e += 1;
    }
    if e > end + 1 {
        e
    } else {
        end
    }
}

/// "712 1/2 Pecan Street": a house number with a half after it (the run's only slash).
fn with_half(doc: &Doc, run: &crate::redact::numbers::Run) -> bool {
    let h = run.t1.wrapping_sub(3);
    run.t1 >= run.t0 + 4
        && doc.bytes(h) == b"1"
        && doc.toks[h].space_before
        && doc.toks[h + 1].is_punct(b'/')
        && !doc.toks[h + 1].space_before
        && doc.bytes(h + 2) == b"2"
        && !doc.toks[h + 2].space_before
        && !doc.toks[run.t0..h].iter().any(|t| t.is_punct(b'/'))
}

/// "1234 Rue Sherbrooke Ouest", "55 Calle Luna": a street type written before the name.
fn detect_prefixed(doc: &mut Doc) {
    let n = doc.toks.len();
    for i in 1..n {
        let prefix = ["rue", "calle", "avenida", "camino", "chemin"]
            .iter()
            .any(|w| doc.is(i, w));
        if !prefix || doc.claimed[i] {
            continue;
        }
        let r = doc.run_at[i - 1];
        if r == 0 {
            continue;
        }
        let run = &doc.runs[r as usize - 1];
        if run.t1 != i || !(1..=6).contains(&run.n()) || run.month || doc.claimed[run.t0] {
            continue;
        }
        let start = unit_before(doc, run.t0);
        // "Rue des Lilas", "Calle de la Paz": particles before the name.
        let mut first = i + 1;
        while first < i + 3
            && [
                "de", "des", "du", "la", "le", "les", "del", "los", "las", "da", "do", "dos",
            ]
            .iter()
            .any(|w| doc.is(first, w))
        {
            first += 1;
        }
        let mut end = name_words_from(doc, first, 3);
        if end == first {
            continue;
        }
        // "Rue Saint-Denis": hyphenated name parts.
        while end + 1 < n
            && doc.toks[end].is_punct(b'-')
            && !doc.toks[end].space_before
            && !doc.toks[end + 1].space_before
            && name_word(doc, end + 1)
        {
            end += 2;
        }
        let end = tail(doc, end);
        doc.add(EntityType::Address, start, end);
    }
}

/// A unit said before the street number ("Flat 3, 27 Kingsmead Road", "Lot 14, 2200
/// Highway 61", "apartment three c, 12 ...", "Unit 4 at 88 Harbor View Blvd"): the start
/// of the address.
/// "Suite 210, 1450 Peachtree Industrial Boulevard": a written unit number and the street
/// number read as one run across the comma, after a unit word.
fn unit_then_number(doc: &Doc, run: &crate::redact::numbers::Run) -> bool {
    if run.t0 == 0 || !doc.flag(run.t0 - 1, flag::UNIT) || doc.is(run.t0 - 1, "box") {
        return false;
    }
    let Some(c) = (run.t0..run.t1).rposition(|k| doc.toks[k].is_punct(b',')) else {
        return false;
    };
    let after = run.t0 + c + 1..run.t1;
    let digits: usize = after.clone().map(|k| doc.toks[k].len()).sum();
    !after.is_empty()
        && after.clone().all(|k| doc.toks[k].kind == Kind::Num)
        && (1..=6).contains(&digits)
        && (run.t0..run.t0 + c).all(|k| doc.toks[k].kind == Kind::Num)
}

fn unit_before(doc: &Doc, t0: usize) -> usize {
    // "Lot 14, 2200 ...": the unit's number and the street number read as one run.
    if t0 > 0 && doc.flag(t0 - 1, flag::UNIT) && !doc.claimed[t0 - 1] && !doc.is(t0 - 1, "box") {
        return t0 - 1;
    }
    // ("unit fourteen c at two twenty one west elm court": the unit, then "at".)
    let mut k = t0;
    if k > 0 && (doc.toks[k - 1].is_punct(b',') || doc.is(k - 1, "at")) {
        k -= 1;
    }
    // The unit's value: a letter, a code or a short number.
    let mut v = k;
    if v > 0 && doc.letter(v - 1) {
        v -= 1;
    }
    if v > 0 && doc.run_at[v - 1] != 0 {
        let r = &doc.runs[doc.run_at[v - 1] as usize - 1];
        if r.t1 == v && r.n() <= 4 {
            v = r.t0;
        }
    } else if v > 0 && doc.toks[v - 1].kind == Kind::Alnum {
        v -= 1;
    }
    if v < k && v > 0 && doc.flag(v - 1, flag::UNIT) && !doc.claimed[v - 1] && !doc.is(v - 1, "box")
    {
        return v - 1;
    }
    t0
}

/// Token `k` can be a word of a street or place name: a word, unclaimed, not a function
/// word, filler, keyword or number word, capitalised in a cased text.
pub(crate) fn name_word(doc: &Doc, k: usize) -> bool {
    doc.toks.get(k).is_some_and(|t| {
        t.kind == Kind::Word
            && !doc.claimed[k]
            && !t.lex.has(flag::STOP)
            && !t.lex.has(flag::FILLER)
            && t.lex.concept == Concept::None
            && t.lex.num == crate::redact::lexicon::NumWord::None
            && (!doc.cased || t.case != Case::Lower)
    })
}

/// The end of up to `max` name words from `from` (`from` when there are none).
fn name_words_from(doc: &Doc, from: usize, max: usize) -> usize {
    let mut end = from;
    while end < from + max && name_word(doc, end) {
        end += 1;
    }
    end
}

/// Adds the address `start..end`, or, when it is the business's own, claims its tokens
/// without an entity (no other detector re-reads them).
fn add_address(doc: &mut Doc, start: usize, end: usize) {
    if business_place_before(doc, start) {
        for c in &mut doc.claimed[start..end] {
            *c = true;
        }
    } else {
        doc.add(EntityType::Address, start, end);
    }
}

/// "57th", "103rd", "2nd": digits and an ordinal suffix (any number, as streets go).
fn street_ordinal(b: &[u8]) -> bool {
    let d = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if d == 0 || d > 3 || b.len() != d + 2 {
        return false;
    }
    let suf = [b[d] | 0x20, b[d + 1] | 0x20];
    matches!(&suf, b"st" | b"nd" | b"rd" | b"th")
}

/// "my address is 42 Elm", "I live at 1600 Pennsylvania": a street number and name after an
/// address cue, even without a street type.
pub(crate) fn detect_cued(doc: &mut Doc, asked_address: bool) {
    let n = doc.toks.len();
    for i in 0..n {
        // (A corner where someone lives, or given as the address asked for: not where an
        // accident happened, nor a business's directions.)
        if doc.is(i, "corner")
            && doc.is(i + 1, "of")
            && !doc.claimed[i]
            && (asked_address
                || (i.saturating_sub(8)..i).any(|k| {
                    [
                        "house",
                        "home",
                        "live",
                        "lives",
                        "apartment",
                        "i'm",
                        "we're",
                        "place",
                    ]
                    .iter()
                    .any(|w| doc.is(k, w))
                })
                || doc.caller
                    && !(i.saturating_sub(8)..i).any(|k| {
                        [
                            "accident", "happened", "crash", "ended", "hit", "near", "by", "saw",
                        ]
                        .iter()
                        .any(|w| doc.is(k, w))
                    }))
        {
            corner_of(doc, i + 2);
            continue;
        }
        let cue = doc.is(i, "address")
            || (doc.is(i, "live") || doc.is(i, "lives") || doc.is(i, "located"))
                && doc.is(i + 1, "at");
        if !cue || doc.claimed[i] {
            continue;
        }
        let mut j = i + 1;
        while j < n
            && (doc.is(j, "is")
                || doc.is(j, "at")
                || doc.is(j, "was")
                || doc.toks[j].is_punct(b':')
                || doc.filler(j))
        {
            j += 1;
        }
        let r = doc.run_at.get(j).copied().unwrap_or(0);
        if r == 0 {
            continue;
        }
        let run = &doc.runs[r as usize - 1];
        if run.t0 != j || !(1..=6).contains(&run.n()) || run.month || run.slash || doc.claimed[j] {
            continue;
        }
        let end = name_words_from(doc, run.t1, 3);
        if end == run.t1 {
            continue;
        }
        let end = tail(doc, end);
        doc.add(EntityType::Address, j, end);
    }
}

/// "the house is on the corner of magnolia and fifth", "corner of Oak Street & 3rd": the
/// caller's place given as two streets that cross, from token `a`. Each street is one to
/// three name words, ordinals or street types; a business's corner ("our shop on the
/// corner of ...") is left.
fn corner_of(doc: &mut Doc, a: usize) {
    let street = |doc: &Doc, k: usize| {
        name_word(doc, k)
            || doc.toks.get(k).is_some_and(|t| {
                !doc.claimed[k]
                    && (t.kind == Kind::Word && (t.lex.ordinal > 0 || t.lex.has(flag::STREET))
                        || street_ordinal(doc.bytes(k)))
            })
    };
    let words = |doc: &Doc, from: usize| {
        let mut e = from;
        while e < from + 3 && street(doc, e) {
            e += 1;
        }
        e
    };
    let a_end = words(doc, a);
    let and = a_end;
    if a_end == a || !(doc.is(and, "and") || doc.toks.get(and).is_some_and(|t| t.is_punct(b'&'))) {
        return;
    }
    let b_end = words(doc, and + 1);
    if b_end > and + 1 {
        add_address(doc, a, b_end);
    }
}

/// "on the corner of magnolia and fifth um number three oh six", "she's at sixteen oh two
/// birchwood court and i'm at sixteen oh four": a house number said after an address found
/// in the same turn (after "number" or "at", within a few words), the street left
/// implied, is an address too.
pub(crate) fn number_after_address(doc: &mut Doc) {
    let mut add: Vec<(usize, usize)> = Vec::new();
    for run in &doc.runs {
        let (t0, t1) = (run.t0, run.t1);
        if !(1..=5).contains(&run.n())
            || run.month
            || run.slash
            || run.ordinal
            || doc.claimed[t0..t1].iter().any(|c| *c)
            || t0 == 0
        {
            continue;
        }
        let mut k = t0;
        while k > 0 && doc.filler(k - 1) {
            k -= 1;
        }
        // ("i'm at", "she's at", "mine's at": where someone is, not "there at 5".)
        let placed_at = k >= 2
            && doc.is(k - 1, "at")
            && [
                "i'm", "im", "we're", "she's", "he's", "they're", "mine's", "lives", "live",
            ]
            .iter()
            .any(|w| doc.is(k - 2, w));
        if k == 0 || run.n() < 2 || !(doc.is(k - 1, "number") || placed_at) {
            continue;
        }
        // ("... and i'm at 1604 if ...", "... number 306 it's the blue one": no unit or
        // time after it.)
        let after = doc.toks.get(t1);
        if after.is_some_and(|t| {
            t.kind == Kind::Word && (t.lex.concept != Concept::None || t.lex.has(flag::UNIT))
        }) || doc.is(t1, "am")
            || doc.is(t1, "pm")
            || doc.is(t1, "o'clock")
        {
            continue;
        }
        let near = doc
            .found
            .iter()
            .any(|f| f.kind == EntityType::Address && f.t1 <= k && f.t1 + 12 >= k);
        if near {
            add.push((t0, t1));
        }
    }
    for (t0, t1) in add {
        doc.add(EntityType::Address, t0, t1);
    }
}

/// "P.O. Box 4521, Austin TX 78701": post office boxes.
pub(crate) fn detect_po_box(doc: &mut Doc) {
    let n = doc.toks.len();
    for i in 0..n {
        if !doc.flag(i, flag::UNIT) || !doc.is(i, "box") || doc.claimed[i] || i == 0 {
            continue;
        }
        // "po box", "p.o. box", "p o box", "post office box"
        let mut s = i;
        let mut k = i;
        let mut letters = Vec::new();
        while k > 0 && letters.len() < 4 {
            let p = k - 1;
            if doc.toks[p].is_punct(b'.') {
                k = p;
                continue;
            }
            if doc.letter(p) || doc.is(p, "po") {
                letters.push(p);
                k = p;
                s = p;
                continue;
            }
            break;
        }
        let po = doc.is(s, "po")
            || letters.len() >= 2
            || i >= 2 && doc.is(i - 1, "office") && doc.is(i - 2, "post");
        if !po {
            // "Rural Route 2, Box 118", "r r one box four thirty one": a rural route box.
            if let Some(rr) = rural_route_before(doc, i) {
                let r = doc.run_at.get(i + 1).copied().unwrap_or(0);
                if r != 0 {
                    let end = tail(doc, doc.runs[r as usize - 1].t1);
                    doc.add(EntityType::Address, rr, end);
                }
            }
            continue;
        }
        if i >= 2 && doc.is(i - 1, "office") {
            s = i - 2;
        }
        let r = doc.run_at.get(i + 1).copied().unwrap_or(0);
        if r == 0 {
            continue;
        }
        let run_end = doc.runs[r as usize - 1].t1;
        let end = tail(doc, run_end);
        add_address(doc, s, end);
    }
}

/// Places of a business: "our store", "the clinic", "the branch".
const BUSINESS_PLACES: &[&str] = &[
    "store",
    "stores",
    "office",
    "offices",
    "clinic",
    "branch",
    "location",
    "headquarters",
    "warehouse",
    "showroom",
    "pharmacy",
    "hospital",
    "dealership",
    "shop",
    "restaurant",
    "campus",
    "facility",
    "center",
    "centre",
    "lobby",
];

/// The address starting at `t0` is the business's own ("Our store is at 2100 Commerce
/// Pkwy", "The clinic is at 455 Medical Center Dr.", "The branch at 1 Market Street", "Our
/// payment office is in ZIP code 73102"): "our"/"the" + a place noun in the few words
/// before it, and no one's personal word ("my", "your", "his", "her", "their") between.
pub(crate) fn business_place_before(doc: &Doc, t0: usize) -> bool {
    let from = t0.saturating_sub(7);
    // (Both ways of naming the business's place need an "our" or "the" in the window.)
    if !(from.saturating_sub(2)..t0).any(|d| doc.is(d, "our") || doc.is(d, "the")) {
        return false;
    }
    // ("tow it to my house instead of the shop? It's 1908 ...": a home named in the window
    // is where the address is, wherever the business's place is named.)
    if (from..t0).any(|k| ["home", "house", "apartment"].iter().any(|w| doc.is(k, w))) {
        return false;
    }
    for k in (from..t0).rev() {
        if [
            "my", "your", "his", "her", "their", "ship", "deliver", "send", "mail",
        ]
        .iter()
        .any(|w| doc.is(k, w))
        {
            return false;
        }
        if (k.saturating_sub(2)..k).any(|d| doc.is(d, "our") || doc.is(d, "the"))
            && BUSINESS_PLACES.iter().any(|w| doc.is(k, w))
        {
            return true;
        }
        // "our address for payments is p o box ...", "our mailing address"
        // ("our home address" is a family's own, and so is any "our address" the caller
        // gives.)
        if doc.is(k, "address")
            && !doc.caller
            && (k.saturating_sub(2)..k).any(|d| doc.is(d, "our"))
            && !doc.is(k.wrapping_sub(1), "home")
        {
            return true;
        }
    }
    false
}

/// The start of "rural route N[,]" or "r r N" right before token `box`.
fn rural_route_before(doc: &Doc, boxed: usize) -> Option<usize> {
    let mut e = boxed;
    if e > 0 && doc.toks[e - 1].is_punct(b',') {
        e -= 1;
    }
    let r = doc.run_at.get(e.checked_sub(1)?).copied().unwrap_or(0);
    if r == 0 {
        return None;
    }
    let run = &doc.runs[r as usize - 1];
    if run.t1 != e || run.n() > 4 || doc.claimed[run.t0] {
        return None;
    }
    let p = run.t0;
    if p >= 2 && doc.is(p - 1, "route") && doc.is(p - 2, "rural") {
        return Some(p - 2);
    }
    // "route two box one sixty four": a rural route said without "rural".
    if p >= 1 && doc.is(p - 1, "route") {
        return Some(p - 1);
    }
    if p >= 2 && doc.is(p - 1, "r") && doc.is(p - 2, "r") {
        return Some(p - 2);
    }
    if p >= 1 && doc.is(p - 1, "rr") {
        return Some(p - 1);
    }
    None
}

/// Extends an address over a unit, city, state and ZIP; returns the new end.
fn tail(doc: &Doc, mut end: usize) -> usize {
    let n = doc.toks.len();
    // Unit: [,] (apt|suite|unit|#|number sign) value, up to two ("Bldg C, Apt 301").
    for _ in 0..2 {
        let mut j = end;
        if j < n && doc.toks[j].is_punct(b',') {
            j += 1;
        }
        // "... elm hollow road uh lot fourteen": a pause before the unit.
        let f = doc.skip_fillers(j, false);
        if f > j && doc.flag(f, flag::UNIT) && !doc.is(f, "box") {
            j = f;
        }
        let number_sign = doc.is(j, "number") && doc.is(j + 1, "sign");
        // "... east colfax avenue number two oh four": a unit number.
        let number_unit = !number_sign
            && doc.is(j, "number")
            && doc
                .run_at
                .get(j + 1)
                .is_some_and(|r| *r != 0 && doc.runs[*r as usize - 1].t0 == j + 1);
        // "twenty seven oh five old mill road rural route two": the route after the street.
        if doc.is(j, "rural") && doc.is(j + 1, "route") {
            let r = doc.run_at.get(j + 2).copied().unwrap_or(0);
            if r != 0 && doc.runs[r as usize - 1].t0 == j + 2 && doc.runs[r as usize - 1].n() <= 3 {
                end = doc.runs[r as usize - 1].t1;
                continue;
            }
        }
        // "7 Chestnut Street, 2nd Floor, Providence ...", "... third floor ...": the
        // ordinal before the unit word.
        if doc.toks.get(j).is_some_and(|t| t.lex.ordinal > 0)
            && (doc.is(j + 1, "floor") || doc.is(j + 1, "fl"))
        {
            end = j + 2;
            continue;
        }
        // ("3300 Sandhill Road, Space 61, Reno": a mobile home park's space.)
        let space = doc.cased && (doc.is(j, "space") || doc.is(j, "spc")) && doc.titled(j);
        if j < n
            && (doc.flag(j, flag::UNIT)
                || doc.toks[j].is_punct(b'#')
                || number_sign
                || number_unit
                || space)
        {
            let mut v = if number_sign { j + 2 } else { j + 1 };
            if v < n && doc.toks[v].is_punct(b'.') {
                v += 1;
            }
            if v < n && doc.toks[v].is_punct(b'#') {
                v += 1;
            }
            if v < n {
                let r = doc.run_at[v];
                if r != 0 {
                    let run = &doc.runs[r as usize - 1];
                    if run.n() <= 5 {
                        end = run.t1;
                        if doc.letter(end) {
                            end += 1;
                        }
                    }
                } else if matches!(doc.toks[v].kind, Kind::Alnum | Kind::Num) || doc.letter(v) {
                    end = v + 1;
                }
            }
        }
    }
    // City / state / ZIP.
    let mut j = end;
    if j < n && doc.toks[j].is_punct(b',') {
        j += 1;
    }
    // "..., that's in sparks nevada"
    if (doc.is(j, "that's") || doc.is(j, "thats")) && doc.is(j + 1, "in") {
        j += 1;
    }
    // "p o box four four seven one um sandusky ohio ...": a pause before the city.
    if j > end || doc.filler(j) {
        j = doc.skip_fillers(j, false);
    }
    let in_city = doc.is(j, "in");
    if in_city {
        j += 1;
        // "... in uh in lubbock texas", "... in in sandusky": the "in" said again.
        if doc.filler(j) {
            j = doc.skip_fillers(j, false);
            if doc.is(j, "in") {
                j += 1;
            }
        } else if doc.is(j, "in") {
            j += 1;
        }
    }
    let mut city_end = j;
    let mut words = 0;
    while city_end < n && words < 3 {
        let t = doc.toks[city_end];
        let cityish = t.kind == Kind::Word
            && doc.run_at[city_end] == 0
            && (!t.lex.has(flag::STOP) || doc.is(city_end, "new") && words == 0)
            && !t.lex.has(flag::FILLER)
            // ("in Mobile,": a capitalised place after "in" may be a keyword elsewhere)
            && (t.lex.concept == Concept::None || doc.cased && in_city && t.case == Case::Title)
            && (!doc.cased || t.case != Case::Lower);
        if !cityish || doc.claimed[city_end] {
            break;
        }
        if words > 0 && is_state_at(doc, city_end).is_some() {
            break;
        }
        city_end += 1;
        words += 1;
    }
    let mut s = city_end;
    if s < n && doc.toks[s].is_punct(b',') {
        s += 1;
    }
    // "..., Leeds LS6 2BQ", "..., Hexham, NE46 3QT", "..., Cork T12 X2R5"
    if words > 0 {
        if let Some(pe) = postcode_at(doc, s) {
            return pe;
        }
    }
    let state_end = is_state_at(doc, s);
    if let Some(se) = state_end.filter(|_| words > 0 || !in_city) {
        end = se;
        // "Toronto, Ontario M5S 1W4", "Montréal, QC H2X 3K8"
        if let Some(pe) = postcode_at(doc, se) {
            return pe;
        }
        // ZIP
        let mut z = se;
        if z < n && doc.toks[z].is_punct(b',') {
            z += 1;
        }
        if z < n {
            let r = doc.run_at[z];
            if r != 0 {
                let run = &doc.runs[r as usize - 1];
                if run.t0 == z && (run.n() == 5 || run.n() == 9) {
                    end = run.t1;
                }
            }
        }
    } else if words > 0
        && words <= 2
        && doc.run_at.get(city_end).is_some_and(|r| {
            *r != 0 && {
                let run = &doc.runs[*r as usize - 1];
                run.t0 == city_end && (run.n() == 5 || run.n() == 9) && !run.month
            }
        })
    {
        // "... place phoenix eight five oh one eight": a city and its ZIP, no state.
        end = doc.runs[doc.run_at[city_end] as usize - 1].t1;
    } else if in_city && words > 0 {
        end = city_end;
    } else if words > 0
        && words <= 2
        && doc.cased
        && j > end
        && (city_end == n
            || doc.toks[city_end].kind == Kind::Punct
                && matches!(doc.toks[city_end].ch, b'.' | b'?' | b'!' | b',' | b';'))
    {
        // "42 Wallaby Way, Sydney.", "2750 Industrial Pkwy, Hayward, in the back lot": a
        // capitalised place name after a comma, closing its clause.
        end = city_end;
    }
    end
}

/// A written postcode at `i`: UK ("LS6 2BQ", "NE46 3QT", "SW1A 2AA"), Canadian ("M5S 1W4")
/// or Irish Eircode ("T12 X2R5"); returns its end.
pub(crate) fn postcode_at(doc: &Doc, i: usize) -> Option<usize> {
    let outward = doc.toks.get(i)?;
    let inward = doc.toks.get(i + 1)?;
    if outward.kind != Kind::Alnum || inward.kind != Kind::Alnum || !inward.space_before {
        return None;
    }
    let (o, w) = (doc.bytes(i), doc.bytes(i + 1));
    let shape = |b: &[u8]| -> Vec<u8> {
        b.iter()
            .map(|c| if c.is_ascii_digit() { b'9' } else { b'A' })
            .collect()
    };
    let (so, sw) = (shape(o), shape(w));
    let uk = matches!(
        so.as_slice(),
        b"A9" | b"A99" | b"AA9" | b"AA99" | b"A9A" | b"AA9A"
    ) && sw == b"9AA";
    let canada = so == b"A9A" && sw == b"9A9";
    let eircode = so == b"A99" && w.len() == 4;
    (uk || canada || eircode).then_some(i + 2)
}

/// "my postcode is e one four, nine g e", "postal code v six k two g eight", "the eircode
/// is d oh six, y f nine two", "postcode LS6 2BQ": a postcode after its keyword.
pub(crate) fn detect_postcode(doc: &mut Doc) {
    let n = doc.toks.len();
    for i in 0..n {
        let cue = doc.is(i, "postcode")
            || doc.is(i, "postcode's")
            || doc.is(i, "eircode")
            || (doc.is(i, "postal") || doc.is(i, "post")) && doc.is(i + 1, "code");
        if !cue || doc.claimed[i] {
            continue;
        }
        let mut j = if doc.is(i, "postal") || doc.is(i, "post") {
            i + 2
        } else {
            i + 1
        };
        while j < n
            && (doc.is(j, "is") || doc.is(j, "'s") || doc.toks[j].is_punct(b':') || doc.filler(j))
        {
            j += 1;
        }
        if let Some(e) = postcode_at(doc, j) {
            doc.add(EntityType::Address, j, e);
            continue;
        }
        // Spoken: letters, digit words and short codes, commas between.
        let mut e = j;
        let mut parts = 0;
        while e < n && parts < 8 && !doc.claimed[e] {
            let t = doc.toks[e];
            let part = doc.letter(e)
                || t.kind == Kind::Alnum && t.len() <= 4
                || t.kind == Kind::Num && t.len() <= 2
                || t.kind == Kind::Word && t.lex.num != crate::redact::lexicon::NumWord::None;
            if part {
                parts += 1;
                e += 1;
            } else if t.is_punct(b',') && e + 1 < n && parts > 0 {
                e += 1;
            } else {
                break;
            }
        }
        while e > j && doc.toks[e - 1].is_punct(b',') {
            e -= 1;
        }
        if parts >= 4 {
            doc.add(EntityType::Address, j, e);
        }
    }
}

/// A state is written at `i` and ends right at `end` (used to read a place backwards from
/// a ZIP).
/// The answer to "what city and state?": a city (one or two name words) and its state
/// ("it's lexington kentucky right by the university", "Reno, NV"), without a street or
/// ZIP. Only after that question (a place said elsewhere is not an address).
pub(crate) fn detect_city_state(doc: &mut Doc) {
    let mut i = 1;
    while i < doc.toks.len() {
        let Some(end) = is_state_at(doc, i) else {
            i += 1;
            continue;
        };
        let s = city_start(doc, i);
        if s < i {
            doc.add(EntityType::Address, s, end);
        }
        i = end;
    }
}

/// The start of the city said before the state at `state` (one or two name words, then
/// an optional comma: "lexington kentucky", "Reno, NV"); `state` when there is none.
pub(crate) fn city_start(doc: &Doc, state: usize) -> usize {
    let mut end = state;
    if end > 0 && doc.toks[end - 1].is_punct(b',') {
        end -= 1;
    }
    let mut s = end;
    while s > 0 && end - s < 2 && name_word(doc, s - 1) {
        s -= 1;
    }
    if s < end {
        s
    } else {
        state
    }
}

pub(crate) fn state_ends_at(doc: &Doc, i: usize, end: usize) -> bool {
    is_state_at(doc, i) == Some(end)
}

/// A state at `i` (full name, two-word name or upper-case postal code); returns its end.
fn is_state_at(doc: &Doc, i: usize) -> Option<usize> {
    let t = doc.toks.get(i)?;
    if t.kind != Kind::Word || doc.claimed[i] {
        return None;
    }
    if t.len() == 2 && t.case == Case::Upper {
        return Some(i + 1);
    }
    if t.lex.has(flag::STATE2) && !t.lex.has(flag::STATE) {
        return None;
    }
    if t.lex.has(flag::STATE) {
        if doc.flag(i + 1, flag::STATE2) {
            return Some(i + 2);
        }
        if doc.is(i, "new")
            || doc.is(i, "north")
            || doc.is(i, "south")
            || doc.is(i, "west")
            || doc.is(i, "rhode")
            || doc.is(i, "district")
            || doc.is(i, "puerto")
        {
            return None;
        }
        return Some(i + 1);
    }
    None
}

/// An address given in pieces ("it's on wexford lane uh the house number is eighteen forty
/// two", "i live on cedar bluff road it's number six oh one one", "it's apartment three
/// twelve and the building is ..."): once a street was named without its number (`street`:
/// [`detect`] found one) or the address was asked for, the house number said after "the
/// (house) number is" and a unit said alone; a unit said after an address found whole; the
/// street of a found address said alone before it. Runs after [`detect`], on what it left.
pub(crate) fn detect_in_pieces(doc: &mut Doc, asked_address: bool, street: bool) {
    const NUMBER: u64 = pack_word(b"number");
    const NUMBERS: u64 = pack_word(b"number's");
    let n = doc.toks.len();
    // ("Same address, 4410 Winding Creek Lane, but add Unit 12": a unit said after an
    // address found whole.)
    let address_found = doc.found.iter().any(|f| f.kind == EntityType::Address);
    if address_found {
        street_said_before(doc);
    }
    let pieces = street || asked_address;
    if !(pieces || address_found) || doc.runs.is_empty() {
        return;
    }
    for k in 0..n {
        let t = &doc.toks[k];
        if t.kind != Kind::Word || doc.claimed[k] {
            continue;
        }
        let number = pieces
            && (t.key == NUMBER || t.key == NUMBERS)
            && k > 0
            && ["house", "building", "street", "the", "it's", "its", "is"]
                .iter()
                .any(|w| doc.is(k - 1, w));
        let unit = t.lex.has(flag::UNIT)
            && ["apartment", "apt", "unit", "suite", "ste"]
                .iter()
                .any(|w| doc.is(k, w));
        if !(number || unit) {
            continue;
        }
        let mut j = k + 1;
        while doc.is(j, "is") || doc.filler(j) {
            j += 1;
        }
        let r = doc.run_at.get(j).copied().unwrap_or(0);
        if r == 0 {
            continue;
        }
        let run = &doc.runs[r as usize - 1];
        let digits = if unit { 1..=4 } else { 1..=6 };
        if run.t0 != j || !digits.contains(&run.n()) || run.month || run.slash || doc.claimed[j] {
            continue;
        }
        let end = run.t1;
        let start = if unit { k } else { j };
        doc.add(EntityType::Address, start, end);
    }
}

/// "it's on maple crest drive um two two one four maple crest drive": the street of an
/// address found whole, named alone before it, is part of the address too.
fn street_said_before(doc: &mut Doc) {
    let mut add: Vec<(usize, usize)> = Vec::new();
    for f in doc.found.iter().filter(|f| f.kind == EntityType::Address) {
        // The street's name words and type inside the address: after its number run.
        let Some(s0) = (f.t0..f.t1).find(|&k| doc.run_at[k] != 0).map(|k| {
            let r = &doc.runs[doc.run_at[k] as usize - 1];
            r.t1
        }) else {
            continue;
        };
        let Some(ty) = (s0 + 1..f.t1).find(|&k| doc.flag(k, flag::STREET)) else {
            continue;
        };
        let len = ty + 1 - s0;
        if len > 5 || f.t0 < len {
            continue;
        }
        // (A few words back only: linear in the text however many addresses it holds.)
        for j in f.t0.saturating_sub(24)..=f.t0 - len {
            let same = (0..len).all(|d| {
                !doc.claimed[j + d]
                    && doc.toks[j + d].kind == Kind::Word
                    && doc.bytes(j + d).eq_ignore_ascii_case(doc.bytes(s0 + d))
            });
            if same {
                add.push((j, j + len));
            }
        }
    }
    for (t0, t1) in add {
        doc.add(EntityType::Address, t0, t1);
    }
}
