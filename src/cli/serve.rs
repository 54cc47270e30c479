//! `tokenrace serve SCENARIO [--port N] [--schedule TRACE.json | --explore N
//! --seed S] [--out DIR] [-- CMD ARGS…]`: a real auth + resource server with
//! the scenario's policy and a scheduler that orders the client's requests
//! and answers (docs/serve.md). Saves the first violating run (or the last
//! run) as a trace and a Mermaid diagram under `--out`.

use super::output::{self, print, shell_quote};
use super::{load, Code};
use crate::check::Verdict;
use crate::render::{mermaid, report};
use crate::scenario::Scenario;
use crate::serve::{self, Mode, Options, Outcome};
use crate::trace::Trace;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The scenario whose `auth`, `resource`, clients and script the server plays.
    #[arg(value_name = "SCENARIO")]
    scenario: PathBuf,
    /// Port on 127.0.0.1 (0: any free port; the URL is printed on stderr).
    #[arg(long, value_name = "N", default_value_t = 0)]
    port: u16,
    /// Follow a saved trace: a counterexample of `explore`, or a serve trace.
    #[arg(long, value_name = "TRACE.json", conflicts_with = "explore")]
    schedule: Option<PathBuf>,
    /// Run the command N times, each with another order of its requests and answers.
    #[arg(long, value_name = "N")]
    explore: Option<u64>,
    /// Seed of `--random` runs (default: the scenario's `seed`).
    #[arg(long, value_name = "S")]
    seed: Option<u64>,
    /// Seeded random orders instead of the systematic enumeration.
    #[arg(long, requires = "explore")]
    random: bool,
    /// Systematic runs deviate from oldest-first at most K times (default: no bound).
    #[arg(long, value_name = "K")]
    max_deviations: Option<u32>,
    /// Where the run's trace and diagram are written.
    #[arg(long, value_name = "DIR", default_value = "target/tokenrace")]
    out: PathBuf,
    /// Quiescence: the client is idle after this long with no new request (ms).
    #[arg(long, value_name = "MS", default_value_t = 100)]
    settle: u64,
    /// Wall-clock bound of one run, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 60)]
    run_timeout: u64,
    /// Requests accepted per run (more are answered 429).
    #[arg(long, value_name = "N", default_value_t = 1000)]
    max_requests: u32,
    /// Order independent resource calls too (no reduction; docs/serve.md).
    #[arg(long)]
    no_reduction: bool,
    /// The client command, started once per run with TOKENRACE_* variables.
    #[arg(last = true, value_name = "CMD")]
    command: Vec<String>,
}

/// Serves; 1 when a run broke an invariant.
pub fn execute(args: &Args) -> Code {
    let Some(loaded) = load(&args.scenario) else {
        return Code::BadInput;
    };
    let scenario = loaded.scenario;
    let mode = match mode(args, &scenario) {
        Ok(mode) => mode,
        Err(code) => return code,
    };
    if matches!(mode, Mode::Explore { .. }) && args.command.is_empty() {
        return super::usage("--explore needs a client command after `--`");
    }
    let options = Options {
        port: args.port,
        mode,
        command: args.command.clone(),
        settle_ms: args.settle,
        run_timeout_ms: args.run_timeout.saturating_mul(1000),
        max_requests: args.max_requests,
        reduce: !args.no_reduction,
    };
    let replay = format!("tokenrace serve {}", shell_quote(&args.scenario));
    session(&scenario, &options, &args.out, &replay)
}

fn mode(args: &Args, scenario: &Scenario) -> Result<Mode, Code> {
    if let Some(path) = &args.schedule {
        return match output::read_trace(path) {
            Ok(trace) => Ok(Mode::Schedule(Box::new(trace))),
            Err(message) => {
                output::eprint_line(&message);
                Err(Code::BadInput)
            }
        };
    }
    Ok(match args.explore {
        Some(runs) => Mode::Explore {
            runs,
            seed: args.seed.unwrap_or(scenario.seed),
            random: args.random,
            max_deviations: args.max_deviations,
        },
        None if args.command.is_empty() => Mode::Interactive,
        None => Mode::Explore {
            runs: 1,
            seed: args.seed.unwrap_or(scenario.seed),
            random: false,
            max_deviations: args.max_deviations,
        },
    })
}

/// Runs a session and reports it; shared with `replay` of a serve trace.
pub fn session(scenario: &Scenario, options: &Options, out: &Path, serve_command: &str) -> Code {
    let outcome = match serve::serve(scenario, options, &|line| output::eprint_line(line)) {
        Ok(outcome) => outcome,
        Err(error) => {
            output::eprint_line(&format!("error: {error}"));
            return Code::BadInput;
        }
    };
    let saved = outcome.violation.as_ref().or(outcome.last.as_ref());
    let path = match saved.map(|t| save(out, scenario, t)).transpose() {
        Ok(path) => path,
        Err(message) => {
            output::eprint_line(&message);
            return Code::BadInput;
        }
    };
    print(&summary(
        scenario,
        options,
        &outcome,
        path.as_deref(),
        serve_command,
    ));
    if outcome.violation.is_some() {
        Code::Violation
    } else {
        Code::Clean
    }
}

fn save(out: &Path, scenario: &Scenario, trace: &Trace) -> Result<PathBuf, String> {
    let stem = format!("{}.serve", output::file_stem(&scenario.name));
    let path = out.join(format!("{stem}.trace.json"));
    output::write_file(&path, output::trace_json(trace).as_bytes())?;
    output::write_file(
        &out.join(format!("{stem}.mmd")),
        mermaid::render(trace).as_bytes(),
    )?;
    Ok(path)
}

fn summary(
    scenario: &Scenario,
    options: &Options,
    outcome: &Outcome,
    path: Option<&Path>,
    serve_command: &str,
) -> String {
    let mut text = report::header(&scenario.name, scenario.seed);
    let runs = outcome.runs.len();
    let total: u64 = outcome.runs.iter().map(|r| r.wall_ms).sum();
    let per_run = if runs > 0 { total / runs as u64 } else { 0 };
    text.push_str(&format!(
        "\nserve: {runs} runs of the client, {per_run} ms per run on average\n"
    ));
    for (invariant, verdict, note) in verdicts(outcome, options) {
        let name = report::verdict_name(verdict);
        text.push_str(&format!("{invariant}: {name}{note}\n"));
    }
    if let Some(trace) = outcome.violation.as_ref().or(outcome.last.as_ref()) {
        if let Some(record) = &trace.serve {
            for d in &record.divergences {
                text.push_str(&format!("divergence: {d}\n"));
            }
        }
        if outcome.violation.is_some() {
            text.push_str("trace:\n");
            text.push_str(&report::steps(trace));
        }
    }
    if let Some(path) = path {
        text.push_str(&format!(
            "saved: {} (diagram: .mmd beside it)\n",
            path.display()
        ));
        if !options.command.is_empty() {
            text.push_str(&format!("replay with: {}\n", output::replay_command(path)));
        }
        text.push_str(&format!(
            "or: {serve_command} --schedule {} -- CMD…\n",
            shell_quote(path)
        ));
    }
    text
}

/// Per checked invariant: violated in a run; holds when the systematic
/// enumeration made every order; otherwise unknown, naming the bound.
fn verdicts(outcome: &Outcome, options: &Options) -> Vec<(String, Verdict, String)> {
    let violated = outcome.violation.as_ref();
    outcome
        .invariants
        .iter()
        .map(|&invariant| {
            let hit = violated.and_then(|t| {
                t.verdicts
                    .iter()
                    .find(|v| v.invariant == invariant && v.verdict == "violated")
            });
            if let Some(v) = hit {
                let step = v.step.map(|s| format!(" at step {s}")).unwrap_or_default();
                return (invariant.to_string(), Verdict::Violated, step);
            }
            if outcome.complete && violated.is_none() {
                let note = format!(
                    " (every order of the client's calls: {} runs)",
                    outcome.runs.len()
                );
                return (invariant.to_string(), Verdict::Holds, note);
            }
            if violated.is_some() {
                let note = " (not broken before the first violation stopped the runs)";
                return (invariant.to_string(), Verdict::Unknown, note.to_string());
            }
            let bound = match options.mode {
                Mode::Explore { random: true, .. } => "random runs cannot prove holds",
                Mode::Explore { .. } => "bound hit: runs (raise --explore N)",
                _ => "one run proves nothing (use --explore N)",
            };
            (
                invariant.to_string(),
                Verdict::Unknown,
                format!(" ({bound})"),
            )
        })
        .collect()
}
