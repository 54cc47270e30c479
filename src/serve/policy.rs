//! Orders for runs: follow a list of decision keys (a saved serve trace, or
//! the prefix of a systematic run) and then go oldest-first or seeded
//! random; and the systematic enumeration itself — every order of the
//! client's parked calls, fewest deviations from oldest-first first
//! (iterative deviation bounding, as CHESS bounds preemptions), each new
//! run taking one more alternative at one decision of a run already made.

use super::sched::{Decision, Option_, Policy};
use crate::engine::rng::SimRng;
use std::collections::VecDeque;

/// Follows `keys`, then oldest-first (or random with an RNG).
pub struct Prefix {
    keys: Vec<String>,
    at: usize,
    rng: Option<SimRng>,
    diverged: Vec<String>,
}

impl Prefix {
    pub fn new(keys: Vec<String>, rng: Option<SimRng>) -> Prefix {
        Prefix {
            keys,
            at: 0,
            rng,
            diverged: Vec::new(),
        }
    }
}

impl Policy for Prefix {
    fn choose(&mut self, options: &[Option_]) -> usize {
        if self.at < self.keys.len() {
            let want = &self.keys[self.at];
            if let Some(i) = options.iter().position(|o| o.key == want) {
                self.at += 1;
                return i;
            }
            let offered: Vec<&str> = options.iter().map(|o| o.key).collect();
            self.diverged.push(format!(
                "decision {}: the schedule takes `{want}`, but the client's parked calls were: {}; \
                 oldest first from here",
                self.at + 1,
                offered.join("; ")
            ));
            self.at = self.keys.len();
        }
        match &mut self.rng {
            Some(rng) => rng.below(options.len()),
            None => 0,
        }
    }

    fn divergences(&self) -> Vec<String> {
        self.diverged.clone()
    }
}

/// Runs still to make: prefixes of decision keys, fewest deviations first.
pub struct Systematic {
    queue: VecDeque<(Vec<String>, u32)>,
    /// Deviations of the run being made.
    current: u32,
    current_len: usize,
    pub max_deviations: Option<u32>,
    /// True once some run was not expanded (a bound cut the enumeration).
    pub cut: bool,
}

/// More queued runs than this are not kept (the enumeration is then cut).
const MAX_QUEUE: usize = 100_000;

impl Systematic {
    pub fn new(max_deviations: Option<u32>) -> Systematic {
        Systematic {
            queue: VecDeque::from([(Vec::new(), 0)]),
            current: 0,
            current_len: 0,
            max_deviations,
            cut: false,
        }
    }

    /// The prefix of the next run, or `None` when every order was made.
    pub fn next_prefix(&mut self) -> Option<Vec<String>> {
        let (prefix, deviations) = self.queue.pop_front()?;
        self.current = deviations;
        self.current_len = prefix.len();
        Some(prefix)
    }

    /// Queues the runs that differ from the one just made at one decision
    /// after its prefix.
    pub fn expand(&mut self, decisions: &[Decision]) {
        let deviations = self.current + 1;
        if self.max_deviations.is_some_and(|max| deviations > max) {
            if decisions[self.current_len.min(decisions.len())..]
                .iter()
                .any(|d| d.options.len() > 1)
            {
                self.cut = true;
            }
            return;
        }
        let taken: Vec<String> = decisions
            .iter()
            .map(|d| d.options[d.chosen].clone())
            .collect();
        for (j, decision) in decisions.iter().enumerate().skip(self.current_len) {
            for (o, key) in decision.options.iter().enumerate() {
                if o == decision.chosen {
                    continue;
                }
                if self.queue.len() >= MAX_QUEUE {
                    self.cut = true;
                    return;
                }
                let mut prefix = taken[..j].to_vec();
                prefix.push(key.clone());
                self.queue.push_back((prefix, deviations));
            }
        }
    }

    pub fn remaining(&self) -> usize {
        self.queue.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decision(options: &[&str]) -> Decision {
        Decision {
            options: options.iter().map(|s| s.to_string()).collect(),
            chosen: 0,
        }
    }

    /// Plays a fixed tree: at every decision the same two options.
    fn runs_of(max_deviations: Option<u32>, depth: usize) -> usize {
        let mut systematic = Systematic::new(max_deviations);
        let mut runs = 0;
        while let Some(prefix) = systematic.next_prefix() {
            runs += 1;
            let mut decisions = Vec::new();
            for j in 0..depth {
                let mut d = decision(&[&format!("a{j}"), &format!("b{j}")]);
                d.chosen = match prefix.get(j) {
                    Some(key) => d.options.iter().position(|o| o == key).unwrap(),
                    None => 0,
                };
                decisions.push(d);
            }
            systematic.expand(&decisions);
        }
        runs
    }

    #[test]
    fn systematic_runs_make_every_order_once() {
        assert_eq!(runs_of(None, 3), 8, "2^3 orders");
        assert_eq!(
            runs_of(Some(1), 3),
            4,
            "oldest-first plus one deviation at each of 3 decisions"
        );
        assert_eq!(runs_of(Some(0), 3), 1);
    }

    #[test]
    fn a_deviation_bound_that_cuts_says_so() {
        let mut systematic = Systematic::new(Some(0));
        systematic.next_prefix();
        systematic.expand(&[decision(&["a", "b"])]);
        assert!(systematic.cut);
        assert_eq!(systematic.remaining(), 0);
    }

    #[test]
    fn a_prefix_that_cannot_be_followed_is_a_divergence_then_oldest_first() {
        let mut prefix = Prefix::new(vec!["x".to_string()], None);
        let options = [Option_ {
            key: "y",
            actor: "tab1",
            stage: "handle",
            kind: crate::serve::server::Kind::Api(crate::model::token::At(1)),
            answer: None,
        }];
        assert_eq!(prefix.choose(&options), 0);
        assert_eq!(prefix.divergences().len(), 1);
        assert!(prefix.divergences()[0].contains("`x`"));
    }
}
