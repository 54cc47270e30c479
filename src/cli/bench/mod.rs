//! `tokenrace bench`: the refresh-race family (N concurrent requests on an
//! expired AT1, rotation, untimed) for growing N, the windowed corpus,
//! random runs' events per second per core, and — in a build with the
//! `peers` feature, where installed — the SPIN and Stateright peers on the
//! same N in the same run, and TChecker on the windowed family, with
//! ratios. A subcommand rather
//! than `cargo bench`: it measures the shipped binary, needs no dev
//! dependency, runs the peers as subprocesses, and prints the table
//! docs/performance.md shows (docs/architecture.md says why).
//!
//! Timings and memory are wall-clock measurements: they go to stdout as a
//! benchmark report, never into verdicts or traces.

mod corpus;
mod family;
#[cfg(feature = "peers")]
mod peer_exec;
mod peers;
mod por;
mod random;
mod table;
mod tchecker;

use super::bounds::parse_size;
use super::output::{eprint_line, print};
use super::Code;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Largest N of the single-flight family (verified: holds).
    #[arg(long, value_name = "N", default_value_t = 30)]
    max_n: u32,
    /// Largest N of the naive family (violated: shortest counterexample).
    #[arg(long, value_name = "N", default_value_t = 12)]
    naive_max_n: u32,
    /// Largest N of the windowed single-flight family (exact timing;
    /// 2..=10, then every 5).
    #[arg(long, value_name = "N", default_value_t = 30)]
    windowed_max_n: u32,
    /// Skip the windowed family.
    #[arg(long)]
    no_windowed: bool,
    /// Largest N the peers run (SPIN needs ~30 s at N = 10 on 2 cores).
    #[arg(long, value_name = "N", default_value_t = 10)]
    peer_max_n: u32,
    /// Seconds allowed per tokenrace run; past it the verdict is
    /// `unknown` and larger N are skipped.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    time: u64,
    /// Worker threads of tokenrace's search.
    #[arg(long, value_name = "N", default_value_t = 1)]
    threads: usize,
    /// Memory budget of each tokenrace search (default 8GiB).
    #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "8GiB")]
    max_memory: u64,
    /// Folder with the peers (`refresh_race.pml`, `stateright-refresh-race/`);
    /// default: the `TOKENRACE_PEERS` environment variable. Peers run only
    /// in a build with the `peers` feature.
    #[arg(long, value_name = "DIR")]
    peers: Option<PathBuf>,
    /// The built Stateright peer binary (default: its release build in the
    /// peers folder).
    #[arg(long, value_name = "BIN")]
    stateright: Option<PathBuf>,
    /// TChecker's `tck-reach` binary, run on the windowed family (default:
    /// the `TOKENRACE_TCHECKER` environment variable, else `tck-reach` on
    /// PATH; `peers` feature only).
    #[arg(long, value_name = "BIN")]
    tchecker: Option<PathBuf>,
    /// Skip the peers (TChecker too).
    #[arg(long)]
    no_peers: bool,
    /// The windowed corpus explored exhaustively (every *.json below it).
    #[arg(long, value_name = "DIR", default_value = "scenarios")]
    corpus: PathBuf,
    /// Skip the windowed corpus.
    #[arg(long)]
    no_corpus: bool,
    /// Turn symmetry reduction off (to measure what it removes).
    #[arg(long)]
    no_symmetry: bool,
    /// Turn partial-order reduction off in the family runs (to measure
    /// what it removes there).
    #[arg(long)]
    no_por: bool,
    /// Skip the table that explores the corpus untimed with sleep sets off
    /// and on.
    #[arg(long)]
    no_por_table: bool,
    /// Most states per search in that table (a scenario past it is marked
    /// "bound hit" and not compared).
    #[arg(long, value_name = "N", default_value_t = 200_000)]
    por_max_states: u64,
    /// Random runs on the seed race for the events-per-second table (0
    /// skips it).
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    random_runs: u64,
}

/// Runs every measurement and prints the tables.
pub fn execute(args: &Args) -> Code {
    let settings = family::Settings {
        time_secs: args.time,
        threads: args.threads.max(1),
        max_memory: args.max_memory,
        no_symmetry: args.no_symmetry,
        no_partial_order: args.no_por,
    };
    eprint_line("bench: single-flight family (untimed, must hold)");
    let verify = family::run_family(family::Client::SingleFlight, args.max_n, &settings);
    eprint_line("bench: naive family (untimed, must be violated)");
    let bug = family::run_family(family::Client::Naive, args.naive_max_n, &settings);
    let peers_dir = args
        .peers
        .clone()
        .or_else(|| std::env::var_os(peers::PEERS_ENV).map(PathBuf::from));
    let peers = if args.no_peers {
        peers::Peers::none("skipped (--no-peers)")
    } else {
        peers::Peers::locate(peers_dir.as_deref(), args.stateright.as_deref())
    };
    let sf = family::Client::SingleFlight;
    let peer_verify = peers.run(sf, args.peer_max_n.min(args.max_n), args.max_n);
    let naive_n = args.peer_max_n.min(args.naive_max_n);
    let peer_bug = peers.run(family::Client::Naive, naive_n, 0);
    let mut code = family::code(&verify, &bug);
    let mut out = table::family(&verify, &peer_verify, &settings);
    out.push_str(&peers::symmetry_table(&verify, &peer_verify));
    out.push_str(&table::bugs(&bug, &peer_bug));
    out.push_str(&peers.notes());
    if args.random_runs > 0 {
        eprint_line("bench: random runs on the seed race (events per second per core)");
        out.push_str(&random::table(&random::run(args.random_runs)));
    }
    if !args.no_windowed {
        let tchecker = if args.no_peers {
            tchecker::Tchecker::none("skipped (--no-peers)")
        } else {
            tchecker::Tchecker::locate(args.tchecker.as_deref(), peers_dir.as_deref())
        };
        code = code.max(windowed(args, &verify, &settings, &tchecker, &mut out));
    }
    if !args.no_corpus {
        let rows = corpus::run(&args.corpus, &settings);
        code = code.max(append(rows, corpus::code, table::corpus, &mut out));
    }
    if !args.no_por_table {
        eprint_line("bench: partial-order reduction on the corpus (untimed, off and on)");
        let rows = por::run(&args.corpus, &settings, args.por_max_states);
        code = code.max(append(rows, por::code, table::por, &mut out));
    }
    print(&out);
    code
}

/// Runs the windowed single-flight family and, per N right after
/// tokenrace, TChecker's algorithms on the same member (each size until a
/// run stops on a bound); appends the table beside the untimed counts
/// (running the untimed sizes the untimed family skipped) and returns its
/// exit code.
fn windowed(
    args: &Args,
    verify: &[family::Row],
    settings: &family::Settings,
    tchecker: &tchecker::Tchecker,
    out: &mut String,
) -> Code {
    eprint_line("bench: single-flight family (windowed, must hold; TChecker beside it)");
    let client = family::Client::SingleFlight;
    let limits = tchecker::Limits {
        time_secs: settings.time_secs,
        max_memory: settings.max_memory,
    };
    let (mut windowed, mut tck) = (Vec::new(), Vec::new());
    let mut stopped = Vec::new();
    for n in family::windowed_sizes(args.windowed_max_n) {
        let ours = windowed
            .last()
            .map_or(true, |r: &family::Row| r.bound.is_none());
        let theirs = tchecker.available() && stopped.len() < tchecker::ALGORITHMS.len();
        if !ours && !theirs {
            break;
        }
        if ours {
            windowed.push(family::run_one(client, n, true, settings));
        }
        if theirs {
            tck.extend(tchecker.run(n, &limits, &mut stopped));
        }
    }
    let missing: Vec<u32> = windowed
        .iter()
        .map(|w| w.n)
        .filter(|n| !verify.iter().any(|v| v.n == *n))
        .collect();
    let mut untimed = family::run_sizes(client, &missing, false, settings);
    untimed.extend(verify.iter().cloned());
    out.push_str(&table::windowed(&windowed, &untimed, &tck, settings));
    out.push_str(&tchecker.note());
    family::code(&windowed, &[])
}

/// Appends a corpus table and returns its exit code, or reports why the
/// corpus could not be read (exit 2).
fn append<R>(
    rows: Result<Vec<R>, String>,
    code: fn(&[R]) -> Code,
    render: fn(&[R]) -> String,
    out: &mut String,
) -> Code {
    match rows {
        Ok(rows) => {
            out.push_str(&render(&rows));
            code(&rows)
        }
        Err(message) => {
            eprint_line(&format!("bench: {message}"));
            Code::BadInput
        }
    }
}
