//! `callwarden redact`: PII redaction of JSONL on stdin.
//!
//! Default mode: one `{"id", "text", "context"?, "role"?}` per line in, one
//! `{"id", "redacted", "entities": [{"type", "start", "end"}]}` per line out, with entity
//! offsets in **characters** (Unicode scalar values) of the input text, so
//! `../shared/pii/score.py` can score the output directly. `--json`: each line is a whole
//! JSON document (a Vapi webhook body, an end-of-call report) redacted with the JSON field
//! policy. `--plain`: each line is plain text (an exported transcript), printed redacted.
//!
//! A bad line is reported on stderr as `error: line N: ...` (never its content) and the
//! command goes on; the exit code is 1 if any line was bad.

use std::collections::BTreeSet;
use std::io::{BufRead, BufWriter, Write};

use callwarden::redact::{Context, EntityType, RedactionConfig, Redactor, Role};
use serde_json::{json, Value};

use crate::CliResult;

/// Redact PII from JSONL on stdin.
#[derive(clap::Args)]
pub struct RedactArgs {
    /// Each line is a whole JSON document (webhook body, end-of-call report).
    #[arg(long, conflicts_with = "plain")]
    json: bool,
    /// Each line is plain text (e.g. an exported transcript).
    #[arg(long)]
    plain: bool,
    /// Keep the last four digits of card numbers (`[CREDIT_CARD ••••1234]`).
    #[arg(long)]
    keep_last4: bool,
    /// Only these entity types (comma-separated, e.g. `CREDIT_CARD,SSN`); default: all.
    #[arg(long, value_delimiter = ',')]
    entities: Vec<String>,
    /// With `--json`: print what was redacted (counts per type/field, removed fields) to
    /// stderr, one JSON line per document.
    #[arg(long)]
    report: bool,
}

/// Errors of the redact subcommand (the CLI crate has no `thiserror`: Display by hand).
#[derive(Debug)]
enum RedactCmdError {
    UnknownEntity(String),
    BadLines(u64),
    Io(std::io::Error),
}

impl std::fmt::Display for RedactCmdError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RedactCmdError::UnknownEntity(name) => write!(
                f,
                "unknown entity type {name:?} (known: CREDIT_CARD, SSN, PHONE, EMAIL, DATE_OF_BIRTH, ADDRESS, PERSON, \
                 BANK_ACCOUNT, ROUTING_NUMBER, CVV, CARD_EXPIRY, ACCOUNT_ID)"
            ),
            RedactCmdError::BadLines(n) => write!(f, "{n} input line(s) could not be redacted (see the errors above)"),
            RedactCmdError::Io(e) => write!(f, "reading stdin / writing stdout failed: {e}"),
        }
    }
}

impl std::error::Error for RedactCmdError {}

impl From<std::io::Error> for RedactCmdError {
    fn from(e: std::io::Error) -> Self {
        RedactCmdError::Io(e)
    }
}

/// Run the subcommand.
pub async fn run(args: RedactArgs) -> CliResult {
    let mut cfg = RedactionConfig {
        keep_card_last4: args.keep_last4,
        ..RedactionConfig::default()
    };
    if !args.entities.is_empty() {
        let mut set = BTreeSet::new();
        for name in &args.entities {
            let name = name.trim().to_ascii_uppercase();
            let t = EntityType::from_name(&name)
                .ok_or_else(|| RedactCmdError::UnknownEntity(name.clone()))?;
            set.insert(t);
        }
        cfg.entities = set;
    }
    let redactor = Redactor::new(cfg);
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut bad = 0u64;
    for (n, line) in stdin.lock().lines().enumerate() {
        let line_no = n + 1;
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                eprintln!("error: line {line_no}: not valid UTF-8 text ({e})");
                bad += 1;
                continue;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        let result = if args.plain {
            Ok(redactor.redact_text(&line, &Context::default()).text)
        } else if args.json {
            redact_document(&redactor, &line, args.report)
        } else {
            redact_record(&redactor, &line)
        };
        match result {
            Ok(s) => writeln!(out, "{s}").map_err(RedactCmdError::from)?,
            Err(msg) => {
                eprintln!("error: line {line_no}: {msg}");
                bad += 1;
            }
        }
    }
    out.flush().map_err(RedactCmdError::from)?;
    if bad > 0 {
        return Err(RedactCmdError::BadLines(bad).into());
    }
    Ok(())
}

/// `{"id","text","context"?,"role"?}` -> `{"id","redacted","entities"}` (character offsets).
fn redact_record(redactor: &Redactor, line: &str) -> Result<String, String> {
    let v: Value = serde_json::from_str(line).map_err(|e| format!("not valid JSON ({e})"))?;
    let obj = v
        .as_object()
        .ok_or("expected a JSON object with \"id\" and \"text\"")?;
    let text = obj
        .get("text")
        .and_then(Value::as_str)
        .ok_or("missing string field \"text\"")?;
    let id = obj.get("id").cloned().unwrap_or(Value::Null);
    let context = obj
        .get("context")
        .and_then(Value::as_str)
        .filter(|c| !c.is_empty());
    let role = match obj.get("role").and_then(Value::as_str) {
        Some("user") | Some("customer") => Some(Role::User),
        Some("assistant") | Some("bot") | Some("agent") => Some(Role::Assistant),
        _ => None,
    };
    let r = redactor.redact_text(
        text,
        &Context {
            previous_turn: context,
            role,
        },
    );
    let entities: Vec<Value> = r
        .entities
        .iter()
        .map(|e| json!({"type": e.kind.as_str(), "start": char_offset(text, e.start), "end": char_offset(text, e.end)}))
        .collect();
    Ok(json!({"id": id, "redacted": r.text, "entities": entities}).to_string())
}

/// A whole JSON document, redacted with the field policy.
fn redact_document(redactor: &Redactor, line: &str, report: bool) -> Result<String, String> {
    let mut v: Value = serde_json::from_str(line).map_err(|e| format!("not valid JSON ({e})"))?;
    let rep = redactor.redact_json(&mut v);
    if report {
        eprintln!("{}", serde_json::to_string(&rep).unwrap_or_default());
    }
    Ok(v.to_string())
}

/// Byte offset (on a char boundary) -> character offset.
fn char_offset(text: &str, byte: usize) -> usize {
    text.get(..byte).map_or(0, |p| p.chars().count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_offsets_are_characters() {
        let r = Redactor::new(RedactionConfig::default());
        let line = r#"{"id":"a","text":"é my ssn is 123-45-6789"}"#;
        let out: Value = serde_json::from_str(&redact_record(&r, line).unwrap()).unwrap();
        assert_eq!(out["redacted"], "é my ssn is [SSN]");
        assert_eq!(out["entities"][0]["start"], 12);
        assert_eq!(out["entities"][0]["end"], 23);
    }

    #[test]
    fn bad_lines_are_errors_not_panics() {
        let r = Redactor::new(RedactionConfig::default());
        assert!(redact_record(&r, "not json").is_err());
        assert!(redact_record(&r, r#"{"id":1}"#).is_err());
        assert!(redact_record(&r, "[1,2]").is_err());
        assert!(redact_document(&r, "{", false).is_err());
    }
}
