//! Running `tck-reach` (the `peers` feature only): write the family member
//! with the peers' generator into a temporary file, run each algorithm
//! under `timeout` (and `prlimit --as`, where installed), read its
//! statistics, remove the file.

use super::{parse_stats, Limits, Outcome, TckRow, ALGORITHMS};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Exit status of `timeout` when the time ran out.
const TIMED_OUT: i32 = 124;

/// The `tck-reach` binary: the one named (it must exist), else the one on
/// PATH.
pub fn binary(bin: Option<PathBuf>) -> Result<PathBuf, String> {
    match bin {
        Some(bin) if bin.is_file() => Ok(bin),
        Some(bin) => Err(format!(
            "skipped ({} is not a file; `--tchecker BIN` or {} names `tck-reach`)",
            bin.display(),
            super::TCHECKER_ENV
        )),
        None => on_path("tck-reach").ok_or_else(|| {
            format!(
                "skipped (`tck-reach` not on PATH: build it from source as \
                 docs/performance.md says, then pass it with `--tchecker BIN` \
                 or {}=BIN)",
                super::TCHECKER_ENV
            )
        }),
    }
}

/// Where `tool` is on PATH.
fn on_path(tool: &str) -> Option<PathBuf> {
    let out = Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .ok()?;
    let path = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (out.status.success() && !path.is_empty()).then(|| PathBuf::from(path))
}

/// Runs every algorithm not in `stopped` on the single-flight member of
/// size `n`; one that does not finish joins `stopped`.
pub fn family_member(
    bin: &Path,
    generator: &Path,
    n: u32,
    limits: &Limits,
    stopped: &mut Vec<&'static str>,
) -> Vec<TckRow> {
    let model = write_model(generator, n);
    let mut rows = Vec::new();
    for algorithm in ALGORITHMS {
        if stopped.contains(&algorithm) {
            continue;
        }
        let outcome = match &model {
            Ok(model) => reach(bin, model, algorithm, limits),
            Err(why) => Outcome::Failed(why.clone()),
        };
        super::super::super::output::eprint_line(&format!(
            "  N={n}: TChecker {algorithm}: {}",
            match &outcome {
                Outcome::Finished(s) => format!(
                    "{} states, {:.3}s, reachable {}",
                    s.stored_states, s.running_secs, s.reachable
                ),
                Outcome::TimedOut(t) => format!("> {t} s"),
                Outcome::Failed(why) => why.clone(),
            }
        ));
        if !matches!(outcome, Outcome::Finished(_)) {
            stopped.push(algorithm);
        }
        rows.push(TckRow {
            algorithm,
            n,
            outcome,
        });
    }
    if let Ok(model) = model {
        let _ = std::fs::remove_file(model);
    }
    rows
}

/// Writes `gen_refresh_race.py N single-flight` into a temporary file.
fn write_model(generator: &Path, n: u32) -> Result<PathBuf, String> {
    let out = Command::new("python3")
        .arg(generator)
        .arg(n.to_string())
        .arg("single-flight")
        .output()
        .map_err(|e| format!("python3 {}: {e}", generator.display()))?;
    if !out.status.success() {
        return Err(format!(
            "the generator failed: {}",
            last_line(&String::from_utf8_lossy(&out.stderr))
        ));
    }
    let path = std::env::temp_dir().join(format!(
        "tokenrace-bench-tchecker-{}-n{n}.tck",
        std::process::id()
    ));
    std::fs::write(&path, &out.stdout).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}

/// `timeout T [prlimit --as=M] tck-reach -a ALGORITHM -l bad -s bfs MODEL`.
fn reach(bin: &Path, model: &Path, algorithm: &str, limits: &Limits) -> Outcome {
    let mut command = Command::new("timeout");
    command.arg(limits.time_secs.max(1).to_string());
    if let Some(prlimit) = on_path("prlimit") {
        command
            .arg(prlimit)
            .arg(format!("--as={}", limits.max_memory));
    }
    command
        .arg(bin)
        .args(["-a", algorithm, "-l", "bad", "-s", "bfs"])
        .arg(model);
    let out = match command.output() {
        Ok(out) => out,
        Err(e) => return Outcome::Failed(format!("could not run `timeout`: {e}")),
    };
    if out.status.code() == Some(TIMED_OUT) {
        return Outcome::TimedOut(limits.time_secs.max(1));
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        return Outcome::Failed(format!("{}: {}", out.status, last_line(&stderr)));
    }
    match parse_stats(&stdout) {
        Ok(stats) => Outcome::Finished(stats),
        Err(why) => Outcome::Failed(why),
    }
}

/// The last non-empty line of a tool's message.
fn last_line(text: &str) -> &str {
    text.lines()
        .rev()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("no message")
}
