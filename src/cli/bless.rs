//! `check --bless`: after judging, write each file's verdicts into its
//! `expect` block (`check::bless` edits the text, keeping the rest of the
//! file byte for byte), atomically, and show every change on stderr as
//! `- expect.INVARIANT: old` / `+ expect.INVARIANT: new`. Changed rows then
//! count as met, so a blessed run exits 0 and the next `check` passes.
//! `unknown` cannot be an expectation: such rows stay as they are, with a
//! note naming the bound to raise.

use super::output;
use super::Code;
use crate::check::bless::set_expect;
use crate::check::Verdict;
use crate::render::check::{CheckEntry, CheckRow};
use crate::scenario::Expectation;
use std::path::Path;

/// Blesses every judged entry; 2 when a file could not be rewritten.
pub fn bless(entries: &mut [CheckEntry]) -> Code {
    let mut code = Code::Clean;
    for entry in entries.iter_mut().filter(|e| e.error.is_none()) {
        code = code.max(bless_entry(entry));
    }
    code
}

/// The expectation a verdict becomes, if it can be one.
fn expectation(verdict: Verdict) -> Option<Expectation> {
    match verdict {
        Verdict::Holds => Some(Expectation::Holds),
        Verdict::Violated => Some(Expectation::Violated),
        Verdict::Unknown => None,
    }
}

fn name(expectation: Expectation) -> &'static str {
    match expectation {
        Expectation::Holds => "holds",
        Expectation::Violated => "violated",
    }
}

/// Rows to write: with an `expect` block, the expected rows whose verdict
/// differs; without one, every decided row.
fn to_bless(rows: &[CheckRow]) -> Vec<usize> {
    let has_expect = rows.iter().any(|r| r.expected.is_some());
    rows.iter()
        .enumerate()
        .filter(|(_, r)| {
            let Some(new) = expectation(r.got) else {
                return false;
            };
            if has_expect {
                r.expected.is_some_and(|old| old != new)
            } else {
                true
            }
        })
        .map(|(i, _)| i)
        .collect()
}

fn bless_entry(entry: &mut CheckEntry) -> Code {
    let file = entry.file.clone();
    for row in entry
        .rows
        .iter()
        .filter(|r| r.expected.is_some() && r.got == Verdict::Unknown && r.met == Some(false))
    {
        output::eprint_line(&format!(
            "{file}: warning: expect.{}: not blessed: the verdict is unknown ({}); raise the bound and bless again",
            row.invariant,
            row.bound_hit.as_deref().unwrap_or("no bound named")
        ));
    }
    let picked = to_bless(&entry.rows);
    if picked.is_empty() {
        return Code::Clean;
    }
    let changes: Vec<(String, &str)> = picked
        .iter()
        .map(|&i| {
            let row = &entry.rows[i];
            let new = expectation(row.got).expect("picked rows are decided");
            (row.invariant.to_string(), name(new))
        })
        .collect();
    let path = Path::new(&file);
    let rewritten = std::fs::read_to_string(path)
        .map_err(|e| format!("{file}: error: cannot read: {e}"))
        .and_then(|text| set_expect(&text, &changes).map_err(|e| format!("{file}: error: {e}")))
        .and_then(|text| output::write_file(path, text.as_bytes()));
    if let Err(message) = rewritten {
        output::eprint_line(&message);
        return Code::BadInput;
    }
    let mut diff = format!("blessed {file}:");
    for &i in &picked {
        let row = &mut entry.rows[i];
        let new = expectation(row.got).expect("picked rows are decided");
        if let Some(old) = row.expected {
            diff.push_str(&format!("\n- expect.{}: {}", row.invariant, name(old)));
        }
        diff.push_str(&format!("\n+ expect.{}: {}", row.invariant, name(new)));
        row.expected = Some(new);
        row.met = Some(true);
        if row
            .replay
            .as_deref()
            .is_some_and(|r| r.starts_with("tokenrace check"))
        {
            row.replay = None;
        }
    }
    output::eprint_line(&diff);
    Code::Clean
}
