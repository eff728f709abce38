//! The handle table: C `void *` handles as validated generational indices.
//!
//! A handle is never a pointer. Its 32 bits are `TAG | generation << INDEX_BITS | index`: the
//! tag bit keeps handles away from small integers, ordinary heap/data addresses and the two
//! reserved values `RTLD_DEFAULT` (0) and `RTLD_NEXT` (-1); the generation makes a stale handle
//! (its library closed, its slot reused) fail validation instead of reaching another library.
//! Freed slots are reused oldest-first, so a slot's generation advances as slowly as possible,
//! and a slot whose generation has run through all its values is retired, never reused: no
//! handle value is ever handed out twice in the life of the process, so a stale handle is
//! always detected. A retired slot costs its `Slot` (about 200 bytes for a library) and one
//! of the 2^20 indices, one per 2,048 loads that reused that slot.
//! (`Handle::from_raw` still takes any tagged value; `get` rejects it.)

use alloc::vec::Vec;

const TAG: u32 = 0x8000_0000;
const INDEX_BITS: u32 = 20;
const INDEX_MASK: u32 = (1 << INDEX_BITS) - 1;
const GEN_MASK: u32 = (TAG >> INDEX_BITS) - 1;
/// Most entries the table holds at once.
pub const MAX_ENTRIES: usize = INDEX_MASK as usize;

/// A validated-on-use reference to a table entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Handle(u32);

impl Handle {
    /// The raw value handed to C.
    pub fn to_raw(self) -> u32 {
        self.0
    }

    /// Decodes a raw value; `None` if it cannot be a handle at all. A decoded handle still has
    /// to be checked against the table ([`HandleTable::get`]).
    pub fn from_raw(raw: usize) -> Option<Handle> {
        let raw = u32::try_from(raw).ok()?;
        (raw & TAG != 0 && raw != u32::MAX).then_some(Handle(raw))
    }

    /// The table slot it names (slots are reused; [`HandleTable::capacity_used`] bounds them).
    pub fn slot(self) -> usize {
        self.index()
    }

    fn index(self) -> usize {
        (self.0 & INDEX_MASK) as usize
    }

    fn generation(self) -> u32 {
        (self.0 >> INDEX_BITS) & GEN_MASK
    }

    fn new(index: usize, generation: u32) -> Handle {
        Handle(TAG | (generation & GEN_MASK) << INDEX_BITS | index as u32)
    }
}

struct Slot<T> {
    generation: u32,
    value: Option<T>,
    /// While free: the slot freed after this one ([`NONE`] if it is the newest).
    next_free: usize,
}

/// No slot: the end of the free queue.
const NONE: usize = usize::MAX;
/// The generation of a retired slot: above [`GEN_MASK`], so no handle matches it.
const RETIRED: u32 = u32::MAX;

/// Generational slot map.
pub struct HandleTable<T> {
    slots: Vec<Slot<T>>,
    /// Free slots as a queue threaded through [`Slot::next_free`]: the oldest ([`NONE`] when
    /// there is none) and the newest (meaningless when there is none).
    free_head: usize,
    free_tail: usize,
    live: usize,
}

impl<T> Default for HandleTable<T> {
    fn default() -> Self {
        HandleTable { slots: Vec::new(), free_head: NONE, free_tail: NONE, live: 0 }
    }
}

impl<T> HandleTable<T> {
    /// Stores `value`; gives it back when the table is full.
    pub fn insert(&mut self, value: T) -> Result<Handle, T> {
        let index = match self.slots.get(self.free_head) {
            Some(slot) => core::mem::replace(&mut self.free_head, slot.next_free),
            None if self.slots.len() < MAX_ENTRIES => {
                self.slots.push(Slot { generation: 0, value: None, next_free: NONE });
                self.slots.len() - 1
            }
            None => return Err(value),
        };
        // (The all-ones pattern, which would read as RTLD_NEXT, needs index INDEX_MASK, which
        // MAX_ENTRIES keeps out of reach.)
        let slot = &mut self.slots[index];
        slot.value = Some(value);
        self.live += 1;
        Ok(Handle::new(index, slot.generation))
    }

    #[inline]
    pub fn get(&self, h: Handle) -> Option<&T> {
        let slot = self.slots.get(h.index())?;
        (slot.generation == h.generation()).then_some(())?;
        slot.value.as_ref()
    }

    pub fn get_mut(&mut self, h: Handle) -> Option<&mut T> {
        let slot = self.slots.get_mut(h.index())?;
        (slot.generation == h.generation()).then_some(())?;
        slot.value.as_mut()
    }

    /// Removes the entry; its handle (and every copy of it) becomes stale.
    pub fn remove(&mut self, h: Handle) -> Option<T> {
        let slot = self.slots.get_mut(h.index())?;
        if slot.generation != h.generation() {
            return None;
        }
        let value = slot.value.take()?;
        self.live -= 1;
        if slot.generation == GEN_MASK {
            // Its last generation: retired (a generation no handle has, never in the queue).
            slot.generation = RETIRED;
            return Some(value);
        }
        slot.generation += 1;
        slot.next_free = NONE;
        if self.free_head == NONE {
            self.free_head = h.index();
        } else if let Some(tail) = self.slots.get_mut(self.free_tail) {
            tail.next_free = h.index();
        }
        self.free_tail = h.index();
        Some(value)
    }

    /// Entries currently stored.
    pub fn len(&self) -> usize {
        self.live
    }

    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// Live entries with their handles, in slot order.
    pub fn iter(&self) -> impl Iterator<Item = (Handle, &T)> {
        self.slots.iter().enumerate().filter_map(|(i, s)| s.value.as_ref().map(|v| (Handle::new(i, s.generation), v)))
    }

    /// Slots ever allocated (live + free): bounded by the peak number of live entries.
    pub fn capacity_used(&self) -> usize {
        self.slots.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_get_remove() {
        let mut t = HandleTable::default();
        let a = t.insert("a").unwrap();
        let b = t.insert("b").unwrap();
        assert_eq!(t.get(a), Some(&"a"));
        assert_eq!(t.get(b), Some(&"b"));
        assert_eq!(t.remove(a), Some("a"));
        assert_eq!(t.get(a), None, "stale handle");
        assert_eq!(t.remove(a), None, "double remove");
        assert_eq!(t.len(), 1);
    }

    #[test]
    fn reused_slot_gets_new_generation() {
        let mut t = HandleTable::default();
        let a = t.insert(1).unwrap();
        t.remove(a);
        let b = t.insert(2).unwrap();
        assert_eq!(a.index(), b.index());
        assert_ne!(a, b);
        assert_eq!(t.get(a), None);
        assert_eq!(t.get(b), Some(&2));
        assert_eq!(t.capacity_used(), 1);
    }

    #[test]
    fn raw_values_that_are_never_handles() {
        assert_eq!(Handle::from_raw(0), None);
        assert_eq!(Handle::from_raw(u32::MAX as usize), None);
        assert_eq!(Handle::from_raw(0x1234), None, "small pointer");
        assert_eq!(Handle::from_raw(1 << 40), None, "wider than 32 bits");
    }

    #[test]
    fn forged_handles_fail_validation() {
        let mut t = HandleTable::default();
        let a = t.insert(1).unwrap();
        let forged = Handle::from_raw((a.to_raw() + 1) as usize).unwrap();
        assert_eq!(t.get(forged), None);
        let wrong_gen = Handle::from_raw((a.to_raw() ^ (1 << INDEX_BITS)) as usize).unwrap();
        assert_eq!(t.get(wrong_gen), None);
    }

    #[test]
    fn freed_slots_reused_oldest_first() {
        let mut t = HandleTable::default();
        let hs: Vec<_> = (0..3).map(|i| t.insert(i).unwrap()).collect();
        t.remove(hs[2]);
        t.remove(hs[0]);
        assert_eq!(t.insert(9).unwrap().index(), hs[2].index());
    }

    #[test]
    fn free_queue_empties_and_refills_in_order() {
        let mut t = HandleTable::default();
        let mut hs: Vec<_> = (0..4).map(|i| t.insert(i).unwrap()).collect();
        for round in 0..3 {
            // Free in the order 1, 3, 0, 2; the queue hands them back in that order.
            for &k in &[1, 3, 0, 2] {
                t.remove(hs[k]);
            }
            for &k in &[1, 3, 0, 2] {
                hs[k] = t.insert(round).unwrap();
                assert_eq!(hs[k].index(), k);
            }
            assert_eq!(t.capacity_used(), 4, "the queue is empty: the next insert grows");
        }
        assert_eq!(t.insert(9).unwrap().index(), 4);
    }

    #[test]
    fn no_handle_is_handed_out_twice() {
        // One entry opened and closed again and again (glibc would reuse one link map): every
        // handle differs from every earlier one, well past the 2,048 generations of a slot.
        let mut t = HandleTable::default();
        let mut seen = std::collections::BTreeSet::new();
        let keep = t.insert(0).unwrap();
        for i in 0..10_000 {
            let h = t.insert(i).unwrap();
            assert!(seen.insert(h.to_raw()), "handle {:#x} handed out twice (cycle {i})", h.to_raw());
            assert_eq!(t.remove(h), Some(i));
            assert_eq!(t.get(h), None);
        }
        // One slot retired per 2,048 reuses, and nothing else grows.
        assert_eq!(t.capacity_used(), 1 + 10_000usize.div_ceil(2048));
        assert_eq!(t.get(keep), Some(&0));
        assert_eq!(t.len(), 1);
    }

    #[test]
    fn round_trip_raw() {
        let mut t = HandleTable::default();
        let a = t.insert(()).unwrap();
        assert_eq!(Handle::from_raw(a.to_raw() as usize), Some(a));
    }
}
