//! `check --bless`: writes verdicts into a scenario's `expect` block by
//! editing the file's text, so everything else — key order, spacing, the
//! other blocks — stays byte for byte. Only the values that change are
//! replaced; missing entries are appended to `expect` (or a new `expect`
//! block is added at the end of the document). The input is a scenario
//! that loaded, so it is valid JSON with an object at the top.

use std::ops::Range;

/// One member of a JSON object: where its key and its value are.
struct Member {
    key: String,
    /// Where its key's opening quote is.
    key_at: usize,
    value: Range<usize>,
}

/// Why a text could not be edited (only for text that is not the JSON
/// object a loaded scenario is).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot edit `expect`: {0}")]
pub struct BlessError(pub &'static str);

/// `text` with `expect[key] = value` for every pair, in order.
pub fn set_expect(text: &str, entries: &[(String, &str)]) -> Result<String, BlessError> {
    let bytes = text.as_bytes();
    let top = skip_ws(bytes, bom(bytes));
    let (members, _) = object(bytes, top)?;
    if !entries.is_empty() && !members.iter().any(|m| m.key == "expect") {
        return Ok(new_block(text, top, &members, entries));
    }
    let mut out = text.to_string();
    for (key, value) in entries {
        out = set_one(&out, key, value)?;
    }
    Ok(out)
}

fn set_one(text: &str, key: &str, value: &str) -> Result<String, BlessError> {
    let bytes = text.as_bytes();
    let top = skip_ws(bytes, bom(bytes));
    let (members, _) = object(bytes, top)?;
    let quoted = |s: &str| serde_json::to_string(s).expect("a string serialises");
    let Some(expect) = members.iter().find(|m| m.key == "expect") else {
        let block = format!("\"expect\": {{{}: {}}}", quoted(key), quoted(value));
        return Ok(insert_member(text, top, &members, &block));
    };
    let start = skip_ws(bytes, expect.value.start);
    if bytes.get(start) != Some(&b'{') {
        return Err(BlessError("`expect` is not an object"));
    }
    let (inner, _) = object(bytes, start)?;
    if let Some(member) = inner.iter().find(|m| m.key == key) {
        let mut out = text.to_string();
        out.replace_range(member.value.clone(), &quoted(value));
        return Ok(out);
    }
    let entry = format!("{}: {}", quoted(key), quoted(value));
    Ok(insert_member(text, start, &inner, &entry))
}

/// `text` with a new `expect` block as its last member, one entry a line
/// when the document's members are on their own lines.
fn new_block(text: &str, top: usize, members: &[Member], entries: &[(String, &str)]) -> String {
    let quoted = |s: &str| serde_json::to_string(s).expect("a string serialises");
    let multiline = members
        .first()
        .is_some_and(|m| text[top..m.key_at].contains('\n'));
    let indent = members
        .first()
        .and_then(|m| {
            text[..m.key_at]
                .rfind('\n')
                .map(|nl| &text[nl + 1..m.key_at])
        })
        .unwrap_or("");
    let pairs: Vec<String> = entries
        .iter()
        .map(|(k, v)| format!("{}: {}", quoted(k), quoted(v)))
        .collect();
    let block = if multiline {
        let inner = format!(",\n{indent}{indent}");
        format!(
            "\"expect\": {{\n{indent}{indent}{}\n{indent}}}",
            pairs.join(&inner)
        )
    } else {
        format!("\"expect\": {{{}}}", pairs.join(", "))
    };
    insert_member(text, top, members, &block)
}

/// Adds `member` as the last member of the object that opens at `open`
/// on its own line when the
/// object's members are on their own lines.
fn insert_member(text: &str, open: usize, members: &[Member], member: &str) -> String {
    let mut out = String::with_capacity(text.len() + member.len() + 8);
    let Some(last) = members.last() else {
        out.push_str(&text[..open + 1]);
        out.push_str(member);
        out.push_str(&text[open + 1..]);
        return out;
    };
    let first_key = members[0].key_at;
    let line_start = text[..first_key].rfind('\n');
    let separator = match line_start {
        Some(nl) if text[open..first_key].contains('\n') => format!(",{}", &text[nl..first_key]),
        _ => ", ".to_string(),
    };
    out.push_str(&text[..last.value.end]);
    out.push_str(&separator);
    out.push_str(member);
    out.push_str(&text[last.value.end..]);
    out
}

fn bom(bytes: &[u8]) -> usize {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        3
    } else {
        0
    }
}

fn skip_ws(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(|b| b.is_ascii_whitespace()) {
        at += 1;
    }
    at
}

/// The members of the object opening at `open`, and its closing brace.
fn object(bytes: &[u8], open: usize) -> Result<(Vec<Member>, usize), BlessError> {
    if bytes.get(open) != Some(&b'{') {
        return Err(BlessError("the document is not an object"));
    }
    let mut members = Vec::new();
    let mut at = skip_ws(bytes, open + 1);
    if bytes.get(at) == Some(&b'}') {
        return Ok((members, at));
    }
    loop {
        let key_at = at;
        let key_end = string_end(bytes, at)?;
        let key: String = serde_json::from_slice(&bytes[at..key_end])
            .map_err(|_| BlessError("a key is not a string"))?;
        at = skip_ws(bytes, key_end);
        if bytes.get(at) != Some(&b':') {
            return Err(BlessError("a key without a value"));
        }
        let start = skip_ws(bytes, at + 1);
        let end = value_end(bytes, start)?;
        members.push(Member {
            key,
            key_at,
            value: start..end,
        });
        at = skip_ws(bytes, end);
        match bytes.get(at) {
            Some(b',') => at = skip_ws(bytes, at + 1),
            Some(b'}') => return Ok((members, at)),
            _ => return Err(BlessError("an object is not closed")),
        }
    }
}

/// The end (exclusive) of the string opening at `at`.
fn string_end(bytes: &[u8], at: usize) -> Result<usize, BlessError> {
    if bytes.get(at) != Some(&b'"') {
        return Err(BlessError("a key is not a string"));
    }
    let mut i = at + 1;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\\' => i += 2,
            b'"' => return Ok(i + 1),
            _ => i += 1,
        }
    }
    Err(BlessError("a string is not closed"))
}

/// The end (exclusive) of the value starting at `at`.
fn value_end(bytes: &[u8], at: usize) -> Result<usize, BlessError> {
    match bytes.get(at) {
        Some(b'"') => string_end(bytes, at),
        Some(b'{' | b'[') => {
            let mut depth = 0usize;
            let mut i = at;
            while let Some(&b) = bytes.get(i) {
                match b {
                    b'"' => {
                        i = string_end(bytes, i)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Ok(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            Err(BlessError("a list or object is not closed"))
        }
        Some(_) => {
            let mut i = at;
            while bytes
                .get(i)
                .is_some_and(|b| !matches!(b, b',' | b'}' | b']') && !b.is_ascii_whitespace())
            {
                i += 1;
            }
            Ok(i)
        }
        None => Err(BlessError("a value is missing")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(text: &str, key: &str, value: &str) -> String {
        set_expect(text, &[(key.to_string(), value)]).unwrap()
    }

    #[test]
    fn a_changed_value_is_replaced_in_place() {
        let text = "{\n  \"name\": \"x\",\n  \"expect\": {\n    \"a\": \"holds\",\n    \"b\": \"holds\"\n  }\n}\n";
        let out = set(text, "b", "violated");
        assert_eq!(out, text.replace("\"b\": \"holds\"", "\"b\": \"violated\""));
    }

    #[test]
    fn a_new_entry_follows_the_layout_of_the_block() {
        let text = "{\n  \"name\": \"x\",\n  \"expect\": {\n    \"a\": \"holds\"\n  }\n}\n";
        let out = set(text, "b", "violated");
        assert_eq!(
            out,
            "{\n  \"name\": \"x\",\n  \"expect\": {\n    \"a\": \"holds\",\n    \"b\": \"violated\"\n  }\n}\n"
        );
        let inline = set(
            "{\"name\": \"x\", \"expect\": {\"a\": \"holds\"}}",
            "b",
            "holds",
        );
        assert_eq!(
            inline,
            "{\"name\": \"x\", \"expect\": {\"a\": \"holds\", \"b\": \"holds\"}}"
        );
        let empty = set("{\"name\": \"x\", \"expect\": {}}", "b", "holds");
        assert_eq!(empty, "{\"name\": \"x\", \"expect\": {\"b\": \"holds\"}}");
    }

    #[test]
    fn a_missing_block_is_added_last_and_strings_with_braces_are_skipped() {
        let text = "{\n  \"name\": \"a } { \\\" b\",\n  \"script\": [{\"at\": \"0s\"}]\n}\n";
        let out = set_expect(text, &[("a".into(), "holds"), ("b".into(), "violated")]).unwrap();
        assert_eq!(
            out,
            "{\n  \"name\": \"a } { \\\" b\",\n  \"script\": [{\"at\": \"0s\"}],\n  \"expect\": {\n    \"a\": \"holds\",\n    \"b\": \"violated\"\n  }\n}\n"
        );
        assert_eq!(
            set("{\"name\": \"x\"}", "a", "holds"),
            "{\"name\": \"x\", \"expect\": {\"a\": \"holds\"}}"
        );
        let value: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(value["expect"]["a"], "holds");
    }

    #[test]
    fn text_that_is_not_an_object_is_refused() {
        assert!(set_expect("[1]", &[("a".into(), "holds")]).is_err());
        assert!(set_expect("{\"expect\": 3}", &[("a".into(), "holds")]).is_err());
    }
}
