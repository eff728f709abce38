//! Per-library symbol tables.
//!
//! Names come from a module's export section (or an instance's export list), without their
//! values: a function's table index is only asked of the host (which may have to grow the
//! table) the first time the function is looked up, then cached (once the table is indexed).
//! A library's first two lookups scan its export section in place; from the third on,
//! lookups are hash-index hits on the name bytes, and never cross into the host once a
//! symbol has been seen.

use crate::hash::hash_bytes;
use crate::host::{ExportDesc, ExternKind};
use crate::index::HashIndex;
use crate::reader::ParseError;
use crate::sections;
use alloc::vec::Vec;
use core::cell::{Cell, OnceCell};
use core::ops::ControlFlow;

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
    #[inline(always)]
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

/// Names a library exports to C: every name stored once in one buffer, indexed by a hash
/// table of `(offset, length, symbol)` entries (no allocation per name).
///
/// A table made from a module's export section is indexed on its first lookup, not when the
/// library is loaded: like the hash table a static linker writes into an ELF library, the
/// index costs `dlopen` nothing, and a library nobody looks into never pays for it.
///
/// Until then, a lookup scans the payload: the first [`SCANS_BEFORE_INDEX`] lookups compare
/// names in place (a few instructions per export where indexing costs a hash and an insert
/// each), so a library opened for one `dlsym` (a Python extension's `PyInit_*`) never builds
/// an index at all.
pub struct SymbolTable {
    names: Vec<u8>,
    /// Where `names` starts in its module, when it is an export-section payload.
    base: usize,
    entries: OnceCell<Indexed>,
    /// Lookups answered by a scan so far.
    scans: Cell<u8>,
}

/// Lookups answered by scanning an export section before it is indexed.
pub const SCANS_BEFORE_INDEX: u8 = 2;

impl Default for SymbolTable {
    fn default() -> Self {
        SymbolTable::with_capacity(0)
    }
}

/// What an export is to C, unresolved: a function or a datum; `None` for other kinds and for
/// linker plumbing.
fn exported_symbol(name: &[u8], kind: ExternKind) -> Option<Symbol> {
    let sym = match kind {
        ExternKind::Func => Symbol::Func(None),
        ExternKind::Global => Symbol::Data(None),
        _ => return None,
    };
    (!is_internal(name)).then_some(sym)
}

/// A name to look up, with its hash.
pub struct Key<'a> {
    name: &'a [u8],
    hash: u64,
}

impl<'a> Key<'a> {
    #[inline(always)]
    pub fn new(name: &'a [u8]) -> Self {
        Key { name, hash: hash_bytes(name) }
    }
}

/// A table's entries and the hash index over them.
#[derive(Default)]
struct Indexed {
    entries: Vec<Entry>,
    index: HashIndex,
    /// Why the export section behind the table does not parse, if it does not (the table is
    /// then empty).
    error: Option<ParseError>,
}

impl Indexed {
    fn with_capacity(n: usize) -> Self {
        Indexed { entries: Vec::with_capacity(n), index: HashIndex::with_capacity(n), error: None }
    }

    /// The entry of `key`'s name (`names`: the table's name buffer), names compared by `eq`
    /// (on a hash match, between names of equal length).
    #[inline(always)]
    fn find_by(&self, names: &[u8], key: &Key<'_>, eq: impl Fn(&[u8], &[u8]) -> bool) -> Option<&Entry> {
        // Slices, not `Vec`s, are indexed: a slice's `[i]` is built in, a `Vec`'s is a call.
        let entries = self.entries.as_slice();
        let mut probe = self.index.probe(key.hash);
        while let Some(i) = probe.next_match() {
            let e = &entries[i];
            if e.len as usize == key.name.len() && eq(SymbolTable::name_of(names, e), key.name) {
                return Some(e);
            }
        }
        None
    }

    /// The copy of [`Indexed::find_by`] inlined into `dlsym`'s path
    /// ([`SymbolTable::get_hashed`]), with the inlined comparison.
    #[inline(always)]
    fn find_inline(&self, names: &[u8], key: &Key<'_>) -> Option<&Entry> {
        self.find_by(names, key, same)
    }

    /// The copy out of line for every other caller (building tables, caching values, the
    /// loader's one-off lookups), with the plain comparison: a `memcmp` call, made only on a
    /// hash match, is cheaper here than another copy of [`same`].
    #[inline(never)]
    fn find(&self, names: &[u8], key: &Key<'_>) -> Option<&Entry> {
        self.find_by(names, key, |a, b| a == b)
    }

    /// Adds `name`, at byte `start` of the table's name buffer, within the capacity the table
    /// was made with (every constructor knows how many names it may add).
    fn push(&mut self, name: &[u8], start: usize, sym: Symbol) {
        if self.index.insert(hash_bytes(name), self.entries.len()) {
            self.entries.push(Entry { start: start as u32, len: name.len() as u32, sym: Cell::new(sym) });
        }
    }
}

struct Entry {
    start: u32,
    len: u32,
    /// A `Cell`, so that a value is cached through the `&Entry` a lookup finds.
    sym: Cell<Symbol>,
}

/// Equality without `memcmp`, which a `libdl.so` imports from another instance (names are
/// short: the call would cost more than the comparison): 8 bytes at a time, then the tails
/// (equally long) 4, 2 and 1 bytes at a time.
#[inline(always)]
fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (mut a, mut b) = (a, b);
    while let (Some((x, ra)), Some((y, rb))) = (a.split_first_chunk::<8>(), b.split_first_chunk::<8>()) {
        if u64::from_ne_bytes(*x) != u64::from_ne_bytes(*y) {
            return false;
        }
        (a, b) = (ra, rb);
    }
    if let (Some((x, ra)), Some((y, rb))) = (a.split_first_chunk::<4>(), b.split_first_chunk::<4>()) {
        if u32::from_ne_bytes(*x) != u32::from_ne_bytes(*y) {
            return false;
        }
        (a, b) = (ra, rb);
    }
    if let (Some((x, ra)), Some((y, rb))) = (a.split_first_chunk::<2>(), b.split_first_chunk::<2>()) {
        if u16::from_ne_bytes(*x) != u16::from_ne_bytes(*y) {
            return false;
        }
        (a, b) = (ra, rb);
    }
    a.first() == b.first()
}

/// Exports that are linker plumbing, not C symbols: the functions and globals wasm-ld
/// synthesises. Only these: other `__wasm_*` names are ordinary symbols (libdl's own
/// `__wasm_libdl_dlsym_from`, which `dlfcn.h` makes side modules import, is one).
fn is_internal(name: &[u8]) -> bool {
    // Checked byte by byte first: most names do not start with "__", and `starts_with` is a
    // call to `memcmp`, which a `libdl.so` imports from another instance.
    if !matches!(name, [b'_', b'_', ..]) {
        return false;
    }
    // One string of length-prefixed names after the "__", not an array of slices: each
    // slice in a static array is a data relocation in a shared library (~15 B of code each).
    const PLUMBING: &[u8] = b"\x0fwasm_call_ctors\x0fwasm_call_dtors\x16wasm_apply_data_relocs\
        \x18wasm_apply_global_relocs\x15wasm_apply_tls_relocs\x1cwasm_apply_global_tls_relocs\
        \x10wasm_init_memory\x0dwasm_init_tls\x0dstack_pointer\x0bmemory_base\x0atable_base\
        \x0adso_handle";
    let rest = &name[2..];
    let mut list = PLUMBING;
    while let [len, tail @ ..] = list {
        let (entry, next) = tail.split_at(usize::from(*len));
        if entry == rest {
            return true;
        }
        list = next;
    }
    rest.starts_with(b"tls_")
}

impl SymbolTable {
    /// A table of the function and global exports among `exports` (other kinds and linker
    /// plumbing are skipped); values are resolved later.
    pub fn from_named<'a>(exports: impl ExactSizeIterator<Item = (&'a [u8], ExternKind)>) -> Self {
        let mut t = SymbolTable::with_capacity(exports.len());
        for (name, kind) in exports {
            if let Some(sym) = exported_symbol(name, kind) {
                t.insert(name, sym);
            }
        }
        t
    }

    /// The table of an export-section payload starting at byte `base` of its module. The
    /// payload becomes the table's name buffer (names are not copied); it is read on the
    /// first lookup (see [`SymbolTable::parse_error`] for a payload that does not parse).
    pub fn from_export_section(data: Vec<u8>, base: usize) -> Self {
        SymbolTable { names: data, base, entries: OnceCell::new(), scans: Cell::new(0) }
    }

    /// One pass over an export-section payload, for both of its uses: with `want`, a lookup
    /// of that name in place (the answer; `index` untouched); without, `*index` becomes the
    /// index of every symbol (partial if the payload does not parse). One function, so that
    /// the section walk (`each_export`, generic over its callback) is compiled once. Names
    /// are not compared with each other when indexing: a valid module's export names are
    /// distinct.
    #[inline(never)]
    fn walk(names: &[u8], base: usize, want: Option<&[u8]>, index: &mut Indexed) -> Result<Option<Symbol>, ParseError> {
        if want.is_none() {
            // The count first, to size the table once (`each_export` checks it again).
            *index = Indexed::with_capacity(crate::reader::Reader::new(names, base)?.count()? as usize);
        }
        let mut found = None;
        sections::each_export(names, base, |at, kind| {
            let bytes = &names[at.clone()];
            match want {
                Some(name) if same(bytes, name) => {
                    found = exported_symbol(name, kind);
                    return ControlFlow::Break(());
                }
                Some(_) => {}
                None => {
                    if let Some(sym) = exported_symbol(bytes, kind) {
                        index.push(bytes, at.start, sym);
                    }
                }
            }
            ControlFlow::Continue(())
        })?;
        Ok(found)
    }

    /// The index of an export-section payload (empty, with the error, if it does not parse).
    fn index_exports(names: &[u8], base: usize) -> Indexed {
        let mut index = Indexed::default();
        if let Err(e) = Self::walk(names, base, None, &mut index) {
            index = Indexed { error: Some(e), ..Indexed::default() };
        }
        index
    }

    /// A lookup in the export-section payload itself, without an index.
    fn scan(&self, name: &[u8]) -> Option<Symbol> {
        let parsed = Self::walk(&self.names, self.base, Some(name), &mut Indexed::default());
        if parsed.is_err() {
            // Record the error where `parse_error` finds it.
            self.entries();
        }
        parsed.ok()?
    }

    /// The index, built now if this is its first use.
    #[inline]
    fn entries(&self) -> &Indexed {
        self.entries.get_or_init(|| Self::index_exports(&self.names, self.base))
    }

    /// Why the export section behind this table could not be read, if it could not (a host
    /// that validates modules never serves such a section; the table is then empty).
    pub fn parse_error(&self) -> Option<ParseError> {
        self.entries().error
    }

    pub fn from_exports(exports: &[ExportDesc]) -> Self {
        Self::from_named(exports.iter().map(|e| (e.name.as_bytes(), e.kind)))
    }

    /// A table of already-resolved values: a link-time library's exports. The table has
    /// room for as many symbols as `symbols` says it yields at most (its `size_hint`).
    pub fn from_resolved(symbols: crate::linktime::Symbols<'_>) -> Self {
        let mut t = SymbolTable::with_capacity(symbols.size_hint().1.unwrap_or(0));
        for s in symbols {
            s.name.with(|name| t.insert(name, Symbol::Untyped(s.value)));
        }
        t
    }

    fn with_capacity(n: usize) -> Self {
        let entries = OnceCell::from(Indexed::with_capacity(n));
        SymbolTable { names: Vec::new(), base: 0, entries, scans: Cell::new(0) }
    }

    #[inline(always)]
    fn name_of<'t>(names: &'t [u8], e: &Entry) -> &'t [u8] {
        &names[e.start as usize..(e.start + e.len) as usize]
    }

    /// Adds `name`. Only for the tables built at once (every constructor but
    /// `from_export_section`). A name added twice (a malformed link-time table) is in the
    /// table twice, and lookups find the first: the index keeps, for entries of equal hash,
    /// the order they were added in.
    fn insert(&mut self, name: &[u8], sym: Symbol) {
        let Some(t) = self.entries.get_mut() else { return };
        t.push(name, self.names.len(), sym);
        self.names.extend_from_slice(name);
    }

    /// A one-off lookup (out of line: only [`SymbolTable::get_hashed`], `dlsym`'s path, has
    /// the lookup inlined).
    pub fn get(&self, name: &[u8]) -> Option<Symbol> {
        self.get_slow(&Key::new(name))
    }

    /// [`SymbolTable::get`] with the name's hash computed by the caller, once for a search
    /// through many tables (`dlsym(RTLD_DEFAULT)` over the global scope).
    #[inline(always)]
    pub fn get_hashed(&self, key: &Key<'_>) -> Option<Symbol> {
        match self.entries.get() {
            Some(t) => t.find_inline(&self.names, key).map(|e| e.sym.get()),
            None => self.get_slow(key),
        }
    }

    /// A lookup out of line: a scan while the table is not indexed and scans are left, else
    /// the index (built now if this is its first use).
    #[inline(never)]
    fn get_slow(&self, key: &Key<'_>) -> Option<Symbol> {
        if self.entries.get().is_none() && self.scans.get() < SCANS_BEFORE_INDEX {
            self.scans.set(self.scans.get() + 1);
            return self.scan(key.name);
        }
        self.entries().find(&self.names, key).map(|e| e.sym.get())
    }

    pub fn contains(&self, name: &[u8]) -> bool {
        self.get(name).is_some()
    }

    /// Records a resolved value (not before the table is indexed: until then, lookups are
    /// answered by scans, which do not keep values). Through `&self`: values are cached in
    /// cells.
    pub fn resolve(&self, name: &[u8], value: u32) {
        let Some(t) = self.entries.get() else { return };
        if let Some(e) = t.find(&self.names, &Key::new(name)) {
            e.sym.set(match e.sym.get() {
                Symbol::Func(_) => Symbol::Func(Some(value)),
                Symbol::Data(_) => Symbol::Data(Some(value)),
                Symbol::Untyped(_) => Symbol::Untyped(value),
            });
        }
    }

    /// Calls `f` with every symbol (indexing the table first); what `f` returns replaces the
    /// symbol (a value it resolved is cached).
    pub fn each(&self, mut f: impl FnMut(&[u8], Symbol) -> Symbol) {
        for e in &self.entries().entries {
            e.sym.set(f(Self::name_of(&self.names, e), e.sym.get()));
        }
    }

    pub fn len(&self) -> usize {
        self.entries().entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
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
    fn linker_plumbing_is_not_a_symbol() {
        for name in [
            "__wasm_call_ctors",
            "__wasm_call_dtors",
            "__wasm_apply_data_relocs",
            "__wasm_apply_global_relocs",
            "__wasm_apply_tls_relocs",
            "__wasm_apply_global_tls_relocs",
            "__wasm_init_memory",
            "__wasm_init_tls",
            "__stack_pointer",
            "__memory_base",
            "__table_base",
            "__dso_handle",
            "__tls_base",
            "__tls_size",
        ] {
            assert!(is_internal(name.as_bytes()), "{name}");
        }
        for name in
            ["", "_", "__", "main", "__wasm_libdl_dlsym_from", "__wasm_call_ctor", "__dso_handles", "__heap_base"]
        {
            assert!(!is_internal(name.as_bytes()), "{name}");
        }
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

    /// An export-section payload: (name, kind byte) entries, index 0 each.
    fn payload(entries: &[(&str, u8)]) -> Vec<u8> {
        let mut v = vec![entries.len() as u8];
        for (name, kind) in entries {
            v.push(name.len() as u8);
            v.extend_from_slice(name.as_bytes());
            v.extend_from_slice(&[*kind, 0]);
        }
        v
    }

    #[test]
    fn scans_answer_as_the_index_does() {
        let data = payload(&[("f", 0), ("memory", 2), ("__wasm_call_ctors", 0), ("counter", 3), ("g", 0)]);
        let probes: [(&[u8], Option<Symbol>); 6] = [
            (b"f", Some(Symbol::Func(None))),
            (b"g", Some(Symbol::Func(None))),
            (b"counter", Some(Symbol::Data(None))),
            (b"memory", None),
            (b"__wasm_call_ctors", None),
            (b"missing", None),
        ];
        for (name, want) in probes {
            let t = SymbolTable::from_export_section(data.clone(), 100);
            for round in 0..=SCANS_BEFORE_INDEX {
                assert_eq!(t.get(name), want, "{:?}, lookup {round}", core::str::from_utf8(name));
            }
            assert!(t.entries.get().is_some(), "indexed after the scans");
            assert_eq!(t.len(), 3);
        }
        let t = SymbolTable::from_export_section(data, 100);
        t.resolve(b"f", 7);
        assert_eq!(t.get(b"f"), Some(Symbol::Func(None)), "values are kept only once indexed");
        assert_eq!(t.len(), 3);
        t.resolve(b"f", 7);
        assert_eq!(t.get(b"f"), Some(Symbol::Func(Some(7))));
    }

    #[test]
    fn same_agrees_with_slice_equality() {
        let base: Vec<u8> = (0u8..40).map(|i| b'a' + i % 26).collect();
        for len in 0..base.len() {
            let a = &base[..len];
            assert!(same(a, a));
            for at in 0..len {
                let mut b = a.to_vec();
                b[at] ^= 1;
                assert!(!same(a, &b), "length {len}, differing at {at}");
            }
            assert!(!same(a, &base[..len + 1]));
        }
    }

    #[test]
    fn resolve_caches_value_and_keeps_kind() {
        let t = SymbolTable::from_exports(&[exp("f", ExternKind::Func)]);
        t.resolve(b"f", 7);
        assert_eq!(t.get(b"f"), Some(Symbol::Func(Some(7))));
        t.resolve(b"missing", 1);
        assert_eq!(t.get(b"missing"), None);
    }
}
