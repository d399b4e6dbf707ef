//! Rule family `context`: jusText-style classification of blocks in context.
//!
//! Each block first gets a context-free class from its length and stopword
//! density (or is already known bad from another rule). Then short and
//! near-good blocks take the class of their surroundings: a short line
//! between good paragraphs ("'Deep differences'") is a heading of the
//! article; a short line among boilerplate ("Indy Politics") is not.
//! Parameters and the algorithm follow Pomikálek (2011); see
//! `shared/research/methods.md` §1.1.

/// A block's class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Content.
    Good,
    /// Probably content; decided by neighbours.
    NearGood,
    /// Too short to tell; decided by neighbours.
    Short,
    /// Boilerplate.
    Bad,
}

/// jusText's thresholds.
#[derive(Debug, Clone, Copy)]
pub struct Params {
    /// Below this many characters a block is `Short`.
    pub length_low: usize,
    /// Above this many characters a dense block is `Good` (else `NearGood`).
    pub length_high: usize,
    /// Stopword density for `NearGood`.
    pub stopwords_low: f64,
    /// Stopword density for `Good`.
    pub stopwords_high: f64,
    /// How far below a heading (in characters) a good block may be.
    pub max_heading_distance: usize,
    /// A heading is rescued only when the block above it is not boilerplate
    /// (in dumps, section headings sit inside the body; a short label right
    /// after page chrome is chrome).
    pub heading_needs_text_above: bool,
}

impl Default for Params {
    /// jusText's published defaults.
    fn default() -> Self {
        Params {
            length_low: 70,
            length_high: 200,
            stopwords_low: 0.30,
            stopwords_high: 0.32,
            max_heading_distance: 200,
            heading_needs_text_above: false,
        }
    }
}

impl Params {
    /// Defaults for text dumps of news pages: paragraphs there are often one
    /// or two sentences, so a dense 140-character line already anchors the
    /// body (jusText's 200 leaves many articles without a single anchor).
    pub fn for_dumps() -> Params {
        Params {
            length_low: 70,
            length_high: 140,
            stopwords_low: 0.25,
            stopwords_high: 0.30,
            max_heading_distance: 200,
            heading_needs_text_above: true,
        }
    }
}

/// Context-free class from length (characters) and stopword density.
pub fn context_free(p: &Params, chars: usize, density: f64) -> Class {
    if chars < p.length_low {
        Class::Short
    } else if density >= p.stopwords_high {
        if chars > p.length_high {
            Class::Good
        } else {
            Class::NearGood
        }
    } else if density >= p.stopwords_low {
        Class::NearGood
    } else {
        Class::Bad
    }
}

/// One block as the context pass sees it.
#[derive(Debug, Clone, Copy)]
pub struct Block {
    /// Context-free class.
    pub class: Class,
    /// Characters.
    pub chars: usize,
    /// Looks like a heading (short, no terminal punctuation).
    pub heading: bool,
}

/// Revise classes in context; returns the final class of every block
/// (only `Good` or `Bad`).
pub fn revise(p: &Params, blocks: &[Block]) -> Vec<Class> {
    let n = blocks.len();
    let mut cls: Vec<Class> = blocks.iter().map(|b| b.class).collect();

    let text_above =
        |cls: &[Class], i: usize| !p.heading_needs_text_above || neighbour(cls, i, false, false) != Class::Bad;
    // Short headings followed closely by good text become near-good.
    // (Setting a block's class changes no answer for a block after it.)
    let below = good_below(p, blocks, &cls);
    for i in 0..n {
        if blocks[i].heading && cls[i] == Class::Short && below[i] && text_above(&cls, i) {
            cls[i] = Class::NearGood;
        }
    }

    // Short blocks. Neighbours are looked up in tables built in one pass each
    // way: a dump of thousands of short lines would make a scan per line quadratic.
    let decided = |c: Class| matches!(c, Class::Good | Class::Bad);
    let (before, after) = nearest(&cls, decided);
    let (before_any, after_any) = nearest(&cls, |c| c != Class::Short);
    let mut new = cls.clone();
    for i in 0..n {
        if cls[i] != Class::Short {
            continue;
        }
        new[i] = match (before[i], after[i]) {
            (Class::Good, Class::Good) => Class::Good,
            (Class::Bad, Class::Bad) => Class::Bad,
            (_, next) => {
                // Mixed: look at the nearest neighbour on the bad side, near-good counted.
                let bad_side = if next == Class::Bad { after_any[i] } else { before_any[i] };
                if bad_side == Class::NearGood {
                    Class::Good
                } else {
                    Class::Bad
                }
            }
        };
    }
    cls = new;

    // Near-good blocks.
    let (before, after) = nearest(&cls, decided);
    let mut new = cls.clone();
    for i in 0..n {
        if cls[i] != Class::NearGood {
            continue;
        }
        new[i] = if before[i] == Class::Bad && after[i] == Class::Bad { Class::Bad } else { Class::Good };
    }
    cls = new;

    // Headings that were not bad context-free, with good text close below.
    let below = good_below(p, blocks, &cls);
    for i in 0..n {
        if blocks[i].heading && cls[i] == Class::Bad && blocks[i].class != Class::Bad && below[i] && text_above(&cls, i)
        {
            cls[i] = Class::Good;
        }
    }
    cls
}

/// For every block, whether a good block follows it with at most
/// `max_heading_distance` characters between them: one pass from the end
/// (a scan below each block would be quadratic in a run of short lines).
fn good_below(p: &Params, blocks: &[Block], cls: &[Class]) -> Vec<bool> {
    let mut out = vec![false; cls.len()];
    // Characters between the block and the next good block below it.
    let mut gap: Option<usize> = None;
    for i in (0..cls.len()).rev() {
        out[i] = gap.is_some_and(|g| g <= p.max_heading_distance);
        gap = if cls[i] == Class::Good { Some(0) } else { gap.map(|g| g.saturating_add(blocks[i].chars)) };
    }
    out
}

/// For every block, the class of the nearest block before it and after it
/// that `counts` (the document edges count as Bad): what [`neighbour`]
/// answers for one block, for all of them in two passes.
fn nearest(cls: &[Class], counts: impl Fn(Class) -> bool) -> (Vec<Class>, Vec<Class>) {
    let mut before = Vec::with_capacity(cls.len());
    let mut last = Class::Bad;
    for &c in cls {
        before.push(last);
        if counts(c) {
            last = c;
        }
    }
    let mut after = vec![Class::Bad; cls.len()];
    let mut last = Class::Bad;
    for (i, &c) in cls.iter().enumerate().rev() {
        after[i] = last;
        if counts(c) {
            last = c;
        }
    }
    (before, after)
}

/// The class of the nearest block that is Good or Bad (or NearGood, unless
/// ignored), skipping Short ones; the document edges count as Bad.
fn neighbour(cls: &[Class], i: usize, ignore_neargood: bool, forward: bool) -> Class {
    let mut j = i;
    loop {
        if forward {
            j += 1;
            if j >= cls.len() {
                return Class::Bad;
            }
        } else {
            if j == 0 {
                return Class::Bad;
            }
            j -= 1;
        }
        match cls[j] {
            Class::Good | Class::Bad => return cls[j],
            Class::NearGood if !ignore_neargood => return Class::NearGood,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Class::*;

    fn b(class: Class) -> Block {
        Block { class, chars: if class == Short { 20 } else { 300 }, heading: false }
    }

    #[test]
    fn short_between_good_is_good_and_among_bad_is_bad() {
        let p = Params::default();
        assert_eq!(revise(&p, &[b(Good), b(Short), b(Good)]), [Good, Good, Good]);
        assert_eq!(revise(&p, &[b(Bad), b(Short), b(Bad)]), [Bad, Bad, Bad]);
        // trailing widgets: good, short, short, <edge>
        assert_eq!(revise(&p, &[b(Good), b(Short), b(Short)]), [Good, Bad, Bad]);
    }

    #[test]
    fn near_good_survives_unless_both_sides_are_bad() {
        let p = Params::default();
        assert_eq!(revise(&p, &[b(Bad), b(NearGood), b(Good)]), [Bad, Good, Good]);
        assert_eq!(revise(&p, &[b(Bad), b(NearGood), b(Bad)]), [Bad, Bad, Bad]);
        // mixed short next to near-good on the bad side
        assert_eq!(revise(&p, &[b(Bad), b(NearGood), b(Short), b(Good)]), [Bad, Good, Good, Good]);
    }

    #[test]
    fn heading_before_good_text_is_kept() {
        let p = Params::default();
        let h = Block { class: Short, chars: 18, heading: true };
        assert_eq!(revise(&p, &[b(Bad), h, b(Good)]), [Bad, Good, Good]);
        // In dumps, a label right after chrome is chrome.
        let d = Params::for_dumps();
        assert_eq!(revise(&d, &[b(Bad), h, b(Good)]), [Bad, Bad, Good]);
        assert_eq!(revise(&d, &[b(Good), h, b(Good)]), [Good, Good, Good]);
    }

    #[test]
    fn context_free_thresholds() {
        let p = Params::default();
        assert_eq!(context_free(&p, 30, 0.9), Short);
        assert_eq!(context_free(&p, 250, 0.4), Good);
        assert_eq!(context_free(&p, 150, 0.4), NearGood);
        assert_eq!(context_free(&p, 250, 0.31), NearGood);
        assert_eq!(context_free(&p, 250, 0.1), Bad);
    }
}

#[cfg(test)]
mod nearest_tests {
    use super::*;
    use proptest::prelude::*;

    fn class() -> impl Strategy<Value = Class> {
        prop_oneof![Just(Class::Good), Just(Class::NearGood), Just(Class::Short), Just(Class::Bad)]
    }

    proptest! {
        /// The tables answer what a scan from each block answers.
        #[test]
        fn nearest_tables_match_the_scan(cls in proptest::collection::vec(class(), 0..40)) {
            let (before, after) = nearest(&cls, |c| matches!(c, Class::Good | Class::Bad));
            let (before_any, after_any) = nearest(&cls, |c| c != Class::Short);
            for i in 0..cls.len() {
                prop_assert_eq!(before[i], neighbour(&cls, i, true, false));
                prop_assert_eq!(after[i], neighbour(&cls, i, true, true));
                prop_assert_eq!(before_any[i], neighbour(&cls, i, false, false));
                prop_assert_eq!(after_any[i], neighbour(&cls, i, false, true));
            }
        }

        /// The one pass from the end answers what a scan below each block does.
        #[test]
        fn good_below_matches_the_scan(
            blocks in proptest::collection::vec((class(), 0usize..120), 0..40),
            max in 0usize..300,
        ) {
            let p = Params { max_heading_distance: max, ..Params::default() };
            let cls: Vec<Class> = blocks.iter().map(|b| b.0).collect();
            let blocks: Vec<Block> = blocks.iter().map(|&(class, chars)| Block { class, chars, heading: true }).collect();
            let below = good_below(&p, &blocks, &cls);
            for (i, &got) in below.iter().enumerate() {
                // Down from the block: good text before `max` characters are passed.
                let mut dist = 0;
                let mut found = false;
                for j in i + 1..cls.len() {
                    if cls[j] == Class::Good {
                        found = true;
                        break;
                    }
                    dist += blocks[j].chars;
                    if dist > max {
                        break;
                    }
                }
                prop_assert_eq!(got, found, "block {}", i);
            }
        }
    }
}
