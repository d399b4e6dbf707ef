//! Character classes on the hot paths, without the Unicode table search
//! for the scripts most pages are written in, and the decoding tables of
//! the line pass ([`Info`], [`decode`]).

use std::sync::LazyLock;

use crate::normalize;

/// `char::is_alphabetic`, with the letters of Latin-1, Cyrillic, CJK,
/// kana and Hangul (and general punctuation, which has none) decided without
/// the Unicode table search.
#[inline]
pub fn alphabetic(c: char) -> bool {
    match c as u32 {
        0xC0..=0xFF => c != '×' && c != '÷',
        0x0400..=0x0481 | 0x048A..=0x04FF => true,
        0x2000..=0x206F => false,
        0x3041..=0x3096 | 0x30A1..=0x30FA | 0x4E00..=0x9FFF | 0xAC00..=0xD7A3 => true,
        _ => c.is_alphabetic(),
    }
}

/// `char::is_uppercase` of a letter, with the same shortcuts.
#[inline]
pub fn uppercase(c: char) -> bool {
    match c as u32 {
        0xC0..=0xDE => c != '×',
        0xDF..=0xFF => false,
        0x0400..=0x042F => true,
        0x0430..=0x045F => false,
        0x3041..=0x3096 | 0x30A1..=0x30FA | 0x4E00..=0x9FFF | 0xAC00..=0xD7A3 => false,
        _ => c.is_uppercase(),
    }
}

/// `char::is_alphanumeric`, with the same shortcuts (none of those ranges
/// holds a numeric character outside its letters).
#[inline]
pub fn alphanumeric(c: char) -> bool {
    match c as u32 {
        0..=0x7F => c.is_ascii_alphanumeric(),
        0xC0..=0xFF | 0x0400..=0x04FF | 0x2000..=0x206F | 0x3041..=0x30FF | 0x4E00..=0x9FFF | 0xAC00..=0xD7A3 => {
            alphabetic(c)
        }
        _ => c.is_alphanumeric(),
    }
}

/// The lower case of `c` when it is one character and a shortcut knows it
/// (ASCII, Latin-1, Cyrillic, and scripts or punctuation without case);
/// None: ask `char::to_lowercase`.
#[inline]
pub fn lower(c: char) -> Option<char> {
    let u = c as u32;
    let l = match u {
        0x41..=0x5A | 0xC0..=0xD6 | 0xD8..=0xDE | 0x0410..=0x042F => u + 0x20,
        0x0400..=0x040F => u + 0x50,
        0..=0x40 | 0x5B..=0xBF | 0xD7 | 0xDF..=0xFF | 0x0430..=0x045F => u,
        0x2000..=0x206F | 0x3041..=0x30FF | 0x4E00..=0x9FFF | 0xAC00..=0xD7A3 => u,
        _ => return None,
    };
    char::from_u32(l)
}

/// What a non-ASCII character is to a scan of a line (decided once).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Char {
    /// Alphabetic.
    Letter,
    /// Whitespace: it ends a token.
    Space,
    /// Anything else.
    Other,
}

impl Char {
    /// The class of `ch`.
    #[inline]
    pub fn of(ch: char) -> Char {
        if alphabetic(ch) {
            Char::Letter
        } else if ch.is_whitespace() {
            Char::Space
        } else {
            Char::Other
        }
    }
}

/// Kana, CJK ideographs (and extension A, compatibility ideographs).
#[inline]
pub fn is_wide(cp: u32) -> bool {
    matches!(cp, 0x3041..=0x30FA | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF)
}

/// What the line pass needs of a non-ASCII character, packed in a `u32`:
/// its class bits, and the character its key folds it to (when that is
/// one character).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Info(pub(crate) u32);

/// Alphabetic ([`Char::Letter`]).
pub const LETTER: u32 = 1 << 24;
/// An upper-case letter.
pub const UPPER: u32 = 1 << 25;
/// Whitespace ([`Char::Space`]).
pub const SPACE: u32 = 1 << 26;
/// Neither: a character that normalising drops ([`normalize::drops`]).
pub const DROPS: u32 = 1 << 27;
/// Alphanumeric.
pub const ALNUM: u32 = 1 << 28;
/// Its fold is not one character: fold it the long way.
const WIDE: u32 = 1 << 29;
/// It folds to itself.
pub const SAME: u32 = 1 << 30;
/// Its lower case is itself.
const LOWER_SAME: u32 = 1 << 21;

impl Info {
    /// The definition: what the class, case and fold functions say of `ch`.
    pub fn of(ch: char) -> Info {
        let mut bits = match Char::of(ch) {
            Char::Letter => LETTER | if uppercase(ch) { UPPER } else { 0 },
            Char::Space => SPACE,
            Char::Other => {
                if normalize::drops(ch) {
                    DROPS
                } else {
                    0
                }
            }
        };
        if alphanumeric(ch) {
            bits |= ALNUM;
        }
        if ch.to_lowercase().eq([ch]) {
            bits |= LOWER_SAME;
        }
        let (mut n, mut folded) = (0, ch);
        normalize::fold(ch, |f| {
            n += 1;
            folded = f;
        });
        bits |= match n {
            1 if folded == ch => SAME | ch as u32,
            1 => folded as u32,
            _ => WIDE,
        };
        Info(bits)
    }

    #[inline]
    pub fn has(self, bit: u32) -> bool {
        self.0 & bit != 0
    }

    /// Append the key's fold of the character whose UTF-8 bytes are `bytes`.
    #[inline]
    pub fn fold_into(self, bytes: &[u8], key: &mut Vec<u8>) {
        if self.has(SAME) {
            key.extend_from_slice(bytes);
        } else if self.has(WIDE) {
            let ch = std::str::from_utf8(bytes).ok().and_then(|s| s.chars().next()).expect("one character");
            normalize::fold(ch, |f| key.extend_from_slice(f.encode_utf8(&mut [0; 4]).as_bytes()));
        } else {
            let f = char::from_u32(self.0 & 0x1F_FFFF).expect("a character's fold");
            key.extend_from_slice(f.encode_utf8(&mut [0; 4]).as_bytes());
        }
    }
}

impl Info {
    /// Emit the lower case of the character whose UTF-8 bytes are `bytes`,
    /// character by character, while `emit` returns true; whether it always did.
    #[inline(always)]
    pub fn lower(self, bytes: &[u8], mut emit: impl FnMut(&[u8]) -> bool) -> bool {
        if self.has(LOWER_SAME) {
            return emit(bytes);
        }
        if self.has(WIDE) {
            let ch = std::str::from_utf8(bytes).ok().and_then(|s| s.chars().next()).expect("one character");
            return ch.to_lowercase().all(|l| emit(l.encode_utf8(&mut [0; 4]).as_bytes()));
        }
        // Not a quote or dash (those are their own lower case): the fold is the lower case.
        let f = char::from_u32(self.0 & 0x1F_FFFF).expect("a character's fold");
        emit(f.encode_utf8(&mut [0; 4]).as_bytes())
    }
}

/// [`Info`] of the two-byte characters (U+0080 to U+07FF: Latin, Greek,
/// Cyrillic, Hebrew, Arabic…), by code point.
static TWO_BYTE: LazyLock<Box<[Info; 0x800]>> =
    LazyLock::new(|| Box::new(std::array::from_fn(|cp| char::from_u32(cp as u32).map_or(Info(0), Info::of))));

/// [`Info`] of General Punctuation (U+2000 to U+206F: dashes, quotes, odd spaces).
static PUNCTUATION: LazyLock<[Info; 0x70]> =
    LazyLock::new(|| std::array::from_fn(|i| Info::of(char::from_u32(0x2000 + i as u32).expect("a character"))));

/// The two-byte table, for [`decode`].
pub fn two_byte() -> &'static [Info; 0x800] {
    &TWO_BYTE
}

/// [`Info`] and length of the non-ASCII character starting at `b[i]` (`b`
/// UTF-8): the common scripts from tables or ranges, the rest the long way.
#[inline]
pub fn decode(two: &[Info; 0x800], b: &[u8], i: usize) -> (Info, usize) {
    let b0 = b[i];
    if b0 < 0xE0 {
        let cp = usize::from(b0 & 0x1F) << 6 | usize::from(b[i + 1] & 0x3F);
        return (two[cp], 2);
    }
    if b0 < 0xF0 {
        let cp = u32::from(b0 & 0x0F) << 12 | u32::from(b[i + 1] & 0x3F) << 6 | u32::from(b[i + 2] & 0x3F);
        let info = match cp {
            0x2000..=0x206F => PUNCTUATION[(cp - 0x2000) as usize],
            // Kana, CJK ideographs, Hangul syllables: uncased letters.
            0x3041..=0x3096 | 0x30A1..=0x30FA | 0x4E00..=0x9FFF | 0xAC00..=0xD7A3 => {
                Info(LETTER | ALNUM | SAME | LOWER_SAME | cp)
            }
            _ => Info::of(char::from_u32(cp).expect("UTF-8")),
        };
        return (info, 3);
    }
    let ch = std::str::from_utf8(&b[i..i + 4]).ok().and_then(|s| s.chars().next()).expect("UTF-8");
    (Info::of(ch), 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shortcuts agree with the Unicode tables on every code point.
    #[test]
    fn shortcuts_agree_with_unicode() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(alphabetic(c), c.is_alphabetic(), "{c:?} {:x}", c as u32);
            assert_eq!(alphanumeric(c), c.is_alphanumeric(), "{c:?} {:x}", c as u32);
            if c.is_alphabetic() {
                assert_eq!(uppercase(c), c.is_uppercase(), "{c:?} {:x}", c as u32);
            }
            if let Some(l) = lower(c) {
                assert_eq!(c.to_lowercase().collect::<Vec<_>>(), [l], "{c:?} {:x}", c as u32);
            }
        }
    }
}
