//! Tool calls out of `tool-calls` and legacy `function-call` messages.
//!
//! Accepts `arguments` as a JSON object or as a JSON string holding one (the SDK types it
//! as a string, the wire usually sends an object), the older flattened
//! `{id, name, parameters}` form, and reads `async` from the matching
//! `toolWithToolCallList` entry.

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

use crate::ports::ToolCall;
use crate::vapi::message::{lenient, lenient_object, lenient_string};

#[derive(Deserialize, Default)]
struct RawToolCall<'a> {
    #[serde(borrow)]
    id: Option<&'a RawValue>,
    #[serde(borrow)]
    function: Option<&'a RawValue>,
    #[serde(borrow)]
    name: Option<&'a RawValue>,
    #[serde(borrow)]
    parameters: Option<&'a RawValue>,
    #[serde(borrow)]
    arguments: Option<&'a RawValue>,
}

#[derive(Deserialize, Default)]
struct RawFunction<'a> {
    #[serde(borrow)]
    name: Option<&'a RawValue>,
    #[serde(borrow)]
    arguments: Option<&'a RawValue>,
    #[serde(borrow)]
    parameters: Option<&'a RawValue>,
}

#[derive(Deserialize, Default)]
struct RawToolWith<'a> {
    #[serde(rename = "async", borrow)]
    is_async: Option<&'a RawValue>,
    #[serde(rename = "toolCall", borrow)]
    tool_call: Option<&'a RawValue>,
}

/// Arguments as a JSON value: objects as they are, strings parsed as JSON when they hold
/// JSON, anything else (or nothing) as an empty object.
fn arguments(raw: Option<&RawValue>) -> Value {
    match raw.and_then(|r| serde_json::from_str::<Value>(r.get()).ok()) {
        Some(Value::String(s)) => serde_json::from_str::<Value>(&s).unwrap_or(Value::String(s)),
        Some(Value::Null) | None => Value::Object(Default::default()),
        Some(v) => v,
    }
}

fn to_tool_call(raw: &RawToolCall<'_>) -> ToolCall {
    let function: RawFunction<'_> = lenient_object(raw.function).unwrap_or_default();
    let name = lenient_string(function.name)
        .or_else(|| lenient_string(raw.name))
        .unwrap_or_default();
    let args_raw = function
        .arguments
        .or(function.parameters)
        .or(raw.arguments)
        .or(raw.parameters);
    ToolCall {
        id: lenient_string(raw.id).unwrap_or_default(),
        name,
        arguments: arguments(args_raw),
        is_async: false,
    }
}

/// Extract tool calls in call order from the raw fields of a message.
pub fn parse_tool_calls(
    tool_call_list: Option<&RawValue>,
    tool_with_tool_call_list: Option<&RawValue>,
    function_call: Option<&RawValue>,
) -> Vec<ToolCall> {
    let with: Vec<RawToolWith<'_>> = lenient::<Vec<&RawValue>>(tool_with_tool_call_list)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|r| lenient_object(Some(r)))
        .collect();
    let async_ids: Vec<(String, bool)> = with
        .iter()
        .filter_map(|w| {
            let call: RawToolCall<'_> = lenient_object(w.tool_call)?;
            Some((
                lenient_string(call.id)?,
                lenient::<bool>(w.is_async).unwrap_or(false),
            ))
        })
        .collect();
    let mut calls: Vec<ToolCall> = lenient::<Vec<&RawValue>>(tool_call_list)
        .unwrap_or_default()
        .into_iter()
        .map(|r| to_tool_call(&lenient_object::<RawToolCall<'_>>(Some(r)).unwrap_or_default()))
        .collect();
    if calls.is_empty() {
        // Some deliveries carry only `toolWithToolCallList`.
        calls = with
            .iter()
            .filter_map(|w| lenient_object::<RawToolCall<'_>>(w.tool_call))
            .map(|c| to_tool_call(&c))
            .collect();
    }
    if calls.is_empty() {
        if let Some(f) = lenient_object::<RawFunction<'_>>(function_call) {
            calls.push(ToolCall {
                id: String::new(),
                name: lenient_string(f.name).unwrap_or_default(),
                arguments: arguments(f.parameters.or(f.arguments)),
                is_async: false,
            });
        }
    }
    for call in &mut calls {
        call.is_async = async_ids
            .iter()
            .any(|(id, is_async)| *is_async && *id == call.id);
    }
    calls
}

#[cfg(test)]
mod tests {
    use crate::vapi::parse_message;
    use serde_json::json;

    fn sample(name: &str) -> Vec<u8> {
        let path = format!(
            "{}/../../shared/vapi/samples/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read(path).expect("sample")
    }

    #[test]
    fn object_and_string_arguments_parse_the_same() {
        let m = parse_message(&sample("tool-calls.arguments-as-string.json")).expect("parse");
        assert_eq!(m.tool_calls.len(), 1);
        assert!(
            m.tool_calls[0].arguments.is_object(),
            "string arguments become an object"
        );
        let m = parse_message(&sample("tool-calls.json")).expect("parse");
        assert_eq!(m.tool_calls.len(), 2);
        assert!(m
            .tool_calls
            .iter()
            .all(|c| !c.id.is_empty() && !c.name.is_empty()));
    }

    #[test]
    fn legacy_function_call_and_flattened_forms() {
        let m = parse_message(&sample("function-call.legacy.json")).expect("parse");
        assert_eq!(m.tool_calls.len(), 1);
        assert!(!m.tool_calls[0].name.is_empty());
        let body = json!({"message": {"type": "tool-calls", "toolCallList": [
            {"id": "t1", "name": "getTicketStatus", "parameters": {"ticketId": "44109"}}
        ], "toolWithToolCallList": [{"async": true, "toolCall": {"id": "t1"}}]}});
        let m = parse_message(body.to_string().as_bytes()).expect("parse");
        assert_eq!(m.tool_calls[0].name, "getTicketStatus");
        assert_eq!(m.tool_calls[0].arguments, json!({"ticketId": "44109"}));
        assert!(m.tool_calls[0].is_async);
    }
}
