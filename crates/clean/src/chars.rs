//! Character classes on the hot paths, without the Unicode table search
//! for the scripts most pages are written in.

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
