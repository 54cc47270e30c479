//! Vacuous `holds`: an invariant that held only because nothing it talks
//! about ever happened (no login, no refresh sent, no steal …). Decided
//! from what the search saw — the facts of every explored step, recorded by
//! [`Sightings`] — never guessed from the scenario's text, so a script
//! that steals from an empty store, or a logout that is never sent, counts
//! as what it is.
//!
//! Why this is sound for a `holds`: `holds` comes only from a search that
//! covered every reachable state, and every step's facts are observed on
//! the way (symmetry merges only isomorphic states; a transition a sleep
//! set skips is taken from another state with the same facts). The union
//! of what was seen is therefore what some execution does, whatever the
//! thread count or reduction.

use crate::model::{Activity, Caller, Fact, Refresher};
use crate::scenario::{Invariant, Scenario};
use serde::Serialize;
use std::sync::atomic::{AtomicU32, Ordering};

/// Why a `holds` is vacuous: what never happened on any explored path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Vacuity {
    NoRequest,
    NoLogin,
    NoRefresh,
    NoExpiredAccess,
    NoDenylistCheck,
    NoListedAccess,
    NoAttackerReplay,
    NoSteal,
    NoAttackerWindow,
    NoAttackerCall,
    NoLogout,
    NoStoreCleared,
    NoGraceHit,
}

impl Vacuity {
    /// In words, for notes: `holds (vacuous: no refresh was ever sent)`.
    pub fn why(self) -> &'static str {
        match self {
            Vacuity::NoRequest => "no request was ever started",
            Vacuity::NoLogin => "no login ever happened",
            Vacuity::NoRefresh => "no refresh was ever sent",
            Vacuity::NoExpiredAccess => "no expired access token ever reached the resource server",
            Vacuity::NoDenylistCheck => "the resource server never asked the denylist",
            Vacuity::NoListedAccess => "no call ever presented an access token the denylist listed",
            Vacuity::NoAttackerReplay => {
                "the attacker never replayed a refresh token after its grace"
            }
            Vacuity::NoSteal => "nothing was ever stolen",
            Vacuity::NoAttackerWindow => "no bounds.attacker_window is set",
            Vacuity::NoAttackerCall => "no attacker call ever reached the resource server",
            Vacuity::NoLogout => "no logout was ever sent and no revoke_all ever happened",
            Vacuity::NoStoreCleared => "no store was ever cleared after a failed refresh",
            Vacuity::NoGraceHit => "the auth server never served a grace hit",
        }
    }

    /// The note of a vacuous `holds`.
    pub fn note(self) -> String {
        format!("vacuous: {}", self.why())
    }

    /// The thing whose absence this names (`None`: decided by configuration).
    fn sight(self) -> Option<Sight> {
        Some(match self {
            Vacuity::NoRequest => Sight::Request,
            Vacuity::NoLogin => Sight::Login,
            Vacuity::NoRefresh => Sight::Refresh,
            Vacuity::NoExpiredAccess => Sight::ExpiredAccess,
            Vacuity::NoDenylistCheck => Sight::DenylistCheck,
            Vacuity::NoListedAccess => Sight::ListedAccess,
            Vacuity::NoAttackerReplay => Sight::AttackerReplay,
            Vacuity::NoSteal => Sight::Steal,
            Vacuity::NoAttackerCall => Sight::AttackerCall,
            Vacuity::NoLogout => Sight::Logout,
            Vacuity::NoStoreCleared => Sight::StoreCleared,
            Vacuity::NoGraceHit => Sight::GraceHit,
            Vacuity::NoAttackerWindow => return None,
        })
    }
}

/// Things worth having seen, one bit each in [`Sightings`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sight {
    Request,
    Login,
    Refresh,
    ExpiredAccess,
    DenylistCheck,
    ListedAccess,
    AttackerReplay,
    Steal,
    AttackerCall,
    Logout,
    StoreCleared,
    GraceHit,
}

impl Sight {
    fn bit(self) -> u32 {
        1 << self as u32
    }
}

/// What a fact shows happened (a few facts show two things).
fn sights(fact: &Fact) -> [Option<Sight>; 2] {
    let one = |s| [Some(s), None];
    match *fact {
        Fact::Did(Activity::Login) => one(Sight::Login),
        Fact::Did(Activity::Request) => one(Sight::Request),
        Fact::Did(Activity::Logout | Activity::RevokeAll) => one(Sight::Logout),
        Fact::Did(Activity::Call { attacker, expired }) => [
            expired.then_some(Sight::ExpiredAccess),
            attacker.then_some(Sight::AttackerCall),
        ],
        Fact::Did(Activity::DenylistCheck { listed }) => [
            Some(Sight::DenylistCheck),
            listed.then_some(Sight::ListedAccess),
        ],
        // A refresh by a client; the attacker's are replays.
        Fact::RefreshSent { refresher, .. } if !matches!(refresher, Refresher::Attacker(_)) => {
            one(Sight::Refresh)
        }
        Fact::AttackerReplay {
            after_grace: true, ..
        } => one(Sight::AttackerReplay),
        Fact::Stolen { .. } => one(Sight::Steal),
        // HttpOnly storage defeated the theft: the invariant was tested.
        Fact::StealFoundNothing { why } if !why.contains("empty") => one(Sight::Steal),
        Fact::StoreCleared { .. } => one(Sight::StoreCleared),
        Fact::GraceHit { .. } => one(Sight::GraceHit),
        // Accepted after expiry breaks the invariant: it was tested.
        Fact::Accepted {
            caller,
            after_expiry,
            ..
        } => [
            after_expiry.then_some(Sight::ExpiredAccess),
            matches!(caller, Caller::Attacker(_)).then_some(Sight::AttackerCall),
        ],
        _ => [None, None],
    }
}

/// What the search has seen so far, shared by its worker threads. Bits are
/// only ever set, so the result does not depend on the order of steps.
#[derive(Debug, Default)]
pub struct Sightings(AtomicU32);

impl Sightings {
    pub fn record(&self, fact: &Fact) {
        for sight in sights(fact).into_iter().flatten() {
            // Read first: once set, a bit costs its threads no shared write.
            if self.0.load(Ordering::Relaxed) & sight.bit() == 0 {
                self.0.fetch_or(sight.bit(), Ordering::Relaxed);
            }
        }
    }

    fn seen(&self, sight: Sight) -> bool {
        self.0.load(Ordering::Relaxed) & sight.bit() != 0
    }

    /// Why a `holds` on `invariant` is vacuous, if it is: the first thing
    /// it talks about that was never seen.
    pub fn vacuity(&self, scenario: &Scenario, invariant: Invariant) -> Option<Vacuity> {
        use Vacuity::*;
        let needs: &[Vacuity] = match invariant {
            Invariant::NoErrorWhileRefreshValid => &[NoRequest, NoLogin],
            Invariant::NoStaleOverwrite => &[NoLogin, NoRefresh],
            Invariant::RequestsComplete => &[NoRequest],
            Invariant::ExpiredAccessRejected => &[NoExpiredAccess],
            Invariant::RevokedAccessRejected => &[NoDenylistCheck, NoListedAccess],
            Invariant::ReplayDetected => &[NoAttackerReplay],
            Invariant::NoTokenTheft => &[NoSteal],
            Invariant::SingleRefreshPerExpiry => &[NoLogin, NoRefresh],
            Invariant::AttackerWindow => &[NoAttackerWindow, NoAttackerCall],
            Invariant::NoFamilyFork => &[NoLogin, NoRefresh],
            Invariant::LogoutIsFinal => &[NoLogout],
            Invariant::NoClobber => &[NoStoreCleared],
            Invariant::GraceParentOnly => &[NoGraceHit],
        };
        needs.iter().copied().find(|v| match v.sight() {
            Some(sight) => !self.seen(sight),
            None => scenario.bounds.attacker_window.is_none(),
        })
    }
}

#[cfg(test)]
#[path = "vacuity_tests.rs"]
mod tests;
