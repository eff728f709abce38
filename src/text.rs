//! A tiny message writer: strings, lossy UTF-8 and decimal or hex integers appended to a
//! `String`.
//!
//! `dlerror` texts are built with this instead of `core::fmt`, whose machinery (`Formatter`,
//! padding, `write!` argument tables, integer formatting for every width) would otherwise be
//! linked into `libdl.so`. `Display` impls for the host-side tests render through it too, so
//! there is one source for each message.

use alloc::string::String;

/// A message being written.
#[derive(Default)]
pub struct Text(String);

impl Text {
    pub fn new() -> Self {
        Text(String::new())
    }

    /// An empty text in `buf`'s memory (which it clears), with room for `n` bytes.
    pub fn reusing(mut buf: String, n: usize) -> Self {
        buf.clear();
        buf.reserve(n);
        Text(buf)
    }

    /// Appends `s`.
    #[inline(never)]
    pub fn str(&mut self, s: &str) -> &mut Self {
        self.0.push_str(s);
        self
    }

    /// Appends the ASCII character `c`.
    #[inline(never)]
    pub fn ascii(&mut self, c: u8) -> &mut Self {
        debug_assert!(c.is_ascii());
        // Masked, so that `push` compiles to a byte push (no UTF-8 encoder).
        self.0.push(char::from(c & 0x7f));
        self
    }

    /// Appends `bytes` as UTF-8, each invalid sequence replaced by U+FFFD (as
    /// `String::from_utf8_lossy` does).
    #[inline(always)]
    pub fn lossy(&mut self, bytes: &[u8]) -> &mut Self {
        self.lossy_as(bytes, false)
    }

    /// [`Text::lossy`], with each NUL shown as `\0`: how `dlerror` shows names (a C string
    /// would end at the NUL).
    #[inline(always)]
    pub fn shown(&mut self, bytes: &[u8]) -> &mut Self {
        self.lossy_as(bytes, true)
    }

    #[inline(never)]
    fn lossy_as(&mut self, mut bytes: &[u8], escape_nul: bool) -> &mut Self {
        loop {
            // The valid prefix, and how many bytes after it to replace (none: the end).
            let (mut valid, mut bad) = match utf8_error(bytes) {
                // No length: the data ends inside a sequence, which is one replacement.
                Some((valid, len)) => (valid, len.unwrap_or(bytes.len() - valid)),
                None => (bytes.len(), 0),
            };
            let mut replacement = "\u{fffd}";
            // Cutting UTF-8 at an ASCII byte leaves UTF-8 on both sides.
            if let Some(nul) = bytes[..valid].iter().position(|&b| escape_nul && b == 0) {
                (valid, bad, replacement) = (nul, 1, "\\0");
            }
            self.0.push_str(as_str(&bytes[..valid]));
            if bad == 0 {
                return self;
            }
            self.0.push_str(replacement);
            bytes = &bytes[valid + bad..];
        }
    }

    /// Appends `n` in decimal (as `{}` would).
    pub fn dec(&mut self, n: usize) -> &mut Self {
        self.digits(n, 10)
    }

    /// Appends `n` in base `radix` (at most 16), lower-case, no prefix.
    pub fn digits(&mut self, mut n: usize, radix: usize) -> &mut Self {
        // usize, not u64: 32-bit arithmetic on wasm32, where every number shown is a usize.
        let mut buf = [0u8; 20]; // u64::MAX has 20 decimal digits
        let mut start = buf.len();
        loop {
            start -= 1;
            buf[start] = b"0123456789abcdef"[n % radix];
            n /= radix;
            if n == 0 {
                break;
            }
        }
        self.0.push_str(as_str(&buf[start..]));
        self
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// Where `bytes` stops being UTF-8: the length of the valid prefix, and the length of the
/// invalid sequence after it (`None` when the bytes end inside a sequence), as
/// `core::str::Utf8Error` reports them; `None` when all of `bytes` is UTF-8.
///
/// libdl's own check (RFC 3629 as the Unicode standard's table 3-7 states it): `core`'s
/// `from_utf8` is ~1 KB of `libdl.so` (a fast path for long text and a 256-byte table), and
/// the names checked here are short.
#[inline(never)]
pub fn utf8_error(bytes: &[u8]) -> Option<(usize, Option<usize>)> {
    let mut i = 0;
    while let Some(&lead) = bytes.get(i) {
        if lead < 0x80 {
            // ASCII (every C symbol name): one compare per byte.
            i += 1;
            continue;
        }
        let len = match lead {
            0xc2..=0xdf => 2,
            0xe0..=0xef => 3,
            0xf0..=0xf4 => 4,
            _ => return Some((i, Some(1))),
        };
        for k in 1..len {
            let Some(&b) = bytes.get(i + k) else { return Some((i, None)) };
            // A continuation byte; the second one's range is narrower after these leads
            // (no overlong forms, no surrogates, nothing above U+10FFFF).
            let ok = b & 0xc0 == 0x80
                && (k > 1
                    || match lead {
                        0xe0 => b >= 0xa0,
                        0xed => b < 0xa0,
                        0xf0 => b >= 0x90,
                        0xf4 => b < 0x90,
                        _ => true,
                    });
            if !ok {
                return Some((i, Some(k)));
            }
        }
        i += len;
    }
    None
}

/// `bytes` as a `str` if it is UTF-8 (`core::str::from_utf8`, on [`utf8_error`]).
pub fn utf8(bytes: &[u8]) -> Option<&str> {
    utf8_error(bytes).is_none().then(|| as_str(bytes))
}

/// A `str` of bytes [`utf8_error`] accepted.
fn as_str(valid: &[u8]) -> &str {
    debug_assert!(core::str::from_utf8(valid).is_ok());
    // SAFETY: every caller passes bytes `utf8_error` found to be UTF-8 (the property tests
    // below compare it with `core::str::from_utf8` on arbitrary and near-UTF-8 input).
    unsafe { core::str::from_utf8_unchecked(valid) }
}

/// `bytes` as a `String`, invalid UTF-8 replaced (see [`Text::lossy`]).
pub fn lossy(bytes: &[u8]) -> String {
    let mut t = Text::new();
    t.lossy(bytes);
    t.into_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;
    use proptest::prelude::*;

    #[test]
    fn writes_pieces_in_order() {
        let mut t = Text::new();
        t.str("at byte ").dec(0).str(", handle 0x").digits(0, 16).str(", ").dec(1234);
        assert_eq!(t.into_string(), "at byte 0, handle 0x0, 1234");
        let mut t = Text::new();
        t.dec(usize::MAX).str(" 0x").digits(-2i32 as u32 as usize, 16);
        assert_eq!(t.into_string(), format!("{} {:#x}", usize::MAX, -2i32));
    }

    /// Valid text with a byte replaced and a truncation: the interesting cases.
    fn near_utf8(s: alloc::string::String, cut: usize, junk: u8) -> alloc::vec::Vec<u8> {
        let mut bytes = s.into_bytes();
        if !bytes.is_empty() {
            let i = cut % bytes.len();
            bytes[i] = junk;
            bytes.truncate(bytes.len() - cut % 3.min(bytes.len()));
        }
        bytes
    }

    proptest! {
        #[test]
        fn lossy_matches_std(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
            let mut t = Text::new();
            t.lossy(&bytes);
            prop_assert_eq!(t.into_string(), alloc::string::String::from_utf8_lossy(&bytes));
        }

        #[test]
        fn lossy_matches_std_near_utf8(s in "\\PC{0,12}", cut in 0usize..40, junk in any::<u8>()) {
            let bytes = near_utf8(s, cut, junk);
            let mut t = Text::new();
            t.lossy(&bytes);
            prop_assert_eq!(t.into_string(), alloc::string::String::from_utf8_lossy(&bytes));
        }

        #[test]
        fn utf8_check_matches_core(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
            let want = core::str::from_utf8(&bytes).map_err(|e| (e.valid_up_to(), e.error_len()));
            prop_assert_eq!(utf8(&bytes).ok_or_else(|| utf8_error(&bytes).unwrap()), want);
        }

        #[test]
        fn utf8_check_matches_core_near_utf8(s in "\\PC{0,12}", cut in 0usize..40, junk in any::<u8>()) {
            let bytes = near_utf8(s, cut, junk);
            let want = core::str::from_utf8(&bytes).map_err(|e| (e.valid_up_to(), e.error_len()));
            prop_assert_eq!(utf8(&bytes).ok_or_else(|| utf8_error(&bytes).unwrap()), want);
        }

        #[test]
        fn integers_match_core_fmt(n in any::<usize>()) {
            let mut t = Text::new();
            t.dec(n).str(" 0x").digits(n, 16);
            prop_assert_eq!(t.into_string(), format!("{n} {n:#x}"));
        }
    }
}
