//! Random runs on the seed race (the corpus's canonical two-request
//! rotation race): simulated events per second per core. Events are the
//! steps of every run (the `events` `explore` reports); the rate divides
//! them by the process's CPU time during the runs (`getrusage`), which is
//! one core's time for this single-threaded search and, unlike wall time,
//! does not grow when other processes share the cores. Wall time is shown
//! beside it.

use crate::check::{self, ExploreOptions, Strategy};
use crate::scenario::parse;
use std::time::Instant;

/// The seed race, as the corpus has it.
const SEED_RACE: &str = include_str!("../../../scenarios/seeds/000-two-request-rotation-race.json");

/// One measurement of random runs.
pub struct Row {
    pub runs: u64,
    pub events: u64,
    pub cpu_secs: Option<f64>,
    pub wall_secs: f64,
}

/// This process's user + system CPU seconds so far.
fn cpu_seconds() -> Option<f64> {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::uninit();
    // SAFETY: getrusage writes a whole `rusage` into the pointer on success.
    let usage = unsafe {
        if libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr()) != 0 {
            return None;
        }
        usage.assume_init()
    };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Some(secs(usage.ru_utime) + secs(usage.ru_stime))
}

/// `runs` seeded random runs of the seed race.
pub fn run(runs: u64) -> Row {
    let scenario = parse(SEED_RACE, "seed race")
        .expect("the seed race is a valid scenario")
        .scenario;
    let options = ExploreOptions {
        strategy: Some(Strategy::Random),
        runs: Some(runs),
        ..ExploreOptions::default()
    };
    let cpu = cpu_seconds();
    let started = Instant::now();
    let report = check::explore(&scenario, &options).expect("the seed race has no schedule");
    let wall_secs = started.elapsed().as_secs_f64();
    let cpu_secs = cpu.zip(cpu_seconds()).map(|(a, b)| b - a);
    let first = &report.invariants[0];
    Row {
        runs: first.runs,
        events: first.transitions,
        cpu_secs,
        wall_secs,
    }
}

/// The table: runs, events, CPU and wall time, events per second per core.
pub fn table(r: &Row) -> String {
    let rate = |secs: f64| format!("{:.0}", r.events as f64 / secs.max(1e-9));
    format!(
        "## Random runs on the seed race (000-two-request-rotation-race)\n\n\
         Events per second per core: events / CPU seconds of the runs (one thread). \
         Goal: at least 1,000,000.\n\n\
         | runs | events | CPU s | wall s | events/s/core | events/s (wall) |\n\
         |---|---|---|---|---|---|\n\
         | {} | {} | {} | {:.3} | {} | {} |\n\n",
        r.runs,
        r.events,
        r.cpu_secs.map_or("-".into(), |c| format!("{c:.3}")),
        r.wall_secs,
        r.cpu_secs.map_or("-".into(), rate),
        rate(r.wall_secs),
    )
}
