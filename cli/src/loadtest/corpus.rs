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
    /// The agent's previous question, when the utterance needs it to be understood.
    #[serde(default)]
    pub context: String,
    /// Corpus conversation the record belongs to (a number cut across records shares it).
    #[serde(default)]
    pub call_id: String,
    /// Position in that conversation.
    #[serde(default)]
    pub turn: u32,
}

/// The corpus as conversations: records grouped by `call_id` in turn order, each opened
/// by the agent's question (`context`) as a spoken assistant turn when the record has one,
/// as it would be heard on a real call.
pub fn conversations(records: &[Utterance]) -> Vec<Vec<Utterance>> {
    let mut groups: Vec<Vec<Utterance>> = Vec::new();
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for r in records {
        let key = if r.call_id.is_empty() {
            format!("#{}", groups.len())
        } else {
            r.call_id.clone()
        };
        let i = *index.entry(key).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[i].push(r.clone());
    }
    groups
        .into_iter()
        .map(|mut g| {
            g.sort_by_key(|u| u.turn);
            let mut out = Vec::with_capacity(g.len() + 1);
            if let Some(first) = g.first() {
                if !first.context.trim().is_empty() {
                    out.push(Utterance {
                        text: first.context.clone(),
                        role: "assistant".into(),
                        entities: Vec::new(),
                        context: String::new(),
                        call_id: first.call_id.clone(),
                        turn: 0,
                    });
                }
            }
            out.extend(g);
            out
        })
        .collect()
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
    fn conversations_group_turns_and_speak_the_context_first() {
        let records: Vec<Utterance> = [
            r#"{"id":"a","text":"rest 1234","role":"user","call_id":"c1","turn":1,"context":"start 5678"}"#,
            r#"{"id":"b","text":"hello","role":"user","call_id":"c2","turn":0,"context":""}"#,
            r#"{"id":"c","text":"start 5678","role":"user","call_id":"c1","turn":0,"context":"what is your number"}"#,
        ]
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
        let c = conversations(&records);
        assert_eq!(c.len(), 2);
        let texts: Vec<&str> = c[0].iter().map(|u| u.text.as_str()).collect();
        assert_eq!(texts, ["what is your number", "start 5678", "rest 1234"]);
        assert_eq!(c[0][0].role, "assistant");
        assert_eq!(c[1].len(), 1);
    }

    #[test]
    fn a_missing_file_names_the_path() {
        let e = load(Path::new("/nonexistent/dev.jsonl")).unwrap_err();
        assert!(e.to_string().contains("/nonexistent/dev.jsonl"));
    }
}
