//! `tokenrace presets` end to end, and presets through the loader as the
//! binary sees them: the table, one preset in full, JSON, an unknown name,
//! and a scenario file that names a preset.

use crate::cli::tokenrace;
use tokenrace::scenario::presets::PRESETS;

#[test]
fn presets_lists_every_preset_with_its_main_values() {
    let out = tokenrace(&["presets"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let header = out.stdout.lines().next().expect("a header line");
    for column in [
        "preset",
        "vendor",
        "access_ttl",
        "rotation",
        "grace",
        "reuse",
    ] {
        assert!(header.contains(column), "{header}");
    }
    for preset in PRESETS.iter() {
        let line = out
            .stdout
            .lines()
            .find(|l| l.starts_with(&format!("{} ", preset.name_text)))
            .unwrap_or_else(|| panic!("{} not listed:\n{}", preset.name_text, out.stdout));
        assert!(line.contains(preset.vendor), "{line}");
    }
    let auth0 = out
        .stdout
        .lines()
        .find(|l| l.starts_with("auth0 "))
        .unwrap();
    let cells: Vec<&str> = auth0.split_whitespace().collect();
    assert_eq!(cells[1..5], ["Auth0", "1d", "30d", "absolute"], "{auth0}");
}

#[test]
fn presets_name_shows_every_value_its_sources_and_its_limits() {
    let out = tokenrace(&["presets", "supabase"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out
        .stdout
        .starts_with("preset supabase (Supabase Auth (GoTrue))\n"));
    for field in tokenrace::scenario::presets::AUTH_FIELDS {
        assert!(
            out.stdout
                .lines()
                .any(|l| l.starts_with(&format!("{field} "))),
            "{field} missing:\n{}",
            out.stdout
        );
    }
    assert!(
        out.stdout.contains("grace             10s"),
        "{}",
        out.stdout
    );
    assert!(out
        .stdout
        .contains("https://supabase.com/docs/guides/auth/sessions"));
    assert!(out.stdout.contains("what the model cannot express:"));
}

#[test]
fn presets_json_is_the_table_as_data() {
    let out = tokenrace(&["presets", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let list: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    let list = list.as_array().expect("a list");
    assert_eq!(list.len(), PRESETS.len());
    assert_eq!(list[0]["name"], "auth0");
    assert_eq!(list[0]["auth"]["refresh_error"], 403);
    assert_eq!(list[0]["auth"]["grace_returns"], "new");
    assert!(list[0]["auth"].get("preset").is_none());
    let one = tokenrace(&["presets", "okta", "--format", "json"]);
    let one: serde_json::Value = serde_json::from_str(&one.stdout).expect("JSON");
    assert_eq!(one["auth"]["grace"], "30s");
    assert_eq!(one["basis"].as_array().map(Vec::len), Some(14));
}

#[test]
fn an_unknown_preset_name_exits_two_with_a_suggestion() {
    let out = tokenrace(&["presets", "keycloak-strict"]);
    assert_eq!(out.code, 2);
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr.contains("did you mean \"keycloak_strict\"?"),
        "{}",
        out.stderr
    );
}

#[test]
fn validate_locates_an_unknown_preset_in_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("typo.json");
    let text = "{\"name\": \"t\",\n \"auth\": {\"preset\": \"okat\"},\n \"clients\": [{\"name\": \"tab1\"}], \"script\": []}";
    std::fs::write(&file, text).unwrap();
    let out = tokenrace(&["validate", file.to_str().unwrap()]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("typo.json:2:21: error: auth.preset: expected one of"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("did you mean \"okta\"?"),
        "{}",
        out.stderr
    );
}

#[test]
fn the_schema_lists_the_preset_names() {
    let out = tokenrace(&["schema"]);
    let schema: serde_json::Value = serde_json::from_str(&out.stdout).expect("schema is JSON");
    let names = schema["definitions"]["PresetName"]["enum"]
        .as_array()
        .expect("an enum of preset names");
    let listed: Vec<&str> = names.iter().filter_map(|n| n.as_str()).collect();
    let table: Vec<&str> = PRESETS.iter().map(|p| p.name_text).collect();
    assert_eq!(listed, table);
    assert!(schema["definitions"]["Auth"]["properties"]["preset"].is_object());
}

#[test]
fn a_preset_trace_carries_the_resolved_values_and_replays() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().to_str().unwrap();
    let scenario = "scenarios/failures/preset-auth0-defaults-naive-race.json";
    let out = tokenrace(&["explore", scenario, "--out", out_dir]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let trace = dir
        .path()
        .join("preset-auth0-defaults-naive-race.no_error_while_refresh_valid.trace.json");
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&trace).unwrap()).unwrap();
    let auth = &saved["scenario"]["auth"];
    assert_eq!(auth["preset"], "auth0", "the name stays as provenance");
    assert_eq!(
        auth["access_ttl"], "1d",
        "every resolved value is written out"
    );
    assert_eq!(auth["refresh_error"], 403);
    let replayed = tokenrace(&["replay", trace.to_str().unwrap()]);
    assert_eq!(replayed.code, 1, "{}", replayed.stderr);
    assert!(
        replayed.stdout.contains("403 (RT1 rejected)"),
        "{}",
        replayed.stdout
    );
}
