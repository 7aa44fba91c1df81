//! Runs the tool calls of one message concurrently under a deadline and renders Vapi's
//! answer: `{"results":[{toolCallId, name, result|error}]}` in call order, strings only,
//! single-line.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};

use crate::ports::{ToolCall, ToolContext, ToolOutcome, ToolRegistry};

/// Outcome of one call plus whether it hit the deadline (for logs and metrics).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunOutcome {
    /// The outcome rendered to Vapi.
    pub outcome: ToolOutcome,
    /// True when the deadline passed before the tool finished.
    pub timed_out: bool,
}

/// Run `calls` concurrently; each gets until `budget` from now. Calls that miss it get
/// the registry's "still working" answer. Returns outcomes in call order.
pub async fn run_tool_calls(
    registry: Arc<dyn ToolRegistry>,
    calls: &[ToolCall],
    ctx: &ToolContext,
    budget: Duration,
) -> Vec<RunOutcome> {
    let deadline = tokio::time::Instant::now() + budget;
    let handles: Vec<_> = calls
        .iter()
        .cloned()
        .map(|call| {
            let registry = registry.clone();
            let ctx = ctx.clone();
            tokio::spawn(async move { registry.call(&call, &ctx).await })
        })
        .collect();
    let mut out = Vec::with_capacity(calls.len());
    for (call, mut handle) in calls.iter().zip(handles) {
        let outcome = match tokio::time::timeout_at(deadline, &mut handle).await {
            Ok(Ok(outcome)) => RunOutcome {
                outcome,
                timed_out: false,
            },
            Ok(Err(_join_error)) => RunOutcome {
                outcome: ToolOutcome::Error(format!(
                    "The {} tool failed unexpectedly. Please try again.",
                    spoken_name(&call.name)
                )),
                timed_out: false,
            },
            Err(_elapsed) => {
                handle.abort();
                RunOutcome {
                    outcome: registry.still_working(call),
                    timed_out: true,
                }
            }
        };
        out.push(outcome);
    }
    out
}

/// A tool name safe to speak and log: bounded, only `[A-Za-z0-9_-]`.
pub fn spoken_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .take(80)
        .collect();
    if cleaned.is_empty() {
        "requested".into()
    } else {
        cleaned
    }
}

/// Vapi breaks on line breaks in results: collapse every line break to a space.
pub fn single_line(s: &str) -> String {
    s.replace("\r\n", " ").replace(['\n', '\r'], " ")
}

/// The `tool-calls` answer body.
pub fn tool_calls_answer(calls: &[ToolCall], outcomes: &[RunOutcome]) -> Value {
    let results: Vec<Value> = calls
        .iter()
        .zip(outcomes)
        .map(|(call, run)| match &run.outcome {
            ToolOutcome::Result(r) => json!({
                "toolCallId": call.id, "name": call.name, "result": single_line(r)
            }),
            ToolOutcome::Error(e) => json!({
                "toolCallId": call.id, "name": call.name, "error": single_line(e)
            }),
        })
        .collect();
    json!({ "results": results })
}

/// The legacy `function-call` answer body: `{"result": "..."}`.
pub fn function_call_answer(outcome: Option<&RunOutcome>) -> Value {
    match outcome.map(|o| &o.outcome) {
        Some(ToolOutcome::Result(r)) => json!({ "result": single_line(r) }),
        Some(ToolOutcome::Error(e)) => json!({ "result": single_line(e) }),
        None => json!({ "result": "No function was called." }),
    }
}

/// A registry with no tools: every call gets an error naming the tool. The default until
/// the CRM-backed tools are configured.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoTools;

#[async_trait::async_trait]
impl ToolRegistry for NoTools {
    async fn call(&self, call: &ToolCall, _ctx: &ToolContext) -> ToolOutcome {
        ToolOutcome::Error(format!(
            "The {} tool is not available on this line.",
            spoken_name(&call.name)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Scripted;

    #[async_trait::async_trait]
    impl ToolRegistry for Scripted {
        async fn call(&self, call: &ToolCall, _ctx: &ToolContext) -> ToolOutcome {
            match call.name.as_str() {
                "slow" => {
                    // Never finishes before the deadline: pending forever.
                    std::future::pending::<()>().await;
                    ToolOutcome::Result("unreachable".into())
                }
                "multiline" => ToolOutcome::Result("line one\nline two\r\nthree".into()),
                "fails" => ToolOutcome::Error("bad\nthing".into()),
                "panics" => panic!("tool bug"),
                other => ToolOutcome::Result(format!("ok {other}")),
            }
        }
    }

    fn call(id: &str, name: &str) -> ToolCall {
        ToolCall {
            id: id.into(),
            name: name.into(),
            arguments: json!({}),
            is_async: false,
        }
    }

    #[tokio::test(start_paused = true)]
    async fn results_keep_call_order_and_deadline_applies() {
        let calls = vec![
            call("1", "slow"),
            call("2", "fast"),
            call("3", "multiline"),
            call("4", "fails"),
            call("5", "panics"),
        ];
        let outcomes = run_tool_calls(
            Arc::new(Scripted),
            &calls,
            &ToolContext::default(),
            Duration::from_secs(4),
        )
        .await;
        let answer = tool_calls_answer(&calls, &outcomes);
        let results = answer["results"].as_array().expect("results");
        let ids: Vec<_> = results
            .iter()
            .map(|r| r["toolCallId"].as_str().unwrap_or(""))
            .collect();
        assert_eq!(ids, ["1", "2", "3", "4", "5"]);
        assert!(outcomes[0].timed_out);
        assert!(results[0]["result"]
            .as_str()
            .is_some_and(|s| s.contains("Still checking")));
        assert_eq!(results[1]["result"], "ok fast");
        assert_eq!(results[2]["result"], "line one line two three");
        assert_eq!(results[3]["error"], "bad thing");
        assert!(results[4]["error"]
            .as_str()
            .is_some_and(|s| s.contains("panics")));
        for r in results {
            let text = r["result"].as_str().or(r["error"].as_str()).unwrap_or("");
            assert!(!text.contains('\n'));
        }
    }

    #[tokio::test]
    async fn unknown_tool_gets_an_error_naming_it() {
        let calls = vec![call("x", "lookupWeather")];
        let outcomes = run_tool_calls(
            Arc::new(NoTools),
            &calls,
            &ToolContext::default(),
            Duration::from_secs(1),
        )
        .await;
        let answer = tool_calls_answer(&calls, &outcomes);
        assert!(answer["results"][0]["error"]
            .as_str()
            .is_some_and(|e| e.contains("lookupWeather")));
    }
}
