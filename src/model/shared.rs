//! Copy-on-write parts of a [`World`](super::World): the auth server's
//! records, the token stores, the in-flight refreshes and the pairs already
//! refreshed change on a refresh or a store write, and most steps (a call,
//! its answer, a wait) leave them alone. A successor
//! state shares them with its parent until a handler writes one, so
//! cloning a state for every transition copies only what changes, and the
//! states waiting in a BFS frontier share one copy of what they agree on.
//!
//! Reading goes through `Deref`; any mutable use goes through `DerefMut`,
//! which copies the part first when another state still shares it
//! (`Arc::make_mut`), so handlers are written as if they owned the part.
//! `Hash`, `Eq` and `Debug` are the part's own: keys, comparisons and
//! encodings do not change. Memory budgets still count the parts as if
//! they were inline (`Protocol::SHARED_PART_BYTES`).

use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::{Deref, DerefMut};
use std::sync::Arc;

#[derive(Clone, Default, PartialEq, Eq)]
pub struct Shared<T>(Arc<T>);

impl<T> Shared<T> {
    pub fn new(value: T) -> Self {
        Shared(Arc::new(value))
    }
}

impl<T> Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: Clone> DerefMut for Shared<T> {
    fn deref_mut(&mut self) -> &mut T {
        Arc::make_mut(&mut self.0)
    }
}

impl<T: Hash> Hash for Shared<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (*self.0).hash(state);
    }
}

impl<T: fmt::Debug> fmt::Debug for Shared<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (*self.0).fmt(f)
    }
}

impl<T> From<T> for Shared<T> {
    fn from(value: T) -> Self {
        Shared::new(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::encode::encode;

    #[test]
    fn a_write_copies_only_a_shared_part_and_leaves_the_other_state_alone() {
        let parent = Shared::new(vec![1u8, 2]);
        let mut child = parent.clone();
        assert!(Arc::ptr_eq(&parent.0, &child.0), "a clone shares");
        child.push(3);
        assert_eq!(*parent, vec![1, 2]);
        assert_eq!(*child, vec![1, 2, 3]);
        let mut alone = Shared::new(vec![7u8]);
        let before = Arc::as_ptr(&alone.0);
        alone.push(8);
        assert_eq!(
            Arc::as_ptr(&alone.0),
            before,
            "an unshared part is written in place"
        );
    }

    /// Memory budgets count a waiting state by its inline size plus
    /// `SHARED_PART_BYTES`: exactly what the world took with every part
    /// inline, so where a memory bound stops did not move.
    #[test]
    fn the_budget_counts_a_world_as_if_its_shared_parts_were_inline() {
        use crate::model::{attacker, auth, client, denylist, refresh, store, token, World};
        #[allow(dead_code)]
        struct Inline {
            stores: Vec<store::Store>,
            clients: Vec<client::ClientState>,
            flights: Vec<Option<refresh::Flight>>,
            auth: auth::AuthState,
            denylist: denylist::Denylist,
            attacker: attacker::Attacker,
            refreshed: Vec<(u8, token::At)>,
        }
        assert_eq!(
            std::mem::size_of::<World>() + World::SHARED_PART_BYTES,
            std::mem::size_of::<Inline>()
        );
    }

    #[test]
    fn a_shared_part_encodes_hashes_and_compares_as_the_part() {
        let value = vec![(1u16, 300u32), (2, 5)];
        assert_eq!(encode(&Shared::new(value.clone())), encode(&value));
        assert_eq!(Shared::new(value.clone()), Shared::new(value.clone()));
        assert_eq!(
            format!("{:?}", Shared::new(value.clone())),
            format!("{value:?}")
        );
    }
}
