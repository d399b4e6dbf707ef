//! Boilerplate learned per site.
//!
//! Site chrome that no rule knows ("Explore the Gazette", a weather strip, a
//! newsletter pitch written in the site's own words) gives itself away by
//! recurring: the same line on many pages of one host. The cleaner reports,
//! for every document, the [`LineKey`]s of the units it saw (text-dump lines
//! and glued sentences, HTML paragraphs); the store counts on how many
//! distinct documents of a host each key occurs; keys past the threshold come
//! back to the cleaner as a [`Learned`] set and those units are removed with
//! kind `site-boilerplate`. Counting lives in the store, so cron runs keep
//! learning; this module only defines the key and applies the set.

use rustc_hash::FxHashSet;

use crate::normalize;

/// A stable 64-bit key of a line's normalised text (persisted: the function
/// must not change between versions — a test pins it).
pub type LineKey = u64;

/// The removal kind for learned boilerplate.
pub const KIND: &str = "site-boilerplate";
/// The rule name recorded with it.
pub const RULE: &str = "learned-per-site";

/// The key of one line or sentence: invisible characters dropped, spaces
/// collapsed, case and quotes folded, then xxh3. None for text without a
/// letter (numbers and symbols carry no site signal).
pub fn line_key(text: &str) -> Option<LineKey> {
    line_key_with(text, &mut String::new())
}

/// [`line_key`] with a scratch buffer reused across calls.
fn line_key_with(text: &str, buf: &mut String) -> Option<LineKey> {
    normalize::fold_line_into(text, buf);
    folded_key(buf)
}

/// [`line_key`] of a line already normalised and folded
/// (`normalize::key(&normalize::line(text))`).
pub fn folded_key(folded: &str) -> Option<LineKey> {
    let letters = if folded.is_ascii() {
        folded.bytes().any(|b| b.is_ascii_alphabetic())
    } else {
        folded.chars().any(char::is_alphabetic)
    };
    letters.then(|| xxhash_rust::xxh3::xxh3_64(folded.as_bytes()))
}

/// The lines learned as boilerplate for one host (empty: nothing learned).
#[derive(Debug, Clone, Default)]
pub struct Learned {
    keys: FxHashSet<LineKey>,
}

impl Learned {
    /// A set from stored keys.
    pub fn new(keys: impl IntoIterator<Item = LineKey>) -> Learned {
        Learned { keys: keys.into_iter().collect() }
    }

    /// Is this line learned boilerplate?
    pub fn contains(&self, text: &str) -> bool {
        !self.keys.is_empty() && line_key(text).is_some_and(|k| self.keys.contains(&k))
    }

    /// Is this line, already folded ([`folded_key`]), learned boilerplate?
    pub fn contains_folded(&self, folded: &str) -> bool {
        !self.keys.is_empty() && folded_key(folded).is_some_and(|k| self.keys.contains(&k))
    }

    /// Is the line with this key learned boilerplate?
    pub fn has_key(&self, key: LineKey) -> bool {
        self.keys.contains(&key)
    }

    /// Nothing learned.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

/// Distinct keys of `units`, sorted (what the store counts per document).
pub fn keys<'a>(units: impl IntoIterator<Item = &'a str>) -> Vec<LineKey> {
    let mut buf = String::new();
    let mut k: Vec<LineKey> = units.into_iter().filter_map(|u| line_key_with(u, &mut buf)).collect();
    k.sort_unstable();
    k.dedup();
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_is_pinned_and_folds_spacing_case_and_quotes() {
        // Keys are stored in databases: this value must never change.
        assert_eq!(line_key("Explore the Gazette"), Some(0x852a_4b82_80dc_9153));
        assert_eq!(line_key("  Explore\u{a0}the  GAZETTE\u{200b} "), line_key("explore the gazette"));
        assert_eq!(line_key("What’s on"), line_key("what's on"));
        assert_eq!(line_key("12:30 | 4°"), None);
        let l = Learned::new(line_key("Explore the Gazette"));
        assert!(l.contains("EXPLORE THE GAZETTE"));
        assert!(!l.contains("Explore the Herald"));
    }
}
