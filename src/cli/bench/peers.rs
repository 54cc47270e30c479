//! The peers of ../shared/peers run on the same N in the same bench run:
//! SPIN (built per N from `refresh_race.pml`: `spin -a`, `gcc -O2`) and the
//! Stateright crate (a binary built beforehand; see docs/performance.md).
//! Each run goes through `timeout 300` and `/usr/bin/time` (wall time and
//! peak memory); a peer that is not installed is skipped with a note.

use super::family::Client;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// One peer measurement.
pub struct PeerRow {
    pub tool: &'static str,
    pub config: &'static str,
    pub n: u32,
    pub verdict: String,
    pub states: Option<u64>,
    pub secs: Option<f64>,
    pub peak_kib: Option<u64>,
    /// Counterexample length in deliveries, where the tool reports it.
    pub deliveries: Option<u64>,
}

/// The peers found on this machine.
pub struct Peers {
    spin_model: Option<PathBuf>,
    stateright: Option<PathBuf>,
    notes: Vec<String>,
}

fn on_path(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

impl Peers {
    /// No peer, with the reason.
    pub fn none(why: &str) -> Peers {
        Peers {
            spin_model: None,
            stateright: None,
            notes: vec![format!("Peers: {why}.")],
        }
    }

    /// Looks for SPIN (+ gcc, the model file) and the Stateright binary.
    pub fn find(dir: &Path, stateright: Option<&Path>) -> Peers {
        let mut notes = Vec::new();
        let model = dir.join("refresh_race.pml");
        let spin_model = if !on_path("spin") || !on_path("gcc") {
            notes.push("SPIN: skipped (`spin` or `gcc` not on PATH)".to_string());
            None
        } else if !model.is_file() {
            notes.push(format!("SPIN: skipped ({} not found)", model.display()));
            None
        } else {
            Some(model)
        };
        let stateright = stateright.map(Path::to_path_buf).filter(|b| b.is_file());
        if stateright.is_none() {
            notes.push(
                "Stateright: skipped (pass the built peer binary with `--stateright BIN`)".into(),
            );
        }
        if !Path::new("/usr/bin/time").is_file() {
            notes.push("peak memory of peers: not measured (/usr/bin/time missing)".into());
        }
        Peers {
            spin_model,
            stateright,
            notes,
        }
    }

    /// Notes for the report.
    pub fn notes(&self) -> String {
        self.notes
            .iter()
            .map(|n| format!("- {n}\n"))
            .collect::<String>()
            + "\n"
    }

    /// Every peer on N = 2..=max_n.
    pub fn run(&self, client: Client, max_n: u32) -> Vec<PeerRow> {
        let mut rows = Vec::new();
        for n in 2..=max_n {
            if let Some(model) = &self.spin_model {
                rows.extend(spin(model, client, n));
            }
            if let Some(bin) = &self.stateright {
                rows.extend(stateright(bin, client, n));
            }
        }
        rows
    }
}

/// Runs a command under `timeout 300 /usr/bin/time`; stdout, wall seconds
/// and peak KiB.
fn timed(dir: &Path, program: &Path, args: &[String]) -> Option<(String, f64, Option<u64>)> {
    let timer = Path::new("/usr/bin/time").is_file();
    let mut command = Command::new("timeout");
    command.arg("300");
    if timer {
        command.args(["/usr/bin/time", "-f", "PEAK_KIB %M"]);
    }
    command.arg(program).args(args).current_dir(dir);
    let started = Instant::now();
    let output = command.output().ok()?;
    let secs = started.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let peak = stderr
        .lines()
        .find_map(|l| l.strip_prefix("PEAK_KIB "))
        .and_then(|v| v.trim().parse().ok());
    Some((
        String::from_utf8_lossy(&output.stdout).into_owned(),
        secs,
        peak,
    ))
}

/// The number before `marker` on the line that has it.
fn number_before(text: &str, marker: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.contains(marker))?;
    line.split(marker)
        .next()?
        .split_whitespace()
        .last()?
        .parse()
        .ok()
}

/// The number after `marker`.
fn number_after(text: &str, marker: &str) -> Option<u64> {
    let rest = text.split(marker).nth(1)?;
    let digits: String = rest
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().ok()
}

fn spin(model: &Path, client: Client, n: u32) -> Option<PeerRow> {
    let dir = std::env::temp_dir().join(format!("tokenrace-bench-spin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    std::fs::copy(model, dir.join("refresh_race.pml")).ok()?;
    let (knobs, cflags, config): (&[&str], &[&str], _) = match client {
        Client::SingleFlight => (&["-DSINGLE_FLIGHT=1"], &["-DSAFETY"], "-DSAFETY"),
        Client::Naive => (
            &["-DCHECK_STALE=0", "-DNO_HIDDEN"],
            &["-DSAFETY", "-DBFS"],
            "-DBFS",
        ),
    };
    let status = Command::new("spin")
        .arg("-a")
        .arg(format!("-DN={n}"))
        .args(knobs)
        .arg("refresh_race.pml")
        .current_dir(&dir)
        .output()
        .ok()?;
    let built = status.status.success()
        && Command::new("gcc")
            .args(["-O2", "-DMEMLIM=8000", "-w", "-o", "pan", "pan.c"])
            .args(cflags)
            .current_dir(&dir)
            .status()
            .ok()?
            .success();
    if !built {
        return None;
    }
    let (out, secs, peak) = timed(&dir, &dir.join("pan"), &[])?;
    let errors = number_after(&out, "errors:");
    let _ = std::fs::remove_dir_all(&dir);
    Some(PeerRow {
        tool: "SPIN",
        config,
        n,
        verdict: match errors {
            Some(0) => "holds".into(),
            Some(_) => "violated".into(),
            None => "unknown".into(),
        },
        states: number_before(&out, "states, stored"),
        secs: Some(secs),
        peak_kib: peak,
        deliveries: number_after(&out, "(at depth"),
    })
}

fn stateright(bin: &Path, client: Client, n: u32) -> Vec<PeerRow> {
    let configs: &[(&'static str, &[&str])] = match client {
        Client::SingleFlight => &[
            (
                "actors dfs t2",
                &["client=single-flight", "search=dfs", "threads=2"],
            ),
            (
                "compact dfs t2",
                &[
                    "client=single-flight",
                    "search=dfs",
                    "threads=2",
                    "encoding=compact",
                ],
            ),
        ],
        Client::Naive => &[(
            "compact bfs t1",
            &["check=error", "search=bfs", "threads=1", "encoding=compact"],
        )],
    };
    let dir = bin.parent().unwrap_or(Path::new("."));
    configs
        .iter()
        .filter_map(|(config, args)| {
            let mut args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
            args.insert(0, format!("n={n}"));
            let (out, secs, peak) = timed(dir, bin, &args)?;
            let violated = out.contains("VIOLATED");
            Some(PeerRow {
                tool: "Stateright",
                config,
                n,
                verdict: if violated {
                    "violated"
                } else if out.contains("holds") {
                    "holds"
                } else {
                    "unknown"
                }
                .into(),
                states: number_after(&out, "unique states:"),
                secs: Some(secs),
                peak_kib: peak,
                deliveries: number_after(&out, "counterexample of"),
            })
        })
        .collect()
}
