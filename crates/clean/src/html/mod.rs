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
mod junk;
pub mod meta;
pub mod prescan;
mod score;

use thresh_doc::{DropReason, Removed};

use crate::text::normalize;
use crate::text::phrases::Phrases;
use crate::{dates, lang, Favor};
use blocks::Block;

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
    /// Removed segments inside the chosen content.
    pub removed: Vec<Removed>,
    /// How the body was found.
    pub method: &'static str,
    /// Detected language of the body.
    pub lang: Option<String>,
}

/// Below this many characters an extraction is suspect and fallbacks are tried.
const MIN_EXTRACTED: usize = 250;

/// Extract the main content and metadata of an HTML page.
pub fn extract(raw: &str, url: Option<&str>, cfg: &HtmlConfig, phrases: &Phrases) -> Result<HtmlOutput, DropReason> {
    let pre = prescan::prescan(raw);
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
    let junk = junk::mark(&dom, cfg.favor, false);
    let mut out = HtmlOutput { meta, method: "container", ..Default::default() };
    let title_key = out.meta.title.as_deref().map(normalize::key);
    select(&dom, &junk, cfg.favor, phrases, title_key.as_deref(), &mut out);

    if chars(&out) < MIN_EXTRACTED && cfg.favor != Favor::Precision {
        // Over-pruning backstop: class and id names misled us (a state class
        // such as "modal-enabled", a layout "card", a blog "widget"). Select
        // again without them, and keep the result if it is much longer.
        let lenient = junk::mark(&dom, cfg.favor, true);
        let mut alt = HtmlOutput::default();
        select(&dom, &lenient, cfg.favor, phrases, title_key.as_deref(), &mut alt);
        adopt_if_longer(&mut out, alt, "container-lenient");
    }
    if chars(&out) < MIN_EXTRACTED && cfg.favor != Favor::Precision {
        // Fallback: every paragraph on the page that is not junk.
        let all = blocks::emit_paragraphs(&dom, &junk);
        let mut alt = HtmlOutput::default();
        filter_blocks(all, &mut alt, phrases, title_key.as_deref(), cfg.favor);
        adopt_if_longer(&mut out, alt, "paragraphs");
        // Fallback: the article body the page declares in JSON-LD.
        if let Some(body) = &out.meta.article_body {
            let paragraphs = body.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect();
            adopt_if_longer(&mut out, HtmlOutput { paragraphs, ..Default::default() }, "json-ld");
        }
    }
    if cfg.include_comments {
        out.comments = blocks::emit_comments(&dom, &junk);
    }
    out.lang = lang::detect(&out.paragraphs.join("\n")).map(str::to_string).or_else(|| out.meta.lang.clone());
    Ok(out)
}

/// Characters of body text.
fn chars(o: &HtmlOutput) -> usize {
    o.paragraphs.iter().map(|p| p.chars().count()).sum()
}

/// Take a fallback's body (and its removals) when it is more than twice as long.
fn adopt_if_longer(out: &mut HtmlOutput, alt: HtmlOutput, method: &'static str) {
    if chars(&alt) > chars(out) * 2 {
        out.paragraphs = alt.paragraphs;
        out.removed = alt.removed;
        out.method = method;
    }
}

/// Score containers, pick the article and filter its blocks into `out`.
fn select(
    dom: &dom::Dom<'_>,
    junk: &[junk::Junk],
    favor: Favor,
    phrases: &Phrases,
    title_key: Option<&str>,
    out: &mut HtmlOutput,
) {
    let stats = score::Stats::compute(dom, junk);
    if let Some(picked) = score::pick(dom, junk, &stats, favor) {
        filter_blocks(blocks::emit(dom, junk, &picked), out, phrases, title_key, favor);
    }
}

/// Keep or remove each emitted block; removals are recorded with a kind.
fn filter_blocks(blocks: Vec<Block>, out: &mut HtmlOutput, phrases: &Phrases, title_key: Option<&str>, favor: Favor) {
    let max_ld = match favor {
        Favor::Precision => 0.35,
        Favor::Balanced => 0.5,
        Favor::Recall => 0.8,
    };
    let title = title_key.map(|t| (t, t.chars().count()));
    for b in blocks {
        let text = b.text.trim();
        if text.is_empty() {
            continue;
        }
        let chars = text.chars().count();
        let words = normalize::words(text);
        // A key folds case and quotes, never shortens: a block longer than the
        // title's key cannot be the title.
        let maybe_title = title.filter(|t| chars <= t.1);
        let key = (words <= phrases.max_words() || maybe_title.is_some()).then(|| normalize::key(text));
        let ld = b.link_chars as f64 / chars.max(1) as f64;
        type Name = std::borrow::Cow<'static, str>;
        let reason: Option<(Name, Name)> = if ld > max_ld && (chars < 300 || b.list_item) && !b.heading {
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
