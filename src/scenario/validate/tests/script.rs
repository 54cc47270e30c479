//! Tests of the script, schedule, check, explore and expect rules.

use super::{fires, quiet, scenario, warns};
use crate::scenario::validate;
use serde_json::json;

#[test]
fn script_entries_must_name_known_clients() {
    fires(
        json!({"script": [{"at": "0s", "do": "login", "client": "tab3"}]}),
        "script[0].client",
    );
    quiet(json!({"script": [{"at": "0s", "do": "login", "client": "tab2"}]}));
}

#[test]
fn script_entries_need_the_fields_their_do_uses() {
    fires(
        json!({"script": [{"at": "0s", "do": "login"}]}),
        "script[0].client",
    );
    fires(
        json!({"script": [{"at": "0s", "do": "steal", "client": "tab1"}]}),
        "script[0].token",
    );
    fires(
        json!({"script": [{"at": "0s", "do": "attack"}]}),
        "script[0].token",
    );
    fires(
        json!({"script": [{"at": "0s", "do": "skew", "client": "tab1"}]}),
        "script[0].by",
    );
    quiet(
        json!({"script": [{"at": "0s", "do": "steal", "client": "tab1", "token": "both"},
        {"at": "1s", "do": "attack", "token": "refresh"}, {"at": "1s", "do": "revoke_all"}]}),
    );
}

#[test]
fn script_entries_refuse_fields_their_do_ignores() {
    fires(
        json!({"script": [{"at": "0s", "do": "login", "client": "tab1", "count": 2}]}),
        "script[0].count",
    );
    fires(
        json!({"script": [{"at": "0s", "do": "attack", "token": "access", "client": "tab1"}]}),
        "script[0].client",
    );
    fires(
        json!({"script": [{"at": "0s", "do": "revoke_all", "by": "1s"}]}),
        "script[0].by",
    );
    fires(
        json!({"script": [{"at": "0s", "do": "request", "client": "tab1", "token": "access"}]}),
        "script[0].token",
    );
    quiet(json!({"script": [{"at": "0s", "do": "request", "client": "tab1", "count": 3}]}));
}

#[test]
fn count_zero_and_attack_with_both_tokens_are_errors() {
    fires(
        json!({"script": [{"at": "0s", "do": "request", "client": "tab1", "count": 0}]}),
        "script[0].count",
    );
    fires(
        json!({"script": [{"at": "0s", "do": "attack", "token": "both"}]}),
        "script[0].token",
    );
}

#[test]
fn script_times_must_not_pass_the_horizon() {
    fires(
        json!({"horizon": "1h", "script": [{"at": "61m", "do": "revoke_all"}]}),
        "script[0].at",
    );
    quiet(json!({"horizon": "1h", "script": [{"at": "60m", "do": "revoke_all"}]}));
}

#[test]
fn an_empty_script_warns() {
    warns(json!({"script": []}), "script");
}

#[test]
fn schedule_selectors_must_name_actors() {
    for bad in [
        "server",
        "tab3",
        "tab1.req0",
        "tab1.req01",
        "tab1.req12",
        "tab1.request1",
        "attacker.req1",
        "auth.req1",
        "tab1.",
    ] {
        fires(
            json!({"schedule": [{"from": bad, "to": "auth"}]}),
            "schedule[0].from",
        );
    }
    for good in [
        "user",
        "tab2",
        "tab1.req2",
        "tab1.proactive1",
        "tab1.logout",
        "attacker",
        "attacker.call1",
        "attacker.refresh3",
        "denylist",
        "resource",
    ] {
        quiet(json!({"schedule": [{"from": good, "to": "auth"}]}));
    }
}

#[test]
fn schedule_selectors_need_nth_of_one_or_more_and_two_actors() {
    fires(
        json!({"schedule": [{"from": "tab1.req1", "to": "auth", "nth": 0}]}),
        "schedule[0].nth",
    );
    fires(
        json!({"schedule": [{"from": "auth", "to": "auth"}]}),
        "schedule[0].to",
    );
    quiet(json!({"schedule": [{"from": "auth", "to": "tab1.req1", "nth": 2}]}));
}

#[test]
fn every_contract_invariant_is_accepted_in_check_and_expect() {
    quiet(json!({"check": ["no_stale_overwrite"], "expect": {"no_stale_overwrite": "violated"}}));
    quiet(
        json!({"check": ["no_clobber", "logout_is_final", "no_family_fork", "grace_parent_only"],
        "expect": {"no_clobber": "holds", "logout_is_final": "violated",
        "no_family_fork": "holds", "grace_parent_only": "holds"}}),
    );
    quiet(
        json!({"expect": {"no_family_fork": "holds", "logout_is_final": "holds",
        "grace_parent_only": "holds", "no_clobber": "holds"}}),
    );
}

#[test]
fn expect_keys_must_be_checked() {
    fires(
        json!({"check": ["no_stale_overwrite"], "expect": {"requests_complete": "holds"}}),
        "expect.requests_complete",
    );
    quiet(json!({"expect": {"requests_complete": "holds"}}));
}

#[test]
fn an_empty_check_list_warns() {
    warns(json!({"check": []}), "check");
}

#[test]
fn zero_exploration_bounds_are_errors() {
    fires(json!({"explore": {"runs": 0}}), "explore.runs");
    fires(json!({"explore": {"max_states": 0}}), "explore.max_states");
    fires(json!({"explore": {"max_depth": 0}}), "explore.max_depth");
    quiet(json!({"explore": {"runs": 1, "max_states": 1, "max_depth": 1}}));
}

#[test]
fn pct_is_accepted_but_not_at_depth_zero() {
    quiet(json!({"explore": {"mode": "pct"}}));
    quiet(json!({"explore": {"mode": "pct", "pct_depth": 1}}));
    fires(
        json!({"explore": {"mode": "pct", "pct_depth": 0}}),
        "explore.pct_depth",
    );
    quiet(json!({"explore": {"mode": "random", "timing": "windows"}}));
}

#[test]
fn untimed_timing_is_accepted_but_not_with_a_schedule() {
    quiet(json!({"explore": {"timing": "untimed"}}));
    fires(
        json!({"explore": {"timing": "untimed"},
               "schedule": [{"from": "tab1", "to": "resource"}]}),
        "schedule",
    );
}

#[test]
fn random_exploration_expecting_holds_warns() {
    warns(
        json!({"explore": {"mode": "random"}, "expect": {"requests_complete": "holds"}}),
        "expect.requests_complete",
    );
    quiet(json!({"explore": {"mode": "random"}, "expect": {"requests_complete": "violated"}}));
}

#[test]
fn problems_come_in_field_order() {
    let s = scenario(
        json!({"name": "", "network": {"drop": 2.0}, "explore": {"runs": 0},
        "clients": [{"name": "tab1", "proactive": "1h"}]}),
    );
    let paths: Vec<String> = validate(&s).into_iter().map(|p| p.path).collect();
    assert_eq!(
        paths,
        [
            "name",
            "network.drop",
            "clients[0].proactive",
            "explore.runs"
        ]
    );
}

#[test]
fn an_attack_before_any_steal_warns() {
    warns(
        json!({"script": [{"at": "0s", "do": "login", "client": "tab1"},
        {"at": "1m", "do": "attack", "token": "access"},
        {"at": "2m", "do": "steal", "client": "tab1", "token": "both"}]}),
        "script[1]",
    );
    warns(
        json!({"script": [{"at": "0s", "do": "steal", "client": "tab1", "token": "access"},
        {"at": "1m", "do": "attack", "token": "refresh"}]}),
        "script[1]",
    );
    quiet(json!({"script": [
        {"at": "1m", "do": "steal", "client": "tab1", "token": "refresh"},
        {"at": "1m", "do": "attack", "token": "refresh"},
        {"at": "2m", "do": "attack", "token": "access"}
    ]}));
}
