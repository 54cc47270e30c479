//! One seeded execution (`tokenrace run`): each invariant `violated` (with
//! the run's trace) or `unknown` (one run proves nothing).

use super::bounds::bound_name;
use super::tracing;
use super::verdict::{schedule_error, setup};
use super::{DecidedBy as By, ExploreOptions, InvariantReport, Report, RunError, Verdict};
use crate::explore;
use crate::scenario::Scenario;
use crate::trace::Trace;

/// One seeded execution (`tokenrace run`): `violated` or `unknown` per invariant.
pub fn run(scenario: &Scenario, seed: u64) -> Result<(Report, Trace), RunError> {
    let s = setup(scenario, &ExploreOptions::default());
    let one = explore::random::run_once(&s.model, &s.monitor, seed, &s.limits, &s.pins)
        .map_err(|e| schedule_error(scenario, e))?;
    let trace = tracing::build(&s.model, &s.monitor, seed, "run", &one.path)
        .expect("a run's own path replays");
    let invariants = s
        .monitor
        .invariants
        .iter()
        .map(|&invariant| {
            let hit = trace
                .verdicts
                .iter()
                .find(|v| v.invariant == invariant)
                .and_then(|v| v.step);
            InvariantReport {
                invariant,
                verdict: if hit.is_some() {
                    Verdict::Violated
                } else {
                    Verdict::Unknown
                },
                decided_by: By::Run,
                states: one.steps,
                runs: 1,
                transitions: one.steps,
                bound_hit: one.bound_hit.map(|b| bound_name(b).to_string()),
                note: if hit.is_some() {
                    String::new()
                } else {
                    "one run proves nothing holds".into()
                },
                vacuous: None,
                trace: hit.map(|_| trace.clone()),
            }
        })
        .collect();
    let report = Report {
        scenario: scenario.name.clone(),
        seed,
        invariants,
    };
    Ok((report, trace))
}
