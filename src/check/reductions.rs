//! Which reductions a search leaves off. Every reduction has an off
//! switch so that a user who doubts a verdict can cross-check it with the
//! reduction gone; `explore`, `check` and every `matrix` cell take the
//! same switches, so they are one type.

use super::ExploreOptions;
use serde::Serialize;

/// The reductions switched off (`--no-symmetry`, `--no-por`, …); the
/// default leaves every reduction on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ReductionsOff {
    pub symmetry: bool,
    pub partial_order: bool,
    pub orbits: bool,
    pub subsumption: bool,
    pub active_clocks: bool,
    pub extrapolation: bool,
    pub hull: bool,
    pub forget: bool,
}

impl ReductionsOff {
    /// Every reduction off: the plain search, to cross-check the others.
    pub const ALL: ReductionsOff = ReductionsOff {
        symmetry: true,
        partial_order: true,
        orbits: true,
        subsumption: true,
        active_clocks: true,
        extrapolation: true,
        hull: true,
        forget: true,
    };

    /// Whether every reduction is on (nothing to report).
    pub fn is_none(&self) -> bool {
        *self == ReductionsOff::default()
    }

    /// The command-line switches that leave these reductions off, in the
    /// order `--help` lists them (a rendered command must reproduce them).
    pub fn flags(&self) -> Vec<&'static str> {
        [
            (self.symmetry, "--no-symmetry"),
            (self.partial_order, "--no-por"),
            (self.orbits, "--no-orbits"),
            (self.subsumption, "--no-subsumption"),
            (self.active_clocks, "--no-active-clocks"),
            (self.extrapolation, "--no-extrapolation"),
            (self.hull, "--no-hull"),
            (self.forget, "--no-forget"),
        ]
        .into_iter()
        .filter_map(|(off, flag)| off.then_some(flag))
        .collect()
    }

    /// Switches the reductions in `self` off in `options`.
    pub fn apply(self, options: &mut ExploreOptions) {
        options.no_symmetry = self.symmetry;
        options.no_partial_order = self.partial_order;
        options.no_orbits = self.orbits;
        options.no_subsumption = self.subsumption;
        options.no_active_clocks = self.active_clocks;
        options.no_extrapolation = self.extrapolation;
        options.no_hull = self.hull;
        options.no_forget = self.forget;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_switch_turns_exactly_its_reduction_off() {
        let none = {
            let mut o = ExploreOptions::default();
            ReductionsOff::default().apply(&mut o);
            o
        };
        assert_eq!(none, ExploreOptions::default());
        let all = ReductionsOff::ALL;
        let mut o = ExploreOptions::default();
        all.apply(&mut o);
        let flags = [
            o.no_symmetry,
            o.no_partial_order,
            o.no_orbits,
            o.no_subsumption,
            o.no_active_clocks,
            o.no_extrapolation,
            o.no_hull,
            o.no_forget,
        ];
        assert!(flags.iter().all(|f| *f));
        assert!(!all.is_none() && ReductionsOff::default().is_none());
        assert_eq!(all.flags().len(), 8);
        let hull = ReductionsOff {
            hull: true,
            ..ReductionsOff::default()
        };
        assert_eq!(hull.flags(), ["--no-hull"]);
    }
}
