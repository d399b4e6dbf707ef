//! Rule family `render`: what the renderer that wrote a dump left in its text.
//!
//! Besides html-text's plain lines, scrapers store what other renderers
//! write, and the cleaner reads the words underneath:
//!
//! * markdown (html2text, markdownify, reader services): `#` headings, `*` /
//!   `-` / `+` bullets, `**bold**`, `[text](url)` links (the text stays),
//!   `![alt](src)` images (they go);
//! * lynx `-dump`: `[12]` link markers before the link text, and a
//!   "References" list of numbered URLs at the end;
//! * stray tags in a dump (an ad's `<a href=…><img …></a>` pasted in):
//!   stripped.
//!
//! A line that holds nothing but a URL, numbered or not, is a link list
//! entry, and so is a short title line ("References", "Visible links")
//! right above a run of them: removed as `link-references`.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

/// The removal kind of URL-list lines.
pub const REFERENCES: &str = "link-references";

/// What a dump's renderer left, found once per document.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rendering {
    /// Markdown syntax: links, headings, emphasis, bullets.
    pub markdown: bool,
    /// lynx link markers `[12]`.
    pub lynx: bool,
    /// Tags in the text.
    pub tags: bool,
}

static TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"(?i)</?({HTML_NAMES})(\s[^<>]*)?/?>|<!--.*?-->")).expect("static regex"));

/// The names of HTML elements: `<The Palace: Tale of Jang Noksu>` is a title in angle quotes, not a tag.
const HTML_NAMES: &str = "a|abbr|address|area|article|aside|audio|b|base|bdi|bdo|blockquote|body|br|button|canvas|caption|center|cite|code|col|colgroup|data|dd|del|details|dfn|dialog|div|dl|dt|em|embed|fieldset|figcaption|figure|font|footer|form|h1|h2|h3|h4|h5|h6|head|header|hgroup|hr|html|i|iframe|img|input|ins|kbd|label|legend|li|link|main|mark|meta|meter|nav|noscript|object|ol|optgroup|option|output|p|param|picture|pre|progress|q|s|samp|script|section|select|small|source|span|strike|strong|style|sub|summary|sup|svg|table|tbody|td|template|textarea|tfoot|th|thead|time|title|tr|track|tt|u|ul|var|video|wbr";
static MD_LINK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(!?)\[([^\[\]]*)\]\(([^()\s]+)(\s+"[^"]*")?\)"#).expect("static regex"));
static MD_EMPHASIS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\*\*|__").expect("static regex"));
static LYNX_MARK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[([0-9]{1,5}|IMG|INLINE|BUTTON)\]").expect("static regex"));
static URL_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\[?\d{1,5}[.)\]:]?\s+)?(<)?(https?|ftp|file|mailto|javascript):\S*>?$").expect("static regex")
});

impl Rendering {
    /// Look at the blocks of a dump.
    pub fn detect<'a>(texts: impl Iterator<Item = &'a str>) -> Rendering {
        let (mut md, mut lynx, mut tags) = (0usize, 0usize, false);
        for t in texts {
            let b = t.as_bytes();
            if memchr::memchr(b'<', b).is_some() && !tags {
                tags = TAG.is_match(t);
            }
            if memchr::memchr(b'[', b).is_some() {
                md += MD_LINK.find_iter(t).take(4).count();
                lynx += LYNX_MARK.find_iter(t).filter(|m| glued_after(t, m.end())).take(4).count();
            }
            if t.starts_with('#')
                && t.trim_start_matches('#').starts_with(' ')
                && t.len() - t.trim_start_matches('#').len() <= 6
            {
                md += 1;
            }
            if memchr::memchr(b'*', b)
                .is_some_and(|i| b.get(i + 1) == Some(&b'*') || memchr::memmem::find(b, b"**").is_some())
            {
                md += 1;
            }
        }
        Rendering { markdown: md >= 3, lynx: lynx >= 3, tags }
    }

    /// Whether any rewriting is needed at all.
    pub fn plain(&self) -> bool {
        *self == Rendering::default()
    }

    /// The words of one block without the renderer's syntax: tags, link
    /// syntax and markers, heading hashes, emphasis, bullets.
    pub fn rewrite<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut s: Cow<'a, str> = Cow::Borrowed(text);
        if self.tags && s.contains('<') {
            s = replace(s, &TAG, " ");
        }
        if self.markdown {
            if s.contains("](") {
                let r = MD_LINK
                    .replace_all(&s, |c: &regex::Captures| if &c[1] == "!" { String::new() } else { c[2].to_string() });
                s = Cow::Owned(r.into_owned());
            }
            if s.contains("**") || s.contains("__") {
                s = replace(s, &MD_EMPHASIS, "");
            }
            let t = s.trim_start();
            let hashes = t.bytes().take_while(|&b| b == b'#').count();
            let cut = if (1..=6).contains(&hashes) && t[hashes..].starts_with(' ') {
                Some(hashes)
            } else if (t.starts_with(['*', '-', '+']) && t[1..].starts_with(' ')) || t.starts_with("> ") {
                Some(1)
            } else {
                None
            };
            if let Some(n) = cut {
                s = Cow::Owned(t[n..].trim_start().to_string());
            }
        }
        if self.lynx && s.contains('[') {
            s = replace(s, &LYNX_MARK, "");
        }
        s
    }
}

/// A lynx marker is glued to the link text after it.
fn glued_after(t: &str, end: usize) -> bool {
    t[end..].chars().next().is_some_and(|c| !c.is_whitespace())
}

fn replace<'a>(s: Cow<'a, str>, re: &Regex, with: &str) -> Cow<'a, str> {
    match re.replace_all(&s, with) {
        Cow::Borrowed(_) => s,
        Cow::Owned(o) => Cow::Owned(o),
    }
}

/// A line that is only a URL, numbered or not ("12. https://…").
pub fn is_url_line(text: &str) -> bool {
    // A scheme's colon, and no space but after a number at the start.
    let b = text.as_bytes();
    b.len() > 6
        && memchr::memchr(b':', b).is_some()
        && memchr::memchr_iter(b' ', b).nth(1).is_none()
        && URL_LINE.is_match(text.trim())
}

/// Which blocks are URL-list entries: runs of at least three URL lines
/// (a single link under an item of an article's list is the article's), and
/// a short unterminated title line ("References") right above such a run.
pub fn url_lists(texts: &[&str]) -> Vec<bool> {
    let urls: Vec<bool> = texts.iter().map(|t| is_url_line(t)).collect();
    let mut out = vec![false; texts.len()];
    let mut i = 0;
    while i < texts.len() {
        let run = urls[i..].iter().take_while(|u| **u).count();
        if run >= 3 {
            out[i..i + run].iter_mut().for_each(|o| *o = true);
            if let Some(t) = i.checked_sub(1).map(|p| texts[p].trim()) {
                if t.split_whitespace().count() <= 3 && !t.ends_with(['.', '!', '?']) {
                    out[i - 1] = true;
                }
            }
        }
        i += run.max(1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_syntax_goes_words_stay() {
        let lines = [
            "# The harbour bridge reopens",
            "* [Home](https://x.example/)",
            "It **finally** [reopened](https://x.example/a \"t\") on Monday.",
            "![A photo](https://x.example/p.jpg)",
        ];
        let r = Rendering::detect(lines.iter().copied());
        assert!(r.markdown && !r.lynx && !r.tags);
        let out: Vec<_> = lines.iter().map(|l| r.rewrite(l).into_owned()).collect();
        assert_eq!(out, ["The harbour bridge reopens", "Home", "It finally reopened on Monday.", ""]);
    }

    #[test]
    fn lynx_markers_and_references() {
        let lines = [
            "[1]Skip to content [2]Home",
            "The council said the [3]bridge would reopen.",
            "[4]Share",
            "References",
            "1. https://x.example/#content",
            "2. https://x.example/",
            "3. https://x.example/bridge",
        ];
        let r = Rendering::detect(lines.iter().copied());
        assert!(r.lynx && !r.markdown);
        assert_eq!(r.rewrite(lines[1]), "The council said the bridge would reopen.");
        assert_eq!(url_lists(&lines), [false, false, false, true, true, true, true]);
    }

    #[test]
    fn stray_tags_are_stripped_and_plain_text_is_untouched() {
        let lines = [
            "<a href=\"https://ads.example\"><img src=\"/b.png\"></a>",
            "Prices rose 3 < 4 % in May, a > b, in <The Palace: Tale of Jang Noksu>.",
        ];
        let r = Rendering::detect(lines.iter().copied());
        assert!(r.tags);
        assert_eq!(r.rewrite(lines[0]).trim(), "");
        assert_eq!(r.rewrite(lines[1]), lines[1]);
        let plain = Rendering::detect(["Just words here.", "[1] is a footnote marker"].into_iter());
        assert!(plain.plain());
    }
}
