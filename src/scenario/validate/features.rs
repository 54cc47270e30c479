//! What this version refuses: every (v1.1) field of SPEC §1/§6 at a
//! non-default value, the (v1.1) invariants, and the exploration modes that
//! arrive later. Each refusal names the field, so a scenario written for a
//! newer version fails loudly instead of running with different semantics.
//!
//! Delivering a (v1.1) feature means deleting its line here.

use super::{quoted, Problem};
use crate::scenario::{
    AfterLogout, Auth, Client, Duration, Explore, ExploreMode, GraceReturns, GraceScope, Invariant,
    LinkOverride, OnRefreshFailure, ReadsRt, Timing,
};

fn refuse(path: &str, default: &str, found: String) -> Problem {
    let field = path.rsplit('.').next().unwrap_or(path);
    let field = field.split('[').next().unwrap_or(field);
    Problem::error(path, default).found(found).note(format!(
        "`{field}` is a v1.1 feature, not supported in this version"
    ))
}

/// `grace_returns: presented` is the one (v1.1) value of a core field.
pub fn grace_returns(auth: &Auth, out: &mut Vec<Problem>) {
    if auth.grace_returns == GraceReturns::Presented {
        let problem = Problem::error("auth.grace_returns", "\"same\" or \"new\"")
            .found("\"presented\"")
            .note(
                "`grace_returns: \"presented\"` is a v1.1 feature, not supported in this version",
            );
        out.push(problem);
    }
}

/// The (v1.1) fields of `auth`, in field order.
pub fn auth(auth: &Auth, out: &mut Vec<Problem>) {
    if auth.grace_scope != GraceScope::Parent {
        out.push(refuse(
            "auth.grace_scope",
            "\"parent\" (the default)",
            "\"any_ancestor\"".into(),
        ));
    }
    if let Some(uses) = auth.grace_uses {
        out.push(refuse(
            "auth.grace_uses",
            "null (the default)",
            uses.to_string(),
        ));
    }
    if auth.grace_until_used {
        out.push(refuse(
            "auth.grace_until_used",
            "false (the default)",
            "true".into(),
        ));
    }
    if !auth.atomic_rotation {
        out.push(refuse(
            "auth.atomic_rotation",
            "true (the default)",
            "false".into(),
        ));
    }
    if auth.commit_latency != [Duration(0), Duration(0)] {
        let [min, max] = auth.commit_latency;
        out.push(refuse(
            "auth.commit_latency",
            "[\"0ms\", \"0ms\"] (the default)",
            format!("[\"{min}\", \"{max}\"]"),
        ));
    }
}

/// Per-link fault overrides; per-link latency is core.
pub fn link(path: &str, link: &LinkOverride, out: &mut Vec<Problem>) {
    if let Some(drop) = link.drop {
        out.push(refuse(
            &format!("{path}.drop"),
            "no per-link drop (set network.drop)",
            drop.to_string(),
        ));
    }
    if let Some(duplicate) = link.duplicate {
        out.push(refuse(
            &format!("{path}.duplicate"),
            "no per-link duplicate (set network.duplicate)",
            duplicate.to_string(),
        ));
    }
}

/// The (v1.1) fields of a client, in field order.
pub fn client(client: &Client, i: usize, out: &mut Vec<Problem>) {
    let at = |field: &str| format!("clients[{i}].{field}");
    if client.reads_rt != ReadsRt::AtRefresh {
        out.push(refuse(
            &at("reads_rt"),
            "\"at_refresh\" (the default)",
            "\"at_request\"".into(),
        ));
    }
    if client.on_refresh_failure != OnRefreshFailure::Keep {
        out.push(refuse(
            &at("on_refresh_failure"),
            "\"keep\" (the default)",
            "\"clear\"".into(),
        ));
    }
    if let Some(timeout) = client.timeout {
        out.push(refuse(
            &at("timeout"),
            "null (the default)",
            quoted(&timeout.to_string()),
        ));
    }
    if client.refresh_retries != 0 {
        out.push(refuse(
            &at("refresh_retries"),
            "0 (the default)",
            client.refresh_retries.to_string(),
        ));
    }
    if client.after_logout != AfterLogout::Discard {
        out.push(refuse(
            &at("after_logout"),
            "\"discard\" (the default)",
            "\"store\"".into(),
        ));
    }
    if client.preflight {
        out.push(refuse(
            &at("preflight"),
            "false (the default)",
            "true".into(),
        ));
    }
}

/// A (v1.1) invariant named in `check` or `expect`.
pub fn invariant(path: &str, invariant: Invariant, out: &mut Vec<Problem>) {
    if !Invariant::SUPPORTED.contains(&invariant) {
        let supported: Vec<String> = Invariant::SUPPORTED
            .iter()
            .map(|i| quoted(i.name()))
            .collect();
        out.push(
            Problem::error(
                path,
                format!("an invariant this version judges: {}", supported.join(", ")),
            )
            .found(quoted(invariant.name()))
            .note(format!(
                "`{invariant}` is a v1.1 feature, not supported in this version"
            )),
        );
    }
}

pub fn check(list: &[Invariant], out: &mut Vec<Problem>) {
    for (i, name) in list.iter().enumerate() {
        invariant(&format!("check[{i}]"), *name, out);
    }
}

/// Zero bounds and the exploration modes of a later version.
pub fn explore(explore: &Explore, out: &mut Vec<Problem>) {
    if explore.mode == ExploreMode::Pct {
        out.push(
            Problem::error("explore.mode", "\"exhaustive\" or \"random\"")
                .found("\"pct\"")
                .note("`mode: \"pct\"` is not supported in this version (v1.1)"),
        );
    }
    for (field, value) in [
        ("runs", explore.runs),
        ("max_states", explore.max_states),
        ("max_depth", explore.max_depth),
    ] {
        if value == 0 {
            out.push(
                Problem::error(format!("explore.{field}"), "a whole number ≥ 1")
                    .found("0")
                    .note("a bound of 0 would explore nothing"),
            );
        }
    }
}

/// Untimed exploration has no send times to pin a schedule to.
pub fn untimed_schedule(explore: &Explore, schedule_len: usize, out: &mut Vec<Problem>) {
    if explore.timing == Timing::Untimed && schedule_len > 0 {
        out.push(
            Problem::error("schedule", "an empty schedule with `timing: \"untimed\"`")
                .found(format!(
                    "{schedule_len} selector{}",
                    if schedule_len == 1 { "" } else { "s" }
                ))
                .note(
                    "a schedule pins windowed executions; remove it or use `timing: \"windows\"`",
                ),
        );
    }
}
