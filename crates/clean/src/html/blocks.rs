//! Turn the page into text blocks, one per block-level element, in document
//! order, each with its place: inside the chosen content, outside it, or
//! under a junk subtree (with the reason), so that every removed block can
//! be recorded.
//!
//! Whitespace is collapsed as a browser would, except in `<pre>` (code keeps
//! its lines and indentation); a table row is one block with its cells
//! separated by tabs; `<br>` breaks a line; two inline elements written
//! side by side without a space ("<a>Earth Ball</a><em>Outside</em>") get
//! one when the letters at the seam say two words meet (not both lower case:
//! "Co<span>rnell</span>" stays one word).

use super::dom::{Dom, Kind, Tag};
use super::junk::{Chrome, Junk};

/// Where a block stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// Inside the chosen content.
    Content,
    /// Outside it.
    Outside,
    /// Under a junk subtree.
    Junk(Junk),
}

/// One block of text.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// The text; `<br>` becomes `\n` (and a `<pre>` keeps its lines).
    pub text: String,
    /// Characters inside links.
    pub link_chars: usize,
    /// The block is a heading.
    pub heading: bool,
    /// The block is a list item.
    pub list_item: bool,
    /// The block is preformatted (code): kept as it is.
    pub pre: bool,
    /// The block is inside a card of a list of priced cards (its links are titles).
    pub in_card: bool,
    /// The block is inside a quote or a table.
    pub quoted: bool,
    /// Where it stands.
    pub place: Place,
}

#[derive(Debug, Default, Clone, PartialEq)]
struct Buf {
    text: String,
    link_chars: usize,
    tag: Option<Tag>,
    pre: bool,
    space: bool,
    /// An inline element just started right after another one.
    seam: bool,
    /// A new table cell started: a tab before its text.
    cell: bool,
    in_card: bool,
    quoted: bool,
}

impl Buf {
    fn push_text(&mut self, t: &str, in_link: bool, tag: Option<Tag>, pre: bool) {
        if t.is_empty() {
            return;
        }
        if self.text.is_empty() {
            self.tag = tag;
        }
        if pre {
            self.pre = true;
            self.text.push_str(t);
            if in_link {
                self.link_chars += t.chars().count();
            }
            self.seam = false;
            return;
        }
        if t.starts_with(char::is_whitespace) && !self.text.is_empty() {
            self.space = true;
        }
        // Most text nodes are ASCII words between single spaces or line
        // breaks (the pre-scan has taken the indentation out): one word
        // run, pushed whole, after the first word's joining.
        let gap = |b: u8| b == b' ' || b == b'\n';
        let core = t.trim_matches([' ', '\n']);
        let b = core.as_bytes();
        let simple = !core.is_empty()
            && b.iter().all(|&c| c.is_ascii_graphic() || gap(c))
            && !b.windows(2).any(|w| gap(w[0]) && gap(w[1]));
        if simple {
            let first = core.split([' ', '\n']).next().unwrap_or(core);
            self.join_before(first, in_link);
            if b.contains(&b'\n') {
                self.text.extend(core.chars().map(|c| if c == '\n' { ' ' } else { c }));
            } else {
                self.text.push_str(core);
            }
            if in_link {
                self.link_chars += core.len();
            }
            self.space = t.ends_with([' ', '\n']);
            return;
        }
        self.push_words(t, in_link);
    }

    /// [`Buf::push_text`] outside `<pre>`, a word at a time: the reference
    /// its fast path is held to (a proptest).
    fn push_words(&mut self, t: &str, in_link: bool) {
        for w in t.split_whitespace() {
            self.join_before(w, in_link);
            self.text.push_str(w);
            if in_link {
                self.link_chars += w.chars().count();
            }
            self.space = true;
        }
        self.space = t.ends_with(char::is_whitespace);
    }

    /// What comes before a word that starts a text: a tab between cells, a
    /// space after a space or at a seam between two words.
    fn join_before(&mut self, w: &str, in_link: bool) {
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            if self.cell && !self.text.ends_with('\t') {
                self.text.push('\t');
                self.space = false;
            } else if self.space || (self.seam && seam_needs_space(&self.text, w)) {
                self.text.push(' ');
                if in_link {
                    self.link_chars += 1;
                }
            }
        }
        self.cell = false;
        self.seam = false;
    }

    fn newline(&mut self) {
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push('\n');
        }
        self.space = false;
    }

    fn flush(&mut self, place: Place, out: &mut Vec<Block>) {
        let text = if self.pre { self.text.trim_matches('\n').trim_end() } else { self.text.trim() };
        if !text.is_empty() {
            out.push(Block {
                text: text.to_string(),
                link_chars: self.link_chars,
                heading: self.tag.is_some_and(Tag::is_heading),
                list_item: self.tag == Some(Tag::Li),
                pre: self.pre,
                in_card: self.in_card,
                quoted: self.quoted,
                place,
            });
        }
        *self = Buf::default();
    }
}

/// Two words meet at an inline seam when the characters on both sides are
/// letters or digits and not both lower case.
fn seam_needs_space(before: &str, next: &str) -> bool {
    let (Some(a), Some(b)) = (before.chars().next_back(), next.chars().next()) else { return false };
    a.is_alphanumeric() && b.is_alphanumeric() && !(a.is_lowercase() && b.is_lowercase())
}

/// Nodes that start right after an inline element sibling (no text between).
fn after_inline(dom: &Dom<'_>) -> Vec<bool> {
    let n = dom.len();
    let mut after = vec![false; n];
    for j in 0..n {
        let Kind::Elem { tag, .. } = dom.nodes[j].kind else { continue };
        if tag.is_block() || tag == Tag::Br {
            continue;
        }
        let e = dom.nodes[j].end;
        if e < n && dom.nodes[e].parent == dom.nodes[j].parent && matches!(dom.nodes[e].kind, Kind::Elem { .. }) {
            after[e] = true;
        }
    }
    after
}

/// The place of every node, given the chosen content's roots. Inside the
/// content, a block pruned only for a presentation name (a `widget`, a
/// `card`) that reads as prose is content after all.
pub fn places(dom: &Dom<'_>, junk: &[Junk], roots: &[usize]) -> Vec<Place> {
    let mut p = vec![Place::Outside; dom.len()];
    for &r in roots {
        for x in &mut p[r..dom.nodes[r].end] {
            *x = Place::Content;
        }
    }
    let layout = Junk::Yes(Chrome::Layout);
    let mut i = 0;
    while i < dom.len() {
        let j = junk[i];
        let outermost = j == layout && dom.nodes[i].parent != usize::MAX && junk[dom.nodes[i].parent] != layout;
        if outermost && p[i] == Place::Content && reads_as_prose(dom, junk, i) {
            // Its own junk (a button inside the card) stays junk.
            for k in i..dom.nodes[i].end {
                if junk[k] != layout && junk[k] != Junk::No {
                    p[k] = Place::Junk(junk[k]);
                }
            }
            i = dom.nodes[i].end;
            continue;
        }
        if j != Junk::No {
            p[i] = Place::Junk(j);
        }
        i += 1;
    }
    p
}

/// Prose: 150 characters or more, links under a fifth of them, two
/// sentences at least (not counting what is junk in its own right).
fn reads_as_prose(dom: &Dom<'_>, junk: &[Junk], i: usize) -> bool {
    let layout = Junk::Yes(Chrome::Layout);
    let (mut chars, mut links, mut stops) = (0usize, 0usize, 0usize);
    let mut link_until = 0;
    for (k, node) in dom.nodes.iter().enumerate().take(dom.nodes[i].end).skip(i) {
        if junk[k] != layout {
            continue;
        }
        match node.kind {
            Kind::Elem { tag: Tag::A, .. } => link_until = link_until.max(dom.nodes[k].end),
            Kind::Text(t) => {
                let n = t.trim().chars().count();
                chars += n;
                if k < link_until {
                    links += n;
                }
                stops += t.matches(['.', '!', '?', '。']).filter(|_| true).count().min(n);
            }
            _ => {}
        }
    }
    chars >= PROSE_CHARS && links * 5 < chars && stops >= 2
}

/// Characters of a presentation block read as prose.
const PROSE_CHARS: usize = 150;

/// The blocks of the subtree under `root`, each with its place.
pub fn emit(dom: &Dom<'_>, place: &[Place], cards: &[bool], root: usize) -> Vec<Block> {
    let mut out = Vec::new();
    let after = after_inline(dom);
    // Open places (subtrees whose place differs from their parent's), each
    // with the block being built there: an inline junk span inside a
    // paragraph does not cut the paragraph.
    let mut frames: Vec<(usize, Place, Buf)> = vec![(dom.nodes[root].end, place[root], Buf::default())];
    // Open block elements, and open <pre>s.
    let mut open: Vec<(usize, Tag)> = Vec::new();
    let mut pre_until = 0usize;
    let mut quoted_until = 0usize;
    let mut link_until = 0usize;
    let end = dom.nodes[root].end;
    let mut i = root;
    while i < end {
        // Subtrees of another place end before the blocks around them.
        while frames.len() > 1 && frames.last().is_some_and(|f| i >= f.0) {
            let (_, pl, mut buf) = frames.pop().expect("a frame");
            buf.flush(pl, &mut out);
        }
        while let Some(&(e, _)) = open.last() {
            if i < e {
                break;
            }
            open.pop();
            let f = frames.last_mut().expect("the root frame");
            f.2.flush(f.1, &mut out);
        }
        // The head (title, metadata) and embedded frames are not page text.
        if place[i] == Place::Junk(Junk::Yes(Chrome::Head)) {
            i = dom.nodes[i].end;
            continue;
        }
        if place[i] != frames.last().expect("the root frame").1 {
            // A block of another place ends the line before it.
            if dom.tag(i).is_some_and(|t| t.is_block()) {
                let f = frames.last_mut().expect("the root frame");
                f.2.flush(f.1, &mut out);
            }
            frames.push((dom.nodes[i].end, place[i], Buf::default()));
        }
        let current = open.last().map(|&(_, t)| t);
        let f = frames.last_mut().expect("the root frame");
        let (pl, buf) = (f.1, &mut f.2);
        match dom.nodes[i].kind {
            Kind::Text(t) => {
                if buf.text.is_empty() {
                    buf.in_card = cards.get(i).copied().unwrap_or(false);
                    buf.quoted = quoted_until > i;
                }
                buf.push_text(t, i < link_until, current, i < pre_until)
            }
            Kind::Elem { tag, .. } => {
                if tag == Tag::Br {
                    if i < pre_until {
                        buf.text.push('\n');
                    } else {
                        buf.newline();
                    }
                } else if matches!(tag, Tag::Td | Tag::Th) {
                    // A cell: the row is the block.
                    buf.cell = !buf.text.is_empty();
                } else if tag.is_block() {
                    buf.flush(pl, &mut out);
                    open.push((dom.nodes[i].end, tag));
                    if tag == Tag::Pre {
                        pre_until = pre_until.max(dom.nodes[i].end);
                    }
                    if matches!(tag, Tag::Blockquote | Tag::Table) {
                        quoted_until = quoted_until.max(dom.nodes[i].end);
                    }
                } else {
                    if tag == Tag::A {
                        link_until = link_until.max(dom.nodes[i].end);
                    }
                    if after[i] && i >= pre_until {
                        buf.seam = true;
                    }
                }
            }
            Kind::Other => {}
        }
        i += 1;
    }
    while let Some((_, pl, mut buf)) = frames.pop() {
        buf.flush(pl, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What happens to a buffer between two texts.
    #[derive(Debug, Clone)]
    enum Step {
        Text(String, bool),
        Seam,
        Cell,
        Newline,
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            4 => ("[ab. \n\té]{0,10}", any::<bool>()).prop_map(|(t, l)| Step::Text(t, l)),
            1 => Just(Step::Seam),
            1 => Just(Step::Cell),
            1 => Just(Step::Newline),
        ]
    }

    proptest! {
        /// The whole-run fast path of `push_text` leaves a buffer as the
        /// word-at-a-time reference does.
        #[test]
        fn fast_path_is_the_reference(steps in proptest::collection::vec(step(), 0..12)) {
            let (mut fast, mut slow) = (Buf::default(), Buf::default());
            for s in &steps {
                match s {
                    Step::Text(t, in_link) => {
                        fast.push_text(t, *in_link, None, false);
                        if !t.is_empty() {
                            if t.starts_with(char::is_whitespace) && !slow.text.is_empty() {
                                slow.space = true;
                            }
                            slow.push_words(t, *in_link);
                        }
                    }
                    Step::Seam => {
                        fast.seam = true;
                        slow.seam = true;
                    }
                    Step::Cell => {
                        fast.cell = true;
                        slow.cell = true;
                    }
                    Step::Newline => {
                        fast.newline();
                        slow.newline();
                    }
                }
                prop_assert_eq!(&fast, &slow);
            }
        }
    }
}
