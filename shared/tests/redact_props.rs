//! Robustness: never panics on any UTF-8, offsets on char boundaries, idempotent; over
//! arbitrary strings and over mutated call-centre lines.

use callwarden::redact::{
    redact_json, redact_text, Context, RedactionConfig, Redactor, StreamTail,
};
use proptest::prelude::*;

const LINES: &[&str] = &[
    "uh if we get disconnected my number is four oh eight eight two one eight nine one seven",
    "Yeah, here's the card, 4017, 0030, 4658, 7546, security code five four eight, expires eleven twenty five, billing zip 40131.",
    "um my mom danielle bernard born zero one one zero one nine eight six her member id is zero four eight seven nine seven nine zero l d",
    "it's p e t e r s o n dot a l e x a n d r a at protonmail dot com",
    "to verify i have charles e gonzalez at one eight six eight four kramer place date of birth eleven twenty six thirty three",
    "The tracking on order 6782363335 is 5511 7248 0909 9494.",
    "William K. Love, Morgan, M-O-R-G-A-N.",
    "I see a payment of $69.00 from checking account 5686-6751-19 on 4/25.",
    "okay routing number oh nine eight five one two two eight three account number eight six eight two",
    "Card [CREDIT_CARD ••••9010] and [SSN] and [PERSON] speaking",
];

fn check(text: &str) {
    let r = redact_text(text, &Context::default());
    let mut last = 0;
    for e in &r.entities {
        assert!(e.start < e.end && e.end <= text.len());
        assert!(text.is_char_boundary(e.start) && text.is_char_boundary(e.end));
        assert!(e.start >= last, "entities sorted and disjoint");
        last = e.end;
    }
    let again = redact_text(&r.text, &Context::default());
    assert_eq!(again.text, r.text, "not idempotent on {text:?}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, .. ProptestConfig::default() })]

    #[test]
    fn arbitrary_strings(s in "\\PC{0,200}") {
        check(&s);
    }

    #[test]
    fn number_soup(words in proptest::collection::vec(prop_oneof![
        Just("one"), Just("oh"), Just("double"), Just("forty"), Just("five"), Just("hundred"), Just("thousand"),
        Just("card"), Just("ssn"), Just("at"), Just("dot"), Just("com"), Just("-"), Just(","), Just("4111"),
        Just("[SSN]"), Just("my"), Just("name"), Just("is"), Just("b"), Just("street"), Just("born"), Just("$"),
        Just("/"), Just("uh"), Just("é"), Just("(415)"), Just("555-0142"), Just("ending"), Just("in"),
    ], 0..40)) {
        check(&words.join(" "));
    }

    #[test]
    fn mutated_lines(idx in 0..LINES.len(), cut in 0usize..200, insert in "\\PC{0,8}") {
        let line = LINES[idx];
        let mut at = cut.min(line.len());
        while !line.is_char_boundary(at) {
            at -= 1;
        }
        let mutated = format!("{}{}{}", &line[..at], insert, &line[at..]);
        check(&mutated);
        check(&line[..at]);
        // streaming over the two halves never panics either
        let r = Redactor::new(RedactionConfig::default());
        let mut tail = StreamTail::default();
        let _ = r.redact_segment(&mut tail, &line[..at], &Context::default());
        let _ = r.redact_segment(&mut tail, &line[at..], &Context { previous_turn: Some(&line[..at]), role: None });
    }

    #[test]
    fn json_never_panics(s in "\\PC{0,100}") {
        let mut v = serde_json::json!({"message": {"type": "transcript", "transcript": s, "arguments": s, "customer": {"number": s}}});
        let _ = redact_json(&mut v);
    }
}
