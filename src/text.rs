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
    pub fn str(&mut self, s: &str) -> &mut Self {
        self.0.push_str(s);
        self
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
        for &b in &buf[start..] {
            self.0.push(char::from(b));
        }
        self
    }

    pub fn into_string(self) -> String {
        self.0
    }
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
        fn integers_match_core_fmt(n in any::<u64>()) {
            let mut t = Text::new();
            t.dec(n).str(" ").hex(n);
            prop_assert_eq!(t.into_string(), format!("{n} {n:#x}"));
        }
    }
}
