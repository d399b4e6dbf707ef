//! Rule family `glue`: sentences glued together without a space.
//!
//! Scrapers that concatenate text nodes leave "…makes all the
//! difference.David Cameron is…". A boundary is terminal punctuation
//! (optionally a closing quote) after a lower-case letter, digit or closing
//! bracket, followed at once by a capital and a lower-case letter. Not a
//! boundary: abbreviations and initials on the left ("U.S.", "e.g.", "Mr."),
//! decimals ("3.5"), domains and file names ("example.com"), acronyms
//! ("ASP.NET").

use std::sync::LazyLock;

use regex::Regex;

static BOUNDARY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"[\p{Ll}0-9%)\]][.!?]["'”’)]?(\p{Lu}\p{Ll})"#).expect("static regex"));

const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "vs", "etc", "inc", "ltd", "jr", "sr", "prof", "gen", "gov", "sen", "rep", "co",
    "corp", "col", "lt", "sgt", "capt", "cmdr", "adm", "rev", "hon", "mt", "ft", "jan", "feb", "mar", "apr", "jun",
    "jul", "aug", "sep", "sept", "oct", "nov", "dec", "approx", "fig", "vol", "ch", "pp", "al",
];

/// Byte offsets where a glued line should be cut into sentences. Empty when
/// the line has no glued boundary.
pub fn boundaries(line: &str) -> Vec<usize> {
    if !maybe_glued(line.as_bytes()) {
        return Vec::new();
    }
    cuts(line)
}

/// [`boundaries`] by the pattern alone.
fn cuts(line: &str) -> Vec<usize> {
    let mut cuts = Vec::new();
    for m in BOUNDARY.captures_iter(line) {
        let whole = m.get(0).expect("match");
        let right = m.get(1).expect("group").start();
        // The token on the left of the punctuation, back to the last space.
        let first = line[whole.start()..].chars().next().map_or(1, char::len_utf8);
        let left = &line[..whole.start() + first];
        let token = left.rsplit(char::is_whitespace).next().unwrap_or("");
        let token_l = token.to_lowercase();
        let bare = token_l.trim_start_matches(|c: char| !c.is_alphanumeric());
        if bare.contains('.') || ABBREVIATIONS.contains(&bare) || bare.chars().count() == 1 {
            continue;
        }
        cuts.push(right);
    }
    cuts
}

/// Whether the line may hold a boundary, byte by byte what the pattern
/// asks around a terminal punctuation mark: before it a small letter, a
/// digit, `%`, `)` or `]`; after it perhaps a closing quote, then a capital
/// and a small letter. Any non-ASCII character passes for a letter of
/// either case. Most lines have a space after every stop, and initials
/// (`U.S.`) and abbreviations (`e.g.`) fail too: they need no regex.
fn maybe_glued(b: &[u8]) -> bool {
    let letter = |at: usize, upper: bool| {
        b.get(at).is_some_and(|&c| !c.is_ascii() || if upper { c.is_ascii_uppercase() } else { c.is_ascii_lowercase() })
    };
    memchr::memchr3_iter(b'.', b'!', b'?', b).any(|i| {
        let before = i.checked_sub(1).map(|k| b[k]);
        if !before.is_some_and(|c| !c.is_ascii() || c.is_ascii_lowercase() || c.is_ascii_digit() || b"%)]".contains(&c))
        {
            return false;
        }
        let j = match &b[i + 1..] {
            [b'"' | b'\'' | b')', ..] => i + 2,
            // ” and ’
            [0xE2, 0x80, 0x99 | 0x9D, ..] => i + 4,
            _ => i + 1,
        };
        // The capital's length: one byte, or from its UTF-8 lead byte.
        let len = match b.get(j) {
            Some(&c) if c < 0x80 => 1,
            Some(&c) if c < 0xE0 => 2,
            Some(&c) if c < 0xF0 => 3,
            _ => 4,
        };
        letter(j, true) && letter(j + len, false)
    })
}

/// Split a line at its glued boundaries.
pub fn split(line: &str) -> Vec<&str> {
    split_at(line, &boundaries(line))
}

/// Split a line at cuts [`boundaries`] found.
pub fn split_at<'a>(line: &'a str, cuts: &[usize]) -> Vec<&'a str> {
    let mut out = Vec::with_capacity(cuts.len() + 1);
    let mut from = 0;
    for &c in cuts {
        out.push(&line[from..c]);
        from = c;
    }
    out.push(&line[from..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The byte check before the pattern only saves work.
        #[test]
        fn the_byte_check_misses_no_boundary(s in "([a-zA-Z0-9%)\\]\"'”’. !?]|[ÀÉÖàéöЖжİı]|U\\.S\\.|e\\.g\\.){0,40}") {
            proptest::prop_assert_eq!(boundaries(&s), cuts(&s));
        }
    }

    #[test]
    fn splits_glued_sentences() {
        assert_eq!(
            split("Your support makes all the difference.David Cameron is to hold talks."),
            ["Your support makes all the difference.", "David Cameron is to hold talks."]
        );
        assert_eq!(split("He said “no.”Then he left!Again"), ["He said “no.”", "Then he left!", "Again"]);
        // a multi-byte letter before the stop (found by the no-panic property test)
        assert_eq!(split("Il est allé.Puis reparti"), ["Il est allé.", "Puis reparti"]);
    }

    #[test]
    fn leaves_abbreviations_decimals_and_domains() {
        for s in [
            "The U.S.Army said so.",
            "See e.g.Smith for details.",
            "Mr.Jones arrived.",
            "It rose 3.5 percent.",
            "Visit example.com today.",
            "Built on ASP.NET and Node.js.",
            "J.Smith wrote it.",
            "Normal sentence. Another one.",
        ] {
            assert_eq!(split(s), [s], "{s}");
        }
    }

    proptest::proptest! {
        /// The prefilter never hides a boundary the regex finds.
        #[test]
        fn prefilter_keeps_every_boundary(s in "([a-zA-Z0-9%)\\]]{0,3}[.!?]{0,2}[\"'”’)]?[A-ZÉa-zé ]{0,3}){0,6}") {
            let found = BOUNDARY.is_match(&s);
            proptest::prop_assert!(!found || maybe_glued(s.as_bytes()), "{s:?}");
        }
    }
}
