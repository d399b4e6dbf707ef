//! Fingerprints for duplicate detection: text normalisation, the sha256 of
//! the normalised text (exact duplicates), and MinHash signatures with LSH
//! band keys (near duplicates, see [`minhash`]).
//!
//! Two clean texts are exact duplicates when they are equal after
//! [`normalize`]: Unicode NFKC, lower case, punctuation folded to spaces,
//! whitespace collapsed. So a re-wrapped copy, or one with curly instead of
//! straight quotes, is still the same document.
//!
//! ```
//! use thresh_dedup::{normalize, text_sha256};
//! assert_eq!(normalize("Hello,  “World”!\nAgain"), "hello world again");
//! assert_eq!(text_sha256("Hello, World"), text_sha256("hello world!"));
//! assert_eq!(text_sha256("x").len(), 64);
//! ```
#![warn(missing_docs)]

pub mod minhash;

pub use minhash::{MinHasher, Signature};

use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

/// Normalise text for comparison: NFKC, lower case, every punctuation or
/// symbol character becomes a space, runs of whitespace become one space,
/// and the ends are trimmed.
pub fn normalize(text: &str) -> String {
    // ASCII text is its own NFKC form, and its case and classes are ASCII's:
    // a byte loop gives what the general path gives (a proptest holds them
    // equal) at a fraction of the cost. Most clean text is ASCII.
    if text.is_ascii() {
        normalize_ascii(text)
    } else {
        normalize_unicode(text)
    }
}

/// [`normalize`] for any text: the reference.
fn normalize_unicode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.nfkc().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(c);
        } else if c.is_whitespace() || !c.is_alphanumeric() {
            // Marks (accents left after NFKC on decomposed input) belong to the
            // letter before them; everything else separates words.
            if is_mark(c) {
                out.push(c);
            } else {
                pending_space = true;
            }
        }
    }
    out
}

/// [`normalize`] for ASCII text.
fn normalize_ascii(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(b.to_ascii_lowercase() as char);
        } else {
            pending_space = true;
        }
    }
    out
}

/// Combining marks (general category M): kept, they are part of a letter.
fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05BD | 0x0610..=0x061A
        | 0x064B..=0x065F | 0x0900..=0x0903 | 0x093A..=0x094F | 0x0E31 | 0x0E34..=0x0E3A
        | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0x3099..=0x309A | 0xFE20..=0xFE2F)
}

/// sha256 of the normalised text, as 64 lower-case hex digits.
pub fn text_sha256(text: &str) -> String {
    normalized_sha256(&normalize(text))
}

/// [`text_sha256`] of a text already [`normalize`]d (to normalise once for
/// both fingerprints).
pub fn normalized_sha256(norm: &str) -> String {
    hex::encode(Sha256::digest(norm.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_width_punctuation_and_space() {
        assert_eq!(normalize("  ＡＢＣ — déjà-vu…\t\n"), "abc déjà vu");
        assert_eq!(normalize("It's 3.5%"), "it s 3 5");
        assert_eq!(normalize(""), "");
        assert_eq!(normalize("!!!"), "");
    }

    #[test]
    fn decomposed_and_composed_accents_agree() {
        assert_eq!(normalize("cafe\u{301}"), normalize("café"));
    }

    #[test]
    fn rewrapped_copy_has_the_same_hash() {
        let a = "First paragraph, here.\nSecond one.";
        let b = "First  paragraph here\n\n  Second one";
        assert_eq!(text_sha256(a), text_sha256(b));
        assert_ne!(text_sha256(a), text_sha256("First paragraph. Third one."));
    }

    proptest::proptest! {
        #[test]
        fn the_ascii_path_is_the_reference(text in "[ -~\t\n\r]{0,80}") {
            proptest::prop_assert_eq!(normalize_ascii(&text), normalize_unicode(&text));
        }

        #[test]
        fn any_ascii_byte_is_the_reference(bytes in proptest::collection::vec(0u8..128, 0..64)) {
            let text = String::from_utf8(bytes).unwrap();
            proptest::prop_assert_eq!(normalize(&text), normalize_unicode(&text));
        }
    }

    #[test]
    fn hash_is_stable_across_versions() {
        // Persisted in the database: must never change.
        assert_eq!(text_sha256("Hello, World"), hex::encode(Sha256::digest(b"hello world")));
        assert_eq!(text_sha256("Hello, World"), "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9");
    }
}
