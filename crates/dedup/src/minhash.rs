//! MinHash signatures over word 5-gram shingles, and LSH band keys.
//!
//! Every value here is persisted in the database, so the algorithm and its
//! constants are frozen: a shingle is a run of [`SHINGLE`] words of the
//! [`normalize`](crate::normalize)d text, hashed with xxh3-64 (seed 0);
//! permutation `i` of [`PERMUTATIONS`] maps a shingle hash `h` to
//! `(a_i · (h mod P) + b_i) mod P` with `P = 2^61 − 1`, where `a_i` and
//! `b_i` are xxh3-64 of fixed strings seeded with `i`; the signature keeps
//! the low 32 bits of each minimum. Band `j` of [`BANDS`] is xxh3-64 (seed
//! `j`) of its [`ROWS`] little-endian values. A test pins the output.

use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};

/// Words per shingle.
pub const SHINGLE: usize = 5;
/// Signature length.
pub const PERMUTATIONS: usize = 128;
/// LSH bands.
pub const BANDS: usize = 16;
/// Rows (signature values) per band. `BANDS × ROWS = PERMUTATIONS`.
pub const ROWS: usize = 8;

/// Containment that confirms a near duplicate whatever the resemblance.
pub const CONTAINMENT: f64 = 0.9;
/// Smallest size ratio (shingles) for the containment rule.
pub const MIN_SIZE_RATIO: f64 = 0.7;

const P: u64 = (1 << 61) - 1;

/// A MinHash signature and the number of distinct shingles it summarises.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// One minimum per permutation (low 32 bits).
    pub values: [u32; PERMUTATIONS],
    /// Distinct shingles in the text (0 for an empty text).
    pub shingles: u32,
}

/// Builds signatures; holds the permutation constants.
#[derive(Debug, Clone)]
pub struct MinHasher {
    a: [u64; PERMUTATIONS],
    b: [u64; PERMUTATIONS],
}

impl Default for MinHasher {
    fn default() -> Self {
        MinHasher::new()
    }
}

fn mulmod(a: u64, b: u64) -> u64 {
    let r = (a as u128) * (b as u128);
    let lo = (r as u64) & P;
    let hi = (r >> 61) as u64;
    let s = lo + hi;
    if s >= P {
        s - P
    } else {
        s
    }
}

impl MinHasher {
    /// The frozen permutation constants.
    pub fn new() -> MinHasher {
        let mut a = [0u64; PERMUTATIONS];
        let mut b = [0u64; PERMUTATIONS];
        for i in 0..PERMUTATIONS {
            a[i] = xxh3_64_with_seed(b"thresh-minhash-a", i as u64) % (P - 1) + 1;
            b[i] = xxh3_64_with_seed(b"thresh-minhash-b", i as u64) % P;
        }
        MinHasher { a, b }
    }

    /// The signature of a text (normalised here).
    pub fn signature(&self, text: &str) -> Signature {
        self.signature_of_normalized(&crate::normalize(text))
    }

    /// The signature of a text already [`normalize`](crate::normalize)d.
    pub fn signature_of_normalized(&self, norm: &str) -> Signature {
        let mut hashes = shingle_hashes(norm);
        hashes.sort_unstable();
        hashes.dedup();
        let mut mins = [u64::MAX; PERMUTATIONS];
        for &h in &hashes {
            let h = h % P;
            for ((m, &a), &b) in mins.iter_mut().zip(&self.a).zip(&self.b) {
                let v = mulmod(a, h) + b;
                let v = if v >= P { v - P } else { v };
                if v < *m {
                    *m = v;
                }
            }
        }
        let mut values = [0u32; PERMUTATIONS];
        for (o, m) in values.iter_mut().zip(mins) {
            *o = m as u32;
        }
        Signature { values, shingles: hashes.len() as u32 }
    }
}

/// Estimates this close to the threshold (either side) are settled on the
/// exact shingle sets: with 128 permutations the estimate's standard error
/// near J = 0.8 is about 0.035, enough to flip a real syndicated copy.
pub const VERIFY_MARGIN: f64 = 0.1;

/// The exact form of [`Signature::near_duplicate`], on the two texts' shingle
/// sets: Jaccard at least `threshold`, or containment at least
/// [`CONTAINMENT`] with a size ratio of at least [`MIN_SIZE_RATIO`], or an
/// edited copy: each text's words are covered by shingles the other shares
/// at [`edit_coverage`]`(threshold)`. Returns the Jaccard similarity when
/// they are near duplicates.
///
/// Resemblance punishes a changed word five times over (every shingle that
/// holds it differs), so a copy with 2–3% of its words edited already falls
/// under 0.8; coverage counts each changed word once.
pub fn exact_near_duplicate(a: &str, b: &str, threshold: f64) -> Option<f64> {
    let (xs, ys) = (shingle_hashes(&crate::normalize(a)), shingle_hashes(&crate::normalize(b)));
    let sorted = |h: &[u64]| -> Vec<u64> {
        let mut h = h.to_vec();
        h.sort_unstable();
        h.dedup();
        h
    };
    let (x, y) = (sorted(&xs), sorted(&ys));
    if x.is_empty() || y.is_empty() {
        return None;
    }
    // Both sorted: count the intersection by merging.
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < x.len() && j < y.len() {
        match x[i].cmp(&y[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let (small, large) = (x.len().min(y.len()) as f64, x.len().max(y.len()) as f64);
    let jac = common as f64 / (x.len() + y.len() - common) as f64;
    let contained = small / large >= MIN_SIZE_RATIO && common as f64 / small >= CONTAINMENT;
    let edited = || {
        let need = edit_coverage(threshold);
        word_coverage(&xs, &y) >= need && word_coverage(&ys, &x) >= need
    };
    (jac >= threshold || contained || edited()).then_some(jac)
}

/// The word coverage that makes an edited copy a near duplicate at
/// `threshold`: halfway from the threshold to 1 (0.9 at the default 0.8,
/// about one word in ten changed; 0.95 at 0.9).
pub fn edit_coverage(threshold: f64) -> f64 {
    (1.0 + threshold) / 2.0
}

/// Share of a text's words inside at least one of its shingles that `other`
/// (sorted) also has. `shingles` are the text's shingle hashes in word order.
fn word_coverage(shingles: &[u64], other: &[u64]) -> f64 {
    if shingles.len() == 1 {
        // Under five words: one shingle of all of them.
        return if other.binary_search(&shingles[0]).is_ok() { 1.0 } else { 0.0 };
    }
    let words = shingles.len() + SHINGLE - 1;
    let (mut covered, mut until) = (0usize, 0usize);
    for (start, h) in shingles.iter().enumerate() {
        if other.binary_search(h).is_ok() {
            // Words start..start+SHINGLE are covered; count the ones not yet counted.
            covered += start + SHINGLE - until.max(start);
            until = start + SHINGLE;
        }
    }
    covered as f64 / words as f64
}

/// xxh3 of every word 5-gram of normalised text (one shingle of all words
/// when there are fewer than five).
fn shingle_hashes(norm: &str) -> Vec<u64> {
    // Word start offsets; words are separated by single spaces.
    let starts: Vec<usize> =
        std::iter::once(0).chain(norm.match_indices(' ').map(|(i, _)| i + 1)).filter(|_| !norm.is_empty()).collect();
    let n = starts.len();
    if n == 0 {
        return Vec::new();
    }
    if n < SHINGLE {
        return vec![xxh3_64(norm.as_bytes())];
    }
    (0..=n - SHINGLE)
        .map(|i| {
            let end = if i + SHINGLE < n { starts[i + SHINGLE] - 1 } else { norm.len() };
            xxh3_64(&norm.as_bytes()[starts[i]..end])
        })
        .collect()
}

impl Signature {
    /// Estimated Jaccard similarity: the share of equal minimums.
    pub fn jaccard(&self, other: &Signature) -> f64 {
        if self.shingles == 0 || other.shingles == 0 {
            return 0.0;
        }
        let eq = self.values.iter().zip(&other.values).filter(|(a, b)| a == b).count();
        eq as f64 / PERMUTATIONS as f64
    }

    /// Estimated containment of the smaller shingle set in the larger:
    /// `|A ∩ B| / min(|A|, |B|)`, from the resemblance `J` and the set sizes
    /// (`|A ∩ B| = J (|A| + |B|) / (1 + J)`). High when one text is the other
    /// plus or minus a paragraph or a byline.
    pub fn containment(&self, other: &Signature) -> f64 {
        let j = self.jaccard(other);
        let (a, b) = (self.shingles as f64, other.shingles as f64);
        if j == 0.0 || a == 0.0 || b == 0.0 {
            return 0.0;
        }
        (j * (a + b) / (1.0 + j) / a.min(b)).min(1.0)
    }

    /// Whether two documents are near duplicates: resemblance at least
    /// `threshold`, or containment at least [`CONTAINMENT`] with the smaller
    /// text at least [`MIN_SIZE_RATIO`] of the larger (a brief is not a
    /// duplicate of the long article that grew from it). Returns the
    /// resemblance when they are.
    pub fn near_duplicate(&self, other: &Signature, threshold: f64) -> Option<f64> {
        let j = self.jaccard(other);
        let (a, b) = (self.shingles as f64, other.shingles as f64);
        let ratio = if a.max(b) > 0.0 { a.min(b) / a.max(b) } else { 0.0 };
        (j >= threshold || (ratio >= MIN_SIZE_RATIO && self.containment(other) >= CONTAINMENT)).then_some(j)
    }

    /// The LSH band keys, one per band (as i64 for SQLite).
    pub fn bands(&self) -> [i64; BANDS] {
        let mut out = [0i64; BANDS];
        for (j, o) in out.iter_mut().enumerate() {
            let mut bytes = [0u8; ROWS * 4];
            for (k, v) in self.values[j * ROWS..(j + 1) * ROWS].iter().enumerate() {
                bytes[k * 4..k * 4 + 4].copy_from_slice(&v.to_le_bytes());
            }
            *o = xxh3_64_with_seed(&bytes, j as u64) as i64;
        }
        out
    }

    /// The values as little-endian bytes (the stored form).
    pub fn to_bytes(&self) -> Vec<u8> {
        self.values.iter().flat_map(|v| v.to_le_bytes()).collect()
    }

    /// Read the stored form back.
    pub fn from_bytes(bytes: &[u8], shingles: u32) -> Option<Signature> {
        if bytes.len() != PERMUTATIONS * 4 {
            return None;
        }
        let mut values = [0u32; PERMUTATIONS];
        for (v, c) in values.iter_mut().zip(bytes.chunks_exact(4)) {
            *v = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
        }
        Some(Signature { values, shingles })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "Senior British and Russian officials are to resume efforts to find a solution to the crisis \
        in Syria, David Cameron and Vladimir Putin have agreed. The resumption of talks between security advisers \
        was discussed by the leaders in a telephone conversation on Monday, Downing Street said. President Putin \
        had phoned Mr Cameron to congratulate him on winning the UK election, a spokeswoman added.";

    #[test]
    fn signatures_are_frozen() {
        // Persisted values: if this changes, stored signatures no longer match.
        let s = MinHasher::new().signature(TEXT);
        assert_eq!(s.shingles, 59);
        let pinned: u64 = s.values.iter().map(|&v| v as u64).sum();
        assert_eq!(pinned, PINNED_SUM, "MinHash output changed");
        assert_eq!(s.bands()[0], PINNED_BAND0, "band keys changed");
    }
    const PINNED_SUM: u64 = 293_676_413_606;
    const PINNED_BAND0: i64 = -5_829_193_551_754_872_378;

    #[test]
    fn identical_and_reformatted_texts_match_fully() {
        let m = MinHasher::new();
        let a = m.signature(TEXT);
        let b = m.signature(&TEXT.replace(". ", ".\n\n").to_uppercase());
        assert_eq!(a, b);
        assert_eq!(a.jaccard(&b), 1.0);
        assert_eq!(a.bands(), b.bands());
    }

    #[test]
    fn small_edit_is_similar_and_other_text_is_not() {
        let m = MinHasher::new();
        let a = m.signature(TEXT);
        let edited = m.signature(&TEXT.replace("Monday", "Tuesday"));
        let j = a.jaccard(&edited);
        assert!(j > 0.8 && j < 1.0, "{j}");
        assert!(a.bands().iter().zip(edited.bands()).any(|(x, y)| *x == y));
        let other = m.signature("A completely different article about the weather in Scotland and the rain that fell there all week long without stopping once.");
        assert!(a.jaccard(&other) < 0.1);
    }

    #[test]
    fn containment_confirms_added_paragraphs_but_not_briefs() {
        let m = MinHasher::new();
        let base = TEXT.to_string();
        let a = m.signature(&base);
        let more = m.signature(&format!("{base} An editor's note added later says the story was updated with comments from both governments after publication."));
        assert!(a.containment(&more) > 0.9, "{}", a.containment(&more));
        assert!(a.near_duplicate(&more, 0.8).is_some());
        // A brief (the first sentence) inside the long article: contained, but far smaller.
        let brief = m.signature(
            "Senior British and Russian officials are to resume efforts to find a solution to the crisis in Syria.",
        );
        assert!(brief.containment(&a) > 0.9);
        assert_eq!(brief.near_duplicate(&a, 0.8), None);
    }

    #[test]
    fn exact_check_agrees_with_the_sets() {
        let base: Vec<String> = (0..60).map(|i| format!("word{i}")).collect();
        let a = base.join(" ");
        let mut edited = base.clone();
        edited[30] = "changed".into();
        // One word changed in 60: 5 of 56 shingles differ on each side, J = 51/61.
        let j = exact_near_duplicate(&a, &edited.join(" "), 0.8).unwrap();
        assert!((j - 51.0 / 61.0).abs() < 1e-9, "{j}");
        // Two words changed far apart: J = 46/66, containment 46/56, neither
        // reaches 0.8, but 58 of 60 words sit in shared shingles on each side
        // (coverage 0.967 >= 0.9): an edited copy.
        edited[10] = "altered".into();
        let j = exact_near_duplicate(&a, &edited.join(" "), 0.8).unwrap();
        assert!((j - 46.0 / 66.0).abs() < 1e-9, "{j}");
        // At 0.95 the coverage needed is 0.975: not a near duplicate.
        assert_eq!(exact_near_duplicate(&a, &edited.join(" "), 0.95), None);
        // Seven words changed (one in nine): coverage 53/60 < 0.9.
        for k in [2, 18, 24, 40, 48] {
            edited[k] = format!("other{k}");
        }
        assert_eq!(exact_near_duplicate(&a, &edited.join(" "), 0.8), None);
        assert_eq!(exact_near_duplicate(&a, "", 0.5), None);
        // Contained with a similar size: a near duplicate even under the threshold.
        let longer = format!("{a} {}", (0..12).map(|i| format!("extra{i}")).collect::<Vec<_>>().join(" "));
        assert!(exact_near_duplicate(&a, &longer, 0.9).is_some());
    }

    #[test]
    fn word_coverage_counts_each_word_once() {
        let h = |t: &str| shingle_hashes(&crate::normalize(t));
        let sorted = |t: &str| {
            let mut v = h(t);
            v.sort_unstable();
            v
        };
        let base = "a b c d e f g h i j";
        assert_eq!(word_coverage(&h(base), &sorted(base)), 1.0);
        // The last word changed: shingles 0..5 shared, words 0..9 covered.
        assert_eq!(word_coverage(&h(base), &sorted("a b c d e f g h i x")), 0.9);
        // A middle word changed: shingles 0..=2 and 8..=10 shared, every word but it covered.
        let long = "a b c d e f g h i j k l m n o";
        assert_eq!(word_coverage(&h(long), &sorted("a b c d e f g x i j k l m n o")), 14.0 / 15.0);
        assert_eq!(word_coverage(&h(base), &sorted("z y x w v u t s r q")), 0.0);
        assert_eq!(word_coverage(&h("two words"), &sorted("two words")), 1.0);
    }

    #[test]
    fn short_and_empty_texts() {
        let m = MinHasher::new();
        assert_eq!(m.signature("").shingles, 0);
        assert_eq!(m.signature("").jaccard(&m.signature("")), 0.0);
        let s = m.signature("two words");
        assert_eq!(s.shingles, 1);
        assert_eq!(s.jaccard(&m.signature("Two, words!")), 1.0);
    }

    #[test]
    fn stored_form_round_trips() {
        let s = MinHasher::new().signature(TEXT);
        assert_eq!(Signature::from_bytes(&s.to_bytes(), s.shingles), Some(s));
        assert_eq!(Signature::from_bytes(&[1, 2, 3], 1), None);
    }

    #[test]
    fn mulmod_matches_u128() {
        for (a, b) in [(P - 1, P - 1), (12345, 67890), (1 << 60, 3), (0, 5)] {
            assert_eq!(mulmod(a, b) as u128, (a as u128 * b as u128) % P as u128);
        }
    }
}
