//! The same trace in the plain sequence-diagram syntax of the seed
//! documents: an `object A B C` line, `A->B: text` arrows and
//! `note left of B: text` / `note right of A: text` notes — nothing else,
//! so any tool that reads those seeds reads this.
//!
//! It owns that syntax only; what a step means comes from `render::shape`.
//! Every step line starts with the step's index (`3. GET /api AT1 …`), as
//! the seed diagrams number their steps, so arrows and timer notes can be
//! matched with the Markdown table.

use super::{one_line, participants, shape, timed, Shape};
use crate::trace::{Trace, TraceStep};
use std::fmt::Write;

/// The diagram as wsd text, ending with a newline.
pub fn render(trace: &Trace) -> String {
    let actors = participants(trace);
    let names: Vec<String> = actors.iter().map(|a| name(a)).collect();
    let mut out = format!("object {}\n", names.join(" "));
    for step in &trace.steps {
        step_lines(&mut out, step, &actors);
    }
    out
}

fn step_lines(out: &mut String, step: &TraceStep, actors: &[String]) {
    let text = one_line(&format!("{}. {}", step.index, timed(&step.label, step.at)));
    match shape(step, actors) {
        Shape::Arrow { from, to } => writeln!(out, "{}->{}: {text}", name(from), name(to)),
        Shape::Note { over } => writeln!(out, "note right of {}: {text}", name(over)),
        Shape::End => {
            let first = actors.first().map(String::as_str).unwrap_or("user");
            let text = if step.label.is_empty() {
                one_line(&format!("{}. {}", step.index, timed("end of run", step.at)))
            } else {
                text
            };
            writeln!(out, "note right of {}: {text}", name(first))
        }
    }
    .unwrap();
    let target = if step.to.is_empty() {
        &step.from
    } else {
        &step.to
    };
    for note in &step.notes {
        writeln!(out, "note right of {}: {}", name(target), one_line(note)).unwrap();
    }
    for invariant in &step.violations {
        writeln!(out, "note left of {}: VIOLATED: {invariant}", name(target)).unwrap();
    }
}

/// An actor name the syntax reads as one word: whitespace and the arrow
/// and separator characters (`-`, `>`, `:`, `,`) become `_`.
fn name(actor: &str) -> String {
    let cleaned: String = actor
        .chars()
        .map(|c| match c {
            '-' | '>' | ':' | ',' | '"' => '_',
            c if c.is_whitespace() || c.is_control() => '_',
            c => c,
        })
        .collect();
    if cleaned.is_empty() {
        "_".to_string()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::name;

    #[test]
    fn names_keep_dots_and_lose_separators() {
        assert_eq!(name("tab1.req2"), "tab1.req2");
        assert_eq!(name("my tab"), "my_tab");
        assert_eq!(name("a->b:c"), "a__b_c");
        assert_eq!(name(""), "_");
    }
}
