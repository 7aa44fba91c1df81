//! E-mail addresses: written (`a.b@c.com`), spoken ("john dot smith at gmail dot com"),
//! spelled ("j o h n underscore s at ..."), or mixed ("brian dot davis at gmail.com").

use crate::redact::digits::correction_end;
use crate::redact::doc::Doc;
use crate::redact::entity::EntityType;
use crate::redact::lexicon::{flag, Concept, NumWord};
use crate::redact::tokens::Kind;

/// Finds every e-mail address and claims its tokens; `asked` = the previous turn talked
/// about an e-mail address (the answer's own words need not).
pub(crate) fn detect(doc: &mut Doc, asked: bool) {
    let n = doc.toks.len();
    let mut i = 0;
    while i < n {
        let t = doc.toks[i];
        let at_word = t.kind == Kind::Word && t.lex.has(flag::AT);
        let at_sign = t.is_punct(b'@');
        if !(at_word || at_sign) || doc.claimed[i] {
            i += 1;
            continue;
        }
        // "at sign" / "at symbol"
        let mut d0 = i + 1;
        if at_word && (doc.is(d0, "sign") || doc.is(d0, "symbol")) {
            d0 += 1;
        }
        let dom = domain(doc, d0, at_sign);
        let loc = local(doc, i, at_sign);
        match (loc, dom) {
            (Some(l), Some(d)) => {
                doc.add(EntityType::Email, l, d);
                i = d;
            }
            // Cut after "at": "it's thomas dot john at", or said before moving on ("thomas
            // dot john at uh order ..."): names joined by "dot" make a mailbox name.
            (Some(l), None)
                if doc.ends_after(i + 1) && has_connector(doc, l, i) || dotted_names(doc, l, i) =>
            {
                doc.add(EntityType::Email, l, i + 1);
                i += 1;
            }
            // The rest of an address cut in the previous turn: "at gmail dot com yeah".
            (None, Some(d)) if opens(doc, i) => {
                doc.add(EntityType::Email, i, d);
                i = d;
            }
            // Cut inside the address: "so you can email me at courtney" (a partial
            // transcript): what follows "at" to the end is the start of the address.
            (_, None) if at_word && mail_word_before(doc, i) => match cut_rest(doc, i + 1) {
                Some(e) => {
                    doc.add(EntityType::Email, i + 1, e);
                    i = e;
                }
                None => i += 1,
            },
            _ => i += 1,
        }
    }
    // Spelled handle without the domain: "that's m a r i a dot g o n z a l e z eight four".
    let n = doc.toks.len();
    let mut k = 0;
    while k < n {
        if doc.claimed[k]
            || !doc.toks[k].lex.has(flag::CONNECT)
            || !(doc.is(k, "dot") || doc.is(k, "underscore"))
            || k == 0
            || !doc.letter(k - 1)
            || !doc.letter(k + 1)
        {
            k += 1;
            continue;
        }
        let mut e = k + 1;
        while e < n && doc.letter(e) && !doc.claimed[e] {
            e += 1;
        }
        while e < n
            && !doc.claimed[e]
            && (doc.toks[e].kind == Kind::Num
                || doc.toks[e].lex.num != NumWord::None && doc.word(e))
        {
            e += 1;
        }
        // "v i c k i dot s": one letter after the dot is enough after a spelled name.
        let spelled_before = (0..k).rev().take_while(|j| doc.letter(*j)).count();
        if (e - (k + 1) >= 2 || spelled_before >= 4) && (asked || email_context(doc)) {
            if let Some(l) = local(doc, e, false) {
                if l < k && doc.add(EntityType::Email, l, e) {
                    k = e;
                    continue;
                }
            }
        }
        k += 1;
    }
    // Cut before "at": "... sent to t r a c e y hyphen f r"
    let last = doc.toks.iter().rposition(|t| t.kind != Kind::Punct);
    if let Some(last) = last {
        let dotted_word = last > 0
            && doc.word(last)
            && (doc.is(last - 1, "dot") || doc.is(last - 1, "underscore"));
        if !doc.claimed[last]
            && (doc.letter(last)
                || doc.flag(last, flag::CONNECT)
                || doc.letter(last.saturating_sub(1))
                || dotted_word)
        {
            if let Some(l) = local(doc, last + 1, false) {
                let spelled = (l..=last).filter(|k| doc.letter(*k)).count() >= 3;
                let connector = (l..=last).any(|k| doc.flag(k, flag::CONNECT));
                if connector && l <= last && (spelled || asked || email_context(doc)) {
                    doc.add(EntityType::Email, l, last + 1);
                }
            }
        }
    }
}

/// "email" / "e-mail" / "mail" in the three words before `at` ("email me at", "my email
/// is at").
fn mail_word_before(doc: &Doc, at: usize) -> bool {
    (at.saturating_sub(3)..at).any(|k| is_mail_word(doc, k))
}

/// The words from `j` to the end of a cut utterance (at most four, the first not a number:
/// "at nine" is a time), as the start of an address; returns their end.
fn cut_rest(doc: &Doc, j: usize) -> Option<usize> {
    let end = doc
        .toks
        .iter()
        .rposition(|t| t.kind != Kind::Punct && !t.lex.has(flag::FILLER))?
        + 1;
    if end <= j || end - j > 4 || !doc.ends_after(end) {
        return None;
    }
    let first = doc.toks[j];
    if first.kind != Kind::Word || first.lex.num != NumWord::None || first.lex.has(flag::STOP) {
        return None;
    }
    (j..end)
        .all(|k| {
            !doc.claimed[k] && matches!(doc.toks[k].kind, Kind::Word | Kind::Alnum | Kind::Num)
        })
        .then_some(end)
}

/// The local part `l..at` is words joined by a spoken "dot" / "underscore" ("thomas dot
/// john"), no numbers.
fn dotted_names(doc: &Doc, l: usize, at: usize) -> bool {
    at >= l + 3
        && (l..at).all(|k| doc.word(k) && doc.toks[k].lex.num == NumWord::None)
        && (l + 1..at - 1).any(|k| doc.is(k, "dot") || doc.is(k, "underscore"))
}

/// Token `k` is "email", "e-mail" or "mail".
fn is_mail_word(doc: &Doc, k: usize) -> bool {
    doc.is(k, "email") || doc.is(k, "e-mail") || doc.is(k, "mail")
}

fn has_connector(doc: &Doc, a: usize, b: usize) -> bool {
    (a..b).any(|k| {
        doc.flag(k, flag::CONNECT)
            || doc.toks[k].kind == Kind::Punct && matches!(doc.toks[k].ch, b'.' | b'_')
    }) || (a..b).filter(|k| doc.letter(*k)).count() >= 3
}

fn opens(doc: &Doc, i: usize) -> bool {
    doc.toks[..i]
        .iter()
        .all(|t| t.kind == Kind::Punct || t.lex.has(flag::FILLER))
}

/// The utterance talks about an e-mail address.
fn email_context(doc: &Doc) -> bool {
    (0..doc.toks.len()).any(|k| {
        doc.is(k, "email")
            || doc.is(k, "e-mail")
            || doc.is(k, "spelling")
            || doc.is(k, "spell")
            || doc.is(k, "sent")
            || doc.is(k, "address")
            || doc.is(k, "that's")
            || doc.is(k, "it's")
            || doc.is(k, "send")
            || doc.is(k, "mail")
            || doc.is(k, "handle")
            || doc.is(k, "username")
    })
}

/// A domain label: a word, a code, or a run of spelled single letters. Returns its end.
fn label(doc: &Doc, i: usize) -> Option<usize> {
    let t = doc.toks.get(i)?;
    if doc.claimed[i] {
        return None;
    }
    match t.kind {
        Kind::Word | Kind::Alnum | Kind::Num => {
            if t.kind == Kind::Word && t.lex.has(flag::CONNECT) {
                return None;
            }
            let mut j = i + 1;
            // "at one six three dot com": a host of digits said one by one.
            let unit = |k: usize| {
                doc.word(k)
                    && !doc.claimed[k]
                    && matches!(doc.toks[k].lex.num, NumWord::Unit(_))
                    && doc.toks[k].lex.concept == Concept::None
            };
            if unit(i) {
                while j - i < 12 && unit(j) {
                    j += 1;
                }
                return Some(j);
            }
            if doc.letter(i) {
                while doc.letter(j) {
                    j += 1;
                }
                // "g mail dot com", "i cloud dot com": a host split by the transcriber.
                if j == i + 1
                    && doc.word(j)
                    && !doc.flag(j, flag::CONNECT)
                    && !doc.flag(j, flag::STOP)
                    && !doc.claimed[j]
                    && (doc.is(j + 1, "dot")
                        || doc.toks.get(j + 1).is_some_and(|t| t.is_punct(b'.')))
                {
                    j += 1;
                }
            }
            Some(j)
        }
        _ => None,
    }
}

/// A separator inside a domain: "dot", ".", "-", "dash", "hyphen". Returns (end, is_dot).
fn dsep(doc: &Doc, i: usize, written: bool) -> Option<(usize, bool)> {
    let t = doc.toks.get(i)?;
    if t.kind == Kind::Punct {
        let tight = !t.space_before && doc.toks.get(i + 1).is_some_and(|x| !x.space_before);
        return match t.ch {
            b'.' if tight || written && !t.space_before => Some((i + 1, true)),
            b'-' if tight => Some((i + 1, false)),
            _ => None,
        };
    }
    if doc.is(i, "dot") || doc.is(i, "period") {
        return Some((i + 1, true));
    }
    if doc.is(i, "dash") || doc.is(i, "hyphen") {
        return Some((i + 1, false));
    }
    None
}

/// "dotcom", "dotnet": the last dot and the top-level domain said as one word.
fn joined_tld(doc: &Doc, i: usize) -> bool {
    doc.word(i)
        && !doc.claimed[i]
        && doc.bytes(i).len() > 4
        && doc.bytes(i)[..3].eq_ignore_ascii_case(b"dot")
        && {
            let rest = &doc.bytes(i)[3..];
            [
                &b"com"[..],
                b"net",
                b"org",
                b"edu",
                b"gov",
                b"io",
                b"co",
                b"us",
                b"me",
            ]
            .iter()
            .any(|t| t.eq_ignore_ascii_case(rest))
        }
}

/// "dot f m", "dot i o": a top-level domain spelled letter by letter.
fn spelled_tld(doc: &Doc, from: usize, to: usize) -> bool {
    if to <= from + 1 || to - from > 3 || !(from..to).all(|k| doc.letter(k)) {
        return false;
    }
    let mut w = [0u8; 3];
    for (n, k) in (from..to).enumerate() {
        w[n] = doc.bytes(k)[0].to_ascii_lowercase();
    }
    crate::redact::lexicon::lookup(&w[..to - from]).has(flag::TLD)
}

/// " .com": a period written apart from the host but glued to a top-level domain.
fn spaced_dot(doc: &Doc, i: usize) -> bool {
    doc.toks
        .get(i)
        .is_some_and(|t| t.is_punct(b'.') && t.space_before)
        && doc
            .toks
            .get(i + 1)
            .is_some_and(|t| !t.space_before && t.kind == Kind::Word)
        && doc.flag(i + 1, flag::TLD)
}

fn domain(doc: &Doc, d0: usize, written: bool) -> Option<usize> {
    let mut j = label(doc, d0)?;
    if doc.flag(d0, flag::MAILHOST) && doc.ends_after(j) {
        return Some(j);
    }
    // A host of several spoken words ("at mercy health dot org", "at the mcgrath family
    // dot org"): up to two more words before the first dot.
    let mut extra = 0;
    while extra < 2
        && dsep(doc, j, written).is_none()
        && !joined_tld(doc, j)
        && !spaced_dot(doc, j)
        && doc.word(j)
        && !doc.claimed[j]
        && !doc.flag(j, flag::CONNECT)
        && !doc.flag(j, flag::FILLER)
        && doc.toks[j].lex.num == NumWord::None
        && (dsep(doc, j + 1, written).is_some_and(|(a, dot)| dot && doc.flag(a, flag::TLD))
            || joined_tld(doc, j + 1)
            || extra == 0 && doc.word(j + 1) && !doc.flag(j + 1, flag::STOP))
    {
        j += 1;
        extra += 1;
    }
    if extra > 0 && !(dsep(doc, j, written).is_some() || joined_tld(doc, j)) {
        return None;
    }
    let mut dots = 0;
    let mut last_label = d0;
    let mut end = None;
    if joined_tld(doc, j) {
        return Some(j + 1);
    }
    if spaced_dot(doc, j) {
        return Some(j + 2);
    }
    for _ in 0..6 {
        if joined_tld(doc, j) {
            return Some(j + 1);
        }
        let Some((after, is_dot)) = dsep(doc, j, written) else {
            break;
        };
        let Some(next) = label(doc, after) else { break };
        if is_dot {
            dots += 1;
        }
        last_label = after;
        j = next;
        if dots > 0
            && (doc.flag(last_label, flag::TLD)
                || written && doc.toks[last_label].kind == Kind::Word
                || spelled_tld(doc, last_label, j))
        {
            end = Some(j);
        }
    }
    let _ = last_label;
    // "at gmail, thanks": a mail host with the ".com" left out, closing a clause; without
    // punctuation ("email ricardo 2001 at gmail okay") when the utterance says "email";
    // before a correction ("tyler at gmail no sorry tyler dot b ...").
    if end.is_none()
        && doc.flag(d0, flag::MAILHOST)
        && (doc.toks.get(d0 + 1).is_some_and(|t| {
            t.kind == Kind::Punct
                && matches!(t.ch, b',' | b'.' | b'?' | b'!')
                && doc.toks.get(d0 + 2).is_none_or(|x| x.space_before)
        }) || dsep(doc, d0 + 1, written).is_none()
            && (d0.saturating_sub(7)..d0).any(|k| is_mail_word(doc, k))
            || correction_end(doc, d0 + 1).is_some_and(|(_, after_pause)| !after_pause))
    {
        return Some(d0 + 1);
    }
    end
}

/// The local part left of `at` (token index); returns its first token.
fn local(doc: &Doc, at: usize, written: bool) -> Option<usize> {
    const NUMBER: u64 = crate::redact::tokens::pack_word(b"number");
    let mut start = at;
    let mut k = at;
    let mut seg_word = false;
    let mut seg_letters = false;
    let mut seg_digits = false;
    let mut pending = false;
    while k > 0 {
        k -= 1;
        if doc.claimed[k] {
            break;
        }
        let t = doc.toks[k];
        let attached = doc.toks.get(k + 1).is_some_and(|t| !t.space_before);
        if written {
            // Written local part: everything glued to the '@'.
            if k + 1 == start && attached && matches!(t.kind, Kind::Word | Kind::Num | Kind::Alnum)
                || k + 1 == start
                    && attached
                    && t.kind == Kind::Punct
                    && matches!(t.ch, b'.' | b'_' | b'-' | b'+')
            {
                start = k;
                continue;
            }
            break;
        }
        match t.kind {
            Kind::Punct => {
                if matches!(t.ch, b'.' | b'_' | b'-') && attached && !t.space_before && start < at {
                    pending = true;
                    seg_word = false;
                    seg_letters = false;
                    continue;
                }
                break;
            }
            Kind::Num | Kind::Alnum => {
                seg_digits = true;
                if seg_word || seg_letters {
                    if attached && start == k + 1 {
                        start = k;
                        pending = false;
                        continue;
                    }
                    break;
                }
                start = k;
                pending = false;
            }
            Kind::Word => {
                // "k as in kilo o v a l e n k o at ...": a spelled letter said with its
                // example word.
                if seg_letters
                    && start == k + 1
                    && k >= 3
                    && doc.is(k - 1, "in")
                    && doc.is(k - 2, "as")
                    && doc.letter(k - 3)
                    && !doc.claimed[k - 3..k].iter().any(|c| *c)
                {
                    k -= 3;
                    start = k;
                    continue;
                }
                // "k w a m e dot mensah and then the number three at ...": the digits of a
                // mailbox announced as "(and then) the number".
                if t.key == NUMBER
                    && seg_digits
                    && !seg_word
                    && !seg_letters
                    && start == k + 1
                    && k > 1
                    && doc.is(k - 1, "the")
                    && !doc.claimed[k - 1]
                {
                    k -= 1;
                    if k > 0 && doc.is(k - 1, "then") && !doc.claimed[k - 1] {
                        k -= 1;
                        if k > 0 && doc.is(k - 1, "and") && !doc.claimed[k - 1] {
                            k -= 1;
                        }
                    }
                    pending = true;
                    seg_digits = false;
                    continue;
                }
                // "sanjaykapoor all one word eighty eight at ...": the caller's note on how
                // the name is written, between the name and its digits (or the "at").
                if doc.is(k, "word")
                    && !seg_word
                    && !seg_letters
                    && (start == k + 1 || start == at && k + 1 == at)
                    && k > 1
                    && doc.is(k - 1, "one")
                    && !doc.claimed[k - 1]
                {
                    k -= 1;
                    if doc.is(k - 1, "all") && !doc.claimed[k - 1] {
                        k -= 1;
                    }
                    if k > 0
                        && doc.word(k - 1)
                        && !doc.toks[k - 1].lex.has(flag::STOP | flag::FILLER)
                    {
                        pending = true;
                        continue;
                    }
                    break;
                }
                // "rahul dot menon uh eighty eight at ...": a filler between the mailbox's
                // name and its digits.
                if t.lex.has(flag::FILLER)
                    && seg_digits
                    && !seg_word
                    && !seg_letters
                    && start == k + 1
                    && k > 0
                    && doc.word(k - 1)
                    && !doc.claimed[k - 1]
                    && !doc.toks[k - 1]
                        .lex
                        .has(flag::STOP | flag::FILLER | flag::CONNECT)
                    && doc.toks[k - 1].lex.num == NumWord::None
                {
                    continue;
                }
                if t.lex.has(flag::CONNECT) {
                    if start == at {
                        break;
                    }
                    pending = true;
                    seg_word = false;
                    seg_letters = false;
                    seg_digits = false;
                    continue;
                }
                // "j o h n", "y-o-l-a-n-d-a": a letter inside a spelled run.
                let spelled_run = k > 0 && doc.letter(k - 1)
                    || k > 1
                        && doc.toks[k - 1].is_punct(b'-')
                        && !doc.toks[k - 1].space_before
                        && !t.space_before
                        && doc.letter(k - 2);
                // "nkechi underscore a at ...": a lone "a"/"i" after a spoken separator.
                let after_connector = k > 0 && doc.toks[k - 1].lex.has(flag::CONNECT);
                if doc.letter(k)
                    && (!(doc.is(k, "a") || doc.is(k, "i"))
                        || seg_letters
                        || pending
                        || spelled_run
                        || after_connector)
                {
                    if seg_word {
                        // an initial before the name: "j alvarez at outlook dot com"
                        if !seg_letters && !spelled_run && !doc.is(k, "a") && !doc.is(k, "i") {
                            seg_letters = true;
                            start = k;
                            continue;
                        }
                        break;
                    }
                    seg_letters = true;
                    start = k;
                    pending = false;
                    continue;
                }
                if t.lex.num != NumWord::None && (!matches!(t.lex.num, NumWord::Oh) || seg_digits) {
                    if seg_word || seg_letters {
                        break;
                    }
                    seg_digits = true;
                    start = k;
                    pending = false;
                    continue;
                }
                // "g patel dot home at gmail ...", "x k underscore support nine nine at":
                // an everyday word of a mailbox name after a spoken "dot" / "underscore".
                if (start == at || start == k + 1 && !seg_word)
                    && k > 0
                    && (doc.is(k - 1, "dot") || doc.is(k - 1, "underscore"))
                    && t.len() >= 2
                    && !t.lex.has(flag::FILLER)
                {
                    seg_word = true;
                    start = k;
                    continue;
                }
                // "m dot al hashimi at outlook ...": a name particle said apart from the
                // name it is written with, after a spoken separator.
                if seg_word
                    && start == k + 1
                    && k > 0
                    && doc.toks[k - 1].lex.has(flag::CONNECT)
                    && crate::redact::person::particle(doc, k)
                {
                    start = k;
                    continue;
                }
                // "pat w at fastmail ...": a name before a single initial.
                if seg_letters
                    && !seg_word
                    && start + 1 == at
                    && !t.lex.has(flag::STOP)
                    && !t.lex.has(flag::FILLER)
                    && t.len() >= 2
                {
                    seg_word = true;
                    start = k;
                    continue;
                }
                if t.lex.has(flag::STOP) || t.lex.has(flag::FILLER) || seg_word || seg_letters {
                    break;
                }
                seg_word = true;
                start = k;
                pending = false;
            }
            Kind::Placeholder => break,
        }
    }
    let _ = pending;
    if start == at {
        None
    } else {
        Some(start)
    }
}
