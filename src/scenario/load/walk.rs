//! A tolerant, iterative walk over JSON text that reports where every value
//! starts and under which field path, so problems found on the typed
//! [`Scenario`](super::super::Scenario) can be pointed at in the file.
//!
//! It is not a parser: it never builds values, stops quietly at the first
//! thing it does not understand, and keeps its own stack (no recursion), so
//! 200 000 nested brackets cost memory, not the thread's stack.

use std::collections::BTreeSet;
use std::ops::ControlFlow;

/// One step of a field path: an object key or a list index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// Renders segments as `clients[1].refresh` (the root is the empty string).
pub fn render(segs: &[Seg]) -> String {
    let mut out = String::new();
    for seg in segs {
        push_seg(&mut out, seg);
    }
    out
}

fn push_seg(out: &mut String, seg: &Seg) {
    match seg {
        Seg::Key(k) if out.is_empty() => out.push_str(k),
        Seg::Key(k) => {
            out.push('.');
            out.push_str(k);
        }
        Seg::Index(i) => out.push_str(&format!("[{i}]")),
    }
}

/// A place in the text: byte offset and 1-based line and character column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pos {
    pub offset: usize,
    pub line: usize,
    pub column: usize,
}

/// What kind of JSON value starts at an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Object,
    List,
    Scalar,
}

/// A value start, as seen by the walk's visitor.
pub struct Event<'a> {
    pub path: &'a str,
    pub segs: &'a [Seg],
    /// Where the member's key starts, for object members.
    pub key: Option<Pos>,
    pub value: Pos,
    pub kind: Kind,
    /// The scalar's source text (empty for objects and lists).
    pub raw: &'a str,
    /// True when this key already appeared earlier in the same object.
    pub duplicate: bool,
}

struct Cursor<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: Pos,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos.offset).copied()
    }

    fn bump(&mut self) {
        let Some(b) = self.peek() else { return };
        self.pos.offset += 1;
        if b == b'\n' {
            self.pos.line += 1;
            self.pos.column = 1;
        } else if b & 0xC0 != 0x80 {
            // Count characters, not bytes: continuation bytes do not move.
            self.pos.column += 1;
        }
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.bump();
        }
    }

    /// A string literal including its quotes; None if unterminated.
    fn string(&mut self) -> Option<&'a str> {
        let start = self.pos.offset;
        self.bump();
        loop {
            match self.peek()? {
                b'"' => {
                    self.bump();
                    return self.text.get(start..self.pos.offset);
                }
                b'\\' => {
                    self.bump();
                    self.peek()?;
                    self.bump();
                }
                _ => self.bump(),
            }
        }
    }

    /// A number or literal: everything up to a delimiter.
    fn bare(&mut self) -> Option<&'a str> {
        let start = self.pos.offset;
        while let Some(b) = self.peek() {
            if matches!(
                b,
                b' ' | b'\t' | b'\n' | b'\r' | b',' | b':' | b']' | b'}' | b'[' | b'{'
            ) {
                break;
            }
            self.bump();
        }
        let raw = self.text.get(start..self.pos.offset)?;
        (!raw.is_empty()).then_some(raw)
    }
}

enum Frame {
    Object(BTreeSet<String>),
    List(usize),
}

#[derive(Clone, Copy)]
enum State {
    Value,
    KeyOrClose,
    Key,
    ValueOrClose,
    AfterValue,
}

/// The path stack, kept both as segments and rendered, updated in O(1).
#[derive(Default)]
struct Path {
    segs: Vec<Seg>,
    lens: Vec<usize>,
    text: String,
}

impl Path {
    fn push(&mut self, seg: Seg) {
        self.lens.push(self.text.len());
        push_seg(&mut self.text, &seg);
        self.segs.push(seg);
    }

    fn pop(&mut self) {
        if let Some(len) = self.lens.pop() {
            self.text.truncate(len);
            self.segs.pop();
        }
    }
}

/// Calls `visit` at the start of every value, in document order, until it
/// breaks or the text ends or stops making sense.
pub fn walk(text: &str, visit: &mut dyn FnMut(&Event) -> ControlFlow<()>) {
    let mut c = Cursor {
        text,
        bytes: text.as_bytes(),
        pos: Pos {
            offset: 0,
            line: 1,
            column: 1,
        },
    };
    let mut frames: Vec<Frame> = Vec::new();
    let mut path = Path::default();
    let mut key: Option<Pos> = None;
    let mut duplicate = false;
    let mut state = State::Value;
    loop {
        c.skip_ws();
        let Some(next) = c.peek() else { return };
        match state {
            State::Value => {
                let value = c.pos;
                let (kind, raw) = match next {
                    b'{' => (Kind::Object, ""),
                    b'[' => (Kind::List, ""),
                    b'"' => (Kind::Scalar, c.string().unwrap_or("")),
                    _ => (Kind::Scalar, c.bare().unwrap_or("")),
                };
                if kind == Kind::Scalar && raw.is_empty() {
                    return;
                }
                let event = Event {
                    path: &path.text,
                    segs: &path.segs,
                    key: key.take(),
                    value,
                    kind,
                    raw,
                    duplicate,
                };
                if visit(&event).is_break() {
                    return;
                }
                duplicate = false;
                state = match kind {
                    Kind::Object => {
                        c.bump();
                        frames.push(Frame::Object(BTreeSet::new()));
                        State::KeyOrClose
                    }
                    Kind::List => {
                        c.bump();
                        frames.push(Frame::List(0));
                        State::ValueOrClose
                    }
                    Kind::Scalar => State::AfterValue,
                };
            }
            State::KeyOrClose | State::ValueOrClose if next == b'}' || next == b']' => {
                c.bump();
                frames.pop();
                state = State::AfterValue;
            }
            State::KeyOrClose | State::Key => {
                if next != b'"' {
                    return;
                }
                let start = c.pos;
                let Some(raw) = c.string() else { return };
                let name = serde_json::from_str::<String>(raw)
                    .unwrap_or_else(|_| raw.trim_matches('"').to_string());
                c.skip_ws();
                if c.peek() != Some(b':') {
                    return;
                }
                c.bump();
                if let Some(Frame::Object(seen)) = frames.last_mut() {
                    duplicate = !seen.insert(name.clone());
                }
                path.push(Seg::Key(name));
                key = Some(start);
                state = State::Value;
            }
            State::ValueOrClose => {
                path.push(Seg::Index(0));
                state = State::Value;
            }
            State::AfterValue => {
                let Some(frame) = frames.last_mut() else {
                    return;
                };
                path.pop();
                match (frame, next) {
                    (Frame::Object(_), b',') => state = State::Key,
                    (Frame::List(index), b',') => {
                        *index += 1;
                        path.push(Seg::Index(*index));
                        state = State::Value;
                    }
                    (Frame::Object(_), b'}') | (Frame::List(_), b']') => {
                        frames.pop();
                    }
                    _ => return,
                }
                c.bump();
            }
        }
    }
}

/// Where a value was found: its path as rendered and its position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub path: String,
    pub segs: Vec<Seg>,
    pub key: Option<Pos>,
    pub value: Pos,
    pub kind: Kind,
    pub raw: String,
}

impl Found {
    fn of(event: &Event) -> Found {
        Found {
            path: event.path.to_string(),
            segs: event.segs.to_vec(),
            key: event.key,
            value: event.value,
            kind: event.kind,
            raw: event.raw.to_string(),
        }
    }

    /// The value as a user would recognise it in a message.
    pub fn shown(&self) -> String {
        match self.kind {
            Kind::Object => "an object".into(),
            Kind::List => "a list".into(),
            Kind::Scalar if self.raw.chars().count() > 40 => {
                let head: String = self.raw.chars().take(37).collect();
                format!("{head}...")
            }
            Kind::Scalar => self.raw.clone(),
        }
    }
}

/// The first value at `target`, or else at its nearest existing parent.
pub fn locate(text: &str, target: &str) -> Option<Found> {
    let mut best: Option<Found> = None;
    walk(text, &mut |e| {
        if e.path == target {
            best = Some(Found::of(e));
            return ControlFlow::Break(());
        }
        let is_parent = target.starts_with(e.path)
            && (e.path.is_empty()
                || matches!(target.as_bytes().get(e.path.len()), Some(b'.' | b'[')));
        if is_parent && best.as_ref().map_or(true, |b| b.path.len() < e.path.len()) {
            best = Some(Found::of(e));
        }
        ControlFlow::Continue(())
    });
    best
}

/// The last value starting at or before byte `offset` whose path matches
/// `pattern` (None matches any segment, for keys serde could not name).
pub fn last_before(text: &str, pattern: &[Option<Seg>], offset: usize) -> Option<Found> {
    let mut best = None;
    walk(text, &mut |e| {
        let start = e.key.unwrap_or(e.value).offset;
        if start > offset {
            return ControlFlow::Break(());
        }
        let matches = e.segs.len() == pattern.len()
            && e.segs
                .iter()
                .zip(pattern)
                .all(|(s, p)| p.as_ref().map_or(true, |p| p == s));
        if matches {
            best = Some(Found::of(e));
        }
        ControlFlow::Continue(())
    });
    best
}

/// The first object key that repeats an earlier key of the same object.
/// serde refuses repeated struct fields itself, but a map (`expect`,
/// `network.links`) would silently keep the last one.
pub fn first_duplicate_key(text: &str) -> Option<Found> {
    let mut found = None;
    walk(text, &mut |e| {
        if e.duplicate {
            found = Some(Found::of(e));
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    });
    found
}

/// Byte offset of serde_json's 1-based (line, byte column) position.
pub fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        text.match_indices('\n')
            .nth(line - 2)
            .map_or(text.len(), |(i, _)| i + 1)
    };
    (line_start + column.saturating_sub(1)).min(text.len())
}

/// The 1-based (line, character column) of a byte offset.
pub fn position_of(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "{\n  \"a\": [1, {\"b\": \"x\"}],\n  \"é\": true\n}";

    #[test]
    fn locates_nested_values_with_character_columns() {
        let found = locate(TEXT, "a[1].b").unwrap();
        assert_eq!((found.value.line, found.value.column), (2, 18));
        assert_eq!(found.raw, "\"x\"");
        let found = locate(TEXT, "é").unwrap();
        assert_eq!((found.value.line, found.value.column), (3, 8));
    }

    #[test]
    fn falls_back_to_the_nearest_existing_parent() {
        assert_eq!(locate(TEXT, "a[1].c").unwrap().path, "a[1]");
        assert_eq!(locate(TEXT, "a[7]").unwrap().path, "a");
        assert_eq!(locate(TEXT, "zz").unwrap().path, "");
    }

    #[test]
    fn survives_garbage_and_deep_nesting() {
        for text in [
            "",
            "{",
            "{\"a\"",
            "[[[",
            "{\"a\":}",
            "\"abc",
            "}}}",
            "{\"a\" 1}",
        ] {
            let _ = locate(text, "a[0]");
        }
        let deep = "[".repeat(200_000);
        assert_eq!(locate(&deep, "x").unwrap().path, "");
    }

    #[test]
    fn finds_repeated_keys() {
        let found = first_duplicate_key("{\"m\": {\"k\": 1, \"k\": 2}}").unwrap();
        assert_eq!(found.path, "m.k");
        assert_eq!(found.key.unwrap().column, 16);
    }

    #[test]
    fn converts_serde_positions() {
        let text = "ab\ncdé\nf";
        assert_eq!(offset_of(text, 2, 2), 4);
        assert_eq!(position_of(text, 8), (3, 1));
        assert_eq!(position_of(text, 7), (2, 4));
    }
}
