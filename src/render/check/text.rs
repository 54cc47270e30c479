//! The `check` summary as aligned text on stdout: one row per scenario and
//! invariant, every failure with its replay command, and the totals line.
//! The `time` column and total appear only when the CLI asks (a terminal).

use super::{expectation_name, plural_s, CheckEntry, CheckRow, Totals};
use crate::render::report::{tool, verdict_name};
use crate::render::{one_line, table};
use std::time::Duration;

/// The `check` summary: a first line naming the tool, one aligned row per
/// scenario and invariant (scenario, seed, invariant, expected, got,
/// result, how it was decided and, on a terminal, the scenario's time),
/// every failure with its replay command, and the totals line.
pub fn check_text(entries: &[CheckEntry], allow_unknown: bool, show_time: bool) -> String {
    let files = entries.len();
    let mut out = format!(
        "{} · check · {files} scenario file{}\n",
        tool(),
        plural_s(files)
    );
    let mut header = [
        "scenario",
        "seed",
        "invariant",
        "expected",
        "got",
        "result",
        "mode",
    ]
    .map(String::from)
    .to_vec();
    if show_time {
        header.push("time".to_string());
    }
    let mut rows = vec![header];
    for entry in entries.iter().filter(|e| e.error.is_none()) {
        for (i, row) in entry.rows.iter().enumerate() {
            let mut cells = text_row(entry, row);
            if show_time {
                cells.push(match (i, entry.elapsed) {
                    (0, Some(elapsed)) => seconds(elapsed),
                    _ => String::new(),
                });
            }
            rows.push(cells);
        }
    }
    if rows.len() > 1 {
        out.push_str(&table(&rows));
    }
    out.push_str(&check_tail(entries, allow_unknown, show_time));
    out
}

/// `check --quiet`: the failures, each with its replay command, and the
/// totals line; no table.
pub fn check_text_quiet(entries: &[CheckEntry], allow_unknown: bool) -> String {
    check_tail(entries, allow_unknown, false)
}

fn check_tail(entries: &[CheckEntry], allow_unknown: bool, show_time: bool) -> String {
    let mut out = String::new();
    for entry in entries {
        out.push_str(&failures(entry));
    }
    let totals = Totals::of(entries);
    out.push_str(&totals.line());
    if allow_unknown {
        out.push_str("; ");
        out.push_str(&totals.allow_unknown_line());
    }
    if totals.vacuous > 0 {
        out.push_str("; ");
        out.push_str(&totals.vacuous_line());
    }
    if show_time {
        let total: Duration = entries.iter().filter_map(|e| e.elapsed).sum();
        out.push_str(&format!(" · {}", seconds(total)));
    }
    out.push('\n');
    out
}

/// `0.12s`: the one way a time is shown.
fn seconds(elapsed: Duration) -> String {
    format!("{:.2}s", elapsed.as_secs_f64())
}

fn text_row(entry: &CheckEntry, row: &CheckRow) -> Vec<String> {
    vec![
        one_line(entry.scenario.as_deref().unwrap_or("")),
        entry.seed.map(|s| s.to_string()).unwrap_or_default(),
        row.invariant.to_string(),
        row.expected.map_or("-", expectation_name).to_string(),
        match row.vacuous {
            Some(_) if row.got == crate::check::Verdict::Holds => "holds (vacuous)".to_string(),
            _ => verdict_name(row.got).to_string(),
        },
        row.result().to_string(),
        row.mode(),
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
            entry.title(),
            row.invariant,
            row.got_words()
        ));
        if row.got == crate::check::Verdict::Unknown && !row.note.is_empty() {
            out.push_str(&format!("  {}\n", one_line(&row.note)));
        }
        if let Some(replay) = &row.replay {
            out.push_str(&format!("  {replay}\n"));
        }
    }
    let vacuous =
        |r: &&CheckRow| r.met == Some(true) && r.expected.is_some() && r.vacuous.is_some();
    for row in entry.rows.iter().filter(vacuous) {
        out.push_str(&format!(
            "VACUOUS {} {}: {}\n",
            entry.title(),
            row.invariant,
            row.got_words()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::tests::entry;
    use super::*;

    #[test]
    fn check_text_aligns_rows_and_ends_failures_with_their_replay_command() {
        let entries = [
            entry("long-scenario-name", Some(false)),
            entry("short", None),
        ];
        let text = check_text(&entries, false, false);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], format!("{} · check · 2 scenario files", tool()));
        assert_eq!(
            lines[2],
            "long-scenario-name  7     no_error_while_refresh_valid  holds     violated  FAIL    bfs, 12 states"
        );
        assert_eq!(
            lines[3],
            "short               7     no_error_while_refresh_valid  -         violated  -       bfs, 12 states"
        );
        assert_eq!(
            lines[5],
            "  tokenrace replay out/long-scenario-name.trace.json"
        );
        assert_eq!(
            lines[6],
            "1 passed, 1 failed, 0 not judged · 1 expectation, 1 unmet"
        );
        assert!(!text.contains("1.23s"), "no time unless asked");
    }

    #[test]
    fn check_text_shows_time_per_scenario_and_in_total_only_when_asked() {
        let text = check_text(&[entry("a", Some(true))], false, true);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[1].ends_with("time"), "{text}");
        assert!(lines[2].ends_with("1.23s"), "{text}");
        assert!(lines[3].ends_with("· 1.23s"), "{text}");
    }
}
