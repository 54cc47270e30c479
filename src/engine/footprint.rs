//! What a step may read and write, for partial-order reduction: two steps
//! whose footprints do not conflict commute (either order reaches the same
//! state) and neither changes what the other does or reports, so a search
//! need not try both orders (docs/performance.md "Partial-order reduction").
//!
//! A footprint is two 64-bit sets of *resources*. A protocol names its own
//! resources (actors, stores, records) and folds them onto bits
//! `0..Footprint::PROTOCOL_BITS`; two resources folded onto one bit only make
//! more steps dependent, never fewer, so folding is always sound. The top
//! bits are the engine's own: the timer queue (arming, cancelling, marks)
//! and the fault budget.

use super::untimed::Begun;
use super::{Protocol, Urgency, When};

/// Resources a step reads and writes (a write includes a read).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Footprint {
    pub reads: u64,
    pub writes: u64,
}

impl Footprint {
    /// Bits a protocol may use; resource `i` lands on bit `i % PROTOCOL_BITS`.
    pub const PROTOCOL_BITS: u32 = 62;
    /// The engine's timer queue and marks: arming, cancelling, marking.
    const TIMERS: u64 = 1 << 63;
    /// The drops-plus-duplicates budget a faultable send draws on.
    const BUDGET: u64 = 1 << 62;

    /// Touches nothing: commutes with every step.
    pub const NOTHING: Footprint = Footprint {
        reads: 0,
        writes: 0,
    };

    /// Writes everything: depends on every step (the safe default; a tick,
    /// which moves the clock, is always this).
    pub const EVERYTHING: Footprint = Footprint {
        reads: u64::MAX,
        writes: u64::MAX,
    };

    /// The bit of protocol resource `i`.
    pub fn bit(i: usize) -> u64 {
        1 << (i as u64 % Self::PROTOCOL_BITS as u64)
    }

    /// Adds a read of protocol resource `i`.
    pub fn read(mut self, i: usize) -> Self {
        self.reads |= Self::bit(i);
        self
    }

    /// Adds a write (and read) of protocol resource `i`.
    pub fn write(mut self, i: usize) -> Self {
        self.writes |= Self::bit(i);
        self
    }

    /// Adds the engine's timer queue (the step armed or cancelled a timer,
    /// or set or dropped a mark).
    pub fn with_timers(mut self) -> Self {
        self.writes |= Self::TIMERS;
        self
    }

    /// Adds a read of the engine's timer queue (the step armed deadlines
    /// only: they commute with each other, not with a cancel or a mark).
    pub fn reading_timers(mut self) -> Self {
        self.reads |= Self::TIMERS;
        self
    }

    /// Adds the fault budget (the step sent a message the network may drop
    /// or duplicate, so its options depend on the faults used so far).
    pub fn with_budget(mut self) -> Self {
        self.writes |= Self::BUDGET;
        self
    }

    /// Neither writes what the other reads or writes.
    pub fn independent(self, other: Footprint) -> bool {
        let touched = |f: Footprint| f.reads | f.writes;
        self.writes & touched(other) == 0 && other.writes & touched(self) == 0
    }
}

/// The engine's part of an untimed step's footprint.
impl<P: Protocol> Begun<P> {
    /// What the step read and wrote: the protocol's footprint of the event
    /// (`declared`, taken before the handler ran) plus the engine's timer
    /// queue, and the fault budget if it sent a faultable message while
    /// faults were left. Deadlines due at one instant fire in `Timer`
    /// order whoever armed them first, so arming only deadlines (at a time
    /// no mark decides) reads the queue; cancelling, marking, or arming an
    /// ordinary timer (ties fire in arming order) or one set from a mark
    /// writes it.
    pub fn footprint(&self, p: &P, declared: Footprint, faults_left: bool) -> Footprint {
        let fx = &self.fx;
        let mut f = declared;
        let orders = |(_, when, urgency): &(P::Timer, When<P::Mark>, Urgency)| {
            *urgency == Urgency::Ordinary || matches!(when, When::FromMark(..))
        };
        if !(fx.cancels.is_empty() && fx.marks.is_empty() && fx.unmarks.is_empty())
            || fx.timers.iter().any(orders)
        {
            f = f.with_timers();
        } else if !fx.timers.is_empty() {
            f = f.reading_timers();
        }
        let faultable = |m: &P::Msg| {
            let link = p.link(m);
            link.drop > 0.0 || link.duplicate > 0.0
        };
        if faults_left && fx.sends.iter().any(faultable) {
            f = f.with_budget();
        }
        f
    }
}

#[cfg(test)]
mod tests {
    use super::Footprint;

    #[test]
    fn readers_commute_and_a_writer_conflicts_with_both() {
        let reader = Footprint::NOTHING.read(0);
        let writer = Footprint::NOTHING.write(0);
        assert!(reader.independent(reader));
        assert!(!reader.independent(writer));
        assert!(!writer.independent(reader));
        assert!(!writer.independent(writer));
        assert!(writer.independent(Footprint::NOTHING.write(1)));
    }

    #[test]
    fn folded_resources_conflict_and_engine_bits_stay_apart() {
        let a = Footprint::NOTHING.write(3);
        let folded = Footprint::NOTHING.read(3 + Footprint::PROTOCOL_BITS as usize);
        assert!(!a.independent(folded));
        let timers = Footprint::NOTHING.with_timers();
        assert!(!timers.independent(timers));
        assert!(timers.independent(Footprint::NOTHING.with_budget()));
        assert!(timers.independent(Footprint::NOTHING.write(61)));
        assert!(!Footprint::EVERYTHING.independent(Footprint::NOTHING.read(5)));
        assert!(Footprint::EVERYTHING.independent(Footprint::NOTHING));
    }
}
