//! The timed-automata peer: TChecker's `tck-reach` on the windowed
//! single-flight family, in the same bench run as tokenrace's windowed
//! search. The model is written per N by the peers' generator
//! (`tchecker/gen_refresh_race.py` in the peers folder: one process and one
//! clock per request, every message delivered within `[5, 80]` ms of its
//! send, the two invariants as reachability of locations labelled `bad`);
//! `tck-reach -a ALGO -l bad -s bfs` explores it with zone inclusion
//! (`covreach`) and with aLU subsumption on top (`aLU-covreach`), each under
//! the bench's `--time` (`timeout`) and `--max-memory` (`prlimit --as`).
//!
//! Which binary: `--tchecker BIN`, else the `TOKENRACE_TCHECKER`
//! environment variable, else `tck-reach` on PATH. Running it is compiled
//! only with the cargo feature `peers`, like the other peers; the rows,
//! the parsing of `tck-reach`'s statistics and the table cells are always
//! compiled (and unit-tested).

// Without the `peers` feature nothing builds an outcome or reads a limit.
#![cfg_attr(not(feature = "peers"), allow(dead_code))]

#[cfg(feature = "peers")]
mod run;

use std::path::{Path, PathBuf};

/// The environment variable naming the `tck-reach` binary when
/// `--tchecker` is not given.
pub const TCHECKER_ENV: &str = "TOKENRACE_TCHECKER";

/// The algorithms run, in table order: zone inclusion, then inclusion with
/// aLU subsumption.
pub const ALGORITHMS: [&str; 2] = ["covreach", "aLU-covreach"];

/// What `tck-reach` prints on stdout: one `KEY value` line per statistic.
#[derive(Clone, Debug, PartialEq)]
pub struct Stats {
    /// A location labelled `bad` is reachable (an invariant is violated).
    pub reachable: bool,
    /// Symbolic states kept in the passed list (tokenrace's "states").
    pub stored_states: u64,
    pub visited_states: u64,
    pub visited_transitions: u64,
    /// The algorithm's own running time (parsing excluded).
    pub running_secs: f64,
    /// Peak resident memory, KiB (`getrusage`), when reported.
    pub peak_kib: Option<u64>,
}

/// Reads `tck-reach`'s statistics; `Err` names the first one missing or
/// malformed.
pub fn parse_stats(stdout: &str) -> Result<Stats, String> {
    let value = |key: &str| {
        stdout.lines().find_map(|line| {
            let (k, v) = line.trim().split_once(' ')?;
            (k == key).then(|| v.trim().to_string())
        })
    };
    let number = |key: &str| -> Result<u64, String> {
        let v = value(key).ok_or_else(|| format!("no {key} in tck-reach's output"))?;
        v.parse()
            .map_err(|_| format!("{key} is not a count: {v:?}"))
    };
    let reachable = match value("REACHABLE").as_deref() {
        Some("true") => true,
        Some("false") => false,
        Some(v) => return Err(format!("REACHABLE is neither true nor false: {v:?}")),
        None => return Err("no REACHABLE in tck-reach's output".into()),
    };
    let running =
        value("RUNNING_TIME_SECONDS").ok_or("no RUNNING_TIME_SECONDS in tck-reach's output")?;
    let running_secs = running
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0)
        .ok_or_else(|| format!("RUNNING_TIME_SECONDS is not a duration: {running:?}"))?;
    Ok(Stats {
        reachable,
        stored_states: number("STORED_STATES")?,
        visited_states: number("VISITED_STATES")?,
        visited_transitions: number("VISITED_TRANSITIONS")?,
        running_secs,
        peak_kib: value("MEMORY_MAX_RSS").and_then(|v| v.parse().ok()),
    })
}

/// How one `tck-reach` run ended.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Finished(Stats),
    /// Stopped by the bench's `--time` (seconds).
    TimedOut(u64),
    /// Failed otherwise (out of memory under `--max-memory`, a model the
    /// tool rejected, output it could not read): the reason.
    Failed(String),
}

/// One `tck-reach` run of the family.
#[derive(Clone, Debug, PartialEq)]
pub struct TckRow {
    pub algorithm: &'static str,
    pub n: u32,
    pub outcome: Outcome,
}

impl TckRow {
    /// Its verdict in tokenrace's words: `bad` unreachable is `holds`.
    pub fn verdict(&self) -> &'static str {
        match &self.outcome {
            Outcome::Finished(s) if s.reachable => "violated",
            Outcome::Finished(_) => "holds",
            _ => "unknown",
        }
    }

    /// Seconds of the search, when it finished.
    pub fn secs(&self) -> Option<f64> {
        match &self.outcome {
            Outcome::Finished(s) => Some(s.running_secs),
            _ => None,
        }
    }

    /// The table cell: states, time, peak memory and verdict, or why it
    /// stopped.
    pub fn cell(&self) -> String {
        match &self.outcome {
            Outcome::Finished(s) => format!(
                "{} states, {:.3} s, {}, {}",
                s.stored_states,
                s.running_secs,
                s.peak_kib
                    .map_or("-".into(), |k| format!("{:.1} MiB", k as f64 / 1024.0)),
                self.verdict()
            ),
            Outcome::TimedOut(limit) => format!("> {limit} s, unknown"),
            Outcome::Failed(why) => format!("unknown ({why})"),
        }
    }
}

/// The row of `algorithm` at `n`.
pub fn find<'a>(rows: &'a [TckRow], algorithm: &str, n: u32) -> Option<&'a TckRow> {
    rows.iter().find(|r| r.algorithm == algorithm && r.n == n)
}

/// TChecker's fastest finished time at `n` over tokenrace's `secs`, as a
/// ratio; `> x` when every TChecker run timed out (tokenrace's run
/// finished); `-` when there is nothing to compare.
pub fn time_ratio(rows: &[TckRow], n: u32, secs: f64) -> String {
    let of_n: Vec<&TckRow> = rows.iter().filter(|r| r.n == n).collect();
    let secs = secs.max(1e-6);
    let fastest = of_n
        .iter()
        .filter_map(|r| r.secs())
        .min_by(|a, b| a.total_cmp(b));
    if let Some(t) = fastest {
        return format!("{:.2}x", t / secs);
    }
    let limit = of_n.iter().find_map(|r| match r.outcome {
        Outcome::TimedOut(limit) => Some(limit),
        _ => None,
    });
    limit.map_or("-".into(), |l| format!("> {:.0}x", l as f64 / secs))
}

/// The fewest states a TChecker run stored at `n` over tokenrace's
/// `states` (peer / tokenrace, as the time ratio).
pub fn states_ratio(rows: &[TckRow], n: u32, states: u64) -> String {
    rows.iter()
        .filter(|r| r.n == n)
        .filter_map(|r| match &r.outcome {
            Outcome::Finished(s) => Some(s.stored_states),
            _ => None,
        })
        .min()
        .map_or("-".into(), |t| {
            format!("{:.2}x", t as f64 / states.max(1) as f64)
        })
}

/// The TChecker peer found on this machine: its binary and the model
/// generator, or a note saying why it is skipped.
pub struct Tchecker {
    found: Option<(PathBuf, PathBuf)>,
    note: String,
}

impl Tchecker {
    /// No TChecker, with the reason.
    pub fn none(why: &str) -> Tchecker {
        Tchecker {
            found: None,
            note: format!("TChecker: {why}."),
        }
    }

    /// Finds `tck-reach` (`bin`, else `TOKENRACE_TCHECKER`, else PATH) and
    /// the generator in the peers folder `dir`.
    pub fn locate(bin: Option<&Path>, dir: Option<&Path>) -> Tchecker {
        if !cfg!(feature = "peers") {
            return Tchecker::none("not run (a build without the `peers` feature)");
        }
        let Some(dir) = dir else {
            return Tchecker::none(
                "not run: its model generator is in the peers folder \
                 (`--peers DIR` or TOKENRACE_PEERS)",
            );
        };
        let generator = dir.join("tchecker/gen_refresh_race.py");
        if !generator.is_file() {
            return Tchecker::none(&format!("skipped ({} not found)", generator.display()));
        }
        let bin = bin
            .map(PathBuf::from)
            .or_else(|| std::env::var_os(TCHECKER_ENV).map(PathBuf::from));
        match Self::binary(bin) {
            Ok(bin) => Tchecker {
                note: format!(
                    "TChecker: `{} -a covreach|aLU-covreach -l bad -s bfs` on the model \
                     `tchecker/gen_refresh_race.py N single-flight` writes; time = its own \
                     RUNNING_TIME_SECONDS, memory = its MEMORY_MAX_RSS.",
                    bin.display()
                ),
                found: Some((bin, generator)),
            },
            Err(why) => Tchecker::none(&why),
        }
    }

    #[cfg(feature = "peers")]
    fn binary(bin: Option<PathBuf>) -> Result<PathBuf, String> {
        run::binary(bin)
    }

    #[cfg(not(feature = "peers"))]
    fn binary(_bin: Option<PathBuf>) -> Result<PathBuf, String> {
        Err("not run".into())
    }

    /// The note for the report.
    pub fn note(&self) -> String {
        format!("- {}\n\n", self.note)
    }

    /// Runs every algorithm at `n`, except those in `stopped`; an
    /// algorithm that does not finish is added to `stopped`.
    #[cfg(feature = "peers")]
    pub fn run(&self, n: u32, limits: &Limits, stopped: &mut Vec<&'static str>) -> Vec<TckRow> {
        let Some((bin, generator)) = &self.found else {
            return Vec::new();
        };
        run::family_member(bin, generator, n, limits, stopped)
    }

    /// No TChecker runs in a build without the `peers` feature.
    #[cfg(not(feature = "peers"))]
    pub fn run(&self, _n: u32, _limits: &Limits, _stopped: &mut Vec<&'static str>) -> Vec<TckRow> {
        Vec::new()
    }

    /// Whether `run` would run anything.
    pub fn available(&self) -> bool {
        self.found.is_some()
    }
}

/// The bounds of each `tck-reach` run: the bench's `--time` and
/// `--max-memory`.
pub struct Limits {
    pub time_secs: u64,
    pub max_memory: u64,
}

#[cfg(test)]
mod tests;
