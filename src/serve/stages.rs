//! Taking one parked call one stage further (handle, commit, release), and
//! moving the virtual clock: each step advances it by 1 ms, script entries
//! set it to their time, and every deadline passed fires on the way and
//! shows as a timer note.

use super::call::Reply;
use super::core::Produced;
use super::record::Entry;
use super::script::Trigger;
use super::server::{Kind, Server, Stage};
use crate::engine::Millis;
use crate::model::{Fact, Msg};
use crate::scenario::Step;
use crate::trace::StepKind;
use serde_json::json;

/// What a step did, for quiescence: only a released answer can make the
/// client send more.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Took {
    Internal,
    Released,
}

impl Server {
    /// Takes parked call `i` one stage further.
    pub fn execute(&mut self, i: usize) -> Took {
        self.tick(self.core.now + 1);
        let stage = self.parked[i].stage.clone();
        match stage {
            Stage::Handle => {
                self.handle(i);
                Took::Internal
            }
            Stage::Commit(msg) => {
                let produced = self.core.deliver(msg);
                let label = self.core.model.message_label(&msg);
                let entry = self.message("auth", "auth", label.text, label.tokens);
                self.record(entry, &produced.facts);
                self.answered(i, produced);
                Took::Internal
            }
            Stage::Release { reply, msg } => {
                self.release(i, reply, msg);
                Took::Released
            }
        }
    }

    fn handle(&mut self, i: usize) {
        let (client, number, kind) = {
            let p = &self.parked[i];
            (p.client, p.number, p.kind)
        };
        let msg = self.request_msg(client, number, kind);
        let mut facts: Vec<Fact> = Vec::new();
        let world = &self.core.world;
        match kind {
            Kind::Api(at) => self.observed.presented_at(world, client, at),
            Kind::Refresh(rt) => {
                let id = crate::model::msg::RequestId { client, number };
                facts.push(self.observed.refresh_sent(&self.core.model, world, id, rt));
            }
            Kind::Logout(rt) => {
                let family = world.rt(rt).family;
                self.observed.logged_out(&self.core.model, client, family);
                self.core.user_logged_out(family);
                let consumed = self.script.consume(Trigger::Logout);
                self.follow_script(consumed);
            }
            Kind::RevokeAt(_) => {}
        }
        let produced = self.core.deliver(msg);
        facts.extend(produced.facts.iter().cloned());
        let p = &self.parked[i];
        let to = if matches!(kind, Kind::Api(_)) {
            "resource"
        } else {
            "auth"
        };
        let label = self.core.model.message_label(&msg);
        let entry = self.message(&p.actor.clone(), to, p.label.clone(), label.tokens);
        self.record(entry, &facts);
        self.answered(
            i,
            Produced {
                facts: Vec::new(),
                ..produced
            },
        );
    }

    /// Turns what the server produced for call `i` into its next stage.
    fn answered(&mut self, i: usize, produced: Produced) {
        let msg = produced.outbound.first().copied();
        let next = match msg {
            Some(Msg::Commit { .. }) => Stage::Commit(msg.expect("some")),
            Some(m @ Msg::ApiReply { ok, at, .. }) => {
                let reply = if ok {
                    Reply::json(
                        200,
                        json!({"ok": true, "sub": self.tokens.sub, "at": at.to_string()}),
                    )
                } else {
                    Reply::invalid_token(&format!("{at} is expired or revoked"))
                };
                Stage::Release {
                    reply,
                    msg: Some(m),
                }
            }
            Some(m @ Msg::RefreshOk { at, rt, .. }) => {
                let reply = self.token_answer(at, rt, None, None);
                Stage::Release {
                    reply,
                    msg: Some(m),
                }
            }
            Some(m @ Msg::RefreshErr { rt, .. }) => {
                let status = self.core.model.scenario.auth.refresh_error;
                let reply =
                    Reply::oauth_error(status, "invalid_grant", &format!("{rt} is not valid"));
                Stage::Release {
                    reply,
                    msg: Some(m),
                }
            }
            _ => {
                // A logout or revocation: no answer in the model, so nothing to order.
                let mut parked = self.parked.remove(i);
                if let Some(tx) = parked.reply.take() {
                    let _ = tx.send(Reply::json(200, json!({})));
                }
                return;
            }
        };
        let mut parked = self.parked.remove(i);
        parked.stage = next;
        self.rekey(&mut parked);
        self.parked.insert(i, parked);
    }

    fn release(&mut self, i: usize, reply: Reply, msg: Option<Msg>) {
        let mut parked = self.parked.remove(i);
        match msg {
            Some(Msg::ApiReply { ok: false, at, .. }) => {
                self.observed
                    .released_401(&self.core.model, parked.client, at)
            }
            Some(Msg::RefreshOk { .. }) => self.observed.refresh_answered(parked.client, false),
            Some(Msg::RefreshErr { .. }) => self.observed.refresh_answered(parked.client, true),
            _ => {}
        }
        let from = if matches!(parked.kind, Kind::Api(_)) {
            "resource"
        } else {
            "auth"
        };
        let (text, tokens) = match msg {
            Some(m) => {
                let label = self.core.model.message_label(&m);
                (label.text, label.tokens)
            }
            None => (reply.status.to_string(), Vec::new()),
        };
        let entry = self.message(from, &parked.actor, text, tokens);
        self.record(entry, &[]);
        if let Some(tx) = parked.reply.take() {
            let _ = tx.send(reply);
        }
    }

    /// The client is idle with nothing parked: the clock goes to the next
    /// `request` entry, if any. True when the clock moved.
    pub fn idle(&mut self) -> bool {
        let consumed = self.script.consume(Trigger::Idle);
        let moved = !consumed.is_empty();
        self.follow_script(consumed);
        moved
    }

    /// Applies consumed script entries: their times, and `revoke_all`.
    pub fn follow_script(&mut self, consumed: Vec<(Millis, Step)>) {
        for (at, step) in consumed {
            self.tick(at);
            let note = match step {
                Step::RevokeAll => {
                    let produced = self.core.revoke_all();
                    let entry = self.action(
                        "user",
                        "revoke_all",
                        "the user's sessions are revoked everywhere",
                    );
                    self.record(entry, &produced.facts);
                    continue;
                }
                Step::Steal { .. } | Step::Attack { .. } | Step::Skew { .. } => {
                    "serve has no attacker and no client clocks: this script entry is passed over"
                }
                _ => continue,
            };
            let entry = self.action("user", &format!("{step:?}"), note);
            self.record(entry, &[]);
        }
    }

    /// Moves the clock to `to`, recording each deadline that fired.
    pub fn tick(&mut self, to: Millis) {
        let produced = self.core.advance(to);
        for timer in produced.fired {
            let label = self.core.model.timer_label(&timer);
            let entry = Entry {
                kind: StepKind::Timer,
                at: self.core.now,
                from: label.from,
                to: label.to,
                label: label.text,
                tokens: label.tokens,
                notes: Vec::new(),
            };
            self.record(entry, &[]);
        }
    }

    fn action(&self, actor: &str, label: &str, note: &str) -> Entry {
        Entry {
            kind: StepKind::Action,
            at: self.core.now,
            from: actor.to_string(),
            to: actor.to_string(),
            label: label.to_string(),
            tokens: Vec::new(),
            notes: vec![note.to_string()],
        }
    }
}
