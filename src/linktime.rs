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
//! - Library and symbol arrays are sorted by name, byte-wise (Rust `str` order), so both can
//!   be binary searched.
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
//!   counted in `symbol_count`, which then overstates the array. [`parse_table`] clamps every
//!   symbol array to the next structure that follows it, which recovers the true length.
//! - Memory layout, in order: for each library in link order, its name, its symbols' names
//!   and its symbol array; then the library array; then the root. Nothing in it is written
//!   after instantiation.
//!
//! This module turns that table into safe structures once ([`read_table`], the only unsafe
//! code) and answers lookups over them ([`Libraries::find`], [`Library::symbol`]).
#![deny(unsafe_op_in_unsafe_fn)]

use alloc::vec::Vec;
use core::fmt;

/// Size of the root record.
pub const ROOT_SIZE: u32 = 8;
/// Size of one library record.
pub const LIBRARY_SIZE: u32 = 16;
/// Size of one symbol record.
pub const SYMBOL_SIZE: u32 = 12;

/// A malformed table: what was wrong and at which linear-memory address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TableError {
    pub address: u32,
    pub reason: &'static str,
}

impl fmt::Display for TableError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "malformed link-time library table at {:#x}: {}",
            self.address, self.reason
        )
    }
}

fn err<T>(address: u32, reason: &'static str) -> Result<T, TableError> {
    Err(TableError { address, reason })
}

/// One exported symbol of a dl-openable library.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Symbol<'a> {
    pub name: &'a [u8],
    /// Function table index or data address: the value `dlsym` returns.
    pub value: u32,
}

/// One dl-openable library.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Library<'a> {
    /// The name it was linked under (`NAME` of `--dl-openable NAME=path`).
    pub name: &'a [u8],
    /// Address of this library's record in the table (stable for the program's lifetime).
    pub record: u32,
    /// Sorted by name, without duplicates.
    symbols: Vec<Symbol<'a>>,
}

impl<'a> Library<'a> {
    /// The value of the exported symbol `name`, by binary search.
    pub fn symbol(&self, name: &[u8]) -> Option<u32> {
        self.symbols
            .binary_search_by(|s| s.name.cmp(name))
            .ok()
            .map(|i| self.symbols[i].value)
    }

    /// All symbols, sorted by name.
    pub fn symbols(&self) -> &[Symbol<'a>] {
        &self.symbols
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

/// The whole table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Libraries<'a> {
    /// Sorted by name, without duplicates.
    libraries: Vec<Library<'a>>,
    /// `(basename, index into libraries)`, sorted by basename.
    basenames: Vec<(&'a [u8], usize)>,
}

/// The part of `name` after its last `/`.
pub fn basename(name: &[u8]) -> &[u8] {
    match name.iter().rposition(|&b| b == b'/') {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

impl<'a> Libraries<'a> {
    /// Index of the library called `name`: an exact match of the linked name first, then a
    /// match of basenames (so `./ext/libfoo.so` and `/lib/libfoo.so` find a library linked as
    /// `libfoo.so`). Both steps are binary searches.
    pub fn find(&self, name: &[u8]) -> Result<usize, FindError> {
        if let Ok(i) = self.libraries.binary_search_by(|l| l.name.cmp(name)) {
            return Ok(i);
        }
        let base = basename(name);
        if base.is_empty() {
            return Err(FindError::NotFound);
        }
        let first = self.basenames.partition_point(|(b, _)| *b < base);
        match self.basenames.get(first..).unwrap_or(&[]) {
            [(b, i), rest @ ..] if *b == base => match rest.first() {
                Some((b2, _)) if *b2 == base => Err(FindError::Ambiguous),
                _ => Ok(*i),
            },
            _ => Err(FindError::NotFound),
        }
    }

    /// The library at `index` (as returned by [`find`](Self::find)).
    pub fn get(&self, index: usize) -> Option<&Library<'a>> {
        self.libraries.get(index)
    }

    /// The library whose table record is at `record` (a handle from wit-component's own
    /// libdl would be such an address).
    pub fn by_record(&self, record: u32) -> Option<usize> {
        self.libraries.iter().position(|l| l.record == record)
    }

    /// All libraries, sorted by name.
    pub fn libraries(&self) -> &[Library<'a>] {
        &self.libraries
    }

    pub fn len(&self) -> usize {
        self.libraries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.libraries.is_empty()
    }
}

/// Linear memory `[base, base + mem.len())` as a bounds-checked byte view.
struct View<'a> {
    mem: &'a [u8],
    base: u32,
}

impl<'a> View<'a> {
    fn bytes(&self, address: u32, len: u32) -> Result<&'a [u8], TableError> {
        let start = address.checked_sub(self.base).ok_or(TableError {
            address,
            reason: "address below the table",
        })? as usize;
        let end = start
            .checked_add(len as usize)
            .filter(|&end| end <= self.mem.len())
            .ok_or(TableError {
                address,
                reason: "address past the table",
            })?;
        Ok(&self.mem[start..end])
    }

    fn u32(&self, address: u32) -> Result<u32, TableError> {
        let b = self.bytes(address, 4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
}

/// A library record as stored.
struct RawLibrary {
    record: u32,
    name_len: u32,
    name: u32,
    symbol_count: u32,
    symbols: u32,
}

fn raw_libraries(view: &View<'_>, root: u32) -> Result<(u32, Vec<RawLibrary>), TableError> {
    let count = view.u32(root)?;
    let array = view.u32(root.wrapping_add(4))?;
    let size = count
        .checked_mul(LIBRARY_SIZE)
        .and_then(|s| array.checked_add(s))
        .ok_or(TableError {
            address: root,
            reason: "library count too large",
        })?;
    // Bounds-check the whole array once, before allocating for it.
    view.bytes(array, size - array)?;
    let mut raw = Vec::with_capacity(count as usize);
    for i in 0..count {
        let record = array + i * LIBRARY_SIZE;
        raw.push(RawLibrary {
            record,
            name_len: view.u32(record)?,
            name: view.u32(record + 4)?,
            symbol_count: view.u32(record + 8)?,
            symbols: view.u32(record + 12)?,
        });
    }
    Ok((array, raw))
}

/// Parses the table whose root is at address `root`, given the linear memory that holds it:
/// `mem[i]` is the byte at address `base + i`. Names borrow from `mem`.
///
/// Everything is bounds-checked; a symbol array is clamped so that it does not run into the
/// next structure of the table (see the module docs on tag exports). Arrays that are not
/// sorted, or that repeat a name, are sorted and deduplicated (first entry wins), so lookups
/// stay correct whatever the producer did.
pub fn parse_table(mem: &[u8], base: u32, root: u32) -> Result<Libraries<'_>, TableError> {
    let view = View { mem, base };
    let (array, raw) = raw_libraries(&view, root)?;

    let mut libraries = Vec::with_capacity(raw.len());
    for l in &raw {
        let name = view.bytes(l.name, l.name_len)?;
        let mut count = l.symbol_count;
        if count > 0 {
            // The array ends where the next structure starts: the first address after the
            // array's own start where a name, another symbol array, the library array or the
            // root is. (A scan per library rather than a sorted list of starts: tables have
            // tens of libraries, and this runs once.)
            let mut limit: Option<u32> = None;
            let others = raw.iter().flat_map(|o| [Some(o.name), (o.symbol_count > 0).then_some(o.symbols)]);
            for s in others.flatten().chain([array, root]) {
                if s > l.symbols && limit.is_none_or(|m| s < m) {
                    limit = Some(s);
                }
            }
            let limit = limit.unwrap_or(root);
            count = count.min(limit.saturating_sub(l.symbols) / SYMBOL_SIZE);
            view.bytes(l.symbols, count * SYMBOL_SIZE)?;
        }
        let mut symbols = Vec::with_capacity(count as usize);
        for j in 0..count {
            let at = l.symbols + j * SYMBOL_SIZE;
            let name_len = view.u32(at)?;
            let name_at = view.u32(at + 4)?;
            symbols.push(Symbol {
                name: view.bytes(name_at, name_len)?,
                value: view.u32(at + 8)?,
            });
        }
        sort_dedup(&mut symbols, |s| s.name);
        libraries.push(Library {
            name,
            record: l.record,
            symbols,
        });
    }
    sort_dedup(&mut libraries, |l| l.name);

    let base_of = |i: usize| basename(libraries[i].name);
    let basenames = order_by_key(libraries.len(), &base_of).into_iter().map(|i| (base_of(i), i)).collect();
    Ok(Libraries {
        libraries,
        basenames,
    })
}

/// Stable sort by key (nothing to do for the already sorted input wit-component writes),
/// then drop later entries with a repeated key.
fn sort_dedup<T>(v: &mut Vec<T>, key: impl Fn(&T) -> &[u8]) {
    if let Some(order) = sorted_order(v.len(), &|i| key(&v[i])) {
        let mut slots: Vec<Option<T>> = core::mem::take(v).into_iter().map(Some).collect();
        v.extend(order.iter().map(|&i| slots[i].take().expect("each position once")));
    }
}

/// The positions `0..n` in the stable order of their keys, later positions with a repeated
/// key left out; `None` when the keys already increase strictly. Not generic, so that the
/// sort is compiled once for symbols and libraries alike.
fn sorted_order<'k>(n: usize, key: &dyn Fn(usize) -> &'k [u8]) -> Option<Vec<usize>> {
    if (1..n).all(|i| key(i - 1) < key(i)) {
        return None;
    }
    let mut order = order_by_key(n, key);
    order.dedup_by(|later, earlier| key(*later) == key(*earlier));
    Some(order)
}

/// The positions `0..n` in the stable order of their keys.
fn order_by_key<'k>(n: usize, key: &dyn Fn(usize) -> &'k [u8]) -> Vec<usize> {
    // Comparing positions last makes the (unstable) heapsort stable.
    let mut order: Vec<usize> = (0..n).collect();
    crate::sort::sort_by(&mut order, |&a, &b| (key(a), a) < (key(b), b));
    order
}

/// Reads the table whose root is at `root` (the value of the `GOT.mem.__wasm_libdl_libraries`
/// import, i.e. `&__wasm_libdl_libraries` in C) out of this program's linear memory.
///
/// Only meaningful on wasm32, where the table's `u32` addresses are pointers.
///
/// # Safety
///
/// `root` must be the address wit-component gave in `__wasm_libdl_libraries` (or otherwise
/// point at a table in the layout above), and the memory from the lowest address the table
/// refers to up to `root + 8` must be readable and never written again: the result borrows it
/// for `'static`. Addresses inside the table are bounds-checked against that range, so a
/// malformed table gives an error rather than a wild read, provided the root record and the
/// library array themselves are readable.
pub unsafe fn read_table(root: *const u8) -> Result<Libraries<'static>, TableError> {
    let root_addr = root as usize as u32;
    if root.is_null() {
        return err(0, "no table");
    }
    let word = |p: *const u8| -> u32 {
        // SAFETY: the caller guarantees the root record and the library array are readable;
        // `p` only ever points into them. Unaligned reads keep a misaligned table harmless.
        u32::from_le(unsafe { core::ptr::read_unaligned(p as *const u32) })
    };
    let count = word(root);
    let array = word(root.wrapping_add(4));
    let array_end = (count as u64) * (LIBRARY_SIZE as u64) + array as u64;
    if array == 0 || array_end > root_addr as u64 {
        return err(root_addr, "library array not below the root");
    }
    // The table's lowest address: the first library name (link order) or, with no
    // libraries, the array itself.
    let mut low = array;
    for i in 0..count {
        let record = core::ptr::with_exposed_provenance::<u8>((array + i * LIBRARY_SIZE) as usize);
        let name = word(record.wrapping_add(4));
        let symbols = word(record.wrapping_add(12));
        low = low.min(name).min(if word(record.wrapping_add(8)) > 0 {
            symbols
        } else {
            array
        });
    }
    if low == 0 {
        return err(root_addr, "table refers to address 0");
    }
    let len = (root_addr - low + ROOT_SIZE) as usize;
    let start = core::ptr::with_exposed_provenance::<u8>(low as usize);
    // SAFETY: `start..start + len` is the table's memory, readable and never written again
    // (caller's contract); `low` is non-null and the range stays below `root + 8`.
    let mem: &'static [u8] = unsafe { core::slice::from_raw_parts(start, len) };
    parse_table(mem, low, root_addr)
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
    type Spec<'s> = (&'s str, &'s [(&'s str, u32)], u32);

    /// Builds a table the way wit-component lays it out, at `base`. Each library:
    /// (name, [(symbol, value)], extra uncounted entries to claim in symbol_count).
    fn build(base: u32, libs: &[Spec<'_>]) -> (StdVec<u8>, u32) {
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

    #[test]
    fn real_table() {
        let t = parse_table(REAL, REAL_BASE, REAL_ROOT).unwrap();
        assert_eq!(t.len(), 2);
        let names: StdVec<&[u8]> = t.libraries().iter().map(|l| l.name).collect();
        assert_eq!(names, [&b"libdep.so"[..], b"libside.so"]);
        let side = t.get(t.find(b"libside.so").unwrap()).unwrap();
        assert_eq!(side.record, 0x1000b0);
        assert_eq!(side.symbols().len(), 5);
        assert_eq!(side.symbol(b"side_fn"), Some(2));
        assert_eq!(side.symbol(b"side_calls_dep"), Some(1));
        assert_eq!(side.symbol(b"side_data"), Some(0x134228));
        // 8- and 12-byte names are not NUL-terminated in memory.
        assert_eq!(side.symbol(b"side_msg"), Some(0x134200));
        assert_eq!(side.symbol(b"side_counter"), Some(0x13422c));
        assert_eq!(side.symbol(b"side"), None);
        assert_eq!(side.symbol(b"side_fn\0"), None);
        assert_eq!(side.symbol(b"dep_fn"), None);
        let dep = t.get(t.find(b"libdep.so").unwrap()).unwrap();
        assert_eq!(dep.symbol(b"dep_fn"), Some(3));
        assert_eq!(t.by_record(0x1000a0), t.find(b"libdep.so").ok());
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
            ],
        );
        let t = parse_table(&buf, 0x2000, root).unwrap();
        assert_eq!(
            t.find(b"a/libx.so").map(|i| t.get(i).unwrap().name),
            Ok(&b"a/libx.so"[..])
        );
        assert_eq!(t.find(b"libx.so"), Err(FindError::Ambiguous));
        let y = t.find(b"./liby.so").unwrap();
        assert_eq!(t.get(y).unwrap().name, b"c/liby.so");
        assert!(t.get(y).unwrap().symbols().is_empty());
    }

    #[test]
    fn empty_table() {
        let (buf, root) = build(0x400, &[]);
        assert_eq!(buf, [0, 0, 0, 0, 0x00, 0x04, 0, 0]);
        let t = parse_table(&buf, 0x400, root).unwrap();
        assert!(t.is_empty());
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
        // wasm-tools counts tag exports but writes no entry for them.
        for order in [false, true] {
            let libs: [Spec<'_>; 2] = [
                ("libtag.so", &[("a_fn", 1), ("c_fn", 2)], 1),
                ("libz.so", &[("z", 3)], 2),
            ];
            let libs = if order { [libs[1], libs[0]] } else { libs };
            let (buf, root) = build(0x1000, &libs);
            let t = parse_table(&buf, 0x1000, root).unwrap();
            let tag = t.get(t.find(b"libtag.so").unwrap()).unwrap();
            assert_eq!(tag.symbols().len(), 2);
            assert_eq!(tag.symbol(b"c_fn"), Some(2));
            let z = t.get(t.find(b"libz.so").unwrap()).unwrap();
            assert_eq!(z.symbols().len(), 1);
            assert_eq!(z.symbol(b"z"), Some(3));
        }
    }

    #[test]
    fn unsorted_and_duplicate_entries_are_normalised() {
        // root -> 2 libraries, written out of order; library "b" has symbols "y", "x", "y".
        let mut m: StdVec<u8> = StdVec::new();
        let w = |m: &mut StdVec<u8>, v: u32| m.extend_from_slice(&v.to_le_bytes());
        m.extend_from_slice(b"b\0\0\0a\0\0\0x\0\0\0y\0\0\0"); // 0x00 b, 0x04 a, 0x08 x, 0x0c y
        for (at, v) in [(0x0c, 10), (0x08, 11), (0x0c, 12)] {
            w(&mut m, 1);
            w(&mut m, at);
            w(&mut m, v);
        } // symbols at 0x10..0x34
        for (at, n, s) in [(0x00, 3, 0x10), (0x04, 0, 0x10)] {
            w(&mut m, 1);
            w(&mut m, at);
            w(&mut m, n);
            w(&mut m, s);
        } // libraries at 0x34..0x54
        w(&mut m, 2);
        w(&mut m, 0x34); // root at 0x54
        let t = parse_table(&m, 0, 0x54).unwrap();
        assert_eq!(t.libraries()[0].name, b"a");
        let b = t.get(t.find(b"b").unwrap()).unwrap();
        assert_eq!(b.symbols().len(), 2);
        assert_eq!(b.symbol(b"x"), Some(11));
        assert_eq!(b.symbol(b"y"), Some(10));
    }

    #[test]
    fn malformed_tables_are_errors() {
        // Root outside the memory.
        assert_eq!(
            parse_table(REAL, REAL_BASE, REAL_ROOT + 4)
                .unwrap_err()
                .reason,
            "address past the table"
        );
        assert_eq!(
            parse_table(REAL, REAL_BASE, REAL_BASE - 8)
                .unwrap_err()
                .reason,
            "address below the table"
        );
        // Library count far too large.
        let mut m = REAL.to_vec();
        m[0xc0..0xc4].copy_from_slice(&0x1000_0000u32.to_le_bytes());
        assert!(parse_table(&m, REAL_BASE, REAL_ROOT).is_err());
        // A library name pointing outside the table.
        let mut m = REAL.to_vec();
        m[0xb4..0xb8].copy_from_slice(&0x7000_0000u32.to_le_bytes());
        assert!(parse_table(&m, REAL_BASE, REAL_ROOT).is_err());
        // A symbol name with an absurd length.
        let mut m = REAL.to_vec();
        m[0x44..0x48].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(parse_table(&m, REAL_BASE, REAL_ROOT).is_err());
        // Truncated memory.
        assert!(parse_table(&REAL[..REAL.len() - 1], REAL_BASE, REAL_ROOT).is_err());
        assert!(parse_table(&[], 0, 0).is_err());
    }

    #[test]
    fn basename_cases() {
        assert_eq!(basename(b"libfoo.so"), b"libfoo.so");
        assert_eq!(basename(b"./libfoo.so"), b"libfoo.so");
        assert_eq!(basename(b"/a/b/libfoo.so"), b"libfoo.so");
        assert_eq!(basename(b"dir/"), b"");
    }

    #[test]
    fn error_display() {
        let e = TableError {
            address: 0x10,
            reason: "x",
        };
        assert_eq!(
            std::format!("{e}"),
            "malformed link-time library table at 0x10: x"
        );
    }
}
