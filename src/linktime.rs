//! Reader for the library table that `wasm-tools component link` gives to a libdl.
//!
//! When a component is linked with `wasm-tools component link ... --dl-openable NAME=lib.so`
//! and some library (ours: `libdl.so`) imports the global `GOT.mem.__wasm_libdl_libraries`,
//! wit-component writes a table of every dl-openable library and its exports into linear
//! memory (a data segment of its synthesized "init" module) and sets that global to the
//! address of the table's root. Layout (wasm-tools 1.262, all little-endian `u32`, every
//! structure 4-byte aligned):
//!
//! ```text
//! root      (8 bytes)   count: u32, libraries: u32 -> [Library; count]
//! Library  (16 bytes)   name_len: u32, name: u32 -> bytes, symbol_count: u32, symbols: u32 -> [Symbol]
//! Symbol   (12 bytes)   name_len: u32, name: u32 -> bytes, value: u32
//! ```
//!
//! - Library and symbol arrays are sorted by name, byte-wise (Rust `str` order). The reader
//!   does not rely on it.
//! - Names are length-prefixed UTF-8 padded with zeros to a multiple of 4. They are **not**
//!   NUL-terminated when their length is a multiple of 4.
//! - A symbol's `value` is what `dlsym` returns: for a function, an index into the shared
//!   `__indirect_function_table` (wit-component puts every dl-openable function there, so a C
//!   function pointer cast of the value can be called directly); for a global export (data),
//!   the absolute address `__memory_base + value`, written by the init module at
//!   instantiation. The table does not say which kind a symbol is.
//! - Symbols are all function and global exports of the library except
//!   `__wasm_call_ctors`, `__wasm_apply_data_relocs`, `_initialize`, `_start` and
//!   `__wasm_library_tls_info`. Tag exports are skipped but, in wasm-tools 1.262, still
//!   counted in `symbol_count`, which then overstates the array. [`Library::symbols`] clamps a
//!   symbol array to the next structure that follows it, which recovers the true length.
//! - Memory layout, in order: for each library in link order, its name, its symbols' names
//!   and its symbol array; then the library array; then the root. Nothing in it is written
//!   after instantiation.
//!
//! This module reads records on demand from one bounds-checked view of that memory:
//! [`Libraries::find`] scans the library records (tables have tens of libraries, and a
//! library is looked up once, when it is adopted), and [`Library::symbols`] walks one
//! library's symbol array. Nothing is sorted, so the reader does not rely on the arrays being
//! sorted.
//!
//! The table's memory belongs to the component, not to this crate, so the reader never holds
//! a reference into it: the root is read as the `#[repr(C)]` [`Root`] it is, and every other
//! word is copied out with an unaligned raw read, checked against the view first
//! ([`View::read`]). Names are [`Name`]s, an address and a length checked against the view,
//! borrowed only for one comparison or copy ([`Name::with`]). A malformed table is an error with
//! the address of what is wrong (when its root or library array is not where the layout puts
//! it), or a library or symbol that is not there; never a trap, never a wild read.
#![deny(unsafe_op_in_unsafe_fn)]

use crate::reader::ParseError;
use core::marker::PhantomData;

/// The table name of the library `bin/wasm32-wasip2-link` adds to describe the link
/// (`scripts/link-info.py` writes it). Its exports: `s\0NAME` for each object the program
/// starts with, values ascending in global-scope order (the main program first);
/// `n\0NAME\0DEP` for each NEEDED library DEP of NAME, values ascending in NEEDED order;
/// `g\0NAME\0SYM`, the address of a cell holding the GOT slot of NAME's function SYM. Not a
/// library `dlopen` finds.
pub const STARTUP: &[u8] = b"__wasm_libdl_startup.so";

/// Size of the root record.
pub const ROOT_SIZE: u32 = 8;
/// Size of one library record.
pub const LIBRARY_SIZE: u32 = 16;
/// Size of one symbol record.
pub const SYMBOL_SIZE: u32 = 12;

/// The table's root record, the object `__wasm_libdl_libraries` names.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Root {
    /// Number of library records.
    pub count: u32,
    /// Address of the library array.
    pub libraries: u32,
}

/// Linear memory `[base, base + len)`, whose bytes are at `start`, read by copying.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct View<'a> {
    start: *const u8,
    base: u32,
    /// At most `u32::MAX - base`, so that no address in the view overflows.
    len: u32,
    mem: PhantomData<&'a [u8]>,
}

impl<'a> View<'a> {
    /// `mem` as the memory at `base` (clamped where addresses would pass 4 GiB).
    fn of(mem: &'a [u8], base: u32) -> Self {
        let len = mem.len().min((u32::MAX - base) as usize) as u32;
        View { start: mem.as_ptr(), base, len, mem: PhantomData }
    }

    /// Whether the `len` bytes at `address` are all in the view.
    fn has(self, address: u32, len: u32) -> bool {
        address.checked_sub(self.base).and_then(|at| at.checked_add(len)).is_some_and(|end| end <= self.len)
    }

    /// The `N` bytes at `address`, copied out; `None` unless they are all in the view.
    fn read<const N: usize>(self, address: u32) -> Option<[u8; N]> {
        if !self.has(address, N as u32) {
            return None;
        }
        let at = (address - self.base) as usize;
        // SAFETY: `at + N <= len`, and the `len` bytes at `start` are readable for `'a`
        // (`View::of` borrows them; `read_table`'s caller promises them). An unaligned read of
        // a byte array makes no reference and needs no alignment.
        Some(unsafe { self.start.wrapping_add(at).cast::<[u8; N]>().read_unaligned() })
    }

    /// The word at `address`; 0 if it is not in the view (callers read only words they have
    /// checked to be there).
    fn word(self, address: u32) -> u32 {
        self.read(address).map_or(0, u32::from_le_bytes)
    }

    /// The `len` bytes at `address` as a name, if they are all in the view.
    fn name(self, address: u32, len: u32) -> Option<Name<'a>> {
        self.has(address, len).then_some(Name { view: self, at: address, len })
    }
}

/// A name in the table: `len` bytes at address `at` (checked to be in the view), looked at
/// only for the length of one comparison or copy ([`Name::with`]).
#[derive(Clone, Copy, Debug)]
pub struct Name<'a> {
    view: View<'a>,
    at: u32,
    len: u32,
}

impl<'a> Name<'a> {
    /// `f` of its bytes, borrowed for the call only.
    pub fn with<R>(self, f: impl FnOnce(&[u8]) -> R) -> R {
        let at = (self.at - self.view.base) as usize;
        // SAFETY: `View::name` checked that `at + len <= view.len`, and the view's bytes are
        // readable for `'a` (see `View::read`). Nothing runs while `f` holds the slice but `f`
        // itself, which cannot write the table (it has no other way to name it), so the
        // borrow does not outlive a state of the memory.
        f(unsafe { core::slice::from_raw_parts(self.view.start.wrapping_add(at), self.len as usize) })
    }

    /// Its address.
    pub fn address(self) -> u32 {
        self.at
    }

    /// Its length in bytes.
    pub fn len(self) -> usize {
        self.len as usize
    }

    pub fn is_empty(self) -> bool {
        self.len == 0
    }

    /// Whether it is `other`.
    pub fn is(self, other: &[u8]) -> bool {
        self.with(|b| b == other)
    }

    /// Its bytes, copied.
    pub fn to_vec(self) -> alloc::vec::Vec<u8> {
        self.with(|b| b.to_vec())
    }
}

impl PartialEq for Name<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.with(|b| other.is(b))
    }
}

impl Eq for Name<'_> {}

/// One exported symbol of a dl-openable library.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Symbol<'a> {
    pub name: Name<'a>,
    /// Function table index or data address: the value `dlsym` returns.
    pub value: u32,
}

/// The symbols of one library, in table order (a name can repeat in a malformed table: the
/// first one counts). Symbols whose name is not in the table are left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbols<'a> {
    view: View<'a>,
    /// The next symbol record, and how many are left (all inside the view).
    at: u32,
    left: u32,
}

impl<'a> Iterator for Symbols<'a> {
    type Item = Symbol<'a>;

    fn next(&mut self) -> Option<Symbol<'a>> {
        while self.left > 0 {
            // A record: name length, name address, value.
            let (v, r) = (self.view, self.view.read::<12>(self.at).unwrap_or_default());
            (self.at, self.left) = (self.at + SYMBOL_SIZE, self.left - 1);
            let word = |i: usize| u32::from_le_bytes([r[i], r[i + 1], r[i + 2], r[i + 3]]);
            if let Some(name) = v.name(word(4), word(0)) {
                return Some(Symbol { name, value: word(8) });
            }
        }
        None
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.left as usize))
    }
}

/// One dl-openable library, read from the table `'t`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Library<'t, 'a> {
    /// The name it was linked under (`NAME` of `--dl-openable NAME=path`).
    pub name: Name<'a>,
    /// Address of this library's record in the table (stable for the program's lifetime).
    pub record: u32,
    table: &'t Libraries<'a>,
}

impl<'a> Library<'_, 'a> {
    /// Its symbols. The array is clamped so that it does not run into the next structure of
    /// the table (see the module docs on tag exports), and is empty if it is not in the table.
    pub fn symbols(&self) -> Symbols<'a> {
        let (t, v) = (self.table, self.table.view);
        let at = v.word(self.record + 12);
        let left = v.word(self.record + 8).min(t.next_start(at).saturating_sub(at) / SYMBOL_SIZE);
        let left = if v.has(at, left * SYMBOL_SIZE) { left } else { 0 };
        Symbols { view: v, at, left }
    }

    /// The value of the exported symbol `name` (its first entry).
    pub fn symbol(&self, name: &[u8]) -> Option<u32> {
        self.symbols().find(|s| s.name.is(name)).map(|s| s.value)
    }
}

/// Why [`Libraries::find`] found nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FindError {
    /// No library has that name or basename.
    NotFound,
    /// No exact match, and several libraries share the requested basename.
    Ambiguous,
}

/// The whole table: a view of its memory and where its library array is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Libraries<'a> {
    view: View<'a>,
    root: u32,
    /// The library array: `count` records, all inside the view, ending at the root.
    array: u32,
    count: u32,
}

/// The part of `name` after its last `/`.
pub fn basename(name: &[u8]) -> &[u8] {
    let mut start = 0;
    for (i, &b) in name.iter().enumerate() {
        if b == b'/' {
            start = i + 1;
        }
    }
    name.get(start..).unwrap_or_default()
}

impl<'a> Libraries<'a> {
    /// The table whose root record is at `root` in `view`. wit-component writes the library
    /// array right before the root; a table laid out otherwise is refused.
    fn parse(view: View<'a>, root: u32) -> Result<Self, ParseError> {
        let (count, array) = (view.word(root), view.word(root.wrapping_add(4)));
        let size = count.checked_mul(LIBRARY_SIZE);
        let end = size.and_then(|size| array.checked_add(size));
        if !view.has(root, ROOT_SIZE) || end != Some(root) || !view.has(array, size.unwrap_or(0)) {
            let reason = "library array does not end at the root";
            return Err(ParseError { offset: root as usize, reason });
        }
        Ok(Libraries { view, root, array, count })
    }

    /// The library called `name`: an exact match of the linked name first, then a match of
    /// basenames (so `./ext/libfoo.so` and `/lib/libfoo.so` find a library linked as
    /// `libfoo.so`). Where a name repeats, the first library of that name counts.
    pub fn find(&self, name: &[u8]) -> Result<Library<'_, 'a>, FindError> {
        let base = basename(name);
        let mut found = Err(FindError::NotFound);
        for lib in self.libraries() {
            if lib.name.is(name) {
                return Ok(lib);
            }
            if base.is_empty() || !lib.name.with(|n| basename(n) == base) {
                continue;
            }
            match found {
                Err(FindError::NotFound) => found = Ok(lib),
                Ok(first) if first.name != lib.name => found = Err(FindError::Ambiguous),
                _ => {}
            }
        }
        found
    }

    /// The library at `index`, unless its record is not there or its name not in the table.
    pub fn get(&self, index: usize) -> Option<Library<'_, 'a>> {
        if index >= self.len() {
            return None;
        }
        let (v, record) = (self.view, self.array + index as u32 * LIBRARY_SIZE);
        Some(Library { name: v.name(v.word(record + 4), v.word(record))?, record, table: self })
    }

    /// The index of the library whose table record is at `record` (a handle from
    /// wit-component's own libdl would be such an address).
    pub fn by_record(&self, record: u32) -> Option<usize> {
        let offset = record.checked_sub(self.array)?;
        let index = (offset / LIBRARY_SIZE) as usize;
        (offset % LIBRARY_SIZE == 0 && index < self.len()).then_some(index)
    }

    /// All libraries whose name is in the table, in table order.
    pub fn libraries(&self) -> impl Iterator<Item = Library<'_, 'a>> {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// The word at `address` (a GOT cell of [`STARTUP`]), if it is in the view.
    pub fn cell(&self, address: u32) -> Option<u32> {
        self.view.read(address).map(u32::from_le_bytes)
    }

    /// The address of the root record (wit-component places every library's data above it).
    pub fn root(&self) -> u32 {
        self.root
    }

    /// Number of library records.
    pub fn len(&self) -> usize {
        self.count as usize
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Where a symbol array starting at `from` ends: at the first library name, library array
    /// or root at or after `from`, or at the first other non-empty symbol array after it (the
    /// root if none).
    fn next_start(&self, from: u32) -> u32 {
        let v = self.view;
        let mut next = self.root;
        let mut consider = |at: u32, min: u32| {
            if at >= min && at < next {
                next = at;
            }
        };
        let past = from.saturating_add(1);
        consider(self.array, from);
        for i in 0..self.count {
            let record = self.array + i * LIBRARY_SIZE;
            consider(v.word(record + 4), from);
            if v.word(record + 8) > 0 {
                consider(v.word(record + 12), past);
            }
        }
        next
    }
}

/// The table whose root is at address `root`, given the linear memory that holds it:
/// `mem[i]` is the byte at address `base + i`. An error unless the root record and the whole
/// library array are in `mem`, the array ending at the root; everything else is checked as it
/// is read.
pub fn parse_table(mem: &[u8], base: u32, root: u32) -> Result<Libraries<'_>, ParseError> {
    Libraries::parse(View::of(mem, base), root)
}

/// Reads the table whose root is `root` (the `GOT.mem.__wasm_libdl_libraries` import, i.e.
/// `&__wasm_libdl_libraries` in C) out of this program's linear memory; an error, with the
/// address of what is wrong, if its library array is not where the layout puts it.
///
/// The table's addresses are `u32` pointers: only meaningful on wasm32.
///
/// # Safety
///
/// `root` must be the address wit-component gave in `__wasm_libdl_libraries` (or otherwise
/// point at a [`Root`] of a table in the layout above), and the memory the table names must
/// stay readable and unchanged. wit-component writes the table into a data segment of its
/// own that nothing else uses: memory the Rust abstract machine does not manage, so its
/// provenance counts as exposed (`core::ptr::with_exposed_provenance`).
///
/// `static_end` is where the program's static data ends (`__heap_base`): the memory below it
/// is read too, for the GOT cells of [`STARTUP`] ([`Libraries::cell`]), which its
/// constructor writes when the component starts, before any of this runs.
///
/// What holds for any table: every read is at an address the table names, below the end of
/// the root or `static_end` (so inside linear memory: no trap); it copies bytes out, or lends
/// them to one comparison or copy ([`Name::with`]); nothing is written. A table whose records
/// name memory outside its own data segment (which wit-component never writes) would have
/// those bytes read as names and values: missing or wrong libraries and symbols, not a crash.
pub unsafe fn read_table(root: *const Root, static_end: u32) -> Result<Libraries<'static>, ParseError> {
    let root_addr = root as usize as u32;
    // The memory below the end of the root record or of the static data, whichever is
    // further (address 0 is never part of the table).
    let end = root_addr.saturating_add(ROOT_SIZE).max(static_end);
    let start = core::ptr::with_exposed_provenance::<u8>(1);
    let view = View { start, base: 1, len: end.saturating_sub(1), mem: PhantomData };
    Libraries::parse(view, root_addr)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::vec::Vec as StdVec;

    /// The table wasm-tools 1.262 wrote for `libside.so` (side_calls_dep, side_counter,
    /// side_data, side_fn, side_msg; NEEDED libdep.so) and `libdep.so` (dep_fn), dumped from
    /// a running component on wasmtime. Base 0x100000, root at 0x1000c0.
    #[rustfmt::skip]
    pub(crate) const REAL: &[u8] = &[
        0x6c, 0x69, 0x62, 0x73, 0x69, 0x64, 0x65, 0x2e, 0x73, 0x6f, 0x00, 0x00, 0x73, 0x69, 0x64, 0x65,
        0x5f, 0x63, 0x61, 0x6c, 0x6c, 0x73, 0x5f, 0x64, 0x65, 0x70, 0x00, 0x00, 0x73, 0x69, 0x64, 0x65,
        0x5f, 0x63, 0x6f, 0x75, 0x6e, 0x74, 0x65, 0x72, 0x73, 0x69, 0x64, 0x65, 0x5f, 0x64, 0x61, 0x74,
        0x61, 0x00, 0x00, 0x00, 0x73, 0x69, 0x64, 0x65, 0x5f, 0x66, 0x6e, 0x00, 0x73, 0x69, 0x64, 0x65,
        0x5f, 0x6d, 0x73, 0x67, 0x0e, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x10, 0x00, 0x01, 0x00, 0x00, 0x00,
        0x0c, 0x00, 0x00, 0x00, 0x1c, 0x00, 0x10, 0x00, 0x2c, 0x42, 0x13, 0x00, 0x09, 0x00, 0x00, 0x00,
        0x28, 0x00, 0x10, 0x00, 0x28, 0x42, 0x13, 0x00, 0x07, 0x00, 0x00, 0x00, 0x34, 0x00, 0x10, 0x00,
        0x02, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x10, 0x00, 0x00, 0x42, 0x13, 0x00,
        0x6c, 0x69, 0x62, 0x64, 0x65, 0x70, 0x2e, 0x73, 0x6f, 0x00, 0x00, 0x00, 0x64, 0x65, 0x70, 0x5f,
        0x66, 0x6e, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00, 0x8c, 0x00, 0x10, 0x00, 0x03, 0x00, 0x00, 0x00,
        0x09, 0x00, 0x00, 0x00, 0x80, 0x00, 0x10, 0x00, 0x01, 0x00, 0x00, 0x00, 0x94, 0x00, 0x10, 0x00,
        0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x05, 0x00, 0x00, 0x00, 0x44, 0x00, 0x10, 0x00,
        0x02, 0x00, 0x00, 0x00, 0xa0, 0x00, 0x10, 0x00,
    ];
    pub(crate) const REAL_BASE: u32 = 0x100000;
    pub(crate) const REAL_ROOT: u32 = 0x1000c0;

    /// (library name, [(symbol, value)], tag exports counted but not written)
    pub(crate) type Spec<'s> = (&'s str, &'s [(&'s str, u32)], u32);

    /// Builds a table the way wit-component lays it out, at `base`. Each library:
    /// (name, [(symbol, value)], extra uncounted entries to claim in symbol_count).
    pub(crate) fn build(base: u32, libs: &[Spec<'_>]) -> (StdVec<u8>, u32) {
        let mut buf: StdVec<u8> = StdVec::new();
        let addr = |buf: &StdVec<u8>| base + buf.len() as u32;
        let put = |buf: &mut StdVec<u8>, v: u32| buf.extend_from_slice(&v.to_le_bytes());
        let text = |buf: &mut StdVec<u8>, s: &str| {
            buf.extend_from_slice(s.as_bytes());
            while buf.len() % 4 != 0 {
                buf.push(0);
            }
        };
        let mut records = StdVec::new();
        for (name, syms, extra) in libs {
            let name_at = addr(&buf);
            text(&mut buf, name);
            let mut entries = StdVec::new();
            for (s, v) in *syms {
                entries.push((*s, addr(&buf), *v));
                text(&mut buf, s);
            }
            entries.sort();
            let syms_at = addr(&buf);
            for (s, at, v) in entries {
                put(&mut buf, s.len() as u32);
                put(&mut buf, at);
                put(&mut buf, v);
            }
            records.push((*name, name_at, syms.len() as u32 + extra, syms_at));
        }
        records.sort();
        let array = addr(&buf);
        for (name, at, count, syms) in &records {
            put(&mut buf, name.len() as u32);
            put(&mut buf, *at);
            put(&mut buf, *count);
            put(&mut buf, *syms);
        }
        let root = addr(&buf);
        put(&mut buf, records.len() as u32);
        put(&mut buf, array);
        (buf, root)
    }

    /// The index of the library [`Libraries::find`] finds.
    fn index_of(t: &Libraries<'_>, name: &[u8]) -> Result<usize, FindError> {
        t.find(name).map(|l| t.by_record(l.record).expect("a record of the table"))
    }

    fn names(t: &Libraries<'_>) -> StdVec<StdVec<u8>> {
        t.libraries().map(|l| l.name.to_vec()).collect()
    }

    fn symbols(l: &Library<'_, '_>) -> StdVec<(std::string::String, u32)> {
        l.symbols().map(|s| (std::string::String::from_utf8(s.name.to_vec()).unwrap(), s.value)).collect()
    }

    /// `symbols` as `(&str, u32)` pairs, for comparisons with literals.
    fn pairs(v: &[(std::string::String, u32)]) -> StdVec<(&str, u32)> {
        v.iter().map(|(n, v)| (n.as_str(), *v)).collect()
    }

    #[test]
    fn real_table() {
        let t = parse_table(REAL, REAL_BASE, REAL_ROOT).unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!(names(&t), [&b"libdep.so"[..], b"libside.so"]);
        let side = t.find(b"libside.so").unwrap();
        assert_eq!(side.record, 0x1000b0);
        // The record says 8 symbols (tag exports counted); the array holds 5.
        assert_eq!(
            pairs(&symbols(&side)),
            [
                ("side_calls_dep", 1),
                ("side_counter", 0x13422c),
                ("side_data", 0x134228),
                ("side_fn", 2),
                ("side_msg", 0x134200),
            ]
        );
        assert_eq!(side.symbol(b"side_fn"), Some(2));
        // 8- and 12-byte names are not NUL-terminated in memory.
        assert_eq!(side.symbol(b"side_msg"), Some(0x134200));
        assert_eq!(side.symbol(b"side_counter"), Some(0x13422c));
        assert_eq!(side.symbol(b"side"), None);
        assert_eq!(side.symbol(b"side_fn\0"), None);
        assert_eq!(side.symbol(b"dep_fn"), None);
        let dep = t.find(b"libdep.so").unwrap();
        assert_eq!(pairs(&symbols(&dep)), [("dep_fn", 3)]);
        assert_eq!(t.by_record(0x1000a0), index_of(&t, b"libdep.so").ok());
        assert_eq!(t.by_record(0x1000a4), None);
        assert_eq!(t.by_record(0x1000c0), None);
        assert!(t.get(2).is_none());
    }

    #[test]
    fn find_exact_then_basename() {
        let t = parse_table(REAL, REAL_BASE, REAL_ROOT).unwrap();
        let side = t.find(b"libside.so").unwrap();
        assert_eq!(t.find(b"./libside.so"), Ok(side));
        assert_eq!(t.find(b"/usr/lib/libside.so"), Ok(side));
        assert_eq!(t.find(b"libside"), Err(FindError::NotFound));
        assert_eq!(t.find(b"dir/"), Err(FindError::NotFound));
        assert_eq!(t.find(b""), Err(FindError::NotFound));
        assert_eq!(t.find(b"libnope.so"), Err(FindError::NotFound));
    }

    #[test]
    fn basename_of_linked_paths() {
        let (buf, root) = build(
            0x2000,
            &[
                ("a/libx.so", &[("f", 1)], 0),
                ("b/libx.so", &[("g", 2)], 0),
                ("c/liby.so", &[], 0),
                ("libz.so", &[], 0),
                ("d/libz.so", &[], 0),
            ],
        );
        let t = parse_table(&buf, 0x2000, root).unwrap();
        assert!(t.find(b"a/libx.so").unwrap().name.is(b"a/libx.so"));
        assert_eq!(t.find(b"libx.so"), Err(FindError::Ambiguous));
        assert_eq!(t.find(b"/lib/libx.so"), Err(FindError::Ambiguous));
        let y = t.find(b"./liby.so").unwrap();
        assert!(y.name.is(b"c/liby.so"));
        assert_eq!(y.symbols().count(), 0);
        // An exact name wins over a basename shared with another library.
        assert!(t.find(b"libz.so").unwrap().name.is(b"libz.so"));
        assert!(t.find(b"d/libz.so").unwrap().name.is(b"d/libz.so"));
        assert_eq!(t.find(b"e/libz.so"), Err(FindError::Ambiguous));
    }

    #[test]
    fn empty_table() {
        let (buf, root) = build(0x400, &[]);
        assert_eq!(buf, [0, 0, 0, 0, 0x00, 0x04, 0, 0]);
        let t = parse_table(&buf, 0x400, root).unwrap();
        assert!(t.is_empty());
        assert_eq!(t.libraries().count(), 0);
        assert_eq!(t.find(b"libfoo.so"), Err(FindError::NotFound));
    }

    #[test]
    fn builder_matches_real_layout() {
        let (buf, root) = build(
            REAL_BASE,
            &[
                (
                    "libside.so",
                    &[
                        ("side_calls_dep", 1),
                        ("side_counter", 0x13422c),
                        ("side_data", 0x134228),
                        ("side_fn", 2),
                        ("side_msg", 0x134200),
                    ],
                    0,
                ),
                ("libdep.so", &[("dep_fn", 3)], 0),
            ],
        );
        assert_eq!(root, REAL_ROOT);
        assert_eq!(buf, REAL);
    }

    #[test]
    fn overcounted_symbols_are_clamped() {
        // wasm-tools counts tag exports but writes no entry for them. Whichever library comes
        // last, its array is clamped by the library array after it; the other's by the next
        // library's name.
        for order in [false, true] {
            let libs: [Spec<'_>; 3] =
                [("libtag.so", &[("a_fn", 1), ("c_fn", 2)], 1), ("libz.so", &[("z", 3)], 2), ("libnone.so", &[], 5)];
            let libs = if order { [libs[2], libs[1], libs[0]] } else { libs };
            let (buf, root) = build(0x1000, &libs);
            let t = parse_table(&buf, 0x1000, root).unwrap();
            let tag = t.find(b"libtag.so").unwrap();
            assert_eq!(pairs(&symbols(&tag)), [("a_fn", 1), ("c_fn", 2)]);
            let z = t.find(b"libz.so").unwrap();
            assert_eq!(pairs(&symbols(&z)), [("z", 3)]);
            let none = t.find(b"libnone.so").unwrap();
            assert_eq!(pairs(&symbols(&none)), []);
        }
    }

    /// A table by hand: names at 0x00 ("b", "a", "x", "y", "d/k"), then the symbols of "b"
    /// (`y`, `x`, `y`), then the libraries `records` (name address, name length, symbol count,
    /// symbol array), then the root. Base 0.
    fn unusual(records: &[(u32, u32, u32, u32)]) -> (StdVec<u8>, u32) {
        let mut m: StdVec<u8> = StdVec::new();
        let w = |m: &mut StdVec<u8>, v: u32| m.extend_from_slice(&v.to_le_bytes());
        m.extend_from_slice(b"b\0\0\0a\0\0\0x\0\0\0y\0\0\0d/k\0");
        for (at, v) in [(0x0c, 10), (0x08, 11), (0x0c, 12)] {
            w(&mut m, 1);
            w(&mut m, at);
            w(&mut m, v);
        } // symbols at 0x14..0x38
        let array = m.len() as u32;
        for &(at, len, n, s) in records {
            w(&mut m, len);
            w(&mut m, at);
            w(&mut m, n);
            w(&mut m, s);
        }
        let root = m.len() as u32;
        w(&mut m, records.len() as u32);
        w(&mut m, array);
        (m, root)
    }

    #[test]
    fn unsorted_and_repeated_names_first_wins() {
        let (m, root) = unusual(&[
            (0x00, 1, 3, 0x14), // b
            (0x04, 1, 0, 0x14), // a
            (0x00, 1, 0, 0x14), // b again
            (0x10, 3, 0, 0x14), // d/k
            (0x10, 3, 0, 0x14), // d/k again: not ambiguous with itself
        ]);
        let t = parse_table(&m, 0, root).unwrap();
        assert_eq!(names(&t), [&b"b"[..], b"a", b"b", b"d/k", b"d/k"]);
        assert_eq!(index_of(&t, b"a"), Ok(1));
        assert_eq!(index_of(&t, b"b"), Ok(0));
        assert_eq!(index_of(&t, b"./b"), Ok(0));
        assert_eq!(index_of(&t, b"k"), Ok(3));
        let b = t.get(0).unwrap();
        assert_eq!(pairs(&symbols(&b)), [("y", 10), ("x", 11), ("y", 12)]);
        assert_eq!(b.symbol(b"y"), Some(10));
        assert_eq!(b.symbol(b"x"), Some(11));
        // The symbol table built from them keeps the first `y` too.
        let st = crate::symbols::SymbolTable::from_resolved(b.symbols());
        assert_eq!(st.get(b"y"), Some(crate::symbols::Symbol::Untyped(10)));
        assert_eq!(st.get(b"x"), Some(crate::symbols::Symbol::Untyped(11)));
    }

    #[test]
    fn malformed_tables() {
        // No table: root outside the memory, library array not all there, truncated memory.
        assert!(parse_table(REAL, REAL_BASE, REAL_ROOT + 4).is_err());
        assert!(parse_table(REAL, REAL_BASE, REAL_BASE - 8).is_err());
        assert!(parse_table(REAL, REAL_BASE, u32::MAX).is_err());
        assert!(parse_table(&REAL[..REAL.len() - 1], REAL_BASE, REAL_ROOT).is_err());
        assert!(parse_table(&[], 0, 0).is_err());
        let with = |at: usize, v: u32| {
            let mut m = REAL.to_vec();
            m[at..at + 4].copy_from_slice(&v.to_le_bytes());
            m
        };
        for count in [3, 0x1000_0000, u32::MAX] {
            assert!(parse_table(&with(0xc0, count), REAL_BASE, REAL_ROOT).is_err());
        }
        assert!(parse_table(&with(0xc4, REAL_ROOT + 4), REAL_BASE, REAL_ROOT).is_err());
        // An array that would end past 4 GiB.
        let mut high = REAL.to_vec();
        high.resize(0x108, 0);
        high[0xc0..0xc8].copy_from_slice(&[1, 0, 0, 0, 0xf8, 0xff, 0xff, 0xff]);
        assert!(parse_table(&high, 0xffff_ff00, 0xffff_ffc0).is_err());
        high[0xc4] = 0xe8; // the same record 16 bytes lower is fine
        assert!(parse_table(&high, 0xffff_ff00, 0xffff_ffc0).is_err(), "an array that ends before the root");

        // A library whose name is not in the table is not there; the others are.
        for (at, v) in [(0xb4, 0x7000_0000), (0xb4, REAL_BASE - 4), (0xb0, u32::MAX), (0xb0, 0xc9)] {
            let m = with(at, v);
            let t = parse_table(&m, REAL_BASE, REAL_ROOT).unwrap();
            assert_eq!(t.find(b"libside.so"), Err(FindError::NotFound));
            assert!(t.get(1).is_none());
            assert_eq!(names(&t), [&b"libdep.so"[..]]);
            assert_eq!(t.find(b"libdep.so").unwrap().symbol(b"dep_fn"), Some(3));
        }
        // A symbol whose name is not in the table is not there; the others are.
        for v in [u32::MAX, 0xc8, 0x100] {
            let m = with(0x44, v); // libside's first symbol (side_calls_dep): name length
            let t = parse_table(&m, REAL_BASE, REAL_ROOT).unwrap();
            let side = t.find(b"libside.so").unwrap();
            assert_eq!(side.symbol(b"side_calls_dep"), None);
            assert_eq!(side.symbols().count(), 4);
            assert_eq!(side.symbol(b"side_msg"), Some(0x134200));
        }
        // A symbol array outside the table, or past the root: no symbols.
        for v in [0x7000_0000, REAL_BASE - 12, REAL_ROOT, REAL_ROOT + 4, REAL_ROOT - 8] {
            let m = with(0xbc, v);
            let t = parse_table(&m, REAL_BASE, REAL_ROOT).unwrap();
            let side = t.find(b"libside.so").unwrap();
            assert_eq!(side.symbols().count(), 0, "{v:#x}");
        }
        // A symbol array at the library array is empty; one inside it stops at the root.
        for (v, n) in [(REAL_BASE + 0xa0, 0), (REAL_BASE + 0xa4, 2)] {
            let m = with(0xbc, v);
            let t = parse_table(&m, REAL_BASE, REAL_ROOT).unwrap();
            let side = t.find(b"libside.so").unwrap();
            assert_eq!(side.symbols().size_hint(), (0, Some(n)));
        }
    }

    /// Every word of the real table replaced by a few telling values: the fuzz target's
    /// properties hold for each.
    #[test]
    fn mutated_real_tables() {
        let values = [
            0,
            1,
            4,
            0x7fff_ffff,
            u32::MAX,
            u32::MAX - 3,
            REAL_BASE,
            REAL_BASE + 0x44,
            REAL_BASE + 0xa0,
            REAL_ROOT,
            REAL_ROOT + 4,
        ];
        for base in [REAL_BASE, 0, 0xffff_ff00] {
            for at in (0..REAL.len()).step_by(4) {
                for v in values {
                    let mut input = StdVec::new();
                    input.extend_from_slice(&base.to_le_bytes());
                    input.extend_from_slice(&(REAL_ROOT - REAL_BASE).to_le_bytes());
                    input.extend_from_slice(REAL);
                    input[8 + at..12 + at].copy_from_slice(&v.to_le_bytes());
                    crate::model::fuzz::linktime_table(&input);
                }
            }
        }
    }

    #[test]
    fn basename_cases() {
        assert_eq!(basename(b"libfoo.so"), b"libfoo.so");
        assert_eq!(basename(b"./libfoo.so"), b"libfoo.so");
        assert_eq!(basename(b"/a/b/libfoo.so"), b"libfoo.so");
        assert_eq!(basename(b"dir/"), b"");
        assert_eq!(basename(b""), b"");
    }
}
