//! The name index: which loaded library each id (normalised name) refers to.

use crate::handles::Handle;
use crate::hash::hash_bytes;
use crate::index::HashIndex;
use alloc::string::String;
use alloc::vec::Vec;

/// Library ids and their handles, hashed (see [`HashIndex`]).
#[derive(Default)]
pub(super) struct Names {
    entries: Vec<(String, Handle)>,
    index: HashIndex,
}

impl Names {
    fn find(&self, hash: u64, name: &str) -> Option<usize> {
        self.index.find(hash, |i| self.entries[i].0 == name)
    }

    pub(super) fn get(&self, name: &str) -> Option<Handle> {
        self.find(hash_bytes(name.as_bytes()), name).map(|i| self.entries[i].1)
    }

    /// Maps `name` to `h` (replacing what it mapped to).
    pub(super) fn insert(&mut self, name: String, h: Handle) {
        let hash = hash_bytes(name.as_bytes());
        match self.find(hash, &name) {
            Some(i) => self.entries[i].1 = h,
            None => {
                self.entries.push((name, h));
                self.index.insert(hash, self.entries.len() - 1);
            }
        }
    }

    pub(super) fn remove(&mut self, name: &str) {
        let hash = hash_bytes(name.as_bytes());
        let Some(i) = self.find(hash, name) else { return };
        self.index.remove(hash, i);
        self.entries.swap_remove(i);
        if let Some((moved, _)) = self.entries.get(i) {
            self.index.renumber(hash_bytes(moved.as_bytes()), self.entries.len(), i);
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
}
