//! The four tools' JSON-schema definitions, loaded from `config/tools.json` (the one place
//! they are written), and the argument validation driven by them. The same text is what
//! `callwarden assistant tools` prints for the Vapi assistant, so schema and handlers
//! cannot drift: a keyword the validator does not implement is a load error, and a tool
//! without a handler (or a handler without a tool) fails the unit tests.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Map, Value};

/// `config/tools.json`, compiled into the binary.
pub const TOOLS_JSON: &str = include_str!("../../../config/tools.json");

/// Schema keywords the validator implements for a parameter.
const PROPERTY_KEYWORDS: &[&str] = &[
    "type",
    "description",
    "minLength",
    "maxLength",
    "pattern",
    "enum",
];

/// Why `config/tools.json` cannot be used.
#[derive(Debug, Clone, thiserror::Error)]
#[error("config/tools.json: {0}")]
pub struct SchemaError(String);

/// Why a tool call's arguments were refused. The message names the argument and the
/// expected form, never the value (arguments are PII).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArgumentError {
    /// No tool of that name is defined.
    #[error("the {0} tool is not available on this line")]
    UnknownTool(String),
    /// The arguments are not a JSON object.
    #[error("the arguments must be an object")]
    NotAnObject,
    /// A required argument is absent or empty.
    #[error("{0} is required")]
    Missing(String),
    /// An argument has the wrong JSON type.
    #[error("{name} must be a {expected}")]
    WrongType {
        /// Argument name.
        name: String,
        /// Expected JSON type.
        expected: &'static str,
    },
    /// An argument is too short or too long.
    #[error("{name} must be between {min} and {max} characters long")]
    Length {
        /// Argument name.
        name: String,
        /// Minimum length.
        min: usize,
        /// Maximum length.
        max: usize,
    },
    /// An argument does not have the documented format.
    #[error("{name} must look like {hint}")]
    Format {
        /// Argument name.
        name: String,
        /// The format, from the schema description.
        hint: String,
    },
    /// An argument is not one of the allowed values.
    #[error("{name} must be one of: {allowed}")]
    NotAllowed {
        /// Argument name.
        name: String,
        /// The allowed values, comma separated.
        allowed: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum JsonType {
    String,
    Integer,
    Boolean,
}

#[derive(Debug, Clone)]
struct PropertySchema {
    kind: JsonType,
    min_length: usize,
    max_length: usize,
    pattern: Option<Regex>,
    hint: String,
    allowed: Option<Vec<String>>,
}

/// One tool's parameter schema.
#[derive(Debug, Clone)]
pub struct ToolSchema {
    name: String,
    is_async: bool,
    properties: BTreeMap<String, PropertySchema>,
    required: Vec<String>,
}

impl ToolSchema {
    /// The tool's function name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// `async` as configured in `config/tools.json`.
    pub fn is_async(&self) -> bool {
        self.is_async
    }
}

/// All tool definitions of `config/tools.json`, parsed and checked.
#[derive(Debug, Clone)]
pub struct ToolSchemas {
    definitions: Vec<Value>,
    tools: BTreeMap<String, ToolSchema>,
}

static SHIPPED: LazyLock<Result<ToolSchemas, SchemaError>> =
    LazyLock::new(|| ToolSchemas::parse(TOOLS_JSON));

/// The shipped definitions (`config/tools.json`). An error here is a build defect caught by
/// the unit tests; callers turn it into a start-up failure.
pub fn shipped_schemas() -> Result<&'static ToolSchemas, SchemaError> {
    SHIPPED.as_ref().map_err(Clone::clone)
}

fn bad(msg: impl Into<String>) -> SchemaError {
    SchemaError(msg.into())
}

fn parse_property(tool: &str, name: &str, v: &Value) -> Result<PropertySchema, SchemaError> {
    let obj = v
        .as_object()
        .ok_or_else(|| bad(format!("{tool}.{name}: property schema must be an object")))?;
    if let Some(k) = obj
        .keys()
        .find(|k| !PROPERTY_KEYWORDS.contains(&k.as_str()))
    {
        return Err(bad(format!(
            "{tool}.{name}: keyword {k:?} is not implemented by the validator"
        )));
    }
    let kind = match obj.get("type").and_then(Value::as_str) {
        Some("string") => JsonType::String,
        Some("integer") => JsonType::Integer,
        Some("boolean") => JsonType::Boolean,
        other => return Err(bad(format!("{tool}.{name}: unsupported type {other:?}"))),
    };
    let usize_of = |k: &str| -> Result<Option<usize>, SchemaError> {
        match obj.get(k) {
            None => Ok(None),
            Some(v) => v
                .as_u64()
                .and_then(|n| usize::try_from(n).ok())
                .map(Some)
                .ok_or_else(|| bad(format!("{tool}.{name}.{k} must be a non-negative integer"))),
        }
    };
    let pattern = match obj.get("pattern") {
        None => None,
        Some(p) => {
            let p = p
                .as_str()
                .ok_or_else(|| bad(format!("{tool}.{name}.pattern")))?;
            Some(Regex::new(p).map_err(|e| bad(format!("{tool}.{name}.pattern: {e}")))?)
        }
    };
    let allowed = match obj.get("enum") {
        None => None,
        Some(Value::Array(values)) => Some(
            values
                .iter()
                .map(|v| v.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| bad(format!("{tool}.{name}.enum must hold strings")))?,
        ),
        Some(_) => return Err(bad(format!("{tool}.{name}.enum must be an array"))),
    };
    let description = obj.get("description").and_then(Value::as_str).unwrap_or("");
    let hint = description
        .split_once("format ")
        .map(|(_, f)| f.trim_end_matches('.').to_owned())
        .unwrap_or_else(|| "the documented format".to_owned());
    Ok(PropertySchema {
        kind,
        min_length: usize_of("minLength")?.unwrap_or(0),
        max_length: usize_of("maxLength")?.unwrap_or(4096),
        pattern,
        hint,
        allowed,
    })
}

fn parse_tool(def: &Value) -> Result<ToolSchema, SchemaError> {
    let function = def
        .get("function")
        .ok_or_else(|| bad("every tool needs a `function` object"))?;
    let name = function
        .get("name")
        .and_then(Value::as_str)
        .filter(|n| {
            !n.is_empty()
                && n.len() <= 64
                && n.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        })
        .ok_or_else(|| bad("function.name must be 1-64 of [A-Za-z0-9_-]"))?
        .to_owned();
    if def.get("type").and_then(Value::as_str) != Some("function") {
        return Err(bad(format!("{name}: type must be \"function\"")));
    }
    let params = function
        .get("parameters")
        .and_then(Value::as_object)
        .ok_or_else(|| bad(format!("{name}: function.parameters must be an object")))?;
    if let Some(k) = params
        .keys()
        .find(|k| !["type", "properties", "required"].contains(&k.as_str()))
    {
        return Err(bad(format!(
            "{name}: parameters keyword {k:?} is not implemented"
        )));
    }
    let mut properties = BTreeMap::new();
    if let Some(props) = params.get("properties").and_then(Value::as_object) {
        for (prop, schema) in props {
            properties.insert(prop.clone(), parse_property(&name, prop, schema)?);
        }
    }
    let required: Vec<String> = match params.get("required") {
        None => Vec::new(),
        Some(Value::Array(r)) => r
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        Some(_) => return Err(bad(format!("{name}: required must be an array"))),
    };
    if let Some(r) = required.iter().find(|r| !properties.contains_key(*r)) {
        return Err(bad(format!(
            "{name}: required {r:?} has no property schema"
        )));
    }
    Ok(ToolSchema {
        name,
        is_async: def.get("async").and_then(Value::as_bool).unwrap_or(false),
        properties,
        required,
    })
}

impl ToolSchemas {
    /// Parse and check tool definitions (a JSON array of Vapi function tools).
    pub fn parse(text: &str) -> Result<Self, SchemaError> {
        let value: Value = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
        let definitions = value
            .as_array()
            .ok_or_else(|| bad("the file must be a JSON array of tools"))?
            .clone();
        let mut tools = BTreeMap::new();
        for def in &definitions {
            let tool = parse_tool(def)?;
            if tools.insert(tool.name.clone(), tool).is_some() {
                return Err(bad("duplicate tool name"));
            }
        }
        Ok(Self { definitions, tools })
    }

    /// The Vapi tool definitions as written in the file.
    pub fn definitions(&self) -> &[Value] {
        &self.definitions
    }

    /// Tool names, sorted.
    pub fn names(&self) -> Vec<&str> {
        self.tools.keys().map(String::as_str).collect()
    }

    /// The schema of `name`.
    pub fn tool(&self, name: &str) -> Option<&ToolSchema> {
        self.tools.get(name)
    }

    /// Validate `args` for tool `name`: every required argument present and non-empty,
    /// every known argument of the right type, length, format and value set. Strings are
    /// trimmed; unknown arguments are dropped (they are never stored or echoed).
    pub fn validate(&self, name: &str, args: &Value) -> Result<Map<String, Value>, ArgumentError> {
        let tool = self.tools.get(name).ok_or_else(|| {
            ArgumentError::UnknownTool(crate::webhook::tool_runner::spoken_name(name))
        })?;
        let empty = Map::new();
        let obj = match args {
            Value::Object(o) => o,
            Value::Null => &empty,
            _ => return Err(ArgumentError::NotAnObject),
        };
        let mut out = Map::new();
        for (prop, schema) in &tool.properties {
            let Some(v) = obj.get(prop).filter(|v| !v.is_null()) else {
                continue;
            };
            out.insert(prop.clone(), check_property(prop, schema, v)?);
        }
        for r in &tool.required {
            let present = match out.get(r) {
                Some(Value::String(s)) => !s.is_empty(),
                Some(_) => true,
                None => false,
            };
            if !present {
                return Err(ArgumentError::Missing(r.clone()));
            }
        }
        Ok(out)
    }
}

fn check_property(prop: &str, schema: &PropertySchema, v: &Value) -> Result<Value, ArgumentError> {
    match schema.kind {
        JsonType::Boolean => v
            .as_bool()
            .map(Value::Bool)
            .ok_or(ArgumentError::WrongType {
                name: prop.to_owned(),
                expected: "boolean",
            }),
        JsonType::Integer => v.as_i64().map(Value::from).ok_or(ArgumentError::WrongType {
            name: prop.to_owned(),
            expected: "whole number",
        }),
        JsonType::String => {
            let s = v
                .as_str()
                .ok_or(ArgumentError::WrongType {
                    name: prop.to_owned(),
                    expected: "text",
                })?
                .trim();
            if s.is_empty() {
                return Err(ArgumentError::Missing(prop.to_owned()));
            }
            let len = s.chars().count();
            if len < schema.min_length || len > schema.max_length {
                return Err(match &schema.pattern {
                    Some(_) => ArgumentError::Format {
                        name: prop.to_owned(),
                        hint: schema.hint.clone(),
                    },
                    None => ArgumentError::Length {
                        name: prop.to_owned(),
                        min: schema.min_length,
                        max: schema.max_length,
                    },
                });
            }
            if let Some(p) = &schema.pattern {
                if !p.is_match(s) {
                    return Err(ArgumentError::Format {
                        name: prop.to_owned(),
                        hint: schema.hint.clone(),
                    });
                }
            }
            if let Some(allowed) = &schema.allowed {
                if !allowed.iter().any(|a| a == s) {
                    return Err(ArgumentError::NotAllowed {
                        name: prop.to_owned(),
                        allowed: allowed.join(", "),
                    });
                }
            }
            Ok(Value::String(s.to_owned()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schemas() -> &'static ToolSchemas {
        shipped_schemas().expect("config/tools.json parses")
    }

    #[test]
    fn shipped_file_defines_exactly_the_four_tools() {
        assert_eq!(
            schemas().names(),
            [
                "createTicket",
                "escalateToHuman",
                "getTicketStatus",
                "lookupAccount"
            ]
        );
    }

    #[test]
    fn valid_arguments_pass_and_are_trimmed() {
        let v = schemas()
            .validate(
                "lookupAccount",
                &json!({"accountId": " AC-88213457 ", "extra": "x"}),
            )
            .expect("valid");
        assert_eq!(v.get("accountId"), Some(&json!("AC-88213457")));
        assert!(!v.contains_key("extra"), "unknown arguments are dropped");
        let t = json!({"subject": "Card charged twice", "description": "Two charges.", "priority": "high"});
        assert!(schemas().validate("createTicket", &t).is_ok());
    }

    #[test]
    fn bad_arguments_get_errors_naming_the_argument_never_the_value() {
        let s = schemas();
        let e = s
            .validate("lookupAccount", &json!({"accountId": "4111111111111111"}))
            .unwrap_err();
        assert!(matches!(e, ArgumentError::Format { .. }));
        assert!(e.to_string().contains("accountId") && !e.to_string().contains("4111"));
        assert_eq!(
            s.validate("lookupAccount", &json!({})).unwrap_err(),
            ArgumentError::Missing("accountId".into())
        );
        assert_eq!(
            s.validate("lookupAccount", &json!({"accountId": "  "}))
                .unwrap_err(),
            ArgumentError::Missing("accountId".into())
        );
        assert!(matches!(
            s.validate("lookupAccount", &json!({"accountId": 5}))
                .unwrap_err(),
            ArgumentError::WrongType { .. }
        ));
        assert_eq!(
            s.validate("lookupAccount", &json!([1])).unwrap_err(),
            ArgumentError::NotAnObject
        );
        let e = s
            .validate(
                "createTicket",
                &json!({"subject": "ok subject", "description": "d d d", "priority": "asap"}),
            )
            .unwrap_err();
        assert!(matches!(e, ArgumentError::NotAllowed { .. }));
        let long = "x".repeat(2001);
        let e = s
            .validate(
                "createTicket",
                &json!({"subject": "ok subject", "description": long, "priority": "low"}),
            )
            .unwrap_err();
        assert!(matches!(e, ArgumentError::Length { max: 2000, .. }));
        assert!(matches!(
            s.validate("nope", &json!({})).unwrap_err(),
            ArgumentError::UnknownTool(_)
        ));
    }

    #[test]
    fn unimplemented_keywords_are_load_errors() {
        let text = r#"[{"type":"function","function":{"name":"t","parameters":{"type":"object","properties":{"a":{"type":"string","format":"email"}}}}}]"#;
        assert!(ToolSchemas::parse(text).is_err());
        let text = r#"[{"type":"function","function":{"name":"t","parameters":{"type":"object","properties":{},"required":["a"]}}}]"#;
        assert!(ToolSchemas::parse(text).is_err());
    }
}
