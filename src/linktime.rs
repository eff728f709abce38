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
//! This module keeps one bounds-checked view of that memory ([`read_table`], the only unsafe
//! code) and reads records from it on demand: [`Libraries::find`] scans the library records
//! (tables have tens of libraries, and a library is looked up once, when it is adopted), and
//! [`Library::symbols`] walks one library's symbol array. Nothing is copied or sorted, so the
//! reader does not rely on the arrays being sorted. Every read is checked against the view: a
//! malformed table is no table at all (when its root record or library array is not there),
//! or a library or symbol that is not there; never a trap.
#![deny(unsafe_op_in_unsafe_fn)]

/// Size of the root record.
pub const ROOT_SIZE: u32 = 8;
/// Size of one library record.
pub const LIBRARY_SIZE: u32 = 16;
/// Size of one symbol record.
pub const SYMBOL_SIZE: u32 = 12;

/// Linear memory `[base, base + mem.len())`, read bounds-checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct View<'a> {
    mem: &'a [u8],
    base: u32,
}

impl<'a> View<'a> {
    /// The `len` bytes at `address`, if they are all in the view.
    fn bytes(self, address: u32, len: u32) -> Option<&'a [u8]> {
        let start = address.checked_sub(self.base)? as usize;
        self.mem.get(start..start.checked_add(len as usize)?)
    }

    /// The word at `address`; 0 if it is not in the view (callers read only words they have
    /// checked to be there).
    fn word(self, address: u32) -> u32 {
        let Some(start) = address.checked_sub(self.base) else { return 0 };
        let start = start as usize;
        match self.mem.get(start..start.wrapping_add(4)) {
            Some(&[a, b, c, d]) => u32::from_le_bytes([a, b, c, d]),
            _ => 0,
        }
    }
}

/// One exported symbol of a dl-openable library.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Symbol<'a> {
    pub name: &'a [u8],
    /// Function table index or data address: the value `dlsym` returns.
    pub value: u32,
}

/// The symbols of one library, in table order (a name can repeat in a malformed table: the
/// first one counts). Symbols whose name is not in the table are left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbols<'a> {
    view: View<'a>,
    /// The symbol records left (all inside the view).
    records: &'a [u8],
}

impl<'a> Iterator for Symbols<'a> {
    type Item = Symbol<'a>;

    fn next(&mut self) -> Option<Symbol<'a>> {
        while let Some((r, rest)) = self.records.split_first_chunk::<{ SYMBOL_SIZE as usize }>() {
            self.records = rest;
            // A record: name length, name address, value.
            let word = |at: usize| u32::from_le_bytes([r[at], r[at + 1], r[at + 2], r[at + 3]]);
            if let Some(name) = self.view.bytes(word(4), word(0)) {
                return Some(Symbol { name, value: word(8) });
            }
        }
        None
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.records.len() / SYMBOL_SIZE as usize))
    }
}

/// One dl-openable library, read from the table `'t`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Library<'t, 'a> {
    /// The name it was linked under (`NAME` of `--dl-openable NAME=path`).
    pub name: &'a [u8],
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
        Symbols { view: v, records: v.bytes(at, left * SYMBOL_SIZE).unwrap_or_default() }
    }

    /// The value of the exported symbol `name` (its first entry).
    pub fn symbol(&self, name: &[u8]) -> Option<u32> {
        self.symbols().find(|s| s.name == name).map(|s| s.value)
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
    /// The library array: `count` records, all inside the view.
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
    /// The library called `name`: an exact match of the linked name first, then a match of
    /// basenames (so `./ext/libfoo.so` and `/lib/libfoo.so` find a library linked as
    /// `libfoo.so`). Where a name repeats, the first library of that name counts.
    pub fn find(&self, name: &[u8]) -> Result<Library<'_, 'a>, FindError> {
        let base = basename(name);
        let mut found = Err(FindError::NotFound);
        for lib in self.libraries() {
            if lib.name == name {
                return Ok(lib);
            }
            if base.is_empty() || basename(lib.name) != base {
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
        Some(Library { name: v.bytes(v.word(record + 4), v.word(record))?, record, table: self })
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

    /// Number of library records.
    pub fn len(&self) -> usize {
        self.count as usize
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Where a symbol array starting at `from` ends: at the first library name, library array
    /// or root at or after `from`, or at the first other non-empty symbol array after it (the
    /// root if none). With `from` 0, the lowest address the table refers to.
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
/// `mem[i]` is the byte at address `base + i`. `None` unless the root record and the whole
/// library array are in `mem`; everything else is checked as it is read.
pub fn parse_table(mem: &[u8], base: u32, root: u32) -> Option<Libraries<'_>> {
    let view = View { mem, base };
    let (count, array) = match view.bytes(root, ROOT_SIZE)?.first_chunk::<8>()? {
        [a, b, c, d, e, f, g, h] => (u32::from_le_bytes([*a, *b, *c, *d]), u32::from_le_bytes([*e, *f, *g, *h])),
    };
    // The array's end is an address too (so record addresses never overflow).
    let size = count.checked_mul(LIBRARY_SIZE)?;
    array.checked_add(size)?;
    view.bytes(array, size)?;
    Some(Libraries { view, root, array, count })
}

/// Linear memory from `start` up to the end of the root record at `root`; `None` unless
/// `0 < start <= root`.
///
/// # Safety
///
/// That memory must be readable and never written again.
unsafe fn memory(start: u32, root: u32) -> Option<&'static [u8]> {
    if start == 0 || start > root {
        return None;
    }
    let p = core::ptr::with_exposed_provenance::<u8>(start as usize);
    // SAFETY: `p` is not null, and the range is readable and immutable (caller's contract).
    Some(unsafe { core::slice::from_raw_parts(p, (root - start) as usize + ROOT_SIZE as usize) })
}

/// Reads the table whose root is at `root` (the value of the `GOT.mem.__wasm_libdl_libraries`
/// import, i.e. `&__wasm_libdl_libraries` in C) out of this program's linear memory; `None`
/// if there is no table there.
///
/// Only meaningful on wasm32, where the table's `u32` addresses are pointers.
///
/// # Safety
///
/// `root` must be the address wit-component gave in `__wasm_libdl_libraries` (or otherwise
/// point at a table in the layout above), and the memory from the lowest address the table
/// refers to up to `root + 8` must be readable and never written again: the result borrows it
/// for `'static`. A library array that does not start at or below the root, or does not end
/// by the end of the root record, refuses the table; all other addresses inside the table are
/// bounds-checked against that range, so a malformed table gives missing libraries or symbols
/// rather than a wild read.
pub unsafe fn read_table(root: *const u8) -> Option<Libraries<'static>> {
    if root.is_null() {
        return None;
    }
    let root_addr = root as usize as u32;
    // SAFETY: the root record is readable (caller's contract); unaligned reads keep a
    // misaligned table harmless.
    let array = u32::from_le(unsafe { core::ptr::read_unaligned(root.wrapping_add(4) as *const u32) });
    // First the library array and the root, to find the lowest address the table refers to;
    // then the same table over everything from there (`low` is at most `array`, so the
    // records checked in the first view are in the second).
    // SAFETY: both ranges lie between an address the table refers to and the root record.
    let records = parse_table(unsafe { memory(array, root_addr) }?, array, root_addr)?;
    let low = records.next_start(0);
    // SAFETY: `low` is the lowest address the checked records refer to (at most `array`), so
    // this range, like the first, lies between an address the table refers to and the root.
    let mem = unsafe { memory(low, root_addr) }?;
    Some(Libraries { view: View { mem, base: low }, ..records })
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

    /// The index of the library [`Libraries::find`] finds.
    fn index_of(t: &Libraries<'_>, name: &[u8]) -> Result<usize, FindError> {
        t.find(name).map(|l| t.by_record(l.record).expect("a record of the table"))
    }

    fn names(t: &Libraries<'_>) -> StdVec<StdVec<u8>> {
        t.libraries().map(|l| l.name.to_vec()).collect()
    }

    fn symbols<'t>(l: &Library<'_, 't>) -> StdVec<(&'t str, u32)> {
        l.symbols().map(|s| (core::str::from_utf8(s.name).unwrap(), s.value)).collect()
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
            symbols(&side),
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
        assert_eq!(symbols(&dep), [("dep_fn", 3)]);
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
        assert_eq!(t.find(b"a/libx.so").map(|l| l.name), Ok(&b"a/libx.so"[..]));
        assert_eq!(t.find(b"libx.so"), Err(FindError::Ambiguous));
        assert_eq!(t.find(b"/lib/libx.so"), Err(FindError::Ambiguous));
        let y = t.find(b"./liby.so").unwrap();
        assert_eq!(y.name, b"c/liby.so");
        assert_eq!(y.symbols().count(), 0);
        // An exact name wins over a basename shared with another library.
        assert_eq!(t.find(b"libz.so").unwrap().name, b"libz.so");
        assert_eq!(t.find(b"d/libz.so").unwrap().name, b"d/libz.so");
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
            assert_eq!(symbols(&tag), [("a_fn", 1), ("c_fn", 2)]);
            let z = t.find(b"libz.so").unwrap();
            assert_eq!(symbols(&z), [("z", 3)]);
            let none = t.find(b"libnone.so").unwrap();
            assert_eq!(symbols(&none), []);
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
        assert_eq!(symbols(&b), [("y", 10), ("x", 11), ("y", 12)]);
        assert_eq!(b.symbol(b"y"), Some(10));
        assert_eq!(b.symbol(b"x"), Some(11));
        // The symbol table built from them keeps the first `y` too.
        let st = crate::symbols::SymbolTable::from_resolved(b.symbols().map(|s| (s.name, s.value)));
        assert_eq!(st.get(b"y"), Some(crate::symbols::Symbol::Untyped(10)));
        assert_eq!(st.get(b"x"), Some(crate::symbols::Symbol::Untyped(11)));
    }

    #[test]
    fn malformed_tables() {
        // No table: root outside the memory, library array not all there, truncated memory.
        assert!(parse_table(REAL, REAL_BASE, REAL_ROOT + 4).is_none());
        assert!(parse_table(REAL, REAL_BASE, REAL_BASE - 8).is_none());
        assert!(parse_table(REAL, REAL_BASE, u32::MAX).is_none());
        assert!(parse_table(&REAL[..REAL.len() - 1], REAL_BASE, REAL_ROOT).is_none());
        assert!(parse_table(&[], 0, 0).is_none());
        let with = |at: usize, v: u32| {
            let mut m = REAL.to_vec();
            m[at..at + 4].copy_from_slice(&v.to_le_bytes());
            m
        };
        for count in [3, 0x1000_0000, u32::MAX] {
            assert!(parse_table(&with(0xc0, count), REAL_BASE, REAL_ROOT).is_none());
        }
        assert!(parse_table(&with(0xc4, REAL_ROOT + 4), REAL_BASE, REAL_ROOT).is_none());
        // An array that would end past 4 GiB.
        let mut high = REAL.to_vec();
        high.resize(0x108, 0);
        high[0xc0..0xc8].copy_from_slice(&[1, 0, 0, 0, 0xf8, 0xff, 0xff, 0xff]);
        assert!(parse_table(&high, 0xffff_ff00, 0xffff_ffc0).is_none());
        high[0xc4] = 0xe8; // the same record 16 bytes lower is fine
        assert!(parse_table(&high, 0xffff_ff00, 0xffff_ffc0).is_some());

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
