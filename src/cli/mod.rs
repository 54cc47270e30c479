//! The command line (docs/cli.md): argument parsing, dispatch, and the one
//! place where outcomes become exit codes (ripgrep style).
//!
//! What it owns: argv, files, stdout/stderr, the wall clock (timings on
//! stderr only) and exit codes. What it does not: parsing scenarios
//! (`scenario`), judging (`check`) or laying out text (`render`) — each
//! command file glues those together and returns a [`Code`].

mod bench;
mod bless;
mod bounds;
mod check;
mod completions;
mod explore;
mod init;
mod interrupt;
mod matrix;
mod output;
mod presets;
mod probe;
mod progress;
mod render;
mod replay;
mod run;
mod schema;
mod serve;
mod validate;

use crate::scenario::{self, error::render_problems, load::Loaded};
use clap::{Parser, Subcommand, ValueEnum};
use std::path::Path;
use std::process::ExitCode;

/// How a command ended. Ordered so that, over several files, the highest
/// wins: an interrupt over bad input over a violation over an `unknown`
/// under `--fail-on-unknown` over a clean result (docs/cli.md "Exit codes").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Code {
    /// No violation; every expectation met; a replay without violation.
    #[default]
    Clean,
    /// `--fail-on-unknown`: nothing failed, but some verdict is `unknown`.
    Unknown,
    /// A checked invariant violated (run, explore, replay) or an
    /// expectation not met (check).
    Violation,
    /// Bad input or usage: nothing trustworthy was established.
    BadInput,
    /// Ctrl-C: the command stopped early and wrote no file.
    Interrupted,
}

impl Code {
    /// The process exit code.
    pub fn exit(self) -> u8 {
        match self {
            Code::Clean => 0,
            Code::Violation => 1,
            Code::BadInput => 2,
            // The contract: `--fail-on-unknown` fails the job with exit 1.
            Code::Unknown => 1,
            Code::Interrupted => interrupt::EXIT_INTERRUPTED,
        }
    }
}

impl From<Code> for ExitCode {
    fn from(code: Code) -> ExitCode {
        ExitCode::from(code.exit())
    }
}

/// The code of a finished long command: 130 once interrupted, else
/// `code`, raised to [`Code::Unknown`] under `--fail-on-unknown` when
/// some verdict is `unknown`.
fn finish(code: Code, fail_on_unknown: bool, any_unknown: bool) -> Code {
    if interrupt::interrupted() {
        return Code::Interrupted;
    }
    if fail_on_unknown && any_unknown {
        code.max(Code::Unknown)
    } else {
        code
    }
}

/// Output format of reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned text for people; the first line names tool, scenario, seed.
    #[default]
    Text,
    /// JSON for scripts (docs/cli.md describes the shape).
    Json,
}

/// Deterministic protocol simulator and race-condition explorer for
/// access/refresh-token flows.
///
/// Exit codes: 0 no violation / every expectation met; 1 a violation found
/// or an expectation not met, or (with `--fail-on-unknown`) a verdict
/// `unknown`; 2 bad input or usage; 130
/// interrupted (Ctrl-C). Every failure prints the command that replays it.
#[derive(Debug, Parser)]
#[command(name = "tokenrace", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run scenarios once each on a seeded virtual clock.
    Run(run::Args),
    /// Explore the interleavings of one scenario and judge its invariants.
    Explore(explore::Args),
    /// Judge scenario files or folders against their `expect` blocks.
    Check(check::Args),
    /// Re-execute a saved trace; it must reproduce its verdicts.
    Replay(replay::Args),
    /// Render a saved trace as a diagram or document.
    Render(render::Args),
    /// Client strategies × auth policies → invariant verdicts, one explored
    /// scenario per cell.
    Matrix(matrix::Args),
    /// Parse and validate scenarios without running them.
    Validate(validate::Args),
    /// Print a new scenario for a server preset and a client setup, with
    /// what each part means in its `description`, ready to edit.
    Init(init::Args),
    /// List the server presets (`auth.preset`), or show one with its sources.
    Presets(presets::Args),
    /// Infer a real server's `auth` block by driving its token endpoint.
    Probe(probe::Args),
    /// A real HTTP auth + resource server with the scenario's policy and a
    /// scheduler ordering a real client's requests and answers.
    Serve(serve::Args),
    /// Print the JSON Schema of the scenario format.
    Schema,
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(completions::Args),
    /// Measure exhaustive exploration: the refresh-race family (N = 2…30,
    /// untimed) beside SPIN and Stateright, and the windowed corpus.
    Bench(bench::Args),
}

/// The whole program: parse argv, run the command, map its outcome to an
/// exit code. Usage errors exit 2; `--help` and `--version` exit 0.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2));
        }
    };
    dispatch(cli.command).into()
}

fn dispatch(command: Command) -> Code {
    match command {
        Command::Run(args) => run::execute(&args),
        Command::Explore(args) => explore::execute(&args),
        Command::Check(args) => check::execute(&args),
        Command::Replay(args) => replay::execute(&args),
        Command::Render(args) => render::execute(&args),
        Command::Matrix(args) => matrix::execute(&args),
        Command::Validate(args) => validate::execute(&args),
        Command::Init(args) => init::execute(&args),
        Command::Presets(args) => presets::execute(&args),
        Command::Probe(args) => probe::execute(&args),
        Command::Serve(args) => serve::execute(&args),
        Command::Schema => schema::execute(),
        Command::Completions(args) => completions::execute(&args),
        Command::Bench(args) => bench::execute(&args),
    }
}

/// Reports a usage problem clap cannot see; always [`Code::BadInput`].
fn usage(message: &str) -> Code {
    output::eprint_line(&format!("error: {message}"));
    Code::BadInput
}

/// The message for a scenario that loaded but cannot run: a schedule error
/// points at the file, line and column of the step it names.
fn run_error(file: &Path, loaded: &Loaded, error: &crate::check::RunError) -> String {
    let crate::check::RunError::Schedule { step, .. } = error;
    match loaded.step_position(*step) {
        Some((line, column)) => format!(
            "{}:{line}:{column}: error: schedule[{}]: {error}",
            file.display(),
            step - 1
        ),
        None => format!("{}: error: {error}", file.display()),
    }
}

/// Loads a scenario for any command: located errors and warnings go to
/// stderr; `None` means exit 2 for this file.
fn load(path: &Path) -> Option<Loaded> {
    match scenario::load(path) {
        Ok(loaded) => {
            if !loaded.warnings.is_empty() {
                let file = path.display().to_string();
                output::eprint_line(&render_problems(&file, &loaded.warnings));
            }
            Some(loaded)
        }
        Err(error) => {
            output::eprint_line(&error.to_string());
            None
        }
    }
}
