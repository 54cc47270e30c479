//! The generic discrete-event core: virtual time, pending events with delivery
//! windows, the network's latency/drop/duplicate choices, and the one seeded
//! RNG. It runs any [`Protocol`]; it knows no tokens, clients or servers.
//!
//! Two ways to advance a protocol live here:
//! - [`sim`]: concrete time. Every latency is drawn from its window by the
//!   seeded [`rng::SimRng`]; events run in (time, urgency, sequence) order.
//!   This is `run`, one random-exploration run, and `replay`.
//! - [`symbolic`]: windows kept as a zone (a difference-bound matrix over the
//!   times of the steps that created pending events). An event may go next
//!   exactly when some choice of latencies lets it (docs/semantics.md); ties go both
//!   ways, deadlines first. This is what exhaustive exploration enumerates.
//!   [`path`] turns a symbolic path back into concrete, replayable times.
//!
//! Architecture Invariant: nothing here names an OAuth concept; handlers of a
//! [`Protocol`] never see the clock, so the same transition function serves
//! concrete and symbolic time.

pub mod canon;
pub mod encode;
pub mod footprint;
pub mod path;
pub mod pending;
pub mod rng;
pub mod sim;
pub mod symbolic;
pub mod untimed;
pub mod zone;

pub use footprint::Footprint;
use std::fmt::Debug;
use std::hash::Hash;

/// Virtual time and durations, in milliseconds since the run started.
pub type Millis = u64;

/// A protocol the engine can run: actors' states and their reactions to
/// messages and timers. Handlers are deterministic and never read the clock;
/// everything time-dependent is a timer (docs/semantics.md "Timers and deadlines").
pub trait Protocol {
    /// Every actor's state plus whatever ghost facts invariants need.
    type State: Clone + Eq + Hash + Debug;
    /// A message in flight; its value names sender and receiver.
    type Msg: Clone + Eq + Ord + Hash + Debug;
    /// A timer; equal values are the same timer (that is how `cancel` finds it).
    type Timer: Clone + Eq + Ord + Hash + Debug;
    /// A named point in time a later timer may be set relative to.
    type Mark: Clone + Eq + Ord + Hash + Debug;
    /// Something that happened in a step, for monitors and traces.
    type Fact: Clone + Debug;
    /// What the state's parts kept behind shared pointers would take
    /// inline, less the pointers (`model::shared`). Memory budgets count a
    /// waiting state by its inline size: they add this, so moving a part
    /// behind a pointer never makes a bound stop later than it says.
    const SHARED_PART_BYTES: usize = 0;

    /// The state before the first step; `out` receives the first timers.
    fn init(&self, out: &mut Effects<Self>) -> Self::State;
    /// The receiver's whole reaction to one delivered message.
    fn deliver(&self, state: &mut Self::State, msg: &Self::Msg, out: &mut Effects<Self>);
    /// The reaction to a timer reaching its time.
    fn fire(&self, state: &mut Self::State, timer: &Self::Timer, out: &mut Effects<Self>);
    /// The link a message travels on: its latency window and fault odds.
    fn link(&self, msg: &Self::Msg) -> Link;
    /// Sender and receiver actor names, as schedules and traces spell them.
    fn endpoints(&self, msg: &Self::Msg) -> (String, String);
    /// Nothing happens after this time; the run ends there.
    fn horizon(&self) -> Millis;
    /// Symmetry reduction: renames interchangeable actors in a copy of a
    /// state and of its pending messages and timers, so that states equal up
    /// to such a renaming become equal (the visited set keys on the result;
    /// explorers keep the real states). Sound only when the transitions and
    /// every monitored property are invariant under the renaming. The
    /// default renames nothing.
    fn canonicalize(
        &self,
        _state: &mut Self::State,
        _msgs: &mut [Self::Msg],
        _timers: &mut [Self::Timer],
    ) {
    }
    /// [`Protocol::canonicalize`], and orbit reduction: `orbit` receives
    /// the renamed messages' orbit keys, equal for two messages only if an
    /// automorphism of the renamed state (a renaming `canonicalize` treats
    /// as symmetry that maps the state to itself) maps one to the other.
    /// Delivering either then leads to states with one canonical key, and
    /// explorers take one of them. The default renames as `canonicalize`
    /// does and makes every message its own orbit.
    fn canonicalize_orbits(
        &self,
        state: &mut Self::State,
        msgs: &mut [Self::Msg],
        timers: &mut [Self::Timer],
        orbit: &mut Vec<Self::Msg>,
    ) {
        self.canonicalize(state, msgs, timers);
        orbit.clear();
        orbit.extend_from_slice(msgs);
    }
    /// [`Protocol::canonicalize`] with a tie-break per pending message and
    /// timer (`msg_ranks[i]` for `msgs[i]`, `timer_ranks[i]` for
    /// `timers[i]`; lower first): among actors the renaming may put in
    /// either order, the one named by the lowest-ranked item goes first.
    /// The windowed search ranks items by the zone variable of their time,
    /// so states that differ by which of two interchangeable requests was
    /// delivered first get one key (the zone is permuted with the actors).
    /// Any choice is still some renaming, so ranks only change how much is
    /// merged. The default ignores them.
    fn canonicalize_ranked(
        &self,
        state: &mut Self::State,
        msgs: &mut [Self::Msg],
        timers: &mut [Self::Timer],
        _msg_ranks: &[u32],
        _timer_ranks: &[u32],
    ) {
        self.canonicalize(state, msgs, timers);
    }
    /// Partial-order reduction: the protocol resources delivering `msg` in
    /// `state` may read and write — the receiver's state, and whatever its
    /// handler and the facts it records look at. It must cover every part of
    /// the state the handler's behaviour (effects, facts) depends on and
    /// every part it changes; it may depend only on what it declares read.
    /// The engine adds its own timer and fault-budget resources from the
    /// effects. Over-approximating only costs reduction; the default, which
    /// makes every delivery depend on every other, turns it off.
    fn footprint(&self, _state: &Self::State, _msg: &Self::Msg) -> Footprint {
        Footprint::EVERYTHING
    }
    /// An integer code of a message that orders as the message does
    /// (`a < b` exactly when `code(a) < code(b)`), with its 32 low bits
    /// zero (the key packs an index there), so keys sort and rank messages
    /// by integer comparisons. `None` (the default) when there is none:
    /// keys then compare the messages themselves.
    fn msg_code(&self, _msg: &Self::Msg) -> Option<u128> {
        None
    }
    /// [`Protocol::canonicalize_orbits`] (or, without `orbits`,
    /// [`Protocol::canonicalize`]) without a copy of the state: renames
    /// `msgs` and `timers` in place, writes into `sink` exactly the bytes
    /// `sink.put(&renamed_state)` would, and fills `codes` with the renamed
    /// messages' codes ([`Protocol::msg_code`]) and their rank keys' (with
    /// `orbits` their orbit keys', else their own). The untimed search's
    /// key takes this path: a message and its orbit key differ in one
    /// request number, so a protocol can code each message once. False
    /// (the default) when the protocol has no such path for this state:
    /// the caller renames a copy and codes the messages itself.
    fn encode_canonical(
        &self,
        _state: &Self::State,
        _msgs: &mut [Self::Msg],
        _timers: &mut [Self::Timer],
        _orbits: bool,
        _codes: &mut MsgCodes,
        _sink: &mut encode::ByteSink,
    ) -> bool {
        false
    }
}

/// The integer codes the untimed key sorts and ranks the messages in
/// flight by, one per message in `msgs` order.
#[derive(Debug, Default)]
pub struct MsgCodes {
    /// Each message's rank key's code (its orbit key's, or its own), with
    /// the message's index in the 32 low bits.
    pub keys: Vec<u128>,
    /// Each message's own code.
    pub own: Vec<u128>,
}

impl MsgCodes {
    /// Empties both for reuse.
    pub fn clear(&mut self) {
        self.keys.clear();
        self.own.clear();
    }

    /// Room for `n` more messages.
    pub fn reserve(&mut self, n: usize) {
        self.keys.reserve(n);
        self.own.reserve(n);
    }

    /// Appends message `index`'s own code and its rank key's.
    #[inline]
    pub fn push(&mut self, index: usize, key: u128, own: u128) {
        debug_assert!(
            key as u32 == 0 && own as u32 == 0,
            "msg_code leaves 32 low bits"
        );
        self.keys.push(key | index as u128);
        self.own.push(own);
    }
}

/// Latency window `[min, max]` and per-message fault probabilities.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Link {
    pub latency: Window,
    pub drop: f64,
    pub duplicate: f64,
}

/// An inclusive window of delays in milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Window {
    pub min: Millis,
    pub max: Millis,
}

/// How a timer orders against other events at its exact instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Urgency {
    /// Expiries, grace ends, timeouts: take effect before anything else at
    /// their instant. Deadlines due at one instant fire in `Timer` order.
    Deadline,
    /// Script actions and client timers: at the same instant as a message,
    /// both orders are possible.
    Ordinary,
}

/// When a timer fires.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum When<K> {
    /// This long after the current step.
    After(Millis),
    /// At this absolute virtual time (script entries).
    At(Millis),
    /// At the time of a mark plus an offset (may be negative); if that moment
    /// has already passed, the timer fires as soon as possible (`After(0)`).
    FromMark(K, i64),
}

/// What a handler asks the engine to do; collected during one step.
#[derive(Debug)]
pub struct Effects<P: Protocol + ?Sized> {
    pub sends: Vec<P::Msg>,
    pub timers: Vec<(P::Timer, When<P::Mark>, Urgency)>,
    pub cancels: Vec<P::Timer>,
    pub marks: Vec<P::Mark>,
    pub unmarks: Vec<P::Mark>,
    pub facts: Vec<P::Fact>,
}

impl<P: Protocol + ?Sized> Default for Effects<P> {
    fn default() -> Self {
        Effects {
            sends: Vec::new(),
            timers: Vec::new(),
            cancels: Vec::new(),
            marks: Vec::new(),
            unmarks: Vec::new(),
            facts: Vec::new(),
        }
    }
}

impl<P: Protocol + ?Sized> Effects<P> {
    /// Puts a message on the network (the engine picks latency and faults).
    pub fn send(&mut self, msg: P::Msg) {
        self.sends.push(msg);
    }
    /// Arms a timer. Arming a timer equal to a pending one adds a second one;
    /// cancel first to re-arm.
    pub fn timer(&mut self, timer: P::Timer, when: When<P::Mark>, urgency: Urgency) {
        self.timers.push((timer, when, urgency));
    }
    /// Removes every pending timer equal to `timer` (applied before this
    /// step's new timers are armed).
    pub fn cancel(&mut self, timer: P::Timer) {
        self.cancels.push(timer);
    }
    /// Names the current step's time so later timers can be set from it.
    pub fn mark(&mut self, mark: P::Mark) {
        self.marks.push(mark);
    }
    /// Forgets a mark (keeps symbolic states small).
    pub fn unmark(&mut self, mark: P::Mark) {
        self.unmarks.push(mark);
    }
    /// Records something monitors judge and traces show.
    pub fn fact(&mut self, fact: P::Fact) {
        self.facts.push(fact);
    }
}

/// The event a step executes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Event<P: Protocol + ?Sized> {
    Deliver(P::Msg),
    Fire(P::Timer),
    /// The horizon: the run ends; nothing pending happens.
    Horizon,
}

/// The network's decision for one sent message.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    Deliver,
    Drop,
    Duplicate,
}

/// Identifies a pending event along one path: its creation sequence number.
/// Deterministic given the path's earlier choices, so a path of `Choice`s
/// replays exactly. `EventId::HORIZON` is the end of the run.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct EventId(pub u32);

impl EventId {
    pub const HORIZON: EventId = EventId(u32::MAX);
}

/// One step of a path: which pending event went, when (concrete virtual
/// time), and the network's decision for each message that step sent, in
/// send order (empty when all were delivered once).
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Choice {
    pub event: EventId,
    pub at: Millis,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub faults: Vec<Fault>,
}

/// A schedule entry after name resolution: deliveries whose endpoints match
/// must happen in schedule order (docs/scenario-format.md "schedule", docs/semantics.md "Schedules").
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Pin {
    /// Matches an actor name exactly, or any actor `from.*`.
    pub from: String,
    pub to: String,
    pub nth: Option<u32>,
}

impl Pin {
    /// Whether an actor name is covered by a selector name: equal, or a
    /// sub-actor of it (`tab1` covers `tab1.req2`).
    pub fn covers(selector: &str, actor: &str) -> bool {
        actor == selector
            || (actor.len() > selector.len()
                && actor.starts_with(selector)
                && actor.as_bytes()[selector.len()] == b'.')
    }
}

/// What one executed step looked like, for traces and monitors.
#[derive(Clone, Debug)]
pub struct StepRecord<P: Protocol + ?Sized> {
    pub at: Millis,
    pub id: EventId,
    pub event: Event<P>,
    /// Messages this step sent, each with the network's decision.
    pub sent: Vec<(P::Msg, Fault)>,
    pub facts: Vec<P::Fact>,
}
