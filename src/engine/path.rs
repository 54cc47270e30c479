//! Paths as users see them: choices with concrete times. Owns [`execute`],
//! the concrete checker every replay and every counterexample goes through,
//! and [`concretize`], which turns a symbolic path into the earliest
//! concrete times that realise it. It does not search.
//!
//! `execute` re-checks every docs/semantics.md rule at the path's own times, so a path
//! it accepts is a real execution whatever produced it (Bellman-Ford
//! solution, seeded simulation, or a hand-edited trace).

use super::pending::{blocked_by_arming_order, overtake_bound, Entry};
use super::sim::{Concrete, Latency};
use super::symbolic::{Ctx, Record, SymState, SymStep};
use super::{Choice, Effects, EventId, Fault, Millis, Protocol, StepRecord};

/// A path executed concretely.
#[derive(Clone, Debug)]
pub struct Execution<P: Protocol> {
    /// One record per choice, in order.
    pub steps: Vec<StepRecord<P>>,
    /// The model after the last step.
    pub state: P::State,
    /// The horizon step was taken.
    pub ended: bool,
}

/// Why a path is not an execution; `step` is the 0-based choice index.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    /// The chosen event does not exist (never created, already gone).
    #[error("step {step}: event {event} is not pending")]
    NotPending { step: usize, event: u32 },
    /// A choice after the horizon step.
    #[error("step {step}: the run already ended at the horizon")]
    AfterEnd { step: usize },
    /// The time is before the previous step, outside the window, after
    /// the horizon, or not the horizon for the horizon step.
    #[error("step {step}: time {at}ms is not allowed: {why}")]
    Time {
        step: usize,
        at: Millis,
        why: String,
    },
    /// Another pending event is due first (its latest time, a deadline at
    /// the same instant, or an earlier-armed `At` timer).
    #[error("step {step}: event {other} must go first")]
    Overtakes { step: usize, other: u32 },
    /// A fault with probability 0, over the bound, or a wrong count.
    #[error("step {step}: faults not allowed: {why}")]
    Fault { step: usize, why: String },
}

/// The choice a concrete step record stands for.
pub fn choice_of<P: Protocol>(rec: &StepRecord<P>) -> Choice {
    let faulted = rec.sent.iter().any(|(_, f)| *f != Fault::Deliver);
    let faults = if faulted {
        rec.sent.iter().map(|(_, f)| *f).collect()
    } else {
        Vec::new()
    };
    Choice {
        event: rec.id,
        at: rec.at,
        faults,
    }
}

/// Re-executes a path concretely, checking every choice is allowed by the
/// timing rules at its concrete time. This is replay and the self-check of
/// every counterexample.
pub fn execute<P: Protocol>(
    p: &P,
    path: &[Choice],
    max_faults: u32,
) -> Result<Execution<P>, PathError> {
    let (run, steps) = execute_with(p, path, max_faults, |_, _| {})?;
    Ok(Execution {
        steps,
        state: run.state,
        ended: run.ended,
    })
}

/// [`execute`], calling `on_step` with the state after each step, and
/// returning the concrete run so a caller can continue it.
pub fn execute_with<P: Protocol>(
    p: &P,
    path: &[Choice],
    max_faults: u32,
    mut on_step: impl FnMut(&P::State, &StepRecord<P>),
) -> Result<(Concrete<P>, Vec<StepRecord<P>>), PathError> {
    let (mut run, _) = Concrete::init(p, Latency::Window);
    let mut steps = Vec::with_capacity(path.len());
    for (k, c) in path.iter().enumerate() {
        if run.ended {
            return Err(PathError::AfterEnd { step: k });
        }
        let index = check_time(p, &run, k, c)?;
        let begun = run.begin(p, index, c.at);
        check_faults(p, &begun.2, run.faults, max_faults, k, &c.faults)?;
        let rec = run.commit(p, begun, &c.faults, Latency::Window);
        on_step(&run.state, &rec);
        steps.push(rec);
    }
    Ok((run, steps))
}

/// The docs/semantics.md rules for one choice at its concrete time; returns the
/// pending index (`None` = horizon).
fn check_time<P: Protocol>(
    p: &P,
    run: &Concrete<P>,
    k: usize,
    c: &Choice,
) -> Result<Option<usize>, PathError> {
    let h = p.horizon();
    let bad = |why: &str| {
        Err(PathError::Time {
            step: k,
            at: c.at,
            why: why.to_string(),
        })
    };
    if c.at < run.now {
        return bad("before the previous step");
    }
    let events = &run.pending.events;
    let at = c.at as i64;
    if c.event == EventId::HORIZON {
        if c.at != h {
            return bad("the horizon step is at the horizon");
        }
        if let Some(o) = events.iter().find(|o| o.hi <= h as i64) {
            return Err(PathError::Overtakes {
                step: k,
                other: o.id.0,
            });
        }
        return Ok(None);
    }
    let Some(i) = run.pending.position(c.event) else {
        return Err(PathError::NotPending {
            step: k,
            event: c.event.0,
        });
    };
    let e = &events[i];
    if c.at > h {
        return bad("after the horizon");
    }
    if at < e.lo || at > e.hi {
        return bad(&format!("outside the event's window [{}, {}]", e.lo, e.hi));
    }
    let blocker = |o: &Entry<_, _>| {
        blocked_by_arming_order(e, o) || at > o.base as i64 + overtake_bound(e, o)
    };
    match events
        .iter()
        .enumerate()
        .find(|(j, o)| *j != i && blocker(o))
    {
        Some((_, o)) => Err(PathError::Overtakes {
            step: k,
            other: o.id.0,
        }),
        None => Ok(Some(i)),
    }
}

/// A fault vector is empty or has one entry per send; a fault needs odds
/// above zero and budget left.
pub(crate) fn check_faults<P: Protocol>(
    p: &P,
    fx: &Effects<P>,
    used: u32,
    max: u32,
    k: usize,
    faults: &[Fault],
) -> Result<(), PathError> {
    let bad = |why: String| Err(PathError::Fault { step: k, why });
    if faults.is_empty() {
        return Ok(());
    }
    if faults.len() != fx.sends.len() {
        return bad(format!(
            "{} faults for {} messages",
            faults.len(),
            fx.sends.len()
        ));
    }
    let mut used = used;
    for (m, f) in fx.sends.iter().zip(faults) {
        let link = p.link(m);
        let odds = match f {
            Fault::Deliver => continue,
            Fault::Drop => link.drop,
            Fault::Duplicate => link.duplicate,
        };
        if odds <= 0.0 {
            return bad(format!("{f:?} of {m:?} has probability 0"));
        }
        used += 1;
        if used > max {
            return bad(format!("more than {max} faults"));
        }
    }
    Ok(())
}

/// Turns a symbolic path into concrete choices, every step as early as the
/// path's constraints allow (least solution by Bellman-Ford). Panics if the
/// path is not a symbolic execution: explorers only produce ones that are.
pub fn concretize<P: Protocol>(ctx: &Ctx<'_, P>, path: &[SymStep]) -> Vec<Choice> {
    let (mut state, _) = SymState::init(ctx);
    let mut rec: Record = Vec::new();
    for (k, step) in path.iter().enumerate() {
        let (next, _, _) = state
            .replay(ctx, step, &mut rec)
            .unwrap_or_else(|| panic!("symbolic step {k} does not replay"));
        state = next;
    }
    let times = least_times(path.len() + 1, &rec);
    path.iter()
        .enumerate()
        .map(|(k, s)| Choice {
            event: s.event,
            at: times[k + 1],
            faults: s.faults.clone(),
        })
        .collect()
}

/// Least solution of `T_i - T_j <= c` with `T_0 = 0`: shortest distances
/// from step 0 over edges `i → j` of weight `c` are the largest `-T_j`.
fn least_times(n: usize, rec: &Record) -> Vec<Millis> {
    let mut dist = vec![i64::MAX; n];
    dist[0] = 0;
    for _ in 0..=n {
        let mut changed = false;
        for &(i, j, c) in rec {
            let (i, j) = (i as usize, j as usize);
            if dist[i] != i64::MAX && dist[i] + c < dist[j] {
                dist[j] = dist[i] + c;
                changed = true;
            }
        }
        if !changed {
            return dist.iter().map(|d| (-d).max(0) as Millis).collect();
        }
    }
    panic!("a symbolic path's constraints have a negative cycle");
}
