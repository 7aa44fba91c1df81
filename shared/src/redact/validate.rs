//! Checksums and numbering-plan rules that tell personal numbers from other digit strings.

/// Luhn (mod 10) check over ASCII digits.
pub(crate) fn luhn(d: &str) -> bool {
    let b = d.as_bytes();
    if b.len() < 2 {
        return false;
    }
    let mut sum = 0u32;
    for (i, c) in b.iter().rev().enumerate() {
        let mut v = u32::from(c.wrapping_sub(b'0'));
        if v > 9 {
            return false;
        }
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    sum % 10 == 0
}

fn prefix(d: &str, n: usize) -> u32 {
    d.as_bytes()
        .iter()
        .take(n)
        .fold(0, |a, c| a * 10 + u32::from(c.wrapping_sub(b'0')))
}

/// Card number: Luhn-valid with a length and prefix of a real issuer (Visa, Mastercard,
/// Amex, Discover, JCB, Diners, UnionPay, Maestro).
pub(crate) fn is_card(d: &str) -> bool {
    let n = d.len();
    if !(12..=19).contains(&n) || !luhn(d) {
        return false;
    }
    let p1 = prefix(d, 1);
    let p2 = prefix(d, 2);
    let p3 = prefix(d, 3);
    let p4 = prefix(d, 4);
    let p6 = prefix(d, 6);
    (p1 == 4 && matches!(n, 13 | 16 | 19))
        || ((51..=55).contains(&p2) || (2221..=2720).contains(&p4)) && n == 16
        || matches!(p2, 34 | 37) && n == 15
        || (p4 == 6011 || p2 == 65 || (644..=649).contains(&p3) || (622126..=622925).contains(&p6))
            && n >= 16
        || (3528..=3589).contains(&p4) && n >= 16
        || (matches!(p2, 36 | 38 | 39) || (300..=305).contains(&p3)) && n >= 14
        || p2 == 62 && n >= 16
        || matches!(p2, 50 | 56 | 57 | 58 | 63 | 67) && n >= 12
}

/// US SSN structure: area 001-899 except 666, group 01-99, serial 0001-9999.
pub(crate) fn is_ssn(d: &str) -> bool {
    if d.len() != 9 {
        return false;
    }
    let area = prefix(d, 3);
    let group = prefix(&d[3..], 2);
    let serial = prefix(&d[5..], 4);
    area != 0 && area != 666 && area < 900 && group != 0 && serial != 0
}

/// North American numbering plan: NPA and exchange start with 2-9 (10 digits, or 11 with a
/// leading 1).
pub(crate) fn is_nanp(d: &str) -> bool {
    let d = if d.len() == 11 && d.starts_with('1') {
        &d[1..]
    } else {
        d
    };
    if d.len() != 10 {
        return false;
    }
    let b = d.as_bytes();
    b[0] >= b'2' && b[3] >= b'2' && !(b[1] == b'1' && b[2] == b'1')
}

/// A NANP toll-free number (800, 833, 844, 855, 866, 877, 888): a business's line, not a
/// person's.
pub(crate) fn is_toll_free(d: &str) -> bool {
    let d = if d.len() == 11 && d.starts_with('1') {
        &d[1..]
    } else {
        d
    };
    d.len() == 10
        && is_nanp(d)
        && matches!(
            &d[..3],
            "800" | "833" | "844" | "855" | "866" | "877" | "888"
        )
}

/// ABA routing transit number checksum (3-7-1 weights) with a valid Federal Reserve prefix.
pub(crate) fn is_aba(d: &str) -> bool {
    if d.len() != 9 {
        return false;
    }
    let v: Vec<u32> = d.bytes().map(|c| u32::from(c.wrapping_sub(b'0'))).collect();
    if v.iter().any(|x| *x > 9) {
        return false;
    }
    let p = v[0] * 10 + v[1];
    let prefix_ok = p <= 12 || (21..=32).contains(&p) || (61..=72).contains(&p) || p == 80;
    let sum = 3 * (v[0] + v[3] + v[6]) + 7 * (v[1] + v[4] + v[7]) + (v[2] + v[5] + v[8]);
    prefix_ok && sum % 10 == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_and_issuers() {
        assert!(is_card("4111111111111111"));
        assert!(is_card("378282246310005"));
        assert!(!is_card("4111111111111112"));
        assert!(!is_card("9400693508609311980733"));
    }

    #[test]
    fn ssn_rules() {
        assert!(is_ssn("123456789"));
        assert!(!is_ssn("666123456"));
        assert!(!is_ssn("900123456"));
        assert!(!is_ssn("123006789"));
    }

    #[test]
    fn nanp_and_aba() {
        assert!(is_nanp("4155550123"));
        assert!(is_nanp("14155550123"));
        assert!(!is_nanp("1155550123"));
        assert!(is_aba("021000021"));
        assert!(!is_aba("021000022"));
    }
}
