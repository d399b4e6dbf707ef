//! One pass over a line: every count the line rules read.
//!
//! Word count, length, letters, capitals and stopword density were each a
//! pass of their own over every line of a dump (several of them through
//! Unicode tables for every character). Here they come from one walk over
//! the line's characters, with the common scripts' letters decided without
//! a table lookup and stopwords looked up as packed integers
//! ([`Stopwords::judge`]).

use super::lanes::{ones, span, Classes, LANES};
use super::normalize;
use super::tokens::{self, Char, Sink, Token};
use crate::chars::uppercase;
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
        Counts::with_key(text, stop).0
    }

    /// Count `text` and fold it into its key ([`normalize::key`]) in the same pass.
    ///
    /// The text is read sixteen bytes at a time ([`Classes`]): counts come
    /// from the masks' population counts, words from the runs of non-space
    /// bits. A non-ASCII character is taken on its own, after the ASCII
    /// bytes before it.
    pub fn with_key(text: &str, stop: Stopwords) -> (Counts, String) {
        // Room for a whole chunk past the end: chunks are copied whole, then cut.
        let mut sink = Counting { c: Counts::default(), key: Vec::with_capacity(text.len() + LANES), text, stop };
        tokens::scan(text, &mut sink);
        (sink.c, String::from_utf8(sink.key).expect("ASCII bytes and whole characters"))
    }

    /// Tickers, tables of numbers, shouting: mostly digits and symbols, or
    /// mostly capitals.
    pub fn noise(&self) -> bool {
        self.other > self.letters || (self.letters >= 8 && self.upper * 2 > self.letters && self.words >= 2)
    }
}

/// Counts and key of a line being scanned.
struct Counting<'a> {
    c: Counts,
    key: Vec<u8>,
    text: &'a str,
    stop: Stopwords,
}

impl Sink for Counting<'_> {
    #[inline]
    fn ascii(&mut self, m: &Classes, _at: usize, len: u32) {
        let valid = span(0, len);
        let letters = (m.upper | m.lower) & valid;
        let c = &mut self.c;
        c.chars += len as usize;
        c.letters += ones(letters);
        c.upper += ones(m.upper & valid);
        c.other += len as usize - ones(letters | (m.space & valid));
        let from = self.key.len();
        self.key.extend_from_slice(&m.lowered);
        self.key.truncate(from + len as usize);
    }

    #[inline]
    fn other(&mut self, ch: char, _at: usize, class: Char) {
        let c = &mut self.c;
        c.chars += 1;
        match class {
            Char::Letter => {
                c.letters += 1;
                c.upper += usize::from(uppercase(ch));
            }
            Char::Other => c.other += 1,
            Char::Space => {}
        }
        normalize::fold(ch, |f| self.key.extend_from_slice(f.encode_utf8(&mut [0; 4]).as_bytes()));
    }

    #[inline]
    fn token(&mut self, t: &Token) {
        self.c.words += 1;
        // A token with no letter is no word for density (trimming never
        // takes letters away, so the scan's flag settles it).
        if !t.alpha {
            return;
        }
        self.c.density_words += 1;
        let is_stop = match t.kept() {
            // The scan saw where the kept characters (letters, digits,
            // apostrophes) start and end: the token trimmed.
            Some(kept) if t.ascii => self.stop.is_stop_ascii(self.text.as_bytes(), kept),
            _ => self.judge_other(t),
        };
        self.c.stops += usize::from(is_stop);
    }
}

impl Counting<'_> {
    /// Whether `t`, which is not all ASCII, is a stopword.
    #[inline(never)]
    fn judge_other(&self, t: &Token) -> bool {
        self.stop.judge(&self.text[t.start..t.end], false) == Some(true)
    }
}

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
            proptest::prop_assert_eq!(Counts::with_key(&s, stop), (reference(&s, stop), normalize::key(&s)));
        }

        /// Long runs of ASCII words (whole chunks) with a few other characters among them.
        #[test]
        fn chunked_counts_what_the_definitions_count(
            s in "((the|The|OF|und|it's|a|x{15,17}|3\\.5%|[a-z]{1,9}|\\.\\.\\.)[ \t]{1,2}){0,30}[ ’é中]{0,2}([a-z ]{0,20}|ещё и Это)",
            lang in proptest::sample::select(vec![Some("en"), Some("de"), Some("ru"), None]),
        ) {
            let stop = Stopwords::for_lang(lang);
            proptest::prop_assert_eq!(Counts::with_key(&s, stop), (reference(&s, stop), normalize::key(&s)));
        }
    }
}
