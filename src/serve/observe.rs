//! What the server sees of the client, turned into the model's facts so the
//! same judgements apply: which AT a refresh was triggered by (the last AT
//! a 401 was released for on that device, else the last one presented),
//! whether a device already refreshed for it (`single_refresh_per_expiry`),
//! what the client reports it stored (`no_stale_overwrite`,
//! `logout_is_final`), and whether its session was valid when it reported a
//! session error (`no_error_while_refresh_valid`, by `model::ghost`).

use super::tokens::{Name, Tokens};
use crate::model::ghost;
use crate::model::msg::{ClientIx, ErrorCause, RequestId};
use crate::model::token::{At, Family, Pair, Rt};
use crate::model::{Fact, Model, Refresher, World};
use serde_json::Value;

/// Per-run observations of the client side.
pub struct Observed {
    last_family: Vec<Option<Family>>,
    last_presented: Vec<Option<At>>,
    last_401: Vec<Option<At>>,
    refreshed: Vec<(u8, At)>,
    last_refresh_rejected: Vec<bool>,
    stored: Vec<Vec<Pair>>,
    logged_out: Vec<Vec<Family>>,
    /// Outcomes reported per client (ok, session or network error).
    pub outcomes: Vec<u32>,
}

/// A reported outcome, read.
pub struct Report {
    pub label: String,
    pub facts: Vec<Fact>,
    pub notes: Vec<String>,
}

impl Observed {
    pub fn new(m: &Model) -> Observed {
        let devices = m
            .clients
            .iter()
            .map(|c| c.device)
            .max()
            .map_or(0, |d| d + 1);
        Observed {
            last_family: vec![None; m.clients.len()],
            last_presented: vec![None; m.clients.len()],
            last_401: vec![None; devices as usize],
            refreshed: Vec::new(),
            last_refresh_rejected: vec![false; m.clients.len()],
            stored: vec![Vec::new(); m.store_count],
            logged_out: vec![Vec::new(); m.store_count],
            outcomes: vec![0; m.clients.len()],
        }
    }

    pub fn issued(&mut self, client: ClientIx, family: Family) {
        self.last_family[client as usize] = Some(family);
    }

    pub fn presented_at(&mut self, w: &World, client: ClientIx, at: At) {
        self.last_presented[client as usize] = Some(at);
        self.last_family[client as usize] = Some(w.at(at).family);
    }

    pub fn released_401(&mut self, m: &Model, client: ClientIx, at: At) {
        self.last_401[m.clients[client as usize].device as usize] = Some(at);
    }

    pub fn refresh_answered(&mut self, client: ClientIx, rejected: bool) {
        self.last_refresh_rejected[client as usize] = rejected;
    }

    pub fn logged_out(&mut self, m: &Model, client: ClientIx, family: Family) {
        let store = m.clients[client as usize].store as usize;
        if !self.logged_out[store].contains(&family) {
            self.logged_out[store].push(family);
        }
    }

    /// The fact of a refresh the client sent with `rt`.
    pub fn refresh_sent(&mut self, m: &Model, w: &World, id: RequestId, rt: Rt) -> Fact {
        let client = id.client as usize;
        self.last_family[client] = Some(w.rt(rt).family);
        let device = m.clients[client].device;
        let trigger = self.last_401[device as usize]
            .or(self.last_presented[client])
            .unwrap_or(At(0));
        let repeat = self.refreshed.contains(&(device, trigger));
        if !repeat {
            self.refreshed.push((device, trigger));
        }
        Fact::RefreshSent {
            device,
            trigger,
            repeat,
            refresher: Refresher::Request(id),
        }
    }

    /// Reads one `{"result": …, "stored": …}` outcome of request `id`.
    pub fn outcome(
        &mut self,
        m: &Model,
        w: &World,
        tokens: &Tokens,
        id: RequestId,
        json: &Value,
    ) -> Report {
        let client = id.client as usize;
        let result = json.get("result").and_then(Value::as_str).unwrap_or("");
        let mut facts = Vec::new();
        let mut notes = Vec::new();
        let label = match result {
            "ok" => {
                self.outcomes[client] += 1;
                facts.push(Fact::Completed { request: id });
                "shows the payload".to_string()
            }
            "session_error" => {
                self.outcomes[client] += 1;
                let family = self.last_family[client];
                let cause = if self.last_refresh_rejected[client] {
                    ErrorCause::RefreshRejected
                } else {
                    ErrorCause::NoRetryLeft
                };
                facts.push(Fact::SessionError {
                    request: id,
                    family,
                    cause,
                    session: ghost::session_validity(w, family),
                });
                "shows a session error".to_string()
            }
            "network_error" => {
                self.outcomes[client] += 1;
                notes.push("a network error: not a session error".to_string());
                "shows a network error".to_string()
            }
            other => format!("reports {other:?}"),
        };
        if let Some(stored) = json.get("stored") {
            self.stored_pair(m, w, tokens, id.client, stored, &mut facts, &mut notes);
        }
        Report {
            label,
            facts,
            notes,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn stored_pair(
        &mut self,
        m: &Model,
        w: &World,
        tokens: &Tokens,
        client: ClientIx,
        stored: &Value,
        facts: &mut Vec<Fact>,
        notes: &mut Vec<String>,
    ) {
        let name = |field: &str| {
            stored
                .get(field)
                .and_then(Value::as_str)
                .and_then(|s| tokens.name(s))
        };
        let (Some(Name::At(at)), Some(Name::Rt(rt))) =
            (name("access_token"), name("refresh_token"))
        else {
            if !stored.is_null() {
                notes.push("stored: not a pair of tokens this run issued (ignored)".to_string());
            }
            return;
        };
        let family = w.rt(rt).family;
        let written = Pair { family, rt, at };
        let store = m.clients[client as usize].store;
        let seen = &mut self.stored[store as usize];
        let stale_against = seen
            .iter()
            .filter(|p| p.family == family && **p > written)
            .max()
            .copied();
        if !seen.contains(&written) {
            seen.push(written);
        }
        facts.push(Fact::StoreWrite {
            store,
            stale_against,
            written,
        });
        if self.logged_out[store as usize].contains(&family) {
            facts.push(Fact::StoredAfterLogout { store, written });
        }
    }
}
