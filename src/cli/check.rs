//! `tokenrace check [PATH...] [--allow-unknown] [--strict] [--out DIR]
//! [--junit FILE] [--report FILE.md]`: judge every scenario file (folders searched
//! as `scenario::discover` says, default `scenarios/`) against its `expect`
//! block. Exit 1 when an expectation is not met, 2 when a file cannot be
//! judged or an output file cannot be written; every file is still
//! processed. Each violated invariant's trace is written under `--out`;
//! each failure prints the command that reproduces it. The summary goes
//! to stdout; JUnit XML and the Markdown report go to their files,
//! atomically, with no timings in them.

use super::output::{self, print, shell_quote};
use super::{bless, finish, interrupt, load, progress, Code, Format};
use crate::check::{self, ExploreOptions, Report, Verdict};
use crate::explore::budget::Hooks;
use crate::render::check::{check_json, check_text, check_text_quiet, CheckEntry, CheckRow};
use crate::render::check::{junit, markdown as check_markdown};
use crate::scenario::{Expectation, Invariant, Scenario};
use crate::trace::Trace;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario files or folders (searched recursively for scenario *.json
    /// files, skipping target/, node_modules/ and hidden folders).
    #[arg(value_name = "PATH", default_value = "scenarios")]
    paths: Vec<PathBuf>,
    /// Let `unknown` meet a `holds` expectation (for scenarios too large to
    /// explore exhaustively); the summary says how often it did.
    #[arg(long)]
    allow_unknown: bool,
    /// Fail a `holds` expectation met only vacuously: nothing the invariant
    /// talks about happened on any explored path (docs/cli.md).
    #[arg(long)]
    strict: bool,
    /// Where traces and diagrams of violated invariants are written.
    #[arg(long, value_name = "DIR", default_value = "target/tokenrace")]
    out: PathBuf,
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Also write the results as JUnit XML (one test case per expectation)
    /// for CI test reports.
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Also write a Markdown report with the Mermaid diagram of every
    /// violation (for pull requests and CI job summaries).
    #[arg(long, value_name = "FILE.md")]
    report: Option<PathBuf>,
    /// `--max-states`, `--max-memory`, `--time`, `--threads` (per scenario).
    #[command(flatten)]
    bounds: super::bounds::BoundArgs,
    /// Only the scenarios whose file path or `name` contains PATTERN.
    #[arg(long, value_name = "PATTERN")]
    filter: Option<String>,
    /// Print only failures and the totals line; no progress, no timings.
    #[arg(long, short)]
    quiet: bool,
    /// Write the verdicts reached into each file's `expect` block (its
    /// values that changed, or every decided verdict when it has none),
    /// showing each change on stderr; the rest of the file is kept as is.
    #[arg(long)]
    bless: bool,
    /// Exit 1 when every expectation is met but some expected verdict is
    /// `unknown` (with `--allow-unknown`), so CI can tell it from "verified".
    #[arg(long)]
    fail_on_unknown: bool,
}

/// Judges every file found; the highest code wins.
pub fn execute(args: &Args) -> Code {
    let stop = interrupt::install();
    let mut code = Code::Clean;
    let mut written = Written::default();
    let found = match discover(args) {
        Ok(found) => found,
        Err(code) => return code,
    };
    let files = found.iter().filter(|f| f.is_ok()).count();
    let live = progress::live("checking", files as u64, args.quiet);
    let hooks = Hooks {
        stop: Some(stop),
        progress: progress::observer(&live),
    };
    let mut entries: Vec<CheckEntry> = Vec::new();
    for item in found {
        if interrupt::interrupted() {
            break;
        }
        let file = match item {
            Ok(file) => file,
            Err(entry) => {
                entries.push(entry);
                continue;
            }
        };
        let entry = check_file(&file, args, &hooks, &mut written);
        if let (false, Some(elapsed)) = (args.quiet, entry.elapsed) {
            let line = format!(
                "checked {} in {:.2}s",
                file.display(),
                elapsed.as_secs_f64()
            );
            progress::eprint_line(&live, &line);
        }
        entries.push(entry);
        if let Some(progress) = &hooks.progress {
            progress.finished();
        }
    }
    if let Some(live) = &live {
        live.clear();
    }
    if args.bless && !interrupt::interrupted() {
        code = code.max(bless::bless(&mut entries));
    }
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
    if interrupt::interrupted() {
        output::eprint_line(&format!(
            "interrupted: {} of {files} scenario files judged; no file was written",
            entries.iter().filter(|e| !e.rows.is_empty()).count(),
        ));
    } else {
        code = code.max(write_reports(&entries, args));
        if entries
            .iter()
            .any(|e| e.rows.iter().any(|r| r.replay.is_some()))
        {
            output::note_if_not_installed();
        }
    }
    print_summary(&entries, args);
    let unknown = entries
        .iter()
        .flat_map(|e| &e.rows)
        .any(|r| r.expected.is_some() && r.got == Verdict::Unknown);
    finish(code, args.fail_on_unknown, unknown)
}

/// The summary on stdout, in the format asked for.
fn print_summary(entries: &[CheckEntry], args: &Args) {
    match args.format {
        Format::Text if args.quiet => print(&check_text_quiet(entries, args.allow_unknown)),
        Format::Text => {
            let show_time = std::io::stdout().is_terminal();
            print(&check_text(entries, args.allow_unknown, show_time));
        }
        Format::Json => print(&check_json(entries, args.allow_unknown)),
    }
}

/// The files to judge, in the order of the paths (a path that could not
/// be searched keeps its place as an unjudged entry, so CI reports show it
/// where it was asked for), narrowed by `--filter`; exit 2 when the filter
/// matches nothing.
fn discover(args: &Args) -> Result<Vec<Result<PathBuf, CheckEntry>>, Code> {
    let mut found: Vec<Result<PathBuf, CheckEntry>> = Vec::new();
    for path in &args.paths {
        match scenario_files(path) {
            Ok(files) => found.extend(files.into_iter().map(Ok)),
            Err(message) => {
                output::eprint_line(&message);
                found.push(Err(unjudged(path, message)));
            }
        }
    }
    if let Some(pattern) = &args.filter {
        found.retain(|f| f.as_ref().map_or(true, |file| selected(file, pattern)));
        if found.is_empty() {
            return Err(super::usage(&format!(
                "no scenario file or name matches --filter {pattern:?}"
            )));
        }
    }
    Ok(found)
}

/// `--filter`: the file's path contains the pattern, or the `name` of the
/// scenario it holds does (read quietly: a file that does not load and
/// whose path does not match is not selected).
fn selected(file: &Path, pattern: &str) -> bool {
    file.display().to_string().contains(pattern)
        || crate::scenario::load(file).is_ok_and(|l| l.scenario.name.contains(pattern))
}

/// Writes `--junit` and `--report` (atomically); a failed write is exit 2.
fn write_reports(entries: &[CheckEntry], args: &Args) -> Code {
    let mut code = Code::Clean;
    let mut write = |path: &Path, text: String| {
        if let Err(message) = output::write_file(path, text.as_bytes()) {
            output::eprint_line(&message);
            code = Code::BadInput;
        }
    };
    if let Some(path) = &args.junit {
        write(path, junit::render(entries));
    }
    if let Some(path) = &args.report {
        write(path, check_markdown::render(entries, args.allow_unknown));
    }
    code
}

/// The scenario files under a path (`scenario::discover`), sorted so
/// output never depends on directory order; a note on stderr for every
/// JSON file skipped as not a scenario.
fn scenario_files(path: &Path) -> Result<Vec<PathBuf>, String> {
    let found = crate::scenario::discover::discover(path)?;
    for note in found.notes() {
        output::eprint_line(&note);
    }
    Ok(found.scenarios)
}

/// The counterexample files written so far: a second scenario of the same
/// name would overwrite them (warned), and a failed write is exit 2.
#[derive(Default)]
struct Written {
    paths: Vec<PathBuf>,
    code: Code,
}

/// A path that was not judged, with the located message already printed.
fn unjudged(path: &Path, message: String) -> CheckEntry {
    CheckEntry {
        file: path.display().to_string(),
        scenario: None,
        seed: None,
        error: Some(message),
        rows: Vec::new(),
        elapsed: None,
    }
}

fn check_file(file: &Path, args: &Args, hooks: &Hooks, written: &mut Written) -> CheckEntry {
    let mut entry = unjudged(file, String::new());
    entry.error = None;
    let Some(loaded) = load(file) else {
        entry.error = Some("invalid scenario".to_string());
        return entry;
    };
    let scenario = &loaded.scenario;
    entry.scenario = Some(scenario.name.clone());
    entry.seed = Some(scenario.seed);
    if scenario.expect.is_empty() && !args.bless {
        let message = format!("{}: error: expect: nothing to compare: `check` needs an `expect` block (`check --bless` writes one from the verdicts; `explore` judges without one)", file.display());
        output::eprint_line(&message);
        entry.error = Some(message);
        return entry;
    }
    let started = Instant::now();
    let options = ExploreOptions {
        hooks: hooks.clone(),
        ..ExploreOptions::default()
    };
    match check::explore(scenario, &args.bounds.apply(options)) {
        Ok(report) => entry.rows = rows(file, scenario, &report, args, written),
        Err(error) => {
            let message = super::run_error(file, &loaded, &error);
            output::eprint_line(&message);
            entry.error = Some(message);
        }
    }
    let elapsed = started.elapsed();
    entry.elapsed = Some(elapsed);
    entry
}

/// One row per reported invariant: its expectation, if any, met or not;
/// the trace of every violation written, with its replay command; a
/// replay command for every failure.
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
        let mut row = CheckRow::from_report(r);
        if let Some(result) = results.iter().find(|e| e.invariant == r.invariant) {
            row.expected = Some(result.expected);
            row.met = Some(result.met);
            row.allowed_unknown = result.met
                && result.expected == Expectation::Holds
                && result.got == Verdict::Unknown;
            if args.strict && result.got == Verdict::Holds && r.vacuous.is_some() {
                row.met = Some(false);
            }
        }
        if let Some(trace) = &row.counterexample {
            if let Some(path) = write_trace(file, scenario, r.invariant, trace, args, written) {
                row.replay = Some(output::replay_command(&path));
                row.trace = Some(path.display().to_string());
            }
        }
        if row.met == Some(false) && row.replay.is_none() {
            let strict = if row.failed_vacuous() {
                " --strict"
            } else {
                ""
            };
            row.replay = Some(format!("tokenrace check{strict} {}", shell_quote(file)));
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
            decided_by: String::new(),
            states: 0,
            runs: 0,
            transitions: 0,
            bound_hit: None,
            note: "not reported by the exploration".to_string(),
            vacuous: None,
            trace: None,
            replay: (!missing.met).then(|| format!("tokenrace check {}", shell_quote(file))),
            counterexample: None,
        });
    }
    rows
}

/// Writes one counterexample under `--out`; `None` (and exit 2) when the
/// write failed. Warns when another scenario of the same name wrote there.
fn write_trace(
    file: &Path,
    scenario: &Scenario,
    invariant: Invariant,
    trace: &Trace,
    args: &Args,
    written: &mut Written,
) -> Option<PathBuf> {
    if interrupt::interrupted() {
        return None;
    }
    match output::write_counterexample(&args.out, &scenario.name, invariant, trace) {
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
            Some(path)
        }
        Err(message) => {
            output::eprint_line(&message);
            written.code = Code::BadInput;
            None
        }
    }
}
