//! The binary reader under every parser of module bytes (`dylink.0` in [`crate::dylink`],
//! the import and export sections in [`crate::sections`], export names in
//! [`crate::symbols`]): a bounds-checked cursor that decodes LEB128 and names and reports
//! every error as a [`ParseError`] at its byte offset in the module binary, as wasmparser's
//! `BinaryReader` does. Encodings: the WebAssembly core specification, binary format
//! (<https://webassembly.github.io/spec/core/binary/values.html>).

use core::fmt;

/// Malformed input: what was wrong and where.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// Byte offset in the module binary.
    pub offset: usize,
    pub reason: &'static str,
}

/// "at byte N: reason": what is malformed is the caller's to say (`dlerror`'s templates name
/// the section, `src/error.rs`).
impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at byte {}: {}", self.offset, self.reason)
    }
}

/// A bounds-checked cursor over part of a module binary.
/// `base` is the offset of `data[0]` in the module binary.
#[derive(Clone)]
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

    /// A reader over `data` at `base` without [`Reader::new`]'s check (its offsets saturate).
    pub(crate) fn unchecked(data: &'a [u8], base: usize) -> Self {
        Reader { data, pos: 0, base }
    }

    pub(crate) fn offset(&self) -> usize {
        // Saturating: `unchecked` readers skip `new`'s check.
        self.base.saturating_add(self.pos)
    }

    pub(crate) fn at_end(&self) -> bool {
        self.pos >= self.data.len()
    }

    pub(crate) fn error(&self, reason: &'static str) -> ParseError {
        ParseError { offset: self.offset(), reason }
    }

    #[inline(always)]
    pub(crate) fn u8(&mut self) -> Result<u8, ParseError> {
        let b = *self.data.get(self.pos).ok_or_else(|| self.error("unexpected end of section"))?;
        self.pos += 1;
        Ok(b)
    }

    /// A `varuint32` (unsigned LEB128, at most 5 bytes, no bits beyond 32). Inlined: the
    /// one-byte case is a few instructions, and export sections are read per lookup until
    /// indexed (`symbols.rs`).
    #[inline(always)]
    pub(crate) fn u32(&mut self) -> Result<u32, ParseError> {
        // One byte (every count, length and index below 128) without the general loop: the
        // export section of a large library is thousands of these.
        match self.data.get(self.pos) {
            Some(&b) if b < 0x80 => {
                self.pos += 1;
                Ok(u32::from(b))
            }
            _ => self.leb(5),
        }
    }

    /// [`Reader::u32`], not inlined: for what is read once per `dlopen` (`dylink.0` fields,
    /// names, counts, an import's type index) rather than per lookup.
    #[inline(never)]
    pub(crate) fn u32_out_of_line(&mut self) -> Result<u32, ParseError> {
        self.u32()
    }

    /// Skips a `varuint32` whose value is not needed, checked as [`Reader::u32`] checks it
    /// (one- and two-byte encodings, the usual function indices, without the general loop).
    #[inline(always)]
    pub(crate) fn skip_u32(&mut self) -> Result<(), ParseError> {
        match self.data.get(self.pos..self.pos + 2) {
            Some(&[a, _]) if a < 0x80 => self.pos += 1,
            Some(&[_, b]) if b < 0x80 => self.pos += 2,
            _ => {
                self.leb(5)?;
            }
        }
        Ok(())
    }

    /// An unsigned LEB128 of at most `max` bytes, its low 32 bits: 5 for a `varuint32`, whose
    /// fifth byte may carry only the top 4 bits and no continuation bit; 10 for any 64-bit
    /// value (memory64 limits, heap types: skipped).
    #[inline(never)]
    pub(crate) fn leb(&mut self, max: usize) -> Result<u32, ParseError> {
        let mut result: u32 = 0;
        let mut i = 0;
        loop {
            let Some(&b) = self.data.get(self.pos + i) else {
                // Ran out of bytes: the error is at the end of the data.
                self.pos = self.data.len();
                return Err(self.error("unexpected end of section"));
            };
            if i + 1 == max {
                let (beyond, reason) = match max {
                    5 => (0xf0, "varuint32 out of range"),
                    _ => (0x80, "LEB128 too long"),
                };
                if b & beyond != 0 {
                    return Err(self.error(reason));
                }
            }
            if i < 5 {
                result |= u32::from(b & 0x7f) << (7 * i);
            }
            i += 1;
            if b & 0x80 == 0 {
                self.pos += i;
                return Ok(result);
            }
        }
    }

    /// A `varuint32` that is a count (`count`: no more than the bytes left after it) or a log2
    /// alignment (below 32); if it is out of bounds, an error at its first byte.
    #[inline(never)]
    pub(crate) fn bounded(&mut self, count: bool) -> Result<u32, ParseError> {
        let start = self.offset();
        let n = self.u32_out_of_line()?;
        let (max, reason) = match count {
            true => (self.data.len() - self.pos, "count exceeds the subsection size"),
            false => (31, "alignment exponent out of range"),
        };
        if n as usize > max {
            return Err(ParseError { offset: start, reason });
        }
        Ok(n)
    }

    #[inline(always)]
    pub(crate) fn bytes(&mut self, len: usize, reason: &'static str) -> Result<&'a [u8], ParseError> {
        match self.data.get(self.pos..).and_then(|rest| rest.get(..len)) {
            Some(s) => {
                self.pos += len;
                Ok(s)
            }
            None => Err(self.error(reason)),
        }
    }

    pub(crate) fn name(&mut self) -> Result<&'a str, ParseError> {
        let len = self.u32_out_of_line()? as usize;
        let start = self.offset();
        let bytes = self.bytes(len, "name extends past the end of the subsection")?;
        crate::text::utf8(bytes).ok_or(ParseError { offset: start, reason: "name is not valid UTF-8" })
    }

    /// The count of a vector, checked against the bytes left (every entry takes at least one
    /// byte), so a forged count cannot make us allocate unboundedly.
    pub(crate) fn count(&mut self) -> Result<u32, ParseError> {
        self.bounded(true)
    }

    /// Where the next read starts, as an index into the reader's data.
    pub(crate) fn pos(&self) -> usize {
        self.pos
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_offset_not_section() {
        let e = ParseError { offset: 12, reason: "x" };
        assert_eq!(alloc::format!("{e}"), "at byte 12: x");
    }

    #[test]
    fn varuint32_forms_and_errors() {
        let mut r = Reader::new(&[0x05, 0xe5, 0x8e, 0x26, 0xff, 0xff, 0xff, 0xff, 0x0f], 100).unwrap();
        assert_eq!(r.u32(), Ok(5));
        assert_eq!(r.u32(), Ok(624_485));
        assert_eq!(r.u32(), Ok(u32::MAX));
        assert!(r.at_end());
        // A fifth byte with bits beyond 32, at its own offset; a sixth byte; running out.
        let err = |bytes: &[u8]| Reader::new(bytes, 100).unwrap().u32().unwrap_err();
        assert_eq!(err(&[0xff, 0xff, 0xff, 0xff, 0x1f]), ParseError { offset: 100, reason: "varuint32 out of range" });
        assert_eq!(err(&[0x80, 0x80]), ParseError { offset: 102, reason: "unexpected end of section" });
        let mut long = Reader::new(&[0x80; 10], 0).unwrap();
        assert_eq!(long.leb(10).unwrap_err().reason, "LEB128 too long");
    }

    #[test]
    fn counts_names_and_bases() {
        // A count larger than the bytes after it is refused at its first byte.
        assert_eq!(
            Reader::new(&[3, 0, 0], 7).unwrap().count(),
            Err(ParseError { offset: 7, reason: "count exceeds the subsection size" })
        );
        assert_eq!(Reader::new(&[2, 0, 0], 7).unwrap().count(), Ok(2));
        let mut r = Reader::new(&[2, b'o', b'k', 2, 0xc3, 0x28], 0).unwrap();
        assert_eq!(r.name(), Ok("ok"));
        assert_eq!(r.name(), Err(ParseError { offset: 4, reason: "name is not valid UTF-8" }));
        assert!(Reader::new(&[0; 4], usize::MAX - 2).is_err());
        // An unchecked reader's offsets saturate instead of overflowing.
        let mut r = Reader::unchecked(&[0x80], usize::MAX - 1);
        assert_eq!(r.u8(), Ok(0x80));
        assert_eq!(r.u8().unwrap_err().offset, usize::MAX);
    }
}
