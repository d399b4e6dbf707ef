//! A byte-level pass before parsing: cut the spans no extractor ever keeps.
//!
//! On news pages most bytes sit inside `<script>`, `<style>`, `<svg>`,
//! `<noscript>`, `<template>` and comments, and the HTML tokenizer would
//! walk them character by character only for the tree builder to discard
//! them. [`prescan`] finds those spans with `memchr` and copies everything
//! else; JSON-LD (`<script type="application/ld+json">`) contents are kept
//! aside for metadata. The cut is conservative: it only ever removes a span
//! that the tokenizer would also treat as raw text or a comment.

use memchr::memmem;

use super::dom::Tag;

/// The reduced document and what was set aside.
#[derive(Debug, Default)]
pub struct Prescan {
    /// The HTML with the dropped spans cut out.
    pub html: String,
    /// Contents of JSON-LD script elements, in document order.
    pub json_ld: Vec<String>,
    /// Bytes cut.
    pub cut_bytes: usize,
    /// Start tags left for the parser (each makes at most one element).
    pub start_tags: usize,
    /// Bytes inside the `<noscript>` elements cut.
    pub noscript_bytes: usize,
}

/// Deeper nesting than this is flattened: html5ever's tree builder does
/// work proportional to the open-element stack for every tag, so a
/// 100,000-deep page would take minutes. Text is kept; only the excess
/// start and end tags are dropped.
pub const MAX_DEPTH: usize = 512;

/// What the pre-scan needs to know of a tag name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Name {
    /// An element whose whole content is cut (the name, lower case).
    Cut(&'static [u8]),
    /// An element whose content the tokenizer reads as text (RCDATA, RAWTEXT:
    /// `title`, `textarea`, `xmp`, `iframe`, `noembed`, `noframes`; the name,
    /// lower case): copied as it is up to its end tag, a `<script>` or `<!--`
    /// inside it included. `plaintext` never ends.
    Verbatim(&'static [u8]),
    /// `pre` and `listing`: whitespace inside is text (code keeps its indentation).
    Pre,
    /// A void element: no end tag, no nesting (`true`: it ends a block, `<hr>`).
    Void(bool),
    /// An element whose tags end a block of text ([`Tag::is_block`], and `head`).
    Block,
    /// Anything else.
    Other,
}

/// `name` lower-cased into `buf`, when it fits.
fn lower<'b>(name: &[u8], buf: &'b mut [u8; 12]) -> Option<&'b [u8]> {
    let l = buf.get_mut(..name.len())?;
    l.copy_from_slice(name);
    l.make_ascii_lowercase();
    Some(l)
}

/// Classify a tag name with one lower-casing and one `match` (the compiler
/// switches on length first), instead of a comparison per known name.
fn name_class(name: &[u8]) -> Name {
    let mut buf = [0u8; 12];
    lower(name, &mut buf).map_or(Name::Other, lower_class)
}

/// [`name_class`] of a name already lower-cased.
fn lower_class(l: &[u8]) -> Name {
    match l {
        b"script" => Name::Cut(b"script"),
        b"style" => Name::Cut(b"style"),
        b"svg" => Name::Cut(b"svg"),
        b"noscript" => Name::Cut(b"noscript"),
        b"template" => Name::Cut(b"template"),
        b"math" => Name::Cut(b"math"),
        b"title" => Name::Verbatim(b"title"),
        b"textarea" => Name::Verbatim(b"textarea"),
        b"xmp" => Name::Verbatim(b"xmp"),
        b"iframe" => Name::Verbatim(b"iframe"),
        b"noembed" => Name::Verbatim(b"noembed"),
        b"noframes" => Name::Verbatim(b"noframes"),
        b"plaintext" => Name::Verbatim(b"plaintext"),
        b"pre" | b"listing" => Name::Pre,
        b"area" | b"base" | b"br" | b"col" | b"embed" | b"hr" | b"img" | b"input" | b"link" | b"meta" | b"param"
        | b"source" | b"track" | b"wbr" => Name::Void(Tag::of(l).is_block()),
        _ => match Tag::of(l) {
            t if t.is_block() || t == Tag::Head => Name::Block,
            _ => Name::Other,
        },
    }
}

/// Start tags a parser may ignore as stray: `html`, `head`, `body`, the
/// parts of a table outside one, frames outside a frameset, a form inside a
/// form (and a name too long to know).
fn may_be_ignored(lowered: Option<&[u8]>) -> bool {
    matches!(
        lowered,
        None | Some(
            b"html"
                | b"head"
                | b"body"
                | b"td"
                | b"th"
                | b"tr"
                | b"tbody"
                | b"thead"
                | b"tfoot"
                | b"caption"
                | b"col"
                | b"colgroup"
                | b"frame"
                | b"frameset"
                | b"form"
        )
    )
}

/// The elements the parser keeps on its list of active formatting elements.
fn is_formatting(lowered: Option<&[u8]>) -> bool {
    matches!(
        lowered,
        Some(
            b"a" | b"b"
                | b"big"
                | b"code"
                | b"em"
                | b"font"
                | b"i"
                | b"nobr"
                | b"s"
                | b"small"
                | b"strike"
                | b"strong"
                | b"tt"
                | b"u"
        )
    )
}

/// Scope boundaries: a formatting element opened outside one is not "in
/// scope" inside it, and its end tag there leaves it on the list.
fn hides_formatting(lowered: Option<&[u8]>) -> bool {
    matches!(lowered, Some(b"table" | b"td" | b"th" | b"caption" | b"applet" | b"marquee" | b"object" | b"html"))
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

/// Cut raw-text elements and comments out of `html`.
pub fn prescan(html: &str) -> Prescan {
    prescan_with(html, false)
}

/// [`prescan`]; with `keep_noscript`, the `<noscript>` tags go but their
/// content stays, as ordinary markup (pages that serve their text only to
/// readers without scripts: forum crawler views).
pub fn prescan_with(html: &str, keep_noscript: bool) -> Prescan {
    let bytes = html.as_bytes();
    let mut out = Prescan { html: String::with_capacity(html.len() / 2), ..Default::default() };
    let mut copied_to = 0; // bytes[..copied_to] are handled
    let mut pos = 0;
    let mut depth = 0usize;
    // Start tags dropped and not yet closed.
    let mut flattened = 0usize;
    // Open <pre> elements: whitespace is kept as it is.
    let mut pre = 0usize;
    // Formatting elements (`<a>`, `<b>`, …) not yet closed: whitespace text
    // makes the parser reopen them ("reconstruct the active formatting
    // elements"), so it is a node then; and, once one of them was open at a
    // boundary that can hide it from its end tag (a table, a cell, an
    // object), for the rest of the page.
    let mut formatting = 0usize;
    let mut hidden_formatting = false;
    // Open tables: a `<link>` inside one is moved out before it by the
    // parser (it keeps text around it apart), so it stays there.
    let mut tables = 0usize;
    // The kept attributes of a start tag.
    let mut kept = Vec::new();
    // Whether a template from here on reads its content in "column group"
    // mode (asked at the first template, once).
    let mut column_group: Option<bool> = None;
    let push = |out: &mut String, s: &str, pre: usize| if pre > 0 { out.push_str(s) } else { push_collapsed(out, s) };
    while let Some(off) = memchr::memchr(b'<', &bytes[pos..]) {
        let lt = pos + off;
        let rest = &bytes[lt + 1..];
        // Comment: <!-- ... -->
        if rest.starts_with(b"!--") {
            let end = comment_end(bytes, lt);
            push(&mut out.html, &html[copied_to..lt], pre);
            seal(&mut out.html, bytes.get(end..).unwrap_or_default());
            copied_to = end;
            pos = end;
            continue;
        }
        // A bogus comment, read up to the next `>` whatever it holds (left
        // in place for the parser): `<!…>` (a doctype too), `<?…>`, and `</`
        // not followed by a letter.
        if let Some(end) = bogus_comment_end(bytes, lt) {
            pos = end;
            continue;
        }
        // The tag's name.
        let (is_end, name_start) = if rest.first() == Some(&b'/') { (true, 1) } else { (false, 0) };
        // A tag name runs to a space, `/` or `>`, as the tokenizer reads
        // it ("<a<h1>" is one tag, named "a<h1").
        let name_len = rest[name_start..]
            .iter()
            .position(|&b| is_space(b) || b == b'/' || b == b'>')
            .unwrap_or(rest.len() - name_start);
        let name = &rest[name_start..name_start + name_len];
        if name_len == 0 || !name[0].is_ascii_alphabetic() {
            pos = lt + 1;
            continue;
        }
        let mut buf = [0u8; 12];
        let lowered = lower(name, &mut buf);
        let class = lowered.map_or(Name::Other, lower_class);
        if keep_noscript && name.eq_ignore_ascii_case(b"noscript") {
            let gt = after_tag(bytes, lt);
            push(&mut out.html, &html[copied_to..lt], pre);
            seal(&mut out.html, bytes.get(gt..).unwrap_or_default());
            copied_to = gt;
            pos = gt;
            continue;
        }
        if let Name::Verbatim(n) = class {
            if !is_end && tag_is(rest, n) {
                // Up to and including the end tag, as it is (the tokenizer
                // reads no markup in between).
                let end = match find_tag_end(bytes, lt + 1) {
                    Some(gt) if n != b"plaintext" => find_close(bytes, gt + 1, n).map_or(bytes.len(), |(_, e)| e),
                    _ => bytes.len(),
                };
                out.start_tags += 1;
                push(&mut out.html, &html[copied_to..lt], pre);
                out.html.push_str(&html[lt..end]);
                copied_to = end;
                pos = end;
                continue;
            }
        }
        if class == Name::Pre {
            if is_end {
                pre = pre.saturating_sub(1);
            } else if tag_is(rest, name) {
                pre += 1;
            }
        }
        let cut_name = match class {
            Name::Cut(n) if !is_end && tag_is(rest, n) => Some(n),
            _ => None,
        };
        let Some(name) = cut_name else {
            // Track nesting depth; flatten what is too deep.
            let void = matches!(class, Name::Void(_));
            let cut = if void {
                false
            } else if is_end {
                if flattened > 0 {
                    flattened -= 1;
                    true
                } else {
                    depth = depth.saturating_sub(1);
                    false
                }
            } else if depth >= MAX_DEPTH {
                flattened += 1;
                true
            } else {
                depth += 1;
                false
            };
            if cut {
                let gt = after_tag(bytes, lt);
                push(&mut out.html, &html[copied_to..lt], pre);
                seal(&mut out.html, bytes.get(gt..).unwrap_or_default());
                copied_to = gt;
                pos = gt;
                continue;
            }
            // (Not the tags a parser may ignore as stray: `html`, `head`,
            // `body`, and the parts of a table outside one.)
            let ignorable = may_be_ignored(lowered);
            if lowered == Some(b"table") {
                tables = if is_end { tables.saturating_sub(1) } else { tables + 1 };
            }
            match (is_formatting(lowered), is_end) {
                (true, false) => formatting += 1,
                (true, true) => formatting = formatting.saturating_sub(1),
                (false, false) if formatting > 0 && hides_formatting(lowered) => hidden_formatting = true,
                _ => {}
            }
            // (Nor before a table: text the parser moves out of it lands
            // right after that whitespace, which keeps it apart from the words before.)
            let opens_block =
                !is_end && matches!(class, Name::Block | Name::Void(true)) && !ignorable && lowered != Some(b"table");
            if opens_block && pre == 0 && formatting == 0 && !hidden_formatting {
                // Whitespace before a block's start tag makes no text (blocks
                // are trimmed), but the tree builder would make a text node
                // of it. (Not before an end tag, nor `html`, `head`, `body`:
                // where the parser ignores a stray one, the words on either
                // side would be glued.)
                let ws = bytes[copied_to..lt].iter().rev().take_while(|&&c| is_space(c)).count();
                if ws > 0 {
                    push(&mut out.html, &html[copied_to..lt - ws], pre);
                    copied_to = lt;
                }
            }
            if !is_end {
                // Attributes nothing downstream reads (srcset, data-*, event
                // handlers, link targets) are dropped from the start tag,
                // and a `<link>` other than the canonical one altogether.
                let name_end = lt + 1 + name_len;
                let Some(tag) = prune_attributes(html, name_end, Owner::of(lowered), &mut kept) else {
                    // A tag that never ends: the tokenizer reads the rest of the input into it.
                    out.start_tags += 1;
                    pos = bytes.len();
                    continue;
                };
                pos = tag.end;
                // (A `<link>` between two words stays, bare: its element
                // is a seam where they meet. It goes with whitespace on a
                // side, or a tag right after it.)
                let space = |c: Option<&u8>| c.is_none_or(|&c| is_space(c));
                let tag_next = bytes[tag.end..].strip_prefix(b"<").is_some_and(|after| {
                    // A start tag that makes an element wherever it stands
                    // (an end tag may be a stray one, ignored). Not one the
                    // pre-scan cuts itself (`<script>`: no element is left
                    // between the words), nor a table: text inside it that
                    // the parser moves out goes before the table, where it
                    // would meet the text before the link (fuzz:
                    // `P<link><table>r`).
                    let n = after.iter().take_while(|c| c.is_ascii_alphanumeric()).count();
                    let mut buf = [0u8; 12];
                    let next = lower(&after[..n], &mut buf);
                    n > 0
                        && after[0].is_ascii_alphabetic()
                        && !may_be_ignored(next)
                        && next.is_some_and(|l| l != b"table" && !matches!(lower_class(l), Name::Cut(_)))
                });
                let apart = space(lt.checked_sub(1).map(|p| &bytes[p])) || space(bytes.get(tag.end)) || tag_next;
                // (Nor between whitespace and text: in a table a `<link>` is
                // moved out before it, and keeps the text that follows apart
                // from the text before the table.)
                let text_next = bytes.get(tag.end).is_some_and(|&c| !is_space(c) && c != b'<');
                let glue = text_next && lt.checked_sub(1).is_some_and(|p| is_space(bytes[p]));
                if tag.drop && apart && !glue && tables == 0 {
                    push(&mut out.html, &html[copied_to..lt], pre);
                    seal(&mut out.html, bytes.get(tag.end..).unwrap_or_default());
                    copied_to = tag.end;
                    continue;
                }
                if tag.dropped || tag.drop {
                    push(&mut out.html, &html[copied_to..name_end], pre);
                    if !tag.drop {
                        for &(s, e) in &kept {
                            out.html.push(' ');
                            out.html.push_str(&html[s..e]);
                        }
                    }
                    out.html.push('>');
                    copied_to = tag.end;
                }
                // (Otherwise nothing is dropped: the tag stays as it is.)
                out.start_tags += 1;
            } else {
                // The whole end tag (what looks like a tag inside it is not one).
                pos = after_tag(bytes, lt);
            }
            continue;
        };
        if name == b"template" && *column_group.get_or_insert_with(|| column_group_template(bytes, lt)) {
            // The rest is left to the parser: see `column_group_template`.
            break;
        }
        // Find the end of the opening tag.
        let Some(gt) = find_tag_end(bytes, lt + 1 + name.len()) else {
            // An unterminated start tag: the tokenizer would eat the rest too.
            push(&mut out.html, &html[copied_to..lt], pre);
            copied_to = bytes.len();
            break;
        };
        let open_tag = &bytes[lt..=gt];
        let self_closing = open_tag.ends_with(b"/>") && name == b"svg";
        let content_start = gt + 1;
        let (content_end, end) = if self_closing {
            (content_start, content_start)
        } else {
            match find_close(bytes, content_start, name) {
                Some((ce, e)) => (ce, e),
                None => (bytes.len(), bytes.len()),
            }
        };
        if name == b"template" && opens_a_marker(&bytes[content_start..content_end]) {
            // Kept whole, for the parser: see `opens_a_marker`.
            pos = end;
            continue;
        }
        if name == b"noscript" {
            out.noscript_bytes += content_end - content_start;
        }
        if name == b"script" && is_json_ld(open_tag) {
            out.json_ld.push(html[content_start..content_end].to_string());
        }
        push(&mut out.html, &html[copied_to..lt], pre);
        seal(&mut out.html, bytes.get(end..).unwrap_or_default());
        copied_to = end;
        pos = end;
    }
    push(&mut out.html, &html[copied_to..], pre);
    out.cut_bytes = html.len() - out.html.len();
    out
}

/// Append `s`, each newline followed by more whitespace (indentation,
/// blank lines) reduced to the newline: the tokenizer walks whitespace
/// character by character and stops at every newline, and nothing
/// downstream reads indentation (blocks are split into trimmed lines).
fn push_collapsed(out: &mut String, s: &str) {
    let b = s.as_bytes();
    let mut from = 0;
    for nl in memchr::memchr_iter(b'\n', b) {
        if nl < from {
            continue;
        }
        let end = nl + 1 + b[nl + 1..].iter().take_while(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r')).count();
        if end > nl + 1 {
            out.push_str(&s[from..=nl]);
            from = end;
        }
    }
    out.push_str(&s[from..]);
}

/// What kind of element an attribute is on, as far as pruning goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Owner {
    /// `html` and `body`: a second start tag adds its attributes to the
    /// element, so which of them stay must not depend on their values.
    Root,
    Meta,
    Link,
    /// `a`, `span`, `img`: elements no group or name rule reads for their
    /// structure, only for what a class names (see [`names_something`]).
    Inline,
    /// The other formatting elements (`b`, `i`, `em` …): the parser
    /// compares their attributes (its "Noah's Ark" rule: at most three
    /// alike stay on the list of formatting elements), so all of them stay:
    /// without one, two could be alike that were not (fuzz:
    /// `<s><s><p><s e><s></s></s></s>d</s>1`). (Never three `<a>`s are on
    /// the list: a second one closes the first.)
    Formatting,
    Other,
}

impl Owner {
    /// Of a lower-cased name.
    fn of(lowered: Option<&[u8]>) -> Owner {
        match lowered {
            Some(b"html" | b"body") => Owner::Root,
            Some(b"meta") => Owner::Meta,
            Some(b"link") => Owner::Link,
            Some(b"a" | b"span" | b"img") => Owner::Inline,
            _ if is_formatting(lowered) => Owner::Formatting,
            _ => Owner::Other,
        }
    }
}

/// Attributes read after parsing: junk marking and scoring (class, id,
/// role, itemprop, hidden; `style` and `aria-hidden` only where they can
/// hide: a style naming "none" or "hidden", aria-hidden "true"), metadata
/// (`html` lang, `meta` name/property/content, time datetime/pubdate,
/// microdata content and itemtype, rel naming "author" or "canonical", the
/// canonical `link`'s href). The charset is read before the pre-scan, from
/// the bytes. Each costs the parser thousands of instructions, so the
/// attributes nothing would read are left out. A value holding a character
/// reference (`&…;`) is kept: what it spells is known only after parsing.
fn kept_attribute(name: &[u8], value: &[u8], owner: Owner) -> Keep {
    if owner == Owner::Formatting {
        return Keep::Yes;
    }
    let says = |w: &[u8]| value.contains(&b'&') || value.windows(w.len()).any(|x| x.eq_ignore_ascii_case(w));
    let mut buf = [0u8; 12];
    let yes = |b: bool| if b { Keep::Yes } else { Keep::No };
    match lower(name, &mut buf) {
        Some(b"class") if owner == Owner::Inline => yes(value.contains(&b'&') || names_something(value)),
        // (Only name rules read an id; React's `S:` ids mark streamed content.)
        Some(b"id") if matches!(owner, Owner::Inline | Owner::Other) => {
            yes(value.contains(&b'&') || value.starts_with(b"S:") || names_something(value))
        }
        Some(b"class" | b"id" | b"role" | b"itemprop" | b"hidden" | b"datetime" | b"pubdate" | b"itemtype") => {
            Keep::Yes
        }
        Some(b"style") => yes(says(b"none") || says(b"hidden")),
        Some(b"aria-hidden") => yes(value == b"true" || value.contains(&b'&')),
        Some(b"rel") => yes(says(b"author") || says(b"canonical")),
        Some(b"content") if owner == Owner::Meta => Keep::Yes,
        Some(b"content") => Keep::WithItemprop,
        Some(b"lang" | b"xml:lang") => yes(owner == Owner::Root),
        Some(b"name" | b"property") => yes(owner == Owner::Meta),
        Some(b"href") => yes(owner == Owner::Link),
        _ => Keep::No,
    }
}

/// Whether a class or id value says anything a later stage reads: a name
/// rule of junk marking (chrome, layout, comments, the article), of
/// scoring, of bylines, or an embed's class. Ids are read only by those
/// rules; classes also make sibling groups, but never of an `a`, `span` or
/// `img`, and the parser's list of formatting elements holds at most one
/// `<a>` per scope, so dropping a value that says nothing there changes no
/// tree and no verdict. (A `span` picked as the article's container,
/// compared by class with its siblings, is the exception, and rare.)
fn names_something(value: &[u8]) -> bool {
    use std::sync::LazyLock;
    static READ: LazyLock<regex::bytes::RegexSet> = LazyLock::new(|| {
        let embeds = super::junk::EMBED_CLASSES.join("|");
        regex::bytes::RegexSet::new([
            super::junk::COMMENTS.as_str(),
            super::junk::NEGATIVE.as_str(),
            super::junk::LAYOUT.as_str(),
            super::junk::POSITIVE.as_str(),
            super::score::POSITIVE.as_str(),
            super::score::NEGATIVE.as_str(),
            super::meta::BYLINE_NAME.as_str(),
            super::meta::NOT_BYLINE.as_str(),
            &format!(r"(^|\s)({embeds})($|\s)"),
        ])
        .expect("static regex")
    });
    // Pages repeat a few hundred class values over thousands of elements:
    // the answers are kept per thread (see [`Memo`](crate::memo::Memo)).
    thread_local! {
        static KNOWN: std::cell::RefCell<crate::memo::Memo<bool>> =
            std::cell::RefCell::new(crate::memo::Memo::new(KNOWN_CLASSES));
    }
    KNOWN.with(|k| k.borrow_mut().get(value, || READ.is_match(value)))
}

/// Class values whose answers a thread keeps.
const KNOWN_CLASSES: usize = 50_000;

/// Whether an attribute stays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Keep {
    Yes,
    No,
    /// Microdata's value (`<span itemprop=datePublished content=…>`): when
    /// the element has an itemprop.
    WithItemprop,
}

/// A start tag as [`prune_attributes`] read it.
struct Pruned {
    /// Just past its `>`.
    end: usize,
    /// Some attribute goes: the tag is written again from the kept ones.
    dropped: bool,
    /// The whole tag goes: a `<link>` that is not `rel=canonical`.
    drop: bool,
}

/// The attributes of the start tag whose name ends at `from`: the spans of
/// the kept ones go into `kept` (cleared first, a buffer the caller reuses).
/// None when the tag does not end (the tokenizer then reads the rest of
/// the input into it). Follows the tokenizer's attribute states: names run
/// to whitespace, `/`, `>` or `=`; values are quoted or run to whitespace or `>`.
fn prune_attributes(html: &str, from: usize, owner: Owner, kept: &mut Vec<(usize, usize)>) -> Option<Pruned> {
    let b = html.as_bytes();
    let mut i = from;
    kept.clear();
    let mut dropped = false;
    let mut canonical = false;
    let mut itemprop = false;
    // A `content` kept if an itemprop turns up.
    let mut content: Option<(usize, usize)> = None;
    // The parser keeps the first of two attributes of one name: once one
    // of those decided by their value has been seen, later ones go.
    let mut seen = [false; 5];
    let skip_space = |mut j: usize| {
        while j < b.len() && is_space(b[j]) {
            j += 1;
        }
        j
    };
    loop {
        while i < b.len() && (is_space(b[i]) || b[i] == b'/') {
            i += 1;
        }
        if *b.get(i)? == b'>' {
            break;
        }
        let start = i;
        // The first character of a name may be '='; after it, '=' ends the name.
        i += 1;
        while i < b.len() && !is_space(b[i]) && !matches!(b[i], b'/' | b'>' | b'=') {
            i += 1;
        }
        let name = &b[start..i];
        let mut value = &b[i..i];
        let mut j = skip_space(i);
        if b.get(j) == Some(&b'=') {
            j = skip_space(j + 1);
            match *b.get(j)? {
                q @ (b'"' | b'\'') => {
                    let close = j + 1 + memchr::memchr(q, &b[j + 1..])?;
                    value = &b[j + 1..close];
                    j = close + 1;
                }
                b'>' => {}
                _ => {
                    let v = j;
                    while j < b.len() && !is_space(b[j]) && b[j] != b'>' {
                        j += 1;
                    }
                    value = &b[v..j];
                }
            }
            i = j;
        }
        // (Any rel naming it: metadata looks closer.)
        if owner == Owner::Link && name.eq_ignore_ascii_case(b"rel") {
            canonical |= value.split(|&c| is_space(c)).any(|t| t.eq_ignore_ascii_case(b"canonical"));
        }
        let by_value = [&b"style"[..], b"aria-hidden", b"rel", b"content", b"class"]
            .iter()
            .position(|n| name.eq_ignore_ascii_case(n));
        let keep = match by_value {
            Some(k) if std::mem::replace(&mut seen[k], true) => Keep::No,
            _ => kept_attribute(name, value, owner),
        };
        itemprop |= name.eq_ignore_ascii_case(b"itemprop");
        match keep {
            Keep::Yes => kept.push((start, i)),
            Keep::WithItemprop => content = Some((start, i)),
            Keep::No => dropped = true,
        }
    }
    if let Some(c) = content {
        if itemprop {
            // (In its place among the others: their order is kept.)
            let at = kept.partition_point(|k| k.0 < c.0);
            kept.insert(at, c);
        } else {
            dropped = true;
        }
    }
    Some(Pruned { end: i + 1, dropped, drop: owner == Owner::Link && !canonical })
}

/// `rest` (just after `<`) starts with tag `name`, case-insensitively, and
/// the name ends there.
fn tag_is(rest: &[u8], name: &[u8]) -> bool {
    rest.len() > name.len()
        && rest[..name.len()].eq_ignore_ascii_case(name)
        && (is_space(rest[name.len()]) || matches!(rest[name.len()], b'>' | b'/'))
}

/// Before a cut, with what follows it: a `<` left at the end of
/// the output (text, as the tokenizer read it) must not meet what follows
/// the cut and open a tag ("<" + "c" after cutting "<!-->" from "<<!-->c");
/// written as `&lt;`, it stays the same text. And whitespace must not meet
/// text: inside a table the parser keeps a run of whitespace in place but
/// moves text out before the table, so "\n" and "b" around a cut comment
/// are apart there, "\nb" is not; an empty comment keeps them apart. (A
/// `<` that opens no tag is text too: "\n<" after a cut comment in a table.)
fn seal(out: &mut String, rest: &[u8]) {
    // Text follows (not a tag: a tag ends pending table text itself; a
    // doctype does not, the parser drops it where it is, so what comes after
    // it counts).
    let text_follows = match rest {
        [b'<', b'!', ..] if rest.len() >= 9 && rest[2..9].eq_ignore_ascii_case(b"doctype") => true,
        [b'<', c, ..] => !(c.is_ascii_alphabetic() || matches!(c, b'/' | b'!' | b'?')),
        [b'<'] => true,
        [c, ..] => !is_space(*c),
        [] => false,
    };
    if out.ends_with('<') {
        out.pop();
        out.push_str("&lt;");
    } else if out.as_bytes().last().is_some_and(|&c| is_space(c)) && text_follows {
        out.push_str("<!---->");
    } else if out.as_bytes().last().is_some_and(|&c| !is_space(c)) && rest.first().is_some_and(|&c| is_space(c)) {
        // And the other way round: text before the cut, whitespace after
        // (the cut element ended the table text before it, fuzz:
        // `<table>e<template></template>\n<col>r`).
        out.push_str("<!---->");
    }
}

/// Just past the comment whose `<!--` is at `lt`, as the tokenizer ends
/// it: `<!-->` and `<!--->` are whole (empty) comments, and `--!>` closes
/// one as `-->` does; the end of the input when nothing does.
fn comment_end(b: &[u8], lt: usize) -> usize {
    let body = &b[lt + 4..];
    if body.starts_with(b">") {
        return lt + 5;
    }
    if body.starts_with(b"->") {
        return lt + 6;
    }
    // The first "--" followed by ">" or "!>" (one scan: looking for each
    // ending apart would cross the whole page for every comment).
    let mut i = 0;
    while let Some(p) = memmem::find(&body[i..], b"--") {
        let after = &body[i + p + 2..];
        if after.starts_with(b">") {
            return lt + 4 + i + p + 3;
        }
        if after.starts_with(b"!>") {
            return lt + 4 + i + p + 4;
        }
        i += p + 1;
    }
    b.len()
}

/// Just past the bogus comment at `lt`, when the `<` there opens one:
/// `<!…>` but `<!--`, `<?…>`, and `</` not followed by a letter, each up to
/// the next `>`.
fn bogus_comment_end(b: &[u8], lt: usize) -> Option<usize> {
    let rest = &b[lt + 1..];
    let bogus = match rest.first() {
        Some(b'!') => !rest.starts_with(b"!--"),
        Some(b'?') => true,
        Some(b'/') => !rest.get(1).is_some_and(u8::is_ascii_alphabetic),
        _ => false,
    };
    bogus.then(|| memchr::memchr(b'>', rest).map_or(b.len(), |g| lt + 1 + g + 1))
}

/// Just past the tag starting at `lt` (the end of the input when it never closes).
fn after_tag(b: &[u8], lt: usize) -> usize {
    // (An end tag's name starts after its `/`.)
    let name = if b.get(lt + 1) == Some(&b'/') { lt + 2 } else { lt + 1 };
    find_tag_end(b, name).map_or(b.len(), |g| g + 1)
}

/// The `>` closing the tag whose name (or what follows it) starts at `i`,
/// read as the tokenizer reads it: the rest of the name, then attributes,
/// where a quote opens a value only after an attribute name and `=`.
fn find_tag_end(b: &[u8], mut i: usize) -> Option<usize> {
    #[derive(Clone, Copy, PartialEq)]
    enum St {
        Name,
        BeforeAttr,
        AttrName,
        AfterAttr,
        BeforeValue,
        Quoted(u8),
        Unquoted,
    }
    let mut st = St::Name;
    while i < b.len() {
        let c = b[i];
        let space = is_space(c);
        st = match (st, c) {
            (St::Quoted(q), _) if c == q => St::BeforeAttr,
            (St::Quoted(q), _) => St::Quoted(q),
            (_, b'>') => return Some(i),
            (St::Name, _) if space || c == b'/' => St::BeforeAttr,
            (St::Name, _) => St::Name,
            (St::BeforeAttr, _) if space || c == b'/' => St::BeforeAttr,
            (St::BeforeAttr, _) => St::AttrName,
            (St::AttrName, b'=') | (St::AfterAttr, b'=') => St::BeforeValue,
            (St::AttrName, b'/') | (St::AfterAttr, b'/') => St::BeforeAttr,
            (St::AttrName, _) if space => St::AfterAttr,
            (St::AttrName, _) => St::AttrName,
            (St::AfterAttr, _) if space => St::AfterAttr,
            (St::AfterAttr, _) => St::AttrName,
            (St::BeforeValue, _) if space => St::BeforeValue,
            (St::BeforeValue, b'"' | b'\'') => St::Quoted(c),
            (St::BeforeValue, _) => St::Unquoted,
            (St::Unquoted, _) if space => St::BeforeAttr,
            (St::Unquoted, _) => St::Unquoted,
        };
        i += 1;
    }
    None
}

/// Does a template's content open an element that puts a marker on the
/// parser's list of active formatting elements (a table cell or caption,
/// `applet`, `marquee`, `object`, another template)? The template's end
/// clears that list only back to the last marker, so its own marker stays
/// and keeps formatting elements from before it from being reopened: a cut
/// template would change where words meet (fuzz: `-<template><a><template>
/// <th></template></template>a`). Such a template is left to the parser.
fn opens_a_marker(content: &[u8]) -> bool {
    const MARKERS: [&[u8]; 7] = [b"td", b"th", b"caption", b"applet", b"marquee", b"object", b"template"];
    memchr::memchr_iter(b'<', content).any(|lt| {
        let rest = &content[lt + 1..];
        let n = rest.iter().take_while(|c| c.is_ascii_alphanumeric()).count();
        MARKERS.iter().any(|m| rest[..n].eq_ignore_ascii_case(m))
    })
}

/// Does a template at or after `from` start its content with `<col>`? Its
/// content is then read in "column group" mode, where the parser ignores
/// every other start tag, so a `<script>` or `<textarea>` there opens no
/// raw text and what follows is markup (fuzz: `<template><col><script>
/// </template>h`). Knowing where such a template ends means following the
/// parser's template modes; pages do not write it, so from the first
/// template on, a page that does is left to the parser whole. (A template
/// that only seems to be one, inside a comment or a script, costs only
/// the pre-scan's saving.)
fn column_group_template(b: &[u8], from: usize) -> bool {
    memchr::memchr_iter(b'<', &b[from..]).map(|off| from + off).any(|lt| {
        tag_is(&b[lt + 1..], b"template")
            && find_tag_end(b, lt + 9)
                .and_then(|gt| first_start_tag(b, gt + 1))
                .is_some_and(|n| n.eq_ignore_ascii_case(b"col"))
    })
}

/// The name of the start tag `rest` (just after `<`) opens, as the tokenizer
/// reads it: up to a space, `/` or `>` ("<y<title>" is one tag, `y<title`).
fn start_tag_name(rest: &[u8]) -> &[u8] {
    let n = rest.iter().position(|&c| is_space(c) || c == b'/' || c == b'>').unwrap_or(rest.len());
    &rest[..n]
}

/// The name of the first start tag from `from` on, past text, comments,
/// bogus comments and end tags (what a template's mode is chosen by).
fn first_start_tag(b: &[u8], from: usize) -> Option<&[u8]> {
    let mut i = from;
    while let Some(off) = memchr::memchr(b'<', &b[i..]) {
        let lt = i + off;
        let rest = &b[lt + 1..];
        if rest.starts_with(b"!--") {
            i = comment_end(b, lt);
        } else if let Some(end) = bogus_comment_end(b, lt) {
            i = end;
        } else if rest.first() == Some(&b'/') {
            i = after_tag(b, lt);
        } else if rest.first().is_some_and(u8::is_ascii_alphabetic) {
            return Some(start_tag_name(rest));
        } else {
            i = lt + 1;
        }
    }
    None
}

/// Where `</name` starts and where its `>` ends, from `from` on.
fn find_close(b: &[u8], from: usize, name: &[u8]) -> Option<(usize, usize)> {
    if name == b"script" {
        return find_script_close(b, from);
    }
    let mut i = from;
    // <svg>, <math> and <template> may nest; raw-text elements may not.
    let nests = matches!(name, b"svg" | b"math" | b"template");
    // A template's content is HTML: its comments and raw-text elements are
    // read as such, so an end tag inside them does not end the template.
    let markup = name == b"template";
    let mut depth = 0usize;
    while let Some(off) = memchr::memchr(b'<', &b[i..]) {
        let lt = i + off;
        let rest = &b[lt + 1..];
        if markup {
            if rest.starts_with(b"!--") {
                i = comment_end(b, lt);
                continue;
            }
            if let Some(end) = bogus_comment_end(b, lt) {
                i = end;
                continue;
            }
            // An end tag other than the template's, read whole (its
            // attributes may hold what looks like `</template>`).
            if rest.first() == Some(&b'/') && !tag_is(&rest[1..], name) {
                i = after_tag(b, lt);
                continue;
            }
            if rest.first().is_some_and(u8::is_ascii_alphabetic) {
                // A start tag, read whole as the tokenizer reads it.
                let gt = find_tag_end(b, lt + 1)?;
                i = match name_class(start_tag_name(rest)) {
                    Name::Verbatim(b"plaintext") => return None,
                    Name::Verbatim(inner) | Name::Cut(inner) if !matches!(inner, b"template" | b"svg" | b"math") => {
                        match find_close(b, gt + 1, inner) {
                            Some((_, e)) => e,
                            None => return None,
                        }
                    }
                    Name::Cut(b"template") => {
                        depth += 1;
                        gt + 1
                    }
                    _ => gt + 1,
                };
                continue;
            }
        }
        if rest.first() == Some(&b'/') && tag_is(&rest[1..], name) {
            let gt = after_tag(b, lt);
            if depth == 0 {
                return Some((lt, gt));
            }
            depth -= 1;
            i = gt;
            continue;
        }
        if nests && tag_is(rest, name) {
            depth += 1;
        }
        i = lt + 1;
    }
    None
}

/// The end of a script's content, as the tokenizer finds it: inside
/// `<!-- … -->` a `<script>` opens a span (double escaped) in which
/// `</script>` does not end the script but only that span.
fn find_script_close(b: &[u8], from: usize) -> Option<(usize, usize)> {
    #[derive(PartialEq)]
    enum State {
        Data,
        Escaped,
        DoubleEscaped,
    }
    let mut state = State::Data;
    let mut i = from;
    loop {
        // Dashes matter only inside an escape ("-->"); in plain script data,
        // minified code is full of them.
        let off =
            if state == State::Data { memchr::memchr(b'<', &b[i..]) } else { memchr::memchr2(b'<', b'-', &b[i..]) };
        let Some(off) = off else { break };
        let at = i + off;
        let rest = &b[at..];
        if rest.starts_with(b"-->") && state != State::Data {
            state = State::Data;
            i = at + 3;
            continue;
        }
        if rest.starts_with(b"<!--") && state == State::Data {
            state = State::Escaped;
            // The dashes may also close it ("<!-->").
            i = at + 2;
            continue;
        }
        if rest.starts_with(b"</") && tag_is(&rest[2..], b"script") {
            if state == State::DoubleEscaped {
                state = State::Escaped;
                i = at + 2;
                continue;
            }
            return Some((at, after_tag(b, at)));
        }
        if rest.starts_with(b"<") && state == State::Escaped && tag_is(&rest[1..], b"script") {
            state = State::DoubleEscaped;
        }
        i = at + 1;
    }
    None
}

fn is_json_ld(open_tag: &[u8]) -> bool {
    let lower = open_tag.to_ascii_lowercase();
    memmem::find(&lower, b"application/ld+json").is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_scripts_styles_svg_comments_and_keeps_json_ld() {
        let html = r#"<html><head><style>p{color:red}</style><script>if (a<b) {x="</p>"}</script>
<script type="application/ld+json">{"headline":"H"}</script></head>
<body><!-- a comment <p>hidden</p> --><p>Keep <b>me</b></p><svg><svg><title>icon</title></svg></svg><SCRIPT>y()</SCRIPT><p>too</p></body></html>"#;
        let p = prescan(html);
        assert_eq!(p.json_ld, [r#"{"headline":"H"}"#]);
        assert!(p.html.contains("<p>Keep <b>me</b></p>"));
        assert!(p.html.contains("<p>too</p>"));
        for gone in ["color:red", "a<b", "hidden", "icon", "y()", "headline"] {
            assert!(!p.html.contains(gone), "{gone} in {}", p.html);
        }
    }

    #[test]
    fn does_not_cut_lookalike_tags_or_text() {
        let html = "<p>a <scripts> b</p><p>if x < script then</p><stylesheet>c</stylesheet>";
        assert_eq!(prescan(html).html, html);
    }

    #[test]
    fn unterminated_spans_cut_to_the_end() {
        assert_eq!(prescan("<p>a</p><script>never closed <p>b</p>").html, "<p>a</p>");
        assert_eq!(prescan("<p>a</p><!-- open").html, "<p>a</p>");
        assert_eq!(prescan("<p>a</p><script src='x'").html, "<p>a</p>");
    }

    #[test]
    fn deep_nesting_is_flattened_text_kept() {
        let n = MAX_DEPTH + 100;
        let html = format!("{}<p>deep text</p>{}", "<div>".repeat(n), "</div>".repeat(n));
        let out = prescan(&html).html;
        assert_eq!(out.matches("<div>").count(), MAX_DEPTH);
        assert_eq!(out.matches("</div>").count(), MAX_DEPTH);
        assert!(out.contains("deep text"));
        let flat = "<p>a</p><br><img class=share><div>b</div>".repeat(1000);
        assert_eq!(prescan(&flat).html, flat);
    }

    #[test]
    fn unread_attributes_are_dropped_from_start_tags() {
        let html = r#"<div class="a b" data-x='{"k":">"}' onclick=go()><img srcset="1.jpg 1x, 2.jpg 2x" alt=x/><a href="/y" id=byline>t</a><link rel=canonical href="https://e.x/"><p hidden data-y>z</p></div>"#;
        let p = prescan(html);
        assert_eq!(
            p.html,
            r#"<div class="a b"><img><a id=byline>t</a><link rel=canonical href="https://e.x/"><p hidden>z</p></div>"#
        );
        assert_eq!(p.cut_bytes, html.len() - p.html.len());
        assert_eq!(p.start_tags, 5);
        // Nothing to drop, or a tag that never ends: copied as it is.
        for same in [r#"<p class=a id="comments" ITEMPROP='c'>x</p>"#, "<p>x</p><div data-x='open"] {
            assert_eq!(prescan(same).html, same);
        }
    }

    #[test]
    fn classes_and_ids_that_name_nothing_go_where_nothing_else_reads_them() {
        // On a, span, img: a class stays only when a name rule reads it;
        // an id likewise, except on the other formatting elements.
        let html = concat!(
            r#"<div class="row x-9" id=x-7><a class="btn" id=l1>a</a><span class="share-tools">b</span>"#,
            r#"<span class="author-name">c</span><img class="w-full"><b class=q id=z>d</b><i id="S:1" hidden>e</i>"#,
            r#"<span class=x class=comments>f</span><section id=x1 class=y><div id="S:0" hidden>g</div></section></div>"#
        );
        assert_eq!(
            prescan(html).html,
            concat!(
                r#"<div class="row x-9"><a>a</a><span class="share-tools">b</span>"#,
                r#"<span class="author-name">c</span><img><b class=q id=z>d</b><i id="S:1" hidden>e</i>"#,
                r#"<span>f</span><section class=y><div id="S:0" hidden>g</div></section></div>"#
            )
        );
    }

    #[test]
    fn only_the_canonical_link_and_metadata_attributes_stay() {
        let html = concat!(
            r#"<html lang=en><head><meta charset=utf-8><meta name=author content="A B" http-equiv=x>"#,
            r#"<link rel=stylesheet href=/s.css><link rel="Canonical alternate" href="https://e.x/a"><LINK href=/i.png>"#,
            r#"</head><body><p lang=fr name=n type=t property=p content=c>x<link rel=preload href=/f>y <link rel=x> z</p></body></html>"#
        );
        assert_eq!(
            prescan(html).html,
            concat!(
                r#"<html lang=en><head><meta><meta name=author content="A B">"#,
                // (Before an end tag, which may be a stray one, it stays bare.)
                r#"<link rel="Canonical alternate" href="https://e.x/a"><LINK>"#,
                r#"</head><body><p>x<link>y  z</p></body></html>"#
            )
        );
    }

    #[test]
    fn attributes_read_for_their_value_stay_only_with_a_value_that_counts() {
        let cases = [
            (r#"<div style="color:red" aria-hidden=false rel=nofollow>"#, "<div>"),
            (r#"<div STYLE="Display: None" aria-hidden="true">"#, r#"<div STYLE="Display: None" aria-hidden="true">"#),
            (r#"<a rel="author noopener" href=/x>"#, r#"<a rel="author noopener">"#),
            // The parser keeps the first of two: a second style that hides does not count.
            (r#"<p style=a style="display:none">"#, "<p>"),
            // Microdata's content stays with its itemprop, in its place.
            (r#"<span content=2021 title=t itemprop=datePublished>"#, "<span content=2021 itemprop=datePublished>"),
            (r#"<span content=2021>"#, "<span>"),
            // A character reference may spell anything.
            (r#"<div style="n&#111;ne;x">"#, r#"<div style="n&#111;ne;x">"#),
        ];
        for (html, want) in cases {
            assert_eq!(prescan(html).html, want, "{html}");
        }
    }

    #[test]
    fn indentation_after_newlines_is_collapsed() {
        let html = "<b>x</b>\n    <i>y\n\n      two  three</i>\r\n\t<br>\n";
        assert_eq!(prescan(html).html, "<b>x</b>\n<i>y\ntwo  three</i>\r\n<br>\n");
    }

    #[test]
    fn whitespace_before_block_start_tags_is_dropped() {
        // Before an end tag it stays (collapsed): a stray end tag is ignored
        // by the parser, and the words around it must stay apart.
        let html = "<div>\n    <p>One two </p>\r\n\t</div>\n<ul> <li><a>x</a> <a>y</a>\n</ul><span>a</span> <b>b</b>";
        assert_eq!(
            prescan(html).html,
            "<div><p>One two </p>\r\n</div><ul><li><a>x</a> <a>y</a>\n</ul><span>a</span> <b>b</b>"
        );
        assert_eq!(prescan("one </div>two").html, "one </div>two");
    }

    #[test]
    fn quoted_gt_in_attributes() {
        let p = prescan(r#"<script data-x="a>b">code()</script><p>ok</p>"#);
        assert_eq!(p.html, "<p>ok</p>");
    }
}
