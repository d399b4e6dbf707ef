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

/// Whether normalising drops `c` (an invisible or icon-font character).
#[inline]
pub fn drops(c: char) -> bool {
    is_pua(c) || is_invisible(c)
}

/// Normalise one line. (Whether a dump line is already normal comes from
/// the pass that counts it: [`crate::scan::line`].)
pub fn line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    each_normal_char(s, |c| out.push(c));
    out
}

/// The characters of `line(s)`, one by one: invisible and icon-font
/// characters dropped, whitespace runs as one space, none at the ends.
#[inline]
fn each_normal_char(s: &str, mut emit: impl FnMut(char)) {
    let (mut space, mut started) = (false, false);
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = if b[i].is_ascii() {
            let c = b[i];
            i += 1;
            match c {
                b' ' | b'\t' => {
                    space = true;
                    continue;
                }
                // Controls but the tab are invisible (line breaks too).
                0..=0x1f | 0x7f => continue,
                _ => c as char,
            }
        } else {
            let c = s[i..].chars().next().expect("a character starts here");
            i += c.len_utf8();
            if is_pua(c) || is_invisible(c) {
                continue;
            }
            if c.is_whitespace() {
                space = true;
                continue;
            }
            c
        };
        if space && started {
            emit(' ');
        }
        (space, started) = (false, true);
        emit(c);
    }
}

/// The key phrase rules match against: lower case, straight quotes, single spaces.
pub fn key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while !rest.is_empty() {
        // A run of ASCII, lower-cased in one go; then one other character.
        let run = rest.bytes().position(|b| !b.is_ascii()).unwrap_or(rest.len());
        let from = out.len();
        out.push_str(&rest[..run]);
        out[from..].make_ascii_lowercase();
        rest = &rest[run..];
        if let Some(c) = rest.chars().next() {
            push_folded(&mut out, c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// Append `c` as [`key`] folds it.
#[inline]
fn push_folded(out: &mut String, c: char) {
    fold(c, |f| out.push(f));
}

/// `c` as [`key`] folds it, one character (or, for a few letters, more) at a time.
#[inline]
pub(crate) fn fold(c: char, mut emit: impl FnMut(char)) {
    if c.is_ascii() {
        return emit(c.to_ascii_lowercase());
    }
    match c {
        '‘' | '’' | '‛' | '′' => emit('\''),
        '“' | '”' | '„' | '″' => emit('"'),
        '–' | '—' => emit('-'),
        c => match crate::chars::lower(c) {
            Some(l) => emit(l),
            None => c.to_lowercase().for_each(emit),
        },
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

/// The lines of `s`, as [`str::lines`] cuts them (at `\n` or `\r\n`), found with memchr.
pub fn split_lines(s: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(s).filter(|s| !s.is_empty());
    std::iter::from_fn(move || {
        let text = rest?;
        Some(match memchr::memchr(b'\n', text.as_bytes()) {
            Some(i) => {
                rest = Some(&text[i + 1..]).filter(|r| !r.is_empty());
                let line = &text[..i];
                line.strip_suffix('\r').unwrap_or(line)
            }
            None => {
                rest = None;
                text
            }
        })
    })
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
        fn key_folds_each_character(s in "[ a-zA-Z’“–ÉİẞΣЖ中]{0,16}") {
            let mut slow = String::new();
            for c in s.chars() {
                push_folded(&mut slow, c);
            }
            proptest::prop_assert_eq!(key(&s), slow);
        }

        #[test]
        fn fold_line_is_key_of_line(s in "[ a-zA-Z\t\n\r\u{0}\u{1f}\u{7f}\u{a0}\u{ad}\u{200b}\u{feff}\u{e001}’“–ÉİẞΣ]{0,30}") {
            let mut out = String::new();
            fold_line_into(&s, &mut out);
            proptest::prop_assert_eq!(out, key(&line(&s)));
        }
    }
}
