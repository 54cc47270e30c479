//! A serve session: bind loopback, then make the runs the mode asks for —
//! one interactive run until Ctrl-C, one run following a saved schedule, or
//! up to N explored runs (systematic, fewest deviations first, or seeded
//! random), stopping at the first violation. Each run gets a fresh server
//! state and a fresh client process.

use super::child::{self, Env, CLIENT_ID};
use super::follow::Follow;
use super::http::{self, Shared};
use super::jwt::Keys;
use super::policy::{Prefix, Systematic};
use super::record::Entry;
use super::sched::{self, Ending, Fifo, Policy, Timing};
use super::server::{Limits, Server};
use super::tokens::Tokens;
use crate::engine::rng::SimRng;
use crate::model::Model;
use crate::scenario::{Invariant, Scenario, Step};
use crate::trace::{ServeRecord, StepKind, Trace};
use std::net::Ipv4Addr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

/// How runs are ordered.
#[derive(Clone, Debug)]
pub enum Mode {
    /// No command: serve until Ctrl-C, oldest first, judge at shutdown.
    Interactive,
    /// Up to `runs` runs; systematic unless `random`.
    Explore {
        runs: u64,
        seed: u64,
        random: bool,
        max_deviations: Option<u32>,
    },
    /// One run following a saved trace (a serve trace's decisions, or a
    /// model trace's message order).
    Schedule(Box<Trace>),
}

/// Everything a session needs.
#[derive(Clone, Debug)]
pub struct Options {
    pub port: u16,
    pub mode: Mode,
    pub command: Vec<String>,
    pub settle_ms: u64,
    pub run_timeout_ms: u64,
    pub max_requests: u32,
    /// The resource-call reduction (docs/serve.md); `--no-reduction` turns it off.
    pub reduce: bool,
}

/// One run, summarised.
#[derive(Clone, Debug)]
pub struct RunSummary {
    pub run: u64,
    pub wall_ms: u64,
    pub violated: Vec<Invariant>,
    pub timed_out: bool,
    pub decisions: usize,
    pub ended: String,
}

/// What a session established.
#[derive(Debug)]
pub struct Outcome {
    pub runs: Vec<RunSummary>,
    /// The first run that broke an invariant.
    pub violation: Option<Trace>,
    /// The last run made (to save when nothing broke).
    pub last: Option<Trace>,
    /// Systematic exploration made every order (within `max_deviations`).
    pub complete: bool,
    pub invariants: Vec<Invariant>,
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Bind { port: u16, source: std::io::Error },
    #[error("cannot start {command:?}: {source}")]
    Spawn {
        command: String,
        source: std::io::Error,
    },
    #[error("{0}")]
    Setup(String),
}

/// Runs a session to its end; `progress` receives lines for stderr.
pub fn serve(
    scenario: &Scenario,
    options: &Options,
    progress: &dyn Fn(&str),
) -> Result<Outcome, ServeError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| ServeError::Setup(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(session(scenario, options, progress))
}

async fn session(
    scenario: &Scenario,
    options: &Options,
    progress: &dyn Fn(&str),
) -> Result<Outcome, ServeError> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, options.port))
        .await
        .map_err(|source| ServeError::Bind {
            port: options.port,
            source,
        })?;
    let port = listener
        .local_addr()
        .map_err(|e| ServeError::Setup(e.to_string()))?
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let (placeholder, _) = mpsc::channel(1);
    let keys = Arc::new(Keys::generate().map_err(ServeError::Setup)?);
    let shared = Arc::new(Shared {
        base: base.clone(),
        keys: keys.clone(),
        inbound: Mutex::new(placeholder),
    });
    let acceptor = tokio::spawn(http::accept_loop(listener, shared.clone()));
    progress(&format!("listening on {base}"));
    let session = Session {
        scenario,
        options,
        shared: &shared,
        keys,
        base,
        progress,
    };
    let outcome = session.runs().await;
    acceptor.abort();
    outcome
}

struct Session<'a> {
    scenario: &'a Scenario,
    options: &'a Options,
    shared: &'a Arc<Shared>,
    keys: Arc<Keys>,
    base: String,
    progress: &'a dyn Fn(&str),
}

impl Session<'_> {
    async fn runs(&self) -> Result<Outcome, ServeError> {
        let mut outcome = Outcome {
            runs: Vec::new(),
            violation: None,
            last: None,
            complete: false,
            invariants: self.scenario.checked(),
        };
        let (limit, seed) = match &self.options.mode {
            Mode::Explore { runs, seed, .. } => (*runs, *seed),
            _ => (1, self.scenario.seed),
        };
        let max_deviations = match self.options.mode {
            Mode::Explore { max_deviations, .. } => max_deviations,
            _ => None,
        };
        let mut systematic = Systematic::new(max_deviations);
        for run in 1..=limit.max(1) {
            let mut policy: Box<dyn Policy> = match &self.options.mode {
                Mode::Interactive => Box::new(Fifo),
                Mode::Explore { random: true, .. } => Box::new(Prefix::new(
                    Vec::new(),
                    Some(SimRng::new(SimRng::derive(seed, run))),
                )),
                Mode::Explore { .. } => match systematic.next_prefix() {
                    Some(prefix) => Box::new(Prefix::new(prefix, None)),
                    None => {
                        outcome.complete = true;
                        break;
                    }
                },
                Mode::Schedule(trace) => match &trace.serve {
                    Some(record) => Box::new(Prefix::new(record.decisions.clone(), None)),
                    None => Box::new(Follow::new(
                        trace,
                        super::arrive::api_on_arrival(self.scenario, self.options.reduce),
                    )),
                },
            };
            let (summary, trace, ending) = self.one(run, seed, policy.as_mut()).await?;
            if matches!(self.options.mode, Mode::Explore { random: false, .. }) {
                systematic.expand(&ending.decisions);
            }
            (self.progress)(&progress_line(&summary, &trace));
            let violated = !summary.violated.is_empty();
            outcome.runs.push(summary);
            if violated {
                outcome.violation = Some(trace);
                return Ok(outcome);
            }
            outcome.last = Some(trace);
        }
        if matches!(self.options.mode, Mode::Explore { random: false, .. })
            && systematic.remaining() == 0
            && !systematic.cut
        {
            outcome.complete = true;
        }
        Ok(outcome)
    }

    async fn one(
        &self,
        run: u64,
        seed: u64,
        policy: &mut dyn Policy,
    ) -> Result<(RunSummary, Trace, Ending), ServeError> {
        let model = Model::build(self.scenario);
        let (tx, mut rx) = mpsc::channel(1024);
        *self.shared.inbound.lock().expect("not poisoned") = tx.clone();
        let tokens = Tokens::new(run, &self.base, CLIENT_ID, super::arrive::USERNAME);
        let limits = Limits {
            max_requests: self.options.max_requests,
            max_logins: 200,
            reduce: self.options.reduce,
        };
        let mut server = Server::new(model, tokens, self.keys.clone(), limits);
        let interactive = self.options.command.is_empty();
        let env = Env {
            base: &self.base,
            run,
            requests: requests_per_client(self.scenario),
        };
        let running = if interactive {
            let tx = tx.clone();
            tokio::spawn(async move {
                let _ = tokio::signal::ctrl_c().await;
                let _ = tx
                    .send(super::http::Inbound::Exited("interrupted".to_string()))
                    .await;
            });
            None
        } else {
            let spawned = child::spawn(&self.options.command, &env, tx.clone());
            Some(spawned.map_err(|source| ServeError::Spawn {
                command: self.options.command.join(" "),
                source,
            })?)
        };
        drop(tx);
        let run_bound = if interactive {
            24 * 3600 * 1000
        } else {
            self.options.run_timeout_ms
        };
        let timing = Timing {
            settle: Duration::from_millis(self.options.settle_ms),
            run: Duration::from_millis(run_bound),
        };
        let started = Instant::now();
        let ending = sched::drive(&mut server, &mut rx, policy, timing).await;
        if let Some(running) = running {
            running.stop().await;
        }
        let wall_ms = started.elapsed().as_millis() as u64;
        server.parked.clear();
        let record = ServeRecord {
            command: self.options.command.clone(),
            run,
            seed,
            settle_ms: self.options.settle_ms,
            decisions: ending
                .decisions
                .iter()
                .map(|d| d.options[d.chosen].clone())
                .collect(),
            no_reduction: !self.options.reduce,
            divergences: policy.divergences(),
        };
        let trace = finish(server, &ending, record, self.scenario);
        let summary = RunSummary {
            run,
            wall_ms,
            violated: trace
                .verdicts
                .iter()
                .filter(|v| v.verdict == "violated")
                .map(|v| v.invariant)
                .collect(),
            timed_out: ending.timed_out,
            decisions: ending.decisions.len(),
            ended: ending.why.clone(),
        };
        Ok((summary, trace, ending))
    }
}

/// The run's end step, `requests_complete`, and the trace.
fn finish(mut server: Server, ending: &Ending, record: ServeRecord, scenario: &Scenario) -> Trace {
    let mut notes = vec![ending.why.clone()];
    notes.extend(
        record
            .divergences
            .iter()
            .map(|d| format!("divergence: {d}")),
    );
    let entry = Entry {
        kind: StepKind::End,
        at: server.core.now,
        from: "user".to_string(),
        to: "user".to_string(),
        label: "the run ends".to_string(),
        tokens: Vec::new(),
        notes,
    };
    server.record(entry, &[]);
    let expected = expected_outcomes(scenario);
    let reported: u32 = server.observed.outcomes.iter().sum();
    if reported == 0 {
        let note = "the client reported no outcome: session errors, stored tokens and \
                    completion were not seen (print TOKENRACE_OUTCOME lines or POST them)";
        if let Some(last) = server.recorder.steps.last_mut() {
            last.notes.push(note.to_string());
        }
    } else if reported < expected {
        server.recorder.hit_last(
            Invariant::RequestsComplete,
            format!("the client reported {reported} outcomes of the {expected} requests the script starts"),
        );
    }
    let model = Model::build(scenario);
    server.recorder.into_trace(&model, record)
}

/// Outcomes the script's `request` entries call for.
fn expected_outcomes(scenario: &Scenario) -> u32 {
    scenario
        .script
        .iter()
        .map(|a| a.step(&scenario.clients))
        .map(|s| match s {
            Step::Request { count, .. } => count,
            _ => 0,
        })
        .sum()
}

/// `TOKENRACE_REQUESTS`: the `count` of the script's first `request`.
fn requests_per_client(scenario: &Scenario) -> u32 {
    scenario
        .script
        .iter()
        .map(|a| a.step(&scenario.clients))
        .find_map(|s| match s {
            Step::Request { count, .. } => Some(count),
            _ => None,
        })
        .unwrap_or(1)
}

fn progress_line(summary: &RunSummary, trace: &Trace) -> String {
    let verdict = if summary.violated.is_empty() {
        "no violation".to_string()
    } else {
        let names: Vec<String> = summary.violated.iter().map(|i| i.to_string()).collect();
        format!("violated: {}", names.join(", "))
    };
    format!(
        "run {}: {} steps, {} decisions, {} ms: {verdict} ({})",
        summary.run,
        trace.steps.len(),
        summary.decisions,
        summary.wall_ms,
        summary.ended
    )
}
