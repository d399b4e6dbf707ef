//! Rule family `icon-string`: the text of an inline SVG sprite or icon font.
//!
//! A naive `get_text()` over a sprite joins every `<title>icon X</title>`
//! without separators: "icon bookmark-bicon bookmarkicon cameraicon …". The
//! signature is one short affix glued onto many tokens, in a line with almost
//! no function words. No list of icon names is involved.

use crate::normalize;
use crate::stopwords::Stopwords;

/// Tokens tried as the affix.
const CANDIDATES: usize = 24;

/// Whether the line is an icon-sprite string.
pub fn is_icon_string(line: &str, stop: Stopwords) -> bool {
    is_icon_string_counted(&normalize::key(line), normalize::words(line), stop.count(line))
}

/// [`is_icon_string`] of a line already folded ([`normalize::key`]), with
/// its whitespace-separated tokens and its (words, stopwords) already counted.
pub fn is_icon_string_counted(key: &str, tokens: usize, (words, stops): (usize, usize)) -> bool {
    // Cheap rejections first: most lines are short, or prose.
    if words == 0 || stops * 10 >= words || tokens < 6 {
        return false;
    }
    let tokens: Vec<&str> = key.split_whitespace().collect();
    // The affix must recur in more than 30% of the tokens, and at least 5.
    let needed = (tokens.len() * 3 / 10 + 1).max(5);
    // The bytes of each token, as a set (see `byte_set`): a token holding
    // the affix holds all of its bytes.
    let sets: Vec<u64> = tokens.iter().map(|t| byte_set(t)).collect();
    let mut seen: Vec<&str> = Vec::new();
    // Candidate affixes: alphabetic whole tokens of 3+ characters. The affix
    // shows up among the first tokens of a sprite run; a bounded number of
    // candidates keeps a long line linear.
    for &t in tokens.iter().take(CANDIDATES) {
        if t.len() < 3 || !t.chars().all(crate::chars::alphabetic) || seen.contains(&t) {
            continue;
        }
        seen.push(t);
        let need = byte_set(t);
        if sets.iter().filter(|&&m| m & need == need).count() < needed {
            continue;
        }
        // Each token holding the affix holds an occurrence of it: too few in
        // the whole line settle it without looking at the tokens.
        let affix = memchr::memmem::Finder::new(t);
        if affix.find_iter(key.as_bytes()).take(needed).count() < needed {
            continue;
        }
        // Tokens holding the affix, and those glued onto more text.
        let (mut containing, mut glued) = (0, 0);
        for o in &tokens {
            if o.len() == t.len() {
                containing += usize::from(*o == t);
            } else if o.len() > t.len() && affix.find(o.as_bytes()).is_some() {
                containing += 1;
                glued += 1;
            }
        }
        if glued >= 3 && containing >= needed {
            return true;
        }
    }
    false
}

/// The bytes of `t` as a set of 64 classes (a byte's low six bits): if
/// one string holds another, its set holds the other's. A cheap test that
/// rules out most candidate affixes without searching for them.
fn byte_set(t: &str) -> u64 {
    t.bytes().fold(0, |m, b| m | 1 << (b & 63))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn en() -> Stopwords {
        Stopwords::for_lang(Some("en"))
    }

    proptest::proptest! {
        /// A string holding another holds its byte set: the set test rules
        /// out no affix the search would find.
        #[test]
        fn a_holder_holds_the_byte_set(a in "\\PC{0,12}", b in "\\PC{0,6}", c in "\\PC{0,12}") {
            let whole = format!("{a}{b}{c}");
            proptest::prop_assert_eq!(byte_set(&whole) & byte_set(&b), byte_set(&b));
        }
    }

    #[test]
    fn sprite_strings_are_caught() {
        assert!(is_icon_string(
            "icon bookmark-bicon bookmarkicon cameraicon checkicon chevron downicon chevron lefticon closeicon",
            en()
        ));
        assert!(is_icon_string("svg arrow-svg close-svg menu-svg search-svg user-svg twitter-svg", en()));
    }

    #[test]
    fn prose_and_plain_navigation_are_not() {
        assert!(!is_icon_string(
            "The icon of the movement, an iconic figure, said the icons of the era were iconoclasts at heart.",
            en()
        ));
        assert!(!is_icon_string("News Sport News World News UK News Business News Politics News", en()));
        assert!(!is_icon_string("icon one two", en()));
    }
}
