//! The JSON Schema of the scenario format, for editors and `tokenrace schema`.
//!
//! The schema is derived from the [`Scenario`](super::Scenario) types, then
//! tightened where derive cannot see the rules (link names, invariant keys,
//! which `do` takes which field). The loader also reads it to say what a
//! field expects in user terms, so messages and schema cannot drift apart.

use super::validate::LINKS;
use super::Invariant;
use crate::scenario::load::walk::Seg;
use serde_json::{json, Value};
use std::sync::OnceLock;

/// The schema as pretty-printed JSON.
pub fn json_schema() -> String {
    serde_json::to_string_pretty(schema_value()).unwrap_or_default()
}

/// The schema as a JSON value, built once.
pub fn schema_value() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let mut schema =
            serde_json::to_value(schemars::schema_for!(super::Scenario)).unwrap_or(Value::Null);
        tighten(&mut schema);
        schema
    })
}

/// What derive cannot express: allowed map keys and the fields each `do` uses.
fn tighten(schema: &mut Value) {
    schema["title"] = json!("tokenrace scenario");
    let invariants: Vec<&str> = Invariant::ALL.iter().map(|i| i.name()).collect();
    schema["properties"]["expect"]["propertyNames"] = json!({ "enum": invariants });
    let defs = &mut schema["definitions"];
    defs["Network"]["properties"]["links"]["propertyNames"] = json!({ "enum": LINKS });
    let rule = |kind: &str, required: &[&str], absent: &[&str]| {
        let absent: serde_json::Map<String, Value> = absent
            .iter()
            .map(|f| (f.to_string(), json!(false)))
            .collect();
        json!({
            "if": { "properties": { "do": { "const": kind } } },
            "then": { "required": required, "properties": absent }
        })
    };
    defs["Action"]["allOf"] = json!([
        rule("login", &["client"], &["count", "token", "by"]),
        rule("request", &["client"], &["token", "by"]),
        rule("logout", &["client"], &["count", "token", "by"]),
        rule("revoke_all", &[], &["client", "count", "token", "by"]),
        rule("steal", &["client", "token"], &["count", "by"]),
        rule("attack", &["token"], &["client", "count", "by"]),
        rule("skew", &["client", "by"], &["count", "token"]),
    ]);
    defs["Action"]["allOf"][5]["then"]["properties"]["token"] =
        json!({ "enum": ["access", "refresh"] });
}

/// The sub-schema describing the value at a field path, if the path exists
/// in the format.
pub fn at(segs: &[Seg]) -> Option<&'static Value> {
    let mut node = resolve(schema_value());
    for seg in segs {
        let next = match seg {
            Seg::Key(k) => node
                .get("properties")
                .and_then(|p| p.get(k))
                .or_else(|| node.get("additionalProperties").filter(|v| v.is_object())),
            Seg::Index(i) => match node.get("items")? {
                Value::Array(items) => items.get(*i),
                items => Some(items),
            },
        };
        node = resolve(next?);
    }
    Some(node)
}

/// Follows `$ref`, single-element `allOf` and nullable `anyOf` wrappers.
fn resolve(mut node: &'static Value) -> &'static Value {
    for _ in 0..8 {
        if let Some(name) = ref_name(node).filter(|n| *n != "Duration") {
            match schema_value()["definitions"].get(name) {
                Some(def) => node = def,
                None => return node,
            }
        } else if let Some([only]) = node
            .get("allOf")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
        {
            node = only;
        } else {
            return node;
        }
    }
    node
}

fn ref_name(node: &Value) -> Option<&str> {
    node.get("$ref")?.as_str()?.strip_prefix("#/definitions/")
}

/// The user-facing text for a duration, shared with every duration message.
pub const DURATION: &str = super::duration::EXPECTED;

/// What a value matching `node` looks like, in user terms.
pub fn describe(node: &Value) -> String {
    if ref_name(node) == Some("Duration") {
        return DURATION.into();
    }
    if let Some([only]) = node
        .get("allOf")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
    {
        return describe(only);
    }
    if let Some(name) = ref_name(node) {
        if let Some(def) = schema_value()["definitions"].get(name) {
            return describe(def);
        }
    }
    if let Some(options) = node.get("anyOf").and_then(Value::as_array) {
        let parts: Vec<String> = options.iter().map(describe).collect();
        return parts.join(" or ");
    }
    if let Some(values) = node.get("enum").and_then(Value::as_array) {
        let names: Vec<String> = values.iter().map(|v| v.to_string()).collect();
        return one_of(&names);
    }
    match node.get("type") {
        Some(Value::Array(types)) => {
            let parts: Vec<String> = types
                .iter()
                .map(|t| describe_type(node, t.as_str().unwrap_or("")))
                .collect();
            parts.join(" or ")
        }
        Some(Value::String(t)) => describe_type(node, t),
        _ => "a valid value".into(),
    }
}

fn describe_type(node: &Value, kind: &str) -> String {
    let min = node.get("minimum").and_then(Value::as_f64);
    let max = node.get("maximum").and_then(Value::as_f64);
    match kind {
        "null" => "null".into(),
        "boolean" => "true or false".into(),
        "string" => "a string".into(),
        "number" if min == Some(0.0) && max == Some(1.0) => "a probability in [0, 1]".into(),
        "number" => "a number".into(),
        "integer" => {
            let max = match (max, node.get("format").and_then(Value::as_str)) {
                (Some(max), _) => Some(format!("{max}")),
                (None, Some("uint16")) => Some(u16::MAX.to_string()),
                (None, Some("uint32")) => Some(u32::MAX.to_string()),
                (None, Some("uint64")) => Some(u64::MAX.to_string()),
                _ => None,
            };
            match (min, max) {
                (Some(lo), Some(hi)) => format!("a whole number in {lo}..={hi}"),
                (Some(lo), None) => format!("a whole number ≥ {lo}"),
                _ => "a whole number".into(),
            }
        }
        "array" => describe_list(node),
        "object" => "an object { … }".into(),
        _ => "a valid value".into(),
    }
}

fn describe_list(node: &Value) -> String {
    let items = node.get("items").unwrap_or(&Value::Null);
    let pair = node.get("minItems") == Some(&json!(2)) && node.get("maxItems") == Some(&json!(2));
    if pair && ref_name(items) == Some("Duration") {
        return "a window [\"min\", \"max\"] of two durations, like [\"5ms\", \"80ms\"]".into();
    }
    match ref_name(items) {
        Some("Invariant") => "a list of invariant names".into(),
        Some("Client") => "a list of client objects".into(),
        Some("Action") => "a list of script entries".into(),
        Some("Selector") => "a list of schedule selectors".into(),
        _ => "a list".into(),
    }
}

/// `"a"`, `"a" or "b"`, `one of "a", "b", "c"` (items already quoted).
pub fn one_of(items: &[String]) -> String {
    match items {
        [] => "nothing here".into(),
        [one] => one.clone(),
        [a, b] => format!("{a} or {b}"),
        _ => format!("one of {}", crate::scenario::error::list_choices(items)),
    }
}

/// True when the format wants an object at this place: serde would also
/// accept a list for a struct (fields by position), which must not pass.
pub fn wants_object(node: &Value) -> bool {
    node.get("type") == Some(&json!("object"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at_path(path: &[&str]) -> &'static Value {
        let segs: Vec<Seg> = path
            .iter()
            .map(|p| match p.parse() {
                Ok(i) => Seg::Index(i),
                Err(_) => Seg::Key(p.to_string()),
            })
            .collect();
        at(&segs).unwrap_or_else(|| panic!("no schema at {path:?}"))
    }

    #[test]
    fn schema_is_json_and_lists_the_top_level_properties() {
        let parsed: Value = serde_json::from_str(&json_schema()).unwrap();
        let props = parsed["properties"].as_object().unwrap();
        for field in [
            "name",
            "description",
            "seed",
            "horizon",
            "auth",
            "resource",
            "network",
            "clients",
            "script",
            "schedule",
            "check",
            "bounds",
            "explore",
            "expect",
        ] {
            assert!(props.contains_key(field), "{field} missing");
        }
        assert_eq!(parsed["required"], json!(["clients", "name", "script"]));
        assert_eq!(parsed["additionalProperties"], json!(false));
        assert_eq!(
            parsed["definitions"]["Duration"]["pattern"],
            json!(crate::scenario::duration::PATTERN)
        );
    }

    #[test]
    fn schema_carries_defaults() {
        assert_eq!(
            schema_value()["properties"]["horizon"]["default"],
            json!("2h")
        );
        assert_eq!(at_path(&["clients", "0", "retries"])["default"], json!(1));
    }

    #[test]
    fn describes_fields_in_user_terms() {
        let cases: [(&[&str], &str); 7] = [
            (
                &["clients", "0", "refresh"],
                "one of \"naive\", \"single_flight\", \"cross_tab\"",
            ),
            (&["auth", "grace"], DURATION),
            (&["network", "drop"], "a probability in [0, 1]"),
            (&["auth", "rotation"], "true or false"),
            (
                &["network", "latency"],
                "a window [\"min\", \"max\"] of two durations, like [\"5ms\", \"80ms\"]",
            ),
            (&["auth", "refresh_error"], "a whole number in 100..=599"),
            (&["expect", "no_clobber"], "\"holds\" or \"violated\""),
        ];
        for (path, text) in cases {
            assert_eq!(describe(at_path(path)), text, "{path:?}");
        }
        assert!(describe(at_path(&["clients", "0", "proactive"])).ends_with(" or null"));
        assert!(wants_object(at_path(&["network", "links", "client->auth"])));
    }
}

/// A scenario that writes every core field, shared by the schema and validation tests.
#[cfg(test)]
pub(crate) mod tests_support {
    pub const FULL_EXAMPLE: &str = r#"{
  "name": "seed-rotation-race",
  "description": "Two requests share an expired AT1 and both refresh with RT1.",
  "seed": 7,
  "horizon": "2h",
  "auth": {
    "access_ttl": "15m",
    "refresh_ttl": "30d",
    "refresh_expiry": "sliding",
    "rotation": true,
    "grace": "0s",
    "grace_returns": "same",
    "reuse": "revoke_family",
    "denylist": false,
    "refresh_error": 401
  },
  "resource": { "leeway": "0s", "check_denylist": false },
  "network": {
    "latency": ["5ms", "80ms"],
    "drop": 0.0,
    "duplicate": 0.0,
    "links": { "client->auth": { "latency": ["50ms", "400ms"] } }
  },
  "clients": [
    { "name": "tab1", "device": "laptop", "storage": "local_storage",
      "refresh": "naive", "proactive": null, "retries": 1,
      "recheck_store": false, "store_policy": "last_write_wins" }
  ],
  "script": [
    { "at": "0s",  "do": "login",   "client": "tab1" },
    { "at": "16m", "do": "request", "client": "tab1", "count": 2 }
  ],
  "schedule": [],
  "check": ["no_error_while_refresh_valid", "no_stale_overwrite"],
  "bounds": { "attacker_window": "15m" },
  "explore": { "mode": "exhaustive", "max_depth": 200 },
  "expect": { "no_error_while_refresh_valid": "violated", "no_stale_overwrite": "holds" }
}"#;

    #[test]
    fn the_spec_example_loads_and_every_key_is_in_the_schema() {
        let loaded = crate::scenario::parse(FULL_EXAMPLE, "spec.json").unwrap();
        assert!(loaded.warnings.is_empty());
        assert_eq!(loaded.scenario.explore.max_depth, 200);
        let example: serde_json::Value = serde_json::from_str(FULL_EXAMPLE).unwrap();
        let props = &super::schema_value()["properties"];
        for key in example.as_object().unwrap().keys() {
            assert!(props.get(key).is_some(), "{key} not in the schema");
        }
    }
}

/// The example and the sample message in docs/scenario-format.md stay true.
#[cfg(test)]
mod doc_tests {
    const DOC: &str = include_str!("../../docs/scenario-format.md");

    fn block(lang: &str, nth: usize) -> &'static str {
        let fence = format!("```{lang}\n");
        let start = DOC.match_indices(&fence).nth(nth).expect("block").0 + fence.len();
        let len = DOC[start..].find("```").expect("closing fence");
        &DOC[start..start + len]
    }

    #[test]
    fn the_documented_example_loads_and_its_typo_reads_as_documented() {
        let example = block("json", 0);
        let loaded = crate::scenario::parse(example, "seed.json").expect("example loads");
        assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
        let typo = example.replacen("\"naive\"", "\"singleflight\"", 1);
        let err = crate::scenario::parse(&typo, "seed.json").unwrap_err();
        let message = block("text", 0).trim();
        assert_eq!(err.to_string(), message);
    }
}
