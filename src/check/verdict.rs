//! Runs the requested search and turns its outcome into verdicts (docs/invariants.md
//! "Verdicts"): exhaustive search decides `holds` when it covered everything; a
//! counterexample from any search decides `violated`; anything else is
//! `unknown`, with the bound that stopped it.

use super::bounds::{bound_name, exhaustive_stop, joined, prepass_stop, runs_bound};
use super::judge::{inapplicable, InvariantMonitor};
use super::tracing;
use super::vacuity::Vacuity;
use super::{
    DecidedBy as By, ExploreOptions, InvariantReport, Report, RunError, Strategy, Verdict,
};
use crate::engine::Pin;
use crate::explore::budget::{Budget, SearchStats};
use crate::explore::{self, BoundHit, Limits, Monitor, Order, Outcome, Prepass, ScheduleError};
use crate::model::Model;
use crate::scenario::{ExploreMode, Invariant, Scenario, Timing};
use std::time::{Duration, Instant};

/// Everything a search needs, built once per scenario.
pub(super) struct Setup {
    pub(super) model: Model,
    pub(super) monitor: InvariantMonitor,
    pub(super) pins: Vec<Pin>,
    pub(super) limits: Limits,
    /// The bug depth of PCT runs (`explore.pct_depth`).
    pct_depth: u32,
}

pub(super) fn setup(scenario: &Scenario, options: &ExploreOptions) -> Setup {
    let pins = scenario
        .schedule
        .iter()
        .map(|s| Pin {
            from: s.from.clone(),
            to: s.to.clone(),
            nth: s.nth,
        })
        .collect();
    let mut model = Model::build(scenario);
    model.symmetry = !options.no_symmetry;
    model.forget_dead = !options.no_forget;
    Setup {
        model,
        monitor: InvariantMonitor::new(scenario.checked()),
        pins,
        limits: Limits {
            max_states: options.max_states.unwrap_or(scenario.explore.max_states),
            max_depth: options.max_depth.unwrap_or(scenario.explore.max_depth),
            max_faults: scenario.explore.max_faults,
        },
        pct_depth: scenario.explore.pct_depth,
    }
}

pub(super) fn schedule_error(scenario: &Scenario, e: ScheduleError) -> RunError {
    let selector = scenario
        .schedule
        .get(e.step.saturating_sub(1))
        .map(|s| format!("from {} to {}", s.from, s.to))
        .unwrap_or_default();
    RunError::Schedule {
        step: e.step,
        selector,
        why: e.why,
    }
}

/// A schedule no run could follow within the bounds is not a wrong input:
/// the runs' outcome is that bound, with nothing found (`unknown`).
fn cut_by_bound(e: ScheduleError, properties: usize) -> Result<Outcome, ScheduleError> {
    let Some(hit) = e.bounded else { return Err(e) };
    Ok(Outcome {
        violations: vec![None; properties],
        states: 0,
        transitions: 0,
        runs: 0,
        bound_hit: Some(hit),
    })
}

/// One search's results, kept with the strategy that ran it.
struct Searched {
    by: By,
    outcome: Outcome,
    stats: Option<SearchStats>,
    /// What the hull pre-pass of a windowed search proved first.
    prepass: Prepass,
}

/// The wall-clock, memory and thread settings of a search.
fn budget(options: &ExploreOptions) -> Budget {
    Budget {
        deadline: options
            .time_ms
            .map(|t| Instant::now() + Duration::from_millis(t)),
        max_memory: options.max_memory,
        threads: options.threads.unwrap_or(1).max(1),
        partial_order: !options.no_partial_order,
        hooks: options.hooks.clone(),
        orbits: !options.no_orbits,
        subsumption: !options.no_subsumption,
        active_clocks: !options.no_active_clocks,
        extrapolation: !options.no_extrapolation,
        hull: !options.no_hull,
    }
}

/// Invariants that compare times: untimed exploration cannot judge them
/// (docs/semantics.md), so they are `unknown` there, with [`UNTIMED_UNKNOWN`].
const TIME_COMPARING: [Invariant; 3] = [
    Invariant::ExpiredAccessRejected,
    Invariant::AttackerWindow,
    Invariant::RequestsComplete,
];

const UNTIMED_UNKNOWN: &str =
    "compares times: not judged by untimed exploration, which ignores latencies";

/// Explores a scenario (`tokenrace explore`, `tokenrace check`).
pub fn explore(
    scenario: &Scenario,
    options: &ExploreOptions,
) -> Result<(Report, Option<SearchStats>), RunError> {
    let s = setup(scenario, options);
    let seed = options.seed.unwrap_or(scenario.seed);
    let runs = options.runs.unwrap_or(scenario.explore.runs);
    let strategy = match options.strategy.unwrap_or(Strategy::Default) {
        Strategy::Default if scenario.explore.mode == ExploreMode::Random => Strategy::Random,
        Strategy::Default if scenario.explore.mode == ExploreMode::Pct => Strategy::Pct,
        other => other,
    };
    let budget = budget(options);
    let untimed = scenario.explore.timing == Timing::Untimed;
    let exhaustive = |order| -> Result<Searched, RunError> {
        let bfs = order == Order::Bfs;
        if untimed {
            let (outcome, stats) =
                explore::untimed::explore(&s.model, &s.monitor, order, &s.limits, &budget);
            return Ok(Searched {
                by: if bfs { By::UntimedBfs } else { By::UntimedDfs },
                outcome,
                stats: Some(stats),
                prepass: Prepass::Skipped,
            });
        }
        let w = explore::exhaustive::explore_windowed(
            &s.model, &s.monitor, order, &s.limits, &s.pins, &budget,
        )
        .map_err(|e| schedule_error(scenario, e))?;
        Ok(Searched {
            by: if bfs { By::Bfs } else { By::Dfs },
            outcome: w.outcome,
            stats: Some(w.stats),
            prepass: w.prepass,
        })
    };
    let random = || -> Result<Searched, RunError> {
        let outcome = explore::random::explore_within(
            &s.model, &s.monitor, seed, runs, &s.limits, &s.pins, &budget,
        )
        .or_else(|e| cut_by_bound(e, s.monitor.count()))
        .map_err(|e| schedule_error(scenario, e))?;
        Ok(Searched {
            by: By::Random,
            outcome,
            stats: None,
            prepass: Prepass::Skipped,
        })
    };
    let pct = || -> Result<Searched, RunError> {
        let outcome = explore::pct::explore_within(
            &s.model,
            &s.monitor,
            seed,
            (runs, s.pct_depth),
            &s.limits,
            &s.pins,
            &budget,
        )
        .or_else(|e| cut_by_bound(e, s.monitor.count()))
        .map_err(|e| schedule_error(scenario, e))?;
        Ok(Searched {
            by: By::Pct,
            outcome,
            stats: None,
            prepass: Prepass::Skipped,
        })
    };
    let searches = match strategy {
        Strategy::Random => vec![random()?],
        Strategy::Pct => vec![pct()?],
        Strategy::Dfs => vec![exhaustive(Order::Dfs)?],
        Strategy::Bfs => vec![exhaustive(Order::Bfs)?],
        Strategy::Default => {
            let first = exhaustive(Order::Bfs)?;
            match first.outcome.bound_hit {
                // Out of time or memory, or interrupted: random runs would
                // overrun it.
                None | Some(BoundHit::Time | BoundHit::MaxMemory | BoundHit::Interrupted) => {
                    vec![first]
                }
                Some(_) => {
                    let runs = random()?;
                    // No run could follow the schedule within the bounds:
                    // the exhaustive search's figures say more.
                    if runs.outcome.runs == 0 {
                        vec![first]
                    } else {
                        vec![first, runs]
                    }
                }
            }
        }
    };
    let stats = searches.iter().find_map(|x| x.stats.clone());
    Ok((report(scenario, &s, seed, &searches), stats))
}

fn report(scenario: &Scenario, s: &Setup, seed: u64, searches: &[Searched]) -> Report {
    let invariants = s
        .monitor
        .invariants
        .iter()
        .enumerate()
        .map(|(i, &invariant)| {
            let mut r = judge_one(s, seed, searches, i);
            if r.verdict == Verdict::Holds {
                r.vacuous = s.monitor.seen.vacuity(scenario, invariant);
                r.note = holds_note(r.vacuous, inapplicable(scenario, invariant));
            }
            r
        })
        .collect();
    Report {
        scenario: scenario.name.clone(),
        seed,
        invariants,
    }
}

/// The note of a `holds`: why it is vacuous (`vacuous: no refresh was
/// ever sent`), else why the invariant cannot apply, if either is known.
fn holds_note(vacuous: Option<Vacuity>, inapplicable: Option<&str>) -> String {
    match vacuous {
        Some(v) => v.note(),
        None => inapplicable.unwrap_or("").to_string(),
    }
}

/// The verdict on property `i`: the first search (in run order) that found a
/// counterexample decides `violated`; a complete exhaustive search decides
/// `holds`; otherwise `unknown`.
fn judge_one(s: &Setup, seed: u64, searches: &[Searched], i: usize) -> InvariantReport {
    let invariant = s.monitor.invariants[i];
    let base = |search: &Searched, verdict, bound_hit: Option<String>| InvariantReport {
        invariant,
        verdict,
        decided_by: search.by,
        states: search.outcome.states,
        runs: search.outcome.runs,
        transitions: search.outcome.transitions,
        bound_hit,
        note: String::new(),
        vacuous: None,
        trace: None,
    };
    if let Some(r) = hull_proved(searches, i, invariant) {
        return r;
    }
    let untimed_blind =
        |search: &Searched| search.by.is_untimed() && TIME_COMPARING.contains(&invariant);
    for search in searches {
        if untimed_blind(search) {
            continue;
        }
        if let Some(path) = &search.outcome.violations[i] {
            let mut r = base(search, Verdict::Violated, None);
            let trace = tracing::build(&s.model, &s.monitor, seed, search.by.name(), path)
                .expect("explorers return paths that replay");
            if search.by.is_untimed() {
                r.note = "untimed: the trace is an order of deliveries, not times".into();
            }
            r.trace = Some(trace);
            return r;
        }
    }
    let last = searches.last().expect("at least one search ran");
    if untimed_blind(last) {
        let mut r = base(last, Verdict::Unknown, None);
        r.note = UNTIMED_UNKNOWN.to_string();
        return r;
    }
    // Runs that followed a bounded exhaustive search: its bound is the one
    // to raise for a `holds`, so the report names it first.
    let first_stop = (searches.len() > 1)
        .then(|| &searches[0])
        .and_then(|first| Some((first.outcome.bound_hit?, first.outcome.states)));
    let first_note =
        first_stop.map(|(hit, states)| exhaustive_stop(hit, states, s.limits.max_depth));
    let bound =
        |runs_hit: &'static str| Some(first_stop.map_or(runs_hit, |(h, _)| bound_name(h)).into());
    let note = match (last.by, last.outcome.bound_hit) {
        (By::Random | By::Pct, Some(BoundHit::MaxStates)) => {
            "no execution that follows the schedule was found within the bounds".to_string()
        }
        (By::Random, hit) => format!(
            "{} random runs found no violation{}; random search cannot prove it holds",
            last.outcome.runs,
            stopped_runs(hit)
        ),
        (By::Pct, hit) => format!(
            "{} PCT runs (depth {}) found no violation{}; PCT cannot prove it holds",
            last.outcome.runs,
            s.pct_depth,
            stopped_runs(hit)
        ),
        (_, None) => return base(last, Verdict::Holds, None),
        (_, Some(hit)) => {
            let mut r = base(last, Verdict::Unknown, Some(bound_name(hit).into()));
            let note = exhaustive_stop(hit, last.outcome.states, s.limits.max_depth);
            r.note = after_prepass(note, &searches[0].prepass);
            return r;
        }
    };
    let runs_hit = match last.outcome.bound_hit {
        Some(BoundHit::MaxStates) => "max_states",
        hit => runs_bound(hit),
    };
    let mut r = base(last, Verdict::Unknown, bound(runs_hit));
    r.note = after_prepass(joined(first_note, note), &searches[0].prepass);
    r
}

/// A `holds` the hull pre-pass proved: no later search can contradict it
/// (it is sound for `holds`), and a bound that stopped the exact search
/// after it does not make it `unknown`. Reported with the pre-pass's own
/// states and transitions.
fn hull_proved(searches: &[Searched], i: usize, invariant: Invariant) -> Option<InvariantReport> {
    let Prepass::Proved {
        states,
        transitions,
        ..
    } = searches.iter().map(|x| &x.prepass).find(|p| p.proves(i))?
    else {
        return None;
    };
    Some(InvariantReport {
        invariant,
        verdict: Verdict::Holds,
        decided_by: By::Hull,
        states: *states,
        runs: 0,
        transitions: *transitions,
        bound_hit: None,
        note: String::new(),
        vacuous: None,
        trace: None,
    })
}

/// An `unknown`'s note, with the phase that hit a bound first when the
/// windowed search's hull pre-pass gave up at one (it proves nothing then,
/// and the exact search ran on what was left of the budget).
fn after_prepass(note: String, prepass: &Prepass) -> String {
    match prepass {
        Prepass::GaveUp { bound, states } => {
            format!("{note}; {}", prepass_stop(*bound, *states))
        }
        _ => note,
    }
}

/// ` (stopped by --time)` or ` (interrupted)` for runs cut short.
fn stopped_runs(hit: Option<BoundHit>) -> &'static str {
    match hit {
        Some(BoundHit::Time) => " (stopped by --time)",
        Some(BoundHit::Interrupted) => " (interrupted)",
        _ => "",
    }
}
