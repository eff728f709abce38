//! A small WebAssembly binary walker for the model host: what a real host reads from a module
//! before the linker sees it (the first `dylink.0` custom section and its offset, the import
//! and export lists). It validates only what it reads; anything it cannot read is an
//! `invalid-module` error, as a real host would report.

use super::{Exp, ModuleSpec};
use crate::host::{ExternKind, HostError, HostErrorCode, Section};
use alloc::string::String;

struct Bytes<'a> {
    data: &'a [u8],
    pos: usize,
}

type R<T> = Result<T, &'static str>;

impl<'a> Bytes<'a> {
    fn u8(&mut self) -> R<u8> {
        let b = *self.data.get(self.pos).ok_or("unexpected end")?;
        self.pos += 1;
        Ok(b)
    }

    fn u32(&mut self) -> R<u32> {
        let (v, n) = super::read_leb(&self.data[self.pos..])?;
        self.pos += n;
        Ok(v)
    }

    fn take(&mut self, n: usize) -> R<&'a [u8]> {
        if n > self.data.len() - self.pos {
            return Err("unexpected end");
        }
        let s = &self.data[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    fn name(&mut self) -> R<&'a str> {
        let n = self.u32()? as usize;
        core::str::from_utf8(self.take(n)?).map_err(|_| "malformed UTF-8 encoding")
    }

    /// A value or reference type; a typed reference (`0x63`/`0x64`) carries a heap type.
    fn valtype(&mut self) -> R<()> {
        if matches!(self.u8()?, 0x63 | 0x64) {
            self.u32()?;
        }
        Ok(())
    }

    fn limits(&mut self) -> R<()> {
        let flags = self.u8()?;
        self.u32()?;
        if flags & 1 != 0 {
            self.u32()?;
        }
        Ok(())
    }
}

fn kind(b: u8) -> R<ExternKind> {
    Ok(match b {
        0 => ExternKind::Func,
        1 => ExternKind::Table,
        2 => ExternKind::Memory,
        3 => ExternKind::Global,
        4 => ExternKind::Tag,
        _ => return Err("malformed import kind"),
    })
}

/// Keeps an import or export section's bytes for the model host to serve. A second one is
/// an error (as in a real host), so the raw section and the lists agree.
fn keep_raw(spec: &mut ModuleSpec, id: u8, start: usize, offset: usize, body: &[u8]) -> R<()> {
    if spec.raw_sections.iter().any(|(i, _)| *i == id) {
        return Err("duplicate section");
    }
    let at = |p: usize| u32::try_from(p).map_err(|_| "module too large");
    spec.raw_sections.push((id, Section { start: at(start)?, offset: at(offset)?, data: body.to_vec() }));
    Ok(())
}

/// Reads a module. An exported global's value (a data symbol's offset) is modelled as its
/// index times 4; the walker does not evaluate global initialisers.
pub fn parse(bytes: &[u8]) -> Result<ModuleSpec, HostError> {
    parse_inner(bytes).map_err(|m| HostError { code: HostErrorCode::InvalidModule, message: String::from(m) })
}

fn parse_inner(bytes: &[u8]) -> R<ModuleSpec> {
    let mut r = Bytes { data: bytes, pos: 0 };
    if r.take(4)? != b"\0asm" {
        return Err("magic header not detected");
    }
    if r.take(4)? != [1, 0, 0, 0] {
        return Err("unknown binary version");
    }
    let mut spec = ModuleSpec { no_dylink: true, ..Default::default() };
    while r.pos < bytes.len() {
        let start_of_section = r.pos;
        let id = r.u8()?;
        let size = r.u32()? as usize;
        let start = r.pos;
        let body = r.take(size)?;
        let mut s = Bytes { data: body, pos: 0 };
        match id {
            0 => {
                let name = s.name()?;
                if name == "dylink.0" && spec.no_dylink {
                    spec.no_dylink = false;
                    spec.dylink_start = Some(u32::try_from(start_of_section).map_err(|_| "module too large")?);
                    spec.dylink_offset = u32::try_from(start + s.pos).map_err(|_| "module too large")?;
                    spec.dylink = body[s.pos..].to_vec();
                }
                continue;
            }
            2 => {
                keep_raw(&mut spec, id, start_of_section, start, body)?;
                for _ in 0..s.u32()? {
                    let module = String::from(s.name()?);
                    let field = String::from(s.name()?);
                    let k = kind(s.u8()?)?;
                    match k {
                        ExternKind::Func => drop(s.u32()?),
                        ExternKind::Table => {
                            s.valtype()?;
                            s.limits()?;
                        }
                        ExternKind::Memory => s.limits()?,
                        ExternKind::Global => {
                            s.valtype()?;
                            s.u8()?;
                        }
                        ExternKind::Tag => {
                            s.u8()?;
                            s.u32()?;
                        }
                    }
                    spec.imports.push((module, field, k));
                }
            }
            7 => {
                keep_raw(&mut spec, id, start_of_section, start, body)?;
                for _ in 0..s.u32()? {
                    let name = String::from(s.name()?);
                    let k = kind(s.u8()?)?;
                    let index = s.u32()?;
                    match k {
                        ExternKind::Func => spec.exports.push((name, Exp::Func)),
                        ExternKind::Global => spec.exports.push((name, Exp::Global(index.wrapping_mul(4) as i32))),
                        // The linker only sees functions and globals as symbols; the model
                        // keeps the others out of the export list it serves.
                        _ => {}
                    }
                }
            }
            1..=13 => continue,
            _ => return Err("malformed section id"),
        }
        if s.pos != body.len() {
            return Err("section size mismatch");
        }
    }
    Ok(spec)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    #[test]
    fn reads_dylink_imports_and_exports() {
        let mut m = Vec::from(*b"\0asm\x01\0\0\0");
        // custom "dylink.0" with MEM_INFO {4, 2, 0, 0}
        m.extend_from_slice(&[0, 15, 8]);
        m.extend_from_slice(b"dylink.0");
        m.extend_from_slice(&[1, 4, 4, 2, 0, 0]);
        // import env.f (func 0), env.memory (memory, min 1)
        m.extend_from_slice(&[2, 18, 2, 3, b'e', b'n', b'v', 1, b'f', 0, 0]);
        m.extend_from_slice(&[3, b'e', b'n', b'v', 1, b'm', 2, 0, 1]);
        // export g (global 3), h (func 1)
        m.extend_from_slice(&[7, 9, 2, 1, b'g', 3, 3, 1, b'h', 0, 1]);
        let s = parse(&m).unwrap();
        assert!(!s.no_dylink);
        assert_eq!((s.dylink_offset, s.dylink.as_slice()), (19, &[1u8, 4, 4, 2, 0, 0][..]));
        assert_eq!(s.dylink_start, Some(8));
        assert_eq!(s.imports.len(), 2);
        assert_eq!(s.imports[1].2, ExternKind::Memory);
        assert_eq!(s.exports, alloc::vec![(String::from("g"), Exp::Global(12)), (String::from("h"), Exp::Func)]);
        assert_eq!(parse(b"\0asm\x02\0\0\0").unwrap_err().code, HostErrorCode::InvalidModule);
        assert!(parse(&m[..m.len() - 1]).is_err());
    }

    #[test]
    fn keeps_raw_import_and_export_sections() {
        let mut m = Vec::from(*b"\0asm\x01\0\0\0");
        // import env.g (global, typed reference (ref null 0), immutable), env.f (func 0)
        m.extend_from_slice(&[2, 19, 2, 3, b'e', b'n', b'v', 1, b'g', 3, 0x63, 0, 0]);
        m.extend_from_slice(&[3, b'e', b'n', b'v', 1, b'f', 0, 0]);
        m.extend_from_slice(&[7, 5, 1, 1, b'h', 0, 1]);
        let s = parse(&m).unwrap();
        assert_eq!(s.imports.len(), 2);
        let (id, imp) = &s.raw_sections[0];
        assert_eq!((*id, imp.start, imp.offset, imp.data.as_slice()), (2, 8, 10, &m[10..29]));
        let got = crate::sections::import_list(&imp.data, imp.offset as usize).unwrap();
        assert_eq!((got[0].name, got[1].name), ("g", "f"));
        assert_eq!(s.raw_sections[1].1.data, [1, 1, b'h', 0, 1]);
        m.extend_from_slice(&[7, 1, 0]);
        assert!(parse(&m).is_err(), "a second export section");
    }
}
