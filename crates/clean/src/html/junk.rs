//! Which subtrees are never article text.
//!
//! Hard junk (always pruned): form controls, embedded media, dialogs.
//! Soft junk (pruned unless the subtree holds most of the page's paragraph
//! text — trafilatura's over-pruning guard): `nav`, `header`, `footer`,
//! `aside`, `form`, hidden nodes, unlikely ARIA roles, and elements whose
//! class or id names share, social, related, newsletter, cookie, ad, byline,
//! … containers. Comment containers are always pruned (and collected
//! separately when comments are requested).

use rustc_hash::FxHashMap;
use std::sync::LazyLock;

use regex::Regex;

use super::arena::Element;
use super::dom::{Dom, Kind, Tag};
use crate::Favor;

/// Why a node is junk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Junk {
    /// Not junk.
    No,
    /// Pruned.
    Yes,
    /// A user-comment container: pruned, but collected when comments are wanted.
    Comments,
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
    "cookies?|consent|gdpr|cmp|",
    "breadcrumbs?|sidebar|side-?bar|rail|widget|widgets|toolbar|tools|",
    "nav|navbar|navigation|menu|masthead|site-?header|site-?footer|footer|rodape|rodap\u{e9}|pie-?de-?pagina|pied-?de-?page|fusszeile|",
    "modal|popup|overlay|lightbox|dialog|",
    "byline|author-?(bio|info|box|card)|bio|contributor|",
    "tags|tag-?list|topics|keywords|categories|",
    "caption|credit|credits|figcaption|",
    "meta|timestamp|dateline|date|published|",
    "print|pagination|pager|next|prev|previous|",
    "skip|jump|",
    "rating|survey|poll|feedback|",
    "gallery|carousel|slideshow|slider|",
    "video|player|podcast|audio|embed|",
    "teaser|list-?item|headline-?list|",
    "login|log-?in|account|register"
);

static NEGATIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i-u)(^|\s)({CHROME_WORDS})($|\s|[_-])|[_-]({CHROME_WORDS})($|\s)|(^|\s)(hidden|hide|is-hidden|visually-hidden|sr-only|screen-reader-text|offscreen|d-none|card|cards)($|\s)"
    ))
    .expect("static regex")
});

static COMMENTS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i-u)(^|[\s_-])(comments?|comment-?(list|section|thread|area|s-?container)|disqus|discussion|replies|respond|reactions|talk|livefyre|coral|viafoura|spot-?im|openweb)($|[\s_-])")
        .expect("static regex")
});

/// Class / id tokens that mark the article itself: never pruned as soft junk.
static POSITIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i-u)(article|story|entry|post|main|page|news|blog|text|content|body|rich)[_-]?(body|content|text|container|copy|main|inner|wrapper)|itemprop|articlebody|storybody|postbody|entry|hentry|h-entry|prose|field-name-body|field-body|field-items?")
        .expect("static regex")
});

const BAD_ROLES: &[&str] = &[
    "navigation",
    "banner",
    "complementary",
    "contentinfo",
    "menu",
    "menubar",
    "menuitem",
    "dialog",
    "alertdialog",
    "alert",
    "search",
    "searchbox",
    "tablist",
    "toolbar",
    "tooltip",
    "button",
    "checkbox",
    "radio",
];

/// Classes of the blockquotes that social platforms' embed codes produce.
const EMBED_CLASSES: &[&str] = &["twitter-tweet", "instagram-media", "tiktok-embed", "reddit-embed-bq"];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Keep,
    Hard,
    Soft,
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

/// What the name rules say of a class or id value already seen on this page
/// (pages repeat the same few hundred class values over thousands of
/// elements; ids are mostly unique but short): (names a comment section,
/// names chrome), each unless it also names the article.
type NameCache<'a> = FxHashMap<&'a str, (bool, bool)>;

fn classify<'a>(dom: &Dom<'a>, i: usize, favor: Favor, lenient: bool, seen: &mut NameCache<'a>) -> Verdict {
    let Kind::Elem { tag, el } = dom.nodes[i].kind else {
        return Verdict::Keep;
    };
    use Tag::*;
    match tag {
        Head | Title | Button | Select | Option | Input | Textarea | Label | Iframe | Object | Embed | Video
        | Audio | Canvas | Map | Picture | Dialog | Menu | Template | Figcaption => return Verdict::Hard,
        Figure => return Verdict::Soft,
        Nav | Footer | Aside => return Verdict::Soft,
        Header if favor != Favor::Recall => return Verdict::Soft,
        Form => return Verdict::Soft,
        Body | Html => return Verdict::Keep,
        _ => {}
    }
    if el.attrs.is_empty() {
        return Verdict::Keep;
    }
    let a = Attrs::of(el);
    if a.hidden || a.aria_hidden == Some("true") {
        return Verdict::Soft;
    }
    if let Some(style) = a.style {
        let s: String = style.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase();
        if s.contains("display:none") || s.contains("visibility:hidden") {
            return Verdict::Soft;
        }
    }
    if let Some(role) = a.role {
        if BAD_ROLES.contains(&role.trim().to_ascii_lowercase().as_str()) {
            return Verdict::Soft;
        }
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
    let mut judge = |name: &'a str| *seen.entry(name).or_insert_with(|| by_name(name));
    let (class, id) = (judge(a.class), judge(a.id));
    if class.0 || id.0 {
        Verdict::Comments
    } else if !lenient && (class.1 || id.1) {
        Verdict::Soft
    } else {
        Verdict::Keep
    }
}

/// What the name rules say of one class or id value: (comment section, chrome).
fn by_name(name: &str) -> (bool, bool) {
    if name.is_empty() {
        return (false, false);
    }
    let comments = COMMENTS.is_match(name);
    let chrome = NEGATIVE.is_match(name);
    let article = (comments || chrome) && POSITIVE.is_match(name);
    (comments && !article, chrome && !article)
}

/// Mark every node: junk or not, with the reason inherited by descendants.
/// `lenient` ignores the class / id rules (the over-pruning backstop).
pub fn mark<'a>(dom: &Dom<'a>, favor: Favor, lenient: bool) -> Vec<Junk> {
    let n = dom.len();
    let mut seen = NameCache::default();
    let mut verdicts: Vec<Verdict> = (0..n).map(|i| classify(dom, i, favor, lenient, &mut seen)).collect();

    // An embedded post (a tweet, an Instagram post) quotes the story's
    // source: its wrapper ("social-media-embed", "video-container") stays.
    let mut embeds = vec![false; n];
    for i in (0..n).rev() {
        if let Kind::Elem { tag: Tag::Blockquote, el } = dom.nodes[i].kind {
            let class = el.attr("class").unwrap_or("");
            embeds[i] |= class.split_ascii_whitespace().any(|c| EMBED_CLASSES.contains(&c));
        }
        if embeds[i] && verdicts[i] == Verdict::Soft {
            verdicts[i] = Verdict::Keep;
        }
        let p = dom.nodes[i].parent;
        if p != usize::MAX && embeds[i] {
            embeds[p] = true;
        }
    }

    // Paragraph-ish text per subtree, ignoring hard junk (bottom-up).
    let mut para = vec![0usize; n];
    for i in (0..n).rev() {
        if verdicts[i] == Verdict::Hard {
            para[i] = 0;
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
        }
        let p = dom.nodes[i].parent;
        if p != usize::MAX {
            para[p] += para[i];
        }
    }
    let total = para.first().copied().unwrap_or(0).max(1);
    let guard = match favor {
        Favor::Precision => 0.7,
        Favor::Balanced => 0.5,
        Favor::Recall => 0.3,
    };

    let mut out = vec![Junk::No; n];
    let mut i = 0;
    while i < n {
        let v = verdicts[i];
        let j = match v {
            Verdict::Keep => None,
            Verdict::Hard => Some(Junk::Yes),
            Verdict::Comments => (para[i] as f64 / total as f64 <= 0.7).then_some(Junk::Comments),
            Verdict::Soft => (para[i] as f64 / total as f64 <= guard).then_some(Junk::Yes),
        };
        if let Some(j) = j {
            let end = dom.nodes[i].end;
            for o in &mut out[i..end] {
                *o = j;
            }
            i = end;
        } else {
            i += 1;
        }
    }
    out
}
