//! Cheap conversational signals for the session flags: a caller asking for a human
//! (escalation) or sounding upset (negative sentiment). Phrase lists over the redacted
//! text, lower-cased; a flag for a person to look at, not a classifier.

const ESCALATION: &[&str] = &[
    "speak to a human",
    "talk to a human",
    "speak to a person",
    "talk to a person",
    "real person",
    "representative",
    "supervisor",
    "manager",
    "live agent",
    "human agent",
    "speak to someone",
    "talk to someone",
];

const NEGATIVE: &[&str] = &[
    "frustrated",
    "frustrating",
    "angry",
    "ridiculous",
    "terrible",
    "unacceptable",
    "complaint",
    "worst",
    "upset",
    "annoyed",
    "fed up",
    "useless",
    "cancel my account",
];

/// True when a caller utterance asks for a human.
pub fn asks_for_human(text: &str) -> bool {
    let t = text.to_lowercase();
    ESCALATION.iter().any(|p| t.contains(p))
}

/// True when a caller utterance sounds upset.
pub fn sounds_negative(text: &str) -> bool {
    let t = text.to_lowercase();
    NEGATIVE.iter().any(|p| t.contains(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_requests_for_a_human_and_frustration() {
        assert!(asks_for_human("Can I speak to a HUMAN please"));
        assert!(!asks_for_human("my card number is [CREDIT_CARD]"));
        assert!(sounds_negative("this is ridiculous"));
        assert!(!sounds_negative("thanks, that helps"));
    }
}
