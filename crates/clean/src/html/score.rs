//! Container scoring, Readability-style, over the flattened tree.
//!
//! Every paragraph-like element with at least 25 characters of its own text
//! scores `1 + commas + min(chars / 100, 3)`, credited to its parent in full,
//! its grandparent by half and further ancestors by `1 / (3 · level)`.
//! A container's score adds a tag prior and a class/id weight and is
//! discounted by its link density. The best container is widened to its
//! parent when the parent scores comparably, and joined by siblings that
//! score well or read like paragraphs.

use std::sync::LazyLock;

use regex::Regex;

use super::dom::{Dom, Kind, Tag};
use super::junk::Junk;
use crate::Favor;

pub(super) static POSITIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i-u)article|body|content|entry|hentry|h-entry|main|page|post|text|blog|story").expect("static regex")
});
pub(super) static NEGATIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i-u)-ad-|hidden|^hid$|banner|combx|comment|com-|contact|footer|gdpr|masthead|media|meta|outbrain|promo|related|scroll|share|shoutbox|sidebar|skyscraper|sponsor|shopping|tags|widget|teaser|recirc|newsletter")
        .expect("static regex")
});
static STRONG_BODY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i-u)(^|[\s_-])(article|story|entry|post|news|blog|main)[_-]?(body|content|text|copy)($|[\s_-])|articlebody|storybody|postbody|article__body|story__body|entry-content|post-content|field-body|body-?text|article-?text|rich-?text")
        .expect("static regex")
});

/// Per-node text statistics (junk excluded).
pub struct Stats {
    /// Characters of text in the subtree.
    pub text: Vec<u32>,
    /// Characters inside links in the subtree.
    pub link: Vec<u32>,
    /// Characters of text not inside a nested block element.
    pub flow: Vec<u32>,
    /// Commas in the subtree.
    pub commas: Vec<u32>,
}

/// Characters a text node contributes once whitespace is collapsed (every
/// word, plus one space before each word that whitespace precedes), its
/// commas and its words: one pass over the text.
pub fn text_stats(t: &str) -> TextStats {
    let (mut chars, mut commas, mut words, mut after_space) = (0u32, 0u32, 0u32, true);
    let b = t.as_bytes();
    // ASCII (the most of any text, curly quotes and accents between) a
    // byte at a time, other characters decoded.
    let mut i = 0;
    while i < b.len() {
        let (space, comma) = if b[i].is_ascii() {
            let c = b[i];
            i += 1;
            (matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'), c == b',')
        } else {
            let c = t[i..].chars().next().expect("a character at a boundary");
            i += c.len_utf8();
            (c.is_whitespace(), matches!(c, '，' | '、'))
        };
        let start = !space && after_space;
        words += u32::from(start);
        chars += u32::from(!space) + u32::from(start);
        commas += u32::from(comma);
        after_space = space;
    }
    // A space before each word but the first; whitespace before the first
    // word counts one space.
    if words > 0 && !t.starts_with(char::is_whitespace) {
        chars -= 1;
    }
    TextStats { chars, commas, words }
}

/// What [`text_stats`] counts of a text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TextStats {
    /// Characters once whitespace is collapsed.
    pub chars: u32,
    /// Commas (of three scripts).
    pub commas: u32,
    /// Whitespace-separated words.
    pub words: u32,
}

impl Stats {
    /// One reverse pass over the preorder arrays.
    pub fn compute(dom: &Dom<'_>, junk: &[Junk]) -> Stats {
        let n = dom.len();
        let mut s = Stats { text: vec![0; n], link: vec![0; n], flow: vec![0; n], commas: vec![0; n] };
        for i in (0..n).rev() {
            if junk[i] != Junk::No {
                continue;
            }
            match dom.nodes[i].kind {
                Kind::Text(_) => {
                    let TextStats { chars: len, commas, .. } = dom.text_stats[i];
                    s.text[i] = len;
                    s.flow[i] = len;
                    s.commas[i] = commas;
                }
                Kind::Elem { tag: Tag::A, .. } => s.link[i] = s.text[i],
                _ => {}
            }
            let p = dom.nodes[i].parent;
            if p == usize::MAX {
                continue;
            }
            s.text[p] += s.text[i];
            s.link[p] += s.link[i];
            s.commas[p] += s.commas[i];
            let is_block = dom.tag(i).is_some_and(Tag::is_block);
            if !is_block {
                s.flow[p] += s.flow[i];
            }
        }
        s
    }

    /// Link density of node `i`.
    pub fn link_density(&self, i: usize) -> f64 {
        if self.text[i] == 0 {
            0.0
        } else {
            self.link[i] as f64 / self.text[i] as f64
        }
    }
}

fn class_weight(dom: &Dom<'_>, i: usize) -> f64 {
    let mut w = 0.0;
    for a in ["class", "id"] {
        if let Some(v) = dom.attr(i, a).filter(|v| !v.is_empty()) {
            if NEGATIVE.is_match(v) {
                w -= 25.0;
            }
            if POSITIVE.is_match(v) {
                w += 25.0;
            }
            if STRONG_BODY.is_match(v) {
                w += 25.0;
            }
        }
    }
    if dom.attr(i, "itemprop").is_some_and(|p| p == "articleBody") {
        w += 50.0;
    }
    w
}

fn tag_prior(tag: Tag) -> f64 {
    use Tag::*;
    match tag {
        Div | Article | Section | Main => 5.0,
        Pre | Td | Blockquote => 3.0,
        Address | Ol | Ul | Dl | Dd | Dt | Li | Form => -3.0,
        H1 | H2 | H3 | H4 | H5 | H6 | Th => -5.0,
        _ => 0.0,
    }
}

/// Promotion looks at this many top candidates …
const PROMOTE_AMONG: usize = 5;
/// … and promotes when this many others score …
const PROMOTE_RIVALS: usize = 3;
/// … at least this share of the top's score.
const PROMOTE_RATIO: f64 = 0.75;
/// A pick with less than this share of the page's paragraph text …
const MASS_LOW: f64 = 0.4;
/// … widens to the first ancestor holding this share …
const MASS_HIGH: f64 = 0.7;
/// … unless an ancestor on the way has more links than this, or what it
/// adds holds this share of teasers of other pages.
const MASS_MAX_LINKS: f64 = 0.3;
const MASS_MAX_TEASERS: f64 = 0.1;

/// The chosen content: container roots in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picked {
    /// Roots of the subtrees that make up the article.
    pub roots: Vec<usize>,
}

fn is_paragraph_like(tag: Tag) -> bool {
    use Tag::*;
    matches!(tag, P | Pre | Td | Blockquote | Div | Section | Article | Main | Li | Dd | Span | Font | Center | Address)
}

/// Score containers and pick the article.
pub fn pick(dom: &Dom<'_>, junk: &[Junk], st: &Stats, favor: Favor, teaser: &[bool]) -> Option<Picked> {
    let n = dom.len();
    let mut acc = vec![0f64; n];
    let mut touched = vec![false; n];
    // The scored paragraphs and their own text: the text mass of each
    // container is the sum over those below it, without decay.
    let mut paragraphs: Vec<(usize, f64)> = Vec::new();
    for (i, _) in junk.iter().enumerate().filter(|(_, j)| **j == Junk::No) {
        let Some(tag) = dom.tag(i) else { continue };
        if !is_paragraph_like(tag) {
            continue;
        }
        // A list item only counts when it reads like prose.
        let own = if matches!(tag, Tag::P | Tag::Pre | Tag::Td | Tag::Blockquote) { st.text[i] } else { st.flow[i] };
        if own < 25 || (tag == Tag::Li && own < 100) {
            continue;
        }
        let own_ld = if st.text[i] > 0 { st.link[i] as f64 / st.text[i] as f64 } else { 0.0 };
        if own_ld > 0.5 {
            continue;
        }
        let score = 1.0 + st.commas[i] as f64 + (own as f64 / 100.0).floor().min(3.0);
        paragraphs.push((i, own as f64));
        let mut a = dom.nodes[i].parent;
        let mut level = 0;
        while a != usize::MAX && level < 5 {
            if dom.tag(a).is_none() {
                break;
            }
            touched[a] = true;
            let div = match level {
                0 => 1.0,
                1 => 2.0,
                l => l as f64 * 3.0,
            };
            acc[a] += score / div;
            a = dom.nodes[a].parent;
            level += 1;
        }
    }
    let fin = |i: usize| -> f64 {
        if !touched[i] {
            return 0.0;
        }
        let base = tag_prior(dom.tag(i).unwrap_or(Tag::Other)) + class_weight(dom, i);
        (base + acc[i]) * (1.0 - st.link_density(i))
    };
    let scores: Vec<f64> = (0..n).map(fin).collect();
    let mut mass = vec![0f64; n];
    for &(i, own) in &paragraphs {
        mass[i] += own;
    }
    for i in (1..n).rev() {
        let p = dom.nodes[i].parent;
        if p != usize::MAX {
            mass[p] += mass[i];
        }
    }
    let total_mass = mass[0];
    let mut top = (0..n).filter(|&i| touched[i]).max_by(|&a, &b| scores[a].total_cmp(&scores[b]).then(b.cmp(&a)))?;
    if scores[top] <= 0.0 {
        return None;
    }
    let is_top_level = |i: usize| matches!(dom.tag(i), Some(Tag::Body | Tag::Html) | None);
    let has_h1 = |i: usize| (i..dom.nodes[i].end).any(|j| dom.tag(j) == Some(Tag::H1) && junk[j] == Junk::No);
    // Among sibling <article>s (a story followed by teaser cards of others),
    // the story is the one holding the page's <h1> (the top may be inside a
    // teaser <article>).
    let mut a = top;
    while a != usize::MAX && dom.tag(a) != Some(Tag::Article) {
        a = dom.nodes[a].parent;
    }
    if a != usize::MAX && dom.nodes[a].parent != usize::MAX && !has_h1(a) {
        let parent = dom.nodes[a].parent;
        let mut articles = dom.children(parent).filter(|&s| dom.tag(s) == Some(Tag::Article) && junk[s] == Junk::No);
        if let Some(story) = articles.find(|&s| has_h1(s)) {
            top = story;
        }
    }

    // A story: the <article> around the top that holds the page's <h1>,
    // beside other <article>s (teasers of other stories). Neither promotion
    // nor widening takes the content past it.
    let story = {
        let mut a = top;
        while a != usize::MAX && dom.tag(a) != Some(Tag::Article) {
            a = dom.nodes[a].parent;
        }
        (a != usize::MAX && has_h1(a) && {
            let parent = dom.nodes[a].parent;
            parent != usize::MAX
                && dom.children(parent).any(|s| s != a && dom.tag(s) == Some(Tag::Article) && junk[s] == Junk::No)
        })
        .then_some(a)
    };
    let past_story = |p: usize| story.is_some_and(|a| p < a);

    // Readability's promotion: when several other containers score nearly as
    // well (an article cut into sections, a thread of posts), their common
    // ancestor is the content.
    let mut ranked: Vec<usize> = (0..n).filter(|&i| touched[i] && i != top).collect();
    ranked.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    // Teasers of other pages (cards led by a headline link) are not the
    // article, however well their excerpts score.
    let rivals: Vec<usize> = ranked
        .into_iter()
        .take(PROMOTE_AMONG - 1)
        .filter(|&c| scores[c] >= PROMOTE_RATIO * scores[top] && !teaser[c])
        // Another container, not the top's own ancestor or descendant.
        .filter(|&c| !(c < top && top < dom.nodes[c].end || top < c && c < dom.nodes[top].end))
        .collect();
    if rivals.len() >= PROMOTE_RIVALS {
        let mut p = dom.nodes[top].parent;
        while p != usize::MAX && !is_top_level(p) && !past_story(p) {
            let inside = rivals.iter().filter(|&&c| c >= p && c < dom.nodes[p].end).count();
            if inside >= PROMOTE_RIVALS {
                top = p;
                break;
            }
            p = dom.nodes[p].parent;
        }
    }

    // Widen to a parent that scores comparably (the article split over siblings).
    let mut last = scores[top];
    let mut p = dom.nodes[top].parent;
    while p != usize::MAX && !is_top_level(p) {
        if !touched[p] {
            p = dom.nodes[p].parent;
            continue;
        }
        if scores[p] < last / 3.0 {
            break;
        }
        if scores[p] > scores[top] {
            top = p;
            break;
        }
        last = scores[p];
        p = dom.nodes[p].parent;
    }
    // An only child stands for its parent.
    loop {
        let p = dom.nodes[top].parent;
        if p == usize::MAX || is_top_level(p) {
            break;
        }
        let element_children = dom.children(p).filter(|&c| dom.tag(c).is_some() && junk[c] == Junk::No).count();
        let loose_text = dom.children(p).any(|c| matches!(dom.nodes[c].kind, Kind::Text(t) if !t.trim().is_empty()));
        if element_children == 1 && !loose_text {
            top = p;
        } else {
            break;
        }
    }

    // Text mass: when the pick holds little of the page's paragraph text and
    // an ancestor with few links holds most of it, the ancestor is the
    // content (a page builder wraps each section of an article six to ten
    // levels deep, further than scores travel up).
    if mass[top] < MASS_LOW * total_mass {
        let mut p = dom.nodes[top].parent;
        while p != usize::MAX && !is_top_level(p) && !past_story(p) {
            if st.link_density(p) > MASS_MAX_LINKS {
                break;
            }
            if mass[p] >= MASS_HIGH * total_mass {
                // Not when what it adds holds teasers of other pages.
                let (t0, t1) = (top, dom.nodes[top].end);
                let teasers: f64 = paragraphs
                    .iter()
                    .filter(|&&(i, _)| i >= p && i < dom.nodes[p].end && !(t0..t1).contains(&i) && teaser[i])
                    .map(|&(_, own)| own)
                    .sum();
                if teasers < MASS_MAX_TEASERS * (mass[p] - mass[top]) {
                    top = p;
                }
                break;
            }
            p = dom.nodes[p].parent;
        }
    }

    // Siblings.
    let factor = match favor {
        Favor::Precision => 0.3,
        Favor::Balanced => 0.2,
        Favor::Recall => 0.1,
    };
    let threshold = (scores[top] * factor).max(10.0);
    let parent = dom.nodes[top].parent;
    if parent == usize::MAX {
        return Some(Picked { roots: vec![top] });
    }
    let top_class = dom.attr(top, "class").filter(|c| !c.is_empty());
    let mut roots = Vec::new();
    for s in dom.children(parent) {
        if s == top {
            roots.push(s);
            continue;
        }
        if junk[s] != Junk::No || dom.tag(s).is_none() {
            continue;
        }
        // An <article> beside the chosen <article> is another story (a teaser list).
        if dom.tag(top) == Some(Tag::Article) && dom.tag(s) == Some(Tag::Article) {
            continue;
        }
        let bonus = if top_class.is_some() && dom.attr(s, "class") == top_class { scores[top] * 0.2 } else { 0.0 };
        let ok = if touched[s] && scores[s] + bonus >= threshold {
            true
        } else if dom.tag(s) == Some(Tag::P) {
            let len = st.text[s];
            let ld = st.link_density(s);
            (len > 80 && ld < 0.25) || (len > 0 && len <= 80 && ld == 0.0 && ends_like_sentence(dom, s))
        } else {
            false
        };
        if ok {
            roots.push(s);
        }
    }
    // Cousins: an article cut into chunks, each in a wrapper of its own
    // beside an ad rail (`chunks > grid > body`, `chunks > grid > body`):
    // the containers named like the chosen one one level further out.
    let grandparent = dom.nodes[parent].parent;
    if let (Some(class), true) = (top_class, grandparent != usize::MAX && !is_top_level(parent)) {
        for uncle in dom.children(grandparent).filter(|&u| u != parent && junk[u] == Junk::No) {
            for c in dom.children(uncle) {
                if junk[c] == Junk::No && touched[c] && scores[c] > 0.0 && dom.attr(c, "class") == Some(class) {
                    roots.push(c);
                }
            }
        }
        roots.sort_unstable();
    }
    // Coverage: a page of many sections (a service page, a product page)
    // is not one block of prose. When the roots hold under half of the
    // page's paragraph text, and are not an article (a few long paragraphs
    // of prose), the content is the smallest element that holds most of it.
    let long = paragraphs
        .iter()
        .filter(|&&(i, own)| own >= PROSE_PARAGRAPH && roots.iter().any(|&r| i >= r && i < dom.nodes[r].end))
        .count();
    let covered: f64 = roots.iter().map(|&r| mass[r]).sum();
    if story.is_none() && long < ARTICLE_PARAGRAPHS && covered < COVER_LOW * total_mass {
        // Elements holding more than half the mass form a chain of
        // ancestors: the last one in document order is the deepest.
        let deepest = (0..n).rev().find(|&i| {
            junk[i] == Junk::No && !matches!(dom.tag(i), Some(Tag::Html) | None) && mass[i] >= COVER_HIGH * total_mass
        });
        if let Some(t) = deepest {
            roots = vec![t];
        }
    }
    Some(Picked { roots })
}

/// A paragraph this long (characters of its own) is prose; an article
/// has a few, and is read as one block.
const PROSE_PARAGRAPH: f64 = 150.0;
const ARTICLE_PARAGRAPHS: usize = 3;
/// Roots holding less than this share of the page's text …
const COVER_LOW: f64 = 0.5;
/// … give way to the smallest element holding this share.
const COVER_HIGH: f64 = 0.7;

fn ends_like_sentence(dom: &Dom<'_>, i: usize) -> bool {
    let end = dom.nodes[i].end;
    (i..end)
        .rev()
        .find_map(|j| match dom.nodes[j].kind {
            Kind::Text(t) if !t.trim().is_empty() => Some(t.trim_end().ends_with(['.', '!', '?', '"', '”'])),
            _ => None,
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::{text_stats, TextStats};
    use proptest::prelude::*;

    /// The definition: words' characters, the spaces between them, one for
    /// leading whitespace; commas of three scripts.
    fn reference(t: &str) -> TextStats {
        let words: Vec<&str> = t.split_whitespace().collect();
        let chars: usize = words.iter().map(|w| w.chars().count()).sum();
        let lead = usize::from(!words.is_empty() && t.starts_with(char::is_whitespace));
        let len = chars + words.len().saturating_sub(1) + lead;
        TextStats {
            chars: len as u32, commas: t.matches([',', '，', '、']).count() as u32, words: words.len() as u32
        }
    }

    #[test]
    fn text_stats_examples() {
        assert_eq!(text_stats("  Hello,  world \n"), TextStats { chars: 13, commas: 1, words: 2 });
        assert_eq!(text_stats(""), TextStats::default());
        assert_eq!(text_stats(" \u{a0} "), TextStats::default());
        assert_eq!(text_stats("东京，大阪、京都"), TextStats { chars: 8, commas: 2, words: 1 });
    }

    proptest! {
        #[test]
        fn text_stats_match_the_definition(t in "[ a-c,\u{a0}\n，é]{0,40}") {
            prop_assert_eq!(text_stats(&t), reference(&t));
        }
    }
}
