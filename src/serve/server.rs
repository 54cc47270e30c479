//! One run's server: real calls in, parked work items out. A call the
//! scheduler need not order (a login, `/authorize`, `/userinfo`, an outcome,
//! an unknown token) is answered at once; a resource call, refresh, revoke
//! or logout is parked as [`Parked`] and goes through stages the scheduler
//! picks one at a time: handled (delivered to the model's server), then for
//! a non-atomic rotation committed, then its answer released.

use super::call::{Call, Reply, Route};
use super::core::Core;
use super::jwt::Keys;
use super::observe::Observed;
use super::record::{Entry, Recorder};
use super::tokens::{Name, Tokens};
use crate::model::msg::{Caller, ClientIx, RequestId};
use crate::model::token::{At, Rt};
use crate::model::{Fact, Model, Msg, Refresher};
use crate::trace::StepKind;
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::Arc;
use tokio::sync::oneshot;

/// What a parked call asks of the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Api(At),
    Refresh(Rt),
    Logout(Rt),
    /// RFC 7009 revocation of an AT (RTs revoke their family, as a logout).
    RevokeAt(At),
}

/// Where a parked call is.
#[derive(Clone, Debug)]
pub enum Stage {
    Handle,
    Commit(Msg),
    Release { reply: Reply, msg: Option<Msg> },
}

/// A parked call.
pub struct Parked {
    pub seq: u64,
    pub client: ClientIx,
    pub number: u16,
    pub actor: String,
    pub kind: Kind,
    pub stage: Stage,
    /// Stable across runs: what `--schedule` and systematic runs choose by.
    pub key: String,
    pub reply: Option<oneshot::Sender<Reply>>,
    /// The `scope` of the login, echoed in refresh answers.
    pub label: String,
}

/// Limits of one run.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_requests: u32,
    pub max_logins: usize,
    /// Handle independent resource calls on arrival (`--no-reduction` clears it).
    pub reduce: bool,
}

/// The state of one run's server.
pub struct Server {
    pub core: Core,
    pub tokens: Tokens,
    pub keys: Arc<Keys>,
    pub observed: Observed,
    pub recorder: Recorder,
    pub parked: Vec<Parked>,
    pub codes: BTreeMap<String, BTreeMap<String, String>>,
    pub limits: Limits,
    pub requests: u32,
    next_seq: u64,
    key_counts: BTreeMap<String, u32>,
    outcome_numbers: Vec<u16>,
    pub script: super::script::Script,
}

impl Server {
    pub fn new(model: Model, tokens: Tokens, keys: Arc<Keys>, limits: Limits) -> Server {
        let observed = Observed::new(&model);
        let recorder = Recorder::new(model.scenario.checked());
        let script = super::script::Script::new(&model);
        let clients = model.clients.len();
        Server {
            core: Core::new(model),
            tokens,
            keys,
            observed,
            recorder,
            parked: Vec::new(),
            codes: BTreeMap::new(),
            limits,
            requests: 0,
            next_seq: 0,
            key_counts: BTreeMap::new(),
            outcome_numbers: vec![0; clients],
            script,
        }
    }

    pub fn model(&self) -> &Model {
        &self.core.model
    }

    /// The scenario client a call names (`X-Tokenrace-Client`): its index
    /// and actor name (`tab1`, or `tab1.req3` with `X-Tokenrace-Request`).
    pub fn who(&self, call: &Call) -> Result<(ClientIx, u16, String), Reply> {
        let clients = &self.core.model.clients;
        let index = match &call.client {
            None => 0,
            Some(name) => match clients.iter().position(|c| &c.name == name) {
                Some(i) => i,
                None if clients.len() == 1 => 0,
                None => {
                    let known: Vec<&str> = clients.iter().map(|c| c.name.as_str()).collect();
                    return Err(super::call::bad(&format!(
                        "unknown X-Tokenrace-Client {name:?}: the scenario's clients are {}",
                        known.join(", ")
                    )));
                }
            },
        };
        let base = clients[index].name.clone();
        let number = call
            .request
            .as_deref()
            .map(|r| r.trim_start_matches(|c: char| !c.is_ascii_digit()))
            .and_then(|digits| digits.parse::<u16>().ok())
            .unwrap_or(0);
        let actor = if number > 0 {
            format!("{base}.req{number}")
        } else {
            base
        };
        Ok((index as ClientIx, number, actor))
    }

    /// A new parked call at stage `Handle`.
    pub fn park_call(
        &mut self,
        who: (ClientIx, u16, String),
        kind: Kind,
        reply: oneshot::Sender<Reply>,
    ) {
        let (client, number, actor) = who;
        let msg = self.request_msg(client, number, kind);
        let label = self.core.model.message_label(&msg).text;
        let mut parked = Parked {
            seq: self.next_seq,
            client,
            number,
            actor,
            kind,
            stage: Stage::Handle,
            key: String::new(),
            reply: Some(reply),
            label,
        };
        self.next_seq += 1;
        self.rekey(&mut parked);
        self.parked.push(parked);
    }

    /// The model message a parked call delivers.
    pub fn request_msg(&self, client: ClientIx, number: u16, kind: Kind) -> Msg {
        let id = RequestId { client, number };
        match kind {
            Kind::Api(at) => Msg::Api {
                from: Caller::Request(id),
                at,
            },
            Kind::Refresh(rt) => Msg::Refresh {
                from: Refresher::Request(id),
                rt,
            },
            Kind::Logout(rt) => Msg::Logout { client, rt },
            Kind::RevokeAt(at) => Msg::Deny { at },
        }
    }

    /// Recomputes a parked call's key for its current stage; a key seen
    /// before in this run gets ` #2`, ` #3`, … so every key is unique.
    pub fn rekey(&mut self, parked: &mut Parked) {
        let stage = match &parked.stage {
            Stage::Handle => format!("handle {} {}", parked.actor, parked.label),
            Stage::Commit(msg) => format!(
                "commit {} {}",
                parked.actor,
                self.core.model.message_label(msg).text
            ),
            Stage::Release { reply, msg } => {
                let text = msg.map_or_else(
                    || reply.status.to_string(),
                    |m| self.core.model.message_label(&m).text,
                );
                format!("release {} {text} for {}", parked.actor, parked.label)
            }
        };
        let count = self.key_counts.entry(stage.clone()).or_insert(0);
        *count += 1;
        parked.key = if *count == 1 {
            stage
        } else {
            format!("{stage} #{count}")
        };
    }

    /// Records a step on the run's trace.
    pub fn record(&mut self, entry: Entry, facts: &[Fact]) {
        let model = &self.core.model;
        self.recorder.push(model, entry, facts);
    }

    /// A message step at the current virtual time.
    pub fn message(&self, from: &str, to: &str, label: String, tokens: Vec<String>) -> Entry {
        Entry {
            kind: StepKind::Message,
            at: self.core.now,
            from: from.to_string(),
            to: to.to_string(),
            label,
            tokens,
            notes: Vec::new(),
        }
    }

    /// The next outcome number of an unnamed request of `client`.
    pub fn outcome_number(&mut self, client: ClientIx, named: u16) -> u16 {
        if named > 0 {
            return named;
        }
        let n = &mut self.outcome_numbers[client as usize];
        *n += 1;
        *n
    }

    /// The name of a presented token string.
    pub fn name(&self, presented: Option<&str>) -> Option<Name> {
        presented.and_then(|s| self.tokens.name(s))
    }

    /// The token answer (RFC 6749 §5.1) for a pair: `expires_in` and the
    /// `exp` claims carry the full lifetimes (whole seconds, rounded up).
    /// Clients that decide expiry on the wall clock wait them out for real;
    /// validity itself is decided on the virtual clock (docs/serve.md).
    pub fn token_answer(
        &mut self,
        at: At,
        rt: Rt,
        scope: Option<&str>,
        nonce: Option<&str>,
    ) -> Reply {
        let m = &self.core.model;
        let (access_ttl, refresh_ttl) = (m.access_ttl, m.refresh_ttl);
        let access = self.tokens.at(&self.keys, at, access_ttl);
        let refresh = self.tokens.rt(&self.keys, rt, refresh_ttl);
        let mut body = json!({
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": access_ttl.div_ceil(1000),
            "refresh_token": refresh,
        });
        if let Some(scope) = scope {
            body["scope"] = json!(scope);
            if scope.split(' ').any(|s| s == "openid") {
                body["id_token"] = json!(self.tokens.id_token(&self.keys, at, access_ttl, nonce));
            }
        }
        Reply::json(200, body)
    }

    /// Whether a route is one the scheduler parks.
    pub fn is_raced(route: &Route) -> bool {
        matches!(
            route,
            Route::Resource { .. } | Route::Revoke { .. } | Route::Logout { .. }
        ) || matches!(route, Route::Token(form) if form.get("grant_type").map(String::as_str) == Some("refresh_token"))
    }
}

impl Parked {
    /// This call as a policy sees it.
    pub fn option<'a>(&'a self, server: &Server) -> super::sched::Option_<'a> {
        let (stage, answer) = match &self.stage {
            Stage::Handle => ("handle", None),
            Stage::Commit(_) => ("commit", None),
            Stage::Release { reply, msg } => (
                "release",
                Some(msg.map_or_else(
                    || reply.status.to_string(),
                    |m| server.core.model.message_label(&m).text,
                )),
            ),
        };
        super::sched::Option_ {
            key: &self.key,
            actor: &self.actor,
            stage,
            kind: self.kind,
            answer,
        }
    }
}
