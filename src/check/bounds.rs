//! What a report says about the bound that stopped a search: its name (the
//! `bound_hit` field) and a note naming the figure reached and the flag
//! that raises it, so `unknown` always says what to do next.

use super::{InvariantReport, Verdict};
use crate::explore::BoundHit;

/// The `bound_hit` name of a bound.
pub fn bound_name(hit: BoundHit) -> &'static str {
    match hit {
        BoundHit::MaxStates => "max_states",
        BoundHit::MaxDepth => "max_depth",
        BoundHit::Time => "time",
        BoundHit::MaxMemory => "max_memory",
        BoundHit::Interrupted => "interrupted",
    }
}

/// The bound named for runs that found nothing: `time` or `interrupted`
/// when that stopped them, else `runs` (random search cannot prove
/// `holds`).
pub fn runs_bound(hit: Option<BoundHit>) -> &'static str {
    match hit {
        Some(hit @ (BoundHit::Time | BoundHit::Interrupted)) => bound_name(hit),
        _ => "runs",
    }
}

/// Why an exhaustive search stopped, with the flag that raises the bound:
/// `exhaustive search stopped at 2000000 states (max_states); raise it
/// with --max-states`.
pub fn exhaustive_stop(hit: BoundHit, states: u64, max_depth: u64) -> String {
    match hit {
        BoundHit::MaxStates => format!(
            "exhaustive search stopped at {states} states (max_states); raise it with --max-states"
        ),
        BoundHit::MaxDepth => format!(
            "exhaustive search stopped at depth {max_depth} (max_depth); raise it with --max-depth"
        ),
        BoundHit::Time => format!(
            "exhaustive search stopped at {states} states when its time ran out (time); raise it with --time"
        ),
        BoundHit::MaxMemory => format!(
            "exhaustive search stopped at {states} states at its memory budget (max_memory); raise it with --max-memory"
        ),
        BoundHit::Interrupted => {
            format!("exhaustive search stopped at {states} states (interrupted) by Ctrl-C")
        }
    }
}

/// Where the hull pre-pass of a windowed search gave up, said after the
/// exact search's stop: `the hull pre-pass, run first, gave up at 200001
/// states (max_states)`.
pub fn prepass_stop(hit: BoundHit, states: u64) -> String {
    format!(
        "the hull pre-pass, run first, gave up at {states} states ({})",
        bound_name(hit)
    )
}

/// `; then ` between the exhaustive search's stop and the runs that
/// followed it, or nothing when no exhaustive search ran first.
pub fn joined(first: Option<String>, rest: String) -> String {
    match first {
        Some(first) if rest.is_empty() => first,
        Some(first) => format!("{first}; then {rest}"),
        None => rest,
    }
}

/// For a batch of reports (a matrix): how many verdicts each bound left
/// `unknown` and the flag that raises it, in order of first appearance;
/// `None` when every verdict is decided. `max_states` is the batch's
/// state bound per search.
pub fn unknown_summary<'a>(
    reports: impl IntoIterator<Item = &'a InvariantReport>,
    max_states: u64,
) -> Option<String> {
    let mut bounds: Vec<(&str, usize)> = Vec::new();
    for r in reports
        .into_iter()
        .filter(|r| r.verdict == Verdict::Unknown)
    {
        let bound = r.bound_hit.as_deref().unwrap_or("a bound");
        match bounds.iter_mut().find(|(b, _)| *b == bound) {
            Some((_, n)) => *n += 1,
            None => bounds.push((bound, 1)),
        }
    }
    let parts: Vec<String> = bounds
        .iter()
        .map(|&(bound, n)| {
            let what = match bound {
                "max_states" => format!(
                    "exhaustive search stopped at {max_states} states (max_states); \
                     raise it with --max-states"
                ),
                "time" => "its time ran out (time); raise it with --time".to_string(),
                "max_memory" => "it reached its memory budget (max_memory)".to_string(),
                "interrupted" => "interrupted by Ctrl-C".to_string(),
                other => format!("bound {other} hit"),
            };
            let verdicts = if n == 1 { "verdict" } else { "verdicts" };
            format!("{n} {verdicts} unknown: {what}")
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bound_names_its_flag_or_cause() {
        for hit in [
            BoundHit::MaxStates,
            BoundHit::MaxDepth,
            BoundHit::Time,
            BoundHit::MaxMemory,
        ] {
            let note = exhaustive_stop(hit, 7, 3);
            let flag = format!("--{}", bound_name(hit).replace('_', "-"));
            assert!(note.contains(&flag), "{note}");
            assert!(note.contains(bound_name(hit)), "{note}");
        }
        assert!(exhaustive_stop(BoundHit::Interrupted, 7, 3).contains("Ctrl-C"));
        assert_eq!(runs_bound(Some(BoundHit::MaxStates)), "runs");
        assert_eq!(runs_bound(None), "runs");
    }
}
