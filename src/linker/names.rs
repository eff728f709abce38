//! The name index: which loaded library each id (normalised name) refers to.

use crate::handles::Handle;
use crate::hash::hash_bytes;
use alloc::string::String;
use alloc::vec::Vec;

/// Library ids and their handles, sorted by the low 32 bits of the id's hash: a lookup is a
/// binary search and compares ids only on a hash match. Libraries are few and come and go
/// rarely (a `dlopen` that loads or a `dlclose` that unloads moves the entries after the one
/// it adds or removes), while lookups come with every `dlopen`, loaded library or not.
#[derive(Default)]
pub(super) struct Names {
    entries: Vec<(u32, Handle, String)>,
}

impl Names {
    /// `name`'s hash, and its entry (`Ok`) or where it would go (`Err`).
    fn find(&self, name: &str) -> (u32, Result<usize, usize>) {
        let hash = hash_bytes(name.as_bytes()) as u32;
        let mut i = self.entries.partition_point(|e| e.0 < hash);
        while let Some(e) = self.entries.get(i).filter(|e| e.0 == hash) {
            if e.2 == name {
                return (hash, Ok(i));
            }
            i += 1;
        }
        (hash, Err(i))
    }

    pub(super) fn get(&self, name: &str) -> Option<Handle> {
        self.find(name).1.ok().map(|i| self.entries[i].1)
    }

    /// Maps `name` to `h` (replacing what it mapped to).
    pub(super) fn insert(&mut self, name: String, h: Handle) {
        match self.find(&name) {
            (_, Ok(i)) => self.entries[i].1 = h,
            (hash, Err(i)) => self.entries.insert(i, (hash, h, name)),
        }
    }

    pub(super) fn remove(&mut self, name: &str) {
        if let (_, Ok(i)) = self.find(name) {
            self.entries.remove(i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handles::HandleTable;

    #[test]
    fn insert_get_replace_remove() {
        let mut t = HandleTable::default();
        let (a, b, c) = (t.insert(()).unwrap(), t.insert(()).unwrap(), t.insert(()).unwrap());
        let mut n = Names::default();
        n.insert(String::from("liba.so"), a);
        n.insert(String::from("libb.so"), b);
        n.insert(String::from("libc.so"), c);
        assert_eq!(n.get("libb.so"), Some(b));
        n.insert(String::from("libb.so"), a);
        assert_eq!(n.get("libb.so"), Some(a));
        n.remove("liba.so");
        assert_eq!(n.get("liba.so"), None);
        assert_eq!((n.get("libb.so"), n.get("libc.so")), (Some(a), Some(c)));
        n.remove("libc.so");
        n.remove("libc.so");
        assert_eq!(n.get("libb.so"), Some(a));
        assert_eq!(n.get("libc.so"), None);
    }

    proptest::proptest! {
        /// Against a map, through inserts and removes that keep the list sorted by hash.
        #[test]
        fn agrees_with_a_map(ops in proptest::collection::vec((proptest::bool::ANY, 0u8..40), 0..300)) {
            let mut t = HandleTable::default();
            let handles: Vec<Handle> = (0..40).map(|_| t.insert(()).unwrap()).collect();
            let mut n = Names::default();
            let mut model = std::collections::BTreeMap::new();
            for (add, k) in ops {
                let name = std::format!("lib{k}.so");
                if add {
                    n.insert(name.clone(), handles[k as usize]);
                    model.insert(name, handles[k as usize]);
                } else {
                    n.remove(&name);
                    model.remove(&name);
                }
                proptest::prop_assert!(n.entries.windows(2).all(|w| w[0].0 <= w[1].0));
            }
            for k in 0..40 {
                let name = std::format!("lib{k}.so");
                proptest::prop_assert_eq!(n.get(&name), model.get(&name).copied());
            }
        }
    }
}
