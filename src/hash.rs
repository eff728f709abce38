//! The crate's one hash function: the multiply-rotate scheme of rustc's FxHash, applied 8 bytes
//! at a time, with a final mix. Names and handles come from the program and its libraries, not from an
//! adversary that could aim collisions at a table, and one 64-bit multiply per word is cheap
//! on wasm32, where a 128-bit multiply (as in foldhash) is not. [`crate::index`] keys its
//! slots with the low 32 bits of [`hash_bytes`].

use core::hash::Hasher;

const K: u64 = 0x517c_c1b7_2722_0a95;

/// Hash state.
#[derive(Clone, Copy, Default)]
pub struct FxHasher(u64);

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(K);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(last));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    /// The state, finalised with a xor-shift-multiply mix: the multiply alone leaves the low
    /// bits (the index's slot number) depending only on the low bytes of each word, which are
    /// the same for names sharing a prefix ("bfn_0".."bfn_9999" all collided).
    fn finish(&self) -> u64 {
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h
    }
}

/// Hash of a byte string (its length is mixed in, so "a" and "a\0" differ).
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut h = FxHasher::default();
    h.write(bytes);
    h.write_usize(bytes.len());
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_with_a_common_prefix_spread_over_buckets() {
        // The index picks slots with the low bits; the top bits should vary as well.
        let mut low = std::collections::BTreeSet::new();
        let mut top = std::collections::BTreeSet::new();
        for i in 0..1024 {
            let h = hash_bytes(std::format!("bfn_{i}").as_bytes());
            low.insert(h & 1023);
            top.insert(h >> 57);
        }
        assert!(low.len() > 600, "low bits spread: {} of 1024", low.len());
        assert_eq!(top.len(), 128, "every tag value used");
    }

    #[test]
    fn distinguishes_lengths_and_contents() {
        assert_ne!(hash_bytes(b"a"), hash_bytes(b"a\0"));
        assert_ne!(hash_bytes(b"bfn_1"), hash_bytes(b"bfn_2"));
        assert_ne!(hash_bytes(b"12345678x"), hash_bytes(b"12345678y"));
        assert_eq!(hash_bytes(b"dlsym"), hash_bytes(b"dlsym"));
    }
}
