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

/// One trial's outcome with the time that bounds the lifetime, in ms, and
/// how long the request that started the clock took (`slack`: the bounds
/// cannot be closer than that).
pub enum Trial {
    Worked { since_answer: u64, slack: u64 },
    Refused { since_sent: u64, slack: u64 },
}

impl Trial {
    /// The outcome of a request sent at `tried`, for a clock started by a
    /// request sent at `sent` and answered at `answered`.
    pub fn of(worked: bool, sent: Instant, answered: Instant, tried: Instant) -> Trial {
        let ms = |d: std::time::Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        let slack = ms(answered.duration_since(sent));
        if worked {
            Trial::Worked {
                since_answer: ms(tried.duration_since(answered)),
                slack,
            }
        } else {
            Trial::Refused {
                since_sent: ms(tried.duration_since(sent)),
                slack,
            }
        }
    }
}

/// `(lo, Some(hi))`: worked after `lo` ms, refused after `hi`; `(lo, None)`:
/// still worked after `lo` ≥ `max_ms`. `None` when a trial could not run.
/// One trial at `max_ms`, then at most `BISECT_STEPS` until the interval is
/// at most `RESOLUTION_MS` wider than the slowest answer that started a
/// clock (a slow server cannot be bracketed more closely).
pub fn bisect(
    max_ms: u64,
    mut trial: impl FnMut(u64) -> Result<Option<Trial>, ProbeError>,
) -> Result<Option<(u64, Option<u64>)>, ProbeError> {
    let (mut hi, mut slack) = match trial(max_ms)? {
        None => return Ok(None),
        Some(Trial::Worked { since_answer, .. }) => return Ok(Some((since_answer, None))),
        Some(Trial::Refused { since_sent, slack }) => (since_sent, slack),
    };
    let mut lo = 0u64;
    for _ in 0..BISECT_STEPS {
        if hi.saturating_sub(lo) <= RESOLUTION_MS + slack {
            break;
        }
        let before = (lo, hi);
        match trial(lo + (hi - lo) / 2)? {
            Some(Trial::Worked {
                since_answer,
                slack: s,
            }) => {
                lo = lo.max(since_answer);
                slack = slack.max(s);
            }
            Some(Trial::Refused {
                since_sent,
                slack: s,
            }) => {
                hi = hi.min(since_sent);
                slack = slack.max(s);
            }
            None => break,
        }
        if (lo, hi) == before {
            break; // the answer latency leaves nothing to gain
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
                Trial::Worked {
                    since_answer: wait,
                    slack: latency,
                }
            } else {
                Trial::Refused {
                    since_sent: wait + 2 * latency,
                    slack: latency,
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
                hi - lo <= RESOLUTION_MS + 3 * latency,
                "({lo}, {hi}] too wide"
            );
        }
    }

    #[test]
    fn a_lifetime_past_the_longest_wait_is_a_lower_bound() {
        assert_eq!(bisect(1000, server(5000, 0)).unwrap(), Some((1000, None)));
    }
}
