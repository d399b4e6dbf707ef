//! The whitespace-separated tokens of a text, found sixteen bytes at a time.
//!
//! Runs of ASCII are classified a chunk at a time ([`Classes`]): tokens are
//! the runs of non-space bits, and where a token's letters, digits and
//! apostrophes start and end (the token trimmed of punctuation) comes from
//! the same masks. Non-ASCII characters are taken one by one. What is seen
//! goes to a [`Sink`]: line counting and language detection are two.

use super::lanes::{self, span, Classes, LANES};
use crate::chars::alphabetic;

/// One token: `text[start..end]`, no whitespace in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Where it starts.
    pub start: usize,
    /// Where it ends.
    pub end: usize,
    /// Where its first ASCII letter, digit or apostrophe is, and after its
    /// last one (`kept_from > kept_to` when it has none). For an ASCII token,
    /// the token trimmed of everything else.
    pub kept_from: usize,
    /// See `kept_from`.
    pub kept_to: usize,
    /// Only ASCII bytes.
    pub ascii: bool,
    /// At least one letter (of any script).
    pub alpha: bool,
}

impl Token {
    fn at(start: usize) -> Token {
        Token { start, end: start, kept_from: usize::MAX, kept_to: 0, ascii: true, alpha: false }
    }

    /// The trimmed span of an ASCII token with a kept byte.
    pub fn kept(&self) -> Option<std::ops::Range<usize>> {
        (self.kept_from < self.kept_to).then_some(self.kept_from..self.kept_to)
    }
}

/// What a non-ASCII character is to a scan (decided once, told to the sink).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Char {
    /// Alphabetic.
    Letter,
    /// Whitespace: it ends a token.
    Space,
    /// Anything else.
    Other,
}

impl Char {
    /// The class of `ch`.
    #[inline]
    pub fn of(ch: char) -> Char {
        if alphabetic(ch) {
            Char::Letter
        } else if ch.is_whitespace() {
            Char::Space
        } else {
            Char::Other
        }
    }
}

/// What [`scan`] reports, in text order.
pub trait Sink {
    /// `len` ASCII bytes at `at`, classified in `m` (bits from `len` on are
    /// not part of the text).
    #[inline]
    fn ascii(&mut self, _m: &Classes, _at: usize, _len: u32) {}

    /// The non-ASCII character `ch` at `at`, of class `class`.
    #[inline]
    fn other(&mut self, _ch: char, _at: usize, _class: Char) {}

    /// A token ended.
    fn token(&mut self, t: &Token);
}

/// Walk `text`, telling `sink` what it holds.
#[inline]
pub fn scan(text: &str, sink: &mut impl Sink) {
    let b = text.as_bytes();
    let mut w = Token::at(0);
    let mut i = 0;
    while i < b.len() {
        let rest = &b[i..];
        let n = rest.len().min(LANES) as u32;
        let m = Classes::of(&lanes::chunk(rest));
        // The ASCII bytes up to the first non-ASCII one (or the end).
        let len = (m.high | 1 << n).trailing_zeros();
        if len > 0 {
            sink.ascii(&m, i, len);
            ascii_tokens(&m, i, len, &mut w, sink);
            i += len as usize;
        }
        if len < n {
            // Non-ASCII characters, up to the next ASCII byte.
            let end = lanes::next_ascii(b, i);
            for (at, ch) in text[i..end].char_indices() {
                let at = i + at;
                let class = Char::of(ch);
                sink.other(ch, at, class);
                if class == Char::Space {
                    end_token(&mut w, at, sink);
                    w = Token::at(at + ch.len_utf8());
                } else {
                    w.ascii = false;
                    w.alpha |= class == Char::Letter;
                }
            }
            i = end;
        }
    }
    end_token(&mut w, b.len(), sink);
}

/// The tokens of `len` ASCII bytes at `at`: a run of non-space bits from
/// bit 0 goes on with the token under way, a run that reaches `len` is left
/// under way.
#[inline]
fn ascii_tokens(m: &Classes, at: usize, len: u32, w: &mut Token, sink: &mut impl Sink) {
    let valid = span(0, len);
    let letters = m.upper | m.lower;
    let kept = (letters | m.kept) & valid;
    let mut runs = valid & !m.space;
    if runs & 1 == 0 {
        end_token(w, at, sink);
        *w = Token::at(at + len as usize);
    }
    while runs != 0 {
        let from = runs.trailing_zeros();
        let to = from + (!(runs >> from)).trailing_zeros();
        if from > 0 {
            *w = Token::at(at + from as usize);
        }
        let run = span(from, to);
        let k = kept & run;
        if k != 0 {
            w.kept_from = w.kept_from.min(at + k.trailing_zeros() as usize);
            w.kept_to = at + (32 - k.leading_zeros()) as usize;
        }
        w.alpha |= letters & run != 0;
        if to < len {
            end_token(w, at + to as usize, sink);
            *w = Token::at(at + len as usize);
        }
        runs &= !run;
    }
}

#[inline]
fn end_token(w: &mut Token, end: usize, sink: &mut impl Sink) {
    if w.start < end {
        w.end = end;
        sink.token(w);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct All(Vec<Token>);
    impl Sink for All {
        fn token(&mut self, t: &Token) {
            self.0.push(*t);
        }
    }

    /// The tokens by their definition.
    fn reference(s: &str) -> Vec<Token> {
        let mut out = Vec::new();
        let mut at = 0;
        for piece in s.split(char::is_whitespace) {
            if !piece.is_empty() {
                let kept: Vec<usize> = piece
                    .char_indices()
                    .filter(|(_, c)| c.is_ascii_alphanumeric() || *c == '\'')
                    .map(|(i, _)| at + i)
                    .collect();
                out.push(Token {
                    start: at,
                    end: at + piece.len(),
                    kept_from: kept.first().copied().unwrap_or(usize::MAX),
                    kept_to: kept.last().map_or(0, |k| k + 1),
                    ascii: piece.is_ascii(),
                    alpha: piece.chars().any(char::is_alphabetic),
                });
            }
            at += piece.len() + s[at + piece.len()..].chars().next().map_or(0, char::len_utf8);
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn tokens_are_the_whitespace_split(
            s in "(([a-zA-Z0-9',.]{0,18}|[éЖ中’ʼ]{1,2})[ \t\n\u{a0}\u{2003}]{0,2}){0,12}",
        ) {
            let mut all = All(Vec::new());
            scan(&s, &mut all);
            proptest::prop_assert_eq!(all.0, reference(&s));
        }
    }
}
