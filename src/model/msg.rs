//! Messages, timers and facts: the vocabulary actors exchange with the engine.
//! Each value names its sender and receiver, so the engine can route and
//! schedules can pin it without knowing what it means.

use super::token::{At, Family, Rt};

/// Index of a client in the scenario's `clients` list.
pub type ClientIx = u8;
/// A request: its client and its 1-based number within that client
/// (`tab1.req2` is `{client: 0, number: 2}`), so names need no lookup.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RequestId {
    pub client: ClientIx,
    pub number: u16,
}

/// Who makes an API call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Caller {
    Request(RequestId),
    /// The attacker's n-th call (1-based).
    Attacker(u16),
}

/// Who sends a refresh.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Refresher {
    Request(RequestId),
    /// A client's n-th proactive refresh (1-based).
    Proactive(ClientIx, u16),
    /// The attacker's n-th replay (1-based).
    Attacker(u16),
    /// Resend `n` (1-based) of a request's refresh whose earlier send timed
    /// out (`refresh_retries`): the same actor and RT, but a distinct sender,
    /// so a late answer to an earlier send is told apart and ignored.
    RequestResend(RequestId, u8),
    /// Resend `n` (1-based) of a client's proactive refresh `.1`.
    ProactiveResend(ClientIx, u16, u8),
}

impl Refresher {
    /// The refresher a resend repeats (itself for a first send): the actor
    /// that shows in traces.
    pub fn origin(self) -> Refresher {
        match self {
            Refresher::RequestResend(id, _) => Refresher::Request(id),
            Refresher::ProactiveResend(c, n, _) => Refresher::Proactive(c, n),
            first => first,
        }
    }

    /// 0 for a first send, `n` for the n-th resend.
    pub fn attempt(self) -> u8 {
        match self {
            Refresher::RequestResend(_, n) | Refresher::ProactiveResend(_, _, n) => n,
            _ => 0,
        }
    }

    /// The sender of the next resend of this refresh (attacker replays are
    /// never resent).
    pub fn resend(self) -> Refresher {
        let n = self.attempt() + 1;
        match self.origin() {
            Refresher::Request(id) => Refresher::RequestResend(id, n),
            Refresher::Proactive(c, p) => Refresher::ProactiveResend(c, p, n),
            other => unreachable!("no resend of {other:?}"),
        }
    }
}

/// Every message of the protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Msg {
    /// `GET /api ATk` to the resource server.
    Api { from: Caller, at: At },
    /// The resource server's answer: 200 payload or 401.
    ApiReply { to: Caller, at: At, ok: bool },
    /// The resource server asks the denylist about an AT.
    DenyCheck { caller: Caller, at: At },
    /// The denylist's answer.
    DenyReply {
        caller: Caller,
        at: At,
        revoked: bool,
    },
    /// `POST /refresh RTk` to the auth server.
    Refresh { from: Refresher, rt: Rt },
    /// `200 ATj RTj` for the presented RT.
    RefreshOk {
        to: Refresher,
        presented: Rt,
        at: At,
        rt: Rt,
    },
    /// The refresh was rejected (status `auth.refresh_error`).
    RefreshErr { to: Refresher, rt: Rt },
    /// A client's logout, carrying the RT it held.
    Logout { client: ClientIx, rt: Rt },
    /// The auth server puts an AT's jti on the denylist.
    Deny { at: At },
    /// `atomic_rotation: false`: a refresh of `rt` by `to` passed its check
    /// and its write is pending. The server sends it to itself on the
    /// virtual link `auth->auth` (window `commit_latency`), so other messages
    /// may be handled between check and commit. `grace`: the check found a
    /// grace hit rather than a first use.
    Commit { to: Refresher, rt: Rt, grace: bool },
}

/// Every timer. Declaration order is the order of deadlines due at one instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Timer {
    /// `exp` of an AT: no longer live; its denylist entry ends.
    AtExpiry(At),
    /// `exp + leeway` (only when leeway > 0): the resource server stops accepting it.
    AtResourceExpiry(At),
    /// Sliding expiry of one RT.
    RtExpiry(Rt),
    /// Absolute expiry of a family.
    FamilyExpiry(Family),
    /// The grace window of a rotated RT closes.
    GraceEnd(Rt),
    /// `timeout` after a request's API call was sent with no answer.
    CallTimeout(RequestId),
    /// `timeout` after a client refresh (or resend) was sent with no answer.
    RefreshTimeout(Refresher),
    /// `bounds.attacker_window` after the n-th theft (0-based).
    AttackerWindow(u8),
    /// Script entry n (0-based, file order).
    Script(u16),
    /// A client's proactive refresh timer.
    Proactive(ClientIx),
    /// `preflight`: the `exp` of the AT in the client's store, read on the
    /// client's own clock (skew included). A deadline, so a request that
    /// starts at that instant already finds the AT expired.
    PreflightExpiry(ClientIx, At),
}

impl Timer {
    /// Deadlines take effect before anything else at their instant.
    pub fn is_deadline(self) -> bool {
        !matches!(self, Timer::Script(_) | Timer::Proactive(_))
    }
}

/// A named time point: the issue of an AT, for proactive timers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mark {
    Issued(At),
}

/// Why a request ended in a user-visible error: a session error, or (the
/// two `TimedOut` causes) a network error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorCause {
    /// Its store was empty when it needed a token.
    EmptyStore,
    /// A 401 with no retry left.
    NoRetryLeft,
    /// The refresh was rejected.
    RefreshRejected,
    /// The refresh answer arrived after logout and was discarded.
    DiscardedAfterLogout,
    /// The API call got no answer within the client's `timeout`.
    CallTimedOut,
    /// The refresh (and every resend) got no answer within `timeout`.
    RefreshTimedOut,
}

impl ErrorCause {
    /// A timeout is a network error, not a session error (docs/scenario-format.md).
    pub fn is_network(self) -> bool {
        matches!(self, ErrorCause::CallTimedOut | ErrorCause::RefreshTimedOut)
    }
}

/// Something that happened in a step; `check/` turns facts into verdicts.
/// Facts carry the ghost judgements only the model can make (was the session
/// valid?), so invariants stay simple functions of one fact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fact {
    SessionError {
        request: RequestId,
        family: Option<Family>,
        cause: ErrorCause,
        /// `Ok` = the session was valid (the bug); `Err(reason)` = excused.
        session: Result<(), &'static str>,
    },
    Completed {
        request: RequestId,
    },
    /// A request ended in a network error (a timeout with no retry left):
    /// visible to the user, not a session error, and complete.
    NetworkError {
        request: RequestId,
        cause: ErrorCause,
    },
    /// `on_refresh_failure: clear` emptied a store after a refresh with
    /// `presented` failed; `clobber` when the wiped pair was newer than
    /// `presented` (docs/invariants.md `no_clobber`).
    StoreCleared {
        store: u8,
        presented: Rt,
        wiped: super::token::Pair,
        clobber: bool,
    },
    /// A store took a pair of a family it had sent the logout of (docs/invariants.md
    /// `logout_is_final`, the client clause; `after_logout: store`).
    StoredAfterLogout {
        store: u8,
        written: super::token::Pair,
    },
    StoreWrite {
        store: u8,
        stale_against: Option<super::token::Pair>,
        written: super::token::Pair,
    },
    RefreshSent {
        device: u8,
        trigger: At,
        repeat: bool,
        refresher: Refresher,
    },
    Accepted {
        caller: Caller,
        at: At,
        after_expiry: bool,
        after_revocation: bool,
        /// Attacker call accepted after its bounded window closed.
        attacker_late: bool,
    },
    Stolen {
        at: Option<At>,
        rt: Option<Rt>,
        still_valid: bool,
    },
    StealFoundNothing {
        why: &'static str,
    },
    AttackerReplay {
        rt: Rt,
        after_grace: bool,
        got_tokens: bool,
        family_survived: Option<bool>,
    },
    Revoked {
        family: Family,
        why: super::token::Revocation,
    },
    /// An `attack` with nothing of the requested kind to use.
    AttackNoop,
    /// A logout with an empty store sends nothing.
    LogoutNoop {
        client: ClientIx,
    },
    /// A rotating use of `rt` found it already rotated: a second successor
    /// not issued under grace (`no_family_fork`).
    FamilyFork {
        family: Family,
        rt: Rt,
        successor: Rt,
    },
    /// The auth server accepted a used `rt` under grace; `behind` is the
    /// depth of the family's newest RT minus that of `rt`
    /// (`grace_parent_only` wants at most 1).
    GraceHit {
        rt: Rt,
        newest: Rt,
        behind: u16,
    },
    /// The auth server issued (or returned a cached) pair of a family whose
    /// logout or `revoke_all` it had already processed (the auth clause of
    /// `logout_is_final`).
    IssuedAfterLogout {
        family: Family,
        at: At,
        rt: Rt,
    },
    /// Something an invariant talks about happened; no invariant breaks on
    /// it. `check/` records these to tell a `holds` that was put to the
    /// test from a vacuous one (nothing it talks about ever happened).
    Did(Activity),
}

/// What happened, as far as the vacuity of a `holds` is concerned (the
/// other facts, such as `RefreshSent` or `Stolen`, say the rest).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activity {
    /// The user logged in on a client.
    Login,
    /// A `request` action started its calls.
    Request,
    /// A client sent its logout (an empty store sends none).
    Logout,
    /// A `revoke_all` took effect.
    RevokeAll,
    /// An API call arrived at the resource server: from the attacker or a
    /// request, with an AT already past `exp + leeway` or not.
    Call { attacker: bool, expired: bool },
    /// The resource server's denylist question arrived; whether the AT was
    /// listed.
    DenylistCheck { listed: bool },
}
