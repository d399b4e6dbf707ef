//! Which subtrees are never main content, and why.
//!
//! Hard junk (always pruned): form controls, embedded media, dialogs, the
//! document head. Soft junk (pruned unless the subtree holds most of the
//! page's paragraph text — trafilatura's over-pruning guard): `nav`,
//! `header`, `footer`, `aside`, `form`, hidden nodes, unlikely ARIA roles, and
//! elements whose class or id names page chrome (share, related, newsletter,
//! cookie, ad, byline …). Comment containers are pruned too, and collected
//! separately when comments are requested.
//!
//! Names mislead in two known ways, both handled by structure rather than by
//! more names: a layout word on every block of a page builder
//! (`elementor-widget`, `card`) prunes the article one block at a time, so
//! blocks pruned under one name that together hold most of the page's text
//! and few links are kept (a group guard); and an id made from a heading's
//! words (`sign-up-for-the-api`) is a slug, not a name.
//! What is hidden but meant to be read stays: tab panels, `<figure>`s that
//! hold a table, code or a quote, and React's streamed `<div hidden id="S:…">`.

use std::sync::LazyLock;

use regex::Regex;
use rustc_hash::FxHashMap;

use super::arena::Element;
use super::dom::{Dom, Kind, Tag};
use crate::memo::Memo;
use crate::Favor;

/// Why a subtree is not content: the kind its removal is recorded under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chrome {
    /// The document head, templates, embedded frames and media.
    Head,
    /// Buttons, inputs, selects, labels.
    Control,
    /// Video, audio, pictures, maps, canvases, image captions.
    Media,
    /// Dialogs and modals.
    Dialog,
    /// `hidden`, `aria-hidden`, `display:none`, screen-reader text, tooltips.
    Hidden,
    /// `<nav>`, menus, navigation and tool bars (by ARIA role too).
    Navigation,
    /// `<header>`, `role=banner`.
    Header,
    /// `<footer>`, `role=contentinfo`.
    Footer,
    /// `<aside>`, `role=complementary`.
    Sidebar,
    /// `<form>`, search.
    Form,
    /// A class or id naming page chrome (share, related, newsletter, ads …).
    Named,
    /// Dated records on a product page: its reviews.
    Reviews,
    /// A class or id naming only a presentation (`widget`, `card`,
    /// `carousel`, `gallery` …): inside the content, such a block that reads
    /// as prose is content.
    Layout,
}

impl Chrome {
    /// The removal kind recorded for text under it.
    pub fn kind(self) -> &'static str {
        match self {
            Chrome::Head => "head",
            Chrome::Control => "control",
            Chrome::Media => "media",
            Chrome::Dialog => "dialog",
            Chrome::Hidden => "hidden",
            Chrome::Navigation => "navigation",
            Chrome::Header => "header",
            Chrome::Footer => "footer",
            Chrome::Sidebar => "sidebar",
            Chrome::Form => "form",
            Chrome::Named => "chrome",
            Chrome::Layout => "layout",
            Chrome::Reviews => "reviews",
        }
    }
}

/// A node's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Junk {
    /// Not junk.
    No,
    /// Pruned, for this reason.
    Yes(Chrome),
    /// A user-comment container: pruned, but collected when comments are wanted.
    Comments,
}

/// How names are read when marking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Marking {
    /// Ignore class and id names (the over-pruning backstop): structure only.
    pub lenient: bool,
    /// Comment containers are content (a page whose discussion is the page).
    pub keep_comments: bool,
}

/// Words naming page chrome. A word counts at the start of a class token
/// (`share-buttons`, `related`) or as its last part (`article-share`), not
/// in the middle of a compound (`content-with-sidebar-wrp` is a wrapper *with*
/// a sidebar). `paywall`, `premium` and `regwall` are not among them: news
/// sites wrap the gated rest of the article in such containers, while the
/// gate's own prompt is caught by the subscription phrase rules.
const CHROME_WORDS: &str = concat!(
    "share|sharing|shares|social|socials|sociable|syndication|viral|",
    "related|recent|recommend(ed|ations?)?|more-?stories|most-?(popular|read|viewed)|popular|trending|read-?more|",
    "newsletter|subscribe|subscription|signup|sign-up|piano|",
    "promo|promotions?|sponsor(ed)?|advert(isement)?s?|ads?|adslot|ad-?unit|ad-?container|dfp|gpt|banner|",
    "outbrain|taboola|zergnet|revcontent|",
    "cookies?|gdpr|cmp|",
    "breadcrumbs?|sidebar|side-?bar|rail|toolbar|",
    "nav|navbar|navigation|menu|masthead|site-?header|site-?footer|footer|rodape|rodap\u{e9}|pie-?de-?pagina|pied-?de-?page|fusszeile|",
    "modal|popup|overlay|lightbox|dialog|",
    "byline|author-?(bio|info|box|card)|bio|contributor|",
    "tags|tag-?list|topics|keywords|categories|",
    "caption|credit|credits|figcaption|",
    "meta|timestamp|dateline|date|published|",
    "print|pagination|pager|next|prev|previous|",
    "skip|jump|",
    "rating|survey|poll|feedback|",
    "video|player|podcast|audio|embed|",
    "teaser|headline-?list|",
    "login|log-?in|account|register"
);

pub(super) static NEGATIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i-u)(^|\s)({CHROME_WORDS})($|\s|[_-])|[_-]({CHROME_WORDS})($|\s)|consent|(^|\s)(hidden|hide|is-hidden|visually-hidden|sr-only|screen-reader-text|offscreen|d-none|card|cards|tooltip|popover|hover-?card)($|\s)"
    ))
    .expect("static regex")
});

/// Words naming a presentation, not what a block is: page builders and
/// component libraries put them on the article's own blocks (Elementor's
/// `elementor-widget`, AEM's `cmp-*`, cards, carousels of testimonials).
const LAYOUT_WORDS: &str = "widget|widgets|carousel|slider|slideshow|gallery|cmp|list-?item|tools";

pub(super) static LAYOUT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?i-u)(^|\s)({LAYOUT_WORDS})($|\s|[_-])|[_-]({LAYOUT_WORDS})($|\s)")).expect("static regex")
});

pub(super) static COMMENTS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i-u)(^|[\s_-])(comments?|comment-?(list|section|thread|area|s-?container)|disqus|discussion|replies|respond|reactions|talk|livefyre|coral|viafoura|spot-?im|openweb)($|[\s_-])")
        .expect("static regex")
});

/// Class / id tokens that mark the article itself: never pruned as soft junk.
pub(super) static POSITIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i-u)(article|story|entry|post|main|page|news|blog|text|content|body|rich)[_-]?(body|content|text|container|copy|main|inner|wrapper)|itemprop|articlebody|storybody|postbody|entry|hentry|h-entry|prose|field-name-body|field-body|field-items?")
        .expect("static regex")
});

/// ARIA roles of chrome, and what they are.
fn bad_role(role: &str) -> Option<Chrome> {
    Some(match role {
        "navigation" | "menu" | "menubar" | "menuitem" | "tablist" | "toolbar" => Chrome::Navigation,
        "banner" => Chrome::Header,
        "contentinfo" => Chrome::Footer,
        "complementary" => Chrome::Sidebar,
        "dialog" | "alertdialog" | "alert" => Chrome::Dialog,
        "search" | "searchbox" => Chrome::Form,
        "tooltip" => Chrome::Hidden,
        "button" | "checkbox" | "radio" => Chrome::Control,
        _ => return None,
    })
}

/// Bytes of paragraph text that make a hidden subtree with few links prose.
const HIDDEN_PROSE: usize = 200;

/// Classes of the blockquotes that social platforms' embed codes produce.
pub(super) const EMBED_CLASSES: &[&str] = &["twitter-tweet", "instagram-media", "tiktok-embed", "reddit-embed-bq"];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Verdict {
    Keep,
    Hard(Chrome),
    Soft(Chrome),
    Comments,
}

/// The attributes `classify` reads, gathered in one pass over the element's
/// attribute list.
#[derive(Default)]
struct Attrs<'a> {
    hidden: bool,
    aria_hidden: Option<&'a str>,
    style: Option<&'a str>,
    role: Option<&'a str>,
    itemprop: Option<&'a str>,
    class: &'a str,
    id: &'a str,
}

impl<'a> Attrs<'a> {
    fn of(el: &'a Element) -> Attrs<'a> {
        let mut a = Attrs::default();
        for at in &el.attrs {
            if !at.name.ns.is_empty() {
                continue;
            }
            let value: &str = &at.value;
            match &*at.name.local {
                "class" => a.class = value,
                "id" => a.id = value,
                "style" => a.style = Some(value),
                "role" => a.role = Some(value),
                "itemprop" => a.itemprop = Some(value),
                "hidden" => a.hidden = true,
                "aria-hidden" => a.aria_hidden = Some(value),
                _ => {}
            }
        }
        a
    }
}

/// What a class or id value names, each unless it also names the article.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Names {
    comments: bool,
    chrome: bool,
    layout: bool,
}

fn classify(dom: &Dom<'_>, i: usize, favor: Favor) -> Verdict {
    let Kind::Elem { tag, el } = dom.nodes[i].kind else {
        return Verdict::Keep;
    };
    use Tag::*;
    match tag {
        Head | Title | Template | Iframe | Object | Embed => return Verdict::Hard(Chrome::Head),
        Button | Select | Option | Input | Textarea | Label => return Verdict::Hard(Chrome::Control),
        Video | Audio | Canvas | Map | Picture | Figcaption => return Verdict::Hard(Chrome::Media),
        Dialog => return Verdict::Hard(Chrome::Dialog),
        Menu => return Verdict::Hard(Chrome::Navigation),
        Figure => return Verdict::Soft(Chrome::Media),
        Nav => return Verdict::Soft(Chrome::Navigation),
        Footer => return Verdict::Soft(Chrome::Footer),
        Aside => return Verdict::Soft(Chrome::Sidebar),
        // A <header> inside the main content or a section of it heads that
        // part, it is not the site's banner (an article's header holds its
        // headline, byline and dek, which are not body text).
        Header if favor != Favor::Recall && !heads_a_part(dom, i) => return Verdict::Soft(Chrome::Header),
        Form => return Verdict::Soft(Chrome::Form),
        Body | Html => return Verdict::Keep,
        _ => {}
    }
    if el.attrs.is_empty() {
        return Verdict::Keep;
    }
    let a = Attrs::of(el);
    let role = a.role.map(str::trim);
    // Meant to be read though hidden: a tab panel (the other languages of a
    // code sample), React's streamed content waiting to be swapped in.
    let hidden_but_read =
        role.is_some_and(|r| r.eq_ignore_ascii_case("tabpanel")) || (a.hidden && a.id.starts_with("S:"));
    if !hidden_but_read {
        if a.hidden || a.aria_hidden == Some("true") {
            return Verdict::Soft(Chrome::Hidden);
        }
        let says = |s: &str, w: &[u8]| s.as_bytes().windows(w.len()).any(|x| x.eq_ignore_ascii_case(w));
        if let Some(style) = a.style.filter(|s| says(s, b"none") || says(s, b"hidden")) {
            let s: String = style.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase();
            if s.contains("display:none") || s.contains("visibility:hidden") {
                return Verdict::Soft(Chrome::Hidden);
            }
        }
    }
    if let Some(why) = role.and_then(|r| bad_role(&r.to_ascii_lowercase())) {
        return Verdict::Soft(why);
    }
    if a.itemprop.is_some_and(|p| p == "articleBody" || p == "text") {
        return Verdict::Keep;
    }
    if a.class.is_empty() && a.id.is_empty() {
        return Verdict::Keep;
    }
    // Rows and cells are named for their data ("player-2020-580",
    // "date-cell"), not for page chrome: a chrome table goes with its container.
    if matches!(tag, Tr | Td | Th | Tbody) {
        return Verdict::Keep;
    }
    let class = by_name(a.class);
    // An id made of a heading's words ("sign-up-for-the-api") is a slug,
    // and `__next` a framework's root: neither names chrome.
    let slug = a.id.split(['-', '_']).filter(|p| !p.is_empty()).count() >= 4 || a.id.starts_with("__");
    let id = if slug { Names::default() } else { by_name(a.id) };
    if class.comments || id.comments {
        Verdict::Comments
    } else if class.chrome || id.chrome {
        Verdict::Soft(Chrome::Named)
    } else if class.layout || id.layout {
        Verdict::Soft(Chrome::Layout)
    } else {
        Verdict::Keep
    }
}

/// Whether the `<header>` `i` heads a part of the main content: its
/// nearest sectioning ancestor is `<main>`, `role=main` or a `<section>`,
/// not an `<article>` (whose header holds its headline, byline and dek).
fn heads_a_part(dom: &Dom<'_>, i: usize) -> bool {
    let mut a = dom.nodes[i].parent;
    while a != usize::MAX {
        if let Kind::Elem { tag, el } = dom.nodes[a].kind {
            match tag {
                Tag::Article => return false,
                Tag::Main | Tag::Section => return true,
                _ if el.attr("role") == Some("main") => return true,
                _ => {}
            }
        }
        a = dom.nodes[a].parent;
    }
    false
}

/// What the name rules say of one class or id value, remembered per
/// thread (see [`Memo`]).
fn by_name(name: &str) -> Names {
    if name.is_empty() {
        return Names::default();
    }
    thread_local! {
        static KNOWN: std::cell::RefCell<Memo<Names>> = std::cell::RefCell::new(Memo::new(KNOWN_NAMES));
    }
    KNOWN.with(|k| k.borrow_mut().get(name.as_bytes(), || judge_name(name)))
}

/// Class and id values whose answers a thread keeps.
const KNOWN_NAMES: usize = 50_000;

/// What the name rules say of one class or id value (see [`by_name`]).
fn judge_name(name: &str) -> Names {
    // The three name rules in one scan of the name.
    static NAMES: LazyLock<regex::RegexSet> = LazyLock::new(|| {
        regex::RegexSet::new([COMMENTS.as_str(), NEGATIVE.as_str(), LAYOUT.as_str()]).expect("static regex")
    });
    let found = NAMES.matches(name);
    let (comments, chrome, layout) = (found.matched(0), found.matched(1), found.matched(2));
    let article = (comments || chrome || layout) && POSITIVE.is_match(name);
    Names { comments: comments && !article, chrome: chrome && !article, layout: layout && !article }
}

/// The first class token that names chrome on its own: what a group of
/// blocks pruned by name shares (`elementor-widget`).
fn chrome_token(dom: &Dom<'_>, i: usize) -> Option<String> {
    let class = dom.attr(i, "class")?;
    class
        .split_ascii_whitespace()
        .find(|t| {
            let n = by_name(t);
            n.chrome || n.layout
        })
        .map(str::to_ascii_lowercase)
}

/// What the rules say of each node of a page, before a [`Marking`] reads
/// them: classified once, marked as often as the readings need.
pub struct Classified {
    verdicts: Vec<Verdict>,
    /// Paragraph-ish text under each node (hard junk aside).
    para: Vec<usize>,
    /// Link text under each node.
    links: Vec<usize>,
    favor: Favor,
}

/// Classify every node of `dom`.
pub fn classify_page(dom: &Dom<'_>, favor: Favor) -> Classified {
    let n = dom.len();
    let mut verdicts: Vec<Verdict> = (0..n).map(|i| classify(dom, i, favor)).collect();

    // Bottom-up facts: an embedded post (a tweet, an Instagram post) below,
    // data (a table, code, a quote) below.
    let mut embeds = vec![false; n];
    let mut data = vec![false; n];
    for i in (0..n).rev() {
        if let Kind::Elem { tag, el } = dom.nodes[i].kind {
            if tag == Tag::Blockquote {
                let class = el.attr("class").unwrap_or("");
                embeds[i] |= class.split_ascii_whitespace().any(|c| EMBED_CLASSES.contains(&c));
            }
            data[i] |= matches!(tag, Tag::Table | Tag::Pre | Tag::Blockquote);
        }
        // An embedded post quotes the story's source: its wrapper
        // ("social-media-embed", "video-container") stays.
        if embeds[i] && matches!(verdicts[i], Verdict::Soft(_)) {
            verdicts[i] = Verdict::Keep;
        }
        // A figure that holds a table, code or a quote is the article's.
        if data[i] && dom.tag(i) == Some(Tag::Figure) && verdicts[i] == Verdict::Soft(Chrome::Media) {
            verdicts[i] = Verdict::Keep;
        }
        let p = dom.nodes[i].parent;
        if p != usize::MAX {
            embeds[p] |= embeds[i];
            data[p] |= data[i];
        }
    }

    // Paragraph-ish text and link text per subtree, ignoring hard junk (bottom-up).
    let mut para = vec![0usize; n];
    let mut links = vec![0usize; n];
    for i in (0..n).rev() {
        if matches!(verdicts[i], Verdict::Hard(_)) {
            para[i] = 0;
            links[i] = 0;
        } else if let Kind::Text(t) = dom.nodes[i].kind {
            let parent = dom.nodes[i].parent;
            if parent != usize::MAX
                && matches!(
                    dom.tag(parent),
                    Some(
                        Tag::P
                            | Tag::Pre
                            | Tag::Blockquote
                            | Tag::Li
                            | Tag::Td
                            | Tag::Div
                            | Tag::Span
                            | Tag::A
                            | Tag::B
                            | Tag::I
                            | Tag::Em
                            | Tag::Strong
                            | Tag::Font
                    )
                )
            {
                para[i] = t.trim().len();
            }
        } else if dom.tag(i) == Some(Tag::A) {
            links[i] = para[i];
        }
        let p = dom.nodes[i].parent;
        if p != usize::MAX {
            para[p] += para[i];
            links[p] += links[i];
        }
    }
    // Hidden prose is meant to be read (an FAQ answer, a collapsed section,
    // a deferred block); a hidden menu or modal is short or made of links.
    for i in 0..n {
        if verdicts[i] == Verdict::Soft(Chrome::Hidden)
            && para[i] >= HIDDEN_PROSE
            && (links[i] as f64) < 0.3 * para[i] as f64
        {
            verdicts[i] = Verdict::Keep;
        }
    }
    Classified { verdicts, para, links, favor }
}

/// Mark every node of a classified page: junk or not, with the reason
/// inherited by descendants.
pub fn mark(dom: &Dom<'_>, c: &Classified, m: Marking) -> Vec<Junk> {
    let n = dom.len();
    let (para, links, favor) = (&c.para, &c.links, c.favor);
    let mut verdicts = c.verdicts.clone();
    for v in &mut verdicts {
        match v {
            Verdict::Soft(Chrome::Named | Chrome::Layout) if m.lenient => *v = Verdict::Keep,
            Verdict::Comments if m.keep_comments => *v = Verdict::Keep,
            _ => {}
        }
    }
    let total = para.first().copied().unwrap_or(0).max(1);
    let guard = match favor {
        Favor::Precision => 0.7,
        Favor::Balanced => 0.5,
        Favor::Recall => 0.3,
    };

    // The group guard: the outermost blocks pruned by one chrome word, when
    // those with few links together hold most of the page's text, are the
    // page's layout, not its chrome (a page builder naming every block a
    // "widget").
    if !m.lenient {
        let mut groups: FxHashMap<String, Vec<usize>> = FxHashMap::default();
        let mut i = 0;
        while i < n {
            if matches!(verdicts[i], Verdict::Soft(Chrome::Named | Chrome::Layout)) {
                if let Some(t) = chrome_token(dom, i) {
                    groups.entry(t).or_default().push(i);
                }
                i = dom.nodes[i].end;
            } else {
                i += 1;
            }
        }
        for members in groups.values() {
            let good: Vec<usize> =
                members.iter().copied().filter(|&g| para[g] > 0 && (links[g] as f64) < 0.3 * para[g] as f64).collect();
            let text: usize = good.iter().map(|&g| para[g]).sum();
            if good.len() >= 2 && text as f64 > 0.5 * total as f64 {
                for g in good {
                    verdicts[g] = Verdict::Keep;
                }
            }
        }
    }

    let mut out = vec![Junk::No; n];
    let mut i = 0;
    while i < n {
        let j = match verdicts[i] {
            Verdict::Keep => None,
            Verdict::Hard(why) => Some(Junk::Yes(why)),
            Verdict::Comments => (para[i] as f64 / total as f64 <= 0.7).then_some(Junk::Comments),
            Verdict::Soft(why) => (para[i] as f64 / total as f64 <= guard).then_some(Junk::Yes(why)),
        };
        match j {
            // Inside a presentation block, what is chrome in its own right
            // stays marked so (the block may be read after all).
            Some(Junk::Yes(Chrome::Layout)) if matches!(out[i], Junk::No | Junk::Yes(Chrome::Layout)) => {
                let end = dom.nodes[i].end;
                for o in &mut out[i..end] {
                    if *o == Junk::No {
                        *o = Junk::Yes(Chrome::Layout);
                    }
                }
                i += 1;
            }
            Some(j) if matches!(out[i], Junk::No | Junk::Yes(Chrome::Layout)) => {
                let end = dom.nodes[i].end;
                for o in &mut out[i..end] {
                    *o = j;
                }
                i = end;
            }
            _ => i += 1,
        }
    }
    out
}
