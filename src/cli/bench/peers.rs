//! The peers — the same refresh-race model in SPIN and Stateright — run on
//! the same N in the same bench run: SPIN (built per N from
//! `refresh_race.pml`: `spin -a`, `gcc -O2`) and the Stateright crate (a
//! binary built beforehand), with and without its symmetry reduction (see
//! docs/performance.md, "Peers"). Each run goes through `timeout 300` and
//! `/usr/bin/time` (wall time and peak memory); a peer that is not
//! installed is skipped with a note.
//!
//! Shelling out to other tools is not part of the shipped binary's
//! default build: it is compiled with the cargo feature `peers` only.
//! Without it the bench runs tokenrace's own tables and says so; the
//! rows and the side-by-side table below are always compiled.

use super::family::{Client, Row};
#[cfg(feature = "peers")]
use super::peer_exec::{number_after, number_before, timed, Slow};
#[cfg(feature = "peers")]
use std::path::Path;
use std::path::PathBuf;
#[cfg(feature = "peers")]
use std::process::Command;

/// The environment variable naming the peers' folder when `--peers` is not
/// given.
pub const PEERS_ENV: &str = "TOKENRACE_PEERS";

/// One peer measurement.
pub struct PeerRow {
    pub tool: &'static str,
    pub config: &'static str,
    pub n: u32,
    pub verdict: String,
    pub states: Option<u64>,
    /// Transitions generated, where the tool reports them.
    pub transitions: Option<u64>,
    pub secs: Option<f64>,
    pub peak_kib: Option<u64>,
    /// Counterexample length in deliveries, where the tool reports it.
    pub deliveries: Option<u64>,
}

/// The peers found on this machine.
#[cfg_attr(not(feature = "peers"), allow(dead_code))]
pub struct Peers {
    spin_model: Option<PathBuf>,
    stateright: Option<PathBuf>,
    notes: Vec<String>,
}

#[cfg(feature = "peers")]
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

    /// The peers of the folder `--peers` or `TOKENRACE_PEERS` names (never
    /// a default outside the repository), or none with the reason.
    pub fn locate(dir: Option<&std::path::Path>, stateright: Option<&std::path::Path>) -> Peers {
        if !cfg!(feature = "peers") {
            return Peers::none(
                "not run: this binary was built without the `peers` feature \
                 (`cargo build --release --features peers`, docs/performance.md)",
            );
        }
        let dir = dir
            .map(PathBuf::from)
            .or_else(|| std::env::var_os(PEERS_ENV).map(PathBuf::from));
        match dir {
            Some(dir) if dir.is_dir() => Peers::find(&dir, stateright),
            Some(dir) => Peers::none(&format!(
                "not run: the peers folder {} does not exist",
                dir.display()
            )),
            None => Peers::none(&format!(
                "not run: name the folder with `refresh_race.pml` and \
                 `stateright-refresh-race/` with `--peers DIR` or {PEERS_ENV}=DIR"
            )),
        }
    }

    #[cfg(not(feature = "peers"))]
    fn find(_dir: &std::path::Path, _stateright: Option<&std::path::Path>) -> Peers {
        Peers::none("not run")
    }

    /// Looks for SPIN (+ gcc, the model file) and the Stateright binary
    /// (`--stateright BIN`, else the crate's release build in `dir`).
    #[cfg(feature = "peers")]
    fn find(dir: &Path, stateright: Option<&Path>) -> Peers {
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
        let built = dir.join("stateright-refresh-race/target/release/stateright-refresh-race");
        let stateright = stateright
            .map(Path::to_path_buf)
            .unwrap_or(built)
            .canonicalize()
            .ok()
            .filter(|b| b.is_file());
        if stateright.is_none() {
            notes.push(
                "Stateright: skipped (build it with `cargo build --release` in \
                 stateright-refresh-race/, or pass the binary with `--stateright BIN`)"
                    .into(),
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

    /// Every peer on N = 2..=max_n; Stateright with symmetry also up to
    /// `symmetric_max_n` (it keeps up with tokenrace there).
    /// A configuration that took longer than 20 s (`peer_exec`, or timed out)
    /// at some N is not run at larger N: each N costs the plain peers about
    /// ten times the last, so the next would only hit the timeout.
    #[cfg(feature = "peers")]
    pub fn run(&self, client: Client, max_n: u32, symmetric_max_n: u32) -> Vec<PeerRow> {
        let mut rows = Vec::new();
        let mut slow = Slow::default();
        for n in 2..=max_n.max(symmetric_max_n) {
            if let (Some(model), true) = (&self.spin_model, n <= max_n) {
                rows.extend(spin(model, client, n, &mut slow));
            }
            if let Some(bin) = &self.stateright {
                let wanted = (n <= max_n, n <= symmetric_max_n);
                rows.extend(stateright(bin, client, n, wanted, &mut slow));
            }
        }
        rows
    }

    /// No peer runs in a build without the `peers` feature.
    #[cfg(not(feature = "peers"))]
    pub fn run(&self, _client: Client, _max_n: u32, _symmetric_max_n: u32) -> Vec<PeerRow> {
        Vec::new()
    }
}

#[cfg(feature = "peers")]
fn spin(model: &Path, client: Client, n: u32, slow: &mut Slow) -> Option<PeerRow> {
    let name = match client {
        Client::SingleFlight => "-DSAFETY",
        Client::Naive => "-DBFS",
    };
    if slow.has("SPIN", name) {
        return None;
    }
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
    slow.note("SPIN", name, secs);
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
        transitions: number_before(&out, "transitions (="),
        secs: Some(secs),
        peak_kib: peak,
        deliveries: number_after(&out, "(at depth"),
    })
}

#[cfg(feature = "peers")]
fn stateright(
    bin: &Path,
    client: Client,
    n: u32,
    (plain, symmetric): (bool, bool),
    slow: &mut Slow,
) -> Vec<PeerRow> {
    const SF: [&str; 3] = ["client=single-flight", "search=dfs", "threads=2"];
    let configs: Vec<(&'static str, Vec<&str>, bool)> = match client {
        Client::SingleFlight => vec![
            ("actors dfs t2", SF.to_vec(), plain),
            (
                "compact dfs t2",
                [&SF[..], &["encoding=compact"]].concat(),
                plain,
            ),
            (
                SYMMETRIC,
                [&SF[..], &["encoding=compact", "symmetry=on"]].concat(),
                symmetric,
            ),
        ],
        Client::Naive => vec![(
            "compact bfs t1",
            vec!["check=error", "search=bfs", "threads=1", "encoding=compact"],
            plain,
        )],
    };
    let dir = bin.parent().unwrap_or(Path::new("."));
    let configs: Vec<_> = configs
        .into_iter()
        .filter(|(config, _, wanted)| *wanted && !slow.has("Stateright", config))
        .collect();
    configs
        .into_iter()
        .filter_map(|(config, args, _)| {
            let mut args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
            args.insert(0, format!("n={n}"));
            let (out, secs, peak) = timed(dir, bin, &args)?;
            slow.note("Stateright", config, secs);
            let violated = out.contains("VIOLATED");
            // No count: the run failed (its compact encoding stops at N = 64).
            number_after(&out, "unique states:")?;
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
                transitions: number_after(&out, "generated:"),
                secs: Some(secs),
                peak_kib: peak,
                deliveries: number_after(&out, "counterexample of"),
            })
        })
        .collect()
}

/// The configuration name of Stateright with symmetry.
const SYMMETRIC: &str = "compact dfs t2 symmetry";
/// The configuration name of Stateright without symmetry, same encoding.
const PLAIN: &str = "compact dfs t2";

/// tokenrace beside Stateright with and without symmetry (compact
/// encoding, DFS, 2 threads), per N where Stateright with symmetry ran:
/// states, transitions, wall time, peak resident memory and bytes per
/// state of each, and the time and memory ratios (peer / tokenrace).
pub fn symmetry_table(rows: &[Row], peers: &[PeerRow]) -> String {
    let config = |p: &PeerRow, c: &str| p.tool == "Stateright" && p.config == c;
    let find = |n: u32, c: &str| peers.iter().find(|p| p.n == n && config(p, c));
    let mut out = String::from(
        "## Same states, same run: tokenrace beside Stateright with and without symmetry\n\n\
         Single-flight family. tokenrace as above; Stateright: compact encoding, DFS, \
         2 threads. Time: wall clock; RSS: peak resident memory (tokenrace: of this process \
         during the search; peers: `/usr/bin/time`); bytes/state: RSS / states.\n\n\
         | N | tokenrace states | transitions | time s | RSS MiB | bytes/state \
         | Stateright+sym states | transitions | time s | RSS MiB | bytes/state \
         | Stateright states | transitions | time s | RSS MiB \
         | Stateright+sym time / tokenrace | tokenrace RSS / Stateright+sym |\n\
         |---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n",
    );
    let num = |v: Option<u64>| v.map_or("-".into(), |v| v.to_string());
    let mib = |kib: Option<u64>| kib.map_or("-".into(), |k| format!("{:.1}", k as f64 / 1024.0));
    let per_state = |kib: Option<u64>, states: Option<u64>| match (kib, states) {
        (Some(k), Some(s)) if s > 0 => format!("{:.0}", k as f64 * 1024.0 / s as f64),
        _ => "-".into(),
    };
    for r in rows {
        let Some(sym) = find(r.n, SYMMETRIC) else {
            continue;
        };
        let plain = find(r.n, PLAIN);
        let kib = r.peak_bytes.map(|b| b / 1024);
        let cell = |p: Option<&PeerRow>, f: &dyn Fn(&PeerRow) -> String| p.map_or("-".into(), f);
        out.push_str(&format!(
            "| {} | {} | {} | {:.3} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            r.n,
            r.states,
            r.transitions,
            r.secs,
            mib(kib),
            per_state(kib, Some(r.states)),
            num(sym.states),
            num(sym.transitions),
            sym.secs.map_or("-".into(), |s| format!("{s:.3}")),
            mib(sym.peak_kib),
            per_state(sym.peak_kib, sym.states),
            cell(plain, &|p| num(p.states)),
            cell(plain, &|p| num(p.transitions)),
            cell(plain, &|p| p.secs.map_or("-".into(), |s| format!("{s:.3}"))),
            cell(plain, &|p| mib(p.peak_kib)),
            sym.secs.map_or("-".into(), |s| format!("{:.2}x", s / r.secs.max(1e-9))),
            match (kib, sym.peak_kib) {
                (Some(t), Some(p)) if p > 0 => format!("{:.2}x", t as f64 / p as f64),
                _ => "-".into(),
            },
        ));
    }
    out.push('\n');
    out
}
