//! `tokenrace explore FILE [--strategy …] [--runs N] [--max-depth D]
//! [--max-states N] [--threads N] [--seed N] [--out DIR]`: search the
//! interleavings of one scenario. Every counterexample is written under
//! `--out` (trace + diagram) and its `tokenrace replay` command printed.

use super::bounds::BoundArgs;
use super::output::{self, print, shell_quote};
use super::{finish, interrupt, load, progress, Code, Format};
use crate::check::{self, ExploreOptions, Strategy, Verdict};
use crate::explore::budget::{peak_resident_bytes, Hooks, SearchStats};
use crate::render::report;
use clap::ValueEnum;
use std::path::PathBuf;
use std::time::Instant;

/// Search strategies the command line offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum StrategyArg {
    /// Exhaustive, breadth first: shortest counterexamples.
    Bfs,
    /// Exhaustive, depth first: less memory.
    Dfs,
    /// Seeded random runs (cannot prove `holds`).
    Random,
    /// Probabilistic concurrency testing at the scenario's `pct_depth`
    /// (cannot prove `holds`).
    Pct,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The scenario file.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Search strategy (default: the scenario's `explore` block).
    #[arg(long, value_enum, value_name = "STRATEGY")]
    strategy: Option<StrategyArg>,
    /// Random runs.
    #[arg(long, value_name = "N")]
    runs: Option<u64>,
    /// Longest path explored.
    #[arg(long, value_name = "D")]
    max_depth: Option<u64>,
    /// `--max-states`, `--max-memory`, `--time`, `--threads`.
    #[command(flatten)]
    bounds: BoundArgs,
    /// Seed of random exploration (default: the scenario's `seed`).
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// Where counterexample traces and diagrams are written.
    #[arg(long, value_name = "DIR", default_value = "target/tokenrace")]
    out: PathBuf,
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Exit 1 when nothing is violated but some verdict is `unknown` (a
    /// bound stopped the search), so CI can tell it from "verified".
    #[arg(long)]
    fail_on_unknown: bool,
    /// No progress line and no timings on stderr.
    #[arg(long, short)]
    quiet: bool,
}

/// Explores the file; 1 when any checked invariant is violated.
pub fn execute(args: &Args) -> Code {
    let strategy = match args.strategy {
        Some(StrategyArg::Pct) => Some(Strategy::Pct),
        Some(StrategyArg::Bfs) => Some(Strategy::Bfs),
        Some(StrategyArg::Dfs) => Some(Strategy::Dfs),
        Some(StrategyArg::Random) => Some(Strategy::Random),
        None => None,
    };
    let Some(loaded) = load(&args.file) else {
        return Code::BadInput;
    };
    let live = progress::live("exploring", 1, args.quiet);
    let options = args.bounds.apply(ExploreOptions {
        strategy,
        runs: args.runs,
        max_depth: args.max_depth,
        seed: args.seed,
        hooks: Hooks {
            stop: Some(interrupt::install()),
            progress: progress::observer(&live),
        },
        ..ExploreOptions::default()
    });
    let started = Instant::now();
    let found = check::explore_with_stats(&loaded.scenario, &options);
    if let Some(live) = &live {
        live.clear();
    }
    let (report, stats) = match found {
        Ok(found) => found,
        Err(error) => {
            output::eprint_line(&super::run_error(&args.file, &loaded, &error));
            return finish(Code::BadInput, false, false);
        }
    };
    if !args.quiet {
        output::eprint_line(&format!(
            "explored {} in {:.2}s",
            args.file.display(),
            started.elapsed().as_secs_f64()
        ));
        if let Some(stats) = &stats {
            output::eprint_line(&stats_line(stats, started.elapsed().as_secs_f64()));
        }
    }
    let (code, replays) = save_violations(args, &report);
    match args.format {
        Format::Text => print(&report::text(&report, &replays)),
        Format::Json => print(&report::json(
            &report,
            &args.file.display().to_string(),
            &replays,
        )),
    }
    let unknown = report
        .invariants
        .iter()
        .any(|r| r.verdict == Verdict::Unknown);
    finish(code, args.fail_on_unknown, unknown)
}

/// Writes the trace of every violation under `--out` (none once
/// interrupted: an interrupted command writes no file) and returns the
/// replay commands; 1 when any invariant is violated, 2 when a write failed.
fn save_violations(args: &Args, report: &check::Report) -> (Code, Vec<report::Replay>) {
    let mut code = Code::Clean;
    let mut replays: Vec<report::Replay> = Vec::new();
    let violated = report
        .invariants
        .iter()
        .filter(|r| r.verdict == Verdict::Violated);
    for r in violated {
        code = code.max(Code::Violation);
        if interrupt::interrupted() {
            continue;
        }
        let Some(trace) = &r.trace else {
            // No trace to save (should not happen): fall back to the search.
            replays.push((r.invariant, rerun_command(args, report.seed)));
            continue;
        };
        match output::write_counterexample(&args.out, &report.scenario, r.invariant, trace) {
            Ok(path) => replays.push((r.invariant, output::replay_command(&path))),
            Err(message) => {
                output::eprint_line(&message);
                code = Code::BadInput;
            }
        }
    }
    if interrupt::interrupted() {
        output::eprint_line("interrupted: the report shows what was reached; no file was written");
    } else if !replays.is_empty() {
        output::note_if_not_installed();
    }
    (code, replays)
}

/// The `explore` command that repeats this search, for a violation that
/// came without a trace to save.
fn rerun_command(args: &Args, seed: u64) -> String {
    let mut command = format!(
        "tokenrace explore {} --seed {seed}",
        shell_quote(&args.file)
    );
    if let Some(strategy) = args.strategy.and_then(|s| s.to_possible_value()) {
        command.push_str(&format!(" --strategy {}", strategy.get_name()));
    }
    for (flag, value) in [
        ("--runs", args.runs),
        ("--max-depth", args.max_depth),
        ("--max-states", args.bounds.max_states),
    ] {
        if let Some(value) = value {
            command.push_str(&format!(" {flag} {value}"));
        }
    }
    command
}

/// The size figures of an exhaustive search, for stderr.
fn stats_line(stats: &SearchStats, secs: f64) -> String {
    let peak = peak_resident_bytes()
        .map(|b| format!(", peak memory {:.1} MiB", b as f64 / (1 << 20) as f64))
        .unwrap_or_default();
    let asleep = if stats.asleep > 0 || stats.reexpanded > 0 {
        format!(
            ", {} moves skipped by sleep sets, {} states expanded again",
            stats.asleep, stats.reexpanded
        )
    } else {
        String::new()
    };
    format!(
        "{} states ({:.0} states/s), depth {}, {:.1} bytes/state stored{} \
         ({:.1} bytes/state canonical encoding){peak}{asleep}",
        stats.states,
        stats.states as f64 / secs.max(1e-9),
        stats.depth,
        stats.stored_bytes_per_state(),
        split(stats),
        stats.encoded_bytes_per_state(),
    )
}

/// The windowed search's memory per stored state, split by structure
/// (empty for the untimed search, which does not split it).
fn split(stats: &SearchStats) -> String {
    if stats.passed_bytes == 0 {
        return String::new();
    }
    let [passed, arena, frontier] = stats.split_per_state();
    format!(
        ": passed list {passed:.1}, arena {arena:.1}, frontier at its peak \
         {frontier:.1} ({} states)",
        stats.peak_frontier
    )
}
