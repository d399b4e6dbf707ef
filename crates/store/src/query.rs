//! What a person types into `thresh search`, as an FTS5 query.
//!
//! FTS5's query language rejects much of ordinary text: an apostrophe
//! (`Putin's`), a hyphen read as a column filter (`e-mail`: "no such column:
//! mail"), `%`, `?`, `+`, an unclosed quote. [`to_fts5`] keeps what is used as
//! syntax — `"phrases"`, `AND` / `OR` / `NOT` between terms, `prefix*`,
//! `title:` / `text:` filters and balanced parentheses — and quotes every
//! other token as a string, which FTS5 tokenizes as it tokenized the
//! documents, so `U.S.` finds "U.S." and `50%` finds "50". The result is
//! always valid FTS5 (a fuzz target holds it); an empty string when nothing
//! searchable is left.

/// One piece of the query.
#[derive(Debug, Clone, PartialEq)]
enum Piece {
    /// A quoted FTS5 string (words or a phrase), optionally a prefix.
    Term {
        text: String,
        prefix: bool,
        column: Option<&'static str>,
    },
    /// `AND`, `OR` or `NOT`.
    Op(&'static str),
    Open,
    Close,
}

/// The columns a query may name (`title:word`).
const COLUMNS: [&str; 2] = ["title", "text"];

/// `query` as a valid FTS5 query.
pub fn to_fts5(query: &str) -> String {
    // Control characters are spaces here (SQLite would end the string at a NUL).
    let query: String = query.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let pieces = balance(operators_between_terms(split(&query)));
    let mut out = String::new();
    let mut prev: Option<&Piece> = None;
    for p in &pieces {
        let glue = match (prev, p) {
            (None, _) | (Some(Piece::Open), _) | (_, Piece::Close) => "",
            // FTS5 reads two terms side by side as AND, but not a term
            // beside a group: that needs the word.
            (Some(Piece::Term { .. } | Piece::Close), Piece::Open) | (Some(Piece::Close), Piece::Term { .. }) => {
                " AND "
            }
            _ => " ",
        };
        out.push_str(glue);
        match p {
            Piece::Term { text, prefix, column } => {
                if let Some(c) = column {
                    out.push_str(c);
                    out.push_str(" : ");
                }
                out.push('"');
                out.push_str(&text.replace('"', "\"\""));
                out.push('"');
                if *prefix {
                    out.push('*');
                }
            }
            Piece::Op(op) => out.push_str(op),
            Piece::Open => out.push('('),
            Piece::Close => out.push(')'),
        }
        prev = Some(p);
    }
    out
}

/// Text with something FTS5's tokenizer makes a token of (a letter or a digit).
fn searchable(s: &str) -> bool {
    s.chars().any(char::is_alphanumeric)
}

/// Cut the query into pieces: quoted phrases (an unclosed one runs to the
/// end), parentheses, and whitespace-separated tokens.
fn split(query: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut rest = query;
    loop {
        rest = rest.trim_start();
        let Some(c) = rest.chars().next() else { break };
        match c {
            '"' => {
                let body = &rest[1..];
                let (phrase, after) = match body.find('"') {
                    Some(end) => (&body[..end], &body[end + 1..]),
                    None => (body, ""),
                };
                let (prefix, after) = match after.strip_prefix('*') {
                    Some(a) => (true, a),
                    None => (false, after),
                };
                if searchable(phrase) {
                    pieces.push(Piece::Term { text: phrase.to_string(), prefix, column: None });
                }
                rest = after;
            }
            '(' => {
                pieces.push(Piece::Open);
                rest = &rest[1..];
            }
            ')' => {
                pieces.push(Piece::Close);
                rest = &rest[1..];
            }
            _ => {
                let end = rest.find(|c: char| c.is_whitespace() || matches!(c, '"' | '(' | ')')).unwrap_or(rest.len());
                let token = &rest[..end];
                rest = &rest[end..];
                if let Some(op) = ["AND", "OR", "NOT"].into_iter().find(|op| *op == token) {
                    pieces.push(Piece::Op(op));
                    continue;
                }
                // `title:word`: a filter on a column thresh indexes.
                let (column, token) = match token.split_once(':') {
                    Some((c, t)) if !t.is_empty() => match COLUMNS.into_iter().find(|k| c.eq_ignore_ascii_case(k)) {
                        Some(k) => (Some(k), t),
                        None => (None, token),
                    },
                    _ => (None, token),
                };
                // `word*`: a prefix, when what comes before the star is a word.
                let (text, prefix) = match token.strip_suffix('*') {
                    Some(t) if !t.is_empty() && t.chars().all(char::is_alphanumeric) => (t, true),
                    _ => (token, false),
                };
                if searchable(text) {
                    pieces.push(Piece::Term { text: text.to_string(), prefix, column });
                }
            }
        }
    }
    pieces
}

/// Operators stay syntax only between two operands (`AND`, `OR`, `NOT`
/// need something on each side); elsewhere they are dropped.
fn operators_between_terms(pieces: Vec<Piece>) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::with_capacity(pieces.len());
    for (i, p) in pieces.iter().enumerate() {
        if let Piece::Op(_) = p {
            let left = matches!(out.last(), Some(Piece::Term { .. } | Piece::Close));
            let right = matches!(pieces.get(i + 1), Some(Piece::Term { .. } | Piece::Open));
            if !(left && right) {
                continue;
            }
        }
        out.push(p.clone());
    }
    out
}

/// Parentheses that do not pair up, and empty pairs, are dropped; an
/// operator left without an operand by that goes too.
fn balance(pieces: Vec<Piece>) -> Vec<Piece> {
    // Which parentheses pair up.
    let mut keep = vec![true; pieces.len()];
    let mut open: Vec<usize> = Vec::new();
    for (i, p) in pieces.iter().enumerate() {
        match p {
            Piece::Open => open.push(i),
            Piece::Close => match open.pop() {
                // `()` holds nothing to search.
                Some(o) if o + 1 == i => {
                    keep[o] = false;
                    keep[i] = false;
                }
                Some(_) => {}
                None => keep[i] = false,
            },
            _ => {}
        }
    }
    for o in open {
        keep[o] = false;
    }
    // Groups nested deeper than FTS5's parser goes (it overflows its stack)
    // are read flat.
    let mut kept_opens: Vec<bool> = Vec::new();
    for (i, p) in pieces.iter().enumerate() {
        match p {
            Piece::Open if keep[i] => {
                let deep = kept_opens.iter().filter(|k| **k).count() >= MAX_GROUP_DEPTH;
                kept_opens.push(!deep);
                keep[i] = !deep;
            }
            Piece::Close if keep[i] => keep[i] = kept_opens.pop().unwrap_or(false),
            _ => {}
        }
    }
    let kept: Vec<Piece> = pieces.into_iter().zip(keep).filter(|(_, k)| *k).map(|(p, _)| p).collect();
    let tidy = operators_between_terms(kept);
    if tidy.iter().any(|p| matches!(p, Piece::Open)) && has_empty_group(&tidy) {
        // "(AND)" and the like: an operator dropped left an empty group.
        return balance(tidy);
    }
    tidy
}

/// Deepest nesting of groups kept.
const MAX_GROUP_DEPTH: usize = 16;

fn has_empty_group(pieces: &[Piece]) -> bool {
    pieces.windows(2).any(|w| matches!((&w[0], &w[1]), (Piece::Open, Piece::Close)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_text_becomes_quoted_terms() {
        assert_eq!(to_fts5("Putin's"), r#""Putin's""#);
        assert_eq!(to_fts5("U.S. e-mail 50% C++ what?"), r#""U.S." "e-mail" "50%" "C++" "what?""#);
        assert_eq!(to_fts5("don't  panic"), r#""don't" "panic""#);
        assert_eq!(to_fts5("- & ?"), "");
    }

    #[test]
    fn syntax_used_as_syntax_stays() {
        assert_eq!(to_fts5(r#""prime minister" OR chancellor"#), r#""prime minister" OR "chancellor""#);
        assert_eq!(to_fts5("kreml* NOT moscow"), r#""kreml"* NOT "moscow""#);
        assert_eq!(to_fts5("title:bridge (harbour OR port)"), r#"title : "bridge" AND ("harbour" OR "port")"#);
        assert_eq!(to_fts5("(a OR b) c"), r#"("a" OR "b") AND "c""#);
        assert_eq!(to_fts5(r#""harbour bri"*"#), r#""harbour bri"*"#);
    }

    #[test]
    fn broken_syntax_is_repaired() {
        assert_eq!(to_fts5(r#""unclosed"#), r#""unclosed""#);
        assert_eq!(to_fts5("bridge AND ("), r#""bridge""#);
        assert_eq!(to_fts5("OR bridge NOT"), r#""bridge""#);
        assert_eq!(to_fts5("(a OR b"), r#""a" OR "b""#);
        assert_eq!(to_fts5("a) (AND) b"), r#""a" "b""#);
        assert_eq!(to_fts5(r#"say "it ""#), r#""say" "it ""#);
        assert_eq!(to_fts5("foo:bar *"), r#""foo:bar""#);
        assert_eq!(to_fts5("a AND OR b"), r#""a" OR "b""#);
        // Nesting deeper than FTS5's parser goes is flattened (fuzz crasher).
        let deep = format!("{}a OR b{}", "(".repeat(40), ")".repeat(40));
        assert_eq!(to_fts5(&deep), format!("{}\"a\" OR \"b\"{}", "(".repeat(16), ")".repeat(16)));
        // A NUL would end the string for SQLite (fuzz crasher).
        assert_eq!(to_fts5("\"unclos\0\0\ted"), r#""unclos   ed""#);
    }
}
