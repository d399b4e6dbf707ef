//! Language: detection (whatlang) and stopword lists for stopword density.

use std::collections::HashMap;

use rustc_hash::FxHashSet as HashSet;
use std::sync::LazyLock;

static STOPWORD_FILE: &str = include_str!("../rules/stopwords.txt");

struct Stoplists {
    by_lang: HashMap<&'static str, HashSet<&'static str>>,
    union: HashSet<&'static str>,
}

static STOPLISTS: LazyLock<Stoplists> = LazyLock::new(|| {
    let mut by_lang = HashMap::new();
    let mut union = HashSet::default();
    for line in STOPWORD_FILE.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some((code, words)) = line.split_once(':') {
            let set: HashSet<&'static str> = words.split_whitespace().collect();
            union.extend(set.iter().copied());
            by_lang.insert(code.trim(), set);
        }
    }
    Stoplists { by_lang, union }
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
        for w in text.split_whitespace() {
            let w = w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’');
            if !w.chars().any(char::is_alphabetic) {
                continue;
            }
            words += 1;
            buf.clear();
            if w.is_ascii() {
                buf.push_str(w);
                buf.make_ascii_lowercase();
            } else {
                for c in w.chars() {
                    buf.extend(if c == '’' { '\'' } else { c }.to_lowercase());
                }
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
    let sample = &text[..floor_boundary(text, 6_000)];
    let info = whatlang::detect(sample)?;
    if !info.is_reliable() && info.confidence() < 0.5 {
        return None;
    }
    Some(iso639_1(info.lang()))
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
