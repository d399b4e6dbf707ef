//! Rule family `lists`: numbered lists and tables.
//!
//! A dump flattens an article's ordered list or ranking table into short
//! lines ("1) Lego Star Wars 75188…", "2 Martin Truex Jr. 5035 7 0 15 24",
//! "1a etapa: 10 de março – Interlagos") that jusText-style rules read as
//! boilerplate: short, few stopwords, mostly digits. Lines numbered 1, 2,
//! 3, … in order, a few lines apart at most, are one list; the lines
//! between the items (a link under each item, a second row) belong to it.
//! Gallery counters ("1 of 4") are not list items, and a list whose items
//! or gaps any rule removed is not a list. Unnumbered lists count when a
//! line ending in a colon introduces them.

/// A line's part in a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listed {
    /// An item of a numbered list.
    Item,
    /// A line between the items of a numbered list (a link, a second row, a
    /// paragraph about the item).
    Between,
    /// An item of a list a line ending in a colon introduced.
    Introduced,
}

/// Fewest items that make a list.
const MIN_ITEMS: u32 = 3;
/// Most lines between two consecutive items.
const MAX_GAP: usize = 2;

/// The item number a line starts with: `1 `, `1)`, `1.`, `1:`, `(1)`, `#1`,
/// `1a`/`1º`/`1ª` (Romance ordinals), followed by text with a letter.
fn item_number(line: &str) -> Option<u32> {
    let s = line.trim_start_matches(['#', '(']);
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 3 {
        return None;
    }
    let n: u32 = s[..digits].parse().ok()?;
    let mut rest = &s[digits..];
    for ordinal in ['a', 'º', 'ª', '°'] {
        if let Some(r) = rest.strip_prefix(ordinal).filter(|r| r.starts_with(' ')) {
            rest = r;
            break;
        }
    }
    let rest = rest.strip_prefix([')', '.', ':']).unwrap_or(rest);
    if !rest.starts_with(' ') {
        return None;
    }
    let rest = rest.trim_start();
    // "1 of 4", "1 / 12": a gallery counter, not an item.
    let first = rest.split_whitespace().next().unwrap_or("");
    if matches!(first.to_lowercase().as_str(), "of" | "de" | "von" | "di" | "van" | "/" | "из") {
        return None;
    }
    rest.chars().any(char::is_alphabetic).then_some(n)
}

/// Which lines belong to a numbered list: an [`Listed::Item`], a line
/// [`Listed::Between`] items, or `None` outside lists. `ruled[i]`
/// says a rule already removed line `i`; `blocked_before[i]` that the line
/// before it was removed by a rule other than the title (a "Most read"
/// heading before a numbered list of headlines makes that list chrome).
pub fn numbered(lines: &[&str], ruled: &[bool], blocked_before: &[bool]) -> Vec<Option<Listed>> {
    let mut out = vec![None; lines.len()];
    let mut i = 0;
    while i < lines.len() {
        if ruled[i] || blocked_before[i] || item_number(lines[i]) != Some(1) {
            i += 1;
            continue;
        }
        let mut items = vec![i];
        let (mut next, mut skipped) = (2, false);
        let mut j = i + 1;
        while j < lines.len() && j - items[items.len() - 1] <= MAX_GAP + 1 && !ruled[j] {
            match item_number(lines[j]) {
                Some(n) if n == next => next = n + 1,
                // One item missing (a row the scraper lost) does not end the list.
                Some(n) if n == next + 1 && !skipped && items.len() >= 2 => {
                    skipped = true;
                    next = n + 1;
                }
                _ => {
                    j += 1;
                    continue;
                }
            }
            items.push(j);
            j += 1;
        }
        if (items.len() as u32) < MIN_ITEMS {
            i += 1;
            continue;
        }
        let last = items[items.len() - 1];
        // The same number of lines under every item: the last one has them too.
        let gaps: Vec<usize> = items.windows(2).map(|w| w[1] - w[0] - 1).collect();
        let tail = if gaps.iter().all(|&g| g == gaps[0]) { gaps[0] } else { 0 };
        let end = (last + tail).min(lines.len() - 1);
        let end = (last..=end).take_while(|&k| !ruled[k]).last().unwrap_or(last);
        out[i..=end].fill(Some(Listed::Between));
        for &k in &items {
            out[k] = Some(Listed::Item);
        }
        i = end + 1;
    }
    out
}

/// Every line's part in a list, or `None` outside lists. The arguments are
/// those of [`numbered`] and [`introduced`].
pub fn lists(lines: &[&str], ruled: &[bool], blocked_before: &[bool], good: &[bool]) -> Vec<Option<Listed>> {
    let mut list = numbered(lines, ruled, blocked_before);
    for (l, intro) in list.iter_mut().zip(introduced(lines, ruled, good)) {
        if l.is_none() && intro {
            *l = Some(Listed::Introduced);
        }
    }
    list
}

/// Most words of an item of a list introduced by a colon.
const MAX_ITEM_WORDS: usize = 25;

/// Lines of lists an article introduces with a colon ("Allowed foods:",
/// then one food per line): after a line ending in ':' that no rule removed,
/// the short lines that follow, up to the next paragraph of good text or a
/// line a rule removed. Two items at least. `good[i]` says line `i` reads as
/// a paragraph of prose.
pub fn introduced(lines: &[&str], ruled: &[bool], good: &[bool]) -> Vec<bool> {
    let mut out = vec![false; lines.len()];
    let mut i = 0;
    while i < lines.len() {
        if ruled[i] || !lines[i].trim_end().ends_with(':') {
            i += 1;
            continue;
        }
        let items = (i + 1..lines.len())
            .take_while(|&k| {
                !ruled[k]
                    && !good[k]
                    && !lines[k].trim_end().ends_with(':')
                    && lines[k].split_whitespace().count() <= MAX_ITEM_WORDS
            })
            .count();
        // A numbered list under the colon is the numbered rule's to delimit.
        if items >= 2 && item_number(lines[i + 1]) != Some(1) {
            out[i + 1..=i + items].fill(true);
        }
        i += items + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(lines: &[&str]) -> Vec<Option<Listed>> {
        let no = vec![false; lines.len()];
        numbered(lines, &no, &no)
    }

    #[test]
    fn item_numbers() {
        assert_eq!(item_number("1) Lego Star Wars 75188"), Some(1));
        assert_eq!(item_number("2 Martin Truex Jr. 5035 7 0 15 24"), Some(2));
        assert_eq!(item_number("10a etapa: 21 de outubro – Tarumã"), Some(10));
        assert_eq!(item_number("#3 The third"), Some(3));
        assert_eq!(item_number("4. Fourth"), Some(4));
        assert_eq!(item_number("1 of 4 Grass Valley's Dionicio Torres"), None);
        assert_eq!(item_number("2019 was a year"), None);
        assert_eq!(item_number("1 2 3"), None);
        assert_eq!(item_number("1st place"), None);
        assert_eq!(item_number("Item 1"), None);
    }

    #[test]
    fn items_and_the_lines_under_them() {
        let lines = [
            "Here are the offers:",
            "1) Lego",
            "http://amzn.to/a",
            "2) Track",
            "http://amzn.to/b",
            "3) Box set",
            "http://amzn.to/c",
            "Share this",
        ];
        let l = run(&lines);
        let (i, b) = (Some(Listed::Item), Some(Listed::Between));
        assert_eq!(l, [None, i, b, i, b, i, b, None]);
    }

    #[test]
    fn colon_introduced_items() {
        let lines = [
            "Allowed foods:",
            "any fish",
            "any poultry (game too)",
            "A long paragraph of prose follows here.",
            "Banned:",
            "sugar",
            "Share",
        ];
        let good = [false, false, false, true, false, false, false];
        let ruled = [false, false, false, false, false, false, true];
        assert_eq!(introduced(&lines, &ruled, &good), [false, true, true, false, false, false, false]);
        // A ruled intro ("Share this:") introduces nothing.
        let ruled = [true, false, false, false, false, false, true];
        assert_eq!(introduced(&lines, &ruled, &good), [false; 7]);
    }

    #[test]
    fn too_short_out_of_order_or_ruled_is_no_list() {
        assert!(run(&["1 One thing", "2 Two things"]).iter().all(Option::is_none));
        assert!(run(&["1 One", "3 Three", "2 Two"]).iter().all(Option::is_none));
        // One missing number is tolerated, two are not.
        assert!(run(&["1 One", "2 Two", "4 Four", "5 Five"]).iter().all(Option::is_some));
        assert_eq!(run(&["1 One", "2 Two", "4 Four", "6 Six"])[3], None);
        let lines = ["1 One", "2 Two", "3 Three"];
        assert!(numbered(&lines, &[false, true, false], &[false; 3]).iter().all(Option::is_none));
        assert!(numbered(&lines, &[false; 3], &[true, false, false]).iter().all(Option::is_none));
        let gallery = ["1 of 3 A caption", "2 of 3 Another", "3 of 3 Last"];
        assert!(run(&gallery).iter().all(Option::is_none));
    }
}
