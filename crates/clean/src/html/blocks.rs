//! Turn chosen subtrees into text blocks, one per block-level element, with
//! whitespace collapsed as a browser would and link text counted.

use super::dom::{Dom, Kind, Tag};
use super::junk::Junk;
use super::score::Picked;

/// One block of text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Block {
    /// The text; `<br>` becomes `\n`.
    pub text: String,
    /// Characters inside links.
    pub link_chars: usize,
    /// The block is a heading.
    pub heading: bool,
    /// The block is a list item.
    pub list_item: bool,
}

#[derive(Default)]
struct Buf {
    text: String,
    link_chars: usize,
    tag: Option<Tag>,
    space: bool,
}

impl Buf {
    fn push_text(&mut self, t: &str, in_link: bool, tag: Option<Tag>) {
        if t.is_empty() {
            return;
        }
        if self.text.is_empty() {
            self.tag = tag;
        }
        if t.starts_with(char::is_whitespace) && !self.text.is_empty() {
            self.space = true;
        }
        for w in t.split_whitespace() {
            if self.space && !self.text.is_empty() && !self.text.ends_with('\n') {
                self.text.push(' ');
                if in_link {
                    self.link_chars += 1;
                }
            }
            self.text.push_str(w);
            if in_link {
                self.link_chars += w.chars().count();
            }
            self.space = true;
        }
        self.space = t.ends_with(char::is_whitespace);
    }

    fn newline(&mut self) {
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push('\n');
        }
        self.space = false;
    }

    fn flush(&mut self, out: &mut Vec<Block>) {
        let text = self.text.trim();
        if !text.is_empty() {
            out.push(Block {
                text: text.to_string(),
                link_chars: self.link_chars,
                heading: self.tag.is_some_and(Tag::is_heading),
                list_item: self.tag == Some(Tag::Li),
            });
        }
        *self = Buf::default();
    }
}

/// Emit the blocks under `root`, skipping subtrees for which `skip` holds.
fn walk(dom: &Dom<'_>, junk: &[Junk], root: usize, skip: impl Fn(Junk) -> bool, out: &mut Vec<Block>) {
    let mut buf = Buf::default();
    let mut open: Vec<(usize, Tag)> = Vec::new();
    let mut link_until = 0usize;
    let end = dom.nodes[root].end;
    let mut i = root;
    while i < end {
        while let Some(&(e, _)) = open.last() {
            if i >= e {
                open.pop();
                buf.flush(out);
            } else {
                break;
            }
        }
        if skip(junk[i]) {
            i = dom.nodes[i].end;
            continue;
        }
        match dom.nodes[i].kind {
            Kind::Text(t) => buf.push_text(t, i < link_until, open.last().map(|&(_, t)| t)),
            Kind::Elem { tag, .. } => {
                if tag == Tag::Br {
                    buf.newline();
                } else if tag.is_block() {
                    buf.flush(out);
                    open.push((dom.nodes[i].end, tag));
                } else if tag == Tag::A {
                    link_until = link_until.max(dom.nodes[i].end);
                } else if matches!(tag, Tag::Td | Tag::Th) {
                    buf.push_text(" ", false, None);
                }
            }
            Kind::Other => {}
        }
        i += 1;
    }
    buf.flush(out);
}

/// Blocks of the picked containers, in document order.
pub fn emit(dom: &Dom<'_>, junk: &[Junk], picked: &Picked) -> Vec<Block> {
    let mut out = Vec::new();
    for &r in &picked.roots {
        walk(dom, junk, r, |j| j != Junk::No, &mut out);
    }
    out
}

/// Every paragraph of the page outside junk (a fallback).
pub fn emit_paragraphs(dom: &Dom<'_>, junk: &[Junk]) -> Vec<Block> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < dom.len() {
        if junk[i] != Junk::No {
            i = dom.nodes[i].end;
            continue;
        }
        if matches!(dom.tag(i), Some(Tag::P | Tag::Pre | Tag::Blockquote)) {
            walk(dom, junk, i, |j| j != Junk::No, &mut out);
            i = dom.nodes[i].end;
            continue;
        }
        i += 1;
    }
    out
}

/// The text of user-comment containers, one entry per block.
pub fn emit_comments(dom: &Dom<'_>, junk: &[Junk]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < dom.len() {
        if junk[i] == Junk::Comments {
            walk(dom, junk, i, |j| j == Junk::Yes, &mut out);
            i = dom.nodes[i].end;
            continue;
        }
        i += 1;
    }
    out.into_iter().map(|b| b.text).collect()
}
