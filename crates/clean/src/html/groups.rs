//! Repeated structures: sibling elements made alike (the same tag and the
//! same class names, numbers aside), such as the posts of a thread, the cards
//! of a listing, the teasers of other stories under an article.
//!
//! What a group is made of tells what it is: cards that each lead with a
//! headline link (four words or more) are teasers of other pages; records
//! that each carry a time are posts or comments.

use super::dom::{Dom, Kind, Tag};
use super::junk::Junk;
use super::score::Stats;
use crate::dates;

/// A group of alike siblings.
#[derive(Debug, Clone)]
pub struct Group {
    /// The members, in document order.
    pub members: Vec<usize>,
    /// Members holding a link whose text reads like a headline.
    pub headlines: usize,
    /// Members holding a time (`<time>`, a `datetime`, a short date text).
    pub timed: usize,
    /// Members holding a link.
    pub linked: usize,
    /// Members whose text ends cut short ("…", "...", "[…]"): excerpts.
    pub excerpts: usize,
    /// Members showing a price.
    pub priced: usize,
}

impl Group {
    /// Cards that lead to other pages: most members hold a headline link,
    /// or end in an excerpt's ellipsis.
    pub fn is_teasers(&self) -> bool {
        self.headlines.max(self.excerpts) * 2 >= self.members.len()
    }
}

/// What makes siblings alike: their tag and class names.
type Signature = (Tag, Vec<String>);

/// What siblings are compared by: their tag and class tokens, digits
/// dropped ("post-12" and "post-13" are alike).
fn signature(dom: &Dom<'_>, i: usize) -> Option<Signature> {
    let tag = dom.tag(i)?;
    let mut tokens: Vec<String> = dom
        .attr(i, "class")
        .unwrap_or("")
        .split_ascii_whitespace()
        .map(|t| t.chars().filter(|c| !c.is_ascii_digit()).collect::<String>())
        .filter(|t| !t.is_empty())
        .collect();
    tokens.sort_unstable();
    tokens.dedup();
    Some((tag, tokens))
}

/// Siblings are alike when they have the same tag and share most class
/// tokens (a Jaccard index of a half: "post type-post category-news" and
/// "post type-post category-sport" are two posts).
fn alike(a: &Signature, b: &Signature) -> bool {
    if a.0 != b.0 {
        return false;
    }
    if a.1.is_empty() || b.1.is_empty() {
        return a.1.is_empty() && b.1.is_empty();
    }
    let shared = a.1.iter().filter(|t| b.1.binary_search(t).is_ok()).count();
    let union = a.1.len() + b.1.len() - shared;
    shared * 2 >= union
}

/// What the group rules read of a subtree, found when first asked for and
/// kept (most nodes are never asked: only the members of groups are).
pub struct Facts {
    /// Per node: 0 not looked at yet, else [`KNOWN`] and the fact bits.
    bits: Vec<std::cell::Cell<u8>>,
}

const KNOWN: u8 = 1;
const TIMED: u8 = 2;
const PRICED: u8 = 4;
const LINKED: u8 = 8;

/// Facts for the nodes of a page of `dom.len()` nodes.
pub fn facts(dom: &Dom<'_>) -> Facts {
    Facts { bits: (0..dom.len()).map(|_| std::cell::Cell::new(0)).collect() }
}

impl Facts {
    /// The fact bits of the subtree under `m`.
    fn of(&self, dom: &Dom<'_>, m: usize) -> u8 {
        let known = self.bits[m].get();
        if known & KNOWN != 0 {
            return known;
        }
        let mut bits = KNOWN;
        for j in m..dom.nodes[m].end {
            bits |= match dom.nodes[j].kind {
                Kind::Elem { tag: Tag::A, .. } => LINKED,
                Kind::Elem { tag: Tag::Time, .. } => TIMED,
                Kind::Elem { el, .. } if el.attr("datetime").is_some() => TIMED,
                Kind::Text(t) => {
                    let digits = t.bytes().any(|b| b.is_ascii_digit());
                    let timed = t.len() < 60 && (digits && dates::find_date(t).is_some() || relative_time(t));
                    let priced = t.len() < 80 && digits && PRICE.is_match(t);
                    (if timed { TIMED } else { 0 }) | (if priced { PRICED } else { 0 })
                }
                _ => 0,
            };
        }
        self.bits[m].set(bits);
        bits
    }
}

/// Among the first few texts under `m` (a kicker, a date may come first)
/// is a link of four words or more: a card that leads with the headline of
/// another page.
fn led_by_headline(dom: &Dom<'_>, m: usize) -> bool {
    let mut link_end = 0;
    let mut texts = 0;
    for j in m..dom.nodes[m].end {
        match dom.nodes[j].kind {
            Kind::Elem { tag: Tag::A, .. } if j >= link_end => {
                if dom.text(j).split_whitespace().count() >= 4 {
                    return true;
                }
                link_end = dom.nodes[j].end;
            }
            Kind::Text(t) if !t.trim().is_empty() && j >= link_end => {
                texts += 1;
                if texts >= 3 {
                    return false;
                }
            }
            _ => {}
        }
    }
    false
}

/// The text under `m` ends cut short.
fn excerpt(dom: &Dom<'_>, m: usize) -> bool {
    (m..dom.nodes[m].end).rev().find_map(|j| match dom.nodes[j].kind {
        Kind::Text(t) if !t.trim().is_empty() => {
            let t = t.trim_end().trim_end_matches([']', ')']);
            Some(t.ends_with('…') || t.ends_with("..."))
        }
        _ => None,
    }) == Some(true)
}

/// A price: a currency sign and a number, or a number and a currency name.
static PRICE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"[$€£¥₹]\s?[0-9]|[0-9][0-9.,]*\s?(€|£|kr|zł|USD|EUR|GBP|CHF|JPY)(?-u:\b)").expect("static regex")
});

/// "3 days ago", "5 hours ago", "yesterday".
fn relative_time(t: &str) -> bool {
    let t = t.trim();
    t.len() < 40 && {
        let l = t.to_ascii_lowercase();
        l.ends_with(" ago") || l == "yesterday" || l == "today"
    }
}

/// The groups of at least `min` alike siblings with text, outside junk.
pub fn find(dom: &Dom<'_>, junk: &[Junk], st: &Stats, min: usize, f: &Facts) -> Vec<Group> {
    let mut out = Vec::new();
    for p in 0..dom.len() {
        if junk[p] != Junk::No || !matches!(dom.nodes[p].kind, Kind::Elem { .. }) {
            continue;
        }
        // Too few children to make a group: not worth their signatures.
        if dom.children(p).filter(|&c| junk[c] == Junk::No && st.text[c] > 0).take(min).count() < min {
            continue;
        }
        // Clusters of alike children: (signature of the first, members).
        let mut clusters: Vec<(Signature, Vec<usize>)> = Vec::new();
        for c in dom.children(p) {
            if junk[c] != Junk::No || st.text[c] == 0 {
                continue;
            }
            let Some(sig) = signature(dom, c) else { continue };
            // Paragraphs and inline runs are prose, not records.
            if matches!(
                sig.0,
                Tag::P | Tag::Span | Tag::B | Tag::Strong | Tag::Em | Tag::I | Tag::A | Tag::Br | Tag::Td | Tag::Th
            ) || sig.0.is_heading()
            {
                continue;
            }
            match clusters.iter_mut().find(|(s, _)| alike(s, &sig)) {
                Some((_, m)) => m.push(c),
                None => clusters.push((sig, vec![c])),
            }
        }
        for (_, members) in clusters {
            if members.len() < min {
                continue;
            }
            let count = |bit: u8| members.iter().filter(|&&m| f.of(dom, m) & bit != 0).count();
            let excerpts = members.iter().filter(|&&m| excerpt(dom, m)).count();
            out.push(Group {
                excerpts,
                priced: count(PRICED),
                headlines: members.iter().filter(|&&m| led_by_headline(dom, m)).count(),
                timed: count(TIMED),
                linked: count(LINKED),
                members,
            });
        }
    }
    out
}

/// Per node: inside a member of a teaser group.
pub fn teaser_marks(dom: &Dom<'_>, groups: &[Group]) -> Vec<bool> {
    let mut marks = vec![false; dom.len()];
    for g in groups.iter().filter(|g| g.is_teasers()) {
        for &m in &g.members {
            for x in &mut marks[m..dom.nodes[m].end] {
                *x = true;
            }
        }
    }
    marks
}
