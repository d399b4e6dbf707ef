//! Rule family `duplicate`: text a page carries twice.
//!
//! Pages repeat themselves: a responsive layout writes the same blocks for
//! narrow and wide screens, a hidden block holds the whole article again as
//! one run of text for a script, a scraper's dump joins an article's
//! paragraphs into one line beside the paragraphs themselves. Of kept
//! paragraphs, a later copy of a run of paragraphs (two or more, at least
//! [`MIN_REPEAT`] characters together, or one of at least [`MIN_LONE`])
//! goes, and so does a paragraph of at least [`MIN_BLOB`] characters that is
//! mostly (four fifths) made of other kept paragraphs. A single item written
//! twice (a recipe on two days of a meal plan) stays.

/// The removal kind.
pub const KIND: &str = "duplicate";
/// Fewest characters of a repeated run of paragraphs that is removed.
pub const MIN_REPEAT: usize = 200;
/// Shortest single paragraph whose exact repeat is removed.
pub const MIN_LONE: usize = 500;
/// Shortest paragraph checked for being made of others.
pub const MIN_BLOB: usize = 200;
/// Shortest paragraph counted as a part of a blob.
const MIN_PART: usize = 40;
/// Bytes of a part's start it is looked up by (at most [`MIN_PART`]).
const HEAD: usize = 24;

/// Which paragraphs repeat others (true: remove).
pub fn repeats<S: AsRef<str>>(paragraphs: &[S]) -> Vec<bool> {
    let texts: Vec<&str> = paragraphs.iter().map(|p| p.as_ref().trim()).collect();
    let mut out = vec![false; texts.len()];
    // Paragraphs written before: where each first stood.
    let mut first: rustc_hash::FxHashMap<&str, usize> = Default::default();
    let earlier: Vec<Option<usize>> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| match first.get(t) {
            Some(&j) => Some(j),
            None => {
                first.insert(t, i);
                None
            }
        })
        .collect();
    // Runs of repeats that follow a run of originals in the same order.
    let mut i = 0;
    while i < texts.len() {
        let Some(j) = earlier[i] else {
            i += 1;
            continue;
        };
        let mut k = 1;
        while i + k < texts.len() && earlier[i + k] == Some(j + k) {
            k += 1;
        }
        let chars: usize = texts[i..i + k].iter().map(|t| t.len()).sum();
        if (k >= 2 && chars >= MIN_REPEAT) || texts[i].len() >= MIN_LONE {
            out[i..i + k].iter_mut().for_each(|o| *o = true);
        }
        i += k;
    }
    // Blobs made of other paragraphs. Each part is looked up by its first
    // bytes at every word start of a blob, then checked whole: linear in the
    // text (a substring search per pair was quadratic in the paragraphs).
    if !texts.iter().enumerate().any(|(i, t)| !out[i] && t.len() >= MIN_BLOB) {
        return out;
    }
    let mut by_head: rustc_hash::FxHashMap<&[u8], Vec<usize>> = Default::default();
    for (j, t) in texts.iter().enumerate() {
        if t.len() >= MIN_PART && !out[j] {
            by_head.entry(&t.as_bytes()[..HEAD]).or_default().push(j);
        }
    }
    let mut seen = vec![usize::MAX; texts.len()];
    for (i, blob) in texts.iter().enumerate() {
        if out[i] || blob.len() < MIN_BLOB {
            continue;
        }
        let b = blob.as_bytes();
        let (mut n, mut covered) = (0usize, 0usize);
        for at in 0..b.len().saturating_sub(MIN_PART - 1) {
            if at > 0 && b[at - 1] != b' ' {
                continue;
            }
            let Some(found) = by_head.get(&b[at..at + HEAD]) else { continue };
            for &j in found {
                let part = texts[j];
                if j != i && seen[j] != i && part.len() < blob.len() && b[at..].starts_with(part.as_bytes()) {
                    seen[j] = i;
                    n += 1;
                    covered += part.len();
                }
            }
        }
        if n >= 2 && covered * 5 >= blob.len() * 4 {
            out[i] = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "The council said on Tuesday that the harbour bridge would reopen after months of repairs, at a cost a third higher.";
    const B: &str = "Engineers found the foundations in worse shape than expected when the first piers were opened up in the spring.";

    #[test]
    fn later_copies_and_blobs_of_others_go() {
        let blob = format!("{A} {B} Read more.");
        let ps = [A, B, "Between", A, B, &blob, "Short line", "Short line"];
        assert_eq!(repeats(&ps), [false, false, false, true, true, true, false, false]);
        // One item written twice, among other text, stays.
        assert_eq!(repeats(&[A, B, A]), [false, false, false]);
    }

    #[test]
    fn a_long_paragraph_quoting_one_other_stays() {
        let long = format!("{A} And then a great deal more was said about the cost, the delays, the contractors and the weather this spring.");
        assert_eq!(repeats(&[A, &long]), [false, false]);
    }
}
