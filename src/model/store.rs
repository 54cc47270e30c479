//! Token stores: one per tab for `memory`, one per device and storage kind for
//! `local_storage` and `cookie` (docs/semantics.md "Stores"). A store applies its
//! write policy and remembers, per family, the newest pair it ever held — the
//! ghost fact `no_stale_overwrite` needs.

use super::token::{Family, Pair};

/// One token store.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Store {
    pub pair: Option<Pair>,
    /// Per family, the newest pair ever written (ghost).
    pub newest_written: Vec<Pair>,
    /// Families this store logged out of (a logout by any client sharing it).
    pub logged_out: Vec<Family>,
}

/// What a write did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Write {
    pub stored: bool,
    /// The newer pair of the same family this store had already held, when
    /// the write stored an older one.
    pub stale_against: Option<Pair>,
}

impl Store {
    /// Stores `pair` under the policy: always (`last_write_wins`), or only if
    /// newer than the held pair (`newest_wins`: later login, then higher RT,
    /// then higher AT — exactly `Pair`'s order).
    pub fn write(&mut self, pair: Pair, newest_wins: bool) -> Write {
        if newest_wins && self.pair.is_some_and(|held| held >= pair) {
            return Write {
                stored: false,
                stale_against: None,
            };
        }
        self.pair = Some(pair);
        let stale_against = match self
            .newest_written
            .iter_mut()
            .find(|p| p.family == pair.family)
        {
            Some(best) if *best > pair => Some(*best),
            Some(best) => {
                *best = pair;
                None
            }
            None => {
                self.newest_written.push(pair);
                None
            }
        };
        Write {
            stored: true,
            stale_against,
        }
    }

    /// Whether a logout of `family` was sent from this store.
    pub fn is_logged_out(&self, family: Family) -> bool {
        self.logged_out.contains(&family)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::token::{At, Rt};

    fn pair(family: u8, rt: u16, at: u16) -> Pair {
        Pair {
            family: Family(family),
            rt: Rt(rt),
            at: At(at),
        }
    }

    #[test]
    fn last_write_wins_stores_an_older_pair_and_flags_it_stale() {
        let mut store = Store::default();
        store.write(pair(0, 3, 3), false);
        let write = store.write(pair(0, 2, 2), false);
        assert!(write.stored);
        assert_eq!(write.stale_against, Some(pair(0, 3, 3)));
        assert_eq!(store.pair, Some(pair(0, 2, 2)));
    }

    #[test]
    fn newest_wins_refuses_an_older_pair_without_a_stale_write() {
        let mut store = Store::default();
        store.write(pair(0, 3, 3), true);
        let write = store.write(pair(0, 2, 2), true);
        assert!(!write.stored);
        assert_eq!(write.stale_against, None);
        assert_eq!(store.pair, Some(pair(0, 3, 3)));
    }

    #[test]
    fn newest_wins_takes_a_later_login_and_a_newer_at_of_the_same_rt() {
        let mut store = Store::default();
        store.write(pair(0, 5, 5), true);
        assert!(store.write(pair(1, 6, 6), true).stored);
        assert!(store.write(pair(1, 6, 7), true).stored);
        assert!(!store.write(pair(0, 9, 9), true).stored);
    }

    #[test]
    fn stale_is_judged_against_every_pair_ever_stored_not_only_the_held_one() {
        let mut store = Store::default();
        store.write(pair(0, 3, 3), false);
        store.pair = None; // logout cleared it
        assert!(store.write(pair(0, 2, 2), false).stale_against.is_some());
    }
}
