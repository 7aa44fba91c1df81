//! Spoken-number grammar: finds number runs among the tokens ("four five three two",
//! "oh", "double five", "forty five thirty two", "three hundred", fillers, separators,
//! month names and ordinals of dates) and normalises each to its digit string, keeping the
//! token range so the span maps back to the original text.

use crate::redact::lexicon::{flag, NumWord};
use crate::redact::tokens::{pack_word, Kind, Tok};

/// What a token can be inside a number run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Digits,
    Code,
    Num(NumWord),
    Ord(u8),
    Month(u8),
    Sep,
    Filler,
    The,
    Of,
    And,
    Break,
}

/// Words after "the first four" that make it a count of digits ("are", "digits", ...).
const PIECE_AFTER: [u64; 8] =
    crate::redact::tokens::keys(["are", "is", "digits", "numbers", "of", "were", "go", "say"]);

/// Maximum written digit groups remembered per run.
pub(crate) const MAX_GROUPS: usize = 8;

/// One number run.
#[derive(Debug, Clone, Default)]
pub(crate) struct Run {
    /// First token.
    pub t0: usize,
    /// One past the last token.
    pub t1: usize,
    /// The digits it stands for ("four oh eight" -> "408").
    pub digits: String,
    /// Spoken number words inside.
    pub words: bool,
    /// A month name inside (a date).
    pub month: bool,
    /// An ordinal inside (a date: "the fourth", "21st").
    pub ordinal: bool,
    /// Slashes inside ("3/28") or the word "slash".
    pub slash: bool,
    /// Letters-and-digits code tokens inside ("17112821NV").
    pub code: bool,
    /// Parenthesised area code.
    pub paren: bool,
    /// Leading "+".
    pub plus: bool,
    /// Lengths of the written digit groups, in order (up to [`MAX_GROUPS`]).
    pub groups: [u8; MAX_GROUPS],
    /// Number of written digit groups (may exceed MAX_GROUPS).
    pub ngroups: u8,
    /// Separator character between written groups ('-', '.', ' ', ',', '/'), when uniform.
    pub sep: u8,
    /// Only written digits (no number words).
    pub written: bool,
    /// Digit counts of the comma-separated groups (spoken or written), up to MAX_GROUPS.
    pub cgroups: [u8; MAX_GROUPS],
    /// Number of comma-separated groups (0 when there is no comma).
    pub ncgroups: u8,
}

impl Run {
    /// Digit count.
    pub fn n(&self) -> usize {
        self.digits.len()
    }
    /// The comma-separated group lengths (empty without commas).
    pub fn comma_groups(&self) -> &[u8] {
        &self.cgroups[..(self.ncgroups as usize).min(MAX_GROUPS)]
    }
    /// The written group lengths.
    pub fn group_lens(&self) -> &[u8] {
        &self.groups[..(self.ngroups as usize).min(MAX_GROUPS)]
    }
}

/// "Columbus, OH 43221": "OH" in capitals after a capitalised city and a comma, before a
/// ZIP, is Ohio, not a zero (an all-capitals text has no capitalised city).
fn ohio(toks: &[Tok], i: usize) -> bool {
    use crate::redact::tokens::Case;
    i >= 2
        && toks[i].case == Case::Upper
        && toks[i].len() == 2
        && toks[i - 1].is_punct(b',')
        && toks[i - 2].case == Case::Title
        && toks
            .get(i + 1)
            .is_some_and(|n| n.kind == Kind::Num && n.len() == 5)
}

fn role_of(t: &Tok) -> Role {
    match t.kind {
        Kind::Num => Role::Digits,
        Kind::Alnum => {
            if t.lex.ordinal > 0 {
                Role::Ord(t.lex.ordinal)
            } else if t.lex.concept != crate::redact::lexicon::Concept::None {
                Role::Break
            } else {
                Role::Code
            }
        }
        Kind::Placeholder => Role::Break,
        Kind::Punct => match t.ch {
            b',' | b'-' | b'/' | b'(' | b')' | b'+' | b'.' => Role::Sep,
            _ => {
                // en dash / em dash as separators
                Role::Break
            }
        },
        Kind::Word => {
            let l = &t.lex;
            if !l.has(flag::IN_NUMBER) {
                Role::Break
            } else if l.num != NumWord::None {
                Role::Num(l.num)
            } else if l.month > 0 {
                Role::Month(l.month)
            } else if l.ordinal > 0 {
                Role::Ord(l.ordinal)
            } else if l.has(crate::redact::lexicon::flag::FILLER) {
                Role::Filler
            } else if l.has(crate::redact::lexicon::flag::NUMSEP) {
                Role::Sep
            } else {
                Role::Break
            }
        }
    }
}

fn is_numeric(r: Role) -> bool {
    matches!(
        r,
        Role::Digits | Role::Code | Role::Num(_) | Role::Ord(_) | Role::Month(_)
    )
}

/// Lexicon flags of the words the first pass gives anything but a plain `Break`: a role
/// inside a number, or a word a later pass reads ("the", "of", "and", a homophone of a
/// digit, a spoken "dot").
const NUMBER_PASS_WORDS: u32 =
    flag::IN_NUMBER | flag::HOMOPHONE | flag::THE | flag::OF | flag::AND | flag::CONNECT;

/// What the first pass saw that later passes need (each is skipped when its tokens are
/// absent).
#[derive(Default)]
struct Seen {
    /// An unclaimed homophone of a digit.
    homophone: bool,
    /// A spoken "dot" or an apostrophe (the glue passes).
    glue: bool,
    /// Periods right after a written digit group.
    dots_after_digits: usize,
}

/// The first pass: each token's role on its own, in `roles` (one per token), with the
/// tokens a run can start at in `starts` and the tokens of the contextual passes in
/// `context` (see [`Scratch`]).
fn first_pass(
    toks: &[Tok],
    claimed: &[bool],
    roles: &mut Vec<Role>,
    starts: &mut Vec<u32>,
    context: &mut Vec<u32>,
) -> Seen {
    roles.clear();
    roles.resize(toks.len().min(claimed.len()), Role::Break);
    starts.clear();
    context.clear();
    let mut seen = Seen::default();
    let mut prev = Role::Break;
    // `claimed` and `roles` walked alongside the tokens: no bounds check per token.
    for (i, ((t, &claimed_i), role)) in toks.iter().zip(claimed).zip(roles.iter_mut()).enumerate() {
        // Most tokens are words with no part in a number: a `Break`, seen by no later pass.
        if t.kind == Kind::Word && !t.lex.has(NUMBER_PASS_WORDS) {
            prev = Role::Break;
            continue;
        }
        // Next most: number words and written digits, where a run can start.
        if let Some(r) = plain_number(t, claimed_i) {
            starts.push(i as u32);
            *role = r;
            prev = r;
            continue;
        }
        let r = if claimed_i {
            Role::Break
        } else {
            unclaimed_role(toks, i, &mut seen)
        };
        if r == Role::Sep && t.ch == b'.' && prev == Role::Digits {
            seen.dots_after_digits += 1;
        }
        let start = is_numeric(r)
            || r == Role::The
            || r == Role::Sep && matches!(t.ch, b'+' | b'(')
            // (A claimed one too: the homophone pass does not look at claims.)
            || t.lex.has(flag::HOMOPHONE);
        if start {
            starts.push(i as u32);
        }
        if matches!(r, Role::Month(_))
            || matches!(r, Role::Ord(_)) && t.kind == Kind::Word
            || r == Role::Sep && t.ch == b'.'
        {
            context.push(i as u32);
        }
        *role = r;
        prev = r;
    }
    seen
}

/// The role of an unclaimed number word other than "oh" ([`ohio`]), or of written digits:
/// numeric, with nothing else for the first pass to note; `None` for other tokens.
#[inline(always)]
fn plain_number(t: &Tok, claimed: bool) -> Option<Role> {
    if claimed {
        return None;
    }
    match t.kind {
        Kind::Num => Some(Role::Digits),
        Kind::Word
            if t.lex.has(flag::IN_NUMBER) && !matches!(t.lex.num, NumWord::None | NumWord::Oh) =>
        {
            Some(Role::Num(t.lex.num))
        }
        _ => None,
    }
}

/// The first-pass role of the unclaimed token `i`: [`role_of`], except "OH" of Ohio, and
/// "the", "of" and "and" (which join dates and amounts); notes the words of later passes
/// in `seen`.
#[inline(always)]
fn unclaimed_role(toks: &[Tok], i: usize, seen: &mut Seen) -> Role {
    let t = &toks[i];
    let r = match role_of(t) {
        Role::Num(NumWord::Oh) if ohio(toks, i) => Role::Break,
        r => r,
    };
    if r != Role::Break
        || !(t
            .lex
            .has(flag::HOMOPHONE | flag::THE | flag::OF | flag::AND | flag::CONNECT)
            || t.ch == b'\'')
    {
        return r;
    }
    seen.homophone |= t.lex.has(flag::HOMOPHONE);
    if t.kind != Kind::Word {
        seen.glue |= t.ch == b'\'';
        Role::Break
    } else if t.lex.has(flag::THE) {
        Role::The
    } else if t.lex.has(flag::OF) {
        Role::Of
    } else if t.lex.has(flag::AND) {
        Role::And
    } else {
        seen.glue |= t.lex.has(flag::CONNECT);
        Role::Break
    }
}

/// Finds the number runs among `toks` (skipping tokens marked in `claimed`); `flags` are
/// the lexicon flags of all its words together (passes for absent words are skipped).
pub(crate) fn find_runs(
    text: &str,
    toks: &[Tok],
    claimed: &[bool],
    flags: u32,
    out: &mut Vec<Run>,
    scratch: &mut Scratch,
) {
    // The caller usually hands over an empty vector (its runs were recycled with the
    // document's buffers): no thread-local access then.
    if !out.is_empty() {
        recycle_runs(out);
    }
    let n = toks.len();
    let mut roles: Vec<Role> = std::mem::take(&mut scratch.roles);
    let mut starts: Vec<u32> = std::mem::take(&mut scratch.starts);
    let mut context: Vec<u32> = std::mem::take(&mut scratch.context);
    let seen = first_pass(toks, claimed, &mut roles, &mut starts, &mut context);
    // Nothing numeric at all: no runs. (Every numeric token is in `starts`.)
    if !starts.iter().any(|&i| is_numeric(roles[i as usize])) {
        scratch.roles = roles;
        scratch.starts = starts;
        scratch.context = context;
        return;
    }
    if seen.homophone {
        homophones(toks, &mut roles);
    }
    pronoun_one(toks, &starts, &mut roles);
    if flags & flag::HOLD != 0 {
        hold_on(toks, &mut roles);
    }
    if flags & flag::MONEY != 0 {
        amount_after_filler(toks, &mut roles);
    }
    // "six one seven dot five five five dot ...": a spoken "dot" between digits.
    for i in 1..if seen.glue { n.saturating_sub(1) } else { 1 } {
        if roles[i] == Role::Break
            && toks[i].kind == Kind::Word
            && toks[i].lex.has(flag::CONNECT)
            && toks[i].len() == 3
            && text.as_bytes()[toks[i].start as usize..toks[i].end as usize]
                .eq_ignore_ascii_case(b"dot")
            && matches!(roles[i - 1], Role::Num(_) | Role::Digits)
            && matches!(roles[i + 1], Role::Num(_) | Role::Digits)
        {
            roles[i] = Role::Sep;
        }
    }
    // "'50", "'03": a two-digit year after a date part ("Oct. 16, '50", "July of '32").
    // Decided first, so that the month before it sees a numeric neighbour.
    for i in 0..if seen.glue { n } else { 0 } {
        if roles[i] == Role::Break
            && toks[i].is_punct(b'\'')
            && i + 1 < n
            && toks[i].space_before
            && !toks[i + 1].space_before
            && toks[i + 1].kind == Kind::Num
            && toks[i + 1].len() == 2
            && matches!(
                neighbour(&roles, i, false),
                Some(Role::Digits | Role::Ord(_) | Role::Month(_) | Role::Num(_))
            )
        {
            roles[i] = Role::Sep;
        }
    }
    // "It's 4385. 8390. 9228. 3454.", "2 1 2. 5 5 5. 0 1 8 8": some engines end every
    // digit group with a period. Two or more periods between digit groups join them (one
    // alone is a sentence end: "I paid 45. 30 of it was tax").
    let loose_groups =
        seen.dots_after_digits >= 2 && (0..n).filter(|i| loose_dot(toks, &roles, *i)).count() >= 2;
    // Contextual roles: months and word ordinals need a numeric neighbour; "o"/"oh" need
    // another digit next to them; "." joins digits only when written tight ("252.529").
    // Only the tokens of `context` can be a month, a word ordinal or a period here.
    for &i in &context {
        let i = i as usize;
        match roles[i] {
            Role::Month(_) => {
                let next = neighbour(&roles, i, true);
                let prev = neighbour(&roles, i, false);
                let ok =
                    |r: Option<Role>| matches!(r, Some(Role::Digits | Role::Num(_) | Role::Ord(_)));
                if !(ok(next) || ok(prev)) {
                    roles[i] = Role::Break;
                }
            }
            Role::Ord(_) if toks[i].kind == Kind::Word => {
                let prev_tok = if i > 0 { Some(roles[i - 1]) } else { None };
                // "twenty-third": the tens word and the ordinal joined by a hyphen.
                let hyphenated = i >= 2
                    && toks[i - 1].is_punct(b'-')
                    && !toks[i - 1].space_before
                    && !toks[i].space_before
                    && matches!(roles[i - 2], Role::Num(NumWord::Tens(_)));
                let keep = hyphenated
                    || matches!(
                        prev_tok,
                        Some(Role::The | Role::Num(NumWord::Tens(_)) | Role::Month(_))
                    )
                    || matches!(neighbour(&roles, i, true), Some(Role::Month(_)));
                // "the first four are 5515", "the first three digits": a count of digits
                // named by their place, not a date.
                let counted = i + 2 < n
                    && matches!(roles[i + 1], Role::Num(NumWord::Unit(2..=9)))
                    && toks[i + 2].kind == Kind::Word
                    && PIECE_AFTER.contains(&toks[i + 2].key);
                if !keep || counted {
                    roles[i] = Role::Break;
                }
                if counted {
                    roles[i + 1] = Role::Break;
                }
            }
            Role::Sep if toks[i].ch == b'.' => {
                let tight = !toks[i].space_before
                    && i + 1 < n
                    && !toks[i + 1].space_before
                    && i > 0
                    && roles[i - 1] == Role::Digits
                    && roles[i + 1] == Role::Digits;
                // "Oct. 16": the period of an abbreviated month.
                let month_abbr = i > 0
                    && !toks[i].space_before
                    && matches!(roles[i - 1], Role::Month(_))
                    && toks[i - 1].len() <= 4
                    && i + 1 < n
                    && matches!(roles[i + 1], Role::Digits | Role::Num(_) | Role::Ord(_));
                if !(tight
                    || month_abbr
                    || loose_groups && loose_dot(toks, &roles, i)
                    || ellipsis_between_numbers(toks, &roles, i))
                {
                    roles[i] = Role::Break;
                }
            }
            _ => {}
        }
    }
    // Second pass for months now that ordinals are settled.
    for &i in &context {
        let i = i as usize;
        if !matches!(roles[i], Role::Month(_)) {
            continue;
        }
        if let Role::Month(_) = roles[i] {
            let ok =
                |r: Option<Role>| matches!(r, Some(Role::Digits | Role::Num(_) | Role::Ord(_)));
            if !(ok(neighbour(&roles, i, true)) || ok(neighbour(&roles, i, false))) {
                roles[i] = Role::Break;
            }
        }
    }
    let mut items: Vec<(usize, Role)> = std::mem::take(&mut scratch.items);
    // Runs start at the tokens of `starts` only: `next` walks it to the first one at or
    // after `i`.
    let mut next = 0;
    let mut i = 0;
    loop {
        while next < starts.len() && (starts[next] as usize) < i {
            next += 1;
        }
        let Some(&first) = starts.get(next) else {
            break;
        };
        i = first as usize;
        let start_ok = match roles[i] {
            r if is_numeric(r) => true,
            Role::The => i + 1 < n && matches!(roles[i + 1], Role::Ord(_)),
            Role::Sep => {
                (toks[i].ch == b'+' || toks[i].ch == b'(')
                    && i + 1 < n
                    && roles[i + 1] == Role::Digits
            }
            _ => false,
        };
        if !start_ok {
            i += 1;
            continue;
        }
        let mut last = i;
        let mut j = i + 1;
        while j < n {
            let r = roles[j];
            if is_numeric(r) {
                last = j;
                j += 1;
                continue;
            }
            match r {
                Role::Sep | Role::Filler | Role::Of | Role::The => j += 1,
                Role::And => {
                    // "three hundred and five" only.
                    if matches!(roles[last], Role::Num(NumWord::Hundred | NumWord::Thousand)) {
                        j += 1;
                    } else {
                        break;
                    }
                }
                _ => break,
            }
        }
        // A closing parenthesis right after the area code belongs to the run.
        let mut end_tok = last + 1;
        if end_tok < n
            && toks[end_tok].is_punct(b')')
            && roles[i..end_tok].contains(&Role::Digits)
            && toks[i].is_punct(b'(')
        {
            end_tok += 1;
        }
        let mut run = build(text, toks, &roles, i, end_tok, &mut items);
        if let Some(k) = run
            .as_ref()
            .filter(|r| r.n() > 16)
            .and_then(|r| card_prefix_end(text, toks, &roles, r, &mut items))
        {
            run = build(text, toks, &roles, i, k, &mut items);
            end_tok = k;
        }
        if let Some(run) = run {
            out.push(run);
        }
        i = end_tok.max(i + 1);
    }
    if out.len() >= 2 {
        join_card_groups(text, toks, claimed, &roles, out, &mut items);
    }
    if roles.capacity() <= 16 * 1024 {
        scratch.roles = roles;
        scratch.items = items;
        scratch.starts = starts;
        scratch.context = context;
    }
}

/// The number grammar's reusable buffers (roles per token, the current run's items), kept
/// with a document's other buffers from one text to the next.
#[derive(Default)]
pub(crate) struct Scratch {
    roles: Vec<Role>,
    items: Vec<(usize, Role)>,
    /// Indices of the tokens a run can start at, in order: numeric after the first pass,
    /// "the", a "+" or "(", or a homophone of a digit (the only words a later pass makes
    /// numeric). The run-start search visits these alone.
    starts: Vec<u32>,
    /// Indices of the months, word ordinals and periods after the first pass, in order:
    /// the only tokens whose role the contextual passes change (no later pass makes one).
    context: Vec<u32>,
}

/// "4245 6072 6406 6886, 06/30", "... one three one five october twenty twenty six": a
/// whole card number followed, after a comma, by a month or by a date with a slash, by
/// the next item (its expiry, its code). Returns the token that ends the card when `run` is longer than a card, not
/// one itself, and starts with one (Luhn and an issuer range, 15 or 16 digits); the rest
/// is read as a run of its own. Spaces alone never split a run (a 22-digit tracking
/// number stays whole).
#[cold]
#[inline(never)]
fn card_prefix_end(
    text: &str,
    toks: &[Tok],
    roles: &[Role],
    run: &Run,
    items: &mut Vec<(usize, Role)>,
) -> Option<usize> {
    if run.n() <= 16 || crate::redact::validate::is_card(&run.digits) {
        return None;
    }
    for k in run.t0 + 1..run.t1 {
        if !is_numeric(roles[k - 1]) {
            continue;
        }
        let next = (k..run.t1).find(|&j| is_numeric(roles[j]))?;
        let comma = toks[k..next].iter().any(|t| t.is_punct(b','));
        // "06/30": the next group is a date written with a slash.
        let slash_date = toks
            .get(next + 1)
            .is_some_and(|t| t.is_punct(b'/') && !t.space_before);
        if !(comma || slash_date || matches!(roles[next], Role::Month(_))) {
            continue;
        }
        let head = build_rare(text, toks, roles, run.t0, k, items)?;
        if head.n() > 16 {
            return None;
        }
        if head.n() >= 15 && crate::redact::validate::is_card(&head.digits) {
            return Some(k);
        }
    }
    None
}

/// "four seven one six and six nine six nine and six three four four and one eight seven
/// oh", "five one oh six then seventy two thirty six then ...", "three seven two four wait
/// let me get my reading glasses okay seven eight eight ...": a card read in groups with
/// words between them. Consecutive runs whose digits together make a whole card (Luhn and
/// an issuer range, 15 or 16 digits) become one run, when at most eight words lie between
/// two groups and none of them is a number, a keyword, a placeholder, a claimed token or a
/// sentence end; codes with letters are no card group.
fn join_card_groups(
    text: &str,
    toks: &[Tok],
    claimed: &[bool],
    roles: &[Role],
    runs: &mut Vec<Run>,
    items: &mut Vec<(usize, Role)>,
) {
    let gap_ok = |from: usize, to: usize| {
        to >= from
            && to - from <= 8
            && (from..to).all(|k| {
                !claimed[k]
                    && !matches!(toks[k].kind, Kind::Num | Kind::Alnum | Kind::Placeholder)
                    && !matches!(toks[k].ch, b'.' | b'?' | b'!')
                    && !is_numeric(roles[k])
                    // "REF396123 um and my number is 619...": a label starts another item
                    && toks[k].lex.concept == crate::redact::lexicon::Concept::None
            })
    };
    let mut r = 0;
    while r + 1 < runs.len() {
        if !(3..=12).contains(&runs[r].n()) || runs[r].code {
            r += 1;
            continue;
        }
        let mut total = runs[r].n();
        let mut joined = None;
        let mut k = r + 1;
        while k < runs.len() && total < 15 && gap_ok(runs[k - 1].t1, runs[k].t0) {
            total += runs[k].n();
            if (15..=16).contains(&total) {
                let mut buf = [0u8; 16];
                let mut len = 0;
                for run in &runs[r..=k] {
                    buf[len..len + run.n()].copy_from_slice(run.digits.as_bytes());
                    len += run.n();
                }
                let digits = std::str::from_utf8(&buf[..len]).unwrap_or_default();
                if crate::redact::validate::is_card(digits) {
                    joined = build_rare(text, toks, roles, runs[r].t0, runs[k].t1, items)
                        .filter(|j| j.digits == digits)
                        .map(|j| (k, j));
                }
                break;
            }
            k += 1;
        }
        if let Some((k, run)) = joined {
            runs[r] = run;
            runs.drain(r + 1..=k);
        }
        r += 1;
    }
}

/// Empties `runs`, keeping their digit buffers for the next runs of this thread (a run's
/// digits are a short string; most utterances have a run or two).
pub(crate) fn recycle_runs(runs: &mut Vec<Run>) {
    SPARE_DIGITS.with(|p| {
        let mut p = p.borrow_mut();
        for r in runs.drain(..) {
            if p.len() < 64 && r.digits.capacity() <= 256 {
                p.push(r.digits);
            }
        }
    });
}

thread_local! {
    /// Digit buffers of finished runs (bounded: 64 buffers of at most 256 bytes).
    static SPARE_DIGITS: std::cell::RefCell<Vec<String>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// The digit a speech-to-text engine may write as an ordinary word ("for", "to", "ate",
/// "won"), when it is one.
fn homophone(t: &Tok) -> Option<u8> {
    const FOR: u64 = pack_word(b"for");
    const FORE: u64 = pack_word(b"fore");
    const TO: u64 = pack_word(b"to");
    const TOO: u64 = pack_word(b"too");
    const ATE: u64 = pack_word(b"ate");
    const WON: u64 = pack_word(b"won");
    if t.kind != Kind::Word {
        return None;
    }
    match t.key {
        FOR | FORE => Some(4),
        TO | TOO => Some(2),
        ATE => Some(8),
        WON => Some(1),
        _ => None,
    }
}

/// Homophones of digits inside a spoken number become digits: "seven oh to for ate one
/// nine nine oh six", "the card is for for six ate won nine ...". A stretch of adjacent
/// number words and homophones needs two real number words and three words in all ("two
/// to three" still reads as digits: no context makes three digits personal on their own);
/// a homophone closing the stretch before another word keeps its meaning ("... one two
/// to confirm"), and so does one opening it after a word ("my number to three one ...").
fn homophones(toks: &[Tok], roles: &mut [Role]) {
    const FROM: u64 = pack_word(b"from");
    const BETWEEN: u64 = pack_word(b"between");
    let n = toks.len();
    let mut i = 0;
    while i < n {
        let part = |k: usize| {
            matches!(roles[k], Role::Num(_))
                || roles[k] == Role::Break && toks[k].lex.has(flag::HOMOPHONE)
        };
        // A stretch is found from its first homophone (rare) outwards.
        if !(roles[i] == Role::Break && toks[i].lex.has(flag::HOMOPHONE)) {
            i += 1;
            continue;
        }
        let mut start = i;
        while start > 0 && part(start - 1) {
            start -= 1;
        }
        let mut end = i;
        while end < n && part(end) {
            end += 1;
        }
        // A preposition at the end followed by a word ("to confirm") or by one of our
        // placeholders (redacting twice changes nothing) is not a digit.
        let mut last = end;
        while last > start
            && roles[last - 1] == Role::Break
            && matches!(homophone(&toks[last - 1]), Some(4 | 2))
            && toks
                .get(last)
                .is_some_and(|t| matches!(t.kind, Kind::Word | Kind::Placeholder))
        {
            last -= 1;
        }
        // A range ("from one forty two to two eleven", "between five to six") keeps its
        // prepositions.
        if start > 0 && (toks[start - 1].key == FROM || toks[start - 1].key == BETWEEN) {
            i = end;
            continue;
        }
        // Nor a preposition opening it after a word ("update my number to three one
        // eight ..."), unless doubled ("the card is for for six ate won ...").
        let mut first = start;
        while first < last
            && roles[first] == Role::Break
            && first > 0
            && toks[first - 1].kind == Kind::Word
            && matches!(homophone(&toks[first]), Some(4 | 2))
            && !(first + 1 < last && roles[first + 1] == Role::Break)
        {
            first += 1;
        }
        let real = (first..last)
            .filter(|k| matches!(roles[*k], Role::Num(_)))
            .count();
        // "ate" and "won" are no preposition: next to one number word ("oh ate slash
        // twenty seven") they are digits, unless a pronoun says them ("we ate two").
        let verbs_only = (first..last)
            .filter(|k| roles[*k] == Role::Break)
            .all(|k| matches!(homophone(&toks[k]), Some(8 | 1)));
        let pronoun_before = first > 0 && {
            const PRONOUNS: [u64; 5] = [
                pack_word(b"i"),
                pack_word(b"we"),
                pack_word(b"they"),
                pack_word(b"he"),
                pack_word(b"she"),
            ];
            PRONOUNS.contains(&toks[first - 1].key)
        };
        let enough = real >= 2 && last - first >= 3
            || verbs_only && !pronoun_before && real >= 1 && last - first >= 2;
        if enough {
            for k in first..last {
                // "... oh four one one seven for eleven eighty seven sycamore bend lane":
                // before a teen or a tens word "for"/"to" is a preposition (digits read one by
                // one do not turn into "eleven" halfway).
                let before_pair = matches!(homophone(&toks[k]), Some(4 | 2))
                    && matches!(
                        roles.get(k + 1),
                        Some(Role::Num(NumWord::Teen(_) | NumWord::Tens(_)))
                    );
                if roles[k] == Role::Break && !before_pair {
                    if let Some(d) = homophone(&toks[k]) {
                        roles[k] = Role::Num(NumWord::Unit(d));
                    }
                }
            }
        }
        i = end;
    }
}

/// "three four one two hang on nine three nine ...", "seven six seven, hold on, five
/// three ...", "five nine seven oh you know one nine one": a caller pausing inside a
/// number; "hang on" / "hold on" / "you know" between two number words (or digits) become
/// fillers of the run.
/// "... double eight four six oh one like four hundred bucks": a filler right before an
/// amount ends the number before it instead of pausing inside it.
fn amount_after_filler(toks: &[Tok], roles: &mut [Role]) {
    let n = toks.len();
    for i in 1..n {
        if roles[i] != Role::Filler || !matches!(roles[i - 1], Role::Num(_) | Role::Digits) {
            continue;
        }
        let mut k = i + 1;
        while k < n && k <= i + 5 && matches!(roles[k], Role::Num(_) | Role::Digits) {
            k += 1;
        }
        if k > i + 1 && k < n && toks[k].lex.has(flag::MONEY) {
            roles[i] = Role::Break;
        }
    }
}

fn hold_on(toks: &[Tok], roles: &mut [Role]) {
    const ON: u64 = pack_word(b"on");
    const HANG: u64 = pack_word(b"hang");
    const HOLD: u64 = pack_word(b"hold");
    const YOU: u64 = pack_word(b"you");
    const KNOW: u64 = pack_word(b"know");
    let n = toks.len();
    for i in 1..n.saturating_sub(2) {
        let pause = (toks[i].key == HANG || toks[i].key == HOLD) && toks[i + 1].key == ON
            || toks[i].key == YOU && toks[i + 1].key == KNOW;
        if !pause {
            continue;
        }
        let before = (0..i).rev().find(|&k| !toks[k].is_punct(b','));
        let after = (i + 2..n).find(|&k| !toks[k].is_punct(b','));
        let numeric =
            |k: Option<usize>| k.is_some_and(|k| matches!(roles[k], Role::Num(_) | Role::Digits));
        // "Put the $40 hold on 4375 ...": an amount before "hold" makes it a noun.
        let amount = before.is_some_and(|k| k > 0 && toks[k - 1].is_punct(b'$'));
        if numeric(before) && numeric(after) && !amount {
            roles[i] = Role::Filler;
            roles[i + 1] = Role::Filler;
        }
    }
}

/// "three oh five... four oh oh... nine three six": an ellipsis (two or more periods in a
/// row) between two numbers is a pause inside one number, not a sentence end.
fn ellipsis_between_numbers(toks: &[Tok], roles: &[Role], i: usize) -> bool {
    let dot = |k: usize| toks[k].is_punct(b'.');
    let mut first = i;
    while first > 0 && dot(first - 1) && !toks[first].space_before {
        first -= 1;
    }
    let mut last = i;
    while last + 1 < toks.len() && dot(last + 1) && !toks[last + 1].space_before {
        last += 1;
    }
    let numeric = |r: Role| matches!(r, Role::Num(_) | Role::Digits);
    last > first
        && first > 0
        && last + 1 < toks.len()
        && numeric(roles[first - 1])
        && numeric(roles[last + 1])
}

/// "one" as a pronoun is no digit: "the 3-digit one, is 284", "the new one", "which one",
/// "the main one"
/// (unless another number word follows: "the one two three ...").
fn pronoun_one(toks: &[Tok], starts: &[u32], roles: &mut [Role]) {
    const BEFORE: [u64; 14] = [
        pack_word(b"the"),
        pack_word(b"this"),
        pack_word(b"that"),
        pack_word(b"which"),
        pack_word(b"new"),
        pack_word(b"old"),
        pack_word(b"other"),
        pack_word(b"last"),
        pack_word(b"next"),
        pack_word(b"same"),
        pack_word(b"digit"),
        pack_word(b"another"),
        pack_word(b"right"),
        pack_word(b"wrong"),
    ];
    const DETERMINERS: [u64; 9] = [
        pack_word(b"the"),
        pack_word(b"this"),
        pack_word(b"that"),
        pack_word(b"my"),
        pack_word(b"your"),
        pack_word(b"our"),
        pack_word(b"their"),
        pack_word(b"his"),
        pack_word(b"her"),
    ];
    const ONE: u64 = pack_word(b"one");
    // (Every "one" is in `starts`, in order.)
    for i in starts.iter().map(|&i| i as usize) {
        if i == 0 || toks[i].key != ONE || roles[i] != Role::Num(NumWord::Unit(1)) {
            continue;
        }
        // "the main one", "my old blue one": a determiner and a plain word before it.
        let described = i >= 2
            && toks[i - 1].kind == Kind::Word
            && roles[i - 1] == Role::Break
            && toks[i - 1].lex.concept == crate::redact::lexicon::Concept::None
            && DETERMINERS.contains(&toks[i - 2].key);
        if (BEFORE.contains(&toks[i - 1].key) || described)
            && !roles.get(i + 1).is_some_and(|r| is_numeric(*r))
        {
            roles[i] = Role::Break;
        }
    }
}

/// A period written after a digit group and before the next one, as some engines end
/// every group ("4385. 8390."). The contextual pass never changes a `Digits` role, so this
/// reads the same before and during it.
fn loose_dot(toks: &[Tok], roles: &[Role], i: usize) -> bool {
    toks[i].is_punct(b'.')
        && i > 0
        && i + 1 < toks.len()
        && !toks[i].space_before
        && toks[i + 1].space_before
        && roles[i - 1] == Role::Digits
        && roles[i + 1] == Role::Digits
        && toks[i - 1].len() <= 4
        && toks[i + 1].len() <= 4
}

/// The role of the nearest token before/after `i`, skipping "of", "the" and commas.
fn neighbour(roles: &[Role], i: usize, forward: bool) -> Option<Role> {
    let mut k = i;
    for _ in 0..3 {
        if forward {
            k += 1;
            if k >= roles.len() {
                return None;
            }
        } else {
            if k == 0 {
                return None;
            }
            k -= 1;
        }
        match roles[k] {
            Role::Of | Role::The | Role::Filler => continue,
            Role::Sep => continue,
            r => return Some(r),
        }
    }
    None
}

/// Value of a "below one hundred" phrase at `k`: tens [unit] | teen | unit.
fn below_hundred(items: &[(usize, Role)], k: usize) -> Option<(u32, usize)> {
    match items.get(k)?.1 {
        Role::Num(NumWord::Tens(t)) => {
            if let Some((_, Role::Num(NumWord::Unit(u)))) = items.get(k + 1) {
                if *u > 0 {
                    return Some((u32::from(t) * 10 + u32::from(*u), 2));
                }
            }
            Some((u32::from(t) * 10, 1))
        }
        Role::Num(NumWord::Teen(v)) => Some((u32::from(v), 1)),
        Role::Num(NumWord::Unit(u)) => Some((u32::from(u), 1)),
        _ => None,
    }
}

/// Writes `v` in decimal, padded with zeros to `width` digits.
/// Writes `v` in decimal, padded with zeros to `width` digits.
#[inline(always)]
fn push_num(digits: &mut String, v: u32, width: usize) {
    // Nearly every value is one or two digits (a digit, a teen or tens word, a month, a day).
    if v < 100 && width <= 2 {
        if v >= 10 || width == 2 {
            digits.push(char::from(b'0' + (v / 10) as u8));
        }
        digits.push(char::from(b'0' + (v % 10) as u8));
    } else {
        push_long_num(digits, v, width);
    }
}

/// [`push_num`] for three digits and more.
#[inline(never)]
fn push_long_num(digits: &mut String, v: u32, width: usize) {
    // No allocation: at most 10 decimal digits.
    let mut buf = [0u8; 10];
    let mut n = 0;
    let mut x = v;
    loop {
        buf[n] = b'0' + (x % 10) as u8;
        n += 1;
        x /= 10;
        if x == 0 {
            break;
        }
    }
    for _ in n..width {
        digits.push('0');
    }
    for k in (0..n).rev() {
        digits.push(char::from(buf[k]));
    }
}

/// [`build`] for the rare second looks (a card split from its expiry, card groups joined):
/// kept out of line so that the main loop keeps its inlined copy.
#[inline(never)]
fn build_rare(
    text: &str,
    toks: &[Tok],
    roles: &[Role],
    t0: usize,
    t1: usize,
    items: &mut Vec<(usize, Role)>,
) -> Option<Run> {
    build(text, toks, roles, t0, t1, items)
}

#[inline(always)]
fn build(
    text: &str,
    toks: &[Tok],
    roles: &[Role],
    t0: usize,
    t1: usize,
    items: &mut Vec<(usize, Role)>,
) -> Option<Run> {
    let bytes = text.as_bytes();
    let mut run = Run {
        t0,
        t1,
        written: true,
        ..Run::default()
    };
    items.clear();
    let mut non_oh = false;
    for k in t0..t1 {
        let r = roles[k];
        match r {
            Role::Sep => {
                let c = toks[k].ch;
                match c {
                    b'/' => run.slash = true,
                    b'(' => run.paren = true,
                    b'+' if k == t0 => run.plus = true,
                    _ => {}
                }
                if toks[k].kind == Kind::Word {
                    let w = &bytes[toks[k].start as usize..toks[k].end as usize];
                    if w.eq_ignore_ascii_case(b"slash") {
                        run.slash = true;
                    }
                }
            }
            r if is_numeric(r) => {
                if !matches!(r, Role::Num(NumWord::Oh)) {
                    non_oh = true;
                }
                items.push((k, r));
            }
            _ => {}
        }
    }
    if !non_oh {
        return None;
    }
    // Written digit groups and their separators.
    let mut prev_digit_tok: Option<usize> = None;
    let mut sep: Option<u8> = None;
    let mut uniform = true;
    for &(k, r) in items.iter() {
        if r == Role::Digits {
            let len = toks[k].len().min(255) as u8;
            if (run.ngroups as usize) < MAX_GROUPS {
                run.groups[run.ngroups as usize] = len;
            }
            run.ngroups = run.ngroups.saturating_add(1);
            if let Some(p) = prev_digit_tok {
                let between = &toks[p + 1..k];
                let s = if between.is_empty() {
                    b'?'
                } else if between.len() == 1 && between[0].kind == Kind::Punct {
                    between[0].ch
                } else if between
                    .iter()
                    .all(|t| t.kind == Kind::Punct && t.ch == b')')
                {
                    b')'
                } else {
                    b' '
                };
                let s = if s == b',' { b',' } else { s };
                match sep {
                    None => sep = Some(s),
                    Some(x) if x != s && !(x == b')' || s == b')') => uniform = false,
                    _ => {}
                }
            }
            prev_digit_tok = Some(k);
        }
    }
    if uniform {
        if let Some(s) = sep {
            run.sep = s;
        } else if run.ngroups > 0 {
            run.sep = b' ';
        }
    }
    if run.ngroups == 0 {
        run.sep = 0;
    }
    // Digits.
    let mut d = SPARE_DIGITS
        .with(|p| p.borrow_mut().pop())
        .unwrap_or_default();
    d.clear();
    let mut k = 0;
    let mut prev_tok = t0;
    let mut cstart = 0usize;
    while k < items.len() {
        let (ti, r) = items[k];
        // Comma-delimited groups of a spoken number ("one two three, four five, ...").
        if ti > prev_tok && toks[prev_tok..ti].iter().any(|t| t.is_punct(b',')) && d.len() > cstart
        {
            push_cgroup(&mut run, d.len() - cstart);
            cstart = d.len();
        }
        prev_tok = ti;
        match r {
            Role::Digits => {
                // A slice of the text (ASCII digits: always on char boundaries), so no
                // UTF-8 validation.
                d.push_str(
                    text.get(toks[ti].start as usize..toks[ti].end as usize)
                        .unwrap_or(""),
                );
                k += 1;
            }
            Role::Code => {
                run.code = true;
                for c in &bytes[toks[ti].start as usize..toks[ti].end as usize] {
                    if c.is_ascii_digit() {
                        d.push(*c as char);
                    }
                }
                k += 1;
            }
            Role::Month(m) => {
                run.month = true;
                push_num(&mut d, u32::from(m), 2);
                k += 1;
            }
            Role::Ord(v) => {
                run.ordinal = true;
                push_num(&mut d, u32::from(v), 2);
                k += 1;
            }
            Role::Num(nw) => {
                run.words = true;
                run.written = false;
                match nw {
                    NumWord::Oh => {
                        d.push('0');
                        k += 1;
                    }
                    NumWord::Repeat(times) => {
                        let next = items.get(k + 1).map(|x| x.1);
                        let digit = match next {
                            Some(Role::Num(NumWord::Unit(u))) => Some(char::from(b'0' + u)),
                            Some(Role::Num(NumWord::Oh)) => Some('0'),
                            Some(Role::Digits) => {
                                let t = &toks[items[k + 1].0];
                                if t.len() == 1 {
                                    Some(char::from(bytes[t.start as usize]))
                                } else {
                                    None
                                }
                            }
                            _ => None,
                        };
                        if let Some(c) = digit {
                            for _ in 0..times {
                                d.push(c);
                            }
                            k += 2;
                        } else {
                            k += 1;
                        }
                    }
                    NumWord::Tens(t) => {
                        // Tens followed by an ordinal: "twenty first".
                        if let Some((_, Role::Ord(o))) = items.get(k + 1) {
                            if *o < 10 {
                                run.ordinal = true;
                                push_num(&mut d, u32::from(t) * 10 + u32::from(*o), 2);
                                k += 2;
                                continue;
                            }
                        }
                        let (v, used) = below_hundred(items, k).unwrap_or((u32::from(t) * 10, 1));
                        k += used;
                        after_value(items, &mut k, &mut d, v);
                    }
                    NumWord::Teen(v) => {
                        k += 1;
                        after_value(items, &mut k, &mut d, u32::from(v));
                    }
                    NumWord::Unit(u) => {
                        k += 1;
                        after_value(items, &mut k, &mut d, u32::from(u));
                    }
                    NumWord::Hundred => {
                        d.push_str("100");
                        k += 1;
                    }
                    NumWord::Thousand => {
                        d.push_str("1000");
                        k += 1;
                    }
                    NumWord::None => k += 1,
                }
            }
            _ => k += 1,
        }
    }
    if run.ncgroups > 0 && d.len() > cstart {
        push_cgroup(&mut run, d.len() - cstart);
    }
    run.digits = d;
    Some(run)
}

fn push_cgroup(run: &mut Run, len: usize) {
    if (run.ncgroups as usize) < MAX_GROUPS {
        run.cgroups[run.ncgroups as usize] = len.min(255) as u8;
    }
    run.ncgroups = run.ncgroups.saturating_add(1);
}

/// Writes `v` (a unit, teen or tens value just read) and folds a following "hundred" /
/// "thousand" phrase into it ("three hundred forty seven" -> "347").
#[inline(always)]
fn after_value(items: &[(usize, Role)], k: &mut usize, d: &mut String, v: u32) {
    match items.get(*k).map(|x| x.1) {
        Some(Role::Num(NumWord::Hundred | NumWord::Thousand)) => scaled_value(items, k, d, v),
        _ => push_num(d, v, if v >= 10 { 2 } else { 1 }),
    }
}

/// [`after_value`] before a "hundred" or "thousand".
#[inline(never)]
fn scaled_value(items: &[(usize, Role)], k: &mut usize, d: &mut String, v: u32) {
    match items.get(*k).map(|x| x.1) {
        Some(Role::Num(NumWord::Hundred)) if v < 100 => {
            *k += 1;
            let rest = below_hundred(items, *k);
            let r = match rest {
                Some((r, used)) => {
                    *k += used;
                    r
                }
                None => 0,
            };
            let total = v * 100 + r;
            if let Some(Role::Num(NumWord::Thousand)) = items.get(*k).map(|x| x.1) {
                *k += 1;
                thousand_rest(items, k, d, total);
            } else {
                push_num(d, total, 3);
            }
        }
        Some(Role::Num(NumWord::Thousand)) => {
            *k += 1;
            thousand_rest(items, k, d, v);
        }
        _ => {
            let width = if v >= 10 { 2 } else { 1 };
            push_num(d, v, width);
        }
    }
}

fn thousand_rest(items: &[(usize, Role)], k: &mut usize, d: &mut String, thousands: u32) {
    let mut rest = 0;
    if let Some((u, used)) = below_hundred(items, *k) {
        if let Some(Role::Num(NumWord::Hundred)) = items.get(*k + used).map(|x| x.1) {
            if u < 10 {
                *k += used + 1;
                rest = u * 100;
                if let Some((r, used2)) = below_hundred(items, *k) {
                    *k += used2;
                    rest += r;
                }
            }
        } else {
            *k += used;
            rest = u;
        }
    }
    push_num(d, thousands * 1000 + rest, 4);
}
