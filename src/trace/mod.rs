//! The output boundary: a [`Trace`] is everything needed to show, replay and
//! re-judge one execution — the normalised scenario, the seed, every choice
//! with its concrete time, the readable steps and the verdicts. It is the
//! only output type that is serialised; renderers read it and nothing else.

use crate::engine::{Choice, Millis};
use crate::scenario::{Invariant, Scenario};
use serde::{Deserialize, Serialize};

/// Bumped whenever a saved trace could no longer be replayed by this code.
pub const FORMAT_VERSION: u32 = 1;

/// One execution, self-contained.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Trace {
    pub format: u32,
    /// `tokenrace <version>`: a replay by another version is refused.
    pub tool: String,
    pub scenario: Scenario,
    pub seed: u64,
    /// How this execution was found: `run`, `bfs`, `dfs`, `random`, `replay`.
    pub found_by: String,
    /// Participants in diagram order: user, clients and their requests,
    /// resource, auth, denylist, attacker (only those that appear).
    pub actors: Vec<String>,
    /// The replay unit: every choice, with concrete times.
    pub choices: Vec<Choice>,
    pub steps: Vec<TraceStep>,
    pub verdicts: Vec<TraceVerdict>,
    /// A run of a real client under `tokenrace serve` (`found_by: serve`):
    /// what replays it. Absent in traces of the model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serve: Option<ServeRecord>,
}

/// How a `serve` run was driven: the command, and the scheduler's decision
/// at every point where more than one request or answer was parked, by key
/// (`handle tab1 POST /refresh RT1`, `release tab1 401 (AT1 rejected)`).
/// `tokenrace serve --schedule` of the trace takes the same decisions.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ServeRecord {
    /// The client command (empty: an interactive session).
    pub command: Vec<String>,
    /// 1-based index of this run in its exploration.
    pub run: u64,
    /// The exploration seed.
    pub seed: u64,
    /// Settle window of quiescence detection, in wall-clock ms.
    pub settle_ms: u64,
    pub decisions: Vec<String>,
    /// Resource calls were ordered too (`serve --no-reduction`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub no_reduction: bool,
    /// Where the client did not do what the followed schedule expected.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub divergences: Vec<String>,
}

/// One step as a reader sees it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TraceStep {
    /// 1-based, as `autonumber` counts messages in Mermaid.
    pub index: usize,
    /// Virtual time of the step, in ms.
    pub at: Millis,
    pub kind: StepKind,
    /// For a message: its sender. For a timer or action: the actor it belongs to.
    pub from: String,
    /// For a message: its receiver. For a timer: the same as `from`.
    pub to: String,
    /// `GET /api AT1`, `401`, `POST /refresh RT1`, `200 AT2 RT2`, `AT1 expires`.
    pub label: String,
    /// Token names involved (`AT1`, `RT2`), for search and highlighting.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tokens: Vec<String>,
    /// When a delivered message was sent (its window started there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_at: Option<Millis>,
    /// What happened as a consequence, in words ("tab1.req2 shows a session
    /// error", "RT1 reused: family revoked", "message dropped").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Invariants that broke at this step.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub violations: Vec<Invariant>,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// A message delivered to its receiver.
    Message,
    /// A timer (expiry, grace end, proactive refresh) firing.
    Timer,
    /// A script action by the user or the attacker.
    Action,
    /// The horizon: the run ended.
    End,
}

/// The verdict of one invariant on this execution.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TraceVerdict {
    pub invariant: Invariant,
    /// `violated` or `unknown` (one execution proves nothing holds).
    pub verdict: String,
    /// The step where it broke (1-based index into `steps`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<usize>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// Formats virtual time as diagrams show it: `t=16m0.040s`, `t=0s`, `t=1h2m3s`.
pub fn format_time(at: Millis) -> String {
    let hours = at / 3_600_000;
    let minutes = (at / 60_000) % 60;
    let seconds = (at / 1000) % 60;
    let millis = at % 1000;
    let mut out = String::from("t=");
    if hours > 0 {
        out.push_str(&format!("{hours}h"));
    }
    if hours > 0 || minutes > 0 {
        out.push_str(&format!("{minutes}m"));
    }
    if millis > 0 {
        out.push_str(&format!("{seconds}.{millis:03}s"));
    } else {
        out.push_str(&format!("{seconds}s"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::format_time;

    #[test]
    fn formats_virtual_time_like_the_spec() {
        assert_eq!(format_time(0), "t=0s");
        assert_eq!(format_time(960_040), "t=16m0.040s");
        assert_eq!(format_time(3_723_000), "t=1h2m3s");
        assert_eq!(format_time(5), "t=0.005s");
    }
}
