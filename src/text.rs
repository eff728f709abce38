//! A tiny message writer: strings, decimal and `0x` hex integers appended to a `String`.
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

    /// Appends `s`.
    #[inline(never)]
    pub fn str(&mut self, s: &str) -> &mut Self {
        self.0.push_str(s);
        self
    }

    /// Appends `bytes` as UTF-8, each invalid sequence replaced by U+FFFD (as
    /// `String::from_utf8_lossy` does, without linking its separate decoder: `from_utf8`
    /// says where each invalid sequence starts and how long it is).
    pub fn lossy(&mut self, mut bytes: &[u8]) -> &mut Self {
        loop {
            match core::str::from_utf8(bytes) {
                Ok(s) => return self.str(s),
                Err(e) => {
                    let (valid, rest) = bytes.split_at(e.valid_up_to());
                    self.str(core::str::from_utf8(valid).unwrap_or_default()).str("\u{fffd}");
                    // No length: the data ends inside a sequence, which is one replacement.
                    bytes = &rest[e.error_len().unwrap_or(rest.len())..];
                }
            }
        }
    }

    /// Appends `n` in decimal (as `{}` would).
    pub fn dec(&mut self, n: u64) -> &mut Self {
        self.digits(n, 10)
    }

    /// Appends `n` in lower-case hex with a `0x` prefix (as `{:#x}` would).
    pub fn hex(&mut self, n: u64) -> &mut Self {
        self.0.push_str("0x");
        self.digits(n, 16)
    }

    fn digits(&mut self, mut n: u64, radix: u64) -> &mut Self {
        let mut buf = [0u8; 20]; // u64::MAX has 20 decimal digits
        let mut start = buf.len();
        loop {
            start -= 1;
            buf[start] = b"0123456789abcdef"[(n % radix) as usize];
            n /= radix;
            if n == 0 {
                break;
            }
        }
        // ASCII digits: always valid UTF-8.
        self.str(core::str::from_utf8(&buf[start..]).unwrap_or_default())
    }

    pub fn into_string(self) -> String {
        self.0
    }
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
        t.str("at byte ").dec(0).str(", handle ").hex(0).str(", ").dec(1234);
        assert_eq!(t.into_string(), "at byte 0, handle 0x0, 1234");
        let mut t = Text::new();
        t.dec(u64::MAX).str(" ").hex(-2i32 as u32 as u64);
        assert_eq!(t.into_string(), format!("{} {:#x}", u64::MAX, -2i32));
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
            // Valid text with a byte replaced and a truncation: the interesting cases.
            let mut bytes = s.into_bytes();
            if !bytes.is_empty() {
                let i = cut % bytes.len();
                bytes[i] = junk;
                bytes.truncate(bytes.len() - cut % 3.min(bytes.len()));
            }
            let mut t = Text::new();
            t.lossy(&bytes);
            prop_assert_eq!(t.into_string(), alloc::string::String::from_utf8_lossy(&bytes));
        }

        #[test]
        fn integers_match_core_fmt(n in any::<u64>()) {
            let mut t = Text::new();
            t.dec(n).str(" ").hex(n);
            prop_assert_eq!(t.into_string(), format!("{n} {n:#x}"));
        }
    }
}
