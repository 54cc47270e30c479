//! Grace for a rotated refresh token (docs/scenario-format.md `grace`, `grace_returns` and
//! the (v1.1) `grace_scope`, `grace_uses`, `grace_until_used`): whether a
//! used RT is still served, what it gets, and what ends its grace early.
//!
//! A grace window opens at the RT's first (rotating) use and closes at its
//! `GraceEnd` deadline, at its `grace_uses`-th hit, or — with
//! `grace_until_used` — when its successor is used. Closing early cancels the
//! deadline, so equal worlds stay equal states.

use super::{issue_at, issue_rt};
use crate::engine::{Urgency, When};
use crate::model::msg::{Fact, Timer};
use crate::model::token::{At, Rt};
use crate::model::{Model, Out, World};
use crate::scenario::{GraceReturns, GraceScope};

/// The check would serve `rt` (a used RT) under grace now: its window is
/// open, it has hits left, and `grace_scope` covers it.
pub fn applies(m: &Model, w: &World, rt: Rt) -> bool {
    let record = w.rt(rt);
    m.grace > 0 && record.grace_open && hits_left(m, record.grace_hits) && in_scope(m, w, rt)
}

fn hits_left(m: &Model, hits: u32) -> bool {
    m.scenario
        .auth
        .grace_uses
        .map_or(true, |limit| hits < limit)
}

/// `parent`: only the immediate predecessor of the family's newest RT (the
/// highest-numbered one); `any_ancestor`: every RT whose window is open.
fn in_scope(m: &Model, w: &World, rt: Rt) -> bool {
    match m.scenario.auth.grace_scope {
        GraceScope::AnyAncestor => true,
        GraceScope::Parent => {
            let newest = w.family(w.rt(rt).family).newest_rt;
            w.rt(newest).parent == Some(rt)
        }
    }
}

/// The fact of a grace hit on `rt`, with its distance to the newest RT.
pub fn hit_fact(w: &World, rt: Rt) -> Fact {
    let newest = w.family(w.rt(rt).family).newest_rt;
    Fact::GraceHit {
        rt,
        newest,
        behind: w.rt(newest).depth.saturating_sub(w.rt(rt).depth),
    }
}

/// The first, rotating use of `rt`: its grace window opens.
pub fn open(m: &Model, w: &mut World, rt: Rt, out: &mut Out) {
    if m.grace > 0 {
        w.rt_mut(rt).grace_open = true;
        out.timer(Timer::GraceEnd(rt), When::After(m.grace), Urgency::Deadline);
    }
}

/// Ends the grace of `rt` before its deadline.
fn close(w: &mut World, rt: Rt, out: &mut Out) {
    if w.rt(rt).grace_open {
        w.rt_mut(rt).grace_open = false;
        out.cancel(Timer::GraceEnd(rt));
    }
}

/// Serves a grace hit on `rt` as `grace_returns` says and counts it.
pub fn serve(m: &Model, w: &mut World, rt: Rt, out: &mut Out) -> (At, Rt) {
    let family = w.rt(rt).family;
    let pair = match m.scenario.auth.grace_returns {
        GraceReturns::Same => w.rt(rt).successor.expect("a used RT has a successor"),
        GraceReturns::New => {
            let at = issue_at(m, w, family, Some(rt), out);
            (at, issue_rt(m, w, family, Some(rt), out))
        }
        GraceReturns::Presented => (issue_at(m, w, family, Some(rt), out), rt),
    };
    if m.scenario.auth.grace_uses.is_some() {
        // Counted only under a limit, so unlimited grace keeps equal worlds equal.
        let record = w.rt_mut(rt);
        record.grace_hits = record.grace_hits.saturating_add(1);
        if !hits_left(m, record.grace_hits) {
            close(w, rt, out);
        }
    }
    pair
}

/// `grace_until_used`: `rt` reached the auth server, so the grace of the RT
/// it was issued for ends.
pub fn successor_presented(m: &Model, w: &mut World, rt: Rt, out: &mut Out) {
    if let Some(parent) = w.rt(rt).parent.filter(|_| m.scenario.auth.grace_until_used) {
        close(w, parent, out);
    }
}

/// `grace_until_used`: the resource server accepted `at`, so the grace of
/// the RT it was issued for ends (the servers share their token records).
pub fn successor_accepted(m: &Model, w: &mut World, at: At, out: &mut Out) {
    if let Some(parent) = w.at(at).parent.filter(|_| m.scenario.auth.grace_until_used) {
        close(w, parent, out);
    }
}
