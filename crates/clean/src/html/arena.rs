//! A lean html5ever tree sink: every node in one `Vec`, linked by `u32`
//! indices, holding only what extraction reads (element name and attributes,
//! text). Comments, doctypes and processing instructions become bare nodes;
//! parse errors are not collected.
//!
//! scraper's tree keeps more per node (an interning `Element` with lazily
//! built id and class sets, a `Vec` of every parse error), and we flatten it
//! into preorder arrays anyway ([`super::dom`]), so building it was pure cost.

use std::borrow::Cow;
use std::cell::{Ref, RefCell};
use std::sync::LazyLock;

use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::{local_name, ns, Attribute, QualName};

/// "No node" in a link.
pub const NONE: u32 = u32::MAX;
/// The document node.
pub const ROOT: u32 = 0;

/// An element: its name and attributes, as the parser made them.
#[derive(Debug)]
pub struct Element {
    /// Qualified name.
    pub name: QualName,
    /// Attributes in source order.
    pub attrs: Vec<Attribute>,
}

impl Element {
    /// The value of attribute `name` (no namespace), found in place.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|a| a.name.ns.is_empty() && &*a.name.local == name).map(|a| &*a.value)
    }
}

/// What a node holds.
#[derive(Debug)]
pub enum Data {
    /// The document, or a template's contents.
    Document,
    /// An element.
    Element(Element),
    /// Text (adjacent text is merged, as the sink contract asks).
    Text(StrTendril),
    /// Comment, doctype, processing instruction.
    Other,
}

/// A node and its links.
#[derive(Debug)]
pub struct Node {
    /// Parent, or [`NONE`].
    pub parent: u32,
    /// First child, or [`NONE`].
    pub first_child: u32,
    /// Last child, or [`NONE`].
    pub last_child: u32,
    /// Previous sibling, or [`NONE`].
    pub prev: u32,
    /// Next sibling, or [`NONE`].
    pub next: u32,
    /// Content.
    pub data: Data,
}

/// A parsed document; node [`ROOT`] is the document.
#[derive(Debug)]
pub struct Tree {
    /// All nodes, in creation order (not tree order).
    pub nodes: Vec<Node>,
}

/// Parse an HTML document.
pub fn parse(html: &str) -> Tree {
    let sink = Sink { nodes: RefCell::new(Vec::with_capacity(html.len() / 40)) };
    sink.push(Data::Document);
    html5ever::parse_document(sink, Default::default()).one(html)
}

/// Answer for `elem_name` on a non-element (the parser never asks; no panic if it did).
static NOT_AN_ELEMENT: LazyLock<QualName> = LazyLock::new(|| QualName::new(None, ns!(html), local_name!("html")));

struct Sink {
    nodes: RefCell<Vec<Node>>,
}

impl Sink {
    fn push(&self, data: Data) -> u32 {
        unlinked(&mut self.nodes.borrow_mut(), data)
    }
}

/// A new unlinked node.
fn unlinked(nodes: &mut Vec<Node>, data: Data) -> u32 {
    let id = nodes.len() as u32;
    nodes.push(Node { parent: NONE, first_child: NONE, last_child: NONE, prev: NONE, next: NONE, data });
    id
}

/// Append `text` to node `at` when it is a text node (the sink contract: no
/// adjacent text siblings); false when there is no such node.
fn merged_into(nodes: &mut [Node], at: u32, text: &StrTendril) -> bool {
    match nodes.get_mut(at as usize).map(|n| &mut n.data) {
        Some(Data::Text(t)) => {
            t.push_tendril(text);
            true
        }
        _ => false,
    }
}

/// Unlink `id` from its parent and siblings.
fn detach(nodes: &mut [Node], id: u32) {
    let (parent, prev, next) = {
        let n = &nodes[id as usize];
        (n.parent, n.prev, n.next)
    };
    if parent == NONE {
        return;
    }
    if prev != NONE {
        nodes[prev as usize].next = next;
    } else {
        nodes[parent as usize].first_child = next;
    }
    if next != NONE {
        nodes[next as usize].prev = prev;
    } else {
        nodes[parent as usize].last_child = prev;
    }
    let n = &mut nodes[id as usize];
    (n.parent, n.prev, n.next) = (NONE, NONE, NONE);
}

/// Link a detached `id` as the last child of `parent`.
fn append_child(nodes: &mut [Node], parent: u32, id: u32) {
    let last = nodes[parent as usize].last_child;
    {
        let n = &mut nodes[id as usize];
        (n.parent, n.prev, n.next) = (parent, last, NONE);
    }
    if last != NONE {
        nodes[last as usize].next = id;
    } else {
        nodes[parent as usize].first_child = id;
    }
    nodes[parent as usize].last_child = id;
}

/// Link a detached `id` just before `sibling`, which has a parent.
fn insert_before(nodes: &mut [Node], sibling: u32, id: u32) {
    let (parent, prev) = (nodes[sibling as usize].parent, nodes[sibling as usize].prev);
    {
        let n = &mut nodes[id as usize];
        (n.parent, n.prev, n.next) = (parent, prev, sibling);
    }
    nodes[sibling as usize].prev = id;
    if prev != NONE {
        nodes[prev as usize].next = id;
    } else {
        nodes[parent as usize].first_child = id;
    }
}

impl TreeSink for Sink {
    type Handle = u32;
    type Output = Tree;
    type ElemName<'a> = Ref<'a, QualName>;

    fn finish(self) -> Tree {
        Tree { nodes: self.nodes.into_inner() }
    }

    fn parse_error(&self, _msg: Cow<'static, str>) {}

    fn get_document(&self) -> u32 {
        ROOT
    }

    fn elem_name<'a>(&'a self, target: &'a u32) -> Ref<'a, QualName> {
        Ref::map(self.nodes.borrow(), |nodes| match &nodes[*target as usize].data {
            Data::Element(e) => &e.name,
            _ => &NOT_AN_ELEMENT,
        })
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, _flags: ElementFlags) -> u32 {
        let template = name.ns == ns!(html) && name.local == local_name!("template");
        let id = self.push(Data::Element(Element { name, attrs }));
        if template {
            // The template's contents: a fragment kept as its first child.
            let contents = self.push(Data::Document);
            append_child(&mut self.nodes.borrow_mut(), id, contents);
        }
        id
    }

    fn create_comment(&self, _text: StrTendril) -> u32 {
        self.push(Data::Other)
    }

    fn create_pi(&self, _target: StrTendril, _data: StrTendril) -> u32 {
        self.push(Data::Other)
    }

    fn append(&self, parent: &u32, child: NodeOrText<u32>) {
        match child {
            NodeOrText::AppendNode(id) => {
                let nodes = &mut self.nodes.borrow_mut();
                detach(nodes, id);
                append_child(nodes, *parent, id);
            }
            NodeOrText::AppendText(text) => {
                let nodes = &mut self.nodes.borrow_mut();
                let last = nodes[*parent as usize].last_child;
                if !merged_into(nodes, last, &text) {
                    let id = unlinked(nodes, Data::Text(text));
                    append_child(nodes, *parent, id);
                }
            }
        }
    }

    fn append_based_on_parent_node(&self, element: &u32, prev_element: &u32, child: NodeOrText<u32>) {
        let has_parent = self.nodes.borrow()[*element as usize].parent != NONE;
        if has_parent {
            self.append_before_sibling(element, child);
        } else {
            self.append(prev_element, child);
        }
    }

    fn append_doctype_to_document(&self, _name: StrTendril, _public_id: StrTendril, _system_id: StrTendril) {}

    fn get_template_contents(&self, target: &u32) -> u32 {
        let nodes = self.nodes.borrow();
        let first = nodes[*target as usize].first_child;
        if first != NONE && matches!(nodes[first as usize].data, Data::Document) {
            first
        } else {
            // Not a template (the parser promises it is): its own children will do.
            *target
        }
    }

    fn same_node(&self, x: &u32, y: &u32) -> bool {
        x == y
    }

    fn set_quirks_mode(&self, _mode: QuirksMode) {}

    fn append_before_sibling(&self, sibling: &u32, new_node: NodeOrText<u32>) {
        let nodes = &mut self.nodes.borrow_mut();
        if nodes[*sibling as usize].parent == NONE {
            return;
        }
        match new_node {
            NodeOrText::AppendNode(id) => {
                detach(nodes, id);
                insert_before(nodes, *sibling, id);
            }
            NodeOrText::AppendText(text) => {
                let prev = nodes[*sibling as usize].prev;
                if !merged_into(nodes, prev, &text) {
                    let id = unlinked(nodes, Data::Text(text));
                    insert_before(nodes, *sibling, id);
                }
            }
        }
    }

    fn add_attrs_if_missing(&self, target: &u32, attrs: Vec<Attribute>) {
        if let Data::Element(e) = &mut self.nodes.borrow_mut()[*target as usize].data {
            for a in attrs {
                if !e.attrs.iter().any(|b| b.name == a.name) {
                    e.attrs.push(a);
                }
            }
        }
    }

    fn remove_from_parent(&self, target: &u32) {
        detach(&mut self.nodes.borrow_mut(), *target);
    }

    fn reparent_children(&self, node: &u32, new_parent: &u32) {
        let nodes = &mut self.nodes.borrow_mut();
        let mut c = nodes[*node as usize].first_child;
        while c != NONE {
            let next = nodes[c as usize].next;
            detach(nodes, c);
            append_child(nodes, *new_parent, c);
            c = next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tree in preorder as `tag` / `"text"` tokens with `(` `)` around children.
    fn shape(t: &Tree) -> String {
        fn walk(t: &Tree, i: u32, out: &mut String) {
            let n = &t.nodes[i as usize];
            match &n.data {
                Data::Element(e) => out.push_str(&e.name.local),
                Data::Text(s) => out.push_str(&format!("{:?}", &**s)),
                Data::Document => out.push('#'),
                Data::Other => out.push('!'),
            }
            if n.first_child != NONE {
                out.push('(');
                let mut c = n.first_child;
                while c != NONE {
                    walk(t, c, out);
                    c = t.nodes[c as usize].next;
                    if c != NONE {
                        out.push(' ');
                    }
                }
                out.push(')');
            }
        }
        let mut s = String::new();
        walk(t, ROOT, &mut s);
        s
    }

    #[test]
    fn builds_the_spec_tree() {
        let t = parse("<title>T</title><p class=x>a<b>b</b>c<p>d");
        assert_eq!(shape(&t), r#"#(html(head(title("T")) body(p("a" b("b") "c") p("d"))))"#);
        // Misnested formatting elements: the adoption agency moves nodes.
        let t = parse("<p>1<b>2<i>3</b>4</i>5</p>");
        assert_eq!(shape(&t), r#"#(html(head body(p("1" b("2" i("3")) i("4") "5"))))"#);
        // Foster parenting: text in a table goes before it.
        let t = parse("<table><tr><td>in</td></tr>out</table>");
        assert_eq!(shape(&t), r#"#(html(head body("out" table(tbody(tr(td("in")))))))"#);
        // Template contents sit in a fragment under the template.
        let t = parse("<template><p>x</p></template>");
        assert_eq!(shape(&t), r##"#(html(head(template(#(p("x")))) body))"##);
        // Duplicate <html>/<body> attributes are merged in.
        let t = parse(r#"<html lang=en><body class=a><body class=b id=c>"#);
        let body = t.nodes.iter().find_map(|n| match &n.data {
            Data::Element(e) if &*e.name.local == "body" => Some(e),
            _ => None,
        });
        assert_eq!(body.map(|b| (b.attr("class"), b.attr("id"))), Some((Some("a"), Some("c"))));
    }

    /// Element names and texts in preorder: ours.
    fn preorder(t: &Tree) -> Vec<String> {
        let mut out = Vec::new();
        let mut stack = vec![ROOT];
        while let Some(i) = stack.pop() {
            let n = &t.nodes[i as usize];
            match &n.data {
                Data::Element(e) => out.push(format!(
                    "<{}{:?}>",
                    e.name.local,
                    e.attrs.iter().map(|a| (&*a.name.local, &*a.value)).collect::<Vec<_>>()
                )),
                Data::Text(s) => out.push(s.to_string()),
                _ => {}
            }
            let mut kids = Vec::new();
            let mut c = n.first_child;
            while c != NONE {
                kids.push(c);
                c = t.nodes[c as usize].next;
            }
            stack.extend(kids.into_iter().rev());
        }
        out
    }

    /// The same, from scraper's tree (the reference).
    fn scraper_preorder(html: &str) -> Vec<String> {
        scraper::Html::parse_document(html)
            .tree
            .root()
            .descendants()
            .filter_map(|n| match n.value() {
                scraper::Node::Element(e) => Some(format!("<{}{:?}>", e.name(), e.attrs().collect::<Vec<_>>())),
                scraper::Node::Text(t) => Some(t.to_string()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn agrees_with_scraper_on_real_shapes() {
        let pages = [
            "<div><ul><li>a<li>b</ul><table><td>x<td>y</table></div><!-- c --><p>z",
            "<a href=1><div>block in link</div></a><select><option>o</select><br>tail",
            "<h1>t<h2>u</h1>v<dl><dt>k<dd>w</dl><pre>\n p</pre>",
            // Foster-parented text on both sides of a comment: one text node.
            "<table>a<!--c-->b<tr><td>in</table>",
            "<p>1<b>2<i>3</b>4</i>5</p><table><tr>x<b>y</b>z</table>",
        ];
        for p in pages {
            let mut ours = preorder(&parse(p));
            let mut theirs = scraper_preorder(p);
            // Compare attribute sets, not order.
            for v in [&mut ours, &mut theirs] {
                for s in v.iter_mut() {
                    *s = normalise_attrs(s);
                }
            }
            assert_eq!(ours, theirs, "{p}");
        }
    }

    /// `<name[("k", "v"), …]>` with its attribute list sorted (scraper sorts
    /// attributes by name; ours keep source order).
    fn normalise_attrs(s: &str) -> String {
        match (s.starts_with('<'), s.find('[')) {
            (true, Some(b)) if s.ends_with("]>") => {
                let mut parts: Vec<&str> = s[b + 1..s.len() - 2].split("), (").collect();
                parts.sort_unstable();
                format!("{}[{}]>", &s[..b], parts.join("), ("))
            }
            _ => s.to_string(),
        }
    }

    use proptest::prelude::*;

    /// Fragments that drive the tree builder into its repairs: misnested
    /// formatting (adoption agency), foster parenting, implied and duplicate
    /// html/body, tables, selects, forms, headings, lists, templates.
    fn fragment() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("<b>"),
            Just("</b>"),
            Just("<i>"),
            Just("</i>"),
            Just("<a href=x>"),
            Just("</a>"),
            Just("<p>"),
            Just("</p>"),
            Just("<div class=c>"),
            Just("</div>"),
            Just("<table>"),
            Just("</table>"),
            Just("<tr>"),
            Just("<td>"),
            Just("</td>"),
            Just("<caption>"),
            Just("<select>"),
            Just("<option>"),
            Just("<form>"),
            Just("</form>"),
            Just("<h1>"),
            Just("<h2>"),
            Just("</h1>"),
            Just("<li>"),
            Just("<ul>"),
            Just("</ul>"),
            Just("<template>"),
            Just("</template>"),
            Just("<html lang=en>"),
            Just("<body id=b>"),
            Just("<br>"),
            Just("</br>"),
            Just("<frameset>"),
            Just("<nobr>"),
            Just("<marquee>"),
            Just("<button>"),
            Just("<textarea>"),
            Just("</textarea>"),
            Just("<title>"),
            Just("</title>"),
            Just("<head>"),
            Just("<pre>"),
            Just("<!-- c -->"),
            Just("<!doctype html>"),
            Just(" "),
            Just("\n"),
            Just("text"),
            Just("&amp;"),
            Just("\u{0}"),
        ]
        .prop_map(String::from)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn same_tree_as_scraper(parts in proptest::collection::vec(fragment(), 0..30)) {
            let html = parts.concat();
            let norm = |v: Vec<String>| v.iter().map(|s| normalise_attrs(s)).collect::<Vec<_>>();
            prop_assert_eq!(norm(preorder(&parse(&html))), norm(scraper_preorder(&html)), "{}", html);
        }
    }
}
