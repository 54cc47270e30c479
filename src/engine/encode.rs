//! Compact canonical encodings of states for the visited set. A state's
//! derived `Hash` stream is written as bytes (integers as LEB128 varints), so
//! any type the engine can hash it can encode, with no per-type code: a new
//! field in a model type is encoded the moment it is hashed. The stream of a
//! derived `Hash` is prefix-free (lengths before sequences, discriminants
//! before fields), so equal bytes mean equal values.
//!
//! The visited set stores a 128-bit fingerprint of those bytes (xxh3-128),
//! not the bytes themselves: 16 bytes per state whatever the model's size.
//! The collision bound is in docs/performance.md.

use std::hash::{Hash, Hasher};

/// A `Hasher` that records what is hashed as bytes instead of mixing it.
#[derive(Default, Debug)]
pub struct ByteSink {
    /// The encoding so far.
    pub bytes: Vec<u8>,
}

impl ByteSink {
    fn varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.bytes.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.bytes.push(v as u8);
    }

    /// Appends the encoding of `value`.
    pub fn put<T: Hash + ?Sized>(&mut self, value: &T) {
        value.hash(self);
    }

    /// Empties the sink for reuse (keeps its allocation).
    pub fn clear(&mut self) {
        self.bytes.clear();
    }
}

impl Hasher for ByteSink {
    fn finish(&self) -> u64 {
        xxhash_rust::xxh3::xxh3_64(&self.bytes)
    }
    fn write(&mut self, bytes: &[u8]) {
        self.bytes.extend_from_slice(bytes);
    }
    fn write_u8(&mut self, v: u8) {
        self.bytes.push(v);
    }
    fn write_u16(&mut self, v: u16) {
        self.varint(v as u64);
    }
    fn write_u32(&mut self, v: u32) {
        self.varint(v as u64);
    }
    fn write_u64(&mut self, v: u64) {
        self.varint(v);
    }
    fn write_usize(&mut self, v: usize) {
        self.varint(v as u64);
    }
    fn write_i64(&mut self, v: i64) {
        // Zig-zag, so small negative offsets stay small.
        self.varint(((v << 1) ^ (v >> 63)) as u64);
    }
    fn write_isize(&mut self, v: isize) {
        self.write_i64(v as i64);
    }
    fn write_i32(&mut self, v: i32) {
        self.write_i64(v as i64);
    }
}

/// The encoding of one value.
pub fn encode<T: Hash + ?Sized>(value: &T) -> Vec<u8> {
    let mut sink = ByteSink::default();
    sink.put(value);
    sink.bytes
}

/// The fingerprint and encoded size of `value`, encoded into a buffer the
/// thread keeps: a fresh sink grew by doubling, and every windowed key paid
/// for about ten reallocations.
pub fn fingerprint_sized<T: Hash + ?Sized>(value: &T) -> (u128, usize) {
    thread_local! {
        static SINK: std::cell::RefCell<ByteSink> = std::cell::RefCell::default();
    }
    SINK.with(|sink| {
        let mut sink = sink.borrow_mut();
        sink.clear();
        sink.put(value);
        (fingerprint(&sink.bytes), sink.bytes.len())
    })
}

/// The 128-bit fingerprint of an encoding.
pub fn fingerprint(bytes: &[u8]) -> u128 {
    xxhash_rust::xxh3::xxh3_128(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn different_values_encode_differently_and_small_integers_take_one_byte() {
        assert_ne!(encode(&(vec![1u16], 2u16)), encode(&(vec![1u16, 2u16],)));
        assert_ne!(encode(&Some(0u32)), encode(&None::<u32>));
        assert_eq!(encode(&5u64).len(), 1);
        assert_eq!(encode(&-1i64), vec![1]);
    }

    #[test]
    fn the_kept_buffer_encodes_each_value_afresh() {
        let long = (vec![7u64; 300], "a longer value first");
        let short = 5u16;
        let whole = |v: &dyn Fn(&mut ByteSink)| {
            let mut sink = ByteSink::default();
            v(&mut sink);
            (fingerprint(&sink.bytes), sink.bytes.len())
        };
        assert_eq!(fingerprint_sized(&long), whole(&|s| s.put(&long)));
        assert_eq!(fingerprint_sized(&short), whole(&|s| s.put(&short)));
        assert_eq!(fingerprint_sized(&short).1, 1);
    }

    #[test]
    fn equal_values_have_equal_fingerprints() {
        let a = encode(&("tab1", [3u8, 4]));
        let b = encode(&("tab1", [3u8, 4]));
        assert_eq!(fingerprint(&a), fingerprint(&b));
        assert_ne!(fingerprint(&a), fingerprint(&encode(&("tab2", [3u8, 4]))));
    }
}
