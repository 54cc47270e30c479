//! [`Only`]: the monitor the exact search judges with after the hull
//! pre-pass, the properties the pre-pass left open.

use crate::engine::Protocol;
use crate::explore::Monitor;

/// A monitor that judges only some of another's properties (those the
/// pre-pass left open), renumbered `0..keep.len()`.
pub(crate) struct Only<'a, M> {
    inner: &'a M,
    /// Per property of `inner`, its index here.
    map: Vec<Option<usize>>,
    count: usize,
}

impl<'a, M> Only<'a, M> {
    /// The properties `open[i]` of `inner`.
    pub fn new(inner: &'a M, open: &[bool]) -> Self {
        let mut count = 0;
        let map = open
            .iter()
            .map(|&o| {
                o.then(|| {
                    count += 1;
                    count - 1
                })
            })
            .collect();
        Only { inner, map, count }
    }

    /// Per property of `inner`, its index here.
    pub fn index(&self, property: usize) -> Option<usize> {
        self.map[property]
    }

    fn remap(&self, from: usize, hits: &mut Vec<usize>) {
        let mut w = from;
        for r in from..hits.len() {
            if let Some(i) = self.map[hits[r]] {
                hits[w] = i;
                w += 1;
            }
        }
        hits.truncate(w);
    }
}

impl<P: Protocol, M: Monitor<P>> Monitor<P> for Only<'_, M> {
    fn count(&self) -> usize {
        self.count
    }

    fn observe(&self, state: &P::State, fact: &P::Fact, hits: &mut Vec<usize>) {
        let from = hits.len();
        self.inner.observe(state, fact, hits);
        self.remap(from, hits);
    }

    fn at_end(&self, state: &P::State, hits: &mut Vec<usize>) {
        let from = hits.len();
        self.inner.at_end(state, hits);
        self.remap(from, hits);
    }
}
