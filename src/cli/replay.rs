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
    if let Some(record) = &saved.serve {
        return replay_serve(&saved, record, &args.trace);
    }
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

/// A serve trace: re-run its command with the same decisions.
fn replay_serve(
    saved: &crate::trace::Trace,
    record: &crate::trace::ServeRecord,
    path: &std::path::Path,
) -> Code {
    let command = format!(
        "tokenrace serve SCENARIO --schedule {} -- CMD",
        super::output::shell_quote(path)
    );
    if record.command.is_empty() {
        output::eprint_line(&format!(
            "{}: error: this serve trace was recorded interactively (no command): \
             replay it with `{command}` against your client",
            path.display()
        ));
        return Code::BadInput;
    }
    output::eprint_line(&format!(
        "{}: a serve trace: re-running `{}` with its {} decisions (as `{command}`)",
        path.display(),
        record.command.join(" "),
        record.decisions.len()
    ));
    let options = crate::serve::Options {
        port: 0,
        mode: crate::serve::Mode::Schedule(Box::new(saved.clone())),
        command: record.command.clone(),
        settle_ms: record.settle_ms,
        run_timeout_ms: 60_000,
        max_requests: 1000,
        reduce: !record.no_reduction,
    };
    let out = path
        .parent()
        .map_or_else(|| std::path::PathBuf::from("."), |p| p.join("replay"));
    super::serve::session(&saved.scenario, &options, &out, "tokenrace serve SCENARIO")
}
