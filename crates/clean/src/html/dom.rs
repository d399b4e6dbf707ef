//! The parsed tree, flattened into preorder arrays.
//!
//! Node `i`'s descendants are exactly `i + 1 .. end[i]`, and every child has
//! a larger index than its parent, so bottom-up sums are one reverse loop and
//! subtree skips are one jump: no recursion anywhere.

use super::arena::{Data, Element, Tree, NONE, ROOT};

/// Tags the extractor distinguishes; everything else is `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    fn of(name: &str) -> Tag {
        use Tag::*;
        match name {
            "a" => A,
            "p" => P,
            "div" => Div,
            "section" => Section,
            "article" => Article,
            "main" => Main,
            "body" => Body,
            "html" => Html,
            "head" => Head,
            "span" => Span,
            "h1" => H1,
            "h2" => H2,
            "h3" => H3,
            "h4" => H4,
            "h5" => H5,
            "h6" => H6,
            "li" => Li,
            "ul" => Ul,
            "ol" => Ol,
            "dl" => Dl,
            "dt" => Dt,
            "dd" => Dd,
            "blockquote" => Blockquote,
            "pre" => Pre,
            "code" => Code,
            "table" => Table,
            "tr" => Tr,
            "td" => Td,
            "th" => Th,
            "tbody" => Tbody,
            "thead" => Thead,
            "caption" => Caption,
            "br" => Br,
            "hr" => Hr,
            "img" => Img,
            "nav" => Nav,
            "header" => Header,
            "footer" => Footer,
            "aside" => Aside,
            "form" => Form,
            "figure" => Figure,
            "figcaption" => Figcaption,
            "button" => Button,
            "select" => Select,
            "option" => Option,
            "input" => Input,
            "textarea" => Textarea,
            "label" => Label,
            "iframe" => Iframe,
            "object" => Object,
            "embed" => Embed,
            "video" => Video,
            "audio" => Audio,
            "canvas" => Canvas,
            "map" => Map,
            "picture" => Picture,
            "dialog" => Dialog,
            "menu" => Menu,
            "template" => Template,
            "title" => Title,
            "address" => Address,
            "center" => Center,
            "font" => Font,
            "b" => B,
            "strong" => Strong,
            "i" => I,
            "em" => Em,
            "small" => Small,
            "time" => Time,
            "sup" => Sup,
            "sub" => Sub,
            "meta" => Meta,
            "link" => Link,
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

/// An attribute of an element, found by comparing names in place.
pub fn attr<'a>(el: &'a Element, name: &str) -> Option<&'a str> {
    el.attr(name)
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
                    Kind::Elem { tag: Tag::of(&el.name.local), el }
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
        Some(Dom { nodes })
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
            Kind::Elem { el, .. } => attr(el, name),
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
