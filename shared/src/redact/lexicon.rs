//! The word table: every word the grammar cares about, with its roles (number word, context
//! keyword, month, ordinal, name, address part, filler...). One lookup per token.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

use crate::redact::names::{FIRST_NAMES, INTL_FIRST_NAMES, INTL_LAST_NAMES, LAST_NAMES};

/// A spoken number word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum NumWord {
    /// Not a number word.
    #[default]
    None,
    /// zero..nine.
    Unit(u8),
    /// "oh"/"o" for zero (only inside a number).
    Oh,
    /// ten..nineteen.
    Teen(u8),
    /// twenty..ninety (the tens digit).
    Tens(u8),
    /// "hundred".
    Hundred,
    /// "thousand".
    Thousand,
    /// "double"/"triple": repeat the next digit.
    Repeat(u8),
}

/// What a keyword says about the number that follows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Concept {
    /// No context meaning.
    #[default]
    None,
    /// Payment card.
    Card,
    /// Card security code.
    Cvv,
    /// Card expiry.
    Expiry,
    /// Social security number.
    Ssn,
    /// Telephone.
    Phone,
    /// "number": a phone number unless something stronger is near.
    Number,
    /// Birth.
    Birth,
    /// ZIP / postal code.
    Zip,
    /// Bank routing number.
    Routing,
    /// Bank account words (checking, savings, wire, deposit...).
    Bank,
    /// "account": a bank account near bank words, an account id otherwise.
    Account,
    /// Member, customer, policy, patient, medical record... identifiers.
    AccountId,
    /// Identifiers that are not personal data (order, ticket, tracking, invoice...).
    Negative,
    /// Money words (charged, paid, total...): a short number after them is an amount.
    Money,
    /// "security": card security code, unless it follows "social".
    Security,
    /// "code": weak; follows the stronger word before it.
    Code,
    /// "ending" (card ending in 1234): the last four are allowed to stay.
    Ending,
    /// "id"/"identifier": weak account id.
    Id,
}

/// Role flags of a word.
pub(crate) mod flag {
    /// Hesitation or discourse filler that may sit inside a spoken number.
    pub const FILLER: u32 = 1;
    /// Function or very common word: never part of a name.
    pub const STOP: u32 = 1 << 1;
    /// Known given name.
    pub const FIRST: u32 = 1 << 2;
    /// Known surname.
    pub const LAST: u32 = 1 << 3;
    /// Street type (street, avenue, road...).
    pub const STREET: u32 = 1 << 4;
    /// Unit designator (apartment, suite, unit...).
    pub const UNIT: u32 = 1 << 5;
    /// US state name (one-word) or first word of a two-word state.
    pub const STATE: u32 = 1 << 6;
    /// Top-level domain.
    pub const TLD: u32 = 1 << 7;
    /// Spoken e-mail connector: dot, underscore, dash, hyphen, period.
    pub const CONNECT: u32 = 1 << 8;
    /// Money unit after a number (dollars, cents, bucks).
    pub const MONEY: u32 = 1 << 9;
    /// Unit that makes the number before it a time, duration, quantity or percent.
    pub const MEASURE: u32 = 1 << 10;
    /// Family or relation word ("my mom", "her daughter").
    pub const KIN: u32 = 1 << 11;
    /// Word after which a name is expected (thanks, mr, speaking...).
    pub const THANKS: u32 = 1 << 12;
    /// Honorific (mr, mrs, ms, dr, miss).
    pub const HONORIFIC: u32 = 1 << 13;
    /// Word that is a name but also an ordinary word (will, mark, may...): needs a strong cue.
    pub const AMBIGUOUS: u32 = 1 << 14;
    /// Second word of a two-word state name (carolina, dakota, york, jersey...).
    pub const STATE2: u32 = 1 << 15;
    /// Separator word inside a number (dash, hyphen, slash).
    pub const NUMSEP: u32 = 1 << 16;
    /// Compass direction (north, south, east, west).
    pub const DIRECTION: u32 = 1 << 17;
    /// Word that can start a name cue (person detector looks closer only at these).
    pub const CUE: u32 = 1 << 19;
    /// Preposition or conjunction between a number and what came before it.
    pub const PREP: u32 = 1 << 20;
    /// "the" (joins "the fourth of july").
    pub const THE: u32 = 1 << 21;
    /// "of" ("the fourth of july").
    pub const OF: u32 = 1 << 22;
    /// "and" ("three hundred and five").
    pub const AND: u32 = 1 << 23;
    /// "at" (spoken e-mail) .
    pub const AT: u32 = 1 << 24;
    /// Address cue ("address", "live at", "located at").
    pub const ADDR_CUE: u32 = 1 << 25;
    /// A word a speech-to-text engine writes for a digit ("for", "to", "ate", "won").
    pub const HOMOPHONE: u32 = 1 << 26;
    /// Well-known mail host ("at gmail" with the ".com" cut off).
    pub const MAILHOST: u32 = 1 << 18;
    /// A noun for a person whose name may follow ("the other driver was ...").
    pub const PERSON_NOUN: u32 = 1 << 27;
    /// A frequent verb or preposition that cues a name only in some phrases ("is", "was",
    /// "are", "as", "says", "reads", "for", "go", "goes").
    pub const NAME_VERB: u32 = 1 << 28;
    /// "hang" / "hold" / "know" ("hang on", "you know" inside a number).
    pub const HOLD: u32 = 1 << 29;
    /// Set on every word with a role inside a number (number word, month, ordinal, filler,
    /// separator word): the number grammar reads other words as breaks with one test.
    pub const IN_NUMBER: u32 = 1 << 30;
    /// Set on every word the look-back before a number reads beyond counting it (every
    /// keyword, "but", "back", "digits", "through", possessive pronouns, answer words...):
    /// it passes every other word with one test. Not a role: [`super::Lex::no_role_flags`]
    /// ignores it.
    pub const LOOK_BACK: u32 = 1 << 31;
}

/// Everything the grammar knows about one word.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Lex {
    /// Number word role.
    pub num: NumWord,
    /// Context keyword role.
    pub concept: Concept,
    /// Month number 1..=12, or 0.
    pub month: u8,
    /// Ordinal value ("third" = 3, "twentieth" = 20), or 0.
    pub ordinal: u8,
    /// [`flag`] bits.
    pub flags: u32,
}

impl Lex {
    /// True when any of `f` is set.
    pub fn has(&self, f: u32) -> bool {
        self.flags & f != 0
    }

    /// True when the word has no role flag ([`flag::LOOK_BACK`], a mark for a speed path,
    /// aside).
    pub fn no_role_flags(&self) -> bool {
        self.flags & !flag::LOOK_BACK == 0
    }
}

/// Word-at-a-time multiplicative hash: short ASCII keys, no DoS concern (the table is fixed).
#[derive(Default)]
pub(crate) struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = (v ^ (v >> 29)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    fn write(&mut self, bytes: &[u8]) {
        // 8 bytes at a time, multiply-rotate mixing (words are short).
        let mut h = self.0 ^ 0xcbf2_9ce4_8422_2325;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            h = (h ^ u64::from_le_bytes(w))
                .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                .rotate_left(29);
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            h = (h ^ u64::from_le_bytes(w))
                .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                .rotate_left(29);
        }
        self.0 = h ^ (bytes.len() as u64);
    }
}

type Table = HashMap<Box<[u8]>, Lex, BuildHasherDefault<Fnv>>;

const UNITS: [&str; 10] = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
];
const TEENS: [&str; 10] = [
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const TENS: [&str; 8] = [
    "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];
const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];
const MONTH_ABBR: [(&str, u8); 12] = [
    ("jan", 1),
    ("feb", 2),
    ("mar", 3),
    ("apr", 4),
    ("jun", 6),
    ("jul", 7),
    ("aug", 8),
    ("sep", 9),
    ("sept", 9),
    ("oct", 10),
    ("nov", 11),
    ("dec", 12),
];
const ORDINALS: [(&str, u8); 21] = [
    ("first", 1),
    ("second", 2),
    ("third", 3),
    ("fourth", 4),
    ("fifth", 5),
    ("sixth", 6),
    ("seventh", 7),
    ("eighth", 8),
    ("ninth", 9),
    ("tenth", 10),
    ("eleventh", 11),
    ("twelfth", 12),
    ("thirteenth", 13),
    ("fourteenth", 14),
    ("fifteenth", 15),
    ("sixteenth", 16),
    ("seventeenth", 17),
    ("eighteenth", 18),
    ("nineteenth", 19),
    ("twentieth", 20),
    ("thirtieth", 30),
];

#[rustfmt::skip]
const CONCEPTS: &[(&str, Concept)] = &[
    ("card", Concept::Card), ("cards", Concept::Card), ("visa", Concept::Card),
    ("mastercard", Concept::Card), ("amex", Concept::Card), ("discover", Concept::Card),
    ("credit", Concept::Card), ("debit", Concept::Card), ("pan", Concept::Card),
    ("cvv", Concept::Cvv), ("cvc", Concept::Cvv), ("cvv2", Concept::Cvv), ("csc", Concept::Cvv),
    ("cid", Concept::Cvv), ("cvc2", Concept::Cvv), ("cvn", Concept::Cvv), ("cav2", Concept::Cvv),
    ("socials", Concept::Ssn), ("expiration", Concept::Expiry), ("expiry", Concept::Expiry),
    ("expires", Concept::Expiry), ("expire", Concept::Expiry), ("expiring", Concept::Expiry),
    ("expired", Concept::Expiry), ("exp", Concept::Expiry), ("thru", Concept::Expiry),
    ("itin", Concept::Ssn), ("tin", Concept::Ssn), ("area", Concept::Phone),
    ("social", Concept::Ssn), ("ssn", Concept::Ssn), ("ss", Concept::Ssn), ("sin", Concept::Ssn),
    ("phone", Concept::Phone), ("cell", Concept::Phone), ("mobile", Concept::Phone),
    ("telephone", Concept::Phone), ("call", Concept::Phone), ("reach", Concept::Phone),
    ("text", Concept::Phone), ("contact", Concept::Phone), ("callback", Concept::Phone),
    ("fax", Concept::Phone), ("cellphone", Concept::Phone), ("landline", Concept::Phone),
    ("home", Concept::Phone), ("work", Concept::Phone), ("dial", Concept::Phone),
    ("tel", Concept::Phone), ("number", Concept::Number), ("numbers", Concept::Number),
    ("no", Concept::Number), ("#", Concept::Number), ("born", Concept::Birth),
    ("birth", Concept::Birth), ("dob", Concept::Birth), ("birthday", Concept::Birth),
    ("birthdate", Concept::Birth), ("d.o.b", Concept::Birth), ("zip", Concept::Zip),
    ("zipcode", Concept::Zip), ("postal", Concept::Zip), ("postcode", Concept::Zip),
    ("routing", Concept::Routing), ("aba", Concept::Routing), ("transit", Concept::Routing),
    ("rtn", Concept::Routing), ("checking", Concept::Bank), ("savings", Concept::Bank),
    ("bank", Concept::Bank), ("wire", Concept::Bank), ("deposit", Concept::Bank),
    ("iban", Concept::Bank), ("account", Concept::Account), ("acct", Concept::Account),
    ("accounts", Concept::Account), ("member", Concept::AccountId),
    ("customer", Concept::AccountId), ("client", Concept::AccountId),
    ("rewards", Concept::AccountId), ("loyalty", Concept::AccountId), ("loan", Concept::AccountId),
    ("student", Concept::AccountId), ("policy", Concept::AccountId),
    ("patient", Concept::AccountId), ("mrn", Concept::AccountId), ("record", Concept::AccountId),
    ("subscriber", Concept::AccountId), ("insurance", Concept::AccountId),
    ("medicare", Concept::AccountId), ("medicaid", Concept::AccountId),
    ("license", Concept::AccountId), ("passport", Concept::AccountId),
    ("wristband", Concept::AccountId), ("membership", Concept::AccountId),
    ("pin", Concept::AccountId), ("passcode", Concept::AccountId), ("password", Concept::AccountId),
    ("username", Concept::AccountId), ("participant", Concept::AccountId),
    ("donor", Concept::AccountId), ("employee", Concept::AccountId),
    ("flyer", Concept::AccountId), ("badge", Concept::AccountId),
    ("enrollee", Concept::AccountId), ("beneficiary", Concept::AccountId),
    ("permit", Concept::AccountId), ("juror", Concept::AccountId),
    ("id", Concept::Id), ("id's", Concept::Id), ("identifier", Concept::Id),
    ("order", Concept::Negative), ("orders", Concept::Negative), ("ticket", Concept::Negative),
    ("tracking", Concept::Negative), ("invoice", Concept::Negative),
    ("confirmation", Concept::Negative), ("reference", Concept::Negative),
    ("ref", Concept::Negative), ("model", Concept::Negative), ("error", Concept::Negative),
    ("case", Concept::Negative), ("serial", Concept::Negative), ("sku", Concept::Negative),
    ("part", Concept::Negative), ("item", Concept::Negative), ("flight", Concept::Negative),
    ("room", Concept::Negative), ("extension", Concept::Negative), ("ext", Concept::Negative),
    ("version", Concept::Negative), ("page", Concept::Negative), ("step", Concept::Negative),
    ("promo", Concept::Negative), ("coupon", Concept::Negative), ("shipment", Concept::Negative),
    ("package", Concept::Negative), ("receipt", Concept::Negative),
    ("transaction", Concept::Negative), ("claim", Concept::Negative),
    ("incident", Concept::Negative), ("request", Concept::Negative), ("booking", Concept::Negative),
    ("reservation", Concept::Negative), ("prescription", Concept::Negative),
    ("rx", Concept::Negative), ("boarding", Concept::Negative), ("cancellation", Concept::Negative),
    ("citation", Concept::Negative), ("group", Concept::Negative), ("stock", Concept::Negative),
    ("ein", Concept::Negative), ("quote", Concept::Negative), ("batch", Concept::Negative),
    ("baggage", Concept::Negative), ("store", Concept::Money), ("plan", Concept::Money),
    ("price", Concept::Money), ("cost", Concept::Money), ("costs", Concept::Money),
    ("total", Concept::Money), ("charged", Concept::Money), ("charge", Concept::Money),
    ("paid", Concept::Money), ("pay", Concept::Money), ("owe", Concept::Money),
    ("balance", Concept::Money), ("refund", Concept::Money), ("credited", Concept::Money),
    ("payment", Concept::Money), ("amount", Concept::Money), ("fee", Concept::Money),
    ("quoted", Concept::Money), ("appointment", Concept::Negative),
    ("delivered", Concept::Negative), ("delivery", Concept::Negative),
    ("ordered", Concept::Negative), ("bought", Concept::Negative), ("placed", Concept::Negative),
    ("opened", Concept::Negative), ("due", Concept::Negative), ("since", Concept::Negative),
    ("until", Concept::Negative), ("between", Concept::Negative), ("declined", Concept::Money),
    ("discount", Concept::Money), ("code", Concept::Code), ("security", Concept::Security),
    ("ending", Concept::Ending), ("ends", Concept::Ending), ("imei", Concept::Negative),
    ("meid", Concept::Negative), ("iccid", Concept::Negative), ("vin", Concept::Negative),
    ("upc", Concept::Negative), ("isbn", Concept::Negative), ("batch", Concept::Negative),
    ("lot", Concept::Negative), ("route", Concept::Negative), ("gate", Concept::Negative),
    ("seat", Concept::Negative), ("channel", Concept::Negative), ("station", Concept::Negative),
    ("yy", Concept::Expiry), ("mmyy", Concept::Expiry),
    ("rma", Concept::Negative), ("ip", Concept::Negative), ("voucher", Concept::Negative),
    ("gift", Concept::Negative), ("giftcard", Concept::Negative), ("po", Concept::Negative),
    ("purchase", Concept::Negative), ("warranty", Concept::Negative), ("firmware", Concept::Negative),
    ("submission", Concept::Negative), ("payoff", Concept::Money),
    ("session", Concept::Negative), ("radio", Concept::Negative), ("bus", Concept::Negative), ("trip", Concept::Negative),
    ("authorization", Concept::Negative), ("report", Concept::Negative),
    ("truck", Concept::Negative), ("locator", Concept::Negative),
    ("arrangement", Concept::Negative), ("listing", Concept::Negative), ("estimate", Concept::Negative), ("microchip", Concept::Negative), ("job", Concept::Negative),
];

#[rustfmt::skip]
const FILLERS: &[&str] = &[
    "uh", "um", "er", "erm", "ah", "uhh", "umm", "hmm", "mm", "like", "uhm",
];

#[rustfmt::skip]
const STOPWORDS: &[&str] = &[
    "plus", "minus",
    // Interjections ("Ugh, it's Hope..."): never a name at a sentence's start.
    "ugh", "oops", "whoa", "geez", "jeez", "gosh", "wow", "yikes", "ooh", "argh", "meh", "phew",
    "darn",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mondays",
    "tuesdays", "wednesdays", "thursdays", "fridays", "saturdays", "sundays",
    "a", "about", "above", "actually", "after", "again", "ago", "ahead", "all", "alright", "also",
    // contractions written without their apostrophe (raw speech-to-text)
    "im", "ive", "youre", "theyre", "dont", "cant", "didnt", "doesnt", "isnt", "wasnt",
    "thats", "whats", "hes", "shes", "ill", "wed", "youll",
    "am", "an", "and", "any", "anything", "are", "around", "as", "ask", "at", "back", "be",
    "because", "been", "before", "being", "best", "better", "both", "but", "by", "calling", "can",
    "can't", "cannot", "check", "come", "confirm", "correct", "could", "did", "didn't", "do",
    "does", "doesn't", "done", "don't", "down", "each", "else", "email", "e-mail", "even", "ever",
    "every", "everything", "fine", "for", "from", "get", "gets", "getting", "give", "go", "going",
    "gonna", "good", "got", "great", "had", "has", "have", "having", "he", "hello", "help", "her",
    "here", "here's", "hers", "hey", "hi", "him", "his", "hold", "how", "i", "i'd", "i'll", "i'm",
    "i've", "if", "in", "into", "is", "isn't", "it", "it's", "its", "just", "know", "last", "let",
    "let's", "look", "looking", "make", "many", "me", "mine", "more", "most", "much", "must", "my",
    "myself", "name", "name's", "need", "needs", "never", "new", "next", "nice", "no", "nope",
    "not", "now", "of", "off", "oh", "ok", "okay", "on", "once", "one", "only", "or", "other",
    "our", "ours", "out", "over", "own", "perfect", "please", "put", "quick", "quite", "re", "read",
    "ready", "really", "right", "said", "same", "say", "says", "see", "send", "she", "should", "so",
    "some", "someone", "something", "sorry", "speaking", "spell", "still", "such", "sure", "take",
    "tell", "than", "thank", "thanks", "that", "that's", "the", "their", "them", "then", "there",
    "there's", "these", "they", "they're", "thing", "think", "this", "those", "though", "through",
    "to", "today", "too", "try", "trying", "under", "up", "us", "use", "used", "very", "verify",
    "wait", "want", "wanted", "was", "wasn't", "way", "we", "we'll", "we're", "we've", "well",
    "went", "were", "what", "what's", "when", "where", "which", "while", "who", "who's", "whom",
    "why", "with", "without", "won't", "would", "yeah", "yep", "yes", "yet", "you", "you're",
    "your", "yours", "yourself", "calling", "called", "speaking", "again", "here", "there", "sir",
    "ma'am", "madam", "first", "middle", "spelled", "spelling", "letter", "letters", "as", "in",
    "not", "sorry", "pardon", "hang", "on", "just", "sec", "second", "minute", "moment", "problem",
    "issue", "question", "bill", "card", "account", "date", "address", "phone", "number", "calling",
    "wondering", "glad", "happy", "sure", "also", "from", "agent", "representative", "support",
    "team", "service", "customer", "manager", "supervisor", "someone", "somebody", "anyone",
    "nobody", "everyone", "guy", "lady", "person", "mom", "dad", "mother", "father", "wife",
    "husband", "son", "daughter", "brother", "sister", "friend", "patient", "doctor", "nurse",
    "today", "tomorrow", "yesterday", "morning", "afternoon", "evening", "night", "week", "month",
    "year", "and", "its", "all", "set", "cool", "awesome", "wonderful", "exactly", "absolutely",
    "definitely", "ok", "calling", "regarding", "about", "upset", "frustrated", "trying", "having",
    "unable", "able", "available", "busy", "free", "home", "work", "cell", "yeah", "uh", "um",
    "like", "er", "ah", "hmm", "order", "ticket", "tracking", "invoice", "member", "policy",
    "routing", "social", "security", "code", "zip", "born", "birth", "expiration", "expires",
    "apartment", "suite", "unit", "street", "call", "reach", "text", "dot", "at", "underscore",
    "dash", "hyphen", "period", "com", "net", "org", "gmail", "holder", "owner", "billing",
    "shipping", "mailing", "statement", "technician", "appointment", "speak", "talk", "talking",
    "spoke", "transfer", "connect", "wrong", "new", "old", "same", "real", "legal", "full", "whole",
    "correct", "incorrect", "right", "wrong", "done", "finished", "calling", "speaking", "writing",
    "again", "still", "already", "ever", "never", "maybe", "probably", "please", "kindly",
    "given",
];

#[rustfmt::skip]
const STREETS: &[&str] = &[
    // Written before the name ("1234 Rue Sherbrooke Ouest"): address::detect_prefixed.
    "rue", "calle", "avenida", "camino", "chemin",
    "street", "st", "avenue", "ave", "av", "road", "rd", "lane", "ln", "drive", "dr", "boulevard",
    "blvd", "court", "ct", "circle", "cir", "way", "place", "pl", "terrace", "ter", "parkway",
    "pkwy", "highway", "hwy", "trail", "trl", "square", "sq", "loop", "plaza", "alley", "crescent",
    "path", "pike", "row", "run", "walk", "crossing", "xing", "expressway", "freeway", "turnpike",
    "route", "rte", "bend", "cove", "glen", "heights", "hts", "hollow", "landing", "manor", "mews",
    "park", "pass", "point", "ridge", "spur", "station", "summit", "track", "vista", "views",
    "view", "village", "well", "wells", "junction", "jct", "key", "keys", "knoll", "knolls",
    "meadow", "meadows", "mill", "mills", "oval", "orchard", "dale", "gardens", "green", "grove",
    "harbor", "haven", "concourse", "esplanade", "promenade", "causeway", "commons", "gate",
    "hill",
];

#[rustfmt::skip]
const UNITS_ADDR: &[&str] = &[
    "apt", "apartment", "unit", "suite", "ste", "floor", "fl", "building", "bldg", "rm", "lot",
    "box", "room",
];

#[rustfmt::skip]
const STATES: &[&str] = &[
    "alabama", "alaska", "arizona", "arkansas", "california", "colorado", "connecticut", "delaware",
    "florida", "georgia", "hawaii", "idaho", "illinois", "indiana", "iowa", "kansas", "kentucky",
    "louisiana", "maine", "maryland", "massachusetts", "michigan", "minnesota", "mississippi",
    "missouri", "montana", "nebraska", "nevada", "ohio", "oklahoma", "oregon", "pennsylvania",
    "tennessee", "texas", "utah", "vermont", "virginia", "washington", "wisconsin", "wyoming",
    "new", "north", "south", "west", "rhode", "district", "puerto",
];
#[rustfmt::skip]
const STATES2: &[&str] = &[
    "hampshire", "jersey", "mexico", "york", "carolina", "dakota", "virginia", "island", "columbia",
    "rico",
];

#[rustfmt::skip]
const TLDS: &[&str] = &[
    "com", "net", "org", "edu", "gov", "io", "co", "us", "info", "biz", "me", "ai", "app", "dev",
    "uk", "ca", "mail", "mil", "tv", "xyz", "online", "email", "cc", "de", "fr", "mx", "au", "in",
    "fm", "ie", "nz", "eu", "es", "it", "nl", "ch", "se", "jp", "br", "pl", "be", "tech", "site",
    "pro", "ly", "to", "gg", "ac", "za", "sg", "hk", "nyc", "store", "shop", "cloud", "family",
    "ru", "kr", "cn", "tw", "ua", "cl", "pt", "gr", "fi", "dk", "cz", "hu", "ro", "il", "ph",
    "vn", "pk", "ng", "ke", "ae",
];

#[rustfmt::skip]
const KIN: &[&str] = &[
    "mom", "mother", "dad", "father", "son", "daughter", "wife", "husband", "brother", "sister",
    "grandma", "grandmother", "grandpa", "grandfather", "aunt", "uncle", "cousin", "niece",
    "nephew", "partner", "fiance", "fiancee", "spouse", "boyfriend", "girlfriend", "friend",
    "neighbor", "mum", "stepmother", "stepfather", "stepson", "stepdaughter", "granddaughter",
    "grandson", "caregiver", "guardian", "mam", "mammy", "da", "nan", "nana", "newborn", "baby", "caretaker", "neighbour", "roommate",
    "landlord", "landlady", "tenant", "boss", "coworker", "colleague",
    "parents", "sons", "daughters", "brothers", "sisters", "grandparents", "grandkids",
    "grandchildren", "siblings", "sibling", "twins", "cousins", "stepmom", "stepdad", "godson",
    "goddaughter", "godmother", "godfather", "grandkid", "stepkids", "youngest", "oldest",
    "eldest", "kids", "kid", "children", "child",
];

/// Names that are also everyday words: taken only after a strong cue ("my name is").
#[rustfmt::skip]
const AMBIGUOUS: &[&str] = &[
    "will", "bill", "mark", "may", "june", "april", "august", "rose", "grace", "hope", "joy",
    "faith", "dawn", "art", "chase", "hunter", "summer", "autumn", "amber", "crystal", "penny",
    "sandy", "jack", "frank", "grant", "dean", "lane", "love", "page", "price", "short", "long",
    "little", "white", "black", "green", "gray", "brown", "young", "king", "day", "ray", "rice",
    "cook", "hall", "hill", "wood", "woods", "stone", "fox", "bell", "banks", "fields", "mills",
    "west", "cross", "ford", "rich", "sue", "pat", "don", "guy", "lee", "max", "ken", "jay", "kim",
    "tim", "ted", "sally", "sterling", "destiny", "harmony", "melody", "ruby", "pearl", "misty",
    "sky", "storm", "river", "reed", "miles", "booker", "carter", "cooper", "parker", "porter",
    "turner", "baker", "mason", "taylor", "walker", "jordan", "morgan", "austin", "dallas",
    "houston", "logan", "carol", "angel", "christian", "sunny", "rusty", "buddy", "major", "royal",
    "justice", "noble", "wade", "drew", "norman", "virginia", "georgia", "page", "story", "best",
    "hale", "gay", "english", "french", "holland", "march", "madison", "washington", "lincoln",
    "jefferson", "jackson", "tucker", "hunt", "nash", "beck", "cole", "dale", "glen", "green",
    "hart", "hay", "lake", "marsh", "moss", "park", "pike", "pope", "sharp", "stern", "strong",
    "swift", "ware", "wise", "mays", "mayo", "bass", "pierce",
];

/// The word table split for speed: words of up to 8 bytes packed into a `u64` key (no
/// string compare on lookup), longer words by bytes.
struct Tables {
    short: PackedTable,
    long: Table,
}

/// log2 of the slot count of [`PackedTable`]: 16,384 slots, at most 30% full with the
/// just over 4,096 words of up to 8 bytes (checked by a test; more words still work, with
/// longer probes; 32,768 slots would double the table's 393 KB).
const SHORT_BITS: u32 = 14;
/// Slot count of [`PackedTable`].
const SHORT_SLOTS: usize = 1 << SHORT_BITS;

/// A packed word and its entry side by side: a look-up reads one cache line, not one for
/// the key and another for the value.
#[derive(Clone, Copy, Default)]
struct Slot {
    /// The packed word; 0 marks an empty slot (no word packs to 0).
    key: u64,
    lex: Lex,
}

/// Open-addressing table of packed words with linear probing, of a fixed size (so the
/// slot index needs no bounds check and the hash shift is a constant): a look-up is one
/// multiply and, nearly always, one probe.
pub(crate) struct PackedTable {
    slots: Box<[Slot; SHORT_SLOTS]>,
}

impl PackedTable {
    fn new(entries: Vec<(u64, Lex)>) -> Self {
        // At least one slot stays empty: probing for an absent word always ends.
        assert!(
            entries.len() < SHORT_SLOTS,
            "lexicon: too many short words, raise SHORT_BITS"
        );
        let mut slots: Box<[Slot; SHORT_SLOTS]> = vec![Slot::default(); SHORT_SLOTS]
            .into_boxed_slice()
            .try_into()
            .unwrap_or_else(|_| unreachable!("the vector has SHORT_SLOTS slots"));
        for (k, v) in entries {
            let mut i = Self::slot(k);
            while slots[i].key != 0 && slots[i].key != k {
                i = (i + 1) & (SHORT_SLOTS - 1);
            }
            slots[i] = Slot { key: k, lex: v };
        }
        PackedTable { slots }
    }

    #[inline(always)]
    fn slot(k: u64) -> usize {
        (k.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - SHORT_BITS)) as usize
    }

    /// The entry of a word of 1..=8 lower-case ASCII bytes packed little-endian into a
    /// `u64`; the empty [`Lex`] for unknown words.
    #[inline]
    pub(crate) fn get(&self, k: u64) -> Lex {
        let mut i = Self::slot(k);
        loop {
            let s = &self.slots[i];
            if s.key == k {
                return s.lex;
            }
            if s.key == 0 {
                return Lex::default();
            }
            i = (i + 1) & (SHORT_SLOTS - 1);
        }
    }
}

static TABLE: LazyLock<Tables> = LazyLock::new(|| {
    let all = build();
    let mut short = Vec::new();
    let mut long = Table::default();
    for (k, v) in all {
        match pack(&k) {
            Some(p) => short.push((p, v)),
            None => {
                long.insert(k, v);
            }
        }
    }
    Tables {
        short: PackedTable::new(short),
        long,
    }
});

/// Packs a word of 1..=8 bytes into a u64 (length in the top bits is implied by zeros:
/// words never contain NUL).
fn pack(w: &[u8]) -> Option<u64> {
    if w.is_empty() || w.len() > 8 {
        return None;
    }
    let mut p = 0u64;
    for (i, b) in w.iter().enumerate() {
        p |= u64::from(*b) << (8 * i);
    }
    Some(p)
}

fn entry<'a>(t: &'a mut Table, w: &str) -> &'a mut Lex {
    t.entry(w.as_bytes().into()).or_default()
}

fn build() -> Table {
    let mut t = Table::default();
    for (d, w) in UNITS.iter().enumerate() {
        entry(&mut t, w).num = NumWord::Unit(d as u8);
    }
    entry(&mut t, "oh").num = NumWord::Oh;
    entry(&mut t, "o").num = NumWord::Oh;
    entry(&mut t, "nought").num = NumWord::Unit(0);
    entry(&mut t, "zer0").num = NumWord::Unit(0);
    for (i, w) in TEENS.iter().enumerate() {
        entry(&mut t, w).num = NumWord::Teen(10 + i as u8);
    }
    for (i, w) in TENS.iter().enumerate() {
        entry(&mut t, w).num = NumWord::Tens(2 + i as u8);
    }
    entry(&mut t, "fourty").num = NumWord::Tens(4);
    entry(&mut t, "hundred").num = NumWord::Hundred;
    entry(&mut t, "thousand").num = NumWord::Thousand;
    entry(&mut t, "double").num = NumWord::Repeat(2);
    entry(&mut t, "triple").num = NumWord::Repeat(3);
    for (i, w) in MONTHS.iter().enumerate() {
        entry(&mut t, w).month = i as u8 + 1;
    }
    for (w, m) in MONTH_ABBR {
        entry(&mut t, w).month = m;
    }
    for (w, o) in ORDINALS {
        entry(&mut t, w).ordinal = o;
    }
    for (w, c) in CONCEPTS {
        entry(&mut t, w).concept = *c;
    }
    // "social's", "zip's", "cvv's", "order's", "birth's" ("date of birth's ..."): a keyword
    // with a contracted "is" or a possessive keeps its meaning.
    for (w, c) in CONCEPTS {
        if w.bytes().all(|b| b.is_ascii_alphanumeric()) {
            let e = entry(&mut t, &format!("{w}'s"));
            if e.concept == Concept::None {
                e.concept = *c;
            }
        }
    }
    let flagged: [(&[&str], u32); 13] = [
        (FILLERS, flag::FILLER),
        (STOPWORDS, flag::STOP),
        (STREETS, flag::STREET),
        (UNITS_ADDR, flag::UNIT),
        (STATES, flag::STATE),
        (STATES2, flag::STATE2),
        (TLDS, flag::TLD),
        (KIN, flag::KIN),
        (AMBIGUOUS, flag::AMBIGUOUS),
        (FIRST_NAMES, flag::FIRST),
        (INTL_FIRST_NAMES, flag::FIRST),
        (LAST_NAMES, flag::LAST),
        (INTL_LAST_NAMES, flag::LAST),
    ];
    for (words, f) in flagged {
        for w in words {
            entry(&mut t, w).flags |= f;
        }
    }
    // "email's", "number's", "account's": a function word with a contracted "is" is still
    // not a name, a street or a mailbox.
    for w in STOPWORDS {
        if !w.contains('\'') {
            entry(&mut t, &format!("{w}'s")).flags |= flag::STOP;
        }
    }
    for w in [
        "gmail",
        "yahoo",
        "hotmail",
        "outlook",
        "aol",
        "icloud",
        "protonmail",
        "proton",
        "comcast",
        "verizon",
        "att",
        "msn",
        "live",
        "me",
        "mac",
        "sbcglobal",
        "cox",
        "charter",
        "earthlink",
        "zoho",
        "gmx",
        "ymail",
    ] {
        entry(&mut t, w).flags |= flag::MAILHOST;
    }
    for w in [
        "name",
        "name's",
        "names",
        "holder",
        "cardholder",
        "policyholder",
        "patient",
        "caller",
        "insured",
        "beneficiary",
        "spoke",
        "talked",
        "speaking",
        "speak",
        "thanks",
        "thank",
        "bye",
        "hi",
        "hello",
        "i'm",
        "im",
        "okay",
        "ok",
        "that's",
        "it's",
        "have",
        "dear",
        "hey",
        "this",
        "i",
        "named",
        "called",
        "call",
        "calls",
        "address",
        "live",
        "lives",
        "living",
        "located",
        "calling",
        "surname",
        "surname's",
        "reach",
        "under",
        "ask",
        "goes",
        "given",
        "its",
        "she's",
        "he's",
        "registered",
        "issued",
        "belongs",
        "titled",
        "assigned",
    ] {
        entry(&mut t, w).flags |= flag::CUE;
    }
    for w in ["hang", "hold", "know"] {
        entry(&mut t, w).flags |= flag::HOLD;
    }
    for w in [
        "is", "was", "are", "as", "says", "reads", "for", "go", "goes",
    ] {
        entry(&mut t, w).flags |= flag::NAME_VERB;
    }
    for w in crate::redact::person::PERSON_NOUNS {
        entry(&mut t, w).flags |= flag::PERSON_NOUN;
    }
    for w in ["for", "fore", "to", "too", "ate", "won"] {
        entry(&mut t, w).flags |= flag::HOMOPHONE;
    }
    for w in [
        "on", "at", "for", "from", "in", "to", "by", "with", "and", "or", "of",
    ] {
        entry(&mut t, w).flags |= flag::PREP;
    }
    // Common verbs/adverbs that follow a given name ("michael says"): never a surname.
    for w in [
        "says",
        "said",
        "wants",
        "wanted",
        "thinks",
        "thought",
        "told",
        "asked",
        "likes",
        "knows",
        "gets",
        "went",
        "goes",
        "came",
        "comes",
        "made",
        "makes",
        "took",
        "takes",
        "gave",
        "gives",
        "left",
        "owes",
        "works",
        "lives",
        "moved",
        "handles",
        "uses",
        "always",
        "usually",
        "only",
        "either",
        "will",
        "would",
        "could",
        "should",
        "might",
        "may",
        "does",
        "did",
        "were",
        "are",
        "wants",
        "won't",
        "isn't",
        "doesn't",
        "didn't",
        "can't",
        "couldn't",
        "wouldn't",
        "has",
        "had",
        "sent",
        "called",
        "emailed",
        "texted",
        "signed",
        "bought",
        "ordered",
        "returned",
        "received",
        "forgot",
        "remembers",
        "needs",
        "needed",
        "tried",
        "checked",
        "answered",
        "picked",
        "dropped",
        "set",
        "put",
        "let",
        "keeps",
        "kept",
        "handled",
        "and",
        "or",
        "but",
        "nor",
        "yet",
        "so",
        "because",
        "if",
        "when",
        "while",
        "then",
        "than",
        "here",
        "there",
        "anytime",
        "later",
        "asap",
        "whenever",
        "soon",
        "instead",
        "directly",
    ] {
        entry(&mut t, w).flags |= flag::STOP;
    }
    // Given names that are everyday words too.
    for w in [
        "rob", "gene", "jean", "holly", "dakota", "mercedes", "sydney", "kent", "jasmine",
        "sierra", "ivy", "iris", "olive", "terry", "stanley", "cameron", "tracy", "joy", "billy",
        "bobby", "eddie", "angel", "ginger", "candy", "brandy", "chance", "willow", "lily",
        "daisy", "violet", "rocky",
    ] {
        entry(&mut t, w).flags |= flag::AMBIGUOUS;
    }
    for w in [
        "address",
        "live",
        "lives",
        "living",
        "located",
        "postcode",
        "postcode's",
        "eircode",
        "postal",
        "post",
        "corner",
    ] {
        entry(&mut t, w).flags |= flag::ADDR_CUE;
    }
    entry(&mut t, "the").flags |= flag::THE;
    entry(&mut t, "of").flags |= flag::OF;
    entry(&mut t, "and").flags |= flag::AND;
    entry(&mut t, "at").flags |= flag::AT;
    for w in ["dot", "underscore", "dash", "hyphen", "period", "minus"] {
        entry(&mut t, w).flags |= flag::CONNECT;
    }
    for w in ["dash", "hyphen", "slash"] {
        entry(&mut t, w).flags |= flag::NUMSEP;
    }
    for w in [
        "dollars", "dollar", "cents", "cent", "bucks", "usd", "grand",
    ] {
        entry(&mut t, w).flags |= flag::MONEY;
    }
    for w in [
        "percent",
        "minutes",
        "minute",
        "mins",
        "hours",
        "hour",
        "hrs",
        "days",
        "day",
        "weeks",
        "week",
        "months",
        "month",
        "years",
        "year",
        "seconds",
        "o'clock",
        "oclock",
        "am",
        "pm",
        "items",
        "item",
        "pack",
        "packs",
        "times",
        "gb",
        "mb",
        "tb",
        "miles",
        "gallons",
        "gallon",
        "liters",
        "litres",
        "kwh",
        "kilowatts",
        "watts",
        "acres",
        "pounds",
        "lbs",
        "kg",
        "feet",
        "inches",
        "people",
        "tickets",
        "units",
        "pieces",
        "boxes",
        "of",
        "business",
        "calendar",
        "nights",
        "euros",
        "degrees",
        "percentage",
        "fifths",
        "quarters",
        "installments",
        "payments",
        "refills",
        "pills",
        "tablets",
        "mg",
        "ml",
        "users",
        "lines",
        "devices",
        "phones",
        "seats",
        "bags",
        "orders",
        "rooms",
        "guests",
        "kids",
        "children",
        "noon",
        "midnight",
    ] {
        entry(&mut t, w).flags |= flag::MEASURE;
    }
    for w in [
        "thanks", "thank", "mr", "mrs", "ms", "miss", "dr", "mister", "missus", "doctor", "sir",
        "madam", "dear", "bye", "goodbye", "hi", "hello", "hey",
    ] {
        entry(&mut t, w).flags |= flag::THANKS;
    }
    for w in [
        "mr",
        "mrs",
        "ms",
        "miss",
        "dr",
        "mister",
        "missus",
        "mx",
        "prof",
        "doctor",
        "honorable",
        "judge",
        "professor",
        "reverend",
        "pastor",
        "rabbi",
        "imam",
        "detective",
        "sergeant",
        "officer",
        "deputy",
        "trooper",
        "lieutenant",
    ] {
        entry(&mut t, w).flags |= flag::HONORIFIC;
    }
    for w in [
        "north",
        "south",
        "east",
        "west",
        "n",
        "s",
        "e",
        "w",
        "ne",
        "nw",
        "se",
        "sw",
        "northeast",
        "northwest",
        "southeast",
        "southwest",
    ] {
        entry(&mut t, w).flags |= flag::DIRECTION;
    }
    // The words `digits::look_back_at` tests for (besides keywords), kept in step with it.
    for w in [
        "but",
        "mine",
        "mine's",
        "his",
        "hers",
        "theirs",
        "ours",
        "yours",
        "sure",
        "yes",
        "yeah",
        "yep",
        "okay",
        "ok",
        "signature",
        "back",
        "front",
        "reverse",
        "digits",
        "digit",
        "numbers",
        "through",
        "until",
        "till",
        "thru",
    ] {
        entry(&mut t, w).flags |= flag::LOOK_BACK;
    }
    for lex in t.values_mut() {
        if lex.concept != Concept::None {
            lex.flags |= flag::LOOK_BACK;
        }
        if lex.num != NumWord::None
            || lex.month > 0
            || lex.ordinal > 0
            || lex.has(flag::FILLER | flag::NUMSEP)
        {
            lex.flags |= flag::IN_NUMBER;
        }
    }
    t
}

/// Looks up a lower-case ASCII word; unknown words get the empty [`Lex`].
pub(crate) fn lookup(lower: &[u8]) -> Lex {
    let t = &*TABLE;
    match pack(lower) {
        Some(p) => t.short.get(p),
        None => t.long.get(lower).copied().unwrap_or_default(),
    }
}

/// The table of words of up to 8 bytes, for callers that look up many packed words (one
/// check that the table is built, not one per word).
pub(crate) fn packed_table() -> &'static PackedTable {
    &TABLE.short
}

/// Forces the table to be built (so the first request does not pay for it).
pub(crate) fn warm() {
    LazyLock::force(&TABLE);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_table_is_at_most_thirty_percent_full() {
        let short = build().keys().filter(|k| pack(k).is_some()).count();
        assert!(
            short * 10 <= SHORT_SLOTS * 3,
            "{short} short words: raise SHORT_BITS"
        );
    }
}
