//! One pass over a line: every count the line rules read.
//!
//! Word count, length, letters, capitals and stopword density were each a
//! pass of their own over every line of a dump (several of them through
//! Unicode tables for every character). Here they come from one walk over
//! the line's characters, with the common scripts' letters decided without
//! a table lookup and stopwords looked up as packed integers
//! ([`Stopwords::judge`]).

use crate::lang::Stopwords;

/// What the line rules need to know of a line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Whitespace-separated words.
    pub words: usize,
    /// Characters.
    pub chars: usize,
    /// Alphabetic characters.
    pub letters: usize,
    /// Upper-case letters.
    pub upper: usize,
    /// Characters that are neither letters nor whitespace.
    pub other: usize,
    /// Words as stopword density counts them (tokens with a letter).
    pub density_words: usize,
    /// Stopwords among them.
    pub stops: usize,
}

impl Counts {
    /// Count `text`, judging words against `stop`.
    pub fn of(text: &str, stop: Stopwords) -> Counts {
        let mut c = Counts::default();
        let (mut start, mut ascii) = (0, true);
        let word = |c: &mut Counts, w: &str, ascii: bool| {
            if w.is_empty() {
                return;
            }
            c.words += 1;
            if let Some(is_stop) = stop.judge(w, ascii) {
                c.density_words += 1;
                c.stops += usize::from(is_stop);
            }
        };
        for (i, ch) in text.char_indices() {
            c.chars += 1;
            if ch.is_ascii() {
                if ch.is_ascii_alphabetic() {
                    c.letters += 1;
                    c.upper += usize::from(ch.is_ascii_uppercase());
                } else if matches!(ch, ' ' | '\t'..='\r') {
                    word(&mut c, &text[start..i], ascii);
                    (start, ascii) = (i + 1, true);
                } else {
                    c.other += 1;
                }
                continue;
            }
            ascii = false;
            if alphabetic(ch) {
                c.letters += 1;
                c.upper += usize::from(uppercase(ch));
            } else if ch.is_whitespace() {
                word(&mut c, &text[start..i], ascii);
                (start, ascii) = (i + ch.len_utf8(), true);
            } else {
                c.other += 1;
            }
        }
        word(&mut c, &text[start..], ascii);
        c
    }

    /// Tickers, tables of numbers, shouting: mostly digits and symbols, or
    /// mostly capitals.
    pub fn noise(&self) -> bool {
        self.other > self.letters || (self.letters >= 8 && self.upper * 2 > self.letters && self.words >= 2)
    }
}

/// `char::is_alphabetic`, with the letters of Latin-1, Cyrillic, CJK,
/// kana and Hangul (and general punctuation, which has none) decided without
/// the Unicode table search.
#[inline]
fn alphabetic(c: char) -> bool {
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
fn uppercase(c: char) -> bool {
    match c as u32 {
        0xC0..=0xDE => c != '×',
        0xDF..=0xFF => false,
        0x0400..=0x042F => true,
        0x0430..=0x045F => false,
        0x3041..=0x3096 | 0x30A1..=0x30FA | 0x4E00..=0x9FFF | 0xAC00..=0xD7A3 => false,
        _ => c.is_uppercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shortcuts agree with the Unicode tables on every code point.
    #[test]
    fn letter_shortcuts_agree_with_unicode() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(alphabetic(c), c.is_alphabetic(), "{c:?} {:x}", c as u32);
            if c.is_alphabetic() {
                assert_eq!(uppercase(c), c.is_uppercase(), "{c:?} {:x}", c as u32);
            }
        }
    }

    /// What one pass counts is what the separate definitions count.
    fn reference(s: &str, stop: Stopwords) -> Counts {
        let letters: Vec<char> = s.chars().filter(|c| c.is_alphabetic()).collect();
        let (density_words, stops) = stop.count(s);
        Counts {
            words: s.split_whitespace().count(),
            chars: s.chars().count(),
            letters: letters.len(),
            upper: letters.iter().filter(|c| c.is_uppercase()).count(),
            other: s.chars().filter(|c| !c.is_whitespace() && !c.is_alphabetic()).count(),
            density_words,
            stops,
        }
    }

    #[test]
    fn counts_a_line() {
        let en = Stopwords::for_lang(Some("en"));
        let c = Counts::of("The cat sat on THE mat, it’s 3.5% up.", en);
        assert_eq!(c, reference("The cat sat on THE mat, it’s 3.5% up.", en));
        assert_eq!((c.words, c.density_words, c.stops), (9, 8, 5));
        assert!(Counts::of("12:30 | 4° | 1-0", en).noise());
        assert!(Counts::of("BREAKING NEWS FROM THE CITY", en).noise());
        assert!(!Counts::of("Breaking news from the city", en).noise());
    }

    proptest::proptest! {
        #[test]
        fn one_pass_counts_what_the_definitions_count(
            s in "[ a-zA-Z0-9'’.,%\t\u{a0}\u{2003}éÉßжЖҊ中かカ한ʼǅⅫ«»–-]{0,40}",
            lang in proptest::sample::select(vec![Some("en"), Some("de"), Some("fr"), Some("ru"), None]),
        ) {
            let stop = Stopwords::for_lang(lang);
            proptest::prop_assert_eq!(Counts::of(&s, stop), reference(&s, stop));
        }
    }
}
