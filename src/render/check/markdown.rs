//! `check --report FILE.md`: the check summary as a Markdown page for pull
//! requests and CI job summaries (`$GITHUB_STEP_SUMMARY`). GitHub renders
//! ```` ```mermaid ```` blocks, so every violation is drawn, not just named.
//!
//! Layout: the totals; the unmet expectations first, each with expected
//! vs got, how the verdict was reached, its replay command and — when a
//! counterexample exists — its diagram; then the table of every
//! expectation; then the expected violations, each diagram folded in a
//! `<details>` block so a long corpus stays readable. No timings (docs/semantics.md "Traces and reports").

use super::{expectation_name, CheckEntry, CheckRow, Totals};
use crate::render::markdown::{cell, code};
use crate::render::mermaid;
use crate::render::report::{tool, verdict_name};
use std::fmt::Write;

/// The page, ending with a newline.
pub fn render(entries: &[CheckEntry], allow_unknown: bool) -> String {
    let totals = Totals::of(entries);
    let mut out = String::from("# tokenrace check\n\n");
    let files = entries.len();
    writeln!(
        out,
        "{} · {files} scenario file{} · {}\n",
        tool(),
        super::plural_s(files),
        totals.line()
    )
    .unwrap();
    if allow_unknown {
        writeln!(out, "{}\n", totals.allow_unknown_line()).unwrap();
    }
    not_judged(&mut out, entries);
    failures(&mut out, entries);
    results_table(&mut out, entries);
    expected_violations(&mut out, entries);
    out
}

fn not_judged(out: &mut String, entries: &[CheckEntry]) {
    let errors: Vec<&CheckEntry> = entries.iter().filter(|e| e.error.is_some()).collect();
    if errors.is_empty() {
        return;
    }
    out.push_str("## Not judged\n\n");
    for entry in errors {
        let error = entry.error.as_deref().unwrap_or_default();
        writeln!(out, "- `{}`: {}", code(&entry.file), cell(error)).unwrap();
    }
    out.push('\n');
}

fn failures(out: &mut String, entries: &[CheckEntry]) {
    let failed: Vec<(&CheckEntry, &CheckRow)> = entries
        .iter()
        .flat_map(|e| e.rows.iter().map(move |r| (e, r)))
        .filter(|(_, r)| r.met == Some(false))
        .collect();
    if failed.is_empty() {
        return;
    }
    out.push_str("## Failures\n\n");
    for (entry, row) in failed {
        writeln!(
            out,
            "### ❌ `{}` · `{}`: expected {}, got {}\n",
            code(&entry.title()),
            row.invariant,
            row.expected.map_or("-", expectation_name),
            verdict_name(row.got)
        )
        .unwrap();
        details(out, entry, row);
    }
}

/// The facts of one row as a list, then its diagram when it has one.
fn details(out: &mut String, entry: &CheckEntry, row: &CheckRow) {
    writeln!(out, "- file: `{}`", code(&entry.file)).unwrap();
    if let Some(seed) = entry.seed {
        writeln!(out, "- seed: {seed}").unwrap();
    }
    writeln!(out, "- decided by: {} ({})", row.decided_by, row.explored()).unwrap();
    if let Some(bound) = &row.bound_hit {
        writeln!(out, "- bound hit: {}", cell(bound)).unwrap();
    }
    if !row.note.is_empty() {
        writeln!(out, "- note: {}", cell(&row.note)).unwrap();
    }
    if let Some(trace) = &row.trace {
        writeln!(out, "- trace: `{}`", code(trace)).unwrap();
    }
    if let Some(replay) = &row.replay {
        writeln!(out, "- replay: `{}`", code(replay)).unwrap();
    }
    out.push('\n');
    if let Some(trace) = &row.counterexample {
        out.push_str("```mermaid\n");
        out.push_str(&mermaid::render(trace));
        out.push_str("```\n\n");
    }
}

fn results_table(out: &mut String, entries: &[CheckEntry]) {
    let judged: Vec<&CheckEntry> = entries.iter().filter(|e| e.error.is_none()).collect();
    if judged.is_empty() {
        return;
    }
    out.push_str("## Expectations\n\n");
    out.push_str("| scenario | invariant | expected | got | result | decided by |\n");
    out.push_str("|---|---|---|---|---|---|\n");
    for entry in judged {
        for row in entry.expectations() {
            let mark = match row.met {
                Some(false) => "❌ FAIL",
                _ if row.allowed_unknown => "✅ ok (unknown allowed)",
                _ => "✅ ok",
            };
            writeln!(
                out,
                "| `{}` | `{}` | {} | {} | {mark} | {} |",
                code(&entry.title()),
                row.invariant,
                row.expected.map_or("-", expectation_name),
                verdict_name(row.got),
                cell(&row.mode())
            )
            .unwrap();
        }
    }
    out.push('\n');
}

fn expected_violations(out: &mut String, entries: &[CheckEntry]) {
    let shown: Vec<(&CheckEntry, &CheckRow)> = entries
        .iter()
        .flat_map(|e| e.rows.iter().map(move |r| (e, r)))
        .filter(|(_, r)| r.met != Some(false) && r.counterexample.is_some())
        .collect();
    if shown.is_empty() {
        return;
    }
    out.push_str("## Counterexamples of expected violations\n\n");
    for (entry, row) in shown {
        let expected = row.expected.map_or("no expectation".to_string(), |e| {
            format!("expected {}", expectation_name(e))
        });
        writeln!(
            out,
            "<details><summary><code>{}</code> · <code>{}</code> ({expected})</summary>\n",
            html(&entry.title()),
            row.invariant
        )
        .unwrap();
        details(out, entry, row);
        out.push_str("</details>\n\n");
    }
}

/// Text safe inside HTML (the `<summary>` line): one line, markup
/// characters as entities.
fn html(text: &str) -> String {
    crate::render::one_line(text)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::check::tests::entry;

    #[test]
    fn the_report_lists_failures_first_with_their_replay_command() {
        let entries = [entry("good", Some(true)), entry("bad", Some(false))];
        let page = render(&entries, false);
        let failures = page.find("## Failures").expect("a failures section");
        let table = page.find("## Expectations").expect("a table");
        assert!(failures < table);
        assert!(page.contains(
            "### ❌ `bad` · `no_error_while_refresh_valid`: expected holds, got violated"
        ));
        assert!(page.contains("- replay: `tokenrace replay out/bad.trace.json`"));
        assert!(page
            .contains("| `good` | `no_error_while_refresh_valid` | violated | violated | ✅ ok |"));
        assert!(!page.contains("1.23"), "no timings in reports");
    }
}
