//! Rule family `normalize`: make a dump line comparable without losing text.
//!
//! Removes Private-Use-Area code points (icon-font glyphs), zero-width and
//! control characters and soft hyphens; turns no-break and other odd spaces
//! into plain spaces; collapses runs of spaces; trims.

/// Icon fonts (Font Awesome and friends) live in the Private Use Areas.
pub fn is_pua(c: char) -> bool {
    matches!(c as u32, 0xE000..=0xF8FF | 0xF0000..=0xFFFFD | 0x100000..=0x10FFFD)
}

fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}') || (c.is_control() && c != '\t')
}

/// Normalise one line.
pub fn line(s: &str) -> String {
    line_cow(s).into_owned()
}

/// Normalise one line, borrowing it when it is already normal (printable
/// ASCII with single spaces, as most lines are).
pub fn line_cow(s: &str) -> std::borrow::Cow<'_, str> {
    let t = s.trim_matches(|c: char| c.is_ascii_whitespace());
    if is_normal_ascii(t.as_bytes()) {
        return t.into();
    }
    let mut out = String::with_capacity(s.len());
    each_normal_char(s, |c| out.push(c));
    out.into()
}

/// Printable ASCII, no space doubled or at the end.
fn is_normal_ascii(b: &[u8]) -> bool {
    let mut space = true;
    for &c in b {
        match c {
            b' ' if space => return false,
            b' ' => space = true,
            0x21..=0x7e => space = false,
            _ => return false,
        }
    }
    !space || b.is_empty()
}

/// The characters of `line(s)`, one by one: invisible and icon-font
/// characters dropped, whitespace runs as one space, none at the ends.
#[inline]
fn each_normal_char(s: &str, mut emit: impl FnMut(char)) {
    let (mut space, mut started) = (false, false);
    for c in s.chars() {
        let blank = if c.is_ascii() {
            // Controls but the tab are invisible (line breaks too).
            if c != '\t' && c.is_ascii_control() {
                continue;
            }
            c == ' ' || c == '\t'
        } else {
            if is_pua(c) || is_invisible(c) {
                continue;
            }
            c.is_whitespace()
        };
        if blank {
            space = true;
            continue;
        }
        if space && started {
            emit(' ');
        }
        (space, started) = (false, true);
        emit(c);
    }
}

/// The key phrase rules match against: lower case, straight quotes, single spaces.
pub fn key(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        push_folded(&mut out, c);
    }
    out
}

/// Append `c` as [`key`] folds it.
#[inline]
fn push_folded(out: &mut String, c: char) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    match c {
        '‘' | '’' | '‛' | '′' => out.push('\''),
        '“' | '”' | '„' | '″' => out.push('"'),
        '–' | '—' => out.push('-'),
        c => out.extend(c.to_lowercase()),
    }
}

/// `key(&line(s))` into `out` (cleared first), in one pass and without the
/// two intermediate strings: the per-paragraph site key is computed for
/// every document.
pub fn fold_line_into(s: &str, out: &mut String) {
    out.clear();
    each_normal_char(s, |c| push_folded(out, c));
}

/// Number of whitespace-separated words.
pub fn words(s: &str) -> usize {
    s.split_whitespace().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_invisible_and_pua() {
        assert_eq!(line("  \u{f101} Share\u{00a0}\u{00a0}this\u{200b} \t"), "Share this");
        assert_eq!(line("co\u{00ad}operate"), "cooperate");
        assert_eq!(line(""), "");
    }

    #[test]
    fn key_folds_quotes_and_case() {
        assert_eq!(key("What’s Hot – “Now”"), "what's hot - \"now\"");
    }

    proptest::proptest! {
        #[test]
        fn fold_line_is_key_of_line(s in "[ a-zA-Z\t\n\r\u{0}\u{1f}\u{7f}\u{a0}\u{ad}\u{200b}\u{feff}\u{e001}’“–ÉİẞΣ]{0,30}") {
            let mut out = String::new();
            fold_line_into(&s, &mut out);
            proptest::prop_assert_eq!(out, key(&line(&s)));
        }
    }
}
