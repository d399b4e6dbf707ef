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
    /// Control bytes: below 0x20 (tab and line breaks too), and 0x7F.
    pub control: u32,
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
        let high = mask(v);
        Classes {
            space: mask(v.cmp_eq(i8x16::splat(b' ' as i8)) | within(v, b'\t', 5)),
            upper: mask(upper),
            lower: mask(within(v, b'a', 26)),
            kept: mask(within(v, b'0', 10) | v.cmp_eq(i8x16::splat(b'\'' as i8))),
            // The sign bit: 0x80 and above.
            high,
            // Signed, the bytes from 0x80 on are below 0x20 too.
            control: (mask(v.cmp_lt(i8x16::splat(0x20))) & !high) | mask(v.cmp_eq(i8x16::splat(0x7F))),
            lowered: bytemuck::cast(lowered),
        }
    }
}

/// Bytes in a block: four chunks.
pub const BLOCK: usize = 64;

/// The classes of a block's bytes, one bit each (bit `j` for byte `j`):
/// [`Classes`] of its four chunks side by side. Prose words are a few bytes
/// long, so most of them start and end inside one block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Block {
    /// ASCII whitespace.
    pub space: u64,
    /// `A`–`Z`.
    pub upper: u64,
    /// `a`–`z`.
    pub lower: u64,
    /// Digits and the apostrophe.
    pub kept: u64,
    /// Bytes of non-ASCII characters.
    pub high: u64,
    /// Control bytes.
    pub control: u64,
    /// The block with `A`–`Z` lower-cased.
    pub lowered: [u8; BLOCK],
}

impl Block {
    /// Classify the first [`BLOCK`] bytes of `bytes`. Past its end, the
    /// masks are those of zero bytes in the chunk holding its last byte,
    /// and all clear in the chunks after it: callers look at the first
    /// `bytes.len()` bits only.
    #[inline]
    pub fn of(bytes: &[u8]) -> Block {
        let mut b = Block { space: 0, upper: 0, lower: 0, kept: 0, high: 0, control: 0, lowered: [0; BLOCK] };
        // Only the chunks holding bytes: a short line is one chunk, not four.
        let chunks = bytes.len().min(BLOCK).div_ceil(LANES);
        for q in 0..chunks {
            let shift = q * LANES;
            let c = Classes::of(&chunk(&bytes[shift..]));
            b.space |= u64::from(c.space) << shift;
            b.upper |= u64::from(c.upper) << shift;
            b.lower |= u64::from(c.lower) << shift;
            b.kept |= u64::from(c.kept) << shift;
            b.high |= u64::from(c.high) << shift;
            b.control |= u64::from(c.control) << shift;
            b.lowered[shift..shift + LANES].copy_from_slice(&c.lowered);
        }
        b
    }
}

/// The bits `from..to` (`to` <= 64) of a block mask set.
#[inline]
pub fn span64(from: usize, to: usize) -> u64 {
    let below_to = if to >= 64 { u64::MAX } else { (1 << to) - 1 };
    below_to & !((1u64 << from) - 1)
}

/// The first [`LANES`] bytes of `bytes`, zero-padded when there are fewer
/// (two overlapping fixed-size copies, no call to `memcpy`).
#[inline]
pub fn chunk(bytes: &[u8]) -> [u8; LANES] {
    if let Some(whole) = bytes.first_chunk::<LANES>() {
        return *whole;
    }
    let mut padded = [0u8; LANES];
    fn two<const N: usize>(padded: &mut [u8; LANES], w: &[u8]) {
        let n = w.len();
        padded[..N].copy_from_slice(&w[..N]);
        padded[n - N..n].copy_from_slice(&w[n - N..]);
    }
    match bytes.len() {
        8.. => two::<8>(&mut padded, bytes),
        4..=7 => two::<4>(&mut padded, bytes),
        2..=3 => two::<2>(&mut padded, bytes),
        1 => padded[0] = bytes[0],
        _ => {}
    }
    padded
}

/// Lanes holding a byte in `lo..lo + n` (unsigned), as all-ones lanes: the
/// range shifted to start at -128 and compared signed.
#[inline]
fn within(v: i8x16, lo: u8, n: u8) -> i8x16 {
    let shifted = v - i8x16::splat(lo.wrapping_add(0x80) as i8);
    shifted.cmp_lt(i8x16::splat(n.wrapping_add(0x80) as i8))
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
            proptest::prop_assert_eq!(c.control, bits(&chunk, |b| b < 0x20 || b == 0x7F));
            proptest::prop_assert_eq!(c.lowered, chunk.map(|b| b.to_ascii_lowercase()));
            proptest::prop_assert_eq!(c.space & !c.control, bits(&chunk, |b| b == b' '));
        }
    }

    #[test]
    fn a_chunk_is_zero_padded() {
        let bytes: Vec<u8> = (1..=20).collect();
        for n in 0..=20 {
            let mut expected = [0u8; LANES];
            expected[..n.min(LANES)].copy_from_slice(&bytes[..n.min(LANES)]);
            assert_eq!(chunk(&bytes[..n]), expected, "{n}");
        }
    }

    proptest::proptest! {
        #[test]
        fn a_block_is_its_four_chunks(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..80)) {
            let b = Block::of(&bytes);
            let mut whole = [0u8; BLOCK];
            let n = bytes.len().min(BLOCK);
            whole[..n].copy_from_slice(&bytes[..n]);
            // The chunks holding bytes (the bits past the end are not looked at).
            for q in 0..n.div_ceil(LANES) {
                let c = Classes::of(whole[q * LANES..][..LANES].try_into().unwrap());
                let part = |m: u64| (m >> (q * LANES)) as u32 & 0xFFFF;
                proptest::prop_assert_eq!(
                    (part(b.space), part(b.upper), part(b.lower), part(b.kept), part(b.high), part(b.control)),
                    (c.space, c.upper, c.lower, c.kept, c.high, c.control)
                );
                proptest::prop_assert_eq!(&b.lowered[q * LANES..][..LANES], &c.lowered[..]);
            }
        }
    }
}
