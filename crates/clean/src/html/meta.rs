//! Page metadata: title, published date, author, site name, language,
//! canonical URL.
//!
//! Each field gathers its candidates from every source (JSON-LD, `<meta>`
//! tags, microdata, the visible page near the headline, the URL), then
//! chooses among them by what the page shows:
//!
//! * **title**: the page's one `<h1>` (an `<h1>` holding the site's name does
//!   not count); among several, the one a metadata title agrees with; else
//!   JSON-LD `headline`, `og:title`, `<title>` without the site suffix.
//! * **date**: the date written near the headline, preferring one that
//!   metadata agrees with; else the published date of JSON-LD or `<meta>`,
//!   `<time>`, the URL (`/2019/11/19/`), the modified date — the order
//!   htmldate weighs them in. When metadata holds the chosen day, its
//!   time and offset are kept.
//! * **author**: JSON-LD (articles, then forum posts), `<meta>` and Twitter
//!   labels, microdata, `rel=author`, then a byline element or a "By …"
//!   line near the headline; an organisation (the site, the publisher) only
//!   when no person is named.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

use super::dom::{Dom, Kind, Tag};
use crate::dates;

/// What was found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Meta {
    /// Headline.
    pub title: Option<String>,
    /// The `<title>` element, as is.
    pub html_title: Option<String>,
    /// Published date, ISO 8601, as the page gives it (with its offset when it has one).
    pub published: Option<String>,
    /// Author(s), as prose ("A and B", "A, B, and C").
    pub author: Option<String>,
    /// Site name.
    pub site: Option<String>,
    /// Declared language (`<html lang>`), ISO 639-1 part only.
    pub lang: Option<String>,
    /// `<link rel=canonical>` or `og:url`.
    pub canonical_url: Option<String>,
    /// JSON-LD `articleBody`, when the page carries one.
    pub article_body: Option<String>,
    /// JSON-LD `description` of a product or service the page is about.
    pub product_description: Option<String>,
    /// The node of the `<h1>` the title came from (or that repeats it).
    pub title_node: Option<usize>,
    /// The page declares (JSON-LD or microdata) a story: an article, a blog
    /// post, a forum post, a social post, a Q&A page.
    pub declares_story: bool,
    /// The page declares a product, and no story: a product page.
    pub product_page: bool,
}

static URL_DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"/((?:19|20)\d\d)[/-](\d{1,2})[/-](\d{1,2})(?:/|[-_.]|$)").expect("static regex"));

/// Whitespace collapsed; None when nothing is left.
fn clean(s: &str) -> Option<String> {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    (!s.is_empty()).then_some(s)
}

/// Character references decoded (JSON-LD strings are raw script text:
/// `&#8211;`, `&amp;`, sometimes twice over), whitespace collapsed.
fn decoded(s: &str) -> Option<String> {
    let mut s = std::borrow::Cow::Borrowed(s);
    for _ in 0..2 {
        if !s.contains('&') {
            break;
        }
        s = std::borrow::Cow::Owned(html_escape::decode_html_entities(&s).into_owned());
    }
    clean(&s)
}

/// Case, punctuation and spacing folded away: what "the same title" means.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.extend(c.to_lowercase());
        } else {
            space = true;
        }
    }
    out
}

/// The elements metadata is read from (as node indices), gathered in one pass
/// over the flattened page in document order.
#[derive(Default)]
struct Found<'a> {
    metas: Vec<(String, String)>,
    title: Option<usize>,
    h1s: Vec<usize>,
    /// `<time datetime>`: (datetime, marked as the publication date).
    times: Vec<(&'a str, bool)>,
    /// Elements with `itemprop=datePublished|dateCreated`: their `content`, `datetime` or text.
    itemprop_dates: Vec<String>,
    canonical: Option<&'a str>,
    html_lang: Option<&'a str>,
    itemprop_authors: Vec<usize>,
    rel_authors: Vec<usize>,
    /// Block elements, in document order (the window around the headline is counted in them).
    blocks: Vec<usize>,
    /// Microdata types (`itemtype`), their last path segment.
    itemtypes: Vec<&'a str>,
}

impl<'a> Found<'a> {
    fn gather(dom: &Dom<'a>) -> Found<'a> {
        let mut f = Found::default();
        for (i, node) in dom.nodes.iter().enumerate() {
            let Kind::Elem { tag, el } = node.kind else { continue };
            if tag.is_block() {
                f.blocks.push(i);
            }
            if el.attrs.is_empty() && !matches!(tag, Tag::Title | Tag::H1) {
                continue;
            }
            let attr = |name: &str| el.attr(name);
            // The attributes every element is asked for, in one look.
            let (mut itemprop, mut itemtype, mut rel) = (None, None, None);
            for a in el.attrs.iter().filter(|a| a.name.ns.is_empty()) {
                match &*a.name.local {
                    "itemprop" => itemprop = Some(&*a.value),
                    "itemtype" => itemtype = Some(&*a.value),
                    "rel" => rel = Some(&*a.value),
                    _ => {}
                }
            }
            match tag {
                Tag::Meta => {
                    let key = attr("property").or_else(|| attr("name")).or_else(|| attr("itemprop"));
                    if let (Some(k), Some(c)) = (key, attr("content")) {
                        f.metas.push((k.trim().to_ascii_lowercase(), c.to_string()));
                    }
                }
                Tag::Title if f.title.is_none() => f.title = Some(i),
                Tag::H1 => f.h1s.push(i),
                Tag::Time => {
                    if let Some(dt) = attr("datetime") {
                        let marked =
                            attr("pubdate").is_some() || matches!(itemprop, Some("datePublished" | "dateCreated"));
                        f.times.push((dt, marked));
                    }
                }
                Tag::Link if f.canonical.is_none() && rel == Some("canonical") => f.canonical = attr("href"),
                Tag::Html if f.html_lang.is_none() => f.html_lang = attr("lang").or_else(|| attr("xml:lang")),
                _ => {}
            }
            match itemprop {
                Some("author" | "creator") => f.itemprop_authors.push(i),
                Some("datePublished" | "dateCreated") if tag != Tag::Meta => {
                    if let Some(d) =
                        attr("content").or_else(|| attr("datetime")).map(str::to_string).or_else(|| clean(&dom.text(i)))
                    {
                        f.itemprop_dates.push(d);
                    }
                }
                _ => {}
            }
            if let Some(t) = itemtype {
                f.itemtypes.extend(t.split_ascii_whitespace().filter_map(|u| u.rsplit('/').next()));
            }
            if tag == Tag::A
                && rel.is_some_and(|r| r.split_ascii_whitespace().any(|t| t.eq_ignore_ascii_case("author")))
            {
                f.rel_authors.push(i);
            }
        }
        f
    }

    /// The first non-empty value of the first of `keys` that has one.
    fn meta(&self, keys: &[&str]) -> Option<String> {
        keys.iter().find_map(|k| self.metas.iter().filter(|(mk, _)| mk == k).find_map(|(_, v)| clean(v)))
    }

    /// The Twitter card label "Written by" / "Author" and its data.
    fn twitter_author(&self) -> Option<String> {
        (1..=4).find_map(|n| {
            let label = self.meta(&[&format!("twitter:label{n}")])?.to_lowercase();
            (label == "written by" || label == "author" || label == "by")
                .then(|| self.meta(&[&format!("twitter:data{n}")]))?
        })
    }
}

/// Gather metadata from the parsed page and its JSON-LD blocks.
pub fn extract(dom: &Dom<'_>, json_ld: &[String], url: Option<&str>) -> Meta {
    let mut m = Meta::default();
    let found = Found::gather(dom);
    let ld = JsonLd::parse(json_ld);

    m.html_title = found.title.and_then(|t| clean(&dom.text(t)));
    m.site = found
        .meta(&["og:site_name"])
        .or_else(|| ld.publisher.clone())
        .or_else(|| found.meta(&["application-name"]))
        .filter(|s| !s.starts_with("http"));
    m.canonical_url =
        found.canonical.and_then(clean).or_else(|| found.meta(&["og:url"])).filter(|u| u.starts_with("http"));
    let page_url = url.map(str::to_string).or_else(|| m.canonical_url.clone());
    let host = page_url.as_deref().and_then(|u| url::Url::parse(u).ok()).and_then(|u| u.host_str().map(str::to_string));

    let (title, node) = pick_title(dom, &found, &ld, m.site.as_deref(), m.html_title.as_deref(), host.as_deref());
    m.title = title;
    m.title_node = node;

    let words = subtree_words(dom);
    let near = Near::scan(dom, &found, node, &words);
    m.published = pick_date(&found, &ld, &near, dom, node, page_url.as_deref(), &words);
    m.author = pick_author(&found, &ld, &near, dom, m.site.as_deref(), host.as_deref());

    m.lang = found
        .html_lang
        .or_else(|| {
            found.metas.iter().find(|(k, _)| k == "content-language" || k == "language").map(|(_, v)| v.as_str())
        })
        .and_then(|l| l.split(['-', '_']).next())
        .map(str::to_ascii_lowercase)
        .filter(|l| l.len() == 2 || l.len() == 3);
    let types = ld.types.iter().map(String::as_str).chain(found.itemtypes.iter().copied());
    let (mut product, mut story) = (false, false);
    for t in types {
        product |= matches!(t, "Product" | "ProductGroup");
        story |= is_story_type(t);
    }
    m.declares_story = story;
    m.product_page = product && !story;
    m.article_body = ld.article_body;
    m.product_description = ld.product_description;
    m
}

/// The title: see the module documentation. Returns the `<h1>` it is, or repeats.
fn pick_title(
    dom: &Dom<'_>,
    found: &Found<'_>,
    ld: &JsonLd,
    site: Option<&str>,
    html_title: Option<&str>,
    host: Option<&str>,
) -> (Option<String>, Option<usize>) {
    let h1s: Vec<(usize, String)> = found
        .h1s
        .iter()
        .filter_map(|&h| clean(dom.spaced_text(h).trim_end_matches(['¶', '#', '🔗']).trim()).map(|t| (h, t)))
        .collect();
    // An <h1> holding the site's name (a logo) is not the headline.
    let site_key = site.map(fold).filter(|s| !s.is_empty());
    let last_part = html_title.and_then(|t| {
        let sep = crate::title::SEPARATORS.iter().find(|s| t.contains(**s))?;
        let parts: Vec<&str> = t.split(sep).collect();
        let last = *parts.last()?;
        (parts.len() >= 2 && parts.iter().any(|p| p.len() > last.len())).then(|| fold(last))
    });
    let host_label = host.map(|h| h.trim_start_matches("www.").replace('.', ""));
    let site_like = |t: &str| {
        let f = fold(t);
        Some(&f) == site_key.as_ref()
            || Some(&f) == last_part.as_ref()
            || host_label
                .as_deref()
                .is_some_and(|h| f.replace(' ', "") == h || f.replace(' ', "") == h.trim_end_matches("com"))
    };
    let headlines: Vec<&(usize, String)> =
        h1s.iter().filter(|(_, t)| !site_like(t) && t.chars().count() <= 300).collect();
    // A JSON-LD "headline" of a paragraph's length is a description.
    let og = found.meta(&["og:title"]);
    let ld_headline = ld
        .headline
        .clone()
        .filter(|h| h.chars().count() <= 150 && og.as_ref().is_none_or(|o| h.len() <= 2 * o.len().max(40)));
    let metas: Vec<String> =
        [ld_headline.clone(), og.clone(), found.meta(&["twitter:title"]), html_title.map(str::to_string)]
            .into_iter()
            .flatten()
            .map(|t| fold(&t))
            .filter(|t| !t.is_empty())
            .collect();
    let agrees = |t: &str| {
        let f = fold(t);
        !f.is_empty() && metas.iter().any(|m| m.contains(&f) || f.contains(m.as_str()))
    };
    let chosen = match headlines.as_slice() {
        [one] => Some((*one).clone()),
        [] => None,
        many => many.iter().find(|(_, t)| agrees(t)).map(|h| (*h).clone()),
    };
    if let Some((node, t)) = chosen {
        return (Some(t), Some(node));
    }
    let title = ld_headline
        .or(og)
        .or_else(|| found.meta(&["twitter:title", "headline", "dc.title"]))
        .or_else(|| html_title.map(crate::title::strip_site_suffix))
        .or_else(|| h1s.first().map(|h| h.1.clone()));
    let node = title.as_deref().and_then(|t| h1s.iter().find(|(_, h)| fold(h) == fold(t)).map(|h| h.0));
    (title, node)
}

/// Short elements near the headline: from [`NEAR_BEFORE`] blocks above it to
/// [`NEAR_AFTER`] below (from the top of the page when there is none).
struct Near {
    /// Their dates, in order, each once.
    dates: Vec<String>,
    /// Byline elements (class or id naming the author) and their text.
    bylines: Vec<String>,
    /// Short texts that start with "By" (or "Written by", "Posted by" …).
    by_lines: Vec<String>,
}

const NEAR_BEFORE: usize = 10;
const NEAR_AFTER: usize = 60;
/// Longest element text read for a date or a byline.
const NEAR_WORDS: usize = 14;

pub(super) static BYLINE_NAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)author|byline|by-line|posted-?by|writer").expect("static regex"));
pub(super) static NOT_BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)avatar|image|img|photo|picture|bio|description|comment|social|share|follow").expect("static regex")
});
/// An element mentioning these holds a date that is not the publication's.
static OTHER_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(edited|last (post|reply|activity|seen)|views?|replies|as of|copyright|joined|member since|expires?|sale ends)(?-u:\b)|©")
        .expect("static regex")
});

impl Near {
    fn scan(
        dom: &Dom<'_>,
        found: &Found<'_>,
        title: Option<usize>,
        (words, has_blocks): &(Vec<usize>, Vec<bool>),
    ) -> Near {
        let (from, to) = window(found, title, NEAR_BEFORE, NEAR_AFTER, dom.len());
        let mut near = Near { dates: Vec::new(), bylines: Vec::new(), by_lines: Vec::new() };
        let mut i = from;
        while i < to {
            let Kind::Elem { tag, el } = dom.nodes[i].kind else {
                i += 1;
                continue;
            };
            let w = words[i];
            if w == 0 || matches!(tag, Tag::Head | Tag::Title | Tag::Button | Tag::Select | Tag::Option) {
                i = dom.nodes[i].end;
                continue;
            }
            let named = |re: &Regex| {
                el.attr("class").is_some_and(|c| re.is_match(c)) || el.attr("id").is_some_and(|c| re.is_match(c))
            };
            if w <= 12 && named(&BYLINE_NAME) && !named(&NOT_BYLINE) {
                if let Some(t) = clean(&dom.spaced_text(i)) {
                    near.bylines.push(t);
                }
            }
            if w > NEAR_WORDS || has_blocks[i] {
                i += 1;
                continue;
            }
            let text = dom.spaced_text(i);
            if let Some(d) = dates::parse_date(&text).filter(|_| !OTHER_DATE.is_match(&text)) {
                if !near.dates.iter().any(|x| day(x) == day(&d)) {
                    near.dates.push(d);
                }
            }
            if w <= 10 && starts_with_by(&text) {
                near.by_lines.push(text);
            }
            i = dom.nodes[i].end;
        }
        near
    }
}

/// The node range from `before` blocks above `title` to `after` below it.
fn window(found: &Found<'_>, title: Option<usize>, before: usize, after: usize, n: usize) -> (usize, usize) {
    let at = title.and_then(|t| found.blocks.iter().position(|&b| b == t));
    let (lo, hi) = match at {
        Some(k) => (k.saturating_sub(before), k + after),
        None => (0, after),
    };
    let from = if at.is_some() { found.blocks.get(lo).copied().unwrap_or(0) } else { 0 };
    let to = found.blocks.get(hi).copied().unwrap_or(n);
    (from, to)
}

/// Words under each node, and whether a block element with text is among
/// its descendants (one reverse pass): a short element without such blocks
/// reads as one line.
fn subtree_words(dom: &Dom<'_>) -> (Vec<usize>, Vec<bool>) {
    let mut words = vec![0usize; dom.len()];
    let mut blocks = vec![false; dom.len()];
    for i in (0..dom.len()).rev() {
        words[i] += dom.text_stats[i].words as usize;
        let p = dom.nodes[i].parent;
        if p != usize::MAX {
            words[p] += words[i];
            blocks[p] |= blocks[i] || (words[i] > 0 && dom.tag(i).is_some_and(|t| t.is_block()));
        }
    }
    (words, blocks)
}

fn day(iso: &str) -> &str {
    &iso[..iso.len().min(10)]
}

/// The date: see the module documentation.
fn pick_date(
    found: &Found<'_>,
    ld: &JsonLd,
    near: &Near,
    dom: &Dom<'_>,
    title: Option<usize>,
    url: Option<&str>,
    (words, has_blocks): &(Vec<usize>, Vec<bool>),
) -> Option<String> {
    let parse = |s: &str| dates::parse_date(s);
    let mut published: Vec<String> = Vec::new();
    published.extend(ld.date_published.as_deref().and_then(parse));
    published.extend(ld.forum_date.as_deref().and_then(parse));
    published.extend(
        PUBLISHED_KEYS.iter().filter_map(|k| found.metas.iter().filter(|(mk, _)| mk == k).find_map(|(_, v)| parse(v))),
    );
    published.extend(found.times.iter().filter(|t| t.1).filter_map(|t| parse(t.0)));
    published.extend(found.itemprop_dates.iter().filter_map(|d| parse(d)));
    let mut modified: Vec<String> = Vec::new();
    modified.extend(ld.date_modified.as_deref().and_then(parse));
    modified.extend(
        MODIFIED_KEYS.iter().filter_map(|k| found.metas.iter().filter(|(mk, _)| mk == k).find_map(|(_, v)| parse(v))),
    );
    let times: Vec<String> = found.times.iter().filter_map(|t| parse(t.0)).collect();
    let known = |d: &str, set: &[String]| set.iter().find(|x| day(x) == day(d)).cloned();
    // A visible date metadata agrees with (its time and offset kept), any
    // visible date, then metadata alone.
    near.dates
        .iter()
        .find_map(|d| known(d, &published))
        .or_else(|| near.dates.iter().find_map(|d| known(d, &modified).or_else(|| known(d, &times))))
        .or_else(|| near.dates.first().cloned())
        .or_else(|| published.first().cloned())
        .or_else(|| times.first().cloned())
        .or_else(|| url.and_then(date_from_url))
        .or_else(|| modified.first().cloned())
        .or_else(|| {
            // Anywhere below the headline: the first short element with a date.
            let from = title.unwrap_or(0);
            let mut i = from;
            while i < dom.len() {
                if matches!(dom.nodes[i].kind, Kind::Elem { .. })
                    && (1..=NEAR_WORDS).contains(&words[i])
                    && !has_blocks[i]
                {
                    let t = dom.spaced_text(i);
                    if let Some(d) = dates::parse_date(&t).filter(|_| !OTHER_DATE.is_match(&t)) {
                        return Some(d);
                    }
                    i = dom.nodes[i].end;
                } else {
                    i += 1;
                }
            }
            None
        })
}

const PUBLISHED_KEYS: &[&str] = &[
    "article:published_time",
    "article:published",
    "og:published_time",
    "og:article:published_time",
    "datepublished",
    "publishdate",
    "publish-date",
    "published_date",
    "pubdate",
    "publication_date",
    "citation_publication_date",
    "sailthru.date",
    "parsely-pub-date",
    "dc.date.issued",
    "dcterms.created",
    "dcterms.issued",
    "dcterms.date",
    "dc.date",
    "date",
    "article.published",
];

const MODIFIED_KEYS: &[&str] = &[
    "article:modified_time",
    "og:updated_time",
    "og:article:modified_time",
    "datemodified",
    "dcterms.modified",
    "last-modified",
];

/// "By Jane Doe", "Written by Jane Doe", "Posted by: jdoe".
fn starts_with_by(t: &str) -> bool {
    static BY: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^(?:(?:written|posted|post|started|text|words|reported|reviewed|story)\s+)?by\s*:?\s*\S")
            .expect("static regex")
    });
    // Most texts do not have "by" among their first words: no regex then.
    let head = &t.as_bytes()[..t.len().min(24)];
    head.windows(2).any(|w| w.eq_ignore_ascii_case(b"by")) && BY.is_match(t)
}

/// A person's name from a byline's text: the "By" and what follows the
/// name (a date, a separator, "on …") cut off; None when what is left does
/// not look like a name.
fn byline_name(t: &str) -> Option<String> {
    static PREFIX: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)^(?:(?:written|posted|post|started|text|words|reported|reviewed|story)\s+)?(?:by|author)\s*:?\s*",
        )
        .expect("static regex")
    });
    static CUT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\s*(?:[•·|–—]|\s-\s|(?-u:\b)(?:on|updated|published)(?-u:\b)|[0-9]).*$").expect("static regex")
    });
    let t = PREFIX.replace(t.trim(), "");
    let t = CUT.replace(&t, "");
    let t = t.trim().trim_end_matches([',', ':', ';']).trim();
    let words = t.split_whitespace().count();
    let bare =
        matches!(t.to_lowercase().as_str(), "author" | "by" | "staff" | "admin" | "editor" | "editorial" | "team");
    ((1..=6).contains(&words) && !bare && !t.contains(['@', '/']) && t.chars().next().is_some_and(char::is_alphabetic))
        .then(|| t.to_string())
}

/// The author: see the module documentation.
fn pick_author(
    found: &Found<'_>,
    ld: &JsonLd,
    near: &Near,
    dom: &Dom<'_>,
    site: Option<&str>,
    host: Option<&str>,
) -> Option<String> {
    let person = |a: &str| {
        let words = a.split_whitespace().count();
        !a.starts_with("http")
            && !a.starts_with('@')
            && (1..=16).contains(&words)
            && a.chars().next().is_some_and(char::is_alphabetic)
    };
    let structured = ld
        .author
        .clone()
        .or_else(|| ld.forum_author.clone())
        .or_else(|| {
            found
                .meta(&["author", "article:author", "byl", "dc.creator", "parsely-author", "sailthru.author"])
                .filter(|a| !a.starts_with("http"))
        })
        .or_else(|| found.twitter_author())
        .map(|a| strip_by(&a));
    let organisations: Vec<String> = [
        site.map(fold),
        ld.publisher.as_deref().map(fold),
        host.map(|h| fold(h.trim_start_matches("www.").split('.').next().unwrap_or(""))),
    ]
    .into_iter()
    .flatten()
    .filter(|o| !o.is_empty())
    .collect();
    let is_org = |a: &str| {
        let f = fold(a);
        organisations.iter().any(|o| *o == f || o.replace(' ', "") == f.replace(' ', ""))
    };
    let microdata = || {
        found.itemprop_authors.iter().find_map(|&a| {
            clean(&dom.spaced_text(a)).or_else(|| {
                (a..dom.nodes[a].end).find_map(|j| {
                    (dom.attr(j, "itemprop") == Some("name")).then(|| dom.attr(j, "content").and_then(clean)).flatten()
                })
            })
        })
    };
    let rel = || {
        found.rel_authors.iter().find_map(|&a| {
            let t = clean(&dom.spaced_text(a))?;
            let l = t.to_lowercase();
            (t.split_whitespace().count() <= 6
                && !l.starts_with("more ")
                && !l.starts_with("view ")
                && !l.starts_with("about"))
            .then_some(t)
        })
    };
    let visible = || {
        near.bylines.iter().find_map(|b| byline_name(b)).or_else(|| near.by_lines.iter().find_map(|b| byline_name(b)))
    };
    match structured {
        Some(a) if !is_org(&a) && person(&a) => Some(a),
        org => microdata()
            .map(|a| strip_by(&a))
            .filter(|a| !is_org(a) && byline_name(a).is_some())
            .or_else(rel)
            .or_else(visible)
            .or(org),
    }
}

fn strip_by(a: &str) -> String {
    let t = a.trim();
    for p in ["By ", "by ", "BY ", "By: ", "Written by ", "Author: "] {
        if let Some(r) = t.strip_prefix(p) {
            return r.trim().to_string();
        }
    }
    t.to_string()
}

/// `/2019/11/19/` in a URL path.
pub fn date_from_url(url: &str) -> Option<String> {
    let c = URL_DATE.captures(url)?;
    dates::parse_date(&format!("{}-{}-{}", &c[1], &c[2], &c[3]))
}

#[derive(Default)]
struct JsonLd {
    headline: Option<String>,
    date_published: Option<String>,
    date_modified: Option<String>,
    author: Option<String>,
    publisher: Option<String>,
    article_body: Option<String>,
    /// From a forum post or question (`DiscussionForumPosting`, `Question`, …), used after articles.
    forum_author: Option<String>,
    forum_date: Option<String>,
    product_description: Option<String>,
    /// Every `@type` declared.
    types: Vec<String>,
}

impl JsonLd {
    fn parse(blocks: &[String]) -> JsonLd {
        let mut out = JsonLd::default();
        for b in blocks {
            let text = b.trim().trim_end_matches(';');
            // Raw control characters inside strings are not JSON, and pages have them.
            let v = serde_json::from_str::<Value>(text).or_else(|_| {
                let lenient: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
                serde_json::from_str::<Value>(&lenient)
            });
            let Ok(v) = v else { continue };
            let mut stack = vec![&v];
            while let Some(v) = stack.pop() {
                match v {
                    Value::Array(a) => stack.extend(a.iter().rev()),
                    Value::Object(o) => {
                        if let Some(g) = o.get("@graph") {
                            stack.push(g);
                        }
                        let ty = o.get("@type").map(type_names).unwrap_or_default();
                        out.types.extend(ty.iter().cloned());
                        if ty.iter().any(|t| is_article_type(t)) {
                            out.take(o);
                        } else if ty.iter().any(|t| is_post_type(t)) {
                            out.take_post(o);
                        } else if ty
                            .iter()
                            .any(|t| matches!(t.as_str(), "Product" | "Service" | "SoftwareApplication" | "Course"))
                            && out.product_description.is_none()
                        {
                            out.product_description = o.get("description").and_then(Value::as_str).and_then(decoded);
                        }
                        if let Some(me) = o.get("mainEntity") {
                            stack.push(me);
                        }
                    }
                    _ => {}
                }
            }
        }
        out
    }

    fn take(&mut self, o: &serde_json::Map<String, Value>) {
        let s = |k: &str| o.get(k).and_then(Value::as_str).and_then(decoded);
        self.headline = self.headline.take().or_else(|| s("headline")).or_else(|| s("name"));
        self.date_published = self.date_published.take().or_else(|| s("datePublished")).or_else(|| s("dateCreated"));
        self.date_modified = self.date_modified.take().or_else(|| s("dateModified"));
        self.article_body = self.article_body.take().or_else(|| {
            o.get("articleBody").and_then(Value::as_str).map(str::trim).filter(|b| !b.is_empty()).map(String::from)
        });
        if self.author.is_none() {
            self.author = o.get("author").or_else(|| o.get("creator")).and_then(names);
        }
        if self.publisher.is_none() {
            self.publisher = o.get("publisher").and_then(names);
        }
    }

    fn take_post(&mut self, o: &serde_json::Map<String, Value>) {
        let s = |k: &str| o.get(k).and_then(Value::as_str).and_then(decoded);
        if self.forum_author.is_none() {
            self.forum_author = o.get("author").and_then(names);
        }
        self.forum_date = self.forum_date.take().or_else(|| s("datePublished")).or_else(|| s("dateCreated"));
    }
}

fn type_names(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a.iter().filter_map(Value::as_str).map(String::from).collect(),
        _ => vec![],
    }
}

fn is_article_type(t: &str) -> bool {
    t.ends_with("Article")
        || t.ends_with("BlogPosting")
        || t == "NewsArticle"
        || matches!(t, "Report" | "WebPage" | "Review" | "LiveBlogPosting")
}

/// A story: what a page holding one is about, rather than a product.
fn is_story_type(t: &str) -> bool {
    t.ends_with("Article")
        || t.ends_with("BlogPosting")
        || matches!(t, "DiscussionForumPosting" | "SocialMediaPosting" | "QAPage")
}

fn is_post_type(t: &str) -> bool {
    matches!(t, "DiscussionForumPosting" | "SocialMediaPosting" | "Question" | "Answer" | "Comment" | "QAPage")
}

/// `"X"`, `{"name": "X"}`, `{"name": ["X"]}` or a list of those → "X",
/// "X and Y", "X, Y, and Z".
fn names(v: &Value) -> Option<String> {
    fn one(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::String(s) => out.extend(decoded(s)),
            Value::Object(o) => {
                if let Some(n) = o.get("name") {
                    one(n, out);
                }
            }
            Value::Array(a) => a.iter().for_each(|x| one(x, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    one(v, &mut all);
    all.dedup();
    match all.as_slice() {
        [] => None,
        [a] => Some(a.clone()),
        [a, b] => Some(format!("{a} and {b}")),
        [rest @ .., last] => Some(format!("{}, and {last}", rest.join(", "))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::html::{arena, dom};

    /// Parse `html` and extract its metadata.
    fn meta_of(html: &str, json_ld: &[String], url: Option<&str>) -> Meta {
        let tree = arena::parse(html);
        extract(&dom::Dom::build(&tree, 1000).unwrap(), json_ld, url)
    }

    #[test]
    fn json_ld_and_the_page_agree() {
        let html = r#"<html lang="en-GB"><head><title>Big News | The Paper</title>
            <meta property="og:title" content="OG title"><meta property="og:site_name" content="The Paper">
            <meta property="article:published_time" content="2019-11-18T08:00:00Z">
            <link rel="canonical" href="https://paper.example/a/1"></head><body><h1>Big News</h1></body></html>"#;
        let ld = r#"{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"x"},
            {"@type":"NewsArticle","headline":"Big News &amp; more","datePublished":"2019-11-19T10:00:00+01:00",
             "author":[{"@type":"Person","name":"Ann Writer"},{"name":"Bo Writer"}],"publisher":{"name":"Paper Inc"}}]}"#;
        let m = meta_of(html, &[ld.to_string()], None);
        assert_eq!(m.title.as_deref(), Some("Big News"));
        assert_eq!(m.published.as_deref(), Some("2019-11-19T10:00:00+01:00"));
        assert_eq!(m.author.as_deref(), Some("Ann Writer and Bo Writer"));
        assert_eq!(m.site.as_deref(), Some("The Paper"));
        assert_eq!(m.lang.as_deref(), Some("en"));
        assert_eq!(m.canonical_url.as_deref(), Some("https://paper.example/a/1"));
        // Without an <h1>, the JSON-LD headline, its entities decoded.
        let m = meta_of(&html.replace("<h1>Big News</h1>", ""), &[ld.to_string()], None);
        assert_eq!(m.title.as_deref(), Some("Big News & more"));
    }

    #[test]
    fn falls_back_to_meta_time_title_and_url() {
        let html = r#"<title>Plain Title - Site</title><body><time datetime="2018-03-04">4 March</time></body>"#;
        let m = meta_of(html, &[], None);
        assert_eq!(m.title.as_deref(), Some("Plain Title"));
        assert_eq!(m.published.as_deref(), Some("2018-03-04"));
        let m = meta_of("<p>x</p>", &["not json".into()], Some("https://x.example/2017/05/06/story"));
        assert_eq!(m.published.as_deref(), Some("2017-05-06"));
        assert_eq!(m.title, None);
    }

    #[test]
    fn the_site_name_in_an_h1_is_not_the_title() {
        let html = r#"<title>How to prune roses | Garden Notes</title><meta property="og:site_name" content="Garden Notes">
            <body><header><h1>Garden Notes</h1></header><article><h1>How to prune roses</h1><p>Text.</p></article></body>"#;
        assert_eq!(meta_of(html, &[], None).title.as_deref(), Some("How to prune roses"));
        let html = r#"<title>Antoyo's Blog</title><body><h1>Antoyo's Blog</h1><h2>A post</h2></body>"#;
        assert_eq!(meta_of(html, &[], None).title.as_deref(), Some("Antoyo's Blog"));
    }

    #[test]
    fn the_date_shown_under_the_headline_wins_and_keeps_the_metadata_time() {
        let html = r#"<meta property="article:published_time" content="2025-08-01T09:30:00-04:00">
            <body><h1>Headline here</h1><div class="meta"><span>By Jane Roe</span> · Updated Aug 14, 2025</div>
            <p>Body text of the story.</p></body>"#;
        let m = meta_of(html, &[], None);
        assert_eq!(m.published.as_deref(), Some("2025-08-14"));
        assert_eq!(m.author.as_deref(), Some("Jane Roe"));
        let html = html.replace("Updated Aug 14, 2025", "August 1, 2025");
        assert_eq!(meta_of(&html, &[], None).published.as_deref(), Some("2025-08-01T09:30:00-04:00"));
    }

    #[test]
    fn a_byline_element_names_the_person_not_the_organisation() {
        let html = r#"<meta property="og:site_name" content="Cleveland Clinic"><meta name="author" content="Cleveland Clinic">
            <body><h1>Why knees ache</h1><p class="article-author">Written by Doris Munoz, MD</p><p>Body.</p></body>"#;
        assert_eq!(meta_of(html, &[], None).author.as_deref(), Some("Doris Munoz, MD"));
        let html = r#"<meta name="twitter:label1" content="Written by"><meta name="twitter:data1" content="Sam Poe"><h1>X</h1>"#;
        assert_eq!(meta_of(html, &[], None).author.as_deref(), Some("Sam Poe"));
    }

    #[test]
    fn forum_posts_give_author_and_date_after_articles() {
        let ld = r#"{"@type":"QAPage","mainEntity":{"@type":"Question","name":"Why?","author":{"@type":"Person","name":"amondale"},"dateCreated":"2024-09-22T14:43:37Z"}}"#;
        let m = meta_of("<h1>Why?</h1>", &[ld.to_string()], None);
        assert_eq!(m.author.as_deref(), Some("amondale"));
        assert_eq!(m.published.as_deref(), Some("2024-09-22T14:43:37Z"));
    }
}
