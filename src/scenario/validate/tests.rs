//! One test per rule: it fires on a bad scenario and stays quiet on a good
//! variant of the same scenario.

use crate::scenario::error::Severity;
use crate::scenario::{validate, Scenario};
use serde_json::{json, Value};

mod script;

/// A valid scenario with `extra` merged into its top level (objects merge
/// one level deep, so `{"auth": {"grace": "5s"}}` keeps the other fields).
pub(super) fn scenario(extra: Value) -> Scenario {
    let mut base = json!({
        "name": "t",
        "clients": [{"name": "tab1"}, {"name": "tab2", "refresh": "single_flight"}],
        "script": [
            {"at": "0s", "do": "login", "client": "tab1"},
            {"at": "16m", "do": "request", "client": "tab1", "count": 2}
        ]
    });
    for (key, value) in extra.as_object().cloned().unwrap_or_default() {
        match (base.get_mut(&key), value) {
            (Some(Value::Object(old)), Value::Object(new)) => old.extend(new),
            (_, value) => {
                base[key.as_str()] = value;
            }
        }
    }
    serde_json::from_value(base).expect("test scenario deserialises")
}

pub(super) fn problems(extra: Value, severity: Severity) -> Vec<String> {
    validate(&scenario(extra))
        .into_iter()
        .filter(|p| p.severity == severity)
        .map(|p| p.path)
        .collect()
}

#[track_caller]
pub(super) fn fires(extra: Value, path: &str) {
    let found = problems(extra, Severity::Error);
    assert_eq!(found, [path], "expected exactly one error at {path}");
}

#[track_caller]
pub(super) fn warns(extra: Value, path: &str) {
    let found = problems(extra.clone(), Severity::Warning);
    assert_eq!(found, [path], "expected exactly one warning at {path}");
    assert!(problems(extra, Severity::Error).is_empty());
}

#[track_caller]
pub(super) fn quiet(extra: Value) {
    let all: Vec<String> = validate(&scenario(extra))
        .iter()
        .map(|p| p.to_string())
        .collect();
    assert!(all.is_empty(), "unexpected problems: {all:#?}");
}

#[test]
fn the_base_scenario_and_the_spec_example_are_clean() {
    quiet(json!({}));
    let spec: Scenario =
        serde_json::from_str(crate::scenario::schema::tests_support::FULL_EXAMPLE).unwrap();
    assert!(validate(&spec).is_empty(), "{:?}", validate(&spec));
}

#[test]
fn empty_name_is_an_error() {
    fires(json!({"name": " "}), "name");
}

#[test]
fn latency_min_above_max_is_an_error() {
    fires(
        json!({"network": {"latency": ["80ms", "5ms"]}}),
        "network.latency",
    );
    fires(
        json!({"network": {"links": {"client->auth": {"latency": ["9ms", "1ms"]}}}}),
        "network.links.client->auth.latency",
    );
    quiet(
        json!({"network": {"latency": ["5ms", "5ms"], "links": {"client->auth": {"latency": ["1ms", "9ms"]}}}}),
    );
}

#[test]
fn probabilities_outside_zero_to_one_are_errors() {
    fires(json!({"network": {"drop": 1.5}}), "network.drop");
    fires(json!({"network": {"duplicate": -0.1}}), "network.duplicate");
    quiet(json!({"network": {"drop": 1.0, "duplicate": 0.0}}));
    let mut s = scenario(json!({}));
    s.network.drop = f64::NAN;
    assert_eq!(validate(&s)[0].path, "network.drop");
}

#[test]
fn unknown_link_names_are_errors() {
    fires(
        json!({"network": {"links": {"client->server": {}}}}),
        "network.links.client->server",
    );
    quiet(json!({"network": {"links": {"denylist->auth": {}}}}));
}

#[test]
fn per_link_faults_are_probabilities() {
    fires(
        json!({"network": {"links": {"client->auth": {"drop": 1.5}}}}),
        "network.links.client->auth.drop",
    );
    fires(
        json!({"network": {"links": {"auth->client": {"duplicate": -0.1}}}}),
        "network.links.auth->client.duplicate",
    );
    quiet(json!({"network": {"links": {"auth->client": {"drop": 0.1, "duplicate": 1.0}}}}));
}

#[test]
fn client_names_must_be_present_unique_and_plain() {
    fires(json!({"clients": []}), "clients");
    fires(
        json!({"clients": [{"name": "tab1"}, {"name": ""}]}),
        "clients[1].name",
    );
    fires(
        json!({"clients": [{"name": "tab1"}, {"name": "tab1"}]}),
        "clients[1].name",
    );
    fires(
        json!({"clients": [{"name": "tab1"}, {"name": "tab.2"}]}),
        "clients[1].name",
    );
    fires(
        json!({"clients": [{"name": "tab1"}, {"name": "auth"}]}),
        "clients[1].name",
    );
    fires(
        json!({"clients": [{"name": "tab1", "device": ""}]}),
        "clients[0].device",
    );
    quiet(
        json!({"clients": [{"name": "tab1", "device": "laptop"}, {"name": "Tab_2-b", "device": "laptop"}]}),
    );
}

#[test]
fn cross_tab_with_memory_storage_is_an_error() {
    fires(
        json!({"clients": [{"name": "tab1", "refresh": "cross_tab", "storage": "memory"}]}),
        "clients[0].refresh",
    );
    quiet(json!({"clients": [{"name": "tab1", "refresh": "cross_tab"}]}));
}

#[test]
fn proactive_must_be_shorter_than_access_ttl() {
    fires(
        json!({"clients": [{"name": "tab1", "proactive": "15m"}]}),
        "clients[0].proactive",
    );
    fires(
        json!({"clients": [{"name": "tab1", "proactive": "-1m"}]}),
        "clients[0].proactive",
    );
    quiet(json!({"clients": [{"name": "tab1", "proactive": "14m"}]}));
}

#[test]
fn negative_durations_are_errors_except_skew() {
    fires(json!({"horizon": "-1s"}), "horizon");
    fires(json!({"auth": {"access_ttl": "-1s"}}), "auth.access_ttl");
    fires(json!({"auth": {"refresh_ttl": "-1s"}}), "auth.refresh_ttl");
    fires(json!({"auth": {"grace": "-1s"}}), "auth.grace");
    fires(json!({"resource": {"leeway": "-1s"}}), "resource.leeway");
    fires(
        json!({"network": {"latency": ["-1ms", "5ms"]}}),
        "network.latency[0]",
    );
    fires(
        json!({"bounds": {"attacker_window": "-1s"}}),
        "bounds.attacker_window",
    );
    fires(
        json!({"script": [{"at": "-1s", "do": "revoke_all"}]}),
        "script[0].at",
    );
    quiet(json!({"script": [{"at": "0s", "do": "skew", "client": "tab1", "by": "-5m"}]}));
}

#[test]
fn refresh_error_must_be_an_http_status() {
    fires(json!({"auth": {"refresh_error": 99}}), "auth.refresh_error");
    fires(
        json!({"auth": {"refresh_error": 600}}),
        "auth.refresh_error",
    );
    quiet(json!({"auth": {"refresh_error": 400}}));
}

#[test]
fn grace_without_rotation_warns() {
    warns(
        json!({"auth": {"grace": "10s", "rotation": false}}),
        "auth.grace",
    );
    quiet(json!({"auth": {"grace": "10s"}}));
}

#[test]
fn auth_v1_1_fields_are_accepted() {
    quiet(
        json!({"auth": {"grace": "5s", "grace_returns": "presented", "grace_scope": "any_ancestor",
        "grace_uses": 2, "grace_until_used": true}}),
    );
    quiet(json!({"auth": {"atomic_rotation": false, "commit_latency": ["0ms", "5ms"]}}));
    quiet(
        json!({"auth": {"grace_returns": "new", "grace_scope": "parent", "grace_uses": null,
        "grace_until_used": false, "atomic_rotation": true, "commit_latency": ["0s", "0ms"]}}),
    );
}

#[test]
fn commit_latency_is_a_window() {
    fires(
        json!({"auth": {"atomic_rotation": false, "commit_latency": ["5ms", "1ms"]}}),
        "auth.commit_latency",
    );
    fires(
        json!({"auth": {"atomic_rotation": false, "commit_latency": ["-1ms", "1ms"]}}),
        "auth.commit_latency[0]",
    );
}

#[test]
fn v1_1_auth_fields_without_effect_warn() {
    warns(
        json!({"auth": {"commit_latency": ["0ms", "5ms"]}}),
        "auth.commit_latency",
    );
    warns(json!({"auth": {"grace_uses": 1}}), "auth.grace");
    warns(json!({"auth": {"grace_until_used": true}}), "auth.grace");
    warns(
        json!({"auth": {"grace_scope": "any_ancestor"}}),
        "auth.grace",
    );
}

#[test]
fn preflight_is_accepted_with_every_strategy() {
    for strategy in ["naive", "single_flight", "cross_tab"] {
        quiet(
            json!({"clients": [{"name": "tab1", "storage": "local_storage",
            "refresh": strategy, "preflight": true}]}),
        );
    }
    quiet(json!({"clients": [{"name": "tab1", "preflight": false}]}));
}

#[test]
fn the_client_failure_fields_are_accepted() {
    quiet(
        json!({"clients": [{"name": "tab1", "reads_rt": "at_request",
        "on_refresh_failure": "clear", "timeout": "5s", "refresh_retries": 2,
        "after_logout": "store"}]}),
    );
    quiet(
        json!({"clients": [{"name": "tab1", "reads_rt": "at_refresh", "on_refresh_failure": "keep",
        "timeout": null, "refresh_retries": 0, "after_logout": "discard", "preflight": false}]}),
    );
}

#[test]
fn a_timeout_must_be_positive_and_resends_bounded() {
    fires(
        json!({"clients": [{"name": "tab1", "timeout": "0s"}]}),
        "clients[0].timeout",
    );
    fires(
        json!({"clients": [{"name": "tab1", "timeout": "-5s"}]}),
        "clients[0].timeout",
    );
    fires(
        json!({"clients": [{"name": "tab1", "timeout": "5s", "refresh_retries": 255}]}),
        "clients[0].refresh_retries",
    );
    quiet(json!({"clients": [{"name": "tab1", "timeout": "1ms", "refresh_retries": 254}]}));
}

#[test]
fn resends_without_a_timeout_warn() {
    warns(
        json!({"clients": [{"name": "tab1", "refresh_retries": 1}]}),
        "clients[0].refresh_retries",
    );
}

#[test]
fn cookie_storage_warns_about_what_the_page_cannot_read() {
    let cookie = |field: &str, value: Value| json!({"clients": [{"name": "tab1", "storage": "cookie", field: value}]});
    warns(
        cookie("store_policy", json!("newest_wins")),
        "clients[0].store_policy",
    );
    warns(
        cookie("recheck_store", json!(true)),
        "clients[0].recheck_store",
    );
    let both = problems(cookie("reads_rt", json!("at_request")), Severity::Warning);
    assert_eq!(both, ["clients[0].reads_rt"]);
    quiet(
        json!({"clients": [{"name": "tab1", "storage": "local_storage", "store_policy": "newest_wins",
        "recheck_store": true}]}),
    );
}

#[test]
fn coordinated_refresh_without_retries_warns() {
    warns(
        json!({"clients": [{"name": "tab1", "refresh": "single_flight", "retries": 0}]}),
        "clients[0].retries",
    );
    quiet(json!({"clients": [{"name": "tab1", "refresh": "naive", "retries": 0}]}));
}
