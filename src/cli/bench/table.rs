//! The bench's Markdown tables: tokenrace per N beside each peer, with the
//! ratio of the fastest peer's time to tokenrace's.

use super::family::{Row, Settings};
use super::peers::PeerRow;
use super::tchecker::{self, TckRow};
use super::{corpus, por};
use crate::check::Verdict;

fn mib(bytes: Option<u64>) -> String {
    bytes.map_or("-".into(), |b| {
        format!("{:.1}", b as f64 / (1 << 20) as f64)
    })
}

fn secs(s: Option<f64>) -> String {
    s.map_or("-".into(), |s| format!("{s:.3}"))
}

fn verdict(v: Verdict) -> &'static str {
    match v {
        Verdict::Holds => "holds",
        Verdict::Violated => "violated",
        Verdict::Unknown => "unknown",
    }
}

fn peer_cell(p: &PeerRow) -> String {
    format!(
        "{} {}: {} s, {} states, {} MiB, {}",
        p.tool,
        p.config,
        secs(p.secs),
        p.states.map_or("-".into(), |s| s.to_string()),
        mib(p.peak_kib.map(|k| k * 1024)),
        p.verdict
    )
}

/// The fastest peer run of size `n`, by wall time.
/// The peers' lines of one N, stacked in one table cell (`-` when none ran).
fn peers_cell(lines: &[String]) -> String {
    if lines.is_empty() {
        "-".into()
    } else {
        lines.join("<br>")
    }
}

fn best(peers: &[PeerRow], n: u32) -> Option<&PeerRow> {
    peers
        .iter()
        .filter(|p| p.n == n && p.secs.is_some())
        .min_by(|a, b| a.secs.partial_cmp(&b.secs).expect("times are numbers"))
}

/// The single-flight family: verified (`holds`) per N.
pub fn family(rows: &[Row], peers: &[PeerRow], settings: &Settings) -> String {
    let mut out = format!(
        "## Refresh race, single-flight client, untimed: verified (both invariants hold)\n\n\
         tokenrace: BFS, symmetry reduction {}, {} thread(s), {} s budget per N. \
         Time = wall clock of the whole search in this process; memory = peak RSS \
         of this process during it. Peers: wall clock of the checker run (SPIN \
         excludes its per-N `spin -a` + `gcc` build).\n\n\
         | N | verdict | states | transitions | time s | states/s | peak MiB | bytes/state | peers (time, states, peak MiB, verdict) | fastest peer / tokenrace |\n\
         |---|---|---|---|---|---|---|---|---|---|\n",
        if settings.no_symmetry { "off" } else { "on" },
        settings.threads,
        settings.time_secs
    );
    for r in rows {
        let of_n: Vec<String> = peers.iter().filter(|p| p.n == r.n).map(peer_cell).collect();
        let ratio = best(peers, r.n)
            .and_then(|p| p.secs)
            .map_or("-".into(), |t| format!("{:.0}x", t / r.secs.max(1e-6)));
        out.push_str(&format!(
            "| {} | {} | {} | {} | {:.3} | {:.0} | {} | {:.1} | {} | {} |\n",
            r.n,
            verdict(r.verdict),
            r.states,
            r.transitions,
            r.secs,
            r.states as f64 / r.secs.max(1e-9),
            mib(r.peak_bytes),
            r.bytes_per_state,
            peers_cell(&of_n),
            ratio
        ));
    }
    out.push('\n');
    out
}

/// The naive family: violated, with the counterexample's deliveries.
pub fn bugs(rows: &[Row], peers: &[PeerRow]) -> String {
    let mut out = String::from(
        "## Refresh race, naive client, untimed: bug found (`no_error_while_refresh_valid` violated)\n\n\
         Deliveries = message deliveries in the shortest counterexample (tokenrace's \
         trace also has the three steps that set the race up: login, AT1 expiry, request start).\n\n\
         | N | verdict | states | time s | deliveries | peers (time, states, peak MiB, verdict; deliveries) | fastest peer / tokenrace |\n\
         |---|---|---|---|---|---|---|\n",
    );
    for r in rows {
        let of_n: Vec<String> = peers
            .iter()
            .filter(|p| p.n == r.n)
            .map(|p| {
                let d = p.deliveries.map_or("-".into(), |d| d.to_string());
                format!("{}; {d}", peer_cell(p))
            })
            .collect();
        let ratio = best(peers, r.n)
            .and_then(|p| p.secs)
            .map_or("-".into(), |t| format!("{:.1}x", t / r.secs.max(1e-6)));
        out.push_str(&format!(
            "| {} | {} | {} | {:.4} | {} | {} | {} |\n",
            r.n,
            verdict(r.verdict),
            r.states,
            r.secs,
            r.deliveries.map_or("-".into(), |d| d.to_string()),
            peers_cell(&of_n),
            ratio
        ));
    }
    out.push('\n');
    out
}

/// The windowed corpus, one row per scenario and a total.
pub fn corpus(rows: &[corpus::Row]) -> String {
    let mut out = String::from(
        "## Windowed corpus, exhaustive (each scenario's own `explore` block)\n\n\
         | scenario | states | time s | expectations met | bound hit |\n|---|---|---|---|---|\n",
    );
    for r in rows {
        out.push_str(&format!(
            "| {} | {} | {:.3} | {}/{} | {} |\n",
            r.file,
            r.states,
            r.secs,
            r.met,
            r.expected,
            if r.bounded { "yes" } else { "no" }
        ));
    }
    let total: f64 = rows.iter().map(|r| r.secs).sum();
    let states: u64 = rows.iter().map(|r| r.states).sum();
    out.push_str(&format!(
        "| **total: {} scenarios** | {} | {:.3} | {}/{} | {} |\n\n",
        rows.len(),
        states,
        total,
        rows.iter().map(|r| r.met).sum::<usize>(),
        rows.iter().map(|r| r.expected).sum::<usize>(),
        rows.iter().filter(|r| r.bounded).count()
    ));
    out
}

/// Partial-order reduction on the corpus, one row per scenario and a total.
pub fn por(rows: &[por::Row]) -> String {
    let mut out = String::from(
        "## Partial-order reduction (sleep sets) on the corpus, untimed BFS\n\n\
         | scenario | states | transitions off | transitions on | removed | time off s | time on s | same result |\n\
         |---|---|---|---|---|---|---|---|\n",
    );
    let removed = |off: u64, on: u64| {
        if off == 0 {
            "-".to_string()
        } else {
            format!("{:.0} %", 100.0 * (off - on.min(off)) as f64 / off as f64)
        }
    };
    let same = |r: &por::Row| match (r.bounded, r.same) {
        (true, _) => "bound hit",
        (false, true) => "yes",
        (false, false) => "**NO**",
    };
    for r in rows {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {:.3} | {:.3} | {} |\n",
            r.file,
            r.states,
            r.transitions_off,
            r.transitions_on,
            removed(r.transitions_off, r.transitions_on),
            r.secs_off,
            r.secs_on,
            same(r)
        ));
    }
    let sum = |f: fn(&por::Row) -> u64| rows.iter().map(f).sum::<u64>();
    let secs = |f: fn(&por::Row) -> f64| rows.iter().map(f).sum::<f64>();
    let (off, on) = (sum(|r| r.transitions_off), sum(|r| r.transitions_on));
    let (t_off, t_on) = (secs(|r| r.secs_off), secs(|r| r.secs_on));
    out.push_str(&format!(
        "| **total: {} scenarios** | {} | {} | {} | {} | {:.3} | {:.3} (×{:.2}) | {} of {} |\n\n",
        rows.len(),
        sum(|r| r.states),
        off,
        on,
        removed(off, on),
        t_off,
        t_on,
        t_on / t_off.max(1e-9),
        rows.iter().filter(|r| !r.bounded && r.same).count(),
        rows.iter().filter(|r| !r.bounded).count(),
    ));
    out
}

/// The windowed single-flight family beside the untimed one at the same N
/// and, where it ran, TChecker on the same member (one row per N either
/// ran).
pub fn windowed(rows: &[Row], untimed: &[Row], tck: &[TckRow], settings: &Settings) -> String {
    let peer = !tck.is_empty();
    let mut out = format!(
        "## Refresh race, single-flight client, windowed (exact timing, latencies [5ms, 80ms]): verified\n\n\
         tokenrace: BFS, zone subsumption with LU extrapolation, active clocks, symmetry {}, \
         {} thread(s), {} s budget per N. bytes/state = what the search stores per stored \
         state, by its own count: passed list + parent arena + frontier at its peak \
         (compact states).{}\n\n\
         | N | verdict | states | transitions | time s | peak MiB | bytes/state (passed + arena + frontier) | untimed states | windowed / untimed states |{}\n\
         |---|---|---|---|---|---|---|---|---|{}\n",
        if settings.no_symmetry { "off" } else { "on" },
        settings.threads,
        settings.time_secs,
        if peer {
            " TChecker (same model as timed automata, run right after tokenrace at each N, \
             same time budget): stored states, its own running time, peak RSS, verdict; \
             ratios: TChecker's fastest time / tokenrace's, TChecker's fewest states / tokenrace's."
        } else {
            ""
        },
        if peer {
            " TChecker covreach | TChecker aLU-covreach | TChecker / tokenrace time | TChecker / tokenrace states |"
        } else {
            ""
        },
        if peer { "---|---|---|---|" } else { "" },
    );
    let mut sizes: Vec<u32> = rows
        .iter()
        .map(|r| r.n)
        .chain(tck.iter().map(|t| t.n))
        .collect();
    sizes.sort_unstable();
    sizes.dedup();
    for n in sizes {
        let r = rows.iter().find(|r| r.n == n);
        out.push_str(&format!(
            "| {n} | {} |",
            r.map_or("not run | - | - | - | - | - | - | -".into(), |r| {
                windowed_cells(r, untimed)
            })
        ));
        if peer {
            let cell = |a: &str| tchecker::find(tck, a, n).map_or("-".into(), TckRow::cell);
            let (time, states) = r.map_or(("-".into(), "-".into()), |r| {
                (
                    tchecker::time_ratio(tck, n, r.secs),
                    tchecker::states_ratio(tck, n, r.states),
                )
            });
            let [covreach, alu] = tchecker::ALGORITHMS;
            out.push_str(&format!(
                " {} | {} | {time} | {states} |",
                cell(covreach),
                cell(alu)
            ));
        }
        out.push('\n');
    }
    out.push('\n');
    out
}

/// tokenrace's cells of one windowed row, after N.
fn windowed_cells(r: &Row, untimed: &[Row]) -> String {
    let u = untimed.iter().find(|u| u.n == r.n);
    let ratio = u.map_or("-".into(), |u| {
        format!("{:.1}x", r.states as f64 / u.states.max(1) as f64)
    });
    format!(
        "{} | {} | {} | {:.3} | {} | {:.0} ({:.0} + {:.0} + {:.0}) | {} | {}",
        verdict(r.verdict),
        r.states,
        r.transitions,
        r.secs,
        mib(r.peak_bytes),
        r.bytes_per_state,
        r.memory_split[0],
        r.memory_split[1],
        r.memory_split[2],
        u.map_or("-".into(), |u| u.states.to_string()),
        ratio
    )
}
