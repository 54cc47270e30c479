//! Reading a [`Report`] from library code: the verdict of one invariant, its
//! counterexample, the violated ones — so callers do not search the
//! `invariants` list by hand. Pure lookups; nothing here judges anything.

use super::{InvariantReport, Report, Verdict};
use crate::scenario::Invariant;
use crate::trace::Trace;

impl Report {
    /// What was established about `invariant`; `None` when it was not checked.
    pub fn get(&self, invariant: Invariant) -> Option<&InvariantReport> {
        self.invariants.iter().find(|r| r.invariant == invariant)
    }

    /// The verdict on `invariant`; `Unknown` when it was not checked (nothing
    /// was established about it).
    ///
    /// ```
    /// use tokenrace::builder::{mins, secs};
    /// use tokenrace::{Client, Invariant, Scenario, Verdict};
    ///
    /// let scenario = Scenario::builder("one-request")
    ///     .client(Client::new("tab1"))
    ///     .login(secs(0), "tab1")
    ///     .request(mins(16), "tab1", 1)
    ///     .check([Invariant::NoErrorWhileRefreshValid])
    ///     .build()?;
    /// let report = tokenrace::explore(&scenario, &Default::default())?;
    /// assert_eq!(report.verdict(Invariant::NoErrorWhileRefreshValid), Verdict::Holds);
    /// // Not in `check`: nothing was established.
    /// assert_eq!(report.verdict(Invariant::NoTokenTheft), Verdict::Unknown);
    /// assert!(report.no_violation());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn verdict(&self, invariant: Invariant) -> Verdict {
        self.get(invariant).map_or(Verdict::Unknown, |r| r.verdict)
    }

    /// The counterexample of a violated invariant: the shortest one found
    /// (exhaustive search) or the one random search found.
    pub fn trace(&self, invariant: Invariant) -> Option<&Trace> {
        self.get(invariant).and_then(|r| r.trace.as_ref())
    }

    /// Every violated invariant with its counterexample, in contract order.
    pub fn violations(&self) -> impl Iterator<Item = (Invariant, &Trace)> {
        self.invariants
            .iter()
            .filter_map(|r| r.trace.as_ref().map(|t| (r.invariant, t)))
    }

    /// True when no checked invariant is `violated` (some may be `unknown`).
    pub fn no_violation(&self) -> bool {
        self.invariants
            .iter()
            .all(|r| r.verdict != Verdict::Violated)
    }
}

impl Verdict {
    /// The verdict as reports and scenario files spell it.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Holds => "holds",
            Verdict::Violated => "violated",
            Verdict::Unknown => "unknown",
        }
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
