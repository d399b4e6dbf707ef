//! Sixteen bytes at a time: which bytes of a chunk are spaces, capitals,
//! small letters, digits or apostrophes, or not ASCII, as bit masks (bit
//! `j` for byte `j`), and the chunk lower-cased. One SSE2 (or NEON) compare
//! per class through `wide`, which falls back to plain code elsewhere; the
//! line scans read whole chunks of prose this way instead of byte by byte.

use wide::{i8x16, CmpEq, CmpLt};

/// Bytes in a chunk.
pub const LANES: usize = 16;

/// The classes of a chunk's bytes, one bit each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Classes {
    /// ASCII whitespace (`char::is_whitespace`: tab to carriage return, space).
    pub space: u32,
    /// `A`–`Z`.
    pub upper: u32,
    /// `a`–`z`.
    pub lower: u32,
    /// Digits and the apostrophe: kept when a word is trimmed, not letters.
    pub kept: u32,
    /// Bytes of non-ASCII characters.
    pub high: u32,
    /// The chunk with `A`–`Z` lower-cased.
    pub lowered: [u8; LANES],
}

impl Classes {
    /// Classify `chunk`.
    #[inline]
    pub fn of(chunk: &[u8; LANES]) -> Classes {
        let v: i8x16 = bytemuck::cast(*chunk);
        let upper = within(v, b'A', 26);
        let lowered = v + (upper & i8x16::splat(0x20));
        let mask = |m: i8x16| m.move_mask() as u32;
        Classes {
            space: mask(v.cmp_eq(i8x16::splat(b' ' as i8)) | within(v, b'\t', 5)),
            upper: mask(upper),
            lower: mask(within(v, b'a', 26)),
            kept: mask(within(v, b'0', 10) | v.cmp_eq(i8x16::splat(b'\'' as i8))),
            // The sign bit: 0x80 and above.
            high: mask(v),
            lowered: bytemuck::cast(lowered),
        }
    }
}

/// The first [`LANES`] bytes of `bytes`, zero-padded when there are fewer.
#[inline]
pub fn chunk(bytes: &[u8]) -> [u8; LANES] {
    match bytes.first_chunk::<LANES>() {
        Some(whole) => *whole,
        None => {
            let mut padded = [0u8; LANES];
            padded[..bytes.len()].copy_from_slice(bytes);
            padded
        }
    }
}

/// Where the run of non-ASCII bytes at `from` ends: the next ASCII byte, or the end.
#[inline]
pub fn next_ascii(bytes: &[u8], from: usize) -> usize {
    bytes[from..].iter().position(u8::is_ascii).map_or(bytes.len(), |p| from + p)
}

/// The spacing of a chunk: plain spaces, control bytes (below 0x20, and
/// 0x7F) and bytes of non-ASCII characters, one bit each.
#[inline]
pub fn spacing(chunk: &[u8; LANES]) -> (u32, u32, u32) {
    let v: i8x16 = bytemuck::cast(*chunk);
    let mask = |m: i8x16| m.move_mask() as u32;
    let high = mask(v);
    // Signed, the bytes from 0x80 on are below 0x20 too.
    let control = (mask(v.cmp_lt(i8x16::splat(0x20))) & !high) | mask(v.cmp_eq(i8x16::splat(0x7F)));
    (mask(v.cmp_eq(i8x16::splat(b' ' as i8))), control, high)
}

/// Lanes holding a byte in `lo..lo + n` (unsigned), as all-ones lanes: the
/// range shifted to start at -128 and compared signed.
#[inline]
fn within(v: i8x16, lo: u8, n: u8) -> i8x16 {
    let shifted = v - i8x16::splat(lo.wrapping_add(0x80) as i8);
    shifted.cmp_lt(i8x16::splat(n.wrapping_add(0x80) as i8))
}

/// Set bits of a chunk's mask. Through a table: `count_ones` is a dozen
/// instructions on x86-64 CPUs without POPCNT, which the baseline target assumes.
#[inline]
pub fn ones(mask: u32) -> usize {
    static BYTE: [u8; 256] = {
        let mut t = [0u8; 256];
        let mut b = 0;
        while b < 256 {
            t[b] = (b as u8).count_ones() as u8;
            b += 1;
        }
        t
    };
    usize::from(BYTE[(mask & 0xFF) as usize] + BYTE[(mask >> 8 & 0xFF) as usize])
}

/// The bits `from..to` (`to` <= 32) set.
#[inline]
pub fn span(from: u32, to: u32) -> u32 {
    let below_to = if to >= 32 { u32::MAX } else { (1 << to) - 1 };
    below_to & !((1u32 << from) - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bits(chunk: &[u8; LANES], f: impl Fn(u8) -> bool) -> u32 {
        chunk.iter().enumerate().map(|(j, &b)| u32::from(f(b)) << j).sum()
    }

    proptest::proptest! {
        #[test]
        fn masks_are_the_byte_classes(chunk in proptest::array::uniform16(proptest::num::u8::ANY)) {
            let c = Classes::of(&chunk);
            proptest::prop_assert_eq!(c.space, bits(&chunk, |b| b.is_ascii() && (b as char).is_whitespace()));
            proptest::prop_assert_eq!(c.upper, bits(&chunk, |b| b.is_ascii_uppercase()));
            proptest::prop_assert_eq!(c.lower, bits(&chunk, |b| b.is_ascii_lowercase()));
            proptest::prop_assert_eq!(c.kept, bits(&chunk, |b| b.is_ascii_digit() || b == b'\''));
            proptest::prop_assert_eq!(c.high, bits(&chunk, |b| !b.is_ascii()));
            proptest::prop_assert_eq!(c.lowered, chunk.map(|b| b.to_ascii_lowercase()));
            let (blank, control, high) = spacing(&chunk);
            proptest::prop_assert_eq!(blank, bits(&chunk, |b| b == b' '));
            proptest::prop_assert_eq!(control, bits(&chunk, |b| b < 0x20 || b == 0x7F));
            proptest::prop_assert_eq!(high, c.high);
        }
    }

    #[test]
    fn every_byte_value() {
        for b in 0..=255u8 {
            let c = Classes::of(&[b; LANES]);
            let all = |yes: bool| if yes { 0xFFFF } else { 0 };
            assert_eq!(c.space, all(b.is_ascii() && (b as char).is_whitespace()), "{b}");
            assert_eq!(c.upper, all(b.is_ascii_uppercase()), "{b}");
            assert_eq!(c.lower, all(b.is_ascii_lowercase()), "{b}");
            assert_eq!(c.kept, all(b.is_ascii_digit() || b == b'\''), "{b}");
            assert_eq!(c.high, all(b >= 0x80), "{b}");
            assert_eq!(c.lowered, [b.to_ascii_lowercase(); LANES], "{b}");
        }
        assert_eq!(span(2, 5), 0b11100);
        assert_eq!(span(0, 32), u32::MAX);
        assert_eq!(span(3, 3), 0);
        for m in 0..=0xFFFF {
            assert_eq!(ones(m), m.count_ones() as usize);
        }
    }
}
