//! The builder against the JSON loader: same values, same problems.

use super::*;
use crate::scenario::{GraceReturns, RefreshStrategy, Storage};

fn race() -> ScenarioBuilder {
    Scenario::builder("race")
        .horizon(mins(20))
        .client(Client::new("tab1"))
        .login(secs(0), "tab1")
        .request(mins(16), "tab1", 2)
}

#[test]
fn builds_the_same_scenario_as_the_equivalent_json() {
    let json = r#"{"name": "race", "horizon": "20m",
      "clients": [{"name": "tab1"}],
      "script": [{"at": "0s", "do": "login", "client": "tab1"},
                 {"at": "16m", "do": "request", "client": "tab1", "count": 2}]}"#;
    let parsed = crate::scenario::parse(json, "race.json").unwrap().scenario;
    assert_eq!(race().build().unwrap(), parsed);
}

#[test]
fn every_preset_builds_the_scenario_its_json_gives() {
    for preset in &crate::scenario::presets::PRESETS {
        let json = format!(
            r#"{{"name": "race", "horizon": "20m", "auth": {{"preset": "{}", "denylist": true}},
              "clients": [{{"name": "tab1"}}],
              "script": [{{"at": "0s", "do": "login", "client": "tab1"}},
                         {{"at": "16m", "do": "request", "client": "tab1", "count": 2}}]}}"#,
            preset.name_text
        );
        let parsed = crate::scenario::parse(&json, "race.json").unwrap().scenario;
        let built = race().preset(preset.name).auth(|a| a.denylist(true));
        assert_eq!(built.build().unwrap(), parsed, "{}", preset.name_text);
    }
}

#[test]
fn refuses_an_unknown_client_with_its_field_path() {
    let err = race().request(mins(17), "tab9", 1).build().unwrap_err();
    let paths: Vec<&str> = err.errors().map(|p| p.path.as_str()).collect();
    assert_eq!(paths, ["script[2].client"]);
    assert!(err.to_string().contains("script[2].client"), "{err}");
}

#[test]
fn refuses_cross_tab_with_memory_storage() {
    let err = Scenario::builder("x")
        .client(
            Client::new("tab1")
                .storage(Storage::Memory)
                .refresh(RefreshStrategy::CrossTab),
        )
        .build()
        .unwrap_err();
    assert_eq!(err.errors().next().unwrap().path, "clients[0].refresh");
}

#[test]
fn returns_warnings_with_a_valid_scenario() {
    let (_, warnings) = Scenario::builder("x")
        .client(Client::new("tab1"))
        .build_with_warnings()
        .unwrap();
    assert!(warnings.iter().any(|w| w.path == "script"), "{warnings:?}");
}

#[test]
fn setters_reach_every_section() {
    let s = race()
        .auth(|a| a.grace(secs(5)).grace_returns(GraceReturns::New))
        .resource(|r| r.leeway(secs(1)))
        .network(|n| n.latency(ms(1), ms(2)).link("client->auth", ms(3), ms(4)))
        .explore(|e| e.max_states(10))
        .expect(Invariant::NoErrorWhileRefreshValid, Expectation::Violated)
        .build()
        .unwrap();
    assert_eq!(s.auth.grace, secs(5));
    assert_eq!(s.resource.leeway, secs(1));
    assert_eq!(
        s.network.links["client->auth"].latency,
        Some([ms(3), ms(4)])
    );
    assert_eq!(s.explore.max_states, 10);
    assert_eq!(s.expect.len(), 1);
}
