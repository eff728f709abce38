//! Per-library symbol tables.
//!
//! Names come from an instance's export list, without their values: a function's table index
//! is only asked of the host (which may have to grow the table) the first time the function is
//! looked up, then cached. Lookups are hash-map hits on the name bytes, so `dlsym` never
//! scans, and never crosses into the host once a symbol has been seen.

use crate::host::{ExportDesc, ExternKind};
use alloc::boxed::Box;
use hashbrown::HashMap;

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

/// Names a library exports to C.
#[derive(Default)]
pub struct SymbolTable {
    map: HashMap<Box<[u8]>, Symbol>,
}

/// Exports that are linker plumbing, not C symbols: the functions and globals wasm-ld
/// synthesises. Only these: other `__wasm_*` names are ordinary symbols (libdl's own
/// `__wasm_libdl_dlsym_from`, which `dlfcn.h` makes side modules import, is one).
fn is_internal(name: &str) -> bool {
    matches!(
        name,
        "__wasm_call_ctors"
            | "__wasm_call_dtors"
            | "__wasm_apply_data_relocs"
            | "__wasm_apply_global_relocs"
            | "__wasm_apply_tls_relocs"
            | "__wasm_apply_global_tls_relocs"
            | "__wasm_init_memory"
            | "__wasm_init_tls"
            | "__stack_pointer"
            | "__memory_base"
            | "__table_base"
            | "__dso_handle"
    ) || name.starts_with("__tls_")
}

impl SymbolTable {
    pub fn from_exports(exports: &[ExportDesc]) -> Self {
        let mut map = HashMap::with_capacity(exports.len());
        for e in exports {
            if is_internal(&e.name) {
                continue;
            }
            let sym = match e.kind {
                ExternKind::Func => Symbol::Func(None),
                ExternKind::Global => Symbol::Data(None),
                _ => continue,
            };
            map.insert(Box::from(e.name.as_bytes()), sym);
        }
        SymbolTable { map }
    }

    /// A table of already-resolved values (a link-time library's exports).
    pub fn from_resolved<'a>(symbols: impl ExactSizeIterator<Item = (&'a [u8], u32)>) -> Self {
        let mut map = HashMap::with_capacity(symbols.len());
        for (name, value) in symbols {
            map.entry(Box::from(name)).or_insert(Symbol::Untyped(value));
        }
        SymbolTable { map }
    }

    pub fn get(&self, name: &[u8]) -> Option<Symbol> {
        self.map.get(name).copied()
    }

    pub fn contains(&self, name: &[u8]) -> bool {
        self.map.contains_key(name)
    }

    /// Records a resolved value.
    pub fn resolve(&mut self, name: &[u8], value: u32) {
        if let Some(s) = self.map.get_mut(name) {
            *s = match *s {
                Symbol::Func(_) => Symbol::Func(Some(value)),
                Symbol::Data(_) => Symbol::Data(Some(value)),
                Symbol::Untyped(_) => Symbol::Untyped(value),
            };
        }
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
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
