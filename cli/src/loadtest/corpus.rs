//! The PII corpus (`dev.jsonl`, passed by path, never copied): utterances the simulated
//! callers and agents speak, with the exact PII values they carry, so the leak scan knows
//! what to look for.

use std::path::Path;

use serde::Deserialize;

/// One PII entity inside an utterance.
#[derive(Debug, Clone, Deserialize)]
pub struct Entity {
    /// Start (character offset) in `text`.
    pub start: usize,
    /// End (character offset, exclusive) in `text`.
    pub end: usize,
    /// Entity type (`PHONE`, `SSN`, ...).
    #[serde(rename = "type")]
    pub kind: String,
    /// Canonical value (digits for numbers).
    #[serde(default)]
    pub value: Option<String>,
}

/// One corpus record.
#[derive(Debug, Clone, Deserialize)]
pub struct Utterance {
    /// What is said.
    pub text: String,
    /// `user` or `assistant`.
    pub role: String,
    /// PII spans.
    #[serde(default)]
    pub entities: Vec<Entity>,
}

/// A PII value spoken in the simulation, as the leak scan looks for it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SpokenValue {
    /// Entity type.
    pub kind: String,
    /// The exact text as spoken (case-insensitive match).
    pub surface: String,
    /// The canonical value as written in the corpus.
    pub value: Option<String>,
}

/// Why the corpus cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    /// The file cannot be read.
    #[error("cannot read the PII corpus {path}: {reason}")]
    Read {
        /// Path given.
        path: String,
        /// OS error.
        reason: String,
    },
    /// A line is not a corpus record.
    #[error("PII corpus line {line} is not a record with id, text and role")]
    Malformed {
        /// 1-based line number.
        line: usize,
    },
    /// No usable record.
    #[error("the PII corpus {0} holds no utterances")]
    Empty(String),
}

/// Load every record of the JSONL corpus at `path`.
pub fn load(path: &Path) -> Result<Vec<Utterance>, CorpusError> {
    let text = std::fs::read_to_string(path).map_err(|e| CorpusError::Read {
        path: path.display().to_string(),
        reason: e.to_string(),
    })?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let u: Utterance =
            serde_json::from_str(line).map_err(|_| CorpusError::Malformed { line: i + 1 })?;
        out.push(u);
    }
    if out.is_empty() {
        return Err(CorpusError::Empty(path.display().to_string()));
    }
    Ok(out)
}

impl Utterance {
    /// The PII values of this utterance (surface text by character offsets).
    pub fn spoken_values(&self) -> Vec<SpokenValue> {
        let chars: Vec<char> = self.text.chars().collect();
        self.entities
            .iter()
            .filter(|e| e.start < e.end && e.end <= chars.len())
            .map(|e| SpokenValue {
                kind: e.kind.clone(),
                surface: chars[e.start..e.end].iter().collect(),
                value: e.value.clone(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spoken_values_use_character_offsets() {
        let u: Utterance = serde_json::from_str(
            r#"{"id":"x","text":"café call 4155550142 now","role":"user","entities":[{"start":10,"end":20,"type":"PHONE","value":"4155550142"}]}"#,
        )
        .unwrap();
        let v = u.spoken_values();
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].surface, "4155550142");
        assert_eq!(v[0].kind, "PHONE");
    }

    #[test]
    fn a_missing_file_names_the_path() {
        let e = load(Path::new("/nonexistent/dev.jsonl")).unwrap_err();
        assert!(e.to_string().contains("/nonexistent/dev.jsonl"));
    }
}
