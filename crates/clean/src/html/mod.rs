//! HTML main-content extraction.
//!
//! 1. [`prescan`]: cut scripts, styles, SVG, comments before parsing.
//! 2. Parse (html5ever into a lean arena, [`arena`]) and flatten the tree into
//!    preorder arrays ([`dom`]); every later pass, metadata included, is a
//!    loop over those arrays, so no pass recurses and deep nesting cannot
//!    overflow the stack.
//! 3. Mark junk subtrees ([`junk`]): navigation, forms, hidden nodes,
//!    share / related / comment / cookie / ad containers by class and id —
//!    with a guard that refuses to prune a subtree holding most of the page's
//!    paragraph text.
//! 4. Score containers Readability-style ([`score`]) and take the best with
//!    its related siblings.
//! 5. Emit blocks ([`blocks`]) and filter them: link-heavy blocks, and the
//!    text-mode phrase rules (share lines, appeals, datelines, bylines).
//! 6. Fall back to JSON-LD `articleBody` or to every paragraph of the page
//!    when the result is implausibly short.

mod arena;
mod blocks;
mod dom;
mod groups;
mod junk;
pub mod meta;
pub mod prescan;
mod region;
mod score;

use thresh_doc::{DropReason, Removed};

use crate::normalize;
use crate::phrases::Phrases;
use crate::{dates, lang, Favor};
use blocks::{Block, Place};
use dom::Tag;

/// Limits and switches for HTML extraction.
#[derive(Debug, Clone)]
pub struct HtmlConfig {
    /// Precision / recall trade-off.
    pub favor: Favor,
    /// Extract user comments into their own field.
    pub include_comments: bool,
    /// Largest page accepted, in bytes (after the pre-scan).
    pub max_bytes: usize,
    /// Most elements accepted in one page.
    pub max_elements: usize,
}

impl Default for HtmlConfig {
    fn default() -> Self {
        HtmlConfig { favor: Favor::Balanced, include_comments: false, max_bytes: 16 << 20, max_elements: 200_000 }
    }
}

/// What the extractor produces.
#[derive(Debug, Clone, Default)]
pub struct HtmlOutput {
    /// Metadata.
    pub meta: meta::Meta,
    /// Body paragraphs.
    pub paragraphs: Vec<String>,
    /// Comments (when asked for).
    pub comments: Vec<String>,
    /// Removed segments: every block of the page that is not content, with its kind.
    pub removed: Vec<Removed>,
    /// How the body was found.
    pub method: &'static str,
    /// Detected language of the body.
    pub lang: Option<String>,
}

/// Below this many characters an extraction is suspect and fallbacks are tried.
const MIN_EXTRACTED: usize = 250;

/// Bytes of text in cut `<noscript>`s that make a page worth reading again
/// with them (a forum's crawler view).
const NOSCRIPT_MIN: usize = 1_000;

/// One way of reading the page: junk marks and the content's roots.
struct Reading {
    junk: Vec<junk::Junk>,
    roots: Vec<usize>,
    method: &'static str,
    /// Link-dense blocks are removed (not in a region of cards, whose titles are links).
    link_filter: bool,
    /// Nodes inside a list of priced cards (their title links are content); empty when none.
    cards: Vec<bool>,
}

/// What the extraction steps share.
struct Ctx<'a, 'd> {
    dom: &'a dom::Dom<'d>,
    cfg: &'a HtmlConfig,
    phrases: &'a Phrases,
    title_key: Option<String>,
    /// Nodes of a product page's reviews (dated records), cut from every reading.
    reviews: Vec<bool>,
    /// What the junk rules say of each node, before a marking reads it.
    classified: junk::Classified,
    /// What the group rules read of each node.
    facts: groups::Facts,
    /// The page declares a story (an article, a post).
    story: bool,
}

impl Ctx<'_, '_> {
    /// The page's paragraphs and removals under `reading`.
    fn render(&self, reading: &Reading) -> HtmlOutput {
        let place = blocks::places(self.dom, &reading.junk, &reading.roots);
        let mut out = HtmlOutput { method: reading.method, ..Default::default() };
        let all = blocks::emit(self.dom, &place, &reading.cards, 0);
        filter_blocks(all, &mut out, self.phrases, self.title_key.as_deref(), self.cfg, reading.link_filter);
        out
    }

    fn mark(&self, m: junk::Marking) -> Vec<junk::Junk> {
        let mut junk = junk::mark(self.dom, &self.classified, m);
        for (j, r) in junk.iter_mut().zip(&self.reviews) {
            if *r && matches!(j, junk::Junk::No | junk::Junk::Yes(junk::Chrome::Layout)) {
                *j = junk::Junk::Yes(junk::Chrome::Reviews);
            }
        }
        junk
    }

    /// The container reading under `junk`.
    fn container(&self, junk: Vec<junk::Junk>, method: &'static str) -> Reading {
        let stats = score::Stats::compute(self.dom, &junk);
        self.container_with(junk, &stats, method)
    }

    /// The container reading under `junk`, whose statistics are `stats`.
    fn container_with(&self, junk: Vec<junk::Junk>, stats: &score::Stats, method: &'static str) -> Reading {
        let groups = groups::find(self.dom, &junk, stats, 3, &self.facts);
        let teaser = groups::teaser_marks(self.dom, &groups);
        let roots = score::pick(self.dom, &junk, stats, self.cfg.favor, &teaser).map(|p| p.roots).unwrap_or_default();
        let cards = if self.story { Vec::new() } else { self.priced_cards(groups, stats, &roots) };
        Reading { junk, roots, method, link_filter: true, cards }
    }

    /// A list of priced cards (six or more alike siblings, four in five with
    /// a link, half with a price, most under 400 characters) holding 40 % of
    /// the reading's text: a shop's grid, whose product names are links.
    fn priced_cards(&self, groups: Vec<groups::Group>, st: &score::Stats, roots: &[usize]) -> Vec<bool> {
        let dom = self.dom;
        let inside = |m: usize| roots.iter().any(|&r| m >= r && m < dom.nodes[r].end);
        let total: u32 = roots.iter().map(|&r| st.text[r]).sum();
        let best = groups
            .into_iter()
            .filter(|g| {
                let mut sizes: Vec<u32> = g.members.iter().map(|&m| st.text[m]).collect();
                sizes.sort_unstable();
                g.members.len() >= region::MIN_CARDS
                    && g.linked * 5 >= g.members.len() * 4
                    && g.priced * 2 >= g.members.len()
                    && sizes[sizes.len() / 2] <= CARD_CHARS
                    && inside(g.members[0])
            })
            .max_by_key(|g| g.members.iter().map(|&m| st.text[m]).sum::<u32>());
        let mut cards = Vec::new();
        if let Some(g) = best {
            if f64::from(g.members.iter().map(|&m| st.text[m]).sum::<u32>()) >= CARDS_OF_READING * f64::from(total) {
                cards = vec![false; dom.len()];
                for &m in &g.members {
                    cards[m..dom.nodes[m].end].iter_mut().for_each(|c| *c = true);
                }
            }
        }
        cards
    }

    /// Every paragraph, heading and preformatted block outside junk.
    fn paragraphs(&self, junk: Vec<junk::Junk>) -> Reading {
        let dom = self.dom;
        let mut roots = Vec::new();
        let mut i = 0;
        while i < dom.len() {
            if junk[i] != junk::Junk::No {
                i = dom.nodes[i].end;
                continue;
            }
            if matches!(dom.tag(i), Some(Tag::P | Tag::Pre | Tag::Blockquote))
                || dom.tag(i).is_some_and(Tag::is_heading)
            {
                roots.push(i);
                i = dom.nodes[i].end;
                continue;
            }
            i += 1;
        }
        Reading { junk, roots, method: "paragraphs", link_filter: true, cards: Vec::new() }
    }
}

/// The words a reader sees: text outside script, style, svg, noscript and
/// template, whitespace aside, split at tags: what
/// [`prescan`] must leave as it is (a proptest and a fuzz target hold it).
pub fn visible_words(html: &str) -> Vec<String> {
    let tree = arena::parse(html);
    let dom = dom::Dom::build(&tree, usize::MAX).unwrap();
    let mut s = String::new();
    let mut ends: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < dom.len() {
        // Blocks are read apart (whitespace before a block's tag is cut): a
        // space at every tag, start and end, is the simplest test that agrees.
        while ends.last().is_some_and(|&e| i >= e) {
            ends.pop();
            s.push(' ');
        }
        match dom.nodes[i].kind {
            dom::Kind::Elem { el, .. }
                if matches!(&*el.name.local, "script" | "style" | "svg" | "noscript" | "template") =>
            {
                // Cut whole, it leaves no gap ("al<script>…</script>pha").
                i = dom.nodes[i].end;
                continue;
            }
            dom::Kind::Text(t) => s.push_str(t),
            dom::Kind::Elem { .. } => {
                s.push(' ');
                ends.push(dom.nodes[i].end);
            }
            dom::Kind::Other => {}
        }
        i += 1;
    }
    s.split_whitespace().map(str::to_string).collect()
}

/// Extract the main content and metadata of an HTML page.
pub fn extract(raw: &str, url: Option<&str>, cfg: &HtmlConfig, phrases: &Phrases) -> Result<HtmlOutput, DropReason> {
    let pre = prescan::prescan(raw);
    let mut out = extract_prescanned(&pre, url, cfg, phrases)?;
    if chars(&out) < MIN_EXTRACTED && pre.noscript_bytes >= NOSCRIPT_MIN && cfg.favor != Favor::Precision {
        // The page serves its text only to readers without scripts.
        let again = prescan::prescan_with(raw, true);
        if let Ok(mut alt) = extract_prescanned(&again, url, cfg, phrases) {
            alt.method = "noscript";
            if chars(&alt) > chars(&out) * 2 {
                alt.meta = out.meta;
                out = alt;
            }
        }
    }
    out.lang = lang::detect(&out.paragraphs.join("\n")).map(str::to_string).or_else(|| out.meta.lang.clone());
    Ok(out)
}

fn extract_prescanned(
    pre: &prescan::Prescan,
    url: Option<&str>,
    cfg: &HtmlConfig,
    phrases: &Phrases,
) -> Result<HtmlOutput, DropReason> {
    if pre.html.len() > cfg.max_bytes {
        return Err(DropReason::TooLarge);
    }
    // Over the element cap already in its tags: not worth parsing.
    if pre.start_tags > cfg.max_elements {
        return Err(DropReason::TooManyElements);
    }
    let tree = arena::parse(&pre.html);
    let dom = dom::Dom::build(&tree, cfg.max_elements).ok_or(DropReason::TooManyElements)?;
    let meta = meta::extract(&dom, &pre.json_ld, url);
    let mut ctx = Ctx {
        dom: &dom,
        cfg,
        phrases,
        title_key: meta.title.as_deref().map(normalize::key),
        reviews: Vec::new(),
        classified: junk::classify_page(&dom, cfg.favor),
        facts: groups::facts(&dom),
        story: meta.declares_story,
    };
    if meta.product_page {
        // A product page's dated records (three or more, half a group at
        // least) are its reviews, not the product.
        let junk = ctx.mark(junk::Marking::default());
        let st = score::Stats::compute(&dom, &junk);
        let mut reviews = vec![false; dom.len()];
        for g in groups::find(&dom, &junk, &st, 3, &ctx.facts)
            .into_iter()
            .filter(|g| g.timed >= 3 && 2 * g.timed >= g.members.len())
        {
            for &m in &g.members {
                reviews[m..dom.nodes[m].end].iter_mut().for_each(|r| *r = true);
            }
        }
        ctx.reviews = reviews;
    }

    let strict = ctx.container(ctx.mark(junk::Marking::default()), "container");
    let strict_junk = strict.junk.clone();
    let mut best = Best::new(ctx.render(&strict), strict.roots);
    let recall = cfg.favor != Favor::Precision;
    // Structural marks (names ignored), read when a fallback or the main
    // region needs them.
    let lenient_cell = std::cell::OnceCell::new();
    let lenient = || {
        lenient_cell.get_or_init(|| {
            let junk = ctx.mark(junk::Marking { lenient: true, ..Default::default() });
            let stats = score::Stats::compute(&dom, &junk);
            (junk, stats)
        })
    };
    if best.chars() < MIN_EXTRACTED && recall {
        // Over-pruning backstop: class and id names misled us (a state class
        // such as "modal-enabled", a layout "card", a blog "widget"). Select
        // again without them, and keep the result if it is much longer.
        let (junk, stats) = lenient();
        let lenient = ctx.container_with(junk.clone(), stats, "container-lenient");
        best.adopt_if_longer(ctx.render(&lenient), lenient.roots);
    }
    if best.chars() < MIN_EXTRACTED && recall {
        // Fallback: every paragraph on the page that is not junk.
        let paragraphs = ctx.paragraphs(strict_junk.clone());
        best.adopt_if_longer(ctx.render(&paragraphs), paragraphs.roots);
        // Fallback: the article body (or the product description) the page
        // declares in JSON-LD.
        if let Some(body) = meta.article_body.as_ref().or(meta.product_description.as_ref()) {
            best.adopt_if_longer(
                HtmlOutput { paragraphs: declared_paragraphs(body), method: "json-ld", ..Default::default() },
                Vec::new(),
            );
        }
    }
    if recall && words(&best.out) < THREAD_MAX_WORDS && !region::is_story(&dom, &best.roots, meta.title_node) {
        // A discussion is the page (a thread whose posts are named as
        // comments): when comment containers hold three times the text
        // found, and that is not a story, read the page again with them,
        // adding to what was found.
        let comment_chars = comment_text(&dom, &strict_junk);
        if comment_chars >= 3 * best.chars() && comment_chars > 0 {
            let keep = ctx.mark(junk::Marking { lenient: best.lenient, keep_comments: true });
            let thread = ctx.container(keep, "thread");
            let mut roots: Vec<usize> = best.roots.iter().chain(&thread.roots).copied().collect();
            roots.sort_unstable();
            roots.dedup();
            let outer: Vec<usize> = roots
                .iter()
                .copied()
                .filter(|&r| !roots.iter().any(|&q| q != r && q < r && r < dom.nodes[q].end))
                .collect();
            let reading = Reading { roots: outer, ..thread };
            let lenient = best.lenient;
            best.adopt_if_longer(ctx.render(&reading), reading.roots);
            best.lenient = lenient;
        }
    }
    // A story inside the page's <main> (or on a page without one) keeps its
    // reading: the main region is looked at only otherwise.
    let story_in_main = region::is_story(&dom, &best.roots, meta.title_node) && region::within_main(&dom, &best.roots);
    if recall && !story_in_main {
        let (lenient_junk, lenient_stats) = lenient();
        // The page's main region, when the readings above clearly missed it.
        if let Some(r) =
            region::instead(&dom, lenient_junk, lenient_stats, &best.roots, best.chars(), meta.title_node, &ctx.facts)
        {
            let reading = Reading {
                junk: lenient_junk.clone(),
                roots: vec![r],
                method: "main-region",
                link_filter: false,
                cards: Vec::new(),
            };
            let alt = ctx.render(&reading);
            if !alt.paragraphs.is_empty() {
                best = Best::new(alt, reading.roots);
            }
        }
    }
    let mut out = best.out;
    if best.lenient && recall && meta.product_page {
        // A product page read only once names were ignored, into text that
        // holds next to none of the description the page declares in
        // JSON-LD, was read in the wrong place (its footer): the declared
        // description is the page's own word on what it sells. What was
        // read is recorded as removed.
        if let Some(body) = meta.product_description.as_deref() {
            if shared_words(body, &out).is_some_and(|s| s < DECLARED_SHARED) {
                let read = std::mem::take(&mut out.paragraphs);
                out.removed.extend(read.into_iter().map(|p| Removed::new("outside-main", "declared-description", p)));
                out.paragraphs = declared_paragraphs(body);
                out.method = "json-ld";
            }
        }
    }
    if cfg.include_comments {
        out.comments = comments(&dom, &strict_junk);
    }
    out.meta = meta;
    Ok(out)
}

/// The text of user-comment containers, one entry per block.
fn comments(dom: &dom::Dom<'_>, junk: &[junk::Junk]) -> Vec<String> {
    let place = blocks::places(dom, junk, &[]);
    blocks::emit(dom, &place, &[], 0)
        .into_iter()
        .filter(|b| b.place == Place::Junk(junk::Junk::Comments))
        .map(|b| b.text)
        .collect()
}

/// Fewer words than this, and a thread may be what was missed.
const THREAD_MAX_WORDS: usize = 250;

/// Words of body text.
fn words(o: &HtmlOutput) -> usize {
    o.paragraphs.iter().map(|p| p.split_whitespace().count()).sum()
}

/// Characters of text under comment containers.
fn comment_text(dom: &dom::Dom<'_>, junk: &[junk::Junk]) -> usize {
    (0..dom.len())
        .filter(|&i| junk[i] == junk::Junk::Comments)
        .filter_map(|i| match dom.nodes[i].kind {
            dom::Kind::Text(t) => Some(t.trim().chars().count()),
            _ => None,
        })
        .sum()
}

/// The paragraphs of a body the page declares in JSON-LD: its non-empty lines.
fn declared_paragraphs(body: &str) -> Vec<String> {
    body.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect()
}

/// A declared description with this many distinct long words is trusted
/// over a lenient reading …
const DECLARED_MIN_WORDS: usize = 8;
/// … that holds less than this share of them.
const DECLARED_SHARED: f64 = 0.2;

/// The share of `body`'s distinct long words (five letters or more, lower-
/// cased: words that name things, not "the" or "your") that `o`'s text
/// holds; None when the body has too few of them to tell (a short blurb,
/// a script written without spaces).
fn shared_words(body: &str, o: &HtmlOutput) -> Option<f64> {
    let long = |s: &str| {
        let w = s.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
        (w.chars().count() >= 5).then_some(w)
    };
    let declared: std::collections::BTreeSet<String> = body.split_whitespace().filter_map(long).collect();
    if declared.len() < DECLARED_MIN_WORDS {
        return None;
    }
    let read: std::collections::BTreeSet<String> =
        o.paragraphs.iter().flat_map(|p| p.split_whitespace()).filter_map(long).collect();
    Some(declared.iter().filter(|w| read.contains(*w)).count() as f64 / declared.len() as f64)
}

/// Characters of body text.
fn chars(o: &HtmlOutput) -> usize {
    o.paragraphs.iter().map(|p| p.chars().count()).sum()
}

/// The reading kept so far, and its output.
struct Best {
    out: HtmlOutput,
    roots: Vec<usize>,
    /// It was read with structural junk rules only.
    lenient: bool,
}

impl Best {
    fn new(out: HtmlOutput, roots: Vec<usize>) -> Best {
        let lenient = out.method == "container-lenient";
        Best { out, roots, lenient }
    }

    fn chars(&self) -> usize {
        chars(&self.out)
    }

    /// Take a fallback when its body is more than twice as long.
    fn adopt_if_longer(&mut self, alt: HtmlOutput, roots: Vec<usize>) {
        if chars(&alt) > self.chars() * 2 {
            *self = Best::new(alt, roots);
        }
    }
}

/// A card of a shop's grid holds at most this many characters (the median card) …
const CARD_CHARS: u32 = 400;
/// … and the grid this share of the reading's text.
const CARDS_OF_READING: f64 = 0.4;

/// The least text a block outside links must hold to be kept however many
/// links it has: a list item, another block.
const REAL_TEXT_ITEM: usize = 10;
const REAL_TEXT_BLOCK: usize = 25;

/// Keep or remove each block; removals are recorded with a kind.
fn filter_blocks(
    blocks: Vec<Block>,
    out: &mut HtmlOutput,
    phrases: &Phrases,
    title_key: Option<&str>,
    cfg: &HtmlConfig,
    link_filter: bool,
) {
    filter_each(blocks, out, phrases, title_key, cfg, link_filter);
    // Text the page carries twice (responsive copies, a hidden copy of the article).
    let drop = crate::repeats::repeats(&out.paragraphs);
    if drop.iter().any(|d| *d) {
        let mut keep = Vec::with_capacity(out.paragraphs.len());
        for (p, d) in std::mem::take(&mut out.paragraphs).into_iter().zip(drop) {
            if d {
                out.removed.push(Removed::new(crate::repeats::KIND, "repeat", p));
            } else {
                keep.push(p);
            }
        }
        out.paragraphs = keep;
    }
}

fn filter_each(
    blocks: Vec<Block>,
    out: &mut HtmlOutput,
    phrases: &Phrases,
    title_key: Option<&str>,
    cfg: &HtmlConfig,
    link_filter: bool,
) {
    let max_ld = match cfg.favor {
        Favor::Precision => 0.35,
        Favor::Balanced => 0.5,
        Favor::Recall => 0.8,
    };
    let title = title_key.map(|t| (t, t.chars().count()));
    out.removed.reserve(blocks.len());
    for b in blocks {
        if b.text.trim().is_empty() {
            continue;
        }
        // (A block's text is trimmed already: it moves into its removal.)
        match b.place {
            Place::Content => {}
            Place::Outside => {
                out.removed.push(Removed::new("outside-main", "outside-main", b.text));
                continue;
            }
            Place::Junk(junk::Junk::Comments) => {
                out.removed.push(Removed::new("comments", "comments-container", b.text));
                continue;
            }
            Place::Junk(junk::Junk::Yes(why)) => {
                if why != junk::Chrome::Head {
                    out.removed.push(Removed::new(why.kind(), "html-structure", b.text));
                }
                continue;
            }
            Place::Junk(junk::Junk::No) => unreachable!("a junk place is junk"),
        }
        let text = b.text.trim();
        if b.pre {
            out.paragraphs.push(b.text);
            continue;
        }
        let chars = text.chars().count();
        let words = normalize::words(text);
        // A key folds case and quotes, never shortens: a block longer than the
        // title's key cannot be the title.
        let maybe_title = title.filter(|t| chars <= t.1);
        let key = (words <= phrases.max_words() || maybe_title.is_some()).then(|| normalize::key(text));
        let ld = b.link_chars as f64 / chars.max(1) as f64;
        // Links with real text around them (a list of resources, each with a
        // line about it) are content.
        let real = b.in_card
            || chars.saturating_sub(b.link_chars) >= if b.list_item { REAL_TEXT_ITEM } else { REAL_TEXT_BLOCK }
            // A whole sentence inside a link (a card wrapped in <a>) is text.
            || (words >= 10 && text.trim_end_matches(['"', '”', ')']).ends_with(['.', '!', '?']));
        type Name = std::borrow::Cow<'static, str>;
        let reason: Option<(Name, Name)> =
            if link_filter && ld > max_ld && (chars < 300 || b.list_item) && !b.heading && !real {
                Some(("links".into(), format!("link-density:{ld:.2}").into()))
            } else if let Some(h) = key.as_deref().and_then(|k| phrases.matches_key(k, words)) {
                Some((h.kind.to_string().into(), h.rule.to_string().into()))
            } else if dates::dateline(text).is_some() {
                Some(("dateline".into(), "dateline".into()))
            } else if is_byline(text, words) {
                Some(("byline".into(), "byline".into()))
            } else if maybe_title.is_some_and(|t| key.as_deref() == Some(t.0)) {
                Some(("title".into(), "title".into()))
            } else {
                None
            };
        match reason {
            Some((kind, rule)) => out.removed.push(Removed { kind, rule, text: text.to_string() }),
            None => {
                for line in text.split('\n') {
                    let line = line.trim();
                    if !line.is_empty() {
                        out.paragraphs.push(line.to_string());
                    }
                }
            }
        }
    }
}

/// "By Jane Doe", "By Jane Doe and John Roe, Reuters" — short, starts with "By".
fn is_byline(s: &str, words: usize) -> bool {
    (2..=10).contains(&words) && {
        let l = s.trim_start().to_lowercase();
        (l.starts_with("by ") || l.starts_with("von ") || l.starts_with("par ") || l.starts_with("por "))
            && !s.trim_end().ends_with('.')
    }
}

#[cfg(test)]
mod tests;
