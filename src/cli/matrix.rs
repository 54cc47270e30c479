//! `tokenrace matrix [--requests N] [--tabs T] [--max-states N] [--threads N]
//! [--format text|markdown|json]`: every client strategy against every
//! auth-server policy, one exhaustively explored scenario per cell
//! (`check::matrix`), printed as a table. Exit 0 when the table was
//! produced (docs/cli.md "Exit codes"), whatever it shows; 2 when `--out` could not be
//! written. The time it took goes to stderr.

use super::output::{self, eprint_line, print};
use super::{finish, interrupt, load, progress, Code};
use crate::check::matrix::Matrix;
use crate::check::matrix::{self, MatrixOptions};
use crate::check::Verdict;
use crate::explore::budget::Hooks;
use crate::render::matrix as layout;
use crate::render::matrix::CellReplay;
use clap::ValueEnum;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Concurrent requests that meet the expired access token in each cell.
    #[arg(long, value_name = "N", default_value_t = 2,
          value_parser = clap::value_parser!(u32).range(1..=16))]
    requests: u32,
    /// Tabs of one browser sharing local_storage (cross_tab rows use at
    /// least 2); the requests are spread round-robin over them.
    #[arg(long, value_name = "T", default_value_t = 1,
          value_parser = clap::value_parser!(u32).range(1..=8))]
    tabs: u32,
    /// States each cell's exhaustive search may visit; a cell that needs
    /// more shows `unknown` for what it did not find violated.
    #[arg(long, value_name = "N", default_value_t = MatrixOptions::default().max_states,
          value_parser = clap::value_parser!(u64).range(1..))]
    max_states: u64,
    /// Cells explored in parallel (default: the available cores); the
    /// output does not depend on it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=256))]
    threads: Option<u64>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = MatrixFormat::Text)]
    format: MatrixFormat,
    /// Save the counterexample of every violation here (trace + Mermaid),
    /// and print its replay command.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Sweep this scenario over the rows and columns instead of the
    /// built-in refresh race (docs/matrix.md says what each cell changes).
    #[arg(long, value_name = "FILE")]
    scenario: Option<PathBuf>,
    /// Wall-clock budget of each cell's search, e.g. `30s` (`unknown` when hit).
    #[arg(long, value_name = "DURATION", value_parser = super::bounds::parse_duration)]
    time: Option<u64>,
    /// Exit 1 when some cell's verdict is `unknown`.
    #[arg(long)]
    fail_on_unknown: bool,
    /// No progress line and no timings on stderr.
    #[arg(long, short)]
    quiet: bool,
    /// The reductions' off switches, applied to every cell.
    #[command(flatten)]
    reductions: super::bounds::ReductionArgs,
}

/// The layouts of the matrix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MatrixFormat {
    /// Aligned table with ✓ ✗ ? per invariant.
    Text,
    /// The page committed as docs/matrix.md, with counterexample diagrams.
    Markdown,
    /// One JSON document with every cell's per-invariant reports.
    Json,
}

pub fn execute(args: &Args) -> Code {
    let threads = args.threads.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        |n| n as usize,
    );
    let base = match &args.scenario {
        Some(path) => match load(path) {
            Some(loaded) => Some(loaded.scenario),
            None => return Code::BadInput,
        },
        None => None,
    };
    let rows = matrix::client_strategies()
        .iter()
        .filter(|c| base.as_ref().map_or(true, |b| matrix::row_applies(b, c)))
        .count();
    let cells = rows * matrix::server_policies().len();
    let live = progress::live("matrix", cells as u64, args.quiet);
    let options = MatrixOptions {
        requests: args.requests,
        tabs: args.tabs,
        max_states: args.max_states,
        threads,
        time_ms: args.time,
        scenario: args.scenario.as_ref().map(|p| output::shell_quote(p)),
        reductions_off: args.reductions.off(),
        hooks: Hooks {
            stop: Some(interrupt::install()),
            progress: progress::observer(&live),
        },
    };
    let started = Instant::now();
    let built = match &base {
        Some(base) => matrix::build_over(&options, base),
        None => Ok(matrix::build(&options)),
    };
    if let Some(live) = &live {
        live.clear();
    }
    let built = match built {
        Ok(built) => built,
        Err(message) => {
            let file = args.scenario.as_deref().unwrap_or(Path::new("")).display();
            eprint_line(&format!("{file}: error: {message}"));
            return Code::BadInput;
        }
    };
    if !args.quiet {
        eprint_line(&format!(
            "matrix: {} cells in {:.2}s on {threads} thread{}",
            built.cells.len(),
            started.elapsed().as_secs_f64(),
            if threads == 1 { "" } else { "s" }
        ));
    }
    let (replays, code) = match &args.out {
        Some(_) if interrupt::interrupted() => {
            eprint_line("interrupted: the table shows what was reached; no file was written");
            (Vec::new(), Code::Clean)
        }
        Some(dir) => save_counterexamples(&built, dir),
        None => (Vec::new(), Code::Clean),
    };
    print(&match args.format {
        MatrixFormat::Text => layout::text(&built, &replays),
        MatrixFormat::Markdown => layout::markdown(&built),
        MatrixFormat::Json => layout::json(&built, &replays),
    });
    let unknown = built
        .cells
        .iter()
        .flat_map(|c| &c.verdicts)
        .any(|r| r.verdict == Verdict::Unknown);
    finish(code, args.fail_on_unknown, unknown)
}

/// Writes every violation's trace under `dir` (atomically, as `check`
/// does); a failed write is exit 2, the table is still printed.
fn save_counterexamples(matrix: &Matrix, dir: &Path) -> (Vec<CellReplay>, Code) {
    let mut replays = Vec::new();
    let mut code = Code::Clean;
    for (index, cell) in matrix.cells.iter().enumerate() {
        for r in cell
            .verdicts
            .iter()
            .filter(|r| r.verdict == Verdict::Violated)
        {
            let Some(trace) = &r.trace else { continue };
            match output::write_counterexample(dir, &cell.scenario.name, r.invariant, trace) {
                Ok(path) => replays.push((index, r.invariant, output::replay_command(&path))),
                Err(message) => {
                    eprint_line(&message);
                    code = Code::BadInput;
                }
            }
        }
    }
    (replays, code)
}
