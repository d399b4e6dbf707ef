//! One pass over a line: every count the line rules read.
//!
//! Word count, length, letters, capitals and stopword density were each a
//! pass of their own over every line of a dump (several of them through
//! Unicode tables for every character). Here they come from one walk over
//! the line's characters, with the common scripts' letters decided without
//! a table lookup and stopwords looked up as packed integers
//! ([`Stopwords::judge`]).

use crate::chars::{alphabetic, uppercase};
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
        let b = text.as_bytes();
        // The current word: where it starts, whether it is ASCII and has a letter.
        let (mut start, mut ascii, mut alpha) = (0, true, false);
        let mut i = 0;
        while i < b.len() {
            let class = ASCII_CLASS[b[i] as usize];
            if class != NON_ASCII {
                c.chars += 1;
                match class {
                    LOWER => (c.letters, alpha) = (c.letters + 1, true),
                    UPPER => (c.letters, c.upper, alpha) = (c.letters + 1, c.upper + 1, true),
                    OTHER => c.other += 1,
                    _ => {
                        c.word(stop, text, start..i, ascii, alpha);
                        (start, ascii, alpha) = (i + 1, true, false);
                    }
                }
                i += 1;
                continue;
            }
            let ch = text[i..].chars().next().expect("a character starts here");
            c.chars += 1;
            ascii = false;
            if alphabetic(ch) {
                (c.letters, alpha) = (c.letters + 1, true);
                c.upper += usize::from(uppercase(ch));
            } else if ch.is_whitespace() {
                c.word(stop, text, start..i, ascii, alpha);
                (start, ascii, alpha) = (i + ch.len_utf8(), true, false);
            } else {
                c.other += 1;
            }
            i += ch.len_utf8();
        }
        c.word(stop, text, start..b.len(), ascii, alpha);
        c
    }

    /// Count the word `text[span]`.
    #[inline]
    fn word(&mut self, stop: Stopwords, text: &str, span: std::ops::Range<usize>, ascii: bool, alpha: bool) {
        if span.is_empty() {
            return;
        }
        self.words += 1;
        // A token with no letter is no word for density (trimming never
        // takes letters away, so the scan's flag settles it).
        if alpha {
            self.density_words += 1;
            self.stops += usize::from(stop.judge(&text[span], ascii) == Some(true));
        }
    }

    /// Tickers, tables of numbers, shouting: mostly digits and symbols, or
    /// mostly capitals.
    pub fn noise(&self) -> bool {
        self.other > self.letters || (self.letters >= 8 && self.upper * 2 > self.letters && self.words >= 2)
    }
}

/// How an ASCII byte counts.
const LOWER: u8 = 0;
const UPPER: u8 = 1;
const OTHER: u8 = 2;
const SPACE: u8 = 3;
const NON_ASCII: u8 = 4;

static ASCII_CLASS: [u8; 256] = {
    let mut t = [NON_ASCII; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = match b as u8 {
            b'a'..=b'z' => LOWER,
            b'A'..=b'Z' => UPPER,
            // char::is_whitespace in ASCII: tab, line feed, vertical tab, form feed, carriage return, space.
            b' ' | b'\t'..=b'\r' => SPACE,
            _ => OTHER,
        };
        b += 1;
    }
    t
};

#[cfg(test)]
mod tests {
    use super::*;

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
