//! Behaviour of the text redactor on spoken forms, hard negatives, context, streaming and
//! configuration.

use std::collections::BTreeSet;

use callwarden::redact::{
    redact_text, Context, EntityType, RedactionConfig, Redactor, Role, StreamTail,
};

fn red(text: &str) -> String {
    redact_text(text, &Context::default()).text
}

fn red_ctx(text: &str, prev: &str) -> String {
    redact_text(
        text,
        &Context {
            previous_turn: Some(prev),
            role: None,
        },
    )
    .text
}

fn kinds(text: &str) -> Vec<EntityType> {
    redact_text(text, &Context::default())
        .entities
        .iter()
        .map(|e| e.kind)
        .collect()
}

#[test]
fn spoken_numbers_are_caught() {
    assert_eq!(
        red("my number is four oh eight eight two one eight nine one seven"),
        "my number is [PHONE]"
    );
    assert_eq!(
        red("my ssn is five double seven five nine double seven three two"),
        "my ssn is [SSN]"
    );
    assert_eq!(
        red("card number forty five twenty five, eighty one eighty seven, sixty four sixty four, twenty nine seventy four"),
        "card number [CREDIT_CARD]"
    );
    assert_eq!(
        red("the routing number is oh two one uh zero zero zero zero two one"),
        "the routing number is [ROUTING_NUMBER]"
    );
    assert_eq!(red("my cell is (415) 555-0142."), "my cell is [PHONE].");
    assert_eq!(red("Social is 123-45-6789."), "Social is [SSN].");
}

#[test]
fn validators_decide_without_keywords() {
    // Luhn-valid Visa with no keyword at all
    assert_eq!(
        red("yes it's 4111 1111 1111 1111 thanks"),
        "yes it's [CREDIT_CARD] thanks"
    );
    // formatted NANP number with no keyword
    assert_eq!(red("try 415-555-0142 after five"), "try [PHONE] after five");
    // a 16-digit number that fails Luhn stays
    assert_eq!(
        red("reference 4111 1111 1111 1112"),
        "reference 4111 1111 1111 1112"
    );
}

#[test]
fn hard_negatives_survive() {
    for s in [
        "My order number is 6900729991 and it cost $325.",
        "The tracking on order 6782363335 is 5511 7248 0909 9494.",
        "ticket 114-30-1957 was opened last week",
        "the refund of three hundred forty seven dollars and ninety nine cents will post in 14 days",
        "my appointment is at 3:15 pm on 05/25/2024",
        "you'll get 20% off for the next 10 days",
        "invoice INV-31918 for sixty five ninety five was paid on monday",
        "I have the KD-44X76K, it's about 4 years old, error E475 pops up every ninety minutes",
        "your confirmation code is z m l three t g",
        "i ordered twenty of them back in 2017",
    ] {
        assert_eq!(red(s), s, "{s}");
    }
}

#[test]
fn dates_need_birth_context() {
    assert_eq!(
        red("it was delivered on March 14, 1984"),
        "it was delivered on March 14, 1984"
    );
    assert_eq!(
        red("my date of birth is March 14, 1984"),
        "my date of birth is [DATE_OF_BIRTH]"
    );
    assert_eq!(
        red("i was born the fourteenth of june nineteen seventy nine"),
        "i was born [DATE_OF_BIRTH]"
    );
    assert_eq!(
        red("expiration oh two slash twenty six"),
        "expiration [CARD_EXPIRY]"
    );
    assert_eq!(red("and the cvv was six six one"), "and the cvv was [CVV]");
}

#[test]
fn emails_written_spoken_spelled() {
    assert_eq!(
        red("My email is krystal.smith6@outlook.com."),
        "My email is [EMAIL]."
    );
    assert_eq!(red("it's john dot smith at gmail dot com"), "it's [EMAIL]");
    assert_eq!(
        red("m a r k underscore f o s t e r at verizon dot net"),
        "[EMAIL]"
    );
    assert_eq!(
        red("so email is tphillips at hotmail.com, thanks"),
        "so email is [EMAIL], thanks"
    );
    // "at" alone is not an e-mail
    assert_eq!(red("see you at the store dot"), "see you at the store dot");
}

#[test]
fn names_and_addresses() {
    assert_eq!(
        red("Hi, my name is Tyler Martin."),
        "Hi, my name is [PERSON]."
    );
    assert_eq!(
        red("um my last name is burke b u r k e"),
        "um my last name is [PERSON]"
    );
    assert_eq!(
        red("Thanks for calling, Mr. Sharp."),
        "Thanks for calling, [PERSON]."
    );
    assert_eq!(red("Sarah Jones speaking"), "[PERSON] speaking");
    assert_eq!(
        red("I have your address as 50 Marshall Lane, Stevenview, NH 51054."),
        "I have your address as [ADDRESS]."
    );
    assert_eq!(
        red("please mail it to two six four two four jackson boulevard"),
        "please mail it to [ADDRESS]"
    );
    assert_eq!(
        red("zip is four eight three seven seven"),
        "zip is [ADDRESS]"
    );
    // ordinary words after "this is" are not names
    assert_eq!(
        red("this is the third time I call"),
        "this is the third time I call"
    );
}

#[test]
fn previous_turn_gives_context() {
    assert_eq!(
        red_ctx(
            "Yeah, 5378 0072 9530 5203.",
            "Go ahead with the card number whenever you're ready."
        ),
        "Yeah, [CREDIT_CARD]."
    );
    assert_eq!(
        red_ctx("it's Taylor Reyes", "Can I get the name on the account?"),
        "it's [PERSON]"
    );
    assert_eq!(
        red_ctx(
            "five three eight sorry go ahead",
            "I've charged it to the card 5167-6569-7093-1"
        ),
        "[CREDIT_CARD] sorry go ahead"
    );
    // without context, three words are just three words
    assert_eq!(
        red("five three eight sorry go ahead"),
        "five three eight sorry go ahead"
    );
}

#[test]
fn streaming_tail_joins_a_split_number() {
    let r = Redactor::new(RedactionConfig::default());
    let ctx = Context::default();
    let mut tail = StreamTail::default();
    let a = r.redact_segment(&mut tail, "my card number is four one one one", &ctx);
    assert_eq!(a.text, "my card number is [CREDIT_CARD]");
    assert!(!tail.is_empty());
    let b = r.redact_segment(&mut tail, "one one one one two two two two", &ctx);
    assert_eq!(b.text, "[CREDIT_CARD]");
    // the tail is small and holds no digits
    let json = serde_json::to_string(&tail).unwrap();
    assert!(json.len() < 64, "{json}");
    // a Luhn-valid card split with no keyword at all
    let mut tail = StreamTail::default();
    let _ = r.redact_segment(&mut tail, "ok so 4111 1111 1111", &ctx);
    let json = serde_json::to_string(&tail).unwrap();
    assert!(!json.contains("4111"), "{json}");
    let b = r.redact_segment(&mut tail, "1111 and that's it", &ctx);
    assert_eq!(b.text, "[CREDIT_CARD] and that's it");
}

#[test]
fn keep_last4_and_entity_selection() {
    let cfg = RedactionConfig {
        keep_card_last4: true,
        ..RedactionConfig::default()
    };
    let r = Redactor::new(cfg);
    let out = r.redact_text("card 4111 1111 1111 9010 please", &Context::default());
    assert_eq!(out.text, "card [CREDIT_CARD ••••9010] please");
    // idempotent with the last-four placeholder too
    assert_eq!(r.redact_text(&out.text, &Context::default()).text, out.text);

    let only_ssn = RedactionConfig {
        keep_card_last4: false,
        entities: BTreeSet::from([EntityType::Ssn]),
    };
    let r = Redactor::new(only_ssn);
    let out = r.redact_text(
        "ssn 123-45-6789, card 4111 1111 1111 1111",
        &Context::default(),
    );
    assert_eq!(out.text, "ssn [SSN], card 4111 1111 1111 1111");
}

#[test]
fn entities_carry_byte_offsets_into_the_input() {
    let text = "Zoë: my ssn is 123-45-6789";
    let r = redact_text(text, &Context::default());
    assert_eq!(r.entities.len(), 1);
    let e = r.entities[0];
    assert_eq!(&text[e.start..e.end], "123-45-6789");
    assert_eq!(kinds("call me at 415-555-0142"), vec![EntityType::Phone]);
}

#[test]
fn serde_names() {
    assert_eq!(
        serde_json::to_string(&EntityType::CreditCard).unwrap(),
        "\"CREDIT_CARD\""
    );
    assert_eq!(EntityType::DateOfBirth.as_str(), "DATE_OF_BIRTH");
    assert_eq!(
        EntityType::from_name("ACCOUNT_ID"),
        Some(EntityType::AccountId)
    );
}

#[test]
fn long_input_is_fine() {
    let mut s = String::new();
    while s.len() < 1_000_000 {
        s.push_str("my number is four one five five five five oh one four two and the order is 6900729991. ");
    }
    let r = redact_text(&s, &Context::default());
    assert!(r.entities.len() > 10_000);
    assert!(!r.text.contains("four one five five"));
}

/// Entity-dense input stays linear: hyphenated names merged part by part and hundreds of
/// thousands of labelled numbers (each checked against the recent numbers for a restatement).
#[test]
fn long_entity_dense_input_is_fine() {
    let mut s = String::new();
    while s.len() < 500_000 {
        s.push_str(
            "Thanks, Mrs. Anne-Marie Dubois-Laurent-Smith. My SSN is 123-45-6789, cvv 123. ",
        );
    }
    let r = redact_text(&s, &Context::default());
    assert!(r.entities.len() > 15_000);
    assert!(!r.text.contains("Dubois") && !r.text.contains("6789"));
}

#[test]
fn unlabelled_identifier_read_digit_by_digit_is_redacted_without_context() {
    use callwarden::redact::{redact_text, Context};
    let r = redact_text(
        "The caller said: sure it's eight oh seven five oh eight two one seven and thanked us.",
        &Context::default(),
    );
    assert!(!r.text.contains("eight oh seven"), "{}", r.text);
    assert!(r.text.contains("[SSN]"), "{}", r.text);
    // Labelled non-PII numbers still survive.
    let r = redact_text(
        "my order number is four five two one nine nine eight",
        &Context::default(),
    );
    assert!(r.text.contains("four five two"), "{}", r.text);
}

#[test]
fn segment_opening_with_a_long_number_is_redacted_even_without_the_previous_segment() {
    use callwarden::redact::{redact_text, Context};
    let r = redact_text("1820 90009. Did you get that?", &Context::default());
    assert!(!r.text.contains("90009"), "{}", r.text);
    assert!(r.text.contains("Did you get that?"), "{}", r.text);
}

#[test]
fn contracted_and_possessive_keywords_keep_their_meaning() {
    // "social's", "zip's", "cvv's", "birth's", "order's"
    assert_eq!(
        red("yeah my social's 219-07-4431"),
        "yeah my social's [SSN]"
    );
    assert_eq!(red("the zip's 60614"), "the zip's [ADDRESS]");
    assert_eq!(red("the cvv's four one two"), "the cvv's [CVV]");
    assert_eq!(
        red("my date of birth's June 2nd, 1979"),
        "my date of birth's [DATE_OF_BIRTH]"
    );
    let out = red("my order's five two two nine one eight three");
    assert!(out.contains("five two two"), "{out}");
}

#[test]
fn other_cue_words_for_card_data_and_phones() {
    assert_eq!(red("CVC2 is 518"), "CVC2 is [CVV]");
    assert_eq!(
        red("it's good until 07/29"),
        "it's good until [CARD_EXPIRY]"
    );
    assert_eq!(
        red("area code three one two then five five five oh one seven seven"),
        // (one phone said in two pieces: one entity)
        "area code [PHONE]"
    );
    assert_eq!(
        red("Born Dec. 3, '71 in Ohio."),
        "Born [DATE_OF_BIRTH] in Ohio."
    );
}

#[test]
fn amounts_and_non_personal_cards_and_calls_stay() {
    let out = red("The account balance is $2,310.75 today.");
    assert!(out.contains("$2,310.75"), "{out}");
    let out = red("The gift card number is 6011 0009 9013 9424.");
    assert!(out.contains("6011 0009"), "{out}");
    let out = red("Your reference number for this call is 3125550163.");
    assert!(out.contains("3125550163"), "{out}");
    let out = red("the rma is eight one two two four four");
    assert!(out.contains("eight one two"), "{out}");
}

#[test]
fn more_name_cues() {
    assert_eq!(
        red("The surname is Okonkwo, first name Adaeze."),
        "The surname is [PERSON], first name [PERSON]."
    );
    assert_eq!(red("surname haddad"), "surname [PERSON]");
    assert_eq!(red("Hi, it's Bronwyn Achterberg."), "Hi, it's [PERSON].");
    assert_eq!(
        red("hi it's tamsin okoro calling back"),
        "hi it's [PERSON] calling back"
    );
    assert_eq!(
        red("Yeah, Anneliese Varga here, quick question."),
        "Yeah, [PERSON] here, quick question."
    );
    assert_eq!(
        red("It's Okonkwo, spelled O-K-O-N-K-W-O."),
        "It's [PERSON], spelled [PERSON]."
    );
    assert_eq!(
        red("haddad that's h as in henry a d d a d"),
        "[PERSON] that's [PERSON]"
    );
    assert_eq!(
        red("thank you mister lindgren have a good day"),
        "thank you [PERSON] have a good day"
    );
    assert_eq!(
        red("the name on the policy should be Ilse R. Marchetti"),
        "the name on the policy should be [PERSON]"
    );
    assert_eq!(
        red("I'm trying to reach Oren Castellano."),
        "I'm trying to reach [PERSON]."
    );
    // Not names: a department, a pronoun.
    assert_eq!(
        red("I'm trying to reach billing."),
        "I'm trying to reach billing."
    );
    assert_eq!(red("it's fine here thanks"), "it's fine here thanks");
}

#[test]
fn more_email_and_address_forms() {
    assert_eq!(
        red("mail me at r-u-t-h at yahoo dot com"),
        "mail me at [EMAIL]"
    );
    assert_eq!(red("it's t brandt at fastmail dot fm"), "it's [EMAIL]");
    assert_eq!(
        red("We're at 18 Old Quarry Lane, Suite 4."),
        "We're at [ADDRESS]."
    );
}

#[test]
fn last_four_of_a_social_and_digit_counts() {
    assert_eq!(red("the ssn ends in 7310"), "the ssn ends in [SSN]");
    // A card's last four may stay.
    assert!(red("the card ends in 7310").contains("7310"));
    assert_eq!(
        red("The 4-digit code is 9021."),
        "The 4-digit code is [CVV]."
    );
    assert_eq!(
        red("the three digit code is two oh nine"),
        "the three digit code is [CVV]"
    );
    assert_eq!(red("MM/YY 0931"), "MM/YY [CARD_EXPIRY]");
    assert_eq!(
        red("It's valid through August of '29."),
        "It's valid through [CARD_EXPIRY]."
    );
    let out = red("My old card expired in 2022.");
    assert!(out.contains("2022"), "{out}");
    assert_eq!(
        red("dental plan id k seven four four one nine two"),
        "dental plan id [ACCOUNT_ID]"
    );
}

#[test]
fn weak_name_cues_need_a_known_or_capitalised_name() {
    assert_eq!(
        red("the booking is under Priscilla Oyelowo"),
        "the booking is under [PERSON]"
    );
    assert_eq!(red("it's under review"), "it's under review");
    assert_eq!(red("just ask for daniel"), "just ask for [PERSON]");
    assert_eq!(red("he goes by benjamin"), "he goes by [PERSON]");
    assert_eq!(red("is this karen"), "is this [PERSON]");
    assert_eq!(red("is this correct"), "is this correct");
    assert_eq!(red("doctor nguyen called"), "[PERSON] called");
    assert_eq!(
        red("my doctor visit is monday"),
        "my doctor visit is monday"
    );
    assert_eq!(
        red("this is ingeborg halvorsen from payroll"),
        "this is [PERSON] from payroll"
    );
    assert_eq!(
        red("Family name Szabo, given name Reka."),
        "Family name [PERSON], given name [PERSON]."
    );
    assert_eq!(
        red("Daniel, last name Ortiz."),
        "[PERSON], last name [PERSON]."
    );
}

#[test]
fn mail_host_without_tld_closing_a_clause() {
    assert_eq!(
        red("send it to kpatel at yahoo, please"),
        "send it to [EMAIL], please"
    );
    assert_eq!(red("it's d.ross@gmail.com."), "it's [EMAIL].");
    assert_eq!(red("my email's rk88 at aol dot com"), "my email's [EMAIL]");
}

#[test]
fn spoken_dots_split_hosts_and_street_ordinals() {
    assert_eq!(
        red("text me at three one two dot five five five dot zero one four four"),
        "text me at [PHONE]"
    );
    assert_eq!(red("it's marta dot ruiz at g mail dot com"), "it's [EMAIL]");
    assert_eq!(
        red("Deliver to 410 East 83rd Street, Apt 5B."),
        "Deliver to [ADDRESS]."
    );
    assert_eq!(red("I'm at 7 Harbour Row, Dublin."), "I'm at [ADDRESS].");
}

#[test]
fn more_name_frames() {
    assert_eq!(red("Ilkka's my name."), "[PERSON] my name.");
    assert_eq!(
        red("I'm the husband of Oona Virtanen."),
        "I'm the husband of [PERSON]."
    );
    assert_eq!(
        red("yes tapio lehtinen that's me"),
        "yes [PERSON] that's me"
    );
    assert_eq!(
        red("It's for Aino Salminen, my aunt."),
        "It's for [PERSON], my aunt."
    );
    assert_eq!(red("it's for the kitchen"), "it's for the kitchen");
}

#[test]
fn ages_versions_and_years_are_not_pii() {
    let out = red("Her birthday is Friday, she's turning 9.");
    assert!(out.contains('9'), "{out}");
    let out = red("The security patch 23H2 broke it.");
    assert!(out.contains("23H2"), "{out}");
    let out = red("The gift card is valid from 2025.");
    assert!(out.contains("2025"), "{out}");
    let out = red("The app shows code 503 again.");
    assert!(out.contains("503"), "{out}");
    assert_eq!(red("the code's four one nine"), "the code's [CVV]");
}

#[test]
fn only_currency_signs_make_an_amount() {
    let out = red("I paid €1204 and £35.50 for it.");
    assert!(out.contains("€1204") && out.contains("£35.50"), "{out}");
    assert_eq!(red("call me 📞4155550142"), "call me 📞[PHONE]");
}

#[test]
fn thanks_so_much_and_again_frames() {
    assert_eq!(
        red("okay thanks so much brenda have a good one"),
        "okay thanks so much [PERSON] have a good one"
    );
    assert_eq!(
        red("thank you very much for calling"),
        "thank you very much for calling"
    );
    assert_eq!(
        red("this is Thorvald again, about the refund."),
        "this is [PERSON] again, about the refund."
    );
}

#[test]
fn restarted_numbers_and_calling_frames() {
    assert_eq!(
        red("my number is three one two five five, no wait, it's 312-555-0188"),
        "my number is [PHONE], no wait, it's [PHONE]"
    );
    let out = red("it was 12, sorry, 14 items");
    assert!(out.contains("12") && out.contains("14"), "{out}");
    assert_eq!(
        red("hi this is marit hovland i'm calling about my bill"),
        "hi this is [PERSON] i'm calling about my bill"
    );
    assert_eq!(
        red("hi this is about my bill i'm calling again"),
        "hi this is about my bill i'm calling again"
    );
}

#[test]
fn negatives_next_to_cue_words() {
    for text in [
        "you can reach me after ten fifteen",
        "I was born in Utah but moved in 2011.",
        "My member number changed in 2021?",
        "the limit on the card is thirty five hundred",
    ] {
        let out = red(text);
        assert_eq!(out, text, "{text}");
    }
    // The cues still work when the number is the data.
    assert_eq!(red("reach me at 312 555 0145"), "reach me at [PHONE]");
    assert_eq!(
        red("I was born on May 2nd, 1979 in Utah."),
        "I was born on [DATE_OF_BIRTH] in Utah."
    );
}

/// Found by the load test's storage scan: context from the previous turn or sentence must
/// only ever add evidence, never hide a number its own words and shape identify.
#[test]
fn context_never_hides_a_self_evident_number() {
    // The previous turn asked for another type: the number's own label still decides.
    for prev in [
        "cvc [CVV]",
        "for security, I'll need to verify a few details first.",
        "yes it's good thru [CARD_EXPIRY] and the code on the back says [CVV]",
    ] {
        assert_eq!(
            red_ctx(
                "Alright, if we get disconnected my number is 812 662 2392.",
                prev
            ),
            "Alright, if we get disconnected my number is [PHONE].",
            "after {prev:?}"
        );
    }
    // An amount word of the previous sentence does not make this number an amount.
    assert_eq!(
        red("Yeah, I want to cancel the premium plan. Yeah, my daughter's number is six zero nine, 934 3810, she's my emergency contact."),
        "Yeah, I want to cancel the premium plan. Yeah, my daughter's number is [PHONE], she's my emergency contact."
    );
    // An identifier word of the previous sentence does not keep it either...
    assert_eq!(
        red("Thanks, I placed the order. My number is 609 934 3810."),
        "Thanks, I placed the order. My number is [PHONE]."
    );
    // ...while one in the same sentence does.
    assert_eq!(
        red("The order number is 609 934 3810."),
        "The order number is 609 934 3810."
    );
    // ... nor an amount word farther back than the number's own "number".
    assert_eq!(
        red("i want to dispute a charge so my daughter's number is six three six six nine oh eight five four five she's my emergency contact"),
        "i want to dispute a charge so my daughter's number is [PHONE] she's my emergency contact"
    );
    // An answer word after an entity starts a new answer: not a restatement of it.
    assert_eq!(
        red("yeah my address is twenty seven twenty four ridge circle Sure, it's 059 06 5788."),
        "yeah my address is [ADDRESS] Sure, it's [ACCOUNT_ID]."
    );
}

/// E-mail addresses cut short (partial transcripts) or said without the ".com".
#[test]
fn cut_and_unfinished_emails() {
    // A partial transcript cut inside the address.
    assert_eq!(
        red("so you can email me at courtney"),
        "so you can email me at [EMAIL]"
    );
    // A mail host without its ending, no punctuation after it.
    assert_eq!(
        red("you can email ricardo 2001 at gmail okay i got charged twice"),
        "you can email [EMAIL] okay i got charged twice"
    );
    // A mailbox name said before moving on to something else.
    assert_eq!(
        red("my email is thomas dot john at uh order nine fifty seven"),
        "my email is [EMAIL] uh order nine fifty seven"
    );
    // The start of an address given after the agent asked for an e-mail.
    assert_eq!(
        red_ctx("Sure, rosalind dot quintero", "Can I grab an email"),
        "Sure, [EMAIL]"
    );
    // A spelled name, a dot and one more letter, then a new sentence.
    assert_eq!(
        red("yeah v i c k i dot s Sure, it's fine."),
        "yeah [EMAIL] Sure, it's fine."
    );
    // ... but times, places and companies after "at" stay.
    for keep in [
        "you can email me at nine tonight",
        "email me at the office",
        "I work at google and my email is fine",
        "we met at yahoo headquarters, email is on file",
    ] {
        assert_eq!(red(keep), keep);
    }
}

/// A name with an apostrophe, spelled with the word "apostrophe".
#[test]
fn apostrophe_names_spelled_out() {
    assert_eq!(red("it's o'brien, o apostrophe b r i e n"), "it's [PERSON]");
    assert_eq!(
        red("the word apostrophe is a b c"),
        "the word apostrophe is a b c"
    );
}

/// An answer to "what's your name?" that spells the name after saying it.
#[test]
fn asked_name_answer_with_its_spelling() {
    for prev in ["can i get your last name", "what's your name?", ""] {
        assert_eq!(
            red_ctx("it's okafor spelled o k a f o r", prev),
            "it's [PERSON] spelled [PERSON]",
            "after {prev:?}"
        );
    }
}

#[test]
fn cards_with_their_expiry_and_code_in_one_breath() {
    // A whole card under another label, and a card run into its expiry.
    assert_eq!(
        red("The old one expired, so use 5253819341987549 this time."),
        "The old one expired, so use [CREDIT_CARD] this time."
    );
    assert_eq!(
        red("Put it on 4245607264066886, 06/30, code 117."),
        "Put it on [CREDIT_CARD], [CARD_EXPIRY], code [CVV]."
    );
    assert_eq!(
        red("it's 4245 6072 6406 6886 06/30"),
        "it's [CREDIT_CARD] [CARD_EXPIRY]"
    );
    // Groups joined by "and" / "then" / a short aside, when together they are a card.
    assert_eq!(
        red("card is four seven one six and six nine six nine and six three four four and one eight seven oh"),
        "card is [CREDIT_CARD]"
    );
    assert_eq!(
        red("it's three seven two four hang on let me find my glasses okay seven eight eight six four three three six oh oh one"),
        "it's [CREDIT_CARD]"
    );
    // The back of the card.
    assert_eq!(
        red("and the three on the back are four seventy five"),
        "and the three on the back are [CVV]"
    );
    // Spaces alone never split a long tracking number; "call me back" is no card back.
    assert_eq!(
        red("tracking is 9400 1000 0000 0000 0000 00 thanks"),
        "tracking is 9400 1000 0000 0000 0000 00 thanks"
    );
    assert_eq!(
        red("call me back at four one five two six three nine eight one seven"),
        "call me back at [PHONE]"
    );
    // A date after a question about the card is not its expiry without the card named.
    assert_eq!(
        red_ctx(
            "I need the refill by 5/21.",
            "Which card would you like to use?"
        ),
        "I need the refill by 5/21."
    );
}

#[test]
fn pauses_and_corrections_inside_numbers() {
    assert_eq!(
        red("routing is oh two one... oh oh oh... zero two one"),
        "routing is [ROUTING_NUMBER]"
    );
    assert_eq!(
        red("my cell is four one five hold on two six three nine eight one seven"),
        "my cell is [PHONE]"
    );
    // A first try abandoned for a restart, and a correction said after the entity.
    assert_eq!(
        red("my number is four one five, no wait, four one six two six three nine eight one seven"),
        "my number is [PHONE], no wait, [PHONE]"
    );
    assert_eq!(
        red_ctx(
            "It's 3/14/1988. Wait, no, 3/15/1988.",
            "And your date of birth?"
        ),
        "It's [DATE_OF_BIRTH]. Wait, no, [DATE_OF_BIRTH]."
    );
}

#[test]
fn names_after_people_nouns_and_verbs() {
    assert_eq!(
        red("the other passenger was dmitri volkov and his seat was next to mine"),
        "the other passenger was [PERSON] and his seat was next to mine"
    );
    assert_eq!(
        red("my husband is tendai moyo and he handles the bills"),
        "my husband is [PERSON] and he handles the bills"
    );
    assert_eq!(red("i go by bex"), "i go by [PERSON]");
    assert_eq!(
        red("the booking is for ines carvalho member id four four one two"),
        "the booking is for [PERSON] member id [ACCOUNT_ID]"
    );
    assert_eq!(
        red("okay so that's oksana petrenko and the callback is four one five two six three nine eight one seven"),
        "okay so that's [PERSON] and the callback is [PHONE]"
    );
    assert_eq!(
        red("please ask for missus adeyemi"),
        "please ask for [PERSON]"
    );
    // Ordinary words after the same verbs stay.
    assert_eq!(
        red("my son is sick and tired of waiting"),
        "my son is sick and tired of waiting"
    );
    assert_eq!(
        red("the driver was really rude and late"),
        "the driver was really rude and late"
    );
    assert_eq!(
        red("this is for the kitchen and the bath"),
        "this is for the kitchen and the bath"
    );
    assert_eq!(red("that's the main one"), "that's the main one");
}

#[test]
fn city_and_state_answer_the_city_question() {
    assert_eq!(
        red_ctx(
            "it's boise idaho near the river",
            "What city and state is that in?"
        ),
        "it's [ADDRESS] near the river"
    );
    // Without the question, a place said in passing stays.
    assert_eq!(
        red("we drove through boise idaho last week"),
        "we drove through boise idaho last week"
    );
}

#[test]
fn name_particles_initials_and_pauses() {
    assert_eq!(
        red("i'm calling for my dad rafael de la vega he's on the plan too"),
        "i'm calling for my dad [PERSON] he's on the plan too"
    );
    assert_eq!(
        red("The name on the policy is K. L. Brandt, and that's all."),
        "The name on the policy is [PERSON], and that's all."
    );
    assert_eq!(
        red("my emergency contact is my sister m j okafor and that's it"),
        "my emergency contact is my sister [PERSON] and that's it"
    );
    assert_eq!(
        red("Please confirm for Mr. St. Pierre."),
        "Please confirm for [PERSON]."
    );
    assert_eq!(
        red("my cell is four one five you know two six three nine eight one seven"),
        "my cell is [PHONE]"
    );
    assert_eq!(
        red("the card's 4111 1111 1111 1111 and the three digits are two one nine"),
        "the card's [CREDIT_CARD] and the three digits are [CVV]"
    );
    // "van" and "la" stay ordinary words outside a name.
    assert_eq!(
        red("the van broke down on la brea"),
        "the van broke down on la brea"
    );
}

#[test]
fn opening_introductions_and_names_addressed() {
    assert_eq!(red("Hi, this is Devonte."), "Hi, this is [PERSON].");
    assert_eq!(
        red("hey this is quinn my internet's been down since six"),
        "hey this is [PERSON] my internet's been down since six"
    );
    assert_eq!(
        red("So please pick up when he calls, Renata."),
        "So please pick up when he calls, [PERSON]."
    );
    assert_eq!(
        red("Just to confirm, that's Tran, Minh, born in the spring?"),
        "Just to confirm, that's [PERSON], born in the spring?"
    );
    assert_eq!(
        red("our vet is doctor lindqvist at the clinic on main"),
        "our vet is [PERSON] at the clinic on main"
    );
    // Ordinary words after "this is", places after a comma, "doctor" as a noun stay.
    assert_eq!(
        red("yeah this is ridiculous and i want a refund"),
        "yeah this is ridiculous and i want a refund"
    );
    assert_eq!(
        red("Hi, this is about my bill."),
        "Hi, this is about my bill."
    );
    assert_eq!(
        red("We ship to Austin, Texas, on Mondays."),
        "We ship to Austin, Texas, on Mondays."
    );
    assert_eq!(
        red("the doctor visit is at noon"),
        "the doctor visit is at noon"
    );
}

#[test]
fn identifiers_behind_letters_and_numbers_across_an_aside() {
    assert_eq!(
        red("my frequent flyer number is k j seven three eight eight two one oh if that helps"),
        "my frequent flyer number is [ACCOUNT_ID] if that helps"
    );
    assert_eq!(
        red("his patient number is v as in victor seven seven oh two nine one"),
        "his patient number is [ACCOUNT_ID]"
    );
    assert_eq!(
        red("My donor number is BD-339-104-7, and I gave in January."),
        "My donor number is [ACCOUNT_ID], and I gave in January."
    );
    assert_eq!(
        red_ctx(
            "it's six one four two nine seven uh hold on let me grab my glasses oh four four one",
            "what's the best phone number on the profile"
        ),
        "it's [PHONE]"
    );
    // Labels of numbers that are not personal keep them, spelled or written.
    assert_eq!(
        red("the ticket is TKT-44109, please check."),
        "the ticket is TKT-44109, please check."
    );
    assert_eq!(
        red("sure it's t k t five five oh nine one eight"),
        "sure it's t k t five five oh nine one eight"
    );
    assert_eq!(
        red("my flight is u a four five six seven"),
        "my flight is u a four five six seven"
    );
    // Two numbers with a label between them stay two.
    assert_eq!(
        red("my cell is four one five hold on my work number is six five zero two two two three three three three"),
        "my cell is [PHONE] hold on my work number is [PHONE]"
    );
}

#[test]
fn possessive_names_titles_and_middle_initials() {
    assert_eq!(
        red("Jonah's date of birth is 9-23-2001."),
        "[PERSON] date of birth is [DATE_OF_BIRTH]."
    );
    assert_eq!(
        red("i'm calling for my mother mrs lucinda ferreira she got a statement"),
        "i'm calling for my mother [PERSON] she got a statement"
    );
    assert_eq!(
        red("I'm the cardholder, Marisol E. Quintana, and I have the card."),
        "I'm the cardholder, [PERSON], and I have the card."
    );
    // People nouns and kin in the possessive are not names; a statement's own label stays.
    assert_eq!(
        red("My husband's phone is off today."),
        "My husband's phone is off today."
    );
    assert_eq!(
        red("The statement number at the top is ST-0048812."),
        "The statement number at the top is ST-0048812."
    );
}

#[test]
fn titles_go_with_the_name() {
    assert_eq!(
        red("Thanks for calling, Mr. Demir."),
        "Thanks for calling, [PERSON]."
    );
    assert_eq!(
        red("ok miss batista cole i have the client as aurelio batista"),
        "ok [PERSON] i have the client as [PERSON]"
    );
    // "miss" and "doctor" stay ordinary words where no name follows.
    assert_eq!(
        red("ok miss the deadline and you pay a fee"),
        "ok miss the deadline and you pay a fee"
    );
    assert_eq!(
        red("I have a doctor visit at 3."),
        "I have a doctor visit at 3."
    );
}

#[test]
fn names_after_kin_with_modifiers_and_second_names() {
    assert_eq!(
        red("my father in law mehmet yilmaz he doesn't speak much english"),
        "my father in law [PERSON] he doesn't speak much english"
    );
    assert_eq!(
        red("the account's under my business partner xu mingzhe but i'm listed"),
        "the account's under my business partner [PERSON] but i'm listed"
    );
    assert_eq!(
        red("i'm booking for my parents anil and rekha chatterjee they're both over sixty five"),
        "i'm booking for my parents [PERSON] and [PERSON] they're both over sixty five"
    );
    assert_eq!(
        red("i want to put my kids on it instead jonah and clara beckwith"),
        "i want to put my kids on it instead [PERSON] and [PERSON]"
    );
    // A noun before "and" is not a name; "and" after a name does not take the next word.
    assert_eq!(
        red("call my office and john smith will help"),
        "call my office and [PERSON] will help"
    );
    assert_eq!(
        red("my name is maria and kids are home"),
        "my name is [PERSON] and kids are home"
    );
    assert_eq!(
        red("my late husband was a veteran"),
        "my late husband was a veteran"
    );
}

#[test]
fn names_read_back_registered_or_written_out() {
    assert_eq!(
        red("i have you as gideon farkas at four forty one marsh street"),
        "i have you as [PERSON] at [ADDRESS]"
    );
    assert_eq!(
        red("it is registered to kalani kahananui at four four eight kaumualii street"),
        "it is registered to [PERSON] at [ADDRESS]"
    );
    assert_eq!(
        red("so that is marisol quintanilla and i need a road test"),
        "so that is [PERSON] and i need a road test"
    );
    assert_eq!(
        red("yeah that's me jaylen foster and i paid for the seats"),
        "yeah that's me [PERSON] and i paid for the seats"
    );
    assert_eq!(
        red("i am the bride isabela cardoso and we moved"),
        "i am the bride [PERSON] and we moved"
    );
    assert_eq!(
        red("and thandiwe mahlangu is the other name on the lease"),
        "and [PERSON] is the other name on the lease"
    );
    assert_eq!(
        red("the title is in my wifes name ayse"),
        "the title is in my wifes name [PERSON]"
    );
    assert_eq!(
        red("Congratulations, Isabela! You're booked."),
        "Congratulations, [PERSON]! You're booked."
    );
    // Written-out "it is" / "that is" before ordinary words, and places named for saints.
    assert_eq!(
        red("it is super slow and i want a refund"),
        "it is super slow and i want a refund"
    );
    assert_eq!(red("that is fine with me"), "that is fine with me");
    assert_eq!(
        red("i'm the tenant upstairs and the heat is out"),
        "i'm the tenant upstairs and the heat is out"
    );
    assert_eq!(red("i need a name change"), "i need a name change");
    assert_eq!(
        red("we moved to san luis obispo last year"),
        "we moved to san luis obispo last year"
    );
}

#[test]
fn spelled_ids_dates_codes_and_written_phones() {
    assert_eq!(
        red_ctx(
            "it is one e g four t e five m k seven three from the red white and blue card",
            "what is his medicare number"
        ),
        "it is [ACCOUNT_ID] from the red white and blue card"
    );
    assert_eq!(
        red("my permit number is d four one two dash seven seven oh dash nine one eight"),
        "my permit number is [ACCOUNT_ID]"
    );
    assert_eq!(
        red("a l dash r a s h i d is my last name"),
        "[PERSON] is my last name"
    );
    assert_eq!(
        red_ctx(
            "She was born 11/02/2021, and we'd want the program starting September 3.",
            "When was she born?"
        ),
        "She was born [DATE_OF_BIRTH], and we'd want the program starting September 3."
    );
    // A second date that still answers the question stays a birth date.
    assert_eq!(
        red_ctx(
            "10/28/1994, and my wife's is 10/28/1996.",
            "What's your date of birth?"
        ),
        "[DATE_OF_BIRTH], and my wife's is [DATE_OF_BIRTH]."
    );
    assert_eq!(
        red("the fuel card is 347054429325722 and it got declined at the pump the code is 4188"),
        "the fuel card is [CREDIT_CARD] and it got declined at the pump the code is [CVV]"
    );
    assert_eq!(
        red("Should I send the reminder to 496 695 0021?"),
        "Should I send the reminder to [PHONE]?"
    );
    // Groups with spaces that are labelled, or are not a phone shape, stay.
    assert_eq!(
        red("The order is 123 456 7890 and it shipped"),
        "The order is 123 456 7890 and it shipped"
    );
    assert_eq!(
        red("My name is Bart Finch, citation #2024-118730, issued 8/19."),
        "My name is [PERSON], citation #2024-118730, issued 8/19."
    );
    assert_eq!(
        red("Our home address is 1187 Birchwood Lane, Naperville, IL 60540."),
        "Our home address is [ADDRESS]."
    );
}

#[test]
fn other_given_names_amounts_floors_and_restarted_addresses() {
    // Given names of many origins are known names.
    assert_eq!(
        red("okay tariq i have your date of birth as may fifth two thousand five"),
        "okay [PERSON] i have your date of birth as [DATE_OF_BIRTH]"
    );
    assert_eq!(
        red("Congratulations, Isabela! Your booking is confirmed."),
        "Congratulations, [PERSON]! Your booking is confirmed."
    );
    assert_eq!(
        red("dependents are jae-won and jolene born march thirty first twenty sixteen"),
        "dependents are [PERSON] and [PERSON] born [DATE_OF_BIRTH]"
    );
    assert_eq!(
        red("can you look up pet id double four seven one two under gutierrez at six eighteen loma vista way"),
        "can you look up pet id [ACCOUNT_ID] under [PERSON] at [ADDRESS]"
    );
    assert_eq!(
        red("it's under review at the moment"),
        "it's under review at the moment"
    );
    // A whole card next to an amount; the amount stays.
    assert_eq!(
        red("Put the $40 hold on 4375 3498 2046 3883, exp 06/27."),
        "Put the $40 hold on [CREDIT_CARD], exp [CARD_EXPIRY]."
    );
    assert_eq!(
        red("Pick-up address for the tow is 7 Chestnut Street, 2nd Floor, Providence, RI 02903; the car's out back."),
        "Pick-up address for the tow is [ADDRESS]; the car's out back."
    );
    assert_eq!(
        red("i live at twenty two ten no twenty two twelve birch hollow drive"),
        "i live at [ADDRESS] no [ADDRESS]"
    );
    assert_eq!(
        red("i need two no three tickets for friday"),
        "i need two no three tickets for friday"
    );
    // A model year in an answer to an account question stays a year.
    assert_eq!(
        red_ctx(
            "it is seven one two oh oh four eight eight three one and it is for the twenty nineteen tacoma",
            "whats the loan number on the account"
        ),
        "it is [ACCOUNT_ID] and it is for the twenty nineteen tacoma"
    );
}

#[test]
fn names_after_owned_people_nouns_and_openings_with_its() {
    assert_eq!(
        red("um one of my guys tavita faleolo his social is seven one seven triple eight four oh five"),
        "um one of my guys [PERSON] his social is [SSN]"
    );
    assert_eq!(
        red("my tenant maria lopez is late again"),
        "my tenant [PERSON] is late again"
    );
    assert_eq!(
        red("so that's margarethe schulz resident id r e s two oh eight seven one"),
        "so that's [PERSON] resident id [ACCOUNT_ID]"
    );
    assert_eq!(
        red("hi it's benedikt from the bakery and the last run didn't go through"),
        "hi it's [PERSON] from the bakery and the last run didn't go through"
    );
    assert_eq!(
        red("you might see my old last name on there which was castellanos"),
        "you might see my old last name on there which was [PERSON]"
    );
    assert_eq!(
        red("The lease is under Jin-woo Baek now."),
        "The lease is under [PERSON] now."
    );
    // Ordinary words after people nouns and openings stay.
    assert_eq!(
        red("my patient portal is down and"),
        "my patient portal is down and"
    );
    assert_eq!(
        red("the patient is doing better"),
        "the patient is doing better"
    );
    assert_eq!(
        red("the patient is stable now"),
        "the patient is stable now"
    );
    assert_eq!(
        red("hi it's me from the bakery"),
        "hi it's me from the bakery"
    );
    // Amounts and quantities stay next to account numbers.
    assert_eq!(
        red("out of my savings double oh oh one two three double eight four six oh one like four hundred bucks"),
        "out of my savings [BANK_ACCOUNT] like four hundred bucks"
    );
    assert_eq!(
        red_ctx(
            "it's oh oh four seven two dash one one eight three and the bill says i used twenty two thousand gallons",
            "can i get the account number from the top of your bill"
        ),
        "it's [ACCOUNT_ID] and the bill says i used twenty two thousand gallons"
    );
}

#[test]
fn cards_after_time_words_contractions_and_cities() {
    assert_eq!(
        red("There's a card on my report I never opened: 5281729008406434."),
        "There's a card on my report I never opened: [CREDIT_CARD]."
    );
    // A label of something not personal still keeps a card-shaped number.
    assert_eq!(
        red("The order number is 5281729008406434."),
        "The order number is 5281729008406434."
    );
    assert_eq!(
        red("hi im looking to order catering for about sixty five people"),
        "hi im looking to order catering for about sixty five people"
    );
    assert_eq!(
        red("Yeah, I'm at 2750 Industrial Pkwy, Hayward, in the back lot."),
        "Yeah, I'm at [ADDRESS], in the back lot."
    );
    assert_eq!(
        red("its p o box four four seven one um sandusky ohio four four eight seven oh"),
        "its [ADDRESS]"
    );
}

#[test]
fn names_addressed_first_prepositions_before_pairs_and_account_parts() {
    assert_eq!(
        red("Hoa, your award is $4,500 per semester."),
        "[PERSON], your award is $4,500 per semester."
    );
    assert_eq!(
        red("Maria, I see two cards on file."),
        "[PERSON], I see two cards on file."
    );
    // English words and discourse words opening a turn stay.
    assert_eq!(
        red("Unfortunately, your card was declined."),
        "Unfortunately, your card was declined."
    );
    assert_eq!(
        red("Listen, you need to call back."),
        "Listen, you need to call back."
    );
    // "for" before "eleven eighty seven" is a preposition, not a digit.
    assert_eq!(
        red("the bill is for eleven eighty seven sycamore bend lane and it's due on the first"),
        "the bill is for [ADDRESS] and it's due on the first"
    );
    assert_eq!(
        red("and the account part is nine eight nine one five nine four seven four four"),
        "and the account part is [ACCOUNT_ID]"
    );
    assert_eq!(
        red("the part number is 4471-22"),
        "the part number is 4471-22"
    );
}

#[test]
fn surnames_of_many_origins_spellings_and_bookings() {
    // A common surname after a given name, with or without a hyphenated given name.
    assert_eq!(
        red("her son, Daniel Park, at home"),
        "her son, [PERSON], at home"
    );
    assert_eq!(red("I have Ms. Eun-ji Park here"), "I have [PERSON] here");
    assert_eq!(
        red("Please send the invoice to me, Soo-jin Park, at home"),
        "Please send the invoice to me, [PERSON], at home"
    );
    assert_eq!(
        red("we met at Lincoln Park yesterday"),
        "we met at Lincoln Park yesterday"
    );
    // A word followed by its own spelling is a name; an abbreviation read out before
    // digits is an identifier's letters.
    assert_eq!(
        red("it's drew dot halvorsen at gmail dot com and halvorsen is h a l v o r s e n"),
        "it's [EMAIL] and [PERSON] is [PERSON]"
    );
    assert_eq!(
        red("the rma is r m a two oh four four one"),
        "the rma is r m a two oh four four one"
    );
    // A mailbox at a mail host, corrected before its ".com".
    assert_eq!(
        red("its tyler at gmail no sorry tyler dot b underscore hikes at gmail dot com"),
        "its [EMAIL] no sorry [EMAIL]"
    );
    // "checking in" is the verb; a checking account is still one.
    assert_eq!(
        red("were checking in around ten thirty at night"),
        "were checking in around ten thirty at night"
    );
    assert_eq!(
        red("my checking account is 4451 2290 8812"),
        "my checking account is [BANK_ACCOUNT]"
    );
    // An amount good through a date is not a card expiry; a card good through one is.
    assert_eq!(
        red("the payoff amount good through March 14 is $212,406.55."),
        "the payoff amount good through March 14 is $212,406.55."
    );
    assert_eq!(
        red("the card is good through 09/28"),
        "the card is good through [CARD_EXPIRY]"
    );
    // "OH" in capitals between a city and a ZIP is Ohio: the ZIP is the address's.
    assert_eq!(
        red("I live at 3318 Wexford Ct, Columbus, OH 43221."),
        "I live at [ADDRESS]."
    );
    // A street type written first, with particles.
    assert!(red("It's 58 Rue des Lilas, 75019 Paris.").starts_with("It's [ADDRESS],"));
    // A month's name after "my wife" with no date around it.
    assert_eq!(
        red("hes survived by his wife june and his kids"),
        "hes survived by his wife [PERSON] and his kids"
    );
    assert_eq!(
        red("my wife june 5 is our anniversary"),
        "my wife june 5 is our anniversary"
    );
    // "named X Y" in lower-case text: the surname where the name ends.
    assert_eq!(
        red("the other driver was a guy named terrence oyelowo and his number was"),
        "the other driver was a guy named [PERSON] and his number was"
    );
    assert_eq!(
        red("a guy named terrence called"),
        "a guy named [PERSON] called"
    );
    // A capitalised surname alone after "the reservation's under".
    assert_eq!(
        red("and the reservation's under Thibodeaux."),
        "and the reservation's under [PERSON]."
    );
}

#[test]
fn business_numbers_labels_on_the_card_restarts_and_repeated_names() {
    // A toll-free number is the business's, unless the caller gives it as theirs.
    assert_eq!(
        red("call us at 1-888-555-0100 if anything comes up"),
        "call us at 1-888-555-0100 if anything comes up"
    );
    assert_eq!(
        red("you can reach me at 1-888-555-0100"),
        "you can reach me at [PHONE]"
    );
    // Group, stock, quote and employer (EIN) numbers are not personal; a number's label
    // governs it when the card is only where it is printed.
    assert_eq!(
        red("My member ID is XKH 55820319, and the group number on the card is 40127."),
        "My member ID is [ACCOUNT_ID], and the group number on the card is 40127."
    );
    assert_eq!(
        red("the employer ein on my w two is eight one oh four four two nine nine one"),
        "the employer ein on my w two is eight one oh four four two nine nine one"
    );
    assert_eq!(
        red("the number on the card is 4111 1111 1111 1111"),
        "the number on the card is [CREDIT_CARD]"
    );
    assert_eq!(
        red("put it on my card 4111 1111 1111 1111"),
        "put it on my card [CREDIT_CARD]"
    );
    // A number begun and said again from the start.
    assert_eq!(
        red("my social is uh five three one it's five three one four seven two two zero six"),
        "my social is uh [SSN] it's [SSN]"
    );
    // A name's words said again; particles alone are not a name.
    assert_eq!(
        red_ctx(
            "sure it's jean baptiste moreau and baptiste is hyphenated",
            "can i get the full name exactly as it appears on the passport"
        ),
        "sure it's [PERSON] and [PERSON] is hyphenated"
    );
    assert_eq!(
        red("the van der part is lowercase it's anneke van der berg"),
        "the van der part is lowercase it's [PERSON]"
    );
    // Name words after a title in lower-case text, and a surname after a spelling.
    assert_eq!(
        red("i have the guarantor listed as mister jean baptiste morel at four twelve pine hollow lane"),
        "i have the guarantor listed as [PERSON] at [ADDRESS]"
    );
    assert_eq!(
        red("my name is uh it's tomasz t o m a s z kowalczyk"),
        "my name is uh it's [PERSON]"
    );
    // House numbers with a half; hyphenated names after a street type written first.
    assert_eq!(
        red("I'm at 712 1/2 Pecan Street, it's the back cottage."),
        "I'm at [ADDRESS], it's the back cottage."
    );
    assert_eq!(
        red("I'm moving to 9 Rue Saint-Denis, Montreal, QC H2X 3K8, so I can't come."),
        "I'm moving to [ADDRESS], so I can't come."
    );
    // A tracking label reaches over a spelled prefix of two numbers.
    assert_eq!(
        red("tracking is one z nine nine nine a a one oh one two three four five six seven eight four"),
        "tracking is one z nine nine nine a a one oh one two three four five six seven eight four"
    );
}

#[test]
fn glued_prefixes_cities_after_in_three_word_names_and_other_expiries() {
    // A capitalised prefix glued to a member ID's digits is part of the ID; after a
    // prescription label it is still a prescription number.
    assert_eq!(
        red("Her member ID is RX-4471-9023."),
        "Her member ID is RX-[ACCOUNT_ID]."
    );
    assert_eq!(
        red("Your prescription number is RX-4471-9023."),
        "Your prescription number is RX-4471-9023."
    );
    // The city after "in" (a filler and "in" said again; a place that is a keyword elsewhere).
    assert_eq!(
        red("we live at uh fourteen oh nine cottonwood drive in uh in lubbock texas seven nine four one four"),
        "we live at uh [ADDRESS]"
    );
    assert_eq!(
        red("I'm broken down at 7720 Industrial Parkway in Mobile, and the tow driver can't find me."),
        "I'm broken down at [ADDRESS], and the tow driver can't find me."
    );
    // Three lower-case name words closed by "and"; one name word still stops at "calling".
    assert_eq!(
        red("hi this is uh marcus delacroix baptiste and the points never posted"),
        "hi this is uh [PERSON] and the points never posted"
    );
    assert_eq!(
        red("this is mark calling about the bill"),
        "this is [PERSON] calling about the bill"
    );
    // A warranty's expiry is an ordinary date; a card's is not.
    assert_eq!(
        red("the warranty expires in December 2026"),
        "the warranty expires in December 2026"
    );
    assert_eq!(
        red("my card expires in December 2026"),
        "my card expires in [CARD_EXPIRY]"
    );
    // A surname alone after "under", before "my married name".
    assert_eq!(
        red("it'd be under gutierrez my married name"),
        "it'd be under [PERSON] my married name"
    );
}

#[test]
fn a_name_placeholder_does_not_hide_the_label_before_it() {
    // Names are found after numbers, so the number's label reaches past the name; redacting
    // the output again must read it the same way past the name's placeholder.
    let once = red("the ticket number for my son ethan is zero zero one two three eight four four five nine one six seven");
    assert_eq!(
        once,
        "the ticket number for my son [PERSON] is zero zero one two three eight four four five nine one six seven"
    );
    assert_eq!(red(&once), once);
}

#[test]
fn batch_ad_ae_names_ages_amounts_and_places_of_numbers() {
    // A lone "a" after a spoken separator is part of the mailbox.
    assert_eq!(
        red("my email is nkechi underscore a at yahoo dot com and that's it"),
        "my email is [EMAIL] and that's it"
    );
    assert_eq!(red("i have a at home"), "i have a at home");
    // Superlatives of kin, "calls me", a booking read back by name.
    assert_eq!(
        red("the youngest is mateo he was born in the spring"),
        "the youngest is [PERSON] he was born in the spring"
    );
    assert_eq!(
        red("the oldest is from two thousand nineteen"),
        "the oldest is from two thousand nineteen"
    );
    assert_eq!(
        red("everybody calls me bart"),
        "everybody calls me [PERSON]"
    );
    assert_eq!(
        red("Okay, I have Ezekiel down for a wire adjustment on Thursday."),
        "Okay, I have [PERSON] down for a wire adjustment on Thursday."
    );
    assert_eq!(
        red("i have it down for tuesday"),
        "i have it down for tuesday"
    );
    // A double-barrelled surname after a found name (also when the name is said again),
    // and a doctor's surname before "over at".
    assert_eq!(
        red("it's for my son ezekiel uh ezekiel brooks-mbatha"),
        "it's for my son [PERSON] uh [PERSON]"
    );
    assert_eq!(
        red("the prescribing doctor is doctor miriam achterberg over at saint luke's"),
        "the prescribing doctor is [PERSON] over at saint luke's"
    );
    // An age after the patient was asked for is no ID; nor is an amount in thousands.
    assert_eq!(
        red_ctx("he's twelve", "what's the member number"),
        "he's twelve"
    );
    assert_eq!(
        red_ctx("it's four four one two nine", "what's the member number"),
        "it's [ACCOUNT_ID]"
    );
    assert_eq!(
        red("the payoff on the auto loan comes to eight thousand four hundred and six"),
        "the payoff on the auto loan comes to eight thousand four hundred and six"
    );
    // The paper or phone a number is on does not say what the number is.
    assert_eq!(
        red("the customer number on the invoice is LC-30982."),
        "the customer number on the invoice is [ACCOUNT_ID]."
    );
    assert_eq!(
        red("the invoice number is 4471209"),
        "the invoice number is 4471209"
    );
    assert_eq!(
        red("the IMEI on the phone they activated is 356938035643809."),
        "the IMEI on the phone they activated is 356938035643809."
    );
    assert_eq!(
        red("the number on the phone is 612 555 0143"),
        "the number on the phone is [PHONE]"
    );
    // "the back door" is a place in a house; "the back says" is the back of the card.
    assert_eq!(
        red("the alarm was the back door sensor zone four"),
        "the alarm was the back door sensor zone four"
    );
    assert_eq!(
        red("my visa is 4111 1111 1111 1111 and the back says three forty seven"),
        "my visa is [CREDIT_CARD] and the back says [CVV]"
    );
}

#[test]
fn batch_af_ag_expiries_with_days_spellings_and_street_forms() {
    // A date with a day of the month is no card's expiry; a month and year still is.
    assert_eq!(
        red("your library card expires on june thirtieth twenty twenty six so"),
        "your library card expires on june thirtieth twenty twenty six so"
    );
    assert_eq!(
        red("The domain expires on August 9, and auto-renew failed."),
        "The domain expires on August 9, and auto-renew failed."
    );
    assert_eq!(
        red("my card expires june twenty six"),
        "my card expires [CARD_EXPIRY]"
    );
    // Charging sessions and radio IDs are not personal.
    assert_eq!(
        red("I see session 8830142 started at 6:42 PM."),
        "I see session 8830142 started at 6:42 PM."
    );
    // The caller's own phone, after a question about something else.
    assert_eq!(
        red_ctx(
            "and uh my number is four oh four five five two eight one nine three",
            "can i get a name for the appointment"
        ),
        "and uh my number is [PHONE]"
    );
    // Two name words spelled as one; a particle inside a spoken mailbox name.
    assert_eq!(
        red("al hashimi is a l h a s h i m i"),
        "[PERSON] is [PERSON]"
    );
    assert_eq!(
        red("my email is m dot al hashimi at outlook dot com"),
        "my email is [EMAIL]"
    );
    assert_eq!(
        red("the rma is r m a two oh four"),
        "the rma is r m a two oh four"
    );
    // A fourth name part after a strong cue; a lone digit with words after it is a count.
    assert_eq!(
        red_ctx(
            "it's mariana beatriz gonzalez ferreira two last names no hyphen",
            "what's your full name as it appears on your passport"
        ),
        "it's [PERSON] two last names no hyphen"
    );
    // Street forms: a filler after the house number, a concourse.
    assert_eq!(
        red_ctx(
            "sixty six oh two uh lorain avenue cleveland ohio four four one oh two",
            "and the address on your id"
        ),
        "[ADDRESS]"
    );
    assert_eq!(
        red("it's twelve twelve grand concourse apartment six f bronx new york"),
        "it's [ADDRESS]"
    );
    assert_eq!(
        red("the total was 20 dollars close enough"),
        "the total was 20 dollars close enough"
    );
    // Names on a tag, after "the honorable", after a person noun with a modifier.
    assert_eq!(
        red("the name tag says ilse vandermeer"),
        "the name tag says [PERSON]"
    );
    assert_eq!(
        red("and the judge is um the honorable oyelowo or something"),
        "and the judge is um the [PERSON] or something"
    );
    assert_eq!(
        red("my web guy sandeep set it up years ago"),
        "my web guy [PERSON] set it up years ago"
    );
    assert_eq!(
        red("my web site went down years ago"),
        "my web site went down years ago"
    );
}

#[test]
fn batch_ah_ai_spelled_given_names_and_numbers_that_are_not_personal() {
    // The surname after a spelled given name: past a comma, and before "date of".
    assert_eq!(
        red("Sorry, it's Garrett, G-A-R-R-E-T-T, Holmqvist. The co-borrower is here."),
        "Sorry, it's [PERSON]. The co-borrower is here."
    );
    assert_eq!(
        red("so that's a d a e z e okonkwo date of birth oh six oh five eighty three"),
        "so that's [PERSON] date of birth [DATE_OF_BIRTH]"
    );
    // Two spelled parts joined by "and then".
    assert_eq!(
        red("her grandmother fatima al sayed that's a l and then s a y e d"),
        "her grandmother [PERSON] that's [PERSON]"
    );
    // A filler after a street's direction.
    assert_eq!(
        red("it's thirty three oh nine south uh mckenzie road unit b dayton ohio"),
        "it's [ADDRESS]"
    );
    // A month/day/year date is no card's expiry; a month/year is.
    assert_eq!(
        red("the request was approved and is good through 12/31/2026."),
        "the request was approved and is good through 12/31/2026."
    );
    assert_eq!(
        red("the card is good through 12/28"),
        "the card is good through [CARD_EXPIRY]"
    );
    // Bus, report and authorization numbers are not personal; an account number "on my
    // report" still is.
    assert_eq!(
        red("The substitute is bus number 117."),
        "The substitute is bus number 117."
    );
    assert_eq!(
        red("the police report number is 2025-008814."),
        "the police report number is 2025-008814."
    );
    assert_eq!(
        red("the account number on my report is MCM-60019342, and"),
        "the account number on my report is [ACCOUNT_ID], and"
    );
    // People authorised to pick up a child.
    assert_eq!(
        red("okay so authorized pickups are etienne delacroix and"),
        "okay so authorized pickups are [PERSON] and"
    );
}

#[test]
fn batch_aj_ak_phones_in_pieces_days_rooms_and_repeated_names() {
    // A phone said in pieces, the area code found alone or not.
    assert_eq!(
        red_ctx(
            "their phone is uh six four seven and then four one nine and then uh eight eight zero two",
            "and a phone number for the recipient"
        ),
        "their phone is uh [PHONE]"
    );
    assert_eq!(
        red_ctx(
            "my mom's is four one four and then the rest is like two two seven uh oh six one three",
            "and a phone number for your parent or guardian"
        ),
        "my mom's is [PHONE]"
    );
    assert_eq!(
        red("room 212 and then call me at 555 0143"),
        "room 212 and then call me at [PHONE]"
    );
    // A day written after the month, before a year: no card's expiry.
    assert_eq!(
        red("your pass is valid through April 20, 2026."),
        "your pass is valid through April 20, 2026."
    );
    assert_eq!(
        red("my card expires April 2026"),
        "my card expires [CARD_EXPIRY]"
    );
    // "Room 212" inside an address.
    assert_eq!(
        red("She's at 860 Orchard Street, Room 212, Salem, MA."),
        "She's at [ADDRESS]."
    );
    // A given name said again with its surnames at the end of the turn.
    assert_eq!(
        red("that's me i'm his daughter ewa um ewa kowalczyk brandt"),
        "that's me i'm his daughter [PERSON] um [PERSON]"
    );
    // Trip numbers are not personal; a policy number "for the trip" is.
    assert_eq!(
        red("the trip number for that is t seven seven oh four one"),
        "the trip number for that is t seven seven oh four one"
    );
    assert_eq!(
        red("my insurance policy number for the trip is t r v four four one nine oh two"),
        "my insurance policy number for the trip is [ACCOUNT_ID]"
    );
}

#[test]
fn batch_al_am_addresses_in_pieces_spellings_said_again_and_labels_on_the_account() {
    // A street named without its number, and the number said apart.
    assert_eq!(
        red_ctx(
            "it's on birchwood lane uh the house number is twenty one fifteen",
            "what's the service address"
        ),
        "it's on [ADDRESS] uh the house number is [ADDRESS]"
    );
    assert_eq!(
        red_ctx(
            "the street is harbor view drive and the number is um nine oh four",
            "and the mailing address"
        ),
        "the street is [ADDRESS] and the number is um [ADDRESS]"
    );
    assert_eq!(
        red("i live on cedar bluff road it's number six oh one one"),
        "i live on [ADDRESS] it's number [ADDRESS]"
    );
    assert_eq!(
        red_ctx(
            "it's apartment four eleven and the building is thirty two hundred north lamar boulevard",
            "what's the pickup address"
        ),
        "it's [ADDRESS] and the building is [ADDRESS]"
    );
    // Streets named in passing stay.
    for text in [
        "the store on elm street closes at nine",
        "we live on a busy road so honk",
        "i drove down the parkway for an hour",
        "it's on elm street",
    ] {
        assert_eq!(red(text), text);
    }
    // A unit before "at", a rural route after the street.
    assert_eq!(
        red("hi i'm in unit fourteen c at two twenty one west elm court"),
        "hi i'm in [ADDRESS]"
    );
    assert_eq!(
        red("it was twenty seven oh five old mill road rural route two"),
        "it was [ADDRESS]"
    );
    // Amounts in hundreds and years are no account numbers.
    assert_eq!(
        red("okay we'll need a deposit of fifteen hundred today"),
        "okay we'll need a deposit of fifteen hundred today"
    );
    assert_eq!(
        red("the direct deposit account is four four one two oh nine eight seven"),
        "the direct deposit account is [BANK_ACCOUNT]"
    );
    assert_eq!(
        red("i need a copy of my license from twenty eleven"),
        "i need a copy of my license from twenty eleven"
    );
    assert_eq!(
        red("my license number is two oh one one four four nine"),
        "my license number is [ACCOUNT_ID]"
    );
    // Booking references.
    for text in [
        "Your record locator is HJ4KPL.",
        "Your arrangement number is FH-2291.",
    ] {
        assert_eq!(red(text), text);
    }
    // Names: under the name, spelled again, a surname said again, kids, O'Dwyer.
    assert_eq!(
        red("i'm reading back member one zero zero four seven seven under the name gupta"),
        "i'm reading back member [ACCOUNT_ID] under the name [PERSON]"
    );
    assert_eq!(
        red("it's under the name on the card"),
        "it's under the name on the card"
    );
    assert_eq!(
        red("my name is ewa nowak thats e w a and nowak n o w a k"),
        "my name is [PERSON] thats [PERSON] and [PERSON]"
    );
    assert_eq!(
        red("i spelled it a b c on the form"),
        "i spelled it a b c on the form"
    );
    assert_eq!(
        red("its under my husband giorgos papadopoulos but change it to me eleni papadopoulos"),
        "its under my husband [PERSON] but change it to me [PERSON]"
    );
    assert_eq!(
        red("my kids kai and leilani kahananui are both enrolled"),
        "my kids [PERSON] and [PERSON] are both enrolled"
    );
    assert_eq!(red("the kids are fine thanks"), "the kids are fine thanks");
    assert_eq!(
        red("my name is siobhan s i o b h a n o'dwyer and that's it"),
        "my name is [PERSON] and that's it"
    );
    // A letter said with its example word inside an e-mail address.
    assert_eq!(
        red("send it to k as in kilo o v a l e n k o dot d at gmail dot com"),
        "send it to [EMAIL]"
    );
    // "... on the account?": where the asked-for thing is, not what it is.
    let typed = |text: &str, prev: &str| {
        redact_text(
            text,
            &Context {
                previous_turn: Some(prev),
                role: None,
            },
        )
        .entities
        .iter()
        .map(|e| e.kind)
        .collect::<Vec<_>>()
    };
    assert_eq!(
        typed("March 2nd, 1967.", "And the date of birth on the account?"),
        [EntityType::DateOfBirth]
    );
    assert_eq!(
        typed(
            "it's four one two five five five one two one two",
            "can i have the phone number on the account"
        ),
        [EntityType::Phone]
    );
    assert_eq!(
        typed(
            "it's seven one two oh oh four eight eight three",
            "and the number on the account?"
        ),
        [EntityType::BankAccount]
    );
}

#[test]
fn batch_an_ao_streets_said_twice_pieces_across_asides_and_paper_numbers() {
    // The street said alone before the whole address.
    assert_eq!(
        red_ctx(
            "it's parked at my place it's on larkspur lane um forty one ten larkspur lane",
            "and where is the vehicle now"
        ),
        "it's parked at my place it's on [ADDRESS] um [ADDRESS]"
    );
    // A unit said after the address; a gate number is no house number.
    assert_eq!(
        red("Same address, 4410 Winding Creek Lane, but add Unit 12, they forgot that last time."),
        "Same address, [ADDRESS], but add [ADDRESS], they forgot that last time."
    );
    assert_eq!(
        red("we're at 4410 Winding Creek Lane and the number is 7 on the gate"),
        "we're at [ADDRESS] and the number is 7 on the gate"
    );
    // A pause before the unit; a rural route without "rural"; "in in".
    assert_eq!(
        red_ctx(
            "it's three oh nine birch hollow road uh lot fourteen",
            "and your home address"
        ),
        "it's [ADDRESS]"
    );
    assert_eq!(
        red_ctx(
            "you can mail it to route two box one sixty four hartwell georgia three oh six four three",
            "where should we mail it"
        ),
        "you can mail it to [ADDRESS]"
    );
    assert_eq!(
        red("the route two bus stops at the box office"),
        "the route two bus stops at the box office"
    );
    assert_eq!(
        red("it's two two one four maple crest drive in in sandusky"),
        "it's [ADDRESS]"
    );
    // An area code, an aside, the rest.
    assert_eq!(
        red("you can reach me at uh seven one eight ok that's the area code and then four four two uh nine oh six one"),
        "you can reach me at uh [PHONE]"
    );
    assert_eq!(
        red_ctx(
            "Her name's Lucía, and it's 512 — she just moved back here — 440-2986.",
            "And a phone number for the driver?"
        ),
        "Her name's [PERSON], and it's [PHONE]."
    );
    // "miss" after an acknowledgement is a title; elsewhere a verb.
    assert_eq!(
        red("okay so miss mokoena your application is in"),
        "okay so [PERSON] your application is in"
    );
    for text in ["i miss you already", "so miss the first exit and turn left"] {
        assert_eq!(red(text), text);
    }
    // A record read back: a name before its date of birth.
    assert_eq!(
        red("okay i have athanasios georgiou date of birth august second nineteen thirty eight is that correct"),
        "okay i have [PERSON] date of birth [DATE_OF_BIRTH] is that correct"
    );
    assert_eq!(
        red("i have two kids date of birth is on the form"),
        "i have two kids date of birth is on the form"
    );
    // A start date after the birth date that was asked for.
    assert_eq!(
        red_ctx(
            "may twenty ninth two thousand two and she starts on the ninth",
            "and the new hire's date of birth"
        ),
        "[DATE_OF_BIRTH] and she starts on the ninth"
    );
    // "on my last invoice": the paper; the label before it says what the number is.
    assert_eq!(
        red_ctx(
            "the customer number on my last invoice is c u s four one one nine eight two",
            "do you have your customer number"
        ),
        "the customer number on my last invoice is [ACCOUNT_ID]"
    );
    for text in [
        "the invoice number on my last statement is four four one nine eight",
        "it was reissued under check number four four eight one seven",
        "listing number a four four one seven two",
    ] {
        assert_eq!(red(text), text);
    }
}

#[test]
fn batch_ap_aq_seasons_estimates_deposits_spaces_and_labels_before_letters() {
    // A year after a season is a year, not the rest of the student ID asked for.
    assert_eq!(
        red_ctx(
            "Sure, it's S00731842. I was enrolled back in fall 2019, if that helps.",
            "Can I get your student ID?"
        ),
        "Sure, it's [ACCOUNT_ID]. I was enrolled back in fall 2019, if that helps."
    );
    // An estimate's number; a receipt "for today's deposit" is the receipt's.
    for text in [
        "that's estimate LS-20931 for $685.",
        "Your receipt number for today's deposit is 77310.",
        "the fine is one eighty seven fifty plus court costs of sixty two dollars",
    ] {
        assert_eq!(red(text), text);
    }
    assert_eq!(
        red("the direct deposit account for today's deposit is 4 4 1 2 0 9 8 7"),
        "the direct deposit account for today's deposit is [BANK_ACCOUNT]"
    );
    assert_eq!(
        red("i live at one eighty seven plum court"),
        "i live at [ADDRESS]"
    );
    // "space" between spelled parts of a name.
    assert_eq!(
        red("the last name is van der berg that's v a n space d e r space b e r g"),
        "the last name is [PERSON] that's [PERSON]"
    );
    // Whose a booking's number is.
    assert_eq!(
        red("okay so that's account nine one oh oh four five five two two seven oh one under rosalind achebe is that right"),
        "okay so that's account [ACCOUNT_ID] under [PERSON] is that right"
    );
    // A personal label before spelled letters governs them; a prescription's stays.
    assert_eq!(
        red("okay so for patient number r x seven seven one oh two nine four the plan approved it"),
        "okay so for patient number [ACCOUNT_ID] the plan approved it"
    );
    assert_eq!(
        red("the prescription number is r x seven seven one oh two nine four"),
        "the prescription number is r x seven seven one oh two nine four"
    );
}

#[test]
fn batch_ar_as_ages_years_and_words_their_spelling_spells() {
    // A year after "in" is no part of the social; an age after a birth date is no date.
    assert_eq!(
        red("my social is two eight seven four four six oh nine one and um i got it in twenty nineteen"),
        "my social is [SSN] and um i got it in twenty nineteen"
    );
    assert_eq!(
        red("he was born um june the seventh two thousand twelve so he's thirteen"),
        "he was born um [DATE_OF_BIRTH] so he's thirteen"
    );
    // A word next to a spelled name or mailbox that the spelling spells.
    assert_eq!(
        red("can you put it under the tadesse family t a d e s s e"),
        "can you put it under the [PERSON] family [PERSON]"
    );
    assert_eq!(
        red("it's k o b a y a s h i dot r at gmail dot com kobayashi like the hot dog guy"),
        "it's [EMAIL] [PERSON] like the hot dog guy"
    );
    // "miss" after "is" is a title; "what i miss is" stays.
    assert_eq!(
        red("she rides bus twelve and the aide on it is miss deloris"),
        "she rides bus twelve and the aide on it is [PERSON]"
    );
    assert_eq!(
        red("what i miss is the old plan"),
        "what i miss is the old plan"
    );
}

#[test]
fn batch_at_au_records_read_back_corrected_names_and_code_sides() {
    // "the front desk": no side of a card; "THE BACK CODE IS": the card's back.
    assert_eq!(
        red("the front desk said the procedure code is d two seven four oh for the crown"),
        "the front desk said the procedure code is d two seven four oh for the crown"
    );
    assert_eq!(red("THE BACK CODE IS 466"), "THE BACK CODE IS [CVV]");
    // "ID's", a chart number; microchip and job numbers are not personal.
    assert_eq!(
        red("Driver ID's 77214, name's Jerome Baptiste."),
        "Driver ID's [ACCOUNT_ID], name's [PERSON]."
    );
    assert_eq!(
        red("alright so i have baby nwosu amara born november twenty first twenty nineteen chart number p e d four four oh one nine two"),
        "alright so i have baby [PERSON] born [DATE_OF_BIRTH] chart number [ACCOUNT_ID]"
    );
    for text in [
        "his microchip is nine eight five one one two oh oh four four seven one two three",
        "okay your job number is two two seven nine four",
    ] {
        assert_eq!(red(text), text);
    }
    // The misspelling a name is corrected from.
    assert_eq!(
        red("the lease has my name spelled wrong it's seamus not shamus s e a m u s"),
        "the lease has my name spelled wrong it's [PERSON] not [PERSON] [PERSON]"
    );
}

#[test]
fn batch_av_aw_streets_with_house_numbers_phone_rests_and_brands() {
    // A street named alone, its house number said later (and the city after "in").
    assert_eq!(
        red("i moved last month its on sycamore ridge drive in waukesha and the house number is eighteen twenty two"),
        "i moved last month its on [ADDRESS] and the house number is [ADDRESS]"
    );
    assert_eq!(
        red("the street is pinecrest court in eugene oregon and its number four forty one"),
        "the street is [ADDRESS] and its number [ADDRESS]"
    );
    // ... but not a business's street, nor a street with no house number after it.
    for text in [
        "the store on elm street in boston has the number is five",
        "i drove down elm street in boston and it took four minutes",
    ] {
        assert_eq!(red(text), text);
    }
    // The rest of a phone after its area code and "and then", read alone as an identifier.
    assert_eq!(
        red("his cell is three three six um and then four seven one zero two nine eight"),
        "his cell is [PHONE]"
    );
    assert_eq!(
        red("yeah i wanna bring my number over its five oh three and then eight two one four four nine zero"),
        "yeah i wanna bring my number over its [PHONE]"
    );
    // ... not after another keyword.
    assert_eq!(
        red("my member number is three four five and then one two three four five six seven"),
        "my member number is three four five and then [ACCOUNT_ID]"
    );
    // A filler between a mailbox's name and its digits.
    assert_eq!(
        red("sure um its e washington uh seventy seven at yahoo dot com"),
        "sure um its [EMAIL]"
    );
    // Business names are no persons: a business word, or a brand's inner capital.
    for text in [
        "Welcome to Brightline Wireless.",
        "There are three: $412.87 at BestWave Electronics and $59.99 at some streaming service.",
        "I work at Lakeside Logistics, been there 4 years.",
    ] {
        assert_eq!(red(text), text);
    }
    assert_eq!(
        red("The account is for Seamus MacLeod."),
        "The account is for [PERSON]."
    );
    // "the pharmacist X she said": a person noun's name framed by the pronoun after it.
    assert_eq!(
        red("yeah the pharmacist uh zofia kowalczyk she said it'd be ready by tomorrow"),
        "yeah the pharmacist uh [PERSON] she said it'd be ready by tomorrow"
    );
    for text in [
        "the tech said he would be late",
        "the nurse practitioner she said to wait",
    ] {
        assert_eq!(red(text), text);
    }
}

#[test]
fn batch_ax_ay_corrections_alternating_ids_month_names_and_pets() {
    // A number corrected after "no wait hang on" / "no it's the it's" is the same item.
    assert_eq!(
        red("the account number is three three oh one two two no wait hang on three three oh one two seven five five eight nine sorry"),
        "the account number is [ACCOUNT_ID] no wait hang on [ACCOUNT_ID] sorry"
    );
    assert_eq!(
        red_ctx(
            "so um oh seven uh wait no it's the it's august seventh nineteen eighty three",
            "what's your date of birth"
        ),
        "so um [DATE_OF_BIRTH] uh wait no it's the it's [DATE_OF_BIRTH]"
    );
    // A personal item on a paper: the item, not the paper, says what the number is.
    assert_eq!(
        red("phone number on the order is two one four uh seven seven oh double eight one six"),
        "phone number on the order is [PHONE]"
    );
    assert_eq!(
        red("the order number on the invoice is four four five one two"),
        "the order number on the invoice is four four five one two"
    );
    // Letters alternating with short digit groups after an identifier's label.
    assert_eq!(
        red("medicare number is one e g four t e five m k seven three"),
        "medicare number is [ACCOUNT_ID]"
    );
    assert_eq!(
        red("the part is a four b six c d nine"),
        "the part is a four b six c d nine"
    );
    // A month's name as a given name before name words; "may" as a verb stays.
    assert_eq!(
        red("yeah may i ask if the guy's coming today my name's may lin chow and i took the morning off"),
        "yeah may i ask if the guy's coming today my name's [PERSON] and i took the morning off"
    );
    for text in [
        "my sister may come too",
        "my name is may i ask who is calling",
    ] {
        assert_eq!(red(text), text);
    }
    // A pet's name is no person's; a home named before "the shop" is where the address is.
    assert_eq!(
        red("Sure. The cat's name is Pepper, she's the gray one."),
        "Sure. The cat's name is Pepper, she's the gray one."
    );
    assert_eq!(
        red("Can they tow it to my house instead of the shop? It's 1908 Pecan Ridge Drive, Round Rock."),
        "Can they tow it to my house instead of the shop? It's [ADDRESS]."
    );
    assert_eq!(
        red("Our shop is at 1908 Pecan Ridge Drive."),
        "Our shop is at 1908 Pecan Ridge Drive."
    );
}

#[test]
fn the_speaker_decides_whose_our_address_is() {
    let text = "Our address is 4417 Juniper Hollow Lane, Boise, Idaho 83706.";
    let said_by = |role| {
        redact_text(
            text,
            &Context {
                previous_turn: None,
                role: Some(role),
            },
        )
        .text
    };
    assert_eq!(said_by(Role::User), "Our address is [ADDRESS].");
    assert_eq!(said_by(Role::Assistant), text);
    // Unknown speaker: as before, the business's own.
    assert_eq!(red(text), text);
}

#[test]
fn batch_az_ba_phones_in_two_pieces_mailbox_numbers_and_names_between() {
    // Six digits "and then" four, after a phone keyword or before "thats my cell".
    assert_eq!(
        red("my work number is uh two oh eight three four four and then um nine oh one six"),
        "my work number is uh [PHONE]"
    );
    assert_eq!(
        red("its two oh six um four four one and then seven seven three oh thats my cell"),
        "its [PHONE] thats my cell"
    );
    // ... not after another keyword (the member number's own pieces join it), nor with no
    // phone word at all.
    assert_eq!(
        red("my member number is two oh six four four one and then seven seven three oh"),
        "my member number is [ACCOUNT_ID]"
    );
    assert_eq!(
        red("the order is two oh six four four one and then seven seven three oh"),
        "the order is two oh six four four one and then seven seven three oh"
    );
    // "(and then) the number three" inside a mailbox; a country domain spelled.
    assert_eq!(
        red("uh it's all lowercase k w a m e dot mensah and then the number three at proton mail dot com"),
        "uh it's all lowercase [EMAIL]"
    );
    assert_eq!(
        red("email it's d dash volkov at rambler dot r u the russian one"),
        "email it's [EMAIL] the russian one"
    );
    assert_eq!(
        red("call the number three at noon"),
        "call the number three at noon"
    );
    // One word left between two found names belongs to them.
    assert_eq!(
        red("im her grandmother mrs achterberg rosalind achterberg i have guardianship papers"),
        "im her grandmother [PERSON] i have guardianship papers"
    );
    assert_eq!(
        red("no that's my brother i'm kaito sato k a i t o same birthday we're twins"),
        "no that's my brother i'm [PERSON] same birthday we're twins"
    );
    assert_eq!(red("it's maria and john"), "it's [PERSON] and [PERSON]");
}

#[test]
fn batch_bb_bc_everyday_given_names_families_units_and_second_numbers() {
    // An everyday word as a given name before a capitalised known surname; "calls him X".
    assert_eq!(
        red("My landlord is Grant Holloway, but I don't want to grant him access."),
        "My landlord is [PERSON], but I don't want to grant him access."
    );
    assert_eq!(
        red("Everyone calls him Will."),
        "Everyone calls him [PERSON]."
    );
    assert_eq!(red("I live on Grant Avenue."), "I live on [ADDRESS].");
    assert_eq!(
        red("We went to the Rose Garden."),
        "We went to the Rose Garden."
    );
    assert_eq!(red("Call her back at noon."), "Call her back at noon.");
    // Titles: "Dr." with its dot before any capitalised word; police ranks.
    assert_eq!(
        red("Last time I saw Dr. May. I'd like to see her again."),
        "Last time I saw [PERSON]. I'd like to see her again."
    );
    assert_eq!(red("Officer Ramirez took it."), "[PERSON] took it.");
    assert_eq!(
        red("the officer said it was fine"),
        "the officer said it was fine"
    );
    // Four capitalised name words; a family's name; the next name of a list.
    assert_eq!(
        red("The passport name is exactly María José Castillo Ortega, two last names."),
        "The passport name is exactly [PERSON], two last names."
    );
    assert_eq!(
        red("The reservation is for the Duarte family: Rafael, Inês, and little Bia."),
        "The reservation is for the [PERSON] family: [PERSON], and little [PERSON]."
    );
    assert_eq!(
        red("It's me, Chidi Okonkwo-Lewis, and my parents, Obinna and Grace."),
        "It's me, [PERSON], and my parents, [PERSON] and [PERSON]."
    );
    assert_eq!(
        red("it's for the smith family"),
        "it's for the [PERSON] family"
    );
    assert_eq!(
        red("Thanks, Marcus Reyes and Sons will do it."),
        "Thanks, [PERSON] and Sons will do it."
    );
    assert_eq!(
        red("the whole family is coming"),
        "the whole family is coming"
    );
    assert_eq!(
        red("the card's in the name of niall devereux"),
        "the card's in the name of [PERSON]"
    );
    assert_eq!(
        red("it's in the name of the company"),
        "it's in the name of the company"
    );
    assert_eq!(
        red("The booking was under Castellanos."),
        "The booking was under [PERSON]."
    );
    // Places and brands said in passing are no persons.
    assert_eq!(
        red("My bag didn't come off flight 1182 from Atlanta."),
        "My bag didn't come off flight 1182 from Atlanta."
    );
    assert_eq!(
        red("My member ID with Aetna is W274911836."),
        "My member ID with Aetna is [ACCOUNT_ID]."
    );
    // A unit before the house number across a comma; a mobile home park's space.
    assert_eq!(
        red(
            "Suite 210, 1450 Peachtree Industrial Boulevard, Macon, Georgia 31204. That's billing."
        ),
        "[ADDRESS]. That's billing."
    );
    assert_eq!(
        red("She's at 3300 Sandhill Road, Space 61, Reno, NV 89509. It's a senior community."),
        "She's at [ADDRESS]. It's a senior community."
    );
    assert_eq!(
        red("I parked in space 12 on Main Street."),
        "I parked in space 12 on Main Street."
    );
    // A second entity of the same kind after "and mine is" / "and my husband's is".
    assert_eq!(
        red("her date of birth is 6/5/1980 and mine is 4/2/1978"),
        "her date of birth is [DATE_OF_BIRTH] and mine is [DATE_OF_BIRTH]"
    );
    assert_eq!(
        red("My SkyMiles number is 9027418836, and my husband's is 9027418851."),
        "My SkyMiles number is [PHONE], and my husband's is [PHONE]."
    );
    assert_eq!(
        red("my date of birth is 6/5/1980 and my appointment is 4/2/2027"),
        "my date of birth is [DATE_OF_BIRTH] and my appointment is 4/2/2027"
    );
    // A second routing number after a correction, far from its keyword.
    assert_eq!(
        red("Routing 021314461, hmm, no, that's the New York one. I opened it in Ohio, so it's 044166324."),
        "Routing [ROUTING_NUMBER], hmm, no, that's the New York one. I opened it in Ohio, so it's [ROUTING_NUMBER]."
    );
    // A phone's first six digits, then "the last four are ...".
    assert_eq!(
        red("my number is five five five eight two one and the last four are three three nine oh"),
        "my number is [PHONE]"
    );
    assert_eq!(
        red("the order is five five five eight two one and the last four are three three nine oh"),
        "the order is five five five eight two one and the last four are three three nine oh"
    );
    // A mailbox at a host of digits; a Medicare number after a filler.
    assert_eq!(
        red("my email is chen dot wei at one six three dot com"),
        "my email is [EMAIL]"
    );
    assert_eq!(
        red("meet me at one two three main street"),
        "meet me at [ADDRESS]"
    );
    assert_eq!(
        red("her medicare number is um five n w three a seven two k r eight one"),
        "her medicare number is um [ACCOUNT_ID]"
    );
}

#[test]
fn batch_bd_be_numbers_in_pieces_staff_names_corners_and_second_house_numbers() {
    // A number read in pieces: "the first part is", "the first four are", "and then the
    // rest is"; an ordinal alone is no identifier, and "the part number" stays.
    assert_eq!(
        red_ctx(
            "okay the first part is 2221 2164 and then 7786 3642",
            "Go ahead with the card number."
        ),
        "okay the first part is [CREDIT_CARD]"
    );
    assert_eq!(
        red_ctx(
            "the first part of my account is eight eight one oh and then the rest is uh five five three two seven one",
            "What's the account number you want the deposit sent to?"
        ),
        "the first part of my account is [BANK_ACCOUNT]"
    );
    assert_eq!(
        red_ctx(
            "The first four are 5515, middle bit is 8069 9833, and it ends with 9763.",
            "Can you read the card number to me?"
        ),
        "The first four are [CREDIT_CARD], middle bit is [CREDIT_CARD], and it ends with [CREDIT_CARD]."
    );
    assert_eq!(
        red_ctx(
            "the part number is 4471 2209",
            "Go ahead with the card number."
        ),
        "the part number is 4471 2209"
    );
    assert_eq!(
        red("the card ends in 4242 and the first of the month works"),
        "the card ends in 4242 and the first of the month works"
    );
    // A phone in three pieces joined by a bare "and"; the last piece of a read-back.
    assert_eq!(
        red_ctx(
            "the first three are seven one nine you got that then six three four and oh oh nine five",
            "What's the phone number?"
        ),
        "the first three are [PHONE]"
    );
    assert_eq!(
        red_ctx(
            "no the last part is oh nine four nine",
            "I have your phone as 786-221-0944. Is that right?"
        ),
        "no the last part is [PHONE]"
    );
    // A social's last four after "social's"; a card's last four stay.
    assert_eq!(
        red("so my social's last four is um three nine one six"),
        "so my social's last four is um [SSN]"
    );
    assert_eq!(
        red("the card's last four is 4242"),
        "the card's last four is 4242"
    );
    // A social in pieces: 3-2-4 with words between, after the keyword.
    assert_eq!(
        red("my social starts with four five five the middle is one nine and the end is double oh two seven"),
        "my social starts with [SSN]"
    );
    // "the full number" where a checking account is talked about (not after the bank word).
    assert_eq!(
        red_ctx(
            "Just the minimum, $312. And use the checking account... actually, let me just give you the full number: 20019 48837.",
            "What amount would you like to pay?"
        ),
        "Just the minimum, $312. And use the checking account... actually, let me just give you the full number: [BANK_ACCOUNT]."
    );
    // Names: "calls me will" where the clause ends; staff and relations after a name; the
    // holder after a relative's account; a found name said again with "'s".
    assert_eq!(
        red("sorry everybody calls me will"),
        "sorry everybody calls me [PERSON]"
    );
    assert_eq!(red("can you call me back"), "can you call me back");
    assert_eq!(red("she calls me every day"), "she calls me every day");
    assert_eq!(
        red("frank from your branch told me the fee would be waived"),
        "[PERSON] from your branch told me the fee would be waived"
    );
    assert_eq!(
        red("penny my coworker said you guys can expedite"),
        "[PERSON] my coworker said you guys can expedite"
    );
    assert_eq!(
        red("Jack, my neighbor, has a key if I'm not home."),
        "[PERSON], my neighbor, has a key if I'm not home."
    );
    assert_eq!(
        red("it may from the start be wrong"),
        "it may from the start be wrong"
    );
    assert_eq!(
        red("this is for my grandma's account hawa sesay she's ninety one"),
        "this is for my grandma's account [PERSON] she's ninety one"
    );
    assert_eq!(
        red("it's my husband's account and he said"),
        "it's my husband's account and he said"
    );
    assert_eq!(
        red("Can I add my partner, Jamie Whitfield? Jamie's going to use it."),
        "Can I add my partner, [PERSON]? [PERSON] going to use it."
    );
    // Addresses: a corner where someone lives (not an accident's), a house number after it
    // or after an address found; "at 5" stays a time.
    assert_eq!(
        red_ctx(
            "so the house is on the corner of magnolia and fifth um number three oh six",
            "what's the address for the inspection"
        ),
        "so the house is on the corner of [ADDRESS] um number [ADDRESS]"
    );
    assert_eq!(
        red("I got rear-ended at the corner of Elm and Fifth about an hour ago."),
        "I got rear-ended at the corner of Elm and Fifth about an hour ago."
    );
    assert_eq!(
        red("she's at sixteen oh two birchwood court and i'm at sixteen oh four"),
        "she's at [ADDRESS] and i'm at [ADDRESS]"
    );
    assert_eq!(
        red("I live at 12 Oak Street and I'll be there at 5"),
        "I live at [ADDRESS] and I'll be there at 5"
    );
    // A mailbox with "all one word" inside.
    assert_eq!(
        red("yeah send it to sanjaykapoor all one word eighty eight at gmail dot com"),
        "yeah send it to [EMAIL]"
    );
    // From BG: particles and a surname after a found given name; a lower-case hyphenated
    // given name whose second syllable is a word alone ("jun").
    assert_eq!(
        red("I'm cancelling the plan for Dirk van der Berg, effective April 30."),
        "I'm cancelling the plan for [PERSON], effective April 30."
    );
    assert_eq!(red("my name is min-jun choi"), "my name is [PERSON]");
    // "ID number" is an identifier's, no phone; the answer's name before "that's me"; an
    // interjection is no name; a phone's extension goes with it.
    assert_eq!(
        red("My ID number is F2291-44830-57120, that's the Illinois format."),
        "My ID number is [ACCOUNT_ID], that's the Illinois format."
    );
    assert_eq!(
        red("yeah august rivers that's me"),
        "yeah [PERSON] that's me"
    );
    assert_eq!(red("the blue one that's me"), "the blue one that's me");
    assert_eq!(
        red("Ugh, it's Hope... no, sorry, that's my sister."),
        "Ugh, it's Hope... no, sorry, that's my sister."
    );
    assert_eq!(
        red("Best number is my office, 757-412-3098 ext. 5521. I'm in between 9 and 5."),
        "Best number is my office, [PHONE]. I'm in between 9 and 5."
    );
    assert_eq!(
        red("you can call me back at my work number five oh three two two eight four one nine oh extension two one four"),
        "you can call me back at my work number [PHONE]"
    );
}

#[test]
fn a_corner_is_the_callers_place_unless_something_happened_there() {
    let said_by_caller = |text: &str| {
        redact_text(
            text,
            &Context {
                previous_turn: None,
                role: Some(Role::User),
            },
        )
        .text
    };
    assert_eq!(
        said_by_caller("The corner of Halsted and Fullerton, the brownstone, 2nd floor."),
        "The corner of [ADDRESS], the brownstone, 2nd floor."
    );
    assert_eq!(
        said_by_caller("it happened near the corner of fifth and alder"),
        "it happened near the corner of fifth and alder"
    );
    assert_eq!(
        red("Our shop is on the corner of Fifth and Main."),
        "Our shop is on the corner of Fifth and Main."
    );
}

#[test]
fn a_card_read_in_pieces_keeps_the_whole_numbers_last_four() {
    let redactor = Redactor::new(RedactionConfig {
        keep_card_last4: true,
        ..RedactionConfig::default()
    });
    let out = redactor.redact_text(
        "okay the first part is 4111 1111 2222 and then 1008",
        &Context {
            previous_turn: Some("Go ahead with the card number."),
            role: None,
        },
    );
    assert_eq!(out.text, "okay the first part is [CREDIT_CARD ••••1008]");
}
