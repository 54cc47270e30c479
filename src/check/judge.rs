//! The invariants (docs/invariants.md) as judgements over the model's facts. Each fact
//! breaks at most one invariant; `requests_complete` is judged at the end of
//! a run. The model computes the ghost parts (was the session valid? was the
//! write older than one already stored?), so each rule here is one line.

use super::vacuity::Sightings;
use crate::explore::Monitor;
use crate::model::{client, Fact, Model, World};
use crate::scenario::{Auth, Invariant, OnRefreshFailure, Scenario, Step};

/// The invariant a fact breaks, if any.
pub fn broken_by(fact: &Fact) -> Option<Invariant> {
    match *fact {
        Fact::SessionError {
            session: Ok(()), ..
        } => Some(Invariant::NoErrorWhileRefreshValid),
        Fact::StoreWrite {
            stale_against: Some(_),
            ..
        } => Some(Invariant::NoStaleOverwrite),
        Fact::Accepted {
            after_expiry: true, ..
        } => Some(Invariant::ExpiredAccessRejected),
        Fact::Accepted {
            after_revocation: true,
            ..
        } => Some(Invariant::RevokedAccessRejected),
        Fact::Accepted {
            attacker_late: true,
            ..
        } => Some(Invariant::AttackerWindow),
        Fact::AttackerReplay {
            after_grace: true,
            got_tokens,
            family_survived,
            ..
        } if got_tokens || family_survived == Some(true) => Some(Invariant::ReplayDetected),
        Fact::Stolen {
            still_valid: true, ..
        } => Some(Invariant::NoTokenTheft),
        Fact::RefreshSent { repeat: true, .. } => Some(Invariant::SingleRefreshPerExpiry),
        Fact::StoreCleared { clobber: true, .. } => Some(Invariant::NoClobber),
        Fact::StoredAfterLogout { .. } => Some(Invariant::LogoutIsFinal),
        Fact::FamilyFork { .. } => Some(Invariant::NoFamilyFork),
        Fact::GraceHit { behind, .. } if behind >= 2 => Some(Invariant::GraceParentOnly),
        Fact::IssuedAfterLogout { .. } => Some(Invariant::LogoutIsFinal),
        _ => None,
    }
}

/// A fact can break several `Accepted` clauses at once; list them all.
pub fn all_broken_by(fact: &Fact, out: &mut Vec<Invariant>) {
    if let Fact::Accepted {
        after_expiry,
        after_revocation,
        attacker_late,
        ..
    } = *fact
    {
        let clauses = [
            (after_expiry, Invariant::ExpiredAccessRejected),
            (after_revocation, Invariant::RevokedAccessRejected),
            (attacker_late, Invariant::AttackerWindow),
        ];
        out.extend(clauses.iter().filter(|(hit, _)| *hit).map(|(_, i)| *i));
    } else if let Some(invariant) = broken_by(fact) {
        out.push(invariant);
    }
}

/// Invariants broken by how a run ended.
pub fn broken_at_end(world: &World) -> Option<Invariant> {
    client::incomplete(world)
        .next()
        .map(|_| Invariant::RequestsComplete)
}

/// Why an invariant cannot apply to a scenario (it then holds trivially);
/// shown as a note next to the verdict.
pub fn inapplicable(scenario: &Scenario, invariant: Invariant) -> Option<&'static str> {
    let script = || scenario.script.iter().map(|a| a.step(&scenario.clients));
    let has = |pred: fn(&Step) -> bool| script().any(|s| pred(&s));
    match invariant {
        Invariant::RevokedAccessRejected if !scenario.resource.check_denylist => {
            Some("the resource server does not check the denylist")
        }
        Invariant::NoTokenTheft if !has(|s| matches!(s, Step::Steal { .. })) => {
            Some("the script steals nothing")
        }
        Invariant::AttackerWindow if scenario.bounds.attacker_window.is_none() => {
            Some("no bounds.attacker_window is set")
        }
        Invariant::ReplayDetected if !has(|s| matches!(s, Step::Attack { .. })) => {
            Some("the attacker never replays a refresh token")
        }
        Invariant::RequestsComplete if !has(|s| matches!(s, Step::Request { .. })) => {
            Some("the script starts no request")
        }
        Invariant::NoFamilyFork => fork_impossible(&scenario.auth),
        Invariant::GraceParentOnly => grace_impossible(&scenario.auth),
        Invariant::LogoutIsFinal
            if !has(|s| matches!(s, Step::Logout { .. } | Step::RevokeAll)) =>
        {
            Some("the script has no logout and no revoke_all")
        }
        Invariant::NoClobber
            if scenario
                .clients
                .iter()
                .all(|c| c.on_refresh_failure == OnRefreshFailure::Keep) =>
        {
            Some("no client clears its store after a failed refresh")
        }
        _ => None,
    }
}

/// A fork needs two rotations of one RT to pass their checks.
fn fork_impossible(auth: &Auth) -> Option<&'static str> {
    if !auth.rotation {
        Some("rotation is off: a refresh token never gets a successor")
    } else if auth.atomic_rotation {
        Some("rotation is atomic: the check and the rotation of a refresh token are one step")
    } else {
        None
    }
}

/// `grace_parent_only` judges grace hits; some policies never serve one.
fn grace_impossible(auth: &Auth) -> Option<&'static str> {
    if !auth.rotation || auth.grace.millis() == 0 || auth.grace_uses == Some(0) {
        Some("the auth server never serves a grace hit")
    } else {
        None
    }
}

/// Judges the invariants a scenario checks; property index = position in
/// `invariants`. It also records what the search saw happen, to tell a
/// vacuous `holds` ([`super::vacuity`]).
pub struct InvariantMonitor {
    pub invariants: Vec<Invariant>,
    pub seen: Sightings,
}

impl InvariantMonitor {
    pub fn new(invariants: Vec<Invariant>) -> InvariantMonitor {
        InvariantMonitor {
            invariants,
            seen: Sightings::default(),
        }
    }

    fn push(&self, invariant: Invariant, hits: &mut Vec<usize>) {
        if let Some(i) = self.invariants.iter().position(|&x| x == invariant) {
            hits.push(i);
        }
    }
}

impl Monitor<Model> for InvariantMonitor {
    fn count(&self) -> usize {
        self.invariants.len()
    }

    fn observe(&self, _state: &World, fact: &Fact, hits: &mut Vec<usize>) {
        self.seen.record(fact);
        let mut broken = Vec::new();
        all_broken_by(fact, &mut broken);
        for invariant in broken {
            self.push(invariant, hits);
        }
    }

    fn at_end(&self, state: &World, hits: &mut Vec<usize>) {
        if let Some(invariant) = broken_at_end(state) {
            self.push(invariant, hits);
        }
    }
}
