//! Semantic checks the type system cannot express (docs/scenario-format.md "Validation"):
//! windows, probabilities, names, cross-field rules, and the (v1.1) fields
//! this version refuses. Every problem carries its field path; the loader
//! turns paths into line:column.
//!
//! Problems come out in field order (the order of the fields in
//! [`Scenario`]), all of them, not just the first. Split by topic:
//! `validate/script.rs` (script, schedule, actor names),
//! `validate/features.rs` (what this version refuses), and this file
//! (deployment: auth, network, clients, checks).

mod features;
pub mod limits;
mod script;
#[cfg(test)]
mod tests;

use super::{
    Auth, Client, Duration, Expectation, ExploreMode, GraceScope, Network, Problem,
    RefreshStrategy, Scenario, Storage, StorePolicy,
};
use crate::scenario::load::translate::suggest;

/// The link names `network.links` accepts (docs/scenario-format.md "network").
pub const LINKS: [&str; 8] = [
    "client->resource",
    "resource->client",
    "client->auth",
    "auth->client",
    "resource->denylist",
    "denylist->resource",
    "auth->denylist",
    "denylist->auth",
];

/// Actor names that are not clients; a client may not take one of them.
pub const BUILT_IN_ACTORS: [&str; 5] = ["user", "auth", "resource", "denylist", "attacker"];

/// Every problem found, errors and warnings, each with its field path, in
/// field order.
pub fn validate(scenario: &Scenario) -> Vec<Problem> {
    let mut out = Vec::new();
    if scenario.name.trim().is_empty() {
        out.push(
            Problem::error("name", "a non-empty name (reports and traces show it)").found("\"\""),
        );
    }
    non_negative("horizon", scenario.horizon, &mut out);
    auth(&scenario.auth, &mut out);
    non_negative("resource.leeway", scenario.resource.leeway, &mut out);
    network(&scenario.network, &mut out);
    clients(scenario, &mut out);
    script::script(scenario, &mut out);
    script::schedule(scenario, &mut out);
    limits::limits(scenario, &mut out);
    checks(scenario, &mut out);
    out
}

fn quoted(text: &str) -> String {
    super::error::clip(text)
}

/// Durations are signed only for `skew.by`; anywhere else a minus is a typo.
fn non_negative(path: &str, value: Duration, out: &mut Vec<Problem>) {
    if value.0 < 0 {
        out.push(
            Problem::error(path, "a duration ≥ 0s (only skew \"by\" may be negative)")
                .found(quoted(&value.to_string())),
        );
    }
}

/// A `[min, max]` latency window: both non-negative, min ≤ max.
fn window(path: &str, window: &[Duration; 2], out: &mut Vec<Problem>) {
    non_negative(&format!("{path}[0]"), window[0], out);
    non_negative(&format!("{path}[1]"), window[1], out);
    if window[0] > window[1] {
        out.push(
            Problem::error(path, "a window [min, max] with min ≤ max")
                .found(format!("[\"{}\", \"{}\"]", window[0], window[1])),
        );
    }
}

/// NaN fails `contains`, so it is refused too.
fn probability(path: &str, value: f64, out: &mut Vec<Problem>) {
    if !(0.0..=1.0).contains(&value) {
        out.push(Problem::error(path, "a probability in [0, 1]").found(value.to_string()));
    }
}

fn auth(auth: &Auth, out: &mut Vec<Problem>) {
    non_negative("auth.access_ttl", auth.access_ttl, out);
    non_negative("auth.refresh_ttl", auth.refresh_ttl, out);
    non_negative("auth.grace", auth.grace, out);
    if auth.grace.0 > 0 && !auth.rotation {
        out.push(
            Problem::warning("auth.grace", "\"0s\" when rotation is false")
                .found(quoted(&auth.grace.to_string()))
                .note("grace only applies to a rotated (used) refresh token, so it has no effect"),
        );
    }
    if !(100..=599).contains(&auth.refresh_error) {
        out.push(
            Problem::error(
                "auth.refresh_error",
                "an HTTP status code in 100..=599 (usually 400 or 401)",
            )
            .found(auth.refresh_error.to_string()),
        );
    }
    window("auth.commit_latency", &auth.commit_latency, out);
    auth_warnings(auth, out);
}

/// (v1.1) auth fields set where they can have no effect.
fn auth_warnings(auth: &Auth, out: &mut Vec<Problem>) {
    if auth.atomic_rotation && auth.commit_latency != [Duration(0), Duration(0)] {
        out.push(
            Problem::warning(
                "auth.commit_latency",
                "[\"0ms\", \"0ms\"] when atomic_rotation is true",
            )
            .found(format!(
                "[\"{}\", \"{}\"]",
                auth.commit_latency[0], auth.commit_latency[1]
            ))
            .note("an atomic rotation has no separate commit, so the latency has no effect"),
        );
    }
    let grace_set = auth.grace_scope != GraceScope::Parent
        || auth.grace_uses.is_some()
        || auth.grace_until_used;
    if auth.grace.0 == 0 && grace_set {
        out.push(
            Problem::warning(
                "auth.grace",
                "a grace above \"0s\" when grace_scope, grace_uses or grace_until_used is set",
            )
            .found("\"0s\"")
            .note("with no grace, the grace settings have no effect"),
        );
    }
}

fn network(network: &Network, out: &mut Vec<Problem>) {
    window("network.latency", &network.latency, out);
    probability("network.drop", network.drop, out);
    probability("network.duplicate", network.duplicate, out);
    let names: Vec<String> = LINKS.iter().map(|l| quoted(l)).collect();
    for (name, link) in &network.links {
        let path = format!("network.links.{name}");
        if !LINKS.contains(&name.as_str()) {
            let links: Vec<String> = LINKS.iter().map(|l| l.to_string()).collect();
            let mut problem =
                Problem::error(&path, format!("a link name: one of {}", names.join(", ")))
                    .found(quoted(name));
            if let Some(hint) = suggest(Some(name), &links) {
                problem = problem.note(hint);
            }
            out.push(problem);
        }
        if let Some(latency) = &link.latency {
            window(&format!("{path}.latency"), latency, out);
        }
        if let Some(drop) = link.drop {
            probability(&format!("{path}.drop"), drop, out);
        }
        if let Some(duplicate) = link.duplicate {
            probability(&format!("{path}.duplicate"), duplicate, out);
        }
    }
}

fn clients(scenario: &Scenario, out: &mut Vec<Problem>) {
    if scenario.clients.is_empty() {
        out.push(
            Problem::error(
                "clients",
                "at least one client, like [{\"name\": \"tab1\"}]",
            )
            .found("an empty list"),
        );
    }
    for (i, client) in scenario.clients.iter().enumerate() {
        let at = |field: &str| format!("clients[{i}].{field}");
        client_name(scenario, i, out);
        if client
            .device
            .as_deref()
            .is_some_and(|d| d.trim().is_empty())
        {
            out.push(
                Problem::error(
                    at("device"),
                    "a non-empty device name (leave it out to use the client's name)",
                )
                .found("\"\""),
            );
        }
        if client.refresh == RefreshStrategy::CrossTab && client.storage == Storage::Memory {
            out.push(
                Problem::error(
                    at("refresh"),
                    "\"naive\" or \"single_flight\" with memory storage",
                )
                .found("\"cross_tab\"")
                .note("a cross-tab lock guards a shared store, and memory storage is never shared"),
            );
        }
        proactive(scenario, i, out);
        failure_handling(client, i, out);
        client_warnings(client, i, out);
    }
}

/// Names appear in actor names (`tab1.req2`), diagrams and schedules, so
/// they must be unique, non-empty, and unambiguous there.
fn client_name(scenario: &Scenario, i: usize, out: &mut Vec<Problem>) {
    let name = &scenario.clients[i].name;
    let path = format!("clients[{i}].name");
    let expected = if name.is_empty() {
        Some("a non-empty name, like \"tab1\"".to_string())
    } else if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        Some("a name of ASCII letters, digits, '_' and '-' (it is part of actor names such as \"tab1.req2\")".into())
    } else if BUILT_IN_ACTORS.contains(&name.as_str()) {
        Some(format!(
            "a name other than the built-in actors {}",
            BUILT_IN_ACTORS.join(", ")
        ))
    } else {
        let first = scenario.clients.iter().position(|c| c.name == *name);
        first.filter(|&j| j < i).map(|j| {
            format!(
                "a name not used by another client (clients[{j}] is already {})",
                quoted(name)
            )
        })
    };
    if let Some(expected) = expected {
        out.push(Problem::error(path, expected).found(quoted(name)));
    }
}

fn proactive(scenario: &Scenario, i: usize, out: &mut Vec<Problem>) {
    let Some(lead) = scenario.clients[i].proactive else {
        return;
    };
    let path = format!("clients[{i}].proactive");
    non_negative(&path, lead, out);
    let ttl = scenario.auth.access_ttl;
    if lead >= ttl {
        let origin = match scenario.auth.preset {
            Some(preset) => format!(", with preset \"{preset}\""),
            None => String::new(),
        };
        out.push(
            Problem::error(
                path,
                format!("a duration shorter than auth.access_ttl ({ttl}{origin}) or null"),
            )
            .found(quoted(&lead.to_string()))
            .note("the timer fires this long before the access token expires"),
        );
    }
}

/// `timeout` and `refresh_retries` (docs/scenario-format.md "clients", v1.1).
fn failure_handling(client: &Client, i: usize, out: &mut Vec<Problem>) {
    if let Some(timeout) = client.timeout {
        let path = format!("clients[{i}].timeout");
        if timeout.0 <= 0 {
            out.push(
                Problem::error(path, "a duration > 0s, or null for no timeout")
                    .found(quoted(&timeout.to_string()))
                    .note("a timeout of 0s would fail every call before any answer could arrive"),
            );
        }
    }
    if client.refresh_retries > MAX_REFRESH_RETRIES {
        out.push(
            Problem::error(
                format!("clients[{i}].refresh_retries"),
                format!("a whole number ≤ {MAX_REFRESH_RETRIES}"),
            )
            .found(client.refresh_retries.to_string()),
        );
    }
    if client.refresh_retries > 0 && client.timeout.is_none() {
        out.push(
            Problem::warning(
                format!("clients[{i}].refresh_retries"),
                "0 when timeout is null",
            )
            .found(client.refresh_retries.to_string())
            .note("only a timed-out refresh is sent again, and without a timeout none times out"),
        );
    }
}

/// Resends of one refresh are numbered in 8 bits.
pub const MAX_REFRESH_RETRIES: u32 = 254;

/// Settings that do nothing, or that a page cannot do with HttpOnly cookies.
fn client_warnings(client: &Client, i: usize, out: &mut Vec<Problem>) {
    let at = |field: &str| format!("clients[{i}].{field}");
    let coordinated = matches!(
        client.refresh,
        RefreshStrategy::SingleFlight | RefreshStrategy::CrossTab
    );
    if coordinated && client.retries == 0 {
        out.push(
            Problem::warning(
                at("retries"),
                "at least 1 with a coordinated refresh strategy",
            )
            .found("0")
            .note(
                "with no retry left a 401 ends the request in a session error without refreshing",
            ),
        );
    }
    if client.storage != Storage::Cookie {
        return;
    }
    let cookie = "an HttpOnly cookie cannot be read by the page";
    if client.recheck_store {
        out.push(
            Problem::warning(at("recheck_store"), "false with cookie storage")
                .found("true")
                .note(cookie),
        );
    }
    if client.store_policy == StorePolicy::NewestWins {
        out.push(
            Problem::warning(
                at("store_policy"),
                "\"last_write_wins\" with cookie storage",
            )
            .found("\"newest_wins\"")
            .note(cookie),
        );
    }
    if client.reads_rt == super::ReadsRt::AtRequest {
        out.push(
            Problem::warning(at("reads_rt"), "\"at_refresh\" with cookie storage")
                .found("\"at_request\"")
                .note(cookie),
        );
    }
}

/// `check`, `bounds`, `explore` and `expect`, in that order.
fn checks(scenario: &Scenario, out: &mut Vec<Problem>) {
    if let Some(list) = &scenario.check {
        if list.is_empty() {
            out.push(
                Problem::warning("check", "at least one invariant name")
                    .found("an empty list")
                    .note("nothing will be judged; leave \"check\" out to judge every invariant"),
            );
        }
        features::check(list, out);
    }
    if let Some(window) = scenario.bounds.attacker_window {
        non_negative("bounds.attacker_window", window, out);
    }
    features::explore(&scenario.explore, out);
    features::untimed_schedule(&scenario.explore, scenario.schedule.len(), out);
    for (invariant, expectation) in &scenario.expect {
        let path = format!("expect.{invariant}");
        features::invariant(&path, *invariant, out);
        let listed = scenario
            .check
            .as_ref()
            .map_or(true, |l| l.contains(invariant));
        if !listed {
            out.push(
                Problem::error(&path, "an invariant listed in \"check\"")
                    .found(quoted(invariant.name()))
                    .note("add it to \"check\", or leave \"check\" out to judge every invariant"),
            );
        }
        if scenario.explore.mode == ExploreMode::Random && *expectation == Expectation::Holds {
            out.push(
                Problem::warning(&path, "\"violated\" under random exploration")
                    .found("\"holds\"")
                    .note("random runs cannot prove \"holds\": the verdict is \"unknown\" unless check --allow-unknown"),
            );
        }
    }
}
