//! Dead-data reduction (docs/performance.md "Forgetting what a finished
//! request knew"): once a request has ended — a payload, a session error or
//! a network error — nothing reads its retries left, the AT of its last
//! call, the RT it held or its preflight flag again. Every handler that
//! looks at a request looks at its phase first and ignores a finished one
//! (a late or duplicate answer, a timeout that lost the race), and the
//! invariants read only facts and whether a request finished. So a finished
//! request is reset to one canonical value per way of ending, and states
//! that differ only in what finished requests knew become one state.
//!
//! This changes the real state, not only a dedup key: every explorer, the
//! simulator and replay see the same reset, so traces stay real. The off
//! switch (`--no-forget`, `Model::forget_dead = false`) keeps the data, to
//! cross-check that verdicts and shortest counterexamples do not change.

use super::client::{End, Phase, Request};
use super::msg::RequestId;
use super::{Model, World};

/// Ends request `id` as `end`, forgetting its dead data unless the
/// reduction is off.
pub fn end(m: &Model, w: &mut World, id: RequestId, end: End) {
    let request = w.request_mut(id);
    request.phase = Phase::Done(end);
    if m.forget_dead {
        *request = finished(end);
    }
}

/// The one value a request that ended as `end` has under the reduction.
pub fn finished(end: End) -> Request {
    Request {
        phase: Phase::Done(end),
        retries_left: 0,
        last_at: None,
        held_rt: None,
        preflight_pending: false,
    }
}
