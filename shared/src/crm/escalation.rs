//! Escalation rules on the live transcript: an explicit request for a person, repeated
//! tool failures, or configurable negative-sentiment phrases set the session's escalation
//! flag (and, when configured, make the worker transfer the call through Live Call
//! Control). Matching is on whole words of the lower-cased, punctuation-free text; the text
//! itself is never stored or logged, only the reason.

use aho_corasick::{AhoCorasick, MatchKind};

/// Phrases that ask for a person (default of `ESCALATION_PERSON_PHRASES`).
pub const DEFAULT_PERSON_PHRASES: &[&str] = &[
    "speak to a person",
    "talk to a person",
    "speak with a person",
    "talk with a person",
    "speak to a human",
    "talk to a human",
    "speak with a human",
    "real person",
    "human being",
    "speak to someone",
    "talk to someone",
    "speak to an agent",
    "talk to an agent",
    "live agent",
    "representative",
    "operator",
    "speak to a manager",
    "talk to a manager",
    "supervisor",
];

/// Negative-sentiment phrases (default of `ESCALATION_NEGATIVE_PHRASES`).
pub const DEFAULT_NEGATIVE_PHRASES: &[&str] = &[
    "this is ridiculous",
    "this is useless",
    "you are useless",
    "you're useless",
    "waste of time",
    "so frustrated",
    "i am frustrated",
    "i'm frustrated",
    "not helping",
    "this is terrible",
    "fed up",
    "unacceptable",
];

/// Default of `ESCALATION_MAX_TOOL_FAILURES`.
pub const DEFAULT_MAX_TOOL_FAILURES: u32 = 2;

/// Why a call should go to a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EscalationReason {
    /// The caller asked for a person.
    RequestedPerson,
    /// Tools failed repeatedly in this call.
    RepeatedToolFailures,
    /// The caller used a configured negative-sentiment phrase.
    NegativeSentiment,
}

impl EscalationReason {
    /// Flag value stored on the session.
    pub fn as_str(self) -> &'static str {
        match self {
            EscalationReason::RequestedPerson => "requested_person",
            EscalationReason::RepeatedToolFailures => "repeated_tool_failures",
            EscalationReason::NegativeSentiment => "negative_sentiment",
        }
    }
}

/// What the rules decided for one transcript segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscalationDecision {
    /// The reason (the first rule that matched, in the order person, failures, sentiment).
    pub reason: EscalationReason,
    /// Session flags to set (`escalation` = reason; `sentiment` = `negative` when it applies).
    pub flags: Vec<(String, String)>,
}

/// The compiled rules.
#[derive(Debug, Clone)]
pub struct EscalationRules {
    person: Option<AhoCorasick>,
    negative: Option<AhoCorasick>,
    max_tool_failures: u32,
}

/// Lower-case, every non-alphanumeric character (but the apostrophe) a space, single
/// spaces, padded with one space on each side so phrases match whole words only.
fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push(' ');
    let mut last_space = true;
    for c in text.chars().flat_map(char::to_lowercase) {
        let c = if c == '\u{2019}' { '\'' } else { c };
        if c.is_alphanumeric() || c == '\'' {
            out.push(c);
            last_space = false;
        } else if !last_space {
            out.push(' ');
            last_space = true;
        }
    }
    if !last_space {
        out.push(' ');
    }
    out
}

fn compile(phrases: &[String]) -> Option<AhoCorasick> {
    let patterns: Vec<String> = phrases
        .iter()
        .map(|p| normalise(p))
        .filter(|p| p.trim().len() > 1)
        .collect();
    if patterns.is_empty() {
        return None;
    }
    AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostFirst)
        .build(patterns)
        .ok()
}

impl Default for EscalationRules {
    fn default() -> Self {
        let own = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        Self::new(
            &own(DEFAULT_PERSON_PHRASES),
            &own(DEFAULT_NEGATIVE_PHRASES),
            DEFAULT_MAX_TOOL_FAILURES,
        )
    }
}

impl EscalationRules {
    /// Rules from phrase lists and a tool-failure threshold (0 disables that rule).
    pub fn new(person: &[String], negative: &[String], max_tool_failures: u32) -> Self {
        Self {
            person: compile(person),
            negative: compile(negative),
            max_tool_failures,
        }
    }

    /// Evaluate one final transcript segment. Phrases only count when the caller (`user`)
    /// says them; `tool_failures` is the call's count of failed tool calls.
    pub fn evaluate(
        &self,
        role: &str,
        text: &str,
        tool_failures: u32,
    ) -> Option<EscalationDecision> {
        let caller = role == "user" || role == "customer";
        let norm = if caller {
            normalise(text)
        } else {
            String::new()
        };
        let hit = |m: &Option<AhoCorasick>| caller && m.as_ref().is_some_and(|m| m.is_match(&norm));
        let negative = hit(&self.negative);
        let reason = if hit(&self.person) {
            EscalationReason::RequestedPerson
        } else if self.max_tool_failures > 0 && tool_failures >= self.max_tool_failures {
            EscalationReason::RepeatedToolFailures
        } else if negative {
            EscalationReason::NegativeSentiment
        } else {
            return None;
        };
        let mut flags = vec![("escalation".to_owned(), reason.as_str().to_owned())];
        if negative {
            flags.push(("sentiment".to_owned(), "negative".to_owned()));
        }
        Some(EscalationDecision { reason, flags })
    }
}

/// Split a comma-separated phrase list (environment variable value).
pub fn phrase_list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_requests_for_a_person_escalate() {
        let r = EscalationRules::default();
        for t in [
            "Can I please SPEAK TO A PERSON?",
            "I want a real person.",
            "get me a representative",
            "Operator!",
        ] {
            let d = r.evaluate("user", t, 0).expect(t);
            assert_eq!(d.reason, EscalationReason::RequestedPerson);
            assert_eq!(
                d.flags[0],
                ("escalation".to_owned(), "requested_person".to_owned())
            );
        }
    }

    #[test]
    fn words_must_match_whole_and_only_the_caller_counts() {
        let r = EscalationRules::default();
        assert!(
            r.evaluate("user", "the cooperator account", 0).is_none(),
            "operator inside a word"
        );
        assert!(r
            .evaluate("assistant", "I can connect you to a representative", 0)
            .is_none());
        assert!(r
            .evaluate("user", "my ticket is about a charge", 1)
            .is_none());
    }

    #[test]
    fn repeated_failures_and_sentiment() {
        let r = EscalationRules::default();
        assert_eq!(
            r.evaluate("user", "ok", 2).map(|d| d.reason),
            Some(EscalationReason::RepeatedToolFailures)
        );
        let d = r
            .evaluate("user", "This is ridiculous, I\u{2019}m frustrated.", 0)
            .expect("negative");
        assert_eq!(d.reason, EscalationReason::NegativeSentiment);
        assert!(d
            .flags
            .contains(&("sentiment".to_owned(), "negative".to_owned())));
        let custom = EscalationRules::new(&phrase_list("call my lawyer, , unfair"), &[], 0);
        assert!(custom.evaluate("user", "That's UNFAIR", 9).is_some());
        assert!(
            custom.evaluate("user", "fine", 9).is_none(),
            "failure rule disabled by 0"
        );
    }
}
