//! `tokenrace run FILE... [--seed N] [--mermaid OUT.mmd] [--trace OUT.json]`:
//! one seeded execution per file. Exit 1 on any violation of a checked
//! invariant (`expect` is ignored); each violation prints the `run`
//! command that replays it.

use super::output::{self, print, shell_quote};
use super::{load, usage, Code, Format};
use crate::check::{self, Verdict};
use crate::render::{mermaid, report};
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario files; each is run, and the highest exit code wins.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Seed of the run (default: the scenario's `seed`).
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// Write the Mermaid diagram of the run here (one FILE only).
    #[arg(long, value_name = "OUT.mmd")]
    mermaid: Option<PathBuf>,
    /// Write the replayable trace here (one FILE only).
    #[arg(long, value_name = "OUT.json")]
    trace: Option<PathBuf>,
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// Runs every file, even after a failure; the highest code wins.
pub fn execute(args: &Args) -> Code {
    if args.files.len() > 1 && (args.trace.is_some() || args.mermaid.is_some()) {
        return usage(&format!(
            "--trace and --mermaid write one file, so they take exactly one FILE (got {})",
            args.files.len()
        ));
    }
    let mut code = Code::Clean;
    for (i, file) in args.files.iter().enumerate() {
        if i > 0 && args.format == Format::Text {
            print("\n");
        }
        code = code.max(run_file(file, args));
    }
    code
}

fn run_file(file: &Path, args: &Args) -> Code {
    let Some(loaded) = load(file) else {
        return Code::BadInput;
    };
    let scenario = &loaded.scenario;
    let seed = args.seed.unwrap_or(scenario.seed);
    let (report, trace) = match check::run(scenario, seed) {
        Ok(result) => result,
        Err(error) => {
            output::eprint_line(&super::run_error(file, &loaded, &error));
            return Code::BadInput;
        }
    };
    let mut code = Code::Clean;
    let violated = report
        .invariants
        .iter()
        .any(|r| r.verdict == Verdict::Violated);
    let command = format!("tokenrace run {} --seed {seed}", shell_quote(file));
    let mut replays: Vec<report::Replay> = Vec::new();
    for r in report
        .invariants
        .iter()
        .filter(|r| r.verdict == Verdict::Violated)
    {
        replays.push((r.invariant, command.clone()));
        code = Code::Violation;
    }
    if let Some(path) = &args.trace {
        match output::write_file(path, output::trace_json(&trace).as_bytes()) {
            Ok(()) => {
                let violated: Vec<_> = replays.iter().map(|(i, _)| *i).collect();
                let saved = output::replay_command(path);
                replays.extend(violated.into_iter().map(|i| (i, saved.clone())));
            }
            Err(message) => code = code.max(fail(&message)),
        }
    }
    if let Some(path) = &args.mermaid {
        if let Err(message) = output::write_file(path, mermaid::render(&trace).as_bytes()) {
            code = code.max(fail(&message));
        }
    }
    match args.format {
        Format::Json => print(&report::json(
            &report,
            &file.display().to_string(),
            &replays,
        )),
        Format::Text => {
            let mut text = report::text(&report, &[]);
            if violated {
                text.push_str("trace:\n");
                text.push_str(&report::steps(&trace));
            }
            text.push_str(&report::replay_lines(&replays));
            print(&text);
        }
    }
    code
}

fn fail(message: &str) -> Code {
    output::eprint_line(message);
    Code::BadInput
}
