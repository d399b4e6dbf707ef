//! The parsed tree, flattened into preorder arrays.
//!
//! Node `i`'s descendants are exactly `i + 1 .. end[i]`, and every child has
//! a larger index than its parent, so bottom-up sums are one reverse loop and
//! subtree skips are one jump: no recursion anywhere.

use ego_tree::iter::Edge;
use scraper::{Html, Node};

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

/// An attribute of an element, found by comparing names in place
/// (scraper's `Element::attr` interns `name` into an atom on every call).
pub fn attr<'a>(el: &'a scraper::node::Element, name: &str) -> Option<&'a str> {
    el.attrs.iter().find(|(n, _)| n.ns.is_empty() && &*n.local == name).map(|(_, v)| &**v)
}

/// Element, text, or something else (document, comment, doctype).
#[derive(Debug, Clone)]
pub enum Kind<'a> {
    /// An element.
    Elem {
        /// Its tag.
        tag: Tag,
        /// The element itself (attributes).
        el: &'a scraper::node::Element,
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
    /// Flatten `html`; `None` when it has more than `max_elements` elements.
    pub fn build(html: &'a Html, max_elements: usize) -> Option<Dom<'a>> {
        let mut nodes: Vec<DNode<'a>> = Vec::new();
        let mut stack: Vec<usize> = Vec::new();
        let mut elements = 0usize;
        for edge in html.tree.root().traverse() {
            match edge {
                Edge::Open(n) => {
                    let kind = match n.value() {
                        Node::Element(el) => {
                            elements += 1;
                            if elements > max_elements {
                                return None;
                            }
                            Kind::Elem { tag: Tag::of(el.name()), el }
                        }
                        Node::Text(t) => Kind::Text(t),
                        _ => Kind::Other,
                    };
                    let parent = stack.last().copied().unwrap_or(usize::MAX);
                    stack.push(nodes.len());
                    nodes.push(DNode { parent, end: 0, kind });
                }
                Edge::Close(_) => {
                    let i = stack.pop().expect("balanced traversal");
                    nodes[i].end = nodes.len();
                }
            }
        }
        Some(Dom { nodes })
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
