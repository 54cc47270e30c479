//! `tokenrace replay TRACE.json`: re-execute a saved trace. Exit 1 when it
//! reproduces a violation, 0 when it reproduces a run without one, 2 when
//! it cannot reproduce it (bad file, other version, divergence).

use super::output::{self, print};
use super::Code;
use crate::check;
use crate::render::report;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A trace saved by `run --trace`, `explore` or `check`.
    #[arg(value_name = "TRACE.json")]
    trace: PathBuf,
}

/// Replays the trace and says what it reproduced.
pub fn execute(args: &Args) -> Code {
    let saved = match output::read_trace(&args.trace) {
        Ok(trace) => trace,
        Err(message) => {
            output::eprint_line(&message);
            return Code::BadInput;
        }
    };
    let replayed = match check::replay(&saved) {
        Ok(trace) => trace,
        Err(error) => {
            output::eprint_line(&format!(
                "{}: error: cannot reproduce: {error}",
                args.trace.display()
            ));
            return Code::BadInput;
        }
    };
    let mut text = report::header(&replayed.scenario.name, replayed.seed);
    text.push_str(&format!(
        "\nreproduced {} steps of {} (found by {})\n",
        replayed.steps.len(),
        args.trace.display(),
        saved.found_by
    ));
    let violated: Vec<String> = replayed
        .verdicts
        .iter()
        .filter(|v| v.verdict == "violated")
        .map(|v| match v.step {
            Some(step) => format!("violated: {} at step {step}", v.invariant),
            None => format!("violated: {}", v.invariant),
        })
        .collect();
    if violated.is_empty() {
        text.push_str("no violation\n");
    } else {
        text.push_str(&(violated.join("\n") + "\n"));
        text.push_str("trace:\n");
        text.push_str(&report::steps(&replayed));
    }
    print(&text);
    if violated.is_empty() {
        Code::Clean
    } else {
        Code::Violation
    }
}
