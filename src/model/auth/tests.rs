//! The auth server's rules driven by hand: each test presents refresh tokens
//! in one chosen order and reads the answers, so every (v1.1) setting is
//! checked on its own, without an explorer.

use super::{on_commit, on_deadline, on_logout, on_refresh};
use crate::engine::Protocol;
use crate::model::msg::{Caller, Fact, Msg, Refresher, RequestId, Timer};
use crate::model::token::{At, Rt};
use crate::model::{resource, Model, Out, World};
use crate::scenario::Scenario;

struct Server {
    model: Model,
    world: World,
    facts: Vec<Fact>,
    /// Commits sent and not yet delivered (non-atomic rotation).
    commits: Vec<Msg>,
}

const TAB: Refresher = Refresher::Request(RequestId {
    client: 0,
    number: 1,
});

impl Server {
    /// A server with `auth` settings and one login (AT1, RT1).
    fn new(auth: &str) -> Server {
        let json = format!(
            r#"{{"name": "t", "auth": {auth}, "clients": [{{"name": "tab1"}}],
               "script": [{{"at": "0s", "do": "login", "client": "tab1"}}]}}"#
        );
        let scenario: Scenario = serde_json::from_str(&json).expect("parses");
        let model = Model::build(&scenario);
        let mut out = Out::default();
        let world = model.init(&mut out);
        let mut server = Server {
            model,
            world,
            facts: Vec::new(),
            commits: Vec::new(),
        };
        server.fire(Timer::Script(0));
        server
    }

    fn absorb(&mut self, out: Out) -> Option<Result<(At, Rt), ()>> {
        self.facts.extend(out.facts);
        let mut answer = None;
        for msg in out.sends {
            match msg {
                Msg::RefreshOk { at, rt, .. } => answer = Some(Ok((at, rt))),
                Msg::RefreshErr { .. } => answer = Some(Err(())),
                Msg::Commit { .. } => self.commits.push(msg),
                _ => {}
            }
        }
        answer
    }

    fn fire(&mut self, timer: Timer) {
        let mut out = Out::default();
        self.model.fire(&mut self.world, &timer, &mut out);
        self.absorb(out);
    }

    /// Presents `RTn`; the answer, or `None` while its commit is pending.
    fn refresh(&mut self, rt: u16) -> Option<Result<(At, Rt), ()>> {
        let mut out = Out::default();
        on_refresh(&self.model, &mut self.world, TAB, Rt(rt), &mut out);
        self.absorb(out)
    }

    /// Delivers the oldest pending commit and returns its answer.
    fn commit(&mut self) -> Result<(At, Rt), ()> {
        let Msg::Commit { to, rt, grace } = self.commits.remove(0) else {
            unreachable!("only commits are kept")
        };
        let mut out = Out::default();
        on_commit(&self.model, &mut self.world, to, rt, grace, &mut out);
        self.absorb(out).expect("a commit answers")
    }

    fn logout(&mut self, rt: u16) {
        let mut out = Out::default();
        on_logout(&self.model, &mut self.world, Rt(rt), &mut out);
        self.absorb(out);
    }

    fn accept_at(&mut self, at: u16) {
        let mut out = Out::default();
        let caller = Caller::Request(RequestId {
            client: 0,
            number: 1,
        });
        resource::on_api(&self.model, &mut self.world, caller, At(at), &mut out);
        self.absorb(out);
    }

    fn ok(&mut self, rt: u16) -> (u16, u16) {
        match self.refresh(rt) {
            Some(Ok((at, rt))) => (at.0, rt.0),
            other => panic!("RT{rt} not served: {other:?}"),
        }
    }

    fn rejected(&mut self, rt: u16) -> bool {
        self.refresh(rt) == Some(Err(()))
    }
}

#[test]
fn parent_scope_serves_only_the_predecessor_of_the_newest_rt() {
    let mut s = Server::new(r#"{"grace": "1h"}"#);
    assert_eq!(s.ok(1), (2, 2));
    assert_eq!(s.ok(1), (2, 2), "RT1 is the parent of the newest RT2");
    assert_eq!(s.ok(2), (3, 3));
    assert!(s.rejected(1), "RT1 is two generations behind RT3");
}

#[test]
fn any_ancestor_scope_serves_a_grandparent_and_says_how_far_behind() {
    let mut s = Server::new(r#"{"grace": "1h", "grace_scope": "any_ancestor"}"#);
    s.ok(1);
    s.ok(2);
    assert_eq!(s.ok(1), (2, 2));
    assert!(s.facts.contains(&Fact::GraceHit {
        rt: Rt(1),
        newest: Rt(3),
        behind: 2
    }));
}

#[test]
fn grace_uses_counts_grace_hits_but_not_the_rotating_use() {
    let mut s = Server::new(r#"{"grace": "1h", "grace_uses": 2}"#);
    s.ok(1);
    s.ok(1);
    s.ok(1);
    assert!(s.rejected(1), "a third grace hit is over the limit");
    let mut none = Server::new(r#"{"grace": "1h", "grace_uses": 0}"#);
    none.ok(1);
    assert!(none.rejected(1), "grace_uses 0 serves no grace hit");
}

#[test]
fn grace_until_used_ends_when_the_successor_rt_is_presented() {
    for (until_used, served) in [(false, true), (true, false)] {
        let auth = format!(
            r#"{{"grace": "1h", "grace_scope": "any_ancestor", "grace_until_used": {until_used}}}"#
        );
        let mut s = Server::new(&auth);
        s.ok(1);
        s.ok(2);
        assert_eq!(!s.rejected(1), served, "grace_until_used {until_used}");
    }
}

#[test]
fn grace_until_used_ends_when_the_successor_at_is_accepted() {
    let mut s = Server::new(r#"{"grace": "1h", "grace_until_used": true}"#);
    assert_eq!(s.ok(1), (2, 2));
    s.accept_at(1);
    assert_eq!(s.ok(1), (2, 2), "AT1 is no successor of RT1");
    s.accept_at(2);
    assert!(s.rejected(1), "accepting AT2 ended RT1's grace");
}

#[test]
fn grace_returns_presented_hands_back_the_rotated_rt_with_a_new_at() {
    let mut s = Server::new(r#"{"grace": "1h", "grace_returns": "presented"}"#);
    assert_eq!(s.ok(1), (2, 2));
    assert_eq!(s.ok(1), (3, 1));
}

#[test]
fn the_check_order_puts_revocation_before_grace_and_expiry_before_reuse() {
    let mut s = Server::new(r#"{"grace": "1h"}"#);
    s.ok(1);
    s.logout(2);
    assert!(s.rejected(1), "a revoked family gets no grace");
    let mut e = Server::new(r#"{"grace": "1s", "reuse": "revoke_family"}"#);
    e.ok(1);
    e.fire(Timer::GraceEnd(Rt(1)));
    e.fire(Timer::RtExpiry(Rt(1)));
    assert!(e.rejected(1));
    assert!(
        !e.facts.iter().any(|f| matches!(f, Fact::Revoked { .. })),
        "an expired RT is rejected without reuse detection"
    );
}

#[test]
fn a_non_atomic_rotation_answers_at_its_commit_and_can_fork() {
    let mut s = Server::new(r#"{"atomic_rotation": false}"#);
    assert_eq!(s.refresh(1), None, "the check only sends the commit");
    assert_eq!(s.refresh(1), None, "RT1 is not used until the commit");
    assert_eq!(s.commit(), Ok((At(2), Rt(2))));
    assert_eq!(s.commit(), Ok((At(3), Rt(3))));
    assert!(s.facts.contains(&Fact::FamilyFork {
        family: crate::model::token::Family(0),
        rt: Rt(1),
        successor: Rt(3),
    }));
    assert_eq!(s.world.rt(Rt(1)).successor, Some((At(2), Rt(2))));
    assert!(s.rejected(1), "a reuse is rejected at its check");
}

#[test]
fn a_non_atomic_commit_after_a_logout_issues_tokens_of_the_revoked_family() {
    let mut s = Server::new(r#"{"atomic_rotation": false}"#);
    assert_eq!(s.refresh(1), None);
    s.logout(1);
    assert_eq!(
        s.commit(),
        Ok((At(2), Rt(2))),
        "the commit re-checks nothing"
    );
    assert!(s
        .facts
        .iter()
        .any(|f| matches!(f, Fact::IssuedAfterLogout { .. })));
}

#[test]
fn a_non_atomic_grace_hit_counts_at_its_commit() {
    let mut s = Server::new(r#"{"grace": "1h", "grace_uses": 1, "atomic_rotation": false}"#);
    s.refresh(1);
    assert_eq!(s.commit(), Ok((At(2), Rt(2))));
    s.refresh(1);
    s.refresh(1);
    assert_eq!(s.commits.len(), 2, "both checks saw a grace hit left");
    assert_eq!(s.commit(), Ok((At(2), Rt(2))));
    assert_eq!(s.commit(), Ok((At(2), Rt(2))));
    assert!(s.rejected(1), "the limit is reached once written");
}

#[test]
fn a_grace_end_deadline_closes_the_window() {
    let mut s = Server::new(r#"{"grace": "1s"}"#);
    s.ok(1);
    let mut out = Out::default();
    on_deadline(&s.model, &mut s.world, Timer::GraceEnd(Rt(1)), &mut out);
    assert!(s.rejected(1));
}
