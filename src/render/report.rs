//! Reports of what a run, an exploration or `check` established: the human
//! text report, the JSON report (`--format json`), and the `check` summary.
//!
//! What it owns: their layout and the JSON shape (documented in
//! docs/cli.md). What it does not: timings or progress (they go to stderr
//! and never into a report, so reports are byte-identical across runs),
//! deciding exit codes, or choosing replay commands — the CLI knows the
//! file paths and passes each invariant's replay command in.

use super::{one_line, table};
use crate::check::{InvariantReport, Report, Verdict};
use crate::scenario::{Expectation, Invariant};
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
    if let Some(bound) = &r.bound_hit {
        note = join(&format!("bound {bound} hit"), &note);
    }
    vec![
        r.invariant.to_string(),
        verdict_name(r.verdict).to_string(),
        r.decided_by.clone(),
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
    let plural = |n: u64, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    if r.runs > 0 {
        format!(
            "{}, {}",
            plural(r.runs, "run"),
            plural(r.transitions, "event")
        )
    } else {
        format!(
            "{}, {}",
            plural(r.states, "state"),
            plural(r.transitions, "transition")
        )
    }
}

fn violation_step(trace: &Trace, invariant: Invariant) -> Option<usize> {
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

#[derive(Serialize)]
struct JsonInvariant<'a> {
    #[serde(flatten)]
    report: &'a InvariantReport,
    #[serde(skip_serializing_if = "Option::is_none")]
    step: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    replay: Option<&'a str>,
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
    report
        .invariants
        .iter()
        .map(|r| JsonInvariant {
            report: r,
            step: r
                .trace
                .as_ref()
                .and_then(|t| violation_step(t, r.invariant)),
            replay: replays
                .iter()
                .find(|(i, _)| *i == r.invariant)
                .map(|(_, c)| c.as_str()),
        })
        .collect()
}

/// One invariant of one scenario in the `check` summary.
#[derive(Clone, Debug, Serialize)]
pub struct CheckRow {
    pub invariant: Invariant,
    /// `None`: reported, but it does not change the exit code.
    pub expected: Option<Expectation>,
    pub got: Verdict,
    /// `None` when nothing was expected.
    pub met: Option<bool>,
    /// `unknown` met `holds` only because of `--allow-unknown`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub allowed_unknown: bool,
    /// Where the counterexample was written, for a violated invariant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace: Option<String>,
    /// The command that reproduces a failure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replay: Option<String>,
}

/// One scenario file under `check`: judged rows, or why it could not be.
#[derive(Clone, Debug, Serialize)]
pub struct CheckEntry {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scenario: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// A located error (exit 2): the file was not judged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub rows: Vec<CheckRow>,
}

impl CheckEntry {
    /// Whether every expectation of a judged file was met.
    pub fn passed(&self) -> bool {
        self.error.is_none() && self.rows.iter().all(|r| r.met != Some(false))
    }
}

/// The `check` summary: a first line naming the tool, one aligned row per
/// scenario and invariant (scenario, seed, invariant, expected, got,
/// result), every failure with its replay command, and a closing count.
pub fn check_text(entries: &[CheckEntry], allow_unknown: bool) -> String {
    let files = entries.len();
    let mut out = format!(
        "{} · check · {files} scenario file{}\n",
        tool(),
        plural_s(files)
    );
    let mut rows = vec![
        ["scenario", "seed", "invariant", "expected", "got", "result"]
            .map(String::from)
            .to_vec(),
    ];
    for entry in entries.iter().filter(|e| e.error.is_none()) {
        rows.extend(entry.rows.iter().map(|r| check_row(entry, r)));
    }
    if rows.len() > 1 {
        out.push_str(&table(&rows));
    }
    for entry in entries {
        out.push_str(&failures(entry));
    }
    out.push_str(&check_totals(entries, allow_unknown));
    out
}

fn check_row(entry: &CheckEntry, row: &CheckRow) -> Vec<String> {
    let result = match (row.met, row.allowed_unknown) {
        (None, _) => "-",
        (Some(true), false) => "ok",
        (Some(true), true) => "ok (unknown allowed)",
        (Some(false), _) => "FAIL",
    };
    vec![
        one_line(entry.scenario.as_deref().unwrap_or("")),
        entry.seed.map(|s| s.to_string()).unwrap_or_default(),
        row.invariant.to_string(),
        row.expected.map_or("-", expectation_name).to_string(),
        verdict_name(row.got).to_string(),
        result.to_string(),
    ]
}

fn failures(entry: &CheckEntry) -> String {
    let mut out = String::new();
    if entry.error.is_some() {
        out.push_str(&format!(
            "ERROR {}: not judged (the error is on stderr)\n",
            entry.file
        ));
    }
    for row in entry.rows.iter().filter(|r| r.met == Some(false)) {
        let expected = row.expected.map_or("-", expectation_name);
        out.push_str(&format!(
            "FAIL {} {}: expected {expected}, got {}\n",
            one_line(entry.scenario.as_deref().unwrap_or(&entry.file)),
            row.invariant,
            verdict_name(row.got)
        ));
        if let Some(replay) = &row.replay {
            out.push_str(&format!("  {replay}\n"));
        }
    }
    out
}

fn check_totals(entries: &[CheckEntry], allow_unknown: bool) -> String {
    let errors = entries.iter().filter(|e| e.error.is_some()).count();
    let passed = entries.iter().filter(|e| e.passed()).count();
    let failed = entries.len() - passed - errors;
    let mut out = format!("{passed} passed, {failed} failed, {errors} not judged");
    let allowed = entries
        .iter()
        .flat_map(|e| &e.rows)
        .filter(|r| r.allowed_unknown)
        .count();
    if allow_unknown {
        out.push_str(&format!(
            "; --allow-unknown: {allowed} `holds` expectation{} met by `unknown`",
            plural_s(allowed)
        ));
    }
    out.push('\n');
    out
}

fn plural_s(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The spelling of an expectation: `holds` or `violated`.
pub fn expectation_name(expectation: Expectation) -> &'static str {
    match expectation {
        Expectation::Holds => "holds",
        Expectation::Violated => "violated",
    }
}

#[derive(Serialize)]
struct JsonCheck<'a> {
    tool: String,
    allow_unknown: bool,
    passed: usize,
    failed: usize,
    not_judged: usize,
    scenarios: &'a [CheckEntry],
}

/// The `check` summary as one JSON document (pretty-printed).
pub fn check_json(entries: &[CheckEntry], allow_unknown: bool) -> String {
    let not_judged = entries.iter().filter(|e| e.error.is_some()).count();
    let passed = entries.iter().filter(|e| e.passed()).count();
    let doc = JsonCheck {
        tool: tool(),
        allow_unknown,
        passed,
        failed: entries.len() - passed - not_judged,
        not_judged,
        scenarios: entries,
    };
    let mut out = serde_json::to_string_pretty(&doc).expect("a check summary serialises");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(scenario: &str, met: Option<bool>) -> CheckEntry {
        CheckEntry {
            file: format!("scenarios/{scenario}.json"),
            scenario: Some(scenario.to_string()),
            seed: Some(7),
            error: None,
            rows: vec![CheckRow {
                invariant: Invariant::NoErrorWhileRefreshValid,
                expected: met.map(|_| Expectation::Holds),
                got: Verdict::Violated,
                met,
                allowed_unknown: false,
                trace: None,
                replay: (met == Some(false)).then(|| "tokenrace replay t.json".to_string()),
            }],
        }
    }

    #[test]
    fn check_text_aligns_rows_and_ends_failures_with_their_replay_command() {
        let entries = [
            entry("long-scenario-name", Some(false)),
            entry("short", None),
        ];
        let text = check_text(&entries, false);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], format!("{} · check · 2 scenario files", tool()));
        assert_eq!(
            lines[2],
            "long-scenario-name  7     no_error_while_refresh_valid  holds     violated  FAIL"
        );
        assert_eq!(
            lines[3],
            "short               7     no_error_while_refresh_valid  -         violated  -"
        );
        assert_eq!(lines[5], "  tokenrace replay t.json");
        assert_eq!(lines[6], "1 passed, 1 failed, 0 not judged");
    }

    #[test]
    fn check_json_counts_and_lists_every_scenario() {
        let entries = [entry("a", Some(true)), entry("b", Some(false))];
        let doc: serde_json::Value = serde_json::from_str(&check_json(&entries, true)).unwrap();
        assert_eq!(
            (doc["passed"].as_u64(), doc["failed"].as_u64()),
            (Some(1), Some(1))
        );
        assert_eq!(
            doc["scenarios"][1]["rows"][0]["replay"],
            "tokenrace replay t.json"
        );
        assert_eq!(doc["scenarios"][0]["rows"][0]["expected"], "holds");
    }

    #[test]
    fn the_header_names_tool_scenario_and_seed() {
        let expected = format!(
            "tokenrace {} · scenario race · seed 7",
            env!("CARGO_PKG_VERSION")
        );
        assert_eq!(header("race", 7), expected);
    }
}
