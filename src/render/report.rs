//! Reports of what a run or an exploration established: the human text
//! report and the JSON report (`--format json`). The `check` summaries are
//! in [`super::check`] (text, JSON, JUnit XML, Markdown).
//!
//! What it owns: their layout and the JSON shape (documented in
//! docs/cli.md). What it does not: timings or progress (they go to stderr
//! and never into a report, so reports are byte-identical across runs),
//! deciding exit codes, or choosing replay commands — the CLI knows the
//! file paths and passes each invariant's replay command in.

use super::{one_line, table};
use crate::check::{InvariantReport, Report, Verdict};
use crate::scenario::Invariant;
use crate::trace::{format_time, Trace};
use serde::Serialize;

/// `tokenrace 0.1.0`: the tool and version every output names.
pub fn tool() -> String {
    format!("tokenrace {}", env!("CARGO_PKG_VERSION"))
}

/// The first line of a run, explore or replay output: what reproduces it.
pub fn header(scenario: &str, seed: u64) -> String {
    format!("{} · scenario {} · seed {seed}", tool(), one_line(scenario))
}

/// The command that replays a failure of one invariant.
pub type Replay = (Invariant, String);

/// The human report: header, one line per invariant, and the replay
/// command of every violation.
pub fn text(report: &Report, replays: &[Replay]) -> String {
    let mut out = header(&report.scenario, report.seed);
    out.push('\n');
    let mut rows = vec![vec![
        "invariant".to_string(),
        "verdict".to_string(),
        "by".to_string(),
        "explored".to_string(),
        "note".to_string(),
    ]];
    rows.extend(report.invariants.iter().map(invariant_row));
    out.push_str(&table(&rows));
    out.push_str(&replay_lines(replays));
    out
}

/// `replay <invariant>: <command>`, one line per failure: what every
/// failing output ends with.
pub fn replay_lines(replays: &[Replay]) -> String {
    replays
        .iter()
        .map(|(invariant, command)| format!("replay {invariant}: {command}\n"))
        .collect()
}

fn invariant_row(r: &InvariantReport) -> Vec<String> {
    let mut note = one_line(&r.note);
    if let Some(step) = r
        .trace
        .as_ref()
        .and_then(|t| violation_step(t, r.invariant))
    {
        note = join(&format!("at step {step}"), &note);
    }
    // A note that already names the bound (`… (max_states); raise it with
    // --max-states`) needs no prefix.
    if let Some(bound) = r
        .bound_hit
        .as_ref()
        .filter(|b| !note.contains(&format!("({b})")))
    {
        note = join(&format!("bound {bound} hit"), &note);
    }
    vec![
        r.invariant.to_string(),
        verdict_name(r.verdict).to_string(),
        r.decided_by.to_string(),
        explored(r),
        note,
    ]
}

fn join(first: &str, rest: &str) -> String {
    if rest.is_empty() {
        first.to_string()
    } else {
        format!("{first}; {rest}")
    }
}

/// `1 run, 23 events` or `1234 states, 5678 transitions`.
fn explored(r: &InvariantReport) -> String {
    explored_counts(r.runs, r.states, r.transitions)
}

/// What a search covered, in words: runs and events for random runs,
/// states and transitions for exhaustive search.
pub(crate) fn explored_counts(runs: u64, states: u64, transitions: u64) -> String {
    let plural = |n: u64, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    if runs > 0 {
        format!("{}, {}", plural(runs, "run"), plural(transitions, "event"))
    } else {
        format!(
            "{}, {}",
            plural(states, "state"),
            plural(transitions, "transition")
        )
    }
}

pub(crate) fn violation_step(trace: &Trace, invariant: Invariant) -> Option<usize> {
    trace
        .verdicts
        .iter()
        .find(|v| v.invariant == invariant)
        .and_then(|v| v.step)
}

/// The spelling of a verdict in reports: `holds`, `violated`, `unknown`.
pub fn verdict_name(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Holds => "holds",
        Verdict::Violated => "violated",
        Verdict::Unknown => "unknown",
    }
}

/// The steps of a trace up to its last violation, one line each, for the
/// text report of `run` (a violation always comes with its trace).
pub fn steps(trace: &Trace) -> String {
    let last = trace
        .steps
        .iter()
        .rposition(|s| !s.violations.is_empty())
        .map_or(trace.steps.len(), |i| i + 1);
    let rows: Vec<Vec<String>> = trace.steps[..last]
        .iter()
        .map(|s| {
            let route = if s.from == s.to || s.to.is_empty() {
                s.from.clone()
            } else {
                format!("{} → {}", s.from, s.to)
            };
            let mut notes = s.notes.clone();
            notes.extend(s.violations.iter().map(|i| format!("VIOLATED: {i}")));
            vec![
                format!("{:>3}", s.index),
                format_time(s.at),
                one_line(&route),
                one_line(&s.label),
                one_line(&notes.join("; ")),
            ]
        })
        .collect();
    table(&rows).lines().map(|l| format!("  {l}\n")).collect()
}

#[derive(Serialize)]
struct JsonReport<'a> {
    tool: String,
    file: &'a str,
    scenario: &'a str,
    seed: u64,
    invariants: Vec<JsonInvariant<'a>>,
}

/// One invariant in JSON output (`explore`, `run`, `matrix`): the report's
/// fields plus the step where its counterexample broke it and the replay
/// command of its saved trace.
#[derive(Serialize)]
pub(super) struct JsonInvariant<'a> {
    #[serde(flatten)]
    report: &'a InvariantReport,
    #[serde(skip_serializing_if = "Option::is_none")]
    step: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    replay: Option<&'a str>,
}

impl<'a> JsonInvariant<'a> {
    pub(super) fn new(report: &'a InvariantReport, replay: Option<&'a str>) -> Self {
        JsonInvariant {
            report,
            step: report
                .trace
                .as_ref()
                .and_then(|t| violation_step(t, report.invariant)),
            replay,
        }
    }
}

/// The JSON report of one scenario: one line, so several files give JSON
/// Lines. Per invariant: the report's fields plus `step` and `replay`.
pub fn json(report: &Report, file: &str, replays: &[Replay]) -> String {
    let doc = JsonReport {
        tool: tool(),
        file,
        scenario: &report.scenario,
        seed: report.seed,
        invariants: json_invariants(report, replays),
    };
    let mut out = serde_json::to_string(&doc).expect("a report serialises");
    out.push('\n');
    out
}

fn json_invariants<'a>(report: &'a Report, replays: &'a [Replay]) -> Vec<JsonInvariant<'a>> {
    let replay = |invariant| replays.iter().find(|(i, _)| *i == invariant);
    report
        .invariants
        .iter()
        .map(|r| JsonInvariant::new(r, replay(r.invariant).map(|(_, c)| c.as_str())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_names_tool_scenario_and_seed() {
        let expected = format!(
            "tokenrace {} · scenario race · seed 7",
            env!("CARGO_PKG_VERSION")
        );
        assert_eq!(header("race", 7), expected);
    }
}
