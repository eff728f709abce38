//! Parser for the `dylink.0` custom section.
//!
//! Format: tool-conventions `DynamicLinking.md`
//! (<https://github.com/WebAssembly/tool-conventions/blob/main/DynamicLinking.md>).
//! The section is a sequence of subsections `(id: u8, size: varuint32, payload)`. Known ids are
//! decoded; unknown ones are kept as [`Subsection::Unknown`] so a newer producer never breaks us.
//! Every error carries the byte offset *in the module binary* where it was found.

pub use crate::reader::ParseError;
use crate::reader::Reader;
#[cfg(any(test, feature = "model"))]
use alloc::string::String;
use alloc::vec::Vec;
#[cfg(any(test, feature = "model"))]
use core::fmt;
use core::marker::PhantomData;

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

/// One decoded subsection. Its vectors are checked when it is read (every entry, names'
/// UTF-8 included) and decoded again as they are iterated, as wasmparser's section readers
/// are, so iterating them cannot fail. Only tests and fuzzing iterate them ([`Dylink::parse`]
/// folds the entries in as it checks them), so the iteration is compiled for those only.
#[derive(Clone)]
#[cfg_attr(any(test, feature = "model"), derive(Debug, PartialEq, Eq))]
pub enum Subsection<'a> {
    MemInfo(MemInfo),
    Needed(List<'a, &'a str>),
    ExportInfo(List<'a, ExportInfo<'a>>),
    ImportInfo(List<'a, ImportInfo<'a>>),
    RuntimePath(List<'a, &'a str>),
    /// A subsection this parser does not know; skipped, kept for inspection.
    Unknown {
        id: u8,
        offset: usize,
        data: &'a [u8],
    },
}

/// The whole section, folded into what a loader needs. EXPORT_INFO, the IMPORT_INFO entries
/// that are not weak and unknown subsections are read with [`Subsections`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dylink<'a> {
    pub mem_info: MemInfo,
    pub needed: Vec<&'a str>,
    pub runtime_path: Vec<&'a str>,
    /// The IMPORT_INFO entries flagged `WASM_SYM_BINDING_WEAK`: (module, field).
    pub weak_imports: Vec<(&'a str, &'a str)>,
    /// An EXPORT_INFO entry is flagged `WASM_SYM_TLS`: the module exports thread-local data.
    pub exports_tls: bool,
}

impl<'a> Dylink<'a> {
    /// Parses a `dylink.0` payload that starts at byte `base` of the module binary.
    pub fn parse(data: &'a [u8], base: usize) -> Result<Self, ParseError> {
        Reader::new(data, base)?;
        let mut out = Dylink::default();
        let mut subsections = Subsections::new(data, base);
        while !subsections.reader.at_end() {
            // MEM_INFO is optional: a module with no data and no table needs none.
            if let Subsection::MemInfo(m) = subsections.next_subsection(Some(&mut out))? {
                out.mem_info = m;
            }
        }
        Ok(out)
    }

    /// Whether the import `module.field` is weak (may stay unresolved); see
    /// [`OwnedDylink::is_weak_import`].
    pub fn is_weak_import(&self, module: &str, field: &str) -> bool {
        self.weak_imports.iter().any(|&(m, f)| weak_entry_matches(m, f, module, field))
    }
}

/// A checked vector of a subsection: `&str` (NEEDED, RUNTIME_PATH), [`ExportInfo`] or
/// [`ImportInfo`] entries, decoded as they are iterated.
pub struct List<'a, T> {
    reader: Reader<'a>,
    left: u32,
    item: PhantomData<fn() -> T>,
}

impl<'a, T> List<'a, T> {
    fn new(reader: Reader<'a>, left: u32) -> Self {
        List { reader, left, item: PhantomData }
    }

    /// Counts one entry off; `None` when there are none left.
    #[cfg(any(test, feature = "model"))]
    fn take(&mut self) -> Option<()> {
        self.left = self.left.checked_sub(1)?;
        Some(())
    }
}

impl<T> Clone for List<'_, T> {
    fn clone(&self) -> Self {
        List { reader: self.reader.clone(), left: self.left, item: PhantomData }
    }
}

#[cfg(any(test, feature = "model"))]
impl<T> ExactSizeIterator for List<'_, T> where Self: Iterator {}

#[cfg(any(test, feature = "model"))]
/// An entry type of a [`List`]: how many names an entry has, whether flags follow them, and
/// the entry made of them.
pub trait ListEntry<'a> {
    const NAMES: u32;
    const FLAGS: bool;
    fn from_parts(names: [&'a str; 2], flags: u32) -> Self;
}

#[cfg(any(test, feature = "model"))]
impl<'a> ListEntry<'a> for &'a str {
    const NAMES: u32 = 1;
    const FLAGS: bool = false;
    fn from_parts([name, _]: [&'a str; 2], _: u32) -> Self {
        name
    }
}

#[cfg(any(test, feature = "model"))]
impl<'a> ListEntry<'a> for ExportInfo<'a> {
    const NAMES: u32 = 1;
    const FLAGS: bool = true;
    fn from_parts([name, _]: [&'a str; 2], flags: u32) -> Self {
        ExportInfo { name, flags }
    }
}

#[cfg(any(test, feature = "model"))]
impl<'a> ListEntry<'a> for ImportInfo<'a> {
    const NAMES: u32 = 2;
    const FLAGS: bool = true;
    fn from_parts([module, field]: [&'a str; 2], flags: u32) -> Self {
        ImportInfo { module, field, flags }
    }
}

#[cfg(any(test, feature = "model"))]
impl<'a, T: ListEntry<'a>> Iterator for List<'a, T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        self.take()?;
        let (names, flags) = self.reader.entry(T::NAMES, T::FLAGS).ok()?;
        Some(T::from_parts(names, flags))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left as usize, Some(self.left as usize))
    }
}

#[cfg(any(test, feature = "model"))]
/// Lists compare and print as their entries.
impl<'a, T: PartialEq> PartialEq for List<'a, T>
where
    Self: Iterator<Item = T>,
{
    fn eq(&self, other: &Self) -> bool {
        self.clone().eq(other.clone())
    }
}

#[cfg(any(test, feature = "model"))]
impl<'a, T: Eq> Eq for List<'a, T> where Self: Iterator<Item = T> {}

#[cfg(any(test, feature = "model"))]
impl<'a, T: fmt::Debug> fmt::Debug for List<'a, T>
where
    Self: Iterator<Item = T>,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.clone()).finish()
    }
}

/// Iterator over the subsections of a `dylink.0` payload.
pub struct Subsections<'a> {
    reader: Reader<'a>,
    /// The iterator stops after an error (only tests and fuzzing iterate).
    #[cfg_attr(not(any(test, feature = "model")), allow(dead_code))]
    failed: bool,
}

impl<'a> Subsections<'a> {
    pub fn new(data: &'a [u8], base: usize) -> Self {
        Subsections { reader: Reader::unchecked(data, base), failed: false }
    }

    /// The next subsection; with `out`, its NEEDED, RUNTIME_PATH and weak IMPORT_INFO entries
    /// are also added to `out` as they are checked (one pass for [`Dylink::parse`]).
    fn next_subsection(&mut self, mut out: Option<&mut Dylink<'a>>) -> Result<Subsection<'a>, ParseError> {
        let id = self.reader.u8()?;
        let len = self.reader.u32_out_of_line()? as usize;
        let start = self.reader.offset();
        let body = self.reader.bytes(len, "subsection extends past the end of the section")?;
        let mut r = Reader::unchecked(body, start);
        let sub = match id {
            MEM_INFO => Subsection::MemInfo(MemInfo {
                memory_size: r.u32_out_of_line()?,
                memory_align: r.bounded(false)?,
                table_size: r.u32_out_of_line()?,
                table_align: r.bounded(false)?,
            }),
            NEEDED..=RUNTIME_PATH => {
                let (names, has_flags) = match id {
                    EXPORT_INFO => (1, true),
                    IMPORT_INFO => (2, true),
                    _ => (1, false),
                };
                let n = r.count()?;
                let entries = r.clone();
                for _ in 0..n {
                    let ([first, second], flags) = r.entry(names, has_flags)?;
                    if let Some(out) = out.as_deref_mut() {
                        match id {
                            NEEDED => out.needed.push(first),
                            RUNTIME_PATH => out.runtime_path.push(first),
                            IMPORT_INFO if flags & SYM_BINDING_WEAK != 0 => out.weak_imports.push((first, second)),
                            EXPORT_INFO if flags & SYM_TLS != 0 => out.exports_tls = true,
                            _ => {}
                        }
                    }
                }
                match id {
                    NEEDED => Subsection::Needed(List::new(entries, n)),
                    EXPORT_INFO => Subsection::ExportInfo(List::new(entries, n)),
                    IMPORT_INFO => Subsection::ImportInfo(List::new(entries, n)),
                    _ => Subsection::RuntimePath(List::new(entries, n)),
                }
            }
            _ => return Ok(Subsection::Unknown { id, offset: start, data: body }),
        };
        if !r.at_end() {
            return Err(r.error("unexpected bytes at the end of a subsection"));
        }
        Ok(sub)
    }
}

#[cfg(any(test, feature = "model"))]
impl<'a> Iterator for Subsections<'a> {
    type Item = Result<Subsection<'a>, ParseError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.reader.at_end() {
            return None;
        }
        let item = self.next_subsection(None);
        self.failed = item.is_err();
        Some(item)
    }
}

impl<'a> Reader<'a> {
    /// An entry of a `dylink.0` vector: one or two names (the second `""` if one), then, if
    /// `flags`, a `varuint32` of flags (else 0).
    fn entry(&mut self, names: u32, flags: bool) -> Result<([&'a str; 2], u32), ParseError> {
        let first = self.name()?;
        let second = if names == 2 { self.name()? } else { "" };
        let flags = if flags { self.u32_out_of_line()? } else { 0 };
        Ok(([first, second], flags))
    }
}

/// Owned copy of the parts of [`Dylink`] a loaded library would keep (tests and fuzzing
/// check that it agrees with [`Dylink`]; the linker keeps only what it uses).
#[cfg(any(test, feature = "model"))]
#[derive(Clone, Debug, Default)]
pub struct OwnedDylink {
    pub mem_info: MemInfo,
    pub needed: Vec<String>,
    pub runtime_path: Vec<String>,
    pub weak_imports: Vec<(String, String)>,
}

#[cfg(any(test, feature = "model"))]
impl From<&Dylink<'_>> for OwnedDylink {
    fn from(d: &Dylink<'_>) -> Self {
        OwnedDylink {
            mem_info: d.mem_info,
            needed: d.needed.iter().map(|s| String::from(*s)).collect(),
            runtime_path: d.runtime_path.iter().map(|s| String::from(*s)).collect(),
            weak_imports: d.weak_imports.iter().map(|&(m, f)| (String::from(m), String::from(f))).collect(),
        }
    }
}

#[cfg(any(test, feature = "model"))]
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
        assert_eq!(d.mem_info, MemInfo { memory_size: 144, memory_align: 2, table_size: 3, table_align: 1 });
        assert_eq!(d.needed, vec!["liba.so"]);
        assert_eq!(d.weak_imports, vec![("env", "w")]);
        let owned = OwnedDylink::from(&d);
        assert!(owned.is_weak_import("env", "w"));
        assert!(owned.is_weak_import("GOT.mem", "w"));
        assert!(!owned.is_weak_import("other", "w"));
        assert!(!owned.is_weak_import("env", "fn"));
        assert!(d.is_weak_import("GOT.func", "w") && !d.is_weak_import("env", "fn"));
        assert_eq!(d.runtime_path, vec!["$ORIGIN"]);

        // The iterator gives every subsection, the unknown one and EXPORT_INFO included.
        let subs: Vec<_> = Subsections::new(&data, 100).map(Result::unwrap).collect();
        assert_eq!(subs.len(), 6);
        assert_eq!(subs[0], Subsection::MemInfo(d.mem_info));
        let Subsection::Needed(needed) = &subs[1] else { panic!("{:?}", subs[1]) };
        assert_eq!((needed.len(), needed.clone().collect::<Vec<_>>()), (1, vec!["liba.so"]));
        let Subsection::ExportInfo(exports) = &subs[2] else { panic!("{:?}", subs[2]) };
        assert_eq!(exports.clone().collect::<Vec<_>>(), vec![ExportInfo { name: "fn", flags: 0 }]);
        let Subsection::ImportInfo(imports) = &subs[3] else { panic!("{:?}", subs[3]) };
        let import = ImportInfo { module: "env", field: "w", flags: SYM_BINDING_WEAK };
        assert_eq!(imports.clone().collect::<Vec<_>>(), vec![import]);
        let Subsection::RuntimePath(path) = &subs[4] else { panic!("{:?}", subs[4]) };
        assert_eq!(path.clone().collect::<Vec<_>>(), vec!["$ORIGIN"]);
        assert_eq!(subs[5], Subsection::Unknown { id: 0x7f, offset: 100 + data.len() - 2, data: &[0xaa, 0xbb] });
        assert_eq!(alloc::format!("{:?}", subs[1]), r#"Needed(["liba.so"])"#);
    }

    #[test]
    fn repeated_subsections_add_up() {
        #[rustfmt::skip]
        let data = [
            2, 5, 2, 1, b'a', 1, b'b', // NEEDED: [a, b]
            4, 13, 2, 1, b'm', 1, b's', 0, 1, b'm', 1, b'w', 0x81, 0x80, 0x00, // IMPORT_INFO: [m.s strong, m.w weak]
            2, 3, 1, 1, b'c', // NEEDED: [c]
            4, 6, 1, 1, b'n', 1, b'x', 1, // IMPORT_INFO: [n.x weak]
            1, 4, 1, 0, 0, 0, // MEM_INFO
            1, 4, 2, 0, 0, 0, // MEM_INFO again: the last one counts
        ];
        let d = Dylink::parse(&data, 0).unwrap();
        assert_eq!(d.needed, vec!["a", "b", "c"]);
        assert_eq!(d.weak_imports, vec![("m", "w"), ("n", "x")]);
        assert_eq!(d.mem_info.memory_size, 2);
        assert!(d.runtime_path.is_empty());
        // Every IMPORT_INFO entry, weak or not, through the iterator.
        let all: Vec<_> = Subsections::new(&data, 0)
            .filter_map(|s| match s.unwrap() {
                Subsection::ImportInfo(l) => Some(l),
                _ => None,
            })
            .flatten()
            .map(|i| (i.module, i.field, i.flags))
            .collect();
        assert_eq!(all, vec![("m", "s", 0), ("m", "w", 1), ("n", "x", 1)]);
    }

    #[test]
    fn empty_section_is_valid() {
        assert_eq!(Dylink::parse(&[], 0).unwrap(), Dylink::default());
        assert!(Subsections::new(&[], 0).next().is_none());
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
}
