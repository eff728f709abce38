//! Parser for the `dylink.0` custom section.
//!
//! Format: tool-conventions `DynamicLinking.md`
//! (<https://github.com/WebAssembly/tool-conventions/blob/main/DynamicLinking.md>).
//! The section is a sequence of subsections `(id: u8, size: varuint32, payload)`. Known ids are
//! decoded; unknown ones are kept as [`Subsection::Unknown`] so a newer producer never breaks us.
//! Every error carries the byte offset *in the module binary* where it was found.

use crate::text::Text;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// `WASM_DYLINK_MEM_INFO`
pub const MEM_INFO: u8 = 1;
/// `WASM_DYLINK_NEEDED`
pub const NEEDED: u8 = 2;
/// `WASM_DYLINK_EXPORT_INFO`
pub const EXPORT_INFO: u8 = 3;
/// `WASM_DYLINK_IMPORT_INFO`
pub const IMPORT_INFO: u8 = 4;
/// `WASM_DYLINK_RUNTIME_PATH`
pub const RUNTIME_PATH: u8 = 5;

/// Symbol flag `WASM_SYM_BINDING_WEAK` (shared with the `linking` section).
pub const SYM_BINDING_WEAK: u32 = 0x1;
/// Symbol flag `WASM_SYM_TLS`.
pub const SYM_TLS: u32 = 0x100;

/// A malformed section: what was wrong and where.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// Byte offset in the module binary.
    pub offset: usize,
    pub reason: &'static str,
}

impl ParseError {
    /// Appends "malformed dylink.0 at byte N: reason" (the text `Display` gives).
    pub(crate) fn write_to(&self, t: &mut Text) {
        t.str("malformed dylink.0 at byte ").dec(self.offset as u64).str(": ").str(self.reason);
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut t = Text::new();
        self.write_to(&mut t);
        f.write_str(&t.into_string())
    }
}

/// `WASM_DYLINK_MEM_INFO`: what the module needs reserved for it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MemInfo {
    pub memory_size: u32,
    /// log2 of the required alignment.
    pub memory_align: u32,
    pub table_size: u32,
    /// log2 of the required alignment.
    pub table_align: u32,
}

/// An `EXPORT_INFO` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportInfo<'a> {
    pub name: &'a str,
    pub flags: u32,
}

/// An `IMPORT_INFO` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportInfo<'a> {
    pub module: &'a str,
    pub field: &'a str,
    pub flags: u32,
}

/// One decoded subsection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subsection<'a> {
    MemInfo(MemInfo),
    Needed(Vec<&'a str>),
    ExportInfo(Vec<ExportInfo<'a>>),
    ImportInfo(Vec<ImportInfo<'a>>),
    RuntimePath(Vec<&'a str>),
    /// A subsection this parser does not know; skipped, kept for inspection.
    Unknown { id: u8, offset: usize, data: &'a [u8] },
}

/// The whole section, folded into what a loader needs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dylink<'a> {
    pub mem_info: MemInfo,
    pub needed: Vec<&'a str>,
    pub export_info: Vec<ExportInfo<'a>>,
    pub import_info: Vec<ImportInfo<'a>>,
    pub runtime_path: Vec<&'a str>,
    pub unknown: Vec<(u8, usize)>,
}

impl<'a> Dylink<'a> {
    /// Parses a `dylink.0` payload that starts at byte `base` of the module binary.
    pub fn parse(data: &'a [u8], base: usize) -> Result<Self, ParseError> {
        Reader::new(data, base)?;
        let mut out = Dylink::default();
        for sub in Subsections::new(data, base) {
            match sub? {
                // MEM_INFO is optional: a module with no data and no table needs none.
                Subsection::MemInfo(m) => out.mem_info = m,
                Subsection::Needed(n) => out.needed.extend(n),
                Subsection::ExportInfo(e) => out.export_info.extend(e),
                Subsection::ImportInfo(i) => out.import_info.extend(i),
                Subsection::RuntimePath(r) => out.runtime_path.extend(r),
                Subsection::Unknown { id, offset, .. } => out.unknown.push((id, offset)),
            }
        }
        Ok(out)
    }

    /// Whether the import `module.field` is weak (may stay unresolved); see
    /// [`OwnedDylink::is_weak_import`].
    pub fn is_weak_import(&self, module: &str, field: &str) -> bool {
        self.import_info
            .iter()
            .any(|i| i.flags & SYM_BINDING_WEAK != 0 && weak_entry_matches(i.module, i.field, module, field))
    }

    /// Whether the export `name` is a thread-local symbol.
    pub fn is_tls_export(&self, name: &str) -> bool {
        self.export_info.iter().any(|e| e.name == name && e.flags & SYM_TLS != 0)
    }
}

/// Iterator over the subsections of a `dylink.0` payload.
pub struct Subsections<'a> {
    reader: Reader<'a>,
    failed: bool,
}

impl<'a> Subsections<'a> {
    pub fn new(data: &'a [u8], base: usize) -> Self {
        Subsections { reader: Reader { data, pos: 0, base }, failed: false }
    }

    fn next_subsection(&mut self) -> Result<Subsection<'a>, ParseError> {
        let id = self.reader.u8()?;
        let len = self.reader.u32()? as usize;
        let start = self.reader.offset();
        let body = self.reader.bytes(len, "subsection extends past the end of the section")?;
        let mut r = Reader { data: body, pos: 0, base: start };
        let sub = match id {
            MEM_INFO => Subsection::MemInfo(MemInfo {
                memory_size: r.u32()?,
                memory_align: r.align()?,
                table_size: r.u32()?,
                table_align: r.align()?,
            }),
            NEEDED => Subsection::Needed(r.names()?),
            EXPORT_INFO => Subsection::ExportInfo(
                r.vec(|r| Ok(ExportInfo { name: r.name()?, flags: r.u32()? }))?,
            ),
            IMPORT_INFO => Subsection::ImportInfo(r.vec(|r| {
                Ok(ImportInfo { module: r.name()?, field: r.name()?, flags: r.u32()? })
            })?),
            RUNTIME_PATH => Subsection::RuntimePath(r.names()?),
            _ => return Ok(Subsection::Unknown { id, offset: start, data: body }),
        };
        if !r.at_end() {
            return Err(r.error("unexpected bytes at the end of a subsection"));
        }
        Ok(sub)
    }
}

impl<'a> Iterator for Subsections<'a> {
    type Item = Result<Subsection<'a>, ParseError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.reader.at_end() {
            return None;
        }
        let item = self.next_subsection();
        self.failed = item.is_err();
        Some(item)
    }
}

/// A bounds-checked cursor over part of a module binary, shared with [`crate::sections`].
/// `base` is the offset of `data[0]` in the module binary.
pub(crate) struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    base: usize,
}

impl<'a> Reader<'a> {
    /// A reader over `data`, which starts at byte `base` of the module; an error if the
    /// offsets it would report do not fit in a `usize` (a host-reported `base` near the top of
    /// the address space).
    pub(crate) fn new(data: &'a [u8], base: usize) -> Result<Self, ParseError> {
        match base.checked_add(data.len()) {
            Some(_) => Ok(Reader { data, pos: 0, base }),
            None => Err(ParseError { offset: base, reason: "section extends past the end of the address space" }),
        }
    }

    pub(crate) fn offset(&self) -> usize {
        // Saturating: `Subsections::new` builds a reader without `new`'s check.
        self.base.saturating_add(self.pos)
    }

    pub(crate) fn at_end(&self) -> bool {
        self.pos >= self.data.len()
    }

    pub(crate) fn error(&self, reason: &'static str) -> ParseError {
        ParseError { offset: self.offset(), reason }
    }

    #[inline]
    pub(crate) fn u8(&mut self) -> Result<u8, ParseError> {
        let b = *self.data.get(self.pos).ok_or_else(|| self.error("unexpected end of section"))?;
        self.pos += 1;
        Ok(b)
    }

    /// A `varuint32` (unsigned LEB128, at most 5 bytes, no bits beyond 32). Inlined: the
    /// one-byte case is a few instructions, and export sections are read per lookup until
    /// indexed (`symbols.rs`).
    #[inline]
    pub(crate) fn u32(&mut self) -> Result<u32, ParseError> {
        // One byte (every count, length and index below 128) without the general loop: the
        // export section of a large library is thousands of these.
        match self.data.get(self.pos) {
            Some(&b) if b < 0x80 => {
                self.pos += 1;
                Ok(u32::from(b))
            }
            _ => self.u32_multibyte(),
        }
    }

    /// Skips a `varuint32` whose value is not needed, checked as [`Reader::u32`] checks it
    /// (one- and two-byte encodings, the usual function indices, without the general loop).
    #[inline]
    pub(crate) fn skip_u32(&mut self) -> Result<(), ParseError> {
        match self.data.get(self.pos..self.pos + 2) {
            Some(&[a, _]) if a < 0x80 => self.pos += 1,
            Some(&[_, b]) if b < 0x80 => self.pos += 2,
            _ => {
                self.u32_multibyte()?;
            }
        }
        Ok(())
    }

    #[inline(never)]
    fn u32_multibyte(&mut self) -> Result<u32, ParseError> {
        let mut result: u32 = 0;
        let mut i = 0;
        while let Some(&b) = self.data.get(self.pos + i) {
            // The fifth byte may carry only the top 4 bits and no continuation bit.
            if i == 4 && b & 0xf0 != 0 {
                return Err(self.error("varuint32 out of range"));
            }
            result |= u32::from(b & 0x7f) << (7 * i);
            i += 1;
            if b & 0x80 == 0 {
                self.pos += i;
                return Ok(result);
            }
        }
        // Ran out of bytes: the error is at the end of the data.
        self.pos = self.data.len();
        Err(self.error("unexpected end of section"))
    }

    fn align(&mut self) -> Result<u32, ParseError> {
        let start = self.offset();
        let a = self.u32()?;
        if a >= 32 {
            return Err(ParseError { offset: start, reason: "alignment exponent out of range" });
        }
        Ok(a)
    }

    #[inline]
    pub(crate) fn bytes(&mut self, len: usize, reason: &'static str) -> Result<&'a [u8], ParseError> {
        if len > self.data.len() - self.pos {
            return Err(self.error(reason));
        }
        let s = &self.data[self.pos..self.pos + len];
        self.pos += len;
        Ok(s)
    }

    pub(crate) fn name(&mut self) -> Result<&'a str, ParseError> {
        let len = self.u32()? as usize;
        let start = self.offset();
        let bytes = self.bytes(len, "name extends past the end of the subsection")?;
        crate::text::utf8(bytes).ok_or(ParseError { offset: start, reason: "name is not valid UTF-8" })
    }

    /// The count of a vector, checked against the bytes left (every entry takes at least one
    /// byte), so a forged count cannot make us allocate unboundedly.
    pub(crate) fn count(&mut self) -> Result<usize, ParseError> {
        let start = self.offset();
        let n = self.u32()? as usize;
        if n > self.data.len() - self.pos {
            return Err(ParseError { offset: start, reason: "count exceeds the subsection size" });
        }
        Ok(n)
    }

    /// Where the next read starts, as an index into the reader's data.
    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    /// A counted vector of names (one copy of [`Reader::vec`] for both name lists).
    #[inline(never)]
    fn names(&mut self) -> Result<Vec<&'a str>, ParseError> {
        self.vec(|r| r.name())
    }

    /// A counted vector (see [`Reader::count`]).
    pub(crate) fn vec<T>(
        &mut self,
        mut item: impl FnMut(&mut Self) -> Result<T, ParseError>,
    ) -> Result<Vec<T>, ParseError> {
        let n = self.count()?;
        let mut v = Vec::with_capacity(n);
        for _ in 0..n {
            v.push(item(self)?);
        }
        Ok(v)
    }
}

/// Owned copy of the parts of [`Dylink`] a loaded library keeps.
#[derive(Clone, Debug, Default)]
pub struct OwnedDylink {
    pub mem_info: MemInfo,
    pub needed: Vec<String>,
    pub runtime_path: Vec<String>,
    pub weak_imports: Vec<(String, String)>,
}

impl From<&Dylink<'_>> for OwnedDylink {
    fn from(d: &Dylink<'_>) -> Self {
        OwnedDylink {
            mem_info: d.mem_info,
            needed: d.needed.iter().map(|s| String::from(*s)).collect(),
            runtime_path: d.runtime_path.iter().map(|s| String::from(*s)).collect(),
            weak_imports: d
                .import_info
                .iter()
                .filter(|i| i.flags & SYM_BINDING_WEAK != 0)
                .map(|i| (String::from(i.module), String::from(i.field)))
                .collect(),
        }
    }
}

impl OwnedDylink {
    /// Whether the import `module.field` is weak (may stay unresolved). IMPORT_INFO names a
    /// data or address-taken symbol by the module it would be imported from (`env`), while the
    /// module imports it through `GOT.mem` / `GOT.func`: for those, the field name decides.
    pub fn is_weak_import(&self, module: &str, field: &str) -> bool {
        self.weak_imports.iter().any(|(m, f)| weak_entry_matches(m, f, module, field))
    }
}

/// Whether the IMPORT_INFO entry `m.f` names the import `module.field` (see
/// [`OwnedDylink::is_weak_import`]).
fn weak_entry_matches(m: &str, f: &str, module: &str, field: &str) -> bool {
    let via_got = module == "GOT.mem" || module == "GOT.func";
    f == field && (m == module || via_got)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn parses_all_known_subsections() {
        let data = [
            1, 5, 0x90, 0x01, 2, 3, 1, // MEM_INFO: size 144, align 2, table 3, align 1
            2, 9, 1, 7, b'l', b'i', b'b', b'a', b'.', b's', b'o', // NEEDED: ["liba.so"]
            3, 5, 1, 2, b'f', b'n', 0, // EXPORT_INFO: [fn flags 0]
            4, 8, 1, 3, b'e', b'n', b'v', 1, b'w', 1, // IMPORT_INFO: [env.w weak]
            5, 9, 1, 7, b'$', b'O', b'R', b'I', b'G', b'I', b'N', // RUNTIME_PATH
            0x7f, 2, 0xaa, 0xbb, // unknown subsection 127
        ];
        let d = Dylink::parse(&data, 100).unwrap();
        assert_eq!(
            d.mem_info,
            MemInfo { memory_size: 144, memory_align: 2, table_size: 3, table_align: 1 }
        );
        assert_eq!(d.needed, vec!["liba.so"]);
        assert_eq!(d.export_info, vec![ExportInfo { name: "fn", flags: 0 }]);
        let owned = OwnedDylink::from(&d);
        assert!(owned.is_weak_import("env", "w"));
        assert!(owned.is_weak_import("GOT.mem", "w"));
        assert!(!owned.is_weak_import("other", "w"));
        assert!(!owned.is_weak_import("env", "fn"));
        assert_eq!(d.runtime_path, vec!["$ORIGIN"]);
        assert_eq!(d.unknown, vec![(0x7f, 100 + data.len() - 2)]);
    }

    #[test]
    fn empty_section_is_valid() {
        assert_eq!(Dylink::parse(&[], 0).unwrap(), Dylink::default());
    }

    #[test]
    fn truncated_subsection_reports_offset() {
        let err = Dylink::parse(&[1, 10, 0, 0], 50).unwrap_err();
        assert_eq!(err, ParseError { offset: 52, reason: "subsection extends past the end of the section" });
    }

    #[test]
    fn forged_count_is_bounded() {
        let err = Dylink::parse(&[2, 5, 0xff, 0xff, 0xff, 0xff, 0x0f], 0).unwrap_err();
        assert_eq!(err.reason, "count exceeds the subsection size");
        assert_eq!(err.offset, 2);
    }

    #[test]
    fn overlong_leb_is_rejected() {
        let err = Dylink::parse(&[1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00], 0).unwrap_err();
        assert_eq!(err, ParseError { offset: 1, reason: "varuint32 out of range" });
        let err = Dylink::parse(&[1, 0xff, 0xff, 0xff, 0xff, 0x7f], 0).unwrap_err();
        assert_eq!(err.reason, "varuint32 out of range");
        // 0xffffffff is the largest value that fits.
        let err = Dylink::parse(&[1, 0xff, 0xff, 0xff, 0xff, 0x0f], 0).unwrap_err();
        assert_eq!(err.reason, "subsection extends past the end of the section");
    }

    #[test]
    fn invalid_utf8_name() {
        let err = Dylink::parse(&[2, 3, 1, 1, 0xff], 10).unwrap_err();
        assert_eq!(err, ParseError { offset: 14, reason: "name is not valid UTF-8" });
    }

    #[test]
    fn trailing_bytes_in_known_subsection() {
        let err = Dylink::parse(&[1, 5, 0, 0, 0, 0, 9], 0).unwrap_err();
        assert_eq!(err.reason, "unexpected bytes at the end of a subsection");
    }

    #[test]
    fn bad_alignment() {
        let err = Dylink::parse(&[1, 4, 0, 40, 0, 0], 0).unwrap_err();
        assert_eq!(err, ParseError { offset: 3, reason: "alignment exponent out of range" });
    }

    #[test]
    fn base_near_the_top_of_the_address_space() {
        let err = Dylink::parse(&[1, 0], usize::MAX).unwrap_err();
        assert_eq!(err, ParseError { offset: usize::MAX, reason: "section extends past the end of the address space" });
        // The iterator alone (no check) reports saturated offsets instead of overflowing.
        let err = Subsections::new(&[1, 9], usize::MAX - 1).next().unwrap().unwrap_err();
        assert_eq!(err.offset, usize::MAX);
    }

    #[test]
    fn display_names_offset() {
        let e = ParseError { offset: 12, reason: "x" };
        assert_eq!(alloc::format!("{e}"), "malformed dylink.0 at byte 12: x");
    }
}
