//! What this version refuses: every (v1.1) field of SPEC §1/§6 at a
//! non-default value, the (v1.1) invariants, and the exploration modes that
//! arrive later. Each refusal names the field, so a scenario written for a
//! newer version fails loudly instead of running with different semantics.
//!
//! Delivering a (v1.1) feature means deleting its line here.

use super::{quoted, Problem};
use crate::scenario::{
    AfterLogout, Client, Explore, ExploreMode, Invariant, LinkOverride, OnRefreshFailure, ReadsRt,
    Timing,
};

fn refuse(path: &str, default: &str, found: String) -> Problem {
    let field = path.rsplit('.').next().unwrap_or(path);
    let field = field.split('[').next().unwrap_or(field);
    Problem::error(path, default).found(found).note(format!(
        "`{field}` is a v1.1 feature, not supported in this version"
    ))
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
    if explore.timing == Timing::Untimed {
        out.push(
            Problem::error("explore.timing", "\"windows\" (the default)")
                .found("\"untimed\"")
                .note("`timing: \"untimed\"` is not supported in this version (v1.1)"),
        );
    }
}
