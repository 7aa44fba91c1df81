//! The PII leak scan: every value the simulation spoke, searched in text (server logs,
//! stored items) two ways:
//! - the exact spoken surface and the canonical value, case-insensitively;
//! - numbers by their digits: runs of digits and digit words ("four oh eight", "4 0 8",
//!   "408-821") are read as one digit string and searched for every value with at least
//!   [`MIN_DIGITS`] digits, so a number stored in another format or spelled out is found.
//!   Values shorter than [`SUBSTRING_DIGITS`] must make up a whole run (a 7-digit value
//!   inside a 13-digit epoch timestamp is chance, not a leak); longer ones may sit inside
//!   a longer run. The logs' own `"timestamp"` field is not scanned (its microseconds
//!   are random digits), nor are the digits of hexadecimal identifiers (UUIDs, SHA-256
//!   keys) and of clock readings around the run (epoch milliseconds or seconds, also
//!   zero-padded in sort keys): a PII value cannot be read back from a hash or a clock,
//!   and their digit runs match needles by chance (a 9-digit routing number was found
//!   inside a 13-digit millisecond timestamp).
//!
//! Needles too short to be told apart from ordinary text (a 3-digit CVV, a 2-letter
//! name) are not searched; their count is reported so nobody mistakes it for a pass.
//! Hits are reported by entity type and source, never with the value.

use std::collections::{BTreeMap, HashSet};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::corpus::SpokenValue;

/// Shortest digit string searched by digits.
pub const MIN_DIGITS: usize = 7;
/// Digit values at least this long are also found inside longer runs.
pub const SUBSTRING_DIGITS: usize = 9;
/// Shortest text needle searched as text.
pub const MIN_TEXT_CHARS: usize = 8;

/// The compiled needles.
pub struct LeakScanner {
    text: Option<AhoCorasick>,
    text_kinds: Vec<String>,
    digits: Option<AhoCorasick>,
    digit_kinds: Vec<String>,
    /// Values with no searchable form.
    pub unsearchable: usize,
    /// Distinct needles searched.
    pub needles: usize,
    /// When the scan runs (ms since the epoch): digit strings that are clock readings
    /// around it are timestamps, not spoken values.
    now_ms: u64,
}

/// Hits of one scan.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct LeakHits {
    /// Total hits.
    pub total: u64,
    /// Hits per entity type.
    pub by_type: BTreeMap<String, u64>,
}

impl LeakHits {
    fn add(&mut self, kind: &str) {
        self.total += 1;
        *self.by_type.entry(kind.to_string()).or_insert(0) += 1;
    }
}

fn digit_word(w: &str) -> Option<char> {
    Some(match w {
        "zero" | "oh" | "o" => '0',
        "one" => '1',
        "two" => '2',
        "three" => '3',
        "four" => '4',
        "five" => '5',
        "six" => '6',
        "seven" => '7',
        "eight" => '8',
        "nine" => '9',
        _ => return None,
    })
}

/// Digit strings in `text`: consecutive digits and digit words, joined across spaces and
/// the separators people and formatters put inside numbers (`-`, `.`, `,`, `(`, `)`, `/`).
/// Any other word or character ends a run.
pub fn digit_runs(text: &str) -> Vec<String> {
    let lower = text.to_ascii_lowercase();
    let mut runs = Vec::new();
    let mut cur = String::new();
    let mut word = String::new();
    let flush_word = |word: &mut String, cur: &mut String, runs: &mut Vec<String>| {
        if word.is_empty() {
            return;
        }
        match digit_word(word) {
            Some(d) => cur.push(d),
            None => {
                if cur.len() >= MIN_DIGITS {
                    runs.push(std::mem::take(cur));
                }
                cur.clear();
            }
        }
        word.clear();
    };
    for c in lower.chars() {
        if c.is_ascii_digit() {
            flush_word(&mut word, &mut cur, &mut runs);
            cur.push(c);
        } else if c.is_ascii_alphabetic() {
            word.push(c);
        } else {
            flush_word(&mut word, &mut cur, &mut runs);
            if !(c.is_whitespace() || matches!(c, '-' | '.' | ',' | '(' | ')' | '/')) {
                if cur.len() >= MIN_DIGITS {
                    runs.push(std::mem::take(&mut cur));
                }
                cur.clear();
            }
        }
    }
    flush_word(&mut word, &mut cur, &mut runs);
    if cur.len() >= MIN_DIGITS {
        runs.push(cur);
    }
    runs
}

impl LeakScanner {
    /// Compile the needles of every spoken value.
    pub fn new(values: &[SpokenValue]) -> Self {
        let mut text_seen = HashSet::new();
        let mut digit_seen = HashSet::new();
        let (mut text, mut text_kinds, mut digits, mut digit_kinds) =
            (vec![], vec![], vec![], vec![]);
        let mut unsearchable = 0;
        for v in values {
            // A short number (CVV, expiry, last four) cannot be told apart from ordinary
            // numbers in any spelling: counted as unsearchable, never matched as words.
            if let Some(value) = &v.value {
                let digits = value.chars().filter(char::is_ascii_digit).count();
                let numeric = value
                    .chars()
                    .all(|c| c.is_ascii_digit() || " -/.()".contains(c));
                if numeric && digits < MIN_DIGITS {
                    unsearchable += 1;
                    continue;
                }
            }
            let mut searchable = false;
            for t in std::iter::once(v.surface.as_str()).chain(v.value.as_deref()) {
                let t = t.trim().to_lowercase();
                let runs = digit_runs(&t);
                let has_letters = t.chars().any(char::is_alphabetic);
                // Numbers are searched by their digits only (one hit per occurrence).
                if runs.is_empty() && has_letters && t.chars().count() >= MIN_TEXT_CHARS {
                    searchable = true;
                    if text_seen.insert(t.clone()) {
                        text.push(t);
                        text_kinds.push(v.kind.clone());
                    }
                }
                for run in runs {
                    searchable = true;
                    if digit_seen.insert(run.clone()) {
                        digits.push(run);
                        digit_kinds.push(v.kind.clone());
                    }
                }
            }
            if !searchable {
                unsearchable += 1;
            }
        }
        let build = |p: &Vec<String>| {
            (!p.is_empty())
                .then(|| {
                    AhoCorasickBuilder::new()
                        .match_kind(MatchKind::Standard)
                        .build(p)
                        .ok()
                })
                .flatten()
        };
        Self {
            needles: text.len() + digits.len(),
            text: build(&text),
            text_kinds,
            digits: build(&digits),
            digit_kinds,
            unsearchable,
            now_ms: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as u64),
        }
    }

    /// Scan one piece of text (a log line, a stored item) and add its hits.
    pub fn scan(&self, haystack: &str, hits: &mut LeakHits) {
        if let Some(ac) = &self.text {
            let lower = haystack.to_lowercase();
            for m in ac.find_overlapping_iter(&lower) {
                hits.add(&self.text_kinds[m.pattern().as_usize()]);
            }
        }
        if let Some(ac) = &self.digits {
            for run in digit_runs(&mask_machine_ids(haystack, self.now_ms)) {
                for m in ac.find_overlapping_iter(&run) {
                    let whole = m.start() == 0 && m.end() == run.len();
                    if whole || m.len() >= SUBSTRING_DIGITS {
                        hits.add(&self.digit_kinds[m.pattern().as_usize()]);
                    }
                }
            }
        }
    }
}

/// Length of the hexadecimal identifier starting at byte `i` of `b`: a UUID
/// (8-4-4-4-12 hex digits) or a run of at least 32 hex digits (a SHA-256), not glued to
/// further letters or digits.
fn hex_id_len(b: &[u8], i: usize) -> Option<usize> {
    let hex_run = |at: usize| {
        b[at.min(b.len())..]
            .iter()
            .take_while(|c| c.is_ascii_hexdigit())
            .count()
    };
    let ends_at = |end: usize| b.get(end).is_none_or(|c| !c.is_ascii_alphanumeric());
    let mut at = i;
    let uuid = [8, 4, 4, 4, 12].iter().enumerate().all(|(k, &n)| {
        let ok = hex_run(at) == n && (k == 4 || b.get(at + n) == Some(&b'-'));
        at += n + 1;
        ok
    });
    if uuid && ends_at(i + 36) {
        return Some(36);
    }
    let n = hex_run(i);
    (n >= 32 && ends_at(i + n)).then_some(n)
}

/// Clock readings within this distance of the scan are timestamps (30 days, in ms).
const CLOCK_WINDOW_MS: u64 = 30 * 24 * 3600 * 1000;

/// Length of the written timestamp starting at byte `i` of `b`: 10 to 16 digits not glued
/// to further letters or digits (zero-padded sort keys included) whose value is a clock
/// reading in milliseconds or seconds within [`CLOCK_WINDOW_MS`] of `now_ms`. A 9-digit
/// needle inside such a reading ("…113936650" in 1796113936650) is chance, not a leak.
fn epoch_len(b: &[u8], i: usize, now_ms: u64) -> Option<usize> {
    let n = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
    if !(10..=16).contains(&n) || b.get(i + n).is_some_and(u8::is_ascii_alphanumeric) {
        return None;
    }
    let v: u64 = std::str::from_utf8(&b[i..i + n]).ok()?.parse().ok()?;
    let near = |t: u64| t.abs_diff(now_ms) <= CLOCK_WINDOW_MS;
    (near(v) || near(v.saturating_mul(1000))).then_some(n)
}

/// `text` with every hexadecimal identifier and every timestamp around `now_ms` replaced
/// by `x` (a word that ends a digit run).
fn mask_machine_ids(text: &str, now_ms: u64) -> std::borrow::Cow<'_, str> {
    let b = text.as_bytes();
    let mut out = String::new();
    let (mut i, mut copied) = (0, 0);
    while i < b.len() {
        let starts_token = i == 0 || !b[i - 1].is_ascii_alphanumeric();
        let machine = || hex_id_len(b, i).or_else(|| epoch_len(b, i, now_ms));
        match starts_token.then(machine).flatten() {
            // Both ends are ASCII bytes, so both are character boundaries.
            Some(n) => {
                out.push_str(&text[copied..i]);
                out.push('x');
                i += n;
                copied = i;
            }
            None => i += 1,
        }
    }
    if copied == 0 {
        return std::borrow::Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(kind: &str, surface: &str, value: &str) -> SpokenValue {
        SpokenValue {
            kind: kind.into(),
            surface: surface.into(),
            value: Some(value.into()),
        }
    }

    #[test]
    fn digit_runs_join_words_digits_and_separators() {
        assert_eq!(
            digit_runs("call four oh eight 821-8917 now"),
            vec!["4088218917"]
        );
        assert_eq!(digit_runs("(415) 555.0142"), vec!["4155550142"]);
        assert!(digit_runs("ts 17634 arrival 17635").is_empty());
        assert_eq!(digit_runs("a 1234567 b"), vec!["1234567"]);
    }

    #[test]
    fn finds_values_in_any_spelling_and_reports_types() {
        let s = LeakScanner::new(&[
            v(
                "PHONE",
                "four oh eight eight two one eight nine one seven",
                "4088218917",
            ),
            v("PERSON", "danielle bernard", "danielle bernard"),
        ]);
        let mut hits = LeakHits::default();
        s.scan("{\"text\":\"call me at 408-821-8917\"}", &mut hits);
        s.scan("Danielle Bernard called", &mut hits);
        s.scan("my number is [PHONE] and my name is [PERSON]", &mut hits);
        assert_eq!(hits.by_type.get("PHONE"), Some(&1));
        assert_eq!(hits.by_type.get("PERSON"), Some(&1));
        assert_eq!(hits.total, 2);
    }

    #[test]
    fn short_numbers_must_fill_a_run() {
        let s = LeakScanner::new(&[v("DATE_OF_BIRTH", "03141984", "03141984")]);
        let mut hits = LeakHits::default();
        s.scan("ts 1795303141984000 arrival", &mut hits);
        assert_eq!(hits.total, 0);
        s.scan("born 03/14/1984.", &mut hits);
        assert_eq!(hits.total, 1);
    }

    #[test]
    fn hex_identifiers_are_not_read_as_numbers() {
        let s = LeakScanner::new(&[
            v("DATE_OF_BIRTH", "2/28/38", "02281938"),
            v("PHONE", "415 555 0142", "4155550142"),
        ]);
        let mut hits = LeakHits::default();
        s.scan(
            "speech-update:sha256:4c7e02281938ab3f9304612e19380228c7675785be5b2bc127f3e5cc84b6",
            &mut hits,
        );
        s.scan("call 02281938-4155-5501-4200-4155550142aa", &mut hits);
        assert_eq!(hits.total, 0, "{hits:?}");
        // Not identifiers: a short hex word, a UUID-like string with a 10-digit group.
        s.scan("born 02281938, call 415 555 0142 about 7d3f0c1e", &mut hits);
        s.scan("ref 4155550142-1234-1234-1234-123456789abc", &mut hits);
        assert_eq!(hits.total, 3);
        assert_eq!(
            mask_machine_ids("é 0123456789abcdef0123456789abcdef é", 0),
            "é x é"
        );
        assert_eq!(mask_machine_ids("no ids", 0), "no ids");
    }

    #[test]
    fn timestamps_of_the_run_are_not_read_as_numbers() {
        // A routing number that happens to be the last nine digits of a clock reading.
        let s = LeakScanner::new(&[v("ROUTING_NUMBER", "113936650", "113936650")]);
        let now = s.now_ms;
        let reading = now - now % 1_000_000_000 + 113_936_650;
        let mut hits = LeakHits::default();
        for text in [
            format!("ts_ms: {reading}, arrival_ms: {reading}"),
            format!("SEG#00{reading}#00{reading}"),
            format!("expires_at_secs: {}", now / 1000),
        ] {
            s.scan(&text, &mut hits);
        }
        assert_eq!(hits.total, 0, "{hits:?}");
        // The value itself, and a long number that is no clock reading, are still found.
        s.scan("routing 113936650", &mut hits);
        s.scan("account 99999113936650", &mut hits);
        assert_eq!(hits.total, 2, "{hits:?}");
    }

    #[test]
    fn short_values_are_counted_as_unsearchable() {
        let s = LeakScanner::new(&[v("CVV", "123", "123"), v("CVV", "one two three", "123")]);
        assert_eq!(s.unsearchable, 2);
        assert_eq!(s.needles, 0);
        let mut hits = LeakHits::default();
        s.scan("123 123 123 one two three", &mut hits);
        assert_eq!(hits.total, 0);
    }
}
