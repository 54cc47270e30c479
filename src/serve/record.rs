//! The recorded run as a tokenrace [`Trace`]: every handled request, commit
//! and released answer is a message step labelled as the model labels it
//! (`GET /api AT1`, `401 (AT1 rejected)`, `200 AT2 RT2`), every outcome the
//! client reported is an action towards `user`, clock moves are timer
//! notes. Each step's facts are judged by `check::judge` exactly as in the
//! explorer, and explained by `check::explain`.

use crate::check::{explain, judge, tracing::tool_version};
use crate::engine::Millis;
use crate::model::{Fact, Model};
use crate::scenario::Invariant;
use crate::trace::{ServeRecord, StepKind, Trace, TraceStep, TraceVerdict, FORMAT_VERSION};

/// One step to record.
pub struct Entry {
    pub kind: StepKind,
    pub at: Millis,
    pub from: String,
    pub to: String,
    pub label: String,
    pub tokens: Vec<String>,
    pub notes: Vec<String>,
}

/// Steps and the first step each checked invariant broke at.
pub struct Recorder {
    pub steps: Vec<TraceStep>,
    pub invariants: Vec<Invariant>,
    pub first_hit: Vec<Option<usize>>,
    /// Client actors in order of first appearance.
    actors: Vec<String>,
}

impl Recorder {
    pub fn new(invariants: Vec<Invariant>) -> Recorder {
        let first_hit = vec![None; invariants.len()];
        Recorder {
            steps: Vec::new(),
            invariants,
            first_hit,
            actors: Vec::new(),
        }
    }

    /// Records a step with the facts it produced; returns the invariants it broke.
    pub fn push(&mut self, model: &Model, entry: Entry, facts: &[Fact]) -> Vec<Invariant> {
        let index = self.steps.len() + 1;
        let mut notes = entry.notes;
        let mut violations = Vec::new();
        for fact in facts {
            if let Some(note) = explain::note(model, fact) {
                notes.push(note);
            }
            let mut broken = Vec::new();
            judge::all_broken_by(fact, &mut broken);
            for invariant in broken {
                self.hit(invariant, index, &mut violations);
            }
        }
        for actor in [&entry.from, &entry.to] {
            if !is_server(actor) && !self.actors.contains(actor) {
                self.actors.push(actor.clone());
            }
        }
        self.steps.push(TraceStep {
            index,
            at: entry.at,
            kind: entry.kind,
            from: entry.from,
            to: entry.to,
            label: entry.label,
            tokens: entry.tokens,
            sent_at: None,
            notes,
            violations: violations.clone(),
        });
        violations
    }

    /// Marks `invariant` broken at the last step (judged at the end of a run).
    pub fn hit_last(&mut self, invariant: Invariant, note: String) {
        let index = self.steps.len();
        if index == 0 {
            return;
        }
        let mut violations = Vec::new();
        self.hit(invariant, index, &mut violations);
        let step = &mut self.steps[index - 1];
        step.notes.push(note);
        for v in violations {
            if !step.violations.contains(&v) {
                step.violations.push(v);
            }
        }
    }

    fn hit(&mut self, invariant: Invariant, index: usize, out: &mut Vec<Invariant>) {
        if let Some(i) = self.invariants.iter().position(|&x| x == invariant) {
            out.push(invariant);
            self.first_hit[i].get_or_insert(index);
        }
    }

    pub fn violated(&self) -> Vec<Invariant> {
        self.invariants
            .iter()
            .zip(&self.first_hit)
            .filter(|(_, hit)| hit.is_some())
            .map(|(i, _)| *i)
            .collect()
    }

    /// The finished trace of this run.
    pub fn into_trace(self, model: &Model, serve: ServeRecord) -> Trace {
        let verdicts = self
            .invariants
            .iter()
            .zip(&self.first_hit)
            .map(|(&invariant, hit)| TraceVerdict {
                invariant,
                verdict: if hit.is_some() { "violated" } else { "unknown" }.to_string(),
                step: *hit,
                note: if hit.is_some() {
                    String::new()
                } else {
                    "one run of a real client proves nothing holds".to_string()
                },
            })
            .collect();
        let mut actors = Vec::new();
        if self.actors.iter().any(|a| a == "user") {
            actors.push("user".to_string());
        }
        actors.extend(self.actors.iter().filter(|a| *a != "user").cloned());
        for server in ["resource", "auth"] {
            if self
                .steps
                .iter()
                .any(|s| s.from == server || s.to == server)
            {
                actors.push(server.to_string());
            }
        }
        Trace {
            format: FORMAT_VERSION,
            tool: tool_version(),
            scenario: model.scenario.clone(),
            seed: serve.seed,
            found_by: "serve".to_string(),
            actors,
            choices: Vec::new(),
            steps: self.steps,
            verdicts,
            serve: Some(serve),
        }
    }
}

fn is_server(actor: &str) -> bool {
    matches!(actor, "resource" | "auth" | "denylist")
}
