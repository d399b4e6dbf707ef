//! Language: detection (whatlang) and stopword lists for stopword density.

use std::collections::HashMap;

use rustc_hash::FxHashSet as HashSet;
use std::sync::LazyLock;

static STOPWORD_FILE: &str = include_str!("../rules/stopwords.txt");

struct Stoplists {
    by_lang: HashMap<&'static str, HashSet<&'static str>>,
    union: HashSet<&'static str>,
    /// Latin-script languages with a list, in file order (bit i of a mask).
    latin: Vec<&'static str>,
    /// Word → bitmask of the Latin-script lists holding it.
    latin_mask: rustc_hash::FxHashMap<&'static str, u8>,
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
                for w in &set {
                    *latin_mask.entry(*w).or_insert(0u8) |= 1 << latin.len();
                }
                latin.push(code.trim());
            }
            by_lang.insert(code.trim(), set);
        }
    }
    Stoplists { by_lang, union, latin, latin_mask }
});

/// A stoplist: for a detected language, or the union of all when unknown.
#[derive(Clone, Copy)]
pub struct Stopwords(&'static HashSet<&'static str>);

impl Stopwords {
    /// The list for an ISO 639-1 code; the union of every list when there is none.
    pub fn for_lang(code: Option<&str>) -> Stopwords {
        let s = &*STOPLISTS;
        Stopwords(code.and_then(|c| s.by_lang.get(c)).unwrap_or(&s.union))
    }

    /// Whether `word` (already lower-case) is a stopword.
    pub fn contains(&self, word: &str) -> bool {
        self.0.contains(word)
    }

    /// (words, stopwords) in `text`; words are split on whitespace and
    /// trimmed of surrounding punctuation, then lower-cased. Tokens without a
    /// letter (numbers, prices, percentages) are not words here: no stoplist
    /// can judge them, and counting them made business and sports news look
    /// like boilerplate.
    pub fn count(&self, text: &str) -> (usize, usize) {
        let mut words = 0;
        let mut stops = 0;
        let mut buf = String::new();
        let mut short = [0u8; 24];
        for w in text.split_whitespace() {
            if w.is_ascii() {
                // Fast path: bytes, no allocation.
                let w = w.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '\'');
                if !w.bytes().any(|b| b.is_ascii_alphabetic()) {
                    continue;
                }
                words += 1;
                if let Some(l) = lower_ascii(w, &mut short) {
                    stops += usize::from(self.contains(l));
                }
                continue;
            }
            let w = w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’');
            if !w.chars().any(char::is_alphabetic) {
                continue;
            }
            words += 1;
            buf.clear();
            for c in w.chars() {
                buf.extend(if c == '’' { '\'' } else { c }.to_lowercase());
            }
            if self.contains(&buf) {
                stops += 1;
            }
        }
        (words, stops)
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
/// one list covers a prose-like share of the sample's words and clearly more
/// than any other list, that is the language. Otherwise (other languages and
/// scripts, close calls such as Spanish and Portuguese) whatlang decides.
fn by_stopwords(sample: &str) -> Option<&'static str> {
    let s = &*STOPLISTS;
    let mut hits = [0usize; 8];
    let mut words = 0usize;
    let mut buf = [0u8; 24];
    for w in sample.split_whitespace() {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'');
        if w.is_empty() {
            continue;
        }
        words += 1;
        let Some(w) = lower_ascii(w, &mut buf) else { continue };
        if let Some(&mask) = s.latin_mask.get(w) {
            for (i, h) in hits.iter_mut().enumerate() {
                *h += usize::from(mask >> i & 1);
            }
        }
    }
    let mut order: Vec<usize> = (0..s.latin.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(hits[i]));
    let (top, second) = (hits[order[0]], order.get(1).map_or(0, |&i| hits[i]));
    (words >= 40 && top * 10 >= words * 3 && top >= second * 2).then(|| s.latin[order[0]])
}

/// `w` lower-cased into `buf`, when it is short ASCII (every Latin-list
/// stopword we match on is); None otherwise.
fn lower_ascii<'b>(w: &str, buf: &'b mut [u8; 24]) -> Option<&'b str> {
    let b = w.as_bytes();
    if b.len() > buf.len() || !w.is_ascii() {
        return None;
    }
    for (d, s) in buf.iter_mut().zip(b) {
        *d = s.to_ascii_lowercase();
    }
    std::str::from_utf8(&buf[..b.len()]).ok()
}

/// Bytes of text whatlang looks at: trigram statistics settle long before
/// this, and detection cost grows with the sample.
const SAMPLE_BYTES: usize = 2_000;

/// What detection looks at: prose-like lines (navigation and widget lines
/// are short and often in English on any site), up to [`SAMPLE_BYTES`];
/// the start of the text when it has too few of them.
fn sample(text: &str) -> std::borrow::Cow<'_, str> {
    let mut out = String::new();
    for line in text.lines().map(str::trim).filter(|l| l.len() >= 80) {
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
            assert!(STOPLISTS.by_lang[code].len() > 60, "{code}");
        }
    }

    #[test]
    fn density_counts() {
        let en = Stopwords::for_lang(Some("en"));
        assert_eq!(en.count("The cat sat on the mat."), (6, 3));
        assert_eq!(en.count("Home News Sport Weather"), (4, 0));
        assert_eq!(en.count("It’s what they’d said"), (4, 4));
        assert_eq!(en.count("It rose 3.5% to $2.8bn in 2019"), (5, 3));
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
