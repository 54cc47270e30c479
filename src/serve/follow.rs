//! `serve --schedule TRACE.json` with a trace of the model (`explore`,
//! `run`, `check`): its message steps become the order the real client's
//! calls are taken in. A step is matched to a parked call by stage
//! (handle = a message to `resource`/`auth`, release = an answer back,
//! commit = `auth -> auth`), client, kind and token — and, for answers, by
//! the answer's label, which the server builds with the same labels as the
//! model. A step no parked call matches when the client is quiet is where
//! the client diverged from the model; the divergence says how.

use super::sched::{Option_, Policy};
use super::server::Kind;
use crate::trace::{StepKind, Trace};

/// One message step of the model's trace, as the server would see it.
#[derive(Clone, Debug)]
struct Expected {
    index: usize,
    stage: &'static str,
    client: String,
    label: String,
    token: Option<String>,
}

/// Follows a model trace, oldest-first once it is used up.
pub struct Follow {
    steps: Vec<Expected>,
    next: usize,
    diverged: Vec<String>,
    /// Refresh tokens real refreshes were handled with, per client.
    refreshed: Vec<(String, String)>,
}

impl Follow {
    /// `api_on_arrival`: resource calls are handled when they arrive (the
    /// reduction), so the trace's deliveries of them are not decisions.
    pub fn new(trace: &Trace, api_on_arrival: bool) -> Follow {
        let clients: Vec<&str> = trace
            .scenario
            .clients
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        let client_of = |actor: &str| {
            let base = actor.split('.').next().unwrap_or(actor);
            clients.contains(&base).then(|| base.to_string())
        };
        let steps = trace
            .steps
            .iter()
            .filter(|s| s.kind == StepKind::Message)
            .filter(|s| !(api_on_arrival && s.to == "resource"))
            .filter_map(|s| {
                let (stage, client) = match (s.from.as_str(), s.to.as_str()) {
                    ("auth", "auth") => ("commit", client_of(s.label.rsplit(' ').next()?)?),
                    (_, "resource" | "auth") => ("handle", client_of(&s.from)?),
                    ("resource" | "auth", to) => ("release", client_of(to)?),
                    _ => return None,
                };
                Some(Expected {
                    index: s.index,
                    stage,
                    client,
                    label: s.label.clone(),
                    token: s.tokens.first().cloned(),
                })
            })
            .collect();
        Follow {
            steps,
            next: 0,
            diverged: Vec::new(),
            refreshed: Vec::new(),
        }
    }

    fn matches(e: &Expected, o: &Option_) -> bool {
        let client = o.actor.split('.').next().unwrap_or(o.actor);
        if e.stage != o.stage || e.client != client {
            return false;
        }
        match o.stage {
            "release" => o.answer.as_deref() == Some(e.label.as_str()),
            _ => {
                let token = match o.kind {
                    Kind::Api(at) | Kind::RevokeAt(at) => at.to_string(),
                    Kind::Refresh(rt) | Kind::Logout(rt) => rt.to_string(),
                };
                let what = if e.label.starts_with("GET /api") {
                    matches!(o.kind, Kind::Api(_))
                } else if e.label.starts_with("POST /refresh") || e.stage == "commit" {
                    matches!(o.kind, Kind::Refresh(_))
                } else {
                    matches!(o.kind, Kind::Logout(_))
                };
                what && e.token.as_deref() == Some(token.as_str())
            }
        }
    }

    /// Why step `e` could not be taken, in the model's terms.
    fn explain(&self, e: &Expected, options: &[Option_]) -> String {
        let head = format!(
            "trace step {} ({} {}: {})",
            e.index, e.stage, e.client, e.label
        );
        let same_client: Vec<&Option_> = options
            .iter()
            .filter(|o| o.actor.split('.').next() == Some(e.client.as_str()))
            .collect();
        if e.stage == "handle" && e.label.starts_with("POST /refresh") {
            let token = e.token.clone().unwrap_or_default();
            if self
                .refreshed
                .iter()
                .any(|(c, t)| *c == e.client && *t == token)
            {
                return format!(
                    "{head}: the client never sent a second refresh with {token}: it behaves like single_flight here"
                );
            }
            if let Some(other) = same_client
                .iter()
                .find(|o| matches!(o.kind, Kind::Refresh(_)))
            {
                return format!(
                    "{head}: the client refreshed with another token (`{}`): it read a newer pair from its store",
                    other.key
                );
            }
            return format!("{head}: the client never sent this refresh");
        }
        if e.stage == "handle" {
            return format!("{head}: the client never sent this call (it did not retry, or retried with another token)");
        }
        format!("{head}: no parked call gives this answer: the server's state differs from the model's here")
    }
}

impl Policy for Follow {
    fn choose(&mut self, options: &[Option_]) -> usize {
        let found = (self.next..self.steps.len()).find_map(|k| {
            options
                .iter()
                .position(|o| Self::matches(&self.steps[k], o))
                .map(|i| (k, i))
        });
        let Some((k, i)) = found else {
            if self.next < self.steps.len() {
                let e = self.steps[self.next].clone();
                self.diverged.push(self.explain(&e, options));
                self.next = self.steps.len();
            }
            return 0;
        };
        for skipped in self.next..k {
            let e = self.steps[skipped].clone();
            self.diverged.push(self.explain(&e, options));
        }
        self.next = k + 1;
        if let Kind::Refresh(rt) = options[i].kind {
            if options[i].stage == "handle" {
                self.refreshed
                    .push((self.steps[k].client.clone(), rt.to_string()));
            }
        }
        i
    }

    fn divergences(&self) -> Vec<String> {
        self.diverged.clone()
    }
}
