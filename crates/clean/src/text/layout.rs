//! Layout before lines: the blocks of a dump, however a scraper laid them out.
//!
//! html-text writes one block per line; e-mail, wire copy, `fold`, `fmt`,
//! lynx and html2text hard-wrap the same words at 60–80 columns, with or
//! without blank lines between paragraphs. Judging each physical line of a
//! wrapped paragraph as a short line cuts the article to pieces, so the
//! cleaner first recovers the blocks ([`units`]) and judges those.
//!
//! A dump is wrapped when the lines that could have been broken earlier (they
//! hold a space) stop at one right margin `W`: almost none is longer, and
//! they pile up just under it ([`margin`]). In a wrapped dump a line break is
//! a soft one, inside a paragraph, when
//!
//! * the next line's first word would not have fitted on this line (the
//!   break greedy wrapping makes), or
//! * this line is at least half the margin wide, does not end a sentence and
//!   the next starts in lower case (a wrapper that balances its lines).
//!
//! A blank line, a list bullet or `#` heading, a row of a table laid out with
//! runs of spaces, and an indented first line always start a new block, so
//! navigation runs, lists and headings are never merged into paragraphs. A
//! dump with no margin (one block per line) is left as it is, line for line.

use std::borrow::Cow;

/// Narrowest right margin taken for a wrap (narrower "margins" are runs of
/// short navigation lines).
const MIN_MARGIN: usize = 40;
/// Widest right margin taken for a wrap.
const MAX_MARGIN: usize = 200;
/// Fewest full lines (ending near the margin) that show a wrap.
const MIN_FULL: usize = 4;
/// A full line of a wrapped paragraph ends within this many columns of the
/// margin (the next word did not fit).
const NEAR: usize = 12;

/// One block of the dump.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit<'a> {
    /// The block as it stands in the input, from the first character of its
    /// first line to the last of its last line (line breaks and indentation
    /// inside included): what a removal reports.
    pub orig: &'a str,
    /// The block's lines joined into one, when it has more than one.
    pub joined: Option<String>,
}

impl<'a> Unit<'a> {
    /// The block's text on one line (still to be normalised).
    pub fn text(&self) -> Cow<'_, str> {
        match &self.joined {
            Some(j) => Cow::Borrowed(j.as_str()),
            None => Cow::Borrowed(self.orig),
        }
    }
}

/// How the dump was laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Shape {
    /// The right margin of a hard-wrapped dump.
    pub margin: Option<usize>,
    /// Lines at the margin were cut mid-word (`fold` without `-s`).
    pub hard_fold: bool,
    /// Some physical lines were joined into blocks.
    pub joined: bool,
}

/// One physical line, measured.
#[derive(Debug, Clone, Copy)]
struct Phys {
    /// Byte range of the trimmed content in the input.
    start: usize,
    end: usize,
    /// Columns of indentation (a tab counts four).
    indent: usize,
    /// Width in characters, indentation included, trailing spaces not.
    width: usize,
    /// Characters of the first word.
    first_word: usize,
    /// A row of a table laid out with runs of spaces.
    table_row: bool,
    /// Starts with a list bullet or a number and a dot.
    bullet: bool,
    /// A markdown heading (`# Title`).
    heading: bool,
    /// Ends like a sentence.
    terminal: bool,
    /// Starts with a lower-case letter.
    lower_start: bool,
}

fn measure(raw: &str, line: &str) -> Option<Phys> {
    let content = line.trim_end();
    let body = content.trim_start();
    if body.is_empty() {
        return None;
    }
    let lead = &content[..content.len() - body.len()];
    let indent = lead.chars().map(|c| if c == '\t' { 4 } else { 1 }).sum::<usize>();
    let start = body.as_ptr() as usize - raw.as_ptr() as usize;
    let width = indent + body.chars().count();
    let first_word = body.split(char::is_whitespace).next().map_or(0, |w| w.chars().count());
    let table_row = body.contains("   ") || body.contains('\t');
    let bullet = is_bullet(body);
    let heading = body.starts_with('#') && {
        let hashes = body.bytes().take_while(|&b| b == b'#').count();
        hashes <= 6 && body[hashes..].starts_with(' ')
    };
    let last = body.trim_end_matches(['"', '\'', '”', '’', ')', ']', '»', '*', '_']);
    let terminal = last.ends_with(['.', '!', '?', '…', ':', '。', '！', '？']);
    let lower_start = body.chars().next().is_some_and(char::is_lowercase);
    Some(Phys {
        start,
        end: start + body.len(),
        indent,
        width,
        first_word,
        table_row,
        bullet,
        heading,
        terminal,
        lower_start,
    })
}

/// A list item's marker: `*`, `-`, `+`, `•`, `·`, `–`, `▪` and a space, or
/// `1.` / `1)` and a space.
pub fn is_bullet(body: &str) -> bool {
    let mut chars = body.chars();
    match chars.next() {
        Some('*' | '-' | '+' | '•' | '·' | '–' | '▪' | '◦' | '‣') => chars.next() == Some(' '),
        Some(c) if c.is_ascii_digit() => {
            let digits = body.bytes().take_while(u8::is_ascii_digit).count();
            digits <= 3 && {
                let rest = &body[digits..];
                (rest.starts_with(". ") || rest.starts_with(") ")) && rest.len() > 2
            }
        }
        _ => false,
    }
}

/// A physical line, measured only as far as finding the margin needs.
#[derive(Debug, Clone, Copy)]
struct Quick {
    /// Width in characters, indentation included, trailing spaces not.
    width: usize,
    /// Holds a space between words and is not a table row: a line that
    /// could have been broken earlier.
    breakable: bool,
}

fn quick(line: &str) -> Quick {
    let b = line.as_bytes();
    let end = b.len() - b.iter().rev().take_while(|c| c.is_ascii_whitespace()).count();
    let lead = b[..end].iter().take_while(|c| c.is_ascii_whitespace()).count();
    let body = &b[lead..end];
    if memchr::memchr(b' ', body).is_none() {
        return Quick { width: 0, breakable: false };
    }
    static THREE_SPACES: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new("   "));
    let table = memchr::memchr(b'\t', body).is_some() || THREE_SPACES.find(body).is_some();
    let indent = b[..lead].iter().map(|&c| if c == b'\t' { 4 } else { 1 }).sum::<usize>();
    Quick { width: indent + char_count(body), breakable: !table }
}

/// Characters of UTF-8 bytes: the bytes that start one (a count the
/// compiler vectorises).
fn char_count(b: &[u8]) -> usize {
    b.iter().filter(|&&c| (c as i8) >= -0x40).count()
}

/// The right margin of a hard-wrapped dump, and whether its full lines were
/// cut mid-word; None when the lines do not stop at one margin.
///
/// `widths` are those of the lines that hold a space (a single long word
/// or URL overhangs any margin). The margin is the widest width, or one of
/// the next widest when up to one line in ten stands out past it (a title,
/// a long heading): one, or an eighth of the full lines at most (of
/// those widths, the one that gathers the most full lines); it
/// is a wrap when at least
/// [`MIN_FULL`] lines end within [`NEAR`] columns of it, twice as many as
/// in the [`NEAR`] columns before (greedy and balanced wrapping pile full
/// lines up against the margin, a list of navigation lines spreads evenly),
/// and when those full lines are a third of the lines wider than half the
/// margin.
fn margin(widths: &mut [usize]) -> Option<(usize, bool)> {
    if widths.len() < 4 {
        return None;
    }
    widths.sort_unstable();
    // The margin is one of the widest widths; a few lines may stand out past
    // it (a title, a long URL, an unbreakable word): up to one in ten.
    let over = widths.len() / 10 + 1;
    let mut best: Option<(usize, (usize, bool))> = None;
    let mut tried = usize::MAX;
    for &w in widths.iter().rev().take(over + 1) {
        if w == tried {
            continue;
        }
        tried = w;
        if let Some((fit, found)) = margin_at(widths, w) {
            if best.is_none_or(|(b, _)| fit > b) {
                best = Some((fit, found));
            }
        }
    }
    best.map(|(_, found)| found)
}

/// Whether `w` is the margin of the lines of sorted `widths` (see
/// [`margin`]), and how well it fits: the full lines it gathers, less four
/// for each line past it.
fn margin_at(widths: &[usize], w: usize) -> Option<(usize, (usize, bool))> {
    if !(MIN_MARGIN..=MAX_MARGIN).contains(&w) {
        return None;
    }
    let count = |lo: usize, hi: usize| widths.iter().filter(|&&x| x > lo && x <= hi).count();
    let near = count(w - NEAR, w);
    let before = count(w - 2 * NEAR, w - NEAR);
    let wide = count(w / 2, usize::MAX);
    // Lines past the margin stand out: a few, against many full lines.
    let past = count(w, usize::MAX);
    if near < MIN_FULL || near < 2 * before || near * 3 < wide || (past > 1 && past * 8 > near) {
        return None;
    }
    // `fold` without `-s`: nearly every full line is exactly the margin
    // wide (greedy wrapping stops a word short of it as often as not).
    let exact = widths.iter().filter(|&&x| x == w).count();
    Some(((near - 4 * past), (w, exact * 10 >= near * 9 && exact >= 3)))
}

/// The blocks of a dump.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Layout<'a> {
    /// One block per line: the lines of the dump.
    Lines(&'a str),
    /// Blocks made of one or more lines.
    Blocks(Vec<Unit<'a>>),
}

impl<'a> Layout<'a> {
    /// The blocks, in order. (In [`Layout::Lines`] a line's blanks are
    /// trimmed, and a blank line dropped, by its reader.)
    pub fn units(&self) -> impl Iterator<Item = Unit<'a>> + '_ {
        let (lines, blocks) = match self {
            Layout::Lines(raw) => (Some(super::split_lines(raw)), None),
            Layout::Blocks(v) => (None, Some(v.iter().cloned())),
        };
        let lines = lines.into_iter().flatten().map(|l| Unit { orig: l, joined: None });
        lines.chain(blocks.into_iter().flatten())
    }
}

/// The blocks of `raw` (blank lines dropped, ends trimmed), and how it was laid out.
pub fn units(raw: &str) -> (Vec<Unit<'_>>, Shape) {
    let (layout, shape) = layout(raw);
    let units = layout
        .units()
        .filter_map(|u| {
            let t = u.orig.trim();
            (!t.is_empty()).then_some(Unit { orig: t, ..u })
        })
        .collect();
    (units, shape)
}

/// How `raw` is laid out, and its blocks.
pub fn layout(raw: &str) -> (Layout<'_>, Shape) {
    // A first look, cheap enough for every dump: the widths of the lines
    // holding a space (table rows are told apart only if a margin shows).
    let (mut widths, mut lines, mut blanks) = (Vec::new(), 0usize, 0usize);
    for l in super::split_lines(raw) {
        lines += 1;
        let b = l.trim_ascii().as_bytes();
        if b.is_empty() {
            blanks += 1;
        } else if memchr::memchr(b' ', b).is_some() {
            widths.push(char_count(b));
        }
    }
    let blank_separated = blanks * 4 >= lines - blanks;
    if margin(&mut widths).is_none() && !blank_separated {
        // One block per line: nothing to join.
        return (Layout::Lines(raw), Shape::default());
    }
    let mut widths: Vec<usize> = super::split_lines(raw).map(quick).filter(|q| q.breakable).map(|q| q.width).collect();
    let found = margin(&mut widths);
    let mut shape = Shape { margin: found.map(|m| m.0), hard_fold: found.is_some_and(|m| m.1), joined: false };
    if found.is_none() && !blank_separated {
        return (Layout::Lines(raw), shape);
    }
    // Physical lines, measured in full; `None` for a blank one.
    let phys: Vec<Option<Phys>> = super::split_lines(raw).map(|l| measure(raw, l)).collect();
    let mut out: Vec<Unit> = Vec::with_capacity(phys.len());
    // The lines of the block being built.
    let mut group: Vec<Phys> = Vec::new();
    let mut prev_blank = true;
    for p in &phys {
        let Some(p) = p else {
            flush(raw, &mut group, shape.hard_fold, shape.margin, &mut out, &mut shape.joined);
            prev_blank = true;
            continue;
        };
        if let Some(a) = group.last() {
            if !continues(&group, a, p, shape.margin, blank_separated && !prev_blank) {
                flush(raw, &mut group, shape.hard_fold, shape.margin, &mut out, &mut shape.joined);
            }
        }
        group.push(*p);
        prev_blank = false;
    }
    flush(raw, &mut group, shape.hard_fold, shape.margin, &mut out, &mut shape.joined);
    (Layout::Blocks(out), shape)
}

/// Whether line `b` continues the block whose lines are `group` (the last
/// of them `a`).
fn continues(group: &[Phys], a: &Phys, b: &Phys, margin: Option<usize>, in_blank_group: bool) -> bool {
    if b.bullet || b.heading || a.heading || a.table_row || b.table_row {
        return false;
    }
    let in_item = group[0].bullet;
    // An indented first line starts a paragraph; the indented lines under
    // a list item continue it.
    if b.indent > a.indent + 1 && !in_item {
        return false;
    }
    if in_item && b.indent == 0 && group[0].indent == 0 && margin.is_none() {
        return false;
    }
    let soft = |w: usize| 2 * a.width >= w && !a.terminal && b.lower_start;
    match margin {
        Some(w) => {
            // (A line of words past the margin was not wrapped there; a
            // single word that overhangs it was.)
            let one_word = a.indent + a.first_word == a.width;
            let forced = 2 * a.width >= w && (a.width <= w || one_word) && a.width + 1 + b.first_word > w;
            forced || soft(w)
        }
        // Blank lines separate the paragraphs, and lines are ragged: join
        // only what reads as one sentence running on.
        None => in_blank_group && a.width >= MIN_MARGIN && soft(MIN_MARGIN),
    }
}

/// Close the block made of `group`.
fn flush<'a>(
    raw: &'a str,
    group: &mut Vec<Phys>,
    hard_fold: bool,
    margin: Option<usize>,
    out: &mut Vec<Unit<'a>>,
    joined_any: &mut bool,
) {
    let (Some(first), Some(last)) = (group.first(), group.last()) else { return };
    let orig = &raw[first.start..last.end];
    let joined = (group.len() > 1).then(|| {
        *joined_any = true;
        let mut s = String::with_capacity(orig.len());
        for (k, p) in group.iter().enumerate() {
            let text = &raw[p.start..p.end];
            if k > 0 {
                // `fold` cut a word at the margin: no space was there.
                let prev = &group[k - 1];
                let mid_word = hard_fold
                    && Some(prev.width) == margin
                    && p.indent == 0
                    && s.chars().last().is_some_and(char::is_alphanumeric)
                    && text.chars().next().is_some_and(char::is_alphanumeric);
                if !mid_word {
                    s.push(' ');
                }
            }
            s.push_str(text);
        }
        s
    });
    out.push(Unit { orig, joined });
    group.clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wrap(text: &str, width: usize) -> String {
        let mut out = String::new();
        let mut line = String::new();
        for w in text.split_whitespace() {
            if !line.is_empty() && line.chars().count() + 1 + w.chars().count() > width {
                out.push_str(&line);
                out.push('\n');
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(w);
        }
        out.push_str(&line);
        out.push('\n');
        out
    }

    fn texts(raw: &str) -> Vec<String> {
        units(raw).0.iter().map(|u| u.text().into_owned()).collect()
    }

    const P1: &str = "Senior British and Russian officials are to resume efforts to find a solution to the crisis in Syria, David Cameron and Vladimir Putin have agreed in a telephone call on Monday evening.";
    const P2: &str = "The resumption of talks between security advisers was discussed by the leaders in a telephone conversation on Monday, Downing Street said in a statement issued afterwards to the press.";
    const NAV: [&str; 6] = ["Home", "World", "Business", "Sign in", "Subscribe to our newsletter", "Share"];

    #[test]
    fn one_block_per_line_is_left_alone() {
        let raw = format!("{}\n{P1}\n{P2}\n", NAV.join("\n"));
        let (u, shape) = units(&raw);
        assert_eq!(shape, Shape::default());
        assert_eq!(u.len(), 8);
        assert!(u.iter().all(|u| u.joined.is_none()));
    }

    #[test]
    fn wrapped_paragraphs_without_blank_lines_are_rejoined() {
        for width in [60, 66, 72, 80] {
            let raw = format!("{}\n{}{}{}", NAV.join("\n"), wrap(P1, width), wrap(P2, width), wrap(P1, width));
            let t = texts(&raw);
            assert_eq!(&t[..6], &NAV, "width {width}");
            assert_eq!(&t[6..], [P1, P2, P1], "width {width}");
            assert_eq!(units(&raw).1.margin.map(|m| m <= width), Some(true));
        }
    }

    #[test]
    fn a_title_wider_than_the_margin_does_not_hide_it() {
        let title = "A headline that runs on well past the column the body was wrapped at, as titles do";
        for width in [55, 60, 72] {
            let raw = format!("{title}\n{}{}{}", wrap(P1, width), wrap(P2, width), wrap(P1, width));
            let (units, shape) = units(&raw);
            assert_eq!(shape.margin.map(|m| m <= width), Some(true), "width {width}");
            let t: Vec<String> = units.iter().map(|u| u.text().into_owned()).collect();
            assert_eq!(t, [title, P1, P2, P1], "width {width}");
        }
    }

    #[test]
    fn blank_lines_separate_and_crlf_and_trailing_spaces_are_fine() {
        let raw = format!("{}\r\n\r\n{}", wrap(P1, 70).replace('\n', "  \r\n"), wrap(P2, 70).replace('\n', "\r\n"));
        assert_eq!(texts(&raw), [P1, P2]);
    }

    #[test]
    fn removals_keep_the_input_words() {
        let (p1, p2) = (wrap(P1, 64), wrap(P2, 64));
        let raw = format!("{p1}{p2}");
        let (u, _) = units(&raw);
        assert_eq!(u.len(), 2);
        assert_eq!(u[0].orig, p1.trim_end());
        assert_eq!(u[1].orig, p2.trim_end());
        assert!(u[0].orig.contains('\n'));
    }

    #[test]
    fn bullets_headings_and_indented_first_lines_start_blocks() {
        let item = "the first item of the list runs on over more than one line of the wrapped text";
        let raw = format!(
            "# A heading\n{}* {}\n  {}\n* short item\n{}",
            wrap(P1, 70),
            &item[..39],
            &item[40..],
            wrap(P2, 70)
                .lines()
                .enumerate()
                .map(|(i, l)| if i == 0 { format!("    {l}\n") } else { format!("{l}\n") })
                .collect::<String>()
        );
        let t = texts(&raw);
        assert_eq!(t[0], "# A heading");
        assert_eq!(t[1], P1);
        assert_eq!(t[2], format!("* {item}"));
        assert_eq!(t[3], "* short item");
        assert_eq!(t[4], P2);
    }

    #[test]
    fn fold_without_s_is_rejoined_mid_word() {
        let text = format!("{P1} {P2}");
        let chars: Vec<char> = text.chars().collect();
        let raw: String = chars.chunks(64).map(|c| format!("{}\n", c.iter().collect::<String>())).collect();
        assert_eq!(texts(&raw), [text]);
    }

    #[test]
    fn table_rows_are_never_joined() {
        let rows =
            "Team        Played   Won   Points\nArsenal         12     9       28\nLiverpool       12     8       26\n";
        let raw = format!("{}{rows}{}", wrap(P1, 60), wrap(P2, 60));
        let t = texts(&raw);
        assert_eq!(t.len(), 5);
        assert_eq!(t[0], P1);
        assert_eq!(t[4], P2);
    }
}
