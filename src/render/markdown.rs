//! A trace as a Markdown document for issues and reviews: title, scenario,
//! seed and how the trace was found, a numbered step table, the verdict
//! table, and the Mermaid diagram in a fenced block (GitHub renders it).
//!
//! It owns the document layout and Markdown table escaping; the diagram
//! itself is [`super::mermaid`]'s.

use super::{mermaid, one_line};
use crate::trace::{format_time, StepKind, Trace, TraceStep};
use std::fmt::Write;

/// The document, ending with a newline.
pub fn render(trace: &Trace) -> String {
    let mut out = String::new();
    let scenario = &trace.scenario;
    writeln!(out, "# tokenrace trace: {}\n", cell(&scenario.name)).unwrap();
    if !scenario.description.is_empty() {
        writeln!(out, "{}\n", one_line(&scenario.description)).unwrap();
    }
    writeln!(out, "- scenario: `{}`", code(&scenario.name)).unwrap();
    writeln!(out, "- seed: {}", trace.seed).unwrap();
    writeln!(out, "- found by: {}", cell(&trace.found_by)).unwrap();
    writeln!(out, "- tool: {}", cell(&trace.tool)).unwrap();
    writeln!(out, "- steps: {}\n", trace.steps.len()).unwrap();
    out.push_str("## Steps\n\n");
    out.push_str("| step | time | from → to | label | notes |\n");
    out.push_str("|---:|---|---|---|---|\n");
    for step in &trace.steps {
        out.push_str(&step_row(step));
    }
    out.push_str("\n## Verdicts\n\n");
    out.push_str("| invariant | verdict | step | note |\n|---|---|---:|---|\n");
    for verdict in &trace.verdicts {
        let step = verdict.step.map(|s| s.to_string()).unwrap_or_default();
        writeln!(
            out,
            "| `{}` | {} | {step} | {} |",
            verdict.invariant,
            cell(&verdict.verdict),
            cell(&verdict.note)
        )
        .unwrap();
    }
    out.push_str("\n## Diagram\n\n```mermaid\n");
    out.push_str(&mermaid::render(trace));
    out.push_str("```\n");
    out
}

fn step_row(step: &TraceStep) -> String {
    let time = match step.sent_at {
        Some(sent) if step.kind == StepKind::Message => {
            format!("{} (sent {})", format_time(step.at), format_time(sent))
        }
        _ => format_time(step.at),
    };
    let route = match step.kind {
        StepKind::Message => format!("{} → {}", cell(&step.from), cell(&step.to)),
        StepKind::Action if step.from != step.to && !step.to.is_empty() => {
            format!("{} → {}", cell(&step.from), cell(&step.to))
        }
        StepKind::End => "(end)".to_string(),
        _ => cell(&step.from),
    };
    let mut notes: Vec<String> = step.notes.iter().map(|n| cell(n)).collect();
    notes.extend(
        step.violations
            .iter()
            .map(|i| format!("**VIOLATED: `{i}`**")),
    );
    format!(
        "| {} | {time} | {route} | {} | {} |\n",
        step.index,
        cell(&step.label),
        notes.join("<br>")
    )
}

/// Text safe inside a table cell: one line, `|` escaped, and `<`/`>`
/// written as entities so a label is never read as HTML.
pub(crate) fn cell(text: &str) -> String {
    one_line(text)
        .replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Text safe inside a code span.
pub(crate) fn code(text: &str) -> String {
    one_line(text).replace('`', "'")
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn cells_escape_pipes_and_html() {
        assert_eq!(cell("a|b\n<c>"), "a\\|b &lt;c&gt;");
    }
}
