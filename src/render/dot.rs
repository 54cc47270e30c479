//! Graphviz DOT rendering of a trace (`render --to dot`), for
//! `dot -Tsvg`: a sequence diagram drawn as a graph. Each actor is a
//! cluster (a lane) holding one point per step, chained top to bottom; the
//! lanes stand in the trace's actor order, and row `k` (`rank=same`) holds
//! every lane's point of step `k`. A message is a numbered edge between
//! two lanes in its row; a timer or an action with no arrow is a note node
//! in its row; consequences are notes and a broken invariant is a red note,
//! each tied to the lane of the step's target.
//!
//! It owns DOT's syntax and escaping only; what a step means comes from
//! `render::shape` and its label from `render::timed`, as in Mermaid and
//! wsd. Node ids are generated (`a{lane}_{row}`, `n{row}_{k}`), so no actor
//! name ever reaches an id.

use super::{participants, shape, timed, Shape};
use crate::trace::{Trace, TraceStep};
use std::fmt::Write;

/// The diagram as DOT source, ending with a newline.
pub fn render(trace: &Trace) -> String {
    let actors = participants(trace);
    let rows = trace.steps.len();
    let mut out = String::from("digraph trace {\n");
    writeln!(out, "  label={};", quote(&trace.scenario.name)).unwrap();
    out.push_str("  labelloc=t;\n  newrank=true;\n  nodesep=0.6;\n");
    out.push_str("  node [shape=point, width=0.05, color=gray50];\n");
    out.push_str("  edge [fontsize=10];\n");
    for (lane, actor) in actors.iter().enumerate() {
        lane_lines(&mut out, lane, actor, rows);
    }
    let heads: Vec<String> = (0..actors.len()).map(|l| point(l, 0)).collect();
    if heads.len() > 1 {
        writeln!(
            out,
            "  {{ rank=same; {} [style=invis]; }}",
            heads.join(" -> ")
        )
        .unwrap();
    }
    for (position, step) in trace.steps.iter().enumerate() {
        step_lines(&mut out, position + 1, step, &actors);
    }
    out.push_str("}\n");
    out
}

/// One actor's cluster: its name box (row 0) and a point per step,
/// chained so the lane reads top to bottom.
fn lane_lines(out: &mut String, lane: usize, actor: &str, rows: usize) {
    writeln!(out, "  subgraph cluster_{lane} {{").unwrap();
    writeln!(out, "    label=\"\";\n    color=gray80;").unwrap();
    writeln!(
        out,
        "    {} [shape=box, width=0, label={}, color=black];",
        point(lane, 0),
        quote(actor)
    )
    .unwrap();
    let chain: Vec<String> = (0..=rows).map(|row| point(lane, row)).collect();
    if rows > 0 {
        writeln!(
            out,
            "    {} [arrowhead=none, style=dashed, color=gray70, weight=100];",
            chain.join(" -> ")
        )
        .unwrap();
    }
    out.push_str("  }\n");
}

/// Row `row`'s edge or note for `step`, then its consequence and
/// violation notes, all on one rank.
fn step_lines(out: &mut String, row: usize, step: &TraceStep, actors: &[String]) {
    let lane = |name: &str| actors.iter().position(|a| a == name).unwrap_or(0);
    let text = format!("{}. {}", step.index, timed(&step.label, step.at));
    let mut same: Vec<String> = Vec::new();
    match shape(step, actors) {
        Shape::Arrow { from, to } => writeln!(
            out,
            "  {} -> {} [label={}, constraint=false];",
            point(lane(from), row),
            point(lane(to), row),
            quote(&text)
        )
        .unwrap(),
        Shape::Note { over } => {
            let id = note(out, row, 0, &text, "");
            tie(out, lane(over), row, &id, "gray50");
            same.push(id);
        }
        Shape::End => {
            let text = if step.label.is_empty() {
                format!("{}. {}", step.index, timed("end of run", step.at))
            } else {
                text
            };
            let id = note(out, row, 0, &text, "");
            tie(out, 0, row, &id, "gray50");
            same.push(id);
        }
    }
    let target = lane(if step.to.is_empty() {
        &step.from
    } else {
        &step.to
    });
    for consequence in &step.notes {
        let id = note(out, row, same.len() + 1, consequence, "");
        tie(out, target, row, &id, "gray50");
        same.push(id);
    }
    for invariant in &step.violations {
        let text = format!("VIOLATED: {invariant}");
        let style = ", style=filled, fillcolor=\"#ffe0e0\", color=red, fontcolor=red";
        let id = note(out, row, same.len() + 1, &text, style);
        tie(out, target, row, &id, "red");
        same.push(id);
    }
    let points: Vec<String> = (0..actors.len()).map(|l| point(l, row)).collect();
    writeln!(
        out,
        "  {{ rank=same; {} }}",
        [points, same].concat().join("; ")
    )
    .unwrap();
}

/// Declares note node `n{row}_{k}` and returns its id.
fn note(out: &mut String, row: usize, k: usize, text: &str, style: &str) -> String {
    let id = format!("n{row}_{k}");
    writeln!(
        out,
        "  {id} [shape=note, width=0, height=0, fontsize=10, label={}{style}];",
        quote(text)
    )
    .unwrap();
    id
}

/// A dotted line from a lane's point in `row` to a note.
fn tie(out: &mut String, lane: usize, row: usize, id: &str, color: &str) {
    writeln!(
        out,
        "  {} -> {id} [arrowhead=none, style=dotted, color={color}, constraint=false];",
        point(lane, row)
    )
    .unwrap();
}

fn point(lane: usize, row: usize) -> String {
    format!("a{lane}_{row}")
}

/// A DOT double-quoted string: `\` and `"` escaped, a line break becomes
/// DOT's centred line break `\n`, other control characters a space. Every
/// backslash in the result is one this function wrote, so no text can
/// produce DOT's `\N`/`\G`/`\l` escapes or end the string early.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => out.push_str("\\n"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn quote_escapes_quotes_backslashes_and_line_breaks() {
        assert_eq!(quote("GET /api AT1"), "\"GET /api AT1\"");
        assert_eq!(quote("say \"hi\""), "\"say \\\"hi\\\"\"");
        assert_eq!(quote("a\\N b"), "\"a\\\\N b\"");
        assert_eq!(
            quote("two\nlines\r\nthree\rfour"),
            "\"two\\nlines\\nthree\\nfour\""
        );
        assert_eq!(quote("tab\there"), "\"tab here\"");
        assert_eq!(quote(""), "\"\"");
    }

    #[test]
    fn a_quoted_text_never_ends_early() {
        let nasty = "x\\\"y\\\\\"\n\\";
        let quoted = quote(nasty);
        let inner = &quoted[1..quoted.len() - 1];
        // Every `"` inside is preceded by an odd run of backslashes.
        let mut run = 0;
        for c in inner.chars() {
            if c == '"' {
                assert_eq!(run % 2, 1, "{quoted}");
            }
            run = if c == '\\' { run + 1 } else { 0 };
        }
        assert_eq!(run % 2, 0, "a trailing lone backslash: {quoted}");
    }
}
