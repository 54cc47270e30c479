//! Questions asked of the JSON text through [`walk`]: where is the value at
//! this path, which value was serde reading at this offset, which key
//! repeats, and conversions between serde_json's positions and ours.

use super::walk::{render, walk, Event, Kind, Pos, Seg};
use std::ops::ControlFlow;

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

/// The path of the innermost container open at byte `offset`, for syntax
/// errors (where serde cannot say which field it was reading).
pub fn container_at(text: &str, offset: usize) -> String {
    let context = walk(text, &mut |e| {
        if e.key.unwrap_or(e.value).offset > offset {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    });
    // Deep garbage would otherwise yield a path as long as the file.
    const SHOWN: usize = 12;
    let mut path = render(&context[..context.len().min(SHOWN)]);
    if context.len() > SHOWN {
        path.push('…');
    }
    path
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
