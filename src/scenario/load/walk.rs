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

#[derive(Clone, Copy, PartialEq, Eq)]
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

/// The walk's state: one explicit stack instead of recursion.
struct Walker<'a> {
    c: Cursor<'a>,
    frames: Vec<Frame>,
    path: Path,
    key: Option<Pos>,
    duplicate: bool,
}

/// What one step decided: go on in a state, or stop.
type Step = Option<State>;

impl<'a> Walker<'a> {
    /// A value starts here: report it, then enter it if it is a container.
    fn value(&mut self, next: u8, visit: &mut dyn FnMut(&Event) -> ControlFlow<()>) -> Step {
        let value = self.c.pos;
        let (kind, raw) = match next {
            b'{' => (Kind::Object, ""),
            b'[' => (Kind::List, ""),
            b'"' => (Kind::Scalar, self.c.string()?),
            _ => (Kind::Scalar, self.c.bare()?),
        };
        let event = Event {
            path: &self.path.text,
            segs: &self.path.segs,
            key: self.key.take(),
            value,
            kind,
            raw,
            duplicate: self.duplicate,
        };
        if visit(&event).is_break() {
            return None;
        }
        self.duplicate = false;
        match kind {
            Kind::Object => {
                self.c.bump();
                self.frames.push(Frame::Object(BTreeSet::new()));
                Some(State::KeyOrClose)
            }
            Kind::List => {
                self.c.bump();
                self.frames.push(Frame::List(0));
                Some(State::ValueOrClose)
            }
            Kind::Scalar => Some(State::AfterValue),
        }
    }

    /// `"key":` — remembers the key, notes a repeat, descends into it.
    fn key(&mut self, next: u8) -> Step {
        if next != b'"' {
            return None;
        }
        let start = self.c.pos;
        let raw = self.c.string()?;
        let name = serde_json::from_str::<String>(raw)
            .unwrap_or_else(|_| raw.trim_matches('"').to_string());
        self.c.skip_ws();
        if self.c.peek() != Some(b':') {
            return None;
        }
        self.c.bump();
        if let Some(Frame::Object(seen)) = self.frames.last_mut() {
            self.duplicate = !seen.insert(name.clone());
        }
        self.path.push(Seg::Key(name));
        self.key = Some(start);
        Some(State::Value)
    }

    /// After a value: `,` to the next member or item, or a closing bracket.
    fn after_value(&mut self, next: u8) -> Step {
        let frame = self.frames.last_mut()?;
        let state = match (frame, next) {
            (Frame::Object(_), b',') => State::Key,
            (Frame::List(index), b',') => {
                *index += 1;
                let index = *index;
                self.path.pop();
                self.path.push(Seg::Index(index));
                self.c.bump();
                return Some(State::Value);
            }
            (Frame::Object(_), b'}') | (Frame::List(_), b']') => {
                self.frames.pop();
                State::AfterValue
            }
            _ => return None,
        };
        self.path.pop();
        self.c.bump();
        Some(state)
    }

    /// The innermost container still open: where the walk stopped.
    fn context(&self) -> Vec<Seg> {
        let depth = self.frames.len().saturating_sub(1);
        self.path.segs[..depth.min(self.path.segs.len())].to_vec()
    }
}

/// Calls `visit` at the start of every value, in document order, until it
/// breaks or the text ends or stops making sense. Returns the path of the
/// innermost container still open at that point.
pub fn walk(text: &str, visit: &mut dyn FnMut(&Event) -> ControlFlow<()>) -> Vec<Seg> {
    let start = Pos {
        offset: 0,
        line: 1,
        column: 1,
    };
    let c = Cursor {
        text,
        bytes: text.as_bytes(),
        pos: start,
    };
    let mut w = Walker {
        c,
        frames: Vec::new(),
        path: Path::default(),
        key: None,
        duplicate: false,
    };
    let mut state = State::Value;
    loop {
        w.c.skip_ws();
        let Some(next) = w.c.peek() else { break };
        let closing = next == b'}' || next == b']';
        let step = match state {
            State::KeyOrClose | State::ValueOrClose if closing => {
                w.c.bump();
                w.frames.pop();
                Some(State::AfterValue)
            }
            State::Value => w.value(next, visit),
            State::KeyOrClose | State::Key => w.key(next),
            State::ValueOrClose => {
                w.path.push(Seg::Index(0));
                Some(State::Value)
            }
            State::AfterValue => w.after_value(next),
        };
        match step {
            Some(next_state) => state = next_state,
            None => break,
        }
    }
    w.context()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        walk(text, &mut |e| {
            out.push(e.path.to_string());
            ControlFlow::Continue(())
        });
        out
    }

    #[test]
    fn reports_every_value_in_document_order() {
        let text = "{\"a\": [1, {\"b\": []}, {}], \"c\": {\"d\": null}}";
        assert_eq!(
            paths(text),
            ["", "a", "a[0]", "a[1]", "a[1].b", "a[2]", "c", "c.d"]
        );
    }

    #[test]
    fn returns_the_innermost_open_container_where_it_stops() {
        let context = walk("{\"a\": {\"b\": 1,}}", &mut |_| ControlFlow::Continue(()));
        assert_eq!(render(&context), "a");
        let context = walk("[1, [2, ", &mut |_| ControlFlow::Continue(()));
        assert_eq!(render(&context), "[1]");
    }
}
