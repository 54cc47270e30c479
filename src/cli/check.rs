//! `tokenrace check [PATH...] [--allow-unknown] [--out DIR]`: judge every
//! scenario file (folders searched recursively for `*.json`, default
//! `scenarios/`) against its `expect` block. Exit 1 when an expectation is
//! not met, 2 when a file cannot be judged; every file is still processed.
//! Each violated invariant's trace is written under `--out`; each failure
//! prints the command that reproduces it.

use super::output::{self, print, shell_quote};
use super::{load, Code, Format};
use crate::check::{self, ExploreOptions, Report, Verdict};
use crate::render::report::{self, CheckEntry, CheckRow};
use crate::scenario::{Expectation, Scenario};
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario files or folders (searched recursively for *.json).
    #[arg(value_name = "PATH", default_value = "scenarios")]
    paths: Vec<PathBuf>,
    /// Let `unknown` meet a `holds` expectation (for scenarios too large to
    /// explore exhaustively); the summary says how often it did.
    #[arg(long)]
    allow_unknown: bool,
    /// Where traces and diagrams of violated invariants are written.
    #[arg(long, value_name = "DIR", default_value = "target/tokenrace")]
    out: PathBuf,
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// `--max-states`, `--max-memory`, `--time`, `--threads` (per scenario).
    #[command(flatten)]
    bounds: super::bounds::BoundArgs,
}

/// Judges every file found; the highest code wins.
pub fn execute(args: &Args) -> Code {
    let mut code = Code::Clean;
    let mut files = Vec::new();
    for path in &args.paths {
        match scenario_files(path) {
            Ok(found) => files.extend(found),
            Err(message) => {
                output::eprint_line(&message);
                code = Code::BadInput;
            }
        }
    }
    let mut written = Written::default();
    let entries: Vec<CheckEntry> = files
        .iter()
        .map(|file| check_file(file, args, &mut written))
        .collect();
    code = code.max(written.code);
    for entry in &entries {
        code = code.max(if entry.error.is_some() {
            Code::BadInput
        } else if entry.passed() {
            Code::Clean
        } else {
            Code::Violation
        });
    }
    match args.format {
        Format::Text => print(&report::check_text(&entries, args.allow_unknown)),
        Format::Json => print(&report::check_json(&entries, args.allow_unknown)),
    }
    code
}

/// The scenario files under a path, sorted so output never depends on
/// directory order. A file is taken whatever its extension.
fn scenario_files(path: &Path) -> Result<Vec<PathBuf>, String> {
    let place = path.display();
    let metadata =
        std::fs::metadata(path).map_err(|e| format!("{place}: error: cannot read: {e}"))?;
    if !metadata.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut found = Vec::new();
    let mut folders = vec![path.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let entries = std::fs::read_dir(&folder)
            .map_err(|e| format!("{}: error: cannot read: {e}", folder.display()))?;
        for entry in entries {
            let entry_path = entry
                .map_err(|e| format!("{}: error: cannot read: {e}", folder.display()))?
                .path();
            if entry_path.is_dir() {
                folders.push(entry_path);
            } else if entry_path.extension().is_some_and(|e| e == "json") {
                found.push(entry_path);
            }
        }
    }
    if found.is_empty() {
        return Err(format!(
            "{place}: error: no scenario files (*.json) in this folder"
        ));
    }
    found.sort();
    Ok(found)
}

/// The counterexample files written so far: a second scenario of the same
/// name would overwrite them (warned), and a failed write is exit 2.
#[derive(Default)]
struct Written {
    paths: Vec<PathBuf>,
    code: Code,
}

fn check_file(file: &Path, args: &Args, written: &mut Written) -> CheckEntry {
    let mut entry = CheckEntry {
        file: file.display().to_string(),
        scenario: None,
        seed: None,
        error: None,
        rows: Vec::new(),
    };
    let Some(loaded) = load(file) else {
        entry.error = Some("invalid scenario".to_string());
        return entry;
    };
    let scenario = loaded.scenario;
    entry.scenario = Some(scenario.name.clone());
    entry.seed = Some(scenario.seed);
    if scenario.expect.is_empty() {
        let message = format!("{}: error: expect: nothing to compare: `check` needs an `expect` block (use `run` or `explore` to judge without one)", file.display());
        output::eprint_line(&message);
        entry.error = Some(message);
        return entry;
    }
    let started = Instant::now();
    match check::explore(&scenario, &args.bounds.apply(ExploreOptions::default())) {
        Ok(report) => entry.rows = rows(file, &scenario, &report, args, written),
        Err(error) => {
            let message = format!("{}: error: {error}", file.display());
            output::eprint_line(&message);
            entry.error = Some(message);
        }
    }
    output::eprint_line(&format!(
        "checked {} in {:.2}s",
        file.display(),
        started.elapsed().as_secs_f64()
    ));
    entry
}

/// One row per reported invariant: its expectation, if any, met or not;
/// the trace of every violation written; a replay command per failure.
fn rows(
    file: &Path,
    scenario: &Scenario,
    report: &Report,
    args: &Args,
    written: &mut Written,
) -> Vec<CheckRow> {
    let results = check::expectations(scenario, report, args.allow_unknown);
    let mut rows = Vec::new();
    for r in &report.invariants {
        let result = results.iter().find(|e| e.invariant == r.invariant);
        let mut row = CheckRow {
            invariant: r.invariant,
            expected: result.map(|e| e.expected),
            got: r.verdict,
            met: result.map(|e| e.met),
            allowed_unknown: result.is_some_and(|e| {
                e.met && e.expected == Expectation::Holds && e.got == Verdict::Unknown
            }),
            trace: None,
            replay: None,
        };
        if let Some(trace) = r.trace.as_ref().filter(|_| r.verdict == Verdict::Violated) {
            match output::write_counterexample(&args.out, &scenario.name, r.invariant, trace) {
                Ok(path) => {
                    if written.paths.contains(&path) {
                        output::eprint_line(&format!(
                            "{}: warning: name: another scenario named {:?} wrote {} too; give scenarios unique names",
                            file.display(),
                            scenario.name,
                            path.display()
                        ));
                    }
                    written.paths.push(path.clone());
                    row.replay = Some(output::replay_command(&path));
                    row.trace = Some(path.display().to_string());
                }
                Err(message) => {
                    output::eprint_line(&message);
                    written.code = Code::BadInput;
                }
            }
        }
        if row.met == Some(false) && row.replay.is_none() {
            row.replay = Some(format!("tokenrace check {}", shell_quote(file)));
        }
        if row.met != Some(false) {
            row.replay = None;
        }
        rows.push(row);
    }
    let reported: Vec<_> = rows.iter().map(|r| r.invariant).collect();
    for missing in results.iter().filter(|e| !reported.contains(&e.invariant)) {
        rows.push(CheckRow {
            invariant: missing.invariant,
            expected: Some(missing.expected),
            got: missing.got,
            met: Some(missing.met),
            allowed_unknown: false,
            trace: None,
            replay: (!missing.met).then(|| format!("tokenrace check {}", shell_quote(file))),
        });
    }
    rows
}
