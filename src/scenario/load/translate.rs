//! From JSON text to a typed [`Scenario`], turning every serde_json error
//! into a [`Problem`] with a field path, a position and an expectation in
//! the user's terms (the schema's words, not Rust type names).
//!
//! Order of checks: JSON syntax, then the shape (an object wherever the
//! format has one), then the types (via `serde_path_to_error`), then
//! repeated keys in maps. Depth costs no stack anywhere: serde_json skips an
//! `IgnoredAny` value iteratively, the walker keeps its own stack, and typed
//! decoding stops at the first bracket the format does not allow (so its
//! 128-level recursion limit is never even reached).

use super::locate::{self, Found};
use super::walk::{self, Seg};
use crate::scenario::error::clip;
use crate::scenario::schema::{self, one_of};
use crate::scenario::{Problem, Scenario};
use serde::de::IgnoredAny;
use serde_path_to_error::Segment;

/// The scenario, or the first problem that stops reading it.
pub fn decode(text: &str) -> Result<Scenario, Box<Problem>> {
    if let Err(e) = serde_json::from_str::<IgnoredAny>(text) {
        return Err(Box::new(syntax(text, &e)));
    }
    if let Some(problem) = shape(text) {
        return Err(Box::new(problem));
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let scenario: Scenario =
        serde_path_to_error::deserialize(&mut de).map_err(|e| Box::new(data(text, &e)))?;
    if let Some(dup) = locate::first_duplicate_key(text) {
        let key = dup.segs.last().map(seg_name).unwrap_or_default();
        let pos = dup.key.unwrap_or(dup.value);
        let expected = format!(
            "each key once per object, {} already appears above",
            clip(&key)
        );
        let problem = Problem::error(&dup.path, expected)
            .found(format!("{} again", clip(&key)))
            .at(pos.line, pos.column);
        return Err(Box::new(problem));
    }
    Ok(scenario)
}

fn seg_name(seg: &Seg) -> String {
    match seg {
        Seg::Key(k) => k.clone(),
        Seg::Index(i) => i.to_string(),
    }
}

/// serde_json's message without its ` at line L column C` suffix.
fn message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    text.strip_suffix(&suffix).unwrap_or(&text).to_string()
}

/// A JSON syntax error: located where serde_json stopped.
fn syntax(text: &str, e: &serde_json::Error) -> Problem {
    let msg = message(e);
    let offset = locate::offset_of(text, e.line(), e.column());
    let (line, column) = locate::position_of(text, offset);
    let at_char = text.get(offset..).and_then(|rest| rest.chars().next());
    let found = match at_char {
        _ if e.is_eof() => "the end of the file".to_string(),
        Some(c) if !c.is_control() => format!("'{c}'"),
        Some(c) => format!("{c:?}"),
        None => "the end of the file".to_string(),
    };
    let expected = match msg.as_str() {
        "EOF while parsing a value" if text.trim().is_empty() => {
            let found = if text.is_empty() {
                "an empty file"
            } else {
                "only whitespace"
            };
            return Problem::error("", "a JSON object { … } holding one scenario")
                .found(found)
                .at(line, column);
        }
        _ if trailing_comma(text, offset) => {
            "no ',' before a closing bracket (JSON allows no trailing comma)"
        }
        m => syntax_expected(m),
    };
    let path = locate::container_at(text, offset);
    let comment = found == "'/'" || found == "'#'";
    let problem = Problem::error(path, expected).found(found).at(line, column);
    if comment {
        problem.note("JSON has no comments; use \"description\" for prose")
    } else if expected == "valid JSON" {
        problem.note(msg)
    } else {
        problem
    }
}

/// serde_json's syntax messages in user terms.
fn syntax_expected(msg: &str) -> &'static str {
    match msg {
        "EOF while parsing a list" => "more items or ']' to close the list",
        "EOF while parsing an object" => "more fields or '}' to close the object",
        "EOF while parsing a string" => "'\"' to close the string",
        "EOF while parsing a value" | "expected value" => {
            "a JSON value (\"text\", a number, { … }, [ … ], true, false or null)"
        }
        "expected `:`" => "':' between a key and its value",
        "expected `,` or `]`" => "',' or ']'",
        "expected `,` or `}`" => "',' or '}'",
        "expected ident" => "true, false or null",
        "key must be a string" => "a key in double quotes",
        "trailing comma" => "no ',' before the closing bracket",
        "trailing characters" => "nothing after the scenario object",
        "recursion limit exceeded" => "at most 128 levels of nested lists and objects",
        "number out of range" => "a number within the range of a 64-bit float",
        "invalid number" => "a JSON number",
        "invalid escape" | "invalid unicode code point" => {
            "a valid escape such as \\n, \\\" or \\u00e9"
        }
        m if m.starts_with("control character") => {
            "no raw control characters in a string (write \\n, \\t)"
        }
        m if m.contains("surrogate") || m.contains("hex escape") => "a valid \\u escape",
        _ => "valid JSON",
    }
}

/// True when the error is at a closing bracket right after a comma.
fn trailing_comma(text: &str, offset: usize) -> bool {
    let closing = matches!(text.as_bytes().get(offset), Some(b'}' | b']'));
    let before = text.get(..offset).unwrap_or("").trim_end();
    closing && before.ends_with(',')
}

/// A list where the format wants an object: serde would read a struct's
/// fields by position from it, which is never what the user meant.
fn shape(text: &str) -> Option<Problem> {
    let mut problem = None;
    walk::walk(text, &mut |e| {
        let Some(node) = schema::at(e.segs) else {
            return std::ops::ControlFlow::Continue(());
        };
        let root_not_object = e.segs.is_empty() && e.kind != walk::Kind::Object;
        if root_not_object || (e.kind == walk::Kind::List && schema::wants_object(node)) {
            let found = Found {
                path: String::new(),
                segs: Vec::new(),
                key: None,
                value: e.value,
                kind: e.kind,
                raw: e.raw.to_string(),
            };
            let expected = if e.segs.is_empty() {
                "a JSON object { … } holding one scenario"
            } else {
                "an object { … } with named fields"
            };
            problem = Some(
                Problem::error(e.path, expected)
                    .found(found.shown())
                    .at(e.value.line, e.value.column),
            );
            return std::ops::ControlFlow::Break(());
        }
        std::ops::ControlFlow::Continue(())
    });
    problem
}

/// serde_path_to_error's path as a pattern; `None` stands for a map key
/// serde could not read (an unknown invariant name in `expect`).
fn pattern_of(path: &serde_path_to_error::Path) -> Vec<Option<Seg>> {
    path.iter()
        .map(|s| match s {
            Segment::Seq { index } => Some(Seg::Index(*index)),
            Segment::Map { key } => Some(Seg::Key(key.clone())),
            Segment::Enum { variant } => Some(Seg::Key(variant.clone())),
            Segment::Unknown => None,
        })
        .collect()
}

/// A type-level error from serde, with the path serde_path_to_error tracked.
fn data(text: &str, e: &serde_path_to_error::Error<serde_json::Error>) -> Problem {
    let inner = e.inner();
    let msg = message(inner);
    let pattern = pattern_of(e.path());
    let offset = locate::offset_of(text, inner.line(), inner.column());
    let ticked = backticked(&msg);
    if msg.starts_with("unknown field ") || msg.starts_with("duplicate field ") {
        return field_problem(text, &pattern, offset, &msg, &ticked);
    }
    let Some(here) = locate::last_before(text, &pattern, offset) else {
        let (line, column) = locate::position_of(text, offset);
        let path = walk::render(&pattern.iter().flatten().cloned().collect::<Vec<_>>());
        return Problem::error(path, msg).at(line, column);
    };
    if let Some(field) = msg.strip_prefix("missing field ") {
        let field = field.trim_matches('`');
        let mut segs = here.segs.clone();
        segs.push(Seg::Key(field.into()));
        return Problem::error(
            walk::render(&segs),
            format!("the required field \"{field}\""),
        )
        .at(here.value.line, here.value.column);
    }
    // A map key serde could not name (path segment `?`) is at fault when
    // serde stopped before the ':' (a value error stops at or after it).
    let unnamed = pattern.last() == Some(&None);
    let key_at_fault = here
        .key
        .filter(|_| unnamed && offset + 1 < here.value.offset);
    let (found, pos) = match (key_at_fault, here.segs.last()) {
        (Some(key), Some(seg)) => (format!("\"{}\"", seg_name(seg)), key),
        _ => (here.shown(), here.value),
    };
    let mut problem = Problem::error(&here.path, expectation(inner, &msg, &ticked, &here))
        .found(found)
        .at(pos.line, pos.column);
    if msg.starts_with("unknown variant ") {
        if let Some(hint) = suggest(ticked.first(), &ticked[1.min(ticked.len())..]) {
            problem = problem.note(hint);
        }
    } else if let Some((_, hint)) = msg.split_once("; did you mean ") {
        // A custom message's hint, such as the duration parser's rewrite.
        problem = problem.note(format!("did you mean {hint}"));
    }
    problem
}

/// What the value at `here` should have been, in user terms.
fn expectation(inner: &serde_json::Error, msg: &str, ticked: &[String], here: &Found) -> String {
    if msg.starts_with("unknown variant ") {
        let names: Vec<String> = ticked.iter().skip(1).map(|n| format!("\"{n}\"")).collect();
        return one_of(&names);
    }
    if inner.is_syntax() && msg != "expected value" && msg != "number out of range" {
        // Inside a string: a lone surrogate escape and the like.
        return syntax_expected(msg).to_string();
    }
    if type_mismatch(inner, msg) {
        return schema::at(&here.segs)
            .map(schema::describe)
            .unwrap_or_else(|| msg.to_string());
    }
    // A custom message, such as the duration parser's "a duration like …".
    msg.split(", found ").next().unwrap_or(msg).to_string()
}

/// Errors that mean "this value has the wrong type or range". The text was
/// valid JSON, so a syntax-class error here (serde_json reports an integer
/// for an enum as "expected value", 1e400 as "number out of range") is one.
fn type_mismatch(inner: &serde_json::Error, msg: &str) -> bool {
    inner.is_syntax()
        || inner.is_eof()
        || ["invalid type", "invalid value", "invalid length"]
            .iter()
            .any(|p| msg.starts_with(p))
}

/// `unknown field` and `duplicate field`: the key itself is at fault.
fn field_problem(
    text: &str,
    parent: &[Option<Seg>],
    offset: usize,
    msg: &str,
    ticked: &[String],
) -> Problem {
    let key = ticked.first().cloned().unwrap_or_default();
    // serde_path_to_error names the unknown key itself; a duplicate is
    // reported at its parent.
    let mut pattern = parent.to_vec();
    if pattern.last() != Some(&Some(Seg::Key(key.clone()))) {
        pattern.push(Some(Seg::Key(key.clone())));
    }
    let here = locate::last_before(text, &pattern, offset);
    let path = here
        .as_ref()
        .map(|f| f.path.clone())
        .unwrap_or_else(|| walk::render(&pattern.iter().flatten().cloned().collect::<Vec<_>>()));
    let pos = here.as_ref().map(|f| f.key.unwrap_or(f.value));
    let (line, column) = pos
        .map(|p| (p.line, p.column))
        .unwrap_or_else(|| locate::position_of(text, offset));
    let problem = if msg.starts_with("duplicate field ") {
        Problem::error(
            path,
            format!(
                "each field once per object, {} already appears above",
                clip(&key)
            ),
        )
        .found(format!("{} again", clip(&key)))
    } else {
        let fields: Vec<String> = ticked.iter().skip(1).map(|n| format!("\"{n}\"")).collect();
        let expected = if fields.is_empty() {
            "no fields here".to_string()
        } else {
            format!("a known field: {}", one_of(&fields))
        };
        let problem = Problem::error(path, expected).found(format!("unknown field {}", clip(&key)));
        match suggest(Some(&key), &ticked[1.min(ticked.len())..]) {
            Some(hint) => problem.note(hint),
            None => problem,
        }
    };
    problem.at(line, column)
}

/// The `backticked` words of a serde message, in order.
fn backticked(msg: &str) -> Vec<String> {
    msg.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// `did you mean "x"?` when one candidate is close enough to be a typo.
pub fn suggest(given: Option<&String>, candidates: &[String]) -> Option<String> {
    let given = given?;
    candidates
        .iter()
        .map(|c| (strsim::damerau_levenshtein(given, c), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 4) && *d < c.len())
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| format!("did you mean \"{c}\"?"))
}
