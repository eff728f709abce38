//! A small open-addressing hash index: maps a key's hash to the position of its entry in a
//! `Vec` the caller owns, which also holds the keys.
//!
//! It replaces hashbrown's tables, whose code is instantiated once per entry type (the
//! rehashing alone is several hundred bytes each); this index is not generic, so every table
//! in libdl (symbols, library names) shares one copy of it. Linear probing in a table at most
//! half full keeps probe sequences short, and each slot keeps 32 bits of the key's hash, so a
//! lookup compares key bytes only for entries whose hash matches (and a table can grow
//! without asking for the keys again). Removal shifts the following entries back (no
//! tombstones), so a table that sees many inserts and removes does not fill up.

use alloc::vec;
use alloc::vec::Vec;

/// An unused slot.
const EMPTY: u32 = u32::MAX;
/// Slots of the first allocation.
const MIN_SLOTS: usize = 8;

#[derive(Clone, Copy)]
struct Slot {
    /// The low 32 bits of the key's hash; the slot a key wants is `hash & mask`.
    hash: u32,
    /// Position of the entry in the caller's `Vec`, or [`EMPTY`].
    entry: u32,
}

/// A probe sequence (see [`HashIndex::probe`]).
pub struct Probe<'a> {
    slots: &'a [Slot],
    mask: usize,
    at: usize,
    hash: u32,
}

impl Probe<'_> {
    /// The next entry whose hash matches, or `None` at the first empty slot.
    #[inline(always)]
    pub fn next_match(&mut self) -> Option<usize> {
        loop {
            // An empty table has no slots: `get` ends the probe.
            let s = *self.slots.get(self.at)?;
            if s.entry == EMPTY {
                return None;
            }
            self.at = (self.at + 1) & self.mask;
            if s.hash == self.hash {
                return Some(s.entry as usize);
            }
        }
    }
}

/// Entry positions by hash. The caller compares keys; the index never sees them.
#[derive(Default)]
pub struct HashIndex {
    slots: Vec<Slot>,
    len: usize,
}

impl HashIndex {
    /// An index that takes `n` entries without growing.
    pub fn with_capacity(n: usize) -> Self {
        let mut index = HashIndex::default();
        if n > 0 {
            index.resize(n);
        }
        index
    }

    /// Number of entries.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.len
    }

    fn mask(&self) -> usize {
        self.slots.len() - 1
    }

    /// The entry with this hash for which `is(entry)` holds.
    pub fn find(&self, hash: u64, is: impl Fn(usize) -> bool) -> Option<usize> {
        let mut probe = self.probe(hash);
        while let Some(entry) = probe.next_match() {
            if is(entry) {
                return Some(entry);
            }
        }
        None
    }

    /// The entries whose hash matches, in probe order, for the caller to compare keys
    /// without a closure call per candidate (`dlsym`'s inner loop; opt-level "z" inlines
    /// nothing on its own).
    #[inline(always)]
    pub fn probe(&self, hash: u64) -> Probe<'_> {
        let slots = self.slots.as_slice();
        let mask = slots.len().wrapping_sub(1);
        Probe { slots, mask, at: hash as u32 as usize & mask, hash: hash as u32 }
    }

    /// Records that `entry` has this hash (the caller has checked that its key is new).
    pub fn insert(&mut self, hash: u64, entry: usize) {
        if (self.len + 1) * 2 > self.slots.len() {
            self.resize(self.len + 1);
        }
        self.place(Slot { hash: hash as u32, entry: entry as u32 });
        self.len += 1;
    }

    /// Puts `slot` in the first free slot from where its hash points (there is one).
    fn place(&mut self, slot: Slot) {
        let mask = self.mask();
        let mut i = slot.hash as usize & mask;
        while self.slots[i].entry != EMPTY {
            i = (i + 1) & mask;
        }
        self.slots[i] = slot;
    }

    /// Reallocates for at least `n` entries at most half full, and re-places the entries.
    fn resize(&mut self, n: usize) {
        let size = (n * 2).next_power_of_two().max(MIN_SLOTS);
        let old = core::mem::replace(&mut self.slots, vec![Slot { hash: 0, entry: EMPTY }; size]);
        for s in old {
            if s.entry != EMPTY {
                self.place(s);
            }
        }
    }

    /// The slot that holds `entry`, which has this hash.
    fn slot_of(&self, hash: u64, entry: usize) -> Option<usize> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.mask();
        let mut i = hash as u32 as usize & mask;
        loop {
            match self.slots[i].entry {
                EMPTY => return None,
                e if e as usize == entry => return Some(i),
                _ => i = (i + 1) & mask,
            }
        }
    }

    /// Forgets `entry` (which has this hash), moving later entries of its probe run back so
    /// that every entry stays reachable from its wanted slot without crossing a free one.
    pub fn remove(&mut self, hash: u64, entry: usize) {
        let Some(mut hole) = self.slot_of(hash, entry) else { return };
        let mask = self.mask();
        let mut i = hole;
        loop {
            i = (i + 1) & mask;
            let s = self.slots[i];
            if s.entry == EMPTY {
                break;
            }
            // `s` may fill the hole unless its wanted slot lies cyclically in (hole, i].
            let want = s.hash as usize & mask;
            if (i.wrapping_sub(want) & mask) >= (i.wrapping_sub(hole) & mask) {
                self.slots[hole] = s;
                hole = i;
            }
        }
        self.slots[hole].entry = EMPTY;
        self.len -= 1;
    }

    /// The entry at position `from` (which has this hash) moved to position `to`.
    pub fn renumber(&mut self, hash: u64, from: usize, to: usize) {
        if let Some(i) = self.slot_of(hash, from) {
            self.slots[i].entry = to as u32;
        }
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

    #[test]
    fn insert_find_remove() {
        let mut ix = HashIndex::default();
        let keys = [10u32, 20, 30];
        assert_eq!(ix.find(hash(10, 32), |_| true), None);
        for (i, &k) in keys.iter().enumerate() {
            ix.insert(hash(k, 32), i);
        }
        assert_eq!(ix.len(), 3);
        assert_eq!(ix.find(hash(20, 32), |e| keys[e] == 20), Some(1));
        ix.remove(hash(20, 32), 1);
        assert_eq!(ix.find(hash(20, 32), |e| keys[e] == 20), None);
        assert_eq!(ix.find(hash(30, 32), |e| keys[e] == 30), Some(2));
        ix.renumber(hash(30, 32), 2, 1);
        assert_eq!(ix.find(hash(30, 32), |e| e == 1), Some(1));
        assert_eq!(ix.len(), 2);
    }

    proptest! {
        /// Against a plain `Vec` of keys kept the way the callers keep theirs (removal by
        /// `swap_remove`), with a few hash bits so that runs wrap and collide.
        #[test]
        fn agrees_with_a_list(ops in proptest::collection::vec((any::<bool>(), 0u32..64), 0..400),
                              bits in 1u32..8) {
            let mut ix = HashIndex::default();
            let mut keys: Vec<u32> = Vec::new();
            for (add, k) in ops {
                let found = ix.find(hash(k, bits), |e| keys[e] == k);
                prop_assert_eq!(found, keys.iter().position(|&x| x == k));
                match (add, found) {
                    (true, None) => {
                        keys.push(k);
                        ix.insert(hash(k, bits), keys.len() - 1);
                    }
                    (false, Some(e)) => {
                        ix.remove(hash(k, bits), e);
                        let last = keys.len() - 1;
                        keys.swap_remove(e);
                        if e != last {
                            ix.renumber(hash(keys[e], bits), last, e);
                        }
                    }
                    _ => {}
                }
                prop_assert_eq!(ix.len(), keys.len());
            }
            for (e, &k) in keys.iter().enumerate() {
                prop_assert_eq!(ix.find(hash(k, bits), |x| keys[x] == k), Some(e));
            }
        }
    }
}
