//! Rule family `phrase`: known boilerplate phrases from a data file.
//!
//! The rules live in `rules/boilerplate.tsv` (compiled in) and in any file
//! the user adds with `--rules`; see that file's header for the format. Each
//! rule carries the removal kind it records and a word limit, so a long
//! article paragraph that merely contains a phrase is never cut.

use regex::RegexSet;

use super::normalize;

/// The built-in rules.
pub static DEFAULT_RULES: &str = include_str!("../../rules/boilerplate.tsv");

/// A rule file that could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{origin}:{line}: {message}")]
pub struct RuleError {
    /// Where the rules came from (a path, or `built-in`).
    pub origin: String,
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

#[derive(Debug, Clone)]
struct Rule {
    kind: String,
    max_words: usize,
    name: String,
}

/// A compiled set of phrase rules.
#[derive(Debug, Clone)]
pub struct Phrases {
    set: RegexSet,
    rules: Vec<Rule>,
    /// The largest word limit of any rule: longer lines need no matching.
    max_words: usize,
}

/// A rule that fired: the kind to record and the rule's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit<'a> {
    /// Removal kind.
    pub kind: &'a str,
    /// `phrase:<origin>:<line>`.
    pub rule: &'a str,
}

impl Phrases {
    /// Compile rule texts; each is `(origin, contents)`.
    pub fn compile(sources: &[(&str, &str)]) -> Result<Phrases, RuleError> {
        let mut patterns = Vec::new();
        let mut rules = Vec::new();
        for (origin, text) in sources {
            for (i, raw) in text.lines().enumerate() {
                let line = raw.trim_end_matches('\r');
                if line.trim().is_empty() || line.trim_start().starts_with('#') {
                    continue;
                }
                let err = |message: String| RuleError { origin: origin.to_string(), line: i + 1, message };
                let mut f = line.splitn(3, '\t');
                let (Some(kind), Some(max), Some(pat)) = (f.next(), f.next(), f.next()) else {
                    return Err(err("expected KIND<TAB>MAX_WORDS<TAB>PATTERN".into()));
                };
                let max_words = max.trim().parse().map_err(|_| err(format!("MAX_WORDS {max:?} is not a number")))?;
                regex::Regex::new(pat).map_err(|e| err(format!("bad pattern: {e}")))?;
                // ASCII word boundaries keep the whole set on the lazy DFA
                // (a Unicode `\b` forces the much slower PikeVM).
                patterns.push(format!("(?i){}", pat.replace(r"\b", r"(?-u:\b)")));
                rules.push(Rule {
                    kind: kind.trim().to_string(),
                    max_words,
                    name: format!("phrase:{origin}:{}", i + 1),
                });
            }
        }
        let set = regex::RegexSetBuilder::new(&patterns)
            .dfa_size_limit(64 << 20)
            .size_limit(64 << 20)
            .build()
            .map_err(|e| RuleError { origin: "rules".into(), line: 0, message: e.to_string() })?;
        let max_words = rules.iter().map(|r| r.max_words).max().unwrap_or(0);
        Ok(Phrases { set, rules, max_words })
    }

    /// The built-in rules only.
    pub fn builtin() -> Phrases {
        Phrases::compile(&[("built-in", DEFAULT_RULES)]).expect("built-in rules compile (tested)")
    }

    /// The first rule (in file order) that matches this line or sentence.
    pub fn matches(&self, text: &str) -> Option<Hit<'_>> {
        if normalize::words(text) > self.max_words {
            return None;
        }
        let key = normalize::key(text);
        let words = normalize::words(&key);
        let key = key.trim_end_matches([':', '|', '»', '›', '>', '→']);
        let key = key.trim();
        self.set
            .matches(key)
            .iter()
            .map(|i| &self.rules[i])
            .find(|r| words <= r.max_words)
            .map(|r| Hit { kind: &r.kind, rule: &r.name })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(p: &Phrases, s: &str) -> Option<String> {
        p.matches(s).map(|h| h.kind.to_string())
    }

    #[test]
    fn builtin_rules_compile_and_fire() {
        let p = Phrases::builtin();
        assert_eq!(kind(&p, "Close").as_deref(), Some("widget"));
        assert_eq!(kind(&p, "What’s Hot").as_deref(), Some("widget"));
        assert_eq!(kind(&p, "Click to follow").as_deref(), Some("widget"));
        assert_eq!(kind(&p, "• Published").as_deref(), Some("widget"));
        assert_eq!(kind(&p, "Join our commenting forum").as_deref(), Some("comments-prompt"));
        assert_eq!(kind(&p, "Your support makes all the difference.").as_deref(), Some("donation-appeal"));
        assert_eq!(
            kind(&p, "David Cameron and President PutinImage source, PA/Getty Images").as_deref(),
            Some("image-credit")
        );
        assert_eq!(
            kind(&p, "Subscribe to Independent Premium to bookmark this article").as_deref(),
            Some("subscription-prompt")
        );
        assert_eq!(kind(&p, "Share on Facebook").as_deref(), Some("share"));
        assert_eq!(kind(&p, "1.2K shares").as_deref(), Some("share"));
        assert_eq!(kind(&p, "We use cookies to improve your experience.").as_deref(), Some("cookie"));
    }

    #[test]
    fn article_sentences_are_left_alone() {
        let p = Phrases::builtin();
        for s in [
            "The prime minister said he would close the gap between the two sides before the summit.",
            "'Deep differences'",
            "Report: the council will vote on Monday.",
            "The newsletter, founded in 2010, now has 40,000 readers across the country and beyond.",
            "Mr Putin said that support for the regime might not be open ended, and that the talks would go on through the winter while both sides consider your support for the plan and other options.",
        ] {
            assert_eq!(kind(&p, s), None, "{s}");
        }
    }

    #[test]
    fn user_rules_add_and_bad_rules_are_reported() {
        let p =
            Phrases::compile(&[("built-in", DEFAULT_RULES), ("mine.tsv", "promo\t10\t^buy one get one\n")]).unwrap();
        assert_eq!(kind(&p, "Buy one get one free").as_deref(), Some("promo"));
        let e = Phrases::compile(&[("mine.tsv", "# c\nwidget\tx\t^a$\n")]).unwrap_err();
        assert_eq!((e.origin.as_str(), e.line), ("mine.tsv", 2));
        let e = Phrases::compile(&[("mine.tsv", "widget\t3\t(unclosed\n")]).unwrap_err();
        assert!(e.message.contains("bad pattern"));
    }
}
