//! The parent-pointer arena of the windowed search: per stored state its
//! parent and the step that reached it, from which counterexamples are
//! rebuilt. A node takes 12 bytes: most steps fault nothing and have few
//! timer cases, so their case bits sit in the node; the others' steps go to
//! a side list the node points into.

use super::super::budget::vec_bytes;
use crate::engine::symbolic::SymStep;
use crate::engine::{EventId, Fault};

/// Set in [`Node::tag`] when the rest indexes the side list.
const RARE: u32 = 1 << 31;

/// A stored state: parent (`u32::MAX` for the initial state, which has no
/// step), event, and the case bits or the side list index.
struct Node {
    parent: u32,
    event: u32,
    tag: u32,
}

/// The arena (see the module doc).
#[derive(Default)]
pub(super) struct Arena {
    nodes: Vec<Node>,
    rare: Vec<SymStep>,
}

impl Arena {
    /// Stores a node and returns its index; `step` is `None` only for the
    /// initial state.
    pub fn push(&mut self, parent: u32, step: Option<SymStep>) -> u32 {
        let (event, tag) = match step {
            None => (u32::MAX, 0),
            Some(s) if s.faults.is_empty() && s.branches < RARE as u64 => {
                (s.event.0, s.branches as u32)
            }
            Some(s) => {
                self.rare.push(s);
                (0, RARE | (self.rare.len() - 1) as u32)
            }
        };
        self.nodes.push(Node { parent, event, tag });
        (self.nodes.len() - 1) as u32
    }

    /// Forgets the nodes from `len` on. Depth-first search calls it with
    /// the node it takes next: nodes are numbered in push order, a stack
    /// takes the highest, so every later node has left the stack and is
    /// no ancestor of a node still on it. The arena then holds only the
    /// stack's states and their ancestors.
    pub fn truncate(&mut self, len: usize) {
        while self.nodes.len() > len {
            let node = self.nodes.pop().expect("longer than len");
            if node.parent != u32::MAX && node.tag & RARE != 0 {
                self.rare.pop();
            }
        }
    }

    /// The parent of node `at` (`u32::MAX` for the initial state).
    pub fn parent(&self, at: u32) -> u32 {
        self.nodes[at as usize].parent
    }

    /// The step that reached node `at`, `None` for the initial state.
    pub fn step(&self, at: u32) -> Option<SymStep> {
        let node = &self.nodes[at as usize];
        if node.parent == u32::MAX {
            return None;
        }
        if node.tag & RARE != 0 {
            return Some(self.rare[(node.tag & !RARE) as usize].clone());
        }
        Some(SymStep {
            event: EventId(node.event),
            faults: Vec::<Fault>::new(),
            branches: node.tag as u64,
        })
    }

    /// The steps from the initial state to node `at`, in order.
    pub fn path(&self, mut at: u32) -> Vec<SymStep> {
        let mut path = Vec::new();
        while at != u32::MAX {
            path.extend(self.step(at));
            at = self.parent(at);
        }
        path.reverse();
        path
    }

    /// What the arena takes, by the search's own count (room for the next
    /// growth included; side steps with their fault vectors).
    pub fn bytes(&self) -> u64 {
        let faults: usize = self.rare.iter().map(|s| s.faults.capacity()).sum();
        vec_bytes(self.nodes.capacity(), std::mem::size_of::<Node>())
            + vec_bytes(self.rare.capacity(), std::mem::size_of::<SymStep>())
            + faults as u64 * std::mem::size_of::<Fault>() as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_come_back_as_stored() {
        let mut a = Arena::default();
        let root = a.push(u32::MAX, None);
        let plain = SymStep {
            event: EventId(7),
            faults: Vec::new(),
            branches: 5,
        };
        let faulted = SymStep {
            event: EventId(3),
            faults: vec![Fault::Drop],
            branches: 0,
        };
        let wide = SymStep {
            event: EventId::HORIZON,
            faults: Vec::new(),
            branches: u64::MAX,
        };
        let x = a.push(root, Some(plain.clone()));
        let y = a.push(x, Some(faulted.clone()));
        let z = a.push(y, Some(wide.clone()));
        assert_eq!(a.step(root), None);
        assert_eq!(a.path(z), vec![plain, faulted.clone(), wide]);
        assert_eq!(std::mem::size_of::<Node>(), 12);
        a.truncate(2);
        assert_eq!(a.rare.len(), 0, "the faulted step left with its node");
        let again = a.push(x, Some(faulted));
        assert_eq!((again, a.path(again).len()), (2, 2));
    }
}
