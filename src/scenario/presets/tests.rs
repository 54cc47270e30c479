//! The preset table is complete and consistent, and the merge (preset
//! first, written fields over it) holds on every path that reads `auth`.

use super::*;
use crate::scenario::{parse, Auth, Duration, Problem};

fn auth_of(json: &str) -> Auth {
    serde_json::from_str(json).expect("auth block parses")
}

fn scenario_with_auth(auth: &str) -> String {
    format!(
        r#"{{"name": "p", "auth": {auth}, "clients": [{{"name": "tab1"}}],
            "script": [{{"at": "0s", "do": "login", "client": "tab1"}}]}}"#
    )
}

fn first_problem(text: &str) -> Problem {
    parse(text, "p.json").unwrap_err().problems()[0].clone()
}

#[test]
fn every_name_has_one_entry_spelled_as_serde_spells_it() {
    for preset in PRESETS.iter() {
        let serde_name = serde_json::to_value(preset.name).unwrap();
        assert_eq!(serde_name, serde_json::json!(preset.name_text));
        assert_eq!(PresetName::parse(preset.name_text), Some(preset.name));
        assert_eq!(preset.name.preset().name_text, preset.name_text);
        let count = PRESETS.iter().filter(|p| p.name == preset.name).count();
        assert_eq!(count, 1, "{} appears {count} times", preset.name_text);
    }
    let schema_names = crate::scenario::schema::schema_value()["definitions"]["PresetName"]["enum"]
        .as_array()
        .expect("the schema lists the preset names")
        .len();
    assert_eq!(schema_names, PRESETS.len(), "a name without a table entry");
}

#[test]
fn the_field_list_matches_what_auth_serialises() {
    let value = serde_json::to_value(Auth::default()).unwrap();
    let mut serialised: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    let mut listed = AUTH_FIELDS.to_vec();
    serialised.sort_unstable();
    listed.sort_unstable();
    assert_eq!(
        serialised, listed,
        "AUTH_FIELDS, AuthFields and the presets need the new field"
    );
}

#[test]
fn every_preset_explains_every_auth_field_once() {
    for preset in PRESETS.iter() {
        let fields: Vec<String> = field_values(&preset.auth)
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        let explained: Vec<&str> = preset.basis.iter().map(|b| b.field).collect();
        assert_eq!(
            explained, fields,
            "{}: basis out of field order",
            preset.name
        );
        assert!(preset.basis.iter().all(|b| !b.why.is_empty()));
    }
}

#[test]
fn every_preset_has_sources_and_notes() {
    for preset in PRESETS.iter() {
        assert!(!preset.sources.is_empty(), "{}", preset.name);
        assert!(preset.sources.iter().all(|s| s.url.starts_with("https://")));
        assert!(!preset.cannot_express.is_empty(), "{}", preset.name);
        assert_eq!(preset.auth.preset, None, "the table holds bare values");
    }
}

#[test]
fn a_preset_alone_resolves_to_its_values_and_keeps_its_name() {
    for preset in PRESETS.iter() {
        let auth = auth_of(&format!(r#"{{"preset": "{}"}}"#, preset.name_text));
        assert_eq!(auth, preset.resolved());
        assert_eq!(auth.preset, Some(preset.name));
    }
}

#[test]
fn written_fields_override_the_preset_and_the_rest_stays() {
    let auth = auth_of(r#"{"preset": "auth0", "grace": "30s", "refresh_error": 400}"#);
    let expected = Auth {
        grace: Duration(30_000),
        refresh_error: 400,
        ..PresetName::Auth0.preset().resolved()
    };
    assert_eq!(auth, expected);
    // Field order in the file does not matter: the preset always goes first.
    let reordered = auth_of(r#"{"grace": "30s", "refresh_error": 400, "preset": "auth0"}"#);
    assert_eq!(reordered, expected);
}

#[test]
fn an_explicit_null_is_a_written_value() {
    let fields: AuthFields = serde_json::from_str(r#"{"grace_uses": null}"#).unwrap();
    assert_eq!(fields.grace_uses, Some(None));
    let absent: AuthFields = serde_json::from_str("{}").unwrap();
    assert_eq!(absent.grace_uses, None);
    let limited = Auth::from(AuthFields {
        preset: Some(PresetName::Hydra),
        grace_uses: Some(Some(3)),
        ..serde_json::from_str("{}").unwrap()
    });
    assert_eq!(limited.grace_uses, Some(3));
    let unlimited = Auth::from(AuthFields {
        preset: Some(PresetName::Hydra),
        ..fields
    });
    assert_eq!(unlimited.grace_uses, None, "an explicit null is kept");
    assert_eq!(unlimited.preset, Some(PresetName::Hydra));
}

#[test]
fn without_a_preset_the_format_defaults_apply() {
    assert_eq!(auth_of("{}"), Auth::default());
    assert_eq!(auth_of(r#"{"preset": null}"#), Auth::default());
}

#[test]
fn the_resolved_block_round_trips_so_traces_need_no_table() {
    for preset in PRESETS.iter() {
        let resolved = Auth {
            grace: Duration(7_000),
            ..preset.resolved()
        };
        let text = serde_json::to_string(&resolved).unwrap();
        assert!(text.contains(&format!(r#""preset":"{}""#, preset.name_text)));
        assert!(text.contains(r#""grace":"7s""#), "{text}");
        assert_eq!(auth_of(&text), resolved);
    }
    let plain = serde_json::to_string(&Auth::default()).unwrap();
    assert!(!plain.contains("preset"), "no preset, no key: {plain}");
}

#[test]
fn every_preset_loads_and_validates_in_this_version() {
    for preset in PRESETS.iter() {
        let text = scenario_with_auth(&format!(r#"{{"preset": "{}"}}"#, preset.name_text));
        let loaded = parse(&text, "p.json").unwrap_or_else(|e| panic!("{}: {e}", preset.name_text));
        assert_eq!(loaded.scenario.auth, preset.resolved());
    }
}

#[test]
fn an_unknown_preset_is_located_with_a_suggestion() {
    let text = scenario_with_auth(r#"{"preset": "auth1"}"#);
    let problem = first_problem(&text);
    assert_eq!(problem.path, "auth.preset");
    assert_eq!((problem.line, problem.column), (Some(1), Some(34)));
    assert!(
        problem.expected.contains("\"keycloak_strict\""),
        "{problem}"
    );
    assert_eq!(problem.found.as_deref(), Some("\"auth1\""));
    assert_eq!(problem.note.as_deref(), Some("did you mean \"auth0\"?"));
    let typo = first_problem(&scenario_with_auth(r#"{"preset": "keycloack"}"#));
    assert_eq!(typo.note.as_deref(), Some("did you mean \"keycloak\"?"));
}

#[test]
fn an_unknown_auth_field_still_names_the_known_ones() {
    let problem = first_problem(&scenario_with_auth(r#"{"preset": "okta", "gracee": "1s"}"#));
    assert_eq!(problem.path, "auth.gracee");
    assert!(problem.expected.contains("\"preset\""), "{problem}");
    assert_eq!(problem.note.as_deref(), Some("did you mean \"grace\"?"));
}

#[test]
fn a_bad_value_next_to_a_preset_is_located_at_the_value() {
    let problem = first_problem(&scenario_with_auth(r#"{"preset": "okta", "grace": "30x"}"#));
    assert_eq!(problem.path, "auth.grace");
    assert!(problem.expected.starts_with("a duration like"), "{problem}");
}

#[test]
fn a_problem_caused_by_a_preset_value_says_where_it_came_from() {
    // keycloak's 5 min access tokens make a 10 min proactive timer invalid.
    let text = r#"{"name": "p", "auth": {"preset": "keycloak"},
        "clients": [{"name": "tab1", "proactive": "10m"}], "script": []}"#;
    let problem = first_problem(text);
    assert_eq!(problem.path, "clients[0].proactive");
    assert!(
        problem.expected.contains("(5m, with preset \"keycloak\")"),
        "{problem}"
    );
    // A written value is the user's own: no provenance note.
    let written = r#"{"name": "p", "auth": {"preset": "keycloak", "refresh_error": 99},
        "clients": [{"name": "tab1"}], "script": []}"#;
    let problem = first_problem(written);
    assert_eq!(problem.path, "auth.refresh_error");
    assert!(
        !problem.to_string().contains("comes from preset"),
        "{problem}"
    );
}

#[test]
fn the_schema_describes_the_preset_field_in_user_terms() {
    use crate::scenario::load::walk::Seg;
    use crate::scenario::schema;
    let node = schema::at(&[Seg::Key("auth".into()), Seg::Key("preset".into())])
        .expect("auth.preset is in the schema");
    let text = schema::describe(node);
    assert!(text.starts_with("one of \"auth0\", \"okta\""), "{text}");
    assert!(text.ends_with("\"oidc_provider\" or null"), "{text}");
}
