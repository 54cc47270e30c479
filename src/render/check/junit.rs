//! `check --junit FILE`: the check summary as JUnit XML, the format every CI
//! system renders (GitHub test-report actions, GitLab's test report, Jenkins).
//!
//! Layout (docs/ci.md says why): one `<testsuite>` per scenario file, named
//! after the scenario, with `file` set to its path; one `<testcase>` per
//! invariant with an expectation (`classname` = scenario, `name` =
//! invariant), since only expectations decide `check`. An unmet
//! expectation is a `<failure>` whose text gives expected and got, how the
//! verdict was reached, the trace path and the replay command. A file that
//! could not be judged is a suite with one `<error>` case. `unknown` met
//! by `--allow-unknown` passes, with a note in `<system-out>`. No `time`
//! attributes: reports carry no timings (docs/semantics.md "Traces and reports"), so the file is
//! byte-identical across runs.
//!
//! What it owns: XML escaping (attribute and text, and dropping the
//! characters XML 1.0 cannot carry). It writes no file itself.

use super::{expectation_name, CheckEntry, CheckRow, Totals};
use crate::render::report::{tool, verdict_name};
use std::fmt::Write;

/// The whole document, ending with a newline.
pub fn render(entries: &[CheckEntry]) -> String {
    let totals = Totals::of(entries);
    let cases = totals.expectations + totals.not_judged;
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    writeln!(
        out,
        "<testsuites name=\"{}\" tests=\"{cases}\" failures=\"{}\" errors=\"{}\" skipped=\"0\">",
        escape(&format!("{} check", tool())),
        totals.unmet,
        totals.not_judged
    )
    .unwrap();
    for entry in entries {
        suite(&mut out, entry);
    }
    out.push_str("</testsuites>\n");
    out
}

fn suite(out: &mut String, entry: &CheckEntry) {
    let name = escape(&entry.title());
    let file = escape(&entry.file);
    if let Some(error) = &entry.error {
        writeln!(
            out,
            "  <testsuite name=\"{name}\" file=\"{file}\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\">"
        )
        .unwrap();
        writeln!(
            out,
            "    <testcase classname=\"{name}\" name=\"load\" file=\"{file}\">"
        )
        .unwrap();
        writeln!(
            out,
            "      <error message=\"not judged\" type=\"load error\">{}</error>",
            escape_text(error)
        )
        .unwrap();
        out.push_str("    </testcase>\n  </testsuite>\n");
        return;
    }
    let cases: Vec<&CheckRow> = entry.expectations().collect();
    let failures = cases.iter().filter(|r| r.met == Some(false)).count();
    writeln!(
        out,
        "  <testsuite name=\"{name}\" file=\"{file}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\">",
        cases.len()
    )
    .unwrap();
    if let Some(seed) = entry.seed {
        writeln!(
            out,
            "    <properties><property name=\"seed\" value=\"{seed}\"/></properties>"
        )
        .unwrap();
    }
    for row in cases {
        case(out, entry, row);
    }
    out.push_str("  </testsuite>\n");
}

fn case(out: &mut String, entry: &CheckEntry, row: &CheckRow) {
    let expected = row.expected.map_or("-", expectation_name);
    let got = verdict_name(row.got);
    write!(
        out,
        "    <testcase classname=\"{}\" name=\"{}\" file=\"{}\"",
        escape(&entry.title()),
        row.invariant,
        escape(&entry.file)
    )
    .unwrap();
    if row.met == Some(false) {
        out.push_str(">\n");
        writeln!(
            out,
            "      <failure message=\"expected {expected}, got {got}\" type=\"expectation\">{}</failure>",
            escape_text(&failure_text(row))
        )
        .unwrap();
        out.push_str("    </testcase>\n");
    } else if row.allowed_unknown {
        out.push_str(">\n");
        let note = format!(
            "expected {expected}, got {got} ({}): passed because of --allow-unknown",
            row.mode()
        );
        writeln!(out, "      <system-out>{}</system-out>", escape_text(&note)).unwrap();
        out.push_str("    </testcase>\n");
    } else {
        out.push_str("/>\n");
    }
}

/// The body of a failure: every line a reader needs to reproduce it.
fn failure_text(row: &CheckRow) -> String {
    let mut text = format!(
        "expected: {}\ngot: {}\ndecided by: {} ({})",
        row.expected.map_or("-", expectation_name),
        verdict_name(row.got),
        row.decided_by,
        row.explored()
    );
    if let Some(bound) = &row.bound_hit {
        write!(text, "\nbound hit: {bound}").unwrap();
    }
    if !row.note.is_empty() {
        write!(text, "\nnote: {}", row.note).unwrap();
    }
    if let Some(trace) = &row.trace {
        write!(text, "\ntrace: {trace}").unwrap();
    }
    if let Some(replay) = &row.replay {
        write!(text, "\nreplay: {replay}").unwrap();
    }
    text
}

/// Text safe in an XML 1.0 attribute value: the five markup characters
/// as entities, line breaks and tabs as character references (a parser
/// would otherwise normalise them to spaces), and every other character
/// XML 1.0 forbids (other C0 controls, U+FFFE, U+FFFF) replaced by U+FFFD.
pub fn escape(text: &str) -> String {
    escape_with(text, true)
}

/// Text safe as XML 1.0 element content: like [`escape`], but line
/// breaks and tabs stay literal so the failure text reads as written.
pub fn escape_text(text: &str) -> String {
    escape_with(text, false)
}

fn escape_with(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\r' | '\t' if attribute => write!(out, "&#{};", c as u32).unwrap(),
            '\n' | '\r' | '\t' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::check::tests::entry;

    #[test]
    fn escape_makes_markup_and_controls_safe() {
        assert_eq!(
            escape("a<b>&\"c\"'\n\u{1}"),
            "a&lt;b&gt;&amp;&quot;c&quot;&apos;&#10;\u{FFFD}"
        );
        assert_eq!(escape_text("a\n<b>\u{1}"), "a\n&lt;b&gt;\u{FFFD}");
    }

    #[test]
    fn counts_in_attributes_match_the_cases() {
        let mut bad = entry("bad", None);
        bad.error = Some("bad.json:1:1: error: <oops>".to_string());
        bad.rows.clear();
        let entries = [entry("ok", Some(true)), entry("fail", Some(false)), bad];
        let xml = render(&entries);
        let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
        let root = doc.root_element();
        assert_eq!(root.attribute("tests"), Some("3"));
        assert_eq!(root.attribute("failures"), Some("1"));
        assert_eq!(root.attribute("errors"), Some("1"));
        let failures: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name("failure"))
            .collect();
        assert_eq!(failures.len(), 1);
        let text = failures[0].text().unwrap();
        assert!(text.contains("replay: tokenrace replay out/fail.trace.json"));
        assert!(text.contains("trace: out/fail.trace.json"));
        assert!(!xml.contains("time="), "no timings in reports");
    }
}
