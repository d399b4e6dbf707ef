//! The main region: when the container reading clearly missed the page.
//!
//! A listing, a shop's collection, a product page is not one block of
//! prose: it is a run of cards, sections and lists in the page's main
//! region. After the container reading and its fallbacks, the page's main
//! region (`<main>` or `role=main`, the one with the most text; else
//! `<body>`) is taken instead, read with structural junk rules only and
//! every block kept, when
//!
//! 1. the reading holds under 40 % of a `<main>`'s text (under 5 % of the
//!    body's when the page has no `<main>`: older news pages carry big
//!    sidebars in the body, and their article is still the article);
//! 2. the reading lies mostly outside a `<main>` of some size (a footnote
//!    block outside it won);
//! 3. a list of cards (six or more alike siblings, four in five with a link,
//!    together 40 % of the region's text) fills a `<main>`, and the reading
//!    holds under 85 % of it.
//!
//! Without a `<main>`, a dominant list of cards that carry text of their own
//! (links under half of it: a menu is nearly all links) is the content, when
//! the reading is not already inside it.

use super::dom::{Dom, Tag};
use super::groups;
use super::junk::Junk;
use super::score::Stats;

/// Under this share of `<main>`'s text the reading missed the page.
const MAIN_LOW: f64 = 0.4;
/// … under this share of the body's, when there is no `<main>`.
const BODY_LOW: f64 = 0.05;
/// Least text of a `<main>` the reading may lie outside of.
const MAIN_MIN_TEXT: u32 = 500;
/// A card list fills this share of the region …
const CARDS_SHARE: f64 = 0.4;
/// … and the reading holds under this share of it.
const CARDS_COVERED: f64 = 0.85;
/// Fewest cards in a list.
pub const MIN_CARDS: usize = 6;
/// Most links in the text of a card list without a `<main>`.
const CARDS_MAX_LINKS: f64 = 0.5;

/// The main region, when the reading with `roots` (holding `chars` of
/// text) missed it; `junk` and `st` are the structural (lenient) marks.
/// A reading that holds the page's headline (`title`, an `<h1>`), or sits
/// in the `<article>` that does, is a story: it is left alone unless it lies
/// outside `<main>`.
pub fn instead(
    dom: &Dom<'_>,
    junk: &[Junk],
    st: &Stats,
    roots: &[usize],
    chars: usize,
    title: Option<usize>,
    facts: &groups::Facts,
) -> Option<usize> {
    let chars = chars as f64;
    let inside = |r: usize, m: usize| r >= m && r < dom.nodes[m].end;
    let story = is_story(dom, roots, title);
    let main = (0..dom.len())
        .filter(|&i| {
            junk[i] == Junk::No
                && (dom.tag(i) == Some(Tag::Main)
                    || dom.attr(i, "role").is_some_and(|r| r.eq_ignore_ascii_case("main")))
        })
        .max_by_key(|&i| (st.text[i], std::cmp::Reverse(i)));
    if let Some(m) = main {
        let text = f64::from(st.text[m]);
        // How much of the reading lies in <main>.
        let within: u32 = roots
            .iter()
            .map(|&r| {
                if inside(r, m) {
                    st.text[r]
                } else if inside(m, r) {
                    st.text[m]
                } else {
                    0
                }
            })
            .sum();
        let all: u32 = roots.iter().map(|&r| st.text[r]).sum();
        if st.text[m] >= MAIN_MIN_TEXT && within * 2 < all.max(1) {
            return Some(m);
        }
        if story {
            return None;
        }
        if chars < MAIN_LOW * text {
            return Some(m);
        }
        let cards = card_lists(dom, junk, st, m, facts);
        if cards.iter().any(|c| c.1 >= CARDS_SHARE * text) && chars < CARDS_COVERED * text {
            return Some(m);
        }
        return None;
    }
    if story {
        return None;
    }
    let body = (0..dom.len()).find(|&i| dom.tag(i) == Some(Tag::Body))?;
    let text = f64::from(st.text[body]);
    if chars < BODY_LOW * text {
        return Some(body);
    }
    let (parent, share) = card_lists(dom, junk, st, body, facts)
        .into_iter()
        .filter(|&(p, _)| st.link_density(p) < CARDS_MAX_LINKS)
        .max_by(|a, b| a.1.total_cmp(&b.1))?;
    let already = roots.iter().any(|&r| inside(parent, r));
    (share >= CARDS_SHARE * text && chars < CARDS_COVERED * text && !already).then_some(parent)
}

/// Whether the reading with `roots` lies in the page's `<main>` (or
/// `role=main`), or the page has none: a story there is left alone.
pub fn within_main(dom: &Dom<'_>, roots: &[usize]) -> bool {
    let mains: Vec<usize> = (0..dom.len())
        .filter(|&i| {
            dom.tag(i) == Some(Tag::Main) || dom.attr(i, "role").is_some_and(|r| r.eq_ignore_ascii_case("main"))
        })
        .collect();
    mains.is_empty()
        || roots
            .iter()
            .all(|&r| mains.iter().any(|&m| r >= m && r < dom.nodes[m].end || m >= r && m < dom.nodes[r].end))
}

/// Whether the reading with `roots` holds the page's headline (`title`, an
/// `<h1>`), or sits in the `<article>` that does: it is a story.
pub fn is_story(dom: &Dom<'_>, roots: &[usize], title: Option<usize>) -> bool {
    let inside = |r: usize, m: usize| r >= m && r < dom.nodes[m].end;
    title.is_some_and(|t| {
        let mut article = t;
        while article != usize::MAX && dom.tag(article) != Some(Tag::Article) {
            article = dom.nodes[article].parent;
        }
        roots.iter().any(|&r| inside(t, r) || (article != usize::MAX && inside(r, article)))
    })
}

/// The card lists under `region`: (the cards' parent, their text).
fn card_lists(dom: &Dom<'_>, junk: &[Junk], st: &Stats, region: usize, facts: &groups::Facts) -> Vec<(usize, f64)> {
    groups::find(dom, junk, st, MIN_CARDS, facts)
        .into_iter()
        .filter(|g| {
            g.members[0] > region && g.members[0] < dom.nodes[region].end && g.linked * 5 >= g.members.len() * 4
        })
        .map(|g| (dom.nodes[g.members[0]].parent, g.members.iter().map(|&m| f64::from(st.text[m])).sum()))
        .collect()
}
