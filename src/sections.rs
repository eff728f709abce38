//! A module's import and export sections, read from their raw bytes.
//!
//! The host hands over a section's payload as one byte list (`module.section`), so a
//! module with thousands of exports costs one copy instead of a string per name; names are
//! borrowed from that buffer. Formats: WebAssembly core spec, binary format, import section
//! (id 2) and export section (id 7):
//! <https://webassembly.github.io/spec/core/binary/modules.html>.

use crate::host::{ExternKind, ImportDesc};
use crate::reader::{ParseError, Reader};
#[cfg(any(test, feature = "model"))]
use alloc::vec::Vec;
use core::ops::{ControlFlow, Range};

/// Section id of a custom section (such as `dylink.0`).
pub const CUSTOM: u8 = 0;
/// Section id of the import section.
pub const IMPORT: u8 = 2;
/// Section id of the export section.
pub const EXPORT: u8 = 7;

#[inline(always)]
fn kind(r: &mut Reader<'_>) -> Result<ExternKind, ParseError> {
    let at = r.offset();
    Ok(match r.u8()? {
        0 => ExternKind::Func,
        1 => ExternKind::Table,
        2 => ExternKind::Memory,
        3 => ExternKind::Global,
        4 => ExternKind::Tag,
        _ => return Err(ParseError { offset: at, reason: "unknown external kind" }),
    })
}

/// What follows an import's kind (its type), skipped as up to two steps: a `varuint32`
/// (`U32`); a value or reference type (`VALTYPE`: one byte, or a typed reference `0x63`/`0x64`
/// and its heap type); limits (`LIMITS`: flags, the minimum and, if flags bit 0, the maximum,
/// 64-bit for memory64); or one byte (`BYTE`).
const U32: u8 = 1;
const VALTYPE: u8 = 2;
const LIMITS: u8 = 3;
const BYTE: u8 = 4;

fn type_steps(kind: ExternKind) -> [u8; 2] {
    match kind {
        ExternKind::Func => [U32, 0],           // typeidx
        ExternKind::Table => [VALTYPE, LIMITS], // reftype limits
        ExternKind::Memory => [LIMITS, 0],
        ExternKind::Global => [VALTYPE, BYTE], // valtype mut
        ExternKind::Tag => [BYTE, U32],        // attribute typeidx
    }
}

/// The imports of an import-section payload that starts at byte `base` of the module, read
/// as they are iterated (names borrowed from `data`); iteration ends after an error.
pub fn imports(data: &[u8], base: usize) -> Result<Imports<'_>, ParseError> {
    let mut r = Reader::new(data, base)?;
    let left = r.count()?;
    Ok(Imports { r, left })
}

/// All of [`imports`], or its first error (for the model host and the fuzz targets).
#[cfg(any(test, feature = "model"))]
pub fn import_list(data: &[u8], base: usize) -> Result<Vec<ImportDesc<'_>>, ParseError> {
    imports(data, base)?.collect()
}

/// See [`imports`].
pub struct Imports<'a> {
    r: Reader<'a>,
    left: u32,
}

impl<'a> Imports<'a> {
    fn read(&mut self) -> Result<ImportDesc<'a>, ParseError> {
        let r = &mut self.r;
        let module = r.name()?;
        let name = r.name()?;
        let kind = kind(r)?;
        for step in type_steps(kind) {
            if step == U32 {
                r.u32_out_of_line()?;
            } else if step != 0 {
                let b = r.u8()?;
                let lebs = match step {
                    VALTYPE => u8::from(matches!(b, 0x63 | 0x64)),
                    LIMITS => 1 + (b & 1),
                    _ => 0,
                };
                for _ in 0..lebs {
                    r.leb(10)?;
                }
            }
        }
        Ok(ImportDesc { module, name, kind })
    }
}

impl<'a> Iterator for Imports<'a> {
    type Item = Result<ImportDesc<'a>, ParseError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.left = self.left.checked_sub(1)?;
        let imp = self.read();
        if imp.is_err() {
            self.left = 0;
        }
        Some(imp)
    }
}

/// Calls `f(name, kind)` for each export of an export-section payload starting at byte `base`
/// of the module, `name` being the range of the name's bytes in `data`, until `f` returns
/// `Break`. Names are not checked for UTF-8: the host compiled (validated) the module, and
/// symbol lookups compare bytes.
pub fn each_export(
    data: &[u8],
    base: usize,
    mut f: impl FnMut(Range<usize>, ExternKind) -> ControlFlow<()>,
) -> Result<(), ParseError> {
    let mut r = Reader::new(data, base)?;
    let n = r.count()?;
    for _ in 0..n {
        let len = r.u32()? as usize;
        let start = r.pos();
        r.bytes(len, "name extends past the end of the section")?;
        let kind = kind(&mut r)?;
        r.skip_u32()?;
        if f(start..start + len, kind).is_break() {
            break;
        }
    }
    Ok(())
}

/// The exports `(name, kind)` of an export-section payload starting at byte `base`, names
/// borrowed from `data` (see [`each_export`]). For tests and fuzzing: the linker walks the
/// section with [`each_export`] and keeps no list.
#[cfg(any(test, feature = "model"))]
pub fn exports(data: &[u8], base: usize) -> Result<Vec<(&[u8], ExternKind)>, ParseError> {
    let mut v = Vec::new();
    each_export(data, base, |name, kind| {
        v.push((&data[name], kind));
        ControlFlow::Continue(())
    })?;
    Ok(v)
}

/// Whether a `target_features` custom-section payload (tool-conventions `Linking.md`: a vector
/// of a prefix byte and a length-prefixed feature name) may enable `atomics`: its entry
/// `+atomics` appears in the bytes. A byte search, not a parse: it only decides whether the
/// name section is worth reading ([`names_global`] decides), so a false match costs a read.
pub fn may_enable_atomics(data: &[u8]) -> bool {
    data.windows(9).any(|w| w == b"+\x07atomics")
}

/// Whether a `name` custom-section payload (starting at byte `base`) names a global `wanted`:
/// subsection 7, global names, of the extended name section
/// (<https://github.com/WebAssembly/extended-name-section>). The name section is optional and
/// a malformed one is not an error (core spec, custom sections): reading stops there.
pub fn names_global(data: &[u8], base: usize, wanted: &str) -> bool {
    const GLOBAL_NAMES: u8 = 7;
    let find = || -> Result<bool, ParseError> {
        let mut r = Reader::new(data, base)?;
        while !r.at_end() {
            let id = r.u8()?;
            let len = r.u32_out_of_line()? as usize;
            let body = r.bytes(len, "name subsection extends past the end of the section")?;
            if id == GLOBAL_NAMES {
                let mut names = Reader::new(body, 0)?;
                for _ in 0..names.count()? {
                    names.skip_u32()?;
                    if names.name()? == wanted {
                        return Ok(true);
                    }
                }
            }
        }
        Ok(false)
    };
    find().unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn reads_every_import_kind() {
        #[rustfmt::skip]
        let data = [
            5,
            3, b'e', b'n', b'v', 1, b'f', 0, 7,                       // func, type 7
            3, b'e', b'n', b'v', 1, b't', 1, 0x70, 0, 3,              // table funcref, min 3
            3, b'e', b'n', b'v', 1, b'm', 2, 5, 0x80, 0x80, 0x04, 2,    // memory64 min 65536 max 2
            7, b'G', b'O', b'T', b'.', b'm', b'e', b'm', 1, b'g', 3, 0x7f, 1, // global mut i32
            1, b'x', 1, b'e', 4, 0, 2,                                // tag, type 2
        ];
        let got = import_list(&data, 0).unwrap();
        let kinds: Vec<_> = got.iter().map(|i| (i.module, i.name, i.kind)).collect();
        assert_eq!(
            kinds,
            vec![
                ("env", "f", ExternKind::Func),
                ("env", "t", ExternKind::Table),
                ("env", "m", ExternKind::Memory),
                ("GOT.mem", "g", ExternKind::Global),
                ("x", "e", ExternKind::Tag),
            ]
        );
    }

    #[test]
    fn reads_exports_borrowing_names() {
        let data = [2, 3, b'f', b'o', b'o', 0, 1, 4, b'd', b'a', b't', b'a', 3, 0x80, 0x01];
        let got = exports(&data, 0).unwrap();
        assert_eq!(got, vec![(&b"foo"[..], ExternKind::Func), (&b"data"[..], ExternKind::Global)]);
    }

    #[test]
    fn sees_atomics_in_target_features() {
        #[rustfmt::skip]
        let data = [2, b'+', 7, b'a', b't', b'o', b'm', b'i', b'c', b's', b'-', 4, b's', b'i', b'm', b'd'];
        assert!(may_enable_atomics(&data));
        assert!(!may_enable_atomics(&data[..8]), "truncated");
        let disallowed = [1, b'-', 7, b'a', b't', b'o', b'm', b'i', b'c', b's'];
        assert!(!may_enable_atomics(&disallowed));
    }

    #[test]
    fn finds_a_global_name() {
        #[rustfmt::skip]
        let data = [
            1, 4, 1, 0, 1, b'f',                           // function names: 0 "f"
            7, 14, 2, 0, 1, b'g', 3, 10, b'_', b'_', b't', b'l', b's', b'_', b'b', b'a', // cut short
        ];
        assert!(!names_global(&data, 0, "__tls_base"), "a truncated subsection is no name");
        #[rustfmt::skip]
        let data = [
            1, 4, 1, 0, 1, b'f',
            7, 16, 2, 0, 1, b'g', 3, 10, b'_', b'_', b't', b'l', b's', b'_', b'b', b'a', b's', b'e',
        ];
        assert!(names_global(&data, 0, "__tls_base"));
        assert!(names_global(&data, 0, "g"));
        assert!(!names_global(&data, 0, "f"), "a function name is not a global name");
    }

    #[test]
    fn errors_carry_module_offsets() {
        let err = exports(&[1, 1, b'f', 9, 0], 100).unwrap_err();
        assert_eq!(err, ParseError { offset: 103, reason: "unknown external kind" });
        let err = import_list(&[1, 1, b'a', 1, b'b', 0], 10).unwrap_err();
        assert_eq!(err.offset, 16, "truncated after the kind");
        assert!(exports(&[0xff, 0xff, 0xff, 0xff, 0x0f], 0).is_err(), "bounded count");
    }

    #[test]
    fn skips_64_bit_lebs_of_up_to_ten_bytes() {
        // One memory import (`m.x`) whose minimum is the LEB128 at byte 7.
        let import = |leb: &[u8]| [&[1, 1, b'm', 1, b'x', 2, 0][..], leb].concat();
        let ten = import(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]);
        assert_eq!(import_list(&ten, 0).unwrap()[0].kind, ExternKind::Memory);
        let eleven = import(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]);
        assert_eq!(import_list(&eleven, 20).unwrap_err(), ParseError { offset: 27, reason: "LEB128 too long" });
        let cut = import(&[0x80, 0x80, 0x80]);
        assert_eq!(import_list(&cut, 20).unwrap_err(), ParseError { offset: 30, reason: "unexpected end of section" });
    }

    /// Found by the `sections` fuzz target: a payload whose offset plus length overflows a
    /// `usize` made the reader's offset arithmetic overflow (a panic with overflow checks on).
    #[test]
    fn payload_past_the_address_space_is_an_error() {
        let data = [3, 3, b'e', b'n', b'v', 6, b'm', b'e', b'm', b'o', b'r', 2, 0, 0];
        for base in [usize::MAX, usize::MAX - 13] {
            let err = import_list(&data, base).unwrap_err();
            assert_eq!(err, ParseError { offset: base, reason: "section extends past the end of the address space" });
            assert_eq!(exports(&data, base).unwrap_err(), err);
        }
        // Ending exactly at usize::MAX still fits: the parse runs (and fails on its own).
        let err = import_list(&data, usize::MAX - 14).unwrap_err();
        assert_eq!(err, ParseError { offset: usize::MAX, reason: "unexpected end of section" });
    }
}
