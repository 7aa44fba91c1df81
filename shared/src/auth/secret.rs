//! Key material that never prints, and the comma-separated lists used for rotation.

use std::fmt;

/// Secret bytes (a shared secret or an HMAC key). `Debug` prints a placeholder, so a
/// configuration dump or a panic message can never reveal it.
#[derive(Clone)]
pub(crate) struct Secret(Vec<u8>);

impl Secret {
    /// Wrap raw key bytes.
    pub(crate) fn new(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    /// The key bytes, for hashing or keying a MAC only.
    pub(crate) fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// Split a rotation list: comma-separated, each entry trimmed, empty entries dropped.
///
/// Secrets therefore cannot contain commas or begin/end with whitespace (documented in
/// `docs/auth.md`).
pub(crate) fn split_secret_list(raw: &str) -> Vec<&str> {
    raw.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_key() {
        let s = Secret::new(b"hunter2-very-secret".to_vec());
        let shown = format!("{s:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
    }

    #[test]
    fn list_is_trimmed_and_skips_empty_entries() {
        assert_eq!(split_secret_list(" a , b,,c ,"), vec!["a", "b", "c"]);
        assert!(split_secret_list(" , ,").is_empty());
    }
}
