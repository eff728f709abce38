//! The binary encoding helpers every test shares: unsigned LEB128 both ways, names and
//! sections (or `dylink.0` subsections, which have the same shape). The model host and the unit
//! tests use them from here; the integration tests include this file (`tests/support`). `Vec`
//! comes from the including module.

use super::Vec;

/// Appends `v` as unsigned LEB128.
pub fn leb(mut v: u32, out: &mut Vec<u8>) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

/// The `varuint32` at the start of `bytes`, and how many bytes it takes; an error for one
/// that is cut short, longer than 5 bytes, or has bits beyond 32.
pub fn read_leb(bytes: &[u8]) -> Result<(u32, usize), &'static str> {
    let mut v = 0u32;
    for i in 0..5 {
        let b = *bytes.get(i).ok_or("unexpected end")?;
        if i == 4 && b & 0xf0 != 0 {
            return Err("integer too large");
        }
        v |= u32::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return Ok((v, i + 1));
        }
    }
    Err("integer representation too long")
}

/// Appends a length-prefixed name.
pub fn name(s: &str, out: &mut Vec<u8>) {
    leb(s.len() as u32, out);
    out.extend_from_slice(s.as_bytes());
}

/// Appends a section (or `dylink.0` subsection): its id, its size, then `body`.
pub fn sub(id: u8, body: Vec<u8>, out: &mut Vec<u8>) {
    out.push(id);
    leb(body.len() as u32, out);
    out.extend(body);
}
