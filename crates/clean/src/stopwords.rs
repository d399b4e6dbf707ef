//! Stopword lists, one per language, and the lookups the line pass makes
//! against them (words packed into integers: one multiply and a compare).

use std::collections::HashMap;
use std::sync::LazyLock;

use rustc_hash::FxHashSet as HashSet;

use crate::chars::{self, alphabetic, alphanumeric, ALNUM};

static STOPWORD_FILE: &str = include_str!("../rules/stopwords.txt");

/// One stoplist: its words, and the same words packed into integers for the
/// hot lookup (every stopword is at most [`PACKED_BYTES`] bytes of UTF-8; a
/// test checks it).
struct Stoplist {
    words: HashSet<&'static str>,
    packed: PackedSet,
    /// The longest word's length in bytes: longer tokens need no lookup.
    longest: usize,
}

impl Stoplist {
    fn new(words: HashSet<&'static str>) -> Stoplist {
        let packed = PackedSet::new(words.iter().filter_map(|w| pack(w.as_bytes())));
        let longest = words.iter().map(|w| w.len()).max().unwrap_or(0);
        Stoplist { words, packed, longest }
    }
}

/// A set of packed words (never 0), each with a byte of data: open
/// addressing with linear probing in a table at most half full — one
/// multiply and, for most words, one compare per lookup.
pub(crate) struct PackedSet {
    slots: Vec<u128>,
    /// The data of each slot's word.
    data: Vec<u8>,
    /// log2 of the table size.
    bits: u32,
}

impl PackedSet {
    fn new(keys: impl Iterator<Item = u128>) -> PackedSet {
        PackedSet::with_data(keys.map(|k| (k, 0)))
    }

    /// A set whose words carry data (the data of a word given twice: the last).
    fn with_data(entries: impl Iterator<Item = (u128, u8)>) -> PackedSet {
        let entries: Vec<(u128, u8)> = entries.collect();
        let bits = (entries.len() * 2).next_power_of_two().max(16).trailing_zeros();
        let mut set = PackedSet { slots: vec![0; 1 << bits], data: vec![0; 1 << bits], bits };
        for (k, d) in entries {
            let mut i = set.slot(k);
            while set.slots[i] != 0 && set.slots[i] != k {
                i = (i + 1) & (set.slots.len() - 1);
            }
            set.slots[i] = k;
            set.data[i] = d;
        }
        set
    }

    #[inline]
    fn slot(&self, k: u128) -> usize {
        let h = ((k as u64) ^ ((k >> 64) as u64).rotate_left(29)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (h >> (64 - self.bits)) as usize
    }

    #[inline]
    fn contains(&self, k: u128) -> bool {
        self.find(k).is_some()
    }

    /// The data of `k`, when the set holds it.
    #[inline]
    pub(crate) fn get(&self, k: u128) -> Option<u8> {
        self.find(k).map(|i| self.data[i])
    }

    #[inline]
    fn find(&self, k: u128) -> Option<usize> {
        let mut i = self.slot(k);
        loop {
            match self.slots[i] {
                s if s == k => return Some(i),
                0 => return None,
                _ => i = (i + 1) & (self.slots.len() - 1),
            }
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.slots.iter().filter(|&&s| s != 0).count()
    }
}

/// Longest word (UTF-8 bytes) a packed key holds.
const PACKED_BYTES: usize = 16;

/// `w` as an integer key (zero-padded little-endian bytes), when it fits.
#[inline]
pub(crate) fn pack(w: &[u8]) -> Option<u128> {
    let n = w.len();
    if n > PACKED_BYTES {
        return None;
    }
    // Two fixed-size copies that overlap (no call to memcpy for a word).
    let mut k = [0u8; PACKED_BYTES];
    fn two<const N: usize>(k: &mut [u8; PACKED_BYTES], w: &[u8]) {
        let n = w.len();
        k[..N].copy_from_slice(&w[..N]);
        k[n - N..n].copy_from_slice(&w[n - N..]);
    }
    match n {
        8.. => two::<8>(&mut k, w),
        4..=7 => two::<4>(&mut k, w),
        2..=3 => two::<2>(&mut k, w),
        1 => k[0] = w[0],
        _ => {}
    }
    Some(u128::from_le_bytes(k))
}

/// `bytes[range]` packed, when it fits: sixteen bytes loaded at once and
/// those past the range masked off, unless the text ends too soon.
#[inline(always)]
pub(crate) fn load_packed(bytes: &[u8], range: std::ops::Range<usize>) -> Option<u128> {
    let n = range.len();
    if n > PACKED_BYTES || n == 0 {
        return pack(&bytes[range]);
    }
    Some(match bytes.get(range.start..range.start + PACKED_BYTES) {
        Some(sixteen) => u128::from_le_bytes(sixteen.try_into().expect("sixteen bytes")) & (u128::MAX >> (128 - 8 * n)),
        None => pack_near_end(&bytes[range]),
    })
}

/// A token of at most [`PACKED_BYTES`] bytes near the end of its text, packed.
#[cold]
#[inline(never)]
fn pack_near_end(w: &[u8]) -> u128 {
    pack(w).expect("short")
}

/// ASCII `w` lower-cased and packed, when it fits (what the lookups do in steps).
#[cfg(test)]
fn pack_lower_ascii(w: &[u8]) -> Option<u128> {
    pack(w).map(lower_packed_ascii)
}

/// A packed ASCII word lower-cased.
#[inline]
pub(crate) fn lower_packed_ascii(x: u128) -> u128 {
    // Lower-case all sixteen bytes at once: 0x20 added to each byte in
    // 'A'..='Z' (the bytes are ASCII, so no carry crosses a byte).
    const ONES: u128 = u128::MAX / 255;
    let at_least_a = x + ONES * (0x80 - b'A' as u128);
    let above_z = x + ONES * (0x80 - b'Z' as u128 - 1);
    let upper = (at_least_a & !above_z) & (ONES * 0x80);
    x | (upper >> 2)
}

pub(crate) struct Stoplists {
    by_lang: HashMap<&'static str, Stoplist>,
    union: Stoplist,
    /// Latin-script languages with a list, in file order (bit i of a mask).
    pub(crate) latin: Vec<&'static str>,
    /// Packed word → bitmask of the Latin-script lists holding it.
    pub(crate) latin_mask: PackedSet,
}

pub(crate) static STOPLISTS: LazyLock<Stoplists> = LazyLock::new(|| {
    let mut by_lang = HashMap::new();
    let mut union = HashSet::default();
    let mut latin = Vec::new();
    let mut latin_mask = rustc_hash::FxHashMap::default();
    for line in STOPWORD_FILE.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some((code, words)) = line.split_once(':') {
            let set: HashSet<&'static str> = words.split_whitespace().collect();
            union.extend(set.iter().copied());
            if set.iter().all(|w| w.chars().all(|c| c.is_ascii() || matches!(c, 'À'..='ÿ'))) && latin.len() < 8 {
                // Detection looks up ASCII words only (as it always has).
                for w in set.iter().filter(|w| w.is_ascii()) {
                    *latin_mask.entry(pack(w.as_bytes()).expect("stopwords fit")).or_insert(0u8) |= 1 << latin.len();
                }
                latin.push(code.trim());
            }
            by_lang.insert(code.trim(), Stoplist::new(set));
        }
    }
    let latin_mask = PackedSet::with_data(latin_mask.into_iter());
    Stoplists { by_lang, union: Stoplist::new(union), latin, latin_mask }
});

/// A stoplist: for a detected language, or the union of all when unknown.
#[derive(Clone, Copy)]
pub struct Stopwords(&'static Stoplist);

impl Stopwords {
    /// The list for an ISO 639-1 code; the union of every list when there is none.
    pub fn for_lang(code: Option<&str>) -> Stopwords {
        let s = &*STOPLISTS;
        Stopwords(code.and_then(|c| s.by_lang.get(c)).unwrap_or(&s.union))
    }

    /// Whether `word` (already lower-case) is a stopword.
    pub fn contains(&self, word: &str) -> bool {
        self.0.words.contains(word)
    }

    /// (words, stopwords) in `text`; words are split on whitespace and
    /// trimmed of surrounding punctuation, then lower-cased. Tokens without a
    /// letter (numbers, prices, percentages) are not words here: no stoplist
    /// can judge them, and counting them made business and sports news look
    /// like boilerplate.
    pub fn count(&self, text: &str) -> (usize, usize) {
        let (mut words, mut stops) = (0, 0);
        for w in text.split_whitespace() {
            if let Some(stop) = self.judge(w, w.is_ascii()) {
                words += 1;
                stops += usize::from(stop);
            }
        }
        (words, stops)
    }

    /// Whether `text[kept]`, an ASCII token already trimmed that has a
    /// letter, is a stopword; `text` around it lets a short token be loaded
    /// sixteen bytes at once.
    #[inline(always)]
    pub fn is_stop_ascii(&self, text: &[u8], kept: std::ops::Range<usize>) -> bool {
        self.packed_at(text, kept).is_some_and(|p| self.0.packed.contains(lower_packed_ascii(p)))
    }

    /// [`Stopwords::is_stop_ascii`] of text already lower-cased.
    #[inline(always)]
    pub fn is_stop_lowered(&self, lowered: &[u8], kept: std::ops::Range<usize>) -> bool {
        self.packed_at(lowered, kept).is_some_and(|p| self.0.packed.contains(p))
    }

    /// `bytes[kept]` packed, unless it is longer than any stopword.
    #[inline(always)]
    fn packed_at(&self, bytes: &[u8], kept: std::ops::Range<usize>) -> Option<u128> {
        if kept.len() > self.0.longest {
            return None;
        }
        load_packed(bytes, kept)
    }

    /// Whether `w`, a whitespace-free token that is not all ASCII and has a
    /// letter, is a stopword: trimmed of what is neither alphanumeric nor an
    /// apostrophe, lower-cased (the typographic apostrophe as a straight
    /// one) and looked up, in one forward pass: characters are lower-cased
    /// into the packed key as they come, and a word too long to pack is no
    /// stopword.
    #[inline(never)]
    pub fn is_stop_other(&self, w: &str) -> bool {
        let two = chars::two_byte();
        let b = w.as_bytes();
        let mut k = [0u8; PACKED_BYTES];
        // Bytes packed, and how many of them end with a kept character:
        // what follows the last kept character is trimmed.
        let (mut n, mut n_kept) = (0, 0);
        let mut started = false;
        let mut full = false;
        let mut i = 0;
        while i < b.len() {
            let (info, len) = if b[i].is_ascii() {
                (None, 1)
            } else {
                let (info, len) = chars::decode(two, b, i);
                (Some(info), len)
            };
            let ch = &b[i..i + len];
            i += len;
            let keep = match info {
                None => ch[0].is_ascii_alphanumeric() || ch[0] == b'\'',
                Some(info) => info.has(ALNUM) || ch == "’".as_bytes(),
            };
            if !started {
                if !keep {
                    continue;
                }
                started = true;
            }
            if full {
                // Too long to pack unless nothing kept follows.
                if keep {
                    return false;
                }
                continue;
            }
            let mut push = |l: &[u8]| {
                if n + l.len() > PACKED_BYTES {
                    return false;
                }
                k[n..n + l.len()].copy_from_slice(l);
                n += l.len();
                true
            };
            let fits = match info {
                None => push(&[ch[0].to_ascii_lowercase()]),
                // The typographic apostrophe as a straight one.
                Some(_) if ch == "’".as_bytes() => push(b"'"),
                Some(info) => info.lower(ch, push),
            };
            if !fits {
                if keep {
                    return false;
                }
                full = true;
                continue;
            }
            if keep {
                n_kept = n;
            }
        }
        k[n_kept..].fill(0);
        self.0.packed.contains(u128::from_le_bytes(k))
    }

    /// One whitespace-free token, as [`Stopwords::count`] sees it: None
    /// when it is not a word (no letter), else whether it is a stopword.
    /// `ascii` says the token is ASCII.
    #[inline]
    pub fn judge(&self, w: &str, ascii: bool) -> Option<bool> {
        if ascii {
            // Trimmed of what is neither alphanumeric nor an apostrophe.
            let b = w.as_bytes();
            let keep = |c: &u8| c.is_ascii_alphanumeric() || *c == b'\'';
            let start = b.iter().position(keep)?;
            let end = b.iter().rposition(keep).map_or(start, |e| e + 1);
            if !b[start..end].iter().any(u8::is_ascii_alphabetic) {
                return None;
            }
            return Some(self.is_stop_ascii(b, start..end));
        }
        let w = w.trim_matches(|c: char| !alphanumeric(c) && c != '\'' && c != '’');
        if !w.chars().any(alphabetic) {
            return None;
        }
        Some(self.is_stop_other(w))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_a_list() {
        for code in ["en", "de", "fr", "es", "it", "pt", "nl", "ru"] {
            let list = &STOPLISTS.by_lang[code];
            assert!(list.words.len() > 60, "{code}");
            assert_eq!(list.packed.len(), list.words.len(), "{code}: every stopword packs");
        }
    }

    /// How density was counted before packed keys: string lookups, every
    /// token lower-cased on its own. [`Stopwords::count`] must agree.
    fn count_by_strings(stop: Stopwords, text: &str) -> (usize, usize) {
        let (mut words, mut stops) = (0, 0);
        for w in text.split_whitespace() {
            let w = if w.is_ascii() {
                w.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '\'')
            } else {
                w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
            };
            if !w.chars().any(char::is_alphabetic) {
                continue;
            }
            words += 1;
            let lower: String = w.chars().flat_map(|c| if c == '’' { '\'' } else { c }.to_lowercase()).collect();
            stops += usize::from(stop.contains(&lower));
        }
        (words, stops)
    }

    proptest::proptest! {
        #[test]
        fn packed_counting_agrees_with_string_lookups(
            s in "([ \t.,'’!?()]{0,2}(the|THE|It’s|it's|und|DER|что|Это|également|perché|über|a|is|cat|3\\.5%|x{14,18}|и){1,2}){0,12}",
            lang in proptest::sample::select(vec![Some("en"), Some("de"), Some("fr"), Some("it"), Some("ru"), None]),
        ) {
            let stop = Stopwords::for_lang(lang);
            proptest::prop_assert_eq!(stop.count(&s), count_by_strings(stop, &s));
        }
    }

    proptest::proptest! {
        /// The one-pass judge of a token that is not all ASCII is the judge.
        #[test]
        fn other_tokens_judged_in_one_pass(
            w in "[.,'’«»()\u{2014}]{0,2}(что|Это|également|perché|über|ещё|l’été|c’est|[a-zé’'\u{212A}\u{130}\u{1E9E}жЖ.]{1,20})[.,'’»\u{2014}\u{130}]{0,3}",
            lang in proptest::sample::select(vec![Some("en"), Some("fr"), Some("ru"), None]),
        ) {
            proptest::prop_assume!(!w.is_ascii() && w.chars().any(alphabetic));
            let stop = Stopwords::for_lang(lang);
            // By strings: trimmed, lower-cased, looked up.
            let t = w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’');
            let lower: String = t.chars().flat_map(|c| if c == '’' { '\'' } else { c }.to_lowercase()).collect();
            proptest::prop_assert_eq!(stop.is_stop_other(&w), stop.contains(&lower));
        }
    }

    #[test]
    fn packing_keeps_every_byte() {
        let w: Vec<u8> = (1..=17).collect();
        for n in 0..=16 {
            let mut k = [0u8; 16];
            k[..n].copy_from_slice(&w[..n]);
            assert_eq!(pack(&w[..n]), Some(u128::from_le_bytes(k)), "{n}");
        }
        assert_eq!(pack(&w), None);
    }

    #[test]
    fn packing_lower_cases_ascii() {
        let all: Vec<u8> = (0u8..128).collect();
        for w in all.chunks(16) {
            let lower: Vec<u8> = w.iter().map(u8::to_ascii_lowercase).collect();
            assert_eq!(pack_lower_ascii(w), pack(&lower), "{w:?}");
        }
        assert_eq!(pack_lower_ascii(b"THE"), pack(b"the"));
        assert_eq!(pack_lower_ascii(&[b'A'; 17]), None);
    }

    #[test]
    fn density_counts() {
        let en = Stopwords::for_lang(Some("en"));
        assert_eq!(en.count("The cat sat on the mat."), (6, 3));
        assert_eq!(en.count("Home News Sport Weather"), (4, 0));
        assert_eq!(en.count("It’s what they’d said"), (4, 4));
        assert_eq!(en.count("It rose 3.5% to $2.8bn in 2019"), (5, 3));
    }
}
