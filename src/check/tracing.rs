//! Builds a readable, replayable [`Trace`] from a path: re-executes it with
//! `engine::path::execute` (which also re-checks every timing rule, so a
//! trace that builds is a trace that replays), labels each step, attaches
//! the notes of its facts and marks where invariants broke.

use super::explain;
use super::judge::{self, InvariantMonitor};
use crate::engine::{path, Event, Fault, Millis, StepRecord};
use crate::explore::{Monitor, Path};
use crate::model::{Model, Timer};
use crate::scenario::Invariant;
use crate::trace::{StepKind, Trace, TraceStep, TraceVerdict, FORMAT_VERSION};

/// `tokenrace <version>`, stamped on every trace.
pub fn tool_version() -> String {
    format!("tokenrace {}", env!("CARGO_PKG_VERSION"))
}

/// Re-executes `choices` and describes every step. Fails only if the path
/// does not replay, which for paths produced by our explorers is a bug.
pub fn build(
    model: &Model,
    monitor: &InvariantMonitor,
    seed: u64,
    found_by: &str,
    choices: &Path,
) -> Result<Trace, path::PathError> {
    let max_faults = model.scenario.explore.max_faults;
    let untimed = is_untimed(found_by);
    let execution = if untimed {
        crate::engine::untimed::execute(model, choices, max_faults)?
    } else {
        path::execute(model, choices, max_faults)?
    };
    let mut sent_at: Vec<(crate::model::Msg, Millis)> = Vec::new();
    let mut steps = Vec::with_capacity(execution.steps.len());
    let mut first_hit: Vec<Option<usize>> = vec![None; monitor.invariants.len()];
    for (i, record) in execution.steps.iter().enumerate() {
        let mut step = describe(model, record, i + 1, &mut sent_at);
        for fact in &record.facts {
            let mut broken = Vec::new();
            judge::all_broken_by(fact, &mut broken);
            for invariant in broken
                .into_iter()
                .filter(|v| monitor.invariants.contains(v))
            {
                mark(&mut step, &mut first_hit, monitor, invariant);
            }
        }
        if matches!(record.event, Event::Horizon) {
            let mut hits = Vec::new();
            monitor.at_end(&execution.state, &mut hits);
            for h in hits {
                mark(&mut step, &mut first_hit, monitor, monitor.invariants[h]);
            }
        }
        steps.push(step);
    }
    if untimed {
        // Diagrams show the clock's own moves as times: say what they mean.
        if let Some(step) = steps.iter_mut().find(|s| !s.violations.is_empty()) {
            step.notes.push(UNTIMED_NOTE.to_string());
        }
    }
    let verdicts = monitor
        .invariants
        .iter()
        .zip(&first_hit)
        .map(|(&invariant, hit)| TraceVerdict {
            invariant,
            verdict: if hit.is_some() { "violated" } else { "unknown" }.to_string(),
            step: *hit,
            note: if untimed && hit.is_some() {
                UNTIMED_NOTE.to_string()
            } else {
                String::new()
            },
        })
        .collect();
    Ok(Trace {
        format: FORMAT_VERSION,
        tool: tool_version(),
        scenario: model.scenario.clone(),
        seed,
        found_by: found_by.to_string(),
        actors: actors(model, &steps),
        choices: choices.clone(),
        steps,
        verdicts,
        serve: None,
    })
}

/// Traces found by an untimed search (`found_by` = `untimed-bfs`,
/// `untimed-dfs`) replay in untimed semantics (docs/performance.md).
pub fn is_untimed(found_by: &str) -> bool {
    found_by.starts_with("untimed")
}

/// What an untimed counterexample shows, stated on its verdicts.
pub const UNTIMED_NOTE: &str = "untimed exploration: this trace shows an order of \
    deliveries, not times (latencies are ignored, the clock moves only to fire timers)";

fn mark(step: &mut TraceStep, first: &mut [Option<usize>], m: &InvariantMonitor, inv: Invariant) {
    let i = m
        .invariants
        .iter()
        .position(|&x| x == inv)
        .expect("monitored");
    if !step.violations.contains(&inv) {
        step.violations.push(inv);
    }
    first[i].get_or_insert(step.index);
}

fn describe(
    model: &Model,
    record: &StepRecord<Model>,
    index: usize,
    sent_at: &mut Vec<(crate::model::Msg, Millis)>,
) -> TraceStep {
    let (kind, label, sent) = match &record.event {
        Event::Deliver(msg) => {
            let sent = sent_at
                .iter()
                .position(|(m, _)| m == msg)
                .map(|i| sent_at.remove(i).1);
            (StepKind::Message, model.message_label(msg), sent)
        }
        Event::Fire(timer @ Timer::Script(_)) => (StepKind::Action, model.timer_label(timer), None),
        Event::Fire(timer) => (StepKind::Timer, model.timer_label(timer), None),
        Event::Horizon => {
            let end = crate::model::label::Label {
                from: "user".into(),
                to: "user".into(),
                text: "horizon: the run ends".into(),
                tokens: vec![],
            };
            (StepKind::End, end, None)
        }
    };
    let mut notes: Vec<String> = record
        .facts
        .iter()
        .filter_map(|f| explain::note(model, f))
        .collect();
    for (msg, fault) in &record.sent {
        match fault {
            Fault::Deliver => sent_at.push((*msg, record.at)),
            Fault::Drop => notes.push(format!(
                "the network drops {}",
                model.message_label(msg).text
            )),
            Fault::Duplicate => {
                sent_at.push((*msg, record.at));
                sent_at.push((*msg, record.at));
                notes.push(format!(
                    "the network duplicates {}",
                    model.message_label(msg).text
                ));
            }
        }
    }
    TraceStep {
        index,
        at: record.at,
        kind,
        from: label.from,
        to: label.to,
        label: label.text,
        tokens: label.tokens,
        sent_at: sent,
        notes,
        violations: Vec::new(),
    }
}

/// Participants in diagram order: user, each client then its sub-actors,
/// resource, auth, denylist, attacker and its calls — only those that appear.
fn actors(model: &Model, steps: &[TraceStep]) -> Vec<String> {
    let seen: std::collections::BTreeSet<&str> = steps
        .iter()
        .flat_map(|s| [s.from.as_str(), s.to.as_str()])
        .collect();
    let rank = |name: &str| -> (usize, usize, u8) {
        let head = name.split('.').next().unwrap_or(name);
        let group = match head {
            "user" => 0,
            "resource" => model.clients.len() + 1,
            "auth" => model.clients.len() + 2,
            "denylist" => model.clients.len() + 3,
            "attacker" => model.clients.len() + 4,
            client => {
                1 + model
                    .clients
                    .iter()
                    .position(|c| c.name == client)
                    .unwrap_or(0)
            }
        };
        let tail = name.strip_prefix(head).unwrap_or("");
        let digits: String = tail.chars().filter(|c| c.is_ascii_digit()).collect();
        let kind: String = tail.chars().filter(|c| !c.is_ascii_digit()).collect();
        let kind_rank = match kind.as_str() {
            "" => 0,
            ".req" | ".call" => 1,
            ".proactive" | ".refresh" => 2,
            _ => 3,
        };
        (group, digits.parse().unwrap_or(0), kind_rank)
    };
    let mut names: Vec<&str> = seen.into_iter().collect();
    names.sort_by_key(|n| {
        let (group, number, kind) = rank(n);
        (group, kind, number)
    });
    names.into_iter().map(String::from).collect()
}
