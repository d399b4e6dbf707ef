//! Language: detection (whatlang) and stopword lists for stopword density.

use std::collections::HashMap;

use rustc_hash::FxHashSet as HashSet;

use crate::chars::{alphabetic, alphanumeric};
use crate::text::{scan, split_lines, tokens};
use std::sync::LazyLock;

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
struct PackedSet {
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
    fn get(&self, k: u128) -> Option<u8> {
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
fn pack(w: &[u8]) -> Option<u128> {
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
fn load_packed(bytes: &[u8], range: std::ops::Range<usize>) -> Option<u128> {
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
fn lower_packed_ascii(x: u128) -> u128 {
    // Lower-case all sixteen bytes at once: 0x20 added to each byte in
    // 'A'..='Z' (the bytes are ASCII, so no carry crosses a byte).
    const ONES: u128 = u128::MAX / 255;
    let at_least_a = x + ONES * (0x80 - b'A' as u128);
    let above_z = x + ONES * (0x80 - b'Z' as u128 - 1);
    let upper = (at_least_a & !above_z) & (ONES * 0x80);
    x | (upper >> 2)
}

struct Stoplists {
    by_lang: HashMap<&'static str, Stoplist>,
    union: Stoplist,
    /// Latin-script languages with a list, in file order (bit i of a mask).
    latin: Vec<&'static str>,
    /// Packed word → bitmask of the Latin-script lists holding it.
    latin_mask: PackedSet,
}

static STOPLISTS: LazyLock<Stoplists> = LazyLock::new(|| {
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
        let two = scan::two_byte();
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
                let (info, len) = scan::decode(two, b, i);
                (Some(info), len)
            };
            let ch = &b[i..i + len];
            i += len;
            let keep = match info {
                None => ch[0].is_ascii_alphanumeric() || ch[0] == b'\'',
                Some(info) => info.has(scan::ALNUM) || ch == "’".as_bytes(),
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

/// Detect the language of `text` (ISO 639-1), when whatlang is reasonably sure.
pub fn detect(text: &str) -> Option<&'static str> {
    let sample = sample(text);
    if let Some(l) = by_stopwords(&sample) {
        return Some(l);
    }
    let info = whatlang::detect(&sample)?;
    if !info.is_reliable() && info.confidence() < 0.5 {
        return None;
    }
    Some(iso639_1(info.lang()))
}

/// The fast path for the Latin-script languages we have stoplists for: when
/// most words are ASCII and one list covers a fifth of them and twice as
/// many as any other list (or a tenth and three times as many), that is the
/// language; so it is when the list covers a fifth and has three times as
/// many words of its own (no other list holds them) as any other list
/// (close languages: Portuguese and Spanish). Otherwise (other languages
/// and scripts, close calls) whatlang decides.
///
/// Prose in a listed language runs at 30–50 % stopwords, headline-heavy
/// pages at 10–20 % with no other list near; prose in an unlisted
/// Latin-script language stays under a fifth on any one list, or is split
/// between two (Catalan: Spanish and French). Whatlang costs about a
/// million instructions a call: with these bounds rather than one of 30 %
/// it runs on 13 of the benchmark's 181 dumps instead of 28, and detects
/// the same languages.
fn by_stopwords(sample: &str) -> Option<&'static str> {
    let s = &*STOPLISTS;
    // Most samples are settled beyond doubt by their first thousand bytes
    // (cut at a space, so no word is split): the rest is counted only for
    // the others, whose verdict is then that of the whole sample.
    let early = memchr::memchr2(b' ', b'\n', sample.as_bytes().get(EARLY_BYTES..).unwrap_or_default())
        .map_or(sample.len(), |i| EARLY_BYTES + i);
    let mut hits = Hits { lists: s, sample: &sample[..early], lanes: 0, words: 0, ascii_words: 0, only: 0 };
    tokens::scan(hits.sample, &mut hits);
    if early < sample.len() {
        if let Some(l) = hits.verdict(true) {
            return Some(l);
        }
        hits.sample = &sample[early..];
        tokens::scan(hits.sample, &mut hits);
    }
    hits.verdict(false)
}

/// Bytes of a sample that can settle its language early.
const EARLY_BYTES: usize = 1_000;

impl Hits<'_> {
    /// The language the counts so far show: beyond doubt (`sure`: 30 % of
    /// the words, three times any other list), or clearly enough (see
    /// [`by_stopwords`]).
    fn verdict(&self, sure: bool) -> Option<&'static str> {
        let (s, words) = (self.lists, self.words);
        // Mostly words of ASCII letters: a Japanese or Russian page quoting
        // English is not English.
        if words < 40 || self.ascii_words * 3 < words * 2 {
            return None;
        }
        let hits = per_list(self.lanes);
        let mut order: Vec<usize> = (0..s.latin.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(hits[i]));
        let (top, second) = (hits[order[0]], order.get(1).map_or(0, |&i| hits[i]));
        if sure {
            return (top * 10 >= words * 3 && top >= second * 3).then(|| s.latin[order[0]]);
        }
        // A fifth of the words and twice any other list, or a tenth and three
        // times any other (headline-heavy pages).
        let clear = top * 5 >= words && top >= second * 2 || top * 10 >= words && top >= second * 3;
        // Close languages share many stopwords (Portuguese and Spanish: de, que,
        // a, se): a fifth of the words, and at least three times as many of the
        // words no other list holds as any other list has of its own.
        let own = per_list(self.only);
        let rival = order[1..].iter().map(|&i| own[i]).max().unwrap_or(0);
        let close = top * 5 >= words && own[order[0]] >= 5 && own[order[0]] >= rival * 3;
        (clear || close).then(|| s.latin[order[0]])
    }
}

/// Words of a sample and how many of them each Latin-script list holds.
struct Hits<'a> {
    lists: &'a Stoplists,
    sample: &'a str,
    /// The hits of list `i` in bits `16 i..16 i + 16` (a sample has far
    /// fewer words than 65,536): one addition counts a word for every list
    /// holding it.
    lanes: u128,
    words: usize,
    /// Words that are all ASCII.
    ascii_words: usize,
    /// Like `lanes`, for the words only one list holds.
    only: u128,
}

/// The count of each list from hit lanes (see [`Hits::lanes`]).
fn per_list(lanes: u128) -> [usize; 8] {
    std::array::from_fn(|i| (lanes >> (16 * i) & 0xFFFF) as usize)
}

/// A bitmask of lists spread into the hit lanes: bit `i` to bit `16 i`.
static SPREAD: [u128; 256] = {
    let mut t = [0u128; 256];
    let mut m = 0;
    while m < 256 {
        let mut i = 0;
        while i < 8 {
            t[m] |= ((m as u128 >> i) & 1) << (16 * i);
            i += 1;
        }
        m += 1;
    }
    t
};

impl tokens::Sink for Hits<'_> {
    fn token(&mut self, t: &tokens::Token) {
        // Trimmed of what is neither alphanumeric nor an apostrophe; the
        // scan has trimmed ASCII tokens already. The Latin lists are
        // looked up with ASCII words only.
        let packed = if t.ascii {
            let Some(kept) = t.kept() else { return };
            load_packed(self.sample.as_bytes(), kept)
        } else {
            let w = self.sample[t.start..t.end].trim_matches(|c: char| !alphanumeric(c) && c != '\'');
            if w.is_empty() {
                return;
            }
            pack(w.as_bytes()).filter(|_| w.is_ascii())
        };
        self.words += 1;
        self.ascii_words += usize::from(t.ascii);
        if let Some(mask) = packed.and_then(|k| self.lists.latin_mask.get(lower_packed_ascii(k))) {
            self.lanes += SPREAD[usize::from(mask)];
            if mask.is_power_of_two() {
                self.only += SPREAD[usize::from(mask)];
            }
        }
    }
}

/// Bytes of text whatlang looks at: trigram statistics settle long before
/// this, and detection cost grows with the sample.
const SAMPLE_BYTES: usize = 2_000;

/// What detection looks at: prose-like lines (navigation and widget lines
/// are short and often in English on any site), up to [`SAMPLE_BYTES`];
/// the start of the text when it has too few of them.
fn sample(text: &str) -> std::borrow::Cow<'_, str> {
    let mut out = String::new();
    // Prose first: long lines that end like a sentence (navigation runs
    // joined on one line are long too, and have few stopwords).
    let prose = |l: &&str| l.ends_with(['.', '!', '?', '。', '!', '?', '"', '”', ')']);
    // (A line shorter than that untrimmed is not looked at twice.)
    let long = || split_lines(text).filter(|l| l.len() >= 80).map(str::trim).filter(|l| l.len() >= 80);
    for line in long().filter(prose).chain(long().filter(|l| !prose(l))) {
        out.push_str(&line[..floor_boundary(line, SAMPLE_BYTES - out.len().min(SAMPLE_BYTES))]);
        out.push('\n');
        if out.len() >= SAMPLE_BYTES {
            return out.into();
        }
    }
    if out.len() >= SAMPLE_BYTES / 4 {
        return out.into();
    }
    text[..floor_boundary(text, SAMPLE_BYTES)].into()
}

pub(crate) fn floor_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// ISO 639-1 for the languages we name; whatlang's ISO 639-3 code otherwise.
fn iso639_1(l: whatlang::Lang) -> &'static str {
    const MAP: [(&str, &str); 40] = [
        ("eng", "en"),
        ("deu", "de"),
        ("fra", "fr"),
        ("spa", "es"),
        ("ita", "it"),
        ("por", "pt"),
        ("nld", "nl"),
        ("rus", "ru"),
        ("ukr", "uk"),
        ("pol", "pl"),
        ("ces", "cs"),
        ("slk", "sk"),
        ("slv", "sl"),
        ("hrv", "hr"),
        ("srp", "sr"),
        ("bul", "bg"),
        ("ron", "ro"),
        ("hun", "hu"),
        ("fin", "fi"),
        ("swe", "sv"),
        ("dan", "da"),
        ("nob", "nb"),
        ("est", "et"),
        ("lav", "lv"),
        ("lit", "lt"),
        ("ell", "el"),
        ("tur", "tr"),
        ("ara", "ar"),
        ("heb", "he"),
        ("pes", "fa"),
        ("hin", "hi"),
        ("ben", "bn"),
        ("tha", "th"),
        ("vie", "vi"),
        ("ind", "id"),
        ("jpn", "ja"),
        ("kor", "ko"),
        ("cmn", "zh"),
        ("cat", "ca"),
        ("afr", "af"),
    ];
    let code = l.code();
    MAP.iter().find(|(three, _)| *three == code).map_or(code, |(_, two)| two)
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

    /// Prose in Latin-script languages without a stoplist is not claimed by
    /// the stopword fast path (it leaves them to whatlang), even where some
    /// of its words are on a list (Danish and Dutch "en", "de", "er";
    /// Catalan and Spanish "de", "la", "que").
    #[test]
    fn unlisted_languages_are_left_to_whatlang() {
        let samples = [
            ("da", "Regeringen meddelte i går, at den vil bruge flere penge på skoler og sygehuse i de kommende år. Ifølge finansministeren er der tale om den største investering i velfærd siden krisen, og pengene skal især gå til de mindre kommuner, som har haft svært ved at holde på lærere og sygeplejersker. Oppositionen kalder planen for utilstrækkelig og kræver en hurtigere indsats."),
            ("sv", "Regeringen meddelade i går att den kommer att satsa mer pengar på skolor och sjukhus under de kommande åren. Enligt finansministern handlar det om den största investeringen i välfärden sedan krisen, och pengarna ska främst gå till mindre kommuner som har haft svårt att behålla lärare och sjuksköterskor. Oppositionen kallar planen otillräcklig och kräver snabbare åtgärder."),
            ("nb", "Regjeringen sa i går at den vil bruke mer penger på skoler og sykehus i årene som kommer. Ifølge finansministeren er dette den største satsingen på velferd siden krisen, og pengene skal særlig gå til de mindre kommunene, som har hatt problemer med å beholde lærere og sykepleiere. Opposisjonen kaller planen utilstrekkelig og krever raskere tiltak."),
            ("id", "Pemerintah mengumumkan kemarin bahwa mereka akan menambah anggaran untuk sekolah dan rumah sakit dalam beberapa tahun ke depan. Menurut menteri keuangan, ini adalah investasi terbesar di bidang kesejahteraan sejak krisis, dan dana tersebut terutama akan disalurkan ke daerah kecil yang selama ini kesulitan mempertahankan guru dan perawat. Pihak oposisi menyebut rencana itu tidak cukup dan menuntut tindakan yang lebih cepat."),
            ("pl", "Rząd ogłosił wczoraj, że w najbliższych latach przeznaczy więcej pieniędzy na szkoły i szpitale. Według ministra finansów jest to największa inwestycja w opiekę społeczną od czasu kryzysu, a środki trafią przede wszystkim do mniejszych gmin, które mają trudności z zatrzymaniem nauczycieli i pielęgniarek. Opozycja nazywa plan niewystarczającym i domaga się szybszych działań."),
            ("tgl", "Inihayag ng pamahalaan kahapon na maglalaan ito ng mas maraming pondo para sa mga paaralan at ospital sa mga susunod na taon. Ayon sa kalihim ng pananalapi, ito ang pinakamalaking pamumuhunan sa kapakanan mula noong krisis, at ang pondo ay mapupunta lalo na sa maliliit na bayan na nahihirapang panatilihin ang mga guro at nars. Tinawag ng oposisyon na kulang ang plano at humiling ng mas mabilis na aksyon."),
            ("ca", "El govern va anunciar ahir que dedicarà més diners a les escoles i als hospitals durant els propers anys. Segons el ministre d'economia, es tracta de la inversió més gran en benestar des de la crisi, i els diners aniran sobretot als municipis petits, que tenen dificultats per mantenir mestres i infermeres. L'oposició considera que el pla és insuficient i reclama més rapidesa, perquè la situació a les escoles de les comarques és molt greu."),
            ("ro", "Guvernul a anunțat ieri că va aloca mai mulți bani pentru școli și spitale în următorii ani. Potrivit ministrului de finanțe, este cea mai mare investiție în bunăstare de la criză încoace, iar banii vor merge mai ales către comunele mici, care au avut dificultăți în a păstra profesori și asistente. Opoziția consideră planul insuficient și cere măsuri mai rapide pentru oamenii din aceste zone."),
        ];
        for (code, text) in samples {
            assert_eq!(by_stopwords(text), None, "{code}");
            assert_eq!(detect(text), Some(code));
        }
        // A Japanese page quoting an English sentence: a quarter of its
        // words are English stopwords, but most of its words are not ASCII.
        let nav = "ホーム ニュース 経済 政治 国際 スポーツ 天気 エンタメ 科学 健康 ランキング 特集";
        let ja = format!(
            "{nav} {nav} {nav} {nav} This is what the minister said to the press in Tokyo on Monday about the plan and the economy"
        );
        assert_eq!(by_stopwords(&ja), None);
        assert_eq!(detect(&ja), Some("ja"));
    }

    /// Portuguese and Spanish prose shares so many stopwords that neither
    /// list has twice the other's hits; the words only one list holds tell
    /// them apart.
    #[test]
    fn close_languages_are_told_apart_by_their_own_words() {
        let pt =
            "O governo anunciou ontem que vai gastar mais dinheiro com as escolas e os hospitais nos próximos anos. \
            Segundo o ministro das Finanças, trata-se do maior investimento no bem-estar desde a crise, e o dinheiro \
            vai sobretudo para os municípios mais pequenos, que têm tido dificuldade em manter os professores e os \
            enfermeiros. A oposição diz que o plano não chega e pede uma resposta mais rápida para as pessoas. \
            Os autarcas do interior dizem que já esperavam há muito tempo por estas verbas, mas avisam que o problema \
            não é só de dinheiro: faltam casas para os jovens médicos, e muitos vão embora ao fim de um ou dois anos. \
            O ministro prometeu voltar ao tema no próximo mês, com um pacote de medidas para a habitação.";
        let es = "El gobierno anunció ayer que gastará más dinero en las escuelas y los hospitales en los próximos años. \
            Según el ministro de Hacienda, se trata de la mayor inversión en bienestar desde la crisis, y el dinero \
            irá sobre todo a los municipios más pequeños, que tienen dificultades para retener a los maestros y a las \
            enfermeras. La oposición dice que el plan no basta y pide una respuesta más rápida para la gente. \
            Los alcaldes del interior dicen que llevaban mucho tiempo esperando estos fondos, pero avisan de que el \
            problema no es solo de dinero: faltan viviendas para los médicos jóvenes, y muchos se marchan al cabo de \
            uno o dos años. El ministro prometió volver al tema el mes que viene, con un paquete de medidas de vivienda.";
        assert_eq!(by_stopwords(pt), Some("pt"));
        assert_eq!(by_stopwords(es), Some("es"));
    }

    /// A sample whose first thousand bytes are beyond doubt is settled by
    /// them; the rest of it is not looked at.
    #[test]
    fn a_clear_start_settles_the_sample() {
        let en = "The prime minister said on Monday that the talks would go on for as long as they were needed. ";
        let de = "Der Bundeskanzler sagte am Montag, dass die Gespräche so lange wie nötig fortgesetzt werden. ";
        let sample = format!("{}{}", en.repeat(11), de.repeat(30));
        assert!(en.len() * 11 > EARLY_BYTES);
        assert_eq!(by_stopwords(&sample), Some("en"));
        // Counted whole, the German would settle it.
        let whole = format!("{}{}", en.repeat(2), de.repeat(30));
        assert_eq!(by_stopwords(&whole), Some("de"));
    }

    /// Headline-heavy English: few stopwords, but no other list comes near.
    #[test]
    fn headline_heavy_english_is_settled_by_stopwords() {
        let heads = "Markets rally as inflation cools | Storm closes schools across Texas | \
            Senate passes budget after late vote | Tech shares slip on weak forecast | \
            Police name suspect in downtown shooting | Mayor unveils housing plan | \
            Record heat expected this weekend | Airline cancels flights amid strike | \
            Court rules on voting maps | Star striker signs new deal with the club";
        assert_eq!(by_stopwords(heads), Some("en"));
    }

    #[test]
    fn detects_common_languages() {
        assert_eq!(
            detect("The prime minister said on Monday that the talks would continue for as long as needed."),
            Some("en")
        );
        assert_eq!(
            detect("Der Bundeskanzler sagte am Montag, dass die Gespräche so lange wie nötig fortgesetzt werden."),
            Some("de")
        );
        assert_eq!(
            detect("Премьер-министр заявил в понедельник, что переговоры будут продолжаться столько, сколько нужно."),
            Some("ru")
        );
    }
}
