//! The scheduler of one run: collects arrivals until the client is quiet
//! (nothing new for the settle window: every request it has in flight is
//! parked), then lets its [`Policy`] pick the next parked call to take one
//! stage further, until the client is done, exits, or the run's wall-clock
//! bound passes. After a released answer it waits for quiet again; after a
//! step the client cannot see (handling, committing) it picks again at once.

use super::arrive::Arrival;
use super::http::Inbound;
use super::server::Server;
use super::stages::Took;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::{timeout_at, Instant};

/// One parked call as a policy sees it.
pub struct Option_<'a> {
    pub key: &'a str,
    pub actor: &'a str,
    /// `handle`, `commit` or `release`.
    pub stage: &'static str,
    pub kind: super::server::Kind,
    /// The model label of what releasing would show (`401 (AT1 rejected)`).
    pub answer: Option<String>,
}

/// Chooses which parked call goes next.
pub trait Policy {
    /// An index into `options` (never empty, oldest first).
    fn choose(&mut self, options: &[Option_]) -> usize;
    /// Where the run left what the policy expected.
    fn divergences(&self) -> Vec<String> {
        Vec::new()
    }
}

/// Oldest first: the order requests arrived and answers became ready.
pub struct Fifo;

impl Policy for Fifo {
    fn choose(&mut self, _options: &[Option_]) -> usize {
        0
    }
}

/// A decision: the keys on offer and the one taken.
#[derive(Clone, Debug)]
pub struct Decision {
    pub options: Vec<String>,
    pub chosen: usize,
}

/// How a run ended.
pub struct Ending {
    pub why: String,
    pub timed_out: bool,
    pub decisions: Vec<Decision>,
}

/// Timing bounds of a run.
#[derive(Clone, Copy, Debug)]
pub struct Timing {
    pub settle: Duration,
    pub run: Duration,
}

/// Drives one run to its end.
pub async fn drive(
    server: &mut Server,
    inbound: &mut mpsc::Receiver<Inbound>,
    policy: &mut dyn Policy,
    timing: Timing,
) -> Ending {
    let deadline = Instant::now() + timing.run;
    let mut decisions = Vec::new();
    let mut settle = true;
    let end = |why: String, timed_out: bool, decisions: Vec<Decision>| Ending {
        why,
        timed_out,
        decisions,
    };
    loop {
        if settle {
            if let Some((why, timed_out)) = quiet(server, inbound, timing.settle, deadline).await {
                return end(why, timed_out, decisions);
            }
        } else if let Some(why) = drain(server, inbound) {
            return end(why, false, decisions);
        }
        if server.parked.is_empty() {
            if server.idle() {
                settle = false;
                continue;
            }
            match timeout_at(deadline, inbound.recv()).await {
                Ok(Some(msg)) => {
                    if let Arrival::Ended(why) = server.arrive(msg) {
                        return end(why, false, decisions);
                    }
                }
                Ok(None) => return end("the server stopped".to_string(), false, decisions),
                Err(_) => return end(timed_out_note(timing), true, decisions),
            }
            settle = true;
            continue;
        }
        let i = decide(server, policy, &mut decisions);
        settle = server.execute(i) == Took::Released;
    }
}

fn decide(server: &Server, policy: &mut dyn Policy, decisions: &mut Vec<Decision>) -> usize {
    let options: Vec<Option_> = server.parked.iter().map(|p| p.option(server)).collect();
    let chosen = policy.choose(&options).min(options.len() - 1);
    decisions.push(Decision {
        options: options.iter().map(|o| o.key.to_string()).collect(),
        chosen,
    });
    chosen
}

/// Collects arrivals until nothing new came for `settle`. `Some` when the
/// run ended meanwhile (with whether the wall-clock bound did it).
async fn quiet(
    server: &mut Server,
    inbound: &mut mpsc::Receiver<Inbound>,
    settle: Duration,
    deadline: Instant,
) -> Option<(String, bool)> {
    loop {
        let until = (Instant::now() + settle).min(deadline);
        match timeout_at(until, inbound.recv()).await {
            Ok(Some(msg)) => {
                if let Arrival::Ended(why) = server.arrive(msg) {
                    return Some((why, false));
                }
            }
            Ok(None) => return Some(("the server stopped".to_string(), false)),
            Err(_) if Instant::now() >= deadline => {
                return Some((
                    "the run's wall-clock bound passed (--run-timeout)".to_string(),
                    true,
                ))
            }
            Err(_) => return None,
        }
    }
}

/// Takes what already arrived, without waiting.
fn drain(server: &mut Server, inbound: &mut mpsc::Receiver<Inbound>) -> Option<String> {
    while let Ok(msg) = inbound.try_recv() {
        if let Arrival::Ended(why) = server.arrive(msg) {
            return Some(why);
        }
    }
    None
}

fn timed_out_note(timing: Timing) -> String {
    format!(
        "the run's wall-clock bound of {}s passed (--run-timeout)",
        timing.run.as_secs()
    )
}
