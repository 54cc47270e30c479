//! What this version refuses: the (v1.1) invariants it does not judge and
//! the exploration modes that arrive later (every (v1.1) client and auth
//! field of docs/scenario-format.md is delivered). Each refusal names the field, so a
//! scenario written for a newer version fails loudly instead of running
//! with different semantics.
//!
//! Delivering a (v1.1) feature means deleting its line here.

use super::{quoted, Problem};
use crate::scenario::{Explore, Invariant, Timing};

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

/// Zero bounds (and a zero PCT depth).
pub fn explore(explore: &Explore, out: &mut Vec<Problem>) {
    if explore.pct_depth == 0 {
        out.push(
            Problem::error("explore.pct_depth", "a whole number ≥ 1")
                .found("0")
                .note(
                    "PCT's bug depth counts the ordering constraints a bug needs; 1 is the least",
                ),
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
