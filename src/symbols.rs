//! Per-library symbol tables.
//!
//! Names come from a module's export section (or an instance's export list), without their
//! values: a function's table index
//! is only asked of the host (which may have to grow the table) the first time the function is
//! looked up, then cached. Lookups are hash-map hits on the name bytes, so `dlsym` never
//! scans, and never crosses into the host once a symbol has been seen.

use crate::host::{ExportDesc, ExternKind};
use alloc::vec::Vec;
use crate::hash::hash_bytes;
use crate::index::HashIndex;

/// What a symbol is and, once known, its C value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Symbol {
    /// A function; `Some(table index)` once resolved.
    Func(Option<u32>),
    /// A data symbol (an exported i32 global); `Some(address)` once resolved.
    Data(Option<u32>),
    /// A resolved value whose kind the source does not record (the link-time table).
    Untyped(u32),
}

impl Symbol {
    pub fn value(self) -> Option<u32> {
        match self {
            Symbol::Func(v) | Symbol::Data(v) => v,
            Symbol::Untyped(v) => Some(v),
        }
    }

    /// `Some(true)` for a function, `Some(false)` for data, `None` when unknown.
    pub fn is_func(self) -> Option<bool> {
        match self {
            Symbol::Func(_) => Some(true),
            Symbol::Data(_) => Some(false),
            Symbol::Untyped(_) => None,
        }
    }
}

/// Names a library exports to C: every name stored once in one buffer, a list of
/// `(offset, length, symbol)` entries, and a hash index over them (no allocation per name).
#[derive(Default)]
pub struct SymbolTable {
    names: Vec<u8>,
    entries: Vec<Entry>,
    index: HashIndex,
}

struct Entry {
    start: u32,
    len: u32,
    sym: Symbol,
}

/// Byte-wise equality without `memcmp`, which a `libdl.so` imports from another instance
/// (names are short: the call would cost more than the loop).
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

/// Exports that are linker plumbing, not C symbols: the functions and globals wasm-ld
/// synthesises. Only these: other `__wasm_*` names are ordinary symbols (libdl's own
/// `__wasm_libdl_dlsym_from`, which `dlfcn.h` makes side modules import, is one).
fn is_internal(name: &[u8]) -> bool {
    const PLUMBING: [&[u8]; 12] = [
        b"__wasm_call_ctors",
        b"__wasm_call_dtors",
        b"__wasm_apply_data_relocs",
        b"__wasm_apply_global_relocs",
        b"__wasm_apply_tls_relocs",
        b"__wasm_apply_global_tls_relocs",
        b"__wasm_init_memory",
        b"__wasm_init_tls",
        b"__stack_pointer",
        b"__memory_base",
        b"__table_base",
        b"__dso_handle",
    ];
    name.starts_with(b"__") && (PLUMBING.iter().any(|&p| same(p, name)) || name.starts_with(b"__tls_"))
}

impl SymbolTable {
    /// A table of the function and global exports among `exports` (other kinds and linker
    /// plumbing are skipped); values are resolved later.
    pub fn from_named<'a>(exports: impl ExactSizeIterator<Item = (&'a [u8], ExternKind)>) -> Self {
        let mut t = SymbolTable::with_capacity(exports.len());
        for (name, kind) in exports {
            let sym = match kind {
                ExternKind::Func => Symbol::Func(None),
                ExternKind::Global => Symbol::Data(None),
                _ => continue,
            };
            if !is_internal(name) {
                t.insert(name, sym);
            }
        }
        t
    }

    pub fn from_exports(exports: &[ExportDesc]) -> Self {
        Self::from_named(exports.iter().map(|e| (e.name.as_bytes(), e.kind)))
    }

    /// A table of already-resolved values (a link-time library's exports).
    pub fn from_resolved<'a>(symbols: impl ExactSizeIterator<Item = (&'a [u8], u32)>) -> Self {
        let mut t = SymbolTable::with_capacity(symbols.len());
        for (name, value) in symbols {
            t.insert(name, Symbol::Untyped(value));
        }
        t
    }

    fn with_capacity(n: usize) -> Self {
        SymbolTable { names: Vec::new(), entries: Vec::with_capacity(n), index: HashIndex::with_capacity(n) }
    }

    /// Position of `name`'s entry.
    fn find(&self, hash: u64, name: &[u8]) -> Option<usize> {
        self.index.find(hash, |i| {
            let e = &self.entries[i];
            same(&self.names[e.start as usize..(e.start + e.len) as usize], name)
        })
    }

    /// Adds `name` unless present (the first definition wins).
    fn insert(&mut self, name: &[u8], sym: Symbol) {
        let hash = hash_bytes(name);
        if self.find(hash, name).is_some() {
            return;
        }
        let start = self.names.len() as u32;
        self.names.extend_from_slice(name);
        self.entries.push(Entry { start, len: name.len() as u32, sym });
        self.index.insert(hash, self.entries.len() - 1);
    }

    pub fn get(&self, name: &[u8]) -> Option<Symbol> {
        self.find(hash_bytes(name), name).map(|i| self.entries[i].sym)
    }

    pub fn contains(&self, name: &[u8]) -> bool {
        self.get(name).is_some()
    }

    /// Records a resolved value.
    pub fn resolve(&mut self, name: &[u8], value: u32) {
        if let Some(i) = self.find(hash_bytes(name), name) {
            let e = &mut self.entries[i];
            e.sym = match e.sym {
                Symbol::Func(_) => Symbol::Func(Some(value)),
                Symbol::Data(_) => Symbol::Data(Some(value)),
                Symbol::Untyped(_) => Symbol::Untyped(value),
            };
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::String;
    use alloc::vec;

    fn exp(name: &str, kind: ExternKind) -> ExportDesc {
        ExportDesc { name: String::from(name), kind }
    }

    #[test]
    fn builds_from_exports_skipping_plumbing() {
        let t = SymbolTable::from_exports(&[
            exp("f", ExternKind::Func),
            exp("counter", ExternKind::Global),
            exp("memory", ExternKind::Memory),
            exp("__wasm_call_ctors", ExternKind::Func),
            exp("__stack_pointer", ExternKind::Global),
            exp("__wasm_libdl_dlsym_from", ExternKind::Func),
        ]);
        assert_eq!(t.len(), 3);
        assert_eq!(t.get(b"__wasm_libdl_dlsym_from"), Some(Symbol::Func(None)), "not plumbing");
        assert_eq!(t.get(b"f"), Some(Symbol::Func(None)));
        assert_eq!(t.get(b"counter"), Some(Symbol::Data(None)));
        assert_eq!(t.get(b"__wasm_call_ctors"), None);
        assert_eq!(t.get(b"memory"), None);
    }

    #[test]
    fn resolve_caches_value_and_keeps_kind() {
        let mut t = SymbolTable::from_exports(&vec![exp("f", ExternKind::Func)]);
        t.resolve(b"f", 7);
        assert_eq!(t.get(b"f"), Some(Symbol::Func(Some(7))));
        t.resolve(b"missing", 1);
        assert_eq!(t.get(b"missing"), None);
    }
}
