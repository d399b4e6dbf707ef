//! `thresh extract`: clean and print, no database. The JSON form is the
//! interface the accuracy checks use.

use std::io::{BufWriter, Write};

use serde::Serialize;
use thresh_clean::Cleaner;
use thresh_doc::{Doc, Removed};

use crate::args::{ExtractArgs, Format, Global};
use crate::pipeline::{self, Processed};
use crate::{exit, Fatal};

/// One line of `extract --format json`, borrowed from the document and
/// written straight out (keys in alphabetical order, as they always were).
/// Field names are the schema's (`source`, `published_at`,
/// `published_local`); `path` and `published` are their old spellings,
/// kept for one release.
#[derive(Serialize)]
struct Record<'a> {
    author: &'a Option<String>,
    canonical_url: &'a Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    comments: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dropped: Option<&'a str>,
    lang: &'a Option<String>,
    media_type: &'a str,
    method: &'a Option<String>,
    /// Old spelling of `source`.
    path: &'a str,
    /// Old spelling of `published_local`.
    published: &'a Option<String>,
    /// The date in UTC, RFC 3339 (as the database stores it).
    published_at: Option<String>,
    /// The date as the page wrote it.
    published_local: &'a Option<String>,
    removed: &'a [Removed],
    site: &'a Option<String>,
    source: &'a str,
    text: String,
    title: &'a Option<String>,
    url: Option<&'a String>,
}

fn write_json(out: &mut impl Write, doc: &Doc, dropped: Option<&str>, with_comments: bool) -> std::io::Result<()> {
    let record = Record {
        author: &doc.author,
        canonical_url: &doc.canonical_url,
        comments: with_comments.then_some(doc.comments.as_slice()),
        dropped,
        lang: &doc.lang,
        media_type: doc.media_type.as_str(),
        method: &doc.method,
        path: &doc.source.locator,
        published: &doc.published,
        published_at: doc.published_utc(),
        published_local: &doc.published,
        removed: &doc.removed,
        site: &doc.site,
        source: &doc.source.locator,
        text: doc.text(),
        title: &doc.title,
        url: doc.url.as_ref().or(doc.canonical_url.as_ref()),
    };
    serde_json::to_writer(&mut *out, &record)?;
    writeln!(out)
}

fn to_text(doc: &Doc, out: &mut impl Write) -> std::io::Result<()> {
    writeln!(out, "==> {}", doc.source.locator)?;
    if let Some(t) = &doc.title {
        writeln!(out, "# {t}")?;
    }
    for (k, v) in [("published", &doc.published), ("author", &doc.author), ("site", &doc.site), ("lang", &doc.lang)] {
        if let Some(v) = v {
            writeln!(out, "{k}: {v}")?;
        }
    }
    writeln!(out)?;
    for p in &doc.paragraphs {
        writeln!(out, "{p}\n")?;
    }
    Ok(())
}

pub fn run(g: &Global, a: ExtractArgs, show_progress: bool) -> Result<u8, Fatal> {
    let cfg = a.clean.clean_config();
    let mut stages = pipeline::Stages::new(a.input.load_config(&a.clean, Some("-")), Cleaner::new(&cfg)?);
    stages.manifest = a.clean.manifest()?;
    let inputs = a.input.enumerate(&a.paths, g.quiet).inputs;
    let pool = pipeline::pool(g.threads())?;
    let progress = pipeline::progress_bar(pipeline::known_len(&inputs), show_progress, "extract");
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut failed = 0usize;
    let mut io_error = None;
    pipeline::run_batches(pipeline::jobs(inputs), &pool, &stages, &progress, |batch| {
        for p in batch {
            let r = match &p {
                Processed::Kept(doc, _) => match a.format {
                    Format::Json | Format::Jsonl => write_json(&mut out, doc, None, cfg.include_comments),
                    Format::Text => to_text(doc, &mut out),
                },
                Processed::Dropped(doc, reason) => match a.format {
                    Format::Json | Format::Jsonl => {
                        write_json(&mut out, doc, Some(reason.as_str()), cfg.include_comments)
                    }
                    Format::Text => {
                        writeln!(out, "==> {} (dropped: {reason})\n", doc.source.locator)
                    }
                },
                Processed::Failed { message, .. } => {
                    failed += 1;
                    eprintln!("thresh: error: {message}");
                    Ok(())
                }
                Processed::Skipped(..) | Processed::NotModified(_) | Processed::Gone(..) => Ok(()),
            };
            if let Err(e) = r {
                io_error = Some(e);
                return false;
            }
        }
        true
    });
    if let Some(e) = io_error.or_else(|| out.flush().err()) {
        return Err(Fatal::output(e));
    }
    Ok(if failed > 0 { exit::INPUT_ERRORS } else { exit::OK })
}
