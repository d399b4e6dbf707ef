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
        let mut w = Word::at(0);
        let mut i = 0;
        while i < b.len() {
            let class = ASCII_CLASS[b[i] as usize];
            if class != NON_ASCII {
                c.chars += 1;
                match class {
                    LOWER => {
                        c.letters += 1;
                        w.keep(i, true);
                    }
                    UPPER => {
                        c.letters += 1;
                        c.upper += 1;
                        w.keep(i, true);
                    }
                    KEPT => {
                        c.other += 1;
                        w.keep(i, false);
                    }
                    OTHER => c.other += 1,
                    _ => {
                        c.word(stop, text, &w, i);
                        w = Word::at(i + 1);
                    }
                }
                i += 1;
                continue;
            }
            let ch = text[i..].chars().next().expect("a character starts here");
            c.chars += 1;
            w.ascii = false;
            if alphabetic(ch) {
                c.letters += 1;
                c.upper += usize::from(uppercase(ch));
                w.alpha = true;
            } else if ch.is_whitespace() {
                c.word(stop, text, &w, i);
                w = Word::at(i + ch.len_utf8());
            } else {
                c.other += 1;
            }
            i += ch.len_utf8();
        }
        c.word(stop, text, &w, b.len());
        c
    }

    /// Count the word from `w.start` to `end`.
    #[inline]
    fn word(&mut self, stop: Stopwords, text: &str, w: &Word, end: usize) {
        if w.start == end {
            return;
        }
        self.words += 1;
        // A token with no letter is no word for density (trimming never
        // takes letters away, so the scan's flag settles it).
        if !w.alpha {
            return;
        }
        self.density_words += 1;
        let is_stop = if w.ascii {
            // The scan saw where the kept characters (letters, digits,
            // apostrophes) start and end: the token trimmed.
            stop.is_stop_ascii(text.as_bytes(), w.kept_from..w.kept_to)
        } else {
            stop.judge(&text[w.start..end], false) == Some(true)
        };
        self.stops += usize::from(is_stop);
    }

    /// Tickers, tables of numbers, shouting: mostly digits and symbols, or
    /// mostly capitals.
    pub fn noise(&self) -> bool {
        self.other > self.letters || (self.letters >= 8 && self.upper * 2 > self.letters && self.words >= 2)
    }
}

/// The word being scanned.
struct Word {
    start: usize,
    /// Where its first and after its last letter, digit or apostrophe are.
    kept_from: usize,
    kept_to: usize,
    ascii: bool,
    alpha: bool,
}

impl Word {
    fn at(start: usize) -> Word {
        Word { start, kept_from: usize::MAX, kept_to: 0, ascii: true, alpha: false }
    }

    /// Byte `i` is a letter (or another character trimming keeps).
    #[inline]
    fn keep(&mut self, i: usize, letter: bool) {
        self.kept_from = self.kept_from.min(i);
        self.kept_to = i + 1;
        self.alpha |= letter;
    }
}

/// How an ASCII byte counts.
const LOWER: u8 = 0;
const UPPER: u8 = 1;
/// A digit or an apostrophe: not a letter, but kept when a word is trimmed.
const KEPT: u8 = 2;
const OTHER: u8 = 3;
const SPACE: u8 = 4;
const NON_ASCII: u8 = 5;

static ASCII_CLASS: [u8; 256] = {
    let mut t = [NON_ASCII; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = match b as u8 {
            b'a'..=b'z' => LOWER,
            b'A'..=b'Z' => UPPER,
            b'0'..=b'9' | b'\'' => KEPT,
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
