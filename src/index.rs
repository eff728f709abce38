//! A small open-addressing hash index: maps a key's hash to the position of its entry in a
//! `Vec` the caller owns, which also holds the keys.
//!
//! It replaces hashbrown's tables, whose code is instantiated once per entry type (the
//! rehashing alone is several hundred bytes each); this index is not generic. Linear probing
//! in a table at most half full keeps probe sequences short, and each slot keeps 32 bits of
//! the key's hash, so a lookup compares key bytes only for entries whose hash matches. An index
//! is sized once, for all its entries (a symbol table's constructor knows how many names it
//! may add), and entries are only ever added, numbered 0, 1, 2, ... in the order they are.

use alloc::vec;
use alloc::vec::Vec;

/// A slot: the low 32 bits of the key's hash (the slot a key wants is `hash & mask`), and
/// above them the entry's position plus one; 0 is a free slot (so that a new table is
/// zeroed memory, not a fill loop).
type Slot = u64;

/// A probe sequence (see [`HashIndex::probe`]).
pub struct Probe<'a> {
    slots: &'a [Slot],
    mask: usize,
    at: usize,
    hash: u32,
}

impl Probe<'_> {
    /// The next entry whose hash matches, or `None` at the first free slot.
    #[inline(always)]
    pub fn next_match(&mut self) -> Option<usize> {
        loop {
            // An empty table has no slots: `get` ends the probe.
            let s = *self.slots.get(self.at)?;
            if s == 0 {
                return None;
            }
            self.at = (self.at + 1) & self.mask;
            if s as u32 == self.hash {
                return Some((s >> 32) as usize - 1);
            }
        }
    }
}

/// Entry positions by hash. The caller compares keys; the index never sees them.
#[derive(Default)]
pub struct HashIndex {
    slots: Vec<Slot>,
}

impl HashIndex {
    /// An empty index for at most `n` entries (at most half full).
    pub fn with_capacity(n: usize) -> Self {
        HashIndex { slots: vec![0; (n * 2).next_power_of_two()] }
    }

    /// The entries whose hash matches, in probe order (for entries of equal hash, the order
    /// they were inserted in: nothing is ever removed), for the caller to compare keys
    /// without a closure call per candidate (`dlsym`'s inner loop; opt-level "z" inlines
    /// nothing on its own).
    #[inline(always)]
    pub fn probe(&self, hash: u64) -> Probe<'_> {
        let slots = self.slots.as_slice();
        let mask = slots.len().wrapping_sub(1);
        Probe { slots, mask, at: hash as u32 as usize & mask, hash: hash as u32 }
    }

    /// Records that `entry`, the caller's next entry (the index holds entries `0..entry`),
    /// has this hash (a key already there stays first in its probes). `false` (and nothing
    /// recorded) past the capacity the index was made for.
    pub fn insert(&mut self, hash: u64, entry: usize) -> bool {
        if (entry + 1) * 2 > self.slots.len() {
            return false;
        }
        let mask = self.slots.len() - 1;
        let mut i = hash as u32 as usize & mask;
        while self.slots[i] != 0 {
            i = (i + 1) & mask;
        }
        self.slots[i] = u64::from(hash as u32) | (entry as u64 + 1) << 32;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Keys are the entries themselves; `bits` of their hash are kept so that collisions and
    /// long probe runs happen.
    fn hash(key: u32, bits: u32) -> u64 {
        u64::from(key.wrapping_mul(0x9e37_79b9)) & ((1u64 << bits) - 1)
    }

    fn find(ix: &HashIndex, keys: &[u32], k: u32, bits: u32) -> Option<usize> {
        let mut probe = ix.probe(hash(k, bits));
        while let Some(e) = probe.next_match() {
            if keys[e] == k {
                return Some(e);
            }
        }
        None
    }

    #[test]
    fn insert_find() {
        assert_eq!(find(&HashIndex::default(), &[], 10, 32), None, "no slots");
        let keys = [10u32, 20, 30, 40];
        let mut ix = HashIndex::with_capacity(keys.len());
        assert_eq!(find(&ix, &keys, 10, 32), None);
        for (i, &k) in keys[..3].iter().enumerate() {
            assert!(ix.insert(hash(k, 32), i));
        }
        assert_eq!(find(&ix, &keys, 20, 32), Some(1));
        assert_eq!(find(&ix, &keys, 40, 32), None);
        assert!(ix.insert(hash(40, 32), 3));
        assert!(!ix.insert(hash(50, 32), 4), "past the capacity");
        assert_eq!(find(&ix, &keys, 40, 32), Some(3));
        assert_eq!(HashIndex::with_capacity(100).slots.len(), 256);
        // Equal hashes come back in insertion order, wrapping around the end of the slots.
        let mut ix = HashIndex::with_capacity(4);
        for e in 0..4 {
            assert!(ix.insert(7, e));
        }
        let mut probe = ix.probe(7);
        assert_eq!([(); 5].map(|_| probe.next_match()), [Some(0), Some(1), Some(2), Some(3), None]);
        assert_eq!(HashIndex::with_capacity(0).slots.len(), 1);
    }

    proptest! {
        /// Against a plain `Vec` of keys, with a few hash bits so that runs wrap and collide.
        #[test]
        fn agrees_with_a_list(adds in proptest::collection::vec(0u32..64, 0..200),
                              bits in 1u32..8) {
            let mut ix = HashIndex::with_capacity(adds.len());
            let mut keys: Vec<u32> = Vec::new();
            for k in adds {
                let found = find(&ix, &keys, k, bits);
                prop_assert_eq!(found, keys.iter().position(|&x| x == k));
                if found.is_none() {
                    prop_assert!(ix.insert(hash(k, bits), keys.len()));
                    keys.push(k);
                }
            }
            for (e, &k) in keys.iter().enumerate() {
                prop_assert_eq!(find(&ix, &keys, k, bits), Some(e));
            }
        }
    }
}
