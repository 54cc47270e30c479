//! The race primitive: `n` threads, each with its own connection, wait on
//! one `std::sync::Barrier` and then refresh the same RT at once. Used by
//! the atomicity probe and by the tests that drive real servers with the
//! interleaving a scenario models.

use super::http::{agent, Answer, Endpoint};
use super::ProbeError;
use std::collections::BTreeSet;
use std::sync::{Arc, Barrier};

/// What one race round saw.
#[derive(Clone, Debug, Default)]
pub struct RaceRound {
    /// Every racer's answer, in racer order.
    pub answers: Vec<Answer>,
}

impl RaceRound {
    /// Answers with a new pair.
    pub fn successes(&self) -> usize {
        self.answers.iter().filter(|a| a.ok()).count()
    }

    /// Distinct refresh tokens among the successes.
    pub fn distinct_refresh(&self) -> usize {
        let set: BTreeSet<&str> = self
            .answers
            .iter()
            .filter(|a| a.ok())
            .filter_map(|a| a.refresh.as_deref())
            .collect();
        set.len()
    }

    /// 5xx answers and transport errors.
    pub fn server_errors(&self) -> usize {
        self.answers
            .iter()
            .filter(|a| a.status == 0 || a.status >= 500)
            .count()
    }
}

/// Refresh `rt` from `n` threads at once (2 ≤ n ≤ `MAX_RACE`).
pub fn race(endpoint: &Endpoint, label: &str, rt: &str, n: usize) -> Result<RaceRound, ProbeError> {
    assert!((2..=super::MAX_RACE).contains(&n), "race size {n}");
    let barrier = Arc::new(Barrier::new(n));
    let answers = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..n)
            .map(|i| {
                let barrier = Arc::clone(&barrier);
                let label = format!("{label} racer {}", i + 1);
                scope.spawn(move || {
                    let connection = agent();
                    barrier.wait();
                    endpoint.refresh(&connection, &label, rt)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a racer panicked"))
            .collect::<Result<Vec<_>, _>>()
    })?;
    Ok(RaceRound { answers })
}
