//! Boilerplate removal for thresh: main-content extraction from HTML, line
//! rules for plain-text dumps, and page metadata.
//!
//! Build a [`Cleaner`] once from a [`CleanConfig`] (rules compiled, regexes
//! built), then call [`Cleaner::apply`] on each document: a pure function
//! of the document, with no I/O.
//!
//! ```
//! use thresh_clean::{CleanConfig, Cleaner};
//! use thresh_doc::{Doc, MediaType, Source, Verdict};
//!
//! let cleaner = Cleaner::new(&CleanConfig::default()).unwrap();
//! let dump = "Talks resume over Syria\nClose\nSenior British and Russian officials are to resume \
//!             efforts to find a solution to the crisis in Syria, the two leaders have agreed in a call on Monday.\nWhat's Hot\n";
//! let doc = Doc::new(Source::file("a.txt"), MediaType::Text, dump.into());
//! let Verdict::Keep(doc) = cleaner.apply(doc) else { panic!() };
//! assert_eq!(doc.title.as_deref(), Some("Talks resume over Syria"));
//! assert_eq!(doc.paragraphs.len(), 1);
//! assert!(doc.removed.iter().any(|r| r.kind == "widget" && r.text == "Close"));
//! ```
#![warn(missing_docs)]

mod chars;
pub mod dates;
pub mod html;
mod lanes;
pub mod lang;
mod memo;
pub mod normalize;
pub mod phrases;
pub mod repeats;
pub mod scan;
pub mod site;
pub mod stopwords;
pub mod text;
pub mod title;

use serde::{Deserialize, Serialize};
use thresh_doc::{Doc, DropReason, MediaType, Removed, Verdict};

pub use phrases::{Phrases, RuleError};
pub use site::{Learned, LineKey};

/// Precision / recall trade-off, as trafilatura offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Favor {
    /// Cut more: fewer false positives, some lost text.
    Precision,
    /// The default.
    #[default]
    Balanced,
    /// Keep more: less lost text, more boilerplate.
    Recall,
}

/// Cleaner settings; stored with each run.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CleanConfig {
    /// Precision / recall trade-off.
    pub favor: Favor,
    /// Extract user comments into their own field.
    pub include_comments: bool,
    /// Largest HTML page accepted (bytes, after the pre-scan).
    pub max_html_bytes: usize,
    /// Most elements accepted in one HTML page.
    pub max_elements: usize,
    /// Extra phrase-rule files (same format as `rules/boilerplate.tsv`).
    pub rule_files: Vec<String>,
}

impl Default for CleanConfig {
    fn default() -> Self {
        let h = html::HtmlConfig::default();
        CleanConfig {
            favor: Favor::Balanced,
            include_comments: false,
            max_html_bytes: h.max_bytes,
            max_elements: h.max_elements,
            rule_files: Vec::new(),
        }
    }
}

/// A configuration that could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A rule file could not be read.
    #[error("{path}: cannot read rule file: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// A rule is malformed.
    #[error(transparent)]
    Rule(#[from] RuleError),
}

/// The runtime cleaner: everything compiled once.
#[derive(Debug, Clone)]
pub struct Cleaner {
    phrases: Phrases,
    html: html::HtmlConfig,
    context: text::context::Params,
}

impl Cleaner {
    /// Build from a configuration, reading any extra rule files.
    pub fn new(cfg: &CleanConfig) -> Result<Cleaner, ConfigError> {
        let mut extra = Vec::new();
        for p in &cfg.rule_files {
            let s = std::fs::read_to_string(p).map_err(|source| ConfigError::Io { path: p.clone(), source })?;
            extra.push((p.clone(), s));
        }
        let mut sources: Vec<(&str, &str)> = vec![("built-in", phrases::DEFAULT_RULES)];
        sources.extend(extra.iter().map(|(p, s)| (p.as_str(), s.as_str())));
        let phrases = Phrases::compile(&sources)?;
        let context = match cfg.favor {
            Favor::Precision => text::context::Params {
                stopwords_low: 0.30,
                stopwords_high: 0.34,
                length_high: 200,
                ..text::context::Params::for_dumps()
            },
            Favor::Balanced => text::context::Params::for_dumps(),
            Favor::Recall => text::context::Params {
                length_low: 50,
                length_high: 120,
                stopwords_low: 0.2,
                stopwords_high: 0.25,
                ..text::context::Params::for_dumps()
            },
        };
        Ok(Cleaner {
            phrases,
            html: html::HtmlConfig {
                favor: cfg.favor,
                include_comments: cfg.include_comments,
                max_bytes: cfg.max_html_bytes,
                max_elements: cfg.max_elements,
            },
            context,
        })
    }

    /// Clean one document: fill in metadata, paragraphs and removals.
    pub fn apply(&self, doc: Doc) -> Verdict {
        self.apply_with(doc, &Learned::default())
    }

    /// Clean one document, also removing what was learned as boilerplate for
    /// its site. When the document has a URL (only such documents are
    /// learned from: the host is the site), its `site_keys` are filled in,
    /// learned or not: the keys of every line it had before learned lines
    /// were taken out.
    pub fn apply_with(&self, mut doc: Doc, learned: &Learned) -> Verdict {
        let with_keys = doc.url.is_some();
        match doc.media_type {
            MediaType::Html => match html::extract(&doc.raw, doc.url.as_deref(), &self.html, &self.phrases) {
                Err(reason) => return Verdict::Drop(doc, reason),
                Ok(out) => {
                    let m = out.meta;
                    doc.title = m.title;
                    doc.published = m.published;
                    doc.author = m.author;
                    doc.site = m.site;
                    doc.canonical_url = m.canonical_url;
                    doc.lang = out.lang;
                    doc.paragraphs = out.paragraphs;
                    doc.comments = out.comments;
                    doc.removed = out.removed;
                    doc.method = Some(out.method.to_string());
                    if with_keys {
                        doc.site_keys = site::keys(doc.paragraphs.iter().map(String::as_str));
                    }
                    if !learned.is_empty() {
                        let (keep, cut): (Vec<String>, Vec<String>) =
                            std::mem::take(&mut doc.paragraphs).into_iter().partition(|p| !learned.contains(p));
                        doc.paragraphs = keep;
                        doc.removed.extend(cut.into_iter().map(|t| Removed::new(site::KIND, site::RULE, t)));
                    }
                }
            },
            MediaType::Text => {
                let out = text::clean(&doc.raw, &self.phrases, &self.context, learned, with_keys);
                doc.title = out.title;
                doc.published = out.published;
                doc.lang = out.lang;
                doc.paragraphs = out.paragraphs;
                doc.removed = out.removed;
                doc.site_keys = out.keys;
                doc.method = Some(if out.fallback { "lines-fallback" } else { "lines" }.into());
            }
        }
        if doc.site.is_none() {
            doc.site = doc.host();
        }
        if doc.paragraphs.is_empty() {
            return Verdict::Drop(doc, DropReason::EmptyAfterClean);
        }
        Verdict::Keep(doc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use thresh_doc::Source;

    #[test]
    fn learned_paragraphs_leave_html_bodies_and_keys_are_reported() {
        let body = [
            "The council said on Tuesday that the harbour bridge would reopen after months of repairs, and that the cost had risen by a third.",
            "Engineers found the foundations in worse shape than expected when the first piers were opened up in the spring, officials said.",
            "Welcome back to the Gazette, where we bring you the stories that matter most to the valley and its people every day.",
        ];
        let html = format!(
            "<html><body><article><h1>Bridge reopens</h1>{}</article></body></html>",
            body.iter().map(|p| format!("<p>{p}</p>")).collect::<String>()
        );
        let doc = || {
            let mut d = Doc::new(Source::file("a.html"), MediaType::Html, html.clone());
            d.url = Some("https://gazette.example/bridge".into());
            d
        };
        let cleaner = Cleaner::new(&CleanConfig::default()).unwrap();
        let Verdict::Keep(plain) = cleaner.apply(doc()) else { panic!("dropped") };
        assert_eq!(plain.paragraphs, body);
        assert_eq!(plain.site_keys, site::keys(body));
        // Without a URL there is no site to learn for: no keys.
        let mut no_url = doc();
        no_url.url = None;
        let Verdict::Keep(anon) = cleaner.apply(no_url) else { panic!("dropped") };
        assert!(anon.site_keys.is_empty());
        let learned = Learned::new(site::line_key(body[2]));
        let Verdict::Keep(d) = cleaner.apply_with(doc(), &learned) else { panic!("dropped") };
        assert_eq!(d.paragraphs, &body[..2]);
        assert!(d.removed.iter().any(|r| r.kind == site::KIND && r.text == body[2]));
        assert_eq!(d.site_keys, plain.site_keys, "keys are counted before learned lines go");
    }
}
