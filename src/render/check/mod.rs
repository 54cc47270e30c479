//! What `tokenrace check` established, as data ([`CheckEntry`],
//! [`CheckRow`]) and in every layout CI and people read: the aligned text
//! table ([`text`]) and the JSON document printed on stdout, the JUnit XML
//! ([`junit`]) and the Markdown report ([`markdown`]) written to files.
//!
//! What it owns: those layouts and the totals they all agree on
//! ([`Totals`]). What it does not: deciding exit codes or writing files
//! (the CLI does), or measuring time — a scenario's time is passed in and
//! shown only in the text table, and only when the CLI asks (stdout is a
//! terminal); no report ever carries it (docs/cli.md).

pub mod junit;
pub mod markdown;
pub mod text;

pub use text::{check_text, check_text_quiet};

use super::one_line;
use super::report::{explored_counts, tool, verdict_name};
use crate::check::{InvariantReport, Vacuity, Verdict};
use crate::scenario::{Expectation, Invariant};
use crate::trace::Trace;
use serde::Serialize;
use std::time::Duration;

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
    /// `bfs`, `dfs`, `random`: the search that decided the verdict.
    pub decided_by: String,
    pub states: u64,
    pub runs: u64,
    pub transitions: u64,
    /// The bound that stopped the search, when one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bound_hit: Option<String>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// A `holds` where nothing the invariant talks about ever happened.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vacuous: Option<Vacuity>,
    /// Where the counterexample was written, for a violated invariant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace: Option<String>,
    /// The command that reproduces a violation or a failed expectation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replay: Option<String>,
    /// The counterexample itself, for reports that draw it (Markdown).
    #[serde(skip)]
    pub counterexample: Option<Trace>,
}

impl CheckRow {
    /// A row for an invariant the exploration reported on; the caller
    /// fills in the expectation, the written trace and the replay command.
    pub fn from_report(r: &InvariantReport) -> CheckRow {
        CheckRow {
            invariant: r.invariant,
            expected: None,
            got: r.verdict,
            met: None,
            allowed_unknown: false,
            decided_by: r.decided_by.to_string(),
            states: r.states,
            runs: r.runs,
            transitions: r.transitions,
            bound_hit: r.bound_hit.clone(),
            note: r.note.clone(),
            vacuous: r.vacuous,
            trace: None,
            replay: None,
            counterexample: r.trace.clone().filter(|_| r.verdict == Verdict::Violated),
        }
    }

    /// `ok`, `ok (unknown allowed)`, `FAIL`, or `-` with no expectation.
    pub fn result(&self) -> &'static str {
        match (self.met, self.allowed_unknown) {
            (None, _) => "-",
            (Some(true), false) => "ok",
            (Some(true), true) => "ok (unknown allowed)",
            (Some(false), _) if self.failed_vacuous() => "FAIL (vacuous)",
            (Some(false), _) => "FAIL",
        }
    }

    /// `holds` met `holds`, but vacuously, and `check --strict` failed it.
    pub fn failed_vacuous(&self) -> bool {
        self.met == Some(false) && self.got == Verdict::Holds && self.vacuous.is_some()
    }

    /// The verdict in words: `holds (vacuous: no refresh was ever sent)`.
    pub fn got_words(&self) -> String {
        match self.vacuous {
            Some(v) if self.got == Verdict::Holds => format!("holds ({})", v.note()),
            _ => verdict_name(self.got).to_string(),
        }
    }

    /// `bfs, 1234 states` or `random, 10000 runs`: how the verdict was
    /// reached, short enough for a table cell.
    pub fn mode(&self) -> String {
        let amount = if self.runs > 0 {
            format!("{} run{}", self.runs, plural_s(self.runs as usize))
        } else {
            format!("{} state{}", self.states, plural_s(self.states as usize))
        };
        match &self.bound_hit {
            Some(bound) => format!("{}, {amount}, bound {bound}", self.decided_by),
            None => format!("{}, {amount}", self.decided_by),
        }
    }

    /// The search in full words, as the JSON and Markdown reports say it.
    pub fn explored(&self) -> String {
        explored_counts(self.runs, self.states, self.transitions)
    }
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
    /// Wall-clock time spent on the file: shown in the terminal table only.
    #[serde(skip)]
    pub elapsed: Option<Duration>,
}

impl CheckEntry {
    /// Whether every expectation of a judged file was met.
    pub fn passed(&self) -> bool {
        self.error.is_none() && self.rows.iter().all(|r| r.met != Some(false))
    }

    /// The scenario's name, or its file when it did not load.
    pub fn title(&self) -> String {
        one_line(self.scenario.as_deref().unwrap_or(&self.file))
    }

    /// The rows that carry an expectation: what CI counts as test cases.
    pub fn expectations(&self) -> impl Iterator<Item = &CheckRow> {
        self.rows.iter().filter(|r| r.expected.is_some())
    }
}

/// The counts every `check` output agrees on: files and expectations.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub passed: usize,
    pub failed: usize,
    pub not_judged: usize,
    /// Expectations compared, met, unmet; and those met by `unknown`
    /// only because of `--allow-unknown`.
    pub expectations: usize,
    pub met: usize,
    pub unmet: usize,
    pub allowed_unknown: usize,
    /// `holds` expectations whose `holds` was vacuous (met, or failed by
    /// `--strict`).
    pub vacuous: usize,
}

impl Totals {
    pub fn of(entries: &[CheckEntry]) -> Totals {
        let mut t = Totals::default();
        for entry in entries {
            if entry.error.is_some() {
                t.not_judged += 1;
            } else if entry.passed() {
                t.passed += 1;
            } else {
                t.failed += 1;
            }
            for row in entry.expectations() {
                t.expectations += 1;
                if row.met == Some(true) {
                    t.met += 1;
                } else {
                    t.unmet += 1;
                }
                t.allowed_unknown += usize::from(row.allowed_unknown);
                t.vacuous += usize::from(row.got == Verdict::Holds && row.vacuous.is_some());
            }
        }
        t
    }

    /// `2 passed, 1 failed, 0 not judged · 12 expectations, 1 unmet`.
    pub fn line(&self) -> String {
        format!(
            "{} passed, {} failed, {} not judged · {} expectation{}, {} unmet",
            self.passed,
            self.failed,
            self.not_judged,
            self.expectations,
            plural_s(self.expectations),
            self.unmet
        )
    }

    /// How many `holds` expectations were met only vacuously.
    pub fn vacuous_line(&self) -> String {
        format!(
            "{} `holds` expectation{} vacuous (--strict fails them)",
            self.vacuous,
            plural_s(self.vacuous)
        )
    }

    /// What `--allow-unknown` changed, for every summary that mentions it.
    pub fn allow_unknown_line(&self) -> String {
        format!(
            "--allow-unknown: {} `holds` expectation{} met by `unknown`",
            self.allowed_unknown,
            plural_s(self.allowed_unknown)
        )
    }
}

pub(crate) fn plural_s(n: usize) -> &'static str {
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
    expectations: usize,
    unmet: usize,
    scenarios: &'a [CheckEntry],
}

/// The `check` summary as one JSON document (pretty-printed, no timings).
pub fn check_json(entries: &[CheckEntry], allow_unknown: bool) -> String {
    let totals = Totals::of(entries);
    let doc = JsonCheck {
        tool: tool(),
        allow_unknown,
        passed: totals.passed,
        failed: totals.failed,
        not_judged: totals.not_judged,
        expectations: totals.expectations,
        unmet: totals.unmet,
        scenarios: entries,
    };
    let mut out = serde_json::to_string_pretty(&doc).expect("a check summary serialises");
    out.push('\n');
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A judged file with one row on `no_error_while_refresh_valid`
    /// (violated): expected `holds` when `met` is given, else nothing.
    pub(crate) fn entry(scenario: &str, met: Option<bool>) -> CheckEntry {
        CheckEntry {
            file: format!("scenarios/{scenario}.json"),
            scenario: Some(scenario.to_string()),
            seed: Some(7),
            error: None,
            rows: vec![CheckRow {
                invariant: Invariant::NoErrorWhileRefreshValid,
                expected: met.map(|m| {
                    if m {
                        Expectation::Violated
                    } else {
                        Expectation::Holds
                    }
                }),
                got: Verdict::Violated,
                met,
                allowed_unknown: false,
                decided_by: "bfs".to_string(),
                states: 12,
                runs: 0,
                transitions: 20,
                bound_hit: None,
                note: String::new(),
                vacuous: None,
                trace: Some(format!("out/{scenario}.trace.json")),
                replay: Some(format!("tokenrace replay out/{scenario}.trace.json")),
                counterexample: None,
            }],
            elapsed: Some(Duration::from_millis(1234)),
        }
    }

    #[test]
    fn check_json_counts_and_lists_every_scenario_without_timings() {
        let entries = [entry("a", Some(true)), entry("b", Some(false))];
        let text = check_json(&entries, true);
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            (doc["passed"].as_u64(), doc["failed"].as_u64()),
            (Some(1), Some(1))
        );
        let row = &doc["scenarios"][1]["rows"][0];
        assert_eq!(row["replay"], "tokenrace replay out/b.trace.json");
        assert_eq!(row["expected"], "holds");
        assert_eq!(row["decided_by"], "bfs");
        assert_eq!(row["states"], 12);
        assert!(!text.contains("elapsed") && !text.contains("1.23"));
    }
}
