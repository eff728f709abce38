//! The name index: which loaded library each id (normalised name) refers to.

use crate::handles::Handle;
use crate::hash::hash_bytes;
use alloc::string::String;
use alloc::vec::Vec;

/// Library ids and their handles, each with the low 32 bits of the id's hash, in no order: a
/// lookup compares ids only on a hash match. Libraries are few (a lookup over a hundred of
/// them is a hundred word compares, next to a `dlopen` that reads a file or a table), and a
/// list has no order to keep when they come and go.
#[derive(Default)]
pub(super) struct Names {
    entries: Vec<(u32, Handle, String)>,
}

impl Names {
    /// The position of `name`'s entry, found by its hash.
    fn find(&self, name: &str) -> Option<usize> {
        let hash = hash(name);
        self.entries.iter().position(|e| e.0 == hash && e.2 == name)
    }

    pub(super) fn get(&self, name: &str) -> Option<Handle> {
        self.entries.get(self.find(name)?).map(|e| e.1)
    }

    /// Maps `name` to `h` (replacing what it mapped to).
    pub(super) fn insert(&mut self, name: String, h: Handle) {
        self.remove(&name);
        self.entries.push((hash(&name), h, name));
    }

    pub(super) fn remove(&mut self, name: &str) {
        if let Some(i) = self.find(name) {
            self.entries.swap_remove(i);
        }
    }
}

fn hash(name: &str) -> u32 {
    hash_bytes(name.as_bytes()) as u32
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
        /// Against a map, through inserts and removes.
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
            }
            for k in 0..40 {
                let name = std::format!("lib{k}.so");
                proptest::prop_assert_eq!(n.get(&name), model.get(&name).copied());
            }
        }
    }
}
