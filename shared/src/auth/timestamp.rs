//! Signed timestamps: parsing (seconds or milliseconds) and the replay window.

/// Values at or above this are epoch milliseconds, below it epoch seconds (1e12 s would be
/// the year 33658; 1e12 ms is September 2001).
const MS_THRESHOLD: u64 = 1_000_000_000_000;

/// Parse a timestamp header value into epoch milliseconds: ASCII digits only (no sign, no
/// spaces, at most 16 digits), seconds below 1e12, milliseconds from 1e12 on.
pub(crate) fn parse_epoch_ms(raw: &[u8]) -> Option<i64> {
    if raw.is_empty() || raw.len() > 16 || !raw.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let value = raw
        .iter()
        .fold(0u64, |acc, d| acc * 10 + u64::from(d - b'0'));
    let ms = if value >= MS_THRESHOLD {
        value
    } else {
        value * 1000
    };
    i64::try_from(ms).ok()
}

/// Where a timestamp falls relative to the replay window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WindowCheck {
    /// Within `tolerance` of now.
    Inside,
    /// Older than the window; whole seconds of age.
    TooOld(i64),
    /// Further ahead than the window; whole seconds ahead.
    TooNew(i64),
}

/// Compare `ts_ms` to `now_ms` with a symmetric window of `tolerance_ms`.
pub(crate) fn check_window(ts_ms: i64, now_ms: i64, tolerance_ms: i64) -> WindowCheck {
    let delta = now_ms.saturating_sub(ts_ms);
    if delta > tolerance_ms {
        WindowCheck::TooOld(delta / 1000)
    } else if delta < -tolerance_ms {
        WindowCheck::TooNew(delta.saturating_neg() / 1000)
    } else {
        WindowCheck::Inside
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_and_milliseconds() {
        assert_eq!(parse_epoch_ms(b"1763481823"), Some(1_763_481_823_000));
        assert_eq!(parse_epoch_ms(b"1763481823120"), Some(1_763_481_823_120));
        assert_eq!(parse_epoch_ms(b"999999999999"), Some(999_999_999_999_000));
        assert_eq!(parse_epoch_ms(b"1000000000000"), Some(1_000_000_000_000));
    }

    #[test]
    fn rejects_non_digits() {
        for bad in [
            &b""[..],
            b"-1",
            b"+1",
            b" 1",
            b"1.5",
            b"abc",
            b"12345678901234567",
            b"1e9",
        ] {
            assert_eq!(parse_epoch_ms(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn window_is_symmetric_and_inclusive() {
        assert_eq!(check_window(1_000, 301_000, 300_000), WindowCheck::Inside);
        assert_eq!(
            check_window(1_000, 301_001, 300_000),
            WindowCheck::TooOld(300)
        );
        assert_eq!(check_window(301_000, 1_000, 300_000), WindowCheck::Inside);
        assert_eq!(
            check_window(401_000, 1_000, 300_000),
            WindowCheck::TooNew(400)
        );
        assert_eq!(
            check_window(i64::MAX, i64::MIN, 300_000),
            WindowCheck::TooNew(i64::MAX / 1000)
        );
    }
}
