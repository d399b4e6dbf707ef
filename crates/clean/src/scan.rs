//! The tokeniser: one pass over a line, every count the line rules read.
//!
//! Word count, length, letters, capitals and stopword density were each a
//! pass of their own over every line of a dump (several of them through
//! Unicode tables for every character). Here they come from one walk over
//! the line sixty-four bytes at a time ([`Block`]): the counts are
//! population counts of the block's masks, the words are the runs of
//! non-space bits, and each word with a letter is told to a [`Judge`]:
//! the line pass asks a stoplist ([`Stopwords::is_stop_ascii`]), language
//! detection counts the words of every list (`crate::lang`). It is the one
//! tokeniser of the crate.

use crate::chars::{decode, is_wide, two_byte, DROPS, LETTER, SAME, SPACE, UPPER};
use crate::lanes::{span64, Block, BLOCK};

use crate::stopwords::Stopwords;

/// What a word with a letter is to whoever reads the tokens: true when it
/// counts as a stopword.
pub trait Judge {
    /// An ASCII word, `lowered[kept]`, trimmed (of what is neither a letter,
    /// a digit nor an apostrophe) and lower-cased; the bytes around `kept`
    /// let a short word be loaded sixteen bytes at once.
    fn ascii_lowered(&mut self, lowered: &[u8], kept: std::ops::Range<usize>) -> bool;
    /// An ASCII word, `bytes[kept]`, trimmed, not lower-cased.
    fn ascii(&mut self, bytes: &[u8], kept: std::ops::Range<usize>) -> bool;
    /// A word that is not all ASCII, untrimmed.
    fn other(&mut self, word: &str) -> bool;
}

impl Judge for Stopwords {
    #[inline(always)]
    fn ascii_lowered(&mut self, lowered: &[u8], kept: std::ops::Range<usize>) -> bool {
        self.is_stop_lowered(lowered, kept)
    }

    #[inline(always)]
    fn ascii(&mut self, bytes: &[u8], kept: std::ops::Range<usize>) -> bool {
        self.is_stop_ascii(bytes, kept)
    }

    #[inline(never)]
    fn other(&mut self, word: &str) -> bool {
        self.is_stop_other(word)
    }
}

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
    /// Kana and Han characters (a word each, written without spaces).
    pub wide: usize,
}

impl Counts {
    /// Count `text`, judging words against `stop` ([`line`] without the key).
    pub fn of(text: &str, stop: Stopwords) -> Counts {
        line(text, stop).counts
    }

    /// Length as the line rules weigh it: a kana or Han character carries
    /// what three Latin letters do (a 45-character Japanese sentence is a
    /// paragraph, not a short line).
    pub fn eff_chars(&self) -> usize {
        self.chars + 2 * self.wide
    }

    /// Words as the line rules count them: two kana or Han characters make a
    /// word.
    pub fn eff_words(&self) -> usize {
        self.words + self.wide / 2
    }

    /// Tickers, tables of numbers, shouting: mostly digits and symbols, or
    /// mostly capitals.
    pub fn noise(&self) -> bool {
        self.other > self.letters || (self.letters >= 8 && self.upper * 2 > self.letters && self.words >= 2)
    }
}

/// What one pass over a line finds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scan {
    /// Its counts.
    pub counts: Counts,
    /// Its key ([`normalize::key`]).
    pub key: String,
    /// Whether normalising would leave it unchanged ([`normalize::line`]):
    /// no control, invisible or icon-font character, no whitespace but
    /// single plain spaces, none at either end.
    pub normal: bool,
}

/// Count `text`, fold it into its key and check that it is normal, in one pass.
///
/// A block of pure ASCII (most of them) is counted from its masks alone
/// and joins the key lower-cased as it is. In a block with other
/// characters, each of them is decoded once: its class (letter, space,
/// other) goes into the masks, its fold into the key; the block is cut
/// before a character it would split.
pub fn line(text: &str, stop: Stopwords) -> Scan {
    line_with(text, stop)
}

/// [`line`], telling the words to `judge`.
pub fn line_with<J: Judge>(text: &str, judge: J) -> Scan {
    let b = text.as_bytes();
    let two = two_byte();
    let mut line = Line { c: Counts::default(), text, judge, open: None };
    let mut key: Vec<u8> = Vec::with_capacity(b.len() + BLOCK);
    // Normal so far, and whether the last byte was a plain space (a space
    // at the start is not normal).
    let (mut normal, mut blank_before) = (true, true);
    let mut at = 0;
    while at < b.len() {
        let rest = &b[at..];
        let m = Block::of(rest);
        let mut n = rest.len().min(BLOCK);
        let (mut space, mut letters, mut upper) = (m.space, m.upper | m.lower, m.upper);
        // Continuation bytes of the block's other characters.
        let mut cont = 0;
        let high = m.high & span64(0, n);
        if high == 0 {
            key.extend_from_slice(&m.lowered[..n]);
        } else {
            while !text.is_char_boundary(at + n) {
                n -= 1;
            }
            let mut todo = high & span64(0, n);
            let mut copied = 0;
            while todo != 0 {
                let p = todo.trailing_zeros() as usize;
                let (info, len) = decode(two, b, at + p);
                if len == 3 && info.has(SAME) && is_wide(info.0 & 0x1F_FFFF) {
                    line.c.wide += 1;
                }
                let bytes = span64(p, p + len);
                todo &= !bytes;
                cont |= bytes & !(1 << p);
                if info.has(LETTER) {
                    letters |= 1 << p;
                    upper |= u64::from(info.has(UPPER)) << p;
                } else if info.has(SPACE) {
                    space |= bytes;
                    normal = false;
                } else {
                    normal &= !info.has(DROPS);
                }
                key.extend_from_slice(&m.lowered[copied..p]);
                info.fold_into(&b[at + p..at + p + len], &mut key);
                copied = p + len;
            }
            key.extend_from_slice(&m.lowered[copied..n]);
        }
        let valid = span64(0, n);
        // Plain spaces: ASCII whitespace but the control bytes.
        let blank = m.space & !m.control & valid;
        normal &= m.control & valid == 0 && blank & (blank << 1 | u64::from(blank_before)) == 0;
        blank_before = blank >> (n - 1) & 1 == 1;
        let chars = n - cont.count_ones() as usize;
        let (letters, upper) = (letters & valid, upper & valid);
        let c = &mut line.c;
        c.chars += chars;
        c.letters += letters.count_ones() as usize;
        c.upper += upper.count_ones() as usize;
        c.other += chars - (letters | (space & valid & !cont)).count_ones() as usize;
        // ASCII letters, digits and apostrophes: what a trimmed ASCII token keeps.
        let kept = (m.upper | m.lower | m.kept) & valid;
        line.tokens(at, n, valid & !space, kept, letters, m.high & valid, &m.lowered);
        at += n;
    }
    if let Some(open) = line.open.take() {
        line.end(open, b.len());
    }
    // `key` holds lower-cased ASCII bytes (lower-casing ASCII keeps it
    // ASCII), the bytes of whole characters of `text` and the UTF-8
    // encodings of characters: it is UTF-8 (checked: no unsafe code here).
    let key = String::from_utf8(key).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    Scan { counts: line.c, key, normal: normal && (!blank_before || b.is_empty()) }
}

/// A line being counted.
struct Line<'a, J> {
    c: Counts,
    text: &'a str,
    judge: J,
    /// The token under way at the end of the last block.
    open: Option<Open>,
}

/// A token that started in an earlier block.
#[derive(Clone, Copy)]
struct Open {
    start: usize,
    /// First and after the last kept byte (`kept_from > kept_to`: none yet).
    kept_from: usize,
    kept_to: usize,
    ascii: bool,
    alpha: bool,
}

impl<J: Judge> Line<'_, J> {
    /// The tokens of the `n` bytes at `at`: `runs` are their non-space
    /// bytes; a run from bit 0 goes on with the token under way, a run that
    /// reaches `n` is left under way.
    #[inline]
    #[allow(clippy::too_many_arguments)]
    fn tokens(
        &mut self,
        at: usize,
        n: usize,
        mut runs: u64,
        kept: u64,
        letters: u64,
        high: u64,
        lowered: &[u8; BLOCK],
    ) {
        if runs & 1 == 0 {
            if let Some(open) = self.open.take() {
                self.end(open, at);
            }
        }
        while runs != 0 {
            // The lowest run of set bits: adding its lowest bit carries through it.
            let run = runs & !runs.wrapping_add(runs & runs.wrapping_neg());
            runs ^= run;
            let (from, to) = (run.trailing_zeros() as usize, 64 - run.leading_zeros() as usize);
            let k = kept & run;
            let (alpha, ascii) = (letters & run != 0, high & run == 0);
            let (kf, kt) = (k.trailing_zeros() as usize, 64 - k.leading_zeros() as usize);
            if to < n && (from > 0 || self.open.is_none()) {
                // The common case: a token inside the block.
                self.c.words += 1;
                if alpha {
                    self.c.density_words += 1;
                    let is_stop = if ascii {
                        // Trimmed (an ASCII token with a letter has kept bytes), and lower-cased already.
                        self.judge.ascii_lowered(lowered, kf..kt)
                    } else {
                        self.judge_other(at + from, at + to)
                    };
                    self.c.stops += usize::from(is_stop);
                }
                continue;
            }
            let (kf, kt) = (at + kf, at + kt);
            let open = match self.open.take() {
                // Going on with the token under way (runs & 1 != 0 here).
                Some(o) if from == 0 => Open {
                    start: o.start,
                    kept_from: if o.kept_from < o.kept_to { o.kept_from } else { kf },
                    kept_to: if k != 0 { kt } else { o.kept_to },
                    ascii: o.ascii && ascii,
                    alpha: o.alpha || alpha,
                },
                _ => Open { start: at + from, kept_from: kf, kept_to: if k != 0 { kt } else { 0 }, ascii, alpha },
            };
            if to < n {
                self.end(open, at + to);
            } else {
                self.open = Some(open);
            }
        }
    }

    fn end(&mut self, o: Open, end: usize) {
        self.word(o.start, end, (o.kept_from, o.kept_to), o.ascii, o.alpha);
    }

    /// One token, `text[start..end]`, its kept bytes `kept` when ASCII.
    #[inline]
    fn word(&mut self, start: usize, end: usize, kept: (usize, usize), ascii: bool, alpha: bool) {
        self.c.words += 1;
        // A token with no letter is no word for density (trimming never
        // takes letters away).
        if !alpha {
            return;
        }
        self.c.density_words += 1;
        let is_stop = if ascii {
            // An ASCII token with a letter has kept bytes: it trimmed.
            self.judge.ascii(self.text.as_bytes(), kept.0..kept.1)
        } else {
            self.judge_other(start, end)
        };
        self.c.stops += usize::from(is_stop);
    }

    /// Whether `text[start..end]`, which is not all ASCII, is a stopword.
    #[inline]
    fn judge_other(&mut self, start: usize, end: usize) -> bool {
        self.judge.other(&self.text[start..end])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chars::Info;
    use crate::normalize;

    /// What one pass counts and folds is what the separate definitions count and fold.
    fn agrees(s: &str, lang: Option<&str>) -> Result<(), proptest::test_runner::TestCaseError> {
        let stop = Stopwords::for_lang(lang);
        let one = line(s, stop);
        proptest::prop_assert_eq!((one.counts, one.key), (reference(s, stop), normalize::key(s)));
        Ok(())
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
            wide: s.chars().filter(|&c| is_wide(c as u32)).count(),
        }
    }

    /// The tables and ranges say of every character what the definitions say.
    #[test]
    fn decoding_agrees_with_the_definitions() {
        let two = two_byte();
        for ch in (0x80..=0x10FFFF).filter_map(char::from_u32) {
            let mut buf = [0; 4];
            let bytes = ch.encode_utf8(&mut buf).as_bytes();
            assert_eq!(decode(two, bytes, 0), (Info::of(ch), ch.len_utf8()), "{ch:?}");
            let (mut folded, mut expected) = (Vec::new(), String::new());
            Info::of(ch).fold_into(bytes, &mut folded);
            normalize::fold(ch, |f| expected.push(f));
            assert_eq!(folded, expected.as_bytes(), "{ch:?}");
            let mut lowered = Vec::new();
            assert!(Info::of(ch).lower(bytes, |l| {
                lowered.extend_from_slice(l);
                true
            }));
            assert_eq!(lowered, ch.to_lowercase().collect::<String>().as_bytes(), "{ch:?}");
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
            agrees(&s, lang)?;
        }

        /// Long lines (many blocks) with other characters anywhere, some
        /// of them cut by a block's end.
        #[test]
        fn blocked_counts_what_the_definitions_count(
            s in "(([a-zA-Z']{1,12}|x{60,70}|[éЖ中’ʼ«]{1,3}|[a-z]{0,5}[éЖ中][a-z]{0,5}|3\\.5%)[ \t\u{a0}\u{2003}]{1,2}){0,40}",
            lang in proptest::sample::select(vec![Some("en"), Some("fr"), Some("ru"), None]),
        ) {
            agrees(&s, lang)?;
        }

        /// The pass's "normal" is the normal-line check's.
        #[test]
        fn normal_is_what_normalising_leaves_unchanged(
            s in "([ a-z\t\u{0}\u{7f}\u{a0}\u{ad}\u{200b}\u{e001}’é中]{0,12}|([a-z]{0,70} {1,2}[é’\t\u{85}]?){0,5})",
        ) {
            let t = s.trim_ascii();
            proptest::prop_assert_eq!(line(t, Stopwords::for_lang(Some("en"))).normal, normalize::line(t) == t);
        }

        /// Long runs of ASCII words (whole chunks) with a few other characters among them.
        #[test]
        fn chunked_counts_what_the_definitions_count(
            s in "((the|The|OF|und|it's|a|x{15,17}|3\\.5%|[a-z]{1,9}|\\.\\.\\.)[ \t]{1,2}){0,30}[ ’é中]{0,2}([a-z ]{0,20}|ещё и Это)",
            lang in proptest::sample::select(vec![Some("en"), Some("de"), Some("ru"), None]),
        ) {
            agrees(&s, lang)?;
        }
    }
}
