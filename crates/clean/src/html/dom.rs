//! The parsed tree, flattened into preorder arrays.
//!
//! Node `i`'s descendants are exactly `i + 1 .. end[i]`, and every child has
//! a larger index than its parent, so bottom-up sums are one reverse loop and
//! subtree skips are one jump: no recursion anywhere.

use super::arena::{Data, Element, Tree, NONE, ROOT};

/// Tags the extractor distinguishes; everything else is `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tag {
    A,
    P,
    Div,
    Section,
    Article,
    Main,
    Body,
    Html,
    Head,
    Span,
    H1,
    H2,
    H3,
    H4,
    H5,
    H6,
    Li,
    Ul,
    Ol,
    Dl,
    Dt,
    Dd,
    Blockquote,
    Pre,
    Code,
    Table,
    Tr,
    Td,
    Th,
    Tbody,
    Thead,
    Caption,
    Br,
    Hr,
    Img,
    Nav,
    Header,
    Footer,
    Aside,
    Form,
    Figure,
    Figcaption,
    Button,
    Select,
    Option,
    Input,
    Textarea,
    Label,
    Iframe,
    Object,
    Embed,
    Video,
    Audio,
    Canvas,
    Map,
    Picture,
    Dialog,
    Menu,
    Template,
    Title,
    Address,
    Center,
    Font,
    B,
    Strong,
    I,
    Em,
    Small,
    Time,
    Sup,
    Sub,
    Meta,
    Link,
    Other,
}

impl Tag {
    /// The tag of a lower-case element name.
    pub(super) fn of(name: &[u8]) -> Tag {
        use Tag::*;
        match name {
            b"a" => A,
            b"p" => P,
            b"div" => Div,
            b"section" => Section,
            b"article" => Article,
            b"main" => Main,
            b"body" => Body,
            b"html" => Html,
            b"head" => Head,
            b"span" => Span,
            b"h1" => H1,
            b"h2" => H2,
            b"h3" => H3,
            b"h4" => H4,
            b"h5" => H5,
            b"h6" => H6,
            b"li" => Li,
            b"ul" => Ul,
            b"ol" => Ol,
            b"dl" => Dl,
            b"dt" => Dt,
            b"dd" => Dd,
            b"blockquote" => Blockquote,
            b"pre" => Pre,
            b"code" => Code,
            b"table" => Table,
            b"tr" => Tr,
            b"td" => Td,
            b"th" => Th,
            b"tbody" => Tbody,
            b"thead" => Thead,
            b"caption" => Caption,
            b"br" => Br,
            b"hr" => Hr,
            b"img" => Img,
            b"nav" => Nav,
            b"header" => Header,
            b"footer" => Footer,
            b"aside" => Aside,
            b"form" => Form,
            b"figure" => Figure,
            b"figcaption" => Figcaption,
            b"button" => Button,
            b"select" => Select,
            b"option" => Option,
            b"input" => Input,
            b"textarea" => Textarea,
            b"label" => Label,
            b"iframe" => Iframe,
            b"object" => Object,
            b"embed" => Embed,
            b"video" => Video,
            b"audio" => Audio,
            b"canvas" => Canvas,
            b"map" => Map,
            b"picture" => Picture,
            b"dialog" => Dialog,
            b"menu" => Menu,
            b"template" => Template,
            b"title" => Title,
            b"address" => Address,
            b"center" => Center,
            b"font" => Font,
            b"b" => B,
            b"strong" => Strong,
            b"i" => I,
            b"em" => Em,
            b"small" => Small,
            b"time" => Time,
            b"sup" => Sup,
            b"sub" => Sub,
            b"meta" => Meta,
            b"link" => Link,
            _ => Other,
        }
    }

    /// Elements that start a new block of text.
    pub fn is_block(self) -> bool {
        use Tag::*;
        matches!(
            self,
            P | Div
                | Section
                | Article
                | Main
                | Body
                | Html
                | H1
                | H2
                | H3
                | H4
                | H5
                | H6
                | Li
                | Ul
                | Ol
                | Dl
                | Dt
                | Dd
                | Blockquote
                | Pre
                | Table
                | Tr
                | Td
                | Th
                | Tbody
                | Thead
                | Caption
                | Hr
                | Nav
                | Header
                | Footer
                | Aside
                | Form
                | Figure
                | Figcaption
                | Address
                | Center
                | Menu
                | Dialog
        )
    }

    /// Headings.
    pub fn is_heading(self) -> bool {
        matches!(self, Tag::H1 | Tag::H2 | Tag::H3 | Tag::H4 | Tag::H5 | Tag::H6)
    }
}

/// One node.
#[derive(Debug, Clone)]
pub struct DNode<'a> {
    /// Parent index (`usize::MAX` for the root).
    pub parent: usize,
    /// One past the last descendant.
    pub end: usize,
    /// Element data, or the text of a text node.
    pub kind: Kind<'a>,
}

/// Element, text, or something else (document, comment, doctype).
#[derive(Debug, Clone)]
pub enum Kind<'a> {
    /// An element.
    Elem {
        /// Its tag.
        tag: Tag,
        /// The element itself (attributes).
        el: &'a Element,
    },
    /// A text node.
    Text(&'a str),
    /// Anything else.
    Other,
}

/// The flattened document.
pub struct Dom<'a> {
    /// Nodes in preorder.
    pub nodes: Vec<DNode<'a>>,
    /// Per text node: characters once whitespace is collapsed, commas and
    /// words ([`super::score::text_stats`]); zeros for other nodes.
    pub text_stats: Vec<super::score::TextStats>,
}

impl<'a> Dom<'a> {
    /// Flatten `tree`; `None` when it has more than `max_elements` elements.
    pub fn build(tree: &'a Tree, max_elements: usize) -> Option<Dom<'a>> {
        let t = &tree.nodes;
        let mut nodes: Vec<DNode<'a>> = Vec::with_capacity(t.len());
        let mut stack: Vec<usize> = Vec::new();
        let mut elements = 0usize;
        let mut n = ROOT;
        'open: loop {
            let node = &t[n as usize];
            let kind = match &node.data {
                Data::Element(el) => {
                    elements += 1;
                    if elements > max_elements {
                        return None;
                    }
                    Kind::Elem { tag: Tag::of(el.name.local.as_bytes()), el }
                }
                Data::Text(s) => Kind::Text(s),
                Data::Document | Data::Other => Kind::Other,
            };
            let parent = stack.last().copied().unwrap_or(usize::MAX);
            stack.push(nodes.len());
            nodes.push(DNode { parent, end: 0, kind });
            if node.first_child != NONE {
                n = node.first_child;
                continue;
            }
            // A leaf: close it and every ancestor it was the last child of.
            loop {
                let i = stack.pop().expect("open node");
                nodes[i].end = nodes.len();
                let next = t[n as usize].next;
                if stack.is_empty() {
                    break 'open;
                }
                if next != NONE {
                    n = next;
                    continue 'open;
                }
                n = t[n as usize].parent;
            }
        }
        let text_stats = nodes
            .iter()
            .map(|n| match n.kind {
                Kind::Text(t) => super::score::text_stats(t),
                _ => Default::default(),
            })
            .collect();
        Some(Dom { nodes, text_stats })
    }

    /// The text of node `i` and its descendants, concatenated.
    pub fn text(&self, i: usize) -> String {
        let mut s = String::new();
        for n in &self.nodes[i..self.nodes[i].end] {
            if let Kind::Text(t) = n.kind {
                s.push_str(t);
            }
        }
        s
    }

    /// The text of node `i` as it reads: a space at `<br>` and at the edges
    /// of block elements ("Data Analytics<br>Agency" is two words), runs of
    /// whitespace as one space, none at the ends.
    pub fn spaced_text(&self, i: usize) -> String {
        let mut s = String::new();
        let mut open: Vec<usize> = Vec::new();
        for j in i..self.nodes[i].end {
            while open.last().is_some_and(|&e| j >= e) {
                open.pop();
                s.push(' ');
            }
            match self.nodes[j].kind {
                Kind::Text(t) => s.push_str(t),
                Kind::Elem { tag: Tag::Br, .. } => s.push(' '),
                Kind::Elem { tag, .. } if j != i && (tag.is_block() || matches!(tag, Tag::Td | Tag::Th)) => {
                    s.push(' ');
                    open.push(self.nodes[j].end);
                }
                _ => {}
            }
        }
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// The tag of node `i` (None for text and others).
    pub fn tag(&self, i: usize) -> Option<Tag> {
        match self.nodes[i].kind {
            Kind::Elem { tag, .. } => Some(tag),
            _ => None,
        }
    }

    /// An attribute of element `i`.
    pub fn attr(&self, i: usize, name: &str) -> Option<&'a str> {
        match self.nodes[i].kind {
            Kind::Elem { el, .. } => el.attr(name),
            _ => None,
        }
    }

    /// Direct children of `i`, in order.
    pub fn children(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        let end = self.nodes[i].end;
        let mut j = i + 1;
        std::iter::from_fn(move || {
            if j >= end {
                return None;
            }
            let c = j;
            j = self.nodes[j].end;
            Some(c)
        })
    }
}
