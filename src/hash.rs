//! The crate's one hash function: the multiply-rotate scheme of rustc's FxHash, applied 8 bytes
//! at a time, with a final mix. Names come from the program and its libraries, not from an
//! adversary that could aim collisions at a table, and one 64-bit multiply per word is cheap
//! on wasm32, where a 128-bit multiply (as in foldhash) is not. [`crate::index`] keys its
//! slots with the low 32 bits of [`hash_bytes`].

const K: u64 = 0x517c_c1b7_2722_0a95;

/// One round: the state rotated, the word mixed in, multiplied.
#[inline(always)]
fn add(h: u64, word: u64) -> u64 {
    (h.rotate_left(5) ^ word).wrapping_mul(K)
}

/// The last 1 to 7 bytes of a string as a little-endian word, read 4, 2 and 1 bytes at a time
/// (a copy into a zeroed array is a `memcpy` call; a byte loop is up to 7 rounds), each piece
/// split off the front (no index to check against the length).
#[inline(always)]
fn tail_word(rest: &[u8]) -> u64 {
    let (mut w, mut shift, mut rest) = (0u64, 0, rest);
    if let Some((x, r)) = rest.split_first_chunk::<4>() {
        (w, shift, rest) = (u64::from(u32::from_le_bytes(*x)), 32, r);
    }
    if let Some((x, r)) = rest.split_first_chunk::<2>() {
        w |= u64::from(u16::from_le_bytes(*x)) << shift;
        (shift, rest) = (shift + 16, r);
    }
    if let Some(&x) = rest.first() {
        w |= u64::from(x) << shift;
    }
    w
}

/// Hash of a byte string: its length is the initial state (so "a" and "a\0" differ), then a
/// round per 8-byte word and one for the last 1 to 7 bytes, then a xor-shift-multiply mix (the
/// multiply alone leaves the low bits, the index's slot number, depending only on the low
/// bytes of each word, which are the same for names sharing a prefix: "bfn_0".."bfn_9999"
/// all collided).
#[inline]
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    let (mut h, mut rest) = (bytes.len() as u64, bytes);
    while let Some((word, tail)) = rest.split_first_chunk::<8>() {
        h = add(h, u64::from_le_bytes(*word));
        rest = tail;
    }
    if !rest.is_empty() {
        h = add(h, tail_word(rest));
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^ h >> 33
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_with_a_common_prefix_spread_over_buckets() {
        // The index picks slots with the low bits; the top bits should vary as well.
        let mut low = std::collections::BTreeSet::new();
        let mut top = std::collections::BTreeSet::new();
        for i in 0..1024 {
            let h = hash_bytes(std::format!("bfn_{i}").as_bytes());
            low.insert(h & 1023);
            top.insert(h >> 57);
        }
        assert!(low.len() > 600, "low bits spread: {} of 1024", low.len());
        assert_eq!(top.len(), 128, "every tag value used");
    }

    #[test]
    fn distinguishes_lengths_and_contents() {
        assert_ne!(hash_bytes(b"a"), hash_bytes(b"a\0"));
        assert_ne!(hash_bytes(b"bfn_1"), hash_bytes(b"bfn_2"));
        assert_ne!(hash_bytes(b"12345678x"), hash_bytes(b"12345678y"));
    }
}
