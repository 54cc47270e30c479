//! Bisection of a server-side lifetime on the wall clock: the grace of a
//! rotated RT, the lifetime of an unused one. Each trial starts a fresh
//! family, so trials cannot disturb each other.
//!
//! A trial that works proves the lifetime is longer than the time since
//! the server's answer that started it; one that is refused proves it is
//! at most the time since that request was sent. The bounds therefore hold
//! however long the server took to answer.

use super::{ProbeError, BISECT_STEPS, RESOLUTION_MS};
use std::time::Instant;

/// One trial's outcome with the time that bounds the lifetime, in ms.
pub enum Trial {
    Worked { since_answer: u64 },
    Refused { since_sent: u64 },
}

impl Trial {
    /// The outcome of a request made now, for a clock started by a
    /// request sent at `sent` and answered at `answered`.
    pub fn of(worked: bool, sent: Instant, answered: Instant) -> Trial {
        let ms = |since: Instant| u64::try_from(since.elapsed().as_millis()).unwrap_or(u64::MAX);
        if worked {
            Trial::Worked {
                since_answer: ms(answered),
            }
        } else {
            Trial::Refused {
                since_sent: ms(sent),
            }
        }
    }
}

/// `(lo, Some(hi))`: worked after `lo` ms, refused after `hi`; `(lo, None)`:
/// still worked after `lo` ≥ `max_ms`. `None` when a trial could not run.
/// One trial at `max_ms`, then at most `BISECT_STEPS` until the interval is
/// at most `RESOLUTION_MS` wide.
pub fn bisect(
    max_ms: u64,
    mut trial: impl FnMut(u64) -> Result<Option<Trial>, ProbeError>,
) -> Result<Option<(u64, Option<u64>)>, ProbeError> {
    let mut hi = match trial(max_ms)? {
        None => return Ok(None),
        Some(Trial::Worked { since_answer }) => return Ok(Some((since_answer, None))),
        Some(Trial::Refused { since_sent }) => since_sent,
    };
    let mut lo = 0u64;
    for _ in 0..BISECT_STEPS {
        if hi.saturating_sub(lo) <= RESOLUTION_MS {
            break;
        }
        match trial(lo + (hi - lo) / 2)? {
            Some(Trial::Worked { since_answer }) => lo = lo.max(since_answer),
            Some(Trial::Refused { since_sent }) => hi = hi.min(since_sent),
            None => break,
        }
    }
    Ok(Some((lo, Some(hi.max(lo + 1)))))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A server whose lifetime is `life` ms, answering `latency` ms late.
    fn server(life: u64, latency: u64) -> impl FnMut(u64) -> Result<Option<Trial>, ProbeError> {
        move |wait| {
            Ok(Some(if wait + latency < life {
                Trial::Worked { since_answer: wait }
            } else {
                Trial::Refused {
                    since_sent: wait + 2 * latency,
                }
            }))
        }
    }

    #[test]
    fn bisection_brackets_the_lifetime_within_the_resolution() {
        for (life, latency, max) in [
            (2000, 0, 3000),
            (2000, 150, 3000),
            (5000, 40, 30_000),
            (700, 10, 1000),
        ] {
            let (lo, hi) = match bisect(max, server(life, latency)).unwrap() {
                Some((lo, Some(hi))) => (lo, hi),
                other => panic!("{life}: {other:?}"),
            };
            assert!(lo < life && life <= hi, "{life} not in ({lo}, {hi}]");
            assert!(
                hi - lo <= RESOLUTION_MS + 2 * latency,
                "({lo}, {hi}] too wide"
            );
        }
    }

    #[test]
    fn a_lifetime_past_the_longest_wait_is_a_lower_bound() {
        assert_eq!(bisect(1000, server(5000, 0)).unwrap(), Some((1000, None)));
    }
}
