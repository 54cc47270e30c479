//! `cargo bench`: what each reduction of the exhaustive search buys, as a
//! ratio against the same search without it, both measured in this run
//! (the median of three). The comparison with SPIN and Stateright, the
//! whole refresh-race family and the corpus tables are `tokenrace bench`
//! (docs/performance.md); this is the quick in-process check a change to
//! the engine should not make worse.

use std::time::Instant;
use tokenrace::check::{self, ExploreOptions, Report, Strategy};
use tokenrace::scenario::{parse, Scenario};

/// The single-flight refresh race of `scenarios/scale/` with `n` requests.
fn family(n: u32) -> Scenario {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/scale/refresh-race-single-flight-n20.json"
    );
    let text = std::fs::read_to_string(path).expect("the scale scenario is in the repository");
    let text = text.replace("\"count\": 20", &format!("\"count\": {n}"));
    parse(&text, path)
        .expect("the scale scenario is valid")
        .scenario
}

/// Median wall-clock seconds of three searches, and the last report.
fn measure(s: &Scenario, options: &ExploreOptions) -> (f64, Report) {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..3 {
        let started = Instant::now();
        let report = check::explore(s, options).expect("explores");
        times.push(started.elapsed().as_secs_f64());
        last = Some(report);
    }
    times.sort_by(f64::total_cmp);
    (times[1], last.expect("three runs"))
}

fn size(r: &Report) -> (u64, u64) {
    r.invariants
        .first()
        .map_or((0, 0), |i| (i.states, i.transitions))
}

fn main() {
    let bfs = ExploreOptions {
        strategy: Some(Strategy::Bfs),
        ..ExploreOptions::default()
    };
    let cases = [
        (
            "sleep sets, single-flight N = 20",
            family(20),
            ExploreOptions {
                no_partial_order: true,
                ..bfs.clone()
            },
        ),
        (
            "symmetry, single-flight N = 7",
            family(7),
            ExploreOptions {
                no_symmetry: true,
                ..bfs.clone()
            },
        ),
    ];
    println!("| reduction | states off → on | transitions off → on | time off s | time on s | on / off |");
    println!("|---|---|---|---|---|---|");
    for (name, scenario, baseline) in cases {
        let (t_off, off) = measure(&scenario, &baseline);
        let (t_on, on) = measure(&scenario, &bfs);
        let verdicts = |r: &Report| r.invariants.iter().map(|i| i.verdict).collect::<Vec<_>>();
        assert_eq!(
            verdicts(&off),
            verdicts(&on),
            "{name}: a reduction changed a verdict"
        );
        let ((s0, x0), (s1, x1)) = (size(&off), size(&on));
        let ratio = t_on / t_off.max(1e-9);
        println!("| {name} | {s0} → {s1} | {x0} → {x1} | {t_off:.3} | {t_on:.3} | ×{ratio:.4} |");
    }
}
