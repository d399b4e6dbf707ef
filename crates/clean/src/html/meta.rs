//! Page metadata: title, published date, author, site name, language,
//! canonical URL.
//!
//! Sources in order of trust: JSON-LD (schema.org `*Article` / `*Posting`),
//! then OpenGraph / `<meta>` tags, then the DOM (`<time>`, `<h1>`, `<title>`),
//! then the URL (a `/YYYY/MM/DD/` path for the date) — the order htmldate and
//! trafilatura use.

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
    /// Published date, ISO 8601.
    pub published: Option<String>,
    /// Author(s), comma-separated.
    pub author: Option<String>,
    /// Site name.
    pub site: Option<String>,
    /// Declared language (`<html lang>`), ISO 639-1 part only.
    pub lang: Option<String>,
    /// `<link rel=canonical>` or `og:url`.
    pub canonical_url: Option<String>,
    /// JSON-LD `articleBody`, when the page carries one.
    pub article_body: Option<String>,
}

static URL_DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"/((?:19|20)\d\d)[/-](\d{1,2})[/-](\d{1,2})(?:/|[-_]|$)").expect("static regex"));

fn clean(s: &str) -> Option<String> {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    (!s.is_empty()).then_some(s)
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
    canonical: Option<&'a str>,
    html_lang: Option<&'a str>,
    itemprop_author: Option<usize>,
}

impl<'a> Found<'a> {
    fn gather(dom: &Dom<'a>) -> Found<'a> {
        let mut f = Found::default();
        for (i, node) in dom.nodes.iter().enumerate() {
            let Kind::Elem { tag, el } = node.kind else { continue };
            if el.attrs.is_empty() && !matches!(tag, Tag::Title | Tag::H1) {
                continue;
            }
            let attr = |name: &str| el.attr(name);
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
                        let marked = attr("pubdate").is_some() || attr("itemprop") == Some("datePublished");
                        f.times.push((dt, marked));
                    }
                }
                Tag::Link if f.canonical.is_none() && attr("rel") == Some("canonical") => f.canonical = attr("href"),
                Tag::Html if f.html_lang.is_none() => f.html_lang = attr("lang").or_else(|| attr("xml:lang")),
                _ => {}
            }
            if f.itemprop_author.is_none() && attr("itemprop") == Some("author") {
                f.itemprop_author = Some(i);
            }
        }
        f
    }
}

/// Gather metadata from the parsed page and its JSON-LD blocks.
pub fn extract(dom: &Dom<'_>, json_ld: &[String], url: Option<&str>) -> Meta {
    let mut m = Meta::default();
    let found = Found::gather(dom);
    let metas = &found.metas;
    let meta = |keys: &[&str]| -> Option<String> {
        keys.iter().find_map(|k| metas.iter().find(|(mk, _)| mk == k).and_then(|(_, v)| clean(v)))
    };

    let ld = JsonLd::parse(json_ld);

    m.html_title = found.title.and_then(|t| clean(&dom.text(t)));
    let h1 = found.h1s.iter().find_map(|&h| clean(&dom.text(h)));
    m.title = ld
        .headline
        .clone()
        .or_else(|| meta(&["og:title", "twitter:title", "headline", "dc.title"]))
        .or(h1)
        .or_else(|| m.html_title.as_deref().map(strip_site_suffix));

    m.published = ld
        .date_published
        .as_deref()
        .and_then(dates::parse_date)
        .or_else(|| {
            meta(&[
                "article:published_time",
                "og:published_time",
                "datepublished",
                "publishdate",
                "publish-date",
                "pubdate",
                "publication_date",
                "sailthru.date",
                "parsely-pub-date",
                "dc.date.issued",
                "dcterms.created",
                "dc.date",
                "date",
                "article.published",
                "og:article:published_time",
            ])
            .and_then(|d| dates::parse_date(&d))
        })
        .or_else(|| {
            // Prefer a <time> marked as the publication date.
            let times = &found.times;
            times.iter().find(|t| t.1).or(times.first()).and_then(|t| dates::parse_date(t.0))
        })
        .or_else(|| url.and_then(date_from_url));

    m.author = ld
        .author
        .clone()
        .or_else(|| meta(&["author", "article:author", "byl", "dc.creator", "parsely-author", "sailthru.author"]))
        .filter(|a| !a.starts_with("http"))
        .or_else(|| found.itemprop_author.and_then(|a| clean(&dom.text(a))))
        .map(|a| a.trim_start_matches("By ").trim_start_matches("by ").to_string());

    m.site = meta(&["og:site_name", "application-name", "twitter:site"])
        .or_else(|| ld.publisher.clone())
        .map(|s| s.trim_start_matches('@').to_string());

    m.lang = found
        .html_lang
        .or_else(|| metas.iter().find(|(k, _)| k == "content-language" || k == "language").map(|(_, v)| v.as_str()))
        .and_then(|l| l.split(['-', '_']).next())
        .map(str::to_ascii_lowercase)
        .filter(|l| l.len() == 2 || l.len() == 3);

    m.canonical_url = found.canonical.and_then(clean).or_else(|| meta(&["og:url"])).filter(|u| u.starts_with("http"));

    m.article_body = ld.article_body;
    m
}

/// "Headline - Site" / "Headline | Site" → "Headline" (the longest part).
pub fn strip_site_suffix(t: &str) -> String {
    for sep in [" | ", " - ", " – ", " — ", " :: ", " · "] {
        if let Some((a, b)) = t.rsplit_once(sep) {
            if a.len() >= b.len() {
                return a.trim().to_string();
            }
        }
    }
    t.trim().to_string()
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
    author: Option<String>,
    publisher: Option<String>,
    article_body: Option<String>,
}

impl JsonLd {
    fn parse(blocks: &[String]) -> JsonLd {
        let mut out = JsonLd::default();
        for b in blocks {
            let Ok(v) = serde_json::from_str::<Value>(b.trim().trim_end_matches(';')) else {
                continue;
            };
            let mut stack = vec![&v];
            while let Some(v) = stack.pop() {
                match v {
                    Value::Array(a) => stack.extend(a.iter().rev()),
                    Value::Object(o) => {
                        if let Some(g) = o.get("@graph") {
                            stack.push(g);
                        }
                        let ty = o.get("@type").map(type_names).unwrap_or_default();
                        if ty.iter().any(|t| is_article_type(t)) {
                            out.take(o);
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
        let s = |k: &str| o.get(k).and_then(Value::as_str).and_then(clean);
        self.headline = self.headline.take().or_else(|| s("headline")).or_else(|| s("name"));
        self.date_published = self.date_published.take().or_else(|| s("datePublished")).or_else(|| s("dateCreated"));
        self.article_body = self.article_body.take().or_else(|| {
            o.get("articleBody").and_then(Value::as_str).map(str::trim).filter(|b| !b.is_empty()).map(String::from)
        });
        if self.author.is_none() {
            self.author = o.get("author").and_then(names);
        }
        if self.publisher.is_none() {
            self.publisher = o.get("publisher").and_then(names);
        }
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
    t.ends_with("Article") || t.ends_with("Posting") || matches!(t, "Report" | "WebPage" | "Review" | "LiveBlogPosting")
}

/// `"X"`, `{"name": "X"}` or a list of those → "X, Y".
fn names(v: &Value) -> Option<String> {
    let one = |v: &Value| match v {
        Value::String(s) => clean(s),
        Value::Object(o) => o.get("name").and_then(Value::as_str).and_then(clean),
        _ => None,
    };
    match v {
        Value::Array(a) => {
            let all: Vec<String> = a.iter().filter_map(one).collect();
            (!all.is_empty()).then(|| all.join(", "))
        }
        v => one(v),
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
    fn json_ld_beats_meta_and_dom() {
        let html = r#"<html lang="en-GB"><head><title>Big News | The Paper</title>
            <meta property="og:title" content="OG title"><meta property="og:site_name" content="The Paper">
            <meta property="article:published_time" content="2019-11-18T08:00:00Z">
            <link rel="canonical" href="https://paper.example/a/1"></head><body><h1>H1</h1></body></html>"#;
        let ld = r#"{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"x"},
            {"@type":"NewsArticle","headline":"LD headline","datePublished":"2019-11-19T10:00:00+01:00",
             "author":[{"@type":"Person","name":"Ann Writer"},{"name":"Bo Writer"}],"publisher":{"name":"Paper Inc"}}]}"#;
        let m = meta_of(html, &[ld.to_string()], None);
        assert_eq!(m.title.as_deref(), Some("LD headline"));
        assert_eq!(m.published.as_deref(), Some("2019-11-19T10:00:00+01:00"));
        assert_eq!(m.author.as_deref(), Some("Ann Writer, Bo Writer"));
        assert_eq!(m.site.as_deref(), Some("The Paper"));
        assert_eq!(m.lang.as_deref(), Some("en"));
        assert_eq!(m.canonical_url.as_deref(), Some("https://paper.example/a/1"));
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
}
