//! Renderers: pure functions from a [`Trace`] (or a [`crate::check::Report`],
//! a `check` summary, a [`crate::check::matrix::Matrix`]) to text — Mermaid,
//! wsd, Markdown, Graphviz DOT, the human/JSON reports, JUnit XML.
//!
//! What this module owns: the layout of every diagram and report, the
//! escaping each syntax needs, and the participant order they share.
//! What it deliberately does not do: IO, reading the clock, or judging
//! anything — it shows what the trace and the report already say, so two
//! renders of the same trace are byte-identical.

pub mod check;
pub mod dot;
pub mod markdown;
pub mod matrix;
pub mod mermaid;
pub mod report;
pub mod wsd;

use crate::trace::{format_time, StepKind, Trace, TraceStep};

/// Every actor a trace names, in diagram order: `trace.actors` first, then
/// any actor a step names that the list forgot, in order of first
/// appearance — so a hand-edited trace still renders instead of panicking.
pub(crate) fn participants(trace: &Trace) -> Vec<String> {
    let mut actors: Vec<String> = Vec::new();
    let named = trace.actors.iter();
    let stepped = trace
        .steps
        .iter()
        .flat_map(|s| [&s.from, &s.to])
        .filter(|a| !a.is_empty());
    for actor in named.chain(stepped) {
        if !actors.contains(actor) {
            actors.push(actor.clone());
        }
    }
    actors
}

/// One line of text: line breaks and tabs become spaces, because every
/// diagram syntax here is line-based and a stray newline would end a
/// statement in the middle of a label.
pub(crate) fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// A label with the step's virtual time, as every diagram shows it:
/// `GET /api AT1 (t=16m0.040s)`.
pub(crate) fn timed(label: &str, at: u64) -> String {
    if label.is_empty() {
        format_time(at)
    } else {
        format!("{label} ({})", format_time(at))
    }
}

/// How a step is drawn, decided once so Mermaid and wsd agree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Shape<'a> {
    /// A message, or an action drawn as the user's (or attacker's) arrow.
    Arrow { from: &'a str, to: &'a str },
    /// A timer, or an action with no one to draw it from: a note on `over`.
    Note { over: &'a str },
    /// The end of the run: a note across the whole diagram.
    End,
}

/// The shape of one step. Actions are arrows from their actor to their
/// target when the trace names both; an action on a client alone is drawn
/// from `user` when the diagram has a user, otherwise as a note.
pub(crate) fn shape<'a>(step: &'a TraceStep, actors: &[String]) -> Shape<'a> {
    match step.kind {
        StepKind::Message => Shape::Arrow {
            from: &step.from,
            to: &step.to,
        },
        StepKind::Timer => Shape::Note { over: &step.from },
        StepKind::End => Shape::End,
        StepKind::Action if step.from != step.to && !step.to.is_empty() => Shape::Arrow {
            from: &step.from,
            to: &step.to,
        },
        StepKind::Action => {
            let driver = step.from == "user" || step.from.starts_with("attacker");
            if !driver && actors.iter().any(|a| a == "user") {
                Shape::Arrow {
                    from: "user",
                    to: &step.from,
                }
            } else {
                Shape::Note { over: &step.from }
            }
        }
    }
}

/// Aligns rows into columns separated by two spaces, trailing spaces
/// trimmed: the one table layout every text output uses.
pub(crate) fn table(rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|cell| cell.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (cell, width) in row.iter().zip(&widths) {
            line.push_str(cell);
            let pad = width - cell.chars().count();
            line.extend(std::iter::repeat(' ').take(pad + 2));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_aligns_columns_and_trims_trailing_spaces() {
        let rows = vec![
            vec!["a".to_string(), "bb".to_string(), "c".to_string()],
            vec!["long".to_string(), "x".to_string(), String::new()],
        ];
        assert_eq!(table(&rows), "a     bb  c\nlong  x\n");
    }

    #[test]
    fn one_line_removes_line_breaks() {
        assert_eq!(one_line("a\nb\r\tc"), "a b  c");
    }
}
