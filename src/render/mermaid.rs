//! Mermaid `sequenceDiagram` of a trace (docs/semantics.md "Traces and reports"): `autonumber`, one
//! participant per actor in the trace's order, one arrow per message or
//! action, notes for timers, consequences and broken invariants.
//!
//! What it owns: Mermaid's syntax and its escaping. The rules follow
//! Mermaid's sequence grammar (`sequenceDiagram.jison`): message and note
//! text runs from the first `:` to the end of the line and may not contain
//! `#` (a comment), `;` (a statement break) or a line break; `%%` starts a
//! comment anywhere; `#<digits>;` is an entity code, decoded after parsing.
//! Participant ids must avoid the grammar's keywords and its arrow and
//! separator characters, so ids are `[A-Za-z0-9_]` and real names go in
//! `as` labels. It does not decide what a step means: see `render::shape`.
//!
//! Arrows are numbered by `autonumber`; when a timer note sits between two
//! arrows the numbering is re-synchronised (`autonumber N`) so that arrow
//! numbers are the trace's step indexes, as in the Markdown table.

use super::{participants, shape, timed, Shape};
use crate::trace::{Trace, TraceStep};
use std::collections::BTreeMap;
use std::fmt::Write;

/// Words Mermaid's lexer reads as keywords (case-insensitively) where a
/// participant id is expected; an id equal to one is prefixed.
const KEYWORDS: [&str; 32] = [
    "participant",
    "actor",
    "create",
    "destroy",
    "box",
    "loop",
    "rect",
    "opt",
    "alt",
    "else",
    "par",
    "par_over",
    "and",
    "critical",
    "option",
    "break",
    "end",
    "links",
    "link",
    "properties",
    "details",
    "over",
    "note",
    "activate",
    "deactivate",
    "title",
    "autonumber",
    "off",
    "as",
    "left",
    "right",
    "sequencediagram",
];

/// The diagram as Mermaid source, ending with a newline.
pub fn render(trace: &Trace) -> String {
    let actors = participants(trace);
    let ids = ids(&actors);
    let mut out = String::from("sequenceDiagram\n    autonumber\n");
    for actor in &actors {
        let id = &ids[actor];
        if id == actor {
            writeln!(out, "    participant {id}").unwrap();
        } else {
            writeln!(out, "    participant {id} as {}", escape(actor)).unwrap();
        }
    }
    let mut next_number = 1;
    for step in &trace.steps {
        step_lines(&mut out, step, &ids, &actors, &mut next_number);
    }
    out
}

fn step_lines(
    out: &mut String,
    step: &TraceStep,
    ids: &BTreeMap<String, String>,
    actors: &[String],
    next_number: &mut usize,
) {
    let id = |name: &str| ids.get(name).cloned().unwrap_or_else(|| safe_id(name));
    let text = escape(&timed(&step.label, step.at));
    match shape(step, actors) {
        Shape::Arrow { from, to } => {
            if step.index >= 1 && step.index != *next_number {
                writeln!(out, "    autonumber {}", step.index).unwrap();
            }
            *next_number = step.index + 1;
            writeln!(out, "    {}->>{}: {text}", id(from), id(to)).unwrap();
        }
        Shape::Note { over } => writeln!(out, "    Note over {}: {text}", id(over)).unwrap(),
        Shape::End => {
            let text = if step.label.is_empty() {
                escape(&timed("end of run", step.at))
            } else {
                text
            };
            writeln!(out, "    Note over {}: {text}", span(actors, &id)).unwrap();
        }
    }
    let target = if step.to.is_empty() {
        &step.from
    } else {
        &step.to
    };
    for note in &step.notes {
        writeln!(out, "    Note right of {}: {}", id(target), escape(note)).unwrap();
    }
    for invariant in &step.violations {
        let mark = escape(&format!("VIOLATED: {invariant}"));
        writeln!(out, "    Note over {}: {mark}", id(target)).unwrap();
    }
}

/// `first,last` for a note across every participant (`first` alone when
/// there is only one).
fn span(actors: &[String], id: &dyn Fn(&str) -> String) -> String {
    match (actors.first(), actors.last()) {
        (Some(first), Some(last)) if first != last => format!("{},{}", id(first), id(last)),
        (Some(only), _) => id(only),
        _ => "end_of_run".to_string(),
    }
}

/// Unique Mermaid ids for actor names, stable for a given actor list.
fn ids(actors: &[String]) -> BTreeMap<String, String> {
    let mut ids: BTreeMap<String, String> = BTreeMap::new();
    for actor in actors {
        let base = safe_id(actor);
        let mut id = base.clone();
        let mut n = 2;
        while ids.values().any(|taken| taken.eq_ignore_ascii_case(&id)) {
            id = format!("{base}_{n}");
            n += 1;
        }
        ids.insert(actor.clone(), id);
    }
    ids
}

/// An id Mermaid's lexer reads as one actor: ASCII letters, digits and `_`,
/// not a keyword, not starting with a digit.
pub fn safe_id(name: &str) -> String {
    let mut id: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let lower = id.to_ascii_lowercase();
    let first_is_digit = id.chars().next().map_or(true, |c| c.is_ascii_digit());
    // A keyword followed by `_` is only a problem for a lexer without word
    // boundaries on keywords; prefixing it too costs nothing.
    let keyword = KEYWORDS.iter().any(|k| {
        lower == *k
            || lower
                .strip_prefix(k)
                .is_some_and(|rest| rest.starts_with('_'))
    });
    if first_is_digit || keyword {
        id.insert_str(0, "p_");
    }
    id
}

/// Text safe after a `:` or `as`: one line, with the characters the
/// grammar reserves written as entity codes. A text Mermaid would read as
/// a `wrap:`/`nowrap:` directive gets its colon escaped; an empty text
/// becomes `-` (the grammar needs at least one character).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '#' => out.push_str("#35;"),
            ';' => out.push_str("#59;"),
            '%' => out.push_str("#37;"),
            '<' => out.push_str("#60;"),
            '>' => out.push_str("#62;"),
            '&' => out.push_str("#38;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    let trimmed = out.trim();
    let lower = trimmed.to_ascii_lowercase();
    if lower.starts_with("wrap:") || lower.starts_with("nowrap:") {
        return trimmed.replacen(':', "#58;", 1);
    }
    if trimmed.is_empty() {
        return "-".to_string();
    }
    trimmed.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_writes_reserved_characters_as_entity_codes() {
        assert_eq!(escape("a;b#c"), "a#59;b#35;c");
        assert_eq!(escape("100% <ok> & done"), "100#37; #60;ok#62; #38; done");
    }

    #[test]
    fn escape_keeps_colons_and_ordinary_text() {
        assert_eq!(
            escape("RT1 reused: family revoked"),
            "RT1 reused: family revoked"
        );
        assert_eq!(
            escape("GET /api AT1 (t=16m0.040s)"),
            "GET /api AT1 (t=16m0.040s)"
        );
        assert_eq!(escape("request ×2 -> ok"), "request ×2 -#62; ok");
    }

    #[test]
    fn escape_never_leaves_a_line_break_or_an_empty_text() {
        assert_eq!(escape("two\nlines\r\n"), "two lines");
        assert_eq!(escape(""), "-");
        assert_eq!(escape("  \n "), "-");
    }

    #[test]
    fn escape_defuses_wrap_directives() {
        assert_eq!(escape("wrap: long"), "wrap#58; long");
        assert_eq!(escape("NoWrap:x"), "NoWrap#58;x");
        assert_eq!(escape("no wrap: fine"), "no wrap: fine");
    }

    #[test]
    fn escape_output_never_contains_a_bare_reserved_character() {
        let nasty = "a#b;c%%d<e>f&g\nh";
        let escaped = escape(nasty);
        let without_entities = escaped.split('#').skip(1).all(|rest| {
            rest.split_once(';')
                .is_some_and(|(n, _)| n.parse::<u32>().is_ok())
        });
        assert!(without_entities, "{escaped}");
        assert!(!escaped.contains("%%") && !escaped.contains('\n'));
    }

    #[test]
    fn safe_id_avoids_dots_keywords_and_leading_digits() {
        assert_eq!(safe_id("tab1.req1"), "tab1_req1");
        assert_eq!(safe_id("end"), "p_end");
        assert_eq!(safe_id("Note"), "p_Note");
        assert_eq!(safe_id("1tab"), "p_1tab");
        assert_eq!(safe_id("tab-1 x"), "tab_1_x");
        assert_eq!(safe_id(""), "p_");
        assert_eq!(safe_id("auth"), "auth");
        assert_eq!(safe_id("end.req1"), "p_end_req1");
        assert_eq!(safe_id("endpoint"), "endpoint");
    }

    #[test]
    fn ids_stay_unique_when_names_collide_after_cleaning() {
        let actors = vec!["tab1.req1".to_string(), "tab1_req1".to_string()];
        let ids = ids(&actors);
        assert_eq!(ids["tab1.req1"], "tab1_req1");
        assert_eq!(ids["tab1_req1"], "tab1_req1_2");
    }
}
