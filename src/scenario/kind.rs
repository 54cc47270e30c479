//! What kind of file this is, from its first bytes and top-level keys:
//! a scenario, a tokenrace trace, YAML, an npm `package.json`, other JSON.
//! The loader turns a wrong kind into one located problem that says what
//! the file looks like; folder discovery (`discover.rs`) skips every kind
//! but a scenario with a note saying why.

use serde::de::IgnoredAny;
use std::collections::BTreeMap;

/// The kinds of file users hand to tokenrace by mistake.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A JSON object with `clients` or `script`, or text that mentions one
    /// of them (a scenario with a syntax error is still a scenario).
    Scenario,
    /// A trace written by `run --trace`, `explore` or `check`.
    Trace,
    /// Not JSON, and shaped like YAML (`key: value` lines, `---`).
    Yaml,
    /// An npm manifest (or lock file).
    PackageJson,
    /// Something else; the text says what (for "not a scenario: …").
    Other(String),
}

/// Keys only a trace has at its top level.
const TRACE_KEYS: [&str; 4] = ["format", "tool", "choices", "steps"];
/// Keys of npm's `package.json` and `package-lock.json`.
const NPM_KEYS: [&str; 7] = [
    "dependencies",
    "devDependencies",
    "peerDependencies",
    "scripts",
    "main",
    "lockfileVersion",
    "packages",
];
/// Keys a scenario names that no other common JSON file does.
const SCENARIO_KEYS: [&str; 2] = ["clients", "script"];

/// Classifies file content (already known to be UTF-8).
pub fn sniff(text: &str) -> Kind {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match serde_json::from_str::<BTreeMap<String, IgnoredAny>>(text) {
        Ok(keys) => of_object(&keys),
        Err(_) if serde_json::from_str::<IgnoredAny>(text).is_ok() => {
            Kind::Other("JSON, but not an object".into())
        }
        Err(_) if looks_like_yaml(text) => Kind::Yaml,
        Err(_)
            if SCENARIO_KEYS
                .iter()
                .any(|k| text.contains(&format!("\"{k}\""))) =>
        {
            Kind::Scenario
        }
        Err(_) => Kind::Other(format!(
            "not valid JSON, and it names neither {}",
            quoted_keys()
        )),
    }
}

fn quoted_keys() -> String {
    SCENARIO_KEYS.map(|k| format!("\"{k}\"")).join(" nor ")
}

fn of_object(keys: &BTreeMap<String, IgnoredAny>) -> Kind {
    let has = |k: &str| keys.contains_key(k);
    if TRACE_KEYS.iter().filter(|k| has(k)).count() >= 2 && has("scenario") {
        return Kind::Trace;
    }
    if SCENARIO_KEYS.iter().any(|k| has(k)) {
        return Kind::Scenario;
    }
    if NPM_KEYS.iter().any(|k| has(k)) {
        return Kind::PackageJson;
    }
    Kind::Other(format!(
        "a JSON object with neither {} at the top level",
        quoted_keys()
    ))
}

/// `---`, `%YAML`, or a first content line `key: value` / `- item` that
/// is not JSON.
fn looks_like_yaml(text: &str) -> bool {
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'));
    let Some(first) = first else {
        return false;
    };
    if first.starts_with("---") || first.starts_with("%YAML") || first.starts_with("- ") {
        return true;
    }
    match first.split_once(':') {
        Some((key, rest)) => {
            let key = key.trim_matches(|c| c == '"' || c == '\'');
            !key.is_empty()
                && key
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '$' | ' ' | '.'))
                && (rest.is_empty() || rest.starts_with(' '))
        }
        None => false,
    }
}

impl Kind {
    /// Why this is not a scenario, for a refusal or a "skipped" note;
    /// `file` is the path as the user gave it (for the command to run).
    pub fn why_not_a_scenario(&self, file: &str) -> Option<String> {
        Some(match self {
            Kind::Scenario => return None,
            Kind::Trace => format!(
                "this is a tokenrace trace: use `tokenrace replay {file}` (or `tokenrace render`)"
            ),
            Kind::Yaml => "this looks like YAML; scenarios are JSON (convert it, e.g. `yq -o=json FILE.yaml`, and keep the same fields)".into(),
            Kind::PackageJson => "this looks like an npm package.json".into(),
            Kind::Other(what) => what.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_the_kinds_apart() {
        let scenario = r#"{"name": "x", "clients": [], "script": []}"#;
        assert_eq!(sniff(scenario), Kind::Scenario);
        assert_eq!(sniff("{\"name\": \"x\", \"clients\": [,]}"), Kind::Scenario);
        let trace = r#"{"format": 1, "tool": "tokenrace 0.1.0", "scenario": {}, "choices": []}"#;
        assert_eq!(sniff(trace), Kind::Trace);
        assert_eq!(sniff("name: x\nclients:\n  - name: tab1\n"), Kind::Yaml);
        assert_eq!(sniff("---\nname: x\n"), Kind::Yaml);
        assert_eq!(sniff("# a scenario\nname: x\n"), Kind::Yaml);
        let npm = r#"{"name": "web", "version": "1.0.0", "scripts": {"test": "jest"}}"#;
        assert_eq!(sniff(npm), Kind::PackageJson);
        assert!(matches!(
            sniff(r#"{"compilerOptions": {}}"#),
            Kind::Other(_)
        ));
        assert!(matches!(sniff("[1, 2]"), Kind::Other(_)));
        assert!(matches!(sniff("{\"a\": 1,,}"), Kind::Other(_)));
    }
}
